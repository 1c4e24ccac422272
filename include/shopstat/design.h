/* Survey design columns and the lonely-PSU rule, shared by describe and the estimators. */
#ifndef SHOPSTAT_DESIGN_H
#define SHOPSTAT_DESIGN_H

#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* R's options(survey.lonely.psu = ...): what a stratum with a single PSU contributes. */
typedef enum shopstat_lonely_psu {
    SHOPSTAT_LONELY_FAIL = 0, /* error naming the stratum (R's default) */
    SHOPSTAT_LONELY_REMOVE,
    SHOPSTAT_LONELY_CERTAINTY,
    SHOPSTAT_LONELY_ADJUST,
    SHOPSTAT_LONELY_AVERAGE
} shopstat_lonely_psu;

shopstat_status shopstat_lonely_parse(const char *s, shopstat_lonely_psu *out, shopstat_error *err);
const char *shopstat_lonely_name(shopstat_lonely_psu l);

/* Design columns by header name; NULL = absent. Init with shopstat_design_opts_init. */
typedef struct shopstat_design_opts {
    const char *weight;
    const char *strata;
    const char *psu;
    const char *fpc;
    shopstat_lonely_psu lonely;
} shopstat_design_opts;

void shopstat_design_opts_init(shopstat_design_opts *o);

#ifdef __cplusplus
}
#endif
#endif
