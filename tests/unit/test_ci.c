/* Unit tests for the interval formulas: R svyciprop fixtures, Wilson and Clopper-Pearson by hand,
 * edge cases. */
#include "testutil.h"

#include <string.h>

#include <gsl/gsl_errno.h>

#include "ci_fixtures.h"
#include "shopstat/ci.h"

#define NFIX (sizeof ci_fixtures / sizeof ci_fixtures[0])

/* The fixtures' stats: p, var, df, base_n, base_n_pos, base_weight, eff_base. */
static shopstat_domain_stats stats_of(const double *s)
{
    shopstat_domain_stats d = {.p = s[0],
                               .var = s[1],
                               .df = s[2],
                               .base_n = s[3],
                               .base_n_pos = s[4],
                               .base_weight = s[5],
                               .eff_base = s[6]};
    return d;
}

/* A domain of n rows of weight 1 (base_n = base_n_pos = base_weight = eff_base = n). */
static shopstat_domain_stats equal_weights(double p, double var, double df, double n)
{
    const double s[] = {p, var, df, n, n, n, n};
    return stats_of(s);
}

/* Every method against R at 1e-6, likelihood at 2e-3 (R reads it off a spline). Also reports
 * the largest difference seen per method so regressions in accuracy show up in the log. */
static void test_against_r(void **state)
{
    (void)state;
    const char *names[] = {"logit", "xlogit", "mean", "asin", "beta", "likelihood"};
    double maxdiff[6] = {0};
    size_t seen[6] = {0};
    for (size_t i = 0; i < NFIX; i++) {
        const ci_fixture *f = &ci_fixtures[i];
        shopstat_ci_method m;
        shopstat_error err;
        assert_int_equal(shopstat_ci_method_parse(f->method, &m, &err), SHOPSTAT_OK);
        shopstat_domain_stats d = stats_of(f->stats);
        shopstat_interval ci;
        if (shopstat_ci(m, &d, f->level, &ci, &err) != SHOPSTAT_OK)
            fail_msg("%s %s: %s", f->label, f->method, err.msg);
        assert_int_equal(ci.fallback, 0);
        double tol = m == SHOPSTAT_CI_LIKELIHOOD ? 2e-3 : 1e-6;
        assert_close(ci.lower, f->lower, tol);
        assert_close(ci.upper, f->upper, tol);
        for (size_t k = 0; k < 6; k++) {
            if (strcmp(f->method, names[k]) == 0) {
                maxdiff[k] =
                    fmax(maxdiff[k], fmax(fabs(ci.lower - f->lower), fabs(ci.upper - f->upper)));
                seen[k]++;
            }
        }
    }
    for (size_t k = 0; k < 6; k++) {
        assert_true(seen[k] >= 40);
        print_message("%-10s %3zu intervals, max |C - R| = %.3g\n", names[k], seen[k], maxdiff[k]);
    }
}

/* deff against R's svymean(deff = "replace"), including bases with zero-weight rows. */
static void test_deff_against_r(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIX; i++) {
        shopstat_domain_stats d = stats_of(ci_fixtures[i].stats);
        assert_close(shopstat_deff(&d), ci_fixtures[i].stats[7], 1e-9);
    }
}

static void test_wilson_by_hand(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof wilson_fixtures / sizeof wilson_fixtures[0]; i++) {
        const double *w = wilson_fixtures[i];
        shopstat_domain_stats d = equal_weights(w[0], w[1], w[2], 100);
        shopstat_interval ci;
        assert_int_equal(shopstat_ci(SHOPSTAT_CI_WILSON, &d, w[3], &ci, NULL), SHOPSTAT_OK);
        assert_close(ci.lower, w[4], 1e-9);
        assert_close(ci.upper, w[5], 1e-9);
    }
    /* Fully by hand: p = 0.5, var = 0.01 (n = 25), df = 4, level 0.95: t = 2.7764451051977934,
     * t^2/n = 0.308344, centre 0.5 (symmetric), half = t sqrt(0.01 + t^2/2500) / (1 + t^2/n). */
    shopstat_domain_stats d = {.p = 0.5,
                               .var = 0.01,
                               .df = 4,
                               .base_n = 30,
                               .base_n_pos = 30,
                               .base_weight = 30,
                               .eff_base = 25};
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_WILSON, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    double t = 2.7764451051977934, n = 25;
    double half = t * sqrt(0.25 / n + t * t / (4 * n * n)) / (1 + t * t / n);
    assert_close(ci.lower, 0.5 - half, 1e-9);
    assert_close(ci.upper, 0.5 + half, 1e-9);
}

static void test_clopper_pearson_fallback(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cp_fixtures / sizeof cp_fixtures[0]; i++) {
        const double *c = cp_fixtures[i];
        shopstat_domain_stats d = {.p = c[0],
                                   .var = 0,
                                   .df = 10,
                                   .base_n = 40,
                                   .base_n_pos = 40,
                                   .base_weight = 1234.5,
                                   .eff_base = c[1]};
        for (int m = SHOPSTAT_CI_LOGIT; m <= SHOPSTAT_CI_LIKELIHOOD; m++) {
            shopstat_interval ci;
            assert_int_equal(shopstat_ci((shopstat_ci_method)m, &d, c[2], &ci, NULL), SHOPSTAT_OK);
            assert_int_equal(ci.fallback, 1);
            assert_close(ci.lower, c[3], 1e-9);
            assert_close(ci.upper, c[4], 1e-9);
        }
    }
    /* Closed forms: at x = 0 the upper limit solves (1 - u)^n = alpha/2; at x = n the lower
     * limit solves l^n = alpha/2. */
    shopstat_domain_stats d = {.p = 0,
                               .var = 0,
                               .df = 0,
                               .base_n = 20,
                               .base_n_pos = 20,
                               .base_weight = 50,
                               .eff_base = 12.5};
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_LOGIT, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    assert_close(ci.lower, 0, 1e-15);
    assert_close(ci.upper, 1 - pow(0.025, 1 / 12.5), 1e-9);
    d.p = 1;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_BETA, &d, 0.90, &ci, NULL), SHOPSTAT_OK);
    assert_close(ci.lower, pow(0.05, 1 / 12.5), 1e-9);
    assert_close(ci.upper, 1, 1e-15);
}

/* A single respondent: p is 0 or 1 and eff_base = 1, so CP gives [0, 1 - alpha/2]. */
static void test_single_respondent(void **state)
{
    (void)state;
    shopstat_domain_stats d = {
        .p = 0, .var = 0, .df = 0, .base_n = 1, .base_n_pos = 1, .base_weight = 3.2, .eff_base = 1};
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_LIKELIHOOD, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    assert_int_equal(ci.fallback, 1);
    assert_close(ci.lower, 0, 1e-15);
    assert_close(ci.upper, 0.975, 1e-12);
    d.p = 1;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_WALD, &d, 0.90, &ci, NULL), SHOPSTAT_OK);
    assert_close(ci.lower, 0.05, 1e-12);
    assert_close(ci.upper, 1, 1e-15);
    assert_true(isnan(shopstat_deff(&d)));
}

static void test_empty_base(void **state)
{
    (void)state;
    shopstat_domain_stats d = {.p = NAN, .var = NAN, .df = 0, .base_n = 0};
    shopstat_interval ci;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_LOGIT, &d, 0.95, &ci, &err), SHOPSTAT_OK);
    assert_true(isnan(ci.lower) && isnan(ci.upper));
    assert_int_equal(ci.fallback, 0);
    /* Rows present but all weights zero: p is 0/0. */
    shopstat_domain_stats z = {.p = NAN, .var = NAN, .df = 0, .base_n = 5, .base_weight = 0};
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_BETA, &z, 0.95, &ci, &err), SHOPSTAT_OK);
    assert_true(isnan(ci.lower) && isnan(ci.upper));
    assert_true(isnan(shopstat_deff(&z)));
}

static void test_bad_df_and_var(void **state)
{
    (void)state;
    shopstat_domain_stats d = equal_weights(0.4, 0.002, 0, 30);
    shopstat_interval ci;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_LOGIT, &d, 0.95, &ci, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "degrees of freedom"));
    assert_true(isnan(ci.lower));
    d.df = -1;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_WALD, &d, 0.95, &ci, &err), SHOPSTAT_EINPUT);
    d.df = NAN;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_WALD, &d, 0.95, &ci, &err), SHOPSTAT_EINPUT);
    d.df = 5;
    d.var = -1e-9;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_ASIN, &d, 0.95, &ci, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "variance"));
    d.var = 0.002;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_ASIN, &d, 1.0, &ci, &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_ASIN, &d, 0, &ci, &err), SHOPSTAT_EUSAGE);
    d.p = 1.5;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_ASIN, &d, 0.95, &ci, &err), SHOPSTAT_EINPUT);
}

/* var = 0 with 0 < p < 1: every method collapses onto p. */
static void test_zero_variance(void **state)
{
    (void)state;
    shopstat_domain_stats d = equal_weights(0.25, 0, 3, 8);
    for (int m = SHOPSTAT_CI_LOGIT; m <= SHOPSTAT_CI_LIKELIHOOD; m++) {
        shopstat_interval ci;
        assert_int_equal(shopstat_ci((shopstat_ci_method)m, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
        assert_close(ci.lower, 0.25, 1e-15);
        assert_close(ci.upper, 0.25, 1e-15);
        assert_int_equal(ci.fallback, 0);
    }
}

/* Hand-checked Wald and logit: p = 0.2, var = 0.0016 (se 0.04), df = 10,
 * qt(0.975, 10) = 2.2281388519862739. */
static void test_wald_logit_by_hand(void **state)
{
    (void)state;
    shopstat_domain_stats d = equal_weights(0.2, 0.0016, 10, 100);
    double t = 2.2281388519862739;
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_WALD, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    assert_close(ci.lower, 0.2 - t * 0.04, 1e-12);
    assert_close(ci.upper, 0.2 + t * 0.04, 1e-12);
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_XLOGIT, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    double h = t * 0.04 / 0.16;
    assert_close(ci.lower, 1 / (1 + 4 * exp(h)), 1e-12);
    assert_close(ci.upper, 1 / (1 + 4 * exp(-h)), 1e-12);
    /* deff = var (n' - 1) / (p q) = 0.0016 * 99 / 0.16 */
    assert_close(shopstat_deff(&d), 0.99, 1e-12);
}

/* asin clips the angle at 0: a lower bound of 0, never a reflected positive value. */
static void test_asin_clip(void **state)
{
    (void)state;
    shopstat_domain_stats d = equal_weights(0.01, 0.0004, 20, 50);
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_ASIN, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    assert_close(ci.lower, 0, 1e-15);
    assert_true(ci.upper > 0.01 && ci.upper < 1);
}

/* Likelihood limits satisfy their defining equation (ci.h) to high precision. */
static void test_likelihood_equation(void **state)
{
    (void)state;
    shopstat_domain_stats d = {.p = 0.07,
                               .var = 0.0003,
                               .df = 30,
                               .base_n = 300,
                               .base_n_pos = 250,
                               .base_weight = 900,
                               .eff_base = 200};
    shopstat_interval ci;
    assert_int_equal(shopstat_ci(SHOPSTAT_CI_LIKELIHOOD, &d, 0.95, &ci, NULL), SHOPSTAT_OK);
    double t = 2.0422724563012378; /* qt(0.975, 30) */
    double target = 250.0 / 249.0 * t * t * 0.0003 / (2 * 0.07 * 0.93);
    double lims[2] = {ci.lower, ci.upper};
    for (int i = 0; i < 2; i++) {
        double mu = lims[i];
        double kl = 0.07 * log(0.07 / mu) + 0.93 * log(0.93 / (1 - mu));
        assert_close(kl, target, 1e-10);
    }
    assert_true(ci.lower < 0.07 && ci.upper > 0.07);
}

/* Large effective bases make gsl_cdf_beta_Pinv fail (its density overflows), or return a
 * wrong value, and GSL's beta CDF give up near the mean (10^7, 10^8); tiny shapes make the
 * lower limit underflow. All must still match R's qbeta. */
static void test_beta_extreme_shapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kg_extreme / sizeof kg_extreme[0]; i++) {
        const double *k = kg_extreme[i];
        shopstat_domain_stats d = equal_weights(k[0], k[1], k[2], k[3]);
        shopstat_interval ci;
        shopstat_error err;
        if (shopstat_ci(SHOPSTAT_CI_BETA, &d, k[4], &ci, &err) != SHOPSTAT_OK)
            fail_msg("case %zu: %s", i, err.msg);
        assert_close(ci.lower, k[5], 1e-9);
        assert_close(ci.upper, k[6], 1e-9);
    }
}

/* An effective base of 2.7e19 (the randomized audit's ext4.R, seed 40: weights from 1e-6 to
 * 1e6, p 0.424 with SE 2.7e-11): shapes past the continued fraction's reach, where tab
 * stopped with "GSL could not compute the beta quantile" (R's qbeta: NaN). The limits are
 * the normal's, mu + qnorm(P) sd of each beta, worked out in R (qnorm; the skewness term
 * is below 1e-9 of sd there). */
static void test_beta_huge_shapes(void **state)
{
    (void)state;
    shopstat_domain_stats d = {.p = 0.4244273612891406,
                               .var = 2.742925003713916e-11 * 2.742925003713916e-11,
                               .df = 1,
                               .base_n = 11,
                               .base_n_pos = 11,
                               .base_weight = 6814.715017770659,
                               .eff_base = 2.3353100354666387};
    shopstat_interval ci;
    shopstat_error err;
    if (shopstat_ci(SHOPSTAT_CI_BETA, &d, 0.90, &ci, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    assert_close(ci.lower, 0.42442736113197416, 1e-12);
    assert_close(ci.upper, 0.42442736144630716, 1e-12);
}

/* p near 1 with a huge variance: the upper logit limit is beyond exp()'s range; the interval
 * must still come back, with the lower limit on its equation and the upper at (or next to) 1. */
static void test_likelihood_extreme(void **state)
{
    (void)state;
    shopstat_domain_stats d = equal_weights(0.999967, 1.41931e-05, 6, 26);
    shopstat_interval ci;
    shopstat_error err;
    if (shopstat_ci(SHOPSTAT_CI_LIKELIHOOD, &d, 0.95, &ci, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    double t = 2.4469118511449688; /* qt(0.975, 6) */
    double target = 26.0 / 25.0 * t * t * d.var / (2 * d.p * (1 - d.p));
    double mu = ci.lower;
    assert_close(d.p * log(d.p / mu) + (1 - d.p) * log((1 - d.p) / (1 - mu)), target, 1e-9);
    assert_true(ci.lower < d.p && ci.upper > 1 - 1e-12 && ci.upper <= 1);
}

static void test_parse_names(void **state)
{
    (void)state;
    struct {
        const char *in;
        shopstat_ci_method m;
        const char *canon;
    } cases[] = {
        {"logit", SHOPSTAT_CI_LOGIT, "logit"},
        {"xlogit", SHOPSTAT_CI_XLOGIT, "xlogit"},
        {"wald", SHOPSTAT_CI_WALD, "wald"},
        {"mean", SHOPSTAT_CI_WALD, "wald"},
        {"wilson", SHOPSTAT_CI_WILSON, "wilson"},
        {"asin", SHOPSTAT_CI_ASIN, "asin"},
        {"beta", SHOPSTAT_CI_BETA, "beta"},
        {"korn-graubard", SHOPSTAT_CI_BETA, "beta"},
        {"exact", SHOPSTAT_CI_BETA, "beta"},
        {"likelihood", SHOPSTAT_CI_LIKELIHOOD, "likelihood"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shopstat_ci_method m = SHOPSTAT_CI_ASIN;
        assert_int_equal(shopstat_ci_method_parse(cases[i].in, &m, NULL), SHOPSTAT_OK);
        assert_int_equal(m, cases[i].m);
        assert_string_equal(shopstat_ci_method_name(m), cases[i].canon);
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_ci_method m = SHOPSTAT_CI_ASIN;
    assert_int_equal(shopstat_ci_method_parse("Logit", &m, &err), SHOPSTAT_EUSAGE);
    assert_int_equal(m, SHOPSTAT_CI_ASIN);
    assert_non_null(strstr(err.msg, "'Logit'"));
    assert_non_null(strstr(err.msg, "likelihood"));
    assert_non_null(strstr(err.msg, "(did you mean 'logit'? names are lower case)"));
    /* the names a small-sample user asks for: what to take instead */
    assert_int_equal(shopstat_ci_method_parse("Clopper-Pearson", &m, &err), SHOPSTAT_EUSAGE);
    assert_int_equal(m, SHOPSTAT_CI_ASIN);
    assert_non_null(strstr(err.msg, "'Clopper-Pearson': take beta"));
    assert_int_equal(shopstat_ci_method_parse("score", &m, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "unknown interval method 'score': the score interval is wilson");
    assert_int_equal(shopstat_ci_method_parse("jeffreys", &m, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "not offered"));
    assert_int_equal(shopstat_ci_method_parse("wilsn", &m, &err), SHOPSTAT_EUSAGE);
    assert_null(strstr(err.msg, "did you mean"));
    assert_int_equal(shopstat_ci_method_parse(NULL, &m, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(shopstat_ci_method_name((shopstat_ci_method)99), "unknown");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_r),           cmocka_unit_test(test_deff_against_r),
        cmocka_unit_test(test_wilson_by_hand),      cmocka_unit_test(test_clopper_pearson_fallback),
        cmocka_unit_test(test_single_respondent),   cmocka_unit_test(test_empty_base),
        cmocka_unit_test(test_bad_df_and_var),      cmocka_unit_test(test_zero_variance),
        cmocka_unit_test(test_wald_logit_by_hand),  cmocka_unit_test(test_asin_clip),
        cmocka_unit_test(test_likelihood_equation), cmocka_unit_test(test_beta_extreme_shapes),
        cmocka_unit_test(test_beta_huge_shapes),    cmocka_unit_test(test_likelihood_extreme),
        cmocka_unit_test(test_parse_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
