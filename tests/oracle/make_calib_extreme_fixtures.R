# A post-stratified element design with weights from 1e-6 to 1e4 (the randomized audit's
# ext6.R, seed 96): R's postStratify on 11 rows in two strata (no --psu: every row its own
# PSU), post-stratified on ps x g, where most post-strata hold rows of one answer, so that
# a row's residual z_k - w*_k Z_g / N_g is 1e-10 of its score or less and the variance
# 1e-18. shopstat's element-design sums (engine/calib.c, element_sums) took sum e^2 as
# sum z^2 - 2 c sum z w* + c^2 sum w*^2, whose terms' round-off was the whole of it (q2 'no'
# SE 0, q 'a' 1.27e-8 where R and exact rational arithmetic give 1.0124e-9 and 4.1062e-9;
# the NPS mean of n10 in G1 4.51e-8 for 7.48e-8): the fixtures here fail on that engine.
#
# Run from the repository root:  Rscript tests/oracle/make_calib_extreme_fixtures.R
# Needs R with the survey package (made with survey 4.1.1). It writes
# tests/oracle/calib_extreme/: the data, the population file, NAME.csv (calib_helpers.R's
# writers: svymean with deff "replace" and svyciprop on the subset, svytotal + svycontrast,
# degf of the subset) and cases.txt (run by tests/oracle/run.sh).

suppressPackageStartupMessages(library(survey))

args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
source(file.path(root, "calib_helpers.R")) # run_tab, run_compare, run_score
start_fixtures("calib_extreme", "make_calib_extreme_fixtures.R")

# the audit's s96 rows left by its --exclude sp:Yes (columns it used), as written there
d <- data.frame(
    id = c("1", "2", "4", "5", "7", "8", "10", "11", "12", "13", "14"),
    st = c("A", "A", "A", "A", "C", "C", "C", "C", "C", "C", "C"),
    w = c("0.00116649", "8.82697e-06", "1.46543e-06", "0.939015", "0.0399863", "3.91978",
          "12053.6", "450.431", "0.00237099", "2571.1", "0.293818"),
    ps = c("P3", "P3", "P1", "P2", "P2", "P3", "P1", "P2", "P1", "P3", "P3"),
    g = c("G2", "G1", "G1", "G3", "G1", "G3", "G1", "G1", "G1", "G1", "G2"),
    q = c("a", "c", "b", "b", "a", "a", NA, "a", "a", "a", "a"),
    q2 = c("yes", "yes", "no", "yes", "no", "yes", "no", "no", "no", "no", "yes"),
    n10 = c("7", NA, "9", "9", "6", "9", "7", "4", "7", "3", "4"),
    stringsAsFactors = FALSE)
# (n10's NPS classes as numbers, -100, 0 and 100: their mean is the NPS)
v <- as.numeric(d$n10)
d$np <- ifelse(is.na(v), NA, ifelse(v <= 6, "-100", ifelse(v <= 8, "0", "100")))
write_csv(d, file.path(outdir, "extreme_element.csv"))
writeLines(c("ps,g,Freq", "P1,G1,11957.17", "P2,G1,489.662", "P2,G3,0.8329063",
             "P3,G1,3280.724", "P3,G2,0.3174033", "P3,G3,4.731174"),
           file.path(outdir, "pop_extreme.csv"))
ex <- read_data(file.path(outdir, "extreme_element.csv"))
pop <- read.csv(file.path(outdir, "pop_extreme.csv"), stringsAsFactors = FALSE)
old <- options(survey.lonely.psu = "remove")
des <- postStratify(svydesign(ids = ~1, strata = ~st, weights = ~w, data = ex$num), ~ps + g, pop)
flags <- c("calib_extreme/extreme_element.csv", "--weight", "w", "--strata", "st",
           "--lonely-psu", "remove", "--poststratify", "ps,g", "--population",
           "calib_extreme/pop_extreme.csv")
# (the segments where every level is answered within 0 < p < 1 or by rows of several
# answers: calib_helpers.R's writers take R's numbers as they are, where methods.md's
# fallbacks for p = 0 or 1 and df 0 would differ; the wald interval, R's "mean")
g1 <- s_eq(ex, "g1", "g", "G1")
run_tab("ext_element_tab", ex, des, flags, list(q_var(ex, "q2")), with_all(ex, g1), ci = "wald")
run_tab("ext_element_tab_q", ex, des, flags, list(q_var(ex, "q")), all_rows(ex), ci = "wald")
# (G1 against the other rows named, not as its rest: a complement's sums are all's less
# G1's, whose round-off is docs/reliability.md's known limit)
g1ng1 <- c(g1, s_eq(ex, "ng1", "g", c("G2", "G3")))
attr(g1ng1, "flags") <- c("--segment", "g1=g:G1", "--segment", "ng1=g:G2,G3")
run_compare("ext_element_cmp", ex, des, flags, q_var(ex, "q"), g1ng1, "g1:ng1")
run_score("ext_element_score", ex, des, flags, "n10", with_all(ex, g1))
run_score("ext_element_score_nps", ex, des, flags, "np", with_all(ex, g1))
options(old)
writeLines(cases, file.path(outdir, "cases.txt"))
