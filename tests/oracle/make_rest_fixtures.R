# compare A:rest where the rest weighs some 1e-8 of A within the same PSUs, as R's survey
# package gives it: the rows (stratum D of the randomized audit's seed s37, typed in here, no
# random draws) hold weights from 1.6e-6 to 3.9e5, and segment pure's rows outweigh the rest
# (--base sp:No less pure) 1.8e8 to 1. shopstat takes a rest's per-PSU sums as all's less the
# segment's, whose round-off (1e-16 of all's) is then of the rest's own size; at level a every
# rest row answers a (p = 1), so the rest's scores are 0 and R's SE is pure's alone, 3.38e-8,
# where shopstat gave 4.67e-8 (t -0.36 for R's -0.50) until a side at p = 0 or 1 stopped
# adding terms (engine/compare.c). R's svycontrast of svytotal itself cancels on these
# weights (its covariance of totals: tests/oracle/audit/README.md, ext4), so the SE written
# here is svytotal of the rows' linearised scores z = a (y - p_a) / W_a - b (y - p_b) / W_b on
# subset(design, base), svycontrast's delta method row by row; the script prints both. Run
# from the repository root:
#   Rscript tests/oracle/make_rest_fixtures.R
# It writes tests/oracle/rest/: tiny_rest.csv, NAME.csv (shopstat's csv columns, %.17g) and
# cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic; R 4.x, survey
# 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "rest")
dir.create(outdir, showWarnings = FALSE)

df <- data.frame(id = 8:15, st = "D", psu = c(1, 1, 1, 1, 2, 2, 2, 2),
                 w = c("1.56323e-06", "7.15379e-06", "0.000245496", "0.00654948", "388043",
                       "0.00219024", "54.9129", "7.58302e-05"),
                 q = c("b", "a", NA, "c", "a", "a", "b", "a"),
                 q2 = c("yes", "yes", "no", "yes", "yes", "no", "no", "yes"),
                 sp = c("No", "No", "No", "No", "No", "No", "Yes", "No"))
path <- file.path(outdir, "tiny_rest.csv")
write.csv(df, path, row.names = FALSE, na = "")
dat <- read.csv(path, stringsAsFactors = FALSE, na.strings = "")
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = dat, nest = TRUE)
w <- dat$w
inbase <- dat$sp == "No"
answered <- !is.na(dat$q)
pure <- dat$q2 == "yes"
stopifnot(sum(w[pure & inbase]) / sum(w[!pure & inbase]) > 1e8)
dfree <- degf(des[inbase, ])
level <- 0.99
tq <- qt(1 - (1 - level) / 2, dfree)
rows <- NULL
for (l in sort_levels(dat$q)) {
    y <- as.numeric(answered & dat$q == l)
    a <- as.numeric(pure & answered); b <- as.numeric(!pure & answered)
    r <- contrast_sides(des, y, a, b, rows = inbase)
    Wa <- sum(w * a * inbase); Wb <- sum(w * b * inbase)
    pa <- sum(w * a * y * inbase) / Wa; pb <- sum(w * b * y * inbase) / Wb
    des$variables$z_ <- a * (y - pa) / Wa - b * (y - pb) / Wb
    vlin <- as.numeric(vcov(svytotal(~z_, des[inbase, ])))
    cat(sprintf("q %s: p_a %.17g p_b %.17g  SE svycontrast %.10g, linearised %.10g\n", l, pa, pb,
                r$se, sqrt(vlin)))
    r$a <- pa; r$b <- pb; r$diff <- pa - pb; r$se <- sqrt(vlin)
    rows <- rbind(rows, compare_row("q", l, c("pure", "rest"), r, dfree, tq))
}
q <- list(flags = c("--var", "q"))
rows$p_adjusted <- family_adjust(q, rows$p_value, rows$difference, "holm")
write_csv(fmt_compare(rows), file.path(outdir, "tiny_rest_cmp.csv"))

# A share of levels (a Likert chart's side total, compare --score Q:1-3=0,4-5=1, the report's
# shopstat_compare_level_set) has the same rest: the rows above with q a 1-5 rating (a -> 5,
# b -> 2, c -> 3) and row 10 answering 4, so the rest (rows 10 and 13, weights 2.5e-4 and
# 2.2e-3 in two PSUs) is at 4 and 5: its top-2 box is 1 and its bottom-2 box 0 while pure's
# are within 2e-8 of 1 and 4e-12 of 0. The rest's rows hold two levels scored alike, so its
# scores are all 0 (SE: the linearised scores as above). This path met R before the s37 fix
# too: a side at one score takes m as that score exactly, so its terms (s_k - m) / W are 0 on
# the levels it holds, and its other levels' cells (all's less the segment's, the same rows)
# are 0 exactly; the fixture keeps it so.
lik <- dat
lik$q <- c(a = 5, b = 2, c = 3)[lik$q]
lik$q[lik$id == 10] <- 4
write.csv(lik, file.path(outdir, "tiny_rest_likert.csv"), row.names = FALSE, na = "")
lik <- read.csv(file.path(outdir, "tiny_rest_likert.csv"), stringsAsFactors = FALSE)
ldes <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = lik, nest = TRUE)
lans <- !is.na(lik$q)
lrows <- NULL
for (box in list(c("top2", 4, 5), c("bottom2", 1, 2))) {
    y <- as.numeric(lans & lik$q >= as.numeric(box[2]) & lik$q <= as.numeric(box[3]))
    a <- as.numeric(pure & lans); b <- as.numeric(!pure & lans)
    Wa <- sum(w * a * inbase); Wb <- sum(w * b * inbase)
    pa <- sum(w * a * y * inbase) / Wa; pb <- sum(w * b * y * inbase) / Wb
    stopifnot(pb %in% c(0, 1))
    ldes$variables$z_ <- a * (y - pa) / Wa - b * (y - pb) / Wb
    vlin <- as.numeric(vcov(svytotal(~z_, ldes[inbase, ])))
    r <- list(a = pa, b = pb, diff = pa - pb, se = sqrt(vlin))
    cat(sprintf("likert %s: p_a %.17g p_b %.17g  SE %.10g\n", box[1], pa, pb, r$se))
    row <- compare_row("q", "score", c("pure", "rest"), r, dfree, tq)
    row$p_adjusted <- row$p_value # (each score x pair is its own family)
    write_csv(fmt_compare(row), file.path(outdir, paste0("tiny_rest_likert_", box[1], ".csv")))
}

# The same complement under replicate weights: each replicate's rest is all's replicate
# totals less pure's, whose round-off (1e-16 of all's, weights of 1e5 and more) is of the
# rest's own size where the rest weighs 1e-9 of all (20 rows drawn in 4 PSUs of 5: pure's
# at a of weight 1e4 to 1e6, at b of 0.1 to 10; the rest's of weight 1e-5 to 1e-3, every one
# answering a; rows in no order, since where the rest's rows all come after pure's the two
# cells' round-off happened to agree). R computes each replicate's rest share on the rest's
# own rows: 1 at a, 0 at b, and the SE is pure's alone (shopstat before: 1.74e-6 for R's
# 1.04e-6). JK1 replicate weights of a one-stratum design of 4 PSUs (as.svrepdesign), R's
# svyby(svymean, covmat = TRUE) of the two groups and svycontrast of their difference.
set.seed(20261203)
rp <- NULL
for (psu in 1:4) {
    n <- 5
    pure <- c(TRUE, TRUE, TRUE, runif(n - 3) < 0.6)
    q <- ifelse(!pure | runif(n) < 0.75, "a", "b")
    w <- ifelse(!pure, runif(n, 1e-5, 1e-3), ifelse(q == "a", runif(n, 1e4, 1e6), runif(n, 0.1, 10)))
    rp <- rbind(rp, data.frame(psu = psu, w = signif(w, 9), q = q, q2 = ifelse(pure, "yes", "no")))
}
rp <- rp[sample(nrow(rp)), ] # (rows in no order: the sums' round-off differs cell to cell)
rp$id <- seq_len(nrow(rp))
rd <- as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data = rp), type = "JK1")
rw <- weights(rd, "analysis")
for (j in seq_len(ncol(rw))) rp[[paste0("rw", j)]] <- rw[, j]
rpath <- file.path(outdir, "tiny_rest_rep.csv")
write.csv(rp, rpath, row.names = FALSE, na = "")
rp <- read.csv(rpath, stringsAsFactors = FALSE)
rcols <- grep("^rw", names(rp))
rd <- svrepdesign(data = rp, weights = ~w, repweights = rp[, rcols], type = "JK1",
                  scale = 3 / 4, combined.weights = TRUE, mse = FALSE)
rp_pure <- rp$q2 == "yes"
stopifnot(sum(rp$w[rp_pure]) / sum(rp$w[!rp_pure]) > 1e9)
rd <- update(rd, grp = factor(ifelse(rp_pure, "pure", "rest"), levels = c("pure", "rest")))
rdf <- degf(rd)
rtq <- qt(1 - (1 - 0.95) / 2, rdf)
rrows <- NULL
for (l in sort_levels(rp$q)) {
    rd <- update(rd, y_ = as.numeric(q == l))
    by <- svyby(~y_, ~grp, rd, svymean, covmat = TRUE)
    con <- svycontrast(by, c(1, -1))
    r <- list(a = coef(by)[["pure"]], b = coef(by)[["rest"]], diff = coef(con)[[1]],
              se = SE(con)[[1]])
    cat(sprintf("rep q %s: p_a %.17g p_b %.17g  SE %.10g\n", l, r$a, r$b, r$se))
    rrows <- rbind(rrows, compare_row("q", l, c("pure", "rest"), r, rdf, rtq))
}
rrows$p_adjusted <- family_adjust(list(flags = "--var"), rrows$p_value, rrows$difference, "holm")
write_csv(fmt_compare(rrows), file.path(outdir, "tiny_rest_rep_cmp.csv"))
# (compare --score q:a=1,b=0: the share of a as a score, rep_score_var's rest at one score)
srow <- rrows[rrows$level == "a", ]
srow$level <- "score"
srow$p_adjusted <- srow$p_value
write_csv(fmt_compare(srow), file.path(outdir, "tiny_rest_rep_score.csv"))

writeLines(c("# Oracle cases of make_rest_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             paste0("tiny_rest_cmp|compare rest/tiny_rest.csv --weight w --strata st --psu psu ",
                    "--var q --segment pure=q2:yes --base sp:No --pair pure:rest --level 0.99"),
             paste0("tiny_rest_likert_top2|compare rest/tiny_rest_likert.csv --weight w ",
                    "--strata st --psu psu --score q:1-3=0,4-5=1 --segment pure=q2:yes ",
                    "--base sp:No --pair pure:rest --level 0.99"),
             paste0("tiny_rest_likert_bottom2|compare rest/tiny_rest_likert.csv --weight w ",
                    "--strata st --psu psu --score q:1-2=1,3-5=0 --segment pure=q2:yes ",
                    "--base sp:No --pair pure:rest --level 0.99"),
             paste0("tiny_rest_rep_cmp|compare rest/tiny_rest_rep.csv --weight w ",
                    "--repweights rw --reptype jk1 --var q --segment pure=q2:yes ",
                    "--pair pure:rest"),
             paste0("tiny_rest_rep_score|compare rest/tiny_rest_rep.csv --weight w ",
                    "--repweights rw --reptype jk1 --score q:a=1,b=0 --segment pure=q2:yes ",
                    "--pair pure:rest")),
           file.path(outdir, "cases.txt"))
