/* Unit tests for sparse plans (shopstat_plan_need, shopstat_plan_pair_question; engine/pass.c,
 * need_masks): the pass keeps cells only for the (question, segment) pairs a report's tables
 * show and their comparisons need, not for every question in every segment, and the
 * estimates of those pairs are what the same tables give run one by one. */
#include "testutil.h"

#include <malloc.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "shopstat/compare.h"
#include "shopstat/report.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

/* A counting allocator: the Makefile links this test with -Wl,--wrap=malloc,calloc,realloc,
 * free, so that every allocation of the test and of libshopstat.a comes here. heap_live is
 * the bytes held (as malloc_usable_size counts them), heap_peak its largest value since
 * heap_mark(). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static atomic_llong heap_live, heap_peak;

static void heap_add(long long n)
{
    long long now = atomic_fetch_add(&heap_live, n) + n, peak = atomic_load(&heap_peak);
    while (now > peak && !atomic_compare_exchange_weak(&heap_peak, &peak, now))
        ;
}

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    if (p)
        heap_add((long long)malloc_usable_size(p));
    return p;
}
void *__wrap_calloc(size_t n, size_t size)
{
    void *p = __real_calloc(n, size);
    if (p)
        heap_add((long long)malloc_usable_size(p));
    return p;
}
void *__wrap_realloc(void *p, size_t n)
{
    long long before = p ? (long long)malloc_usable_size(p) : 0;
    void *q = __real_realloc(p, n);
    if (q)
        heap_add((long long)malloc_usable_size(q) - before);
    return q;
}
void __wrap_free(void *p)
{
    if (p)
        heap_add(-(long long)malloc_usable_size(p));
    __real_free(p);
}

/* The peak from here on, counted from the bytes held now. */
static long long heap_mark(void)
{
    long long now = atomic_load(&heap_live);
    atomic_store(&heap_peak, now);
    return now;
}

static uint64_t rng;
static uint64_t next(void)
{
    return splitmix64(&rng);
}

/* 4 strata of 6 PSUs; segment columns a (1-4), b (1-3) and wave (three months and a missing
 * value: a --by set, and a condition on it that is derived from the set); single-choice
 * questions q1, q3..q6 (1-3, some NA) and a multi-response one, m_a and m_b. */
static char *make_csv(size_t rows)
{
    size_t cap = rows * 80 + 128, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len +=
        (size_t)snprintf(s + len, cap - len, "region,panel,wt,a,b,wave,q1,m_a,m_b,q3,q4,q5,q6\n");
    rng = 20261203;
    const char *wave[] = {"2026-01", "2026-02", "2026-03", "2026-02", ""};
    const char *ans[] = {"1", "2", "3", "2", "NA"};
    for (size_t i = 0; i < rows; i++) {
        unsigned region = (unsigned)(next() % 4) + 1, panel = (unsigned)(next() % 6) + 1;
        double w = 0.5 + (double)(next() % 10000) / 4000.0;
        /* (drawn last column first, one statement each: the order of a call's arguments is
         * unspecified, GCC's last to first, clang's first to last, and the data differed) */
        const char *wv = wave[next() % 5];
        unsigned c3 = (unsigned)(next() % 3) + 1;
        unsigned c4 = (unsigned)(next() % 4) + 1;
        len += (size_t)snprintf(s + len, cap - len, "R%u,P%u,%.4f,%u,%u,%s", region, panel, w, c4,
                                c3, wv);
        unsigned b2 = (unsigned)(next() % 2);
        unsigned b1 = (unsigned)(next() % 2);
        const char *a0 = ans[next() % 5];
        len += (size_t)snprintf(s + len, cap - len, ",%s,%u,%u", a0, b1, b2);
        for (int q = 0; q < 4; q++)
            len += (size_t)snprintf(s + len, cap - len, ",%s", ans[next() % 5]);
        len += (size_t)snprintf(s + len, cap - len, "\n");
    }
    return s;
}

/* The tables of a report: a question in some segments ('all', fixed ones, or the --by set
 * wave), compared by one pair (b "rest" or "all", or another column); T5's pair on the
 * rows of h2 (a table's base: shopstat_plan_pair_subset). */
typedef struct table {
    const char *question;
    const char *segs[3];
    const char *a, *b, *subset;
} table;

static const table tables[] = {
    {"q1", {"h1", "h2"}, "h1", "h2", NULL}, {"q2", {"h3"}, "h3", "rest", NULL},
    {"q3", {"wave"}, "wave", "rest", NULL}, {"q4", {"all", "h4"}, "h4", "all", NULL},
    {"q5", {"h1", "h3"}, "h1", "h3", "h2"},
};
#define NTABLES (sizeof tables / sizeof *tables)

static void design(shopstat_plan *p, int element)
{
    shopstat_error err;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    d.strata = "region";
    d.psu = element ? NULL : "panel";
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
}

static void add_question(shopstat_plan *p, const char *q)
{
    shopstat_error err;
    if (strcmp(q, "q2") == 0)
        assert_int_equal(shopstat_plan_parse_multi(p, "q2=m_a,m_b", &err), SHOPSTAT_OK);
    else
        assert_int_equal(shopstat_plan_add_single(p, q, q, &err), SHOPSTAT_OK);
}

/* Segment name (h1..h4 or the set wave) into p, once. */
static void add_segment(shopstat_plan *p, const char *name)
{
    shopstat_error err;
    static const char *const defs[][2] = {
        {"h1", "h1=a:1"}, {"h2", "h2=a:2,3"}, {"h3", "h3=b:1"}, {"h4", "h4=wave:2026-01"}};
    if (strcmp(name, "all") == 0)
        return;
    if (strcmp(name, "wave") == 0) {
        assert_int_equal(shopstat_plan_add_by(p, "wave", &err), SHOPSTAT_OK);
        return;
    }
    for (size_t i = 0; i < 4; i++)
        if (strcmp(defs[i][0], name) == 0) {
            assert_int_equal(shopstat_plan_parse_segment(p, defs[i][1], &err), SHOPSTAT_OK);
            return;
        }
    fail_msg("no segment %s", name);
}

static void add_pair(shopstat_plan *p, const table *tb, int with_question)
{
    shopstat_error err;
    assert_int_equal(shopstat_plan_add_pair(p, tb->a, tb->b, &err), SHOPSTAT_OK);
    if (tb->subset)
        assert_int_equal(shopstat_plan_pair_subset(p, tb->subset, &err), SHOPSTAT_OK);
    if (with_question)
        assert_int_equal(shopstat_plan_pair_question(p, tb->question, &err), SHOPSTAT_OK);
}

/* Every table in one plan: sparse (each table's question needed in its segments, its pair
 * compared on it) or dense (no need declared: every question in every segment). q6 is in
 * no table. */
static shopstat_plan *plan_all(int element, int sparse)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    design(p, element);
    const char *qs[] = {"q1", "q2", "q3", "q4", "q5", "q6"};
    for (size_t i = 0; i < 6; i++)
        add_question(p, qs[i]);
    const char *segs[] = {"h1", "h2", "h3", "h4", "wave"};
    for (size_t i = 0; i < 5; i++)
        add_segment(p, segs[i]);
    for (size_t i = 0; i < NTABLES; i++)
        add_pair(p, &tables[i], 1);
    for (size_t i = 0; sparse && i < NTABLES; i++)
        for (size_t k = 0; k < 3 && tables[i].segs[k]; k++)
            assert_int_equal(shopstat_plan_need(p, tables[i].question, tables[i].segs[k], &err),
                             SHOPSTAT_OK);
    return p;
}

/* Table i alone (its question, segments and pair), dense. */
static shopstat_plan *plan_one(int element, size_t i)
{
    shopstat_plan *p = shopstat_plan_new();
    design(p, element);
    add_question(p, tables[i].question);
    for (size_t k = 0; k < 3 && tables[i].segs[k]; k++)
        add_segment(p, tables[i].segs[k]);
    if (tables[i].subset)
        add_segment(p, tables[i].subset);
    add_pair(p, &tables[i], 0);
    return p;
}

static shopstat_totals *run(const char *path, const shopstat_plan *p, int threads, size_t chunk)
{
    shopstat_error err;
    shopstat_reader *rd = NULL;
    assert_int_equal(shopstat_reader_open(path, NULL, &rd, &err), SHOPSTAT_OK);
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = threads;
    o.chunk_bytes = chunk;
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_totals_compute_opts(p, rd, &o, &t, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    return t;
}

/* Runtime id of the segment named name (a hidden one too), or SIZE_MAX. */
static size_t seg_id(const shopstat_totals *t, const char *name)
{
    for (size_t s = 0; s < t->nseg; s++)
        if (strcmp(t->seg[s].name, name) == 0)
            return s;
    return SIZE_MAX;
}

static size_t q_id(const shopstat_totals *t, const char *name)
{
    for (size_t q = 0; q < t->nq; q++)
        if (strcmp(t->q[q].pq->name, name) == 0)
            return q;
    return SIZE_MAX;
}

/* The cells of (segment sid, question q) in t: its base cell and its levels' that rows
 * touched. */
static size_t cells_of(const shopstat_totals *t, size_t sid, size_t q)
{
    size_t n = totals_cell(t, sid, q, SIZE_MAX) >= 0;
    for (size_t l = 0; l < t->q[q].levels.n; l++)
        n += totals_cell(t, sid, q, l) >= 0;
    return n;
}

/* What the sparse run must keep, counted in the dense run's cells: 'all' with every
 * question (the rows_only one of the subset included), each table's question in its
 * segments (wave: each of its values), each pair's sides on its question (rest: 'all'),
 * the rows of T5's subset h2 and, in an element design, the intersections of h1 with h2
 * and with h3 (the pairs' hidden segments). */
static size_t needed_cells(const shopstat_totals *dense, int element)
{
    size_t nq = dense->nq, ns = dense->nseg;
    unsigned char *need = calloc(ns * nq, 1);
    assert_non_null(need);
    for (size_t q = 0; q < nq; q++)
        need[seg_id(dense, "all") * nq + q] = 1;
    for (size_t i = 0; i < NTABLES; i++) {
        size_t q = q_id(dense, tables[i].question);
        const char *names[5] = {tables[i].segs[0], tables[i].segs[1], tables[i].segs[2],
                                tables[i].a, strcmp(tables[i].b, "rest") ? tables[i].b : "all"};
        for (size_t k = 0; k < 5; k++) {
            if (!names[k])
                continue;
            if (strcmp(names[k], "wave") == 0) {
                for (size_t s = 0; s < ns; s++)
                    if (dense->seg[s].kind == SEG_BY)
                        need[s * nq + q] = 1;
                continue;
            }
            need[seg_id(dense, names[k]) * nq + q] = 1;
        }
    }
    assert_true(dense->rows_q != SIZE_MAX);
    need[seg_id(dense, "h2") * nq + dense->rows_q] = 1;
    if (element) {
        /* (the intersections of pairs 0, h1:h2, and 4, h1:h3) */
        size_t x0 = seg_id(dense, "\x1fpair0"), x4 = seg_id(dense, "\x1fpair4");
        assert_true(x0 != SIZE_MAX && x4 != SIZE_MAX);
        need[x0 * nq + q_id(dense, "q1")] = 1;
        need[x4 * nq + q_id(dense, "q5")] = 1;
    }
    size_t n = 0;
    for (size_t s = 0; s < ns; s++)
        for (size_t q = 0; q < nq; q++)
            if (need[s * nq + q])
                n += cells_of(dense, s, q);
    free(need);
    return n;
}

static const shopstat_estimate *find_estimate(const shopstat_estimate *e, size_t n,
                                              const char *variable, const char *level,
                                              const char *segment)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e[i].variable, variable) && !strcmp(e[i].level, level) &&
            !strcmp(e[i].segment, segment))
            return &e[i];
    return NULL;
}

static void assert_same_estimate(const shopstat_estimate *x, const shopstat_estimate *y)
{
    assert_non_null(y);
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

/* Whether segment name is one of table tb's columns (a value of the set wave for "wave"). */
static int table_shows(const table *tb, const char *name)
{
    for (size_t k = 0; k < 3 && tb->segs[k]; k++)
        if (!strcmp(tb->segs[k], name) ||
            (!strcmp(tb->segs[k], "wave") && !strncmp(name, "wave=", 5)))
            return 1;
    return 0;
}

/* Table i's estimates and differences in the sparse run `all` equal those of the table run
 * alone; returns the estimates compared. */
static size_t assert_table_alone(const char *path, int element, size_t i,
                                 const shopstat_estimate *e, size_t ne,
                                 const shopstat_difference *d, size_t nd)
{
    shopstat_plan *p = plan_one(element, i);
    shopstat_totals *t = run(path, p, 1, 0);
    shopstat_error err;
    shopstat_estimate *e1 = NULL;
    shopstat_difference *d1 = NULL;
    size_t ne1 = 0, nd1 = 0, seen = 0;
    assert_int_equal(shopstat_tab_estimates(t, NULL, &e1, &ne1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_compare(t, NULL, &d1, &nd1, &err), SHOPSTAT_OK);
    for (size_t k = 0; k < ne1; k++) {
        if (!table_shows(&tables[i], e1[k].segment))
            continue;
        assert_same_estimate(&e1[k],
                             find_estimate(e, ne, e1[k].variable, e1[k].level, e1[k].segment));
        seen++;
    }
    assert_true(nd1 > 0);
    for (size_t k = 0; k < nd1; k++) {
        const shopstat_difference *x = &d1[k], *y = NULL;
        for (size_t j = 0; j < nd && !y; j++)
            if (!strcmp(d[j].variable, x->variable) && !strcmp(d[j].level, x->level) &&
                !strcmp(d[j].segment_a, x->segment_a) && !strcmp(d[j].segment_b, x->segment_b))
                y = &d[j];
        assert_non_null(y);
        assert_close(x->estimate_a, y->estimate_a, 1e-12);
        assert_close(x->estimate_b, y->estimate_b, 1e-12);
        assert_close(x->difference, y->difference, 1e-12);
        assert_close(x->se, y->se, 1e-12);
        assert_close(x->df, y->df, 1e-12);
        assert_close(x->p_value, y->p_value, 1e-10);
        assert_close(x->p_adjusted, y->p_adjusted, 1e-10);
        assert_int_equal(x->base_n_a, y->base_n_a);
        assert_int_equal(x->base_n_b, y->base_n_b);
    }
    free(e1);
    free(d1);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    return seen;
}

static void sparse_case(int element)
{
    char *csv = make_csv(4000);
    char *path = write_tmp(csv);
    free(csv);
    shopstat_plan *pd = plan_all(element, 0), *ps = plan_all(element, 1);
    shopstat_totals *dense = run(path, pd, 1, 0);
    size_t want = needed_cells(dense, element);
    /* the product: 6 segments and 3 values of wave (and the intersections), 6 questions of
     * 2-4 levels and the subset's rows; the sum: about a fifth of it */
    /* the product: 8 segments ('all', h1-h4, three values of wave) x (four single-choice
     * questions of 3 levels and a base, the multi-response one of 2, the subset's rows of
     * 1: 24 cells), and the hidden intersection of h1 and h3 in an element design (h1 and h2
     * share no row); the sum of the needed pairs: 'all' 24, q1 in h1 and h2 8, q2 in h3 3,
     * q3 in each wave 12, q4 in h4 4, q5 in h1 and h3 8, h2's rows 1, and q5 in the
     * intersection 4 */
    assert_int_equal(dense->ncell, element ? 216 : 192);
    assert_int_equal(want, element ? 64 : 60);
    shopstat_error err;
    const size_t chunks[] = {0, 3000};
    for (size_t c = 0; c < 2; c++) {
        shopstat_estimate *e0 = NULL;
        size_t ne0 = 0;
        for (int threads = 1; threads <= 3; threads++) {
            shopstat_totals *t = run(path, ps, threads, chunks[c]);
            assert_int_equal(t->ncell, want);
            shopstat_estimate *e = NULL;
            shopstat_difference *d = NULL;
            size_t ne = 0, nd = 0;
            assert_int_equal(shopstat_tab_estimates(t, NULL, &e, &ne, &err), SHOPSTAT_OK);
            assert_int_equal(shopstat_compare(t, NULL, &d, &nd, &err), SHOPSTAT_OK);
            /* each pair on its own question: 3 + 2 + 3 x 3 + 3 + 3 levels */
            assert_int_equal(nd, 3 + 2 + 9 + 3 + 3);
            size_t seen = 0;
            for (size_t i = 0; i < NTABLES; i++)
                seen += assert_table_alone(path, element, i, e, ne, d, nd);
            /* q1 3 levels x 2, q2 2 x 1, q3 3 x 3 waves, q4 3 x 2, q5 3 x 2 */
            assert_int_equal(seen, 6 + 2 + 9 + 6 + 6);
            if (!e0) { /* (the same bits on any number of threads, chunks as they are) */
                e0 = e;
                ne0 = ne;
            } else {
                assert_int_equal(ne, ne0);
                for (size_t k = 0; k < ne; k++) {
                    assert_memory_equal(&e[k].proportion, &e0[k].proportion, sizeof(double));
                    assert_memory_equal(&e[k].se, &e0[k].se, sizeof(double));
                }
                free(e);
            }
            free(d);
            shopstat_totals_free(t);
        }
        free(e0);
    }
    shopstat_totals_free(dense);
    shopstat_plan_free(pd);
    shopstat_plan_free(ps);
    remove_tmp(path);
}

static void test_sparse_cluster(void **state)
{
    (void)state;
    sparse_case(0);
}

static void test_sparse_element(void **state)
{
    (void)state;
    sparse_case(1);
}

/* A report of many questions and segments whose tables each show one question in one to
 * three segments (bench/sparse.sh's form): NQ questions q0.. of three answers, NQ segments
 * sK = dK/10 == K%10 + 1 over columns of ten values, table i question qi in si, si+1 and
 * si+7 (1 + i % 3 of them), every other one compared with the rest. */
#define NQ 80
static char *make_wide_csv(size_t rows, size_t nd)
{
    size_t cap = rows * (NQ * 2 + nd * 3 + 32) + 1024, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "region,panel,wt");
    for (size_t q = 0; q < NQ; q++)
        len += (size_t)snprintf(s + len, cap - len, ",q%zu", q);
    for (size_t d = 0; d < nd; d++)
        len += (size_t)snprintf(s + len, cap - len, ",d%zu", d);
    len += (size_t)snprintf(s + len, cap - len, "\n");
    rng = 20261204;
    for (size_t i = 0; i < rows; i++) {
        double w = 0.5 + (double)(next() % 10000) / 5000.0; /* (last column first, as above) */
        unsigned panel = (unsigned)(next() % 5);
        unsigned region = (unsigned)(next() % 4);
        len += (size_t)snprintf(s + len, cap - len, "R%u,P%u,%.4f", region, panel, w);
        for (size_t q = 0; q < NQ; q++)
            len += (size_t)snprintf(s + len, cap - len, ",%u", (unsigned)(next() % 3) + 1);
        for (size_t d = 0; d < nd; d++)
            len += (size_t)snprintf(s + len, cap - len, ",%u", (unsigned)(next() % 10) + 1);
        len += (size_t)snprintf(s + len, cap - len, "\n");
    }
    return s;
}

static shopstat_plan *plan_wide(int sparse)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    design(p, 0);
    char a[32], b[32];
    for (size_t q = 0; q < NQ; q++) {
        snprintf(a, sizeof a, "q%zu", q);
        assert_int_equal(shopstat_plan_add_single(p, a, a, &err), SHOPSTAT_OK);
    }
    /* (a score of q1: the mean of its answers 1-3) */
    assert_int_equal(shopstat_plan_add_score(p, "q1", "mean", NULL, &err), SHOPSTAT_OK);
    for (size_t k = 0; k < NQ; k++) {
        snprintf(a, sizeof a, "s%zu=d%zu:%zu", k, k / 10, k % 10 + 1);
        assert_int_equal(shopstat_plan_parse_segment(p, a, &err), SHOPSTAT_OK);
    }
    for (size_t i = 0; i < NQ; i++) {
        snprintf(a, sizeof a, "q%zu", i);
        if (i % 2) {
            snprintf(b, sizeof b, "s%zu", i);
            assert_int_equal(shopstat_plan_add_pair(p, b, "rest", &err), SHOPSTAT_OK);
            assert_int_equal(shopstat_plan_pair_question(p, a, &err), SHOPSTAT_OK);
        }
        const size_t seg[3] = {i, (i + 1) % NQ, (i + 7) % NQ};
        for (size_t k = 0; sparse && k <= i % 3; k++) {
            snprintf(b, sizeof b, "s%zu", seg[k]);
            assert_int_equal(shopstat_plan_need(p, a, b, &err), SHOPSTAT_OK);
        }
    }
    return p;
}

/* The heap a sparse report's pass, estimates and differences hold at their peak grows with
 * the pairs its tables need, not with its questions times its segments: 80 x 80 here. The
 * pass: its peak less that of one question needed in one segment (the reader's buffers, the
 * value caches and the per-PSU slabs are the same for both) under 1 MiB; it held 80 kB for
 * each question on each thread (12.8 MB on one thread, the pass's and its worker's totals).
 * The estimates and differences: under 384 KiB where a dense list of 80 x 3 x 81 = 19,440
 * estimates and what computes them held 4.9 MB. The estimates listed are 'all' with every
 * question and each table's question in its segments (a pair's sides s_i and 'all' are
 * among them), 3 levels each, and equal the dense run's. */
static void test_sparse_memory(void **state)
{
    (void)state;
    char *csv = make_wide_csv(1500, NQ / 10);
    char *path = write_tmp(csv);
    free(csv);
    shopstat_plan *ps = plan_wide(1), *pd = plan_wide(0), *p1 = shopstat_plan_new();
    shopstat_error err;
    design(p1, 0);
    assert_int_equal(shopstat_plan_add_single(p1, "q0", "q0", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p1, "s0=d0:1", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_need(p1, "q0", "s0", &err), SHOPSTAT_OK);
    for (int threads = 1; threads <= 2; threads++) {
        long long base = heap_mark();
        shopstat_totals *t1 = run(path, p1, threads, 0);
        long long one = atomic_load(&heap_peak) - base;
        shopstat_totals_free(t1);
        base = heap_mark();
        shopstat_totals *t = run(path, ps, threads, 0);
        long long pass = atomic_load(&heap_peak) - base;
        if (pass - one > 4 * 1024 * 1024)
            fail_msg("%d thread(s): the pass's heap peaked at %lld bytes, %lld over one "
                     "question in one segment (cap 4 MiB)",
                     threads, pass, pass - one);
        shopstat_estimate *e = NULL;
        shopstat_difference *d = NULL;
        size_t ne = 0, nd = 0;
        base = heap_mark();
        assert_int_equal(shopstat_tab_estimates(t, NULL, &e, &ne, &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_compare(t, NULL, &d, &nd, &err), SHOPSTAT_OK);
        long long after = atomic_load(&heap_peak) - base;
        if (after > 384 * 1024)
            fail_msg("%d thread(s): the estimates and differences peaked at %lld bytes (cap "
                     "384 KiB)",
                     threads, after);
        /* 'all' with the 80 questions, and the tables' 159 columns: 27 tables (i % 3 == 0)
         * of one segment, 27 of two, 26 of three */
        assert_int_equal(ne, (80 + 27 + 27 * 2 + 26 * 3) * 3);
        assert_int_equal(nd, 40 * 3);
        /* q1's score: in 'all', s1 and s2 (table 1's columns), not in the 78 others */
        shopstat_score_estimate *se = NULL;
        size_t nse = 0;
        assert_int_equal(shopstat_score_estimates(t, NULL, &se, &nse, &err), SHOPSTAT_OK);
        assert_int_equal(nse, 3);
        assert_string_equal(se[0].segment, "all");
        assert_string_equal(se[1].segment, "s1");
        assert_string_equal(se[2].segment, "s2");
        if (threads == 1) {
            shopstat_totals *td = run(path, pd, 1, 0);
            shopstat_estimate *ed = NULL;
            size_t ned = 0;
            assert_int_equal(shopstat_tab_estimates(td, NULL, &ed, &ned, &err), SHOPSTAT_OK);
            assert_int_equal(ned, 80 * 3 * 81);
            for (size_t k = 0; k < ne; k++) {
                const shopstat_estimate *x =
                    shopstat_tab_estimate_find(ed, ned, e[k].q, e[k].l, e[k].s);
                assert_non_null(x);
                assert_string_equal(x->segment, e[k].segment);
                assert_same_estimate(&e[k], x);
            }
            shopstat_score_estimate *sed = NULL;
            size_t nsed = 0;
            assert_int_equal(shopstat_score_estimates(td, NULL, &sed, &nsed, &err), SHOPSTAT_OK);
            assert_int_equal(nsed, 81);
            for (size_t k = 0; k < nse; k++) {
                const shopstat_score_estimate *x = &sed[se[k].s];
                assert_string_equal(x->segment, se[k].segment);
                assert_int_equal(x->base_n, se[k].base_n);
                assert_close(x->estimate, se[k].estimate, 1e-12);
                assert_close(x->se, se[k].se, 1e-12);
                assert_close(x->ci_lower, se[k].ci_lower, 1e-12);
                assert_close(x->ci_upper, se[k].ci_upper, 1e-12);
            }
            free(sed);
            /* (and not listed, the others: s0 holds no q5) */
            size_t s0 = 0;
            assert_int_equal(shopstat_totals_find_segment(t, "s0", &s0, &err), SHOPSTAT_OK);
            assert_non_null(shopstat_tab_estimate_find(ed, ned, 5, 0, s0));
            assert_null(shopstat_tab_estimate_find(e, ne, 5, 0, s0));
            free(ed);
            shopstat_totals_free(td);
        }
        printf("threads %d: pass %lld (one question %lld), estimates and differences %lld\n",
               threads, pass, one, after);
        free(e);
        free(d);
        free(se);
        shopstat_totals_free(t);
    }
    shopstat_plan_free(ps);
    shopstat_plan_free(pd);
    shopstat_plan_free(p1);
    remove_tmp(path);
}

/* The spec of bench/sparse.sh over make_wide_csv's data in dir (its first nt tables; nq
 * questions, ns segments), written to dir/spec.yml; its path. */
static char *write_wide_spec(const char *dir, size_t nq, size_t ns, size_t nt)
{
    size_t cap = 256 + nq * 40 + ns * 48 + nt * 120, len = 0;
    char *y = malloc(cap);
    assert_non_null(y);
    len += (size_t)snprintf(y + len, cap - len,
                            "survey: sparse\ndata: data.csv\ndesign: {weight: wt, strata: "
                            "region, psu: panel}\nquestions:\n");
    for (size_t q = 0; q < nq; q++)
        len += (size_t)snprintf(y + len, cap - len, "  q%zu: {column: q%zu, score: mean}\n", q, q);
    len += (size_t)snprintf(y + len, cap - len, "segments:\n");
    for (size_t k = 0; k < ns; k++)
        len += (size_t)snprintf(y + len, cap - len, "  s%zu: {where: \"d%zu == %zu\"}\n", k,
                                k / 10, k % 10 + 1);
    len += (size_t)snprintf(y + len, cap - len, "tables:\n");
    for (size_t i = 0; i < nt; i++) {
        len += (size_t)snprintf(y + len, cap - len,
                                "  - {name: t%zu, question: q%zu, segments: [s%zu", i, i % nq,
                                i % ns);
        if (i % 3 >= 1)
            len += (size_t)snprintf(y + len, cap - len, ", s%zu", (i + 1) % ns);
        if (i % 3 >= 2)
            len += (size_t)snprintf(y + len, cap - len, ", s%zu", (i + 7) % ns);
        len += (size_t)snprintf(y + len, cap - len, "]");
        if (i % 2)
            len += (size_t)snprintf(y + len, cap - len, ", compare: [\"s%zu:rest\"]", i % ns);
        len += (size_t)snprintf(y + len, cap - len, ", chart: none}\n");
    }
    char *path = malloc(strlen(dir) + 16);
    assert_non_null(path);
    sprintf(path, "%s/spec.yml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(y, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(y);
    return path;
}

/* The heap's peak of the report of spec (no charts, on threads threads), less that held
 * before it. */
static long long report_peak(const char *spec_path, const char *outdir, int threads)
{
    shopstat_error err;
    shopstat_spec *spec = NULL;
    assert_int_equal(shopstat_spec_parse(spec_path, &spec, &err), SHOPSTAT_OK);
    shopstat_report_opts o;
    shopstat_report_opts_init(&o);
    o.outdir = outdir;
    o.charts = 0;
    o.threads = threads;
    long long base = heap_mark();
    shopstat_status st = shopstat_report_run(spec, &o, &err);
    long long peak = atomic_load(&heap_peak) - base;
    if (st)
        fail_msg("report: %s", err.msg);
    shopstat_spec_free(spec);
    return peak;
}

/* A report's heap, every phase of it (the pass, the estimates, the tables, the writers),
 * grows with the cells its tables need. Over 600 rows of make_wide_csv, 80 questions with
 * a score (mean) each, tables in bench/sparse.sh's form. 80 segments and 80 tables: under
 * 3 MiB above the same spec with one table (one question in one segment), where it held
 * 80 x 81 x 3 estimates and 80 x 81 scores (with what computes them) and, in the pass,
 * 80 kB for each question on each thread (12.8 MB). 1,000 segments and 1,000 tables: under
 * 12 MiB above its one table (8.5 MiB), where each table's columns were sized by every
 * segment (1,000 x 4 x 1,001 pointers, 32 MB), each table's score differences and
 * shopstat_compare_scores' array by every score x pair (80 x 500 differences: 7 MB the
 * latter); 134 MB in all before. (test_sparse_memory compares the numbers.) */
static void test_sparse_report(void **state)
{
    (void)state;
    char dir[] = "/tmp/shopstat-sparse-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char data[64], out[64];
    snprintf(data, sizeof data, "%s/data.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char *csv = make_wide_csv(600, 100);
    FILE *f = fopen(data, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(csv, 1, strlen(csv), f), strlen(csv));
    assert_int_equal(fclose(f), 0);
    free(csv);
    const size_t ns[2] = {80, 1000};
    const long long cap[2] = {3 * 1024 * 1024, 12 * 1024 * 1024};
    char failed[300] = "";
    for (size_t c = 0; c < 2 && !failed[0]; c++)
        for (int threads = 1; threads <= 2; threads++) {
            char *one = write_wide_spec(dir, NQ, ns[c], 1);
            long long p1 = report_peak(one, out, threads);
            free(one);
            char *wide = write_wide_spec(dir, NQ, ns[c], ns[c]);
            long long pw = report_peak(wide, out, threads);
            free(wide);
            printf("report, %zu segments, threads %d: one table %lld, %zu tables %lld\n", ns[c],
                   threads, p1, ns[c], pw);
            if (pw - p1 > cap[c] && !failed[0])
                snprintf(failed, sizeof failed,
                         "%d thread(s): the report of %zu tables peaked at %lld bytes, %lld over "
                         "that of one table (cap %lld MiB)",
                         threads, ns[c], pw, pw - p1, cap[c] >> 20);
        }
    remove(data);
    char path[128];
    const char *files[] = {"tables.csv", "comparisons.csv", "scores.csv", "report.md",
                           "run.json",   "tables.xlsx"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", out, files[i]);
        remove(path);
    }
    rmdir(out);
    snprintf(path, sizeof path, "%s/spec.yml", dir);
    remove(path);
    assert_int_equal(rmdir(dir), 0);
    if (failed[0])
        fail_msg("%s", failed);
}

/* A need naming no segment is the pass's usage error; an unknown question, the plan's. */
static void test_need_errors(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    shopstat_error err;
    assert_int_equal(shopstat_plan_add_single(p, "q1", "q1", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_need(p, "qx", "all", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "unknown question 'qx'");
    assert_int_equal(shopstat_plan_pair_question(p, "q1", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "a pair's question needs a pair declared first");
    assert_int_equal(shopstat_plan_parse_segment(p, "h1=a:1", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_pair(p, "h1", "rest", &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_pair_question(p, "q2", &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "pair h1:rest: unknown question 'q2'");
    assert_int_equal(shopstat_plan_need(p, "q1", "h9", &err), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    assert_int_equal(totals_of_csv("a,q1\n1,1\n2,2\n", p, &t, &err), SHOPSTAT_EUSAGE);
    assert_null(t);
    assert_string_equal(err.msg,
                        "question 'q1' is needed in 'h9', which is neither a segment nor a by set");
    shopstat_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparse_cluster),
        cmocka_unit_test(test_sparse_element),
        cmocka_unit_test(test_sparse_memory),
        cmocka_unit_test(test_sparse_report),
        cmocka_unit_test(test_need_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
