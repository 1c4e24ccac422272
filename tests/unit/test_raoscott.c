/* Unit tests for the Rao-Scott F test: R's svychisq(statistic = "F") on five tables, and input
 * errors. */
#include "testutil.h"

#include <string.h>

#include <gsl/gsl_errno.h>

#include "ci_fixtures.h"
#include "shopstat/ci.h"

static void test_against_r(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rs_fixtures / sizeof rs_fixtures[0]; i++) {
        const rs_fixture *f = &rs_fixtures[i];
        shopstat_raoscott r;
        shopstat_error err;
        if (shopstat_raoscott_f((size_t)f->nr, (size_t)f->nc, f->mean, f->V, f->n, f->df, &r,
                                &err) != SHOPSTAT_OK)
            fail_msg("%s: %s", f->label, err.msg);
        assert_close(r.pearson, f->pearson, 1e-9);
        assert_close(r.statistic, f->statistic, 1e-6);
        assert_close(r.ndf, f->ndf, 1e-6);
        assert_close(r.ddf, f->ddf, 1e-6);
        /* p-values are compared relative to their own size, not absolutely. */
        assert_close(r.p_value / f->p_value, 1, 1e-6);
    }
}

/* 2 x 2 table with V equal to the multinomial (SRS) covariance (diag(m) - m m') / n: every
 * design effect is 1, so F = X^2, d0 = 1 and ddf = design_df. Cells 0.1, 0.2 / 0.3, 0.4
 * (column-major) give X^2 = n * sum (m_ij - r_i c_j)^2 / (r_i c_j) with r = (0.4, 0.6),
 * c = (0.3, 0.7): n = 100 -> 100 * 0.0004 * (1/0.12 + 1/0.28 + 1/0.18 + 1/0.42)
 * = 0.79365079365079361 (R agrees). */
static void test_srs_covariance(void **state)
{
    (void)state;
    const double m[4] = {0.1, 0.2, 0.3, 0.4};
    double V[16];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            V[i + 4 * j] = ((i == j ? m[i] : 0) - m[i] * m[j]) / 100;
    shopstat_raoscott r;
    assert_int_equal(shopstat_raoscott_f(2, 2, m, V, 100, 99, &r, NULL), SHOPSTAT_OK);
    double x2 = 100 * 0.0004 * (1 / 0.12 + 1 / 0.28 + 1 / 0.18 + 1 / 0.42);
    assert_close(r.pearson, x2, 1e-12);
    assert_close(r.statistic, x2, 1e-9);
    assert_close(r.ndf, 1, 1e-9);
    assert_close(r.ddf, 99, 1e-9);
    /* F(1, 99) upper tail at 0.79365...: R pf(0.79365079365079361, 1, 99, lower.tail = FALSE) */
    assert_close(r.p_value, 0.37515845457440677, 1e-9);
    /* design df 0 (rows in one PSU per stratum): R's svychisq keeps F and ndf, ddf 0 and
     * p NaN (pf on 0 df) */
    assert_int_equal(shopstat_raoscott_f(2, 2, m, V, 100, 0, &r, NULL), SHOPSTAT_OK);
    assert_close(r.statistic, x2, 1e-9);
    assert_close(r.ndf, 1, 1e-9);
    assert_true(r.ddf == 0);
    assert_true(isnan(r.p_value));
}

static void test_errors(void **state)
{
    (void)state;
    const double m[4] = {0.5, 0.0, 0.5, 0.0}; /* second row empty */
    double V[16] = {0};
    shopstat_raoscott r;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_raoscott_f(2, 2, m, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "row 2"));
    assert_true(isnan(r.statistic) && isnan(r.p_value));
    /* the column margin is checked too (a library caller has no chisq_check_margins before
     * it), and a negative or undefined cell proportion (tools/mutate.sh left both unchecked) */
    const double col0[4] = {0.5, 0.5, 0.0, 0.0}; /* second column empty */
    assert_int_equal(shopstat_raoscott_f(2, 2, col0, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "column 2 of the table has no weight"));
    const double neg[4] = {0.6, 0.5, -0.1, 0.0};
    assert_int_equal(shopstat_raoscott_f(2, 2, neg, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "cell proportion -0.1 is negative"));
    const double undef[4] = {0.5, NAN, 0.25, 0.25};
    assert_int_equal(shopstat_raoscott_f(2, 2, undef, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "negative or undefined"));
    const double ok[4] = {0.1, 0.2, 0.3, 0.4};
    assert_int_equal(shopstat_raoscott_f(2, 2, ok, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "design effects"));
    assert_int_equal(shopstat_raoscott_f(1, 4, ok, V, 10, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_int_equal(shopstat_raoscott_f(2, 2, ok, V, 10, -1, &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "degrees of freedom"));
    assert_int_equal(shopstat_raoscott_f(2, 2, ok, V, 0, 5, &r, &err), SHOPSTAT_EINPUT);
    assert_int_equal(shopstat_raoscott_f(2000, 2, ok, V, 10, 5, &r, &err), SHOPSTAT_ELIMIT);
    /* the cap is on the cells too: 40 x 30 = 1,200 > 1,024, each side within its own cap
     * (tools/mutate.sh's nr / nc for nr * nc survived); the mean is read only past the cap */
    assert_int_equal(shopstat_raoscott_f(40, 30, ok, V, 10, 5, &r, &err), SHOPSTAT_ELIMIT);
    assert_non_null(strstr(err.msg, "40 x 30 cells is too large"));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_r),
        cmocka_unit_test(test_srs_covariance),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
