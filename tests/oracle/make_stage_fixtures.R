# Multi-stage designs as shopstat reads them (docs/methods.md, "Multi-stage designs: the first
# stage only"): R's full multi-stage design, svydesign(ids = ~psu + ssu, ...), against the
# one-stage flags methods.md says give its numbers.
# - apiclus2_two_stage_nofpc: apiclus2 (districts, then schools) without an fpc. R then takes
#   the first stage alone, so `--psu dnum` is R's two-stage design exactly.
# - cert_psu_as_stratum: a PSU taken with certainty (a stratum of one PSU, N_h = 1) whose
#   second-stage units were sampled, 10 of 40, beside a stratum of 8 of 80 PSUs each taken
#   whole at the second stage (fpc2 = its units: no second-stage variance). R's two-stage
#   design adds the certainty PSU's within-PSU variance; shopstat gets it by giving that PSU
#   its own stratum whose PSUs are its second-stage units, with their fpc (unit, fpc_unit).
#   The fixture is R's one-stage design on those flags, and the script stops unless its p and
#   SE are the two-stage design's (to 1e-12); its df counts the certainty PSU's units (16,
#   where the two-stage design's degf counts first-stage PSUs: 7), so its intervals are not
#   the two-stage design's. With `--psu psu --fpc fpc1` the certainty PSU contributes 0
#   (printed below, not a case).
# Run from the repository root:
#   Rscript tests/oracle/make_stage_fixtures.R
# It writes tests/oracle/stage/: cert_psu.csv (the made rows), NAME.csv (tab's csv columns,
# %.17g; intervals R's svyciprop on the two-stage design) and cases.txt (NAME|ARGS, run from
# tests/oracle by run.sh). Deterministic (set.seed); R 4.x, survey 4.1.1.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "stage")
dir.create(outdir, showWarnings = FALSE)

r_method <- c(logit = "logit", wald = "mean", asin = "asin", beta = "beta", xlogit = "xlogit")

cases <- c("# Oracle cases of make_stage_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
# One case: tab's rows for the questions qs over 'all' and segs on R's design des (weights w);
# same: a design whose p and SE must be des's.
run_stage <- function(case, dat, des, w, qs, segs, ci, flags, sflags, same = NULL) {
    rows <- NULL
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))), segs)
    for (q in qs) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        sub <- des[d, ]
        m <- svymean(~yy, sub, deff = "replace")
        p <- coef(m)[[1]]; V <- vcov(m)[1, 1]
        stopifnot(p > 0, p < 1, V > 0)
        if (!is.null(same)) {
            same$variables$yy <- y
            m2 <- svymean(~yy, same[d, ])
            stopifnot(abs(coef(m2)[[1]] - p) <= 1e-12, abs(SE(m2)[[1]] - sqrt(V)) <= 1e-12 * sqrt(V))
        }
        lim <- as.vector(attr(svyciprop(~yy, sub, method = r_method[[ci]]), "ci"))
        W <- sum(w * d)
        rows <- rbind(rows, data.frame(
            variable = q$name, level = l, segment = s$name, base_n = fmt_int(sum(d)),
            base_weight = fmt17(W), count = fmt_int(sum(d & y == 1)), proportion = fmt17(p),
            se = fmt17(sqrt(V)), ci_lower = fmt17(lim[1]), ci_upper = fmt17(lim[2]),
            df = fmt_int(degf(sub)), deff = fmt17(deff(m)[[1]]),
            eff_base = fmt17(W^2 / sum(w^2 * d)), stringsAsFactors = FALSE))
    }
    write_csv(rows, file.path(outdir, paste0(case, ".csv")))
    args <- c("tab", dat$path, flags, unlist(lapply(qs, `[[`, "flags")), sflags, "--ci", ci)
    cases <<- c(cases, paste0(case, "|", paste(args, collapse = " ")))
}

## apiclus2 without an fpc: the two-stage design is the first stage's
C2 <- read_data(file.path(root, "data", "apiclus2.csv")); C2$path <- "data/apiclus2.csv"
d_c2 <- svydesign(ids = ~dnum + snum, weights = ~pw, data = C2$num)
by_st <- s_by(C2, "stype")
run_stage("apiclus2_two_stage_nofpc", C2, d_c2, C2$num$pw,
          list(q_var(C2, "both"), q_var(C2, "comp_imp")), by_st, "logit",
          c("--weight", "pw", "--psu", "dnum"), attr(by_st, "flags"))

## a certainty PSU with a sampled second stage
set.seed(20261203)
cert <- data.frame(st = "cert", psu = "C", ssu = rep(sprintf("C%02d", 1:10), each = 3),
                   fpc1 = 1, fpc2 = 40)
rest <- data.frame(st = "rest", psu = rep(sprintf("P%d", 1:8), each = 6),
                   ssu = sprintf("P%d.%d", rep(1:8, each = 6), rep(rep(1:2, each = 3), 8)),
                   fpc1 = 80, fpc2 = 2)
cp <- rbind(cert, rest)
# the certainty PSU's units differ (the within-PSU variance to find), the rest less so
pr <- ifelse(cp$st == "cert", c(0.15, 0.85)[1 + (as.integer(factor(cp$ssu)) %% 2)], 0.5)
cp$ans <- ifelse(runif(nrow(cp)) < pr, "yes", "no")
cp$grp <- ifelse(runif(nrow(cp)) < 0.5, "a", "b")
d_full <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~fpc1 + fpc2, data = cp)
cp$w <- weights(d_full)
cp$unit <- ifelse(cp$st == "cert", cp$ssu, cp$psu)
cp$fpc_unit <- ifelse(cp$st == "cert", cp$fpc2, cp$fpc1)
path <- file.path(outdir, "cert_psu.csv")
write.csv(cp[, c("st", "psu", "ssu", "unit", "fpc1", "fpc2", "fpc_unit", "w", "ans", "grp")],
          path, row.names = FALSE)
CP <- read_data(path); CP$path <- "stage/cert_psu.csv"
# (R's design on the file as written, its weights read back)
d_cp <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~fpc1 + fpc2, data = CP$num)
stopifnot(isTRUE(all.equal(unname(weights(d_cp)), CP$num$w)))
by_g <- s_by(CP, "grp")
d_unit <- svydesign(ids = ~unit, strata = ~st, fpc = ~fpc_unit, weights = ~w, data = CP$num)
run_stage("cert_psu_as_stratum", CP, d_unit, CP$num$w, list(q_var(CP, "ans")), by_g, "logit",
          c("--weight", "w", "--strata", "st", "--psu", "unit", "--fpc", "fpc_unit"),
          attr(by_g, "flags"), same = d_cp)
one <- svydesign(ids = ~psu, strata = ~st, fpc = ~fpc1, weights = ~w, data = CP$num)
cat(sprintf("cert_psu: SE of ans=yes, two-stage %.6g, as a stratum of its units %.6g, first stage only %.6g; df %d and %d\n",
            SE(svymean(~I(ans == "yes"), d_cp))[[2]],
            SE(svymean(~I(ans == "yes"), d_unit))[[2]],
            SE(svymean(~I(ans == "yes"), one))[[2]], degf(d_cp), degf(d_unit)))

writeLines(cases, file.path(outdir, "cases.txt"))
