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
    ra <- segs[[pr[1]]]
    rb <- if (pr[2] == "rest") !ra else segs[[pr[2]]]
    a <- as.numeric(ra & answered); b <- as.numeric(rb & answered)
    des$variables$ya <- y * a; des$variables$na <- a
    des$variables$yb <- y * b; des$variables$nb <- b
    m <- svymean(~ya + na + yb + nb, des)
    con <- svycontrast(m, quote(ya / na - yb / nb))
    diff <- coef(con)[[1]]; se <- SE(con)[[1]]; est <- coef(m); t <- diff / se
    out <- rbind(out, data.frame(
        table = cs$table, item = item, segment_a = pr[1], segment_b = pr[2],
        estimate_a = sprintf("%.17g", est[["ya"]] / est[["na"]]),
        estimate_b = sprintf("%.17g", est[["yb"]] / est[["nb"]]),
        difference = sprintf("%.17g", diff), se = sprintf("%.17g", se),
        t = sprintf("%.17g", t), df = dfree, p_value = sprintf("%.17g", 2 * pt(-abs(t), dfree)),
        stringsAsFactors = FALSE))
}
write.csv(out, "tests/oracle/box/grid_scores.csv", row.names = FALSE, quote = FALSE)
