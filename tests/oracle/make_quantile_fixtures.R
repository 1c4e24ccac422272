# `score --score Q:median` / `Q:pN` against R's svyquantile (survey 4.1.1) with its defaults:
# qrule = "math", interval.type = "mean" (Woodruff: svymean(x <= qhat) on the domain's design,
# confint on df = degf(design), both ends mapped back through qrule_math; an end below 0 or
# above 1 is NaN), alpha = 1 - level; se is R's SE() of the result (the interval's width over
# 2 qt(1 - alpha/2, df)). A segment is R's subset design of its rows that answered
# (des[segment & !is.na(x), ]), as for every score; base_n, base_weight and eff_base are the
# base's rows, weights and Kish size, df degf of that subset, deff empty (svyquantile gives
# none).
# Cases:
#   - shopper_spend.csv (made here, seeded): data/shopper.csv's stratified cluster design
#     (strata region, PSUs panel, weights wt, 7 rows of weight 0, region W a stratum of one
#     PSU) with three number columns drawn by set.seed: spend_usd (cents, 5% blank, a few
#     -99 "refused" codes declared --missing spend_usd:-99), reply_hours (whole hours: ties
#     at every quantile), fee (one value in every row: all values equal);
#     segments all, the waves (--by), two overlapping fixed segments, region W (the lonely
#     PSU's 43 rows), flag x (71 rows) and one row; median, p25, p90; p0 and p100; the
#     lonely PSU under adjust and certainty; a 90% level;
#   - apistrat (stratified, fpc) and apiclus1 (one-stage cluster, fpc): api00 by stype;
#     apiclus1 post-stratified on stype (calib/pop_stype.csv);
#   - replicate designs: bootstrap (rep_apistrat) and JK1 (rep_apiclus1), whose
#     svyquantile.svyrep.design default is also interval.type "mean" (woodruffCI on the
#     replicate svymean), df degf of the subset.
# Run from the repository root:
#   Rscript tests/oracle/make_quantile_fixtures.R
# It writes tests/oracle/quantile/shopper_spend.csv, NAME.csv (shopstat's score csv
# columns, %.17g) and cases.txt (NAME|ARGS, run from tests/oracle by run.sh). A seeded run
# reproduces the committed files byte for byte. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "quantile")
dir.create(outdir, showWarnings = FALSE)

## The generated export: data/shopper.csv with three number columns
sh <- read.csv(file.path(root, "data", "shopper.csv"), colClasses = "character",
               na.strings = "", check.names = FALSE)
set.seed(20261204)
n <- nrow(sh)
spend <- round(exp(rnorm(n, 3.4, 0.7)) + 2 * as.numeric(sh$spend), 2)
spend[sample.int(n, 29)] <- NA
spend[sample(which(!is.na(spend)), 6)] <- -99
hours <- pmin(round(rexp(n, 1 / 14)), 120)
hours[sample.int(n, 12)] <- NA
sh$spend_usd <- ifelse(is.na(spend), NA, ifelse(spend == -99, "-99", sprintf("%.2f", spend)))
sh$reply_hours <- ifelse(is.na(hours), NA, sprintf("%d", hours))
sh$fee <- ifelse(seq_len(n) %% 17 == 0, NA, "4.99")
write_csv(sh, file.path(outdir, "shopper_spend.csv"))

read_back <- function(path) {
    list(path = path,
         txt = read.csv(file.path(root, path), colClasses = "character", na.strings = "",
                        check.names = FALSE),
         num = read.csv(file.path(root, path), na.strings = "", check.names = FALSE,
                        stringsAsFactors = FALSE))
}

cases <- c("# Oracle cases of make_quantile_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
# One case: score's rows (score > segment, 'all' first) of number column col of design
# des, quantiles probs (named by their score names), segments segs (helpers.R's s_by,
# s_eq, seg_list order), missing codes miss (NA in R), at level.
run_quantile <- function(case, dat, des, w, col, probs, segs, level, flags, miss = NULL,
                         base = NULL) {
    x <- dat$num[[col]]
    if (!is.null(miss)) x[x %in% miss] <- NA
    answered <- !is.na(x) & (if (is.null(base)) TRUE else base)
    sflags <- unlist(attr(segs, "flagsets"))
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))), segs)
    rows <- NULL
    for (k in seq_along(probs)) for (s in segs) {
        d <- s$rows & answered
        W <- sum(w * d)
        row <- data.frame(variable = col, score = names(probs)[k], segment = s$name,
                          base_n = fmt_int(sum(d)), base_weight = fmt17(W), estimate = "",
                          se = "", ci_lower = "", ci_upper = "", df = "", deff = "",
                          eff_base = fmt17(if (W > 0) W^2 / sum(w^2 * d) else NA),
                          stringsAsFactors = FALSE)
        if (W > 0) {
            xx <- x; xx[!d] <- 0   # (rows outside weigh 0 in the subset: qrule drops them)
            des$variables$xx <- xx
            sub <- des[d, ]
            q <- suppressWarnings(svyquantile(~xx, sub, probs[[k]], alpha = 1 - level))
            r <- q$xx
            row$estimate <- fmt17(r[1, 1])
            row$ci_lower <- fmt17(r[1, 2])
            row$ci_upper <- fmt17(r[1, 3])
            row$se <- fmt17(SE(q)[[1]])
            row$df <- fmt_int(degf(sub))
        }
        rows <- rbind(rows, row)
    }
    write_csv(rows, file.path(outdir, paste0(case, ".csv")))
    qflags <- unlist(lapply(names(probs), function(p) c("--score", paste0(col, ":", p))))
    args <- c("score", dat$path, flags, qflags, sflags,
              if (level != 0.95) c("--level", format(level)))
    cases <<- c(cases, paste0(case, "|", paste(args, collapse = " ")))
}
Q3 <- c(median = 0.5, p25 = 0.25, p90 = 0.9)

## The generated export: stratified cluster design, lonely PSU (region W)
SP <- read_back("quantile/shopper_spend.csv")
sp_flags <- c("--weight", "wt", "--strata", "region", "--psu", "panel")
segs_sp <- seg_list(s_by(SP, "wave"), s_eq(SP, "ns", "region", c("N", "S")),
                    s_eq(SP, "heavy", "spend", "3"), s_eq(SP, "west", "region", "W"),
                    s_eq(SP, "flagged", "flag", "x"), s_eq(SP, "one", "id", "5"))
old <- options(survey.lonely.psu = "adjust")
d_sp <- taylor(SP, psu = "panel", strata = "region", weight = "wt")
run_quantile("shopper_spend_adjust", SP, d_sp, SP$num$wt, "spend_usd", Q3, segs_sp, 0.95,
             c(sp_flags, "--lonely-psu", "adjust", "--missing", "spend_usd:-99"), miss = -99)
# whole hours: ties at the quantiles; the ends p0 and p100
run_quantile("shopper_hours_ties", SP, d_sp, SP$num$wt, "reply_hours",
             c(median = 0.5, p90 = 0.9, p0 = 0, p100 = 1), segs_sp, 0.95,
             c(sp_flags, "--lonely-psu", "adjust"))
# every value the same (4.99): the interval is [4.99, 4.99], SE 0
run_quantile("shopper_fee_equal", SP, d_sp, SP$num$wt, "fee", c(median = 0.5, p90 = 0.9),
             seg_list(s_by(SP, "wave")), 0.95, c(sp_flags, "--lonely-psu", "adjust"))
# a --base (the rows that would switch: R's subset of the base, then of the segment)
run_quantile("shopper_spend_base", SP, d_sp, SP$num$wt, "spend_usd", c(median = 0.5, p90 = 0.9),
             seg_list(s_by(SP, "wave"), s_eq(SP, "heavy", "spend", "3")), 0.95,
             c(sp_flags, "--lonely-psu", "adjust", "--missing", "spend_usd:-99", "--base",
               "would_switch:1"), miss = -99, base = SP$txt$would_switch %in% "1")
options(survey.lonely.psu = "certainty")
run_quantile("shopper_spend_certainty_90", SP, d_sp, SP$num$wt, "spend_usd",
             c(median = 0.5, p10 = 0.1, p0 = 0), seg_list(s_by(SP, "wave"), s_eq(SP, "west", "region", "W")),
             0.90, c(sp_flags, "--lonely-psu", "certainty", "--missing", "spend_usd:-99"),
             miss = -99)
options(old)

## api: stratified element design with an fpc; one-stage cluster design with an fpc
AS <- read_back("data/apistrat.csv")
run_quantile("apistrat_api00", AS, taylor(AS, strata = "stype", weight = "pw", fpc = "fpc"),
             AS$num$pw, "api00", Q3, seg_list(s_by(AS, "stype")), 0.95,
             c("--weight", "pw", "--strata", "stype", "--fpc", "fpc"))
C1 <- read_back("data/apiclus1.csv")
run_quantile("apiclus1_api00_90", C1, taylor(C1, psu = "dnum", weight = "pw", fpc = "fpc"),
             C1$num$pw, "api00", c(median = 0.5, p2.5 = 0.025), seg_list(s_by(C1, "stype")),
             0.90, c("--weight", "pw", "--psu", "dnum", "--fpc", "fpc"))

## Post-stratified (R's postStratify: the quantile on the calibrated weights, F's variance
## the post-stratified design's)
pop_stype <- read.csv(file.path(root, "calib", "pop_stype.csv"))
d_ps <- postStratify(taylor(C1, psu = "dnum", weight = "pw", fpc = "fpc"), ~stype, pop_stype)
run_quantile("ps_apiclus1_api00", C1, d_ps, weights(d_ps), "api00", c(median = 0.5, p90 = 0.9),
             seg_list(s_by(C1, "stype")), 0.95,
             c("--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--poststratify", "stype",
               "--population", "calib/pop_stype.csv"))

## Replicate designs (svyquantile.svyrep.design: interval.type "mean" too)
rep_cols <- function(df, prefix) {
    nm <- names(df)[grepl(paste0("^", prefix, "[0-9]+$"), names(df))]
    nm[order(as.numeric(sub(prefix, "", nm)))]
}
RA <- read_back("data/rep_apistrat.csv")
d_boot <- svrepdesign(data = RA$num, weights = ~pw, repweights = RA$num[, rep_cols(RA$num, "bs")],
                      type = "bootstrap", combined.weights = TRUE)
run_quantile("rep_apistrat_boot_api00", RA, d_boot, RA$num$pw, "api00", Q3,
             seg_list(s_by(RA, "stype")), 0.95,
             c("--weight", "pw", "--repweights", "bs", "--reptype", "bootstrap"))
R1 <- read_back("data/rep_apiclus1.csv")
d_jk1 <- svrepdesign(data = R1$num, weights = ~pw, repweights = R1$num[, rep_cols(R1$num, "jk")],
                     type = "JK1", combined.weights = TRUE)
run_quantile("rep_apiclus1_jk1_api00", R1, d_jk1, R1$num$pw, "api00", c(median = 0.5, p90 = 0.9),
             seg_list(s_by(R1, "stype")), 0.95,
             c("--weight", "pw", "--repweights", "jk", "--reptype", "jk1"))

writeLines(cases, file.path(outdir, "cases.txt"))
