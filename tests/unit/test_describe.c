/* Unit tests for describe: column types, levels, caps, weight summaries, strata/PSUs and design errors. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopstat/describe.h"

static char path[64];
static shopstat_reader *live; /* the description borrows names from its reader */

static void release(shopstat_description *ds)
{
    shopstat_description_free(ds);
    shopstat_reader_free(live);
    live = NULL;
}

static void write_text(const char *text)
{
    snprintf(path, sizeof path, "/tmp/shopstat_test_describe_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The file at path described in one pass (th 0) or on th threads in chunks of chunk
 * bytes; *r is the reader to free after the description. */
static shopstat_description *describe_chunked(int th, size_t chunk, shopstat_reader **r)
{
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, NULL, r, &err), SHOPSTAT_OK);
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = th ? th : 1;
    o.chunk_bytes = th ? chunk : (size_t)1 << 30;
    shopstat_description *ds = NULL;
    assert_int_equal(shopstat_describe_opts(*r, NULL, &o, &ds, &err), SHOPSTAT_OK);
    return ds;
}

/* Describe path; returns the status and leaves the error line (path replaced by F). */
static shopstat_status describe(const shopstat_csv_opts *o, const shopstat_design_opts *d,
                                shopstat_description **ds, char *errline, size_t n)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    *ds = NULL;
    shopstat_status s = shopstat_reader_open(path, o, &r, &err);
    if (s == SHOPSTAT_OK)
        s = shopstat_describe(r, d, ds, &err);
    errline[0] = '\0';
    if (s != SHOPSTAT_OK) {
        char buf[2200];
        shopstat_error_format(&err, buf, sizeof buf);
        size_t pl = strlen(path);
        snprintf(errline, n, "%s%s", strncmp(buf, path, pl) == 0 ? "F" : "",
                 strncmp(buf, path, pl) == 0 ? buf + pl : buf);
    }
    if (s != SHOPSTAT_OK)
        shopstat_reader_free(r);
    else
        live = r;
    return s;
}

static void test_small_design(void **state)
{
    (void)state;
    write_text("id,region,psu,w,q,text\n"
               "1,A,1,1,1,x\n"
               "2,A,1,2,2,y\n"
               "3,A,2,3,NA,z\n"
               "4,B,3,4,1,\n"
               "5,B,3,0,99,w\n");
    const char *codes[] = {"99", NULL};
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.missing = codes;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "region";
    d.psu = "psu";
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(&o, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    assert_int_equal(shopstat_description_ncols(ds), 6);

    const shopstat_colsummary *id = shopstat_description_column(ds, 0);
    assert_string_equal(id->name, "id");
    assert_int_equal(id->type, SHOPSTAT_COL_CATEGORICAL);
    assert_true(id->all_numeric);
    assert_close(id->min, 1, 0);
    assert_close(id->max, 5, 0);
    assert_close(id->mean, 3, 1e-15);

    const shopstat_colsummary *q = shopstat_description_column(ds, 4);
    assert_int_equal(q->present, 3);
    assert_int_equal(q->missing, 2); /* NA and the code 99 */
    assert_int_equal(q->distinct, 2);
    assert_int_equal(q->nlevels, 2);
    assert_string_equal(q->levels[0].value, "1");
    assert_int_equal(q->levels[0].count, 2);
    assert_string_equal(q->levels[1].value, "2");
    assert_int_equal(q->levels[1].count, 1);
    assert_close(q->mean, 4.0 / 3.0, 1e-15);

    const shopstat_colsummary *t = shopstat_description_column(ds, 5);
    assert_int_equal(t->type, SHOPSTAT_COL_CATEGORICAL);
    assert_false(t->all_numeric);
    assert_int_equal(t->missing, 1);
    assert_int_equal(t->nlevels, 4);
    assert_string_equal(t->levels[0].value, "w"); /* byte order */
    assert_string_equal(t->levels[3].value, "z");
    assert_true(isnan(t->mean));

    const shopstat_design_summary *g = shopstat_description_design(ds);
    assert_true(g->has_weight && g->has_strata && g->has_psu && !g->has_fpc);
    assert_int_equal(g->rows, 5);
    assert_close(g->wsum, 10, 1e-15);
    assert_close(g->wsum2, 30, 1e-15);
    assert_close(g->wmin, 0, 0);
    assert_close(g->wmax, 4, 0);
    assert_close(g->wmedian, 2, 0);
    assert_false(g->median_approx);
    assert_int_equal(g->zero_weights, 1);
    assert_close(g->n_eff, 100.0 / 30.0, 1e-14);       /* Kish: (sum w)^2 / sum w^2 */
    assert_close(g->efficiency, 100.0 / 30.0 / 5, 1e-14);
    assert_int_equal(g->nstrata, 2);
    assert_string_equal(g->strata[0].name, "A");
    assert_int_equal(g->strata[0].rows, 3);
    assert_int_equal(g->strata[0].npsu, 2);
    assert_string_equal(g->strata[1].name, "B");
    assert_int_equal(g->strata[1].npsu, 1);
    assert_int_equal(g->single_psu_strata, 1);
    assert_int_equal(g->npsu, 3);
    assert_int_equal(shopstat_description_rows_read(ds), 5);
    assert_int_equal(shopstat_description_rows_used(ds), 5);
    release(ds);
    unlink(path);
}

/* Even number of weights: the median is the mean of the two middle ones (as R). PSU ids
 * repeat across strata but are nested in them; numeric strata sort numerically. */
static void test_median_nesting_and_sorting(void **state)
{
    (void)state;
    write_text("s,p,w\n10,1,4\n9,1,1\n10,2,3\n9,1,2\n");
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(NULL, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    const shopstat_design_summary *g = shopstat_description_design(ds);
    assert_close(g->wmedian, 2.5, 0);
    assert_string_equal(g->strata[0].name, "9");
    assert_int_equal(g->strata[0].npsu, 1);
    assert_string_equal(g->strata[1].name, "10");
    assert_int_equal(g->strata[1].npsu, 2);
    assert_int_equal(g->npsu, 3);
    release(ds);

    /* Without --psu every row is its own PSU; without --weight every weight is 1. */
    shopstat_design_opts_init(&d);
    d.strata = "s";
    assert_int_equal(describe(NULL, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    g = shopstat_description_design(ds);
    assert_int_equal(g->strata[0].npsu, 2);
    assert_close(g->n_eff, 4, 1e-15);
    assert_close(g->efficiency, 1, 1e-15);
    release(ds);
    unlink(path);
}

static void test_types_and_caps(void **state)
{
    (void)state;
    /* num: 25 distinct numbers; txt: 25 distinct labels; cat: 30 labels seen twice each;
     * big: 10,001 distinct numbers (past the distinct cap). */
    size_t rows = 10001;
    char *text = malloc(rows * 64 + 64);
    assert_non_null(text);
    size_t n = (size_t)sprintf(text, "num,txt,cat,big\n");
    double bigsum = 0;
    for (size_t i = 0; i < rows; i++) {
        n += (size_t)sprintf(text + n, "%zu,%s%zu,c%zu,%zu\n", i % 25, i < 25 ? "t" : "", i % 25,
                             i < 60 ? i % 30 : 0, i * 3);
        bigsum += (double)(i * 3);
    }
    write_text(text);
    free(text);
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(NULL, NULL, &ds, e, sizeof e), SHOPSTAT_OK);
    const shopstat_colsummary *c = shopstat_description_column(ds, 0);
    assert_int_equal(c->type, SHOPSTAT_COL_NUMERIC);
    assert_int_equal(c->distinct, 25);
    assert_int_equal(c->nlevels, 0);
    c = shopstat_description_column(ds, 1); /* t0..t24 once, then 0..24 repeated: labels */
    assert_int_equal(c->type, SHOPSTAT_COL_CATEGORICAL);
    c = shopstat_description_column(ds, 2);
    assert_int_equal(c->type, SHOPSTAT_COL_CATEGORICAL);
    assert_int_equal(c->distinct, 30);
    assert_int_equal(c->nlevels, 0);
    c = shopstat_description_column(ds, 3);
    assert_int_equal(c->type, SHOPSTAT_COL_NUMERIC);
    assert_true(c->distinct_capped);
    assert_int_equal(c->distinct, SHOPSTAT_DESCRIBE_MAX_DISTINCT);
    assert_close(c->min, 0, 0);
    assert_close(c->max, 30000, 0);
    assert_close(c->mean, bigsum / (double)rows, 1e-15);
    release(ds);

    write_text("t\nalpha\nbeta\ngamma\nd1\nd2\nd3\nd4\nd5\nd6\nd7\nd8\nd9\nd10\nd11\nd12\nd13\n"
               "d14\nd15\nd16\nd17\nd18\nd19\n");
    assert_int_equal(describe(NULL, NULL, &ds, e, sizeof e), SHOPSTAT_OK);
    assert_int_equal(shopstat_description_column(ds, 0)->type, SHOPSTAT_COL_TEXT);
    release(ds);
    write_text("t,u\n,1\nNA,2\n");
    assert_int_equal(describe(NULL, NULL, &ds, e, sizeof e), SHOPSTAT_OK);
    assert_int_equal(shopstat_description_column(ds, 0)->type, SHOPSTAT_COL_EMPTY);
    release(ds);
    unlink(path);
}

/* Past 100,000 distinct weights the median comes from 2^-12-wide bins. */
static void test_binned_median(void **state)
{
    (void)state;
    size_t rows = 150001;
    char *text = malloc(rows * 24 + 16);
    assert_non_null(text);
    size_t n = (size_t)sprintf(text, "w\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(text + n, "%.5f\n", 1 + (double)((i * 7919) % rows) * 1e-5);
    write_text(text);
    free(text);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(NULL, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    const shopstat_design_summary *g = shopstat_description_design(ds);
    assert_true(g->median_approx);
    assert_close(g->wmedian, 1.75, 1.0 / 4096);
    assert_close(g->wmin, 1, 0);
    assert_close(g->wmax, 2.5, 1e-15);
    assert_close(g->wsum, 1.75 * (double)rows, 1e-12);
    release(ds);
    unlink(path);
}

static void test_skip_rows_accounting(void **state)
{
    (void)state;
    write_text("a,b\nlabel a,label b\n\"{\"\"ImportId\"\":\"\"QID1\"\"}\",x\n1,2\n3,4\n");
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.skip_rows = 2;
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(&o, NULL, &ds, e, sizeof e), SHOPSTAT_OK);
    assert_int_equal(shopstat_description_rows_read(ds), 4);
    assert_int_equal(shopstat_description_rows_skipped(ds), 2);
    assert_int_equal(shopstat_description_rows_used(ds), 2);
    assert_int_equal(shopstat_description_column(ds, 0)->present, 2);
    release(ds);
    unlink(path);
}

/* "line ends" as the exact reader tells them (the rows' line ends: those inside a quoted
 * field are the cell's text), when the file is described in chunks on 1-3 threads: a CRLF
 * split by the 256 KiB read block, the header's CRLF whose LF starts the data, one LF among
 * CRLFs, a CRLF in a quoted field of an LF file and an LF in one of a CRLF file (Excel's
 * line break within a cell), all after a skipped row or not. */
static void on_chunk(void *ctx, size_t bytes, size_t rows)
{
    (void)bytes;
    (void)rows;
    ++*(size_t *)ctx;
}

static void expect_line_ends(const char *text, size_t skip, const char *want)
{
    write_text(text);
    for (int th = 1; th <= 3; th++)
        for (int big = 0; big <= 1; big++) {
            shopstat_csv_opts co;
            shopstat_csv_opts_init(&co);
            co.skip_rows = skip;
            shopstat_reader *r = NULL;
            shopstat_error err;
            assert_int_equal(shopstat_reader_open(path, &co, &r, &err), SHOPSTAT_OK);
            size_t chunks = 0;
            shopstat_pass_opts o;
            shopstat_pass_opts_init(&o);
            o.threads = th;
            o.chunk_bytes = big ? (size_t)1 << 30 : 4096;
            o.progress = on_chunk;
            o.progress_ctx = &chunks;
            shopstat_description *ds = NULL;
            assert_int_equal(shopstat_describe_opts(r, NULL, &o, &ds, &err), SHOPSTAT_OK);
            assert_true(chunks >= 1); /* the chunked pass, not the exact one */
            assert_string_equal(shopstat_reader_dialect(r)->line_ending, want);
            shopstat_description_free(ds);
            shopstat_reader_free(r);
        }
    unlink(path);
}

static void test_line_ends_in_chunks(void **state)
{
    (void)state;
    /* rows of 65 bytes after a 5-byte header: the CR of row 4033 is the last byte of the
     * first 256 KiB block of data, its LF the first of the next */
    size_t rows = 5000, len = 5 + rows * 65;
    char *t = malloc(len + 64);
    assert_non_null(t);
    memcpy(t, "a,b\r\n", 5);
    for (size_t i = 0; i < rows; i++)
        snprintf(t + 5 + i * 65, 66, "%zu,%-*s\r\n", i % 10, 61, "x");
    assert_int_equal(strlen(t), len);
    assert_int_equal(t[5 + 262143], '\r');
    expect_line_ends(t, 0, "CRLF");
    expect_line_ends(t, 3, "CRLF");
    memcpy(t + 5 + 3000 * 65 + 2, "\"y\nz\"", 6); /* a cell of two lines */
    expect_line_ends(t, 0, "CRLF");
    expect_line_ends(t, 1, "CRLF");
    t[5 + 100 * 65 - 2] = ' '; /* one row ends with an LF alone */
    expect_line_ends(t, 0, "mixed");
    expect_line_ends(t, 3, "mixed");
    for (size_t i = 0; i < rows; i++) /* LF only, then one quoted CRLF */
        snprintf(t + 4 + i * 64, 65, "%zu,%-*s\n", i % 10, 61, "x");
    memcpy(t, "a,b\n", 4);
    expect_line_ends(t, 0, "LF");
    memcpy(t + 4 + 3000 * 64 + 2, "\"y\r\nz\"", 7);
    expect_line_ends(t, 0, "LF");
    expect_line_ends(t, 1, "LF");
    memcpy(t + 4 + 3001 * 64 + 2, "\"y\rz\"", 6); /* and a CR alone, quoted too */
    expect_line_ends(t, 0, "LF");
    free(t);
}

static void expect_error(const char *data, const char *weight, const char *strata,
                         const char *psu, const char *fpc, size_t skip, const char *want)
{
    write_text(data);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.skip_rows = skip;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = weight;
    d.strata = strata;
    d.psu = psu;
    d.fpc = fpc;
    shopstat_description *ds;
    char e[2400];
    assert_int_not_equal(describe(&o, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    assert_null(ds);
    assert_string_equal(e, want);
    unlink(path);
}

static void test_design_errors(void **state)
{
    (void)state;
    /* The library names the design field (shopstat_design_opts.weight, ...), not a flag: a
     * program calling it has none. The CLI adds the "--" (tests/cli/cases/err_*). */
    expect_error("id,w\n1,1\n2,-0.5\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w': weight '-0.5' is negative");
    expect_error("id,w\n1,1\n2,NaN\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w': weight 'NaN' is not finite");
    expect_error("id,w\n1,1\n2,Inf\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w': weight 'Inf' is not finite");
    expect_error("id,w\n1,1\n2,1e999\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w': weight '1e999' is not finite");
    expect_error("id,w\n1,1\n2,heavy\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w': weight 'heavy' is not a number");
    expect_error("id,w\n1,1\n2,\n", "w", NULL, NULL, NULL, 0,
                 "F:3:3: error: weight column 'w' is missing ('') in this row; to leave such "
                 "rows out: shopstat_plan_parse_exclude(\"w:NA\") (a spec's exclude: \"w == NA\")");
    expect_error("id,wt\n1,1\n", "weight", NULL, NULL, NULL, 0,
                 "F: error: weight column 'weight' not found (did you mean 'wt'?); "
                 "columns are: id, wt");
    expect_error(
        "id,s\n1,A\n2,NA\n", NULL, "s", NULL, NULL, 0,
        "F:3:3: error: strata column 's' is missing ('NA') in this row; to leave "
        "such rows out: shopstat_plan_parse_exclude(\"s:NA\") (a spec's exclude: \"s == NA\")");
    expect_error("id,s,f\n1,A,100\n2,A,120\n", NULL, "s", NULL, "f", 0,
                 "F:3:5: error: fpc column 'f': '120' differs from 100 given earlier for the "
                 "same stratum");
    expect_error("id,s,f\n1,A,2\n2,A,2\n3,A,2\n", NULL, "s", NULL, "f", 0,
                 "F: error: fpc column 'f': population size 2 is smaller than the 3 PSUs "
                 "sampled in stratum 'A'");
    /* counts in one stratum make every value a count (R's rule, and tab's): 1 is a
     * population of 1, below the 2 rows sampled, not a fraction */
    expect_error("st,f\nA,10\nA,10\nB,1\nB,1\n", NULL, "st", NULL, "f", 0,
                 "F: error: fpc column 'f': population size 1 is smaller than the 2 PSUs "
                 "sampled in stratum 'B'");
    expect_error("id,f\n1,-3\n", NULL, NULL, NULL, "f", 0,
                 "F:2:3: error: fpc column 'f': '-3' is not a positive number (a population "
                 "size, or a sampling fraction up to 1)");
    expect_error("id,w\n", NULL, NULL, NULL, NULL, 0, "F: error: no data rows after the header");
    expect_error("id,w\nx,y\n", NULL, NULL, NULL, NULL, 1,
                 "F: error: no data rows after the header and the 1 skipped row");
}

/* The file at path described with these design columns (NULL: none); must succeed. */
static shopstat_description *describe_design(const char *weight, const char *strata,
                                             const char *psu, const char *fpc)
{
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = weight;
    d.strata = strata;
    d.psu = psu;
    d.fpc = fpc;
    shopstat_description *ds;
    char e[2400];
    assert_int_equal(describe(&o, &d, &ds, e, sizeof e), SHOPSTAT_OK);
    return ds;
}

/* An fpc and no weight column: the weights are R's N_h / n_h (what the estimates use), from
 * population counts or from sampling fractions alike. Stratum A: 3 rows in 2 PSUs of 20
 * (weight 10); B: 1 row in 1 PSU of 2 (weight 2). Rows' weights 2, 10, 10, 10. */
static void test_fpc_weights(void **state)
{
    (void)state;
    const char *data[] = {"id,st,psu,n,f\n1,A,1,20,0.1\n2,A,1,20,0.1\n3,A,2,20,0.1\n4,B,1,2,0.5\n",
                          "id,st,psu,n,f\n4,B,1,2,0.5\n1,A,1,20,0.1\n2,A,1,20,0.1\n3,A,2,20,0.1\n"};
    for (int k = 0; k < 4; k++) {
        write_text(data[k / 2]);
        shopstat_description *ds = describe_design(NULL, "st", "psu", k % 2 ? "f" : "n");
        const shopstat_design_summary *g = shopstat_description_design(ds);
        assert_true(g->weights_from_fpc && !g->has_weight);
        assert_close(g->wsum, 32, 1e-15);
        assert_close(g->wsum2, 304, 1e-15);
        assert_close(g->wmin, 2, 1e-15);
        assert_close(g->wmax, 10, 1e-15);
        assert_close(g->wmedian, 10, 1e-15);
        assert_close(g->n_eff, 32.0 * 32.0 / 304.0, 1e-14);
        assert_string_equal(g->strata[0].name, "A");
        assert_close(g->strata[0].w_fpc, 10, 1e-15);
        assert_close(g->strata[1].w_fpc, 2, 1e-15);
        release(ds);
    }
    /* with a weight column the weights are the column's, and w_fpc is not set */
    write_text(data[0]);
    shopstat_description *ds = describe_design("id", "st", NULL, "n");
    const shopstat_design_summary *g = shopstat_description_design(ds);
    assert_false(g->weights_from_fpc);
    assert_close(g->wsum, 10, 0);
    assert_true(isnan(g->strata[0].w_fpc));
    release(ds);
    unlink(path);
}

/* The suggestions of path's description (design d), as "KIND NAME=COL,COL|MISSING;..." */
static void suggest(const shopstat_design_opts *d, char *out, size_t n)
{
    shopstat_description *ds;
    char errline[512];
    assert_int_equal(describe(NULL, d, &ds, errline, sizeof errline), SHOPSTAT_OK);
    shopstat_suggestion *sg;
    size_t ns;
    shopstat_error err;
    assert_int_equal(shopstat_describe_suggest(ds, d, &sg, &ns, &err), SHOPSTAT_OK);
    static const char *const kind[] = {"var",    "multi",  "ticked", "codes",
                                       "weight", "strata", "psu",    "fpc"};
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ns; i++) {
        k += (size_t)snprintf(out + k, n - k, "%s%s %s=", i ? ";" : "", kind[sg[i].kind],
                              sg[i].name);
        for (size_t j = 0; j < sg[i].ncolumns; j++)
            k += (size_t)snprintf(out + k, n - k, "%s%s", j ? "," : "",
                                  shopstat_description_column(ds, sg[i].columns[j])->name);
        for (size_t j = 0; j < sg[i].nmissing; j++)
            k += (size_t)snprintf(out + k, n - k, "|%s", sg[i].missing[j]);
        if (sg[i].nps)
            k += (size_t)snprintf(out + k, n - k, "+nps");
        if (sg[i].rating)
            k += (size_t)snprintf(out + k, n - k, "+mean%d", sg[i].rating);
        if (sg[i].wave)
            k += (size_t)snprintf(out + k, n - k, "+wave%d", sg[i].wave);
        if (sg[i].ambiguous_name)
            k += (size_t)snprintf(out + k, n - k, "+ambiguous");
    }
    shopstat_suggestions_free(sg, ns);
    release(ds);
}

/* describe's start for tab: sets by shared stems, codes, a weight, non-answers */
static void test_suggestions(void **state)
{
    (void)state;
    char got[1024];
    /* a Qualtrics-like export: ticked set with a column nobody ticked, codes in one cell,
     * a text among numeric codes, an id, amounts, a weight, a constant */
    write_text("ResponseId,Q1,Q3_1,Q3_2,Q3_3,Q4,spend,weight,Source\n"
               "R_1,1,Email,,,\"1,3\",12.5,1.2,web\n"
               "R_2,2,,Phone,,2,20,0.8,web\n"
               "R_3,3,Email,Phone,,\"2;4\",7.25,1,web\n"
               "R_4,Don't know,,,,1,3,1.1,web\n"
               "R_5,2,Email,,,3,18,0.9,web\n");
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var Q1=Q1|Don't know;ticked Q3=Q3_1,Q3_2,Q3_3;codes Q4=Q4;"
                             "weight weight=weight");

    /* 0/1 sets: three or more leaving the same rows blank; two yes/no questions asked in
     * turn are not one; a code of 99 above codes of at most 20; a column named as the stem */
    write_text("pref,pref_a,pref_b,pref_c,ph_shown,ph_reached,sat,wt\n"
               "1,1,0,1,1,1,1,2\n"
               "2,0,1,1,1,0,5,1\n"
               "1,,,,0,,99,1\n"
               "2,1,1,0,1,1,3,1\n");
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "var pref=pref;multi pref_set=pref_a,pref_b,pref_c;"
                             "var ph_shown=ph_shown;var ph_reached=ph_reached;var sat=sat|99");

    /* design columns take no part: the strata are not a question; without --weight the
     * column named like one is suggested */
    d.weight = NULL;
    d.strata = "ph_shown";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "var pref=pref;multi pref_set=pref_a,pref_b,pref_c;"
                             "var ph_reached=ph_reached;var sat=sat|99;weight wt=wt");

    /* a 0-10 question (its 99 aside) is a likelihood to recommend; 1-10, or 0-10 with
     * three codes never given, is not (1-10 named as a rating is a rating scale: its mean) */
    const char *rows = "0,1,0\n1,2,1\n2,3,2\n3,4,3\n4,5,4\n5,6,5\n6,7,6\n7,8,10\n"
                       "8,9,10\n9,10,10\n10,10,10\n99,10,10\n";
    char text[2048];
    snprintf(text, sizeof text, "rec,rating110,gap\n%s%s", rows, rows);
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var rec=rec|99+nps;var rating110=rating110+mean10;var gap=gap");

    /* 1-10 and 99 under a name that says recommend: nobody gave a 0, still a 0-10 */
    snprintf(text, sizeof text, "Q1_recommend,nps,gap\n%s%s", rows, rows);
    for (char *p = strchr(text, '\n') + 1; *p;) { /* the first column's 0s become 1s */
        if (p[0] == '0' && p[1] == ',')
            p[0] = '1';
        p = strchr(p, '\n') + 1;
    }
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var Q1_recommend=Q1_recommend|99+nps;var nps=nps+nps;var gap=gap");

    size_t k;
    /* a 0-10 question exported as labels ("values as labels"): its ends carry their
     * anchors, "0 - Not at all likely" and "10 - Extremely likely"; they are answers, not
     * non-answers to leave out (a quarter of the answers, the promoters' tens); a "Don't
     * know" beside them is one, and so is "99 - Don't know"; each is proposed its NPS, which
     * reads the labelled points as 0 and 10 */
    k = (size_t)snprintf(text, sizeof text, "rec,rec_dk,rec_99\n");
    for (int i = 0; i < 24; i++) {
        int v = i % 12;
        char pt[32];
        if (v == 0)
            snprintf(pt, sizeof pt, "0 - Not at all likely");
        else if (v == 10)
            snprintf(pt, sizeof pt, "10 - Extremely likely");
        else
            snprintf(pt, sizeof pt, "%d", v);
        k += (size_t)snprintf(text + k, sizeof text - k, "%s,%s,%s\n", v == 11 ? "9" : pt,
                              v == 11 ? "Don't know" : pt, v == 11 ? "99 - Don't know" : pt);
    }
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var rec=rec+nps;var rec_dk=rec_dk|Don't know+nps;"
                             "var rec_99=rec_99|99 - Don't know+nps");

    /* Qualtrics names an NPS question Q3 and adds Q3_NPS_GROUP (1 detractor, 2 passive,
     * 3 promoter): that column says Q3 is a likelihood to recommend, 0s or not; Q4, 1-10
     * beside it without one, is not (nor a rating: its name says nothing of one) */
    k = (size_t)snprintf(text, sizeof text, "Q3,Q3_NPS_GROUP,Q4\n");
    for (int i = 0; i < 20; i++) {
        int v = 1 + i % 10;
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d\n", v,
                              v <= 6   ? 1
                              : v <= 8 ? 2
                                       : 3,
                              v);
    }
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var Q3=Q3+nps;var Q3_NPS_GROUP=Q3_NPS_GROUP;var Q4=Q4");
}

/* What the start leaves out: Decipher's qNrM rows are a set; a column with more values
 * than describe lists (a date, clusters), a SurveyMonkey question's first column (its
 * items' columns have no name) and a name two columns share are no --var */
static void test_suggestions_exports(void **state)
{
    (void)state;
    char got[1024], text[8192];
    size_t k = (size_t)snprintf(text, sizeof text,
                                "record,q7r1,q7r2,q7r3,q7r99,q5r1,q5r2,StartDate,"
                                "How satisfied are you?,,,Response,Response,hQuota\n");
    for (int i = 0; i < 60; i++)
        k += (size_t)snprintf(text + k, sizeof text - k,
                              "%d,%d,%d,%d,%d,%d,%d,2026-11-%02d 10:00,%d,%d,%d,%c,%c,%d\n", i + 1,
                              i % 2, i / 2 % 2, i / 3 % 2, i % 7 == 0, 1 + i * 3 % 5, 1 + i % 5,
                              1 + i % 25, 1 + i % 5, 1 + i % 4, 1 + i % 3, 'a' + i % 2, 'x' + i % 3,
                              1 + i % 2);
    write_text(text);
    suggest(NULL, got, sizeof got);
    /* (q5r1 and q5r2, 1-5 each, Decipher's rows of one grid: their means) */
    assert_string_equal(got, "multi q7=q7r1,q7r2,q7r3,q7r99;var q5r1=q5r1+mean5;"
                             "var q5r2=q5r2+mean5;var hQuota=hQuota");
}

/* Design columns by name (never questions, the first of each role, none for a role the
 * design gives), rating scales by their codes, waves by a word of the name or a period's */
static void test_suggestions_design(void **state)
{
    (void)state;
    char got[2048], text[4096];
    /* NHANES's and BRFSS's names, N_h; a second strata-named column is left out; strategy,
     * n_h (a sample size) and cluster_label are questions */
    size_t k = (size_t)snprintf(text, sizeof text,
                                "SDMVSTRA,_PSU,N_h,stratum,strategy,n_h,cluster_label\n");
    for (int i = 0; i < 12; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,50,%d,%d,%d,%d\n", 1 + i % 3,
                              1 + i % 2, 1 + i % 3, 1 + i % 2, 4 + i % 2, 1 + i % 4);
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "strata SDMVSTRA=SDMVSTRA;psu _PSU=_PSU;fpc N_h=N_h;"
                             "var strategy=strategy;var n_h=n_h;var cluster_label=cluster_label");

    /* a cluster may be a segmentation's (ambiguous); popsize comes after fpc, so it is left
     * out; with the PSUs given, the cluster is left out; replicate weights leave out all */
    k = (size_t)snprintf(text, sizeof text, "st,p,Cluster,fpc,popsize,q\n");
    for (int i = 0; i < 12; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d,100,100,%d\n", 1 + i % 2,
                              1 + i % 3, 1 + i % 4, 1 + i % 2);
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var st=st;var p=p;psu Cluster=Cluster+ambiguous;fpc fpc=fpc;"
                             "var q=q");
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.strata = "st";
    d.psu = "p";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "fpc fpc=fpc;var q=q");
    shopstat_design_opts_init(&d);
    d.repweights = "rw";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "var st=st;var p=p;var q=q");

    /* ratings (named so): 1-5 (99 aside), 1-5 with one code unused, 1-7 ("Don't know"
     * aside), 1-10; not 1-5 with two codes unused, nor 1-4, nor 0-10 (an NPS) */
    k = (size_t)snprintf(text, sizeof text, "sat5,sat5gap,sat5two,sat7,sat10,sat4,n10\n");
    for (int i = 0; i < 12; i++) {
        char r7[16];
        snprintf(r7, sizeof r7, i % 8 == 7 ? "Don't know" : "%d", 1 + i % 8);
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d,%s,%d,%d,%d\n",
                              i % 6 == 5 ? 99 : 1 + i % 6, (int[]){1, 2, 4, 5}[i % 4],
                              (int[]){1, 2, 5}[i % 3], r7, 1 + i % 10, 1 + i % 4, i % 11);
    }
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var sat5=sat5|99+mean5;var sat5gap=sat5gap+mean5;"
                             "var sat5two=sat5two;var sat7=sat7|Don't know+mean7;"
                             "var sat10=sat10+mean10;var sat4=sat4;var n10=n10+nps");

    /* waves: a word (camel case, German, Spanish, before _ID) ranks 3; a whole period name 2,
     * a year's only over years; microwave holds no word wave */
    k = (size_t)snprintf(text, sizeof text,
                         "microwave,surveyWave,Welle,year,quarter,Jahr,OLA_ID\n");
    for (int i = 0; i < 12; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%s,%d,%d,%d,Q%d,%d,%d\n",
                              i % 2 ? "yes" : "no", 1 + i % 2, 1 + i % 3, 2023 + i % 2, 1 + i % 4,
                              1 + i % 3, 1 + i % 2);
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var microwave=microwave;var surveyWave=surveyWave+wave3;"
                             "var Welle=Welle+wave3;var year=year+wave2;"
                             "var quarter=quarter+wave2;var Jahr=Jahr;var OLA_ID=OLA_ID+wave3");

    /* values all periods rank 1 whatever the name, when two of them differ: one month spelt
     * two ways, or a period among other words, is no wave */
    k = (size_t)snprintf(text, sizeof text, "fieldwork,month,when\n");
    for (int i = 0; i < 12; i++)
        k +=
            (size_t)snprintf(text + k, sizeof text - k, "%s,%s,%s\n", i % 2 ? "Q1 2024" : "2024-05",
                             i % 2 ? "Mar 2024" : "2024-03", i % 2 ? "Mar 2024" : "Wave 3");
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var fieldwork=fieldwork+wave1;var month=month;var when=when");
}

/* Which 1-K codes are ratings (their mean proposed): named so, or a run of items on one
 * scale; not codes whose names say nothing of a rating, or end in a grouping's word */
/* A spreadsheet's leftovers (user15): a number column holding "n/a" is no list of codes or
 * labels (with a decimal comma, "1,5" read as 1.5 looked like the codes 1 and 5); one
 * "Total" row under the data; N_X beside X pairs as fpc and strata */
static void test_spreadsheet_leftovers(void **state)
{
    (void)state;
    char text[4096];
    size_t k = (size_t)snprintf(text, sizeof text,
                                "id;site;secteur;N_secteur;delai;code;q\n");
    for (int i = 0; i < 12; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d;s%d;%s;%d;%s;%s;%d\n", i + 1, i,
                              i % 2 ? "Mode" : "Sport", i % 2 ? 40 : 30,
                              i % 4 == 3 ? "n/a" : i % 4 == 0 ? "1,5" : i % 4 == 1 ? "12,25" : "3",
                              i % 3 ? "\"1;3\"" : "N/A", i % 5);
    k += (size_t)snprintf(text + k, sizeof text - k, ";TOTAL;;70;;;\n");
    write_text(text);
    shopstat_description *ds;
    char errline[512];
    assert_int_equal(describe(NULL, NULL, &ds, errline, sizeof errline), SHOPSTAT_OK);
    const shopstat_colsummary *c = shopstat_description_column(ds, 4); /* delai */
    assert_string_equal(c->no_value, "n/a");
    assert_int_equal(c->no_value_count, 3);
    assert_int_equal(c->code_lists, 0);
    assert_int_equal(c->label_sep, 0);
    /* codes in one cell beside "N/A": a list, not numbers (one distinct number-like value) */
    c = shopstat_description_column(ds, 5);
    assert_null(c->no_value);
    c = shopstat_description_column(ds, 1); /* site */
    assert_string_equal(c->total_value, "TOTAL");
    for (size_t i = 0; i < 7; i++)
        if (i != 1)
            assert_null(shopstat_description_column(ds, i)->total_value);
    release(ds);

    /* N_secteur pairs with secteur once the totals row is gone (its blank secteur, 70) */
    k = (size_t)snprintf(text, sizeof text, "id,secteur,N_secteur,n_x,q\n");
    for (int i = 0; i < 12; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%s,%d,%d,%d\n", i + 1,
                              i % 2 ? "Mode" : "Sport", i % 2 ? 40 : 30, 5 + i % 2, i % 3);
    write_text(text);
    char got[1024];
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "strata secteur=secteur;fpc N_secteur=N_secteur;var n_x=n_x;var q=q");
    /* --strata secteur given: N_secteur is still its fpc (it was a question) */
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.strata = "secteur";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "fpc N_secteur=N_secteur;var n_x=n_x;var q=q");
    /* another column as the strata: no pair, secteur and N_secteur questions */
    d.strata = "q";
    suggest(&d, got, sizeof got);
    assert_string_equal(got, "var secteur=secteur;var N_secteur=N_secteur;var n_x=n_x");
}

static void test_suggestions_ratings(void **state)
{
    (void)state;
    char got[2048], text[8192];
    size_t k = (size_t)snprintf(text, sizeof text,
                                "region,store,panel,spend_band,q9,satisfaction_group,"
                                "store_satisfaction,likelyToReturn,Q5_1,Q5_2,Q5_3,Q6_1,Q7_a,"
                                "Q7_b,wave_1,wave_2\n");
    for (int i = 0; i < 35; i++) {
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d,%d,%d,%d,%d,%d", 1 + i % 5,
                              1 + i / 7 % 5, 1 + i % 7 % 5, 1 + i * 3 % 5, 1 + i * 7 % 5,
                              1 + i * 11 % 5, 1 + i * 13 % 5, 1 + i % 10);
        /* a grid of three 1-5 items, one 1-5 alone, two 1-7 items, two wave columns */
        k += (size_t)snprintf(text + k, sizeof text - k, ",%d,%d,%d,%d,%d,%d,%d,%d\n",
                              1 + i * 17 % 5, 1 + i * 19 % 5, 1 + i * 23 % 5, 1 + i * 29 % 5,
                              1 + i % 7, 1 + i * 3 % 7, 1 + i % 5, 1 + i * 2 % 5);
    }
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got, "var region=region;var store=store;var panel=panel;"
                             "var spend_band=spend_band;var q9=q9;"
                             "var satisfaction_group=satisfaction_group;"
                             "var store_satisfaction=store_satisfaction+mean5;"
                             "var likelyToReturn=likelyToReturn+mean10;var Q5_1=Q5_1+mean5;"
                             "var Q5_2=Q5_2+mean5;var Q5_3=Q5_3+mean5;var Q6_1=Q6_1;"
                             "var Q7_a=Q7_a+mean7;var Q7_b=Q7_b+mean7;var wave_1=wave_1+wave3;"
                             "var wave_2=wave_2+wave3");
}

/* A public-use file: FINALWT (a weight: "wt" at the end), REPWT1..REPWT4 (replicate
 * weights, not questions), SAT 1-5 with 9 for "don't know" (a non-answer), KIDS 0-9 and
 * GRADE 1-8, 9 (a 9 after an 8, or after a longer run: no non-answer). */
static void test_suggestions_public_use(void **state)
{
    (void)state;
    char got[1024], text[8192];
    size_t k = (size_t)snprintf(text, sizeof text,
                                "ID,SAT,KIDS,GRADE,FINALWT,REPWT1,REPWT2,REPWT3,REPWT4,X1,X2\n");
    for (int i = 0; i < 30; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d,%d,%d,%g,%g,%g,%g,%d,%d\n",
                              i + 1, i % 7 == 6 ? 9 : 1 + i % 5, i % 10, i % 9 == 8 ? 9 : 1 + i % 8,
                              100 + i, (100 + i) * (i % 2 ? 0.5 : 1.5),
                              (100 + i) * (i % 3 ? 0.5 : 1.5), (100 + i) * (i % 4 ? 0.5 : 1.5),
                              (100 + i) * (i % 5 ? 0.5 : 1.5), i % 3, i % 2);
    write_text(text);
    suggest(NULL, got, sizeof got);
    assert_string_equal(got,
                        "var SAT=SAT|9+mean5;var KIDS=KIDS;var GRADE=GRADE;weight FINALWT=FINALWT;"
                        "var X1=X1;var X2=X2");
    shopstat_description *ds;
    char errline[512];
    assert_int_equal(describe(NULL, NULL, &ds, errline, sizeof errline), SHOPSTAT_OK);
    size_t first = 99, plen = 99;
    /* REPWT1..4: four; X1, X2: two, too few to be replicate weights */
    assert_int_equal(shopstat_describe_repweights_guess(ds, &first, &plen), 4);
    assert_int_equal(first, 5);
    assert_int_equal(plen, 5);
    release(ds);
    unlink(path);
}

/* Rows answering (a value in a column some row leaves blank) and, among them, those blank
 * in a run of columns (whole, or but its last), or in one column; the same on 1 to 3
 * threads in chunks of 4 KiB as in one pass. Counted here as the file is written. */
static void test_none_rows(void **state)
{
    (void)state;
    size_t rows = 3000, cap = 64 + rows * 64, k = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    k += (size_t)snprintf(t, cap, "id,Q1,Q2_1,Q2_2,Q2_3,Q3\n");
    size_t answering = 0, none_q2 = 0, none_but_last = 0, none_q3 = 0;
    for (size_t i = 0; i < rows; i++) {
        int idle = i % 50 == 0; /* an id only */
        const char *a = !idle && i % 3 == 0 ? "A" : "", *b = !idle && i % 7 == 0 ? "B" : "";
        const char *o = !idle && i % 11 == 0 ? "typed" : ""; /* (an Other's text) */
        const char *q3 = !idle && i % 13 ? "1;2" : "";
        k += (size_t)snprintf(t + k, cap - k, "%zu,%s,%s,%s,%s,%s\n", i, idle ? "" : "5", a, b, o,
                              q3);
        answering += !idle;
        none_q2 += !idle && !*a && !*b && !*o;
        none_but_last += !idle && !*a && !*b;
        none_q3 += !idle && !*q3;
    }
    write_text(t);
    free(t);
    for (int th = 0; th <= 3; th++) {
        shopstat_reader *r = NULL;
        shopstat_description *ds = describe_chunked(th, 4096, &r);
        assert_int_equal(shopstat_description_rows_answering(ds), answering);
        size_t n = 0;
        assert_true(shopstat_description_none_rows(ds, 2, 3, &n));
        assert_int_equal(n, none_q2);
        assert_true(shopstat_description_none_rows(ds, 2, 2, &n));
        assert_int_equal(n, none_but_last);
        assert_true(shopstat_description_none_rows(ds, 5, 1, &n));
        assert_int_equal(n, none_q3);
        assert_true(shopstat_description_none_rows(ds, 0, 1, &n)); /* (every row has an id) */
        assert_int_equal(n, 0);
        assert_false(shopstat_description_none_rows(ds, 3, 2, &n)); /* (not a run's start) */
        assert_false(shopstat_description_none_rows(ds, 1, 2, &n)); /* (Q1 is in no run) */
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* A column's distinct values are counted exactly up to 10,000 within its share of the
 * byte budget: 256 MiB over the columns, at most 1 MiB and at least 64 KiB a column. With
 * 300 columns the share is 268,435,456 / 300 = 894,784 bytes: of 9,000 distinct values of
 * 100 bytes (101 with the NUL), 894,784 / 101 = 8,859 fit, and the column reads "more than
 * 8,859" (mutation round 5: the share taken as 1 MiB whatever the columns counted all 9,000,
 * the 256 MiB no bound); with 2 columns (1 MiB) all 9,000 fit. */
static void test_distinct_budget(void **state)
{
    (void)state;
    for (int wide = 0; wide <= 1; wide++) {
        size_t rows = 9000, ncols = wide ? 300 : 2, cap = 4096 + rows * (ncols + 110), k = 0;
        char *t = malloc(cap);
        assert_non_null(t);
        for (size_t j = 0; j < ncols; j++)
            k += (size_t)snprintf(t + k, cap - k, "%sc%zu", j ? "," : "", j);
        t[k++] = '\n';
        for (size_t i = 0; i < rows; i++) {
            k += (size_t)snprintf(t + k, cap - k, "v%05zu", i);
            memset(t + k, 'x', 94); /* (100 bytes a value) */
            k += 94;
            memset(t + k, ',', ncols - 1);
            k += ncols - 1;
            t[k++] = '\n';
        }
        t[k] = '\0';
        write_text(t);
        free(t);
        shopstat_reader *r = NULL;
        shopstat_description *ds = describe_chunked(0, 0, &r);
        const shopstat_colsummary *c = shopstat_description_column(ds, 0);
        if (wide) {
            assert_true(c->distinct_capped);
            assert_int_equal(c->distinct, 8859);
        } else {
            assert_false(c->distinct_capped);
            assert_int_equal(c->distinct, rows);
        }
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* The weights' range and sums over chunks: weights 1-7 and one of 50 in the last row, so
 * that the largest comes from a late chunk; the same on 1 to 3 threads in chunks of 4 KiB
 * as in one pass (mutation round 5: describe.c's merge kept the first chunk's largest
 * weight). Counted here as the file is written. */
static void test_weights_in_chunks(void **state)
{
    (void)state;
    size_t rows = 3000, cap = 64 + rows * 16, k = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    k += (size_t)snprintf(t, cap, "id,w\n");
    double sum = 0;
    for (size_t i = 0; i < rows; i++) {
        int w = i + 1 == rows ? 50 : 1 + (int)(i % 7);
        k += (size_t)snprintf(t + k, cap - k, "%zu,%d\n", i, w);
        sum += w;
    }
    write_text(t);
    free(t);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    for (int th = 0; th <= 3; th++) {
        shopstat_error err;
        shopstat_reader *r = NULL;
        assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = th ? th : 1;
        o.chunk_bytes = th ? 4096 : (size_t)1 << 30;
        shopstat_description *ds = NULL;
        assert_int_equal(shopstat_describe_opts(r, &d, &o, &ds, &err), SHOPSTAT_OK);
        const shopstat_design_summary *x = shopstat_description_design(ds);
        assert_int_equal(x->rows, rows);
        assert_true(x->wmin == 1);
        assert_true(x->wmax == 50);
        assert_true(x->wsum == sum);
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* Skip logic (shopstat_description_routing), counted here as the file is written, in one
 * pass and on 1 to 3 threads in chunks of 4 KiB (each chunk numbers the values of asked and
 * channel in its own order of first appearance): q is asked only when asked = 1 and left
 * blank in some of those rows (non-response); r only when channel is a or b, blank where
 * channel is x or blank; z is blank every 7th row whatever the others hold (no routing),
 * and z2 in the same rows: blank together is no routing either (a respondent skipping
 * both). */
static void test_routing(void **state)
{
    (void)state;
    size_t rows = 3000, cap = 64 + rows * 64, k = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    k += (size_t)snprintf(t, cap, "id,asked,q,channel,r,z,z2\n");
    size_t q_routed = 0, q_nonresp = 0, r_routed = 0;
    static const char *const ch[] = {"b", "x", "a", "", "a", "b", "x"};
    for (size_t i = 0; i < rows; i++) {
        const char *asked = i % 3 == 0 ? "2" : i % 3 == 1 ? "1" : "3";
        const char *c = ch[(i / 5) % 7];
        int q_blank = strcmp(asked, "1") != 0 || i % 17 == 0;
        int r_blank = !*c || strcmp(c, "x") == 0;
        k += (size_t)snprintf(t + k, cap - k, "%zu,%s,%s,%s,%s,%s,%s\n", i, asked,
                              q_blank ? "" : "4", c, r_blank ? "" : "y", i % 7 ? "z" : "",
                              i % 7 ? "w" : "");
        q_routed += strcmp(asked, "1") != 0;
        q_nonresp += q_blank && strcmp(asked, "1") == 0;
        r_routed += r_blank;
    }
    write_text(t);
    free(t);
    for (int th = 0; th <= 3; th++) {
        shopstat_reader *r = NULL;
        shopstat_description *ds = describe_chunked(th, 4096, &r);
        const shopstat_routing *q = shopstat_description_routing(ds, 2);
        assert_non_null(q);
        assert_int_equal(q->by, 1);
        assert_int_equal(q->blank, q_routed + q_nonresp);
        assert_int_equal(q->routed, q_routed);
        assert_int_equal(q->nonresponse, q_nonresp);
        assert_int_equal(q->nasked, 1);
        assert_string_equal(q->asked[0], "1");
        assert_int_equal(q->nskipped, 2);
        assert_string_equal(q->skipped[0], "2");
        assert_string_equal(q->skipped[1], "3");
        assert_false(q->by_blank);
        const shopstat_routing *rr = shopstat_description_routing(ds, 4);
        assert_non_null(rr);
        assert_int_equal(rr->by, 3);
        assert_int_equal(rr->routed, r_routed);
        assert_int_equal(rr->blank, r_routed);
        assert_int_equal(rr->nonresponse, 0);
        assert_int_equal(rr->nasked, 2);
        assert_string_equal(rr->asked[0], "a");
        assert_string_equal(rr->asked[1], "b");
        assert_int_equal(rr->nskipped, 1);
        assert_string_equal(rr->skipped[0], "x");
        assert_true(rr->by_blank);
        assert_null(shopstat_description_routing(ds, 5)); /* z */
        assert_null(shopstat_description_routing(ds, 6)); /* z2 */
        assert_null(shopstat_description_routing(ds, 1)); /* (never blank) */
        assert_null(shopstat_description_routing(ds, 99));
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* Skip logic in a file wider than a word of the routing's column bits (150 columns): r, at
 * column 64, is asked only when channel (column 63, the last bit of the first word) is a
 * or b; q, at column 130, only when asked (column 1) = 1, with non-response; late, at
 * column 131, is blank where asked = 2 except in one row near the end (row 1500), and in
 * some rows where asked = 1: that one row, in a late chunk, makes it no routing (without it,
 * asked = 2 would route it); m, at column 140, only when k (column 100, past the 64
 * explainers of the first version) is 1. Fillers of a and b in every other column.
 * Counted as the file is written; one pass and 1 to 3 threads in chunks of 4 KiB. */
/* How the numbers are written, the evidence of codes, counted by hand: cp's leading zeros
 * (01000, 06000: 2 of 6 rows), lieu's 4 digits each and its multiples of 10 (1010: 1 of 6),
 * budget's (every value a multiple of 50), montant's decimals, nb's sign. */
static void test_code_evidence(void **state)
{
    (void)state;
    write_text("cp,lieu,budget,montant,nb,magasin,montant_commande\n"
               "01000,1001,1000,12.50,3,17,1001\n"
               "75011,1013,1050,8.99,-1,18,1013\n"
               "06000,1010,2500,100.00,4,19,1010\n"
               "69003,1027,1200,7.25,5,20,1027\n"
               "13008,1101,3350,3.10,0,21,1101\n"
               "75011,1013,1000,9.00,12,22,1013\n");
    shopstat_reader *r;
    shopstat_description *ds = describe_chunked(0, 0, &r);
    const shopstat_colsummary *cp = shopstat_description_column(ds, 0);
    assert_int_equal(cp->leading_zero, 2);
    assert_int_equal(cp->digits_min, 5);
    assert_int_equal(cp->digits_max, 5);
    assert_int_equal(cp->tens, 2); /* 01000 and 06000 */
    assert_int_equal(shopstat_describe_code_evidence(cp), SHOPSTAT_CODE_ZEROS);
    const shopstat_colsummary *lieu = shopstat_description_column(ds, 1);
    assert_int_equal(lieu->leading_zero, 0);
    assert_int_equal(lieu->tens, 1);
    assert_int_equal(lieu->digits_min, 4);
    assert_int_equal(lieu->digits_max, 4);
    assert_int_equal(shopstat_describe_code_evidence(lieu), SHOPSTAT_CODE_WIDTH);
    const shopstat_colsummary *budget = shopstat_description_column(ds, 2);
    assert_int_equal(budget->tens, 6);
    assert_int_equal(shopstat_describe_code_evidence(budget), SHOPSTAT_CODE_NONE);
    const shopstat_colsummary *montant = shopstat_description_column(ds, 3);
    assert_int_equal(montant->digits_min, 0); /* (a decimal point: not digits alone) */
    assert_int_equal(shopstat_describe_code_evidence(montant), SHOPSTAT_CODE_NONE);
    const shopstat_colsummary *nb = shopstat_description_column(ds, 4);
    assert_int_equal(nb->digits_max, 0); /* (a sign) */
    assert_int_equal(shopstat_describe_code_evidence(nb), SHOPSTAT_CODE_NONE);
    /* a code's word; an amount's word wins over the width of its values */
    assert_int_equal(shopstat_describe_code_evidence(shopstat_description_column(ds, 5)),
                     SHOPSTAT_CODE_NAME);
    assert_int_equal(shopstat_describe_code_evidence(shopstat_description_column(ds, 6)),
                     SHOPSTAT_CODE_NONE);
    assert_int_equal(shopstat_describe_code_evidence(NULL), SHOPSTAT_CODE_NONE);
    shopstat_description_free(ds);
    shopstat_reader_free(r);
}

/* Codes without a width's evidence, told by their values, and measures of the same digits
 * kept (summaries as describe makes them, set by hand): a store's 3 digits counted through
 * (101 to 250, 148 distinct, mean 175.4) against a basket of 3-digit whole euros skewed to
 * its low end (mean 190 on 100 to 671), a height in cm (named so), and too few distinct
 * values (20 at least); a 5-digit postcode whose leading 0 went (4 and 5 digits, 12%
 * multiples of 10) against a rounded income of 4 and 5 digits (60%); an age, a count. */
static void test_code_evidence_values(void **state)
{
    (void)state;
    shopstat_colsummary c;
    memset(&c, 0, sizeof c);
    c.name = "lieu";
    c.all_numeric = 1;
    c.present = 600;
    c.distinct = 148;
    c.min = 101, c.max = 250, c.mean = 175.4;
    c.digits_min = c.digits_max = 3;
    c.tens = 60;
    assert_int_equal(shopstat_describe_code_evidence(&c), SHOPSTAT_CODE_SERIAL);
    shopstat_colsummary m = c; /* (a basket: its mean near its low end) */
    m.name = "q7";
    m.max = 671, m.mean = 190, m.distinct = 223;
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    m = c; /* (rounded: a quarter multiples of 10) */
    m.tens = 150;
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    m = c; /* (sparse over its range: 70 values over 150) */
    m.distinct = 70;
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    m = c; /* (a few values) */
    m.distinct = 19, m.min = 200, m.max = 218, m.mean = 209;
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    m = c; /* (a height: its name says a length) */
    m.name = "taille_cm", m.min = 151, m.max = 196, m.mean = 174, m.distinct = 44;
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    m.name = "height";
    assert_int_equal(shopstat_describe_code_evidence(&m), SHOPSTAT_CODE_NONE);
    shopstat_colsummary z = c;
    z.name = "domicile";
    z.min = 2045, z.max = 98323, z.mean = 51000, z.distinct = 79;
    z.digits_min = 4, z.digits_max = 5, z.tens = 72;
    assert_int_equal(shopstat_describe_code_evidence(&z), SHOPSTAT_CODE_STRIPPED);
    z.tens = 360; /* (an income: rounded) */
    assert_int_equal(shopstat_describe_code_evidence(&z), SHOPSTAT_CODE_NONE);
    z.tens = 72, z.digits_min = 3; /* (3 to 5 digits: no one code's width) */
    assert_int_equal(shopstat_describe_code_evidence(&z), SHOPSTAT_CODE_NONE);
    shopstat_colsummary a = c; /* (ages, counts: under 3 digits) */
    a.name = "q3", a.min = 18, a.max = 78, a.mean = 40, a.distinct = 57;
    a.digits_min = 2, a.digits_max = 2;
    assert_int_equal(shopstat_describe_code_evidence(&a), SHOPSTAT_CODE_NONE);
    a.digits_min = 1, a.min = 0, a.max = 40;
    assert_int_equal(shopstat_describe_code_evidence(&a), SHOPSTAT_CODE_NONE);
    /* names: a store, a shop, a branch, a postcode's other names; a count of them no code */
    static const char *const codes[] = {"store_visited", "shop_visited",  "branch_x", "zip",
                                        "plz",           "postcode_home", NULL};
    for (const char *const *n = codes; *n; n++) {
        a.name = *n;
        assert_int_equal(shopstat_describe_code_evidence(&a), SHOPSTAT_CODE_NAME);
    }
    a.name = "shop_visits";
    assert_int_equal(shopstat_describe_code_evidence(&a), SHOPSTAT_CODE_NONE);
}

/* Past the distinct-value cap the writing is counted row by row, and a chunked pass
 * merges it to the one pass's: 12,000 six-digit codes 000001..012000, every one with a
 * leading zero, 1,200 multiples of 10. */
static void test_code_evidence_capped(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/shopstat_test_describe_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("code,x\n", f);
    for (int i = 1; i <= 12000; i++)
        fprintf(f, "%06d,%d\n", i, i % 3);
    fclose(f);
    for (int th = 0; th <= 2; th += 2) {
        shopstat_reader *r;
        shopstat_description *ds = describe_chunked(th, 16384, &r);
        const shopstat_colsummary *c = shopstat_description_column(ds, 0);
        assert_true(c->distinct_capped);
        assert_int_equal(c->leading_zero, 12000);
        assert_int_equal(c->tens, 1200);
        assert_int_equal(c->digits_min, 6);
        assert_int_equal(c->digits_max, 6);
        assert_int_equal(shopstat_describe_code_evidence(c), SHOPSTAT_CODE_ZEROS);
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
}

static void test_routing_wide(void **state)
{
    (void)state;
    size_t rows = 2000, ncols = 150, cap = 1024 + rows * (ncols * 3 + 16), k = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    for (size_t c = 0; c < ncols; c++)
        k += (size_t)snprintf(t + k, cap - k, "%sc%zu", c ? "," : "", c);
    t[k++] = '\n';
    size_t q_routed = 0, q_nonresp = 0, r_routed = 0, late_blank = 0, m_routed = 0;
    static const char *const ch[] = {"b", "x", "a", "", "a", "b", "x"};
    for (size_t i = 0; i < rows; i++) {
        const char *asked = i % 3 == 0 ? "2" : i % 3 == 1 ? "1" : "3";
        const char *c = ch[(i / 5) % 7];
        int q_blank = strcmp(asked, "1") != 0 || i % 17 == 0;
        int r_blank = !*c || strcmp(c, "x") == 0;
        int late_b = (strcmp(asked, "2") == 0 && i != 1500) ||
                     (strcmp(asked, "1") == 0 && i % 13 == 0);
        int k1 = (i / 3) % 5 < 2;
        m_routed += !k1;
        q_routed += strcmp(asked, "1") != 0;
        q_nonresp += q_blank && strcmp(asked, "1") == 0;
        r_routed += r_blank;
        late_blank += late_b;
        for (size_t col = 0; col < ncols; col++) {
            const char *v = col % 2 ? "a" : "b";
            char id[24];
            if (col == 0) {
                snprintf(id, sizeof id, "%zu", i);
                v = id;
            } else if (col == 1) {
                v = asked;
            } else if (col == 63) {
                v = c;
            } else if (col == 64) {
                v = r_blank ? "" : "y";
            } else if (col == 130) {
                v = q_blank ? "" : "4";
            } else if (col == 131) {
                v = late_b ? "" : "5";
            } else if (col == 100) {
                v = k1 ? "1" : "2";
            } else if (col == 140) {
                v = k1 ? "m" : "";
            }
            k += (size_t)snprintf(t + k, cap - k, "%s%s", col ? "," : "", v);
        }
        t[k++] = '\n';
    }
    t[k] = 0;
    assert_true(late_blank > 600);
    write_text(t);
    free(t);
    for (int th = 0; th <= 3; th++) {
        shopstat_reader *r = NULL;
        shopstat_description *ds = describe_chunked(th, 4096, &r);
        const shopstat_routing *q = shopstat_description_routing(ds, 130);
        assert_non_null(q);
        assert_int_equal(q->by, 1);
        assert_int_equal(q->blank, q_routed + q_nonresp);
        assert_int_equal(q->routed, q_routed);
        assert_int_equal(q->nonresponse, q_nonresp);
        assert_int_equal(q->nasked, 1);
        assert_string_equal(q->asked[0], "1");
        assert_int_equal(q->nskipped, 2);
        const shopstat_routing *rr = shopstat_description_routing(ds, 64);
        assert_non_null(rr);
        assert_int_equal(rr->by, 63);
        assert_int_equal(rr->routed, r_routed);
        assert_int_equal(rr->nonresponse, 0);
        assert_int_equal(rr->nskipped, 1);
        assert_string_equal(rr->skipped[0], "x");
        assert_true(rr->by_blank);
        assert_null(shopstat_description_routing(ds, 131)); /* late */
        const shopstat_routing *m = shopstat_description_routing(ds, 140);
        assert_non_null(m);
        assert_int_equal(m->by, 100);
        assert_int_equal(m->routed, m_routed);
        assert_int_equal(m->nonresponse, 0);
        assert_string_equal(m->asked[0], "1");
        assert_string_equal(m->skipped[0], "2");
        assert_null(shopstat_description_routing(ds, 129)); /* (a filler: never blank) */
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* Skip logic where the rows that answer the routed column hold no blank at all: x is
 * blank where g = s (every 4th row) and answered where g = p, and no other column is ever
 * blank, so the rows where x is answered are never counted row by row; that they exist
 * comes from g's count at p against the rows with a blank there. One pass and 1 to 3
 * threads in chunks of 64 bytes. */
static void test_routing_complete_rows(void **state)
{
    (void)state;
    size_t rows = 400, cap = 64 + rows * 32, k = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    k += (size_t)snprintf(t, cap, "id,g,x\n");
    for (size_t i = 0; i < rows; i++)
        k += (size_t)snprintf(t + k, cap - k, "%zu,%s,%s\n", i, i % 4 ? "p" : "s",
                              i % 4 ? "1" : "");
    write_text(t);
    free(t);
    for (int th = 0; th <= 3; th++) {
        shopstat_reader *r = NULL;
        shopstat_description *ds = describe_chunked(th, 64, &r);
        const shopstat_routing *x = shopstat_description_routing(ds, 2);
        assert_non_null(x);
        assert_int_equal(x->by, 1);
        assert_int_equal(x->blank, 100);
        assert_int_equal(x->routed, 100);
        assert_int_equal(x->nonresponse, 0);
        assert_int_equal(x->nasked, 1);
        assert_string_equal(x->asked[0], "p");
        assert_int_equal(x->nskipped, 1);
        assert_string_equal(x->skipped[0], "s");
        assert_false(x->by_blank);
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    unlink(path);
}

/* shopstat_describe_excluding: rows an exclusion takes are out of every column and the
 * design (stratum B, whose rows are all speeders, goes with them), counted under it; 1 and 2
 * threads (chunks of 16 bytes) alike. By hand: rows 2 and 5 are speeders, so rows 1, 3, 4
 * and 6 are kept: weights 1 + 3 + 4 + 6, q 1, 2, 1 and a blank, speeder No, No, NA, No. */
static void test_exclusions(void **state)
{
    (void)state;
    write_text("s,p,w,speeder,q\n"
               "A,1,1,No,1\n"
               "B,3,2,Yes,2\n"
               "A,1,3,No,2\n"
               "A,2,4,NA,1\n"
               "B,3,5,Yes,1\n"
               "A,2,6,No,\n");
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:Yes", NULL), SHOPSTAT_OK);
    for (int th = 1; th <= 2; th++) {
        shopstat_error err;
        shopstat_reader *r = NULL;
        assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = th;
        o.chunk_bytes = 16;
        shopstat_description *ds = NULL;
        assert_int_equal(shopstat_describe_excluding(r, &d, &o, p, &ds, &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_description_rows_read(ds), 6);
        assert_int_equal(shopstat_description_rows_used(ds), 4);
        assert_int_equal(shopstat_description_nexcluded(ds), 1);
        const char *why = NULL;
        assert_int_equal(shopstat_description_excluded(ds, 0, &why), 2);
        assert_string_equal(why, "speeder:Yes");
        const shopstat_design_summary *ds_d = shopstat_description_design(ds);
        assert_int_equal(ds_d->rows, 4);
        assert_true(ds_d->wsum == 1 + 3 + 4 + 6);
        assert_true(ds_d->wmax == 6);
        assert_int_equal(ds_d->nstrata, 1); /* B had only the excluded rows */
        assert_int_equal(ds_d->npsu, 2);
        const shopstat_colsummary *q = shopstat_description_column(ds, 4);
        assert_int_equal(q->present, 3);
        assert_int_equal(q->missing, 1);
        assert_int_equal(q->nlevels, 2);
        assert_int_equal(q->levels[0].count, 2); /* 1: rows 1 and 4 */
        assert_int_equal(q->levels[1].count, 1); /* 2: row 3 */
        const shopstat_colsummary *sp = shopstat_description_column(ds, 3);
        assert_int_equal(sp->nlevels, 1); /* No; NA is missing */
        assert_int_equal(sp->missing, 1);
        shopstat_description_free(ds);
        shopstat_reader_free(r);
    }
    /* every row excluded: tab's error */
    assert_int_equal(shopstat_plan_parse_exclude(p, "speeder:No,NA", NULL), SHOPSTAT_OK);
    shopstat_error err;
    shopstat_reader *r = NULL;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    shopstat_description *ds = NULL;
    assert_int_equal(shopstat_describe_excluding(r, &d, NULL, p, &ds, &err), SHOPSTAT_EUSAGE);
    assert_null(ds);
    assert_non_null(strstr(err.msg, "of the 6 rows read, speeder:Yes excludes 2, speeder:No,NA "
                                    "excludes 4"));
    shopstat_reader_free(r);
    shopstat_plan_free(p);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_design),
        cmocka_unit_test(test_fpc_weights),
        cmocka_unit_test(test_median_nesting_and_sorting),
        cmocka_unit_test(test_types_and_caps),
        cmocka_unit_test(test_binned_median),
        cmocka_unit_test(test_skip_rows_accounting),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_line_ends_in_chunks),
        cmocka_unit_test(test_design_errors),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_suggestions_exports),
        cmocka_unit_test(test_spreadsheet_leftovers),
        cmocka_unit_test(test_suggestions_design),
        cmocka_unit_test(test_suggestions_ratings),
        cmocka_unit_test(test_suggestions_public_use),
        cmocka_unit_test(test_none_rows),
        cmocka_unit_test(test_weights_in_chunks),
        cmocka_unit_test(test_distinct_budget),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_routing_wide),
        cmocka_unit_test(test_code_evidence),
        cmocka_unit_test(test_code_evidence_values),
        cmocka_unit_test(test_code_evidence_capped),
        cmocka_unit_test(test_routing_complete_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
