/* Unit tests for the pass's fast paths (engine/pass.c, on_row_at): a row whose pattern (its
 * condition, --by and question fields) or design values were seen before must not take
 * the slow path again. A slow path taken too often changes no result, only the time, so
 * these tests count the rows that took one (shopstat_totals.slow_rows, slow_design) and
 * compare them with the distinct patterns and design values counted here from the data. */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "shopstat/tab.h"

enum { ROWS = 3000, NSPEND = 3, NQ = 8, NCODES = 6 };

static const char *const spend_v[NSPEND] = {"1", "2", "3"};
/* 7 is the global missing code (--missing 7): inside q's scale (1-8) and the codes' (1-8) */
static const char *const q_v[NQ] = {"1", "2", "3", "4", "5", "NA", "7", "8"};
static const char *const codes_v[NCODES] = {"", "\"1;2\"", "8", "7", "\"1;7\"", "2"};
/* the rows (of those kept) holding the code: in q, and in the codes cell */
static const int q_holds[NQ] = {0, 0, 0, 0, 0, 0, 1, 0};
static const int codes_hold[NCODES] = {0, 0, 0, 1, 1, 0};

typedef struct data {
    char *path;
    /* per (spend, q, codes) tuple: rows of it; per (region, panel): rows */
    size_t tuple[NSPEND][NQ][NCODES];
    size_t unit[4][6];
} data;

/* Regions R1-R4 (Region-1 to Region-4 when long_strata: longer than a design word's 7
 * bytes; long_strata 2: Region-number-1 and Panel-number-1, longer than both words' 14),
 * panels P1-P6 (texts a global code cannot be), weights and 4 replicate weights written
 * with 3 decimals (never the code 7). */
static void make_data(data *d, int long_strata)
{
    memset(d, 0, sizeof *d);
    uint64_t rng = 99;
    size_t cap = (size_t)ROWS * 96 + 128, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len +=
        (size_t)snprintf(s + len, cap - len, "region,panel,wt,spend,q,codes,rep1,rep2,rep3,rep4\n");
    for (size_t i = 0; i < ROWS; i++) {
        unsigned r = (unsigned)(splitmix64(&rng) % 4), p = (unsigned)(splitmix64(&rng) % 6);
        unsigned sp = (unsigned)(splitmix64(&rng) % NSPEND), q = (unsigned)(splitmix64(&rng) % NQ),
                 c = (unsigned)(splitmix64(&rng) % NCODES);
        double w = 0.5 + (double)(splitmix64(&rng) % 1000) / 400.0;
        len += (size_t)snprintf(s + len, cap - len, "%s%u,%s%u,%.3f,%s,%s,%s",
                                long_strata == 2 ? "Region-number-"
                                : long_strata    ? "Region-"
                                                 : "R",
                                r + 1, long_strata == 2 ? "Panel-number-" : "P", p + 1, w,
                                spend_v[sp], q_v[q], codes_v[c]);
        for (int k = 0; k < 4; k++)
            len +=
                (size_t)snprintf(s + len, cap - len, ",%.3f", w * (double)(splitmix64(&rng) % 3));
        len += (size_t)snprintf(s + len, cap - len, "\n");
        d->tuple[sp][q][c]++;
        d->unit[r][p]++;
    }
    d->path = write_tmp(s);
    free(s);
}

/* The distinct (spend, q, codes) tuples of the rows whose spend is not skip_spend (-1:
 * every row), and the answers those rows hold the code in q and in the codes cell. */
static size_t distinct_patterns(const data *d, int skip_spend, size_t *q_taken, size_t *codes_taken)
{
    size_t n = 0;
    *q_taken = *codes_taken = 0;
    for (int sp = 0; sp < NSPEND; sp++)
        for (int q = 0; q < NQ; q++)
            for (int c = 0; c < NCODES; c++) {
                size_t rows = d->tuple[sp][q][c];
                if (!rows || sp == skip_spend)
                    continue;
                n++;
                *q_taken += q_holds[q] * rows;
                *codes_taken += codes_hold[c] * rows;
            }
    return n;
}

static size_t distinct_units(const data *d)
{
    size_t n = 0;
    for (int r = 0; r < 4; r++)
        for (int p = 0; p < 6; p++)
            n += d->unit[r][p] != 0;
    return n;
}

typedef enum variant {
    PLAIN,
    BASE,
    CODES,
    CODES_EXCLUDE,
    REPLICATE,
    LONG_STRATA,
    LONG_DESIGN
} variant;

static shopstat_totals *run(const data *d, variant v, int threads)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_design_opts o;
    shopstat_design_opts_init(&o);
    o.weight = "wt";
    if (v == REPLICATE) {
        o.repweights = "rep";
        o.reptype = SHOPSTAT_REP_BOOTSTRAP;
    } else {
        o.strata = "region";
        o.psu = "panel";
    }
    assert_int_equal(shopstat_plan_set_design(p, &o, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_codes(p, "c=codes", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", &err), SHOPSTAT_OK);
    if (v == BASE)
        assert_int_equal(shopstat_plan_parse_base(p, "spend:>=2", &err), SHOPSTAT_OK);
    if (v == CODES_EXCLUDE)
        assert_int_equal(shopstat_plan_parse_exclude(p, "spend:2", &err), SHOPSTAT_OK);
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    static const char *const codes[] = {"7", NULL};
    if (v == CODES || v == CODES_EXCLUDE)
        co.missing = codes;
    shopstat_reader *rd = NULL;
    assert_int_equal(shopstat_reader_open(d->path, &co, &rd, &err), SHOPSTAT_OK);
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = threads;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_totals_compute_opts(p, rd, &po, &t, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    /* (the plan lives as long as the totals: check frees both) */
    return t;
}

/* One thread: each distinct pattern and design value takes the slow path once. */
static void check(variant v, int skip_spend, int codes)
{
    data d;
    make_data(&d, v == LONG_DESIGN ? 2 : v == LONG_STRATA);
    size_t q_taken, codes_taken;
    size_t npat = distinct_patterns(&d, skip_spend, &q_taken, &codes_taken);
    shopstat_totals *t = run(&d, v, 1);
    size_t excluded = 0;
    for (int q = 0; skip_spend >= 0 && q < NQ; q++)
        for (int c = 0; c < NCODES; c++)
            excluded += d.tuple[skip_spend][q][c];
    assert_int_equal(t->acct.used, ROWS - excluded);
    assert_int_equal(t->acct.excluded_cond, excluded);
    assert_int_equal(t->slow_rows, npat);
    /* a replicate design has no strata or PSUs: one (empty) design key */
    assert_int_equal(t->slow_design, v == REPLICATE ? 1 : distinct_units(&d));
    if (codes) {
        /* the rows of known patterns that hold the code are counted too */
        size_t seen = 0;
        const char *code, *column, *columns;
        double lo, hi;
        size_t answers;
        for (size_t k = 0;
             shopstat_totals_code_in_scale(t, k, &code, &column, &lo, &hi, &columns, &answers);
             k++) {
            assert_string_equal(code, "7");
            if (!strcmp(column, "q")) {
                assert_int_equal(answers, q_taken);
                seen |= 1;
            } else {
                assert_string_equal(column, "codes");
                assert_int_equal(answers, codes_taken);
                seen |= 2;
            }
        }
        assert_int_equal(seen, 3);
    }
    const shopstat_plan *p = t->plan;
    shopstat_totals_free(t);
    shopstat_plan_free((shopstat_plan *)p);
    remove_tmp(d.path);
}

/* The rows outside --base keep their pattern (pattern_add once wrote over the key of a
 * record without cells: every such row took the slow path) */
static void test_base_patterns(void **state)
{
    (void)state;
    check(BASE, -1, 0);
}

static void test_plain_patterns(void **state)
{
    (void)state;
    check(PLAIN, -1, 0);
}

/* Rows holding a global missing code keep their pattern and are still counted for the
 * warning of a code inside a scale (they took the slow path every time, 2.4x the typical
 * run's instructions at 23% of the rows) */
static void test_code_patterns(void **state)
{
    (void)state;
    check(CODES, -1, 1);
}

/* The same through the copy of the row path for exclusions folded into the patterns:
 * excluded rows (spend 2) are neither slow rows nor counted */
static void test_code_exclude_patterns(void **state)
{
    (void)state;
    check(CODES_EXCLUDE, 1, 1);
}

/* Replicate designs use the patterns (they took the slow path on every row) */
static void test_replicate_patterns(void **state)
{
    (void)state;
    check(REPLICATE, -1, 0);
}

/* Strata values longer than 7 bytes find their (stratum, unit) by their design values
 * too (every row looked them up) */
static void test_long_strata(void **state)
{
    (void)state;
    check(LONG_STRATA, -1, 0);
}

/* The estimates of a plan over file path (design region/panel/wt, question q, the segment
 * and exclusion given, NULL for none), one thread; the totals in *tp. */
static shopstat_estimate *estimates(const char *path, const char *segment, const char *exclude,
                                    size_t *n, shopstat_totals **tp)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_design_opts o;
    shopstat_design_opts_init(&o);
    o.weight = "wt";
    o.strata = "region";
    o.psu = "panel";
    assert_int_equal(shopstat_plan_set_design(p, &o, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    if (segment)
        assert_int_equal(shopstat_plan_parse_segment(p, segment, &err), SHOPSTAT_OK);
    if (exclude)
        assert_int_equal(shopstat_plan_parse_exclude(p, exclude, &err), SHOPSTAT_OK);
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    shopstat_reader *rd = NULL;
    assert_int_equal(shopstat_reader_open(path, &co, &rd, &err), SHOPSTAT_OK);
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = 1;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_totals_compute_opts(p, rd, &po, &t, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    shopstat_estimate *e = NULL;
    assert_int_equal(shopstat_tab_estimates(t, NULL, &e, n, &err), SHOPSTAT_OK);
    *tp = t;
    return e;
}

static void free_totals(shopstat_totals *t)
{
    const shopstat_plan *p = t->plan;
    shopstat_totals_free(t);
    shopstat_plan_free((shopstat_plan *)p);
}

enum { MANY_ROWS = 20000, MANY_DUR = 20000, MANY_Q = 5, MANY_CUT = 5000, MANY_EXCL = 100 };

/* A condition on a column of more distinct values than the truth memo keeps (4096 values
 * of up to 7 bytes; some longer: 123.125): the rows of a known pattern of truths
 * (dur >= 5000, dur < 100 for the exclusion, the answer) take no slow path, and every
 * row still falls in the segment its own value says (its counts and weights, summed
 * here). Before the truths keyed the patterns every distinct value made a pattern of its
 * own. */
static void test_many_values(void **state)
{
    (void)state;
    uint64_t rng = 7;
    size_t cap = (size_t)MANY_ROWS * 64 + 64, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "region,panel,wt,q,dur\n");
    /* per (dur >= 5000, answer): rows and weight, of the rows kept; and the excluded */
    size_t rows[2][MANY_Q] = {{0}}, excluded = 0;
    double wsum[2][MANY_Q] = {{0}};
    for (size_t i = 0; i < MANY_ROWS; i++) {
        unsigned r = (unsigned)(splitmix64(&rng) % 4), p = (unsigned)(splitmix64(&rng) % 6);
        unsigned q = (unsigned)(splitmix64(&rng) % MANY_Q);
        unsigned dur = (unsigned)(splitmix64(&rng) % MANY_DUR);
        char wt[32]; /* (summed as written: 3 decimals) */
        snprintf(wt, sizeof wt, "%.3f", 0.5 + (double)(splitmix64(&rng) % 1000) / 400.0);
        double w = strtod(wt, NULL);
        len += (size_t)snprintf(s + len, cap - len, "R%u,P%u,%s,%u,", r + 1, p + 1, wt, q + 1);
        if (i % 50 == 0) { /* blank: in neither */
            len += (size_t)snprintf(s + len, cap - len, "\n");
        } else {
            len += (size_t)snprintf(s + len, cap - len, i % 7 == 0 ? "%u.125\n" : "%u\n", dur);
            if (dur < MANY_EXCL) {
                excluded++;
                continue;
            }
        }
        int big = i % 50 != 0 && dur >= MANY_CUT;
        rows[big][q]++;
        wsum[big][q] += w;
    }
    char *path = write_tmp(s);
    free(s);
    size_t n = 0;
    shopstat_totals *t = NULL;
    shopstat_estimate *e = estimates(path, "long=dur:>=5000", "dur:<100", &n, &t);
    assert_int_equal(t->acct.excluded_cond, excluded);
    assert_int_equal(t->acct.used, MANY_ROWS - excluded);
    size_t npat = 0;
    for (int b = 0; b < 2; b++)
        for (int q = 0; q < MANY_Q; q++)
            npat += rows[b][q] != 0;
    assert_int_equal(t->slow_rows, npat);
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        int q = atoi(e[i].level) - 1;
        assert_true(q >= 0 && q < MANY_Q);
        size_t want = rows[1][q];
        double wantw = wsum[1][q];
        if (!strcmp(e[i].segment, "all")) {
            want += rows[0][q];
            wantw += wsum[0][q];
        } else {
            assert_string_equal(e[i].segment, "long");
        }
        assert_int_equal(e[i].count, want);
        assert_close(e[i].proportion * e[i].base_weight, wantw, 1e-12);
        seen++;
    }
    assert_int_equal(seen, 2 * MANY_Q);
    free(e);
    free_totals(t);
    remove_tmp(path);
}

enum { LONG_PAIRS = 30000, LONG_STRATA_N = 10 };

/* The file of 2 x LONG_PAIRS rows, each (stratum, PSU) pair twice, all pairs once before
 * any again; ids of 70 and 80 bytes when long (more bytes than the table of long design
 * values keeps: 4 MiB), else of at most 7. */
static char *long_design_data(int long_ids)
{
    size_t cap = (size_t)2 * LONG_PAIRS * 200 + 64, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "region,panel,wt,q\n");
    uint64_t rng = 11;
    for (size_t i = 0; i < 2 * (size_t)LONG_PAIRS; i++) {
        unsigned pair = (unsigned)(i % LONG_PAIRS), st = pair % LONG_STRATA_N;
        unsigned q = (unsigned)(splitmix64(&rng) % 4);
        double w = 0.5 + (double)(splitmix64(&rng) % 1000) / 400.0;
        if (long_ids)
            len += (size_t)snprintf(s + len, cap - len, "Stratum-%u-%060u,PSU-%u-%072u", st, st,
                                    pair, pair);
        else
            len += (size_t)snprintf(s + len, cap - len, "S%u,%u", st, pair);
        len += (size_t)snprintf(s + len, cap - len, ",%.3f,%u\n", w, q + 1);
    }
    char *path = write_tmp(s);
    free(s);
    return path;
}

/* Strata and PSU values longer than the design key's two words (14 bytes) find their
 * (stratum, unit) in the table of long values: each distinct pair takes the lookups once
 * (every row did). Past the table's cap (more pairs, and more bytes, than it keeps) the
 * other rows take the lookups, and the estimates are those of the same design written
 * with short ids, to the last bit. */
static void test_long_design(void **state)
{
    (void)state;
    check(LONG_DESIGN, -1, 0);

    char *lp = long_design_data(1), *sp = long_design_data(0);
    size_t nl = 0, ns = 0;
    shopstat_totals *tl = NULL, *ts = NULL;
    shopstat_estimate *el = estimates(lp, NULL, NULL, &nl, &tl);
    shopstat_estimate *es = estimates(sp, NULL, NULL, &ns, &ts);
    assert_int_equal(ts->slow_design, LONG_PAIRS);
    /* the pairs the table kept were found again, the others looked up twice */
    assert_true(tl->slow_design > LONG_PAIRS);
    assert_true(tl->slow_design < 2 * LONG_PAIRS);
    assert_int_equal(shopstat_totals_npsu(tl), LONG_PAIRS);
    assert_int_equal(shopstat_totals_nstrata(tl), LONG_STRATA_N);
    assert_int_equal(nl, ns);
    for (size_t i = 0; i < nl; i++) {
        assert_string_equal(el[i].level, es[i].level);
        assert_int_equal(el[i].count, es[i].count);
        assert_int_equal(el[i].base_n, es[i].base_n);
        assert_true(el[i].base_weight == es[i].base_weight);
        assert_true(el[i].proportion == es[i].proportion);
        assert_true(el[i].se == es[i].se);
        assert_true(el[i].df == es[i].df);
        assert_true(el[i].deff == es[i].deff);
        assert_true(el[i].eff_base == es[i].eff_base);
    }
    free(el);
    free(es);
    free_totals(tl);
    free_totals(ts);
    remove_tmp(lp);
    remove_tmp(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_patterns),     cmocka_unit_test(test_base_patterns),
        cmocka_unit_test(test_code_patterns),      cmocka_unit_test(test_code_exclude_patterns),
        cmocka_unit_test(test_replicate_patterns), cmocka_unit_test(test_long_strata),
        cmocka_unit_test(test_many_values),        cmocka_unit_test(test_long_design),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
