/* Score chart: one score (a rating's mean, a Net Promoter Score) per segment, a dot at the
 * estimate with its CI whisker on the score's own axis, the value beside it; a grid's items
 * each a group of such rows. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plots_score_decimals(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    /* the scale's decimals, as every view (score.h; a measure's its own), and the chart's
     * extra ones */
    int dec = d->score_measure ? d->score_measure_decimals
                               : shopstat_score_decimals(d->score_min, d->score_max);
    return dec + (o && o->decimals > 0 ? o->decimals : 0);
}

void plots_fmt_score(const shopstat_chart_data *d, double v, int decimals, char *buf, size_t n)
{
    shopstat_score_format(v, d->score_min, d->score_max, decimals, SHOPSTAT_SCORE_MINUS, buf, n);
}

void plots_score_axis(const shopstat_chart_data *d, const shopstat_chart_opts *o, plots_axis *a)
{
    double mn = d->score_min, mx = d->score_max;
    if (o->zoom) {
        /* nice ticks around the values (and their CIs when drawn), within the scale */
        double lo = mx, hi = mn;
        for (size_t j = 0; j < d->nlevels * d->nseries; j++) {
            const shopstat_chart_cell *x = &d->cells[j];
            if (isnan(x->value))
                continue;
            lo = fmin(lo, x->value);
            hi = fmax(hi, x->value);
            if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
                lo = fmin(lo, fmax(x->lo, mn));
                hi = fmax(hi, fmin(x->hi, mx));
            }
        }
        /* (one value and no whisker: nothing to zoom to, the whole scale) */
        if (hi > lo) {
            plots_axis_nice(lo, hi, 5, a);
            a->lo = fmax(a->lo, mn);
            a->hi = fmin(a->hi, mx);
            a->x0 = a->x1 = 0;
            return;
        }
    }
    /* the scale's own ends, ticks at a nice step in between */
    plots_axis_nice(mn, mx, 5, a);
    a->lo = mn;
    a->hi = mx;
    a->x0 = a->x1 = 0;
}

int plots_score_cut(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    if (!o->show_ci)
        return 0;
    plots_axis a;
    plots_score_axis(d, o, &a);
    for (size_t j = 0; j < d->nlevels * d->nseries; j++) {
        const shopstat_chart_cell *x = &d->cells[j];
        if (!isnan(x->value) && !isnan(x->lo) && !isnan(x->hi) && (x->lo < a.lo || x->hi > a.hi))
            return 1;
    }
    return 0;
}

/* Decimals that name every tick of a step exactly (0 for 50 or 1, 1 for 0.5, 2 for 0.25). */
static int step_decimals(double step)
{
    for (int k = 0; k < 3; k++) {
        double v = step * pow(10.0, k);
        if (fabs(v - floor(v + 0.5)) < 1e-6 * fmax(1, v))
            return k;
    }
    return 3;
}

static const shopstat_chart_series *row_bases(const shopstat_chart_data *d, size_t i)
{
    /* (a grid's item in a segment: its own base; else the segment's) */
    return d->nlevels > 1 && d->item_bases ? &d->item_bases[i] : &d->series[i % d->nseries];
}

/* A row's segment label and its bases under it: their height in width lw (h1: the label's). */
static double row_label_height(cairo_t *cr, const shopstat_chart_data *d,
                               const shopstat_chart_opts *o, size_t i, double lw,
                               const plots_font *fl, const plots_font *fb, double *h1)
{
    char base[96];
    double h2 = 0;
    size_t j = i % d->nseries;
    plots_fmt_base(row_bases(d, i), o->low_base, base, sizeof base);
    plots_text(cr, plots_series_label(&d->series[j]), 0, 0, lw, fl, 0, NULL, h1);
    if (base[0])
        plots_text(cr, base, 0, 0, lw, fb, 0, NULL, &h2);
    return *h1 + h2;
}

/* The label columns of a score chart at type scale s in a body bw wide: *lw its rows' (the
 * segment, its bases under it), *iw a grid's items' (0 for one score), each at its natural
 * width within its share of the body; *inset, from the body's left edge to the plot less
 * the rows' column. */
static void score_columns(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                          double s, double bw, double *lw, double *iw, double *inset)
{
    size_t ns = d->nseries, ng = d->nlevels, nrow = ng * ns;
    int items = ng > 1;
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    plots_font fb = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    plots_font fi = plots_font_make(PLOTS_PT_LABEL * s, 1, PLOTS_INK);
    double tw;
    char base[96];
    *lw = 0;
    *iw = 0;
    for (size_t i = 0; i < nrow; i++) {
        plots_fmt_base(row_bases(d, i), o->low_base, base, sizeof base);
        plots_text(cr, plots_series_label(&d->series[i % ns]), 0, 0, 0, &fl, 0, &tw, NULL);
        *lw = fmax(*lw, tw);
        plots_text(cr, base, 0, 0, 0, &fb, 0, &tw, NULL);
        *lw = fmax(*lw, tw);
    }
    for (size_t g = 0; items && g < ng; g++) {
        plots_text(cr, plots_level_label(&d->levels[g]), 0, 0, 0, &fi, 0, &tw, NULL);
        *iw = fmax(*iw, tw);
    }
    *lw = fmin(ceil(*lw) + 1, (items ? 0.2 : 0.3) * bw);
    *iw = items ? fmin(ceil(*iw) + 1, 0.2 * bw) : 0;
    /* (the labels inset within the zebra rows, which span the body: text on a row's edge
     * reads as cut off) */
    *inset = 6 * s + *iw + (items ? 12 * s : 0) + 16 * s;
}

void plots_score_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                        double w, double h, double *label, double *inset)
{
    double s = plots_type_scale(w, h), iw;
    score_columns(cr, d, o, s, w - 2 * 30 * s, label, &iw, inset);
}

shopstat_status plots_draw_score(plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_rect b = c->body;
    size_t ns = d->nseries;
    /* a grid's scores: a group of rows per item (a row per segment), the item's label at
     * the left of its group; one score: its rows alone */
    size_t ng = d->nlevels, nrow = ng * ns;
    int items = ng > 1;
    int dec = plots_score_decimals(d, o);
    const plots_rgb col = PLOTS_BLUE;

    /* Row labels: the segment, and its bases in grey under it (the chart has no legend). */
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.halign = 1;
    plots_font fb = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    fb.halign = 1;
    plots_font fi = plots_font_make(PLOTS_PT_LABEL * s, 1, PLOTS_INK);
    double lw, iw, inset, tw;
    char base[96];
    score_columns(cr, d, o, s, b.w, &lw, &iw, &inset);
    /* the rows' column at least what report.pdf gives the charts of a page (opts
     * label_width), so that the plot starts where theirs does (a Likert chart's above it) */
    lw = fmin(fmax(lw, o->label_width), (items ? 0.2 : 0.3) * b.w);
    double pad = 6 * s, igap = items ? 12 * s : 0;
    double labh = 0, ith = 0, h1;
    for (size_t i = 0; i < nrow; i++)
        labh = fmax(labh, row_label_height(cr, d, o, i, lw, &fl, &fb, &h1));
    for (size_t g = 0; items && g < ng; g++) {
        plots_text(cr, plots_level_label(&d->levels[g]), 0, 0, iw, &fi, 0, NULL, &tw);
        ith = fmax(ith, tw);
    }

    /* Value labels, with their significance markers: room for the widest right of the
     * plot, where a whisker reaching the axis's end puts its label. */
    plots_font fv = plots_font_make(PLOTS_PT_VALUE * s, 1, PLOTS_INK);
    fv.valign = 0.5;
    plots_font fsig = fv;
    double vw = 0, vh = 0, sigw = 0;
    char buf[64];
    for (size_t j = 0; j < nrow; j++) {
        const shopstat_chart_cell *x = &d->cells[j];
        plots_fmt_score(d, x->value, dec, buf, sizeof buf);
        plots_text(cr, buf, 0, 0, 0, &fv, 0, &tw, &vh);
        vw = fmax(vw, tw);
        if (x->sig && x->sig[0]) {
            plots_text(cr, x->sig, 0, 0, 0, &fsig, 0, &tw, NULL);
            sigw = fmax(sigw, tw + plots_mark_gap(cr, &fsig, x->sig));
        }
    }

    plots_axis a;
    plots_score_axis(d, o, &a);
    a.x0 = b.x + inset + lw;
    a.x1 = b.x + b.w - vw - sigw - 10 * s;

    /* Under the plot: the tick labels, then the score's name as the axis title. */
    const char *axtitle =
        items ? (d->score_axis ? d->score_axis : "") : plots_level_label(&d->levels[0]);
    plots_font fat = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_INK);
    fat.halign = 0.5;
    double axh = plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s, ath = 0;
    if (*axtitle) {
        plots_text(cr, axtitle, 0, 0, a.x1 - a.x0, &fat, 0, NULL, &ath);
        axh += ath + 4 * s;
    }
    double r = 4.5 * s;
    /* (items: a gap between the groups, so that they read as groups) */
    double ggap = items ? 6 * s : 0;
    double top = b.y + 6 * s, bottom = b.y + b.h - axh;
    double need = fmax(fmax(labh + 8 * s, 2.8 * r), vh + 6 * s);
    /* an item's label fits its group's rows */
    need = fmax(need, (ith + 8 * s) / (double)ns);
    double band = (bottom - top - ggap * (double)(ng - 1)) / (double)nrow;
    if (band < need)
        return plots_too_small(c, items ? "items and segments" : "segments",
                               c->h + (need - band) * (double)nrow);
    /* rows no taller than they need to look like rows: a chart of two segments stays
     * compact, its axis under them rather than at the foot of the page; stacked with
     * other charts (compact), hardly more than the labels need, so that several fit a page
     * (a grid's groups of rows: as tight as their labels allow there) */
    band = fmin(band, fmax(need, (c->compact ? (items ? 0 : 32) : (items ? 40 : 64)) * s));
    bottom = top + band * (double)nrow + ggap * (double)(ng - 1);
    c->used = bottom + axh;
    /* Grid and ticks in score units; the zero line of a signed scale in ink. */
    plots_font ft = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    ft.halign = 0.5;
    int tdec = step_decimals(a.step);
    double eps = 1e-9 * a.step;
    for (double k = ceil(a.lo / a.step - 1e-9);; k++) {
        double v = k * a.step, x;
        if (v > a.hi + eps)
            break;
        if (fabs(v) < eps)
            v = 0;
        x = plots_axis_map(&a, v);
        plots_set(cr, PLOTS_GRID);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_move_to(cr, x, top - 4 * s);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
        char tk[48];
        plots_fmt_score(d, v, tdec, tk, sizeof tk);
        plots_text(cr, tk, x, bottom + 4 * s, 0, &ft, 1, NULL, NULL);
    }
    if (d->score_min < 0 && d->score_max > 0 && a.lo <= 0 && a.hi >= 0) {
        double x = plots_axis_map(&a, 0);
        plots_set(cr, PLOTS_INK);
        cairo_set_line_width(cr, 1.1 * s);
        cairo_move_to(cr, x, top - 4 * s);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
    }
    if (*axtitle)
        plots_text(cr, axtitle, (a.x0 + a.x1) / 2,
                   bottom + 4 * s + plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s, a.x1 - a.x0,
                   &fat, 1, NULL, NULL);

    for (size_t g = 0; items && g < ng; g++) {
        /* an item's group: shaded every other one (its rows are its segments), its label
         * left of them, in the middle of its rows */
        double gy = top + (double)(g * ns) * band + ggap * (double)g, gh = band * (double)ns;
        if (g % 2 == 0) {
            cairo_rectangle(cr, b.x, gy, b.w, gh);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.035);
            cairo_fill(cr);
        }
        double ih;
        plots_text(cr, plots_level_label(&d->levels[g]), 0, 0, iw, &fi, 0, NULL, &ih);
        plots_text(cr, plots_level_label(&d->levels[g]), b.x + pad, gy + (gh - ih) / 2, iw, &fi, 1,
                   NULL, NULL);
    }
    for (size_t i = 0; i < nrow; i++) {
        const shopstat_chart_cell *x = &d->cells[i];
        size_t g = i / ns, j = i % ns;
        double by = top + (double)i * band + ggap * (double)g, cy = by + band / 2;
        if (!items && j % 2 == 0) {
            /* zebra rows lead the eye from the segment to its dot */
            cairo_rectangle(cr, b.x, by, b.w, band);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.035);
            cairo_fill(cr);
        }
        plots_fmt_base(row_bases(d, i), o->low_base, base, sizeof base);
        double lh = row_label_height(cr, d, o, i, lw, &fl, &fb, &h1);
        double ly = cy - lh / 2, lx = b.x + pad + iw + igap + lw;
        plots_text(cr, plots_series_label(&d->series[j]), lx, ly, lw, &fl, 1, NULL, NULL);
        if (base[0])
            plots_text(cr, base, lx, ly + h1, lw, &fb, 1, NULL, NULL);

        if (isnan(x->value)) {
            /* say so: an empty row reads as a lost line */
            fv.bold = 0;
            fv.colour = PLOTS_LIGHT;
            plots_text(cr, "n/a", a.x0 + 4 * s, cy, 0, &fv, 1, NULL, NULL);
            continue;
        }
        int low = plots_is_low(c, plots_cell_eff(d, x, j));
        /* a low effective base: a paler whisker and a hollow dot, as a trend's points */
        plots_rgb wcol = low ? plots_mix(col, PLOTS_WHITE, 0.45) : col;
        double xv = plots_axis_map(&a, x->value), xend = xv + r;
        if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
            /* a bound past the axis's end is cut there, without its cap */
            double lo = fmax(x->lo, a.lo), hi = fmin(x->hi, a.hi);
            double xl = plots_axis_map(&a, lo), xh = plots_axis_map(&a, hi), cap = 3.5 * s;
            plots_set(cr, wcol);
            cairo_set_line_width(cr, 1.6 * s);
            cairo_move_to(cr, xl, cy);
            cairo_line_to(cr, xh, cy);
            if (x->lo >= a.lo) {
                cairo_move_to(cr, xl, cy - cap);
                cairo_line_to(cr, xl, cy + cap);
            }
            if (x->hi <= a.hi) {
                cairo_move_to(cr, xh, cy - cap);
                cairo_line_to(cr, xh, cy + cap);
            }
            cairo_stroke(cr);
            /* a bound past the axis's end (a small base's mean near the end of its scale:
             * 1.3 [0.8, 1.8] on 1-5) ends in an arrowhead at the axis, not a plain cut that
             * reads as the bound itself; the footer says so (plots_score_cut) */
            for (int side = 0; side < 2; side++) {
                if (side ? !(x->hi > a.hi) : !(x->lo < a.lo))
                    continue;
                double tip = side ? xh : xl, dir = side ? -1 : 1;
                cairo_move_to(cr, tip, cy);
                cairo_line_to(cr, tip + dir * 6 * s, cy - cap);
                cairo_line_to(cr, tip + dir * 6 * s, cy + cap);
                cairo_close_path(cr);
                cairo_fill(cr);
            }
            xend = fmax(xend, xh);
        }
        cairo_new_sub_path(cr);
        cairo_arc(cr, xv, cy, r, 0, 2 * PLOTS_PI);
        plots_set(cr, low ? PLOTS_WHITE : col);
        cairo_fill_preserve(cr);
        plots_set(cr, col);
        cairo_set_line_width(cr, 1.4 * s);
        cairo_stroke(cr);

        plots_fmt_score(d, x->value, dec, buf, sizeof buf);
        fv.bold = 1;
        fv.colour = low ? PLOTS_GREY : PLOTS_INK;
        plots_text(cr, buf, xend + 5 * s, cy, 0, &fv, 1, &tw, NULL);
        if (x->sig && x->sig[0]) {
            fsig.colour = PLOTS_INK;
            double gap = plots_mark_gap(cr, &fsig, x->sig);
            plots_text(cr, x->sig, xend + 5 * s + tw + gap, cy, 0, &fsig, 1, NULL, NULL);
        }
    }
    return SHOPSTAT_OK;
}
