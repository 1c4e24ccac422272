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
    o->ci = SHOPSTAT_CI_LOGIT;
    o->level = 0.95;
}

/* Proportion of level cell c in domain (base) cell d, with its design variance. */
static shopstat_status domain_prop(const shopstat_totals *t, long c, long d,
                                   shopstat_domain_stats *ds, shopstat_error *err)
{
    double W = totals_cell_weight(t, d);
    double Tc = totals_cell_weight(t, c);
    memset(ds, 0, sizeof *ds);
    ds->base_n = d >= 0 ? (double)t->cell[d].n : 0;
    ds->base_n_pos = d >= 0 ? (double)t->cell[d].npos : 0;
    ds->base_weight = W;
    ds->df = totals_cell_df(t, d);
    ds->eff_base = d >= 0 && t->cell[d].w2 > 0 ? W * W / t->cell[d].w2 : 0;
    if (!(W > 0)) {
        ds->p = ds->var = NAN;
        return SHOPSTAT_OK;
    }
    ds->p = Tc / W;
    /* Score of a ratio (Woodruff 1971): z = w d (y - p) / W, summed per PSU. */
    lin_term terms[2] = {{c, 1 / W}, {d, -ds->p / W}};
    const lin_term *tp = terms;
    size_t nt = 2;
    if (t->rep)
        return rep_ratio_var(t, c, d, ds->p, &ds->var, NULL, err);
    shopstat_status st = totals_cov(t, &tp, &nt, 1, &d, 1, &ds->var, err);
    /* A level fixed within every stratum (a stratum variable tabulated under its own strata)
     * has a score that is constant per stratum: its variance is 0, and a sum of squares
     * minus a squared sum leaves round-off of either sign (-6e-22 seen). */
    if (!st && ds->var < 0 && ds->var > -1e-12)
        ds->var = 0;
    return st;
}

shopstat_status shopstat_tab_estimates(const shopstat_totals *t, const shopstat_tab_opts *o,
                                       shopstat_estimate **out, size_t *n, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    size_t total = 0;
    for (size_t q = 0; q < t->nq; q++)
        total += t->q[q].levels.n * t->nseg_visible;
    shopstat_estimate *e = calloc(total ? total : 1, sizeof *e);
    if (!e)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    for (size_t q = 0; q < t->nq; q++) {
        const rt_question *rq = &t->q[q];
        for (size_t l = 0; l < rq->levels.n; l++) {
            size_t lid = rq->order[l];
            for (size_t s = 0; s < t->nseg_visible; s++) {
                size_t sid = t->seg_order[s];
                long d = totals_cell(t, sid, q, SIZE_MAX);
                long c = totals_cell(t, sid, q, lid);
                shopstat_estimate *r = &e[k++];
                r->variable = rq->pq->name;
                r->level = SMAP_KEY(&rq->levels, lid);
                r->segment = t->seg[sid].name;
                r->q = q;
                r->l = l;
                r->s = s;
                shopstat_domain_stats ds;
                shopstat_status st = domain_prop(t, c, d, &ds, err);
                if (st) {
                    free(e);
                    return st;
                }
                r->base_n = (size_t)ds.base_n;
                r->base_weight = ds.base_weight;
                r->count = c >= 0 ? t->cell[c].n : 0;
                r->eff_base = ds.eff_base;
                r->df = ds.df;
                r->proportion = ds.p;
                r->se = sqrt(ds.var);
                r->ci_lower = r->ci_upper = r->deff = NAN;
                if (isnan(ds.p))
                    continue;
                r->deff = shopstat_deff(&ds);
                if (t->rep && (st = rep_tab_stats(t, c, d, o->ci, &ds, &r->deff, err))) {
                    free(e);
                    return st;
                }
                shopstat_interval iv;
                if ((st = shopstat_ci(o->ci, &ds, o->level, &iv, err))) {
                    char why[sizeof err->msg];
                    memcpy(why, err->msg, sizeof why);
                    st = shopstat_error_set(err, st, NULL, 0, 0,
                                            "%s, level '%s', segment '%s': %s", r->variable,
                                            r->level, r->segment, why);
                    free(e);
                    return st;
                }
                r->ci_lower = iv.lower;
                r->ci_upper = iv.upper;
                r->fallback = iv.fallback;
            }
        }
    }
    *out = e;
    *n = k;
    return SHOPSTAT_OK;
}
