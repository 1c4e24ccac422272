/* Creating replicate weights (JK1, JKn, JK2, Rao-Wu bootstrap) from a stratified cluster design. */
#include "shopstat/replicate.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "shopstat/output.h"

/* Caps: PSU keys bytes as the pass's maps; bootstrap replicates (columns per row). */
#define RC_MAP_BYTES ((size_t)256 << 20)
#define RC_MAX_BOOT 10000

void shopstat_replicate_opts_init(shopstat_replicate_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lonely = SHOPSTAT_LONELY_FAIL;
    o->type = SHOPSTAT_REP_JKN;
    o->replicates = 50;
    o->seed = 1;
    o->prefix = "rep";
}

void shopstat_replicate_info_free(shopstat_replicate_info *info)
{
    if (!info)
        return;
    free(info->rscales);
    info->rscales = NULL;
}

typedef struct rc_stratum {
    size_t npsu;
    double fpc; /* as given; NaN when none */
    double f;   /* R's (N - n)/N; 1 without fpc */
    size_t first_rep, nrep; /* JKn: its replicates */
    double fac; /* n_h / (n_h - 1) */
    shopstat_pos at; /* JK2: its first row's strata cell (psu cell when unstratified) */
} rc_stratum;

typedef struct rc_ctx {
    const shopstat_replicate_opts *o;
    const shopstat_reader *reader;
    const char *path;
    size_t wcol, scol, pcol, fcol;
    int decimal_comma;
    strmap strata, psus;
    rc_stratum *st;
    size_t stcap;
    size_t *psu_st; /* stratum of each PSU */
    size_t psucap;
    char *key;
    size_t keycap;
    /* after the first pass */
    size_t R;
    size_t *rep_psu; /* JK: the PSU each replicate drops */
    double *mult;    /* bootstrap: [psu * R + r] */
    double jk1_fac;
    FILE *out;
    size_t rows;
} rc_ctx;

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np)
        return -1;
    memset((char *)np + *cap * size, 0, (nc - *cap) * size);
    *p = np;
    *cap = nc;
    return 0;
}

static shopstat_status field_number(rc_ctx *c, const shopstat_row *row, size_t col,
                                    const char *what, double *x, shopstat_error *err)
{
    const char *s = row->fields[col];
    size_t n = row->lens[col];
    if (shopstat_reader_is_missing_at(c->reader, col, s, n))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[col].line,
                                  row->pos[col].col, "%s column '%s' is missing in this row",
                                  what, shopstat_reader_colname(c->reader, col));
    char hint[200];
    if (shopstat_parse_number(s, n, c->decimal_comma, x) != 1)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[col].line,
                                  row->pos[col].col, "%s '%.*s' is not a finite number%s", what,
                                  (int)(n > 40 ? 40 : n), s,
                                  reader_comma_hint(c->reader, s, n, hint, sizeof hint));
    return SHOPSTAT_OK;
}

/* Stratum and PSU ids of a row (adding them in the first pass). */
static shopstat_status row_psu(rc_ctx *c, const shopstat_row *row, int add, size_t *psu,
                               shopstat_error *err)
{
    const char *s = "";
    size_t sl = 0;
    if (c->scol != SIZE_MAX) {
        s = row->fields[c->scol];
        sl = row->lens[c->scol];
        if (shopstat_reader_is_missing_at(c->reader, c->scol, s, sl))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->scol].line,
                                      row->pos[c->scol].col,
                                      "strata column '%s' is missing in this row",
                                      shopstat_reader_colname(c->reader, c->scol));
    }
    const char *p = row->fields[c->pcol];
    size_t pl = row->lens[c->pcol];
    if (shopstat_reader_is_missing_at(c->reader, c->pcol, p, pl))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->pcol].line,
                                  row->pos[c->pcol].col, "psu column '%s' is missing in this row",
                                  shopstat_reader_colname(c->reader, c->pcol));
    int added = 0;
    size_t sid = strmap_add(&c->strata, s, sl, strmap_hash(s, sl), &added);
    if (sid == STRMAP_FULL || sid == STRMAP_NOMEM)
        return nomem(err);
    if (added) {
        if (grow((void **)&c->st, &c->stcap, sid + 1, sizeof *c->st))
            return nomem(err);
        c->st[sid].fpc = NAN;
    }
    /* PSUs are nested in strata: the key is the stratum id, a separator, the PSU text */
    if (grow((void **)&c->key, &c->keycap, pl + 32, 1))
        return nomem(err);
    int hn = snprintf(c->key, 32, "%zu\x1f", sid);
    memcpy(c->key + hn, p, pl);
    size_t klen = (size_t)hn + pl;
    uint64_t h = strmap_hash(c->key, klen);
    size_t id = add ? strmap_add(&c->psus, c->key, klen, h, &added) : strmap_find(&c->psus, c->key, klen, h);
    if (id == STRMAP_FULL || id == STRMAP_NOMEM)
        return nomem(err);
    if (add && added) {
        if (grow((void **)&c->psu_st, &c->psucap, id + 1, sizeof *c->psu_st))
            return nomem(err);
        c->psu_st[id] = sid;
        if (++c->st[sid].npsu == 1)
            c->st[sid].at = row->pos[c->scol != SIZE_MAX ? c->scol : c->pcol];
        else if (c->o->type == SHOPSTAT_REP_JK2 && c->st[sid].npsu == 3)
            /* the paired jackknife drops one PSU of a pair and doubles the other: a third
             * has no partner (WesVar, and R's svrepdesign(type = "JK2"), assume pairs) */
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, c->path, row->pos[c->pcol].line, row->pos[c->pcol].col,
                "%s%s%shas a third PSU '%.*s': jk2 (the paired jackknife) needs exactly two "
                "PSUs in every stratum; pair them into strata of two (a column of pair ids as "
                "replicate_opts.strata), or use replicate_opts.type jkn",
                c->scol != SIZE_MAX ? "stratum '" : "the design (no replicate_opts.strata) ",
                c->scol != SIZE_MAX ? strmap_key(&c->strata, sid) : "",
                c->scol != SIZE_MAX ? "' " : "", (int)(pl > 40 ? 40 : pl), p);
    }
    if (add && c->fcol != SIZE_MAX) {
        double f;
        shopstat_status st = field_number(c, row, c->fcol, "fpc", &f, err);
        if (st)
            return st;
        if (!(f > 0) || (!isnan(c->st[sid].fpc) && f != c->st[sid].fpc))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->fcol].line,
                                      row->pos[c->fcol].col,
                                      "fpc must be positive and constant within a stratum");
        c->st[sid].fpc = f;
    }
    *psu = id;
    return SHOPSTAT_OK;
}

static shopstat_status row_weight(rc_ctx *c, const shopstat_row *row, double *w,
                                  shopstat_error *err)
{
    *w = 1;
    if (c->wcol == SIZE_MAX)
        return SHOPSTAT_OK;
    shopstat_status st = field_number(c, row, c->wcol, "weight", w, err);
    if (!st && *w < 0)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->wcol].line,
                                row->pos[c->wcol].col, "weight is negative");
    if (!st && *w > SHOPSTAT_MAX_WEIGHT)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->wcol].line,
                                row->pos[c->wcol].col,
                                "weight is larger than 1e100; rescale the weights");
    if (!st && *w > 0 && *w < SHOPSTAT_MIN_WEIGHT)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->wcol].line,
                                row->pos[c->wcol].col,
                                "weight is positive but smaller than 1e-100; rescale the weights");
    return st;
}

static shopstat_status first_pass(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    rc_ctx *c = ctx;
    double w;
    size_t psu;
    shopstat_status st = row_weight(c, row, &w, err);
    if (!st)
        st = row_psu(c, row, 1, &psu, err);
    c->rows++;
    return st;
}

static void put_double(FILE *f, double x)
{
    if (x == 0)
        fputs("0", f);
    else
        fprintf(f, "%.17g", x);
}

static shopstat_status second_pass(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    rc_ctx *c = ctx;
    double w;
    size_t u;
    shopstat_status st = row_weight(c, row, &w, err);
    if (!st)
        st = row_psu(c, row, 0, &u, err);
    if (st)
        return st;
    for (size_t i = 0; i < row->nfields; i++) {
        if (i)
            fputc(',', c->out);
        shopstat_csv_field(c->out, row->fields[i]);
    }
    size_t h = c->psu_st[u];
    for (size_t r = 0; r < c->R; r++) {
        double m;
        if (c->mult)
            m = c->mult[u * c->R + r];
        else if (c->o->type == SHOPSTAT_REP_JK1)
            m = c->rep_psu[r] == u ? 0 : c->jk1_fac;
        else
            m = c->psu_st[c->rep_psu[r]] != h ? 1 : c->rep_psu[r] == u ? 0 : c->st[h].fac;
        fputc(',', c->out);
        /* as R: the sampling weight times the replicate multiplier */
        put_double(c->out, w * m);
    }
    fputc('\n', c->out);
    if (ferror(c->out))
        return shopstat_error_set(err, SHOPSTAT_EIO, NULL, 0, 0, "cannot write the output");
    return SHOPSTAT_OK;
}

static shopstat_status bind_cols(rc_ctx *c, shopstat_error *err)
{
    const shopstat_replicate_opts *o = c->o;
    shopstat_status st;
    c->wcol = c->scol = c->pcol = c->fcol = SIZE_MAX;
    if (o->weight && (st = shopstat_reader_column(c->reader, o->weight, "weight", &c->wcol, err)))
        return st;
    if (o->strata && (st = shopstat_reader_column(c->reader, o->strata, "strata", &c->scol, err)))
        return st;
    if ((st = shopstat_reader_column(c->reader, o->psu, "psu", &c->pcol, err)))
        return st;
    if (o->fpc && (st = shopstat_reader_column(c->reader, o->fpc, "fpc", &c->fcol, err)))
        return st;
    size_t plen = strlen(o->prefix);
    for (size_t i = 0; i < shopstat_reader_ncols(c->reader); i++) {
        const char *name = shopstat_reader_colname(c->reader, i);
        if (strncmp(name, o->prefix, plen) != 0 || !name[plen])
            continue;
        const char *d = name + plen;
        while (*d >= '0' && *d <= '9')
            d++;
        if (!*d)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, c->path, 1, 1,
                                      "column '%s' already has the replicate prefix '%s'; "
                                      "choose another with replicate_opts.prefix",
                                      name, o->prefix);
    }
    return SHOPSTAT_OK;
}

static shopstat_status check_opts(const shopstat_replicate_opts *o, shopstat_error *err)
{
    if (!o->psu)
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, NULL, 0, 0,
            "replicate needs replicate_opts.psu (the clusters the replicates drop or "
            "resample)");
    if (!o->prefix || !*o->prefix)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "replicate_opts.prefix must not be empty");
    /* R's design would weigh rows N/n from the fpc, and so would tab on the same flags; the
     * replicates and the analysis's full-sample weight need that weight as a column */
    if (o->fpc && !o->weight && o->type != SHOPSTAT_REP_BOOTSTRAP)
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, NULL, 0, 0,
            "replicate_opts.fpc without replicate_opts.weight: the design weighs every row N/n of "
            "its stratum (as R's svydesign), and the replicate weights and "
            "their analysis need that weight as a column; add it and give "
            "replicate_opts.weight ('shopstat describe DATA --strata S --psu P --fpc F' "
            "shows N/n per stratum)");
    switch (o->type) {
    case SHOPSTAT_REP_JK1:
        if (o->strata)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "jk1 is for unstratified designs (as R); use replicate_opts.type jkn "
                "with replicate_opts.strata");
        break;
    case SHOPSTAT_REP_JKN:
        if (!o->strata)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "jkn needs replicate_opts.strata; use replicate_opts.type jk1 for an unstratified "
                "design");
        break;
    case SHOPSTAT_REP_JK2:
        /* WesVar's JK2 has no finite population factor, and jk2's rscales are all 1 in
         * R's svrepdesign and tab (--rscales refused), so an fpc could not be carried */
        if (o->fpc)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "jk2 does not use replicate_opts.fpc (its replicates carry no finite "
                "population factor; replicate_opts.type jkn does)");
        if (o->lonely != SHOPSTAT_LONELY_FAIL)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "jk2 takes no replicate_opts.lonely: every stratum must have "
                "exactly two PSUs (use replicate_opts.type jkn to leave single-PSU "
                "strata out)");
        break;
    case SHOPSTAT_REP_BOOTSTRAP:
        if (o->fpc)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "the Rao-Wu bootstrap does not use replicate_opts.fpc (as R)");
        if (o->replicates < 2 || o->replicates > RC_MAX_BOOT)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "replicate_opts.replicates must be between 2 and %d",
                                      RC_MAX_BOOT);
        break;
    default:
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "replicate_opts.type must be jk1, jkn, jk2 or bootstrap");
    }
    return SHOPSTAT_OK;
}

/* Finite population factors (R's (N - n)/N) and lonely strata. */
static shopstat_status strata_setup(rc_ctx *c, shopstat_error *err)
{
    size_t H = c->strata.n;
    int all_fraction = 1;
    for (size_t h = 0; h < H; h++)
        if (c->st[h].fpc > 1)
            all_fraction = 0;
    for (size_t h = 0; h < H; h++) {
        rc_stratum *s = &c->st[h];
        s->f = 1;
        s->fac = s->npsu > 1 ? (double)s->npsu / (double)(s->npsu - 1) : 1;
        if (isnan(s->fpc))
            continue;
        double N = all_fraction ? (double)s->npsu / s->fpc : s->fpc;
        if (N + 1e-9 < (double)s->npsu)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, c->path, 0, 0,
                "replicate_opts.fpc gives %.17g for stratum '%s', fewer than its %zu "
                "sampled PSUs",
                s->fpc, strmap_key(&c->strata, h), s->npsu);
        s->f = (N - (double)s->npsu) / N;
    }
    if (c->o->type == SHOPSTAT_REP_JK1)
        return SHOPSTAT_OK;
    if (c->o->type == SHOPSTAT_REP_JK2) {
        for (size_t h = 0; h < H; h++)
            if (c->st[h].npsu != 2) /* a third PSU stopped the first pass */
                return shopstat_error_set(
                    err, SHOPSTAT_EINPUT, c->path, c->st[h].at.line, c->st[h].at.col,
                    "%s%s%shas only one PSU: jk2 (the paired jackknife) needs exactly two PSUs "
                    "in every stratum; pair it with another stratum's PSU (one "
                    "replicate_opts.strata id for "
                    "both), or use replicate_opts.type jkn and a replicate_opts.lonely rule: "
                    "remove",
                    c->scol != SIZE_MAX ? "stratum '" : "the design (no replicate_opts.strata) ",
                    c->scol != SIZE_MAX ? strmap_key(&c->strata, h) : "",
                    c->scol != SIZE_MAX ? "' " : "");
        return SHOPSTAT_OK;
    }
    /* A stratum sampled whole (f = 0) gives no replicate whatever its PSUs: R's jk1weights
     * returns none for it before jknweights looks for a lonely PSU, so a certainty PSU
     * given by the fpc (N_h = n_h = 1) is no lonely stratum, as in the Taylor variance. */
    for (size_t h = 0; h < H; h++)
        if (c->st[h].npsu == 1 && c->st[h].f != 0 && c->o->lonely != SHOPSTAT_LONELY_REMOVE &&
            c->o->lonely != SHOPSTAT_LONELY_CERTAINTY)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, c->path, 0, 0,
                "stratum '%s' has only one PSU; give a replicate_opts.lonely rule: remove "
                "or certainty to leave it out of the replicates",
                strmap_key(&c->strata, h));
    return SHOPSTAT_OK;
}

/* Replicates and their scales, after the first pass. */
static shopstat_status make_reps(rc_ctx *c, shopstat_replicate_info *info, shopstat_error *err)
{
    size_t npsu = c->psus.n;
    const shopstat_replicate_opts *o = c->o;
    if (o->type == SHOPSTAT_REP_JK1) {
        if (npsu < 2)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, 0, 0,
                                      "jk1 needs at least two PSUs; the data have %zu", npsu);
        if (c->st[0].f == 0)
            /* R's jk1weights gives no replicate (and scale 0) for a population sampled
             * whole, as jknweights stops for it: nothing varies, nothing to analyse */
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, 0, 0,
                                      "replicate_opts.fpc says all %zu PSUs of the population were "
                                      "sampled: no variance, no replicates",
                                      npsu);
        double n = (double)npsu;
        c->R = npsu;
        c->jk1_fac = n / (n - 1);
        if (!(c->rep_psu = malloc(npsu * sizeof *c->rep_psu)) ||
            !(info->rscales = malloc(npsu * sizeof *info->rscales)))
            return nomem(err);
        for (size_t u = 0; u < npsu; u++) {
            c->rep_psu[u] = u;
            info->rscales[u] = 1;
        }
        info->scale = c->st[0].f * (n - 1) / n;
        return SHOPSTAT_OK;
    }
    if (o->type == SHOPSTAT_REP_JK2) {
        /* The paired jackknife (WesVar's JK2; R's svrepdesign(type = "JK2") analyses it):
         * one replicate per stratum in order of first appearance, dropping the stratum's
         * first PSU (in order of appearance) and doubling the other; scale 1, rscales 1. */
        size_t H = c->strata.n;
        if (!(c->rep_psu = malloc(H * sizeof *c->rep_psu)) ||
            !(info->rscales = malloc(H * sizeof *info->rscales)))
            return nomem(err);
        for (size_t h = 0; h < H; h++)
            c->rep_psu[h] = SIZE_MAX;
        for (size_t u = 0; u < npsu; u++)
            if (c->rep_psu[c->psu_st[u]] == SIZE_MAX)
                c->rep_psu[c->psu_st[u]] = u;
        for (size_t h = 0; h < H; h++) {
            c->st[h].fac = 2;
            info->rscales[h] = 1;
        }
        c->R = H;
        info->scale = 1;
        return SHOPSTAT_OK;
    }
    if (o->type == SHOPSTAT_REP_JKN) {
        /* R's jknweights: strata in order of first appearance, their PSUs likewise; a
         * stratum sampled entirely (f = 0) or lonely gives no replicate. */
        if (!(c->rep_psu = malloc((npsu ? npsu : 1) * sizeof *c->rep_psu)) ||
            !(info->rscales = malloc((npsu ? npsu : 1) * sizeof *info->rscales)))
            return nomem(err);
        size_t R = 0;
        for (size_t h = 0; h < c->strata.n; h++) {
            rc_stratum *s = &c->st[h];
            if (s->npsu < 2 || s->f == 0)
                continue;
            double n = (double)s->npsu;
            for (size_t u = 0; u < npsu; u++)
                if (c->psu_st[u] == h) {
                    c->rep_psu[R] = u;
                    info->rscales[R] = s->f * (n - 1) / n;
                    R++;
                }
        }
        if (R == 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, 0, 0,
                                      "no stratum has two PSUs left to drop: no replicates");
        c->R = R;
        info->scale = 1;
        return SHOPSTAT_OK;
    }
    /* Rao-Wu (1988) rescaling bootstrap with m_h = n_h - 1: in each replicate and stratum
     * draw n_h - 1 of the n_h PSUs with replacement; multiplier n_h/(n_h - 1) x draws, so
     * that every replicate estimates the same total as the full sample on average. */
    size_t R = o->replicates;
    if (npsu > SIZE_MAX / R / sizeof *c->mult)
        return nomem(err);
    c->mult = calloc(npsu * R, sizeof *c->mult);
    info->rscales = malloc(R * sizeof *info->rscales);
    size_t H = c->strata.n;
    size_t *first = calloc(H + 1, sizeof *first), *members = malloc((npsu + 1) * sizeof *members);
    shopstat_gsl_quiet(); /* gsl_rng_alloc raises on a failed allocation */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    shopstat_status st = SHOPSTAT_OK;
    if (!c->mult || !info->rscales || !first || !members || !rng) {
        st = nomem(err);
        goto out;
    }
    gsl_rng_set(rng, o->seed);
    /* PSUs grouped by stratum, in order of first appearance */
    for (size_t u = 0; u < npsu; u++)
        first[c->psu_st[u] + 1]++;
    for (size_t h = 0; h < H; h++)
        first[h + 1] += first[h];
    {
        size_t *pos = calloc(H + 1, sizeof *pos);
        if (!pos) {
            st = nomem(err);
            goto out;
        }
        for (size_t u = 0; u < npsu; u++) {
            size_t h = c->psu_st[u];
            members[first[h] + pos[h]++] = u;
        }
        free(pos);
    }
    for (size_t r = 0; r < R; r++) {
        info->rscales[r] = 1;
        for (size_t h = 0; h < H; h++) {
            size_t n = c->st[h].npsu;
            const size_t *m = members + first[h];
            if (n < 2) { /* lonely, left out (remove / certainty): weights kept */
                c->mult[m[0] * R + r] = 1;
                continue;
            }
            double fac = (double)n / (double)(n - 1);
            for (size_t k = 0; k + 1 < n; k++) {
                size_t pick = m[gsl_rng_uniform_int(rng, (unsigned long)n)];
                c->mult[pick * R + r] += fac;
            }
        }
    }
    c->R = R;
    info->scale = 1 / ((double)R - 1);
out:
    gsl_rng_free(rng);
    free(first);
    free(members);
    return st;
}

shopstat_status shopstat_replicate_write(const char *path, const shopstat_csv_opts *csv,
                                         const shopstat_replicate_opts *o, FILE *out,
                                         shopstat_replicate_info *info, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_replicate_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    shopstat_status st = check_opts(o, err);
    if (st)
        return st;
    rc_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.out = out;
    strmap_init(&c.strata, (size_t)-3, RC_MAP_BYTES);
    strmap_init(&c.psus, (size_t)-3, RC_MAP_BYTES);
    shopstat_reader *r = NULL;
    for (int pass = 0; pass < 2 && !st; pass++) {
        if ((st = shopstat_reader_open(path, csv, &r, err)))
            break;
        c.reader = r;
        c.path = shopstat_reader_path(r);
        c.decimal_comma = shopstat_reader_dialect(r)->decimal_comma;
        if (pass == 0) {
            if (!(st = bind_cols(&c, err)))
                st = shopstat_reader_run(r, first_pass, &c, err);
            if (!st)
                st = strata_setup(&c, err);
            if (!st)
                st = make_reps(&c, info, err);
        } else {
            st = bind_cols(&c, err);
            for (size_t i = 0; !st && i < shopstat_reader_ncols(r); i++) {
                if (i)
                    fputc(',', out);
                shopstat_csv_field(out, shopstat_reader_colname(r, i));
            }
            for (size_t k = 0; !st && k < c.R; k++) {
                fputc(',', out);
                char name[64];
                snprintf(name, sizeof name, "%zu", k + 1);
                fputs(o->prefix, out);
                fputs(name, out);
            }
            if (!st)
                fputc('\n', out);
            if (!st)
                st = shopstat_reader_run(r, second_pass, &c, err);
        }
        shopstat_reader_free(r);
        r = NULL;
    }
    if (!st && fflush(out) != 0)
        st = shopstat_error_set(err, SHOPSTAT_EIO, NULL, 0, 0, "cannot write the output");
    info->replicates = c.R;
    info->nstrata = c.strata.n;
    info->npsu = c.psus.n;
    info->rows = c.rows;
    strmap_free(&c.strata);
    strmap_free(&c.psus);
    free(c.st);
    free(c.psu_st);
    free(c.key);
    free(c.rep_psu);
    free(c.mult);
    if (st || info == &tmp)
        shopstat_replicate_info_free(info);
    return st;
}
