/* Chart API: options, parsers, validation, the common frame (title, footer) and dispatch. */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_SIDE 144.0
#define MAX_SIDE 14400.0 /* the largest page a PDF reader must accept */
#define MAX_LEVELS 1000
#define MAX_SERIES 64
#define TOL 1e-9

void shopstat_chart_opts_init(shopstat_chart_opts *o)
{
    memset(o, 0, sizeof *o);
    o->width = 842;
    o->height = 595;
    o->type = SHOPSTAT_CHART_BARS;
    o->sort = SHOPSTAT_CHART_SORT_ALL;
    o->show_ci = 1;
    o->ci_level = 0.95;
    o->alpha = 0.05;
    o->low_base = 30;
    o->png_scale = 2;
}

void shopstat_chart_data_init(shopstat_chart_data *d)
{
    memset(d, 0, sizeof *d);
    d->neutral = -1;
}

static int streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

shopstat_status shopstat_chart_size_parse(const char *s, double *w, double *h, shopstat_error *err)
{
    static const struct {
        const char *name;
        double w, h;
    } named[] = {{"a4", 842, 595},     {"a4-landscape", 842, 595},    {"a4-portrait", 595, 842},
                 {"letter", 792, 612}, {"letter-portrait", 612, 792}, {"slide", 960, 540}};
    if (!s || !*s)
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, NULL, 0, 0,
            "--chart-size: empty size (expected WxH in points, e.g. 842x595)");
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (streq_ci(s, named[i].name)) {
            *w = named[i].w;
            *h = named[i].h;
            return SHOPSTAT_OK;
        }
    char *end;
    double a = strtod(s, &end);
    if (end == s || (*end != 'x' && *end != 'X'))
        goto bad;
    const char *p = end + 1;
    double b = strtod(p, &end);
    if (end == p || *end != '\0' || !isfinite(a) || !isfinite(b))
        goto bad;
    if (a < MIN_SIDE || a > MAX_SIDE || b < MIN_SIDE || b > MAX_SIDE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--chart-size '%s': each side must be between %.0f and %.0f "
                                  "points",
                                  s, MIN_SIDE, MAX_SIDE);
    *w = a;
    *h = b;
    return SHOPSTAT_OK;
bad:
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "--chart-size '%s': expected WxH in points (e.g. 842x595) or one "
                              "of a4, a4-portrait, letter, letter-portrait, slide",
                              s);
}

static const char *const type_names[] = {"bars", "diff", "likert", "trend"};

const char *shopstat_chart_type_name(shopstat_chart_type t)
{
    if ((unsigned)t < sizeof type_names / sizeof type_names[0])
        return type_names[t];
    return "unknown";
}

shopstat_status shopstat_chart_type_parse(const char *s, shopstat_chart_type *t,
                                          shopstat_error *err)
{
    for (size_t i = 0; s && i < sizeof type_names / sizeof type_names[0]; i++)
        if (streq_ci(s, type_names[i])) {
            *t = (shopstat_chart_type)i;
            return SHOPSTAT_OK;
        }
    if (s && streq_ci(s, "difference")) {
        *t = SHOPSTAT_CHART_DIFF;
        return SHOPSTAT_OK;
    }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "--chart-type '%s': expected bars, diff, likert or trend",
                              s ? s : "");
}

shopstat_status shopstat_chart_sort_parse(const char *s, shopstat_chart_sort *sort,
                                          shopstat_error *err)
{
    if (s && streq_ci(s, "all")) {
        *sort = SHOPSTAT_CHART_SORT_ALL;
        return SHOPSTAT_OK;
    }
    if (s && streq_ci(s, "none")) {
        *sort = SHOPSTAT_CHART_SORT_NONE;
        return SHOPSTAT_OK;
    }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "--sort '%s': expected all or none",
                              s ? s : "");
}

static shopstat_status bad(shopstat_error *err, const shopstat_chart_data *d, const char *fmt,
                           const char *what, size_t i, double v)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, what, i, v);
    return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart '%s': %s",
                              d->name ? d->name : "", msg);
}

static int prop_ok(double v, double lo, double hi)
{
    return isnan(v) || (v >= lo - TOL && v <= hi + TOL);
}

static shopstat_status check_cells(const shopstat_chart_data *d, const shopstat_chart_cell *c,
                                   size_t n, const char *what, shopstat_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!prop_ok(c[i].value, 0, 1))
            return bad(err, d, "%s %zu: proportion %g is outside [0, 1]", what, i, c[i].value);
        if (!prop_ok(c[i].lo, 0, 1) || !prop_ok(c[i].hi, 0, 1))
            return bad(err, d, "%s %zu: CI bound outside [0, 1] (lower %g)", what, i, c[i].lo);
        if (!isnan(c[i].lo) && !isnan(c[i].hi) && c[i].lo > c[i].hi + TOL)
            return bad(err, d, "%s %zu: CI lower bound %g above the upper bound", what, i, c[i].lo);
        if (!isnan(c[i].eff_base) && c[i].eff_base < 0)
            return bad(err, d, "%s %zu: negative effective base %g", what, i, c[i].eff_base);
    }
    return SHOPSTAT_OK;
}

static shopstat_status check_opts(const shopstat_chart_opts *o, double w, double h,
                                  shopstat_error *err)
{
    if (!(w >= MIN_SIDE && w <= MAX_SIDE && h >= MIN_SIDE && h <= MAX_SIDE))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart size %gx%g: each side must be between %.0f and %.0f "
                                  "points",
                                  w, h, MIN_SIDE, MAX_SIDE);
    if ((unsigned)o->type > SHOPSTAT_CHART_TREND)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown chart type %d",
                                  (int)o->type);
    if (o->decimals < 0 || o->decimals > 2)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart decimals %d: expected 0, 1 or 2", o->decimals);
    if (!(o->ci_level > 0 && o->ci_level < 1))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart CI level %g: expected a value in (0, 1)", o->ci_level);
    if (!(o->alpha > 0 && o->alpha < 1))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart alpha %g: expected a value in (0, 1)", o->alpha);
    if (!(o->low_base >= 0) || !(o->png_scale > 0 && o->png_scale <= 8))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart low_base must be >= 0 and png_scale in (0, 8]");
    if (o->nnotes && !o->notes)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chart options: %zu notes but no notes array", o->nnotes);
    return SHOPSTAT_OK;
}

static shopstat_status check_data(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                  shopstat_error *err)
{
    if (!d)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart: no data");
    const char *nm = d->name ? d->name : "";
    if (d->nlevels == 0 || !d->levels)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart '%s': no levels", nm);
    if (d->nlevels > MAX_LEVELS || d->nseries > MAX_SERIES)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0,
                                  "chart '%s': %zu levels and %zu series; at most %d levels and "
                                  "%d series can be drawn",
                                  nm, d->nlevels, d->nseries, MAX_LEVELS, MAX_SERIES);
    if (o->type != SHOPSTAT_CHART_DIFF && (d->nseries == 0 || !d->series))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart '%s': no series", nm);
    switch (o->type) {
    case SHOPSTAT_CHART_LIKERT:
        if (d->nlevels < 2)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': a Likert chart needs at least 2 scale points",
                                      nm);
        if (d->neutral < -1 || d->neutral >= (long)d->nlevels)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': neutral level %ld is not a level index", nm,
                                      d->neutral);
        /* fallthrough */
    case SHOPSTAT_CHART_BARS:
        if (!d->cells)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart '%s': no cells", nm);
        return check_cells(d, d->cells, d->nlevels * d->nseries, "cell", err);
    case SHOPSTAT_CHART_DIFF:
        if (!d->diffs || d->ncompare == 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': a difference chart needs diffs", nm);
        for (size_t i = 0; i < d->nlevels * d->ncompare; i++) {
            const shopstat_chart_diff *x = &d->diffs[i];
            if (!prop_ok(x->diff, -1, 1) || !prop_ok(x->lo, -1, 1) || !prop_ok(x->hi, -1, 1))
                return bad(err, d, "%s %zu: difference or CI %g outside [-1, 1]", "diff", i,
                           x->diff);
            if (!isnan(x->lo) && !isnan(x->hi) && x->lo > x->hi + TOL)
                return bad(err, d, "%s %zu: CI lower bound %g above the upper bound", "diff", i,
                           x->lo);
            if (!prop_ok(x->p_adj, 0, 1))
                return bad(err, d, "%s %zu: p-value %g outside [0, 1]", "diff", i, x->p_adj);
        }
        return SHOPSTAT_OK;
    case SHOPSTAT_CHART_TREND:
        if (!d->trend || !d->waves || d->nwaves == 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': a trend chart needs waves and trend cells", nm);
        return check_cells(d, d->trend, d->nlevels * d->nseries * d->nwaves, "trend cell", err);
    }
    return SHOPSTAT_OK;
}

shopstat_status shopstat_chart_validate(const shopstat_chart_data *d,
                                        const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts def;
    if (d && d->opts)
        opts = d->opts;
    if (!opts) {
        shopstat_chart_opts_init(&def);
        opts = &def;
    }
    shopstat_status st = check_opts(opts, opts->width, opts->height, err);
    return st ? st : check_data(d, opts, err);
}

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
    }
    return 0;
}

static int any_sig(const shopstat_chart_data *d, const shopstat_chart_opts *o)
{
    if (o->type != SHOPSTAT_CHART_BARS)
        return 0;
    for (size_t i = 0; i < d->nlevels * d->nseries; i++)
        if (d->cells[i].sig && d->cells[i].sig[0])
            return 1;
    return 0;
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
    const char *nm = d->name ? d->name : "";
    if (d->label && strcmp(d->label, nm) != 0 && *nm)
        ADD("Question %s: %s", nm, d->label);
    else
        ADD("Question: %s", d->label ? d->label : nm);
    if (d->multi_response)
        ADD(" (multiple answers allowed: percentages may add to more than 100%%)");
    if (k > 0 && k < n && !strchr(".?!", buf[k - 1]))
        ADD(".");
    if (d->base_note && *d->base_note) {
        ADD("\nBase: %s", d->base_note);
        if (k > 0 && k < n && !strchr(".?!", buf[k - 1]))
            ADD(".");
    }
    ADD("\n%s", o->weight_note && *o->weight_note ? o->weight_note : "Unweighted.");
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
        if (o->show_ci)
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
        break;
    case SHOPSTAT_CHART_LIKERT:
        ADD(" Bars centred on the %s; totals at the ends.",
            d->neutral >= 0 ? "neutral answer" : "middle of the scale");
        break;
    }
    if (o->zoom && (o->type == SHOPSTAT_CHART_BARS || o->type == SHOPSTAT_CHART_TREND))
        ADD(" Zoomed axis: it does not start at 0%%.");
    if (c->low_used) {
        if (o->type == SHOPSTAT_CHART_TREND)
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
#undef ADD
}

shopstat_status shopstat_chart_draw(cairo_t *cr, double w, double h, const shopstat_chart_data *d,
                                    const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts def;
    if (d && d->opts)
        opts = d->opts;
    if (!opts) {
        shopstat_chart_opts_init(&def);
        opts = &def;
    }
    if (!cr)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "chart: no cairo context");
    shopstat_status st = check_opts(opts, w, h, err);
    if (!st)
        st = check_data(d, opts, err);
    if (st)
        return st;

    plots_ctx c = {0};
    c.cr = cr;
    c.o = opts;
    c.d = d;
    c.w = w;
    c.h = h;
    c.err = err;
    /* Type grows and shrinks with the page area, relative to A4 (either way up), within limits that
     * keep it legible on small charts and sensible on posters. */
    c.s = sqrt(w * h / (842.0 * 595.0));
    c.s = c.s < 0.75 ? 0.75 : c.s > 3 ? 3 : c.s;
    c.low_used = any_low(&c);
    c.sig_used = any_sig(d, opts);

    cairo_save(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double s = c.s, m = 30 * s, tw = w - 2 * m;

    plots_font ft = plots_font_make(PLOTS_PT_TITLE * s, 1, PLOTS_INK);
    const char *title = opts->title && *opts->title ? opts->title
                        : d->label && *d->label     ? d->label
                                                    : (d->name ? d->name : "");
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
    ff.valign = 1;
    double fh;
    plots_text(cr, foot, m, 0, tw, &ff, 0, NULL, &fh);
    double fy = h - m * 0.8 - fh;
    plots_text(cr, foot, m, h - m * 0.8, tw, &ff, 1, NULL, NULL);
    plots_set(cr, PLOTS_GRID);
    cairo_set_line_width(cr, 0.6 * s);
    cairo_move_to(cr, m, fy - 7 * s);
    cairo_line_to(cr, w - m, fy - 7 * s);
    cairo_stroke(cr);

    c.body.x = m;
    c.body.y = y;
    c.body.w = tw;
    c.body.h = fy - 16 * s - y;
    if (c.body.h < 40 * s)
        st = plots_too_small(&c, "title and footer", h + 40 * s - c.body.h);
    else {
        switch (opts->type) {
        case SHOPSTAT_CHART_BARS:
            st = plots_draw_bars(&c);
            break;
        case SHOPSTAT_CHART_DIFF:
            st = plots_draw_diff(&c);
            break;
        case SHOPSTAT_CHART_LIKERT:
            st = plots_draw_likert(&c);
            break;
        case SHOPSTAT_CHART_TREND:
            st = plots_draw_trend(&c);
            break;
        }
    }
    cairo_restore(cr);
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "cairo: %s",
                                cairo_status_to_string(cairo_status(cr)));
    return st;
}
