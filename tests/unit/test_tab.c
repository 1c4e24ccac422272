/* Unit tests for the stats core on small hand-checked designs and edge cases. */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopstat/compare.h"
#include "shopstat/design.h"
#include "shopstat/output.h"
#include "shopstat/tab.h"

typedef struct run {
    shopstat_estimate *e;
    size_t n;
    shopstat_status st;
    shopstat_error err;
    shopstat_totals *t;
} run;

/* Write csv to a temporary file, run the plan over it, estimate with the given CI. */
static run tab(const char *csv, shopstat_plan *p, shopstat_ci_method ci)
{
    run r;
    memset(&r, 0, sizeof r);
    r.st = totals_of_csv(csv, p, &r.t, &r.err);
    if (r.st)
        return r;
    shopstat_tab_opts o;
    shopstat_tab_opts_init(&o);
    o.ci = ci;
    r.st = shopstat_tab_estimates(r.t, &o, &r.e, &r.n, &r.err);
    return r;
}

static void run_free(run *r)
{
    free(r->e);
    shopstat_totals_free(r->t);
}

static const shopstat_estimate *find(const run *r, const char *level, const char *segment)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].level, level) == 0 && strcmp(r->e[i].segment, segment) == 0)
            return &r->e[i];
    fail_msg("no estimate for level %s in segment %s", level, segment);
    return NULL;
}

/* The note of rows read but left out (under the charts of a report, cli 0; the CLI's words,
 * cli 1): 2 of 5 rows empty, 1 excluded by a condition. */
static void test_rows_left_out_note(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    run r = tab("q,r\n1,a\n,\n0,b\n,\n1,c\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    char b[300];
    assert_string_equal(shopstat_rows_left_out_note(r.t, 0, b, sizeof b),
                        "2 of the 5 rows read are left out (empty rows: 2).");
    assert_string_equal(shopstat_rows_left_out_note(r.t, 1, b, sizeof b),
                        "2 of the 5 rows read are left out (2 empty rows).");
    run_free(&r);
    shopstat_plan_free(p);
}

/* The raking margins as a reader sees them (design.h): "a and b", "a, b x c and d" with
 * three (the last but one crossing two columns), the population files when asked. */
static void test_rake_margins_text(void **state)
{
    (void)state;
    char b[200];
    shopstat_rake_margins("stype=pop_stype.csv\nsch_wide=pop_sw.csv", 0, b, sizeof b);
    assert_string_equal(b, "stype and sch_wide");
    shopstat_rake_margins("a=fa.csv\nb,c=fbc.csv\nd=fd.csv", 0, b, sizeof b);
    assert_string_equal(b, "a, b x c and d");
    shopstat_rake_margins("a=fa.csv\nb,c=fbc.csv\nd=fd.csv", 1, b, sizeof b);
    assert_string_equal(b, "a (totals: fa.csv), b x c (totals: fbc.csv) and d (totals: fd.csv)");
    shopstat_rake_columns("a=fa.csv\nb,c=fbc.csv\nd=fd.csv", b, sizeof b);
    assert_string_equal(b, "a; b,c; d");
}

/* Unweighted, no design columns: p = 2/5 and var = p(1-p)/(n-1) (each row its own PSU,
 * one stratum, n/(n-1) scaling), df = n - 1, deff = 1, eff_base = n. */
static void test_srs_matches_textbook(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    run r = tab("q\n1\n0\n1\n0\n0\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(r.n, 2);
    const shopstat_estimate *e = find(&r, "1", "all");
    assert_int_equal(e->base_n, 5);
    assert_int_equal(e->count, 2);
    assert_close(e->proportion, 0.4, 1e-15);
    assert_close(e->se, sqrt(0.4 * 0.6 / 4), 1e-14);
    assert_close(e->df, 4, 0);
    assert_close(e->deff, 1, 1e-12);
    assert_close(e->eff_base, 5, 1e-14);
    /* wald: p +/- qt(0.975, 4) se, qt(0.975, 4) = 2.7764451051977987 */
    assert_close(e->ci_lower, 0.4 - 2.7764451051977987 * sqrt(0.06), 1e-12);
    /* levels sorted numerically: "0" before "1" */
    assert_string_equal(r.e[0].level, "0");
    run_free(&r);
    shopstat_plan_free(p);
}

/* Two strata of two PSUs, domain = segment 'x' which is absent from stratum B: the
 * domain's PSU totals are zero-extended, never deleted. Hand computation:
 * W = 1 + 2 + 1 = 4 (rows 1, 2, 3), T = 1 + 1 = 2 -> p = 0.5.
 * z per PSU = sum w (y - p) / W: PSU1 rows 1,2: (1*0.5 + 2*(-0.5))/4 = -0.125;
 * PSU2 row 3: 1*0.5/4 = 0.125; PSUs 3, 4 (stratum B): 0.
 * V = 2/1 * ((-0.125)^2 + 0.125^2) + 0 = 0.0625 -> se = 0.25. df = 2 PSUs - 1 stratum. */
static void test_domain_zero_extension(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "st";
    d.psu = "psu";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "x=seg:x", NULL), SHOPSTAT_OK);
    run r = tab("st,psu,w,q,seg\n"
                "A,1,1,1,x\nA,1,2,0,x\nA,2,1,1,x\n"
                "B,1,1,1,y\nB,2,5,0,y\n",
                p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "1", "x");
    assert_close(e->proportion, 0.5, 1e-15);
    assert_close(e->se, 0.25, 1e-14);
    assert_close(e->df, 1, 0);
    assert_close(e->base_weight, 4, 1e-15);
    assert_close(e->eff_base, 16.0 / 6.0, 1e-14);
    run_free(&r);
    shopstat_plan_free(p);
}

/* p = 1 in a domain: R gives NaN; we give Clopper-Pearson with n = eff_base.
 * A single respondent: eff_base 1, x = 1: lower = qbeta(0.025, 1, 1) = 0.025. */
static void test_single_respondent_fallback(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "one=s:a", NULL), SHOPSTAT_OK);
    run r = tab("q,s\n1,a\n0,b\n1,b\n", p, SHOPSTAT_CI_LOGIT);
    /* df of a one-row domain is 0: the fallback interval still exists */
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "1", "one");
    assert_close(e->proportion, 1, 0);
    assert_int_equal(e->fallback, 1);
    assert_close(e->ci_lower, 0.025, 1e-12);
    assert_close(e->ci_upper, 1, 0);
    e = find(&r, "0", "one");
    assert_int_equal(e->count, 0);
    assert_close(e->ci_upper, 0.975, 1e-12);
    run_free(&r);
    shopstat_plan_free(p);
}

/* All weights zero in a segment: the base has rows but no weight; statistics are NaN. */
static void test_zero_weight_segment(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "z=s:z", NULL), SHOPSTAT_OK);
    run r = tab("q,s,w\n1,z,0\n0,z,0\n1,a,1\n0,a,2\n1,a,1\n", p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "1", "z");
    assert_int_equal(e->base_n, 2);
    assert_close(e->base_weight, 0, 0);
    assert_true(isnan(e->proportion));
    /* Kish's (sum w)^2 / sum w^2 is 0/0 (R: NaN), not an effective base of 0 */
    assert_true(isnan(e->eff_base));
    e = find(&r, "1", "all");
    assert_close(e->proportion, 0.5, 1e-15);
    /* zero-weight rows are base rows but not in n': deff uses n' = 3 */
    assert_int_equal(e->base_n, 5);
    assert_close(e->eff_base, 16.0 / 6, 1e-15); /* (0+0+1+2+1)^2 / (1+4+1) */
    run_free(&r);
    shopstat_plan_free(p);

    /* compare's bases alike: z against all */
    p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "z=s:z", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "z", "all", NULL), SHOPSTAT_OK);
    memset(&r, 0, sizeof r);
    r.st = totals_of_csv("q,s,w\n1,z,0\n0,z,0\n1,a,1\n0,a,2\n1,a,1\n", p, &r.t, &r.err);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_difference *diff = NULL;
    size_t nd = 0;
    assert_int_equal(shopstat_compare(r.t, NULL, &diff, &nd, &r.err), SHOPSTAT_OK);
    assert_true(nd > 0);
    for (size_t i = 0; i < nd; i++) {
        assert_int_equal(diff[i].base_n_a, 2);
        assert_true(isnan(diff[i].eff_base_a));
        assert_close(diff[i].eff_base_b, 16.0 / 6, 1e-15);
    }
    free(diff);
    run_free(&r);
    shopstat_plan_free(p);
}

/* One PSU in a domain of a two-stratum design: df = 0, an error that says why. */
static void test_one_psu_domain_df_zero(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.strata = "st";
    d.psu = "psu";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "x=seg:x", NULL), SHOPSTAT_OK);
    /* segment x lies in PSU A-1: df 1 - 1 = 0, while the design's is 4 - 2 = 2. Its row
     * keeps p = 1/2 (one row of each answer), an SE of 0 (its scores sum to 0 in the one
     * PSU), no interval and the flag; 'all' keeps its interval. */
    const char *csv = "st,psu,q,seg\nA,1,1,x\nA,1,0,x\nA,2,1,y\nB,1,1,y\nB,2,0,y\n";
    run r = tab(csv, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "1", "x");
    assert_close(e->proportion, 0.5, 1e-15);
    assert_true(e->df == 0);
    assert_true(e->se == 0);
    assert_true(isnan(e->ci_lower) && isnan(e->ci_upper));
    assert_int_equal(e->no_interval, 1);
    assert_int_equal(e->base_n, 2);
    e = find(&r, "1", "all");
    assert_close(e->proportion, 0.6, 1e-15);
    assert_true(e->df == 2);
    assert_false(e->no_interval);
    assert_true(e->ci_lower < 0.6 && e->ci_upper > 0.6);
    run_free(&r);
    /* a --base of PSU 1 in each stratum: the whole design's df is 2 - 2 = 0, so no
     * estimate can have an interval, and that stays an error */
    assert_int_equal(shopstat_plan_parse_base(p, "psu:1", NULL), SHOPSTAT_OK);
    r = tab(csv, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_EINPUT);
    assert_non_null(strstr(r.err.msg, "degrees of freedom are 0 for the whole design"));
    assert_non_null(strstr(r.err.msg, "segment 'all'"));
    run_free(&r);
    shopstat_plan_free(p);
}

/* Multi-response: level = column, base = rows with every column answered; a value
 * other than 0/1 is an error at its line and column. */
static void test_multi_response(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_parse_multi(p, "ch=a,b", NULL), SHOPSTAT_OK);
    run r = tab("a,b\n1,1\n0,1\n1,\n0,0\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "a", "all");
    assert_int_equal(e->base_n, 3);
    assert_close(e->proportion, 1.0 / 3, 1e-15);
    e = find(&r, "b", "all");
    assert_close(e->proportion, 2.0 / 3, 1e-15);
    run_free(&r);
    r = tab("a,b\n1,1\n0,2\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_EINPUT);
    assert_int_equal(r.err.line, 3);
    assert_int_equal(r.err.col, 3);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Codes in one cell: "1;3" counts for levels 1 and 3; duplicates count once. */
static void test_multi_codes(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_parse_codes(p, "pb=c", NULL), SHOPSTAT_OK);
    run r = tab("c\n\"1;3\"\n3\n\"2, 3,3\"\nNA\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(r.n, 3);
    const shopstat_estimate *e = find(&r, "3", "all");
    assert_int_equal(e->base_n, 3);
    assert_int_equal(e->count, 3);
    assert_close(e->proportion, 1, 0);
    e = find(&r, "2", "all");
    assert_close(e->proportion, 1.0 / 3, 1e-15);
    run_free(&r);
    shopstat_plan_free(p);
}

/* A codes question's own separator: with '|' only "a, b|c" holds "a, b" and "c" (a ';'
 * stays inside a label too), a separator given for every codes question (NULL) reaches one
 * added later, and the default split's doubt names the piece after a ',' in a cell holding
 * a ';'. Bad separators and questions are SHOPSTAT_EUSAGE. */
static void test_codes_sep(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "s", "s", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_set_codes_sep(p, NULL, '|', NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_codes(p, "pb=c", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_set_codes_sep(p, "s", ';', NULL), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_set_codes_sep(p, "nope", ';', NULL), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_set_codes_sep(p, "pb", 'x', NULL), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_set_codes_sep(p, "pb", ' ', NULL), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_set_codes_sep(p, "pb", '"', NULL), SHOPSTAT_EUSAGE);
    run r = tab("s,c\n1,\"a, b|c\"\n1,c\n1,d;e\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "a, b", "all");
    assert_int_equal(e->base_n, 3);
    assert_int_equal(e->count, 1);
    e = find(&r, "c", "all");
    assert_int_equal(e->count, 2);
    e = find(&r, "d;e", "all");
    assert_int_equal(e->count, 1);
    assert_int_equal(shopstat_totals_question_sep_doubt(r.t, 1, NULL, NULL, NULL), 0);
    run_free(&r);
    shopstat_plan_free(p);

    p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_parse_codes(p, "pb=c", NULL), SHOPSTAT_OK);
    r = tab("c\n\"Late, lost; Wrong\"\n\"1, 3\"\nWrong\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const char *code, *cell;
    char sep;
    assert_int_equal(shopstat_totals_question_sep_doubt(r.t, 0, &code, &cell, &sep), 1);
    assert_string_equal(code, "lost");
    assert_string_equal(cell, "Late, lost; Wrong");
    assert_int_equal(sep, ';');
    run_free(&r);
    shopstat_plan_free(p);
}

/* Heavy buyers vs all buyers: the subset's difference from its total must use the
 * covariance. The naive independent-samples SE sqrt(se_a^2 + se_b^2) is larger here. */
static void test_subset_vs_total_not_independent(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "sw", "sw", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "heavy", "all", NULL), SHOPSTAT_OK);
    const char *csv = "spend,sw\n3,1\n3,1\n3,1\n3,0\n1,0\n1,1\n2,0\n2,0\n1,1\n2,0\n";
    run r = tab(csv, p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_compare_opts o;
    shopstat_compare_opts_init(&o);
    shopstat_difference *d = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_compare(r.t, &o, &d, &n, NULL), SHOPSTAT_OK);
    assert_int_equal(n, 2);
    const shopstat_difference *x = strcmp(d[0].level, "1") == 0 ? &d[0] : &d[1];
    assert_close(x->estimate_a, 0.75, 1e-15);
    assert_close(x->estimate_b, 0.5, 1e-15);
    /* Hand computation, every row its own PSU, one stratum of 10:
     * z_i = a_i (y_i - .75)/4 - (y_i - .5)/10; sum z = 0, so
     * V = 10/9 * sum z_i^2. Heavy rows: y=1: .0625 - .05 = .0125 (x3); y=0: -.1875 + .05 =
     * -.1375. Others: y=1: -.05 (x2); y=0: .05 (x4).
     * sum z^2 = 3(.0125^2) + .1375^2 + 2(.05^2) + 4(.05^2) = 0.034375 */
    double V = 10.0 / 9.0 * 0.034375;
    assert_close(x->se, sqrt(V), 1e-13);
    const shopstat_estimate *ea = find(&r, "1", "heavy"), *eb = find(&r, "1", "all");
    double naive = sqrt(ea->se * ea->se + eb->se * eb->se);
    assert_true(naive > x->se * 1.2);
    assert_close(x->df, 9, 0);
    free(d);
    run_free(&r);
    shopstat_plan_free(p);
}

/* NULL options are the defaults, as for the other entry points (both once dereferenced
 * them). */
static void test_null_opts_are_defaults(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "sw", "sw", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "heavy", "rest", NULL), SHOPSTAT_OK);
    const char *csv = "spend,sw\n3,1\n3,1\n3,1\n3,0\n1,0\n1,1\n2,0\n2,0\n1,1\n2,0\n";
    run r = tab(csv, p, SHOPSTAT_CI_LOGIT); /* the default method */
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_tab_estimates(r.t, NULL, &e, &n, NULL), SHOPSTAT_OK);
    assert_int_equal(n, r.n);
    for (size_t i = 0; i < n; i++) {
        assert_close(e[i].ci_lower, r.e[i].ci_lower, 0);
        assert_close(e[i].ci_upper, r.e[i].ci_upper, 0);
    }
    shopstat_compare_opts o;
    shopstat_compare_opts_init(&o);
    shopstat_difference *d = NULL, *dn = NULL;
    size_t nd = 0, ndn = 0;
    assert_int_equal(shopstat_compare(r.t, &o, &d, &nd, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_compare(r.t, NULL, &dn, &ndn, NULL), SHOPSTAT_OK);
    assert_int_equal(ndn, nd);
    for (size_t i = 0; i < nd; i++) {
        assert_close(dn[i].ci_lower, d[i].ci_lower, 0);
        assert_close(dn[i].p_adjusted, d[i].p_adjusted, 0);
    }
    free(e);
    free(d);
    free(dn);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Two waves are independent samples: with the wave as strata of one design, the SE of
 * wave=2011 minus wave=2010 is exactly sqrt(se_2011^2 + se_2010^2) (methods.md). */
static void test_waves_are_independent_samples(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "wave";
    d.psu = "psu";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "wave", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "wave=2011", "wave=2010", NULL), SHOPSTAT_OK);
    run r = tab("wave,psu,w,q\n"
                "2010,1,1,1\n2010,1,2,0\n2010,2,1,1\n2010,3,3,0\n2010,3,1,1\n"
                "2011,1,2,1\n2011,2,1,1\n2011,2,1,0\n2011,3,2,1\n2011,4,1,0\n2011,4,1,1\n",
                p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_compare_opts o;
    shopstat_compare_opts_init(&o);
    shopstat_difference *dd = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_compare(r.t, &o, &dd, &n, NULL), SHOPSTAT_OK);
    const shopstat_difference *x = strcmp(dd[0].level, "1") == 0 ? &dd[0] : &dd[1];
    const shopstat_estimate *a = find(&r, "1", "wave=2011"), *b = find(&r, "1", "wave=2010");
    assert_close(x->estimate_a, a->proportion, 1e-15);
    assert_close(x->estimate_b, b->proportion, 1e-15);
    assert_close(x->se, sqrt(a->se * a->se + b->se * b->se), 1e-12);
    /* whole-sample df: 7 PSUs - 2 strata */
    assert_close(x->df, 5, 0);
    free(dd);
    run_free(&r);
    shopstat_plan_free(p);
}

/* The library names what a program declared (the design field, the kind of question, the
 * segment), not the CLI's flags: a program calling it has no --multi or --psu. */
static void test_messages_without_flags(void **state)
{
    (void)state;
    static const char *const opts[] = {"pref_a", "nope"}, *const yes[] = {"1", NULL};
    const char *csv = "st,psu,w,q,pref_a,seg\n"
                      "a,1,1,1,1,1\n"
                      "a,,2,2,0,1\n";
    struct {
        const char *what, *want;
    } cases[] = {
        /* (and no name is suggested for 'nope': none is near it) */
        {"multi", "multi-response column 'nope' not found; columns are: st, psu, w, q, "
                  "pref_a, seg"},
        {"codes", "multi-response codes column 'nope' not found"},
        {"single", "question column 'nope' not found"},
        {"segment", "segment column 'nope' not found"},
        {"psu", "psu column 'psu' is missing in this row"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        shopstat_plan *p = shopstat_plan_new();
        shopstat_design_opts d;
        shopstat_design_opts_init(&d);
        d.weight = "w";
        d.strata = "st";
        d.psu = "psu";
        assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
        const char *w = cases[i].what;
        if (strcmp(w, "multi") == 0)
            assert_int_equal(shopstat_plan_add_multi(p, "pref", opts, 2, NULL), SHOPSTAT_OK);
        else if (strcmp(w, "codes") == 0)
            assert_int_equal(shopstat_plan_add_codes(p, "prob", "nope", NULL), SHOPSTAT_OK);
        else if (strcmp(w, "single") == 0)
            assert_int_equal(shopstat_plan_add_single(p, "q", "nope", NULL), SHOPSTAT_OK);
        else
            assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
        if (strcmp(w, "segment") == 0) {
            const shopstat_cond c = {"nope", SHOPSTAT_OP_IN, yes};
            assert_int_equal(shopstat_plan_add_segment(p, "s", &c, 1, NULL), SHOPSTAT_OK);
        }
        run r;
        memset(&r, 0, sizeof r);
        r.st = totals_of_csv(csv, p, &r.t, &r.err);
        assert_int_not_equal(r.st, SHOPSTAT_OK);
        /* (the start of the message: the unknown-column ones go on with suggestions) */
        if (strncmp(r.err.msg, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("%s: got \"%s\", want it to start \"%s\"", w, r.err.msg, cases[i].want);
        run_free(&r);
        shopstat_plan_free(p);
    }
}

/* A --by set within conditions (a report table's base): segments "COL=VALUE@TAG" hold the
 * rows of that value meeting the conditions, beside the plain --by set of the column, and
 * equal the segments defined by the conjunction of the value and the conditions. */
static void test_by_where(void **state)
{
    (void)state;
    static const char *const one[] = {"1", NULL}, *const r1[] = {"1", NULL},
                             *const r2[] = {"2", NULL};
    const shopstat_cond asked = {"asked", SHOPSTAT_OP_IN, one};
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "st";
    d.psu = "psu";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "region", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by_where(p, "region", "t1", &asked, 1, NULL), SHOPSTAT_OK);
    shopstat_cond c1[] = {{"region", SHOPSTAT_OP_IN, r1}, asked};
    shopstat_cond c2[] = {{"region", SHOPSTAT_OP_IN, r2}, asked};
    assert_int_equal(shopstat_plan_add_segment(p, "r1asked", c1, 2, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_segment(p, "r2asked", c2, 2, NULL), SHOPSTAT_OK);
    /* a set per tag; conditions need a tag */
    shopstat_error err;
    assert_int_equal(shopstat_plan_add_by_where(p, "region", "t1", &asked, 1, &err),
                     SHOPSTAT_EUSAGE);
    /* (the plan's words, not the CLI's flag: a program calling it has no --by) */
    assert_string_equal(err.msg, "by set region is given twice for 't1'");
    assert_int_equal(shopstat_plan_add_by_where(p, "region", NULL, &asked, 1, &err),
                     SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "by set region: conditions need a tag to name the set");
    assert_int_equal(shopstat_plan_add_by(p, "region", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "by set region is given twice");
    assert_int_equal(shopstat_plan_add_pair(p, "r1asked", "r1asked", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "pair r1asked:r1asked compares a segment with itself");
    assert_int_equal(shopstat_plan_add_pair(p, "r1asked", "", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "pair needs two segment names, as A:B");
    /* region 1 asked: rows 1 (w 1, q 1), 2 (w 2, q 0), 7 (w 3, q 1), 10 (w 1, q 0): p(q=1) =
     * 4/7; region 2 asked: rows 4 (w 1, q 0), 5 (w 2, q 1), 9 (w 2, q 1), 11 (w 1, q 1): 5/6.
     * Row 3 has asked missing, row 6 region missing, row 8 asked 0: in no segment of t1. */
    run r = tab("st,psu,w,region,asked,q\n"
                "a,1,1,1,1,1\n"
                "a,1,2,1,1,0\n"
                "a,2,1,1,,1\n"
                "a,2,1,2,1,0\n"
                "a,3,2,2,1,1\n"
                "b,4,2,,1,1\n"
                "b,4,3,1,1,1\n"
                "b,5,1,2,0,1\n"
                "b,5,2,2,1,1\n"
                "b,6,1,1,1,0\n"
                "b,6,1,2,1,1\n",
                p, SHOPSTAT_CI_WALD);
    if (r.st)
        print_error("%s\n", r.err.msg);
    assert_int_equal(r.st, SHOPSTAT_OK);
    size_t ns = shopstat_totals_nsegments(r.t), seen = 0;
    for (size_t s = 0; s < ns; s++) {
        const char *nm = shopstat_totals_segment(r.t, s),
                   *set = shopstat_totals_segment_set(r.t, s);
        if (strchr(nm, '@')) {
            assert_string_equal(set, "region@t1");
            seen++;
        } else if (strncmp(nm, "region=", 7) == 0) {
            assert_string_equal(set, "region");
        } else {
            assert_null(set);
        }
    }
    assert_int_equal(seen, 2);
    const shopstat_estimate *a = find(&r, "1", "region=1@t1"), *b = find(&r, "1", "region=2@t1");
    assert_close(a->proportion, 4.0 / 7.0, 1e-15);
    assert_int_equal(a->base_n, 4);
    assert_close(b->proportion, 5.0 / 6.0, 1e-15);
    assert_int_equal(b->base_n, 4);
    /* the plain set keeps every row of the value: region 1 has rows 1, 2, 3, 7, 10 */
    assert_int_equal(find(&r, "1", "region=1")->base_n, 5);
    const char *lv[] = {"0", "1"};
    for (int k = 0; k < 2; k++) {
        const char *pairs[2][2] = {{"region=1@t1", "r1asked"}, {"region=2@t1", "r2asked"}};
        for (int j = 0; j < 2; j++) {
            const shopstat_estimate *x = find(&r, lv[k], pairs[j][0]),
                                    *y = find(&r, lv[k], pairs[j][1]);
            assert_close(x->proportion, y->proportion, 1e-15);
            assert_close(x->se, y->se, 1e-15);
            assert_close(x->df, y->df, 0);
            assert_close(x->deff, y->deff, 1e-15);
            assert_int_equal(x->base_n, y->base_n);
        }
    }
    run_free(&r);
    shopstat_plan_free(p);
}

/* Recode rules that share a level: a value matching the second rule for "Low" is Low (it
 * used to take the level numbered like the rule, here High). */
static void test_recode_rules_share_a_level(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "v", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "1", "Low", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "2", "Low", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "3-5", "High", NULL), SHOPSTAT_OK);
    /* values 2, 2, 2, 1, 4, 9 (9: no rule, missing): Low 4 of 5, High 1 of 5 */
    run r = tab("v\n2\n2\n2\n1\n4\n9\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_nlevels(r.t, 0), 2);
    const shopstat_estimate *lo = find(&r, "Low", "all"), *hi = find(&r, "High", "all");
    assert_int_equal(lo->count, 4);
    assert_int_equal(hi->count, 1);
    assert_int_equal(lo->base_n, 5);
    assert_close(lo->proportion, 4.0 / 5.0, 1e-15);
    assert_close(hi->proportion, 1.0 / 5.0, 1e-15);
    run_free(&r);
    shopstat_plan_free(p);
}

/* A recode's levels keep its rules' order (spec.md: a question without values: takes the
 * order of its recode rules' levels), a non-answer's too: "Don't know" given first stays
 * first, where an unrecoded question's would move last (mutation round 5: pass.c's
 * non-answers moved last on a kept order too). Values 9, 1, 2, 5: Don't know, Low, Low, High. */
static void test_recode_order_kept(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "v", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "9", "Don't know", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "1-2", "Low", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "3-5", "High", NULL), SHOPSTAT_OK);
    run r = tab("v\n9\n1\n2\n5\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_nlevels(r.t, 0), 3);
    assert_string_equal(shopstat_totals_level(r.t, 0, 0), "Don't know");
    assert_string_equal(shopstat_totals_level(r.t, 0, 1), "Low");
    assert_string_equal(shopstat_totals_level(r.t, 0, 2), "High");
    assert_int_equal(find(&r, "Low", "all")->count, 2);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Quoted alternatives of a recode: each a text as it stands, its commas and doubled quotes
 * included (a labelled export's answers), beside a plain one: Yes 3 of 5, No 1, Say 1 */
static void test_recode_quoted(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "v", NULL), SHOPSTAT_OK);
    assert_int_equal(
        shopstat_plan_add_recode(p, "q", "\"Yes, definitely\", \"Yes, probably\"", "Yes", NULL),
        SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "No", "No", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_recode(p, "q", "\"Say \"\"no\"\"\"", "Say", NULL),
                     SHOPSTAT_OK);
    run r = tab("v\n\"Yes, definitely\"\n\"Yes, probably\"\nNo\n\"Yes, definitely\"\n"
                "\"Say \"\"no\"\"\"\n",
                p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_nlevels(r.t, 0), 3);
    assert_int_equal(find(&r, "Yes", "all")->count, 3);
    assert_int_equal(find(&r, "No", "all")->count, 1);
    assert_int_equal(find(&r, "Say", "all")->count, 1);
    assert_int_equal(find(&r, "Yes", "all")->base_n, 5);
    run_free(&r);
    shopstat_plan_free(p);
}

/* A comparison given two values: the hint to write a decimal point only for what reads as a
 * number split at its decimal comma (digits, then digits alone, no point before) */
static void test_comparison_values(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *two, *hint; /* the values quoted and the number the hint writes, or NULL */
    } cases[] = {
        {"s=x:>=499,5", "499,5", "499.5"}, {"s=x:<4,5", "4,5", "4.5"},  {"s=x:>=1,2,3", NULL, NULL},
        {"s=x:>=a,5", NULL, NULL},         {"s=x:>=4.5,5", NULL, NULL}, {"s=x:>=4,5a", NULL, NULL},
        {"s=x:>=4,-5", NULL, NULL},        {"s=x:>=4,5e1", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shopstat_plan *p = shopstat_plan_new();
        shopstat_error err;
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_plan_parse_segment(p, cases[i].spec, &err), SHOPSTAT_EUSAGE);
        char want[300];
        if (cases[i].hint)
            snprintf(want, sizeof want,
                     "condition on 'x': a comparison takes one value, and '%s' is two (a ',' "
                     "separates values): write the number with a decimal point, %s, whatever the "
                     "data's decimal mark",
                     cases[i].two, cases[i].hint);
        else
            snprintf(want, sizeof want, "condition on 'x': a comparison takes one value");
        if (strcmp(err.msg, want) != 0)
            fail_msg("%s: '%s', want '%s'", cases[i].spec, err.msg, want);
        shopstat_plan_free(p);
    }
}

/* A segment's value in quotes holding ':' ("a: b"): the condition's ':' is the last one
 * outside the quotes, so the column is q and the value a: b (2 rows of 3) */
static void test_segment_quoted_colon(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    assert_int_equal(shopstat_plan_add_single(p, "v", "v", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "s=q:\"a: b\"", &err), SHOPSTAT_OK);
    run r = tab("q,v\n\"a: b\",1\nc,1\n\"a: b\",2\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(find(&r, "1", "s")->base_n, 2);
    assert_int_equal(find(&r, "1", "s")->count, 1);
    run_free(&r);
    shopstat_plan_free(p);
}

/* A level declared twice is listed once, first, and the levels the rows hold follow in
 * numeric order (declaring it twice made the pass keep the first level the rows hold in
 * its place: 9, 3, 1, 2); a multi-response question of columns takes no declared level. */
static void test_declared_level_twice(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "q", "v", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_declare_level(p, "q", "9", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_declare_level(p, "q", "9", NULL), SHOPSTAT_OK);
    const char *cols[] = {"a", "b"};
    assert_int_equal(shopstat_plan_add_multi(p, "m", cols, 2, NULL), SHOPSTAT_OK);
    run r = tab("v,a,b\n3,1,0\n2,0,1\n2,1,1\n1,0,0\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_nlevels(r.t, 0), 4);
    const char *want[] = {"9", "1", "2", "3"};
    const double prop[] = {0, 0.25, 0.5, 0.25};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(r.e[i].level, want[i]);
        assert_close(r.e[i].proportion, prop[i], 1e-15);
    }
    shopstat_error err;
    assert_int_equal(shopstat_plan_declare_level(p, "m", "a", &err), SHOPSTAT_EUSAGE);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Unknown columns name the flag, suggest the closest name and list the columns. */
static void test_unknown_column(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "swich", "swich", NULL), SHOPSTAT_OK);
    run r = tab("switch,spend\n1,2\n", p, SHOPSTAT_CI_WALD);
    assert_int_equal(r.st, SHOPSTAT_EUSAGE);
    assert_non_null(strstr(r.err.msg, "did you mean 'switch'"));
    run_free(&r);
    shopstat_plan_free(p);
}

/* Spec-level parse errors of --segment and --multi. */
static void test_flag_parsers(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_segment(p, "big=spend:>=abc", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_segment(p, "rest=spend:3", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_multi(p, "ch=a,,b", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_multi(p, "=a,b", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_codes(p, "pb=a,b", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_segment(p, "big=spend:>=2000", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "big=spend:3", &err), SHOPSTAT_EUSAGE);
    shopstat_plan_free(p);
}

/* Strata A (3 PSUs), C (2), D (2) and B (1 PSU: lonely, and R's default 'fail'). A pair
 * compared on the rows of strata A and C (shopstat_plan_pair_subset, a report table's base)
 * is R's subset(design, s in A, C): B is not in it, so there is no error, and df = 5 - 2 = 3
 * (the whole design's: 8 - 4 = 4); it
 * gives what the same pair gives under --base (the CLI's, checked against R in
 * tests/oracle). And shopstat_tab_opts.want: the estimates left out keep their counts but
 * cannot fail on B. */
static const char *const SUBSET_CSV = "s,p,w,g,q\n"
                                      "A,1,1,1,1\n"
                                      "A,1,2,2,0\n"
                                      "A,2,1,1,0\n"
                                      "A,2,3,2,1\n"
                                      "A,3,2,1,1\n"
                                      "A,3,1,2,1\n"
                                      "C,4,1,1,0\n"
                                      "C,4,2,2,0\n"
                                      "C,5,1,1,1\n"
                                      "C,5,1,2,1\n"
                                      "B,6,2,1,1\n"
                                      "B,6,1,2,0\n"
                                      "D,7,1,1,1\n"
                                      "D,8,1,2,0\n";

static shopstat_plan *subset_plan(int subset)
{
    static const char *const ac[] = {"A", "C", NULL}, *const one[] = {"1", NULL},
                             *const two[] = {"2", NULL};
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    shopstat_cond in_ac = {"s", SHOPSTAT_OP_IN, ac};
    shopstat_cond c1[] = {{"g", SHOPSTAT_OP_IN, one}, in_ac};
    shopstat_cond c2[] = {{"g", SHOPSTAT_OP_IN, two}, in_ac};
    if (subset) {
        assert_int_equal(shopstat_plan_add_segment(p, "ac", &in_ac, 1, NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_segment(p, "g1", c1, 2, NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_segment(p, "g2", c2, 2, NULL), SHOPSTAT_OK);
    } else {
        assert_int_equal(shopstat_plan_add_base(p, &in_ac, NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_segment(p, "g1", c1, 1, NULL), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_segment(p, "g2", c2, 1, NULL), SHOPSTAT_OK);
    }
    assert_int_equal(shopstat_plan_add_pair(p, "g1", "g2", NULL), SHOPSTAT_OK);
    if (subset)
        assert_int_equal(shopstat_plan_pair_subset(p, "ac", NULL), SHOPSTAT_OK);
    /* (a question added after the subset: the plan keeps its own rows question last) */
    assert_int_equal(shopstat_plan_add_single(p, "g", "g", NULL), SHOPSTAT_OK);
    return p;
}

static shopstat_totals *subset_totals(shopstat_plan *p)
{
    run r;
    memset(&r, 0, sizeof r);
    r.st = totals_of_csv(SUBSET_CSV, p, &r.t, &r.err);
    if (r.st)
        print_error("%s\n", r.err.msg);
    assert_int_equal(r.st, SHOPSTAT_OK);
    return r.t;
}

/* A failing call leaves no stale results behind: *out is NULL and *n 0 (a caller may free()
 * *out whatever the status), as shopstat_totals_compute and shopstat_reader_open do. Stratum
 * B's lonely PSU under 'fail' stops both the estimates and the comparison of g1 with all. */
static void test_failure_clears_results(void **state)
{
    (void)state;
    static const char *const one[] = {"1", NULL};
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    shopstat_cond g1 = {"g", SHOPSTAT_OP_IN, one};
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_segment(p, "g1", &g1, 1, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "g1", "all", NULL), SHOPSTAT_OK);
    shopstat_totals *t = subset_totals(p);
    static char stale;
    shopstat_estimate *e = (shopstat_estimate *)(void *)&stale;
    size_t ne = 99;
    shopstat_error err;
    assert_int_equal(shopstat_tab_estimates(t, NULL, &e, &ne, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "stratum 'B' has only one PSU"));
    assert_null(e);
    assert_int_equal(ne, 0);
    shopstat_difference *dd = (shopstat_difference *)(void *)&stale;
    size_t nd = 99;
    assert_int_equal(shopstat_compare(t, NULL, &dd, &nd, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "stratum 'B' has only one PSU"));
    assert_null(dd);
    assert_int_equal(nd, 0);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

static int want_g1(void *ctx, size_t q, size_t s)
{
    const shopstat_totals *t = ctx;
    return q == 0 && strcmp(shopstat_totals_segment(t, s), "g1") == 0;
}

static void test_pair_on_a_subset(void **state)
{
    (void)state;
    shopstat_plan *ps = subset_plan(1), *pb = subset_plan(0);
    shopstat_totals *ts = subset_totals(ps), *tb = subset_totals(pb);
    /* the rows question is not one of the caller's */
    assert_int_equal(shopstat_totals_nquestions(ts), 2);
    assert_string_equal(shopstat_totals_question(ts, 1), "g");
    shopstat_difference *ds = NULL, *db = NULL;
    size_t nds = 0, ndb = 0;
    shopstat_error err;
    shopstat_status st = shopstat_compare(ts, NULL, &ds, &nds, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, SHOPSTAT_OK);
    assert_int_equal(shopstat_compare(tb, NULL, &db, &ndb, &err), SHOPSTAT_OK);
    /* q's two levels and g's two, for the one pair */
    assert_int_equal(nds, 4);
    assert_int_equal(ndb, 4);
    for (size_t i = 0; i < nds; i++) {
        assert_string_equal(ds[i].variable, db[i].variable);
        assert_string_equal(ds[i].level, db[i].level);
        assert_close(ds[i].df, 3, 0);
        assert_close(ds[i].df, db[i].df, 0);
        assert_close(ds[i].estimate_a, db[i].estimate_a, 1e-15);
        assert_close(ds[i].estimate_b, db[i].estimate_b, 1e-15);
        if (strcmp(ds[i].variable, "q") != 0)
            continue; /* (g against g: disjoint levels, no variance to speak of) */
        assert_true(ds[i].se > 0);
        assert_close(ds[i].se, db[i].se, 1e-14);
        assert_close(ds[i].ci_lower, db[i].ci_lower, 1e-14);
        assert_close(ds[i].p_value, db[i].p_value, 1e-14);
    }
    /* g1 in A and C: q = 1 in rows 1, 5, 9 (w 1 + 2 + 1) of w 1 + 1 + 2 + 1 + 1 = 6 */
    assert_close(ds[1].estimate_a, 4.0 / 6, 1e-15);
    free(ds);
    free(db);
    /* 'all' holds stratum B's rows: its estimates fail under 'fail'... */
    shopstat_estimate *e = NULL;
    size_t ne = 0;
    assert_int_equal(shopstat_tab_estimates(ts, NULL, &e, &ne, &err), SHOPSTAT_EINPUT);
    assert_non_null(strstr(err.msg, "stratum 'B' has only one PSU"));
    /* ...unless only g1's are wanted: the others keep base, count and proportion */
    shopstat_tab_opts o;
    shopstat_tab_opts_init(&o);
    o.want = want_g1;
    o.want_ctx = ts;
    st = shopstat_tab_estimates(ts, &o, &e, &ne, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, SHOPSTAT_OK);
    size_t full = 0;
    for (size_t i = 0; i < ne; i++) {
        if (strcmp(e[i].variable, "q") != 0 || strcmp(e[i].level, "1") != 0)
            continue;
        if (strcmp(e[i].segment, "all") == 0) {
            /* q = 1 in rows 1, 4, 5, 6, 9, 10, 11, 13: w 1 + 3 + 2 + 1 + 1 + 1 + 2 + 1 = 12
             * of 20 */
            assert_int_equal(e[i].base_n, 14);
            assert_int_equal(e[i].count, 8);
            assert_close(e[i].proportion, 12.0 / 20, 1e-15);
            assert_true(isnan(e[i].se) && isnan(e[i].df) && isnan(e[i].ci_lower));
        } else if (strcmp(e[i].segment, "g1") == 0) {
            full++;
            assert_close(e[i].proportion, 4.0 / 6, 1e-15);
            assert_true(e[i].se > 0 && e[i].ci_lower < e[i].proportion);
            assert_close(e[i].df, 3, 0); /* g1's PSUs 1-5 less strata A and C */
        }
    }
    assert_int_equal(full, 1);
    free(e);
    shopstat_totals_free(ts);
    shopstat_totals_free(tb);
    shopstat_plan_free(ps);
    shopstat_plan_free(pb);
}

/* Options a program fills by hand are checked, not taken as something else: an enum value
 * outside its type (a lonely-PSU rule, a replicate type, a condition's operator, an
 * interval method, an adjustment) and a level outside (0, 1) are SHOPSTAT_EUSAGE saying
 * which, before any work. Before, compare took level 2 (every interval NaN) and adjustment
 * 9 (Benjamini-Hochberg's numbers, SHOPSTAT_OK); set_design and add_segment took 77, 55
 * and 42; tab refused a level or method at its first estimate, in that estimate's words
 * ("sw, level '0', segment 'all': unknown interval method 99"); chisq by a column without
 * a by set said it had 0 values. */
static void test_options_checked(void **state)
{
    (void)state;
    shopstat_error err;
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.lonely = (shopstat_lonely_psu)77;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "design: unknown lonely-PSU rule 77 (shopstat_lonely_psu)");
    d.lonely = SHOPSTAT_LONELY_AVERAGE; /* (the last one: taken) */
    d.reptype = (shopstat_rep_type)55;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "design: unknown replicate type 55 (shopstat_rep_type)");
    d.reptype = SHOPSTAT_REP_NONE;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    static const char *const three[] = {"3", NULL};
    const shopstat_cond bad = {"spend", (shopstat_op)42, three};
    assert_int_equal(shopstat_plan_add_segment(p, "heavy", &bad, 1, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "condition on 'spend': unknown operator 42 (shopstat_op)");
    const shopstat_cond heavy = {"spend", SHOPSTAT_OP_IN, three};
    assert_int_equal(shopstat_plan_add_segment(p, "heavy", &heavy, 1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "sw", "sw", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "heavy", "all", &err), SHOPSTAT_OK);
    run r = tab("spend,sw\n3,1\n3,1\n1,0\n2,0\n", p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_tab_opts to;
    shopstat_tab_opts_init(&to);
    shopstat_estimate *e = (shopstat_estimate *)&to;
    size_t n = 7;
    const double bad_levels[] = {0, 1, 2, -0.5, NAN};
    for (size_t i = 0; i < sizeof bad_levels / sizeof *bad_levels; i++) {
        to.level = bad_levels[i];
        assert_int_equal(shopstat_tab_estimates(r.t, &to, &e, &n, &err), SHOPSTAT_EUSAGE);
        assert_null(e);
        assert_int_equal(n, 0);
        assert_non_null(strstr(err.msg, "is not between 0 and 1"));
    }
    to.level = 0.95;
    to.ci = (shopstat_ci_method)99;
    assert_int_equal(shopstat_tab_estimates(r.t, &to, &e, &n, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "unknown interval method 99 (shopstat_ci_method)");
    shopstat_compare_opts co;
    shopstat_compare_opts_init(&co);
    shopstat_difference *df = NULL;
    size_t nd = 0;
    co.level = 2;
    assert_int_equal(shopstat_compare(r.t, &co, &df, &nd, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "confidence level 2 is not between 0 and 1");
    assert_null(df);
    co.level = 0.95;
    co.adjust = (shopstat_adjust_method)9;
    assert_int_equal(shopstat_compare(r.t, &co, &df, &nd, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "unknown p-value adjustment 9"));
    assert_null(df);
    const double pv[] = {0.01, 0.04};
    double out[2];
    assert_int_equal(shopstat_p_adjust((shopstat_adjust_method)9, pv, 2, out), SHOPSTAT_EUSAGE);
    assert_true(isnan(out[0]) && isnan(out[1]));
    co.adjust = SHOPSTAT_ADJUST_BH;
    assert_int_equal(shopstat_compare(r.t, &co, &df, &nd, &err), SHOPSTAT_OK);
    assert_int_equal(nd, 2);
    free(df);
    /* a chisq by a column the plan has no by set of: said so, not "0 values" */
    shopstat_chisq_result chi;
    assert_int_equal(shopstat_chisq(r.t, 0, "spend", &chi, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "chisq of 'sw' by 'spend': the plan has no by set of 'spend' "
                                 "(shopstat_plan_add_by)");
    run_free(&r);
    shopstat_plan_free(p);
}

/* Post-stratification (design_opts.poststratify, R's postStratify) on tests/oracle's
 * calib/zero_weights.csv: two rows of weight 0, which R's svyrecvar gives the residual
 * weight 1. The figures are R's (make_calib_fixtures.R, ps_zero_weights): the shares of the
 * calibrated weights, whose sum is the population's 85, and their SEs. */
static void test_poststratify_as_r(void **state)
{
    (void)state;
    char *pop = write_tmp("sex,age,Freq\nm,young,30\nm,old,20\nf,young,10\nf,old,25\n");
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.psu = "psu";
    d.poststratify = "sex,age";
    d.population = pop;
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "men=sex:m", NULL), SHOPSTAT_OK);
    run r = tab("psu,w,sex,age,q\n1,1,m,young,1\n1,2,f,old,2\n2,1,m,old,1\n2,0,f,young,2\n"
                "3,1.5,f,young,1\n3,2,m,young,2\n4,1,f,old,1\n4,3,m,old,2\n5,1,m,young,2\n"
                "5,0,m,old,1\n",
                p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_estimate *e = find(&r, "1", "all");
    assert_close(e->base_weight, 85, 1e-13);
    assert_close(e->proportion, 0.36274509803921573, 1e-13);
    assert_close(e->se, 0.072124286798548404, 1e-10);
    assert_close(e->df, 4, 0);
    e = find(&r, "1", "men");
    assert_close(e->base_weight, 50, 1e-13);
    assert_close(e->proportion, 0.25, 1e-13);
    assert_close(e->se, 0.19665165903190343, 1e-10);
    assert_close(e->eff_base, 4.2553191489361701, 1e-12);
    run_free(&r);
    /* a post-stratum whose population total is missing from the file: at the data row */
    r = tab("psu,w,sex,age,q\n1,1,m,young,1\n1,2,x,old,2\n2,1,m,old,1\n", p,
            SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_EINPUT);
    assert_int_equal(r.err.line, 3);
    assert_non_null(strstr(r.err.msg, "post-stratum 'x, old'"));
    run_free(&r);
    /* the options go together */
    shopstat_error err;
    d.population = NULL;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_EUSAGE);
    /* with replicate weights, R's postStratify(svrepdesign(type = "bootstrap",
     * combined.weights = TRUE), ~sex + age, pop) re-calibrates each replicate: R's svymean
     * and degf (the shares as above, other SEs, df the calibrated replicates' rank - 1) */
    d.population = pop;
    d.psu = NULL;
    d.repweights = "rw";
    d.reptype = SHOPSTAT_REP_BOOTSTRAP;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    r = tab("w,sex,age,q,rw1,rw2,rw3\n1,m,young,1,2,0,1\n2,f,old,2,0,4,2\n1,m,old,1,1,1,2\n"
            "0,f,young,2,0,0,0\n1.5,f,young,1,3,1.5,0\n2,m,young,2,2,4,2\n1,f,old,1,1,0,2\n"
            "3,m,old,2,6,3,0\n1,m,young,2,0,2,1\n0,m,old,1,0,0,0\n1,f,young,2,1,2,1\n",
            p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    e = find(&r, "1", "all");
    assert_close(e->base_weight, 85, 1e-13);
    assert_close(e->proportion, 0.31568627450980397, 1e-13);
    assert_close(e->se, 0.25129422780345678, 1e-10);
    assert_close(e->df, 2, 0);
    e = find(&r, "1", "men");
    assert_close(e->proportion, 0.25, 1e-13);
    assert_close(e->se, 0.22576400898970159, 1e-10);
    assert_close(e->df, 2, 0);
    run_free(&r);
    shopstat_plan_free(p);
    remove_tmp(pop);
}

/* Raking (design_opts.rake, R's rake) on sex and age, two margins of 85: the figures are
 * R's (svymean on rake(svydesign(ids = ~psu, weights = ~w), list(~sex, ~age), ...)), the
 * share of the raked weights and its SE, in all and among the men; with rake_maxit 1 and
 * rake_epsilon 1e-12 R's estimate after one round, not converged (R warns); the same with
 * bootstrap replicate weights (R's rake of a svyrep.design). */
static void test_rake_as_r(void **state)
{
    (void)state;
    char *sex = write_tmp("sex,Freq\nm,45\nf,40\n");
    char *age = write_tmp("age,N\nyoung,50\nold,35\n");
    char margins[600];
    snprintf(margins, sizeof margins, "sex=%s\nage=%s", sex, age);
    const char *data = "psu,w,sex,age,q\n1,1,m,young,1\n1,2,f,old,2\n2,1,m,old,1\n"
                       "2,2.5,f,young,2\n3,1.5,f,young,1\n3,2,m,young,2\n4,1,f,old,1\n"
                       "4,3,m,old,2\n5,1,m,young,2\n5,0.5,m,old,1\n";
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.psu = "psu";
    d.rake = margins;
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "men=sex:m", NULL), SHOPSTAT_OK);
    run r = tab(data, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    size_t iter = 99;
    assert_int_equal(shopstat_totals_rake_converged(r.t, &iter), 1);
    const shopstat_estimate *e = find(&r, "1", "all");
    assert_close(e->base_weight, 85, 1e-12);
    assert_close(e->proportion, 0.32196143676531236, 1e-9);
    assert_close(e->se, 0.073391725771062205, 1e-8);
    assert_close(e->df, 4, 0);
    e = find(&r, "1", "men");
    assert_close(e->base_weight, 44.994110610110987, 1e-12); /* (R: not 45, age raked last) */
    assert_close(e->proportion, 0.28814305546128161, 1e-9);
    assert_close(e->se, 0.24825236410666887, 1e-8);
    run_free(&r);
    d.rake_maxit = 1;
    d.rake_epsilon = 1e-12;
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    r = tab(data, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_rake_converged(r.t, &iter), 0);
    assert_int_equal(iter, 1);
    e = find(&r, "1", "all");
    assert_close(e->proportion, 0.32248166442149379, 1e-12);
    assert_close(e->se, 0.074083932521951196, 1e-10);
    run_free(&r);
    /* not with poststratify */
    shopstat_error err;
    d.poststratify = "sex";
    d.population = sex;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "design_opts.poststratify"));
    d.poststratify = d.population = NULL;
    /* with replicate weights, R's rake(svrepdesign(type = "bootstrap", combined.weights =
     * TRUE), list(~sex, ~age), ...) rakes every replicate too (rows of weight 0 kept): R's
     * svymean, degf, the raked weights' sum among the men (not 45: age raked last); with
     * rake_maxit 1 the full sample and every replicate after one round */
    d.psu = NULL;
    d.repweights = "rw";
    d.reptype = SHOPSTAT_REP_BOOTSTRAP;
    d.rake_maxit = 0;
    d.rake_epsilon = 0;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    const char *rdata = "w,sex,age,q,rw1,rw2,rw3\n1,m,young,1,2,0,1\n2,f,old,2,0,4,2\n"
                        "1,m,old,1,1,1,2\n0,f,young,2,0,0,0\n1.5,f,young,1,3,1.5,0\n"
                        "2,m,young,2,2,4,2\n1,f,old,1,1,0,2\n3,m,old,2,6,3,0\n"
                        "1,m,young,2,0,2,1\n0,m,old,1,0,0,0\n1,f,young,2,1,2,1\n";
    r = tab(rdata, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_rake_converged(r.t, &iter), 1);
    e = find(&r, "1", "all");
    assert_close(e->base_weight, 85, 1e-12);
    assert_close(e->proportion, 0.36009664149625015, 1e-9);
    assert_close(e->se, 0.18738697060278164, 1e-8);
    assert_close(e->df, 2, 0);
    e = find(&r, "1", "men");
    assert_close(e->base_weight, 45.000848666644032, 1e-12);
    assert_close(e->proportion, 0.25, 1e-12);
    assert_close(e->se, 0.15736989175576635, 1e-8);
    assert_close(e->df, 2, 0);
    run_free(&r);
    d.rake_maxit = 1;
    d.rake_epsilon = 1e-12;
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    r = tab(rdata, p, SHOPSTAT_CI_LOGIT);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_rake_converged(r.t, &iter), 0);
    e = find(&r, "1", "all");
    assert_close(e->proportion, 0.358907370425609, 1e-12);
    assert_close(e->se, 0.19068381767862441, 1e-10);
    run_free(&r);
    shopstat_plan_free(p);
    remove_tmp(sex);
    remove_tmp(age);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srs_matches_textbook),
        cmocka_unit_test(test_rows_left_out_note),
        cmocka_unit_test(test_rake_margins_text),
        cmocka_unit_test(test_domain_zero_extension),
        cmocka_unit_test(test_single_respondent_fallback),
        cmocka_unit_test(test_zero_weight_segment),
        cmocka_unit_test(test_one_psu_domain_df_zero),
        cmocka_unit_test(test_multi_response),
        cmocka_unit_test(test_multi_codes),
        cmocka_unit_test(test_codes_sep),
        cmocka_unit_test(test_subset_vs_total_not_independent),
        cmocka_unit_test(test_null_opts_are_defaults),
        cmocka_unit_test(test_waves_are_independent_samples),
        cmocka_unit_test(test_by_where),
        cmocka_unit_test(test_messages_without_flags),
        cmocka_unit_test(test_recode_rules_share_a_level),
        cmocka_unit_test(test_recode_quoted),
        cmocka_unit_test(test_recode_order_kept),
        cmocka_unit_test(test_comparison_values),
        cmocka_unit_test(test_segment_quoted_colon),
        cmocka_unit_test(test_declared_level_twice),
        cmocka_unit_test(test_unknown_column),
        cmocka_unit_test(test_flag_parsers),
        cmocka_unit_test(test_pair_on_a_subset),
        cmocka_unit_test(test_failure_clears_results),
        cmocka_unit_test(test_options_checked),
        cmocka_unit_test(test_poststratify_as_r),
        cmocka_unit_test(test_rake_as_r),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
