/* libFuzzer target: the CSV loader (dialect, encoding, positions) and the pass over its rows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h" /* pass_exact: the one-thread pass the chunked one must agree with */
#include "shopstat/reader.h"
#include "shopstat/tab.h"

/* The loader reads a path, so every input is written to one temporary file per process. */
#define FUZZ_TMP "reader"
#include "fuzz_common.h"

static const char delims[] = {0, ',', ';', '\t', '|', ' ', '"', 'x'};
static const char *const encodings[] = {NULL, "utf-8", "latin1", "windows-1252", "UTF-16LE",
                                        "no-such-encoding", "SHIFT_JIS", NULL};
static const size_t blocks[] = {0, 1, 2, 3, 7, 64, 4096, 0};
static const char *const missing[] = {"98", " 99 ", "", NULL};

/* Plain read: every row has the header's width and NUL-terminated fields. */
static shopstat_status check_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)err;
    size_t nc = *(const size_t *)ctx;
    if (row->nfields != nc)
        abort();
    for (size_t i = 0; i < row->nfields; i++)
        if (row->fields[i][row->lens[i]] != '\0' || row->pos[i].line == 0)
            abort();
    return SHOPSTAT_OK;
}

static int close_enough(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* The chunked pass (tiny chunks, 1-3 threads) against the exact one-thread pass over a
 * second reader of the same file: the same error at the same place, or the same rows,
 * units and estimates (sums grouped by chunk: ratios to 1e-9; counts exactly). */
static void differential(const shopstat_plan *p, shopstat_reader *r,
                         const shopstat_csv_opts *co, uint8_t bits)
{
    shopstat_error e1, e2;
    shopstat_error_clear(&e1);
    shopstat_error_clear(&e2);
    shopstat_reader *r2 = NULL;
    if (shopstat_reader_open(path, co, &r2, &e2) != SHOPSTAT_OK)
        abort(); /* it opened once */
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = 1 + bits % 3;
    po.chunk_bytes = (size_t)16 << ((bits >> 2) & 7);
    shopstat_totals *t1 = NULL, *t2 = NULL;
    shopstat_status s1 = shopstat_totals_compute_opts(p, r, &po, &t1, &e1);
    shopstat_status s2 = pass_exact(p, r2, NULL, &t2, &e2);
    if (s1 != s2)
        abort();
    if (s1 != SHOPSTAT_OK) {
        if (e1.line != e2.line || e1.col != e2.col || strcmp(e1.msg, e2.msg) != 0)
            abort();
        goto done;
    }
    shopstat_accounting a1 = shopstat_totals_accounting(t1), a2 = shopstat_totals_accounting(t2);
    if (memcmp(&a1, &a2, sizeof a1) != 0 ||
        shopstat_totals_nstrata(t1) != shopstat_totals_nstrata(t2) ||
        shopstat_totals_npsu(t1) != shopstat_totals_npsu(t2))
        abort();
    shopstat_tab_opts to;
    shopstat_tab_opts_init(&to);
    shopstat_estimate *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    s1 = shopstat_tab_estimates(t1, &to, &x, &nx, &e1);
    s2 = shopstat_tab_estimates(t2, &to, &y, &ny, &e2);
    if (s1 != s2 || (s1 == SHOPSTAT_OK && nx != ny))
        abort();
    for (size_t i = 0; s1 == SHOPSTAT_OK && i < nx; i++)
        if (strcmp(x[i].variable, y[i].variable) || strcmp(x[i].level, y[i].level) ||
            strcmp(x[i].segment, y[i].segment) || x[i].base_n != y[i].base_n ||
            x[i].count != y[i].count || !close_enough(x[i].base_weight, y[i].base_weight) ||
            !close_enough(x[i].proportion, y[i].proportion) || x[i].df != y[i].df)
            abort();
    free(x);
    free(y);
done:
    shopstat_totals_free(t1);
    shopstat_totals_free(t2);
    shopstat_reader_free(r2);
}

/* Build a small plan over the file's own columns, chosen by opt bits, and run the pass
 * and the estimates so that pass.c and variance.c see whatever rows the loader yields;
 * with diff set, the chunked pass is checked against the exact one instead. */
static void run_pass(shopstat_reader *r, uint8_t o, const shopstat_csv_opts *co, int diff,
                     uint8_t bits)
{
    size_t nc = shopstat_reader_ncols(r);
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_plan *p = shopstat_plan_new();
    if (!p)
        return;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    const char *c0 = shopstat_reader_colname(r, 0);
    const char *c1 = nc > 1 ? shopstat_reader_colname(r, 1) : c0;
    const char *c2 = nc > 2 ? shopstat_reader_colname(r, 2) : c1;
    const char *c3 = nc > 3 ? shopstat_reader_colname(r, 3) : c2;
    if (o & 1)
        d.weight = c1;
    if (o & 2)
        d.psu = c2;
    if (o & 4)
        d.strata = c3;
    d.lonely = (shopstat_lonely_psu)((o >> 3) % 5);
    if (shopstat_plan_set_design(p, &d, &err))
        goto done;
    if (shopstat_plan_add_single(p, "q0", c0, &err))
        goto done;
    if ((o & 0x40) && shopstat_plan_add_codes(p, "q1", c3, &err))
        goto done;
    if (o & 0x80) {
        const char *cols[2] = {c1, c2};
        if (shopstat_plan_add_multi(p, "q2", cols, 2, &err))
            goto done;
        if (shopstat_plan_add_by(p, c2, &err))
            goto done;
    }
    const char *vals[] = {"1", "2", NULL};
    shopstat_cond cond = {c1, SHOPSTAT_OP_IN, vals};
    if (shopstat_plan_add_segment(p, "seg", &cond, 1, &err))
        goto done;
    if (shopstat_plan_add_pair(p, "seg", "rest", &err))
        goto done;
    if (diff) {
        differential(p, r, co, bits);
        goto done;
    }
    shopstat_totals *t = NULL;
    if (shopstat_totals_compute(p, r, &t, &err) == SHOPSTAT_OK) {
        shopstat_accounting a = shopstat_totals_accounting(t);
        if (a.read != a.used + a.excluded_skipped + a.excluded_empty)
            abort();
        shopstat_tab_opts to;
        shopstat_tab_opts_init(&to);
        shopstat_estimate *e = NULL;
        size_t n = 0;
        if (shopstat_tab_estimates(t, &to, &e, &n, &err) == SHOPSTAT_OK)
            free(e);
    }
    shopstat_totals_free(t);
done:
    shopstat_plan_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.delimiter = delims[data[0] & 7];
    o.encoding = encodings[(data[0] >> 3) & 7];
    o.decimal_comma = (int)((data[0] >> 6) % 3) - 1;
    o.skip_rows = data[1] & 3;
    o.block_size = blocks[(data[1] >> 2) & 7];
    if (data[1] & 0x20)
        o.missing = missing;
    o.header_rows = 1 + ((data[1] >> 6) & 1); /* (SurveyMonkey's two header rows) */
    uint8_t plan_bits = data[2];
    int run = data[3] & 1;
    uint8_t data_bits = data[3] >> 1; /* differential check, threads, chunk size */
    data += 4;
    size -= 4;

    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);

    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    if (shopstat_reader_open(path, &o, &r, &err) != SHOPSTAT_OK) {
        if (r || err.status == SHOPSTAT_OK || !err.msg[0])
            abort(); /* a failure must leave no reader and say why */
        return 0;
    }
    /* The header's names and positions must be readable. */
    size_t nc = shopstat_reader_ncols(r);
    for (size_t i = 0; i < nc; i++) {
        const char *name = shopstat_reader_colname(r, i);
        if (!name)
            abort();
        (void)strlen(name);
        (void)shopstat_reader_colpos(r, i);
        const char *label = shopstat_reader_collabel(r, i);
        if (label && (o.header_rows != 2 || strlen(label) >= strlen(name)))
            abort(); /* a label ends a name "Question / Option", and only with two rows */
    }
    if (run && nc > 0) {
        run_pass(r, plan_bits, &o, (data_bits & 1) != 0, (uint8_t)(data_bits >> 1));
    } else {
        size_t before = shopstat_reader_rows_read(r);
        if (shopstat_reader_run(r, check_row, &nc, &err) == SHOPSTAT_OK &&
            shopstat_reader_rows_read(r) < before)
            abort();
    }
    shopstat_reader_free(r);
    if (pass_live_acc_bytes() != 0)
        abort(); /* every totals is freed: their per-PSU sums must no longer count */
    return 0;
}
