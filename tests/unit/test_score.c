/* Unit tests for scores: the plan API, map parsing, hand-computed estimates and edge cases. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "shopstat/score.h"
#include "shopstat/shopstat.h"

/* qt(0.975, 4), qt(0.975, 5) (R) */
#define QT4 2.7764451051977934
#define QT5 2.5705818356363137

typedef struct run {
    shopstat_score_estimate *e;
    size_t n;
    shopstat_status st;
    shopstat_error err;
    shopstat_totals *t;
} run;

static run score(const char *csv, shopstat_plan *p)
{
    run r;
    memset(&r, 0, sizeof r);
    r.st = totals_of_csv(csv, p, &r.t, &r.err);
    if (!r.st)
        r.st = shopstat_score_estimates(r.t, NULL, &r.e, &r.n, &r.err);
    return r;
}

static void run_free(run *r)
{
    free(r->e);
    shopstat_totals_free(r->t);
}

static const shopstat_score_estimate *find(const run *r, const char *name, const char *segment)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].score, name) == 0 && strcmp(r->e[i].segment, segment) == 0)
            return &r->e[i];
    fail_msg("no score %s in segment %s", name, segment);
    return NULL;
}

static shopstat_status add(shopstat_plan *p, const char *q, const char *map, shopstat_error *err)
{
    return shopstat_plan_add_score(p, q, map, NULL, err);
}

static void test_plan_errors(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    const char *cols[] = {"a", "b"};
    assert_int_equal(shopstat_plan_add_multi(p, "m", cols, 2, NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "nope", NULL, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "no such question"));
    /* a library message names no CLI flag */
    assert_null(strstr(err.msg, "--"));
    assert_int_equal(add(p, "m", NULL, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "single-choice"));
    /* maps that do not parse */
    const char *bad[] = {"1=0,2",      "1=x", "1=inf", "1=0,1=5", "1-3=0,3=1", "5-1=0",
                         "a=1,a=2",    "",    "=3",    "1=",      "1-x=2",     "1=0,1-2=50,3-5=100",
                         "1-3=0,2-5=1"};
    const char *why[] = {"not VALUE=SCORE",
                         "not a number",
                         "finite",
                         "given twice",
                         "level 3 is scored by both '1-3' and '3'",
                         "ends below",
                         "given twice",
                         "empty map",
                         "empty value",
                         "not a number",
                         "neither a level nor a range",
                         "level 1 is scored by both '1' and '1-2'",
                         "levels 2 to 3 are scored by both '1-3' and '2-5'"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        shopstat_error_clear(&err);
        assert_int_equal(add(p, "r", bad[i], &err), SHOPSTAT_EUSAGE);
        if (!strstr(err.msg, why[i]))
            fail_msg("map '%s': '%s' lacks '%s'", bad[i], err.msg, why[i]);
    }
    /* good ones, default names, duplicates by name */
    assert_int_equal(add(p, "r", NULL, &err), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "mean", &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "'mean' of 'r' is given twice"));
    assert_int_equal(add(p, "r", "nps", &err), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "1-2=0, 3 = 50,4-5=100", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_score(p, "r", "-2--1=1,Don't know=0", "neg", &err),
                     SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_score(p, "r:nps", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_score(p, ":nps", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_score(p, "", &err), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_plan_parse_score(p, "m:nps", &err), SHOPSTAT_EUSAGE);
    shopstat_plan_free(p);
}

/* Unweighted ratings 1, 2, 4, 5, 5 (each row its own PSU, one stratum): m = 3.4, s^2 =
 * 13.2 / 4 = 3.3, var = s^2 / n = 0.66, df 4, deff 1, CI 3.4 +- qt(0.975, 4) sqrt(0.66).
 * A map 1-2=0,3=50,4-5=100: 0, 0, 100, 100, 100, m = 60, var = 3000 / 5 = 600. */
static void test_srs_by_hand(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", NULL, NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "1-2=0,3=50,4-5=100", NULL), SHOPSTAT_OK);
    run r = score("r\n1\n2\n4\n5\n5\n", p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(shopstat_totals_nscores(r.t), 2);
    const shopstat_score_estimate *e = find(&r, "mean", "all");
    assert_string_equal(e->variable, "r");
    assert_int_equal(e->base_n, 5);
    assert_close(e->estimate, 3.4, 1e-15);
    assert_close(e->se, sqrt(0.66), 1e-14);
    assert_close(e->df, 4, 0);
    assert_close(e->deff, 1, 1e-12);
    assert_close(e->eff_base, 5, 1e-14);
    assert_close(e->ci_lower, 3.4 - QT4 * sqrt(0.66), 1e-12);
    assert_close(e->ci_upper, 3.4 + QT4 * sqrt(0.66), 1e-12);
    assert_close(e->min, 1, 0);
    assert_close(e->max, 5, 0);
    e = find(&r, "score", "all");
    assert_close(e->estimate, 60, 1e-15);
    assert_close(e->se, sqrt(600), 1e-13);
    assert_close(e->min, 0, 0);
    assert_close(e->max, 100, 0);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Every row of a segment at one level: SE 0, CI [m, m], deff undefined; a segment whose
 * rows all weigh 0: NaN, as tab's. Segment 'one' = rows with g = a (ratings 4, 4, 4). */
static void test_edges(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", NULL, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "one=g:a", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "zero=g:z", NULL), SHOPSTAT_OK);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    run r = score("r,g,w\n4,a,1\n4,a,2\n4,a,1\n1,b,1\n2,b,1\n3,z,0\n5,z,0\n", p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_score_estimate *e = find(&r, "mean", "one");
    assert_close(e->estimate, 4, 0);
    assert_close(e->se, 0, 0);
    assert_close(e->ci_lower, 4, 0);
    assert_close(e->ci_upper, 4, 0);
    assert_true(isnan(e->deff));
    e = find(&r, "mean", "zero");
    assert_int_equal(e->base_n, 2);
    assert_close(e->base_weight, 0, 0);
    assert_true(isnan(e->estimate) && isnan(e->se) && isnan(e->ci_lower) && isnan(e->eff_base));
    run_free(&r);
    shopstat_plan_free(p);
}

/* Every row of a segment has one score (all detractors, of levels 0 to 6): its estimate is
 * exactly that score, SE 0 and the interval [m, m], whatever the weights (S / W gave
 * -99.99999999999999 and SE 2e-16 with these). */
static void test_one_score(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "nps", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "0-6=3.7,7-10=1", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "low=g:a", NULL), SHOPSTAT_OK);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    run r = score("r,g,w\n0,a,1.2605\n3,a,2.0251\n6,a,0.3337\n5,a,1.7093\n2,a,0.9811\n"
                  "1,a,1.1\n4,a,2.7\n10,b,1\n9,b,1.3\n",
                  p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const char *names[] = {"NPS", "score"};
    const double want[] = {-100, 3.7};
    for (int i = 0; i < 2; i++) {
        const shopstat_score_estimate *e = find(&r, names[i], "low");
        if (e->estimate != want[i] || e->se != 0)
            fail_msg("%s: %.17g (SE %.3g), not %g (SE 0)", names[i], e->estimate, e->se, want[i]);
        assert_true(e->ci_lower == want[i] && e->ci_upper == want[i]);
    }
    run_free(&r);
    shopstat_plan_free(p);
}

/* A level without a score stops the estimates and says what to do; blank cells are
 * missing and leave the base. */
static void test_unscored_levels(void **state)
{
    (void)state;
    const char *maps[] = {NULL, "nps", "1-5=1"};
    const char *csv[] = {"r\n1\n\n5\nDon't know\n", "r\n1\n11\n5\n", "r\n1\n6\n5\n"};
    const char *level[] = {"level 'Don't know'", "level '11'", "level '6'"};
    for (int i = 0; i < 3; i++) {
        shopstat_plan *p = shopstat_plan_new();
        assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
        assert_int_equal(add(p, "r", maps[i], NULL), SHOPSTAT_OK);
        run r = score(csv[i], p);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_null(r.e);
        if (!strstr(r.err.msg, level[i]) || !strstr(r.err.msg, "of 'r'") ||
            !strstr(r.err.msg, "csv_opts.column_missing"))
            fail_msg("case %d: %s", i, r.err.msg);
        /* compare fails the same way */
        shopstat_difference *dd = NULL;
        size_t nd = 0;
        assert_int_equal(shopstat_compare_scores(r.t, NULL, &dd, &nd, NULL), SHOPSTAT_EINPUT);
        run_free(&r);
        shopstat_plan_free(p);
    }
    /* blank = missing: the mean of 1 and 5 */
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", NULL, NULL), SHOPSTAT_OK);
    run r = score("r\n1\n\n5\n", p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    assert_int_equal(r.e[0].base_n, 2);
    assert_close(r.e[0].estimate, 3, 0);
    run_free(&r);
    shopstat_plan_free(p);
}

/* NPS = 100 (p_promoters - p_detractors) from tab's proportions, in a stratified cluster
 * design with weights, every segment. */
static void test_nps_from_tab(void **state)
{
    (void)state;
    char csv[8192];
    size_t len = (size_t)snprintf(csv, sizeof csv, "h,psu,w,rec,g\n");
    uint64_t seed = 7;
    for (int i = 0; i < 120; i++) {
        /* (rec drawn before w, one statement each: a call's arguments are evaluated in an
         * unspecified order, GCC's last to first, clang's first to last) */
        int rec = (int)(splitmix64(&seed) % 11);
        double w = 0.5 + (double)(splitmix64(&seed) % 1000) / 500;
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%d,%d,%.3f,%d,%c\n", i % 3,
                                (i / 3) % 5, w, rec, "ab"[i % 2]);
    }
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "rec", "rec", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "rec", "nps", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "g", NULL), SHOPSTAT_OK);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "h";
    d.psu = "psu";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    run r = score(csv, p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_tab_estimates(r.t, NULL, &e, &n, NULL), SHOPSTAT_OK);
    assert_int_equal(r.n, 3);
    for (size_t s = 0; s < r.n; s++) {
        double nps = 0;
        for (size_t i = 0; i < n; i++) {
            if (e[i].s != s)
                continue;
            int v = atoi(e[i].level);
            nps += v >= 9 ? 100 * e[i].proportion : v <= 6 ? -100 * e[i].proportion : 0;
        }
        assert_string_equal(r.e[s].score, "NPS");
        assert_close(r.e[s].estimate, nps, 1e-12);
        assert_true(r.e[s].se > 0);
        assert_close(r.e[s].min, -100, 0);
        assert_close(r.e[s].max, 100, 0);
    }
    free(e);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Two disjoint --by segments of a with-replacement SRS: the centred scores share no row, so
 * var(m_a - m_b) = var(m_a) + var(m_b); a:all and a:rest as compare's proportions. */
static void test_compare_disjoint(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", NULL, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "g", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "g=a", "g=b", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "g=a", "rest", NULL), SHOPSTAT_OK);
    run r = score("r,g\n1,a\n2,a\n4,a\n5,b\n5,b\n3,b\n", p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_difference *d = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_compare_scores(r.t, NULL, &d, &n, NULL), SHOPSTAT_OK);
    assert_int_equal(n, 2);
    const shopstat_score_estimate *a = find(&r, "mean", "g=a"), *b = find(&r, "mean", "g=b");
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(d[i].level, "mean");
        assert_close(d[i].estimate_a, 7.0 / 3, 1e-15);
        assert_close(d[i].estimate_b, 13.0 / 3, 1e-15);
        assert_close(d[i].difference, -2, 1e-14);
        assert_close(d[i].se, sqrt(a->se * a->se + b->se * b->se), 1e-12);
        assert_close(d[i].df, 5, 0);
        assert_close(d[i].t, -2 / d[i].se, 1e-12);
        assert_close(d[i].ci_lower, -2 - QT5 * d[i].se, 1e-12);
        assert_close(d[i].p_adjusted, d[i].p_value, 0);
    }
    assert_string_equal(d[1].segment_b, "rest");
    free(d);
    run_free(&r);
    shopstat_plan_free(p);
}

/* The share of a set of levels between overlapping segments (a Likert chart's side totals)
 * against R: tests/oracle/box/shopper_nps_box.csv, made by tests/oracle/make_box_fixtures.R
 * (svycontrast of svytotal), on the oracle's stratified cluster design with --missing 99. */
static void test_level_set_against_r(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    d.strata = "region";
    d.psu = "panel";
    d.lonely = SHOPSTAT_LONELY_ADJUST;
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "recommend", "recommend", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "wave", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "heavy", "all", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "heavy", "rest", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "wave=2010", "wave=2011", NULL), SHOPSTAT_OK);
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    const char *missing[] = {"99", NULL};
    co.missing = missing;
    shopstat_reader *rd = NULL;
    shopstat_totals *t = NULL;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open("tests/oracle/data/shopper_nps.csv", &co, &rd, &err),
                     SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_compute(p, rd, &t, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_totals_nlevels(t, 0), 11);
    FILE *f = fopen("tests/oracle/box/shopper_nps_box.csv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f)); /* (the header) */
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        char set[16], pos[64], sa[32], sb[32];
        double ea, eb, diff, se, tt, df, pv;
        assert_int_equal(sscanf(line, "%15[^,],%63[^,],%31[^,],%31[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf",
                                set, pos, sa, sb, &ea, &eb, &diff, &se, &tt, &df, &pv),
                         11);
        size_t lv[16], nl = 0;
        for (char *c = strtok(pos, ";"); c && nl < 16; c = strtok(NULL, ";"))
            lv[nl++] = (size_t)atoi(c);
        shopstat_difference *x = NULL;
        size_t n = 0;
        assert_int_equal(shopstat_compare_level_set(t, NULL, 0, lv, nl, &x, &n, &err), SHOPSTAT_OK);
        assert_int_equal(n, 3);
        size_t k = 0;
        while (k < n && !(strcmp(x[k].segment_a, sa) == 0 && strcmp(x[k].segment_b, sb) == 0))
            k++;
        assert_true(k < n);
        assert_string_equal(x[k].variable, "recommend");
        assert_close(x[k].estimate_a, ea, 1e-6);
        assert_close(x[k].estimate_b, eb, 1e-6);
        assert_close(x[k].difference, diff, 1e-6);
        assert_close(x[k].se, se, 1e-6);
        assert_close(x[k].t, tt, 1e-6);
        assert_close(x[k].df, df, 0);
        assert_close(x[k].p_value, pv, 1e-6);
        assert_close(x[k].p_adjusted, pv, 1e-6); /* (not adjusted: a test of its own) */
        free(x);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 9);
    /* a level out of range, a question that is not single-choice */
    size_t bad = 11;
    shopstat_difference *x = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_compare_level_set(t, NULL, 0, &bad, 1, &x, &n, &err),
                     SHOPSTAT_EUSAGE);
    assert_null(x);
    shopstat_totals_free(t);
    shopstat_reader_free(rd);
    shopstat_plan_free(p);
}

/* One rule for every view: decimals from the scale's width, a sign when it goes below 0. */
/* A quantile (R's svyquantile, qrule "math") by hand: the first value whose cumulative
 * weight reaches p W, that value itself when it meets p W exactly; when even the first row
 * passes p W, R's qs() takes the row after it (row 2): the next value unless the smallest
 * is held by two rows. Weights 2, 1, 1, 4 on 10, 20, 20, 30 (W 8); in 'two' the 10 is two
 * rows of weight 1; in 'three' two rows of weight 1 hold it written two ways, "10" and
 * "10.0" (one value: R's rows 10, 10, 20, 30, whose svyquantile gives p0 = p25 = 10). */
static void test_quantile_by_hand(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "x", "x", NULL), SHOPSTAT_OK);
    const char *maps[] = {"p0", "p25", "p30", "median", "p51", "p100"};
    /* p W = 0, 2, 2.4, 4, 4.08, 8 against the cumulative weights 2, 4, 8 */
    const double want[] = {20, 10, 20, 20, 30, 30};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(add(p, "x", maps[i], NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "one=g:a", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "two=g:b", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "three=g:c", NULL), SHOPSTAT_OK);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    run r = score("x,g,w\n30,a,4\n10,a,2\n20,a,1\n20.0,a,1\n"
                  "30,b,4\n10,b,1\n20,b,1\n20,b,1\n10,b,1\n99,b,0\n"
                  "10,c,1\n20,c,1\n30,c,1\n10.0,c,1\n",
                  p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    for (size_t i = 0; i < 6; i++) {
        const shopstat_score_estimate *e = find(&r, maps[i], "one");
        if (e->estimate != want[i])
            fail_msg("%s of 'one': %.17g, not %g", maps[i], e->estimate, want[i]);
        assert_true(e->quantile);
        assert_true(isnan(e->deff));
        assert_int_equal(e->base_n, 4);
    }
    /* p100's share at or below 30 is 8 / 8 with SE 0: its interval's ends are exactly 1,
     * inside [0, 1], so both map back to 30 (R: 30 [30, 30], SE 0; mutation round 5: an end
     * of exactly 1 taken as past it gave no upper end) */
    const shopstat_score_estimate *top = find(&r, "p100", "one");
    assert_close(top->ci_lower, 30, 0);
    assert_close(top->ci_upper, 30, 0);
    assert_close(top->se, 0, 0);
    /* 'two': the smallest held twice, so p0 is 10; the weight-0 row of 99 is no value */
    assert_close(find(&r, "p0", "two")->estimate, 10, 0);
    assert_close(find(&r, "p100", "two")->estimate, 30, 0);
    assert_close(find(&r, "median", "two")->p, 0.5, 0);
    /* 'three': "10" and "10.0" are one value held by two rows (mutation round 5: the rows
     * of a merged level not counted gave 20, the next value) */
    assert_close(find(&r, "p0", "three")->estimate, 10, 0);
    assert_close(find(&r, "p25", "three")->estimate, 10, 0);
    assert_close(find(&r, "median", "three")->estimate, 10, 0);
    run_free(&r);
    shopstat_plan_free(p);
}

/* A measure's decimals (score.h), worked by hand: the larger of the values' own decimals
 * and three significant digits of the typical size given (the estimates give the width of
 * the values' range), at most 3; a rating keeps the scale's width's rule. */
static void test_measure_decimals(void **state)
{
    (void)state;
    /* the values' own decimals */
    assert_int_equal(shopstat_score_value_decimals(35.79), 2);
    assert_int_equal(shopstat_score_value_decimals(0.3), 1);
    assert_int_equal(shopstat_score_value_decimals(165), 0);
    assert_int_equal(shopstat_score_value_decimals(-2.5), 1);
    assert_int_equal(shopstat_score_value_decimals(0.12345), 3);
    /* hours of one decimal, mean 17.3: log10 17.3 = 1.24, 2 - 1 = 1 for 3 digits (17.3) */
    assert_int_equal(shopstat_score_measure_decimals(1, 17.3), 1);
    /* dollars of two decimals, 35.79: three digits want 1 (35.8), the values 2 */
    assert_int_equal(shopstat_score_measure_decimals(2, 35.79), 2);
    /* whole values about 165: 2 - 2 = 0; about 9: 2 - 0 = 2 (9.47) */
    assert_int_equal(shopstat_score_measure_decimals(0, 165), 0);
    assert_int_equal(shopstat_score_measure_decimals(0, 9.47), 2);
    assert_int_equal(shopstat_score_measure_decimals(0, -9.47), 2);
    /* 1234.5: 2 - 3 = -1, the values' 1 */
    assert_int_equal(shopstat_score_measure_decimals(1, 1234.5), 1);
    /* 0.0042: 2 - (-3) = 5, capped at 3; 100 exactly: 2 - 2 = 0 */
    assert_int_equal(shopstat_score_measure_decimals(0, 0.0042), 3);
    assert_int_equal(shopstat_score_measure_decimals(0, 100), 0);
    assert_int_equal(shopstat_score_measure_decimals(0, 99.9), 1);
    /* no typical estimate (0, NaN): the values' own */
    assert_int_equal(shopstat_score_measure_decimals(2, 0), 2);
    assert_int_equal(shopstat_score_measure_decimals(1, NAN), 1);
    assert_int_equal(shopstat_score_measure_decimals(5, 10), 3);
    /* a hand-built estimate (calloc'd: not a measure) keeps the scale's rule */
    shopstat_score_estimate e;
    memset(&e, 0, sizeof e);
    e.min = 0.3, e.max = 165;
    assert_int_equal(shopstat_score_estimate_decimals(&e), 0);
    e.measure = 1, e.measure_decimals = 1;
    assert_int_equal(shopstat_score_estimate_decimals(&e), 1);

    /* end to end: h has values of one decimal (a measure), r is a 1-5 rating (not one),
     * n 21 whole numbers 0..200 step 10 (a measure by its count), m the same 21 numbers'
     * median (a quantile: the values' own decimals). Segments one (rows 1-4), two (5-8):
     * h's means 2.25 (0.5, 1.5, 2.5, 4.5) and 9.5 (8, 9, 10, 11), the whole base's 5.875
     * (47 / 8). h's values run 0.5 to 11, a width of 10.5, whose three digits want
     * 2 - floor(log10 10.5) = 1 decimal, as the values' own 1 (the median |estimate|,
     * 5.875, gave 2 until 2026-12-04). Rows 9-21 (g c) are in the whole base only. */
    shopstat_plan *p = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p, "h", "h", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "n", "n", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "h", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "r", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "n", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p, "n", "median", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "one=g:a", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "two=g:b", NULL), SHOPSTAT_OK);
    char csv[4096];
    size_t len = (size_t)snprintf(csv, sizeof csv, "h,r,n,g\n");
    const char *h[] = {"0.5", "1.5", "2.5", "4.5", "8", "9", "10", "11"};
    for (int i = 0; i < 21; i++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%s,%d,%d,%s\n", i < 8 ? h[i] : "",
                                1 + i % 5, 10 * i, i < 4 ? "a" : i < 8 ? "b" : "c");
    run r = score(csv, p);
    assert_int_equal(r.st, SHOPSTAT_OK);
    const shopstat_score_estimate *x = find(&r, "mean", "one");
    assert_close(x->estimate, 2.25, 1e-12);
    for (size_t i = 0; i < r.n; i++) {
        const shopstat_score_estimate *y = &r.e[i];
        if (strcmp(y->variable, "h") == 0) {
            /* width 10.5: 1 decimal, in every segment */
            assert_true(y->measure);
            assert_int_equal(shopstat_score_estimate_decimals(y), 1);
        } else if (strcmp(y->variable, "r") == 0) {
            /* five whole points: a rating, 2 decimals by its width 4 */
            assert_false(y->measure);
            assert_int_equal(shopstat_score_estimate_decimals(y), 2);
        } else if (strcmp(y->score, "mean") == 0) {
            /* 21 whole numbers 0 to 200: width 200, 2 - 2 = 0 decimals (means all 100,
             * one 15, two 55) */
            assert_true(y->measure);
            assert_int_equal(shopstat_score_estimate_decimals(y), 0);
        } else {
            /* their median: a value, whole: 0 decimals (the scale's width 200 gives 0 too,
             * so the measure flag is what says it) */
            assert_true(y->measure);
            assert_int_equal(y->measure_decimals, 0);
        }
    }
    /* the same scores with no segment but all: every score's decimals as above (n's mean
     * took 1 with one and two listed, the median |estimate| 55, and 0 alone, 100) */
    shopstat_plan *p2 = shopstat_plan_new();
    assert_int_equal(shopstat_plan_add_single(p2, "h", "h", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p2, "r", "r", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p2, "n", "n", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p2, "h", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p2, "r", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p2, "n", "mean", NULL), SHOPSTAT_OK);
    assert_int_equal(add(p2, "n", "median", NULL), SHOPSTAT_OK);
    run r2 = score(csv, p2);
    assert_int_equal(r2.st, SHOPSTAT_OK);
    assert_int_equal(r2.n, 4);
    for (size_t i = 0; i < r2.n; i++)
        for (size_t j = 0; j < r.n; j++)
            if (strcmp(r.e[j].variable, r2.e[i].variable) == 0 &&
                strcmp(r.e[j].score, r2.e[i].score) == 0)
                assert_int_equal(shopstat_score_estimate_decimals(&r2.e[i]),
                                 shopstat_score_estimate_decimals(&r.e[j]));
    run_free(&r2);
    shopstat_plan_free(p2);
    run_free(&r);
    shopstat_plan_free(p);
}

/* Quantile words: median, pN (N 0 to 100, any case); others are maps or errors. */
static void test_quantile_words(void **state)
{
    (void)state;
    assert_true(shopstat_score_map_is_quantile("median"));
    assert_true(shopstat_score_map_is_quantile("P90"));
    assert_true(shopstat_score_map_is_quantile("p2.5"));
    assert_false(shopstat_score_map_is_quantile("mean"));
    assert_false(shopstat_score_map_is_quantile("p1=0,p2=1"));
    assert_false(shopstat_score_map_is_quantile("pizza"));
    assert_int_equal(shopstat_score_question_len("spend:p90"), 5);
    /* (a ':' and a space start no map: "Q1: p90" is a column's name, as "Q1: Recommend") */
    assert_int_equal(shopstat_score_question_len("Q1: p90"), 7);
    assert_int_equal(shopstat_score_question_len("Q1: p90:median"), 7);
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_plan_add_single(p, "x", "x", NULL), SHOPSTAT_OK);
    const char *bad[] = {"p101", "p-1", "p9x", "p1e9"};
    for (size_t i = 0; i < 4; i++) {
        shopstat_status st = add(p, "x", bad[i], &err);
        if (st != SHOPSTAT_EUSAGE)
            fail_msg("map '%s' taken", bad[i]);
    }
    assert_non_null(strstr(err.msg, "median or pN"));
    assert_int_equal(add(p, "x", "P2.5", NULL), SHOPSTAT_OK);
    shopstat_plan_free(p);
}

static void test_format(void **state)
{
    (void)state;
    char b[64];
    assert_int_equal(shopstat_score_decimals(1, 5), 2);
    assert_int_equal(shopstat_score_decimals(0, 10), 1);
    assert_int_equal(shopstat_score_decimals(0, 100), 0);
    assert_int_equal(shopstat_score_decimals(-100, 100), 0);
    assert_int_equal(shopstat_score_decimals(0, 0.5), 3);
    assert_int_equal(shopstat_score_decimals(3, 3), 2);
    assert_int_equal(shopstat_score_decimals(NAN, NAN), 2);
    /* a 1-5 mean */
    shopstat_score_format(3.845, 1, 5, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "3.85");
    /* a 0-100 map: no decimals, no sign ("47.80" before) */
    shopstat_score_format(47.8, 0, 100, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "48");
    /* an NPS: signed, no decimals; 0 unsigned; ASCII minus unless asked */
    shopstat_score_format(23.4, -100, 100, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "+23");
    shopstat_score_format(-39.3, -100, 100, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "-39");
    shopstat_score_format(-0.4, -100, 100, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "0");
    shopstat_score_format(-39.3, -100, 100, SHOPSTAT_SCORE_AUTO, SHOPSTAT_SCORE_MINUS, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92"
                           "39");
    /* a difference on a positive scale: signed when asked, 0 still unsigned */
    shopstat_score_format(-0.2, 1, 5, SHOPSTAT_SCORE_AUTO, SHOPSTAT_SCORE_SIGN, b, sizeof b);
    assert_string_equal(b, "-0.20");
    shopstat_score_format(0.2, 1, 5, SHOPSTAT_SCORE_AUTO, SHOPSTAT_SCORE_SIGN, b, sizeof b);
    assert_string_equal(b, "+0.20");
    shopstat_score_format(0.001, 1, 5, SHOPSTAT_SCORE_AUTO, SHOPSTAT_SCORE_SIGN, b, sizeof b);
    assert_string_equal(b, "0.00");
    /* a 0-10 mean; explicit and exact decimals; NaN; a buffer too short is cut, terminated */
    shopstat_score_format(5.28, 0, 10, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "5.3");
    shopstat_score_format(5.28, 0, 10, 3, 0, b, sizeof b);
    assert_string_equal(b, "5.280");
    shopstat_score_format(2.5, 0, 10, SHOPSTAT_SCORE_EXACT, 0, b, sizeof b);
    assert_string_equal(b, "2.5");
    shopstat_score_format(NAN, 1, 5, SHOPSTAT_SCORE_AUTO, 0, b, sizeof b);
    assert_string_equal(b, "n/a");
    shopstat_score_format(-39.3, -100, 100, SHOPSTAT_SCORE_AUTO, 0, b, 3);
    assert_string_equal(b, "-3");
}

/* --score's QUESTION:MAP: the question ends at the ':' before a map, so names may hold ':' */
static void test_question_len(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        size_t len;
    } cases[] = {{"q", 1},
                 {"q:nps", 1},
                 {"q:mean", 1},
                 {"q:1-2=0,3=100", 1},
                 {"q:10:00=1", 1},
                 {"a:b", 3},
                 {"a:", 1},
                 {"Q1: Recommend us?:nps", 17},
                 {"Q1: Recommend us?", 17},
                 {"x: y:NPS", 4}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (shopstat_score_question_len(cases[i].spec) != cases[i].len)
            fail_msg("'%s': %zu, not %zu", cases[i].spec,
                     shopstat_score_question_len(cases[i].spec), cases[i].len);
}

/* A score's label: the program's names with their scale, a name ending in its own
 * parenthesis as the user gave it (a score named "Mean (1-5)" showed "Mean (1-5) (1-5)") */
static void test_label(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        double min, max;
        const char *want;
    } cases[] = {{"mean", 1, 5, "Mean (1-5)"},
                 {"NPS", -100, 100, "NPS (-100 to +100)"},
                 {"score", 0, 100, "Score (0-100)"},
                 {"Top-2 box", 0, 100, "Top-2 box (0-100)"},
                 {"Mean (1-5)", 1, 5, "Mean (1-5)"},
                 {"Index (staff)", 0, 100, "Index (staff)"},
                 {"score", -10, 0, "Score (-10 to 0)"}, /* (a zero has no sign) */
                 {"mean", 3, 3, "Mean"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        shopstat_score_estimate e = {
            .score = cases[i].name, .min = cases[i].min, .max = cases[i].max};
        char b[100];
        shopstat_score_label(&e, b, sizeof b);
        if (strcmp(b, cases[i].want) != 0)
            fail_msg("'%s': '%s', not '%s'", cases[i].name, b, cases[i].want);
    }
}

/* Which numeric levels read as "no answer" codes (describe's start, a mean's warning): 99 and
 * 98 above a 1-5 rating, Qualtrics' -99 below it, a panel's -9 and -8 below a 0-10 question;
 * never the points of a scale that reaches below 0. */
static void test_nonanswer_codes(void **state)
{
    (void)state;
    unsigned char code[12];
    /* 1-5 and 99: the one code is 99 (index 5) */
    const double hi[] = {1, 2, 3, 4, 5, 99};
    assert_int_equal(score_nonanswer_codes(hi, 6, 1, code), 1);
    assert_int_equal(code[5], 1);
    assert_int_equal(code[0], 0);
    /* Qualtrics' seen-but-unanswered -99 below a 1-5 rating (index 0) */
    const double q[] = {-99, 1, 2, 3, 4, 5};
    assert_int_equal(score_nonanswer_codes(q, 6, 1, code), 1);
    assert_int_equal(code[0], 1);
    assert_int_equal(code[1] + code[2] + code[3] + code[4] + code[5], 0);
    /* both ends: -99 below and 99 above */
    const double both[] = {5, -99, 1, 2, 3, 4, 99};
    assert_int_equal(score_nonanswer_codes(both, 7, 1, code), 2);
    assert_int_equal(code[1], 1);
    assert_int_equal(code[6], 1);
    /* a panel's -9 and -8 below a 0-10 question */
    const double panel[] = {-9, -8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_int_equal(score_nonanswer_codes(panel, 12, 1, code), 2);
    assert_int_equal(code[0] + code[1], 2);
    /* -1 below a 1-5 rating: a code */
    const double m1[] = {-1, 1, 2, 3, 4, 5};
    assert_int_equal(score_nonanswer_codes(m1, 6, 1, code), 1);
    /* scales that reach below 0: -1/0/+1 and -3 to +3 hold no code */
    const double wsb[] = {-1, 0, 1};
    assert_int_equal(score_nonanswer_codes(wsb, 3, 1, code), 0);
    const double sym[] = {-3, -2, -1, 0, 1, 2, 3};
    assert_int_equal(score_nonanswer_codes(sym, 7, 1, code), 0);
    /* -1 beside answers from 0 (a change of -1 in a count): not a code */
    const double cnt[] = {-1, 0, 1, 2, 3};
    assert_int_equal(score_nonanswer_codes(cnt, 5, 1, code), 0);
    /* -99 and -98 with only one answer: nothing to stand apart from */
    const double lone[] = {-99, -98, 3};
    assert_int_equal(score_nonanswer_codes(lone, 3, 1, code), 0);
    /* amounts with a -2.5: not whole, no code */
    const double amt[] = {-2.5, 10, 20, 30};
    assert_int_equal(score_nonanswer_codes(amt, 4, 0, code), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_nonanswer_codes),
        cmocka_unit_test(test_question_len),
        cmocka_unit_test(test_srs_by_hand),
        cmocka_unit_test(test_quantile_by_hand),
        cmocka_unit_test(test_quantile_words),
        cmocka_unit_test(test_measure_decimals),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_unscored_levels),
        cmocka_unit_test(test_nps_from_tab),
        cmocka_unit_test(test_compare_disjoint),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_one_score),
        cmocka_unit_test(test_level_set_against_r),
        cmocka_unit_test(test_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
