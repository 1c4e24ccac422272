/* The one rule by which every view prints a score: decimals from the scale, its sign. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shopstat/score.h"
#include "cnumeric.h"

int shopstat_score_decimals(double min, double max)
{
    /* two significant digits of the scale's width: 0 for 100 and wider (an NPS), 1 from 10
     * (a 0-10 mean), 2 below (a 1-5 mean), 3 below 1 */
    double r = max - min;
    int dec = r > 0 && isfinite(r) ? 2 - (int)floor(log10(r) + 1e-9) : 2;
    return dec < 0 ? 0 : dec > 3 ? 3 : dec;
}

int shopstat_score_value_decimals(double x)
{
    /* the fewest decimals that write x exactly (35.79: 2, 0.3: 1, 17: 0), at most 3 */
    int d;
    for (d = 0; d < 3 && isfinite(x); d++) {
        double t = fabs(x) * pow(10.0, d);
        if (fabs(t - floor(t + 0.5)) < 1e-6 * fmax(1, t))
            break;
    }
    return d;
}

int shopstat_score_measure_decimals(int value_decimals, double typical)
{
    /* the values' own decimals, or enough for three significant digits of the typical
     * estimate if more (17.3: 1, 165: 0, 0.5: 3), at most 3 */
    int dec = value_decimals < 0 ? 0 : value_decimals;
    double a = fabs(typical);
    if (a > 0 && isfinite(a)) {
        int sig = 2 - (int)floor(log10(a) + 1e-9);
        dec = sig > dec ? sig : dec;
    }
    return dec > 3 ? 3 : dec;
}

int shopstat_score_estimate_decimals(const shopstat_score_estimate *e)
{
    if (e && e->measure)
        return e->measure_decimals < 0 ? 0 : e->measure_decimals > 3 ? 3 : e->measure_decimals;
    return e ? shopstat_score_decimals(e->min, e->max) : 2;
}

static void score_format_c(double x, double min, double max, int decimals, int flags, char *buf,
                           size_t n)
{
    if (!buf || n == 0)
        return;
    if (isnan(x)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (decimals == SHOPSTAT_SCORE_AUTO)
        decimals = shopstat_score_decimals(min, max);
    else if (decimals == SHOPSTAT_SCORE_EXACT)
        decimals = shopstat_score_value_decimals(x);
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(x));
    int zero = strspn(tmp, "0.") == strlen(tmp);
    const char *minus = flags & SHOPSTAT_SCORE_MINUS ? "\xe2\x88\x92" : "-";
    const char *sign = zero                                       ? ""
                       : x < 0                                    ? minus
                       : (flags & SHOPSTAT_SCORE_SIGN) || min < 0 ? "+"
                                                                  : "";
    snprintf(buf, n, "%s%s", sign, tmp);
}

void shopstat_score_format(double x, double min, double max, int decimals, int flags, char *buf,
                           size_t n)
{
    locale_t old = c_numeric_enter();
    score_format_c(x, min, max, decimals, flags, buf, n);
    c_numeric_leave(old);
}

static void score_label_c(const shopstat_score_estimate *e, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    const char *name = strcmp(e->score, "mean") == 0     ? "Mean"
                       : strcmp(e->score, "score") == 0  ? "Score"
                       : strcmp(e->score, "median") == 0 ? "Median"
                                                         : e->score;
    /* a quantile is in the values' own units: no scale after it */
    if (e->quantile) {
        snprintf(buf, n, "%s", name);
        return;
    }
    /* a name that ends in its own parenthesis ("Mean (1-5)", "Satisfaction (staff)") is the
     * user's as given: another "(1-5)" after it would say the scale twice */
    size_t len = strlen(name);
    if (!(e->min < e->max) || (len > 2 && name[len - 1] == ')' && strchr(name, '(')))
        snprintf(buf, n, "%s", name);
    else if (e->min < 0)
        snprintf(buf, n, e->max != 0 ? "%s (%g to %+g)" : "%s (%g to %g)", name, e->min,
                 e->max); /* (a zero has no sign: "-10 to 0") */
    else
        snprintf(buf, n, "%s (%g-%g)", name, e->min, e->max);
}

void shopstat_score_label(const shopstat_score_estimate *e, char *buf, size_t n)
{
    locale_t old = c_numeric_enter();
    score_label_c(e, buf, n);
    c_numeric_leave(old);
}
