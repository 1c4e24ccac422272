/* Trend chart: one line per level (and segment) across waves, CI bands, direct labels; or a
 * score's line (an NPS, a mean rating) on the score's own axis. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A compact trend's plot: this fraction of its width tall (a spreadsheet's line chart
 * is about 2:1; 0.4 keeps two waves' slope readable). */
#define TREND_ASPECT 0.4

typedef struct tlabel {
    double want, y, h; /* desired centre, placed centre, height */
    size_t line;
} tlabel;

static int by_want(const void *pa, const void *pb)
{
    const tlabel *a = pa, *b = pb;
    if (a->want != b->want)
        return a->want < b->want ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* Spread labels vertically so none overlaps, staying within [lo, hi] when possible: a forward
 * pass pushes labels down, a backward pass pulls them back up from the bottom limit. */
static void spread(tlabel *t, size_t n, double gap, double lo, double hi)
{
    qsort(t, n, sizeof *t, by_want);
    for (size_t i = 0; i < n; i++) {
        t[i].y = fmax(t[i].want, lo + t[i].h / 2);
        if (i > 0)
            t[i].y = fmax(t[i].y, t[i - 1].y + t[i - 1].h / 2 + gap + t[i].h / 2);
    }
    for (size_t i = n; i-- > 0;) {
        double lim = i + 1 < n ? t[i + 1].y - t[i + 1].h / 2 - gap - t[i].h / 2 : hi - t[i].h / 2;
        if (t[i].y > lim)
            t[i].y = lim;
    }
}

static const shopstat_chart_cell *tcell(const shopstat_chart_data *d, size_t line, size_t w)
{
    return &d->trend[line * d->nwaves + w];
}

/* 1 when the trend is a score's (score_min < score_max): values in its units, not shares. */
static int score_trend(const shopstat_chart_data *d)
{
    return isfinite(d->score_min) && isfinite(d->score_max) && d->score_min < d->score_max;
}

/* A point's value as its label reads: a share ("64%"), or a score ("+23", "3.84") and its
 * mark a space after it (a change significant against the wave before: "▲"; a levels' trend names
 * its changes in the footer instead, its cells' letters undrawn). */
static void value_text(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                       const shopstat_chart_cell *x, char *buf, size_t n)
{
    if (score_trend(d)) {
        plots_fmt_score(d, x->value, plots_score_decimals(d, o), buf, n);
    } else {
        plots_axis a; /* (small shares take a decimal: plots_pct_decimals) */
        int scaled = plots_pct_axis(d->trend, d->nlevels * d->nseries * d->nwaves, o, &a);
        plots_fmt_pct(x->value, plots_pct_decimals(o, &a, scaled), buf, n);
    }
    if (score_trend(d) && x->sig && *x->sig) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, " %s", x->sig); /* "76 ▼", as a bar's "87% ▼" */
    }
}

/* A line's value labels: its colour towards the ink, at WCAG 2's contrast for text (4.5:1). */
static plots_rgb label_colour(size_t line)
{
    return plots_on_white(plots_mix(plots_series_colour(line), PLOTS_INK, 0.3), 4.5);
}

static void line_label(const shopstat_chart_data *d, size_t line, char *buf, size_t n)
{
    size_t l = line / d->nseries, j = line % d->nseries;
    if (d->nseries == 1)
        snprintf(buf, n, "%s", plots_level_label(&d->levels[l]));
    else if (d->nlevels == 1)
        snprintf(buf, n, "%s", plots_series_label(&d->series[j]));
    else
        snprintf(buf, n, "%s: %s", plots_level_label(&d->levels[l]),
                 plots_series_label(&d->series[j]));
}

/* The bases of series j at wave w, "n=412" (named with several series); "" when none. */
static void wave_base_text(const shopstat_chart_data *d, const shopstat_chart_opts *o, size_t j,
                           size_t w, char *buf, size_t n)
{
    char base[96];
    plots_fmt_base(&d->wave_bases[j * d->nwaves + w], o->low_base, base, sizeof base);
    /* "eff. n=94" is one phrase: a column too narrow for "n=113, eff. n=94" breaks it after
     * the comma (a no-break space, U+00A0, in the phrase), not as "n=113, eff." over "n=94" */
    char *e = strstr(base, "eff. n=");
    if (e && strlen(base) + 2 < sizeof base) {
        memmove(e + 6, e + 5, strlen(e + 5) + 1);
        memcpy(e + 4, "\xc2\xa0", 2);
    }
    if (d->nseries > 1 && base[0])
        snprintf(buf, n, "%s %s", plots_series_label(&d->series[j]), base);
    else
        snprintf(buf, n, "%s", base);
}

/* A value left unlabelled: line and wave. */
typedef struct tdrop {
    size_t line, wave;
} tdrop;

static int by_line_wave(const void *pa, const void *pb)
{
    const tdrop *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->wave < b->wave ? -1 : a->wave > b->wave;
}

/* Lay the trend out (and draw it on c->cr) in the body less reserve points at its foot; the
 * values it leaves unlabelled go to drop[*ndrop] (room for every point). */
static shopstat_status trend_pass(plots_ctx *c, double reserve, tdrop *drop, size_t *ndrop)
{
    const shopstat_chart_data *d = c->d;
    const shopstat_chart_opts *o = c->o;
    cairo_t *cr = c->cr;
    double s = c->s;
    plots_rect b = c->body;
    b.h -= reserve;
    size_t nw = d->nwaves, nline = d->nlevels * d->nseries;
    *ndrop = 0;

    tlabel *right = calloc(nline, sizeof *right), *left = calloc(nline, sizeof *left);
    if (!right || !left) {
        free(right);
        free(left);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }

    plots_font fv = plots_font_make(PLOTS_PT_VALUE * s, 1, PLOTS_INK);
    fv.valign = 0.5;
    plots_font fl = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    fl.valign = 0.5;
    plots_font fax = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    char probe[48], buf[512];
    int score = score_trend(d);
    double vw = 0, vh = 0, tw, th, yaxw = 0;
    if (score) {
        /* the widest value of the scale, marked, and the widest axis label */
        const double ends[2] = {d->score_min, d->score_max};
        for (int k = 0; k < 2; k++) {
            shopstat_chart_cell x = {ends[k], NAN, NAN, NAN, "\u25B2"};
            value_text(d, o, &x, probe, sizeof probe);
            plots_text(cr, probe, 0, 0, 0, &fv, 0, &tw, &th);
            vw = fmax(vw, tw);
            vh = fmax(vh, th);
            plots_fmt_score(d, ends[k], plots_score_decimals(d, o), probe, sizeof probe);
            plots_text(cr, probe, 0, 0, 0, &fax, 0, &tw, NULL);
            yaxw = fmax(yaxw, tw);
        }
    } else {
        shopstat_chart_cell x = {1.0, NAN, NAN, NAN, NULL};
        value_text(d, o, &x, probe, sizeof probe);
        plots_text(cr, probe, 0, 0, 0, &fv, 0, &vw, &vh);
        plots_text(cr, "100%", 0, 0, 0, &fax, 0, &yaxw, NULL);
    }

    /* Right column: "64%  Label", label wrapped within at most a third of the width. */
    double lwmax = 0;
    for (size_t i = 0; i < nline; i++) {
        line_label(d, i, buf, sizeof buf);
        plots_text(cr, buf, 0, 0, 0, &fl, 0, &tw, NULL);
        lwmax = fmax(lwmax, tw);
    }
    /* before the value, the line's marker (its shape keys the line in greyscale) */
    double keyw = 12 * s;
    double lw = fmin(ceil(lwmax) + 1, 0.33 * b.w - keyw - vw - 6 * s);
    double colw = keyw + vw + 6 * s + lw;

    /* Under the wave labels, each wave's bases ("n=412"; with several series, one line per
     * series, named): a reader needs the base of each point. */
    double px0 = b.x + yaxw + 10 * s, px1 = b.x + b.w - colw - 8 * s;
    /* Room left of the first wave and right of the last for value labels. */
    double in0 = vw + 14 * s, in1 = 14 * s;
    double wmax = nw > 1 ? (px1 - in1 - px0 - in0) / (double)(nw - 1) * 0.9 : px1 - px0;
    plots_font fb = plots_font_make(PLOTS_PT_AXIS * s, 0, PLOTS_GREY);
    fb.halign = 0.5;
    double baseh = 0;
    for (size_t w = 0; d->wave_bases && w < nw; w++) {
        double hw = 2 * s;
        for (size_t j = 0; j < d->nseries; j++) {
            wave_base_text(d, o, j, w, buf, sizeof buf);
            plots_text(cr, buf, 0, 0, wmax, &fb, 0, NULL, &th);
            hw += buf[0] ? th : 0;
        }
        baseh = fmax(baseh, hw);
    }
    /* wave names wrap alike: all on one line when each fits within wmax; else each is
     * broken at its last space that keeps its first line within wmax, as the longest are
     * ("Wave 9" over "Wave 10" wrapped within wmax read "Wave 9" and "Wave" / "10"). A name
     * without a space is left whole within wmax. The tallest sets where the bases go. */
    plots_font fw = plots_font_make(PLOTS_PT_LABEL * s, 1, PLOTS_INK);
    fw.halign = 0.5;
    double *wwrap = calloc(nw ? nw : 1, sizeof *wwrap);
    if (!wwrap) {
        free(right);
        free(left);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int overflow = 0;
    for (size_t w = 0; w < nw; w++) {
        plots_text(cr, d->waves[w] ? d->waves[w] : "", 0, 0, 0, &fw, 0, &wwrap[w], NULL);
        overflow |= wwrap[w] > wmax;
    }
    for (size_t w = 0; w < nw; w++) {
        const char *name = d->waves[w] ? d->waves[w] : "";
        /* (a point under its one-line width makes Pango break at its last space) */
        wwrap[w] = overflow && strchr(name, ' ') ? fmin(wmax, wwrap[w] - 0.5) : wmax;
    }
    double wlh = plots_line_height(c, PLOTS_PT_LABEL * s);
    for (size_t w = 0; w < nw; w++) {
        plots_text(cr, d->waves[w] ? d->waves[w] : "", 0, 0, wwrap[w], &fw, 0, NULL, &th);
        wlh = fmax(wlh, th);
    }
    double axh = wlh + 6 * s + baseh;
    double top = b.y + 6 * s, bottom = b.y + b.h - axh;
    double need = 0;
    for (size_t i = 0; i < nline; i++) {
        line_label(d, i, buf, sizeof buf);
        plots_text(cr, buf, 0, 0, lw, &fl, 0, NULL, &th);
        right[i].h = fmax(th, vh);
        left[i].h = vh;
        need += right[i].h + 3 * s;
    }
    if (bottom - top < need) {
        free(wwrap);
        free(right);
        free(left);
        return plots_too_small(c, "line labels", c->h + need - (bottom - top));
    }
    /* A compact trend (a chart file fitted to its chart, a chart stacked on report.pdf's
     * page) has no rows to set its height: its plot is TREND_ASPECT of its width tall, or
     * as tall as its line labels need, not the whole page (on A4, 394 points of plot over
     * 650 of width left a third of a chart file blank-ish); its axis and notes under it. */
    if (c->compact) {
        double ph = fmax(need, TREND_ASPECT * (px1 - px0));
        if (bottom - top > ph)
            bottom = top + ph;
        c->used = bottom + axh + reserve;
    }

    plots_axis ya = {0, 1, 0.2, 0, 0};
    int scaled = 0;
    if (score) {
        /* the score chart's axis (the scale's ends, or zoomed to the points), on the
         * trend's cells */
        shopstat_chart_data pts = *d;
        pts.cells = d->trend;
        pts.nlevels = nline * nw;
        pts.nseries = 1;
        plots_score_axis(&pts, o, &ya);
    } else {
        scaled = plots_pct_axis(d->trend, nline * nw, o, &ya);
    }
    /* The axis maps values to y, bottom to top. */
    ya.x0 = bottom;
    ya.x1 = top;

    double *wx = calloc(nw, sizeof *wx);
    if (!wx) {
        free(wwrap);
        free(right);
        free(left);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t w = 0; w < nw; w++)
        wx[w] = nw == 1 ? (px0 + px1) / 2
                        : px0 + in0 + (px1 - in1 - px0 - in0) * (double)w / (double)(nw - 1);

    /* Grid, y tick labels in percent, wave labels. */
    fax.halign = 1;
    fax.valign = 0.5;
    int nt = (int)floor((ya.hi - ya.lo) / ya.step + 0.5);
    for (int i = 0; i <= nt; i++) {
        double v = ya.lo + i * ya.step, y = plots_axis_map(&ya, v);
        plots_set(cr, fabs(v) < 1e-9 ? PLOTS_LIGHT : PLOTS_GRID);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_move_to(cr, px0, y);
        cairo_line_to(cr, px1, y);
        cairo_stroke(cr);
        char tk[32];
        if (score) /* (ticks at a nice step of the scale: as many decimals as it needs) */
            plots_fmt_score(d, v,
                            ya.step >= 1 - 1e-9     ? 0
                            : ya.step >= 0.1 - 1e-9 ? 1
                                                    : 2,
                            tk, sizeof tk);
        else
            snprintf(tk, sizeof tk, "%.*f%%", plots_tick_decimals(ya.step), v * 100);
        plots_font fe = fax; /* a scaled axis's end in bold ink, as a bar chart's */
        if (scaled && i == nt) {
            fe.bold = 1;
            fe.colour = PLOTS_INK;
        }
        plots_text(cr, tk, px0 - 6 * s, y, 0, &fe, 1, NULL, NULL);
    }
    for (size_t w = 0; w < nw; w++) {
        double yb = bottom + 6 * s + wlh + 2 * s;
        plots_text(cr, d->waves[w] ? d->waves[w] : "", wx[w], bottom + 6 * s, wwrap[w], &fw, 1,
                   NULL, NULL);
        for (size_t j = 0; d->wave_bases && j < d->nseries; j++) {
            wave_base_text(d, o, j, w, buf, sizeof buf);
            if (!buf[0])
                continue;
            plots_text(cr, buf, wx[w], yb, wmax, &fb, 1, NULL, &th);
            yb += th;
        }
    }
    free(wwrap);

    /* CI bands first, under every line; then lines and points. */
    for (int layer = 0; layer < 3; layer++) {
        for (size_t i = 0; i < nline; i++) {
            /* bands in the series colour, lines and points darkened to stand out from the
             * page (yellow as a thin line is lost on white) */
            plots_rgb band = plots_series_colour(i), col = plots_line_colour(i);
            size_t w = 0;
            while (w < nw) {
                while (w < nw && isnan(tcell(d, i, w)->value))
                    w++;
                size_t start = w;
                while (w < nw && !isnan(tcell(d, i, w)->value))
                    w++;
                if (start == w)
                    continue;
                if (layer == 0 && o->show_ci) {
                    int ok = 1;
                    for (size_t k = start; k < w; k++)
                        ok &= !isnan(tcell(d, i, k)->lo) && !isnan(tcell(d, i, k)->hi);
                    /* (a score's interval may pass its scale's ends, an NPS's -303 on a
                     * small base: the band stops at the axis) */
                    cairo_save(cr);
                    cairo_rectangle(cr, px0, top, px1 - px0, bottom - top);
                    cairo_clip(cr);
                    if (ok && w - start > 1) {
                        cairo_new_path(cr); /* text drawing leaves a current point behind */
                        for (size_t k = start; k < w; k++)
                            cairo_line_to(cr, wx[k], plots_axis_map(&ya, tcell(d, i, k)->hi));
                        for (size_t k = w; k-- > start;)
                            cairo_line_to(cr, wx[k], plots_axis_map(&ya, tcell(d, i, k)->lo));
                        cairo_close_path(cr);
                        cairo_set_source_rgba(cr, band.r, band.g, band.b, 0.16);
                        cairo_fill(cr);
                    } else if (ok) {
                        /* A lone point gets a whisker instead of a band. */
                        double x = wx[start];
                        plots_set(cr, plots_mix(band, PLOTS_WHITE, 0.35));
                        cairo_set_line_width(cr, 2.0 * s);
                        cairo_move_to(cr, x, plots_axis_map(&ya, tcell(d, i, start)->lo));
                        cairo_line_to(cr, x, plots_axis_map(&ya, tcell(d, i, start)->hi));
                        cairo_stroke(cr);
                    }
                    cairo_restore(cr);
                } else if (layer == 1 && w - start > 1) {
                    cairo_new_path(cr);
                    for (size_t k = start; k < w; k++)
                        cairo_line_to(cr, wx[k], plots_axis_map(&ya, tcell(d, i, k)->value));
                    plots_set(cr, col);
                    cairo_set_line_width(cr, 2.4 * s);
                    plots_line_style st = plots_line_style_of(i);
                    plots_set_dash(cr, &st, s);
                    cairo_stroke(cr);
                    cairo_set_dash(cr, NULL, 0, 0);
                } else if (layer == 2) {
                    for (size_t k = start; k < w; k++) {
                        const shopstat_chart_cell *x = tcell(d, i, k);
                        int low = plots_is_low(c, plots_cell_eff(d, x, i % d->nseries));
                        cairo_new_path(cr);
                        plots_marker_path(cr, plots_line_style_of(i).marker, wx[k],
                                          plots_axis_map(&ya, x->value), 4.2 * s);
                        plots_set(cr, low ? PLOTS_WHITE : col);
                        cairo_fill_preserve(cr);
                        plots_set(cr, low ? col : PLOTS_WHITE);
                        cairo_set_line_width(cr, (low ? 1.6 : 1.2) * s);
                        cairo_stroke(cr);
                    }
                }
            }
        }
    }

    /* Direct labels: right of each line's last point; left of each line's first point when it
     * starts at the first wave; above the point for waves in between. */
    size_t nr = 0, nlft = 0, nmid = 0;
    plots_rect *mid = calloc(nline * nw + 1, sizeof *mid); /* middle labels placed */
    if (!mid) {
        free(wx);
        free(right);
        free(left);
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < nline; i++) {
        size_t last = nw, first = nw;
        for (size_t w = 0; w < nw; w++)
            if (!isnan(tcell(d, i, w)->value)) {
                last = w;
                if (first == nw)
                    first = w;
            }
        if (last == nw)
            continue;
        /* (line i's height, measured above into right[i]: nr < i once a line without
         * values was passed, and right[i] is not yet overwritten) */
        right[nr].h = right[i].h;
        right[nr].want = plots_axis_map(&ya, tcell(d, i, last)->value);
        right[nr].line = i;
        nr++;
        if (first == 0 && nw > 1) {
            left[nlft].want = plots_axis_map(&ya, tcell(d, i, 0)->value);
            left[nlft].line = i;
            nlft++;
        }
        fv.halign = 0.5;
        fv.valign = 0;
        for (size_t w = first + 1; w < last; w++) {
            const shopstat_chart_cell *x = tcell(d, i, w);
            if (isnan(x->value))
                continue;
            value_text(d, o, x, buf, sizeof buf);
            fv.colour = label_colour(i);
            /* Above the point, else below it; where lines meet, a value whose label would
             * land on another's is left out (as a Likert segment too small for its number),
             * rather than printed over it. */
            double yp = plots_axis_map(&ya, x->value), lw_, lh_;
            plots_text(cr, buf, 0, 0, 0, &fv, 0, &lw_, &lh_);
            double tries[2] = {yp - 6 * s - lh_, yp + 6 * s};
            int placed = 0;
            for (int t = 0; t < 2; t++) {
                plots_rect r = {wx[w] - lw_ / 2, tries[t], lw_, lh_};
                int clash = r.y < top - 4 * s || r.y + r.h > bottom;
                for (size_t k = 0; k < nmid && !clash; k++)
                    clash = r.x < mid[k].x + mid[k].w + 1 * s && mid[k].x < r.x + r.w + 1 * s &&
                            r.y < mid[k].y + mid[k].h + 1 * s && mid[k].y < r.y + r.h + 1 * s;
                if (clash)
                    continue;
                mid[nmid++] = r;
                plots_text(cr, buf, wx[w], r.y, 0, &fv, 1, NULL, NULL);
                placed = 1;
                break;
            }
            if (!placed)
                drop[(*ndrop)++] = (tdrop){i, w};
        }
    }
    fv.valign = 0.5;
    spread(right, nr, 3 * s, top - 4 * s, bottom + 4 * s);
    /* Start labels have no leader (no room left of the first point for one): a label pushed
     * further than its own height from its point would name another line, so, top to bottom,
     * a label that cannot be placed that near is left out (as middle-wave labels are where
     * lines meet); the labels kept are then spread as before. */
    qsort(left, nlft, sizeof *left, by_want);
    size_t kept = 0;
    double below = top - 4 * s; /* bottom edge of the last label kept */
    for (size_t k = 0; k < nlft; k++) {
        double y = fmax(left[k].want, below + 1 * s + left[k].h / 2);
        if (y - left[k].want > left[k].h || y + left[k].h / 2 > bottom + 4 * s) {
            drop[(*ndrop)++] = (tdrop){left[k].line, 0};
            continue;
        }
        left[kept++] = left[k];
        below = y + left[k].h / 2;
    }
    nlft = kept;
    spread(left, nlft, 1 * s, top - 4 * s, bottom + 4 * s);
    for (size_t k = 0; k < nr; k++) {
        size_t i = right[k].line, last = nw;
        for (size_t w = 0; w < nw; w++)
            if (!isnan(tcell(d, i, w)->value))
                last = w;
        plots_rgb col = label_colour(i);
        double x = px1 + 8 * s, y = right[k].y;
        /* A thin leader when the label had to move away from its line's end. */
        double yend = plots_axis_map(&ya, tcell(d, i, last)->value);
        plots_set(cr, PLOTS_LIGHT);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_move_to(cr, wx[last] + 6 * s, yend);
        cairo_line_to(cr, x - 2 * s, y);
        cairo_stroke(cr);
        cairo_new_path(cr);
        plots_marker_path(cr, plots_line_style_of(i).marker, x + 4 * s, y, 3.6 * s);
        plots_set(cr, plots_line_colour(i));
        cairo_fill(cr);
        x += keyw;
        value_text(d, o, tcell(d, i, last), buf, sizeof buf);
        fv.halign = 0;
        fv.colour = col;
        plots_text(cr, buf, x, y, 0, &fv, 1, NULL, NULL);
        line_label(d, i, buf, sizeof buf);
        plots_text(cr, buf, x + vw + 6 * s, y, lw, &fl, 1, NULL, NULL);
    }
    for (size_t k = 0; k < nlft; k++) {
        size_t i = left[k].line;
        value_text(d, o, tcell(d, i, 0), buf, sizeof buf);
        fv.halign = 1;
        fv.colour = label_colour(i);
        plots_text(cr, buf, wx[0] - 8 * s, left[k].y, 0, &fv, 1, NULL, NULL);
    }
    free(mid);
    free(wx);
    free(right);
    free(left);
    return SHOPSTAT_OK;
}

/* "Not labelled where lines meet: Phone, 2011: 22%; E-mail, 2010: 21%.": the values a pass
 * left unlabelled, by line and wave, so that the reader still finds every value. Returns a
 * malloc'd string (NULL: out of memory), as long as it takes: a fixed buffer cut the note
 * short, and in the middle of a character (an invalid UTF-8 string, which cairo refuses), when
 * long labels over many waves were left out. */
static char *drop_note(const plots_ctx *c, tdrop *drop, size_t n)
{
    const shopstat_chart_data *d = c->d;
    qsort(drop, n, sizeof *drop, by_line_wave);
    static const char head[] = "Not labelled where lines meet:";
    size_t len = sizeof head + 1;
    char *lab = NULL;
    size_t labn = 0;
    for (size_t i = 0; i < n; i++) {
        /* each entry: "; " + label + ", " + wave + ": " + value */
        size_t l = drop[i].line / d->nseries, j = drop[i].line % d->nseries;
        const char *wv = d->waves[drop[i].wave] ? d->waves[drop[i].wave] : "";
        size_t e = strlen(plots_level_label(&d->levels[l])) +
                   strlen(plots_series_label(&d->series[j])) + strlen(wv) + 48;
        len += e;
        labn = e > labn ? e : labn;
    }
    char *buf = malloc(len);
    lab = malloc(labn + 1);
    if (!buf || !lab) {
        free(buf);
        free(lab);
        return NULL;
    }
    size_t k = (size_t)snprintf(buf, len, "%s", head);
    for (size_t i = 0; i < n && k < len; i++) {
        char v[48];
        line_label(d, drop[i].line, lab, labn + 1);
        value_text(d, c->o, tcell(d, drop[i].line, drop[i].wave), v, sizeof v);
        const char *wv = d->waves[drop[i].wave] ? d->waves[drop[i].wave] : "";
        k += (size_t)snprintf(buf + k, len - k, "%s %s, %s: %s", i ? ";" : "", lab, wv, v);
    }
    if (k < len)
        snprintf(buf + k, len - k, ".");
    free(lab);
    return buf;
}

/* The trend, and under it a line naming the values it could not label: the layout is tried
 * on a recording surface with room reserved for that line, the room grown until the line
 * fits (less room can only leave more out), then drawn. */
shopstat_status plots_draw_trend(plots_ctx *c)
{
    const shopstat_chart_data *d = c->d;
    size_t npts = d->nlevels * d->nseries * d->nwaves;
    tdrop *drop = calloc(npts + 1, sizeof *drop);
    char *note = NULL;
    if (!drop)
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    double s = c->s, reserve = 0, nh = 0;
    plots_font fn = plots_font_make(PLOTS_PT_FOOTER * s, 0, PLOTS_GREY);
    size_t nd = 0;
    shopstat_status st = SHOPSTAT_OK;
    for (int iter = 0; iter < 16; iter++) {
        plots_ctx t = *c;
        cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        t.cr = cairo_create(rs);
        st = trend_pass(&t, reserve, drop, &nd);
        cairo_destroy(t.cr);
        cairo_surface_destroy(rs);
        if (st) {
            c->need_h = t.need_h; /* (its body was short of the reserve already) */
            c->need_what = t.need_what;
            break;
        }
        nh = 0;
        if (nd) {
            free(note);
            note = drop_note(c, drop, nd);
            if (!note) {
                st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            plots_text(c->cr, note, 0, 0, c->body.w, &fn, 0, NULL, &nh);
        }
        if (nh <= reserve || nh == 0)
            break;
        reserve = nh + 6 * s;
    }
    if (!st)
        st = trend_pass(c, reserve, drop, &nd);
    if (!st && nd) {
        free(note);
        note = drop_note(c, drop, nd);
        if (!note)
            st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!st && nd) {
        double end = c->compact && c->used > 0 ? c->used : c->body.y + c->body.h;
        plots_text(c->cr, note, c->body.x, end - reserve + 6 * s, c->body.w, &fn, 1, NULL, NULL);
    }
    free(drop);
    free(note);
    return st;
}
