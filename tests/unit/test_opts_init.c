/* Unit tests for the public options' initialisers: every field set, whatever the struct held.
 * A caller's options live on its stack; a field an initialiser leaves alone is whatever was
 * there (shopstat_xlsx_opts.unadjusted, appended on 2026-12-04, was: the workbook then said
 * "unadjusted p-values" in 1 run of 3 under AddressSanitizer). Each initialiser runs over
 * a struct of 0xA5 bytes and over one of zeros: the two must come out byte for byte the same
 * (padding too: each starts from a memset of its own). */
#include "testutil.h"

#include <string.h>

#include "shopstat/chart.h"
#include "shopstat/chartset.h"
#include "shopstat/compare.h"
#include "shopstat/design.h"
#include "shopstat/reader.h"
#include "shopstat/replicate.h"
#include "shopstat/report.h"
#include "shopstat/tab.h"
#include "shopstat/xlsx.h"

#define SAME_FROM_ANY(type, init)                                                                 \
    do {                                                                                          \
        type dirty, clean;                                                                        \
        memset(&dirty, 0xA5, sizeof dirty);                                                       \
        memset(&clean, 0, sizeof clean);                                                          \
        init(&dirty);                                                                             \
        init(&clean);                                                                             \
        assert_memory_equal(&dirty, &clean, sizeof dirty);                                        \
    } while (0)

static void test_xlsx_opts(void **state)
{
    (void)state;
    SAME_FROM_ANY(shopstat_xlsx_opts, shopstat_xlsx_opts_init);
    shopstat_xlsx_opts o;
    memset(&o, 0xA5, sizeof o);
    shopstat_xlsx_opts_init(&o);
    assert_int_equal(o.unadjusted, 0); /* (the defaults: Holm's adjusted p-values) */
    assert_null(o.warnings);
    assert_int_equal(o.nwarnings, 0);
}

static void test_tab_and_compare_opts(void **state)
{
    (void)state;
    SAME_FROM_ANY(shopstat_tab_opts, shopstat_tab_opts_init);
    SAME_FROM_ANY(shopstat_compare_opts, shopstat_compare_opts_init);
    SAME_FROM_ANY(shopstat_pass_opts, shopstat_pass_opts_init);
}

static void test_reading_and_design_opts(void **state)
{
    (void)state;
    SAME_FROM_ANY(shopstat_csv_opts, shopstat_csv_opts_init);
    SAME_FROM_ANY(shopstat_design_opts, shopstat_design_opts_init);
    SAME_FROM_ANY(shopstat_replicate_opts, shopstat_replicate_opts_init);
    SAME_FROM_ANY(shopstat_report_opts, shopstat_report_opts_init);
}

static void test_chart_opts(void **state)
{
    (void)state;
    SAME_FROM_ANY(shopstat_chart_opts, shopstat_chart_opts_init);
    SAME_FROM_ANY(shopstat_chartset_opts, shopstat_chartset_opts_init);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx_opts),
        cmocka_unit_test(test_tab_and_compare_opts),
        cmocka_unit_test(test_reading_and_design_opts),
        cmocka_unit_test(test_chart_opts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
