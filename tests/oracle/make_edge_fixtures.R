# tab's intervals where R's svyciprop has no usable answer and docs/methods.md says what
# shopstat gives instead, each computed here from R's own svymean (p, V, deff "replace") and
# degf of the domain's subset by methods.md's rule, and R's answer printed beside it:
# - p = 0 or 1 (V = 0): the Clopper-Pearson interval on n = eff_base (Kish), whatever the
#   method; R gives NaN, [0, 0] or an error. apiclus1's yr_rnd by stype (no "Yes" among H
#   and M) under logit, wald, asin, beta and likelihood; the other rows are R's svyciprop
#   (likelihood: the exact root of methods.md's equation, where R's spline is good to 1e-4
#   and R's own equation, helpers.R's exact_likelihood, to 1e-5: likelihood_eq below).
# - V = 0 with 0 < p < 1 (a segment inside strata sampled whole, nhanes' fpc_psu): [p, p],
#   the limit of every interval as V goes to 0, for beta (R: [0.5, 0.5], n* infinite),
#   likelihood (R stops) and wilson (survey 4.1.1 has none); make_fixtures.R's
#   nhanes_whole_strata_* cover logit, asin and wald, where R agrees.
# - asin whose angle leaves [0, pi/2]: methods.md clips it (limits 0 and 1), where R takes
#   sin^2 of the angle unclipped and so reflects a negative angle into a spurious positive
#   lower bound. 12 rows typed in here (3 PSUs, df 2, a share of 1/12 and its complement).
# Run from the repository root:
#   Rscript tests/oracle/make_edge_fixtures.R
# It writes tests/oracle/edge/: clip_rows.csv (the typed rows), NAME.csv (shopstat's csv
# columns, %.17g) and cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic;
# R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "edge")
dir.create(outdir, showWarnings = FALSE)

r_method <- c(logit = "logit", wald = "mean", asin = "asin", beta = "beta",
              likelihood = "likelihood", xlogit = "xlogit")

# methods.md at p = 0 or 1: Clopper-Pearson on n = eff_base
clopper_pearson <- function(p, n, level) {
    a <- 1 - level; x <- p * n
    c(if (x <= 0) 0 else qbeta(a / 2, x, n - x + 1), if (x >= n) 1 else qbeta(1 - a / 2, x + 1, n - x))
}
# methods.md's asin, the angle clipped to [0, pi/2]
asin_clipped <- function(p, se, dfree, level) {
    h <- qt(1 - (1 - level) / 2, dfree) * se / (2 * sqrt(p * (1 - p)))
    sin(pmin(pmax(asin(sqrt(p)) + c(-1, 1) * h, 0), pi / 2))^2
}
# methods.md's likelihood limits: the roots mu of p log(p/mu) + q log(q/(1-mu)) = phi t^2 V /
# (2 p q), phi = n'/(n'-1) (n' rows of positive weight). helpers.R's exact_likelihood solves R's
# own equation, whose svyglm terms hold IRLS's round-off (its naive.cov is 1/(n p q) to 1e-4
# on apiclus1): the two agree to about 1e-5, R's spline to about 1e-4 (printed).
likelihood_eq <- function(p, V, dfree, npos, level) {
    q <- 1 - p
    rhs <- npos / (npos - 1) * qt(1 - (1 - level) / 2, dfree)^2 * V / (2 * p * q)
    f <- function(mu) p * log(p / mu) + q * log(q / (1 - mu)) - rhs
    c(uniroot(f, c(1e-300, p), tol = 1e-15)$root, uniroot(f, c(p, 1 - 1e-16), tol = 1e-15)$root)
}
wilson <- function(p, V, dfree, level) {
    n <- p * (1 - p) / V; t <- qt(1 - (1 - level) / 2, dfree)
    (p + t^2 / (2 * n) + c(-1, 1) * t * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))) / (1 + t^2 / n)
}

cases <- c("# Oracle cases of make_edge_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
NOTE <- character(); LIK <- character()
# One case: tab's rows for question q (helpers.R's q_var) over 'all' and segs, interval
# method ci at level; expect(p, V, dfree, eb, sub) gives the limits where R's is not used.
run_edge <- function(case, dat, des, w, q, segs, ci, level, flags, sflags) {
    rows <- NULL
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))), segs)
    for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        sub <- des[d, ]
        m <- svymean(~yy, sub, deff = "replace")
        p <- coef(m)[[1]]; V <- vcov(m)[1, 1]
        dfree <- degf(sub); stopifnot(dfree > 0)
        W <- sum(w * d); eb <- W^2 / sum(w^2 * d)
        r_ci <- if (ci == "wilson") "survey 4.1.1 has no wilson" else
            tryCatch(as.vector(attr(suppressWarnings(
                svyciprop(~yy, sub, method = r_method[[ci]], level = level)), "ci")),
                error = function(e) conditionMessage(e))
        r_txt <- if (is.character(r_ci)) r_ci else
            paste(format(r_ci, digits = 7), collapse = " ")
        if (p <= 0 || p >= 1) {
            stopifnot(V == 0)
            lim <- clopper_pearson(p, eb, level)
            how <- "Clopper-Pearson on eff_base"
        } else if (V == 0) {
            lim <- c(p, p)
            how <- "[p, p]"
        } else if (ci == "asin") {
            lim <- asin_clipped(p, sqrt(V), dfree, level)
            how <- "asin, angle clipped"
        } else if (ci == "wilson") {
            lim <- wilson(p, V, dfree, level)
            how <- "wilson"
        } else if (ci == "likelihood") {
            lim <- likelihood_eq(p, V, dfree, sum(d & w > 0), level)
            how <- sprintf("exact root (R's spline off by %.2g, the root of R's own equation by %.2g)",
                           max(abs(r_ci - lim) / lim),
                           max(abs(exact_likelihood(sub, level) - lim) / lim))
            LIK <<- c(LIK, how)
        } else {
            lim <- r_ci
            how <- "R's svyciprop"
        }
        if (how != "R's svyciprop" && !grepl("^exact", how) &&
            !(is.numeric(r_ci) && isTRUE(all(abs(r_ci - lim) <= 1e-9 * abs(lim)))))
            NOTE <<- c(NOTE, sprintf("%s %s/%s: p %.6g SE %.3g: %s [%.6g, %.6g]; R %s", case, l,
                                     s$name, p, sqrt(V), how, lim[1], lim[2], r_txt))
        rows <- rbind(rows, data.frame(
            variable = q$name, level = l, segment = s$name, base_n = fmt_int(sum(d)),
            base_weight = fmt17(W), count = fmt_int(sum(d & y == 1)), proportion = fmt17(p),
            se = fmt17(sqrt(V)), ci_lower = fmt17(lim[1]), ci_upper = fmt17(lim[2]),
            df = fmt_int(dfree), deff = fmt17(deff(m)[[1]]), eff_base = fmt17(eb),
            stringsAsFactors = FALSE))
    }
    write_csv(rows, file.path(outdir, paste0(case, ".csv")))
    args <- c("tab", dat$path, flags, q$flags, sflags, "--ci", ci,
              if (level != 0.95) c("--level", format(level)))
    cases <<- c(cases, paste0(case, "|", paste(args, collapse = " ")))
}

## p = 0 or 1: apiclus1's yr_rnd by stype
C1 <- read_data(file.path(root, "data", "apiclus1.csv")); C1$path <- "data/apiclus1.csv"
d_c1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = C1$num)
c1_flags <- c("--weight", "pw", "--psu", "dnum", "--fpc", "fpc")
by_st <- s_by(C1, "stype")
for (m in list(c("logit", 0.95), c("wald", 0.90), c("asin", 0.95), c("beta", 0.99),
               c("likelihood", 0.95)))
    run_edge(paste0("apiclus1_p01_", m[1],
                    if (m[2] != "0.95") sprintf("_%02.0f", 100 * as.numeric(m[2]))),
             C1, d_c1, C1$num$pw, q_var(C1, "yr_rnd"), by_st, m[1], as.numeric(m[2]),
             c1_flags, attr(by_st, "flags"))

## V = 0 with 0 < p < 1: a segment inside nhanes' strata 75 and 80, sampled whole
NH <- read_data(file.path(root, "data", "nhanes.csv")); NH$path <- "data/nhanes.csv"
d_nh <- svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, fpc = ~fpc_psu,
                  data = NH$num, nest = TRUE)
whole <- s_eq(NH, "whole", "SDMVSTRA", c("75", "80"))
for (ci in c("beta", "likelihood", "wilson"))
    run_edge(paste0("nhanes_whole_strata_", ci), NH, d_nh, NH$num$WTMEC2YR,
             q_var(NH, "HI_CHOL"), whole, ci, 0.95,
             c("--weight", "WTMEC2YR", "--strata", "SDMVSTRA", "--psu", "SDMVPSU",
               "--fpc", "fpc_psu"), attr(whole, "flags"))

## asin clipped: 12 rows in 3 PSUs, one "yes" in PSU 1 (df 2)
clip <- data.frame(id = 1:12, psu = rep(1:3, each = 4),
                   w = c(1, 1.5, 2, 0.5, 1.2, 0.8, 1, 1, 2, 1.1, 0.9, 1),
                   ans = c("yes", rep("no", 11)))
path <- file.path(outdir, "clip_rows.csv")
write.csv(clip, path, row.names = FALSE)
CL <- read_data(path); CL$path <- "edge/clip_rows.csv"
d_cl <- svydesign(ids = ~psu, weights = ~w, data = CL$num)
run_edge("asin_clip", CL, d_cl, CL$num$w, q_var(CL, "ans"), list(), "asin", 0.95,
         c("--weight", "w", "--psu", "psu"), character())

writeLines(cases, file.path(outdir, "cases.txt"))
writeLines(NOTE)
writeLines(LIK)
