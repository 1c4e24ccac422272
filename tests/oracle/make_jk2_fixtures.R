# Public-use-style exports (a final weight FINALWT and replicate weights REPWT1..REPWTR,
# no strata or PSUs) and R's results on them: the analyst's side of replicate weights.
#
# jk2/pums_fay.csv: 76 strata of two PSUs, Fay's BRR with rho 0.5 from as.svrepdesign (80
#     replicates, a Hadamard matrix of order 80), as the Census Bureau's files ship it.
# jk2/pums_jk2.csv: the same rows with the paired jackknife (R's svrepdesign type "JK2", as
#     WesVar's JK2): one replicate per stratum, one of its two PSUs (drawn) dropped and the
#     other doubled; R takes scale 1 and every rscale 1, and ignores scale= and rscales=.
# SAT (1..5) has 9 for "don't know", so the cases give --missing SAT:9 (R: NA).
# FINALWT is a whole number, so every replicate weight (0, 0.5, 1.5 or 2 times it) is exact
# in a few digits. Expected rows: svymean and svyciprop (logit) on the subset of the design,
# degf for df, as make_rep_fixtures.R's run_tab; compare's difference by svytotal and
# svycontrast on the replicates, as its run_compare.
# Run from the repository root:  Rscript tests/oracle/make_jk2_fixtures.R
# Deterministic (set.seed); R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "jk2")
dir.create(outdir, showWarnings = FALSE)

set.seed(20261203)
H <- 76
n_psu_rows <- 3
n <- H * 2 * n_psu_rows
strat <- rep(seq_len(H), each = 2 * n_psu_rows)
psu <- rep(rep(1:2, each = n_psu_rows), H)
region <- c("Midwest", "Northeast", "South", "West")[1 + (strat - 1) %% 4]
psu_eff <- rnorm(H * 2, sd = 0.6)[(strat - 1) * 2 + psu]
sat <- pmin(5, pmax(1, round(3 + psu_eff + rnorm(n))))
sat[runif(n) < 0.08] <- 9
recommend <- ifelse(runif(n) < plogis(0.3 + psu_eff), 1, 2)
finalwt <- round(runif(n, 50, 500))
base <- data.frame(ID = seq_len(n), REGION = region, SAT = sat, RECOMMEND = recommend,
                   FINALWT = finalwt, stringsAsFactors = FALSE)

d_full <- svydesign(ids = ~psu, strata = ~strat, weights = ~finalwt, nest = TRUE,
                    data = data.frame(strat, psu, finalwt))
# as.svrepdesign's products carry round-off (340.49999999999994): a file ships 340.5
w_fay <- round(weights(as.svrepdesign(d_full, type = "Fay", fay.rho = 0.5), "analysis"), 1)
stopifnot(ncol(w_fay) == 80, all((w_fay / finalwt) %in% c(0.5, 1.5)))
dropped <- sample(1:2, H, replace = TRUE)
w_jk2 <- sapply(seq_len(H), function(h)
    finalwt * ifelse(strat != h, 1, ifelse(psu == dropped[h], 0, 2)))

write_puf <- function(w, path) {
    df <- base
    for (r in seq_len(ncol(w))) df[[paste0("REPWT", r)]] <- fmt17(w[, r])
    write.csv(df, path, row.names = FALSE, quote = FALSE)
}
write_puf(w_fay, file.path(outdir, "pums_fay.csv"))
write_puf(w_jk2, file.path(outdir, "pums_jk2.csv"))

## re-read: every number below is computed on what the CSV holds
rd <- function(name) {
    path <- file.path(outdir, paste0(name, ".csv"))
    list(txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
         num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
}
design <- function(dat, type, rho = NULL) {
    df <- dat$num
    reps <- df[, grep("^REPWT[0-9]+$", names(df))]
    suppressWarnings(svrepdesign(data = df, weights = ~FINALWT, repweights = reps, type = type,
                                 rho = rho, combined.weights = TRUE))
}
cases <- character()
tab_case <- function(case, dat, des, questions, segs, flags) {
    w <- dat$num$FINALWT
    out <- NULL
    for (q in questions) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered
        y <- q$y(l); y[is.na(y)] <- 0
        out <- rbind(out, tab_logit_row(des, y, d, w, q$name, l, s$name))
    }
    write.csv(out, file.path(outdir, paste0(case, ".csv")), row.names = FALSE, quote = FALSE)
    cases <<- c(cases, paste0(case, "|", paste(flags, collapse = " ")))
}
cmp_case <- function(case, dat, des, q, segs, pairs, flags) {
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    dfree <- degf(des)
    out <- NULL
    for (pr in pairs) {
        side <- pair_rows(byname, pr); ab <- side$ab; ra <- side$a; rb <- side$b
        fam <- NULL
        for (l in q$levels) {
            y <- q$y(l); y[is.na(y)] <- 0
            a <- as.numeric(ra & q$answered); b <- as.numeric(rb & q$answered)
            r <- contrast_sides(des, y, a, b, return.replicates = TRUE)
            fam <- rbind(fam, compare_row(q$name, l, ab, r, dfree, qt(0.975, dfree)))
        }
        fam$p_adjusted <- family_adjust(q, fam$p_value, fam$difference, "holm")
        out <- rbind(out, fam)
    }
    write.csv(fmt_compare(out), file.path(outdir, paste0(case, ".csv")), row.names = FALSE, quote = FALSE)
    cases <<- c(cases, paste0(case, "|", paste(flags, collapse = " ")))
}
with_missing <- function(dat, col, code) {
    dat$txt[[col]][dat$txt[[col]] == code] <- NA
    dat
}

J <- with_missing(rd("pums_jk2"), "SAT", "9")
F <- with_missing(rd("pums_fay"), "SAT", "9")
des_jk2 <- design(J, "JK2")
des_fay <- design(F, "Fay", rho = 0.5)
stopifnot(des_jk2$scale == 1, all(des_jk2$rscales == 1), degf(des_jk2) == H - 1)
all_rows <- function(dat) list(name = "all", rows = rep(TRUE, nrow(dat$num)))

tab_case("puf_jk2_tab", J, des_jk2, list(q_var(J, "SAT"), q_var(J, "RECOMMEND")),
         c(list(all_rows(J)), s_by(J, "REGION")),
         c("tab jk2/pums_jk2.csv --weight FINALWT --repweights REPWT --reptype jk2",
           "--missing SAT:9 --var SAT --var RECOMMEND --by REGION"))
# the type as R spells it: --reptype takes any case
tab_case("puf_jk2_tab_upper", J, des_jk2, list(q_var(J, "RECOMMEND")),
         c(list(all_rows(J)), s_eq(J, "south", "REGION", "South")),
         c("tab jk2/pums_jk2.csv --weight FINALWT --repweights REPWT --reptype JK2",
           "--var RECOMMEND --segment south=REGION:South"))
cmp_case("puf_jk2_compare", J, des_jk2, q_var(J, "RECOMMEND"), s_by(J, "REGION"),
         c("REGION=South:REGION=West", "REGION=Midwest:REGION=Northeast"),
         c("compare jk2/pums_jk2.csv --weight FINALWT --repweights REPWT --reptype jk2",
           "--var RECOMMEND --by REGION --pair REGION=South:REGION=West",
           "--pair REGION=Midwest:REGION=Northeast"))
tab_case("puf_fay_tab", F, des_fay, list(q_var(F, "SAT")),
         c(list(all_rows(F)), s_by(F, "REGION")),
         c("tab jk2/pums_fay.csv --weight FINALWT --repweights REPWT --reptype Fay --rho 0.5",
           "--missing SAT:9 --var SAT --by REGION"))

writeLines(c("# Oracle cases of make_jk2_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.", cases),
           file.path(outdir, "cases.txt"))
cat(length(cases), "cases written\n")
