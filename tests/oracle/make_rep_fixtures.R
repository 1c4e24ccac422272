# Generates the R reference fixtures for replicate-weight designs (data/rep_*.csv,
# expected/rep_*.csv, rep_cases.txt).
#
# Run from the repository root:  Rscript tests/oracle/make_rep_fixtures.R
# Needs R with the survey package (made with survey 4.1.1). Replicate weights come from
# as.svrepdesign() on the Taylor designs of data(api) and data(nhanes); they are written
# with 17 significant digits and every expected number is computed by svrepdesign() on the
# CSV exactly as re-read, with survey's own functions (svymean, svyciprop, degf, svytotal +
# svycontrast on the replicates, svychisq).

suppressPackageStartupMessages(library(survey))

args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
datadir <- file.path(root, "data")
expdir <- file.path(root, "expected")
unlink(list.files(expdir, pattern = "^rep_", full.names = TRUE))
unlink(list.files(datadir, pattern = "^rep_", full.names = TRUE))

if (as.character(packageVersion("survey")) != "4.1.1")
    message("note: fixtures were made with survey 4.1.1; this is ", packageVersion("survey"))

## ---------------------------------------------------------------- output helpers
# (fmt17, fmt_int, write_csv: helpers.R)
write_expected <- function(name, df) write_csv(df, file.path(expdir, paste0(name, ".csv")))
cases <- character()
add_case <- function(name, args, tol = NULL) {
    line <- paste0(name, "|", paste(args, collapse = " "))
    if (!is.null(tol)) line <- paste0(line, "|tol=", tol)
    cases <<- c(cases, line)
}

## ---------------------------------------------------------------- data with replicates
undot <- function(df) { names(df) <- gsub(".", "_", names(df), fixed = TRUE); df }
chr <- function(df) { for (v in names(df)) if (is.factor(df[[v]])) df[[v]] <- as.character(df[[v]]); df }
data(api)
data(nhanes)
keep <- c("snum", "dnum", "stype", "pw", "api00", "sch.wide", "comp.imp", "both", "awards")

# rep columns named PREFIX1..PREFIXR; rscales written to a side file for the JKn case.
add_reps <- function(df, rd, prefix) {
    w <- weights(rd, "analysis")
    for (r in seq_len(ncol(w))) df[[paste0(prefix, r)]] <- w[, r]
    df
}
set.seed(20261122)
strat <- undot(chr(apistrat[, c(keep, "fpc")]))
d_strat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
rd_jkn <- as.svrepdesign(d_strat, type = "JKn")
strat <- add_reps(strat, rd_jkn, "jk")
rd_boot <- as.svrepdesign(d_strat, type = "bootstrap", replicates = 40)
strat <- add_reps(strat, rd_boot, "bs")
write_csv(strat, file.path(datadir, "rep_apistrat.csv"))
writeLines(fmt17(rd_jkn$rscales), file.path(datadir, "rep_apistrat_rscales.txt"))

clus1 <- undot(chr(apiclus1[, c(keep, "fpc")]))
d_clus1 <- svydesign(ids = ~dnum, weights = ~pw, data = apiclus1)
rd_jk1 <- as.svrepdesign(d_clus1, type = "JK1")
clus1 <- add_reps(clus1, rd_jk1, "jk")
write_csv(clus1, file.path(datadir, "rep_apiclus1.csv"))

# BRR needs two PSUs per stratum: keep the strata that have exactly two.
npsu <- tapply(nhanes$SDMVPSU, nhanes$SDMVSTRA, function(x) length(unique(x)))
nh0 <- nhanes[nhanes$SDMVSTRA %in% names(npsu)[npsu == 2], ]
nh0 <- nh0[sort(sample(nrow(nh0), 2500)), ]  # a smaller file; every PSU keeps rows
stopifnot(all(tapply(nh0$SDMVPSU, nh0$SDMVSTRA, function(x) length(unique(x))) == 2))
nh <- nh0[, c("SDMVSTRA", "SDMVPSU", "WTMEC2YR", "race", "RIAGENDR", "HI_CHOL", "agecat")]
nh$agecat <- as.character(nh$agecat)
d_nh <- svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                  data = nh0)
rd_brr <- as.svrepdesign(d_nh, type = "BRR")
nh <- add_reps(nh, rd_brr, "brr")
rd_fay <- as.svrepdesign(d_nh, type = "Fay", fay.rho = 0.3)
nh <- add_reps(nh, rd_fay, "fay")
write_csv(nh, file.path(datadir, "rep_nhanes.csv"))

# The synthetic shopper export (zero weights, missing answers, multi-response questions):
# JKn replicates of its waves-as-strata design; the single-panel stratum 2011-W is left out
# (lonely PSU, R's "certainty"), as `shopstat replicate --lonely-psu certainty` does.
sh <- read.csv(file.path(datadir, "shopper.csv"), na.strings = "", check.names = FALSE,
               stringsAsFactors = FALSE)
sh_txt <- read.csv(file.path(datadir, "shopper.csv"), colClasses = "character",
                   na.strings = "", check.names = FALSE)
old_lonely <- options(survey.lonely.psu = "certainty")
rd_sh <- as.svrepdesign(svydesign(ids = ~panel, strata = ~wstratum, weights = ~wt, nest = TRUE,
                                  data = sh), type = "JKn")
options(old_lonely)
sh_out <- sh_txt
w_sh <- weights(rd_sh, "analysis")
for (r in seq_len(ncol(w_sh))) sh_out[[paste0("jk", r)]] <- w_sh[, r]
write_csv(sh_out, file.path(datadir, "rep_shopper.csv"))
writeLines(fmt17(rd_sh$rscales), file.path(datadir, "rep_shopper_rscales.txt"))

## Re-read: the computations below use exactly what the CSV holds.
read_back <- function(name) read_back_file(file.path(datadir, paste0(name, ".csv")))
read_back_file <- function(path) {
    list(txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
         num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
}
D <- list(rep_apistrat = read_back("rep_apistrat"), rep_apiclus1 = read_back("rep_apiclus1"),
          rep_nhanes = read_back("rep_nhanes"), rep_shopper = read_back("rep_shopper"))
sh_rscales <- as.numeric(readLines(file.path(datadir, "rep_shopper_rscales.txt")))
jkn_rscales <- as.numeric(readLines(file.path(datadir, "rep_apistrat_rscales.txt")))

## ---------------------------------------------------------------- designs
# spec: weight, prefix, type (R's), rho, rscales, mse, flags (the CLI's spelling)
rep_cols <- function(df, prefix) {
    nm <- names(df)
    m <- regmatches(nm, regexec(paste0("^", prefix, "([0-9]+)$"), nm))
    ok <- vapply(m, length, 0L) == 2
    nm[ok][order(as.numeric(vapply(m[ok], `[`, "", 2)))]
}
# spec$post (post-stratified: the reppost/ cases below): cols, the population file (as
# the CLI reads it) and its data frame; R's postStratify re-post-stratifies every replicate
make_rep <- function(dat, spec) {
    df <- dat$num
    des <- svrepdesign(data = df, weights = as.formula(paste("~", spec$weight)),
                       repweights = df[, rep_cols(df, spec$prefix)], type = spec$type,
                       rho = spec$rho, rscales = spec$rscales, scale = spec$scale,
                       mse = isTRUE(spec$mse), combined.weights = TRUE)
    if (!is.null(spec$rake)) return(rake_rep(des, spec))
    if (is.null(spec$post)) return(des)
    postStratify(des, as.formula(paste("~", paste(spec$post$cols, collapse = " + "))),
                 spec$post$pop)
}
# spec$rake (raked: the reprake/ cases below): a list of margins (cols, file, pop as post),
# spec$maxit; R's rake of a svyrep.design post-stratifies the full-sample weights and every
# replicate's on each margin in turn, testing the full sample's table alone. R's warning
# when it stops at maxit is checked against spec$converged (TRUE unless given).
rake_rep <- function(des, spec) {
    warned <- FALSE
    r <- withCallingHandlers(
        rake(des, lapply(spec$rake, function(m) as.formula(paste("~", paste(m$cols, collapse = " + ")))),
             lapply(spec$rake, `[[`, "pop"),
             control = list(maxit = if (is.null(spec$maxit)) 10 else spec$maxit,
                            epsilon = if (is.null(spec$epsilon)) 1 else spec$epsilon,
                            verbose = FALSE)),
        warning = function(w) {
            if (grepl("Raking did not converge", conditionMessage(w))) {
                warned <<- TRUE
                invokeRestart("muffleWarning")
            }
        })
    stopifnot(warned == identical(spec$converged, FALSE))
    r
}
rep_flags <- function(spec) {
    f <- c("--weight", spec$weight, "--repweights", spec$prefix, "--reptype", spec$flag)
    if (!is.null(spec$rho)) f <- c(f, "--rho", spec$rho)
    if (!is.null(spec$rscales_flag)) f <- c(f, "--rscales", spec$rscales_flag)
    if (!is.null(spec$scale)) f <- c(f, "--repscale", spec$scale)
    if (isTRUE(spec$mse) && spec$flag != "sdr") f <- c(f, "--mse")
    if (identical(spec$mse, FALSE) && spec$flag == "sdr") f <- c(f, "--no-mse")
    if (!is.null(spec$post))
        f <- c(f, "--poststratify", paste(spec$post$cols, collapse = ","), "--population",
               spec$post$file)
    for (m in spec$rake) f <- c(f, "--rake", paste0(paste(m$cols, collapse = ","), "=", m$file))
    if (!is.null(spec$maxit)) f <- c(f, "--rake-maxit", spec$maxit)
    if (!is.null(spec$epsilon)) f <- c(f, "--rake-epsilon", spec$epsilon)
    f
}

# --base COL:V1,V2: R's subset of a replicate design drops the other rows.
b_eq <- function(dat, col, values) {
    x <- dat$txt[[col]]
    list(rows = !is.na(x) & x %in% values,
         flags = c("--base", paste0(col, ":", paste(values, collapse = ","))))
}
seg_list <- function(dat, ...) {
    groups <- list(...)
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))),
              do.call(c, lapply(groups, unclass)))
    attr(segs, "flags") <- unlist(lapply(groups, attr, "flags"))
    segs
}

## ---------------------------------------------------------------- tab
ci_method_r <- c(logit = "logit", xlogit = "xlogit", wald = "mean", asin = "asin",
                 beta = "beta")
# design: a replicate design made otherwise (the round trips of run.sh), whose case is not
# added to rep_cases.txt
run_tab <- function(case, dataset, spec, questions, segs, ci = "logit", level = 0.95,
                    base = NULL, design = NULL) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    des <- if (is.null(design)) make_rep(dat, spec) else design
    w <- weights(des, "sampling") # (the weight column, calibrated when post-stratified)
    out <- list()
    for (q in questions) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered & inbase
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        sub <- des[d, ]
        m <- svymean(~yy, sub, deff = "replace")
        p <- coef(m)[[1]]; se <- SE(m)[[1]]
        dfree <- degf(sub)
        if (!(p > 0 && p < 1)) stop(case, ": p = ", p)
        cp <- suppressWarnings(svyciprop(~yy, sub, method = ci_method_r[[ci]], level = level))
        lim <- as.vector(attr(cp, "ci"))
        dd <- fmt17(deff(m)[[1]])
        # a post-stratum's own share, the same in every calibrated replicate: SE 0 up to
        # R's round-off (1e-17), and so the interval [p, p]
        if (!is.null(spec$post) && se < 1e-12 * p) {
            se <- 0; lim <- c(p, p); dd <- "0"
        }
        # df 0 (the domain's replicate weights of rank 1): R's interval is NaN (qt on 0 df),
        # which shopstat writes empty
        if (dfree <= 0) {
            stopifnot(all(is.nan(lim)))
            lim <- c(NA, NA)
        }
        W <- sum(w * d)
        out[[length(out) + 1]] <- data.frame(
            variable = q$name, level = l, segment = s$name,
            base_n = fmt_int(sum(d)), base_weight = fmt17(W),
            count = fmt_int(sum(d & y == 1)), proportion = fmt17(p), se = fmt17(se),
            ci_lower = fmt17(lim[1]), ci_upper = fmt17(lim[2]), df = fmt_int(dfree),
            deff = dd, eff_base = fmt17(W^2 / sum(w^2 * d)),
            stringsAsFactors = FALSE)
    }
    res <- do.call(rbind, out)
    write_expected(case, res)
    args <- c("tab", file.path("data", paste0(dataset, ".csv")), rep_flags(spec),
              unlist(lapply(questions, `[[`, "flags")), attr(segs, "flags"), base$flags)
    if (ci != "logit") args <- c(args, "--ci", ci)
    if (level != 0.95) args <- c(args, "--level", level)
    if (is.null(design)) add_case(case, args)
    invisible(res)
}

## ---------------------------------------------------------------- compare
# cli_pairs: the --pair flags when they differ from pairs (COL:rest for a --by set is one
# pair per value)
run_compare <- function(case, dataset, spec, questions, segs, pairs, adjust = "holm",
                        base = NULL, cli_pairs = pairs, level = 0.95) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    byname <- setNames(lapply(segs, function(s) s$rows[inbase]), vapply(segs, `[[`, "", "name"))
    des <- make_rep(dat, spec)[inbase, ]
    dfree <- degf(des)
    tq <- qt(1 - (1 - level) / 2, dfree)
    out <- list()
    for (q in questions) for (pr in pairs) {
        side <- pair_rows(byname, pr); ab <- side$ab; ra <- side$a; rb <- side$b
        fam <- list()
        for (l in q$levels) {
            y <- q$y(l)[inbase]; y[is.na(y)] <- 0
            ans <- q$answered[inbase]
            a <- as.numeric(ra & ans); b <- as.numeric(rb & ans)
            # the difference re-estimated on every replicate
            r <- contrast_sides(des, y, a, b, return.replicates = TRUE)
            fam[[length(fam) + 1]] <- compare_row(q$name, l, ab, r, dfree, tq)
        }
        fam <- do.call(rbind, fam)
        fam$p_adjusted <- family_adjust(q, fam$p_value, fam$difference, adjust)
        out[[length(out) + 1]] <- fam
    }
    res <- do.call(rbind, out)
    write_expected(case, fmt_compare(res))
    args <- c("compare", file.path("data", paste0(dataset, ".csv")), rep_flags(spec),
              unlist(lapply(questions, `[[`, "flags")), attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", cli_pairs)))
    if (adjust != "holm") args <- c(args, "--adjust", adjust)
    if (level != 0.95) args <- c(args, "--level", level)
    add_case(case, args)
}

## ---------------------------------------------------------------- chisq
run_chisq <- function(case, dataset, spec, var, by, base = NULL) {
    dat <- D[[dataset]]
    des <- make_rep(dat, spec)
    des$variables[[var]] <- dat$txt[[var]]
    des$variables[[by]] <- dat$txt[[by]]
    if (!is.null(base)) des <- des[base$rows, ]
    res <- svychisq(as.formula(paste("~", var, "+", by)), des, statistic = "F")
    write_expected(case, data.frame(variable = var, by = by,
                                    statistic = fmt17(res$statistic[[1]]),
                                    ndf = fmt17(res$parameter[["ndf"]]),
                                    ddf = fmt17(res$parameter[["ddf"]]),
                                    p_value = fmt17(res$p.value[[1]])))
    add_case(case, c("chisq", file.path("data", paste0(dataset, ".csv")), rep_flags(spec),
                     "--var", var, "--by", by, base$flags))
}

## ---------------------------------------------------------------- the cases
A <- D$rep_apistrat; C1 <- D$rep_apiclus1; NH <- D$rep_nhanes
R_jkn <- length(jkn_rscales)
stopifnot(length(unique(jkn_rscales)) == 3)
S_jkn <- list(weight = "pw", prefix = "jk", type = "JKn", flag = "jkn", rscales = jkn_rscales,
              rscales_flag = paste(fmt17(jkn_rscales), collapse = ","))
S_boot <- list(weight = "pw", prefix = "bs", type = "bootstrap", flag = "bootstrap")
S_boot_mse <- c(S_boot, list(mse = TRUE))
S_jk1 <- list(weight = "pw", prefix = "jk", type = "JK1", flag = "jk1")
S_jk1_scale <- c(S_jk1, list(scale = 0.9))
S_sdr <- list(weight = "pw", prefix = "jk", type = "successive-difference", flag = "sdr", mse = TRUE)
S_brr <- list(weight = "WTMEC2YR", prefix = "brr", type = "BRR", flag = "brr")
S_fay <- list(weight = "WTMEC2YR", prefix = "fay", type = "Fay", flag = "fay", rho = 0.3)
S_fay_mse <- c(S_fay, list(mse = TRUE))

run_tab("rep_apistrat_jkn", "rep_apistrat", S_jkn, list(q_var(A, "sch_wide"), q_var(A, "awards")),
        seg_list(A, s_by(A, "stype")))
run_tab("rep_apistrat_jkn_beta", "rep_apistrat", S_jkn, list(q_var(A, "both")),
        seg_list(A, s_by(A, "stype")), ci = "beta")
run_tab("rep_apistrat_boot", "rep_apistrat", S_boot, list(q_var(A, "sch_wide")),
        seg_list(A, s_by(A, "stype")))
run_tab("rep_apistrat_boot_mse_wald", "rep_apistrat", S_boot_mse, list(q_var(A, "comp_imp")),
        seg_list(A, s_by(A, "stype")), ci = "wald")
run_tab("rep_apiclus1_jk1", "rep_apiclus1", S_jk1, list(q_var(C1, "comp_imp"), q_var(C1, "both")),
        seg_list(C1, s_by(C1, "stype")))
run_tab("rep_apiclus1_jk1_xlogit", "rep_apiclus1", S_jk1, list(q_var(C1, "awards")),
        seg_list(C1, s_eq(C1, "elem", "stype", "E")), ci = "xlogit")
run_tab("rep_apiclus1_jk1_scale_asin", "rep_apiclus1", S_jk1_scale, list(q_var(C1, "sch_wide")),
        seg_list(C1, s_eq(C1, "elem", "stype", "E")), ci = "asin")
run_tab("rep_apiclus1_sdr", "rep_apiclus1", S_sdr, list(q_var(C1, "both")),
        seg_list(C1, s_by(C1, "stype")))
run_tab("rep_nhanes_brr", "rep_nhanes", S_brr, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "race")))
run_tab("rep_nhanes_fay", "rep_nhanes", S_fay, list(q_var(NH, "agecat")),
        seg_list(NH, s_by(NH, "RIAGENDR")))
run_tab("rep_nhanes_fay_mse_beta", "rep_nhanes", S_fay_mse, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), ci = "beta")

SH <- D$rep_shopper
S_sh <- list(weight = "wt", prefix = "jk", type = "JKn", flag = "jkn", rscales = sh_rscales,
             rscales_flag = paste(fmt17(sh_rscales), collapse = ","))
shq <- list(q_var(SH, "would_switch"), q_multi(SH, "pref", c("pref_email", "pref_form", "pref_phone")),
            q_codes(SH, "prob", "problems"))
run_tab("rep_shopper_jkn", "rep_shopper", S_sh, shq,
        seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")))
run_tab("rep_shopper_jkn_beta_flag", "rep_shopper", S_sh, shq[1:2],
        seg_list(SH, s_eq(SH, "flagged", "flag", "x")), ci = "beta")
# --none-in-base over replicate weights: codes and 0/1 columns, every base row in
shn <- list(q_none(shq[[3]]), q_none(shq[[2]], SH, c("pref_email", "pref_form", "pref_phone")))
run_tab("rep_shopper_jkn_none", "rep_shopper", S_sh, shn,
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")))
run_compare("rep_shopper_jkn_cmp_none", "rep_shopper", S_sh, shn,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), c("heavy:rest"))
run_compare("rep_shopper_jkn_cmp", "rep_shopper", S_sh, shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:rest")

run_compare("rep_apistrat_jkn_cmp", "rep_apistrat", S_jkn, list(q_var(A, "sch_wide")),
            seg_list(A, s_by(A, "stype")), c("stype=E:stype=H", "stype=M:all"))
run_compare("rep_apistrat_boot_cmp_mse", "rep_apistrat", S_boot_mse, list(q_var(A, "awards")),
            seg_list(A, s_by(A, "stype")), "stype=E:rest")
run_compare("rep_apiclus1_jk1_cmp", "rep_apiclus1", S_jk1, list(q_var(C1, "both")),
            seg_list(C1, s_eq(C1, "elem", "stype", "E")), "elem:all")
run_compare("rep_nhanes_brr_cmp_overlap", "rep_nhanes", S_brr, list(q_var(NH, "agecat")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2"), s_eq(NH, "white", "race", "3")),
            "women:white", adjust = "bh")
run_compare("rep_nhanes_fay_cmp", "rep_nhanes", S_fay, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_by(NH, "race")), "race=1:race=2")
# a --by set against rest, value by value
run_compare("rep_apistrat_jkn_cmp_by_rest", "rep_apistrat", S_jkn, list(q_var(A, "awards")),
            seg_list(A, s_by(A, "stype")),
            paste0(vapply(s_by(A, "stype"), `[[`, "", "name"), ":rest"), cli_pairs = "stype:rest")

run_chisq("rep_nhanes_brr_chisq", "rep_nhanes", S_brr, "HI_CHOL", "race")
run_chisq("rep_apistrat_jkn_chisq", "rep_apistrat", S_jkn, "sch_wide", "stype")
# --base: R's subset of a replicate design drops the other rows (degf and svychisq's N over
# the base rows only)
run_tab("rep_apiclus1_jk1_base", "rep_apiclus1", S_jk1, list(q_var(C1, "awards")),
        seg_list(C1, s_eq(C1, "elem", "stype", "E")), base = b_eq(C1, "sch_wide", "Yes"))
run_compare("rep_nhanes_brr_cmp_base", "rep_nhanes", S_brr, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), c("women:all", "women:rest"),
            base = b_eq(NH, "race", c("1", "3")))
run_chisq("rep_apistrat_jkn_chisq_base", "rep_apistrat", S_jkn, "sch_wide", "stype",
          base = b_eq(A, "comp_imp", "Yes"))

## ---------------------------------------------------------------- less-travelled paths
# Intervals at 90% and 99% on every replicate type, logit (R: svyglm on the replicates)
# with --mse too; compare at 90%; chisq with mse.
run_tab("rep_apiclus1_jk1_logit_99", "rep_apiclus1", S_jk1, list(q_var(C1, "sch_wide")),
        seg_list(C1, s_eq(C1, "elem", "stype", "E")), level = 0.99)
run_tab("rep_nhanes_brr_beta_90", "rep_nhanes", S_brr, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "RIAGENDR")), ci = "beta", level = 0.90)
run_tab("rep_apistrat_boot_mse_logit", "rep_apistrat", S_boot_mse, list(q_var(A, "awards")),
        seg_list(A, s_by(A, "stype")))
run_tab("rep_nhanes_fay_mse_logit_90", "rep_nhanes", S_fay_mse, list(q_var(NH, "agecat")),
        seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), level = 0.90)
run_tab("rep_apiclus1_sdr_asin_99", "rep_apiclus1", S_sdr, list(q_var(C1, "awards")),
        seg_list(C1, s_by(C1, "stype")), ci = "asin", level = 0.99)
run_tab("rep_apistrat_jkn_mse_wald_90", "rep_apistrat", c(S_jkn, list(mse = TRUE)),
        list(q_var(A, "comp_imp")), seg_list(A, s_by(A, "stype")), ci = "wald", level = 0.90)
run_tab("rep_shopper_jkn_xlogit_99", "rep_shopper", S_sh, shq[2:3],
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")), ci = "xlogit", level = 0.99)
run_compare("rep_nhanes_fay_cmp_90", "rep_nhanes", S_fay, list(q_var(NH, "agecat")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), "women:rest", level = 0.90)
run_chisq("rep_apistrat_boot_mse_chisq", "rep_apistrat", S_boot_mse, "awards", "stype")
run_chisq("rep_nhanes_fay_chisq", "rep_nhanes", S_fay, "agecat", "race")
run_chisq("rep_apiclus1_sdr_chisq", "rep_apiclus1", S_sdr, "sch_wide", "stype")

# rscales R keeps where it ignores scale (BRR, Fay), a single rscale with a scale
# (bootstrap), and rscales with zeros (JK1: the centre is the mean of the replicates with
# rscale > 0, R's svrepvar).
rs_zero <- ifelse(seq_len(15) %in% c(3, 8), 0, 0.8)
run_tab("rep_apiclus1_jk1_rscales_zero", "rep_apiclus1",
        c(S_jk1, list(rscales = rs_zero, rscales_flag = paste(fmt17(rs_zero), collapse = ","))),
        list(q_var(C1, "sch_wide")), seg_list(C1, s_eq(C1, "elem", "stype", "E")), ci = "wald")
run_tab("rep_nhanes_brr_rscales_beta", "rep_nhanes", c(S_brr, list(rscales = 0.5, rscales_flag = "0.5")),
        list(q_var(NH, "HI_CHOL")), seg_list(NH, s_by(NH, "race")), ci = "beta")
run_compare("rep_nhanes_fay_rscales_cmp", "rep_nhanes",
            c(S_fay, list(rscales = 0.5, rscales_flag = "0.5")), list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_by(NH, "race")), "race=1:race=3")
run_tab("rep_apistrat_boot_rscales_scale", "rep_apistrat",
        c(S_boot, list(rscales = 2, rscales_flag = "2", scale = 0.05)), list(q_var(A, "sch_wide")),
        seg_list(A, s_by(A, "stype")))

# A domain of two schools (of stratum H) that six bootstrap replicates leave out entirely:
# their estimates are 0/0, and R's svrVar drops them (na.action; the scale stays 1/(R - 1)).
# df = 1, so only wald (logit: R's svyglm stops, "NAs in V(mu)"); compare's difference too.
stopifnot(sum(colSums(as.matrix(A$num[A$num$snum %in% c(5947, 627), rep_cols(A$num, "bs")])) == 0) == 6)
run_tab("rep_apistrat_boot_empty_replicates", "rep_apistrat", S_boot, list(q_var(A, "awards")),
        seg_list(A, s_eq(A, "two", "snum", c("5947", "627"))), ci = "wald")
run_compare("rep_apistrat_boot_empty_replicates_cmp", "rep_apistrat", S_boot,
            list(q_var(A, "awards")), seg_list(A, s_eq(A, "two", "snum", c("5947", "627"))),
            c("two:rest", "two:all"))

## ---------------------------------------------------------------- creating replicates
# `shopstat replicate` must write R's as.svrepdesign() weights (weights(rd, "analysis")):
# the expected output is the input file as R reads it plus rep1..repR.
create_case <- function(case, file, design_fn, type, flags, lonely = "fail") {
    path <- file.path(datadir, file)
    txt <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE)
    num <- read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE)
    old <- options(survey.lonely.psu = lonely)
    rd <- as.svrepdesign(design_fn(num), type = type)
    options(old)
    w <- weights(rd, "analysis")
    out <- txt
    for (r in seq_len(ncol(w))) out[[paste0("rep", r)]] <- fmt17(w[, r])
    write_expected(case, out)
    add_case(case, c("replicate", file.path("data", file), flags, "--type", tolower(type)),
             tol = "1e-12")
    rd
}
invisible(create_case("rep_create_jk1", "apiclus1.csv",
            function(df) svydesign(ids = ~dnum, weights = ~pw, data = df), "JK1",
            c("--weight", "pw", "--psu", "dnum")))
rd_rt <- create_case("rep_create_jkn", "apistrat.csv",
                     function(df) svydesign(ids = ~snum, strata = ~stype, fpc = ~fpc,
                                            weights = ~pw, data = df), "JKn",
                     c("--weight", "pw", "--strata", "stype", "--psu", "snum", "--fpc", "fpc"))
invisible(create_case("rep_create_jkn_lonely", "shopper.csv",
            function(df) svydesign(ids = ~panel, strata = ~wstratum, weights = ~wt, nest = TRUE,
                                   data = df), "JKn",
            c("--weight", "wt", "--strata", "wstratum", "--psu", "panel", "--lonely-psu",
              "certainty"), lonely = "certainty"))
# Round trip (run.sh): the weights `shopstat replicate` writes for rep_create_jkn, analysed
# with the flags it prints, must give rep_apistrat_jkn (R's JKn results for the same design).
stopifnot(isTRUE(all.equal(rd_rt$rscales, jkn_rscales, tolerance = 1e-15)))
# Round trip with an fpc under JK1: the weights are those of rep_create_jk1 (an fpc does not
# change them), the scale is (1 - f)(n - 1)/n, which only the flags `replicate` prints carry.
D$apiclus1 <- read_back_file(file.path(datadir, "apiclus1.csv"))
rd_jk1_fpc <- as.svrepdesign(svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc,
                                       data = D$apiclus1$num), type = "JK1")
stopifnot(abs(rd_jk1_fpc$scale - (1 - 15 / 757) * 14 / 15) < 1e-15)
run_tab("rep_roundtrip_jk1_fpc", "apiclus1", list(weight = "pw"),
        list(q_var(D$apiclus1, "sch_wide"), q_var(D$apiclus1, "awards")),
        seg_list(D$apiclus1, s_eq(D$apiclus1, "elem", "stype", "E")), design = rd_jk1_fpc)
# Round trip of JKn where region W's single panel is sampled whole (fpc_cert: N = n = 1):
# R's jk1weights gives a stratum with f = 0 no replicate before jknweights looks for lonely
# PSUs, so as.svrepdesign answers under survey.lonely.psu = "fail" (15 replicates, W's rows
# keeping their weight in all of them), as the Taylor analysis does (shopper_fpc_certainty_fail).
D$shopper_fpc <- read_back_file(file.path(datadir, "shopper_fpc.csv"))
stopifnot(getOption("survey.lonely.psu") == "fail")
rd_cert <- as.svrepdesign(svydesign(ids = ~panel, strata = ~region, weights = ~wt, fpc = ~fpc_cert,
                                    nest = TRUE, data = D$shopper_fpc$num), type = "JKn")
stopifnot(ncol(weights(rd_cert, "analysis")) == 15)
run_tab("rep_roundtrip_jkn_certainty", "shopper_fpc", list(weight = "wt"),
        list(q_var(D$shopper_fpc, "would_switch")),
        seg_list(D$shopper_fpc, s_by(D$shopper_fpc, "wave")), design = rd_cert)
# Round trip of JKn where several strata of two PSUs are sampled whole (nhanes' fpc_psu = 2
# there): no replicates for them (25 of 31 PSUs), the others' rscales (1 - f_h)(n_h - 1)/n_h.
D$nhanes <- read_back_file(file.path(datadir, "nhanes.csv"))
rd_nh_fpc <- as.svrepdesign(svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR,
                                      fpc = ~fpc_psu, nest = TRUE, data = D$nhanes$num), type = "JKn")
stopifnot(ncol(weights(rd_nh_fpc, "analysis")) == 25)
run_tab("rep_roundtrip_jkn_whole_strata", "nhanes", list(weight = "WTMEC2YR"),
        list(q_var(D$nhanes, "HI_CHOL")), seg_list(D$nhanes, s_by(D$nhanes, "race")),
        design = rd_nh_fpc)

## ---------------------------------------------------------------- scores
# As make_fixtures.R's run_score and run_score_compare on a replicate design: svymean(~s,
# subset, deff = "replace"), confint(..., df = degf(subset)); differences by svycontrast of
# svytotal, the mean re-estimated per replicate.
sc_def <- function(col, flag, name, f) list(col = col, flag = flag, name = name, f = f)
sc_map <- function(map) function(x) unname(map[x])
run_score <- function(case, dataset, spec, scores, segs) {
    dat <- D[[dataset]]
    des <- make_rep(dat, spec)
    w <- weights(des, "sampling")
    out <- list()
    for (sc in scores) {
        s <- sc$f(dat$txt[[sc$col]])
        des$variables$s_ <- s
        for (sg in segs) {
            keep <- sg$rows & !is.na(s)
            sub <- des[keep, ]
            m <- svymean(~s_, sub, deff = "replace")
            dfree <- degf(sub)
            ci <- confint(m, df = dfree)
            out[[length(out) + 1]] <- data.frame(
                variable = sc$col, score = sc$name, segment = sg$name, base_n = sum(keep),
                base_weight = fmt17(sum(w[keep])), estimate = fmt17(coef(m)[[1]]),
                se = fmt17(SE(m)[[1]]), ci_lower = fmt17(ci[1, 1]),
                ci_upper = fmt17(ci[1, 2]), df = fmt_int(dfree), deff = fmt17(deff(m)[[1]]),
                eff_base = fmt17(sum(w[keep])^2 / sum(w[keep]^2)), stringsAsFactors = FALSE)
        }
    }
    write_expected(case, do.call(rbind, out))
    add_case(case, c("score", file.path("data", paste0(dataset, ".csv")), rep_flags(spec),
                     as.vector(rbind("--score", vapply(scores, `[[`, "", "flag"))),
                     attr(segs, "flags")))
}
run_score_compare <- function(case, dataset, spec, scores, segs, pairs) {
    dat <- D[[dataset]]
    des <- make_rep(dat, spec)
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    dfree <- degf(des)
    out <- list()
    for (sc in scores) for (pr in pairs) {
        s <- sc$f(dat$txt[[sc$col]])
        side <- pair_rows(byname, pr); ab <- side$ab; ra <- side$a; rb <- side$b
        a <- as.numeric(ra & !is.na(s)); b <- as.numeric(rb & !is.na(s))
        y <- s; y[is.na(y)] <- 0
        # the difference re-estimated on every replicate
        r <- contrast_sides(des, y, a, b, return.replicates = TRUE)
        out[[length(out) + 1]] <- compare_row(sc$col, sc$name, ab, r, dfree, qt(0.975, dfree))
    }
    res <- do.call(rbind, out)
    res$p_adjusted <- res$p_value # (one score a family)
    write_expected(case, fmt_compare(res))
    add_case(case, c("compare", file.path("data", paste0(dataset, ".csv")), rep_flags(spec),
                     as.vector(rbind("--score", vapply(scores, `[[`, "", "flag"))),
                     attr(segs, "flags"), as.vector(rbind("--pair", pairs))))
}
RN <- D$rep_nhanes; RA <- D$rep_apistrat; RC <- D$rep_apiclus1
sc_awards <- sc_def("awards", "awards:No=0,Yes=100", "score", sc_map(c(No = 0, Yes = 100)))
sc_race <- sc_def("race", "race:1-2=0,3=50,4=100", "score",
                  sc_map(c("1" = 0, "2" = 0, "3" = 50, "4" = 100)))
sc_chol <- sc_def("HI_CHOL", "HI_CHOL", "mean", as.numeric)
run_score("rep_nhanes_brr_score", "rep_nhanes", S_brr, list(sc_chol, sc_race),
          seg_list(RN, s_by(RN, "RIAGENDR"), s_eq(RN, "white_black", "race", c("1", "3"))))
run_score("rep_apiclus1_jk1_score", "rep_apiclus1", S_jk1, list(sc_awards),
          seg_list(RC, s_by(RC, "stype")))
run_score("rep_apistrat_boot_score", "rep_apistrat", S_boot, list(sc_awards),
          seg_list(RA, s_by(RA, "stype")))
run_score("rep_apistrat_boot_mse_score", "rep_apistrat", S_boot_mse, list(sc_awards),
          seg_list(RA, s_by(RA, "stype")))
run_score_compare("rep_nhanes_brr_score_cmp", "rep_nhanes", S_brr, list(sc_chol),
                  seg_list(RN, s_eq(RN, "women", "RIAGENDR", "2"), s_eq(RN, "white", "race", "3")),
                  c("women:white", "women:rest", "white:all"))
run_score_compare("rep_apistrat_boot_mse_score_cmp", "rep_apistrat", S_boot_mse, list(sc_awards),
                  seg_list(RA, s_by(RA, "stype")), c("stype=E:stype=H", "stype=M:rest"))
run_score_compare("rep_apiclus1_jk1_score_cmp", "rep_apiclus1", S_jk1, list(sc_awards),
                  seg_list(RC, s_eq(RC, "elem", "stype", "E")), c("elem:all", "elem:rest"))

# A segment whose every answer has one score (the schools with awards, 100): R's mean is
# 100 in every replicate, its SE 0 and deff NaN; shopstat takes m = 100 and V = 0 exactly
# rather than the replicates' S / W round-off (the score audit). (On rep_nhanes's race = 4,
# 100 too, R's own deff is noise over noise, 24.9: no case.)
run_score("rep_apistrat_boot_score_constant", "rep_apistrat", S_boot, list(sc_awards),
          seg_list(RA, s_eq(RA, "winners", "awards", "Yes"), s_by(RA, "stype")))
# A segment within one PSU (district 637) of the JK1 design: its rows' replicate weights
# have rank 1 (every replicate scales them by one factor), so df 0. R: p, SE 0 and deff 0
# (every replicate gives the same estimate), an interval of NaN (wald; its logit, svyglm,
# stops with "NAs in V(mu)"), confint NaN for a score; shopstat writes the intervals empty.
run_tab("rep_apiclus1_jk1_df0", "rep_apiclus1", S_jk1, list(q_var(C1, "both"), q_var(C1, "awards")),
        seg_list(C1, s_eq(C1, "one", "dnum", "637"), s_eq(C1, "elem", "stype", "E")), ci = "wald")
run_score("rep_apiclus1_jk1_score_df0", "rep_apiclus1", S_jk1, list(sc_awards),
          seg_list(RC, s_eq(RC, "one", "dnum", "637")))

writeLines(c("# Replicate-weight oracle cases (format as cases.txt).",
             "# Generated by make_rep_fixtures.R: do not edit by hand.", cases),
           file.path(root, "rep_cases.txt"))
cat(length(cases), "replicate cases written\n")

## ---------------------------------------------------------------- post-stratified (reppost/)
# R's postStratify(svrepdesign(...), ~COLS, pop): each replicate's weights re-calibrated to
# the post-strata's totals (N_g over that replicate's weight sum of g), the estimate from
# the calibrated full-sample weights, the replicate variance of the calibrated replicates,
# degf from their rank. The same run_* functions, spec$post naming the population; the
# cases and expected files go to reppost/ (run.sh).
expdir <- file.path(root, "reppost")
dir.create(expdir, showWarnings = FALSE)
unlink(list.files(expdir, full.names = TRUE))
cases <- character()
# a population file (reppost/NAME.csv, N column) and R's data frame of it (Freq)
pop_file <- function(name, df) {
    write_csv(df, file.path(expdir, paste0(name, ".csv")))
    names(df)[names(df) == "N"] <- "Freq"
    df
}
# made-up totals: the sample's weight of each post-stratum times a factor of its own, so
# the calibration moves every share
pop_from <- function(dat, weight, cols, factors) {
    agg <- aggregate(dat$num[[weight]], by = lapply(setNames(cols, cols), function(c) dat$txt[[c]]),
                     FUN = sum)
    agg <- agg[do.call(order, agg[cols]), ]
    agg$N <- round(agg$x * rep_len(factors, nrow(agg)))
    agg[, c(cols, "N")]
}
post <- function(cols, name, df) list(cols = cols, file = file.path("reppost", paste0(name, ".csv")),
                                      pop = pop_file(name, df))

P_stype <- post("stype", "pop_stype", data.frame(stype = c("E", "H", "M"), N = c(4421, 755, 1018)))
P_awards <- post("awards", "pop_awards", pop_from(A, "pw", "awards", c(1.15, 0.85)))
P_stype_awards <- post(c("stype", "awards"), "pop_stype_awards",
                       pop_from(A, "pw", c("stype", "awards"), c(1.1, 0.9, 1.25, 0.8, 1.05, 0.95)))
P_sexrace <- post(c("RIAGENDR", "race"), "pop_sexrace",
                  pop_from(NH, "WTMEC2YR", c("RIAGENDR", "race"),
                           c(1.10, 0.85, 1.30, 0.95, 1.05, 0.80, 1.20, 0.90)))
with_post <- function(spec, p) c(spec, list(post = p))
big <- list(list(name = "big", rows = C1$num$api00 >= 700))
attr(big, "flags") <- c("--segment", "big=api00:>=700")

# apiclus1's JK1 replicates on stype (California's schools): stype's own shares have SE 0
# (each calibrated replicate gives them exactly), both's SE shrinks
PS_jk1 <- with_post(S_jk1, P_stype)
run_tab("reppost_apiclus1_jk1_stype", "rep_apiclus1", PS_jk1,
        list(q_var(C1, "both"), q_var(C1, "stype")), seg_list(C1, big))
run_tab("reppost_apiclus1_jk1_by_stype", "rep_apiclus1", PS_jk1, list(q_var(C1, "both")),
        seg_list(C1, s_by(C1, "stype")))
# a domain across the post-strata, several intervals
for (ci in c("logit", "beta", "wald", "xlogit", "asin"))
    run_tab(paste0("reppost_apiclus1_jk1_big_", ci), "rep_apiclus1", PS_jk1,
            list(q_var(C1, "sch_wide"), q_var(C1, "awards")), seg_list(C1, big), ci = ci,
            level = if (ci %in% c("wald", "beta")) 0.9 else 0.95)
# a domain within one PSU: rank 1 (df 0) uncalibrated, but each post-stratum's rows take
# factors of their own in every replicate, so its calibrated replicate weights have rank up
# to the post-strata it holds (R's degf of the subset: 2 for district 637, 1 for 778)
run_tab("reppost_apiclus1_jk1_one_psu", "rep_apiclus1", PS_jk1, list(q_var(C1, "both")),
        seg_list(C1, s_eq(C1, "d637", "dnum", "637"), s_eq(C1, "d778", "dnum", "778")),
        ci = "wald")
# rscales with zeros (the centre: the replicates with rscale > 0)
run_tab("reppost_apiclus1_jk1_rscales_zero", "rep_apiclus1",
        c(PS_jk1, list(rscales = rs_zero, rscales_flag = paste(fmt17(rs_zero), collapse = ","))),
        list(q_var(C1, "sch_wide")), seg_list(C1, big), ci = "wald")
# successive differences with R's default (--no-mse) and the ACS's (mse)
run_tab("reppost_apiclus1_sdr_no_mse", "rep_apiclus1",
        with_post(modifyList(S_sdr, list(mse = FALSE)), P_stype), list(q_var(C1, "both")),
        seg_list(C1, big))
run_tab("reppost_apiclus1_sdr_mse", "rep_apiclus1", with_post(S_sdr, P_stype),
        list(q_var(C1, "both")), seg_list(C1, big))
# bootstrap and JKn (rscales) of the stratified sample, on awards (not a stratum) and on
# stype x awards (a crossed post-stratum)
run_tab("reppost_apistrat_boot_awards", "rep_apistrat", with_post(S_boot, P_awards),
        list(q_var(A, "sch_wide"), q_var(A, "awards")), seg_list(A, s_by(A, "stype")))
run_tab("reppost_apistrat_boot_mse_cross", "rep_apistrat", with_post(S_boot_mse, P_stype_awards),
        list(q_var(A, "comp_imp")), seg_list(A, s_by(A, "stype")), ci = "wald")
run_tab("reppost_apistrat_jkn_cross", "rep_apistrat", with_post(S_jkn, P_stype_awards),
        list(q_var(A, "sch_wide"), q_var(A, "both")), seg_list(A, s_by(A, "stype")))
# BRR and Fay on nhanes' strata of two PSUs, post-stratified on sex x race; by sex (within
# post-strata), by age (across them), a --base
PS_brr <- with_post(S_brr, P_sexrace)
PS_fay <- with_post(S_fay, P_sexrace)
run_tab("reppost_nhanes_brr_age", "rep_nhanes", PS_brr, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "agecat")))
run_tab("reppost_nhanes_fay_sex", "rep_nhanes", PS_fay, list(q_var(NH, "agecat")),
        seg_list(NH, s_by(NH, "RIAGENDR")))
run_tab("reppost_nhanes_fay_mse_beta", "rep_nhanes", with_post(S_fay_mse, P_sexrace),
        list(q_var(NH, "HI_CHOL")), seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), ci = "beta")
run_tab("reppost_nhanes_brr_base", "rep_nhanes", PS_brr, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "RIAGENDR")), base = b_eq(NH, "race", c("1", "3")))
# compare: overlapping sides (a segment against all; women against white), and rest
big_all <- seg_list(C1, big)
run_compare("reppost_apiclus1_jk1_cmp_big_all", "rep_apiclus1", PS_jk1,
            list(q_var(C1, "both"), q_var(C1, "awards")), big_all, c("big:all", "big:rest"))
run_compare("reppost_nhanes_brr_cmp_overlap", "rep_nhanes", PS_brr, list(q_var(NH, "agecat")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2"), s_eq(NH, "white", "race", "3")),
            "women:white")
run_compare("reppost_apistrat_boot_cmp", "rep_apistrat", with_post(S_boot, P_awards),
            list(q_var(A, "sch_wide")), seg_list(A, s_by(A, "stype")), c("stype=E:stype=H", "stype=M:all"))
# scores and chisq (svychisq on the calibrated replicates)
run_score("reppost_nhanes_brr_score", "rep_nhanes", PS_brr, list(sc_chol, sc_race),
          seg_list(NH, s_by(NH, "RIAGENDR"), s_eq(NH, "white_black", "race", c("1", "3"))))
run_score_compare("reppost_apiclus1_jk1_score_cmp", "rep_apiclus1", PS_jk1, list(sc_awards),
                  seg_list(C1, s_eq(C1, "elem", "stype", "E")), c("elem:all", "elem:rest"))
run_chisq("reppost_nhanes_brr_chisq", "rep_nhanes", PS_brr, "HI_CHOL", "agecat")
run_chisq("reppost_apistrat_boot_chisq", "rep_apistrat", with_post(S_boot, P_awards), "sch_wide",
          "stype")

writeLines(c("# Post-stratified replicate designs (format as cases.txt).",
             "# Generated by make_rep_fixtures.R: do not edit by hand.", cases),
           file.path(expdir, "cases.txt"))
cat(length(cases), "post-stratified replicate cases written\n")

## ---------------------------------------------------------------- raked (reprake/)
# R's rake(svrepdesign(...), list(~A, ~B), list(popA, popB)): in each round, postStratify
# on every margin in turn, which re-calibrates the full-sample weights and each replicate's
# (N_l over that replicate's raked weight of margin cell l); the rounds stop when the full
# sample's joint table moved less than epsilon (1), or after maxit (10), every replicate
# raked as often as the full sample. The estimate from the raked full-sample weights, the
# replicate variance of the raked replicates, degf from their rank. Cases and expected
# files go to reprake/ (run.sh).
expdir <- file.path(root, "reprake")
dir.create(expdir, showWarnings = FALSE)
unlink(list.files(expdir, full.names = TRUE))
cases <- character()
margin <- function(cols, name, df) list(cols = cols, file = file.path("reprake", paste0(name, ".csv")),
                                        pop = pop_file(name, df))
# a margin from the design weights, each cell moved by its own factor, its last cell set so
# that every margin counts the same population (shopstat refuses margins that do not)
margin_from <- function(dat, weight, cols, factors, total) {
    df <- pop_from(dat, weight, cols, factors)
    df$N[nrow(df)] <- total - sum(df$N[-nrow(df)])
    stopifnot(all(df$N > 0))
    df
}
with_rake <- function(spec, ...) c(spec, list(rake = list(...)))

# apiclus1's JK1 replicates raked on stype (California's schools) and sch_wide (made up,
# the same 6194 schools)
M_stype <- margin("stype", "pop_stype", data.frame(stype = c("E", "H", "M"), N = c(4421, 755, 1018)))
M_sw <- margin("sch_wide", "pop_sch_wide", data.frame(sch_wide = c("No", "Yes"), N = c(1072, 5122)))
RK_jk1 <- with_rake(S_jk1, M_stype, M_sw)
run_tab("reprake_apiclus1_jk1", "rep_apiclus1", RK_jk1,
        list(q_var(C1, "both"), q_var(C1, "awards"), q_var(C1, "comp_imp")), seg_list(C1, big))
run_tab("reprake_apiclus1_jk1_by_stype", "rep_apiclus1", RK_jk1,
        list(q_var(C1, "both"), q_var(C1, "awards")), seg_list(C1, s_by(C1, "stype")))
for (ci in c("beta", "wald", "xlogit", "asin"))
    run_tab(paste0("reprake_apiclus1_jk1_big_", ci), "rep_apiclus1", RK_jk1,
            list(q_var(C1, "awards")), seg_list(C1, big), ci = ci,
            level = if (ci %in% c("wald", "beta")) 0.9 else 0.95)
# not converged: the full sample and every replicate after 1 and 2 rounds (R warns "Raking
# did not converge after N iterations")
for (it in 1:2)
    run_tab(paste0("reprake_apiclus1_jk1_maxit", it), "rep_apiclus1",
            c(RK_jk1, list(maxit = it, converged = FALSE)),
            list(q_var(C1, "both"), q_var(C1, "awards")), seg_list(C1, big))
# epsilon below 1: a fraction of the full sample's weights (62 of 6194 here), fewer rounds
# than maxit, every replicate raked as often
run_tab("reprake_apiclus1_jk1_epsilon", "rep_apiclus1", c(RK_jk1, list(epsilon = 0.01)),
        list(q_var(C1, "both"), q_var(C1, "awards")), seg_list(C1, big))
run_compare("reprake_apiclus1_jk1_cmp_big_all", "rep_apiclus1", RK_jk1,
            list(q_var(C1, "both"), q_var(C1, "awards")), seg_list(C1, big), c("big:all", "big:rest"))
run_score_compare("reprake_apiclus1_jk1_score_cmp", "rep_apiclus1", RK_jk1, list(sc_awards),
                  seg_list(C1, s_eq(C1, "elem", "stype", "E")), c("elem:all", "elem:rest"))
run_score("reprake_apiclus1_jk1_score", "rep_apiclus1", RK_jk1, list(sc_awards),
          seg_list(C1, big))
# a margin crossing stype and awards beside stype alone: 18 joint cells of which 6 hold rows
# (the others cross two school types), each margin's totals the same 6194, stype's in both
sa <- aggregate(C1$num$pw, by = list(stype = C1$txt$stype, awards = C1$txt$awards), FUN = sum)
sa <- sa[order(sa$stype, sa$awards), ]
N_s <- c(E = 4421, H = 755, M = 1018)
sa$N <- round(ave(sa$x, sa$stype, FUN = function(x) x / sum(x)) * N_s[sa$stype] * c(1.1, 0.9))
yes <- sa$awards == "Yes"
sa$N[yes] <- N_s[sa$stype[yes]] - sa$N[!yes]
M_stype_awards <- margin(c("stype", "awards"), "pop_stype_awards", sa[, c("stype", "awards", "N")])
run_tab("reprake_apiclus1_jk1_sparse", "rep_apiclus1", with_rake(S_jk1, M_stype, M_stype_awards),
        list(q_var(C1, "both"), q_var(C1, "sch_wide")), seg_list(C1, big))
# bootstrap of the stratified sample raked on stype and awards
tot_A <- 6194
M_A_stype <- margin("stype", "pop_strat_stype", margin_from(A, "pw", "stype", c(1.1, 0.9, 1), tot_A))
M_A_awards <- margin("awards", "pop_strat_awards", margin_from(A, "pw", "awards", c(1.15, 1), tot_A))
RK_boot <- with_rake(S_boot, M_A_stype, M_A_awards)
run_tab("reprake_apistrat_boot", "rep_apistrat", RK_boot,
        list(q_var(A, "sch_wide"), q_var(A, "both")), seg_list(A, s_by(A, "stype")))
run_tab("reprake_apistrat_boot_mse", "rep_apistrat", c(RK_boot, list(mse = TRUE)),
        list(q_var(A, "comp_imp")), seg_list(A, s_by(A, "stype")), ci = "wald")
run_compare("reprake_apistrat_boot_cmp", "rep_apistrat", RK_boot, list(q_var(A, "sch_wide")),
            seg_list(A, s_by(A, "stype")), c("stype=E:stype=H", "stype=M:all"))
run_chisq("reprake_apistrat_boot_chisq", "rep_apistrat", RK_boot, "sch_wide", "stype")
# BRR and Fay on nhanes raked on sex and race
tot_NH <- round(sum(NH$num$WTMEC2YR))
M_sex <- margin("RIAGENDR", "pop_sex", margin_from(NH, "WTMEC2YR", "RIAGENDR", c(1.05, 1), tot_NH))
M_race <- margin("race", "pop_race", margin_from(NH, "WTMEC2YR", "race", c(1.2, 0.9, 1.1, 1), tot_NH))
RK_brr <- with_rake(S_brr, M_sex, M_race)
run_tab("reprake_nhanes_brr_age", "rep_nhanes", RK_brr, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "agecat")))
run_tab("reprake_nhanes_fay_sex", "rep_nhanes", with_rake(S_fay, M_sex, M_race),
        list(q_var(NH, "agecat")), seg_list(NH, s_by(NH, "RIAGENDR")))
run_score("reprake_nhanes_brr_score", "rep_nhanes", RK_brr, list(sc_chol),
          seg_list(NH, s_by(NH, "RIAGENDR")))
# the shopper export's JKn replicates (rows of weight 0 kept: a replicate's variance does
# not divide by the weight) raked on region and spend; a multi-response question (0/1
# columns) and one of codes in a cell
tot_SH <- 905
M_region <- margin("region", "pop_region", margin_from(SH, "wt", "region", c(1.1, 0.9, 1.05, 1), tot_SH))
M_spend <- margin("spend", "pop_spend", margin_from(SH, "wt", "spend", c(0.9, 1.1, 1), tot_SH))
RK_sh <- with_rake(S_sh, M_region, M_spend)
run_tab("reprake_shopper_jkn", "rep_shopper", RK_sh, shq,
        seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")))
run_compare("reprake_shopper_jkn_cmp", "rep_shopper", RK_sh, shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:rest")

writeLines(c("# Raked replicate designs (format as cases.txt).",
             "# Generated by make_rep_fixtures.R: do not edit by hand.", cases),
           file.path(expdir, "cases.txt"))
cat(length(cases), "raked replicate cases written\n")
