# The job bench/rep.sh gives `shopstat tab`, done with R's survey package for timing:
# 2 single-choice questions and a multi-response set, in 6 segments, proportion + SE +
# logit CI + deff, under 80 bootstrap replicate weights rep1..rep80.
# Usage: Rscript bench/r_rep.R FILE.csv
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[1], na.strings = c("", "NA"))
des <- svrepdesign(weights = ~wt, repweights = "rep[0-9]+", type = "bootstrap",
                   combined.weights = TRUE, data = d)
segs <- list(all = rep(TRUE, nrow(d)),
             `spend_6m=1` = d$spend_6m %in% 1, `spend_6m=2` = d$spend_6m %in% 2,
             `spend_6m=3` = d$spend_6m %in% 3, heavy = d$spend_6m %in% 3,
             happy = d$satisfaction %in% 4:5)
n <- 0
for (s in names(segs)) {
  for (q in c("would_switch", "satisfaction")) {
    sub <- subset(des, segs[[s]] & !is.na(d[[q]]))
    for (l in sort(unique(na.omit(d[[q]])))) {
      f <- as.formula(sprintf("~I(%s == %s)", q, l))
      m <- svymean(f, sub, deff = "replace")
      ci <- svyciprop(f, sub, method = "logit")
      n <- n + 1
    }
  }
  base <- segs[[s]] & !is.na(d$pref_email) & !is.na(d$pref_phone) & !is.na(d$pref_form)
  sub <- subset(des, base)
  for (col in c("pref_email", "pref_phone", "pref_form")) {
    f <- as.formula(sprintf("~%s", col))
    m <- svymean(f, sub, deff = "replace")
    ci <- svyciprop(f, sub, method = "logit")
    n <- n + 1
  }
}
cat(sprintf("R survey (80 replicates): %d estimates in %.2f s\n", n, proc.time()[["elapsed"]] - t0))
