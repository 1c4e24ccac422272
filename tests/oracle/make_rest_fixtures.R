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
writeLines(c("# Oracle cases of make_rest_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             paste0("tiny_rest_cmp|compare rest/tiny_rest.csv --weight w --strata st --psu psu ",
                    "--var q --segment pure=q2:yes --base sp:No --pair pure:rest --level 0.99")),
           file.path(outdir, "cases.txt"))
