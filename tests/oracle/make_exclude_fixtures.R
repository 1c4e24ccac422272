# --exclude against --base on the same rows, as R's survey package sees them: an excluded row
# is not in the data (the rows are dropped before svydesign(), so its PSU and stratum exist
# only through other rows), while --base is subset() of the design made from every row (its
# PSUs and strata stay in the variance). Speeders (speeder = Yes) here are every row of PSU
# E/4, every row of the single-PSU stratum W, and every 9th respondent elsewhere: excluded,
# stratum E has 3 PSUs and W is gone; as a base, E keeps an empty fourth PSU and W stays a
# lonely stratum (adjust: centred at the grand mean), so the SEs differ. Run from the
# repository root:
#   Rscript tests/oracle/make_exclude_fixtures.R
# It writes tests/oracle/exclude/: shopper_speed.csv (data/shopper.csv's design and
# would_switch with a speeder column, no random draws), shopper_dups.csv (the same with
# repeated ids, for --dedupe, below), NAME.csv (R's answers, shopstat's csv
# columns, %.17g) and cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic;
# R 4.x, survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "exclude")
dir.create(outdir, showWarnings = FALSE)

sh <- read.csv(file.path(root, "data", "shopper.csv"), colClasses = "character",
               na.strings = "")
id <- as.integer(sh$id)
speed <- (sh$region == "E" & sh$panel == "4") | sh$region == "W" | id %% 9 == 0
out <- sh[, c("id", "region", "panel", "wt", "spend", "would_switch")]
out$speeder <- ifelse(speed, "Yes", "No")
path <- file.path(outdir, "shopper_speed.csv")
write.csv(out, path, row.names = FALSE, na = "")

txt <- read.csv(path, colClasses = "character", na.strings = "")
num <- read.csv(path, na.strings = "", stringsAsFactors = FALSE)
keep <- txt$speeder != "Yes"
stopifnot(sum(!keep) > 60, !any(keep & txt$region == "W"))
options(survey.lonely.psu = "adjust")
flags <- "--weight wt --strata region --psu panel --lonely-psu adjust --var would_switch --segment heavy=spend:3"

# one single-choice question, segments all and heavy, each estimate on design des over the
# rows `rows` of dat (the whole design for exclude; subset() for base)
run_case <- function(name, des, dat, rows, extra) {
    x <- dat$would_switch
    lv <- sort_levels(as.character(x[rows]))
    segs <- list(all = rows, heavy = rows & !is.na(dat$spend) & dat$spend == 3)
    w <- dat$wt
    res <- NULL
    for (l in lv) for (s in names(segs)) {
        d <- segs[[s]] & !is.na(x)
        y <- as.numeric(!is.na(x) & x == l)
        res <- rbind(res, tab_logit_row(des, y, d, w, "would_switch", l, s))
    }
    write.csv(res, file.path(outdir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
    res
}
# exclude: the rows are not in the data
kept <- num[keep, ]
dx <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, data = kept, nest = TRUE)
ex <- run_case("shopper_exclude_speeders", dx, kept, rep(TRUE, nrow(kept)), "")
# base: subset() of the design of every row
db <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, data = num, nest = TRUE)
bs <- run_case("shopper_base_not_speeders", db, num, keep, "")
# the point of the pair: same estimates, other SEs
stopifnot(isTRUE(all.equal(ex$proportion, bs$proportion)), any(ex$se != bs$se))
cat("exclude vs base SE:", ex$se[1], bs$se[1], " df:", ex$df[1], bs$df[1], "\n")
# --dedupe id: a respondent exported twice (his id repeated) keeps his first row, as R's
# d[!duplicated(d$id), ] before svydesign(). shopper_dups.csv is shopper_speed.csv with
# every 11th row again at the end, its would_switch flipped (so that keeping the first row
# or the last gives other numbers), and a blank id on two rows (no id: never a duplicate).
# With --exclude speeder:Yes first, as its flags come: the speeders go, then the repeats of
# the rows left.
dup_rows <- txt[seq(11, nrow(txt), by = 11), ]
dup_rows$would_switch <- ifelse(dup_rows$would_switch == "1", "2",
                         ifelse(dup_rows$would_switch == "2", "1", dup_rows$would_switch))
dups <- rbind(txt, dup_rows)
dups$id[c(5, 6)] <- NA
dpath <- file.path(outdir, "shopper_dups.csv")
write.csv(dups, dpath, row.names = FALSE, na = "")
dn <- read.csv(dpath, na.strings = "", stringsAsFactors = FALSE)
dk <- dn[dn$speeder != "Yes", ]
dk <- dk[is.na(dk$id) | !duplicated(dk$id), ]
stopifnot(nrow(dk) == nrow(kept), sum(is.na(dk$id)) == 2)
dd <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, data = dk, nest = TRUE)
dp <- run_case("shopper_dedupe", dd, dk, rep(TRUE, nrow(dk)), "")
# the blank ids keep their rows: the numbers are the speeders' exclusion's
stopifnot(isTRUE(all.equal(dp$proportion, ex$proportion)))
writeLines(c("# Oracle cases of make_exclude_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             paste0("shopper_exclude_speeders|tab exclude/shopper_speed.csv ", flags,
                    " --exclude speeder:Yes"),
             paste0("shopper_base_not_speeders|tab exclude/shopper_speed.csv ", flags,
                    " --base speeder:No"),
             paste0("shopper_dedupe|tab exclude/shopper_dups.csv ", flags,
                    " --exclude speeder:Yes --dedupe id")),
           file.path(outdir, "cases.txt"))
