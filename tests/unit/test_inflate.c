/* Unit tests for reading gzip-compressed exports (engine/inflate.c): whole text back from any
 * split of what was read before, members one after another, and every truncation an error. */
#include "testutil.h"

#include <errno.h>
#include <zlib.h>

#include "internal.h"

/* text deflated in gzip's format (zlib's own encoder, not the code under test) into a new
 * buffer; its length in *n */
static unsigned char *gzip_bytes(const char *text, size_t len, size_t *n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *n = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* a CSV text of rows rows, varied enough not to compress to nothing */
static char *csv_text(size_t rows, size_t *len)
{
    size_t cap = 32 + rows * 40;
    char *t = malloc(cap);
    assert_non_null(t);
    uint64_t seed = 7;
    size_t k = (size_t)snprintf(t, cap, "id,q,w\n");
    for (size_t i = 0; i < rows; i++) {
        /* (w drawn before q, one statement each: a call's arguments are evaluated in an
         * unspecified order, GCC's last to first, clang's first to last) */
        double w = 1.0 + (double)(splitmix64(&seed) % 100000) / 1e4;
        unsigned q = (unsigned)(splitmix64(&seed) % 5) + 1;
        k += (size_t)snprintf(t + k, cap - k, "%zu,%u,%.4f\n", i + 1, q, w);
    }
    *len = k;
    return t;
}

/* Inflating ahead on a thread (gz_ahead): not at all (-1), or once that many bytes were read.
 * Set by each test around its read_all calls. */
static long ahead_at = -1;

/* Read everything gz_open(raw = z[prefix..n), prefix z[0..prefix)) gives, step bytes a read;
 * the bytes in *out (malloc'd), their count returned; *failed 1 when the stream failed. */
static size_t read_all(const unsigned char *z, size_t n, size_t prefix, size_t step, char **out,
                       int *failed)
{
    FILE *raw = fmemopen((void *)(z + prefix), n - prefix > 0 ? n - prefix : 1, "rb");
    assert_non_null(raw);
    if (n == prefix) { /* (fmemopen wants a size of at least 1: read its byte away) */
        char c;
        (void)!fread(&c, 1, 1, raw);
    }
    gz_input *g;
    FILE *fp = gz_open(raw, z, prefix, 1, &g);
    assert_non_null(fp);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (ahead_at >= 0 && len >= (size_t)ahead_at && len - (size_t)ahead_at < step)
            assert_int_equal(gz_ahead(g), 0);
        while (len + step > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + len, 1, step, fp);
        len += got;
        if (got < step)
            break;
    }
    *failed = ferror(fp) != 0;
    int bad;
    const char *why = gz_error(g, &bad);
    if (*failed) {
        assert_non_null(why);
        assert_int_equal(bad, 1);
    } else {
        assert_null(why);
    }
    fclose(fp); /* closes raw too */
    *out = buf;
    return len;
}

static void test_whole(void **state)
{
    (void)state;
    for (ahead_at = -1; ahead_at <= 5000; ahead_at += ahead_at < 0 ? 1 : 5000) {
        size_t len, n;
        char *text = csv_text(20000, &len);
        unsigned char *z = gzip_bytes(text, len, &n);
        assert_true(n < len / 2);
        assert_true(gz_magic(z, n));
        /* what the reader read before it knew the file was gzip: none, part of the header,
         * the header, past it, all of the file */
        const size_t prefixes[] = {0, 1, 2, 3, 10, 4096, n - 1, n};
        const size_t steps[] = {1, 7, 4096, (size_t)1 << 20};
        for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
            for (size_t j = 0; j < sizeof steps / sizeof *steps; j++) {
                if (steps[j] == 1 && prefixes[i] % 2) /* (byte by byte: two prefixes suffice) */
                    continue;
                char *back;
                int failed;
                size_t got = read_all(z, n, prefixes[i], steps[j], &back, &failed);
                assert_false(failed);
                assert_int_equal(got, len);
                assert_memory_equal(back, text, len);
                free(back);
            }
        free(z);
        free(text);
    }
}

static void test_members(void **state)
{
    (void)state;
    for (ahead_at = -1; ahead_at <= 0; ahead_at++) {
        size_t len, n1, n2;
        char *text = csv_text(3000, &len);
        size_t half = len / 2;
        unsigned char *a = gzip_bytes(text, half, &n1);
        unsigned char *b = gzip_bytes(text + half, len - half, &n2);
        unsigned char *z = malloc(n1 + n2);
        assert_non_null(z);
        memcpy(z, a, n1);
        memcpy(z + n1, b, n2);
        const size_t prefixes[] = {0, n1 - 1, n1, n1 + 1, n1 + 2, n1 + n2};
        for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
            char *back;
            int failed;
            size_t got = read_all(z, n1 + n2, prefixes[i], 4096, &back, &failed);
            assert_false(failed);
            assert_int_equal(got, len);
            assert_memory_equal(back, text, len);
            free(back);
        }
        /* a member then bytes that are not one */
        unsigned char *t = malloc(n1 + 5);
        assert_non_null(t);
        memcpy(t, a, n1);
        memcpy(t + n1, "id,x\n", 5);
        char *back;
        int failed;
        size_t got = read_all(t, n1 + 5, 0, 4096, &back, &failed);
        assert_true(failed);
        assert_true(got <= half);
        free(back);
        free(t);
        free(z);
        free(a);
        free(b);
        free(text);
    }
}

/* Cut anywhere, the file is never read as a shorter export: every truncation fails. */
static void test_truncated(void **state)
{
    (void)state;
    for (ahead_at = -1; ahead_at <= 0; ahead_at++) {
        size_t len, n;
        char *text = csv_text(400, &len);
        unsigned char *z = gzip_bytes(text, len, &n);
        for (size_t cut = 1; cut < n; cut++) {
            char *back;
            int failed;
            size_t got = read_all(z, cut, cut > 64 ? 64 : cut, 4096, &back, &failed);
            if (!failed)
                fail_msg("cut at %zu of %zu bytes: read %zu of %zu bytes without an error", cut, n,
                         got, len);
            assert_true(got <= len);
            assert_memory_equal(back, text, got); /* what came out was the text's start */
            free(back);
        }
        /* a flipped byte in the compressed data: corrupt (zlib's checks or the CRC-32) */
        for (size_t at = 20; at < n - 8; at += 97) {
            unsigned char *c = malloc(n);
            assert_non_null(c);
            memcpy(c, z, n);
            c[at] ^= 0x55;
            char *back;
            int failed;
            (void)read_all(c, n, 0, 4096, &back, &failed);
            if (!failed)
                fail_msg("byte %zu of %zu flipped: read without an error", at, n);
            free(back);
            free(c);
        }
        free(z);
        free(text);
    }
}

static shopstat_status count_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)row;
    (void)err;
    (*(size_t *)ctx)++;
    return SHOPSTAT_OK;
}

/* A caller's stream holding gzip (shopstat_reader_open_file): read as the CSV it holds, and
 * left open for the caller to close (the reader closes only what inflates it). */
static void test_caller_stream(void **state)
{
    (void)state;
    size_t len, n;
    char *text = csv_text(5000, &len);
    unsigned char *z = gzip_bytes(text, len, &n);
    FILE *fp = fmemopen(z, n, "rb");
    assert_non_null(fp);
    shopstat_reader *r;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open_file(fp, "mem.csv.gz", NULL, &r, &err), SHOPSTAT_OK);
    assert_string_equal(shopstat_reader_dialect(r)->compression, "gzip");
    assert_int_equal(shopstat_reader_ncols(r), 3);
    size_t rows = 0;
    assert_int_equal(shopstat_reader_run(r, count_row, &rows, &err), SHOPSTAT_OK);
    assert_int_equal(rows, 5000);
    shopstat_reader_free(r);
    assert_int_equal(ftell(fp), (long)n); /* still the caller's, read to its end */
    assert_int_equal(fclose(fp), 0);
    free(z);
    free(text);
}

static void test_magic(void **state)
{
    (void)state;
    assert_true(gz_magic((const unsigned char *)"\x1f\x8b\x08\x00", 4));
    assert_false(gz_magic((const unsigned char *)"\x1f\x8b", 2));         /* too short */
    assert_false(gz_magic((const unsigned char *)"\x1f\x8b\x07\x00", 4)); /* not deflate */
    assert_false(gz_magic((const unsigned char *)"id,q\n", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_caller_stream),
        cmocka_unit_test(test_magic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
