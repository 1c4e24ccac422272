# Labels in one cell joined by "; ", some holding a ',' ("Late, damaged or missing delivery;
# Wrong item"), read with --codes-sep ';': R splits each cell at ';' alone (strsplit, the
# pieces trimmed, each once), and each label's share is svyciprop (logit) and svymean (deff)
# of its 0/1 on the rows holding a label, as make_fixtures.R does for --multi-codes; a
# stratified cluster design (region, point), by wave. Run from the repository root:
#   Rscript tests/oracle/make_codes_sep_fixtures.R
# It reads tests/oracle/codes_sep/panel_labels.csv (800 rows of a synthetic labelled panel
# export: /tmp/user5/gen.py's panel.csv, its id, weight, region, sampling point, wave and
# problems columns) and writes NAME.csv (R's answers, shopstat's csv columns, %.17g) and
# cases.txt (NAME|ARGS, run from tests/oracle by run.sh). Deterministic; R 4.x, survey 4.1.1.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
outdir <- file.path(root, "codes_sep")
path <- file.path(outdir, "panel_labels.csv")
txt <- read.csv(path, colClasses = "character", na.strings = "", encoding = "UTF-8")
num <- read.csv(path, na.strings = "", stringsAsFactors = FALSE, encoding = "UTF-8")
codes <- lapply(strsplit(ifelse(is.na(txt$problems), "", txt$problems), ";", fixed = TRUE),
                function(cc) unique(setdiff(trimws(cc), "")))
held <- lengths(codes) > 0
levels <- sort_levels(unlist(codes))
stopifnot("Late, damaged or missing delivery" %in% levels, length(levels) == 6)
des <- svydesign(ids = ~point, strata = ~region, weights = ~wt, data = num, nest = TRUE)
w <- num$wt
waves <- sort(unique(txt$wave))
segs <- c(list(all = rep(TRUE, nrow(num))),
          setNames(lapply(waves, function(v) txt$wave == v), paste0("wave=", waves)))

rows <- NULL
for (l in levels) for (s in names(segs)) {
    d <- segs[[s]] & held
    y <- as.numeric(vapply(codes, function(cc) l %in% cc, TRUE))
    rows <- rbind(rows, tab_logit_row(des, y, d, w, "problems", l, s))
}
write.csv(rows, file.path(outdir, "panel_codes_sep.csv"), row.names = FALSE, quote = FALSE)
writeLines(c("# Oracle cases of make_codes_sep_fixtures.R: NAME|shopstat ARGS (run from tests/oracle).",
             "# Generated: do not edit by hand.",
             paste0("panel_codes_sep|tab codes_sep/panel_labels.csv --weight wt --strata region ",
                    "--psu point --multi-codes problems=problems --codes-sep ; --by wave")),
           file.path(outdir, "cases.txt"))
