# A quarterly tracker as Qualtrics exports it (tests/cli/data/qualtrics_tracker.csv, made by
# tests/cli/data/make_qualtrics_tracker.py): -99 for a question seen but not answered
# (--missing -99), a stratum holding a single PSU (--lonely-psu adjust, R's
# options(survey.lonely.psu = "adjust")), raking weights two of which are 9 to 11 times the
# median, and a wave column Q1..Q4. R's answers for what a CX analyst reads off it:
#   tracker_scores: the NPS (0-6 -100, 7-8 0, 9-10 100) and the 1-5 satisfaction's mean by
#     wave, svymean(~s, subset(design, wave & !is.na(s)), deff = "replace") with
#     confint(df = degf(subset));
#   tracker_nps_changes: each wave's NPS against the wave before, svycontrast of
#     svytotal(~ya + na + yb + nb) (the waves are disjoint; their strata and PSUs are not);
#   tracker_prev_levels, tracker_prev_nps: --pair wave:prev (each wave against the one
#     before), svycontrast on svyby(..., covmat = TRUE) of the 1-5 satisfaction's shares and
#     of the NPS;
#   tracker_codes: the multi-select held as "1,3" codes in one cell by wave (svyciprop,
#     logit, on the rows holding a code).
# Run from the repository root:
#   Rscript tests/oracle/make_tracker_fixtures.R
# It writes tests/oracle/tracker/NAME.csv (shopstat's csv columns, %.17g) and
# tracker/cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic; survey 4.1.1.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "tracker")
dir.create(outdir, showWarnings = FALSE)
data_rel <- "../cli/data/qualtrics_tracker.csv" # (from tests/oracle, where run.sh runs)
path <- file.path(root, data_rel)

# the header, then the data after Qualtrics' question-text and import-id rows
hdr <- unlist(read.csv(path, nrows = 1, header = FALSE, stringsAsFactors = FALSE))
d <- read.csv(path, skip = 3, header = FALSE, col.names = hdr, stringsAsFactors = FALSE,
              colClasses = "character")
for (col in c("stratum", "psu", "rake_wt")) d[[col]] <- as.numeric(d[[col]])
for (col in c("Q1_nps", "Q2_sat")) d[[col]][d[[col]] == "-99"] <- NA
options(survey.lonely.psu = "adjust")
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~rake_wt, data = d, nest = TRUE)
stopifnot(sum(table(unique(d[c("stratum", "psu")])$stratum) == 1) == 1) # (one lonely stratum)
w <- weights(des)
flags <- c("--skip-rows", "2", "--weight", "rake_wt", "--strata", "stratum", "--psu", "psu",
           "--lonely-psu", "adjust", "--missing", "-99")
waves <- sort(unique(d$wave))
segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(d)))),
          lapply(waves, function(v) list(name = paste0("wave=", v), rows = d$wave == v)))
cases <- c("# Oracle cases of make_tracker_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
add <- function(name, args) cases <<- c(cases, paste0(name, "|", paste(args, collapse = " ")))

nps <- function(x) { v <- as.numeric(x); ifelse(v <= 6, -100, ifelse(v <= 8, 0, 100)) }
scores <- list(list(col = "Q1_nps", name = "NPS", f = nps, flag = "Q1_nps:nps"),
               list(col = "Q2_sat", name = "mean", f = as.numeric, flag = "Q2_sat"))
out <- NULL
for (sc in scores) {
    s <- sc$f(d[[sc$col]])
    des$variables$s_ <- s
    for (sg in segs) {
        keep <- sg$rows & !is.na(s)
        sub <- des[keep, ]
        m <- svymean(~s_, sub, deff = "replace")
        dfree <- degf(sub)
        ci <- confint(m, df = dfree)
        out <- rbind(out, data.frame(
            variable = sc$col, score = sc$name, segment = sg$name, base_n = sum(keep),
            base_weight = fmt17(sum(w[keep])), estimate = fmt17(coef(m)[[1]]),
            se = fmt17(SE(m)[[1]]), ci_lower = fmt17(ci[1, 1]), ci_upper = fmt17(ci[1, 2]),
            df = fmt_int(dfree), deff = fmt17(deff(m)[[1]]),
            eff_base = fmt17(sum(w[keep])^2 / sum(w[keep]^2)), stringsAsFactors = FALSE))
    }
}
write_csv(out, file.path(outdir, "tracker_scores.csv"))
add("tracker_scores", c("score", data_rel, flags, "--score", "Q1_nps:nps", "--score", "Q2_sat",
                        "--by", "wave"))

# each wave against the one before
s <- nps(d$Q1_nps)
y <- s; y[is.na(y)] <- 0
dfree <- degf(des)
tq <- qt(0.975, dfree)
res <- NULL
pairs <- character()
for (i in 2:length(waves)) {
    ab <- c(paste0("wave=", waves[i]), paste0("wave=", waves[i - 1]))
    a <- as.numeric(d$wave == waves[i] & !is.na(s)); b <- as.numeric(d$wave == waves[i - 1] & !is.na(s))
    r <- contrast_sides(des, y, a, b)
    res <- rbind(res, compare_row("Q1_nps", "NPS", ab, r, dfree, tq))
    pairs <- c(pairs, "--pair", paste(ab, collapse = ":"))
}
res$p_adjusted <- res$p_value # (a score x pair is a family of its own)
write_csv(fmt_compare(res), file.path(outdir, "tracker_nps_changes.csv"))
add("tracker_nps_changes", c("compare", data_rel, flags, "--score", "Q1_nps:nps", "--by", "wave",
                             pairs))

# --pair wave:prev, each wave against the one before it, as R gives it from the waves'
# estimates with their covariance: svyby(..., covmat = TRUE) and svycontrast of consecutive
# waves (the waves are disjoint domains of one design; their strata and PSUs are not). t on
# the design's df; Holm over a question's levels within each pair, each score x pair alone.
prev_rows <- function(by, variable, levels, dfree) {
    V <- vcov(by)
    est <- coef(by)
    nl <- length(levels)
    nw <- length(waves)
    tq <- qt(0.975, dfree)
    res <- NULL
    for (i in 2:nw) {
        rows <- NULL
        for (l in seq_len(nl)) {
            ia <- (l - 1) * nw + i; ib <- (l - 1) * nw + i - 1 # (svyby: variable-major)
            cc <- numeric(length(est)); cc[ia] <- 1; cc[ib] <- -1
            ct <- svycontrast(by, cc)
            r <- list(a = est[[ia]], b = est[[ib]], diff = coef(ct)[[1]], se = SE(ct)[[1]])
            rows <- rbind(rows, compare_row(variable, levels[l],
                                            paste0("wave=", waves[c(i, i - 1)]), r, dfree, tq))
        }
        rows$p_adjusted <- if (nl > 1) p.adjust(rows$p_value, "holm") else rows$p_value
        res <- rbind(res, rows)
    }
    res
}
sat <- as.numeric(d$Q2_sat)
des$variables$sat_f <- factor(sat, levels = sort(unique(sat[!is.na(sat)])))
by_sat <- svyby(~sat_f, ~wave, subset(des, !is.na(sat)), svymean, covmat = TRUE)
stopifnot(all(rownames(by_sat) == waves))
res <- prev_rows(by_sat, "Q2_sat", levels(des$variables$sat_f), degf(des))
write_csv(fmt_compare(res), file.path(outdir, "tracker_prev_levels.csv"))
add("tracker_prev_levels", c("compare", data_rel, flags, "--var", "Q2_sat", "--by", "wave",
                             "--pair", "wave:prev"))
des$variables$nps_s <- nps(d$Q1_nps)
by_nps <- svyby(~nps_s, ~wave, subset(des, !is.na(nps_s)), svymean, covmat = TRUE)
res <- prev_rows(by_nps, "Q1_nps", "NPS", degf(des))
# (the same differences as tracker_nps_changes' svytotal contrasts, pairs written by hand)
write_csv(fmt_compare(res), file.path(outdir, "tracker_prev_nps.csv"))
add("tracker_prev_nps", c("compare", data_rel, flags, "--score", "Q1_nps:nps", "--by", "wave",
                          "--pair", "wave:prev"))

# the multi-select of codes in one cell ("1,3"), by wave: the rows holding a code
sets <- strsplit(d$Q3, ",", fixed = TRUE)
codes <- sort(unique(as.numeric(unlist(sets))))
held <- vapply(sets, length, 0) > 0
out <- NULL
for (code in codes) {
    yv <- as.numeric(vapply(sets, function(v) as.character(code) %in% trimws(v), TRUE))
    for (sg in segs)
        out <- rbind(out, tab_logit_row(des, yv, sg$rows & held, w, "Q3", code, sg$name))
}
ord <- order(match(out$level, codes), match(out$segment, vapply(segs, `[[`, "", "name")))
write_csv(out[ord, ], file.path(outdir, "tracker_codes.csv"))
add("tracker_codes", c("tab", data_rel, flags, "--multi-codes", "Q3=Q3", "--by", "wave"))
writeLines(cases, file.path(outdir, "cases.txt"))
cat(sprintf("tracker: %d cases written to %s\n", length(cases) - 2, outdir))
