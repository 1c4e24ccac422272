/* A chart page: the common frame (title, subtitle, footer with notes and source) and the
 * dispatch to the drawing of each chart type. */
#include "internal.h"

#include "shopstat/scale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../engine/cnumeric.h"

#define MAX_PAGE_SIDE 14400.0 /* as chart.c's MAX_SIDE */

/* Whether any drawn estimate has a low effective base (decides the footnote). */
static int any_low(const plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    if (c->o->type == SHOPSTAT_CHART_BARS || c->o->type == SHOPSTAT_CHART_LIKERT) {
        for (size_t i = 0; i < d->nlevels * d->nseries; i++)
            if (!isnan(d->cells[i].value) &&
                plots_is_low(c, plots_cell_eff(d, &d->cells[i], i % d->nseries)))
                return 1;
    } else if (c->o->type == SHOPSTAT_CHART_TREND) {
        for (size_t i = 0; i < d->nlevels * d->nseries * d->nwaves; i++)
            if (!isnan(d->trend[i].value) &&
                plots_is_low(c, plots_cell_eff(d, &d->trend[i], (i / d->nwaves) % d->nseries)))
                return 1;
    } else if (c->o->type == SHOPSTAT_CHART_SCORE) {
        for (size_t i = 0; i < d->nlevels * d->nseries; i++)
            if (!isnan(d->cells[i].value) &&
                plots_is_low(c, plots_cell_eff(d, &d->cells[i], i % d->nseries)))
                return 1;
    }
    return 0;
}

static int any_sig(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    if (o->type == SHOPSTAT_CHART_LIKERT) {
        for (size_t i = 0; d->side_sig && i < 2 * d->nseries; i++)
            if (d->side_sig[i] && d->side_sig[i][0])
                return 1;
        return 0;
    }
    if (o->type != SHOPSTAT_CHART_BARS && o->type != SHOPSTAT_CHART_SCORE)
        return 0;
    for (size_t i = 0; i < d->nlevels * d->nseries; i++)
        if (d->cells[i].sig && d->cells[i].sig[0])
            return 1;
    return 0;
}

/* The proportion axis of a bar or trend chart (plots_pct_axis: 1 when scaled to small
 * shares); -1 for the other kinds. */
static int pct_axis(const plots_ctx *c, plots_axis *a)
{
    const shopstat_chart_data *d = c->d;
    if (c->o->type == SHOPSTAT_CHART_BARS)
        return plots_pct_axis(d->cells, d->nlevels * d->nseries, c->o, a);
    if (c->o->type == SHOPSTAT_CHART_TREND && !(isfinite(d->score_min) &&
                                                isfinite(d->score_max) &&
                                                d->score_min < d->score_max))
        return plots_pct_axis(d->trend, d->nlevels * d->nseries * d->nwaves, c->o, a);
    return -1;
}

/* Whether a zoomed axis starts above 0%: small values can pull it down to 0, and then the
 * bars' lengths are true and the footer must not warn about them. */
static int zoom_above_zero(const plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    plots_axis a;
    if (!c->o->zoom)
        return 0;
    if (c->o->type == SHOPSTAT_CHART_BARS)
        plots_zoom_axis(d->cells, d->nlevels * d->nseries, c->o->show_ci, &a);
    else if (c->o->type == SHOPSTAT_CHART_TREND)
        plots_zoom_axis(d->trend, d->nlevels * d->nseries * d->nwaves, c->o->show_ci, &a);
    else
        return 0;
    return a.lo > 0;
}

/* Footer text: what a reader needs to judge the chart without the report around it. */
static void footer_text(const plots_ctx *c, char *buf, size_t n)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    size_t k = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (k < n)                                                                                 \
            k += (size_t)snprintf(buf + k, n - k, __VA_ARGS__);                                    \
    } while (0)
    /* The question by its text, for a reader: not its name (an id of the data, "q7"), and
     * not at all when the chart's title is that text already; a multi-response question
     * says so either way. */
    const char *q = d->label && *d->label ? d->label : d->name ? d->name : "";
    const char *title = o->title && *o->title ? o->title : q;
    if (*q && strcmp(q, title) != 0) {
        ADD("Question: %s", q);
        if (d->multi_response)
            ADD(" (multiple answers allowed: percentages may add to more than 100%%)");
        if (k > 0 && k < n && !strchr(".?!", buf[k - 1]))
            ADD(".");
    } else if (d->multi_response) {
        ADD("Multiple answers allowed: percentages may add to more than 100%%.");
    }
    if (d->base_note && *d->base_note) {
        ADD("%sBase: %s", k ? "\n" : "", d->base_note);
        if (k > 0 && k < n && !strchr(".?!", buf[k - 1]))
            ADD(".");
    }
    /* the rows read but left out (exclusions, duplicates, skipped rows), beside the base:
     * a chart pasted alone still accounts for every row */
    if (o->rows_note && *o->rows_note)
        ADD("%s%s", d->base_note && *d->base_note ? " " : k ? "\n" : "", o->rows_note);
    ADD("%s%s", k ? "\n" : "", o->weight_note && *o->weight_note ? o->weight_note : "Unweighted.");
    char lvl[32];
    snprintf(lvl, sizeof lvl, "%g%%", o->ci_level * 100);
    const char *meth = o->ci_method && *o->ci_method ? o->ci_method : NULL;
    switch (o->type) {
    case SHOPSTAT_CHART_BARS:
        if (o->show_ci)
            ADD(" Whiskers: %s confidence intervals%s%s%s.", lvl, meth ? " (" : "",
                meth ? meth : "", meth ? " method)" : "");
        break;
    case SHOPSTAT_CHART_TREND:
        /* (a score's trend: its interval is estimate +/- t(df) x SE, as a score chart's) */
        if (o->show_ci && d->score_min < d->score_max && d->score_quantile)
            ADD(" Shaded bands: %s confidence intervals (Woodruff's: the share at or below the "
                "quantile \u00b1 t \u00d7 SE, mapped back to values).",
                lvl);
        else if (o->show_ci && d->score_min < d->score_max)
            ADD(" Shaded bands: %s confidence intervals (estimate \u00b1 t \u00d7 SE, design "
                "df).",
                lvl);
        else if (o->show_ci)
            ADD(" Shaded bands: %s confidence intervals%s%s%s.", lvl, meth ? " (" : "",
                meth ? meth : "", meth ? " method)" : "");
        break;
    case SHOPSTAT_CHART_DIFF:
        ADD(" Differences in percentage points");
        /* The interval of a difference is always difference +/- t(df) x SE, whatever
         * method the proportions' own intervals use. */
        if (o->show_ci)
            ADD(" with %s confidence intervals (difference \u00b1 t \u00d7 SE, design df)",
                lvl);
        ADD("; p-values %s%s%s.",
            o->adjust_method && *o->adjust_method ? "adjusted for multiple comparisons ("
                                                  : "not adjusted for multiple comparisons",
            o->adjust_method && *o->adjust_method ? o->adjust_method : "",
            o->adjust_method && *o->adjust_method ? ")" : "");
        /* The intervals are each difference's own, as R's svycontrast gives them: adjusting
         * an interval for Holm's step-down has no standard form. So the marks (filled dots,
         * bold rows) follow the adjusted p and the intervals do not, and an interval can lie
         * clear of 0 for a difference the mark calls not significant: said plainly. */
        if (o->show_ci && o->adjust_method && *o->adjust_method) {
            int clear = 0;
            for (size_t i = 0; i < d->nlevels * d->ncompare && !clear; i++)
                clear = plots_diff_unadjusted_clear(&d->diffs[i], o->show_ci);
            ADD(" The intervals are not adjusted; the marks are (a filled dot and bold "
                "figures: adjusted p < %g).",
                o->alpha);
            if (clear)
                ADD(" Dashed whisker: its interval excludes 0, but the difference is not "
                    "significant once adjusted.");
        }
        {
            int bound = 0; /* a p marked "+" (shopstat_chart_diff side_at_bound) */
            for (size_t i = 0; i < d->nlevels * d->ncompare && !bound; i++)
                bound = d->diffs[i].side_at_bound && !isnan(d->diffs[i].p_adj);
            if (bound)
                ADD(" A p followed by + compares a side at 0%% or 100%%, which adds no "
                    "variance (as in R): the SE and p are the other side's alone and "
                    "understate the uncertainty of a small base.");
        }
        break;
    case SHOPSTAT_CHART_LIKERT:
        ADD(" Bars centred on the %s; totals at the ends.",
            d->neutral >= 0 ? "neutral answer" : "middle of the scale");
        /* the non-substantive answers are answers (in the base) but no point of the scale:
         * those the chart draws apart (shopstat_scale_sides), named */
        {
            const char **labs = calloc(d->nlevels + 1, sizeof *labs);
            unsigned char *side = malloc(d->nlevels + 1);
            size_t na = 0;
            for (size_t l = 0; labs && side && l < d->nlevels; l++)
                labs[l] = plots_level_label(&d->levels[l]);
            if (labs && side)
                shopstat_scale_sides(labs, d->nlevels, d->neutral, side);
            for (size_t l = 0; labs && side && l < d->nlevels; l++) {
                if (side[l] != SHOPSTAT_SCALE_APART)
                    continue;
                ADD("%s%s", na ? ", " : " ", labs[l]);
                na++;
            }
            if (na)
                ADD(": at the right, not in the bars (%s of the base).",
                    na > 1 ? "shares" : "share");
            free(labs);
            free(side);
        }
        break;
    case SHOPSTAT_CHART_SCORE:
        /* a score's interval is estimate +/- t(df) x SE whatever the proportions' method */
        if (o->show_ci && d->score_quantile)
            ADD(" Whiskers: %s confidence intervals (Woodruff's: the share at or below the "
                "quantile \u00b1 t \u00d7 SE, mapped back to values).",
                lvl);
        else if (o->show_ci)
            ADD(" Whiskers: %s confidence intervals (estimate \u00b1 t \u00d7 SE, design df).",
                lvl);
        if (plots_score_cut(d, o))
            ADD(" An arrowhead: the interval runs on past the end of the axis (the tables give "
                "its bounds).");
        break;
    }
    if (zoom_above_zero(c))
        ADD(" Zoomed axis: it does not start at 0%%.");
    {
        plots_axis a;
        if (pct_axis(c, &a) == 1) {
            int dec = plots_tick_decimals(a.step);
            ADD(" Axis scaled to the small shares: it runs from 0%% to %.*f%%, not to 100%%.",
                dec, a.hi * 100);
        }
    }
    if (o->type == SHOPSTAT_CHART_SCORE && o->zoom) {
        plots_axis a;
        plots_score_axis(d, o, &a);
        if (a.lo > d->score_min || a.hi < d->score_max) {
            char mn[48], mx[48];
            plots_fmt_score(d, d->score_min, SHOPSTAT_SCORE_EXACT, mn, sizeof mn);
            plots_fmt_score(d, d->score_max, SHOPSTAT_SCORE_EXACT, mx, sizeof mx);
            ADD(" Zoomed axis: the scale runs from %s to %s.", mn, mx);
        }
    }
    if (c->low_used) {
        if (o->type == SHOPSTAT_CHART_TREND || o->type == SHOPSTAT_CHART_SCORE)
            ADD("\nHollow points: effective base below %g; read with caution.", o->low_base);
        else
            ADD("\nPale hatched bars: effective base below %g; read with caution.", o->low_base);
    }
    if (c->sig_used && o->sig_note && *o->sig_note)
        ADD("\n%s", o->sig_note);
    for (size_t i = 0; i < o->nnotes; i++)
        if (o->notes[i] && *o->notes[i])
            ADD("\n%s", o->notes[i]);
    if (o->source && *o->source)
        ADD(strncasecmp(o->source, "source", 6) == 0 ? "\n%s" : "\nSource: %s", o->source);
    if (c->page && c->page->more)
        ADD("\nContinued on the next page.");
#undef ADD
}

/* The footer's text from y = top down, fh tall, and a rule above it, across the page. */
static void draw_footer(plots_ctx *c, const char *foot, double top, double fh)
{
    double s = c->s, m = 30 * s;
    plots_font ff = plots_font_make(PLOTS_PT_FOOTER * s, 0, PLOTS_GREY);
    ff.valign = 1;
    plots_text(c->cr, foot, m, top + fh, c->w - 2 * m, &ff, 1, NULL, NULL);
    plots_set(c->cr, PLOTS_GRID);
    cairo_set_line_width(c->cr, 0.6 * s);
    cairo_move_to(c->cr, m, top - 7 * s);
    cairo_line_to(c->cr, c->w - m, top - 7 * s);
    cairo_stroke(c->cr);
}

double plots_type_scale(double w, double h)
{
    /* Type grows and shrinks with the page area, relative to A4 (either way up), within limits that
     * keep it legible on small charts and sensible on posters. */
    double s = sqrt(w * h / (842.0 * 595.0));
    /* ... but no faster than the width: a page made tall for many rows keeps the type of a
     * portrait page of its width (595 points wide = 1), or its labels and bars get squeezed
     * into a column of large type. Pages up to A4 portrait's proportions are unaffected. */
    s = fmin(s, w / 595.0);
    return s < 0.75 ? 0.75 : s > 3 ? 3 : s;
}

/* The body of chart c, by its kind. */
static shopstat_status draw_kind(plots_ctx *c)
{
    switch (c->o->type) {
    case SHOPSTAT_CHART_BARS:
        return plots_draw_bars(c);
    case SHOPSTAT_CHART_DIFF:
        return plots_draw_diff(c);
    case SHOPSTAT_CHART_LIKERT:
        return plots_draw_likert(c);
    case SHOPSTAT_CHART_TREND:
        return plots_draw_trend(c);
    case SHOPSTAT_CHART_SCORE:
        return plots_draw_score(c);
    }
    return SHOPSTAT_OK;
}

/* Draw one chart; when it does not fit, *need_h is set to the page height its layout asked
 * for, and *what to what needed it. *used_h (may be NULL) is set to the height drawn: h, or a
 * compact chart's own. type_h > 0: the type of a w x type_h page (plots_grown_height), else
 * of w x h. */
static shopstat_status draw_chart(cairo_t *cr, double w, double h, double type_h,
                                  const shopstat_chart_data *d, const shopstat_chart_opts *opts,
                                  const plots_page *pg, shopstat_error *err, double *need_h,
                                  const char **what, double *used_h)
{
    shopstat_status st = SHOPSTAT_OK;
    plots_ctx c = {0};
    c.page = pg;
    c.cr = cr;
    c.o = opts;
    c.d = d;
    c.w = w;
    c.h = h;
    c.err = err;
    c.s = plots_type_scale(w, type_h > 0 ? type_h : h);
    c.low_used = any_low(&c);
    c.sig_used = any_sig(d, opts);
    c.compact = pg ? 0 : opts->compact;

    cairo_save(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double s = c.s, m = 30 * s, tw = w - 2 * m;

    plots_font ft = plots_font_make(PLOTS_PT_TITLE * s, 1, PLOTS_INK);
    const char *title = opts->title && *opts->title ? opts->title
                        : d->label && *d->label     ? d->label
                                                    : (d->name ? d->name : "");
    char cont[1200];
    if (pg && pg->cont) {
        snprintf(cont, sizeof cont, "%s (continued)", title);
        title = cont;
    }
    double th;
    plots_text(cr, title, m, m, tw, &ft, 1, NULL, &th);
    double y = m + th;
    if (opts->subtitle && *opts->subtitle) {
        plots_font fs = plots_font_make(PLOTS_PT_SUBTITLE * s, 0, PLOTS_GREY);
        double sh;
        plots_text(cr, opts->subtitle, m, y + 3 * s, tw, &fs, 1, NULL, &sh);
        y += 3 * s + sh;
    }
    y += 14 * s;

    char foot[8192];
    footer_text(&c, foot, sizeof foot);
    plots_font ff = plots_font_make(PLOTS_PT_FOOTER * s, 0, PLOTS_GREY);
    double fh;
    plots_text(cr, foot, m, 0, tw, &ff, 0, NULL, &fh);
    double fy = h - m * 0.8 - fh;
    if (!c.compact)
        draw_footer(&c, foot, fy, fh);

    c.body.x = m;
    c.body.y = y;
    c.body.w = tw;
    c.body.h = fy - 16 * s - y;
    if (c.body.h < 40 * s) {
        st = plots_too_small(&c, "title and footer", h + 40 * s - c.body.h);
    } else {
        /* A chart whose rows stop short of its page (bars and rows at their greatest
         * thickness on a page sized for more: a fixed --chart-size, a chart alone on a report
         * page) has its body (legend, plot, axis) centred between the title and the footer,
         * not a blank band between its axis and the footer: measured once, drawn shifted by
         * half the spare height. A compact chart ends at its rows anyway, and a report page
         * of some rows keeps them at the top, as the pages before it. */
        double shift = 0;
        if (!c.compact && !pg) {
            cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
            plots_ctx mc = c;
            shopstat_error e = {0};
            mc.cr = cairo_create(rs);
            mc.err = &e;
            if (!draw_kind(&mc) && mc.used > 0)
                shift = fmax(0, (c.body.y + c.body.h - mc.used) / 2);
            cairo_destroy(mc.cr);
            cairo_surface_destroy(rs);
        }
        cairo_save(cr);
        cairo_translate(cr, 0, shift);
        st = draw_kind(&c);
        cairo_restore(cr);
    }
    /* A compact chart's footer under what its kind drew, not at the foot of the page (the
     * body's layout does not depend on where the footer goes). */
    if (!st && c.compact) {
        fy = (c.used > 0 ? c.used : c.body.y + c.body.h) + 16 * s;
        draw_footer(&c, foot, fy, fh);
    }
    if (used_h)
        *used_h = c.compact ? fmin(h, fy + fh + m * 0.8) : h;
    cairo_restore(cr);
    *need_h = c.need_h;
    *what = c.need_what;
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "cairo: %s",
                                cairo_status_to_string(cairo_status(cr)));
    return st;
}

/* The smallest height (to the point) at which a chart of width w fits, from the height its
 * layout asked for at h: type grows with the page, so a taller page needs taller rows, and the
 * first answer is short. Each try lays the chart out on a recording surface; 0 = none up to
 * the largest page. */
static double fitting_height(double w, double need, const shopstat_chart_data *d,
                             const shopstat_chart_opts *opts)
{
    double h = ceil(need);
    for (int i = 0; i < 64 && h <= MAX_PAGE_SIDE; i++) {
        cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        cairo_t *rc = cairo_create(rs);
        shopstat_error e = {0};
        double more = 0;
        const char *what = NULL;
        shopstat_status st = draw_chart(rc, w, h, 0, d, opts, NULL, &e, &more, &what, NULL);
        cairo_destroy(rc);
        cairo_surface_destroy(rs);
        if (!st)
            return h;
        if (!(more > 0))
            return 0; /* another failure: no height helps */
        h = fmax(h + 1, ceil(more));
    }
    return 0;
}

static shopstat_status chart_draw_c(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                    const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts def;
    opts = plots_opts(d, opts, &def);
    if (!cr)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "chart: no cairo context");
    shopstat_status st = plots_check(d, opts, w, h, err);
    if (st)
        return st;
    double need = 0;
    const char *what = NULL;
    st = draw_chart(cr, w, h, 0, d, opts, NULL, err, &need, &what, NULL);
    if (st == SHOPSTAT_EUSAGE && need > 0) {
        /* the message names a height at which the chart does fit */
        double fit = fitting_height(w, need, d, opts);
        const char *nm = d->name ? d->name : "";
        if (fit > 0)
            st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                    "chart '%s' does not fit in %gx%g points: its %s need a "
                                    "height of %.0f points (use --chart-size %gx%.0f)",
                                    nm, w, h, what, fit, w, fit);
        else
            st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                    "chart '%s' does not fit in %gx%g points: its %s need more "
                                    "than the largest page (%.0f points high) at this width",
                                    nm, w, h, what, MAX_PAGE_SIDE);
    }
    return st;
}

shopstat_status shopstat_chart_draw(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                    const shopstat_chart_opts *opts, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chart_draw_c(cr, w, h, d, opts, err);
    c_numeric_leave(old);
    return r;
}

shopstat_status shopstat_chart_compact_height(const shopstat_chart_data *d,
                                              const shopstat_chart_opts *opts, double w, double h,
                                              double *height, shopstat_error *err)
{
    return plots_compact_height_typed(d, opts, w, h, 0, height, err);
}

shopstat_status plots_compact_height_typed(const shopstat_chart_data *d,
                                           const shopstat_chart_opts *opts, double w, double h,
                                           double type_h, double *height, shopstat_error *err)
{
    shopstat_chart_opts def;
    opts = plots_opts(d, opts, &def);
    shopstat_status st = plots_check(d, opts, w, h, err);
    if (st)
        return st;
    shopstat_chart_opts co = *opts;
    co.compact = opts->compact > 1 ? opts->compact : 1;
    shopstat_chart_data dc = *d;
    dc.opts = &co;
    /* laid out on a recording surface: the text's sizes are those of the drawing */
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *rc = cairo_create(rs);
    double need = 0, used = h;
    const char *what = NULL;
    st = draw_chart(rc, w, h, type_h, &dc, &co, NULL, err, &need, &what, &used);
    cairo_destroy(rc);
    cairo_surface_destroy(rs);
    if (!st)
        *height = used;
    return st;
}

size_t plots_page_rows(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    return o->type == SHOPSTAT_CHART_BARS || o->type == SHOPSTAT_CHART_DIFF ? d->nlevels : 0;
}

shopstat_status plots_draw_page(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                const shopstat_chart_opts *o, const plots_page *pg,
                                shopstat_error *err)
{
    shopstat_status st = plots_check(d, o, w, h, err);
    if (st)
        return st;
    if (!(pg->row0 < pg->row1 && pg->row1 <= plots_page_rows(d, o)))
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                  "chart '%s': page rows %zu-%zu of %zu", d->name ? d->name : "",
                                  pg->row0, pg->row1, plots_page_rows(d, o));
    double need = 0;
    const char *what = NULL;
    return draw_chart(cr, w, h, 0, d, o, pg, err, &need, &what, NULL);
}

shopstat_status plots_draw_typed(cairo_t *cr, double w, double h, double type_h,
                                 const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                 shopstat_error *err)
{
    shopstat_status st = plots_check(d, o, w, h, err);
    if (st)
        return st;
    double need = 0;
    const char *what = NULL;
    return draw_chart(cr, w, h, type_h, d, o, NULL, err, &need, &what, NULL);
}

/* Lays the chart out on a recording surface of w x h with the type of w x type_h: 0, or
 * SHOPSTAT_EUSAGE with *need (the height asked for; 0 = none helps) and *used set. */
static shopstat_status try_typed(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                 double w, double h, double type_h, double *need, double *used,
                                 shopstat_error *err)
{
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *rc = cairo_create(rs);
    const char *what = NULL;
    *need = 0;
    *used = h;
    shopstat_status st = draw_chart(rc, w, h, type_h, d, o, NULL, err, need, &what, used);
    cairo_destroy(rc);
    cairo_surface_destroy(rs);
    return st;
}

shopstat_status plots_grown_height(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                   double w, double type_h, double *height, shopstat_error *err)
{
    shopstat_status st = plots_check(d, o, w, type_h, err);
    if (st)
        return st;
    double need = 0, used = 0;
    shopstat_error e = {0};
    if (o->compact) {
        /* a compact chart takes the height of its rows from the top of the tallest page */
        st = try_typed(d, o, w, MAX_PAGE_SIDE, type_h, &need, &used, &e);
        if (!st) {
            *height = fmax(type_h, ceil(used));
            return SHOPSTAT_OK;
        }
    } else {
        /* a chart that fills its page (a trend): the first height its layout accepts */
        double h = type_h;
        for (int i = 0; i < 64 && h <= MAX_PAGE_SIDE; i++) {
            st = try_typed(d, o, w, h, type_h, &need, &used, &e);
            if (!st) {
                *height = h;
                return SHOPSTAT_OK;
            }
            if (st != SHOPSTAT_EUSAGE || !(need > 0))
                break;
            h = fmax(h + 1, ceil(need));
        }
    }
    if (st != SHOPSTAT_EUSAGE) {
        if (err)
            *err = e;
        return st;
    }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "chart '%s' does not fit in %gx%g points nor on a page of this "
                              "width up to %.0f points high: give it a wider --chart-size or "
                              "fewer levels or segments",
                              d->name ? d->name : "", w, type_h, MAX_PAGE_SIDE);
}
