/* Chart API: options, parsers and validation (no drawing: see draw.c). */
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

static const char *const type_names[] = {"bars", "diff", "likert", "trend", "score"};
/* The types --chart-type names: a score chart is drawn from scores, not from a table. */
#define PARSED_TYPES 4

const char *shopstat_chart_type_name(shopstat_chart_type t)
{
    if ((unsigned)t < sizeof type_names / sizeof type_names[0])
        return type_names[t];
    return "unknown";
}

shopstat_status shopstat_chart_type_parse(const char *s, shopstat_chart_type *t,
                                          shopstat_error *err)
{
    for (size_t i = 0; s && i < PARSED_TYPES; i++)
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

/* A score chart: one level (the score; or one per item, a grid's: validate() refuses none), a
 * scale [score_min, score_max] that is a range, and
 * cells[level * nseries + series] in score units, the estimates within the scale (a mean cannot
 * pass its highest score), the CI bounds finite but free to pass the scale's ends (a t interval
 * near the top of a 1-5 scale does: R's confint gives 5.08), the lower not above the upper. */
static shopstat_status check_score(const shopstat_chart_data *d, const shopstat_chart_cell *cells,
                                   size_t ncells, shopstat_error *err)
{
    const char *nm = d->name ? d->name : "";
    double mn = d->score_min, mx = d->score_max;
    if (!isfinite(mn) || !isfinite(mx) || !(mn < mx))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "chart '%s': score scale %g to %g is not a range (score_min and "
                                  "score_max must be finite, score_min below score_max)",
                                  nm, mn, mx);
    if (!cells)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0, "chart '%s': no cells", nm);
    double tol = TOL * (mx - mn);
    for (size_t i = 0; i < ncells; i++) {
        const shopstat_chart_cell *c = &cells[i];
        if (isinf(c->value) || (!isnan(c->value) && (c->value < mn - tol || c->value > mx + tol)))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': cell %zu: score %g is outside the scale %g to "
                                      "%g",
                                      nm, i, c->value, mn, mx);
        if (isinf(c->lo) || isinf(c->hi))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': cell %zu: CI bound %g is not finite", nm, i,
                                      isinf(c->lo) ? c->lo : c->hi);
        if (!isnan(c->lo) && !isnan(c->hi) && c->lo > c->hi + tol)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': cell %zu: CI lower bound %g above the upper "
                                      "bound %g",
                                      nm, i, c->lo, c->hi);
        if (!isnan(c->eff_base) && c->eff_base < 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': cell %zu: negative effective base %g", nm, i,
                                      c->eff_base);
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
    if ((unsigned)o->type > SHOPSTAT_CHART_SCORE)
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
        if (d->naxis_with && !d->axis_with)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "chart '%s': %zu charts to share the axis with but no "
                                      "array of them",
                                      nm, d->naxis_with);
        for (size_t k = 0; k < d->naxis_with; k++) {
            /* (measured for the shared axis: their cells must be drawable data) */
            const shopstat_chart_data *x = d->axis_with[k];
            if (!x || x->nlevels != d->nlevels || !x->cells || !x->series || !x->nseries ||
                x->nseries > MAX_SERIES || x->neutral != d->neutral)
                return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                          "chart '%s': chart %zu to share the axis with is not "
                                          "a Likert chart of the same scale",
                                          nm, k);
            shopstat_status st = check_cells(x, x->cells, x->nlevels * x->nseries, "cell", err);
            if (st)
                return st;
        }
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
            if (!prop_ok(x->diff, -1, 1))
                return bad(err, d, "%s %zu: difference %g outside [-1, 1]", "diff", i, x->diff);
            if (isinf(x->lo) || isinf(x->hi))
                return bad(err, d, "%s %zu: CI bound %g not finite", "diff", i,
                           isinf(x->lo) ? x->lo : x->hi);
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
        /* (a score's trend: its cells in the score's units, as a score chart's) */
        if (d->score_min != 0 || d->score_max != 0)
            return check_score(d, d->trend, d->nlevels * d->nseries * d->nwaves, err);
        return check_cells(d, d->trend, d->nlevels * d->nseries * d->nwaves, "trend cell", err);
    case SHOPSTAT_CHART_SCORE:
        return check_score(d, d->cells, d->nlevels * d->nseries, err);
    }
    return SHOPSTAT_OK;
}

const shopstat_chart_opts *plots_opts(const shopstat_chart_data *d,
                                      const shopstat_chart_opts *opts, shopstat_chart_opts *def)
{
    if (d && d->opts)
        return d->opts;
    if (opts)
        return opts;
    shopstat_chart_opts_init(def);
    return def;
}

shopstat_status plots_check(const shopstat_chart_data *d, const shopstat_chart_opts *o, double w,
                            double h, shopstat_error *err)
{
    shopstat_status st = check_opts(o, w, h, err);
    return st ? st : check_data(d, o, err);
}

shopstat_status shopstat_chart_validate(const shopstat_chart_data *d,
                                        const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts def;
    opts = plots_opts(d, opts, &def);
    return plots_check(d, opts, opts->width, opts->height, err);
}

