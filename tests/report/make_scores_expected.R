# Expected scores of tests/report/specs/scores.yml (its scores.csv and the score rows of its
# comparisons.csv), from R's survey package. Run from the repository root:
#   Rscript tests/report/make_scores_expected.R
# Writes tests/report/expected/scores/{scores.csv,score_comparisons.csv} and the bundled
# servicesoft survey's servicesoft_scores.csv (committed; the tests never call R). Made with
# survey 4.1.1.
suppressPackageStartupMessages(library(survey))
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/report", "..",
                 "oracle", "helpers.R"))
sp <- read_report_scores() # (rec's 98 missing; the stratified cluster design)
d <- sp$d; des <- sp$des
nps <- function(x) ifelse(x >= 9, 100, ifelse(x >= 7, 0, -100))
top2 <- function(x) ifelse(x >= 9, 100, 0)
# table, variable, score name, the score of each row (NA: not answered)
scores <- list(list("rec", "rec", "NPS", nps(d$rec)),
               list("groups", "groups", "score", nps(d$rec)),
               list("rec2", "rec2", "NPS", nps(d$rec)),
               list("rec2", "rec2", "Top-2 box", top2(d$rec)),
               list("sat", "sat", "mean", d$sat))
segs <- list(all = rep(TRUE, nrow(d)), fans = d$grp == 2)
pairs <- list(rec = c("fans:all", "fans:rest"), groups = "fans:all", rec2 = "fans:rest",
              sat = "fans:all")
est <- c()
for (sc in scores) for (g in names(segs)) {
    s <- sc[[4]]
    des$variables$s <- s
    sub <- subset(des, segs[[g]] & !is.na(s))
    m <- svymean(~s, sub, deff = "replace")
    ci <- confint(m, df = degf(sub))
    w <- weights(sub)
    w <- w[w > 0]
    est <- c(est, paste(sc[[1]], sc[[2]], sc[[3]], g, length(w), fmt17(sum(w)), fmt17(coef(m)[[1]]),
                        fmt17(SE(m)[[1]]), fmt17(ci[1]), fmt17(ci[2]), degf(sub), fmt17(deff(m)[[1]]),
                        fmt17(sum(w)^2 / sum(w^2)), sep = ","))
}
dir.create("tests/report/expected/scores", showWarnings = FALSE)
writeLines(c(paste0("table,variable,score,segment,base_n,base_weight,estimate,se,ci_lower,",
                    "ci_upper,df,deff,eff_base"), est),
           "tests/report/expected/scores/scores.csv")
# differences: sum s a w / sum a w - sum s b w / sum b w, svycontrast of svytotal (as
# tests/oracle/make_fixtures.R compares proportions); t on the whole design's df
cmp <- c()
df <- degf(des)
for (sc in scores) for (pr in pairs[[sc[[1]]]]) {
    side <- pair_rows(segs, pr); ab <- side$ab
    s <- sc[[4]]
    ans <- !is.na(s)
    a <- as.numeric(side$a & ans); b <- as.numeric(side$b & ans)
    s[is.na(s)] <- 0
    r <- contrast_sides(des, s, a, b)
    diff <- r$diff; se <- r$se
    t <- diff / se; p <- 2 * pt(-abs(t), df); q <- qt(0.975, df)
    cmp <- c(cmp, paste(sc[[1]], sc[[2]], sc[[3]], ab[1], ab[2], fmt17(r$a), fmt17(r$b),
                        fmt17(diff), fmt17(se), fmt17(diff - q * se), fmt17(diff + q * se), df,
                        fmt17(t), fmt17(p), fmt17(p), sep = ","))
}
writeLines(c(paste0("table,variable,level,segment_a,segment_b,estimate_a,estimate_b,difference,",
                    "se,ci_lower,ci_upper,df,t,p_value,p_adjusted"), cmp),
           "tests/report/expected/scores/score_comparisons.csv")

# The bundled servicesoft-1999 survey: the mean of its satisfaction (1-5) in all and heavy
# buyers (lonely_psu: adjust; panels numbered within regions)
options(survey.lonely.psu = "adjust")
d <- read.csv("surveys/servicesoft-1999/respondents.csv")
des <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, data = d, nest = TRUE)
est <- c()
for (g in c("all", "heavy")) {
    des$variables$s <- d$svc_satisfaction
    sub <- subset(des, (g == "all" | d$spend_6m == 3) & !is.na(d$svc_satisfaction))
    m <- svymean(~s, sub, deff = "replace")
    ci <- confint(m, df = degf(sub))
    w <- weights(sub)
    w <- w[w > 0]
    est <- c(est, paste("satisfaction", "satisfaction", "mean", g, length(w), fmt17(sum(w)),
                        fmt17(coef(m)[[1]]), fmt17(SE(m)[[1]]), fmt17(ci[1]), fmt17(ci[2]), degf(sub),
                        fmt17(deff(m)[[1]]), fmt17(sum(w)^2 / sum(w^2)), sep = ","))
}
writeLines(c(paste0("table,variable,score,segment,base_n,base_weight,estimate,se,ci_lower,",
                    "ci_upper,df,deff,eff_base"), est),
           "tests/report/expected/scores/servicesoft_scores.csv")
