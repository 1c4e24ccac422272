/* Multiple-testing adjustment of p-values (Holm, Benjamini-Hochberg), as R's p.adjust. */
#include "shopstat/ci.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

shopstat_status shopstat_adjust_parse(const char *name, shopstat_adjust_method *out,
                                      shopstat_error *err)
{
    if (name && strcmp(name, "none") == 0)
        *out = SHOPSTAT_ADJUST_NONE;
    else if (name && strcmp(name, "holm") == 0)
        *out = SHOPSTAT_ADJUST_HOLM;
    else if (name &&
             (strcmp(name, "bh") == 0 || strcmp(name, "BH") == 0 || strcmp(name, "fdr") == 0))
        *out = SHOPSTAT_ADJUST_BH;
    else
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "unknown p-value adjustment '%s'; valid values are none, "
                                  "holm, bh",
                                  name ? name : "(null)");
    return SHOPSTAT_OK;
}

const char *shopstat_adjust_name(shopstat_adjust_method m)
{
    switch (m) {
    case SHOPSTAT_ADJUST_NONE:
        return "none";
    case SHOPSTAT_ADJUST_HOLM:
        return "holm";
    case SHOPSTAT_ADJUST_BH:
        return "bh";
    }
    return "unknown";
}

const char *shopstat_adjust_label(shopstat_adjust_method m)
{
    /* (Holm's and Benjamini and Hochberg's names: "(holm)" and "holm-adjusted" in the
     * charts' footers read as a typo) */
    switch (m) {
    case SHOPSTAT_ADJUST_NONE:
        return "none";
    case SHOPSTAT_ADJUST_HOLM:
        return "Holm";
    case SHOPSTAT_ADJUST_BH:
        return "Benjamini-Hochberg";
    }
    return "unknown";
}

/* qsort has no context argument: sort (value, index) pairs instead of indices into p.
 * Ties are broken by index so the order is deterministic (the adjusted values of tied
 * p-values are equal either way). */
typedef struct {
    double p;
    size_t i;
} ranked;

static int by_p(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

shopstat_status shopstat_p_adjust(shopstat_adjust_method m, const double *p, size_t n,
                                  double *out)
{
    if (m != SHOPSTAT_ADJUST_NONE && m != SHOPSTAT_ADJUST_HOLM && m != SHOPSTAT_ADJUST_BH) {
        for (size_t i = 0; i < n; i++) /* (not BH's numbers for any other value) */
            out[i] = NAN;
        return SHOPSTAT_EUSAGE;
    }
    if (n == 0)
        return SHOPSTAT_OK;
    if (m == SHOPSTAT_ADJUST_NONE) {
        if (out != p)
            memmove(out, p, n * sizeof *out);
        return SHOPSTAT_OK;
    }
    ranked *r = malloc(n * sizeof *r);
    if (!r) {
        for (size_t i = 0; i < n; i++)
            out[i] = NAN;
        return SHOPSTAT_ENOMEM;
    }
    size_t k = 0; /* family size: the non-NaN p-values, as R's p.adjust */
    for (size_t i = 0; i < n; i++) {
        if (!isnan(p[i]))
            r[k++] = (ranked){p[i], i};
        else
            out[i] = NAN;
    }
    qsort(r, k, sizeof *r, by_p);
    if (m == SHOPSTAT_ADJUST_HOLM) {
        /* Holm: step down from the smallest, running maximum of (k - j) p_(j), j 0-based. */
        double run = 0;
        for (size_t j = 0; j < k; j++) {
            run = fmax(run, (double)(k - j) * r[j].p);
            out[r[j].i] = fmin(1, run);
        }
    } else {
        /* BH: step up from the largest, running minimum of k / (j + 1) p_(j). */
        double run = INFINITY;
        for (size_t j = k; j-- > 0;) {
            run = fmin(run, (double)k / (double)(j + 1) * r[j].p);
            out[r[j].i] = fmin(1, run);
        }
    }
    free(r);
    return SHOPSTAT_OK;
}
