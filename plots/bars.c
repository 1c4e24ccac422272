/* Grouped horizontal bars: levels down the side, one bar per segment, CI whiskers, value labels. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Draw the percentage grid and tick labels of a proportion axis between top and bottom;
 * scaled (an axis ending below 100%, plots_pct_axis): its end's label in bold ink, so that
 * the scale is read before the bars. */
static void pct_grid(plots_ctx *c, const plots_axis *a, double top, double bottom, int scaled)
{
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_font f = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    f.halign = 0.5;
    int nt = (int)floor((a->hi - a->lo) / a->step + 0.5), dec = plots_tick_decimals(a->step);
    for (int i = 0; i <= nt; i++) {
        double v = a->lo + i * a->step, x = plots_axis_map(a, v);
        int zero = fabs(v) < 1e-9;
        plots_set(cr, zero ? PLOTS_LIGHT : PLOTS_GRID);
        cairo_set_line_width(cr, (zero ? 0.9 : 0.6) * s);
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
        char buf[32];
        snprintf(buf, sizeof buf, "%.*f%%", dec, v * 100);
        plots_font fe = f;
        if (scaled && i == nt) {
            fe.bold = 1;
            fe.colour = PLOTS_INK;
        }
        plots_text(cr, buf, x, bottom + 4 * s, 0, &fe, 1, NULL, NULL);
    }
}

/* Draw a CI whisker with a white halo, so it stays visible over dark and light bars. */
static void whisker(cairo_t *cr, double x0, double x1, double y, double cap, double s)
{
    for (int pass = 0; pass < 2; pass++) {
        plots_set(cr, pass ? PLOTS_INK : PLOTS_WHITE);
        cairo_set_line_width(cr, (pass ? 0.9 : 2.4) * s);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_move_to(cr, x0, y - cap);
        cairo_line_to(cr, x0, y + cap);
        cairo_move_to(cr, x1, y - cap);
        cairo_line_to(cr, x1, y + cap);
        cairo_stroke(cr);
    }
}

/* What a bar chart measures before its layout, at type scale s: *natural, the level labels'
 * column as wide as the longest label; *vw and *vh, the widest value label ("100%", "100.0%"
 * when the values take a decimal) and its height; *sigw, the widest significance mark with
 * its gap (0: none); *markw, the widest segment letter beside the bars (0: none, six segments
 * or fewer). */
static void bar_measure(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                        double s, double *natural, double *vw, double *vh, double *sigw,
                        double *markw)
{
    size_t nl = d->nlevels, ns = d->nseries;
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.halign = 1;
    fl.valign = 0.5;
    double lw = 0;
    for (size_t i = 0; i < nl; i++) {
        double tw;
        plots_text(cr, plots_level_label(&d->levels[i]), 0, 0, 0, &fl, 0, &tw, NULL);
        lw = fmax(lw, tw);
    }
    *natural = ceil(lw) + 1;
    plots_font fv = plots_font_make(PLOTS_PT_VALUE * s, 0, PLOTS_INK);
    fv.valign = 0.5;
    plots_font fsig = fv;
    fsig.bold = 1;
    char probe[32];
    plots_axis pa;
    int scaled = plots_pct_axis(d->cells, nl * ns, o, &pa);
    plots_fmt_pct(1.0, plots_pct_decimals(o, &pa, scaled), probe, sizeof probe);
    plots_text(cr, probe, 0, 0, 0, &fv, 0, vw, vh);
    *sigw = 0;
    for (size_t i = 0; i < nl * ns; i++)
        if (d->cells[i].sig && d->cells[i].sig[0]) {
            double tw;
            plots_text(cr, d->cells[i].sig, 0, 0, 0, &fsig, 0, &tw, NULL);
            *sigw = fmax(*sigw, tw + plots_mark_gap(cr, &fsig, d->cells[i].sig));
        }
    *markw = 0;
    plots_font fmark = plots_font_make(PLOTS_PT_SWATCH * s, 1, PLOTS_GREY);
    for (size_t j = 0; ns > PLOTS_GREYS && j < ns && j < 26; j++) {
        char m[2] = {(char)('A' + j), 0};
        double tw;
        plots_text(cr, m, 0, 0, 0, &fmark, 0, &tw, NULL);
        *markw = fmax(*markw, tw);
    }
}

/* The plot area's left edge from the label column's right edge: the gap, and the segment
 * letters with theirs when the bars carry them. */
static double bar_inset(double markw, double s)
{
    return 12 * s + (markw > 0 ? markw + 3 * s : 0);
}

void plots_bar_widths(cairo_t *cr, const shopstat_chart_data *d, const shopstat_chart_opts *o,
                      double w, double h, double *label, double *inset, double *value)
{
    double vw, vh, sigw, markw, s = plots_type_scale(w, h);
    bar_measure(cr, d, o, s, label, &vw, &vh, &sigw, &markw);
    *inset = bar_inset(markw, s);
    *value = vw + sigw;
}

shopstat_status plots_draw_bars(plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_rect b = c->body;
    size_t nl = d->nlevels, ns = d->nseries;
    /* the levels (display rows) on this page: all, or a report page's (plots_page) */
    const plots_page *pg = c->page;
    size_t r0 = pg ? pg->row0 : 0, r1 = pg ? pg->row1 : nl;

    /* Legend: each segment with its bases, so the reader sees how solid each bar is. */
    plots_rgb *cols = calloc(ns, sizeof *cols);
    char **texts = calloc(ns, sizeof *texts);
    size_t *order = calloc(nl, sizeof *order);
    if (!cols || !texts || !order) {
        free(cols);
        free(texts);
        free(order);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t j = 0; j < ns; j++) {
        cols[j] = plots_series_colour(j);
        char base[96];
        plots_fmt_base(&d->series[j], o->low_base, base, sizeof base);
        const char *lab = plots_series_label(&d->series[j]);
        size_t len = strlen(lab) + strlen(base) + 3;
        texts[j] = malloc(len);
        /* a continued page's legend is the key alone: the bases are on the first page */
        if (pg && pg->cont)
            base[0] = '\0';
        if (texts[j])
            snprintf(texts[j], len, "%s%s%s", lab, base[0] ? "  " : "", base);
    }
    shopstat_status st = SHOPSTAT_OK;
    const char **marks = NULL;
    int *lows = NULL;
    for (size_t j = 0; j < ns; j++)
        if (!texts[j])
            st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    if (st)
        goto done;
    /* More segments than greys: each carries its letter (A = the first, as the significance
     * letters name them) in its legend swatch and beside each of its bars, so that it can be
     * matched in greyscale print; past Z, none. */
    static const char *const abc[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I",
                                        "J", "K", "L", "M", "N", "O", "P", "Q", "R",
                                        "S", "T", "U", "V", "W", "X", "Y", "Z"};
    /* one entry per segment (the legend reads marks[i] for each of its ns items: a fixed
     * array of 26 was read past its end with 27 or more segments, and the chart crashed) */
    marks = calloc(ns, sizeof *marks);
    if (!marks) {
        st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    int lettered = ns > PLOTS_GREYS;
    /* A chart whose bars carry significance letters ("87% A") has them in its legend's
     * swatches too (not beside its bars): the footer's key (A = All buyers) is then also on
     * the legend, where the eye looks for it. */
    int keyed = lettered;
    for (size_t i = 0; !keyed && i < d->nlevels * ns; i++) {
        const char *g = d->cells[i].sig;
        keyed = g && ((g[0] >= 'A' && g[0] <= 'Z') || (g[0] >= 'a' && g[0] <= 'z'));
    }
    for (size_t j = 0; keyed && j < ns && j < 26; j++)
        marks[j] = abc[j];
    const char *const *mk = keyed ? marks : NULL;
    /* a series whose effective base is low has its swatch pale and hatched, as its bars: a
     * solid swatch beside hatched bars read as another series */
    lows = calloc(ns, sizeof *lows);
    if (!lows) {
        st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < ns; j++)
        lows[j] = plots_is_low(c, d->series[j].eff_base);
    double legh = plots_legend(c, b.x, b.y, b.w, ns, cols, (const char *const *)texts, mk, lows, 0);
    plots_legend(c, b.x, b.y, b.w, ns, cols, (const char *const *)texts, mk, lows, 1);

    plots_level_order(d, o, order);

    /* Label column: as wide as the longest label, at most 30% of the width (longer ones wrap);
     * value labels: room for "100%" plus the widest significance marker (bar_measure), or
     * what report.pdf gives the bar charts of a page (opts label_width, value_width). */
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.halign = 1;
    fl.valign = 0.5;
    plots_font fv = plots_font_make(PLOTS_PT_VALUE * s, 0, PLOTS_INK);
    fv.valign = 0.5;
    plots_font fsig = fv;
    fsig.bold = 1;
    double natural, vw, vh, sigw, markw;
    bar_measure(cr, d, o, s, &natural, &vw, &vh, &sigw, &markw);
    natural = fmax(natural, o->label_width);
    double lw = fmin(natural, 0.3 * b.w);
    double right = fmax(vw + sigw, o->value_width);
    plots_axis pa;
    int scaled = plots_pct_axis(d->cells, nl * ns, o, &pa);
    int vdec = plots_pct_decimals(o, &pa, scaled);

    double axh = plots_line_height(c, PLOTS_PT_AXIS * s) + 4 * s;
    double top = b.y + legh + 12 * s, bottom = b.y + b.h - axh;
    double gap = 1.5 * s;
    /* Each bar's pitch must hold its value label; each level's band must hold its wrapped
     * label, so bands differ in height when some labels wrap to several lines. If they do not
     * fit, a wider label column (up to 45% of the width) wraps less. */
    /* A bar is at most PLOTS_BAR_MAX times the labels' type thick (16 points at A4): it
     * followed the page's height up to 26 points, so that the four levels of a chart alone
     * on its page had bars twice as tall as their labels (servicesoft's contact channels). */
    double min_pitch = fmax(vh, 5 * s), max_bar = PLOTS_BAR_MAX * PLOTS_PT_LABEL * s;
    double group_need = ns * min_pitch + 4 * s, avail = bottom - top, need = 0;
    /* Pages of a report lay their levels out at one pitch, as tight as they may be with a
     * gap between levels, so that the bars look alike on every page (the spare height of a
     * page stays under its last level, as in a table); so does a compact chart, which takes
     * the height of its rows only. */
    int tight = pg || c->compact;
    double sep = tight ? 10 * s : 0;
    double *bands = calloc(nl, sizeof *bands);
    double *band_y = calloc(nl + 4, sizeof *band_y);
    if (!bands || !band_y) {
        free(bands);
        free(band_y);
        st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* Levels that do not fit one column go on in a second or third beside it, each column
     * with its labels and axis, the bars as tall as one column would have them (a 0-10
     * question over four segments: 44 bars ran over two report pages). Not on a report's
     * page of some rows (it continues on the next) nor when a column would be narrower than
     * 280 points at A4. */
    size_t ncol = 1, per = r1 - r0;
    double colgap = 24 * s, cw = b.w;
    for (;;) {
        cw = (b.w - (double)(ncol - 1) * colgap) / (double)ncol;
        per = (r1 - r0 + ncol - 1) / ncol;
        for (double frac = 0.3; frac <= 0.451; frac += 0.05) {
            lw = fmin(natural, frac * cw);
            need = 0;
            for (size_t i = 0; i < nl; i++) {
                double th;
                plots_text(cr, plots_level_label(&d->levels[i]), 0, 0, lw, &fl, 0, NULL, &th);
                bands[i] = fmax(group_need, th + 6 * s) + sep;
            }
            for (size_t k = 0; k < ncol; k++) {
                double col = 0;
                for (size_t r = r0 + k * per; r < r1 && r < r0 + (k + 1) * per; r++)
                    col += bands[order[r]];
                need = fmax(need, col);
            }
            if (need <= avail || lw >= natural)
                break;
        }
        if (need <= avail || pg || ncol >= 3 || per < 2 ||
            (b.w - (double)ncol * colgap) / (double)(ncol + 1) < 280 * s)
            break;
        ncol++;
    }
    if (need > avail) {
        free(bands);
        free(band_y);
        st = plots_too_small(c, "levels and segments", c->h + need - avail);
        goto done;
    }
    /* Spread the spare height evenly, but keep groups compact when there are few levels. */
    double extra = tight ? sep : (avail - need) / (double)(ncol > 1 ? per : nl);
    double bar = fmin((group_need + extra) * 0.78 / ns - gap, max_bar);
    bar = fmax(bar, min_pitch - gap);
    double cap = ns * (bar + gap) / 0.5;
    /* band_y[k * (per + 1) + i]: the top of column k's i-th level (its last + 1: its end) */
    bottom = top;
    for (size_t k = 0; k < ncol; k++) {
        size_t c0 = r0 + k * per, c1 = c0 + per < r1 ? c0 + per : r1;
        double *by = band_y + k * (per + 1);
        by[0] = top;
        for (size_t r = c0; r < c1; r++) {
            double need_r = bands[order[r]];
            by[r - c0 + 1] =
                by[r - c0] + (tight ? need_r : fmax(need_r, fmin(need_r + extra, cap)));
        }
        bottom = fmax(bottom, by[c1 > c0 ? c1 - c0 : 0]);
    }
    c->used = bottom + axh;
    free(bands);

    plots_font fmark = plots_font_make(PLOTS_PT_SWATCH * s, 1, PLOTS_GREY);
    fmark.halign = 1;
    fmark.valign = 0.5;
    /* The letters stand between the labels and the axis, clear of both: the axis moves right
     * by the widest letter (they stood 2 points from a label's end, "... Werktage M", and
     * read as part of it): bar_measure's markw, bar_inset. */
    for (size_t k = 0; k < ncol; k++) {
        size_t c0 = r0 + k * per, c1 = c0 + per < r1 ? c0 + per : r1;
        const double *by = band_y + k * (per + 1);
        double bx = b.x + (double)k * (cw + colgap);
        plots_axis a = pa;
        a.x0 = bx + lw + bar_inset(markw, s);
        a.x1 = bx + cw - right - 8 * s;
        pct_grid(c, &a, top - 4 * s, bottom, scaled);

        for (size_t r = c0; r < c1; r++) {
            size_t l = order[r];
            double cy = (by[r - c0] + by[r - c0 + 1]) / 2;
            plots_text(cr, plots_level_label(&d->levels[l]), bx + lw, cy, lw, &fl, 1, NULL, NULL);
            double gh = ns * bar + (ns - 1) * gap, gy = cy - gh / 2;
            for (size_t j = 0; j < ns; j++) {
                const shopstat_chart_cell *x = &d->cells[l * ns + j];
                double y0 = gy + j * (bar + gap), ym = y0 + bar / 2;
                if (lettered && j < 26)
                    plots_text(cr, marks[j], a.x0 - 3 * s, ym, 0, &fmark, 1, NULL, NULL);
                if (isnan(x->value)) {
                    /* Say so, or an empty slot would read as zero. */
                    fv.colour = PLOTS_LIGHT;
                    plots_text(cr, "n/a", plots_axis_map(&a, a.lo) + 4 * s, ym, 0, &fv, 1, NULL,
                               NULL);
                    continue;
                }
                double v = fmin(fmax(x->value, a.lo), a.hi);
                double x0 = plots_axis_map(&a, a.lo), xv = plots_axis_map(&a, v);
                int low = plots_is_low(c, plots_cell_eff(d, x, j));
                plots_bar(cr, x0, y0, xv - x0, bar, cols[j], low, s);
                double xend = xv;
                if (o->show_ci && !isnan(x->lo) && !isnan(x->hi)) {
                    double xl = plots_axis_map(&a, fmax(x->lo, a.lo));
                    double xh = plots_axis_map(&a, fmin(x->hi, a.hi));
                    whisker(cr, xl, xh, ym, fmin(bar * 0.3, 3.5 * s), s);
                    xend = fmax(xend, xh);
                }
                char buf[32];
                plots_fmt_pct(x->value, vdec, buf, sizeof buf);
                fv.colour = low ? PLOTS_GREY : PLOTS_INK;
                double tw;
                plots_text(cr, buf, xend + 4 * s, ym, 0, &fv, 1, &tw, NULL);
                if (x->sig && x->sig[0]) {
                    fsig.colour = PLOTS_INK;
                    double mg = plots_mark_gap(cr, &fsig, x->sig);
                    plots_text(cr, x->sig, xend + 4 * s + tw + mg, ym, 0, &fsig, 1, NULL, NULL);
                }
            }
        }
    }
    free(band_y);
done:
    free(marks);
    free(lows);
    for (size_t j = 0; j < ns; j++)
        free(texts[j]);
    free(texts);
    free(cols);
    free(order);
    return st;
}
