/* Internal helpers shared by the engine sources (not installed): a capped string -> index hash map. */
#ifndef SHOPSTAT_INTERNAL_H
#define SHOPSTAT_INTERNAL_H

#include "symbols.h" /* first: the internal names as linked */

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 64-bit targets only: the exact sums (pass.c) and the decimal reading (reader.c) take
 * unsigned __int128, and counts and file offsets are size_t. A 32-bit build stops here with
 * a message rather than at its first __int128 (files over 2 GiB would be fine there: the
 * Makefile builds with -D_FILE_OFFSET_BITS=64). */
#if SIZE_MAX < UINT64_MAX || !defined(__SIZEOF_INT128__)
#error "shopstat builds for 64-bit targets only (size_t of 64 bits and unsigned __int128)"
#endif

#include "shopstat/error.h"

/* Open-addressing map from byte strings to dense indices 0..n-1 (insertion order).
 * Keys are copied into one arena and NUL-terminated. Both the number of keys and the
 * arena's bytes are capped so malformed input cannot ask for unbounded memory. */
typedef struct strmap {
    uint32_t *slots;  /* entry index + 1, 0 = empty */
    size_t nslots;    /* power of two */
    size_t *off;      /* arena offset of key i */
    size_t *len;      /* length of key i */
    uint64_t *hash;   /* hash of key i */
    size_t n, cap;    /* keys stored, capacity of the per-key arrays */
    char *arena;
    size_t arena_len, arena_cap;
    size_t max_keys, max_bytes;
} strmap;

/* Returned by strmap_add when a cap would be exceeded / an allocation failed. */
#define STRMAP_FULL ((size_t)-1)
#define STRMAP_NOMEM ((size_t)-2)

void strmap_init(strmap *m, size_t max_keys, size_t max_bytes);
void strmap_free(strmap *m);
uint64_t strmap_hash(const char *s, size_t len);
/* Index of key, or (size_t)-1 if absent. */
size_t strmap_find(const strmap *m, const char *s, size_t len, uint64_t h);
/* Index of key, adding it if absent (*added set to 1 then). Returns STRMAP_FULL or
 * STRMAP_NOMEM on failure, leaving the map unchanged. */
size_t strmap_add(strmap *m, const char *s, size_t len, uint64_t h, int *added);
static inline const char *strmap_key(const strmap *m, size_t i)
{
    return m->arena + m->off[i];
}

/* Turns GSL's default error handler (abort()) off, once per process, keeping a handler the
 * program installed (ci.c). Every public function that calls GSL calls this first, so the
 * library never aborts its caller; thread-safe (pthread_once). */
void shopstat_gsl_quiet(void);

/* SHOPSTAT_EUSAGE unless 0 < level < 1 ("confidence level 2 is not between 0 and 1"): the
 * entry points that take a level in their options check it before any work (ci.c). */
shopstat_status opts_level_check(double level, shopstat_error *err);

/* ---- byte ranges of a CSV file for the parallel pass (reader.c) ---- */
#include "shopstat/reader.h"

typedef struct reader_range reader_range;

/* The bytes a missing code can start with (the quick test of shopstat_reader_is_missing):
 * a value whose first byte is not among them is not missing. 256 entries. */
const unsigned char *reader_miss_first(const shopstat_reader *r);

/* The plain spelling of a number, DIGITS[.DIGITS] or .DIGITS (',' too with
 * decimal_comma) with 1 to 15 digits and nothing else, read as shopstat_parse_number
 * reads it (an integer below 2^53 over an exact power of ten: correctly rounded): 1 and
 * *out, or 0 when s is not spelled so (the full parser then decides). Inline for the
 * weight of every row.
 * *mant and *frac: the number as written, *mant over 10^*frac (below 10^15). */
static inline int parse_plain_decimal_m(const char *s, size_t n, int decimal_comma, double *out,
                                        uint64_t *mant, unsigned *frac)
{
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6, 1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (n - 1 >= 16)
        return 0;
    uint64_t m = 0;
    size_t i = 0;
    unsigned d;
    while (i < n && (d = (unsigned)(unsigned char)s[i] - '0') < 10) {
        m = m * 10 + d;
        i++;
    }
    size_t nfrac = 0, ndig = n;
    if (i < n) { /* the separator, then digits to the end */
        if (s[i] != '.' && !(s[i] == ',' && decimal_comma))
            return 0;
        size_t sep = i++;
        while (i < n && (d = (unsigned)(unsigned char)s[i] - '0') < 10) {
            m = m * 10 + d;
            i++;
        }
        if (i < n)
            return 0;
        nfrac = n - sep - 1;
        ndig = n - 1;
    }
    if (ndig == 0 || ndig > 15)
        return 0;
    *out = (double)m / p10[nfrac];
    *mant = m;
    *frac = (unsigned)nfrac;
    return 1;
}

/* parse_plain_decimal_m for a field of 1 to 8 bytes with 8 bytes readable at s (a
 * shopstat_row's field: 16 to spare past its NUL) and '.' as its separator, a word at a
 * time: the separator found as a zero byte of s ^ '.', the bytes after it moved down over
 * it, every byte tested for a digit at once and the digits read by three multiplications
 * (the 8-digit conversion of simdjson's parse_eight_digits_unrolled). The same *out,
 * *mant and *frac as parse_plain_decimal_m where it gives 1; 0 for anything else (a
 * comma, a sign, a second separator, no digit), which parse_plain_decimal_m then decides.
 * The weight of the pass's typical row (on_row_plain): 20 instructions a row fewer than
 * the byte loop there. */
static inline int parse_plain_decimal8(const char *s, size_t n, double *out, uint64_t *mant,
                                       unsigned *frac)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t x;
    memcpy(&x, s, 8);
    if (n < 8)
        x &= ((uint64_t)1 << (8 * n)) - 1; /* (the bytes past the field: 0) */
    uint64_t e = x ^ (ones * '.'), z = (e - ones) & ~e & (ones * 0x80);
    uint64_t d = x;
    size_t nd = n, nfrac = 0;
    if (z) { /* the first separator (a zero byte of e: the lowest flag is exact) */
        size_t p = (size_t)__builtin_ctzll(z) >> 3;
        uint64_t low = ((uint64_t)1 << (8 * p)) - 1; /* (p < n <= 8, so p <= 7) */
        d = (x & low) | ((x >> 8) & ~low);
        nd = n - 1;
        nfrac = n - p - 1;
    }
    if (!nd)
        return 0;
    uint64_t keep = nd < 8 ? ((uint64_t)1 << (8 * nd)) - 1 : ~(uint64_t)0;
    uint64_t y = (d & keep) | (ones * '0' & ~keep);
    /* every byte '0' to '9': no byte's high bit set in it less '0' (under '0', or 0xb0
     * and over) or in it plus 0x46 (over '9'); a borrow or carry between bytes only comes
     * from a byte that is not a digit, and leaves that byte's own flag set */
    uint64_t v = y - ones * '0';
    if ((v | (y + ones * 0x46)) & ones * 0x80)
        return 0;
    v <<= 8 * (8 - nd); /* (leading zeros in front) */
    v = (v * 2561) >> 8;
    v = ((v & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
    uint64_t m = ((v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
    *out = (double)m / p10[nfrac];
    *mant = m;
    *frac = (unsigned)nfrac;
    return 1;
}

/* parse_plain_decimal_m without the number as written */
static inline int parse_plain_decimal(const char *s, size_t n, int decimal_comma, double *out)
{
    uint64_t m;
    unsigned f;
    return parse_plain_decimal_m(s, n, decimal_comma, out, &m, &f);
}

/* Neumaier's compensated summation: x added to the sum *s, its rounding error to *c (the
 * sum is *s + *c); sums then do not depend on their order beyond 1e-15. */
static inline void ksum(double *s, double *c, double x)
{
    double t = *s + x;
    if (fabs(*s) >= fabs(x))
        *c += (*s - t) + x;
    else
        *c += (x - t) + *s;
    *s = t;
}

/* A hint for a value s[0..len) that is not a number: when r does not take decimal commas
 * and s is a number with one ("1,5" in a comma-delimited file, quoted), "; read with a
 * decimal comma it is 1.5: use --decimal-comma (...)" (for "12,345", a thousands separator
 * too), for the end of the message; else "". Written to buf (n bytes, 200 are enough),
 * which is returned. */
const char *reader_comma_hint(const shopstat_reader *r, const char *s, size_t len, char *buf,
                              size_t n);

/* reader_comma_hint's hint for s[0..len), field of row that is no number, else, when row
 * is the first row of data (a text there: a row of question texts under the header, as
 * Decipher and Alchemer export them), "; line 2 is the first row of data: a row of question
 * texts under the header? --skip-rows 1 leaves it out (skip_rows: 1 in a spec)"; else "".
 * Written to buf (n bytes, 200 are enough), which is returned. */
const char *reader_number_hint(const shopstat_reader *r, const shopstat_row *row, const char *s,
                               size_t len, char *buf, size_t n);

/* A hint for a design column's value s[0..len) that is missing: when it is one of the
 * --missing codes (not a blank or NA), "; '99' is one of the --missing codes, which mean no
 * answer in every column, design columns included" for the end of the message (a weight of
 * 99 read as missing is otherwise a mystery); else "". Written to buf (n bytes, 200 are
 * enough), which is returned. */
/* (col: the value's column, for its own codes: "; '6' is one of this column's --missing
 * codes") */
/* How many of a column's numeric levels x[0..n) (distinct numbers, in any order) are codes
 * for "don't know" or "refused" rather than answers, each marked in code[] (n flags; may
 * be NULL): every level from 96 to 99, 996 to 999 or 9999 (98 and 99 together, say) above
 * two answers or more of at most 20, or a 9 above a scale of at most 7 points when every
 * level is whole (codebooks' 8 refused, 9 don't know), and every negative level below two
 * answers or more of 0 or more when each is -96 to -99 (Qualtrics' -99), -996 to -999,
 * -9999, or -1 to -9 with no -1 beside a 0 (score.c's negative_code); 0 when none, or when more than
 * SHOPSTAT_SCORE_MAX_CODES would be. describe's start and a mean score's warning read codes by this
 * one rule. */
size_t score_nonanswer_codes(const double *x, size_t n, int whole, unsigned char *code);

const char *reader_missing_hint(const shopstat_reader *r, size_t col, const char *s, size_t len,
                                char *buf, size_t n);
/* reader_missing_hint of row's field col, unless another field of the row reads Total
 * (reader_total_text): then that a totals row is left under the data, and the exclusion
 * that leaves it out, as describe names it ("site:TOTAL"). buf: 400 bytes. */
const char *reader_missing_row_hint(const shopstat_reader *r, const shopstat_row *row, size_t col,
                                    char *buf, size_t n);
/* Whether s (len bytes) reads Total (any case; Totals, Totaux, Grand total, Total général,
 * Gesamt, Summe, Totale, a ':' or spaces after), as a spreadsheet's totals row's label. */
int reader_total_text(const char *s, size_t len);
/* The global --missing code (not a blank or NA) that field s is, or NULL */
const char *reader_missing_code(const shopstat_reader *r, const char *s, size_t len);
/* The code of column col's own --missing codes (COL:CODES) that field s is, or NULL */
const char *reader_column_code(const shopstat_reader *r, size_t col, const char *s, size_t len);
/* The name or pattern of opts.column_missing that first gave column col codes of its own
 * (as given: "Q5_*"), or NULL when it has none */
const char *reader_column_codes_from(const shopstat_reader *r, size_t col);

/* The size of r's file when it is a regular one, else SIZE_MAX. */
size_t reader_file_size(const shopstat_reader *r);
/* The exact pass stopped on a Qualtrics import-id row read as data (its error set). */
int reader_stopped_on_import_ids(const shopstat_reader *r);

/* Memory in transparent huge pages where the kernel allows (engine/hugemap.c): a first
 * touch of fresh memory costs about 14 us per 4 KiB page on the benchmark's VM and 0.1-0.2
 * ms per 2 MiB one. huge_map: bytes rounded up to whole huge pages, zeroed, 2 MiB-aligned,
 * or NULL; huge_unmap takes the same bytes. Worth it from inputs of HUGE_INPUT_MIN bytes
 * (or of unknown size): a pass over fewer keeps to malloc. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_INPUT_MIN ((size_t)4 << 20)
void *huge_map(size_t bytes);
void huge_unmap(void *p, size_t bytes);

/* Length of the part of a column's name before its last separator ('_', '.', ' ', '-',
 * ':', or Decipher's 'r' between digits: q7r1), or 0 when there is none: the stem that a
 * question's columns share (Q3_1, Q3_2). engine/suggest.c. */
size_t suggest_stem_len(const char *name);
/* Whether a column's name looks like a weight's (wt, weight, wgt, pond, FINALWT; not wt1,
 * a replicate's). engine/suggest.c. */
int suggest_weight_name(const char *name);

/* The period label s names (shopstat_scale_time_order's months, quarters, halves, years,
 * dates) as a key that sorts in time, equal for periods that start together ("Q2 2024",
 * "Apr 2024"): 1 and *key, else 0. engine/period.c. */
int period_key(const char *s, long *key);
/* shopstat_scale_time_order, telling out of memory apart: 1 and order[] (when not NULL), 0
 * when a label is no period (or labels is NULL, n 0), -1 out of memory. engine/period.c. */
int period_order(const char *const *labels, size_t n, size_t *order);

/* Whether an item of a column list is a pattern: it holds '*', '?' or '['. */
int reader_is_pattern(const char *item);

/* A scale's point exported with its label, as platforms export a 0-10 question's ends
 * ("0 - Not at all likely", "10 = Extremely likely", "4: Agree", "1. Poor", "5 (Very
 * satisfied)"): a whole number of at most three digits, a separator ('-', '=', ':', '.' or
 * '(', spaces around it allowed; '.' needs the space after it), then a label beginning with
 * a letter. 1 and its number in *x, or 0 when v is not one ("18-24 years", "1.5 kg", "Don't
 * know", "3 or more"). Wherever a numeric scale is read (mean, nps, a map's ranges, the
 * order of levels, describe's suggestions) such a level counts as its number; its text
 * stays the level's label. */
int reader_labelled_point(const char *v, double *x);
/* The columns an item of a multi-response list stands for, in file order (*idx malloc'd,
 * *n of them): the column named item when there is one (a pattern's characters may be
 * part of a name), else, when item is a pattern, every named column it matches (libc
 * fnmatch, no flags); else shopstat_reader_column's error. A pattern that matches no
 * column is SHOPSTAT_EUSAGE, "<what> column pattern 'p' matches no column (did you mean
 * 'x'?)", x one it matches but for case or one whose name begins like it. */
shopstat_status reader_columns_for(const shopstat_reader *r, const char *item, const char *what,
                                   size_t **idx, size_t *n, shopstat_error *err);

/* Whether a multi-response question of columns cols[0..n) has its levels named by the
 * options' labels (shopstat_reader_collabel): every column has one, each different. Else
 * its levels are the columns' names. */
int reader_multi_labels(const shopstat_reader *r, const size_t *cols, size_t n);

/* Reads the rows the options skip after the header (none past them): 0 when r then stands
 * at the first data row, -1 when it could not (an error, kept for shopstat_reader_run to
 * report, or the end of the file). */
int reader_skip_rows(shopstat_reader *r);
/* 1 when r (opened, header and skipped rows read, not run) can be parsed in byte ranges: a
 * regular file (in another encoding than UTF-8, each range converts its blocks). Sets the
 * offset of the first data byte and the file size; SIZE_MAX for a gzip-compressed file
 * (opened by its path), whose size is not known: one range, from data_start to its end, in
 * offsets of the inflated bytes. */
int reader_range_capable(const shopstat_reader *r, size_t *data_start, size_t *file_size);
/* A parser of byte ranges of r's file (own descriptor, own libcsv); NULL on failure. */
reader_range *reader_range_new(const shopstat_reader *r);
void reader_range_free(reader_range *rr);
/* With eol NULL: count line ends from now on (every CR and LF byte, as the exact reader);
 * else add the counts so far to eol[0..3) (LF, CRLF, CR). */
void reader_range_count_eol(reader_range *rr, size_t *eol);
/* Add line ends counted by ranges to r's own (header, skipped rows): its dialect's line
 * ending becomes "mixed" when more than one kind was seen, as after shopstat_reader_run. */
void reader_note_eol(shopstat_reader *r, const size_t *eol);
/* A gzip file (reader_range_capable's *file_size SIZE_MAX): its one range is inflated on
 * a thread of its own, a few MiB ahead of the parse (gz_ahead; call before the range runs);
 * fn is called every few MiB of the range with the compressed bytes read so far and the
 * rows parsed, nonzero stopping the range (SHOPSTAT_ECANCELED); reader_range_bytes: the
 * compressed bytes read. None of them does anything for other files (bytes 0). */
void reader_range_read_ahead(reader_range *rr);
void reader_range_tick(reader_range *rr, int (*fn)(void *ctx, size_t bytes, size_t rows),
                       void *ctx);
size_t reader_range_bytes(reader_range *rr);
/* Offset just after the first LF at or after off (file_size if none). */
size_t reader_range_boundary(reader_range *rr, size_t off, size_t file_size);
/* Parse [begin, end), which must start at a record boundary, calling fn per row (all
 * positions 0, index 0). at_eof: end is the end of the file. *rows: the rows passed to fn;
 * *empty: rows whose every field is empty, skipped (as shopstat_reader_run skips them).
 * Fails (any status) on any input error, when the range does not end at a record boundary,
 * or when fn fails: the caller then redoes the pass with shopstat_reader_run for the
 * positioned message. */
shopstat_status reader_range_run(reader_range *rr, size_t begin, size_t end, int at_eof,
                                 shopstat_row_fn fn, void *ctx, size_t *rows, size_t *empty,
                                 shopstat_error *err);
/* Add the rows ranges read (rows passed to their callback, empty rows skipped) to r's
 * counts, so that shopstat_reader_rows_read and _rows_empty tell the whole file as after
 * shopstat_reader_run. */
void reader_note_rows(shopstat_reader *r, size_t rows, size_t empty);
/* Take back what reader_note_rows and reader_note_eol added, before a pass whose chunks
 * were counted is redone by shopstat_reader_run (which counts every row again): the
 * counts are then those of the file's rows, each once. */
void reader_unnote_rows(shopstat_reader *r);
/* SHOPSTAT_EUSAGE ("the reader was already read ...") when a pass has read r, by
 * shopstat_reader_run or in chunks that went through (reader_note_rows); else SHOPSTAT_OK.
 * A pass checks first: its fallback's reader_unnote_rows would otherwise take back the
 * earlier pass's counts and read the file again. */
shopstat_status reader_check_unread(const shopstat_reader *r, shopstat_error *err);

/* Length of the valid UTF-8 sequence at s (1 to 4 bytes; 1 for ASCII), or 0 for a byte
 * that starts none (a NUL in the sequence ends it). */
size_t utf8_len(const unsigned char *s);

/* ---- gzip-compressed exports (inflate.c), read by the reader on one thread ---- */
#include <stdio.h>
typedef struct gz_input gz_input;
/* 1 when s[0..n) starts as a gzip member does (1F 8B, method 8). */
int gz_magic(const unsigned char *s, size_t n);
/* A stream of raw's bytes inflated, the first prefix_len of them (already read from raw)
 * taken from prefix (copied); members one after another are read as one. Closing it closes
 * raw when close_raw is 1 (0: a caller's stream, left open). *g, valid until then, tells why
 * a read failed (gz_error). NULL when out of memory, raw left open. */
FILE *gz_open(FILE *raw, const unsigned char *prefix, size_t prefix_len, int close_raw,
              gz_input **g);
/* After the stream's read failed: why, *bad_data 1 when the compressed data are at fault
 * (truncated, corrupt), 0 when reading the file failed; NULL when nothing failed. */
const char *gz_error(const gz_input *g, int *bad_data);
/* Compressed bytes inflated so far (after a read failed, or without gz_ahead). */
unsigned long long gz_compressed_bytes(const gz_input *g);
/* Compressed bytes behind what the reads have had, near enough for a progress bar; safe
 * while a gz_ahead thread inflates. */
unsigned long long gz_progress(gz_input *g);
/* From now on inflate on a thread of its own, a few MiB ahead of the reads (which must not
 * run meanwhile: call it between two). 0, or -1 when it could not start (the stream
 * inflates as it is read, as before). */
int gz_ahead(gz_input *g);
/* A pass over r with threads to spare: a gzip file is inflated ahead on one (gz_ahead). */
void reader_read_ahead(shopstat_reader *r);

/* ---- the chunked parallel driver (parallel.c), for any one-pass job ---- */
#include "shopstat/tab.h" /* shopstat_pass_opts */

/* A pass's helper threads kept for its tail, merging once (parallel.c, "the crew"): after
 * their last chunk they wait, spinning then parked, for tasks the calling thread lends
 * them, then free the workers' states. */
typedef struct chunk_crew chunk_crew;

/* A job's result is built by merging worker states, one per parsed chunk, in file order. */
typedef struct chunk_job {
    void *arg;
    /* a fresh worker state, or NULL on failure */
    void *(*begin)(void *arg);
    shopstat_row_fn row; /* ctx: a worker state */
    /* add worker state w (one chunk's rows) into the result and leave w ready for another
     * chunk; *map is the slot's own merge state, NULL at first */
    shopstat_status (*merge)(void *arg, void *w, void **map);
    void (*free_state)(void *w);
    void (*free_map)(void *map); /* may be NULL */
    int count_eol; /* count line ends into r's dialect (describe) */
    /* may be NULL: called by the worker on w when its chunk is parsed, before w waits for
     * its turn to be merged: a state's own finishing, done in parallel rather than in the
     * merges, which run one at a time (and, for the last chunks, after all parsing) */
    void (*parsed)(void *w);
    /* may be NULL: called by chunk_run's caller thread once every chunk is merged and the
     * rows are in r's counts, while the other threads may still free their states; not
     * with count_eol (the line ends are counted as the threads end) */
    void (*done)(void *arg);
    /* Merging once (when merge_once is not NULL): each worker parses every chunk it takes
     * into one state, calling mark(w, k) before chunk k, with no merge in between; once
     * every chunk is parsed, merge_once(arg, w, nw, owner, nchunks, crew) merges the nw
     * states at once (owner[k]: the index in w of chunk k's state), then they are freed
     * (by the crew's helpers, when there is a crew). crew: the helpers waiting for the
     * tail's tasks until done has returned (chunk_crew_lend), or NULL (one thread). For
     * jobs whose states can be merged so whatever the chunks each worker took (pass.c,
     * pass_merge_once). mark returns 0, or -1 out of memory. */
    int (*mark)(void *w, size_t k);
    shopstat_status (*merge_once)(void *arg, void *const *w, size_t nw, const int *owner,
                                  size_t nchunks, chunk_crew *crew);
} chunk_job;

/* How the data bytes are cut: chunks of chunk bytes; past the first nfull of them (when
 * tail is not 0) two of half bytes, then chunks of tail bytes; nchunks in all; nominal
 * offsets, each moved to the next line's start. From the sizes alone, never the thread
 * count, so the results are the same on any. */
typedef struct chunk_layout {
    size_t chunk, nfull, half, tail, nchunks;
} chunk_layout;

/* The layout of bytes data bytes for chunks of about target bytes, or of exactly forced
 * bytes when it is not 0 (tests: then no tail). */
void chunk_layout_plan(chunk_layout *l, size_t bytes, size_t target, size_t forced);
/* Nominal offset of chunk k from the start of the data. */
size_t chunk_layout_offset(const chunk_layout *l, size_t k);
/* A worker whose parsed chunk waits for one of bytes bytes, whose parse began at began (s)
 * in a worker parsing rate bytes a second, while it parses own_rate: until when to wait for
 * that chunk (s), or -1 to make a second set of totals and go on (the chunk is expected to
 * end later than a new set would pay off, or is overdue by half that). */
double chunk_wait_until(double now, double began, double bytes, double rate, double own_rate);

/* Passes that took a spare worker (shopstat_pass_prestart) so far, and the spares spinning
 * now: for tests. */
size_t chunk_spares(int *spinning);
/* The last spare started on another CPU than its creator's (shopstat_pass_prestart): the
 * creator's CPU then (*from) and the one the spare first ran on (*first); 0 when none was.
 * For tests. */
int chunk_spare_cpus(int *from, int *first);
/* Spin until done(arg), as long as c's helpers spin at most (NULL c: not at all): the
 * thread that waits for c's helpers spins too (asleep, it was woken on the helper's CPU:
 * parallel.c, chunk_run). */
void chunk_crew_spin_until(const chunk_crew *c, int (*done)(const void *), const void *arg);
/* The crew's helpers that may take a task now (0 for NULL, or once the tail is over). */
int chunk_crew_members(chunk_crew *c);
/* fn(arg) lent to n of c's helpers: each that takes it calls fn(arg) once, from now until
 * chunk_crew_withdraw. One task at a time, from the thread that runs the pass's tail. */
void chunk_crew_lend(chunk_crew *c, void (*fn)(void *), void *arg, int n);
/* The task lent withdrawn: how many of its n were not taken (and will not be). */
int chunk_crew_withdraw(chunk_crew *c);
/* The owner's end of c (NULL: nothing): the tail over if it was not, every state freed (by
 * this thread, those no helper took), then c let go; its helpers leave by themselves. */
void chunk_crew_finish(chunk_crew *c);
/* Threads the library has started (spares, pass workers), and tasks the crews' helpers
 * took, so far: for tests. */
void chunk_crew_stats(size_t *started, size_t *claims);
/* Let the spares still spinning end: a pass that runs without them (one thread, fewer
 * chunks than threads, the exact pass) calls this. */
void chunk_release_spares(void);
/* Thread count of o (then $SHOPSTAT_THREADS, then the online cores). */
int chunk_threads(const shopstat_pass_opts *o);
/* SHOPSTAT_ECANCELED, "the pass was canceled" (shopstat_pass_opts.cancel said stop). */
shopstat_status pass_canceled(shopstat_error *err);
/* Run job over r's data rows in chunks (target bytes per chunk, or o's / the test knob's
 * size when set) on threads threads; *rows: rows merged. 0 on success, the rows read then
 * added to r's counts (reader_note_rows: shopstat_reader_rows_read and _rows_empty hold for
 * the whole file); -1 when the job must be redone on one thread with shopstat_reader_run
 * (r not capable of byte ranges, any row or merge failure: the exact pass names it); -2 when
 * o->cancel said stop (nothing to redo: pass_canceled). crew may be NULL; else on success
 * *crew is the pass's crew or NULL, the caller's to chunk_crew_finish once it wants the
 * workers' states freed (its helpers free them meanwhile), and NULL otherwise. */
int chunk_run(const chunk_job *job, shopstat_reader *r, int threads, size_t target,
              const shopstat_pass_opts *o, size_t *rows, chunk_crew **crew);

#endif
