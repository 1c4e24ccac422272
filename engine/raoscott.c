/* Rao-Scott second-order corrected chi-square test of independence (Rao & Scott 1984). */
#include "shopstat/ci.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include "internal.h"

/* Every GSL object the test needs, so one function can free them all on any exit. */
typedef struct {
    gsl_matrix *x1, *c, *a, *denom, *numr, *av, *delta;
    gsl_vector *tau, *b, *coef, *resid, *rowm, *colm;
    gsl_permutation *perm;
} work;

static void work_free(work *w)
{
    gsl_matrix_free(w->x1);
    gsl_matrix_free(w->c);
    gsl_matrix_free(w->a);
    gsl_matrix_free(w->denom);
    gsl_matrix_free(w->numr);
    gsl_matrix_free(w->av);
    gsl_matrix_free(w->delta);
    gsl_vector_free(w->tau);
    gsl_vector_free(w->b);
    gsl_vector_free(w->coef);
    gsl_vector_free(w->resid);
    gsl_vector_free(w->rowm);
    gsl_vector_free(w->colm);
    gsl_permutation_free(w->perm);
}

static shopstat_status gsl_fail(int rc, const char *what, shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "Rao-Scott test: %s failed (%s)",
                              what, gsl_strerror(rc));
}

/* Pearson X^2 of the table scaled to total n, as chisq.test(svytable(..., Ntotal = n)). */
static double pearson_x2(size_t nr, size_t nc, const double *mean, double n, const double *rowm,
                         const double *colm, double total)
{
    double x2 = 0;
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < nr; i++) {
            double obs = n * mean[i + j * nr] / total;
            double exp_ = n * (rowm[i] / total) * (colm[j] / total);
            x2 += (obs - exp_) * (obs - exp_) / exp_;
        }
    }
    return x2;
}

static shopstat_status compute(size_t nr, size_t nc, const double *mean, const double *V, double n,
                               double design_df, shopstat_raoscott *out, work *w,
                               shopstat_error *err)
{
    size_t k = nr * nc, p = nr + nc - 1, m = (nr - 1) * (nc - 1);
    w->rowm = gsl_vector_calloc(nr);
    w->colm = gsl_vector_calloc(nc);
    if (!w->rowm || !w->colm)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    double *rowm = w->rowm->data, *colm = w->colm->data, total = 0;
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < nr; i++) {
            double v = mean[i + j * nr];
            if (!(v >= 0))
                return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                          "cell proportion %g is negative or undefined", v);
            rowm[i] += v;
            colm[j] += v;
            total += v;
        }
    }
    for (size_t i = 0; i < nr; i++)
        if (!(rowm[i] > 0))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "row %zu of the table has no weight; drop empty levels "
                                      "before the test",
                                      i + 1);
    for (size_t j = 0; j < nc; j++)
        if (!(colm[j] > 0))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "column %zu of the table has no weight; drop empty levels "
                                      "before the test",
                                      j + 1);
    out->pearson = pearson_x2(nr, nc, mean, n, rowm, colm, total);

    w->x1 = gsl_matrix_calloc(k, p);
    w->c = gsl_matrix_alloc(k, m);
    w->a = gsl_matrix_alloc(k, m);
    w->denom = gsl_matrix_alloc(m, m);
    w->numr = gsl_matrix_alloc(m, m);
    w->av = gsl_matrix_alloc(m, k);
    w->delta = gsl_matrix_alloc(m, m);
    w->tau = gsl_vector_alloc(p);
    w->b = gsl_vector_alloc(k);
    w->coef = gsl_vector_alloc(p);
    w->resid = gsl_vector_alloc(k);
    w->perm = gsl_permutation_alloc(m);
    if (!w->x1 || !w->c || !w->a || !w->denom || !w->numr || !w->av || !w->delta || !w->tau ||
        !w->b || !w->coef || !w->resid || !w->perm)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");

    /* Additive model on the grid (row index fastest): intercept, row dummies 2..nr,
     * column dummies 2..nc (treatment contrasts, as model.matrix). */
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < nr; i++) {
            size_t cell = i + j * nr;
            gsl_matrix_set(w->x1, cell, 0, 1);
            if (i > 0)
                gsl_matrix_set(w->x1, cell, i, 1);
            if (j > 0)
                gsl_matrix_set(w->x1, cell, nr - 1 + j, 1);
        }
    }
    int rc = gsl_linalg_QR_decomp(w->x1, w->tau);
    if (rc != GSL_SUCCESS)
        return gsl_fail(rc, "QR decomposition", err);

    /* C = interaction columns minus their projection on the additive model (R's qr.resid). */
    for (size_t ci = 0; ci < nc - 1; ci++) {
        for (size_t ri = 0; ri < nr - 1; ri++) {
            size_t col = ri + ci * (nr - 1);
            gsl_vector_set_zero(w->b);
            gsl_vector_set(w->b, (ri + 1) + (ci + 1) * nr, 1);
            rc = gsl_linalg_QR_lssolve(w->x1, w->tau, w->b, w->coef, w->resid);
            if (rc != GSL_SUCCESS)
                return gsl_fail(rc, "least squares", err);
            gsl_matrix_set_col(w->c, col, w->resid);
        }
    }

    /* A = D^-1 C, with D^-1 = 0 for an empty cell as R does. */
    for (size_t cell = 0; cell < k; cell++) {
        double inv = mean[cell] == 0 ? 0 : 1 / mean[cell];
        for (size_t col = 0; col < m; col++)
            gsl_matrix_set(w->a, cell, col, inv * gsl_matrix_get(w->c, cell, col));
    }
    gsl_matrix_const_view vv = gsl_matrix_const_view_array(V, k, k);
    /* V is symmetric, so reading it row-major instead of column-major changes nothing. */
    if ((rc = gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0 / n, w->c, w->a, 0, w->denom)) ||
        (rc = gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->a, &vv.matrix, 0, w->av)) ||
        (rc = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w->av, w->a, 0, w->numr)))
        return gsl_fail(rc, "matrix product", err);

    /* R's solve() stops when denom's reciprocal condition number (1-norm) is below machine
     * epsilon ("system is computationally singular"): a sparse table whose empty cells leave
     * denom all but singular, where an LU solve gives a meaningless Delta (ndf 0.03 in the
     * audit's case, rcond 4e-18; the oracle's tables 0.06-1). denom = C'D^-1C/n is
     * symmetric, so a Cholesky factor of a copy gives the rcond. */
    gsl_matrix *chol = gsl_matrix_alloc(m, m);
    gsl_vector *cwork = gsl_vector_alloc(3 * m);
    double rcond = 0;
    if (chol && cwork) {
        gsl_matrix_memcpy(chol, w->denom);
        if (gsl_linalg_cholesky_decomp1(chol) == GSL_SUCCESS &&
            gsl_linalg_cholesky_rcond(chol, &rcond, cwork) != GSL_SUCCESS)
            rcond = 0;
    }
    int have = chol && cwork;
    gsl_matrix_free(chol);
    gsl_vector_free(cwork);
    if (!have)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    if (!(rcond >= DBL_EPSILON))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "the table is too sparse for the test: its empty cells leave "
                                  "the design-effect system singular (reciprocal condition "
                                  "number %.2g; R's svychisq stops there too); merge rare "
                                  "levels, or leave them out with a base (shopstat_plan_add_base)",
                                  rcond);
    /* Delta = denom^-1 numr by LU; LU_solve reports a singular denom. */
    int sign;
    if ((rc = gsl_linalg_LU_decomp(w->denom, w->perm, &sign)))
        return gsl_fail(rc, "LU decomposition", err);
    for (size_t col = 0; col < m; col++) {
        gsl_vector_view src = gsl_matrix_column(w->numr, col);
        gsl_vector_view dst = gsl_matrix_column(w->delta, col);
        if ((rc = gsl_linalg_LU_solve(w->denom, w->perm, &src.vector, &dst.vector)))
            return gsl_fail(rc, "solving for the design-effect matrix", err);
    }
    double tr = 0, tr2 = 0;
    for (size_t i = 0; i < m; i++) {
        tr += gsl_matrix_get(w->delta, i, i);
        for (size_t j = 0; j < m; j++)
            tr2 += gsl_matrix_get(w->delta, i, j) * gsl_matrix_get(w->delta, j, i);
    }
    /* the generalized design effects are design effects, near 1: a sum below 1e-12 is the
     * round-off of a covariance 0 in exact arithmetic (a --base within one PSU: each cell's
     * scores sum to 0 there), which left F = X^2 / 3e-32 = 4e31 (R: 7e31, its own noise) */
    /* a covariance left undefined: --lonely-psu average with every stratum of the rows
     * lonely (R: NaN, its F NaN), where "sum to nan" said little (the audit's s157) */
    if (isnan(tr))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "the design covariance of the table is undefined: under "
                                  "design_opts.lonely average every stratum holding its rows has a "
                                  "single PSU, so there is no stratum to average over (R's F is "
                                  "NaN); choose adjust, remove or certainty, or a base over "
                                  "more PSUs");
    if (!(tr > 1e-12) || !(tr2 > 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "the design covariance carries no information on the "
                                  "association (generalized design effects sum to %g)",
                                  tr);
    out->statistic = out->pearson / tr;
    out->ndf = tr * tr / tr2;
    out->ddf = out->ndf * design_df;
    /* design df 0 (the rows in one PSU per stratum): F on 0 denominator df has no tail, as
     * R's pf gives NaN; the statistic and ndf stand */
    if (!(design_df > 0))
        return SHOPSTAT_OK;
    out->p_value = gsl_cdf_fdist_Q(out->statistic, out->ndf, out->ddf);
    if (!isfinite(out->p_value))
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                  "Rao-Scott test: GSL could not compute the F tail");
    return SHOPSTAT_OK;
}

shopstat_status shopstat_raoscott_f(size_t nr, size_t nc, const double *mean, const double *V,
                                    double n, double design_df, shopstat_raoscott *out,
                                    shopstat_error *err)
{
    shopstat_gsl_quiet();
    out->pearson = out->statistic = out->ndf = out->ddf = out->p_value = NAN;
    if (nr < 2 || nc < 2)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "a test of independence needs at least 2 rows and 2 columns "
                                  "(got %zu x %zu)",
                                  nr, nc);
    if (nr > 1024 || nc > 1024 || nr * nc > 1024)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0,
                                  "table of %zu x %zu cells is too large for the test", nr, nc);
    if (!(n > 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "sample size %g is not positive", n);
    if (!(design_df >= 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "design degrees of freedom are %g: need as many PSUs as "
                                  "strata",
                                  design_df);
    work w = {0};
    shopstat_raoscott r = *out;
    shopstat_status s = compute(nr, nc, mean, V, n, design_df, &r, &w, err);
    work_free(&w);
    if (s == SHOPSTAT_OK)
        *out = r;
    return s;
}
