# Missing codes inside a multi-codes cell, as R's survey package sees them once the column is
# recoded: a "Don't know" 6 of the column's own (--missing problems_dk:6) and a global 98
# (--missing 98) are no codes, in "1;6" or alone, and a cell left with no code is no answer
# (NA), as a blank cell is; with --none-in-base it is in the base as ticking none. Each share
# is svyciprop (logit) and svymean (deff) of the recoded 0/1 on the subset, as make_fixtures.R
# does for --multi-codes. Run from the repository root:
#   Rscript tests/oracle/make_missing_fixtures.R
# It writes tests/oracle/missing/: shopper_dk.csv (data/shopper.csv with the codes put into
# its problems cells, without random draws), NAME.csv (R's answers, shopstat's csv columns,
# %.17g) and cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic; R 4.x,
# survey 4.1.1. make_fixtures.R leaves this folder alone.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "missing")
dir.create(outdir, showWarnings = FALSE)

sh <- read.csv(file.path(root, "data", "shopper.csv"), colClasses = "character",
               na.strings = "")
p <- sh$problems
id <- as.integer(sh$id)
has <- !is.na(p)
dk <- p
dk[has & id %% 5 == 0] <- paste0(p[has & id %% 5 == 0], ";6")     # "1;3;6"
dk[has & id %% 7 == 0] <- paste0("6, ", p[has & id %% 7 == 0])     # "6, 2" (quoted)
dk[has & id %% 13 == 0] <- paste0(dk[has & id %% 13 == 0], ";98")  # a global code too
dk[id %% 17 == 0] <- "6"                                           # only the column's code
dk[id %% 29 == 0] <- "6;98"                                        # only codes
dk[id %% 31 == 0] <- "6,6"
out <- sh[, c("id", "region", "panel", "wave", "wt", "spend")]
out$problems_dk <- dk
path <- file.path(outdir, "shopper_dk.csv")
write.csv(out, path, row.names = FALSE, na = "")

## what R computes from, re-read as written
txt <- read.csv(path, colClasses = "character", na.strings = "")
num <- read.csv(path, na.strings = "", stringsAsFactors = FALSE)
codes <- lapply(strsplit(ifelse(is.na(txt$problems_dk), "", txt$problems_dk), "[;,]"),
                function(cc) unique(setdiff(trimws(cc), c("", "6", "98"))))
held <- lengths(codes) > 0
stopifnot(sum(!held & !is.na(txt$problems_dk)) > 20) # cells of codes alone: no answer
levels <- sort_levels(unlist(codes))
stopifnot(identical(levels, c("1", "2", "3", "4", "5")))
options(survey.lonely.psu = "adjust")
des <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, data = num, nest = TRUE)
w <- num$wt
segs <- c(list(all = rep(TRUE, nrow(num))),
          setNames(lapply(c("2010", "2011"), function(v) txt$wave == v),
                   c("wave=2010", "wave=2011")),
          list(heavy = !is.na(txt$spend) & txt$spend == "3"))

cases <- c("# Oracle cases of make_missing_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
           "# Generated: do not edit by hand.")
run_case <- function(name, none) {
    answered <- if (none) rep(TRUE, nrow(num)) else held
    rows <- NULL
    for (l in levels) for (s in names(segs)) {
        d <- segs[[s]] & answered
        y <- as.numeric(vapply(codes, function(cc) l %in% cc, TRUE))
        rows <- rbind(rows, tab_logit_row(des, y, d, w, "prob", l, s))
    }
    write.csv(rows, file.path(outdir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
    args <- c("tab missing/shopper_dk.csv --weight wt --strata region --psu panel",
              "--lonely-psu adjust --multi-codes prob=problems_dk --missing problems_dk:6",
              "--missing 98 --by wave --segment heavy=spend:3",
              if (none) "--none-in-base prob")
    cases <<- c(cases, paste0(name, "|", paste(args, collapse = " ")))
}
run_case("shopper_dk_codes", FALSE)
run_case("shopper_dk_codes_none", TRUE)
writeLines(cases, file.path(outdir, "cases.txt"))
