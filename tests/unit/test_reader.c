/* Unit tests for the streaming CSV reader: dialects, encodings, positions and every input error. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h" /* the byte-range parser */
#include "shopstat/reader.h"

/* Block sizes every case is read with: tiny blocks cut BOMs, CRLF pairs, UTF-8
 * sequences and quoted fields at every possible place. */
static const size_t block_sizes[] = {0, 1, 2, 3, 7};

static char path[64];

static void write_file(const char *bytes, size_t n)
{
    snprintf(path, sizeof path, "/tmp/shopstat_test_reader_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

/* Rows collected as "f1|f2|...@line:col" lines (position of the first field). */
typedef struct collect {
    char out[8192];
    size_t len;
} collect;

/* The layout shopstat_row promises: the fields one after another, each after the NUL of
 * the one before, and 16 readable bytes after the last NUL (a sanitizer build catches a
 * read past the buffer). */
static void check_layout(const shopstat_row *row)
{
    for (size_t i = 0; i + 1 < row->nfields; i++)
        assert_ptr_equal(row->fields[i + 1], row->fields[i] + row->lens[i] + 1);
    size_t last = row->nfields - 1;
    assert_int_equal(row->fields[last][row->lens[last]], '\0');
    char spare[16];
    memcpy(spare, row->fields[last] + row->lens[last] + 1, sizeof spare);
    (void)spare;
}

static shopstat_status on_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)err;
    collect *c = ctx;
    check_layout(row);
    if (c->len > sizeof c->out - 512)
        return SHOPSTAT_OK; /* big inputs: only the first rows are compared */
    for (size_t i = 0; i < row->nfields; i++) {
        assert_int_equal(strlen(row->fields[i]), row->lens[i]);
        c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "%s%s", i ? "|" : "",
                                   row->fields[i]);
        if (c->len >= sizeof c->out - 64) { /* a long field: the rest of the row is cut */
            c->len = sizeof c->out - 64;
            break;
        }
    }
    c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "@%zu:%zu\n",
                               row->pos[row->nfields - 1].line, row->pos[row->nfields - 1].col);
    return SHOPSTAT_OK;
}

/* Read bytes with opts (NULL: defaults) and every block size; each read must give the same
 * header ("a,b,c"), rows and error text. Returns the error text ("" on success). */
typedef struct result {
    char header[256];
    char rows[8192];
    char error[2200];
    shopstat_csv_dialect d; /* its strings point to enc / eol below */
    char enc[64], eol[16];
    size_t read, skipped, empty;
} result;

static void run_once(const shopstat_csv_opts *opts, size_t bs, result *res)
{
    shopstat_csv_opts o;
    if (opts)
        o = *opts;
    else
        shopstat_csv_opts_init(&o);
    o.block_size = bs;
    memset(res, 0, sizeof *res);
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    shopstat_status s = shopstat_reader_open(path, &o, &r, &err);
    if (s == SHOPSTAT_OK) {
        size_t hl = 0;
        for (size_t i = 0; i < shopstat_reader_ncols(r); i++)
            hl += (size_t)snprintf(res->header + hl, sizeof res->header - hl, "%s%s", i ? "," : "",
                                   shopstat_reader_colname(r, i));
        collect c = {{0}, 0};
        s = shopstat_reader_run(r, on_row, &c, &err);
        memcpy(res->rows, c.out, c.len + 1);
        res->d = *shopstat_reader_dialect(r);
        snprintf(res->enc, sizeof res->enc, "%s", res->d.encoding);
        snprintf(res->eol, sizeof res->eol, "%s", res->d.line_ending);
        res->d.encoding = res->enc;
        res->d.line_ending = res->eol;
        res->read = shopstat_reader_rows_read(r);
        res->skipped = shopstat_reader_rows_skipped(r);
        res->empty = shopstat_reader_rows_empty(r);
    }
    if (s != SHOPSTAT_OK)
        shopstat_error_format(&err, res->error, sizeof res->error);
    shopstat_reader_free(r);
}

static void run(const char *bytes, size_t n, const shopstat_csv_opts *opts, result *res)
{
    write_file(bytes, n);
    run_once(opts, 0, res);
    for (size_t k = 1; k < sizeof block_sizes / sizeof *block_sizes; k++) {
        result other;
        run_once(opts, block_sizes[k], &other);
        assert_string_equal(other.header, res->header);
        assert_string_equal(other.rows, res->rows);
        assert_string_equal(other.error, res->error);
    }
    unlink(path);
}

#define RUN(lit, opts, res) run((lit), sizeof(lit) - 1, (opts), (res))

/* The error text with the temp path replaced by "F". */
static const char *errtext(const result *res)
{
    static char buf[2200];
    size_t pl = strlen(path);
    if (strncmp(res->error, path, pl) == 0)
        snprintf(buf, sizeof buf, "F%s", res->error + pl);
    else
        snprintf(buf, sizeof buf, "%s", res->error);
    return buf;
}

static void test_lf(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\n1,2,3\n4,5,6\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.header, "a,b,c");
    assert_string_equal(r.rows, "1|2|3@2:5\n4|5|6@3:5\n");
    assert_int_equal(r.d.delimiter, ',');
    assert_string_equal(r.d.line_ending, "LF");
    assert_string_equal(r.d.encoding, "utf-8");
    assert_int_equal(r.d.converted, 0);
    assert_int_equal(r.d.bom, 0);
    assert_int_equal(r.d.decimal_comma, 0);
    assert_int_equal(r.read, 2);
}

static void test_crlf_and_no_final_newline(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\r\n1,2,3\r\n4,5,6", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|2|3@2:5\n4|5|6@3:5\n");
    assert_string_equal(r.d.line_ending, "CRLF");
}

static void test_lone_cr(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\r1,2,3\r4,5,6\r", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|2|3@2:5\n4|5|6@3:5\n");
    assert_string_equal(r.d.line_ending, "CR");
}

static void test_mixed_line_ends_and_blank_lines(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\n1,2,3\r\n\n4,5,6\r", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|2|3@2:5\n4|5|6@4:5\n");
    assert_string_equal(r.d.line_ending, "mixed");
}

/* A line break within a quoted cell (Excel's Alt+Enter: LF in a CRLF file) is the cell's
 * text: the file's line ends are CRLF. It still counts as a line for positions. */
static void test_quoted_line_break_is_not_a_line_end(void **state)
{
    (void)state;
    result r;
    RUN("a,b\r\n1,\"x\ny\"\r\n2,z\r\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|x\ny@2:3\n2|z@4:3\n");
    assert_string_equal(r.d.line_ending, "CRLF");
    RUN("a,b\n1,\"x\r\ny\"\n2,\"z\r\"\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.d.line_ending, "LF");
}

static void test_bom(void **state)
{
    (void)state;
    result r;
    RUN("\xEF\xBB\xBF"
        "a,b,c\n1,2,3\n",
        NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.header, "a,b,c");
    assert_int_equal(r.d.bom, 1);
    /* Columns count from after the BOM, as editors show them. */
    assert_string_equal(r.rows, "1|2|3@2:5\n");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n7,,\"\"\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "x,y|say \"hi\"|two\nlines@2:20\n7||@4:4\n");
}

static void test_spaces_trimmed(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\n 1 , \"q\" ,3\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|q|3@2:11\n");
}

static void test_delimiters(void **state)
{
    (void)state;
    result r;
    RUN("a;b;c\n1,5;2;3\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_int_equal(r.d.delimiter, ';');
    assert_int_equal(r.d.decimal_comma, 1);
    assert_string_equal(r.rows, "1,5|2|3@2:7\n");
    RUN("a\tb\tc\n1\t2\t3\n", NULL, &r);
    assert_int_equal(r.d.delimiter, '\t');
    assert_string_equal(r.rows, "1|2|3@2:5\n");
    RUN("a|b|c\n1|2|3\n", NULL, &r);
    assert_int_equal(r.d.delimiter, '|');
    assert_string_equal(r.rows, "1|2|3@2:5\n");
    /* Delimiters inside quotes do not count; ties prefer , then ; */
    RUN("\"a;x;y\",b,c\n1,2,3\n", NULL, &r);
    assert_int_equal(r.d.delimiter, ',');
    RUN("a,b;c\n1,2;3\n", NULL, &r);
    assert_int_equal(r.d.delimiter, ',');
    assert_string_equal(r.header, "a,b;c");
    /* A forced delimiter wins over detection. */
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.delimiter = ';';
    RUN("a;b,x;c\n1;2;3\n", &o, &r);
    assert_string_equal(r.header, "a,b,x,c");
    assert_string_equal(r.error, "");
    /* Blank lines before the header are skipped, by detection too; lines still count. */
    RUN("\n\r\na;b\n1;2\n", NULL, &r);
    assert_int_equal(r.d.delimiter, ';');
    assert_string_equal(r.rows, "1|2@4:3\n");
    o.delimiter = '"';
    RUN("a,b\n1,2\n", &o, &r);
    assert_string_equal(r.error, "shopstat: error: the delimiter must be an ASCII character "
                                 "other than a quote or a line end");
}

static void test_latin1_converted(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\ncaf\xE9,\x80,3\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.d.encoding, "windows-1252");
    assert_int_equal(r.d.converted, 1);
    assert_string_equal(r.rows, "caf\xC3\xA9|\xE2\x82\xAC|3@2:8\n");
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.encoding = "latin1";
    RUN("a,b,c\ncaf\xE9,x,3\n", &o, &r);
    assert_string_equal(r.d.encoding, "latin1");
    assert_string_equal(r.rows, "caf\xC3\xA9|x|3@2:8\n");
}

/* The encoding is guessed from the first MiB: one Latin-1 byte anywhere in it, in a long
 * ASCII run (any offset in a 16-byte step, past the first 64 KiB too), makes the file
 * windows-1252; the same place holding a valid UTF-8 sequence keeps it UTF-8. A regular
 * file's sample is read as its first 64 KiB and then 64 KiB pieces: sequences across those
 * seams, and one cut by the sample's end (more follows: not held against the file), are
 * judged as in one piece; a byte past the sample is not looked at. */
static void encoding_at(size_t off, const char *seq, const char *want)
{
    size_t n = 2 + off + strlen(seq) + 40;
    char *b = malloc(n);
    assert_non_null(b);
    memcpy(b, "a\n", 2);
    for (size_t i = 0; i < off; i++)
        b[2 + i] = (i % 50 == 49) ? '\n' : 'x';
    memcpy(b + 2 + off, seq, strlen(seq));
    memset(b + 2 + off + strlen(seq), 'y', 39);
    b[n - 1] = '\n';
    write_file(b, n);
    free(b);
    shopstat_reader *r = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    if (strcmp(shopstat_reader_dialect(r)->encoding, want) != 0)
        fail_msg("'%s' at offset %zu: %s, expected %s", seq, off,
                 shopstat_reader_dialect(r)->encoding, want);
    shopstat_reader_free(r);
    unlink(path);
}

static void test_encoding_guess_offsets(void **state)
{
    (void)state;
    /* (the file holds 2 bytes before offset 0: 65532 puts a 3-byte sequence across the
     * first read's end, 131069 across the next piece's, 1048573 across the sample's) */
    size_t far[] = {1000, 65532, 65533, 65535, 65536 + 7, 131069, 900000};
    for (size_t off = 0; off < 48; off++) {
        encoding_at(off, "\xE9", "windows-1252");
        encoding_at(off, "\xC3\xA9", "utf-8");
    }
    for (size_t k = 0; k < sizeof far / sizeof *far; k++) {
        encoding_at(far[k], "\xE9", "windows-1252");
        encoding_at(far[k], "\xE2\x82\xAC", "utf-8");
        encoding_at(far[k], "\xE2\x82", "windows-1252"); /* cut sequence mid-file */
    }
    /* the sample's last bytes (file offsets 1048575 on) */
    encoding_at(1048573, "\xE2\x82\xAC", "utf-8");
    encoding_at(1048573, "\xE2\x82", "utf-8"); /* a sequence cut by the sample's end */
    encoding_at(1048573, "\xE9", "utf-8");     /* (a lead byte: cut by the end) */
    encoding_at(1048573, "\x80", "windows-1252");
    encoding_at(1048574, "\x80", "utf-8"); /* past the sample */
}

/* A header line longer than the first read (64 KiB of a regular file): the delimiter is
 * counted over the whole line, as far as the sample goes. The first 64 KiB hold more
 * commas, the line more semicolons. */
static void test_long_header_delimiter(void **state)
{
    (void)state;
    size_t n = 20000 * 2 + 30000 * 7 + 64;
    char *b = malloc(n), *p = b;
    assert_non_null(b);
    for (int i = 0; i < 20000; i++, p += 2)
        memcpy(p, "a,", 2);
    for (int i = 0; i < 30000; i++)
        p += snprintf(p, 8, "b%05d;", i);
    memcpy(p, "c\n", 2);
    p += 2;
    write_file(b, (size_t)(p - b));
    free(b);
    shopstat_reader *r = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_reader_open(path, NULL, &r, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(shopstat_reader_dialect(r)->delimiter, ';');
    assert_int_equal(shopstat_reader_ncols(r), 30001);
    assert_memory_equal(shopstat_reader_colname(r, 0), "a,a,", 4);
    assert_string_equal(shopstat_reader_colname(r, 30000), "c");
    shopstat_reader_free(r);
    unlink(path);
}

/* Stateless multi-byte encodings (Shift_JIS here): a character cut by any read block (block
 * sizes 1, 2, 3, 7) is completed with the next bytes; the file ending inside one, or a lead
 * byte without a valid second byte, is named; a delimiter that can be a second byte is
 * refused up front (an EUC encoding, whose bytes are all high, takes it); so are encodings
 * whose ASCII bytes are not characters by themselves (UTF-7, ISO-2022, EBCDIC, UTF-16). */
static void test_multibyte_encodings(void **state)
{
    (void)state;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.encoding = "SHIFT_JIS";
    result r;
    /* 日本 = 93 FA 96 7B, 語 = 8C EA, 本 = 96 7B */
    RUN("a,b,c\n1,\x93\xFA\x96\x7B,3\n\"\x8C\xEA,x\",\x96\x7B,4\n", &o, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|\xE6\x97\xA5\xE6\x9C\xAC|3@2:8\n"
                                "\xE8\xAA\x9E,x|\xE6\x9C\xAC|4@3:11\n");
    RUN("a,b,c\n1,2,\x93", &o, &r);
    assert_string_equal(errtext(&r),
                        "F:2:5: error: the file ends inside a SHIFT_JIS character (byte 0x93)");
    RUN("a,b,c\n1,\x93 x,3\n", &o, &r);
    assert_string_equal(errtext(&r), "F:2:3: error: byte 0x93 is not valid SHIFT_JIS");
    RUN("a|b|c\n1|x|3\n", &o, &r);
    assert_string_equal(errtext(&r),
                        "F: error: in SHIFT_JIS the delimiter '|' can be the second byte of a "
                        "character; use a comma, semicolon or tab delimiter, or convert the "
                        "file to UTF-8");
    o.encoding = "EUC-JP"; /* 日本 = C6 FC CB DC */
    RUN("a|b|c\n1|\xC6\xFC\xCB\xDC|3\n", &o, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|\xE6\x97\xA5\xE6\x9C\xAC|3@2:8\n");
    /* encodings whose ASCII bytes are not plain characters: refused before any row */
    const char *const stateful[] = {"UTF-7", "ISO-2022-JP", "IBM037", "UTF-16LE"};
    for (size_t i = 0; i < 4; i++) {
        o.encoding = stateful[i];
        RUN("a,b,c\n1,2,3\n", &o, &r);
        char want[300];
        snprintf(want, sizeof want,
                 "encoding '%s' is not ASCII-compatible (UTF-16, UTF-32, UTF-7, ISO-2022 and "
                 "EBCDIC are not supported): convert the file to UTF-8",
                 stateful[i]);
        assert_non_null(strstr(r.error, want));
    }
}

static void test_utf8_kept(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\ncaf\xC3\xA9,\xE2\x82\xAC,3\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.d.encoding, "utf-8");
    assert_int_equal(r.d.converted, 0);
    assert_string_equal(r.rows, "caf\xC3\xA9|\xE2\x82\xAC|3@2:11\n");
}

static void test_skip_rows(void **state)
{
    (void)state;
    result r;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.skip_rows = 2;
    /* Skipped rows (Qualtrics' label rows) are not checked for their field count. */
    RUN("a,b,c\nlabel a,label b,label c\n{ImportId},x\n1,2,3\n", &o, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|2|3@4:5\n");
    assert_int_equal(r.read, 3);
    assert_int_equal(r.skipped, 2);
}

/* Two header rows (SurveyMonkey): names "Question / Option", the question's text carried
 * right over its empty cells and alone over Response / Open-Ended Response / an empty cell;
 * the option's label kept apart; the second row not a row read, skip_rows after it; a
 * second row of another field count, or none, refused; every block size alike. */
static void test_header_rows(void **state)
{
    (void)state;
    result r;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    assert_int_equal(o.header_rows, 1);
    o.header_rows = 2;
    RUN("id,Q1,Which?,,Note\r\n,Response,Phone,Email,Open-Ended Response\r\n"
        "1,a,Phone,,x\r\n2,b,,Email,\r\n",
        &o, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.header, "id,Q1,Which? / Phone,Which? / Email,Note");
    assert_string_equal(r.rows, "1|a|Phone||x@3:12\n2|b||Email|@4:12\n");
    assert_int_equal(r.read, 2);
    o.skip_rows = 1;
    RUN("a,b\n,x\nskipped\n1,2\n", &o, &r);
    assert_string_equal(r.header, "a,b / x");
    assert_string_equal(r.rows, "1|2@4:3\n");
    assert_int_equal(r.read, 2);
    assert_int_equal(r.skipped, 1);
    o.skip_rows = 0;
    RUN("a,b\n,x,y\n1,2\n", &o, &r);
    assert_string_equal(errtext(&r),
                        "F:2:4: error: the second header row has 3 fields, the "
                        "first has 2 (csv_opts.header_rows 2 reads two header rows of the "
                        "same columns)");
    RUN("a,b\n", &o, &r);
    assert_string_equal(errtext(&r), "F: error: the file ends after its first header row: "
                                     "csv_opts.header_rows 2 (header_rows: 2 in a spec) reads two "
                                     "header rows");
    o.header_rows = 3;
    RUN("a,b\n1,2\n", &o, &r);
    assert_true(strstr(r.error, "header rows: 3 is not 1 or 2") != NULL);

    /* the labels, and none with one header row */
    write_file("q,,w\nA,B,\n1,2,3\n", 16);
    shopstat_reader *rd = NULL;
    shopstat_error err;
    o.header_rows = 2;
    assert_int_equal(shopstat_reader_open(path, &o, &rd, &err), SHOPSTAT_OK);
    assert_string_equal(shopstat_reader_colname(rd, 1), "q / B");
    assert_string_equal(shopstat_reader_collabel(rd, 0), "A");
    assert_string_equal(shopstat_reader_collabel(rd, 1), "B");
    assert_null(shopstat_reader_collabel(rd, 2));
    shopstat_reader_free(rd);
    o.header_rows = 1;
    assert_int_equal(shopstat_reader_open(path, &o, &rd, &err), SHOPSTAT_OK);
    assert_null(shopstat_reader_collabel(rd, 0));
    shopstat_reader_free(rd);
    unlink(path);
}

/* A Qualtrics export read without --skip-rows 2: its import-id row (the file's third line)
 * is refused where it stands, naming the --skip-rows that skips it; --skip-rows 2 reads the
 * data, and a cell like it further down is data. */
static void test_qualtrics_import_ids(void **state)
{
    (void)state;
    static const char q[] =
        "Id,Q1,Q2\nResponse ID,How much?,Switch?\n"
        "\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\","
        "\"{\"\"ImportId\"\":\"\"QID2_some_long_question_identifier\"\"}\"\n"
        "R_1,1,2\n";
    static const char want[] =
        "F:3:1: error: this is the import-id row of a Qualtrics export "
        "('{\"ImportId\":\"_recordId\"}'), not data: use csv_opts.skip_rows 2 "
        "(skip_rows: 2 in a spec) to skip the rows between the header "
        "and the data";
    result r;
    RUN(q, NULL, &r);
    assert_string_equal(errtext(&r), want);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.skip_rows = 1;
    RUN(q, &o, &r);
    assert_string_equal(errtext(&r), want);
    o.skip_rows = 2;
    RUN(q, &o, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "R_1|1|2@4:7\n");
    /* not the first cell; a long one quoted to 40 bytes */
    RUN("a,b\n1,2\nx,\"{\"\"ImportId\"\":\"\"QID2_some_long_question_identifier\"\"}\"\n", NULL,
        &r);
    assert_string_equal(errtext(&r),
                        "F:3:3: error: this is the import-id row of a Qualtrics "
                        "export ('{\"ImportId\":\"QID2_some_long_question_ide'), not "
                        "data: use csv_opts.skip_rows 2 (skip_rows: 2 in a spec) to skip "
                        "the rows between the header and the data");
    /* past the first three data rows it is data */
    RUN("a,b\n1,2\n3,4\n5,6\nx,\"{\"\"ImportId\"\":1}\"\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_int_equal(r.read, 4);
    /* the question texts before it ragged: still the import-id row is named */
    RUN("a,b\nA,B,C\n\"{\"\"ImportId\"\":\"\"a\"\"}\",x\n", NULL, &r);
    assert_string_equal(errtext(&r),
                        "F:3:1: error: this is the import-id row of a Qualtrics "
                        "export ('{\"ImportId\":\"a\"}'), not data: use "
                        "csv_opts.skip_rows 2 (skip_rows: 2 in a spec) to skip the rows "
                        "between the header and the data");
    /* and a ragged row among the first with no import ids after it: that row's error,
     * whether the file ends, goes on, or breaks later */
    RUN("a,b\nA,B,C\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:2:5: error: row has 3 fields, header has 2");
    RUN("a,b\n1\n3,4\n5,6\n7,8\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:2:1: error: row has 1 field, header has 2");
    RUN("a,b\n1\n3,\"4\"x\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:2:1: error: row has 1 field, header has 2");
}

/* A Qualtrics export read with two header rows: its question texts would end the names and
 * its import-id row is refused, skipped or not, saying to use --skip-rows 2 instead. */
static void test_qualtrics_header_rows(void **state)
{
    (void)state;
    static const char q[] =
        "Id,Q1\nResponse ID,How much?\n"
        "\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n"
        "R_1,1\n";
    static const char want[] =
        "F:3:1: error: this is the import-id row of a Qualtrics export "
        "('{\"ImportId\":\"_recordId\"}'): csv_opts.header_rows 2 joined the question texts of the "
        "line before it into the column names; read it with csv_opts.skip_rows 2 instead of "
        "csv_opts.header_rows 2 (skip_rows: 2 instead of header_rows: 2 in a spec)";
    result r;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.header_rows = 2;
    for (size_t skip = 0; skip <= 2; skip++) {
        o.skip_rows = skip;
        RUN(q, &o, &r);
        assert_string_equal(errtext(&r), want);
    }
}

static shopstat_status count_rows(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)row;
    (void)err;
    ++*(int *)ctx;
    return SHOPSTAT_OK;
}

/* Qualtrics' question texts (the first row skipped, when the second holds import ids) are
 * kept for each column; in other skipped rows they are not. */
static void test_qualtrics_texts(void **state)
{
    (void)state;
    static const char *const files[] = {
        "Id,Q1,Q2\nResponse ID,How satisfied?,\n"
        "\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",x\nR_1,1,2\n",
        "Id,Q1,Q2\nResponse ID,How satisfied?,\nnot ids,1,2\nR_1,1,2\n"};
    for (size_t f = 0; f < 2; f++) {
        write_file(files[f], strlen(files[f]));
        shopstat_csv_opts o;
        shopstat_csv_opts_init(&o);
        o.skip_rows = 2;
        shopstat_reader *rd = NULL;
        shopstat_error err;
        assert_int_equal(shopstat_reader_open(path, &o, &rd, &err), SHOPSTAT_OK);
        assert_null(shopstat_reader_coltext(rd, 1)); /* (not read yet) */
        int rows = 0;
        assert_int_equal(shopstat_reader_run(rd, count_rows, &rows, &err), SHOPSTAT_OK);
        assert_int_equal(rows, 1);
        if (f == 0) {
            assert_string_equal(shopstat_reader_coltext(rd, 0), "Response ID");
            assert_string_equal(shopstat_reader_coltext(rd, 1), "How satisfied?");
        } else {
            assert_null(shopstat_reader_coltext(rd, 1));
        }
        assert_null(shopstat_reader_coltext(rd, 2));
        shopstat_reader_free(rd);
        unlink(path);
    }
}

/* The first row skipped (skip_rows 1) as SurveyMonkey's second header row: two cells
 * "Response" or "Open-Ended Response", the first of them in any column (column 0 too),
 * which describe's hint to read two header rows needs */
static void test_skipped_second_header(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int want;
    } files[] = {
        {"a,b,c\nResponse,Open-Ended Response,x\n1,2,3\n", 1},
        {"a,b,c\n,Response,Response\n1,2,3\n", 1},
        {"a,b,c\nResponse,x,y\n1,2,3\n", 0},
        {"a,b,c\nResponses,Response,y\n1,2,3\n", 0},
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        write_file(files[f].text, strlen(files[f].text));
        shopstat_csv_opts o;
        shopstat_csv_opts_init(&o);
        o.skip_rows = 1;
        shopstat_reader *rd = NULL;
        shopstat_error err;
        assert_int_equal(shopstat_reader_open(path, &o, &rd, &err), SHOPSTAT_OK);
        int rows = 0;
        assert_int_equal(shopstat_reader_run(rd, count_rows, &rows, &err), SHOPSTAT_OK);
        assert_int_equal(rows, 1);
        assert_int_equal(shopstat_reader_rows_skipped(rd), 1);
        if (shopstat_reader_skipped_second_header(rd) != files[f].want)
            fail_msg("file %zu: skipped_second_header %d, want %d", f,
                     shopstat_reader_skipped_second_header(rd), files[f].want);
        shopstat_reader_free(rd);
        unlink(path);
    }
}

/* A row callback's error in the first rows (a weight "Weight" in Qualtrics' question-text
 * row) waits for the rows up to the third: an import-id row among them is named instead;
 * else the callback's error, the rows after it never seen by the callback. */
static shopstat_status fail_on_bad(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    ++*(int *)ctx;
    if (strcmp(row->fields[1], "bad") == 0)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, "F", row->pos[1].line, row->pos[1].col,
                                  "bad value");
    return SHOPSTAT_OK;
}

static void test_import_ids_after_row_error(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"a,w\nText,bad\n\"{\"\"ImportId\"\":\"\"QID1\"\"}\",x\n1,2\n", "3:1 import-id 0"},
        {"a,w\nText,bad\n1,2\n3,4\n5,6\n", "2:6 bad value 0"},
        {"a,w\n1,2\nText,bad\n", "3:6 bad value 1"},
        {"a,w\n1,2\nText,bad\n3,\"4\"x\n", "3:6 bad value 1"},
        {"a,w\n1,2\n2,3\n3,bad\n\"{\"\"ImportId\"\":1}\",x\n", "4:3 bad value 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_file(cases[i][0], strlen(cases[i][0]));
        shopstat_reader *r;
        shopstat_error err;
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
        int calls = 0;
        assert_int_equal(shopstat_reader_run(r, fail_on_bad, &calls, &err), SHOPSTAT_EINPUT);
        char got[1200];
        snprintf(got, sizeof got, "%zu:%zu %s %d", err.line, err.col,
                 strstr(err.msg, "import-id") ? "import-id" : err.msg, calls - 1);
        assert_string_equal(got, cases[i][1]);
        shopstat_reader_free(r);
    }
    unlink(path);
}

static void test_missing_codes(void **state)
{
    (void)state;
    write_file("a\n1\n", 4);
    const char *codes[] = {"98", "99", NULL};
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.missing = codes;
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, &o, &r, &err), SHOPSTAT_OK);
    assert_true(shopstat_reader_is_missing(r, "", 0));
    assert_true(shopstat_reader_is_missing(r, "  ", 2));
    assert_true(shopstat_reader_is_missing(r, "NA", 2));
    assert_true(shopstat_reader_is_missing(r, " 98 ", 4));
    assert_true(shopstat_reader_is_missing(r, "99", 2));
    assert_false(shopstat_reader_is_missing(r, "9", 1));
    assert_false(shopstat_reader_is_missing(r, "na", 2));
    assert_false(shopstat_reader_is_missing(r, "980", 3));
    shopstat_reader_free(r);
    unlink(path);
}

/* Decimals of up to 19 significant digits and 27 decimals take shopstat_parse_number's
 * integer path: it must give strtod's correctly rounded double, bit for bit, including the
 * halfway cases. */
static uint64_t prng = 0x9E3779B97F4A7C15ULL;
static uint64_t next_rand(void)
{
    prng ^= prng << 13;
    prng ^= prng >> 7;
    prng ^= prng << 17;
    return prng;
}

static void check_like_strtod(const char *txt)
{
    double v = -1, want = strtod(txt, NULL);
    assert_int_equal(shopstat_parse_number(txt, strlen(txt), 0, &v), 1);
    if (memcmp(&v, &want, sizeof v) != 0)
        fail_msg("'%s': %.17g, strtod %.17g", txt, v, want);
}

static void test_parse_number_exact(void **state)
{
    (void)state;
    const char *fixed[] = {
        "9007199254740993",      /* 2^53 + 1: a tie, to even (2^53) */
        "9007199254740995",      /* 2^53 + 3: a tie, to even (2^53 + 4) */
        "9007199254740993.0000", /* the same with decimals */
        "0.30000000000000004", "1.7976931348623157", "2.2250738585072014",
        "9999999999999999999", "0.0000000000000000000000000001", "1.0000000000000002",
        "1.00000000000000011102230246251565", /* 33 digits: strtod's path */
        "4.4501477170144023", "123456789012345678.9", "0.1000000000000000055511151231257827",
        "1.3912820512820512", "-1.6149743589743588", "5e-1",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_like_strtod(fixed[i]);
    /* random spellings: 1 to 19 significant digits, the point anywhere, leading zeros */
    char txt[64];
    for (int k = 0; k < 300000; k++) {
        int sig = 1 + (int)(next_rand() % 19), lead = (int)(next_rand() % 10);
        int point = (int)(next_rand() % (unsigned)(sig + lead + 1));
        size_t n = 0;
        if (next_rand() & 1)
            txt[n++] = '-';
        for (int j = 0; j < lead + sig; j++) {
            if (j == point)
                txt[n++] = '.';
            int first = j == lead;
            txt[n++] = (char)(j < lead ? '0' : '0' + (first ? 1 + next_rand() % 9 : next_rand() % 10));
        }
        /* halfway cases: digits ending in 5 after a run of zeros are frequent near ties */
        if (k % 7 == 0 && sig > 2) {
            txt[n - 1] = '5';
            txt[n - 2] = '0';
        }
        txt[n] = '\0';
        check_like_strtod(txt);
    }
    /* exact midpoints between neighbouring doubles (true ties, to even), spelled in full
     * with 17 to 19 digits: odd integers between doubles 2 apart, and (2m + 1) / 2^k with
     * k = 1..3 decimals' worth of halves */
    for (int k = 0; k < 40000; k++) {
        uint64_t m = (next_rand() >> 11) | (UINT64_C(1) << 52); /* a 53-bit significand */
        uint64_t t = 2 * m + 1;
        int h = k % 4; /* the midpoint is t / 2^h (h = 0: doubles m 2 and m 2 + 2) */
        if (h == 0) {
            snprintf(txt, sizeof txt, "%llu", (unsigned long long)(t));
        } else {
            uint64_t frac = t & ((UINT64_C(1) << h) - 1), scale = 1;
            for (int j = 0; j < h; j++)
                scale *= 5;
            snprintf(txt, sizeof txt, "%llu.%0*llu", (unsigned long long)(t >> h), h,
                     (unsigned long long)(frac * scale));
        }
        check_like_strtod(txt);
    }
}

static void test_parse_number(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(shopstat_parse_number("12", 2, 0, &v), 1);
    assert_close(v, 12.0, 0);
    assert_int_equal(shopstat_parse_number(" -0.125 ", 8, 0, &v), 1);
    assert_close(v, -0.125, 0);
    assert_int_equal(shopstat_parse_number("1,5", 3, 1, &v), 1);
    assert_close(v, 1.5, 0);
    assert_int_equal(shopstat_parse_number("1,5", 3, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("2.5", 3, 1, &v), 1);
    assert_close(v, 2.5, 0);
    assert_int_equal(shopstat_parse_number("1e3", 3, 0, &v), 1);
    assert_close(v, 1000.0, 0);
    assert_int_equal(shopstat_parse_number("1,25E-2", 7, 1, &v), 1);
    assert_close(v, 0.0125, 1e-15);
    assert_int_equal(shopstat_parse_number("0.1", 3, 0, &v), 1);
    assert_true(v == 0.1);
    assert_int_equal(shopstat_parse_number("12345678901234567890.5", 22, 0, &v), 1);
    assert_close(v, 12345678901234567890.5, 1e-15);
    assert_int_equal(shopstat_parse_number(".5", 2, 0, &v), 1);
    assert_close(v, 0.5, 0);
    assert_int_equal(shopstat_parse_number("5.", 2, 0, &v), 1);
    assert_int_equal(shopstat_parse_number("abc", 3, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("", 0, 0, &v), 0);
    assert_int_equal(shopstat_parse_number(".", 1, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("1.2.3", 5, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("1e", 2, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("0x10", 4, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("1 2", 3, 0, &v), 0);
    assert_int_equal(shopstat_parse_number("NaN", 3, 0, &v), -1);
    assert_true(isnan(v));
    assert_int_equal(shopstat_parse_number("-inf", 4, 0, &v), -1);
    assert_true(isinf(v) && v < 0);
    assert_int_equal(shopstat_parse_number("1e400", 5, 0, &v), -1);
    assert_true(isinf(v));
}

static void test_column_lookup(void **state)
{
    (void)state;
    write_file("id,weight,region\n1,2,3\n", 23);
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    size_t idx = 99;
    assert_int_equal(shopstat_reader_column(r, "region", "--strata", &idx, &err), SHOPSTAT_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(shopstat_reader_colpos(r, 1).col, 4);
    assert_int_equal(shopstat_reader_column(r, "wieght", "--weight", &idx, &err),
                     SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "--weight column 'wieght' not found (did you mean 'weight'?); "
                                 "columns are: id, weight, region");
    assert_int_equal(shopstat_reader_column(r, "REGION", NULL, &idx, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "column 'REGION' not found (did you mean 'region'?); "
                                 "columns are: id, weight, region");
    shopstat_reader_free(r);
    unlink(path);
}

/* Empty and repeated header names are read; a lookup of a repeated one is ambiguous and
 * says which columns, an empty one is never found, and the not-found list counts the
 * columns without a name. */
static void test_column_names(void **state)
{
    (void)state;
    result res;
    RUN("a,,b,a,c,\n1,2,3,4,5,6\n", NULL, &res);
    assert_string_equal(res.error, "");
    assert_string_equal(res.header, "a,,b,a,c,");
    assert_string_equal(res.rows, "1|2|3|4|5|6@2:11\n");

    write_file("a,,b,a,c,\n1,2,3,4,5,6\n", 22);
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_ncols(r), 6);
    assert_string_equal(shopstat_reader_colname(r, 1), "");
    const size_t same[6] = {2, 0, 1, 2, 1, 0};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(shopstat_reader_colsame(r, i), same[i]);
    size_t idx = 99;
    assert_int_equal(shopstat_reader_column(r, "b", "--var", &idx, &err), SHOPSTAT_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(shopstat_reader_column(r, "c", "--var", &idx, &err), SHOPSTAT_OK);
    assert_int_equal(idx, 4);
    assert_int_equal(shopstat_reader_column(r, "a", "--weight", &idx, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "--weight column 'a' is ambiguous: columns 1 and 4 have that "
                                 "name; rename them in the header so that each name is unique");
    assert_int_equal(shopstat_reader_column(r, "", NULL, &idx, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "column '' not found (did you mean 'a'?); columns are: a, b, "
                                 "a, c and 2 without a name");
    assert_int_equal(shopstat_reader_column(r, "d", "--var", &idx, &err), SHOPSTAT_EUSAGE);
    assert_string_equal(err.msg, "--var column 'd' not found (did you mean 'a'?); columns are: "
                                 "a, b, a, c and 2 without a name");
    char buf[160];
    assert_int_equal(shopstat_reader_columns_named(r, "a", buf, sizeof buf), 2);
    assert_string_equal(buf, "columns 1 and 4");
    assert_int_equal(shopstat_reader_columns_named(r, "c", buf, sizeof buf), 1);
    assert_string_equal(buf, "column 5");
    assert_int_equal(shopstat_reader_columns_named(r, "", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(shopstat_reader_columns_named(r, "a", NULL, 0), 2);
    shopstat_reader_free(r);

    /* many columns of one name: the first ten, then how many */
    write_file("x,q,q,q,q,q,q,q,q,q,q,q,q\n", 26);
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_columns_named(r, "q", buf, sizeof buf), 12);
    assert_string_equal(buf, "columns 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... (12 in all)");
    assert_int_equal(shopstat_reader_columns_named(r, "q", buf, 12), 12);
    assert_string_equal(buf, "columns 2, ");
    shopstat_reader_free(r);
    write_file("x,q,q,y,q\n", 10);
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_columns_named(r, "q", buf, sizeof buf), 3);
    assert_string_equal(buf, "columns 2, 3 and 5");
    shopstat_reader_free(r);
    unlink(path);
}

/* The hint for a value that is not a number: a decimal comma where the file has none; for
 * three digits after the comma, a thousands separator too; nothing for other text, or
 * when decimal commas are on. */
static void test_comma_hint(void **state)
{
    (void)state;
    write_file("a,b\n1,2\n", 8);
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    char h[200];
    assert_string_equal(reader_comma_hint(r, "1,5", 3, h, sizeof h),
                        "; read with a decimal comma it is 1.5: use csv_opts.decimal_comma "
                        "(decimal_comma: true in a spec)");
    assert_string_equal(reader_comma_hint(r, " -0,25 ", 7, h, sizeof h),
                        "; read with a decimal comma it is -0.25: use csv_opts.decimal_comma "
                        "(decimal_comma: true in a spec)");
    assert_string_equal(reader_comma_hint(r, "12,345", 6, h, sizeof h),
                        "; if ',' is a thousands separator, remove it; if it is a decimal comma "
                        "(12.345), use csv_opts.decimal_comma (decimal_comma: true in a spec)");
    assert_string_equal(reader_comma_hint(r, "1,5x", 4, h, sizeof h), "");
    assert_string_equal(reader_comma_hint(r, "heavy", 5, h, sizeof h), "");
    assert_string_equal(reader_comma_hint(r, "1,2,3", 5, h, sizeof h), "");
    shopstat_reader_free(r);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.decimal_comma = 1;
    assert_int_equal(shopstat_reader_open(path, &o, &r, &err), SHOPSTAT_OK);
    assert_string_equal(reader_comma_hint(r, "1,5", 3, h, sizeof h), "");
    shopstat_reader_free(r);
    unlink(path);
}

static void test_header_without_data(void **state)
{
    (void)state;
    result r;
    /* The reader reports 0 rows; commands decide whether that is an error. */
    RUN("a,b,c\n", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "");
    assert_int_equal(r.read, 0);
    RUN("a,b,c", NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.header, "a,b,c");
}

/* Every input error, with its exact position. */
static void test_errors(void **state)
{
    (void)state;
    result r;
    RUN("", NULL, &r);
    assert_string_equal(errtext(&r), "F: error: file is empty (no header row)");
    RUN("\xEF\xBB\xBF\r\n\n", NULL, &r);
    assert_string_equal(errtext(&r), "F: error: file is empty (no header row)");
    RUN("a,b,c\n1,2,3\n4,5,6,7,8\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:3:7: error: row has 5 fields, header has 3");
    RUN("a,b,c\n1,2,3\n\n  4,5\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:4:3: error: row has 2 fields, header has 3");
    RUN("a,b,c\n1,\"2,3\n4,5,6\n", NULL, &r);
    assert_string_equal(errtext(&r),
                        "F:2:3: error: unterminated quoted field (its closing quote is missing)");
    RUN("a,b,c\n1,2\"x\",3\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:2:4: error: quote inside an unquoted field (quote the "
                                     "whole field and double the quotes inside it)");
    RUN("a,b,c\n1,\"2\"x,3\n", NULL, &r);
    assert_string_equal(errtext(&r),
                        "F:2:6: error: unexpected character after the closing quote of a field "
                        "(a quote inside a quoted field must be doubled)");
    RUN(",\"\", \n1,2,3\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:1:1: error: the header row names no column (every "
                                     "field is empty): the first line that is not blank must "
                                     "hold the column names");
    RUN("a,b,c,\n1,2,3\n", NULL, &r);
    assert_string_equal(errtext(&r),
                        "F:2:1: error: row has 3 fields, header has 4: column 4 has an empty "
                        "name, the header line ends with a delimiter; name the column, or "
                        "remove the delimiter at the end of the header line");
    RUN("a,b,c\n1,2\0,3\n", NULL, &r);
    assert_string_equal(errtext(&r),
                        "F:2:4: error: NUL byte in the file (is it UTF-16 or not a CSV file?)");
    /* Ragged rows come before later errors: the first problem in the file is reported. */
    RUN("a,b,c\n1,2\n\"x\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:2:1: error: row has 2 fields, header has 3");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    result r;
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.encoding = "utf-8";
    RUN("a,b,c\n1,caf\xE9,3\n", &o, &r);
    assert_string_equal(errtext(&r), "F:2:6: error: invalid UTF-8 byte 0xE9");
    RUN("a,b,c\n1,\xC3\xA9\xC3,3\n", &o, &r);
    assert_string_equal(errtext(&r), "F:2:5: error: invalid UTF-8 byte 0xC3");
    /* Overlong encoding of '/' and a surrogate are invalid too. */
    RUN("a,b,c\n\xC0\xAF,2,3\n", &o, &r);
    assert_string_equal(errtext(&r), "F:2:1: error: invalid UTF-8 byte 0xC0");
    RUN("a,b,c\n\xED\xA0\x80,2,3\n", &o, &r);
    assert_string_equal(errtext(&r), "F:2:1: error: invalid UTF-8 byte 0xED");

    /* Detected as UTF-8 from the first 1 MiB, then a Latin-1 byte. */
    size_t n = (1u << 20) + 100;
    char *big = malloc(n + 64);
    assert_non_null(big);
    size_t len = (size_t)snprintf(big, n, "a,b\n");
    size_t line = 1;
    while (len < n) {
        memcpy(big + len, "10,20\n", 6);
        len += 6;
        line++;
    }
    memcpy(big + len, "1,\xE9\n", 4);
    len += 4;
    line++;
    write_file(big, len);
    free(big);
    run_once(NULL, 0, &r);
    char want[300];
    snprintf(want, sizeof want,
             "F:%zu:3: error: invalid UTF-8 byte 0xE9 (the first 1 MiB was UTF-8; if the file "
             "is not, use csv_opts.encoding windows-1252)",
             line);
    assert_string_equal(errtext(&r), want);
    unlink(path);
}

static void test_windows1252_undefined_byte(void **state)
{
    (void)state;
    result r;
    RUN("a,b,c\n1,2,3\nx,\x81y,3\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:3:3: error: byte 0x81 is not valid windows-1252");
}

static void test_limits(void **state)
{
    (void)state;
    result r;
    size_t n = SHOPSTAT_CSV_MAX_FIELD + 100;
    char *big = malloc(n + 64);
    assert_non_null(big);
    memcpy(big, "a,b\n1,\"", 7);
    memset(big + 7, 'x', n - 7);
    write_file(big, n);
    run_once(NULL, 0, &r);
    assert_string_equal(errtext(&r), "F:2:3: error: quoted field is longer than 1048576 bytes "
                                     "(is its closing quote missing?)");
    memcpy(big, "a,b\n1,2", 7);
    memset(big + 7, 'x', n - 7);
    memcpy(big + n - 3, ",3\n", 3);
    write_file(big, n);
    run_once(NULL, 0, &r);
    assert_string_equal(errtext(&r), "F:2:3: error: field is longer than 1048576 bytes");
    free(big);

    size_t cols = SHOPSTAT_CSV_MAX_COLUMNS + 1;
    big = malloc(cols * 2 + 8);
    assert_non_null(big);
    for (size_t i = 0; i < cols; i++) {
        big[2 * i] = 'x';
        big[2 * i + 1] = i + 1 < cols ? ',' : '\n';
    }
    write_file(big, cols * 2);
    free(big);
    run_once(NULL, 0, &r);
    assert_string_equal(errtext(&r), "F:1:200001: error: header has more than 100000 columns");
    unlink(path);
}

/* Rows as a hash of their fields (FNV-1a over each field and its NUL), one per row. */
typedef struct row_hashes {
    uint64_t h[400];
    size_t n;
} row_hashes;

static shopstat_status hash_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)err;
    row_hashes *rh = ctx;
    check_layout(row);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < row->nfields; i++)
        for (size_t j = 0; j <= row->lens[i]; j++)
            h = (h ^ (unsigned char)row->fields[i][j]) * 0x100000001b3ULL;
    assert_true(rh->n < 400);
    rh->h[rh->n++] = h;
    return SHOPSTAT_OK;
}

/* The byte-range parser of the parallel pass gives the rows the exact reader gives, laid
 * out as shopstat_row promises: short fields (copied 16 bytes at a time), fields of 15 to
 * 17 bytes, empty and quoted ones, and a row longer than the first row buffer (4096
 * bytes), whose fields move with the buffer. */
static void test_row_layout_ranges(void **state)
{
    (void)state;
    size_t cap = 1 << 16, n = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n += (size_t)snprintf(csv + n, cap - n, "a,b,c,d\n");
    for (int i = 0; i < 300; i++) {
        if (i == 150) { /* 3 fields, then one of 9,000 bytes */
            n += (size_t)snprintf(csv + n, cap - n, "1,,\"q,\"\"x\"\"\",");
            memset(csv + n, 'L', 9000);
            n += 9000;
            csv[n++] = '\n';
            continue;
        }
        n += (size_t)snprintf(csv + n, cap - n, "%d,%.*s,%s,%s\n", i, i % 18,
                              "abcdefghijklmnopqr", i % 3 ? "" : "\"x, y\"", i % 5 ? "z" : "");
    }
    write_file(csv, n);
    free(csv);
    row_hashes want = {{0}, 0}, got = {{0}, 0};
    shopstat_reader *r;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_run(r, hash_row, &want, &err), SHOPSTAT_OK);
    shopstat_reader_free(r);
    /* the range parser, from the first data byte to the end */
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    size_t start, size;
    assert_int_equal(reader_skip_rows(r), 0);
    assert_true(reader_range_capable(r, &start, &size));
    reader_range *rr = reader_range_new(r);
    assert_non_null(rr);
    size_t rows = 0, empty = 0;
    assert_int_equal(reader_range_run(rr, start, size, 1, hash_row, &got, &rows, &empty, &err),
                     SHOPSTAT_OK);
    assert_int_equal(empty, 0);
    reader_range_free(rr);
    shopstat_reader_free(r);
    unlink(path);
    assert_int_equal(rows, 300);
    assert_int_equal(want.n, 300);
    assert_int_equal(got.n, 300);
    assert_memory_equal(want.h, got.h, sizeof want.h);
}

/* Rows of empty fields only (Excel's trailing ",,,,", also with spaces or quotes) are
 * skipped and counted, by the exact reader and the range parser alike; a row with one
 * value, or with another field count, is not such a row. */
static void test_empty_rows(void **state)
{
    (void)state;
    static const char csv[] = "a,b,c\n,,\n1,2,3\n , ,\t\n\"\",\"\",\n4,,\n,,\r\n,,";
    result r;
    RUN(csv, NULL, &r);
    assert_string_equal(r.error, "");
    assert_string_equal(r.rows, "1|2|3@3:5\n4||@6:4\n");
    assert_int_equal(r.read, 7);
    assert_int_equal(r.empty, 5);
    assert_int_equal(r.skipped, 0);
    /* --skip-rows takes the rows after the header whatever they hold */
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.skip_rows = 2;
    RUN(csv, &o, &r);
    assert_string_equal(r.rows, "4||@6:4\n");
    assert_int_equal(r.read, 7);
    assert_int_equal(r.skipped, 2);
    assert_int_equal(r.empty, 4);
    RUN("a,b,c\n1,2,3\n,\n", NULL, &r);
    assert_string_equal(errtext(&r), "F:3:1: error: row has 2 fields, header has 3");

    /* the range parser: the same rows, the same count of empty ones */
    write_file(csv, sizeof csv - 1);
    row_hashes want = {{0}, 0}, got = {{0}, 0};
    shopstat_reader *rd;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_reader_open(path, NULL, &rd, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_run(rd, hash_row, &want, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    assert_int_equal(shopstat_reader_open(path, NULL, &rd, &err), SHOPSTAT_OK);
    size_t start, size, rows = 0, empty = 0;
    assert_int_equal(reader_skip_rows(rd), 0);
    assert_true(reader_range_capable(rd, &start, &size));
    reader_range *rr = reader_range_new(rd);
    assert_non_null(rr);
    assert_int_equal(reader_range_run(rr, start, size, 1, hash_row, &got, &rows, &empty, &err),
                     SHOPSTAT_OK);
    assert_int_equal(rows, 2);
    assert_int_equal(empty, 5);
    /* a range from the middle of the file (the line after "1,2,3") */
    size_t mid = (size_t)(strstr(csv, "1,2,3\n") - csv) + 6;
    got.n = 0;
    assert_int_equal(reader_range_run(rr, mid, size, 1, hash_row, &got, &rows, &empty, &err),
                     SHOPSTAT_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(empty, 4);
    assert_int_equal(got.h[0], want.h[1]);
    reader_range_free(rr);
    shopstat_reader_free(rd);
    unlink(path);
    assert_int_equal(want.n, 2);
}

static void test_callback_stops(void **state)
{
    (void)state;
    write_file("a\n1\n2\n3\n", 8);
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, NULL, &r, &err), SHOPSTAT_OK);
    int calls = 0;
    shopstat_status s = shopstat_reader_run(r, (shopstat_row_fn)NULL, &calls, &err);
    assert_int_equal(s, SHOPSTAT_OK);
    assert_int_equal(shopstat_reader_rows_read(r), 3);
    assert_int_equal(shopstat_reader_bytes_read(r), 8);
    /* a second run is the caller's mistake (a pipe cannot be read again), not a bug */
    assert_int_equal(shopstat_reader_run(r, NULL, NULL, &err), SHOPSTAT_EUSAGE);
    assert_non_null(strstr(err.msg, "already read"));
    shopstat_reader_free(r);
    unlink(path);
}

static void test_open_errors(void **state)
{
    (void)state;
    shopstat_reader *r = (shopstat_reader *)1;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open("/nonexistent/x.csv", NULL, &r, &err), SHOPSTAT_EIO);
    assert_null(r);
    assert_string_equal(err.msg, "cannot open: No such file or directory");
    write_file("a\n1\n", 4);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    o.encoding = "klingon-8";
    assert_int_equal(shopstat_reader_open(path, &o, &r, &err), SHOPSTAT_EUSAGE);
    unlink(path);
}

/* A scale's point with its label is its number; a range, a decimal, a count with words
 * after it or a text is not one. */
static void test_labelled_point(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int ok;
        double x;
    } cases[] = {
        {"0 - Not at all likely", 1, 0},
        {"10 - Extremely likely", 1, 10},
        {"10 = Extremely likely", 1, 10},
        {"4: Agree", 1, 4},
        {"1. Poor", 1, 1},
        {"5 (Very satisfied)", 1, 5},
        {"7-Good", 1, 7},
        {"2 - \xc3\x89lev\xc3\xa9", 1, 2},
        {"18-24", 0, 0},
        {"18-24 years", 0, 0},
        {"3 - 5", 0, 0},
        {"1.5 kg", 0, 0},
        {"5.Poor", 0, 0},
        {"3 or more", 0, 0},
        {"Don't know", 0, 0},
        {"10", 0, 0},
        {"1000 - Huge", 0, 0},
        {"4 -", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double x = -1;
        int ok = reader_labelled_point(cases[i].v, &x);
        if (ok != cases[i].ok)
            fail_msg("'%s': %d, want %d", cases[i].v, ok, cases[i].ok);
        if (ok && x != cases[i].x)
            fail_msg("'%s': %g, want %g", cases[i].v, x, cases[i].x);
    }
}

/* parse_plain_decimal8 (the weight of the pass's typical row, a word at a time) against
 * parse_plain_decimal_m's byte loop: every string of 1 to 5 bytes over digits, both
 * separators, signs, a space, a letter, the bytes on either side of the digits ('/' and
 * ':') and one with the high bit set ('0' | 0x80), and random strings of 6 to 8 bytes,
 * each followed by bytes that are digits and separators (the rest of a row). Where the
 * word-at-a-time reading takes a string it gives the loop's number, mantissa and decimals
 * to the bit; it takes every string the loop takes but those with a decimal comma. */
static void check_decimal8(const char *s, size_t n, size_t *taken)
{
    char buf[24];
    memset(buf, '7', sizeof buf);
    buf[n + 1] = '.';
    memcpy(buf, s, n);
    buf[n] = '\0';
    double x8 = -1, x = -2;
    uint64_t m8 = 1, m = 2;
    unsigned f8 = 1, f = 2;
    int r8 = parse_plain_decimal8(buf, n, &x8, &m8, &f8);
    int r = parse_plain_decimal_m(buf, n, 0, &x, &m, &f);
    if (r8) {
        assert_int_equal(r, 1);
        assert_true(m8 == m && f8 == f && memcmp(&x8, &x, sizeof x) == 0);
        ++*taken;
    } else if (r && !memchr(s, ',', n)) {
        fail_msg("'%.*s' read by the byte loop, not by parse_plain_decimal8", (int)n, s);
    }
}

static void test_plain_decimal8(void **state)
{
    (void)state;
    static const char alpha[] = "0159.,-+ a/:\xb0";
    size_t na = sizeof alpha - 1, taken = 0;
    char s[8];
    for (size_t n = 1; n <= 5; n++) {
        size_t total = 1;
        for (size_t i = 0; i < n; i++)
            total *= na;
        for (size_t k = 0; k < total; k++) {
            size_t v = k;
            for (size_t i = 0; i < n; i++, v /= na)
                s[i] = alpha[v % na];
            check_decimal8(s, n, &taken);
        }
    }
    assert_true(taken > 1000);
    /* 6 to 8 bytes: mostly digits, a separator somewhere or not (xorshift, fixed seed) */
    uint64_t rng = 88172645463325252ULL;
    size_t taken_long = 0;
    for (int k = 0; k < 300000; k++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        size_t n = 6 + rng % 3;
        for (size_t i = 0; i < n; i++) {
            unsigned r = (unsigned)(rng >> (8 + 5 * i)) & 31;
            s[i] = r < 26 ? (char)('0' + r % 10) : alpha[r - 26 + 4];
        }
        check_decimal8(s, n, &taken_long);
        check_decimal8("99999999", 8, &taken_long);
        check_decimal8("9999999.", 8, &taken_long);
        check_decimal8(".9999999", 8, &taken_long);
    }
    assert_true(taken_long > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labelled_point),
        cmocka_unit_test(test_lf),
        cmocka_unit_test(test_crlf_and_no_final_newline),
        cmocka_unit_test(test_lone_cr),
        cmocka_unit_test(test_mixed_line_ends_and_blank_lines),
        cmocka_unit_test(test_quoted_line_break_is_not_a_line_end),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_spaces_trimmed),
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_latin1_converted),
        cmocka_unit_test(test_encoding_guess_offsets),
        cmocka_unit_test(test_long_header_delimiter),
        cmocka_unit_test(test_multibyte_encodings),
        cmocka_unit_test(test_utf8_kept),
        cmocka_unit_test(test_skip_rows),
        cmocka_unit_test(test_header_rows),
        cmocka_unit_test(test_qualtrics_import_ids),
        cmocka_unit_test(test_qualtrics_header_rows),
        cmocka_unit_test(test_qualtrics_texts),
        cmocka_unit_test(test_skipped_second_header),
        cmocka_unit_test(test_import_ids_after_row_error),
        cmocka_unit_test(test_missing_codes),
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_parse_number_exact),
        cmocka_unit_test(test_plain_decimal8),
        cmocka_unit_test(test_column_lookup),
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_comma_hint),
        cmocka_unit_test(test_header_without_data),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_windows1252_undefined_byte),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_row_layout_ranges),
        cmocka_unit_test(test_empty_rows),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
