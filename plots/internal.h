/* Declarations shared by the chart files in plots/: text, colours, frame, axes, chart kinds. */
#ifndef SHOPSTAT_PLOTS_INTERNAL_H
#define SHOPSTAT_PLOTS_INTERNAL_H

#include "../engine/symbols.h" /* first: the internal names as linked */

#include <cairo.h>

#include "shopstat/chart.h"
#include "shopstat/score.h"

typedef struct plots_rgb {
    double r, g, b;
} plots_rgb;

typedef struct plots_rect {
    double x, y, w, h;
} plots_rect;

/* How plots_text() places and styles a block of text. */
typedef struct plots_font {
    double size; /* points */
    int bold;
    int italic;
    plots_rgb colour;
    double halign; /* 0 = x is the left edge, 0.5 = centre, 1 = right edge */
    double valign; /* 0 = y is the top, 0.5 = middle, 1 = bottom */
    int ltr;       /* 1 = a left-to-right paragraph whatever its first letter (a legend item:
                      name, then bases); 0 = the direction of its first strong character */
} plots_font;

/* The one text entry point of the chart module: lays s (UTF-8) out with Pango in DejaVu Sans
 * at 72 dpi, wrapped at word (else character) boundaries to at most width points when
 * width > 0 (never ellipsized), and draws it anchored at (x, y) when draw is 1. Returns the
 * block's logical size in *w and *h (either may be NULL). */
void plots_text(cairo_t *cr, const char *s, double x, double y, double width, const plots_font *f,
                int draw, double *w, double *h);
/* plots_text, and in *last_end where the block's last line ends (its right edge, from the
 * block's left; a wrapped title's last line is shorter than the block's width), may be
 * NULL. */
void plots_text_last(cairo_t *cr, const char *s, double x, double y, double width,
                     const plots_font *f, int draw, double *w, double *h, double *last_end);

/* The gap between a value label and its significance marks sig: a word space of the marks'
 * font f as it stands before sig's first character, the space that also stands between a
 * mark's letters and its triangle ("87% A ▲"), so that the value, letters and triangles stand
 * evenly apart at any type size. */
double plots_mark_gap(cairo_t *cr, const plots_font *f, const char *sig);

/* A font of the given size and colour, left/top anchored. */
plots_font plots_font_make(double size, int bold, plots_rgb colour);

/* One page of a tall chart in report.pdf: the rows [row0, row1) of its display order (a bar
 * chart's levels with their bars, a difference chart's rows), laid out at a fixed pitch, the
 * same on every page; cont = a page after the first (title "(continued)", the legend without
 * the bases), more = pages follow (the footer says so). */
typedef struct plots_page {
    size_t row0, row1;
    int cont, more;
} plots_page;

/* Everything a chart kind needs besides its data. */
typedef struct plots_ctx {
    cairo_t *cr;
    const shopstat_chart_opts *o;
    const shopstat_chart_data *d;
    double w, h;     /* chart size in points */
    double s;        /* type scale: 1 at A4 landscape */
    plots_rect body; /* area between the title block and the footer */
    int low_used;    /* set by a chart kind that drew a low-base cell */
    int sig_used;    /* set when significance markers were drawn */
    double need_h;   /* set by plots_too_small: the page height this layout asked for, */
    const char *need_what; /* and for what */
    const plots_page *page; /* NULL: the whole chart on its page */
    shopstat_error *err;
    int compact; /* opts compact (never on a report's page of rows): rows as tight as they
                    may be (score charts), the footer under the plot; 2: tight (Likert rows
                    at their labels' least pitch too) */
    double used; /* set by a chart kind: the bottom of what it drew (its axis and the axis's
                    title), where a compact chart's footer goes; 0 = the body's bottom */
} plots_ctx;

/* The rows of a chart that report.pdf can lay out over pages (plots_page): a bar chart's
 * levels, a difference chart's rows; 0 for the kinds it cannot (Likert, trend). */
size_t plots_page_rows(const shopstat_chart_data *d, const shopstat_chart_opts *o);
/* Draw rows pg->row0..row1 of a chart as one page of w x h (the chart's own options but this
 * size); SHOPSTAT_EUSAGE when they do not fit. */
/* A chart too tall for its w x type_h page with fit_height: the height of a page of width w
 * that holds it with the type of w x type_h (a compact chart: as tall as its rows; a trend:
 * the least height its layout accepts), at least type_h and at most the largest page; then
 * plots_draw_typed() draws it there. SHOPSTAT_EUSAGE when no such page holds it. */
shopstat_status plots_grown_height(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                   double w, double type_h, double *height, shopstat_error *err);
/* shopstat_chart_compact_height with the type of a w x type_h page (0: of w x h): a page of
 * charts scaled down is laid out wider at the page's type, to span the page once scaled. */
shopstat_status plots_compact_height_typed(const shopstat_chart_data *d,
                                           const shopstat_chart_opts *opts, double w, double h,
                                           double type_h, double *height, shopstat_error *err);
shopstat_status plots_draw_typed(cairo_t *cr, double w, double h, double type_h,
                                 const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                 shopstat_error *err);

/* A chart as its page draws it: draw (its own options or the call's) and the page's height;
 * with fit_height (but a trend chart) the chart compact on width x height and the page as
 * tall as it takes (whole points); with fit_height, a chart that does not fit width x height
 * on a taller page with the type of width x height (type_h: that height; 0 = the page's own
 * type), as the CLI's help promises ("as tall as the chart") rather than failing. dc.opts, if
 * set, points at draw: a plan is not to be copied. */
typedef struct plots_page_plan {
    shopstat_chart_opts draw;
    shopstat_chart_data dc;
    double height;
    double type_h;
} plots_page_plan;

/* Plan chart d's page under options o (render.c: the page the chart files give it). */
shopstat_status plots_plan_page(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                plots_page_plan *pp, shopstat_error *err);
/* Draw a planned chart within (0, 0, pp->draw.width, pp->height) of cr. */
shopstat_status plots_draw_planned(cairo_t *cr, const plots_page_plan *pp, shopstat_error *err);

shopstat_status plots_draw_page(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                const shopstat_chart_opts *o, const plots_page *pg,
                                shopstat_error *err);

/* Palette and greys. */
plots_rgb plots_series_colour(size_t i);
extern const plots_rgb PLOTS_BLUE, PLOTS_ORANGE, PLOTS_GREEN, PLOTS_PURPLE, PLOTS_SKY,
    PLOTS_VERMILLION, PLOTS_YELLOW; /* Okabe-Ito hues */
/* Rec. 709 luma (0-1) of an sRGB colour: its grey when printed in greyscale. */
double plots_luma(plots_rgb c);
/* c darkened (mixed with black) or lightened (with white) to luma y. */
plots_rgb plots_at_luma(plots_rgb c, double y);
plots_rgb plots_mix(plots_rgb c, plots_rgb with, double t);
/* WCAG 2 contrast ratio of c against white (1-21). */
double plots_contrast_on_white(plots_rgb c);
/* Text on a fill of colour fill: white or the ink, whichever has the higher WCAG 2 contrast
 * ratio against it. */
plots_rgb plots_text_on(plots_rgb fill);
/* c darkened, hue kept, to a contrast of at least ratio against white (unchanged if it has it). */
plots_rgb plots_on_white(plots_rgb c, double ratio);
/* Colour of series i as a line or small mark (trend lines, points, their value labels take
 * it darker still): plots_series_colour(i) at 3:1 against white at least; fills keep the
 * series colour. */
plots_rgb plots_line_colour(size_t i);
void plots_set(cairo_t *cr, plots_rgb c);
/* The second cue of trend line i besides its colour, for greyscale print and for colours that
 * look alike (orange and yellow darkened to 3:1): a dash pattern (in points at type scale 1;
 * ndash 0 = solid, line 0) and a marker shape at its points and by its end label. The first
 * eight lines differ in the pair (four patterns, four shapes); past eight they repeat, as the
 * hues do. */
enum { PLOTS_MARK_CIRCLE, PLOTS_MARK_SQUARE, PLOTS_MARK_TRIANGLE, PLOTS_MARK_DIAMOND };
typedef struct plots_line_style {
    const double *dash;
    int ndash;
    int marker;
} plots_line_style;
plots_line_style plots_line_style_of(size_t i);
/* Set the dash of style st on cr, scaled by s (solid when it has none). */
void plots_set_dash(cairo_t *cr, const plots_line_style *st, double s);
/* Add a closed marker path of the given shape centred on (x, y), of about the area of a circle
 * of radius r. */
void plots_marker_path(cairo_t *cr, int marker, double x, double y, double r);
extern const plots_rgb PLOTS_INK, PLOTS_GREY, PLOTS_LIGHT, PLOTS_GRID, PLOTS_WHITE;

#define PLOTS_PI 3.14159265358979323846

/* Type sizes (points, before scaling by ctx->s). */
#define PLOTS_PT_TITLE 17.0
#define PLOTS_PT_SUBTITLE 11.5
#define PLOTS_PT_LABEL 10.0
#define PLOTS_PT_VALUE 9.0
#define PLOTS_PT_AXIS 8.5
#define PLOTS_PT_FOOTER 7.5
#define PLOTS_PT_SWATCH 7.0 /* a letter in a legend swatch, or beside a bar */
/* The thickest bar, in multiples of the level labels' type size (PLOTS_PT_LABEL * s): 16
 * points at A4, whatever the spare height of the page. */
#define PLOTS_BAR_MAX 1.6

/* Formatting. */
void plots_fmt_pct(double p, int decimals, char *buf, size_t n);
/* "n=248, eff. n=180": an effective base below low_base never reads as low_base or more. */
void plots_fmt_base(const shopstat_chart_series *s, double low_base, char *buf, size_t n);
const char *plots_level_label(const shopstat_chart_level *l);
const char *plots_series_label(const shopstat_chart_series *s);
double plots_cell_eff(const shopstat_chart_data *d, const shopstat_chart_cell *c, size_t series);
int plots_is_low(const plots_ctx *c, double eff);

/* Display order of the levels (sorted per opts unless the type keeps scale order).
 * order must hold d->nlevels entries. */
void plots_level_order(const shopstat_chart_data *d, const shopstat_chart_opts *o, size_t *order);

/* Value axis: maps [lo, hi] onto [x0, x1]; ticks every step. */
typedef struct plots_axis {
    double lo, hi, step;
    double x0, x1;
} plots_axis;
double plots_axis_map(const plots_axis *a, double v);
/* Nice range and step covering [lo, hi] with about nticks ticks. */
void plots_axis_nice(double lo, double hi, int nticks, plots_axis *a);
/* The axis of a zoomed proportion chart (--zoom): nice ticks around the n cells' values, and
 * their CIs when show_ci, kept within 0-100%. One function for the bars, the trend lines and
 * the footer, which says the axis does not start at 0% only when this one does not. */
void plots_zoom_axis(const shopstat_chart_cell *cells, size_t n, int show_ci, plots_axis *a);
/* Below this share every value of a proportion chart is small: on a 0-100% axis its longest
 * bar would be a sliver of 10 points or less at A4 (a rare problem ticked by 0.4%: 2 points),
 * so the axis is scaled to the data instead, from 0 (bar lengths stay true). Charts of
 * larger shares keep the 0-100% axis a reader compares charts by. */
#define PLOTS_SMALL_SHARE 0.02
/* The value axis of a proportion chart (bars, a trend's lines) of the n cells: --zoom's
 * (plots_zoom_axis); else, when every value is under PLOTS_SMALL_SHARE, 0 to a nice end
 * covering the values (and CIs when show_ci), and returns 1; else 0-100% by 20%. One
 * function for the chart and its footer, which names a scaled axis's end. */
int plots_pct_axis(const shopstat_chart_cell *cells, size_t n, const shopstat_chart_opts *o,
                   plots_axis *a);
/* Decimals of a proportion chart's value labels on axis a: the options', but at least one
 * when the axis is scaled (plots_pct_axis returned 1) or spans 5% or less ("0.4%", not
 * "<1%" beside "1%"; a difference chart's "+0.3", not "0"). */
int plots_pct_decimals(const shopstat_chart_opts *o, const plots_axis *a, int scaled);
/* Decimals that the tick labels of an axis with this step (in proportion units, labelled in
 * percent or percentage points) need to name every tick exactly: 0 for steps of 5%, 1 for
 * 2.5% or 0.5%, 2 for 0.25%. One count for the whole axis, so its labels read alike. */
int plots_tick_decimals(double step);
/* A confidence bound in signed percentage points ("+2", "−3") at decimals, but one that
 * rounds to 0 shows its side of zero ("−0.3": an interval that crosses zero must not read
 * as touching it). */
void plots_fmt_bound(double v, int decimals, char *buf, size_t n);
/* A difference not significant by its (adjusted) p whose interval, not adjusted, lies clear
 * of 0: Holm's p of 0.051 beside [-5, -1]. Drawn with a dashed whisker, and the footer says
 * why the two disagree. */
int plots_diff_unadjusted_clear(const shopstat_chart_diff *x, int show_ci);

/* Horizontal legend of swatches; returns the height used. n items with colours and texts,
 * wrapped into rows within width; marks (NULL = none) are short texts drawn in the swatches.
 * draw = 0 only measures. */
double plots_legend(plots_ctx *c, double x, double y, double width, size_t n,
                    const plots_rgb *colours, const char *const *texts, const char *const *marks,
                    const int *low, int draw);
/* Series with greys of their own (plots_series_colour): past this many, bar charts letter
 * their bars and legend swatches, so that they can be matched in greyscale print. */
#define PLOTS_GREYS 6

/* Fill a rectangle as a bar; low = pale with diagonal hatching (drawn as clipped lines, not
 * as a pattern surface, so SVG output carries no process-dependent ids); s scales the
 * hatching with the type. */
void plots_bar(cairo_t *cr, double x, double y, double w, double h, plots_rgb col, int low,
               double s);

/* Height needed for a one-line label block at the given size. */
double plots_line_height(plots_ctx *c, double size);

/* The type scale of a w x h page (1 at A4 landscape; draw.c's rule for every chart). */
double plots_type_scale(double w, double h);
/* A bar chart's own widths on a w x h page (its type): *label, its level labels' column at
 * its natural width; *inset, the plot area's left edge from the body's left edge less that
 * column (the gap, and the segment letters when the bars carry them); *value, the room right
 * of its axis for value labels and marks. What report.pdf levels across the bar and
 * difference charts of a page (opts label_width, value_width). */
void plots_bar_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                      double w, double h, double *label, double *inset, double *value);
/* A difference chart's: *label, its level labels' column at its natural width; *inset, from
 * the body's left edge to the plot area's left edge less that column (the row's padding, the
 * comparisons' column, the gap). */
void plots_diff_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                       double w, double h, double *label, double *inset);
/* A Likert chart's: *label, its rows' labels (and bases) column at its natural width (of
 * the charts sharing its axis too); *inset, from that column to the plot area's left edge
 * (the gap, the left totals and their marks). */
void plots_likert_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                         double w, double h, double *label, double *inset);
/* A score chart's: *label, its rows' labels (and bases) column at its natural width;
 * *inset, from the body's left edge to the plot area's left edge less that column (the
 * row's padding, a grid's item column, the gap). */
void plots_score_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                        double w, double h, double *label, double *inset);

shopstat_status plots_draw_bars(plots_ctx *c);
shopstat_status plots_draw_diff(plots_ctx *c);
shopstat_status plots_draw_likert(plots_ctx *c);
shopstat_status plots_draw_trend(plots_ctx *c);
shopstat_status plots_draw_score(plots_ctx *c);

/* Score charts (score.c): the decimals of a chart's values (the library's rule,
 * shopstat_score_decimals, plus opts decimals); the value axis: the scale [score_min,
 * score_max], or with zoom nice ticks around the values (and CIs when shown) kept within it. */
int plots_score_decimals(const shopstat_chart_data *d, const shopstat_chart_opts *o);
/* v on d's score scale with decimals (or SHOPSTAT_SCORE_AUTO, _EXACT), by the library's
 * rule (shopstat_score_format) with a chart's minus sign U+2212 */
void plots_fmt_score(const shopstat_chart_data *d, double v, int decimals, char *buf, size_t n);
void plots_score_axis(const shopstat_chart_data *d, const shopstat_chart_opts *o, plots_axis *a);
/* 1 when a score chart draws an interval past its axis's end (cut there, with an arrowhead). */
int plots_score_cut(const shopstat_chart_data *d, const shopstat_chart_opts *o);

/* The options a chart is drawn with: its own (d->opts), else opts, else the defaults
 * written into def. */
const shopstat_chart_opts *plots_opts(const shopstat_chart_data *d,
                                      const shopstat_chart_opts *opts, shopstat_chart_opts *def);

/* The checks of shopstat_chart_validate (chart.c) for a page of w x h points. */
shopstat_status plots_check(const shopstat_chart_data *d, const shopstat_chart_opts *o, double w,
                            double h, shopstat_error *err);

extern const char *const shopstat_plots_version; /* (render.c) */

/* The "too small" error. */
shopstat_status plots_too_small(plots_ctx *c, const char *what, double need_h);

#endif
