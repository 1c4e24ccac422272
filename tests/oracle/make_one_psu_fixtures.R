# compare between segments whose rows each lie within one PSU, as R's survey package gives it
# and docs/methods.md reads it: each side's linearised scores sum to 0 in its PSU, so the
# variance of the difference is 0 in exact arithmetic and the SE is 0, t = +/-Inf, p = 0 and
# the interval [d, d] (a nonzero difference with SE 0). R's svycontrast prints the round-off
# of its sums (a variance of 1e-17 or below 0: an SE of 3e-9 or NaN); this script checks that
# R's variance is below 1e-14 and that each side is within one PSU before writing the exact
# values. shopstat printed its own round-off (SE 1.1e-16, t 3e15, p 8.5e-47) until the
# randomized audit's seeds s46 and s47 found it (tests/oracle/audit/README.md). Run from the
# repository root:
#   Rscript tests/oracle/make_one_psu_fixtures.R
# It writes tests/oracle/one_psu/: one_psu.csv (13 rows, typed in here, no random draws), one_psu_rep.csv
# (the same with four replicate weights, typed in too), rep_cancel.csv (16 rows and six
# replicates drawn with set.seed(5), one replicate's weights cancelling), lonely_avg.csv (12 rows in three
# strata of one PSU, typed in; the last case below), NAME.csv
# (shopstat's csv columns, %.17g) and cases.txt (NAME|ARGS, run from tests/oracle by run.sh).
# Deterministic; R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "one_psu")
dir.create(outdir, showWarnings = FALSE)

# segment A is every row of PSU 1, B every row of PSU 2; C fills PSUs 3 and 4 (df 3)
df <- data.frame(id = 1:13, psu = c(1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4),
                 w = c(1.1, 2.3, 0.7, 1.9, 0.35, 1.3, 0.4, 2.2, 1.7, 0.9, 1.2, 0.8, 1.4),
                 seg = c(rep("A", 5), rep("B", 3), rep("C", 5)),
                 ans = c("yes", "no", "yes", "no", "yes", "no", "yes", "yes", "no", "yes", "no", "yes", "no"))
path <- file.path(outdir, "one_psu.csv")
write.csv(df, path, row.names = FALSE)
dat <- read.csv(path, stringsAsFactors = FALSE)
des <- svydesign(ids = ~psu, weights = ~w, data = dat)
res <- NULL
for (pr in list(c("A", "B"), c("B", "A"))) {
    a <- as.numeric(dat$seg == pr[1]); b <- as.numeric(dat$seg == pr[2])
    stopifnot(length(unique(dat$psu[a > 0])) == 1, length(unique(dat$psu[b > 0])) == 1)
    for (l in sort_levels(dat$ans)) {
        y <- as.numeric(dat$ans == l)
        r <- contrast_sides(des, y, a, b)
        d <- r$diff; v <- as.numeric(vcov(r$con))
        stopifnot(is.finite(d), d != 0, abs(v) < 1e-14)  # (R's round-off of an exact 0)
        res <- rbind(res, data.frame(
            variable = "ans", level = l, segment_a = paste0("seg=", pr[1]),
            segment_b = paste0("seg=", pr[2]), estimate_a = fmt17(r$a),
            estimate_b = fmt17(r$b), difference = fmt17(d), se = "0",
            ci_lower = fmt17(d), ci_upper = fmt17(d), df = degf(des),
            t = if (d > 0) "Inf" else "-Inf", p_value = "0", p_adjusted = "0",
            stringsAsFactors = FALSE))
        cat(sprintf("%s %s:%s d=%.6f R's V=%.3g (SE %.3g)\n", l, pr[1], pr[2], d, v, sqrt(max(v, 0))))
    }
}
write.csv(res, file.path(outdir, "one_psu_cmp_sides.csv"), row.names = FALSE, quote = FALSE)

# The same rows with replicate weights (bootstrap, R = 4) of which each keeps PSU 1 or PSU 2,
# never both: every replicate leaves A or B without weight, so no replicate defines A - B and
# its variance is undefined (R's svrVar drops the NaN replicates and stops, "All replicates
# contained NAs"). shopstat gave SE 0, t +/-Inf and p 0 there (a variance summed over no
# replicate), found by the randomized audit (seed s51); the difference has no SE, t or p.
# A - C keeps the replicates that define it (R's na.omit, as methods.md says): R's number.
mult <- cbind(c(2, 0, 1, 1), c(0, 2, 1, 1), c(2, 0, 0.5, 1.5), c(0, 2, 1.5, 0.5))
rdat <- dat
for (r in 1:4) rdat[[paste0("rr", r)]] <- dat$w * mult[dat$psu, r]
rpath <- file.path(outdir, "one_psu_rep.csv")
write.csv(rdat, rpath, row.names = FALSE)
rnum <- read.csv(rpath, stringsAsFactors = FALSE)
rdes <- svrepdesign(data = rnum, weights = ~w, repweights = "rr[1-4]", type = "bootstrap",
                    combined.weights = TRUE)
res <- NULL
for (pr in list(c("A", "B"), c("A", "C"))) {
    a <- as.numeric(rnum$seg == pr[1]); b <- as.numeric(rnum$seg == pr[2])
    for (l in sort_levels(rnum$ans)) {
        y <- as.numeric(rnum$ans == l)
        rdes$variables$ya <- y * a; rdes$variables$na <- a
        rdes$variables$yb <- y * b; rdes$variables$nb <- b
        tot <- svytotal(~ya + na + yb + nb, rdes, return.replicates = TRUE)
        est <- coef(tot); RT <- tot$replicates
        d <- est[["ya"]] / est[["na"]] - est[["yb"]] / est[["nb"]]
        th <- RT[, 1] / RT[, 2] - RT[, 3] / RT[, 4]
        con <- tryCatch(suppressWarnings(svycontrast(tot, quote(ya / na - yb / nb))), error = function(e) e)
        if (pr[2] == "B") {
            stopifnot(all(is.nan(th)), inherits(con, "error"),
                      grepl("All replicates contained NAs", conditionMessage(con)))
            se <- ci_l <- ci_u <- tt <- pv <- ""
        } else {
            stopifnot(any(is.nan(th)), !inherits(con, "error"))
            s <- SE(con)[[1]]; tq <- qt(0.975, degf(rdes))
            se <- fmt17(s); ci_l <- fmt17(d - tq * s); ci_u <- fmt17(d + tq * s)
            tt <- fmt17(d / s); pv <- fmt17(2 * pt(-abs(d / s), degf(rdes)))
        }
        res <- rbind(res, data.frame(
            variable = "ans", level = l, segment_a = paste0("seg=", pr[1]),
            segment_b = paste0("seg=", pr[2]), estimate_a = fmt17(est[["ya"]] / est[["na"]]),
            estimate_b = fmt17(est[["yb"]] / est[["nb"]]), difference = fmt17(d), se = se,
            ci_lower = ci_l, ci_upper = ci_u, df = degf(rdes), t = tt, p_value = pv,
            p_adjusted = pv, stringsAsFactors = FALSE))
    }
}
# (Holm within each pair's family: ans's two levels, d and -d, are one test, as methods.md)
fam <- res$segment_b == "seg=C"
res$p_adjusted[fam] <- fmt17(family_adjust(list(flags = c("--var", "ans")), as.numeric(res$p_value[fam]),
                                           as.numeric(res$difference[fam]), "holm"))
write.csv(res, file.path(outdir, "one_psu_rep_no_replicate.csv"), row.names = FALSE, quote = FALSE, na = "")
# A score's side at one score (ay: rows 1, 3 and 5, every one "yes" = 100, all in PSU 1)
# against C, on the same replicates: replicates 2 and 4 give ay no weight, so ay's mean there
# is 0/0 and R's svrVar drops them (na.omit); the other two keep ay at 100 exactly. shopstat
# takes a side at one score as that score only in a replicate where the side has weight
# (replicate.c, rep_score_var); taken in every replicate, 2 and 4 came in as 100 - C's mean
# and changed the SE (found by mutation testing, docs/reliability.md).
a <- as.numeric(rnum$id %in% c(1, 3, 5)); b <- as.numeric(rnum$seg == "C")
y <- 100 * as.numeric(rnum$ans == "yes")
r <- suppressWarnings(contrast_sides(rdes, y, a, b, return.replicates = TRUE))
th <- r$tot$replicates[, 1] / r$tot$replicates[, 2] - r$tot$replicates[, 3] / r$tot$replicates[, 4]
stopifnot(all(y[a > 0] == 100), sum(is.nan(th)) == 2, is.finite(r$se), r$se > 0)
row <- compare_row("ans", "score", c("ay", "seg=C"), r, degf(rdes), qt(0.975, degf(rdes)))
row$p_adjusted <- row$p_value
write.csv(fmt_compare(row), file.path(outdir, "one_psu_rep_one_score.csv"),
          row.names = FALSE, quote = FALSE, na = "")
cat(sprintf("one score side: d=%.6f SE=%.6f (replicates 2 and 4 dropped)\n", r$diff, r$se))
# A replicate whose weights of the table's rows cancel (replicate weights as a file may ship
# them, one negative): replicate 2 holds +1 on row 1 (q 1, s a) and -1 on row 4 (q 2, s b),
# 0 elsewhere, so its cell shares are Inf, NaN, NaN and -Inf, and R's svrVar discards it
# ("1 replicates gave NA results"). Its first share is Inf, not NaN: a check of the NaNs
# that read another replicate's shares (mutation testing found replicate.c's covariance
# loop unchecked there, docs/reliability.md) took it in.
set.seed(5)
cdat <- data.frame(id = 1:16, q = rep(c(1, 2), 8), s = rep(c("a", "a", "b", "b"), 4),
                   w = round(runif(16, 0.5, 2), 2))
cm <- matrix(round(runif(16 * 6, 0, 2), 2), 16, 6)
cm[, 2] <- 0; cm[1, 2] <- 1; cm[4, 2] <- -1
for (r in 1:6) cdat[[paste0("rr", r)]] <- if (r == 2) cm[, r] else cdat$w * cm[, r]
cpath <- file.path(outdir, "rep_cancel.csv")
write.csv(cdat, cpath, row.names = FALSE)
cnum <- read.csv(cpath, stringsAsFactors = FALSE)
cdes <- svrepdesign(data = cnum, weights = ~w, repweights = "rr[1-6]", type = "bootstrap",
                    combined.weights = TRUE)
cdes$variables$q <- factor(cdes$variables$q)
crep <- svymean(~interaction(q, s), cdes, return.replicates = TRUE)$replicates
stopifnot(is.infinite(crep[2, 1]), sum(apply(crep, 1, function(x) any(is.nan(x)))) == 1)
discarded <- FALSE  # (chisq.test's "approximation may be incorrect" of 16 rows aside)
cres <- withCallingHandlers(svychisq(~q + s, cdes, statistic = "F"), warning = function(w) {
    discarded <<- discarded || grepl("1 replicates gave NA results", conditionMessage(w))
    invokeRestart("muffleWarning")
})
stopifnot(discarded)
write.csv(data.frame(variable = "q", by = "s", statistic = fmt17(cres$statistic[[1]]),
                     ndf = fmt17(cres$parameter[["ndf"]]), ddf = fmt17(cres$parameter[["ddf"]]),
                     p_value = fmt17(cres$p.value[[1]])),
          file.path(outdir, "rep_cancel_chisq.csv"), row.names = FALSE, quote = FALSE)
# Every stratum lonely under --lonely-psu average (one PSU in each of three strata): R's
# onestage leaves each stratum's variance NA and scales the sum of none by 3/0, so every
# variance is NaN, that of a difference whose sides are each at p = 0 or 1 (every row's score
# 0) too. shopstat gave that difference SE 0 and t +/-Inf (its shortcut for sides at 0 or 1
# set the variance to 0 over the NaN), where tab leaves such a p's SE empty as R does; found
# by the randomized audit (seed s157, after --exclude left one PSU per stratum). q2 = yes is
# p 1 in pure and 0 in its rest; ans varies on both sides (SE empty before and after).
lon <- data.frame(id = 1:12, st = rep(c("S1", "S2", "S3"), each = 4), psu = rep(1:3, each = 4),
                  w = c(1.2, 0.8, 2.1, 1.4, 0.6, 1.9, 1.1, 0.9, 1.5, 2.4, 0.7, 1.3),
                  q2 = c("yes", "no", "no", "yes", "no", "yes", "no", "no", "yes", "no", "yes", "no"),
                  ans = c("a", "b", "a", "a", "b", "b", "a", "b", "a", "b", "b", "a"))
lpath <- file.path(outdir, "lonely_avg.csv")
write.csv(lon, lpath, row.names = FALSE)
ldat <- read.csv(lpath, stringsAsFactors = FALSE)
old_lonely <- options(survey.lonely.psu = "average")
ldes <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = ldat)
stopifnot(degf(ldes) == 0)
res <- NULL
a <- as.numeric(ldat$q2 == "yes"); b <- 1 - a
for (q in c("ans", "q2")) for (l in sort_levels(ldat[[q]])) {
    r <- contrast_sides(ldes, as.numeric(ldat[[q]] == l), a, b)
    stopifnot(is.nan(r$se))  # (R: NaN, whatever the sides)
    res <- rbind(res, data.frame(
        variable = q, level = l, segment_a = "pure", segment_b = "rest",
        estimate_a = fmt17(r$a), estimate_b = fmt17(r$b), difference = fmt17(r$diff),
        se = "", ci_lower = "", ci_upper = "", df = degf(ldes), t = "", p_value = "",
        p_adjusted = "", stringsAsFactors = FALSE))
}
write.csv(res, file.path(outdir, "lonely_average_sides.csv"), row.names = FALSE, quote = FALSE, na = "")
# the same as a score's difference (compare --score, q2 yes = 100, no = 0): sides at one score
r <- contrast_sides(ldes, 100 * (ldat$q2 == "yes"), a, b)
stopifnot(is.nan(r$se))
write.csv(data.frame(variable = "q2", level = "score", segment_a = "pure", segment_b = "rest",
                     estimate_a = fmt17(r$a), estimate_b = fmt17(r$b), difference = fmt17(r$diff),
                     se = "", ci_lower = "", ci_upper = "", df = degf(ldes), t = "", p_value = "",
                     p_adjusted = ""),
          file.path(outdir, "lonely_average_sides_score.csv"), row.names = FALSE, quote = FALSE, na = "")
options(old_lonely)
writeLines(c("# Oracle cases of make_one_psu_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             "one_psu_cmp_sides|compare one_psu/one_psu.csv --weight w --psu psu --var ans --by seg --pair seg=A:seg=B --pair seg=B:seg=A",
             "one_psu_rep_no_replicate|compare one_psu/one_psu_rep.csv --weight w --repweights rr --reptype bootstrap --var ans --by seg --pair seg=A:seg=B --pair seg=A:seg=C",
             "one_psu_rep_one_score|compare one_psu/one_psu_rep.csv --weight w --repweights rr --reptype bootstrap --score ans:yes=100,no=0 --segment ay=id:1,3,5 --by seg --pair ay:seg=C",
             "rep_cancel_chisq|chisq one_psu/rep_cancel.csv --weight w --repweights rr --reptype bootstrap --var q --by s",
             "lonely_average_sides|compare one_psu/lonely_avg.csv --weight w --strata st --psu psu --lonely-psu average --var ans --var q2 --segment pure=q2:yes --pair pure:rest",
             "lonely_average_sides_score|compare one_psu/lonely_avg.csv --weight w --strata st --psu psu --lonely-psu average --score q2:yes=100,no=0 --segment pure=q2:yes --pair pure:rest"),
           file.path(outdir, "cases.txt"))
