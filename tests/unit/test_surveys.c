/* Unit tests for the bundled surveys: committed data regenerate exactly and match the published
 * figures. */
#include "testutil.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The committed CSVs are small: load them whole into a row-major table of doubles (NAN = empty
 * cell) with libcsv, columns found by header name. */
#define MAX_COLS 32
#define MAX_ROWS 1200

typedef struct {
    char names[MAX_COLS][32];
    double v[MAX_ROWS][MAX_COLS];
    size_t ncol, nrow, col; /* nrow counts data rows; row 0 of the file is the header */
    int header_done;
} table;

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (!t->header_done) {
        if (t->col < MAX_COLS && len < sizeof t->names[0]) {
            memcpy(t->names[t->col], s, len);
            t->names[t->col][len] = '\0';
        }
    } else if (t->nrow < MAX_ROWS && t->col < MAX_COLS) {
        char buf[64] = "";
        memcpy(buf, s, len < sizeof buf - 1 ? len : sizeof buf - 1);
        t->v[t->nrow][t->col] = len ? strtod(buf, NULL) : NAN;
    }
    t->col++;
}

static void on_row(int c, void *data)
{
    (void)c;
    table *t = data;
    if (!t->header_done) {
        t->ncol = t->col;
        t->header_done = 1;
    } else {
        assert_int_equal(t->col, t->ncol); /* every row has the header's width */
        t->nrow++;
    }
    t->col = 0;
}

static table *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    table *t = calloc(1, sizeof *t);
    assert_non_null(t);
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_APPEND_NULL), 0);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(csv_parse(&p, buf, n, on_field, on_row, t), n);
    csv_fini(&p, on_field, on_row, t);
    csv_free(&p);
    fclose(f);
    return t;
}

static size_t col(const table *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (strcmp(t->names[j], name) == 0)
            return j;
    fail_msg("no column %s", name);
    return 0;
}

/* Row filter: value of column `c` equal to `eq`, or different from it (an empty cell included)
 * when `ne` is set; every row passes when c is SIZE_MAX. */
typedef struct {
    size_t c;
    double eq;
    int ne;
} cond;
#define ANY ((cond){SIZE_MAX, 0, 0})

static int pass(const double *r, cond a)
{
    return a.c == SIZE_MAX || (a.ne ? !(r[a.c] == a.eq) : r[a.c] == a.eq);
}

/* Weighted share of rows with y == yes among rows meeting both filters and answering y. */
static double wprop(const table *t, size_t w, size_t y, double yes, cond a, cond b)
{
    double s = 0.0, tot = 0.0;
    for (size_t i = 0; i < t->nrow; i++) {
        const double *r = t->v[i];
        if (isnan(r[y]) || !pass(r, a) || !pass(r, b))
            continue;
        double wi = w == SIZE_MAX ? 1.0 : r[w];
        tot += wi;
        s += r[y] == yes ? wi : 0.0;
    }
    return s / tot;
}

/* Runs a generator and compares its output with the committed file byte for byte. */
static void assert_regenerates(const char *tool, const char *path)
{
    const char *build = getenv("BUILD");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tools/%s", build && *build ? build : "build", tool);
    FILE *g = popen(cmd, "r"), *f = fopen(path, "rb");
    assert_non_null(g);
    assert_non_null(f);
    size_t line = 1;
    int a, b;
    do {
        a = getc(g);
        b = getc(f);
        if (a != b)
            fail_msg("%s differs from %s at line %zu", cmd, path, line);
        line += a == '\n';
    } while (a != EOF);
    assert_int_equal(pclose(g), 0);
    fclose(f);
}

#define SS "surveys/servicesoft-1999/respondents.csv"
#define TT "surveys/teletech-open-to-dialog-2011/respondents.csv"

static void test_servicesoft_regenerates(void **state)
{
    (void)state;
    assert_regenerates("gen_servicesoft", SS);
}

static void test_teletech_regenerates(void **state)
{
    (void)state;
    assert_regenerates("gen_teletech", TT);
}

/* Published (Servicesoft, end 1999): 69 % vs 87 % would switch, 65 % vs 79 % bought more,
 * 5 % no e-mail problem, close to 50 % problem never solved; all within 0.5 point, weighted. */
static void test_servicesoft_published(void **state)
{
    (void)state;
    table *t = load(SS);
    assert_int_equal(t->nrow, 836);
    size_t w = col(t, "wt"), sp = col(t, "spend_6m");
    cond heavy = {sp, 3, 0};
    double mean = 0.0;
    for (size_t i = 0; i < t->nrow; i++)
        mean += t->v[i][w] / (double)t->nrow;
    assert_close(mean, 1.0, 1e-3);
    assert_close(wprop(t, w, col(t, "would_switch"), 1, ANY, ANY), 0.69, 0.005);
    assert_close(wprop(t, w, col(t, "would_switch"), 1, heavy, ANY), 0.87, 0.005);
    assert_close(wprop(t, w, col(t, "bought_more"), 1, ANY, ANY), 0.65, 0.005);
    assert_close(wprop(t, w, col(t, "bought_more"), 1, heavy, ANY), 0.79, 0.005);
    assert_close(wprop(t, w, col(t, "prob_none"), 1, ANY, ANY), 0.05, 0.005);
    assert_close(wprop(t, w, col(t, "prob_unsolved"), 1, ANY, ANY), 0.50, 0.005);
    /* Weighted, not only unweighted: the weights must matter for these data to be a test. */
    assert_true(fabs(wprop(t, SIZE_MAX, col(t, "bought_more"), 1, heavy, ANY) - 0.79) > 0.001);
    free(t);
}

/* E-mail first for heavy buyers only; multi-response sets are coherent. */
static void test_servicesoft_channels_and_sets(void **state)
{
    (void)state;
    table *t = load(SS);
    size_t w = col(t, "wt"), sp = col(t, "spend_6m");
    const char *ch[] = {"pref_email", "pref_phone", "pref_form", "pref_mail"};
    double h[4], l[4];
    for (int c = 0; c < 4; c++) {
        h[c] = wprop(t, w, col(t, ch[c]), 1, (cond){sp, 3, 0}, ANY);
        l[c] = wprop(t, w, col(t, ch[c]), 1, (cond){sp, 3, 1}, ANY);
    }
    /* Heavy buyers: e-mail clearly first. Others: e-mail not clearly ahead of phone or form. */
    for (int c = 1; c < 4; c++)
        assert_true(h[0] > h[c] + 0.15);
    assert_true(l[0] < fmax(l[1], l[2]) + 0.03);
    size_t p0 = col(t, "prob_autoreply"), none = col(t, "prob_none"), e0 = col(t, "pref_email");
    for (size_t i = 0; i < t->nrow; i++) {
        const double *r = t->v[i];
        double probs = 0.0, prefs = 0.0;
        for (size_t j = p0; j < none; j++)
            probs += r[j];
        for (size_t j = e0; j < e0 + 4; j++)
            prefs += r[j];
        if (!isnan(r[none]))
            assert_true(r[none] == 1 ? probs == 0 : probs >= 1);
        assert_true(isnan(prefs) || prefs >= 1);
    }
    free(t);
}

/* Published (Teletech, Dec 2011, 2010 in brackets): phone shown 64 %, of which premium 47 %,
 * reachable 22 % (7 %); e-mail shown 76 % (85 %); reply within an hour 37 % (21 %). */
static void test_teletech_published(void **state)
{
    (void)state;
    table *t = load(TT);
    size_t wave = col(t, "wave"), w = col(t, "wt");
    size_t ph = col(t, "phone_shown"), em = col(t, "email_shown");
    cond y11 = {wave, 2011, 0}, y10 = {wave, 2010, 0};
    size_t n11 = 0;
    for (size_t i = 0; i < t->nrow; i++)
        n11 += t->v[i][wave] == 2011;
    assert_int_equal(n11, 494);
    assert_close(wprop(t, w, ph, 1, y11, ANY), 0.64, 0.005);
    assert_close(wprop(t, w, col(t, "phone_premium"), 1, y11, (cond){ph, 1, 0}), 0.47, 0.005);
    assert_close(wprop(t, w, col(t, "phone_reached"), 1, y11, (cond){ph, 1, 0}), 0.22, 0.005);
    assert_close(wprop(t, w, col(t, "phone_reached"), 1, y10, (cond){ph, 1, 0}), 0.07, 0.005);
    assert_close(wprop(t, w, em, 1, y11, ANY), 0.76, 0.005);
    assert_close(wprop(t, w, em, 1, y10, ANY), 0.85, 0.005);
    assert_close(wprop(t, w, col(t, "reply_1h"), 1, y11, (cond){em, 1, 0}), 0.37, 0.005);
    assert_close(wprop(t, w, col(t, "reply_1h"), 1, y10, (cond){em, 1, 0}), 0.21, 0.005);
    /* Follow-ups are asked exactly where their filter is 1. */
    for (size_t i = 0; i < t->nrow; i++) {
        const double *r = t->v[i];
        assert_true(isnan(r[col(t, "phone_premium")]) == (r[ph] == 0));
        assert_true(isnan(r[col(t, "phone_reached")]) == (r[ph] == 0));
        assert_true(isnan(r[col(t, "reply_1h")]) == (r[em] == 0));
    }
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_servicesoft_regenerates),
        cmocka_unit_test(test_teletech_regenerates),
        cmocka_unit_test(test_servicesoft_published),
        cmocka_unit_test(test_servicesoft_channels_and_sets),
        cmocka_unit_test(test_teletech_published),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
