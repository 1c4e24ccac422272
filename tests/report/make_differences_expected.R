# Expected change columns of tests/report/specs/differences.yml's report.md, from R's survey
# package: each level's difference of proportions (svycontrast of svytotals, Holm over the
# question's levels within the pair) and each score's (svycontrast, p not adjusted), t on the
# whole design's df, formatted as report.md writes them. Run from the repository root:
#   Rscript tests/report/make_differences_expected.R
# Writes tests/report/expected/differences/rows.txt and trend_note.txt (committed; the tests
# never call R).
# Made with survey 4.1.1.
suppressPackageStartupMessages(library(survey))
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/report", "..",
                 "oracle", "helpers.R"))
sp <- read_report_scores() # (rec's 98 missing; the stratified cluster design)
d <- sp$d; des <- sp$des
df <- degf(des)
fans <- d$grp == 2
others <- !is.na(d$grp) & d$grp != 2
contrast <- function(y, a, b) { # y: values (NA = no answer); a, b: the two segments' rows
    ans <- !is.na(y)
    a <- as.numeric(a & ans); b <- as.numeric(b & ans)
    y[is.na(y)] <- 0
    r <- contrast_sides(des, y, a, b)
    diff <- r$diff; se <- r$se; q <- qt(0.975, df)
    w <- weights(des) # (each side's share, for report.md's '+' at a side of 0% or 100%)
    c(diff = diff, lo = diff - q * se, hi = diff + q * se, p = 2 * pt(-abs(diff / se), df),
      pa = sum(w * y * a) / sum(w * a), pb = sum(w * y * b) / sum(w * b))
}
pstr <- function(p) if (p < 0.001) "p < 0.001" else sprintf("p = %.3f", p)
# a p is followed by '+' when one side only is at 0% or 100% (that side adds no variance)
bound <- function(r) {
    at <- function(x) x == 0 || x == 1
    if ((at(r[["pa"]]) || at(r[["pb"]])) && r[["pa"]] != r[["pb"]]) "+" else ""
}
pct <- function(r, p) sprintf("%+.1f [%+.1f, %+.1f] %s%s", 100 * r[["diff"]], 100 * r[["lo"]],
                              100 * r[["hi"]], pstr(p), bound(r))
levels_cells <- function(y, lv, a, b) {
    rs <- lapply(lv, function(l) contrast(ifelse(is.na(y), NA, as.numeric(y == l)), a, b))
    padj <- p.adjust(sapply(rs, function(r) r[["p"]]), method = "holm")
    mapply(pct, rs, padj)
}
out <- c()
# sat: fans vs others, each level's row ends with its change cell; the mean's row too
sat_lab <- c("Very dissatisfied", "Dissatisfied", "Neither", "Satisfied", "Very satisfied")
cells <- levels_cells(d$sat, 1:5, fans, others)
for (i in 1:5) out <- c(out, paste0("sat|", sat_lab[i], "|", cells[i]))
m <- contrast(d$sat, fans, others)
out <- c(out, paste0("sat|Mean (1-5)|", sprintf("%+.2f [%+.2f, %+.2f] %s", m[["diff"]], m[["lo"]],
                                                 m[["hi"]], pstr(m[["p"]]))))
# rec: fans vs all, fans vs rest; the NPS row (whole points)
nps <- ifelse(d$rec >= 9, 100, ifelse(d$rec >= 7, 0, -100))
all <- rep(TRUE, nrow(d))
cells_all <- levels_cells(d$rec, 10, fans, all) # level 10 (Holm over all 11 levels below)
lv <- sort(unique(d$rec[!is.na(d$rec)]))
c_all <- levels_cells(d$rec, lv, fans, all)
c_rest <- levels_cells(d$rec, lv, fans, !fans)
out <- c(out, paste0("rec|10|", c_all[length(lv)], "|", c_rest[length(lv)]))
na <- contrast(nps, fans, all); nr <- contrast(nps, fans, !fans)
npsc <- function(r) sprintf("%+.0f [%+.0f, %+.0f] %s", r[["diff"]], r[["lo"]], r[["hi"]], pstr(r[["p"]]))
out <- c(out, paste0("rec|NPS (-100 to +100)|", npsc(na), "|", npsc(nr)))
dir.create("tests/report/expected/differences", showWarnings = FALSE)
writeLines(out, "tests/report/expected/differences/rows.txt")
# rec's trend table (waves: others, fans; compare: fans:others): the chart's footer line of
# the significant changes (Holm over the levels, p < 0.05), in the levels' order
rs <- lapply(lv, function(l) contrast(ifelse(is.na(d$rec), NA, as.numeric(d$rec == l)), fans, others))
padj <- p.adjust(sapply(rs, function(r) r[["p"]]), method = "holm")
sig <- which(padj < 0.05)
items <- sprintf("%s, Group 2 vs Others: %+.1f points (p = %.2g)", lv[sig],
                 100 * sapply(rs[sig], function(r) r[["diff"]]), padj[sig])
writeLines(paste0("Significant changes (Holm-adjusted p < 0.05): ", paste(items, collapse = "; "), "."),
           "tests/report/expected/differences/trend_note.txt")
