/* Codebooks: a panel's value labels read from a CSV of variable, value and label. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shopstat/reader.h"

struct shopstat_codebook {
    shopstat_value_label *v;
    size_t n, cap;
};

typedef struct cb_ctx {
    shopstat_codebook *cb;
    const char *path;
    size_t var, value, label; /* the three columns */
    const char *carried;      /* the last variable named: carried_own */
    char *carried_own;
} cb_ctx;

static size_t trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

/* The column of r named one of names (any case), or SIZE_MAX. */
static size_t column_of(const shopstat_reader *r, const char *const *names)
{
    for (const char *const *nm = names; *nm; nm++)
        for (size_t i = 0; i < shopstat_reader_ncols(r); i++)
            if (strcasecmp(shopstat_reader_colname(r, i), *nm) == 0)
                return i;
    return SIZE_MAX;
}

static shopstat_status cb_row(void *vctx, const shopstat_row *row, shopstat_error *err)
{
    cb_ctx *c = vctx;
    shopstat_codebook *cb = c->cb;
    const char *var = row->fields[c->var], *code = row->fields[c->value];
    const char *label = row->fields[c->label];
    size_t vlen = trimmed(var, row->lens[c->var]), clen = trimmed(code, row->lens[c->value]);
    size_t llen = trimmed(label, row->lens[c->label]);
    if (vlen) {
        char *v = strndup(var, vlen);
        if (!v)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, c->path, 0, 0, "out of memory");
        free(c->carried_own);
        c->carried_own = v;
        c->carried = v;
    }
    if (!clen && !llen)
        return SHOPSTAT_OK; /* (a variable's line without labels: its name alone) */
    if (!c->carried)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->var].line,
                                  row->pos[c->var].col,
                                  "a codebook's first label names no variable (the "
                                  "variable's name, then its values below it)");
    if (!clen || !llen) {
        size_t k = clen ? c->label : c->value;
        return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[k].line, row->pos[k].col,
                                  "%s %.200s: %s without a %s", c->carried, clen ? code : label,
                                  clen ? "a value" : "a label", clen ? "label" : "value");
    }
    for (size_t j = 0; j < cb->n; j++)
        if (strcmp(cb->v[j].variable, c->carried) == 0 && strlen(cb->v[j].value) == clen &&
            memcmp(cb->v[j].value, code, clen) == 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, c->path, row->pos[c->value].line,
                                      row->pos[c->value].col,
                                      "%s value %.*s is labelled twice (line %zu too)", c->carried,
                                      (int)clen, code, cb->v[j].pos.line);
    if (cb->n == cb->cap) {
        size_t cap = cb->cap ? 2 * cb->cap : 32;
        shopstat_value_label *nv = realloc(cb->v, cap * sizeof *nv);
        if (!nv)
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, c->path, 0, 0, "out of memory");
        cb->v = nv;
        cb->cap = cap;
    }
    /* (each entry owns its strings: the variable's own copy, shared by no other entry) */
    char *vv = strdup(c->carried), *cc = vv ? strndup(code, clen) : NULL,
         *ll = cc ? strndup(label, llen) : NULL;
    if (!ll) {
        free(vv);
        free(cc);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, c->path, 0, 0, "out of memory");
    }
    cb->v[cb->n++] = (shopstat_value_label){vv, cc, ll, row->pos[c->value]};
    return SHOPSTAT_OK;
}

shopstat_status shopstat_codebook_read(const char *path, shopstat_codebook **out,
                                       shopstat_error *err)
{
    static const char *const var_names[] = {"variable", "var", "name", "column", NULL};
    static const char *const value_names[] = {"value", "code", NULL};
    static const char *const label_names[] = {"label", "value label", "value_label", "text", NULL};
    *out = NULL;
    shopstat_reader *r = NULL;
    shopstat_status st = shopstat_reader_open(path, NULL, &r, err);
    if (st)
        return st;
    shopstat_codebook *cb = calloc(1, sizeof *cb);
    if (!cb) {
        shopstat_reader_free(r);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    }
    cb_ctx c = {
        cb,   path, column_of(r, var_names), column_of(r, value_names), column_of(r, label_names),
        NULL, NULL};
    if (c.var == SIZE_MAX || c.value == SIZE_MAX || c.label == SIZE_MAX)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, 1, 1,
                                "a codebook has columns variable, value and label (any case; "
                                "its header has no %s column)",
                                c.var == SIZE_MAX     ? "variable"
                                : c.value == SIZE_MAX ? "value"
                                                      : "label");
    else
        st = shopstat_reader_run(r, cb_row, &c, err);
    free(c.carried_own);
    shopstat_reader_free(r);
    if (st) {
        shopstat_codebook_free(cb);
        return st;
    }
    *out = cb;
    return SHOPSTAT_OK;
}

size_t shopstat_codebook_n(const shopstat_codebook *cb)
{
    return cb->n;
}

const shopstat_value_label *shopstat_codebook_entry(const shopstat_codebook *cb, size_t i)
{
    return &cb->v[i];
}

void shopstat_codebook_free(shopstat_codebook *cb)
{
    if (!cb)
        return;
    for (size_t i = 0; i < cb->n; i++) {
        free((char *)cb->v[i].variable);
        free((char *)cb->v[i].value);
        free((char *)cb->v[i].label);
    }
    free(cb->v);
    free(cb);
}
