/* Unit tests for the result writers: a failed write is reported, not swallowed. */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <locale.h>

#include "shopstat/output.h"

static const shopstat_estimate est[2] = {
    {.variable = "q",
     .level = "yes",
     .segment = "all",
     .base_n = 10,
     .base_weight = 10,
     .count = 6,
     .proportion = 0.6,
     .se = 0.1,
     .ci_lower = 0.4,
     .ci_upper = 0.8,
     .df = 9,
     .deff = 1,
     .eff_base = 10},
    {.variable = "q",
     .level = "no",
     .segment = "all",
     .base_n = 10,
     .base_weight = 10,
     .count = 4,
     .proportion = 0.4,
     .se = 0.1,
     .ci_lower = 0.2,
     .ci_upper = 0.6,
     .df = 9,
     .deff = 1,
     .eff_base = 10,
     .l = 1},
};

static const shopstat_difference diff[1] = {
    {.variable = "q",
     .level = "yes",
     .segment_a = "a",
     .segment_b = "b",
     .estimate_a = 0.6,
     .estimate_b = 0.5,
     .difference = 0.1,
     .se = 0.1,
     .df = 9,
     .t = 1,
     .p_value = 0.3,
     .p_adjusted = 0.3},
};

static const shopstat_tab_context ctx = {
    .data = "d.csv", .ci = "logit", .level = 0.95, .rows_read = 10, .rows_used = 10};

/* A stream that cannot be written (opened for reading): every writer says so, with
 * SHOPSTAT_EIO, where it used to return nothing and let the caller commit a truncated
 * file. */
static void test_write_error_reported(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_write_tab_csv(f, est, 2, NULL, 1, &err), SHOPSTAT_EIO);
    assert_non_null(strstr(err.msg, "cannot write"));
    assert_int_equal(shopstat_write_compare_csv(f, diff, 1, "t", 1, NULL), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_tab_json(f, est, 2, &ctx, &err), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_tab_table(f, est, 2, &ctx, &err), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_rows_line(f, &ctx, &err), SHOPSTAT_EIO);
    fclose(f);
}

static void test_write_ok(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_write_tab_csv(f, est, 2, NULL, 1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_compare_csv(f, diff, 1, "t", 1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_tab_json(f, est, 2, &ctx, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_tab_table(f, est, 2, &ctx, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_rows_line(f, &ctx, NULL), SHOPSTAT_OK);
    assert_int_equal(err.status, SHOPSTAT_OK);
    fclose(f);
}

/* JSON strings are UTF-8: valid sequences are kept, a byte that starts none (a Latin-1
 * path in run.json) is \ufffd, and the string still ends at its closing quote. */
static void test_json_string_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"caf\xC3\xA9", "\"caf\xC3\xA9\""},                                     /* é, valid */
        {"caf\xE9.yml", "\"caf\\ufffd.yml\""},                                  /* Latin-1 é */
        {"\xE2\x82\xAC \xF0\x9F\x98\x80", "\"\xE2\x82\xAC \xF0\x9F\x98\x80\""}, /* €, emoji */
        {"a\xE2\x82", "\"a\\ufffd\\ufffd\""},                                   /* cut at the end */
        {"\xC0\xAF\xED\xA0\x80",
         "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* overlong, surrogate */
        {"q\"\\\n\x01", "\"q\\\"\\\\\\n\\u0001\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        shopstat_json_string(f, cases[i].in);
        fclose(f);
        assert_string_equal(buf, cases[i].out);
        free(buf);
    }
}

/* Numbers are written as CSV and JSON take them, whatever the process locale: a library
 * caller's setlocale(LC_ALL, "") with a decimal comma made 0.6 "0,6", a CSV field split in
 * two and JSON that does not parse. Each locale not installed is skipped (the C locale ends
 * the list); tests/hostile/run.sh runs this test with a de_DE.UTF-8 made by localedef. */
static void test_numbers_any_locale(void **state)
{
    (void)state;
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        char b[40];
        assert_string_equal(shopstat_format_double(0.6, b, sizeof b), "0.6");
        assert_string_equal(shopstat_format_double(-2.5e-7, b, sizeof b), "-2.5e-07");
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        shopstat_error err;
        assert_int_equal(shopstat_write_tab_csv(f, est, 1, NULL, 0, &err), SHOPSTAT_OK);
        shopstat_json_number(f, 0.25);
        fclose(f);
        assert_string_equal(buf, "q,yes,all,10,10,6,0.6,0.1,0.4,0.8,9,1,10\n0.25");
        free(buf);
    }
    setlocale(LC_NUMERIC, "C");
}

/* shopstat_tab_context_init fills every field a writer reads from the totals (a program
 * embedding the library filled 25 fields by hand, and a zeroed field wrote "ci": null,
 * "level": 0 into the JSON). A stratified cluster design with population sizes and an empty
 * row; then Fay's replicate weights with the default options. */
static void test_context_init(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    d.fpc = "N";
    shopstat_error err;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    assert_int_equal(totals_of_csv("s,p,w,N,q\n"
                                   "A,1,2,10,x\nA,1,1,10,y\nA,2,2,10,x\nA,2,3,10,y\n"
                                   ",,,,\n"
                                   "B,3,1,10,x\nB,3,1,10,x\nB,4,2,10,y\nB,4,2,10,x\n",
                                   p, &t, &err),
                     SHOPSTAT_OK);
    shopstat_tab_opts o;
    shopstat_tab_opts_init(&o);
    o.ci = SHOPSTAT_CI_WILSON;
    o.level = 0.9;
    shopstat_tab_context c;
    memset(&c, 0xa5, sizeof c); /* (every field set, whatever was there) */
    shopstat_tab_context_init(&c, t, &o);
    assert_ptr_equal(c.data, shopstat_totals_path(t));
    assert_true(strncmp(c.data, "/tmp/shopstat_test_", 19) == 0);
    assert_string_equal(c.weight, "w");
    assert_string_equal(c.strata, "s");
    assert_string_equal(c.psu, "p");
    assert_string_equal(c.fpc, "N");
    assert_int_equal(c.fpc_fractions, 0); /* population sizes */
    assert_string_equal(c.lonely, "fail");
    assert_string_equal(c.ci, "wilson");
    assert_close(c.level, 0.9, 0);
    assert_int_equal(c.rows_read, 9);
    assert_int_equal(c.rows_used, 8);
    assert_int_equal(c.rows_excluded, 1);
    assert_int_equal(c.rows_skipped, 0);
    assert_int_equal(c.rows_empty, 1);
    assert_null(c.base);
    assert_int_equal(c.rows_outside_base, 0);
    assert_int_equal(c.nstrata, 2);
    assert_int_equal(c.npsu, 4);
    assert_close(c.df, 2, 0); /* 4 PSUs - 2 strata */
    assert_null(c.repweights);
    assert_null(c.reptype);
    assert_null(c.rep_note);
    assert_int_equal(c.replicates, 0);
    assert_null(c.none_in_base);
    assert_int_equal(c.nnone_in_base, 0);
    assert_ptr_equal(c.totals, t);
    shopstat_totals_free(t);
    shopstat_plan_free(p);

    p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.repweights = "r1,r2";
    d.reptype = SHOPSTAT_REP_FAY;
    d.rho = 0.5;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv("w,r1,r2,q\n2,3,1,x\n2,1,3,y\n2,3,1,y\n2,1,3,x\n", p, &t,
                                   &err),
                     SHOPSTAT_OK);
    memset(&c, 0xa5, sizeof c);
    shopstat_tab_context_init(&c, t, NULL);
    assert_string_equal(c.ci, "logit"); /* the defaults, as shopstat_tab_opts_init's */
    assert_close(c.level, 0.95, 0);
    assert_string_equal(c.weight, "w");
    assert_null(c.strata);
    assert_null(c.psu);
    assert_null(c.fpc);
    assert_string_equal(c.repweights, "r1,r2");
    assert_string_equal(c.reptype, "fay");
    assert_int_equal(c.replicates, 2);
    assert_close(c.rho, 0.5, 0);
    assert_int_equal(c.mse, 0);
    assert_int_equal(c.rows_read, 4);
    assert_int_equal(c.rows_used, 4);
    assert_int_equal(c.rows_excluded, 0);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_error_reported),
        cmocka_unit_test(test_write_ok),
        cmocka_unit_test(test_json_string_utf8),
        cmocka_unit_test(test_numbers_any_locale),
        cmocka_unit_test(test_context_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
