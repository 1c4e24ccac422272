# `shopstat replicate --type jk2` against R: the paired jackknife made from a design of two
# PSUs per stratum, and its analysis.
#
# R's as.svrepdesign() makes no JK2 weights (survey 4.1.1's types are JK1, JKn, BRR, Fay and
# the bootstraps), but svrepdesign(type = "JK2") analyses them (scale 1, every rscale 1), so
# this script builds them as WesVar's JK2 defines them and shopstat documents: one replicate
# per stratum (strata in order of first appearance), the stratum's first PSU (in order of
# appearance) times 0, its other PSU times 2, every other stratum times 1. Cross-check: for a
# total, (T_r - T)^2 summed over the strata is the Taylor variance with two PSUs per stratum,
# (y_h1 - y_h2)^2 summed, so svytotal's SE on these weights (about the full-sample total) must
# equal svydesign's; ratios (proportions) differ at second order, so tab's JK2 SEs below are
# R's on the replicate design, not the Taylor ones.
#
# jk2_create/nhanes_pairs.csv: every fourth row of data/nhanes.csv (the 1st, 5th, ...; a
#     smaller fixture) without stratum 86 (its three PSUs), 14 strata of two PSUs.
# jk2_create/create_jk2.csv: the file shopstat replicate writes (the input plus rep1..rep14).
# jk2_create/roundtrip_jk2.csv: R's tab answer (svymean, svyciprop logit, degf) on the
#     replicate design, which run.sh's round trip (replicate, then tab with the flags it
#     prints) must give.
# Run from the repository root:  Rscript tests/oracle/make_jk2_create_fixtures.R
# Deterministic (no random draws); survey 4.1.1.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "jk2_create")
dir.create(outdir, showWarnings = FALSE)

src <- read.csv(file.path(root, "data", "nhanes.csv"), colClasses = "character",
                na.strings = "", check.names = FALSE)
stopifnot(length(unique(src$SDMVPSU[src$SDMVSTRA == "86"])) == 3)
keep <- seq_len(nrow(src)) %% 4 == 1 & src$SDMVSTRA != "86"
write_csv(src[keep, ], file.path(outdir, "nhanes_pairs.csv"))

path <- file.path(outdir, "nhanes_pairs.csv")
txt <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE)
num <- read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE)
strata <- unique(txt$SDMVSTRA)
stopifnot(length(strata) == 14,
          all(tapply(txt$SDMVPSU, txt$SDMVSTRA, function(p) length(unique(p))) == 2))
first_psu <- vapply(strata, function(h) txt$SDMVPSU[txt$SDMVSTRA == h][1], "")
# the first PSU is PSU 2 in some strata: the order of appearance matters
stopifnot(any(first_psu == "2"), any(first_psu == "1"))
mult <- sapply(seq_along(strata), function(r)
    ifelse(txt$SDMVSTRA != strata[r], 1, ifelse(txt$SDMVPSU == first_psu[r], 0, 2)))
w <- num$WTMEC2YR * mult
out <- txt
for (r in seq_len(ncol(w))) out[[paste0("rep", r)]] <- fmt17(w[, r])
write_csv(out, file.path(outdir, "create_jk2.csv"))

jk2 <- function(df, mse = FALSE)  # R warns that JK2 takes no scale= or rscales=
    suppressWarnings(svrepdesign(data = df, weights = ~WTMEC2YR, repweights = w, type = "JK2",
                                 combined.weights = TRUE, mse = mse))
des <- jk2(num)
stopifnot(des$scale == 1, all(des$rscales == 1), degf(des) == 13)
chk <- num
chk$y1 <- as.numeric(!is.na(chk$HI_CHOL) & chk$HI_CHOL == 1)
taylor <- svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                    data = chk)
for (v in c("~WTMEC2YR", "~y1")) {
    se_rep <- SE(svytotal(as.formula(v), jk2(chk, mse = TRUE)))[[1]]
    se_tay <- SE(svytotal(as.formula(v), taylor))[[1]]
    stopifnot(abs(se_rep / se_tay - 1) < 1e-12)
}

# tab --var HI_CHOL --by race on the replicate design (HI_CHOL has missing rows: R's NA)
dat <- list(txt = txt, num = num)
q <- q_var(dat, "HI_CHOL")
segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(num)))), s_by(dat, "race"))
res <- NULL
for (l in q$levels) for (s in segs) {
    d <- s$rows & q$answered
    y <- q$y(l); y[is.na(y)] <- 0
    row <- tab_logit_row(des, y, d, num$WTMEC2YR, q$name, l, s$name)
    res <- rbind(res, row)
    if (s$name == "all" && l == q$levels[1]) {
        # JK2 is not the Taylor variance for a ratio: the round trip tests the former
        taylor$variables$yy <- y
        tsub <- subset(taylor, d)
        cat(sprintf("HI_CHOL=%s all: JK2 SE %.10g, Taylor SE %.10g\n", l, as.numeric(row$se),
                    SE(svymean(~yy, tsub))[[1]]))
    }
}
write.csv(res, file.path(outdir, "roundtrip_jk2.csv"), row.names = FALSE, quote = FALSE)
writeLines(c("# Oracle cases of make_jk2_create_fixtures.R: NAME|shopstat ARGS[|tol=REL] (run from",
             "# tests/oracle). Generated: do not edit by hand.",
             paste0("create_jk2|replicate jk2_create/nhanes_pairs.csv --weight WTMEC2YR ",
                    "--strata SDMVSTRA --psu SDMVPSU --type jk2|tol=1e-12")),
           file.path(outdir, "cases.txt"))
cat("jk2_create written\n")
