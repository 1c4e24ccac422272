/* Raking (R's rake): the margins' population files, the iterative fitting, the sweeps. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define RAKE_SWEEPS 10       /* svyrecvar's fixed count for a "raking" object */
#define RAKE_MAXIT 10        /* rake()'s control$maxit */
#define RAKE_EPSILON 1.0     /* and control$epsilon */
#define RAKE_TOTALS_REL 1e-6 /* margins' totals that differ more are refused */

typedef struct rake_state {
    ps_state *m; /* the margins: each one's columns (in the data), cells, totals, file */
    size_t nm;
    size_t mcap; /* m's entries, zeroed until bound: rake_free frees every one (a bind that
                  * fails part way leaves its margin, and those after, partly made or 0) */
    size_t *radix; /* cells of each margin */
    int maxit;
    double epsilon;
    /* after the pass, per joint cell j (those with rows) */
    size_t J;
    uint32_t *lev; /* lev[j nm + m]: its cell of margin m */
    double *f;     /* f[m J + j]: its factor after margin m in the last iteration */
    double *n;     /* its rows */
    int converged;
    size_t iter;
} rake_state;

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

void rake_free(rake_state *rk)
{
    if (!rk)
        return;
    for (size_t m = 0; rk->m && m < rk->mcap; m++) {
        ps_state *p = &rk->m[m];
        free(p->cols);
        strmap_free(&p->strata);
        free(p->N);
        free(p->line);
        free(p->path);
        free(p->kbuf);
    }
    free(rk->m);
    free(rk->radix);
    free(rk->lev);
    free(rk->f);
    free(rk->n);
    free(rk);
}

/* One margin "COL[,COL]=FILE" (len bytes of spec). */
static shopstat_status bind_margin(shopstat_totals *t, ps_state *p, const char *spec, size_t len,
                                   shopstat_error *err)
{
    const char *eq = memchr(spec, '=', len);
    if (!eq || eq == spec || eq + 1 == spec + len)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design_opts.rake margin '%.*s' is not COL[,COL]=FILE (the "
                                  "margin's columns, then the file of its population totals)",
                                  (int)len, spec);
    size_t cl = (size_t)(eq - spec), fl = len - cl - 1;
    char *cols = malloc(cl + 1), *file = malloc(fl + 1);
    shopstat_status st = SHOPSTAT_OK;
    if (!cols || !file) {
        st = nomem(err);
        goto out;
    }
    memcpy(cols, spec, cl);
    cols[cl] = '\0';
    memcpy(file, eq + 1, fl);
    file[fl] = '\0';
    smap_init(&p->strata);
    if ((st = ps_parse_cols(p, cols, cl, "design_opts.rake", err)) ||
        (st = ps_read_population(p, file, "design_opts.rake", cols, "margin cell", err)))
        goto out;
    for (size_t j = 0; j < p->ncols && !st; j++) {
        size_t idx;
        if (!(st = shopstat_reader_column(t->reader, p->kbuf + p->cols[j], "rake", &idx, err)))
            p->cols[j] = idx;
    }
out:
    free(cols);
    free(file);
    return st;
}

shopstat_status rake_bind(shopstat_totals *t, shopstat_error *err)
{
    const shopstat_design_opts *d = &t->plan->design;
    rake_state *rk = t->ps->rk = calloc(1, sizeof *rk);
    if (!rk)
        return nomem(err);
    rk->maxit = d->rake_maxit > 0 ? d->rake_maxit : RAKE_MAXIT;
    rk->epsilon = d->rake_epsilon > 0 ? d->rake_epsilon : RAKE_EPSILON;
    size_t nm = 1;
    for (const char *s = d->rake; *s; s++)
        nm += *s == '\n';
    rk->m = calloc(nm, sizeof *rk->m);
    rk->radix = calloc(nm, sizeof *rk->radix);
    if (!rk->m || !rk->radix)
        return nomem(err);
    rk->mcap = nm;
    uint64_t cells = 1;
    double total0 = 0;
    for (const char *s = d->rake; rk->nm < nm; rk->nm++) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        ps_state *p = &rk->m[rk->nm];
        shopstat_status st = bind_margin(t, p, s, len, err);
        if (st)
            return st;
        rk->radix[rk->nm] = p->strata.n;
        cells *= p->strata.n;
        if (cells > UINT32_MAX)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0,
                                      "design_opts.rake: the margins cross into more than "
                                      "%lu cells",
                                      (unsigned long)UINT32_MAX);
        /* every margin counts the same population: R rakes margins whose totals differ
         * all the same, and its weights then sum to the last margin's total, the earlier
         * margins missed; shopstat refuses them */
        double total = 0;
        for (size_t g = 0; g < p->strata.n; g++)
            total += p->N[g];
        if (rk->nm == 0)
            total0 = total;
        else if (fabs(total - total0) > RAKE_TOTALS_REL * total0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, p->path, 1, 1,
                                      "this margin's population totals sum to %.15g, the "
                                      "first margin's (%s) to %.15g: every margin must count "
                                      "the same population (raking cannot meet both)",
                                      total, rk->m[0].path, total0);
        s = e ? e + 1 : s + len;
    }
    return SHOPSTAT_OK;
}

shopstat_status rake_row(shopstat_totals *t, const shopstat_row *row, long *g, shopstat_error *err)
{
    rake_state *rk = t->ps->rk;
    uint64_t id = 0;
    for (size_t m = 0; m < rk->nm; m++) {
        ps_state *p = &rk->m[m];
        shopstat_status st = ps_cols_present(t, row, p, "rake",
                                             "its cell of each margin (R's rake stops too)", err);
        if (st)
            return st;
        size_t kl = ps_join_key(row, p->cols, p->ncols, &p->kbuf, &p->kcap);
        if (kl == SIZE_MAX)
            return nomem(err);
        size_t lv = strmap_find(&p->strata, p->kbuf, kl, strmap_hash(p->kbuf, kl));
        if (lv == (size_t)-1) {
            char shown[200], hint[600];
            ps_show_key(p->kbuf, kl, shown, sizeof shown);
            ps_missing_hint(p, p->kbuf, kl, hint, sizeof hint);
            size_t c = p->cols[0];
            return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, row->pos[c].line,
                                      row->pos[c].col,
                                      "margin cell '%s' of this row is not in the population "
                                      "file %s: give its population total there%s",
                                      shown, p->path, hint);
        }
        id = id * rk->radix[m] + lv;
    }
    *g = (long)id;
    return SHOPSTAT_OK;
}

typedef struct code_unit {
    uint32_t code;
    uint32_t u;
} code_unit;

static int by_code(const void *a, const void *b)
{
    const code_unit *x = a, *y = b;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return (x->u > y->u) - (x->u < y->u);
}

/* A margin cell without weight: R's postStratify stops ("Some strata absent from
 * sample"). */
static shopstat_status empty_cell(const shopstat_totals *t, const ps_state *p, size_t l, int rows,
                                  shopstat_error *err)
{
    char shown[200];
    ps_show_key(SMAP_KEY(&p->strata, l), SMAP_LEN(&p->strata, l), shown, sizeof shown);
    return shopstat_error_set(err, SHOPSTAT_EINPUT, p->path, p->line[l], 1,
                              rows ? "margin cell '%s' has rows in %s but their weights sum "
                                     "to 0: its weights cannot be raked to its total"
                                   : "margin cell '%s' has no row in %s (R's rake stops too): "
                                     "leave its line out, or join it to a neighbouring cell "
                                     "in every margin",
                              shown, t->path);
}

/* rake(): postStratify on each margin in turn, r[j] the factor of joint cell j (levels
 * lev[j nm + m]) for the weights W[j]; old, S scratch (J, and the largest margin's cells).
 * rounds 0: R's own test, stop when the joint table (svytable of the full sample's weights)
 * moved less than eps, or after maxit rounds (*iter rounds that did not converge,
 * *converged); rounds > 0: that many rounds, no test (a replicate: R's rake tests the full
 * sample's table alone, and every replicate is post-stratified as often as it). fm (or
 * NULL): r after margin m of the last round, fm[m J + j]. Returns 0, or 1 + the margin m
 * and *bad its cell whose raked weight is 0 or not finite (rounds > 0 only: the full
 * sample's cells were checked first, rake_fit). */
static size_t rake_rounds(const rake_state *rk, size_t J, const uint32_t *lev, const double *W,
                          double *r, double *fm, double *old, double *S, double eps,
                          size_t rounds, size_t *iter, int *converged, size_t *bad)
{
    size_t nm = rk->nm;
    for (size_t j = 0; j < J; j++) {
        r[j] = 1;
        old[j] = W[j];
    }
    *iter = 0;
    *converged = 0;
    for (size_t k = 0; rounds ? k < rounds : *iter < (size_t)rk->maxit; k++) {
        for (size_t m = 0; m < nm; m++) {
            memset(S, 0, rk->radix[m] * sizeof *S);
            for (size_t j = 0; j < J; j++)
                S[lev[j * nm + m]] += W[j] * r[j];
            for (size_t l = 0; rounds && l < rk->radix[m]; l++)
                if (!(S[l] != 0 && isfinite(rk->m[m].N[l] / S[l]))) {
                    *bad = l;
                    return m + 1;
                }
            for (size_t j = 0; j < J; j++) {
                size_t l = lev[j * nm + m];
                r[j] *= rk->m[m].N[l] / S[l];
                if (fm)
                    fm[m * J + j] = r[j];
            }
        }
        if (rounds)
            continue;
        double delta = 0;
        for (size_t j = 0; j < J; j++) {
            double x = W[j] * r[j], dx = fabs(old[j] - x);
            delta = dx > delta ? dx : delta;
            old[j] = x;
        }
        if (delta < eps) {
            *converged = 1;
            break;
        }
        (*iter)++;
    }
    return 0;
}

shopstat_status rake_fit(shopstat_totals *t, shopstat_error *err)
{
    ps_state *ps = t->ps;
    rake_state *rk = ps->rk;
    size_t npu = ps->npu, nm = rk->nm;
    int fpcw = t->fcol != SIZE_MAX && !t->has_weight;
    /* the joint cells with rows, numbered in the order of their ids */
    code_unit *cu = malloc((npu ? npu : 1) * sizeof *cu);
    if (!cu)
        return nomem(err);
    for (size_t u = 0; u < npu; u++)
        cu[u] = (code_unit){ps->g[u], (uint32_t)u};
    qsort(cu, npu, sizeof *cu, by_code);
    size_t J = 0;
    for (size_t i = 0; i < npu; i++) {
        if (i && cu[i].code != cu[i - 1].code)
            J++;
        ps->g[cu[i].u] = (uint32_t)J;
    }
    J += npu > 0;
    rk->J = J;
    rk->lev = calloc(J * nm + 1, sizeof *rk->lev);
    rk->f = calloc(J * nm + 1, sizeof *rk->f);
    rk->n = calloc(J + 1, sizeof *rk->n);
    ps->r = calloc(J + 1, sizeof *ps->r);
    double *W = calloc(3 * J + 1, sizeof *W), *Wc = W + J, *old = Wc + J;
    size_t maxr = 0;
    for (size_t m = 0; m < nm; m++)
        maxr = rk->radix[m] > maxr ? rk->radix[m] : maxr;
    double *S = calloc(maxr + 1, sizeof *S);
    size_t *rows = calloc(maxr + 1, sizeof *rows);
    shopstat_status st = SHOPSTAT_OK;
    if (!rk->lev || !rk->f || !rk->n || !ps->r || !W || !S || !rows) {
        st = nomem(err);
        goto out;
    }
    for (size_t i = 0; i < npu; i++) {
        size_t j = ps->g[cu[i].u];
        if (i == 0 || cu[i].code != cu[i - 1].code) {
            uint32_t code = cu[i].code;
            for (size_t m = nm; m-- > 0;) {
                rk->lev[j * nm + m] = (uint32_t)(code % rk->radix[m]);
                code /= (uint32_t)rk->radix[m];
            }
        }
    }
    for (size_t u = 0; u < npu; u++) {
        size_t j = ps->g[u];
        double c = fpcw ? t->st[ps->pu[u].stratum].w_fpc : 1;
        ksum(&W[j], &Wc[j], c * ps->wsum[u]);
        rk->n[j] += (double)ps->nrows[u];
    }
    /* R's svyrecvar divides each row's score by its raked weight (x / psw): a row of
     * weight 0 gives 0/0, NaN, which the sweeps carry to every margin cell and so to every
     * standard error (R prints NaN for each); shopstat says so instead */
    size_t nzero = 0;
    for (size_t u = 0; u < npu && !t->rep; u++) /* (replicates: no such division) */
        nzero += ps->nzero[u];
    if (nzero) { /* (the chunked pass knows no line: its error sends the rows to the exact
                  * pass, whose zline is the first such row's) */
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, ps->zline, ps->zcol,
                                "this row's weight is 0: R's rake would give every standard "
                                "error NaN (its variance divides each row's score by the "
                                "row's weight); leave such rows out (--exclude) to rake the "
                                "others");
        goto out;
    }
    double Wsum = 0;
    for (size_t j = 0; j < J; j++) {
        W[j] += Wc[j];
        Wsum += W[j];
    }
    /* R: an epsilon below 1 is a fraction of the sampling weights' sum */
    double eps = rk->epsilon < 1 ? rk->epsilon * Wsum : rk->epsilon;
    /* every margin cell of the population needs weight in the sample */
    for (size_t m = 0; m < nm && !st; m++) {
        memset(S, 0, rk->radix[m] * sizeof *S);
        memset(rows, 0, rk->radix[m] * sizeof *rows);
        for (size_t j = 0; j < J; j++) {
            S[rk->lev[j * nm + m]] += W[j];
            rows[rk->lev[j * nm + m]] = 1;
        }
        for (size_t l = 0; l < rk->radix[m] && !st; l++)
            if (!(S[l] > 0))
                st = empty_cell(t, &rk->m[m], l, (int)rows[l], err);
    }
    if (st)
        goto out;
    size_t bad;
    rake_rounds(rk, J, rk->lev, W, ps->r, rk->f, old, S, eps, 0, &rk->iter, &rk->converged,
                &bad);
    ps->ng = J;
out:
    free(cu);
    free(W);
    free(S);
    free(rows);
    return st;
}

size_t rake_cells(const rake_state *rk)
{
    size_t cells = 1;
    for (size_t m = 0; m < rk->nm; m++)
        cells *= rk->radix[m];
    return cells;
}

shopstat_status rake_rep_fit(const shopstat_totals *t, const uint32_t *code, size_t J,
                             const double *W0, const double *const *Wr, size_t R,
                             const size_t *cols, double *f, shopstat_error *err)
{
    const rake_state *rk = t->ps->rk;
    size_t nm = rk->nm, maxr = 0;
    for (size_t m = 0; m < nm; m++)
        maxr = rk->radix[m] > maxr ? rk->radix[m] : maxr;
    uint32_t *lev = malloc((J * nm + 1) * sizeof *lev);
    double *buf = malloc((4 * J + maxr + 1) * sizeof *buf);
    if (!lev || !buf) {
        free(lev);
        free(buf);
        return nomem(err);
    }
    double *W = buf, *r = W + J, *old = r + J, *S = old + J;
    double Wsum = 0;
    for (size_t j = 0; j < J; j++) {
        uint32_t c = code[j];
        for (size_t m = nm; m-- > 0;) {
            lev[j * nm + m] = (uint32_t)(c % rk->radix[m]);
            c /= (uint32_t)rk->radix[m];
        }
        Wsum += W0[j];
    }
    memset(f, 0, J * R * sizeof *f);
    shopstat_status st = SHOPSTAT_OK;
    /* the full sample's margin cells all weighted (else rake_fit's error, after) */
    int ok = 1;
    for (size_t m = 0; m < nm && ok; m++) {
        memset(S, 0, rk->radix[m] * sizeof *S);
        for (size_t j = 0; j < J; j++)
            S[lev[j * nm + m]] += W0[j];
        for (size_t l = 0; l < rk->radix[m]; l++)
            ok &= S[l] > 0;
    }
    if (!ok)
        goto out;
    /* the full sample's rounds, as rake_fit counts them */
    double eps = rk->epsilon < 1 ? rk->epsilon * Wsum : rk->epsilon;
    size_t iter, bad = 0;
    int conv;
    rake_rounds(rk, J, lev, W0, r, NULL, old, S, eps, 0, &iter, &conv, &bad);
    size_t rounds = conv ? iter + 1 : iter;
    for (size_t k = 0; k < R && !st; k++) {
        for (size_t j = 0; j < J; j++)
            W[j] = Wr[j][k];
        size_t m = rake_rounds(rk, J, lev, W, r, NULL, old, S, eps, rounds, &iter, &conv, &bad);
        if (m) {
            const ps_state *p = &rk->m[m - 1];
            char shown[200];
            ps_show_key(SMAP_KEY(&p->strata, bad), SMAP_LEN(&p->strata, bad), shown,
                        sizeof shown);
            double sum = 0; /* (the replicate's own weights of the cell, as read) */
            for (size_t j = 0; j < J; j++)
                sum += lev[j * nm + m - 1] == bad ? W[j] : 0;
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, p->path, p->line[bad], 1,
                                    "margin cell '%s': replicate weight column '%s' sums to "
                                    "%g over its rows in %s, so that replicate cannot be "
                                    "raked to the cell's total (R's rake stops too: the "
                                    "replicate's weights become NaN); join the cell to a "
                                    "neighbouring one",
                                    shown, shopstat_reader_colname(t->reader, cols[k]), sum,
                                    t->path);
            break;
        }
        for (size_t j = 0; j < J; j++)
            f[j * R + k] = r[j];
    }
out:
    free(lev);
    free(buf);
    return st;
}

void shopstat_rake_columns(const char *rake, char *buf, size_t n)
{
    size_t o = 0;
    int copy = 1;
    if (!n)
        return;
    for (const char *s = rake; *s && o + 3 < n; s++) {
        if (*s == '\n') {
            buf[o++] = ';';
            buf[o++] = ' ';
            copy = 1;
        } else if (*s == '=' && copy) {
            copy = 0;
        } else if (copy) {
            buf[o++] = *s;
        }
    }
    buf[o] = '\0';
}

/* Appends s (len bytes) to buf at *o, keeping room for the terminating NUL. */
static void put(char *buf, size_t n, size_t *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len && *o + 1 < n; i++)
        buf[(*o)++] = s[i];
}

void shopstat_rake_margins(const char *rake, int files, char *buf, size_t n)
{
    size_t o = 0, nm = 0, m = 0;
    if (!n)
        return;
    for (const char *s = rake; *s; s++)
        nm += *s == '\n';
    nm += *rake != '\0';
    for (const char *s = rake; *s && o + 1 < n; m++) {
        const char *end = strchr(s, '\n');
        if (!end)
            end = s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(end - s));
        const char *cend = eq ? eq : end;
        if (m)
            put(buf, n, &o, m + 1 < nm ? ", " : " and ", m + 1 < nm ? 2 : 5);
        /* a margin's columns cross: "sex x race" */
        for (const char *c = s; c < cend; c++) {
            if (*c == ',')
                put(buf, n, &o, " x ", 3);
            else
                put(buf, n, &o, c, 1);
        }
        if (files && eq) {
            put(buf, n, &o, " (totals: ", 10);
            put(buf, n, &o, eq + 1, (size_t)(end - eq - 1));
            put(buf, n, &o, ")", 1);
        }
        s = *end ? end + 1 : end;
    }
    buf[o] = '\0';
}

void ps_zero_row(ps_state *ps, const shopstat_row *row, size_t wcol)
{
    ps->zline = row->pos[wcol].line;
    ps->zcol = row->pos[wcol].col;
}

int shopstat_totals_rake_converged(const shopstat_totals *t, size_t *iterations)
{
    const rake_state *rk = t->ps ? t->ps->rk : NULL;
    if (!rk)
        return 1;
    if (iterations)
        *iterations = rk->iter;
    return rk->converged;
}

double shopstat_population_sum(const shopstat_totals *t)
{
    const ps_state *ps = t->ps;
    if (!ps)
        return NAN;
    const ps_state *m = ps->rk ? &ps->rk->m[0] : ps;
    double total = 0;
    for (size_t g = 0; g < m->strata.n; g++)
        total += m->N[g];
    return total;
}

int shopstat_population_warning(const shopstat_totals *t, char *buf, size_t n)
{
    const ps_state *ps = t->ps;
    if (!ps)
        return 0;
    const ps_state *m = ps->rk ? &ps->rk->m[0] : ps; /* (raking: every margin's sum agrees) */
    double total = 0;
    for (size_t g = 0; g < m->strata.n; g++)
        total += m->N[g];
    size_t used = shopstat_totals_accounting(t).used;
    /* a sample cannot outnumber its population: such totals are shares, not counts */
    if (!(total < (double)used))
        return 0;
    if (n && !ps->rk)
        snprintf(buf, n,
                 "the population totals of %s sum to %.6g, fewer than the %zu rows used: "
                 "shares or percentages rather than counts? The proportions and their SEs "
                 "are those of counts, but weighted bases and totals are of a population of "
                 "%.6g: give counts for those",
                 m->path, total, used, total);
    else if (n) /* (R's rake: epsilon 1 is in weight units, so coarse for a total of 100) */
        snprintf(buf, n,
                 "the population totals of %s sum to %.6g, fewer than the %zu rows used: "
                 "shares or percentages rather than counts? Weighted bases and totals are of "
                 "a population of %.6g, and raking stops sooner than with counts (its "
                 "epsilon, 1, is in weight units), as R's rake: give counts",
                 m->path, total, used, total);
    return 1;
}

/* svyrecvar on a "raking" object: 10 times over the margins of the last iteration,
 * x <- x - psw * ave(x / psw, margin), psw the weights that margin's postStratify left,
 * ave an unweighted mean over the rows of the margin's cell. A row's x is w F y (w its
 * design weight, F its joint cell's final factor, y its score's value), psw = w f_m, so
 * x stays w (F y + b) with b constant in each joint cell: the mean over margin cell l is
 * sum_{j in l} (F_j Y_j + n_j b_j) / f_mj over sum_{j in l} n_j (Y_j the joint cell's
 * unweighted score sum, n_j its rows), and b_j falls by f_mj times it (no row has weight
 * 0: rake_fit). The residual is then w F (y - c_j), c_j = -b_j / F_j. */
shopstat_status rake_resid(const shopstat_totals *t, const double *Yg, size_t K, double *c,
                           shopstat_error *err)
{
    const rake_state *rk = t->ps->rk;
    size_t J = rk->J, nm = rk->nm;
    size_t maxr = 0;
    for (size_t m = 0; m < nm; m++)
        maxr = rk->radix[m] > maxr ? rk->radix[m] : maxr;
    double *b = calloc(J * K + 1, sizeof *b);
    double *sum = calloc(maxr * K + 1, sizeof *sum), *cnt = calloc(maxr + 1, sizeof *cnt);
    if (!b || !sum || !cnt) {
        free(b);
        free(sum);
        free(cnt);
        return nomem(err);
    }
    const double *F = rk->f + (nm - 1) * J;
    for (int it = 0; it < RAKE_SWEEPS; it++) {
        for (size_t m = 0; m < nm; m++) {
            const double *fm = rk->f + m * J;
            memset(sum, 0, rk->radix[m] * K * sizeof *sum);
            memset(cnt, 0, rk->radix[m] * sizeof *cnt);
            for (size_t j = 0; j < J; j++) {
                size_t l = rk->lev[j * nm + m];
                cnt[l] += rk->n[j];
                for (size_t k = 0; k < K; k++)
                    sum[l * K + k] += (F[j] * Yg[j * K + k] + rk->n[j] * b[j * K + k]) / fm[j];
            }
            for (size_t j = 0; j < J; j++) {
                size_t l = rk->lev[j * nm + m];
                for (size_t k = 0; k < K; k++)
                    b[j * K + k] -= fm[j] * (sum[l * K + k] / cnt[l]);
            }
        }
    }
    for (size_t j = 0; j < J; j++)
        for (size_t k = 0; k < K; k++)
            c[j * K + k] = -b[j * K + k] / F[j];
    free(b);
    free(sum);
    free(cnt);
    return SHOPSTAT_OK;
}
