# Expected level rows of tests/report/specs/scale_points.yml (its tables.csv rows of rec and
# top), from R's survey package. A score over a scale (an NPS, a map of whole numbers 0-10)
# lists every point 0 to 10; 1 and 4, which no row gave, at 0%. Run from the repository root:
#   Rscript tests/report/make_scale_points_expected.R
# Writes tests/report/expected/scale_points/tables.csv (committed; the tests never call R).
# A share in (0, 1): svymean (deff = "replace") and svyciprop (logit) on the subset of the
# segment's answered rows. A share of 0: SE 0, no deff, and the Clopper-Pearson interval
# with n = the effective base (sum w)^2 / sum w^2 (docs/methods.md): [0, qbeta(1 - a/2, 1,
# n)], which is 1 - (a/2)^(1/n). Made with survey 4.1.1.
suppressPackageStartupMessages(library(survey))
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/report", "..",
                 "oracle", "helpers.R"))
sp <- read_report_scores() # (rec's 98 missing; the stratified cluster design)
d <- sp$d; des <- sp$des
segs <- list(all = rep(TRUE, nrow(d)), fans = d$grp == 2)
alpha <- 0.05
rows <- c()
for (tb in c("rec", "top")) for (l in 0:10) for (g in names(segs)) {
    dom <- segs[[g]] & !is.na(d$rec)
    y <- as.numeric(!is.na(d$rec) & d$rec == l)
    des$variables$yy <- y
    sub <- subset(des, dom)
    w <- d$w[dom]
    W <- sum(w)
    neff <- W^2 / sum(w^2)
    m <- svymean(~yy, sub, deff = "replace")
    p <- coef(m)[[1]]
    if (p == 0) {
        up <- 1 - (alpha / 2)^(1 / neff)
        stopifnot(abs(up - qbeta(1 - alpha / 2, 1, neff)) < 1e-12)
        ci <- c(0, up)
        se <- 0
        de <- ""
    } else {
        stopifnot(p > 0 && p < 1)
        ci <- as.vector(attr(svyciprop(~yy, sub, method = "logit"), "ci"))
        se <- SE(m)[[1]]
        de <- fmt17(deff(m)[[1]])
    }
    rows <- c(rows, paste(tb, tb, l, g, sum(dom), fmt17(W), sum(dom & y == 1), fmt17(p), fmt17(se),
                          fmt17(ci[1]), fmt17(ci[2]), degf(sub), de, fmt17(neff), sep = ","))
}
# (every point is listed, per table: 1 and 4 nobody gave; 0 to 5 none of the fans)
stopifnot(sum(grepl(",0,0,0,0,", rows)) == 2 * (2 + 6))
dir.create("tests/report/expected/scale_points", showWarnings = FALSE)
writeLines(c(paste0("table,variable,level,segment,base_n,base_weight,count,proportion,se,",
                    "ci_lower,ci_upper,df,deff,eff_base"), rows),
           "tests/report/expected/scale_points/tables.csv")
