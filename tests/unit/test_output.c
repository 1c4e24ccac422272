/* Unit tests for the result writers: a failed write is reported, not swallowed. */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <locale.h>

#include "shopstat/output.h"

static const shopstat_estimate est[2] = {
    {.variable = "q",
     .level = "yes",
     .segment = "all",
     .base_n = 10,
     .base_weight = 10,
     .count = 6,
     .proportion = 0.6,
     .se = 0.1,
     .ci_lower = 0.4,
     .ci_upper = 0.8,
     .df = 9,
     .deff = 1,
     .eff_base = 10},
    {.variable = "q",
     .level = "no",
     .segment = "all",
     .base_n = 10,
     .base_weight = 10,
     .count = 4,
     .proportion = 0.4,
     .se = 0.1,
     .ci_lower = 0.2,
     .ci_upper = 0.6,
     .df = 9,
     .deff = 1,
     .eff_base = 10,
     .l = 1},
};

static const shopstat_difference diff[1] = {
    {.variable = "q",
     .level = "yes",
     .segment_a = "a",
     .segment_b = "b",
     .estimate_a = 0.6,
     .estimate_b = 0.5,
     .difference = 0.1,
     .se = 0.1,
     .df = 9,
     .t = 1,
     .p_value = 0.3,
     .p_adjusted = 0.3},
};

static const shopstat_tab_context ctx = {
    .data = "d.csv", .ci = "logit", .level = 0.95, .rows_read = 10, .rows_used = 10};

/* A stream that cannot be written (opened for reading): every writer says so, with
 * SHOPSTAT_EIO, where it used to return nothing and let the caller commit a truncated
 * file. */
static void test_write_error_reported(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_write_tab_csv(f, est, 2, NULL, 1, &err), SHOPSTAT_EIO);
    assert_non_null(strstr(err.msg, "cannot write"));
    assert_int_equal(shopstat_write_compare_csv(f, diff, 1, "t", 1, NULL), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_tab_json(f, est, 2, &ctx, &err), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_tab_table(f, est, 2, &ctx, &err), SHOPSTAT_EIO);
    assert_int_equal(shopstat_write_rows_line(f, &ctx, &err), SHOPSTAT_EIO);
    fclose(f);
}

static void test_write_ok(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_write_tab_csv(f, est, 2, NULL, 1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_compare_csv(f, diff, 1, "t", 1, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_tab_json(f, est, 2, &ctx, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_tab_table(f, est, 2, &ctx, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_write_rows_line(f, &ctx, NULL), SHOPSTAT_OK);
    assert_int_equal(err.status, SHOPSTAT_OK);
    fclose(f);
}

/* JSON strings are UTF-8: valid sequences are kept, a byte that starts none (a Latin-1
 * path in run.json) is \ufffd, and the string still ends at its closing quote. */
static void test_json_string_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"caf\xC3\xA9", "\"caf\xC3\xA9\""},                                     /* é, valid */
        {"caf\xE9.yml", "\"caf\\ufffd.yml\""},                                  /* Latin-1 é */
        {"\xE2\x82\xAC \xF0\x9F\x98\x80", "\"\xE2\x82\xAC \xF0\x9F\x98\x80\""}, /* €, emoji */
        {"a\xE2\x82", "\"a\\ufffd\\ufffd\""},                                   /* cut at the end */
        {"\xC0\xAF\xED\xA0\x80",
         "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* overlong, surrogate */
        {"q\"\\\n\x01", "\"q\\\"\\\\\\n\\u0001\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        shopstat_json_string(f, cases[i].in);
        fclose(f);
        assert_string_equal(buf, cases[i].out);
        free(buf);
    }
}

/* shopstat_format_double writes the fewest digits, 15 to 17, that read back as x: the
 * same string as "%.15g", "%.16g" or "%.17g" formatted in turn until one reads back (what
 * it did before it rounded "%.16e"'s 17 digits itself). 400,000 doubles of every kind: any
 * bits, in [0, 1), of a few decimals, whole numbers, of 16 and 17 digits at powers of ten
 * from 1e-25 to 1e20, next to a double of few digits, and edges (0, -0, powers of ten
 * where the form changes, the smallest and largest, 9.9999999999999995e-05 whose 15
 * digits carry to 0.0001). */
static void shortest_by_snprintf(double x, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
}

static void test_format_double_shortest(void **state)
{
    (void)state;
    uint64_t r = 88172645463325252u;
    char want[64], got[64];
    const double edge[] = {0.0, -0.0, 1e-5, 1e-4, 9.9999999999999995e-5, 0.0001, 1e15, 1e16,
                           1e17, 9.999999999999999e14, 999999999999999.9, 9999999999999998.0,
                           1e100, 1e-300, 5e-324, 2.2250738585072014e-308,
                           1.7976931348623157e308, 0.1, 0.5, 1, 10, 100, 0.30000000000000004,
                           123456789012345680.0, 1e21, 1e22, 1e-7, -2.5e-7, 0.99999999999999994};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
        shortest_by_snprintf(edge[i], want, sizeof want);
        assert_string_equal(shopstat_format_double(edge[i], got, sizeof got), want);
    }
    for (long i = 0; i < 400000; i++) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        double x, u = (double)(r >> 11) * 0x1p-53;
        switch (i % 7) {
        case 0:
            memcpy(&x, &r, sizeof x);
            if (isnan(x) || isinf(x))
                continue;
            break;
        case 1:
            x = u;
            break;
        case 2:
            x = (double)(r % 100000000) / pow(10, (double)((r >> 40) % 12));
            break;
        case 3:
            x = (double)(int64_t)(r % 2000000001) - 1e9;
            break;
        case 4:
            x = u * pow(10, (double)(int)(r >> 58) - 20);
            break;
        case 5:
            x = (double)(r % 100000000000000000u) * pow(10, (double)(int)((r >> 59) % 30) - 25);
            break;
        default:
            x = nextafter((double)(r % 1000000) / 1000, (r >> 63) ? 2e6 : -1) * ((r >> 62 & 1) ? -1 : 1);
            break;
        }
        shortest_by_snprintf(x, want, sizeof want);
        assert_string_equal(shopstat_format_double(x, got, sizeof got), want);
    }
}

/* Numbers are written as CSV and JSON take them, whatever the process locale: a library
 * caller's setlocale(LC_ALL, "") with a decimal comma made 0.6 "0,6", a CSV field split in
 * two and JSON that does not parse. Each locale not installed is skipped (the C locale ends
 * the list); tests/hostile/run.sh runs this test with a de_DE.UTF-8 made by localedef. */
static void test_numbers_any_locale(void **state)
{
    (void)state;
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        char b[40];
        assert_string_equal(shopstat_format_double(0.6, b, sizeof b), "0.6");
        assert_string_equal(shopstat_format_double(-2.5e-7, b, sizeof b), "-2.5e-07");
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        shopstat_error err;
        assert_int_equal(shopstat_write_tab_csv(f, est, 1, NULL, 0, &err), SHOPSTAT_OK);
        shopstat_json_number(f, 0.25);
        fclose(f);
        assert_string_equal(buf, "q,yes,all,10,10,6,0.6,0.1,0.4,0.8,9,1,10\n0.25");
        free(buf);
    }
    setlocale(LC_NUMERIC, "C");
}

/* The human-facing outputs' p: "p < 0.001" below 0.001 (report.md printed 9.37e-07), else
 * 3 decimals; 0.001 itself is "p = 0.001". */
static void test_format_p(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(shopstat_format_p(9.369804146923956e-07, b, sizeof b), "p < 0.001");
    assert_string_equal(shopstat_format_p(0, b, sizeof b), "p < 0.001");
    assert_string_equal(shopstat_format_p(0.000999, b, sizeof b), "p < 0.001");
    assert_string_equal(shopstat_format_p(0.001, b, sizeof b), "p = 0.001");
    assert_string_equal(shopstat_format_p(0.019913, b, sizeof b), "p = 0.020");
    assert_string_equal(shopstat_format_p(0.0421, b, sizeof b), "p = 0.042");
    assert_string_equal(shopstat_format_p(1, b, sizeof b), "p = 1.000");
    assert_string_equal(shopstat_format_p(NAN, b, sizeof b), "p n/a");
}

/* A p beside letters at 0.05 (upper case) and 0.10 (lower case) never reads as the other
 * side of a level: 3 decimals put 0.0498 (a letter) and 0.0502 (none) both at "p = 0.050",
 * and 0.0996 (a lower-case letter) at "p = 0.100". More decimals where 3 put it on or
 * across a level, up to 6; within 5e-7 of a level, the side of it. */
static void test_format_p_alpha(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(shopstat_format_p_alpha(0.0498, 0.05, 0.10, b, sizeof b), "p = 0.0498");
    assert_string_equal(shopstat_format_p_alpha(0.0502, 0.05, 0.10, b, sizeof b), "p = 0.0502");
    assert_string_equal(shopstat_format_p_alpha(0.04996, 0.05, 0.10, b, sizeof b), "p = 0.04996");
    assert_string_equal(shopstat_format_p_alpha(0.0499996, 0.05, 0.10, b, sizeof b), "p < 0.05");
    assert_string_equal(shopstat_format_p_alpha(0.0500004, 0.05, 0.10, b, sizeof b), "p > 0.05");
    assert_string_equal(shopstat_format_p_alpha(0.0996, 0.05, 0.10, b, sizeof b), "p = 0.0996");
    assert_string_equal(shopstat_format_p_alpha(0.1004, 0.05, 0.10, b, sizeof b), "p = 0.1004");
    /* p at a level exactly is not below it, as "p = 0.050" reads */
    assert_string_equal(shopstat_format_p_alpha(0.05, 0.05, 0.10, b, sizeof b), "p = 0.050");
    /* away from the levels, 3 decimals as shopstat_format_p */
    assert_string_equal(shopstat_format_p_alpha(0.0483, 0.05, 0.10, b, sizeof b), "p = 0.048");
    assert_string_equal(shopstat_format_p_alpha(0.0517, 0.05, 0.10, b, sizeof b), "p = 0.052");
    assert_string_equal(shopstat_format_p_alpha(0.0421, 0.05, 0.10, b, sizeof b), "p = 0.042");
    assert_string_equal(shopstat_format_p_alpha(0.0004, 0.05, 0.10, b, sizeof b), "p < 0.001");
    assert_string_equal(shopstat_format_p_alpha(NAN, 0.05, 0.10, b, sizeof b), "p n/a");
    /* one level (the lower NaN or equal), and a level of the user's: --alpha 0.01 */
    assert_string_equal(shopstat_format_p_alpha(0.0498, 0.05, NAN, b, sizeof b), "p = 0.0498");
    assert_string_equal(shopstat_format_p_alpha(0.0996, 0.05, 0.05, b, sizeof b), "p = 0.100");
    assert_string_equal(shopstat_format_p_alpha(0.00996, 0.01, 0.01, b, sizeof b), "p = 0.00996");
    /* without levels, shopstat_format_p */
    assert_string_equal(shopstat_format_p_alpha(0.0498, NAN, NAN, b, sizeof b), "p = 0.050");
    assert_string_equal(shopstat_format_p(0.0498, b, sizeof b), "p = 0.050");
    /* a difference's cell: its adjusted p so, beside the letters of the same levels */
    shopstat_difference d;
    memset(&d, 0, sizeof d);
    d.estimate_a = 0.35;
    d.estimate_b = 0.095238095238095233;
    d.difference = d.estimate_a - d.estimate_b;
    d.ci_lower = 0.0003;
    d.ci_upper = 0.509;
    d.df = 40;
    d.p_value = d.p_adjusted = 0.049834567072639196;
    d.eff_base_a = 20;
    d.eff_base_b = 21;
    /* (a bound that rounds to 0 keeps its side, as the difference chart's: "+0.03") */
    assert_string_equal(shopstat_format_difference_alpha(&d, NULL, 0.05, 0.10, b, sizeof b),
                        "+25.5 [+0.03, +50.9] p = 0.0498");
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b),
                        "+25.5 [+0.03, +50.9] p = 0.050");
    /* its mirror never reads "-0.0": "-0.03", and past two more decimals 0 unsigned */
    d.difference = -d.difference;
    d.ci_lower = -0.509;
    d.ci_upper = -0.0003;
    assert_string_equal(shopstat_format_difference_alpha(&d, NULL, 0.05, 0.10, b, sizeof b),
                        "-25.5 [-50.9, -0.03] p = 0.0498");
    d.ci_upper = -0.000004;
    assert_string_equal(shopstat_format_difference_alpha(&d, NULL, 0.05, 0.10, b, sizeof b),
                        "-25.5 [-50.9, 0.0] p = 0.0498");
    /* a decimal point in any locale, the comparison made on the text as printed */
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        assert_string_equal(shopstat_format_p_alpha(0.0498, 0.05, 0.10, b, sizeof b),
                            "p = 0.0498");
        assert_string_equal(shopstat_format_p_alpha(0.0421, 0.05, 0.10, b, sizeof b),
                            "p = 0.042");
    }
    setlocale(LC_NUMERIC, "C");
}

/* The human-facing views' rounded numbers never read "-0.0" nor "+0.0": a Wald bound of a
 * share (-0.0004, -0.04 as a percentage) is 0.0, and so is a difference of exactly 0 or of
 * 0.04 points (a zero has no sign); a difference's bound keeps its side with up to two more
 * decimals, as the difference chart's. */
static void test_format_fixed(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(shopstat_format_fixed(-0.04, 1, 0, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(-0.0, 1, 0, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(-0.04, 1, SHOPSTAT_FIXED_SIGN, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(0.0, 1, SHOPSTAT_FIXED_SIGN, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(0.04, 1, SHOPSTAT_FIXED_SIGN, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(0.0, 0, SHOPSTAT_FIXED_SIGN, b, sizeof b), "0");
    assert_string_equal(shopstat_format_fixed(-0.06, 1, 0, b, sizeof b), "-0.1");
    assert_string_equal(shopstat_format_fixed(64.04, 1, 0, b, sizeof b), "64.0");
    assert_string_equal(shopstat_format_fixed(18.1, 1, SHOPSTAT_FIXED_SIGN, b, sizeof b), "+18.1");
    const int side = SHOPSTAT_FIXED_SIGN | SHOPSTAT_FIXED_SIDE;
    assert_string_equal(shopstat_format_fixed(-0.04, 1, side, b, sizeof b), "-0.04");
    assert_string_equal(shopstat_format_fixed(-0.004, 1, side, b, sizeof b), "-0.004");
    assert_string_equal(shopstat_format_fixed(-0.0004, 1, side, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(0.0004, 1, side, b, sizeof b), "0.0");
    assert_string_equal(shopstat_format_fixed(-4.7, 1, side, b, sizeof b), "-4.7");
    assert_string_equal(shopstat_format_fixed(NAN, 1, 0, b, sizeof b), "n/a");
    /* decimals outside 0 to 9 (output.h) are taken as the nearest bound: printf would take
     * a negative precision as none (6 decimals) */
    assert_string_equal(shopstat_format_fixed(2.4, -1, 0, b, sizeof b), "2");
    assert_string_equal(shopstat_format_fixed(0.125, 12, 0, b, sizeof b), "0.125000000");
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        assert_string_equal(shopstat_format_fixed(-0.04, 1, side, b, sizeof b), "-0.04");
    }
    setlocale(LC_NUMERIC, "C");
}

/* Counts and bases in groups of three digits, a decimal point in any locale. */
/* A side at 0% or 100% adds no variance, so the p is the other side's alone: its cell's p is
 * marked '+'. R (survey 4.1.1, svycontrast of svyby; tests/cli/data/audit_bound.csv): 0 of 12
 * against 12 of 40, difference -0.3, SE 0.0731638, CI [-0.446882, -0.153118] on 51 df,
 * p 0.000148345 (Fisher's exact test of the counts: 0.047). */
static void test_difference_side_at_bound(void **state)
{
    (void)state;
    char b[160];
    shopstat_difference d;
    memset(&d, 0, sizeof d);
    d.estimate_a = 0;
    d.estimate_b = 0.3;
    d.difference = -0.3;
    d.ci_lower = -0.44688245122626913;
    d.ci_upper = -0.15311754877373082;
    d.df = 51;
    d.p_value = d.p_adjusted = 0.0001483447775517479;
    d.eff_base_a = 12;
    d.eff_base_b = 40;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 1);
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b),
                        "-30.0 [-44.7, -15.3] p < 0.001+");
    /* 100% on the other side: marked too */
    d.estimate_a = 0.3;
    d.estimate_b = 1;
    d.difference = -0.7;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 1);
    /* both sides inside (0, 1): no mark */
    d.estimate_b = 0.6;
    d.difference = -0.3;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 0);
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b),
                        "-30.0 [-44.7, -15.3] p < 0.001");
    /* 0% on both sides is no test, an effective base under 10 not tested: no mark */
    d.estimate_a = d.estimate_b = 0;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 0);
    d.estimate_b = 0.3;
    d.eff_base_a = 9;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 0);
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b), "not tested");
    /* no p (df 0): no mark */
    d.eff_base_a = 12;
    d.p_value = d.p_adjusted = d.ci_lower = d.ci_upper = NAN;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 0);
    assert_int_equal(shopstat_difference_side_at_bound(NULL), 0);
    /* ... and shown "[df 0]"; at a df of 1 (or more) without an interval "[no interval]" */
    d.df = 0;
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b), "-30.0 [df 0]");
    d.df = 1;
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b),
                        "-30.0 [no interval]");
    /* an interval without a p (a difference of 0 with SE 0 has one; here one side at 0%):
     * not tested, no mark */
    d.ci_lower = -0.44688245122626913;
    d.ci_upper = -0.15311754877373082;
    d.df = 51;
    assert_int_equal(shopstat_difference_side_at_bound(&d), 0);
    assert_string_equal(shopstat_format_difference(&d, NULL, b, sizeof b),
                        "-30.0 [-44.7, -15.3]");
}

/* The notes of columns without an interval: "" when no column is named (the buffer may
 * hold anything before), else the names and the reason. */
static void test_df0_notes(void **state)
{
    (void)state;
    char b[300];
    shopstat_df0_names d;
    shopstat_df0_names_init(&d);
    memset(b, 'x', sizeof b);
    shopstat_rep_undefined_note(&d, b, sizeof b);
    assert_string_equal(b, "");
    memset(b, 'x', sizeof b);
    shopstat_df0_note(&d, NULL, b, sizeof b);
    assert_string_equal(b, "");
    shopstat_df0_add(&d, "all");
    shopstat_df0_add(&d, "g=b");
    shopstat_rep_undefined_note(&d, b, sizeof b);
    assert_string_equal(b, "No SE or interval for all, g=b: the weights of the base sum to 0 in "
                           "some replicate (they cancel), so its replicate estimates are "
                           "undefined.");
}

/* One line per question whose base keeps the rows ticking none (output.h), with the
 * --base conditions when there are some. */
static void test_none_in_base_lines(void **state)
{
    (void)state;
    static const char *const names[] = {"Q8", "Q9"};
    shopstat_tab_context nb;
    memset(&nb, 0, sizeof nb);
    nb.none_in_base = names;
    nb.nnone_in_base = 2;
    nb.base = "Finished:1";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    shopstat_write_none_in_base_lines(f, &nb, "segment");
    nb.base = NULL;
    nb.nnone_in_base = 1;
    shopstat_write_none_in_base_lines(f, &nb, "column");
    fclose(f);
    assert_string_equal(buf, "Base of Q8: every row of the segment meeting Finished:1; a row "
                             "ticking none counts as none.\n"
                             "Base of Q9: every row of the segment meeting Finished:1; a row "
                             "ticking none counts as none.\n"
                             "Base of Q8: every row of the column; a row ticking none counts as "
                             "none.\n");
    free(buf);
}

static void test_format_grouped(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(shopstat_format_grouped(0, 0, b, sizeof b), "0");
    assert_string_equal(shopstat_format_grouped(999, 0, b, sizeof b), "999");
    assert_string_equal(shopstat_format_grouped(1000, 0, b, sizeof b), "1,000");
    assert_string_equal(shopstat_format_grouped(12345, 0, b, sizeof b), "12,345");
    assert_string_equal(shopstat_format_grouped(1234567, 0, b, sizeof b), "1,234,567");
    assert_string_equal(shopstat_format_grouped(1234.45, 1, b, sizeof b), "1,234.5");
    assert_string_equal(shopstat_format_grouped(828.06, 1, b, sizeof b), "828.1");
    assert_string_equal(shopstat_format_grouped(999999.96, 1, b, sizeof b), "1,000,000.0");
    assert_string_equal(shopstat_format_grouped(-1000, 0, b, sizeof b), "-1,000");
    assert_string_equal(shopstat_format_grouped(NAN, 0, b, sizeof b), "n/a");
    assert_string_equal(shopstat_format_grouped(-0.04, 1, b, sizeof b), "0.0"); /* not -0.0 */
    /* cut to the buffer */
    assert_string_equal(shopstat_format_grouped(1234567, 0, b, 6), "1,234");
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        assert_string_equal(shopstat_format_grouped(1234.45, 1, b, sizeof b), "1,234.5");
    }
    setlocale(LC_NUMERIC, "C");
}

/* shopstat_tab_context_init fills every field a writer reads from the totals (a program
 * embedding the library filled 25 fields by hand, and a zeroed field wrote "ci": null,
 * "level": 0 into the JSON). A stratified cluster design with population sizes and an empty
 * row; then Fay's replicate weights with the default options. */
static void test_context_init(void **state)
{
    (void)state;
    shopstat_plan *p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.strata = "s";
    d.psu = "p";
    d.fpc = "N";
    shopstat_error err;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    assert_int_equal(totals_of_csv("s,p,w,N,q\n"
                                   "A,1,2,10,x\nA,1,1,10,y\nA,2,2,10,x\nA,2,3,10,y\n"
                                   ",,,,\n"
                                   "B,3,1,10,x\nB,3,1,10,x\nB,4,2,10,y\nB,4,2,10,x\n",
                                   p, &t, &err),
                     SHOPSTAT_OK);
    shopstat_tab_opts o;
    shopstat_tab_opts_init(&o);
    o.ci = SHOPSTAT_CI_WILSON;
    o.level = 0.9;
    shopstat_tab_context c;
    memset(&c, 0xa5, sizeof c); /* (every field set, whatever was there) */
    shopstat_tab_context_init(&c, t, &o);
    assert_ptr_equal(c.data, shopstat_totals_path(t));
    assert_true(strncmp(c.data, "/tmp/shopstat_test_", 19) == 0);
    assert_string_equal(c.weight, "w");
    assert_string_equal(c.strata, "s");
    assert_string_equal(c.psu, "p");
    assert_string_equal(c.fpc, "N");
    assert_int_equal(c.fpc_fractions, 0); /* population sizes */
    assert_string_equal(c.lonely, "fail");
    assert_string_equal(c.ci, "wilson");
    assert_close(c.level, 0.9, 0);
    assert_int_equal(c.rows_read, 9);
    assert_int_equal(c.rows_used, 8);
    assert_int_equal(c.rows_excluded, 1);
    assert_int_equal(c.rows_skipped, 0);
    assert_int_equal(c.rows_empty, 1);
    assert_null(c.base);
    assert_int_equal(c.rows_outside_base, 0);
    assert_int_equal(c.nstrata, 2);
    assert_int_equal(c.npsu, 4);
    assert_close(c.df, 2, 0); /* 4 PSUs - 2 strata */
    assert_null(c.repweights);
    assert_null(c.reptype);
    assert_null(c.rep_note);
    assert_int_equal(c.replicates, 0);
    assert_null(c.none_in_base);
    assert_int_equal(c.nnone_in_base, 0);
    assert_ptr_equal(c.totals, t);
    shopstat_totals_free(t);
    shopstat_plan_free(p);

    p = shopstat_plan_new();
    assert_non_null(p);
    shopstat_design_opts_init(&d);
    d.weight = "w";
    d.repweights = "r1,r2";
    d.reptype = SHOPSTAT_REP_FAY;
    d.rho = 0.5;
    assert_int_equal(shopstat_plan_set_design(p, &d, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", &err), SHOPSTAT_OK);
    assert_int_equal(totals_of_csv("w,r1,r2,q\n2,3,1,x\n2,1,3,y\n2,3,1,y\n2,1,3,x\n", p, &t,
                                   &err),
                     SHOPSTAT_OK);
    memset(&c, 0xa5, sizeof c);
    shopstat_tab_context_init(&c, t, NULL);
    assert_string_equal(c.ci, "logit"); /* the defaults, as shopstat_tab_opts_init's */
    assert_close(c.level, 0.95, 0);
    assert_string_equal(c.weight, "w");
    assert_null(c.strata);
    assert_null(c.psu);
    assert_null(c.fpc);
    assert_string_equal(c.repweights, "r1,r2");
    assert_string_equal(c.reptype, "fay");
    assert_int_equal(c.replicates, 2);
    assert_close(c.rho, 0.5, 0);
    assert_int_equal(c.mse, 0);
    assert_int_equal(c.rows_read, 4);
    assert_int_equal(c.rows_used, 4);
    assert_int_equal(c.rows_excluded, 0);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

/* shopstat_design_note cuts to n bytes: the whole line, one cut short, and nothing at all for
 * n = 0 (it wrote its first byte before looking at n: a caller's buffer of size 0, or NULL,
 * had a byte written into it; found reading the -fanalyzer and cppcheck reports' files) */
static void test_design_note_size(void **state)
{
    (void)state;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "wt";
    d.strata = "region";
    char buf[80];
    shopstat_design_note(&d, 0, buf, sizeof buf);
    assert_string_equal(buf, "Weighted by wt; strata region.");
    shopstat_design_note(&d, 0, buf, 12);
    assert_string_equal(buf, "Weighted by");
    char sentinel[2] = {'X', 'Y'};
    shopstat_design_note(&d, 0, sentinel, 0);
    assert_int_equal(sentinel[0], 'X');
    assert_int_equal(sentinel[1], 'Y');
    shopstat_design_note(&d, 0, NULL, 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_error_reported),
        cmocka_unit_test(test_write_ok),
        cmocka_unit_test(test_json_string_utf8),
        cmocka_unit_test(test_numbers_any_locale),
        cmocka_unit_test(test_format_double_shortest),
        cmocka_unit_test(test_format_p),
        cmocka_unit_test(test_format_p_alpha),
        cmocka_unit_test(test_difference_side_at_bound),
        cmocka_unit_test(test_df0_notes),
        cmocka_unit_test(test_none_in_base_lines),
        cmocka_unit_test(test_format_grouped),
        cmocka_unit_test(test_format_fixed),
        cmocka_unit_test(test_context_init),
        cmocka_unit_test(test_design_note_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
