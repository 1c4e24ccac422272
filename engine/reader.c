/* Streaming CSV reader: libcsv parses; a byte scanner run in lockstep tracks positions, encoding and strict errors. */
#define _GNU_SOURCE /* strtod_l: number parsing independent of the process locale */
#include "shopstat/reader.h"
#include "shopstat/spec.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <iconv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Bytes examined to decide between UTF-8 and windows-1252 (and the least read at open,
 * except from a regular file: see sample_is_utf8). */
#define DETECT_BYTES ((size_t)1 << 20)
/* What open reads of a regular file into the buffer: the rest of the sample is looked at
 * through a buffer of this size, reused. (Read in one go into fresh memory, the 1 MiB
 * sample took 3-4 ms to read and 1-1.5 ms to check, a fixed cost of every run; in 64 KiB
 * pieces, 0.5 ms.) */
#define FIRST_BYTES ((size_t)64 << 10)
/* The scanner and libcsv advance together over chunks of at most this many bytes, which
 * bounds the queue of field positions the scanner hands to the libcsv callbacks. */
#define CHUNK ((size_t)64 << 10)

/* Byte classes of the scanner. */
enum { C_ORD, C_DELIM, C_QUOTE, C_CR, C_LF, C_SPACE, C_HIGH, C_NUL };
#define BIT(k) (1u << (k))
#define ALL_CLASSES 0xffu

/* Scanner states, mirroring libcsv's strict grammar (ROW_NOT_BEGUN, FIELD_NOT_BEGUN,
 * FIELD_BEGUN unquoted / quoted, FIELD_MIGHT_HAVE_ENDED). */
enum { S_ROW, S_FIELD, S_UNQ, S_Q, S_QEND };

/* UTF-8 validation carried across blocks: the continuation bytes still needed, and the
 * range the next one must fall in (RFC 3629 table: no overlongs, surrogates or values past
 * U+10FFFF). Shared by the positioned reader and the range parsers. */
typedef struct utf8_state {
    unsigned need;
    unsigned char lo, hi;
} utf8_state;

/* Feed one byte >= 0x80: 0, or -1 when it cannot stand here. */
static int utf8_step(utf8_state *u, unsigned char c)
{
    if (u->need) {
        if (c < u->lo || c > u->hi)
            return -1;
        u->need--;
        u->lo = 0x80;
        u->hi = 0xBF;
        return 0;
    }
    u->lo = 0x80;
    u->hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        u->need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        u->need = 2;
        if (c == 0xE0)
            u->lo = 0xA0;
        if (c == 0xED)
            u->hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        u->need = 3;
        if (c == 0xF0)
            u->lo = 0x90;
        if (c == 0xF4)
            u->hi = 0x8F;
    } else {
        return -1;
    }
    return 0;
}

struct shopstat_reader {
    char *path;
    FILE *fp;
    int from_stdin; /* path "-": standard input, shown as <stdin> */
    int stream;     /* fp is the caller's (shopstat_reader_open_file): read in order, not closed */
    gz_input *gz;   /* fp inflates a gzip-compressed file (engine/inflate.c), or NULL */
    int gz_file;    /* gz is a regular file opened by its path: ranges open it again */
    int raw_fd;     /* the descriptor of the file gz inflates */
    long long start_off; /* file offset of the first byte read (standard input), or -1 */
    long long size_at_open; /* a regular file's size when opened (-1: not known, gzip): a
                             * file cut while it is read is an error, not a shorter export */
    shopstat_csv_opts opts;
    char **missing; /* copies of opts.missing, NULL-terminated */
    size_t nmissing;
    char ***colmiss;               /* per column: copies of its own codes (opts.column_missing),
                                      NULL-terminated, or NULL; the array NULL when there are none */
    char **colfrom; /* per column (with colmiss): the name or pattern that first gave it codes */
    unsigned char miss_first[256]; /* 1 for bytes a missing value can start or end with */
    shopstat_csv_dialect d;
    char enc_name[64];
    int validate_utf8;  /* bytes must be valid UTF-8 (no conversion) */
    int utf8_detected;  /* UTF-8 was chosen by looking at the first bytes */
    iconv_t cd;         /* (iconv_t)-1 when not converting */
    char *conv;
    size_t conv_cap;
    /* a multi-byte character (Shift_JIS, GBK, Big5, EUC...) cut by the end of the bytes
     * fed so far: completed with the next ones */
    unsigned char carry[8];
    size_t ncarry;
    shopstat_pos carry_pos;

    unsigned char *buf; /* raw bytes; buf[pos..len) not yet consumed */
    size_t buf_cap, buf_len, buf_pos;
    size_t buf_abs;     /* file offset of buf[0] */
    int eof;
    int finished;

    /* scanner */
    unsigned char cls[256];
    unsigned interest[5]; /* classes that leave the fast skip loop, per state */
    unsigned char stops[6][256]; /* per state: 1 for bytes the skip loop stops at; [5]: all */
    int st;
    int qspaces;
    size_t line, line_start; /* current line (1-based) and file offset of its first byte */
    size_t cr_next;          /* file offset just after the last CR, to pair CR LF */
    size_t fstart;           /* file offset where the open field starts */
    shopstat_pos fpos;
    utf8_state utf;
    unsigned char utf_lead; /* the lead byte of the open sequence, and where it stands */
    shopstat_pos utf_pos;
    size_t n_lf, n_crlf, n_cr;
    size_t rows_scanned;
    size_t ck_line, ck_line_start, ck_cr_next, ck_abs; /* scanner state at the chunk start */
    int scan_err;
    shopstat_error serr;

    /* field positions from the scanner, consumed in order by the libcsv field callback */
    shopstat_pos *q;
    size_t qhead, qtail;

    struct csv_parser p;
    int csv_ready;

    /* row assembly */
    int header_done;
    int stop;
    int fast; /* data rows past skip_rows, no error: on_field may take its fast path */
    shopstat_status cb_status;
    shopstat_error *err; /* where callbacks report */
    char *rowbuf;
    size_t rowlen, rowcap;
    size_t nf;
    shopstat_pos row_pos, extra_pos;
    size_t *offs;
    size_t *lens;
    shopstat_pos *pos;
    const char **fields;
    size_t acap; /* capacity of offs/lens/pos/fields */

    size_t ncols;
    char *names_arena;
    char **names;
    size_t name0_len; /* strlen(names[0]): repeats_header's first test */
    unsigned char name0_c; /* names[0][0] (0 when empty): with name0_len, its test */
    shopstat_pos *colpos;
    strmap colmap;  /* the header's names but the empty ones, each once */
    size_t *keycol; /* [key of colmap]: the first column with that name */
    size_t *nsame;  /* [column]: the columns with its name (0 when it has none) */
    /* header_rows 2: the first header row, kept until the second is read (its bytes, and
     * each field's offset, length and position) */
    char *h1_buf;
    size_t *h1_offs, *h1_lens;
    shopstat_pos *h1_pos;
    size_t h1_n;
    int h1_done;
    /* header_rows 2: [column] the second header row's text a name was joined with (the
     * option's label, "Phone" of "Which channels? / Phone"), NULL where none was; labels
     * itself is NULL with one header row */
    char **labels;
    int skipped_second_header; /* the first row skipped was SurveyMonkey's second header */
    /* skip_rows 2 or more: the first row skipped (its bytes; [column] each text), kept
     * while the second is read, and kept on when that is Qualtrics' import-id row: it held
     * the question texts (shopstat_reader_coltext) */
    char *texts_buf;
    char **texts;
    int texts_pending;

    size_t rows_read, rows_skipped;
    size_t rows_empty; /* rows whose every field is empty, not passed to fn */
    /* what reader_note_rows and reader_note_eol added (the chunked pass's rows), for
     * reader_unnote_rows; line_ending_unnoted: the line ending before the first note */
    size_t noted_rows, noted_empty, noted_eol[3];
    int noted; /* a chunked pass read the file (reader_note_rows): run and ranges refused */
    const char *line_ending_unnoted;
    shopstat_row_fn fn;
    void *ctx;
    int ran;
    /* what stopped reader_skip_rows, reported by shopstat_reader_run */
    shopstat_status skip_status;
    shopstat_error skip_err;
    /* an error in the first data rows, held until they are read (hold_error) */
    int held;
    int import_ids; /* the pass stopped on a Qualtrics import-id row */
    shopstat_status held_status;
    shopstat_error held_err;
};

void shopstat_csv_opts_init(shopstat_csv_opts *o)
{
    memset(o, 0, sizeof *o);
    o->delimiter = 0;
    o->encoding = NULL;
    o->decimal_comma = -1;
    o->skip_rows = 0;
    o->header_rows = 1;
    o->missing = NULL;
    o->block_size = 0;
    o->column_missing = NULL;
    o->ncolumn_missing = 0;
}

static shopstat_pos pos_at(const shopstat_reader *r, size_t abs)
{
    shopstat_pos p = {r->line, abs - r->line_start + 1};
    return p;
}

static shopstat_status nomem(shopstat_reader *r, shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, r->path, 0, 0, "out of memory");
}

/* ---- scanner ------------------------------------------------------------------------ */

static void scan_fail(shopstat_reader *r, shopstat_status s, shopstat_pos p, const char *fmt,
                      const char *arg, unsigned byte)
{
    r->scan_err = 1;
    char msg[512];
    if (arg)
        snprintf(msg, sizeof msg, fmt, arg);
    else
        snprintf(msg, sizeof msg, fmt, byte);
    shopstat_error_set(&r->serr, s, r->path, p.line, p.col, "%s", msg);
}

static int push_field(shopstat_reader *r, shopstat_pos p, size_t end_abs, int empty)
{
    if (!empty && end_abs - r->fstart > SHOPSTAT_CSV_MAX_FIELD) {
        scan_fail(r, SHOPSTAT_ELIMIT, p, "field is longer than %s bytes", "1048576", 0);
        return -1;
    }
    r->q[r->qtail++] = p;
    return 0;
}

/* A line end at byte a: the next line. Those inside a quoted field (quoted) are text, not
 * the file's line ends: Excel ends rows with CRLF and lines within a cell with LF. */
static void newline(shopstat_reader *r, int k, size_t a, int quoted)
{
    if (k == C_LF && r->cr_next == a && a > 0) {
        if (!quoted) {
            r->n_cr--;
            r->n_crlf++;
        }
    } else {
        r->line++;
        if (k == C_LF) {
            r->n_lf += !quoted;
        } else {
            r->n_cr += !quoted;
            r->cr_next = a + 1;
        }
    }
    r->line_start = a + 1;
}

static void bad_utf8(shopstat_reader *r, shopstat_pos p, unsigned byte)
{
    if (r->utf8_detected)
        scan_fail(r, SHOPSTAT_EINPUT, p,
                  "invalid UTF-8 byte 0x%02X (the first 1 MiB was UTF-8; if the file is not, "
                  "use csv_opts.encoding windows-1252)",
                  NULL, byte);
    else
        scan_fail(r, SHOPSTAT_EINPUT, p, "invalid UTF-8 byte 0x%02X", NULL, byte);
}

/* Validate one byte >= 0x80; an error names the sequence's lead byte and its position. */
static int utf8_byte(shopstat_reader *r, unsigned char c, size_t a)
{
    if (!r->utf.need) {
        r->utf_lead = c;
        r->utf_pos = pos_at(r, a);
    }
    if (utf8_step(&r->utf, c) == 0)
        return 0;
    bad_utf8(r, r->utf_pos, r->utf_lead);
    return -1;
}

/* Scan s[0..n) (file offset base). Pushes the start position of every field libcsv will
 * submit, counts lines, validates bytes and detects what libcsv's strict mode rejects, so
 * the error can name the exact byte. Returns how many bytes may be given to libcsv: n, or
 * less when an error was found (r->scan_err) or when stop_row and a row ended. */
static size_t scan(shopstat_reader *r, const unsigned char *s, size_t n, size_t base,
                   int stop_row)
{
    const unsigned char *cls = r->cls;
    int st = r->st;
    size_t i = 0;
    while (i < n) {
        const unsigned char *stop = r->stops[r->utf.need ? 5 : st];
        while (i < n && !stop[s[i]])
            i++;
        if (i == n)
            break;
        unsigned char c = s[i];
        int k = cls[c];
        size_t a = base + i;
        if (k == C_NUL) {
            r->st = st;
            scan_fail(r, SHOPSTAT_EINPUT, pos_at(r, a),
                      "NUL byte in the file (is it UTF-16 or not a CSV file?)", NULL, 0);
            return i;
        }
        if (r->utf.need && k != C_HIGH) {
            bad_utf8(r, r->utf_pos, r->utf_lead);
            return i;
        }
        if (k == C_HIGH) {
            if (utf8_byte(r, c, a) != 0)
                return i;
            k = C_ORD;
        }
        switch (st) {
        case S_ROW:
        case S_FIELD:
            if (k == C_SPACE)
                break;
            if (k == C_CR || k == C_LF) {
                if (st == S_FIELD) {
                    push_field(r, pos_at(r, a), a, 1);
                    r->rows_scanned++;
                    st = S_ROW;
                    newline(r, k, a, 0);
                    if (stop_row) {
                        r->st = st;
                        return i + 1;
                    }
                } else {
                    newline(r, k, a, 0);
                }
                break;
            }
            if (k == C_DELIM) {
                push_field(r, pos_at(r, a), a, 1);
                st = S_FIELD;
                break;
            }
            r->fstart = a;
            r->fpos = pos_at(r, a);
            st = k == C_QUOTE ? S_Q : S_UNQ;
            break;
        case S_UNQ:
            if (k == C_DELIM || k == C_CR || k == C_LF) {
                if (push_field(r, r->fpos, a, 0) != 0) {
                    r->st = st;
                    return i;
                }
                if (k == C_DELIM) {
                    st = S_FIELD;
                    break;
                }
                r->rows_scanned++;
                st = S_ROW;
                newline(r, k, a, 0);
                if (stop_row) {
                    r->st = st;
                    return i + 1;
                }
            } else if (k == C_QUOTE) {
                r->st = st;
                scan_fail(r, SHOPSTAT_EINPUT, pos_at(r, a),
                          "quote inside an unquoted field (quote the whole field and double "
                          "the quotes inside it)",
                          NULL, 0);
                return i;
            }
            break;
        case S_Q:
            if (k == C_QUOTE) {
                st = S_QEND;
                r->qspaces = 0;
            } else if (k == C_CR || k == C_LF) {
                newline(r, k, a, 1);
            }
            break;
        case S_QEND:
            if (k == C_DELIM || k == C_CR || k == C_LF) {
                if (push_field(r, r->fpos, a, 0) != 0) {
                    r->st = st;
                    return i;
                }
                if (k == C_DELIM) {
                    st = S_FIELD;
                    break;
                }
                r->rows_scanned++;
                st = S_ROW;
                newline(r, k, a, 0);
                if (stop_row) {
                    r->st = st;
                    return i + 1;
                }
            } else if (k == C_SPACE) {
                r->qspaces = 1;
            } else if (k == C_QUOTE && !r->qspaces) {
                st = S_Q; /* doubled quote inside a quoted field */
            } else {
                r->st = st;
                scan_fail(r, SHOPSTAT_EINPUT, pos_at(r, a),
                          "unexpected character after the closing quote of a field (a quote "
                          "inside a quoted field must be doubled)",
                          NULL, 0);
                return i;
            }
            break;
        }
        i++;
    }
    r->st = st;
    /* A field still open at the end of the chunk: cap what libcsv will buffer for it. */
    if ((st == S_UNQ || st == S_Q || st == S_QEND) && base + n - r->fstart > SHOPSTAT_CSV_MAX_FIELD) {
        if (st == S_UNQ)
            scan_fail(r, SHOPSTAT_ELIMIT, r->fpos, "field is longer than %s bytes", "1048576", 0);
        else
            scan_fail(r, SHOPSTAT_ELIMIT, r->fpos,
                      "quoted field is longer than %s bytes (is its closing quote missing?)",
                      "1048576", 0);
        return n;
    }
    return n;
}

/* ---- libcsv callbacks ---------------------------------------------------------------- */

/* Data rows where a Qualtrics export's import-id row may stand: the file's third line (the
 * question texts before it), read without --skip-rows 2. Its cells are
 * {"ImportId":"QID2"}: taken as data they became levels of every question. */
#define IMPORT_ID_ROWS 3

/* The first of the nf fields that shows the row is a survey platform's header row, not
 * data, or -1: a cell that begins as a Qualtrics import id (*kind 1), or the second of two
 * cells "Response" or "Open-Ended Response", which SurveyMonkey writes in the second row of
 * its two-row header (*kind 2). */
static long import_id_field(const char *const *fields, const size_t *lens, size_t nf, int *kind)
{
    static const char id[] = "{\"ImportId\":", resp[] = "Response", open[] = "Open-Ended Response";
    long first = -1;
    for (size_t i = 0; i < nf; i++) {
        if (lens[i] >= sizeof id - 1 && memcmp(fields[i], id, sizeof id - 1) == 0) {
            *kind = 1;
            return (long)i;
        }
        if ((lens[i] == sizeof resp - 1 && memcmp(fields[i], resp, sizeof resp - 1) == 0) ||
            (lens[i] == sizeof open - 1 && memcmp(fields[i], open, sizeof open - 1) == 0)) {
            if (first >= 0) {
                *kind = 2;
                return first;
            }
            first = (long)i;
        }
    }
    return -1;
}

static void cb_fail(shopstat_reader *r, shopstat_status s, shopstat_pos p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void cb_fail(shopstat_reader *r, shopstat_status s, shopstat_pos p, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    shopstat_error_set(r->err, s, r->path, p.line, p.col, "%s", msg);
    r->stop = 1;
    r->fast = 0;
    r->cb_status = s;
}

static int ensure_arrays(shopstat_reader *r, size_t n)
{
    if (n <= r->acap)
        return 0;
    size_t nc = r->acap ? r->acap : 16;
    while (nc < n)
        nc *= 2;
    size_t *o = realloc(r->offs, nc * sizeof *o);
    if (!o)
        return -1;
    r->offs = o;
    size_t *l = realloc(r->lens, nc * sizeof *l);
    if (!l)
        return -1;
    r->lens = l;
    shopstat_pos *p = realloc(r->pos, nc * sizeof *p);
    if (!p)
        return -1;
    r->pos = p;
    const char **f = realloc(r->fields, nc * sizeof *f);
    if (!f)
        return -1;
    r->fields = f;
    r->acap = nc;
    return 0;
}

static void on_field(void *data, size_t len, void *vr)
{
    shopstat_reader *r = vr;
    /* Fast path for a data field that fits the row buffer: no checks beyond these. Short
     * values are copied as a fixed 16 bytes (libcsv's buffer holds at least its block of
     * 4096 bytes), which compiles to two moves instead of a memcpy call. */
    if (r->fast && r->nf < r->ncols && r->qhead < r->qtail && data &&
        r->rowlen + len + 17 <= r->rowcap) {
        size_t nf = r->nf;
        char *dst = r->rowbuf + r->rowlen;
        if (len < 16 && r->p.entry_size >= 16)
            memcpy(dst, data, 16);
        else
            memcpy(dst, data, len);
        dst[len] = '\0';
        r->pos[nf] = r->q[r->qhead++];
        if (nf == 0)
            r->row_pos = r->pos[0];
        r->offs[nf] = r->rowlen;
        r->lens[nf] = len;
        r->rowlen += len + 1;
        r->nf = nf + 1;
        return;
    }
    if (r->stop)
        return;
    if (r->qhead == r->qtail) {
        cb_fail(r, SHOPSTAT_EINTERNAL, r->row_pos, "reader lost track of field positions");
        return;
    }
    shopstat_pos p = r->q[r->qhead++];
    if (!data)
        len = 0;
    if (r->nf == 0)
        r->row_pos = p;
    int store;
    if (!r->header_done) {
        if (r->nf >= SHOPSTAT_CSV_MAX_COLUMNS) {
            cb_fail(r, SHOPSTAT_ELIMIT, p, "header has more than %d columns",
                    SHOPSTAT_CSV_MAX_COLUMNS);
            return;
        }
        store = 1;
    } else {
        /* (the first row skipped is kept too: SurveyMonkey's second header row, which
         * describe then points to --header-rows 2 for) */
        store = (r->rows_read >= r->opts.skip_rows || r->rows_read == 0 ||
                 (r->rows_read == 1 && r->texts_pending)) &&
                r->nf < r->ncols;
        if (r->nf == r->ncols)
            r->extra_pos = p;
    }
    if (store) {
        if (r->nf >= r->acap && ensure_arrays(r, r->nf + 1) != 0) {
            cb_fail(r, SHOPSTAT_ENOMEM, p, "out of memory");
            return;
        }
        /* (16 bytes to spare past the last field, as shopstat_row promises) */
        if (r->rowlen + len + 17 > r->rowcap) {
            if (r->rowlen + len + 1 > SHOPSTAT_CSV_MAX_ROW) {
                cb_fail(r, SHOPSTAT_ELIMIT, p, "row is longer than %d bytes",
                        SHOPSTAT_CSV_MAX_ROW);
                return;
            }
            size_t nc = r->rowcap ? r->rowcap : 4096;
            while (nc < r->rowlen + len + 17)
                nc *= 2;
            char *b = realloc(r->rowbuf, nc);
            if (!b) {
                cb_fail(r, SHOPSTAT_ENOMEM, p, "out of memory");
                return;
            }
            r->rowbuf = b;
            r->rowcap = nc;
        }
        memcpy(r->rowbuf + r->rowlen, data, len);
        r->rowbuf[r->rowlen + len] = '\0';
        r->offs[r->nf] = r->rowlen;
        r->lens[r->nf] = len;
        r->pos[r->nf] = p;
        r->rowlen += len + 1;
    }
    r->nf++;
}

/* Empty and repeated names are not errors here: exports have them in columns a command
 * does not use (SurveyMonkey's sub-question columns, a delimiter ending the header line).
 * A command that names a repeated one is told it is ambiguous (shopstat_reader_column); an
 * empty name cannot be named. The names are the n fields of buf (len bytes: each field
 * NUL-terminated at offs[i] + lens[i]), at positions pos. */
static void index_header(shopstat_reader *r, const char *buf, size_t len, const size_t *offs,
                         const size_t *lens, const shopstat_pos *pos, size_t n)
{
    r->names_arena = malloc(len ? len : 1);
    r->names = malloc(n * sizeof *r->names);
    r->colpos = malloc(n * sizeof *r->colpos);
    r->keycol = malloc(n * sizeof *r->keycol);
    r->nsame = calloc(n, sizeof *r->nsame);
    if (!r->names_arena || !r->names || !r->colpos || !r->keycol || !r->nsame) {
        cb_fail(r, SHOPSTAT_ENOMEM, r->row_pos, "out of memory");
        return;
    }
    memcpy(r->names_arena, buf, len);
    strmap_init(&r->colmap, SHOPSTAT_CSV_MAX_COLUMNS, SIZE_MAX);
    size_t named = 0;
    for (size_t i = 0; i < n; i++) {
        r->names[i] = r->names_arena + offs[i];
        r->colpos[i] = pos[i];
        size_t nl = lens[i];
        if (nl == 0)
            continue;
        named++;
        int added;
        size_t k = strmap_add(&r->colmap, r->names[i], nl, strmap_hash(r->names[i], nl), &added);
        if (k == STRMAP_NOMEM || k == STRMAP_FULL) {
            cb_fail(r, SHOPSTAT_ENOMEM, pos[i], "out of memory");
            return;
        }
        if (added)
            r->keycol[k] = i;
        r->nsame[r->keycol[k]]++;
    }
    if (named == 0) {
        cb_fail(r, SHOPSTAT_EINPUT, pos[0],
                r->opts.header_rows == 2
                    ? "the two header rows name no column (every field is empty): the first "
                      "two lines that are not blank must hold the column names"
                    : "the header row names no column (every field is empty): the first line "
                      "that is not blank must hold the column names");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (lens[i])
            r->nsame[i] = r->nsame[r->keycol[strmap_find(&r->colmap, r->names[i], lens[i],
                                                         strmap_hash(r->names[i], lens[i]))]];
    r->ncols = n;
    r->name0_len = lens[0];
    r->name0_c = lens[0] ? (unsigned char)r->names[0][0] : 0;
    r->header_done = 1;
}

/* Whether a data row of nf fields is the header again: every field its column's name (the
 * first may start with a UTF-8 BOM), as where two exports were joined with cat, whose
 * second header would otherwise be a row of answers ('wave' a wave, 'phone' a level). A
 * row whose first field is not the first name costs one comparison. One column is too
 * few to tell a header from an answer that spells the question's name. */
static __attribute__((noinline)) int repeats_header_rest(const shopstat_reader *r,
                                                         const char *const *fields,
                                                         const size_t *lens, size_t nf)
{
    if (nf != r->ncols || nf < 2 || r->name0_len == 0)
        return 0;
    const char *f0 = fields[0];
    size_t l0 = lens[0];
    if (l0 == r->name0_len + 3 && memcmp(f0, "\xef\xbb\xbf", 3) == 0) {
        f0 += 3;
        l0 -= 3;
    }
    if (l0 != r->name0_len || memcmp(f0, r->names[0], l0) != 0)
        return 0;
    for (size_t i = 1; i < nf; i++)
        if (strlen(r->names[i]) != lens[i] || memcmp(fields[i], r->names[i], lens[i]) != 0)
            return 0;
    return 1;
}

/* repeats_header_rest behind a test every row passes through inline: the first field's
 * length and first byte, the name's or a BOM's. A call for every row cost 35 instructions
 * a row (1.3% of the typical run, callgrind 2026-12-04); the benchmark's ids of 5 digits
 * have the length of 'id' and a BOM, and stop at the byte. */
static inline int repeats_header(const shopstat_reader *r, const char *const *fields,
                                 const size_t *lens, size_t nf)
{
    size_t l0 = lens[0];
    if (l0 != r->name0_len && l0 != r->name0_len + 3)
        return 0;
    /* (a field is NUL-terminated: an empty one's byte is that NUL) */
    unsigned char c = (unsigned char)fields[0][0];
    if (c != (l0 == r->name0_len ? r->name0_c : 0xEF))
        return 0;
    return repeats_header_rest(r, fields, lens, nf);
}

/* The first of two header rows (header_rows 2), kept aside until the second is read. */
static void keep_first_header(shopstat_reader *r)
{
    size_t n = r->nf;
    r->h1_buf = malloc(r->rowlen ? r->rowlen : 1);
    r->h1_offs = malloc((n ? n : 1) * sizeof *r->h1_offs);
    r->h1_lens = malloc((n ? n : 1) * sizeof *r->h1_lens);
    r->h1_pos = malloc((n ? n : 1) * sizeof *r->h1_pos);
    if (!r->h1_buf || !r->h1_offs || !r->h1_lens || !r->h1_pos) {
        cb_fail(r, SHOPSTAT_ENOMEM, r->row_pos, "out of memory");
        return;
    }
    memcpy(r->h1_buf, r->rowbuf, r->rowlen);
    memcpy(r->h1_offs, r->offs, n * sizeof *r->offs);
    memcpy(r->h1_lens, r->lens, n * sizeof *r->lens);
    memcpy(r->h1_pos, r->pos, n * sizeof *r->pos);
    r->h1_n = n;
    r->h1_done = 1;
}

/* Whether s[0..n) is what SurveyMonkey's second header row holds under a question that
 * has one column: "Response" (single choice) or "Open-Ended Response" (text). */
static int plain_response(const char *s, size_t n)
{
    return (n == 8 && memcmp(s, "Response", 8) == 0) ||
           (n == 19 && memcmp(s, "Open-Ended Response", 19) == 0);
}

/* The second header row is in rowbuf: each column's name is the first row's text (carried
 * right over the empty cells that follow it: a question's other columns), joined by " / "
 * to the second row's, unless that is empty, "Response" or "Open-Ended Response". */
static void join_headers(shopstat_reader *r)
{
    size_t n = r->nf;
    if (n != r->h1_n) {
        cb_fail(r, SHOPSTAT_EINPUT, n > r->h1_n ? r->pos[r->h1_n] : r->row_pos,
                "the second header row has %zu field%s, the first has %zu (csv_opts.header_rows 2 "
                "reads two header rows of the same columns)",
                n, n == 1 ? "" : "s", r->h1_n);
        return;
    }
    const char *carry = NULL;
    size_t carry_len = 0, total = 0;
    for (size_t i = 0; i < n; i++) { /* (the joined names' bytes, with their NULs) */
        if (r->h1_lens[i]) {
            carry = r->h1_buf + r->h1_offs[i];
            carry_len = r->h1_lens[i];
        }
        total += carry_len + 3 + r->lens[i] + 1;
    }
    /* (calloc: once per file, and the compiler cannot tell that n > 0) */
    char *buf = calloc(total ? total : 1, 1);
    size_t *offs = calloc(n, sizeof *offs), *lens = calloc(n, sizeof *lens);
    size_t *label = calloc(n, sizeof *label); /* the label's offset in buf, or SIZE_MAX */
    shopstat_pos *pos = calloc(n, sizeof *pos);
    r->labels = calloc(n, sizeof *r->labels);
    if (!buf || !offs || !lens || !label || !pos || !r->labels) {
        free(buf);
        free(offs);
        free(lens);
        free(label);
        free(pos);
        cb_fail(r, SHOPSTAT_ENOMEM, r->row_pos, "out of memory");
        return;
    }
    size_t at = 0;
    carry = NULL;
    carry_len = 0;
    for (size_t i = 0; i < n; i++) {
        if (r->h1_lens[i]) {
            carry = r->h1_buf + r->h1_offs[i];
            carry_len = r->h1_lens[i];
        }
        const char *two = r->rowbuf + r->offs[i];
        size_t two_len = r->lens[i];
        int join = two_len && !plain_response(two, two_len);
        offs[i] = at;
        label[i] = SIZE_MAX;
        if (carry_len) {
            memcpy(buf + at, carry, carry_len);
            at += carry_len;
        }
        if (join) {
            if (carry_len) {
                memcpy(buf + at, " / ", 3);
                at += 3;
                label[i] = at;
            }
            memcpy(buf + at, two, two_len);
            at += two_len;
        }
        buf[at++] = '\0';
        lens[i] = at - 1 - offs[i];
        /* a column is shown where its name's text stands: its own cell of the first row,
         * else of the second */
        pos[i] = r->h1_lens[i] || !two_len ? r->h1_pos[i] : r->pos[i];
    }
    index_header(r, buf, at, offs, lens, pos, n);
    for (size_t i = 0; i < n && r->names_arena; i++)
        r->labels[i] = label[i] == SIZE_MAX ? NULL : r->names_arena + label[i];
    free(label);
    free(buf);
    free(offs);
    free(lens);
    free(pos);
    free(r->h1_buf);
    free(r->h1_offs);
    free(r->h1_lens);
    free(r->h1_pos);
    r->h1_buf = NULL;
    r->h1_offs = r->h1_lens = NULL;
    r->h1_pos = NULL;
}

/* A header row read (libcsv's row end before header_done): the header, the first of two
 * kept aside, or the second of two joined to it. */
static void finish_header(shopstat_reader *r)
{
    if (r->opts.header_rows != 2) {
        index_header(r, r->rowbuf, r->rowlen, r->offs, r->lens, r->pos, r->nf);
        return;
    }
    if (!r->h1_done)
        keep_first_header(r);
    else
        join_headers(r);
}

/* An error in one of the first data rows (Qualtrics' question texts: a weight "Weight" that
 * is not a number) is held while the rows up to IMPORT_ID_ROWS are read, so that an
 * import-id row among them is what the message names; then it stops the pass. */
static void hold_error(shopstat_reader *r)
{
    if (r->rows_read >= IMPORT_ID_ROWS)
        return;
    r->held = 1;
    r->held_status = r->cb_status;
    r->held_err = *r->err;
    r->stop = 0;
    r->cb_status = SHOPSTAT_OK;
}

static void release_held(shopstat_reader *r)
{
    r->held = 0;
    *r->err = r->held_err;
    r->stop = 1;
    r->cb_status = r->held_status;
}

/* How much of the row's field k a message quotes: at most 40 bytes, cut at a character's
 * start. */
static int quoted_len(const shopstat_reader *r, size_t k)
{
    int shown = r->lens[k] > 40 ? 40 : (int)r->lens[k];
    while (shown < (int)r->lens[k] && shown > 0 &&
           ((unsigned char)r->fields[k][shown] & 0xC0) == 0x80)
        shown--;
    return shown;
}

/* Field k of the row after two header rows (header_rows 2) begins as a Qualtrics import id
 * (shown bytes of it quoted): the second header row was Qualtrics' question texts, which
 * the names now end with ("Q1 / How satisfied are you?"), not SurveyMonkey's option labels.
 * Qualtrics' export is one header row, then two rows to skip. */
static void qualtrics_two_rows(shopstat_reader *r, long k, int shown)
{
    r->import_ids = 1;
    cb_fail(
        r, SHOPSTAT_EINPUT, r->pos[k],
        "this is the import-id row of a Qualtrics export ('%.*s'): csv_opts.header_rows 2 joined "
        "the question texts of the line before it into the column names; read it with "
        "csv_opts.skip_rows 2 instead of csv_opts.header_rows 2 (skip_rows: 2 instead of "
        "header_rows: 2 "
        "in a spec)",
        shown, r->fields[k]);
}

/* The row as a Qualtrics import-id row, when one of its first nst fields begins as an
 * import id: 1, the error set. */
static int import_id_row(shopstat_reader *r, size_t nst)
{
    int kind = 0;
    long k = import_id_field(r->fields, r->lens, nst, &kind);
    if (k < 0)
        return 0;
    int shown = quoted_len(r, (size_t)k);
    r->held = 0;
    r->import_ids = 1;
    if (kind == 1 && r->rows_read == 1 && r->opts.header_rows == 2)
        qualtrics_two_rows(r, k, shown);
    else if (kind == 2 && r->rows_read == 1 && r->opts.header_rows != 2)
        cb_fail(r, SHOPSTAT_EINPUT, r->pos[k],
                "this is the second header row of a SurveyMonkey export ('%.*s'), not data: use "
                "csv_opts.header_rows 2 (header_rows: 2 in a spec) to read both header rows, which "
                "names each column by its question and option",
                shown, r->fields[k]);
    else
        cb_fail(
            r, SHOPSTAT_EINPUT, r->pos[k],
            "this is %s ('%.*s'), not data: use csv_opts.skip_rows %zu (skip_rows: %zu in a spec) "
            "to skip the rows between the header and the data",
            kind == 1 ? "the import-id row of a Qualtrics export"
                      : "the second header row of a SurveyMonkey export",
            shown, r->fields[k], r->rows_read, r->rows_read);
    return 1;
}

/* The first row skipped (skip_rows 2 or more), its nst fields in rowbuf: kept, to be the
 * question texts when the next row is Qualtrics' import ids. */
static void keep_texts(shopstat_reader *r, size_t nst)
{
    r->texts_buf = malloc(r->rowlen ? r->rowlen : 1);
    r->texts = calloc(r->ncols, sizeof *r->texts);
    if (!r->texts_buf || !r->texts) { /* (a hint lost: no error) */
        free(r->texts_buf);
        free(r->texts);
        r->texts_buf = NULL;
        r->texts = NULL;
        return;
    }
    memcpy(r->texts_buf, r->rowbuf, r->rowlen);
    for (size_t i = 0; i < nst; i++)
        r->texts[i] = r->lens[i] ? r->texts_buf + r->offs[i] : NULL;
    r->texts_pending = 1;
}

/* The second row skipped is in rowbuf: the first one's texts stay when it is Qualtrics'
 * import-id row, else they go. */
static void texts_confirmed(shopstat_reader *r)
{
    size_t nst = r->nf < r->ncols ? r->nf : r->ncols;
    for (size_t i = 0; i < nst; i++)
        r->fields[i] = r->rowbuf + r->offs[i];
    int kind = 0;
    r->texts_pending = 0;
    if (import_id_field(r->fields, r->lens, nst, &kind) >= 0 && kind == 1)
        return;
    free(r->texts_buf);
    free(r->texts);
    r->texts_buf = NULL;
    r->texts = NULL;
}

static void on_row(int c, void *vr)
{
    (void)c;
    shopstat_reader *r = vr;
    if (r->stop)
        return;
    if (!r->header_done) {
        finish_header(r);
        r->nf = 0;
        r->rowlen = 0;
        return;
    }
    r->rows_read++;
    if (r->rows_read <= r->opts.skip_rows) {
        if (r->rows_read == 1) {
            /* (kept by on_field: see there) */
            size_t nst = r->nf < r->ncols ? r->nf : r->ncols;
            for (size_t i = 0; i < nst; i++)
                r->fields[i] = r->rowbuf + r->offs[i];
            int kind = 0;
            long k = import_id_field(r->fields, r->lens, nst, &kind);
            if (r->opts.header_rows != 2) {
                r->skipped_second_header = k >= 0 && kind == 2;
                if (r->opts.skip_rows >= 2 && k < 0)
                    keep_texts(r, nst);
            } else if (k >= 0 && kind == 1) { /* (--header-rows 2 --skip-rows 1) */
                qualtrics_two_rows(r, k, quoted_len(r, (size_t)k));
                return;
            }
        }
        if (r->rows_read == 2 && r->texts_pending)
            texts_confirmed(r);
        r->rows_skipped++;
        r->nf = 0;
        r->rowlen = 0;
        r->fast = r->rows_read >= r->opts.skip_rows;
        return;
    }
    size_t nst = r->nf < r->ncols ? r->nf : r->ncols; /* the fields stored */
    for (size_t i = 0; i < nst; i++)
        r->fields[i] = r->rowbuf + r->offs[i];
    if (r->rows_read <= IMPORT_ID_ROWS) {
        if (import_id_row(r, nst))
            return;
        if (r->held) {
            if (r->rows_read == IMPORT_ID_ROWS)
                release_held(r);
            r->nf = 0;
            r->rowlen = 0;
            return;
        }
    }
    if (r->nf != r->ncols) {
        shopstat_pos p = r->nf > r->ncols ? r->extra_pos : r->row_pos;
        /* a header line that ends with a delimiter, rows that do not */
        if (r->nf + 1 == r->ncols && r->ncols > 1 && !r->names[r->ncols - 1][0])
            cb_fail(r, SHOPSTAT_EINPUT, p,
                    "row has %zu field%s, header has %zu: column %zu has an empty name, the "
                    "header line ends with a delimiter; name the column, or remove the "
                    "delimiter at the end of the header line",
                    r->nf, r->nf == 1 ? "" : "s", r->ncols, r->ncols);
        else
            cb_fail(r, SHOPSTAT_EINPUT, p, "row has %zu field%s, header has %zu", r->nf,
                    r->nf == 1 ? "" : "s", r->ncols);
        hold_error(r);
        r->nf = 0;
        r->rowlen = 0;
        return;
    }
    /* A row of empty fields only (Excel's trailing ",,,,"): every field took its NUL and
     * nothing else. Skipped as a blank line is, but counted (read, excluded). */
    if (r->rowlen == r->nf) {
        r->rows_empty++;
        r->nf = 0;
        r->rowlen = 0;
        return;
    }
    if (__builtin_expect(repeats_header(r, r->fields, r->lens, r->nf), 0)) {
        cb_fail(r, SHOPSTAT_EINPUT, r->row_pos,
                "this row repeats the header line: were two exports joined with cat? Keep "
                "the first file's header only (join the others with tail -n +2), or delete "
                "this line");
        hold_error(r);
        r->nf = 0;
        r->rowlen = 0;
        return;
    }
    if (r->fn) {
        shopstat_row row = {r->fields, r->lens, r->pos, r->nf, r->rows_read};
        shopstat_status s = r->fn(r->ctx, &row, r->err);
        if (s != SHOPSTAT_OK) {
            r->stop = 1;
            r->fast = 0;
            r->cb_status = s;
            hold_error(r);
        }
    }
    r->nf = 0;
    r->rowlen = 0;
}

/* ---- the pipeline: read, scan, convert, parse --------------------------------------- */

/* One read of up to room bytes after the buffer's bytes (r->eof at a short read). */
static shopstat_status read_block(shopstat_reader *r, size_t room, shopstat_error *err)
{
    size_t got = fread(r->buf + r->buf_len, 1, room, r->fp);
    r->buf_len += got;
    if (got < room) {
        int bad_data;
        const char *why = ferror(r->fp) && r->gz ? gz_error(r->gz, &bad_data) : NULL;
        if (why)
            return shopstat_error_set(err, bad_data ? SHOPSTAT_EINPUT : SHOPSTAT_EIO, r->path,
                                      0, 0, "%s, %llu bytes into the file (%zu bytes of CSV "
                                      "read)",
                                      why, gz_compressed_bytes(r->gz),
                                      r->buf_abs + r->buf_len);
        if (ferror(r->fp))
            return shopstat_error_set(err, SHOPSTAT_EIO, r->path, 0, 0, "read error: %s",
                                      strerror(errno));
        /* the end of a file that was longer when it was opened: cut while it is read (an
         * export being rewritten), whose rows up to here would pass for the whole file */
        if (r->size_at_open >= 0 && (long long)(r->buf_abs + r->buf_len) < r->size_at_open)
            return shopstat_error_set(err, SHOPSTAT_EIO, r->path, 0, 0,
                                      "the file was cut while it was read (%lld bytes when "
                                      "opened, %zu now): was it being rewritten? Read a "
                                      "copy that no program is writing",
                                      r->size_at_open, r->buf_abs + r->buf_len);
        r->eof = 1;
    }
    return SHOPSTAT_OK;
}

static shopstat_status refill(shopstat_reader *r, size_t want, shopstat_error *err)
{
    if (r->buf_pos > 0) {
        memmove(r->buf, r->buf + r->buf_pos, r->buf_len - r->buf_pos);
        r->buf_abs += r->buf_pos;
        r->buf_len -= r->buf_pos;
        r->buf_pos = 0;
    }
    while (!r->eof && r->buf_len < want) {
        size_t room = r->buf_cap - r->buf_len;
        if (room > r->opts.block_size)
            room = r->opts.block_size;
        shopstat_status s = read_block(r, room, err);
        if (s != SHOPSTAT_OK)
            return s;
    }
    return SHOPSTAT_OK;
}

/* Position of byte off of the current chunk s, recounting lines from the chunk start
 * (the scanner has already moved past the whole chunk). */
static shopstat_pos chunk_pos(const shopstat_reader *r, const unsigned char *s, size_t off)
{
    size_t line = r->ck_line, ls = r->ck_line_start, crn = r->ck_cr_next;
    for (size_t i = 0; i < off; i++) {
        size_t a = r->ck_abs + i;
        if (s[i] == '\n' && crn == a && a > 0) {
            ls = a + 1;
        } else if (s[i] == '\n' || s[i] == '\r') {
            line++;
            ls = a + 1;
            if (s[i] == '\r')
                crn = a + 1;
        }
    }
    shopstat_pos p = {line, r->ck_abs + off - ls + 1};
    return p;
}

static shopstat_status bad_byte(shopstat_reader *r, shopstat_pos p, unsigned byte,
                                shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, p.line, p.col,
                              "byte 0x%02X is not valid %s", byte, r->enc_name);
}

/* Hand converted (or UTF-8) bytes to libcsv. */
static shopstat_status parse_bytes(shopstat_reader *r, const char *b, size_t n,
                                   shopstat_error *err)
{
    if (csv_parse(&r->p, b, n, on_field, on_row, r) != n && !r->stop) {
        int ce = csv_error(&r->p);
        if (ce == CSV_ENOMEM || ce == CSV_ETOOBIG)
            return nomem(r, err);
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, r->path, r->line, 0,
                                  "CSV parser and position scanner disagree (%s)",
                                  csv_strerror(ce));
    }
    return SHOPSTAT_OK;
}

/* Complete a carried character with the first bytes of s; sets *used. */
static shopstat_status feed_carry(shopstat_reader *r, const unsigned char *s, size_t n,
                                  size_t *used, shopstat_error *err)
{
    *used = 0;
    while (r->ncarry && *used < n) {
        r->carry[r->ncarry++] = s[(*used)++];
        char *ip = (char *)r->carry, *op = r->conv;
        size_t il = r->ncarry, ol = r->conv_cap;
        if (iconv(r->cd, &ip, &il, &op, &ol) == (size_t)-1) {
            if (errno == EINVAL && r->ncarry < sizeof r->carry)
                continue; /* still incomplete */
            return bad_byte(r, r->carry_pos, r->carry[0], err);
        }
        r->ncarry = 0;
        shopstat_status st = parse_bytes(r, r->conv, (size_t)(op - r->conv), err);
        if (st)
            return st;
    }
    return r->stop ? r->cb_status : SHOPSTAT_OK;
}

static shopstat_status feed(shopstat_reader *r, const unsigned char *s, size_t n,
                            shopstat_error *err)
{
    size_t skip = 0;
    if (r->ncarry) {
        shopstat_status st = feed_carry(r, s, n, &skip, err);
        if (st)
            return st;
    }
    const char *in = (const char *)s + skip;
    size_t inleft = n - skip;
    while (inleft > 0 && !r->stop) {
        const char *chunk = in;
        size_t clen = inleft;
        if (r->cd != (iconv_t)-1) {
            char *ip = (char *)in;
            char *op = r->conv;
            size_t ol = r->conv_cap;
            size_t rc = iconv(r->cd, &ip, &inleft, &op, &ol);
            int e = errno;
            chunk = r->conv;
            clen = (size_t)(op - r->conv);
            size_t done = (size_t)(ip - (const char *)s);
            in = ip;
            if (rc == (size_t)-1 && e != E2BIG) {
                /* Parse what converted, then report the byte iconv refused, or keep a
                 * character cut by the end of these bytes for the next ones. */
                csv_parse(&r->p, chunk, clen, on_field, on_row, r);
                if (r->stop)
                    return r->cb_status;
                shopstat_pos p = chunk_pos(r, s, done);
                if (e == EILSEQ || inleft >= sizeof r->carry)
                    return bad_byte(r, p, (unsigned)s[done], err);
                memcpy(r->carry, in, inleft);
                r->ncarry = inleft;
                r->carry_pos = p;
                return SHOPSTAT_OK;
            }
        } else {
            inleft = 0;
        }
        shopstat_status st = parse_bytes(r, chunk, clen, err);
        if (st)
            return st;
    }
    if (r->stop)
        return r->cb_status;
    return SHOPSTAT_OK;
}

/* End of input: close the last field and row, or report an unterminated quote. */
static shopstat_status finish(shopstat_reader *r, shopstat_error *err)
{
    r->finished = 1;
    if (r->ncarry)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, r->carry_pos.line,
                                  r->carry_pos.col,
                                  "the file ends inside a %s character (byte 0x%02X)",
                                  r->enc_name, r->carry[0]);
    if (r->utf.need) {
        bad_utf8(r, r->utf_pos, r->utf_lead);
        *err = r->serr;
        return r->serr.status;
    }
    if (r->st == S_Q)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, r->fpos.line, r->fpos.col,
                                  "unterminated quoted field (its closing quote is missing)");
    size_t a = r->buf_abs + r->buf_len;
    memmove(r->q, r->q + r->qhead, (r->qtail - r->qhead) * sizeof *r->q);
    r->qtail -= r->qhead;
    r->qhead = 0;
    if (r->st == S_FIELD) {
        r->q[r->qtail++] = pos_at(r, a);
        r->rows_scanned++;
    } else if (r->st == S_UNQ || r->st == S_QEND) {
        r->q[r->qtail++] = r->fpos;
        r->rows_scanned++;
    }
    r->st = S_ROW;
    if (csv_fini(&r->p, on_field, on_row, r) != 0 && !r->stop)
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, r->path, r->line, 0,
                                  "CSV parser and position scanner disagree at end of file");
    if (r->stop)
        return r->cb_status;
    return SHOPSTAT_OK;
}

/* Advance by one chunk. *done is set at end of input. */
static shopstat_status step(shopstat_reader *r, int header_only, int *done, shopstat_error *err)
{
    *done = 0;
    if (r->finished) {
        *done = 1;
        return SHOPSTAT_OK;
    }
    if (r->buf_pos == r->buf_len) {
        shopstat_status s = refill(r, 1, err);
        if (s != SHOPSTAT_OK)
            return s;
        if (r->buf_len == 0) {
            *done = 1;
            return finish(r, err);
        }
    }
    /* Keep queued positions of fields libcsv has not submitted yet at the front. */
    memmove(r->q, r->q + r->qhead, (r->qtail - r->qhead) * sizeof *r->q);
    r->qtail -= r->qhead;
    r->qhead = 0;
    size_t n = r->buf_len - r->buf_pos;
    if (n > CHUNK)
        n = CHUNK;
    const unsigned char *s = r->buf + r->buf_pos;
    size_t base = r->buf_abs + r->buf_pos;
    r->ck_line = r->line;
    r->ck_line_start = r->line_start;
    r->ck_cr_next = r->cr_next;
    r->ck_abs = base;
    size_t m = scan(r, s, n, base, header_only);
    shopstat_status st = feed(r, s, m, err);
    r->buf_pos += m;
    if (st != SHOPSTAT_OK)
        return st;
    if (r->scan_err) {
        *err = r->serr;
        return r->serr.status;
    }
    return SHOPSTAT_OK;
}

/* ---- open, detection ------------------------------------------------------------------ */

static int is_utf8_name(const char *e)
{
    return strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

/* 1 if s[0..n) continues valid UTF-8 from state u (a sequence may stay open at the end). */
static int utf8_feed(utf8_state *u, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
#ifdef __SSE2__
        /* plain ASCII 16 bytes a step (the sample is 1 MiB, read before any thread starts) */
        if (!u->need)
            while (i + 16 <= n &&
                   !_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))))
                i += 16;
        if (i == n)
            break;
#endif
        unsigned char c = s[i++];
        if (c < 0x80) {
            if (u->need)
                return 0;
            continue;
        }
        if (utf8_step(u, c) != 0)
            return 0;
    }
    return 1;
}

/* 1 if s[0..n) is valid UTF-8, allowing a sequence cut by the end when more follows. */
static int utf8_valid(const unsigned char *s, size_t n, int more)
{
    utf8_state u = {0, 0x80, 0xBF};
    return utf8_feed(&u, s, n) && (!u.need || more);
}

/* Length of an Excel delimiter line at s ("sep=" in any case, one character that is not a
 * quote or a line end, then CRLF, LF or CR), its character in *c; 0 when s holds none. */
static size_t sep_line(const unsigned char *s, size_t n, char *c)
{
    if (n < 6 || strncasecmp((const char *)s, "sep=", 4) != 0)
        return 0;
    unsigned char x = s[4];
    if (x == '"' || x == '\r' || x == '\n' || x == 0 || (x & 0x80))
        return 0;
    size_t end = 5;
    if (s[end] == '\r')
        end++;
    if (end < n && s[end] == '\n')
        end++;
    if (end == 5) /* (no line end right after the character) */
        return 0;
    *c = (char)x;
    return end;
}

/* Most frequent unquoted candidate on the header line; ties go to , then ; then TAB then |.
 * *ended: the header's line end was among the n bytes. */
static char detect_delimiter(const unsigned char *s, size_t n, int *ended)
{
    *ended = 0;
    const char cand[4] = {',', ';', '\t', '|'};
    size_t count[4] = {0, 0, 0, 0};
    int inq = 0;
    size_t i = 0;
    /* libcsv skips blank lines before the header: so does the detection. */
    while (i < n && (s[i] == '\r' || s[i] == '\n' || s[i] == ' ' || s[i] == '\t'))
        i++;
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && (c == '\n' || c == '\r')) {
            *ended = 1;
            break;
        } else if (!inq)
            for (int k = 0; k < 4; k++)
                if (c == (unsigned char)cand[k])
                    count[k]++;
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

static void setup_classes(shopstat_reader *r)
{
    unsigned char delim = (unsigned char)r->d.delimiter;
    for (int c = 0; c < 256; c++)
        r->cls[c] = C_ORD;
    r->cls[' '] = C_SPACE;
    r->cls['\t'] = C_SPACE;
    r->cls['"'] = C_QUOTE;
    r->cls['\r'] = C_CR;
    r->cls['\n'] = C_LF;
    r->cls[0] = C_NUL;
    r->cls[delim] = C_DELIM;
    if (r->validate_utf8)
        for (int c = 0x80; c < 256; c++)
            r->cls[c] = C_HIGH;
    unsigned always = BIT(C_NUL) | BIT(C_HIGH);
    r->interest[S_ROW] = ALL_CLASSES;
    r->interest[S_FIELD] = ALL_CLASSES;
    r->interest[S_QEND] = ALL_CLASSES;
    r->interest[S_UNQ] = always | BIT(C_DELIM) | BIT(C_QUOTE) | BIT(C_CR) | BIT(C_LF);
    r->interest[S_Q] = always | BIT(C_QUOTE) | BIT(C_CR) | BIT(C_LF);
    for (int st = 0; st < 5; st++)
        for (int c = 0; c < 256; c++)
            r->stops[st][c] = (unsigned char)((r->interest[st] >> r->cls[c]) & 1);
    memset(r->stops[5], 1, 256);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void shopstat_reader_free(shopstat_reader *r)
{
    if (!r)
        return;
    if (r->fp && (!r->stream || r->gz))
        fclose(r->fp); /* (a caller's gzip stream: what inflates it; it leaves the stream open) */
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    if (r->csv_ready)
        csv_free(&r->p);
    if (r->missing)
        for (size_t i = 0; i < r->nmissing; i++)
            free(r->missing[i]);
    free(r->missing);
    for (size_t i = 0; r->colmiss && i < r->ncols; i++) {
        for (size_t j = 0; r->colmiss[i] && r->colmiss[i][j]; j++)
            free(r->colmiss[i][j]);
        free(r->colmiss[i]);
        free(r->colfrom ? r->colfrom[i] : NULL);
    }
    free(r->colmiss);
    free(r->colfrom);
    free(r->path);
    free(r->conv);
    free(r->buf);
    free(r->q);
    free(r->rowbuf);
    free(r->offs);
    free(r->lens);
    free(r->pos);
    free(r->fields);
    free(r->names_arena);
    free(r->names);
    free(r->colpos);
    free(r->keycol);
    free(r->nsame);
    free(r->h1_buf);
    free(r->h1_offs);
    free(r->h1_lens);
    free(r->h1_pos);
    free(r->labels);
    free(r->texts_buf);
    free(r->texts);
    strmap_free(&r->colmap);
    free(r);
}

/* In a multi-byte encoding whose second bytes may be ASCII (Shift_JIS, GBK, Big5), the
 * delimiter or the quote could be half of a character, which the scanner, working on the
 * file's bytes, would take for itself. Returns the clashing byte, or 0. */
static unsigned char multibyte_clash(iconv_t cd, unsigned char delim)
{
    const unsigned char special[2] = {delim, '"'};
    char out[16];
    for (int lead = 0x80; lead < 0x100; lead++) {
        for (int k = 0; k < 2; k++) {
            char in[2] = {(char)lead, (char)special[k]};
            char *ip = in, *op = out;
            size_t il = 2, ol = sizeof out;
            iconv(cd, NULL, NULL, NULL, NULL);
            /* a lead byte that the special completes into one character */
            char *ip1 = in, *op1 = out;
            size_t il1 = 1, ol1 = sizeof out;
            if (iconv(cd, &ip1, &il1, &op1, &ol1) != (size_t)-1 || errno != EINVAL)
                break; /* not a lead byte */
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
                (size_t)(op - out) > 1)
                return special[k];
        }
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    return 0;
}

/* 1 when the scanner may read the file's bytes: every ASCII byte but NUL is a character by
 * itself, and the line ends, blanks, the quote and the delimiter are themselves. Not so in
 * UTF-16/32 (a byte is half a character), UTF-7 and ISO-2022 (escape sequences), EBCDIC. */
static int ascii_compatible(iconv_t cd, unsigned char delim)
{
    int ok = 1;
    for (int b = 1; b < 0x80 && ok; b++) {
        char in[1] = {(char)b}, out[8];
        char *ip = in, *op = out;
        size_t il = 1, ol = sizeof out;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op == out)
            ok = 0;
        else if ((b == '\n' || b == '\r' || b == ' ' || b == '\t' || b == '"' || b == delim) &&
                 (op - out != 1 || out[0] != in[0]))
            ok = 0;
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    return ok;
}

/* UTF-16 exports (Excel's "Unicode text", some survey tools) are refused up front with
 * a clear message rather than as a NUL byte at 1:2: a byte-order mark, or NULs in every
 * other byte of the first line's worth of ASCII text (UTF-16 without BOM). Returns a
 * description, or NULL when the bytes do not look like UTF-16. */
static const char *utf16_kind(const unsigned char *s, size_t n)
{
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        return "byte-order mark FF FE";
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        return "byte-order mark FE FF";
    if (n > 256)
        n = 256;
    n &= ~(size_t)1;
    if (n < 4)
        return NULL;
    size_t nul[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        nul[i & 1] += s[i] == 0;
    size_t half = n / 2;
    if (nul[1] * 5 >= half * 4 && nul[0] * 5 <= half)
        return "little-endian, no byte-order mark";
    if (nul[0] * 5 >= half * 4 && nul[1] * 5 <= half)
        return "big-endian, no byte-order mark";
    return NULL;
}

/* 1 when path ends with ext (".xlsx"), in any case. */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* A spreadsheet given as the data (an .xlsx, .ods or zipped file: ZIP's "PK\3\4"; an .xls:
 * OLE2's D0 CF 11 E0 A1 B1 1A E1), which the byte checks would call a NUL byte "(is it
 * UTF-16?)": what it is and what to do, or NULL. */
static const char *workbook_kind(const char *path, const unsigned char *s, size_t n)
{
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0) {
        if (has_ext(path, ".xlsx") || has_ext(path, ".xlsm"))
            return "file is an Excel workbook (.xlsx), not a CSV export: save its sheet as CSV "
                   "(in Excel: File > Save As > CSV UTF-8) and read that";
        if (has_ext(path, ".ods"))
            return "file is an OpenDocument spreadsheet (.ods), not a CSV export: save its "
                   "sheet as CSV (File > Save As > Text CSV) and read that";
        if (has_ext(path, ".zip"))
            return "file is a ZIP archive, not a CSV export: unzip it and read the CSV file "
                   "inside";
        return "file is a ZIP archive (an Excel .xlsx workbook?), not a CSV export: if it is "
               "a workbook, save its sheet as CSV (in Excel: File > Save As > CSV UTF-8) and "
               "read that";
    }
    if (n >= 8 && memcmp(s, ole2, 8) == 0)
        return has_ext(path, ".xls")
                   ? "file is an Excel 97-2003 workbook (.xls), not a CSV export: save its "
                     "sheet as CSV (in Excel: File > Save As > CSV UTF-8) and read that"
                   : "file is an Office 97-2003 document (an Excel .xls workbook?), not a CSV "
                     "export: if it is a workbook, save its sheet as CSV (in Excel: File > "
                     "Save As > CSV UTF-8) and read that";
    return NULL;
}

/* A file compressed otherwise than with gzip (which is read): "xz", "zstd", "bzip2", or
 * NULL. Their magic numbers: xz FD 37 7A 58 5A 00, zstd 28 B5 2F FD, bzip2 "BZh" and the
 * block size '1'-'9' and the block magic 31 41 59 26 53 59 (or the end-of-stream magic, for
 * an empty file). */
static const char *compressed_kind(const unsigned char *s, size_t n)
{
    if (n >= 6 && memcmp(s, "\xFD" "7zXZ\0", 6) == 0)
        return "xz";
    if (n >= 4 && memcmp(s, "\x28\xB5\x2F\xFD", 4) == 0)
        return "zstd";
    if (n >= 10 && memcmp(s, "BZh", 3) == 0 && s[3] >= '1' && s[3] <= '9' &&
        (memcmp(s + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
         memcmp(s + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
        return "bzip2";
    return NULL;
}

/* A survey spec given to describe or tab instead of its data: the line of its first key
 * (a top-level key of a spec, "survey:" or "data:"..., or in a .yml/.yaml file any
 * "key:" after comment lines and "---"), or 0 when s does not start so. */
static size_t spec_line(const char *path, const unsigned char *s, size_t n)
{
    static const char *const keys[] = {"survey",    "title",    "subtitle", "source", "note",
                                       "data",      "csv",      "design",   "ci",     "compare",
                                       "questions", "segments", "tables"};
    int yml = has_ext(path, ".yml") || has_ext(path, ".yaml");
    size_t i = 0, line = 1;
    for (;;) {
        size_t e = i;
        while (e < n && s[e] != '\n' && s[e] != '\r')
            e++;
        if (e == n && !(e > i))
            return 0;
        const char *l = (const char *)s + i;
        size_t len = e - i;
        int blank = 1;
        for (size_t k = 0; k < len; k++)
            blank &= l[k] == ' ' || l[k] == '\t';
        if (!blank && !(yml && (l[0] == '#' || (len >= 3 && memcmp(l, "---", 3) == 0) ||
                                (len >= 5 && memcmp(l, "%YAML", 5) == 0)))) {
            size_t k = 0;
            while (k < len && (l[k] == '_' || (l[k] >= 'a' && l[k] <= 'z') ||
                               (l[k] >= 'A' && l[k] <= 'Z') || (k && l[k] >= '0' && l[k] <= '9')))
                k++;
            if (k == 0 || k == len || l[k] != ':' || (k + 1 < len && l[k + 1] != ' '))
                return 0;
            if (yml)
                return line;
            for (size_t j = 0; j < sizeof keys / sizeof *keys; j++)
                if (strlen(keys[j]) == k && memcmp(keys[j], l, k) == 0)
                    return line;
            return 0;
        }
        if (e == n)
            return 0;
        i = e + 1 + (s[e] == '\r' && e + 1 < n && s[e + 1] == '\n');
        line++;
    }
}

/* Whether the sample (the file's first DETECT_BYTES, less a byte-order mark) is UTF-8, a
 * sequence cut by its end allowed when more follows; s[0..n) is the part in the buffer.
 * From a regular file the buffer holds only the first FIRST_BYTES: the rest is read in
 * pieces at its offsets, which leaves the stream where it was. 1, 0, or -1 (error set). */
static int sample_is_utf8(shopstat_reader *r, const unsigned char *s, size_t n, int regular,
                          shopstat_error *err)
{
    if (!regular || r->eof || r->buf_len >= DETECT_BYTES)
        return utf8_valid(s, n, !r->eof);
    utf8_state u = {0, 0x80, 0xBF};
    if (!utf8_feed(&u, s, n))
        return 0;
    unsigned char *piece = malloc(FIRST_BYTES);
    if (!piece) {
        nomem(r, err);
        return -1;
    }
    int fd = fileno(r->fp), ok = 1, more = 1;
    for (size_t off = r->buf_len; ok && off < DETECT_BYTES;) {
        size_t want = DETECT_BYTES - off < FIRST_BYTES ? DETECT_BYTES - off : FIRST_BYTES;
        ssize_t got = pread(fd, piece, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            shopstat_error_set(err, SHOPSTAT_EIO, r->path, 0, 0, "read error: %s", strerror(errno));
            free(piece);
            return -1;
        }
        ok = utf8_feed(&u, piece, (size_t)got);
        off += (size_t)got;
        if ((size_t)got < want) {
            more = 0; /* the file ends within the sample */
            break;
        }
    }
    free(piece);
    return ok && (!u.need || more);
}

/* Add codes to column i's own list (each once), given by name or pattern from. */
static int add_column_codes(shopstat_reader *r, size_t i, const char *const *codes,
                            const char *from)
{
    size_t n = 0, k = 0;
    if (!r->colfrom[i] && !(r->colfrom[i] = dupstr(from)))
        return -1;
    while (r->colmiss[i] && r->colmiss[i][n])
        n++;
    while (codes[k])
        k++;
    char **l = realloc(r->colmiss[i], (n + k + 1) * sizeof *l);
    if (!l)
        return -1;
    r->colmiss[i] = l;
    for (size_t j = 0; j < k; j++) {
        size_t m = 0;
        while (m < n && strcmp(l[m], codes[j]) != 0)
            m++;
        if (m < n)
            continue;
        if (!(l[n] = dupstr(codes[j])))
            return -1;
        l[++n] = NULL;
    }
    l[n] = NULL;
    return 0;
}

/* opts.column_missing against the header: each column's own codes (names first, then
 * fnmatch patterns), and their first bytes to the quick test. */
static shopstat_status column_codes(shopstat_reader *r, const shopstat_csv_opts *opts,
                                    shopstat_error *err)
{
    if (!opts->ncolumn_missing || !r->ncols)
        return SHOPSTAT_OK;
    if (!(r->colmiss = calloc(r->ncols, sizeof *r->colmiss)) ||
        !(r->colfrom = calloc(r->ncols, sizeof *r->colfrom)))
        return nomem(r, err);
    for (size_t k = 0; k < opts->ncolumn_missing; k++) {
        const shopstat_column_missing *cm = &opts->column_missing[k];
        if (!cm->codes || !cm->codes[0])
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                "csv_opts.column_missing %.100s: give the codes after the ':', e.g. "
                "csv_opts.column_missing %.100s:6",
                cm->column, cm->column);
        size_t hits = 0, idx;
        size_t len = strlen(cm->column);
        int named = len && strmap_find(&r->colmap, cm->column, len, strmap_hash(cm->column, len)) !=
                               (size_t)-1;
        if (named || !strpbrk(cm->column, "*?[")) {
            shopstat_error e2;
            shopstat_error_clear(&e2);
            shopstat_status st =
                shopstat_reader_column(r, cm->column, "csv_opts.column_missing", &idx, &e2);
            if (st && cm->if_present && !named)
                continue;
            if (st) {
                *err = e2;
                return st;
            }
            if (add_column_codes(r, idx, cm->codes, cm->column))
                return nomem(r, err);
            continue;
        }
        for (size_t i = 0; i < r->ncols; i++)
            if (fnmatch(cm->column, r->names[i], 0) == 0) {
                if (add_column_codes(r, i, cm->codes, cm->column))
                    return nomem(r, err);
                hits++;
            }
        if (!hits && !cm->if_present)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                      "csv_opts.column_missing: no column matches '%.100s'",
                                      cm->column);
    }
    for (size_t i = 0; i < r->ncols; i++)
        for (size_t j = 0; r->colmiss[i] && r->colmiss[i][j]; j++)
            r->miss_first[(unsigned char)r->colmiss[i][j][0]] = 1;
    return SHOPSTAT_OK;
}

static shopstat_status open_impl(shopstat_reader *r, const char *path, FILE *stream,
                                 const shopstat_csv_opts *opts, shopstat_error *err)
{
    r->from_stdin = !stream && strcmp(path, "-") == 0;
    r->path = dupstr(r->from_stdin ? "<stdin>" : path);
    if (!r->path)
        return nomem(r, err);
    if (opts)
        r->opts = *opts;
    else
        shopstat_csv_opts_init(&r->opts);
    if (r->opts.block_size == 0)
        r->opts.block_size = (size_t)1 << 20;
    r->opts.encoding = NULL; /* the copies below are used instead */
    r->opts.missing = NULL;
    if (opts && opts->missing) {
        while (opts->missing[r->nmissing])
            r->nmissing++;
        r->missing = calloc(r->nmissing + 1, sizeof *r->missing);
        if (!r->missing)
            return nomem(r, err);
        for (size_t i = 0; i < r->nmissing; i++)
            if (!(r->missing[i] = dupstr(opts->missing[i])))
                return nomem(r, err);
    }
    /* Quick rejection in shopstat_reader_is_missing: most values cannot be missing codes. */
    r->miss_first[' '] = r->miss_first['\t'] = r->miss_first['N'] = 1;
    for (size_t i = 0; i < r->nmissing; i++)
        r->miss_first[(unsigned char)r->missing[i][0]] = 1;
    if (r->opts.header_rows == 0) /* (a struct not made by shopstat_csv_opts_init) */
        r->opts.header_rows = 1;
    if (r->opts.header_rows > 2)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "header rows: %zu is not 1 or 2 (2 reads a SurveyMonkey "
                                  "export's two header rows; rows of question texts or ids "
                                  "after a one-row header are skipped with csv_opts.skip_rows)",
                                  r->opts.header_rows);
    char d = opts ? opts->delimiter : 0;
    if (d == '"' || d == '\r' || d == '\n' || (d & 0x80))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "the delimiter must be an ASCII character other than a quote "
                                  "or a line end");

    if (stream) {
        r->fp = stream;
        r->stream = 1;
    } else if (r->from_stdin) {
        int fd = dup(STDIN_FILENO);
        /* a file redirected to standard input is read from where it stands */
        r->start_off = fd < 0 ? -1 : (long long)lseek(fd, 0, SEEK_CUR);
        r->fp = fd < 0 ? NULL : fdopen(fd, "rb");
        if (!r->fp && fd >= 0)
            close(fd);
    } else {
        r->fp = fopen(path, "rb");
    }
    if (!r->fp && errno == ENOMEM) /* (fopen allocates its FILE: exit 1, not 2) */
        return nomem(r, err);
    if (!r->fp)
        return shopstat_error_set(err, SHOPSTAT_EIO, r->path, 0, 0, "cannot open: %s",
                                  strerror(errno));
    struct stat sb;
    if (!r->from_stdin && !r->stream && fstat(fileno(r->fp), &sb) == 0 && S_ISDIR(sb.st_mode))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "is a folder, not a file to read; name the file in it");
    int regular =
        !r->from_stdin && !r->stream && fstat(fileno(r->fp), &sb) == 0 && S_ISREG(sb.st_mode);
    r->size_at_open = regular ? (long long)sb.st_size : -1;
    r->buf_cap = r->opts.block_size > DETECT_BYTES ? r->opts.block_size : DETECT_BYTES;
    r->buf = malloc(r->buf_cap);
    r->q = malloc((CHUNK + 2) * sizeof *r->q);
    if (!r->buf || !r->q)
        return nomem(r, err);
    shopstat_status s = regular ? read_block(r, FIRST_BYTES, err) : refill(r, DETECT_BYTES, err);
    if (s != SHOPSTAT_OK)
        return s;
    if (gz_magic(r->buf, r->buf_len)) {
        /* gzip-compressed (an export.csv.gz, or gzip's output on a pipe): read on through a
         * stream that inflates, from its first byte; one thread reads it, from start to end */
        r->raw_fd = fileno(r->fp);
        FILE *z = gz_open(r->fp, r->buf, r->buf_len, !r->stream, &r->gz);
        if (!z)
            return nomem(r, err);
        r->fp = z;
        r->buf_len = 0;
        r->eof = 0;
        r->gz_file = regular;
        regular = 0;
        r->size_at_open = -1;
        r->d.compression = "gzip";
        if ((s = refill(r, DETECT_BYTES, err)) != SHOPSTAT_OK)
            return s;
    }
    const char *packed = compressed_kind(r->buf, r->buf_len);
    if (packed)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, 0, 0,
                                  "file is %s-compressed; shopstat reads gzip but not %s: "
                                  "decompress it first, or through a pipe: %s %s | shopstat "
                                  "... -",
                                  packed, packed, strcmp(packed, "xz") == 0 ? "xz -dc"
                                                  : strcmp(packed, "zstd") == 0 ? "zstd -dc"
                                                                                : "bzip2 -dc",
                                  r->from_stdin ? "FILE" : path);
    r->line = 1;
    if (r->buf_len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        r->d.bom = 1;
        r->buf_pos = 3;
        r->line_start = 3;
    }
    /* Excel's delimiter line before the header, "sep=;" (written by exports meant for
     * Excel, which reads it as the delimiter and skips it): the same here */
    char sepc = 0;
    size_t sl = sep_line(r->buf + r->buf_pos, r->buf_len - r->buf_pos, &sepc);
    if (sl) {
        r->buf_pos += sl;
        r->line_start = r->buf_abs + r->buf_pos;
        r->line = 2;
        r->d.sep_line = 1;
    }
    const unsigned char *sample = r->buf + r->buf_pos;
    size_t nsample = r->buf_len - r->buf_pos;
    const char *wb = workbook_kind(path, r->buf, r->buf_len);
    if (wb)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, 1, 1, "%s", wb);
    size_t yl = spec_line(path, sample, nsample);
    if (yl)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->path, yl + (r->d.sep_line != 0), 1,
                                  "this looks like a YAML survey spec, not a CSV export: run it "
                                  "with 'shopstat report %s' (or give this command the data "
                                  "file it names)",
                                  r->from_stdin ? "SPEC.yml" : path);
    const char *u16 = utf16_kind(sample, nsample);
    if (u16)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, 1, 1,
                                  "file is UTF-16 (%s); UTF-16 is not supported: convert to "
                                  "UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
                                  u16);

    /* Encoding. */
    const char *enc = opts ? opts->encoding : NULL;
    int utf8 = 0;
    if (!(enc && *enc) && !r->d.bom &&
        (utf8 = sample_is_utf8(r, sample, nsample, regular, err)) < 0)
        return err->status;
    if (enc && *enc && !is_utf8_name(enc)) {
        snprintf(r->enc_name, sizeof r->enc_name, "%s", enc);
    } else if (enc && *enc) {
        snprintf(r->enc_name, sizeof r->enc_name, "utf-8");
    } else if (r->d.bom || utf8) {
        snprintf(r->enc_name, sizeof r->enc_name, "utf-8");
        r->utf8_detected = !r->d.bom;
    } else {
        snprintf(r->enc_name, sizeof r->enc_name, "windows-1252");
    }
    if (strcmp(r->enc_name, "utf-8") == 0) {
        r->validate_utf8 = 1;
    } else {
        r->cd = iconv_open("UTF-8", r->enc_name);
        if (r->cd == (iconv_t)-1)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "unknown encoding '%s' (try utf-8, windows-1252, latin1)",
                                      r->enc_name);
        r->conv_cap = CHUNK * 4 + 16;
        r->conv = malloc(r->conv_cap);
        if (!r->conv)
            return nomem(r, err);
        r->d.converted = 1;
    }
    r->d.encoding = r->enc_name;

    if (!d && sepc) {
        r->d.delimiter = sepc;
    } else if (!d) {
        int ended;
        r->d.delimiter = detect_delimiter(sample, nsample, &ended);
        if (!ended && !r->eof && r->buf_abs + r->buf_len < DETECT_BYTES) {
            /* a header line longer than the first read: on, as far as the sample goes */
            if ((s = refill(r, DETECT_BYTES, err)) != SHOPSTAT_OK)
                return s;
            size_t at = r->buf_abs + r->buf_pos;
            sample = r->buf + r->buf_pos;
            nsample = r->buf_len - r->buf_pos;
            if (nsample > DETECT_BYTES - at)
                nsample = DETECT_BYTES - at;
            r->d.delimiter = detect_delimiter(sample, nsample, &ended);
        }
    } else {
        r->d.delimiter = d;
    }
    if (r->cd != (iconv_t)-1 && !ascii_compatible(r->cd, (unsigned char)r->d.delimiter))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "encoding '%s' is not ASCII-compatible (UTF-16, UTF-32, "
                                  "UTF-7, ISO-2022 and EBCDIC are not supported): convert the "
                                  "file to UTF-8",
                                  r->enc_name);
    unsigned char clash =
        r->cd != (iconv_t)-1 ? multibyte_clash(r->cd, (unsigned char)r->d.delimiter) : 0;
    if (clash)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "in %s the %s '%c' can be the second byte of a character; "
                                  "use a comma, semicolon or tab delimiter, or convert the "
                                  "file to UTF-8",
                                  r->enc_name, clash == '"' ? "quote" : "delimiter", clash);
    r->d.decimal_comma =
        r->opts.decimal_comma < 0 ? r->d.delimiter == ';' : r->opts.decimal_comma != 0;
    setup_classes(r);

    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return nomem(r, err);
    r->csv_ready = 1;
    csv_set_delim(&r->p, (unsigned char)r->d.delimiter);
    csv_set_blk_size(&r->p, 4096);

    /* Read the header row only: the scanner stops right after its line end, so libcsv
     * sees no data row before shopstat_reader_run installs the callback. */
    r->err = err;
    int done = 0;
    while (!r->header_done && !done) {
        s = step(r, 1, &done, err);
        if (s != SHOPSTAT_OK)
            return s;
    }
    if (!r->header_done && r->h1_done)
        return shopstat_error_set(
            err, SHOPSTAT_EINPUT, r->path, 0, 0,
            "the file ends after its first header row: csv_opts.header_rows 2 "
            "(header_rows: 2 in a spec) reads two header rows");
    if (!r->header_done)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, 0, 0,
                                  "file is empty (no header row)");
    /* Line ending from the header's: peek at the byte after a CR for CRLF. */
    if (r->n_cr && r->buf_pos == r->buf_len)
        if ((s = refill(r, 1, err)) != SHOPSTAT_OK)
            return s;
    if (r->n_cr && r->buf_pos < r->buf_len && r->buf[r->buf_pos] == '\n')
        r->d.line_ending = "CRLF";
    else
        r->d.line_ending = r->n_cr ? "CR" : r->n_lf ? "LF" : "none";
    return opts ? column_codes(r, opts, err) : SHOPSTAT_OK;
}

shopstat_status shopstat_reader_open(const char *path, const shopstat_csv_opts *opts,
                                     shopstat_reader **out, shopstat_error *err)
{
    *out = NULL;
    shopstat_reader *r = calloc(1, sizeof *r);
    if (!r)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    r->cd = (iconv_t)-1;
    shopstat_status s = open_impl(r, path, NULL, opts, err);
    if (s != SHOPSTAT_OK) {
        shopstat_reader_free(r);
        return s;
    }
    *out = r;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_reader_open_file(FILE *fp, const char *name, const shopstat_csv_opts *opts,
                                          shopstat_reader **out, shopstat_error *err)
{
    *out = NULL;
    if (!name || !*name)
        name = "<stream>";
    shopstat_reader *r = calloc(1, sizeof *r);
    if (!r)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, name, 0, 0, "out of memory");
    r->cd = (iconv_t)-1;
    shopstat_status s = fp ? open_impl(r, name, fp, opts, err)
                           : shopstat_error_set(err, SHOPSTAT_EUSAGE, name, 0, 0, "no stream");
    if (s != SHOPSTAT_OK) {
        shopstat_reader_free(r);
        return s;
    }
    *out = r;
    return SHOPSTAT_OK;
}

shopstat_status reader_check_unread(const shopstat_reader *r, shopstat_error *err)
{
    /* (a chunked pass that went through read it too: another pass over it counted every
     * row twice, read = 2 x used) */
    if (r->ran || r->noted)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "the reader was already read (shopstat_reader_run once per "
                                  "reader): open the file again for another pass");
    return SHOPSTAT_OK;
}

shopstat_status shopstat_reader_run(shopstat_reader *r, shopstat_row_fn fn, void *ctx,
                                    shopstat_error *err)
{
    shopstat_status unread = reader_check_unread(r, err);
    if (unread)
        return unread;
    r->ran = 1;
    if (r->skip_status != SHOPSTAT_OK) {
        *err = r->skip_err;
        return r->skip_status;
    }
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    if (ensure_arrays(r, r->ncols) != 0)
        return nomem(r, err);
    r->fast = r->rows_read >= r->opts.skip_rows;
    int done = 0;
    while (!done) {
        shopstat_status s = step(r, 0, &done, err);
        if (s != SHOPSTAT_OK && !r->held)
            return s;
        if (s != SHOPSTAT_OK || (done && r->held)) {
            /* (the held error stands before whatever stopped the read, or the file ended
             * within the first rows) */
            release_held(r);
            return r->cb_status;
        }
    }
    /* The header told the line ending; say "mixed" if the data used several. */
    const size_t none[3] = {0, 0, 0};
    reader_note_eol(r, none);
    return SHOPSTAT_OK;
}

/* ---- getters ---------------------------------------------------------------------------- */

const char *shopstat_reader_path(const shopstat_reader *r)
{
    return r->path;
}

size_t shopstat_reader_ncols(const shopstat_reader *r)
{
    return r->ncols;
}

const char *shopstat_reader_colname(const shopstat_reader *r, size_t i)
{
    return i < r->ncols ? r->names[i] : NULL;
}

const char *shopstat_reader_collabel(const shopstat_reader *r, size_t i)
{
    return i < r->ncols && r->labels ? r->labels[i] : NULL;
}

const char *shopstat_reader_coltext(const shopstat_reader *r, size_t i)
{
    return i < r->ncols && r->texts && !r->texts_pending ? r->texts[i] : NULL;
}

int shopstat_reader_skipped_second_header(const shopstat_reader *r)
{
    return r->skipped_second_header;
}

const shopstat_csv_dialect *shopstat_reader_dialect(const shopstat_reader *r)
{
    return &r->d;
}

shopstat_pos shopstat_reader_colpos(const shopstat_reader *r, size_t i)
{
    shopstat_pos none = {0, 0};
    return i < r->ncols ? r->colpos[i] : none;
}

size_t shopstat_reader_rows_read(const shopstat_reader *r)
{
    return r->rows_read;
}

size_t shopstat_reader_rows_skipped(const shopstat_reader *r)
{
    return r->rows_skipped;
}

size_t shopstat_reader_rows_empty(const shopstat_reader *r)
{
    return r->rows_empty;
}

void reader_note_rows(shopstat_reader *r, size_t rows, size_t empty)
{
    r->noted = 1;
    r->rows_read += rows + empty;
    r->rows_empty += empty;
    r->noted_rows += rows + empty;
    r->noted_empty += empty;
}

void reader_unnote_rows(shopstat_reader *r)
{
    r->rows_read -= r->noted_rows;
    r->rows_empty -= r->noted_empty;
    r->noted_rows = r->noted_empty = 0;
    r->noted = 0;
    if (r->noted_eol[0] || r->noted_eol[1] || r->noted_eol[2]) {
        r->n_lf -= r->noted_eol[0];
        r->n_crlf -= r->noted_eol[1];
        r->n_cr -= r->noted_eol[2];
        r->d.line_ending = r->line_ending_unnoted;
        memset(r->noted_eol, 0, sizeof r->noted_eol);
    }
}

size_t shopstat_reader_bytes_read(const shopstat_reader *r)
{
    /* (a gzip file's own bytes, as a progress bar set against its size expects) */
    return r->gz ? (size_t)gz_progress(r->gz) : r->buf_abs + r->buf_pos;
}

/* ---- column lookup -------------------------------------------------------------------- */

size_t shopstat_reader_colsame(const shopstat_reader *r, size_t i)
{
    return i < r->ncols ? r->nsame[i] : 0;
}

size_t shopstat_reader_columns_named(const shopstat_reader *r, const char *name, char *buf,
                                     size_t n)
{
    size_t len = strlen(name);
    size_t k = len ? strmap_find(&r->colmap, name, len, strmap_hash(name, len)) : (size_t)-1;
    size_t count = k == (size_t)-1 ? 0 : r->nsame[r->keycol[k]];
    if (!buf || n == 0)
        return count;
    buf[0] = '\0';
    if (count == 0)
        return 0;
    size_t used = (size_t)snprintf(buf, n, "column%s", count > 1 ? "s" : "");
    size_t shown = 0;
    for (size_t i = r->keycol[k]; i < r->ncols && used < n; i++) {
        if (strcmp(r->names[i], name) != 0)
            continue;
        if (shown == 10 && count > 11) {
            snprintf(buf + used, n - used, ", ... (%zu in all)", count);
            break;
        }
        const char *sep = shown == 0 ? " " : shown + 1 == count ? " and " : ", ";
        used += (size_t)snprintf(buf + used, n - used, "%s%zu", sep, i + 1);
        shown++;
    }
    return count;
}

shopstat_status shopstat_reader_column(const shopstat_reader *r, const char *name,
                                       const char *what, size_t *idx, shopstat_error *err)
{
    size_t len = strlen(name);
    size_t k = len ? strmap_find(&r->colmap, name, len, strmap_hash(name, len)) : (size_t)-1;
    if (k != (size_t)-1 && r->nsame[r->keycol[k]] == 1) {
        *idx = r->keycol[k];
        return SHOPSTAT_OK;
    }
    if (k != (size_t)-1) {
        char cols[160];
        shopstat_reader_columns_named(r, name, cols, sizeof cols);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "%s%scolumn '%.100s' is ambiguous: %s have that name; rename "
                                  "them in the header so that each name is unique",
                                  what ? what : "", what ? " " : "", name, cols);
    }
    /* (columns without a name are neither suggested nor listed, only counted) */
    size_t unnamed = 0;
    for (size_t i = 0; i < r->ncols; i++)
        unnamed += !r->names[i][0];
    const char *best = shopstat_closest(name, (const char *const *)r->names, r->ncols);
    char list[700];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < r->ncols; i++) {
        size_t nl = strlen(r->names[i]);
        if (!nl)
            continue;
        if (used + nl + 40 >= sizeof list) {
            snprintf(list + used, sizeof list - used, ", ... (%zu in all)", r->ncols);
            unnamed = 0;
            break;
        }
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 r->names[i]);
    }
    if (unnamed)
        snprintf(list + used, sizeof list - used, " and %zu without a name", unnamed);
    /* a name the same but for case, a few edits away or an abbreviation ('wt' for
     * 'weight'), as the spec's keys: 'nope' is not 'st' */
    if (!best)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "%s%scolumn '%.100s' not found; columns are: %s",
                                  what ? what : "", what ? " " : "", name, list);
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                              "%s%scolumn '%.100s' not found (did you mean '%.100s'?); columns "
                              "are: %s",
                              what ? what : "", what ? " " : "", name, best, list);
}

int reader_is_pattern(const char *item)
{
    return strpbrk(item, "*?[") != NULL;
}

int reader_labelled_point(const char *v, double *x)
{
    size_t n = 0;
    while (isdigit((unsigned char)v[n]))
        n++;
    if (n == 0 || n > 3)
        return 0;
    /* the separator: " - ", " = ", ": ", ". " or " (", spaces optional around '-', '=',
     * ':' (but "5." needs its space: "1.5 kg" is a decimal) */
    const char *p = v + n;
    while (*p == ' ')
        p++;
    if (*p == '.' && p == v + n && p[1] != ' ')
        return 0;
    if (!*p || !strchr("-=:.(", *p))
        return 0;
    p++;
    while (*p == ' ')
        p++;
    /* the label begins with a letter (any non-ASCII byte counts: "É", "«"), so "18-24",
     * "18-24 years" and "3 - 5" are not points */
    if (!isalpha((unsigned char)*p) && (unsigned char)*p < 0x80)
        return 0;
    *x = (double)strtol(v, NULL, 10);
    return 1;
}

int reader_multi_labels(const shopstat_reader *r, const size_t *cols, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        const char *lj = shopstat_reader_collabel(r, cols[j]);
        if (!lj)
            return 0;
        for (size_t k = 0; k < j; k++)
            if (strcmp(lj, shopstat_reader_collabel(r, cols[k])) == 0)
                return 0;
    }
    return 1;
}

/* A column close to a pattern that matches none: one it matches but for case, else the
 * column whose name begins most like the pattern's text before its first wildcard (the
 * first 60 bytes of both; "did you mean"), or NULL. */
static const char *pattern_hint(const shopstat_reader *r, const char *pat)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (r->names[i][0] && fnmatch(pat, r->names[i], FNM_CASEFOLD) == 0)
            return r->names[i];
    size_t plen = strcspn(pat, "*?[");
    if (plen > 60)
        plen = 60;
    if (plen == 0)
        return NULL;
    char prefix[61];
    memcpy(prefix, pat, plen);
    prefix[plen] = '\0';
    char **cut = calloc(r->ncols, sizeof *cut);
    const char *best = NULL;
    size_t k = 0;
    for (; cut && k < r->ncols; k++)
        if (!(cut[k] = strndup(r->names[k], plen)))
            break;
    if (cut && k == r->ncols) {
        const char *c = shopstat_closest(prefix, (const char *const *)cut, r->ncols);
        for (size_t i = 0; c && i < r->ncols; i++)
            if (cut[i] == c)
                best = r->names[i];
    }
    for (size_t i = 0; cut && i < k; i++)
        free(cut[i]);
    free(cut);
    return best;
}

/* Whether column c is named X_TEXT (any case of TEXT) for a column X among the n of idx. */
static int text_of_matched(const shopstat_reader *r, const size_t *idx, size_t n, size_t c)
{
    const char *nm = r->names[c];
    size_t len = strlen(nm);
    if (len < 6 || strcasecmp(nm + len - 5, "_TEXT") != 0)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (strlen(r->names[idx[k]]) == len - 5 && memcmp(r->names[idx[k]], nm, len - 5) == 0)
            return 1;
    return 0;
}

shopstat_status reader_columns_for(const shopstat_reader *r, const char *item, const char *what,
                                   size_t **idx, size_t *n, shopstat_error *err)
{
    *idx = NULL;
    *n = 0;
    /* a name first: a column may be called "Q3*" */
    if (!reader_is_pattern(item) || shopstat_reader_columns_named(r, item, NULL, 0) > 0) {
        size_t i;
        shopstat_status st = shopstat_reader_column(r, item, what, &i, err);
        if (st)
            return st;
        if (!(*idx = malloc(sizeof **idx)))
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, r->path, 0, 0, "out of memory");
        **idx = i;
        *n = 1;
        return SHOPSTAT_OK;
    }
    size_t count = 0;
    for (size_t i = 0; i < r->ncols; i++)
        count += r->names[i][0] && fnmatch(item, r->names[i], 0) == 0;
    if (count == 0) {
        const char *hint = pattern_hint(r, item);
        if (hint)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                      "%s%scolumn pattern '%.200s' matches no column (did you "
                                      "mean '%.200s'?)",
                                      what ? what : "", what ? " " : "", item, hint);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, r->path, 0, 0,
                                  "%s%scolumn pattern '%.200s' matches no column (a pattern "
                                  "takes * for any text, ? for one character, [abc] for one "
                                  "of them; 'shopstat describe' lists the columns)",
                                  what ? what : "", what ? " " : "", item);
    }
    if (!(*idx = malloc(count * sizeof **idx)))
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, r->path, 0, 0, "out of memory");
    for (size_t i = 0; i < r->ncols; i++)
        if (r->names[i][0] && fnmatch(item, r->names[i], 0) == 0)
            (*idx)[(*n)++] = i;
    /* Qualtrics' "Other (please specify)" box: Q5_6_TEXT holds the text typed beside the
     * option Q5_6, not an option of its own; Q5_* would make its texts a level each */
    size_t kept = 0;
    for (size_t k = 0; k < *n; k++)
        if (!text_of_matched(r, *idx, *n, (*idx)[k]))
            (*idx)[kept++] = (*idx)[k];
    *n = kept;
    return SHOPSTAT_OK;
}

/* ---- values --------------------------------------------------------------------------- */

static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

const unsigned char *reader_miss_first(const shopstat_reader *r)
{
    return r->miss_first;
}

const char *reader_comma_hint(const shopstat_reader *r, const char *s, size_t len, char *buf,
                              size_t n)
{
    double v;
    const char *comma = memchr(s, ',', len);
    buf[0] = '\0';
    if (r->d.decimal_comma || !comma || shopstat_parse_number(s, len, 1, &v) != 1)
        return buf;
    /* "12,345": as likely a thousands separator (a population size) as a decimal comma */
    size_t after = 0;
    while (comma + 1 + after < s + len && comma[1 + after] >= '0' && comma[1 + after] <= '9')
        after++;
    if (after == 3 && comma + 4 == s + len && !memchr(s, '.', len))
        snprintf(buf, n,
                 "; if ',' is a thousands separator, remove it; if it is a decimal comma (%.15g), "
                 "use csv_opts.decimal_comma (decimal_comma: true in a spec)",
                 v);
    else
        snprintf(
            buf, n,
            "; read with a decimal comma it is %.15g: use csv_opts.decimal_comma (decimal_comma: "
            "true in a spec)",
            v);
    return buf;
}

const char *reader_number_hint(const shopstat_reader *r, const shopstat_row *row, const char *s,
                               size_t len, char *buf, size_t n)
{
    reader_comma_hint(r, s, len, buf, n);
    double v;
    /* (row->index 0: a chunk's row, whose error the one-thread pass finds again) */
    if (!buf[0] && row->index && row->index == r->opts.skip_rows + 1 &&
        shopstat_parse_number(s, len, 1, &v) == 0)
        snprintf(buf, n,
                 "; line %zu is the first row of data: a row of question texts under the "
                 "header? csv_opts.skip_rows %zu leaves it out (skip_rows: %zu in a spec)",
                 row->pos[0].line, r->opts.skip_rows + 1, r->opts.skip_rows + 1);
    return buf;
}

/* The --missing code s (trimmed) is, or NULL */
static const char *code_of(const shopstat_reader *r, const char *s, size_t len)
{
    for (size_t i = 0; i < r->nmissing; i++)
        if (strlen(r->missing[i]) == len && memcmp(r->missing[i], s, len) == 0)
            return r->missing[i];
    return NULL;
}

const char *reader_missing_code(const shopstat_reader *r, const char *s, size_t len)
{
    trim(&s, &len);
    return code_of(r, s, len);
}

const char *reader_missing_hint(const shopstat_reader *r, size_t col, const char *s, size_t len,
                                char *buf, size_t n)
{
    buf[0] = '\0';
    const char *code = reader_missing_code(r, s, len);
    if (code)
        snprintf(buf, n,
                 "; '%.40s' is one of the csv_opts.missing codes (missing: in a spec), which mean "
                 "no answer in every column, design columns included",
                 code);
    else if ((code = reader_column_code(r, col, s, len)))
        snprintf(buf, n, "; '%.40s' is one of this column's csv_opts.column_missing codes", code);
    else if (col < r->ncols)
        /* an empty design cell (Qualtrics' incomplete responses have no weight): R's
         * svydesign() refuses it too, so say how to drop those rows before the design */
        snprintf(buf, n,
                 "; to leave such rows out: shopstat_plan_parse_exclude(\"%.40s:NA\") (a spec's "
                 "exclude: \"%.40s == "
                 "NA\")",
                 r->names[col], r->names[col]);
    return buf;
}

/* Whether s (len bytes) reads Total, as the first cell of a spreadsheet's totals row does
 * (any case; Totals, Totaux, Grand total, Total général, Gesamt, Summe, Totale). */
int reader_total_text(const char *s, size_t len)
{
    static const char *const words[] = {
        "total",         "totals", "totaux", "grand total", "total général",
        "total general", "gesamt", "summe",  "totale",      NULL};
    char low[24];
    if (len == 0 || len >= sizeof low)
        return 0;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)tolower((unsigned char)s[i]); /* (é is two bytes, left as they are) */
    low[len] = '\0';
    while (len && (low[len - 1] == ':' || low[len - 1] == ' '))
        low[--len] = '\0';
    for (const char *const *w = words; *w; w++)
        if (strcmp(low, *w) == 0)
            return 1;
    return 0;
}

const char *reader_missing_row_hint(const shopstat_reader *r, const shopstat_row *row, size_t col,
                                    char *buf, size_t n)
{
    /* a spreadsheet's totals row under the data: its blank design cell is no unit's, and
     * leaving out the rows missing it would not say what the row is (describe names it) */
    for (size_t k = 0; row && k < row->nfields && k < r->ncols; k++) {
        const char *v = row->fields[k];
        size_t len = row->lens[k];
        trim(&v, &len);
        if (k == col || !reader_total_text(v, len))
            continue;
        int plain = 1;
        for (size_t i = 0; i < len; i++)
            plain &= isalnum((unsigned char)v[i]) || (v[i] & 0x80) || strchr("._-", v[i]);
        snprintf(buf, n,
                 "; the row reads '%.*s' in column '%.40s', a totals row left under the data? "
                 "to leave it out: shopstat_plan_parse_exclude(\"%.40s:%.*s\") (a spec's "
                 "exclude: \"%.40s == %s%.*s%s\")",
                 (int)len, v, r->names[k], r->names[k], (int)len, v, r->names[k], plain ? "" : "'",
                 (int)len, v, plain ? "" : "'");
        return buf;
    }
    return reader_missing_hint(r, col, row->fields[col], row->lens[col], buf, n);
}

/* The code of column col's own list that s (trimmed) is, or NULL */
static const char *column_code_of(const shopstat_reader *r, size_t col, const char *s, size_t len)
{
    char *const *l = r->colmiss && col < r->ncols ? r->colmiss[col] : NULL;
    for (size_t i = 0; l && l[i]; i++)
        if (strlen(l[i]) == len && memcmp(l[i], s, len) == 0)
            return l[i];
    return NULL;
}

const char *reader_column_code(const shopstat_reader *r, size_t col, const char *s, size_t len)
{
    trim(&s, &len);
    return column_code_of(r, col, s, len);
}

const char *reader_column_codes_from(const shopstat_reader *r, size_t col)
{
    return r->colfrom && col < r->ncols ? r->colfrom[col] : NULL;
}

const char *const *shopstat_reader_column_missing(const shopstat_reader *r, size_t col)
{
    return r->colmiss && col < r->ncols ? (const char *const *)r->colmiss[col] : NULL;
}

const char *const *shopstat_reader_missing_codes(const shopstat_reader *r)
{
    static const char *const none[] = {NULL};
    return r->missing ? (const char *const *)r->missing : none;
}

int shopstat_reader_is_missing_at(const shopstat_reader *r, size_t col, const char *s, size_t len)
{
    if (len == 0)
        return 1;
    if (!r->miss_first[(unsigned char)s[0]])
        return 0;
    trim(&s, &len);
    if (len == 0 || (len == 2 && s[0] == 'N' && s[1] == 'A'))
        return 1;
    return code_of(r, s, len) != NULL || column_code_of(r, col, s, len) != NULL;
}

int shopstat_reader_is_missing(const shopstat_reader *r, const char *s, size_t len)
{
    return shopstat_reader_is_missing_at(r, SIZE_MAX, s, len); /* (no column: no own codes) */
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static int ieq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

__extension__ typedef unsigned __int128 u128;

/* m / 10^n correctly rounded (to nearest, ties to even), for 0 < m < 2^64 and n <= 27:
 * 10^n = 5^n 2^n with 5^n < 2^63, so the quotient m 2^s / 5^n is taken in 128-bit
 * integers with s chosen to leave 55 or 56 bits, whose low bits and remainder decide the
 * rounding; the scaling by a power of two is exact. What strtod gives, without its
 * multi-precision path (about 20% of a pass over 80 replicate weights). */
static double decimal_quotient(uint64_t m, unsigned n)
{
    uint64_t d = 1;
    for (unsigned i = 0; i < n; i++)
        d *= 5;
    int bm = 64 - __builtin_clzll(m), bd = 64 - __builtin_clzll(d);
    int sh = 55 + bd - bm;
    u128 num = (u128)m, den = (u128)d;
    if (sh >= 0)
        num <<= sh;
    else
        den <<= -sh;
    u128 q128 = num / den;
    int rest = num % den != 0;
    uint64_t q = (uint64_t)q128; /* 55 or 56 bits */
    int extra = (64 - __builtin_clzll(q)) - 53;
    uint64_t low = q & ((UINT64_C(1) << extra) - 1), half = UINT64_C(1) << (extra - 1);
    q >>= extra;
    if (low > half || (low == half && (rest || (q & 1))))
        q++;
    return ldexp((double)q, extra - sh - (int)n);
}

int shopstat_parse_number(const char *s, size_t len, int decimal_comma, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (parse_plain_decimal(s, len, decimal_comma, out))
        return 1;
    trim(&s, &len);
    if (len == 0)
        return 0;
    size_t i = 0;
    int neg = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    /* Grammar: digits [sep digits] [e [sign] digits], at least one mantissa digit. */
    uint64_t mant = 0;
    size_t ndig = 0, nfrac = 0, sig = 0;
    int seen_sep = 0, exp_part = 0;
    size_t sep_at = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (sig || c != '0')
                sig++;
            if (sig <= 19)
                mant = mant * 10 + (uint64_t)(c - '0');
            ndig++;
            if (seen_sep)
                nfrac++;
        } else if ((c == '.' || (c == ',' && decimal_comma)) && !seen_sep) {
            seen_sep = 1;
            sep_at = i;
        } else if ((c == 'e' || c == 'E') && ndig > 0) {
            exp_part = 1;
            break;
        } else {
            break;
        }
    }
    if (i < len && !exp_part) {
        /* Not the plain grammar: maybe inf / nan, which are numbers but not finite. */
        const char *t = s + (s[0] == '+' || s[0] == '-');
        size_t tn = len - (size_t)(t - s);
        if (ieq(t, tn, "inf") || ieq(t, tn, "infinity")) {
            *out = neg ? -INFINITY : INFINITY;
            return -1;
        }
        if (ieq(t, tn, "nan")) {
            *out = NAN;
            return -1;
        }
        return 0;
    }
    if (ndig == 0)
        return 0;
    if (exp_part) {
        size_t j = i + 1;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j == len)
            return 0;
        for (; j < len; j++)
            if (s[j] < '0' || s[j] > '9')
                return 0;
    }
    /* Exact fast path: an integer mantissa below 2^53 divided by an exact power of ten is
     * correctly rounded, so it agrees with strtod (Clinger 1990). */
    if (!exp_part && sig <= 15 && nfrac <= 22) {
        double v = (double)mant / p10[nfrac];
        *out = neg ? -v : v;
        return 1;
    }
    /* Up to 19 significant digits and 27 decimals (replicate weights are written with 17):
     * the exact quotient, rounded once. */
    if (!exp_part && sig <= 19 && nfrac <= 27 && mant > 0) {
        double v = decimal_quotient(mant, (unsigned)nfrac);
        *out = neg ? -v : v;
        return 1;
    }
    /* Long spellings (100 KB of digits is still a number: R reads it, as Inf or 0) get a
     * heap copy; the field cap bounds len. */
    char small[512];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (seen_sep)
        buf[sep_at] = '.';
    pthread_once(&c_locale_once, make_c_locale);
    char *end;
    double v = c_locale ? strtod_l(buf, &end, c_locale) : strtod(buf, &end);
    int whole = end == buf + len;
    if (buf != small)
        free(buf);
    if (!whole)
        return 0;
    *out = v;
    return isfinite(v) ? 1 : -1;
}

/* ---- byte ranges for the parallel pass ----------------------------------------------- *
 * A range parser reads [begin, end) of the file with its own descriptor and its own libcsv
 * parser, without the position scanner: it hands rows to the callback with every position
 * 0, so any error it meets (libcsv's strict grammar, a NUL, invalid UTF-8, a ragged row,
 * an over-long field, or a callback error) only tells the caller to redo the pass with
 * shopstat_reader_run, which finds the first error in file order and its line:col. */

#define RANGE_BLOCK ((size_t)256 << 10)

struct reader_range {
    const shopstat_reader *r;
    int fd;
    unsigned char *buf;
    int buf_mapped; /* buf is huge_map'd */
    struct csv_parser p;
    int csv_ready;
    int failed;
    char *rowbuf;
    size_t rowlen, rowcap, nf, ncols;
    /* a short field starting before this offset of rowbuf takes range_field's fast path
     * (0 until libcsv has its field buffer): its 32 bytes fit, and past a field of 31 bytes
     * and its NUL 16 to spare (FAST_SPARE) */
    size_t fast_end;
    size_t *offs, *lens;
    const char **fields;
    shopstat_pos *pos; /* all zero */
    /* the row range_row hands over: these arrays, every field, index 0 (the same for
     * every row: made once, not on the stack for each) */
    shopstat_row row;
    size_t rows, empty; /* rows passed to fn, rows of empty fields only (skipped) */
    /* rows still to look at for a Qualtrics import-id row (the first of the data: the
     * range that starts at data_start) */
    size_t probe, data_start;
    utf8_state utf;
    shopstat_row_fn fn;
    void *ctx;
    shopstat_status status;
    shopstat_error *err;
    /* line ends counted as the exact scanner counts them (every CR and LF byte, quoted
     * ones too), for describe's "line ends"; cr_last: the last block ended with a CR */
    int count_eol, cr_last;
    int cr_blocks; /* bit 0: this block holds a CR, bit 1: the block before did */
    size_t eol[3]; /* LF, CRLF, CR */
    /* files in another encoding: each block converted to UTF-8 before libcsv sees it; a
     * multi-byte character cut by the block's end is carried to the next (buf has
     * RANGE_PAD bytes before the block for it) */
    iconv_t cd;
    char *conv;
    size_t conv_cap, ncarry;
    /* a gzip file: its size is not known, so it is one range, read in order through a
     * stream of the file's own that inflates it (z, zg); zoff: inflated bytes read from it */
    FILE *z;
    gz_input *zg;
    size_t zoff, tick_at;
    int (*tick)(void *ctx, size_t bytes, size_t rows); /* now and then (reader_range_tick) */
    void *tick_ctx;
};

#define RANGE_PAD 16
/* A gzip file's one range calls its tick every so many inflated bytes (about 65,000 rows
 * of a typical export, as often as the exact pass reports progress) */
#define TICK_BYTES ((size_t)4 << 20)
#define FAST_SPARE 48

/* libcsv grows its field buffer with this: refusing beyond the field cap bounds what a
 * runaway quoted field can ask for (the exact pass then names the field). */
static void *range_realloc(void *p, size_t n)
{
    if (n > SHOPSTAT_CSV_MAX_FIELD + (64u << 10))
        return NULL;
    return realloc(p, n);
}

int reader_skip_rows(shopstat_reader *r)
{
    if (r->ran || r->skip_status != SHOPSTAT_OK)
        return -1;
    if (r->rows_read >= r->opts.skip_rows)
        return 0;
    /* the rows are read as the header was: the scanner stops right after each row's line
     * end, so libcsv has seen nothing past the last skipped row */
    r->err = &r->skip_err;
    while (r->header_done && r->rows_read < r->opts.skip_rows && !r->finished) {
        int done = 0;
        shopstat_status s = step(r, 1, &done, &r->skip_err);
        if (s != SHOPSTAT_OK) {
            r->skip_status = s;
            break;
        }
    }
    r->err = NULL;
    return r->skip_status == SHOPSTAT_OK && !r->finished &&
                   r->rows_read >= r->opts.skip_rows
               ? 0
               : -1;
}

int reader_stopped_on_import_ids(const shopstat_reader *r)
{
    return r->import_ids;
}

void reader_read_ahead(shopstat_reader *r)
{
    if (r->gz && !r->ran && !r->stream) /* (a caller's stream is read on its thread alone) */
        (void)gz_ahead(r->gz); /* (when it cannot, the reads inflate, as before) */
}

size_t reader_file_size(const shopstat_reader *r)
{
    struct stat sb;
    if (!r->fp || r->gz || fstat(fileno(r->fp), &sb) != 0 || !S_ISREG(sb.st_mode))
        return SIZE_MAX;
    return (size_t)sb.st_size;
}

int reader_range_capable(const shopstat_reader *r, size_t *data_start, size_t *file_size)
{
    /* (standard input: when it is a regular file, from the offset it had at the start) */
    if (r->ran || r->noted || !r->fp || r->stream || (r->gz && !r->gz_file) ||
        (r->from_stdin && r->start_off < 0) || r->rows_read < r->opts.skip_rows ||
        r->skip_status != SHOPSTAT_OK || !r->header_done || r->scan_err || r->stop ||
        r->st != S_ROW)
        return 0;
    if (r->gz) {
        /* one range from the first data byte of the inflated stream to its end, which
         * reader_range_new's own stream of the file inflates again */
        *data_start = r->buf_abs + r->buf_pos;
        *file_size = SIZE_MAX;
        return 1;
    }
    struct stat sb;
    if (fstat(fileno(r->fp), &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    /* (a file cut since it was opened: the exact pass reads to its end and says so) */
    if (r->size_at_open >= 0 && (long long)sb.st_size < r->size_at_open)
        return 0;
    *data_start = (r->from_stdin ? (size_t)r->start_off : 0) + r->buf_abs + r->buf_pos;
    *file_size = (size_t)sb.st_size;
    return *data_start <= *file_size;
}

reader_range *reader_range_new(const shopstat_reader *r)
{
    reader_range *rr = calloc(1, sizeof *rr);
    if (!rr)
        return NULL;
    rr->r = r;
    /* (pread on a duplicate of standard input does not move its offset) */
    rr->fd = r->from_stdin ? dup(fileno(r->fp)) : open(r->path, O_RDONLY);
    /* the file opened by name must be the one being read: one renamed over it since (an
     * export written anew) was read from the old one's offsets, a mix of the two files
     * with exit 0; without a range reader the exact pass reads on from r->fp */
    struct stat a, b;
    if (rr->fd >= 0 && !r->from_stdin &&
        (fstat(rr->fd, &a) != 0 || fstat(r->gz ? r->raw_fd : fileno(r->fp), &b) != 0 ||
         a.st_dev != b.st_dev ||
         a.st_ino != b.st_ino)) {
        close(rr->fd);
        rr->fd = -1;
    }
    rr->cd = (iconv_t)-1;
    if (r->gz && rr->fd >= 0) {
        FILE *raw = fdopen(rr->fd, "rb");
        if (raw && !(rr->z = gz_open(raw, NULL, 0, 1, &rr->zg)))
            fclose(raw);
        if (!raw)
            close(rr->fd);
        rr->fd = -1; /* (the stream's now, or closed) */
    }
    /* the first blocks' bytes go to fresh memory: in one huge page 0.1-0.2 ms, against
     * 0.7-1.3 ms for 64 small ones, at the start of every worker (but a 2 MiB page for
     * 256 KiB, so only for files of HUGE_INPUT_MIN bytes or more) */
    rr->buf_mapped = reader_file_size(r) >= HUGE_INPUT_MIN;
    rr->buf = rr->buf_mapped ? huge_map(RANGE_PAD + RANGE_BLOCK) : NULL;
    if (!rr->buf) {
        rr->buf_mapped = 0;
        rr->buf = malloc(RANGE_PAD + RANGE_BLOCK);
    }
    if (r->cd != (iconv_t)-1) {
        rr->cd = iconv_open("UTF-8", r->enc_name);
        rr->conv_cap = RANGE_BLOCK * 4 + 64;
        rr->conv = malloc(rr->conv_cap);
        if (rr->cd == (iconv_t)-1 || !rr->conv) {
            reader_range_free(rr);
            return NULL;
        }
    }
    size_t file_size;
    if (!reader_range_capable(r, &rr->data_start, &file_size))
        rr->data_start = SIZE_MAX;
    size_t n = r->ncols ? r->ncols : 1;
    rr->ncols = r->ncols;
    rr->offs = malloc(n * sizeof *rr->offs);
    rr->lens = malloc(n * sizeof *rr->lens);
    rr->fields = malloc(n * sizeof *rr->fields);
    rr->pos = calloc(n, sizeof *rr->pos);
    rr->row = (shopstat_row){rr->fields, rr->lens, rr->pos, rr->ncols, 0};
    rr->rowcap = 4096;
    rr->rowbuf = malloc(rr->rowcap);
    if ((rr->fd < 0 && !rr->z) || !rr->buf || !rr->offs || !rr->lens || !rr->fields || !rr->pos ||
        !rr->rowbuf || csv_init(&rr->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        reader_range_free(rr);
        return NULL;
    }
    rr->csv_ready = 1;
    csv_set_delim(&rr->p, (unsigned char)r->d.delimiter);
    csv_set_blk_size(&rr->p, 4096);
    csv_set_realloc_func(&rr->p, range_realloc);
    return rr;
}

void reader_range_free(reader_range *rr)
{
    if (!rr)
        return;
    if (rr->fd >= 0)
        close(rr->fd);
    if (rr->z)
        fclose(rr->z); /* (and the file) */
    if (rr->cd != (iconv_t)-1)
        iconv_close(rr->cd);
    free(rr->conv);
    if (rr->csv_ready)
        csv_free(&rr->p);
    if (rr->buf_mapped)
        huge_unmap(rr->buf, RANGE_PAD + RANGE_BLOCK);
    else
        free(rr->buf);
    free(rr->rowbuf);
    free(rr->offs);
    free(rr->lens);
    free(rr->fields);
    free(rr->pos);
    free(rr);
}

static void range_fail(reader_range *rr, shopstat_status s)
{
    if (!rr->failed) {
        rr->failed = 1;
        rr->status = s;
        if (s != SHOPSTAT_OK && rr->err && rr->err->status == SHOPSTAT_OK)
            shopstat_error_set(rr->err, s, rr->r->path, 0, 0, "range parse failed");
    }
}

/* The field of len bytes just copied to dst, at at of the row buffer (the row's end): its
 * NUL, and its place in the row. */
static inline void range_keep(reader_range *rr, size_t nf, char *dst, size_t at, size_t len)
{
    dst[len] = '\0';
    rr->fields[nf] = dst;
    rr->lens[nf] = len;
    rr->rowlen = at + len + 1;
    rr->nf = nf + 1;
}

/* A field that is not short, or the row buffer full, or past the header's count. */
static __attribute__((noinline, cold)) void range_field_slow(reader_range *rr, const void *data,
                                                              size_t len)
{
    if (rr->failed)
        return;
    /* libcsv's field buffer is there from the range's first field on: the fast path from
     * the next field (set once a block, it was the next block's: the first block's 7,000
     * rows on each worker came here, 12.7 M instructions of the typical 2-thread run) */
    if (!rr->fast_end && rr->p.entry_buf && rr->p.entry_size >= 32)
        rr->fast_end = rr->rowcap - FAST_SPARE;
    size_t nf = rr->nf;
    if (len > SHOPSTAT_CSV_MAX_FIELD) {
        /* (libcsv holds up to 64 KiB more, see range_realloc) */
        range_fail(rr, SHOPSTAT_ELIMIT);
        return;
    }
    if (nf >= rr->ncols) {
        rr->nf = nf + 1;
        return; /* reported at the row end: a ragged row */
    }
    if (rr->rowlen + len + 17 > rr->rowcap) {
        size_t nc = rr->rowcap * 2;
        while (nc < rr->rowlen + len + 17)
            nc *= 2;
        for (size_t i = 0; i < nf; i++)
            rr->offs[i] = (size_t)(rr->fields[i] - rr->rowbuf);
        char *b = nc > SHOPSTAT_CSV_MAX_ROW ? NULL : realloc(rr->rowbuf, nc);
        if (!b) {
            range_fail(rr, SHOPSTAT_ELIMIT);
            return;
        }
        rr->rowbuf = b;
        rr->rowcap = nc;
        if (rr->fast_end)
            rr->fast_end = nc - FAST_SPARE;
        for (size_t i = 0; i < nf; i++)
            rr->fields[i] = b + rr->offs[i];
    }
    char *dst = rr->rowbuf + rr->rowlen;
    if (len)
        memcpy(dst, data, len);
    range_keep(rr, nf, dst, rr->rowlen, len);
}

/* libcsv's field callback: the field goes to the row buffer right after the one before
 * and its NUL, which is the layout shopstat_row promises. A short value (libcsv's entry
 * buffer holds at least its 4096-byte block, the field at its start) is copied as a fixed
 * 16 bytes, or 32 under 32 bytes (replicate weights written with 17 digits: 10% of such a
 * run went to the memcpy of the slow path); the buffer keeps 16 bytes to spare past the
 * last field's NUL. */
static void range_field(void *data, size_t len, void *vr)
{
    reader_range *rr = vr;
    size_t nf = rr->nf, at = rr->rowlen;
    if (nf < rr->ncols && len < 16 && at < rr->fast_end) {
        char *dst = rr->rowbuf + at;
        memcpy(dst, data, 16);
        range_keep(rr, nf, dst, at, len);
        return;
    }
    /* (apart, so that the short fields' path stays as it was) */
    if (nf < rr->ncols && len < 32 && at < rr->fast_end) {
        char *dst = rr->rowbuf + at;
        memcpy(dst, data, 32);
        range_keep(rr, nf, dst, at, len);
        return;
    }
    range_field_slow(rr, data, len);
}

/* range_field for describe: a line end within a field is one of a quoted field (libcsv
 * ends an unquoted field there), text rather than a line end of the file, so it comes off
 * the counts of range_count_eol */
static void range_field_eol(void *data, size_t len, void *vr)
{
    reader_range *rr = vr;
    const unsigned char *s = data;
    int any = 0; /* (fields are short: a loop costs less than two memchr calls) */
    for (size_t i = 0; i < len; i++)
        any |= (s[i] == '\n') | (s[i] == '\r');
    if (any) {
        size_t lf = 0, cr = 0, crlf = 0;
        for (size_t i = 0; i < len; i++) {
            lf += s[i] == '\n';
            cr += s[i] == '\r';
            crlf += s[i] == '\n' && i && s[i - 1] == '\r';
        }
        rr->eol[0] -= lf - crlf;
        rr->eol[1] -= crlf;
        rr->eol[2] -= cr - crlf;
    }
    range_field(data, len, vr);
}

static void range_row(int c, void *vr)
{
    (void)c;
    reader_range *rr = vr;
    size_t nf = rr->nf, len = rr->rowlen;
    rr->nf = 0;
    rr->rowlen = 0;
    if (rr->failed)
        return;
    if (nf != rr->ncols) {
        range_fail(rr, SHOPSTAT_EINPUT);
        return;
    }
    /* a row of empty fields only, as the exact reader tells it: the row's bytes are its
     * fields' NULs; and the first rows of the data, where a Qualtrics import-id row may
     * stand (one test for both: no work per field in the other rows) */
    if (__builtin_expect(len == nf || rr->probe, 0)) {
        if (rr->probe) {
            rr->probe--;
            int kind;
            if (len != nf && import_id_field(rr->fields, rr->lens, nf, &kind) >= 0) {
                range_fail(rr, SHOPSTAT_EINPUT); /* the exact pass names it */
                return;
            }
        }
        if (len == nf) {
            rr->empty++;
            return;
        }
    }
    if (__builtin_expect(repeats_header(rr->r, rr->fields, rr->lens, nf), 0)) {
        range_fail(rr, SHOPSTAT_EINPUT); /* the exact pass names it */
        return;
    }
    rr->rows++;
    shopstat_status s = rr->fn(rr->ctx, &rr->row, rr->err); /* (nf is ncols here) */
    if (s != SHOPSTAT_OK)
        range_fail(rr, s);
}

/* NUL bytes and (when the file is taken as UTF-8) invalid UTF-8, in a block; state
 * carries a sequence across blocks. Word-at-a-time skip of plain ASCII. 0 or -1. */
static int range_validate(reader_range *rr, const unsigned char *s, size_t n)
{
    int utf8 = rr->r->validate_utf8;
    size_t i = 0;
    while (i < n) {
        if (!rr->utf.need) {
#ifdef __SSE2__
            /* 32 bytes a step: a byte's sign bit is set when it is >= 0x80 or a NUL */
            const __m128i nul = _mm_setzero_si128();
            while (i + 32 <= n) {
                __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
                __m128i m = _mm_or_si128(_mm_or_si128(a, _mm_cmpeq_epi8(a, nul)),
                                         _mm_or_si128(b, _mm_cmpeq_epi8(b, nul)));
                if (_mm_movemask_epi8(m))
                    break;
                i += 32;
            }
#endif
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                uint64_t zero = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
                if (zero || (w & 0x8080808080808080ULL))
                    break;
                i += 8;
            }
            if (i == n)
                break;
        }
        unsigned char c = s[i++];
        if (c == 0)
            return -1;
        if (c < 0x80) {
            if (rr->utf.need)
                return -1;
            continue;
        }
        if (utf8 && utf8_step(&rr->utf, c) != 0)
            return -1;
    }
    return 0;
}

/* The bytes equal to the byte of pat (repeated in each byte) in w, marked 0x80. */
static inline uint64_t byte_mask(uint64_t w, uint64_t pat)
{
    uint64_t x = w ^ pat;
    uint64_t t = ((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | x;
    return ~t & 0x8080808080808080ULL;
}

/* Count the line ends of a block: a CR directly followed by an LF is one CRLF (also
 * across blocks), any other CR or LF one CR or LF, as newline() does. */
static void range_count_eol(reader_range *rr, const unsigned char *s, size_t n)
{
    size_t lf = 0, cr = 0, crlf = 0;
    int prev_cr = rr->cr_last;
    size_t i = 0;
    int has_cr = memchr(s, '\r', n) != NULL;
    rr->cr_blocks = (rr->cr_blocks & 1) << 1 | has_cr;
    if (!has_cr) {
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            lf += (size_t)__builtin_popcountll(byte_mask(w, 0x0a0a0a0a0a0a0a0aULL));
        }
        for (; i < n; i++)
            lf += s[i] == '\n';
        crlf = prev_cr && n && s[0] == '\n';
        prev_cr = 0;
    } else {
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t ml = byte_mask(w, 0x0a0a0a0a0a0a0a0aULL);
            uint64_t mc = byte_mask(w, 0x0d0d0d0d0d0d0d0dULL);
            lf += (size_t)__builtin_popcountll(ml);
            cr += (size_t)__builtin_popcountll(mc);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            /* (the byte after byte k is 8 bits down) */
            crlf += (size_t)__builtin_popcountll((mc >> 8 | (uint64_t)prev_cr << 63) & ml);
            prev_cr = (int)((mc >> 7) & 1);
#else
            /* (the byte after byte k is 8 bits up) */
            crlf += (size_t)__builtin_popcountll((mc << 8 | (uint64_t)prev_cr << 7) & ml);
            prev_cr = (int)(mc >> 63);
#endif
        }
        for (; i < n; i++) {
            lf += s[i] == '\n';
            cr += s[i] == '\r';
            crlf += prev_cr && s[i] == '\n';
            prev_cr = s[i] == '\r';
        }
    }
    rr->cr_last = prev_cr;
    rr->eol[0] += lf - crlf;
    rr->eol[1] += crlf;
    rr->eol[2] += cr;
    /* (a CRLF across blocks: its CR was counted in the block before, or by the exact
     * reader for the header's; the sums are modulo 2^64 and come right once added to r's) */
    rr->eol[2] -= crlf;
}

void reader_range_count_eol(reader_range *rr, size_t *eol)
{
    if (!eol) {
        rr->count_eol = 1;
        return;
    }
    for (int k = 0; k < 3; k++)
        eol[k] += rr->eol[k];
}

void reader_note_eol(shopstat_reader *r, const size_t *eol)
{
    if (!r->noted_eol[0] && !r->noted_eol[1] && !r->noted_eol[2])
        r->line_ending_unnoted = r->d.line_ending;
    for (int k = 0; k < 3; k++)
        r->noted_eol[k] += eol[k];
    r->n_lf += eol[0];
    r->n_crlf += eol[1];
    r->n_cr += eol[2];
    if ((r->n_lf > 0) + (r->n_crlf > 0) + (r->n_cr > 0) > 1)
        r->d.line_ending = "mixed";
}

/* Convert the block at rr->buf + RANGE_PAD (n bytes), after the bytes carried from the
 * block before, into rr->conv; 0, or -1 for a byte the encoding refuses (the exact pass
 * then names it). */
static int range_convert(reader_range *rr, size_t n, const unsigned char **out, size_t *outn)
{
    char *in = (char *)rr->buf + RANGE_PAD - rr->ncarry;
    size_t inleft = n + rr->ncarry;
    char *op = rr->conv;
    size_t ol = rr->conv_cap;
    size_t rc = iconv(rr->cd, &in, &inleft, &op, &ol);
    rr->ncarry = 0;
    if (rc == (size_t)-1) {
        if (errno != EINVAL || inleft > RANGE_PAD)
            return -1; /* EILSEQ (E2BIG cannot happen at 4 bytes out per byte in) */
        memmove(rr->buf + RANGE_PAD - inleft, in, inleft); /* a cut character */
        rr->ncarry = inleft;
    }
    *out = (const unsigned char *)rr->conv;
    *outn = (size_t)(op - rr->conv);
    return 0;
}

/* The inflated stream of a gzip file to off, where its range begins (a range parser
 * makes its stream when it is made; the one range of the file is read from there). */
static int range_stream_skip(reader_range *rr, size_t off)
{
    while (rr->zoff < off) {
        size_t want = off - rr->zoff < RANGE_BLOCK ? off - rr->zoff : RANGE_BLOCK;
        size_t got = fread(rr->buf + RANGE_PAD, 1, want, rr->z);
        if (got == 0)
            return -1;
        rr->zoff += got;
    }
    return rr->zoff == off ? 0 : -1;
}

void reader_range_read_ahead(reader_range *rr)
{
    if (rr->zg && rr->zoff == 0)
        (void)gz_ahead(rr->zg); /* (when it cannot, the reads inflate, as before) */
}

void reader_range_tick(reader_range *rr, int (*fn)(void *ctx, size_t bytes, size_t rows),
                       void *ctx)
{
    rr->tick = rr->z ? fn : NULL;
    rr->tick_ctx = ctx;
}

size_t reader_range_bytes(reader_range *rr)
{
    return rr->zg ? (size_t)gz_progress(rr->zg) : 0;
}

size_t reader_range_boundary(reader_range *rr, size_t off, size_t file_size)
{
    while (off < file_size) {
        size_t want = file_size - off < RANGE_BLOCK ? file_size - off : RANGE_BLOCK;
        ssize_t got = pread(rr->fd, rr->buf, want, (off_t)off);
        if (got <= 0)
            return file_size;
        const unsigned char *nl = memchr(rr->buf, '\n', (size_t)got);
        if (nl)
            return off + (size_t)(nl - rr->buf) + 1;
        off += (size_t)got;
    }
    return file_size;
}

shopstat_status reader_range_run(reader_range *rr, size_t begin, size_t end, int at_eof,
                                 shopstat_row_fn fn, void *ctx, size_t *rows, size_t *empty,
                                 shopstat_error *err)
{
    rr->fn = fn;
    rr->ctx = ctx;
    rr->err = err;
    rr->failed = 0;
    rr->status = SHOPSTAT_OK;
    rr->rows = 0;
    rr->empty = 0;
    rr->probe = begin == rr->data_start && rr->r->opts.skip_rows < IMPORT_ID_ROWS
                    ? IMPORT_ID_ROWS - rr->r->opts.skip_rows
                    : 0;
    rr->nf = 0;
    rr->rowlen = 0;
    rr->utf.need = 0;
    /* a range starts after an LF, but the first one after the CR of the exact reader's
     * last line end when that was a CRLF */
    rr->cr_last = begin > 0 && rr->r->cr_next == begin;
    rr->ncarry = 0;
    if (rr->cd != (iconv_t)-1)
        iconv(rr->cd, NULL, NULL, NULL, NULL);
    *rows = 0;
    *empty = 0;
    size_t off = begin;
    if (rr->z && range_stream_skip(rr, begin) != 0)
        return shopstat_error_set(err, SHOPSTAT_EIO, rr->r->path, 0, 0, "read error");
    while (off < end && !rr->failed) {
        size_t want = end - off < RANGE_BLOCK ? end - off : RANGE_BLOCK;
        unsigned char *raw = rr->buf + RANGE_PAD;
        ssize_t got;
        if (rr->z) {
            /* (to the stream's end: a read error, the gzip data's included, fails the
             * range, and the exact pass that follows names it) */
            got = (ssize_t)fread(raw, 1, want, rr->z);
            if (got == 0 && !ferror(rr->z))
                break;
            rr->zoff += (size_t)got;
        } else {
            got = pread(rr->fd, raw, want, (off_t)off);
        }
        if (got <= 0)
            return shopstat_error_set(err, SHOPSTAT_EIO, rr->r->path, 0, 0, "read error: %s",
                                      got < 0 || rr->z ? strerror(errno) : "file shrank");
        /* (NUL bytes and UTF-8 are checked in the file's bytes, as the exact scanner does) */
        if (range_validate(rr, raw, (size_t)got) != 0) {
            range_fail(rr, SHOPSTAT_EINPUT);
            break;
        }
        if (rr->count_eol)
            range_count_eol(rr, raw, (size_t)got);
        const unsigned char *blk = raw;
        size_t len = (size_t)got;
        if (rr->cd != (iconv_t)-1 && range_convert(rr, (size_t)got, &blk, &len) != 0) {
            range_fail(rr, SHOPSTAT_EINPUT);
            break;
        }
        /* range_field's fast path copies 16 bytes from libcsv's field buffer: once that
         * is there, with its first block (it only grows until csv_free) */
        if (!rr->fast_end && rr->p.entry_buf && rr->p.entry_size >= 32)
            rr->fast_end = rr->rowcap - FAST_SPARE;
        /* (a line end in a quoted field is taken off the counts by range_field_eol; only
         * one of a kind other than LF can change what describe says, and a field that
         * holds a CR has it in this block or, ending here, in the one before: an LF file
         * pays nothing per field) */
        if (csv_parse(&rr->p, blk, len,
                      rr->count_eol && rr->cr_blocks ? range_field_eol : range_field, range_row,
                      rr) != len)
            range_fail(rr, SHOPSTAT_EINPUT);
        off += (size_t)got;
        if (rr->tick && off - rr->tick_at >= TICK_BYTES && !rr->failed) {
            rr->tick_at = off;
            if (rr->tick(rr->tick_ctx, (size_t)gz_progress(rr->zg), rr->rows))
                range_fail(rr, SHOPSTAT_ECANCELED);
        }
    }
    if (!rr->failed && (rr->utf.need || rr->ncarry))
        range_fail(rr, SHOPSTAT_EINPUT);
    /* the first range ended before the first data rows were all looked at for an import-id
     * row (a tiny chunk size, a long question-text row): the exact pass looks */
    if (!rr->failed && rr->probe && !at_eof)
        range_fail(rr, SHOPSTAT_EINPUT);
    if (!rr->failed) {
        if (at_eof) {
            if (csv_fini(&rr->p, rr->count_eol && rr->cr_blocks ? range_field_eol : range_field,
                         range_row, rr) != 0)
                range_fail(rr, SHOPSTAT_EINPUT);
        } else if (rr->p.pstate != 0 || rr->nf != 0) {
            /* the range does not end at a record boundary: a quoted field holds the
             * newline chosen as the boundary */
            range_fail(rr, SHOPSTAT_EINPUT);
        }
    }
    /* ready for the next range whatever happened */
    csv_fini(&rr->p, NULL, NULL, NULL);
    *rows = rr->rows;
    *empty = rr->empty;
    if (rr->failed)
        return rr->status != SHOPSTAT_OK ? rr->status : SHOPSTAT_EINPUT;
    return SHOPSTAT_OK;
}
