# `tab --ci wilson` against R. survey 4.1.1's svyciprop has no "wilson" method (the
# reference, /work/shared/reference/methods.md, names survey 4.5's); its interval is the
# Wilson score interval with the design's effective sample size, computed here from R's own
# svymean (estimate p and variance V, deff = "replace") and degf of the domain's subset:
#   n = p (1 - p) / V (Korn & Graubard 1998's effective n, no df factor),
#   t = qt(1 - alpha/2, df),
#   (p + t^2/(2n) -/+ t sqrt(p (1 - p)/n + t^2/(4n^2))) / (1 + t^2/n).
# That is docs/methods.md's formula. It is the same interval, term for term, as the Wilson
# interval at the normal quantile z with the "df-adjusted" effective size n (z/t)^2 (Dean &
# Pagano 2015, WHO's VCQI svypd): t^2 / n = z^2 / (n (z/t)^2); the script checks that to 1e-12.
# A variant takes z with Korn & Graubard's df-adjusted n (t_{rows - 1} / t_df)^2, as R's
# "beta" does, a number of rows in it; the script prints how far that convention lies from
# this one on the cases (docs/methods.md says which is shopstat's and why).
# At p = 0 or 1 (V = 0, n infinite) every method is methods.md's Clopper-Pearson interval
# with n = eff_base (Kish), which the script computes with qbeta. Cases: stratified cluster
# designs (nhanes; shopper with a lonely PSU under adjust, zero weights, a multi-response
# and a codes question), shares near 0 and 1 and exactly 0 and 1 (apiclus1's yr_rnd by
# stype), small domains (nhanes' race by agecat: 13 rows and up), a stratified element design
# with an fpc (apistrat), a replicate design (JK1 apiclus1: svymean on svrepdesign, degf of
# the subset), at levels 0.90, 0.95 and 0.99. Run from the repository root:
#   Rscript tests/oracle/make_wilson_fixtures.R
# It writes tests/oracle/wilson/NAME.csv (shopstat's csv columns, %.17g) and cases.txt
# (NAME|ARGS, run from tests/oracle by run.sh) from tests/oracle/data/. Deterministic; R 4.x,
# survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "wilson")
dir.create(outdir, showWarnings = FALSE)

read_back <- function(name) {
    path <- file.path(root, "data", paste0(name, ".csv"))
    list(name = name,
         txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
         num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
}

# The Wilson interval of methods.md, and the same interval written the other way (z with
# the df-adjusted n), which must agree.
wilson <- function(p, V, df, level) {
    n <- p * (1 - p) / V
    t <- qt(1 - (1 - level) / 2, df)
    ci <- (p + t^2 / (2 * n) + c(-1, 1) * t * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))) / (1 + t^2 / n)
    z <- qnorm(1 - (1 - level) / 2)
    na <- n * (z / t)^2
    alt <- (p + z^2 / (2 * na) + c(-1, 1) * z * sqrt(p * (1 - p) / na + z^2 / (4 * na^2))) / (1 + z^2 / na)
    stopifnot(all(abs(alt - ci) <= 1e-12 * abs(ci)))
    ci
}
# The variant: z, Korn & Graubard's n (t_{rows - 1} / t_df)^2.
wilson_kg <- function(p, V, df, rows, level) {
    z <- qnorm(1 - (1 - level) / 2)
    n <- p * (1 - p) / V * (qt(1 - (1 - level) / 2, rows - 1) / qt(1 - (1 - level) / 2, df))^2
    (p + z^2 / (2 * n) + c(-1, 1) * z * sqrt(p * (1 - p) / n + z^2 / (4 * n^2))) / (1 + z^2 / n)
}
# methods.md's interval at p = 0 or 1: Clopper-Pearson with n = eff_base.
clopper_pearson <- function(p, n, level) {
    a <- 1 - level; x <- p * n
    c(if (x <= 0) 0 else qbeta(a / 2, x, n - x + 1), if (x >= n) 1 else qbeta(1 - a / 2, x + 1, n - x))
}

KG <- 0  # largest relative gap to the variant, over the cases' limits
CP <- 0  # rows at p = 0 or 1
cases <- c("# Oracle cases of make_wilson_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
# One case: tab's rows (question > level > segment, 'all' first) of design des, questions qs
# (helpers.R's q_var, q_multi, q_codes), segments segs (list of list(name, rows)), at level.
run_wilson <- function(case, dat, des, w, qs, segs, level, flags) {
    rows <- NULL
    sflags <- unlist(attr(segs, "flagsets"))
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))), segs)
    for (q in qs) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        sub <- des[d, ]
        m <- svymean(~yy, sub, deff = "replace")
        p <- coef(m)[[1]]; V <- vcov(m)[1, 1]
        dfree <- degf(sub)
        W <- sum(w * d); eb <- W^2 / sum(w^2 * d)
        stopifnot(dfree > 0)
        if (p > 0 && p < 1) {
            stopifnot(V > 0)
            ci <- wilson(p, V, dfree, level)
            KG <<- max(KG, abs(wilson_kg(p, V, dfree, sum(d), level) - ci) / ci)
        } else {
            # (R's svymean: V 0, deff NaN; R's svyciprop has no interval here)
            stopifnot(V == 0, is.nan(deff(m)[[1]]))
            ci <- clopper_pearson(p, eb, level)
            CP <<- CP + 1
        }
        rows <- rbind(rows, data.frame(
            variable = q$name, level = l, segment = s$name, base_n = fmt_int(sum(d)),
            base_weight = fmt17(W), count = fmt_int(sum(d & y == 1)), proportion = fmt17(p),
            se = fmt17(sqrt(V)), ci_lower = fmt17(ci[1]), ci_upper = fmt17(ci[2]),
            df = fmt_int(dfree), deff = fmt17(deff(m)[[1]]), eff_base = fmt17(eb),
            stringsAsFactors = FALSE))
    }
    write_csv(rows, file.path(outdir, paste0(case, ".csv")))
    qflags <- unlist(lapply(qs, function(q) q$flags))
    args <- c("tab", file.path("data", paste0(dat$name, ".csv")), flags, qflags, sflags,
              "--ci", "wilson", if (level != 0.95) c("--level", format(level)))
    cases <<- c(cases, paste0(case, "|", paste(args, collapse = " ")))
}

## Stratified cluster: nhanes (strata x nested PSUs, 745 missing HI_CHOL)
NH <- read_back("nhanes")
d_nh <- taylor(NH, psu = "SDMVPSU", strata = "SDMVSTRA", weight = "WTMEC2YR")
nh_flags <- c("--weight", "WTMEC2YR", "--strata", "SDMVSTRA", "--psu", "SDMVPSU")
run_wilson("nhanes_wilson", NH, d_nh, NH$num$WTMEC2YR, list(q_var(NH, "HI_CHOL")),
           seg_list(s_by(NH, "race"), s_eq(NH, "women", "RIAGENDR", "2")), 0.95, nh_flags)
# small domains and shares near 0: race within each age group (13 rows and up)
run_wilson("nhanes_wilson_small_90", NH, d_nh, NH$num$WTMEC2YR, list(q_var(NH, "race")),
           seg_list(s_by(NH, "agecat")), 0.90, nh_flags)

## p near 0 and 1, and exactly 0 and 1: apiclus1's yr_rnd by stype (no "Yes" among H and M)
C1 <- read_back("apiclus1")
d_c1 <- taylor(C1, psu = "dnum", weight = "pw", fpc = "fpc")
run_wilson("apiclus1_wilson_0_1_99", C1, d_c1, C1$num$pw, list(q_var(C1, "yr_rnd")),
           seg_list(s_by(C1, "stype")), 0.99, c("--weight", "pw", "--psu", "dnum", "--fpc", "fpc"))

## Stratified element design with an fpc: apistrat
AS <- read_back("apistrat")
d_as <- taylor(AS, strata = "stype", weight = "pw", fpc = "fpc")
run_wilson("apistrat_wilson", AS, d_as, AS$num$pw, list(q_var(AS, "awards"), q_var(AS, "yr_rnd")),
           seg_list(s_by(AS, "stype")), 0.95,
           c("--weight", "pw", "--strata", "stype", "--fpc", "fpc"))

## shopper: region W a lonely PSU (adjust), 7 zero weights, missing answers, a
## multi-response and a codes question
SH <- read_back("shopper")
old <- options(survey.lonely.psu = "adjust")
d_sh <- taylor(SH, psu = "panel", strata = "region", weight = "wt")
run_wilson("shopper_wilson_adjust", SH, d_sh, SH$num$wt,
           list(q_var(SH, "would_switch"),
                q_multi(SH, "pref", c("pref_email", "pref_form", "pref_phone")),
                q_codes(SH, "prob", "problems")),
           seg_list(s_by(SH, "wave"), s_eq(SH, "heavy", "spend", "3")), 0.95,
           c("--weight", "wt", "--strata", "region", "--psu", "panel", "--lonely-psu", "adjust"))
options(old)

## Replicate weights: JK1 on apiclus1 (svymean on svrepdesign; degf of the subset)
R1 <- read_back("rep_apiclus1")
jk <- names(R1$num)[grepl("^jk[0-9]+$", names(R1$num))]
jk <- jk[order(as.numeric(sub("jk", "", jk)))]
d_r1 <- svrepdesign(data = R1$num, weights = ~pw, repweights = R1$num[, jk], type = "JK1",
                    combined.weights = TRUE)
run_wilson("rep_apiclus1_jk1_wilson_90", R1, d_r1, R1$num$pw,
           list(q_var(R1, "awards"), q_var(R1, "both")), seg_list(s_by(R1, "stype")), 0.90,
           c("--weight", "pw", "--repweights", "jk", "--reptype", "jk1"))

writeLines(cases, file.path(outdir, "cases.txt"))
cat(sprintf("rows at p = 0 or 1 (Clopper-Pearson): %d\n", CP))
cat(sprintf("largest relative gap to the Korn-Graubard variant (z, n (t_{rows-1}/t_df)^2): %.3g\n", KG))
