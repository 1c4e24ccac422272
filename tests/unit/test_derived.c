/* Unit tests for the derived segments (engine/pass.c, derive_plan): 'all' and the segments
 * picked by a --by column alone are summed from the --by levels' segments at the end of
 * the pass instead of row by row. Their every number must be what the same segments give
 * in a pass without the --by set, where nothing is derived. */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "shopstat/tab.h"

static uint64_t rng;
static uint64_t next(void)
{
    return splitmix64(&rng);
}

/* A stratified cluster sample whose --by column, spend, has the values 1, 2, 3 and 3.0 (two
 * --by levels, one number: spend:3 takes both), and missing ones (NA and empty: in no
 * level, but in 'all'); some weights are 0, and some are written as exponents (their w^2
 * then goes to the doubles, not to the exact sums). Rows x ~40 bytes. */
static char *make_csv(size_t rows)
{
    size_t cap = rows * 64 + 128, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "region,panel,wt,spend,q,m_a,m_b,codes\n");
    rng = 2026;
    const char *spend[] = {"1", "2", "3", "3.0", "NA", "", "2", "1"};
    const char *codes[] = {"", "1", "\"1;3\"", "2", "NA"};
    for (size_t i = 0; i < rows; i++) {
        unsigned region = (unsigned)(next() % 4) + 1, panel = (unsigned)(next() % 6) + 1;
        char w[32];
        uint64_t k = next() % 20;
        if (k == 0)
            snprintf(w, sizeof w, "0");
        else if (k == 1)
            snprintf(w, sizeof w, "%ue-1", (unsigned)(next() % 40) + 5);
        else
            snprintf(w, sizeof w, "%.4f", 0.5 + (double)(next() % 10000) / 4000.0);
        unsigned q = (unsigned)(next() % 5);
        /* (drawn last column first, one statement each: the order of a call's arguments is
         * unspecified, GCC's last to first, clang's first to last, and the data differed) */
        const char *code = codes[next() % 5];
        unsigned mb = (unsigned)(next() % 2);
        unsigned ma = (unsigned)(next() % 2);
        const char *sp = spend[next() % 8];
        len += (size_t)snprintf(s + len, cap - len, "R%u,P%u,%s,%s,%s,%u,%u,%s\n", region, panel,
                                w, sp, q == 0 ? "NA" : (char[]){(char)('0' + q), 0}, ma, mb, code);
    }
    return s;
}

/* The segments: all; heavy (spend 3: the levels 3 and 3.0), light (spend not 1), mid (two
 * conditions on spend), all derived when with_by; top (on q) never derived. */
static shopstat_plan *plan(int with_by)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    d.strata = "region";
    d.psu = "panel";
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_multi(p, "m=m_a,m_b", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_codes(p, "codes=codes", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "light=spend:!=1", &err), SHOPSTAT_OK);
    static const char *const two[] = {"2", NULL}, *const three[] = {"3", NULL};
    const shopstat_cond mid[] = {{"spend", SHOPSTAT_OP_GE, two}, {"spend", SHOPSTAT_OP_LE, three}};
    assert_int_equal(shopstat_plan_add_segment(p, "mid", mid, 2, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "top=q:>=3", &err), SHOPSTAT_OK);
    if (with_by)
        assert_int_equal(shopstat_plan_add_by(p, "spend", &err), SHOPSTAT_OK);
    return p;
}

typedef struct result {
    shopstat_plan *p;
    shopstat_totals *t;
    shopstat_estimate *e;
    size_t n;
} result;

static result run(const char *path, int with_by, int threads, size_t chunk)
{
    result r = {plan(with_by), NULL, NULL, 0};
    shopstat_error err;
    shopstat_reader *rd = NULL;
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    assert_int_equal(shopstat_reader_open(path, &co, &rd, &err), SHOPSTAT_OK);
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = threads;
    o.chunk_bytes = chunk;
    assert_int_equal(shopstat_totals_compute_opts(r.p, rd, &o, &r.t, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    shopstat_tab_opts to;
    shopstat_tab_opts_init(&to);
    assert_int_equal(shopstat_tab_estimates(r.t, &to, &r.e, &r.n, &err), SHOPSTAT_OK);
    return r;
}

static void result_free(result *r)
{
    free(r->e);
    shopstat_totals_free(r->t);
    shopstat_plan_free(r->p);
}

/* Every estimate of `plain` (no --by) found in `by` with the same numbers; returns how
 * many of them are of `segment`. */
static size_t assert_same_segments(const result *plain, const result *by, const char *segment)
{
    size_t seen = 0;
    for (size_t i = 0; i < plain->n; i++) {
        const shopstat_estimate *x = &plain->e[i], *y = NULL;
        for (size_t j = 0; j < by->n && !y; j++)
            if (!strcmp(by->e[j].variable, x->variable) && !strcmp(by->e[j].level, x->level) &&
                !strcmp(by->e[j].segment, x->segment))
                y = &by->e[j];
        assert_non_null(y);
        seen += !strcmp(x->segment, segment);
        assert_int_equal(x->base_n, y->base_n);
        assert_int_equal(x->count, y->count);
        assert_close(x->base_weight, y->base_weight, 1e-12);
        assert_close(x->proportion, y->proportion, 1e-12);
        assert_close(x->se, y->se, 1e-12);
        assert_close(x->ci_lower, y->ci_lower, 1e-12);
        assert_close(x->ci_upper, y->ci_upper, 1e-12);
        assert_close(x->deff, y->deff, 1e-12);
        assert_close(x->eff_base, y->eff_base, 1e-12);
        assert_close(x->df, y->df, 1e-12);
    }
    return seen;
}

static void test_derived_match_direct(void **state)
{
    (void)state;
    char *csv = make_csv(6000);
    char *path = write_tmp(csv);
    free(csv);
    result plain = run(path, 0, 1, 0);
    /* nothing to derive from without a --by set */
    assert_int_equal(plain.t->derive_by, -1);
    const size_t chunks[] = {0, 4096, 20000};
    for (int threads = 1; threads <= 3; threads++)
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            result by = run(path, 1, threads, chunks[c]);
            /* derived: all, heavy, light, mid; top is on another column */
            assert_int_equal(by.t->derive_by, 0);
            size_t s;
            shopstat_error err;
            const char *derived[] = {"all", "heavy", "light", "mid"};
            for (size_t k = 0; k < 4; k++) {
                assert_int_equal(shopstat_totals_find_segment(by.t, derived[k], &s, &err),
                                 SHOPSTAT_OK);
                assert_true(s < by.t->nderived && by.t->derived[s]);
            }
            assert_int_equal(shopstat_totals_find_segment(by.t, "top", &s, &err), SHOPSTAT_OK);
            assert_false(s < by.t->nderived && by.t->derived[s]);
            /* 3 questions: 4 + 2 + 3 levels */
            assert_int_equal(assert_same_segments(&plain, &by, "heavy"), 9);
            result_free(&by);
        }
    result_free(&plain);
    remove_tmp(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derived_match_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
