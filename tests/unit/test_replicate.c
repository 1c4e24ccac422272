/* Unit tests of replicate-weight designs: R's rank rule, default scales, mse, created weights. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "core.h"
#include "shopstat/replicate.h"
#include "shopstat/tab.h"

/* Packed lower triangle of X'X for an n x R matrix given column by column. */
static void gram(const double *X, size_t n, size_t R, double *G)
{
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += X[i * n + k] * X[j * n + k];
            G[i * (i + 1) / 2 + j] = s;
        }
}

static void test_rank(void **state)
{
    (void)state;
    double G[64];
    /* JKn with two strata of two PSUs: a1 + a2 = a3 + a4 = 2 w, so rank 3 (R: df 2 =
     * PSUs - strata, as the Taylor design). */
    const double jkn[] = {0, 2, 1, 1, 2, 0, 1, 1, 1, 1, 0, 2, 1, 1, 2, 0};
    gram(jkn, 4, 4, G);
    int fallback = -1;
    assert_int_equal(rep_gram_rank(G, NULL, 4, 1e-5, &fallback), 3);
    assert_int_equal(fallback, 0); /* decided in double: the coefficients are 1 */
    /* JK1 with 3 PSUs: (J - I) 3/2 is invertible, rank 3. */
    const double jk1[] = {0, 1.5, 1.5, 1.5, 0, 1.5, 1.5, 1.5, 0};
    gram(jk1, 3, 3, G);
    assert_int_equal(rep_gram_rank(G, NULL, 3, 1e-5, NULL), 3);
    /* A zero column and a repeated column are dropped; order does not matter. */
    const double dup[] = {1, 2, 3, 0, 0, 0, 1, 2, 3, 3, 1, 2};
    gram(dup, 3, 4, G);
    assert_int_equal(rep_gram_rank(G, NULL, 4, 1e-5, NULL), 2);
    /* More columns than rows: rank at most the rows. */
    const double wide[] = {1, 2, 3, 4, 5, 7, 1, 0};
    gram(wide, 2, 4, G);
    assert_int_equal(rep_gram_rank(G, NULL, 4, 1e-5, NULL), 2);
    /* dqrdc2's rule: a column whose residual is below tol times its norm is dropped.
     * c = a + e b with a = (1,0,0), b = (0,1,0): residual/norm ~ e. */
    for (int k = 0; k < 2; k++) {
        double e = k == 0 ? 1e-7 : 1e-3;
        const double near[] = {1, 0, 0, 0, 0, 1, 1, e, 0};
        gram(near, 3, 3, G);
        assert_int_equal(rep_gram_rank(G, NULL, 3, 1e-5, NULL), k == 0 ? 2 : 3);
    }
}

/* y, w and two replicate sets: a1..a4 (JKn-like, rank 3; replicate proportions of y = 1:
 * 3/4, 1/4, 3/4, 1/4 around p = 1/2, sum of squares 1/4) and b1,b2 (proportions 1/2, 3/4:
 * mean 5/8, squares 1/32 about the mean, 1/16 about p = 1/2; rank 2). */
static const char csv_text[] = "y,w,a1,a2,a3,a4,b1,b2\n"
                               "1,1,2,0,1,1,2,3\n"
                               "0,1,0,2,1,1,2,1\n"
                               "1,1,1,1,2,0,0,0\n"
                               "0,1,1,1,0,2,0,0\n";

/* The estimate of level "1" of y, the second of y's two levels in 'all', under ci. */
static shopstat_estimate level1_estimate(const shopstat_totals *t, shopstat_ci_method ci)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_tab_opts o;
    shopstat_tab_opts_init(&o);
    o.ci = ci;
    shopstat_estimate *e = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_tab_estimates(t, &o, &e, &n, &err), SHOPSTAT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(e[1].level, "1");
    shopstat_estimate one = e[1];
    free(e);
    return one;
}

/* se and df of P(y = 1) in 'all' under the given replicate options. */
static void rep_tab(const char *path, const char *cols, shopstat_rep_type type, double rho,
                    double scale, const char *rscales, int mse, shopstat_ci_method ci,
                    shopstat_estimate *out)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.repweights = cols;
    d.reptype = type;
    d.rho = rho;
    d.repscale = scale;
    d.rscales = rscales;
    d.mse = mse;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "y", "y", &err), SHOPSTAT_OK);
    shopstat_reader *r = NULL;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    shopstat_status st = shopstat_totals_compute(p, r, &t, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, SHOPSTAT_OK);
    *out = level1_estimate(t, ci);
    shopstat_totals_free(t);
    shopstat_reader_free(r);
    shopstat_plan_free(p);
}

/* Near-dependent replicate columns: 30 rows of r1 = u, r2 = u + 1e-4 v, and r3..r10 =
 * u + s v, which are r1 + (s / 1e-4)(r2 - r1) up to the rounding of r2 (a residual near
 * 1e-12 of their norm): rank 2 at R's tolerance 1e-5, df 1 (R 4.2.2, survey 4.1.1: degf()
 * of svrepdesign on this file is 1, and qr(X, tol)$rank 2 at every tol from 1e-3 to
 * 1e-11). r2's small residual (1e-4 of its norm) makes r3..r10's coefficients near 1e4:
 * X'X summed in double carried 1e-16 of its terms, which divided by r2's pivot (1e-8 of
 * its norm squared) can leave a residual of 1e-8 of a column's norm squared, above the
 * 1e-10 test, whichever precision the factor is worked in: df 2 (both ways below) before
 * X'X was summed in double-double.
 * The same with the portable kernel (SHOPSTAT_REP_NO_FMA=1) and with X'X built row by row
 * (SHOPSTAT_REP_MAX_DIRS=2: past the cap on distinct directions). */
static void test_rank_near_dependent(void **state)
{
    (void)state;
    static const double s[] = {1, 0.5, 2, 0.7, 1.3, 0.9, 1.7, 0.3};
    char text[8192];
    double X[10 * 30], G[55];
    size_t used = (size_t)snprintf(text, sizeof text, "y,w,r1,r2,r3,r4,r5,r6,r7,r8,r9,r10\n");
    for (int i = 1; i <= 30; i++) {
        double a = 0.6180339887498949 * i, b = 0.41421356237309515 * i + 0.1;
        double u = 1 + 2 * (a - floor(a)), v = b - floor(b);
        used += (size_t)snprintf(text + used, sizeof text - used, "%d,1,%.17g,%.17g", i % 2, u,
                                 u + 1e-4 * v);
        X[i - 1] = u;
        X[30 + i - 1] = u + 1e-4 * v;
        for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
            used += (size_t)snprintf(text + used, sizeof text - used, ",%.17g", u + s[k] * v);
            X[(k + 2) * 30 + (size_t)i - 1] = u + s[k] * v;
        }
        used += (size_t)snprintf(text + used, sizeof text - used, "\n");
    }
    assert_true(used < sizeof text);
    /* the rank in double cannot decide r3: its round-off bound exceeds the margin */
    gram(X, 30, 10, G);
    int fallback = -1;
    rep_gram_rank(G, NULL, 10, 1e-5, &fallback);
    assert_int_equal(fallback, 1);
    char *path = write_tmp(text);
    for (int v = 0; v < 4; v++) {
        if (v & 1)
            setenv("SHOPSTAT_REP_NO_FMA", "1", 1);
        if (v & 2)
            setenv("SHOPSTAT_REP_MAX_DIRS", "2", 1);
        shopstat_estimate e;
        rep_tab(path, "r", SHOPSTAT_REP_BOOTSTRAP, NAN, NAN, NULL, -1, SHOPSTAT_CI_WALD, &e);
        assert_close(e.df, 1, 0);
        unsetenv("SHOPSTAT_REP_NO_FMA");
        unsetenv("SHOPSTAT_REP_MAX_DIRS");
    }
    remove_tmp(path);
}

static void test_scales(void **state)
{
    (void)state;
    char *path = write_tmp(csv_text);
    shopstat_estimate e;
    const shopstat_ci_method W = SHOPSTAT_CI_WALD;
    struct {
        shopstat_rep_type type;
        double rho, scale;
        const char *rscales;
        double var;
    } c[] = {
        {SHOPSTAT_REP_BRR, NAN, NAN, NULL, 0.25 / 4},            /* 1/R */
        {SHOPSTAT_REP_FAY, 0.5, NAN, NULL, 0.25 / (4 * 0.25)},   /* 1/(R (1 - rho)^2) */
        {SHOPSTAT_REP_JK1, NAN, NAN, NULL, 0.25 * 3 / 4},        /* (R - 1)/R */
        {SHOPSTAT_REP_JKN, NAN, NAN, "0.5", 0.25 * 0.5},         /* rscales */
        {SHOPSTAT_REP_JKN, NAN, NAN, "1,1,0,0", 1.0 / 16 * 2},   /* per replicate */
        {SHOPSTAT_REP_BOOTSTRAP, NAN, NAN, NULL, 0.25 / 3},      /* 1/(R - 1) */
        {SHOPSTAT_REP_SDR, NAN, NAN, NULL, 0.25 * 4 / 4},        /* 4/R */
        {SHOPSTAT_REP_JK2, NAN, NAN, NULL, 0.25},                /* 1 (R's "JK2") */
        {SHOPSTAT_REP_JK1, NAN, 2, NULL, 0.25 * 2},              /* --repscale */
        {SHOPSTAT_REP_BOOTSTRAP, NAN, 2, "0.5", 0.25 * 2 * 0.5}, /* both */
        {SHOPSTAT_REP_BRR, NAN, NAN, "0.5", 0.25 / 4 * 0.5},     /* brr takes rscales */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        rep_tab(path, "a", c[i].type, c[i].rho, c[i].scale, c[i].rscales, -1, W, &e);
        assert_close(e.proportion, 0.5, 1e-15);
        assert_close(e.se * e.se, c[i].var, 1e-13);
        assert_close(e.df, 2, 0);
    }
    /* mse: centre on the full-sample estimate (default for sdr only). */
    rep_tab(path, "b1,b2", SHOPSTAT_REP_BOOTSTRAP, NAN, NAN, NULL, -1, W, &e);
    assert_close(e.se * e.se, 1.0 / 32, 1e-13);
    assert_close(e.df, 1, 0);
    rep_tab(path, "b1,b2", SHOPSTAT_REP_BOOTSTRAP, NAN, NAN, NULL, 1, W, &e);
    assert_close(e.se * e.se, 1.0 / 16, 1e-13);
    rep_tab(path, "b1,b2", SHOPSTAT_REP_SDR, NAN, NAN, NULL, -1, W, &e);
    assert_close(e.se * e.se, 2.0 / 16, 1e-13);
    rep_tab(path, "b1,b2", SHOPSTAT_REP_SDR, NAN, NAN, NULL, 0, W, &e);
    assert_close(e.se * e.se, 2.0 / 32, 1e-13);
    /* logit: the replicate variance of logit(p_r): logit(3/4) = log 3, so about 0 the
     * squares are 4 (log 3)^2; BRR: (log 3)^2; interval expit(0 +/- t log 3) at df 2. */
    rep_tab(path, "a", SHOPSTAT_REP_BRR, NAN, NAN, NULL, -1, SHOPSTAT_CI_LOGIT, &e);
    double h = 4.302652729749464 * log(3.0); /* qt(0.975, 2) */
    assert_close(e.ci_lower, 1 / (1 + exp(h)), 1e-12);
    assert_close(e.ci_upper, 1 / (1 + exp(-h)), 1e-12);
    /* deff as R's svrep svymean: var (n - 1) / (p q), n = 4 rows */
    rep_tab(path, "a", SHOPSTAT_REP_BRR, NAN, NAN, NULL, -1, W, &e);
    assert_close(e.deff, 0.0625 * 3 / 0.25, 1e-13);
    remove_tmp(path);
}

/* shopstat_repweights_free, as every _free of the library: NULL is a no-op, and a freed
 * (zeroed) struct may be freed again. */
static void test_repweights_free(void **state)
{
    (void)state;
    shopstat_repweights_free(NULL);
    shopstat_repweights rw;
    memset(&rw, 0, sizeof rw);
    rw.R = 2;
    rw.cols = malloc(2 * sizeof *rw.cols);
    rw.rscales = malloc(2 * sizeof *rw.rscales);
    assert_non_null(rw.cols);
    assert_non_null(rw.rscales);
    shopstat_repweights_free(&rw);
    assert_null(rw.cols);
    assert_null(rw.rscales);
    assert_int_equal(rw.R, 0);
    shopstat_repweights_free(&rw);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char *path = write_tmp(csv_text);
    const struct {
        const char *cols;
        shopstat_rep_type type;
        const char *strata, *rscales;
        double rho, scale;
    } bad[] = {
        {"a", SHOPSTAT_REP_NONE, NULL, NULL, NAN, NAN}, /* no type */
        {"a", SHOPSTAT_REP_JKN, NULL, NULL, NAN, NAN},  /* jkn without rscales */
        {"a", SHOPSTAT_REP_FAY, NULL, NULL, NAN, NAN},  /* fay without rho */
        {"zz", SHOPSTAT_REP_BRR, NULL, NULL, NAN, NAN}, /* no such prefix */
        {"a", SHOPSTAT_REP_BRR, "y", NULL, NAN, NAN},   /* strata with replicates */
        {"a", SHOPSTAT_REP_BRR, NULL, "1,2", NAN, NAN}, /* rscales length */
        /* what R's svrepdesign ignores for the type */
        {"a", SHOPSTAT_REP_BRR, NULL, NULL, NAN, 2},    /* brr: 1/R */
        {"a", SHOPSTAT_REP_FAY, NULL, NULL, 0.5, 2},    /* fay: from rho */
        {"a", SHOPSTAT_REP_SDR, NULL, NULL, NAN, 2},    /* sdr: 4/R */
        {"a", SHOPSTAT_REP_SDR, NULL, "0.5", NAN, NAN}, /* sdr: rscales 1 */
        {"a", SHOPSTAT_REP_JK1, NULL, NULL, 0.5, NAN},  /* rho but for fay */
        {"a", SHOPSTAT_REP_JK2, NULL, NULL, NAN, 2},    /* jk2: scale 1 */
        {"a", SHOPSTAT_REP_JK2, NULL, "0.5", NAN, NAN}, /* jk2: rscales 1 */
        {"a", SHOPSTAT_REP_JK2, NULL, NULL, 0.5, NAN},  /* jk2: no rho */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        shopstat_plan *p = shopstat_plan_new();
        shopstat_design_opts d;
        shopstat_design_opts_init(&d);
        d.weight = "w";
        d.repweights = bad[i].cols;
        d.reptype = bad[i].type;
        d.strata = bad[i].strata;
        d.rscales = bad[i].rscales;
        d.rho = bad[i].rho;
        d.repscale = bad[i].scale;
        shopstat_error err;
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
        assert_int_equal(shopstat_plan_add_single(p, "y", "y", &err), SHOPSTAT_OK);
        shopstat_reader *r = NULL;
        assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
        shopstat_totals *t = NULL;
        assert_int_equal(shopstat_totals_compute(p, r, &t, &err), SHOPSTAT_EUSAGE);
        assert_null(t);
        shopstat_reader_free(r);
        shopstat_plan_free(p);
    }
    remove_tmp(path);
}

/* --reptype's names in any case (a public-use file's documentation writes "JK2", "Fay");
 * shopstat_rep_note's line: the method, fay's rho, and the centre --mse (or sdr) gives. */
static void test_names_and_note(void **state)
{
    (void)state;
    const struct {
        const char *name;
        shopstat_rep_type type;
    } ok[] = {
        {"jk2", SHOPSTAT_REP_JK2}, {"JK2", SHOPSTAT_REP_JK2}, {"Fay", SHOPSTAT_REP_FAY},
        {"FAY", SHOPSTAT_REP_FAY}, {"JKn", SHOPSTAT_REP_JKN}, {"Bootstrap", SHOPSTAT_REP_BOOTSTRAP},
        {"acs", SHOPSTAT_REP_SDR}, {"ACS", SHOPSTAT_REP_SDR}, {"brr", SHOPSTAT_REP_BRR}};
    shopstat_error err;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        shopstat_rep_type t = SHOPSTAT_REP_NONE;
        assert_int_equal(shopstat_rep_type_parse(ok[i].name, &t, &err), SHOPSTAT_OK);
        assert_int_equal(t, ok[i].type);
    }
    shopstat_rep_type t = SHOPSTAT_REP_BRR;
    const char *bad[] = {"jk", "jk2x", "", "fa"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(shopstat_rep_type_parse(bad[i], &t, &err), SHOPSTAT_EUSAGE);
    assert_int_equal(t, SHOPSTAT_REP_BRR);
    assert_string_equal(shopstat_rep_type_name(SHOPSTAT_REP_JK2), "jk2");

    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    char buf[160];
    assert_int_equal(shopstat_rep_note(&d, buf, sizeof buf), 0); /* no type */
    assert_string_equal(buf, "");
    const char *fay = "Fay's BRR, rho 0.5; variances about the full-sample estimate";
    d.reptype = SHOPSTAT_REP_FAY;
    d.rho = 0.5;
    d.mse = 1;
    assert_int_equal(shopstat_rep_note(&d, buf, sizeof buf), strlen(fay));
    assert_string_equal(buf, fay);
    /* as snprintf: the length needed, a cut line */
    assert_int_equal(shopstat_rep_note(&d, NULL, 0), strlen(fay));
    assert_int_equal(shopstat_rep_note(&d, buf, 10), strlen(fay));
    assert_string_equal(buf, "Fay's BRR");
    d.reptype = SHOPSTAT_REP_JK2;
    d.rho = NAN;
    d.mse = -1;
    shopstat_rep_note(&d, buf, sizeof buf);
    assert_string_equal(buf, "paired jackknife (JK2); variances about the replicates' mean");
    d.reptype = SHOPSTAT_REP_SDR; /* mse on by default */
    shopstat_rep_note(&d, buf, sizeof buf);
    assert_string_equal(buf,
                        "successive differences (SDR); variances about the full-sample estimate");
    d.mse = 0;
    shopstat_rep_note(&d, buf, sizeof buf);
    assert_string_equal(buf, "successive differences (SDR); variances about the replicates' mean");
}

/* Two strata of 3 and 4 PSUs, one row per PSU, weight 1: each created weight is the
 * multiplier itself. */
/* A row's replicate weights are parsed once per distinct text (rep_row keeps the texts
 * of the row in a small table): the rows of csv_text with a1..a4 as v + k 1e-9 (v its
 * value there, k = 4 x row + column: every text of the file distinct), written as "%.9f"
 * and padded with zeros to 20 bytes. Padded, the texts of equal v share their length and
 * first and last 8 bytes, hence their place in the table, and each column lies at the
 * same bytes of every row; the estimate, SE and df are the same bits either way. (It
 * fails when the table is trusted on the length alone, or across rows.) */
static void test_row_texts(void **state)
{
    (void)state;
    static const int v[4][4] = {{2, 0, 1, 1}, {0, 2, 1, 1}, {1, 1, 2, 0}, {1, 1, 0, 2}};
    static const int y[4] = {1, 0, 1, 0};
    char text[2][1024];
    for (int f = 0; f < 2; f++) {
        size_t len = (size_t)snprintf(text[f], sizeof text[f], "y,w,a1,a2,a3,a4\n");
        for (int i = 0; i < 4; i++) {
            len += (size_t)snprintf(text[f] + len, sizeof text[f] - len, "%d,1", y[i]);
            for (int j = 0; j < 4; j++)
                len += (size_t)snprintf(text[f] + len, sizeof text[f] - len,
                                        f ? ",%d.%09d000000000" : ",%d.%09d", v[i][j],
                                        4 * i + j + 1);
            text[f][len++] = '\n';
            text[f][len] = '\0';
        }
    }
    assert_non_null(strstr(text[1], "\n1,1,2.000000001000000000,0.000000002000000000,"));
    shopstat_estimate e[2];
    for (int f = 0; f < 2; f++) {
        char *path = write_tmp(text[f]);
        rep_tab(path, "a", SHOPSTAT_REP_BRR, NAN, NAN, NULL, -1, SHOPSTAT_CI_WALD, &e[f]);
        remove_tmp(path);
    }
    assert_true(e[0].proportion == e[1].proportion);
    assert_true(e[0].se == e[1].se);
    assert_true(e[0].df == e[1].df);
    /* (and the weights are what they say: near csv_text's, whose variance is 1/16) */
    assert_close(e[0].se * e[0].se, 0.25 / 4, 1e-7);
}

/* A post-stratified replicate design keeps a direction (a PSU's replicate weights over its
 * weight) once, whichever post-stratum its rows are in: 12 PSUs, each with rows in the 3
 * post-strata, keep 12 directions on 1 and 2 threads (chunks of 256 bytes: the merges map
 * the workers' pairs of direction and post-stratum). Keyed by (direction, post-stratum)
 * they were 36, three times the memory (the rep80 job: 97 MB on two threads). The
 * estimate, SE and df are those of X'X built row by row (SHOPSTAT_REP_MAX_DIRS=4: no
 * direction kept), where each row's calibrated weights are added as they are. */
static void ps_rep_run(const char *path, const char *pop, int threads, shopstat_estimate *out,
                       size_t *kept)
{
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.repweights = "a";
    d.reptype = SHOPSTAT_REP_BOOTSTRAP;
    d.poststratify = "g";
    d.population = pop;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "y", "y", &err), SHOPSTAT_OK);
    shopstat_reader *r = NULL;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = threads;
    po.chunk_bytes = 256;
    shopstat_totals *t = NULL;
    shopstat_status st = shopstat_totals_compute_opts(p, r, &po, &t, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, SHOPSTAT_OK);
    *kept = rep_kept_directions(t);
    *out = level1_estimate(t, SHOPSTAT_CI_WALD);
    shopstat_totals_free(t);
    shopstat_reader_free(r);
    shopstat_plan_free(p);
}

static void test_ps_directions(void **state)
{
    (void)state;
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "p,g,y,w,a1,a2,a3,a4,a5\n");
    for (int p = 0; p < 12; p++)
        for (int g = 0; g < 3; g++)
            for (int i = 0; i < 2; i++) {
                int w = 1 + (p + i) % 3;
                len += (size_t)snprintf(text + len, sizeof text - len, "%d,G%d,%d,%d", p, g,
                                        (p + g + i) % 2, w);
                /* the PSU's multipliers: 1 or 2 by the bits of p, then 1 + p mod 3 */
                for (int r = 0; r < 4; r++)
                    len += (size_t)snprintf(text + len, sizeof text - len, ",%d",
                                            w * (1 + ((p >> r) & 1)));
                len += (size_t)snprintf(text + len, sizeof text - len, ",%d\n", w * (1 + p % 3));
            }
    char *path = write_tmp(text);
    char *pop = write_tmp("g,N\nG0,40\nG1,50\nG2,60\n");
    shopstat_estimate e[3];
    size_t kept[3];
    ps_rep_run(path, pop, 1, &e[0], &kept[0]);
    ps_rep_run(path, pop, 2, &e[1], &kept[1]);
    setenv("SHOPSTAT_REP_MAX_DIRS", "4", 1);
    ps_rep_run(path, pop, 1, &e[2], &kept[2]);
    unsetenv("SHOPSTAT_REP_MAX_DIRS");
    assert_int_equal(kept[0], 12);
    assert_int_equal(kept[1], 12);
    assert_int_equal(kept[2], 0);
    for (int k = 1; k < 3; k++) {
        assert_close(e[k].proportion, e[0].proportion, 1e-14);
        assert_close(e[k].se, e[0].se, 1e-12);
        assert_true(e[k].df == e[0].df);
    }
    /* R 4.1.1: postStratify(svrepdesign(type = "bootstrap", combined.weights = TRUE),
     * ~g, the population), degf 4 and svymean's SE 0.0034401045807689445 */
    assert_true(e[0].df == 4);
    assert_close(e[0].proportion, 0.5, 1e-14);
    assert_close(e[0].se, 0.0034401045807689445, 1e-12);
    remove_tmp(path);
    remove_tmp(pop);
}

static const char design_text[] = "s,p,w\n"
                                  "A,1,1\nA,2,1\nA,3,1\nB,1,1\nB,2,1\nB,3,1\nB,4,1\n";

static char *create(const char *path, shopstat_rep_type type, unsigned long seed, size_t R,
                    shopstat_replicate_info *info)
{
    shopstat_replicate_opts o;
    shopstat_replicate_opts_init(&o);
    o.weight = "w";
    o.strata = type == SHOPSTAT_REP_JK1 ? NULL : "s";
    o.psu = "p";
    o.type = type;
    o.seed = seed;
    o.replicates = R;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_status st = shopstat_replicate_write(path, NULL, &o, f, info, &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, SHOPSTAT_OK);
    fclose(f);
    return buf;
}

static void test_create(void **state)
{
    (void)state;
    char *path = write_tmp(design_text);
    shopstat_replicate_info info;
    /* JKn: 7 replicates; replicate 2 drops PSU A/2: A/1, A/3 get 3/2, B gets 1. */
    char *jkn = create(path, SHOPSTAT_REP_JKN, 1, 0, &info);
    assert_int_equal(info.replicates, 7);
    assert_close(info.scale, 1, 0);
    assert_close(info.rscales[0], 2.0 / 3, 1e-15);
    assert_close(info.rscales[6], 3.0 / 4, 1e-15);
    assert_non_null(strstr(jkn, "s,p,w,rep1,rep2,rep3,rep4,rep5,rep6,rep7\n"));
    assert_non_null(strstr(jkn, "\nA,1,1,0,1.5,1.5,1,1,1,1\n"));
    assert_non_null(strstr(jkn, "\nA,2,1,1.5,0,1.5,1,1,1,1\n"));
    assert_non_null(strstr(jkn, "\nB,4,1,1,1,1,1.3333333333333333,1.3333333333333333,"
                                "1.3333333333333333,0\n"));
    shopstat_replicate_info_free(&info);
    free(jkn);

    /* Bootstrap: reproducible for a seed, different for another; in every replicate and
     * stratum the multipliers sum to n_h (n_h - 1 draws of n_h/(n_h - 1)). */
    char *b1 = create(path, SHOPSTAT_REP_BOOTSTRAP, 7, 20, &info);
    assert_close(info.scale, 1.0 / 19, 1e-15);
    shopstat_replicate_info_free(&info);
    char *b2 = create(path, SHOPSTAT_REP_BOOTSTRAP, 7, 20, NULL);
    char *b3 = create(path, SHOPSTAT_REP_BOOTSTRAP, 8, 20, NULL);
    assert_string_equal(b1, b2);
    assert_true(strcmp(b1, b3) != 0);
    double sum[2][20] = {{0}};
    char *line = strchr(b1, '\n') + 1;
    while (*line) {
        int h = line[0] == 'A' ? 0 : 1;
        char *f = line;
        for (int k = 0; k < 3; k++)
            f = strchr(f, ',') + 1;
        for (int r = 0; r < 20; r++) {
            char *end;
            double m = strtod(f, &end);
            double fac = h == 0 ? 1.5 : 4.0 / 3;
            double draws = m / fac;
            assert_close(draws, round(draws), 1e-12);
            sum[h][r] += m;
            f = end + 1;
        }
        line = strchr(line, '\n') + 1;
    }
    for (int r = 0; r < 20; r++) {
        assert_close(sum[0][r], 3, 1e-12);
        assert_close(sum[1][r], 4, 1e-12);
    }
    free(b1);
    free(b2);
    free(b3);
    remove_tmp(path);
}

/* The library's messages name the design field of shopstat_replicate_opts, not a flag (a
 * program calling it has none; the CLI adds "--", tests/cli/cases). */
static void test_create_errors(void **state)
{
    (void)state;
    char *path = write_tmp("s,p,w\nA,1,1\nNA,2,1\n");
    shopstat_replicate_opts o;
    shopstat_replicate_opts_init(&o);
    o.weight = "w";
    o.strata = "s";
    o.psu = "pp";
    o.type = SHOPSTAT_REP_JKN;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_replicate_write(path, NULL, &o, f, NULL, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg,
                        "psu column 'pp' not found (did you mean 'p'?); columns are: s, p, w");
    o.psu = "p";
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_replicate_write(path, NULL, &o, f, NULL, &err), SHOPSTAT_EINPUT);
    assert_string_equal(err.msg, "strata column 's' is missing in this row");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 1);
    fclose(f);
    free(buf);
    remove_tmp(path);
}

/* Scales are read as documentation writes them, whatever the process locale (a library
 * caller's setlocale(LC_ALL, "") with a decimal comma) and without strtod's extensions:
 * hexadecimal is no scale. Hand values: 4/80 = 0.05, 79/80 = 0.9875. */
static void test_scale_parse(void **state)
{
    (void)state;
    shopstat_error err;
    double x = 0;
    static const char *const bad[] = {"0x10/80", "0x1p-2", "4/0x50", "4 /80", "4/80 ",
                                      " 4/80",   "1e400",  "4/",     "/80",   "4/80/2",
                                      "inf",     "nan",    NULL};
    for (size_t i = 0; bad[i]; i++) {
        shopstat_error_clear(&err);
        if (shopstat_rep_scale_parse(bad[i], strlen(bad[i]), &x, &err) != SHOPSTAT_EUSAGE)
            fail_msg("'%s' read as %g", bad[i], x);
    }
    static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                          "fr_FR.utf8",  "C",          NULL};
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue; /* (a locale not installed: the C locale ends the list) */
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_rep_scale_parse("4/80", 4, &x, &err), SHOPSTAT_OK);
        assert_true(x == 4.0 / 80);
        assert_int_equal(shopstat_rep_scale_parse("0.9875", 6, &x, &err), SHOPSTAT_OK);
        assert_true(x == 0.9875);
        assert_int_equal(shopstat_rep_scale_parse("79/80", 5, &x, &err), SHOPSTAT_OK);
        assert_true(x == 79.0 / 80);
        assert_int_equal(shopstat_rep_scale_parse("0,05", 4, &x, &err), SHOPSTAT_EUSAGE);
    }
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank),           cmocka_unit_test(test_rank_near_dependent),
        cmocka_unit_test(test_scales),         cmocka_unit_test(test_scale_parse),
        cmocka_unit_test(test_row_texts),      cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_names_and_note), cmocka_unit_test(test_repweights_free),
        cmocka_unit_test(test_create),         cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_ps_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
