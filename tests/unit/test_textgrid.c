/* Unit tests for the text views' layout: display widths, blocks within a width, wrapped notes. */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/output.h"

/* What f wrote, as a string the caller frees. */
typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static FILE *cap_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    return c->f;
}

static char *cap_close(capture *c)
{
    assert_int_equal(fclose(c->f), 0);
    return c->buf;
}

/* Widths counted by hand: an accented letter 1 column (2 bytes), a CJK character 2 (3 bytes),
 * a combining accent 0, a control character as its escape (\n 2, \x01 4). */
static void test_text_width(void **state)
{
    (void)state;
    assert_int_equal(shopstat_text_width(""), 0);
    assert_int_equal(shopstat_text_width("Beaut\xc3\xa9"), 6);
    assert_int_equal(shopstat_text_width("\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd"), 6); /* 東京都 */
    assert_int_equal(shopstat_text_width("e\xcc\x81"), 1); /* e + U+0301 */
    assert_int_equal(shopstat_text_width("a\nb"), 4);
    assert_int_equal(shopstat_text_width("\x01"), 4);
    /* whatever the program's locale: the data are UTF-8 under LANG=C too */
    char *old = strdup(setlocale(LC_CTYPE, NULL));
    setlocale(LC_CTYPE, "C");
    assert_int_equal(shopstat_text_width("\xe5\xa4\xa7\xe9\x98\xaa"), 4); /* 大阪 */
    setlocale(LC_CTYPE, old);
    free(old);
}

static void test_wrapped(void **state)
{
    (void)state;
    capture c;
    const char *t = "aaa bbb ccc\nshort\n";
    shopstat_write_wrapped(cap_open(&c), t, strlen(t), 7);
    char *s = cap_close(&c);
    assert_string_equal(s, "aaa bbb\n  ccc\nshort\n");
    free(s);
    /* a relation stays whole; a word wider than the width alone on its line */
    t = "F = 2.67, p = 0.009 abcdefghijkl x\n";
    shopstat_write_wrapped(cap_open(&c), t, strlen(t), 12);
    s = cap_close(&c);
    assert_string_equal(s, "F = 2.67,\n  p = 0.009\n  abcdefghijkl\n  x\n");
    free(s);
    /* display columns: "é" is one, so "ééé ééé" fits 7 */
    t = "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9 z\n";
    shopstat_write_wrapped(cap_open(&c), t, strlen(t), 7);
    s = cap_close(&c);
    assert_string_equal(s, "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9\n  z\n");
    free(s);
    /* no width: as written */
    t = "aaa bbb ccc\n";
    shopstat_write_wrapped(cap_open(&c), t, strlen(t), 0);
    s = cap_close(&c);
    assert_string_equal(s, t);
    free(s);
}

/* describe's notes: a line past the width goes on two columns past its own indent; a
 * quoted word stays whole; lines within the width and a shell command's lines (ending in a
 * backslash, and the line after one) are left as they are. Expected lines by hand. */
static void test_hanging(void **state)
{
    (void)state;
    capture c;
    const char *t = "  ab: one two three\nfits here\n";
    shopstat_write_hanging(cap_open(&c), t, strlen(t), 12);
    char *s = cap_close(&c);
    assert_string_equal(s, "  ab: one\n    two\n    three\nfits here\n");
    free(s);
    /* 'x y:1' is one word; "é" one column: "  éé 'x y:1'" is 12 */
    t = "  \xc3\xa9\xc3\xa9 'x y:1' z\n";
    shopstat_write_hanging(cap_open(&c), t, strlen(t), 12);
    s = cap_close(&c);
    assert_string_equal(s, "  \xc3\xa9\xc3\xa9 'x y:1'\n    z\n");
    free(s);
    /* an apostrophe inside a word opens no quote: "it's" breaks as any word */
    t = "it's a b c'd\n";
    shopstat_write_hanging(cap_open(&c), t, strlen(t), 7);
    s = cap_close(&c);
    assert_string_equal(s, "it's a\n  b c'd\n");
    free(s);
    t = "  cmd --var aaaaaaaa \\\n      --var bbbbbbbb\n";
    shopstat_write_hanging(cap_open(&c), t, strlen(t), 10);
    s = cap_close(&c);
    assert_string_equal(s, t);
    free(s);
    shopstat_write_hanging(cap_open(&c), "a b c d\n", 8, 0);
    s = cap_close(&c);
    assert_string_equal(s, "a b c d\n");
    free(s);
}

/* q by three segments of one --by column g, cells 5 wide */
static shopstat_textgrid *three(void)
{
    shopstat_textgrid *g = shopstat_textgrid_new(3, "q", 4);
    assert_non_null(g);
    const char *names[] = {"g=a", "g=b b", "g=c"};
    for (size_t c = 0; c < 3; c++)
        shopstat_textgrid_head(g, c, names[c], "g", names[c] + 2);
    shopstat_textgrid_row(g, "yes", 0);
    shopstat_textgrid_cell(g, 0, "10.0%");
    shopstat_textgrid_cell(g, 1, "20.0%");
    shopstat_textgrid_cell(g, 2, "30.0%");
    shopstat_textgrid_row(g, "base", 0);
    shopstat_textgrid_cell(g, 0, "1");
    shopstat_textgrid_cell(g, 1, "22");
    shopstat_textgrid_cell(g, 2, "333");
    return g;
}

static void test_grid_unwrapped(void **state)
{
    (void)state;
    shopstat_textgrid *g = three();
    capture c;
    assert_int_equal(shopstat_textgrid_write(cap_open(&c), g, 0, NULL), SHOPSTAT_OK);
    char *s = cap_close(&c);
    /* one line a row, the full names: labels 4 wide ("base"), each column 2 + 5 */
    assert_string_equal(s, "q       g=a  g=b b    g=c\n"
                           "yes   10.0%  20.0%  30.0%\n"
                           "base      1     22    333\n");
    free(s);
    shopstat_textgrid_free(g);
}

static void test_grid_blocks(void **state)
{
    (void)state;
    shopstat_textgrid *g = three();
    capture c;
    /* 4 + 3 x 7 = 25 > 20: two columns (18), then the third under the labels again */
    assert_int_equal(shopstat_textgrid_write(cap_open(&c), g, 20, NULL), SHOPSTAT_OK);
    char *s = cap_close(&c);
    assert_string_equal(s, "      ---- g -----\n"
                           "q         a    b b\n"
                           "yes   10.0%  20.0%\n"
                           "base      1     22\n"
                           "\n"
                           "      - g -\n"
                           "q         c\n"
                           "yes   30.0%\n"
                           "base    333\n");
    free(s);
    /* wide enough for all: one block, the short names under the group */
    assert_int_equal(shopstat_textgrid_write(cap_open(&c), g, 25, NULL), SHOPSTAT_OK);
    s = cap_close(&c);
    assert_string_equal(s, "      -------- g --------\n"
                           "q         a    b b      c\n"
                           "yes   10.0%  20.0%  30.0%\n"
                           "base      1     22    333\n");
    free(s);
    shopstat_textgrid_free(g);
}

static void test_grid_long_names(void **state)
{
    (void)state;
    /* a name wider than its cells: two lines when the view needs blocks, split where the
     * wider line is narrowest; a label past half the width cut */
    shopstat_textgrid *g = shopstat_textgrid_new(2, "q", 4);
    assert_non_null(g);
    shopstat_textgrid_head(g, 0, "Culture et jeux", NULL, NULL);
    shopstat_textgrid_head(g, 1, "Sport", NULL, NULL);
    shopstat_textgrid_row(g, "a very long level label", 0);
    shopstat_textgrid_cell(g, 0, "12.0%");
    shopstat_textgrid_cell(g, 1, "8.0%");
    capture c;
    assert_int_equal(shopstat_textgrid_write(cap_open(&c), g, 24, NULL), SHOPSTAT_OK);
    char *s = cap_close(&c);
    /* labels cut to 12 (half of 24) with "..."; "Culture et jeux" (15) on two lines,
     * "Culture" / "et jeux" (7 and 7, not "Culture et" / "jeux": 10), a block of its own
     * (12 + 2 + 7 + 2 + 5 = 28 > 24); "Sport" over cells of 4 without a space to split at */
    assert_string_equal(s, "              Culture\n"
                           "q             et jeux\n"
                           "a very lo...    12.0%\n"
                           "\n"
                           "q             Sport\n"
                           "a very lo...   8.0%\n");
    free(s);
    shopstat_textgrid_free(g);
}

static void test_grid_split_sign(void **state)
{
    (void)state;
    /* "Alimentation & boissons" over cells of 4: "Alimentation &" / "boissons" (14), not the
     * narrower "Alimentation" / "& boissons" (12), a line opening on a lone "&";
     * 4 + 2 + 14 + 2 + 4 = 26 > 20: two blocks */
    shopstat_textgrid *g = shopstat_textgrid_new(2, "q", 4);
    assert_non_null(g);
    shopstat_textgrid_head(g, 0, "Alimentation & boissons", NULL, NULL);
    shopstat_textgrid_head(g, 1, "x", NULL, NULL);
    shopstat_textgrid_row(g, "yes", 0);
    shopstat_textgrid_cell(g, 0, "1.0%");
    shopstat_textgrid_cell(g, 1, "2.0%");
    capture c;
    assert_int_equal(shopstat_textgrid_write(cap_open(&c), g, 20, NULL), SHOPSTAT_OK);
    char *s = cap_close(&c);
    assert_string_equal(s, "      Alimentation &\n"
                           "q           boissons\n"
                           "yes             1.0%\n"
                           "\n"
                           "q        x\n"
                           "yes   2.0%\n");
    free(s);
    shopstat_textgrid_free(g);
}

static void test_notes(void **state)
{
    (void)state;
    capture c;
    FILE *out = cap_open(&c);
    shopstat_notes n;
    FILE *f = shopstat_notes_begin(&n, out, 10);
    assert_ptr_not_equal(f, out);
    fputs("one two three\n", f);
    assert_int_equal(shopstat_notes_end(&n, NULL), SHOPSTAT_OK);
    char *s = cap_close(&c);
    assert_string_equal(s, "one two\n  three\n");
    free(s);
    /* no width: straight to out */
    out = cap_open(&c);
    assert_ptr_equal(shopstat_notes_begin(&n, out, 0), out);
    fputs("one two three\n", out);
    assert_int_equal(shopstat_notes_end(&n, NULL), SHOPSTAT_OK);
    s = cap_close(&c);
    assert_string_equal(s, "one two three\n");
    free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_width),      cmocka_unit_test(test_wrapped),
        cmocka_unit_test(test_grid_unwrapped),  cmocka_unit_test(test_grid_blocks),
        cmocka_unit_test(test_grid_long_names), cmocka_unit_test(test_grid_split_sign),
        cmocka_unit_test(test_notes),        cmocka_unit_test(test_hanging),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
