/* Unit tests for the chart module: options, parsers, validation, ordering, file output. */
#include "testutil.h"

#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shopstat/chart.h"
#include "shopstat/chartset.h"
#include "../../plots/internal.h"

/* A small valid bars chart: 4 levels x 2 series, "Other" given second. */
static const shopstat_chart_level levels[] = {
    {"1", "Phone", 0}, {"8", "Other (please specify)", 0}, {"2", "E-mail", 0}, {"3", "Web", 0}};
static const shopstat_chart_series series[] = {{"heavy", "Heavy buyers", 248, 180},
                                               {"all", "All buyers", 836, 610}};
static shopstat_chart_cell cells[8];

static shopstat_chart_data make_data(void)
{
    /* 'all' (series 1) values: Phone 0.40, Other 0.90, E-mail 0.70, Web 0.10. */
    double v[4][2] = {{0.5, 0.4}, {0.2, 0.9}, {0.6, 0.7}, {0.3, 0.1}};
    for (int l = 0; l < 4; l++)
        for (int j = 0; j < 2; j++) {
            shopstat_chart_cell c = {v[l][j], v[l][j] - 0.05, v[l][j] + 0.05, NAN, NULL};
            cells[l * 2 + j] = c;
        }
    shopstat_chart_data d;
    memset(&d, 0x5a, sizeof d);
    shopstat_chart_data_init(&d);
    assert_int_equal(d.neutral, -1);
    assert_null(d.cells);
    assert_int_equal(d.nwaves, 0);
    d.name = "q7";
    d.label = "Contact channel";
    d.levels = levels;
    d.nlevels = 4;
    d.series = series;
    d.nseries = 2;
    d.cells = cells;
    return d;
}

static void test_opts_defaults(void **state)
{
    (void)state;
    shopstat_chart_opts o;
    memset(&o, 0xff, sizeof o);
    shopstat_chart_opts_init(&o);
    assert_close(o.width, 842, 0);
    assert_close(o.height, 595, 0);
    assert_int_equal(o.type, SHOPSTAT_CHART_BARS);
    assert_int_equal(o.sort, SHOPSTAT_CHART_SORT_ALL);
    assert_int_equal(o.zoom, 0);
    assert_int_equal(o.show_ci, 1);
    assert_close(o.ci_level, 0.95, 1e-12);
    assert_close(o.alpha, 0.05, 1e-12);
    assert_close(o.low_base, 30, 0);
    assert_close(o.png_scale, 2, 0);
    assert_int_equal(o.compact, 0);
    assert_null(o.title);
    assert_null(o.source);
    assert_int_equal(o.nnotes, 0);
}

static void test_size_parse(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    double w = 0, h = 0;
    assert_int_equal(shopstat_chart_size_parse("842x595", &w, &h, &e), SHOPSTAT_OK);
    assert_close(w, 842, 0);
    assert_close(h, 595, 0);
    assert_int_equal(shopstat_chart_size_parse("1000X500.5", &w, &h, &e), SHOPSTAT_OK);
    assert_close(w, 1000, 0);
    assert_close(h, 500.5, 0);
    assert_int_equal(shopstat_chart_size_parse("A4-portrait", &w, &h, &e), SHOPSTAT_OK);
    assert_close(w, 595, 0);
    assert_close(h, 842, 0);
    assert_int_equal(shopstat_chart_size_parse("slide", &w, &h, &e), SHOPSTAT_OK);
    assert_close(w, 960, 0);
    assert_close(h, 540, 0);
    const char *bad[] = {"",           "abc",     "842x",      "x595",     "842x595x", "842*595",
                         "842 x 595z", "100x100", "20000x500", "842x-595", "nanxinf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        shopstat_error_clear(&e);
        assert_int_equal(shopstat_chart_size_parse(bad[i], &w, &h, &e), SHOPSTAT_EUSAGE);
        assert_non_null(strstr(e.msg, "--chart-size"));
    }
    assert_int_equal(shopstat_chart_size_parse(NULL, &w, &h, &e), SHOPSTAT_EUSAGE);
}

static void test_type_and_sort_parse(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_type t;
    const char *names[] = {"bars", "diff", "likert", "trend"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(shopstat_chart_type_parse(names[i], &t, &e), SHOPSTAT_OK);
        assert_int_equal(t, i);
        assert_string_equal(shopstat_chart_type_name(t), names[i]);
    }
    assert_int_equal(shopstat_chart_type_parse("Difference", &t, &e), SHOPSTAT_OK);
    assert_int_equal(t, SHOPSTAT_CHART_DIFF);
    assert_int_equal(shopstat_chart_type_parse("pie", &t, &e), SHOPSTAT_EUSAGE);
    assert_string_equal(e.msg, "--chart-type 'pie': expected bars, diff, likert or trend");
    assert_string_equal(shopstat_chart_type_name((shopstat_chart_type)42), "unknown");
    /* a score chart has a name, but --chart-type does not choose it for a table */
    assert_string_equal(shopstat_chart_type_name(SHOPSTAT_CHART_SCORE), "score");
    assert_int_equal(shopstat_chart_type_parse("score", &t, &e), SHOPSTAT_EUSAGE);
    assert_string_equal(e.msg, "--chart-type 'score': expected bars, diff, likert or trend");
    shopstat_chart_sort s;
    assert_int_equal(shopstat_chart_sort_parse("none", &s, &e), SHOPSTAT_OK);
    assert_int_equal(s, SHOPSTAT_CHART_SORT_NONE);
    assert_int_equal(shopstat_chart_sort_parse("ALL", &s, &e), SHOPSTAT_OK);
    assert_int_equal(s, SHOPSTAT_CHART_SORT_ALL);
    assert_int_equal(shopstat_chart_sort_parse("value", &s, &e), SHOPSTAT_EUSAGE);
}

static void test_format_from_path(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_format f;
    assert_int_equal(shopstat_chart_format_from_path("a.pdf", &f, &e), SHOPSTAT_OK);
    assert_int_equal(f, SHOPSTAT_CHART_PDF);
    assert_int_equal(shopstat_chart_format_from_path("out.d/x.PNG", &f, &e), SHOPSTAT_OK);
    assert_int_equal(f, SHOPSTAT_CHART_PNG);
    assert_int_equal(shopstat_chart_format_from_path("c.Svg", &f, &e), SHOPSTAT_OK);
    assert_int_equal(f, SHOPSTAT_CHART_SVG);
    const char *bad[] = {"chart", "chart.jpg", "dir.pdf/chart", ".pdf", "dir/.png", "a.pdfx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(shopstat_chart_format_from_path(bad[i], &f, &e), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(e.msg, ".pdf, .png or .svg"));
}

static void test_page_path(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    char buf[256];
    assert_int_equal(shopstat_chart_page_path("out/c.png", "q7", 0, 2, buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "out/c-q7.png");
    assert_int_equal(shopstat_chart_page_path("out/c.png", "q7", 0, 1, buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "out/c.png");
    assert_int_equal(shopstat_chart_page_path("c.pdf", "q7", 3, 9, buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "c.pdf");
    /* "é" is two bytes in UTF-8: each becomes '_'. */
    assert_int_equal(shopstat_chart_page_path("c.svg", "Q 7/\xc3\xa9", 0, 2, buf, sizeof buf, &e),
                     0);
    assert_string_equal(buf, "c-Q_7___.svg");
    assert_int_equal(shopstat_chart_page_path("c.svg", "", 2, 3, buf, sizeof buf, &e), 0);
    assert_string_equal(buf, "c-q3.svg");
    assert_int_equal(shopstat_chart_page_path("c.svg", "q7", 0, 2, buf, 6, &e), SHOPSTAT_ELIMIT);
}

static void test_residual_labels(void **state)
{
    (void)state;
    const char *yes[] = {"Other",
                         "other (please specify)",
                         "None",
                         "Don't know",
                         "Don\xe2\x80\x99t know",
                         "DK",
                         "No answer",
                         "Autre",
                         "Ne sait pas",
                         "NSP",
                         "  Refused"};
    const char *no[] = {"Otherwise", "Nonetheless", "Phone", "Donkey", ""};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(shopstat_chart_label_is_residual(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(shopstat_chart_label_is_residual(no[i]));
    assert_false(shopstat_chart_label_is_residual(NULL));
}

static void test_level_order(void **state)
{
    (void)state;
    shopstat_chart_data d = make_data();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    size_t order[4];
    /* By the 'all' series (index 1): E-mail .7, Phone .4, Web .1; Other last despite .9. */
    plots_level_order(&d, &o, order);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 0);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 1);
    o.sort = SHOPSTAT_CHART_SORT_NONE;
    plots_level_order(&d, &o, order);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(order[i], i);
    /* A level can be forced last, and a residual-looking one kept in the sort. */
    shopstat_chart_level lv[4];
    memcpy(lv, levels, sizeof lv);
    lv[1].last = -1;
    lv[0].last = 1;
    d.levels = lv;
    o.sort = SHOPSTAT_CHART_SORT_ALL;
    plots_level_order(&d, &o, order);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 0);
}

/* A difference chart sorts by its first comparison's difference, largest first, not by the
 * 'all' series its data may also carry (that would order E-mail, Phone, Web here). */
static void test_level_order_diff(void **state)
{
    (void)state;
    shopstat_chart_data d = make_data();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_DIFF;
    /* heavy minus all: Phone +.10, Other -.70, E-mail -.10, Web +.20; the second comparison
     * runs the other way and must not matter */
    static const char *const labels[] = {"heavy minus all", "heavy minus the rest"};
    const double first[4] = {0.10, -0.70, -0.10, 0.20};
    shopstat_chart_diff df[8];
    for (size_t l = 0; l < 4; l++) {
        shopstat_chart_diff a = {first[l], first[l] - 0.05, first[l] + 0.05, 0.01, 1, 0};
        shopstat_chart_diff b = {-first[l], -first[l] - 0.05, -first[l] + 0.05, 0.01, 1, 0};
        df[l * 2] = a;
        df[l * 2 + 1] = b;
    }
    d.compare_labels = labels;
    d.ncompare = 2;
    d.diffs = df;
    size_t order[4];
    plots_level_order(&d, &o, order);
    assert_int_equal(order[0], 3); /* Web +20 */
    assert_int_equal(order[1], 0); /* Phone +10 */
    assert_int_equal(order[2], 2); /* E-mail -10 */
    assert_int_equal(order[3], 1); /* Other: residual, last */
    o.sort = SHOPSTAT_CHART_SORT_NONE;
    plots_level_order(&d, &o, order);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(order[i], i);
}

/* A bar's significance letters name every series it beats, A to Z: segment 'top' higher
 * than nine others carries nine letters (a cell kept six before), and a series past Z gets
 * none (it had '[', '\\', ... before). */
static void test_sig_letters(void **state)
{
    (void)state;
    enum { NSER = 30 };
    static char names[NSER][8];
    shopstat_estimate e[NSER];
    shopstat_difference d[NSER];
    memset(e, 0, sizeof e);
    memset(d, 0, sizeof d);
    for (size_t k = 0; k < NSER; k++) {
        snprintf(names[k], sizeof names[k], k == 9 ? "top" : "s%zu", k);
        e[k] = (shopstat_estimate){.variable = "q",
                                   .level = "1",
                                   .segment = names[k],
                                   .q = 0,
                                   .l = 0,
                                   .s = k,
                                   .base_n = 100,
                                   .base_weight = 100,
                                   .count = 50,
                                   .proportion = k == 9 ? 0.9 : 0.4,
                                   .se = 0.01,
                                   .ci_lower = 0.3,
                                   .ci_upper = 0.5,
                                   .df = 50,
                                   .deff = 1,
                                   .eff_base = 100};
    }
    size_t nd = 0;
    for (size_t k = 0; k < NSER; k++) {
        if (k == 9)
            continue;
        /* top beats series 0-8 and 27-29; series 27 beats series 28 too */
        if (k > 8 && k < 27)
            continue;
        d[nd++] = (shopstat_difference){.variable = "q",
                                        .level = "1",
                                        .segment_a = "top",
                                        .segment_b = names[k],
                                        .difference = 0.5,
                                        .p_adjusted = 0.001};
    }
    d[nd++] = (shopstat_difference){.variable = "q",
                                    .level = "1",
                                    .segment_a = names[27],
                                    .segment_b = names[28],
                                    .difference = 0.1,
                                    .p_adjusted = 0.001};
    shopstat_chartset_opts o;
    shopstat_chartset_opts_init(&o);
    o.diffs = d;
    o.ndiffs = nd;
    o.alpha = 0.05;
    shopstat_chartset *set = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_chartset_build(e, NSER, &o, &set, &err), SHOPSTAT_OK);
    const shopstat_chart_data *c = shopstat_chartset_charts(set)[0];
    assert_non_null(c->cells[9].sig);
    assert_string_equal(c->cells[9].sig, "ABCDEFGHI"); /* (27-29: past Z, unlettered) */
    assert_null(c->cells[27].sig);
    shopstat_chartset_free(set);
}

/* A bar of effective base under 10 is not tested (methods.md; compare's table view and the
 * workbook leave it out): it neither gets nor gives a letter, and a rest of effective base
 * under 10 gives no triangle, however small p. Series 'tiny' (eff. base 6) is far above
 * 'all' and 'big' (eff. base 200), 'big' above 'all'. */
static void test_sig_low_base(void **state)
{
    (void)state;
    static const char *const seg[3] = {"all", "tiny", "big"};
    static const double eff[3] = {300, 6, 200}, p[3] = {0.3, 1.0, 0.45};
    shopstat_estimate e[3];
    memset(e, 0, sizeof e);
    for (size_t k = 0; k < 3; k++)
        e[k] = (shopstat_estimate){.variable = "q",
                                   .level = "1",
                                   .segment = seg[k],
                                   .s = k,
                                   .base_n = (size_t)eff[k],
                                   .proportion = p[k],
                                   .ci_lower = p[k] - 0.05,
                                   .ci_upper = p[k],
                                   .eff_base = eff[k]};
    shopstat_difference d[4] = {
        {.variable = "q",
         .segment_a = "tiny",
         .segment_b = "all",
         .difference = 0.7,
         .p_adjusted = 1e-20,
         .eff_base_a = 6,
         .eff_base_b = 300},
        {.variable = "q",
         .segment_a = "big",
         .segment_b = "tiny",
         .difference = -0.55,
         .p_adjusted = 1e-20,
         .eff_base_a = 200,
         .eff_base_b = 6},
        {.variable = "q",
         .segment_a = "big",
         .segment_b = "all",
         .difference = 0.15,
         .p_adjusted = 0.001,
         .eff_base_a = 200,
         .eff_base_b = 300},
        /* tiny's rest is big: the rest of 'all but 6 rows' vs a rest of 6 rows */
        {.variable = "q",
         .segment_a = "big",
         .segment_b = "rest",
         .difference = 0.2,
         .p_adjusted = 1e-20,
         .eff_base_a = 200,
         .eff_base_b = 6}};
    shopstat_chartset_opts o;
    shopstat_chartset_opts_init(&o);
    o.diffs = d;
    o.ndiffs = 4;
    shopstat_chartset *set = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_chartset_build(e, 3, &o, &set, &err), SHOPSTAT_OK);
    const shopstat_chart_data *c = shopstat_chartset_charts(set)[0];
    assert_null(c->cells[0].sig);
    assert_null(c->cells[1].sig);
    assert_non_null(c->cells[2].sig);
    assert_string_equal(c->cells[2].sig, "A"); /* above all; not B, no triangle */
    shopstat_chartset_free(set);
}

/* A pair A:rest has no bar for the rest: A's bar gets a triangle, up when higher, down when
 * lower than the rest (a letter would go to the missing bar), after its letters; the notes
 * say what the triangles mean and who the rest are. */
static void test_sig_rest(void **state)
{
    (void)state;
    static const char *const seg[2] = {"all", "heavy"}, *const lev[2] = {"1", "2"};
    shopstat_estimate e[4];
    memset(e, 0, sizeof e);
    for (size_t l = 0; l < 2; l++)
        for (size_t k = 0; k < 2; k++)
            e[l * 2 + k] = (shopstat_estimate){.variable = "switch",
                                               .level = lev[l],
                                               .segment = seg[k],
                                               .l = l,
                                               .s = k,
                                               .base_n = 200,
                                               .proportion = l ? 0.3 : 0.7,
                                               .ci_lower = 0.2,
                                               .ci_upper = 0.8,
                                               .eff_base = 150};
    /* heavy above all on level 1; above the rest on level 1, below it on level 2; a rest
     * difference that is not significant marks nothing */
    shopstat_difference d[4] = {{.variable = "switch",
                                 .segment_a = "heavy",
                                 .segment_b = "all",
                                 .l = 0,
                                 .difference = 0.18,
                                 .p_adjusted = 0.001},
                                {.variable = "switch",
                                 .segment_a = "heavy",
                                 .segment_b = "rest",
                                 .l = 0,
                                 .difference = 0.25,
                                 .p_adjusted = 0.001,
                                 .eff_base_b = 120},
                                {.variable = "switch",
                                 .segment_a = "heavy",
                                 .segment_b = "rest",
                                 .l = 1,
                                 .difference = -0.25,
                                 .p_adjusted = 0.002,
                                 .eff_base_b = 120},
                                {.variable = "switch",
                                 .segment_a = "all",
                                 .segment_b = "rest",
                                 .l = 1,
                                 .difference = -0.01,
                                 .p_adjusted = 0.6,
                                 .eff_base_b = 120}};
    shopstat_chartset_opts o;
    shopstat_chartset_opts_init(&o);
    o.diffs = d;
    o.ndiffs = 4;
    shopstat_chartset *set = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_chartset_build(e, 4, &o, &set, &err), SHOPSTAT_OK);
    const shopstat_chart_data *c = shopstat_chartset_charts(set)[0];
    assert_null(c->cells[0].sig);
    assert_string_equal(c->cells[1].sig, "A \xe2\x96\xb2"); /* A, a space, then U+25B2 */
    assert_null(c->cells[2].sig);
    assert_string_equal(c->cells[3].sig, "\xe2\x96\xbc"); /* U+25BC */
    assert_string_equal(shopstat_chartset_sig_note(set),
                        "Letters: significantly higher than the segment of that letter (A = all, "
                        "B = heavy), adjusted p < 0.05. \xe2\x96\xb2 / \xe2\x96\xbc: "
                        "significantly higher / lower than the rest (those not in heavy), "
                        "adjusted p < 0.05.");
    /* heavy:all compares a segment with the whole it is part of: said, with how it is tested */
    assert_string_equal(shopstat_chartset_rest_note(set),
                        "heavy are part of all: their difference is tested with its design-based "
                        "variance, the overlap's covariance included (not as independent "
                        "samples).");
    shopstat_chartset_free(set);

    /* only the rest pairs: no sentence about letters; a difference chart says who the rest is */
    o.diffs = d + 1;
    o.ndiffs = 2;
    assert_int_equal(shopstat_chartset_build(e, 4, &o, &set, &err), SHOPSTAT_OK);
    assert_string_equal(shopstat_chartset_sig_note(set),
                        "\xe2\x96\xb2 / \xe2\x96\xbc: significantly higher / lower than the "
                        "rest (those not in heavy), adjusted p < 0.05.");
    shopstat_chartset_free(set);
    o.type = SHOPSTAT_CHART_DIFF;
    assert_int_equal(shopstat_chartset_build(e, 4, &o, &set, &err), SHOPSTAT_OK);
    c = shopstat_chartset_charts(set)[0];
    assert_int_equal(c->ncompare, 1);
    assert_string_equal(c->compare_labels[0], "heavy minus the rest");
    assert_string_equal(shopstat_chartset_rest_note(set), "The rest: those not in heavy.");
    shopstat_chartset_free(set);
}

/* The labels of mirror_set's levels: ctx holds the two labels, by code index. */
static const char *mirror_label(void *ctx, const char *question, const char *level,
                                const char *segment)
{
    const char *const *lab = ctx;
    if (!question || !level || segment)
        return NULL;
    return lab[strcmp(level, "1") == 0 || strcmp(level, "2") == 0 ? strcmp(level, "1") != 0
                                                                  : 0];
}

/* A difference chart of a question of two answers: its two rows mirror each other (heavy
 * +25 points on yes, -25 on no), and it draws one, the level that reads as yes (by its label,
 * its code, or 1 of 0 and 1; else the first); both with diff_all_levels, or when the rows do
 * not mirror (a multi-response question's levels are each their own). */
static shopstat_chartset *mirror_set(const char *const *codes, const char *const *labels,
                                     double d0, double d1, int all_levels)
{
    static const char *const seg[2] = {"all", "heavy"};
    static shopstat_estimate e[4];
    static const char *lab[2];
    for (size_t l = 0; l < 2; l++) {
        lab[l] = labels ? labels[l] : NULL;
        for (size_t k = 0; k < 2; k++)
            e[l * 2 + k] = (shopstat_estimate){.variable = "q",
                                               .level = codes[l],
                                               .segment = seg[k],
                                               .l = l,
                                               .s = k,
                                               .base_n = 200,
                                               .proportion = l ? 0.4 : 0.6,
                                               .ci_lower = 0.3,
                                               .ci_upper = 0.7,
                                               .eff_base = 150};
    }
    static shopstat_difference d[2];
    for (size_t l = 0; l < 2; l++)
        d[l] = (shopstat_difference){.variable = "q",
                                     .level = codes[l],
                                     .segment_a = "heavy",
                                     .segment_b = "all",
                                     .l = l,
                                     .difference = l ? d1 : d0,
                                     .ci_lower = (l ? d1 : d0) - 0.05,
                                     .ci_upper = (l ? d1 : d0) + 0.05,
                                     .p_adjusted = 0.001,
                                     .eff_base_a = 150,
                                     .eff_base_b = 150};
    shopstat_chartset_opts o;
    shopstat_chartset_opts_init(&o);
    o.type = SHOPSTAT_CHART_DIFF;
    o.diffs = d;
    o.ndiffs = 2;
    o.diff_all_levels = all_levels;
    o.label = labels ? mirror_label : NULL;
    o.label_ctx = lab;
    shopstat_chartset *set = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_chartset_build(e, 4, &o, &set, &err), SHOPSTAT_OK);
    return set;
}

static void test_diff_mirror(void **state)
{
    (void)state;
    static const char *const c12[2] = {"1", "2"}, *const c01[2] = {"0", "1"},
                             *const cyn[2] = {"n", "y"}, *const cab[2] = {"a", "b"};
    static const char *const yes_no[2] = {"Yes", "No"}, *const no_yes[2] = {"NO", " yes "},
                             *const non[2] = {"Non", "Parfois"};
    struct {
        const char *const *codes, *const *labels;
        double d0, d1;
        int all;
        size_t nlevels;
        const char *kept;
        double diff;
    } cases[] = {
        {c12, yes_no, 0.25, -0.25, 0, 1, "1", 0.25},  /* Yes first */
        {c12, no_yes, -0.25, 0.25, 0, 1, "2", 0.25},  /* yes second, any case and spaces */
        {c12, non, 0.1, -0.1, 0, 1, "2", -0.1},       /* the other of a no */
        {cyn, NULL, -0.2, 0.2, 0, 1, "y", 0.2},       /* a code y */
        {c01, NULL, -0.2, 0.2, 0, 1, "1", 0.2},       /* 1 of 0 and 1 */
        {cab, NULL, 0.3, -0.3, 0, 1, "a", 0.3},       /* else the first */
        {c12, yes_no, 0.25, -0.25, 1, 2, "1", 0.25},  /* diff_all_levels: both */
        {c12, yes_no, 0.25, -0.10, 0, 2, "1", 0.25},  /* no mirror: both */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shopstat_chartset *set = mirror_set(cases[i].codes, cases[i].labels, cases[i].d0,
                                            cases[i].d1, cases[i].all);
        const shopstat_chart_data *c = shopstat_chartset_charts(set)[0];
        assert_int_equal(c->nlevels, cases[i].nlevels);
        assert_string_equal(c->levels[0].code, cases[i].kept);
        assert_close(c->diffs[0].diff, cases[i].diff, 1e-15);
        assert_close(c->diffs[0].lo, cases[i].diff - 0.05, 1e-15);
        shopstat_chartset_free(set);
    }
}

static void test_formats(void **state)
{
    (void)state;
    char buf[32];
    plots_fmt_pct(0.694, 0, buf, sizeof buf);
    assert_string_equal(buf, "69%");
    plots_fmt_pct(0.004, 0, buf, sizeof buf);
    assert_string_equal(buf, "<1%");
    plots_fmt_pct(0, 0, buf, sizeof buf);
    assert_string_equal(buf, "0%");
    plots_fmt_pct(0.6949, 1, buf, sizeof buf);
    assert_string_equal(buf, "69.5%");
    plots_fmt_pct(NAN, 0, buf, sizeof buf);
    assert_string_equal(buf, "n/a");
    plots_fmt_pct(-0.00004, 1, buf, sizeof buf); /* (a Wald bound just below 0) */
    assert_string_equal(buf, "0.0%");
    plots_fmt_base(&series[0], 30, buf, sizeof buf);
    assert_string_equal(buf, "n=248, eff. n=180");
    shopstat_chart_series same = {"x", NULL, 100, 100.2};
    plots_fmt_base(&same, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=100");
    /* an effective base below the low-base threshold reads below it */
    shopstat_chart_series low = {"x", NULL, 30, 29.768};
    plots_fmt_base(&low, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=30, eff. n=29.7");
    shopstat_chart_series low35 = {"x", NULL, 35, 29.96};
    plots_fmt_base(&low35, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=35, eff. n=29.9");
    shopstat_chart_series at = {"x", NULL, 35, 30.2};
    plots_fmt_base(&at, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=35, eff. n=30");
    shopstat_chart_series small = {"x", NULL, 12, 11.9};
    plots_fmt_base(&small, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=12");
    /* bases in groups of three digits, as report.md's */
    shopstat_chart_series big = {"x", NULL, 12345, 1031.6};
    plots_fmt_base(&big, 30, buf, sizeof buf);
    assert_string_equal(buf, "n=12,345, eff. n=1,032");
    /* tick labels carry the decimals their step needs: 20%, 2.5%, 0.5%, 0.25%, 0.1% steps */
    /* a difference's confidence bounds keep their side of zero */
    char b[32];
    plots_fmt_bound(-0.0034, 0, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92" "0.3");
    plots_fmt_bound(0.0034, 0, b, sizeof b);
    assert_string_equal(b, "+0.3");
    /* (past two more decimals, 0 unsigned: "−0.00" is no number a reader knows) */
    plots_fmt_bound(-0.00004, 0, b, sizeof b);
    assert_string_equal(b, "0");
    plots_fmt_bound(0.00004, 1, b, sizeof b);
    assert_string_equal(b, "+0.004");
    plots_fmt_bound(-0.0000004, 1, b, sizeof b);
    assert_string_equal(b, "0.0");
    plots_fmt_bound(-0.023, 0, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92" "2");
    plots_fmt_bound(0.00034, 1, b, sizeof b);
    assert_string_equal(b, "+0.03");
    plots_fmt_bound(0, 0, b, sizeof b);
    assert_string_equal(b, "0");
    assert_int_equal(plots_tick_decimals(0.2), 0);
    assert_int_equal(plots_tick_decimals(0.05), 0);
    assert_int_equal(plots_tick_decimals(0.025), 1);
    assert_int_equal(plots_tick_decimals(0.005), 1);
    assert_int_equal(plots_tick_decimals(0.0025), 2);
    assert_int_equal(plots_tick_decimals(0.001), 1);
    assert_int_equal(plots_tick_decimals(-0.025), 1);
    plots_axis a;
    plots_axis_nice(0.03, 0.87, 5, &a);
    assert_close(a.step, 0.2, 1e-12);
    assert_close(a.lo, 0, 1e-12);
    assert_close(a.hi, 1.0, 1e-12);
    plots_axis_nice(-0.07, 0.23, 6, &a);
    assert_close(a.step, 0.05, 1e-12);
    assert_close(a.lo, -0.1, 1e-12);
    assert_close(a.hi, 0.25, 1e-12);
}

static void test_text_wraps(void **state)
{
    (void)state;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
    cairo_t *cr = cairo_create(sf);
    plots_font f = plots_font_make(10, 0, PLOTS_INK);
    double w1, h1, w, h;
    plots_text(cr, "Joignabilit\xc3\xa9", 0, 0, 0, &f, 0, &w1, &h1);
    /* DejaVu Sans at 10 pt: a line is about 11.6 pt high; "Joignabilité" is 55-70 pt wide. */
    assert_true(h1 > 10 && h1 < 13);
    assert_true(w1 > 50 && w1 < 75);
    const char *longtxt = "Le conseiller a propos\xc3\xa9 une solution adapt\xc3\xa9"
                          "e \xc3\xa0 mon "
                          "probl\xc3\xa8me d\xc3\xa8s le premier appel, sans transfert";
    plots_text(cr, longtxt, 0, 0, 0, &f, 0, &w, &h);
    assert_true(w > 300);
    assert_close(h, h1, 1e-9);
    plots_text(cr, longtxt, 0, 0, 100, &f, 0, &w, &h);
    assert_true(w <= 100);
    assert_true(h > 3 * h1); /* wrapped to several lines, nothing cut */
    /* A single word longer than the width breaks between characters rather than overflowing. */
    plots_text(cr, "Kundenzufriedenheitsbefragungsergebnis", 0, 0, 60, &f, 0, &w, &h);
    assert_true(w <= 60);
    assert_true(h > 2 * h1);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
}

static void test_validate(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    shopstat_chart_data d = make_data();
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    assert_int_equal(shopstat_chart_validate(&d, NULL, &e), SHOPSTAT_OK);
    cells[3].value = 1.2;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'q7': cell 3: proportion 1.2 is outside [0, 1]");
    d = make_data();
    cells[5].lo = 0.9;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d = make_data();
    d.nlevels = 0;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d = make_data();
    o.type = SHOPSTAT_CHART_LIKERT;
    d.neutral = 4;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d.neutral = 1;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    /* charts sharing its axis: Likert data of the same scale, else refused */
    shopstat_chart_data other = d;
    const shopstat_chart_data *with[2] = {&d, &other};
    d.axis_with = with;
    d.naxis_with = 2;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    other.nlevels = d.nlevels - 1;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'q7': chart 1 to share the axis with is not a Likert "
                               "chart of the same scale");
    other.nlevels = d.nlevels;
    other.neutral = -1;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d.axis_with = NULL;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d.naxis_with = 0;
    o.type = SHOPSTAT_CHART_DIFF;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    o.type = SHOPSTAT_CHART_TREND;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    shopstat_chart_opts_init(&o);
    o.decimals = 3;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EUSAGE);
    shopstat_chart_opts_init(&o);
    o.width = 100;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_chart_validate(NULL, NULL, &e), SHOPSTAT_EINPUT);
}

/* A score's trend (score_min < score_max): its cells in the score's units, an NPS's -54 and
 * +51 (the tracker's Q1 and Q2, R's svymean), taken as a score chart's cells are, not as
 * proportions; a value off the scale is still refused, and it draws. */
static void test_score_trend(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_TREND;
    shopstat_chart_level lv = {NULL, "Net Promoter Score", -1};
    shopstat_chart_series se = {"all", NULL, NAN, NAN};
    const char *waves[2] = {"Q1", "Q2"};
    shopstat_chart_cell tc[2] = {{-53.69, -100.3, -7.1, 8, "\u25B2"},
                                 {51.33, -45.2, 147.9, 8, "\u25B2"}};
    shopstat_chart_data d;
    shopstat_chart_data_init(&d);
    d.name = "Q1_nps";
    d.levels = &lv;
    d.nlevels = 1;
    d.series = &se;
    d.nseries = 1;
    d.waves = waves;
    d.nwaves = 2;
    d.trend = tc;
    /* (a proportions' trend refuses -53.69) */
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'Q1_nps': trend cell 0: proportion -53.69 is outside [0, 1]");
    d.score_min = -100;
    d.score_max = 100;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 842, 595);
    cairo_t *cr = cairo_create(surf);
    assert_int_equal(shopstat_chart_draw(cr, 842, 595, &d, &o, &e), SHOPSTAT_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    tc[1].value = 101;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg,
                        "chart 'Q1_nps': cell 1: score 101 is outside the scale -100 to 100");
}

/* Series colours: the Okabe-Ito hues for the first eight (blue first, black sixth), then no
 * repeat: a bars chart of 'all' and eight by: values (nine series) must not draw the first and
 * the last alike; and any two consecutive series of the first eight print in greys at least
 * 15% of the range apart (Rec. 709 luma), as the first six do pairwise (test_greyscale_fills). */
static void test_series_colours(void **state)
{
    (void)state;
    plots_rgb first = plots_series_colour(0), eighth = plots_series_colour(5);
    assert_close(first.r, 0.0, 1e-12);
    assert_close(first.g, 0x72 / 255.0, 1e-12);
    assert_close(first.b, 0xB2 / 255.0, 1e-12);
    assert_close(eighth.r + eighth.g + eighth.b, 0.0, 1e-12);
    for (size_t i = 0; i < 24; i++)
        for (size_t j = 0; j < i; j++) {
            plots_rgb a = plots_series_colour(i), b = plots_series_colour(j);
            double d = sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) +
                            (a.b - b.b) * (a.b - b.b));
            if (d < 0.1)
                fail_msg("series %zu and %zu look alike (distance %.3f)", i, j, d);
        }
    for (size_t i = 1; i < 8; i++) {
        plots_rgb a = plots_series_colour(i - 1), b = plots_series_colour(i);
        double ya = 0.2126 * a.r + 0.7152 * a.g + 0.0722 * a.b;
        double yb = 0.2126 * b.r + 0.7152 * b.g + 0.0722 * b.b;
        if (fabs(ya - yb) < 0.15)
            fail_msg("series %zu and %zu print alike in grey (%.3f, %.3f)", i - 1, i, ya, yb);
    }
}

static void test_draw_sizes(void **state)
{
    (void)state;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
    cairo_t *cr = cairo_create(sf);
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_data d = make_data();
    assert_int_equal(shopstat_chart_draw(cr, 100, 300, &d, NULL, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_chart_draw(cr, 842, 20000, &d, NULL, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_chart_draw(cr, NAN, 595, &d, NULL, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_chart_draw(NULL, 842, 595, &d, NULL, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(shopstat_chart_draw(cr, 842, 595, &d, NULL, &e), SHOPSTAT_OK);
    /* 40 levels cannot fit in 150 points: a usage error that says how tall it must be. */
    shopstat_chart_level many[40];
    shopstat_chart_cell mc[80];
    for (int i = 0; i < 40; i++) {
        many[i] = (shopstat_chart_level){"x", "Level", 0};
        mc[2 * i] = mc[2 * i + 1] = (shopstat_chart_cell){0.5, 0.4, 0.6, NAN, NULL};
    }
    d.levels = many;
    d.nlevels = 40;
    d.cells = mc;
    assert_int_equal(shopstat_chart_draw(cr, 842, 300, &d, NULL, &e), SHOPSTAT_EUSAGE);
    /* ... and the height it names is one at which the chart fits (type grows with the page,
     * so the height first computed at 300 points is short) */
    const char *hp = strstr(e.msg, "need a height of ");
    assert_non_null(hp);
    double need = strtod(hp + strlen("need a height of "), NULL);
    assert_true(need > 300 && need <= 14400);
    assert_non_null(strstr(e.msg, "(use --chart-size 842x"));
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    assert_int_equal(shopstat_chart_draw(cr, 842, need, &d, NULL, &e), SHOPSTAT_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
}


static size_t count_files(void)
{
    DIR *dir = opendir(scratch_dir);
    size_t n = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir)))
        n += de->d_name[0] != '.';
    if (dir)
        closedir(dir);
    return n;
}

static void expect_head(const char *path, const char *magic, size_t n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[16] = {0};
    assert_int_equal(fread(buf, 1, n, f), n);
    fclose(f);
    assert_memory_equal(buf, magic, n);
}

static void test_render_files(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_data d = make_data(), d2 = make_data();
    d2.name = "q8";
    char p[512];
    snprintf(p, sizeof p, "%s/c.pdf", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_OK);
    expect_head(p, "%PDF-", 5);
    snprintf(p, sizeof p, "%s/c.svg", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_OK);
    expect_head(p, "<?xml", 5);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.png_scale = 0.5;
    snprintf(p, sizeof p, "%s/c.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    expect_head(p, "\x89PNG", 4);
    assert_int_equal(count_files(), 3);
    /* Several charts to PNG: one file per question; the same name twice gets "-<i+1>". */
    const shopstat_chart_data *three[] = {&d, &d2, &d};
    snprintf(p, sizeof p, "%s/m.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_pages(p, three, 3, &o, &e), SHOPSTAT_OK);
    snprintf(p, sizeof p, "%s/m-q7.png", scratch_dir);
    expect_head(p, "\x89PNG", 4);
    snprintf(p, sizeof p, "%s/m-q8.png", scratch_dir);
    expect_head(p, "\x89PNG", 4);
    snprintf(p, sizeof p, "%s/m-q7-3.png", scratch_dir);
    expect_head(p, "\x89PNG", 4);
    assert_int_equal(count_files(), 6);
    /* Errors leave nothing behind: wrong extension, bad data, unwritable folder. */
    snprintf(p, sizeof p, "%s/c.jpg", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_EUSAGE);
    snprintf(p, sizeof p, "%s/bad.pdf", scratch_dir);
    cells[0].value = -0.5;
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_EINPUT);
    d = make_data();
    snprintf(p, sizeof p, "%s/missing/c.pdf", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_EIO);
    assert_string_equal(e.file, p);
    assert_int_equal(shopstat_chart_render_pages(p, three, 0, NULL, &e), SHOPSTAT_EUSAGE);
    assert_int_equal(count_files(), 6);
}

/* ---- score charts ---------------------------------------------------------------------- */

/* An NPS of three segments: +12 [+5.7, +18.3], -14 [-28.7, +0.7] of low effective base (24),
 * +31 [+19.4, +42.6]. */
static const shopstat_chart_level score_level[] = {{"nps", "Net Promoter Score", 0}};
static const shopstat_chart_series score_series[] = {{"all", "All buyers", 836, 610},
                                                     {"pub", "Public sector", 41, 24},
                                                     {"heavy", "Heavy", 248, 180}};
static shopstat_chart_cell score_cells[3];

static shopstat_chart_data make_score(void)
{
    shopstat_chart_cell c[3] = {{12, 5.7, 18.3, NAN, NULL},
                                {-14, -28.7, 0.7, NAN, "\xe2\x96\xbc"},
                                {31, 19.4, 42.6, NAN, NULL}};
    memcpy(score_cells, c, sizeof c);
    shopstat_chart_data d;
    shopstat_chart_data_init(&d);
    assert_true(d.score_min == 0 && d.score_max == 0);
    d.name = "rec";
    d.label = "How likely are you to recommend us?";
    d.levels = score_level;
    d.nlevels = 1;
    d.series = score_series;
    d.nseries = 3;
    d.cells = score_cells;
    d.score_min = -100;
    d.score_max = 100;
    return d;
}

static void test_score_validate(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_SCORE;
    shopstat_chart_data d = make_score();
    /* values in score units, far outside [0, 1], are what a score chart draws */
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    /* ... and still refused as proportions */
    o.type = SHOPSTAT_CHART_BARS;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': cell 0: proportion 12 is outside [0, 1]");
    o.type = SHOPSTAT_CHART_SCORE;
    /* the scale: unset (0 to 0), NaN, reversed, infinite */
    d.score_min = d.score_max = 0;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': score scale 0 to 0 is not a range (score_min and "
                               "score_max must be finite, score_min below score_max)");
    d = make_score();
    d.score_max = NAN;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_non_null(strstr(e.msg, "score scale -100 to nan is not a range"));
    d = make_score();
    d.score_min = 5;
    d.score_max = 1;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    d = make_score();
    d.score_min = -INFINITY;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    /* a score (one level), or one per item */
    d = make_score();
    d.nlevels = 0;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': no levels");
    /* a score outside its scale; an infinite one */
    d = make_score();
    score_cells[2].value = 100.5;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': cell 2: score 100.5 is outside the scale -100 to 100");
    d = make_score();
    score_cells[1].value = -INFINITY;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    /* CI bounds may pass the scale's ends (a t interval near the top), but not be infinite
     * or reversed; NaN bounds (no whisker) and a NaN score (n/a) are fine */
    d = make_score();
    score_cells[2].hi = 104;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    score_cells[2].hi = INFINITY;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': cell 2: CI bound inf is not finite");
    d = make_score();
    score_cells[0].lo = 20;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    assert_string_equal(e.msg, "chart 'rec': cell 0: CI lower bound 20 above the upper bound 18.3");
    d = make_score();
    score_cells[0].lo = score_cells[0].hi = NAN;
    score_cells[1].value = NAN;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_OK);
    d.cells = NULL;
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EINPUT);
    o.type = (shopstat_chart_type)(SHOPSTAT_CHART_SCORE + 1);
    d = make_score();
    assert_int_equal(shopstat_chart_validate(&d, &o, &e), SHOPSTAT_EUSAGE);
}

/* A grid's scores: one chart whose levels are the items, a row per segment in each; the
 * rows' bases each item's own; item 2's heavy above light marks heavy's row with light's
 * letter (B), item 1's difference (p 0.3) nothing; the cells checked as the chart draws them. */
static void test_score_items(void **state)
{
    (void)state;
    static const char *const item[2] = {"s1", "s2"}, *const seg[2] = {"heavy", "light"};
    static const double mean[4] = {2.90, 3.26, 4.26, 2.75}, base[4] = {62, 88, 55, 78};
    shopstat_score_estimate e[4];
    memset(e, 0, sizeof e);
    for (size_t i = 0; i < 4; i++)
        e[i] = (shopstat_score_estimate){.variable = item[i / 2],
                                         .score = "mean",
                                         .segment = seg[i % 2],
                                         .k = i / 2,
                                         .s = i % 2,
                                         .base_n = (size_t)base[i],
                                         .estimate = mean[i],
                                         .ci_lower = mean[i] - 0.3,
                                         .ci_upper = mean[i] + 0.3,
                                         .eff_base = base[i],
                                         .min = 1,
                                         .max = 5};
    shopstat_difference d[2] = {{.variable = "s1",
                                 .level = "mean",
                                 .segment_a = "heavy",
                                 .segment_b = "light",
                                 .difference = -0.36,
                                 .p_adjusted = 0.3,
                                 .eff_base_a = 62,
                                 .eff_base_b = 88},
                                {.variable = "s2",
                                 .level = "mean",
                                 .segment_a = "heavy",
                                 .segment_b = "light",
                                 .estimate_a = 4.26,
                                 .estimate_b = 2.75,
                                 .difference = 1.51,
                                 .p_adjusted = 0.001,
                                 .eff_base_a = 55,
                                 .eff_base_b = 78}};
    shopstat_chartset_opts o;
    shopstat_chartset_opts_init(&o);
    o.diffs = d;
    o.ndiffs = 2;
    shopstat_chartset *set = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_chartset_build_score_items(e, 4, &o, &set, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_chartset_count(set), 1);
    const shopstat_chart_data *c = shopstat_chartset_charts(set)[0];
    assert_int_equal(c->nlevels, 2);
    assert_int_equal(c->nseries, 2);
    assert_string_equal(c->levels[0].label, "s1");
    assert_string_equal(c->levels[1].label, "s2");
    assert_string_equal(c->series[1].label, "light");
    assert_string_equal(c->score_axis, "Mean (1-5)");
    assert_non_null(c->item_bases);
    for (size_t i = 0; i < 4; i++) {
        assert_close(c->cells[i].value, mean[i], 1e-12);
        assert_close(c->item_bases[i].base_n, base[i], 1e-12);
    }
    assert_true(!c->cells[0].sig || !c->cells[0].sig[0]);
    assert_true(!c->cells[1].sig || !c->cells[1].sig[0]);
    assert_string_equal(c->cells[2].sig, "B");
    assert_true(!c->cells[3].sig || !c->cells[3].sig[0]);
    assert_close(c->score_min, 1, 0);
    assert_close(c->score_max, 5, 0);
    assert_string_equal(shopstat_chartset_sig_note(set),
                        "Letters: significantly higher than the segment of that letter (A = heavy, "
                        "B = light), p < 0.05.");
    shopstat_chart_opts co;
    shopstat_chart_opts_init(&co);
    co.type = SHOPSTAT_CHART_SCORE;
    assert_int_equal(shopstat_chart_validate(c, &co, &err), SHOPSTAT_OK);
    /* an item's score outside the scale is named by its cell, item * nseries + segment */
    shopstat_chart_data bad = *c;
    shopstat_chart_cell bcells[4];
    memcpy(bcells, c->cells, sizeof bcells);
    bcells[3].value = 5.5;
    bad.cells = bcells;
    assert_int_equal(shopstat_chart_validate(&bad, &co, &err), SHOPSTAT_EINPUT);
    assert_string_equal(err.msg, "chart 's1': cell 3: score 5.5 is outside the scale 1 to 5");
    shopstat_chartset_free(set);
    /* items of other segments: refused */
    e[3].segment = "heavy";
    assert_int_equal(shopstat_chartset_build_score_items(e, 4, &o, &set, &err), SHOPSTAT_EINPUT);
    assert_null(set);
}

static void test_score_format_axis(void **state)
{
    (void)state;
    char b[48];
    /* signed on a scale below zero, with a true minus; what rounds to 0 is "0" */
    shopstat_chart_data d = make_score(); /* (an NPS: -100 to 100) */
    plots_fmt_score(&d, 23.4, 0, b, sizeof b);
    assert_string_equal(b, "+23");
    plots_fmt_score(&d, -5, 0, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92"
                           "5");
    plots_fmt_score(&d, -0.4, 0, b, sizeof b);
    assert_string_equal(b, "0");
    plots_fmt_score(&d, NAN, 2, b, sizeof b);
    assert_string_equal(b, "n/a");
    /* SHOPSTAT_SCORE_EXACT: as few decimals as name it */
    plots_fmt_score(&d, -100, SHOPSTAT_SCORE_EXACT, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92"
                           "100");
    /* SHOPSTAT_SCORE_AUTO: the scale's decimals, as every view */
    plots_fmt_score(&d, 23.4, SHOPSTAT_SCORE_AUTO, b, sizeof b);
    assert_string_equal(b, "+23");
    d.score_min = 1, d.score_max = 5;
    plots_fmt_score(&d, 3.8449, 2, b, sizeof b);
    assert_string_equal(b, "3.84");
    plots_fmt_score(&d, 3.8449, SHOPSTAT_SCORE_AUTO, b, sizeof b);
    assert_string_equal(b, "3.84");
    plots_fmt_score(&d, 2.5, SHOPSTAT_SCORE_EXACT, b, sizeof b);
    assert_string_equal(b, "2.5");
    /* decimals by the scale's width: NPS (200) 0, 0-10 1, 1-5 2, 0-1 2, 0-0.5 3; plus opts */
    d = make_score();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_SCORE;
    assert_int_equal(plots_score_decimals(&d, &o), 0);
    d.score_min = 0, d.score_max = 100;
    assert_int_equal(plots_score_decimals(&d, &o), 0);
    d.score_min = 0, d.score_max = 10;
    assert_int_equal(plots_score_decimals(&d, &o), 1);
    d.score_min = 1, d.score_max = 5;
    assert_int_equal(plots_score_decimals(&d, &o), 2);
    d.score_min = 0, d.score_max = 1;
    assert_int_equal(plots_score_decimals(&d, &o), 2);
    d.score_min = 0, d.score_max = 0.5;
    assert_int_equal(plots_score_decimals(&d, &o), 3);
    o.decimals = 1;
    d.score_min = -100, d.score_max = 100;
    assert_int_equal(plots_score_decimals(&d, &o), 1);
    o.decimals = 0;
    /* the axis: the scale's ends, ticks every 50 (NPS) or 1 (1-5) */
    d = make_score();
    plots_axis a;
    plots_score_axis(&d, &o, &a);
    assert_close(a.lo, -100, 1e-12);
    assert_close(a.hi, 100, 1e-12);
    assert_close(a.step, 50, 1e-12);
    /* zoomed: around the values and CIs, -28.7 to +42.6 in about 5 steps: -40 to 60 by 20 */
    o.zoom = 1;
    plots_score_axis(&d, &o, &a);
    assert_close(a.lo, -40, 1e-12);
    assert_close(a.hi, 60, 1e-12);
    assert_close(a.step, 20, 1e-12);
    /* without the CIs, -14 to +31: -20 to 40 by 10 */
    o.show_ci = 0;
    plots_score_axis(&d, &o, &a);
    assert_close(a.lo, -20, 1e-12);
    assert_close(a.hi, 40, 1e-12);
    assert_close(a.step, 10, 1e-12);
    /* a CI past the scale's end does not take the axis past it: 1-5 means 3.62 to 5.05
     * -> 3.5 to 5 by 0.5 */
    o.show_ci = 1;
    shopstat_chart_cell m[2] = {{3.71, 3.62, 3.80, NAN, NULL}, {4.78, 4.51, 5.05, NAN, NULL}};
    d.cells = m;
    d.nseries = 2;
    d.score_min = 1, d.score_max = 5;
    plots_score_axis(&d, &o, &a);
    assert_close(a.lo, 3.5, 1e-12);
    assert_close(a.hi, 5, 1e-12);
    assert_close(a.step, 0.5, 1e-12);
    /* one value and no whisker: nothing to zoom to, the whole scale */
    m[0] = (shopstat_chart_cell){4, NAN, NAN, NAN, NULL};
    d.nseries = 1;
    plots_score_axis(&d, &o, &a);
    assert_close(a.lo, 1, 1e-12);
    assert_close(a.hi, 5, 1e-12);
    assert_close(a.step, 1, 1e-12);
}

/* A score chart draws on a context and to each file format; too small a page says the height
 * it needs. */
static void test_score_draw(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_data d = make_score();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_SCORE;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
    cairo_t *cr = cairo_create(sf);
    assert_int_equal(shopstat_chart_draw(cr, 842, 595, &d, &o, &e), SHOPSTAT_OK);
    o.zoom = 1;
    assert_int_equal(shopstat_chart_draw(cr, 842, 595, &d, &o, &e), SHOPSTAT_OK);
    o.show_ci = 0;
    assert_int_equal(shopstat_chart_draw(cr, 300, 300, &d, &o, &e), SHOPSTAT_OK);
    o.show_ci = 1;
    o.zoom = 0;
    shopstat_chart_series many[40];
    shopstat_chart_cell mc[40];
    for (int i = 0; i < 40; i++) {
        many[i] = (shopstat_chart_series){"s", "Segment", 100, 100};
        mc[i] = (shopstat_chart_cell){i - 20.0, i - 30.0, i - 10.0, NAN, NULL};
    }
    d.series = many;
    d.nseries = 40;
    d.cells = mc;
    assert_int_equal(shopstat_chart_draw(cr, 842, 300, &d, &o, &e), SHOPSTAT_EUSAGE);
    const char *hp = strstr(e.msg, "its segments need a height of ");
    assert_non_null(hp);
    double need = strtod(hp + strlen("its segments need a height of "), NULL);
    assert_true(need > 300 && need <= 14400);
    assert_int_equal(shopstat_chart_draw(cr, 842, need, &d, &o, &e), SHOPSTAT_OK);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    d = make_score();
    char p[512];
    const char *ext[] = {"pdf", "svg", "png"}, *magic[] = {"%PDF-", "<?xml", "\x89PNG"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/s.%s", scratch_dir, ext[i]);
        assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
        expect_head(p, magic[i], i == 2 ? 4 : 5);
    }
    /* bad data writes nothing */
    score_cells[0].value = 250;
    snprintf(p, sizeof p, "%s/bad.pdf", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_EINPUT);
    assert_int_equal(count_files(), 3);
}

/* A compact chart (report.pdf stacks them) takes its rows' height from the top of the page:
 * a score chart's rows are 32 points apart at A4 (the labels, 10 and 8.5 points, need 31), so
 * each segment adds 32 points; nothing is drawn below the height it says; a chart that does
 * not fit the page even so is a usage error; its type is that of the whole page. */
static void test_compact(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_data d = make_score();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_SCORE;
    o.source = "Synthetic data";
    double h2, h3;
    d.nseries = 2;
    assert_int_equal(shopstat_chart_compact_height(&d, &o, 842, 595, &h2, &e), SHOPSTAT_OK);
    d.nseries = 3;
    assert_int_equal(shopstat_chart_compact_height(&d, &o, 842, 595, &h3, &e), SHOPSTAT_OK);
    assert_close(h3 - h2, 32, 1e-9);
    /* two charts of three segments share an A4 landscape page */
    assert_true(h3 < 595 / 2.0);
    /* (o.compact need not be set, and is not changed) */
    assert_int_equal(o.compact, 0);

    /* drawn compact on a white page: ink above h3 (its footer's last line, 7.5-point type,
     * within 40 points of it), none below */
    o.compact = 1;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 842, 595);
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    assert_int_equal(shopstat_chart_draw(cr, 842, 595, &d, &o, &e), SHOPSTAT_OK);
    cairo_surface_flush(sf);
    const unsigned char *px = cairo_image_surface_get_data(sf);
    int stride = cairo_image_surface_get_stride(sf);
    int lowest = -1;
    for (int y = 0; y < 595; y++)
        for (int x = 0; x < 842; x++)
            if ((*(const uint32_t *)(px + y * stride + 4 * x) & 0xffffff) != 0xffffff)
                lowest = y;
    assert_true(lowest < h3);
    assert_true(lowest > h3 - 40);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);

    /* 40 segments at 32 points do not fit 595 points */
    shopstat_chart_series many[40];
    shopstat_chart_cell mc[40];
    for (int i = 0; i < 40; i++) {
        many[i] = (shopstat_chart_series){"s", "Segment", 100, 100};
        mc[i] = (shopstat_chart_cell){i - 20.0, i - 30.0, i - 10.0, NAN, NULL};
    }
    d.series = many;
    d.nseries = 40;
    d.cells = mc;
    double h40 = 0;
    assert_int_equal(shopstat_chart_compact_height(&d, &o, 842, 595, &h40, &e), SHOPSTAT_EUSAGE);
    assert_close(h40, 0, 0);
    /* ... but do a page tall enough for them, where the type is larger */
    assert_int_equal(shopstat_chart_compact_height(&d, &o, 842, 3000, &h40, &e), SHOPSTAT_OK);
    assert_true(h40 > 40 * 32 && h40 < 3000);

    /* a bar chart's too, under the page's height */
    shopstat_chart_data b = make_data();
    shopstat_chart_opts_init(&o);
    double hb;
    assert_int_equal(shopstat_chart_compact_height(&b, &o, 842, 595, &hb, &e), SHOPSTAT_OK);
    assert_true(hb > 150 && hb < 595);
}

/* The height of a PNG file, from its IHDR chunk (bytes 20-23, big-endian). */
static long png_height(const char *path)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    assert_int_equal(n, sizeof b);
    return (long)b[20] << 24 | (long)b[21] << 16 | (long)b[22] << 8 | (long)b[23];
}

/* fit_height: the page is as tall as the chart drawn compact on width x height says (in whole
 * points), whether the options are the call's or the chart's own; without it, the page. */
static void test_fit_height(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_data d = make_data();
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.png_scale = 1;
    double hb;
    assert_int_equal(shopstat_chart_compact_height(&d, &o, 842, 595, &hb, &e), SHOPSTAT_OK);
    assert_true(hb < 595 - 100);
    char p[512];
    snprintf(p, sizeof p, "%s/fit.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    assert_int_equal(png_height(p), 595);
    o.fit_height = 1;
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    assert_int_equal(png_height(p), (long)ceil(hb));
    /* the chart's own options (d.opts) are followed, and not changed */
    shopstat_chart_opts own = o;
    own.png_scale = 2;
    d.opts = &own;
    assert_int_equal(shopstat_chart_render_file(p, &d, NULL, &e), SHOPSTAT_OK);
    assert_int_equal(png_height(p), 2 * (long)ceil(hb));
    assert_int_equal(own.compact, 0);
    assert_close(own.height, 595, 0);
    unlink(p);
}

/* ---- greyscale print: the fills of one chart differ in grey -------------------------------- */

/* Rec. 709 luma of an 8-bit pixel, 0-255: what a greyscale print keeps of a colour. */
static double pixel_luma(uint32_t px)
{
    return 0.2126 * ((px >> 16) & 0xff) + 0.7152 * ((px >> 8) & 0xff) + 0.0722 * (px & 0xff);
}

/* Whether a pixel is page, grid or text rather than a fill: white, the greys of the grid, axis
 * and text, and anything between two of those (anti-aliased edges are short anyway). */
static int is_frame(uint32_t px)
{
    static const uint32_t frame[] = {0xffffff, 0xe0e0e0, 0x9e9e9e, 0x666666, 0x212121};
    for (size_t i = 0; i < sizeof frame / sizeof frame[0]; i++)
        if ((px & 0xffffff) == frame[i])
            return 1;
    return 0;
}

/* The colours of the fills met along one pixel row or column of a PNG: runs of at least minlen
 * pixels of one colour that is not white, grid or text; a colour met again after
 * another run is not listed twice. Returns how many (at most max). */
static size_t fills_along(cairo_surface_t *img, int horizontal, int at, int minlen, uint32_t *out,
                          size_t max)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int n = horizontal ? w : h;
    size_t k = 0;
    for (int i = 0; i < n;) {
        int x = horizontal ? i : at, y = horizontal ? at : i;
        uint32_t px = *(const uint32_t *)(data + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
        int j = i + 1;
        for (; j < n; j++) {
            int x2 = horizontal ? j : at, y2 = horizontal ? at : j;
            if ((*(const uint32_t *)(data + (size_t)y2 * stride + 4 * (size_t)x2) & 0xffffff) != px)
                break;
        }
        /* down a column, a neutral grey other than black is a vertical grid line, drawn
         * anti-aliased across two pixels */
        int grid = !horizontal && px != 0 && (px & 0xff) == ((px >> 8) & 0xff) &&
                   (px & 0xff) == ((px >> 16) & 0xff);
        if (j - i >= minlen && !is_frame(px) && !grid) {
            size_t q = 0;
            while (q < k && out[q] != px)
                q++;
            if (q == k && k < max)
                out[k++] = px;
        }
        i = j;
    }
    return k;
}

/* The fills of a rendered PNG, along the row or column that meets the most of them (the middle
 * one of those: the first and last cross the fills' anti-aliased edges, paler). */
static size_t chart_fills(const char *png, int horizontal, int minlen, uint32_t *out, size_t max)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    int n = horizontal ? cairo_image_surface_get_height(img) : cairo_image_surface_get_width(img);
    size_t best = 0;
    int first = 0, last = 0;
    uint32_t tmp[32];
    for (int at = 0; at < n; at++) {
        size_t k = fills_along(img, horizontal, at, minlen, tmp, 32);
        if (k > best)
            best = k, first = at;
        if (k == best)
            last = at;
    }
    size_t k = fills_along(img, horizontal, (first + last) / 2, minlen, tmp, 32);
    memcpy(out, tmp, (k < max ? k : max) * sizeof *out);
    cairo_surface_destroy(img);
    return k < max ? k : max;
}

/* Every two fills differ by at least 15% of the grey range (38 of 255 levels): about the
 * difference in lightness (8-9 L*) between neighbouring steps of a 10-step grey scale, which
 * a laser print at 300 dpi keeps apart (and Okabe-Ito's orange and sky blue, 163 and 164,
 * do not). */
static void expect_greys_apart(const uint32_t *fill, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double a = pixel_luma(fill[i]), b = pixel_luma(fill[j]);
            if (fabs(a - b) < 0.15 * 255)
                fail_msg("%s: fills %zu (#%06x, grey %.0f) and %zu (#%06x, grey %.0f) print "
                         "alike",
                         what, j + 1, (unsigned)fill[j], b, i + 1, (unsigned)fill[i], a);
        }
}

/* A bar chart of six segments (one level at 50% each) and a five-point Likert scale (20% per
 * point), rendered to PNG: the six bars, and the five segments, print in six and five greys. */
static void test_greyscale_fills(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.png_scale = 1;
    o.show_ci = 0;
    static const shopstat_chart_level one[] = {{"1", "Yes", 0}};
    shopstat_chart_series six[6];
    shopstat_chart_cell half[6];
    static const char *const names[] = {"s1", "s2", "s3", "s4", "s5", "s6"};
    for (int j = 0; j < 6; j++) {
        six[j] = (shopstat_chart_series){names[j], NULL, 100, NAN};
        half[j] = (shopstat_chart_cell){0.5, NAN, NAN, NAN, NULL};
    }
    shopstat_chart_data d;
    shopstat_chart_data_init(&d);
    d.name = "g";
    d.levels = one;
    d.nlevels = 1;
    d.series = six;
    d.nseries = 6;
    d.cells = half;
    char p[512];
    snprintf(p, sizeof p, "%s/bars.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    uint32_t fill[8];
    /* a bar is at least 20 points high here; text stems are shorter than 15 */
    assert_int_equal(chart_fills(p, 0, 15, fill, 8), 6);
    expect_greys_apart(fill, 6, "bars of six segments");

    static const shopstat_chart_level scale[] = {{"1", "Certainly would not", 0},
                                                 {"2", "Probably would not", 0},
                                                 {"3", "Not sure", 0},
                                                 {"4", "Probably would", 0},
                                                 {"5", "Certainly would", 0}};
    shopstat_chart_cell fifth[5];
    for (int l = 0; l < 5; l++)
        fifth[l] = (shopstat_chart_cell){0.2, NAN, NAN, NAN, NULL};
    d.levels = scale;
    d.nlevels = 5;
    d.nseries = 1;
    d.cells = fifth;
    d.neutral = 2;
    o.type = SHOPSTAT_CHART_LIKERT;
    snprintf(p, sizeof p, "%s/likert.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    /* each segment is a fifth of half the plot's width, over 50 points; legend swatches 10 */
    assert_int_equal(chart_fills(p, 1, 30, fill, 8), 5);
    expect_greys_apart(fill, 5, "a five-point Likert scale");
}

/* Longer Likert scales: an odd one (its neutral in the middle) of 7 and 9 points and an even
 * one of 6 and 8, an equal share per point, rendered to PNG. A reader tells a segment from its
 * neighbours in greyscale print, so any two neighbouring points print at least 15% of the grey
 * range apart, as the first six series do (seven points had steps of 0.107: "Somewhat agree"
 * next to the neutral at 0.733 and 0.84). */
static void test_greyscale_long_scales(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.png_scale = 1;
    o.show_ci = 0;
    o.type = SHOPSTAT_CHART_LIKERT;
    static const shopstat_chart_level scale[] = {
        {"1", "Strongly disagree", 0}, {"2", "Disagree", 0}, {"3", "Somewhat disagree", 0},
        {"4", "Slightly disagree", 0}, {"5", "Neutral", 0},  {"6", "Slightly agree", 0},
        {"7", "Somewhat agree", 0},    {"8", "Agree", 0},    {"9", "Strongly agree", 0}};
    static const shopstat_chart_series one[] = {{"all", "All", 500, NAN}};
    for (size_t n = 6; n <= 9; n++) {
        shopstat_chart_cell share[9];
        for (size_t l = 0; l < n; l++)
            share[l] = (shopstat_chart_cell){1.0 / (double)n, NAN, NAN, NAN, NULL};
        shopstat_chart_data d;
        shopstat_chart_data_init(&d);
        d.name = "q";
        d.levels = scale;
        d.nlevels = n;
        d.series = one;
        d.nseries = 1;
        d.cells = share;
        d.neutral = n % 2 ? (long)(n / 2) : -1;
        char p[512];
        snprintf(p, sizeof p, "%s/likert%zu.png", scratch_dir, n);
        assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
        uint32_t fill[12];
        /* a segment is over 50 points wide here (over 20 beside its number), a swatch 10 */
        assert_int_equal(chart_fills(p, 1, 20, fill, 12), n);
        for (size_t l = 1; l < n; l++) {
            double a = pixel_luma(fill[l - 1]), b = pixel_luma(fill[l]);
            if (fabs(a - b) < 0.15 * 255)
                fail_msg("%zu-point scale: points %zu (#%06x, grey %.0f) and %zu (#%06x, grey "
                         "%.0f) are neighbours and print alike",
                         n, l, (unsigned)fill[l - 1], a, l + 1, (unsigned)fill[l], b);
        }
    }
}

/* WCAG 2 relative luminance of an 8-bit sRGB pixel, and its contrast ratio against white. */
static double pixel_contrast_on_white(uint32_t px)
{
    double ch[3] = {((px >> 16) & 0xff) / 255.0, ((px >> 8) & 0xff) / 255.0, (px & 0xff) / 255.0};
    for (int k = 0; k < 3; k++)
        ch[k] = ch[k] <= 0.04045 ? ch[k] / 12.92 : pow((ch[k] + 0.055) / 1.055, 2.4);
    double l = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    return 1.05 / (l + 0.05);
}

/* A trend of eight flat lines (10% ... 80%, the eight hues of the series palette, with the
 * eight line styles), rendered to PNG without bands; returns the image. */
static cairo_surface_t *render_eight_flat_lines(void)
{
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_chart_opts o;
    shopstat_chart_opts_init(&o);
    o.type = SHOPSTAT_CHART_TREND;
    o.show_ci = 0;
    static const shopstat_chart_level eight[] = {
        {"1", "One", 0},  {"2", "Two", 0}, {"3", "Three", 0}, {"4", "Four", 0},
        {"5", "Five", 0}, {"6", "Six", 0}, {"7", "Seven", 0}, {"8", "Eight", 0}};
    static const shopstat_chart_series one[] = {{"all", "All", 500, NAN}};
    static const char *const waves[] = {"2019", "2020", "2021"};
    static shopstat_chart_cell t[8 * 3];
    for (int l = 0; l < 8; l++)
        for (int w = 0; w < 3; w++)
            t[l * 3 + w] = (shopstat_chart_cell){0.1 * (l + 1), NAN, NAN, NAN, NULL};
    shopstat_chart_data d;
    shopstat_chart_data_init(&d);
    d.name = "q";
    d.levels = eight;
    d.nlevels = 8;
    d.series = one;
    d.nseries = 1;
    d.waves = waves;
    d.nwaves = 3;
    d.trend = t;
    char p[512];
    snprintf(p, sizeof p, "%s/trend.png", scratch_dir);
    assert_int_equal(shopstat_chart_render_file(p, &d, &o, &e), SHOPSTAT_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(p);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    return img;
}

static uint32_t pixel_at(cairo_surface_t *img, int x, int y)
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    return *(const uint32_t *)(data + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
}

/* Page, grid and text are grey (black is a series colour). */
static int pixel_neutral(uint32_t px)
{
    int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    return r == g && g == b && px != 0;
}

/* The eight flat lines found down the pixel columns of a stretch between the first two waves,
 * where only the lines and the horizontal grid are met: a line's core (2.4 points = 4.8 pixels
 * thick) is a run of at least 3 pixels of one colour; lines are dashed, so a column may fall in
 * a line's gap, and one at a dash's end meets it partly covered, blended with the page. For each
 * row, best[y] = the highest contrast of a core covering it in any column (0: none); returns
 * the lines (runs of rows with best > 0), their centre rows in mid[8] and contrast in con[8]. */
static size_t trend_line_rows(cairo_surface_t *img, int *mid, double *con)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double *best = calloc((size_t)h, sizeof *best);
    assert_non_null(best);
    /* around a third of the way across: clear of points and value labels */
    for (int x = w / 3 - 24; x <= w / 3 + 24; x++)
        for (int y = 0; y < h;) {
            uint32_t px = pixel_at(img, x, y);
            int j = y + 1;
            while (j < h && pixel_at(img, x, j) == px)
                j++;
            if (j - y >= 3 && !pixel_neutral(px))
                for (int k = y; k < j; k++)
                    best[k] = fmax(best[k], pixel_contrast_on_white(px));
            y = j;
        }
    size_t n = 0;
    for (int y = 0; y < h;) {
        if (best[y] == 0) {
            y++;
            continue;
        }
        int j = y;
        double c = 0;
        while (j < h && best[j] > 0)
            c = fmax(c, best[j++]);
        if (n < 8) {
            mid[n] = (y + j - 1) / 2;
            con[n] = c;
        }
        n++;
        y = j;
    }
    free(best);
    return n;
}

/* Each line must stand out from the white page as WCAG 2's non-text contrast asks (at least
 * 3:1); Okabe-Ito's yellow (1.3:1), sky blue and the lightened orange did not. */
static void test_trend_line_contrast(void **state)
{
    (void)state;
    cairo_surface_t *img = render_eight_flat_lines();
    int mid[8];
    double con[8];
    size_t n = trend_line_rows(img, mid, con);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < 8; i++)
        if (con[i] < 3.0)
            fail_msg("trend line %zu (row %d) has contrast %.2f:1 against white, below 3:1", i + 1,
                     mid[i], con[i]);
    cairo_surface_destroy(img);
}

/* Darkened to 3:1, orange and yellow read as ochre and olive, and in greyscale several lines
 * are near in grey: each line has a second cue, a dash pattern and a marker shape. The first
 * eight differ in the pair; line 0 is solid. */
static void test_trend_line_styles(void **state)
{
    (void)state;
    plots_line_style st[8];
    for (size_t i = 0; i < 8; i++) {
        st[i] = plots_line_style_of(i);
        assert_true(st[i].ndash >= 0 && st[i].ndash <= 4 && st[i].ndash % 2 == 0);
        assert_true(st[i].marker >= PLOTS_MARK_CIRCLE && st[i].marker <= PLOTS_MARK_DIAMOND);
        for (int k = 0; k < st[i].ndash; k++)
            assert_true(st[i].dash[k] >= 2.4 && st[i].dash[k] <= 8); /* short, gaps >= width */
    }
    assert_int_equal(st[0].ndash, 0);
    for (size_t i = 0; i < 8; i++)
        for (size_t j = i + 1; j < 8; j++) {
            int same_dash = st[i].ndash == st[j].ndash;
            for (int k = 0; same_dash && k < st[i].ndash; k++)
                same_dash = st[i].dash[k] == st[j].dash[k];
            if (same_dash && st[i].marker == st[j].marker)
                fail_msg("trend lines %zu and %zu have the same dash and marker", i, j);
        }
    /* orange (1) and yellow (3), alike once darkened, differ in both */
    assert_int_not_equal(st[1].ndash == st[3].ndash && st[1].dash[0] == st[3].dash[0], 1);
    assert_int_not_equal(st[1].marker, st[3].marker);

    /* Rendered: along each of the eight flat lines between the first two waves (clear of the
     * points' markers), the lengths of
     * its drawn runs (pixels of contrast 2:1 or more, not grey), the first and last cut off by
     * the stretch left out. A solid line is one run; the first four lines (solid, dashed,
     * dotted, dash-dot) must differ in their shortest or longest run by more than 2 pixels
     * (anti-aliasing). Before, all eight were one solid run. */
    cairo_surface_t *img = render_eight_flat_lines();
    int mid[8];
    double con[8];
    assert_int_equal(trend_line_rows(img, mid, con), 8);
    int w = cairo_image_surface_get_width(img);
    int shortest[8], longest[8], runs[8];
    for (int i = 0; i < 8; i++) {
        /* the lines are found top to bottom: 80% first, which is line 7 */
        int line = 7 - i, y = mid[i], x0 = w / 4, x1 = w / 2 - 60;
        shortest[line] = 1 << 30;
        longest[line] = 0;
        runs[line] = 0;
        int x = x0;
        while (x < x1) {
            uint32_t px = pixel_at(img, x, y);
            int on = !pixel_neutral(px) && pixel_contrast_on_white(px) >= 2.0, j = x + 1;
            while (j < x1) {
                uint32_t q = pixel_at(img, j, y);
                if ((!pixel_neutral(q) && pixel_contrast_on_white(q) >= 2.0) != on)
                    break;
                j++;
            }
            if (on) {
                runs[line]++;
                if (x > x0 && j < x1) { /* whole runs only */
                    shortest[line] = shortest[line] < j - x ? shortest[line] : j - x;
                    longest[line] = longest[line] > j - x ? longest[line] : j - x;
                }
            }
            x = j;
        }
    }
    cairo_surface_destroy(img);
    /* a line of a dash pattern is drawn dashed, the others solid */
    assert_int_equal(runs[0], 1);
    for (int i = 0; i < 8; i++)
        if (st[i].ndash ? runs[i] < 4 : runs[i] != 1)
            fail_msg("trend line %d is drawn in %d runs between two waves, its style has %d "
                     "dash lengths",
                     i, runs[i], st[i].ndash);
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (runs[i] > 1 && runs[j] > 1 && abs(shortest[i] - shortest[j]) <= 2 &&
                abs(longest[i] - longest[j]) <= 2)
                fail_msg("trend lines %d and %d are dashed alike: runs %d-%d and %d-%d pixels", i,
                         j, shortest[i], longest[i], shortest[j], longest[j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts_defaults),
        cmocka_unit_test(test_size_parse),
        cmocka_unit_test(test_type_and_sort_parse),
        cmocka_unit_test(test_format_from_path),
        cmocka_unit_test(test_page_path),
        cmocka_unit_test(test_residual_labels),
        cmocka_unit_test(test_level_order),
        cmocka_unit_test(test_level_order_diff),
        cmocka_unit_test(test_sig_letters),
        cmocka_unit_test(test_sig_low_base),
        cmocka_unit_test(test_sig_rest),
        cmocka_unit_test(test_diff_mirror),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_text_wraps),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_score_trend),
        cmocka_unit_test(test_score_validate),
        cmocka_unit_test(test_score_items),
        cmocka_unit_test(test_score_format_axis),
        cmocka_unit_test(test_series_colours),
        cmocka_unit_test(test_draw_sizes),
        cmocka_unit_test_setup_teardown(test_render_files, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_score_draw, scratch_setup, scratch_teardown),
        cmocka_unit_test(test_compact),
        cmocka_unit_test_setup_teardown(test_fit_height, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_greyscale_fills, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_trend_line_contrast, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_trend_line_styles, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_greyscale_long_scales, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
