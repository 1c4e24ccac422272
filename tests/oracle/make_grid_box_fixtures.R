# A grid's side totals (tests/report/specs/grid.yml: items s1-s3 on one 1-5 scale, unweighted,
# every row its own PSU) compared between its segments as R's survey package works them out:
# svycontrast of svytotal, the ratio ya / na of each side, as make_box_fixtures.R does for one
# question. The report marks each grid chart's rows from these tests (docs/charts.md); its
# tests (tests/report/run.sh) read the marks off the charts and check them against the p-values
# and signs here. Run from the repository root:
#   Rscript tests/oracle/make_grid_box_fixtures.R
# It writes tests/oracle/box/grid_box.csv (R 4.x, survey 4.1.1; deterministic).
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/oracle", "helpers.R"))
dat <- read.csv("tests/report/specs/grid.csv", stringsAsFactors = FALSE)
des <- suppressWarnings(svydesign(ids = ~1, data = dat)) # (equal weights, said)
dfree <- degf(des)
# the sides of the 1-5 scale around its neutral 3: codes 1-2 (left) and 4-5 (right)
sides <- list(left = c(1, 2), right = c(4, 5))
heavy <- dat$heavy %in% 1
segs <- list(all = rep(TRUE, nrow(dat)), heavy = heavy, light = dat$heavy %in% 0)
# grid.yml's pairs: sat (s1-s3) heavy:light, satr (s1, s2) heavy:rest
cases <- list(list(table = "sat", items = c("s1", "s2", "s3"), pair = c("heavy", "light")),
              list(table = "satr", items = c("s1", "s2"), pair = c("heavy", "rest")))
out <- NULL
for (cs in cases) for (item in cs$items) for (sn in names(sides)) {
    pr <- cs$pair
    answered <- !is.na(dat[[item]])
    y <- as.numeric(dat[[item]] %in% sides[[sn]])
    side <- pair_rows(segs, pr); ra <- side$a; rb <- side$b
    a <- as.numeric(ra & answered); b <- as.numeric(rb & answered)
    r <- contrast_sides(des, y, a, b)
    t <- r$diff / r$se
    out <- rbind(out, data.frame(
        table = cs$table, item = item, side = sn, segment_a = pr[1], segment_b = pr[2],
        estimate_a = fmt17(r$a), estimate_b = fmt17(r$b), difference = fmt17(r$diff),
        se = fmt17(r$se), t = fmt17(t), df = dfree, p_value = fmt17(2 * pt(-abs(t), dfree)),
        stringsAsFactors = FALSE))
}
write.csv(out, "tests/oracle/box/grid_box.csv", row.names = FALSE, quote = FALSE)
