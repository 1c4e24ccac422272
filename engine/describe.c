/* describe: per-column types, levels and missing counts plus weight/strata/PSU summaries in one pass. */
#include "shopstat/describe.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core.h" /* the plan's exclusions (excl_rows) */
#include "shopstat/scale.h"

/* Bytes of distinct values kept over all columns, shared out per column. */
#define DISTINCT_BUDGET ((size_t)256 << 20)
#define MAX_WEIGHT_BINS ((size_t)1 << 20)

/* Direct cache of short values (up to 7 bytes, packed with their length into one word)
 * in front of a strmap: categorical codes skip hashing and memcmp. */
#define SC_SLOTS 256
#define SC_MAX 128
#define SC_MAX_COLUMNS 4096 /* columns beyond this get no cache (3 KiB each) */
/* skip logic: explainers of at most RT_LEVELS values, their blank as slot RT_BLANK; at most
 * RT_MAX_EXPLAINERS of them, and at most RT_MAX_PAIRS (column, explainer) pairs: a row with
 * a blank costs an OR of a word per 64 columns per explainer (64 and 16,384 until
 * 2026-12-04, when a row added 1 to a count per pair) */
#define RT_LEVELS SHOPSTAT_DESCRIBE_MAX_LEVELS
#define RT_BLANK RT_LEVELS
#define RT_SLOTS (RT_LEVELS + 1)
#define RT_MAX_EXPLAINERS 512
#define RT_MAX_PAIRS 262144
#define RT_MIN_ROWS 5
#define RT_CHANCE 1e-3
#define RT_PAST SIZE_MAX
#define RT_WAS_BLANK (SIZE_MAX - 1)

typedef struct shortcache {
    uint64_t key[SC_SLOTS]; /* 0 = empty */
    uint32_t idx[SC_SLOTS];
    unsigned n;
} shortcache;

typedef struct colacc {
    size_t missing, present;
    int all_numeric;  /* every value folded so far is a number */
    size_t folded;    /* values folded into min/max/sum */
    /* the numbers as written, folded with them (fold_digits): rows written with a 0 before
     * another digit, rows holding a whole multiple of 10, rows holding something besides
     * digits (a sign, a decimal mark), and the fewest and most bytes of a value */
    size_t lead0, tens, notdigits, lmin, lmax;
    /* past the cap (no table to look in): the rows reading Total (reader_total_text), the
     * first one's text */
    size_t total_n;
    char total_text[24];
    double min, max, sum, comp; /* Neumaier-compensated sum for the mean */
    shortcache *sc; /* NULL past SC_MAX_COLUMNS */
    strmap values;
    size_t *counts;
    size_t counts_cap;
    int overflow;
    size_t overflow_n; /* distinct values tracked when the cap was hit */
    size_t last;       /* the id of the value of the row counted last, RT_WAS_BLANK when it was
                          blank, RT_PAST past the table (skip logic: count_routing) */
} colacc;

/* Map from a weight's bit pattern (or bin) to its count: the median's histogram. */
typedef struct u64slot {
    uint64_t key; /* key + 1, 0 = empty */
    size_t count;
} u64slot;

typedef struct u64map {
    u64slot *slots;
    size_t n, nslots;
} u64map;

typedef struct stratacc {
    size_t rows, npsu;
    double fpc;
    int fpc_set;
} stratacc;

struct shopstat_description {
    shopstat_reader *r;
    const char *path;
    size_t ncols;
    colacc *acc;
    shopstat_colsummary *cols;
    shopstat_level *levels; /* storage for every column's levels */
    int dc;
    size_t wcol, scol, pcol, fcol; /* (size_t)-1 when absent */
    const char *wname, *sname, *pname, *fname;
    double wsum, wcomp, wsum2, wcomp2, wmin, wmax;
    size_t zero_weights;
    u64map wmap;
    int wbinned, wunavailable;
    strmap strata;
    shortcache strata_sc;
    stratacc *sacc;
    size_t sacc_cap;
    strmap psus;
    char *key;
    size_t keycap;
    shopstat_stratum *strata_out;
    shopstat_design_summary design;
    size_t rows_used;
    size_t rows_read, rows_skipped, rows_empty;
    int worker; /* a chunk worker's partial description (see count_value) */
    /* runs of two adjacent columns or more that may be one multi-response question (a
     * shared stem or question text, from the header): [column] its run g as 2g, or
     * 2g + 1 but in the run's last column, or SIZE_MAX (grp NULL when there is none), each
     * run's first column and length, and the rows holding a
     * value in the run (any) and in the run but its last column (any_but_last); seen: the
     * run's columns' values counted after the row before */
    size_t *grp;
    size_t nruns;
    size_t *run_first, *run_n, *run_any, *run_any_but_last, *run_seen, *run_seen_but_last;
    /* per run of three columns or more: the rows holding a value in each of its columns,
     * and those holding one same value in all (a grid's straight-liners) */
    size_t *run_full, *run_straight;
    /* the fewest values a row holds, and the rows holding that few (rows answering nothing
     * but the columns every row fills have as few as there are such columns) */
    size_t min_present, min_present_rows;
    size_t answered_nothing; /* (after finish) */
    /* the exact pass goes on past a row whose design columns are wrong, to say how many
     * rows are: the first one's message, the count and the first lines */
    shopstat_error dfail;
    size_t dfail_rows;
    size_t dfail_line[5];
    /* the rows a plan's exclusions leave out (shopstat_describe_excluding): before any
     * column or the design sees them */
    excl_rows excl;
    /* interview length (shopstat_description_speed): the duration column or the start and
     * end columns (SIZE_MAX when absent), each row's length in 1/100 units counted in spmap,
     * spfrac once a length is not whole */
    size_t spcol, spstart, spend;
    u64map spmap;
    int spfrac, spmap_failed;
    size_t spneg, spneg_line; /* lengths under 0 (an end before its start), the first's line */
    shopstat_speed_summary speed;
    int has_speed;
    /* skip logic (shopstat_description_routing): the first rt_nexp columns explain others'
     * blanks while they hold at most RT_LEVELS values (rt_dead once past). Bit x of
     * rt_ans[(e * RT_SLOTS + l) * rt_words + x / 64] is set once column x is answered in a
     * row where explainer e holds its value of id l (RT_BLANK: e blank; the rows at l are
     * e's counts[l], or its missing). That is all route_of needs: x's blanks where e holds
     * a value under which x is never answered are those rows, and the rest of its blanks,
     * x's missing less those, fall where it was asked (each row where x is blank is at one
     * slot of every explainer). A row with a blank ORs its answered columns in 64 at a time
     * (rt_mask, its blank columns: one row's scratch) and counts itself in rt_inc[e *
     * RT_SLOTS + l]; a row with none leaves both alone: where e's rows at l outnumber those
     * counted, a row answered every column there (rt_answered). Until 2026-12-04 a row
     * added 1 to a count per (blank column, explainer), 27,000 instructions a row on a
     * 200-column file. rt_live: the explainers not dead */
    size_t rt_nexp, rt_live, rt_words;
    size_t *rt_inc;
    uint64_t *rt_ans, *rt_mask;
    unsigned char *rt_dead;
    shopstat_routing *routes; /* per column (after finish); by SIZE_MAX: none */
    const char **rt_values;   /* the routes' asked and skipped values */
};

const char *shopstat_coltype_name(shopstat_coltype t)
{
    switch (t) {
    case SHOPSTAT_COL_EMPTY: return "empty";
    case SHOPSTAT_COL_NUMERIC: return "numeric";
    case SHOPSTAT_COL_CATEGORICAL: return "categorical";
    case SHOPSTAT_COL_TEXT: return "text";
    }
    return "unknown";
}

/* ---- weight histogram ------------------------------------------------------------------ */

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static int u64map_add(u64map *m, uint64_t key, size_t count)
{
    if ((m->n + 1) * 2 > m->nslots) {
        size_t ns = m->nslots ? m->nslots * 2 : 1024;
        u64slot *t = calloc(ns, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < m->nslots; i++)
            if (m->slots[i].key) {
                size_t j = mix64(m->slots[i].key - 1) & (ns - 1);
                while (t[j].key)
                    j = (j + 1) & (ns - 1);
                t[j] = m->slots[i];
            }
        free(m->slots);
        m->slots = t;
        m->nslots = ns;
    }
    size_t mask = m->nslots - 1;
    for (size_t j = mix64(key) & mask;; j = (j + 1) & mask) {
        if (m->slots[j].key == key + 1) {
            m->slots[j].count += count;
            return 0;
        }
        if (!m->slots[j].key) {
            m->slots[j].key = key + 1;
            m->slots[j].count = count;
            m->n++;
            return 0;
        }
    }
}

static void u64map_free(u64map *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* A weight's histogram key: its bits, or its bin (top 12 mantissa bits) once binned.
 * Weights are >= 0 (with -0 folded to 0), so key order is numeric order. */
#define BIN_SHIFT 40

/* Past SHOPSTAT_DESCRIBE_MAX_WEIGHTS distinct weights the histogram holds bins (the exact
 * keys binned, then bins as they come); past MAX_WEIGHT_BINS bins there is no median. The
 * final histogram does not depend on when it was binned. */
static shopstat_status bin_weights(shopstat_description *ds)
{
    u64map old = ds->wmap;
    memset(&ds->wmap, 0, sizeof ds->wmap);
    ds->wbinned = 1;
    for (size_t i = 0; i < old.nslots; i++)
        if (old.slots[i].key && u64map_add(&ds->wmap, (old.slots[i].key - 1) >> BIN_SHIFT,
                                           old.slots[i].count) != 0) {
            u64map_free(&old);
            return SHOPSTAT_ENOMEM;
        }
    u64map_free(&old);
    return SHOPSTAT_OK;
}

static shopstat_status weight_caps(shopstat_description *ds)
{
    if (!ds->wbinned && ds->wmap.n > SHOPSTAT_DESCRIBE_MAX_WEIGHTS && bin_weights(ds))
        return SHOPSTAT_ENOMEM;
    if (ds->wbinned && ds->wmap.n > MAX_WEIGHT_BINS) {
        ds->wunavailable = 1;
        u64map_free(&ds->wmap);
    }
    return SHOPSTAT_OK;
}

static shopstat_status add_weight(shopstat_description *ds, double w)
{
    if (ds->wunavailable)
        return SHOPSTAT_OK;
    uint64_t bits;
    memcpy(&bits, &w, sizeof bits);
    if (ds->wbinned)
        bits >>= BIN_SHIFT;
    if (u64map_add(&ds->wmap, bits, 1) != 0)
        return SHOPSTAT_ENOMEM;
    return weight_caps(ds);
}

typedef struct kc {
    uint64_t key;
    size_t count;
} kc;

static int cmp_kc(const void *a, const void *b)
{
    uint64_t x = ((const kc *)a)->key, y = ((const kc *)b)->key;
    return x < y ? -1 : x > y;
}

static double key_value(const shopstat_description *ds, uint64_t key)
{
    uint64_t bits = ds->wbinned ? (key << BIN_SHIFT) | ((uint64_t)1 << (BIN_SHIFT - 1)) : key;
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* The keys of count map m in order, each with its count (*out, n entries, malloc'd; the
 * counts' total in *total), and the keys of the middle two of those total values, R's
 * median() taking their mean: *lo_key and *hi_key. -1 when out of memory. */
static int sorted_counts(const u64map *m, kc **out, size_t *n, size_t *total, uint64_t *lo_key,
                         uint64_t *hi_key)
{
    kc *v = malloc(m->n * sizeof *v);
    if (!v)
        return -1;
    size_t k = 0, t = 0;
    for (size_t i = 0; i < m->nslots; i++)
        if (m->slots[i].key) {
            v[k].key = m->slots[i].key - 1;
            v[k].count = m->slots[i].count;
            t += v[k].count;
            k++;
        }
    qsort(v, k, sizeof *v, cmp_kc);
    size_t lo = (t - 1) / 2, hi = t / 2, cum = 0;
    int have_lo = 0;
    for (size_t i = 0; i < k; i++) {
        if (!have_lo && lo < cum + v[i].count) {
            *lo_key = v[i].key;
            have_lo = 1;
        }
        if (hi < cum + v[i].count) {
            *hi_key = v[i].key;
            break;
        }
        cum += v[i].count;
    }
    *out = v;
    *n = k;
    *total = t;
    return 0;
}

/* Median of the weights as R's median(): the middle value, or the mean of the two. */
static shopstat_status weight_median(shopstat_description *ds, double *out)
{
    *out = NAN;
    if (ds->wunavailable || ds->wmap.n == 0)
        return SHOPSTAT_OK;
    kc *v;
    size_t n, total;
    uint64_t ka, kb;
    if (sorted_counts(&ds->wmap, &v, &n, &total, &ka, &kb) != 0)
        return SHOPSTAT_ENOMEM;
    free(v);
    double a = key_value(ds, ka), b = key_value(ds, kb);
    *out = (a + b) / 2;
    if (isinf(*out))
        *out = a / 2 + b / 2; /* two weights near DBL_MAX */
    return SHOPSTAT_OK;
}

/* The rows of weight above SHOPSTAT_DESCRIBE_LARGE_WEIGHT times the median m, and their sum,
 * from the histogram (binned weights: each at its bin's middle). */
static void weight_tail(const shopstat_description *ds, double m, size_t *count, double *sum)
{
    *count = 0;
    *sum = 0;
    if (ds->wunavailable || !(m > 0))
        return;
    for (size_t i = 0; i < ds->wmap.nslots; i++)
        if (ds->wmap.slots[i].key) {
            double w = key_value(ds, ds->wmap.slots[i].key - 1);
            if (w > SHOPSTAT_DESCRIBE_LARGE_WEIGHT * m) {
                *count += ds->wmap.slots[i].count;
                *sum += w * (double)ds->wmap.slots[i].count;
            }
        }
}

/* ---- interview length ------------------------------------------------------------------ */

/* The name lower-cased without '_', ' ', '-', '.', '(' and ')', at most cap - 1 bytes. */
static void squeeze(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (; *name && n + 1 < cap; name++)
        if (!strchr("_ -.()", *name))
            out[n++] = (char)tolower((unsigned char)*name);
    out[n] = 0;
}

static int named_among(const char *name, const char *const *words)
{
    char sq[64];
    if (strlen(name) >= sizeof sq)
        return 0;
    squeeze(name, sq, sizeof sq);
    for (; *words; words++)
        if (!strcmp(sq, *words))
            return 1;
    return 0;
}

/* "Duration (in seconds)" (Qualtrics), "duration_s", "LOI" (length of interview), "qtime"
 * (Decipher), "interview_length" */
static int duration_name(const char *name)
{
    static const char *const words[] = {
        "loi", "qtime", "interviewlength", "lengthofinterview", "timetaken", "elapsedtime", NULL};
    char sq[64];
    if (strlen(name) >= sizeof sq)
        return 0;
    squeeze(name, sq, sizeof sq);
    return !strncmp(sq, "duration", 8) || named_among(name, words);
}

static int start_name(const char *name)
{
    static const char *const words[] = {"startdate", "starttime",   "start",          "startedat",
                                        "started",   "datestarted", "interviewstart", NULL};
    return named_among(name, words);
}

static int end_name(const char *name)
{
    static const char *const words[] = {"enddate",     "endtime",       "end",        "endedat",
                                        "ended",       "datesubmitted", "submitdate", "submittedat",
                                        "completedat", "interviewend",  NULL};
    return named_among(name, words);
}

static void find_speed_columns(shopstat_description *ds)
{
    ds->spcol = ds->spstart = ds->spend = SIZE_MAX;
    for (size_t i = 0; i < ds->ncols; i++) {
        const char *n = shopstat_reader_colname(ds->r, i);
        if (!n)
            continue;
        if (ds->spcol == SIZE_MAX && duration_name(n))
            ds->spcol = i;
        else if (ds->spstart == SIZE_MAX && start_name(n))
            ds->spstart = i;
        else if (ds->spend == SIZE_MAX && end_name(n))
            ds->spend = i;
    }
    if (ds->spcol != SIZE_MAX || ds->spstart == SIZE_MAX || ds->spend == SIZE_MAX)
        ds->spstart = ds->spend = SIZE_MAX;
}

/* This row's interview length counted (nothing when it cannot be read). 1 when it is
 * negative in a chunk worker's row, which has no position: the exact pass (one thread, the
 * rows' lines) names the first one's line. */
static int count_speed(shopstat_description *ds, const shopstat_row *row)
{
    double v;
    if (ds->spmap_failed)
        return 0;
    if (ds->spcol != SIZE_MAX) {
        size_t c = ds->spcol;
        if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]) ||
            shopstat_parse_number(row->fields[c], row->lens[c], ds->dc, &v) != 1)
            return 0;
    } else if (ds->spstart != SIZE_MAX) {
        double a, b;
        if (!parse_stamp(row->fields[ds->spstart], row->lens[ds->spstart], 1, &a) ||
            !parse_stamp(row->fields[ds->spend], row->lens[ds->spend], 1, &b))
            return 0;
        v = b - a;
    } else {
        return 0;
    }
    if (v < 0) { /* (kept out of the median: a clock's fault, not an interview) */
        if (ds->worker)
            return 1;
        if (ds->spneg++ == 0)
            ds->spneg_line = row->nfields ? row->pos[0].line : 0;
        return 0;
    }
    if (!(v >= 0) || v > 1e15)
        return 0;
    ds->spfrac |= v != floor(v);
    if (u64map_add(&ds->spmap, (uint64_t)floor(v * 100 + 1e-6), 1) != 0) {
        ds->spmap_failed = 1; /* (a hint, not worth failing the description for) */
        u64map_free(&ds->spmap);
    }
    return 0;
}

static void merge_speed(shopstat_description *g, const shopstat_description *w)
{
    g->spfrac |= w->spfrac; /* (spneg: none in a worker, see count_speed) */
    if (w->spmap_failed && !g->spmap_failed) {
        g->spmap_failed = 1;
        u64map_free(&g->spmap);
    }
    for (size_t i = 0; i < w->spmap.nslots && !g->spmap_failed; i++)
        if (w->spmap.slots[i].key &&
            u64map_add(&g->spmap, w->spmap.slots[i].key - 1, w->spmap.slots[i].count) != 0) {
            g->spmap_failed = 1;
            u64map_free(&g->spmap);
        }
}

/* The median length (R's median()) and the rows under a third of it. */
static shopstat_status finish_speed(shopstat_description *ds)
{
    if (ds->spmap_failed || (ds->spmap.n == 0 && ds->spneg == 0))
        return SHOPSTAT_OK;
    if (ds->spcol != SIZE_MAX && ds->cols[ds->spcol].type != SHOPSTAT_COL_NUMERIC)
        return SHOPSTAT_OK; /* (text, or a question's few codes: "duration_customer" 1-5) */
    shopstat_speed_summary *sp = &ds->speed;
    sp->col = ds->spcol;
    sp->start = ds->spstart;
    sp->end = ds->spend;
    sp->negative = ds->spneg;
    sp->negative_line = ds->spneg_line;
    ds->has_speed = 1;
    if (ds->spmap.n == 0) { /* (every length read is negative) */
        sp->rows = sp->fast = 0;
        sp->median = sp->limit = NAN;
        return SHOPSTAT_OK;
    }
    kc *v;
    size_t n, total;
    uint64_t ka, kb;
    if (sorted_counts(&ds->spmap, &v, &n, &total, &ka, &kb) != 0)
        return SHOPSTAT_ENOMEM;
    double a = (double)ka, b = (double)kb;
    sp->rows = total;
    sp->median = (a + b) / 200;
    /* a third, rounded up to what the values hold: whole units, or hundredths */
    double limit100 = ds->spfrac ? ceil((a + b) / 6 - 1e-9) : 100 * ceil((a + b) / 600 - 1e-9);
    sp->limit = limit100 / 100;
    sp->fast = 0;
    for (size_t i = 0; i < n && (double)v[i].key < limit100; i++)
        sp->fast += v[i].count;
    free(v);
    return SHOPSTAT_OK;
}

const shopstat_speed_summary *shopstat_description_speed(const shopstat_description *ds)
{
    return ds && ds->has_speed ? &ds->speed : NULL;
}

/* ---- the row callback -------------------------------------------------------------------- */

static shopstat_status field_error_hint(shopstat_description *ds, const shopstat_row *row, size_t c,
                                        shopstat_error *err, const char *fmt, const char *what,
                                        const char *col, const char *hint);

static shopstat_status field_error(shopstat_description *ds, const shopstat_row *row, size_t c,
                                   shopstat_error *err, const char *fmt, const char *what,
                                   const char *col)
{
    return field_error_hint(ds, row, c, err, fmt, what, col, "");
}

/* field_error with hint (a whole sentence's end, or "") after the message */
static shopstat_status field_error_hint(shopstat_description *ds, const shopstat_row *row, size_t c,
                                        shopstat_error *err, const char *fmt, const char *what,
                                        const char *col, const char *hint)
{
    /* A field may be a megabyte long: quote its first 40 bytes, cut at a character start. */
    char shown[48];
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        snprintf(shown, sizeof shown, "%.*s...", (int)n, s);
        s = shown;
    }
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, fmt, what, col, s);
    return shopstat_error_set(err, SHOPSTAT_EINPUT, ds->path, row->pos[c].line, row->pos[c].col,
                              "%s%s", msg, hint);
}

static void fold(colacc *a, double v, size_t count)
{
    if (a->folded == 0 || v < a->min)
        a->min = v;
    if (a->folded == 0 || v > a->max)
        a->max = v;
    ksum(&a->sum, &a->comp, v * (double)count);
    a->folded += count;
}

/* The writing of number v, s (len bytes), count rows of it, into a's evidence of a code:
 * "01000" (a postcode's leading zero), 1204 (digits alone, 4 of them), 2500 (a multiple
 * of 10, as amounts are rounded and codes are not). Folded with the value (before a's
 * folded count moves). */
static void fold_digits(colacc *a, const char *s, size_t len, double v, size_t count)
{
    while (len && s[0] == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (len > 1 && s[0] == '0' && isdigit((unsigned char)s[1]))
        a->lead0 += count;
    if (v == floor(v) && fmod(v, 10) == 0)
        a->tens += count;
    size_t d = 0;
    while (d < len && isdigit((unsigned char)s[d]))
        d++;
    if (d < len)
        a->notdigits += count;
    if (a->folded == 0 || len < a->lmin)
        a->lmin = len;
    if (a->folded == 0 || len > a->lmax)
        a->lmax = len;
}

/* Fold every distinct value with its count: numbers are parsed once per distinct value,
 * not once per row. */
static void fold_table(colacc *a, int dc)
{
    for (size_t k = 0; k < a->values.n && a->all_numeric; k++) {
        double v;
        const char *key = strmap_key(&a->values, k);
        if (shopstat_parse_number(key, a->values.len[k], dc, &v) == 1) {
            fold_digits(a, key, a->values.len[k], v, a->counts[k]);
            fold(a, v, a->counts[k]);
        } else {
            a->all_numeric = 0;
        }
    }
}

/* Every value of m a number when read with a decimal comma, and one of them unlike a list
 * of two answer codes ("1,3" is Qualtrics' answers 1 and 3 as often as 1.3): a zero before
 * the comma ("0,5") or two digits after it ("1,25", "12,345"); in a column named like a
 * weight (weight), any comma ("1,5": a weight, which a list of codes never is) */
static int comma_numbers(const strmap *m, int weight)
{
    int decimal = 0;
    for (size_t k = 0; k < m->n; k++) {
        const char *s = strmap_key(m, k);
        size_t len = m->len[k];
        double v;
        if (shopstat_parse_number(s, len, 1, &v) != 1)
            return 0;
        const char *comma = memchr(s, ',', len);
        if (!comma)
            continue;
        size_t after = 0;
        while (comma + 1 + after < s + len && isdigit((unsigned char)comma[1 + after]))
            after++;
        const char *lead = s[0] == '-' || s[0] == '+' ? s + 1 : s;
        decimal |= after >= 2 || (comma - lead == 1 && lead[0] == '0') || weight;
    }
    return decimal;
}

/* Whether s (len bytes) says "no value" as a spreadsheet's cell does where a number is
 * lacking: n/a, N/A, na, n.a., n/d, nd, n.d., nc, n.c., nr, s.o., -, --, ?, #N/A, #N/D
 * (Excel's, English and French), none, null, nan. "NA" and "" are missing already. */
static int no_value_text(const char *s, size_t len)
{
    static const char *const words[] = {"n/a",  "na",   "n.a.", "n/d",  "nd",  "n.d.", "nc",
                                        "n.c.", "nr",   "n.r.", "s.o.", "-",   "--",   "?",
                                        "#n/a", "#n/d", "none", "null", "nan", NULL};
    char low[8];
    if (len == 0 || len >= sizeof low)
        return 0;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[len] = '\0';
    for (const char *const *w = words; *w; w++)
        if (strcmp(low, *w) == 0)
            return 1;
    return 0;
}

/* The one value of a's table that is no number but says "no value" (no_value_text), among
 * three distinct numbers or more and no other text, with its count; NULL otherwise. */
static const char *no_value_of(const colacc *a, int dc, size_t *count)
{
    const char *hit = NULL;
    size_t numbers = 0;
    for (size_t k = 0; k < a->values.n; k++) {
        const char *s = strmap_key(&a->values, k);
        double v;
        if (shopstat_parse_number(s, a->values.len[k], dc, &v) == 1) {
            numbers++;
        } else {
            if (hit || !no_value_text(s, a->values.len[k]))
                return NULL;
            hit = s;
            *count = a->counts[k];
        }
    }
    return numbers >= 3 ? hit : NULL;
}

/* The value of a's table that reads Total in one row of a column of three distinct values or
 * more (an id's, a name's: a totals row's label), NULL if none. */
static const char *total_of(const colacc *a)
{
    if (a->values.n < 3)
        return NULL;
    for (size_t k = 0; k < a->values.n; k++)
        if (a->counts[k] == 1 && reader_total_text(strmap_key(&a->values, k), a->values.len[k]))
            return strmap_key(&a->values, k);
    return NULL;
}

/* Half a unit of the last decimal place s (len bytes) is written with: 0.005 for "12.50",
 * 0.5 for "357" (a spreadsheet's SUM shown to the values' own decimals). */
static double half_unit(const char *s, size_t len)
{
    const char *dot = NULL;
    for (size_t k = 0; k < len; k++)
        if (s[k] == '.' || s[k] == ',')
            dot = s + k;
    double h = 0.5;
    for (const char *p = dot ? dot + 1 : s + len; p < s + len && isdigit((unsigned char)*p); p++)
        h /= 10;
    return h;
}

/* The value of a's table (all numbers, sum the column's) held by one row that is the sum
 * of every other row's, to its own decimals: a totals row's cell (40262.17 under the
 * baskets); NULL when none, or the column holds fewer than 4 values or 3 distinct, or
 * the others sum to 0 or less. */
static const char *sum_of_others(const colacc *a, int dc, double sum)
{
    if (a->present < 4 || a->values.n < 3)
        return NULL;
    for (size_t k = 0; k < a->values.n; k++) {
        const char *key = strmap_key(&a->values, k);
        double v;
        if (a->counts[k] != 1 || shopstat_parse_number(key, a->values.len[k], dc, &v) != 1 ||
            !(v > 0) || !(sum - v > 0))
            continue;
        if (fabs(v - (sum - v)) <= half_unit(key, a->values.len[k]) + 1e-9 * fabs(sum))
            return key;
    }
    return NULL;
}

/* Whether a value of a's table is a number with a fractional part (a weight, not an id) */
static int fractional(const colacc *a, int dc)
{
    for (size_t k = 0; k < a->values.n; k++) {
        double v;
        if (shopstat_parse_number(strmap_key(&a->values, k), a->values.len[k], dc, &v) == 1 &&
            v != floor(v))
            return 1;
    }
    return 0;
}

/* Column a has passed its cap: only "more than N" distinct values is kept, the table is
 * folded into min/max/sum and freed, and numbers are parsed row by row from now on. */
static void column_overflow(shopstat_description *ds, colacc *a)
{
    fold_table(a, ds->dc);
    a->overflow = 1;
    a->overflow_n = a->values.n;
    strmap_free(&a->values);
    free(a->counts);
    a->counts = NULL;
    a->counts_cap = 0;
    free(a->sc);
    a->sc = NULL;
}

static size_t lookup_add(strmap *m, shortcache *sc, const char *s, size_t len, int *added)
{
    uint64_t key = 0;
    size_t slot = 0;
    if (!sc)
        return strmap_add(m, s, len, strmap_hash(s, len), added);
    if (len <= 7) {
        /* Byte by byte: a variable-length memcpy into the word stalls store forwarding. */
        for (size_t i = 0; i < len; i++)
            key |= (uint64_t)(unsigned char)s[i] << (8 * i);
        key |= (uint64_t)len << 56;
        slot = mix64(key) & (SC_SLOTS - 1);
        while (sc->key[slot]) {
            if (sc->key[slot] == key) {
                *added = 0;
                return sc->idx[slot];
            }
            slot = (slot + 1) & (SC_SLOTS - 1);
        }
    }
    size_t k = strmap_add(m, s, len, strmap_hash(s, len), added);
    if (len <= 7 && k < STRMAP_NOMEM && sc->n < SC_MAX) {
        sc->key[slot] = key;
        sc->idx[slot] = (uint32_t)k;
        sc->n++;
    }
    return k;
}

/* Count n rows of value s in column a. Past the column's cap (distinct values or bytes)
 * only "more than N" is kept: the table is folded into min/max/sum and freed, and numbers
 * are parsed row by row. A chunk worker (ds->worker) keeps its full table (the chunk's
 * first values, with their counts until then) unfolded, and folds the rows after: the
 * merge replays the table into the final description in the chunk's order of first
 * appearance, which is the file's, so the final table fills at the same value as in one
 * pass (see merge_column). */
static shopstat_status count_value(shopstat_description *ds, colacc *a, const char *s,
                                   size_t len, size_t n)
{
    if (!a->overflow) {
        int added;
        size_t k = lookup_add(&a->values, a->sc, s, len, &added);
        if (k == STRMAP_NOMEM)
            return SHOPSTAT_ENOMEM;
        if (k != STRMAP_FULL) {
            if (added) {
                if (k >= a->counts_cap) {
                    size_t nc = a->counts_cap ? a->counts_cap * 2 : 16;
                    size_t *c = realloc(a->counts, nc * sizeof *c);
                    if (!c)
                        return SHOPSTAT_ENOMEM;
                    a->counts = c;
                    a->counts_cap = nc;
                }
                a->counts[k] = 0;
            }
            a->counts[k] += n;
            a->last = k;
            return SHOPSTAT_OK;
        }
        a->last = RT_PAST;
        if (ds->worker)
            a->overflow = 1;
        else
            column_overflow(ds, a);
    }
    double v;
    if (a->all_numeric && shopstat_parse_number(s, len, ds->dc, &v) == 1) {
        fold_digits(a, s, len, v, n);
        fold(a, v, n);
        return SHOPSTAT_OK;
    }
    a->all_numeric = 0;
    /* (a totals row's label under thousands of ids or names: total_of has no table) */
    if (len < sizeof a->total_text && reader_total_text(s, len)) {
        if (!a->total_n) {
            memcpy(a->total_text, s, len);
            a->total_text[len] = '\0';
        }
        a->total_n += n;
    }
    return SHOPSTAT_OK;
}

/* A design column missing in this row, with why when the value is a --missing code */
static shopstat_status missing_error(shopstat_description *ds, const shopstat_row *row, size_t c,
                                     shopstat_error *err, const char *what, const char *col)
{
    char hint[400];
    return field_error_hint(ds, row, c, err, "%s column '%s' is missing ('%s') in this row", what,
                            col, reader_missing_row_hint(ds->r, row, c, hint, sizeof hint));
}

static shopstat_status design_row(shopstat_description *ds, const shopstat_row *row,
                                  shopstat_error *err)
{
    if (ds->wcol != (size_t)-1) {
        size_t c = ds->wcol;
        if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]))
            return missing_error(ds, row, c, err, "weight", ds->wname);
        double w;
        int k = shopstat_parse_number(row->fields[c], row->lens[c], ds->dc, &w);
        char hint[200];
        if (k == 0)
            return field_error_hint(
                ds, row, c, err, "%s column '%s': weight '%s' is not a number", "weight", ds->wname,
                reader_number_hint(ds->r, row, row->fields[c], row->lens[c], hint, sizeof hint));
        if (k < 0)
            return field_error(ds, row, c, err, "%s column '%s': weight '%s' is not finite",
                               "weight", ds->wname);
        if (w < 0)
            return field_error(ds, row, c, err, "%s column '%s': weight '%s' is negative", "weight",
                               ds->wname);
        if (w > SHOPSTAT_MAX_WEIGHT)
            return field_error(ds, row, c, err,
                               "%s column '%s': weight '%s' is larger than 1e100; rescale the "
                               "weights",
                               "weight", ds->wname);
        if (w > 0 && w < SHOPSTAT_MIN_WEIGHT)
            return field_error(ds, row, c, err,
                               "%s column '%s': weight '%s' is positive but smaller than 1e-100; "
                               "rescale the weights (0 is a zero weight)",
                               "weight", ds->wname);
        if (w == 0) {
            w = 0; /* fold -0 into +0 so bit order is numeric order */
            ds->zero_weights++;
        }
        ksum(&ds->wsum, &ds->wcomp, w);
        ksum(&ds->wsum2, &ds->wcomp2, w * w);
        if (ds->rows_used == 0 || w < ds->wmin)
            ds->wmin = w;
        if (ds->rows_used == 0 || w > ds->wmax)
            ds->wmax = w;
        if (add_weight(ds, w) != SHOPSTAT_OK)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    }
    size_t h = 0;
    if (ds->scol != (size_t)-1) {
        size_t c = ds->scol;
        if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]))
            return missing_error(ds, row, c, err, "strata", ds->sname);
        int added;
        h = lookup_add(&ds->strata, &ds->strata_sc, row->fields[c], row->lens[c], &added);
        if (h == STRMAP_FULL)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, ds->path, row->pos[c].line,
                                      row->pos[c].col, "more than %d strata",
                                      SHOPSTAT_DESCRIBE_MAX_STRATA);
        if (h == STRMAP_NOMEM)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    }
    if (h >= ds->sacc_cap) {
        size_t nc = ds->sacc_cap ? ds->sacc_cap * 2 : 64;
        stratacc *s = realloc(ds->sacc, nc * sizeof *s);
        if (!s)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        memset(s + ds->sacc_cap, 0, (nc - ds->sacc_cap) * sizeof *s);
        ds->sacc = s;
        ds->sacc_cap = nc;
    }
    stratacc *sa = &ds->sacc[h];
    sa->rows++;
    if (ds->pcol != (size_t)-1) {
        size_t c = ds->pcol;
        if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]))
            return missing_error(ds, row, c, err, "psu", ds->pname);
        /* PSU ids are nested in strata: the key is (stratum index, PSU text). */
        size_t need = sizeof h + row->lens[c];
        if (need > ds->keycap) {
            char *k = realloc(ds->key, need);
            if (!k)
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
            ds->key = k;
            ds->keycap = need;
        }
        memcpy(ds->key, &h, sizeof h);
        memcpy(ds->key + sizeof h, row->fields[c], row->lens[c]);
        int added;
        size_t k = strmap_add(&ds->psus, ds->key, need, strmap_hash(ds->key, need), &added);
        if (k == STRMAP_FULL)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, ds->path, row->pos[c].line,
                                      row->pos[c].col, "more than %d PSUs",
                                      SHOPSTAT_DESCRIBE_MAX_PSUS);
        if (k == STRMAP_NOMEM)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        sa->npsu += (size_t)added;
    } else {
        sa->npsu++;
    }
    if (ds->fcol != (size_t)-1) {
        size_t c = ds->fcol;
        double f;
        if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]))
            return missing_error(ds, row, c, err, "fpc", ds->fname);
        int k = shopstat_parse_number(row->fields[c], row->lens[c], ds->dc, &f);
        char hint[200];
        if (k <= 0 || f <= 0)
            return field_error_hint(
                ds, row, c, err,
                "%s column '%s': '%s' is not a positive number (a population "
                "size, or a sampling fraction up to 1)",
                "fpc", ds->fname,
                k == 0 ? reader_number_hint(ds->r, row, row->fields[c], row->lens[c], hint,
                                            sizeof hint)
                       : "");
        if (f < SHOPSTAT_MIN_FPC || f > SHOPSTAT_MAX_FPC)
            return field_error(ds, row, c, err,
                               "%s column '%s': '%s' is outside 1e-100 to 1e100 (a population "
                               "size, or a sampling fraction up to 1)",
                               "fpc", ds->fname);
        if (!sa->fpc_set) {
            sa->fpc = f;
            sa->fpc_set = 1;
        } else if (f != sa->fpc) {
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, ds->path, row->pos[c].line, row->pos[c].col,
                "fpc column '%s': '%s' differs from %g given earlier for the same stratum%s",
                ds->fname, row->fields[c], sa->fpc,
                ds->scol == (size_t)-1
                    ? " (without --strata the sample is one stratum, of one fpc: population "
                      "sizes per group, sector or region, want that group as --strata)"
                    : "");
        }
    }
    return SHOPSTAT_OK;
}

/* After a row: the runs it holds a value in (whole, and but for their last column), seen
 * in their columns' counts of values, which the row moved or not (no work per field). */
static void count_runs(shopstat_description *ds)
{
    for (size_t g = 0; g < ds->nruns; g++) {
        const colacc *a = ds->acc + ds->run_first[g];
        size_t n = ds->run_n[g], but_last = 0;
        for (size_t k = 0; k + 1 < n; k++)
            but_last += a[k].present;
        size_t all = but_last + a[n - 1].present;
        ds->run_any_but_last[g] += but_last != ds->run_seen_but_last[g];
        ds->run_any[g] += all != ds->run_seen[g];
        ds->run_seen_but_last[g] = but_last;
        ds->run_seen[g] = all;
    }
}

/* A row answering every column of a run of three or more, and whether with one answer. */
static void count_straight(shopstat_description *ds, const shopstat_row *row)
{
    for (size_t g = 0; g < ds->nruns; g++) {
        size_t f = ds->run_first[g], n = ds->run_n[g], k;
        if (n < 3)
            continue;
        int same = 1;
        for (k = 0; k < n; k++) {
            size_t c = f + k;
            if (shopstat_reader_is_missing_at(ds->r, c, row->fields[c], row->lens[c]))
                break;
            same &= row->lens[c] == row->lens[f] &&
                    !memcmp(row->fields[c], row->fields[f], row->lens[f]);
        }
        if (k < n)
            continue;
        ds->run_full[g]++;
        ds->run_straight[g] += same;
    }
}

/* The answered columns of a row with a blank (those not in rt_mask, which is cleared
 * here) against the explainers' values (see rt_ans). */
static void count_routing(shopstat_description *ds)
{
    size_t ne = ds->rt_nexp, nw = ds->rt_words;
    uint64_t *mask = ds->rt_mask;
    for (size_t e = 0; e < ne; e++) {
        size_t l = ds->acc[e].last;
        if (ds->rt_dead[e])
            continue;
        if (l == RT_WAS_BLANK) {
            l = RT_BLANK;
        } else if (l >= RT_LEVELS) { /* (a value past RT_LEVELS: no explainer) */
            ds->rt_dead[e] = 1;
            ds->rt_live--;
            continue;
        }
        ds->rt_inc[e * RT_SLOTS + l]++;
        uint64_t *ans = ds->rt_ans + (e * RT_SLOTS + l) * nw;
        for (size_t w = 0; w < nw; w++)
            ans[w] |= ~mask[w];
    }
    memset(mask, 0, nw * sizeof *mask);
}

static shopstat_status on_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    shopstat_description *ds = ctx;
    /* an excluded row is not in the data (as for tab): no column nor the design sees it */
    long k = ds->excl.nexcl ? excl_rows_take(&ds->excl, row) : 0;
    if (k < 0)
        return excl_rows_error(&ds->excl, k, err);
    if (k)
        return SHOPSTAT_OK;
    shopstat_status s = design_row(ds, row, err);
    if (s == SHOPSTAT_EINPUT && !ds->worker) {
        /* describe checks a design: count such rows rather than stop at the first */
        if (ds->dfail_rows == 0)
            ds->dfail = *err;
        if (ds->dfail_rows < 5)
            ds->dfail_line[ds->dfail_rows] = row->nfields ? row->pos[0].line : 0;
        ds->dfail_rows++;
        shopstat_error_clear(err);
        return SHOPSTAT_OK;
    }
    if (s != SHOPSTAT_OK)
        return s;
    size_t present = 0, nblank = 0;
    for (size_t i = 0; i < ds->ncols; i++) {
        colacc *a = &ds->acc[i];
        const char *f = row->fields[i];
        size_t len = row->lens[i];
        if (shopstat_reader_is_missing_at(ds->r, i, f, len)) {
            a->missing++;
            a->last = RT_WAS_BLANK;
            if (ds->rt_live) {
                ds->rt_mask[i >> 6] |= (uint64_t)1 << (i & 63);
                nblank++;
            }
            continue;
        }
        a->present++;
        present++;
        if (count_value(ds, a, f, len, 1) != SHOPSTAT_OK)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    }
    if (nblank)
        count_routing(ds);
    if (ds->nruns) {
        count_runs(ds);
        count_straight(ds, row);
    }
    if (count_speed(ds, row))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, ds->path, 0, 0,
                                  "a negative interview length: its line is wanted");
    if (ds->rows_used == 0 || present < ds->min_present) {
        ds->min_present = present;
        ds->min_present_rows = 0;
    }
    ds->min_present_rows += present == ds->min_present;
    ds->rows_used++;
    return SHOPSTAT_OK;
}

/* ---- results ------------------------------------------------------------------------------ */

typedef struct sortkey {
    const char *s;
    double v;
    size_t idx;
} sortkey;

static int cmp_num(const void *a, const void *b)
{
    const sortkey *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return strcmp(x->s, y->s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(((const sortkey *)a)->s, ((const sortkey *)b)->s);
}

/* Order of the keys of m: numeric when every key is a number, else in time order when every
 * key names a period (a wave column's "Jan 2024", "Q2 2024": shopstat_scale_time_order), else
 * byte order. Caller frees; NULL out of memory. */
static sortkey *sorted_keys(const strmap *m, int dc)
{
    sortkey *k = malloc((m->n ? m->n : 1) * sizeof *k);
    if (!k)
        return NULL;
    int numeric = 1;
    for (size_t i = 0; i < m->n; i++) {
        k[i].s = strmap_key(m, i);
        k[i].idx = i;
        if (shopstat_parse_number(k[i].s, m->len[i], dc, &k[i].v) != 1)
            numeric = 0;
    }
    qsort(k, m->n, sizeof *k, numeric ? cmp_num : cmp_str);
    if (numeric || m->n < 2)
        return k;
    const char **lab = malloc(m->n * sizeof *lab);
    size_t *pos = malloc(m->n * sizeof *pos);
    sortkey *t = malloc(m->n * sizeof *t);
    if (!lab || !pos || !t) {
        free(lab);
        free(pos);
        free(t);
        free(k);
        return NULL;
    }
    int ok = 1;
    for (size_t i = 0; i < m->n && ok; i++) {
        lab[i] = k[i].s;
        ok = strlen(k[i].s) == m->len[k[i].idx]; /* (a value holding a NUL byte is no period) */
    }
    int r = ok ? period_order(lab, m->n, pos) : 0;
    if (r > 0) {
        for (size_t i = 0; i < m->n; i++)
            t[i] = k[pos[i]];
        memcpy(k, t, m->n * sizeof *k);
    }
    free(lab);
    free(pos);
    free(t);
    if (r < 0) { /* (out of memory: not byte order as if the keys named no periods) */
        free(k);
        return NULL;
    }
    return k;
}

static int by_w_fpc(const void *a, const void *b)
{
    double x = (*(const shopstat_stratum *const *)a)->w_fpc;
    double y = (*(const shopstat_stratum *const *)b)->w_fpc;
    return (x > y) - (x < y);
}

/* With an fpc and no weight column the estimates weigh each row N_h / n_h, as R's svydesign
 * (pass.c, fpc_weights): the weight lines say so, from the strata's counts (all_fraction:
 * every fpc value <= 1, so they are sampling fractions). */
static int fpc_weights(shopstat_design_summary *d, shopstat_stratum *st, int all_fraction)
{
    double s = 0, sc = 0, s2 = 0, s2c = 0;
    const shopstat_stratum **ord = malloc(d->nstrata * sizeof *ord);
    if (!ord)
        return -1;
    for (size_t i = 0; i < d->nstrata; i++) {
        double N = all_fraction ? (double)st[i].npsu / st[i].fpc : st[i].fpc;
        double w = N / (double)st[i].npsu;
        st[i].w_fpc = w;
        ksum(&s, &sc, w * (double)st[i].rows);
        ksum(&s2, &s2c, w * w * (double)st[i].rows);
        d->wmin = i == 0 || w < d->wmin ? w : d->wmin;
        d->wmax = i == 0 || w > d->wmax ? w : d->wmax;
        ord[i] = &st[i];
    }
    d->weights_from_fpc = 1;
    d->wsum = s + sc;
    d->wsum2 = s2 + s2c;
    d->n_eff = d->wsum2 > 0 ? d->wsum * d->wsum / d->wsum2 : NAN;
    d->efficiency = d->n_eff / (double)d->rows;
    d->wmedian = NAN;
    if (!d->rows) {
        free(ord);
        return 0;
    }
    /* the median row's weight (the mean of the two middle rows' for an even count) */
    qsort(ord, d->nstrata, sizeof *ord, by_w_fpc);
    size_t lo = (d->rows - 1) / 2, hi = d->rows / 2, seen = 0;
    double wlo = NAN;
    for (size_t i = 0; i < d->nstrata; i++) {
        if (isnan(wlo) && lo < seen + ord[i]->rows)
            wlo = ord[i]->w_fpc;
        if (hi < seen + ord[i]->rows) {
            d->wmedian = (wlo + ord[i]->w_fpc) / 2;
            break;
        }
        seen += ord[i]->rows;
    }
    free(ord);
    return 0;
}

/* "1,3", "2; 5": whole numbers separated by ',' or ';'; *several when two or more. */
static int code_list(const char *s, int *several)
{
    int items = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (*s == '-') /* (Qualtrics' -99, seen but not answered: "1,-99") */
            s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
        items++;
        while (*s == ' ')
            s++;
        if (*s == ',' || *s == ';') {
            s++;
            if (!*s)
                return 0;
        } else if (*s) {
            return 0;
        }
    }
    *several |= items > 1;
    return items > 0;
}

#define MAX_CELL_CODES 200

static int cmp_level_num(const void *a, const void *b)
{
    double x = atof(((const shopstat_level *)a)->value),
           y = atof(((const shopstat_level *)b)->value);
    return x < y ? -1 : x > y;
}

/* The codes of a code-list column a (shopstat_colsummary.codes), each counted in the rows
 * holding it (a code twice in one cell counts once); *out NULL past MAX_CELL_CODES. -1 out of
 * memory. */
static int cell_codes(const colacc *a, shopstat_level **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    shopstat_level *lv = malloc(MAX_CELL_CODES * sizeof *lv);
    if (!lv)
        return -1;
    size_t k = 0;
    for (size_t v = 0; v < a->values.n; v++) {
        const char *s = strmap_key(&a->values, v);
        size_t seen[MAX_CELL_CODES];
        size_t nseen = 0;
        while (*s) {
            s += strspn(s, " ");
            size_t len = strspn(s + (*s == '-'), "0123456789") + (*s == '-');
            size_t j;
            for (j = 0; j < k; j++)
                if (strlen(lv[j].value) == len && !memcmp(lv[j].value, s, len))
                    break;
            if (j == k) {
                char *c = k < MAX_CELL_CODES ? malloc(len + 1) : NULL;
                if (!c) {
                    for (size_t i = 0; i < k; i++)
                        free((char *)lv[i].value);
                    free(lv);
                    return k < MAX_CELL_CODES ? -1 : 0;
                }
                memcpy(c, s, len);
                c[len] = 0;
                lv[k].value = c;
                lv[k++].count = 0;
            }
            size_t i;
            for (i = 0; i < nseen && seen[i] != j; i++)
                ;
            if (i == nseen && nseen < MAX_CELL_CODES) {
                seen[nseen++] = j;
                lv[j].count += a->counts[v];
            }
            s += len;
            s += strspn(s, " ");
            if (*s == ',' || *s == ';')
                s++;
        }
    }
    qsort(lv, k, sizeof *lv, cmp_level_num);
    *out = lv;
    *n = k;
    return 0;
}

/* Every distinct value a code list, one at least of two codes or more. */
static int code_lists(const strmap *values)
{
    int several = 0;
    for (size_t k = 0; k < values->n; k++)
        if (!code_list(strmap_key(values, k), &several))
            return 0;
    return several;
}

/* The separator (';', else '|', else ',') that makes every distinct value a list of labels,
 * one at least of two or more, with fewer distinct labels than values, or 0 (see
 * shopstat_colsummary.label_sep); *comma when a label holds a ','. ',' is also the
 * punctuation of a comment ("Great, fast delivery"), so it takes at most half as many
 * labels as values and no label after a ',' that starts in lower case (Alchemer's and
 * SurveyMonkey's "Email, Phone": options start as labels do). -1 out of memory. */
static int label_lists(const strmap *values, int *comma)
{
    static const char seps[] = {';', '|', ','};
    for (size_t k = 0; k < sizeof seps; k++) {
        strmap pieces;
        strmap_init(&pieces, values->n * 8 + 16, (size_t)1 << 24);
        int several = 0, ok = 1;
        *comma = 0;
        for (size_t v = 0; ok && v < values->n; v++) {
            const char *s = strmap_key(values, v);
            int items = 0;
            while (ok) {
                const char *e = strchr(s, seps[k]);
                size_t n = e ? (size_t)(e - s) : strlen(s);
                const char *a = s;
                while (n && (*a == ' ' || *a == '\t'))
                    a++, n--;
                while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
                    n--;
                int added;
                size_t id = n ? strmap_add(&pieces, a, n, strmap_hash(a, n), &added) : 0;
                if (id == STRMAP_NOMEM) {
                    strmap_free(&pieces);
                    return -1;
                }
                ok = n && id != STRMAP_FULL &&
                     !(seps[k] == ',' && items && islower((unsigned char)*a));
                *comma |= ok && memchr(a, ',', n) != NULL;
                items++;
                if (!e)
                    break;
                s = e + 1;
            }
            several |= items > 1;
        }
        ok = ok && several && (seps[k] == ',' ? pieces.n * 2 <= values->n : pieces.n < values->n);
        strmap_free(&pieces);
        if (ok)
            return seps[k];
    }
    *comma = 0;
    return 0;
}

/* The rows where explainer e holds its value of id l, or is blank (RT_BLANK). */
static size_t rt_rows(const shopstat_description *ds, size_t e, size_t l)
{
    return l == RT_BLANK ? ds->acc[e].missing : ds->acc[e].counts[l];
}

/* Whether column x was answered in a row where explainer e holds its value of id l (see
 * rt_ans). */
static int rt_answered(const shopstat_description *ds, size_t x, size_t e, size_t l)
{
    return ((ds->rt_ans[(e * RT_SLOTS + l) * ds->rt_words + x / 64] >> (x % 64)) & 1) ||
           rt_rows(ds, e, l) > ds->rt_inc[e * RT_SLOTS + l];
}

/* Explainer e of column x (see shopstat_description_routing): 1 and r's counts set when
 * x's blanks fall wholly on some of e's values (and e's blank, if any) and x is answered on
 * others, more of them there than where x was asked, RT_MIN_ROWS at least. */
static int route_of(const shopstat_description *ds, size_t x, size_t e, shopstat_routing *r)
{
    size_t nl = ds->acc[e].values.n, asked_rows = 0, fewest = SIZE_MAX;
    memset(r, 0, sizeof *r);
    r->by = e;
    r->blank = ds->acc[x].missing;
    for (size_t l = 0; l < RT_SLOTS; l++) {
        if (l < RT_LEVELS && l >= nl)
            continue;
        size_t tot = rt_rows(ds, e, l);
        if (tot == 0)
            continue;
        if (!rt_answered(ds, x, e, l)) {
            r->routed += tot;
            if (l == RT_BLANK)
                r->by_blank = 1;
            else
                r->nskipped++;
            fewest = tot < fewest ? tot : fewest;
        } else if (l == RT_BLANK) {
            return 0; /* (x answered where e is blank: e's values do not route it) */
        } else {
            r->nasked++;
            asked_rows += tot;
        }
    }
    /* (x is blank in the rows routed; every other blank is where it was asked) */
    if (r->routed > r->blank)
        return 0;
    r->nonresponse = r->blank - r->routed;
    /* (blank where e is blank alone is no routing: a respondent who left both out, or one
     * question's columns, a multi-response set's) */
    if (!r->nasked || !r->nskipped || r->routed < RT_MIN_ROWS || r->routed <= r->nonresponse)
        return 0;
    /* no chance: were x blank at its rate where asked (p) whatever e holds, a value of e
     * on n rows would be blank in all of them with probability p^n; each value taken as
     * not asked must make that RT_CHANCE or less (a rare value all blank by chance, as a
     * 0-10 rating's 10 beside a ticked option's blanks, routes nothing) */
    if (r->nonresponse) {
        double p = (double)r->nonresponse / (double)asked_rows;
        if ((double)fewest * log(p) > log(RT_CHANCE))
            return 0;
    }
    return 1;
}

/* Whether explainer a of column x is a better one than b: more blanks routed, then fewer
 * values asked, then the nearer column on x's left, then on its right. */
static int route_better(const shopstat_routing *a, const shopstat_routing *b, size_t x)
{
    if (a->routed != b->routed)
        return a->routed > b->routed;
    if (a->nasked != b->nasked)
        return a->nasked < b->nasked;
    int la = a->by < x, lb = b->by < x;
    if (la != lb)
        return la;
    size_t da = la ? x - a->by : a->by - x, db = lb ? x - b->by : b->by - x;
    return da < db;
}

/* Each column's routing (its best explainer), the values lists in the explainer's level
 * order. 0, or -1 out of memory. */
static int finish_routing(shopstat_description *ds)
{
    if (!(ds->routes = malloc((ds->ncols ? ds->ncols : 1) * sizeof *ds->routes)))
        return -1;
    size_t nvalues = 0;
    for (size_t x = 0; x < ds->ncols; x++) {
        shopstat_routing *best = &ds->routes[x];
        memset(best, 0, sizeof *best);
        best->by = SIZE_MAX;
        if (!ds->acc[x].missing || !ds->acc[x].present)
            continue;
        for (size_t e = 0; e < ds->rt_nexp; e++) {
            shopstat_routing r;
            /* (answers route questions: not the weight, amounts or a column whose values
             * hardly repeat, which split a small file's rows any way) */
            const colacc *ea = &ds->acc[e];
            if (e == x || ds->rt_dead[e] || ea->overflow || ea->values.n > RT_LEVELS ||
                e == ds->wcol || ea->values.n * 2 > ea->present || fractional(ea, ds->dc) ||
                !route_of(ds, x, e, &r))
                continue;
            if (best->by == SIZE_MAX || route_better(&r, best, x))
                *best = r;
        }
        if (best->by != SIZE_MAX)
            nvalues += best->nasked + best->nskipped;
    }
    if (!(ds->rt_values = malloc((nvalues ? nvalues : 1) * sizeof *ds->rt_values)))
        return -1;
    size_t used = 0;
    for (size_t x = 0; x < ds->ncols; x++) {
        shopstat_routing *r = &ds->routes[x];
        if (r->by == SIZE_MAX)
            continue;
        size_t e = r->by;
        const shopstat_colsummary *c = &ds->cols[e];
        const char **asked = ds->rt_values + used, **skipped = asked + r->nasked;
        size_t na = 0, nsk = 0;
        for (size_t j = 0; j < c->nlevels; j++) {
            const char *v = c->levels[j].value;
            size_t len = strlen(v);
            int added;
            size_t id = strmap_add(&ds->acc[e].values, v, len, strmap_hash(v, len), &added);
            if (id >= RT_LEVELS || added || rt_rows(ds, e, id) == 0)
                continue;
            if (!rt_answered(ds, x, e, id) && nsk < r->nskipped)
                skipped[nsk++] = v;
            else if (rt_answered(ds, x, e, id) && na < r->nasked)
                asked[na++] = v;
        }
        r->asked = asked;
        r->skipped = skipped;
        used += r->nasked + r->nskipped;
    }
    return 0;
}

const shopstat_routing *shopstat_description_routing(const shopstat_description *ds, size_t col)
{
    return ds && ds->routes && col < ds->ncols && ds->routes[col].by != SIZE_MAX ? &ds->routes[col]
                                                                                 : NULL;
}

static shopstat_status finish(shopstat_description *ds, shopstat_error *err)
{
    size_t nlev = 0;
    for (size_t i = 0; i < ds->ncols; i++)
        if (!ds->acc[i].overflow && ds->acc[i].values.n <= SHOPSTAT_DESCRIBE_MAX_LEVELS)
            nlev += ds->acc[i].values.n;
    ds->levels = malloc((nlev ? nlev : 1) * sizeof *ds->levels);
    if (!ds->levels)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    size_t used = 0;
    for (size_t i = 0; i < ds->ncols; i++) {
        colacc *a = &ds->acc[i];
        shopstat_colsummary *c = &ds->cols[i];
        if (!a->overflow)
            fold_table(a, ds->dc);
        c->name = shopstat_reader_colname(ds->r, i);
        c->label = shopstat_reader_collabel(ds->r, i);
        c->text = shopstat_reader_coltext(ds->r, i);
        c->present = a->present;
        c->missing = a->missing;
        c->distinct = a->overflow ? a->overflow_n : a->values.n;
        c->distinct_capped = a->overflow;
        c->all_numeric = a->present > 0 && a->all_numeric;
        c->min = c->max = c->mean = NAN;
        if (c->all_numeric) {
            c->min = a->min;
            c->max = a->max;
            c->mean = (a->sum + a->comp) / (double)a->present;
        }
        c->comma_numeric = !ds->dc && !c->all_numeric && !a->overflow && a->present > 0 &&
                           comma_numbers(&a->values, c->name && suggest_weight_name(c->name));
        c->no_value = NULL;
        c->no_value_count = 0;
        if (!a->overflow && !c->all_numeric && a->present > 0)
            c->no_value = no_value_of(a, ds->dc || c->comma_numeric, &c->no_value_count);
        c->total_value = !a->overflow ? total_of(a) : a->total_n == 1 ? a->total_text : NULL;
        c->sum_value = c->all_numeric && !a->overflow
                           ? sum_of_others(a, ds->dc, (a->sum + a->comp))
                           : NULL;
        c->fractional = c->all_numeric && !a->overflow && fractional(a, ds->dc);
        if (c->all_numeric) {
            c->leading_zero = a->lead0;
            c->tens = a->tens;
            if (!a->notdigits) {
                c->digits_min = a->lmin;
                c->digits_max = a->lmax;
            }
        }
        /* (numbers read with a decimal comma, or with a "n/a" among them, are not lists) */
        c->code_lists = !a->overflow && a->present > 0 && !c->all_numeric && !c->comma_numeric &&
                        !c->no_value && code_lists(&a->values);
        if (c->code_lists) {
            shopstat_level *lv;
            if (cell_codes(a, &lv, &c->ncodes) != 0)
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
            c->codes = lv;
        }
        if (!a->overflow && a->present > 0 && !c->all_numeric && !c->comma_numeric &&
            !c->no_value && !c->code_lists) {
            int sep = label_lists(&a->values, &c->label_comma);
            if (sep < 0)
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
            c->label_sep = (char)sep;
        }
        if (!a->overflow && a->values.n < a->present && a->values.n * 20 >= a->present * 19 &&
            !fractional(a, ds->dc))
            for (size_t k = 0; k < a->values.n; k++) /* (keys in order of first appearance) */
                if (a->counts[k] > 1 && c->nrepeated++ == 0) {
                    c->first_repeated = strmap_key(&a->values, k);
                    c->first_repeated_count = a->counts[k];
                }
        double t;
        if (c->nrepeated &&
            (i == ds->spcol || parse_stamp(c->first_repeated, strlen(c->first_repeated), 0, &t)))
            c->nrepeated = 0, c->first_repeated = NULL, c->first_repeated_count = 0;
        /* (dates, times and durations repeat: two interviews started in one minute, or
         * that took as long, are no duplicate) */
        if (a->present == 0)
            c->type = SHOPSTAT_COL_EMPTY;
        else if (!a->overflow && a->values.n <= SHOPSTAT_DESCRIBE_MAX_LEVELS)
            c->type = SHOPSTAT_COL_CATEGORICAL;
        else if (!a->overflow && !c->all_numeric &&
                 a->values.n <= SHOPSTAT_DESCRIBE_MAX_CATEGORIES && a->values.n * 2 <= a->present)
            c->type = SHOPSTAT_COL_CATEGORICAL;
        else if (c->all_numeric)
            c->type = SHOPSTAT_COL_NUMERIC;
        else
            c->type = SHOPSTAT_COL_TEXT;
        if (!a->overflow && a->values.n <= SHOPSTAT_DESCRIBE_MAX_LEVELS) {
            sortkey *k = sorted_keys(&a->values, ds->dc);
            if (!k)
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
            shopstat_level *lv = ds->levels + used;
            for (size_t j = 0; j < a->values.n; j++) {
                lv[j].value = k[j].s;
                lv[j].count = a->counts[k[j].idx];
            }
            free(k);
            c->levels = lv;
            c->nlevels = a->values.n;
            used += a->values.n;
        }
    }

    size_t always = 0; /* columns every row fills */
    for (size_t i = 0; i < ds->ncols; i++)
        always += ds->acc[i].missing == 0;
    ds->answered_nothing = ds->min_present == always ? ds->min_present_rows : 0;

    shopstat_design_summary *d = &ds->design;
    d->has_weight = ds->wcol != (size_t)-1;
    d->has_strata = ds->scol != (size_t)-1;
    d->has_psu = ds->pcol != (size_t)-1;
    d->has_fpc = ds->fcol != (size_t)-1;
    d->rows = ds->rows_used;
    if (d->has_weight) {
        d->wmin = ds->wmin;
        d->wmax = ds->wmax;
        d->wsum = ds->wsum + ds->wcomp;
        d->wsum2 = ds->wsum2 + ds->wcomp2;
        if (weight_median(ds, &d->wmedian) != SHOPSTAT_OK)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        d->median_approx = ds->wbinned && !ds->wunavailable;
        d->zero_weights = ds->zero_weights;
        weight_tail(ds, d->wmedian, &d->large_weights, &d->large_wsum);
        d->wmax_ratio = d->wmedian > 0 ? d->wmax / d->wmedian : NAN;
    } else {
        d->wmin = d->wmax = d->wmedian = 1;
        d->wsum = d->wsum2 = (double)ds->rows_used;
        d->wmax_ratio = NAN;
    }
    d->n_eff = d->wsum2 > 0 ? d->wsum * d->wsum / d->wsum2 : NAN;
    d->efficiency = d->n_eff / (double)ds->rows_used;

    d->nstrata = d->has_strata ? ds->strata.n : 1;
    int all_fraction = 1;
    for (size_t h = 0; h < d->nstrata; h++)
        if (d->has_fpc && ds->sacc[h].fpc > 1)
            all_fraction = 0;
    ds->strata_out = calloc(d->nstrata, sizeof *ds->strata_out);
    if (!ds->strata_out)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    sortkey *k = NULL;
    if (d->has_strata && !(k = sorted_keys(&ds->strata, ds->dc)))
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    for (size_t j = 0; j < d->nstrata; j++) {
        size_t h = k ? k[j].idx : 0;
        shopstat_stratum *o = &ds->strata_out[j];
        o->name = k ? k[j].s : "(all)";
        o->rows = ds->sacc[h].rows;
        o->npsu = ds->sacc[h].npsu;
        o->fpc = d->has_fpc ? ds->sacc[h].fpc : NAN;
        o->w_fpc = NAN;
        d->npsu += o->npsu;
        if (o->npsu == 1)
            d->single_psu_strata++;
        /* R's svydesign: fpc values are population sizes unless all are <= 1 (fractions),
         * and a size must cover the sample (pass.c's rule and tolerance) */
        if (d->has_fpc && !all_fraction && o->fpc + 1e-9 < (double)o->npsu) {
            shopstat_status s = shopstat_error_set(
                err, SHOPSTAT_EINPUT, ds->path, 0, 0,
                "fpc column '%s': population size %g is smaller than the %zu PSUs sampled "
                "in stratum '%s'",
                ds->fname, o->fpc, o->npsu, o->name);
            free(k);
            return s;
        }
    }
    free(k);
    d->strata = ds->strata_out;
    if (d->has_fpc && !d->has_weight && fpc_weights(d, ds->strata_out, all_fraction))
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    if (finish_speed(ds) != SHOPSTAT_OK)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    if (finish_routing(ds) != 0)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    return SHOPSTAT_OK;
}

static shopstat_status find_col(shopstat_description *ds, const char *name, const char *what,
                                size_t *idx, const char **saved, shopstat_error *err)
{
    *idx = (size_t)-1;
    if (!name)
        return SHOPSTAT_OK;
    *saved = name;
    shopstat_status s = shopstat_reader_column(ds->r, name, what, idx, err);
    if (s != SHOPSTAT_OK)
        *idx = (size_t)-1;
    return s;
}

/* The columns of p's exclusions' conditions, as tab binds them ("exclude column 'x'"). */
static shopstat_status bind_exclusions(shopstat_description *ds, const shopstat_plan *p,
                                       shopstat_error *err)
{
    size_t nc = 0;
    for (size_t k = 0; k < p->nexcl; k++)
        nc += p->excl[k].nconds;
    size_t *cols = malloc(nc * sizeof *cols);
    if (!cols)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
    shopstat_status s = SHOPSTAT_OK;
    nc = 0;
    for (size_t k = 0; k < p->nexcl && !s; k++)
        for (size_t j = 0; j < p->excl[k].nconds && !s; j++)
            s = p->excl[k].dedupe ? shopstat_reader_column(ds->r, p->excl[k].conds[j].column,
                                                           "dedupe", &cols[nc++], err)
                                  : excl_column(ds->r, &p->excl[k].conds[j], "exclude", &cols[nc++],
                                                NULL, NULL, err);
    if (!s)
        s = excl_rows_init(&ds->excl, p, ds->r, ds->dc, cols, err);
    free(cols);
    return s;
}

/* Whether columns i and j (i < j) are of one run: the same question text before their
 * options' labels (two header rows), or names sharing a stem (Q3_1, Q3_2). */
static int same_run(const shopstat_reader *r, size_t i, size_t j)
{
    const char *a = shopstat_reader_colname(r, i), *b = shopstat_reader_colname(r, j);
    const char *la = shopstat_reader_collabel(r, i), *lb = shopstat_reader_collabel(r, j);
    if (la || lb) {
        if (!la || !lb)
            return 0;
        size_t qa = strlen(a) - strlen(la), qb = strlen(b) - strlen(lb);
        return qa == qb && strncmp(a, b, qa) == 0;
    }
    size_t stem = suggest_stem_len(a);
    return stem && suggest_stem_len(b) == stem && strncmp(a, b, stem) == 0;
}

/* The runs of the header: maximal runs of two adjacent columns or more of one stem or
 * question, each column in one at most. 0, or -1 out of memory. */
static int find_runs(shopstat_description *ds)
{
    size_t n = ds->ncols, k = 0;
    for (size_t i = 0; i + 1 < n;) {
        size_t len = 1;
        while (i + len < n && same_run(ds->r, i, i + len))
            len++;
        k += len >= 2;
        i += len;
    }
    if (k == 0)
        return 0;
    ds->grp = malloc(n * sizeof *ds->grp);
    ds->run_first = calloc(k, sizeof *ds->run_first);
    ds->run_n = calloc(k, sizeof *ds->run_n);
    ds->run_any = calloc(k, sizeof *ds->run_any);
    ds->run_any_but_last = calloc(k, sizeof *ds->run_any_but_last);
    ds->run_seen = calloc(k, sizeof *ds->run_seen);
    ds->run_seen_but_last = calloc(k, sizeof *ds->run_seen_but_last);
    ds->run_full = calloc(k, sizeof *ds->run_full);
    ds->run_straight = calloc(k, sizeof *ds->run_straight);
    if (!ds->grp || !ds->run_first || !ds->run_n || !ds->run_any || !ds->run_any_but_last ||
        !ds->run_seen || !ds->run_seen_but_last || !ds->run_full || !ds->run_straight)
        return -1;
    for (size_t i = 0; i < n; i++)
        ds->grp[i] = SIZE_MAX;
    for (size_t i = 0; i + 1 < n;) {
        size_t len = 1;
        while (i + len < n && same_run(ds->r, i, i + len))
            len++;
        if (len >= 2) {
            for (size_t j = i; j < i + len; j++)
                ds->grp[j] = ds->nruns << 1 | (j + 1 < i + len);
            ds->run_first[ds->nruns] = i;
            ds->run_n[ds->nruns++] = len;
        }
        i += len;
    }
    return 0;
}

/* A description of r's columns with d's design columns, ready for rows; NULL on failure
 * (err set). */
static shopstat_description *desc_new(shopstat_reader *r, const shopstat_design_opts *d,
                                      const shopstat_plan *p, shopstat_error *err)
{
    shopstat_description *ds = calloc(1, sizeof *ds);
    if (!ds) {
        shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    ds->r = r;
    ds->path = shopstat_reader_path(r);
    ds->ncols = shopstat_reader_ncols(r);
    ds->dc = shopstat_reader_dialect(r)->decimal_comma;
    ds->acc = calloc(ds->ncols, sizeof *ds->acc);
    ds->cols = calloc(ds->ncols, sizeof *ds->cols);
    if (!ds->acc || !ds->cols) {
        shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        goto fail;
    }
    /* Each column may keep 10,000 distinct values within its share of the byte budget. */
    size_t per_col = DISTINCT_BUDGET / ds->ncols;
    if (per_col > ((size_t)1 << 20))
        per_col = (size_t)1 << 20;
    if (per_col < ((size_t)64 << 10))
        per_col = (size_t)64 << 10;
    for (size_t i = 0; i < ds->ncols; i++) {
        ds->acc[i].all_numeric = 1;
        if (i < SC_MAX_COLUMNS && !(ds->acc[i].sc = calloc(1, sizeof *ds->acc[i].sc))) {
            shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
            goto fail;
        }
        strmap_init(&ds->acc[i].values, SHOPSTAT_DESCRIBE_MAX_DISTINCT, per_col);
    }
    if (find_runs(ds) != 0) {
        shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        goto fail;
    }
    find_speed_columns(ds);
    ds->rt_nexp = ds->ncols < RT_MAX_EXPLAINERS ? ds->ncols : RT_MAX_EXPLAINERS;
    if (ds->rt_nexp * ds->ncols > RT_MAX_PAIRS)
        ds->rt_nexp = RT_MAX_PAIRS / ds->ncols;
    ds->rt_words = (ds->ncols + 63) / 64;
    if (ds->rt_nexp &&
        (!(ds->rt_ans = calloc(ds->rt_nexp * RT_SLOTS * ds->rt_words, sizeof *ds->rt_ans)) ||
         !(ds->rt_mask = calloc(ds->rt_words, sizeof *ds->rt_mask)) ||
         !(ds->rt_inc = calloc(ds->rt_nexp * RT_SLOTS, sizeof *ds->rt_inc)) ||
         !(ds->rt_dead = calloc(ds->rt_nexp, 1)))) {
        shopstat_error_set(err, SHOPSTAT_ENOMEM, ds->path, 0, 0, "out of memory");
        goto fail;
    }
    ds->rt_live = ds->rt_nexp;
    strmap_init(&ds->strata, SHOPSTAT_DESCRIBE_MAX_STRATA, (size_t)64 << 20);
    strmap_init(&ds->psus, SHOPSTAT_DESCRIBE_MAX_PSUS, (size_t)256 << 20);
    shopstat_design_opts none;
    shopstat_design_opts_init(&none);
    if (!d)
        d = &none;
    if (find_col(ds, d->weight, "weight", &ds->wcol, &ds->wname, err) != SHOPSTAT_OK ||
        find_col(ds, d->strata, "strata", &ds->scol, &ds->sname, err) != SHOPSTAT_OK ||
        find_col(ds, d->psu, "psu", &ds->pcol, &ds->pname, err) != SHOPSTAT_OK ||
        find_col(ds, d->fpc, "fpc", &ds->fcol, &ds->fname, err) != SHOPSTAT_OK)
        goto fail;
    if (p && p->nexcl && bind_exclusions(ds, p, err) != SHOPSTAT_OK)
        goto fail;
    return ds;
fail:
    shopstat_description_free(ds);
    return NULL;
}

/* ---- describe in chunks: worker descriptions merged in file order (parallel.c) ---------- */

typedef struct desc_job {
    shopstat_description *g;
    const shopstat_design_opts *d;
    const shopstat_plan *p; /* exclusions, or NULL */
} desc_job;

static void *desc_begin(void *arg)
{
    desc_job *dj = arg;
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_description *w = desc_new(dj->g->r, dj->d, dj->p, &err);
    if (w)
        w->worker = 1;
    return w;
}

static void desc_free(void *w)
{
    shopstat_description_free(w);
}

/* Column a of the final description g takes worker column w: its table replayed in order
 * (count_value then fills g's table where one pass would), then the rows w folded once its
 * table was full. A worker that filled its table saw more distinct values than fit, so g
 * is full after this chunk too: where it filled matters only to the "more than N" of a
 * column that ran out of bytes (not of the 10,000 values), which can then differ from one
 * pass. */
static shopstat_status merge_column(shopstat_description *g, colacc *a, const colacc *w)
{
    a->missing += w->missing;
    a->present += w->present;
    for (size_t k = 0; k < w->values.n; k++) {
        shopstat_status st =
            count_value(g, a, strmap_key(&w->values, k), w->values.len[k], w->counts[k]);
        if (st != SHOPSTAT_OK)
            return st;
    }
    if (!w->overflow)
        return SHOPSTAT_OK;
    if (!a->overflow)
        column_overflow(g, a);
    if (w->total_n && !a->total_n)
        memcpy(a->total_text, w->total_text, sizeof a->total_text);
    a->total_n += w->total_n;
    a->all_numeric = a->all_numeric && w->all_numeric;
    if (a->all_numeric && w->folded) {
        if (a->folded == 0 || w->min < a->min)
            a->min = w->min;
        if (a->folded == 0 || w->max > a->max)
            a->max = w->max;
        if (a->folded == 0 || w->lmin < a->lmin)
            a->lmin = w->lmin;
        if (a->folded == 0 || w->lmax > a->lmax)
            a->lmax = w->lmax;
        a->lead0 += w->lead0;
        a->tens += w->tens;
        a->notdigits += w->notdigits;
        ksum(&a->sum, &a->comp, w->sum);
        a->comp += w->comp;
        a->folded += w->folded;
    }
    return SHOPSTAT_OK;
}

/* The weight histogram: w's keys (bits, or bins) added with their counts, under the caps
 * of add_weight (weight_caps). */
static shopstat_status merge_weights(shopstat_description *g, const shopstat_description *w)
{
    if (w->rows_used == 0)
        return SHOPSTAT_OK;
    if (g->rows_used == 0 || w->wmin < g->wmin)
        g->wmin = w->wmin;
    if (g->rows_used == 0 || w->wmax > g->wmax)
        g->wmax = w->wmax;
    ksum(&g->wsum, &g->wcomp, w->wsum);
    g->wcomp += w->wcomp;
    ksum(&g->wsum2, &g->wcomp2, w->wsum2);
    g->wcomp2 += w->wcomp2;
    g->zero_weights += w->zero_weights;
    if (w->wunavailable) {
        g->wunavailable = 1;
        u64map_free(&g->wmap);
    }
    shopstat_status st;
    if (!g->wunavailable && w->wbinned && !g->wbinned && (st = bin_weights(g)) != SHOPSTAT_OK)
        return st;
    for (size_t i = 0; i < w->wmap.nslots && !g->wunavailable; i++) {
        if (!w->wmap.slots[i].key)
            continue;
        uint64_t key = w->wmap.slots[i].key - 1;
        if (g->wbinned && !w->wbinned)
            key >>= BIN_SHIFT;
        if (u64map_add(&g->wmap, key, w->wmap.slots[i].count) != 0)
            return SHOPSTAT_ENOMEM;
        if ((st = weight_caps(g)) != SHOPSTAT_OK)
            return st;
    }
    return SHOPSTAT_OK;
}

/* Strata by name, their rows and fpc; PSUs by (final stratum, PSU text), counted where
 * they are new to g (a PSU's rows may span chunks). */
static shopstat_status merge_design(shopstat_description *g, const shopstat_description *w)
{
    size_t nw = g->scol != (size_t)-1 ? w->strata.n : (w->rows_used ? 1 : 0);
    size_t *hmap = malloc((nw ? nw : 1) * sizeof *hmap);
    if (!hmap)
        return SHOPSTAT_ENOMEM;
    shopstat_status st = SHOPSTAT_OK;
    for (size_t h = 0; h < nw; h++) {
        size_t gh = 0;
        if (g->scol != (size_t)-1) {
            int added;
            gh = lookup_add(&g->strata, &g->strata_sc, strmap_key(&w->strata, h),
                            w->strata.len[h], &added);
            if (gh >= STRMAP_NOMEM) {
                st = gh == STRMAP_FULL ? SHOPSTAT_ELIMIT : SHOPSTAT_ENOMEM;
                goto done;
            }
        }
        if (gh >= g->sacc_cap) {
            size_t nc = g->sacc_cap ? g->sacc_cap * 2 : 64;
            while (nc <= gh)
                nc *= 2;
            stratacc *sa = realloc(g->sacc, nc * sizeof *sa);
            if (!sa) {
                st = SHOPSTAT_ENOMEM;
                goto done;
            }
            memset(sa + g->sacc_cap, 0, (nc - g->sacc_cap) * sizeof *sa);
            g->sacc = sa;
            g->sacc_cap = nc;
        }
        const stratacc *ws = &w->sacc[h];
        stratacc *gs = &g->sacc[gh];
        gs->rows += ws->rows;
        if (g->pcol == (size_t)-1)
            gs->npsu += ws->npsu; /* every row its own PSU */
        if (ws->fpc_set) {
            if (!gs->fpc_set) {
                gs->fpc = ws->fpc;
                gs->fpc_set = 1;
            } else if (gs->fpc != ws->fpc) {
                st = SHOPSTAT_EINPUT; /* the one-thread pass names the row */
                goto done;
            }
        }
        hmap[h] = gh;
    }
    for (size_t k = 0; g->pcol != (size_t)-1 && k < w->psus.n; k++) {
        const char *key = strmap_key(&w->psus, k);
        size_t len = w->psus.len[k], h;
        memcpy(&h, key, sizeof h);
        if (len > g->keycap) {
            char *nk = realloc(g->key, len);
            if (!nk) {
                st = SHOPSTAT_ENOMEM;
                goto done;
            }
            g->key = nk;
            g->keycap = len;
        }
        memcpy(g->key, &hmap[h], sizeof h);
        memcpy(g->key + sizeof h, key + sizeof h, len - sizeof h);
        int added;
        size_t gk = strmap_add(&g->psus, g->key, len, strmap_hash(g->key, len), &added);
        if (gk >= STRMAP_NOMEM) {
            st = gk == STRMAP_FULL ? SHOPSTAT_ELIMIT : SHOPSTAT_ENOMEM;
            goto done;
        }
        g->sacc[hmap[h]].npsu += (size_t)added;
    }
done:
    free(hmap);
    return st;
}

/* Add worker w (one chunk) into g, then make w a fresh worker for the next chunk. */
/* The worker's routing tables into g's: its explainers' value ids are its own, mapped to
 * g's by the value (merge_column has added them to g's table); an explainer past
 * RT_LEVELS values in either is none. */
static void merge_routing(shopstat_description *g, const shopstat_description *w)
{
    size_t ne = g->rt_nexp, nw = g->rt_words;
    for (size_t e = 0; e < ne; e++) {
        const colacc *ga = &g->acc[e], *wa = &w->acc[e];
        size_t map[RT_SLOTS];
        int dead = g->rt_dead[e] || w->rt_dead[e] || ga->overflow || wa->overflow ||
                   wa->values.n > RT_LEVELS;
        for (size_t k = 0; !dead && k < wa->values.n; k++) {
            const char *key = strmap_key(&wa->values, k);
            size_t len = wa->values.len[k];
            int added;
            size_t id = strmap_add((strmap *)&ga->values, key, len, strmap_hash(key, len), &added);
            dead = id >= RT_LEVELS || added;
            map[k] = id;
        }
        if (dead) {
            g->rt_live -= !g->rt_dead[e];
            g->rt_dead[e] = 1;
            continue;
        }
        map[RT_BLANK] = RT_BLANK;
        for (size_t l = 0; l < RT_SLOTS; l++) {
            if (l < RT_LEVELS && l >= wa->values.n)
                continue;
            g->rt_inc[e * RT_SLOTS + map[l]] += w->rt_inc[e * RT_SLOTS + l];
            uint64_t *to = g->rt_ans + (e * RT_SLOTS + map[l]) * nw;
            const uint64_t *from = w->rt_ans + (e * RT_SLOTS + l) * nw;
            for (size_t k = 0; k < nw; k++)
                to[k] |= from[k];
        }
    }
}

static shopstat_status desc_merge(void *arg, void *wp, void **map)
{
    (void)map;
    desc_job *dj = arg;
    shopstat_description *g = dj->g, *w = wp;
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; i < g->ncols && st == SHOPSTAT_OK; i++)
        st = merge_column(g, &g->acc[i], &w->acc[i]);
    if (st == SHOPSTAT_OK && g->wcol != (size_t)-1)
        st = merge_weights(g, w);
    if (st == SHOPSTAT_OK)
        st = merge_design(g, w);
    merge_routing(g, w);
    for (size_t k = 0; k < g->nruns; k++) {
        g->run_any[k] += w->run_any[k];
        g->run_any_but_last[k] += w->run_any_but_last[k];
        g->run_full[k] += w->run_full[k];
        g->run_straight[k] += w->run_straight[k];
    }
    if (w->rows_used && (g->rows_used == 0 || w->min_present < g->min_present)) {
        g->min_present = w->min_present;
        g->min_present_rows = w->min_present_rows;
    } else if (w->rows_used && w->min_present == g->min_present) {
        g->min_present_rows += w->min_present_rows;
    }
    g->rows_used += w->rows_used;
    merge_speed(g, w);
    if (g->excl.nexcl)
        excl_rows_merge(&g->excl, &w->excl);
    /* a fresh worker: its tables could be kept and cleared, but a chunk is megabytes of
     * rows and a description a few allocations */
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_description *fresh = desc_new(g->r, dj->d, dj->p, &err);
    if (!fresh)
        return SHOPSTAT_ENOMEM;
    fresh->worker = 1;
    shopstat_description tmp = *w;
    *w = *fresh;
    *fresh = tmp;
    shopstat_description_free(fresh);
    return st;
}

static shopstat_status desc_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    return on_row(ctx, row, err);
}

/* The first design problem's message, with how many rows have one and where. */
static shopstat_status design_problems(const shopstat_description *ds, shopstat_error *err)
{
    *err = ds->dfail;
    if (ds->dfail_rows > 1) {
        size_t at = strlen(err->msg), n = ds->dfail_rows < 5 ? ds->dfail_rows : 5;
        at +=
            (size_t)snprintf(err->msg + at, sizeof err->msg - at,
                             " (%zu rows with a problem in a design column: lines", ds->dfail_rows);
        for (size_t i = 0; i < n && at < sizeof err->msg; i++)
            at += (size_t)snprintf(err->msg + at, sizeof err->msg - at, "%s %zu", i ? "," : "",
                                   ds->dfail_line[i]);
        if (at < sizeof err->msg)
            snprintf(err->msg + at, sizeof err->msg - at, "%s)", ds->dfail_rows > n ? ", ..." : "");
    }
    return err->status;
}

shopstat_status shopstat_describe_excluding(shopstat_reader *r, const shopstat_design_opts *d,
                                            const shopstat_pass_opts *o, const shopstat_plan *p,
                                            shopstat_description **out, shopstat_error *err)
{
    *out = NULL;
    shopstat_description *ds = desc_new(r, d, p, err);
    if (!ds)
        return err->status;
    shopstat_status s = SHOPSTAT_OK;
    desc_job dj = {ds, d, p};
    chunk_job job = {.arg = &dj,
                     .begin = desc_begin,
                     .row = desc_row,
                     .merge = desc_merge,
                     .free_state = desc_free,
                     .count_eol = 1};
    size_t rows = 0;
    /* (a dedupe exclusion wants the rows in file order: one thread, no spares) */
    int in_order = plan_dedupes(p);
    if (in_order)
        chunk_release_spares();
    int rc = in_order ? -1 : chunk_run(&job, r, chunk_threads(o), (size_t)8 << 20, o, &rows, NULL);
    if (rc == -2) {
        s = pass_canceled(err);
        goto fail;
    }
    if (rc != 0) {
        /* one thread over r itself, for the positioned message of whatever failed */
        shopstat_description_free(ds);
        if (!(ds = desc_new(r, d, p, err)))
            return err->status;
        s = shopstat_reader_run(r, on_row, ds, err);
        /* (an import-id row is named first, as by tab: the rows before it are not data) */
        if (ds->dfail_rows && !(s != SHOPSTAT_OK && reader_stopped_on_import_ids(r))) {
            /* (before any later error: it comes first in the file) */
            s = design_problems(ds, err);
            goto fail;
        }
        if (s != SHOPSTAT_OK)
            goto fail;
    }
    ds->rows_read = shopstat_reader_rows_read(r);
    ds->rows_skipped = shopstat_reader_rows_skipped(r);
    ds->rows_empty = shopstat_reader_rows_empty(r);
    if (ds->rows_used == 0) {
        s = shopstat_description_nexcluded(ds) && excl_rows_sum(&ds->excl)
                ? excl_rows_none_left(&ds->excl, ds->path, ds->rows_read, err)
                : shopstat_error_no_rows(err, ds->path, ds->rows_skipped, ds->rows_empty);
        goto fail;
    }
    if ((s = finish(ds, err)) != SHOPSTAT_OK)
        goto fail;
    *out = ds;
    return SHOPSTAT_OK;
fail:
    shopstat_description_free(ds);
    return s;
}

shopstat_status shopstat_describe_opts(shopstat_reader *r, const shopstat_design_opts *d,
                                       const shopstat_pass_opts *o, shopstat_description **out,
                                       shopstat_error *err)
{
    return shopstat_describe_excluding(r, d, o, NULL, out, err);
}

shopstat_status shopstat_describe(shopstat_reader *r, const shopstat_design_opts *d,
                                  shopstat_description **out, shopstat_error *err)
{
    return shopstat_describe_opts(r, d, NULL, out, err);
}

void shopstat_description_free(shopstat_description *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; ds->acc && i < ds->ncols; i++) {
        strmap_free(&ds->acc[i].values);
        free(ds->acc[i].counts);
        free(ds->acc[i].sc);
    }
    free(ds->acc);
    for (size_t i = 0; ds->cols && i < ds->ncols; i++) {
        for (size_t k = 0; k < ds->cols[i].ncodes; k++)
            free((char *)ds->cols[i].codes[k].value);
        free((void *)ds->cols[i].codes);
    }
    free(ds->cols);
    free(ds->levels);
    u64map_free(&ds->wmap);
    u64map_free(&ds->spmap);
    strmap_free(&ds->strata);
    strmap_free(&ds->psus);
    free(ds->sacc);
    free(ds->key);
    free(ds->strata_out);
    free(ds->grp);
    free(ds->run_first);
    free(ds->run_n);
    free(ds->run_any);
    free(ds->run_any_but_last);
    free(ds->run_seen);
    free(ds->run_seen_but_last);
    free(ds->run_full);
    free(ds->run_straight);
    excl_rows_free(&ds->excl);
    free(ds->rt_ans);
    free(ds->rt_mask);
    free(ds->rt_inc);
    free(ds->rt_dead);
    free(ds->routes);
    free(ds->rt_values);
    free(ds);
}

size_t shopstat_description_ncols(const shopstat_description *ds)
{
    return ds->ncols;
}

const shopstat_colsummary *shopstat_description_column(const shopstat_description *ds, size_t i)
{
    return i < ds->ncols ? &ds->cols[i] : NULL;
}

const shopstat_design_summary *shopstat_description_design(const shopstat_description *ds)
{
    return &ds->design;
}

size_t shopstat_description_rows_read(const shopstat_description *ds)
{
    return ds->rows_read;
}

size_t shopstat_description_rows_used(const shopstat_description *ds)
{
    return ds->rows_used;
}

size_t shopstat_description_rows_skipped(const shopstat_description *ds)
{
    return ds->rows_skipped;
}

size_t shopstat_description_rows_empty(const shopstat_description *ds)
{
    return ds->rows_empty;
}

size_t shopstat_description_nexcluded(const shopstat_description *ds)
{
    return ds->excl.nexcl;
}

size_t shopstat_description_excluded(const shopstat_description *ds, size_t k, const char **reason)
{
    if (reason)
        *reason = ds->excl.excl[k].reason;
    return ds->excl.n[k];
}

int shopstat_description_excluded_dedupe(const shopstat_description *ds, size_t k)
{
    return ds->excl.excl[k].dedupe;
}

size_t shopstat_description_rows_answering(const shopstat_description *ds)
{
    return ds->rows_used - ds->answered_nothing;
}

int shopstat_description_none_rows(const shopstat_description *ds, size_t first, size_t n,
                                   size_t *rows)
{
    *rows = 0;
    if (n == 0 || first + n > ds->ncols)
        return 0;
    for (size_t i = first; i < first + n; i++)
        if (ds->acc[i].missing == 0)
            return 1; /* (a column every row fills: none ticks nothing) */
    size_t blank;
    if (n == 1) {
        blank = ds->acc[first].missing;
    } else {
        size_t g = ds->grp && ds->grp[first] != SIZE_MAX ? ds->grp[first] >> 1 : SIZE_MAX;
        if (g == SIZE_MAX || ds->run_first[g] != first)
            return 0;
        if (n == ds->run_n[g])
            blank = ds->rows_used - ds->run_any[g];
        else if (n + 1 == ds->run_n[g])
            blank = ds->rows_used - ds->run_any_but_last[g];
        else
            return 0;
    }
    *rows = blank - ds->answered_nothing; /* (rows answering nothing are blank here too) */
    return 1;
}

int shopstat_description_straight_rows(const shopstat_description *ds, size_t first, size_t n,
                                       size_t *full, size_t *straight)
{
    *full = *straight = 0;
    size_t g =
        ds->grp && first < ds->ncols && ds->grp[first] != SIZE_MAX ? ds->grp[first] >> 1 : SIZE_MAX;
    if (g == SIZE_MAX || ds->run_first[g] != first || ds->run_n[g] != n || n < 3)
        return 0;
    *full = ds->run_full[g];
    *straight = ds->run_straight[g];
    return 1;
}

/* ---- a totals row under the data ---- */

/* The reading of a second look at a totals row (shopstat_describe_totalsrow). */
typedef struct totalsrow_probe {
    shopstat_totalsrow *t;
    const shopstat_description *ds;
    const shopstat_reader *r;
    int dc;
} totalsrow_probe;

/* Whether column c's one value (or none) among its listed levels that is a number is s. */
static int lone_number(const shopstat_colsummary *c, const char *s, size_t len, int dc)
{
    size_t numbers = 0;
    double x;
    if (c->all_numeric || !c->nlevels || c->nlevels != c->distinct)
        return 0;
    for (size_t k = 0; k < c->nlevels; k++)
        numbers +=
            shopstat_parse_number(c->levels[k].value, strlen(c->levels[k].value), dc, &x) == 1;
    return numbers == 1 && shopstat_parse_number(s, len, dc, &x) == 1;
}

static shopstat_status totalsrow_fn(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    totalsrow_probe *pr = ctx;
    shopstat_totalsrow *t = pr->t;
    if (t->col >= row->nfields || row->lens[t->col] != strlen(t->value) ||
        memcmp(row->fields[t->col], t->value, row->lens[t->col]) != 0)
        return SHOPSTAT_OK;
    t->line = row->pos[t->col].line;
    size_t used = shopstat_description_rows_used(pr->ds);
    for (size_t i = 0; i < row->nfields && i < shopstat_description_ncols(pr->ds); i++) {
        const shopstat_colsummary *c = shopstat_description_column(pr->ds, i);
        const char *v = row->fields[i];
        size_t n = row->lens[i];
        double x;
        if (i == t->col)
            continue;
        if (!n || shopstat_reader_is_missing_at(pr->r, i, v, n)) {
            t->blanks += c->missing * 100 <= used && c->present >= 3;
        } else if (lone_number(c, v, n, pr->dc)) {
            t->counts++;
        } else if (c->sum_value && strlen(c->sum_value) == n && memcmp(c->sum_value, v, n) == 0 &&
                   shopstat_parse_number(v, n, pr->dc, &x) == 1) {
            if (t->sums < 3)
                t->sum_col[t->sums] = i;
            t->sums++;
        }
    }
    /* (the row found: the reader stops here) */
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "probe done");
}

/* A reader over data, or over buf[0..len) when buf is not NULL (named data); *fp the
 * stream to close after the reader (NULL for a path). NULL when it cannot be opened. */
static shopstat_reader *open_source(const char *data, const char *buf, size_t len,
                                    const shopstat_csv_opts *csv, FILE **fp)
{
    shopstat_reader *r = NULL;
    shopstat_error err;
    *fp = buf ? fmemopen((void *)buf, len, "rb") : NULL;
    shopstat_status st = !buf  ? shopstat_reader_open(data, csv, &r, &err)
                         : *fp ? shopstat_reader_open_file(*fp, data, csv, &r, &err)
                               : SHOPSTAT_ENOMEM;
    if (st != SHOPSTAT_OK) {
        shopstat_reader_free(r);
        if (*fp)
            fclose(*fp);
        *fp = NULL;
        return NULL;
    }
    return r;
}

void shopstat_describe_totalsrow(const char *data, const char *buf, size_t len,
                                 const shopstat_csv_opts *csv, const shopstat_description *ds,
                                 shopstat_totalsrow *t)
{
    memset(t, 0, sizeof *t);
    t->col = SIZE_MAX;
    size_t n = shopstat_description_ncols(ds);
    for (size_t i = 0; i < n && t->col == SIZE_MAX; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (c->total_value && c->name && *c->name)
            t->col = i, t->value = c->total_value, t->label = 1;
    }
    for (size_t i = 0; i < n && t->col == SIZE_MAX; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (c->sum_value && c->name && *c->name)
            t->col = i, t->value = c->sum_value;
    }
    if (t->col == SIZE_MAX || (!buf && strcmp(data, "-") == 0))
        return;
    FILE *fp;
    shopstat_reader *r = open_source(data, buf, len, csv, &fp);
    shopstat_error err;
    if (r) {
        totalsrow_probe pr = {t, ds, r, shopstat_reader_dialect(r)->decimal_comma};
        shopstat_reader_run(r, totalsrow_fn, &pr, &err);
    }
    shopstat_reader_free(r);
    if (fp)
        fclose(fp);
    if (!t->line)
        return;
    if (t->label)
        t->totals = t->sums >= 1 || t->counts >= 1 || t->blanks >= 2;
    else
        t->totals = t->sums >= 1 || t->blanks >= 1 || t->counts >= 1;
}

/* The bytes shopstat_totalsrow_find looks at: the whole file up to TOTALS_WHOLE bytes, else
 * its header and last TOTALS_TAIL bytes (from a line's start), and nothing past TOTALS_MAX
 * (a spreadsheet's export is smaller; a long run is spared). Described only when the bytes
 * hold a Total word, or are the whole file (a row of sums): a describe pass costs some 180
 * instructions a byte, a look for the word a few. */
#define TOTALS_WHOLE ((long)256 << 10)
#define TOTALS_TAIL 65536L
#define TOTALS_MAX ((long)8 << 20)

/* data's header and last TOTALS_TAIL bytes in one malloc'd buffer (*len bytes), the header
 * being the lines up to the one holding the last column's name; NULL if unreadable. */
static char *header_and_tail(const char *data, const shopstat_csv_opts *csv, long size, size_t *len)
{
    shopstat_reader *r = NULL;
    shopstat_error err;
    if (shopstat_reader_open(data, csv, &r, &err) != SHOPSTAT_OK) {
        shopstat_reader_free(r);
        return NULL;
    }
    size_t lines = 0;
    for (size_t i = 0; i < shopstat_reader_ncols(r); i++)
        if (shopstat_reader_colpos(r, i).line > lines)
            lines = shopstat_reader_colpos(r, i).line;
    shopstat_reader_free(r);
    FILE *f = fopen(data, "rb");
    char *buf = malloc((size_t)TOTALS_TAIL * 2 + 1);
    size_t n = 0, cap = (size_t)TOTALS_TAIL * 2;
    int c = 0;
    /* (the header: its lines, within half the buffer) */
    for (size_t l = 0; f && buf && l < lines && n < cap / 2; l++)
        while (n < cap / 2 && (c = fgetc(f)) != EOF && (buf[n++] = (char)c) != '\n')
            ;
    if (!f || !buf || n >= cap / 2 || fseek(f, size - TOTALS_TAIL, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        free(buf);
        return NULL;
    }
    while ((c = fgetc(f)) != EOF && c != '\n') /* (from the next line's start) */
        ;
    n += fread(buf + n, 1, cap - n, f);
    fclose(f);
    *len = n;
    return buf;
}

/* Whether buf[0..len) holds "total", "gesamt" or "summe" in any case (reader_total_text's
 * words all hold one): a Total cell may be among its rows. */
static int has_total_word(const char *buf, size_t len)
{
    static const char *const words[] = {"total", "gesamt", "summe"};
    for (size_t i = 0; i < len; i++) {
        int c = tolower((unsigned char)buf[i]);
        if (c != 't' && c != 'g' && c != 's')
            continue;
        for (size_t k = 0; k < 3; k++) {
            size_t n = strlen(words[k]);
            if (words[k][0] == c && i + n <= len && strncasecmp(buf + i, words[k], n) == 0)
                return 1;
        }
    }
    return 0;
}

/* The whole file data (size bytes) in one malloc'd buffer, or NULL. */
static char *whole_file(const char *data, long size, size_t *len)
{
    FILE *f = fopen(data, "rb");
    char *buf = f ? malloc((size_t)size + 1) : NULL;
    *len = buf ? fread(buf, 1, (size_t)size, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

int shopstat_totalsrow_find(const char *data, const shopstat_csv_opts *csv, const shopstat_plan *p,
                            shopstat_totalsrow_found *f)
{
    struct stat st;
    memset(f, 0, sizeof *f);
    if (!data || strcmp(data, "-") == 0 || stat(data, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > TOTALS_MAX || st.st_size < 4)
        return 0;
    unsigned char magic[2] = {0, 0};
    FILE *mf = fopen(data, "rb");
    size_t got = mf ? fread(magic, 1, 2, mf) : 0;
    if (mf)
        fclose(mf);
    if (got < 2 || (magic[0] == 0x1f && magic[1] == 0x8b)) /* (gzip: read once, in order) */
        return 0;
    size_t len = 0;
    int whole = st.st_size <= TOTALS_WHOLE;
    char *buf = whole ? whole_file(data, (long)st.st_size, &len)
                      : header_and_tail(data, csv, (long)st.st_size, &len);
    if (!buf || (!whole && !has_total_word(buf, len))) {
        free(buf);
        return 0;
    }
    FILE *fp;
    shopstat_reader *r = open_source(data, buf, len, csv, &fp);
    shopstat_description *ds = NULL;
    shopstat_error err;
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = 1;
    int found = 0;
    /* (the rows the run's exclusions leave out are no respondents: not looked at) */
    if (r && shopstat_describe_excluding(r, NULL, &po, p, &ds, &err) == SHOPSTAT_OK) {
        shopstat_totalsrow t;
        shopstat_describe_totalsrow(data, buf, len, csv, ds, &t);
        if (t.col != SIZE_MAX && t.totals) {
            found = 1;
            f->label = t.label;
            f->line = whole ? t.line : 0;
            snprintf(f->column, sizeof f->column, "%s",
                     shopstat_description_column(ds, t.col)->name);
            snprintf(f->value, sizeof f->value, "%s", t.value);
            f->sums = t.sums;
            f->counts = t.counts;
            f->blanks = t.blanks;
            f->decimal_comma = shopstat_reader_dialect(r)->decimal_comma;
        }
    }
    shopstat_description_free(ds);
    shopstat_reader_free(r);
    if (fp)
        fclose(fp);
    free(buf);
    return found;
}
