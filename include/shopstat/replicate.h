/* Creating replicate weights from a Taylor design (jackknife, paired jackknife, Rao-Wu
 * bootstrap). */
#ifndef SHOPSTAT_REPLICATE_H
#define SHOPSTAT_REPLICATE_H

#include <stddef.h>
#include <stdio.h>

#include "shopstat/design.h"
#include "shopstat/error.h"
#include "shopstat/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What to create. Init with shopstat_replicate_opts_init. */
typedef struct shopstat_replicate_opts {
    const char *weight;        /* sampling weight column; NULL = 1 for every row */
    const char *strata;        /* required for JKN; not allowed for JK1 (as R); JK2: pairs */
    const char *psu;           /* required */
    const char *fpc;           /* optional, as --fpc of tab: population sizes or fractions */
    shopstat_lonely_psu lonely; /* JKN/bootstrap strata with one PSU: FAIL (error), REMOVE or
                                 * CERTAINTY (no replicate; weights kept); others: error;
                                 * JK2: FAIL only */
    shopstat_rep_type type;     /* SHOPSTAT_REP_JK1, _JKN, _JK2 or _BOOTSTRAP */
    size_t replicates;         /* bootstrap only; default 50 (R's as.svrepdesign) */
    unsigned long seed;        /* bootstrap generator seed (GSL mt19937); default 1 */
    const char *prefix;        /* new columns PREFIX1..PREFIXR; default "rep" */
} shopstat_replicate_opts;

/* Fill o with the defaults: no columns, type JKn, lonely PSUs an error, 50 replicates, seed
 * 1, prefix "rep". o must not be NULL. */
void shopstat_replicate_opts_init(shopstat_replicate_opts *o);

/* What was created, for the analysis flags. rscales is malloc'ed (replicates values):
 * free with shopstat_replicate_info_free. */
typedef struct shopstat_replicate_info {
    size_t replicates;
    double scale;    /* overall scale: JK1 (1 - f)(n - 1)/n, JKn and JK2 1, bootstrap 1/(R - 1) */
    double *rscales; /* per replicate: JKn (1 - f_h)(n_h - 1)/n_h, else 1 */
    size_t nstrata, npsu, rows;
} shopstat_replicate_info;

/* Free info->rscales and set it to NULL; the struct itself is the caller's. NULL is a
 * no-op. */
void shopstat_replicate_info_free(shopstat_replicate_info *info);

/* Read `path` twice (first to learn strata and PSUs, then to copy it) and write to `out`
 * the same columns and rows, every field re-quoted as CSV with ',' delimiters, followed by
 * the replicate weight columns PREFIX1..PREFIXR. Replicate r's weight of a row is its
 * weight times the multiplier of its PSU:
 *  JK1 (R's as.svrepdesign(type = "JK1")): one replicate per PSU in order of first
 *      appearance; the PSU dropped (0), every other PSU n/(n - 1).
 *  JKn (type = "JKn"): one replicate per PSU, strata and PSUs in order of first
 *      appearance; the PSU dropped, the other PSUs of its stratum n_h/(n_h - 1), other
 *      strata 1.
 *  JK2 (the paired jackknife, WesVar's JK2, which R's svrepdesign(type = "JK2") analyses;
 *      as.svrepdesign does not make it): every stratum (the whole file without strata)
 *      must have exactly two PSUs; one replicate per stratum in order of first appearance,
 *      its first PSU dropped (0) and the other doubled (2), other strata 1. No fpc.
 *  bootstrap (Rao and Wu 1988, R's type = "subbootstrap"): in each replicate and stratum,
 *      n_h - 1 PSUs drawn with replacement; multiplier n_h/(n_h - 1) times the draws.
 * Memory grows with PSUs x replicates, never with rows. info may be NULL. Errors:
 * SHOPSTAT_EUSAGE (bad options, prefix clashing with an existing column), SHOPSTAT_EINPUT
 * (missing or negative weight, missing PSU, lonely PSU under FAIL, a JK2 stratum of one or
 * three PSUs, at its first row or its third PSU's cell), SHOPSTAT_EIO on a write
 * error; out then holds a partial file (use shopstat_outfile for atomic output). */
shopstat_status shopstat_replicate_write(const char *path, const shopstat_csv_opts *csv,
                                         const shopstat_replicate_opts *o, FILE *out,
                                         shopstat_replicate_info *info, shopstat_error *err);

/* An analysis's replicate-weight design (--repweights and its flags) resolved against a
 * file's header: the R replicate weight columns (PREFIX<digits> in the digits' order, or
 * the comma-separated list), each replicate's rscale (1 unless --rscales), the variance
 * scale (R's svrepdesign default for the type, or --repscale) and whether variances are
 * taken about the full-sample estimate (--mse; SDR's default). */
typedef struct shopstat_repweights {
    size_t R;
    size_t *cols;
    double *rscales;
    double scale;
    int mse;
} shopstat_repweights;

/* The design line of d's replicate weights, the one text that tab's, compare's and score's
 * notes and footers, the charts' notes, the report (report.md, the title page, run.json) and
 * the workbook's design note give: the method with its parameter, then what the variances
 * are taken about (--mse, or sdr's default), as "Fay's BRR, rho 0.5; variances about the
 * full-sample estimate" or "paired jackknife (JK2); variances about the replicates' mean".
 * Writes it to buf as snprintf does (at most n bytes, NUL included; buf may be NULL when n is
 * 0) and returns its length; "" and 0 when d has no --reptype. d must not be NULL. */
size_t shopstat_rep_note(const shopstat_design_opts *d, char *buf, size_t n);

/* The checks of tab and the others: --reptype given, no --strata/--psu/--fpc, 2 to 1000
 * columns, --rscales one value or R, --rho for fay, --rscales for jkn (SHOPSTAT_EUSAGE).
 * Free with shopstat_repweights_free (also after an error). */
shopstat_status shopstat_repweights_resolve(const shopstat_reader *r, const shopstat_design_opts *d,
                                            shopstat_repweights *rw, shopstat_error *err);
/* Free rw's arrays and zero it (the struct itself is the caller's); NULL is a no-op, and a
 * freed struct may be freed again. */
void shopstat_repweights_free(shopstat_repweights *rw);

#ifdef __cplusplus
}
#endif
#endif
