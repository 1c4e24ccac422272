/* Unit tests of the plan's exclusions (shopstat_plan_add_exclude, --exclude): rows left out of
 * the data and the design, counted by reason. */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "shopstat/tab.h"

/* strata s, PSUs p; the speeders are PSU A/2 whole; row 7's speeder is missing (NA) */
static const char CSV[] = "s,p,q,speeder,dur\n"
                          "A,1,1,No,300\n"
                          "A,1,2,No,90\n"
                          "A,2,1,Yes,80\n"
                          "A,2,2,Yes,400\n"
                          "B,1,1,No,200\n"
                          "B,2,2,No,NA\n"
                          "B,2,1,NA,250\n";

typedef struct run {
    shopstat_totals *t;
    shopstat_status st;
    shopstat_error err;
} run;

static run pass(shopstat_plan *p)
{
    run r;
    memset(&r, 0, sizeof r);
    r.st = totals_of_csv(CSV, p, &r.t, &r.err);
    return r;
}

static shopstat_plan *plan(int design)
{
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_error err;
    if (design) {
        shopstat_design_opts d;
        shopstat_design_opts_init(&d);
        d.strata = "s";
        d.psu = "p";
        assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    }
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    return p;
}

/* The excluded PSU is not in the design (3 PSUs, not 4); with --base it stays. */
static void test_design_without_rows(void **state)
{
    (void)state;
    shopstat_plan *p = plan(1);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    run r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_accounting a = shopstat_totals_accounting(r.t);
    assert_int_equal(a.read, 7);
    assert_int_equal(a.used, 5);
    assert_int_equal(a.excluded_cond, 2);
    assert_int_equal(a.outside_base, 0);
    assert_int_equal(shopstat_totals_npsu(r.t), 3);
    assert_int_equal(shopstat_totals_nstrata(r.t), 2);
    assert_int_equal(shopstat_totals_nexcluded(r.t), 1);
    const char *why = NULL;
    assert_int_equal(shopstat_totals_excluded(r.t, 0, &why), 2);
    assert_string_equal(why, "speeder:Yes");
    shopstat_totals_free(r.t);
    shopstat_plan_free(p);

    p = plan(1);
    assert_int_equal(shopstat_plan_parse_base(p, "speeder:No", NULL), SHOPSTAT_OK);
    r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_npsu(r.t), 4);
    assert_int_equal(shopstat_totals_accounting(r.t).used, 7);
    shopstat_totals_free(r.t);
    shopstat_plan_free(p);
}

/* Unweighted, no design: the 5 kept rows, q = 1 in 3 (the NA speeder kept): p = 0.6, SE
 * sqrt(p (1 - p) / (n - 1)) = sqrt(0.06), df 4, as svymean on the 5 rows. */
static void test_estimate_of_the_rest(void **state)
{
    (void)state;
    shopstat_plan *p = plan(0);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    run r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_tab_estimates(r.t, NULL, &e, &n, NULL), SHOPSTAT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].level, "1");
    assert_int_equal(e[0].base_n, 5);
    assert_int_equal(e[0].count, 3);
    assert_close(e[0].proportion, 0.6, 1e-12);
    assert_close(e[0].se, sqrt(0.06), 1e-12);
    assert_close(e[0].df, 4, 0);
    free(e);
    shopstat_totals_free(r.t);
    shopstat_plan_free(p);
}

/* A row meeting two exclusions counts under the first; missing values meet none but NA;
 * an exclusion of two conditions takes rows meeting both. */
static void test_reasons(void **state)
{
    (void)state;
    shopstat_plan *p = plan(0);
    /* dur < 100: rows 2 and 3; speeder Yes: rows 3 and 4 (3 counted under dur) */
    assert_int_equal(shopstat_plan_parse_exclude(p, "dur:<100", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    /* != takes no missing value: row 7 stays */
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:!=No", NULL), SHOPSTAT_OK);
    const char *v[] = {"A", NULL}, *w[] = {"300", NULL};
    shopstat_cond two[] = {{"s", SHOPSTAT_OP_IN, v}, {"dur", SHOPSTAT_OP_IN, w}};
    assert_int_equal(shopstat_plan_add_exclude(p, two, 2, "A at 300", NULL), SHOPSTAT_OK);
    run r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    size_t want[] = {2, 1, 0, 1};
    const char *reason[] = {"dur:<100", "speeder:Yes", "speeder:!=No", "A at 300"};
    for (size_t k = 0; k < 4; k++) {
        const char *why;
        assert_int_equal(shopstat_totals_excluded(r.t, k, &why), want[k]);
        assert_string_equal(why, reason[k]);
    }
    assert_int_equal(shopstat_totals_accounting(r.t).used, 3);
    shopstat_totals_free(r.t);
    shopstat_plan_free(p);

    p = plan(0);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:NA", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, "dur:NA", NULL), SHOPSTAT_OK);
    r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_excluded(r.t, 0, NULL), 1);
    assert_int_equal(shopstat_totals_excluded(r.t, 1, NULL), 1);
    shopstat_totals_free(r.t);
    shopstat_plan_free(p);
}

/* --dedupe id: a repeated id keeps its first row, among the rows the exclusions before it
 * left; a blank id is no id. Id 1's first row is a speeder: after --exclude speeder:Yes its
 * second row is its first; before it, the second is a repeat and id 1 is gone. */
static const char DUPS[] = "id,q,speeder\n"
                           "1,1,Yes\n"
                           "2,2,No\n"
                           "1,2,No\n"
                           ",1,No\n"
                           ",1,No\n"
                           "2,1,No\n"
                           "3,1,No\n";

static void test_dedupe(void **state)
{
    (void)state;
    shopstat_error err;
    /* exclude, then dedupe: ids 1 (its 2nd row), 2 (its 1st), 3 and the two blanks */
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_dedupe(p, "id", "--dedupe id", &err), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    assert_int_equal(totals_of_csv(DUPS, p, &t, &err), SHOPSTAT_OK);
    shopstat_accounting a = shopstat_totals_accounting(t);
    assert_int_equal(a.used, 5);
    assert_int_equal(a.excluded_cond, 2);
    const char *why = NULL;
    assert_int_equal(shopstat_totals_excluded(t, 0, NULL), 1);
    assert_int_equal(shopstat_totals_excluded(t, 1, &why), 1);
    assert_string_equal(why, "--dedupe id");
    assert_int_equal(shopstat_totals_excluded_dedupe(t, 0), 0);
    assert_int_equal(shopstat_totals_excluded_dedupe(t, 1), 1);
    /* q = 2 on id 1's second row and id 2's first: 2 of 5 (id 2's repeat, q = 1, gone) */
    shopstat_estimate *e = NULL;
    size_t n = 0, seen = 0;
    assert_int_equal(shopstat_tab_estimates(t, NULL, &e, &n, NULL), SHOPSTAT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].level, "2") == 0) {
            assert_close(e[i].proportion, 2.0 / 5.0, 1e-12);
            seen++;
        }
    assert_int_equal(seen, 1);
    free(e);
    shopstat_totals_free(t);
    shopstat_plan_free(p);

    /* dedupe, then exclude: id 1's second row is a repeat, its first a speeder */
    p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_dedupe(p, "id", "--dedupe id", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv(DUPS, p, &t, &err), SHOPSTAT_OK);
    a = shopstat_totals_accounting(t);
    assert_int_equal(a.used, 4);
    assert_int_equal(shopstat_totals_excluded(t, 0, NULL), 2);
    assert_int_equal(shopstat_totals_excluded(t, 1, NULL), 1);
    shopstat_totals_free(t);
    shopstat_plan_free(p);

    /* a missing id (NA) is no id: its rows are never repeats; 7's second row is */
    p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_dedupe(p, "id", "--dedupe id", &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv("id,q\nNA,1\nNA,2\n7,1\n7,2\nNA,1\n", p, &t, &err), SHOPSTAT_OK);
    a = shopstat_totals_accounting(t);
    assert_int_equal(a.used, 4);
    assert_int_equal(shopstat_totals_excluded(t, 0, NULL), 1);
    shopstat_totals_free(t);
    shopstat_plan_free(p);

    /* no column: an error of the pass, named as the dedupe's */
    p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_dedupe(p, "ID", "--dedupe ID", &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv(DUPS, p, &t, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "dedupe column 'ID'"));
    assert_int_equal(shopstat_plan_add_dedupe(p, "", "x", &err), SHOPSTAT_EUSAGE);
    shopstat_plan_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    shopstat_plan *p = plan(0);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speedr:Yes", NULL), SHOPSTAT_OK);
    run r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_EUSAGE);
    assert_non_null(strstr(r.err.msg, "exclude column 'speedr' not found"));
    shopstat_plan_free(p);

    p = plan(0);
    assert_int_equal(shopstat_plan_parse_exclude(p, "s:A,B", NULL), SHOPSTAT_OK);
    r = pass(p);
    assert_int_equal(r.st, SHOPSTAT_EUSAGE);
    assert_null(r.t);
    assert_non_null(
        strstr(r.err.msg, "exclusions leave no row: of the 7 rows read, s:A,B excludes 7"));
    shopstat_plan_free(p);

    p = plan(0);
    shopstat_error err;
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_add_exclude(p, NULL, 0, "x", &err), SHOPSTAT_EUSAGE);
    shopstat_plan_free(p);
}

/* Lengths END-START across the formats exports write, each worked out by hand: a year's
 * end (50 s), a leap day (120 s), 12 AM as 00 h and 12 PM as noon (119 s and 61 min), a
 * fraction of a second (119.5 s), a zone after the time (not applied: 90 s), a day first
 * (25/11: 100 s), dots (07.11.2026: 45 s), no seconds (240 s). */
static const char LENGTHS[] = "id,start,end,q\n"
                              "1,12/31/2026 23:59:30,01/01/2027 00:00:20,1\n"
                              "2,2028-02-28 23:59:00,2028-02-29 00:01:00,1\n"
                              "3,11/3/2026 12:00 AM,11/3/2026 12:01:59 AM,1\n"
                              "4,11/3/2026 11:59 AM,11/3/2026 1:00 PM,2\n"
                              "5,2026-11-03T10:00:00.25,2026-11-03T10:01:59.75,1\n"
                              "6,2026-11-03 10:00:00Z,2026-11-03 10:01:30Z,1\n"
                              "7,25/11/2026 10:00:00,25/11/2026 10:01:40,2\n"
                              "8,07.11.2026 17:35,07.11.2026 17:35:45,2\n"
                              "9,2026-11-03 10:00,2026-11-03 10:04,2\n";

static size_t taken(const char *cond)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, cond, &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv(LENGTHS, p, &t, &err), SHOPSTAT_OK);
    size_t n = shopstat_totals_excluded(t, 0, NULL);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    return n;
}

static void test_lengths(void **state)
{
    (void)state;
    /* under 2 min: 50, 120 (no), 119, 3660 (no), 119.5, 90, 100, 45, 240 (no) */
    assert_int_equal(taken("end-start:<120"), 6);
    assert_int_equal(taken("end-start:<=120"), 7);
    assert_int_equal(taken("end-start:<2min"), 6);
    assert_int_equal(taken("end-start:<119.5"), 5);
    assert_int_equal(taken("end-start:>1h"), 1);
    assert_int_equal(taken("end-start:>=4 m"), 2);
    assert_int_equal(taken("end-start:<50s"), 1);
    /* spaces around the '-' (as a spec's where: writes it) */
    assert_int_equal(taken("end - start:<120"), 6);
    assert_int_equal(taken("end  -start:<120"), 6);
    /* a unit after a fraction: 1.5 min is 90 s (50 and 45 under it), 0.025 h too */
    assert_int_equal(taken("end-start:<1.5min"), 2);
    assert_int_equal(taken("end-start:<=0.025 h"), 3);

    /* a name that splits two ways into two columns (a + b-c, a-b + c): refused as
     * ambiguous, at the file as a whole (no line) */
    {
        shopstat_plan *p = shopstat_plan_new();
        shopstat_error err;
        shopstat_totals *t = NULL;
        assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_parse_exclude(p, "a-b-c:<2min", &err), SHOPSTAT_OK);
        assert_int_equal(totals_of_csv("a,b-c,a-b,c,q\n2026-11-03 10:00,2026-11-03 10:00,"
                                       "2026-11-03 10:00,2026-11-03 10:00,1\n",
                                       p, &t, &err),
                         SHOPSTAT_EUSAGE);
        assert_null(t);
        assert_int_equal(err.line, 0);
        assert_int_equal(err.col, 0);
        assert_non_null(strstr(err.msg, "column 'a-b-c' splits at more than one '-' into two "
                                        "columns of the file: rename them"));
        shopstat_plan_free(p);
    }

    /* one unreadable value: an error at its line and column, not a row left out */
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, "end-start:<2min", &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv("id,start,end,q\n1,2026-11-03 10:00,2026-11-03 10:01,1\n"
                                   "2,2026-11-03 10:00,2026-13-03 10:01,2\n",
                                   p, &t, &err),
                     SHOPSTAT_EINPUT);
    assert_null(t);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 20); /* ("2,2026-11-03 10:00," is 19 bytes) */
    assert_non_null(strstr(err.msg, "'2026-13-03 10:01' in column 'end' is no date-time"));
    shopstat_plan_free(p);
}

/* Lengths over the edges of days_from_civil's 400-year eras and its March-first years (1 March
 * 2000 starts era 5; 1 January is still the year before's), by hand: 20 s, 30 s, and a day
 * (86400 s: 2400 is a leap year, 29 February in it). */
static size_t taken_of(const char *csv, const char *cond)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_exclude(p, cond, &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv(csv, p, &t, &err), SHOPSTAT_OK);
    size_t n = shopstat_totals_excluded(t, 0, NULL);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    return n;
}

static void test_length_eras(void **state)
{
    (void)state;
    static const char csv[] = "id,start,end,q\n"
                              "1,2000-02-29 23:59:50,2000-03-01 00:00:10,1\n"
                              "2,12/31/1999 23:59:45,01/01/2000 00:00:15,1\n"
                              "3,2400-02-29 23:59:50,2400-03-01 23:59:50,2\n";
    assert_int_equal(taken_of(csv, "end-start:<=20"), 1);
    assert_int_equal(taken_of(csv, "end-start:<=30"), 2);
    assert_int_equal(taken_of(csv, "end-start:>=86400"), 1);
    assert_int_equal(taken_of(csv, "end-start:>86400"), 0);
}

/* A date's fields hold at most their digits: a year of five, a month of three, an hour of
 * three is no date-time (an error at the value, not a length) */
static void test_stamp_digits(void **state)
{
    (void)state;
    static const char *const ends[] = {"12026-11-03 10:01", "2026-011-03 10:01",
                                       "2026-11-003 10:01", "2026-11-03 010:01"};
    for (size_t i = 0; i < 4; i++) {
        char csv[200];
        snprintf(csv, sizeof csv, "id,start,end,q\n1,2026-11-03 10:00,%s,1\n", ends[i]);
        shopstat_plan *p = shopstat_plan_new();
        shopstat_error err;
        shopstat_totals *t = NULL;
        assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_parse_exclude(p, "end-start:<2min", &err), SHOPSTAT_OK);
        assert_int_equal(totals_of_csv(csv, p, &t, &err), SHOPSTAT_EINPUT);
        assert_null(t);
        assert_int_equal(err.line, 2);
        assert_int_equal(err.col, 20); /* ("1,2026-11-03 10:00," is 19 bytes) */
        char want[80];
        snprintf(want, sizeof want, "'%s' in column 'end' is no date-time", ends[i]);
        if (!strstr(err.msg, want))
            fail_msg("%s: %s", ends[i], err.msg);
        shopstat_plan_free(p);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_without_rows),
        cmocka_unit_test(test_estimate_of_the_rest),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_dedupe),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_length_eras),
        cmocka_unit_test(test_stamp_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
