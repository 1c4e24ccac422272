/* The rows a plan's exclusions leave out (--exclude), each condition's answer remembered per field
 * value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

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

long excl_rows_take(excl_rows *x, const shopstat_row *row)
{
    /* the conditions one after another: an exclusion's last one meeting the row takes it,
     * one failing goes on with the next exclusion's first */
    for (size_t i = 0; i < x->ncond;) {
        excl_cond *ec = &x->cond[i];
        if (x->seen && x->excl[ec->k].dedupe) {
            int dup = seen_before(x, ec, row);
            if (dup < 0)
                return -1;
            if (dup) {
                x->n[ec->k]++;
                return (long)ec->k + 1;
            }
            i = ec->next;
            continue;
        }
        if (!cond_answer(x, ec, row)) {
            i = ec->next;
        } else if (ec->last) {
            x->n[ec->k]++;
            return (long)ec->k + 1;
        } else {
            i++;
        }
    }
    return 0;
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
    for (size_t i = 0; x->cond && i < x->ncond; i++)
        free(x->cond[i].memo.slot);
    free(x->cond);
    free(x->n);
    x->cond = NULL;
    x->n = NULL;
    x->ncond = 0;
}
