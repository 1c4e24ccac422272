/* Unit tests for error records: formatting and exit codes. */
#include "testutil.h"

#include <string.h>

#include "shopstat/error.h"

static void test_format_with_position(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_error_set(&e, SHOPSTAT_EINPUT, "data.csv", 12, 5, "weight '%s' is negative", "-1");
    char buf[256];
    shopstat_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "data.csv:12:5: error: weight '-1' is negative");
    assert_int_equal(shopstat_exit_code(e.status), 2);
}

static void test_format_without_position(void **state)
{
    (void)state;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_error_set(&e, SHOPSTAT_EIO, "missing.csv", 0, 0, "cannot open: %s", "No such file");
    char buf[256];
    shopstat_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "missing.csv: error: cannot open: No such file");
    shopstat_error_set(&e, SHOPSTAT_EUSAGE, NULL, 0, 0, "two\nlines");
    shopstat_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "shopstat: error: two lines");
}

static void test_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(shopstat_exit_code(SHOPSTAT_OK), 0);
    assert_int_equal(shopstat_exit_code(SHOPSTAT_EUSAGE), 2);
    assert_int_equal(shopstat_exit_code(SHOPSTAT_ELIMIT), 2);
    assert_int_equal(shopstat_exit_code(SHOPSTAT_ENOMEM), 1);
    assert_int_equal(shopstat_exit_code(SHOPSTAT_EINTERNAL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_with_position),
        cmocka_unit_test(test_format_without_position),
        cmocka_unit_test(test_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
