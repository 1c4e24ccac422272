# Public-use files as agencies ship them, and R's results on them (the analyst's side of
# replicate weights, beside make_jk2_fixtures.R's Fay and JK2 files):
#
# puf/acs_pums.csv: an ACS-style person file, PWGTP and 80 successive-difference replicates
#     PWGTP1..PWGTP80 built as the Census Bureau builds them (a Hadamard matrix of order 80,
#     rows assigned in sort order, factors 1, 1 -/+ 2^-1/2), then rounded to whole numbers
#     as the PUMS ships them (so no replicate is exactly the weight times a factor);
#     acs_pums_neg.csv, the same with one replicate weight -3 (R takes negative ones).
# puf/fay_rounded.csv: Fay's BRR, rho 0.3, 24 replicates rounded to whole numbers (RECS-,
#     MEPS-style files write them to a few decimals at most).
# puf/rw_padded.csv: JK1 replicates named rw_001..rw_040 (zero-padded) in the first columns,
#     before the id and the full-sample weight finalwt.
# puf/jkn.csv and puf/jkn_rscales.txt: stratified jackknife (as.svrepdesign type JKn, strata
#     of 2 to 4 PSUs) with the per-replicate rscales in a file of their own, one per line.
# puf/boot_mean.csv: mean bootstrap weights (Statistics Canada's style: each of the 60
#     columns BSW1..BSW60 the average of 5 bootstrap replicates), R's bootstrap.average = 5.
# Expected rows: svymean and svyciprop (logit) on the subset of the design, degf for df, as
# make_rep_fixtures.R's run_tab (helpers.R's tab_logit_row).
# Run from the repository root:  Rscript tests/oracle/make_puf_fixtures.R
# Deterministic (set.seed); R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "puf")
dir.create(outdir, showWarnings = FALSE)
set.seed(20261213)

## acs_pums.csv
n <- 240
ST <- sample(c(6, 36, 48), n, replace = TRUE, prob = c(.4, .25, .35))
AGEP <- sample(0:90, n, replace = TRUE)
HICOV <- ifelse(runif(n) < plogis(1.5 + 0.02 * AGEP - 0.6 * (ST == 48)), 1, 2)
PWGTP <- pmax(2, round(rlnorm(n, log(60), .6)))
H <- 2 * hadamard(79) - 1
stopifnot(nrow(H) == 80)
i <- seq_len(n)
f <- 1 + 2^-1.5 * H[(i - 1) %% 80 + 1, ] - 2^-1.5 * H[i %% 80 + 1, ]
rep_acs <- round(PWGTP * f)
colnames(rep_acs) <- paste0("PWGTP", 1:80)
write.csv(data.frame(SERIALNO = sprintf("2023HU%07d", i), ST, AGEP, HICOV, PWGTP, rep_acs),
          file.path(outdir, "acs_pums.csv"), row.names = FALSE, quote = FALSE)

## fay_rounded.csv: 24 strata of two PSUs of 4 rows
Hs <- 24
strat <- rep(seq_len(Hs), each = 8); psu <- rep(rep(1:2, each = 4), Hs)
wt <- round(runif(length(strat), 200, 2000))
df <- data.frame(strat, psu, wt)
rf <- round(weights(as.svrepdesign(svydesign(ids = ~psu, strata = ~strat, weights = ~wt,
                                             nest = TRUE, data = df),
                                   type = "Fay", fay.rho = 0.3), "analysis"))
colnames(rf) <- paste0("REPWT", seq_len(ncol(rf)))
write.csv(data.frame(HHID = seq_along(strat), AIRCOND = rbinom(length(strat), 1, .6),
                     NWEIGHT = wt, rf),
          file.path(outdir, "fay_rounded.csv"), row.names = FALSE, quote = FALSE)

## rw_padded.csv: JK1, 40 groups
ne <- 200
grp <- sample(rep(1:40, length.out = ne))
finalwt <- round(runif(ne, 0.5, 3), 3)
rwe <- sapply(1:40, function(g) ifelse(grp == g, 0, finalwt * 40 / 39))
colnames(rwe) <- sprintf("rw_%03d", 1:40)
brand <- sample(c("A", "B", "C"), ne, replace = TRUE, prob = c(.5, .3, .2))
write.csv(data.frame(round(rwe, 6), resp_id = sprintf("R%04d", 1:ne), finalwt, brand),
          file.path(outdir, "rw_padded.csv"), row.names = FALSE, quote = FALSE)

## jkn.csv + jkn_rscales.txt
Hk <- 8; npsu <- c(2, 3, 4, 2, 3, 2, 4, 3)
fr <- do.call(rbind, lapply(1:Hk, function(h) data.frame(VSTRAT = h, VPSU = rep(1:npsu[h], each = 6))))
fr$WT <- round(runif(nrow(fr), 100, 900))
rk <- as.svrepdesign(svydesign(ids = ~VPSU, strata = ~VSTRAT, weights = ~WT, nest = TRUE,
                               data = fr), type = "JKn")
wk <- weights(rk, "analysis"); colnames(wk) <- paste0("JKW", seq_len(ncol(wk)))
pk <- rnorm(sum(npsu), sd = .5)[cumsum(c(0, npsu))[fr$VSTRAT] + fr$VPSU]
write.csv(data.frame(ID = seq_len(nrow(fr)), SMOKER = ifelse(runif(nrow(fr)) < plogis(-.5 + pk), 1, 2),
                     WT = fr$WT, wk), file.path(outdir, "jkn.csv"), row.names = FALSE, quote = FALSE)
writeLines(fmt17(rk$rscales), file.path(outdir, "jkn_rscales.txt"))

## boot_mean.csv: 60 mean bootstrap weights, each the average of 5 (bootstrap.average = 5)
nb <- 300
bstrat <- rep(1:3, each = 100); bpsu <- sample(1:10, nb, replace = TRUE)
WTS_M <- round(runif(nb, 20, 400), 2)
psuid <- (bstrat - 1) * 10 + bpsu
one <- function() {
    f <- numeric(30)
    for (h in 1:3) f[(h - 1) * 10 + 1:10] <- tabulate(sample(10, 9, replace = TRUE), 10) * 10 / 9
    f[psuid]
}
wm <- sapply(1:60, function(b) round(WTS_M * rowMeans(sapply(1:5, function(k) one())), 4))
colnames(wm) <- paste0("BSW", 1:60)
write.csv(data.frame(ADM_RNO = seq_len(nb), SMK_005 = sample(c(1:3, 6), nb, replace = TRUE,
                                                              prob = c(.15, .15, .65, .05)),
                     WTS_M, wm), file.path(outdir, "boot_mean.csv"), row.names = FALSE, quote = FALSE)

## acs_pums_neg.csv: the same with one negative replicate weight, as calibrated replicates
## can be (the ACS PUMS dictionary gives PWGTP1..80 the range -9999..9999)
neg <- read.csv(file.path(outdir, "acs_pums.csv"), check.names = FALSE)
neg$PWGTP7[5] <- -3
write.csv(neg, file.path(outdir, "acs_pums_neg.csv"), row.names = FALSE, quote = FALSE)

## R's answers, on what the files hold
rd <- function(name) read.csv(file.path(outdir, name), na.strings = "", check.names = FALSE)
cases <- character()
tab_case <- function(case, dat, des, col, levels, segs, w, flags, tol = NULL) {
    out <- NULL
    for (l in levels) for (s in names(segs)) {
        ans <- !is.na(dat[[col]])
        y <- as.numeric(ans & dat[[col]] == l); y[is.na(y)] <- 0
        out <- rbind(out, tab_logit_row(des, y, segs[[s]] & ans, w, col, l, s))
    }
    write.csv(out, file.path(outdir, paste0(case, ".csv")), row.names = FALSE, quote = FALSE)
    cases <<- c(cases, paste0(case, "|", paste(flags, collapse = " "),
                              if (!is.null(tol)) paste0("|tol=", tol)))
}
reps <- function(dat, re) dat[, grep(re, names(dat))]

acs <- rd("acs_pums.csv")
st <- list(all = rep(TRUE, nrow(acs)))
for (s in sort(unique(acs$ST))) st[[paste0("ST=", s)]] <- acs$ST == s
for (mse in c(TRUE, FALSE)) {
    des <- svrepdesign(data = acs, weights = ~PWGTP, repweights = reps(acs, "^PWGTP[0-9]+$"),
                       type = "successive-difference", mse = mse)
    stopifnot(des$scale == 4 / 80, degf(des) == 79)
    tab_case(if (mse) "acs_sdr_tab" else "acs_sdr_tab_no_mse", acs, des, "HICOV", 1:2, st, acs$PWGTP,
             c("tab puf/acs_pums.csv --weight PWGTP --repweights PWGTP --reptype sdr",
               if (!mse) "--no-mse", "--var HICOV --by ST"))
}
ng <- rd("acs_pums_neg.csv")
des <- svrepdesign(data = ng, weights = ~PWGTP, repweights = reps(ng, "^PWGTP[0-9]+$"),
                   type = "successive-difference", mse = TRUE)
# svymean (estimate, SE, deff) takes the -3 as it stands; svyciprop's logit interval refits
# the logit per replicate with glm.fit, which leaves rows of weight <= 0 out of the fit
# (good <- weights > 0), so R's replicate 7 is logit(p) without that row (2e-4 off the
# logit of the replicate's share, which shopstat takes, as svymean does): the interval's
# ends differ by 4e-6 relative, hence tol 1e-5 (NOTES.md).
g <- svyglm(I(HICOV == 2) ~ 1, des, family = quasibinomial, return.replicates = TRUE)
w7 <- ng$PWGTP7
p7 <- sum(w7 * (ng$HICOV == 2)) / sum(w7)
p7_glm <- sum((w7 * (ng$HICOV == 2))[w7 > 0]) / sum(w7[w7 > 0])
stopifnot(abs(g$replicates[7, 1] - qlogis(p7_glm)) < 1e-8, abs(qlogis(p7) - qlogis(p7_glm)) > 1e-4)
tab_case("acs_neg_tab", ng, des, "HICOV", 1:2, list(all = rep(TRUE, nrow(ng))), ng$PWGTP,
         "tab puf/acs_pums_neg.csv --weight PWGTP --repweights PWGTP --reptype sdr --var HICOV",
         tol = "1e-5")
fy <- rd("fay_rounded.csv")
des <- svrepdesign(data = fy, weights = ~NWEIGHT, repweights = reps(fy, "^REPWT"), type = "Fay", rho = 0.3)
tab_case("fay_rounded_tab", fy, des, "AIRCOND", 0:1, list(all = rep(TRUE, nrow(fy))), fy$NWEIGHT,
         "tab puf/fay_rounded.csv --weight NWEIGHT --repweights REPWT --reptype fay --rho 0.3 --var AIRCOND")
pd <- rd("rw_padded.csv")
des <- svrepdesign(data = pd, weights = ~finalwt, repweights = reps(pd, "^rw_"), type = "JK1", scale = 39 / 40)
tab_case("rw_padded_tab", pd, des, "brand", c("A", "B", "C"), list(all = rep(TRUE, nrow(pd))), pd$finalwt,
         "tab puf/rw_padded.csv --weight finalwt --repweights rw_ --reptype jk1 --var brand")
jk <- rd("jkn.csv")
rs <- scan(file.path(outdir, "jkn_rscales.txt"), quiet = TRUE)
des <- svrepdesign(data = jk, weights = ~WT, repweights = reps(jk, "^JKW"), type = "JKn", rscales = rs)
tab_case("jkn_rscales_file", jk, des, "SMOKER", 1:2, list(all = rep(TRUE, nrow(jk))), jk$WT,
         "tab puf/jkn.csv --weight WT --repweights JKW --reptype jkn --rscales @puf/jkn_rscales.txt --var SMOKER")
bt <- rd("boot_mean.csv")
bt$SMK_005[bt$SMK_005 == 6] <- NA
des <- svrepdesign(data = bt, weights = ~WTS_M, repweights = reps(bt, "^BSW"), type = "bootstrap",
                   bootstrap.average = 5)
stopifnot(abs(des$scale - 5 / 59) < 1e-15)
tab_case("boot_mean_tab", bt, des, "SMK_005", 1:3, list(all = rep(TRUE, nrow(bt))), bt$WTS_M,
         "tab puf/boot_mean.csv --weight WTS_M --repweights BSW --reptype bootstrap --bootstrap-average 5 --missing SMK_005:6 --var SMK_005")

writeLines(c("# Oracle cases of make_puf_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.", cases),
           file.path(outdir, "cases.txt"))
cat(length(cases), "cases written\n")
