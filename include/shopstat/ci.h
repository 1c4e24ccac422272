/* Interval formulas, design effects, p-value adjustment and the Rao-Scott test (interface). */
#ifndef SHOPSTAT_CI_H
#define SHOPSTAT_CI_H

#include <stddef.h>

#include "shopstat/error.h"

typedef enum { SHOPSTAT_CI_LOGIT, SHOPSTAT_CI_XLOGIT, SHOPSTAT_CI_WALD, SHOPSTAT_CI_WILSON,
               SHOPSTAT_CI_ASIN, SHOPSTAT_CI_BETA, SHOPSTAT_CI_LIKELIHOOD } shopstat_ci_method;
shopstat_status shopstat_ci_method_parse(const char *name, shopstat_ci_method *out, shopstat_error *err);
const char *shopstat_ci_method_name(shopstat_ci_method m);
typedef struct shopstat_domain_stats {
    double p, var, df, base_n, base_n_pos, base_weight, eff_base;
} shopstat_domain_stats;
typedef struct shopstat_interval { double lower, upper; int fallback; } shopstat_interval;
shopstat_status shopstat_ci(shopstat_ci_method m, const shopstat_domain_stats *d, double level, shopstat_interval *out, shopstat_error *err);
double shopstat_deff(const shopstat_domain_stats *d);
typedef enum { SHOPSTAT_ADJUST_NONE, SHOPSTAT_ADJUST_HOLM, SHOPSTAT_ADJUST_BH } shopstat_adjust_method;
shopstat_status shopstat_adjust_parse(const char*, shopstat_adjust_method*, shopstat_error*);
void shopstat_p_adjust(shopstat_adjust_method m, const double *p, size_t n, double *out);
typedef struct shopstat_raoscott { double pearson, statistic, ndf, ddf, p_value; } shopstat_raoscott;
shopstat_status shopstat_raoscott_f(size_t nr, size_t nc, const double *mean, const double *V, double n, double design_df, shopstat_raoscott *out, shopstat_error *err);
#endif
