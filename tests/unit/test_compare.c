/* Unit tests for compare's multiple-comparison families: which differences one adjustment
 * takes together (docs/methods.md, "Families"). */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "shopstat/compare.h"

/* 14 rows, unweighted, no design columns (each row its own PSU, df 13); --by s gives the
 * pair s=a:s=b. q: yes (1) / no (0); r: three levels; m1, m2: a multi-response set of two
 * options. R (survey 4.1.1): svydesign(ids = ~1, data = d); per level svycontrast(
 * svytotal(~ya + na + yb + nb, des), quote(ya / na - yb / nb)), p = 2 pt(-|t|, 13). */
static const char *const DATA = "s,q,r,m1,m2\n"
                                "a,1,x,1,0\na,1,x,1,1\na,1,y,0,1\na,1,x,1,1\na,1,z,1,1\n"
                                "a,0,y,0,1\nb,1,y,0,0\nb,0,z,1,0\nb,0,z,0,1\nb,0,y,0,0\n"
                                "b,1,x,1,0\nb,0,z,0,0\nb,0,z,0,1\nb,0,y,0,0\n";

/* R's p of each level of s=a minus s=b */
#define P_Q 0.021825324245920406 /* q, either level (d -0.5833 and +0.5833) */
#define P_RX 0.14848359969741143
#define P_RY 0.87851155327648045
#define P_RZ 0.19170442728237660
#define P_M1 0.12650311717473833
#define P_M2 0.021825324245920451

/* The differences with the plan and totals they borrow their names from. */
typedef struct cmp {
    shopstat_plan *p;
    shopstat_totals *t;
    shopstat_difference *d;
    size_t n;
} cmp;

static cmp compare_data(shopstat_adjust_method m, int declare_q9)
{
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    if (declare_q9) {
        /* levels 0, 1 and a declared 9 nobody gives */
        assert_int_equal(shopstat_plan_declare_level(p, "q", "0", NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_declare_level(p, "q", "1", NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_declare_level(p, "q", "9", NULL), SHOPSTAT_OK);
    }
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    const char *const cols[] = {"m1", "m2"};
    assert_int_equal(shopstat_plan_add_multi(p, "m", cols, 2, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "s", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "s=a", "s=b", NULL), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    shopstat_error err;
    assert_int_equal(totals_of_csv(DATA, p, &t, &err), SHOPSTAT_OK);
    shopstat_compare_opts o;
    shopstat_compare_opts_init(&o);
    o.adjust = m;
    cmp c = {p, t, NULL, 0};
    assert_int_equal(shopstat_compare(t, &o, &c.d, &c.n, &err), SHOPSTAT_OK);
    return c;
}

static void cmp_free(cmp *c)
{
    free(c->d);
    shopstat_totals_free(c->t);
    shopstat_plan_free(c->p);
}

static const shopstat_difference *row(const cmp *c, const char *var, const char *level)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->d[i].variable, var) == 0 && strcmp(c->d[i].level, level) == 0)
            return &c->d[i];
    fail_msg("no difference for %s=%s", var, level);
    return NULL;
}

/* A yes/no question: its two rows are one test. Each keeps R's p under Holm and BH (as
 * p.adjust of one p-value); Holm over the two rows gave 2p = 0.0437. */
static void test_two_levels_one_test(void **state)
{
    (void)state;
    const shopstat_adjust_method ms[] = {SHOPSTAT_ADJUST_HOLM, SHOPSTAT_ADJUST_BH,
                                         SHOPSTAT_ADJUST_NONE};
    for (size_t k = 0; k < 3; k++) {
        cmp c = compare_data(ms[k], 0);
        const shopstat_difference *no = row(&c, "q", "0"), *yes = row(&c, "q", "1");
        assert_close(yes->difference, 0.58333333333333337, 1e-12);
        assert_close(no->difference, -0.58333333333333337, 1e-12);
        assert_close(yes->p_value, P_Q, 1e-12);
        assert_close(no->p_value, P_Q, 1e-12);
        assert_close(yes->p_adjusted, P_Q, 1e-12);
        assert_close(no->p_adjusted, P_Q, 1e-12);
        cmp_free(&c);
    }
}

/* Three levels are dependent (d_x + d_y + d_z = 0) but not redundant: one family of three,
 * R's p.adjust(c(P_RX, P_RY, P_RZ), "holm") and "BH". */
static void test_three_levels_one_family(void **state)
{
    (void)state;
    cmp c = compare_data(SHOPSTAT_ADJUST_HOLM, 0);
    assert_close(row(&c, "r", "x")->p_value, P_RX, 1e-12);
    assert_close(row(&c, "r", "x")->p_adjusted, 0.44545079909223428, 1e-12);
    assert_close(row(&c, "r", "y")->p_adjusted, 0.87851155327648045, 1e-12);
    assert_close(row(&c, "r", "z")->p_adjusted, 0.44545079909223428, 1e-12);
    cmp_free(&c);
    c = compare_data(SHOPSTAT_ADJUST_BH, 0);
    assert_close(row(&c, "r", "x")->p_adjusted, 0.28755664092356492, 1e-12);
    assert_close(row(&c, "r", "y")->p_adjusted, P_RY, 1e-12);
    assert_close(row(&c, "r", "z")->p_adjusted, 0.28755664092356492, 1e-12);
    cmp_free(&c);
}

/* A multi-response set's options are separate hypotheses (a row may tick both), two of
 * them as much as more: R's p.adjust(c(P_M1, P_M2), "holm") and "BH". */
static void test_two_options_two_tests(void **state)
{
    (void)state;
    cmp c = compare_data(SHOPSTAT_ADJUST_HOLM, 0);
    assert_close(row(&c, "m", "m1")->p_value, P_M1, 1e-12);
    assert_close(row(&c, "m", "m2")->p_value, P_M2, 1e-12);
    assert_close(row(&c, "m", "m1")->p_adjusted, P_M1, 1e-12);
    assert_close(row(&c, "m", "m2")->p_adjusted, 0.043650648491840902, 1e-12);
    cmp_free(&c);
    c = compare_data(SHOPSTAT_ADJUST_BH, 0);
    assert_close(row(&c, "m", "m1")->p_adjusted, P_M1, 1e-12);
    assert_close(row(&c, "m", "m2")->p_adjusted, 0.043650648491840902, 1e-12);
    cmp_free(&c);
}

/* Two levels held, a third declared that no row gives: that row is 0 - 0 with no test (p
 * empty), and the two held levels are still one test. */
static void test_declared_level_nobody_holds(void **state)
{
    (void)state;
    cmp c = compare_data(SHOPSTAT_ADJUST_HOLM, 1);
    const shopstat_difference *nine = row(&c, "q", "9");
    assert_close(nine->difference, 0, 0);
    assert_true(isnan(nine->p_value) && isnan(nine->p_adjusted));
    assert_close(row(&c, "q", "0")->p_adjusted, P_Q, 1e-12);
    assert_close(row(&c, "q", "1")->p_adjusted, P_Q, 1e-12);
    cmp_free(&c);
}

/* Each difference names the pair it belongs to (shopstat_difference.pair: the index of the
 * shopstat_plan_add_pair call, which compare's score warning matches on). Two pairs, so a
 * pair left 0 shows. */
static void test_pair_index(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "s", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "s=a", "s=b", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "s=b", "all", NULL), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    shopstat_error err;
    assert_int_equal(totals_of_csv(DATA, p, &t, &err), SHOPSTAT_OK);
    shopstat_difference *d = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_compare(t, NULL, &d, &n, &err), SHOPSTAT_OK);
    assert_int_equal(n, 4); /* q's two levels for each pair */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(d[i].pair, strcmp(d[i].segment_b, "all") == 0 ? 1 : 0);
    free(d);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

/* shopstat_chisq takes a NULL err (compare.h): a test the Rao-Scott step refuses (a census,
 * --fpc N with every PSU sampled: the design effects sum to 0, as
 * tests/cli/cases/chisq_err_no_information) returns its status without writing through
 * it. */
static void test_chisq_null_err(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts o;
    shopstat_design_opts_init(&o);
    o.weight = "w";
    o.strata = "st";
    o.fpc = "N";
    assert_int_equal(shopstat_plan_set_design(p, &o, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "s", NULL), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    shopstat_error err;
    assert_int_equal(totals_of_csv("st,q,s,N,w\n1,1,a,3,1\n1,2,b,3,1\n1,1,b,3,1\n"
                                   "2,2,a,3,1\n2,1,a,3,1\n2,2,b,3,1\n",
                                   p, &t, &err),
                     SHOPSTAT_OK);
    shopstat_chisq_result r;
    assert_int_equal(shopstat_chisq(t, 0, "s", &r, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "generalized design effects sum to 0"));
    assert_int_equal(shopstat_chisq(t, 0, "s", &r, NULL), SHOPSTAT_EINPUT);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_levels_one_test),
        cmocka_unit_test(test_three_levels_one_family),
        cmocka_unit_test(test_two_options_two_tests),
        cmocka_unit_test(test_declared_level_nobody_holds),
        cmocka_unit_test(test_pair_index),
        cmocka_unit_test(test_chisq_null_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
