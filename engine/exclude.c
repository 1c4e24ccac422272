/* The rows a plan's exclusions leave out (--exclude), each condition's answer remembered per field
 * value. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

/* ---- date-times and lengths (an exclusion's END-START, describe's speeders) ---- */

static int digits(const char **p, const char *e, int min, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (*p < e && isdigit((unsigned char)**p) && n < max) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n >= min && !(*p < e && isdigit((unsigned char)**p));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* (core.h) */
int parse_stamp(const char *s, size_t len, int need_time, double *secs)
{
    const char *p = s, *e = s + len;
    int a, b, c, y, m, d;
    if (!digits(&p, e, 1, 4, &a) || p >= e || !strchr("-/.", *p))
        return 0;
    char sep = *p++;
    if (!digits(&p, e, 1, 2, &b) || p >= e || *p != sep)
        return 0;
    p++;
    if (a > 999) { /* year first */
        if (!digits(&p, e, 1, 2, &c))
            return 0;
        y = a, m = b, d = c;
    } else {
        if (!digits(&p, e, 4, 4, &y))
            return 0;
        if (sep == '.' || a > 12)
            d = a, m = b;
        else
            m = a, d = b;
    }
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    double t = 0;
    if (p < e && (*p == ' ' || *p == 'T')) {
        p++;
        int hh, mm, ss = 0;
        if (!digits(&p, e, 1, 2, &hh) || p >= e || *p != ':')
            return 0;
        p++;
        if (!digits(&p, e, 2, 2, &mm))
            return 0;
        double frac = 0;
        if (p < e && *p == ':') {
            p++;
            if (!digits(&p, e, 2, 2, &ss))
                return 0;
            if (p < e && *p == '.') {
                double f = 0.1;
                for (p++; p < e && isdigit((unsigned char)*p); p++, f /= 10)
                    frac += (*p - '0') * f;
            }
        }
        while (p < e && *p == ' ')
            p++;
        if (e - p >= 2 && (p[0] == 'A' || p[0] == 'a' || p[0] == 'P' || p[0] == 'p') &&
            (p[1] == 'M' || p[1] == 'm')) {
            if (hh < 1 || hh > 12)
                return 0;
            hh = hh % 12 + ((p[0] == 'P' || p[0] == 'p') ? 12 : 0);
            p += 2;
        } else if (p < e && (*p == 'Z' || *p == '+' || *p == '-')) {
            p = e; /* a zone: the same in both columns of an export */
        }
        if (p != e || hh > 23 || mm > 59 || ss > 60)
            return 0;
        t = hh * 3600.0 + mm * 60.0 + ss + frac;
    } else if (p != e || need_time) {
        return 0;
    }
    *secs = (double)days_from_civil(y, m, d) * 86400.0 + t;
    return 1;
}

int excl_length_value(const char *s, double *secs)
{
    static const struct {
        const char *unit;
        double secs;
    } units[] = {{"s", 1},    {"sec", 1},   {"secs", 1},   {"second", 1},  {"seconds", 1},
                 {"m", 60},   {"min", 60},  {"mins", 60},  {"minute", 60}, {"minutes", 60},
                 {"h", 3600}, {"hr", 3600}, {"hrs", 3600}, {"hour", 3600}, {"hours", 3600}};
    const char *p = s;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    if (p == s || p - s > 30)
        return 0;
    char num[32];
    memcpy(num, s, (size_t)(p - s));
    num[p - s] = '\0';
    double x;
    if (shopstat_parse_number(num, strlen(num), 0, &x) != 1)
        return 0;
    while (*p == ' ')
        p++;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(p, units[i].unit) == 0) {
            *secs = x * units[i].secs;
            return 1;
        }
    return 0;
}

/* The split of name at a '-' into two columns of r, END and START: 1 for one, 0 for none,
 * 2 when several splits name two columns (ambiguous). */
static int length_columns(const shopstat_reader *r, const char *name, size_t *end, size_t *start)
{
    int found = 0;
    size_t n = strlen(name);
    char *buf = malloc(n + 1);
    if (!buf)
        return 0;
    for (const char *d = strchr(name, '-'); d; d = strchr(d + 1, '-')) {
        size_t a = (size_t)(d - name);
        memcpy(buf, name, n + 1);
        buf[a] = '\0';
        /* (spaces around the '-' are the expression's, not the names') */
        size_t ae = a;
        while (ae > 0 && buf[ae - 1] == ' ')
            buf[--ae] = '\0';
        const char *right = buf + a + 1;
        while (*right == ' ')
            right++;
        if (!*buf || !*right || shopstat_reader_columns_named(r, buf, NULL, 0) != 1 ||
            shopstat_reader_columns_named(r, right, NULL, 0) != 1)
            continue;
        if (found++)
            break;
        (void)shopstat_reader_column(r, buf, NULL, end, NULL);
        (void)shopstat_reader_column(r, right, NULL, start, NULL);
    }
    free(buf);
    return found > 1 ? 2 : found;
}

shopstat_status excl_grid(const shopstat_reader *r, const char *name, const char *what,
                          size_t **cols, size_t *n, shopstat_error *err)
{
    const char *path = shopstat_reader_path(r);
    size_t len = strlen(name), cap = 8, ng = 0;
    char *buf = malloc(len + 1);
    size_t *gc = malloc(cap * sizeof *gc);
    shopstat_status st = SHOPSTAT_OK;
    *cols = NULL;
    *n = 0;
    if (!buf || !gc) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    memcpy(buf, name, len + 1);
    for (char *item = buf, *next; item && !st; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        /* (spaces around a ',' are the list's, not the names') */
        while (*item == ' ')
            item++;
        size_t il = strlen(item);
        while (il > 0 && item[il - 1] == ' ')
            item[--il] = '\0';
        if (!*item) {
            st = shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                    "%s column '%.100s': an empty name in a grid's list "
                                    "(columns or ranges joined by ',': Q5_1,Q5_3,Q7 or "
                                    "Q5_1..Q5_4,Q7)",
                                    what, name);
            break;
        }
        size_t a, b;
        char *dots =
            shopstat_reader_columns_named(r, item, NULL, 0) > 0 ? NULL : strstr(item, "..");
        if (dots)
            *dots = '\0';
        if ((st = shopstat_reader_column(r, item, what, &a, err)))
            break;
        b = a;
        if (dots && (st = shopstat_reader_column(r, dots + 2, what, &b, err)))
            break;
        if (dots && a >= b) {
            *dots = '.';
            st = shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                    "%s column '%.100s': a grid FIRST..LAST names its first "
                                    "column, then a later one (columns %zu and %zu of the "
                                    "file)",
                                    what, item, a + 1, b + 1);
            break;
        }
        for (size_t k = a; k <= b; k++) {
            for (size_t i = 0; i < ng; i++)
                if (gc[i] == k) {
                    st = shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                            "%s column '%.100s': the grid names column '%.100s' "
                                            "twice",
                                            what, name, shopstat_reader_colname(r, k));
                    goto done;
                }
            if (ng == cap) {
                size_t *t = realloc(gc, 2 * cap * sizeof *gc);
                if (!t) {
                    st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
                    goto done;
                }
                gc = t;
                cap *= 2;
            }
            gc[ng++] = k;
        }
    }
    if (!st && ng < 2)
        st = shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                "%s column '%.100s': a grid is two columns or more "
                                "(Q5_1..Q5_4, or Q5_1,Q5_3,Q7)",
                                what, name);
done:
    free(buf);
    if (st) {
        free(gc);
        return st;
    }
    *cols = gc;
    *n = ng;
    return SHOPSTAT_OK;
}

shopstat_status excl_column(const shopstat_reader *r, const plan_cond *c, const char *what,
                            size_t *col, int *kind, size_t *col2, shopstat_error *err)
{
    const char *name = c->column;
    int ordering = c->op != SHOPSTAT_OP_IN && c->op != SHOPSTAT_OP_NOT_IN;
    const char *path = shopstat_reader_path(r);
    size_t a, b;
    if (kind)
        *kind = EXCL_VALUE;
    if (shopstat_reader_columns_named(r, name, NULL, 0) > 0 ||
        (!strstr(name, "..") && !strchr(name, '-') && !strchr(name, ','))) {
        shopstat_status st = shopstat_reader_column(r, name, what, col, err);
        if (!st && c->unit)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                      "%s column '%.100s': a length with a unit (%s s) is the "
                                      "time between two date-time columns, END-START:<2min "
                                      "(EndDate-StartDate); '%.100s' is one column, compared "
                                      "as a number: give the number alone",
                                      what, name, c->values[0], name);
        return st;
    }
    if (strstr(name, "..") || strchr(name, ',')) {
        size_t *gc, ng;
        shopstat_status st = excl_grid(r, name, what, &gc, &ng, err);
        if (st)
            return st;
        a = gc[0];
        b = gc[ng - 1];
        free(gc);
        if (c->op != SHOPSTAT_OP_IN || c->nvalues != 1 || strcmp(c->values[0], "same") != 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                      "%s column '%.100s': a grid of columns takes 'same' "
                                      "(%.100s:same, one answer in every column: its "
                                      "straight-liners)",
                                      what, name, name);
        *col = a;
        if (kind)
            *kind = EXCL_SAME;
        if (col2)
            *col2 = b;
        return SHOPSTAT_OK;
    }
    int split = length_columns(r, name, &a, &b);
    if (split == 2)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                  "%s column '%.100s' splits at more than one '-' into two "
                                  "columns of the file: rename them",
                                  what, name);
    if (!split) /* (not in the file: the reader's error, with its suggestion) */
        return shopstat_reader_column(r, name, what, col, err);
    if (!ordering)
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, path, 0, 0,
            "%s column '%.100s': the time from %s to %s compares with <, <=, > "
            "or >= (%.100s:<2min, the interviews under 2 minutes)",
            what, name, shopstat_reader_colname(r, b), shopstat_reader_colname(r, a), name);
    *col = a;
    if (kind)
        *kind = EXCL_LENGTH;
    if (col2)
        *col2 = b;
    return SHOPSTAT_OK;
}

int cond_match_value(int decimal_comma, const plan_cond *c, const char *s, size_t n)
{
    double x;
    int isnum = c->exact_text ? 0 : shopstat_parse_number(s, n, decimal_comma, &x) == 1;
    switch (c->op) {
    case SHOPSTAT_OP_IN:
    case SHOPSTAT_OP_NOT_IN: {
        int in = 0;
        for (size_t i = 0; i < c->nvalues && !in; i++) {
            if (strlen(c->values[i]) == n && memcmp(c->values[i], s, n) == 0)
                in = 1;
            else if (isnum && c->isnum[i] && x == c->num[i])
                in = 1;
        }
        return c->op == SHOPSTAT_OP_IN ? in : !in;
    }
    case SHOPSTAT_OP_GT:
        return isnum && x > c->num[0];
    case SHOPSTAT_OP_GE:
        return isnum && x >= c->num[0];
    case SHOPSTAT_OP_LT:
        return isnum && x < c->num[0];
    case SHOPSTAT_OP_LE:
        return isnum && x <= c->num[0];
    }
    return 0;
}

int excl_cond_match(const shopstat_reader *r, int decimal_comma, const plan_cond *c, size_t col,
                    const char *s, size_t n)
{
    if (!shopstat_reader_is_missing_at(r, col, s, n))
        return cond_match_value(decimal_comma, c, s, n);
    if (c->op != SHOPSTAT_OP_IN)
        return 0;
    for (size_t i = 0; i < c->nvalues; i++)
        if (strcmp(c->values[i], "NA") == 0 ||
            (strlen(c->values[i]) == n && memcmp(c->values[i], s, n) == 0))
            return 1;
    return 0;
}

static int excl_match(const excl_rows *x, const plan_cond *c, size_t col, const char *s, size_t n)
{
    return excl_cond_match(x->r, x->dc, c, col, s, n);
}

/* The memo: open addressing over words of a field's up to 7 bytes, its length in bits
 * 56-58, MEMO_USED (an empty slot is 0: a blank field's word is MEMO_USED alone) and the
 * answer in MEMO_YES. A condition's answer depends on the field's bytes alone (the column's
 * missing codes and the decimal mark are fixed for the pass), so a column of a few distinct
 * values (codes, Yes/No) costs a lookup a row where parsing the field and comparing it
 * with the condition's values cost 50 instructions (a code) to 270 (a number, >=5). */
#define MEMO_USED ((uint64_t)1 << 63)
#define MEMO_YES ((uint64_t)1 << 62)
#define MEMO_SLOTS_MIN 64
/* at most half full: past 4096 distinct short values (an id, a duration) the memo is left
 * off and the fields read directly */
#define MEMO_SLOTS_MAX 8192

static inline size_t memo_slot(const excl_memo *m, uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> m->shift);
}

/* The word of field s (n <= 7 bytes): one load, which may read past the field: a
 * shopstat_row leaves 16 bytes to spare after its last field. */
static inline uint64_t memo_key(const char *s, size_t n)
{
    static const uint64_t keep[8] = {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        0,
        0xff00000000000000ULL,
        0xffff000000000000ULL,
        0xffffff0000000000ULL,
        0xffffffff00000000ULL,
        0xffffffffff000000ULL,
        0xffffffffffff0000ULL,
        0xffffffffffffff00ULL,
#else
        0,
        0xffULL,
        0xffffULL,
        0xffffffULL,
        0xffffffffULL,
        0xffffffffffULL,
        0xffffffffffffULL,
        0xffffffffffffffULL,
#endif
    };
    uint64_t w;
    memcpy(&w, s, 8);
    w &= keep[n];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w >>= 8; /* (the bytes below the length's bits) */
#endif
    return w | (uint64_t)n << 56 | MEMO_USED;
}

/* Remember key k's answer; at the memo's cap, or short of memory, the memo is left off. */
static void memo_put(excl_memo *m, uint64_t k, int yes)
{
    size_t nslots = m->slot ? (size_t)1 << (64 - m->shift) : 0;
    if ((m->n + 1) * 2 > nslots) {
        size_t ns = nslots ? nslots * 2 : MEMO_SLOTS_MIN;
        uint64_t *s = ns <= MEMO_SLOTS_MAX ? calloc(ns, sizeof *s) : NULL;
        if (!s) {
            m->off = 1;
            return;
        }
        unsigned shift = 64;
        for (size_t v = ns; v > 1; v >>= 1)
            shift--;
        excl_memo nm = {s, shift, m->n, 0};
        for (size_t e = 0; e < nslots; e++)
            if (m->slot[e]) {
                size_t d = memo_slot(&nm, m->slot[e] & ~MEMO_YES);
                while (s[d])
                    d = (d + 1) & (ns - 1);
                s[d] = m->slot[e];
            }
        free(m->slot);
        *m = nm;
        nslots = ns;
    }
    size_t e = memo_slot(m, k);
    while (m->slot[e])
        e = (e + 1) & (nslots - 1);
    m->slot[e] = k | (yes ? MEMO_YES : 0);
    m->n++;
}

/* Condition ec's answer for the row. */
static inline int cond_answer(const excl_rows *x, excl_cond *ec, const shopstat_row *row)
{
    const char *s = row->fields[ec->col];
    size_t n = row->lens[ec->col];
    excl_memo *m = &ec->memo;
    if (n > 7 || m->off)
        return excl_match(x, ec->c, ec->col, s, n);
    uint64_t k = memo_key(s, n);
    if (m->slot) {
        size_t mask = ((size_t)1 << (64 - m->shift)) - 1;
        for (size_t e = memo_slot(m, k);; e = (e + 1) & mask) {
            uint64_t v = m->slot[e];
            if ((v & ~MEMO_YES) == k)
                return (v & MEMO_YES) != 0;
            if (!v)
                break;
        }
    }
    int yes = excl_match(x, ec->c, ec->col, s, n);
    memo_put(m, k, yes);
    return yes;
}

shopstat_status excl_rows_init(excl_rows *x, const shopstat_plan *p, const shopstat_reader *r,
                               int decimal_comma, const size_t *cols, shopstat_error *err)
{
    memset(x, 0, sizeof *x);
    x->excl = p->excl;
    x->nexcl = p->nexcl;
    x->r = r;
    x->dc = decimal_comma;
    if (!p->nexcl)
        return SHOPSTAT_OK;
    size_t nc = 0;
    for (size_t k = 0; k < p->nexcl; k++)
        nc += p->excl[k].nconds;
    if (!(x->cond = calloc(nc, sizeof *x->cond)) || !(x->n = calloc(p->nexcl, sizeof *x->n))) {
        excl_rows_free(x);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    x->ncond = nc;
    if (plan_dedupes(p)) {
        if (!(x->seen = calloc(p->nexcl, sizeof *x->seen))) {
            excl_rows_free(x);
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* (ids of up to 2^28 rows, 4 GiB of them: a file's, not an attacker's, size) */
        for (size_t k = 0; k < p->nexcl; k++)
            strmap_init(&x->seen[k], (size_t)1 << 28, (size_t)1 << 32);
    }
    nc = 0;
    for (size_t k = 0; k < p->nexcl; k++)
        for (size_t j = 0; j < p->excl[k].nconds; j++, nc++) {
            excl_cond *ec = &x->cond[nc];
            ec->c = &p->excl[k].conds[j];
            ec->col = cols[nc];
            ec->k = k;
            ec->last = j + 1 == p->excl[k].nconds;
            ec->next = nc - j + p->excl[k].nconds;
            if (p->excl[k].dedupe) {
                ec->kind = EXCL_DEDUPE;
                continue;
            }
            /* (bound by the caller already, through excl_column: no error but memory's) */
            shopstat_status st =
                excl_column(r, ec->c, "exclude", &ec->col, &ec->kind, &ec->col2, err);
            if (!st && ec->kind == EXCL_SAME)
                st = excl_grid(r, ec->c->column, "exclude", &ec->grid, &ec->ngrid, err);
            if (st) {
                excl_rows_free(x);
                return st;
            }
            x->reads |= ec->kind != EXCL_VALUE;
        }
    return SHOPSTAT_OK;
}

/* Whether the row repeats a value of dedupe exclusion ec's column (remembered when it does
 * not): 1, 0, or -1 out of memory. A missing value is no id. */
static int seen_before(excl_rows *x, const excl_cond *ec, const shopstat_row *row)
{
    const char *s = row->fields[ec->col];
    size_t n = row->lens[ec->col];
    if (!n || shopstat_reader_is_missing_at(x->r, ec->col, s, n))
        return 0;
    int added;
    size_t id = strmap_add(&x->seen[ec->k], s, n, strmap_hash(s, n), &added);
    if (id == STRMAP_FULL || id == STRMAP_NOMEM)
        return -1;
    return !added;
}

/* Whether the row's length END-START meets length condition ec: 1, 0 (a missing value in
 * either column meets none), or -2 (a value that is no date-time: x->bad, x->badcol). */
static int length_answer(excl_rows *x, const excl_cond *ec, const shopstat_row *row)
{
    size_t e = ec->col, s = ec->col2;
    if (shopstat_reader_is_missing_at(x->r, e, row->fields[e], row->lens[e]) ||
        shopstat_reader_is_missing_at(x->r, s, row->fields[s], row->lens[s]))
        return 0;
    double end, start;
    int se = parse_stamp(row->fields[s], row->lens[s], 1, &start);
    if (!se || !parse_stamp(row->fields[e], row->lens[e], 1, &end)) {
        x->bad = ec;
        x->badcol = se ? e : s;
        x->badrow = row;
        return -2;
    }
    double v = end - start, lim = ec->c->num[0];
    switch (ec->c->op) {
    case SHOPSTAT_OP_LT:
        return v < lim;
    case SHOPSTAT_OP_LE:
        return v <= lim;
    case SHOPSTAT_OP_GT:
        return v > lim;
    case SHOPSTAT_OP_GE:
        return v >= lim;
    default:
        return 0;
    }
}

/* Whether the row gives grid ec's columns one answer, every one of them answered (as
 * describe counts a grid's straight-liners: the same text). */
static int same_answer(const excl_rows *x, const excl_cond *ec, const shopstat_row *row)
{
    size_t f = ec->grid[0], n = row->lens[f];
    for (size_t i = 0; i < ec->ngrid; i++) {
        size_t c = ec->grid[i];
        if (shopstat_reader_is_missing_at(x->r, c, row->fields[c], row->lens[c]) ||
            row->lens[c] != n || memcmp(row->fields[c], row->fields[f], n) != 0)
            return 0;
    }
    return 1;
}

/* Whether condition ec of a kind other than EXCL_VALUE takes the row: 1, 0, -1 (out of
 * memory) or -2 (an unreadable date-time). Not inlined: excl_rows_take stays as lean for
 * the exclusions of values, the typical run's, as it was before these kinds. */
static __attribute__((noinline)) int read_answer(excl_rows *x, const excl_cond *ec,
                                                 const shopstat_row *row)
{
    switch (ec->kind) {
    case EXCL_DEDUPE:
        return seen_before(x, ec, row);
    case EXCL_LENGTH:
        return length_answer(x, ec, row);
    default:
        return same_answer(x, ec, row);
    }
}

long excl_rows_take(excl_rows *x, const shopstat_row *row)
{
    /* the conditions one after another: an exclusion's last one meeting the row takes it,
     * one failing goes on with the next exclusion's first */
    for (size_t i = 0; i < x->ncond;) {
        excl_cond *ec = &x->cond[i];
        if (ec->kind) {
            int yes = read_answer(x, ec, row);
            if (yes < 0)
                return yes;
            if (!yes) {
                i = ec->next;
                continue;
            }
        } else if (!cond_answer(x, ec, row)) {
            i = ec->next;
            continue;
        }
        if (ec->last) {
            x->n[ec->k]++;
            return (long)ec->k + 1;
        }
        i++;
    }
    return 0;
}

shopstat_status excl_rows_error(const excl_rows *x, long k, shopstat_error *err)
{
    const shopstat_row *row = x->badrow;
    const char *path = shopstat_reader_path(x->r);
    if (k != -2 || !x->bad || !row)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0,
                                  "out of memory (the ids a dedupe remembers)");
    size_t c = x->badcol, n = row->lens[c];
    return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                              "exclusion '%.100s': '%.*s' in column '%.100s' is no date-time "
                              "shopstat reads (2026-11-03 14:05:09, 11/03/2026 14:05, "
                              "11/3/2026 2:05 PM); the length %.100s cannot be taken",
                              x->excl[x->bad->k].reason, (int)(n > 40 ? 40 : n), row->fields[c],
                              shopstat_reader_colname(x->r, c), x->bad->c->column);
}

void excl_rows_merge(excl_rows *g, excl_rows *w)
{
    for (size_t k = 0; k < g->nexcl; k++) {
        g->n[k] += w->n[k];
        w->n[k] = 0;
    }
}

size_t excl_rows_sum(const excl_rows *x)
{
    size_t n = 0;
    for (size_t k = 0; k < x->nexcl; k++)
        n += x->n[k];
    return n;
}

shopstat_status excl_rows_none_left(const excl_rows *x, const char *path, size_t read,
                                    shopstat_error *err)
{
    char list[600] = "";
    size_t at = 0;
    for (size_t k = 0; k < x->nexcl && at < sizeof list; k++)
        if (x->n[k]) {
            int n = snprintf(list + at, sizeof list - at, "%s%s excludes %zu", at ? ", " : "",
                             x->excl[k].reason, x->n[k]);
            at += n > 0 ? (size_t)n : 0;
        }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                              "exclusions leave no row: of the %zu rows read, %s; there is "
                              "nothing to estimate",
                              read, list);
}

void excl_rows_free(excl_rows *x)
{
    for (size_t k = 0; x->seen && k < x->nexcl; k++)
        strmap_free(&x->seen[k]);
    free(x->seen);
    x->seen = NULL;
    for (size_t i = 0; x->cond && i < x->ncond; i++) {
        free(x->cond[i].memo.slot);
        free(x->cond[i].grid);
    }
    free(x->cond);
    free(x->n);
    x->cond = NULL;
    x->n = NULL;
    x->ncond = 0;
}
