/* Report-quality charts (bars, differences, Likert, trends, scores) drawn with cairo and Pango. */
#ifndef SHOPSTAT_CHART_H
#define SHOPSTAT_CHART_H

#include <stddef.h>

#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cairo's context is named by its struct (cairo.h: typedef struct _cairo cairo_t), not its
 * typedef, so that callers need not include cairo.h unless they draw on their own context,
 * and may include it before or after this header under any C standard (C99 forbids the
 * typedef twice: -std=c99 -Wpedantic -Werror refused the pair). A cairo_t * is one. */
struct _cairo;

/* The chart module never sees raw data: callers (tab, compare, report) copy their results
 * into the plain structs below. Every pointer is borrowed for the duration of the call;
 * nothing is kept afterwards. Proportions are in [0, 1] (a score chart's values are in score
 * units instead); NAN means "not available". */

typedef enum shopstat_chart_type {
    SHOPSTAT_CHART_BARS = 0, /* grouped horizontal bars: levels x segments */
    SHOPSTAT_CHART_DIFF,     /* dot-and-whisker of differences (compare) with a zero line */
    SHOPSTAT_CHART_LIKERT,   /* diverging stacked bars for an ordinal scale, one row per segment */
    SHOPSTAT_CHART_TREND,    /* lines across waves with CI bands */
    SHOPSTAT_CHART_SCORE     /* one score (a mean, an NPS) per segment: a dot and its CI on
                                the score's own axis, one row per segment (appended: set by
                                the caller, not parsed from --chart-type); several items'
                                (a grid's): a group of rows per item */
} shopstat_chart_type;

typedef enum shopstat_chart_sort {
    SHOPSTAT_CHART_SORT_ALL = 0, /* levels by decreasing value of the 'all' series; difference
                                    charts by decreasing difference (first comparison) instead
                                    ("Other", "None", "Don't know"-like levels stay last) */
    SHOPSTAT_CHART_SORT_NONE     /* levels in the order given */
} shopstat_chart_sort;

typedef enum shopstat_chart_format {
    SHOPSTAT_CHART_PDF = 0,
    SHOPSTAT_CHART_PNG,
    SHOPSTAT_CHART_SVG
} shopstat_chart_format;

/* Presentation options shared by every chart of a call. Initialise with
 * shopstat_chart_opts_init(), then override. Strings may be NULL (= omitted). */
typedef struct shopstat_chart_opts {
    double width, height;     /* page size in points; default 842 x 595 (A4 landscape) */
    const char *title;        /* NULL = the question's label (or name) */
    const char *subtitle;     /* one line under the title, wrapped if long */
    const char *source;       /* footer "Source: ..." line (--source) */
    const char *const *notes; /* extra footer lines, nnotes of them */
    size_t nnotes;
    shopstat_chart_type type;  /* default SHOPSTAT_CHART_BARS */
    shopstat_chart_sort sort;  /* default SHOPSTAT_CHART_SORT_ALL (bars and diff charts) */
    int zoom;                  /* 1 = value axis fitted to the data instead of 0-100% (score
                                  charts: instead of the whole scale) */
    int show_ci;               /* 1 (default) = draw CI whiskers / bands and say so in the footer */
    double ci_level;           /* e.g. 0.95 (default); used in the footer text only */
    const char *ci_method;     /* e.g. "logit", "Wilson"; NULL = not stated */
    const char *weight_note;   /* e.g. "Weighted by wt (rim weighting to region x size)";
                                  NULL = "Unweighted." */
    const char *adjust_method; /* p-value adjustment for diff charts, e.g. "Holm"; NULL = none */
    double alpha;              /* significance level for diff charts' legend text; default 0.05 */
    const char *sig_note;      /* explains the significance markers on bars, e.g.
                                  "a: significantly higher than All buyers (Holm, 5%)" */
    double low_base;           /* effective bases below this are drawn pale and hatched; 30 */
    int decimals;              /* decimals of percentage labels; 0 (default) to 2; score
                                  charts: decimals added to those of the scale's width */
    double png_scale;          /* PNG pixels per point; default 2 (1684 x 1190 for A4) */
    int compact;               /* 1 = the chart takes the height its rows need, from the top of
                                  its w x h rectangle, its footer right under its axis, and leaves
                                  the rest of the rectangle untouched (0, the default: the footer
                                  at the foot of the rectangle): for a caller that stacks charts
                                  on a page, as report.pdf does with a question's score charts.
                                  The type keeps the size it has on the whole w x h, and a score
                                  chart's rows are as tight as its labels allow.
                                  shopstat_chart_compact_height() says how tall it is; a trend
                                  chart's plot is 0.4 of its width tall. 2 = compact and
                                  tight: a Likert chart's rows too at the least pitch their
                                  labels allow (report.pdf, so that two short charts share a
                                  page that their usual pitch would overfill by a few points). */
    int fit_height;            /* 1 = shopstat_chart_render_pages() cuts each page to the
                                  height its chart takes: the chart is laid out compact on
                                  width x height (the type of that page) and the page (PDF,
                                  PNG, SVG) is as tall as shopstat_chart_compact_height() says,
                                  so that two Likert rows do not sit on a page of empty space.
                                  A trend's plot is 0.4 of its width tall. 0 (default): the page
                                  is width x height. The CLI sets it unless --chart-size is
                                  given. shopstat_chart_draw() ignores it (its caller owns
                                  the page). */
    const char *rows_note;     /* (appended) the rows read but left out, said after the
                                  footer's base ("113 of the 3,000 rows read are left out
                                  (speeders: 100; duplicates of record: 13).",
                                  shopstat_rows_left_out_note()), so that a chart pasted
                                  alone still accounts for every row; NULL or "" = none */
    double label_width;        /* (appended) bar, difference, Likert and score charts: the
                                  least width, in points, of the level (or row) labels'
                                  column (within its usual share of the width); */
    double value_width;        /* bar charts: of the room right of the axis for the value
                                  labels and their marks; 0 (default) = their own. report.pdf
                                  gives the charts it stacks on a page the label columns that
                                  start their plot areas at one x, and its bar charts the
                                  widest room for values, so that their axes line up. */
} shopstat_chart_opts;

/* Defaults as documented above. o must not be NULL. */
void shopstat_chart_opts_init(shopstat_chart_opts *o);

/* One answer level (row of a bar chart, scale point of a Likert chart, line of a trend). */
typedef struct shopstat_chart_level {
    const char *code;  /* data code, e.g. "3"; may be NULL */
    const char *label; /* display label (UTF-8); NULL = code */
    int last;          /* sorting: 1 = keep at the end, -1 = never, 0 = automatic
                          (labels such as "Other", "None", "Don't know", "Autre", "NSP") */
} shopstat_chart_level;

/* One segment (bar colour, Likert row). */
typedef struct shopstat_chart_series {
    const char *name;  /* short name, e.g. "all", "heavy"; the series named "all" (any case)
                          drives the sorting of bar charts, else series 0 does */
    const char *label; /* legend label, e.g. "Heavy buyers"; NULL = name */
    double base_n;     /* unweighted base (respondents); NAN = not shown */
    double eff_base;   /* effective base (n / deff); NAN = not shown */
} shopstat_chart_series;

/* One estimate: a level in a series (or a wave of a trend line, or a segment's score). */
typedef struct shopstat_chart_cell {
    double value;    /* proportion in [0, 1] (a score chart: the score, within
                        [score_min, score_max]); NAN = not available ("n/a", gap) */
    double lo, hi;   /* CI bounds in [0, 1] (a score chart: finite, in score units, and may
                        pass the scale's ends: the whisker is cut there, with an
                        arrowhead); NAN = no whisker */
    double eff_base; /* effective base of this estimate; NAN = the series' eff_base */
    const char *sig; /* significance marker drawn after the value label, e.g. "a", "▲";
                        NULL or "" = none */
} shopstat_chart_cell;

/* One difference for a difference chart (e.g. heavy minus all buyers, in proportion units). */
typedef struct shopstat_chart_diff {
    double diff;     /* difference of proportions, in [-1, 1]; NAN = not available */
    double lo, hi;   /* its CI, finite, which may pass -1 or 1 (a Wald interval on a small
                        sample: R's svycontrast gives -1.05): the whisker stops at the axis's
                        -100 or +100 points, its label gives the bound; NAN = no whisker */
    double p_adj;    /* adjusted p-value; NAN = not shown */
    int significant; /* 1 = highlighted (the caller decides, e.g. p_adj < alpha) */
    int side_at_bound; /* (appended) 1 = one side only is at 0% or 100%
                          (shopstat_difference_side_at_bound): its p is marked "+" and the
                          footer says why */
} shopstat_chart_diff;

/* Everything drawn for one question. Initialise with shopstat_chart_data_init() (which sets
 * neutral to -1), then fill. Arrays are indexed as documented; all borrowed. */
typedef struct shopstat_chart_data {
    const char *name;      /* question (variable) name, e.g. "q7"; used for file names */
    const char *label;     /* question text; NULL = name */
    const char *base_note; /* footer base description, e.g. "All buyers in the last 12 months" */
    int multi_response;    /* 1 = footer says "Multiple answers allowed" */

    const shopstat_chart_level *levels; /* nlevels, in display order before sorting */
    size_t nlevels;
    const shopstat_chart_series *series; /* nseries segments */
    size_t nseries;

    /* Bars and Likert: cells[level * nseries + series]. */
    const shopstat_chart_cell *cells;

    /* Likert: index of the neutral level (centred on zero), or -1 for an even scale
     * (split between the lower and the upper half). */
    long neutral;

    /* Difference charts: ncompare comparisons (e.g. "Heavy minus all buyers"), and
     * diffs[level * ncompare + c]. */
    const char *const *compare_labels;
    size_t ncompare;
    const shopstat_chart_diff *diffs;

    /* Trends: nwaves wave labels (x axis, in time order) and
     * trend[(level * nseries + series) * nwaves + wave]; one line per (level, series).
     * With score_min and score_max set (not both 0; below), the trend is a score's: its
     * cells in the score's units (checked as a score chart's), the axis and the labels as a
     * score chart's ("+23"), and a cell's sig printed after its value label ("+51▲"; a
     * proportions' trend draws no sig). */
    const char *const *waves;
    size_t nwaves;
    const shopstat_chart_cell *trend;

    /* Optional per-chart options (type, title, size, ...) replacing the call's options for
     * this chart only, so one PDF can hold charts of different kinds; NULL = the call's. */
    const shopstat_chart_opts *opts;

    /* Trends (appended; NULL = not shown): the bases of each wave, as a series gives them
     * (base_n, eff_base; name and label unused), wave_bases[series * nwaves + wave], printed
     * under each wave's label ("n=412", "n=40, eff. n=28.5"). */
    const shopstat_chart_series *wave_bases;

    /* Score charts (SHOPSTAT_CHART_SCORE; appended): one level, the score (its label, e.g.
     * "Net Promoter Score", titles the axis; NULL label and code = no axis title), and
     * cells[series] its estimate in each segment, in score units. score_min and score_max are
     * the ends of the score's scale (shopstat_score_estimate's min and max: -100 and 100 for
     * an NPS, 1 and 5 for a 1-5 mean), finite with score_min < score_max: the axis spans them
     * unless opts zoom. A scale below zero prints values signed ("+23", "−17") and draws
     * a zero line; values take decimals by the scale's width (0 for 100 and wider, 1 from 10,
     * 2 below: "+23", "7.4", "3.84"), plus opts decimals. */
    double score_min, score_max;

    /* Likert (appended; NULL = none): the significance mark of each row's side totals,
     * side_sig[side * nseries + series], side 0 the total left of the centre (the lower
     * points), 1 the right one; a mark (shopstat_chartset's letters or triangles) or NULL,
     * printed beside the total. */
    const char *const *side_sig;

    /* Likert (appended; NULL and 0 = an axis of its own): the charts drawn to one axis with
     * this one, naxis_with of them (a grid's charts, one per segment; this one may be among
     * them). Its axis then spans the longest side of every row of all of them, and its
     * columns for row labels, totals and their marks are as wide as the widest of theirs, so
     * that their centre lines, ticks and bars line up and read on one scale. Each must be
     * Likert data with as many levels as this one; their own axis_with is not followed. */
    const struct shopstat_chart_data *const *axis_with;
    size_t naxis_with;
    /* Score charts of several items (appended; a grid's scores): with nlevels > 1 the levels
     * are the items (their labels head groups of rows), cells[level * nseries + series] each
     * item's score in each segment, a row per segment within each item's group, and
     * score_axis (NULL = none) titles the axis. With one level it is unused: that level's
     * label titles the axis, as above. item_bases (NULL = the series') are the bases of
     * each row, item_bases[level * nseries + series] (name and label unused): each item's
     * base in a segment is its own (the rows answering it). */
    const char *score_axis;
    const shopstat_chart_series *item_bases;
    /* Score charts and a score's trend (appended): 1 when the score is a measure's
     * (shopstat_score_estimate.measure: a reply time, an amount), whose values then take
     * score_measure_decimals (its measure_decimals, 0 to 3) plus opts decimals, not the
     * scale's width's; 0 (the default): by the width, as above. */
    int score_measure, score_measure_decimals;
    /* Score charts and a score's trend (appended): 1 when the score is a quantile
     * (shopstat_score_estimate.quantile): the footer says its whiskers are Woodruff's
     * intervals (the share at or below it +- t x SE, mapped back to values), not estimate
     * +- t x SE. */
    int score_quantile;
} shopstat_chart_data;

/* Zero d, with neutral = -1 (no neutral level). d must not be NULL. */
void shopstat_chart_data_init(shopstat_chart_data *d);

/* Draw one chart of type opts->type on a caller-owned context, in user units (points) over
 * the rectangle (0, 0, w, h) of the current transformation. The context's state is restored
 * on return. Fails with SHOPSTAT_EUSAGE for a size outside 144..14400 points or one too small
 * for the chart's rows (the message says the height needed), SHOPSTAT_EINPUT for inconsistent
 * data (missing arrays, proportions outside [0, 1], lo > hi; a score chart: a scale that is
 * not a range, a score outside it, no level), SHOPSTAT_EINTERNAL if cairo
 * reports an error. opts may be NULL (defaults); d->opts, when set, is used instead. */
shopstat_status shopstat_chart_draw(struct _cairo *cr, double w, double h,
                                    const shopstat_chart_data *d, const shopstat_chart_opts *opts,
                                    shopstat_error *err);

/* The height, in points from the top, that a chart drawn by shopstat_chart_draw() on w x h
 * takes with opts->compact set (whatever opts->compact says): its title, its rows at their
 * compact pitch, its axis and its footer, at most h. Sets *height. Errors as
 * shopstat_chart_draw(): SHOPSTAT_EUSAGE (with the height needed) when the chart does not fit
 * in w x h even so. opts may be NULL (defaults); d->opts, when set, is used instead. */
shopstat_status shopstat_chart_compact_height(const shopstat_chart_data *d,
                                              const shopstat_chart_opts *opts, double w, double h,
                                              double *height, shopstat_error *err);

/* Check a chart's data and options without drawing (same errors as shopstat_chart_draw except
 * the "too small" layout error). */
shopstat_status shopstat_chart_validate(const shopstat_chart_data *d,
                                        const shopstat_chart_opts *opts, shopstat_error *err);

/* Render n charts to path, whose extension (.pdf, .png, .svg, any case) picks the format.
 * Each chart uses its own d->opts when set, else opts (NULL = defaults); PDF pages take each
 * chart's size. PDF: one page per chart. PNG and SVG: one file when n == 1, otherwise one file per
 * chart named as shopstat_chart_page_path() says. Each file is written to a temporary file in the
 * same folder and renamed when complete, so a failure leaves no partial file. Output is
 * deterministic: the same input gives byte-identical files (the PDF dates are fixed).
 * Errors: SHOPSTAT_EUSAGE (unknown extension, bad size, n == 0), SHOPSTAT_EINPUT (data),
 * SHOPSTAT_EIO (cannot write; err->file is the path). */
shopstat_status shopstat_chart_render_pages(const char *path,
                                            const shopstat_chart_data *const *charts, size_t n,
                                            const shopstat_chart_opts *opts, shopstat_error *err);

/* shopstat_chart_render_pages() for one chart. */
shopstat_status shopstat_chart_render_file(const char *path, const shopstat_chart_data *chart,
                                           const shopstat_chart_opts *opts, shopstat_error *err);

/* SHOPSTAT_OK when chart d fits its options' width x height page as drawn there without
 * fit_height (the layout of a page of that size, as report.pdf draws a chart on A4);
 * SHOPSTAT_EUSAGE (with the height needed) when it does not; other errors as
 * shopstat_chart_draw(). Nothing is written. opts may be NULL (defaults); d->opts, when set,
 * is used instead. */
shopstat_status shopstat_chart_fits(const shopstat_chart_data *d, const shopstat_chart_opts *opts,
                                    shopstat_error *err);

/* The format for path's extension. SHOPSTAT_EUSAGE with a message naming the choices. */
shopstat_status shopstat_chart_format_from_path(const char *path, shopstat_chart_format *fmt,
                                                shopstat_error *err);

/* File name used for chart i of n written to path: path itself when n == 1 or the format is
 * PDF, else "<path without extension>-<question name>.<ext>" (characters other than
 * letters, digits, '.', '_' and '-' become '_'; an empty name becomes "q<i+1>"). Writes at
 * most size bytes including the NUL; returns SHOPSTAT_ELIMIT if it does not fit. Note: two
 * charts with the same name get the same file name; render_pages then appends "-<i+1>". */
shopstat_status shopstat_chart_page_path(const char *path, const char *question, size_t i, size_t n,
                                         char *buf, size_t size, shopstat_error *err);

/* Parse a chart size "WxH" in points ("842x595", 'X' also accepted) or a name: "a4" (842x595),
 * "a4-portrait" (595x842), "letter" (792x612), "slide" (960x540). Both sides must be in
 * 144..14400. SHOPSTAT_EUSAGE otherwise, with a message for --chart-size. */
shopstat_status shopstat_chart_size_parse(const char *s, double *w, double *h, shopstat_error *err);

/* Parse "bars", "diff" (or "difference"), "likert", "trend". SHOPSTAT_EUSAGE otherwise
 * ("score" too: a score chart is drawn from scores, not chosen for a table of proportions). */
shopstat_status shopstat_chart_type_parse(const char *s, shopstat_chart_type *t,
                                          shopstat_error *err);

/* Parse "all" or "none" (--sort). SHOPSTAT_EUSAGE otherwise. */
shopstat_status shopstat_chart_sort_parse(const char *s, shopstat_chart_sort *sort,
                                          shopstat_error *err);

/* Stable name of a chart type ("bars", "diff", "likert", "trend", "score"); never NULL. */
const char *shopstat_chart_type_name(shopstat_chart_type t);

/* 1 if a level label reads like a residual answer that sorting keeps last ("Other ...",
 * "None", "Don't know", "No answer", "Refused", "Autre", "Aucun", "Ne sait pas", "NSP"...),
 * compared case-insensitively at the start of the label. */
int shopstat_chart_label_is_residual(const char *label);

#ifdef __cplusplus
}
#endif
#endif
