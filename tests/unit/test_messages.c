/* The library's messages name what a calling program sets (an options struct's field, the
 * call that takes a condition), never the shopstat program's flags; the CLI says the flags
 * (tests/cli goldens). */
#include "testutil.h"

#include "shopstat/replicate.h"

/* No "--flag" in a library message: a program that embeds the library has no flags. */
static void assert_no_flag(const char *msg)
{
    for (const char *s = msg; (s = strstr(s, "--")) != NULL; s += 2)
        if (s[2] >= 'a' && s[2] <= 'z')
            fail_msg("a library message names a flag: %s", msg);
}

static shopstat_status pass_error(const char *csv, const shopstat_design_opts *d,
                                  shopstat_error *err)
{
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_set_design(p, d, NULL), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    shopstat_status st = totals_of_csv(csv, p, &t, err);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    if (!st)
        st = shopstat_tab_estimates(t, NULL, &e, &n, err);
    free(e);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    return st;
}

/* The design's options: replicate weights without a type, Fay without rho, a lonely PSU */
static void test_design_fields(void **state)
{
    (void)state;
    shopstat_design_opts d;
    shopstat_error err;
    shopstat_design_opts_init(&d);
    d.repweights = "rw";
    shopstat_error_clear(&err);
    assert_int_equal(pass_error("q,rw1,rw2\n1,1,2\n2,2,1\n", &d, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "design_opts.repweights needs design_opts.reptype (brr, "
                                    "fay with design_opts.rho,"));
    assert_no_flag(err.msg);
    d.reptype = SHOPSTAT_REP_FAY;
    shopstat_error_clear(&err);
    assert_int_equal(pass_error("q,rw1,rw2\n1,1,2\n2,2,1\n", &d, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "design_opts.reptype fay needs design_opts.rho R with 0 <= R < "
                                 "1 (the Fay coefficient the weights were made with)");

    shopstat_design_opts_init(&d);
    d.strata = "s";
    d.psu = "c";
    shopstat_error_clear(&err);
    assert_int_equal(pass_error("q,s,c\n1,a,1\n2,a,2\n1,b,3\n", &d, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "stratum 'b' has only one PSU, so its variance cannot be "
                                    "estimated; choose a design_opts.lonely rule: remove, "
                                    "certainty, adjust or average"));
    assert_no_flag(err.msg);
}

/* The reader's options: a Qualtrics import-id row names csv_opts.skip_rows */
static void test_csv_fields(void **state)
{
    (void)state;
    shopstat_design_opts d;
    shopstat_error err;
    shopstat_design_opts_init(&d);
    shopstat_error_clear(&err);
    assert_int_equal(
        pass_error("q\nQuestion text\n\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n1\n", &d, &err),
        SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "use csv_opts.skip_rows 2 (skip_rows: 2 in a spec)"));
    assert_no_flag(err.msg);
}

/* shopstat_replicate_write's options: an empty prefix, a jk1 design with strata, too few
 * bootstrap replicates */
static void test_replicate_fields(void **state)
{
    (void)state;
    char *path = write_tmp("s,c\na,1\na,2\nb,3\nb,4\n");
    shopstat_replicate_opts o;
    shopstat_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    shopstat_replicate_opts_init(&o);
    o.psu = "c";
    o.prefix = "";
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_replicate_write(path, NULL, &o, out, NULL, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "replicate_opts.prefix must not be empty");
    shopstat_replicate_opts_init(&o);
    o.psu = "c";
    o.strata = "s";
    o.type = SHOPSTAT_REP_JK1;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_replicate_write(path, NULL, &o, out, NULL, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "jk1 is for unstratified designs (as R); use "
                                 "replicate_opts.type jkn with replicate_opts.strata");
    shopstat_replicate_opts_init(&o);
    o.psu = "c";
    o.type = SHOPSTAT_REP_BOOTSTRAP;
    o.replicates = 1;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_replicate_write(path, NULL, &o, out, NULL, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "replicate_opts.replicates must be between 2 and "));
    assert_no_flag(err.msg);
    fclose(out);
    remove_tmp(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_fields),
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_replicate_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
