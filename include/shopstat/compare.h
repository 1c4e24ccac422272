/* Comparisons of segments (overlapping, nested or disjoint) and the Rao-Scott test. */
#ifndef SHOPSTAT_COMPARE_H
#define SHOPSTAT_COMPARE_H

#include <stddef.h>

#include "shopstat/ci.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shopstat_compare_opts {
    double level;                  /* CI level of the difference, default 0.95 */
    shopstat_adjust_method adjust; /* default Holm, within each question x pair family (a
                                      single-choice question whose pair leaves two levels
                                      with a p: one test, p_adjusted = p_value) */
} shopstat_compare_opts;

/* Fill o with the defaults: level 0.95, Holm. o must not be NULL. */
void shopstat_compare_opts_init(shopstat_compare_opts *o);

/* p_A - p_B for one level of one question. The variance linearises the difference
 * as one score, so the covariance of overlapping segments is included: z = w [a (y -
 * p_A) / W_A - b (y - p_B) / W_B]. t = difference / se; the p-value is two-sided on the
 * whole sample's design df. Statistics are NaN when either base is empty. */
typedef struct shopstat_difference {
    /* borrowed: variable from the plan, the others from the totals (the plan outlives
     * the totals: shopstat_totals_compute) */
    const char *variable, *level, *segment_a, *segment_b;
    size_t q, l, pair;
    double estimate_a, estimate_b, difference, se, ci_lower, ci_upper, df, t, p_value,
        p_adjusted;
    size_t base_n_a, base_n_b;
    double eff_base_a, eff_base_b; /* Kish effective bases; NaN for a side of weight 0 */
    int no_interval; /* 0, or SHOPSTAT_NO_INTERVAL_REP_UNDEFINED: a side's weights of the base
                        sum to 0 in some replicate (or no replicate defines the difference),
                        so the replicate differences are undefined: se, the interval, t, p
                        and p_adjusted are NaN, and the difference is left out of the
                        adjustment's family (R's p.adjust of NA) */
} shopstat_difference;

/* Every question x declared pair (shopstat_plan_add_pair) x level, nested in that
 * order; a pair given questions (shopstat_plan_pair_question) on those alone. *out is
 * malloc'ed; free() it. o may be NULL (shopstat_compare_opts_init's defaults); err may be
 * NULL; t, out and n must not be NULL. Fails as shopstat_tab_estimates does (a lonely PSU
 * under 'fail', SHOPSTAT_ENOMEM, a GSL failure), and with SHOPSTAT_EUSAGE for a level
 * outside (0, 1) or an adjustment outside shopstat_adjust_method; on failure *out is NULL
 * and *n 0. */
shopstat_status shopstat_compare(const shopstat_totals *t, const shopstat_compare_opts *o,
                                 shopstat_difference **out, size_t *n, shopstat_error *err);

/* Rao-Scott second-order test of independence of single-choice question q and the
 * --by segments of column `by` (R: svychisq(~q + by, design, statistic = "F")). */
typedef struct shopstat_chisq_result {
    const char *variable, *by; /* borrowed: the plan's question name, the caller's by */
    double statistic, ndf, ddf, p_value, pearson;
    size_t nr, nc;
} shopstat_chisq_result;

/* q indexes the totals' questions; by is a column given to shopstat_plan_add_by (the
 * result borrows it). SHOPSTAT_EUSAGE when q is not a single-choice question or by has no
 * by set in the plan,
 * SHOPSTAT_EINPUT when the table or the design cannot be tested (fewer than two levels or
 * --by values with weight, a lonely PSU under 'fail', see shopstat_raoscott_f),
 * SHOPSTAT_ENOMEM, SHOPSTAT_EINTERNAL. *out is zeroed first; t and out must not be NULL,
 * err may be. */
shopstat_status shopstat_chisq(const shopstat_totals *t, size_t q, const char *by,
                               shopstat_chisq_result *out, shopstat_error *err);

#ifdef __cplusplus
}
#endif
#endif
