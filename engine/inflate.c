/* Gzip-compressed exports: a stdio stream that inflates (zlib) what it reads, for the reader. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

/* Compressed bytes asked of the file at a time. */
#define GZ_IN ((size_t)128 << 10)
/* Inflating ahead on a thread of its own (gz_ahead): buffers of inflated bytes, filled by it
 * and read by the reader in turn. */
#define AHEAD_BUFS 3
#define AHEAD_BYTES ((size_t)1 << 20)

typedef struct ahead {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned char *buf[AHEAD_BUFS];
    size_t len[AHEAD_BUFS];
    unsigned long long in_at[AHEAD_BUFS]; /* compressed bytes inflated when it was filled */
    unsigned long long in_read; /* the same, of the buffer read last (gz_progress) */
    size_t head;  /* the buffer read next */
    size_t count; /* buffers filled and not read yet, from head on */
    size_t pos;   /* bytes of head already read */
    int done;     /* the inflating thread reached the end, or failed (gz_input.failed) */
    int stop;     /* the stream is being closed */
} ahead;

struct gz_input {
    FILE *raw;
    int close_raw; /* fclose(raw) when the stream is closed */
    z_stream z;
    int z_ready;
    unsigned char *prefix; /* what the reader had read of raw before it knew (copied) */
    size_t prefix_len;
    int prefix_used;
    int raw_eof;
    int in_member;               /* inside a gzip member: its end not met yet */
    int failed;                  /* 1: the compressed data are at fault, 2: reading raw failed */
    size_t members;              /* members begun (a file may hold several, one after another) */
    unsigned long long in_total; /* compressed bytes handed to zlib */
    char msg[200];
    ahead *ah; /* inflating on a thread of its own since gz_ahead, or NULL */
    unsigned char in[GZ_IN];
};

int gz_magic(const unsigned char *s, size_t n)
{
    /* ID1 ID2 and CM = 8 (deflate), the only method RFC 1952 defines */
    return n >= 3 && s[0] == 0x1f && s[1] == 0x8b && s[2] == 8;
}

/* Stop with a message, for gz_error: kind 1 when the compressed data are at fault, 2 when
 * reading the file failed. */
static ssize_t fail(gz_input *g, int kind, const char *fmt, ...)
{
    g->failed = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->msg, sizeof g->msg, fmt, ap);
    va_end(ap);
    errno = kind == 2 ? EIO : EILSEQ;
    return -1;
}

/* More compressed bytes into z: 1, 0 at the end of the file, -1 on a read error. */
static int fill(gz_input *g)
{
    if (!g->prefix_used) {
        g->prefix_used = 1;
        if (g->prefix_len) {
            g->z.next_in = g->prefix;
            g->z.avail_in = (uInt)g->prefix_len;
            g->in_total += g->prefix_len;
            return 1;
        }
    }
    if (g->raw_eof)
        return 0;
    size_t n = fread(g->in, 1, GZ_IN, g->raw);
    if (n < GZ_IN) {
        if (ferror(g->raw))
            return -1;
        g->raw_eof = 1;
    }
    g->z.next_in = g->in;
    g->z.avail_in = (uInt)n;
    g->in_total += n;
    return n > 0 ? 1 : 0;
}

/* Inflate into buf[0..size): some bytes, 0 at the end, -1 on failure (g->msg). */
static ssize_t inflate_some(gz_input *g, char *buf, size_t size)
{
    if (g->failed) {
        errno = g->failed == 2 ? EIO : EILSEQ;
        return -1;
    }
    if (size > (size_t)1 << 30)
        size = (size_t)1 << 30;
    g->z.next_out = (unsigned char *)buf;
    g->z.avail_out = (uInt)size;
    while (g->z.avail_out == size) { /* until some bytes come out, or the end */
        if (g->z.avail_in == 0) {
            int f = fill(g);
            if (f < 0)
                return fail(g, 2, "cannot read the compressed file: %s", strerror(errno));
            if (f == 0) {
                if (g->in_member)
                    return fail(g, 1, "the gzip data end early: the file is truncated");
                return 0;
            }
        }
        if (!g->in_member) {
            /* a member begins: the first, or one more after the last's end (gzip -c a b
             * writes two); anything else after a member is not gzip data */
            if (g->members > 0 && !gz_magic(g->z.next_in, g->z.avail_in) &&
                !(g->z.avail_in < 3 && g->z.next_in[0] == 0x1f))
                return fail(g, 1,
                            "data after the end of the gzip stream that are not gzip: the "
                            "file is damaged or not one gzip file");
            if (g->members > 0 && inflateReset(&g->z) != Z_OK)
                return fail(g, 1, "the gzip data are corrupt");
            g->in_member = 1;
            g->members++;
        }
        int rc = inflate(&g->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            g->in_member = 0;
        } else if (rc == Z_MEM_ERROR) {
            g->failed = 2;
            snprintf(g->msg, sizeof g->msg, "out of memory inflating the gzip data");
            errno = ENOMEM;
            return -1;
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
            return fail(g, 1, "the gzip data are corrupt: zlib says '%s'",
                        g->z.msg ? g->z.msg : "invalid data");
        }
        /* Z_OK, or Z_BUF_ERROR when zlib needs more input: the loop fills it */
    }
    return (ssize_t)(size - g->z.avail_out);
}

/* The inflating thread: fills the free buffers, in turn, until the end or a failure. */
static void *ahead_main(void *arg)
{
    gz_input *g = arg;
    ahead *a = g->ah;
    for (;;) {
        pthread_mutex_lock(&a->mu);
        while (a->count == AHEAD_BUFS && !a->stop)
            pthread_cond_wait(&a->cv, &a->mu);
        int stop = a->stop;
        size_t slot = (a->head + a->count) % AHEAD_BUFS;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            return NULL;
        size_t len = 0;
        ssize_t n = 1;
        while (len < AHEAD_BYTES &&
               (n = inflate_some(g, (char *)a->buf[slot] + len, AHEAD_BYTES - len)) > 0)
            len += (size_t)n;
        unsigned long long in_at = g->in_total - g->z.avail_in;
        pthread_mutex_lock(&a->mu);
        if (len) {
            a->len[slot] = len;
            a->in_at[slot] = in_at;
            a->count++;
        }
        if (n <= 0)
            a->done = 1;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        if (n <= 0)
            return NULL;
    }
}

/* What the reader asks, from the buffers the inflating thread fills. */
static ssize_t ahead_read(gz_input *g, char *buf, size_t size)
{
    ahead *a = g->ah;
    pthread_mutex_lock(&a->mu);
    while (a->count == 0 && !a->done)
        pthread_cond_wait(&a->cv, &a->mu);
    if (a->count == 0) {
        pthread_mutex_unlock(&a->mu);
        if (g->failed) {
            errno = g->failed == 2 ? EIO : EILSEQ;
            return -1;
        }
        return 0;
    }
    /* the head buffer is the reader's until it gives it back (count--) */
    const unsigned char *src = a->buf[a->head] + a->pos;
    size_t n = a->len[a->head] - a->pos;
    a->in_read = a->in_at[a->head];
    pthread_mutex_unlock(&a->mu);
    if (n > size)
        n = size;
    memcpy(buf, src, n);
    pthread_mutex_lock(&a->mu);
    a->pos += n;
    if (a->pos == a->len[a->head]) {
        a->head = (a->head + 1) % AHEAD_BUFS;
        a->count--;
        a->pos = 0;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return (ssize_t)n;
}

static ssize_t gz_read(void *cookie, char *buf, size_t size)
{
    gz_input *g = cookie;
    return g->ah ? ahead_read(g, buf, size) : inflate_some(g, buf, size);
}

static void ahead_free(ahead *a)
{
    for (size_t i = 0; i < AHEAD_BUFS; i++)
        free(a->buf[i]);
    free(a);
}

int gz_ahead(gz_input *g)
{
    if (g->ah || g->failed)
        return 0;
    ahead *a = calloc(1, sizeof *a);
    if (!a)
        return -1;
    for (size_t i = 0; i < AHEAD_BUFS; i++)
        if (!(a->buf[i] = malloc(AHEAD_BYTES))) {
            ahead_free(a);
            return -1;
        }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    g->ah = a;
    if (pthread_create(&a->th, NULL, ahead_main, g) != 0) {
        g->ah = NULL; /* (inflated on the reader's thread, as before) */
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        ahead_free(a);
        return -1;
    }
    return 0;
}

static int gz_close(void *cookie)
{
    gz_input *g = cookie;
    ahead *a = g->ah;
    if (a) {
        pthread_mutex_lock(&a->mu);
        a->stop = 1;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->th, NULL);
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        ahead_free(a);
    }
    int rc = g->raw && g->close_raw ? fclose(g->raw) : 0;
    if (g->z_ready)
        inflateEnd(&g->z);
    free(g->prefix);
    free(g);
    return rc;
}

FILE *gz_open(FILE *raw, const unsigned char *prefix, size_t prefix_len, int close_raw,
              gz_input **out)
{
    *out = NULL;
    gz_input *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (prefix_len && !(g->prefix = malloc(prefix_len))) {
        free(g);
        return NULL;
    }
    if (prefix_len)
        memcpy(g->prefix, prefix, prefix_len);
    g->prefix_len = prefix_len;
    /* 16 + MAX_WBITS: a gzip wrapper (header and CRC-32 and length checked), not zlib's */
    if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
        free(g->prefix);
        free(g);
        errno = ENOMEM;
        return NULL;
    }
    g->z_ready = 1;
    cookie_io_functions_t io = {.read = gz_read, .write = NULL, .seek = NULL, .close = gz_close};
    FILE *fp = fopencookie(g, "rb", io);
    if (!fp) {
        inflateEnd(&g->z);
        free(g->prefix);
        free(g);
        return NULL;
    }
    g->raw = raw; /* closed with fp from now on, when close_raw */
    g->close_raw = close_raw;
    *out = g;
    return fp;
}

const char *gz_error(const gz_input *g, int *bad_data)
{
    *bad_data = g->failed == 1;
    return g->failed ? g->msg : NULL;
}

unsigned long long gz_compressed_bytes(const gz_input *g)
{
    return g->in_total - g->z.avail_in;
}

unsigned long long gz_progress(gz_input *g)
{
    ahead *a = g->ah;
    if (!a)
        return gz_compressed_bytes(g);
    pthread_mutex_lock(&a->mu);
    unsigned long long n = a->in_read;
    pthread_mutex_unlock(&a->mu);
    return n;
}
