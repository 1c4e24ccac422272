/* Difference chart: dot-and-whisker per level with a zero line, significant ones highlighted. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/output.h"

/* Signed percentage points with a true minus sign, e.g. "+18", "−3" ("0" for zero). */
/* A bound of a difference's interval on the axis: a Wald interval may pass -1 or 1 (100
 * points) on a small sample, where no difference of two shares can; its whisker stops
 * there, and its label gives the bound as estimated. */
static double clip1(double v)
{
    return v < -1 ? -1 : v > 1 ? 1 : v;
}

static void fmt_pts(double v, int decimals, char *buf, size_t n)
{
    double r = v * 100;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(r));
    int zero = strspn(tmp, "0.") == strlen(tmp);
    snprintf(buf, n, "%s%s", zero ? "" : r > 0 ? "+" : "\xe2\x88\x92", tmp);
}

void plots_fmt_bound(double v, int decimals, char *buf, size_t n)
{
    double r = fabs(v * 100);
    int d = decimals;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.*f", d, r);
    /* a bound that rounds to 0 keeps its side of zero: one or two more decimals ("[−0.3,
     * +2]", not "[0, +2]", for an interval that crosses zero), else 0 unsigned: "−0.00"
     * reads as a number that is not one */
    while (v != 0 && strspn(tmp, "0.") == strlen(tmp) && d < decimals + 2)
        snprintf(tmp, sizeof tmp, "%.*f", ++d, r);
    if (strspn(tmp, "0.") == strlen(tmp)) {
        snprintf(buf, n, "%.*f", decimals, 0.0);
        return;
    }
    snprintf(buf, n, "%s%s", v > 0 ? "+" : "\xe2\x88\x92", tmp);
}

int plots_diff_unadjusted_clear(const shopstat_chart_diff *x, int show_ci)
{
    return show_ci && !x->significant && !isnan(x->diff) && !isnan(x->lo) && !isnan(x->hi) &&
           (x->lo > 0 || x->hi < 0);
}

/* "p=0.035", "p<0.001": shopstat_format_p_alpha without its spaces, so that a p beside a
 * filled dot (below alpha) never prints as "p=0.050"; "p<0.001+" where one side is at 0%
 * or 100% (bound: x->side_at_bound, as compare's and report.md's tables mark it) */
static void fmt_p(double p, double alpha, int bound, char *buf, size_t n)
{
    if (isnan(p)) {
        snprintf(buf, n, " ");
        return;
    }
    char t[32];
    shopstat_format_p_alpha(p, alpha, NAN, t, sizeof t);
    size_t k = 0;
    for (const char *q = t; *q && k + 2 < n; q++)
        if (*q != ' ')
            buf[k++] = *q;
    if (bound && k + 1 < n)
        buf[k++] = '+';
    if (n)
        buf[k] = '\0';
}

static void dot(cairo_t *cr, double x, double y, double r, plots_rgb col, int filled, double s)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * PLOTS_PI);
    plots_set(cr, filled ? col : PLOTS_WHITE);
    cairo_fill_preserve(cr);
    plots_set(cr, col);
    cairo_set_line_width(cr, 1.3 * s);
    cairo_stroke(cr);
}

/* What a difference chart measures before its layout, at type scale s on a body bw wide:
 * *lw, the level labels' column as wide as the longest label (at most 30% of the body); *cw,
 * the comparisons' column with its gap (0: one comparison, no column). */
static void diff_measure(cairo_t *cr, const shopstat_chart_data *d, double s, double bw, double *lw,
                         double *cw)
{
    plots_font flab = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    flab.valign = 0.5;
    flab.halign = 1;
    double tw;
    *lw = 0;
    *cw = 0;
    for (size_t i = 0; i < d->nlevels; i++) {
        plots_text(cr, plots_level_label(&d->levels[i]), 0, 0, 0, &flab, 0, &tw, NULL);
        *lw = fmax(*lw, tw);
    }
    *lw = fmin(ceil(*lw) + 1, 0.3 * bw);
    plots_font fsmall = plots_font_make(PLOTS_PT_VALUE * s, 0, PLOTS_GREY);
    fsmall.valign = 0.5;
    fsmall.halign = 1;
    if (d->ncompare > 1) {
        for (size_t k = 0; k < d->ncompare; k++) {
            plots_text(cr, d->compare_labels ? d->compare_labels[k] : "", 0, 0, 0, &fsmall, 0, &tw,
                       NULL);
            *cw = fmax(*cw, tw);
        }
        *cw = fmin(ceil(*cw) + 1, 0.15 * bw) + 10 * s;
    }
}

void plots_diff_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                       double w, double h, double *label, double *inset)
{
    (void)o;
    double s = plots_type_scale(w, h), m = 30 * s, cw;
    diff_measure(cr, d, s, w - 2 * m, label, &cw);
    *inset = 6 * s + cw + 14 * s;
}

shopstat_status plots_draw_diff(plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_rect b = c->body;
    size_t nl = d->nlevels, nc = d->ncompare;
    /* the rows on this page: all, or a report page's (plots_page) */
    const plots_page *pg = c->page;
    size_t r0 = pg ? pg->row0 : 0, r1 = pg ? pg->row1 : nl, nr = r1 - r0;
    const plots_rgb up = PLOTS_BLUE, down = PLOTS_VERMILLION;
    const plots_rgb ns_col = {0.55, 0.55, 0.55};

    /* Legend: what a filled dot means, each colour keyed (two filled dots before one text
     * left the vermillion unexplained beside a chart of blue ones alone): "Significant
     * (adjusted p < 0.05): ● higher ● lower ○ Not significant" */
    char sig[160];
    snprintf(sig, sizeof sig,
             "Significant (%sp < %g):", o->adjust_method && *o->adjust_method ? "adjusted " : "",
             o->alpha);
    const char *texts[3] = {"higher", "lower", "Not significant"};
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.valign = 0.5;
    double lx = b.x, ly = b.y, th, tw;
    plots_text(cr, sig, 0, 0, 0, &fl, 0, NULL, &th);
    double r = 4.2 * s;
    plots_text(cr, sig, lx, ly + th / 2, 0, &fl, 1, &tw, NULL);
    lx += tw + 8 * s;
    for (int k = 0; k < 3; k++) {
        lx += k == 2 ? 10 * s : 0; /* (the significant two together) */
        plots_text(cr, texts[k], 0, 0, 0, &fl, 0, &tw, NULL);
        if (lx + 3 * r + tw > b.x + b.w) { /* a narrow chart's legend goes on over lines */
            lx = b.x;
            ly += th + 4 * s;
        }
        dot(cr, lx + r, ly + th / 2, r, k == 0 ? up : k == 1 ? down : ns_col, k < 2, s);
        plots_text(cr, texts[k], lx + 3 * r, ly + th / 2, 0, &fl, 1, &tw, NULL);
        lx += 3 * r + tw + 12 * s;
    }
    const double legend_more = ly - b.y; /* (the legend's lines after its first) */

    size_t *order = calloc(nl, sizeof *order);
    if (!order)
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    plots_level_order(d, o, order);

    /* Columns: level label | (comparison label) | plot | "+18 [+11, +25]" | "p=0.003", inset
     * by pad within the zebra rows, which span the body: text ending on a row's edge reads as
     * cut off, and the p column would touch the page's margin. The label column is at least
     * what report.pdf gives the charts of a page (opts label_width), so that the plot starts
     * where the bar charts' above or below it do. */
    double pad = 6 * s, x0 = b.x + pad, x1 = b.x + b.w - pad;
    plots_font flab = fl;
    flab.halign = 1;
    double lw, cw;
    diff_measure(cr, d, s, b.w, &lw, &cw);
    lw = fmin(fmax(lw, o->label_width), 0.3 * b.w);
    plots_font fsmall = plots_font_make(PLOTS_PT_VALUE * s, 0, PLOTS_GREY);
    fsmall.valign = 0.5;
    fsmall.halign = 1;
    /* Axis: always includes zero; symmetric look is not forced, so large one-sided effects
     * keep their resolution. */
    double vlo = 0, vhi = 0;
    for (size_t i = 0; i < nl * nc; i++) {
        const shopstat_chart_diff *x = &d->diffs[i];
        double a = o->show_ci && !isnan(x->lo) ? clip1(x->lo) : x->diff;
        double z = o->show_ci && !isnan(x->hi) ? clip1(x->hi) : x->diff;
        if (!isnan(a))
            vlo = fmin(vlo, a);
        if (!isnan(z))
            vhi = fmax(vhi, z);
    }
    plots_axis a;
    plots_axis_nice(vlo, vhi, 6, &a);
    /* differences of a few tenths of a point (rare answers) take a decimal: "+0.3 [-0.4,
     * +1.0]", not "0 [-0.4, +1]" (plots_pct_decimals: an axis spanning 5 points or less) */
    int vdec = plots_pct_decimals(o, &a, 0);
    plots_font fv = plots_font_make(PLOTS_PT_VALUE * s, 0, PLOTS_INK);
    fv.valign = 0.5;
    char buf[96], lo[32], hi[32], pv[32];
    double dw = 0, pw = 0, vh = 0;
    for (size_t i = 0; i < nl * nc; i++) {
        const shopstat_chart_diff *x = &d->diffs[i];
        fmt_pts(x->diff, vdec, buf, sizeof buf);
        if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
            plots_fmt_bound(x->lo, vdec, lo, sizeof lo);
            plots_fmt_bound(x->hi, vdec, hi, sizeof hi);
            size_t k = strlen(buf);
            snprintf(buf + k, sizeof buf - k, " [%s, %s]", lo, hi);
        }
        fv.bold = 1;
        plots_text(cr, buf, 0, 0, 0, &fv, 0, &tw, &vh);
        dw = fmax(dw, tw);
        fmt_p(x->p_adj, o->alpha, x->side_at_bound, pv, sizeof pv);
        plots_text(cr, pv, 0, 0, 0, &fv, 0, &tw, NULL);
        pw = fmax(pw, tw);
    }
    /* the header is the column's widest text when the p-values are short or missing */
    plots_font fh = plots_font_make(PLOTS_PT_AXIS * s, 1, PLOTS_GREY);
    fh.valign = 1;
    const char *phead = o->adjust_method && *o->adjust_method ? "Adj. p" : "p";
    plots_text(cr, phead, 0, 0, 0, &fh, 0, &tw, NULL);
    pw = fmax(pw, tw);
    /* and so is the difference column's: short differences ("+1 [0, +2]") left its "[CI]"
     * over the p column's "Adj. p" */
    char head[64];
    snprintf(head, sizeof head, "Difference%s", o->show_ci ? " [CI]" : "");
    plots_text(cr, head, 0, 0, 0, &fh, 0, &tw, NULL);
    dw = fmax(dw, tw);
    double labh = 0;
    for (size_t i = 0; i < nl; i++) {
        plots_text(cr, plots_level_label(&d->levels[i]), 0, 0, lw, &flab, 0, NULL, &th);
        labh = fmax(labh, th);
    }

    double axh = plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s;
    /* With one comparison there are no sub-row labels, so the axis title names it ("heavy
     * minus all"): a difference whose direction is not stated cannot be read. */
    double px0 = x0 + lw + cw + 14 * s, px1 = x1 - (pw + 4 * s) - (dw + 14 * s) - 10 * s;
    plots_font fat = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_INK);
    fat.halign = 0.5;
    char axtitle[320] = "";
    if (nc == 1 && d->compare_labels && d->compare_labels[0] && *d->compare_labels[0]) {
        snprintf(axtitle, sizeof axtitle, "%s (percentage points)", d->compare_labels[0]);
        double ath;
        plots_text(cr, axtitle, 0, 0, px1 - px0, &fat, 0, NULL, &ath);
        axh += ath + 4 * s;
    }
    double hdr = plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s;
    double top = b.y + legend_more + th + 14 * s + hdr, bottom = b.y + b.h - axh;
    double pitch = fmax(vh + 2 * s, 2.6 * r);
    /* Comparison labels may wrap in a narrow column: each sub-row must hold its label. */
    for (size_t k = 0; nc > 1 && k < nc; k++) {
        plots_text(cr, d->compare_labels ? d->compare_labels[k] : "", 0, 0, cw - 10 * s, &fsmall, 0,
                   NULL, &th);
        pitch = fmax(pitch, th + 2 * s);
    }
    double need = fmax(nc * pitch + 6 * s, labh + 6 * s);
    /* (a report's pages: one pitch on every page, a little looser than the tightest; a
     * compact chart's too) */
    int tight = pg || c->compact;
    if (tight)
        need = fmax(need, nc * pitch * 1.3);
    double band = (bottom - top) / (double)nr;
    if (band < need) {
        free(order);
        return plots_too_small(c, "levels", c->h + (need - band) * (double)nr);
    }
    band = tight ? need : fmin(band, fmax(need, nc * pitch * 2.6));
    bottom = top + band * nr;
    c->used = bottom + axh;

    a.x0 = px0;
    a.x1 = px1;

    /* Column headers over the table part. */
    plots_text(cr, head, a.x1 + 14 * s, top - 6 * s, 0, &fh, 1, NULL, NULL);
    plots_text(cr, phead, x1 - pw, top - 6 * s, 0, &fh, 1, NULL, NULL);

    /* Grid and ticks in percentage points. */
    plots_font ft = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    ft.halign = 0.5;
    int nt = (int)floor((a.hi - a.lo) / a.step + 0.5);
    for (int i = 0; i <= nt; i++) {
        double v = a.lo + i * a.step, x = plots_axis_map(&a, v);
        int zero = fabs(v) < 1e-9;
        plots_set(cr, zero ? PLOTS_INK : PLOTS_GRID);
        cairo_set_line_width(cr, (zero ? 1.1 : 0.6) * s);
        cairo_move_to(cr, x, top - 4 * s);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
        char tk[32];
        fmt_pts(zero ? 0 : v, plots_tick_decimals(a.step), tk, sizeof tk);
        plots_text(cr, tk, x, bottom + 4 * s, 0, &ft, 1, NULL, NULL);
    }
    if (*axtitle)
        plots_text(cr, axtitle, (a.x0 + a.x1) / 2,
                   bottom + 4 * s + plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s, a.x1 - a.x0,
                   &fat, 1, NULL, NULL);

    for (size_t row = r0; row < r1; row++) {
        size_t l = order[row];
        double by = top + (row - r0) * band, cy = by + band / 2;
        if (row % 2 == 0) {
            /* Zebra rows guide the eye from the label to the table columns. */
            cairo_rectangle(cr, b.x, by, b.w, band);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.035);
            cairo_fill(cr);
        }
        plots_text(cr, plots_level_label(&d->levels[l]), x0 + lw, cy, lw, &flab, 1, NULL, NULL);
        double gy = cy - (nc - 1) * pitch / 2;
        for (size_t k = 0; k < nc; k++) {
            const shopstat_chart_diff *x = &d->diffs[l * nc + k];
            double y = gy + k * pitch;
            if (nc > 1)
                plots_text(cr, d->compare_labels ? d->compare_labels[k] : "", x0 + lw + cw, y,
                           cw - 10 * s, &fsmall, 1, NULL, NULL);
            if (isnan(x->diff)) {
                /* Say so, as a bar chart does: an empty row reads as a lost line. */
                fv.bold = 0;
                fv.colour = PLOTS_LIGHT;
                plots_text(cr, "n/a", a.x1 + 14 * s, y, 0, &fv, 1, NULL, NULL);
                continue;
            }
            plots_rgb col = !x->significant ? ns_col : x->diff >= 0 ? up : down;
            if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
                /* an interval clear of 0 whose adjusted p is not significant: dashed, so
                 * that a solid whisker off the zero line never reads as a finding the mark
                 * denies (the intervals are not adjusted; the footer says so) */
                int clear = plots_diff_unadjusted_clear(x, o->show_ci);
                plots_set(cr, col);
                cairo_set_line_width(cr, (x->significant ? 2.0 : 1.3) * s);
                if (clear) {
                    double dash[2] = {3 * s, 2.5 * s};
                    cairo_set_dash(cr, dash, 2, 0);
                }
                cairo_move_to(cr, plots_axis_map(&a, clip1(x->lo)), y);
                cairo_line_to(cr, plots_axis_map(&a, clip1(x->hi)), y);
                cairo_stroke(cr);
                cairo_set_dash(cr, NULL, 0, 0);
            }
            dot(cr, plots_axis_map(&a, x->diff), y, r, col, x->significant, s);
            fmt_pts(x->diff, vdec, buf, sizeof buf);
            if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
                plots_fmt_bound(x->lo, vdec, lo, sizeof lo);
                plots_fmt_bound(x->hi, vdec, hi, sizeof hi);
                size_t kk = strlen(buf);
                snprintf(buf + kk, sizeof buf - kk, " [%s, %s]", lo, hi);
            }
            fv.bold = x->significant;
            fv.colour = x->significant ? PLOTS_INK : PLOTS_GREY;
            plots_text(cr, buf, a.x1 + 14 * s, y, 0, &fv, 1, NULL, NULL);
            fmt_p(x->p_adj, o->alpha, x->side_at_bound, pv, sizeof pv);
            plots_text(cr, pv, x1 - pw, y, 0, &fv, 1, NULL, NULL);
        }
    }
    free(order);
    return SHOPSTAT_OK;
}
