# The df of a domain of a replicate design is R's degf(): qr(replicate weights of the
# domain's rows, tol = 1e-5)$rank - 1. shopstat takes that rank from the domain's X'X (it
# keeps no rows), by a pivoted Cholesky that stands in for R's Householder QR; in double
# precision the squared residuals of the normal equations lost enough digits here to accept a
# column whose residual is round-off (2.7e-10 of its norm squared, above the 1e-10 test), so
# g = 1's 16 answering rows got rank 17 and df 16 where R's is 15. Found by the randomized
# audit, seed 158 (tests/oracle/audit/README.md).
#
# rep_rank/rep_rank.csv is that seed's replicate file as the audit wrote it (ext2's bootstrap
# design, 30 replicates; columns id, g, n10, rw, rr1..rr30, to 17 digits: the failure depends
# on them), not drawn here. This script checks R's rank and that the double-precision
# Cholesky on crossprod() does accept the extra column (so that the case keeps testing what it
# was made for), then writes score's expected rows (svymean on subset(), confint on degf(),
# as tests/oracle/audit/audit.R's score_expect) to rep_rank/NAME.csv and rep_rank/cases.txt.
# rep_rank_score leaves out n10's 99 row with --exclude (R: the row dropped before
# svrepdesign, the same numbers as subset() here). rep_rank_missing reads it with
# --missing n10:99: the row, read, reorders the additions to X'X, and X'X summed in double
# carried a rounding that, divided by the small pivot, accepted the 17th column even with
# the factor in long double (2.2e-10 of its norm squared): df 16 until X'X was summed in
# double-double and ranked in double-double when the double factor cannot decide
# (docs/methods.md, replicate df). R's numbers are the same for both cases (a missing
# answer leaves the row out of the score's domain, as subset() does).
# Run from the repository root:  Rscript tests/oracle/make_rep_rank_fixtures.R
# Deterministic; R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "rep_rank")
dat <- read.csv(file.path(outdir, "rep_rank.csv"), stringsAsFactors = FALSE)
rr <- paste0("rr", 1:30)

# the answering rows of g = 1 (n10's 99 is a missing code): R's rank 16 at any tolerance
# from 1e-3 to 1e-9
g1 <- dat$g == 1 & dat$n10 != 99
X <- as.matrix(dat[g1, rr])
stopifnot(sum(g1) == 16, all(vapply(10^-(3:9), function(t) qr(X, tol = t)$rank, 0) == 16))
# the left-looking Cholesky of engine/replicate.c's rep_gram_rank, in double
gram_rank <- function(G, tol) {
    R <- ncol(G); L <- matrix(0, R, R); acc <- integer(); k <- 0
    for (j in 1:R) {
        r <- G[j, j]
        for (a in seq_len(k)) {
            i <- acc[a]; s <- G[i, j]
            if (a > 1) for (b in 1:(a - 1)) s <- s - L[j, b] * L[i, b]
            l <- s / L[i, a]; L[j, a] <- l; r <- r - l * l
        }
        nrm <- if (G[j, j] > 0) G[j, j] else 1
        if (r > 0 && r >= tol * tol * nrm) { k <- k + 1; L[j, k] <- sqrt(r); acc[k] <- j }
    }
    k
}
stopifnot(gram_rank(crossprod(X), 1e-5) == 17)

des <- svrepdesign(data = dat, weights = ~rw, repweights = "rr[0-9]+", type = "bootstrap",
                   combined.weights = TRUE)
segs <- list(list(name = "all", rows = rep(TRUE, nrow(dat))), list(name = "g1", rows = dat$g == 1))
s <- ifelse(dat$n10 == 99, NA, dat$n10)
des$variables$s_ <- s
out <- NULL
for (sg in segs) {
    keep <- sg$rows & !is.na(s)
    sub <- des[keep, ]
    m <- svymean(~s_, sub, deff = "replace")
    df <- degf(sub)
    ci <- confint(m, df = df)
    W <- sum(dat$rw[keep])
    out <- rbind(out, data.frame(
        variable = "n10", score = "mean", segment = sg$name, base_n = sum(keep),
        base_weight = fmt17(W), estimate = fmt17(coef(m)[[1]]), se = fmt17(SE(m)[[1]]),
        ci_lower = fmt17(ci[1, 1]), ci_upper = fmt17(ci[1, 2]), df = df,
        deff = fmt17(deff(m)[[1]]), eff_base = fmt17(W^2 / sum(dat$rw[keep]^2)),
        stringsAsFactors = FALSE))
}
stopifnot(out$df[out$segment == "g1"] == 15)
write.csv(out, file.path(outdir, "rep_rank_score.csv"), row.names = FALSE, quote = FALSE)
write.csv(out, file.path(outdir, "rep_rank_missing.csv"), row.names = FALSE, quote = FALSE)
writeLines(c("# Oracle cases of make_rep_rank_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             paste("rep_rank_score|score rep_rank/rep_rank.csv --weight rw --repweights rr",
                   "--reptype bootstrap --exclude n10:99 --score n10:mean --segment g1=g:1"),
             paste("rep_rank_missing|score rep_rank/rep_rank.csv --weight rw --repweights rr",
                   "--reptype bootstrap --missing n10:99 --score n10:mean --segment g1=g:1")),
           file.path(outdir, "cases.txt"))
print(out[, c("segment", "base_n", "estimate", "se", "df")])
