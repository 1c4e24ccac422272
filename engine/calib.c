/* Post-stratification (R's postStratify): the population file, calibrated sums, variance. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

#define PS_SEP '\x1f' /* between the columns' texts in a post-stratum's key */

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

void ps_free(ps_state *ps)
{
    if (!ps)
        return;
    free(ps->cols);
    strmap_free(&ps->strata);
    free(ps->N);
    free(ps->line);
    free(ps->path);
    free(ps->kbuf);
    free(ps->g);
    free(ps->wsum);
    free(ps->w2sum);
    free(ps->nzero);
    free(ps->nrows);
    rake_free(ps->rk);
    free(ps->aa);
    free(ps->pu);
    free(ps->real);
    free(ps->a);
    free(ps->r);
    free(ps->realA);
    free(ps->slg);
    free(ps);
}

/* The population file's rows, read by pop_row. */
typedef struct pop_ctx {
    ps_state *ps;
    const shopstat_reader *r;
    size_t *pcol; /* the post-strata's columns in the population file */
    size_t ncol, ncount;
    char *key;
    size_t kcap;
    const char *noun; /* a row of the file: "post-stratum" */
} pop_ctx;

size_t ps_join_key(const shopstat_row *row, const size_t *cols, size_t n, char **buf,
                       size_t *cap)
{
    size_t len = 0;
    for (size_t j = 0; j < n; j++)
        len += row->lens[cols[j]] + 1;
    if (len + 1 > *cap) {
        char *b = realloc(*buf, 2 * len + 16);
        if (!b)
            return SIZE_MAX;
        *buf = b;
        *cap = 2 * len + 16;
    }
    size_t o = 0;
    for (size_t j = 0; j < n; j++) {
        if (j)
            (*buf)[o++] = PS_SEP;
        memcpy(*buf + o, row->fields[cols[j]], row->lens[cols[j]]);
        o += row->lens[cols[j]];
    }
    (*buf)[o] = '\0';
    return o;
}

static shopstat_status pop_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    pop_ctx *c = ctx;
    ps_state *ps = c->ps;
    const char *path = shopstat_reader_path(c->r);
    for (size_t j = 0; j < c->ncol; j++) {
        size_t k = c->pcol[j];
        if (row->lens[k] == 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[k].line,
                                      row->pos[k].col,
                                      "population column '%s' is empty in this row: each row "
                                      "names one %s by its value in every column",
                                      shopstat_reader_colname(c->r, k), c->noun);
    }
    size_t k = c->ncount;
    const char *s = row->fields[k];
    size_t n = row->lens[k];
    double x = NAN;
    if (shopstat_parse_number(s, n, shopstat_reader_dialect(c->r)->decimal_comma, &x) != 1)
        x = NAN;
    if (!isfinite(x) && n == 0)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[k].line, row->pos[k].col,
                                  "population total is empty: give this %s's count (or leave "
                                  "out its line when it has no rows in the data)",
                                  c->noun);
    if (!isfinite(x)) {
        /* the usual ways a count is written for people: 18% (a share), 18,000 or 18 000 */
        const char *why = memchr(s, '%', n) ? ": a percentage; give counts, as R's "
                                              "postStratify takes"
                          : memchr(s, ',', n) || memchr(s, ' ', n) || memchr(s, '\'', n)
                                  ? ": write it without thousands separators"
                                  : "";
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[k].line, row->pos[k].col,
                                  "population total '%.*s' is not a number%s",
                                  (int)(n > 40 ? 40 : n), s, why);
    }
    if (!(x > 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[k].line, row->pos[k].col,
                                  "population total %.*s is not positive: a %s "
                                  "must have a population (leave out the rows of one that "
                                  "has none)",
                                  (int)(n > 40 ? 40 : n), s, c->noun);
    size_t kl = ps_join_key(row, c->pcol, c->ncol, &c->key, &c->kcap);
    if (kl == SIZE_MAX)
        return nomem(err);
    int added = 0;
    long id = smap_put(&ps->strata, c->key, kl, &added);
    if (id < 0)
        return id == -1 ? nomem(err)
                        : shopstat_error_set(err, SHOPSTAT_ELIMIT, path, row->pos[0].line, 1,
                                             "too many %ss in the population file",
                                             c->noun);
    if (!added)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[0].line, row->pos[0].col,
                                  "%s given twice: line %zu gives it too", c->noun,
                                  ps->line[id]);
    size_t need = (size_t)id + 1;
    double *N = realloc(ps->N, need * sizeof *N);
    if (!N)
        return nomem(err);
    ps->N = N;
    size_t *line = realloc(ps->line, need * sizeof *line);
    if (!line)
        return nomem(err);
    ps->line = line;
    ps->N[id] = x;
    ps->line[id] = row->pos[0].line;
    return SHOPSTAT_OK;
}

/* The population file: a column per post-stratification column and one N or Freq. */
shopstat_status ps_read_population(ps_state *ps, const char *file, const char *opt,
                                   const char *spec, const char *noun, shopstat_error *err)
{
    shopstat_reader *r = NULL;
    shopstat_status st = shopstat_reader_open(file, NULL, &r, err);
    if (st)
        return st;
    pop_ctx c = {.ps = ps, .r = r, .ncol = ps->ncols, .ncount = SIZE_MAX, .noun = noun};
    size_t ncols = shopstat_reader_ncols(r);
    c.pcol = calloc(ps->ncols ? ps->ncols : 1, sizeof *c.pcol);
    if (!c.pcol) {
        shopstat_reader_free(r);
        return nomem(err);
    }
    for (size_t j = 0; j < ps->ncols; j++)
        c.pcol[j] = SIZE_MAX;
    const char *path = shopstat_reader_path(r);
    for (size_t i = 0; i < ncols && !st; i++) {
        const char *name = shopstat_reader_colname(r, i);
        shopstat_pos pos = shopstat_reader_colpos(r, i);
        int found = 0;
        for (size_t m = 0; m < ps->ncols; m++) {
            if (strcmp(name, ps->kbuf + ps->cols[m]) == 0) {
                if (c.pcol[m] != SIZE_MAX)
                    st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, pos.line, pos.col,
                                            "population column '%s' is given twice", name);
                c.pcol[m] = i;
                found = 1;
            }
        }
        if (found || st)
            continue;
        if (strcmp(name, "N") == 0 || strcmp(name, "Freq") == 0) {
            if (c.ncount != SIZE_MAX)
                st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, pos.line, pos.col,
                                        "population columns N and Freq are both given: one "
                                        "column holds the totals");
            c.ncount = i;
            continue;
        }
        /* the near misses: Region for region, n for N, a trailing delimiter's '' */
        const char *near = NULL;
        for (size_t m = 0; m < ps->ncols && !near; m++)
            if (strcasecmp(name, ps->kbuf + ps->cols[m]) == 0)
                near = ps->kbuf + ps->cols[m];
        if (!near && strcasecmp(name, "N") == 0)
            near = "N";
        if (!near && strcasecmp(name, "Freq") == 0)
            near = "Freq";
        char hint[300] = "";
        if (near)
            snprintf(hint, sizeof hint, " (did you mean '%s'? names are case-sensitive)", near);
        else if (!name[0])
            snprintf(hint, sizeof hint, " (a column without a name: a delimiter at the end of "
                                        "the header? remove it)");
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, pos.line, pos.col,
                                "population column '%s' is neither a %s column (%s '%s') "
                                "nor N or Freq, the totals%s",
                                name, strcmp(noun, "post-stratum") ? "margin's"
                                                                    : "post-stratification",
                                opt, spec, hint);
    }
    for (size_t m = 0; m < ps->ncols && !st; m++)
        if (c.pcol[m] == SIZE_MAX)
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, 1, 1,
                                    "population file has no column '%s' (%s): it needs "
                                    "one per %s column and N or Freq",
                                    ps->kbuf + ps->cols[m], opt,
                                    strcmp(noun, "post-stratum") ? "margin's"
                                                                 : "post-stratification");
    if (!st && c.ncount == SIZE_MAX)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, 1, 1,
                                "population file has no column N or Freq: the %ss' "
                                "population totals", noun);
    if (!st)
        st = shopstat_reader_run(r, pop_row, &c, err);
    if (!st && ps->strata.n == 0)
        st = shopstat_error_set(err, SHOPSTAT_EINPUT, path, 2, 1,
                                "population file lists no %s", noun);
    if (!st && !(ps->path = malloc(strlen(path) + 1)))
        st = nomem(err);
    if (!st)
        memcpy(ps->path, path, strlen(path) + 1);
    free(c.pcol);
    free(c.key);
    shopstat_reader_free(r);
    return st;
}

shopstat_status ps_parse_cols(ps_state *ps, const char *spec, size_t len, const char *opt,
                              shopstat_error *err)
{
    /* the column names, kept in kbuf (cols[m]: offsets) while the population is read */
    ps->kbuf = malloc(len + 1);
    ps->cols = calloc(len + 1, sizeof *ps->cols);
    if (!ps->kbuf || !ps->cols)
        return nomem(err);
    memcpy(ps->kbuf, spec, len);
    ps->kbuf[len] = '\0';
    ps->kcap = len + 1;
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i < len && ps->kbuf[i] != ',')
            continue;
        ps->kbuf[i] = '\0';
        if (i == start)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "%s '%.*s' has an empty column name", opt, (int)len,
                                      spec);
        for (size_t m = 0; m < ps->ncols; m++)
            if (strcmp(ps->kbuf + ps->cols[m], ps->kbuf + start) == 0)
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "%s names column '%s' twice", opt, ps->kbuf + start);
        ps->cols[ps->ncols++] = start;
        start = i + 1;
    }
    return SHOPSTAT_OK;
}

shopstat_status ps_bind(shopstat_totals *t, shopstat_error *err)
{
    const shopstat_plan *p = t->plan;
    if (!p->design.poststratify && !p->design.rake)
        return SHOPSTAT_OK;
    ps_state *ps = t->ps = calloc(1, sizeof *ps);
    if (!ps)
        return nomem(err);
    smap_init(&ps->strata);
    if (p->design.rake)
        return rake_bind(t, err);
    const char *spec = p->design.poststratify;
    shopstat_status st = ps_parse_cols(ps, spec, strlen(spec), "design_opts.poststratify", err);
    if (!st)
        st = ps_read_population(ps, p->design.population, "design_opts.poststratify", spec,
                                "post-stratum", err);
    if (st)
        return st;
    /* now the data's columns */
    for (size_t m = 0; m < ps->ncols; m++) {
        size_t idx;
        if ((st = shopstat_reader_column(t->reader, ps->kbuf + ps->cols[m], "poststratify", &idx,
                                         err)))
            return st;
        ps->cols[m] = idx;
    }
    return SHOPSTAT_OK;
}

void ps_show_key(const char *k, size_t kl, char *shown, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < kl && o + 2 < n; i++) {
        if (k[i] == PS_SEP) {
            shown[o++] = ',';
            shown[o++] = ' ';
        } else {
            shown[o++] = k[i];
        }
    }
    shown[o] = '\0';
}

/* k's text folded for a near match: no spaces, lower case, no leading zeros before a
 * digit in each column's value ("01" and "1", "North " and "north"); into out (n bytes). */
static void fold_key(const char *k, size_t kl, char *out, size_t n)
{
    size_t o = 0;
    int start = 1;
    for (size_t i = 0; i < kl && o + 1 < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == ' ' || c == '\t')
            continue;
        if (start && c == '0' && i + 1 < kl && k[i + 1] >= '0' && k[i + 1] <= '9')
            continue;
        start = c == PS_SEP;
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    out[o] = '\0';
}

void ps_missing_hint(const ps_state *p, const char *k, size_t kl, char *hint, size_t n)
{
    char fk[200], fg[200], shown[200];
    size_t G = p->strata.n, o = 0;
    if (!n)
        return;
    hint[0] = '\0';
    fold_key(k, kl, fk, sizeof fk);
    for (size_t g = 0; g < G; g++) {
        fold_key(SMAP_KEY(&p->strata, g), SMAP_LEN(&p->strata, g), fg, sizeof fg);
        if (strcmp(fk, fg) == 0) {
            ps_show_key(SMAP_KEY(&p->strata, g), SMAP_LEN(&p->strata, g), shown, sizeof shown);
            char mine[200];
            ps_show_key(k, kl, mine, sizeof mine);
            snprintf(hint, n, " (the file has '%s' at line %zu: write it '%s', as the data do)",
                     shown, p->line[g], mine);
            return;
        }
    }
    o += (size_t)snprintf(hint, n, " (the file lists ");
    for (size_t g = 0; g < G && g < 4 && o < n; g++) {
        ps_show_key(SMAP_KEY(&p->strata, g), SMAP_LEN(&p->strata, g), shown, sizeof shown);
        o += (size_t)snprintf(hint + o, n - o, "%s'%s'", g ? ", " : "", shown);
    }
    if (o < n && G > 4)
        o += (size_t)snprintf(hint + o, n - o, " and %zu more", G - 4);
    if (o < n)
        snprintf(hint + o, n - o, ")");
}

shopstat_status ps_cols_present(const shopstat_totals *t, const shopstat_row *row,
                                const ps_state *p, const char *what, const char *needs,
                                shopstat_error *err)
{
    for (size_t j = 0; j < p->ncols; j++) {
        size_t c = p->cols[j];
        if (!shopstat_reader_is_missing_at(t->reader, c, row->fields[c], row->lens[c]))
            continue;
        char hint[400];
        return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, row->pos[c].line, row->pos[c].col,
                                  "%s column '%s' is missing in this row: every row needs %s%s",
                                  what, shopstat_reader_colname(t->reader, c), needs,
                                  reader_missing_row_hint(t->reader, row, c, hint, sizeof hint));
    }
    return SHOPSTAT_OK;
}

shopstat_status ps_row(shopstat_totals *t, const shopstat_row *row, size_t *klen, long *g,
                       shopstat_error *err)
{
    ps_state *ps = t->ps;
    if (ps->rk) {
        *klen = 0;
        return rake_row(t, row, g, err);
    }
    shopstat_status st = ps_cols_present(t, row, ps, "poststratify",
                                         "its post-stratum (R's postStratify stops too)", err);
    if (st)
        return st;
    size_t kl = ps_join_key(row, ps->cols, ps->ncols, &ps->kbuf, &ps->kcap);
    if (kl == SIZE_MAX)
        return nomem(err);
    size_t id = strmap_find(&ps->strata, ps->kbuf, kl, strmap_hash(ps->kbuf, kl));
    if (id == (size_t)-1) {
        size_t c = ps->cols[0];
        char shown[200], hint[600];
        ps_show_key(ps->kbuf, kl, shown, sizeof shown);
        ps_missing_hint(ps, ps->kbuf, kl, hint, sizeof hint);
        return shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, row->pos[c].line,
                                  row->pos[c].col,
                                  "post-stratum '%s' of this row is not in the population file "
                                  "%s: give its population total there%s",
                                  shown, ps->path, hint);
    }
    *klen = kl;
    *g = (long)id;
    return SHOPSTAT_OK;
}

int ps_unit(shopstat_totals *t, size_t uid, long g)
{
    ps_state *ps = t->ps;
    if (uid >= ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 256;
        while (cap <= uid)
            cap *= 2;
        uint32_t *gg = realloc(ps->g, cap * sizeof *gg);
        if (!gg)
            return -1;
        ps->g = gg;
        double *w = realloc(ps->wsum, cap * sizeof *w);
        if (!w)
            return -1;
        ps->wsum = w;
        double *w2 = realloc(ps->w2sum, cap * sizeof *w2);
        if (!w2)
            return -1;
        ps->w2sum = w2;
        memset(ps->w2sum + ps->cap, 0, (cap - ps->cap) * sizeof *w2);
        size_t *z = realloc(ps->nzero, cap * sizeof *z);
        if (!z)
            return -1;
        ps->nzero = z;
        size_t *nr = realloc(ps->nrows, cap * sizeof *nr);
        if (!nr)
            return -1;
        ps->nrows = nr;
        memset(ps->wsum + ps->cap, 0, (cap - ps->cap) * sizeof *w);
        memset(ps->nzero + ps->cap, 0, (cap - ps->cap) * sizeof *z);
        memset(ps->nrows + ps->cap, 0, (cap - ps->cap) * sizeof *nr);
        ps->cap = cap;
    }
    ps->g[uid] = (uint32_t)g;
    return 0;
}

void ps_name(const ps_state *ps, size_t g, char *buf, size_t n)
{
    const char *k = SMAP_KEY(&ps->strata, g);
    size_t o = 0;
    for (size_t i = 0; k[i] && o + 3 < n; i++) {
        if (k[i] == PS_SEP) {
            buf[o++] = ',';
            buf[o++] = ' ';
        } else {
            buf[o++] = k[i];
        }
    }
    if (n)
        buf[o < n ? o : n - 1] = '\0';
}

/* Bytes of a pseudo-unit's key that follow its PSU's: the post-stratum's id (pass.c). */
#define PS_KEY_TAIL sizeof(uint32_t)

shopstat_status ps_collapse(shopstat_totals *t, shopstat_error *err)
{
    ps_state *ps = t->ps;
    size_t npu = t->nunits, nc = t->ncell;
    strmap real;
    smap_init(&real);
    ps->real = malloc((npu ? npu : 1) * sizeof *ps->real);
    if (!ps->real) {
        strmap_free(&real);
        return nomem(err);
    }
    for (size_t u = 0; u < npu && !t->element; u++) {
        const char *k = SMAP_KEY(&t->psus, u);
        size_t kl = SMAP_LEN(&t->psus, u) - PS_KEY_TAIL;
        long id = smap_put(&real, k, kl, NULL);
        if (id < 0) {
            strmap_free(&real);
            return nomem(err);
        }
        ps->real[u] = (size_t)id;
    }
    size_t nreal = real.n;
    strmap_free(&real);
    if (t->element) { /* (the units are the strata: a stratum's rows are its PSUs) */
        nreal = t->strata.n;
        for (size_t u = 0; u < npu; u++)
            ps->real[u] = t->units[u].stratum;
    }
    unit *ru = calloc(nreal ? nreal : 1, sizeof *ru);
    cell_acc *A = calloc(nreal * nc + 1, sizeof *A);
    ps->slg = malloc((npu ? npu : 1) * sizeof *ps->slg);
    if (!ru || !A || !ps->slg) {
        free(ru);
        free(A);
        return nomem(err);
    }
    if (npu)
        memcpy(ps->slg, ps->g, npu * sizeof *ps->slg);
    for (size_t i = 0; i < nreal; i++) {
        ru[i].A = A + i * nc;
        ru[i].cap = nc;
    }
    for (size_t u = 0; u < npu; u++) {
        const unit *pu = &t->units[u];
        unit *r = &ru[ps->real[u]];
        r->stratum = pu->stratum;
        r->any_pos |= pu->any_pos;
        r->any_base0 |= pu->any_base0;
        /* (a pseudo-unit's sums are by slot: pass.c, ps_slots) */
        const ps_slots *m = ps_slots_at(ps, ps->slg[u]);
        for (size_t k = 0, lim = ps_unit_used(m, pu); k < lim; k++) {
            size_t c = m->cell[k];
            r->A[c].T += pu->A[k].T;
            r->A[c].N += pu->A[k].N;
            r->A[c].P += pu->A[k].P;
        }
    }
    for (size_t i = 0; i < nreal; i++)
        ru[i].stratum = t->element ? (uint32_t)i : ru[i].stratum;
    for (size_t h = 0; h < t->strata.n && !t->element; h++)
        t->st[h].npsu = 0;
    for (size_t i = 0; i < nreal && !t->element; i++)
        t->st[ru[i].stratum].npsu++;
    ps->pu = t->units;
    ps->npu = npu;
    ps->realA = A;
    t->units = ru;
    t->nunits = t->unitcap = nreal;
    return SHOPSTAT_OK;
}

/* Post-stratification's factors: ps->r[g] = N_g / What_g. */
static shopstat_status ps_factors(shopstat_totals *t, int fpcw, shopstat_error *err)
{
    ps_state *ps = t->ps;
    size_t G = ps->strata.n;
    double *what = calloc(2 * G + 1, sizeof *what), *comp = what + G;
    ps->r = calloc(G + 1, sizeof *ps->r);
    size_t *rows = calloc(G + 1, sizeof *rows);
    if (!what || !ps->r || !rows) {
        free(what);
        free(rows);
        return nomem(err);
    }
    for (size_t u = 0; u < ps->npu; u++) {
        double c = fpcw ? t->st[ps->pu[u].stratum].w_fpc : 1;
        ksum(&what[ps->g[u]], &comp[ps->g[u]], c * ps->wsum[u]);
        rows[ps->g[u]] = 1;
    }
    shopstat_status st = SHOPSTAT_OK;
    for (size_t g = 0; g < G && !st; g++) {
        double W = what[g] + comp[g];
        /* R's postStratify stops for a post-stratum of the population without sample
         * weight ("Some strata absent from sample"): so does shopstat */
        if (!(W > 0)) {
            char shown[200];
            ps_show_key(SMAP_KEY(&ps->strata, g), SMAP_LEN(&ps->strata, g), shown,
                        sizeof shown);
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, ps->path, ps->line[g], 1,
                                    rows[g] ? "post-stratum '%s' has rows in %s but their "
                                              "weights sum to 0: its weights cannot be "
                                              "calibrated to its total"
                                            : "post-stratum '%s' has no row in %s (R's "
                                              "postStratify stops too): leave its line out, "
                                              "or join it to a neighbouring post-stratum",
                                    shown, t->path);
        }
        ps->r[g] = ps->N[g] / W;
    }
    free(what);
    free(rows);
    ps->ng = G;
    return st;
}

shopstat_status ps_calibrate(shopstat_totals *t, shopstat_error *err)
{
    ps_state *ps = t->ps;
    size_t nc = t->ncell;
    /* the design's weights: the weight column's, or without one N_h / n_h from the fpc
     * (R's svydesign), constant within a stratum */
    int fpcw = t->fcol != SIZE_MAX && !t->has_weight;
    ps->a = calloc(ps->npu + 1, sizeof *ps->a);
    ps->aa = calloc(ps->npu + 1, sizeof *ps->aa);
    if (!ps->a || !ps->aa)
        return nomem(err);
    shopstat_status st = ps->rk ? rake_fit(t, err) : ps_factors(t, fpcw, err);
    if (st)
        return st;
    /* (R's svyrecvar gives a row of weight 0 the residualisation weight 1 after
     * postStratify; after rake it divides by its weight 0, see rake_resid) */
    double zw = ps->rk ? 0 : 1;
    /* the pseudo-units' sums calibrated, the real PSUs summed again, the cells' w^2 */
    for (size_t i = 0; i < t->nunits; i++)
        memset(t->units[i].A, 0, nc * sizeof *t->units[i].A);
    double *w2 = calloc(2 * nc + 1, sizeof *w2), *w2c = w2 + nc;
    if (!w2)
        return nomem(err);
    for (size_t u = 0; u < ps->npu; u++) {
        unit *pu = &ps->pu[u];
        double f = (fpcw ? t->st[pu->stratum].w_fpc : 1) * ps->r[ps->g[u]], f2 = f * f;
        ps->a[u] = f * ps->wsum[u] + zw * (double)ps->nzero[u];
        ps->aa[u] = f2 * ps->w2sum[u] + zw * (double)ps->nzero[u];
        unit *r = &t->units[ps->real[u]];
        const ps_slots *m = ps_slots_at(ps, ps->slg[u]);
        for (size_t k = 0, lim = ps_unit_used(m, pu); k < lim; k++) {
            size_t c = m->cell[k];
            pu->A[k].T *= f;
            r->A[c].T += pu->A[k].T;
            r->A[c].N += pu->A[k].N;
            r->A[c].P += pu->A[k].P;
            double q = pu->Q[k] * f2;
            if (pu->QL) /* (the low part: pass.c, ps_keep_lows) */
                pu->QL[k] = fma(pu->Q[k], f2, -q) + pu->QL[k] * f2;
            pu->Q[k] = q;
            ksum(&w2[c], &w2c[c], pu->Q[k]);
        }
    }
    /* (the base cells carry their rows' w^2 for the effective base) */
    for (size_t c = 0; c < nc; c++)
        if (t->cell[c].w2 != 0)
            t->cell[c].w2 = w2[c] + w2c[c];
    free(w2);
    return SHOPSTAT_OK;
}

/* (hi, lo) += a b, the product's error kept (an FMA is exact whatever the compiler fuses) */
static inline void el_acc(double *hi, double *lo, double a, double b)
{
    double p = a * b, e = fma(a, b, -p);
    double s = *hi + p, bb = s - *hi;
    double err = ((*hi - (s - bb)) + (p - bb)) + (*lo + e);
    double h = s + err;
    *lo = err - (h - s);
    *hi = h;
}

/* An element design's strata sums of the residuals (every row its own PSU): row k's
 * residual is z_k - a_k c_g (c_g = Z_g / N_g), so a pseudo-unit (stratum, post-stratum)
 * adds sum z - c_g sum a to S1 and sum z z' - c' sum z a - c sum z' a + c c' sum a^2 to S2,
 * where sum z a is the cells' sums of w^2 (a row's a is its weight, and z is 0 on a row of
 * weight 0) and sum z z' those of the cells holding both rows (cross cells), as totals_cov
 * takes them. With weights from 1e-6 to 1e6 a pseudo-unit's residuals may be 1e-10 of its
 * scores (a post-stratum nearly of one answer), and those terms' round-off (1e-16 of them)
 * was the whole of the variance (the audit's ext6.R, seed 96: an SE of 0, or 1.27e-8,
 * where R and exact rational arithmetic give 1.01e-9 and 4.11e-9; oracle calib_extreme/):
 * so the sum is taken apart below, its sums in double-double (a proportion near 1 has
 * coefficients 1 / W and -p / W on its level and base cells: sum z z' is (1 - 2p + p^2)
 * times a sum of w^2). The cells' sums of w^2 are double-doubles too (Q and its low part
 * QL: pass.c, ps_keep_lows; scaled by ps_calibrate): rounded to doubles, a base cell's sum
 * less its level cell's, where the other levels' rows weigh 1e-15 of it, kept the round-off
 * of the whole (ext6.R seed 162: an SE 3.3% off R's; oracle
 * calib_extreme/ext_element_s162_post). */
static shopstat_status element_sums(const shopstat_totals *t, const lin_term *const *terms,
                                    const size_t *nterms, size_t K, const double *z,
                                    const double *cg, double *S1, double *S2, shopstat_error *err)
{
    const ps_state *ps = t->ps;
    double *za = calloc(3 * K + 1, sizeof *za), *zal = za + K, *c = za + 2 * K;
    if (!za)
        return nomem(err);
    shopstat_status st = SHOPSTAT_OK;
    for (size_t u = 0; u < ps->npu && !st; u++) {
        const unit *pu = &ps->pu[u];
        const ps_slots *sm = ps_slots_at(ps, ps->slg[u]); /* (its sums are by slot) */
        size_t h = pu->stratum, g = ps->g[u];
        for (size_t k = 0; k < K; k++) {
            c[k] = cg[g * K + k];
            S1[h * K + k] += z[u * K + k] - ps->a[u] * c[k];
            double s = 0, sl0 = 0;
            for (size_t j = 0; j < nterms[k]; j++) {
                long sl = ps_cell_slot(sm, pu, terms[k][j].cell);
                if (sl < 0)
                    continue;
                el_acc(&s, &sl0, terms[k][j].coef, pu->Q[sl]);
                if (pu->QL)
                    el_acc(&s, &sl0, terms[k][j].coef, pu->QL[sl]);
            }
            za[k] = s;
            zal[k] = sl0;
        }
        for (size_t k = 0; k < K && !st; k++)
            for (size_t l = k; l < K; l++) {
                double zz = 0, zzl = 0;
                for (size_t a = 0; a < nterms[k] && !st; a++) {
                    if (terms[k][a].cell < 0)
                        continue;
                    for (size_t b = 0; b < nterms[l]; b++) {
                        if (terms[l][b].cell < 0)
                            continue;
                        long x = totals_cross_cell(t, terms[k][a].cell, terms[l][b].cell);
                        if (x == -2) {
                            st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                                    "cross products of two cells are not "
                                                    "available for this statistic");
                            break;
                        }
                        long sx = ps_cell_slot(sm, pu, x);
                        if (sx >= 0) {
                            double ca = terms[k][a].coef, cb = terms[l][b].coef;
                            double p = ca * cb, pe = fma(ca, cb, -p);
                            el_acc(&zz, &zzl, p, pu->Q[sx]);
                            el_acc(&zz, &zzl, pe, pu->Q[sx]);
                            if (pu->QL)
                                el_acc(&zz, &zzl, p, pu->QL[sx]);
                        }
                    }
                }
                /* v = zz - c' za - c za' + c c' aa, as (zz - za za' / aa) + aa (b - c)(b' - c')
                 * with b = za / aa, the pseudo-unit's mean score (weighted by a^2): the
                 * first term the scores' spread within it, 0 where its rows share one score
                 * (summed in double-double; taken as 0 within the round-off of its inputs,
                 * aa's plain sum beside the cells' compensated ones: 2e-13 of sum z^2, not of
                 * its expanded terms, which cancel exactly here where the coefficients of a
                 * proportion near 1 cancel: ext6.R seed 46), the second its mean's distance
                 * from c_g, taken as 0 within the round-off of b and c (a post-stratum's own
                 * share) */
                double A2 = ps->aa[u], v = 0;
                if (A2 > 0) {
                    double bk = za[k] / A2, bkl = (fma(-bk, A2, za[k]) + zal[k]) / A2;
                    double bl = za[l] / A2, bll = (fma(-bl, A2, za[l]) + zal[l]) / A2;
                    double fh = zz, fl = zzl;
                    el_acc(&fh, &fl, -za[k], bl);
                    el_acc(&fh, &fl, -za[k], bll);
                    el_acc(&fh, &fl, -zal[k], bl);
                    double first = fh + fl;
                    if (fabs(first) <= 1024 * DBL_EPSILON * fabs(zz))
                        first = 0;
                    double dk = (bk - c[k]) + bkl, dl = (bl - c[l]) + bll;
                    if (fabs(dk) <= 4 * DBL_EPSILON * (fabs(bk) + fabs(c[k])))
                        dk = 0;
                    if (fabs(dl) <= 4 * DBL_EPSILON * (fabs(bl) + fabs(c[l])))
                        dl = 0;
                    v = first + A2 * dk * dl;
                }
                S2[(h * K + k) * K + l] += v;
                if (l != k)
                    S2[(h * K + l) * K + k] += v;
            }
    }
    free(za);
    return st;
}

shopstat_status ps_cov(const shopstat_totals *t, const lin_term *const *terms,
                       const size_t *nterms, size_t K, const long *dom, size_t ndom,
                       double *cov, shopstat_error *err)
{
    const ps_state *ps = t->ps;
    size_t H = t->strata.n, G = ps->ng, R = t->nunits;
    double *S1 = calloc(H * K + K, sizeof *S1);
    double *S2 = calloc(H * K * K + 1, sizeof *S2);
    double *z = calloc(ps->npu * K + K, sizeof *z);
    double *Zg = calloc(G * K + 1, sizeof *Zg); /* then c_g */
    double *Yg = ps->rk ? calloc(G * K + 1, sizeof *Yg) : NULL;
    double *E = calloc(R * K + 1, sizeof *E);
    double *M = calloc(R * K + 1, sizeof *M); /* (the bound of E's round-off) */
    char *present = calloc(H + 1, 1);
    shopstat_status st = SHOPSTAT_OK;
    if (!S1 || !S2 || !z || !Zg || !E || !M || !present || (ps->rk && !Yg)) {
        st = nomem(err);
        goto out;
    }
    /* R's subset of a calibrated design keeps every row (weighted 0 outside the domain),
     * and their residuals are not 0: every stratum takes part, in the variance and in the
     * lonely-PSU rules, whichever rows the domain holds (a domain of one stratum: SE
     * 0.030383 in R, 0.030063 counting its stratum alone) */
    (void)dom;
    (void)ndom;
    memset(present, 1, H);
    /* each pseudo-unit's score total (with the calibrated weights), and each
     * post-stratum's */
    for (size_t u = 0; u < ps->npu; u++) {
        const unit *pu = &ps->pu[u];
        const ps_slots *m = ps_slots_at(ps, ps->slg[u]); /* (its sums are by slot) */
        for (size_t k = 0; k < K; k++) {
            double s = 0;
            for (size_t j = 0; j < nterms[k]; j++) {
                long c = ps_cell_slot(m, pu, terms[k][j].cell);
                if (c >= 0)
                    s += terms[k][j].coef * pu->A[c].T;
            }
            z[u * K + k] = s;
            Zg[ps->g[u] * K + k] += s;
            if (Yg) { /* (the rows' unweighted scores: every cell's value is 0 or 1) */
                double y = 0;
                for (size_t j = 0; j < nterms[k]; j++) {
                    long c = ps_cell_slot(m, pu, terms[k][j].cell);
                    if (c >= 0)
                        y += terms[k][j].coef * pu->A[c].N;
                }
                Yg[ps->g[u] * K + k] += y;
            }
        }
    }
    if (ps->rk)
        st = rake_resid(t, Yg, K, Zg, err);
    else
        for (size_t g = 0; g < G; g++)
            for (size_t k = 0; k < K; k++)
                Zg[g * K + k] /= ps->N[g];
    if (st)
        goto out;
    /* R's svyrecvar: x - psw * (sum_g x oldw / psw) / sum_g oldw, which is the score less
     * its rows' calibrated weights times Z_g / N_g (sum_g oldw = N_g / r_g) */
    if (t->element) {
        st = element_sums(t, terms, nterms, K, z, Zg, S1, S2, err);
        if (!st)
            st = totals_cov_finish(t, K, S1, S2, present, z, cov, err);
        goto out;
    }
    for (size_t u = 0; u < ps->npu; u++) {
        size_t g = ps->g[u];
        double *e = E + ps->real[u] * K, *m = M + ps->real[u] * K;
        for (size_t k = 0; k < K; k++) {
            double x = z[u * K + k], y = ps->a[u] * Zg[g * K + k];
            e[k] += x - y;
            m[k] += (fabs(x) + fabs(y)) * (double)(ps->npu + 2);
        }
    }
    for (size_t i = 0; i < R; i++) {
        size_t h = t->units[i].stratum;
        double *e = E + i * K;
        /* a score proportional to the calibrated weights within each post-stratum (a
         * post-stratum's own share) has residuals 0 in exact arithmetic: what is left is
         * the round-off of Z_g, its sum over the pseudo-units, and is taken as 0 (an SE of
         * 2e-17 beside R's 7e-17, both 0) */
        for (size_t k = 0; k < K; k++)
            if (fabs(e[k]) <= 2 * DBL_EPSILON * M[i * K + k])
                e[k] = 0;
        for (size_t k = 0; k < K; k++) {
            S1[h * K + k] += e[k];
            for (size_t l = 0; l < K; l++)
                S2[(h * K + k) * K + l] += e[k] * e[l];
        }
    }
    st = totals_cov_finish(t, K, S1, S2, present, z, cov, err);
out:
    free(S1);
    free(S2);
    free(z);
    free(Zg);
    free(Yg);
    free(E);
    free(M);
    free(present);
    return st;
}
