/* Excel workbook of report tables (libxlsxwriter): one sheet per table. */
#ifndef SHOPSTAT_XLSX_H
#define SHOPSTAT_XLSX_H

#include <stddef.h>

#include "shopstat/compare.h"
#include "shopstat/error.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One report table: the estimates of one question in its segments, with labels.
 * est holds nlevels x nsegments rows in shopstat_tab_estimates order (level-major,
 * segment-minor), est[l * nsegments + s]. diffs (may be NULL) are the table's
 * comparisons; a pair (a, b) marks cells of a that are significantly higher than b
 * (and vice versa) with the column letter of the other segment. Labels may be NULL
 * (then the code / name is shown). */
typedef struct shopstat_xlsx_table {
    const char *name;       /* table id: sheet name (truncated/uniquified to Excel's 31 chars) */
    const char *title;      /* question label */
    const char *base_note;  /* e.g. "Base: sites that display a phone number"; may be NULL */
    int multi;              /* multi-response: "multiple answers allowed" note */
    size_t nlevels, nsegments;
    const char *const *level_labels;   /* [nlevels] */
    const char *const *segment_labels; /* [nsegments] */
    const shopstat_estimate *est;      /* [nlevels * nsegments] */
    const shopstat_difference *diffs;
    size_t ndiffs;
    /* Scores of the question (appended; nscores 0 = none): a row each under the levels,
     * labelled score_labels[k], scores[k * nsegments + s] in the score's units (the
     * segments in est's order); score_diffs (l = k) mark them as diffs mark the levels. */
    size_t nscores;
    const char *const *score_labels;
    const shopstat_score_estimate *scores;
    const shopstat_difference *score_diffs;
    size_t nscore_diffs;
    /* A grid (appended; nitems 0 = none): items[k] is item k's own table (est, diffs,
     * scores: the same levels, segments and scores in each), item_labels[k] its row label.
     * The sheet is laid out as report.md's: a block of rows per segment, a row per item, a
     * block of columns (%, sig., CI low, CI high) per level, then the scores and the item's
     * bases. name, title and base_note are the grid's; nlevels, nsegments, level_labels,
     * segment_labels and est are those of items[0]. */
    const struct shopstat_xlsx_table *items;
    const char *const *item_labels;
    size_t nitems;
    /* The note under the table when some estimate has no interval (no_interval: its CI
     * cells read "df 0"), e.g. "No interval for Heavy: design df 0 (...)."; may be NULL. */
    const char *df0_note;
    /* 1: after the segments' blocks, a block per comparison (a: b, as diffs and score_diffs
     * name them, in the order of their first difference): each level's difference, its
     * interval and adjusted p, each score's (p not adjusted), as report.md's change column
     * (a spec's differences: true). Not for a grid. */
    int differences;
    /* (appended) The note under the table when rows of its base are in no column of a by:
     * segment, their column missing there: "Rows with no sector are in All only, in no
     * sector column: 12 of the 827 answering (1.5% of the weighted base)."; may be NULL. */
    const char *by_note;
    /* (appended) 1: no row per level, the scores' rows alone (a measure's table, a reply
     * time's 181 values; a question scored by quantiles alone), as report.md shows it; est
     * still gives the bases, and diffs (the levels') are not read. Not for a grid. */
    int scores_only;
} shopstat_xlsx_table;

typedef struct shopstat_xlsx_opts {
    const char *title;    /* workbook title (document properties and the contents sheet) */
    const char *note;     /* e.g. "Synthetic data built to match published figures"; may be NULL */
    const char *ci_note;  /* e.g. "95% CI, logit method"; may be NULL */
    double alpha_upper;   /* upper-case letters, default 0.05 */
    double alpha_lower;   /* lower-case letters, default 0.10 */
    const char *rows_note; /* the row accounting, "Rows: 3000 read = 2887 used + 113 excluded
                              (...)", on the contents sheet; may be NULL */
    const char *design_note; /* the design, "Design: replicate weights REPWT (Fay's BRR, rho
                                0.5; ...), weight FINALWT, ...", on the contents sheet; may
                                be NULL */
    const char *source;      /* "Source: SOURCE" under the title of the contents sheet and under
                                every table (a table pasted into a slide keeps it); may be NULL */
    int lend_stderr; /* 1: descriptor 2 is lent to a temporary file while the workbook is
                        closed, so that libxlsxwriter's own "[ERROR]" lines (a full disk)
                        stay off the terminal and their system error becomes err's reason;
                        other lines written there meanwhile are given back. Default 0: a
                        library leaves the process's descriptors alone (the CLI sets it) */
    int pct_decimals; /* (appended) decimals of the percentage cells and their bounds, 0
                         ("0%") or 1 ("0.0%", the default): a report's decimals: */
    double population_shares; /* (appended) above 0: the weights sum to this population total
                                 of shares (1) or percentages (100), fewer than the rows used
                                 (shopstat_population_warning): weighted bases are shown as
                                 shares of it, "Weighted base (share of population)" 33.7%,
                                 not 0.3 (as report.md); 0 (default): in weights */
    const char *const *warnings; /* (appended) the run's warnings, nwarnings of them, listed
                                    on the contents sheet under "Warning:" (a totals row left
                                    under the data, a rake not converged), as report.md and
                                    the title page list them; NULL (default): none */
    size_t nwarnings;
    int unadjusted; /* (appended) 1: the p-values are not adjusted (compare: {adjust: none}):
                       the notes and the letters' legend say "p", not "adjusted p"; default
                       0 */
} shopstat_xlsx_opts;

/* Fill o with the defaults: strings NULL, alpha_upper 0.05, alpha_lower 0.10. o must not
 * be NULL. */
void shopstat_xlsx_opts_init(shopstat_xlsx_opts *o);

/* Write the workbook to path (the caller makes it atomic by writing into a temporary
 * folder). SHOPSTAT_EIO on failure with the reason in err. */
shopstat_status shopstat_xlsx_write(const char *path, const shopstat_xlsx_table *tables,
                                    size_t ntables, const shopstat_xlsx_opts *o,
                                    shopstat_error *err);

#ifdef __cplusplus
}
#endif
#endif
