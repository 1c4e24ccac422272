/* Excel workbook of report tables (libxlsxwriter): a contents sheet, one banner sheet per table. */
#include "shopstat/xlsx.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "shopstat/output.h"

/* Sheet layout: column A holds the row labels, then one block of BLOCK columns per
 * segment: percentage, significance letters, CI lower, CI upper. */
#define BLOCK 4
#define W_PCT 7.0
#define W_SIG 6.0
#define W_CI 8.0
#define W_CHANGE 10.0 /* "-14.0 pts" in bold */

/* Low-base rules of thumb used in market research: an effective base under 30 is
 * shown but flagged, under 10 it is not tested. */
#define LOW_BASE 30.0
#define NO_TEST_BASE 10.0

/* Excel's limits (Excel specifications and limits): 31 characters in a sheet name,
 * 32,767 in a cell, 1,048,576 rows and 16,384 columns. */
#define SHEET_CHARS 31
#define SHEET_BUF (SHEET_CHARS * 4 + 1)
#define CELL_BYTES 32767
#define MAX_ROWS 1048576u
#define MAX_COLS 16384u

/* Document creation time written into docProps/core.xml. A fixed value makes the
 * workbook a function of its input only (libxlsxwriter already writes fixed zip
 * timestamps), so the same tables give byte-identical files: 2000-01-01T00:00:00Z. */
#define FIXED_CREATED ((time_t)946684800)

typedef struct fmts {
    lxw_format *title, *bold, *note, *hdr, *letter, *sub, *corner, *label;
    lxw_format *pct, *pct_low, *ci, *ci_low, *sig, *na;
    lxw_format *base_n, *base_n_low, *base_w, *base_w_low;
    lxw_format *base_ws, *base_ws_low; /* a weighted base as a share of the population */
    lxw_format *toc_hdr;
    lxw_format *dpct, *dci, *pval; /* a change: "+4.7%", its interval, its p "0.035" */
    lxw_format *pval_more[3];      /* its p in 4 to 6 decimals, near a letter's level */
    lxw_format *pval_bound[4];     /* pval, pval_more followed by "+": one side at 0% or 100%
                                      (shopstat_difference_side_at_bound) */
    /* a score's value and interval by the rule of every view (shopstat_score_format):
     * [decimals 0-3][signed: a scale below 0], "0.00" (a 1-5 mean) to "+0;-0;0" (an NPS) */
    lxw_format *score[4][2], *score_ci[4][2];
    /* what keeps a number from reading as report.md does not: the twins of the formats
     * above whose cells may hold a value that rounds to 0 (twin_of) */
    struct twin *twins;
    size_t ntwins;
} fmts;

/* A number format's twins, so that a cell reads as report.md's text of its value: zero, the
 * format without a sign, for a value that rounds to 0 (a Wald bound of -0.0004 reads "0.0%",
 * not "-0.0%"; an NPS of 0.15 "0", not "+0", and a bound of -0.3 "0", not "-0"); more, the format with one and two more
 * decimals, for a change in points that rounds to 0 and keeps its side there
 * (shopstat_format_fixed's SHOPSTAT_FIXED_SIDE: "-0.04", not "-0.0"). scale: the value's
 * units in the format's last decimal (1000 for "0.0%" of a share). */
typedef struct twin {
    lxw_format *f, *zero, *more[2];
    double scale;
} twin;

/* Write state: the first failure wins and later writes are skipped. */
typedef struct wctx {
    lxw_workbook *wb;
    fmts f;
    lxw_error lerr;     /* first libxlsxwriter error, LXW_NO_ERROR if none */
    shopstat_status st; /* first error of our own (ENOMEM) */
    char where[96];     /* sheet being written at the first error */
    const char *sheet;  /* current sheet name, for messages */
} wctx;

static int failed(const wctx *c)
{
    return c->lerr != LXW_NO_ERROR || c->st != SHOPSTAT_OK;
}

static void chk(wctx *c, lxw_error e)
{
    if (e == LXW_NO_ERROR || failed(c))
        return;
    c->lerr = e;
    snprintf(c->where, sizeof c->where, "%s", c->sheet ? c->sheet : "workbook");
}

static void oom(wctx *c)
{
    if (failed(c))
        return;
    c->st = SHOPSTAT_ENOMEM;
    snprintf(c->where, sizeof c->where, "%s", c->sheet ? c->sheet : "workbook");
}

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid, overlong, a
 * surrogate or beyond U+10FFFF (RFC 3629, table 3-7 of the Unicode standard). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    if (b < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Characters (code points) of a UTF-8 string, invalid bytes counted as one each. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len; n++) {
        size_t k = utf8_seq((const unsigned char *)s + i, len - i);
        i += k ? k : 1;
    }
    return n;
}

/* A copy of s that an xlsx can hold: valid UTF-8 (invalid bytes become U+FFFD), no
 * control characters but tab and newline (XML 1.0 forbids them; they become spaces),
 * at most max bytes, cut on a character boundary. NULL on allocation failure. */
static char *clean_text(const char *s, size_t max)
{
    static const char repl[] = "\xEF\xBF\xBD";
    size_t len = strlen(s);
    size_t cap = (len < max ? len : max) * 3 + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t k = utf8_seq(p, len - i);
        const char *src = (const char *)p;
        size_t w = k;
        char sp = ' ';
        if (k == 0) {
            src = repl;
            w = 3;
            k = 1;
        } else if (k == 1 && p[0] < 0x20 && p[0] != '\t' && p[0] != '\n') {
            src = &sp;
        } else if (k == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) {
            src = repl; /* U+FFFE and U+FFFF are not XML characters either */
        }
        if (o + w > max || o + w >= cap)
            break;
        memcpy(out + o, src, w);
        o += w;
        i += k;
    }
    out[o] = '\0';
    return out;
}

static void put_str(wctx *c, lxw_worksheet *ws, size_t r, size_t col, const char *s, lxw_format *f)
{
    if (failed(c))
        return;
    if (!s || !*s) {
        if (f)
            chk(c, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)col, f));
        return;
    }
    char *t = clean_text(s, CELL_BYTES);
    if (!t) {
        oom(c);
        return;
    }
    chk(c, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)col, t, f));
    free(t);
}

/* printf into a cell. */
static void put_fmt(wctx *c, lxw_worksheet *ws, size_t r, size_t col, lxw_format *f,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void put_fmt(wctx *c, lxw_worksheet *ws, size_t r, size_t col, lxw_format *f,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        oom(c);
        return;
    }
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        oom(c);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put_str(c, ws, r, col, buf, f);
    free(buf);
}

/* A statistic, or "n/a" text where it is not a number: xlsx cannot hold NaN or Inf. */
/* The format that shows v as report.md does: f, or its twin (above) when v rounds to 0 in f. */
static lxw_format *shown_format(const wctx *c, lxw_format *f, double v)
{
    for (size_t i = 0; i < c->f.ntwins; i++) {
        const twin *t = &c->f.twins[i];
        if (t->f != f)
            continue;
        double a = fabs(v) * t->scale; /* (Excel rounds half away from 0) */
        if (v == 0 || a >= 0.5)
            return f;
        for (int k = 0; k < 2 && t->more[k]; k++)
            if (a * pow(10, k + 1) >= 0.5)
                return t->more[k];
        /* (either side of a signed format: "+0;-0;0" shows an NPS of +0.15 as "+0", where
         * report.md says "0") */
        return t->zero && (v < 0 || f->num_format[0] == '+') ? t->zero : f;
    }
    return f;
}

static void put_num(wctx *c, lxw_worksheet *ws, size_t r, size_t col, double v, lxw_format *f)
{
    if (failed(c))
        return;
    f = shown_format(c, f, v);
    if (isfinite(v))
        chk(c, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)col, v, f));
    else
        put_str(c, ws, r, col, "n/a", c->f.na);
}

/* An interval's two cells from column col: its bounds, or "df 0" in both where the
 * design df is 0 (no_interval: the table's note says so), "no SE" where the replicate
 * estimates are undefined (SHOPSTAT_NO_INTERVAL_REP_UNDEFINED), not the "n/a" of an empty
 * base. */
static void put_ci(wctx *c, lxw_worksheet *ws, size_t r, size_t col, double lo, double hi,
                   int no_interval, lxw_format *f)
{
    if (no_interval) {
        const char *why = no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED ? "no SE" : "df 0";
        put_str(c, ws, r, col, why, c->f.na);
        put_str(c, ws, r, col + 1, why, c->f.na);
        return;
    }
    put_num(c, ws, r, col, lo, f);
    put_num(c, ws, r, col + 1, hi, f);
}

/* A number (or "n/a") centred over a block of columns. */
static void put_num_block(wctx *c, lxw_worksheet *ws, size_t r, size_t col, double v, lxw_format *f)
{
    if (failed(c))
        return;
    chk(c, worksheet_merge_range(ws, (lxw_row_t)r, (lxw_col_t)col, (lxw_row_t)r,
                                 (lxw_col_t)(col + BLOCK - 1), "", f));
    put_num(c, ws, r, col, v, f);
}

/* ---- sheet names ---- */

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y || !x)
            return x - y;
    }
}

/* Copy at most max characters of s (valid UTF-8) into out. */
static void copy_chars(char *out, const char *s, size_t max)
{
    size_t i = 0, n = 0, len = strlen(s);
    while (i < len && n < max) {
        size_t k = utf8_seq((const unsigned char *)s + i, len - i);
        i += k ? k : 1;
        n++;
    }
    memcpy(out, s, i);
    out[i] = '\0';
}

/* A valid sheet name from a table id: control characters, invalid UTF-8 and Excel's
 * forbidden []:*?/\ become '_', a leading or trailing apostrophe too, and the name is
 * cut at 31 characters. An empty id becomes "Table N". */
static void sanitize_sheet(const char *raw, size_t index, char out[SHEET_BUF])
{
    char tmp[SHEET_BUF];
    size_t o = 0, nch = 0;
    if (raw) {
        size_t len = strlen(raw);
        for (size_t i = 0; i < len && nch < SHEET_CHARS; nch++) {
            const unsigned char *p = (const unsigned char *)raw + i;
            size_t k = utf8_seq(p, len - i);
            if (k == 0 || (k == 1 && (p[0] < 0x20 || p[0] == 0x7F || strchr("[]:*?/\\", p[0])))) {
                tmp[o++] = '_';
                i += k ? k : 1;
            } else if (k == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) {
                tmp[o++] = '_';
                i += 3;
            } else {
                memcpy(tmp + o, p, k);
                o += k;
                i += k;
            }
        }
    }
    tmp[o] = '\0';
    if (o == 0)
        snprintf(tmp, sizeof tmp, "Table %zu", index + 1);
    else {
        if (tmp[0] == '\'')
            tmp[0] = '_';
        if (tmp[o - 1] == '\'')
            tmp[o - 1] = '_';
    }
    memcpy(out, tmp, strlen(tmp) + 1);
}

/* The names given so far and the bases tried, ignoring (ASCII) case as Excel does: an
 * open-addressing hash table of at least twice the entries it will hold, so it never grows.
 * A base remembers the first suffix not yet tried: every smaller one is taken, and a taken
 * name stays taken. Comparing each try with every earlier name made n tables whose ids share
 * their first 31 characters cost n^3/6 comparisons (2,000 tables: 49 s). */
typedef struct name_slot {
    char *key;   /* NULL: empty */
    int taken;   /* a sheet has this name (or Excel reserves it) */
    size_t next; /* as a base: the suffix to try first, 0 for 2 */
} name_slot;

typedef struct name_set {
    name_slot *slot;
    size_t cap; /* a power of two */
} name_set;

static size_t name_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        h = (h ^ (ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch)) * 1099511628211u;
    }
    return (size_t)h;
}

/* name's slot: its entry, or the empty slot where it would go. */
static name_slot *name_find(const name_set *ns, const char *name)
{
    size_t i = name_hash(name) & (ns->cap - 1);
    while (ns->slot[i].key && ascii_casecmp(ns->slot[i].key, name))
        i = (i + 1) & (ns->cap - 1);
    return &ns->slot[i];
}

/* name's entry, added (a copy of name) when new; NULL when out of memory. */
static name_slot *name_add(name_set *ns, const char *name)
{
    name_slot *e = name_find(ns, name);
    if (!e->key && !(e->key = strdup(name)))
        return NULL;
    return e;
}

static name_slot *name_take(name_set *ns, const char *name)
{
    name_slot *e = name_add(ns, name);
    if (e)
        e->taken = 1;
    return e;
}

/* names[0] is "Contents"; names[1 + i] becomes table i's unique sheet name, the
 * sanitized id or, when that is taken (an earlier name equal but for ASCII case, or
 * Excel's reserved "History"), the id cut short with " (2)", " (3)", ... the first not
 * taken. Deterministic: it depends on the ids and their order only. -1 when out of memory. */
static int make_sheet_names(const shopstat_xlsx_table *tables, size_t ntables,
                            char (*names)[SHEET_BUF])
{
    name_set ns = {NULL, 16};
    while (ns.cap < 4 * ntables + 8) /* (ntables <= MAX_ROWS: no overflow) */
        ns.cap *= 2;
    if (!(ns.slot = calloc(ns.cap, sizeof *ns.slot)))
        return -1;
    snprintf(names[0], SHEET_BUF, "Contents");
    int ok = name_take(&ns, "History") && name_take(&ns, names[0]);
    for (size_t i = 0; ok && i < ntables; i++) {
        char base[SHEET_BUF], *cand = names[1 + i];
        sanitize_sheet(tables[i].name, i, base);
        memcpy(cand, base, strlen(base) + 1);
        name_slot *b = name_add(&ns, base);
        if (!b) {
            ok = 0;
            break;
        }
        if (b->taken) {
            size_t k = b->next ? b->next : 2;
            for (;; k++) {
                char suffix[32];
                int sl = snprintf(suffix, sizeof suffix, " (%zu)", k);
                copy_chars(cand, base, SHEET_CHARS - (size_t)sl);
                /* a cut may leave a trailing apostrophe; the suffix makes it inner */
                strcat(cand, suffix);
                const name_slot *e = name_find(&ns, cand);
                if (!e->key || !e->taken)
                    break;
            }
            b->next = k + 1;
        }
        ok = name_take(&ns, cand) != NULL;
    }
    for (size_t i = 0; i < ns.cap; i++)
        free(ns.slot[i].key);
    free(ns.slot);
    return ok ? 0 : -1;
}

/* "internal:'Sheet name'!A1" with apostrophes doubled, as Excel quotes sheet names. */
static void sheet_link(const char *name, char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "internal:'");
    for (const char *p = name; *p && o + 4 < n; p++) {
        out[o++] = *p;
        if (*p == '\'')
            out[o++] = '\'';
    }
    snprintf(out + o, n - o, "'!A1");
}

/* Column letter of segment s as Excel names columns: A..Z, AA, AB, ... */
static void col_letter(size_t s, char out[16])
{
    char rev[16];
    size_t n = 0;
    s++;
    while (s > 0 && n < sizeof rev - 1) {
        size_t m = (s - 1) % 26;
        rev[n++] = (char)('A' + m);
        s = (s - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

/* ---- formats ---- */

#define GREY 0x808080
#define HDR_FILL 0xF2F2F2
#define SIG_COLOR 0x1F4E79

static lxw_format *fmt_new(wctx *c)
{
    lxw_format *f = workbook_add_format(c->wb);
    if (!f)
        oom(c);
    return f;
}

/* A share's cells: 0.0% (its interval's bounds in the same form). */
#define PCT_FORMAT "0.0%"

/* An interval's bound: grey, small (italic: a low base's). */
static void ci_style(lxw_format *f, const char *num, int italic)
{
    if (!f)
        return;
    format_set_num_format(f, num);
    format_set_font_color(f, GREY);
    format_set_font_size(f, 9);
    if (italic)
        format_set_italic(f);
}

/* Twin t of format f: styled by style(x, num) for each of its number formats (zero: the
 * unsigned one; more: one and two more decimals, or NULL). */
static void add_twin(wctx *c, lxw_format *f, double scale,
                     void (*style)(lxw_format *, const char *), const char *zero, const char *more1,
                     const char *more2)
{
    if (failed(c) || !f)
        return;
    twin *t = &c->f.twins[c->f.ntwins];
    memset(t, 0, sizeof *t);
    t->f = f;
    t->scale = scale;
    const char *codes[3] = {zero, more1, more2};
    lxw_format **out[3] = {&t->zero, &t->more[0], &t->more[1]};
    for (int k = 0; k < 3; k++)
        if (codes[k]) {
            if (!(*out[k] = fmt_new(c)))
                return;
            style(*out[k], codes[k]);
        }
    c->f.ntwins++;
}

static void style_ci(lxw_format *f, const char *num)
{
    ci_style(f, num, 0);
}

static void style_ci_low(lxw_format *f, const char *num)
{
    ci_style(f, num, 1);
}

static void style_bold(lxw_format *f, const char *num)
{
    format_set_num_format(f, num);
    format_set_bold(f);
}

/* The formats' twins (struct twin): a share's interval (a Wald bound just below 0), a
 * change in points and its interval, a score and its interval of each number of decimals. */
#define MAX_TWINS 24
static void make_twins(wctx *c, int dec)
{
    fmts *f = &c->f;
    if (failed(c))
        return;
    if (!(f->twins = calloc(MAX_TWINS, sizeof *f->twins))) {
        oom(c);
        return;
    }
    /* (dec: the percentages' decimals, 0 or 1: a report's decimals:; a change in points
     * follows them, as report.md's) */
    if (dec == 0) {
        add_twin(c, f->ci, 100, style_ci, "0%;0%", NULL, NULL);
        add_twin(c, f->ci_low, 100, style_ci_low, "0%;0%", NULL, NULL);
        add_twin(c, f->dpct, 1, style_bold, "0\" pts\";0\" pts\"",
                 "+0.0\" pts\";-0.0\" pts\";0.0\" pts\"",
                 "+0.00\" pts\";-0.00\" pts\";0.00\" pts\"");
        add_twin(c, f->dci, 1, style_ci, "0;0", "+0.0;-0.0;0.0", "+0.00;-0.00;0.00");
    } else {
        add_twin(c, f->ci, 1000, style_ci, "0.0%;0.0%", NULL, NULL);
        add_twin(c, f->ci_low, 1000, style_ci_low, "0.0%;0.0%", NULL, NULL);
        add_twin(c, f->dpct, 10, style_bold, "0.0\" pts\";0.0\" pts\"",
                 "+0.00\" pts\";-0.00\" pts\";0.00\" pts\"",
                 "+0.000\" pts\";-0.000\" pts\";0.000\" pts\"");
        add_twin(c, f->dci, 10, style_ci, "0.0;0.0", "+0.00;-0.00;0.00", "+0.000;-0.000;0.000");
    }
    static const char *const zero[4] = {"0;0", "0.0;0.0", "0.00;0.00", "0.000;0.000"};
    for (int k = 0; k < 4; k++)
        for (int g = 0; g < 2; g++) {
            add_twin(c, f->score[k][g], pow(10, k), style_bold, zero[k], NULL, NULL);
            add_twin(c, f->score_ci[k][g], pow(10, k), style_ci, zero[k], NULL, NULL);
        }
}

/* Every format the workbook uses; workbook_add_format returns NULL only when out of
 * memory, and the setters below are then skipped. */
static void make_formats(wctx *c, int dec)
{
    const char *pct_format = dec == 0 ? "0%" : PCT_FORMAT;
    fmts *f = &c->f;
    lxw_format **all[] = {&f->title,      &f->bold,   &f->note,       &f->hdr,     &f->letter,
                          &f->sub,        &f->corner, &f->label,      &f->pct,     &f->pct_low,
                          &f->ci,         &f->ci_low, &f->sig,        &f->na,      &f->base_n,
                          &f->base_n_low, &f->base_w, &f->base_w_low, &f->base_ws,
                          &f->base_ws_low, &f->toc_hdr, &f->dpct,
                          &f->dci,        &f->pval,   &f->pval_more[0], &f->pval_more[1],
                          &f->pval_more[2], &f->pval_bound[0], &f->pval_bound[1],
                          &f->pval_bound[2], &f->pval_bound[3]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!(*all[i] = fmt_new(c)))
            return;
    for (int k = 0; k < 4; k++)
        for (int g = 0; g < 2; g++)
            if (!(f->score[k][g] = fmt_new(c)) || !(f->score_ci[k][g] = fmt_new(c)))
                return;
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    format_set_bold(f->bold);
    format_set_font_color(f->note, 0x404040);

    format_set_bold(f->hdr);
    format_set_align(f->hdr, LXW_ALIGN_CENTER);
    format_set_align(f->hdr, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f->hdr);
    format_set_bg_color(f->hdr, HDR_FILL);
    format_set_top(f->hdr, LXW_BORDER_THIN);
    format_set_left(f->hdr, LXW_BORDER_THIN);
    format_set_right(f->hdr, LXW_BORDER_THIN);

    format_set_bold(f->letter);
    format_set_align(f->letter, LXW_ALIGN_CENTER);
    format_set_font_color(f->letter, SIG_COLOR);
    format_set_bg_color(f->letter, HDR_FILL);
    format_set_left(f->letter, LXW_BORDER_THIN);
    format_set_right(f->letter, LXW_BORDER_THIN);

    format_set_italic(f->sub);
    format_set_align(f->sub, LXW_ALIGN_CENTER);
    format_set_font_size(f->sub, 9);
    format_set_font_color(f->sub, GREY);
    format_set_bottom(f->sub, LXW_BORDER_THIN);

    format_set_bottom(f->corner, LXW_BORDER_THIN);
    format_set_bg_color(f->corner, HDR_FILL);

    /* one decimal, as report.md and tab's table view: whole percentages read 0% for every
     * share of a question under 0.5% (beside its letters and a difference of +0.4 pts), and
     * a change of +4.7 pts could not be checked against its two shares */
    format_set_num_format(f->pct, pct_format);
    format_set_num_format(f->pct_low, pct_format);
    format_set_italic(f->pct_low);
    format_set_font_color(f->pct_low, GREY);
    ci_style(f->ci, pct_format, 0);
    ci_style(f->ci_low, pct_format, 1);

    format_set_bold(f->sig);
    format_set_font_color(f->sig, SIG_COLOR);
    format_set_align(f->sig, LXW_ALIGN_LEFT);

    format_set_align(f->na, LXW_ALIGN_RIGHT);
    format_set_font_color(f->na, GREY);

    format_set_num_format_index(f->base_n, 3); /* built-in "#,##0" */
    format_set_align(f->base_n, LXW_ALIGN_CENTER);
    format_set_num_format_index(f->base_n_low, 3);
    format_set_align(f->base_n_low, LXW_ALIGN_CENTER);
    format_set_italic(f->base_n_low);
    format_set_font_color(f->base_n_low, GREY);
    format_set_num_format(f->base_w, "#,##0.0");
    format_set_align(f->base_w, LXW_ALIGN_CENTER);
    format_set_num_format(f->base_w_low, "#,##0.0");
    format_set_align(f->base_w_low, LXW_ALIGN_CENTER);
    format_set_italic(f->base_w_low);
    format_set_font_color(f->base_w_low, GREY);
    format_set_num_format(f->base_ws, "0.0%");
    format_set_align(f->base_ws, LXW_ALIGN_CENTER);
    format_set_num_format(f->base_ws_low, "0.0%");
    format_set_align(f->base_ws_low, LXW_ALIGN_CENTER);
    format_set_italic(f->base_ws_low);
    format_set_font_color(f->base_ws_low, GREY);

    /* a change in percentage points, written in points (+4.7, as report.md): "+4.7%" pasted
     * into a slide reads as a relative change */
    format_set_num_format(f->dpct, dec == 0 ? "+0\" pts\";-0\" pts\";0\" pts\""
                                            : "+0.0\" pts\";-0.0\" pts\";0.0\" pts\"");
    format_set_bold(f->dpct);
    ci_style(f->dci, dec == 0 ? "+0;-0;0" : "+0.0;-0.0;0.0", 0);
    /* p as report.md gives it: 3 decimals, and "< 0.001" below (the cell keeps the exact
     * value: 0.000 for a p of 9.4e-07 read as no chance at all) */
    format_set_num_format(f->pval, "[<0.001]\"< 0.001\";0.000");
    /* (0.0498 under 0.05 shows "0.0498", not "0.050" beside its letter:
     * shopstat_format_p_alpha) */
    format_set_num_format(f->pval_more[0], "0.0000");
    format_set_num_format(f->pval_more[1], "0.00000");
    format_set_num_format(f->pval_more[2], "0.000000");
    /* (compare's and report.md's "p < 0.001+": the cell keeps its number) */
    format_set_num_format(f->pval_bound[0], "[<0.001]\"< 0.001+\";0.000\"+\"");
    format_set_num_format(f->pval_bound[1], "0.0000\"+\"");
    format_set_num_format(f->pval_bound[2], "0.00000\"+\"");
    format_set_num_format(f->pval_bound[3], "0.000000\"+\"");

    format_set_bold(f->toc_hdr);
    format_set_bottom(f->toc_hdr, LXW_BORDER_THIN);
    format_set_bg_color(f->toc_hdr, HDR_FILL);

    static const char *const score_fmt[4][2] = {{"0", "+0;-0;0"},
                                                {"0.0", "+0.0;-0.0;0.0"},
                                                {"0.00", "+0.00;-0.00;0.00"},
                                                {"0.000", "+0.000;-0.000;0.000"}};
    for (int k = 0; k < 4; k++)
        for (int g = 0; g < 2; g++) {
            format_set_num_format(f->score[k][g], score_fmt[k][g]);
            format_set_bold(f->score[k][g]);
            ci_style(f->score_ci[k][g], score_fmt[k][g], 0);
        }
    make_twins(c, dec);
}

/* ---- significance letters ---- */

/* Cell (level, segment) is significantly higher than column `other`. */
typedef struct mark {
    size_t cell, other;
    int upper;
} mark;

static int mark_cmp(const void *x, const void *y)
{
    const mark *a = x, *b = y;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    if (a->other != b->other)
        return a->other < b->other ? -1 : 1;
    return b->upper - a->upper; /* upper case first */
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static size_t find_segment(const shopstat_xlsx_table *t, const char *name)
{
    for (size_t s = 0; t->nlevels && s < t->nsegments; s++)
        if (same(t->est[s].segment, name))
            return s;
    return SIZE_MAX;
}

static size_t find_level(const shopstat_xlsx_table *t, const char *level)
{
    for (size_t l = 0; t->nsegments && l < t->nlevels; l++)
        if (same(t->est[l * t->nsegments].level, level))
            return l;
    return SIZE_MAX;
}

static const char *segment_label(const shopstat_xlsx_table *t, size_t s)
{
    if (t->segment_labels && t->segment_labels[s])
        return t->segment_labels[s];
    if (t->nlevels && t->est[s].segment)
        return t->est[s].segment;
    return "?";
}

static const char *level_label(const shopstat_xlsx_table *t, size_t l)
{
    if (t->level_labels && t->level_labels[l])
        return t->level_labels[l];
    if (t->nsegments && t->est[l * t->nsegments].level)
        return t->est[l * t->nsegments].level;
    return "?";
}

/* 0: not significant, 1: lower case (alpha_lower), 2: upper case (alpha_upper). */
static int strength(double p, const shopstat_xlsx_opts *o)
{
    if (!isfinite(p))
        return 0;
    if (p < o->alpha_upper)
        return 2;
    if (p < o->alpha_lower)
        return 1;
    return 0;
}

/* The letters string of one cell from its sorted marks, e.g. "Ac" (or "AA ab" once
 * letters have two characters). */
static void cell_letters(const mark *m, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    int wide = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].other >= 26)
            wide = 1;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && m[i].other == m[i - 1].other)
            continue; /* a duplicate pair: the stronger (sorted first) wins */
        char L[16];
        col_letter(m[i].other, L);
        if (!m[i].upper)
            for (char *p = L; *p; p++)
                *p = (char)(*p - 'A' + 'a');
        size_t need = strlen(L) + (wide && o ? 1 : 0);
        if (o + need + 1 > cap)
            break;
        if (wide && o)
            out[o++] = ' ';
        memcpy(out + o, L, strlen(L) + 1);
        o += strlen(L);
    }
}

/* A note's p: "p = 0.021", and "p = 0.069, significant at p < 0.1 only" when it passes
 * only the lower-case letters' level (the upper case's 0.05 is what a reader assumes). */
static void fmt_note_p(double p, const shopstat_xlsx_opts *o, int bound, char *out, size_t n)
{
    shopstat_format_p_alpha(p, o->alpha_upper, o->alpha_lower, out, n);
    size_t k = strlen(out);
    if (bound && k + 1 < n) { /* (shopstat_difference_side_at_bound: "p < 0.001+") */
        out[k++] = '+';
        out[k] = '\0';
    }
    if (strength(p, o) == 1 && k < n)
        snprintf(out + k, n - k, ", significant at p < %g only", o->alpha_lower);
}

/* ---- sheets ---- */

/* The weighted base's row label and its cell's value and format (report.md's wbase_text): a
 * population file of shares (o->population_shares) gives each base as a share of it, whose
 * "1.0" read as one person. */
static const char *wbase_label(const shopstat_xlsx_opts *o)
{
    return o->population_shares > 0 ? "Weighted base (share of population)" : "Weighted base";
}

static void put_wbase(wctx *c, lxw_worksheet *ws, size_t r, size_t col, double w, int low,
                      int block, const shopstat_xlsx_opts *o)
{
    int sh = o->population_shares > 0;
    lxw_format *f = sh ? (low ? c->f.base_ws_low : c->f.base_ws)
                       : (low ? c->f.base_w_low : c->f.base_w);
    double v = sh ? w / o->population_shares : w;
    if (block)
        put_num_block(c, ws, r, col, v, f);
    else
        put_num(c, ws, r, col, v, f);
}

static void legend(const shopstat_xlsx_opts *o, int scores, char *out, size_t n)
{
    const char *adj = o->unadjusted ? "unadjusted" : "adjusted";
    if (scores && o->alpha_lower > o->alpha_upper)
        snprintf(out, n,
                 "Letters: significantly higher than the column with that letter; upper case "
                 "at p < %g, lower case at p < %g (%s p-values; a score's difference is "
                 "a test of its own, not adjusted).",
                 o->alpha_upper, o->alpha_lower, adj);
    else if (scores)
        snprintf(out, n,
                 "Letters: significantly higher than the column with that letter at p < %g "
                 "(%s p-values; a score's difference is a test of its own, not adjusted).",
                 o->alpha_upper, adj);
    else if (o->alpha_lower > o->alpha_upper)
        snprintf(out, n,
                 "Letters: significantly higher than the column with that letter; upper case "
                 "at p < %g, lower case at p < %g (%s p-values).",
                 o->alpha_upper, o->alpha_lower, adj);
    else
        snprintf(out, n,
                 "Letters: significantly higher than the column with that letter at p < %g "
                 "(%s p-values).",
                 o->alpha_upper, adj);
}

/* A table's or grid's sheet from row r on: the letters' legend, the intervals' method, the
 * spec's note, then a link back to Contents a row below; the row after the link. */
static size_t put_sheet_end(wctx *c, lxw_worksheet *ws, size_t r, const shopstat_xlsx_opts *o,
                            int scores)
{
    char buf[512];
    legend(o, scores, buf, sizeof buf);
    put_str(c, ws, r++, 0, buf, c->f.note);
    if (o->ci_note)
        put_fmt(c, ws, r++, 0, c->f.note, "Confidence intervals: %s", o->ci_note);
    if (o->source)
        put_fmt(c, ws, r++, 0, c->f.note, "Source: %s", o->source);
    if (o->note)
        put_str(c, ws, r++, 0, o->note, c->f.note);
    r++;
    if (!failed(c))
        chk(c, worksheet_write_url_opt(ws, (lxw_row_t)r, 0, "internal:'Contents'!A1", NULL,
                                       "Back to Contents", NULL));
    return r;
}

static const char low_base_note[] =
    "Italic grey: low base (effective base under 30), read with caution; under 10 the "
    "column is not tested for significance.";

static void write_contents(wctx *c, lxw_worksheet *ws, const shopstat_xlsx_table *tables,
                           size_t ntables, char (*names)[SHEET_BUF], const shopstat_xlsx_opts *o)
{
    char buf[512];
    size_t r = 0, wname = 8;
    put_str(c, ws, r++, 0, o->title ? o->title : "Tables", c->f.title);
    if (o->source)
        put_fmt(c, ws, r++, 0, c->f.note, "Source: %s", o->source);
    if (o->note)
        put_str(c, ws, r++, 0, o->note, c->f.note);
    if (o->ci_note)
        put_fmt(c, ws, r++, 0, c->f.note, "Confidence intervals: %s", o->ci_note);
    if (o->rows_note)
        put_str(c, ws, r++, 0, o->rows_note, c->f.note);
    if (o->design_note)
        put_str(c, ws, r++, 0, o->design_note, c->f.note);
    /* (a workbook handed over alone says what the analyst was warned of) */
    for (size_t i = 0; o->warnings && i < o->nwarnings && !failed(c); i++)
        put_fmt(c, ws, r++, 0, c->f.note, "Warning: %s", o->warnings[i]);
    legend(o, 0, buf, sizeof buf);
    put_str(c, ws, r++, 0, buf, c->f.note);
    put_str(c, ws, r++, 0, low_base_note, c->f.note);
    put_str(c, ws, r++, 0,
            "n/a: empty base (nobody in the segment answered, or every row that did has weight "
            "0).",
            c->f.note);
    r++;
    put_str(c, ws, r, 0, "Sheet", c->f.toc_hdr);
    put_str(c, ws, r, 1, "Table", c->f.toc_hdr);
    put_str(c, ws, r++, 2, "Base", c->f.toc_hdr);
    for (size_t i = 0; i < ntables && !failed(c); i++, r++) {
        const shopstat_xlsx_table *t = &tables[i];
        char url[2 * SHEET_BUF + 32];
        sheet_link(names[1 + i], url, sizeof url);
        chk(c, worksheet_write_url_opt(ws, (lxw_row_t)r, 0, url, NULL, names[1 + i], NULL));
        put_str(c, ws, r, 1, t->title ? t->title : t->name, NULL);
        put_str(c, ws, r, 2, t->base_note, NULL);
        size_t w = utf8_chars(names[1 + i]);
        if (w > wname)
            wname = w;
    }
    chk(c, worksheet_set_column(ws, 0, 0, (double)wname + 3, NULL));
    chk(c, worksheet_set_column(ws, 1, 1, 60, NULL));
    chk(c, worksheet_set_column(ws, 2, 2, 50, NULL));
}

/* Bases of segment s: the common value of its rows, or the smallest when rows differ
 * (multi-response items where some answers are missing). Returns 1 if they differ. */
static int segment_base(const shopstat_xlsx_table *t, size_t s, size_t *n, double *w, double *eff)
{
    int vary = 0;
    const shopstat_estimate *e0 = &t->est[s];
    *n = e0->base_n;
    *w = e0->base_weight;
    *eff = e0->eff_base;
    for (size_t l = 1; l < t->nlevels; l++) {
        const shopstat_estimate *e = &t->est[l * t->nsegments + s];
        if (e->base_n != e0->base_n || e->base_weight != e0->base_weight)
            vary = 1;
        if (e->base_n < *n)
            *n = e->base_n;
        if (e->base_weight < *w)
            *w = e->base_weight;
        if (e->eff_base < *eff)
            *eff = e->eff_base;
    }
    return vary;
}

static int is_low(double eff)
{
    return !(eff >= LOW_BASE); /* NaN counts as low */
}

/* The significance marks of a table's levels (the higher cell gets the other column's
 * letter), sorted by cell; rest[] = the comparisons with a segment that is no column (a
 * note under the table). marks and rest hold ndiffs each. */
static size_t level_marks(const shopstat_xlsx_table *t, const shopstat_xlsx_opts *o, mark *marks,
                          size_t *rest, size_t *nrest)
{
    const size_t ns = t->nsegments;
    size_t nmarks = 0;
    *nrest = 0;
    for (size_t i = 0; i < t->ndiffs; i++) {
        const shopstat_difference *d = &t->diffs[i];
        if (d->variable && t->est[0].variable && strcmp(d->variable, t->est[0].variable))
            continue; /* another question's comparison */
        size_t l = find_level(t, d->level);
        size_t a = find_segment(t, d->segment_a), b = find_segment(t, d->segment_b);
        int k = strength(d->p_adjusted, o);
        if (l == SIZE_MAX || a == b || k == 0 || !isfinite(d->difference) || d->difference == 0)
            continue;
        double ea = a == SIZE_MAX ? d->eff_base_a : t->est[l * ns + a].eff_base;
        double eb = b == SIZE_MAX ? d->eff_base_b : t->est[l * ns + b].eff_base;
        if (!(ea >= NO_TEST_BASE) || !(eb >= NO_TEST_BASE))
            continue;
        if (a == SIZE_MAX || b == SIZE_MAX) {
            rest[(*nrest)++] = i; /* a segment that is no column (e.g. "rest"): a note below */
            continue;
        }
        mark m = {.cell = l * ns + (d->difference > 0 ? a : b),
                  .other = d->difference > 0 ? b : a,
                  .upper = k == 2};
        marks[nmarks++] = m;
    }
    qsort(marks, nmarks, sizeof *marks, mark_cmp);
    return nmarks;
}

/* level_marks into arrays of its own (the caller's to free): 0, or -1 after oom(c) when they
 * could not be had (then none is left to free). */
static int table_marks(wctx *c, const shopstat_xlsx_table *t, const shopstat_xlsx_opts *o,
                       mark **marks, size_t **rest, size_t *nmarks, size_t *nrest)
{
    *marks = malloc((t->ndiffs ? t->ndiffs : 1) * sizeof **marks);
    *rest = malloc((t->ndiffs ? t->ndiffs : 1) * sizeof **rest);
    *nrest = *nmarks = 0;
    if (!*marks || !*rest) {
        free(*marks);
        free(*rest);
        *marks = NULL;
        *rest = NULL;
        oom(c);
        return -1;
    }
    *nmarks = level_marks(t, o, *marks, *rest, nrest);
    return 0;
}

/* The letters of score k's cell in segment s, as the levels' (into out). */
static void score_letters(const shopstat_xlsx_table *t, const shopstat_xlsx_opts *o, size_t k,
                          size_t s, char *out, size_t cap)
{
    const size_t ns = t->nsegments;
    mark sm[64];
    size_t nsm = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->nscore_diffs && nsm < 64; i++) {
        const shopstat_difference *d = &t->score_diffs[i];
        size_t a = find_segment(t, d->segment_a), b = find_segment(t, d->segment_b);
        int st = strength(d->p_adjusted, o);
        if (d->l != k || a == SIZE_MAX || b == SIZE_MAX || a == b || st == 0 ||
            !isfinite(d->difference) || d->difference == 0 ||
            !(t->scores[k * ns + a].eff_base >= NO_TEST_BASE) ||
            !(t->scores[k * ns + b].eff_base >= NO_TEST_BASE) || (d->difference > 0 ? a : b) != s)
            continue;
        mark m = {.cell = s, .other = d->difference > 0 ? b : a, .upper = st == 2};
        sm[nsm++] = m;
    }
    if (nsm) {
        qsort(sm, nsm, sizeof *sm, mark_cmp);
        cell_letters(sm, nsm, out, cap);
    }
}

/* Score k's cells of segment s from column c0 (its value, letters, interval in its own
 * units); when it has no value ("n/a"), 2 if rows answered but all weigh 0, else 1; 0 when
 * it has one. */
static int put_score_cells(wctx *c, lxw_worksheet *ws, size_t r, size_t c0,
                           const shopstat_xlsx_table *t, const shopstat_xlsx_opts *o, size_t k,
                           size_t s)
{
    const shopstat_score_estimate *e = &t->scores[k * t->nsegments + s];
    if (e->base_n == 0 || !isfinite(e->estimate)) {
        put_str(c, ws, r, c0, "n/a", c->f.na);
        return e->base_n && e->base_weight == 0 ? 2 : 1; /* (as a level's n/a cell) */
    }
    int fk = shopstat_score_estimate_decimals(e), fg = e->min < 0;
    put_num(c, ws, r, c0, e->estimate, c->f.score[fk][fg]);
    char letters[256];
    score_letters(t, o, k, s, letters, sizeof letters);
    if (letters[0])
        put_str(c, ws, r, c0 + 1, letters, c->f.sig);
    put_ci(c, ws, r, c0 + 2, e->ci_lower, e->ci_upper, e->no_interval, c->f.score_ci[fk][fg]);
    return 0;
}

/* differences: the table's comparisons, one difference of each in pairs[] (at most cap),
 * in the order of their first difference, the levels' before the scores'. */
static size_t diff_pairs(const shopstat_xlsx_table *t, const shopstat_difference **pairs,
                         size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; t->differences && i < t->ndiffs + t->nscore_diffs; i++) {
        const shopstat_difference *d =
            i < t->ndiffs ? &t->diffs[i] : &t->score_diffs[i - t->ndiffs];
        size_t k = 0;
        while (k < n && !(same(pairs[k]->segment_a, d->segment_a) &&
                          same(pairs[k]->segment_b, d->segment_b)))
            k++;
        if (k == n && n < cap)
            pairs[n++] = d;
    }
    return n;
}

/* A comparison's block header: "2026 Q3 − 2026 Q2" over "(B − A)" (no letters for the
 * rest) over change, CI low, CI high, p. */
static void put_pair_header(wctx *c, lxw_worksheet *ws, size_t hdr, size_t c0,
                            const shopstat_xlsx_table *t, const shopstat_difference *like)
{
    size_t a = find_segment(t, like->segment_a), b = find_segment(t, like->segment_b);
    char lab[600], lt[48] = "";
    snprintf(lab, sizeof lab, "%s \xe2\x88\x92 %s",
             a != SIZE_MAX ? segment_label(t, a) : like->segment_a,
             b != SIZE_MAX ? segment_label(t, b) : "the rest");
    if (a != SIZE_MAX && b != SIZE_MAX) {
        char La[16], Lb[16];
        col_letter(a, La);
        col_letter(b, Lb);
        snprintf(lt, sizeof lt, "(%s \xe2\x88\x92 %s)", La, Lb);
    }
    char *clean = clean_text(lab, CELL_BYTES);
    if (!clean) {
        oom(c);
        return;
    }
    chk(c, worksheet_merge_range(ws, (lxw_row_t)hdr, (lxw_col_t)c0, (lxw_row_t)hdr,
                                 (lxw_col_t)(c0 + BLOCK - 1), clean, c->f.hdr));
    free(clean);
    chk(c, worksheet_merge_range(ws, (lxw_row_t)hdr + 1, (lxw_col_t)c0, (lxw_row_t)hdr + 1,
                                 (lxw_col_t)(c0 + BLOCK - 1), lt, c->f.letter));
    put_str(c, ws, hdr + 2, c0, "change", c->f.sub);
    put_str(c, ws, hdr + 2, c0 + 1, "CI low", c->f.sub);
    put_str(c, ws, hdr + 2, c0 + 2, "CI high", c->f.sub);
    put_str(c, ws, hdr + 2, c0 + 3, "p", c->f.sub);
}

/* The difference of comparison like for level (or score) l among ds, or NULL. */
static const shopstat_difference *diff_of(const shopstat_difference *ds, size_t nds, size_t l,
                                          const shopstat_difference *like)
{
    for (size_t i = 0; i < nds; i++)
        if (ds[i].l == l && same(ds[i].segment_a, like->segment_a) &&
            same(ds[i].segment_b, like->segment_b))
            return &ds[i];
    return NULL;
}

/* A change's cells from c0: the difference, its interval and p (score: in the score's
 * units from e, p not adjusted; else percentage points, p adjusted). Not tested below an
 * effective base of 10, as the letters. Returns 1 when its p is marked "+" (one side at 0%
 * or 100%: shopstat_difference_side_at_bound), else 0. */
static int put_change(wctx *c, lxw_worksheet *ws, size_t r, size_t c0,
                       const shopstat_difference *d, const shopstat_score_estimate *e,
                       const shopstat_xlsx_opts *o)
{
    if (!d || !isfinite(d->difference)) {
        put_str(c, ws, r, c0, "n/a", c->f.na);
        return 0;
    }
    if (!(d->eff_base_a >= NO_TEST_BASE) || !(d->eff_base_b >= NO_TEST_BASE)) {
        put_str(c, ws, r, c0, "not tested", c->f.na);
        return 0;
    }
    int fk = e ? shopstat_score_estimate_decimals(e) : 0;
    double k = e ? 1 : 100; /* a level's change in points */
    put_num(c, ws, r, c0, k * d->difference, e ? c->f.score[fk][1] : c->f.dpct);
    put_ci(c, ws, r, c0 + 1, k * d->ci_lower, k * d->ci_upper,
           d->no_interval ? d->no_interval : !isfinite(d->ci_lower),
           e ? c->f.score_ci[fk][1] : c->f.dci);
    double p = e ? d->p_value : d->p_adjusted;
    /* its p in as many decimals as report.md's, which never contradict the letters: 3, or
     * up to 6 near a level, or the side of a level within 5e-7 of it ("< 0.05") */
    char pt[32];
    shopstat_format_p_alpha(p, o->alpha_upper, o->alpha_lower, pt, sizeof pt);
    const char *dot = strncmp(pt, "p = ", 4) == 0 ? strchr(pt, '.') : NULL;
    size_t dec = dot ? strlen(dot + 1) : 3;
    int bound = !e && shopstat_difference_side_at_bound(d);
    if (isfinite(p) && (dot || p < 0.001)) {
        lxw_format **pf = bound ? c->f.pval_bound : NULL;
        put_num(c, ws, r, c0 + 3, p,
                dec > 3 && dec <= 6 ? (pf ? pf[dec - 3] : c->f.pval_more[dec - 4])
                                    : (pf ? pf[0] : c->f.pval));
        return bound;
    } else if (isfinite(p))
        put_str(c, ws, r, c0 + 3, pt + 2, c->f.pval);
    else if (d->no_interval ||
             (!e && d->estimate_a == d->estimate_b && (d->estimate_a == 0 || d->estimate_a == 1)))
        /* (report.md's "no test" of shopstat_format_difference: a level at 0% or 100% on both
         * sides has no variance, and undefined replicate estimates no SE) */
        put_str(c, ws, r, c0 + 3, "no test", c->f.na);
    return 0;
}

/* A table's header from row hdr: segment labels over their blocks, column letters,
 * sub-headings, then a block per comparison of pairs; frozen and repeated on every page.
 * Returns the row of the first level. */
static size_t put_table_header(wctx *c, lxw_worksheet *ws, const shopstat_xlsx_table *t,
                               size_t hdr, const shopstat_difference *const *pairs, size_t npairs)
{
    const size_t ns = t->nsegments;
    size_t maxlab = 0;
    put_str(c, ws, hdr, 0, "", c->f.hdr);
    put_str(c, ws, hdr + 1, 0, "", c->f.letter);
    put_str(c, ws, hdr + 2, 0, "", c->f.corner);
    for (size_t s = 0; s < ns && !failed(c); s++) {
        size_t c0 = 1 + s * BLOCK;
        char L[16], *lab = clean_text(segment_label(t, s), CELL_BYTES);
        if (!lab) {
            oom(c);
            break;
        }
        size_t w = utf8_chars(lab);
        if (w > maxlab)
            maxlab = w;
        chk(c, worksheet_merge_range(ws, (lxw_row_t)hdr, (lxw_col_t)c0, (lxw_row_t)hdr,
                                     (lxw_col_t)(c0 + BLOCK - 1), lab, c->f.hdr));
        free(lab);
        col_letter(s, L);
        char lt[24];
        snprintf(lt, sizeof lt, "(%s)", L);
        chk(c, worksheet_merge_range(ws, (lxw_row_t)hdr + 1, (lxw_col_t)c0, (lxw_row_t)hdr + 1,
                                     (lxw_col_t)(c0 + BLOCK - 1), lt, c->f.letter));
        put_str(c, ws, hdr + 2, c0, "%", c->f.sub);
        put_str(c, ws, hdr + 2, c0 + 1, "sig.", c->f.sub);
        put_str(c, ws, hdr + 2, c0 + 2, "CI low", c->f.sub);
        put_str(c, ws, hdr + 2, c0 + 3, "CI high", c->f.sub);
    }
    for (size_t k = 0; k < npairs && !failed(c); k++)
        put_pair_header(c, ws, hdr, 1 + (ns + k) * BLOCK, t, pairs[k]);
    /* Wrapped segment labels: about 26 characters fit a block's width per line. */
    size_t lines = (maxlab + 25) / 26;
    if (lines > 1)
        chk(c, worksheet_set_row(ws, (lxw_row_t)hdr, 15.0 * (double)(lines > 6 ? 6 : lines), NULL));
    worksheet_freeze_panes(ws, (lxw_row_t)(hdr + 3), 1);
    if (!failed(c))
        chk(c, worksheet_repeat_rows(ws, 0, (lxw_row_t)(hdr + 2)));
    return hdr + 3;
}

/* The note lines under a table on its comparisons with the rest (no column to carry their
 * letters): those of the levels, rest[0..nrest) indices into t->diffs, then the scores'
 * significant at the lower level. Returns the row after them. */
/* report.md's, compare's and the difference chart's note on a p marked "+". */
static const char bound_note[] =
    "A p followed by + compares a side at 0% or 100%, which adds no variance (as in R): the SE "
    "and p are the other side's alone and understate the uncertainty of a small base.";

/* The notes on the comparisons with the rest (no column to carry letters) from row r, each
 * after item and ", " when item is not NULL (a grid's item: "Price, Very poor: ..."); sets
 * *bound when one's p is marked "+", and *restof to the segment of the last one written
 * (*several when they are of several): put_rest_of says who the rest are. Returns the next
 * row. */
static size_t put_rest_notes(wctx *c, lxw_worksheet *ws, size_t r, const shopstat_xlsx_table *t,
                             const shopstat_xlsx_opts *o, const size_t *rest, size_t nrest,
                             int *bound, const char *item, const char **restof, int *several)
{
    const size_t ns = t->nsegments;
    const char *ip = item ? item : "", *is = item ? ", " : "";
    for (size_t i = 0; i < nrest && !failed(c); i++) {
        const shopstat_difference *d = &t->diffs[rest[i]];
        size_t l = find_level(t, d->level);
        size_t a = find_segment(t, d->segment_a), b = find_segment(t, d->segment_b);
        char la[24] = "", lb[24] = "", p[80];
        if (a != SIZE_MAX) {
            char L[16];
            col_letter(a, L);
            snprintf(la, sizeof la, " (%s)", L);
        }
        if (b != SIZE_MAX) {
            char L[16];
            col_letter(b, L);
            snprintf(lb, sizeof lb, " (%s)", L);
        }
        const char *na = a != SIZE_MAX ? segment_label(t, a) : d->segment_a ? d->segment_a : "?";
        const char *nb = b != SIZE_MAX                ? segment_label(t, b)
                         : same(d->segment_b, "rest") ? "the rest"
                         : d->segment_b               ? d->segment_b
                                                      : "?";
        if (b == SIZE_MAX && same(d->segment_b, "rest")) {
            *several |= *restof && strcmp(*restof, na) != 0;
            *restof = na;
        }
        int bd = shopstat_difference_side_at_bound(d);
        *bound |= bd;
        fmt_note_p(d->p_adjusted, o, bd, p, sizeof p);
        /* (adjusted, as the letters' legend and report.md say: "adjusted p = 0.020") */
        put_fmt(c, ws, r++, 0, c->f.note, "%s%s%s: %s%s significantly %s than %s%s (%s%s).", ip, is,
                level_label(t, l), na, la, d->difference > 0 ? "higher" : "lower", nb, lb,
                o->unadjusted ? "" : "adjusted ", p);
    }
    for (size_t i = 0; i < t->nscore_diffs && !failed(c); i++) {
        const shopstat_difference *d = &t->score_diffs[i];
        size_t a = find_segment(t, d->segment_a);
        if (!same(d->segment_b, "rest") || a == SIZE_MAX || d->l >= t->nscores ||
            strength(d->p_adjusted, o) == 0 || !isfinite(d->difference) ||
            !(t->scores[d->l * ns + a].eff_base >= NO_TEST_BASE) ||
            !(d->eff_base_b >= NO_TEST_BASE))
            continue;
        char L[16], p[80];
        col_letter(a, L);
        fmt_note_p(d->p_adjusted, o, 0, p, sizeof p);
        put_fmt(c, ws, r++, 0, c->f.note, "%s%s%s: %s (%s) significantly %s than the rest (%s).",
                ip, is, t->score_labels && t->score_labels[d->l] ? t->score_labels[d->l] : "Score",
                segment_label(t, a), L, d->difference > 0 ? "higher" : "lower", p);
        *several |= *restof && strcmp(*restof, segment_label(t, a)) != 0;
        *restof = segment_label(t, a);
    }
    return r;
}

/* Who the rest are, in the charts' words ("than the rest (those not in Heavy buyers)", the
 * difference chart's "The rest: those not in Heavy buyers."), as report.md says it, after
 * notes on the rest of segment restof (or several: NULL restof, none); "the rest of the
 * sample" they read until 2026-12-04 is the rest of the table's base. Returns the next
 * row. */
static size_t put_rest_of(wctx *c, lxw_worksheet *ws, size_t r, const char *restof, int several)
{
    if (restof && several && !failed(c))
        put_str(c, ws, r++, 0, "The rest: those not in the segment it is compared with.",
                c->f.note);
    else if (restof && !failed(c))
        put_fmt(c, ws, r++, 0, c->f.note, "The rest: those not in %s.", restof);
    return r;
}

/* Whether table t's comparisons with the rest were tested (effective bases of 10 and
 * over), setting *restof to the last segment compared (*several when they are of
 * several), as put_rest_notes does for those it writes. */
static int rest_tested(const shopstat_xlsx_table *t, const char **restof, int *several)
{
    int tested = 0;
    for (size_t i = 0; i < t->ndiffs; i++) {
        const shopstat_difference *d = &t->diffs[i];
        size_t a = find_segment(t, d->segment_a);
        if (!same(d->segment_b, "rest") || a == SIZE_MAX || !isfinite(d->difference) ||
            !(d->eff_base_a >= NO_TEST_BASE) || !(d->eff_base_b >= NO_TEST_BASE) ||
            (d->variable && t->est[0].variable && strcmp(d->variable, t->est[0].variable)))
            continue;
        tested = 1;
        *several |= *restof && strcmp(*restof, segment_label(t, a)) != 0;
        *restof = segment_label(t, a);
    }
    return tested;
}

/* The notes that say a table's tests found nothing, as report.md's lines do (without them a
 * table of no letters reads as one never tested): the pairs of two of its columns whose
 * every tested level is under the lower-case level, and whose scores carry no letter
 * either, "No difference is significant (adjusted p >= 0.1) between Heavy buyers (B) and
 * All buyers (A).", and, when the comparisons with the rest (rest_none: tested, none
 * significant) found nothing, "Compared with the rest: no difference is significant
 * (adjusted p >= 0.1)." and who the rest are (but for a grid's item, whose sheet says who
 * the rest are once under all of them). item: a grid item's label, said first ("Staff:
 * No difference ..."), as report.md says it; NULL for a table. A table of differences:
 * true, whose change columns give every p, says who the rest are alone. Returns the next
 * row. */
static size_t put_none_notes(wctx *c, lxw_worksheet *ws, size_t r, const shopstat_xlsx_table *t,
                             const shopstat_xlsx_opts *o, int rest_none, const char *restof,
                             int several, const char *item)
{
    if (t->scores_only)
        return r;
    const size_t ns = t->nsegments;
    const char *ip = item ? item : "", *is = item ? ": " : "";
    char line[2048];
    size_t k = 0;
    for (size_t i = 0; i < t->ndiffs && !failed(c) && !t->differences; i++) {
        const shopstat_difference *d = &t->diffs[i];
        size_t a = find_segment(t, d->segment_a), b = find_segment(t, d->segment_b);
        if (a == SIZE_MAX || b == SIZE_MAX || a == b ||
            (d->variable && t->est[0].variable && strcmp(d->variable, t->est[0].variable)))
            continue;
        size_t j = 0; /* (each pair once, at its first difference) */
        while (j < i && !(same(t->diffs[j].segment_a, d->segment_a) &&
                          same(t->diffs[j].segment_b, d->segment_b)))
            j++;
        if (j < i)
            continue;
        int tested = 0, found = 0;
        for (size_t m = i; m < t->ndiffs; m++) {
            const shopstat_difference *e = &t->diffs[m];
            size_t l = find_level(t, e->level);
            if (!same(e->segment_a, d->segment_a) || !same(e->segment_b, d->segment_b) ||
                l == SIZE_MAX || !isfinite(e->difference) ||
                !(t->est[l * ns + a].eff_base >= NO_TEST_BASE) ||
                !(t->est[l * ns + b].eff_base >= NO_TEST_BASE))
                continue;
            tested = 1;
            found |= strength(e->p_adjusted, o) > 0;
        }
        /* (a score's letter is a difference found: put_rest_notes' tests) */
        for (size_t m = 0; m < t->nscore_diffs && tested && !found; m++) {
            const shopstat_difference *e = &t->score_diffs[m];
            if (same(e->segment_a, d->segment_a) && same(e->segment_b, d->segment_b) &&
                e->l < t->nscores && isfinite(e->difference) &&
                t->scores[e->l * ns + a].eff_base >= NO_TEST_BASE &&
                t->scores[e->l * ns + b].eff_base >= NO_TEST_BASE)
                found |= strength(e->p_adjusted, o) > 0;
        }
        if (!tested || found)
            continue;
        char la[16], lb[16];
        col_letter(a, la);
        col_letter(b, lb);
        int w = snprintf(line + k, sizeof line - k, "%s%s (%s) and %s (%s)", k ? "; between " : "",
                         segment_label(t, a), la, segment_label(t, b), lb);
        k = w > 0 && (size_t)w < sizeof line - k ? k + (size_t)w : k;
    }
    if (k && !failed(c))
        put_fmt(c, ws, r++, 0, c->f.note,
                "%s%sNo difference is significant (%sp >= %g) between %s.", ip, is,
                o->unadjusted ? "" : "adjusted ", o->alpha_lower, line);
    /* (a table of differences: true gives every p in its blocks, "Heavy buyers − the rest":
     * who the rest are, all the same) */
    if (rest_none && !failed(c)) {
        if (!t->differences)
            put_fmt(c, ws, r++, 0, c->f.note,
                    "%s%sCompared with the rest: no difference is significant (%sp >= %g).", ip, is,
                    o->unadjusted ? "" : "adjusted ", o->alpha_lower);
        if (!item)
            r = put_rest_of(c, ws, r, restof, several);
    }
    return r;
}

/* A table's column widths, labels as long as the longest (maxrow characters, capped at 60),
 * narrow statistic columns; landscape pages one wide, the label column on each. */
static void set_table_layout(wctx *c, lxw_worksheet *ws, size_t maxrow, size_t ns, size_t npairs)
{
    chk(c, worksheet_set_column(ws, 0, 0, (double)(maxrow > 60 ? 60 : maxrow) + 2, NULL));
    for (size_t s = 0; s < ns && !failed(c); s++) {
        lxw_col_t c0 = (lxw_col_t)(1 + s * BLOCK);
        chk(c, worksheet_set_column(ws, c0, c0, W_PCT, NULL));
        chk(c, worksheet_set_column(ws, c0 + 1, c0 + 1, W_SIG, NULL));
        chk(c, worksheet_set_column(ws, c0 + 2, c0 + 3, W_CI, NULL));
    }
    for (size_t k = 0; k < npairs && !failed(c); k++) {
        lxw_col_t c0 = (lxw_col_t)(1 + (ns + k) * BLOCK);
        chk(c, worksheet_set_column(ws, c0, c0, W_CHANGE, NULL));
        chk(c, worksheet_set_column(ws, c0 + 1, c0 + 3, W_CI, NULL));
    }
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    if (!failed(c))
        chk(c, worksheet_repeat_columns(ws, 0, 0));
}

static void write_table(wctx *c, lxw_worksheet *ws, const shopstat_xlsx_table *t,
                        const shopstat_xlsx_opts *o)
{
    const size_t nl = t->nlevels, ns = t->nsegments;
    size_t r = 0;
    shopstat_xlsx_table so;
    if (t->scores_only) { /* (the levels' comparisons, like their rows, are not shown) */
        so = *t;
        so.ndiffs = 0;
        t = &so;
    }

    put_str(c, ws, r++, 0, t->title ? t->title : t->name, c->f.title);
    if (t->base_note)
        put_str(c, ws, r++, 0, t->base_note, c->f.note);
    if (t->multi)
        put_str(c, ws, r++, 0, "Multiple answers allowed: percentages may add to more than 100%.",
                c->f.note);
    r++;
    if (nl == 0 || ns == 0) {
        put_str(c, ws, r, 0, "No rows to show.", c->f.note);
        return;
    }

    /* Significance marks, from the comparisons matched to columns by name. */
    mark *marks;
    size_t *rest, nrest, nmarks;
    if (table_marks(c, t, o, &marks, &rest, &nmarks, &nrest))
        return;

    /* (a block per comparison, however many: pairs[64] left the 65th on out, silently) */
    size_t cap = t->differences ? t->ndiffs + t->nscore_diffs : 0;
    const shopstat_difference **pairs = malloc((cap ? cap : 1) * sizeof *pairs);
    if (!pairs) {
        oom(c);
        free(marks);
        free(rest);
        return;
    }
    size_t npairs = diff_pairs(t, pairs, cap);
    r = put_table_header(c, ws, t, r, pairs, npairs);

    /* One row per level. */
    int any_low = 0, any_na = 0, any_zero_weight = 0, any_fallback = 0, any_vary = 0;
    int any_bound = 0; /* a p marked "+" */
    size_t maxrow = 16, mi = 0; /* "Unweighted base" */
    for (size_t l = 0; l < nl && !t->scores_only && !failed(c); l++, r++) {
        const char *ll = level_label(t, l);
        size_t w = utf8_chars(ll);
        if (w > maxrow)
            maxrow = w;
        put_str(c, ws, r, 0, ll, NULL);
        for (size_t s = 0; s < ns; s++) {
            const size_t cell = l * ns + s, c0 = 1 + s * BLOCK;
            const shopstat_estimate *e = &t->est[cell];
            while (mi < nmarks && marks[mi].cell < cell)
                mi++;
            size_t m0 = mi;
            while (mi < nmarks && marks[mi].cell == cell)
                mi++;
            if (e->base_n == 0 || !isfinite(e->proportion)) {
                put_str(c, ws, r, c0, "n/a", c->f.na);
                /* rows that answered but all weigh 0 are not "nobody" */
                if (e->base_n && e->base_weight == 0)
                    any_zero_weight = 1;
                else
                    any_na = 1;
                continue;
            }
            int low = is_low(e->eff_base);
            any_low |= low;
            any_fallback |= e->fallback != 0;
            put_num(c, ws, r, c0, e->proportion, low ? c->f.pct_low : c->f.pct);
            if (mi > m0) {
                char letters[256];
                cell_letters(marks + m0, mi - m0, letters, sizeof letters);
                put_str(c, ws, r, c0 + 1, letters, c->f.sig);
            }
            put_ci(c, ws, r, c0 + 2, e->ci_lower, e->ci_upper, e->no_interval,
                   low ? c->f.ci_low : c->f.ci);
        }
        for (size_t k = 0; k < npairs; k++)
            any_bound |= put_change(c, ws, r, 1 + (ns + k) * BLOCK,
                                    diff_of(t->diffs, t->ndiffs, l, pairs[k]), NULL, o);
    }
    free(marks);

    /* One row per score: its value and interval in its own units, letters as the levels'. */
    for (size_t k = 0; k < t->nscores && !failed(c); k++, r++) {
        const char *sl = t->score_labels && t->score_labels[k] ? t->score_labels[k] : "Score";
        if (utf8_chars(sl) > maxrow)
            maxrow = utf8_chars(sl);
        put_str(c, ws, r, 0, sl, c->f.bold);
        for (size_t s = 0; s < ns; s++) {
            int na = put_score_cells(c, ws, r, 1 + s * BLOCK, t, o, k, s);
            any_na |= na == 1;
            any_zero_weight |= na == 2;
        }
        for (size_t p = 0; p < npairs; p++)
            put_change(c, ws, r, 1 + (ns + p) * BLOCK,
                       diff_of(t->score_diffs, t->nscore_diffs, k, pairs[p]), &t->scores[k * ns],
                       o);
    }

    /* Bases. */
    r++;
    const char *const base_rows[] = {"Unweighted base", wbase_label(o), "Effective base"};
    for (size_t k = 0; k < 3; k++)
        put_str(c, ws, r + k, 0, base_rows[k], c->f.bold);
    for (size_t s = 0; s < ns && !failed(c); s++) {
        size_t n, c0 = 1 + s * BLOCK;
        double w, eff;
        any_vary |= segment_base(t, s, &n, &w, &eff);
        int low = is_low(eff) && n > 0;
        put_num_block(c, ws, r, c0, (double)n, low ? c->f.base_n_low : c->f.base_n);
        put_wbase(c, ws, r + 1, c0, w, low, 1, o);
        put_num_block(c, ws, r + 2, c0, eff, low ? c->f.base_w_low : c->f.base_w);
        any_low |= low;
    }
    r += 4;

    /* Notes. */
    if (any_low)
        put_str(c, ws, r++, 0, low_base_note, c->f.note);
    if (any_na)
        put_str(c, ws, r++, 0, "n/a: empty base (nobody in the segment answered).", c->f.note);
    if (any_zero_weight)
        put_str(c, ws, r++, 0,
                "n/a: weighted base 0 (every row of the segment that answered has weight 0).",
                c->f.note);
    if (any_vary)
        put_str(c, ws, r++, 0,
                "Bases differ between rows (answers missing for some items): the smallest is "
                "shown.",
                c->f.note);
    if (any_fallback)
        put_str(c, ws, r++, 0,
                "Where a percentage is 0% or 100% the interval is Clopper-Pearson on the "
                "effective base.",
                c->f.note);
    if (t->df0_note)
        put_str(c, ws, r++, 0, t->df0_note, c->f.note);
    if (t->by_note)
        put_str(c, ws, r++, 0, t->by_note, c->f.note);
    /* (under compare: {adjust: none} the p is the letters' and not adjusted either) */
    const char *pas = o->unadjusted ? "not adjusted, as the letters'" : "adjusted as the letters";
    if (npairs && t->nscores) /* (a table of shares alone says nothing of scores) */
        put_fmt(c, ws, r++, 0, c->f.note,
                "Changes (X \xe2\x88\x92 Y): X's estimate minus Y's, in percentage points (a "
                "score's in its own units), with its confidence interval (not adjusted) and p "
                "(%s; a score's not adjusted).",
                pas);
    else if (npairs)
        put_fmt(c, ws, r++, 0, c->f.note,
                "Changes (X \xe2\x88\x92 Y): X's estimate minus Y's, in percentage points, "
                "with its confidence interval (not adjusted) and p (%s).",
                pas);
    const char *restof = NULL;
    int several = 0;
    r = put_rest_notes(c, ws, r, t, o, rest, nrest, &any_bound, NULL, &restof, &several);
    free(rest);
    int rest_wrote = restof != NULL;
    r = put_rest_of(c, ws, r, restof, several);
    /* (the comparisons with the rest that were tested, when none is significant) */
    int rest_none = !rest_wrote && rest_tested(t, &restof, &several);
    r = put_none_notes(c, ws, r, t, o, rest_none, restof, several, NULL);
    if (any_bound)
        put_str(c, ws, r++, 0, bound_note, c->f.note);
    r = put_sheet_end(c, ws, r, o, t->nscores > 0);

    set_table_layout(c, ws, maxrow, ns, npairs);
    free(pairs);
}

/* A grid's sheet: per segment, its label and letter, then a header of the levels (and
 * scores) over their blocks, a row per item with its bases. */
static void write_grid(wctx *c, lxw_worksheet *ws, const shopstat_xlsx_table *t,
                       const shopstat_xlsx_opts *o)
{
    const size_t nl = t->nlevels, ns = t->nsegments, ni = t->nitems, nk = t->nscores;
    size_t r = 0, maxrow = 16;
    put_str(c, ws, r++, 0, t->title ? t->title : t->name, c->f.title);
    if (t->base_note)
        put_str(c, ws, r++, 0, t->base_note, c->f.note);
    r++;
    if (nl == 0 || ns == 0) {
        put_str(c, ws, r, 0, "No rows to show.", c->f.note);
        return;
    }
    int any_low = 0, any_na = 0, any_zero_weight = 0;
    size_t cb = 1 + (nl + nk) * BLOCK; /* the bases' columns */
    for (size_t s = 0; s < ns && !failed(c); s++) {
        char L[16];
        col_letter(s, L);
        put_fmt(c, ws, r++, 0, c->f.bold, "%s (%s)", segment_label(t, s), L);
        put_str(c, ws, r, 0, "", c->f.hdr);
        put_str(c, ws, r + 1, 0, "", c->f.corner);
        for (size_t l = 0; l < nl + nk && !failed(c); l++) {
            size_t c0 = 1 + l * BLOCK;
            const char *lab = l < nl                                       ? level_label(t, l)
                              : t->score_labels && t->score_labels[l - nl] ? t->score_labels[l - nl]
                                                                           : "Score";
            char *cl = clean_text(lab, CELL_BYTES);
            if (!cl) {
                oom(c);
                break;
            }
            chk(c, worksheet_merge_range(ws, (lxw_row_t)r, (lxw_col_t)c0, (lxw_row_t)r,
                                         (lxw_col_t)(c0 + BLOCK - 1), cl, c->f.hdr));
            free(cl);
            put_str(c, ws, r + 1, c0, l < nl ? "%" : "score", c->f.sub);
            put_str(c, ws, r + 1, c0 + 1, "sig.", c->f.sub);
            put_str(c, ws, r + 1, c0 + 2, "CI low", c->f.sub);
            put_str(c, ws, r + 1, c0 + 3, "CI high", c->f.sub);
        }
        put_str(c, ws, r, cb, "Unweighted base", c->f.hdr);
        put_str(c, ws, r, cb + 1, wbase_label(o), c->f.hdr);
        put_str(c, ws, r, cb + 2, "Effective base", c->f.hdr);
        r += 2;
        for (size_t k = 0; k < ni && !failed(c); k++, r++) {
            const shopstat_xlsx_table *it = &t->items[k];
            const char *il = t->item_labels && t->item_labels[k] ? t->item_labels[k] : it->name;
            if (utf8_chars(il) > maxrow)
                maxrow = utf8_chars(il);
            put_str(c, ws, r, 0, il, NULL);
            mark *marks;
            size_t *rest, nrest, nmarks;
            if (table_marks(c, it, o, &marks, &rest, &nmarks, &nrest))
                return;
            for (size_t l = 0; l < nl && l < it->nlevels; l++) {
                const size_t cell = l * ns + s, c0 = 1 + l * BLOCK;
                const shopstat_estimate *e = &it->est[cell];
                if (e->base_n == 0 || !isfinite(e->proportion)) {
                    put_str(c, ws, r, c0, "n/a", c->f.na);
                    /* (as the levels' sheet: rows that answered but all weigh 0) */
                    if (e->base_n && e->base_weight == 0)
                        any_zero_weight = 1;
                    else
                        any_na = 1;
                    continue;
                }
                int low = is_low(e->eff_base);
                any_low |= low;
                put_num(c, ws, r, c0, e->proportion, low ? c->f.pct_low : c->f.pct);
                size_t m0 = 0;
                while (m0 < nmarks && marks[m0].cell < cell)
                    m0++;
                size_t m1 = m0;
                while (m1 < nmarks && marks[m1].cell == cell)
                    m1++;
                if (m1 > m0) {
                    char letters[256];
                    cell_letters(marks + m0, m1 - m0, letters, sizeof letters);
                    put_str(c, ws, r, c0 + 1, letters, c->f.sig);
                }
                put_ci(c, ws, r, c0 + 2, e->ci_lower, e->ci_upper, e->no_interval,
                       low ? c->f.ci_low : c->f.ci);
            }
            free(marks);
            free(rest);
            for (size_t j = 0; j < nk && j < it->nscores; j++) {
                int na = put_score_cells(c, ws, r, 1 + (nl + j) * BLOCK, it, o, j, s);
                any_na |= na == 1;
                any_zero_weight |= na == 2;
            }
            const shopstat_estimate *e0 = &it->est[s];
            int low = is_low(e0->eff_base) && e0->base_n > 0;
            put_num(c, ws, r, cb, (double)e0->base_n, low ? c->f.base_n_low : c->f.base_n);
            put_wbase(c, ws, r, cb + 1, e0->base_weight, low, 0, o);
            put_num(c, ws, r, cb + 2, e0->eff_base, low ? c->f.base_w_low : c->f.base_w);
        }
        r++;
    }
    if (any_low)
        put_str(c, ws, r++, 0, low_base_note, c->f.note);
    if (any_na)
        put_str(c, ws, r++, 0, "n/a: empty base (nobody in the segment answered).", c->f.note);
    if (any_zero_weight)
        put_str(c, ws, r++, 0,
                "n/a: weighted base 0 (every row of the segment that answered has weight 0).",
                c->f.note);
    if (t->df0_note)
        put_str(c, ws, r++, 0, t->df0_note, c->f.note);
    put_str(c, ws, r++, 0,
            "Letters: the columns (segments) an item's cell is significantly higher than, as in "
            "each item's own table.",
            c->f.note);
    /* each item's comparisons with the rest, as report.md lists them ("Price, Very poor:
     * ..."; until 2026-12-04 the sheet sent the reader to comparisons.csv) */
    const char *restof = NULL;
    int several = 0, bound = 0;
    for (size_t k = 0; k < ni && !failed(c); k++) {
        const shopstat_xlsx_table *it = &t->items[k];
        mark *marks;
        size_t *rest, nrest, nmarks;
        if (table_marks(c, it, o, &marks, &rest, &nmarks, &nrest))
            return;
        const char *il = t->item_labels && t->item_labels[k] ? t->item_labels[k] : it->name;
        const char *wrote = NULL;
        int wrote_several = 0;
        r = put_rest_notes(c, ws, r, it, o, rest, nrest, &bound, il, &wrote, &wrote_several);
        free(marks);
        free(rest);
        /* (an item whose comparisons with the rest found nothing, as report.md's "Staff:
         * Compared with the rest: no difference ...": its letters say nothing of the rest) */
        const char *tested = wrote;
        int rest_none = !wrote && rest_tested(it, &tested, &wrote_several);
        if (rest_none)
            r = put_none_notes(c, ws, r, it, o, 1, NULL, 0, il);
        several |= wrote_several || (restof && tested && strcmp(restof, tested) != 0);
        restof = tested ? tested : restof;
    }
    r = put_rest_of(c, ws, r, restof, several);
    /* the pairs of columns that found nothing on an item (report.md's "Staff: No difference
     * is significant (adjusted p >= 0.1) between Heavy and Light."), after who the rest are
     * as there */
    for (size_t k = 0; k < ni && !failed(c); k++)
        r = put_none_notes(c, ws, r, &t->items[k], o, 0, NULL, 0,
                           t->item_labels && t->item_labels[k] ? t->item_labels[k]
                                                               : t->items[k].name);
    if (bound)
        put_str(c, ws, r++, 0, bound_note, c->f.note);
    r = put_sheet_end(c, ws, r, o, nk > 0);
    chk(c, worksheet_set_column(ws, 0, 0, (double)(maxrow > 60 ? 60 : maxrow) + 2, NULL));
    for (size_t l = 0; l < nl + nk && !failed(c); l++) {
        lxw_col_t c0 = (lxw_col_t)(1 + l * BLOCK);
        chk(c, worksheet_set_column(ws, c0, c0, W_PCT, NULL));
        chk(c, worksheet_set_column(ws, c0 + 1, c0 + 1, W_SIG, NULL));
        chk(c, worksheet_set_column(ws, c0 + 2, c0 + 3, W_CI, NULL));
    }
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

/* ---- the workbook ---- */

void shopstat_xlsx_opts_init(shopstat_xlsx_opts *o)
{
    memset(o, 0, sizeof *o); /* (a field appended later starts at 0, whatever o held) */
    o->title = NULL;
    o->note = NULL;
    o->ci_note = NULL;
    o->rows_note = NULL;
    o->design_note = NULL;
    o->source = NULL;
    o->lend_stderr = 0;
    o->pct_decimals = 1;
    o->population_shares = 0;
    o->warnings = NULL;
    o->nwarnings = 0;
    o->alpha_upper = 0.05;
    o->alpha_lower = 0.10;
}

/* Refuse what Excel cannot hold before writing anything. */
static shopstat_status check_tables(const char *path, const shopstat_xlsx_table *tables,
                                    size_t ntables, shopstat_error *err)
{
    for (size_t i = 0; i < ntables; i++) {
        const shopstat_xlsx_table *t = &tables[i];
        const char *id = t->name ? t->name : "(unnamed)";
        if (t->nlevels && t->nsegments && t->nlevels > SIZE_MAX / t->nsegments)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                      "table '%s': too many cells", id);
        if (t->nlevels && t->nsegments && !t->est)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0, "table '%s': no estimates",
                                      id);
        if (t->ndiffs && !t->diffs)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                      "table '%s': no comparisons", id);
        if ((t->nscores && (!t->scores || !t->nlevels)) || (t->nscore_diffs && !t->score_diffs) ||
            t->nscores > MAX_ROWS || t->nscore_diffs > MAX_ROWS)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                      "table '%s': scores without estimates", id);
        if (t->nsegments > (MAX_COLS - 1) / BLOCK)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                      "table '%s': %zu segments, an Excel sheet holds at most %u",
                                      id, t->nsegments, (MAX_COLS - 1) / BLOCK);
        /* title rows, header, levels, bases, notes (at most one per comparison) */
        if (t->nlevels > MAX_ROWS || t->ndiffs > MAX_ROWS ||
            t->nlevels + t->ndiffs + t->nscores + t->nscore_diffs + 32 > MAX_ROWS)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                      "table '%s': too many rows for an Excel sheet", id);
        /* the columns (the counts bounded above): the labels', then a block per segment and
         * per comparison (a table, write_table), or per level and score and the three
         * bases' (a grid, write_grid) */
        size_t blocks = t->nitems ? t->nlevels + t->nscores : t->nsegments;
        size_t extra = t->nitems ? 3 : 0, nd = t->ndiffs + t->nscore_diffs;
        if (!t->nitems && t->differences && nd) {
            const shopstat_difference **pairs = malloc(nd * sizeof *pairs);
            if (!pairs)
                return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
            blocks += diff_pairs(t, pairs, nd);
            free(pairs);
        }
        if (blocks > (MAX_COLS - 1 - extra) / BLOCK)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                      "table '%s': %zu columns, an Excel sheet holds at most %u",
                                      id, 1 + blocks * BLOCK + extra, MAX_COLS);
    }
    if (ntables + 32 > MAX_ROWS)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                  "%zu tables: too many for the contents sheet", ntables);
    return SHOPSTAT_OK;
}

/* The folder the workbook goes to must exist and be writable. libxlsxwriter only
 * opens the file when closing the workbook, and then prints its own message to
 * stderr; checking first gives the caller a clean error (the library never prints). */
static shopstat_status check_folder(const char *path, shopstat_error *err)
{
    const char *slash = strrchr(path, '/');
    char dir[1024];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return SHOPSTAT_OK; /* too long to check here: libxlsxwriter will tell */
    if (access(dir, W_OK | X_OK) != 0)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0,
                                  "cannot write the workbook: folder '%s': %s", dir,
                                  strerror(errno));
    return SHOPSTAT_OK;
}

/* libxlsxwriter (1.1.x) prints its own lines on stderr when workbook_close() fails, beside
 * the caller's one error line: "[ERROR] workbook_close(): Zip ZIP_ERRNO error while creating
 * xlsx file '...'. System error = File too large" (a full disk, a file past ulimit -f, a
 * temporary file it cannot create); it has no switch to keep quiet, and write failures
 * cannot all be checked up front (check_folder takes the folder). So stderr (descriptor 2)
 * is lent to an unnamed temporary file for the close alone, one close at a time: the
 * library's "[ERROR]" and "[WARNING]" lines are kept from the terminal (their system error
 * becomes the reason of the caller's error), and any other line written there meanwhile
 * (another thread's) is given back to stderr. Without a temporary file or a spare
 * descriptor, the close runs as it would have. Only when the caller asks (lend_stderr: the
 * CLI does; a library leaves the process's descriptors alone). */
typedef struct quiet {
    FILE *tmp;
    int saved;
} quiet;

static pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;

static void quiet_begin(quiet *q)
{
    pthread_mutex_lock(&quiet_lock);
    q->saved = -1;
    fflush(stderr);
    if (!(q->tmp = tmpfile()))
        return;
    if ((q->saved = dup(2)) < 0 || dup2(fileno(q->tmp), 2) < 0) {
        if (q->saved >= 0)
            close(q->saved);
        q->saved = -1;
        fclose(q->tmp);
        q->tmp = NULL;
    }
}

/* Give stderr back; reason (n bytes) = libxlsxwriter's "System error = ..." text, or "". */
static void quiet_end(quiet *q, char *reason, size_t n)
{
    reason[0] = '\0';
    if (q->tmp) {
        fflush(stderr);
        dup2(q->saved, 2);
        close(q->saved);
        rewind(q->tmp);
        char line[1024];
        while (fgets(line, sizeof line, q->tmp)) {
            if (strncmp(line, "[ERROR]", 7) != 0 && strncmp(line, "[WARNING]", 9) != 0) {
                fputs(line, stderr);
                continue;
            }
            const char *why = strstr(line, "System error = ");
            if (why && !reason[0]) {
                why += strlen("System error = ");
                snprintf(reason, n, "%.*s", (int)strcspn(why, "\r\n"), why);
            }
        }
        fclose(q->tmp);
    }
    pthread_mutex_unlock(&quiet_lock);
}

static shopstat_status xlsx_write(const char *path, const shopstat_xlsx_table *tables,
                                  size_t ntables, const shopstat_xlsx_opts *o, shopstat_error *err)
{
    shopstat_xlsx_opts defaults;
    if (!o) {
        shopstat_xlsx_opts_init(&defaults);
        o = &defaults;
    }
    if (!path || !*path)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "no workbook path");
    if (ntables && !tables)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0, "no tables");
    if (!(o->alpha_upper > 0 && o->alpha_upper < 1) || !(o->alpha_lower > 0 && o->alpha_lower < 1))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                  "significance levels must be between 0 and 1 (got %g, %g)",
                                  o->alpha_upper, o->alpha_lower);
    shopstat_status st = check_tables(path, tables, ntables, err);
    if (st == SHOPSTAT_OK)
        st = check_folder(path, err);
    if (st != SHOPSTAT_OK)
        return st;

    char(*names)[SHEET_BUF] = malloc((ntables + 1) * sizeof *names);
    if (!names)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    if (make_sheet_names(tables, ntables, names) != 0) {
        free(names);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    }

    wctx c = {.lerr = LXW_NO_ERROR, .st = SHOPSTAT_OK};
    c.wb = workbook_new(path);
    if (!c.wb) {
        free(names);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0,
                                  "out of memory creating the workbook");
    }
    make_formats(&c, o->pct_decimals == 0 ? 0 : 1);

    char *title = clean_text(o->title ? o->title : "Tables", 4096);
    char *comments = o->note ? clean_text(o->note, 4096) : NULL;
    if (!title || (o->note && !comments))
        oom(&c);
    else {
        lxw_doc_properties props = {.title = title,
                                    .subject = "Survey tables",
                                    .comments = comments,
                                    .created = FIXED_CREATED};
        chk(&c, workbook_set_properties(c.wb, &props));
    }

    c.sheet = names[0];
    lxw_worksheet *toc = failed(&c) ? NULL : workbook_add_worksheet(c.wb, names[0]);
    if (!failed(&c) && !toc)
        oom(&c);
    if (toc)
        write_contents(&c, toc, tables, ntables, names, o);
    for (size_t i = 0; i < ntables && !failed(&c); i++) {
        c.sheet = names[1 + i];
        lxw_worksheet *ws = workbook_add_worksheet(c.wb, names[1 + i]);
        if (!ws) {
            /* names are valid and unique, so only an allocation can fail */
            oom(&c);
            break;
        }
        (tables[i].nitems ? write_grid : write_table)(&c, ws, &tables[i], o);
    }
    free(title);
    free(comments);
    free(c.f.twins);

    if (failed(&c)) {
        /* Free without writing: no half-written file. */
        lxw_workbook_free(c.wb);
        if (c.st == SHOPSTAT_ENOMEM || c.lerr == LXW_ERROR_MEMORY_MALLOC_FAILED)
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0,
                                    "out of memory writing sheet '%s'", c.where);
        else
            st = shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write sheet '%s': %s",
                                    c.where, lxw_strerror(c.lerr));
        free(names);
        return st;
    }
    free(names);
    quiet q;
    char why[512];
    q.tmp = NULL;
    why[0] = '\0';
    if (o->lend_stderr)
        quiet_begin(&q);
    errno = 0;
    lxw_error e = workbook_close(c.wb);
    int saved = errno;
    if (o->lend_stderr)
        quiet_end(&q, why, sizeof why);
    if (e != LXW_NO_ERROR) {
        if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0,
                                      "out of memory writing the workbook");
        /* the system's reason, as every output's error gives it ("cannot write: File too
         * large"), else libxlsxwriter's own text of its code */
        if (why[0])
            return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s", why);
        if (e == LXW_ERROR_CREATING_XLSX_FILE && saved)
            return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0,
                                      "cannot write the workbook: %s (%s)", lxw_strerror(e),
                                      strerror(saved));
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write the workbook: %s",
                                  lxw_strerror(e));
    }
    return SHOPSTAT_OK;
}

/* libxlsxwriter prints numbers, column widths and row heights with snprintf: in the C
 * locale's form for the whole write, whatever the process's (a library caller's
 * setlocale(LC_ALL, "") with a decimal comma wrote <v>0,85</v> and width="34,7", a workbook
 * Excel must repair). uselocale() is the calling thread's only; without the C locale object
 * (out of memory) the process's is used. */
shopstat_status shopstat_xlsx_write(const char *path, const shopstat_xlsx_table *tables,
                                    size_t ntables, const shopstat_xlsx_opts *o,
                                    shopstat_error *err)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    shopstat_status st = xlsx_write(path, tables, ntables, o, err);
    if (old)
        uselocale(old);
    if (c)
        freelocale(c);
    return st;
}
