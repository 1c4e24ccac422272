# The share of a set of levels (a Likert chart's side total: the bottom and the top of a
# scale) compared between overlapping segments, as R's survey package works it out:
# svycontrast of svytotal, the ratio ya / na of each side (ya: the rows of the segment giving
# a level of the set, na: the rows of the segment answering). shopstat_compare_level_set
# (tests/unit/test_score.c) must agree to 1e-6. Run from the repository root:
#   Rscript tests/oracle/make_box_fixtures.R
# It writes tests/oracle/box/shopper_nps_box.csv (R 4.x, survey 4.1.1; deterministic).
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
dat <- read.csv("tests/oracle/data/shopper_nps.csv", stringsAsFactors = FALSE)
dat$recommend[dat$recommend %in% 99] <- NA # --missing 99
des <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, nest = TRUE, data = dat)
dfree <- degf(des)
levels <- sort(unique(dat$recommend[!is.na(dat$recommend)]))
stopifnot(identical(as.numeric(levels), as.numeric(0:10)))
# the sets by their positions in display order (0-based, as shopstat_estimate.l): the eleven
# points' two sides around the neutral 5, and a top-2-box
sets <- list(low = 0:4, high = 6:10, top2 = 9:10)
heavy <- dat$spend %in% 3
segs <- list(all = rep(TRUE, nrow(dat)), heavy = heavy, "wave=2010" = dat$wave %in% 2010,
             "wave=2011" = dat$wave %in% 2011)
pairs <- list(c("heavy", "all"), c("heavy", "rest"), c("wave=2010", "wave=2011"))
answered <- !is.na(dat$recommend)
out <- NULL
for (sn in names(sets)) for (pr in pairs) {
    y <- as.numeric(dat$recommend %in% levels[sets[[sn]] + 1])
    ra <- segs[[pr[1]]]
    rb <- if (pr[2] == "rest") !ra else segs[[pr[2]]]
    a <- as.numeric(ra & answered); b <- as.numeric(rb & answered)
    des$variables$ya <- y * a; des$variables$na <- a
    des$variables$yb <- y * b; des$variables$nb <- b
    tot <- svytotal(~ya + na + yb + nb, des)
    con <- svycontrast(tot, quote(ya / na - yb / nb))
    diff <- coef(con)[[1]]; se <- SE(con)[[1]]; est <- coef(tot); t <- diff / se
    out <- rbind(out, data.frame(
        set = sn, positions = paste(sets[[sn]], collapse = ";"), segment_a = pr[1],
        segment_b = pr[2], estimate_a = sprintf("%.17g", est[["ya"]] / est[["na"]]),
        estimate_b = sprintf("%.17g", est[["yb"]] / est[["nb"]]),
        difference = sprintf("%.17g", diff), se = sprintf("%.17g", se),
        t = sprintf("%.17g", t), df = dfree, p_value = sprintf("%.17g", 2 * pt(-abs(t), dfree)),
        stringsAsFactors = FALSE))
}
write.csv(out, "tests/oracle/box/shopper_nps_box.csv", row.names = FALSE, quote = FALSE)
