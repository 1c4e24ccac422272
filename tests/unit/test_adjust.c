/* Unit tests for p-value adjustment: R's p.adjust (holm, BH) with ties and NaN, names, edge cases.
 */
#include "testutil.h"

#include <string.h>

#include <gsl/gsl_errno.h>

#include "ci_fixtures.h"
#include "shopstat/ci.h"

#define NP (sizeof padj_in / sizeof padj_in[0])

static void test_holm_against_r(void **state)
{
    (void)state;
    double out[NP];
    shopstat_p_adjust(SHOPSTAT_ADJUST_HOLM, padj_in, NP, out);
    for (size_t i = 0; i < NP; i++)
        assert_close(out[i], padj_holm[i], 1e-12);
}

static void test_bh_against_r(void **state)
{
    (void)state;
    double out[NP];
    shopstat_p_adjust(SHOPSTAT_ADJUST_BH, padj_in, NP, out);
    for (size_t i = 0; i < NP; i++)
        assert_close(out[i], padj_bh[i], 1e-12);
}

/* out may alias p; NONE copies. */
static void test_in_place_and_none(void **state)
{
    (void)state;
    double v[NP];
    memcpy(v, padj_in, sizeof v);
    shopstat_p_adjust(SHOPSTAT_ADJUST_BH, v, NP, v);
    for (size_t i = 0; i < NP; i++)
        assert_close(v[i], padj_bh[i], 1e-12);
    double out[NP];
    shopstat_p_adjust(SHOPSTAT_ADJUST_NONE, padj_in, NP, out);
    for (size_t i = 0; i < NP; i++)
        assert_close(out[i], padj_in[i], 0);
}

/* By hand: Holm on {0.04, 0.01, 0.03}: sorted 0.01*3 = 0.03, max(0.03, 0.03*2) = 0.06,
 * max(0.06, 0.04) = 0.06. BH: 0.04*3/3 = 0.04, min(0.04, 0.03*3/2 = 0.045) = 0.04,
 * min(0.04, 0.01*3) = 0.03. */
static void test_small_by_hand(void **state)
{
    (void)state;
    const double p[] = {0.04, 0.01, 0.03};
    double out[3];
    assert_int_equal(shopstat_p_adjust(SHOPSTAT_ADJUST_HOLM, p, 3, out), SHOPSTAT_OK);
    assert_close(out[0], 0.06, 1e-15);
    assert_close(out[1], 0.03, 1e-15);
    assert_close(out[2], 0.06, 1e-15);
    shopstat_p_adjust(SHOPSTAT_ADJUST_BH, p, 3, out);
    assert_close(out[0], 0.04, 1e-15);
    assert_close(out[1], 0.03, 1e-15);
    assert_close(out[2], 0.04, 1e-15);
    /* Capped at 1; a lone p-value is unchanged; all-NaN and empty inputs are fine. */
    const double big[] = {0.6, 0.7};
    shopstat_p_adjust(SHOPSTAT_ADJUST_HOLM, big, 2, out);
    assert_close(out[0], 1, 0);
    assert_close(out[1], 1, 0);
    const double one[] = {NAN, 0.2, NAN};
    shopstat_p_adjust(SHOPSTAT_ADJUST_HOLM, one, 3, out);
    assert_true(isnan(out[0]) && isnan(out[2]));
    assert_close(out[1], 0.2, 1e-15);
    shopstat_p_adjust(SHOPSTAT_ADJUST_BH, one, 0, out);
}

static void test_parse(void **state)
{
    (void)state;
    shopstat_adjust_method m = SHOPSTAT_ADJUST_NONE;
    assert_int_equal(shopstat_adjust_parse("holm", &m, NULL), SHOPSTAT_OK);
    assert_int_equal(m, SHOPSTAT_ADJUST_HOLM);
    assert_int_equal(shopstat_adjust_parse("bh", &m, NULL), SHOPSTAT_OK);
    assert_int_equal(m, SHOPSTAT_ADJUST_BH);
    assert_string_equal(shopstat_adjust_name(m), "bh");
    /* the name people read, in a chart's footer: "(Benjamini-Hochberg)", not "(bh)" */
    assert_string_equal(shopstat_adjust_label(m), "Benjamini-Hochberg");
    assert_string_equal(shopstat_adjust_label(SHOPSTAT_ADJUST_HOLM), "Holm");
    assert_string_equal(shopstat_adjust_label(SHOPSTAT_ADJUST_NONE), "none");
    assert_int_equal(shopstat_adjust_parse("fdr", &m, NULL), SHOPSTAT_OK);
    assert_int_equal(m, SHOPSTAT_ADJUST_BH);
    assert_int_equal(shopstat_adjust_parse("none", &m, NULL), SHOPSTAT_OK);
    assert_int_equal(m, SHOPSTAT_ADJUST_NONE);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_adjust_parse("bonferroni", &m, &err), SHOPSTAT_EUSAGE);
    assert_int_equal(m, SHOPSTAT_ADJUST_NONE);
    assert_non_null(strstr(err.msg, "'bonferroni'"));
    assert_non_null(strstr(err.msg, "holm"));
}

/* A method that is none of the three: EUSAGE, the n outputs NaN and not one more written
 * (out[n] once took a NaN: tools/mutate.sh's i <= n survived every test). */
static void test_unknown_method(void **state)
{
    (void)state;
    const double p[] = {0.04, 0.01, 0.03};
    double out[4] = {0, 0, 0, 0.5};
    assert_int_equal(shopstat_p_adjust((shopstat_adjust_method)99, p, 3, out), SHOPSTAT_EUSAGE);
    assert_true(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
    assert_true(out[3] == 0.5);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holm_against_r),
        cmocka_unit_test(test_bh_against_r),
        cmocka_unit_test(test_in_place_and_none),
        cmocka_unit_test(test_small_by_hand),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_unknown_method),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
