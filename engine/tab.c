/* Weighted proportions by domain: estimate, linearised SE, df, deff and interval. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "shopstat/ci.h"

size_t shopstat_totals_npsu_positive(const shopstat_totals *t)
{
    size_t n = 0;
    for (size_t h = 0; h < t->strata.n; h++)
        n += t->st[h].npsu_pos;
    return n;
}

void shopstat_tab_opts_init(shopstat_tab_opts *o)
{
    memset(o, 0, sizeof *o); /* (a field appended later starts at 0, whatever o held) */
    o->ci = SHOPSTAT_CI_LOGIT;
    o->level = 0.95;
    o->want = NULL;
    o->want_ctx = NULL;
    o->undefined_ok = 0;
}

/* Proportion of level cell c in domain (base) cell d, without its variance (p NaN when the
 * domain has no weight). */
static void domain_base(const shopstat_totals *t, long c, long d, shopstat_domain_stats *ds)
{
    double W = totals_cell_weight(t, d);
    double Tc = totals_cell_weight(t, c);
    memset(ds, 0, sizeof *ds);
    ds->base_n = d >= 0 ? (double)t->cell[d].n : 0;
    ds->base_n_pos = d >= 0 ? (double)t->cell[d].npos : 0;
    ds->base_weight = W;
    ds->df = totals_cell_df(t, d);
    /* Kish's (sum w)^2 / sum w^2: undefined (0/0, NaN in R) when every row has weight 0 */
    ds->eff_base = d >= 0 && t->cell[d].w2 > 0 ? W * W / t->cell[d].w2 : NAN;
    if (!(W > 0)) {
        ds->p = ds->var = NAN;
        return;
    }
    ds->p = Tc / W;
}

/* Score of a ratio (Woodruff 1971): z = w d (y - p) / W, summed per PSU: its terms. */
static void ratio_terms(const shopstat_domain_stats *ds, double *cc, double *cd)
{
    *cc = 1 / ds->base_weight;
    *cd = -ds->p / ds->base_weight;
}

/* A level fixed within every stratum (a stratum variable tabulated under its own strata)
 * has a score that is constant per stratum: its variance is 0, and a sum of squares minus
 * a squared sum leaves round-off of either sign (-6e-22 seen). */
static double clamp_var(double v)
{
    return v < 0 && v > -1e-12 ? 0 : v;
}

/* The variance of ds's proportion, one estimate at a time (replicate and element designs) */
static shopstat_status domain_var(const shopstat_totals *t, long c, long d,
                                  shopstat_domain_stats *ds, shopstat_error *err)
{
    if (t->rep)
        return rep_ratio_var(t, c, d, ds->p, &ds->var, NULL, err);
    lin_term terms[2] = {{c, 0}, {d, 0}};
    ratio_terms(ds, &terms[0].coef, &terms[1].coef);
    const lin_term *tp = terms;
    size_t nt = 2;
    shopstat_status st = totals_cov(t, &tp, &nt, 1, &d, 1, &ds->var, err);
    if (!st)
        ds->var = clamp_var(ds->var);
    return st;
}

/* Every variance of a cluster design in a few passes over the PSUs (totals_ratio_vars):
 * vst[k] the status of estimate k's (the first failure's, SHOPSTAT_OK before it), the
 * error in verr. Estimates without weight are left out. */
static shopstat_status batch_vars(const shopstat_totals *t, const long *cs, const long *ds_,
                                  shopstat_domain_stats *dss, size_t total, shopstat_status *vst,
                                  shopstat_error *verr)
{
    size_t m = 0;
    size_t *idx = malloc((total ? total : 1) * sizeof *idx);
    long *c = malloc((total ? total : 1) * sizeof *c), *d = malloc((total ? total : 1) * sizeof *d);
    double *cc = malloc((total ? total : 1) * sizeof *cc);
    double *cd = malloc((total ? total : 1) * sizeof *cd);
    double *var = malloc((total ? total : 1) * sizeof *var);
    shopstat_status st = SHOPSTAT_OK;
    if (!idx || !c || !d || !cc || !cd || !var) {
        st = shopstat_error_set(verr, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < total; k++) {
        if (isnan(dss[k].p))
            continue;
        idx[m] = k;
        c[m] = cs[k];
        d[m] = ds_[k];
        ratio_terms(&dss[k], &cc[m], &cd[m]);
        m++;
    }
    size_t failed = SIZE_MAX;
    shopstat_status vs = totals_ratio_vars(t, m, c, d, cc, cd, var, &failed, verr);
    for (size_t i = 0; i < m && i < failed; i++)
        dss[idx[i]].var = clamp_var(var[i]);
    if (vs && failed < m)
        vst[idx[failed]] = vs;
    else if (vs)
        st = vs;
out:
    free(idx);
    free(c);
    free(d);
    free(cc);
    free(cd);
    free(var);
    return st;
}

const char *shopstat_totals_df0_reason(const shopstat_totals *t)
{
    if (t->rep) /* R's degf() of the subset: qr(the domain rows' replicate weights)$rank - 1 */
        return "the replicate weights of the rows have rank 1: every replicate scales them "
               "by one factor, as when they lie in one PSU";
    /* without PSUs each row is one: one row per stratum (a sector of one site in an
     * unstratified audit), where "one PSU per stratum" would send the user looking for a
     * cluster column that the design does not have */
    if (t->element)
        return t->scol == SIZE_MAX ? "the segment holds one row, and a variance needs two"
                                   : "the rows lie one per stratum, each row its own PSU";
    return "the rows lie within one PSU per stratum";
}

/* The whole design (of the --base's rows) has df 0 while some domain has 0 < p < 1: no
 * estimate of the table can have an interval, which is a design to fix, not a row to
 * flag (R's svyciprop gives NaN everywhere). Say what the df is for this kind of design
 * and why it is not positive. */
static shopstat_status df_error(const shopstat_totals *t, const shopstat_estimate *r, double df,
                                shopstat_error *err)
{
    char why[400];
    const char *whole = t->acct.outside_base ? "the rows of the base" : "the design's rows";
    if (t->rep)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "%s, level '%s', segment '%s': design degrees of freedom are "
                                  "%g for the whole design: %s, so no estimate can have an "
                                  "interval",
                                  r->variable, r->level, r->segment, df,
                                  rep_df_reason(df, whole, why, sizeof why));
    return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                              "%s, level '%s', segment '%s': design degrees of freedom are %g "
                              "for the whole design (R's degf: PSUs less strata): %s lie "
                              "within one PSU per stratum, so no estimate can have an "
                              "interval; %s",
                              r->variable, r->level, r->segment, df, whole,
                              t->acct.outside_base
                                  ? "a base over more PSUs gives them"
                                  : "check design_opts.psu and design_opts.strata");
}

const shopstat_estimate *shopstat_tab_estimate_find(const shopstat_estimate *e, size_t n, size_t q,
                                                    size_t l, size_t s)
{
    /* (the list is sorted by q, then l, then s: a binary search) */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const shopstat_estimate *x = &e[mid];
        int before = x->q != q ? x->q < q : x->l != l ? x->l < l : x->s < s;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && e[lo].q == q && e[lo].l == l && e[lo].s == s ? &e[lo] : NULL;
}

shopstat_status shopstat_tab_estimates(const shopstat_totals *t, const shopstat_tab_opts *o,
                                       shopstat_estimate **out, size_t *n, shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_tab_opts defaults;
    if (!o) {
        shopstat_tab_opts_init(&defaults);
        o = &defaults;
    }
    /* options first, whatever the estimates (a level of 2 was refused only by the first
     * estimate with an interval, and passed when none had one) */
    shopstat_status ost = opts_level_check(o->level, err);
    if (ost)
        return ost;
    if ((unsigned)o->ci > (unsigned)SHOPSTAT_CI_LIKELIHOOD)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "unknown interval method %d (shopstat_ci_method)", (int)o->ci);
    size_t total = 0;
    for (size_t q = 0; q < t->nq; q++)
        for (size_t s = 0; s < t->nseg_visible; s++)
            total += totals_listed(t, q, t->seg_order[s]) ? t->q[q].levels.n : 0;
    size_t cap = total ? total : 1;
    shopstat_estimate *e = calloc(cap, sizeof *e);
    /* each estimate's cells and domain, then the variances (a cluster design's all at
     * once), then the intervals, estimate by estimate in order */
    long *cs = malloc(cap * sizeof *cs), *dsel = malloc(cap * sizeof *dsel);
    shopstat_domain_stats *dss = malloc(cap * sizeof *dss);
    shopstat_status *vst = calloc(cap, sizeof *vst);
    /* (estimates left out by o->want: their proportion, kept aside from the variances) */
    double *skipped = o->want ? malloc(cap * sizeof *skipped) : NULL;
    shopstat_status st = SHOPSTAT_OK;
    if (!e || !cs || !dsel || !dss || !vst || (o->want && !skipped)) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    size_t k = 0;
    for (size_t q = 0; q < t->nq; q++) {
        const rt_question *rq = &t->q[q];
        for (size_t l = 0; l < rq->levels.n; l++) {
            size_t lid = rq->order[l];
            for (size_t s = 0; s < t->nseg_visible; s++) {
                size_t sid = t->seg_order[s];
                if (!totals_listed(t, q, sid))
                    continue;
                shopstat_estimate *r = &e[k];
                r->variable = rq->pq->name;
                r->level = SMAP_KEY(&rq->levels, lid);
                r->segment = t->seg[sid].name;
                r->q = q;
                r->l = l;
                r->s = s;
                dsel[k] = totals_cell(t, sid, q, SIZE_MAX);
                cs[k] = totals_cell(t, sid, q, lid);
                domain_base(t, cs[k], dsel[k], &dss[k]);
                if (skipped) {
                    skipped[k] = NAN;
                    if (!o->want(o->want_ctx, q, s)) {
                        skipped[k] = dss[k].p;
                        dss[k].p = NAN;
                    }
                }
                k++;
            }
        }
    }
    int batched = !t->rep && !t->element;
    shopstat_error verr;
    shopstat_error_clear(&verr);
    if (batched && (st = batch_vars(t, cs, dsel, dss, k, vst, &verr))) {
        *err = verr;
        goto fail;
    }
    for (size_t i = 0; i < k; i++) {
        shopstat_estimate *r = &e[i];
        shopstat_domain_stats *ds = &dss[i];
        long c = cs[i], d = dsel[i];
        if (!isnan(ds->p)) {
            if (batched && vst[i]) {
                *err = verr;
                st = vst[i];
                goto fail;
            }
            if (!batched && (st = domain_var(t, c, d, ds, err)))
                goto fail;
        }
        r->base_n = (size_t)ds->base_n;
        r->base_weight = ds->base_weight;
        r->count = c >= 0 ? t->cell[c].n : 0;
        r->eff_base = ds->eff_base;
        r->df = ds->df;
        r->proportion = ds->p;
        r->se = sqrt(ds->var);
        r->ci_lower = r->ci_upper = r->deff = NAN;
        if (skipped && !isnan(skipped[i])) {
            r->proportion = skipped[i];
            r->se = r->df = NAN;
            continue;
        }
        if (isnan(ds->p))
            continue;
        r->deff = shopstat_deff(ds);
        /* a replicate whose weights of the base cancel (sum to 0) puts x/0 among the
         * replicate estimates: the variance is Inf or NaN (the logit's NaN when no
         * replicate's proportion lies in (0, 1); its Inf, a replicate's proportion of 0 or
         * 1, is the interval [0, 1]), so no SE and no interval, with a note, rather than
         * Inf in a CSV or a failure of the interval */
        int undefined = t->rep && !isfinite(ds->var);
        if (t->rep && !undefined && (st = rep_tab_stats(t, c, d, o->ci, ds, &r->deff, err)))
            goto fail;
        if (undefined || (t->rep && isnan(ds->var))) {
            if (undefined) /* (else only the logit's variance is) */
                r->se = r->deff = NAN;
            r->no_interval = SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
            continue;
        }
        if (ds->p > 0 && ds->p < 1 && !(ds->df > 0)) {
            /* the interval NaN, as R's (qt on 0 df); the estimate, its SE and deff as R's */
            double whole = shopstat_totals_df(t);
            if (!o->undefined_ok && !(whole > 0)) {
                st = df_error(t, r, whole, err);
                goto fail;
            }
            r->no_interval = SHOPSTAT_NO_INTERVAL_DF0;
            /* rows within one PSU (or replicate weights of rank 1) make the variance 0 in
             * exact arithmetic: their scores sum to 0 in the PSU. R prints the round-off
             * (an SE of 1e-16, a deff of 1e-30); a proportion's real SE is never near it */
            if (r->se < 1e-12)
                r->se = r->deff = 0;
            continue;
        }
        shopstat_interval iv;
        /* R's subset of a calibrated (post-stratified) Taylor design keeps every row,
         * weighted 0 outside the domain, so svyciprop's beta takes nrow(design) - 1 of the
         * whole design's rows: so does shopstat there (a replicate design's subset drops
         * the other rows: the domain's) */
        shopstat_domain_stats dsn = *ds;
        if (t->ps && !t->rep && o->ci == SHOPSTAT_CI_BETA)
            dsn.base_n = (double)t->acct.used;
        if ((st = shopstat_ci(o->ci, &dsn, o->level, &iv, err))) {
            char why[sizeof err->msg];
            memcpy(why, err->msg, sizeof why);
            st = shopstat_error_set(err, st, NULL, 0, 0, "%s, level '%s', segment '%s': %s",
                                    r->variable, r->level, r->segment, why);
            goto fail;
        }
        r->ci_lower = iv.lower;
        r->ci_upper = iv.upper;
        r->fallback = iv.fallback;
    }
    free(cs);
    free(dsel);
    free(dss);
    free(vst);
    free(skipped);
    *out = e;
    *n = k;
    return SHOPSTAT_OK;
fail:
    free(e);
    free(cs);
    free(dsel);
    free(dss);
    free(vst);
    free(skipped);
    return st;
}
