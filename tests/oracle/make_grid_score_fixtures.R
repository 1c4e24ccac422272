# A grid's scores (tests/report/specs/grid.yml: items s1-s3 on one 1-5 scale, score: mean,
# unweighted, every row its own PSU) compared between its segments as R's survey package works
# them out: the mean of each side, ya / na over the rows of the segment answering the item,
# from svymean of the four columns, and the difference by svycontrast, as
# make_grid_box_fixtures.R does for the side totals. The report's chart of the grid's scores
# (charts/sat-score.pdf, satr-score.pdf) marks its rows from these tests (docs/charts.md); its
# tests (tests/report/run.sh) read the marks off the charts and check them against the p-values
# and signs here. Run from the repository root:
#   Rscript tests/oracle/make_grid_score_fixtures.R
# It writes tests/oracle/box/grid_scores.csv (R 4.x, survey 4.1.1; deterministic).
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/oracle", "helpers.R"))
dat <- read.csv("tests/report/specs/grid.csv", stringsAsFactors = FALSE)
des <- suppressWarnings(svydesign(ids = ~1, data = dat)) # (equal weights, said)
dfree <- degf(des)
heavy <- dat$heavy %in% 1
segs <- list(all = rep(TRUE, nrow(dat)), heavy = heavy, light = dat$heavy %in% 0)
# grid.yml's pairs: sat (s1-s3) heavy:light, satr (s1, s2) heavy:rest
cases <- list(list(table = "sat", items = c("s1", "s2", "s3"), pair = c("heavy", "light")),
              list(table = "satr", items = c("s1", "s2"), pair = c("heavy", "rest")))
out <- NULL
for (cs in cases) for (item in cs$items) {
    pr <- cs$pair
    answered <- !is.na(dat[[item]])
    y <- ifelse(answered, dat[[item]], 0)
    side <- pair_rows(segs, pr); ra <- side$a; rb <- side$b
    a <- as.numeric(ra & answered); b <- as.numeric(rb & answered)
    r <- contrast_sides(des, y, a, b, stat = svymean)
    t <- r$diff / r$se
    out <- rbind(out, data.frame(
        table = cs$table, item = item, segment_a = pr[1], segment_b = pr[2],
        estimate_a = fmt17(r$a), estimate_b = fmt17(r$b), difference = fmt17(r$diff),
        se = fmt17(r$se), t = fmt17(t), df = dfree, p_value = fmt17(2 * pt(-abs(t), dfree)),
        stringsAsFactors = FALSE))
}
write.csv(out, "tests/oracle/box/grid_scores.csv", row.names = FALSE, quote = FALSE)
