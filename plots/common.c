/* Helpers shared by the chart kinds: palette, number formats, level order, axes, legend, bars. */
#include "internal.h"

#include "shopstat/output.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const plots_rgb PLOTS_INK = {0.13, 0.13, 0.13};
const plots_rgb PLOTS_GREY = {0.40, 0.40, 0.40};
const plots_rgb PLOTS_LIGHT = {0.62, 0.62, 0.62};
const plots_rgb PLOTS_GRID = {0.88, 0.88, 0.88};
const plots_rgb PLOTS_WHITE = {1.0, 1.0, 1.0};

/* Okabe & Ito (2008) colour-blind-safe hues. */
const plots_rgb PLOTS_BLUE = {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0};
const plots_rgb PLOTS_ORANGE = {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0};
const plots_rgb PLOTS_GREEN = {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0};  /* bluish green */
const plots_rgb PLOTS_PURPLE = {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0}; /* reddish purple */
const plots_rgb PLOTS_SKY = {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0};
const plots_rgb PLOTS_VERMILLION = {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0};
const plots_rgb PLOTS_YELLOW = {0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0};

double plots_luma(plots_rgb c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

plots_rgb plots_at_luma(plots_rgb c, double y)
{
    double l = plots_luma(c);
    if (y <= l)
        return plots_mix(c, (plots_rgb){0, 0, 0}, l > 0 ? 1 - y / l : 0);
    return plots_mix(c, PLOTS_WHITE, (y - l) / (1 - l));
}

static const plots_rgb BLACK = {0, 0, 0};

/* The series palette: Okabe-Ito hues, each at a grey level (Rec. 709 luma, 0-1) chosen so that
 * the first six differ pairwise by at least 0.15 (black 0, bluish green 0.19, blue 0.37,
 * reddish purple 0.525, orange 0.68, yellow 0.86), and so do any two consecutive ones of the
 * eight (not of the darker and lighter rounds past the eighth): a bar
 * chart of up to six segments, or a trend of up to six lines, can be matched to its legend in
 * greyscale. Okabe-Ito's orange and sky blue print as the same grey (0.64); orange is a little
 * lighter here, and sky blue comes seventh. Luma < 0 keeps the hue as it is. */
static const struct {
    const plots_rgb *hue;
    double luma;
} palette[] = {
    {&PLOTS_BLUE, -1},       /* 0.370 */
    {&PLOTS_ORANGE, 0.68},   /* 0.638 lightened */
    {&PLOTS_GREEN, 0.19},    /* 0.476 darkened: a dark teal */
    {&PLOTS_YELLOW, -1},     /* 0.859 */
    {&PLOTS_PURPLE, 0.525},  /* 0.557 darkened */
    {&BLACK, -1},            /* 0 */
    {&PLOTS_SKY, -1},        /* 0.642 */
    {&PLOTS_VERMILLION, -1}, /* 0.441 */
};

/* Series past the eighth (a by: column with many values beside 'all') take the palette
 * again, darker (black and the dark teal lighter instead), then lighter: no two of the first 24
 * share a colour, and none is as pale as a hatched small-base bar. */
plots_rgb plots_series_colour(size_t i)
{
    const size_t n = sizeof palette / sizeof palette[0];
    plots_rgb c = *palette[i % n].hue;
    if (palette[i % n].luma >= 0)
        c = plots_at_luma(c, palette[i % n].luma);
    size_t round = (i / n) % 3;
    int dark = plots_luma(c) < 0.25; /* black and the dark teal: lighter, not darker */
    if (round == 1)
        return dark ? plots_mix(c, PLOTS_WHITE, 0.55) : plots_mix(c, PLOTS_INK, 0.45);
    if (round == 2)
        return dark ? plots_mix(c, PLOTS_WHITE, 0.3) : plots_mix(c, PLOTS_WHITE, 0.35);
    return c;
}

/* WCAG 2 relative luminance: linear-light, unlike plots_luma's print grey. */
static double rel_luminance(plots_rgb c)
{
    double ch[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; k++)
        ch[k] = ch[k] <= 0.04045 ? ch[k] / 12.92 : pow((ch[k] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/* WCAG 2 contrast ratio of an sRGB colour against the white page: (1 + 0.05) / (L + 0.05), L
 * its relative luminance. */
double plots_contrast_on_white(plots_rgb c)
{
    return 1.05 / (rel_luminance(c) + 0.05);
}

plots_rgb plots_text_on(plots_rgb fill)
{
    double l = rel_luminance(fill);
    double on_white = 1.05 / (l + 0.05), on_ink = (l + 0.05) / (rel_luminance(PLOTS_INK) + 0.05);
    return on_white > on_ink ? PLOTS_WHITE : PLOTS_INK;
}

/* c, darkened (mixed with black, the hue kept) just enough to reach contrast ratio against
 * white: the pale palette colours (yellow 1.3:1, sky blue 2.3:1) are fills, and a thin line
 * or a small mark in them is lost on the page. A colour already dark enough is returned as
 * it is. The target is aimed a little above ratio so that 8-bit output keeps it. */
plots_rgb plots_on_white(plots_rgb c, double ratio)
{
    if (plots_contrast_on_white(c) >= ratio + 0.05)
        return c;
    double lo = 0, hi = 1;
    for (int i = 0; i < 40; i++) {
        double t = (lo + hi) / 2;
        if (plots_contrast_on_white(plots_mix(c, (plots_rgb){0, 0, 0}, t)) >= ratio + 0.05)
            hi = t;
        else
            lo = t;
    }
    return plots_mix(c, (plots_rgb){0, 0, 0}, hi);
}

/* Trend lines and points: the series colour at WCAG 2's non-text contrast (3:1) at least. */
plots_rgb plots_line_colour(size_t i)
{
    return plots_on_white(plots_series_colour(i), 3.0);
}

/* Solid, dashed, dotted, dash-dot: short enough that a line between two waves shows its
 * pattern several times, with gaps wide enough (at least the 2.4-point line width) to read. */
static const double DASH_LONG[] = {7, 3.5}, DASH_DOT[] = {2.4, 2.6},
                    DASH_DASHDOT[] = {7, 2.6, 2.4, 2.6};

plots_line_style plots_line_style_of(size_t i)
{
    static const plots_line_style dashes[4] = {
        {NULL, 0, 0}, {DASH_LONG, 2, 0}, {DASH_DOT, 2, 0}, {DASH_DASHDOT, 4, 0}};
    size_t k = i % 8;
    plots_line_style st = dashes[k % 4];
    st.marker = (int)((k + k / 4) % 4); /* lines 4-7: the patterns again, the shapes shifted */
    return st;
}

void plots_set_dash(cairo_t *cr, const plots_line_style *st, double s)
{
    double d[4];
    for (int k = 0; k < st->ndash; k++)
        d[k] = st->dash[k] * s;
    cairo_set_dash(cr, d, st->ndash, 0);
}

void plots_marker_path(cairo_t *cr, int marker, double x, double y, double r)
{
    cairo_new_sub_path(cr);
    switch (marker) {
    case PLOTS_MARK_SQUARE: {
        double h = r * 0.886; /* sqrt(pi) / 2: the circle's area */
        cairo_rectangle(cr, x - h, y - h, 2 * h, 2 * h);
        break;
    }
    case PLOTS_MARK_TRIANGLE: {
        double R = r * 1.347; /* equilateral, circumradius for the circle's area */
        cairo_move_to(cr, x, y - R);
        cairo_line_to(cr, x + R * 0.866, y + R * 0.5);
        cairo_line_to(cr, x - R * 0.866, y + R * 0.5);
        cairo_close_path(cr);
        break;
    }
    case PLOTS_MARK_DIAMOND: {
        double R = r * 1.253; /* sqrt(pi / 2) */
        cairo_move_to(cr, x, y - R);
        cairo_line_to(cr, x + R, y);
        cairo_line_to(cr, x, y + R);
        cairo_line_to(cr, x - R, y);
        cairo_close_path(cr);
        break;
    }
    default:
        cairo_arc(cr, x, y, r, 0, 2 * PLOTS_PI);
        cairo_close_path(cr);
    }
}

plots_rgb plots_mix(plots_rgb c, plots_rgb with, double t)
{
    plots_rgb m = {c.r + (with.r - c.r) * t, c.g + (with.g - c.g) * t, c.b + (with.b - c.b) * t};
    return m;
}

void plots_set(cairo_t *cr, plots_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void plots_fmt_pct(double p, int decimals, char *buf, size_t n)
{
    if (isnan(p)) {
        snprintf(buf, n, "n/a");
        return;
    }
    double pct = p * 100.0, unit = pow(10.0, -decimals);
    /* A small but non-zero share must not print as "0%". */
    if (pct > 0 && pct < unit / 2)
        snprintf(buf, n, "<%.*f%%", decimals, unit);
    else if (pct < 0 && pct > -unit / 2) /* (never "-0%") */
        snprintf(buf, n, "%.*f%%", decimals, 0.0);
    else
        snprintf(buf, n, "%.*f%%", decimals, pct);
}

/* A base as a reader reads it: whole, in groups of three digits ("1,204"). */
static void fmt_count(double v, char *buf, size_t n)
{
    shopstat_format_grouped(v, 0, buf, n);
}

/* An effective base below low_base must read below it: 29.77 would round to "30", beside bars
 * drawn hatched for a base "below 30", so it keeps one decimal, cut rather than rounded
 * ("29.7"). */
static void fmt_eff(double v, double low_base, char *buf, size_t n)
{
    fmt_count(v, buf, n);
    if (v < low_base && rint(v) >= low_base) /* (rint rounds as printf does) */
        shopstat_format_grouped(floor(v * 10) / 10, 1, buf, n);
}

void plots_fmt_base(const shopstat_chart_series *s, double low_base, char *buf, size_t n)
{
    char a[32], b[32];
    buf[0] = '\0';
    if (!isnan(s->base_n)) {
        fmt_count(s->base_n, a, sizeof a);
        /* the effective base is shown when it differs from n, or when it alone is low: a
         * hatched bar must not be explained by "n=30" only */
        int low_eff = !isnan(s->eff_base) && s->eff_base < low_base && s->base_n >= low_base;
        if (!isnan(s->eff_base) && (fabs(s->eff_base - s->base_n) >= 0.5 || low_eff)) {
            fmt_eff(s->eff_base, low_base, b, sizeof b);
            snprintf(buf, n, "n=%s, eff. n=%s", a, b);
        } else {
            snprintf(buf, n, "n=%s", a);
        }
    } else if (!isnan(s->eff_base)) {
        fmt_eff(s->eff_base, low_base, b, sizeof b);
        snprintf(buf, n, "eff. n=%s", b);
    }
}

const char *plots_level_label(const shopstat_chart_level *l)
{
    return l->label ? l->label : l->code ? l->code : "";
}

const char *plots_series_label(const shopstat_chart_series *s)
{
    return s->label ? s->label : s->name ? s->name : "";
}

double plots_cell_eff(const shopstat_chart_data *d, const shopstat_chart_cell *c, size_t series)
{
    if (!isnan(c->eff_base))
        return c->eff_base;
    return series < d->nseries ? d->series[series].eff_base : NAN;
}

int plots_is_low(const plots_ctx *c, double eff)
{
    return !isnan(eff) && eff < c->o->low_base;
}

/* Residual answers, compared at the start of the label, ignoring case (ASCII) and the
 * apostrophe variant. */
static const char *const residual[] = {
    "other",
    "others",
    "none",
    "don't know",
    "dont know",
    "don\xe2\x80\x99t know",
    "do not know",
    "dk",
    "no answer",
    "no opinion",
    "refused",
    "prefer not",
    "not applicable",
    "n/a",
    "can't say",
    "cannot say",
    "autre",
    "autres",
    "aucun",
    "aucune",
    "ne sait pas",
    "nsp",
    "sans opinion",
    "sans r\xc3\xa9ponse",
    "non concern\xc3\xa9",
    "wei\xc3\x9f nicht",
    "sonstige",
};

int shopstat_chart_label_is_residual(const char *label)
{
    if (!label)
        return 0;
    while (*label == ' ')
        label++;
    for (size_t i = 0; i < sizeof residual / sizeof residual[0]; i++) {
        size_t n = strlen(residual[i]), k = 0;
        for (; k < n && label[k]; k++)
            if (tolower((unsigned char)label[k]) != (unsigned char)residual[i][k])
                break;
        /* A whole-word match: "Other", "Other (specify)", but not "Otherwise". */
        if (k == n && !isalpha((unsigned char)label[n]))
            return 1;
    }
    return 0;
}

static size_t sort_series(const shopstat_chart_data *d)
{
    for (size_t s = 0; s < d->nseries; s++) {
        const char *n = d->series[s].name;
        if (n && tolower((unsigned char)n[0]) == 'a' && tolower((unsigned char)n[1]) == 'l' &&
            tolower((unsigned char)n[2]) == 'l' && n[3] == '\0')
            return s;
    }
    return 0;
}

static double sort_key(const shopstat_chart_data *d, const shopstat_chart_opts *o, size_t l)
{
    if (o->type == SHOPSTAT_CHART_DIFF && d->diffs && d->ncompare)
        return d->diffs[l * d->ncompare].diff;
    if (!d->cells || !d->nseries)
        return 0;
    return d->cells[l * d->nseries + sort_series(d)].value;
}

static int is_last(const shopstat_chart_level *l)
{
    if (l->last)
        return l->last > 0;
    return shopstat_chart_label_is_residual(plots_level_label(l));
}

void plots_level_order(const shopstat_chart_data *d, const shopstat_chart_opts *o, size_t *order)
{
    size_t n = d->nlevels;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    int sorted = o->sort == SHOPSTAT_CHART_SORT_ALL &&
                 (o->type == SHOPSTAT_CHART_BARS || o->type == SHOPSTAT_CHART_DIFF);
    if (!sorted)
        return; /* --sort none, Likert scales and trend lines keep the given order */
    /* Stable insertion sort (level counts are small): residual levels after the others in
     * their given order; the rest by decreasing key, NANs at the end, ties in given order. */
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        while (j > 0) {
            size_t u = order[j - 1];
            int lu = is_last(&d->levels[u]), lv = is_last(&d->levels[v]);
            int before;
            if (lu != lv)
                before = lv < lu;
            else if (lv)
                before = 0;
            else {
                double ku = sort_key(d, o, u), kv = sort_key(d, o, v);
                before = !isnan(kv) && (isnan(ku) || kv > ku);
            }
            if (!before)
                break;
            order[j] = u;
            j--;
        }
        order[j] = v;
    }
}

double plots_axis_map(const plots_axis *a, double v)
{
    return a->x0 + (v - a->lo) / (a->hi - a->lo) * (a->x1 - a->x0);
}

void plots_axis_nice(double lo, double hi, int nticks, plots_axis *a)
{
    if (!(hi > lo)) {
        hi = lo + 0.1;
        lo -= 0.1;
    }
    double raw = (hi - lo) / (nticks > 1 ? nticks : 1);
    double mag = pow(10.0, floor(log10(raw)));
    /* The epsilon keeps a range of exactly 5 steps (0.30 / 6 = 0.0500000001) at step 5. */
    double f = raw / mag * (1 - 1e-9), step;
    step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    step *= mag;
    a->step = step;
    /* Small epsilons keep values that sit exactly on a tick from adding an empty step. */
    a->lo = floor(lo / step + 1e-9) * step;
    a->hi = ceil(hi / step - 1e-9) * step;
    if (a->hi <= a->lo)
        a->hi = a->lo + step;
}

void plots_zoom_axis(const shopstat_chart_cell *cells, size_t n, int show_ci, plots_axis *a)
{
    double lo = 1, hi = 0;
    for (size_t i = 0; i < n; i++) {
        const shopstat_chart_cell *x = &cells[i];
        if (isnan(x->value))
            continue;
        lo = fmin(lo, x->value);
        hi = fmax(hi, x->value);
        if (show_ci && !isnan(x->lo))
            lo = fmin(lo, x->lo);
        if (show_ci && !isnan(x->hi))
            hi = fmax(hi, x->hi);
    }
    if (hi < lo)
        lo = 0, hi = 1;
    a->x0 = a->x1 = 0;
    plots_axis_nice(lo, hi, 5, a);
    a->lo = fmax(a->lo, 0);
    a->hi = fmin(a->hi, 1);
}

int plots_pct_axis(const shopstat_chart_cell *cells, size_t n, const shopstat_chart_opts *o,
                   plots_axis *a)
{
    a->lo = 0;
    a->hi = 1;
    a->step = 0.2;
    a->x0 = a->x1 = 0;
    if (o->zoom) {
        plots_zoom_axis(cells, n, o->show_ci, a);
        return 0;
    }
    double hi = 0;
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        const shopstat_chart_cell *x = &cells[i];
        if (isnan(x->value))
            continue;
        if (x->value >= PLOTS_SMALL_SHARE)
            return 0;
        nv++;
        hi = fmax(hi, x->value);
        if (o->show_ci && !isnan(x->hi))
            hi = fmax(hi, x->hi);
    }
    if (nv == 0 || !(hi > 0))
        return 0;
    plots_axis_nice(0, hi, 5, a);
    a->lo = 0;
    a->hi = fmin(a->hi, 1);
    return a->hi < 1;
}

int plots_pct_decimals(const shopstat_chart_opts *o, const plots_axis *a, int scaled)
{
    return (scaled || a->hi - a->lo <= 0.05 + 1e-9) && o->decimals < 1 ? 1 : o->decimals;
}

int plots_tick_decimals(double step)
{
    double pct = fabs(step) * 100;
    for (int d = 0; d < 2; d++) {
        double v = pct * pow(10.0, d);
        if (fabs(v - floor(v + 0.5)) < 1e-6 * fmax(1, v))
            return d;
    }
    return 2;
}

double plots_line_height(plots_ctx *c, double size)
{
    plots_font f = plots_font_make(size, 0, PLOTS_INK);
    double h;
    plots_text(c->cr, "Ag", 0, 0, 0, &f, 0, NULL, &h);
    return h;
}

double plots_legend(plots_ctx *c, double x, double y, double width, size_t n,
                    const plots_rgb *colours, const char *const *texts, const char *const *marks,
                    const int *low, int draw)
{
    plots_font fm = plots_font_make(PLOTS_PT_SWATCH * c->s, 1, PLOTS_WHITE);
    fm.halign = 0.5;
    fm.valign = 0.5;
    double s = c->s, sw = 10 * s, gap = 5 * s, itemgap = 18 * s;
    plots_font f = plots_font_make(PLOTS_PT_LABEL * s, 0, PLOTS_INK);
    f.valign = 0.5;
    f.ltr = 1; /* name, then bases, right of the swatch: also for an Arabic or Hebrew name */
    double cx = x, cy = y, rowh = 0;
    for (size_t i = 0; i < n; i++) {
        double tw, th;
        double maxw = width - sw - gap;
        plots_text(c->cr, texts[i], 0, 0, maxw, &f, 0, &tw, &th);
        double iw = sw + gap + tw;
        if (cx > x && cx + iw > x + width) {
            cx = x;
            cy += rowh + 4 * s;
            rowh = 0;
        }
        double ih = th > sw ? th : sw;
        if (draw) {
            /* a series of low effective base: its swatch pale and hatched, as its bars */
            int pale = low && low[i];
            plots_bar(c->cr, cx, cy + ih / 2 - sw / 2, sw, sw, colours[i], pale, s);
            if (marks && marks[i] && marks[i][0]) {
                fm.colour =
                    plots_text_on(pale ? plots_mix(colours[i], PLOTS_WHITE, 0.72) : colours[i]);
                plots_text(c->cr, marks[i], cx + sw / 2, cy + ih / 2, 0, &fm, 1, NULL, NULL);
            }
            plots_text(c->cr, texts[i], cx + sw + gap, cy + ih / 2, maxw, &f, 1, NULL, NULL);
        }
        cx += iw + itemgap;
        if (ih > rowh)
            rowh = ih;
    }
    return cy + rowh - y;
}

void plots_bar(cairo_t *cr, double x, double y, double w, double h, plots_rgb col, int low,
               double s)
{
    if (w <= 0 || h <= 0)
        return;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    if (!low) {
        plots_set(cr, col);
        cairo_fill(cr);
        cairo_restore(cr);
        return;
    }
    /* Low effective base: pale fill, a thin outline and diagonal hatching in the series
     * colour, so the cell reads as "same series, less certain" also in greyscale. */
    plots_set(cr, plots_mix(col, PLOTS_WHITE, 0.72));
    cairo_fill_preserve(cr);
    cairo_clip_preserve(cr);
    plots_set(cr, col);
    cairo_set_line_width(cr, 0.8 * s);
    cairo_stroke(cr);
    double step = 3.5 * s;
    for (double t = -h; t < w + h; t += step) {
        cairo_move_to(cr, x + t, y + h);
        cairo_line_to(cr, x + t + h, y);
    }
    cairo_set_line_width(cr, 0.6 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
}

shopstat_status plots_too_small(plots_ctx *c, const char *what, double need_h)
{
    c->need_h = need_h;
    c->need_what = what;
    return shopstat_error_set(c->err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "chart '%s' does not fit in %gx%g points: its %s need a height "
                              "of about %.0f points (use --chart-size)",
                              c->d->name ? c->d->name : "", c->w, c->h, what, ceil(need_h));
}
