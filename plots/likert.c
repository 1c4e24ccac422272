/* Diverging stacked bars for ordinal scales: one row per segment, centred on the neutral point. */
#include "internal.h"

#include "shopstat/scale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Colour of scale point l: the lower half runs vermillion -> orange, the upper half blue ->
 * sky blue (Okabe-Ito hues), lighter towards the centre; the neutral point is a light grey.
 * So that every point has a grey of its own in greyscale print (a symmetric scale printed
 * "Probably would not" and "Probably would" alike), the points take luma levels from 0.20 up
 * by equal steps in the order: upper end, lower end, next upper, next lower, ..., neutral
 * (0.84): a scale of up to five points has levels 0.16 apart (0.20 0.36 0.52 0.68 0.84).
 * Longer scales cannot keep every pair that far apart within 0.20-0.84, and equal steps put
 * neighbours one step (0.107 for seven points) apart; so they keep the neighbours apart
 * instead: from the centre out, levels 0.84 down by steps of at least 0.08, the neutral at
 * the top, then lower and upper points alternately with one level left free beside the
 * centre, so that any two neighbouring points are two steps (0.16 or more) apart: 7 points
 * 0.84 0.66 0.57 0.47 0.38 0.29 0.20 (neighbours 0.18 apart); 9 points reach 0.12; past 9
 * the steps shrink to end at black (11 points: neighbours 0.153 apart, the upper end black). */
/* The diverging part of a Likert chart: its substantive levels in display order (idx[k] the
 * level of position k), nlow of them left of the centre, then the neutral one (neutral its
 * position, or -1 when the centre falls between two points), then the rest from hstart; and
 * the non-substantive answers ("Don't know": shopstat_scale_sides), drawn apart. */
typedef struct lk_view {
    size_t *idx, nv, nlow, hstart;
    long neutral;
    size_t *apart, napart;
} lk_view;

static void view_free(lk_view *v)
{
    free(v->idx);
    free(v->apart);
}

static int view_make(const shopstat_chart_data *d, lk_view *v)
{
    size_t n = d->nlevels;
    memset(v, 0, sizeof *v);
    v->neutral = -1;
    v->idx = malloc((n ? n : 1) * sizeof *v->idx);
    v->apart = malloc((n ? n : 1) * sizeof *v->apart);
    const char **labs = calloc(n ? n : 1, sizeof *labs);
    unsigned char *side = malloc(n ? n : 1);
    if (!v->idx || !v->apart || !labs || !side) {
        free(labs);
        free(side);
        view_free(v);
        return -1;
    }
    for (size_t l = 0; l < n; l++)
        labs[l] = plots_level_label(&d->levels[l]);
    shopstat_scale_sides(labs, n, d->neutral, side);
    for (size_t l = 0; l < n; l++) {
        if (side[l] == SHOPSTAT_SCALE_APART) {
            v->apart[v->napart++] = l;
            continue;
        }
        if (side[l] == SHOPSTAT_SCALE_LOW)
            v->nlow++;
        if (side[l] == SHOPSTAT_SCALE_NEUTRAL)
            v->neutral = (long)v->nv;
        v->idx[v->nv++] = l;
    }
    v->hstart = v->nlow + (v->neutral >= 0);
    free(labs);
    free(side);
    return 0;
}

static plots_rgb scale_colour(const lk_view *v, size_t l)
{
    size_t n = v->nv;
    size_t nlow = v->nlow;
    size_t hstart = v->hstart;
    size_t nhigh = n - hstart;
    size_t m = nlow > nhigh ? nlow : nhigh; /* points on the longer side */
    int has_neutral = v->neutral >= 0;
    if (has_neutral && l == (size_t)v->neutral) {
        plots_rgb g = {0.84, 0.84, 0.84};
        return g;
    }
    int low = l < nlow;
    size_t k = low ? l : n - 1 - l;   /* 0 = its end of the scale */
    size_t side = low ? nlow : nhigh; /* points on its side */
    double t = side > 1 ? (double)k / (double)(side - 1) : 0;
    plots_rgb hue =
        low ? plots_mix(PLOTS_VERMILLION, PLOTS_ORANGE, t) : plots_mix(PLOTS_BLUE, PLOTS_SKY, t);
    if (m <= 2) {
        double step = (0.84 - 0.20) / 4;
        return plots_at_luma(hue, 0.20 + step * (double)(low ? 2 * k + 1 : 2 * k));
    }
    /* c = 1 next to the centre; idx counts steps down from 0.84 */
    size_t c = side - k, idx, top;
    if (has_neutral) {
        idx = low ? 2 * c : 2 * c + 1;
        top = 2 * m + 1;
    } else {
        idx = c == 1 ? (low ? 0 : 2) : (low ? 2 * c - 1 : 2 * c);
        top = 2 * m;
    }
    double step = fmin(fmax((0.84 - 0.20) / (double)top, 0.08), 0.84 / (double)top);
    return plots_at_luma(hue, 0.84 - step * (double)idx);
}

/* What chart x's rows need across, taken into the maxima given: its row labels' natural width
 * (a label, its base under it), the widest mark beside a total (with its gap), and the longest
 * side of any row (the neutral point split between the sides): the axis's half-extent. For a
 * chart alone, and for the charts it shares its axis with (d->axis_with). */
static int measure(cairo_t *cr, const shopstat_chart_data *x, double low_base, const plots_font *fl,
                   const plots_font *fb, const plots_font *fsig, double *lw, double *sigw,
                   double *ext)
{
    size_t ns = x->nseries;
    lk_view v;
    if (view_make(x, &v))
        return -1;
    size_t nl = v.nv;
    long neutral = v.neutral;
    size_t lend = v.nlow;
    double tw;
    for (size_t j = 0; j < ns; j++) {
        char base[96];
        plots_fmt_base(&x->series[j], low_base, base, sizeof base);
        plots_text(cr, plots_series_label(&x->series[j]), 0, 0, 0, fl, 0, &tw, NULL);
        *lw = fmax(*lw, tw);
        plots_text(cr, base, 0, 0, 0, fb, 0, &tw, NULL);
        *lw = fmax(*lw, tw);
        double left = 0, right = 0;
        for (size_t l = 0; l < nl; l++) {
            double y = x->cells[v.idx[l] * ns + j].value;
            if (isnan(y))
                continue;
            if ((long)l == neutral) {
                left += y / 2;
                right += y / 2;
            } else if (l < lend) {
                left += y;
            } else {
                right += y;
            }
        }
        *ext = fmax(*ext, fmax(left, right));
    }
    view_free(&v);
    for (size_t i = 0; x->side_sig && i < 2 * ns; i++)
        if (x->side_sig[i] && x->side_sig[i][0]) {
            plots_text(cr, x->side_sig[i], 0, 0, 0, fsig, 0, &tw, NULL);
            *sigw = fmax(*sigw, tw + plots_mark_gap(cr, fsig, x->side_sig[i]));
        }
    return 0;
}

void plots_likert_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                         double w, double h, double *label, double *inset)
{
    double s = plots_type_scale(w, h);
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    plots_font fb = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    plots_font ftot = plots_font_make(PLOTS_PT_LABEL * s, 1, PLOTS_INK);
    double lw = 0, sigw = 0, ext = 0, totw = 0;
    /* (as plots_draw_likert measures: the charts sharing its axis too) */
    int bad = measure(cr, d, o->low_base, &fl, &fb, &ftot, &lw, &sigw, &ext);
    for (size_t k = 0; k < d->naxis_with && !bad; k++)
        bad = measure(cr, d->axis_with[k], o->low_base, &fl, &fb, &ftot, &lw, &sigw, &ext);
    char probe[32];
    plots_fmt_pct(1.0, o->decimals, probe, sizeof probe);
    plots_text(cr, probe, 0, 0, 0, &ftot, 0, &totw, NULL);
    *label = fmin(ceil(lw) + 1, 0.3 * (w - 2 * 30 * s));
    *inset = 16 * s + sigw + totw + 8 * s;
}

shopstat_status plots_draw_likert(plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_rect b = c->body;
    size_t ns = d->nseries;
    /* the diverging bars hold the substantive levels; "Don't know" and its kind are shown
     * apart, their shares in columns of their own right of the bars */
    lk_view vw;
    if (view_make(d, &vw))
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t nl = vw.nv;
    long neutral = vw.neutral;
    size_t hstart = vw.hstart;
    size_t lend = vw.nlow;
#define CELL(l, j) (&d->cells[vw.idx[l] * ns + (j)])

    plots_rgb *cols = calloc(nl + 1, sizeof *cols);
    const char **texts = calloc(nl + 1, sizeof *texts);
    if (!cols || !texts) {
        free(cols);
        free(texts);
        view_free(&vw);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t l = 0; l < nl; l++) {
        cols[l] = scale_colour(&vw, l);
        texts[l] = plots_level_label(&d->levels[vw.idx[l]]);
    }
    double legh = plots_legend(c, b.x, b.y, b.w, nl, cols, texts, NULL, NULL, 1);

    /* Row labels: segment label, and its base in grey underneath. */
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.halign = 1;
    plots_font fb = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    fb.halign = 1;
    double lw = 0, tw, th;
    plots_font ftot = plots_font_make(PLOTS_PT_LABEL * s, 1, PLOTS_INK);
    ftot.valign = 0.5;
    /* room for the side totals' significance marks (d->side_sig), beside each total */
    plots_font fsig = ftot;
    fsig.colour = PLOTS_INK;
    double sigw = 0, ext = 0;
    /* this chart's needs, and those of the charts sharing its axis (a grid's segments): one
     * extent and one layout across, so that they read on one scale */
    int bad = measure(cr, d, o->low_base, &fl, &fb, &fsig, &lw, &sigw, &ext);
    for (size_t k = 0; k < d->naxis_with && !bad; k++)
        bad = measure(cr, d->axis_with[k], o->low_base, &fl, &fb, &fsig, &lw, &sigw, &ext);
    if (bad) {
        free(cols);
        free(texts);
        view_free(&vw);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* (at least what report.pdf gives the charts of a page, opts label_width, so that the
     * plot starts where theirs does: the mean chart under it) */
    lw = fmin(fmax(ceil(lw) + 1, o->label_width), 0.3 * b.w);
    double labh = 0;
    for (size_t j = 0; j < ns; j++) {
        char base[96];
        plots_fmt_base(&d->series[j], o->low_base, base, sizeof base);
        double h1, h2 = 0;
        plots_text(cr, plots_series_label(&d->series[j]), 0, 0, lw, &fl, 0, NULL, &h1);
        if (base[0])
            plots_text(cr, base, 0, 0, lw, &fb, 0, NULL, &h2);
        labh = fmax(labh, h1 + h2);
    }

    char probe[32];
    plots_fmt_pct(1.0, o->decimals, probe, sizeof probe);
    double totw;
    plots_text(cr, probe, 0, 0, 0, &ftot, 0, &totw, &th);

    /* the non-substantive answers' columns: a header (the answer, wrapped) over each */
    plots_font fa = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    fa.halign = 0.5;
    double hw = fmax(totw, 56 * s), hh = 0;
    for (size_t k = 0; k < vw.napart; k++) {
        double h;
        plots_text(cr, plots_level_label(&d->levels[vw.apart[k]]), 0, 0, hw, &fa, 0, NULL, &h);
        hh = fmax(hh, h);
    }
    double apw = vw.napart ? (double)vw.napart * (hw + 10 * s) : 0;

    double axh = plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s;
    double top = b.y + legh + 14 * s + (vw.napart ? hh + 6 * s : 0), bottom = b.y + b.h - axh;
    double need = fmax(labh + 8 * s, 14 * s);
    double band = (bottom - top) / (double)ns;
    if (band < need) {
        free(cols);
        free(texts);
        view_free(&vw);
        return plots_too_small(c, "segments", c->h + (need - band) * (double)ns);
    }
    /* (a compact chart, stacked with others on a page: rows closer; tight, as close as the
     * labels allow) */
    band = fmin(band, fmax(need, c->compact > 1 ? 0 : c->compact ? 36 * s : 30 * s / 0.6));
    double bar = fmin(band * 0.62, 30 * s);
    bottom = top + band * ns;
    c->used = bottom + axh;

    /* Symmetric axis wide enough for the longest side of any row (of every chart sharing it). */
    plots_axis a;
    plots_axis_nice(-ext, ext, 8, &a);
    double m = fmax(-a.lo, a.hi);
    a.lo = -m;
    a.hi = m;
    a.x0 = b.x + lw + 16 * s + sigw + totw + 8 * s;
    a.x1 = b.x + b.w - totw - 8 * s - sigw - apw;
    double ax0 = a.x1 + 8 * s + totw + sigw + 10 * s; /* the first answer apart's column */
    for (size_t k = 0; k < vw.napart; k++)
        plots_text(cr, plots_level_label(&d->levels[vw.apart[k]]),
                   ax0 + (double)k * (hw + 10 * s) + hw / 2, top - hh - 6 * s, hw, &fa, 1, NULL,
                   NULL);

    plots_font ft = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    ft.halign = 0.5;
    int nt = (int)floor((a.hi - a.lo) / a.step + 0.5);
    for (int i = 0; i <= nt; i++) {
        double v = a.lo + i * a.step, x = plots_axis_map(&a, v);
        int zero = fabs(v) < 1e-9;
        plots_set(cr, zero ? PLOTS_INK : PLOTS_GRID);
        cairo_set_line_width(cr, (zero ? 1.0 : 0.6) * s);
        cairo_move_to(cr, x, top - 4 * s);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
        char tk[32];
        snprintf(tk, sizeof tk, "%.*f%%", plots_tick_decimals(a.step), fabs(v) * 100);
        plots_text(cr, tk, x, bottom + 4 * s, 0, &ft, 1, NULL, NULL);
    }

    plots_font fseg = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_INK);
    fseg.halign = 0.5;
    fseg.valign = 0.5;
    for (size_t j = 0; j < ns; j++) {
        double cy = top + j * band + band / 2, y0 = cy - bar / 2;
        char base[96];
        plots_fmt_base(&d->series[j], o->low_base, base, sizeof base);
        double h1, h2 = 0;
        plots_text(cr, plots_series_label(&d->series[j]), 0, 0, lw, &fl, 0, NULL, &h1);
        if (base[0])
            plots_text(cr, base, 0, 0, lw, &fb, 0, NULL, &h2);
        double ly = cy - (h1 + h2) / 2;
        plots_text(cr, plots_series_label(&d->series[j]), b.x + lw, ly, lw, &fl, 1, NULL, NULL);
        if (base[0])
            plots_text(cr, base, b.x + lw, ly + h1, lw, &fb, 1, NULL, NULL);

        /* Left of zero: the neutral half first, then from the centre outwards. */
        double nv = neutral >= 0 ? CELL((size_t)neutral, j)->value : 0;
        nv = isnan(nv) ? 0 : nv;
        double xl = -nv / 2, xr = nv / 2, left = 0, right = 0;
        if (neutral >= 0) {
            const shopstat_chart_cell *x = CELL((size_t)neutral, j);
            int low = plots_is_low(c, plots_cell_eff(d, x, j));
            c->low_used |= low;
            double x0 = plots_axis_map(&a, xl), x1 = plots_axis_map(&a, xr);
            plots_bar(cr, x0, y0, x1 - x0, bar, cols[neutral], low, s);
        }
        for (size_t pass = 0; pass < 2; pass++) {
            size_t cnt = pass ? nl - hstart : lend;
            for (size_t k = 0; k < cnt; k++) {
                size_t l = pass ? hstart + k : lend - 1 - k;
                const shopstat_chart_cell *x = CELL(l, j);
                if (isnan(x->value))
                    continue;
                double v0 = pass ? xr : xl - x->value, v1 = pass ? xr + x->value : xl;
                if (pass) {
                    xr = v1;
                    right += x->value;
                } else {
                    xl = v0;
                    left += x->value;
                }
                int low = plots_is_low(c, plots_cell_eff(d, x, j));
                double x0 = plots_axis_map(&a, v0), x1 = plots_axis_map(&a, v1);
                plots_bar(cr, x0, y0, x1 - x0, bar, cols[l], low, s);
            }
        }
        /* Segment labels where they fit, in a colour that contrasts with the fill. */
        for (size_t l = 0; l < nl; l++) {
            const shopstat_chart_cell *x = CELL(l, j);
            if (isnan(x->value))
                continue;
            double start = -nv / 2, acc = 0;
            if (l < lend) {
                for (size_t q = l; q < lend; q++)
                    acc += isnan(CELL(q, j)->value) ? 0 : CELL(q, j)->value;
                start = -nv / 2 - acc;
            } else if ((long)l != neutral) {
                for (size_t q = hstart; q < l; q++)
                    acc += isnan(CELL(q, j)->value) ? 0 : CELL(q, j)->value;
                start = nv / 2 + acc;
            }
            double x0 = plots_axis_map(&a, start), x1 = plots_axis_map(&a, start + x->value);
            char buf[32];
            snprintf(buf, sizeof buf, "%.0f", x->value * 100);
            plots_text(cr, buf, 0, 0, 0, &fseg, 0, &tw, NULL);
            if (x1 - x0 >= tw + 4 * s) {
                int low = plots_is_low(c, plots_cell_eff(d, x, j));
                /* white or ink, whichever reads better on the fill (WCAG 2 contrast): by
                 * print grey, the mid blue of a five-point scale took white at 3.5:1 where
                 * ink has 4.7:1 */
                fseg.colour = low ? PLOTS_INK : plots_text_on(cols[l]);
                plots_text(cr, buf, (x0 + x1) / 2, cy, 0, &fseg, 1, NULL, NULL);
            }
        }
        /* Totals of each side (neutral excluded) at the ends of the axis. */
        char buf[32];
        ftot.halign = 1;
        ftot.colour = plots_mix(cols[0], PLOTS_INK, 0.25);
        plots_fmt_pct(left, o->decimals, buf, sizeof buf);
        plots_text(cr, buf, a.x0 - 8 * s, cy, 0, &ftot, 1, &tw, NULL);
        const char *mk = d->side_sig ? d->side_sig[j] : NULL;
        fsig.halign = 1;
        if (mk && mk[0])
            plots_text(cr, mk, a.x0 - 8 * s - tw - plots_mark_gap(cr, &fsig, mk), cy, 0, &fsig, 1,
                       NULL, NULL);
        ftot.halign = 0;
        ftot.colour = plots_mix(cols[nl - 1], PLOTS_INK, 0.25);
        plots_fmt_pct(right, o->decimals, buf, sizeof buf);
        plots_text(cr, buf, a.x1 + 8 * s, cy, 0, &ftot, 1, &tw, NULL);
        mk = d->side_sig ? d->side_sig[ns + j] : NULL;
        fsig.halign = 0;
        if (mk && mk[0])
            plots_text(cr, mk, a.x1 + 8 * s + tw + plots_mark_gap(cr, &fsig, mk), cy, 0, &fsig, 1,
                       NULL, NULL);
        /* the answers apart: their shares of the row's base, in grey */
        for (size_t k = 0; k < vw.napart; k++) {
            const shopstat_chart_cell *x = &d->cells[vw.apart[k] * ns + j];
            if (isnan(x->value))
                snprintf(buf, sizeof buf, "n/a");
            else
                plots_fmt_pct(x->value, o->decimals, buf, sizeof buf);
            fa.valign = 0.5;
            plots_text(cr, buf, ax0 + (double)k * (hw + 10 * s) + hw / 2, cy, 0, &fa, 1, NULL,
                       NULL);
            fa.valign = 0;
        }
    }
#undef CELL
    free(cols);
    free(texts);
    view_free(&vw);
    return SHOPSTAT_OK;
}
