/* Replicate-weight designs: per-replicate cell totals, R's degf rank, replicate variances. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "shopstat/replicate.h"

/* R's degf.svyrep.design: qr(weights(design, "analysis"), tol = 1e-5)$rank - 1 */
#define REP_RANK_TOL 1e-5
/* Replicates beyond this are certainly a wrong --repweights prefix (public files ship
 * 80 to 160); the cross-products grow as replicates^2 per domain. */
#define REP_MAX 1000

/* One X'X accumulator. Rows of one PSU usually come together and share the direction of
 * their replicate weights (x = w m, m the PSU's multipliers): such a run adds
 * (sum w^2) m m', one rank-one update per run instead of one per row. */
typedef struct gram_acc {
    double *G;       /* packed lower triangle of X'X */
    double *m;       /* pending direction */
    double c;        /* pending factor: sum of w^2 over the run */
    uint64_t serial; /* direction serial of m; 0 = nothing pending */
} gram_acc;

typedef double v2df __attribute__((vector_size(16)));

/* A row's replicate weights repeat: bootstrap weights are the weight times 0, 1, 2, ...;
 * JK1, BRR and Fay weights the weight times a few factors. So each text parsed in a row is
 * kept (its bytes in the row, its value) in a small table for the row's other replicates:
 * the benchmark's 80 bootstrap replicates, written as R writes them (17 digits), hold 3-6
 * distinct texts a row, and a parse took 28 ns where a lookup takes a few. */
#define REP_MEMO 16
typedef struct rep_memo {
    const char *s;
    uint32_t n, stamp;
    double x;
} rep_memo;

struct rep_state {
    size_t R;
    size_t *cols;     /* column index of each replicate */
    double *x;        /* this row's replicate weights */
    double scale;
    double *rscales;  /* R values */
    int mse;
    double *T;        /* [cell * R + r]: sum of replicate weight r over the cell */
    size_t cap;       /* cells allocated in T and G */
    gram_acc *acc;    /* per cell: X'X of the domain's rows (base cells only, else G NULL) */
    gram_acc all;     /* X'X of the whole sample */
    size_t ntri;      /* R (R + 1) / 2 */
    double *m, *mnew; /* this row's direction (x / w, or x when w = 0) */
    double c;         /* and its factor (w^2, or 1) */
    uint64_t serial;  /* of m; incremented whenever the direction changes */
    /* Distinct directions (PSUs, for weights made per PSU), while there are few: each
     * domain then only sums factors per direction, and X'X is built at the end. */
    int direct;       /* 1: too many directions, update X'X row by row */
    strmap dirs;      /* direction, rounded to 40 bits, -> id */
    double *dirm;     /* [id * R]: the first row's direction */
    double *allc;     /* whole sample: sum of factors per direction */
    size_t dircap;
    size_t cur_dir;   /* this row's direction id */
    uint64_t *qbuf;   /* scratch: rounded direction bytes */
    uint64_t *ekey;   /* open addressing (cell << 20 | direction) -> eval, UINT64_MAX empty */
    double *eval;
    size_t esize, ecount;
    size_t max_dirs;  /* REP_MAX_DIRS, or lower for tests */
    rep_memo memo[REP_MEMO];
    uint32_t row_stamp; /* of the current row, for memo (never 0) */
};

/* Distinct directions kept before X'X is built row by row; SHOPSTAT_REP_MAX_DIRS (a test
 * knob) lowers it to reach that path and its merges with a small file. */
#define REP_MAX_DIRS ((size_t)1 << 16)
#define REP_MAX_ENTRIES ((size_t)1 << 21)

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static const struct {
    const char *name;
    shopstat_rep_type type;
} rep_names[] = {
    {"brr", SHOPSTAT_REP_BRR},      {"BRR", SHOPSTAT_REP_BRR},
    {"fay", SHOPSTAT_REP_FAY},      {"Fay", SHOPSTAT_REP_FAY},
    {"jk1", SHOPSTAT_REP_JK1},      {"JK1", SHOPSTAT_REP_JK1},
    {"jkn", SHOPSTAT_REP_JKN},      {"JKn", SHOPSTAT_REP_JKN},
    {"bootstrap", SHOPSTAT_REP_BOOTSTRAP}, {"sdr", SHOPSTAT_REP_SDR},
    {"successive-difference", SHOPSTAT_REP_SDR}, {"ACS", SHOPSTAT_REP_SDR},
};

shopstat_status shopstat_rep_type_parse(const char *s, shopstat_rep_type *out,
                                        shopstat_error *err)
{
    for (size_t i = 0; s && i < sizeof rep_names / sizeof rep_names[0]; i++)
        if (strcmp(s, rep_names[i].name) == 0) {
            *out = rep_names[i].type;
            return SHOPSTAT_OK;
        }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "unknown replicate type '%s'; valid types are brr, fay, jk1, "
                              "jkn, bootstrap, sdr",
                              s ? s : "");
}

const char *shopstat_rep_type_name(shopstat_rep_type t)
{
    static const char *const names[] = {"none", "brr", "fay", "jk1", "jkn", "bootstrap", "sdr"};
    return (unsigned)t < 7 ? names[t] : "unknown";
}

shopstat_rep_option shopstat_rep_ignored_option(const shopstat_design_opts *d, const char **why)
{
    /* R's svrepdesign.default: BRR warns "does not use 'scale='" and takes 1/R; Fay sets
     * the scale from rho whatever scale= says; "successive-difference" warns that scale=
     * and rscales= "will be ignored" and takes 4/R and 1s; rho outside Fay is "not
     * relevant" (ignored, with a warning but for bootstrap). */
    const char *w = NULL;
    shopstat_rep_option o = SHOPSTAT_REP_OPT_NONE;
    shopstat_rep_type t = d->reptype;
    if (t == SHOPSTAT_REP_NONE)
        return o;
    if (!isnan(d->rho) && t != SHOPSTAT_REP_FAY) {
        o = SHOPSTAT_REP_OPT_RHO;
        w = "rho is the Fay coefficient, used by fay replicates only";
    } else if (!isnan(d->repscale) && t == SHOPSTAT_REP_BRR) {
        o = SHOPSTAT_REP_OPT_SCALE;
        w = "brr's scale is 1/R for R replicates";
    } else if (!isnan(d->repscale) && t == SHOPSTAT_REP_FAY) {
        o = SHOPSTAT_REP_OPT_SCALE;
        w = "fay's scale is 1/(R (1 - rho)^2) for R replicates, from rho";
    } else if (!isnan(d->repscale) && t == SHOPSTAT_REP_SDR) {
        o = SHOPSTAT_REP_OPT_SCALE;
        w = "sdr's scale is 4/R for R replicates";
    } else if (d->rscales && t == SHOPSTAT_REP_SDR) {
        o = SHOPSTAT_REP_OPT_RSCALES;
        w = "sdr gives every replicate rscale 1";
    }
    if (why)
        *why = w;
    return o;
}

shopstat_status shopstat_rep_check_options(const shopstat_design_opts *d, shopstat_error *err)
{
    const char *why;
    static const char *const flag[] = {"", "--rho", "--repscale", "--rscales"};
    shopstat_rep_option o = shopstat_rep_ignored_option(d, &why);
    if (o == SHOPSTAT_REP_OPT_NONE)
        return SHOPSTAT_OK;
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "%s with --reptype %s: R's svrepdesign ignores it (%s); leave "
                              "it out",
                              flag[o], shopstat_rep_type_name(d->reptype), why);
}

size_t shopstat_totals_nreplicates(const shopstat_totals *t)
{
    return t->rep ? t->rep->R : 0;
}

void rep_free(rep_state *rp)
{
    if (!rp)
        return;
    if (rp->acc)
        for (size_t c = 0; c < rp->cap; c++) {
            free(rp->acc[c].G);
            free(rp->acc[c].m);
        }
    free(rp->acc);
    free(rp->all.G);
    free(rp->all.m);
    free(rp->m);
    free(rp->mnew);
    strmap_free(&rp->dirs);
    free(rp->dirm);
    free(rp->allc);
    free(rp->qbuf);
    free(rp->ekey);
    free(rp->eval);
    free(rp->T);
    free(rp->cols);
    free(rp->x);
    free(rp->rscales);
    free(rp);
}

typedef struct rep_col {
    unsigned long long num;
    size_t idx;
    const char *name;
} rep_col;

static int by_suffix(const void *a, const void *b)
{
    const rep_col *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Columns PREFIX<digits> in numeric order, or the comma-separated list. */
static shopstat_status find_columns(const shopstat_reader *r, shopstat_repweights *rw,
                                    const char *spec, shopstat_error *err)
{
    size_t ncols = shopstat_reader_ncols(r);
    if (strchr(spec, ',')) {
        size_t n = 1;
        for (const char *p = spec; *p; p++)
            n += *p == ',';
        if (!(rw->cols = calloc(n, sizeof *rw->cols)))
            return nomem(err);
        const char *p = spec;
        for (;;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char *name = malloc(len + 1);
            if (!name)
                return nomem(err);
            memcpy(name, p, len);
            name[len] = '\0';
            shopstat_status st = SHOPSTAT_OK;
            if (len)
                st = shopstat_reader_column(r, name, "--repweights", &rw->cols[rw->R++], err);
            free(name);
            if (st)
                return st;
            if (!e)
                break;
            p = e + 1;
        }
        return SHOPSTAT_OK;
    }
    size_t plen = strlen(spec);
    rep_col *found = calloc(ncols ? ncols : 1, sizeof *found);
    if (!found)
        return nomem(err);
    size_t n = 0;
    for (size_t i = 0; i < ncols; i++) {
        const char *name = shopstat_reader_colname(r, i);
        if (strncmp(name, spec, plen) != 0 || !name[plen])
            continue;
        const char *d = name + plen;
        while (*d >= '0' && *d <= '9')
            d++;
        if (*d)
            continue;
        if (shopstat_reader_columns_named(r, name, NULL, 0) > 1) {
            /* two columns PREFIX7: the lookup's message says which */
            size_t idx;
            free(found);
            return shopstat_reader_column(r, name, "--repweights", &idx, err);
        }
        found[n].num = strtoull(name + plen, NULL, 10);
        found[n].idx = i;
        found[n].name = name;
        n++;
    }
    qsort(found, n, sizeof *found, by_suffix);
    if (n && !(rw->cols = calloc(n, sizeof *rw->cols))) {
        free(found);
        return nomem(err);
    }
    for (size_t i = 0; i < n; i++)
        rw->cols[i] = found[i].idx;
    rw->R = n;
    free(found);
    if (!n)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, shopstat_reader_path(r), 1, 1,
                                  "--repweights %s: no column is named %s followed by digits "
                                  "(such as %s1); give the prefix or a comma-separated list",
                                  spec, spec, spec);
    return SHOPSTAT_OK;
}

/* Parse "a,b,..." into R values (one value: all equal). */
static shopstat_status parse_rscales(shopstat_repweights *rw, const char *s, shopstat_error *err)
{
    size_t n = 0;
    const char *p = s;
    double first = NAN;
    for (;;) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || (*end && *end != ',') || !isfinite(x) || x < 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "--rscales takes non-negative numbers separated by "
                                      "commas, not '%s'",
                                      s);
        if (n < rw->R)
            rw->rscales[n] = x;
        if (n == 0)
            first = x;
        n++;
        if (!*end)
            break;
        p = end + 1;
    }
    if (n == 1)
        for (size_t r = 0; r < rw->R; r++)
            rw->rscales[r] = first;
    else if (n != rw->R)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--rscales has %zu values but there are %zu replicate "
                                  "weights (give one value, or one per replicate)",
                                  n, rw->R);
    return SHOPSTAT_OK;
}

static shopstat_status rep_resolve(const shopstat_reader *r, const shopstat_design_opts *d,
                                   shopstat_repweights *rw, shopstat_error *err);

void shopstat_repweights_free(shopstat_repweights *rw)
{
    if (!rw)
        return;
    free(rw->cols);
    free(rw->rscales);
    memset(rw, 0, sizeof *rw);
}

shopstat_status shopstat_repweights_resolve(const shopstat_reader *r, const shopstat_design_opts *d,
                                            shopstat_repweights *rw, shopstat_error *err)
{
    memset(rw, 0, sizeof *rw);
    shopstat_status st = rep_resolve(r, d, rw, err);
    if (st)
        shopstat_repweights_free(rw);
    return st;
}

/* A replicate weight is part of the design: it cannot be missing (R's svrepdesign refuses NA
 * replicate weights), so missing codes of its own (--missing COLS:CODES, a question's
 * missing: in a spec) are a mistake, said before any row is read. (rep_row's memo of a row's
 * texts, shared by its columns, relies on it: every replicate column has the same codes.) */
static shopstat_status no_own_codes(const shopstat_reader *r, const shopstat_repweights *rw,
                                    shopstat_error *err)
{
    for (size_t i = 0; i < rw->R; i++) {
        const char *const *own = shopstat_reader_column_missing(r, rw->cols[i]);
        if (!own)
            continue;
        const char *name = shopstat_reader_colname(r, rw->cols[i]);
        const char *from = reader_column_codes_from(r, rw->cols[i]);
        char codes[64];
        size_t used = 0;
        codes[0] = '\0';
        for (size_t k = 0; own[k] && used < sizeof codes; k++)
            used +=
                (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", k ? "," : "", own[k]);
        int named = from && strcmp(from, name) == 0;
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, shopstat_reader_path(r), 0, 0,
            "--missing %.100s:%s %s replicate weight column '%s'%s: a replicate weight is part "
            "of the design and cannot be missing (R's svrepdesign refuses NA replicate "
            "weights); give the codes to the answer columns only",
            from ? from : name, codes, named ? "names" : "takes in", name,
            named ? "" : ", which the pattern matches");
    }
    return SHOPSTAT_OK;
}

static shopstat_status rep_resolve(const shopstat_reader *r, const shopstat_design_opts *d,
                                   shopstat_repweights *rw, shopstat_error *err)
{
    if (d->reptype == SHOPSTAT_REP_NONE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--repweights needs --reptype (brr, fay, jk1, jkn, bootstrap "
                                  "or sdr)");
    if (d->strata || d->psu || d->fpc)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--repweights replaces --strata, --psu and --fpc: the replicate "
                                  "weights already carry the design; give one or the other");
    shopstat_status st = shopstat_rep_check_options(d, err);
    if (st)
        return st;
    if ((st = find_columns(r, rw, d->repweights, err)))
        return st;
    if ((st = no_own_codes(r, rw, err)))
        return st;
    size_t R = rw->R;
    if (R < 2 || R > REP_MAX)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--repweights %s selects %zu columns; between 2 and %d "
                                  "replicate weights are needed",
                                  d->repweights, R, REP_MAX);
    if (!(rw->rscales = calloc(R, sizeof *rw->rscales)))
        return nomem(err);
    for (size_t i = 0; i < R; i++)
        rw->rscales[i] = 1;
    if (d->rscales && (st = parse_rscales(rw, d->rscales, err)))
        return st;
    double Rd = (double)R;
    /* Default scales: R's svrepdesign (survey 4.1.1). */
    switch (d->reptype) {
    case SHOPSTAT_REP_BRR:
        rw->scale = 1 / Rd;
        break;
    case SHOPSTAT_REP_FAY:
        if (!(d->rho >= 0 && d->rho < 1))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "--reptype fay needs --rho R with 0 <= R < 1 (the Fay "
                                      "coefficient the weights were made with)");
        rw->scale = 1 / (Rd * (1 - d->rho) * (1 - d->rho));
        break;
    case SHOPSTAT_REP_JK1:
        rw->scale = (Rd - 1) / Rd;
        break;
    case SHOPSTAT_REP_JKN:
        if (!d->rscales)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "--reptype jkn needs --rscales: (n_h - 1)/n_h for each "
                                      "replicate, n_h the PSUs of its stratum (R requires them "
                                      "too); 'shopstat replicate' prints them");
        rw->scale = 1;
        break;
    case SHOPSTAT_REP_BOOTSTRAP:
        rw->scale = 1 / (Rd - 1);
        break;
    case SHOPSTAT_REP_SDR:
        rw->scale = 4 / Rd;
        break;
    default:
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown --reptype");
    }
    if (!isnan(d->repscale)) {
        if (!(d->repscale > 0) || !isfinite(d->repscale))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "--repscale must be a positive number");
        rw->scale = d->repscale;
    }
    rw->mse = d->mse < 0 ? d->reptype == SHOPSTAT_REP_SDR : d->mse != 0;
    return SHOPSTAT_OK;
}

shopstat_status rep_bind(shopstat_totals *t, shopstat_error *err)
{
    shopstat_repweights rw;
    shopstat_status st = shopstat_repweights_resolve(t->reader, &t->plan->design, &rw, err);
    if (st)
        return st;
    rep_state *rp = calloc(1, sizeof *rp);
    if (!rp) {
        shopstat_repweights_free(&rw);
        return nomem(err);
    }
    t->rep = rp;
    size_t R = rp->R = rw.R;
    rp->cols = rw.cols;
    rp->rscales = rw.rscales;
    rp->scale = rw.scale;
    rp->mse = rw.mse;
    rp->ntri = R * (R + 1) / 2;
    rp->x = calloc(R, sizeof *rp->x);
    rp->all.G = calloc(rp->ntri, sizeof *rp->all.G);
    rp->all.m = calloc(R, sizeof *rp->all.m);
    rp->m = calloc(R, sizeof *rp->m);
    rp->mnew = calloc(R, sizeof *rp->mnew);
    rp->qbuf = calloc(R, sizeof *rp->qbuf);
    rp->max_dirs = REP_MAX_DIRS;
    const char *knob = getenv("SHOPSTAT_REP_MAX_DIRS");
    if (knob && atol(knob) > 0 && (size_t)atol(knob) < REP_MAX_DIRS)
        rp->max_dirs = (size_t)atol(knob);
    strmap_init(&rp->dirs, rp->max_dirs, rp->max_dirs * R * sizeof(double) + 1);
    if (!rp->x || !rp->all.G || !rp->all.m || !rp->m || !rp->mnew || !rp->qbuf)
        return nomem(err);
    return SHOPSTAT_OK;
}

/* G += c m m' */
static void rank1(double *G, double c, const double *m, size_t R)
{
    if (c == 0)
        return;
    for (size_t i = 0; i < R; i++) {
        double ai = c * m[i];
        if (ai == 0)
            continue;
        double *gi = G + i * (i + 1) / 2;
        for (size_t j = 0; j <= i; j++)
            gi[j] += ai * m[j];
    }
}

static void gram_flush(gram_acc *a, size_t R)
{
    if (a->serial)
        rank1(a->G, a->c, a->m, R);
    a->c = 0;
}

/* Build every X'X from the per-direction sums and switch to row-by-row updates
 * (too many directions), or finish. */
static void materialize(rep_state *rp)
{
    size_t R = rp->R;
    for (size_t d = 0; d < rp->dirs.n; d++)
        rank1(rp->all.G, rp->allc[d], rp->dirm + d * R, R);
    for (size_t i = 0; i < rp->esize; i++)
        if (rp->ekey[i] != UINT64_MAX)
            rank1(rp->acc[rp->ekey[i] >> 20].G, rp->eval[i],
                  rp->dirm + (rp->ekey[i] & 0xfffff) * R, R);
    strmap_free(&rp->dirs);
    free(rp->dirm);
    free(rp->allc);
    free(rp->ekey);
    free(rp->eval);
    rp->dirm = rp->allc = rp->eval = NULL;
    rp->ekey = NULL;
    rp->dircap = rp->esize = rp->ecount = 0;
    rp->direct = 1;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Sum factor c into (cell, direction); -1 when the table is full (then: direct). */
static int entry_add(rep_state *rp, size_t cell, size_t dir, double c)
{
    if (2 * (rp->ecount + 1) > rp->esize) {
        if (rp->ecount + 1 > REP_MAX_ENTRIES)
            return -1;
        size_t ns = rp->esize ? rp->esize * 2 : 1024;
        uint64_t *k = malloc(ns * sizeof *k);
        double *v = calloc(ns, sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return -1;
        }
        for (size_t i = 0; i < ns; i++)
            k[i] = UINT64_MAX;
        for (size_t i = 0; i < rp->esize; i++) {
            if (rp->ekey[i] == UINT64_MAX)
                continue;
            size_t j = mix(rp->ekey[i]) & (ns - 1);
            while (k[j] != UINT64_MAX)
                j = (j + 1) & (ns - 1);
            k[j] = rp->ekey[i];
            v[j] = rp->eval[i];
        }
        free(rp->ekey);
        free(rp->eval);
        rp->ekey = k;
        rp->eval = v;
        rp->esize = ns;
    }
    uint64_t key = (uint64_t)cell << 20 | dir;
    size_t j = mix(key) & (rp->esize - 1);
    while (rp->ekey[j] != UINT64_MAX && rp->ekey[j] != key)
        j = (j + 1) & (rp->esize - 1);
    if (rp->ekey[j] == UINT64_MAX) {
        rp->ekey[j] = key;
        rp->ecount++;
    }
    rp->eval[j] += c;
    return 0;
}

/* Hash of a direction key (R rounded words), four words per step in independent lanes:
 * strmap_hash's byte at a time took 0.8 us per row for 80 replicates, about 8% of a
 * pass, since rows of different PSUs mostly alternate. */
static uint64_t dir_hash(const char *key, size_t n)
{
    uint64_t h[4] = {0x243F6A8885A308D3ULL, 0x13198A2E03707344ULL, 0xA4093822299F31D0ULL,
                     0x082EFA98EC4E6C89ULL};
    size_t nw = n / 8, i = 0;
    for (; i + 4 <= nw; i += 4)
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, key + 8 * (i + (size_t)l), 8);
            h[l] = (h[l] ^ w) * 0x9E3779B97F4A7C15ULL;
            h[l] ^= h[l] >> 29;
        }
    for (; i < nw; i++) {
        uint64_t w;
        memcpy(&w, key + 8 * i, 8);
        h[0] = (h[0] ^ w) * 0x9E3779B97F4A7C15ULL;
        h[0] ^= h[0] >> 29;
    }
    uint64_t x = h[0] ^ (h[1] * 0xC2B2AE3D27D4EB4FULL) ^ (h[2] * 0x165667B19E3779F9ULL) ^
                 (h[3] * 0xFF51AFD7ED558CCDULL) ^ n;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* Id of the current direction rp->m, adding it; -1: too many (then: direct). */
static long direction_id(rep_state *rp)
{
    size_t R = rp->R;
    for (size_t r = 0; r < R; r++) {
        /* round to 40 significant bits: x / w of one PSU's rows may differ in the last
         * bits; a value that still rounds apart only costs a second entry */
        uint64_t b;
        double m = rp->m[r] + 0.0; /* -0 as 0 (-0 + 0 is +0), without a branch */
        memcpy(&b, &m, sizeof b);
        rp->qbuf[r] = (b + 0x800) & ~(uint64_t)0xfff;
    }
    size_t n = R * sizeof *rp->qbuf;
    int added = 0;
    size_t id = strmap_add(&rp->dirs, (const char *)rp->qbuf, n,
                           dir_hash((const char *)rp->qbuf, n), &added);
    if (id == STRMAP_FULL || id == STRMAP_NOMEM)
        return -1;
    if (added) {
        if (id >= rp->dircap) {
            size_t nc = rp->dircap ? rp->dircap * 2 : 64;
            double *dm = realloc(rp->dirm, nc * R * sizeof *dm);
            if (dm)
                rp->dirm = dm;
            double *ac = dm ? realloc(rp->allc, nc * sizeof *ac) : NULL;
            if (!dm || !ac)
                return -1;
            memset(ac + rp->dircap, 0, (nc - rp->dircap) * sizeof *ac);
            rp->allc = ac;
            rp->dircap = nc;
        }
        memcpy(rp->dirm + id * R, rp->m, R * sizeof *rp->dirm);
    }
    return (long)id;
}

/* Add the current row: extend the pending run, or flush it and start a new one. */
static void gram_add(const rep_state *rp, gram_acc *a)
{
    if (a->serial != rp->serial) {
        gram_flush(a, rp->R);
        memcpy(a->m, rp->m, rp->R * sizeof *a->m);
        a->serial = rp->serial;
    }
    a->c += rp->c;
}

void rep_finish(shopstat_totals *t)
{
    rep_state *rp = t->rep;
    if (!rp->direct)
        materialize(rp);
    gram_flush(&rp->all, rp->R);
    for (size_t c = 0; c < rp->cap; c++)
        if (rp->acc[c].G)
            gram_flush(&rp->acc[c], rp->R);
}

/* memo's slot for a text: from its length and its first and last 8 bytes */
static size_t memo_slot(const char *s, size_t n)
{
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else {
        /* (a byte at a time: memcpy of a variable length went through the stack, and the
         * word's load then waited for its bytes' stores: 14% of rep_row, mostly for "0") */
        for (size_t i = 0; i < n; i++)
            a |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ n) * 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h >> 60) & (REP_MEMO - 1);
}

shopstat_status rep_row(shopstat_totals *t, const shopstat_row *row, double w,
                        shopstat_error *err)
{
    rep_state *rp = t->rep;
    const char *path = shopstat_reader_path(t->reader);
    if (++rp->row_stamp == 0) { /* (after 2^32 rows: forget every row's texts) */
        memset(rp->memo, 0, sizeof rp->memo);
        rp->row_stamp = 1;
    }
    for (size_t r = 0; r < rp->R; r++) {
        size_t c = rp->cols[r];
        const char *s = row->fields[c];
        size_t n = row->lens[c];
        rep_memo *me = &rp->memo[memo_slot(s, n)];
        if (me->stamp == rp->row_stamp && me->n == n && memcmp(me->s, s, n) == 0) {
            rp->x[r] = me->x; /* (a text met in this row: a number, not missing, not too large) */
            continue;
        }
        char hint[200];
        if (shopstat_reader_is_missing_at(t->reader, c, s, n)) {
            /* (no replicate column has codes of its own: no_own_codes) */
            const char *code = reader_missing_code(t->reader, s, n);
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                "replicate weight column '%s' is missing in this row%s%s%.40s%s",
                shopstat_reader_colname(t->reader, c),
                reader_missing_hint(t->reader, c, s, n, hint, sizeof hint),
                code ? "; if it is a weight here, give the code to the answer columns only "
                       "(--missing COLS:"
                     : "",
                code ? code : "", code ? ")" : "");
        }
        if (shopstat_parse_number(s, n, t->decimal_comma, &rp->x[r]) != 1)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                                      "replicate weight '%.*s' in column '%s' is not a finite "
                                      "number%s",
                                      (int)(n > 40 ? 40 : n), s,
                                      shopstat_reader_colname(t->reader, c),
                                      reader_comma_hint(t->reader, s, n, hint, sizeof hint));
        if (fabs(rp->x[r]) > SHOPSTAT_MAX_WEIGHT)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line,
                                      row->pos[c].col,
                                      "replicate weight '%.*s' in column '%s' is larger than "
                                      "1e100; rescale the weights",
                                      (int)(n > 40 ? 40 : n), s,
                                      shopstat_reader_colname(t->reader, c));
        if (rp->x[r] != 0 && fabs(rp->x[r]) < SHOPSTAT_MIN_WEIGHT)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                                      "replicate weight '%.*s' in column '%s' is not 0 but "
                                      "smaller than 1e-100; rescale the weights",
                                      (int)(n > 40 ? 40 : n), s,
                                      shopstat_reader_colname(t->reader, c));
        if (n <= UINT32_MAX) {
            me->s = s;
            me->n = (uint32_t)n;
            me->stamp = rp->row_stamp;
            me->x = rp->x[r];
        }
    }
    /* Direction of this row; the same as the last row's (to 1e-12, i.e. up to the
     * rounding of x = w m) continues the run. A relative change of 1e-12 in X'X cannot
     * move the rank decision, made at 1e-5. */
    double inv = w > 0 ? 1 / w : 1;
    int same = rp->serial != 0;
    for (size_t r = 0; r < rp->R; r++) {
        double m = w > 0 ? rp->x[r] * inv : rp->x[r];
        rp->mnew[r] = m;
        if (same && fabs(m - rp->m[r]) > 1e-12 * fmax(fabs(m), fabs(rp->m[r])))
            same = 0;
    }
    rp->c = w > 0 ? w * w : 1;
    if (!same) {
        double *tmp = rp->m;
        rp->m = rp->mnew;
        rp->mnew = tmp;
        rp->serial++;
        if (!rp->direct) {
            long id = direction_id(rp);
            if (id < 0)
                materialize(rp);
            else
                rp->cur_dir = (size_t)id;
        }
    }
    return SHOPSTAT_OK;
}

void rep_row_design(shopstat_totals *t)
{
    rep_state *rp = t->rep;
    if (rp->direct)
        gram_add(rp, &rp->all);
    else
        rp->allc[rp->cur_dir] += rp->c;
}

/* Cells up to c in T and acc; 0 or -1. */
static int rep_reserve(const shopstat_totals *t, rep_state *rp, size_t c)
{
    size_t R = rp->R;
    if (c < rp->cap)
        return 0;
    size_t nc = t->cellcap > c ? t->cellcap : c + 1;
    double *T = realloc(rp->T, nc * R * sizeof *T);
    if (!T)
        return -1;
    memset(T + rp->cap * R, 0, (nc - rp->cap) * R * sizeof *T);
    rp->T = T;
    gram_acc *A = realloc(rp->acc, nc * sizeof *A);
    if (!A)
        return -1;
    memset(A + rp->cap, 0, (nc - rp->cap) * sizeof *A);
    rp->acc = A;
    rp->cap = nc;
    return 0;
}

static int gram_alloc(gram_acc *a, size_t R, size_t ntri)
{
    if (!a->G && (!(a->G = calloc(ntri, sizeof *a->G)) || !(a->m = calloc(R, sizeof *a->m))))
        return -1;
    return 0;
}

void rep_prefetch(const shopstat_totals *t, const int32_t *cells, size_t nbase)
{
    const rep_state *rp = t->rep;
    if (rp->direct || !rp->esize)
        return;
    for (size_t i = 0; i < nbase; i++) {
        size_t j = mix((uint64_t)cells[i] << 20 | rp->cur_dir) & (rp->esize - 1);
        __builtin_prefetch(&rp->ekey[j]);
        __builtin_prefetch(&rp->eval[j]);
    }
}

int rep_add(shopstat_totals *t, long c, int base)
{
    rep_state *rp = t->rep;
    size_t R = rp->R;
    if (rep_reserve(t, rp, (size_t)c))
        return -1;
    double *Tc = rp->T + (size_t)c * R;
    const double *x = rp->x;
    /* two at a time (GCC's -O2 leaves this loop scalar): the same additions */
    size_t r = 0;
    for (; r + 2 <= R; r += 2) {
        v2df a, b;
        memcpy(&a, Tc + r, sizeof a);
        memcpy(&b, x + r, sizeof b);
        a += b;
        memcpy(Tc + r, &a, sizeof a);
    }
    for (; r < R; r++)
        Tc[r] += x[r];
    if (base) {
        gram_acc *a = &rp->acc[c];
        if (gram_alloc(a, R, rp->ntri))
            return -1;
        if (!rp->direct && entry_add(rp, (size_t)c, rp->cur_dir, rp->c))
            materialize(rp);
        if (rp->direct)
            gram_add(rp, a);
    }
    return 0;
}

/* X'X of every cell and of the whole sample added to g's (both built: direct mode), w's
 * zeroed; w's pending runs are flushed first. */
static void merge_grams(rep_state *gp, rep_state *wp, size_t ncell, const long *cells)
{
    size_t ntri = gp->ntri;
    gram_flush(&wp->all, wp->R);
    for (size_t k = 0; k < ntri; k++) {
        gp->all.G[k] += wp->all.G[k];
        wp->all.G[k] = 0;
    }
    for (size_t c = 0; c < wp->cap && c < ncell; c++) {
        gram_acc *wa = &wp->acc[c];
        if (!wa->G)
            continue;
        gram_flush(wa, wp->R);
        double *G = gp->acc[cells[c]].G;
        for (size_t k = 0; k < ntri; k++) {
            G[k] += wa->G[k];
            wa->G[k] = 0;
        }
    }
}

/* w's directions and per (cell, direction) factors added to g's, both in direction mode;
 * -1 when g cannot take them all (checked before anything is added). */
static int merge_directions(rep_state *gp, rep_state *wp, const long *cells)
{
    size_t R = gp->R, nd = wp->dirs.n, fresh = 0;
    size_t *dmap = malloc((nd ? nd : 1) * sizeof *dmap);
    if (!dmap)
        return -1;
    for (size_t d = 0; d < nd; d++) {
        const char *k = strmap_key(&wp->dirs, d);
        size_t n = wp->dirs.len[d];
        if (strmap_find(&gp->dirs, k, n, dir_hash(k, n)) == (size_t)-1)
            fresh++;
    }
    if (gp->dirs.n + fresh > gp->max_dirs || gp->ecount + wp->ecount > REP_MAX_ENTRIES) {
        free(dmap);
        return -1;
    }
    for (size_t d = 0; d < nd; d++) {
        const char *k = strmap_key(&wp->dirs, d);
        size_t n = wp->dirs.len[d];
        int added = 0;
        size_t id = strmap_add(&gp->dirs, k, n, dir_hash(k, n), &added);
        if (id == STRMAP_FULL || id == STRMAP_NOMEM) {
            free(dmap);
            return -1;
        }
        if (added) {
            if (id >= gp->dircap) {
                size_t nc = gp->dircap ? gp->dircap * 2 : 64;
                while (nc <= id)
                    nc *= 2;
                double *dm = realloc(gp->dirm, nc * R * sizeof *dm);
                if (dm)
                    gp->dirm = dm;
                double *ac = dm ? realloc(gp->allc, nc * sizeof *ac) : NULL;
                if (!dm || !ac) {
                    free(dmap);
                    return -1;
                }
                memset(ac + gp->dircap, 0, (nc - gp->dircap) * sizeof *ac);
                gp->allc = ac;
                gp->dircap = nc;
            }
            memcpy(gp->dirm + id * R, wp->dirm + d * R, R * sizeof *gp->dirm);
        }
        dmap[d] = id;
        gp->allc[id] += wp->allc[d];
        wp->allc[d] = 0;
    }
    for (size_t i = 0; i < wp->esize; i++) {
        if (wp->ekey[i] == UINT64_MAX || wp->eval[i] == 0)
            continue;
        size_t c = (size_t)(wp->ekey[i] >> 20), d = (size_t)(wp->ekey[i] & 0xfffff);
        if (entry_add(gp, (size_t)cells[c], dmap[d], wp->eval[i])) {
            free(dmap);
            return -1; /* out of memory: the capacity was checked */
        }
        wp->eval[i] = 0;
    }
    free(dmap);
    return 0;
}

int rep_merge(shopstat_totals *g, shopstat_totals *w, const long *cells)
{
    rep_state *gp = g->rep, *wp = w->rep;
    size_t R = gp->R, ncell = w->ncell;
    /* replicate totals, and X'X accumulators where w has them (base cells) */
    for (size_t c = 0; c < wp->cap && c < ncell; c++) {
        size_t gc = (size_t)cells[c];
        if (rep_reserve(g, gp, gc))
            return -1;
        double *Tg = gp->T + gc * R, *Tw = wp->T + c * R;
        for (size_t r = 0; r < R; r++) {
            Tg[r] += Tw[r];
            Tw[r] = 0;
        }
        if (wp->acc[c].G && gram_alloc(&gp->acc[gc], R, gp->ntri))
            return -1;
    }
    if (!gp->direct && !wp->direct && merge_directions(gp, wp, cells) == 0)
        return 0;
    /* too many directions for g, or w has already built its X'X: both do */
    if (!gp->direct)
        materialize(gp);
    if (!wp->direct)
        materialize(wp);
    merge_grams(gp, wp, ncell, cells);
    return 0;
}

size_t rep_gram_rank(const double *G, size_t R, double tol)
{
    /* Gram-Schmidt on the Gram matrix: with L the Cholesky factor over the accepted
     * columns, column j's squared residual norm after projection on them is
     * G_jj - sum_k L_jk^2 (what dqrdc2 compares, as a norm, with tol * ||x_j||). The
     * normal equations square the residuals: at tol = 1e-5 the test is at 1e-10 of a
     * column's norm squared, and once a column of small residual is accepted (4e-6: a
     * domain of 16 rows and 30 bootstrap replicates) the round-off of the differences
     * below, divided by its pivot, reached 2.7e-10 in double: a 17th column accepted from
     * 16 rows (tests/oracle/rep_rank). The factor is worked in long double (x86: 64-bit
     * mantissa, 2^11 times finer; R x R once per cell, not per row), which leaves that
     * round-off near 1e-13. G itself is summed in double: its own rounding, divided by
     * such a pivot, stays near 1e-11. */
    long double *L = calloc(R * R + 1, sizeof *L);
    size_t *acc = calloc(R + 1, sizeof *acc);
    if (!L || !acc) {
        free(L);
        free(acc);
        return SIZE_MAX;
    }
    size_t k = 0;
    for (size_t j = 0; j < R; j++) {
        const double *gj = G + j * (j + 1) / 2;
        long double gjj = gj[j];
        long double r = gjj;
        for (size_t a = 0; a < k; a++) {
            size_t i = acc[a];
            long double gij = i < j ? gj[i] : G[i * (i + 1) / 2 + j];
            long double s = gij;
            for (size_t b = 0; b < a; b++)
                s -= L[j * R + b] * L[i * R + b];
            long double l = s / L[i * R + a];
            L[j * R + a] = l;
            r -= l * l;
        }
        long double norm = gjj > 0 ? gjj : 1;
        if (r > 0 && r >= tol * tol * norm) {
            L[j * R + k] = sqrtl(r);
            acc[k++] = j;
        }
    }
    free(L);
    free(acc);
    return k;
}

const char *rep_df_reason(double df, const char *rows, char *buf, size_t n)
{
    /* rank 1: every row's replicate weights are one vector times a number of the row's
     * (x_ir = u_i v_r), as for the rows of one PSU of a jackknife */
    if (df + 1 >= 1)
        snprintf(buf, n,
                 "with replicate weights they are the rank of the replicate weights of %s "
                 "minus 1 (R's degf), and these have rank %g: every replicate scales all of %s "
                 "by one factor (as when they lie in one PSU)",
                 rows, df + 1, rows);
    else
        snprintf(buf, n,
                 "with replicate weights they are the rank of the replicate weights of %s "
                 "minus 1 (R's degf), and these have rank 0: every replicate gives them "
                 "weight 0",
                 rows);
    return buf;
}

double rep_cell_df(const shopstat_totals *t, long d)
{
    const rep_state *rp = t->rep;
    if (d < 0 || (size_t)d >= rp->cap || !rp->acc[d].G)
        return 0;
    size_t k = rep_gram_rank(rp->acc[d].G, rp->R, REP_RANK_TOL);
    return k == SIZE_MAX ? NAN : (double)k - 1;
}

double rep_df(const shopstat_totals *t)
{
    size_t k = rep_gram_rank(t->rep->all.G, t->rep->R, REP_RANK_TOL);
    return k == SIZE_MAX ? NAN : (double)k - 1;
}

static double rtot(const rep_state *rp, long c, size_t r)
{
    return c >= 0 && (size_t)c < rp->cap ? rp->T[(size_t)c * rp->R + r] : 0;
}

/* svrVar: replicates giving NaN are dropped (R's na.omit); the centre is the mean of
 * the replicates with rscale > 0, or the full-sample value under mse. th is R x K. */
static void rep_cov(const rep_state *rp, const double *th, size_t K, const double *full,
                    double *cov)
{
    size_t R = rp->R;
    double *centre = calloc(K, sizeof *centre);
    memset(cov, 0, K * K * sizeof *cov);
    if (!centre) {
        for (size_t i = 0; i < K * K; i++)
            cov[i] = NAN;
        return;
    }
    size_t used = 0, defined = 0;
    for (size_t r = 0; r < R; r++) {
        int bad = 0;
        for (size_t k = 0; k < K; k++)
            bad |= isnan(th[r * K + k]);
        defined += !bad;
        if (bad || !(rp->rscales[r] > 0))
            continue;
        used++;
        for (size_t k = 0; k < K; k++)
            centre[k] += th[r * K + k];
    }
    /* no replicate defines the statistic (each leaves a side of a difference without
     * weight): its variance is undefined, as R's svrVar stops ("All replicates contained
     * NAs"), not the 0 of a sum over no replicate (SE 0, t Inf; oracle
     * one_psu_rep_no_replicate) */
    if (!defined) {
        for (size_t i = 0; i < K * K; i++)
            cov[i] = NAN;
        free(centre);
        return;
    }
    for (size_t k = 0; k < K; k++)
        centre[k] = rp->mse ? full[k] : used ? centre[k] / (double)used : NAN;
    for (size_t r = 0; r < R; r++) {
        int bad = 0;
        for (size_t k = 0; k < K; k++)
            bad |= isnan(th[r * K + k]);
        if (bad)
            continue;
        double f = rp->scale * rp->rscales[r];
        for (size_t k = 0; k < K; k++) {
            double a = th[r * K + k] - centre[k];
            for (size_t l = 0; l < K; l++)
                cov[k * K + l] += f * a * (th[r * K + l] - centre[l]);
        }
    }
    free(centre);
}

shopstat_status rep_ratio_var(const shopstat_totals *t, long c, long d, double p, double *var,
                              double *var_logit, shopstat_error *err)
{
    const rep_state *rp = t->rep;
    size_t R = rp->R;
    double *th = calloc(2 * R, sizeof *th);
    if (!th)
        return nomem(err);
    double *lg = th + R;
    int unbounded = 0;
    for (size_t r = 0; r < R; r++) {
        double W = rtot(rp, d, r);
        th[r] = rtot(rp, c, r) / W;
        lg[r] = log(th[r] / (1 - th[r]));
        /* a replicate where the domain's proportion is 0 or 1 */
        unbounded |= isinf(lg[r]) && rp->rscales[r] > 0;
    }
    rep_cov(rp, th, 1, &p, var);
    if (var_logit) {
        double lp = log(p / (1 - p));
        rep_cov(rp, lg, 1, &lp, var_logit);
        /* its logit is infinite: so is the logit-scale variance, and the interval is
         * [0, 1] (R's svyglm does not converge there and gives NaN or arbitrary limits) */
        if (unbounded)
            *var_logit = INFINITY;
    }
    free(th);
    return SHOPSTAT_OK;
}

shopstat_status rep_tab_stats(const shopstat_totals *t, long c, long d, shopstat_ci_method m,
                              shopstat_domain_stats *ds, double *deff, shopstat_error *err)
{
    double pq = ds->p * (1 - ds->p);
    *deff = ds->base_n >= 2 && pq > 0 ? ds->var * (ds->base_n - 1) / pq : NAN;
    if (m != SHOPSTAT_CI_LOGIT || !(pq > 0))
        return SHOPSTAT_OK;
    double v, vl;
    shopstat_status st = rep_ratio_var(t, c, d, ds->p, &v, &vl, err);
    if (!st)
        ds->var = vl * pq * pq;
    return st;
}

static double side_rep(const rep_state *rp, const long c[2], const long d[2], double s, size_t r)
{
    double T = rtot(rp, c[0], r) + (s != 0 ? s * rtot(rp, c[1], r) : 0);
    double W = rtot(rp, d[0], r) + (s != 0 ? s * rtot(rp, d[1], r) : 0);
    return T / W;
}

shopstat_status rep_diff_var(const shopstat_totals *t, const long ca[2], const long da[2],
                             double sa, const long cb[2], const long db[2], double sb,
                             double full, double *var, shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc(rp->R * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++)
        th[r] = side_rep(rp, ca, da, sa, r) - side_rep(rp, cb, db, sb, r);
    rep_cov(rp, th, 1, &full, var);
    free(th);
    return SHOPSTAT_OK;
}

shopstat_status rep_ratios_cov(const shopstat_totals *t, const long *num, size_t K,
                               const long *den, size_t nden, const double *mean, double *cov,
                               shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc((rp->R * K + 1) * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++) {
        double W = 0;
        for (size_t j = 0; j < nden; j++)
            W += rtot(rp, den[j], r);
        for (size_t k = 0; k < K; k++)
            th[r * K + k] = rtot(rp, num[k], r) / W;
    }
    rep_cov(rp, th, K, mean, cov);
    free(th);
    return SHOPSTAT_OK;
}

shopstat_status rep_score_var(const shopstat_totals *t, const rep_score_side *sides, size_t nsides,
                              const double *s, size_t K, double full, double *var,
                              shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc(rp->R * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++) {
        double v = 0;
        for (size_t j = 0; j < nsides; j++) {
            const rep_score_side *sd = &sides[j];
            double f = sd->f, S = 0;
            double W = rtot(rp, sd->d[0], r) + (f != 0 ? f * rtot(rp, sd->d[1], r) : 0);
            for (size_t k = 0; k < K; k++) {
                double T =
                    rtot(rp, sd->c[2 * k], r) + (f != 0 ? f * rtot(rp, sd->c[2 * k + 1], r) : 0);
                if (T != 0)
                    S += s[k] * T;
            }
            v += sd->sign * S / W;
        }
        th[r] = v;
    }
    rep_cov(rp, th, 1, &full, var);
    free(th);
    return SHOPSTAT_OK;
}
