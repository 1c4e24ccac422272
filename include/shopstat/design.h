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

/* Parse "fail", "remove", "certainty", "adjust", "average" (R's names); anything else is
 * SHOPSTAT_EUSAGE listing them, *out untouched. s and out must not be NULL. */
shopstat_status shopstat_lonely_parse(const char *s, shopstat_lonely_psu *out, shopstat_error *err);
/* The rule's name as above; a static string. */
const char *shopstat_lonely_name(shopstat_lonely_psu l);

/* Kinds of replicate weights, as R's svrepdesign(type = ...). */
typedef enum shopstat_rep_type {
    SHOPSTAT_REP_NONE = 0,  /* no replicate weights: Taylor linearisation */
    SHOPSTAT_REP_BRR,       /* balanced repeated replication: scale 1/R */
    SHOPSTAT_REP_FAY,       /* Fay's BRR with rho: scale 1/(R (1 - rho)^2) */
    SHOPSTAT_REP_JK1,       /* delete-one-PSU jackknife: scale (R - 1)/R */
    SHOPSTAT_REP_JKN,       /* stratified jackknife: scale 1, rscales needed */
    SHOPSTAT_REP_BOOTSTRAP, /* Rao-Wu bootstrap: scale 1/(R - 1) */
    SHOPSTAT_REP_SDR,       /* successive differences (ACS): scale 4/R, mse on */
    SHOPSTAT_REP_JK2        /* paired jackknife (R's "JK2", WesVar's JK2): scale 1, rscales 1 */
} shopstat_rep_type;

/* Parse "brr", "fay", "jk1", "jkn", "jk2", "bootstrap", "sdr" (also R's spellings "JK1",
 * "JKn", "Fay", "BRR", "successive-difference", "ACS"), in any case (a public-use file's
 * documentation may write "JK2" or "Fay"). Unknown: SHOPSTAT_EUSAGE listing them. */
shopstat_status shopstat_rep_type_parse(const char *s, shopstat_rep_type *out,
                                        shopstat_error *err);
/* "brr", "fay", ... ("none" for SHOPSTAT_REP_NONE); a static string. */
const char *shopstat_rep_type_name(shopstat_rep_type t);

/* Options of a replicate design that R's svrepdesign (survey 4.1.1) ignores for some
 * types, warning and going on without them: a scale for brr (always 1/R), fay
 * (1/(R (1 - rho)^2), from rho), sdr (4/R) and jk2 (1); rscales for sdr and jk2 (all 1);
 * rho for every
 * type but fay. shopstat refuses them instead of applying numbers R would not. */
typedef enum shopstat_rep_option {
    SHOPSTAT_REP_OPT_NONE = 0,
    SHOPSTAT_REP_OPT_RHO,
    SHOPSTAT_REP_OPT_SCALE,
    SHOPSTAT_REP_OPT_RSCALES,
    SHOPSTAT_REP_OPT_BOOTSTRAP_AVERAGE
} shopstat_rep_option;

/* A replicate scale (--repscale, --rscales' items, a spec's scale: and rscales:) as analysts
 * copy it from a file's documentation: a number ("0.05", "0.9875") or a plain fraction of
 * two numbers ("4/80", "79/80" for (n - 1)/n), the first len bytes of s, no spaces. Stores
 * the value (the division's double, so "4/80" is 0.05 exactly as "0.05" is) in *out.
 * SHOPSTAT_EUSAGE with a short reason in err->msg ("its denominator is 0", "not a number or
 * a fraction") for anything else, a non-finite value included; the caller says where and
 * checks the range. */
shopstat_status shopstat_rep_scale_parse(const char *s, size_t len, double *out,
                                         shopstat_error *err);

struct shopstat_design_opts;
/* The first of rho, scale, rscales and bootstrap_average that d gives and R ignores for
 * d->reptype (bootstrap_average: every type but bootstrap, and bootstrap with a scale, which
 * R takes instead), or
 * SHOPSTAT_REP_OPT_NONE (also without a type). *why, when not NULL, is set to a static
 * text saying what R takes instead, such as "brr's scale is 1/R for R replicates". */
shopstat_rep_option shopstat_rep_ignored_option(const struct shopstat_design_opts *d,
                                                const char **why);
/* SHOPSTAT_EUSAGE naming the option (design_opts.rho, .repscale or .rscales) when d
 * gives an option R ignores for its type (above); SHOPSTAT_OK otherwise. */
shopstat_status shopstat_rep_check_options(const struct shopstat_design_opts *d,
                                           shopstat_error *err);

/* A JKn file's rscales from a file of their own (--rscales @FILE, a spec's rscales_file:):
 * numbers or plain fractions (shopstat_rep_scale_parse), one per line or separated by
 * commas or spaces; blank lines and lines starting with '#' skipped. *out: a malloc'ed
 * comma-joined list for shopstat_design_opts.rscales (the caller frees it), NULL on error.
 * SHOPSTAT_EIO naming path when it cannot be read, SHOPSTAT_EINPUT at the line and column
 * of an item that is no non-negative number (a CSV's header) or for a file of none,
 * SHOPSTAT_ELIMIT over 4 MB, SHOPSTAT_ENOMEM. */
shopstat_status shopstat_rep_rscales_read(const char *path, char **out, shopstat_error *err);

/* Design columns by header name; NULL = absent. Init with shopstat_design_opts_init.
 * With repweights set the design is a replicate-weight design (R's svrepdesign with
 * combined weights): strata, psu and fpc must then be NULL, weight is the full-sample
 * weight and every statistic's variance comes from re-estimating it per replicate:
 * V = scale * sum_r rscale_r (theta_r - centre)^2. */
typedef struct shopstat_design_opts {
    const char *weight;
    const char *strata;
    const char *psu;
    const char *fpc;
    shopstat_lonely_psu lonely;
    /* Replicate columns: "PREFIX" (the columns named PREFIX followed by digits only, in
     * numeric order of the digits) or "COL1,COL2,..." (a comma makes it a list). */
    const char *repweights;
    shopstat_rep_type reptype; /* required with repweights */
    double rho;                /* Fay's rho in [0, 1); NaN when not given */
    double repscale;           /* overall scale; NaN = the type's default (R's) */
    const char *rscales;       /* "a,b,..." one per replicate, or one value for all (each a
                                * number or a fraction: shopstat_rep_scale_parse);
                                * NULL = all 1 (JKn has no default: required) */
    int mse;                   /* -1 = the type's default (on for sdr only), 0 or 1:
                                * centre on the full-sample estimate, not the mean */
    double bootstrap_average;  /* bootstrap only, R's bootstrap.average: each replicate
                                * column the mean of this many bootstrap replicates
                                * (Statistics Canada's mean bootstrap), scale K/(R - 1);
                                * NaN (the default) or 0 = 1 */
    /* Post-stratification (R's postStratify): "COL" or "COL1,COL2,...", the post-strata
     * being the cross of the columns' values, and population, the path of a CSV holding
     * one column per COL (the values as the data writes them) and one column N or Freq,
     * each post-stratum's population total. The weights become w N_g / What_g (What_g the
     * post-stratum's sum of w over every row) and the variance is R's for the
     * post-stratified design. Both or neither; Taylor designs only (with replicate
     * weights SHOPSTAT_EUSAGE). NULL: none. */
    const char *poststratify;
    const char *population;
    /* Raking (R's rake): the margins, one a line ('\n' between them), each
     * "COL[,COL...]=FILE", FILE a population file as above for the cross of the COLs. The
     * weights are raked to every margin in turn (R's postStratify on each) until the table
     * of the margins' joint cells moves by less than rake_epsilon, or rake_maxit times;
     * the variance is R's for the raked design. Every margin's totals must sum to the same
     * population (within 1e-6 of it). Not with poststratify, nor replicate weights
     * (SHOPSTAT_EUSAGE). NULL: none. */
    const char *rake;
    int rake_maxit;      /* rounds at most; 0: R's 10 */
    double rake_epsilon; /* in weight units, below 1 a fraction of the weights' sum; 0: R's 1 */
} shopstat_design_opts;

/* design_opts.rake's margins by their columns, "stype; sch_wide" (a margin crossing columns
 * "sex,race"), into buf (n bytes, cut to fit; when n is 0 nothing is written): the form of
 * JSON outputs. */
void shopstat_rake_columns(const char *rake, char *buf, size_t n);

/* The same for a reader: "stype and sch_wide", "a, b and sex x race" with three, the last
 * crossing two columns; each margin followed by its population file when files is
 * nonzero: "stype (totals: pop_stype.csv) and sch_wide (totals: pop_sw.csv)". */
void shopstat_rake_margins(const char *rake, int files, char *buf, size_t n);

/* Fill o with the defaults: no column (an unweighted design of independent rows), lonely
 * PSUs an error (SHOPSTAT_LONELY_FAIL, R's default), no replicate type, rho and repscale
 * NaN, mse -1. o must not be NULL. */
void shopstat_design_opts_init(shopstat_design_opts *o);

/* Largest weight accepted (full-sample and replicate, in absolute value): sums of
 * squared weights over billions of rows stay finite below it, and no real survey weight
 * comes near. A larger one is refused (SHOPSTAT_EINPUT) rather than overflowing to inf. */
#define SHOPSTAT_MAX_WEIGHT 1e100

/* Smallest positive weight accepted (full-sample and replicate, in absolute value; 0 stays
 * a zero weight): products of weights and their squares (w^2 of 1e-300 is 0, w m of the
 * replicate directions divides by w) underflow below it, so a weight of 1e-300 would count
 * as 0 in one sum and not in another. A smaller one is refused (SHOPSTAT_EINPUT). */
#define SHOPSTAT_MIN_WEIGHT 1e-100

/* Range of an fpc value (a sampling fraction or a population size): outside it 1 - n/N
 * and n/N underflow or lose every digit. A value outside is refused (SHOPSTAT_EINPUT). */
#define SHOPSTAT_MIN_FPC 1e-100
#define SHOPSTAT_MAX_FPC 1e100

#ifdef __cplusplus
}
#endif
#endif
