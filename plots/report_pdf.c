/* report.pdf: a title page (survey, notice, design, accounting, warnings), a contents page,
 * then the charts stacked several a page, in order, as long as they fit (a table's score
 * charts kept with its chart; scaled down a little when that saves a page), a tall one over
 * pages. */
#include "internal.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopstat/outfile.h"
#include "shopstat/report_pdf.h"
#include "shopstat/shopstat.h"
#include "../engine/cnumeric.h"

#define FIXED_PDF_DATE "2000-01-01T00:00:00Z"

typedef struct pdf_out {
    FILE *f;
    int failed;
} pdf_out;

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_out *o = closure;
    if (fwrite(data, 1, len, o->f) != len) {
        o->failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* Lay the title page out at type scale k (1 = full size); draw = 0 only measures. Returns the
 * bottom of the last line. */
static double title_page_at(cairo_t *cr, double w, const shopstat_title_page *tp, double k,
                            int draw)
{
    double x = 64, width = w - 128, y = 72, bh = 0;
    plots_font f = plots_font_make(28 * k, 1, PLOTS_INK);
    plots_text(cr, tp->title, x, y, width, &f, draw, NULL, &bh);
    y += bh + 10 * k;
    if (tp->subtitle) {
        f = plots_font_make(15 * k, 0, PLOTS_GREY);
        plots_text(cr, tp->subtitle, x, y, width, &f, draw, NULL, &bh);
        y += bh + 8 * k;
    }
    if (tp->survey) {
        char buf[400];
        snprintf(buf, sizeof buf, "Survey: %s", tp->survey);
        f = plots_font_make(11 * k, 0, PLOTS_GREY);
        plots_text(cr, buf, x, y, width, &f, draw, NULL, &bh);
        y += bh + 18 * k;
    }
    if (tp->notice) {
        f = plots_font_make(12 * k, 1, (plots_rgb){0.55, 0.1, 0.05});
        plots_text(cr, tp->notice, x + 12, y + 10 * k, width - 24, &f, 0, NULL, &bh);
        if (draw) {
            cairo_save(cr);
            cairo_set_source_rgb(cr, 1.0, 0.95, 0.88);
            cairo_rectangle(cr, x, y, width, bh + 20 * k);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.85, 0.45, 0.2);
            cairo_set_line_width(cr, 1.2);
            cairo_rectangle(cr, x, y, width, bh + 20 * k);
            cairo_stroke(cr);
            cairo_restore(cr);
            plots_text(cr, tp->notice, x + 12, y + 10 * k, width - 24, &f, 1, NULL, &bh);
        }
        y += bh + 40 * k;
    }
    f = plots_font_make(11 * k, 0, PLOTS_INK);
    for (size_t i = 0; i < tp->nlines; i++) {
        plots_text(cr, tp->lines[i], x, y, width, &f, draw, NULL, &bh);
        y += bh + (i + 1 < tp->nlines ? 10 * k : 0);
    }
    if (tp->nwarnings) {
        /* the run's warnings, as run.json has them, under a heading in the notice's colour:
         * a PDF handed over alone still says what the analyst was warned of */
        y += 18 * k;
        f = plots_font_make(12 * k, 1, (plots_rgb){0.55, 0.1, 0.05});
        plots_text(cr, tp->nwarnings == 1 ? "Warning" : "Warnings", x, y, width, &f, draw, NULL,
                   &bh);
        y += bh + 6 * k;
        f = plots_font_make(10 * k, 0, PLOTS_INK);
        plots_font fb = f;
        size_t shown = tp->nwarnings, most = SHOPSTAT_TITLE_WARNINGS_MAX;
        if (shown > most)
            shown = most - 1; /* (and a line saying how many more) */
        double bw = 0;
        plots_text(cr, "\u2022", 0, 0, 0, &fb, 0, &bw, NULL);
        for (size_t i = 0; i <= shown && i < tp->nwarnings; i++) {
            char more[160];
            const char *t = tp->warnings[i];
            if (i == shown) {
                snprintf(more, sizeof more, "... and %zu more (run.json lists them all).",
                         tp->nwarnings - shown);
                t = more;
            }
            if (i < shown)
                plots_text(cr, "\u2022", x, y, 0, &fb, draw, NULL, NULL);
            plots_text(cr, t, x + bw + 6 * k, y, width - bw - 6 * k, &f, draw, NULL, &bh);
            y += bh + 4 * k;
        }
    }
    return y;
}

/* The title page: title, subtitle, survey id, the notice in a tinted box, then the lines, all
 * above the "Made with" line; a long notice or title makes the type smaller rather than
 * pushing lines onto the footer or off the page. */
static void draw_title_page(cairo_t *cr, double w, double h, const shopstat_title_page *tp)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double foot = h - 36, k = 1;
    while (k > 0.5 && title_page_at(cr, w, tp, k, 0) > foot - 12)
        k -= 0.05;
    title_page_at(cr, w, tp, k, 1);
    plots_font f = plots_font_make(8, 0, PLOTS_GREY);
    plots_text(cr, "Made with shopstat " SHOPSTAT_VERSION, 64, foot, w - 128, &f, 1, NULL, NULL);
}

/* report.pdf's page counter, on its surface: the pages after the title page carry their
 * number at the foot, right ("Page 3"), under the charts' footers (which end 24 points or more
 * above the page's foot), so that a reader can point at a chart. It notes the page each chart
 * starts on (start[i], 0 = not drawn yet), for the contents, and puts a named destination
 * there ("chart-I") for a chart that starts a section (dest[i]), for the contents' links and
 * the outline. */
typedef struct page_count {
    size_t page; /* the page being drawn, 1 = the title page */
    double w, h;
    size_t *start;             /* n charts' first pages, or NULL */
    const unsigned char *dest; /* n flags: chart i gets a destination; NULL = none */
} page_count;
static const cairo_user_data_key_t page_key;

/* Chart i begins on the page being drawn, y points from its top: noted, and marked as a link
 * target when it starts a section. */
static void chart_starts(cairo_surface_t *sf, size_t i, double y)
{
    page_count *pc = cairo_surface_get_user_data(sf, &page_key);
    if (!pc || !pc->start || pc->start[i])
        return;
    pc->start[i] = pc->page;
    if (pc->dest && pc->dest[i]) {
        char at[96];
        snprintf(at, sizeof at, "name='chart-%zu' x=0 y=%.2f", i, y);
        cairo_t *cr = cairo_create(sf);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, at);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        cairo_destroy(cr);
    }
}

static void next_page(cairo_surface_t *sf)
{
    cairo_t *cr = cairo_create(sf);
    page_count *pc = cairo_surface_get_user_data(sf, &page_key);
    if (pc && pc->page > 1) {
        char buf[32];
        snprintf(buf, sizeof buf, "Page %zu", pc->page);
        plots_font f = plots_font_make(7.5, 0, PLOTS_GREY);
        f.halign = 1;
        f.valign = 1;
        plots_text(cr, buf, pc->w - 30, pc->h - 12, 0, &f, 1, NULL, NULL);
    }
    if (pc)
        pc->page++;
    cairo_show_page(cr);
    cairo_destroy(cr);
}

/* A chart taller than the report's page is scaled down to it when that keeps at least this
 * much of its size (footer type 7.5 points at least 6); taller charts go on over pages. */
#define REPORT_MIN_SCALE 0.8

/* Draw rows pg of a chart as a page of w x h on cr, or only try them on a recording surface
 * (cr NULL); SHOPSTAT_EUSAGE = they do not fit (a try leaves err as it was then). */
static shopstat_status try_page(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                const shopstat_chart_opts *o, const plots_page *pg,
                                shopstat_error *err)
{
    if (cr)
        return plots_draw_page(cr, w, h, d, o, pg, err);
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *rc = cairo_create(rs);
    shopstat_error e = {0};
    shopstat_status st = plots_draw_page(rc, w, h, d, o, pg, &e);
    cairo_destroy(rc);
    cairo_surface_destroy(rs);
    if (st && st != SHOPSTAT_EUSAGE && err)
        *err = e;
    return st;
}

static cairo_t *blank_page(cairo_surface_t *sf)
{
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    return cr;
}

/* A tall bar or difference chart laid out over pages of w x h: as many whole levels (a
 * level's bars, a difference row) on each page as fit, each page with the title ("(continued)"
 * after the first), the legend, the value axis with its labels and the footer. A level too
 * tall for a page by itself gets a page of its own, drawn taller and scaled down to it. */
static shopstat_status paged_chart(cairo_surface_t *sf, double w, double h,
                                   const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                   size_t idx, shopstat_error *err)
{
    size_t n = plots_page_rows(d, o);
    shopstat_status st = SHOPSTAT_OK;
    for (size_t r0 = 0; r0 < n && !st;) {
        plots_page pg = {r0, n, r0 > 0, 0};
        double ph = h; /* the height the page is laid out at (> h: scaled down) */
        st = try_page(NULL, w, h, d, o, &pg, err);
        if (st == SHOPSTAT_EUSAGE) {
            /* the most levels that fit, with "continued" under them */
            pg.more = 1;
            size_t lo = r0 + 1, hi = n;
            pg.row1 = lo;
            st = try_page(NULL, w, h, d, o, &pg, err);
            if (st == SHOPSTAT_EUSAGE) {
                /* one level taller than a page: its own page, scaled down */
                while (st == SHOPSTAT_EUSAGE && ph < 14400) {
                    ph = fmin(ceil(ph * 1.1), 14400);
                    st = try_page(NULL, w, ph, d, o, &pg, err);
                }
                if (st == SHOPSTAT_EUSAGE)
                    st = shopstat_error_set(err, st, NULL, 0, 0,
                                            "chart '%s': a level does not fit a page %g points "
                                            "tall",
                                            d->name ? d->name : "", ph);
                hi = lo + 1;
            }
            while (!st && hi - lo > 1) {
                pg.row1 = lo + (hi - lo) / 2;
                st = try_page(NULL, w, h, d, o, &pg, err);
                if (st == SHOPSTAT_EUSAGE) {
                    st = SHOPSTAT_OK;
                    hi = pg.row1;
                } else if (!st) {
                    lo = pg.row1;
                }
            }
            pg.row1 = lo;
            pg.more = lo < n;
        }
        if (st)
            break;
        cairo_t *cr = blank_page(sf);
        chart_starts(sf, idx, 0);
        double k = h / ph;
        cairo_translate(cr, (w - w * k) / 2, 0);
        cairo_scale(cr, k, k);
        st = try_page(cr, w, ph, d, o, &pg, err);
        cairo_destroy(cr);
        if (!st)
            next_page(sf);
        r0 = pg.row1;
    }
    return st;
}

/* One chart on pages of w x h: as it is when it fits (a narrower chart centred, a wider one
 * scaled to the width), scaled down when that keeps REPORT_MIN_SCALE, else a bar or difference
 * chart laid out again over as many pages as it needs (paged_chart), and another kind scaled
 * down to the page. A chart of fit_height is drawn as its own file draws it (render.c): a
 * chart grown taller than its page for its rows keeps that page's type, so that scaled down
 * to the report's page it stays as legible as the rows allow (a Likert chart of 13 segments:
 * 842 x 697 points at A4's type, 85% on the page; grown with its type it took 842 x 1482
 * and 40%, its footer in 3-point type). */
static shopstat_status chart_pages(cairo_surface_t *sf, double w, double h,
                                   const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                   size_t idx, shopstat_error *err)
{
    plots_page_plan *pp = calloc(1, sizeof *pp);
    if (!pp)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    shopstat_status st = plots_plan_page(d, o, pp, err);
    if (st) {
        free(pp);
        return st;
    }
    double ch = pp->height;
    double k = fmin(1.0, w / o->width);
    if (ch * k > h && h / ch >= REPORT_MIN_SCALE * k)
        k = h / ch;
    if (ch * k > h + 1e-9) {
        if (plots_page_rows(d, o) > 0) {
            free(pp);
            return paged_chart(sf, w, h, d, o, idx, err);
        }
        k = h / ch;
    }
    double cw = o->width * k, x0 = (w - cw) / 2;
    cairo_t *cr = blank_page(sf);
    chart_starts(sf, idx, 0);
    cairo_translate(cr, x0, 0);
    cairo_scale(cr, k, k);
    st = plots_draw_planned(cr, pp, err);
    free(pp);
    cairo_destroy(cr);
    if (!st)
        next_page(sf);
    return st;
}

static const shopstat_chart_opts *opts_of(const shopstat_chart_data *d,
                                          const shopstat_chart_opts *dflt)
{
    return d->opts ? d->opts : dflt;
}

/* A chart as a page stacks it: compact (its rows' height, its footer under them), without the
 * subtitle when the chart above it on the page has the same (a report's charts all have the
 * survey's title), and the height that takes (0: more than a page). */
typedef struct stacked {
    shopstat_chart_opts o;
    shopstat_chart_data d; /* d.opts = &o: not to be copied */
    double h;
} stacked;

/* Prepare x for chart d under chart above (NULL = the first of the page) on a page of w x h,
 * tight or not (shopstat_chart_opts compact 2); a failure other than "does not fit" is
 * returned. */
static shopstat_status stack_chart(stacked *x, const shopstat_chart_data *d,
                                   const shopstat_chart_data *above,
                                   const shopstat_chart_opts *dflt, double w, double h, int tight,
                                   shopstat_error *err)
{
    x->o = *opts_of(d, dflt);
    x->o.compact = tight ? 2 : 1;
    const char *sub = above ? opts_of(above, dflt)->subtitle : NULL;
    if (sub && x->o.subtitle && strcmp(sub, x->o.subtitle) == 0)
        x->o.subtitle = NULL;
    x->d = *d;
    x->d.opts = &x->o;
    shopstat_error e = {0};
    shopstat_status st = shopstat_chart_compact_height(&x->d, &x->o, w, h, &x->h, &e);
    if (st == SHOPSTAT_EUSAGE) {
        x->h = 0;
        return SHOPSTAT_OK;
    }
    if (st && err)
        *err = e;
    return st;
}

/* Draw x at y on the page: the type that of the whole page, as on a page of its own (type_h:
 * that of a w x type_h page, 0 = of w x h: stacked_page's charts laid out wider). */
static shopstat_status draw_stacked(cairo_t *cr, double w, double h, double type_h, double y,
                                    const stacked *x, shopstat_error *err)
{
    cairo_save(cr);
    cairo_translate(cr, 0, y);
    shopstat_status st = plots_draw_typed(cr, w, h, type_h, &x->d, &x->o, err);
    cairo_restore(cr);
    return st;
}

/* Charts stacked on a page overlap by the bottom margin of the one above (its footer's
 * last line then stands the next one's top margin, 30 points at A4, above the next title,
 * not 54), and a page of them is scaled down, to REPORT_MIN_SCALE at least, when that holds
 * one more chart than full size does: three charts of two levels need 733 points of A4's
 * 595 (teletech's phone charts took a page and a half, a page each at 54 points apart). The
 * cut is in points of the page's type (draw.c's bottom margin: 0.8 x 30 x the type scale). */
static double stack_cut(double w, double h)
{
    return 0.8 * 30 * plots_type_scale(w, h);
}

/* The height of the k charts of x stacked (stack_cut) */
static double stack_height(const stacked *x, size_t k, double cut)
{
    double total = 0;
    for (size_t i = 0; i < k; i++)
        total += x[i].h - (i + 1 < k ? cut : 0);
    return total;
}

/* The scale a page of charts total points tall is drawn at: 1 when it fits, else the one
 * that brings its last footer to the bottom margin of a page of its own (the page number
 * stands below that). */
static double stack_scale(double total, double h, double cut)
{
    return total <= h ? 1 : (h - cut) / (total - cut);
}

/* The charts of charts[0..n) that fit one page stacked in order, tight or not, scaled down
 * (to REPORT_MIN_SCALE) or not, measured into x; *fit = their count. */
static shopstat_status fit_page(stacked *x, const shopstat_chart_data *const *charts, size_t n,
                                const shopstat_chart_opts *dflt, double w, double h, int tight,
                                int scaled, size_t *fit, shopstat_error *err)
{
    double total = 0, cut = stack_cut(w, h);
    shopstat_status st = SHOPSTAT_OK;
    size_t k = 0;
    for (; k < n; k++) {
        if ((st = stack_chart(&x[k], charts[k], k ? charts[k - 1] : NULL, dflt, w, h, tight,
                              err)))
            break;
        double t = total + x[k].h;
        if (!(x[k].h > 0 && (t <= h || (scaled && stack_scale(t, h, cut) >= REPORT_MIN_SCALE))))
            break;
        total = t - cut;
    }
    *fit = k;
    return st;
}

/* The bar, difference, Likert and score charts among the k stacked on a page start their
 * plot areas at one x, the rightmost of theirs (each one's label column widened by opts
 * label_width: a Likert chart's -80% and its mean chart's 1 stood 40 points apart on
 * servicesoft's satisfaction page), and the
 * bar charts take one room for values, the widest of theirs (opts value_width), so that
 * their axes start and end level down the page (teletech's "Yes" over "Premium-rate": the
 * second chart's 0% stood 53 points right of the first's; servicesoft's difference chart
 * over heavy_bracket's bars: its 0 stood 29 points left of their 0%); each is measured
 * again, a wider label column wrapping its labels less. A difference chart ends its plot
 * before its table's columns, so only the bar charts end level. */
static shopstat_status level_bars(stacked *x, size_t k, double w, double h, double type_h,
                                  shopstat_error *err)
{
    double th = type_h > 0 ? type_h : h; /* (the widths take h for their type alone) */
    double left = 0, vw = 0;
    size_t nb = 0;
    double *inset = calloc(k ? k : 1, sizeof *inset);
    if (!inset)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(rs);
    for (size_t i = 0; i < k; i++) {
        double l, v = 0;
        if (x[i].o.type == SHOPSTAT_CHART_BARS)
            plots_bar_widths(cr, &x[i].d, &x[i].o, w, th, &l, &inset[i], &v);
        else if (x[i].o.type == SHOPSTAT_CHART_DIFF)
            plots_diff_widths(cr, &x[i].d, &x[i].o, w, th, &l, &inset[i]);
        else if (x[i].o.type == SHOPSTAT_CHART_LIKERT)
            plots_likert_widths(cr, &x[i].d, &x[i].o, w, th, &l, &inset[i]);
        else if (x[i].o.type == SHOPSTAT_CHART_SCORE)
            plots_score_widths(cr, &x[i].d, &x[i].o, w, th, &l, &inset[i]);
        else
            continue;
        left = fmax(left, l + inset[i]);
        vw = fmax(vw, v);
        nb++;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(rs);
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; nb > 1 && i < k && !st; i++) {
        if (x[i].o.type == SHOPSTAT_CHART_TREND)
            continue;
        x[i].o.label_width = left - inset[i];
        if (x[i].o.type == SHOPSTAT_CHART_BARS)
            x[i].o.value_width = vw;
        shopstat_error e = {0};
        st = plots_compact_height_typed(&x[i].d, &x[i].o, w, h, type_h, &x[i].h, &e);
        if (st && err)
            *err = e;
    }
    free(inset);
    return st;
}

/* The k charts of x, stacked on a page scaled down (by f, stack_scale), laid out again w = the
 * page's width / f wide with the page's type (of a w x type_h page, type_h = its height x f),
 * so that scaled down they span the page as full-size charts do (teletech's three phone
 * charts, scaled to 75%, stood 75 points in from each side of the page's 842, the charts
 * above and below them 0); their label columns levelled again at that width (level_bars). */
static shopstat_status widen(stacked *x, size_t k, const shopstat_chart_data *const *charts,
                             const shopstat_chart_opts *dflt, double w, double h, double type_h,
                             shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; i < k && !st; i++) {
        x[i].o.label_width = opts_of(charts[i], dflt)->label_width;
        x[i].o.value_width = opts_of(charts[i], dflt)->value_width;
        shopstat_error e = {0};
        st = plots_compact_height_typed(&x[i].d, &x[i].o, w, h, type_h, &x[i].h, &e);
        if (st && err)
            *err = e;
    }
    return st ? st : level_bars(x, k, w, h, type_h, err);
}

/* The most of charts[0..n) that one page holds stacked (*k; x measured for them): at the
 * usual pitch, tight, or (scale_ok) scaled down at the usual pitch, the first of those that
 * holds as many as any. */
static shopstat_status page_fit(stacked *x, const shopstat_chart_data *const *charts, size_t n,
                                const shopstat_chart_opts *dflt, double w, double h, int scale_ok,
                                size_t *k, shopstat_error *err)
{
    size_t got[3] = {0, 0, 0};
    int mode = 0, last = 0; /* 0 usual, 1 tight, 2 scaled */
    shopstat_status st = SHOPSTAT_OK;
    for (int m = 0; m < (scale_ok ? 3 : 2) && !st && got[mode] < n; m++) {
        st = fit_page(x, charts, n, dflt, w, h, m == 1, m == 2, &got[m], err);
        last = m;
        if (got[m] > got[mode])
            mode = m;
    }
    /* (x measured again for the layout chosen) */
    if (!st && last != mode)
        st = fit_page(x, charts, n, dflt, w, h, mode == 1, mode == 2, &got[mode], err);
    *k = got[mode];
    return st;
}

/* Whether the lone charts of charts[0..n) (a run of charts without score charts) take fewer
 * pages when a page may be scaled down than at full size, packed as stacked_page packs them
 * (a chart that no page shares counts a page): 1 = they do. Scaling that saves no page is
 * not worth its smaller type: four charts of two levels took three on a page at 80% and the
 * fourth alone, where two pages of two at full size hold them. The two packings are followed
 * page by page until they reach one chart after as many pages (the rest is the same) or the
 * run's end. */
static shopstat_status scale_saves(const shopstat_chart_data *const *charts, size_t n,
                                   const shopstat_chart_opts *dflt, double w, double h, int *saves,
                                   shopstat_error *err)
{
    *saves = 0;
    stacked *x = calloc(n ? n : 1, sizeof *x);
    if (!x)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t at[2] = {0, 0}; /* [0]: full size, [1]: scaled when that holds more */
    shopstat_status st = SHOPSTAT_OK;
    while (!st && (at[0] < n || at[1] < n)) {
        for (int a = 0; a < 2 && !st; a++) {
            if (at[a] >= n)
                continue;
            size_t k = 0;
            st = page_fit(x, charts + at[a], n - at[a], dflt, w, h, a, &k, err);
            at[a] += k > 1 ? k : 1;
        }
        if (at[0] == at[1])
            break;
        if (at[1] >= n && at[0] < n) {
            *saves = 1;
            break;
        }
    }
    free(x);
    return st;
}

/* A chart and as many of its table's score charts as fit under it on one page (charts[0] and
 * those of charts[1..n) that fit, in order); *placed = the charts drawn, 0 when not even the
 * first score chart fits (nothing drawn). When the charts' usual compact pitch leaves one out
 * that their tight pitch (rows as close as their labels allow) takes, the page is laid out
 * tight: two 3-row Likert charts need 607 points of A4's 595 at the usual pitch, 572 tight,
 * and the first took a page alone. When neither takes one more that the usual pitch scaled
 * down (to REPORT_MIN_SCALE) does, the page is drawn so (stack_scale), if scale_ok (the
 * caller's scale_saves). */
static shopstat_status stacked_page(cairo_surface_t *sf, double w, double h,
                                    const shopstat_chart_data *const *charts,
                                    const size_t *tables, size_t n,
                                    const shopstat_chart_opts *dflt, int scale_ok, size_t i0,
                                    size_t *placed, shopstat_error *err)
{
    *placed = 0;
    stacked *x = calloc(n, sizeof *x);
    if (!x)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    shopstat_status st = page_fit(x, charts, n, dflt, w, h, scale_ok, &k, err);
    /* a table's charts that begin under another's and do not all fit wait for the next
     * page, where they start together (a chart over its score charts), rather than leave
     * the chart here and its score charts over the page */
    if (!st && tables && k > 0 && k < n && tables[i0 + k] == tables[i0 + k - 1]) {
        size_t g = k - 1;
        while (g > 0 && tables[i0 + g - 1] == tables[i0 + k])
            g--;
        if (g > 0)
            k = g;
    }
    if (!st && k >= 2)
        st = level_bars(x, k, w, h, 0, err);
    double cw = w, th = 0; /* the width the charts are laid out at, the page of their type */
    double cut = stack_cut(w, h), f = k >= 2 ? stack_scale(stack_height(x, k, cut), h, cut) : 1;
    if (!st && k >= 2 && f < 1) {
        cw = w / f;
        th = h * f;
        st = widen(x, k, charts, dflt, cw, h, th, err);
        f = fmin(f, stack_scale(stack_height(x, k, cut), h, cut));
    }
    if (!st && k >= 2) {
        cairo_t *cr = blank_page(sf);
        /* (centred, should the charts laid out wider come out taller than at the page's width) */
        cairo_translate(cr, (w - cw * f) / 2, 0);
        cairo_scale(cr, f, f);
        double y = 0;
        for (size_t i = 0; i < k && !st; i++) {
            chart_starts(sf, i0 + i, y * f);
            st = draw_stacked(cr, cw, h, th, y, &x[i], err);
            y += x[i].h - cut;
        }
        cairo_destroy(cr);
        if (!st) {
            next_page(sf);
            *placed = k;
        }
    }
    free(x);
    return st;
}

/* Consecutive score charts (of one table, or of several) from charts[0], as many on each
 * page as fit one under the other, stack_cut apart as other stacked charts are; one too tall
 * for a page by itself gets pages of its own (chart_pages). *used = the score charts placed. */
static shopstat_status score_pages(cairo_surface_t *sf, double w, double h,
                                   const shopstat_chart_data *const *charts, size_t n,
                                   const shopstat_chart_opts *dflt, size_t i0, size_t *used,
                                   shopstat_error *err)
{
    cairo_t *cr = NULL; /* the page being filled, y down */
    double y = 0, cut = stack_cut(w, h);
    shopstat_status st = SHOPSTAT_OK;
    size_t i = 0;
    stacked x;
    for (; i < n && !st && opts_of(charts[i], dflt)->type == SHOPSTAT_CHART_SCORE; i++) {
        if ((st = stack_chart(&x, charts[i], cr ? charts[i - 1] : NULL, dflt, w, h, 0, err)))
            break;
        if (cr && !(x.h > 0 && y + x.h <= h)) {
            /* a new page: measured again as its first chart (its subtitle back) */
            cairo_destroy(cr);
            cr = NULL;
            next_page(sf);
            if ((st = stack_chart(&x, charts[i], NULL, dflt, w, h, 0, err)))
                break;
        }
        if (!(x.h > 0)) {
            st = chart_pages(sf, w, h, charts[i], opts_of(charts[i], dflt), i0 + i, err);
            continue;
        }
        if (!cr) {
            cr = blank_page(sf);
            y = 0;
        }
        chart_starts(sf, i0 + i, y);
        st = draw_stacked(cr, w, h, 0, y, &x, err);
        y += x.h - cut;
    }
    if (cr) {
        cairo_destroy(cr);
        if (!st)
            next_page(sf);
    }
    *used = i;
    return st;
}

/* The end of chart i's group: i and its table's score charts after it (a grid's: its charts
 * of the other segments, Likert charts as tall as their rows), kept on one page when they fit. */
static size_t group_end(const shopstat_chart_data *const *charts, const size_t *tables, size_t n,
                        size_t i, const shopstat_chart_opts *dflt)
{
    int likert = opts_of(charts[i], dflt)->type == SHOPSTAT_CHART_LIKERT;
    size_t j = i + 1;
    while (tables && j < n && tables[j] == tables[i] &&
           (opts_of(charts[j], dflt)->type == SHOPSTAT_CHART_SCORE ||
            (likert && opts_of(charts[j], dflt)->type == SHOPSTAT_CHART_LIKERT)))
        j++;
    return j;
}

#define REPORT_RUN_MAX 24

/* The end of the unit of charts starting at i: a run of score charts (with no chart of their
 * table before them), else chart i's group (group_end). */
static size_t unit_end(const shopstat_chart_data *const *charts, const size_t *tables, size_t n,
                       size_t i, const shopstat_chart_opts *dflt)
{
    if (opts_of(charts[i], dflt)->type != SHOPSTAT_CHART_SCORE)
        return group_end(charts, tables, n, i, dflt);
    size_t j = i + 1;
    while (j < n && opts_of(charts[j], dflt)->type == SHOPSTAT_CHART_SCORE)
        j++;
    return j;
}

/* The title page and the charts, every page of the report's size (opts: A4 landscape), so
 * that it prints as one document; the charts' own files keep their sizes. Each page takes the
 * charts that follow in order as long as they fit, stacked one under the other: a chart and
 * its table's score charts (kept together when they fit a page, starting a page when they
 * do not fit under the charts before them), a run of score charts with no chart of their
 * table before them (a table of chart: score; a table's score charts that did not fit under
 * its chart), a chart alone in its group (a chart of two levels leaves most of a page
 * blank). A page is scaled down (to REPORT_MIN_SCALE) when that saves pages (scale_saves). A
 * chart that shares no page is drawn on its own (chart_pages, score_pages: over pages when
 * too tall). Before, a run of score charts never shared its page with the charts after it:
 * scores.yml-like reports had an NPS chart alone on a page 30% full. */
static shopstat_status draw_charts(cairo_surface_t *sf, const shopstat_chart_data *const *charts,
                                   const size_t *tables, size_t n,
                                   const shopstat_chart_opts *dflt, shopstat_error *err)
{
    double w = dflt->width, h = dflt->height;
    for (size_t i = 0; i < n;) {
        const shopstat_chart_opts *o = opts_of(charts[i], dflt);
        size_t j = unit_end(charts, tables, n, i, dflt), e = j;
        /* the units after it that could share the page (page_fit stops at the first that
         * does not fit; no page holds REPORT_RUN_MAX charts, and scale_saves follows the run
         * page by page) */
        while (e < n && e < i + REPORT_RUN_MAX)
            e = unit_end(charts, tables, n, e, dflt);
        size_t k = 0;
        int scale_ok = 1;
        shopstat_status st = SHOPSTAT_OK;
        if (e > i + 2)
            st = scale_saves(charts + i, e - i, dflt, w, h, &scale_ok, err);
        if (!st && e > i + 1)
            st = stacked_page(sf, w, h, charts + i, tables, e - i, dflt, scale_ok, i, &k, err);
        if (!st && !k) {
            if (o->type == SHOPSTAT_CHART_SCORE) {
                st = score_pages(sf, w, h, charts + i, j - i, dflt, i, &k, err);
            } else {
                st = chart_pages(sf, w, h, charts[i], o, i, err);
                k = 1;
            }
        }
        i += k ? k : 1;
        if (st)
            return st;
    }
    return SHOPSTAT_OK;
}

/* A section of the contents: a table's charts (or, without tables, one chart), its title and
 * the chart it starts with. */
typedef struct section {
    const char *title;
    size_t chart;
} section;

/* The title a chart is drawn with (as draw.c's frame takes it). */
static const char *chart_title(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    return o->title && *o->title ? o->title
           : d->label && *d->label ? d->label
           : d->name ? d->name
                     : "";
}

/* The sections of charts[0..n), into sec (n entries): each run of charts of one table (a
 * table's chart, its score charts, a grid's charts), titled with the table's title
 * (tp->table_titles[table]) when given, else with its first chart's. Returns their number. */
static size_t sections_of(const shopstat_title_page *tp, const shopstat_chart_data *const *charts,
                          const size_t *tables, size_t n, const shopstat_chart_opts *dflt,
                          section *sec)
{
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (tables && i > 0 && tables[i] == tables[i - 1])
            continue;
        const char *t = tables && tp->table_titles && tables[i] < tp->ntable_titles
                            ? tp->table_titles[tables[i]]
                            : NULL;
        sec[ns].title = t && *t ? t : chart_title(charts[i], opts_of(charts[i], dflt));
        sec[ns++].chart = i;
    }
    return ns;
}

#define CONTENTS_X 64.0
#define CONTENTS_NUM_W 48.0 /* the page numbers' column */

/* The contents, from the page after the title page: "Contents", then a line per section, its
 * title (wrapped) and, right, the page it starts on (page[s]), a dotted leader between them,
 * the whole line a link to the section (its destination "chart-I", chart_starts()); the
 * first page is the destination "contents". draw = 0 only lays them out (sf may then be
 * NULL). Returns the pages they take. */
static size_t contents_pages(cairo_surface_t *sf, double w, double h, const section *sec,
                             size_t ns, const size_t *page, int draw)
{
    cairo_surface_t *rs = draw ? NULL : cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA,
                                                                       NULL);
    cairo_t *cr = NULL;
    double x = CONTENTS_X, width = w - 2 * CONTENTS_X, tw = width - CONTENTS_NUM_W - 12;
    double y = 0, line = 0, bottom = h - 48; /* (above the page number at the foot) */
    size_t npages = 0;
    plots_font fh = plots_font_make(20, 1, PLOTS_INK), fe = plots_font_make(11, 0, PLOTS_INK);
    plots_font fn = fe;
    fn.halign = 1;
    for (size_t s = 0; s <= ns; s++) {
        double eh = 0;
        if (cr && s < ns)
            plots_text(cr, sec[s].title, x, 0, tw, &fe, 0, NULL, &eh);
        if (!cr || (s < ns && y + eh > bottom) || s == ns) {
            /* the page ends (or the first begins) */
            if (cr) {
                cairo_destroy(cr);
                cr = NULL;
                if (draw)
                    next_page(sf);
            }
            if (s == ns)
                break;
            cr = draw ? blank_page(sf) : cairo_create(rs);
            if (draw && npages == 0) {
                cairo_tag_begin(cr, CAIRO_TAG_DEST, "name='contents' x=0 y=0");
                cairo_tag_end(cr, CAIRO_TAG_DEST);
            }
            double hh = 0;
            plots_text(cr, npages ? "Contents (continued)" : "Contents", x, 56, width, &fh, draw,
                       NULL, &hh);
            plots_text(cr, "Ag", x, 0, tw, &fe, 0, NULL, &line);
            y = 56 + hh + 18;
            npages++;
            plots_text(cr, sec[s].title, x, 0, tw, &fe, 0, NULL, &eh);
        }
        if (draw) {
            char num[32];
            snprintf(num, sizeof num, "%zu", page[s]);
            double last = 0;
            plots_text_last(cr, sec[s].title, x, y, tw, &fe, 1, NULL, NULL, &last);
            double nw = 0, ly = y + eh - line; /* (the last line's top: the number's) */
            plots_text(cr, num, x + width, ly, 0, &fn, 1, &nw, NULL);
            /* a leader from the title's last line to its number, so that the eye finds it
             * (a wrapped title's too: its number stands beside its last line) */
            if (x + last + 8 < x + width - nw - 6) {
                static const double dots[] = {0.6, 3.4};
                cairo_save(cr);
                plots_set(cr, PLOTS_GREY);
                cairo_set_line_width(cr, 0.9);
                cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
                cairo_set_dash(cr, dots, 2, 0);
                cairo_move_to(cr, x + last + 8, ly + line * 0.8);
                cairo_line_to(cr, x + width - nw - 6, ly + line * 0.8);
                cairo_stroke(cr);
                cairo_restore(cr);
            }
            char at[160];
            snprintf(at, sizeof at, "rect=[%.2f %.2f %.2f %.2f] dest='chart-%zu'", x, y - 2, width,
                     eh + 4, sec[s].chart);
            cairo_tag_begin(cr, CAIRO_TAG_LINK, at);
            cairo_tag_end(cr, CAIRO_TAG_LINK);
        }
        y += eh + 7;
    }
    if (rs)
        cairo_surface_destroy(rs);
    return npages;
}

/* The title page, the contents and the charts. The contents give the page each section
 * starts on, which depends on how many pages the contents take: the charts are laid out
 * first on a recording surface (the same decisions as on the PDF: every layout is measured
 * apart from the surface drawn on), which says each chart's page counted from the first
 * after the title page; the contents' own pages are laid out; then everything is drawn, and
 * each section's page is checked against the one the contents give. */
static shopstat_status draw_report(cairo_surface_t *sf, const shopstat_title_page *tp,
                                   const shopstat_chart_data *const *charts, const size_t *tables,
                                   size_t n, const shopstat_chart_opts *dflt, shopstat_error *err)
{
    double w = dflt->width, h = dflt->height;
    section *sec = calloc(n ? n : 1, sizeof *sec);
    size_t *start = calloc(n ? n : 1, sizeof *start), *page = calloc(n ? n : 1, sizeof *page);
    unsigned char *dest = calloc(n ? n : 1, 1);
    page_count *pc = cairo_surface_get_user_data(sf, &page_key);
    shopstat_status st = SHOPSTAT_OK;
    if (!sec || !start || !page || !dest || !pc) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t ns = sections_of(tp, charts, tables, n, dflt, sec), nc = 0;
    if (ns) {
        cairo_surface_t *dry = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        page_count dpc = {2, w, h, start, NULL};
        cairo_surface_set_user_data(dry, &page_key, &dpc, NULL);
        st = draw_charts(dry, charts, tables, n, dflt, err);
        cairo_surface_destroy(dry);
        if (st)
            goto done;
        nc = contents_pages(NULL, w, h, sec, ns, NULL, 0);
        for (size_t k = 0; k < ns; k++) {
            page[k] = start[sec[k].chart] + nc;
            dest[sec[k].chart] = 1;
        }
        memset(start, 0, n * sizeof *start);
    }
    cairo_t *cr = cairo_create(sf);
    draw_title_page(cr, w, h, tp);
    cairo_destroy(cr);
    next_page(sf);
    if (ns)
        contents_pages(sf, w, h, sec, ns, page, 1);
    pc->start = start;
    pc->dest = dest;
    st = draw_charts(sf, charts, tables, n, dflt, err);
    pc->start = NULL;
    pc->dest = NULL;
    for (size_t k = 0; k < ns && !st; k++)
        if (start[sec[k].chart] != page[k])
            st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                    "report.pdf: the contents give page %zu for '%s', drawn on "
                                    "page %zu",
                                    page[k], sec[k].title, start[sec[k].chart]);
    /* the outline (a PDF viewer's bookmarks): the contents, then each section */
    if (!st && ns) {
        cairo_pdf_surface_add_outline(sf, CAIRO_PDF_OUTLINE_ROOT, "Contents", "dest='contents'",
                                      0);
        for (size_t k = 0; k < ns; k++) {
            char at[64];
            snprintf(at, sizeof at, "dest='chart-%zu'", sec[k].chart);
            cairo_pdf_surface_add_outline(sf, CAIRO_PDF_OUTLINE_ROOT, sec[k].title, at, 0);
        }
    }
done:
    free(sec);
    free(start);
    free(page);
    free(dest);
    return st;
}

static shopstat_status report_pdf_write_c(const char *path, const shopstat_title_page *tp,
                                          const shopstat_chart_data *const *charts,
                                          const size_t *tables, size_t n,
                                          const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts dflt;
    shopstat_chart_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    char tmp[4200];
    int slot = -1;
    /* (mode 0666 less the umask, or the replaced file's, as every output) */
    int fd = shopstat_outfile_create(path, tmp, sizeof tmp, &slot);
    if (fd == -2 || (fd < 0 && errno == ENAMETOOLONG))
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                  fd == -2 ? "too many output files open at once"
                                           : "file name too long");
    pdf_out out = {NULL, 0};
    if (fd < 0 || !(out.f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
            shopstat_outfile_untrack(slot);
        }
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    cairo_surface_t *sf =
        cairo_pdf_surface_create_for_stream(pdf_write, &out, opts->width, opts->height);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shopstat " SHOPSTAT_VERSION);
    if (tp->title)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, tp->title);
    page_count pc = {1, opts->width, opts->height, NULL, NULL};
    cairo_surface_set_user_data(sf, &page_key, &pc, NULL);
    shopstat_status st = draw_report(sf, tp, charts, tables, n, opts, err);
    cairo_surface_finish(sf);
    cairo_status_t cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    /* synced before the rename: after a crash the target is the old file or the new one */
    int e = 0;
    if (!st && !out.failed && (fflush(out.f) != 0 || fsync(fileno(out.f)) != 0))
        e = errno;
    int bad = fclose(out.f) != 0 || out.failed || e;
    if (!st && (cs != CAIRO_STATUS_SUCCESS || bad))
        st = shopstat_error_set(err, bad ? SHOPSTAT_EIO : SHOPSTAT_EINTERNAL, path, 0, 0,
                                "cannot write the PDF: %s",
                                !bad ? cairo_status_to_string(cs)
                                : e  ? strerror(e)
                                     : "write error");
    if (!st && rename(tmp, path) != 0)
        st = shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot rename into place: %s",
                                strerror(errno));
    if (st)
        unlink(tmp);
    shopstat_outfile_untrack(slot);
    return st;
}

shopstat_status shopstat_report_pdf_write(const char *path, const shopstat_title_page *tp,
                                          const shopstat_chart_data *const *charts,
                                          const size_t *tables, size_t n,
                                          const shopstat_chart_opts *opts, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = report_pdf_write_c(path, tp, charts, tables, n, opts, err);
    c_numeric_leave(old);
    return r;
}
