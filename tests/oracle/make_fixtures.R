# Generates the R reference fixtures for shopstat's oracle tests (data/, expected/, cases.txt).
#
# Run from the repository root:  Rscript tests/oracle/make_fixtures.R
# Needs R with the survey package (made with survey 4.1.1). Every expected number comes from
# survey's own functions (svymean, svyciprop, degf, svytotal + svycontrast, svychisq) on the
# CSV files exactly as written (they are re-read before any computation), so the engine sees
# the same doubles R saw. A second, independent implementation of methods.md's Taylor variance
# is checked against R for every tab row; its disagreements are printed (see NOTES.md).

suppressPackageStartupMessages(library(survey))

args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
datadir <- file.path(root, "data")
expdir <- file.path(root, "expected")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)
dir.create(expdir, showWarnings = FALSE, recursive = TRUE)
# (expected/rep_* are make_rep_fixtures.R's: keep them)
old <- list.files(expdir, full.names = TRUE)
unlink(old[!grepl("^rep_", basename(old))])

if (as.character(packageVersion("survey")) != "4.1.1")
    message("note: fixtures were made with survey 4.1.1; this is ", packageVersion("survey"))

## ---------------------------------------------------------------- input data
undot <- function(df) { names(df) <- gsub(".", "_", names(df), fixed = TRUE); df }
write_data <- function(df, name) {
    write.csv(df, file.path(datadir, paste0(name, ".csv")), row.names = FALSE, na = "")
}

data(api)
api_keep <- c("snum", "dnum", "stype", "pw", "api00", "sch.wide", "comp.imp", "both",
              "awards", "yr.rnd")
strat <- apistrat[, c(api_keep, "fpc")]
# The same fpc as a sampling fraction n_h / N_h (shopstat accepts counts or fractions).
strat$fpc.frac <- ave(rep(1, nrow(strat)), strat$stype, FUN = sum) / strat$fpc
clus1 <- apiclus1[, c(api_keep, "fpc")]
clus2 <- apiclus2[, c(api_keep, "fpc1", "fpc2")]
clus2$fpc2 <- as.vector(clus2$fpc2)
for (x in c("strat", "clus1", "clus2")) {
    df <- get(x)
    for (v in names(df)) if (is.factor(df[[v]])) df[[v]] <- as.character(df[[v]])
    assign(x, undot(df))
}
write_data(strat, "apistrat")
write_data(clus1, "apiclus1")
write_data(clus2, "apiclus2")

data(nhanes)
nh <- nhanes[, c("SDMVSTRA", "SDMVPSU", "WTMEC2YR", "race", "RIAGENDR", "HI_CHOL", "agecat")]
nh$agecat <- as.character(nh$agecat)
# PSUs in the population per stratum (made up: 2 to 14, so that sampling fractions differ and
# some strata are sampled whole), for the designs with an fpc and no weight column
nh$fpc_psu <- 2 + (nh$SDMVSTRA %% 5) * 3
write_data(nh, "nhanes")

## Synthetic shopper export. Strata `region` (W has a single panel: a lonely PSU), panels
## (PSUs) numbered 1..k inside each region, so numbers repeat across strata. Two waves drawn
## independently: each panel belongs to one wave, and `wstratum` = wave x region is the
## stratum of the waves-as-strata design. Zero weights, missing answers (empty cells),
## multi-response 0/1 columns and a multi-codes column.
set.seed(20261122)
layout <- data.frame(region = c("N", "S", "E", "W"), n2010 = c(3, 2, 2, 0), n2011 = c(3, 3, 2, 1))
rows <- list()
for (r in seq_len(nrow(layout))) {
    k <- 0
    for (wave in c(2010, 2011)) {
        for (j in seq_len(layout[r, paste0("n", wave)])) {
            k <- k + 1
            m <- sample(30:45, 1)
            u <- rnorm(1, 0, 0.6)   # panel effect: answers cluster within panels
            rows[[length(rows) + 1]] <- data.frame(region = layout$region[r], panel = k,
                                                   wave = wave, m = m, u = u)[rep(1, m), ]
        }
    }
}
sh <- do.call(rbind, rows)
n <- nrow(sh)
sh$id <- seq_len(n)
sh$wstratum <- paste0(sh$wave, "-", sh$region)
base_wt <- c(N = 1.0, S = 1.6, E = 2.3, W = 0.8)[sh$region]
sh$wt <- round(base_wt * exp(rnorm(n, 0, 0.45)), 4)
sh$wt[sample(n, 7)] <- 0
sh$spend <- sample(1:3, n, replace = TRUE, prob = c(0.45, 0.33, 0.22))
pr <- plogis(-0.4 + 0.8 * (sh$spend == 3) + sh$u)
sh$would_switch <- ifelse(runif(n) < pr, 1, 2)
sh$would_switch[runif(n) < 0.08] <- NA
mk01 <- function(b, miss) {
    v <- as.numeric(runif(n) < plogis(b + 0.7 * sh$u))
    v[runif(n) < miss] <- NA
    v
}
sh$pref_email <- mk01(0.3, 0.05)
sh$pref_form <- mk01(-1.2, 0.06)
sh$pref_phone <- mk01(-0.5, 0.04)
code_p <- c(0.30, 0.15, 0.25, 0.10, 0.20)
sh$problems <- vapply(seq_len(n), function(i) {
    has <- which(runif(5) < plogis(qlogis(code_p) + 0.5 * sh$u[i]))
    if (!length(has)) has <- sample(5, 1)
    paste(has, collapse = ";")
}, "")
sh$problems[runif(n) < 0.10] <- NA
# `flag` marks a small segment (x, else missing) in which one panel holds a single base row,
# of weight zero: that PSU counts in base_n (and in beta's n) but not in df or deff's n.
z0 <- which(sh$wt == 0 & sh$region != "W")[1]
others <- which(sh$region != sh$region[z0] | sh$panel != sh$panel[z0])
sh$flag <- NA
sh$flag[c(z0, sample(others[sh$wt[others] > 0], 70))] <- "x"
shopper <- sh[, c("id", "region", "panel", "wave", "wstratum", "wt", "spend", "would_switch",
                  "pref_email", "pref_form", "pref_phone", "problems", "flag")]
write_data(shopper, "shopper")
# shopper_channel: the shopper design with a question, `channel`, whose level "kiosk" occurs
# only in region W (a base region:N,S,E leaves it out, as it leaves out --by wstratum's
# 2011-W). No random draws: the files made after this one are unchanged.
chan <- shopper[, c("id", "region", "panel", "wave", "wstratum", "wt", "would_switch")]
chan$channel <- ifelse(chan$region == "W", ifelse(chan$id %% 2 == 1, "kiosk", "web"),
                       ifelse((chan$id * 7) %% 5 < 2, "app", "web"))
write_data(chan, "shopper_channel")
# shopper_ticked: the preference columns as Qualtrics and SurveyMonkey export a
# multi-response question (--multi-ticked): a ticked box holds 1 or the option's label, an
# unticked one is blank (phone: "0" in odd rows), a missing answer blank too, so a row that
# ticks nothing is not in the base. No random draws.
tick <- shopper[, c("id", "region", "panel", "wave", "wt", "spend")]
tick$tick_email <- ifelse(!is.na(shopper$pref_email) & shopper$pref_email == 1, "1", NA)
tick$tick_form <- ifelse(!is.na(shopper$pref_form) & shopper$pref_form == 1, "Web form", NA)
tick$tick_phone <- ifelse(!is.na(shopper$pref_phone) & shopper$pref_phone == 1, "Phone",
                          ifelse(tick$id %% 2 == 1, "0", NA))
write_data(tick, "shopper_ticked")
# shopper_fpc: the shopper design with two fpc columns (population counts of panels):
# fpc_cert makes region W's single panel a certainty stratum (N = n = 1: R's onestrat
# returns 0 for a stratum with f = 1 before it looks at lonely PSUs, so even `fail`
# answers); fpc_part gives every region, W too, a sampling fraction below 1, so the
# lonely-PSU rules meet (1 - f). No random draws.
sfpc <- shopper[, c("region", "panel", "wave", "wt", "spend", "would_switch")]
sfpc$fpc_cert <- ifelse(sfpc$region == "W", 1, 40)
sfpc$fpc_part <- c(N = 20, S = 15, E = 12, W = 4)[sfpc$region]
write_data(sfpc, "shopper_fpc")
# shopper_nps: the shopper design with a 0-10 recommendation question, `recommend`, for the
# scores (NPS, a rating's mean): a function of id and panel, missing where would_switch is,
# and 99 ("don't know", declared --missing 99) in every 37th row. No random draws.
snps <- shopper[, c("id", "region", "panel", "wave", "wt", "spend", "would_switch")]
snps$recommend <- ifelse(is.na(snps$would_switch), NA,
                         pmin(10, (snps$id * 7 + snps$panel * 3) %% 11 + (snps$spend == 3)))
snps$recommend[snps$id %% 37 == 0] <- 99
write_data(snps, "shopper_nps")

## Re-read every file: the computations below use exactly what the CSV holds.
read_back <- function(name) {
    path <- file.path(datadir, paste0(name, ".csv"))
    txt <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE)
    list(txt = txt, num = read.csv(path, na.strings = "", check.names = FALSE,
                                   stringsAsFactors = FALSE))
}
D <- list(apistrat = read_back("apistrat"), apiclus1 = read_back("apiclus1"),
          apiclus2 = read_back("apiclus2"), nhanes = read_back("nhanes"),
          shopper = read_back("shopper"), shopper_channel = read_back("shopper_channel"),
          shopper_ticked = read_back("shopper_ticked"), shopper_fpc = read_back("shopper_fpc"),
          shopper_nps = read_back("shopper_nps"))

## ---------------------------------------------------------------- building blocks

# A design spec mirrors the CLI flags: weight, strata, psu, fpc column names, lonely rule.
make_design <- function(dat, spec) {
    df <- dat$num
    ids <- if (is.null(spec$psu)) ~1 else as.formula(paste("~", spec$psu))
    strata <- if (is.null(spec$strata)) NULL else as.formula(paste("~", spec$strata))
    fpc <- if (is.null(spec$fpc)) NULL else as.formula(paste("~", spec$fpc))
    weights <- if (is.null(spec$weight)) NULL else as.formula(paste("~", spec$weight))
    svydesign(ids = ids, strata = strata, fpc = fpc, weights = weights, data = df,
              nest = TRUE)
}
# (design_flags: helpers.R)
lonely_rule <- function(spec) if (is.null(spec$lonely)) "fail" else spec$lonely
with_lonely <- function(spec, expr) {
    old <- options(survey.lonely.psu = lonely_rule(spec))
    on.exit(options(old))
    expr
}

# Questions: name, levels, answered (logical per row), y(level) (0/1 per row, NA outside).

# Segments: list of (name, rows, flags). 'all' is added by the case runner.
s_cmp <- function(dat, name, col, op, value) {
    x <- dat$num[[col]]
    r <- do.call(op, list(x, value))
    segs <- list(list(name = name, rows = !is.na(r) & r))
    attr(segs, "flags") <- c("--segment", paste0(name, "=", col, ":", op, value))
    segs
}
# --base COL:V1,V2 / COL:OPX: rows every segment is restricted to (R: subset of the design,
# which keeps every PSU in the variance and counts only the base's PSUs in degf()).
b_eq <- function(dat, col, values) {
    x <- dat$txt[[col]]
    list(rows = !is.na(x) & x %in% values,
         flags = c("--base", paste0(col, ":", paste(values, collapse = ","))))
}
b_cmp <- function(dat, col, op, value) {
    r <- do.call(op, list(dat$num[[col]], value))
    list(rows = !is.na(r) & r, flags = c("--base", paste0(col, ":", op, value)))
}
seg_list <- function(dat, ...) {
    groups <- list(...)
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))),
              do.call(c, lapply(groups, function(g) unclass(g))))
    attr(segs, "flags") <- unlist(lapply(groups, attr, "flags"))
    segs
}

## ---------------------------------------------------------------- output
# (fmt17, fmt_int, write_csv: helpers.R)
write_expected <- function(name, df) write_csv(df, file.path(expdir, paste0(name, ".csv")))
cases <- character()
add_case <- function(name, args, tol = NULL) {
    line <- paste0(name, "|", paste(args, collapse = " "))
    if (!is.null(tol)) line <- paste0(line, "|tol=", tol)
    cases <<- c(cases, line)
}
crosscheck <- data.frame(case = character(), what = character(), maxrel = numeric())

## ---------------------------------------------------------------- methods.md variance
# Independent implementation of methods.md's Taylor variance, used only to cross-check R and
# to document where R's conventions differ from the brief (see NOTES.md). z is the score of
# every row of the whole sample (0 outside the domain).
v_methods <- function(z, dat, spec) {
    df <- dat$num
    n <- nrow(df)
    st <- if (is.null(spec$strata)) rep("1", n) else as.character(df[[spec$strata]])
    ps <- if (is.null(spec$psu)) as.character(seq_len(n)) else as.character(df[[spec$psu]])
    key <- paste(st, ps, sep = "\r")
    zt <- tapply(z, key, sum)
    kst <- tapply(st, key, `[`, 1)
    H <- length(unique(st))
    V <- 0; lonely <- 0
    zbar_all <- sum(zt) / length(zt)
    for (h in unique(st)) {
        zh <- zt[kst == h]
        nh <- length(zh)
        f <- 0
        if (!is.null(spec$fpc)) {
            fp <- df[[spec$fpc]][st == h][1]
            f <- if (fp > 1) nh / fp else fp
        }
        if (nh > 1) {
            V <- V + (1 - f) * nh / (nh - 1) * sum((zh - mean(zh))^2)
        } else {
            lonely <- lonely + 1
            if (identical(spec$lonely, "adjust")) V <- V + (1 - f) * (zh - zbar_all)^2
        }
    }
    if (identical(spec$lonely, "average") && lonely > 0) V <- V * H / (H - lonely)
    V
}


# methods.md's interval formulas from p, V, df and base_n (independent of svyciprop).
ci_methods <- function(ci, p, se, dfree, n, level) {
    a <- 1 - level
    t <- qt(1 - a / 2, dfree)
    switch(ci,
        wald = p + c(-1, 1) * t * se,
        logit = , xlogit = plogis(qlogis(p) + c(-1, 1) * t * se / (p * (1 - p))),
        asin = sin(pmin(pmax(asin(sqrt(p)) + c(-1, 1) * t * se / (2 * sqrt(p * (1 - p))), 0),
                        pi / 2))^2,
        beta = {
            ne <- p * (1 - p) / se^2 * (qt(a / 2, n - 1) / qt(a / 2, dfree))^2
            c(qbeta(a / 2, ne * p, ne * (1 - p) + 1), qbeta(1 - a / 2, ne * p + 1, ne * (1 - p)))
        },
        likelihood = c(NA, NA))
}
# Whether the design has a stratum of one PSU and a stratum holding no row of keep: only
# then can the subset's lonely-PSU rules (fail, average) differ from the whole design's.
lonely_matters <- function(dat, spec, keep) {
    n <- nrow(dat$num)
    st <- if (is.null(spec$strata)) rep("1", n) else as.character(dat$num[[spec$strata]])
    ps <- if (is.null(spec$psu)) as.character(seq_len(n)) else as.character(dat$num[[spec$psu]])
    npsu <- tapply(ps, st, function(x) length(unique(x)))
    any(npsu == 1) && !all(names(npsu) %in% st[keep])
}
# methods.md's domain df: PSUs holding a base row of nonzero weight minus their strata.
df_methods <- function(dat, spec, keep) {
    n <- nrow(dat$num)
    st <- if (is.null(spec$strata)) rep("1", n) else as.character(dat$num[[spec$strata]])
    ps <- if (is.null(spec$psu)) as.character(seq_len(n)) else as.character(dat$num[[spec$psu]])
    length(unique(paste(st, ps)[keep])) - length(unique(st[keep]))
}

## ---------------------------------------------------------------- tab
ci_method_r <- c(logit = "logit", xlogit = "xlogit", wald = "mean", asin = "asin",
                 beta = "beta", likelihood = "likelihood")

# ci_flag: the spelling used on the command line (aliases: mean = wald, exact = beta, ...).
# outside = TRUE allows the two rows a --base makes where a level or a --by value occurs only
# outside it (levels and --by values are those of the whole file, methods.md):
# - a segment with no base row: R's svyby(..., drop.empty.groups = FALSE) on the subset
#   reports NA (checked); the row is base_n 0, base_weight 0, count 0, the rest empty.
# - a level no base row holds: R's svymean gives p = 0, SE 0 (and deff NaN, df as usual), but
#   svyciprop fails there (NOTES.md), so the interval is methods.md's documented p = 0 rule,
#   Clopper-Pearson with n = eff_base: [0, qbeta(1 - alpha/2, 1, n)].
# Any other p = 0 or 1 still stops the script.
# df0 = TRUE allows a domain of design df 0 (a segment within one PSU per stratum): R's
# svymean gives p, SE and deff, svyciprop an interval of NaN (checked), written empty.
run_tab <- function(case, dataset, spec, questions, segs, ci = "logit", level = 0.95,
                    tol = NULL, ci_flag = ci, base = NULL, outside = FALSE, df0 = FALSE) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    # (without a weight column R takes N_h / n_h from an fpc, 1 without one)
    w <- if (is.null(spec$weight)) suppressWarnings(weights(make_design(dat, spec))) else dat$num[[spec$weight]]
    out <- list()
    xc <- 0; xl <- 0; xf <- 0; xd <- 0; xdf <- 0
    with_lonely(spec, {
        des <- make_design(dat, spec)
        for (q in questions) for (l in q$levels) for (s in segs) {
            d <- s$rows & q$answered & inbase
            y <- q$y(l); y[is.na(y)] <- 0
            des$variables$yy <- y
            if (outside && !any(d)) {
                seg_col <- sub("=.*", "", s$name)
                des$variables$seg_ <- factor(dat$txt[[seg_col]])  # the whole file's values
                by_r <- svyby(~yy, ~seg_, des[inbase & q$answered, ], svymean,
                              drop.empty.groups = FALSE)
                stopifnot(is.na(coef(by_r)[[sub("^[^=]*=", "", s$name)]]))
                out[[length(out) + 1]] <- data.frame(
                    variable = q$name, level = l, segment = s$name, base_n = "0",
                    base_weight = "0", count = "0", proportion = "", se = "", ci_lower = "",
                    ci_upper = "", df = "", deff = "", eff_base = "", stringsAsFactors = FALSE)
                next
            }
            sub <- des[d, ]
            m <- svymean(~yy, sub, deff = "replace")
            p <- coef(m)[[1]]; se <- SE(m)[[1]]
            dfree <- degf(sub)
            W <- sum(w * d)
            if (outside && !any(y[inbase & q$answered] == 1)) {
                stopifnot(p == 0, se == 0, is.na(deff(m)[[1]]))
                eb <- W^2 / sum(w^2 * d)
                out[[length(out) + 1]] <- data.frame(
                    variable = q$name, level = l, segment = s$name,
                    base_n = fmt_int(sum(d)), base_weight = fmt17(W), count = "0",
                    proportion = fmt17(p), se = fmt17(se), ci_lower = fmt17(0),
                    ci_upper = fmt17(qbeta(1 - (1 - level) / 2, 1, eb)), df = fmt_int(dfree),
                    deff = "", eff_base = fmt17(eb), stringsAsFactors = FALSE)
                next
            }
            if (!(p > 0 && p < 1)) stop(case, ": p = ", p, " for ", q$name, "/", l, "/", s$name)
            if (dfree <= 0 && !df0) stop(case, ": df <= 0 for ", q$name, "/", s$name)
            cp <- suppressWarnings(svyciprop(~yy, sub, method = ci_method_r[[ci]], level = level))
            if (abs(coef(cp)[[1]] - p) > 1e-7 * p)
                stop(case, ": svyciprop's p differs from svymean's: ", coef(cp)[[1]], " vs ", p)
            lim <- as.vector(attr(cp, "ci"))
            if (dfree <= 0) {
                stopifnot(all(is.nan(lim)))
                lim <- c(NA, NA)
            }
            if (ci == "asin") {
                h <- qt(1 - (1 - level) / 2, dfree) * se / (2 * sqrt(p * (1 - p)))
                if (asin(sqrt(p)) - h < 0 || asin(sqrt(p)) + h > pi / 2)
                    stop(case, ": asin interval leaves [0, pi/2]; R does not clip, methods.md does")
            }
            if (ci == "likelihood")
                xl <- max(xl, abs(exact_likelihood(sub, level) - lim) / lim)
            # Cross-checks against methods.md's formulas (independent code).
            xf <- max(xf, abs(ci_methods(ci, p, se, dfree, sum(d), level) - lim) / lim, na.rm = TRUE)
            pos <- d & w > 0
            s2 <- sum(pos) / (sum(pos) - 1) * sum(w * d * (y - p)^2) / W
            if (se > 0) xd <- max(xd, abs(se^2 / (s2 / sum(pos)) - deff(m)[[1]]) / deff(m)[[1]])
            xdf <- max(xdf, abs(df_methods(dat, spec, pos) - dfree))
            z <- w * d * (y - p) / W
            vm <- v_methods(z, dat, spec)
            xc <- max(xc, if (se > 0) abs(sqrt(vm) - se) / se else sqrt(vm))
            out[[length(out) + 1]] <- data.frame(
                variable = q$name, level = l, segment = s$name,
                base_n = fmt_int(sum(d)), base_weight = fmt17(W),
                count = fmt_int(sum(d & y == 1)), proportion = fmt17(p), se = fmt17(se),
                ci_lower = fmt17(lim[1]), ci_upper = fmt17(lim[2]), df = fmt_int(dfree),
                deff = fmt17(deff(m)[[1]]), eff_base = fmt17(W^2 / sum(w^2 * d)),
                stringsAsFactors = FALSE)
        }
    })
    write_expected(case, do.call(rbind, out))
    args <- c("tab", file.path("data", paste0(dataset, ".csv")), design_flags(spec),
              unlist(lapply(questions, `[[`, "flags")), attr(segs, "flags"), base$flags)
    if (ci_flag != "logit") args <- c(args, "--ci", ci_flag)
    if (level != 0.95) args <- c(args, "--level", level)
    add_case(case, args, tol)
    crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "se vs methods.md", xc)
    crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "CI vs methods.md formula", xf)
    crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "deff vs methods.md", xd)
    crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "df vs methods.md (abs)", xdf)
    if (ci == "likelihood")
        crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "likelihood CI: R spline vs exact root", xl)
    invisible(NULL)
}

## ---------------------------------------------------------------- compare
# Pair members are segment names; "rest" is the complement of the first member. cli_pairs:
# the --pair flags when they differ from pairs (a --by set, COL:rest, stands for one pair
# per value).
run_compare <- function(case, dataset, spec, questions, segs, pairs, adjust = "holm",
                        level = 0.95, base = NULL, cli_pairs = pairs) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    w <- if (is.null(spec$weight)) suppressWarnings(weights(make_design(dat, spec))) else dat$num[[spec$weight]]
    out <- list()
    xc <- 0; naive <- NULL
    with_lonely(spec, {
        des <- make_design(dat, spec)
        dfree <- degf(des[inbase, ])
        # Under a base R's answer is the subset design's, whose lonely-PSU rules see only the
        # strata holding base rows (a lonely stratum outside the base neither fails nor
        # counts in average's H', nor does any other stratum outside it). Where that cannot
        # matter (remove, certainty, adjust; no lonely stratum; every stratum holding base
        # rows) the whole design with the variables zero-extended gives the same numbers up
        # to rounding: those cases keep it, as they were made, so they reproduce byte for byte.
        sub_des <- !is.null(base) && lonely_rule(spec) %in% c("fail", "average") &&
            lonely_matters(dat, spec, inbase)
        tq <- qt(1 - (1 - level) / 2, dfree)
        for (q in questions) for (pr in pairs) {
            side <- pair_rows(byname, pr); ab <- side$ab; ra <- side$a; rb <- side$b
            stopifnot(!is.null(ra), !is.null(rb))
            ra <- ra & inbase; rb <- rb & inbase
            fam <- list()
            for (l in q$levels) {
                y <- q$y(l); y[is.na(y)] <- 0
                a <- as.numeric(ra & q$answered); b <- as.numeric(rb & q$answered)
                r <- contrast_sides(des, y, a, b, rows = if (sub_des) inbase)
                se <- r$se; pa <- r$a; pb <- r$b
                z <- w * (a * (y - pa) / sum(w * a) - b * (y - pb) / sum(w * b))
                # (no checks where the SE is 0 or NaN: a level or a segment the base lacks)
                if (is.finite(se) && se > 0) {
                    xc <- max(xc, abs(sqrt(v_methods(z, dat, spec)) - se) / se)
                    # The classic error: the two segments treated as independent samples.
                    va <- v_methods(w * a * (y - pa) / sum(w * a), dat, spec)
                    vb <- v_methods(w * b * (y - pb) / sum(w * b), dat, spec)
                    naive <- c(naive, sqrt(va + vb) / se)
                }
                fam[[length(fam) + 1]] <- compare_row(q$name, l, ab, r, dfree, tq)
            }
            fam <- do.call(rbind, fam)
            fam$p_adjusted <- family_adjust(q, fam$p_value, fam$difference, adjust)
            out[[length(out) + 1]] <- fam
        }
    })
    res <- do.call(rbind, out)
    write_expected(case, fmt_compare(res))
    args <- c("compare", file.path("data", paste0(dataset, ".csv")), design_flags(spec),
              unlist(lapply(questions, `[[`, "flags")), attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", cli_pairs)))
    if (adjust != "holm") args <- c(args, "--adjust", adjust)
    if (level != 0.95) args <- c(args, "--level", level)
    add_case(case, args)
    crosscheck[nrow(crosscheck) + 1, ] <<- list(case, "se vs methods.md", xc)
    if (length(naive))
        cat(sprintf("%-30s naive independent-samples SE / correct SE: %.3f .. %.3f\n", case,
                    min(naive), max(naive)))
    invisible(res)
}

## ---------------------------------------------------------------- chisq
run_chisq <- function(case, dataset, spec, var, by, base = NULL) {
    dat <- D[[dataset]]
    res <- with_lonely(spec, {
        des <- make_design(dat, spec)
        des$variables[[var]] <- dat$txt[[var]]
        des$variables[[by]] <- dat$txt[[by]]
        if (!is.null(base)) des <- des[base$rows, ]
        svychisq(as.formula(paste("~", var, "+", by)), des, statistic = "F")
    })
    write_expected(case, data.frame(variable = var, by = by,
                                    statistic = fmt17(res$statistic[[1]]),
                                    ndf = fmt17(res$parameter[["ndf"]]),
                                    ddf = fmt17(res$parameter[["ddf"]]),
                                    p_value = fmt17(res$p.value[[1]])))
    add_case(case, c("chisq", file.path("data", paste0(dataset, ".csv")), design_flags(spec),
                     "--var", var, "--by", by, base$flags))
}

## ---------------------------------------------------------------- the cases
S_strat <- list(weight = "pw", strata = "stype", fpc = "fpc")
S_clus1 <- list(weight = "pw", psu = "dnum", fpc = "fpc")
S_clus2 <- list(weight = "pw", psu = "dnum", fpc = "fpc1")
S_nh <- list(weight = "WTMEC2YR", strata = "SDMVSTRA", psu = "SDMVPSU")
S_sh <- function(rule) list(weight = "wt", strata = "region", psu = "panel", lonely = rule)
S_wave <- list(weight = "wt", strata = "wstratum", psu = "panel", lonely = "certainty")

A <- D$apistrat; C1 <- D$apiclus1; C2 <- D$apiclus2; NH <- D$nhanes; SH <- D$shopper

# apistrat: stratified, fpc as population counts.
run_tab("apistrat_logit", "apistrat", S_strat,
        list(q_var(A, "sch_wide"), q_var(A, "awards")), seg_list(A, s_by(A, "stype")))
run_tab("apistrat_xlogit_90", "apistrat", S_strat, list(q_var(A, "comp_imp")),
        seg_list(A, s_by(A, "stype")), ci = "xlogit", level = 0.90)
run_tab("apistrat_wald", "apistrat", S_strat, list(q_var(A, "both")),
        seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), ci = "wald")
run_tab("apistrat_asin", "apistrat", S_strat, list(q_var(A, "sch_wide")),
        seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), ci = "asin")
run_tab("apistrat_beta_90", "apistrat", S_strat, list(q_var(A, "awards")),
        seg_list(A, s_by(A, "stype")), ci = "beta", level = 0.90)
run_tab("apistrat_fpc_fraction", "apistrat", list(weight = "pw", strata = "stype", fpc = "fpc_frac"),
        list(q_var(A, "sch_wide")), seg_list(A, s_by(A, "stype")))
run_tab("apistrat_alias_mean", "apistrat", S_strat, list(q_var(A, "both")),
        seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), ci = "wald", ci_flag = "mean")
run_tab("apistrat_alias_korn_graubard", "apistrat", S_strat, list(q_var(A, "awards")),
        seg_list(A, s_by(A, "stype")), ci = "beta", ci_flag = "korn-graubard")
run_tab("apistrat_likelihood", "apistrat", S_strat, list(q_var(A, "sch_wide")),
        seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), ci = "likelihood", tol = "2e-3")

# apiclus1: one-stage cluster sample of districts, fpc.
run_tab("apiclus1_logit", "apiclus1", S_clus1, list(q_var(C1, "comp_imp"), q_var(C1, "both")),
        seg_list(C1, s_by(C1, "stype")))
run_tab("apiclus1_beta", "apiclus1", S_clus1, list(q_var(C1, "sch_wide")),
        seg_list(C1, s_cmp(C1, "big", "api00", ">=", 700)), ci = "beta")
run_tab("apiclus1_wald_90", "apiclus1", S_clus1, list(q_var(C1, "awards")),
        seg_list(C1, s_eq(C1, "elem", "stype", "E")), ci = "wald", level = 0.90)

# apiclus2: two-stage sample analysed as ultimate clusters (first-stage ids and fpc1 only).
run_tab("apiclus2_logit", "apiclus2", S_clus2, list(q_var(C2, "both")),
        seg_list(C2, s_cmp(C2, "big", "api00", ">=", 700)))
run_tab("apiclus2_asin_90", "apiclus2", S_clus2, list(q_var(C2, "comp_imp")),
        seg_list(C2, s_eq(C2, "elem", "stype", "E")), ci = "asin", level = 0.90)

# nhanes: strata x PSUs nested (PSU numbers 1-3 repeat across strata), weights, missing answers.
run_tab("nhanes_logit", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")), seg_list(NH, s_by(NH, "race")))
run_tab("nhanes_xlogit_agecat", "nhanes", S_nh, list(q_var(NH, "agecat")),
        seg_list(NH, s_by(NH, "RIAGENDR")), ci = "xlogit")
run_tab("nhanes_wald_90", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), ci = "wald", level = 0.90)
run_tab("nhanes_beta", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "RIAGENDR")), ci = "beta")
run_tab("nhanes_asin", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "white_black", "race", c("1", "3"))), ci = "asin")
run_tab("nhanes_likelihood_90", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), ci = "likelihood", level = 0.90,
        tol = "2e-3")

# shopper: lonely PSU (region W), zero weights, missing answers, multi-response questions.
shq <- list(q_var(SH, "would_switch"), q_multi(SH, "pref", c("pref_email", "pref_form", "pref_phone")),
            q_codes(SH, "prob", "problems"))
shs <- seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3"))
for (rule in c("remove", "certainty", "adjust", "average"))
    run_tab(paste0("shopper_", rule), "shopper", S_sh(rule), shq, shs)
run_tab("shopper_beta_90", "shopper", S_sh("adjust"), shq[2],
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")), ci = "beta", level = 0.90)
run_tab("shopper_wald", "shopper", S_sh("certainty"), shq[3],
        seg_list(SH, s_cmp(SH, "light", "spend", "<=", 1)), ci = "wald")
run_tab("shopper_zero_weight_psu", "shopper", S_sh("adjust"), shq,
        seg_list(SH, s_eq(SH, "flagged", "flag", "x")), ci = "beta")
run_tab("shopper_alias_exact", "shopper", S_sh("remove"), shq[1],
        seg_list(SH, s_eq(SH, "flagged", "flag", "x")), ci = "beta", ci_flag = "exact")
run_tab("shopper_noweight_srs", "shopper", list(), shq[1],
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")))

# compare: subset vs total, complement, disjoint, overlapping, waves.
run_compare("nhanes_cmp_subset_total", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), "women:all")
run_compare("nhanes_cmp_overlap", "nhanes", S_nh, list(q_var(NH, "agecat")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2"), s_eq(NH, "white", "race", "3")),
            "women:white")
run_compare("nhanes_cmp_disjoint_bh", "nhanes", S_nh, list(q_var(NH, "agecat")),
            seg_list(NH, s_by(NH, "race")), "race=1:race=2", adjust = "bh")
run_compare("apistrat_cmp_disjoint", "apistrat", S_strat,
            list(q_var(A, "sch_wide"), q_var(A, "awards")),
            seg_list(A, s_by(A, "stype")), "stype=E:stype=H")
run_compare("apiclus1_cmp_subset_total_90", "apiclus1", S_clus1, list(q_var(C1, "both")),
            seg_list(C1, s_cmp(C1, "big", "api00", ">=", 700)), "big:all", level = 0.90)
run_compare("shopper_cmp_subset_total", "shopper", S_sh("adjust"), shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:all", adjust = "none")
run_compare("shopper_cmp_complement", "shopper", S_sh("adjust"), shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:rest")
run_compare("shopper_cmp_two_pairs", "shopper", S_sh("certainty"), shq[c(1, 3)],
            seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")),
            c("heavy:all", "wave=2011:heavy"))
waves <- run_compare("shopper_cmp_waves", "shopper", S_wave, shq[1:2],
                     seg_list(SH, s_by(SH, "wave")), "wave=2011:wave=2010")

# Waves as strata = independent samples: the SE of the difference must equal
# sqrt(se_2011^2 + se_2010^2) with each wave analysed as its own design (strata region).
wave_check <- with_lonely(S_wave, {
    res <- NULL
    for (q in shq[1:2]) for (l in q$levels) {
        se_w <- sapply(c("2011", "2010"), function(wv) {
            keep <- SH$txt$wave == wv
            sub <- list(txt = SH$txt[keep, ], num = SH$num[keep, ])
            des <- make_design(sub, list(weight = "wt", strata = "region", psu = "panel"))
            y <- q$y(l)[keep]; y[is.na(y)] <- 0
            des$variables$yy <- y
            SE(svymean(~yy, des[q$answered[keep], ]))[[1]]
        })
        row <- waves[waves$variable == q$name & waves$level == l, ]
        res <- rbind(res, data.frame(variable = q$name, level = l,
                                     se_pair = as.numeric(row$se),
                                     se_indep = sqrt(sum(se_w^2))))
    }
    res
})
wave_check$rel <- abs(wave_check$se_pair - wave_check$se_indep) / wave_check$se_indep
cat("waves check: max relative difference between the pair SE and the independent-samples SE:",
    format(max(wave_check$rel), digits = 3), "\n")
stopifnot(max(wave_check$rel) < 1e-10)

# chisq: Rao-Scott second-order F.
run_chisq("apistrat_chisq", "apistrat", S_strat, "sch_wide", "stype")
run_chisq("nhanes_chisq", "nhanes", S_nh, "HI_CHOL", "race")
run_chisq("apiclus1_chisq", "apiclus1", S_clus1, "awards", "stype")
run_chisq("shopper_chisq", "shopper", S_sh("adjust"), "would_switch", "wave")

# --base (R: the design's subset): every segment, 'all' included, within the base rows, the
# variance over the whole design, degf() and the compare df over the base's PSUs.
run_tab("nhanes_base_women", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "race")), base = b_eq(NH, "RIAGENDR", "2"))
run_tab("apistrat_base_element", "apistrat", S_strat, list(q_var(A, "awards")),
        seg_list(A, s_by(A, "stype")), base = b_eq(A, "sch_wide", "Yes"))
run_tab("apiclus1_base_threshold", "apiclus1", S_clus1, list(q_var(C1, "awards")),
        seg_list(C1, s_cmp(C1, "big", "api00", ">=", 700)), base = b_cmp(C1, "api00", ">=", 600))
run_tab("shopper_base_adjust", "shopper", S_sh("adjust"), shq,
        seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")),
        base = b_eq(SH, "spend", c("2", "3")))
run_compare("shopper_cmp_base_rest", "shopper", S_sh("adjust"), shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:rest",
            base = b_eq(SH, "wave", "2011"))
run_compare("nhanes_cmp_base", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), "women:all",
            base = b_eq(NH, "race", c("1", "3")))
# A --by set against rest or all, value by value: the pairs of each value written out.
by_pairs <- function(segs, other) paste0(vapply(segs, `[[`, "", "name"), ":", other)
run_compare("nhanes_cmp_by_rest", "nhanes", S_nh, list(q_var(NH, "agecat")),
            seg_list(NH, s_by(NH, "race")), by_pairs(s_by(NH, "race"), "rest"),
            cli_pairs = "race:rest")
run_compare("apistrat_cmp_by_all_element", "apistrat", S_strat, list(q_var(A, "awards")),
            seg_list(A, s_by(A, "stype")), by_pairs(s_by(A, "stype"), "all"),
            cli_pairs = "stype:all")
run_compare("nhanes_cmp_by_rest_base", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_by(NH, "race")), by_pairs(s_by(NH, "race"), "rest"),
            base = b_eq(NH, "RIAGENDR", "2"), cli_pairs = "race:rest")
run_chisq("nhanes_chisq_base", "nhanes", S_nh, "HI_CHOL", "race", base = b_eq(NH, "RIAGENDR", "2"))
# R's subset drops the rows outside the base, so svychisq's nu counts the PSUs and strata
# holding base rows: here 10 PSUs of 4 strata against the design's 16 of 4 (panels 4-6 are
# left out), and, with no PSUs, the rows of the two school types kept, in 2 strata of 3.
run_chisq("shopper_chisq_base_psus", "shopper", S_sh("adjust"), "would_switch", "wave",
          base = b_eq(SH, "panel", c("1", "2", "3")))
run_chisq("apistrat_chisq_base_strata", "apistrat", S_strat, "sch_wide", "awards",
          base = b_eq(A, "stype", c("E", "M")))
run_compare("apistrat_cmp_base_element", "apistrat", S_strat, list(q_var(A, "awards")),
            seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), c("big:all", "big:rest"),
            base = b_eq(A, "sch_wide", "Yes"))
# A level (channel "kiosk") and a --by value (wstratum 2011-W) seen only outside the base:
# both still listed (the whole file's levels, as R's factors), kiosk with p = 0 and the
# 2011-W rows empty; compare: kiosk's difference 0 with SE 0 (t and p NaN, out of the Holm
# family as in p.adjust), the empty segment's pair NaN. xlogit: with df 1 (2010-E, 2010-S, 2011-E hold two panels) R's logit
# (svyglm) gives [0, NaN]. chisq leaves them out, as R's svychisq on the subset's values does.
SC <- D$shopper_channel
sc_base <- b_eq(SC, "region", c("N", "S", "E"))
run_tab("shopper_base_outside_levels", "shopper_channel", S_sh("certainty"),
        list(q_var(SC, "channel"), q_var(SC, "would_switch")), seg_list(SC, s_by(SC, "wstratum")),
        base = sc_base, outside = TRUE, ci = "xlogit")
run_compare("shopper_cmp_base_outside_levels", "shopper_channel", S_sh("certainty"),
            list(q_var(SC, "channel")), seg_list(SC, s_by(SC, "wstratum")),
            c("wstratum=2011-N:wstratum=2010-N", "wstratum=2011-W:rest"), base = sc_base)
run_chisq("shopper_chisq_base_outside_levels", "shopper_channel", S_sh("certainty"), "channel",
          "wstratum", base = sc_base)

# --multi-ticked: a cell holding 1 or a text is ticked, a blank or 0 is not; the base is
# the rows that tick at least one column (R: the domain of those rows).
ST <- D$shopper_ticked
stq <- list(q_ticked(ST, "pref", c("tick_email", "tick_form", "tick_phone")))
run_tab("shopper_ticked", "shopper_ticked", S_sh("adjust"), stq,
        seg_list(ST, s_by(ST, "wave"), s_eq(ST, "heavy", "spend", "3")))
run_compare("shopper_cmp_ticked", "shopper_ticked", S_sh("adjust"), stq,
            seg_list(ST, s_eq(ST, "heavy", "spend", "3")), c("heavy:all", "heavy:rest"))

# --none-in-base: the rows ticking none are in the base as y = 0 (R: the columns as 0/1,
# blanks 0, over the domain of the base's rows), under a --base and in overlapping segments.
stn <- list(q_none(stq[[1]]))
run_tab("shopper_ticked_none", "shopper_ticked", S_sh("adjust"), stn,
        seg_list(ST, s_by(ST, "wave"), s_eq(ST, "heavy", "spend", "3")),
        base = b_eq(ST, "region", c("N", "S", "E")))
run_compare("shopper_cmp_ticked_none", "shopper_ticked", S_sh("adjust"), stn,
            seg_list(ST, s_eq(ST, "heavy", "spend", "3"), s_eq(ST, "y2011", "wave", "2011")),
            c("heavy:y2011", "heavy:rest"))
run_tab("shopper_none_codes_multi", "shopper", S_sh("certainty"),
        list(q_none(q_codes(SH, "prob", "problems")),
             q_none(q_multi(SH, "pref", c("pref_email", "pref_form", "pref_phone")), SH,
                    c("pref_email", "pref_form", "pref_phone"))),
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")))

# chisq with a --by level whose rows all leave the question unanswered (the table gets an
# empty column): no fixture, since R has no defined answer and shopstat stops with an error
# (tests/cli/cases/chisq_err_empty_level). This records what R does (NOTES.md): NaN when the
# column is a factor; as plain values, X^2 of the table without the level over tr(Delta)
# and d0 of the table with it. With the level left out (R's subset) both agree.
empty_level <- data.frame(id = 1:8, q = c(1, 2, 1, 2, 1, 2, NA, 1), s = c(1, 1, 2, 2, 1, 2, 3, 1))
el <- function(des, f) {
    r <- suppressWarnings(svychisq(f, des, statistic = "F"))
    c(F = r$statistic[[1]], ndf = r$parameter[["ndf"]], ddf = r$parameter[["ddf"]],
      p = r$p.value[[1]])
}
el_des <- suppressWarnings(svydesign(ids = ~1, data = empty_level))
el_plain <- el(el_des, ~q + s)
el_des$variables$sf <- factor(empty_level$s)
el_factor <- el(el_des, ~q + sf)
el_subset <- el(subset(el_des, s != 3), ~q + s)
stopifnot(is.nan(el_factor[["F"]]), abs(el_plain[["ndf"]] - 2) < 1e-9,
          abs(el_subset[["ndf"]] - 1) < 1e-9)
cat("chisq, empty --by level: factor F =", el_factor[["F"]], "; plain",
    paste(names(el_plain), format(el_plain, digits = 6), collapse = " "), "; level left out",
    paste(names(el_subset), format(el_subset, digits = 6), collapse = " "), "\n")

## ---------------------------------------------------------------- an fpc, no weight column
# R's svydesign then weights every row N_h / n_h (n_h the stratum's sampled PSUs; 1 / f_h for
# fractions): the weighted proportions differ from the unweighted ones whenever the strata's
# sampling fractions differ (apistrat: 100/4421, 50/755, 50/1018).
S_strat_nw <- list(strata = "stype", fpc = "fpc")
run_tab("apistrat_fpc_noweight", "apistrat", S_strat_nw,
        list(q_var(A, "sch_wide"), q_var(A, "awards")),
        seg_list(A, s_cmp(A, "big", "api00", ">=", 700), s_by(A, "stype")))
run_tab("apistrat_fpc_fraction_noweight", "apistrat", list(strata = "stype", fpc = "fpc_frac"),
        list(q_var(A, "both")), seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), ci = "beta")
run_tab("apiclus1_fpc_noweight", "apiclus1", list(psu = "dnum", fpc = "fpc"),
        list(q_var(C1, "both")), seg_list(C1, s_by(C1, "stype")))
S_nh_nw <- list(strata = "SDMVSTRA", psu = "SDMVPSU", fpc = "fpc_psu")
run_tab("nhanes_fpc_noweight", "nhanes", S_nh_nw, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_by(NH, "race")))
run_compare("apistrat_cmp_fpc_noweight", "apistrat", S_strat_nw, list(q_var(A, "sch_wide")),
            seg_list(A, s_cmp(A, "big", "api00", ">=", 700)), "big:all")
run_compare("nhanes_cmp_fpc_noweight", "nhanes", S_nh_nw, list(q_var(NH, "agecat")),
            seg_list(NH, s_by(NH, "race")), "race=1:race=2")
run_chisq("nhanes_chisq_fpc_noweight", "nhanes", S_nh_nw, "HI_CHOL", "race")
run_chisq("apistrat_chisq_fpc_noweight", "apistrat", S_strat_nw, "sch_wide", "awards")

## ---------------------------------------------------------------- identical segments
# A segment holding every row compared with 'all': every row's score is 0, R's SE is 0 (t and
# p NaN). From sums of w^2 per cell (element designs) the variance came out as rounding,
# ~1e-20 either side of 0; shopstat now sees that the two hold the same rows
# (variance.c, totals_same_domain). The third case has two segments of as many rows in
# every stratum that are not the same rows (E schools below their 60th and above their 40th
# percentile of snum: 60 each, 20 in both): a real difference, whose SE must not be taken
# for 0.
run_compare("shopper_cmp_identical_element", "shopper", list(weight = "wt", strata = "region"),
            shq, seg_list(SH, s_eq(SH, "every", "spend", c("1", "2", "3"))), "every:all")
run_compare("apistrat_cmp_identical_base", "apistrat", S_strat_nw, list(q_var(A, "awards"),
            q_var(A, "both")), seg_list(A, s_eq(A, "hs", "stype", "H")), "all:hs",
            base = b_eq(A, "stype", "H"))
run_compare("apistrat_cmp_same_counts", "apistrat", S_strat_nw, list(q_var(A, "awards")),
            seg_list(A, s_cmp(A, "lo", "snum", "<", 3254), s_cmp(A, "hi", "snum", ">=", 2160.5)),
            "lo:hi", base = b_eq(A, "stype", "E"))

## ---------------------------------------------------------------- each side at p = 0 or 1
# hm (stype H or M) against the rest (the E schools) in an element design: level E is held
# by none of hm's rows and by every row of the rest, so every row's score is 0, and R's SE
# is 0 (t -Inf, p 0); H and M have a real variance (hm's side). The sums of w^2 and the
# rest's cells less hm's left shopstat an SE of 8.1e-10 (t -1.2e9) and a rest's p of
# 1.0000000000000002, and where the round-off fell below 0 no SE at all (found by the
# randomized audit, tests/oracle/audit/README.md).
run_compare("apistrat_cmp_sides_at_0_1", "apistrat", list(weight = "pw"), list(q_var(A, "stype")),
            seg_list(A, s_eq(A, "hm", "stype", c("H", "M"))), "hm:rest")

## ---------------------------------------------------------------- compare, base and lonely PSUs
# compare under --base is R's svycontrast of svytotal on subset(design, base): the lonely-PSU
# rules see only the strata holding base rows, whichever segments the pair holds. Region W's
# single panel outside the base (N, S, E): average leaves V unscaled (H' = 3, no lonely
# stratum) and fail answers; with W in the base and N out (S, E, W), average scales V by
# 3/2 (H' = 3, one lonely), not 4/3. Pairs A:rest, A:all, COL:rest, COL:all.
sh_base_nse <- b_eq(SH, "region", c("N", "S", "E"))
run_compare("shopper_cmp_base_average", "shopper", S_sh("average"), shq,
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), c("heavy:rest", "heavy:all"),
            base = sh_base_nse)
run_compare("shopper_cmp_base_fail", "shopper", list(weight = "wt", strata = "region", psu = "panel"),
            shq[c(1, 3)], seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")),
            c(by_pairs(s_by(SH, "wave"), "rest"), "heavy:all"), base = sh_base_nse,
            cli_pairs = c("wave:rest", "heavy:all"))
run_compare("shopper_cmp_base_average_lonely_in", "shopper", S_sh("average"), shq[1:2],
            seg_list(SH, s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")),
            c(by_pairs(s_by(SH, "wave"), "all"), "heavy:rest"),
            base = b_eq(SH, "region", c("S", "E", "W")), cli_pairs = c("wave:all", "heavy:rest"))

## ---------------------------------------------------------------- less-travelled paths
# Intervals at the 99% level (every other case is at 90% or 95%), on each kind of design.
run_tab("apistrat_logit_99", "apistrat", S_strat, list(q_var(A, "sch_wide")),
        seg_list(A, s_by(A, "stype")), level = 0.99)
run_tab("apiclus1_asin_99", "apiclus1", S_clus1, list(q_var(C1, "both")),
        seg_list(C1, s_cmp(C1, "big", "api00", ">=", 700)), ci = "asin", level = 0.99)
run_tab("nhanes_beta_99", "nhanes", S_nh, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2")), ci = "beta", level = 0.99)
run_tab("nhanes_wald_99", "nhanes", S_nh, list(q_var(NH, "agecat")),
        seg_list(NH, s_by(NH, "RIAGENDR")), ci = "wald", level = 0.99)
run_tab("shopper_xlogit_99", "shopper", S_sh("adjust"), shq,
        seg_list(SH, s_eq(SH, "heavy", "spend", "3")), ci = "xlogit", level = 0.99)
run_compare("nhanes_cmp_overlap_99", "nhanes", S_nh, list(q_var(NH, "agecat")),
            seg_list(NH, s_eq(NH, "women", "RIAGENDR", "2"), s_eq(NH, "white", "race", "3")),
            "women:white", level = 0.99, adjust = "bh")
# chisq under each lonely-PSU rule (region W holds a single panel).
for (rule in c("remove", "certainty", "average"))
    run_chisq(paste0("shopper_chisq_", rule), "shopper", S_sh(rule), "would_switch", "wave")
# A segment holding a single PSU in every stratum (panel numbers repeat across regions:
# panel 1 of each region) compared with its complement and with all.
run_compare("shopper_cmp_one_psu_per_stratum", "shopper", S_sh("adjust"), shq,
            seg_list(SH, s_eq(SH, "p1", "panel", "1")), c("p1:rest", "p1:all"))

# Lonely PSUs with an fpc (data/shopper_fpc.csv): a lonely stratum sampled whole is no
# lonely stratum at all for R (every rule, fail included, gives it 0, and average does not
# count it); one sampled in part contributes (1 - f) z^2 under adjust.
SF <- D$shopper_fpc
S_fpc <- function(fpc, rule = NULL) list(weight = "wt", strata = "region", psu = "panel",
                                         fpc = fpc, lonely = rule)
sfq <- list(q_var(SF, "would_switch"))
sfs <- seg_list(SF, s_by(SF, "wave"), s_eq(SF, "heavy", "spend", "3"))
run_tab("shopper_fpc_certainty_fail", "shopper_fpc", S_fpc("fpc_cert"), sfq, sfs)
run_tab("shopper_fpc_certainty_average", "shopper_fpc", S_fpc("fpc_cert", "average"), sfq, sfs)
run_tab("shopper_fpc_adjust", "shopper_fpc", S_fpc("fpc_part", "adjust"), sfq, sfs, ci = "beta")
run_tab("shopper_fpc_average", "shopper_fpc", S_fpc("fpc_part", "average"), sfq, sfs)
run_compare("shopper_fpc_cmp_certainty_fail", "shopper_fpc", S_fpc("fpc_cert"), sfq, sfs,
            c("heavy:rest", "wave=2011:wave=2010"))
run_compare("shopper_fpc_cmp_adjust", "shopper_fpc", S_fpc("fpc_part", "adjust"), sfq, sfs,
            c("heavy:all", "wave=2011:wave=2010"))
run_compare("shopper_fpc_cmp_average_base", "shopper_fpc", S_fpc("fpc_part", "average"), sfq,
            seg_list(SF, s_eq(SF, "heavy", "spend", "3")), "heavy:rest",
            base = b_eq(SF, "region", c("S", "E", "W")))
run_chisq("shopper_fpc_chisq_certainty_fail", "shopper_fpc", S_fpc("fpc_cert"), "would_switch", "spend")
run_chisq("shopper_fpc_chisq_adjust", "shopper_fpc", S_fpc("fpc_part", "adjust"), "would_switch", "spend")
run_chisq("shopper_fpc_chisq_average", "shopper_fpc", S_fpc("fpc_part", "average"), "would_switch", "wave")

# chisq where both variables have missing answers (would_switch 8%, pref_email 5%): the
# table is over the rows answering both (R: svymean(..., na.rm = TRUE)), N over every row.
run_chisq("shopper_chisq_both_missing", "shopper", S_sh("adjust"), "would_switch", "pref_email")
run_chisq("shopper_chisq_3x2_missing_by", "shopper", S_sh("certainty"), "spend", "pref_phone")

# A level held by one side of a pair only (channel "kiosk": region W alone), no base: p = 0
# on the other side, whose score is then 0 for that level; the difference's SE is the
# holding side's (R's svycontrast agrees). Also tab's p = 0 cells outside a base are covered
# by shopper_base_outside_levels; here compare only.
run_compare("shopper_cmp_level_one_side", "shopper_channel", S_sh("certainty"),
            list(q_var(SC, "channel")), seg_list(SC, s_by(SC, "region")),
            c("region=W:rest", "region=N:region=W"))

# A segment inside strata sampled whole (nhanes' fpc_psu is 2 = their PSUs in strata 75 and
# 80): SE 0 with 0 < p < 1, df 2, deff 0. R's logit, xlogit, mean and asin give [p, p];
# its beta gives [0.5, 0.5] (n* infinite) and likelihood stops, so shopstat's [p, p] for
# those (the limit of the interval as the variance goes to 0) has no R case.
S_nh_fpc <- c(S_nh, list(fpc = "fpc_psu"))
for (ci in c("logit", "asin"))
    run_tab(paste0("nhanes_whole_strata_", ci), "nhanes", S_nh_fpc, list(q_var(NH, "HI_CHOL")),
            seg_list(NH, s_eq(NH, "whole", "SDMVSTRA", c("75", "80"))), ci = ci)
run_tab("nhanes_whole_strata_wald_90", "nhanes", S_nh_fpc, list(q_var(NH, "HI_CHOL")),
        seg_list(NH, s_eq(NH, "whole", "SDMVSTRA", c("75", "80"))), ci = "wald", level = 0.9)

# chisq under average and fail with a --base that leaves out the lonely stratum (W) or
# another one (N): R's svychisq on the subset sees only the strata holding base rows.
run_chisq("shopper_chisq_average_base_nse", "shopper", S_sh("average"), "would_switch", "spend",
          base = sh_base_nse)
run_chisq("shopper_chisq_average_base_sew", "shopper", S_sh("average"), "would_switch", "spend",
          base = b_eq(SH, "region", c("S", "E", "W")))
run_chisq("shopper_chisq_fail_base_nse", "shopper", list(weight = "wt", strata = "region", psu = "panel"),
          "would_switch", "wave", base = sh_base_nse)

# compare where the design df is 0 (a --base of one panel per region: 4 PSUs, 4 strata): R's
# t = difference / SE is a number, its p, p_adjusted and CI NaN (qt and pt on 0 df).
run_compare("shopper_cmp_df0", "shopper", S_sh("adjust"), shq[1:2],
            seg_list(SH, s_eq(SH, "heavy", "spend", "3")), "heavy:rest",
            base = b_eq(SH, "panel", "1"))

# A segment of design df 0 beside others: p1 = panel 1 of each region (4 PSUs in 4 strata),
# first = the first 30 rows (ids 1-30, within panel 1 of region N, which holds 30 to 45
# rows). R gives p, SE (p1's from the zero-extended PSU totals of each stratum; first's 0 up
# to round-off, its scores summing to 0 in its one PSU) and
# deff, and an interval of NaN (qt on 0 df), which shopstat writes empty; chisq under a
# --base of df 0 keeps F and ndf, ddf 0 and p NaN.
shq_sw <- list(q_var(SH, "would_switch"), q_multi(SH, "pref", c("pref_email", "pref_form", "pref_phone")))
run_tab("shopper_tab_df0", "shopper", S_sh("adjust"), shq_sw,
        seg_list(SH, s_eq(SH, "p1", "panel", "1"), s_cmp(SH, "first", "id", "<=", 30),
                 s_eq(SH, "heavy", "spend", "3")), df0 = TRUE)
run_tab("shopper_tab_df0_wald_90", "shopper", S_sh("certainty"), shq_sw[1],
        seg_list(SH, s_eq(SH, "p1", "panel", "1")), ci = "wald", level = 0.9, df0 = TRUE)
run_chisq("shopper_chisq_df0", "shopper", S_sh("adjust"), "would_switch", "wave",
          base = b_eq(SH, "panel", "1"))

## ---------------------------------------------------------------- scores
# A score of a single-choice question: sc = list(col, flag (the --score value), name, f (the
# score of each row's text, NA when missing)). R: svymean(~s, subset(design, segment & base &
# !is.na(s)), deff = "replace") with confint(..., df = degf(subset)).
sc_def <- function(col, flag, name, f) list(col = col, flag = flag, name = name, f = f)
sc_map <- function(map) function(x) unname(map[x])
sc_nps <- function(x) { v <- as.numeric(x); ifelse(v <= 6, -100, ifelse(v <= 8, 0, 100)) }
run_score <- function(case, dataset, spec, scores, segs, base = NULL, level = 0.95,
                      extra = character()) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    out <- list()
    with_lonely(spec, {
        des <- make_design(dat, spec)
        w <- weights(des)
        for (sc in scores) {
            x <- dat$txt[[sc$col]]
            if ("--missing" %in% extra) x[x %in% "99"] <- NA
            s <- sc$f(x)
            des$variables$s_ <- s
            for (sg in segs) {
                keep <- sg$rows & inbase & !is.na(s)
                sub <- des[keep, ]
                m <- svymean(~s_, sub, deff = "replace")
                dfree <- degf(sub)
                ci <- confint(m, df = dfree, level = level)
                out[[length(out) + 1]] <- data.frame(
                    variable = sc$col, score = sc$name, segment = sg$name, base_n = sum(keep),
                    base_weight = fmt17(sum(w[keep])), estimate = fmt17(coef(m)[[1]]),
                    se = fmt17(SE(m)[[1]]), ci_lower = fmt17(ci[1, 1]),
                    ci_upper = fmt17(ci[1, 2]), df = fmt_int(dfree),
                    deff = fmt17(deff(m)[[1]]),
                    eff_base = fmt17(sum(w[keep])^2 / sum(w[keep]^2)), stringsAsFactors = FALSE)
            }
        }
    })
    write_expected(case, do.call(rbind, out))
    args <- c("score", file.path("data", paste0(dataset, ".csv")), design_flags(spec),
              as.vector(rbind("--score", vapply(scores, `[[`, "", "flag"))), attr(segs, "flags"),
              base$flags, extra)
    if (level != 0.95) args <- c(args, "--level", level)
    add_case(case, args)
}
# compare --score: m_A - m_B by svycontrast of svytotal (sum_k s_k ya_k / na generalises
# compare's ya / na), on subset(design, base) under a base.
run_score_compare <- function(case, dataset, spec, scores, segs, pairs, base = NULL,
                              extra = character()) {
    dat <- D[[dataset]]
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    out <- list()
    with_lonely(spec, {
        des <- make_design(dat, spec)
        if (!is.null(base)) des$variables$in_base_ <- inbase
        dfree <- degf(des[inbase, ])
        tq <- qt(0.975, dfree)
        for (sc in scores) for (pr in pairs) {
            x <- dat$txt[[sc$col]]
            if ("--missing" %in% extra) x[x %in% "99"] <- NA
            s <- sc$f(x)
            side <- pair_rows(byname, pr); ab <- side$ab; ra <- side$a; rb <- side$b
            a <- as.numeric(ra & inbase & !is.na(s)); b <- as.numeric(rb & inbase & !is.na(s))
            y <- s; y[is.na(y)] <- 0
            r <- contrast_sides(des, y, a, b, rows = if (!is.null(base)) inbase)
            out[[length(out) + 1]] <- compare_row(sc$col, sc$name, ab, r, dfree, tq)
        }
    })
    res <- do.call(rbind, out)
    res$p_adjusted <- res$p_value # (one score a family)
    write_expected(case, fmt_compare(res))
    add_case(case, c("compare", file.path("data", paste0(dataset, ".csv")), design_flags(spec),
                     as.vector(rbind("--score", vapply(scores, `[[`, "", "flag"))),
                     attr(segs, "flags"), base$flags, as.vector(rbind("--pair", pairs)), extra))
}
SN <- D$shopper_nps
sc_spend <- sc_def("spend", "spend", "mean", as.numeric)
sc_switch <- sc_def("would_switch", "would_switch:1=10,2=0", "score", sc_map(c("1" = 10, "2" = 0)))
sc_rec_nps <- sc_def("recommend", "recommend:nps", "NPS", sc_nps)
sc_rec_mean <- sc_def("recommend", "recommend", "mean", as.numeric)
sns <- seg_list(SN, s_by(SN, "wave"), s_eq(SN, "heavy", "spend", "3"))
for (rule in c("adjust", "average", "remove"))
    run_score(paste0("shopper_score_", rule), "shopper_nps", S_sh(rule),
              list(sc_rec_nps, sc_rec_mean, sc_spend, sc_switch), sns, extra = c("--missing", "99"))
run_score("shopper_score_base_90", "shopper_nps", S_sh("adjust"), list(sc_rec_nps, sc_switch),
          seg_list(SN, s_by(SN, "wave")), base = b_eq(SN, "region", c("N", "S", "E")),
          level = 0.9, extra = c("--missing", "99"))
run_score("nhanes_score", "nhanes", S_nh,
          list(sc_def("HI_CHOL", "HI_CHOL", "mean", as.numeric),
               sc_def("race", "race:1-2=0,3=50,4=100", "score",
                      sc_map(c("1" = 0, "2" = 0, "3" = 50, "4" = 100)))),
          seg_list(NH, s_by(NH, "RIAGENDR"), s_eq(NH, "white", "race", "3")))
run_score("apistrat_score_element", "apistrat", S_strat,
          list(sc_def("awards", "awards:No=0,Yes=100", "score", sc_map(c(No = 0, Yes = 100))),
               sc_def("stype", "stype:E=1,M=2,H=3", "score", sc_map(c(E = 1, M = 2, H = 3)))),
          seg_list(A, s_cmp(A, "big", "api00", ">=", 700)),
          base = b_eq(A, "sch_wide", "Yes"))
run_score("apiclus1_score", "apiclus1", S_clus1,
          list(sc_def("awards", "awards:No=0,Yes=100", "score", sc_map(c(No = 0, Yes = 100)))),
          seg_list(C1, s_by(C1, "stype"), s_cmp(C1, "big", "api00", ">=", 700)))
run_score_compare("shopper_score_cmp", "shopper_nps", S_sh("adjust"),
                  list(sc_rec_nps, sc_spend), sns,
                  c("heavy:all", "heavy:rest", "wave=2010:wave=2011"), extra = c("--missing", "99"))
run_score_compare("shopper_score_cmp_base", "shopper_nps", S_sh("adjust"), list(sc_rec_mean),
                  seg_list(SN, s_eq(SN, "heavy", "spend", "3"), s_eq(SN, "switchers", "would_switch", "1")),
                  c("heavy:switchers", "heavy:rest"), base = b_eq(SN, "region", c("N", "S", "E")),
                  extra = c("--missing", "99"))
run_score_compare("apistrat_score_cmp_overlap", "apistrat", S_strat,
                  list(sc_def("awards", "awards:No=0,Yes=100", "score", sc_map(c(No = 0, Yes = 100)))),
                  seg_list(A, s_cmp(A, "big", "api00", ">=", 700), s_eq(A, "elem", "stype", "E")),
                  c("big:elem", "big:all", "elem:rest"))
# A segment whose every answer has one score (promoters of an NPS; a map giving both levels
# 0.7): R's mean is that score, its SE 0 and deff NaN (0 / 0). (shopstat took S / W with
# its round-off, 99.99999999999999, an SE of 6e-16 and a deff of 0.2 from noise over noise:
# the score audit, seed 4.)
run_score("shopper_score_constant", "shopper_nps", S_sh("adjust"),
          list(sc_rec_nps, sc_def("would_switch", "would_switch:1=0.7,2=0.7", "score",
                                  sc_map(c("1" = 0.7, "2" = 0.7)))),
          seg_list(SN, s_eq(SN, "promoters", "recommend", c("9", "10")),
                   s_eq(SN, "heavy", "spend", "3")), extra = c("--missing", "99"))

# scores of a segment of design df 0: R's mean, SE and deff, confint NaN (written empty)
run_score("shopper_score_df0", "shopper_nps", S_sh("adjust"), list(sc_rec_nps, sc_spend),
          seg_list(SN, s_eq(SN, "p1", "panel", "1")), extra = c("--missing", "99"))

writeLines(c("# Oracle cases: NAME|shopstat ARGS (run from tests/oracle; ARGS split on spaces)[|tol=REL]",
             "# Generated by make_fixtures.R: do not edit by hand.", cases),
           file.path(root, "cases.txt"))

cat("\nCross-checks of R against an independent implementation of methods.md:",
    sum(crosscheck$maxrel <= 1e-12), "of", nrow(crosscheck), "agree to 1e-12; the others:\n")
print(crosscheck[crosscheck$maxrel > 1e-12, ], row.names = FALSE, digits = 3)
cat(length(cases), "cases written\n")
