/* Survey spec reader: YAML (libyaml document API) to a checked shopstat_spec_info. */
#include "shopstat/spec.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core.h" /* an exclusion's length and grid (excl_column) */
#include "internal.h"
#include "shopstat/replicate.h"
#include "shopstat/score.h"

struct shopstat_spec {
    shopstat_spec_info info;
    void **owned; /* every allocation of the spec, freed together */
    size_t nowned, capowned;
    /* the codebook's labels of the variables no question reads: a by: segment's values on
     * such a column are labelled from them, as tab --codebook labels a --by column's */
    shopstat_value_label *cblabels;
    size_t ncblabels;
};

/* Parsing state: the spec being built, the YAML document and where errors go. */
typedef struct ctx {
    shopstat_spec *s;
    yaml_document_t *doc;
    const char *path;
    shopstat_error *err;
    unsigned char *named; /* per table: 1 when its name: was given (parse_tables) */
} ctx;

/* ---- allocation: everything belongs to the spec ---- */

static void *own(shopstat_spec *s, void *p)
{
    if (!p)
        return NULL;
    if (s->nowned == s->capowned) {
        size_t cap = s->capowned ? 2 * s->capowned : 64;
        void **n = realloc(s->owned, cap * sizeof *n);
        if (!n) {
            free(p);
            return NULL;
        }
        s->owned = n;
        s->capowned = cap;
    }
    s->owned[s->nowned++] = p;
    return p;
}

static void *zalloc(ctx *c, size_t n, size_t size)
{
    void *p = own(c->s, calloc(n ? n : 1, size));
    if (!p)
        shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    return p;
}

static char *sdup(ctx *c, const char *text, size_t len)
{
    char *p = zalloc(c, len + 1, 1);
    if (p)
        memcpy(p, text, len);
    return p;
}

void shopstat_spec_free(shopstat_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s);
}

const shopstat_spec_info *shopstat_spec_get(const shopstat_spec *s)
{
    return &s->info;
}

/* ---- "did you mean": shopstat_closest (closest.c) ---- */

/* " (did you mean 'x'?)" or "" */
static void hint(char *buf, size_t n, const char *word, const char *const *cands, size_t nc)
{
    const char *b = shopstat_closest(word, cands, nc);
    if (b)
        snprintf(buf, n, " (did you mean '%s'?)", b);
    else
        buf[0] = '\0';
}

/* s for a message: its first 40 bytes or so, cut between characters, then "..." (a key
 * may hold 1024 characters; the message holds 1024 bytes) */
static const char *shorten(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), keep = 40;
    if (len <= keep + 3 || n < keep + 4)
        return s;
    while (keep && ((unsigned char)s[keep] & 0xC0) == 0x80) /* (a continuation byte) */
        keep--;
    snprintf(buf, n, "%.*s...", (int)keep, s);
    return buf;
}

/* ---- node helpers ---- */

static yaml_node_t *node(ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static shopstat_pos pos_of(const yaml_node_t *n)
{
    shopstat_pos p = {n->start_mark.line + 1, n->start_mark.column + 1};
    return p;
}

static shopstat_status fail_at(ctx *c, shopstat_pos p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static shopstat_status fail_at(ctx *c, shopstat_pos p, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return shopstat_error_set(c->err, SHOPSTAT_EINPUT, c->path, p.line, p.col, "%s", msg);
}

#define FAIL(c, n, ...) fail_at((c), pos_of(n), __VA_ARGS__)

static const char *kind_name(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE    ? "a mapping"
           : n->type == YAML_SEQUENCE_NODE ? "a list"
                                           : "a value";
}

/* A plain empty scalar, "~" or "null": an absent value. */
static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

static shopstat_status scalar(ctx *c, yaml_node_t *n, const char *what, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return FAIL(c, n, "%s must be a text value, not %s", what, kind_name(n));
    *out = sdup(c, (const char *)n->data.scalar.value, n->data.scalar.length);
    return *out ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
}

static shopstat_status number(ctx *c, yaml_node_t *n, const char *what, double lo, double hi,
                              double *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return FAIL(c, n, "%s must be a number, not %s", what, kind_name(n));
    const char *v = (const char *)n->data.scalar.value;
    double x;
    if (shopstat_parse_number(v, n->data.scalar.length, 0, &x) != 1 || !(x >= lo && x <= hi))
        return FAIL(c, n, "%s must be a number in [%g, %g], not '%s'", what, lo, hi, v);
    *out = x;
    return SHOPSTAT_OK;
}

static shopstat_status boolean(ctx *c, yaml_node_t *n, const char *what, int *out)
{
    const char *v = n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
    if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0)
        *out = 0;
    else
        return FAIL(c, n, "%s must be true or false", what);
    return SHOPSTAT_OK;
}

static size_t map_len(const yaml_node_t *m)
{
    return (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
}

static size_t seq_len(const yaml_node_t *m)
{
    return (size_t)(m->data.sequence.items.top - m->data.sequence.items.start);
}

static const char *key_text(ctx *c, yaml_node_pair_t *p)
{
    yaml_node_t *k = node(c, p->key);
    return k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
}

/* A mapping whose keys are text, unique, and (if allowed is not NULL) among allowed. */
static shopstat_status check_map(ctx *c, yaml_node_t *m, const char *what,
                                 const char *const *allowed, size_t nallowed)
{
    if (m->type != YAML_MAPPING_NODE)
        return FAIL(c, m, "%s must be a mapping (key: value), not %s", what, kind_name(m));
    if (map_len(m) > SHOPSTAT_SPEC_MAX_ITEMS)
        return shopstat_error_set(c->err, SHOPSTAT_ELIMIT, c->path, pos_of(m).line, pos_of(m).col,
                                  "%s has more than %d entries", what, SHOPSTAT_SPEC_MAX_ITEMS);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = node(c, p->key);
        const char *k = key_text(c, p);
        if (!k)
            return FAIL(c, kn, "a key in %s must be a text value, not %s", what, kind_name(kn));
        if (strcmp(k, "<<") == 0 && kn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            return FAIL(c, kn,
                        "'<<' (a YAML merge key) is not supported in %s: write the keys out "
                        "(an alias *name may stand for a whole value)",
                        what);
        for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
            const char *k2 = key_text(c, q);
            if (k2 && strcmp(k, k2) == 0) {
                shopstat_pos first = pos_of(node(c, q->key));
                char shown[64];
                return FAIL(c, kn, "duplicate key '%s' in %s (first at line %zu)",
                            shorten(k, shown, sizeof shown), what, first.line);
            }
        }
        if (!allowed)
            continue;
        size_t i = 0;
        while (i < nallowed && strcmp(allowed[i], k) != 0)
            i++;
        if (i < nallowed)
            continue;
        char h[200];
        hint(h, sizeof h, k, allowed, nallowed);
        char list[600] = "";
        for (size_t j = 0; j < nallowed; j++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                     allowed[j]);
        char shown[64];
        return FAIL(c, kn, "unknown key '%s' in %s%s; expected one of: %s",
                    shorten(k, shown, sizeof shown), what, h, list);
    }
    return SHOPSTAT_OK;
}

#define CHECK_MAP(c, m, what, keys)                                                                \
    check_map((c), (m), (what), (keys), sizeof(keys) / sizeof *(keys))

static yaml_node_t *get(ctx *c, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = key_text(c, p);
        if (k && strcmp(k, key) == 0)
            return node(c, p->value);
    }
    return NULL;
}

/* Titles, labels and notes are drawn on charts, whose text layout takes minutes for a
 * 100 KB title (and then fails: it cannot fit a page); a longer one is a mistake. */
#define TEXT_MAX 2000

static shopstat_status text_len(ctx *c, yaml_node_t *n, const char *what, const char *v)
{
    size_t len = strlen(v);
    if (len > TEXT_MAX)
        return FAIL(c, n, "%s is %zu bytes long; a title, label, note or name holds at most %d",
                    what, len, TEXT_MAX);
    return SHOPSTAT_OK;
}

/* Optional text value of key in m (NULL when absent), at most TEXT_MAX bytes. */
static shopstat_status opt_text(ctx *c, yaml_node_t *m, const char *key, const char **out)
{
    yaml_node_t *n = get(c, m, key);
    *out = NULL;
    if (!n || is_null(n))
        return SHOPSTAT_OK;
    shopstat_status st = scalar(c, n, key, out);
    if (!st && (st = text_len(c, n, key, *out)))
        *out = NULL;
    return st;
}

/* A list of text values, or one text value (a list of one). */
static shopstat_status text_list(ctx *c, yaml_node_t *n, const char *what, const char ***out,
                                 shopstat_pos **pos, size_t *len)
{
    size_t k = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
    if (n->type == YAML_MAPPING_NODE)
        return FAIL(c, n, "%s must be a list, not a mapping", what);
    if (k > SHOPSTAT_SPEC_MAX_ITEMS)
        return shopstat_error_set(c->err, SHOPSTAT_ELIMIT, c->path, pos_of(n).line, pos_of(n).col,
                                  "%s has too many items", what);
    const char **v = zalloc(c, k + 1, sizeof *v);
    shopstat_pos *p = zalloc(c, k, sizeof *p);
    if (!v || !p)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *item =
            n->type == YAML_SEQUENCE_NODE ? node(c, n->data.sequence.items.start[i]) : n;
        shopstat_status st = scalar(c, item, what, &v[i]);
        if (st)
            return st;
        p[i] = pos_of(item);
    }
    *out = v;
    if (pos)
        *pos = p;
    *len = k;
    return SHOPSTAT_OK;
}

/* ---- expressions: "col == 3 and other >= 2", "col in [1, 2]", "col != 4" ---- */

typedef struct lexer {
    const char *s;
    size_t i, n;
    shopstat_pos at; /* position of the expression's first character */
    size_t bare;     /* 1 + start of the last value read unquoted, else 0 (for a hint) */
    int exclude;     /* an exclude: expression, which may take a length or a grid's 'same' */
} lexer;

static shopstat_pos lex_pos(const lexer *lx, size_t off)
{
    shopstat_pos p = {lx->at.line, lx->at.col + off};
    return p;
}

static void skip_ws(lexer *lx)
{
    while (lx->i < lx->n && (lx->s[lx->i] == ' ' || lx->s[lx->i] == '\t'))
        lx->i++;
}

static int is_ident_char(char ch, int first)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
           (!first && ((ch >= '0' && ch <= '9') || ch == '.'));
}

/* An identifier or a bare value (digits, sign, letters): [^ \t,\]\[=!<>]+ */
static size_t word_len(const lexer *lx)
{
    size_t k = lx->i;
    while (k < lx->n && !strchr(" \t,[]=!<>\"'", lx->s[k]))
        k++;
    return k - lx->i;
}

static shopstat_status lex_value(ctx *c, lexer *lx, const char **out)
{
    skip_ws(lx);
    if (lx->i < lx->n && (lx->s[lx->i] == '"' || lx->s[lx->i] == '\'')) {
        char q = lx->s[lx->i];
        size_t start = ++lx->i;
        while (lx->i < lx->n && lx->s[lx->i] != q)
            lx->i++;
        if (lx->i >= lx->n)
            return fail_at(c, lex_pos(lx, start - 1), "unterminated quote in expression");
        *out = sdup(c, lx->s + start, lx->i - start);
        lx->i++;
        lx->bare = 0;
        return *out ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
    }
    size_t len = word_len(lx);
    if (!len)
        return fail_at(c, lex_pos(lx, lx->i), "expected a value in expression '%s'", lx->s);
    lx->bare = lx->i + 1;
    *out = sdup(c, lx->s + lx->i, len);
    lx->i += len;
    return *out ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
}

static int lex_keyword(lexer *lx, const char *kw)
{
    skip_ws(lx);
    size_t k = strlen(kw);
    if (lx->i + k <= lx->n && strncmp(lx->s + lx->i, kw, k) == 0 &&
        (lx->i + k == lx->n || !is_ident_char(lx->s[lx->i + k], 0))) {
        lx->i += k;
        return 1;
    }
    return 0;
}

static shopstat_status resolve_column(ctx *c, const char *ident, shopstat_pos p, const char **col);

static shopstat_status parse_values_list(ctx *c, lexer *lx, const char ***vals)
{
    skip_ws(lx);
    if (lx->i >= lx->n || lx->s[lx->i] != '[')
        return fail_at(c, lex_pos(lx, lx->i), "expected '[' after 'in' in expression '%s'", lx->s);
    lx->i++;
    size_t cap = 1;
    for (size_t k = lx->i; k < lx->n && lx->s[k] != ']'; k++)
        cap += lx->s[k] == ',';
    const char **v = zalloc(c, cap + 1, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    size_t nv = 0;
    while (1) {
        shopstat_status st = lex_value(c, lx, &v[nv]);
        if (st)
            return st;
        nv++;
        skip_ws(lx);
        if (lx->i < lx->n && lx->s[lx->i] == ',' && nv < cap) {
            lx->i++;
            continue;
        }
        if (lx->i < lx->n && lx->s[lx->i] == ']') {
            lx->i++;
            break;
        }
        return fail_at(c, lex_pos(lx, lx->i), "expected ',' or ']' in expression '%s'", lx->s);
    }
    *vals = v;
    return SHOPSTAT_OK;
}

/* "A" and "B" (resolved) joined by sep: "EndDate-StartDate", "Q5_1..Q5_6", the column of
 * an exclusion's length or grid as the command line writes it (excl_column reads it). */
static const char *joined(ctx *c, const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *j = zalloc(c, na + ns + nb + 1, 1);
    if (j) {
        memcpy(j, a, na);
        memcpy(j + na, sep, ns);
        memcpy(j + na + ns, b, nb);
    }
    return j;
}

/* One item of a grid at start (ident): a column, resolved, or FIRST..LAST, each resolved,
 * appended to *acc ("" at first) after a ','. */
static shopstat_status grid_item(ctx *c, lexer *lx, const char *ident, size_t start,
                                 const char **acc)
{
    const char *dots = strstr(ident, ".."), *a, *b = NULL;
    shopstat_pos p = lex_pos(lx, start);
    if (dots) {
        size_t nf = (size_t)(dots - ident);
        if (!nf || !dots[2] || !is_ident_char(dots[2], 1))
            return fail_at(c, p, "expected a grid FIRST..LAST, such as Q5_1..Q5_6, not '%s'",
                           ident);
        const char *first = sdup(c, ident, nf);
        if (!first)
            return SHOPSTAT_ENOMEM;
        shopstat_status st = resolve_column(c, first, p, &a);
        if (!st)
            st = resolve_column(c, dots + 2, lex_pos(lx, start + nf + 2), &b);
        if (st)
            return st;
        if (!(a = joined(c, a, "..", b)))
            return SHOPSTAT_ENOMEM;
    } else {
        shopstat_status st = resolve_column(c, ident, p, &a);
        if (st)
            return st;
    }
    *acc = **acc ? joined(c, *acc, ",", a) : a;
    return *acc ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
}

/* An exclusion's grid "FIRST..LAST same", or a list "A, B, C same" (items columns or
 * FIRST..LAST; ident holds the first, read from start): one answer in every column of the
 * grid, its straight-liners. The condition's column is the grid as the command line writes
 * it (Q5_1..Q5_6, Q5_1,Q5_3,Q7), which excl_grid reads. */
static shopstat_status parse_same(ctx *c, lexer *lx, const char *ident, size_t start,
                                  shopstat_spec_cond *out)
{
    if (!lx->exclude)
        return fail_at(c, out->pos,
                       "'%s': a grid's one answer (FIRST..LAST same, or A, B, C same) is a "
                       "condition of exclude: alone",
                       ident);
    const char *grid = "";
    shopstat_status st = grid_item(c, lx, ident, start, &grid);
    while (!st) {
        skip_ws(lx);
        if (lx->i >= lx->n || lx->s[lx->i] != ',')
            break;
        lx->i++;
        skip_ws(lx);
        size_t at = lx->i;
        if (lx->i >= lx->n || !is_ident_char(lx->s[lx->i], 1))
            return fail_at(c, lex_pos(lx, at),
                           "expected a column after ',' in the grid of expression '%s' (A, B, C "
                           "same, or FIRST..LAST same)",
                           lx->s);
        while (lx->i < lx->n && is_ident_char(lx->s[lx->i], 0))
            lx->i++;
        const char *item = sdup(c, lx->s + at, lx->i - at);
        if (!item)
            return SHOPSTAT_ENOMEM;
        size_t after = lx->i;
        skip_ws(lx);
        if (!strcmp(item, "same") && (lx->i == lx->n || lex_keyword(lx, "and")))
            return fail_at(c, lex_pos(lx, at),
                           "expected a column after ',' in the grid of expression '%s', not "
                           "'same' (A, B, C same, or FIRST..LAST same)",
                           lx->s);
        lx->i = after;
        st = grid_item(c, lx, item, at, &grid);
    }
    if (st)
        return st;
    if (!lex_keyword(lx, "same"))
        return fail_at(c, lex_pos(lx, lx->i),
                       "expected 'same' after the grid '%s' in expression '%s' (%s same: one "
                       "answer in every column, its straight-liners)",
                       grid, lx->s, grid);
    const char **v = zalloc(c, 2, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    v[0] = "same";
    out->cond.column = grid;
    out->cond.op = SHOPSTAT_OP_IN;
    out->cond.values = v;
    return SHOPSTAT_OK;
}

/* An exclusion's length "END - START < 2 min" (END read and resolved in *col): the time
 * between two date-time columns, compared with <, <=, > or >= to seconds or a number and its
 * unit (s, min, h). */
static shopstat_status parse_length(ctx *c, lexer *lx, const char *end, shopstat_spec_cond *out)
{
    size_t minus = lx->i;
    if (!lx->exclude)
        return fail_at(c, lex_pos(lx, minus),
                       "'-' in expression '%s': a length END - START (the time between two "
                       "date-time columns) is a condition of exclude: alone",
                       lx->s);
    lx->i++;
    skip_ws(lx);
    size_t start = lx->i;
    if (lx->i >= lx->n || !is_ident_char(lx->s[lx->i], 1))
        return fail_at(c, lex_pos(lx, lx->i),
                       "expected a column after '-' in expression '%s' (END - START < 2 min)",
                       lx->s);
    while (lx->i < lx->n && is_ident_char(lx->s[lx->i], 0))
        lx->i++;
    const char *ident = sdup(c, lx->s + start, lx->i - start), *b;
    if (!ident)
        return SHOPSTAT_ENOMEM;
    shopstat_status st = resolve_column(c, ident, lex_pos(lx, start), &b);
    if (st)
        return st;
    skip_ws(lx);
    size_t opat = lx->i;
    static const struct {
        const char *text;
        shopstat_op op;
    } ops[] = {{">=", SHOPSTAT_OP_GE},
               {"<=", SHOPSTAT_OP_LE},
               {">", SHOPSTAT_OP_GT},
               {"<", SHOPSTAT_OP_LT}};
    size_t k = 0;
    while (k < 4 && strncmp(lx->s + lx->i, ops[k].text, strlen(ops[k].text)) != 0)
        k++;
    if (k == 4)
        return fail_at(c, lex_pos(lx, opat),
                       "expected <, <=, > or >= after the length %s - %s in expression '%s' "
                       "(%s - %s < 2 min)",
                       end, ident, lx->s, end, ident);
    lx->i += strlen(ops[k].text);
    const char **v = zalloc(c, 2, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    if ((st = lex_value(c, lx, &v[0])))
        return st;
    /* "2 min": the unit a word of its own */
    skip_ws(lx);
    size_t u = lx->i;
    while (u < lx->n && isalpha((unsigned char)lx->s[u]))
        u++;
    double x;
    if (u > lx->i && !(u - lx->i == 3 && strncmp(lx->s + lx->i, "and", 3) == 0)) {
        if (!(v[0] = joined(c, v[0], "", sdup(c, lx->s + lx->i, u - lx->i))))
            return SHOPSTAT_ENOMEM;
        lx->i = u;
    }
    if (shopstat_parse_number(v[0], strlen(v[0]), 0, &x) != 1 && !excl_length_value(v[0], &x))
        return fail_at(c, lex_pos(lx, opat),
                       "'%s' needs a length, seconds or a number and its unit (120, 2 min, "
                       "90 s, 1 h), not '%s'",
                       ops[k].text, v[0]);
    if (!(out->cond.column = joined(c, end, "-", b)))
        return SHOPSTAT_ENOMEM;
    out->cond.op = ops[k].op;
    out->cond.values = v;
    return SHOPSTAT_OK;
}

static shopstat_status parse_one_cond(ctx *c, lexer *lx, shopstat_spec_cond *out)
{
    skip_ws(lx);
    size_t start = lx->i;
    if (lx->i >= lx->n || !is_ident_char(lx->s[lx->i], 1))
        return fail_at(c, lex_pos(lx, lx->i), "expected a column name in expression '%s'", lx->s);
    while (lx->i < lx->n && is_ident_char(lx->s[lx->i], 0))
        lx->i++;
    const char *ident = sdup(c, lx->s + start, lx->i - start);
    if (!ident)
        return SHOPSTAT_ENOMEM;
    out->pos = lex_pos(lx, start);
    skip_ws(lx);
    if (strstr(ident, "..") || (lx->exclude && lx->i < lx->n && lx->s[lx->i] == ','))
        return parse_same(c, lx, ident, start, out);
    shopstat_status st = resolve_column(c, ident, out->pos, &out->cond.column);
    if (st)
        return st;
    skip_ws(lx);
    if (lx->i < lx->n && lx->s[lx->i] == '-')
        return parse_length(c, lx, out->cond.column, out);
    size_t opat = lx->i;
    const char *rest = lx->s + lx->i;
    static const struct {
        const char *text;
        shopstat_op op;
    } ops[] = {{"==", SHOPSTAT_OP_IN}, {"!=", SHOPSTAT_OP_NOT_IN}, {">=", SHOPSTAT_OP_GE},
               {"<=", SHOPSTAT_OP_LE}, {">", SHOPSTAT_OP_GT},      {"<", SHOPSTAT_OP_LT},
               {"=", SHOPSTAT_OP_IN}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t len = strlen(ops[k].text);
        if (lx->n - lx->i >= len && strncmp(rest, ops[k].text, len) == 0) {
            lx->i += len;
            if (lx->i < lx->n && strchr("=<>!", lx->s[lx->i]))
                return fail_at(c, lex_pos(lx, opat),
                               "unknown operator '%.*s' (use ==, !=, >, >=, <, <=, in [...])",
                               (int)(len + 1), rest);
            out->cond.op = ops[k].op;
            const char **v = zalloc(c, 2, sizeof *v);
            if (!v)
                return SHOPSTAT_ENOMEM;
            if ((st = lex_value(c, lx, &v[0])))
                return st;
            double x;
            if (ops[k].op != SHOPSTAT_OP_IN && ops[k].op != SHOPSTAT_OP_NOT_IN &&
                shopstat_parse_number(v[0], strlen(v[0]), 0, &x) != 1)
                return fail_at(c, lex_pos(lx, opat), "'%s' needs a number, not '%s'", ops[k].text,
                               v[0]);
            out->cond.values = v;
            return SHOPSTAT_OK;
        }
    }
    int negate = lex_keyword(lx, "not");
    if (lex_keyword(lx, "in")) {
        out->cond.op = negate ? SHOPSTAT_OP_NOT_IN : SHOPSTAT_OP_IN;
        const char **v = NULL;
        if ((st = parse_values_list(c, lx, &v)))
            return st;
        out->cond.values = v;
        return SHOPSTAT_OK;
    }
    return fail_at(c, lex_pos(lx, opat),
                   "expected ==, !=, >, >=, <, <=, in [...] or not in [...] after '%s' in "
                   "expression '%s'",
                   ident, lx->s);
}

/* Parse "cond and cond ..." from scalar node n into a fresh array. */
static shopstat_status parse_expr(ctx *c, yaml_node_t *n, const char *what,
                                  const shopstat_spec_cond **out, size_t *nout, const char **text)
{
    shopstat_status st = scalar(c, n, what, text);
    if (st)
        return st;
    lexer lx = {*text, 0, strlen(*text), pos_of(n), 0, strcmp(what, "exclude") == 0};
    /* quoted scalars start one column after their quote */
    if (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
        n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        lx.at.col++;
    size_t cap = 1;
    for (const char *p = *text; (p = strstr(p, "and")) != NULL; p += 3)
        cap++;
    shopstat_spec_cond *v = zalloc(c, cap, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    size_t k = 0;
    while (1) {
        if (k == cap)
            return fail_at(c, lex_pos(&lx, lx.i), "too many conditions in '%s'", *text);
        if ((st = parse_one_cond(c, &lx, &v[k])))
            return st;
        k++;
        skip_ws(&lx);
        if (lx.i == lx.n)
            break;
        if (lx.s[lx.i] == ',' && lx.i > 0 && isdigit((unsigned char)lx.s[lx.i - 1]) &&
            isdigit((unsigned char)lx.s[lx.i + 1]))
            /* "spend >= 499,5": a European export's decimal comma */
            return fail_at(c, lex_pos(&lx, lx.i),
                           "a number in expression '%s' takes a decimal point (499.5), "
                           "whatever the data's decimal mark; a ',' separates values in [...]",
                           *text);
        size_t at = lx.i;
        if (lex_keyword(&lx, "and"))
            continue;
        if (lex_keyword(&lx, "or")) {
            /* "a == 1 or a == 2" is "a in [1, 2]"; an 'or' of two columns has no form */
            shopstat_spec_cond next;
            const shopstat_cond *p = &v[k - 1].cond;
            if (p->op == SHOPSTAT_OP_IN && p->values && p->values[0] && !p->values[1] &&
                parse_one_cond(c, &lx, &next) == SHOPSTAT_OK && next.cond.op == SHOPSTAT_OP_IN &&
                next.cond.values && next.cond.values[0] && !next.cond.values[1] &&
                strcmp(next.cond.column, p->column) == 0)
                return fail_at(c, lex_pos(&lx, at),
                               "'or' in expression '%s': only 'and' combines conditions; "
                               "write '%s in [%s, %s]'",
                               *text, p->column, p->values[0], next.cond.values[0]);
            return fail_at(c, lex_pos(&lx, at),
                           "'or' in expression '%s': only 'and' combines conditions (values of "
                           "one column: 'COLUMN in [A, B]'; conditions on two columns: a "
                           "segment each)",
                           *text);
        }
        if (lx.bare && v[k - 1].cond.values && !v[k - 1].cond.values[1]) {
            /* "wave == Jun 2026": a value of several words, unquoted; suggest it quoted, up to
             * the next 'and' (single quotes: the expression is most often in double ones) */
            size_t b = lx.bare - 1, e = b;
            const char *and = strstr(lx.s + b, " and ");
            e = and? (size_t)(and-lx.s) : lx.n;
            while (e > b && isspace((unsigned char)lx.s[e - 1]))
                e--;
            return fail_at(c, lex_pos(&lx, at),
                           "expected 'and' or the end of expression '%s': a value of several "
                           "words is quoted, '%.*s' (only 'and' combines conditions)",
                           *text, (int)(e - b), lx.s + b);
        }
        return fail_at(c, lex_pos(&lx, lx.i),
                       "expected 'and' or the end of expression '%s' (only 'and' "
                       "combines conditions)",
                       *text);
    }
    *out = v;
    *nout = k;
    return SHOPSTAT_OK;
}

/* ---- sections ---- */

static const shopstat_spec_question *find_question(const shopstat_spec_info *in, const char *name)
{
    for (size_t i = 0; i < in->nquestions; i++)
        if (strcmp(in->questions[i].name, name) == 0)
            return &in->questions[i];
    return NULL;
}

/* In an expression a name is a column, or a single-choice question standing for its column. */
static shopstat_status resolve_column(ctx *c, const char *ident, shopstat_pos p, const char **col)
{
    const shopstat_spec_question *q = find_question(&c->s->info, ident);
    *col = ident;
    if (!q)
        return SHOPSTAT_OK;
    if (q->kind != SHOPSTAT_Q_SINGLE || q->nrecodes)
        return fail_at(c, p,
                       "question '%s' is %s: an expression needs a column or a single-choice "
                       "question",
                       ident, q->nrecodes ? "derived" : "multi-response");
    *col = q->columns[0];
    return SHOPSTAT_OK;
}

/* A multi-response question whose levels are known only from the data's header: its list
 * holds a pattern, or the data have two header rows (its levels are its options' labels). */
static int multi_checked_late(const shopstat_spec *s, const shopstat_spec_question *q)
{
    if (q->kind != SHOPSTAT_Q_MULTI)
        return 0;
    if (s->info.csv.header_rows == 2)
        return 1;
    for (size_t j = 0; j < q->ncolumns; j++)
        if (reader_is_pattern(q->columns[j]))
            return 1;
    return 0;
}

static shopstat_status parse_values(ctx *c, yaml_node_t *n, shopstat_spec_question *q)
{
    /* a list gives the order of a labelled question's answers, each its own label (a
     * mapping of each label to itself says the same at twice the length) */
    int list = n->type == YAML_SEQUENCE_NODE;
    shopstat_status st = SHOPSTAT_OK;
    if (list && seq_len(n) > SHOPSTAT_SPEC_MAX_ITEMS)
        return shopstat_error_set(c->err, SHOPSTAT_ELIMIT, c->path, pos_of(n).line, pos_of(n).col,
                                  "values has more than %d entries", SHOPSTAT_SPEC_MAX_ITEMS);
    if (!list && n->type != YAML_MAPPING_NODE)
        return FAIL(c, n,
                    "values must be a mapping (code: label) or a list of the answers in their "
                    "order, not %s",
                    kind_name(n));
    if (!list && (st = check_map(c, n, "values", NULL, 0)))
        return st;
    size_t k = list ? seq_len(n) : map_len(n);
    shopstat_spec_value *v = zalloc(c, k, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_pair_t *p = list ? NULL : &n->data.mapping.pairs.start[i];
        yaml_node_t *kn = list ? node(c, n->data.sequence.items.start[i]) : node(c, p->key);
        yaml_node_t *vn = list ? kn : node(c, p->value);
        v[i].pos = pos_of(kn);
        if ((st = scalar(c, kn, "a value code", &v[i].code)) ||
            (st = scalar(c, vn, "a value label", &v[i].label)) ||
            (st = text_len(c, vn, "a value label", v[i].label)))
            return st;
        for (size_t j = 0; list && j < i; j++)
            if (strcmp(v[j].code, v[i].code) == 0)
                return FAIL(c, kn, "values: '%s' is listed twice", v[i].code);
        /* a recoded question's levels are its rules' levels, a multi-response one's its
         * columns: a code that is neither would label, or list at 0%, an answer that
         * cannot occur */
        size_t nown = q->nrecodes ? q->nrecodes : q->kind == SHOPSTAT_Q_MULTI ? q->ncolumns : 0;
        if (multi_checked_late(c->s, q))
            nown = 0; /* (its levels are known once the header is read) */
        int found = !nown;
        for (size_t j = 0; j < nown && !found; j++)
            found = strcmp(v[i].code, q->nrecodes ? q->recodes[j].level : q->columns[j]) == 0;
        if (!found)
            return FAIL(c, kn, "values: '%s' is not %s of question '%s'", v[i].code,
                        q->nrecodes ? "a level of the recode" : "one of the columns", q->name);
    }
    q->values = v;
    q->nvalues = k;
    return SHOPSTAT_OK;
}

static shopstat_status parse_recode(ctx *c, yaml_node_t *n, shopstat_spec_question *q)
{
    shopstat_status st = check_map(c, n, "recode", NULL, 0);
    if (st)
        return st;
    size_t k = map_len(n);
    if (!k)
        return FAIL(c, n, "recode of '%s' has no rules", q->name);
    shopstat_spec_recode *v = zalloc(c, k, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
        if ((st = scalar(c, node(c, p->key), "a recode rule", &v[i].match)) ||
            (st = scalar(c, node(c, p->value), "a recode level", &v[i].level)))
            return st;
        /* check the rule now, so its error points here */
        shopstat_plan *tmp = shopstat_plan_new();
        if (!tmp)
            return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        shopstat_error e2;
        shopstat_error_clear(&e2);
        st = shopstat_plan_add_single(tmp, "q", "q", &e2);
        if (!st)
            st = shopstat_plan_add_recode(tmp, "q", v[i].match, v[i].level, &e2);
        shopstat_plan_free(tmp);
        if (st) { /* (the plan's reason, less its "recode of 'q': ") */
            const char *why = strncmp(e2.msg, "recode of 'q': ", 15) == 0 ? e2.msg + 15 : "";
            return FAIL(c, node(c, p->key), "recode of '%s': bad rule '%s'%s%s", q->name,
                        v[i].match, *why ? ": " : "", why);
        }
    }
    q->recodes = v;
    q->nrecodes = k;
    return SHOPSTAT_OK;
}

/* A number scalar (a score): finite, as shopstat_parse_number reads it. */
static int is_number(const yaml_node_t *n, double *x)
{
    return n->type == YAML_SCALAR_NODE &&
           shopstat_parse_number((const char *)n->data.scalar.value, n->data.scalar.length, 0, x) ==
               1 &&
           isfinite(*x);
}

/* A level map {level: number, ...} as shopstat_plan_add_score's "V=S,V=S": a level is a
 * code, a range "A-B" of codes or (derived questions) a level of the recode. */
static shopstat_status score_map(ctx *c, yaml_node_t *n, const shopstat_spec_question *q,
                                 const char **out)
{
    shopstat_status st = check_map(c, n, "score", NULL, 0);
    if (st)
        return st;
    if (!map_len(n))
        return FAIL(c, n, "score: of question '%s' gives no level a score", q->name);
    size_t cap = 1, len = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
        cap += strlen(key_text(c, p)) + 40;
    char *map = zalloc(c, cap, 1);
    if (!map)
        return SHOPSTAT_ENOMEM;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = node(c, p->key), *vn = node(c, p->value);
        const char *k = key_text(c, p);
        double x;
        if (!*k || strpbrk(k, ",="))
            return FAIL(c, kn,
                        "score: level '%s' of question '%s' may not be empty or hold ',' or "
                        "'='; recode it to a plain label and score that: a question {derive: "
                        "COLUMN, recode: {'\"%s\"': LABEL, ...}, score: {LABEL: %s, ...}}",
                        k, q->name, k,
                        vn && vn->type == YAML_SCALAR_NODE ? (const char *)vn->data.scalar.value
                                                           : "N");
        if (!is_number(vn, &x))
            return FAIL(c, vn, "score: of level '%s' must be a number, not %s%s%s (question '%s')",
                        k, vn->type == YAML_SCALAR_NODE ? "'" : kind_name(vn),
                        vn->type == YAML_SCALAR_NODE ? (const char *)vn->data.scalar.value : "",
                        vn->type == YAML_SCALAR_NODE ? "'" : "", q->name);
        /* a recoded question is scored by its recoded levels (or a range of numeric ones) */
        const char *dash = strchr(k + 1, '-');
        double lo, hi;
        int range = dash && shopstat_parse_number(k, (size_t)(dash - k), 0, &lo) == 1 &&
                    shopstat_parse_number(dash + 1, strlen(dash + 1), 0, &hi) == 1;
        int found = !q->nrecodes || range;
        for (size_t j = 0; j < q->nrecodes && !found; j++)
            found = strcmp(k, q->recodes[j].level) == 0;
        if (!found) {
            const char **levels = zalloc(c, q->nrecodes, sizeof *levels);
            if (!levels)
                return SHOPSTAT_ENOMEM;
            for (size_t j = 0; j < q->nrecodes; j++)
                levels[j] = q->recodes[j].level;
            char h[200];
            hint(h, sizeof h, k, levels, q->nrecodes);
            return FAIL(c, kn, "score: '%s' is not a level of the recode of question '%s'%s", k,
                        q->name, h);
        }
        len += (size_t)snprintf(map + len, cap - len, "%s%s=%.17g", len ? "," : "", k, x);
    }
    *out = map;
    return SHOPSTAT_OK;
}

/* One score's definition: mean, nps or a level map. */
static shopstat_status score_def(ctx *c, yaml_node_t *n, const shopstat_spec_question *q,
                                 shopstat_spec_score *out)
{
    out->pos = pos_of(n);
    if (n->type == YAML_MAPPING_NODE)
        return score_map(c, n, q, &out->map);
    const char *v = n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
    /* a quantile: median, or p and a percent from 0 to 100 (R's svyquantile; score.c) */
    if (n->type == YAML_SCALAR_NODE && shopstat_score_map_is_quantile(v)) {
        double pc;
        if (strcasecmp(v, "median") != 0 &&
            !(shopstat_parse_number(v + 1, strlen(v + 1), 0, &pc) == 1 && pc >= 0 && pc <= 100))
            return FAIL(c, n,
                        "score: '%s' of question '%s' is no quantile: median, or p and a "
                        "percent from 0 to 100 (p25, p90, p2.5)",
                        v, q->name);
        return (out->map = sdup(c, v, strlen(v))) ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
    }
    /* mean and nps in any case: the outputs call the score "NPS" and "Mean" */
    if (n->type != YAML_SCALAR_NODE || (strcasecmp(v, "mean") != 0 && strcasecmp(v, "nps") != 0))
        return FAIL(c, n,
                    "score: of question '%s' is mean (the levels read as numbers), nps (a 0-10 "
                    "question), median or pN (a quantile: p25, p90) or a mapping of levels to "
                    "numbers ({1: 0, \"4-5\": 100}), not "
                    "%s%s%s; a top-2 box of a 1-5 rating is {\"1-3\": 0, \"4-5\": 100}, and "
                    "several scores are named: {NPS: nps, \"Top-2 box\": {\"0-8\": 0, "
                    "\"9-10\": 100}} or listed: [mean, median, p90]",
                    q->name, n->type == YAML_SCALAR_NODE ? "'" : kind_name(n), v,
                    n->type == YAML_SCALAR_NODE ? "'" : "");
    out->map = tolower((unsigned char)v[0]) == 'm' ? "mean" : "nps";
    return SHOPSTAT_OK;
}

/* score: mean | nps | {level: number, ...} (one score, named by the engine: mean, NPS,
 * score) or {NAME: definition, ...} (several, named): a mapping whose first value is a
 * number is a level map. */
static shopstat_status parse_score(ctx *c, yaml_node_t *n, shopstat_spec_question *q)
{
    if (q->kind != SHOPSTAT_Q_SINGLE)
        return FAIL(c, n,
                    "score: needs a single-choice question (column: or derive:); question '%s' "
                    "is multi-response",
                    q->name);
    double x;
    int named = n->type == YAML_MAPPING_NODE && map_len(n) &&
                !is_number(node(c, n->data.mapping.pairs.start->value), &x);
    /* a list: several scores each named by the engine ([mean, median, p90]) */
    int list = n->type == YAML_SEQUENCE_NODE;
    size_t k = named  ? map_len(n)
               : list ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                      : 1;
    if (list && k == 0)
        return FAIL(c, n, "score: of question '%s' lists no score", q->name);
    shopstat_status st = named ? check_map(c, n, "score", NULL, 0) : SHOPSTAT_OK;
    if (st)
        return st;
    shopstat_spec_score *sc = zalloc(c, k, sizeof *sc);
    if (!sc)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        if (list) {
            yaml_node_t *item = node(c, n->data.sequence.items.start[i]);
            if (item->type != YAML_SCALAR_NODE)
                return FAIL(c, item,
                            "score: a list names its scores by their kind (mean, nps, median, "
                            "pN); a map of levels needs a name: {NAME: {1: 0, ...}}");
            st = score_def(c, item, q, &sc[i]);
        } else if (!named) {
            st = score_def(c, n, q, &sc[i]);
        } else {
            yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
            yaml_node_t *kn = node(c, p->key);
            if (!(sc[i].name = sdup(c, key_text(c, p), strlen(key_text(c, p)))))
                return SHOPSTAT_ENOMEM;
            if (!*sc[i].name)
                return FAIL(c, kn, "a score's name may not be empty");
            if (!(st = text_len(c, kn, "a score's name", sc[i].name)))
                st = score_def(c, node(c, p->value), q, &sc[i]);
        }
        if (st)
            return st;
    }
    q->scores = sc;
    q->nscores = k;
    return SHOPSTAT_OK;
}

static shopstat_status parse_question(ctx *c, yaml_node_pair_t *p, shopstat_spec_question *q)
{
    static const char *const keys[] = {"column", "multi",  "ticked", "codes",   "derive", "recode",
                                       "label",  "values", "score",  "missing", "none",   "sep"};
    yaml_node_t *kn = node(c, p->key), *n = node(c, p->value);
    if (!(q->name = sdup(c, key_text(c, p), strlen(key_text(c, p)))))
        return SHOPSTAT_ENOMEM;
    q->pos = pos_of(kn);
    if (!*q->name)
        return FAIL(c, kn, "a question's name may not be empty");
    char what[200];
    snprintf(what, sizeof what, "question '%.100s'", q->name);
    shopstat_status st = CHECK_MAP(c, n, what, keys);
    if (st)
        return st;
    const char *forms[] = {"column", "multi", "codes", "derive", "ticked"};
    yaml_node_t *src = NULL;
    int form = -1;
    for (int i = 0; i < 5; i++) {
        yaml_node_t *f = get(c, n, forms[i]);
        if (!f)
            continue;
        if (src)
            return FAIL(c, f, "question '%s' has both '%s' and '%s'; give one", q->name,
                        forms[form], forms[i]);
        src = f;
        form = i;
    }
    if (!src)
        return FAIL(c, n, "question '%s' needs one of column:, multi:, ticked:, codes: or derive:",
                    q->name);
    q->ticked = form == 4;
    if (q->ticked)
        form = 1; /* multi-response; blank cells are not ticked */
    q->kind = form == 1 ? SHOPSTAT_Q_MULTI : form == 2 ? SHOPSTAT_Q_CODES : SHOPSTAT_Q_SINGLE;
    const char **cols = NULL;
    shopstat_pos *cpos = NULL;
    if (form == 1) {
        const char *fname = q->ticked ? "ticked:" : "multi:";
        if (src->type != YAML_SEQUENCE_NODE || seq_len(src) == 0)
            return FAIL(c, src, "%s of question '%s' must be a list of columns", fname, q->name);
        st = text_list(c, src, fname, &cols, &cpos, &q->ncolumns);
    } else {
        st = text_list(c, src, forms[form], &cols, &cpos, &q->ncolumns);
        if (!st && (src->type != YAML_SCALAR_NODE))
            return FAIL(c, src, "%s: of question '%s' must be one column", forms[form], q->name);
    }
    if (st)
        return st;
    for (size_t i = 1; i < q->ncolumns; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[i], cols[j]) == 0)
                return fail_at(c, cpos[i],
                               "question '%s' lists column '%s' twice (first at %zu:%zu)", q->name,
                               cols[i], cpos[j].line, cpos[j].col);
    q->columns = cols;
    q->column_pos = cpos;
    yaml_node_t *rec = get(c, n, "recode");
    if (form == 3 && !rec)
        return FAIL(c, src, "derived question '%s' needs recode: {rule: level, ...}", q->name);
    if (rec && form != 0 && form != 3)
        return FAIL(c, rec, "only a single-choice question (column: or derive:) can be recoded");
    if (rec && (st = parse_recode(c, rec, q)))
        return st;
    /* none: in base: the rows ticking none are in the question's base (the question was
     * shown to every row); "not in base" is the default, said out loud */
    yaml_node_t *none = get(c, n, "none");
    if (none) {
        const char *v = NULL;
        if ((st = opt_text(c, n, "none", &v)))
            return st;
        if (q->kind == SHOPSTAT_Q_SINGLE)
            return FAIL(c, none,
                        "none: is for a multi-response question (ticked:, multi: or codes:); "
                        "a row without an answer to the single-choice question '%s' is missing",
                        q->name);
        if (strcmp(v, "in base") == 0)
            q->none_in_base = 1;
        else if (strcmp(v, "not in base") != 0)
            return FAIL(c, none,
                        "none: of question '%s' takes 'in base' (a row ticking none is in "
                        "the base, as having ticked none) or 'not in base' (the default), not "
                        "'%s'",
                        q->name, v);
    }
    /* sep: the one character between a codes cell's codes, for labels holding a ',' */
    yaml_node_t *sepn = get(c, n, "sep");
    if (sepn) {
        const char *v = NULL;
        if ((st = opt_text(c, n, "sep", &v)))
            return st;
        if (q->kind != SHOPSTAT_Q_CODES)
            return FAIL(c, sepn,
                        "sep: is for a codes: question (codes in one cell); question '%s' "
                        "has none",
                        q->name);
        size_t a = strspn(v, " \t"), e = strlen(v);
        while (e > a && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e - a != 1 || !shopstat_codes_sep_ok(v[a]))
            return FAIL(c, sepn,
                        "sep: of question '%s' is the one character between the codes of a "
                        "cell, such as ';' or '|' (not a letter, a digit or '\"'; spaces "
                        "around codes are trimmed), not '%s'",
                        q->name, v);
        q->sep = v[a];
    }
    if ((st = opt_text(c, n, "label", &q->label)))
        return st;
    yaml_node_t *vals = get(c, n, "values");
    if (vals && !is_null(vals) && (st = parse_values(c, vals, q)))
        return st;
    yaml_node_t *score = get(c, n, "score");
    if (score && !is_null(score) && (st = parse_score(c, score, q)))
        return st;
    yaml_node_t *miss = get(c, n, "missing");
    if (miss) {
        const char **list = NULL;
        if (miss->type == YAML_SCALAR_NODE && strchr((const char *)miss->data.scalar.value, ','))
            return FAIL(c, miss, "missing: is a list such as [6], not '%s'",
                        (const char *)miss->data.scalar.value);
        if ((st = text_list(c, miss, "missing", &list, NULL, &q->nmissing)))
            return st;
        if (!q->nmissing)
            return FAIL(c, miss,
                        "missing: of question '%s' is empty; give its no-answer codes, e.g. [6]",
                        q->name);
        q->missing = list;
    }
    return SHOPSTAT_OK;
}

/* Each question's missing: list as a number, equal for lists of the same codes in any order
 * (0: none), into ids[nq]: a column's clash test is then one comparison, whatever the
 * lists' lengths. 0, or -1 out of memory. */
static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int missing_ids(const shopstat_spec_question *q, size_t nq, size_t *ids)
{
    strmap m;
    strmap_init(&m, (size_t)-3, (size_t)-1);
    int rc = 0;
    for (size_t i = 0; i < nq && !rc; i++) {
        size_t n = 0, len = 0;
        while (q[i].missing && q[i].missing[n])
            len += strlen(q[i].missing[n++]) + 1;
        ids[i] = 0;
        if (!n)
            continue;
        const char **v = malloc(n * sizeof *v);
        char *key = malloc(len);
        if (!v || !key) {
            free(v);
            free(key);
            rc = -1;
            break;
        }
        memcpy(v, q[i].missing, n * sizeof *v);
        qsort(v, n, sizeof *v, cmp_code);
        size_t kl = 0; /* (the codes sorted, each once, each ending in its NUL) */
        for (size_t j = 0; j < n; j++)
            if (j == 0 || strcmp(v[j], v[j - 1]) != 0) {
                size_t l = strlen(v[j]) + 1;
                memcpy(key + kl, v[j], l);
                kl += l;
            }
        int added;
        size_t r = strmap_add(&m, key, kl, strmap_hash(key, kl), &added);
        free(v);
        free(key);
        if (r == STRMAP_FULL || r == STRMAP_NOMEM)
            rc = -1;
        else
            ids[i] = r + 1;
    }
    strmap_free(&m);
    return rc;
}

/* One column entry of a question (its k-th) reaching a column, key: a number per column. */
typedef struct col_entry {
    size_t q, k, key;
} col_entry;

/* The first clash among entries e[0..n) (in question order; keys below nkeys): the first
 * question i reaching a column an earlier question j reaches with another missing: list
 * (ids: missing_ids), the first such j; *ei the first of i's entries that reaches one of
 * j's columns. A column's missing codes are one list for every question on it (the
 * reader's, column_codes), so each would get the other's. 1 and (*j, *ei), 0 for none, -1
 * out of memory. Linear: every question on a column so far holds the same list as the first
 * (else that was the clash), so each entry is compared with the column's first question. */
static int missing_clash(const col_entry *e, size_t n, size_t nkeys, const size_t *ids, size_t *j,
                         size_t *ei)
{
    size_t *owner = malloc((nkeys ? nkeys : 1) * sizeof *owner);
    if (!owner)
        return -1;
    for (size_t c = 0; c < nkeys; c++)
        owner[c] = SIZE_MAX;
    int found = 0;
    for (size_t a = 0, b; a < n && !found; a = b) {
        size_t i = e[a].q;
        for (b = a; b < n && e[b].q == i; b++) {
            size_t o = owner[e[b].key];
            if (o != SIZE_MAX && o != i && ids[o] != ids[i] && (!found || o < *j)) {
                *j = o;
                *ei = b;
                found = 1;
            }
        }
        for (size_t x = a; x < b; x++)
            if (owner[e[x].key] == SIZE_MAX)
                owner[e[x].key] = i;
    }
    free(owner);
    return found;
}

/* "[5, 4]" (cut with "..." where it would not fit), or "none". */
static void codes_text(char *buf, size_t n, const char *const *l)
{
    if (!l || !l[0]) {
        snprintf(buf, n, "none");
        return;
    }
    size_t k = (size_t)snprintf(buf, n, "[");
    for (size_t i = 0; l[i] && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%.60s", i ? ", " : "", l[i]);
    if (k + 1 < n)
        snprintf(buf + k, n - k, "]");
    else if (n > 5)
        snprintf(buf + n - 5, 5, "...]");
}

/* The message of a missing: clash between questions a (the earlier) and b on column col
 * (through pattern via when not NULL). */
static void clash_text(char *buf, size_t n, const shopstat_spec_question *a,
                       const shopstat_spec_question *b, const char *col, const char *via)
{
    char la[200], lb[200], through[160] = "";
    codes_text(la, sizeof la, a->missing);
    codes_text(lb, sizeof lb, b->missing);
    if (via)
        snprintf(through, sizeof through, " ('%.100s' matches it)", via);
    snprintf(buf, n,
             "questions '%s' (line %zu) and '%s' read column '%s'%s with different missing: "
             "lists (%s and %s); a column's missing codes hold for every question on it: give "
             "both the same missing:",
             a->name, a->pos.line, b->name, col, through, la, lb);
}

/* Two questions naming one column (as written) with different missing: lists: an error at
 * the later one's missing: (shopstat_spec_check_columns sees what patterns match). */
static shopstat_status missing_names(ctx *c, yaml_node_t *n, const shopstat_spec_question *q,
                                     size_t k)
{
    size_t ne = 0, any = 0;
    for (size_t i = 0; i < k; i++) {
        ne += q[i].ncolumns;
        any |= q[i].nmissing;
    }
    if (!any)
        return SHOPSTAT_OK;
    size_t *ids = malloc(k * sizeof *ids);
    col_entry *e = malloc((ne ? ne : 1) * sizeof *e);
    strmap names;
    strmap_init(&names, (size_t)-3, (size_t)-1);
    int found = !ids || !e || missing_ids(q, k, ids) ? -1 : 0;
    size_t m = 0;
    for (size_t i = 0; i < k && !found; i++)
        for (size_t x = 0; x < q[i].ncolumns && !found; x++) {
            const char *col = q[i].columns[x];
            size_t l = strlen(col), added;
            int a;
            added = strmap_add(&names, col, l, strmap_hash(col, l), &a);
            if (added == STRMAP_FULL || added == STRMAP_NOMEM)
                found = -1;
            e[m++] = (col_entry){i, x, added};
        }
    size_t j = 0, ei = 0;
    if (!found)
        found = missing_clash(e, m, names.n, ids, &j, &ei);
    shopstat_status st = SHOPSTAT_OK;
    if (found < 0) {
        st = shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    } else if (found) {
        const shopstat_spec_question *b = &q[e[ei].q];
        yaml_node_t *mn = get(c, node(c, n->data.mapping.pairs.start[e[ei].q].value), "missing");
        char msg[800];
        clash_text(msg, sizeof msg, &q[j], b, b->columns[e[ei].k], NULL);
        st = fail_at(c, mn ? pos_of(mn) : b->pos, "%s", msg);
    }
    free(ids);
    free(e);
    strmap_free(&names);
    return st;
}

static shopstat_status parse_questions(ctx *c, yaml_node_t *n)
{
    shopstat_spec_info *in = &c->s->info;
    if (!n)
        return SHOPSTAT_OK;
    shopstat_status st = check_map(c, n, "questions", NULL, 0);
    if (st)
        return st;
    size_t k = map_len(n);
    shopstat_spec_question *q = zalloc(c, k, sizeof *q);
    if (!q)
        return SHOPSTAT_ENOMEM;
    in->questions = q;
    for (size_t i = 0; i < k; i++) {
        if ((st = parse_question(c, &n->data.mapping.pairs.start[i], &q[i])))
            return st;
        in->nquestions = i + 1;
    }
    if ((st = missing_names(c, n, q, k)))
        return st;
    /* a question's missing: codes for its columns only, to the reader (the columns are
     * checked with the others, at their place in the spec) */
    size_t nrules = 0;
    for (size_t i = 0; i < k; i++)
        nrules += q[i].nmissing ? q[i].ncolumns : 0;
    shopstat_column_missing *cm = nrules ? zalloc(c, nrules, sizeof *cm) : NULL;
    if (nrules && !cm)
        return SHOPSTAT_ENOMEM;
    nrules = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; q[i].nmissing && j < q[i].ncolumns; j++)
            cm[nrules++] = (shopstat_column_missing){q[i].columns[j], q[i].missing, 1};
    in->csv.column_missing = cm;
    in->csv.ncolumn_missing = nrules;
    return SHOPSTAT_OK;
}

/* exclude: a list of expressions, each alone or as {where: EXPR, reason: TEXT}, or
 * {duplicates: COLUMN, reason: TEXT} */
static shopstat_status parse_excludes(ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"where", "reason", "duplicates"};
    shopstat_spec_info *in = &c->s->info;
    if (!n || is_null(n))
        return SHOPSTAT_OK;
    if (n->type != YAML_SEQUENCE_NODE)
        return FAIL(c, n,
                    "exclude: must be a list of conditions, such as [\"speeder == Yes\", "
                    "{where: \"duration_s < 120\", reason: \"too fast\"}]");
    size_t k = seq_len(n);
    if (k > SHOPSTAT_SPEC_MAX_ITEMS)
        return shopstat_error_set(c->err, SHOPSTAT_ELIMIT, c->path, pos_of(n).line, pos_of(n).col,
                                  "exclude: has too many items");
    shopstat_spec_exclude *v = zalloc(c, k ? k : 1, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = node(c, n->data.sequence.items.start[i]), *w = it;
        shopstat_status st;
        v[i].pos = pos_of(it);
        if (it->type == YAML_MAPPING_NODE) {
            if ((st = CHECK_MAP(c, it, "an exclude: item", keys)) ||
                (st = opt_text(c, it, "reason", &v[i].reason)))
                return st;
            yaml_node_t *dup = get(c, it, "duplicates");
            w = get(c, it, "where");
            if (dup && w)
                return FAIL(c, dup,
                            "an exclude: item has both where: and duplicates:; give one (two "
                            "items for both)");
            if (dup) {
                v[i].duplicates_pos = pos_of(dup);
                if ((st = scalar(c, dup, "duplicates", &v[i].duplicates)) ||
                    (st =
                         resolve_column(c, v[i].duplicates, v[i].duplicates_pos, &v[i].duplicates)))
                    return st;
                if (!v[i].reason || !*v[i].reason) {
                    size_t len = strlen(v[i].duplicates) + 16;
                    char *why = zalloc(c, len, 1);
                    if (!why)
                        return SHOPSTAT_ENOMEM;
                    snprintf(why, len, "duplicates of %s", v[i].duplicates);
                    v[i].reason = why;
                }
                continue;
            }
            if (!w)
                return FAIL(c, it,
                            "an exclude: item needs where: (the rows to leave out) or "
                            "duplicates: (a column of ids: the rows repeating an earlier "
                            "row's)");
        }
        if ((st = parse_expr(c, w, "exclude", &v[i].conds, &v[i].nconds, &v[i].where)))
            return st;
        if (!v[i].reason || !*v[i].reason)
            v[i].reason = v[i].where;
    }
    in->excludes = v;
    in->nexcludes = k;
    return SHOPSTAT_OK;
}

static shopstat_status parse_segment(ctx *c, yaml_node_pair_t *p, shopstat_spec_segment *s)
{
    static const char *const keys[] = {"where", "by", "label"};
    yaml_node_t *kn = node(c, p->key), *n = node(c, p->value);
    if (!(s->name = sdup(c, key_text(c, p), strlen(key_text(c, p)))))
        return SHOPSTAT_ENOMEM;
    s->pos = pos_of(kn);
    if (strcmp(s->name, "rest") == 0)
        return FAIL(c, kn, "'rest' is reserved (it names the complement in compare: [a:rest])");
    if (strpbrk(s->name, ":=@~") || !*s->name)
        return FAIL(c, kn, "segment name '%s' may not be empty or contain ':', '=', '@' or '~'",
                    s->name);
    if (is_null(n))
        return SHOPSTAT_OK;
    char what[200];
    snprintf(what, sizeof what, "segment '%.100s'", s->name);
    shopstat_status st = CHECK_MAP(c, n, what, keys);
    if (st || (st = opt_text(c, n, "label", &s->label)))
        return st;
    yaml_node_t *w = get(c, n, "where"), *by = get(c, n, "by");
    if (strcmp(s->name, "all") == 0 && (w || by))
        return FAIL(c, w ? w : by, "segment 'all' is every row: it takes only a label");
    if (w && by)
        return FAIL(c, by, "segment '%s' has both where: and by:; give one", s->name);
    if (w)
        return parse_expr(c, w, "where", &s->conds, &s->nconds, &s->where);
    if (by) {
        s->by_pos = pos_of(by);
        if ((st = scalar(c, by, "by", &s->by)))
            return st;
        return resolve_column(c, s->by, s->by_pos, &s->by);
    }
    if (strcmp(s->name, "all") != 0)
        return FAIL(c, n, "segment '%s' needs where: or by:", s->name);
    return SHOPSTAT_OK;
}

static shopstat_status parse_segments(ctx *c, yaml_node_t *n)
{
    shopstat_spec_info *in = &c->s->info;
    size_t k = 0;
    shopstat_status st;
    if (n && !is_null(n)) {
        if ((st = check_map(c, n, "segments", NULL, 0)))
            return st;
        k = map_len(n);
    }
    shopstat_spec_segment *s = zalloc(c, k + 1, sizeof *s);
    if (!s)
        return SHOPSTAT_ENOMEM;
    in->segments = s;
    s[0].name = "all";
    s[0].label = "All";
    in->nsegments = 1;
    for (size_t i = 0; i < k; i++) {
        yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
        shopstat_spec_segment *dst = &s[in->nsegments];
        if (strcmp(key_text(c, p), "all") == 0)
            dst = &s[0];
        if ((st = parse_segment(c, p, dst)))
            return st;
        if (dst == &s[0] && !s[0].label)
            s[0].label = "All";
        if (dst != &s[0])
            in->nsegments++;
    }
    return SHOPSTAT_OK;
}

static size_t find_segment(const shopstat_spec_info *in, const char *name)
{
    for (size_t i = 0; i < in->nsegments; i++)
        if (strcmp(in->segments[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

static shopstat_status unknown_name(ctx *c, yaml_node_t *n, const char *what, const char *name,
                                    const char *const *cands, size_t nc)
{
    char h[200];
    hint(h, sizeof h, name, cands, nc);
    return FAIL(c, n, "unknown %s '%s'%s", what, name, h);
}

static shopstat_status segment_ref(ctx *c, yaml_node_t *n, const char *name, size_t *out)
{
    const shopstat_spec_info *in = &c->s->info;
    *out = find_segment(in, name);
    if (*out != (size_t)-1)
        return SHOPSTAT_OK;
    const char **names = zalloc(c, in->nsegments, sizeof *names);
    if (!names)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < in->nsegments; i++)
        names[i] = in->segments[i].name;
    return unknown_name(c, n, "segment", name, names, in->nsegments);
}

static shopstat_status parse_table_segments(ctx *c, yaml_node_t *n, shopstat_spec_table *t)
{
    static size_t all_only = 0;
    if (!n) {
        t->segments = &all_only;
        t->nsegments = 1;
        return SHOPSTAT_OK;
    }
    const char **names = NULL;
    shopstat_status st = text_list(c, n, "segments", &names, NULL, &t->nsegments);
    if (st)
        return st;
    size_t *idx = zalloc(c, t->nsegments, sizeof *idx);
    if (!idx)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < t->nsegments; i++) {
        yaml_node_t *item =
            n->type == YAML_SEQUENCE_NODE ? node(c, n->data.sequence.items.start[i]) : n;
        if ((st = segment_ref(c, item, names[i], &idx[i])))
            return st;
        const char *by = c->s->info.segments[idx[i]].by;
        for (size_t j = 0; j < i; j++) {
            if (idx[j] == idx[i])
                return FAIL(c, item, "segment '%s' is listed twice", names[i]);
            if (by && c->s->info.segments[idx[j]].by &&
                strcmp(c->s->info.segments[idx[j]].by, by) == 0)
                return FAIL(c, item,
                            "segments '%s' and '%s' both split the table by column '%s'; list "
                            "one",
                            names[j], names[i], by);
        }
    }
    t->segments = idx;
    return SHOPSTAT_OK;
}

/* Comparisons within each value of a column (heavy against the rest in each wave) are not
 * built: how to write them, for the errors of a compare: that reaches for them. */
#define WITHIN_HINT                                                                                \
    "make a table per value with base: \"%s == VALUE\" and its compare:, or a where: segment "     \
    "per value (docs/spec.md, \"Within each wave\")"

/* compare: (or one of its entries) given as a mapping with by: or within: (a comparison within
 * each wave): the error that says how to write it, or 0 when n is no such mapping. */
static shopstat_status within_mapping(ctx *c, yaml_node_t *n, shopstat_status *st)
{
    yaml_node_t *by = get(c, n, "by");
    if (!by)
        by = get(c, n, "within");
    if (!by)
        return 0;
    const char *col = by->type == YAML_SCALAR_NODE ? (const char *)by->data.scalar.value : "COLUMN";
    size_t g = find_segment(&c->s->info, col); /* (by: waves, a by: segment: its column) */
    if (g != (size_t)-1 && c->s->info.segments[g].by)
        col = c->s->info.segments[g].by;
    *st = FAIL(c, n,
               "compare: takes no by: (comparisons within each value of %s, such as each wave, are "
               "not built); " WITHIN_HINT,
               col, col);
    return 1;
}

static shopstat_status parse_pair(ctx *c, yaml_node_t *item, shopstat_spec_table *t,
                                  shopstat_spec_pair *pr)
{
    const char *txt = NULL;
    shopstat_status st;
    if (item->type == YAML_MAPPING_NODE && within_mapping(c, item, &st))
        return st;
    st = scalar(c, item, "a comparison", &txt);
    if (st)
        return st;
    const char *colon = strchr(txt, ':');
    if (!colon)
        return FAIL(c, item,
                    "a comparison is 'a:b' (two segments of the table, or a:rest), "
                    "not '%s'",
                    txt);
    /* "heavy:rest by wave", "heavy:rest within wave" */
    const char *wb = strstr(txt, " by ");
    const char *ww = strstr(txt, " within ");
    if (wb || ww) {
        const char *col = wb ? wb + 4 : ww + 8;
        while (*col == ' ')
            col++;
        return FAIL(c, item,
                    "'%s': a comparison within each value of a column (each wave) is not "
                    "built; " WITHIN_HINT,
                    txt, *col ? col : "COLUMN");
    }
    char *a = sdup(c, txt, (size_t)(colon - txt));
    const char *b = colon + 1;
    if (!a)
        return SHOPSTAT_ENOMEM;
    pr->pos = pos_of(item);
    /* "wave=2:wave=1": values of a by: segment (the CLI's --pair takes them) */
    const char *ends[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        const char *eq = strchr(ends[k], '=');
        if (!eq || find_segment(&c->s->info, ends[k]) != (size_t)-1)
            continue;
        for (size_t i = 0; i < c->s->info.nsegments; i++) {
            const shopstat_spec_segment *sg = &c->s->info.segments[i];
            if (sg->by && strlen(sg->by) == (size_t)(eq - ends[k]) &&
                strncmp(sg->by, ends[k], (size_t)(eq - ends[k])) == 0) {
                /* the value as a where: takes it (a bare word, else quoted), inside the
                 * YAML double quotes of the suggestion */
                const char *v = eq + 1;
                const char *q = "";
                if (!*v || v[strcspn(v, " \t,[]=!<>\"'")])
                    q = strchr(v, '\'') ? "\\\"" : "'";
                return FAIL(c, item,
                            "'%s' is a value of by: segment '%s', whose values are compared "
                            "each with rest or all ('%s:rest', '%s:all'); to compare two of "
                            "them, make each a segment of its own (e.g. {where: \"%s == "
                            "%s%s%s\"})",
                            ends[k], sg->name, sg->name, sg->name, sg->by, q, v, q);
            }
        }
    }
    if ((st = segment_ref(c, item, a, &pr->a)))
        return st;
    if (strcmp(b, "prev") == 0 && c->s->info.segments[pr->a].by) {
        /* each value against the one before it (Q2-Q1, Q3-Q2, ...): the table must show
         * them, as it shows every value of the set */
        size_t i = 0;
        while (i < t->nsegments && t->segments[i] != pr->a)
            i++;
        if (i == t->nsegments)
            return FAIL(c, item, "segment '%s' of '%s' is not in the table's segments",
                        c->s->info.segments[pr->a].name, txt);
        pr->b = SHOPSTAT_SPEC_PREV;
        return SHOPSTAT_OK;
    }
    if (strcmp(b, "prev") == 0 && find_segment(&c->s->info, "prev") == (size_t)-1)
        return FAIL(c, item,
                    "'%s': prev compares each value of a by: segment with the one before it "
                    "('waves:prev' for a segment {by: wave}); '%s' is no by: segment",
                    txt, c->s->info.segments[pr->a].name);
    if (strcmp(b, "rest") == 0)
        pr->b = SHOPSTAT_SPEC_REST;
    else if ((st = segment_ref(c, item, b, &pr->b)))
        return st;
    if (pr->a == pr->b)
        return FAIL(c, item, "'%s' compares a segment with itself", txt);
    const size_t ab[2] = {pr->a, pr->b};
    for (int k = 0; k < 2; k++) {
        if (ab[k] == SHOPSTAT_SPEC_REST)
            continue;
        size_t i = 0;
        while (i < t->nsegments && t->segments[i] != ab[k])
            i++;
        if (i == t->nsegments)
            return FAIL(c, item, "segment '%s' of '%s' is not in the table's segments",
                        c->s->info.segments[ab[k]].name, txt);
        if (c->s->info.segments[ab[k]].by &&
            (k == 1 || (pr->b != 0 && pr->b != SHOPSTAT_SPEC_REST))) {
            /* (heavy:waves: most likely heavy against the rest within each wave) */
            const shopstat_spec_segment *bs = &c->s->info.segments[ab[k]];
            if (ab[1 - k] == 0) /* (all:waves is waves:all turned round) */
                return FAIL(c, item,
                            "a by: segment is compared value by value with rest, all or the "
                            "value before ('%s:rest', '%s:all', '%s:prev'), not as '%s'",
                            bs->name, bs->name, bs->name, txt);
            return FAIL(c, item,
                        "a by: segment is compared value by value with rest, all or the value "
                        "before ('%s:rest', '%s:all', '%s:prev'), not as '%s'; to compare "
                        "within each value of %s (each wave), " WITHIN_HINT,
                        bs->name, bs->name, bs->name, txt, bs->by, bs->by);
        }
    }
    if (pr->b == SHOPSTAT_SPEC_REST && t->nbase && !c->s->info.segments[pr->a].by &&
        c->s->info.segments[pr->a].nconds != 1)
        return FAIL(c, item,
                    "'%s:rest' in a table with a base: needs a segment of one "
                    "condition",
                    c->s->info.segments[pr->a].name);
    if (pr->b == SHOPSTAT_SPEC_REST && pr->a == 0)
        return FAIL(c, item, "'all:rest' compares every row with nobody");
    return SHOPSTAT_OK;
}

static shopstat_status parse_table_pairs(ctx *c, yaml_node_t *n, shopstat_spec_table *t)
{
    if (!n || is_null(n))
        return SHOPSTAT_OK;
    shopstat_status wst;
    if (n->type == YAML_MAPPING_NODE && within_mapping(c, n, &wst))
        return wst;
    if (n->type == YAML_MAPPING_NODE)
        return FAIL(c, n, "compare: must be a list such as [heavy:all], not a mapping");
    size_t k = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
    if (k > SHOPSTAT_SPEC_MAX_ITEMS)
        return FAIL(c, n, "too many comparisons");
    shopstat_spec_pair *v = zalloc(c, k, sizeof *v);
    if (!v)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *item =
            n->type == YAML_SEQUENCE_NODE ? node(c, n->data.sequence.items.start[i]) : n;
        shopstat_status st = parse_pair(c, item, t, &v[i]);
        if (st)
            return st;
        /* twice (or reversed) it would be two rows of comparisons.csv and a doubled letter */
        for (size_t j = 0; j < i; j++)
            if ((v[j].a == v[i].a && v[j].b == v[i].b) || (v[j].a == v[i].b && v[j].b == v[i].a))
                return FAIL(c, item, "comparison '%s' is listed twice%s (first at %zu:%zu)",
                            (const char *)item->data.scalar.value,
                            v[j].a == v[i].a ? "" : ", reversed", v[j].pos.line, v[j].pos.col);
    }
    t->pairs = v;
    t->npairs = k;
    return SHOPSTAT_OK;
}

static int valid_table_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!is_ident_char(*s, 0) && *s != '-')
            return 0;
    return 1;
}

/* survey: and a table's name are file names (out/SURVEY, charts/NAME.pdf), written beside
 * the place as NAME.tmp-XXXXXX first: at most ID_MAX bytes, well within NAME_MAX (255). */
#define ID_MAX 200

static shopstat_status table_name(ctx *c, yaml_node_t *n, shopstat_spec_table *t, size_t ti)
{
    const char *given = NULL;
    shopstat_status st = opt_text(c, n, "name", &given);
    if (st)
        return st;
    const shopstat_spec_info *in = &c->s->info;
    if (given) {
        if (!valid_table_name(given))
            return FAIL(c, get(c, n, "name"),
                        "table name '%s' may hold only letters, digits, '_', '.' and '-'", given);
        if (strlen(given) > ID_MAX)
            return FAIL(c, get(c, n, "name"),
                        "table name is %zu bytes long; it names the table's chart files "
                        "(charts/NAME.pdf) and holds at most %d",
                        strlen(given), ID_MAX);
        for (size_t i = 0; i < ti; i++)
            if (strcmp(in->tables[i].name, given) == 0)
                return FAIL(c, get(c, n, "name"), "table name '%s' is used twice", given);
        t->name = given;
        t->name_given = 1;
        c->named[ti] = 1;
        return SHOPSTAT_OK;
    }
    /* the question's name, with characters a file name should not hold made '_' */
    char base[260];
    snprintf(base, sizeof base, "%s", in->questions[t->question].name);
    for (char *p = base; *p; p++)
        if (!is_ident_char(*p, 0) && *p != '-')
            *p = '_';
    char buf[300];
    /* start after the tables of this question named so before (base, base-2, ...), so the
     * search is short; one given its name takes no number, whatever the name
     * ({question: nps, name: nps_trend} or name: nps-2: the next table of nps was named
     * nps-2 or nps-3, its charts beside no nps.pdf) */
    unsigned first = 1;
    for (size_t i = 0; i < ti; i++)
        first += in->tables[i].question == t->question && !c->named[i];
    for (unsigned k = first;; k++) {
        if (k == 1)
            snprintf(buf, sizeof buf, "%.190s", base);
        else
            snprintf(buf, sizeof buf, "%.190s-%u", base, k); /* (at most ID_MAX bytes) */
        size_t i = 0;
        while (i < ti && strcmp(in->tables[i].name, buf) != 0)
            i++;
        if (i == ti)
            break;
    }
    t->name = sdup(c, buf, strlen(buf));
    return t->name ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
}

static shopstat_status parse_chart(ctx *c, yaml_node_t *n, shopstat_spec_table *t)
{
    t->chart = 1;
    /* a grid is drawn as one Likert chart, a bar per item */
    t->chart_type = t->nitems ? SHOPSTAT_CHART_LIKERT : SHOPSTAT_CHART_BARS;
    /* a question scored by quantiles alone (a spend's median) is a number with many
     * values, no answers to bar: its score chart by default */
    const shopstat_spec_question *sq = &c->s->info.questions[t->question];
    int quantiles = !t->nitems && sq->nscores > 0;
    for (size_t k = 0; quantiles && k < sq->nscores; k++)
        quantiles = shopstat_score_map_is_quantile(sq->scores[k].map);
    if (!n && quantiles)
        t->chart_type = SHOPSTAT_CHART_SCORE;
    if (!n)
        return SHOPSTAT_OK;
    t->chart_given = 1;
    const char *v = NULL;
    shopstat_status st = scalar(c, n, "chart", &v);
    if (st)
        return st;
    if (strcmp(v, "none") == 0) {
        t->chart = 0;
        return SHOPSTAT_OK;
    }
    if (t->nitems && strcmp(v, "likert") != 0)
        return FAIL(c, n,
                    "a grid's chart is likert (a diverging bar per item) or none, not '%s'; "
                    "for a %s chart of an item, give it a table of its own (question: ...)",
                    v, v);
    /* chart: score draws the question's scores alone (the chart module parses only the
     * charts of proportions) */
    if (strcmp(v, "score") == 0) {
        const shopstat_spec_question *q = &c->s->info.questions[t->question];
        if (!q->nscores)
            return FAIL(c, n,
                        "chart: score needs a question with score: (question '%s' has none); "
                        "e.g. score: mean on a rating",
                        q->name);
        t->chart_type = SHOPSTAT_CHART_SCORE;
        return SHOPSTAT_OK;
    }
    shopstat_error e2;
    if (shopstat_chart_type_parse(v, &t->chart_type, &e2))
        return FAIL(c, n, "chart: is bars, likert, trend, diff, score or none, not '%s'", v);
    if (t->chart_type == SHOPSTAT_CHART_DIFF && !t->npairs)
        return FAIL(c, n, "chart: diff needs compare: [a:b, ...]");
    /* a by: segment (by: wave) is the waves by itself */
    if (t->chart_type == SHOPSTAT_CHART_TREND && t->nsegments < 2 &&
        !c->s->info.segments[t->segments[0]].by)
        return FAIL(c, n,
                    "chart: trend needs the waves as segments: one segment per wave (e.g. "
                    "[all, y2010, y2011]), or a by: segment on the wave column (e.g. [waves] "
                    "with waves: {by: wave})");
    /* a by: segment is the waves alone or after all: a segment beside it would be drawn as
     * one more wave, not crossed with the waves (as the CLI's trend refuses --segment
     * beside --by) */
    for (size_t k = 0; t->chart_type == SHOPSTAT_CHART_TREND && k < t->nsegments; k++) {
        const shopstat_spec_segment *w = &c->s->info.segments[t->segments[k]];
        if (!w->by)
            continue;
        for (size_t j = 0; j < t->nsegments; j++) {
            const shopstat_spec_segment *o = &c->s->info.segments[t->segments[j]];
            if (j == k || (j == 0 && t->segments[j] == 0))
                continue;
            if (o->where && strlen(o->where) < 200)
                return FAIL(c, n,
                            "chart: trend draws by: segment '%s' as the waves (one per value of "
                            "%s), and '%s' would be drawn as one more wave; list [%s] or [all, "
                            "%s], with base: \"%s\" for the trend within %s",
                            w->name, w->by, o->name, w->name, w->name, o->where, o->name);
            return FAIL(c, n,
                        "chart: trend draws by: segment '%s' as the waves (one per value of %s), "
                        "and '%s' would be drawn as %s; list [%s] or [all, %s]",
                        w->name, w->by, o->name,
                        o->by ? "more waves" : t->segments[j] == 0 ? "a wave after them" : "one more wave",
                        w->name, w->name);
        }
    }
    return SHOPSTAT_OK;
}

/* The order of the levels in bar and difference charts: sort: all (by size) or none (as
 * report.md lists them). Without it, a question that gives its levels' order (values:, the
 * rules of a recode, or a score:, which makes its codes a scale: a 0-10 question's bars
 * ranked 10, 7, 9, 8, ... hide the distribution its NPS is made of) keeps it, as on a scale
 * from "Very dissatisfied" to "Very satisfied", and one that does not is sorted by size.
 * Likert and trend charts always keep the order. */
static shopstat_status parse_sort(ctx *c, yaml_node_t *n, shopstat_spec_table *t)
{
    const shopstat_spec_question *q = &c->s->info.questions[t->question];
    t->sort = q->nvalues || q->nrecodes || q->nscores ? SHOPSTAT_CHART_SORT_NONE
                                                      : SHOPSTAT_CHART_SORT_ALL;
    if (!n)
        return SHOPSTAT_OK;
    t->sort_given = 1;
    const char *v = NULL;
    shopstat_status st = scalar(c, n, "sort", &v);
    if (st)
        return st;
    shopstat_error e2;
    if (shopstat_chart_sort_parse(v, &t->sort, &e2))
        return FAIL(c, n,
                    "sort: is all (by size) or none (the order of the question's levels), "
                    "not '%s'",
                    v);
    if (t->chart && t->chart_type == SHOPSTAT_CHART_SCORE)
        return FAIL(c, n,
                    "sort: orders bar and diff charts; a score chart keeps the order of the "
                    "segments");
    if (t->chart &&
        (t->chart_type == SHOPSTAT_CHART_LIKERT || t->chart_type == SHOPSTAT_CHART_TREND))
        return FAIL(c, n,
                    "sort: orders bar and diff charts; a %s chart keeps the order of the "
                    "levels",
                    shopstat_chart_type_name(t->chart_type));
    return SHOPSTAT_OK;
}

static shopstat_status parse_table_rest(ctx *c, yaml_node_t *n, shopstat_spec_table *t);
static shopstat_status parse_grid_table(ctx *c, yaml_node_t *n, yaml_node_t *gn,
                                        shopstat_spec_table *t, size_t ti);

static shopstat_status parse_table(ctx *c, yaml_node_t *n, shopstat_spec_table *t, size_t ti)
{
    static const char *const keys[] = {"name",       "question",    "grid", "title", "segments",
                                       "compare",    "chart",       "sort", "base",  "label",
                                       "base_label", "differences", "zoom", "diff_levels"};
    shopstat_status st = CHECK_MAP(c, n, "a table", keys);
    if (st)
        return st;
    const shopstat_spec_info *in = &c->s->info;
    t->pos = pos_of(n);
    yaml_node_t *zn = get(c, n, "zoom");
    if (zn && (st = boolean(c, zn, "zoom", &t->zoom)))
        return st;
    yaml_node_t *qn = get(c, n, "question");
    yaml_node_t *gn = get(c, n, "grid");
    if (qn && gn)
        return FAIL(c, gn,
                    "a table has question: (one question) or grid: (several items on one "
                    "scale), not both");
    yaml_node_t *dn = get(c, n, "differences");
    if (gn && dn)
        return FAIL(c, dn,
                    "differences: is for a table of one question; a grid's comparisons are "
                    "in comparisons.csv");
    if (gn)
        return parse_grid_table(c, n, gn, t, ti);
    if (!qn)
        return FAIL(c, n,
                    "a table needs question: (or grid: [items...] for several rating "
                    "items on one scale)");
    const char *qname = NULL;
    if ((st = scalar(c, qn, "question", &qname)))
        return st;
    const shopstat_spec_question *q = find_question(in, qname);
    if (!q) {
        const char **names = zalloc(c, in->nquestions, sizeof *names);
        if (!names)
            return SHOPSTAT_ENOMEM;
        for (size_t i = 0; i < in->nquestions; i++)
            names[i] = in->questions[i].name;
        return unknown_name(c, qn, "question", qname, names, in->nquestions);
    }
    t->question = (size_t)(q - in->questions);
    if ((st = table_name(c, n, t, ti)) || (st = parse_table_rest(c, n, t)))
        return st;
    /* a yes/no question's differences are shown for its informative level alone (the "no"
     * row would be the "yes" row mirrored: the difference chart, a trend chart, report.md's
     * lines on the rest); diff_levels: all shows both */
    yaml_node_t *ln = get(c, n, "diff_levels");
    if (ln) {
        const char *v = NULL;
        if ((st = scalar(c, ln, "diff_levels", &v)))
            return st;
        if (strcmp(v, "all") != 0 && strcmp(v, "auto") != 0)
            return FAIL(c, ln,
                        "diff_levels: is auto (a question of two answers shows the one that "
                        "reads as yes; docs/spec.md) or all (every level), not '%s'",
                        v);
        if (!t->npairs && !(t->chart && t->chart_type == SHOPSTAT_CHART_TREND))
            return FAIL(c, ln,
                        "diff_levels: is for a table with compare: (the differences a "
                        "difference or trend chart and report.md's lines on the rest show) "
                        "or a trend chart (its lines)");
        t->diff_levels_all = strcmp(v, "all") == 0;
    }
    if (dn && (st = boolean(c, dn, "differences", &t->differences)))
        return st;
    /* a difference chart's table shows what the chart draws, its differences (report.md's
     * heading "...: 2011 minus 2010" stood over the two waves' shares alone), unless told
     * differences: false */
    if (!dn && t->chart && t->chart_type == SHOPSTAT_CHART_DIFF && t->npairs)
        t->differences = 1;
    if (t->differences && !t->npairs)
        return FAIL(c, dn,
                    "differences: shows the table's comparisons: give them in compare: "
                    "(e.g. compare: [q3:q2], this wave against the last)");
    return SHOPSTAT_OK;
}

/* A quantile is estimated per segment: its difference is not tested (score.c refuses a
 * pair on its question), so compare: on a table of a quantile's question is refused here,
 * at its comparison's position, as a spec's other errors. */
static shopstat_status quantile_pairs_check(ctx *c, const shopstat_spec_table *t)
{
    size_t nq = t->nitems ? t->nitems : 1;
    for (size_t i = 0; i < nq && t->npairs; i++) {
        const shopstat_spec_question *q =
            &c->s->info.questions[t->nitems ? t->items[i] : t->question];
        for (size_t k = 0; k < q->nscores; k++)
            if (shopstat_score_map_is_quantile(q->scores[k].map))
                return fail_at(c, t->pairs[0].pos,
                               "compare: question '%s' has score '%s', a quantile (at "
                               "%zu:%zu): a quantile is estimated per segment, its difference "
                               "between segments is not tested; give the quantile a table "
                               "without compare:, and compare the question by a mean",
                               q->name, q->scores[k].name ? q->scores[k].name : q->scores[k].map,
                               q->scores[k].pos.line, q->scores[k].pos.col);
    }
    return SHOPSTAT_OK;
}

/* The keys a table of one question and a grid share: title, base, segments, compare,
 * chart, sort. */
static shopstat_status parse_table_rest(ctx *c, yaml_node_t *n, shopstat_spec_table *t)
{
    shopstat_status st;
    if ((st = opt_text(c, n, "title", &t->title)))
        return st;
    if (!t->title && (st = opt_text(c, n, "label", &t->title)))
        return st;
    if ((st = opt_text(c, n, "base_label", &t->base_label)))
        return st;
    yaml_node_t *base = get(c, n, "base");
    if (base && !is_null(base) &&
        (st = parse_expr(c, base, "base", &t->base, &t->nbase, &t->base_expr)))
        return st;
    if ((st = parse_table_segments(c, get(c, n, "segments"), t)) ||
        (st = parse_table_pairs(c, get(c, n, "compare"), t)) ||
        (st = quantile_pairs_check(c, t)) || (st = parse_chart(c, get(c, n, "chart"), t)) || (st = parse_sort(c, get(c, n, "sort"), t)))
        return st;
    return SHOPSTAT_OK;
}

/* Two items of a grid are on one scale when they list the same levels (values:, or a
 * recode's levels when neither lists values:) with the same labels, and the same scores:
 * the grid's columns are the levels of its first item. NULL when they are, else what
 * differs. */
static const char *grid_scale_differs(const shopstat_spec_question *a,
                                      const shopstat_spec_question *b)
{
    if (a->nvalues != b->nvalues)
        return "levels (values:)";
    for (size_t v = 0; v < a->nvalues; v++)
        if (strcmp(a->values[v].code, b->values[v].code) != 0 ||
            strcmp(a->values[v].label ? a->values[v].label : a->values[v].code,
                   b->values[v].label ? b->values[v].label : b->values[v].code) != 0)
            return "levels (values:)";
    if (!a->nvalues) {
        if (a->nrecodes != b->nrecodes)
            return "levels (recode:)";
        for (size_t k = 0; k < a->nrecodes; k++)
            if (strcmp(a->recodes[k].level, b->recodes[k].level) != 0)
                return "levels (recode:)";
    }
    if (a->nscores != b->nscores)
        return "scores (score:)";
    for (size_t k = 0; k < a->nscores; k++) {
        const shopstat_spec_score *x = &a->scores[k], *y = &b->scores[k];
        if (strcmp(x->map, y->map) != 0 || (!x->name != !y->name) ||
            (x->name && strcmp(x->name, y->name) != 0))
            return "scores (score:)";
    }
    return NULL;
}

/* A grid: several single-choice items on one scale (grid: [sat_staff, sat_price, ...]),
 * one table whose rows are the items and whose columns are the scale's levels. Each item
 * is an ordinary question: its label, values:, missing:, score: and recode: hold. */
static shopstat_status parse_grid_table(ctx *c, yaml_node_t *n, yaml_node_t *gn,
                                        shopstat_spec_table *t, size_t ti)
{
    const shopstat_spec_info *in = &c->s->info;
    if (gn->type != YAML_SEQUENCE_NODE || seq_len(gn) == 0)
        return FAIL(c, gn,
                    "grid: is a list of two or more single-choice questions on one scale, "
                    "e.g. grid: [sat_staff, sat_price]");
    const char **names = NULL;
    shopstat_pos *pos = NULL;
    size_t k = 0;
    shopstat_status st = text_list(c, gn, "grid", &names, &pos, &k);
    if (st)
        return st;
    size_t *idx = zalloc(c, k, sizeof *idx);
    if (!idx)
        return SHOPSTAT_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *item = node(c, gn->data.sequence.items.start[i]);
        const shopstat_spec_question *q = find_question(in, names[i]);
        if (!q) {
            const char **qs = zalloc(c, in->nquestions, sizeof *qs);
            if (!qs)
                return SHOPSTAT_ENOMEM;
            for (size_t j = 0; j < in->nquestions; j++)
                qs[j] = in->questions[j].name;
            return unknown_name(c, item, "question", names[i], qs, in->nquestions);
        }
        idx[i] = (size_t)(q - in->questions);
        if (q->kind != SHOPSTAT_Q_SINGLE)
            return FAIL(c, item,
                        "grid item '%s' is a multi-response question; a grid's items are "
                        "single-choice questions (column: or derive:) on one scale",
                        q->name);
        for (size_t j = 0; j < i; j++)
            if (idx[j] == idx[i])
                return FAIL(c, item, "grid item '%s' is listed twice", q->name);
        const char *what = i ? grid_scale_differs(&in->questions[idx[0]], q) : NULL;
        if (what && what[0] == 's')
            return FAIL(c, item,
                        "grid item '%s' has other scores (score:) than '%s', the first item: a "
                        "grid's items share one scale and its scores; give them the same score:",
                        q->name, in->questions[idx[0]].name);
        if (what)
            return FAIL(c, item,
                        "grid item '%s' has other %s than '%s', the first item: a grid's items "
                        "share one scale (give them the same values:, e.g. with a YAML anchor: "
                        "values: &scale {...} on the first, values: *scale on the others)",
                        q->name, what, in->questions[idx[0]].name);
    }
    if (k < 2)
        return FAIL(c, gn,
                    "grid: lists one question; a grid is two or more items on one scale (a "
                    "table of one question is question: %s)",
                    names[0]);
    t->items = idx;
    t->item_pos = pos;
    t->nitems = k;
    t->question = idx[0];
    const char *given = NULL;
    if ((st = opt_text(c, n, "name", &given)))
        return st;
    if (!given)
        return FAIL(c, n,
                    "a grid table needs name: (the 'table' column of tables.csv and "
                    "charts/NAME.pdf), e.g. name: satisfaction");
    if ((st = table_name(c, n, t, ti)))
        return st;
    return parse_table_rest(c, n, t);
}

/* A chart file a table writes under charts/: its name without the extension, which of
 * .pdf (1) and .png (2) it has, and what it is (for the message). */
typedef struct chart_file {
    char stem[460];
    int ext;
    size_t table;
    char what[300];
} chart_file;

/* No two tables may write one chart file: a grid's charts/NAME-SEGMENT.png (one per segment
 * when it has several: the segment's name with characters other than letters, digits, '-',
 * '_' and '.' made '_', as the report names them) against another table's charts/NAME.pdf and
 * .png, its scores' NAME-score.pdf (a grid's too: its items' scores), or another grid's; nor
 * one table write one twice (a grid's segment 'score' and its scores' chart). A by: segment's
 * values are not known here: the report checks its files when it writes them. The error is
 * at the later table. */
static shopstat_status chart_files_clash(ctx *c)
{
    const shopstat_spec_info *in = &c->s->info;
    const shopstat_spec_table *t = in->tables;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < in->ntables; i++)
        cap += 1 + (t[i].nitems ? t[i].nsegments : 0) + in->questions[t[i].question].nscores;
    chart_file *f = calloc(cap ? cap : 1, sizeof *f);
    if (!f) /* (not zalloc: freed here, not owned by the spec) */
        return shopstat_error_set(c->err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < in->ntables; i++) {
        if (!t[i].chart)
            continue;
        if (t[i].nitems) {
            int by = 0;
            for (size_t k = 0; k < t[i].nsegments; k++)
                by |= in->segments[t[i].segments[k]].by != NULL;
            /* charts/NAME.pdf, and .png when it has one column (a by: segment may have many) */
            int one = t[i].nsegments == 1 && !by;
            f[n] = (chart_file){.ext = one ? 3 : 1, .table = i};
            snprintf(f[n].stem, sizeof f[n].stem, "%s", t[i].name);
            snprintf(f[n++].what, sizeof f[0].what, "its chart");
            for (size_t k = 0; !one && k < t[i].nsegments; k++) {
                const shopstat_spec_segment *sg = &in->segments[t[i].segments[k]];
                if (sg->by)
                    continue;
                f[n] = (chart_file){.ext = 2, .table = i};
                snprintf(f[n].stem, sizeof f[n].stem, "%s-%.200s", t[i].name, sg->name);
                for (char *p = f[n].stem + strlen(t[i].name) + 1; *p; p++)
                    if (!is_ident_char(*p, 0) && *p != '-' && *p != '.')
                        *p = '_';
                snprintf(f[n++].what, sizeof f[0].what, "its chart of segment '%.200s'", sg->name);
            }
        } else if (t[i].chart_type != SHOPSTAT_CHART_SCORE) {
            f[n] = (chart_file){.ext = 3, .table = i};
            snprintf(f[n].stem, sizeof f[n].stem, "%s", t[i].name);
            snprintf(f[n++].what, sizeof f[0].what, "its chart");
        }
        for (size_t k = 0; k < in->questions[t[i].question].nscores; k++) {
            f[n] = (chart_file){.ext = 3, .table = i};
            snprintf(f[n].stem, sizeof f[n].stem, k ? "%s-score-%zu" : "%s-score", t[i].name,
                     k + 1);
            snprintf(f[n++].what, sizeof f[0].what,
                     t[i].nitems ? "the chart of its items' scores" : "the chart of its score");
        }
    }
    shopstat_status st = SHOPSTAT_OK;
    for (size_t b = 1; b < n && !st; b++)
        for (size_t a = 0; a < b && !st; a++)
            if (!(f[a].ext & f[b].ext) || strcmp(f[a].stem, f[b].stem) != 0)
                continue;
            else if (f[a].table == f[b].table) /* a grid's segment 'score' and its scores */
                st = fail_at(c, t[f[b].table].pos,
                             "table '%s' writes charts/%s.%s twice (%s, and %s); rename the "
                             "segment or the table (name:)",
                             t[f[b].table].name, f[b].stem, f[a].ext & f[b].ext & 1 ? "pdf" : "png",
                             f[a].what, f[b].what);
            else
                st = fail_at(c, t[f[b].table].pos,
                             "table '%s' writes charts/%s.%s (%s), as table '%s' does (%s); "
                             "rename one of the tables (name:)",
                             t[f[b].table].name, f[b].stem, f[a].ext & f[b].ext & 1 ? "pdf" : "png",
                             f[b].what, t[f[a].table].name, f[a].what);
    free(f);
    return st;
}

static shopstat_status parse_tables(ctx *c, yaml_node_t *root, yaml_node_t *n)
{
    shopstat_spec_info *in = &c->s->info;
    if (!n)
        return FAIL(c, root, "the spec needs tables: (a list of tables)");
    if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
        return FAIL(c, n, "tables: must be a non-empty list of tables");
    size_t k = seq_len(n);
    if (k > SHOPSTAT_SPEC_MAX_ITEMS)
        return FAIL(c, n, "too many tables");
    shopstat_spec_table *t = zalloc(c, k, sizeof *t);
    if (!t || !(c->named = zalloc(c, k, 1)))
        return SHOPSTAT_ENOMEM;
    in->tables = t;
    for (size_t i = 0; i < k; i++) {
        shopstat_status st = parse_table(c, node(c, n->data.sequence.items.start[i]), &t[i], i);
        if (st)
            return st;
        in->ntables = i + 1;
    }
    /* a score's chart is charts/NAME-score.pdf (NAME-score-2.pdf, ...): no table's own */
    for (size_t i = 0; i < k; i++) {
        const shopstat_spec_question *q = &in->questions[t[i].question];
        /* (a grid's items share its scores: their chart is the grid's, NAME-score.pdf) */
        for (size_t s = 0; t[i].chart && s < q->nscores; s++) {
            char file[300];
            snprintf(file, sizeof file, s ? "%s-score-%zu" : "%s-score", t[i].name, s + 1);
            for (size_t j = 0; j < k; j++)
                if (strcmp(t[j].name, file) == 0)
                    return fail_at(c, t[j].pos,
                                   "table '%s' has the name of the chart of a score of table "
                                   "'%s' (charts/%s.pdf); rename it",
                                   file, t[i].name, file);
        }
    }
    return chart_files_clash(c);
}

/* ---- data, csv, design, ci, compare ---- */

/* file, relative to the spec's folder unless absolute: *out (owned by the spec). */
static shopstat_status spec_relative(ctx *c, const char *file, const char **out)
{
    if (file[0] == '/' || !strchr(c->path, '/')) {
        *out = file;
        return SHOPSTAT_OK;
    }
    size_t dir = (size_t)(strrchr(c->path, '/') - c->path) + 1;
    size_t len = dir + strlen(file);
    char *p = zalloc(c, len + 1, 1);
    if (!p)
        return SHOPSTAT_ENOMEM;
    memcpy(p, c->path, dir);
    strcpy(p + dir, file);
    *out = p;
    return SHOPSTAT_OK;
}

static shopstat_status resolve_data(ctx *c, yaml_node_t *n, const char *file)
{
    shopstat_spec_info *in = &c->s->info;
    in->data_pos = pos_of(n);
    return spec_relative(c, file, &in->data);
}

/* codebook: FILE (relative to the spec's folder, as data:): a panel's value labels
 * (shopstat_codebook_read). A single-choice or codes question on a column (not derived) without
 * values: takes its column's labels as its values:, in the codebook's order, so they are
 * its answer options as values: makes them (a code that is missing: left out, report.c);
 * values: given win, and variables no question reads are left aside. */
static shopstat_status parse_codebook(ctx *c, yaml_node_t *root)
{
    yaml_node_t *n = get(c, root, "codebook");
    if (!n)
        return SHOPSTAT_OK;
    const char *file = NULL, *path = NULL;
    shopstat_status st = scalar(c, n, "codebook", &file);
    if (st)
        return st;
    if (!*file)
        return FAIL(c, n, "codebook: is empty (a CSV of variable, value and label)");
    if ((st = spec_relative(c, file, &path)))
        return st;
    shopstat_codebook *cb = NULL;
    shopstat_error ce;
    if ((st = shopstat_codebook_read(path, &cb, &ce))) {
        /* a fault inside the codebook at its own line:col; one of the file as a whole (a
         * folder, a file that cannot be opened) at the spec's codebook: line, as data:'s */
        if (ce.line || st == SHOPSTAT_ENOMEM) {
            if (c->err)
                *c->err = ce;
            return st;
        }
        return shopstat_error_set(c->err, st, c->path, pos_of(n).line, pos_of(n).col,
                                  "codebook file '%s': %s", path, ce.msg);
    }
    shopstat_spec_info *in = &c->s->info;
    shopstat_spec_question *qs = (shopstat_spec_question *)in->questions; /* (the spec's own) */
    size_t ne = shopstat_codebook_n(cb);
    for (size_t i = 0; i < in->nquestions && !st; i++) {
        shopstat_spec_question *q = &qs[i];
        if ((q->kind != SHOPSTAT_Q_SINGLE && q->kind != SHOPSTAT_Q_CODES) || q->nrecodes ||
            q->nvalues || q->ncolumns != 1)
            continue;
        size_t k = 0;
        for (size_t e = 0; e < ne; e++)
            k += strcmp(shopstat_codebook_entry(cb, e)->variable, q->columns[0]) == 0;
        if (!k)
            continue;
        shopstat_spec_value *v = zalloc(c, k, sizeof *v);
        if (!v) {
            st = SHOPSTAT_ENOMEM;
            break;
        }
        k = 0;
        for (size_t e = 0; e < ne && !st; e++) {
            const shopstat_value_label *l = shopstat_codebook_entry(cb, e);
            if (strcmp(l->variable, q->columns[0]) != 0)
                continue;
            v[k].code = sdup(c, l->value, strlen(l->value));
            v[k].label = v[k].code ? sdup(c, l->label, strlen(l->label)) : NULL;
            v[k].pos = pos_of(n);
            st = v[k++].label ? SHOPSTAT_OK : SHOPSTAT_ENOMEM;
        }
        q->values = v;
        q->nvalues = k;
    }
    /* the rest, for by: segments on columns no question reads */
    size_t nrest = 0;
    for (size_t e = 0; e < ne && !st; e++) {
        const shopstat_value_label *l = shopstat_codebook_entry(cb, e);
        int read = 0;
        for (size_t i = 0; i < in->nquestions && !read; i++)
            read =
                qs[i].nvalues && qs[i].ncolumns == 1 && strcmp(qs[i].columns[0], l->variable) == 0;
        nrest += !read;
    }
    shopstat_value_label *rest = !st && nrest ? zalloc(c, nrest, sizeof *rest) : NULL;
    if (nrest && !rest && !st)
        st = SHOPSTAT_ENOMEM;
    for (size_t e = 0, k = 0; e < ne && rest && !st; e++) {
        const shopstat_value_label *l = shopstat_codebook_entry(cb, e);
        int read = 0;
        for (size_t i = 0; i < in->nquestions && !read; i++)
            read =
                qs[i].nvalues && qs[i].ncolumns == 1 && strcmp(qs[i].columns[0], l->variable) == 0;
        if (read)
            continue;
        rest[k].variable = sdup(c, l->variable, strlen(l->variable));
        rest[k].value = sdup(c, l->value, strlen(l->value));
        rest[k].label = sdup(c, l->label, strlen(l->label));
        if (!rest[k].variable || !rest[k].value || !rest[k].label)
            st = SHOPSTAT_ENOMEM;
        k++;
    }
    c->s->cblabels = rest;
    c->s->ncblabels = st ? 0 : nrest;
    shopstat_codebook_free(cb);
    return st;
}

static shopstat_status parse_csv_opts(ctx *c, yaml_node_t *n)
{
    shopstat_csv_opts *o = &c->s->info.csv;
    shopstat_status st;
    yaml_node_t *v;
    if ((v = get(c, n, "delimiter"))) {
        const char *d = NULL;
        if ((st = scalar(c, v, "delimiter", &d)))
            return st;
        if (strcmp(d, "tab") == 0 || strcmp(d, "\t") == 0)
            o->delimiter = '\t';
        else if (strlen(d) == 1 && strchr(",;|", d[0]))
            o->delimiter = d[0];
        else
            return FAIL(c, v, "delimiter: is one of ',', ';', '|' or tab, not '%s'", d);
    }
    if ((st = opt_text(c, n, "encoding", &o->encoding)))
        return st;
    if ((v = get(c, n, "skip_rows"))) {
        double x;
        if ((st = number(c, v, "skip_rows", 0, 1e9, &x)))
            return st;
        if (x != floor(x))
            return FAIL(c, v, "skip_rows must be a whole number");
        o->skip_rows = (size_t)x;
    }
    if ((v = get(c, n, "header_rows"))) {
        const char *h = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
        if (strcmp(h, "1") != 0 && strcmp(h, "2") != 0)
            return FAIL(c, v,
                        "header_rows is 1, or 2 (a SurveyMonkey export's two header rows), not "
                        "'%s' (other rows before the data: skip_rows)",
                        h);
        o->header_rows = (size_t)(h[0] - '0');
    }
    if ((v = get(c, n, "decimal_comma")) &&
        (st = boolean(c, v, "decimal_comma", &o->decimal_comma)))
        return st;
    if ((v = get(c, n, "missing"))) {
        const char **list = NULL;
        size_t k = 0;
        if (v->type == YAML_SCALAR_NODE && strchr((const char *)v->data.scalar.value, ','))
            return FAIL(c, v, "missing: is a list such as [98, 99], not '%s'",
                        (const char *)v->data.scalar.value);
        if ((st = text_list(c, v, "missing", &list, NULL, &k)))
            return st;
        o->missing = list;
    }
    return SHOPSTAT_OK;
}

static const char *const csv_keys[] = {"file",    "delimiter",     "encoding",   "skip_rows",
                                       "missing", "decimal_comma", "header_rows"};

static shopstat_status parse_data(ctx *c, yaml_node_t *root)
{
    yaml_node_t *n = get(c, root, "data");
    if (!n)
        return FAIL(c, root, "the spec needs data: (the CSV export, relative to the spec)");
    const char *file = NULL;
    shopstat_status st;
    if (n->type == YAML_MAPPING_NODE) {
        if ((st = CHECK_MAP(c, n, "data", csv_keys)))
            return st;
        yaml_node_t *f = get(c, n, "file");
        if (!f)
            return FAIL(c, n, "data: needs file:");
        if ((st = scalar(c, f, "file", &file)) || (st = parse_csv_opts(c, n)))
            return st;
        n = f;
    } else if ((st = scalar(c, n, "data", &file))) {
        return st;
    }
    if (!*file)
        return FAIL(c, n, "data: is empty");
    yaml_node_t *csv = get(c, root, "csv");
    if (csv) {
        if ((st = check_map(c, csv, "csv", csv_keys + 1, 6)) || (st = parse_csv_opts(c, csv)))
            return st;
    }
    return resolve_data(c, n, file);
}

/* A replicates: scale: a positive number or fraction ("4/80"), as --repscale takes. */
static shopstat_status rep_scale(ctx *c, yaml_node_t *n, const char *what, double *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return FAIL(c, n, "replicates: %s: must be a number, not %s", what, kind_name(n));
    const char *v = (const char *)n->data.scalar.value;
    double x = 0;
    shopstat_error e2;
    shopstat_error_clear(&e2);
    if (shopstat_rep_scale_parse(v, n->data.scalar.length, &x, &e2) || !(x > 0))
        return FAIL(c, n,
                    "replicates: %s: '%s': %s; give a positive number or fraction (such as "
                    "0.05 or 4/80)",
                    what, v, e2.msg[0] ? e2.msg : "not positive");
    *out = x;
    return SHOPSTAT_OK;
}

static shopstat_status parse_replicates(ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"prefix", "columns", "type",
                                       "rho",    "scale",   "rscales",
                                       "rscales_file", "mse", "bootstrap_average"};
    shopstat_design_opts *d = &c->s->info.design;
    shopstat_status st = CHECK_MAP(c, n, "replicates", keys);
    if (st)
        return st;
    c->s->info.design_pos[4] = pos_of(n);
    yaml_node_t *pre = get(c, n, "prefix"), *cols = get(c, n, "columns"), *v;
    if (!!pre == !!cols)
        return FAIL(c, n, "replicates: needs prefix: or columns: (one of them)");
    if (pre && (st = scalar(c, pre, "prefix", &d->repweights)))
        return st;
    if (cols) {
        const char **list = NULL;
        shopstat_pos *lpos = NULL;
        size_t k = 0;
        if ((st = text_list(c, cols, "columns", &list, &lpos, &k)))
            return st;
        c->s->info.repcols_pos = pos_of(cols);
        /* the columns go on as --repweights' comma-separated list: a comma in a name would
         * split it ("r,1" was looked for as 'r' and '1') */
        for (size_t i = 0; i < k; i++)
            if (strchr(list[i], ','))
                return shopstat_error_set(c->err, SHOPSTAT_EUSAGE, c->path, lpos[i].line,
                                          lpos[i].col,
                                          "replicates: columns: '%s' holds a comma, which a "
                                          "replicate column's name cannot; rename the column",
                                          list[i]);
        size_t len = 2;
        for (size_t i = 0; i < k; i++)
            len += strlen(list[i]) + 1;
        char *joined = zalloc(c, len, 1);
        if (!joined)
            return SHOPSTAT_ENOMEM;
        d->repweights = joined;
        for (size_t i = 0; i < k; i++) /* (at its end each time: linear in the list) */
            joined += sprintf(joined, "%s%s", i ? "," : "", list[i]);
        if (k == 1)
            strcpy(joined, ","); /* a comma makes it a list */
    }
    if (!(v = get(c, n, "type")))
        return FAIL(c, n, "replicates: needs type: (brr, fay, jk1, jkn, jk2, bootstrap, sdr)");
    const char *type = NULL;
    shopstat_error e2;
    if ((st = scalar(c, v, "type", &type)))
        return st;
    if (shopstat_rep_type_parse(type, &d->reptype, &e2))
        return FAIL(c, v, "%s", e2.msg);
    yaml_node_t *type_node = v;
    if ((v = get(c, n, "rho")) && (st = number(c, v, "rho", 0, 0.999999, &d->rho)))
        return st;
    if ((v = get(c, n, "scale")) && (st = rep_scale(c, v, "scale", &d->repscale)))
        return st;
    if ((v = get(c, n, "rscales"))) {
        const char **list = NULL;
        shopstat_pos *lpos = NULL;
        size_t k = 0;
        if ((st = text_list(c, v, "rscales", &list, &lpos, &k)))
            return st;
        c->s->info.rscales_pos = pos_of(v);
        for (size_t i = 0; i < k; i++) { /* (as parse_rscales in engine/replicate.c) */
            double x = 0;
            shopstat_error_clear(&e2);
            if (shopstat_rep_scale_parse(list[i], strlen(list[i]), &x, &e2) || x < 0)
                return shopstat_error_set(c->err, SHOPSTAT_EUSAGE, c->path, lpos[i].line,
                                          lpos[i].col,
                                          "replicates: rscales: '%s': %s; give non-negative "
                                          "numbers or fractions (such as 79/80)",
                                          list[i], e2.msg[0] ? e2.msg : "negative");
        }
        size_t len = 1;
        for (size_t i = 0; i < k; i++)
            len += strlen(list[i]) + 1;
        char *joined = zalloc(c, len, 1);
        if (!joined)
            return SHOPSTAT_ENOMEM;
        d->rscales = joined;
        for (size_t i = 0; i < k; i++)
            joined += sprintf(joined, "%s%s", i ? "," : "", list[i]);
    }
    if ((v = get(c, n, "rscales_file"))) {
        /* a JKn file's rscales in a file of their own, relative to the spec as data: */
        if (d->rscales)
            return FAIL(c, v, "replicates: give rscales: or rscales_file:, not both");
        if (v->type != YAML_SCALAR_NODE || !v->data.scalar.length)
            return FAIL(c, v, "replicates: rscales_file: must be a file name");
        const char *path = NULL;
        char *list = NULL;
        if ((st = spec_relative(c, (const char *)v->data.scalar.value, &path)))
            return st;
        if ((st = shopstat_rep_rscales_read(path, &list, c->err))) {
            if (st != SHOPSTAT_EIO) /* (at the item's line and column in that file) */
                return st;
            char why[256];
            snprintf(why, sizeof why, "%.200s", c->err->msg);
            return FAIL(c, v, "replicates: rscales_file: %s: %s", path, why);
        }
        char *kept = zalloc(c, strlen(list) + 1, 1);
        if (kept)
            memcpy(kept, list, strlen(list) + 1);
        free(list);
        if (!kept)
            return SHOPSTAT_ENOMEM;
        d->rscales = kept;
        c->s->info.rscales_pos = pos_of(v);
    }
    if ((v = get(c, n, "mse")) && (st = boolean(c, v, "mse", &d->mse)))
        return st;
    if ((v = get(c, n, "bootstrap_average")) &&
        (st = rep_scale(c, v, "bootstrap_average", &d->bootstrap_average)))
        return st;
    /* what the type needs, at its type: (the command line's checks come after the header) */
    if (d->reptype == SHOPSTAT_REP_FAY && isnan(d->rho))
        return FAIL(c, type_node,
                    "replicates: type fay needs rho: (the Fay coefficient the weights were made "
                    "with, 0 <= rho < 1, as the file's documentation gives it)");
    if (d->reptype == SHOPSTAT_REP_JKN && !d->rscales)
        return FAIL(c, type_node,
                    "replicates: type jkn needs rscales: ((n_h - 1)/n_h for each replicate, n_h "
                    "the PSUs of its stratum; R requires them too)");
    /* what R's svrepdesign ignores for the type is an error, as on the command line */
    const char *why;
    static const char *const key[] = {"", "rho", "scale", "rscales", "bootstrap_average"};
    shopstat_rep_option o = shopstat_rep_ignored_option(d, &why);
    if (o != SHOPSTAT_REP_OPT_NONE)
        return FAIL(c, get(c, n, key[o]),
                    "replicates: %s: with type %s, R's svrepdesign ignores it (%s); leave it out",
                    key[o], shopstat_rep_type_name(d->reptype), why);
    return SHOPSTAT_OK;
}

/* rake: [{margin: age, population: pop_age.csv}, {margin: [region, sex], population: ...}]
 * (R's rake): design_opts.rake, each margin "COLS=FILE" on a line of its own, the files
 * relative to the spec as data: is. */
static shopstat_status parse_rake(ctx *c, yaml_node_t *n, const char **out)
{
    static const char *const keys[] = {"margin", "population"};
    if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
        return FAIL(c, n,
                    "rake: give the margins as a list: [{margin: age, population: "
                    "pop_age.csv}, {margin: [region, sex], population: pop_rs.csv}]");
    size_t k = seq_len(n);
    if (k > SHOPSTAT_SPEC_MAX_ITEMS)
        return shopstat_error_set(c->err, SHOPSTAT_ELIMIT, c->path, pos_of(n).line,
                                  pos_of(n).col, "rake has too many margins");
    const char ***cols = zalloc(c, k, sizeof *cols);
    size_t *ncols = zalloc(c, k, sizeof *ncols);
    const char **files = zalloc(c, k, sizeof *files);
    shopstat_pos **cpos = zalloc(c, k, sizeof *cpos);
    if (!cols || !ncols || !files || !cpos)
        return SHOPSTAT_ENOMEM;
    size_t len = 1;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *item = node(c, n->data.sequence.items.start[i]);
        shopstat_status st = CHECK_MAP(c, item, "a margin of rake", keys);
        if (st)
            return st;
        yaml_node_t *m = get(c, item, "margin"), *pop = get(c, item, "population");
        if (!m || !pop)
            return FAIL(c, item,
                        "a margin of rake needs margin: (its column, or columns) and "
                        "population: (the file of its cells' population totals)");
        shopstat_pos *lpos = NULL;
        if ((st = text_list(c, m, "margin", &cols[i], &lpos, &ncols[i])))
            return st;
        if (ncols[i] == 0)
            return FAIL(c, m, "margin: give the column (or columns) of the margin");
        cpos[i] = lpos;
        for (size_t j = 0; j < ncols[i]; j++) {
            const char *name = cols[i][j];
            if (!*name || strchr(name, ',') || strchr(name, '=') || strchr(name, '\n'))
                return shopstat_error_set(c->err, SHOPSTAT_EUSAGE, c->path, lpos[j].line,
                                          lpos[j].col,
                                          "margin: '%s' is no column name (give the columns "
                                          "as a list: [region, sex])",
                                          name);
            len += strlen(name) + 1;
        }
        const char *file = NULL;
        if ((st = scalar(c, pop, "population", &file)))
            return st;
        if (!*file || strchr(file, '\n'))
            return FAIL(c, pop, "population: must be a file name");
        if ((st = spec_relative(c, file, &files[i])))
            return st;
        len += strlen(files[i]) + 2;
    }
    /* every margin's columns with their places, for shopstat_spec_check_columns */
    shopstat_spec_info *in = &c->s->info;
    size_t total = 0;
    for (size_t i = 0; i < k; i++)
        total += ncols[i];
    in->calib_cols = zalloc(c, total, sizeof *in->calib_cols);
    in->calib_pos = zalloc(c, total, sizeof *in->calib_pos);
    if (!in->calib_cols || !in->calib_pos)
        return SHOPSTAT_ENOMEM;
    in->ncalib = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < ncols[i]; j++) {
            in->calib_cols[in->ncalib] = cols[i][j];
            in->calib_pos[in->ncalib++] = cpos[i][j];
        }
    char *joined = zalloc(c, len, 1);
    if (!joined)
        return SHOPSTAT_ENOMEM;
    *out = joined;
    for (size_t i = 0; i < k; i++) {
        if (i)
            *joined++ = '\n';
        for (size_t j = 0; j < ncols[i]; j++)
            joined += sprintf(joined, "%s%s", j ? "," : "", cols[i][j]);
        joined += sprintf(joined, "=%s", files[i]);
    }
    return SHOPSTAT_OK;
}

static shopstat_status parse_design(ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"weight",       "strata",     "psu",
                                       "fpc",          "lonely_psu", "replicates",
                                       "poststratify", "population", "rake",
                                       "rake_maxit",   "rake_epsilon"};
    shopstat_spec_info *in = &c->s->info;
    if (!n || is_null(n))
        return SHOPSTAT_OK;
    shopstat_status st = CHECK_MAP(c, n, "design", keys);
    if (st)
        return st;
    const char **cols[4] = {&in->design.weight, &in->design.strata, &in->design.psu,
                            &in->design.fpc};
    for (int i = 0; i < 4; i++) {
        yaml_node_t *v = get(c, n, keys[i]);
        if (!v || is_null(v))
            continue;
        if ((st = scalar(c, v, keys[i], cols[i])))
            return st;
        in->design_pos[i] = pos_of(v);
    }
    yaml_node_t *v = get(c, n, "lonely_psu");
    if (v) {
        const char *name = NULL;
        shopstat_error e2;
        if ((st = scalar(c, v, "lonely_psu", &name)))
            return st;
        if (shopstat_lonely_parse(name, &in->design.lonely, &e2))
            return FAIL(c, v, "%s", e2.msg);
    }
    if ((v = get(c, n, "replicates")) && (st = parse_replicates(c, v)))
        return st;
    if (in->design.repweights && (in->design.strata || in->design.psu || in->design.fpc))
        return FAIL(c, v, "replicates: replace strata:, psu: and fpc: (drop them)");
    /* post-stratification (R's postStratify): the columns whose cross is the post-strata,
     * and the file of their population totals, relative to the spec as data: is */
    yaml_node_t *ps = get(c, n, "poststratify"), *pop = get(c, n, "population");
    if (ps) {
        const char **list = NULL;
        shopstat_pos *lpos = NULL;
        size_t k = 0;
        if ((st = text_list(c, ps, "poststratify", &list, &lpos, &k)))
            return st;
        if (k == 0)
            return FAIL(c, ps, "poststratify: give the column (or columns) of the post-strata");
        size_t len = 1;
        for (size_t i = 0; i < k; i++) {
            if (!*list[i] || strchr(list[i], ','))
                return shopstat_error_set(c->err, SHOPSTAT_EUSAGE, c->path, lpos[i].line,
                                          lpos[i].col,
                                          "poststratify: '%s' is no column name (give the "
                                          "columns as a list: [age, gender])",
                                          list[i]);
            len += strlen(list[i]) + 1;
        }
        in->calib_cols = list;
        in->calib_pos = lpos;
        in->ncalib = k;
        char *joined = zalloc(c, len, 1);
        if (!joined)
            return SHOPSTAT_ENOMEM;
        in->design.poststratify = joined;
        for (size_t i = 0; i < k; i++)
            joined += sprintf(joined, "%s%s", i ? "," : "", list[i]);
    }
    if (pop) {
        const char *file = NULL;
        if ((st = scalar(c, pop, "population", &file)))
            return st;
        if (!*file)
            return FAIL(c, pop, "population: must be a file name");
        if ((st = spec_relative(c, file, &in->design.population)))
            return st;
    }
    if (!ps != !pop)
        return FAIL(c, ps ? ps : pop,
                    "%s: needs %s: too (the post-strata's columns and the file of their "
                    "population totals)",
                    ps ? "poststratify" : "population", ps ? "population" : "poststratify");
    yaml_node_t *rk = get(c, n, "rake"), *mi = get(c, n, "rake_maxit"),
                *ep = get(c, n, "rake_epsilon");
    if (rk && (st = parse_rake(c, rk, &in->design.rake)))
        return st;
    if (rk && ps)
        return FAIL(c, rk,
                    "rake: and poststratify: together are not supported: give the post-strata "
                    "as one more margin of rake:");
    if ((mi || ep) && !rk)
        return FAIL(c, mi ? mi : ep, "%s: tunes rake:, which is not given",
                    mi ? "rake_maxit" : "rake_epsilon");
    double x = 0;
    if (mi && (st = number(c, mi, "rake_maxit", 1, 100000, &x)))
        return st;
    if (mi && x != floor(x))
        return FAIL(c, mi, "rake_maxit must be a whole number of rounds");
    in->design.rake_maxit = (int)x;
    if (ep && (st = number(c, ep, "rake_epsilon", 1e-300, 1e100, &in->design.rake_epsilon)))
        return st;
    return SHOPSTAT_OK;
}

static shopstat_status parse_ci(ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"method", "level"};
    shopstat_spec_info *in = &c->s->info;
    if (!n)
        return SHOPSTAT_OK;
    shopstat_status st = CHECK_MAP(c, n, "ci", keys);
    if (st)
        return st;
    yaml_node_t *v = get(c, n, "method");
    if (v) {
        const char *m = NULL;
        shopstat_error e2;
        if ((st = scalar(c, v, "method", &m)))
            return st;
        if (shopstat_ci_method_parse(m, &in->ci, &e2))
            return FAIL(c, v, "%s", e2.msg);
    }
    if ((v = get(c, n, "level")) &&
        (st = number(c, v, "level", SHOPSTAT_LEVEL_MIN, SHOPSTAT_LEVEL_MAX, &in->level)))
        return st;
    return SHOPSTAT_OK;
}

static shopstat_status parse_compare(ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"adjust", "alpha"};
    shopstat_spec_info *in = &c->s->info;
    if (!n)
        return SHOPSTAT_OK;
    shopstat_status st = CHECK_MAP(c, n, "compare", keys);
    if (st)
        return st;
    yaml_node_t *v = get(c, n, "adjust");
    if (v) {
        const char *m = NULL;
        shopstat_error e2;
        if ((st = scalar(c, v, "adjust", &m)))
            return st;
        if (shopstat_adjust_parse(m, &in->adjust, &e2))
            return FAIL(c, v, "%s", e2.msg);
    }
    if ((v = get(c, n, "alpha"))) {
        if (v->type == YAML_SEQUENCE_NODE) {
            if (seq_len(v) != 2)
                return FAIL(c, v, "alpha: is one level (0.05) or two ([0.05, 0.10])");
            if ((st = number(c, node(c, v->data.sequence.items.start[0]), "alpha", 1e-9, 0.5,
                             &in->alpha)) ||
                (st = number(c, node(c, v->data.sequence.items.start[1]), "alpha", 1e-9, 0.5,
                             &in->alpha_low)))
                return st;
            if (in->alpha_low < in->alpha)
                in->alpha_low = in->alpha;
        } else if ((st = number(c, v, "alpha", 1e-9, 0.5, &in->alpha))) {
            return st;
        } else if (in->alpha_low < in->alpha) {
            in->alpha_low = in->alpha;
        }
    }
    return SHOPSTAT_OK;
}

static shopstat_status parse_root(ctx *c, yaml_node_t *root)
{
    static const char *const keys[] = {"survey",   "title",   "subtitle",  "source",
                                       "note",     "data",    "csv",       "codebook",
                                       "design",   "ci",      "compare",   "questions",
                                       "exclude",  "segments", "tables",   "decimals",
                                       "units",    "chart_size"};
    shopstat_spec_info *in = &c->s->info;
    shopstat_status st = CHECK_MAP(c, root, "the spec", keys);
    if (st)
        return st;
    yaml_node_t *sv = get(c, root, "survey");
    if (!sv)
        return FAIL(c, root, "the spec needs survey: (a short id such as servicesoft-1999)");
    if ((st = scalar(c, sv, "survey", &in->survey)))
        return st;
    if (!valid_table_name(in->survey))
        return FAIL(c, sv, "survey: '%s' may hold only letters, digits, '_', '.' and '-'",
                    in->survey);
    if (strlen(in->survey) > ID_MAX)
        return FAIL(c, sv,
                    "survey: is %zu bytes long; it names the report's default folder "
                    "(out/SURVEY) and holds at most %d",
                    strlen(in->survey), ID_MAX);
    if (strcmp(in->survey, ".") == 0 || strcmp(in->survey, "..") == 0)
        return FAIL(c, sv,
                    "survey: '%s' is no name: the report's default folder out/%s would be %s",
                    in->survey, in->survey, in->survey[1] ? "the current folder" : "out/ itself");
    yaml_node_t *dv = get(c, root, "decimals");
    if (dv) { /* (one rule for the report: its tables and its charts alike) */
        const char *v = dv->type == YAML_SCALAR_NODE ? (const char *)dv->data.scalar.value : "";
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
            return FAIL(c, dv,
                        "decimals: must be 0 (whole percentages: 69%%) or 1 (one decimal: "
                        "68.9%%), not '%s'",
                        v);
        in->decimals = v[0] - '0';
    }
    yaml_node_t *cv = get(c, root, "chart_size");
    if (cv) { /* the chart files' pages; report.pdf's stay A4 landscape whatever it says */
        const char *v = cv->type == YAML_SCALAR_NODE ? (const char *)cv->data.scalar.value : "";
        shopstat_error e2;
        if (strcasecmp(v, "fit") == 0)
            in->chart_width = in->chart_height = 0;
        else if (shopstat_chart_size_parse(v, &in->chart_width, &in->chart_height, &e2))
            return FAIL(c, cv,
                        "chart_size: is fit (the default: 842 points wide, as tall as the "
                        "chart), a4, a4-portrait, letter, letter-portrait, slide or WxH in "
                        "points, each side 144 to 14400 (e.g. 842x595), not '%s'",
                        v);
    }
    if ((st = opt_text(c, root, "title", &in->title)) ||
        (st = opt_text(c, root, "subtitle", &in->subtitle)) ||
        (st = opt_text(c, root, "source", &in->source)) ||
        (st = opt_text(c, root, "note", &in->note)) ||
        (st = opt_text(c, root, "units", &in->units)) || (st = parse_data(c, root)) ||
        (st = parse_design(c, get(c, root, "design"))) || (st = parse_ci(c, get(c, root, "ci"))) ||
        (st = parse_compare(c, get(c, root, "compare"))) ||
        (st = parse_questions(c, get(c, root, "questions"))) || (st = parse_codebook(c, root)) ||
        (st = parse_excludes(c, get(c, root, "exclude"))) ||
        (st = parse_segments(c, get(c, root, "segments"))) ||
        (st = parse_tables(c, root, get(c, root, "tables"))))
        return st;
    return SHOPSTAT_OK;
}

static void init_info(shopstat_spec_info *in)
{
    shopstat_csv_opts_init(&in->csv);
    shopstat_design_opts_init(&in->design);
    in->ci = SHOPSTAT_CI_LOGIT;
    in->level = 0.95;
    in->adjust = SHOPSTAT_ADJUST_HOLM;
    in->alpha = 0.05;
    in->alpha_low = 0.10;
    in->decimals = 1;
}

/* An invalid byte (a spec saved as Latin-1 or Windows-1252, a control character): libyaml's
 * reader gives its offset, made line:col here (columns in characters, as libyaml's). */
static shopstat_status reader_error(const char *path, const char *text, size_t len,
                                    yaml_parser_t *parser, shopstat_spec *s, shopstat_error *err)
{
    size_t off = parser->problem_offset < len ? parser->problem_offset : len, line = 1, col = 1;
    /* a bad trailing byte is reported at itself: point at the character's first byte */
    for (int k = 0; k < 3 && off > 0 && ((unsigned char)text[off] & 0xC0) != 0xC0 &&
                    (unsigned char)text[off - 1] >= 0x80;
         k++)
        off--;
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (; i < off; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    const char *problem = parser->problem ? parser->problem : "invalid input";
    shopstat_status st = shopstat_error_set(
        err, SHOPSTAT_EINPUT, path, line, col, "YAML: %s (byte 0x%02X)%s", problem,
        (unsigned)(unsigned char)(off < len ? text[off] : 0),
        strstr(problem, "UTF-8") ? "; a spec is UTF-8 text: was it saved as Latin-1 or "
                                   "Windows-1252? Save it as UTF-8"
                                 : "");
    yaml_parser_delete(parser);
    shopstat_spec_free(s);
    return st;
}

/* YAML (and libyaml) ends an implicit key at 1024 characters: past that the ':' after it is
 * "could not find expected ':'" or "mapping values are not allowed in this context", which
 * does not say what is wrong. On line `line` (0-based) of text, find a key longer than that
 * before a ':' that ends one (followed by a space, a tab, a flow indicator or the line's
 * end); its 0-based column (in characters) and length in characters (a quoted key's with
 * its quotes, as libyaml counts), or 0. */
#define YAML_MAX_KEY 1024
static size_t long_key(const char *text, size_t len, size_t line, size_t *col, int *quoted)
{
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (size_t l = 0; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    size_t start = i, end = i;
    while (end < len && text[end] != '\n' && text[end] != '\r')
        end++;
    /* where the key before the next ':' starts: the line's start, or after a '{', '[' or
     * ','; none after a key's ':' (what follows is its value, of any length) */
    size_t key = start;
    for (size_t j = start; j < end; j++) {
        char ch = text[j];
        if (ch == '{' || ch == '[' || ch == ',') {
            key = j + 1;
        } else if (ch == ':' && key != (size_t)-1 &&
                   (j + 1 == end || strchr(" \t,}]", text[j + 1]))) {
            size_t k = key;
            while (k < j && (text[k] == ' ' || text[k] == '\t' || text[k] == '?' ||
                             (text[k] == '-' && k + 1 < j && text[k + 1] == ' ')))
                k++;
            size_t n = 0;
            for (size_t b = k; b < j; b++)
                n += ((unsigned char)text[b] & 0xC0) != 0x80;
            if (n > YAML_MAX_KEY) {
                *quoted = text[k] == '"' || text[k] == '\'';
                *col = 0;
                for (size_t b = start; b < k; b++)
                    *col += ((unsigned char)text[b] & 0xC0) != 0x80;
                return n;
            }
            key = (size_t)-1;
        }
    }
    return 0;
}

/* A spec is one YAML document: what follows a '---' after it would be silently left out
 * (a table added below a separator line would be missing from the report). */
static shopstat_status no_second_document(const char *path, yaml_parser_t *parser,
                                          shopstat_error *err)
{
    yaml_document_t doc2;
    if (!yaml_parser_load(parser, &doc2)) {
        yaml_mark_t m = parser->problem_mark;
        if (parser->error == YAML_MEMORY_ERROR)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        return shopstat_error_set(
            err, SHOPSTAT_EINPUT, path, m.line + 1, m.column + 1, "YAML: %s%s%s",
            parser->problem ? parser->problem : "syntax error", parser->context ? " " : "",
            parser->context ? parser->context : "");
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc2);
    shopstat_status st = SHOPSTAT_OK;
    if (root && !is_null(root))
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, doc2.start_mark.line + 1,
                                doc2.start_mark.column + 1,
                                "a second YAML document (after a '---' line): a spec is one "
                                "document, and this one would be left out; remove the '---' "
                                "line");
    yaml_document_delete(&doc2);
    return st;
}

/* A spec nests a few levels (tables: - {compare: [...]}); libyaml's scanner takes time in
 * the square of the depth (a title of 100,000 '[' took a minute, 4 MB would take hours), so
 * the collections are counted on an event pass first, which stops past SPEC_DEPTH_MAX. A
 * syntax error ends the count: the load reports it; running out of memory is an error. */
#define SPEC_DEPTH_MAX 64

static shopstat_status nesting_check(const char *path, const char *text, size_t len,
                                     shopstat_error *err)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    shopstat_status st = SHOPSTAT_OK;
    int depth = 0, end = 0;
    while (!end && !st) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            if (p.error == YAML_MEMORY_ERROR)
                st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > SPEC_DEPTH_MAX)
                st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, ev.start_mark.line + 1,
                                        ev.start_mark.column + 1,
                                        "YAML: lists and mappings nested more than %d deep; a "
                                        "spec needs a few levels",
                                        SPEC_DEPTH_MAX);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            end = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return st;
}

shopstat_status shopstat_spec_parse_text(const char *path, const char *text, size_t len,
                                         shopstat_spec **out, shopstat_error *err)
{
    *out = NULL;
    if (len > SHOPSTAT_SPEC_MAX_BYTES)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "spec is larger than %u bytes",
                                  SHOPSTAT_SPEC_MAX_BYTES);
    shopstat_status dst = nesting_check(path, text, len, err);
    if (dst)
        return dst;
    shopstat_spec *s = calloc(1, sizeof *s);
    if (!s)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    init_info(&s->info);
    yaml_parser_t parser;
    yaml_document_t doc;
    ctx c = {s, &doc, path, err, NULL};
    shopstat_status st = SHOPSTAT_OK;
    s->info.path = sdup(&c, path, strlen(path));
    if (!s->info.path || !yaml_parser_initialize(&parser)) {
        shopstat_spec_free(s);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_mark_t m = parser.problem_mark;
        if (parser.error == YAML_READER_ERROR) /* (bad bytes: libyaml gives an offset only) */
            return reader_error(path, text, len, &parser, s, err);
        if (parser.error == YAML_MEMORY_ERROR) { /* (not the spec's error: no position) */
            yaml_parser_delete(&parser);
            shopstat_spec_free(s);
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* the commonest cause, which libyaml names only as a character that cannot start
         * a token: a tab where YAML takes spaces */
        int tab = m.index < len && text[m.index] == '\t';
        size_t kcol;
        int quoted;
        size_t klen = long_key(text, len, m.line, &kcol, &quoted);
        if (klen)
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, m.line + 1, kcol + 1,
                                    "a key of %zu characters%s: YAML takes at most %d in a key "
                                    "(a question or segment name, a label's key); shorten it",
                                    klen, quoted ? " with its quotes" : "", YAML_MAX_KEY);
        else
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, m.line + 1, m.column + 1,
                                    "YAML: %s%s%s%s",
                                    parser.problem ? parser.problem : "syntax error",
                                    parser.context ? " " : "", parser.context ? parser.context : "",
                                    tab ? " (a tab: YAML indents with spaces)" : "");
        yaml_parser_delete(&parser);
        shopstat_spec_free(s);
        return st;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || is_null(root))
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, 1, 1, "the spec is empty");
    else
        st = parse_root(&c, root);
    yaml_document_delete(&doc);
    if (!st)
        st = no_second_document(path, &parser, err);
    yaml_parser_delete(&parser);
    if (st) {
        shopstat_spec_free(s);
        return st;
    }
    *out = s;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_spec_parse(const char *path, shopstat_spec **out, shopstat_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOMEM) /* (fopen allocates its FILE: not the spec's fault) */
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    if (!f)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot open the spec: %s",
                                  strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                  "is a folder, not a spec; name the spec (a .yml file) in it");
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    shopstat_status st = SHOPSTAT_OK;
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        if (cap > SHOPSTAT_SPEC_MAX_BYTES) {
            st = shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                    "spec is larger than %u bytes", SHOPSTAT_SPEC_MAX_BYTES);
            break;
        }
        char *n = realloc(buf, cap * 2);
        if (!n) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = n;
        cap *= 2;
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    if (!st && rerr)
        st = shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot read the spec");
    if (!st)
        st = shopstat_spec_parse_text(path, buf, len, out, err);
    free(buf);
    return st;
}

/* ---- columns against the data ---- */

static shopstat_status check_column(const shopstat_spec *s, const shopstat_reader *r,
                                    const char *col, shopstat_pos p, const char *what,
                                    shopstat_error *err)
{
    char cols[160];
    size_t same = shopstat_reader_columns_named(r, col, cols, sizeof cols);
    if (same == 1)
        return SHOPSTAT_OK;
    if (same > 1) /* (as shopstat_reader_column says it, positioned in the spec) */
        return shopstat_error_set(err, SHOPSTAT_EINPUT, s->info.path, p.line, p.col,
                                  "column '%s' in %s is ambiguous: %s of %s have that name; "
                                  "rename them in the header so that each name is unique",
                                  col, what, cols, shopstat_reader_path(r));
    size_t n = shopstat_reader_ncols(r), named = 0;
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (shopstat_reader_colname(r, i)[0])
            names[named++] = shopstat_reader_colname(r, i);
    const char *best = shopstat_closest(col, names, named);
    char h[300] = "";
    if (best)
        snprintf(h, sizeof h, " (did you mean '%.200s'?)", best);
    free(names);
    return shopstat_error_set(err, SHOPSTAT_EINPUT, s->info.path, p.line, p.col,
                              "unknown column '%s'%s in %s; %s has no such column", col, h, what,
                              shopstat_reader_path(r));
}

/* A multi-response question of multi_checked_late: its items (patterns expanded, as the
 * pass does), then its values: against its levels, as the pass will name them. */
static shopstat_status check_multi(const shopstat_spec *s, const shopstat_reader *r,
                                   const shopstat_spec_question *qq, shopstat_error *err)
{
    size_t *cols = NULL, ncols = 0;
    shopstat_status st = SHOPSTAT_OK;
    for (size_t k = 0; k < qq->ncolumns && !st; k++) {
        if (!reader_is_pattern(qq->columns[k]) ||
            shopstat_reader_columns_named(r, qq->columns[k], NULL, 0) > 0) {
            st = check_column(s, r, qq->columns[k], qq->column_pos[k], "a question", err);
            size_t i;
            if (!st && !shopstat_reader_column(r, qq->columns[k], NULL, &i, err)) {
                size_t *nc = realloc(cols, (ncols + 1) * sizeof *nc);
                if (!nc)
                    st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
                else
                    (cols = nc)[ncols++] = i;
            }
            continue;
        }
        size_t *idx, n;
        shopstat_error e2;
        shopstat_error_clear(&e2);
        if (reader_columns_for(r, qq->columns[k], NULL, &idx, &n, &e2)) {
            st =
                e2.status == SHOPSTAT_ENOMEM
                    ? shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory")
                    : shopstat_error_set(err, SHOPSTAT_EINPUT, s->info.path, qq->column_pos[k].line,
                                         qq->column_pos[k].col, "question '%s': %.600s (data: %s)",
                                         qq->name, e2.msg, shopstat_reader_path(r));
            break;
        }
        size_t *nc = realloc(cols, (ncols + n) * sizeof *nc);
        if (!nc)
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        else
            memcpy((cols = nc) + ncols, idx, n * sizeof *idx), ncols += n;
        free(idx);
    }
    int labels = !st && reader_multi_labels(r, cols, ncols);
    for (size_t v = 0; !st && v < qq->nvalues; v++) {
        int found = 0;
        for (size_t j = 0; j < ncols && !found; j++)
            found = strcmp(qq->values[v].code, labels ? shopstat_reader_collabel(r, cols[j])
                                                      : shopstat_reader_colname(r, cols[j])) == 0;
        if (!found)
            st = shopstat_error_set(
                err, SHOPSTAT_EINPUT, s->info.path, qq->values[v].pos.line, qq->values[v].pos.col,
                "values: '%s' is not %s of question '%s'%s", qq->values[v].code,
                labels ? "the option label of one of the columns" : "one of the columns", qq->name,
                labels ? " (read with two header rows, its levels are the second row's labels, "
                         "such as 'Phone' of 'Question / Phone')"
                       : "");
    }
    free(cols);
    return st;
}

static shopstat_status check_conds(const shopstat_spec *s, const shopstat_reader *r,
                                   const shopstat_spec_cond *c, size_t n, const char *what,
                                   shopstat_error *err)
{
    for (size_t i = 0; i < n; i++) {
        shopstat_status st = check_column(s, r, c[i].cond.column, c[i].pos, what, err);
        if (st)
            return st;
    }
    return SHOPSTAT_OK;
}

/* An exclude: item's conditions: as check_conds, a length END-START and a grid
 * FIRST..LAST as the pass binds them (excl_column), an error at the condition. */
static shopstat_status check_excl_conds(const shopstat_spec *s, const shopstat_reader *r,
                                        const shopstat_spec_cond *c, size_t n, shopstat_error *err)
{
    const char *what = "an exclude: expression";
    for (size_t i = 0; i < n; i++) {
        const char *col = c[i].cond.column;
        shopstat_status st;
        if ((strstr(col, "..") || strchr(col, ',')) &&
            shopstat_reader_columns_named(r, col, NULL, 0) == 0) {
            /* (each column of the grid, as any condition's: items joined by ',', each a
             * column or FIRST..LAST) */
            for (const char *item = col; item;) {
                const char *comma = strchr(item, ','), *stop = comma ? comma : item + strlen(item);
                char one[256];
                snprintf(one, sizeof one, "%.*s", (int)(stop - item), item);
                char *dots =
                    shopstat_reader_columns_named(r, one, NULL, 0) ? NULL : strstr(one, "..");
                if (dots)
                    *dots = '\0';
                if ((st = check_column(s, r, one, c[i].pos, what, err)) ||
                    (dots && (st = check_column(s, r, dots + 2, c[i].pos, what, err))))
                    return st;
                item = comma ? comma + 1 : NULL;
            }
        } else if (!strchr(col, '-') || shopstat_reader_columns_named(r, col, NULL, 0) > 0) {
            if ((st = check_column(s, r, col, c[i].pos, what, err)))
                return st;
            continue;
        } else if (!strchr(strchr(col, '-') + 1, '-')) { /* (END-START, one '-': each) */
            char end[256];
            snprintf(end, sizeof end, "%.*s", (int)(strchr(col, '-') - col), col);
            if ((st = check_column(s, r, end, c[i].pos, what, err)) ||
                (st = check_column(s, r, strchr(col, '-') + 1, c[i].pos, what, err)))
                return st;
        }
        /* the kind's own checks (a grid's order; the two columns of a length) */
        char *vals[2] = {NULL, NULL};
        plan_cond pc = {0};
        pc.column = (char *)col;
        pc.op = c[i].cond.op;
        pc.values = vals;
        double x;
        if (c[i].cond.values && c[i].cond.values[0]) {
            vals[0] = (char *)c[i].cond.values[0];
            pc.nvalues = 1;
            pc.unit = excl_length_value(vals[0], &x);
        }
        size_t k;
        shopstat_error e2;
        shopstat_error_clear(&e2);
        if (excl_column(r, &pc, "exclude", &k, NULL, NULL, &e2))
            return e2.status == SHOPSTAT_ENOMEM
                       ? shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory")
                       : shopstat_error_set(err, SHOPSTAT_EINPUT, s->info.path, c[i].pos.line,
                                            c[i].pos.col, "%s (data: %s)", e2.msg,
                                            shopstat_reader_path(r));
    }
    return SHOPSTAT_OK;
}

/* The replicates: against the header (the columns the prefix names, rscales: one value or
 * one per column): an error the command line's flags would get, at the spec's key, in the
 * spec's words. */
static shopstat_status check_replicates(const shopstat_spec *s, const shopstat_reader *r,
                                        shopstat_error *err)
{
    const shopstat_spec_info *in = &s->info;
    shopstat_repweights rw;
    shopstat_error e;
    shopstat_error_clear(&e);
    shopstat_status st = shopstat_repweights_resolve(r, &in->design, &rw, &e);
    shopstat_repweights_free(&rw);
    if (!st)
        return SHOPSTAT_OK;
    if (!strchr(in->design.repweights, ',') && strncmp(e.msg, "design_opts.repweights ", 23) == 0) {
        shopstat_pos p = in->design_pos[4]; /* (the prefix: no such columns, or too many) */
        char *cli = strstr(e.msg, "; give the prefix or a comma-separated list");
        if (cli) /* (the command line's words) */
            snprintf(cli, sizeof e.msg - (size_t)(cli - e.msg), "; give prefix: or columns:");
        return shopstat_error_set(err, st, in->path, p.line, p.col, "replicates: prefix: %s",
                                  e.msg + 23);
    }
    const char *count = strstr(e.msg, " replicate weights are needed");
    if (strchr(in->design.repweights, ',') && strncmp(e.msg, "design_opts.repweights ", 23) == 0 &&
        count) {
        /* (columns: lists too few or too many: the count in the spec's words, at the list) */
        size_t k = 0;
        for (const char *q = in->design.repweights; *q; q++)
            k += *q != ',' && (q == in->design.repweights || q[-1] == ',');
        const char *range = strstr(e.msg, "; between ");
        shopstat_pos p = in->repcols_pos.line ? in->repcols_pos : in->design_pos[4];
        return shopstat_error_set(err, st, in->path, p.line, p.col,
                                  "replicates: columns: lists %zu column%s%s", k, k == 1 ? "" : "s",
                                  range ? range : "");
    }
    if (e.line) /* (at a place in the data already: a column's codes, two columns alike) */
        return shopstat_error_set(err, st, e.file, e.line, e.col, "%s", e.msg);
    const char *rs = strncmp(e.msg, "design_opts.rscales", 19) == 0 ? e.msg + 19 : NULL;
    shopstat_pos p = rs && in->rscales_pos.line ? in->rscales_pos : in->design_pos[4];
    if (rs)
        return shopstat_error_set(err, st, in->path, p.line, p.col, "replicates: rscales:%s", rs);
    return shopstat_error_set(err, st, in->path, p.line, p.col, "replicates: %s", e.msg);
}

/* missing_names with the header: two questions reaching one column, one of them through a
 * pattern (Q5_* beside Q5_1), with different missing: lists; an error at the later one's
 * entry that reaches it. */
static shopstat_status missing_columns(const shopstat_spec *s, const shopstat_reader *r,
                                       shopstat_error *err)
{
    const shopstat_spec_question *q = s->info.questions;
    size_t k = s->info.nquestions, any = 0;
    for (size_t i = 0; i < k; i++)
        any |= q[i].nmissing;
    if (!any)
        return SHOPSTAT_OK;
    size_t *ids = malloc(k * sizeof *ids);
    col_entry *e = NULL;
    size_t m = 0, cap = 0;
    int found = !ids || missing_ids(q, k, ids) ? -1 : 0;
    for (size_t i = 0; i < k && !found; i++)
        for (size_t x = 0; x < q[i].ncolumns && !found; x++) {
            size_t *idx = NULL, n = 0;
            shopstat_error e2;
            shopstat_error_clear(&e2);
            if (reader_columns_for(r, q[i].columns[x], NULL, &idx, &n, &e2)) {
                /* (no such column: check_column's error, or none the reader gives codes) */
                found = e2.status == SHOPSTAT_ENOMEM ? -1 : 0;
                continue;
            }
            if (m + n > cap) {
                size_t nc = cap ? cap : 64;
                while (nc < m + n)
                    nc *= 2;
                col_entry *ne = realloc(e, nc * sizeof *ne);
                if (!ne) {
                    free(idx);
                    found = -1;
                    break;
                }
                e = ne;
                cap = nc;
            }
            for (size_t y = 0; y < n; y++)
                e[m++] = (col_entry){i, x, idx[y]};
            free(idx);
        }
    size_t j = 0, ei = 0;
    if (!found)
        found = missing_clash(e, m, shopstat_reader_ncols(r), ids, &j, &ei);
    shopstat_status st = SHOPSTAT_OK;
    if (found < 0) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    } else if (found) {
        const shopstat_spec_question *b = &q[e[ei].q];
        const char *entry = b->columns[e[ei].k], *col = shopstat_reader_colname(r, e[ei].key);
        char msg[800];
        clash_text(msg, sizeof msg, &q[j], b, col, strcmp(entry, col) ? entry : NULL);
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, s->info.path, b->column_pos[e[ei].k].line,
                                b->column_pos[e[ei].k].col, "%s", msg);
    }
    free(ids);
    free(e);
    return st;
}

shopstat_status shopstat_spec_check_columns(const shopstat_spec *s, const shopstat_reader *r,
                                            shopstat_error *err)
{
    const shopstat_spec_info *in = &s->info;
    const char *design[4] = {in->design.weight, in->design.strata, in->design.psu, in->design.fpc};
    static const char *const dnames[4] = {
        "design weight:", "design strata:", "design psu:", "design fpc:"};
    shopstat_status st;
    for (int i = 0; i < 4; i++)
        if (design[i] && (st = check_column(s, r, design[i], in->design_pos[i], dnames[i], err)))
            return st;
    if (in->design.repweights && (st = check_replicates(s, r, err)))
        return st;
    for (size_t i = 0; i < in->ncalib; i++)
        if ((st = check_column(s, r, in->calib_cols[i], in->calib_pos[i],
                               in->design.rake ? "design rake:"
                                               : "design poststratify:",
                               err)))
            return st;
    for (size_t q = 0; q < in->nquestions; q++) {
        const shopstat_spec_question *qq = &in->questions[q];
        if (multi_checked_late(s, qq)) {
            if ((st = check_multi(s, r, qq, err)))
                return st;
            continue;
        }
        for (size_t k = 0; k < qq->ncolumns; k++)
            if ((st = check_column(s, r, qq->columns[k], qq->column_pos[k], "a question", err)))
                return st;
    }
    if ((st = missing_columns(s, r, err)))
        return st;
    for (size_t x = 0; x < in->nexcludes; x++)
        if ((st = check_excl_conds(s, r, in->excludes[x].conds, in->excludes[x].nconds, err)) ||
            (in->excludes[x].duplicates &&
             (st = check_column(s, r, in->excludes[x].duplicates, in->excludes[x].duplicates_pos,
                                "duplicates:", err))))
            return st;
    for (size_t g = 0; g < in->nsegments; g++) {
        const shopstat_spec_segment *sg = &in->segments[g];
        if ((st = check_conds(s, r, sg->conds, sg->nconds, "a where: expression", err)))
            return st;
        if (sg->by && (st = check_column(s, r, sg->by, sg->by_pos, "by:", err)))
            return st;
    }
    for (size_t t = 0; t < in->ntables; t++)
        if ((st = check_conds(s, r, in->tables[t].base, in->tables[t].nbase, "a base: expression",
                              err)))
            return st;
    return SHOPSTAT_OK;
}

/* ---- labels ---- */

const char *shopstat_spec_label(void *vctx, const char *question, const char *level,
                                const char *segment)
{
    const shopstat_spec_info *in = &((const shopstat_spec *)vctx)->info;
    if (segment) {
        for (size_t i = 0; i < in->nsegments; i++)
            if (strcmp(in->segments[i].name, segment) == 0)
                return in->segments[i].label;
        /* COL=VALUE of a by: segment: the value label of a question on that column */
        const char *eq = strchr(segment, '=');
        if (!eq)
            return NULL;
        for (size_t q = 0; q < in->nquestions; q++) {
            const shopstat_spec_question *qq = &in->questions[q];
            if (qq->kind != SHOPSTAT_Q_SINGLE || qq->nrecodes ||
                strlen(qq->columns[0]) != (size_t)(eq - segment) ||
                strncmp(qq->columns[0], segment, (size_t)(eq - segment)) != 0)
                continue;
            for (size_t v = 0; v < qq->nvalues; v++)
                if (strcmp(qq->values[v].code, eq + 1) == 0)
                    return qq->values[v].label;
        }
        /* else the codebook's label of the value, its column read by no question */
        const shopstat_spec *sp = vctx;
        for (size_t k = 0; k < sp->ncblabels; k++)
            if (strlen(sp->cblabels[k].variable) == (size_t)(eq - segment) &&
                strncmp(sp->cblabels[k].variable, segment, (size_t)(eq - segment)) == 0 &&
                strcmp(sp->cblabels[k].value, eq + 1) == 0)
                return sp->cblabels[k].label;
        /* else a value that says what it is ("North") is its own label, as a banner's
         * column reads; a number ("1") keeps its column's name (region=1), as does a code of
         * one or two characters ("region=N": "N" alone says little), as the CLI's charts */
        double x;
        size_t vl = strlen(eq + 1);
        return vl < 3 || shopstat_parse_number(eq + 1, vl, 1, &x) == 1 ? NULL : eq + 1;
    }
    const shopstat_spec_question *q = question ? find_question(in, question) : NULL;
    if (!q)
        return NULL;
    if (!level)
        return q->label;
    for (size_t v = 0; v < q->nvalues; v++)
        if (strcmp(q->values[v].code, level) == 0)
            return q->values[v].label;
    return NULL;
}
