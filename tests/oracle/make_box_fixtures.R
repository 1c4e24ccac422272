# The share of a set of levels (a Likert chart's side total: the bottom and the top of a
# scale) compared between overlapping segments, as R's survey package works it out:
# svycontrast of svytotal, the ratio ya / na of each side (ya: the rows of the segment giving
# a level of the set, na: the rows of the segment answering). shopstat_compare_level_set
# (tests/unit/test_score.c) must agree to 1e-6. Run from the repository root:
#   Rscript tests/oracle/make_box_fixtures.R
# It writes tests/oracle/box/shopper_nps_box.csv (R 4.x, survey 4.1.1; deterministic).
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/oracle", "helpers.R"))
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
    side <- pair_rows(segs, pr); ra <- side$a; rb <- side$b
    a <- as.numeric(ra & answered); b <- as.numeric(rb & answered)
    r <- contrast_sides(des, y, a, b)
    t <- r$diff / r$se
    out <- rbind(out, data.frame(
        set = sn, positions = paste(sets[[sn]], collapse = ";"), segment_a = pr[1],
        segment_b = pr[2], estimate_a = fmt17(r$a), estimate_b = fmt17(r$b),
        difference = fmt17(r$diff), se = fmt17(r$se), t = fmt17(t), df = dfree,
        p_value = fmt17(2 * pt(-abs(t), dfree)),
        stringsAsFactors = FALSE))
}
write.csv(out, "tests/oracle/box/shopper_nps_box.csv", row.names = FALSE, quote = FALSE)
