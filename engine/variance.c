/* Taylor-linearisation variance from per-PSU totals: strata, fpc, lonely PSUs, domains. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Segment holding the rows of both a and b: a itself, the other when one is 'all',
 * -1 when disjoint (two values of one --by column), the hidden intersection segment
 * of a declared pair, or -2 when unknown. */
static long seg_inter(const shopstat_totals *t, size_t a, size_t b)
{
    if (a == b)
        return (long)a;
    if (t->seg[a].kind == SEG_ALL)
        return (long)b;
    if (t->seg[b].kind == SEG_ALL)
        return (long)a;
    if (t->seg[a].kind == SEG_BY && t->seg[b].kind == SEG_BY &&
        t->seg[a].plan_index == t->seg[b].plan_index)
        return -1; /* two values of one --by set */
    for (size_t i = 0; i < t->npairs; i++) {
        const rt_pair *p = &t->pairs[i];
        if (p->inter >= 0 && ((p->a == a && p->b == b) || (p->a == b && p->b == a)))
            return p->inter;
        /* a lies within m (a report table's base): their intersection is a */
        if (t->seg[p->m].kind != SEG_ALL && ((p->a == a && p->m == b) || (p->a == b && p->m == a)))
            return (long)p->a;
    }
    return -2;
}

/* Cell holding the rows in both cells i and j (element mode): -1 none, -2 unknown. */
static long cross_cell(const shopstat_totals *t, long i, long j)
{
    const cell_info *ci = &t->cell[i], *cj = &t->cell[j];
    if (ci->q != cj->q)
        return -2;
    long s = seg_inter(t, ci->seg, cj->seg);
    if (s < 0)
        return s;
    size_t level;
    if (ci->level == cj->level || cj->level == SIZE_MAX)
        level = ci->level;
    else if (ci->level == SIZE_MAX)
        level = cj->level;
    else if (t->q[ci->q].pq->kind == SHOPSTAT_Q_SINGLE)
        return -1; /* two levels of a single-choice question never share a row */
    else
        return -2;
    long c = totals_cell(t, (size_t)s, ci->q, level);
    return c < 0 ? -1 : c;
}

static double unit_get(const unit *u, long cell)
{
    return cell >= 0 && (size_t)cell < u->cap ? u->A[cell].T : 0;
}

static uint32_t unit_rows(const unit *u, long cell)
{
    return cell >= 0 && (size_t)cell < u->cap ? u->A[cell].N : 0;
}

int totals_same_domain(const shopstat_totals *t, long ca, long da, long cb, long db)
{
    if (t->rep || da < 0 || db < 0)
        return 0;
    if (da == db)
        return 1;
    if (t->element) {
        /* the rows of both: as many as each's, stratum by stratum, then they are the same */
        long x = cross_cell(t, da, db);
        if (x < 0)
            return 0; /* (disjoint, or the intersection not kept: not told apart) */
        for (size_t u = 0; u < t->nunits; u++) {
            const unit *un = &t->units[u];
            uint32_t n = unit_rows(un, da);
            if (unit_rows(un, db) != n || unit_rows(un, x) != n)
                return 0;
        }
        return 1;
    }
    /* a cluster design's variance reads per-PSU sums only: equal sums, equal scores */
    for (size_t u = 0; u < t->nunits; u++) {
        const unit *un = &t->units[u];
        if (unit_get(un, ca) != unit_get(un, cb) || unit_get(un, da) != unit_get(un, db) ||
            unit_rows(un, ca) != unit_rows(un, cb) || unit_rows(un, da) != unit_rows(un, db))
            return 0;
    }
    return 1;
}

/* The covariance from the strata's sums of the scores (S1[h K + k]) and of their products
 * (S2[(h K + k) K + l]) and the strata holding domain rows (present); z: K doubles of
 * scratch. */
static shopstat_status cov_finish(const shopstat_totals *t, size_t K, const double *S1,
                                  const double *S2, const char *present, double *z, double *cov,
                                  shopstat_error *err)
{
    size_t H = t->strata.n;
    shopstat_status st = SHOPSTAT_OK;
    /* zbar for lonely.psu = "adjust": mean of all PSU totals (0 for a centred score). */
    double npsu_total = (double)shopstat_totals_npsu(t);
    memset(z, 0, K * sizeof *z);
    for (size_t h = 0; h < H; h++)
        for (size_t k = 0; k < K; k++)
            z[k] += S1[h * K + k];
    /* (a post-stratified score's residuals need not sum to 0: R's svyrecvar gives a row of
     * weight 0 the residual -Z_g / N_g; R's onestrat centres a lonely PSU at 0 whatever
     * they sum to, and so does shopstat there) */
    for (size_t k = 0; k < K; k++)
        z[k] = npsu_total > 0 && !t->ps ? z[k] / npsu_total : 0;

    memset(cov, 0, K * K * sizeof *cov);
    /* R's onestage() sees only the strata holding rows of the (subset) design. */
    size_t lonely_avg = 0, Hdom = 0;
    for (size_t h = 0; h < H; h++) {
        if (!present[h])
            continue;
        Hdom++;
        const stratum_info *si = &t->st[h];
        double n = (double)si->npsu, f = si->f;
        /* R: a stratum sampled entirely (f = 0) contributes nothing, lonely or not */
        if (f < 1e-7)
            continue;
        const double *s1 = S1 + h * K, *s2 = S2 + h * K * K;
        if (n > 1) {
            double scale = f * n / (n - 1);
            /* S2 - S1^2 / n has the round-off of its sums, up to (n + 1) eps S2 a term:
             * a stratum whose PSU totals are all alike (their spread 0 in exact arithmetic)
             * leaves that much noise, 1e-19 where R's centred sum gives 0 (an SE of 8e-10
             * beside its complement's 0). Within twice that of 0 a term is 0. */
            double tol = 2 * (n + 1) * DBL_EPSILON;
            for (size_t k = 0; k < K; k++)
                for (size_t l = 0; l < K; l++) {
                    double v = s2[k * K + l] - s1[k] * s1[l] / n;
                    if (fabs(v) <= tol * sqrt(s2[k * K + k] * s2[l * K + l]))
                        v = 0;
                    cov[k * K + l] += scale * v;
                }
            continue;
        }
        switch (t->lonely) {
        case SHOPSTAT_LONELY_FAIL:
            /* Without --strata the one stratum has no name: say what is alone instead. */
            if (t->scol == SIZE_MAX)
                st = shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                        "the sample has only one %s, so its variance cannot be "
                                        "estimated; choose a design_opts.lonely rule: remove, "
                                        "certainty, adjust or average",
                                        t->element ? "row" : "PSU");
            else
                st = shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                        "stratum '%s' has only one PSU, so its variance cannot be "
                                        "estimated; choose a design_opts.lonely rule: remove, "
                                        "certainty, adjust or average",
                                        si->name);
            goto out;
        case SHOPSTAT_LONELY_REMOVE:
        case SHOPSTAT_LONELY_CERTAINTY:
            break;
        case SHOPSTAT_LONELY_ADJUST:
            for (size_t k = 0; k < K; k++)
                for (size_t l = 0; l < K; l++)
                    cov[k * K + l] += f * (s1[k] - z[k]) * (s1[l] - z[l]);
            break;
        case SHOPSTAT_LONELY_AVERAGE:
            lonely_avg++;
            break;
        }
    }
    if (lonely_avg) {
        if (lonely_avg == Hdom) {
            for (size_t k = 0; k < K * K; k++)
                cov[k] = NAN;
        } else {
            double scale = (double)Hdom / (double)(Hdom - lonely_avg);
            for (size_t k = 0; k < K * K; k++)
                cov[k] *= scale;
        }
    }
out:
    return st;
}

long totals_cross_cell(const shopstat_totals *t, long i, long j)
{
    return cross_cell(t, i, j);
}

shopstat_status totals_cov_finish(const shopstat_totals *t, size_t K, const double *S1,
                                  const double *S2, const char *present, double *z,
                                  double *cov, shopstat_error *err)
{
    return cov_finish(t, K, S1, S2, present, z, cov, err);
}

shopstat_status totals_cov(const shopstat_totals *t, const lin_term *const *terms,
                           const size_t *nterms, size_t K, const long *dom, size_t ndom,
                           double *cov, shopstat_error *err)
{
    if (t->ps) /* (post-stratified: the scores residualised on the post-strata) */
        return ps_cov(t, terms, nterms, K, dom, ndom, cov, err);
    size_t H = t->strata.n;
    double *S1 = calloc(H * K + K, sizeof *S1);
    double *S2 = calloc(H * K * K + 1, sizeof *S2);
    double *z = calloc(K + 1, sizeof *z);
    char *present = calloc(H + 1, 1);
    if (!S1 || !S2 || !z || !present) {
        free(S1);
        free(S2);
        free(z);
        free(present);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    shopstat_status st = SHOPSTAT_OK;
    /* no domain cells: the base's rows, as R's svytotal on subset(design, base) sees them
     * (every row answering or not; all strata without --base) */
    if (ndom == 0)
        totals_base_strata(t, present);
    for (size_t u = 0; u < t->nunits; u++) {
        const unit *un = &t->units[u];
        size_t h = un->stratum;
        for (size_t i = 0; i < ndom; i++)
            if (dom[i] >= 0 && (size_t)dom[i] < un->cap && un->A[dom[i]].N > 0)
                present[h] = 1;
        for (size_t k = 0; k < K; k++) {
            double s = 0;
            for (size_t j = 0; j < nterms[k]; j++)
                s += terms[k][j].coef * unit_get(un, terms[k][j].cell);
            z[k] = s;
            S1[h * K + k] += s;
        }
        if (!t->element) {
            for (size_t k = 0; k < K; k++)
                for (size_t l = 0; l < K; l++)
                    S2[(h * K + k) * K + l] += z[k] * z[l];
            continue;
        }
        /* Element mode (each row its own PSU): sum over rows of z_k z_l is
         * sum_j sum_m a_kj a_lm sum_i t_ij t_im, and sum_i t_ij t_im is the sum of
         * w^2 over the rows in both cells. */
        for (size_t k = 0; k < K; k++)
            for (size_t l = k; l < K; l++) {
                double s = 0;
                for (size_t a = 0; a < nterms[k]; a++) {
                    if (terms[k][a].cell < 0)
                        continue;
                    for (size_t b = 0; b < nterms[l]; b++) {
                        if (terms[l][b].cell < 0)
                            continue;
                        long c = cross_cell(t, terms[k][a].cell, terms[l][b].cell);
                        if (c == -2) {
                            st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                                    "cross products of two cells are not "
                                                    "available for this statistic");
                            goto out;
                        }
                        if (c >= 0 && (size_t)c < un->cap)
                            s += terms[k][a].coef * terms[l][b].coef * un->Q[c];
                    }
                }
                S2[(h * K + k) * K + l] = s;
                S2[(h * K + l) * K + k] = s;
            }
    }

    st = cov_finish(t, K, S1, S2, present, z, cov, err);
out:
    free(present);
    free(S1);
    free(S2);
    free(z);
    return st;
}

/* Scratch for totals_ratio_vars: the strata's sums of a group of estimates, at most this
 * many bytes (34 a stratum and estimate: the sums twice, in both orders;
 * $SHOPSTAT_RATIO_GROUP, a test knob, caps the estimates of a group). */
#define RATIO_GROUP_BYTES ((size_t)8 << 20)

shopstat_status totals_ratio_vars(const shopstat_totals *t, size_t n, const long *c,
                                  const long *d, const double *cc, const double *cd,
                                  double *var, size_t *failed, shopstat_error *err)
{
    if (t->ps) { /* (each estimate on its own: ps_cov reads the pseudo-units' sums) */
        *failed = SIZE_MAX;
        for (size_t e = 0; e < n; e++) {
            lin_term tc[2] = {{c[e], cc[e]}, {d[e], cd[e]}};
            const lin_term *tp = tc;
            size_t nt = 2;
            shopstat_status st = ps_cov(t, &tp, &nt, 1, &d[e], 1, &var[e], err);
            if (st) {
                *failed = e;
                return st;
            }
        }
        return SHOPSTAT_OK;
    }
    size_t H = t->strata.n ? t->strata.n : 1;
    size_t G = RATIO_GROUP_BYTES / (34 * H);
    const char *knob = getenv("SHOPSTAT_RATIO_GROUP"); /* (a test knob: smaller groups) */
    if (knob && atol(knob) > 0 && (size_t)atol(knob) < G)
        G = (size_t)atol(knob);
    if (G < 1)
        G = 1;
    if (G > n)
        G = n;
    *failed = SIZE_MAX;
    /* S1, S2 and present: [estimate][stratum], as cov_finish reads them; T1, T2, tp: the
     * same sums [stratum][estimate] while the units are read, so that one unit's updates
     * are contiguous (a few cache lines, not one per estimate) */
    size_t GH = G * H + 1;
    double *dbl = malloc((4 * GH + 2 * (G + 1)) * sizeof *dbl);
    long *cells = malloc(2 * (G + 1) * sizeof *cells);
    char *flags = malloc(2 * GH);
    if (!dbl || !cells || !flags) {
        free(dbl);
        free(cells);
        free(flags);
        *failed = 0;
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double *S1 = dbl, *S2 = S1 + GH, *T1 = S2 + GH, *T2 = T1 + GH;
    double *ccz = T2 + GH, *cdz = ccz + G + 1;
    long *ci = cells, *di = cells + G + 1;
    char *present = flags, *tp = flags + GH;
    shopstat_status st = SHOPSTAT_OK;
    for (size_t e0 = 0; e0 < n && !st; e0 += G) {
        size_t g = n - e0 < G ? n - e0 : G;
        memset(T1, 0, g * H * sizeof *T1);
        memset(T2, 0, g * H * sizeof *T2);
        memset(tp, 0, g * H);
        long maxc = -1;
        for (size_t i = 0; i < g; i++) {
            size_t e = e0 + i;
            ci[i] = c[e] >= 0 ? c[e] : 0;
            ccz[i] = c[e] >= 0 ? cc[e] : 0;
            di[i] = d[e] >= 0 ? d[e] : 0;
            cdz[i] = d[e] >= 0 ? cd[e] : 0;
            maxc = c[e] > maxc ? c[e] : maxc;
            maxc = d[e] > maxc ? d[e] : maxc;
        }
        /* as totals_cov's loop, K = 1, terms c then d, for each estimate of the group */
        for (size_t u = 0; u < t->nunits; u++) {
            const unit *un = &t->units[u];
            size_t h = un->stratum;
            double *t1 = T1 + h * g, *t2 = T2 + h * g;
            char *p = tp + h * g;
            if (un->A && un->cap > (size_t)(maxc + 1)) {
                const cell_acc *A = un->A;
                for (size_t i = 0; i < g; i++) {
                    double s = 0;
                    s += ccz[i] * A[ci[i]].T;
                    s += cdz[i] * A[di[i]].T;
                    t1[i] += s;
                    t2[i] += s * s;
                    p[i] |= d[e0 + i] >= 0 && A[di[i]].N > 0;
                }
                continue;
            }
            for (size_t i = 0; i < g; i++) {
                size_t e = e0 + i;
                if (d[e] >= 0 && (size_t)d[e] < un->cap && un->A[d[e]].N > 0)
                    p[i] = 1;
                double s = 0;
                s += cc[e] * unit_get(un, c[e]);
                s += cd[e] * unit_get(un, d[e]);
                t1[i] += s;
                t2[i] += s * s;
            }
        }
        for (size_t i = 0; i < g; i++)
            for (size_t h = 0; h < H; h++) {
                S1[i * H + h] = T1[h * g + i];
                S2[i * H + h] = T2[h * g + i];
                present[i * H + h] = tp[h * g + i];
            }
        for (size_t i = 0; i < g && !st; i++) {
            double z;
            st = cov_finish(t, 1, S1 + i * H, S2 + i * H, present + i * H, &z, &var[e0 + i], err);
            if (st)
                *failed = e0 + i;
        }
    }
    free(dbl);
    free(cells);
    free(flags);
    return st;
}
