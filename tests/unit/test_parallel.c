/* Unit tests for the parallel pass: any number of threads and chunk sizes give the one-thread results. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT: test_spare_elsewhere */
#include "testutil.h"

#include <sched.h>

#include <fcntl.h>
#include <pthread.h>
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core.h"
#include "internal.h"
#include "shopstat/compare.h"
#include "shopstat/describe.h"
#include "shopstat/tab.h"

static uint64_t rng;
static uint64_t next(void)
{
    return splitmix64(&rng);
}

/* rows of a stratified cluster sample; bad_row (1-based, 0 = none) gets a weight that is
 * not a number; every quoted_nl-th row (0 = none) has a quoted comment with a newline. */
static char *make_csv(size_t rows, size_t bad_row, size_t quoted_nl)
{
    size_t cap = rows * 96 + 256, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len,
                            "region,panel,wt,spend,q1,m_a,m_b,codes,note\n");
    rng = 12345;
    for (size_t i = 1; i <= rows; i++) {
        unsigned region = (unsigned)(next() % 7) + 1, panel = (unsigned)(next() % 5) + 1;
        double wt = 0.5 + (double)(next() % 10000) / 3333.0;
        unsigned spend = (unsigned)(next() % 3) + 1, q1 = (unsigned)(next() % 5);
        const char *codes[] = {"", "1", "\"1;3\"", "\"2,4\"", "NA"};
        char note[32] = "plain";
        if (quoted_nl && i % quoted_nl == 0)
            snprintf(note, sizeof note, "\"line one\nline two\"");
        else if (i % 3 == 0)
            snprintf(note, sizeof note, "\"quoted, with comma\"");
        char w[32];
        if (i == bad_row)
            snprintf(w, sizeof w, "abc");
        else
            snprintf(w, sizeof w, "%.4f", wt);
        /* (drawn last column first, one statement each: the order of a call's arguments is
         * unspecified, GCC's last to first, clang's first to last; under clang the file
         * differed and test_hostile_bytes_in_later_range's stray quote was found 2 lines on) */
        const char *code = codes[next() % 5];
        unsigned mb = (unsigned)(next() % 2);
        unsigned ma = (unsigned)(next() % 2);
        len += (size_t)snprintf(s + len, cap - len, "R%u,%u,%s,%u,%s,%u,%u,%s,%s\n", region,
                                panel, w, spend, q1 == 0 ? "NA" : (char[]){(char)('0' + q1), 0},
                                ma, mb, code, note);
    }
    return s;
}

/* 1: plan() adds --base spend:1,2 (rows with spend 3 are in no segment) */
static int with_base;
/* run() opens the file with this many rows skipped after the header, in this encoding */
static size_t skip_rows;
static const char *encoding;

/* 1: plan() is q1 in all rows and in those of score >= 50 (a column of distinct values) */
static int score_plan;
/* 1: plan() is q by grp, with no strata (test_many_cells) */
static int cells_plan;
/* 1: plan() is one multiple-response question over m01..m40, with no strata
 * (test_list_lengths) */
static int wide_plan;
enum { WIDE = 40 };
/* 1: plan() is a single-choice q, a codes question c and q by grp, strata region, PSUs
 * panel (test_once_file_order) */
static int late_plan;

static shopstat_plan *plan(void)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    d.strata = cells_plan || wide_plan ? NULL : "region";
    d.psu = "panel";
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    if (cells_plan) {
        assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_by(p, "grp", &err), SHOPSTAT_OK);
        return p;
    }
    if (wide_plan) {
        char spec[16 + WIDE * 4] = "m=";
        for (int j = 1; j <= WIDE; j++)
            snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%sm%02d", j > 1 ? "," : "",
                     j);
        assert_int_equal(shopstat_plan_parse_multi(p, spec, &err), SHOPSTAT_OK);
        return p;
    }
    if (late_plan) {
        assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_parse_codes(p, "c=c", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_by(p, "grp", &err), SHOPSTAT_OK);
        return p;
    }
    if (score_plan) {
        assert_int_equal(shopstat_plan_add_single(p, "q1", "q1", &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_parse_segment(p, "high=score:>=50", &err), SHOPSTAT_OK);
        return p;
    }
    assert_int_equal(shopstat_plan_add_single(p, "q1", "q1", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_multi(p, "m=m_a,m_b", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_codes(p, "codes=codes", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_by(p, "spend", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "heavy=spend:3", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "top=q1:>=4", &err), SHOPSTAT_OK);
    /* a --by set within a condition (a report table's base), found in chunks like --by */
    static const char *const one[] = {"1", NULL};
    const shopstat_cond ma = {"m_a", SHOPSTAT_OP_IN, one};
    assert_int_equal(shopstat_plan_add_by_where(p, "spend", "ma", &ma, 1, &err), SHOPSTAT_OK);
    if (with_base)
        assert_int_equal(shopstat_plan_parse_base(p, "spend:1,2", &err), SHOPSTAT_OK);
    return p;
}

typedef struct result {
    shopstat_status st;
    shopstat_error err;
    shopstat_estimate *e;
    size_t n;
    shopstat_accounting acct;
    size_t nstrata, npsu;
    shopstat_totals *t;
    shopstat_plan *p; /* the estimates' names point into it */
    size_t progress_calls; /* the chunked pass reports once per chunk */
} result;

static void count_progress(void *ctx, size_t bytes, size_t rows)
{
    (void)bytes;
    (void)rows;
    ++*(size_t *)ctx;
}

static result run(const char *path, int threads, size_t chunk)
{
    result r;
    memset(&r, 0, sizeof r);
    shopstat_plan *p = plan();
    shopstat_reader *rd = NULL;
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    co.skip_rows = skip_rows;
    co.encoding = encoding;
    r.st = shopstat_reader_open(path, &co, &rd, &r.err);
    assert_int_equal(r.st, SHOPSTAT_OK);
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = threads;
    o.chunk_bytes = chunk;
    o.progress = count_progress;
    o.progress_ctx = &r.progress_calls;
    r.st = shopstat_totals_compute_opts(p, rd, &o, &r.t, &r.err);
    shopstat_reader_free(rd);
    if (!r.st) {
        r.acct = shopstat_totals_accounting(r.t);
        r.nstrata = shopstat_totals_nstrata(r.t);
        r.npsu = shopstat_totals_npsu(r.t);
        shopstat_tab_opts to;
        shopstat_tab_opts_init(&to);
        r.st = shopstat_tab_estimates(r.t, &to, &r.e, &r.n, &r.err);
    }
    r.p = p;
    if (r.st && getenv("TEST_VERBOSE"))
        print_message("%zu:%zu: %s\n", r.err.line, r.err.col, r.err.msg);
    return r;
}

static void result_free(result *r)
{
    free(r->e);
    shopstat_totals_free(r->t);
    shopstat_plan_free(r->p);
}

/* Same structure (levels, segments, order) and numbers within rel. */
static void assert_same(const result *a, const result *b, double rel)
{
    assert_int_equal(a->st, SHOPSTAT_OK);
    assert_int_equal(b->st, SHOPSTAT_OK);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->acct.read, b->acct.read);
    assert_int_equal(a->acct.used, b->acct.used);
    assert_int_equal(a->acct.outside_base, b->acct.outside_base);
    assert_int_equal(a->nstrata, b->nstrata);
    assert_int_equal(a->npsu, b->npsu);
    for (size_t i = 0; i < a->n; i++) {
        const shopstat_estimate *x = &a->e[i], *y = &b->e[i];
        assert_string_equal(x->variable, y->variable);
        assert_string_equal(x->level, y->level);
        assert_string_equal(x->segment, y->segment);
        assert_int_equal(x->base_n, y->base_n);
        assert_int_equal(x->count, y->count);
        assert_close(x->base_weight, y->base_weight, rel);
        assert_close(x->proportion, y->proportion, rel);
        assert_close(x->se, y->se, rel);
        assert_close(x->ci_lower, y->ci_lower, rel);
        assert_close(x->ci_upper, y->ci_upper, rel);
        assert_close(x->deff, y->deff, rel);
        assert_close(x->eff_base, y->eff_base, rel);
        assert_close(x->df, y->df, rel);
    }
    for (size_t s = 0; s < shopstat_totals_nsegments(a->t); s++)
        assert_string_equal(shopstat_totals_segment(a->t, s), shopstat_totals_segment(b->t, s));
}

/* 1 to 3 threads over each of the chunk sizes: the results of one */
static void assert_same_sweep(const char *path, const result *one, const size_t *chunks,
                              size_t nchunks)
{
    for (int th = 1; th <= 3; th++)
        for (size_t j = 0; j < nchunks; j++) {
            result r = run(path, th, chunks[j]);
            assert_same(one, &r, 1e-12);
            result_free(&r);
        }
}

/* The same bits (NaN included: a deff of a proportion of 0 is NaN on every thread). */
static int same_bits(double x, double y)
{
    return memcmp(&x, &y, sizeof x) == 0;
}

/* In chunks of `chunk` bytes, 2 and 3 threads give a (one thread, the same chunks) bit for
 * bit: each number of each estimate. */
static void assert_same_bits(const char *path, size_t chunk, const result *a)
{
    assert_int_equal(a->st, SHOPSTAT_OK);
    for (int th = 2; th <= 3; th++) {
        result b = run(path, th, chunk);
        assert_int_equal(b.st, SHOPSTAT_OK);
        assert_int_equal(a->n, b.n);
        for (size_t i = 0; i < a->n; i++) {
            const shopstat_estimate *x = &a->e[i], *y = &b.e[i];
            assert_true(same_bits(x->base_weight, y->base_weight));
            assert_true(same_bits(x->proportion, y->proportion));
            assert_true(same_bits(x->se, y->se));
            assert_true(same_bits(x->ci_lower, y->ci_lower));
            assert_true(same_bits(x->ci_upper, y->ci_upper));
            assert_true(same_bits(x->deff, y->deff));
            assert_true(same_bits(x->eff_base, y->eff_base));
        }
        result_free(&b);
    }
}

/* 1, 2 and 3 threads over chunks from 64 bytes to the whole file: the one-thread pass. */
static void test_threads_and_chunks(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *path = write_tmp(csv);
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.read, 3000);
    const size_t chunks[] = {64, 333, 4096, 20000, (size_t)1 << 30};
    assert_same_sweep(path, &one, chunks, sizeof chunks / sizeof *chunks);
    /* the same chunks give bit-identical results whatever the number of threads */
    result a = run(path, 1, 4096);
    assert_same_bits(path, 4096, &a);
    result_free(&a);
    result_free(&one);
    remove_tmp(path);
    free(csv);
}

/* More distinct row patterns than a worker keeps (65,536: a condition on a column of
 * distinct scores), so later rows take the direct path: the same chunks still give
 * bit-identical results on 1 to 3 threads (each thread's table fills at another row), and
 * the one-chunk pass agrees. */
static void test_pattern_table_full(void **state)
{
    (void)state;
    const size_t rows = 150000;
    size_t cap = rows * 48 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "region,panel,wt,score,q1\n");
    rng = 777;
    for (size_t i = 0; i < rows; i++) {
        /* (drawn last column first, one statement each, as make_csv's) */
        unsigned q1 = (unsigned)(next() % 5) + 1;
        double score = (double)(next() % 100000000) / 1e6;
        double wt = 0.5 + (double)(next() % 10000) / 3333.0;
        unsigned panel = (unsigned)(next() % 5) + 1;
        unsigned region = (unsigned)(next() % 7) + 1;
        len += (size_t)snprintf(csv + len, cap - len, "R%u,%u,%.4f,%.6f,%u\n", region, panel, wt,
                                score, q1);
    }
    char *path = write_tmp(csv);
    free(csv);
    score_plan = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.used, rows);
    result a = run(path, 1, (size_t)256 << 10);
    assert_same_bits(path, (size_t)256 << 10, &a);
    assert_same(&one, &a, 1e-12);
    result_free(&a);
    result_free(&one);
    score_plan = 0;
    remove_tmp(path);
}

/* More cells than 16-bit ids hold: a question of 10,000 levels by 20 groups, 100,000 rows
 * (about 89,000 cells). A worker keeps the cells of a row pattern as 16-bit ids while every
 * id fits, so the early patterns are narrow and the later ones wide, and the table fills
 * (65,536 patterns): every estimate, checked against sums taken here, and the same on 1 to
 * 3 threads. */
static void test_many_cells(void **state)
{
    (void)state;
    enum { ROWS = 100000, GROUPS = 20, LEVELS = 10000 };
    size_t cap = (size_t)ROWS * 32 + 64, len = 0;
    char *csv = malloc(cap);
    /* per group (GROUPS: all): weight of each level, rows, weights, squared weights */
    double *lw = calloc((GROUPS + 1) * (size_t)LEVELS, sizeof *lw);
    size_t *ln = calloc((GROUPS + 1) * (size_t)LEVELS, sizeof *ln);
    double sw[GROUPS + 1] = {0}, sw2[GROUPS + 1] = {0};
    size_t sn[GROUPS + 1] = {0};
    assert_non_null(csv);
    assert_non_null(lw);
    assert_non_null(ln);
    len += (size_t)snprintf(csv + len, cap - len, "panel,wt,grp,q\n");
    rng = 4242;
    for (size_t i = 0; i < ROWS; i++) {
        unsigned g = (unsigned)(next() % GROUPS), l = (unsigned)(next() % LEVELS);
        unsigned wm = 500 + (unsigned)(next() % 2000); /* weight wm / 1000 */
        len += (size_t)snprintf(csv + len, cap - len, "%zu,%u.%03u,g%u,Q%05u\n", i % 2 + 1,
                                wm / 1000, wm % 1000, g, l);
        double w = wm / 1000.0;
        const unsigned in[2] = {GROUPS, g};
        for (int k = 0; k < 2; k++) {
            lw[in[k] * (size_t)LEVELS + l] += w;
            ln[in[k] * (size_t)LEVELS + l]++;
            sw[in[k]] += w;
            sw2[in[k]] += w * w;
            sn[in[k]]++;
        }
    }
    char *path = write_tmp(csv);
    free(csv);
    cells_plan = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.used, ROWS);
    size_t levels_seen = 0;
    for (size_t i = 0; i < one.n; i++) {
        const shopstat_estimate *e = &one.e[i];
        unsigned g = GROUPS, l;
        if (strcmp(e->segment, "all") != 0)
            assert_int_equal(sscanf(e->segment, "grp=g%u", &g), 1);
        assert_int_equal(sscanf(e->level, "Q%u", &l), 1);
        assert_true(g <= GROUPS && l < LEVELS);
        size_t at = g * (size_t)LEVELS + l;
        assert_int_equal(e->base_n, sn[g]);
        assert_int_equal(e->count, ln[at]);
        assert_close(e->base_weight, sw[g], 1e-12);
        assert_close(e->proportion, lw[at] / sw[g], 1e-9);
        assert_close(e->eff_base, sw[g] * sw[g] / sw2[g], 1e-9);
        levels_seen += ln[at] > 0;
    }
    /* (every level given in a group has its estimate; ids past 65,535 were needed) */
    size_t given = 0;
    for (size_t k = 0; k < (GROUPS + 1) * (size_t)LEVELS; k++)
        given += ln[k] > 0;
    assert_int_equal(levels_seen, given);
    assert_true(given > 70000);
    const size_t chunk = (size_t)512 << 10;
    assert_same_sweep(path, &one, &chunk, 1);
    result_free(&one);
    cells_plan = 0;
    free(lw);
    free(ln);
    remove_tmp(path);
}

/* Rows of every number of cells from 0 to 41 (the base and 0 to 40 chosen answers; an
 * unanswered row has none): the per-PSU sums are updated by an unrolled run up to 32
 * cells and by a loop past it (apply_short). Every count and weight against sums taken
 * here, and the same numbers on 1-3 threads in chunks. The file is over 4 MiB, so the
 * workers' batches and pattern records are in huge pages (HUGE_INPUT_MIN). */
static void test_list_lengths(void **state)
{
    (void)state;
    enum { ROWS = 50000 };
    size_t cap = (size_t)ROWS * (2 * WIDE + 32) + 512, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    double lw[WIDE] = {0}, sw = 0, sw2 = 0;
    size_t ln[WIDE] = {0}, sn = 0, seen[WIDE + 2] = {0};
    len += (size_t)snprintf(csv + len, cap - len, "panel,wt");
    for (int j = 1; j <= WIDE; j++)
        len += (size_t)snprintf(csv + len, cap - len, ",m%02d", j);
    csv[len++] = '\n';
    rng = 777;
    for (size_t i = 0; i < ROWS; i++) {
        unsigned k = (unsigned)(next() % (WIDE + 2)); /* WIDE + 1: unanswered */
        unsigned first = (unsigned)(next() % WIDE);
        unsigned wm = 250 + (unsigned)(next() % 4000); /* weight wm / 1000 */
        double w = wm / 1000.0;
        len +=
            (size_t)snprintf(csv + len, cap - len, "%zu,%u.%03u", i % 7 + 1, wm / 1000, wm % 1000);
        for (unsigned j = 0; j < WIDE; j++) {
            int chosen = k <= WIDE && (j + WIDE - first) % WIDE < k;
            len += (size_t)snprintf(csv + len, cap - len, k > WIDE ? "," : ",%d", chosen);
            if (chosen) {
                lw[j] += w;
                ln[j]++;
            }
        }
        csv[len++] = '\n';
        seen[k > WIDE ? 0 : k + 1]++; /* rows by number of cells */
        if (k <= WIDE) {
            sw += w;
            sw2 += w * w;
            sn++;
        }
    }
    csv[len] = '\0';
    for (size_t c = 0; c <= WIDE + 1; c++)
        assert_true(seen[c] > 0);
    assert_true(len >= (size_t)4 << 20);
    char *path = write_tmp(csv);
    free(csv);
    wide_plan = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.read, ROWS);
    assert_int_equal(one.n, WIDE);
    for (size_t i = 0; i < one.n; i++) {
        const shopstat_estimate *e = &one.e[i];
        unsigned l;
        assert_string_equal(e->segment, "all");
        assert_int_equal(sscanf(e->level, "m%u", &l), 1);
        assert_true(l >= 1 && l <= WIDE);
        assert_int_equal(e->base_n, sn);
        assert_int_equal(e->count, ln[l - 1]);
        assert_close(e->base_weight, sw, 1e-12);
        assert_close(e->proportion, lw[l - 1] / sw, 1e-12);
        assert_close(e->eff_base, sw * sw / sw2, 1e-12);
    }
    const size_t chunk = (size_t)512 << 10;
    assert_same_sweep(path, &one, &chunk, 1);
    result a = run(path, 1, chunk);
    assert_same_bits(path, chunk, &a);
    result_free(&a);
    result_free(&one);
    remove_tmp(path);
}

/* eff_base of each estimate of one: base_weight^2 over the sum of w^2 the test took for
 * its segment (w2[0] for all, w2[k] for grp=gk), within rel; and in chunks of 256 KiB,
 * the same bits on 1, 2 and 3 threads. */
static void assert_eff_bases(const char *path, const result *one, const double *w2,
                             unsigned ngroups, double rel)
{
    assert_int_equal(one->st, SHOPSTAT_OK);
    for (size_t i = 0; i < one->n; i++) {
        const shopstat_estimate *e = &one->e[i];
        unsigned g = 0;
        if (strcmp(e->segment, "all") != 0)
            assert_int_equal(sscanf(e->segment, "grp=g%u", &g), 1);
        assert_true(g <= ngroups);
        assert_close(e->eff_base, e->base_weight * e->base_weight / w2[g], rel);
    }
    result ref = run(path, 1, (size_t)256 << 10);
    assert_int_equal(ref.n, one->n);
    assert_same_bits(path, (size_t)256 << 10, &ref);
    result_free(&ref);
}

/* Effective bases from exact sums of w^2. First file: a weight of 100000, then 100,000
 * of 0.001, in 90,000 patterns (so the pattern table fills and later rows take the
 * direct path, from a row that depends on the threads): summed in doubles in row order,
 * each 1e-6 would add 2^-19 to 1e10, 9e-12 too much in all; exactly, 1e10 + 0.1. Second:
 * weights of ten decimals (summed in doubles) among weights of one (g1); two weights of
 * 1.8e10, whose squares in units of 10^-18 are each just under 2^128, so their sum
 * carries into the third word, and one of 1 (g2); a weight of 2e10, past the exact sums,
 * and one of 1 (g3). The same bits on 1 to 3 threads. */
static void test_w2_exact(void **state)
{
    (void)state;
    enum { SMALL = 100000, GROUPS = 10, LEVELS = 9000, TEN = 1000 };
    size_t cap = (size_t)(SMALL + 2 * TEN + 16) * 48, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    double w2[GROUPS + 1] = {0};
    len += (size_t)snprintf(csv + len, cap - len, "panel,wt,grp,q\n1,100000,g1,L0\n");
    w2[0] = w2[1] = 1e10;
    size_t n[GROUPS + 1] = {0};
    for (size_t i = 0; i < SMALL; i++) {
        size_t g = i % GROUPS + 1;
        len += (size_t)snprintf(csv + len, cap - len, "%zu,0.001,g%zu,L%zu\n", i / GROUPS % 2 + 1,
                                g, i / GROUPS % LEVELS);
        n[0]++;
        n[g]++;
    }
    for (size_t g = 0; g <= GROUPS; g++)
        w2[g] += (double)n[g] / 1e6;
    char *path = write_tmp(csv);
    cells_plan = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.acct.used, 1 + SMALL);
    assert_eff_bases(path, &one, w2, GROUPS, 1e-15);
    result_free(&one);
    remove_tmp(path);

    len = 0;
    len += (size_t)snprintf(csv + len, cap - len, "panel,wt,grp,q\n");
    double w2_ten = 0; /* (2,000 terms: the doubles' error stays near 1e-16) */
    for (size_t i = 0; i < TEN; i++) {
        unsigned long frac = 1234567891UL + 7919UL * i; /* 0.1234567891 ... */
        len += (size_t)snprintf(csv + len, cap - len, "%zu,0.%010lu,g1,A\n%zu,1,g1,B\n", i % 2 + 1,
                                frac, i % 2 + 1);
        double w = (double)frac / 1e10;
        w2_ten += w * w + 1;
    }
    len += (size_t)snprintf(csv + len, cap - len,
                            "1,18000000000,g2,A\n2,18000000000,g2,A\n1,1,g2,B\n"
                            "1,20000000000,g3,A\n2,1,g3,B\n");
    const double w2b[4] = {w2_ten + 2 * 3.24e20 + 4e20 + 2, w2_ten, 2 * 3.24e20 + 1, 4e20 + 1};
    path = write_tmp(csv);
    free(csv);
    one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.acct.used, 2 * TEN + 5);
    assert_eff_bases(path, &one, w2b, 3, 1e-13);
    result_free(&one);
    cells_plan = 0;
    remove_tmp(path);
}

/* Each estimate of a and b, bit for bit. */
static void assert_bits(const result *a, const result *b)
{
    assert_int_equal(a->st, SHOPSTAT_OK);
    assert_int_equal(b->st, SHOPSTAT_OK);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const shopstat_estimate *x = &a->e[i], *y = &b->e[i];
        assert_string_equal(x->level, y->level);
        assert_string_equal(x->segment, y->segment);
        assert_true(same_bits(x->base_weight, y->base_weight));
        assert_true(same_bits(x->proportion, y->proportion));
        assert_true(same_bits(x->se, y->se));
        assert_true(same_bits(x->deff, y->deff));
        assert_true(same_bits(x->eff_base, y->eff_base));
    }
}

static const shopstat_estimate *find_estimate(const result *r, const char *level,
                                              const char *segment)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].level, level) == 0 && strcmp(r->e[i].segment, segment) == 0)
            return &r->e[i];
    fail_msg("no estimate %s in %s", level, segment);
    return NULL;
}

/* Merging once: each worker's per-PSU sums are whole numbers of 10^-6, exact, so the same
 * in any order. Ten rows of 0.1 in one PSU sum to 1 exactly (in doubles, row after row,
 * 0.9999999999999999, and A's proportion in g1, against one row of 1, 0.49999999999999994):
 * g1's base weight is 2 and A's proportion 0.5, bit for bit. 0.1, 0.2 and 0.3 in a PSU
 * (0.6000000000000001 or 0.6 in doubles, by their order), and the whole file reversed: the
 * same bits, on 1 to 3 threads and in chunks of 64 bytes to the whole file. Then what
 * merging once cannot take, run again merged in file order (the same bits on 1 to 3
 * threads for the same chunks, as before): a weight of seven decimals, and two of
 * 5,000,000,000 in one PSU's cell (10^16 units, past 2^53). But weights of six decimals as
 * a public-use file's, 3,000 of 81,528.772006 in 7 PSUs (3.5e7 a PSU, past the 9.0e6 that
 * units of 10^-9 held), are merged once: their results the same bits on 1-3 threads. */
static void test_once_exact(void **state)
{
    (void)state;
    const char *rows[] = {"1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A",
                          "1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A", "1,0.1,g1,A",
                          "2,1,g1,B",   "3,0.1,g2,A", "3,0.2,g2,A", "3,0.3,g2,A", "4,0.6,g2,B"};
    enum { NROWS = sizeof rows / sizeof *rows };
    char fwd[1024] = "panel,wt,grp,q\n", rev[1024] = "panel,wt,grp,q\n";
    for (size_t i = 0; i < NROWS; i++) {
        snprintf(fwd + strlen(fwd), sizeof fwd - strlen(fwd), "%s\n", rows[i]);
        snprintf(rev + strlen(rev), sizeof rev - strlen(rev), "%s\n", rows[NROWS - 1 - i]);
    }
    cells_plan = 1;
    char *path = write_tmp(fwd), *rpath = write_tmp(rev);
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_true(pass_merged_once(one.t));
    const shopstat_estimate *a1 = find_estimate(&one, "A", "grp=g1");
    assert_true(same_bits(a1->base_weight, 2.0));
    assert_true(same_bits(a1->proportion, 0.5));
    const shopstat_estimate *a2 = find_estimate(&one, "A", "grp=g2");
    assert_true(same_bits(a2->base_weight, 1.2));
    assert_true(same_bits(a2->proportion, 0.5));
    const size_t chunks[] = {64, 100, 4096, (size_t)1 << 30};
    for (int th = 1; th <= 3; th++)
        for (size_t j = 0; j < sizeof chunks / sizeof *chunks; j++) {
            result r = run(path, th, chunks[j]), b = run(rpath, th, chunks[j]);
            assert_true(pass_merged_once(r.t));
            assert_bits(&one, &r);
            /* (reversed: the levels and segments come in another order) */
            assert_true(same_bits(find_estimate(&b, "A", "grp=g1")->proportion, 0.5));
            assert_true(same_bits(find_estimate(&b, "A", "grp=g1")->base_weight, 2.0));
            for (size_t i = 0; i < one.n; i++) {
                const shopstat_estimate *x = &one.e[i];
                const shopstat_estimate *y = find_estimate(&b, x->level, x->segment);
                assert_true(same_bits(x->proportion, y->proportion));
                assert_true(same_bits(x->se, y->se));
                assert_true(same_bits(x->base_weight, y->base_weight));
            }
            result_free(&r);
            result_free(&b);
        }
    result_free(&one);
    remove_tmp(path);
    remove_tmp(rpath);

    /* seven decimals; then 10^16 units in a PSU's cell */
    const char *other[] = {"0.1234567", "5000000000"};
    for (size_t k = 0; k < 2; k++) {
        size_t cap = 3000 * 32, len = 0;
        char *csv = malloc(cap);
        assert_non_null(csv);
        len += (size_t)snprintf(csv + len, cap - len, "panel,wt,grp,q\n");
        for (size_t i = 0; i < 3000; i++)
            len += (size_t)snprintf(csv + len, cap - len, "%zu,%s,g%zu,%c\n", i % 7 + 1,
                                    i == 2500 || (k == 1 && i == 2605) ? other[k] : "0.3",
                                    i % 3 + 1, "ABC"[i % 5 % 3]);
        path = write_tmp(csv);
        free(csv);
        result a = run(path, 1, 4096);
        assert_int_equal(a.st, SHOPSTAT_OK);
        assert_false(pass_merged_once(a.t));
        assert_int_equal(a.acct.used, 3000);
        assert_same_bits(path, 4096, &a);
        result b = run(path, 2, 1000);
        assert_false(pass_merged_once(b.t));
        assert_same(&a, &b, 1e-12);
        result_free(&b);
        result_free(&a);
        remove_tmp(path);
    }

    /* large weights of six decimals: merged once all the same */
    {
        size_t cap = 3000 * 40, len = 0;
        char *csv = malloc(cap);
        assert_non_null(csv);
        len += (size_t)snprintf(csv + len, cap - len, "panel,wt,grp,q\n");
        for (size_t i = 0; i < 3000; i++)
            len += (size_t)snprintf(csv + len, cap - len, "%zu,%s,g%zu,%c\n", i % 7 + 1,
                                    i % 2 ? "81528.772006" : "12034.5", i % 3 + 1,
                                    "ABC"[i % 5 % 3]);
        path = write_tmp(csv);
        free(csv);
        result a = run(path, 1, 4096);
        assert_int_equal(a.st, SHOPSTAT_OK);
        assert_true(pass_merged_once(a.t));
        assert_int_equal(a.acct.used, 3000);
        /* all's base weight: 1,500 x 81,528.772006 + 1,500 x 12,034.5, exactly 140,344,908.009 */
        assert_true(same_bits(find_estimate(&a, "A", "all")->base_weight, 140344908.009));
        for (int th = 1; th <= 3; th++) {
            result b = run(path, th, 1000);
            assert_true(pass_merged_once(b.t));
            assert_bits(&a, &b);
            result_free(&b);
        }
        result_free(&a);
        remove_tmp(path);
    }
    cells_plan = 0;
}

/* Merging once, the tail on as many threads as the pass (pass.c, tail_split: on by default
 * since the thirty-fifth session, set here all the same): 3,000 PSUs of a row or two each in 10 strata, x 80 cells (q's 25
 * levels and c's codes by 3 groups), enough to be cut into runs of PSUs. Every weight
 * 100,000,000.000001 (10^14 + 1 units of 10^-6): a PSU's sums far below 2^53, merged once,
 * but the cells' totals over the PSUs past it (all's: 4,000 x (10^14 + 1) =
 * 4.0000000000004e17), where the sums of the threads' PSUs added up are not the
 * compensated sum PSU by PSU, and are summed again so; then every weight 1.5, the cells'
 * totals far below 2^53, the units rounded as they are summed. On 2 and 3 threads, in
 * chunks of 4 KB and the whole file, the same bits as on one thread; all's base weight
 * 4,000 times the weight to 1e-15. */
static void test_once_tail_split(void **state)
{
    (void)state;
    enum { ROWS = 4000 };
    const char *wts[] = {"100000000.000001", "1.5"};
    setenv("SHOPSTAT_TAIL_SPLIT", "1", 1);
    late_plan = 1;
    for (size_t k = 0; k < 2; k++) {
        size_t cap = ROWS * 64 + 64, len = 0;
        char *csv = malloc(cap);
        assert_non_null(csv);
        len += (size_t)snprintf(csv + len, cap - len, "region,panel,wt,grp,q,c\n");
        for (size_t i = 0; i < ROWS; i++)
            len += (size_t)snprintf(csv + len, cap - len, "R%zu,%zu,%s,g%zu,L%zu,\"x%zu\"\n",
                                    i % 3000 % 10, i % 3000, wts[k], i % 3, i % 25, i % 7);
        char *path = write_tmp(csv);
        free(csv);
        result one = run(path, 1, (size_t)1 << 30);
        assert_int_equal(one.st, SHOPSTAT_OK);
        assert_true(pass_merged_once(one.t));
        assert_int_equal(one.npsu, 3000);
        const shopstat_estimate *all = find_estimate(&one, "L0", "all");
        assert_true(fabs(all->base_weight / (4000 * strtod(wts[k], NULL)) - 1) < 1e-15);
        const size_t chunks[] = {4096, (size_t)1 << 30};
        for (int th = 2; th <= 3; th++)
            for (size_t j = 0; j < sizeof chunks / sizeof *chunks; j++) {
                result r = run(path, th, chunks[j]);
                assert_int_equal(r.st, SHOPSTAT_OK);
                assert_true(pass_merged_once(r.t));
                assert_bits(&one, &r);
                result_free(&r);
            }
        result_free(&one);
        remove_tmp(path);
    }
    late_plan = 0;
    unsetenv("SHOPSTAT_TAIL_SPLIT");
}

/* The tail file of test_crew_*: 4,000 rows, 3,000 PSUs in 10 strata, every weight 1.5,
 * x 80 cells (late_plan): enough PSU-cells to split the tail. */
static char *crew_file(void)
{
    enum { ROWS = 4000 };
    size_t cap = ROWS * 64 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "region,panel,wt,grp,q,c\n");
    for (size_t i = 0; i < ROWS; i++)
        len += (size_t)snprintf(csv + len, cap - len, "R%zu,%zu,1.5,g%zu,L%zu,\"x%zu\"\n",
                                i % 3000 % 10, i % 3000, i % 3, i % 25, i % 7);
    char *path = write_tmp(csv);
    free(csv);
    return path;
}

/* The pass's helpers kept for its tail (parallel.c, "the crew"): merging once on 2 and 3
 * threads, the tail's per-PSU work (the merge's and the finish's splits) is lent to the
 * threads that parsed, which take it (chunk_crew_stats: tasks taken; a helper spins for
 * it, but a loaded host may not run it in time: at least once in 20 passes), and no thread
 * is started for it: each pass starts threads - 1 threads in all, where the split started
 * one more per split (3 on 2 threads). The same bits as on one thread. SHOPSTAT_TAIL_SPLIT=0
 * lends nothing. The workers' states, freed by the helpers, are all freed once the totals
 * are (shopstat_totals_free waits for them: pass_live_acc_bytes back to 0). Fails with no
 * crew (nothing taken) or with threads started for the tail. */
static void test_crew_tail(void **state)
{
    (void)state;
    late_plan = 1;
    char *path = crew_file();
    int spinning;
    chunk_spares(&spinning);
    assert_int_equal(spinning, 0); /* (a spare would be taken, not started) */
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_true(pass_merged_once(one.t));
    for (int th = 2; th <= 3; th++) {
        int taken = 0;
        for (int i = 0; i < 20 && !taken; i++) {
            size_t started0, claims0, started1, claims1;
            chunk_crew_stats(&started0, &claims0);
            result r = run(path, th, 4096);
            chunk_crew_stats(&started1, &claims1);
            assert_int_equal(r.st, SHOPSTAT_OK);
            assert_true(pass_merged_once(r.t));
            assert_int_equal(started1 - started0, th - 1);
            taken = claims1 > claims0;
            assert_bits(&one, &r);
            result_free(&r);
        }
        assert_true(taken);
    }
    setenv("SHOPSTAT_TAIL_SPLIT", "0", 1);
    for (int i = 0; i < 3; i++) {
        size_t started0, claims0, started1, claims1;
        chunk_crew_stats(&started0, &claims0);
        result r = run(path, 2, 4096);
        chunk_crew_stats(&started1, &claims1);
        assert_int_equal(started1 - started0, 1);
        assert_int_equal(claims1, claims0);
        assert_bits(&one, &r);
        result_free(&r);
    }
    unsetenv("SHOPSTAT_TAIL_SPLIT");
    result_free(&one);
    assert_int_equal(pass_live_acc_bytes(), 0);
    remove_tmp(path);
    late_plan = 0;
}

/* A pass on its own thread, for test_crew_apart (no cmocka asserts off the main thread) */
typedef struct apart {
    const char *path;
    int threads;
    result r; /* r.p: the plan, made before */
} apart;

static void *run_apart(void *arg)
{
    apart *a = arg;
    result *r = &a->r;
    shopstat_reader *rd = NULL;
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    r->st = shopstat_reader_open(a->path, &co, &rd, &r->err);
    if (!r->st) {
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = a->threads;
        o.chunk_bytes = 4096;
        r->st = shopstat_totals_compute_opts(r->p, rd, &o, &r->t, &r->err);
    }
    shopstat_reader_free(rd);
    if (!r->st) {
        shopstat_tab_opts to;
        shopstat_tab_opts_init(&to);
        r->st = shopstat_tab_estimates(r->t, &to, &r->e, &r->n, &r->err);
    }
    return NULL;
}

/* A library user's passes, each with its crew: two at once from two threads (2 threads
 * each), and three one after another from one thread, their totals freed last: the one-
 * thread pass's bits every time, every state freed in the end. */
static void test_crew_apart(void **state)
{
    (void)state;
    late_plan = 1;
    char *path = crew_file();
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    for (int round = 0; round < 5; round++) {
        apart a[2];
        pthread_t tid[2];
        for (int i = 0; i < 2; i++) {
            memset(&a[i], 0, sizeof a[i]);
            a[i].path = path;
            a[i].threads = 2;
            a[i].r.p = plan();
            assert_int_equal(pthread_create(&tid[i], NULL, run_apart, &a[i]), 0);
        }
        for (int i = 0; i < 2; i++) {
            assert_int_equal(pthread_join(tid[i], NULL), 0);
            assert_bits(&one, &a[i].r);
        }
        for (int i = 0; i < 2; i++)
            result_free(&a[i].r);
    }
    result r[3];
    for (int i = 0; i < 3; i++) {
        r[i] = run(path, 2, 4096);
        assert_bits(&one, &r[i]);
    }
    for (int i = 0; i < 3; i++)
        result_free(&r[i]);
    result_free(&one);
    assert_int_equal(pass_live_acc_bytes(), 0);
    remove_tmp(path);
    late_plan = 0;
}

/* Merging once, the ids still come in file order: many PSUs, levels, --by values and codes
 * that look cut out of labels first met late in the file, in chunks from 64 bytes to the
 * whole file on 1 to 3 threads, give the one-chunk pass's levels, segments, PSUs and
 * warnings in the same order, and its numbers bit for bit (the chunks' layout does not
 * matter when the sums are exact); and the same order and numbers (to 1e-12) as the pass
 * merged chunk by chunk (SHOPSTAT_ORDERED=1). */
static void test_once_file_order(void **state)
{
    (void)state;
    enum { ROWS = 20000 };
    size_t cap = ROWS * 64 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "region,panel,wt,grp,q,c\n");
    rng = 4242;
    for (size_t i = 0; i < ROWS; i++) {
        unsigned region = (unsigned)(next() % 10) + 1;
        unsigned panel = (unsigned)(next() % (i / 40 + 2)) + 1; /* (new PSUs to the end) */
        unsigned wt = (unsigned)(next() % 30000) + 1;
        size_t lv = i / 700 + next() % 3; /* (a new level every 700 rows) */
        size_t grp = next() % (i / 2500 + 1);
        size_t code = i / 1500;
        len += (size_t)snprintf(csv + len, cap - len,
                                "R%u,%u,%u.%04u,g%zu,L%zu,\"x%zu, late%zu;y\"\n", region, panel,
                                wt / 10000, wt % 10000, grp, lv, code, code);
    }
    char *path = write_tmp(csv);
    free(csv);
    late_plan = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_true(pass_merged_once(one.t));
    assert_true(one.npsu > 2000);
    const char *code1, *cell1;
    size_t ndoubt = shopstat_totals_question_sep_doubt(one.t, 1, &code1, &cell1, NULL);
    assert_int_equal(ndoubt, ROWS / 1500 + 1);
    assert_string_equal(code1, "late0");
    const size_t chunks[] = {64, 997, 65536, (size_t)1 << 30};
    for (int th = 1; th <= 3; th++)
        for (size_t j = 0; j < sizeof chunks / sizeof *chunks; j++) {
            result r = run(path, th, chunks[j]);
            assert_true(pass_merged_once(r.t));
            assert_same(&one, &r, 0);
            assert_bits(&one, &r);
            for (size_t q = 0; q < 2; q++) {
                assert_int_equal(shopstat_totals_nlevels(r.t, q), shopstat_totals_nlevels(one.t, q));
                for (size_t l = 0; l < shopstat_totals_nlevels(r.t, q); l++)
                    assert_string_equal(shopstat_totals_level(r.t, q, l),
                                        shopstat_totals_level(one.t, q, l));
            }
            const char *code, *cell;
            assert_int_equal(shopstat_totals_question_sep_doubt(r.t, 1, &code, &cell, NULL),
                             ndoubt);
            assert_string_equal(code, code1);
            assert_string_equal(cell, cell1);
            result_free(&r);
        }
    setenv("SHOPSTAT_ORDERED", "1", 1);
    for (int th = 1; th <= 2; th++) {
        result r = run(path, th, 997);
        assert_false(pass_merged_once(r.t));
        assert_same(&one, &r, 1e-12);
        for (size_t l = 0; l < shopstat_totals_nlevels(r.t, 0); l++)
            assert_string_equal(shopstat_totals_level(r.t, 0, l), shopstat_totals_level(one.t, 0, l));
        result_free(&r);
    }
    unsetenv("SHOPSTAT_ORDERED");
    result_free(&one);
    late_plan = 0;
    remove_tmp(path);
}

/* The chunk layout, in chunks of about 32 MiB as the pass cuts them (DEFAULT_CHUNK): the
 * 10M-row export's 374,641,771 bytes are 12 nominal chunks, the last two cut in two halves
 * and quarters (10 + 2 + 4); 68 MiB are 4 chunks whose quarters, of 4.25 MiB, keep the tail;
 * under 64 MiB the quarters would be under 4 MiB (MIN_TAIL): 60 MiB, and the 1M-row
 * export's 36 MB, are 4 equal chunks. Every byte in exactly one chunk, offsets rising; a
 * file under 16 MiB and a forced size have no tail. */
static void test_chunk_layout(void **state)
{
    (void)state;
    const size_t mib = (size_t)1 << 20;
    const size_t sizes[] = {374641771, 68 * mib, 60 * mib, 36465117, 16 * mib + 1, 3 * mib, 100, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t bytes = sizes[i];
        chunk_layout l;
        chunk_layout_plan(&l, bytes, 32 * mib, 0);
        if (bytes == 374641771) {
            assert_int_equal(l.chunk, 374641771 / 12 + 1);
            assert_int_equal(l.nfull, 10);
            assert_int_equal(l.half, l.chunk / 2);
            assert_int_equal(l.tail, l.chunk / 4);
            assert_int_equal(l.nchunks, 16);
            assert_int_equal(chunk_layout_offset(&l, 11), 10 * l.chunk + l.chunk / 2);
            assert_int_equal(chunk_layout_offset(&l, 13),
                             10 * l.chunk + 2 * (l.chunk / 2) + l.chunk / 4);
        }
        if (bytes == 68 * mib) {
            assert_int_equal(l.nfull, 2);
            assert_int_equal(l.tail, l.chunk / 4);
            assert_int_equal(l.nchunks, 8);
        }
        if (bytes == 60 * mib || bytes == 36465117) {
            assert_int_equal(l.tail, 0);
            assert_int_equal(l.nchunks, 4);
            assert_int_equal(l.chunk, bytes / 4 + 1);
            assert_int_equal(chunk_layout_offset(&l, 3), 3 * l.chunk);
        }
        if (bytes < 16 * mib)
            assert_int_equal(l.tail, 0);
        assert_int_equal(chunk_layout_offset(&l, 0), 0);
        for (size_t k = 1; k < l.nchunks; k++) {
            assert_true(chunk_layout_offset(&l, k) > chunk_layout_offset(&l, k - 1));
            assert_true(chunk_layout_offset(&l, k) < bytes || bytes < 16 * mib);
        }
        /* the last chunk reaches the end; with a tail, it is not empty (a file cut in
         * equal chunks may end with an empty one, when its size is a multiple of theirs) */
        assert_true(chunk_layout_offset(&l, l.nchunks) >= bytes);
        if (l.tail)
            assert_true(chunk_layout_offset(&l, l.nchunks - 1) < bytes);
    }
    chunk_layout f;
    chunk_layout_plan(&f, 374641771, 16 * mib, 65536);
    assert_int_equal(f.tail, 0);
    assert_int_equal(f.chunk, 65536);
    assert_int_equal(f.nchunks, 374641771 / 65536 + 1);
    assert_int_equal(chunk_layout_offset(&f, 1000), 1000 * (size_t)65536);
}

/* When a worker waits for the chunk before its own instead of making a second set of
 * totals: a set costs what 2 MiB take to parse, 2 s at 1 MiB/s. A chunk of 4 MiB begun at
 * 10 s is expected to end at 14 s: at 11 s that is 3 s away, more than a set costs (make
 * one); from 12 s on the worker waits, until 15 s (its end and half a set); past 15 s it
 * is overdue (make one). The chunk's end comes from its own worker's pace, the cost from
 * the waiting one's. No pace known yet: make one. */
static void test_chunk_wait(void **state)
{
    (void)state;
    const double mib = 1 << 20;
    assert_true(chunk_wait_until(11.0, 10.0, 4 * mib, mib, mib) < 0);
    assert_true(chunk_wait_until(11.9, 10.0, 4 * mib, mib, mib) < 0);
    assert_float_equal(chunk_wait_until(12.1, 10.0, 4 * mib, mib, mib), 15.0, 1e-12);
    assert_float_equal(chunk_wait_until(14.5, 10.0, 4 * mib, mib, mib), 15.0, 1e-12);
    assert_float_equal(chunk_wait_until(15.0, 10.0, 4 * mib, mib, mib), 15.0, 1e-12);
    assert_true(chunk_wait_until(15.1, 10.0, 4 * mib, mib, mib) < 0);
    /* both twice as fast: ends at 12 s, a set costs 1 s, waits from 11 s until 12.5 s */
    assert_true(chunk_wait_until(10.9, 10.0, 4 * mib, 2 * mib, 2 * mib) < 0);
    assert_float_equal(chunk_wait_until(11.1, 10.0, 4 * mib, 2 * mib, 2 * mib), 12.5, 1e-12);
    assert_true(chunk_wait_until(12.6, 10.0, 4 * mib, 2 * mib, 2 * mib) < 0);
    /* the other worker at half our pace: ends at 18 s, our set costs 1 s: at 16 s, make
     * one; at 17.5 s wait until 18.5 s */
    assert_true(chunk_wait_until(16.0, 10.0, 4 * mib, 0.5 * mib, 2 * mib) < 0);
    assert_float_equal(chunk_wait_until(17.5, 10.0, 4 * mib, 0.5 * mib, 2 * mib), 18.5, 1e-12);
    assert_true(chunk_wait_until(12.0, 10.0, 4 * mib, 0, mib) < 0);
    assert_true(chunk_wait_until(12.0, 10.0, 4 * mib, mib, 0) < 0);
}

/* --base: the rows outside it (spend 3) are counted, in no segment ('all' is the base), and
 * chunks and threads give the one-thread pass. */
static void test_base(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *path = write_tmp(csv);
    size_t spend3 = 0; /* the 4th field of each data line */
    for (const char *l = strchr(csv, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
        const char *f = l;
        for (int k = 0; k < 3; k++)
            f = strchr(f, ',') + 1;
        spend3 += f[0] == '3';
    }
    assert_true(spend3 > 800 && spend3 < 1200);
    with_base = 1;
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.used, 3000);
    assert_int_equal(one.acct.outside_base, spend3);
    /* 'all' holds the base: the answered rows among spend 1 and 2 */
    size_t all_base = 0, by3 = 0;
    for (size_t i = 0; i < one.n; i++) {
        if (strcmp(one.e[i].segment, "all") == 0 && strcmp(one.e[i].variable, "m") == 0 &&
            strcmp(one.e[i].level, "m_a") == 0)
            all_base = one.e[i].base_n;
        by3 += strcmp(one.e[i].segment, "spend=3") == 0 && one.e[i].base_n > 0;
    }
    assert_int_equal(all_base, 3000 - spend3); /* m_a and m_b are always answered */
    assert_int_equal(by3, 0);
    const size_t chunks[] = {64, 4096, 20000};
    assert_same_sweep(path, &one, chunks, 3);
    with_base = 0;
    result_free(&one);
    remove_tmp(path);
    free(csv);
}

/* Rows skipped after the header (Qualtrics' question text and import ids, with quoted
 * newlines, doubled quotes, CRLF and any number of fields) are read by the exact reader,
 * and the chunked pass starts after them: the results of the file without those rows, the
 * two rows counted as read and excluded. */
static void test_skip_rows(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *plain = write_tmp(csv);
    const char *pre = "\"Region\r\nof residence\",Panel,\"Weight, final\",Spend,Q1,A,B,C,Note\r\n"
                      "\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n";
    const char *body = strchr(csv, '\n') + 1;
    size_t hl = (size_t)(body - csv);
    char *skipped = malloc(strlen(csv) + strlen(pre) + 1);
    assert_non_null(skipped);
    memcpy(skipped, csv, hl);
    strcpy(skipped + hl, pre);
    strcat(skipped, body);
    char *path = write_tmp(skipped);

    result one = run(plain, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.read, 3000);
    skip_rows = 2;
    const size_t chunks[] = {64, 4096, (size_t)1 << 30};
    for (int th = 1; th <= 3; th++)
        for (size_t j = 0; j < 3; j++) {
            result r = run(path, th, chunks[j]);
            assert_int_equal(r.st, SHOPSTAT_OK);
            assert_int_equal(r.acct.read, 3002);
            assert_int_equal(r.acct.excluded_skipped, 2);
            assert_int_equal(r.acct.used, 3000);
            assert_true(r.progress_calls >= 1); /* chunks, not the exact pass */
            if (chunks[j] == 4096)
                assert_true(r.progress_calls >= strlen(body) / 4096);
            r.acct.read = 3000;
            assert_same(&one, &r, 1e-12);
            result_free(&r);
        }
    /* a CSV error in a skipped row is named where it stands, as by the exact pass */
    char *bad = malloc(strlen(skipped) + 2);
    assert_non_null(bad);
    char *close = strstr(skipped, "}\"\n") + 2;
    memcpy(bad, skipped, (size_t)(close - skipped));
    bad[close - skipped] = 'x';
    strcpy(bad + (close - skipped) + 1, close);
    remove_tmp(path);
    path = write_tmp(bad);
    result e = run(path, 2, 4096);
    assert_int_equal(e.st, SHOPSTAT_EINPUT);
    assert_int_equal(e.err.line, 4);
    assert_int_equal(e.err.col, 26);
    assert_non_null(strstr(e.err.msg, "after the closing quote"));
    result_free(&e);
    /* without --skip-rows, or with 1: the import-id row is refused where it stands, by the
     * chunked pass (its first range looks at the first rows) as by the exact one */
    remove_tmp(path);
    path = write_tmp(skipped);
    for (skip_rows = 0; skip_rows < 2; skip_rows++)
        for (int th = 1; th <= 2; th++) {
            result q = run(path, th, 4096);
            assert_int_equal(q.st, SHOPSTAT_EINPUT);
            assert_int_equal(q.err.line, 4);
            assert_int_equal(q.err.col, 1);
            assert_non_null(strstr(q.err.msg, "import-id row of a Qualtrics export"));
            assert_non_null(strstr(q.err.msg, "csv_opts.skip_rows 2"));
            result_free(&q);
        }
    skip_rows = 0;
    result_free(&one);
    remove_tmp(path);
    remove_tmp(plain);
    free(bad);
    free(skipped);
    free(csv);
}

/* make_csv's rows with every spend of 2 spelt word (bytes), and pad 'x's appended to the
 * first row (its note is plain); *first: the offset of the first word at or after offset
 * at (SIZE_MAX: none). */
static char *respell(const char *csv, const char *word, size_t pad, size_t at, size_t *first)
{
    size_t cap = strlen(csv) * 2 + pad + 64, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    const char *nl = strchr(csv, '\n');
    memcpy(out, csv, (size_t)(nl - csv));
    len = (size_t)(nl - csv);
    *first = SIZE_MAX;
    int row = 0;
    for (const char *l = nl; *l; row++) { /* l at the '\n' ending the previous line */
        if (row == 1) {
            memset(out + len, 'x', pad);
            len += pad;
        }
        out[len++] = *l++;
        if (!*l)
            break;
        const char *f = l;
        for (int k = 0; k < 3; k++) /* region, panel, wt: no quotes before spend */
            f = strchr(f, ',') + 1;
        memcpy(out + len, l, (size_t)(f - l));
        len += (size_t)(f - l);
        if (f[0] == '2' && f[1] == ',') {
            if (*first == SIZE_MAX && len >= at)
                *first = len;
            memcpy(out + len, word, strlen(word));
            len += strlen(word);
            f++;
        }
        const char *e = strchr(f, '\n'); /* (make_csv is called without quoted newlines) */
        memcpy(out + len, f, (size_t)(e - f));
        len += (size_t)(e - f);
        l = e;
    }
    out[len] = '\0';
    return out;
}

/* Files in another encoding are converted block by block in the chunked pass, and by the
 * exact pass (here over a pipe): the results of the same file in UTF-8, on 1-3 threads,
 * with a two-byte Shift_JIS character cut by the 256 KiB read block of the chunks and by
 * the 64 KiB step of the exact reader; a byte the encoding refuses is named by the exact
 * pass. */
static result run_pipe(const char *bytes, size_t n)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fds[1], bytes + off, n - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    result r = run("-", 2, 4096);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return r;
}

static void test_encodings(void **state)
{
    (void)state;
    char *csv = make_csv(9000, 0, 0);
    struct {
        const char *enc, *word, *utf8;
    } cases[] = {{"windows-1252", "\xe9t\xe9", "\xc3\xa9t\xc3\xa9"},
                 {"SHIFT_JIS", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac"}};
    for (size_t i = 0; i < 2; i++) {
        /* the first row padded so that a word starts on the last byte of the first read
         * block (blocks start at the first data row) */
        size_t first, header = (size_t)(strchr(csv, '\n') - csv) + 1;
        char *probe = respell(csv, cases[i].word, 0, header + 256 * 1024 - 1024, &first);
        assert_true(first != SIZE_MAX && first < header + 256 * 1024);
        size_t pad = header + 256 * 1024 - 1 - first;
        free(probe);
        char *enc = respell(csv, cases[i].word, pad, 0, &first);
        char *utf = respell(csv, cases[i].utf8, pad, 0, &first);
        size_t k = header + 256 * 1024 - 1; /* the last byte of the first block */
        assert_memory_equal(enc + k, cases[i].word, strlen(cases[i].word));
        char *penc = write_tmp(enc), *putf = write_tmp(utf);
        result one = run(putf, 1, (size_t)1 << 30);
        assert_int_equal(one.st, SHOPSTAT_OK);
        size_t named = 0;
        for (size_t j = 0; j < one.n; j++)
            named += strstr(one.e[j].segment, cases[i].utf8) != NULL;
        assert_true(named > 0);
        encoding = cases[i].enc;
        const size_t chunks[] = {4096, (size_t)1 << 30};
        for (int th = 1; th <= 3; th++)
            for (size_t j = 0; j < 2; j++) {
                result r = run(penc, th, chunks[j]);
                assert_int_equal(r.st, SHOPSTAT_OK);
                assert_true(r.progress_calls >= 1); /* chunks, not the exact pass */
                assert_same(&one, &r, 1e-12);
                result_free(&r);
            }
        result x = run_pipe(enc, strlen(enc));
        assert_int_equal(x.st, SHOPSTAT_OK);
        assert_int_equal(x.progress_calls, 0); /* the exact pass */
        assert_same(&one, &x, 1e-12);
        result_free(&x);
        encoding = NULL;
        result_free(&one);
        remove_tmp(penc);
        remove_tmp(putf);
        free(enc);
        free(utf);
    }
    /* 0x81 is not windows-1252: line 2600, column 1, as from the exact pass */
    char *bad = respell(csv, "\xe9t\xe9", 0, 0, &(size_t){0});
    char *p = bad;
    for (size_t l = 1; l < 2600; l++)
        p = strchr(p, '\n') + 1;
    *p = '\x81';
    char *path = write_tmp(bad);
    encoding = "windows-1252";
    for (int th = 1; th <= 2; th++) {
        result r = run(path, th, 4096);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, 2600);
        assert_int_equal(r.err.col, 1);
        assert_non_null(strstr(r.err.msg, "not valid windows-1252"));
        result_free(&r);
    }
    encoding = NULL;
    remove_tmp(path);
    free(bad);
    free(csv);
}

/* Standard input that is a regular file is read in chunks too, from the offset it stands at
 * (here after a first line the caller has read): the results of the file itself. */
static void test_stdin_file(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *plain = write_tmp(csv);
    size_t n = strlen(csv);
    char *junk = malloc(n + 32);
    assert_non_null(junk);
    strcpy(junk, "not the header\n");
    strcat(junk, csv);
    char *path = write_tmp(junk);
    result one = run(plain, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    const size_t chunks[] = {4096, (size_t)1 << 30};
    for (int th = 1; th <= 2; th++)
        for (size_t j = 0; j < 2; j++) {
            int fd = open(path, O_RDONLY);
            assert_true(fd >= 0);
            char line[15];
            assert_int_equal(read(fd, line, sizeof line), (ssize_t)sizeof line);
            assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
            close(fd);
            result r = run("-", th, chunks[j]);
            assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
            assert_int_equal(r.st, SHOPSTAT_OK);
            assert_true(r.progress_calls >= 1); /* chunks, not the exact pass */
            assert_same(&one, &r, 1e-12);
            result_free(&r);
        }
    close(saved);
    result_free(&one);
    remove_tmp(path);
    remove_tmp(plain);
    free(junk);
    free(csv);
}

/* Rows of empty fields only (Excel's trailing ",,,,,,,,"; here also among the rows, some
 * with spaces or quotes) are skipped and counted by the chunked pass, on any threads and
 * chunks, and by the exact one (over a pipe): the results of the file without them, the
 * rows counted as read and excluded. */
static void test_empty_rows(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *plain = write_tmp(csv);
    size_t n = strlen(csv), len = 0, nempty = 0;
    char *with = malloc(2 * n);
    assert_non_null(with);
    const char *empties[] = {",,,,,,,,\n", " , ,,\"\",,,\t,,\n", ",,,,,,,,\r\n"};
    size_t line = 0;
    for (const char *p = csv; *p;) {
        const char *e = strchr(p, '\n') + 1;
        if (line++ % 97 == 5) {
            const char *x = empties[nempty++ % 3];
            memcpy(with + len, x, strlen(x));
            len += strlen(x);
        }
        memcpy(with + len, p, (size_t)(e - p));
        len += (size_t)(e - p);
        p = e;
    }
    for (int k = 0; k < 4; k++, nempty++) {
        memcpy(with + len, ",,,,,,,,\n", 9);
        len += 9;
    }
    with[len] = '\0';
    char *path = write_tmp(with);
    result one = run(plain, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.excluded_empty, 0);
    const size_t chunks[] = {64, 333, 4096, (size_t)1 << 30};
    for (int th = 1; th <= 3; th++)
        for (size_t j = 0; j < sizeof chunks / sizeof *chunks; j++) {
            result r = run(path, th, chunks[j]);
            assert_int_equal(r.st, SHOPSTAT_OK);
            assert_true(r.progress_calls >= 1); /* chunks, not the exact pass */
            assert_int_equal(r.acct.read, 3000 + nempty);
            assert_int_equal(r.acct.excluded_empty, nempty);
            assert_int_equal(r.acct.excluded_skipped, 0);
            assert_int_equal(r.acct.used, 3000);
            r.acct.read = 3000;
            assert_same(&one, &r, 1e-12);
            result_free(&r);
        }
    result x = run_pipe(with, len);
    assert_int_equal(x.st, SHOPSTAT_OK);
    assert_int_equal(x.progress_calls, 0); /* the exact pass */
    assert_int_equal(x.acct.read, 3000 + nempty);
    assert_int_equal(x.acct.excluded_empty, nempty);
    assert_int_equal(x.acct.used, 3000);
    x.acct.read = 3000;
    assert_same(&one, &x, 1e-12);
    result_free(&x);
    result_free(&one);
    remove_tmp(path);
    remove_tmp(plain);
    free(with);
    free(csv);
}

/* A chunked pass that goes through but whose finish fails (here: --exclude takes every
 * row) is redone by the exact pass; the reader's counts are then those of the file's rows,
 * each once: 3000 rows and 4 empty ones, not the chunks' rows again on top (the chunked
 * rows were counted twice: 6008 read, 8 empty). */
static void test_redone_pass_counts_rows_once(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    size_t n = strlen(csv);
    char *with = malloc(n + 64);
    assert_non_null(with);
    memcpy(with, csv, n);
    for (int k = 0; k < 4; k++, n += 9)
        memcpy(with + n, ",,,,,,,,\n", 9);
    with[n] = '\0';
    char *path = write_tmp(with);
    const size_t chunks[] = {333, 4096, (size_t)1 << 30};
    for (int th = 1; th <= 2; th++)
        for (size_t j = 0; j < sizeof chunks / sizeof *chunks; j++) {
            shopstat_plan *p = shopstat_plan_new();
            assert_non_null(p);
            shopstat_error err;
            assert_int_equal(shopstat_plan_add_single(p, "q1", "q1", &err), SHOPSTAT_OK);
            assert_int_equal(shopstat_plan_parse_exclude(p, "spend:1,2,3", &err), SHOPSTAT_OK);
            shopstat_reader *r = NULL;
            assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
            shopstat_pass_opts o;
            shopstat_pass_opts_init(&o);
            o.threads = th;
            o.chunk_bytes = chunks[j];
            shopstat_totals *t = NULL;
            assert_int_equal(shopstat_totals_compute_opts(p, r, &o, &t, &err), SHOPSTAT_EUSAGE);
            assert_null(t);
            assert_int_equal(shopstat_reader_rows_read(r), 3004);
            assert_int_equal(shopstat_reader_rows_empty(r), 4);
            assert_non_null(strstr(err.msg, "of the 3004 rows read, spend:1,2,3 excludes 3000"));
            shopstat_reader_free(r);
            shopstat_plan_free(p);
        }
    remove_tmp(path);
    free(with);
    free(csv);
}

/* Quoted newlines: chunk boundaries may fall inside a quoted field, which the range
 * parser detects; the pass then runs on one thread and still gives the same results. */
static void test_quoted_newlines(void **state)
{
    (void)state;
    char *csv = make_csv(2000, 0, 7);
    char *path = write_tmp(csv);
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.acct.read, 2000);
    const size_t chunks[] = {64, 1000, 7777};
    assert_same_sweep(path, &one, chunks, 3);
    result_free(&one);
    remove_tmp(path);
    free(csv);
}

/* Long fields (longer than the range parser's first row buffer, one across a 256 KiB read
 * block), quoted with doubled quotes and delimiters inside, or unquoted with trailing
 * spaces: the range parsers grow their row buffer for them and hand over the same values
 * as one pass. Levels of 14 to 33 bytes go through the short fields' fixed copies of 16
 * and 32 bytes and the slow path, each with its text and count. */
static void test_long_fields(void **state)
{
    (void)state;
    const size_t rows = 600;
    size_t cap = 4 << 20, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len,
                            "region,panel,wt,spend,q1,m_a,m_b,codes,note\n");
    for (size_t i = 1; i <= rows; i++) {
        len += (size_t)snprintf(csv + len, cap - len, "R%zu,%zu,%.2f,%zu,", i % 7 + 1, i % 5 + 1,
                                1 + (double)(i % 9) / 4, i % 3 + 1);
        if (i % 97 == 0) { /* level: say "hi", xxx...x (3,000 to 26,000 x) */
            len += (size_t)snprintf(csv + len, cap - len, "\"say \"\"hi\"\", ");
            memset(csv + len, 'x', 3000 + i * 40);
            len += 3000 + i * 40;
            csv[len++] = '"';
        } else if (i % 3 == 1) { /* 14 + i % 20 bytes of one letter */
            size_t n = 14 + i % 20;
            memset(csv + len, 'a' + (int)(n % 26), n);
            len += n;
        } else {
            csv[len++] = (char)('1' + i % 5);
        }
        len += (size_t)snprintf(csv + len, cap - len, ",%zu,%zu,%s,", i % 2, i / 2 % 2,
                                i % 4 ? "1" : "\"2;3\"");
        if (i % 101 == 0) { /* 300,000 bytes and trailing spaces, in a column not read */
            memset(csv + len, 'n', 300000);
            len += 300000;
            len += (size_t)snprintf(csv + len, cap - len, "   \n");
        } else {
            len += (size_t)snprintf(csv + len, cap - len, "plain\n");
        }
        assert_true(len + 400000 < cap);
    }
    csv[len] = '\0';
    char *path = write_tmp(csv);
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_OK);
    assert_int_equal(one.acct.read, rows);
    assert_int_equal(one.acct.used, rows);
    /* each long level once, with its text intact, in the segment of all rows */
    char *want = malloc(40000);
    assert_non_null(want);
    for (size_t i = 97; i <= rows; i += 97) {
        int k = snprintf(want, 40000, "say \"hi\", ");
        memset(want + k, 'x', 3000 + i * 40);
        want[k + 3000 + i * 40] = '\0';
        size_t found = 0;
        for (size_t e = 0; e < one.n; e++)
            if (strcmp(one.e[e].variable, "q1") == 0 && strcmp(one.e[e].level, want) == 0 &&
                strcmp(one.e[e].segment, shopstat_totals_segment(one.t, 0)) == 0) {
                assert_int_equal(one.e[e].count, 1);
                found++;
            }
        assert_int_equal(found, 1);
    }
    free(want);
    for (size_t n = 14; n <= 33; n++) {
        char text[40];
        memset(text, 'a' + (int)(n % 26), n);
        text[n] = '\0';
        size_t rows_n = 0, found = 0;
        for (size_t i = 1; i <= rows; i++)
            rows_n += i % 97 != 0 && i % 3 == 1 && 14 + i % 20 == n;
        for (size_t e = 0; e < one.n; e++)
            if (strcmp(one.e[e].variable, "q1") == 0 && strcmp(one.e[e].level, text) == 0 &&
                strcmp(one.e[e].segment, shopstat_totals_segment(one.t, 0)) == 0) {
                assert_int_equal(one.e[e].count, rows_n);
                found++;
            }
        assert_true(rows_n > 0);
        assert_int_equal(found, 1);
    }
    const size_t chunks[] = {4096, 100000, 1 << 20};
    assert_same_sweep(path, &one, chunks, 3);
    result_free(&one);
    remove_tmp(path);
    free(csv);
}

/* An error in a late chunk is reported at its line and column, as by the exact pass,
 * and an earlier one wins over a later one. */
static void test_error_in_later_range(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 2500, 0);
    char *path = write_tmp(csv);
    result one = run(path, 1, (size_t)1 << 30);
    assert_int_equal(one.st, SHOPSTAT_EINPUT);
    assert_int_equal(one.err.line, 2501); /* the header is line 1 */
    assert_true(one.err.col > 1);
    assert_non_null(strstr(one.err.msg, "not a number"));
    for (int th = 1; th <= 3; th++) {
        result r = run(path, th, 512);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, one.err.line);
        assert_int_equal(r.err.col, one.err.col);
        assert_string_equal(r.err.msg, one.err.msg);
        result_free(&r);
    }
    result_free(&one);
    remove_tmp(path);
    free(csv);

    /* two bad rows in different chunks: the first in file order */
    csv = make_csv(3000, 400, 0);
    char *p2 = strchr(csv, '\n'); /* and break the row on line 2901: a ragged row */
    for (size_t line = 1; line < 2900 && p2; line++)
        p2 = strchr(p2 + 1, '\n');
    assert_non_null(p2);
    char *end = strchr(p2 + 1, '\n');
    *(end - 1) = ','; /* the last byte of the line becomes a delimiter: one more field */
    path = write_tmp(csv);
    for (int th = 1; th <= 3; th++) {
        result r = run(path, th, 700);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, 401);
        result_free(&r);
    }
    remove_tmp(path);
    free(csv);
}

/* An error in the first chunk while the other threads have parsed later chunks that
 * wait for their turn (each worker holds two): every thread stops, none waits forever
 * for a merge that will not come, and the exact pass names the first error. */
static void test_error_in_first_range(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 1, 0);
    char *path = write_tmp(csv);
    for (int th = 1; th <= 4; th++) {
        result r = run(path, th, 512);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, 2);
        assert_non_null(strstr(r.err.msg, "not a number"));
        result_free(&r);
    }
    remove_tmp(path);
    free(csv);

    /* a field over the cap on the first data row, in a column the plan does not use */
    csv = make_csv(3000, 0, 0);
    size_t len = strlen(csv), big = SHOPSTAT_CSV_MAX_FIELD + 10;
    char *nl = strchr(strchr(csv, '\n') + 1, '\n'); /* the end of the first data row */
    size_t at = (size_t)(nl - csv);
    char *grown = malloc(len + big + 1);
    assert_non_null(grown);
    memcpy(grown, csv, at);
    memset(grown + at, 'x', big); /* appended to its last field */
    memcpy(grown + at + big, csv + at, len - at + 1);
    path = write_tmp(grown);
    for (int th = 1; th <= 3; th++) {
        result r = run(path, th, 4096);
        assert_int_equal(r.st, SHOPSTAT_ELIMIT);
        assert_int_equal(r.err.line, 2);
        assert_non_null(strstr(r.err.msg, "longer than"));
        result_free(&r);
    }
    remove_tmp(path);
    free(grown);
    free(csv);
}

/* Bytes the range parsers must refuse (a stray quote, a NUL, invalid UTF-8 after the
 * first MiB) are reported at their line and column whatever the chunks. */
static void test_hostile_bytes_in_later_range(void **state)
{
    (void)state;
    struct {
        size_t line; /* 1-based line to damage */
        const char *what;
        size_t col;
    } cases[] = {{2600, "\"", 22}, {2700, "\0", 1}, {40001, "\xff", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *csv = make_csv(cases[i].line < 3000 ? 3000 : 45000, 0, 0);
        size_t len = strlen(csv);
        char *p = csv;
        for (size_t l = 1; l < cases[i].line; l++)
            p = strchr(p, '\n') + 1;
        *p = cases[i].what[0]; /* the first byte of the line: the start of 'R<region>' */
        char *path = write_tmp_n(csv, len);
        for (int th = 1; th <= 2; th++) {
            result r = run(path, th, 4096);
            assert_int_equal(r.st, SHOPSTAT_EINPUT);
            assert_int_equal(r.err.line, cases[i].line);
            assert_int_equal(r.err.col, cases[i].col);
            result_free(&r);
        }
        remove_tmp(path);
        free(csv);
    }
}

/* A NUL or a byte that is not UTF-8 at each of 40 offsets in a later range, past the
 * first MiB (which decides the encoding): the range parser checks blocks 32 bytes at a
 * time, then 8, then byte by byte, and must see it wherever it falls; the exact pass then
 * names its line and column. */
static void test_bad_byte_every_offset(void **state)
{
    (void)state;
    char *csv = make_csv(45000, 0, 0);
    size_t len = strlen(csv);
    char *base = csv;
    for (int l = 1; l < 40001; l++)
        base = strchr(base, '\n') + 1;
    assert_true(base - csv > (1 << 20));
    char *dup = malloc(len + 1);
    assert_non_null(dup);
    for (size_t off = 0; off < 40; off++) {
        memcpy(dup, csv, len + 1);
        size_t at = (size_t)(base - csv) + off;
        dup[at] = off % 2 ? '\xff' : '\0';
        size_t line = 40001, col = 1;
        for (size_t i = (size_t)(base - csv); i < at; i++) {
            if (dup[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        char *path = write_tmp_n(dup, len);
        result r = run(path, 2, (size_t)64 << 10);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, line);
        assert_int_equal(r.err.col, col);
        result_free(&r);
        remove_tmp(path);
    }
    free(dup);
    free(csv);
}

/* The progress hook on the chunked pass (1 and 2 threads): bytes never go back, the last
 * call has the whole file and every row; and on the exact pass (quoted newlines). */
typedef struct progress_log {
    size_t calls, last_bytes, last_rows;
    int backwards;
} progress_log;

static void on_progress(void *ctx, size_t bytes, size_t rows)
{
    progress_log *l = ctx;
    if (bytes < l->last_bytes || rows < l->last_rows)
        l->backwards = 1;
    l->calls++;
    l->last_bytes = bytes;
    l->last_rows = rows;
}

static void test_progress(void **state)
{
    (void)state;
    const size_t nrows = 70000; /* the exact pass reports every 65536 rows */
    for (int quoted = 0; quoted <= 1; quoted++) {
        char *csv = make_csv(nrows, 0, quoted ? 9 : 0);
        char *path = write_tmp(csv);
        for (int th = 1; th <= 2; th++) {
            shopstat_plan *p = plan();
            shopstat_reader *rd = NULL;
            shopstat_error err;
            assert_int_equal(shopstat_reader_open(path, NULL, &rd, &err), SHOPSTAT_OK);
            progress_log l = {0, 0, 0, 0};
            shopstat_pass_opts o;
            shopstat_pass_opts_init(&o);
            o.threads = th;
            o.chunk_bytes = 100000;
            o.progress = on_progress;
            o.progress_ctx = &l;
            shopstat_totals *t = NULL;
            assert_int_equal(shopstat_totals_compute_opts(p, rd, &o, &t, &err), SHOPSTAT_OK);
            if (quoted) { /* chunks until a boundary falls in a quoted field, then the exact
                             pass from the start (progress may go back): its report at 65536
                             rows is the last */
                assert_true(l.calls >= 1);
                assert_int_equal(l.last_rows, 65536);
            } else { /* one report per chunk, never back, the last at the end of the file */
                assert_false(l.backwards);
                assert_true(l.calls >= strlen(csv) / 100000);
                assert_int_equal(l.last_bytes, strlen(csv));
                assert_int_equal(l.last_rows, nrows);
            }
            shopstat_totals_free(t);
            shopstat_reader_free(rd);
            shopstat_plan_free(p);
        }
        remove_tmp(path);
        free(csv);
    }
}

/* A gzip-compressed export (its size unknown until inflated): one chunk, parsed as it is
 * inflated (on another thread with 2 or 3), bit for bit the plain file's results in one
 * chunk; progress every few MiB in compressed bytes, the last at the file's end with every
 * row (the exact pass would report at 65,536 rows only); a cancel stops it; a bad row or a
 * truncated file still gets the exact pass's positioned message. */
static char *write_gz(const char *text, size_t n, size_t *gz_size)
{
    char *path = write_tmp("");
    gzFile f = gzopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(gzwrite(f, text, (unsigned)n), (int)n);
    assert_int_equal(gzclose(f), Z_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    *gz_size = (size_t)sb.st_size;
    return path;
}

static int cancel_at_once(void *ctx)
{
    ++*(int *)ctx;
    return 1;
}

static void test_gzip(void **state)
{
    (void)state;
    const size_t nrows = 250001; /* about 9.5 MB: ticks at 4 and 8 MiB */
    char *csv = make_csv(nrows, 0, 0);
    size_t len = strlen(csv), gz_size;
    assert_true(len > ((size_t)8 << 20) && len < ((size_t)12 << 20));
    char *plain = write_tmp(csv), *gz = write_gz(csv, len, &gz_size);
    result one = run(plain, 1, (size_t)1 << 40);
    assert_int_equal(one.st, SHOPSTAT_OK);
    for (int th = 1; th <= 3; th++) {
        result r = run(gz, th, 4096); /* (the chunk size is the plain file's only) */
        assert_int_equal(r.st, SHOPSTAT_OK);
        assert_int_equal(r.n, one.n);
        assert_int_equal(r.acct.read, nrows);
        for (size_t i = 0; i < one.n; i++) {
            assert_true(same_bits(r.e[i].proportion, one.e[i].proportion));
            assert_true(same_bits(r.e[i].se, one.e[i].se));
            assert_true(same_bits(r.e[i].deff, one.e[i].deff));
        }
        result_free(&r);

        shopstat_plan *p = plan();
        shopstat_reader *rd = NULL;
        shopstat_error err;
        assert_int_equal(shopstat_reader_open(gz, NULL, &rd, &err), SHOPSTAT_OK);
        progress_log l = {0, 0, 0, 0};
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = th;
        o.progress = on_progress;
        o.progress_ctx = &l;
        shopstat_totals *t = NULL;
        assert_int_equal(shopstat_totals_compute_opts(p, rd, &o, &t, &err), SHOPSTAT_OK);
        assert_int_equal(l.calls, 3); /* at 4 and 8 MiB, and at the end */
        assert_false(l.backwards);
        assert_int_equal(l.last_bytes, gz_size);
        assert_int_equal(l.last_rows, nrows);
        shopstat_totals_free(t);
        shopstat_reader_free(rd);

        assert_int_equal(shopstat_reader_open(gz, NULL, &rd, &err), SHOPSTAT_OK);
        int asked = 0;
        shopstat_pass_opts_init(&o);
        o.threads = th;
        o.cancel = cancel_at_once;
        o.cancel_ctx = &asked;
        t = NULL;
        assert_int_equal(shopstat_totals_compute_opts(p, rd, &o, &t, &err), SHOPSTAT_ECANCELED);
        assert_null(t);
        assert_int_equal(asked, 1);
        shopstat_reader_free(rd);
        shopstat_plan_free(p);
    }
    result_free(&one);
    remove_tmp(gz);
    remove_tmp(plain);
    free(csv);

    /* a weight that is not a number on row 120000; the file cut short */
    csv = make_csv(nrows, 120000, 0);
    len = strlen(csv);
    gz = write_gz(csv, len, &gz_size);
    for (int th = 1; th <= 2; th++) {
        result r = run(gz, th, 0);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_int_equal(r.err.line, 120001);
        assert_non_null(strstr(r.err.msg, "not a number"));
        result_free(&r);
    }
    assert_int_equal(truncate(gz, (off_t)(gz_size / 4)), 0); /* (before row 120000) */
    for (int th = 1; th <= 2; th++) {
        result r = run(gz, th, 0);
        assert_int_equal(r.st, SHOPSTAT_EINPUT);
        assert_non_null(strstr(r.err.msg, "truncated"));
        result_free(&r);
    }
    remove_tmp(gz);
    free(csv);
}

/* Each test starts from the default plan and reader options: a test that fails half-way
 * (cmocka jumps out of it) leaves its settings behind, which would fail the tests after it. */
/* Workers started ahead of the pass (shopstat_pass_prestart) are taken by the next pass,
 * which gives the same bits as one that creates its threads; one the pass has no use for
 * is let go at once; one no pass comes for ends when its time is up. */
static void test_prestart(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *path = write_tmp(csv);
    result a = run(path, 1, 4096);
    int spinning;
    size_t claims = chunk_spares(&spinning);
    assert_int_equal(spinning, 0);
    setenv("SHOPSTAT_SPARE_SPIN_MS", "600000", 1); /* (none ends before it is claimed) */
    shopstat_pass_prestart(3);
    assert_int_equal(chunk_spares(&spinning), claims);
    assert_int_equal(spinning, 2);
    result b = run(path, 3, 4096);
    assert_int_equal(chunk_spares(&spinning), claims + 2);
    assert_int_equal(spinning, 0);
    assert_int_equal(b.st, SHOPSTAT_OK);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_true(same_bits(a.e[i].proportion, b.e[i].proportion));
        assert_true(same_bits(a.e[i].se, b.e[i].se));
        assert_true(same_bits(a.e[i].deff, b.e[i].deff));
    }
    result_free(&b);
    /* a pass on 2 threads takes one of 2 spares and lets the other go */
    shopstat_pass_prestart(3);
    b = run(path, 2, 4096);
    assert_int_equal(b.st, SHOPSTAT_OK);
    assert_true(same_bits(a.e[0].se, b.e[0].se));
    assert_int_equal(chunk_spares(&spinning), claims + 3);
    assert_int_equal(spinning, 0);
    result_free(&b);
    /* unclaimed, a spare ends when its time is up */
    setenv("SHOPSTAT_SPARE_SPIN_MS", "20", 1);
    shopstat_pass_prestart(2);
    unsetenv("SHOPSTAT_SPARE_SPIN_MS");
    for (int i = 0; i < 400 && chunk_spares(&spinning) == claims + 3 && spinning; i++)
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    assert_int_equal(chunk_spares(&spinning), claims + 3);
    assert_int_equal(spinning, 0);
    /* one thread: nothing is started */
    shopstat_pass_prestart(1);
    chunk_spares(&spinning);
    assert_int_equal(spinning, 0);
    result_free(&a);
    remove_tmp(path);
    free(csv);
}

/* A spare worker (shopstat_pass_prestart) first runs on another CPU than the thread that
 * started it, when the process has two or more: the benchmark VM's kernel put a new thread
 * on its creator's CPU, where the spare spun against the main thread for up to a scheduler
 * tick (4 ms) before one was moved (docs/performance.md, "The fixed costs at 1M rows"). */
static void test_spare_elsewhere(void **state)
{
    (void)state;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2)
        skip();
    setenv("SHOPSTAT_SPARE_SPIN_MS", "50", 1);
    shopstat_pass_prestart(2);
    unsetenv("SHOPSTAT_SPARE_SPIN_MS");
    int from = -1, first = -1, spinning = 1;
    for (int i = 0; i < 400 && !chunk_spare_cpus(&from, &first); i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_true(chunk_spare_cpus(&from, &first));
    assert_true(CPU_ISSET(from, &set));
    assert_true(CPU_ISSET(first, &set));
    assert_int_not_equal(from, first);
    /* (its time up, it ends: no spare left for the tests after this one) */
    for (int i = 0; i < 400 && spinning; i++) {
        chunk_spares(&spinning);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    assert_int_equal(spinning, 0);
}

static int reset_options(void **state)
{
    (void)state;
    with_base = 0;
    skip_rows = 0;
    encoding = NULL;
    score_plan = 0;
    cells_plan = 0;
    wide_plan = 0;
    late_plan = 0;
    unsetenv("SHOPSTAT_ORDERED");
    return 0;
}

/* A reader is read once: after a pass that went through in chunks (a regular file, 1 and 2
 * threads), another pass over it, shopstat_reader_run and describe say so (SHOPSTAT_EUSAGE),
 * as after a pass over a pipe. The chunked pass did not mark the reader read: a second
 * shopstat_totals_compute went through again, its accounting 6000 rows read for 3000 used,
 * and shopstat_reader_run read the file once more. */
static void test_reader_read_once(void **state)
{
    (void)state;
    char *csv = make_csv(3000, 0, 0);
    char *path = write_tmp(csv);
    for (int th = 1; th <= 2; th++) {
        shopstat_plan *p = shopstat_plan_new();
        assert_non_null(p);
        shopstat_error err;
        assert_int_equal(shopstat_plan_add_single(p, "q1", "q1", &err), SHOPSTAT_OK);
        shopstat_reader *r = NULL;
        assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = th;
        o.chunk_bytes = 4096;
        shopstat_totals *t = NULL, *t2 = NULL;
        assert_int_equal(shopstat_totals_compute_opts(p, r, &o, &t, &err), SHOPSTAT_OK);
        shopstat_accounting acc = shopstat_totals_accounting(t);
        assert_int_equal(acc.read, 3000);
        assert_int_equal(acc.used, 3000);
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_totals_compute_opts(p, r, &o, &t2, &err), SHOPSTAT_EUSAGE);
        assert_null(t2);
        assert_non_null(strstr(err.msg, "the reader was already read"));
        assert_string_equal(err.file, path);
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_reader_run(r, NULL, NULL, &err), SHOPSTAT_EUSAGE);
        assert_non_null(strstr(err.msg, "the reader was already read"));
        shopstat_description *ds = NULL;
        assert_int_equal(shopstat_describe_opts(r, NULL, &o, &ds, &err), SHOPSTAT_EUSAGE);
        assert_null(ds);
        assert_int_equal(shopstat_reader_rows_read(r), 3000); /* (counted once) */
        shopstat_totals_free(t);
        shopstat_reader_free(r);
        shopstat_plan_free(p);
    }
    remove_tmp(path);
    free(csv);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_threads_and_chunks, reset_options),
        cmocka_unit_test_setup(test_prestart, reset_options),
        cmocka_unit_test_setup(test_spare_elsewhere, reset_options),
        cmocka_unit_test_setup(test_base, reset_options),
        cmocka_unit_test_setup(test_pattern_table_full, reset_options),
        cmocka_unit_test_setup(test_many_cells, reset_options),
        cmocka_unit_test_setup(test_list_lengths, reset_options),
        cmocka_unit_test_setup(test_w2_exact, reset_options),
        cmocka_unit_test_setup(test_once_exact, reset_options),
        cmocka_unit_test_setup(test_once_file_order, reset_options),
        cmocka_unit_test_setup(test_once_tail_split, reset_options),
        cmocka_unit_test_setup(test_crew_tail, reset_options),
        cmocka_unit_test_setup(test_crew_apart, reset_options),
        cmocka_unit_test_setup(test_chunk_layout, reset_options),
        cmocka_unit_test_setup(test_chunk_wait, reset_options),
        cmocka_unit_test_setup(test_skip_rows, reset_options),
        cmocka_unit_test_setup(test_encodings, reset_options),
        cmocka_unit_test_setup(test_stdin_file, reset_options),
        cmocka_unit_test_setup(test_empty_rows, reset_options),
        cmocka_unit_test_setup(test_redone_pass_counts_rows_once, reset_options),
        cmocka_unit_test_setup(test_reader_read_once, reset_options),
        cmocka_unit_test_setup(test_quoted_newlines, reset_options),
        cmocka_unit_test_setup(test_long_fields, reset_options),
        cmocka_unit_test_setup(test_error_in_later_range, reset_options),
        cmocka_unit_test_setup(test_error_in_first_range, reset_options),
        cmocka_unit_test_setup(test_hostile_bytes_in_later_range, reset_options),
        cmocka_unit_test_setup(test_bad_byte_every_offset, reset_options),
        cmocka_unit_test_setup(test_progress, reset_options),
        cmocka_unit_test_setup(test_gzip, reset_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
