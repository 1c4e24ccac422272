/* Differences between segments under the full design, and the Rao-Scott chi-square. */
#include "shopstat/compare.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void shopstat_compare_opts_init(shopstat_compare_opts *o)
{
    memset(o, 0, sizeof *o); /* (a field appended later starts at 0, whatever o held) */
    o->level = 0.95;
    o->adjust = SHOPSTAT_ADJUST_HOLM;
}

shopstat_status compare_opts_check(const shopstat_compare_opts *o, shopstat_error *err)
{
    shopstat_status st = opts_level_check(o->level, err);
    if (st)
        return st;
    if (o->adjust != SHOPSTAT_ADJUST_NONE && o->adjust != SHOPSTAT_ADJUST_HOLM &&
        o->adjust != SHOPSTAT_ADJUST_BH)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "unknown p-value adjustment %d; valid values are "
                                  "SHOPSTAT_ADJUST_NONE, _HOLM and _BH",
                                  (int)o->adjust);
    return SHOPSTAT_OK;
}

/* Linear terms of a domain total: the cells of segment s, or of 'all' minus s (rest). */
typedef struct side {
    long c[2], d[2]; /* level and base cells; [1] subtracted when rest */
    double sign1;    /* -1 for the rest, 0 otherwise */
    double W, T;     /* base weight, level weight */
    size_t n;
    double w2;
    int single;   /* every row of positive weight holds the level, or none does: p is 1 or 0 */
    double rep_p; /* every row (of any weight) holds the level: 1, none does: 0, else NaN */
} side;

static void side_init(const shopstat_totals *t, side *sd, size_t seg, int rest, size_t all,
                      size_t q, size_t lid)
{
    /* (all: the segment seg lies within, 'all' but for a report table's base) */
    memset(sd, 0, sizeof *sd);
    if (!rest) {
        sd->c[0] = totals_cell(t, seg, q, lid);
        sd->d[0] = totals_cell(t, seg, q, SIZE_MAX);
        sd->c[1] = sd->d[1] = -1;
    } else {
        sd->c[0] = totals_cell(t, all, q, lid);
        sd->d[0] = totals_cell(t, all, q, SIZE_MAX);
        sd->c[1] = totals_cell(t, seg, q, lid);
        sd->d[1] = totals_cell(t, seg, q, SIZE_MAX);
        sd->sign1 = -1;
    }
    sd->W = totals_cell_weight(t, sd->d[0]) + sd->sign1 * totals_cell_weight(t, sd->d[1]);
    sd->T = totals_cell_weight(t, sd->c[0]) + sd->sign1 * totals_cell_weight(t, sd->c[1]);
    size_t n0 = sd->d[0] >= 0 ? t->cell[sd->d[0]].n : 0;
    size_t n1 = sd->d[1] >= 0 ? t->cell[sd->d[1]].n : 0;
    double w0 = sd->d[0] >= 0 ? t->cell[sd->d[0]].w2 : 0;
    double w1 = sd->d[1] >= 0 ? t->cell[sd->d[1]].w2 : 0;
    sd->n = rest ? n0 - n1 : n0;
    sd->w2 = rest ? w0 - w1 : w0;
    /* (counted in rows, not read off T / W, whose round-off can leave 0.9999999999999998
     * for a rest: all's cells less the segment's) */
    size_t dp = (sd->d[0] >= 0 ? t->cell[sd->d[0]].npos : 0) -
                (rest && sd->d[1] >= 0 ? t->cell[sd->d[1]].npos : 0);
    size_t lp = (sd->c[0] >= 0 ? t->cell[sd->c[0]].npos : 0) -
                (rest && sd->c[1] >= 0 ? t->cell[sd->c[1]].npos : 0);
    sd->single = dp > 0 && (lp == 0 || lp == dp);
    if (sd->single)
        sd->T = lp ? sd->W : 0;
    /* (replicates: a row of weight 0 can have replicate weights, so every row counts) */
    size_t ln = (sd->c[0] >= 0 ? t->cell[sd->c[0]].n : 0) -
                (rest && sd->c[1] >= 0 ? t->cell[sd->c[1]].n : 0);
    sd->rep_p = sd->n > 0 && ln == 0 ? 0 : sd->n > 0 && ln == sd->n ? 1 : NAN;
}

/* Append the score terms of p = T/W for one side, times sign. */
static size_t side_terms(const side *sd, double p, double sign, lin_term *out)
{
    size_t k = 0;
    for (int i = 0; i < 2; i++) {
        double f = i == 0 ? 1 : sd->sign1;
        if (f == 0)
            continue;
        out[k++] = (lin_term){sd->c[i], sign * f / sd->W};
        out[k++] = (lin_term){sd->d[i], -sign * f * p / sd->W};
    }
    return k;
}

void diff_test(shopstat_difference *r, double var, double df, double tq)
{
    r->se = sqrt(var);
    r->ci_lower = r->difference - tq * r->se;
    r->ci_upper = r->difference + tq * r->se;
    /* R: t = difference / SE whatever the df; p from t on df, NaN at df 0 */
    if (r->se > 0) {
        r->t = r->difference / r->se;
        if (df > 0)
            r->p_value = 2 * gsl_cdf_tdist_Q(fabs(r->t), df);
    } else if (r->se == 0 && r->difference != 0) {
        /* (an SE of NaN, no replicate defining the difference, leaves t and p empty) */
        /* a difference with no sampling variance (the level only in strata sampled whole
         * or left out as certainty PSUs): R's t is +-Inf and its p 0, which p.adjust keeps
         * in the family */
        r->t = r->difference > 0 ? INFINITY : -INFINITY;
        if (df > 0)
            r->p_value = 0;
    }
}

/* Whether the n differences of one single-choice question for one pair are two tests of
 * one hypothesis: exactly two of them have a p-value and every other one is a difference of
 * 0 without a test (a level no row of either side holds, or one whose difference has no
 * variance either). Each side's shares of the levels then sum to 1, so the two differences
 * are d and -d, and the others adding no variance, with one SE: the same t up to sign and
 * the same p (to round-off). A yes/no question counts one hypothesis, not two; a third
 * level held by some row makes the three dependent but not redundant (d1 + d2 = -d3), so
 * that family is left as it is. */
static int mirrored_pair(const shopstat_difference *d, size_t n)
{
    size_t tested = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(d[i].p_value))
            tested++;
        else if (d[i].difference != 0)
            return 0;
    }
    return tested == 2;
}

shopstat_status shopstat_compare(const shopstat_totals *t, const shopstat_compare_opts *o,
                                 shopstat_difference **out, size_t *n, shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_compare_opts defaults;
    if (!o) {
        shopstat_compare_opts_init(&defaults);
        o = &defaults;
    }
    shopstat_status ost = compare_opts_check(o, err);
    if (ost)
        return ost;
    shopstat_gsl_quiet();
    size_t total = 0;
    for (size_t pi = 0; pi < t->npairs; pi++)
        for (size_t q = 0; q < t->nq; q++)
            total += pair_on(&t->pairs[pi], q) ? t->q[q].levels.n : 0;
    shopstat_difference *d = calloc(total ? total : 1, sizeof *d);
    double *praw = calloc(total ? total : 1, sizeof *praw);
    if (!d || !praw) {
        free(d);
        free(praw);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double df = shopstat_totals_df(t);
    double tq = df > 0 ? gsl_cdf_tdist_Pinv(1 - (1 - o->level) / 2, df) : NAN;
    size_t k = 0;
    for (size_t q = 0; q < t->nq; q++) {
        const rt_question *rq = &t->q[q];
        for (size_t pi = 0; pi < t->npairs; pi++) {
            const rt_pair *pr = &t->pairs[pi];
            if (!pair_on(pr, q)) /* (a report table's pair: its table's question) */
                continue;
            size_t first = k;
            /* a pair on a subset (a report table's base): R's subset(design, base), whose
             * df and lonely-PSU strata are those of the base's rows, as under --base */
            long sub = -1;
            double pdf = df, ptq = tq;
            if (pr->sub != SIZE_MAX && t->rows_q != SIZE_MAX && rq->levels.n) {
                sub = totals_cell(t, pr->sub, t->rows_q, SIZE_MAX);
                pdf = totals_cell_df(t, sub);
                ptq = pdf > 0 ? gsl_cdf_tdist_Pinv(1 - (1 - o->level) / 2, pdf) : NAN;
            }
            for (size_t l = 0; l < rq->levels.n; l++) {
                size_t lid = rq->order[l];
                shopstat_difference *r = &d[k++];
                r->variable = rq->pq->name;
                r->level = SMAP_KEY(&rq->levels, lid);
                r->segment_a = pr->name_a;
                r->segment_b = pr->name_b;
                r->q = q;
                r->l = l;
                r->pair = pi;
                r->df = pdf;
                side A, B;
                side_init(t, &A, pr->a, 0, pr->m, q, lid);
                if (pr->b == SIZE_MAX)
                    side_init(t, &B, pr->a, 1, pr->m, q, lid);
                else
                    side_init(t, &B, pr->b, 0, pr->m, q, lid);
                r->base_n_a = A.n;
                r->base_n_b = B.n;
                /* (0/0 for a side of weight 0, as tab's) */
                r->eff_base_a = A.w2 > 0 ? A.W * A.W / A.w2 : NAN;
                r->eff_base_b = B.w2 > 0 ? B.W * B.W / B.w2 : NAN;
                r->estimate_a = A.W > 0 ? A.T / A.W : NAN;
                r->estimate_b = B.W > 0 ? B.T / B.W : NAN;
                r->difference = r->estimate_a - r->estimate_b;
                r->se = r->ci_lower = r->ci_upper = r->t = r->p_value = NAN;
                if (!(A.W > 0 && B.W > 0))
                    continue;
                if (!A.sign1 && !B.sign1 && totals_same_domain(t, A.c[0], A.d[0], B.c[0], B.d[0])) {
                    /* the same rows on both sides: R's difference and SE are 0, t and p NaN */
                    r->difference = r->se = r->ci_lower = r->ci_upper = 0;
                    continue;
                }
                /* a side at p = 0 or 1 (counted in rows: single) has every row's score
                 * w (y - p) / W equal to 0, so it adds no term. Its terms would add 0 in
                 * exact arithmetic, but a rest's are all's cells less the segment's: where
                 * the rest weighs 1e-8 of all within the same PSUs, the round-off of all's
                 * per-PSU sums (1e-16 of all) is of the rest's own size and came out as
                 * variance (the randomized audit's s37: an SE of 4.67e-8 where R's is
                 * 3.38e-8; oracle rest/tiny_rest_cmp) */
                lin_term terms[8];
                size_t nt = A.single ? 0 : side_terms(&A, r->estimate_a, 1, terms);
                if (!B.single)
                    nt += side_terms(&B, r->estimate_b, -1, terms + nt);
                const lin_term *tp = terms;
                double var;
                /* R's svycontrast of svytotal on subset(design, base): the lonely-PSU rules
                 * see the strata holding rows of the pair's subset (sub), else of --base */
                shopstat_status st = t->rep
                                         ? rep_diff_var(t, A.c, A.d, A.sign1, A.rep_p, B.c, B.d,
                                                        B.sign1, B.rep_p, r->difference, &var, err)
                                         : totals_cov(t, &tp, &nt, 1, &sub, sub >= 0, &var, err);
                if (st) {
                    free(d);
                    free(praw);
                    return st;
                }
                /* both sides at p = 0 or 1: every row's score w (y - p) / W is 0, so the
                 * variance is 0, as R's; what the sums leave is round-off (an element
                 * design's sums of w^2, a rest's cells less the segment's: an SE of 8e-10
                 * and t of 1e9 where R's is -Inf, or a variance below 0 and no SE). The
                 * call above still checks the lonely PSUs, and a variance it leaves
                 * undefined stays so: every stratum of the subset lonely under average (R's
                 * NaN, as for tab's p at 0 or 1 there; the audit's s157 had SE 0 and t
                 * Inf), or no replicate defining the difference. */
                if (A.single && B.single && !isnan(var))
                    var = 0;
                /* sides whose rows each lie within one PSU (tab's segments of df 0, SE 0):
                 * each side's scores sum to 0 in its PSU, so the variance is 0 in exact
                 * arithmetic, and what the sums leave is round-off (1e-33: an SE of 1e-16, t
                 * of 3e15 where R's V is -1e-17). A difference of proportions has no real SE
                 * near 1e-12, as tab's df-0 rows reason; oracle one_psu_cmp_sides. */
                if (fabs(var) < 1e-24)
                    var = 0;
                /* a replicate whose weights of a side's base cancel puts x/0 among the
                 * replicate differences: the variance is Inf or NaN (before: an SE of Inf, t
                 * 0 and p 1, counted in Holm's family). As tab's, no SE, interval or test;
                 * the NaN p leaves the family, as R's p.adjust leaves an NA */
                if (t->rep && !isfinite(var))
                    r->no_interval = SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
                else
                    diff_test(r, var, pdf, ptq);
            }
            /* family: the levels of one question for one pair */
            size_t fam = k - first;
            if (rq->pq->kind == SHOPSTAT_Q_SINGLE && mirrored_pair(d + first, fam)) {
                /* one test, not two: each row adjusted as a family of one (methods.md) */
                for (size_t i = 0; i < fam; i++)
                    d[first + i].p_adjusted = d[first + i].p_value;
                continue;
            }
            for (size_t i = 0; i < fam; i++)
                praw[i] = d[first + i].p_value;
            if (shopstat_p_adjust(o->adjust, praw, fam, praw) != SHOPSTAT_OK) {
                free(d);
                free(praw);
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            }
            for (size_t i = 0; i < fam; i++)
                d[first + i].p_adjusted = praw[i];
        }
    }
    free(praw);
    *out = d;
    *n = k;
    return SHOPSTAT_OK;
}

/* The values of --by column `by` other than the one of segment skip, with positive weight
 * among the rows answering q: "1,2" for the --base hint of an empty level. Empty if they
 * do not fit. */
static void other_values(const shopstat_totals *t, size_t q, const char *by, const size_t *cols,
                         size_t nc, size_t skip, char *buf, size_t n)
{
    size_t len = 0, pre = strlen(by) + 1;
    buf[0] = '\0';
    for (size_t j = 0; j < nc; j++) {
        const char *name = t->seg[cols[j]].name;
        if (j == skip || strlen(name) < pre ||
            !(totals_cell_weight(t, totals_cell(t, cols[j], q, SIZE_MAX)) > 0))
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? "," : "", name + pre);
        if (w < 0 || (size_t)w >= n - len) {
            buf[0] = '\0';
            return;
        }
        len += (size_t)w;
    }
}

/* A level of either margin without weight leaves a zero row or column in the table: the
 * Pearson X^2 and the design effects are then undefined (R's svychisq gives NaN, or, when
 * the --by column is not a factor, a statistic that mixes the table without the level
 * with the degrees of freedom of the table with it: tests/oracle/NOTES.md). Name the
 * level and say how to leave it out instead of computing either. */
static shopstat_status chisq_check_margins(const shopstat_totals *t, size_t q, const char *by,
                                           const size_t *cols, size_t nc, const size_t *rows,
                                           size_t nr, shopstat_error *err)
{
    const rt_question *rq = &t->q[q];
    const char *qn = rq->pq->name;
    char hint[400];
    for (size_t j = 0; j < nc; j++) {
        long c = totals_cell(t, cols[j], q, SIZE_MAX);
        if (totals_cell_weight(t, c) > 0)
            continue;
        size_t n = c >= 0 ? t->cell[c].n : 0;
        other_values(t, q, by, cols, nc, j, hint, sizeof hint);
        char why[200];
        if (n)
            snprintf(why, sizeof why, ": its %zu row%s answering '%s' %s weight 0", n,
                     n == 1 ? "" : "s", qn, n == 1 ? "has" : "all have");
        else
            snprintf(why, sizeof why, " has no row that answers '%s'", qn);
        return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                  "chisq %s by %s: level %s (column %zu of the table)%s, so the "
                                  "table has an empty column and the test is undefined; leave "
                                  "the level out with shopstat_plan_parse_base(\"%s:%s\")",
                                  qn, by, t->seg[cols[j]].name, j + 1, why, by,
                                  hint[0] ? hint : "V1,V2,... (the other values)");
    }
    for (size_t i = 0; i < nr; i++) {
        double w = 0;
        size_t n = 0;
        for (size_t j = 0; j < nc; j++) {
            long c = totals_cell(t, cols[j], q, rows[i]);
            w += totals_cell_weight(t, c);
            n += c >= 0 ? t->cell[c].n : 0;
        }
        if (w > 0)
            continue;
        size_t len = 0;
        hint[0] = '\0';
        for (size_t k = 0; k < nr; k++) {
            if (k == i)
                continue;
            int m = snprintf(hint + len, sizeof hint - len, "%s%s", len ? "," : "",
                             strmap_key(&rq->levels, rows[k]));
            if (m < 0 || (size_t)m >= sizeof hint - len) {
                snprintf(hint, sizeof hint, "V1,V2,... (the other values)");
                break;
            }
            len += (size_t)m;
        }
        const char *lv = strmap_key(&rq->levels, rows[i]);
        char why[200];
        if (n)
            snprintf(why, sizeof why, ": its %zu row%s with a level of by set %s %s weight 0", n,
                     n == 1 ? "" : "s", by, n == 1 ? "has" : "all have");
        else
            snprintf(why, sizeof why, " occurs only in rows where %s is missing", by);
        return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                  "chisq %s by %s: level %s=%s (row %zu of the table)%s, so the "
                                  "table has an empty row and the test is undefined; leave the "
                                  "level out with shopstat_plan_parse_base(\"%s:%s\")",
                                  qn, by, qn, lv, i + 1, why, qn, hint);
    }
    return SHOPSTAT_OK;
}

shopstat_status shopstat_chisq(const shopstat_totals *t, size_t q, const char *by,
                               shopstat_chisq_result *out, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    memset(out, 0, sizeof *out);
    if (q >= t->nq || t->q[q].pq->kind != SHOPSTAT_Q_SINGLE)
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, NULL, 0, 0,
            "chisq needs a single-choice question (shopstat_plan_add_single)");
    /* (a column with no --by set has no values here: not "0 values of 'x'", but why) */
    int is_by = 0;
    for (size_t b = 0; b < t->nby && !is_by; b++)
        is_by = strcmp(t->plan->segments[t->by[b].plan_index].name, by) == 0;
    if (!is_by)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "chisq of '%s' by '%s': the plan has no by set of '%s' "
                                  "(shopstat_plan_add_by)",
                                  t->q[q].pq->name, by, by);
    /* The table: the levels and --by values that rows of the base hold, in display order.
     * Levels and --by values are those of the whole file (methods.md); under --base the
     * ones seen only outside it are left out, as R's svychisq on subset() sees only the
     * base's values (a level of the base without weight still stops the test below). A
     * level is in the base when its cell of segment 0 ('all', every base row) exists. */
    const rt_question *rq = &t->q[q];
    size_t nc = 0, nr = 0;
    size_t *cols = malloc((t->nseg_visible ? t->nseg_visible : 1) * sizeof *cols);
    size_t *rows = malloc((rq->levels.n ? rq->levels.n : 1) * sizeof *rows);
    if (!cols || !rows) {
        free(cols);
        free(rows);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t s = 0; s < t->nseg_visible; s++) {
        const rt_segment *rs = &t->seg[t->seg_order[s]];
        if (rs->kind == SEG_BY && rs->in_base &&
            strcmp(t->plan->segments[rs->plan_index].name, by) == 0)
            cols[nc++] = t->seg_order[s];
    }
    for (size_t i = 0; i < rq->levels.n; i++)
        if (totals_cell(t, 0, q, rq->order[i]) >= 0)
            rows[nr++] = rq->order[i];
    size_t K = nr * nc;
    out->variable = rq->pq->name;
    out->by = by;
    out->nr = nr;
    out->nc = nc;
    if (nr < 2 || nc < 2) {
        free(cols);
        free(rows);
        return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                  "chisq needs at least two levels of '%s' (has %zu) and of "
                                  "'%s' (has %zu)",
                                  rq->pq->name, nr, by, nc);
    }
    shopstat_status st = chisq_check_margins(t, q, by, cols, nc, rows, nr, err);
    if (st) {
        free(cols);
        free(rows);
        return st;
    }
    double *mean = calloc(K, sizeof *mean);
    double *V = calloc(K * K, sizeof *V);
    lin_term *terms = calloc(K * (nc + 1), sizeof *terms);
    const lin_term **tp = calloc(K, sizeof *tp);
    size_t *nt = calloc(K, sizeof *nt);
    if (!mean || !V || !terms || !tp || !nt) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    /* Cell proportions among rows answering both (R's svymean(mm, na.rm = TRUE)):
     * the joint base is the union of the --by segments' bases. */
    double WN = 0;
    for (size_t j = 0; j < nc; j++)
        WN += totals_cell_weight(t, totals_cell(t, cols[j], q, SIZE_MAX));
    if (!(WN > 0)) {
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                "no row answers both '%s' and '%s' with a positive weight",
                                rq->pq->name, by);
        goto out;
    }
    for (size_t j = 0; j < nc; j++)
        for (size_t i = 0; i < nr; i++) {
            size_t k = i + nr * j;
            long c = totals_cell(t, cols[j], q, rows[i]);
            mean[k] = totals_cell_weight(t, c) / WN;
            lin_term *tk = terms + k * (nc + 1);
            tk[0] = (lin_term){c, 1 / WN};
            for (size_t jj = 0; jj < nc; jj++)
                tk[1 + jj] = (lin_term){totals_cell(t, cols[jj], q, SIZE_MAX), -mean[k] / WN};
            tp[k] = tk;
            nt[k] = nc + 1;
        }
    long *joint = malloc(nc * sizeof *joint);
    if (!joint) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < nc; j++)
        joint[j] = totals_cell(t, cols[j], q, SIZE_MAX);
    if (t->rep) {
        /* replicate covariance of the cell proportions (R's svychisq.svyrep.design) */
        long *num = malloc(K * sizeof *num);
        for (size_t k = 0; num && k < K; k++)
            num[k] = tp[k][0].cell;
        st = num ? rep_ratios_cov(t, num, K, joint, nc, mean, V, err)
                 : shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        free(num);
    } else {
        st = totals_cov(t, tp, nt, K, joint, nc, V, err);
    }
    free(joint);
    if (st)
        goto out;
    /* R's nu and N here count every PSU, stratum and row of the design, whatever the
     * weights (svychisq uses the cluster ids, not degf()); under --base those of the base's
     * rows, since R's subset() drops the others (tests/oracle/NOTES.md). */
    double nrows = (double)(t->acct.used - t->acct.outside_base);
    double nu;
    if (t->rep) {
        nu = shopstat_totals_df(t);
    } else if (t->ps) {
        /* a post-stratified or raked design: R's subset keeps every row (weight 0 outside
         * the base), so svychisq's nu counts every PSU and stratum of the design */
        nu = (double)shopstat_totals_npsu(t) - (double)t->strata.n;
    } else {
        size_t np, ns;
        if (totals_base_design(t, &np, &ns)) {
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
        nu = (double)np - (double)ns;
    }
    if (t->rep && !(nu > 0)) {
        /* Rank 1: every replicate is the full sample scaled, so the cell proportions are
         * the same in each and their covariance is 0: no design effect, no statistic (R's
         * F = Inf on NaN df). A Taylor design of df 0 keeps its F (ddf 0, p NaN, as R). */
        char why[400];
        st = shopstat_error_set(
            err, SHOPSTAT_EINPUT, t->path, 0, 0,
            "chisq %s by %s: design degrees of freedom are %g: %s, so the replicates carry "
            "no variance and there is no test (R's F is Inf on NaN df)",
            rq->pq->name, by, nu,
            rep_df_reason(nu, t->acct.outside_base ? "the rows of the base" : "the design's rows",
                          why, sizeof why));
        goto out;
    }
    shopstat_raoscott rs;
    if ((st = shopstat_raoscott_f(nr, nc, mean, V, nrows, nu, &rs, err))) {
        if (st == SHOPSTAT_EINPUT && !err->file[0]) { /* (the test knows no file) */
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            shopstat_error_set(err, st, t->path, 0, 0, "chisq %s by %s: %s", rq->pq->name, by, m);
        }
        goto out;
    }
    out->statistic = rs.statistic;
    out->ndf = rs.ndf;
    out->ddf = rs.ddf;
    out->p_value = rs.p_value;
    out->pearson = rs.pearson;
out:
    free(cols);
    free(rows);
    free(mean);
    free(V);
    free(terms);
    free(tp);
    free(nt);
    return st;
}
