# The job `shopstat tab` does in bench/run.sh, done with R's survey package, for timing:
# every level of a single-choice question (satisfaction), a multi-response set of 0/1
# columns (pref) and a multi-response set of codes (problems), in 7 segments (all, the 3
# spend_6m levels, heavy, happy, switch): proportion + SE + logit CI + deff, stratified
# cluster design. Usage: Rscript bench/r_tab.R FILE.csv
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[1], na.strings = c("", "NA"), colClasses = c(problems = "character"))
codes <- strsplit(ifelse(is.na(d$problems), "", d$problems), "[;,]")
pb_levels <- sort(unique(trimws(unlist(codes))))
pb_levels <- pb_levels[pb_levels != ""]
for (l in pb_levels) d[[paste0("pb_", l)]] <- as.numeric(vapply(codes, function(x) l %in% trimws(x), TRUE))
des <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, nest = TRUE, data = d)
segs <- list(all = rep(TRUE, nrow(d)),
             `spend_6m=1` = d$spend_6m %in% 1, `spend_6m=2` = d$spend_6m %in% 2,
             `spend_6m=3` = d$spend_6m %in% 3, heavy = d$spend_6m %in% 3,
             happy = d$satisfaction %in% 4:5, switch = d$would_switch %in% 1)
n <- 0
est <- function(f, sub) {
  m <- svymean(f, sub, deff = "replace")
  ci <- svyciprop(f, sub, method = "logit")
  n <<- n + 1
}
for (s in names(segs)) {
  sub <- subset(des, segs[[s]] & !is.na(d$satisfaction))
  for (l in sort(unique(na.omit(d$satisfaction))))
    est(as.formula(sprintf("~I(satisfaction == %s)", l)), sub)
  sub <- subset(des, segs[[s]] & !is.na(d$pref_email) & !is.na(d$pref_phone) & !is.na(d$pref_form))
  for (col in c("pref_email", "pref_phone", "pref_form"))
    est(as.formula(sprintf("~%s", col)), sub)
  sub <- subset(des, segs[[s]] & !is.na(d$problems))
  for (l in pb_levels)
    est(as.formula(sprintf("~pb_%s", l)), sub)
}
cat(sprintf("R survey: %d estimates in %.2f s\n", n, proc.time()[["elapsed"]] - t0))
