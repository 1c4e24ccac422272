/* The one streaming pass: binds a plan to a file's columns and sums every cell per PSU. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "shopstat/scale.h"
#include "shopstat/spec.h"
#include "shopstat/score.h"

/* Caps on input-driven growth: a question or --by column with more distinct values
 * than this is almost certainly an identifier, and would make tables nobody reads. */
#define MAX_LEVELS 10000
#define UNREC_MAX 16 /* values no recode rule takes, kept for a warning */
#define DOUBT_MAX 64 /* codes that look cut out of labels at a ',', kept for a warning */
#define MAX_BY_SEGMENTS 1000
#define MAX_ACC_BYTES ((size_t)2 << 30)

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int is_number(const shopstat_totals *t, const char *s, size_t n, double *x)
{
    return shopstat_parse_number(s, n, t->decimal_comma, x) == 1;
}

/* ---- growth helpers ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np)
        return -1;
    memset((char *)np + *cap * size, 0, (nc - *cap) * size);
    *p = np;
    *cap = nc;
    return 0;
}

static long new_segment(shopstat_totals *t, const char *name, int kind, shopstat_error *err)
{
    size_t oldcap = t->segcap;
    if (grow((void **)&t->seg, &t->segcap, t->nseg + 1, sizeof *t->seg)) {
        nomem(err);
        return -1;
    }
    (void)oldcap;
    rt_segment *s = &t->seg[t->nseg];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    if (!(s->name = dupstr(name))) {
        nomem(err);
        return -1;
    }
    return (long)t->nseg++;
}

static long new_cell(shopstat_totals *t, size_t seg, size_t q, size_t level)
{
    if (grow((void **)&t->cell, &t->cellcap, t->ncell + 1, sizeof *t->cell))
        return -1;
    cell_info *c = &t->cell[t->ncell];
    c->seg = (uint32_t)seg;
    c->q = (uint32_t)q;
    c->level = level;
    return (long)t->ncell++;
}

/* Slot of the domain (seg, q) in t->dom, or of the empty slot where it would go (Fibonacci
 * hashing, linear probing); t->domcap must not be 0. */
static size_t dom_slot(const shopstat_totals *t, size_t key)
{
    size_t mask = t->domcap - 1;
    size_t i = (size_t)(((uint64_t)key * UINT64_C(0x9E3779B97F4A7C15)) >> t->domshift);
    while (t->dom[i].key && t->dom[i].key != key)
        i = (i + 1) & mask;
    return i;
}

/* The domain (seg, q), or NULL when no cell of it was made. */
static const domain *dom_find(const shopstat_totals *t, size_t seg, size_t q)
{
    if (!t->domcap)
        return NULL;
    const domain *d = &t->dom[dom_slot(t, seg * t->nq + q + 1)];
    return d->key ? d : NULL;
}

/* The domain (seg, q), added (no cells yet) when it is not there; NULL out of memory. The
 * table grows (and its domains move) when half full. */
static domain *dom_get(shopstat_totals *t, size_t seg, size_t q)
{
    size_t key = seg * t->nq + q + 1;
    if (t->domcap) {
        if (t->dlast < t->domcap && t->dom[t->dlast].key == key)
            return &t->dom[t->dlast];
        size_t i = dom_slot(t, key);
        if (t->dom[i].key) {
            t->dlast = i;
            return &t->dom[i];
        }
    }
    if (2 * (t->ndom + 1) > t->domcap) {
        size_t cap = t->domcap ? 2 * t->domcap : 64;
        unsigned shift = 64;
        for (size_t c = cap; c > 1; c >>= 1)
            shift--;
        domain *nd = calloc(cap, sizeof *nd);
        if (!nd)
            return NULL;
        domain *old = t->dom;
        size_t oldcap = t->domcap;
        t->dom = nd;
        t->domcap = cap;
        t->domshift = shift;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key)
                t->dom[dom_slot(t, old[i].key)] = old[i];
        free(old);
    }
    t->dlast = dom_slot(t, key);
    domain *d = &t->dom[t->dlast];
    d->key = key;
    d->base = -1;
    t->ndom++;
    return d;
}

long totals_cell(const shopstat_totals *t, size_t seg, size_t q, size_t level)
{
    if (seg >= t->nseg || q >= t->nq)
        return -1;
    const domain *d = dom_find(t, seg, q);
    if (!d)
        return -1;
    if (level == SIZE_MAX)
        return d->base;
    if (level >= d->nlvl || !d->lvl)
        return -1;
    return d->lvl[level];
}

/* Cell id of level (SIZE_MAX: the base) of domain d, (seg, q), creating it if needed; -1
 * out of memory. new_cell moves no domain, so d stays valid from one level to the next. */
static inline long dom_cell(shopstat_totals *t, domain *d, size_t seg, size_t q, size_t level)
{
    if (level == SIZE_MAX) {
        if (d->base < 0)
            d->base = (int32_t)new_cell(t, seg, q, SIZE_MAX);
        return d->base;
    }
    if (__builtin_expect(level >= d->nlvl, 0)) {
        size_t old = d->nlvl;
        size_t nc = old ? old : 4;
        while (nc <= level)
            nc *= 2;
        int32_t *nl = realloc(d->lvl, nc * sizeof *nl);
        if (!nl)
            return -1;
        for (size_t i = old; i < nc; i++)
            nl[i] = -1;
        d->lvl = nl;
        d->nlvl = nc;
    }
    if (d->lvl[level] < 0)
        d->lvl[level] = (int32_t)new_cell(t, seg, q, level);
    return d->lvl[level];
}

/* Cell id of (seg, q, level), creating it if needed. */
static long cell_for(shopstat_totals *t, size_t seg, size_t q, size_t level)
{
    domain *d = dom_get(t, seg, q);
    return d ? dom_cell(t, d, seg, q, level) : -1;
}

/* Per-unit sums are dense (every cell known when the unit was last touched), so memory
 * is about PSUs x cells x 16 bytes: cap it, because an identifier given as --psu with a
 * many-level question would otherwise ask for tens of gigabytes.
 *
 * They live in slabs, one per array (sums, element-mode squares, and the merged totals'
 * compensations), unit u at u x stride, mapped with transparent huge pages where the
 * kernel allows: rows go to random PSUs, and a few 2 MiB pages instead of a thousand
 * 4 KiB ones spare both the page faults and the TLB misses. Fresh memory is dear: on the
 * benchmark's VM a first touch costs about 14 us per 4 KiB page (3.6 ms a MiB) and 0.1-0.2
 * ms per 2 MiB page, so every buffer of a pass past SLAB_SMALL bytes (the slabs, a
 * worker's batch, its pattern records) is mapped in whole huge pages (huge_map). */
#define SLAB_SMALL ((size_t)256 << 10)

static void *slab_map(size_t bytes)
{
    return bytes < SLAB_SMALL ? calloc(1, bytes) : huge_map(bytes);
}

static void slab_unmap(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < SLAB_SMALL)
        free(p);
    else
        huge_unmap(p, bytes);
}

enum { SLAB_A, SLAB_Q, SLAB_L, SLAB_QL, NSLAB };

static size_t slab_elem(const shopstat_totals *t, int k)
{
    switch (k) {
    case SLAB_A: return sizeof(cell_acc);
    case SLAB_Q: return t->element || t->ps ? sizeof(double) : 0;
    case SLAB_L: return t->compensated ? sizeof(double) : 0;
    default: return t->compensated && (t->element || t->ps) ? sizeof(double) : 0;
    }
}

static void **slab_ptr(unit *u, int k)
{
    return k == SLAB_A ? (void **)&u->A : k == SLAB_Q ? (void **)&u->Q
                                        : k == SLAB_L ? (void **)&u->L
                                                      : (void **)&u->QL;
}

/* Bytes of per-PSU sums over every totals of the process: the parallel pass holds one
 * set per thread and slot besides the merged one, each under MAX_ACC_BYTES, so together
 * they are capped too. Past MAX_LIVE_ACC_BYTES (or $SHOPSTAT_ACC_LIMIT_MB, a test knob) a
 * worker fails, and the pass runs again on one thread, where only MAX_ACC_BYTES holds. */
#define MAX_LIVE_ACC_BYTES ((size_t)4 << 30)
static atomic_size_t live_acc_bytes;

static size_t live_acc_limit(void)
{
    const char *v = getenv("SHOPSTAT_ACC_LIMIT_MB");
    long mb = v ? atol(v) : 0;
    return mb > 0 && (size_t)mb < (MAX_LIVE_ACC_BYTES >> 20) ? (size_t)mb << 20
                                                                : MAX_LIVE_ACC_BYTES;
}

/* The cap on one totals' per-PSU sums: MAX_ACC_BYTES, or less with $SHOPSTAT_ACC_MAX_MB (a
 * test knob, as SHOPSTAT_ACC_LIMIT_MB). */
static size_t acc_max(void)
{
    const char *v = getenv("SHOPSTAT_ACC_MAX_MB");
    long mb = v ? atol(v) : 0;
    return mb > 0 && (size_t)mb < (MAX_ACC_BYTES >> 20) ? (size_t)mb << 20 : MAX_ACC_BYTES;
}

size_t pass_live_acc_bytes(void)
{
    return atomic_load(&live_acc_bytes);
}

static int acc_reserve(size_t bytes)
{
    size_t before = atomic_fetch_add(&live_acc_bytes, bytes);
    if (before + bytes > live_acc_limit()) {
        atomic_fetch_sub(&live_acc_bytes, bytes);
        return -1;
    }
    return 0;
}

static void atomic_max(atomic_size_t *a, size_t x)
{
    size_t cur = atomic_load(a);
    while (cur < x && !atomic_compare_exchange_weak(a, &cur, x))
        ;
}

/* Storage for t->cellcap cells (at least min_stride) for every unit (at least
 * min_units), a new layout when the cells outgrow the stride or the units the slabs: -1
 * out of memory, -2 MAX_ACC_BYTES (or the process's MAX_LIVE_ACC_BYTES).
 *
 * The cap is on what is held, not on the new layout alone: while the units' sums are
 * copied the old layout is still mapped, and the copy touches the new rows of every unit
 * copied (in whole huge pages, so all of a row), so the peak is the old layout plus those
 * rows, or the new layout once full, whichever is more. Counting the new layout alone let
 * an identifier as --psu with a many-level question reach 3 GiB under a 2 GiB cap (an old
 * layout of 1 GiB and a new one of 2 GiB whose rows the copy touched).
 *
 * PSUs come by the hundreds and each layout copies every PSU's sums into fresh pages: when
 * the PSUs outgrow a layout, the next makes room for 4 times the power of two they need
 * (pages no PSU uses are never touched: this costs address space, not memory), or for
 * just that power of two past AHEAD_MAX_BYTES (where the copies weigh little against the
 * pass, and the room would count against the process's cap, possibly sending the pass to
 * one thread) or the process's cap; the first layout in huge pages makes room for 16
 * times. 2,000 PSUs: one layout for the PSUs past the first 64 (2,048), where doubling
 * took 5 (2 before the thirty-fourth session: 512, 4,096). */
#define AHEAD_MAX_BYTES ((size_t)64 << 20)
static int slab_layout(shopstat_totals *t, size_t min_units, size_t min_stride)
{
    size_t stride = t->slab_stride, units = t->slab_units;
    if (stride < t->cellcap)
        stride = t->cellcap;
    if (stride < min_stride)
        stride = min_stride;
    if (min_units < t->nunits)
        min_units = t->nunits;
    int more = 0; /* the PSUs outgrow the layout */
    if (units < min_units) {
        more = units > 0;
        units = units ? units : 64;
        while (units < min_units)
            units *= 2;
    }
    size_t per = 0;
    for (int k = 0; k < NSLAB; k++)
        per += slab_elem(t, k);
    size_t cap = acc_max();
    if (units * stride > cap / per)
        return -2;
    size_t bytes = units * stride * per;
    size_t copied = t->nunits < t->slab_units ? t->nunits : t->slab_units;
    size_t held = t->acc_bytes + copied * stride * per; /* at the end of the copy */
    if (held < bytes)
        held = bytes;
    if (held > cap)
        return -2;
    /* (the old layout stays counted until it is unmapped below) */
    if (more && t->acc_bytes < SLAB_SMALL && 4 * bytes >= SLAB_SMALL &&
        16 * units * stride <= AHEAD_MAX_BYTES / per && 16 * bytes <= cap &&
        acc_reserve(16 * bytes) == 0) {
        /* the first layout in huge pages (from calloc'd ones): 16 times, where 4 would
         * make a layout of 512 PSUs of 128 cells (1 MiB) that 2,000 PSUs outgrow at once,
         * a huge page touched and 1 MiB copied for nothing in each worker's first chunk
         * (thirty-fourth session) */
        units *= 16;
        bytes *= 16;
    } else if (more && 4 * units * stride <= AHEAD_MAX_BYTES / per && 4 * bytes <= cap &&
               acc_reserve(4 * bytes) == 0) {
        units *= 4;
        bytes *= 4;
    } else if (acc_reserve(bytes)) {
        return -2;
    }
    void *ns[NSLAB] = {NULL, NULL, NULL, NULL};
    for (int k = 0; k < NSLAB; k++) {
        size_t e = slab_elem(t, k);
        if (e && !(ns[k] = slab_map(units * stride * e))) {
            for (int j = 0; j < k; j++)
                slab_unmap(ns[j], units * stride * slab_elem(t, j));
            atomic_fetch_sub(&live_acc_bytes, bytes);
            return -1;
        }
    }
    for (size_t u = 0; u < t->nunits; u++) {
        unit *un = &t->units[u];
        for (int k = 0; k < NSLAB; k++) {
            size_t e = slab_elem(t, k);
            void **pp = slab_ptr(un, k);
            char *dst = e ? (char *)ns[k] + u * stride * e : NULL;
            if (dst && *pp && un->cap)
                memcpy(dst, *pp, un->cap * e);
            *pp = dst;
        }
        un->cap = stride;
    }
    for (int k = 0; k < NSLAB; k++) {
        slab_unmap(t->slab[k], t->slab_bytes[k]);
        t->slab[k] = ns[k];
        t->slab_bytes[k] = units * stride * slab_elem(t, k);
    }
    t->slab_stride = stride;
    t->slab_units = units;
    if (t->layout) {
        atomic_max(&t->layout->units, units);
        atomic_max(&t->layout->stride, stride);
    }
    atomic_fetch_sub(&live_acc_bytes, t->acc_bytes);
    t->acc_bytes = bytes;
    return 0;
}

static int slab_relayout(shopstat_totals *t)
{
    return slab_layout(t, 0, 0);
}

void pass_share_layout(shopstat_totals *t, pass_layout *l)
{
    if (t->ps) /* (its pseudo-units' sums are by slot, never in the slabs: see ps_slots) */
        return;
    t->layout = l;
    size_t units = atomic_load(&l->units), stride = atomic_load(&l->stride);
    if (units > t->slab_units || stride > t->slab_stride)
        (void)slab_layout(t, units, stride); /* (on failure it grows as it goes) */
}

static int unit_reserve(shopstat_totals *t, unit *u)
{
    if (u->cap >= t->ncell)
        return 0;
    size_t uid = (size_t)(u - t->units);
    if (t->slab_stride < t->ncell || uid >= t->slab_units)
        return slab_relayout(t);
    /* a unit new since the last layout: its rows of the slabs are still zero */
    for (int k = 0; k < NSLAB; k++) {
        size_t e = slab_elem(t, k);
        *slab_ptr(u, k) = e ? (char *)t->slab[k] + uid * t->slab_stride * e : NULL;
    }
    u->cap = t->slab_stride;
    return 0;
}

/* The error of unit_reserve's -2 (the per-PSU sums past MAX_ACC_BYTES), at line (0: none). */
static shopstat_status acc_limit(const shopstat_totals *t, size_t line, shopstat_error *err)
{
    return shopstat_error_set(
        err, SHOPSTAT_ELIMIT, t->path, line, line ? 1 : 0,
        "the per-PSU totals would exceed %zu MiB (%zu PSUs x %zu cells); "
        "use fewer questions or segments per run, or omit design_opts.psu if every "
        "row is its own PSU",
        acc_max() >> 20, t->nunits, t->ncell);
}

/* Release the slabs (all units' sums). */
static void slab_free(shopstat_totals *t)
{
    for (int k = 0; k < NSLAB; k++) {
        slab_unmap(t->slab[k], t->slab_bytes[k]);
        t->slab[k] = NULL;
        t->slab_bytes[k] = 0;
    }
    atomic_fetch_sub(&live_acc_bytes, t->acc_bytes);
    t->acc_bytes = 0;
}

/* ---- a post-stratified design's pseudo-units: slots per cell met ----
 * A pseudo-unit (stratum, PSU, post-stratum) holds the rows of one post-stratum, and they
 * reach only some of the cells: on region x spend_6m with --by spend_6m, none of the
 * other two spend_6m levels' cells, and the heavy segment's only at spend_6m 3. Laid out
 * by cell as a PSU's are, every pseudo-unit held every cell (the typical run at 1M rows:
 * 6,000 pseudo-units x 128 cells, 18 MB on each thread and 31 MB merged). Instead each
 * post-stratum g numbers the cells its rows reach (ps_slots: a slot at the cell's first
 * row in g, in each totals apart), and each of its pseudo-units keeps its sums (A, Q, and
 * L and QL when compensated) by slot, in a block of its own grown as g's slots are, never
 * in the slabs. The merges, the derived segments (derive_segments), finish_units and
 * calib.c's collapse, calibration and variance go from slot to cell; the sums, and the
 * order they are added in, are the same as by cell. */
static void ps_slots_free(ps_state *ps)
{
    for (size_t g = 0; g < ps->nsl; g++) {
        free(ps->sl[g].slot);
        free(ps->sl[g].cell);
    }
    free(ps->sl);
    ps->sl = NULL;
    ps->nsl = 0;
}

/* A post-stratified totals' pseudo-units' sums (t->units, or ps->pu once collapsed) and
 * slots, freed. */
static void ps_sparse_free(shopstat_totals *t)
{
    if (!t->ps)
        return;
    unit *pu = t->ps->pu ? t->ps->pu : t->units;
    size_t n = t->ps->pu ? t->ps->npu : t->nunits;
    for (size_t u = 0; u < n; u++) {
        free(pu[u].A);
        pu[u].A = NULL;
        pu[u].cap = 0;
    }
    ps_slots_free(t->ps);
}

/* Bytes of one slot of a pseudo-unit's sums. */
static size_t ps_slot_bytes(const shopstat_totals *t)
{
    return sizeof(cell_acc) + sizeof(double) * (t->compensated ? 3 : 1);
}

/* Post-stratum g's slots, covering every cell made so far; NULL out of memory. */
static __attribute__((noinline)) ps_slots *ps_slots_grow(shopstat_totals *t, size_t g)
{
    ps_state *ps = t->ps;
    if (!ps->nsl) { /* (getenv: not at every pseudo-unit's growth) */
        ps->acc_cap = acc_max();
        ps->live_cap = live_acc_limit();
    }
    if (g >= ps->nsl) {
        size_t n = ps->nsl ? ps->nsl : 16;
        while (n <= g)
            n *= 2;
        ps_slots *sl = realloc(ps->sl, n * sizeof *sl);
        if (!sl)
            return NULL;
        memset(sl + ps->nsl, 0, (n - ps->nsl) * sizeof *sl);
        ps->sl = sl;
        ps->nsl = n;
    }
    ps_slots *pm = &ps->sl[g];
    if (pm->ncap < t->ncell) {
        size_t n = t->cellcap > t->ncell ? t->cellcap : t->ncell;
        int32_t *s = realloc(pm->slot, n * sizeof *s);
        if (!s)
            return NULL;
        for (size_t c = pm->ncap; c < n; c++)
            s[c] = -1;
        pm->slot = s;
        pm->ncap = n;
    }
    return pm;
}

static inline ps_slots *ps_slots_of(shopstat_totals *t, size_t g)
{
    ps_state *ps = t->ps;
    if (__builtin_expect(g < ps->nsl && ps->sl[g].ncap >= t->ncell, 1))
        return &ps->sl[g];
    return ps_slots_grow(t, g);
}

/* Room in pseudo-unit u for need slots (rounded up to 8): 0, -1 out of memory, -2 past
 * the caps on the per-PSU sums (acc_max, the process's live_acc_limit). */
static int ps_unit_room(shopstat_totals *t, unit *u, size_t need)
{
    size_t cap = (need + 7) & ~(size_t)7, per = ps_slot_bytes(t);
    size_t add = (cap - u->cap) * per;
    if (t->acc_bytes + add > t->ps->acc_cap)
        return -2;
    if (atomic_fetch_add(&live_acc_bytes, add) + add > t->ps->live_cap) { /* (acc_reserve) */
        atomic_fetch_sub(&live_acc_bytes, add);
        return -2;
    }
    char *b = calloc(cap, per);
    if (!b) {
        atomic_fetch_sub(&live_acc_bytes, add);
        return -1;
    }
    cell_acc *A = (cell_acc *)(void *)b;
    double *Q = (double *)(void *)(A + cap);
    double *L = t->compensated ? Q + cap : NULL, *QL = L ? L + cap : NULL;
    if (u->cap) {
        memcpy(A, u->A, u->cap * sizeof *A);
        memcpy(Q, u->Q, u->cap * sizeof *Q);
        if (L) {
            memcpy(L, u->L, u->cap * sizeof *L);
            memcpy(QL, u->QL, u->cap * sizeof *QL);
        }
        free(u->A);
    }
    u->A = A;
    u->Q = Q;
    u->L = L;
    u->QL = QL;
    u->cap = cap;
    t->acc_bytes += add;
    return 0;
}

/* The slot of cell c (below pm->ncap) in pseudo-unit u of post-stratum pm, made when c's
 * first row in the post-stratum comes, with room in u: the slot, or -1 out of memory, -2
 * past the caps. */
static __attribute__((noinline)) long ps_slot_new(shopstat_totals *t, unit *u, ps_slots *pm,
                                                  size_t c)
{
    if (pm->slot[c] < 0) {
        if (pm->n == pm->cap) {
            uint32_t cap = pm->cap ? 2 * pm->cap : 16;
            uint32_t *nc = realloc(pm->cell, cap * sizeof *nc);
            if (!nc)
                return -1;
            pm->cell = nc;
            pm->cap = cap;
        }
        pm->cell[pm->n] = (uint32_t)c;
        pm->slot[c] = (int32_t)pm->n++;
    }
    size_t s = (size_t)pm->slot[c];
    if (s >= u->cap) {
        int r = ps_unit_room(t, u, pm->n);
        if (r)
            return r;
    }
    return (long)s;
}

/* ---- binding ---- */

static shopstat_status bind_column(shopstat_totals *t, const char *name, const char *what,
                                   size_t *idx, shopstat_error *err)
{
    return shopstat_reader_column(t->reader, name, what, idx, err);
}

/* --score Q:MAP reads its whole text as the question when what follows the last ':' is no
 * map (so that a column named "Q1: Recommend us?" is scored whole), and a column of that
 * name is then not found: 'answer_secs:median'. When the text before that ':' is a column,
 * the user meant a map: say so (the statistics a score offers), not that no column has the
 * whole name. err is rewritten only then. */
static void score_map_hint(const shopstat_totals *t, const char *name, shopstat_error *err)
{
    const char *c = strrchr(name, ':');
    int scored = 0;
    for (size_t k = 0; k < t->plan->nscores && !scored; k++)
        scored = strcmp(t->plan->scores[k].question, name) == 0;
    if (!scored || !c || c == name || !c[1])
        return;
    char *col = strndup(name, (size_t)(c - name));
    size_t idx;
    if (col && shopstat_reader_column(t->reader, col, NULL, &idx, NULL) == SHOPSTAT_OK)
        shopstat_error_set(err, SHOPSTAT_EUSAGE, t->path, 0, 0,
                           "shopstat_plan_parse_score(\"%s\"): no column is named '%s', and "
                           "'%s' after column '%s' is no map: a score is mean, nps, "
                           "V=S,V=S,... (a weighted mean), median or pN (a quantile: p25, "
                           "p90)",
                           name, name, c + 1, col);
    free(col);
}

static shopstat_status add_hidden(shopstat_totals *t, const char *name, const plan_cond *conds,
                                  size_t n, long *id, shopstat_error *err)
{
    long s = new_segment(t, name, SEG_HIDDEN, err);
    if (s < 0)
        return err ? err->status : SHOPSTAT_ENOMEM;
    rt_segment *rs = &t->seg[s];
    rs->hidden = 1;
    rs->owns_conds = 1;
    rs->conds = calloc(n ? n : 1, sizeof *rs->conds);
    if (!rs->conds)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        const plan_cond *c = &conds[i];
        plan_cond *d = &rs->conds[i];
        shopstat_cond sc = {c->column, c->op, (const char *const *)NULL};
        const char **vals = calloc(c->nvalues + 1, sizeof *vals);
        if (!vals)
            return nomem(err);
        for (size_t j = 0; j < c->nvalues; j++)
            vals[j] = c->values[j];
        sc.values = vals;
        shopstat_status st = plan_cond_copy(d, &sc, err);
        free(vals);
        rs->nconds++;
        if (st)
            return st;
        d->exact_text = c->exact_text;
    }
    *id = s;
    return SHOPSTAT_OK;
}

/* The fixed (not --by) segment named name, or -1. */
static long fixed_segment(const shopstat_totals *t, const char *name)
{
    for (size_t i = 0; i < t->nseg; i++)
        if (t->seg[i].kind != SEG_BY && strcmp(t->seg[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* The --by set named name (COL, or COL@TAG), as an index in t->by, or -1. */
static long by_set(const shopstat_totals *t, const char *name)
{
    for (size_t b = 0; b < t->nby; b++)
        if (strcmp(t->plan->segments[t->by[b].plan_index].name, name) == 0)
            return (long)b;
    return -1;
}

/* Resolve a pair side: 'all', a fixed segment, or "COL=VALUE" (a hidden segment). */
static shopstat_status resolve_side(shopstat_totals *t, const char *name, size_t *out,
                                    shopstat_error *err)
{
    for (size_t i = 0; i < t->nseg; i++)
        if (t->seg[i].kind != SEG_BY && strcmp(t->seg[i].name, name) == 0) {
            *out = i;
            return SHOPSTAT_OK;
        }
    const char *eq = strchr(name, '=');
    if (eq && eq != name) {
        char *col = malloc((size_t)(eq - name) + 1);
        if (!col)
            return nomem(err);
        memcpy(col, name, (size_t)(eq - name));
        col[eq - name] = '\0';
        size_t idx;
        shopstat_status st = bind_column(t, col, "pair", &idx, err);
        if (st) {
            free(col);
            return st;
        }
        plan_cond c = {0};
        char *v = (char *)(eq + 1);
        c.column = col;
        c.op = SHOPSTAT_OP_IN;
        c.values = &v;
        c.nvalues = 1;
        c.exact_text = 1;
        long id;
        st = add_hidden(t, name, &c, 1, &id, err);
        free(col);
        if (st)
            return st;
        *out = (size_t)id;
        return SHOPSTAT_OK;
    }
    /* Suggest the names that exist, the closest first ('al' for all) */
    char list[512] = "", mean[300] = "";
    size_t used = 0, ncand = 0;
    const char *cand[64];
    for (size_t i = 0; i < t->nseg && used < sizeof list - 64; i++) {
        if (t->seg[i].kind == SEG_BY || t->seg[i].hidden)
            continue;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 t->seg[i].name);
        if (ncand < 63)
            cand[ncand++] = t->seg[i].name;
    }
    cand[ncand++] = "rest";
    const char *near = strchr(name, '=') ? NULL : shopstat_closest(name, cand, ncand);
    if (near)
        snprintf(mean, sizeof mean, " (did you mean '%.200s'?)", near);
    /* a value of a --by column named alone ('2026-06' for wave=2026-06): the values are not
     * read yet, so each by column is offered */
    char byhint[512] = "";
    size_t hused = 0;
    for (size_t b = 0; b < t->nby && !strchr(name, ':') && hused < sizeof byhint - 64; b++) {
        const char *col = shopstat_reader_colname(t->reader, t->by[b].column);
        int n = snprintf(byhint + hused, sizeof byhint - hused, "%s%s=%s",
                         hused ? " or " : "; if it is a value of a by column, write ",
                         col ? col : "?", name);
        hused = n < 0 ? hused : hused + (size_t)n;
        if (hused >= sizeof byhint)
            hused = sizeof byhint - 1;
    }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "pair: unknown segment '%s'%s; segments are: %s, rest, or "
                              "COLUMN=VALUE (each value of a by column: COLUMN:rest, "
                              "COLUMN:all)%s",
                              name, mean, list, byhint);
}

/* A multi-response question's columns: each item of its list a column or, holding * ? or
 * [, every column it matches (reader_columns_for), a column once. Its levels are the
 * columns' names or, read with two header rows, the options' labels ("Phone" of "Which
 * channels? / Phone"), unless two of its columns share one (then the names). */
static shopstat_status bind_multi(shopstat_totals *t, rt_question *q, const char *what,
                                  shopstat_error *err)
{
    const plan_question *pq = q->pq;
    size_t cap = 0, *from = NULL; /* [column]: the item of the list it comes from */
    shopstat_status st = SHOPSTAT_OK;
    for (size_t j = 0; j < pq->ncolumns && !st; j++) {
        size_t *idx, n;
        if ((st = reader_columns_for(t->reader, pq->columns[j], what, &idx, &n, err)))
            break;
        for (size_t k = 0; k < n && !st; k++) {
            for (size_t m = 0; m < q->ncols && !st; m++)
                if (q->cols[m] == idx[k])
                    st = shopstat_error_set(
                        err, SHOPSTAT_EUSAGE, shopstat_reader_path(t->reader), 0, 0,
                        "%s question '%s' takes column '%s' twice (its items '%s' and '%s' "
                        "both stand for it)",
                        what, pq->name, shopstat_reader_colname(t->reader, idx[k]),
                        pq->columns[from[m]], pq->columns[j]);
            if (!st && q->ncols == cap) {
                cap = cap ? 2 * cap : 8;
                size_t *nc = realloc(q->cols, cap * sizeof *nc);
                if (nc)
                    q->cols = nc;
                size_t *nf = nc ? realloc(from, cap * sizeof *nf) : NULL;
                if (nf)
                    from = nf;
                if (!nc || !nf)
                    st = nomem(err);
            }
            if (!st) {
                from[q->ncols] = j;
                q->cols[q->ncols++] = idx[k];
            }
        }
        free(idx);
    }
    free(from);
    if (st)
        return st;
    if (pq->ticked &&
        (!(q->tick = calloc(q->ncols, sizeof *q->tick)) || !(q->tick_one = calloc(q->ncols, 1))))
        return nomem(err);
    int labels = reader_multi_labels(t->reader, q->cols, q->ncols);
    for (size_t j = 0; j < q->ncols; j++) {
        const char *key = labels ? shopstat_reader_collabel(t->reader, q->cols[j])
                                 : shopstat_reader_colname(t->reader, q->cols[j]);
        int added;
        if (smap_put(&q->levels, key, strlen(key), &added) < 0)
            return nomem(err);
        if (!added) /* (two columns of one name, which a pattern matched) */
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, shopstat_reader_path(t->reader), 0, 0,
                                      "%s question '%s' takes two columns named '%s'; rename "
                                      "them in the header so that each name is unique",
                                      what, pq->name, key);
    }
    return SHOPSTAT_OK;
}

/* The question named name (not the rows_only one), or SIZE_MAX. */
static size_t question_index(const shopstat_totals *t, const char *name)
{
    for (size_t q = 0; q < t->nq; q++)
        if (q != t->rows_q && strcmp(t->q[q].pq->name, name) == 0)
            return q;
    return SIZE_MAX;
}

/* Mark question q in segment s's (or --by set b's, when s is SIZE_MAX) mask. */
static void need_mark(shopstat_totals *t, size_t s, long b, size_t q)
{
    unsigned char *m = (unsigned char *)(s != SIZE_MAX ? t->seg[s].need : t->by[b].need);
    if (m)
        m[q] = 1;
}

/* The pairs' questions (plan_pair.questions: rt_pair.qmask), and a sparse plan's masks
 * (shopstat_plan_need): the questions each segment bound so far and each --by set keep
 * cells for. Every question in 'all' (the estimates' checks read a level's cell there:
 * whether rows of the base hold it), each declared (question, segment), and what each pair
 * needs on its questions: its sides, the segment its rest is taken from ('all' or its
 * within), the rows of its subset (the rows_only question) and, in an element design, the
 * intersection of its sides. The derived segments need nothing more (cell_list). */
static shopstat_status need_masks(shopstat_totals *t, shopstat_error *err)
{
    const shopstat_plan *p = t->plan;
    size_t nq = t->nq;
    int any = 0;
    for (size_t i = 0; i < p->npairs; i++)
        any |= p->pairs[i].nquestions > 0;
    if (any && !(t->pairmask = calloc(p->npairs * nq, 1)))
        return nomem(err);
    for (size_t i = 0; any && i < p->npairs; i++) {
        const plan_pair *pp = &p->pairs[i];
        if (!pp->nquestions)
            continue;
        unsigned char *m = t->pairmask + i * nq;
        for (size_t j = 0; j < pp->nquestions; j++) {
            size_t q = question_index(t, pp->questions[j]);
            if (q == SIZE_MAX) /* (shopstat_plan_pair_question checks it) */
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "pair %s:%s: unknown question '%s'", pp->a, pp->b,
                                          pp->questions[j]);
            m[q] = 1;
        }
        t->pairs[i].qmask = m;
    }
    if (!p->nneeds)
        return SHOPSTAT_OK;
    size_t nfix = t->nseg;
    if (!(t->needmask = calloc((nfix + t->nby) * nq, 1)))
        return nomem(err);
    for (size_t s = 0; s < nfix; s++) {
        t->seg[s].need = t->needmask + s * nq;
        if (t->seg[s].kind == SEG_ALL)
            memset(t->needmask + s * nq, 1, nq);
    }
    for (size_t b = 0; b < t->nby; b++)
        t->by[b].need = t->needmask + (nfix + b) * nq;
    for (size_t i = 0; i < p->nneeds; i++) {
        const plan_need *nd = &p->needs[i];
        size_t q = question_index(t, nd->question);
        long s = fixed_segment(t, nd->segment), b = s < 0 ? by_set(t, nd->segment) : -1;
        if (q == SIZE_MAX || (s < 0 && b < 0))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      q == SIZE_MAX ? "unknown question '%s' (needed in '%s')"
                                                    : "question '%s' is needed in '%s', which "
                                                      "is neither a segment nor a by set",
                                      nd->question, nd->segment);
        need_mark(t, s >= 0 ? (size_t)s : SIZE_MAX, b, q);
    }
    for (size_t i = 0; i < t->npairs; i++) {
        const rt_pair *rp = &t->pairs[i];
        int rest = rp->b == SIZE_MAX;
        for (size_t q = 0; q < nq; q++) {
            if (q == t->rows_q || !pair_on(rp, q))
                continue;
            need_mark(t, rp->by_set >= 0 ? SIZE_MAX : rp->a, rp->by_set, q);
            need_mark(t, rest ? rp->m : rp->b, -1, q);
            if (rp->by_set >= 0) /* (each value against rest or all: within m) */
                need_mark(t, rp->m, -1, q);
            if (rp->inter >= 0)
                need_mark(t, (size_t)rp->inter, -1, q);
        }
        if (rp->sub != SIZE_MAX && t->rows_q != SIZE_MAX)
            need_mark(t, rp->sub, -1, t->rows_q);
    }
    return SHOPSTAT_OK;
}

static shopstat_status bind(shopstat_totals *t, shopstat_error *err)
{
    const shopstat_plan *p = t->plan;
    shopstat_status st;
    t->wcol = t->scol = t->pcol = t->fcol = SIZE_MAX;
    if (p->design.weight && (st = bind_column(t, p->design.weight, "weight", &t->wcol, err)))
        return st;
    if (p->design.strata && (st = bind_column(t, p->design.strata, "strata", &t->scol, err)))
        return st;
    if (p->design.psu && (st = bind_column(t, p->design.psu, "psu", &t->pcol, err)))
        return st;
    if (p->design.fpc && (st = bind_column(t, p->design.fpc, "fpc", &t->fcol, err)))
        return st;
    if (p->nbase && !(t->basecols = calloc(p->nbase, sizeof *t->basecols)))
        return nomem(err);
    for (size_t j = 0; j < p->nbase; j++)
        if ((st = bind_column(t, p->base[j].column, "base", &t->basecols[j], err)))
            return st;
    if (p->nexcl) {
        size_t nc = 0;
        for (size_t k = 0; k < p->nexcl; k++)
            nc += p->excl[k].nconds;
        if (!(t->exclcols = calloc(nc, sizeof *t->exclcols)))
            return nomem(err);
        nc = 0;
        for (size_t k = 0; k < p->nexcl; k++)
            for (size_t j = 0; j < p->excl[k].nconds; j++)
                if ((st = p->excl[k].dedupe
                              ? bind_column(t, p->excl[k].conds[j].column, "dedupe",
                                            &t->exclcols[nc++], err)
                              : excl_column(t->reader, &p->excl[k].conds[j], "exclude",
                                            &t->exclcols[nc++], NULL, NULL, err)))
                    return st;
        if ((st = excl_rows_init(&t->excl, p, t->reader, t->decimal_comma, t->exclcols, err)))
            return st;
    }
    if (p->design.repweights && (st = rep_bind(t, err)))
        return st;
    t->element = t->pcol == SIZE_MAX;
    if ((p->design.poststratify || p->design.rake) && (st = ps_bind(t, err)))
        return st;
    if (t->rep && t->ps && (st = rep_ps_bind(t, err)))
        return st;
    t->compensated = t->element; /* see add_element */
    t->has_weight = t->wcol != SIZE_MAX;
    t->lonely = p->design.lonely;

    /* (nq only once q is there: shopstat_totals_free walks nq questions of q) */
    t->rows_q = SIZE_MAX;
    t->q = calloc(p->nquestions ? p->nquestions : 1, sizeof *t->q);
    if (!t->q)
        return nomem(err);
    t->nq = p->nquestions;
    size_t maxlv = 0;
    for (size_t i = 0; i < t->nq; i++) {
        rt_question *q = &t->q[i];
        q->pq = &p->questions[i];
        for (size_t k = 0; k < p->nscores; k++)
            q->score_mean |= p->scores[k].kind == SCORE_MEAN && q->pq->kind == SHOPSTAT_Q_SINGLE &&
                             !q->pq->nrecodes && strcmp(p->scores[k].question, q->pq->name) == 0;
        for (size_t k = 0; k < p->nscores; k++)
            q->score_quantile |= p->scores[k].kind == SCORE_QUANTILE &&
                                 q->pq->kind == SHOPSTAT_Q_SINGLE && !q->pq->nrecodes &&
                                 strcmp(p->scores[k].question, q->pq->name) == 0;
        smap_init(&q->levels);
        smap_init(&q->unrec);
        smap_init(&q->doubt);
        if (q->pq->rows_only)
            t->rows_q = i;
        const char *what = q->pq->kind == SHOPSTAT_Q_SINGLE ? "question"
                           : q->pq->kind == SHOPSTAT_Q_MULTI
                               ? q->pq->ticked ? "ticked multi-response" : "multi-response"
                               : "multi-response codes";
        if (q->pq->kind == SHOPSTAT_Q_MULTI) {
            if ((st = bind_multi(t, q, what, err)))
                return st;
        } else {
            q->ncols = q->pq->ncolumns;
            q->cols = calloc(q->ncols ? q->ncols : 1, sizeof *q->cols);
            if (!q->cols)
                return nomem(err);
            for (size_t j = 0; j < q->ncols; j++)
                if ((st = bind_column(t, q->pq->columns[j], what, &q->cols[j], err))) {
                    if (st == SHOPSTAT_EUSAGE)
                        score_map_hint(t, q->pq->columns[j], err);
                    return st;
                }
        }
        /* recoded levels come in rule order; rules may share a level */
        if (q->pq->nrecodes && !(q->rule_level = malloc(q->pq->nrecodes * sizeof *q->rule_level)))
            return nomem(err);
        for (size_t j = 0; j < q->pq->nrecodes; j++) {
            const char *lv = q->pq->recodes[j].level;
            long id = smap_put(&q->levels, lv, strlen(lv), NULL);
            if (id < 0)
                return nomem(err);
            q->rule_level[j] = (size_t)id;
        }
        /* declared levels (a spec's values:): listed whether rows hold them or not */
        for (size_t j = 0; j < q->pq->ndeclared; j++)
            if (smap_put(&q->levels, q->pq->declared[j], strlen(q->pq->declared[j]), NULL) < 0)
                return nomem(err);
        if (q->ncols > maxlv)
            maxlv = q->ncols;
    }
    t->lvlbuf_cap = 0;

    for (size_t i = 0; i < p->nsegments; i++) {
        const plan_segment *ps = &p->segments[i];
        if (ps->kind == SEG_BY) {
            rt_by *nb = realloc(t->by, (t->nby + 1) * sizeof *nb);
            if (!nb)
                return nomem(err);
            t->by = nb;
            rt_by *b = &nb[t->nby++];
            memset(b, 0, sizeof *b);
            smap_init(&b->values);
            b->plan_index = i;
            if ((st = bind_column(t, ps->by_column, "by", &b->column, err)))
                return st;
            /* the set's name is COL or COL@TAG */
            size_t cl = strlen(ps->by_column);
            b->tag = ps->name[cl] == '@' ? ps->name + cl + 1 : NULL;
            b->conds = ps->conds;
            b->nconds = ps->nconds;
            if (ps->nconds && !(b->condcols = calloc(ps->nconds, sizeof *b->condcols)))
                return nomem(err);
            for (size_t j = 0; j < ps->nconds; j++)
                if ((st = bind_column(t, ps->conds[j].column, "by condition", &b->condcols[j],
                                      err)))
                    return st;
            continue;
        }
        long s = new_segment(t, ps->name, ps->kind, err);
        if (s < 0)
            return err->status;
        t->seg[s].plan_index = i;
        t->seg[s].conds = ps->conds;
        t->seg[s].nconds = ps->nconds;
    }
    /* condition columns: validate now, look up per row by name through a small table */
    for (size_t i = 0; i < t->nseg; i++)
        for (size_t j = 0; j < t->seg[i].nconds; j++) {
            size_t idx;
            if ((st = bind_column(t, t->seg[i].conds[j].column, "segment", &idx, err)))
                return st;
        }

    /* pairs */
    if (p->npairs) {
        t->pairs = calloc(p->npairs, sizeof *t->pairs);
        if (!t->pairs)
            return nomem(err);
    }
    size_t all = 0;
    while (all < t->nseg && t->seg[all].kind != SEG_ALL)
        all++;
    for (size_t i = 0; i < p->npairs; i++) {
        rt_pair *rp = &t->pairs[i];
        const plan_pair *pp = &p->pairs[i];
        rp->inter = -1;
        rp->name_a = pp->a;
        rp->name_b = pp->b;
        rp->m = all;
        if (pp->within && (st = resolve_side(t, pp->within, &rp->m, err)))
            return st;
        rp->sub = SIZE_MAX;
        if (pp->subset && (st = resolve_side(t, pp->subset, &rp->sub, err)))
            return st;
        int rest = strcmp(pp->b, "rest") == 0, vs_all = strcmp(pp->b, "all") == 0;
        rp->by_set = fixed_segment(t, pp->a) < 0 ? by_set(t, pp->a) : -1;
        /* COL:prev, each value against the one before it (a tracker's wave on wave) */
        rp->prev = rp->by_set >= 0 && strcmp(pp->b, "prev") == 0;
        if (rp->by_set >= 0 && !rest && !vs_all && !rp->prev)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "pair %s:%s: a by set is compared value by value "
                                      "with rest, all or the value before it (%s:rest, "
                                      "%s:all, %s:prev), or name its "
                                      "values (%s=VALUE); to compare within each value "
                                      "(each wave), compare once per value with a base "
                                      "of its rows (--base %s:VALUE; docs/spec.md, "
                                      "\"Within each wave\")",
                                      pp->a, pp->b, pp->a, pp->a, pp->a, pp->a, pp->a);
        if (rp->by_set < 0 && strcmp(pp->b, "prev") == 0 && fixed_segment(t, "prev") < 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "pair %s:prev: prev follows a by column, each value "
                                      "against the one before it (--by wave --pair "
                                      "wave:prev); '%s' is no by column",
                                      pp->a, pp->a);
        if (rp->by_set >= 0)
            rp->a = rp->m; /* (a value of the set, after the pass) */
        else if ((st = resolve_side(t, pp->a, &rp->a, err)))
            return st;
        t->npairs++;
        if (!rest && !vs_all && fixed_segment(t, pp->b) < 0 && by_set(t, pp->b) >= 0) {
            if (strcmp(pp->a, "all") == 0) /* (all:COL is COL:all turned round) */
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "pair %s:%s: a by set stands first, against rest "
                                          "or all (%s:rest, %s:all)",
                                          pp->a, pp->b, pp->b, pp->b);
            /* (heavy:wave: most likely heavy against the rest within each wave) */
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "pair %s:%s: a by set stands first, against rest "
                                      "or all (%s:rest, %s:all); to compare %s with the "
                                      "rest within each value (each wave), compare once "
                                      "per value with a base of its rows (--base %s:VALUE "
                                      "--pair %s:rest; docs/spec.md, \"Within each wave\")",
                                      pp->a, pp->b, pp->b, pp->b, pp->a, pp->b, pp->a);
        }
        if (rest)
            rp->b = SIZE_MAX;
        else if ((vs_all && pp->within) || rp->prev)
            /* (prev: the value before, after the pass; until then the set's m) */
            rp->b = rp->m;
        else if ((st = resolve_side(t, pp->b, &rp->b, err)))
            return st;
    }
    /* Element mode: each row is a PSU, so the covariance of two overlapping segments
     * needs sums of w^2 over their intersection, which we collect as a hidden segment. */
    if (t->element)
        for (size_t i = 0; i < t->npairs; i++) {
            rt_pair *rp = &t->pairs[i];
            /* (a within m: their intersection is a, see seg_inter) */
            if (rp->by_set >= 0 || rp->b == SIZE_MAX || rp->b == rp->m ||
                t->seg[rp->a].kind == SEG_ALL || t->seg[rp->b].kind == SEG_ALL)
                continue;
            /* (one intersection per two segments: variance.c's seg_inter takes the first
             * pair's, which a sparse plan then keeps for every pair's questions) */
            for (size_t j = 0; j < i && rp->inter < 0; j++) {
                const rt_pair *o = &t->pairs[j];
                if (o->inter >= 0 &&
                    ((o->a == rp->a && o->b == rp->b) || (o->a == rp->b && o->b == rp->a)))
                    rp->inter = o->inter;
            }
            if (rp->inter >= 0)
                continue;
            const rt_segment *a = &t->seg[rp->a], *b = &t->seg[rp->b];
            size_t n = a->nconds + b->nconds;
            plan_cond *both = calloc(n ? n : 1, sizeof *both);
            if (!both)
                return nomem(err);
            memcpy(both, a->conds, a->nconds * sizeof *both);
            memcpy(both + a->nconds, b->conds, b->nconds * sizeof *both);
            char name[64];
            snprintf(name, sizeof name, "\x1fpair%zu", i);
            long id;
            st = add_hidden(t, name, both, n, &id, err);
            free(both);
            if (st)
                return st;
            rp->inter = id;
        }
    if ((st = need_masks(t, err)))
        return st;
    t->active = calloc(MAX_BY_SEGMENTS + t->nseg + 8, sizeof *t->active);
    if (!t->active)
        return nomem(err);
    smap_init(&t->strata);
    smap_init(&t->psus);
    t->last_unit = -1;
    return SHOPSTAT_OK;
}

/* ---- per row ---- */

/* Per-column value cache: field bytes -> a dense value id, found without hashing the
 * text for values of up to 8 bytes (packed into a word). Consumers keep what they derive
 * from a value (its level, segment, stratum, a condition's truth) in tables indexed by
 * the id, filled the first time the value is seen, so that per row only the lookups
 * and the cell updates remain. A column with more than COLVAL_MAX distinct values stops
 * interning new ones: those take the direct path every time. */
#define COLVAL_MAX 65536
#define UNKNOWN INT32_MIN

/* Open addressing from a word and a length (text of up to 8 bytes packed into the word, or
 * any 64-bit key with length 0) to a 32-bit id; load up to 1/2. */
typedef struct wordtab {
    uint64_t *k;
    uint32_t *v; /* id + 1, 0 = empty */
    uint8_t *l;
    size_t mask, n;
} wordtab;

typedef struct colval {
    size_t col;
    strmap map;     /* value text -> id */
    wordtab h;      /* short values (packed, with their length) -> id */
    int full;
} colval;

/* A table from value ids to a derived int32, UNKNOWN until filled. */
typedef struct itab {
    int32_t *v;
    size_t cap;
} itab;

typedef struct codes_entry {
    uint32_t start, n; /* into row_ctx.cpool */
} codes_entry;

/* Batched cell updates. Rows go to random PSUs, whose sums (PSUs x cells x 16 bytes) are
 * far larger than the caches, so updating them row by row is a cache miss per cell. A
 * batch holds up to BATCH_MAX rows (PSU, weight, and their cells as a pattern record) and
 * applies them PSU by PSU, each PSU's rows in file order: every per-PSU sum is then the
 * same as in the plain loop (it only depends on the order of that PSU's rows), while a
 * PSU's cells stay in L1 across its rows. */
#define BATCH_MAX 65536
/* the batch and its order (batch_flush) */
#define BATCH_BYTES (BATCH_MAX * (sizeof(batch_row) + sizeof(uint32_t)))

/* Rows one pass uses at most: cell_acc's counts are 32 bits (a pass refuses the row after
 * the last, rather than let a count wrap). */
#define PASS_ROWS_MAX ((size_t)UINT32_MAX)
typedef struct batch_row {
    uint32_t unit;
    uint32_t rec; /* word offset of the row's pattern record in rc->prec */
    double w;
} batch_row;

#define PATTERN_KEY_MAX 256

/* Exact sums of squared weights (for the effective base). A weight written as a plain
 * decimal of at most W2X_DIGITS decimals is a whole number of 10^-9 (below 2^64 for a
 * weight under 1.8e10), its square a whole number of 10^-18 below 2^128, and a pass
 * (at most 2^32 rows) sums those exactly in 192 bits: the same sum in any order and any
 * grouping. So a row adds its w^2 once, to its pattern record's sum (the W2X_WORDS before
 * the record's header word), instead of once per base cell; w2_fold hands the records'
 * sums to their base cells at the chunk's end. Grouping rows by pattern in floating point
 * would make the last digits depend on which rows found a record, which depends on the
 * rows a thread saw before (the pattern table fills up). Other weights are added in
 * doubles, row by row, as before. */
#define W2X_DIGITS 9
#define W2X_WORDS 3
__extension__ typedef unsigned __int128 w2x_u128;

/* a += x, both 192-bit (x given as a square below 2^128) */
static inline void w2x_add(uint64_t *a, w2x_u128 x)
{
    /* (the low two words as one 128-bit number, its carry to the third: an add and an
     * add-with-carry where the word by word form took 20 instructions a row) */
    w2x_u128 lo = ((w2x_u128)a[1] << 64 | a[0]) + x;
    a[0] = (uint64_t)lo;
    a[1] = (uint64_t)(lo >> 64);
    a[2] += lo < x;
}

static inline void w2x_add_sum(uint64_t *a, const uint64_t *b)
{
    w2x_add(a, (w2x_u128)b[1] << 64 | b[0]);
    a[2] += b[2];
}

static inline int w2x_zero(const uint64_t *a)
{
    return !(a[0] | a[1] | a[2]);
}

/* The sum in units of 1: the 192 bits rounded to a double, then divided by 10^18. */
static double w2x_value(const uint64_t *a)
{
    double v = (double)((w2x_u128)a[1] << 64 | a[0]);
    if (a[2])
        v += (double)a[2] * 0x1p128;
    return v / 1e18;
}

/* The weight m / 10^frac (as parse_plain_decimal_m reads it) in units of 10^-9: 1 and *n,
 * or 0 when it has more decimals or is 1.8e10 or more. */
static inline int w2x_units(uint64_t m, unsigned frac, uint64_t *n)
{
    static const uint64_t scale[W2X_DIGITS + 1] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                                   10000,      1000,      100,      10,      1};
    return frac <= W2X_DIGITS && !__builtin_mul_overflow(m, scale[frac], n);
}
/* Merging once (pass_set_once), the per-PSU sums add each weight as a whole number of
 * 10^-6 (its whole number of 10^-9, as w2x_units reads it, over ONCE_DIV), held in a
 * double: exact below 2^53 units, so 9,007,199,254 in weight per PSU and cell. In 10^-9 it
 * was 9,007,199, which a public-use file's PSU passes (nhanes' largest PSU sums 1.8e7:
 * every such run was parsed twice); a weight of 7 to 9 decimals now runs in file order. */
#define ONCE_DIV 1000
#define ONCE_SCALE 1e6

/* A pattern record's header word: key bytes << 48 | outside --base << 47 | holds a global
 * code << 46 | base cells << 32 | PATTERN_NARROW if the cell ids are 16-bit | cells. The
 * pattern of rows an exclusion leaves out (row_ctx.excl_pat) has no cells, outside set and
 * k + 1 as its base cells, exclusion k the first the rows meet (pattern_excluded). */
#define PATTERN_OUTSIDE_BIT 47
/* the pattern's fields hold a global missing code: its rows are counted for the warning of
 * a code inside a column's scale (take_codes) */
#define PATTERN_HELD_BIT 46
/* on_row's parts, each called once in it, which GCC inlines when on_row is its only caller:
 * with on_row's second copy for exclusions (on_row_excl) they would have two callers and be
 * called out of line in the runs without exclusions too (3.5 instructions a row more,
 * callgrind) */
#define ROW_INLINE inline __attribute__((always_inline))
#define PATTERN_NBASE_MAX 0x3fff
/* in the header's cells count: the ids are 16-bit */
#define PATTERN_NARROW 0x80000000u

typedef struct pattern_slot {
    uint32_t tag; /* high half of the hash */
    uint32_t off; /* record offset + 1, 0 = empty */
} pattern_slot;

typedef struct col_run {
    size_t first, last;
} col_run;

/* A pattern column read only by conditions (a segment's, --base's, a --by set's, an
 * exclusion folded into the patterns), one of them a comparison: the key holds the truths
 * of its conditions, not its bytes, so the rows of a column of many values (a weight, a
 * duration: big=wt:>=2) share the patterns of their truths instead of making one pattern
 * each (truth_columns says which). Only without global missing codes: with them a value's
 * first sight is noted (note_scale, note_missing_code), which needs its bytes in the key.
 * The truths of a value of at most 7 bytes are remembered (TRUTH_MEMO_MAX values; past
 * that the others are worked out every time). */
#define TRUTH_MEMO_MAX 4096
#define TRUTH_CONDS_MAX 32
typedef struct truth_col {
    size_t col;
    size_t ncond;
    const plan_cond **cond;
    unsigned char *excl; /* per condition: an exclusion's (excl_cond_match) */
    unsigned shift;      /* its truths' place in the key's truth word */
    uint64_t *mk;        /* memo: the value's word (bytes, length, TRUTH_USED), 0 empty */
    uint32_t *mb;        /* its truths, condition i in bit i */
    size_t mmask, mn;
} truth_col;

typedef struct design_slot {
    uint64_t k[2];
    int32_t sid, uid; /* uid + 1, 0 = empty */
    /* what the unit's struct (a cache miss more often than not) need not be asked again:
     * it holds this many cells, and it holds a row of positive weight in chunk epoch */
    uint32_t ncell_ok, pos_epoch;
} design_slot;

struct row_ctx {
    shopstat_totals *t;
    size_t nfixed;     /* segments bound before the pass (condcols allocated) */
    size_t **condcols; /* per segment, column index of each condition */
    size_t *qn;        /* per question: number of chosen levels, SIZE_MAX = not answered */
    size_t *qoff;      /* per question: offset into lv */
    size_t *lv;        /* chosen level ids */

    colval *cv;        /* one per distinct column the pass reads as a value */
    size_t ncv;
    size_t *slot;      /* per file column: index into cv, SIZE_MAX if none */
    long *vid;         /* per cv: this row's value id, -1 when not interned */
    itab strata;       /* stratum column: id -> stratum id, -1 missing */
    wordtab units;     /* (stratum id, PSU value id) -> unit */
    itab **cond;       /* per segment: per condition, value id -> 0/1 */
    itab *by;          /* per --by column: value id -> segment id, -1 missing */
    itab **bycond;     /* per --by set: per condition, value id -> 0/1 */
    itab *basecond;    /* per --base condition: value id -> 0/1 */
    itab *qlv;         /* per question: single: level id or -1; codes: entry or -1 */
    itab **mcode;      /* per multi question: per column: 0, 1, or 2 (missing) */
    codes_entry **centry;
    size_t *ncentry, *centry_cap;
    uint32_t *cpool;
    size_t ncpool, cpool_cap;

    /* Row patterns: the bytes of the condition, --by and question columns decide
     * the row's cells; a pattern seen before gives them without any per-question work.
     * prun: those columns but the truth columns (tc), as runs of adjacent columns, in
     * column order */
    col_run *prun;
    size_t nprun;
    pattern_slot *ptab; /* hash -> record offset */
    size_t pmask, npat;
    uint64_t *prec;    /* pattern records (see pattern_add) */
    size_t nprec, prec_cap;
    int pfull;
    truth_col *tc; /* the pattern columns keyed by their conditions' truths */
    size_t ntc;
    /* on_row_plain's test of the design and the pattern columns, made at the first row:
     * 1 it may take the row, 2 it may not */
    int plain;
    unsigned char kbuf[PATTERN_KEY_MAX + 8];
    size_t ndesign;    /* cv[0..ndesign): strata and PSU columns */
    design_slot *dtab; /* (strata word, PSU word) -> stratum and unit: open addressing */
    size_t dmask, dn;
    /* (strata, PSU) values longer than dtab's two words -> stratum and unit: the slots'
     * k[0] the values' hash, k[1] the offset of their bytes in dlbytes (design_find_long) */
    design_slot *dltab;
    size_t dlmask, dln;
    unsigned char *dlbytes;
    size_t ndlbytes, dlbytes_cap;
    uint32_t epoch;    /* chunks merged so far + 1 (units' any_pos is reset at a merge) */

    batch_row *batch; /* and border after it, in one huge page (huge_map) or malloc'd */
    size_t nbatch;
    int batch_mapped, prec_mapped;
    /* the rest of the batch's huge page: the pattern and design tables' first sizes
     * (table_calloc), tab_used of its tab_room bytes taken */
    char *tab_room;
    size_t tab_room_bytes, tab_used;
    uint32_t *border, *bcount; /* counting sort of the batch by unit */
    size_t bcount_cap;
    int32_t *bcell;    /* the current row's cell ids (~id for base cells), when new */
    /* the rows' sums of w^2 per cell (base cells), added in row order as in cell_info.w2,
     * where they go at the end of the chunk (that is 0 then: the copy is exact); dense, so
     * a row's additions cost less than through cell_info. Not for replicate designs. */
    double *w2d;
    size_t w2d_cap;
    size_t nbcell, bcell_cap;
    int held; /* the row read_answers read holds a global code (take_codes) */
    /* every exclusion's columns are pattern columns (and not a replicate design): a row's
     * pattern tells whether an exclusion takes it, so a known pattern costs a test of its
     * record's header (on_row_at) where the conditions cost a memo lookup each */
    int excl_pat;
};

static inline int32_t itab_get(const itab *t, long vid)
{
    return vid >= 0 && (size_t)vid < t->cap ? t->v[vid] : UNKNOWN;
}

static int itab_set(itab *t, long vid, int32_t x)
{
    if (vid < 0)
        return 0;
    if ((size_t)vid >= t->cap) {
        size_t nc = t->cap ? t->cap : 16;
        while (nc <= (size_t)vid)
            nc *= 2;
        int32_t *v = realloc(t->v, nc * sizeof *v);
        if (!v)
            return -1;
        for (size_t i = t->cap; i < nc; i++)
            v[i] = UNKNOWN;
        t->v = v;
        t->cap = nc;
    }
    t->v[vid] = x;
    return 0;
}

/* Word i of a key of kl bytes, the bytes past its end zero. The load may read up to 7
 * bytes past the key: shopstat_row leaves 16 to spare after the last field, kbuf 8. */
static inline uint64_t key_word(const unsigned char *k, size_t i, size_t kl)
{
    uint64_t w;
    memcpy(&w, k + 8 * i, 8);
    static const uint64_t keep[8] = {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        0, 0xff00000000000000ULL, 0xffff000000000000ULL, 0xffffff0000000000ULL,
        0xffffffff00000000ULL, 0xffffffffff000000ULL, 0xffffffffffff0000ULL,
        0xffffffffffffff00ULL,
#else
        0, 0xffULL, 0xffffULL, 0xffffffULL, 0xffffffffULL, 0xffffffffffULL, 0xffffffffffffULL,
        0xffffffffffffffULL,
#endif
    };
    size_t rem = kl - 8 * i;
    if (rem < 8)
        w &= keep[rem];
    return w;
}

/* A field of up to 8 bytes as one word (the bytes past it zero), read as one load: the
 * fields of a shopstat_row may be read so. */
static inline uint64_t pack8(const char *s, size_t n)
{
    return key_word((const unsigned char *)s, 0, n);
}

static void wordtab_free(wordtab *t)
{
    free(t->k);
    free(t->v);
    free(t->l);
    t->k = NULL;
    t->v = NULL;
    t->l = NULL;
    t->mask = t->n = 0;
}

static inline size_t hash8(uint64_t k, size_t n)
{
    k ^= (uint64_t)n << 59;
    k *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(k >> 32);
}

/* Id of (k, l), or -1. */
static inline long wordtab_get(const wordtab *t, uint64_t k, size_t l)
{
    if (!t->mask)
        return -1;
    for (size_t h = hash8(k, l) & t->mask; t->v[h]; h = (h + 1) & t->mask)
        if (t->k[h] == k && t->l[h] == l)
            return (long)t->v[h] - 1;
    return -1;
}

/* Add (k, l) -> id (not present yet); first: the slots of a new table. 0 or -1. */
static int wordtab_put(wordtab *t, uint64_t k, size_t l, uint32_t id, size_t first)
{
    if ((t->n + 1) * 2 > t->mask + 1) {
        size_t ns = t->mask ? (t->mask + 1) * 2 : first;
        uint64_t *nk = calloc(ns, sizeof *nk);
        uint32_t *nv = calloc(ns, sizeof *nv);
        uint8_t *nl = calloc(ns, sizeof *nl);
        if (!nk || !nv || !nl) {
            free(nk);
            free(nv);
            free(nl);
            return -1;
        }
        for (size_t i = 0; t->mask && i <= t->mask; i++) {
            if (!t->v[i])
                continue;
            size_t h = hash8(t->k[i], t->l[i]) & (ns - 1);
            while (nv[h])
                h = (h + 1) & (ns - 1);
            nk[h] = t->k[i];
            nv[h] = t->v[i];
            nl[h] = t->l[i];
        }
        wordtab_free(t);
        t->k = nk;
        t->v = nv;
        t->l = nl;
        t->mask = ns - 1;
    }
    size_t h = hash8(k, l) & t->mask;
    while (t->v[h])
        h = (h + 1) & t->mask;
    t->k[h] = k;
    t->v[h] = id + 1;
    t->l[h] = (uint8_t)l;
    t->n++;
    return 0;
}

/* Value id of s[0..n) in column cache c; -1 when not interned (cache full), -3 out of
 * memory. */
static long colval_get(colval *c, const char *s, size_t n)
{
    uint64_t k = 0;
    if (n <= 8) {
        k = pack8(s, n);
        long id = wordtab_get(&c->h, k, n);
        if (id >= 0)
            return id;
    }
    uint64_t hh = strmap_hash(s, n);
    size_t id = strmap_find(&c->map, s, n, hh);
    if (id != (size_t)-1)
        return (long)id;
    if (c->full)
        return -1;
    if (c->map.n >= COLVAL_MAX) {
        c->full = 1;
        return -1;
    }
    int added = 0;
    id = strmap_add(&c->map, s, n, hh, &added);
    if (id == STRMAP_FULL) {
        c->full = 1;
        return -1;
    }
    if (id == STRMAP_NOMEM)
        return -3;
    if (n <= 8 && wordtab_put(&c->h, k, n, (uint32_t)id, 64) != 0)
        return -3;
    return (long)id;
}

static void colval_free(colval *c)
{
    strmap_free(&c->map);
    wordtab_free(&c->h);
}

/* Whether the value s meets condition c, were it not missing */
static int cond_match(const shopstat_totals *t, const plan_cond *c, size_t col, const char *s,
                      size_t n)
{
    return !shopstat_reader_is_missing_at(t->reader, col, s, n) &&
           cond_match_value(t->decimal_comma, c, s, n);
}

/* Value s of column c at its first sight (answer, condition or --by value) for the warning
 * of a global code inside the column's scale (shopstat_totals_code_in_scale). Not per row:
 * each distinct value is met here once per cache. */
static void note_scale(shopstat_totals *t, size_t c, const char *s, size_t n)
{
    if (!t->scale)
        return;
    col_scale *cs = &t->scale[c];
    const char *code = reader_missing_code(t->reader, s, n);
    if (code) {
        const char *const *g = shopstat_reader_missing_codes(t->reader);
        for (size_t i = 0; i < 64 && g[i]; i++)
            if (g[i] == code)
                cs->codes |= (uint64_t)1 << i;
        return;
    }
    double x;
    if (shopstat_reader_is_missing_at(t->reader, c, s, n))
        return;
    if (!is_number(t, s, n, &x) || x != floor(x)) {
        cs->no_scale = 1;
        return;
    }
    if (!cs->seen || x < cs->lo)
        cs->lo = x;
    if (!cs->seen || x > cs->hi)
        cs->hi = x;
    cs->seen = 1;
}

/* A map refused a new key: -2 is the byte cap (input-driven, so a limit), else memory. */
static shopstat_status map_fail(const shopstat_totals *t, long code, const shopstat_row *row,
                                size_t col, shopstat_error *err)
{
    if (code != -2)
        return nomem(err);
    return shopstat_error_set(err, SHOPSTAT_ELIMIT, shopstat_reader_path(t->reader),
                              row->pos[col].line, row->pos[col].col,
                              "column '%s' has more distinct text than shopstat keeps (%zu MB); "
                              "is it an identifier or free text?",
                              shopstat_reader_colname(t->reader, col), CORE_MAP_BYTES >> 20);
}

/* A quantile keeps each distinct value of its question with its per-PSU sums (the cells of
 * R's svyquantile: the weighted distribution and, for Woodruff's SE, each value's PSU totals):
 * past MAX_LEVELS values the error says so and what to do. */
static shopstat_status quantile_cap_error(const shopstat_totals *t, const rt_question *q,
                                          const shopstat_row *row, size_t col,
                                          shopstat_error *err)
{
    return shopstat_error_set(
        err, SHOPSTAT_ELIMIT, shopstat_reader_path(t->reader), row->pos[col].line,
        row->pos[col].col,
        "a quantile of question '%s' keeps each distinct value of column '%s', and it has "
        "more than %d; round the column's values (to whole units, or cents to dollars) so "
        "that fewer distinct values remain",
        q->pq->name, shopstat_reader_colname(t->reader, col), MAX_LEVELS);
}

/* A level of a quantile's question must read as a number (a labelled point as its number,
 * as a mean reads it): else the error at the cell that brought it. */
static shopstat_status quantile_level_check(const shopstat_totals *t, const rt_question *q,
                                            long l, const shopstat_row *row, size_t col,
                                            shopstat_error *err)
{
    const char *lv = SMAP_KEY(&q->levels, l);
    double x;
    if (is_number(t, lv, strlen(lv), &x) || reader_labelled_point(lv, &x))
        return SHOPSTAT_OK;
    return shopstat_error_set(err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader),
                              row->pos[col].line, row->pos[col].col,
                              "'%.40s' in column '%s' is not a number, and a quantile of "
                              "question '%s' needs numbers; declare it missing in its column "
                              "(csv_opts.column_missing %s:%.40s)",
                              lv, shopstat_reader_colname(t->reader, col), q->pq->name,
                              shopstat_reader_colname(t->reader, col), lv);
}

static shopstat_status level_id(shopstat_totals *t, rt_question *q, const char *s, size_t n,
                                const shopstat_row *row, size_t col, long *id,
                                shopstat_error *err)
{
    int added = 0;
    long l = scache_put(&q->lcache, &q->levels, s, n, &added);
    if (l < 0)
        return map_fail(t, l, row, col, err);
    if (added && q->levels.n > MAX_LEVELS && q->score_quantile)
        return quantile_cap_error(t, q, row, col, err);
    if (added && q->levels.n > MAX_LEVELS)
        return shopstat_error_set(
            err, SHOPSTAT_ELIMIT, shopstat_reader_path(t->reader), row->pos[col].line,
            row->pos[col].col,
            "question '%s' has more than %d distinct values; is column '%s' an identifier?",
            q->pq->name, MAX_LEVELS, shopstat_reader_colname(t->reader, col));
    if (added && q->score_quantile) {
        shopstat_status qs = quantile_level_check(t, q, l, row, col, err);
        if (qs)
            return qs;
    }
    if (added && q->score_mean) {
        /* a level of a mean is its score (read as score.c's level_score reads it) */
        const char *lv = SMAP_KEY(&q->levels, l);
        double x;
        if ((shopstat_parse_number(lv, strlen(lv), t->decimal_comma, &x) == 1 ||
             reader_labelled_point(lv, &x)) &&
            fabs(x) > SHOPSTAT_MAX_SCORE)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader),
                                      row->pos[col].line, row->pos[col].col,
                                      "level '%.40s' of question '%s' is beyond +-1e15, too "
                                      "large for its mean score; rescale the column",
                                      lv, q->pq->name);
    }
    *id = l;
    return SHOPSTAT_OK;
}

/* Whether c ends a code of a codes cell: its question's separator, or ';' and ',' (0). */
static inline int is_code_sep(char c, char sep)
{
    return sep ? c == sep : c == ';' || c == ',';
}

/* A piece of a cell split at the default separators that looks cut out of a label at a ','
 * ("damaged or missing delivery" of "Late, damaged or missing delivery; Wrong item"): kept
 * for the warning that names the separator to give. Runs once per distinct cell. */
static shopstat_status note_doubt(rt_question *q, const char *cell, size_t n, const char *s,
                                  size_t len, shopstat_error *err)
{
    if (q->doubt.n < DOUBT_MAX && smap_put(&q->doubt, s, len, NULL) < 0)
        return nomem(err);
    if (!q->doubt_cell) {
        if (!(q->doubt_cell = malloc(n + 1)))
            return nomem(err);
        memcpy(q->doubt_cell, cell, n);
        q->doubt_cell[n] = '\0';
    }
    return SHOPSTAT_OK;
}

/* Levels of a multi-codes field ("1;5", "2, 3"), split at the question's separator (or at
 * ';' and ','), trimmed and deduplicated, in the order they appear, appended to
 * out[*used]. A missing code of the column (--missing, global or its own: "Don't know" 6
 * in "1;6") is no level: a non-answer beside answers. Out of line: it runs once per
 * distinct cell, and inlined (with the separator and note_doubt) it cost read_answers 12
 * instructions a call, the typical run's rows of a new pattern. */
static __attribute__((noinline)) shopstat_status split_codes(shopstat_totals *t, rt_question *q,
                                                             const shopstat_row *row, size_t c,
                                                             size_t *out, size_t *used,
                                                             shopstat_error *err)
{
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    size_t start = *used;
    size_t i = 0;
    char sep = q->pq->sep;
    /* split at both: a ';' in the cell says ',' may be inside labels */
    int semi = !sep && memchr(s, ';', n) != NULL;
    q->semi |= semi;
    while (i <= n) {
        size_t j = i;
        while (j < n && !is_code_sep(s[j], sep))
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a && t->scale)
            note_scale(t, c, s + a, b - a);
        if (b > a && (!t->miss_first[(unsigned char)s[a]] ||
                      !shopstat_reader_is_missing_at(t->reader, c, s + a, b - a))) {
            long id;
            shopstat_status st = level_id(t, q, s + a, b - a, row, c, &id, err);
            if (st)
                return st;
            if (!sep && i > 0 && s[i - 1] == ',' && !isdigit((unsigned char)s[a]) &&
                (semi || islower((unsigned char)s[a])) &&
                (st = note_doubt(q, s, n, s + a, b - a, err)))
                return st;
            int dup = 0;
            for (size_t k = start; k < *used; k++)
                dup |= out[k] == (size_t)id;
            if (!dup)
                out[(*used)++] = (size_t)id;
        }
        i = j + 1;
    }
    return SHOPSTAT_OK;
}

/* A ticked multi-response cell (Qualtrics, SurveyMonkey): 1 or the column's one text is
 * ticked; blank, a missing code or 0 is not. */
static shopstat_status ticked_code(const shopstat_totals *t, rt_question *q, size_t j,
                                   const shopstat_row *row, int32_t *code, shopstat_error *err)
{
    size_t c = q->cols[j];
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    int shown = n > 40 ? 40 : (int)n;
    double x;
    *code = 0;
    if (shopstat_reader_is_missing_at(t->reader, c, s, n))
        return SHOPSTAT_OK;
    if (is_number(t, s, n, &x)) {
        if (x != 0 && x != 1)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader), row->pos[c].line,
                row->pos[c].col,
                "column '%s' of ticked question '%s' holds '%.*s'; expected 1 or a text "
                "(ticked), 0 or blank (not ticked); a missing-answer code such as -99 goes in "
                "csv_opts.missing",
                shopstat_reader_colname(t->reader, c), q->pq->name, shown, s);
        *code = x == 1;
        if (x == 1)
            q->tick_one[j] = 1; /* (its text, if any, is then no label of every tick) */
        return SHOPSTAT_OK;
    }
    if (!q->tick[j]) {
        if (!(q->tick[j] = malloc(n + 1)))
            return nomem(err);
        memcpy(q->tick[j], s, n);
        q->tick[j][n] = '\0';
    } else if (strlen(q->tick[j]) != n || memcmp(q->tick[j], s, n) != 0) {
        return shopstat_error_set(
            err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader), row->pos[c].line,
            row->pos[c].col,
            "column '%s' of ticked question '%s' holds '%.*s' and '%.40s'; a ticked column "
            "holds one text, its option's label (a text that means not ticked goes in "
            "csv_opts.missing)",
            shopstat_reader_colname(t->reader, c), q->pq->name, shown, s, q->tick[j]);
    }
    *code = 1;
    return SHOPSTAT_OK;
}

/* Code of a multi-response column's field: 0, 1, 2 (missing), or an error. */
static shopstat_status multi_code(const shopstat_totals *t, rt_question *q, size_t j,
                                  const shopstat_row *row, int32_t *code, shopstat_error *err)
{
    if (q->pq->ticked)
        return ticked_code(t, q, j, row, code, err);
    size_t c = q->cols[j];
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    if (shopstat_reader_is_missing_at(t->reader, c, s, n)) {
        *code = 2;
        return SHOPSTAT_OK;
    }
    double x;
    if (!is_number(t, s, n, &x) || (x != 0 && x != 1))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader),
                                  row->pos[c].line, row->pos[c].col,
                                  "column '%s' of multi-response question '%s' holds '%.*s'; "
                                  "expected 0, 1 or missing",
                                  shopstat_reader_colname(t->reader, c), q->pq->name,
                                  (int)(n > 40 ? 40 : n), s);
    *code = x == 1;
    return SHOPSTAT_OK;
}

static inline long row_vid(const row_ctx *rc, size_t col)
{
    return rc->vid[rc->slot[col]];
}

/* Code of column j of multi question qi in this row (0, 1, or 2 for missing), through the
 * value-id table, worked out the first time a value is seen. */
static shopstat_status multi_col_code(row_ctx *rc, const shopstat_row *row, size_t qi,
                                      size_t j, int32_t *code, shopstat_error *err)
{
    rt_question *q = &rc->t->q[qi];
    long v = row_vid(rc, q->cols[j]);
    *code = itab_get(&rc->mcode[qi][j], v);
    if (*code != UNKNOWN)
        return SHOPSTAT_OK;
    shopstat_status st = multi_code(rc->t, q, j, row, code, err);
    if (st)
        return st;
    return itab_set(&rc->mcode[qi][j], v, *code) ? nomem(err) : SHOPSTAT_OK;
}

/* Index of the global code field s is among the first t->nglobal, or -1 */
static int global_code_index(const shopstat_totals *t, const char *s, size_t n)
{
    const char *code = reader_missing_code(t->reader, s, n);
    const char *const *g = shopstat_reader_missing_codes(t->reader);
    for (size_t i = 0; code && i < t->nglobal; i++)
        if (g[i] == code)
            return (int)i;
    return -1;
}

/* The answers each global code takes out of the pattern columns, for the warning of a code
 * inside a column's scale ("takes 4 answers of 6 out of Q3"): the codes this row holds,
 * each once per field (in a --multi-codes cell too: "1;6"), added to the column's counts.
 * Called by read_answers, for the rows whose pattern is not known, and by on_row_at for a
 * row of a known pattern that holds one (PATTERN_HELD_BIT); 1 when the row holds one, -1
 * out of memory, else 0. Out of line: only runs with global codes, and inlined it cost the
 * typical run's rows 3 instructions each through on_row's registers. */
static __attribute__((noinline)) int take_codes(row_ctx *rc, const shopstat_row *row)
{
    shopstat_totals *t = rc->t;
    int held = 0;
    for (size_t r = 0; r < rc->nprun; r++)
        for (size_t c = rc->prun[r].first; c <= rc->prun[r].last; c++) {
            const char *s = row->fields[c];
            size_t n = row->lens[c];
            col_scale *cs = &t->scale[c];
            if (!n || (!cs->split && !t->miss_first[(unsigned char)s[0]]))
                continue;
            uint64_t in = 0;
            for (size_t i = 0; i <= n;) { /* (a field that is not split: one piece) */
                size_t j = i;
                while (j < n && (!cs->split || !is_code_sep(s[j], cs->sep)))
                    j++;
                int k = j > i && t->miss_first[(unsigned char)s[i]]
                            ? global_code_index(t, s + i, j - i)
                            : -1;
                if (k >= 0)
                    in |= (uint64_t)1 << k;
                i = j + 1;
            }
            if (!in)
                continue;
            if (!cs->taken && !(cs->taken = calloc(t->nglobal, sizeof *cs->taken)))
                return -1;
            for (size_t k = 0; k < t->nglobal; k++)
                cs->taken[k] += in >> k & 1;
            held = 1;
        }
    return held;
}

static shopstat_status read_answers(row_ctx *rc, const shopstat_row *row, shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    size_t used = 0;
    shopstat_status st;
    if (t->scale && (rc->held = take_codes(rc, row)) < 0)
        return nomem(err);
    for (size_t qi = 0; qi < t->nq; qi++) {
        rt_question *q = &t->q[qi];
        rc->qoff[qi] = used;
        rc->qn[qi] = SIZE_MAX;
        if (q->pq->kind == SHOPSTAT_Q_SINGLE) {
            size_t c = q->cols[0];
            long v = row_vid(rc, c);
            int32_t x = itab_get(&rc->qlv[qi], v);
            if (x == UNKNOWN) {
                const char *s = row->fields[c];
                size_t n = row->lens[c];
                note_scale(t, c, s, n);
                if (shopstat_reader_is_missing_at(t->reader, c, s, n)) {
                    x = -1;
                } else if (q->pq->nrecodes) {
                    size_t k = 0;
                    while (k < q->pq->nrecodes && !plan_recode_match(&q->pq->recodes[k], s, n))
                        k++;
                    /* no rule: missing (the value kept, for a warning) */
                    x = k == q->pq->nrecodes ? -1 : (int32_t)q->rule_level[k];
                    if (x < 0 && q->unrec.n < UNREC_MAX && smap_put(&q->unrec, s, n, NULL) < 0)
                        return nomem(err);
                } else {
                    long id;
                    if ((st = level_id(t, q, s, n, row, c, &id, err)))
                        return st;
                    x = (int32_t)id;
                }
                if (itab_set(&rc->qlv[qi], v, x))
                    return nomem(err);
            }
            if (x < 0)
                continue;
            rc->lv[used++] = (size_t)x;
            rc->qn[qi] = 1;
        } else if (q->pq->kind == SHOPSTAT_Q_MULTI) {
            size_t start = used, j;
            int32_t code = 0;
            for (j = 0; j < q->ncols; j++) {
                if ((st = multi_col_code(rc, row, qi, j, &code, err)))
                    return st;
                if (code == 2)
                    break;
                if (code == 1)
                    rc->lv[used++] = j;
            }
            if (j < q->ncols) {
                /* base = rows where every column is answered; still validate the rest */
                int answered = j > 0;
                for (size_t k = j + 1; k < q->ncols; k++) {
                    if ((st = multi_col_code(rc, row, qi, k, &code, err)))
                        return st;
                    answered |= code != 2;
                }
                q->partly |= answered; /* (a blank meaning "not ticked"? the CLI warns) */
                used = start;
                if (!answered && q->pq->none_in_base)
                    rc->qn[qi] = 0; /* every column blank: ticked none, in the base */
                continue;
            }
            /* ticked nothing: not in the base, unless the question counts such rows as
             * ticking none (the test costs only the rows that tick nothing) */
            if (q->pq->ticked && used == start && !q->pq->none_in_base)
                continue;
            rc->qn[qi] = used - start;
        } else {
            size_t c = q->cols[0];
            long v = row_vid(rc, c);
            int32_t x = itab_get(&rc->qlv[qi], v);
            size_t start = used;
            if (x == UNKNOWN) {
                if (shopstat_reader_is_missing_at(t->reader, c, row->fields[c], row->lens[c])) {
                    note_scale(t, c, row->fields[c], row->lens[c]);
                    x = -1;
                } else {
                    if ((st = split_codes(t, q, row, c, rc->lv, &used, err)))
                        return st;
                    /* no code left ("6" of --missing Q:6 with separators, "6;98"): a
                     * non-answer, as a blank cell */
                    if (used == start)
                        x = -1;
                    else if (v >= 0) {
                        size_t m = used - start;
                        if (grow((void **)&rc->centry[qi], &rc->centry_cap[qi],
                                 rc->ncentry[qi] + 1, sizeof **rc->centry) ||
                            grow((void **)&rc->cpool, &rc->cpool_cap, rc->ncpool + m,
                                 sizeof *rc->cpool))
                            return nomem(err);
                        codes_entry *e = &rc->centry[qi][rc->ncentry[qi]];
                        e->start = (uint32_t)rc->ncpool;
                        e->n = (uint32_t)m;
                        for (size_t k = 0; k < m; k++)
                            rc->cpool[rc->ncpool++] = (uint32_t)rc->lv[start + k];
                        x = (int32_t)rc->ncentry[qi]++;
                    }
                }
                if (v >= 0 && itab_set(&rc->qlv[qi], v, x))
                    return nomem(err);
                if ((x < 0 && v >= 0) || (v < 0 && x == -1)) {
                    if (q->pq->none_in_base)
                        rc->qn[qi] = 0; /* no code: none, in the base */
                    continue;
                }
                rc->qn[qi] = used - start;
                continue;
            }
            if (x < 0) {
                if (q->pq->none_in_base)
                    rc->qn[qi] = 0;
                continue;
            }
            const codes_entry *e = &rc->centry[qi][x];
            for (uint32_t k = 0; k < e->n; k++)
                rc->lv[used++] = rc->cpool[e->start + k];
            rc->qn[qi] = used - start;
        }
    }
    return SHOPSTAT_OK;
}

/* Field c read inline when it cannot be a missing code and is a plain decimal (every row's
 * weight is, mostly): 1 and *x, else 0 (number_field_other then decides). */
static inline int plain_number(const shopstat_totals *t, const shopstat_row *row, size_t c,
                               double *x)
{
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    return n && !t->miss_first[(unsigned char)s[0]] &&
           parse_plain_decimal(s, n, t->decimal_comma, x);
}

/* plain_number, and the number as written (see parse_plain_decimal_m) */
static inline int plain_number_m(const shopstat_totals *t, const shopstat_row *row, size_t c,
                                 double *x, uint64_t *mant, unsigned *frac)
{
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    return n && !t->miss_first[(unsigned char)s[0]] &&
           parse_plain_decimal_m(s, n, t->decimal_comma, x, mant, frac);
}

/* Field c as a number, when plain_number was not enough: missing or not a number is an
 * error at its position. */
static shopstat_status number_field_other(const shopstat_totals *t, const shopstat_row *row,
                                          size_t c, const char *what, double *x,
                                          shopstat_error *err)
{
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    if (!shopstat_reader_is_missing_at(t->reader, c, s, n)) {
        int r = shopstat_parse_number(s, n, t->decimal_comma, x);
        if (r == 1)
            return SHOPSTAT_OK;
    }
    /* the error (names looked up only now: this runs for every row) */
    const char *path = shopstat_reader_path(t->reader);
    const char *name = shopstat_reader_colname(t->reader, c);
    char hint[400];
    if (shopstat_reader_is_missing_at(t->reader, c, s, n))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                                  "%s column '%s' is missing in this row%s", what, name,
                                  reader_missing_row_hint(t->reader, row, c, hint, sizeof hint));
    int r = shopstat_parse_number(s, n, t->decimal_comma, x);
    if (r == 0)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                                  "%s '%.*s' in column '%s' is not a number%s", what,
                                  (int)(n > 40 ? 40 : n), s, name,
                                  reader_number_hint(t->reader, row, s, n, hint, sizeof hint));
    if (r < 0)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[c].line, row->pos[c].col,
                                  "%s '%.*s' in column '%s' is not finite", what,
                                  (int)(n > 40 ? 40 : n), s, name);
    return SHOPSTAT_OK;
}

static shopstat_status number_field(const shopstat_totals *t, const shopstat_row *row, size_t c,
                                    const char *what, double *x, shopstat_error *err)
{
    return plain_number(t, row, c, x) ? SHOPSTAT_OK : number_field_other(t, row, c, what, x, err);
}

/* The row's PSU (column c) is missing: the error at its field. */
static void psu_missing(const shopstat_totals *t, const shopstat_row *row, size_t c,
                        shopstat_error *err)
{
    char hint[400];
    shopstat_error_set(err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader), row->pos[c].line,
                       row->pos[c].col, "psu column '%s' is missing in this row%s",
                       shopstat_reader_colname(t->reader, c),
                       reader_missing_row_hint(t->reader, row, c, hint, sizeof hint));
}

/* Room for a unit key of need bytes in t->last_key (twice that, for the next ones). */
static int last_key_reserve(shopstat_totals *t, size_t need, shopstat_error *err)
{
    if (need <= t->last_key_cap)
        return 0;
    char *k = realloc(t->last_key, need * 2);
    if (!k) {
        nomem(err);
        return -1;
    }
    t->last_key = k;
    t->last_key_cap = need * 2;
    return 0;
}

static long find_unit(shopstat_totals *t, const shopstat_row *row, size_t stratum,
                      shopstat_error *err)
{
    if (t->element)
        return (long)stratum;
    size_t c = t->pcol;
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    if (shopstat_reader_is_missing_at(t->reader, c, s, n)) {
        psu_missing(t, row, c, err);
        return -1;
    }
    if (last_key_reserve(t, n + 24, err))
        return -1;
    /* key: the stratum id's bytes, then the PSU text */
    uint32_t sid32 = (uint32_t)stratum;
    const char *head = (const char *)&sid32;
    size_t hn = sizeof sid32;
    size_t klen = hn + n;
    /* rows usually come sorted by PSU: compare with the last key first */
    if (t->last_unit >= 0 && klen == t->last_key_len && memcmp(t->last_key, head, hn) == 0 &&
        memcmp(t->last_key + hn, s, n) == 0)
        return t->last_unit;
    memcpy(t->last_key, head, hn);
    memcpy(t->last_key + hn, s, n);
    t->last_key_len = klen;
    int added = 0;
    long id = smap_put(&t->psus, t->last_key, klen, &added);
    if (id < 0) {
        map_fail(t, id, row, c, err);
        return -1;
    }
    if (added) {
        if (grow((void **)&t->units, &t->unitcap, (size_t)id + 1, sizeof *t->units)) {
            nomem(err);
            return -1;
        }
        t->nunits = (size_t)id + 1;
        t->units[id].stratum = (uint32_t)stratum;
        t->st[stratum].npsu++;
    }
    t->last_unit = id;
    return id;
}

/* Stratum id of the row (first appearance order), through the value cache. */
static ROW_INLINE shopstat_status row_stratum(row_ctx *rc, const shopstat_row *row, long *out,
                                              shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    long v = -1;
    if (t->scol != SIZE_MAX) {
        v = row_vid(rc, t->scol);
        int32_t x = itab_get(&rc->strata, v);
        if (x != UNKNOWN) {
            *out = x;
            return SHOPSTAT_OK;
        }
    } else if (t->strata.n) {
        *out = 0;
        return SHOPSTAT_OK;
    }
    const char *sname = "";
    size_t slen = 0;
    if (t->scol != SIZE_MAX) {
        size_t c = t->scol;
        sname = row->fields[c];
        slen = row->lens[c];
        char hint[400];
        if (shopstat_reader_is_missing_at(t->reader, c, sname, slen))
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, shopstat_reader_path(t->reader), row->pos[c].line,
                row->pos[c].col, "strata column '%s' is missing in this row%s",
                shopstat_reader_colname(t->reader, c),
                reader_missing_row_hint(t->reader, row, c, hint, sizeof hint));
    }
    int added = 0;
    long sid = scache_put(&t->scache_strata, &t->strata, sname, slen, &added);
    if (sid < 0)
        return map_fail(t, sid, row, t->scol, err);
    if (added) {
        if (grow((void **)&t->st, &t->stcap, (size_t)sid + 1, sizeof *t->st))
            return nomem(err);
        stratum_info *si = &t->st[sid];
        si->fpc = NAN; /* name is set after the pass: the map's arena moves as it grows */
        if (t->element && !t->ps) { /* (post-stratified: ps_find_unit makes them) */
            if (grow((void **)&t->units, &t->unitcap, (size_t)sid + 1, sizeof *t->units))
                return nomem(err);
            t->nunits = (size_t)sid + 1;
            t->units[sid].stratum = (uint32_t)sid;
        }
    }
    if (itab_set(&rc->strata, v, (int32_t)sid))
        return nomem(err);
    *out = sid;
    return SHOPSTAT_OK;
}

/* Unit of the row: (stratum, PSU value id) through a small hash, else find_unit. */
static ROW_INLINE long row_unit(row_ctx *rc, const shopstat_row *row, long sid, shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    if (t->element)
        return sid;
    long pv = row_vid(rc, t->pcol);
    uint64_t key = ((uint64_t)sid << 32) | (uint64_t)pv;
    long uid = pv >= 0 ? wordtab_get(&rc->units, key, 0) : -1;
    if (uid >= 0)
        return uid;
    uid = find_unit(t, row, (size_t)sid, err);
    if (uid < 0 || pv < 0 || uid >= INT32_MAX)
        return uid;
    if (wordtab_put(&rc->units, key, 0, (uint32_t)uid, 256) != 0) {
        nomem(err);
        return -1;
    }
    return uid;
}

/* The unit of a post-stratified design's row: (stratum, PSU, post-stratum), a key of
 * the stratum id's bytes, the PSU's text and the post-stratum's id (calib.c takes the
 * last 4 bytes off for the PSU's), each row through the map (no cache: the option's rows
 * only). */
static __attribute__((noinline)) long ps_find_unit(shopstat_totals *t, const shopstat_row *row,
                                                   size_t stratum, shopstat_error *err)
{
    /* (an element design's pseudo-units are (stratum, post-stratum): no PSU text) */
    size_t c = t->pcol;
    const char *s = t->element ? "" : row->fields[c];
    size_t n = t->element ? 0 : row->lens[c];
    if (!t->element && shopstat_reader_is_missing_at(t->reader, c, s, n)) {
        psu_missing(t, row, c, err);
        return -1;
    }
    size_t kl;
    long g;
    if (ps_row(t, row, &kl, &g, err))
        return -1;
    size_t need = n + 2 * sizeof(uint32_t);
    if (last_key_reserve(t, need, err))
        return -1;
    uint32_t sid32 = (uint32_t)stratum, g32 = (uint32_t)g;
    memcpy(t->last_key, &sid32, sizeof sid32);
    memcpy(t->last_key + sizeof sid32, s, n);
    memcpy(t->last_key + sizeof sid32 + n, &g32, sizeof g32);
    t->last_unit = -1; /* (find_unit's cache: not this key) */
    int added = 0;
    long id = smap_put(&t->psus, t->last_key, need, &added);
    if (id < 0) {
        map_fail(t, id, row, t->element ? t->ps->cols[0] : c, err);
        return -1;
    }
    if (added) {
        if (grow((void **)&t->units, &t->unitcap, (size_t)id + 1, sizeof *t->units) ||
            ps_unit(t, (size_t)id, g)) {
            nomem(err);
            return -1;
        }
        t->nunits = (size_t)id + 1;
        t->units[id].stratum = (uint32_t)stratum;
        if (!t->element) /* (an element design counts its rows) */
            t->st[stratum].npsu++;
    }
    return id;
}

/* A value of column c that a condition would take but for being missing, at its first
 * sight: the first that is one of the --missing codes is kept for the warning (a code such
 * as 99 is no answer in every column, and 99 orders then is not in orders >= 8) */
static void note_missing_code(shopstat_totals *t, size_t c, const char *s, size_t n)
{
    const char *code = t->cond_miss_col == SIZE_MAX ? reader_missing_code(t->reader, s, n) : NULL;
    if (!code)
        return; /* (not a code: a value, a blank or NA) */
    snprintf(t->cond_miss, sizeof t->cond_miss, "%.40s", code);
    snprintf(t->cond_miss_colname, sizeof t->cond_miss_colname, "%.100s",
             shopstat_reader_colname(t->reader, c));
    t->cond_miss_col = c;
}

/* Whether the row meets all n conditions (their columns cols, a truth per value id in
 * cache[j], filled at first sight): 1 or 0; -1 out of memory. */
static int conds_hold(row_ctx *rc, const plan_cond *conds, const size_t *cols, itab *cache,
                      size_t n, const shopstat_row *row)
{
    for (size_t j = 0; j < n; j++) {
        size_t c = cols[j];
        long v = row_vid(rc, c);
        int32_t in = itab_get(&cache[j], v);
        if (in == UNKNOWN) {
            note_scale(rc->t, c, row->fields[c], row->lens[c]);
            in = cond_match(rc->t, &conds[j], c, row->fields[c], row->lens[c]);
            if (itab_set(&cache[j], v, in))
                return -1;
            if (!in && rc->t->cond_miss_col == SIZE_MAX &&
                cond_match_value(rc->t->decimal_comma, &conds[j], row->fields[c], row->lens[c]))
                note_missing_code(rc->t, c, row->fields[c], row->lens[c]);
        }
        if (!in)
            return 0;
    }
    return 1;
}

/* Segment of a --by value, created at its first appearance; -1 when missing. */
static shopstat_status by_segment(row_ctx *rc, size_t b, const shopstat_row *row, int32_t *out,
                                  shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    rt_by *by = &t->by[b];
    /* the set's conditions (a report table's base) */
    int in = conds_hold(rc, by->conds, by->condcols, rc->bycond[b], by->nconds, row);
    if (in <= 0) {
        *out = -1;
        return in < 0 ? nomem(err) : SHOPSTAT_OK;
    }
    long vid = row_vid(rc, by->column);
    int32_t x = itab_get(&rc->by[b], vid);
    if (x != UNKNOWN) {
        *out = x;
        return SHOPSTAT_OK;
    }
    const char *s = row->fields[by->column];
    size_t n = row->lens[by->column];
    note_scale(t, by->column, s, n);
    if (shopstat_reader_is_missing_at(t->reader, by->column, s, n)) {
        *out = -1;
        return itab_set(&rc->by[b], vid, -1) ? nomem(err) : SHOPSTAT_OK;
    }
    int added = 0;
    long v = scache_put(&by->vcache, &by->values, s, n, &added);
    if (v < 0)
        return map_fail(t, v, row, by->column, err);
    if (added) {
        if (by->values.n > MAX_BY_SEGMENTS)
            return shopstat_error_set(
                err, SHOPSTAT_ELIMIT, shopstat_reader_path(t->reader), row->pos[by->column].line,
                row->pos[by->column].col,
                "by column '%s' has more than %d distinct values; is it an identifier?",
                shopstat_reader_colname(t->reader, by->column), MAX_BY_SEGMENTS);
        if (grow((void **)&by->segs, &by->nsegs_cap, (size_t)v + 1, sizeof *by->segs))
            return nomem(err);
        const char *col = shopstat_reader_colname(t->reader, by->column);
        int vn = (int)(n > 500 ? 500 : n);
        size_t nl = strlen(col) + (size_t)vn + (by->tag ? strlen(by->tag) + 1 : 0) + 2;
        char *name = malloc(nl);
        if (!name)
            return nomem(err);
        snprintf(name, nl, "%s=%.*s%s%s", col, vn, s, by->tag ? "@" : "", by->tag ? by->tag : "");
        long sg = new_segment(t, name, SEG_BY, err);
        free(name);
        if (sg < 0)
            return err->status;
        t->seg[sg].plan_index = by->plan_index;
        t->seg[sg].by_column = by->column;
        t->seg[sg].need = by->need;
        by->segs[v] = (size_t)sg;
    }
    *out = (int32_t)by->segs[v];
    return itab_set(&rc->by[b], vid, *out) ? nomem(err) : SHOPSTAT_OK;
}

/* TwoSum (Knuth): s + x exactly as the new *s plus an error added to *c. */
static inline void sum2(double *s, double *c, double x)
{
    double t = *s + x, bp = t - *s;
    *c += (*s - (t - bp)) + (x - bp);
    *s = t;
}

/* In an element design a unit is a whole stratum and its sums run over many rows: they are
 * compensated, so that their value does not depend on the order of the rows (the variance
 * subtracts two such sums, which would magnify a last-bit difference). */
static inline void add_element(unit *u, int32_t c, double w, double w2)
{
    sum2(&u->A[c].T, &u->L[c], w);
    sum2(&u->Q[c], &u->QL[c], w2);
}

static inline size_t key_words(size_t kl)
{
    return (kl + 7) / 8;
}

/* Words of the pattern record of header word h, its exact w^2 sum before it included. */
static inline size_t record_words(uint64_t h)
{
    size_t nc = (uint32_t)h & ~PATTERN_NARROW;
    return W2X_WORDS + 1 + key_words(h >> 48) + (h & PATTERN_NARROW ? (nc + 3) / 4 : (nc + 1) / 2);
}

/* The cell ids of pattern record r (see pattern_record): *nc of them, base cells first,
 * 16-bit when *narrow. */
static inline const void *record_cells(const uint64_t *r, size_t *nc, int *narrow)
{
    uint32_t n = (uint32_t)r[0];
    *nc = n & ~PATTERN_NARROW;
    *narrow = (n & PATTERN_NARROW) != 0;
    return r + 1 + key_words(r[0] >> 48);
}

/* One row's updates of its unit's cells (base cells' w^2 is added in row order apart),
 * their ids 16-bit (narrow) or 32-bit. */
#define APPLY_CELLS(ids)                                                                   \
    do {                                                                                   \
        if (t->element) {                                                                  \
            double w2 = w * w;                                                             \
            for (size_t i = 0; i < nc; i++) {                                              \
                u->A[(ids)[i]].NP += np;                                                   \
                add_element(u, (ids)[i], w, w2);                                           \
            }                                                                              \
            return;                                                                        \
        }                                                                                  \
        _Pragma("GCC unroll 4") for (size_t i = 0; i < nc; i++)                           \
        {                                                                                  \
            cell_acc *acc = &u->A[(ids)[i]];                                               \
            acc->NP += np;                                                                 \
            acc->T += w;                                                                   \
        }                                                                                  \
    } while (0)

/* Ask for n bytes from p (may be NULL) for writing, a cache line at a time: a unit's sums
 * (~2 KB) are too short, and units too scattered, for the hardware prefetcher. */
static inline void prefetch_lines(const void *p, size_t n)
{
    for (size_t off = 0; p && off < n; off += 64)
        __builtin_prefetch((const char *)p + off, 1);
}

/* The cell updates of a row of up to 32 cells (16-bit ids), unrolled: one jump into the
 * run of updates per row. As a loop (unrolled by 4), the count's remainder and the loop's
 * exit were branches whose outcome changed from row to row with the pattern's length,
 * and mispredicted. The cells are updated in list order, as in the loop. The updates
 * take about 5% fewer cycles (1-2% of a one-thread run; docs/performance-log.md, tenth
 * session). Kept out of line: inlined into batch_flush it was no faster than the loop. */
#define APPLY_FROM_END(k)                                                                          \
    case k: {                                                                                      \
        cell_acc *acc = &u->A[end[-(k)]];                                                          \
        acc->NP += np;                                                                             \
        acc->T += w;                                                                               \
    }                                                                                              \
        __attribute__((fallthrough))

static __attribute__((noinline)) void apply_short(unit *u, double w, uint64_t np,
                                                  const uint16_t *ids, size_t nc)
{
    const uint16_t *end = ids + nc;
    switch (nc) {
        APPLY_FROM_END(32);
        APPLY_FROM_END(31);
        APPLY_FROM_END(30);
        APPLY_FROM_END(29);
        APPLY_FROM_END(28);
        APPLY_FROM_END(27);
        APPLY_FROM_END(26);
        APPLY_FROM_END(25);
        APPLY_FROM_END(24);
        APPLY_FROM_END(23);
        APPLY_FROM_END(22);
        APPLY_FROM_END(21);
        APPLY_FROM_END(20);
        APPLY_FROM_END(19);
        APPLY_FROM_END(18);
        APPLY_FROM_END(17);
        APPLY_FROM_END(16);
        APPLY_FROM_END(15);
        APPLY_FROM_END(14);
        APPLY_FROM_END(13);
        APPLY_FROM_END(12);
        APPLY_FROM_END(11);
        APPLY_FROM_END(10);
        APPLY_FROM_END(9);
        APPLY_FROM_END(8);
        APPLY_FROM_END(7);
        APPLY_FROM_END(6);
        APPLY_FROM_END(5);
        APPLY_FROM_END(4);
        APPLY_FROM_END(3);
        APPLY_FROM_END(2);
        APPLY_FROM_END(1);
    case 0:
        break;
    }
}
#undef APPLY_FROM_END

static inline void apply_row(shopstat_totals *t, unit *u, double w, const void *cells,
                             size_t nc, int narrow)
{
    uint64_t np = CELL_ROW(w);
    if (narrow && nc <= 32 && !t->element)
        apply_short(u, w, np, cells, nc);
    else if (narrow)
        APPLY_CELLS((const uint16_t *)cells);
    else
        APPLY_CELLS((const int32_t *)cells);
}

/* A post-stratified row's cell updates (see ps_slots): into its pseudo-unit u's slots for
 * the cells, 16-bit ids (narrow) or 32-bit, in list order, w^2 to every cell (the effective
 * bases, once the post-strata's factors are known). 0, -1 out of memory, -2 past the caps. */
static inline int ps_apply(shopstat_totals *t, unit *u, ps_slots *pm, double w, double w2,
                           const void *cells, size_t nc, int narrow)
{
    uint64_t np = CELL_ROW(w);
    const int32_t *slot = pm->slot;
    cell_acc *A = u->A;
    double *Q = u->Q;
    size_t cap = u->cap;
    int element = t->element;
    for (size_t i = 0; i < nc; i++) {
        size_t c = narrow ? ((const uint16_t *)cells)[i] : (size_t)((const int32_t *)cells)[i];
        size_t s = (uint32_t)slot[c]; /* (-1: past any cap) */
        if (__builtin_expect(s >= cap, 0)) {
            long r = ps_slot_new(t, u, pm, c);
            if (r < 0)
                return (int)r;
            s = (size_t)r;
            A = u->A;
            Q = u->Q;
            cap = u->cap;
        }
        A[s].NP += np;
        if (element) {
            add_element(u, (int32_t)s, w, w2);
        } else {
            A[s].T += w;
            Q[s] += w2;
        }
    }
    return 0;
}

/* The rows' w^2 sums into the cells: the doubles (see row_ctx.w2d) and the pattern
 * records' exact sums (see W2X_DIGITS), which start again from 0. */
static void w2_fold(row_ctx *rc)
{
    shopstat_totals *t = rc->t;
    for (size_t c = 0; c < rc->w2d_cap && c < t->ncell; c++) {
        t->cell[c].w2 += rc->w2d[c];
        rc->w2d[c] = 0;
    }
    for (size_t i = 0; i < rc->nprec;) {
        uint64_t *sum = rc->prec + i;
        const uint64_t *r = sum + W2X_WORDS;
        i += record_words(r[0]);
        if (w2x_zero(sum))
            continue;
        size_t nc, nbase = (size_t)(r[0] >> 32) & PATTERN_NBASE_MAX;
        int narrow;
        const void *ids = record_cells(r, &nc, &narrow);
        for (size_t j = 0; j < nbase; j++) {
            size_t c = narrow ? ((const uint16_t *)ids)[j] : (size_t)((const int32_t *)ids)[j];
            w2x_add_sum(t->cell[c].w2x, sum);
        }
        memset(sum, 0, W2X_WORDS * sizeof *sum);
    }
}

/* batch_flush's loop over the rows in PSU order (order, end: its counting sort), with what
 * every row reads in locals: the units, the records' base and the design's kind stay in
 * registers across apply_short's calls, where the loop over both orders loaded them again
 * after each, and a PSU's first row is told from the one before by a local. */
static void batch_apply_sorted(row_ctx *rc, const uint32_t *order, const uint32_t *end,
                               size_t n)
{
    shopstat_totals *t = rc->t;
    const batch_row *b = rc->batch;
    unit *units = t->units;
    const uint64_t *prec = rc->prec;
    int element = t->element;
    uint32_t prev = UINT32_MAX; /* (no unit's id: there are at most 4 x BATCH_MAX) */
    for (size_t k = 0; k < n; k++) {
        const batch_row *r = &b[order[k]];
        uint32_t un = r->unit;
        if (un != prev) {
            prev = un;
            if (end[un] < n) { /* the next unit's sums, as in batch_flush */
                const unit *nx = &units[b[order[end[un]]].unit];
                prefetch_lines(nx->A, nx->cap * sizeof *nx->A);
            }
        }
        if (k + 8 < n) {
            const uint64_t *ahead = prec + b[order[k + 8]].rec;
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 8);
        }
        size_t nc;
        int narrow;
        const void *cells = record_cells(prec + r->rec, &nc, &narrow);
        if (narrow && nc <= 32 && !element)
            apply_short(&units[un], r->w, CELL_ROW(r->w), cells, nc);
        else
            apply_row(t, &units[un], r->w, cells, nc, narrow);
    }
}

/* Apply the batched rows, PSU by PSU, each PSU's rows in file order. A batch of fewer rows
 * than a quarter of the units (flushed early, before a row without a pattern record) goes
 * in file order: the sort's pass over every unit would cost more than it saves, and a
 * unit's sums, which depend only on the order of its own rows, are the same either way.
 * (Rows of no record: a key too long, the pattern table full; until 2026-12-02 also the
 * rows holding a global missing code, each then costing a sort over the 2,000 units of
 * the benchmark.) */
static void batch_flush(row_ctx *rc)
{
    shopstat_totals *t = rc->t;
    size_t n = rc->nbatch;
    if (!n)
        return;
    const batch_row *b = rc->batch;
    size_t nu = t->nunits;
    const uint32_t *order = NULL, *end = NULL;
    if (nu <= 4 * BATCH_MAX && n * 4 >= nu &&
        !grow((void **)&rc->bcount, &rc->bcount_cap, nu + 1, sizeof *rc->bcount)) {
        uint32_t *cnt = rc->bcount, *ord = rc->border;
        memset(cnt, 0, (nu + 1) * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[b[i].unit + 1]++;
        for (size_t u = 0; u < nu; u++)
            cnt[u + 1] += cnt[u];
        for (size_t i = 0; i < n; i++)
            ord[cnt[b[i].unit]++] = (uint32_t)i;
        order = ord;
        end = cnt; /* (now where each unit's rows end) */
    }
    if (order) {
        batch_apply_sorted(rc, order, end, n);
        rc->nbatch = 0;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const batch_row *r = &b[order ? order[k] : k];
        if (order && (k == 0 || r->unit != b[order[k - 1]].unit) && end[r->unit] < n) {
            /* a unit's first row: ask for the next unit's sums, a line at a time, while
             * this one's rows are applied (its cells are scattered over its ~2 KB, which
             * the hardware prefetcher does not guess) */
            const unit *nx = &t->units[b[order[end[r->unit]]].unit];
            prefetch_lines(nx->A, nx->cap * sizeof *nx->A);
        }
        if (k + 8 < n) { /* the record of a row a few ahead, taken out of file order */
            const uint64_t *ahead = rc->prec + b[order ? order[k + 8] : k + 8].rec;
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 8);
        }
        size_t nc;
        int narrow;
        const void *cells = record_cells(rc->prec + r->rec, &nc, &narrow);
        apply_row(t, &t->units[r->unit], r->w, cells, nc, narrow);
    }
    rc->nbatch = 0;
}

/* The row of unit uid, weight w and pattern record rec into the batch, applied when full */
static ROW_INLINE void batch_push(row_ctx *rc, size_t uid, long rec, double w)
{
    batch_row *br = &rc->batch[rc->nbatch++];
    br->unit = (uint32_t)uid;
    br->rec = (uint32_t)rec;
    br->w = w;
    if (rc->nbatch == BATCH_MAX)
        batch_flush(rc);
}

/* The cells of a new pattern's row (row_cells), made at first touch, in the segments
 * t->active[0..na) and the row's answers (rc->qn, rc->lv); dsg: its segment of the set the
 * derived segments come from, or -1. Out of line: it runs once per pattern, and inlined
 * into on_row its variables cost the rows of known patterns spills (7 instructions a row,
 * callgrind, the typical run).
 *
 * Each worker makes every pattern it meets (5,760 of them on each thread of the
 * benchmark's 1M rows, nearly all in its first chunk), so this is most of a worker's
 * warm-up: the domain is looked up once per (segment, question) rather than once per
 * cell, and the base cells go to their place as they come (with cell_for per cell and a
 * pass to put the bases first, 2,066 instructions a pattern; 2026-12-04). */
static __attribute__((noinline)) shopstat_status cell_list(row_ctx *rc, size_t na, int32_t dsg,
                                                           int32_t **out, size_t *ncells,
                                                           size_t *nbases, shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    size_t need = 0;
    for (size_t qi = 0; qi < t->nq; qi++)
        if (rc->qn[qi] != SIZE_MAX)
            need += rc->qn[qi] + 1;
    need *= na;
    if (grow((void **)&rc->bcell, &rc->bcell_cap, 2 * need + 2, sizeof *rc->bcell))
        return nomem(err);
    int32_t *cells = rc->bcell;
    int32_t *bases = cells + need + 1; /* (then moved in front of the level cells) */
    size_t nlv = 0, nbase = 0;
    *out = cells;
    /* cells are created (numbered) in this order; the list puts the base cells first. A
     * sparse plan's segment keeps the questions it needs alone (need_masks), and a
     * derived segment is summed from the set's segments for the questions they keep,
     * updated row by row for the others */
    const unsigned char *dneed = t->derive_by >= 0 ? t->by[t->derive_by].need : NULL;
    for (size_t a = 0; a < na; a++) {
        size_t s = t->active[a];
        const unsigned char *sneed = t->seg[s].need;
        int derived = dsg >= 0 && s < t->nderived && t->derived[s];
        for (size_t qi = 0; qi < t->nq; qi++) {
            size_t qn = rc->qn[qi];
            if (qn == SIZE_MAX || (sneed && !sneed[qi]))
                continue;
            /* a derived segment's cells are made (numbered) as before, not updated */
            int skip = derived && (!dneed || dneed[qi]);
            domain *d = dom_get(t, s, qi);
            long c = d ? dom_cell(t, d, s, qi, SIZE_MAX) : -1;
            if (c < 0 || c >= INT32_MAX)
                return nomem(err);
            if (!skip)
                bases[nbase++] = (int32_t)c;
            const size_t *lv = rc->lv + rc->qoff[qi];
            for (size_t k = 0; k < qn; k++) {
                c = dom_cell(t, d, s, qi, lv[k]);
                if (c < 0 || c >= INT32_MAX)
                    return nomem(err);
                if (!skip)
                    cells[nlv++] = (int32_t)c;
            }
        }
    }
    memmove(cells + nbase, cells, nlv * sizeof *cells);
    memcpy(cells, bases, nbase * sizeof *cells);
    *ncells = nbase + nlv;
    *nbases = nbase;
    return SHOPSTAT_OK;
}

/* The row's cells (~id for base cells), from its segments and answers, created at first
 * touch; written at the end of the batch buffer. */
static ROW_INLINE shopstat_status row_cells(row_ctx *rc, const shopstat_row *row, int32_t **out,
                                            size_t *ncells, size_t *nbases, int *outside,
                                            shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    shopstat_status st;
    /* --base: a row outside it is in no segment (but in the design). Its --by values and
     * answers are still read: levels and --by values are those of the whole file, as R's
     * factors over the whole file on a subset() design (methods.md). This runs once per
     * pattern, never for a row whose pattern is known. */
    int in = conds_hold(rc, t->plan->base, t->basecols, rc->basecond, t->plan->nbase, row);
    if (in < 0)
        return nomem(err);
    *outside = !in;
    if (*outside) {
        for (size_t b = 0; b < t->nby; b++) {
            int32_t sg;
            if ((st = by_segment(rc, b, row, &sg, err)))
                return st;
        }
        if ((st = read_answers(rc, row, err)))
            return st;
        *out = rc->bcell;
        *ncells = *nbases = 0;
        return SHOPSTAT_OK;
    }
    /* segments this row belongs to: condition truths per value, computed once */
    size_t na = 0;
    for (size_t s = 0; s < rc->nfixed; s++) {
        const rt_segment *rs = &t->seg[s];
        if ((in = conds_hold(rc, rs->conds, rc->condcols[s], rc->cond[s], rs->nconds, row)) < 0)
            return nomem(err);
        if (in)
            t->active[na++] = s;
    }
    int32_t dsg = -1; /* the row's segment of the set the derived segments come from */
    for (size_t b = 0; b < t->nby; b++) {
        int32_t sg = -1;
        if ((st = by_segment(rc, b, row, &sg, err)))
            return st;
        if (sg >= 0) {
            t->active[na++] = (size_t)sg;
            t->seg[sg].in_base = 1;
        }
        if ((long)b == t->derive_by)
            dsg = sg;
    }

    if ((st = read_answers(rc, row, err)))
        return st;

    return cell_list(rc, na, dsg, out, ncells, nbases, err);
}

#define MAX_PATTERNS 65536
#define MAX_PATTERN_WORDS ((size_t)4 << 20)

/* a truth memo's word of a value: its bytes, its length in bits 56-58, and this bit (so
 * that no word is 0, the empty slot's, not even a blank's) */
#define TRUTH_USED ((uint64_t)1 << 63)

/* The truths of column tc's conditions for value s: condition i in bit i. */
static uint32_t truth_eval(const row_ctx *rc, const truth_col *tc, const char *s, size_t n)
{
    const shopstat_totals *t = rc->t;
    uint32_t b = 0;
    for (size_t i = 0; i < tc->ncond; i++) {
        int in = tc->excl[i]
                     ? excl_cond_match(t->reader, t->decimal_comma, tc->cond[i], tc->col, s, n)
                     : cond_match(t, tc->cond[i], tc->col, s, n);
        b |= (uint32_t)(in != 0) << i;
    }
    return b;
}

static inline size_t truth_slot(uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 32);
}

/* Remember truths b of value word k (not in the memo yet): open addressing, at most half
 * full; past TRUTH_MEMO_MAX values, or short of memory, the value is not kept. */
static void truth_put(truth_col *tc, uint64_t k, uint32_t b)
{
    size_t nslots = tc->mk ? tc->mmask + 1 : 0;
    if (tc->mn >= TRUTH_MEMO_MAX)
        return;
    if ((tc->mn + 1) * 2 > nslots) {
        size_t ns = nslots ? nslots * 2 : 64;
        uint64_t *mk = calloc(ns, sizeof *mk);
        uint32_t *mb = calloc(ns, sizeof *mb);
        if (!mk || !mb) {
            free(mk);
            free(mb);
            tc->mn = TRUTH_MEMO_MAX;
            return;
        }
        for (size_t e = 0; e < nslots; e++) {
            if (!tc->mk[e])
                continue;
            size_t d = truth_slot(tc->mk[e]) & (ns - 1);
            while (mk[d])
                d = (d + 1) & (ns - 1);
            mk[d] = tc->mk[e];
            mb[d] = tc->mb[e];
        }
        free(tc->mk);
        free(tc->mb);
        tc->mk = mk;
        tc->mb = mb;
        tc->mmask = ns - 1;
    }
    size_t e = truth_slot(k) & tc->mmask;
    while (tc->mk[e])
        e = (e + 1) & tc->mmask;
    tc->mk[e] = k;
    tc->mb[e] = b;
    tc->mn++;
}

/* The row's truths of column tc's conditions, through the memo for a value of up to 7
 * bytes: a lookup where a number's condition costs about 180 instructions (wt:>=2). */
static uint32_t truth_bits(const row_ctx *rc, truth_col *tc, const shopstat_row *row)
{
    const char *s = row->fields[tc->col];
    size_t n = row->lens[tc->col];
    if (n > 7)
        return truth_eval(rc, tc, s, n);
    uint64_t k = pack8(s, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    k >>= 8; /* (the bytes below the length's bits) */
#endif
    k |= (uint64_t)n << 56 | TRUTH_USED;
    if (tc->mk)
        for (size_t e = truth_slot(k) & tc->mmask; tc->mk[e]; e = (e + 1) & tc->mmask)
            if (tc->mk[e] == k)
                return tc->mb[e];
    uint32_t b = truth_eval(rc, tc, s, n);
    truth_put(tc, k, b);
    return b;
}

/* pattern_key with truth columns: the other pattern columns' bytes copied into rc->kbuf,
 * then a word of the truth columns' truths (the byte columns are a fixed number of fields,
 * each ending in its NUL, so the key still decodes one way). Out of line: only for plans
 * with such columns. */
static __attribute__((noinline)) size_t pattern_key_truth(row_ctx *rc, const shopstat_row *row,
                                                          const unsigned char **key)
{
    size_t kl = 0;
    for (size_t i = 0; i < rc->nprun; i++) {
        const char *a = row->fields[rc->prun[i].first];
        size_t l = rc->prun[i].last;
        size_t n = (size_t)(row->fields[l] + row->lens[l] + 1 - a);
        if (kl + n + 8 > PATTERN_KEY_MAX)
            return 0;
        /* a word at a time: up to 7 bytes past the run are read (shopstat_row leaves 16 to
         * spare) and written (the next run's bytes or the truth word go over them; kbuf
         * has 8 to spare) */
        for (size_t j = 0; j < n; j += 8)
            memcpy(rc->kbuf + kl + j, a + j, 8);
        kl += n;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < rc->ntc; i++)
        w |= (uint64_t)truth_bits(rc, &rc->tc[i], row) << rc->tc[i].shift;
    memcpy(rc->kbuf + kl, &w, sizeof w);
    *key = rc->kbuf;
    return kl + sizeof w;
}

/* The row's pattern key: the bytes of the pattern columns in column order, each with its
 * NUL (no field holds a NUL, so the key decodes one way). The columns come as runs of
 * adjacent columns, and shopstat_row lays a run out as one span: with one run the key is
 * that span of the row, else the spans are copied into rc->kbuf. Truth columns (truth_col)
 * bring their truths instead (pattern_key_truth). Returns its length, 0 when longer than
 * PATTERN_KEY_MAX (the row then takes the direct path). */
static ROW_INLINE size_t pattern_key(row_ctx *rc, const shopstat_row *row,
                                     const unsigned char **key)
{
    if (__builtin_expect(rc->ntc != 0, 0))
        return pattern_key_truth(rc, row, key);
    if (rc->nprun == 1) {
        const char *a = row->fields[rc->prun[0].first];
        size_t l = rc->prun[0].last;
        size_t kl = (size_t)(row->fields[l] + row->lens[l] + 1 - a);
        *key = (const unsigned char *)a;
        return kl <= PATTERN_KEY_MAX ? kl : 0;
    }
    size_t kl = 0;
    for (size_t i = 0; i < rc->nprun; i++) {
        const char *a = row->fields[rc->prun[i].first];
        size_t l = rc->prun[i].last;
        size_t n = (size_t)(row->fields[l] + row->lens[l] + 1 - a);
        if (kl + n > PATTERN_KEY_MAX)
            return 0;
        memcpy(rc->kbuf + kl, a, n);
        kl += n;
    }
    *key = rc->kbuf;
    return kl;
}

static inline uint64_t load_word(const unsigned char *k, size_t i)
{
    uint64_t w;
    memcpy(&w, k + 8 * i, 8);
    return w;
}

/* (kl >= 1: every field of a key brings its NUL) */
static inline uint64_t pattern_hash(const unsigned char *k, size_t kl)
{
    uint64_t h = 0x243F6A8885A308D3ULL;
    size_t last = key_words(kl) - 1;
    for (size_t i = 0; i < last; i++) {
        h = (h ^ load_word(k, i)) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 32;
    }
    h = (h ^ key_word(k, last, kl)) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
    return h | 1;
}

/* A pattern record in rc->prec (8-byte words): the exact sum of its rows' w^2 in this
 * chunk (W2X_WORDS), the header word (see PATTERN_OUTSIDE_BIT; a record's offset is its
 * header's), the key, then the cell ids, base cells first, so one lookup touches a few adjacent
 * cache lines. The ids are 16-bit when they all fit (most tables have fewer than 65,536 cells):
 * about half the records' bytes, so more of them stay in the caches. */
static inline const uint64_t *pattern_record(const row_ctx *rc, uint32_t off)
{
    return rc->prec + off;
}

/* Record of the pattern with key k, or NULL. */
static ROW_INLINE const uint64_t *pattern_find(const row_ctx *rc, uint64_t h,
                                               const unsigned char *k, size_t kl)
{
    if (!rc->pmask)
        return NULL;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t e = (size_t)h & rc->pmask; rc->ptab[e].off; e = (e + 1) & rc->pmask) {
        if (rc->ptab[e].tag != tag)
            continue;
        const uint64_t *r = pattern_record(rc, rc->ptab[e].off - 1);
        if ((r[0] >> 48) != kl)
            continue;
        size_t i = 0, last = key_words(kl) - 1;
        while (i < last && r[1 + i] == load_word(k, i))
            i++;
        if (i == last && r[1 + last] == key_word(k, last, kl))
            return r;
    }
    return NULL;
}

/* Zeroed room for a pattern or design table of a worker: from the rest of its batch's huge
 * page while there is some (768 KiB, never handed out twice: huge_map's memory is zero until
 * written), else calloc. The tables double from 1,024 and 256 slots: calloc'd, each new
 * size was fresh pages, 65 and 89 small page faults of each worker's first chunk
 * (perf record -e page-faults, the typical 2-thread run; 154 of its ~230), where the batch's
 * page is touched anyway. table_free takes either. */
static void *table_calloc(row_ctx *rc, size_t n, size_t size)
{
    size_t bytes = n * size, at = (rc->tab_used + 63) & ~(size_t)63;
    if (rc->tab_room && n <= rc->tab_room_bytes / size && at + bytes <= rc->tab_room_bytes) {
        rc->tab_used = at + bytes;
        return rc->tab_room + at;
    }
    return calloc(n, size);
}

static void table_free(const row_ctx *rc, void *p)
{
    uintptr_t a = (uintptr_t)p, r = (uintptr_t)rc->tab_room;
    if (rc->tab_room && a >= r && a - r < rc->tab_room_bytes)
        return;
    free(p);
}

/* Remember the row's pattern and its cells; silently skipped when the caps are reached
 * or memory is short (the rows then take the direct path). */
static ROW_INLINE long pattern_add(row_ctx *rc, uint64_t h, const unsigned char *k, size_t kl,
                                   const int32_t *cells, size_t nc, size_t nbase, int outside,
                                   int held)
{
    if (nbase > PATTERN_NBASE_MAX || nc >= PATTERN_NARROW)
        return -1;
    size_t kw = key_words(kl);
    /* (a replicate design's rows read their cells as 32-bit ids) */
    int narrow = !rc->t->rep;
    for (size_t i = 0; i < nc && narrow; i++)
        narrow = (uint32_t)cells[i] <= UINT16_MAX;
    uint64_t head = (uint64_t)kl << 48 | (uint64_t)(outside != 0) << PATTERN_OUTSIDE_BIT |
                    (uint64_t)(held != 0) << PATTERN_HELD_BIT | (uint64_t)nbase << 32 |
                    (uint64_t)nc | (narrow ? PATTERN_NARROW : 0);
    size_t words = record_words(head);
    if (rc->pfull || rc->npat >= MAX_PATTERNS || rc->nprec + words > MAX_PATTERN_WORDS) {
        rc->pfull = 1;
        return -1;
    }
    if ((rc->npat + 1) * 10 > (rc->pmask + 1) * 7) { /* load up to 0.7 */
        size_t ns = rc->pmask ? (rc->pmask + 1) * 2 : 1024;
        pattern_slot *pt = table_calloc(rc, ns, sizeof *pt);
        if (!pt) {
            rc->pfull = 1;
            return -1;
        }
        for (size_t e = 0; rc->pmask && e <= rc->pmask; e++) {
            if (!rc->ptab[e].off)
                continue;
            const uint64_t *r = rc->prec + rc->ptab[e].off - 1;
            size_t d = (size_t)pattern_hash((const unsigned char *)(r + 1), r[0] >> 48) &
                       (ns - 1);
            while (pt[d].off)
                d = (d + 1) & (ns - 1);
            pt[d] = rc->ptab[e];
        }
        table_free(rc, rc->ptab);
        rc->ptab = pt;
        rc->pmask = ns - 1;
    }
    if (grow((void **)&rc->prec, &rc->prec_cap, rc->nprec + words, sizeof *rc->prec)) {
        rc->pfull = 1;
        return -1;
    }
    memset(rc->prec + rc->nprec, 0, W2X_WORDS * sizeof *rc->prec);
    uint64_t *r = rc->prec + rc->nprec + W2X_WORDS;
    r[0] = head;
    for (size_t i = 0; i < kw; i++)
        r[1 + i] = key_word(k, i, kl);
    if (nc) /* (the cells' last word's unused ids; without cells that word is the key's) */
        r[words - W2X_WORDS - 1] = 0;
    if (narrow) {
        uint16_t *c16 = (uint16_t *)(r + 1 + kw);
        for (size_t i = 0; i < nc; i++)
            c16[i] = (uint16_t)cells[i];
    } else if (nc) { /* (a row outside --base has no cells, and maybe no cell buffer yet) */
        memcpy(r + 1 + kw, cells, nc * sizeof *cells);
    }
    size_t e = (size_t)h & rc->pmask;
    while (rc->ptab[e].off)
        e = (e + 1) & rc->pmask;
    rc->ptab[e].tag = (uint32_t)(h >> 32);
    rc->ptab[e].off = (uint32_t)(rc->nprec + W2X_WORDS) + 1;
    rc->nprec += words;
    rc->npat++;
    return (long)rc->ptab[e].off - 1;
}

/* design_key when a field is longer than 7 bytes: both fields' bytes one after the other
 * in the two words when they come to at most 14 bytes, their lengths in the last two bytes
 * (the PSU's with the high bit set, which no key of design_key's own has); else 2, and the
 * row's values are found in the table of long values (design_find_long). Out of line: only
 * for such fields. (Until 2026-12-02 every row of strata named "Region-07" took the
 * lookups: 17% more instructions.) */
static __attribute__((noinline)) int design_key_long(const row_ctx *rc, const shopstat_row *row,
                                                     uint64_t k[2])
{
    const shopstat_totals *t = rc->t;
    size_t ns = t->scol == SIZE_MAX ? 0 : row->lens[t->scol];
    size_t np = t->pcol == SIZE_MAX ? 0 : row->lens[t->pcol];
    if (ns + np > 14)
        return 2;
    unsigned char b[16] = {0};
    if (ns)
        memcpy(b, row->fields[t->scol], ns);
    if (np)
        memcpy(b + ns, row->fields[t->pcol], np);
    b[14] = (unsigned char)ns;
    b[15] = (unsigned char)(0x80 | np);
    memcpy(k, b, sizeof b);
    return 1;
}

/* The row's strata and PSU fields as two words (bytes, length in the top byte), or as
 * design_key_long makes them when one is longer than 7 bytes: 1; 2 when they are longer
 * than two words hold (design_find_long). */
static ROW_INLINE int design_key(const row_ctx *rc, const shopstat_row *row, uint64_t k[2])
{
    const shopstat_totals *t = rc->t;
    const size_t cols[2] = {t->scol, t->pcol};
    for (int i = 0; i < 2; i++) {
        k[i] = 0;
        if (cols[i] == SIZE_MAX)
            continue;
        size_t n = row->lens[cols[i]];
        if (n > 7)
            return design_key_long(rc, row, k);
        k[i] = pack8(row->fields[cols[i]], n) | (uint64_t)n << 56;
    }
    return 1;
}

static inline size_t design_hash(const uint64_t k[2])
{
    uint64_t h = (k[0] * 0x9E3779B97F4A7C15ULL) ^ k[1];
    h *= 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h ^ (h >> 29));
}

static ROW_INLINE design_slot *design_find(const row_ctx *rc, const uint64_t k[2], long *sid,
                                           long *uid)
{
    if (!rc->dmask)
        return NULL;
    for (size_t e = design_hash(k) & rc->dmask; rc->dtab[e].uid; e = (e + 1) & rc->dmask)
        if (rc->dtab[e].k[0] == k[0] && rc->dtab[e].k[1] == k[1]) {
            *sid = rc->dtab[e].sid;
            *uid = rc->dtab[e].uid - 1;
            return &rc->dtab[e];
        }
    return NULL;
}

static ROW_INLINE int design_add(row_ctx *rc, const uint64_t k[2], long sid, long uid)
{
    if (uid >= INT32_MAX || sid >= INT32_MAX || rc->dn >= ((size_t)1 << 24))
        return 0;
    if ((rc->dn + 1) * 2 > rc->dmask + 1) {
        size_t ns = rc->dmask ? (rc->dmask + 1) * 2 : 256;
        design_slot *dt = table_calloc(rc, ns, sizeof *dt);
        if (!dt)
            return -1;
        for (size_t e = 0; rc->dmask && e <= rc->dmask; e++) {
            if (!rc->dtab[e].uid)
                continue;
            size_t d = design_hash(rc->dtab[e].k) & (ns - 1);
            while (dt[d].uid)
                d = (d + 1) & (ns - 1);
            dt[d] = rc->dtab[e];
        }
        table_free(rc, rc->dtab);
        rc->dtab = dt;
        rc->dmask = ns - 1;
    }
    size_t e = design_hash(k) & rc->dmask;
    while (rc->dtab[e].uid)
        e = (e + 1) & rc->dmask;
    rc->dtab[e].k[0] = k[0];
    rc->dtab[e].k[1] = k[1];
    rc->dtab[e].sid = (int32_t)sid;
    rc->dtab[e].uid = (int32_t)uid + 1;
    rc->dtab[e].ncell_ok = 0;
    rc->dtab[e].pos_epoch = 0;
    rc->dn++;
    return 0;
}

/* The table of long design values: at most DESIGN_LONG_MAX pairs and DESIGN_LONG_BYTES of
 * their bytes per worker; past that the rows of new pairs take the lookups every time. */
#define DESIGN_LONG_MAX 65536
#define DESIGN_LONG_BYTES ((size_t)4 << 20)

/* The row's strata and PSU values (either may be absent: length 0) and their hash. */
static inline uint64_t design_long_hash(const row_ctx *rc, const shopstat_row *row, const char **s,
                                        size_t *ns, const char **p, size_t *np)
{
    const shopstat_totals *t = rc->t;
    *s = t->scol == SIZE_MAX ? "" : row->fields[t->scol];
    *ns = t->scol == SIZE_MAX ? 0 : row->lens[t->scol];
    *p = t->pcol == SIZE_MAX ? "" : row->fields[t->pcol];
    *np = t->pcol == SIZE_MAX ? 0 : row->lens[t->pcol];
    /* a word at a time, as pattern_hash (the fields may be read so: shopstat_row) */
    uint64_t h = 0x243F6A8885A308D3ULL ^ ((uint64_t)*ns << 32 | *np);
    for (size_t i = 0; i < key_words(*ns); i++) {
        h = (h ^ key_word((const unsigned char *)*s, i, *ns)) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 32;
    }
    for (size_t i = 0; i < key_words(*np); i++) {
        h = (h ^ key_word((const unsigned char *)*p, i, *np)) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 32;
    }
    h *= 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
}

/* The slot of the row's long design values (design_key 2), its stratum and unit in *sid,
 * *uid; NULL when not in the table. The bytes kept: the two lengths (32 bits each), then
 * the strata's bytes and the PSU's. Out of line: only for such values. */
static __attribute__((noinline)) design_slot *
design_find_long(const row_ctx *rc, const shopstat_row *row, long *sid, long *uid)
{
    if (!rc->dlmask)
        return NULL;
    const char *s, *p;
    size_t ns, np;
    uint64_t h = design_long_hash(rc, row, &s, &ns, &p, &np);
    for (size_t e = (size_t)h & rc->dlmask; rc->dltab[e].uid; e = (e + 1) & rc->dlmask) {
        design_slot *d = &rc->dltab[e];
        if (d->k[0] != h)
            continue;
        const unsigned char *b = rc->dlbytes + d->k[1];
        uint32_t l[2];
        memcpy(l, b, sizeof l);
        if (l[0] == ns && l[1] == np && !memcmp(b + sizeof l, s, ns) &&
            !memcmp(b + sizeof l + ns, p, np)) {
            *sid = d->sid;
            *uid = d->uid - 1;
            return d;
        }
    }
    return NULL;
}

/* Keep the row's long design values -> (sid, uid) (not in the table yet); skipped at the
 * caps. 0, or -1 out of memory. */
static __attribute__((noinline)) int design_add_long(row_ctx *rc, const shopstat_row *row, long sid,
                                                     long uid)
{
    const char *s, *p;
    size_t ns, np;
    uint64_t h = design_long_hash(rc, row, &s, &ns, &p, &np);
    size_t need = 2 * sizeof(uint32_t) + ns + np;
    if (uid >= INT32_MAX || sid >= INT32_MAX || rc->dln >= DESIGN_LONG_MAX ||
        rc->ndlbytes + need > DESIGN_LONG_BYTES)
        return 0;
    if ((rc->dln + 1) * 2 > (rc->dltab ? rc->dlmask + 1 : 0)) {
        size_t ns2 = rc->dltab ? (rc->dlmask + 1) * 2 : 256;
        design_slot *dt = calloc(ns2, sizeof *dt);
        if (!dt)
            return -1;
        for (size_t e = 0; rc->dltab && e <= rc->dlmask; e++) {
            if (!rc->dltab[e].uid)
                continue;
            size_t d = (size_t)rc->dltab[e].k[0] & (ns2 - 1);
            while (dt[d].uid)
                d = (d + 1) & (ns2 - 1);
            dt[d] = rc->dltab[e];
        }
        free(rc->dltab);
        rc->dltab = dt;
        rc->dlmask = ns2 - 1;
    }
    if (grow((void **)&rc->dlbytes, &rc->dlbytes_cap, rc->ndlbytes + need, 1))
        return -1;
    unsigned char *b = rc->dlbytes + rc->ndlbytes;
    uint32_t l[2] = {(uint32_t)ns, (uint32_t)np};
    memcpy(b, l, sizeof l);
    memcpy(b + sizeof l, s, ns);
    memcpy(b + sizeof l + ns, p, np);
    size_t e = (size_t)h & rc->dlmask;
    while (rc->dltab[e].uid)
        e = (e + 1) & rc->dlmask;
    design_slot *d = &rc->dltab[e];
    memset(d, 0, sizeof *d);
    d->k[0] = h;
    d->k[1] = rc->ndlbytes;
    d->sid = (int32_t)sid;
    d->uid = (int32_t)uid + 1;
    rc->ndlbytes += need;
    rc->dln++;
    return 0;
}

static long value_id(row_ctx *rc, size_t slot, const shopstat_row *row)
{
    size_t c = rc->cv[slot].col;
    return colval_get(&rc->cv[slot], row->fields[c], row->lens[c]);
}

/* The value ids of the row's first n value columns (rc->vid), for one of on_row_at's slow
 * paths, counted in *slow (shopstat_totals.slow_rows, slow_design); -1 out of memory, else
 * 0. Out of line: the count inlined cost the rows of known patterns and design values 10
 * instructions each through on_row's registers. */
static __attribute__((noinline)) int row_values(row_ctx *rc, const shopstat_row *row, size_t n,
                                                size_t *slow)
{
    ++*slow;
    for (size_t i = 0; i < n; i++) {
        long v = value_id(rc, i, row);
        if (v == -3)
            return -1;
        rc->vid[i] = v;
    }
    return 0;
}

/* k + 1 when header word h is that of the pattern of rows exclusion k leaves out, else 0 */
static inline size_t pattern_excluded(uint64_t h)
{
    return (h >> PATTERN_OUTSIDE_BIT & 1) ? (size_t)(h >> 32) & PATTERN_NBASE_MAX : 0;
}

/* The row into the totals. excl and codes are constants (three copies of this function:
 * on_row, on_row_codes, on_row_excl). excl: the plan's exclusions are folded into the
 * patterns (row_ctx.excl_pat), and an excluded row leaves here, before its design values
 * are read. codes: there are global missing codes, and a row of a known pattern that holds
 * one is counted for the warning of a code inside a column's scale (PATTERN_HELD_BIT); the
 * test of the bit cost the runs without codes 2.7 instructions a row. */
/* A row merging once cannot take (pass_set_once): its chunk fails, and the pass runs
 * again in file order. */
static __attribute__((noinline, cold)) shopstat_status once_bail(shopstat_totals *t,
                                                                  const shopstat_row *row,
                                                                  shopstat_error *err)
{
    if (!t->bail) {
        /* the exact pass (pass_exact), which cannot go back: its sums so far in units of 1,
         * each rounded once, and the rows from here in doubles */
        batch_flush(t->rc);
        for (size_t u = 0; u < t->nunits; u++)
            for (size_t c = 0; c < t->units[u].cap; c++)
                if (t->units[u].A[c].T != 0)
                    t->units[u].A[c].T /= ONCE_SCALE;
        t->once = 0;
        return SHOPSTAT_OK;
    }
    atomic_store(t->bail, 1);
    return shopstat_error_set(err, SHOPSTAT_ELIMIT, t->path, row->pos[0].line, 1,
                              "a weight that is no whole number of 10^-6 under 2^53");
}

static ROW_INLINE shopstat_status on_row_at(row_ctx *rc, const shopstat_row *row,
                                            shopstat_error *err, int excl, int codes, int pstrat)
{
    shopstat_totals *t = rc->t;
    const char *path = t->path; /* (the reader's, for messages) */
    shopstat_status st;
    /* the table probes below are cache misses more often than not: start the loads
     * early, the pattern's slot first, then the design's while it comes, then the pattern
     * record the slot points to, and parse the weight while that comes */
    const unsigned char *key = NULL;
    size_t kl = pattern_key(rc, row, &key);
    uint64_t ph = kl ? pattern_hash(key, kl) : 0;
    const uint64_t *pat = NULL;
    if (excl) {
        /* the row's pattern now: the exclusions' answer for its key, or theirs for the row
         * (then kept with the key, as an excluded pattern when one takes it) */
        pat = kl ? pattern_find(rc, ph, key, kl) : NULL;
        size_t k = pat ? pattern_excluded(pat[0]) : 0;
        if (k) {
            t->excl.n[k - 1]++;
        } else if (!pat) {
            k = (size_t)excl_rows_take(&t->excl, row);
            if (k && kl)
                (void)pattern_add(rc, ph, key, kl, NULL, 0, k, 1, 0);
        }
        if (k) {
            t->acct.excluded_cond++;
            return SHOPSTAT_OK;
        }
    }
    if (t->acct.used >= PASS_ROWS_MAX)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, row->pos[0].line, 1,
                                  "more than %lu rows: the row counts of a PSU hold 32 bits; "
                                  "split the file",
                                  (unsigned long)PASS_ROWS_MAX);
    if (kl && rc->pmask)
        __builtin_prefetch(&rc->ptab[ph & rc->pmask]);
    /* (stratum, unit) of the row's design values seen before: no errors possible */
    long sid = 0, uid = -1;
    uint64_t dk[2];
    int dkey = design_key(rc, row, dk);
    if (dkey == 1 && rc->dmask)
        __builtin_prefetch(&rc->dtab[design_hash(dk) & rc->dmask]);
    if (kl && rc->pmask) { /* the slot has come: start loading the record it points to */
        const pattern_slot *ps = &rc->ptab[ph & rc->pmask];
        if (ps->off && ps->tag == (uint32_t)(ph >> 32))
            __builtin_prefetch(rc->prec + ps->off - 1);
    }
    double w = 1;
    /* the weight in units of 10^-9, when its square goes to the exact sums (W2X_DIGITS) */
    uint64_t wu = 1000000000;
    int wx = 1;
    uint64_t wm;
    unsigned wf;
    /* (a plain decimal is neither negative nor over 1e100) */
    if (t->has_weight && plain_number_m(t, row, t->wcol, &w, &wm, &wf)) {
        wx = w2x_units(wm, wf, &wu);
    } else if (t->has_weight) {
        wx = 0;
        if ((st = number_field_other(t, row, t->wcol, "weight", &w, err)))
            return st;
        if (w < 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[t->wcol].line,
                                      row->pos[t->wcol].col, "weight '%.*s' is negative",
                                      (int)(row->lens[t->wcol] > 40 ? 40 : row->lens[t->wcol]),
                                      row->fields[t->wcol]);
        if (w > SHOPSTAT_MAX_WEIGHT)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[t->wcol].line,
                                      row->pos[t->wcol].col,
                                      "weight '%.*s' is larger than 1e100; rescale the weights",
                                      (int)(row->lens[t->wcol] > 40 ? 40 : row->lens[t->wcol]),
                                      row->fields[t->wcol]);
        if (w > 0 && w < SHOPSTAT_MIN_WEIGHT)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, path, row->pos[t->wcol].line, row->pos[t->wcol].col,
                "weight '%.*s' is positive but smaller than 1e-100; "
                "rescale the weights (0 is a zero weight)",
                (int)(row->lens[t->wcol] > 40 ? 40 : row->lens[t->wcol]), row->fields[t->wcol]);
    }
    /* what the per-PSU sums add: w, or merging once its whole number of 10^-6 (ONCE_DIV) */
    double wt = w;
    if (t->once) {
        if (__builtin_expect(wx && wu % ONCE_DIV == 0 && wu / ONCE_DIV < (uint64_t)1 << 53, 1))
            wt = (double)(wu / ONCE_DIV);
        else if ((st = once_bail(t, row, err)))
            return st;
    }
    if (t->rep && !pstrat && (st = rep_row(t, row, w, err)))
        return st;
    design_slot *ds = pstrat                          ? NULL
                      : __builtin_expect(dkey == 1, 1) ? design_find(rc, dk, &sid, &uid)
                                                       : design_find_long(rc, row, &sid, &uid);
    int dhit = ds != NULL;
    if (!dhit) {
        if (row_values(rc, row, rc->ndesign, &t->slow_design))
            return nomem(err);
        if ((st = row_stratum(rc, row, &sid, err)))
            return st;
    }
    stratum_info *si = &t->st[sid];
    if (t->fcol != SIZE_MAX) {
        double f;
        if ((st = number_field(t, row, t->fcol, "fpc", &f, err)))
            return st;
        if (f <= 0)
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[t->fcol].line,
                                      row->pos[t->fcol].col, "fpc '%.*s' must be positive",
                                      (int)row->lens[t->fcol], row->fields[t->fcol]);
        if (f < SHOPSTAT_MIN_FPC || f > SHOPSTAT_MAX_FPC)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, path, row->pos[t->fcol].line, row->pos[t->fcol].col,
                "fpc '%.*s' is outside 1e-100 to 1e100 (a sampling "
                "fraction up to 1, or a population size)",
                (int)(row->lens[t->fcol] > 40 ? 40 : row->lens[t->fcol]), row->fields[t->fcol]);
        if (!si->has_fpc) {
            si->has_fpc = 1;
            si->fpc = f;
        } else if (f != si->fpc && t->scol == SIZE_MAX) {
            /* (a population size per sector given without the sectors: stratum '' said
             * nothing of what to do) */
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[t->fcol].line,
                                      row->pos[t->fcol].col,
                                      "fpc %.*s differs from %.17g on an earlier row, and "
                                      "without --strata the sample is one stratum, of one "
                                      "fpc: population sizes per group (sector, region) "
                                      "want that group as --strata (a spec's design: "
                                      "strata:)",
                                      (int)row->lens[t->fcol], row->fields[t->fcol], si->fpc);
        } else if (f != si->fpc) {
            return shopstat_error_set(err, SHOPSTAT_EINPUT, path, row->pos[t->fcol].line,
                                      row->pos[t->fcol].col,
                                      "fpc %.*s differs from %.17g earlier in stratum '%s'; "
                                      "it must be constant within a stratum",
                                      (int)row->lens[t->fcol], row->fields[t->fcol], si->fpc,
                                      SMAP_KEY(&t->strata, sid));
        }
    }
    if (pstrat) {
        uid = ps_find_unit(t, row, (size_t)sid, err);
        if (uid < 0)
            return err->status;
        t->ps->wsum[uid] += w;
        t->ps->w2sum[uid] += w * w;
        t->ps->nzero[uid] += w == 0;
        t->ps->nrows[uid]++;
        if (w == 0 && t->ps->rk && !t->ps->zline) /* (raking refuses it: rake_fit) */
            ps_zero_row(t->ps, row, t->wcol);
        if (t->rep && (st = rep_row_ps(t, row, w, t->ps->g[uid], err)))
            return st;
    } else if (!dhit) {
        uid = row_unit(rc, row, sid, err);
        if (uid < 0)
            return err->status;
        if (dkey == 1 ? design_add(rc, dk, sid, uid) : design_add_long(rc, row, sid, uid))
            return nomem(err);
    }
    const int32_t *cells = NULL;
    size_t nc = 0;
    long rec = -1; /* word offset of the row's pattern record */
    if (!excl)     /* (else found above, and none added since) */
        pat = kl ? pattern_find(rc, ph, key, kl) : NULL;
    size_t nbase = 0;
    int outside = 0;
    if (pat) {
        nbase = (size_t)(pat[0] >> 32) & PATTERN_NBASE_MAX;
        outside = (int)(pat[0] >> PATTERN_OUTSIDE_BIT) & 1;
        if (codes && (pat[0] >> PATTERN_HELD_BIT & 1) && take_codes(rc, row) < 0)
            return nomem(err);
        rec = (long)(pat - rc->prec);
    } else {
        if (row_values(rc, row, rc->ncv, &t->slow_rows))
            return nomem(err);
        int32_t *nw = NULL;
        if ((st = row_cells(rc, row, &nw, &nc, &nbase, &outside, err)))
            return st;
        rec = kl ? pattern_add(rc, ph, key, kl, nw, nc, nbase, outside, rc->held) : -1;
        cells = nw;
    }
    const uint16_t *c16 = NULL; /* the record's ids when 16-bit (cells then unused) */
    if (rec >= 0) {
        int narrow;
        const void *ids = record_cells(rc->prec + rec, &nc, &narrow);
        if (narrow)
            c16 = ids;
        else
            cells = ids;
    }
    /* R's degf() counts the PSUs holding a row of positive weight; under --base (R's
     * subset()) only rows of the base count, while every PSU stays in the variance */
    if (t->element) {
        si->npsu++;
        si->nbase += !outside;
        if (w > 0 && !outside)
            si->npsu_pos++;
    }
    unit *u = &t->units[uid];
    if (w == 0 && !outside) /* (rare: u is not loaded for the others) */
        u->any_base0 = 1;
    int ur = 0;
    if (ds) { /* (u itself only when the slot cannot tell) */
        if (w > 0 && !outside && ds->pos_epoch != rc->epoch) {
            u->any_pos = 1;
            ds->pos_epoch = rc->epoch;
        }
        if (nc && ds->ncell_ok < t->ncell) {
            ur = u->cap < t->ncell ? unit_reserve(t, u) : 0;
            if (!ur)
                ds->ncell_ok = t->ncell > UINT32_MAX ? 0 : (uint32_t)t->ncell;
        }
    } else {
        if (w > 0 && !outside)
            u->any_pos = 1;
        ur = !pstrat && nc && u->cap < t->ncell ? unit_reserve(t, u) : 0;
    }
    ps_slots *pm = NULL; /* (post-stratified: the post-stratum's slots, see ps_slots) */
    if (pstrat && !(pm = ps_slots_of(t, t->ps->g[uid])))
        return nomem(err);
    if (ur == -2)
        return acc_limit(t, row->pos[0].line, err);
    if (ur)
        return nomem(err);
    double w2 = w * w;
    if (t->rep) {
        if (!outside)
            rep_row_design(t);
        /* replicate designs add each cell's replicate weights as they go */
        uint32_t pos = w > 0;
        rep_prefetch(t, cells, nbase);
        for (size_t i = 0; i < nc; i++) {
            int32_t c = cells[i];
            int base = i < nbase;
            if (base)
                t->cell[c].w2 += w2;
            if (rep_add(t, c, base))
                return nomem(err);
            size_t s = (size_t)c; /* (post-stratified: c's slot) */
            if (pstrat && (s = (uint32_t)pm->slot[c]) >= u->cap) {
                long r = ps_slot_new(t, u, pm, (size_t)c);
                if (r < 0)
                    return r == -2 ? acc_limit(t, row->pos[0].line, err) : nomem(err);
                s = (size_t)r;
            }
            cell_acc *acc = &u->A[s];
            acc->P += pos;
            acc->N++;
            if (t->element)
                add_element(u, (int32_t)s, w, w2);
            else
                acc->T += w;
        }
    } else {
        /* for eff_base: w^2 to the base cells, or once to the pattern's exact sum */
        if (wx) {
            w2x_u128 sq = (w2x_u128)wu * wu;
            if (rec >= 0) {
                w2x_add(rc->prec + rec - W2X_WORDS, sq);
            } else {
                for (size_t i = 0; i < nbase; i++)
                    w2x_add(t->cell[cells[i]].w2x, sq);
            }
        } else {
            if (rc->w2d_cap < t->ncell &&
                grow((void **)&rc->w2d, &rc->w2d_cap, t->ncell, sizeof *rc->w2d))
                return nomem(err);
            double *w2d = rc->w2d;
            if (c16) {
#pragma GCC unroll 4
                for (size_t i = 0; i < nbase; i++)
                    w2d[c16[i]] += w2;
            } else {
#pragma GCC unroll 4
                for (size_t i = 0; i < nbase; i++)
                    w2d[cells[i]] += w2;
            }
        }
        if (pstrat) {
            /* (in row order, without the batch) */
            int pr = c16 ? ps_apply(t, u, pm, w, w2, c16, nc, 1)
                         : ps_apply(t, u, pm, w, w2, cells, nc, 0);
            if (pr)
                return pr == -2 ? acc_limit(t, row->pos[0].line, err) : nomem(err);
        } else if (rec >= 0) {
            batch_push(rc, uid, rec, wt);
        } else {
            /* no pattern record (not cacheable, or the table is full): the rows before
             * first, then this one */
            batch_flush(rc);
            apply_row(t, u, wt, cells, nc, 0);
        }
    }
    t->acct.used++;
    t->acct.outside_base += (size_t)outside;
    return SHOPSTAT_OK;
}

static shopstat_status on_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    return on_row_at(ctx, row, err, 0, 0, 0);
}

/* A post-stratified design's row (totals.ps): its unit keyed by its post-stratum too. */
static __attribute__((noinline)) shopstat_status on_row_ps(row_ctx *rc, const shopstat_row *row,
                                                           shopstat_error *err)
{
    return rc->t->scale ? on_row_at(rc, row, err, 0, 1, 1) : on_row_at(rc, row, err, 0, 0, 1);
}

static shopstat_status on_row_codes(row_ctx *rc, const shopstat_row *row, shopstat_error *err)
{
    return on_row_at(rc, row, err, 0, 1, 0);
}

static shopstat_status on_row_excl(row_ctx *rc, const shopstat_row *row, shopstat_error *err)
{
    return on_row_at(rc, row, err, 1, rc->t->scale != NULL, 0);
}

/* The plain row of the typical run, where every table probe hits: one span of pattern
 * columns whose key is known, strata and PSU values of up to 7 bytes seen before, a weight
 * written as a plain decimal of up to 9 decimals (merging once: a whole number of 10^-6),
 * a unit that holds every cell so far, a Taylor cluster design without --fpc. Everything is
 * read before anything is written, and any other row goes to on_row, which does what this
 * does for such a row: the same sums, the same batch entry. Apart, so that these rows do not
 * carry on_row_at's other paths (its 680-byte frame, its spills, its tests of the design
 * per row), and its weight read a word at a time (parse_plain_decimal8): 534 -> 396
 * instructions a row of the typical run, pass_row's 10 with it (performance.md, "The row
 * path"). */
static __attribute__((noinline)) shopstat_status on_row_plain(row_ctx *rc,
                                                               const shopstat_row *row,
                                                               shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    if (!rc->pmask || !rc->dmask || t->acct.used >= PASS_ROWS_MAX)
        return on_row(rc, row, err);
    const char *a = row->fields[rc->prun[0].first];
    size_t l = rc->prun[0].last;
    size_t kl = (size_t)(row->fields[l] + row->lens[l] + 1 - a);
    if (kl > PATTERN_KEY_MAX)
        return on_row(rc, row, err);
    const unsigned char *key = (const unsigned char *)a;
    uint64_t ph = pattern_hash(key, kl);
    const pattern_slot *ps = &rc->ptab[ph & rc->pmask];
    __builtin_prefetch(ps);
    /* (design_key's words, the two columns written out) */
    uint64_t dk[2] = {0, 0};
    size_t sc = t->scol, pc = t->pcol, sn = 0, pn = 0;
    if (sc != SIZE_MAX && (sn = row->lens[sc]) > 7)
        return on_row(rc, row, err);
    if (pc != SIZE_MAX && (pn = row->lens[pc]) > 7)
        return on_row(rc, row, err);
    if (sc != SIZE_MAX)
        dk[0] = pack8(row->fields[sc], sn) | (uint64_t)sn << 56;
    if (pc != SIZE_MAX)
        dk[1] = pack8(row->fields[pc], pn) | (uint64_t)pn << 56;
    __builtin_prefetch(&rc->dtab[design_hash(dk) & rc->dmask]);
    if (ps->off && ps->tag == (uint32_t)(ph >> 32))
        __builtin_prefetch(rc->prec + ps->off - 1);
    double w = 1;
    uint64_t wu = 1000000000;
    if (t->has_weight) {
        const char *ws = row->fields[t->wcol];
        size_t wn = row->lens[t->wcol];
        uint64_t wm;
        unsigned wf;
        if (!(wn - 1 < 8 && !t->miss_first[(unsigned char)ws[0]] &&
              parse_plain_decimal8(ws, wn, &w, &wm, &wf)) &&
            !plain_number_m(t, row, t->wcol, &w, &wm, &wf))
            return on_row(rc, row, err);
        if (!w2x_units(wm, wf, &wu))
            return on_row(rc, row, err);
    }
    double wt = w;
    if (t->once) {
        if (wu % ONCE_DIV || wu / ONCE_DIV >= (uint64_t)1 << 53)
            return on_row(rc, row, err);
        wt = (double)(wu / ONCE_DIV);
    }
    long sid, uid;
    design_slot *ds = design_find(rc, dk, &sid, &uid);
    const uint64_t *pat = ds ? pattern_find(rc, ph, key, kl) : NULL;
    if (!pat)
        return on_row(rc, row, err);
    int outside = (int)(pat[0] >> PATTERN_OUTSIDE_BIT) & 1;
    size_t nc = (uint32_t)pat[0] & ~PATTERN_NARROW;
    if (nc && ds->ncell_ok < t->ncell)
        return on_row(rc, row, err);
    /* the row's writes, as on_row_at makes them (wu is 0 when w is, else positive) */
    unit *u = &t->units[uid];
    if (!wu && !outside)
        u->any_base0 = 1;
    if (wu && !outside && ds->pos_epoch != rc->epoch) {
        u->any_pos = 1;
        ds->pos_epoch = rc->epoch;
    }
    long rec = (long)(pat - rc->prec);
    w2x_add(rc->prec + rec - W2X_WORDS, (w2x_u128)wu * wu);
    batch_push(rc, uid, rec, wt);
    t->acct.used++;
    t->acct.outside_base += (size_t)outside;
    return SHOPSTAT_OK;
}

/* ---- finishing ---- */

typedef struct sort_item {
    const char *s;
    size_t len;
    double x;
    size_t id;
} sort_item;

static int by_num(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->x < y->x)
        return -1;
    if (x->x > y->x)
        return 1;
    int c = strcmp(x->s, y->s);
    return c;
}

static int by_text(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Byte order, but a run of digits against a run of digits by its number: "Wave 9" before
 * "Wave 10", "W2" before "W12" (leading zeros aside: "08" and "8" by byte order after). */
static int by_natural(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    size_t i = 0, j = 0;
    while (i < x->len && j < y->len) {
        unsigned char c = (unsigned char)x->s[i], d = (unsigned char)y->s[j];
        if (!(c >= '0' && c <= '9' && d >= '0' && d <= '9')) {
            if (c != d)
                return c < d ? -1 : 1;
            i++, j++;
            continue;
        }
        size_t i0 = i, j0 = j;
        while (i0 < x->len && x->s[i0] == '0')
            i0++;
        while (j0 < y->len && y->s[j0] == '0')
            j0++;
        size_t i1 = i0, j1 = j0;
        while (i1 < x->len && x->s[i1] >= '0' && x->s[i1] <= '9')
            i1++;
        while (j1 < y->len && y->s[j1] >= '0' && y->s[j1] <= '9')
            j1++;
        if (i1 - i0 != j1 - j0) /* (more significant digits: the larger number) */
            return i1 - i0 < j1 - j0 ? -1 : 1;
        int r = memcmp(x->s + i0, y->s + j0, i1 - i0);
        if (r)
            return r;
        i = i1, j = j1;
    }
    if (i < x->len || j < y->len)
        return i < x->len ? 1 : -1;
    return by_text(a, b);
}

/* The year a wave's label holds: its one run of 4 digits from 1900 to 2099 ("Q3 2026",
 * "Sept. 2026", "2026-W14"), or -1 when it holds none or several. */
static int label_year(const char *s, size_t n)
{
    int year = -1;
    for (size_t i = 0; i < n;) {
        if (!(s[i] >= '0' && s[i] <= '9')) {
            i++;
            continue;
        }
        size_t j = i;
        int v = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9' && j - i < 6)
            v = v * 10 + (s[j++] - '0');
        if (j - i == 4 && v >= 1900 && v <= 2099) {
            if (year >= 0)
                return -1;
            year = v;
        }
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        i = j;
    }
    return year;
}

/* Waves that all name their year: by year first ("Q4 2026" before "Q1 2027"), then
 * naturally. */
static int by_year(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    int ya = label_year(x->s, x->len), yb = label_year(y->s, y->len);
    if (ya != yb)
        return ya < yb ? -1 : 1;
    return by_natural(a, b);
}

/* Whether labels[0..n) are one recognised text scale, its order into order[] when so */
static int scale_recognised(const char *const *labels, size_t n, size_t *order)
{
    return shopstat_scale_recognise(labels, n, order) != NULL;
}

/* Sorted keys it[0..n) in the order `orders` finds (1; 0 none; -1 out of memory: a
 * recognised text scale's, scale_recognised; time order when every one names a period, "Jan
 * 2024", "2024 Q2": period_order), into order[]: 0 when done or when they have none (order as
 * it was), -1 out of memory. A key holding a NUL byte is no scale point nor period. */
static int order_by(const sort_item *it, size_t n, size_t *order,
                    int (*orders)(const char *const *, size_t, size_t *))
{
    const char **lab = calloc(n ? n : 1, sizeof *lab);
    size_t *pos = malloc(n * sizeof *pos);
    if (!lab || !pos) {
        free(lab);
        free(pos);
        return -1;
    }
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        lab[i] = it[i].s;
        ok = strlen(it[i].s) == it[i].len;
    }
    int r = ok ? orders(lab, n, pos) : 0;
    if (r > 0)
        for (size_t i = 0; i < n; i++)
            order[i] = it[pos[i]].id;
    free(lab);
    free(pos);
    return r < 0 ? -1 : 0;
}

/* A question's non-substantive answers ("Don't know", "Prefer not to say":
 * shopstat_scale_nonsubstantive) moved after its other levels, each group in its order:
 * byte order put "Don't know" before "No" and "Yes", and before a code list's options, where
 * tables put it last (as after a recognised scale). order[0..n) are ids of m's keys. */
static void nonsubstantive_last(const strmap *m, size_t *order, size_t n)
{
    size_t moved = 0, k = 0;
    size_t *tail = malloc(n * sizeof *tail);
    if (!tail)
        return; /* (the order stays: a table's rows, not its numbers) */
    for (size_t i = 0; i < n; i++) {
        const char *key = SMAP_KEY(m, order[i]);
        if (strlen(key) == SMAP_LEN(m, order[i]) && shopstat_scale_nonsubstantive(key))
            tail[moved++] = order[i];
        else
            order[k++] = order[i];
    }
    memcpy(order + k, tail, moved * sizeof *tail);
    free(tail);
}

/* Order of the keys of m: numeric when every key is a number, else in time order when every
 * key names a period (shopstat_scale_time_order: months, quarters, years; a --by column's
 * values and a question's levels), else byte order (when `natural`, a --by column's waves: by
 * year when every key names one, then with digit runs by their number); the first `fixed` keys
 * (declared levels: a spec's values:, --levels) first, as they are. A question's text levels
 * (`scale` set) that make a recognised text scale ("Strongly agree" ... "Don't know":
 * shopstat_scale_recognise) take its order instead, low end first as a scale of numbers, the
 * non-substantive answers after it; only when no level is declared (declared levels always win).
 * Returns order[pos] = id; NULL on allocation failure. */
static size_t *sort_keys(const shopstat_totals *t, const strmap *m, int keep, size_t fixed,
                         int scale, int natural)
{
    size_t n = m->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    sort_item *it = malloc((n ? n : 1) * sizeof *it);
    if (!order || !it) {
        free(order);
        free(it);
        return NULL;
    }
    int allnum = 1;
    for (size_t i = 0; i < n; i++) {
        it[i].s = SMAP_KEY(m, i);
        it[i].len = SMAP_LEN(m, i);
        it[i].id = i;
        /* (a scale's labelled point, "10 - Extremely likely", sorts as its number) */
        if (i >= fixed && !is_number(t, SMAP_KEY(m, i), SMAP_LEN(m, i), &it[i].x) &&
            !reader_labelled_point(SMAP_KEY(m, i), &it[i].x))
            allnum = 0;
    }
    if (fixed > n)
        fixed = n;
    int years = natural && n > 1;
    for (size_t i = fixed; years && i < n; i++)
        years = label_year(it[i].s, it[i].len) >= 0;
    if (!keep)
        qsort(it + fixed, n - fixed, sizeof *it,
              allnum    ? by_num
              : years   ? by_year
              : natural ? by_natural
                        : by_text);
    for (size_t i = 0; i < n; i++)
        order[i] = it[i].id;
    /* waves that all name a period ("Feb 2024" before "Apr 2024"): a --by column's values
     * and a question's levels (tab --var wave) in time order */
    if ((scale || natural) && !keep && !allnum && fixed == 0 && n >= 2 &&
        order_by(it, n, order, period_order) < 0) {
        free(it);
        free(order);
        return NULL;
    }
    if (scale && !keep && !allnum && fixed == 0 && n >= 2 && order_by(it, n, order, scale_recognised) < 0) {
        free(it);
        free(order);
        return NULL;
    }
    free(it);
    if (scale && !keep && !allnum && n - fixed >= 2)
        nonsubstantive_last(m, order + fixed, n - fixed);
    return order;
}

/* A pair of a --by set becomes one pair per value of the set, in display order; COL:prev
 * one per value after the first, against the value before it (Q2:Q1, Q3:Q2, ...). */
static shopstat_status expand_pairs(shopstat_totals *t, shopstat_error *err)
{
    size_t n = 0;
    int any = 0;
    for (size_t i = 0; i < t->npairs; i++) {
        const rt_pair *rp = &t->pairs[i];
        if (rp->by_set < 0) {
            n++;
            continue;
        }
        any = 1;
        size_t nv = 0;
        for (size_t k = 0; k < t->nseg_visible; k++) {
            const rt_segment *s = &t->seg[t->seg_order[k]];
            nv += s->kind == SEG_BY && s->plan_index == t->by[rp->by_set].plan_index;
        }
        n += rp->prev && nv ? nv - 1 : nv;
    }
    if (!any)
        return SHOPSTAT_OK;
    rt_pair *np = calloc(n ? n : 1, sizeof *np);
    if (!np)
        return nomem(err);
    size_t j = 0;
    for (size_t i = 0; i < t->npairs; i++) {
        const rt_pair *rp = &t->pairs[i];
        if (rp->by_set < 0) {
            np[j++] = *rp;
            continue;
        }
        size_t before = SIZE_MAX; /* (the set's value before s, for prev) */
        for (size_t k = 0; k < t->nseg_visible; k++) {
            size_t s = t->seg_order[k];
            if (t->seg[s].kind != SEG_BY ||
                t->seg[s].plan_index != t->by[rp->by_set].plan_index)
                continue;
            if (rp->prev && before == SIZE_MAX) {
                before = s;
                continue;
            }
            np[j] = *rp;
            np[j].a = s;
            np[j].by_set = -1;
            np[j].name_a = t->seg[s].name;
            if (rp->prev) {
                /* two values of one set are disjoint domains of the one design: the
                 * difference's variance keeps their covariance (seg_inter's -1) */
                np[j].b = before;
                np[j].name_b = t->seg[before].name;
                np[j].prev = 0;
                before = s;
            }
            j++;
        }
    }
    free(t->pairs);
    t->pairs = np;
    t->npairs = n;
    return SHOPSTAT_OK;
}

/* An fpc without a weight column: R's svydesign takes the weights from the fpc, N_h / n_h
 * for every row of stratum h (n_h its sampled PSUs; 1 / f_h when the fpc gives fractions).
 * The pass weighed every row 1, and a weight constant within a stratum scales what the rows
 * left: a unit's sums of w by N_h / n_h, its sums of w^2 (element designs) by its square.
 * A cell's sum of w^2 (the effective base) mixes strata: it is summed again from each
 * unit's row count, which the pass keeps. */
static int fpc_weights(shopstat_totals *t)
{
    double *sum = calloc(t->ncell ? t->ncell : 1, sizeof *sum);
    double *comp = calloc(t->ncell ? t->ncell : 1, sizeof *comp);
    if (!sum || !comp) {
        free(sum);
        free(comp);
        return -1;
    }
    for (size_t u = 0; u < t->nunits; u++) {
        unit *un = &t->units[u];
        double c = t->st[un->stratum].w_fpc, c2 = c * c;
        size_t lim = t->ncell < un->cap ? t->ncell : un->cap;
        for (size_t k = 0; k < lim; k++) {
            un->A[k].T *= c;
            if (un->A[k].N)
                ksum(&sum[k], &comp[k], c2 * (double)un->A[k].N);
        }
        for (size_t k = 0; un->Q && k < lim; k++)
            un->Q[k] *= c2;
    }
    for (size_t k = 0; k < t->ncell; k++)
        if (t->cell[k].w2 != 0) /* (the base cells: their rows' w^2, each 1 so far) */
            t->cell[k].w2 = sum[k] + comp[k];
    free(sum);
    free(comp);
    return 0;
}

/* A score's scale runs over at most this many whole numbers to be listed in full (a 0-10
 * NPS has 11; a 0-100 slider's map is no list of points). */
#define SCALE_POINTS_MAX 21

/* The whole-number points score k of the plan scores, into pts (SCALE_POINTS_MAX entries,
 * ascending): an NPS's 0 to 10, unless its question's answers stop below 9 (a 1-5 rating
 * scored as an NPS: shopstat_score_nps_doubtful); a map's numbers when every entry is a whole
 * number or a range of them (1-2=0,3=50,4-5=100: 1 to 5; 1=0,5=100: 1 and 5). Returns how
 * many, 0 for none (a mean, a map of text levels or of fractions, a range too wide). */
static size_t score_points(const shopstat_totals *t, size_t k, double *pts)
{
    const plan_score *sc = &t->plan->scores[k];
    if (sc->kind == SCORE_NPS) {
        if (shopstat_score_nps_doubtful(t, k, NULL, NULL))
            return 0;
        for (int v = 0; v <= 10; v++)
            pts[v] = v;
        return 11;
    }
    if (sc->kind != SCORE_MAP || sc->nitems == 0)
        return 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < sc->nitems; i++) {
        const plan_score_item *it = &sc->items[i];
        if (it->text || it->lo != floor(it->lo) || it->hi != floor(it->hi))
            return 0;
        lo = fmin(lo, it->lo);
        hi = fmax(hi, it->hi);
    }
    if (!(hi - lo < SCALE_POINTS_MAX))
        return 0;
    size_t n = 0;
    for (double v = lo; v <= hi; v++)
        for (size_t i = 0; i < sc->nitems; i++)
            if (v >= sc->items[i].lo && v <= sc->items[i].hi) {
                pts[n++] = v;
                break;
            }
    return n;
}

/* A single-choice question scored over a scale (score_points) lists every point of it, those
 * no row gave at 0% (their interval Clopper-Pearson's, as any 0%), as a declared level is
 * listed: a 0-10 question nobody answered 1 or 2 still shows 1 and 2, so a table, its chart
 * and a comparison across waves show the whole scale. A point is there when a level reads
 * as its number ("7", "10 - Extremely likely"). Not for a question whose levels are declared
 * (values:, --levels: they win) or recoded. */
static shopstat_status add_scale_points(shopstat_totals *t, shopstat_error *err)
{
    for (size_t k = 0; k < t->plan->nscores; k++) {
        double pts[SCALE_POINTS_MAX];
        size_t np = score_points(t, k, pts);
        for (size_t qi = 0; np && qi < t->nq; qi++) {
            rt_question *q = &t->q[qi];
            if (q->pq->kind != SHOPSTAT_Q_SINGLE || q->pq->ndeclared || q->pq->nrecodes ||
                strcmp(q->pq->name, t->plan->scores[k].question) != 0)
                continue;
            unsigned char have[SCALE_POINTS_MAX] = {0};
            size_t nlev = q->levels.n;
            for (size_t l = 0; l < nlev; l++) {
                double x;
                const char *key = SMAP_KEY(&q->levels, l);
                if (!is_number(t, key, SMAP_LEN(&q->levels, l), &x) &&
                    !reader_labelled_point(key, &x))
                    continue;
                for (size_t j = 0; j < np; j++)
                    have[j] |= x == pts[j];
            }
            for (size_t j = 0; j < np; j++) {
                char b[32];
                int len = snprintf(b, sizeof b, "%.0f", pts[j]);
                if (!have[j] && smap_put(&q->levels, b, (size_t)len, NULL) < 0)
                    return nomem(err);
            }
        }
    }
    return SHOPSTAT_OK;
}

static shopstat_status finish(shopstat_totals *t, shopstat_error *err)
{
    /* (rows per cell: summed from the units by finish_units, before) */
    shopstat_status sp = add_scale_points(t, err);
    if (sp)
        return sp;
    for (size_t qi = 0; qi < t->nq; qi++) {
        rt_question *q = &t->q[qi];
        int keep = q->pq->kind == SHOPSTAT_Q_MULTI || q->pq->nrecodes > 0;
        /* (declared levels were put in the map first, in their order) */
        q->order = sort_keys(t, &q->levels, keep, q->pq->ndeclared, 1, 0);
        q->rank = malloc((q->levels.n ? q->levels.n : 1) * sizeof *q->rank);
        if (!q->order || !q->rank)
            return nomem(err);
        for (size_t i = 0; i < q->levels.n; i++)
            q->rank[q->order[i]] = i;
    }
    /* display order of segments: plan order, --by levels sorted within */
    t->seg_order = malloc((t->nseg ? t->nseg : 1) * sizeof *t->seg_order);
    if (!t->seg_order)
        return nomem(err);
    size_t k = 0;
    for (size_t i = 0; i < t->plan->nsegments; i++) {
        const plan_segment *ps = &t->plan->segments[i];
        if (ps->kind != SEG_BY) {
            for (size_t s = 0; s < t->nseg; s++)
                if (t->seg[s].kind != SEG_BY && !t->seg[s].hidden && t->seg[s].plan_index == i)
                    t->seg_order[k++] = s;
            continue;
        }
        for (size_t b = 0; b < t->nby; b++) {
            if (t->by[b].plan_index != i)
                continue;
            /* (natural order: the waves of a tracker, "Wave 9" before "Wave 10", in time
             * order in a trend chart and across the table) */
            size_t *ord = sort_keys(t, &t->by[b].values, 0, 0, 0, 1);
            if (!ord)
                return nomem(err);
            for (size_t j = 0; j < t->by[b].values.n; j++)
                t->seg_order[k++] = t->by[b].segs[ord[j]];
            free(ord);
        }
    }
    t->nseg_visible = k;
    shopstat_status st = expand_pairs(t, err);
    if (st)
        return st;

    /* strata: names (stable now that the map no longer grows), counts and finite
     * population corrections */
    for (size_t h = 0; h < t->strata.n; h++) {
        stratum_info *si = &t->st[h];
        si->name = SMAP_KEY(&t->strata, h);
        if (!t->element) {
            si->npsu_pos = 0;
        }
    }
    if (!t->element)
        for (size_t u = 0; u < t->nunits; u++)
            if (t->units[u].any_pos)
                t->st[t->units[u].stratum].npsu_pos++;
    int all_fraction = 1;
    for (size_t h = 0; h < t->strata.n; h++)
        if (t->st[h].has_fpc && t->st[h].fpc > 1)
            all_fraction = 0;
    t->fpc_fractions = t->fcol != SIZE_MAX && all_fraction;
    for (size_t h = 0; h < t->strata.n; h++) {
        stratum_info *si = &t->st[h];
        si->f = si->w_fpc = 1;
        if (!si->has_fpc)
            continue;
        /* R's svydesign: fpc values all <= 1 are sampling fractions, otherwise
         * population sizes; f is R's (N - n) / N. */
        double N = all_fraction ? (double)si->npsu / si->fpc : si->fpc;
        if (N + 1e-9 < (double)si->npsu)
            return shopstat_error_set(
                err, SHOPSTAT_EINPUT, t->path, 0, 0,
                "fpc column '%s' gives %.17g for stratum '%s', fewer than its %zu sampled PSUs",
                t->plan->design.fpc, si->fpc, si->name, si->npsu);
        si->f = (N - (double)si->npsu) / N;
        si->w_fpc = N / (double)si->npsu;
    }
    if (t->fcol != SIZE_MAX && !t->has_weight && !t->rep && !t->ps && fpc_weights(t))
        return nomem(err);
    return SHOPSTAT_OK;
}

static void row_ctx_free(row_ctx *rc)
{
    if (!rc)
        return;
    if (rc->condcols)
        for (size_t s = 0; s < rc->nfixed; s++)
            free(rc->condcols[s]);
    free(rc->condcols);
    free(rc->qn);
    free(rc->qoff);
    free(rc->lv);
    shopstat_totals *t = rc->t;
    for (size_t i = 0; i < rc->ncv; i++)
        colval_free(&rc->cv[i]);
    free(rc->cv);
    free(rc->slot);
    free(rc->vid);
    free(rc->strata.v);
    wordtab_free(&rc->units);
    if (rc->cond)
        for (size_t s = 0; s < rc->nfixed; s++) {
            if (rc->cond[s])
                for (size_t j = 0; j < t->seg[s].nconds; j++)
                    free(rc->cond[s][j].v);
            free(rc->cond[s]);
        }
    free(rc->cond);
    if (rc->by)
        for (size_t b = 0; b < t->nby; b++)
            free(rc->by[b].v);
    free(rc->by);
    if (rc->bycond)
        for (size_t b = 0; b < t->nby; b++) {
            if (rc->bycond[b])
                for (size_t j = 0; j < t->by[b].nconds; j++)
                    free(rc->bycond[b][j].v);
            free(rc->bycond[b]);
        }
    free(rc->bycond);
    if (rc->basecond)
        for (size_t j = 0; j < t->plan->nbase; j++)
            free(rc->basecond[j].v);
    free(rc->basecond);
    for (size_t q = 0; q < t->nq; q++) {
        if (rc->qlv)
            free(rc->qlv[q].v);
        if (rc->mcode && rc->mcode[q]) {
            for (size_t j = 0; j < t->q[q].ncols; j++)
                free(rc->mcode[q][j].v);
            free(rc->mcode[q]);
        }
        if (rc->centry)
            free(rc->centry[q]);
    }
    free(rc->qlv);
    free(rc->mcode);
    free(rc->centry);
    free(rc->ncentry);
    free(rc->centry_cap);
    free(rc->cpool);
    free(rc->bcell);
    if (rc->batch_mapped) {
        huge_unmap(rc->batch, BATCH_BYTES);
    } else {
        free(rc->batch);
        free(rc->border);
    }
    free(rc->bcount);
    free(rc->prun);
    for (size_t i = 0; i < rc->ntc; i++) {
        free(rc->tc[i].cond);
        free(rc->tc[i].excl);
        free(rc->tc[i].mk);
        free(rc->tc[i].mb);
    }
    free(rc->tc);
    table_free(rc, rc->ptab); /* (no access: the batch's page may be unmapped already) */
    if (rc->prec_mapped)
        huge_unmap(rc->prec, MAX_PATTERN_WORDS * sizeof *rc->prec);
    else
        free(rc->prec);
    free(rc->w2d);
    table_free(rc, rc->dtab);
    free(rc->dltab);
    free(rc->dlbytes);
    free(rc);
}

/* Make the truth columns (truth_col) of the pattern columns inpat[] and take them out of
 * it: the columns only conditions read, one of them a comparison (wt:>=2, not a list of
 * codes such as would_switch:1), while their truths fit in the key's word. None with
 * global missing codes. A column of codes has few values, so its bytes make as few
 * patterns, and keying it by truths cost the typical run 126 instructions a row (3,060
 * against 2,934: would_switch between the other pattern columns, two runs copied) for no
 * pattern less. 0, or -1 out of memory. */
static int truth_columns(row_ctx *rc, char *inpat, size_t ncols)
{
    const shopstat_totals *t = rc->t;
    if (t->scale || !ncols)
        return 0;
    /* every condition the patterns decide: its column, itself, an exclusion's or not */
    size_t n = t->plan->nbase;
    for (size_t s = 0; s < rc->nfixed; s++)
        n += t->seg[s].nconds;
    for (size_t b = 0; b < t->nby; b++)
        n += t->by[b].nconds;
    if (rc->excl_pat)
        for (size_t k = 0; k < t->plan->nexcl; k++)
            n += t->plan->excl[k].nconds;
    if (!n)
        return 0;
    size_t *col = malloc(n * sizeof *col);
    const plan_cond **cond = malloc(n * sizeof *cond);
    unsigned char *excl = calloc(n, 1);
    char *bytes = calloc(ncols, 1);
    if (!col || !cond || !excl || !bytes || !(rc->tc = calloc(ncols, sizeof *rc->tc))) {
        free(col);
        free(cond);
        free(excl);
        free(bytes);
        return -1;
    }
    size_t m = 0;
    for (size_t j = 0; j < t->plan->nbase; j++, m++) {
        col[m] = t->basecols[j];
        cond[m] = &t->plan->base[j];
    }
    for (size_t s = 0; s < rc->nfixed; s++)
        for (size_t j = 0; j < t->seg[s].nconds; j++, m++) {
            col[m] = rc->condcols[s][j];
            cond[m] = &t->seg[s].conds[j];
        }
    for (size_t b = 0; b < t->nby; b++) {
        for (size_t j = 0; j < t->by[b].nconds; j++, m++) {
            col[m] = t->by[b].condcols[j];
            cond[m] = &t->by[b].conds[j];
        }
        bytes[t->by[b].column] = 1;
    }
    for (size_t k = 0, x = 0; rc->excl_pat && k < t->plan->nexcl; k++)
        for (size_t j = 0; j < t->plan->excl[k].nconds; j++, m++, x++) {
            col[m] = t->exclcols[x];
            cond[m] = &t->plan->excl[k].conds[j];
            excl[m] = 1;
        }
    for (size_t q = 0; q < t->nq; q++)
        for (size_t j = 0; j < t->q[q].ncols; j++)
            bytes[t->q[q].cols[j]] = 1;
    unsigned shift = 0;
    int fail = 0;
    for (size_t c = 0; c < ncols && !fail; c++) {
        if (!inpat[c] || bytes[c])
            continue;
        size_t k = 0;
        int range = 0;
        for (size_t i = 0; i < n; i++)
            if (col[i] == c) {
                k++;
                range |= cond[i]->op != SHOPSTAT_OP_IN && cond[i]->op != SHOPSTAT_OP_NOT_IN;
            }
        if (!range || k > TRUTH_CONDS_MAX || shift + k > 64)
            continue;
        truth_col *tc = &rc->tc[rc->ntc];
        tc->col = c;
        tc->shift = shift;
        if (!(tc->cond = malloc(k * sizeof *tc->cond)) || !(tc->excl = calloc(k, 1))) {
            free(tc->cond);
            tc->cond = NULL;
            fail = 1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (col[i] == c) {
                tc->cond[tc->ncond] = cond[i];
                tc->excl[tc->ncond++] = excl[i];
            }
        rc->ntc++;
        shift += (unsigned)k;
        inpat[c] = 0;
    }
    free(col);
    free(cond);
    free(excl);
    free(bytes);
    return fail ? -1 : 0;
}

/* Value caches for every column the pass reads as a value, and the derived tables. */
static shopstat_status value_caches(row_ctx *rc, shopstat_error *err)
{
    shopstat_totals *t = rc->t;
    size_t ncols = shopstat_reader_ncols(t->reader);
    rc->slot = malloc((ncols ? ncols : 1) * sizeof *rc->slot);
    if (!rc->slot)
        return nomem(err);
    for (size_t c = 0; c < ncols; c++)
        rc->slot[c] = SIZE_MAX;
    /* columns in a fixed order: strata, PSU, conditions, --by, questions */
    size_t *cols = malloc((ncols ? ncols : 1) * sizeof *cols);
    if (!cols)
        return nomem(err);
    size_t n = 0;
#define USE(c)                                                                                 \
    do {                                                                                       \
        if (rc->slot[(c)] == SIZE_MAX) {                                                       \
            rc->slot[(c)] = n;                                                                 \
            cols[n++] = (c);                                                                   \
        }                                                                                      \
    } while (0)
    if (t->scol != SIZE_MAX)
        USE(t->scol);
    if (t->pcol != SIZE_MAX)
        USE(t->pcol);
    rc->ndesign = n;
    for (size_t j = 0; j < t->plan->nbase; j++)
        USE(t->basecols[j]);
    for (size_t s = 0; s < rc->nfixed; s++)
        for (size_t j = 0; j < t->seg[s].nconds; j++)
            USE(rc->condcols[s][j]);
    for (size_t b = 0; b < t->nby; b++) {
        for (size_t j = 0; j < t->by[b].nconds; j++)
            USE(t->by[b].condcols[j]);
        USE(t->by[b].column);
    }
    for (size_t q = 0; q < t->nq; q++)
        for (size_t j = 0; j < t->q[q].ncols; j++)
            USE(t->q[q].cols[j]);
#undef USE
    rc->cv = calloc(n ? n : 1, sizeof *rc->cv);
    rc->vid = calloc(n ? n : 1, sizeof *rc->vid);
    if (!rc->cv || !rc->vid) {
        free(cols);
        return nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        rc->cv[i].col = cols[i];
        strmap_init(&rc->cv[i].map, COLVAL_MAX, (size_t)16 << 20);
    }
    rc->ncv = n;
    free(cols);
    rc->epoch = 1;
    /* (see HUGE_PAGE; the records' room is address space until used, and never moves;
     * a small file, which would not fill them, keeps malloc's smaller pages) */
    int big = reader_file_size(rc->t->reader) >= HUGE_INPUT_MIN;
    char *room = big ? huge_map(BATCH_BYTES) : NULL;
    if (room) {
        rc->batch_mapped = 1;
        rc->batch = (batch_row *)(void *)room;
        rc->border = (uint32_t *)(void *)(room + BATCH_MAX * sizeof *rc->batch);
        rc->tab_room = room + BATCH_BYTES;
        rc->tab_room_bytes = ((BATCH_BYTES + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)) - BATCH_BYTES;
    } else {
        rc->batch = malloc(BATCH_MAX * sizeof *rc->batch);
        rc->border = malloc(BATCH_MAX * sizeof *rc->border);
        if (!rc->batch || !rc->border)
            return nomem(err);
    }
    if (big && (rc->prec = huge_map(MAX_PATTERN_WORDS * sizeof *rc->prec))) {
        rc->prec_mapped = 1;
        rc->prec_cap = MAX_PATTERN_WORDS;
    }
    rc->prun = malloc((n ? n : 1) * sizeof *rc->prun);
    char *inpat = calloc(ncols ? ncols : 1, 1);
    if (!rc->prun || !inpat) {
        free(inpat);
        return nomem(err);
    }
    for (size_t j = 0; j < t->plan->nbase; j++)
        inpat[t->basecols[j]] = 1;
    for (size_t s = 0; s < rc->nfixed; s++)
        for (size_t j = 0; j < t->seg[s].nconds; j++)
            inpat[rc->condcols[s][j]] = 1;
    for (size_t b = 0; b < t->nby; b++) {
        for (size_t j = 0; j < t->by[b].nconds; j++)
            inpat[t->by[b].condcols[j]] = 1;
        inpat[t->by[b].column] = 1;
    }
    for (size_t q = 0; q < t->nq; q++)
        for (size_t j = 0; j < t->q[q].ncols; j++)
            inpat[t->q[q].cols[j]] = 1;
    size_t nexcl_cols = 0;
    for (size_t k = 0; k < t->plan->nexcl; k++)
        nexcl_cols += t->plan->excl[k].nconds;
    /* (a dedupe, a length or a grid's one answer: not one field's answer) */
    rc->excl_pat = nexcl_cols && !t->rep && !plan_dedupes(t->plan) && !t->excl.reads && !t->ps;
    for (size_t j = 0; j < nexcl_cols; j++)
        rc->excl_pat &= inpat[t->exclcols[j]];
    if (truth_columns(rc, inpat, ncols)) {
        free(inpat);
        return nomem(err);
    }
    for (size_t c = 0; c < ncols; c++) {
        if (!inpat[c])
            continue;
        if (rc->nprun && rc->prun[rc->nprun - 1].last == c - 1)
            rc->prun[rc->nprun - 1].last = c;
        else
            rc->prun[rc->nprun++] = (col_run){c, c};
    }
    free(inpat);
    rc->cond = calloc(rc->nfixed ? rc->nfixed : 1, sizeof *rc->cond);
    rc->by = calloc(t->nby ? t->nby : 1, sizeof *rc->by);
    rc->bycond = calloc(t->nby ? t->nby : 1, sizeof *rc->bycond);
    rc->basecond = calloc(t->plan->nbase ? t->plan->nbase : 1, sizeof *rc->basecond);
    rc->qlv = calloc(t->nq ? t->nq : 1, sizeof *rc->qlv);
    rc->mcode = calloc(t->nq ? t->nq : 1, sizeof *rc->mcode);
    rc->centry = calloc(t->nq ? t->nq : 1, sizeof *rc->centry);
    rc->ncentry = calloc(t->nq ? t->nq : 1, sizeof *rc->ncentry);
    rc->centry_cap = calloc(t->nq ? t->nq : 1, sizeof *rc->centry_cap);
    if (!rc->cond || !rc->by || !rc->bycond || !rc->basecond || !rc->qlv || !rc->mcode ||
        !rc->centry || !rc->ncentry || !rc->centry_cap)
        return nomem(err);
    for (size_t s = 0; s < rc->nfixed; s++)
        if (t->seg[s].nconds &&
            !(rc->cond[s] = calloc(t->seg[s].nconds, sizeof **rc->cond)))
            return nomem(err);
    for (size_t b = 0; b < t->nby; b++)
        if (t->by[b].nconds && !(rc->bycond[b] = calloc(t->by[b].nconds, sizeof **rc->bycond)))
            return nomem(err);
    for (size_t q = 0; q < t->nq; q++)
        if (t->q[q].pq->kind == SHOPSTAT_Q_MULTI &&
            !(rc->mcode[q] = calloc(t->q[q].ncols ? t->q[q].ncols : 1, sizeof **rc->mcode)))
            return nomem(err);
    return SHOPSTAT_OK;
}

/* ---- derived segments ----
 *
 * A row's cells in a segment are its answers' cells, the same in every segment it is in
 * (a segment only selects rows). So a fixed segment whose rows are picked by the value of
 * a --by column alone holds, PSU by PSU, the sums of the --by levels' segments whose
 * values it takes in: 'all' (plus the rows whose --by value is missing, which are in no
 * level and still update 'all' row by row), and a condition on that column such as
 * heavy=spend_6m:3 (a missing value meets no condition). derive_plan marks them; their
 * cells are still made (numbered) by the rows, but updated only by the rows of no level
 * (row_cells), and derive_segments adds the levels' sums in at the end. In the typical
 * run of the benchmark this spares about a third of a row's cell updates (docs/
 * performance-log.md, eleventh session). Cluster designs only (replicate designs add every
 * row's replicate weights cell by cell, element designs keep sums of squares per row), and
 * only from a --by set with no conditions of its own, whose levels hold every row with a
 * value. */
static shopstat_status derive_plan(shopstat_totals *t, shopstat_error *err)
{
    const row_ctx *rc = t->rc;
    if (t->element || t->rep)
        return SHOPSTAT_OK;
    for (size_t b = 0; b < t->nby && t->derive_by < 0; b++)
        if (!t->by[b].nconds)
            t->derive_by = (long)b;
    if (t->derive_by < 0)
        return SHOPSTAT_OK;
    if (!(t->derived = calloc(rc->nfixed ? rc->nfixed : 1, 1)))
        return nomem(err);
    t->nderived = rc->nfixed;
    size_t col = t->by[t->derive_by].column;
    for (size_t s = 0; s < rc->nfixed; s++) {
        int on_col = 1;
        for (size_t j = 0; j < t->seg[s].nconds; j++)
            on_col &= rc->condcols[s][j] == col;
        t->derived[s] = (unsigned char)on_col;
    }
    return SHOPSTAT_OK;
}

typedef struct cell_pair {
    int32_t to, from;
} cell_pair;

static int add_pair(cell_pair **p, size_t *n, size_t *cap, long to, int32_t from)
{
    if (to < 0 || to >= INT32_MAX || grow((void **)p, cap, *n + 1, sizeof **p))
        return -1;
    (*p)[(*n)++] = (cell_pair){(int32_t)to, from};
    return 0;
}

/* A post-stratified design's derived cells (derive_segments' pairs): a slot for each in
 * every post-stratum whose rows reach a cell it is summed from, and room for them in the
 * pseudo-units. 0, -1 out of memory, -2 past the caps. */
static int ps_derive_slots(shopstat_totals *t, const cell_pair *pair, size_t npair)
{
    ps_state *ps = t->ps;
    if (!npair)
        return 0;
    for (size_t g = 0; g < ps->nsl; g++) {
        ps_slots *m = &ps->sl[g];
        if (!m->n)
            continue;
        if (m->ncap < t->ncell && !ps_slots_grow(t, g))
            return -1;
        m = &ps->sl[g];
        for (size_t i = 0; i < npair; i++) {
            if (m->slot[pair[i].from] < 0 || m->slot[pair[i].to] >= 0)
                continue;
            if (m->n == m->cap) {
                uint32_t cap = 2 * m->cap;
                uint32_t *nc = realloc(m->cell, cap * sizeof *nc);
                if (!nc)
                    return -1;
                m->cell = nc;
                m->cap = cap;
            }
            m->cell[m->n] = (uint32_t)pair[i].to;
            m->slot[pair[i].to] = (int32_t)m->n++;
        }
    }
    for (size_t u = 0; u < t->nunits; u++) {
        unit *un = &t->units[u];
        const ps_slots *m = ps_slots_at(ps, ps->g[u]);
        int r = un->cap && m && m->n > un->cap ? ps_unit_room(t, un, m->n) : 0;
        if (r)
            return r;
    }
    return 0;
}

/* The derived segments' sums (see derive_plan), on the merged totals: each derived cell
 * gets, in every PSU, the sums of the same question and level in each --by level its
 * segment takes in (judged on the level's value, as the rows were), and with them its
 * rows and w^2. A fixed order: segments, the set's levels by index, questions, base
 * before levels. */
/* The derived segments' cells (see derive_plan), made now, with every unit's room for them,
 * and the (to, from) pairs of cells whose sums they add, into *pair (*npair of them; NULL
 * when no segment is derived). The cells' w^2 sums are added here; the units' sums by
 * derive_unit, in finish_units' one pass over the units. */
static shopstat_status derive_segments(shopstat_totals *t, cell_pair **pair_out, size_t *npair_out,
                                       shopstat_error *err)
{
    *pair_out = NULL;
    *npair_out = 0;
    if (t->derive_by < 0)
        return SHOPSTAT_OK;
    const rt_by *by = &t->by[t->derive_by];
    cell_pair *pair = NULL;
    size_t npair = 0, cap = 0;
    for (size_t s = 0; s < t->nderived; s++) {
        if (!t->derived[s])
            continue;
        const rt_segment *rs = &t->seg[s];
        for (size_t j = 0; j < by->values.n; j++) {
            const char *v = SMAP_KEY(&by->values, j);
            size_t vn = SMAP_LEN(&by->values, j);
            int in = 1;
            for (size_t k = 0; k < rs->nconds && in; k++)
                in = cond_match(t, &rs->conds[k], by->column, v, vn);
            if (!in)
                continue;
            size_t sg = by->segs[j];
            for (size_t qi = 0; qi < t->nq; qi++) {
                /* (a question the set does not keep: the segment's rows updated it, as a
                 * question the segment does not keep has no cells) */
                if ((by->need && !by->need[qi]) || (rs->need && !rs->need[qi]))
                    continue;
                /* (a copy: cell_for may add domains, which moves them) */
                const domain *dp = dom_find(t, sg, qi);
                if (!dp)
                    continue;
                const domain dd = *dp, *d = &dd;
                if (d->base >= 0 &&
                    add_pair(&pair, &npair, &cap, cell_for(t, s, qi, SIZE_MAX), d->base))
                    goto oom;
                for (size_t l = 0; l < d->nlvl; l++)
                    if (d->lvl[l] >= 0 &&
                        add_pair(&pair, &npair, &cap, cell_for(t, s, qi, l), d->lvl[l]))
                        goto oom;
            }
        }
    }
    for (size_t u = 0; u < t->nunits && !t->ps; u++) {
        int ur = t->units[u].cap ? unit_reserve(t, &t->units[u]) : 0;
        if (ur == -2) {
            free(pair);
            return acc_limit(t, 0, err);
        }
        if (ur)
            goto oom;
    }
    int pr = t->ps ? ps_derive_slots(t, pair, npair) : 0;
    if (pr == -2) {
        free(pair);
        return acc_limit(t, 0, err);
    }
    if (pr)
        goto oom;
    for (size_t i = 0; i < npair; i++) {
        cell_info *to = &t->cell[pair[i].to];
        const cell_info *from = &t->cell[pair[i].from];
        w2x_add_sum(to->w2x, from->w2x);
        to->w2 += from->w2;
    }
    *pair_out = pair;
    *npair_out = npair;
    return SHOPSTAT_OK;
oom:
    free(pair);
    return nomem(err);
}

/* A unit's sums of the derived segments' cells (derive_segments' pairs). */
static inline void derive_unit(unit *un, const cell_pair *pair, size_t npair)
{
    for (size_t i = 0; i < npair; i++) {
        if ((size_t)pair[i].from >= un->cap || !un->A[pair[i].from].N)
            continue; /* (a PSU's sums are dense: most cells of a many-level set are 0) */
        cell_acc *to = &un->A[pair[i].to], *from = &un->A[pair[i].from];
        to->T += from->T;
        to->NP += from->NP;
    }
    if (!un->Q) /* (a post-stratified design's w^2 too: element designs derive none) */
        return;
    for (size_t i = 0; i < npair; i++)
        if ((size_t)pair[i].from < un->cap && un->A[pair[i].from].N)
            un->Q[pair[i].to] += un->Q[pair[i].from];
}

/* A post-stratified element design's pseudo-unit un, its w^2 sums folded as other units'
 * (Q + QL, rounded) with what that rounding drops kept in QL, for calib.c's element sums
 * (element_sums): a proportion's score there takes the base cell's sum less the level
 * cell's, where the rows of the other levels may be 1e-15 of them (the audit's ext6.R,
 * seed 162: an SE 3.3% off R's). The pseudo-unit's block (ps_unit_room) holds QL until
 * its sums are freed. (No segment is derived in an element design, derive_plan: so
 * ps_derive_unit never adds sums that have low parts.) */
static void ps_keep_lows(unit *un)
{
    for (size_t c = 0; c < un->cap && un->QL; c++) {
        double q = un->Q[c], s = q + un->QL[c], bp = s - q;
        un->QL[c] = (q - (s - bp)) + (un->QL[c] - bp);
        un->Q[c] = s;
    }
}

/* derive_unit for a post-stratified design's pseudo-unit un, whose cells' slots are m. */
static void ps_derive_unit(unit *un, const ps_slots *m, const cell_pair *pair, size_t npair)
{
    for (size_t i = 0; i < npair; i++) {
        long f = ps_cell_slot(m, un, pair[i].from);
        if (f < 0 || !un->A[f].N)
            continue;
        long d = ps_cell_slot(m, un, pair[i].to); /* (made by ps_derive_slots) */
        un->A[d].T += un->A[f].T;
        un->A[d].NP += un->A[f].NP;
    }
    for (size_t i = 0; i < npair; i++) {
        long f = ps_cell_slot(m, un, pair[i].from);
        if (f >= 0 && un->A[f].N)
            un->Q[ps_cell_slot(m, un, pair[i].to)] += un->Q[f];
    }
}

static void keep_scale_notes(shopstat_totals *t); /* (below, with its accessor) */

shopstat_status pass_begin(const shopstat_plan *p, const shopstat_reader *r, shopstat_totals **out,
                           shopstat_error *err)
{
    *out = NULL;
    shopstat_totals *t = calloc(1, sizeof *t);
    if (!t)
        return nomem(err);
    t->plan = p;
    t->reader = r;
    t->derive_by = -1;
    t->cond_miss_col = SIZE_MAX;
    t->path = dupstr(shopstat_reader_path(r));
    t->decimal_comma = shopstat_reader_dialect(r)->decimal_comma;
    t->miss_first = reader_miss_first(r);
    if (shopstat_reader_missing_codes(r)[0] && shopstat_reader_ncols(r) &&
        !(t->scale = calloc(shopstat_reader_ncols(r), sizeof *t->scale))) {
        free(t->path);
        free(t);
        return nomem(err);
    }
    t->nscale = t->scale ? shopstat_reader_ncols(r) : 0;
    t->row_other = p->nexcl || t->scale;
    while (t->scale && t->nglobal < 64 && shopstat_reader_missing_codes(r)[t->nglobal])
        t->nglobal++;
    shopstat_status st = t->path ? bind(t, err) : nomem(err);
    t->row_other |= t->ps != NULL;
    for (size_t qi = 0; !st && t->scale && qi < t->nq; qi++)
        if (t->q[qi].pq->kind == SHOPSTAT_Q_CODES && !t->scale[t->q[qi].cols[0]].split) {
            /* (two codes questions of one column and two separators: the first's) */
            t->scale[t->q[qi].cols[0]].split = 1;
            t->scale[t->q[qi].cols[0]].sep = t->q[qi].pq->sep;
        }
    row_ctx *rc = NULL;
    if (!st && !(rc = t->rc = calloc(1, sizeof *rc)))
        st = nomem(err);
    if (!st) {
        rc->t = t;
        rc->nfixed = t->nseg;
        rc->condcols = calloc(t->nseg ? t->nseg : 1, sizeof *rc->condcols);
        /* a row's answers: one level of a single-choice question, a multi-response's
         * columns, a codes cell's distinct codes (at most MAX_LEVELS); a single-choice
         * question held MAX_LEVELS too (80 kB each: 24 MB of 300 questions, on each thread) */
        size_t lvcap = 0;
        for (size_t qi = 0; qi < t->nq; qi++)
            lvcap += t->q[qi].pq->kind == SHOPSTAT_Q_SINGLE  ? 1
                     : t->q[qi].pq->kind == SHOPSTAT_Q_MULTI ? t->q[qi].ncols
                                                             : MAX_LEVELS;
        rc->qn = calloc(t->nq ? t->nq : 1, sizeof *rc->qn);
        rc->qoff = calloc(t->nq ? t->nq : 1, sizeof *rc->qoff);
        rc->lv = calloc(lvcap ? lvcap : 1, sizeof *rc->lv);
        if (!rc->condcols || !rc->qn || !rc->qoff || !rc->lv)
            st = nomem(err);
        for (size_t s = 0; !st && s < t->nseg; s++) {
            if (!t->seg[s].nconds)
                continue;
            rc->condcols[s] = calloc(t->seg[s].nconds, sizeof **rc->condcols);
            if (!rc->condcols[s]) {
                st = nomem(err);
                break;
            }
            for (size_t j = 0; !st && j < t->seg[s].nconds; j++)
                st = bind_column(t, t->seg[s].conds[j].column, "segment",
                                 &rc->condcols[s][j], err);
        }
    }
    if (!st)
        st = value_caches(rc, err);
    if (!st)
        st = derive_plan(t, err);
    if (st) {
        shopstat_totals_free(t);
        return st;
    }
    *out = t;
    return SHOPSTAT_OK;
}

/* The row of a plan with exclusions or global missing codes (totals.row_other). With
 * exclusions: through its pattern when they are folded into the patterns, else their
 * conditions first (exclude.c's memo), an excluded row leaving before its design values
 * are even read. Not inlined: pass_row stays a tail call into on_row for the other runs. */
static __attribute__((noinline)) shopstat_status
pass_row_other(shopstat_totals *t, const shopstat_row *row, shopstat_error *err)
{
    if (t->ps) {
        long k = t->plan->nexcl ? excl_rows_take(&t->excl, row) : 0;
        if (k < 0)
            return excl_rows_error(&t->excl, k, err);
        if (k) {
            t->acct.excluded_cond++;
            return SHOPSTAT_OK;
        }
        return on_row_ps(t->rc, row, err);
    }
    if (!t->plan->nexcl)
        return on_row_codes(t->rc, row, err);
    if (t->rc->excl_pat)
        return on_row_excl(t->rc, row, err);
    long k = excl_rows_take(&t->excl, row);
    if (k < 0)
        return excl_rows_error(&t->excl, k, err);
    if (k) {
        t->acct.excluded_cond++;
        return SHOPSTAT_OK;
    }
    return t->scale ? on_row_codes(t->rc, row, err) : on_row(t->rc, row, err);
}

shopstat_status pass_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    if (__builtin_expect(((shopstat_totals *)ctx)->row_other, 0))
        return pass_row_other(ctx, row, err);
    row_ctx *rc = ((shopstat_totals *)ctx)->rc;
    if (__builtin_expect(!rc->plain, 0)) { /* (the design and pattern columns, once) */
        const shopstat_totals *t = rc->t;
        rc->plain =
            !t->rep && !t->element && t->fcol == SIZE_MAX && !rc->ntc && rc->nprun == 1 ? 1 : 2;
    }
    return rc->plain == 1 ? on_row_plain(rc, row, err) : on_row(rc, row, err);
}


static size_t *grow_map(size_t **m, size_t *cap, size_t n)
{
    if (grow((void **)m, cap, n ? n : 1, sizeof **m))
        return NULL;
    return *m;
}

void pass_map_free(pass_map *m)
{
    if (!m)
        return;
    free(m->strata);
    free(m->units);
    free(m->segs);
    free(m->cells);
    if (m->levels)
        for (size_t q = 0; q < m->nq; q++)
            free(m->levels[q]);
    free(m->levels);
    free(m->lcap);
    free(m->ldone);
    free(m->seg_by);
    free(m->seg_val);
    free(m->key);
    free(m->mk);
    memset(m, 0, sizeof *m);
}

void pass_parsed(void *w)
{
    shopstat_totals *t = w;
    if (t->rc) {
        batch_flush(t->rc);
        w2_fold(t->rc);
    }
}

/* A post-stratified worker's pseudo-units' own sums (rows' weights, their squares, zero
 * weights) into g's, in a loop of their own, so that the other merges run as they did. */
static void ps_merge(shopstat_totals *g, shopstat_totals *w, const pass_map *m)
{
    for (size_t u = 0; u < w->nunits; u++) {
        size_t gi = m->units[u];
        g->ps->wsum[gi] += w->ps->wsum[u];
        g->ps->w2sum[gi] += w->ps->w2sum[u];
        g->ps->nzero[gi] += w->ps->nzero[u];
        g->ps->nrows[gi] += w->ps->nrows[u]; /* (zline: none in the chunked pass) */
        w->ps->wsum[u] = w->ps->w2sum[u] = 0;
        w->ps->nzero[u] = w->ps->nrows[u] = 0;
    }
}

/* A post-stratified worker's pseudo-unit wu (of post-stratum ps) into g's gu, slot by
 * slot (see ps_slots): each cell's sums added as pass_merge adds a unit's, w^2 with them
 * (the cells with rows), then zeroed. 0, -1 out of memory, -2 past the caps. */
static int ps_merge_unit(shopstat_totals *g, shopstat_totals *w, const pass_map *m,
                         unit *gu, unit *wu, size_t ps)
{
    const ps_slots *wm = ps < w->ps->nsl ? &w->ps->sl[ps] : NULL;
    ps_slots *gm = ps_slots_of(g, ps);
    if (!gm)
        return -1;
    size_t lim = wm && wm->n < wu->cap ? wm->n : wm ? wu->cap : 0;
    for (size_t k = 0; k < lim; k++) {
        cell_acc *a = &wu->A[k];
        if (!a->N)
            continue; /* (nor any sum: 0 already) */
        size_t gc = (size_t)m->cells[wm->cell[k]];
        size_t s = (uint32_t)gm->slot[gc];
        if (s >= gu->cap) {
            long r = ps_slot_new(g, gu, gm, gc);
            if (r < 0)
                return (int)r;
            s = (size_t)r;
        }
        cell_acc *ga = &gu->A[s];
        sum2(&ga->T, &gu->L[s], a->T);
        ga->N += a->N;
        ga->P += a->P;
        a->T = 0;
        a->NP = 0;
        sum2(&gu->Q[s], &gu->QL[s], wu->Q[k]);
        if (w->element) {
            gu->L[s] += wu->L[k]; /* the worker's own compensations */
            gu->QL[s] += wu->QL[k];
        }
    }
    memset(wu->Q, 0, wu->cap * sizeof *wu->Q);
    if (w->element) {
        memset(wu->L, 0, wu->cap * sizeof *wu->L);
        memset(wu->QL, 0, wu->cap * sizeof *wu->QL);
    }
    return 0;
}

/* A mark (pass_mark): where a worker's lists end, MARK_WORDS(nq) words: the chunk, then
 * strata, PSUs, segments, cells and whether the condition's missing code was met, then for
 * each question its levels, unrecoded values, codes in doubt and whether a cell in doubt
 * was kept. */
enum { MK_CHUNK, MK_STRATA, MK_UNITS, MK_SEGS, MK_CELLS, MK_COND_MISS, MK_Q };
#define MARK_WORDS(nq) (MK_Q + 4 * (nq))

static void mark_fill(const shopstat_totals *w, size_t k, size_t *mk)
{
    mk[MK_CHUNK] = k;
    mk[MK_STRATA] = w->strata.n;
    mk[MK_UNITS] = w->nunits;
    mk[MK_SEGS] = w->nseg;
    mk[MK_CELLS] = w->ncell;
    mk[MK_COND_MISS] = w->cond_miss_col != SIZE_MAX;
    for (size_t q = 0; q < w->nq; q++) {
        size_t *mq = mk + MK_Q + 4 * q;
        mq[0] = w->q[q].levels.n;
        mq[1] = w->q[q].unrec.n;
        mq[2] = w->q[q].doubt.n;
        mq[3] = w->q[q].doubt_cell != NULL;
    }
}

/* What worker w's rows brought up to mark mk (pass_mark; from where m's last merge of w
 * ended) that g does not hold yet: strata, PSUs, --by segments, levels, cells, the
 * warnings' values, in w's order. Merged chunk by chunk in file order, they enter g in
 * the order of one thread. */
static shopstat_status merge_ids(shopstat_totals *g, shopstat_totals *w, pass_map *m,
                                 const size_t *mk, shopstat_error *err)
{
    if (g->cond_miss_col == SIZE_MAX && mk[MK_COND_MISS]) { /* (the first in file order) */
        memcpy(g->cond_miss, w->cond_miss, sizeof g->cond_miss);
        memcpy(g->cond_miss_colname, w->cond_miss_colname, sizeof g->cond_miss_colname);
        g->cond_miss_col = w->cond_miss_col;
    }
    /* strata, in the worker's order of first appearance */
    size_t nstrata = mk[MK_STRATA];
    if (!grow_map(&m->strata, &m->scap, w->strata.n))
        return nomem(err);
    for (size_t h = m->sdone; h < nstrata; h++) {
        int added = 0;
        long gh = smap_put(&g->strata, SMAP_KEY(&w->strata, h), SMAP_LEN(&w->strata, h), &added);
        if (gh < 0)
            return gh == -2 ? SHOPSTAT_ELIMIT : nomem(err);
        if (added) {
            if (grow((void **)&g->st, &g->stcap, (size_t)gh + 1, sizeof *g->st))
                return nomem(err);
            g->st[gh].fpc = NAN;
            if (g->element && !g->ps) { /* (post-stratified: its pseudo-units, below) */
                if (grow((void **)&g->units, &g->unitcap, (size_t)gh + 1, sizeof *g->units))
                    return nomem(err);
                g->nunits = (size_t)gh + 1;
                g->units[gh].stratum = (uint32_t)gh;
            }
        }
        m->strata[h] = (size_t)gh;
    }
    m->sdone = nstrata;
    /* PSUs: keys are the stratum id's bytes, then the PSU text */
    size_t nunits = mk[MK_UNITS];
    if (!grow_map(&m->units, &m->ucap, w->nunits))
        return nomem(err);
    for (size_t u = m->udone; u < nunits; u++) {
        if (w->element && !w->ps) {
            m->units[u] = m->strata[u];
            continue;
        }
        const char *k = SMAP_KEY(&w->psus, u);
        size_t kl = SMAP_LEN(&w->psus, u);
        uint32_t gsid = (uint32_t)m->strata[w->units[u].stratum];
        if (kl + 1 > m->kcap) {
            char *nk = realloc(m->key, kl + 64);
            if (!nk)
                return nomem(err);
            m->key = nk;
            m->kcap = kl + 64;
        }
        memcpy(m->key, &gsid, sizeof gsid);
        memcpy(m->key + sizeof gsid, k + sizeof gsid, kl - sizeof gsid);
        int added = 0;
        long gu = smap_put(&g->psus, m->key, kl, &added);
        if (gu < 0)
            return gu == -2 ? SHOPSTAT_ELIMIT : nomem(err);
        if (added) {
            if (grow((void **)&g->units, &g->unitcap, (size_t)gu + 1, sizeof *g->units))
                return nomem(err);
            /* (a post-stratified design's pseudo-unit: its post-stratum, the same id in
             * every totals read from one population file) */
            if (g->ps && ps_unit(g, (size_t)gu, (long)w->ps->g[u]))
                return nomem(err);
            g->nunits = (size_t)gu + 1;
            g->units[gu].stratum = gsid;
            if (!g->element)
                g->st[gsid].npsu++;
        }
        m->units[u] = (size_t)gu;
    }
    m->udone = nunits;
    /* --by segments: the fixed and hidden ones are bound alike in both */
    size_t nseg = mk[MK_SEGS];
    if (!grow_map(&m->segs, &m->segcap, w->nseg))
        return nomem(err);
    if (m->seg_done == 0)
        for (size_t s = 0; s < nseg && w->seg[s].kind != SEG_BY; s++)
            m->segs[m->seg_done++] = s;
    if (nseg > m->seg_done) {
        size_t c1 = m->sbcap, c2 = m->sbcap;
        if (!grow_map(&m->seg_by, &c1, w->nseg) || !grow_map(&m->seg_val, &c2, w->nseg))
            return nomem(err);
        m->sbcap = c1;
        for (size_t b = 0; b < w->nby; b++)
            for (size_t v = 0; v < w->by[b].values.n; v++) {
                m->seg_by[w->by[b].segs[v]] = b;
                m->seg_val[w->by[b].segs[v]] = v;
            }
    }
    for (size_t s = m->seg_done; s < nseg; s++) {
        size_t b = m->seg_by[s], v = m->seg_val[s];
        rt_by *gb = &g->by[b];
        int added = 0;
        long gv = smap_put(&gb->values, SMAP_KEY(&w->by[b].values, v),
                           SMAP_LEN(&w->by[b].values, v), &added);
        if (gv < 0)
            return gv == -2 ? SHOPSTAT_ELIMIT : nomem(err);
        if (added) {
            if (gb->values.n > MAX_BY_SEGMENTS)
                return SHOPSTAT_ELIMIT;
            if (grow((void **)&gb->segs, &gb->nsegs_cap, (size_t)gv + 1, sizeof *gb->segs))
                return nomem(err);
            long sg = new_segment(g, w->seg[s].name, SEG_BY, err);
            if (sg < 0)
                return err->status;
            g->seg[sg].plan_index = gb->plan_index;
            g->seg[sg].by_column = gb->column;
            g->seg[sg].need = gb->need;
            gb->segs[gv] = (size_t)sg;
        }
        m->segs[s] = gb->segs[gv];
    }
    if (nseg > m->seg_done)
        m->seg_done = nseg;
    /* levels */
    if (!m->levels) {
        m->nq = w->nq;
        m->levels = calloc(w->nq ? w->nq : 1, sizeof *m->levels);
        m->lcap = calloc(w->nq ? w->nq : 1, sizeof *m->lcap);
        m->ldone = calloc(w->nq ? w->nq : 1, sizeof *m->ldone);
        if (!m->levels || !m->lcap || !m->ldone)
            return nomem(err);
    }
    for (size_t q = 0; q < w->nq; q++) {
        const size_t *mq = mk + MK_Q + 4 * q;
        const strmap *wl = &w->q[q].levels;
        if (!grow_map(&m->levels[q], &m->lcap[q], wl->n))
            return nomem(err);
        for (size_t l = m->ldone[q]; l < mq[0]; l++) {
            int added = 0;
            long gl = smap_put(&g->q[q].levels, SMAP_KEY(wl, l), SMAP_LEN(wl, l), &added);
            if (gl < 0)
                return gl == -2 ? SHOPSTAT_ELIMIT : nomem(err);
            if (added && g->q[q].levels.n > MAX_LEVELS)
                return SHOPSTAT_ELIMIT;
            m->levels[q][l] = (size_t)gl;
        }
        m->ldone[q] = mq[0];
        /* what the CLI warns of: values no recode rule takes (in file order: the worker's
         * new ones come after those merged before) */
        rt_question *gq = &g->q[q], *wq = &w->q[q];
        for (size_t l = 0; l < mq[1] && gq->unrec.n < UNREC_MAX; l++)
            if (smap_put(&gq->unrec, SMAP_KEY(&wq->unrec, l), SMAP_LEN(&wq->unrec, l), NULL) < 0)
                return nomem(err);
        /* (merged in file order: the first cell in doubt is the file's first) */
        for (size_t l = 0; l < mq[2] && gq->doubt.n < DOUBT_MAX; l++)
            if (smap_put(&gq->doubt, SMAP_KEY(&wq->doubt, l), SMAP_LEN(&wq->doubt, l), NULL) < 0)
                return nomem(err);
        if (mq[3] && !gq->doubt_cell && !(gq->doubt_cell = strdup(wq->doubt_cell)))
            return nomem(err);
    }
    /* cells, in the worker's order of first touch */
    size_t ncell = mk[MK_CELLS];
    if (grow((void **)&m->cells, &m->ccap, w->ncell ? w->ncell : 1, sizeof *m->cells))
        return nomem(err);
    for (size_t c = m->cdone; c < ncell; c++) {
        const cell_info *ci = &w->cell[c];
        size_t level = ci->level == SIZE_MAX ? SIZE_MAX : m->levels[ci->q][ci->level];
        long gc = cell_for(g, m->segs[ci->seg], ci->q, level);
        if (gc < 0)
            return nomem(err);
        m->cells[c] = gc;
    }
    m->cdone = ncell;
    return SHOPSTAT_OK;
}

/* Worker w's sums into g, every id of w mapped (merge_ids), then zeroed in w. Merging once
 * (once: w's per-PSU sums of w whole numbers of 10^-6, g's too), all but the per-PSU sums,
 * which merge_units_part adds after (their units' room made here); else with
 * compensation, chunk by chunk in file order. */
static shopstat_status merge_sums(shopstat_totals *g, shopstat_totals *w, pass_map *m, int once,
                                  shopstat_error *err)
{
    for (size_t c = 0; g->scale && w->scale && c < shopstat_reader_ncols(g->reader); c++) {
        col_scale *a = &g->scale[c];
        const col_scale *b = &w->scale[c];
        a->codes |= b->codes;
        a->no_scale |= b->no_scale;
        if (b->seen) {
            a->lo = a->seen && a->lo < b->lo ? a->lo : b->lo;
            a->hi = a->seen && a->hi > b->hi ? a->hi : b->hi;
            a->seen = 1;
        }
        if (b->taken && !a->taken && !(a->taken = calloc(g->nglobal, sizeof *a->taken)))
            return nomem(err);
        for (size_t k = 0; b->taken && k < g->nglobal; k++) {
            a->taken[k] += b->taken[k];
            b->taken[k] = 0; /* (the worker's next chunk counts afresh) */
        }
    }
    for (size_t h = 0; h < w->strata.n; h++) {
        stratum_info *ws = &w->st[h], *gs = &g->st[m->strata[h]];
        if (ws->has_fpc) {
            if (!gs->has_fpc) {
                gs->has_fpc = 1;
                gs->fpc = ws->fpc;
            } else if (gs->fpc != ws->fpc) {
                return SHOPSTAT_EINPUT; /* the exact pass names the row */
            }
        }
        if (w->element) {
            gs->npsu += ws->npsu;
            gs->npsu_pos += ws->npsu_pos;
            gs->nbase += ws->nbase;
            ws->npsu = ws->npsu_pos = ws->nbase = 0;
        }
    }
    for (size_t s = 0; s < w->nseg; s++)
        g->seg[m->segs[s]].in_base |= w->seg[s].in_base;
    for (size_t q = 0; q < w->nq; q++) {
        /* a multi-response row answered in part; a ticked column's text (two texts: the
         * exact pass names the row) */
        rt_question *gq = &g->q[q], *wq = &w->q[q];
        gq->partly |= wq->partly;
        gq->semi |= wq->semi;
        for (size_t j = 0; wq->tick && j < gq->ncols; j++) {
            gq->tick_one[j] |= wq->tick_one[j];
            if (!wq->tick[j])
                continue;
            if (!gq->tick[j]) {
                if (!(gq->tick[j] = strdup(wq->tick[j])))
                    return nomem(err);
            } else if (strcmp(gq->tick[j], wq->tick[j]) != 0) {
                return SHOPSTAT_EINPUT;
            }
        }
    }
    if (!once && g->ncell > g->w2cap) {
        if (grow((void **)&g->w2_lo, &g->w2cap, g->ncell, sizeof *g->w2_lo))
            return nomem(err);
    }
    for (size_t c = 0; c < w->ncell; c++) {
        long gc = m->cells[c];
        if (once)
            g->cell[gc].w2 += w->cell[c].w2; /* (0: every weight is exact there) */
        else
            sum2(&g->cell[gc].w2, &g->w2_lo[gc], w->cell[c].w2);
        w->cell[c].w2 = 0;
        w2x_add_sum(g->cell[gc].w2x, w->cell[c].w2x);
        memset(w->cell[c].w2x, 0, sizeof w->cell[c].w2x);
    }
    if (g->rep && rep_merge(g, w, m->cells))
        return nomem(err);
    if (w->ps)
        ps_merge(g, w, m);
    if (once) {
        /* (the units' rows of the slabs, before merge_units_part adds the sums on as many
         * threads as the pass had: a unit_reserve may lay the slabs out anew) */
        for (size_t u = 0; u < w->nunits; u++) {
            int ur = w->units[u].cap ? unit_reserve(g, &g->units[m->units[u]]) : 0;
            if (ur)
                return ur == -2 ? SHOPSTAT_ELIMIT : nomem(err);
        }
    }
    /* per-unit sums: added in chunk order, so the same for any number of threads */
    for (size_t u = 0; u < w->nunits && !once; u++) {
        unit *wu = &w->units[u], *gu = &g->units[m->units[u]];
        if (u + 1 < w->nunits) {
            /* the next unit's merged sums, a line at a time: units come in the worker's
             * order, scattered over the merged slabs, each too short (~2 KB) for the
             * hardware prefetcher to find */
            const unit *nx = &g->units[m->units[u + 1]];
            prefetch_lines(nx->A, nx->cap * sizeof *nx->A);
            prefetch_lines(nx->L, nx->cap * sizeof *nx->L);
        }
        gu->any_pos |= wu->any_pos;
        gu->any_base0 |= wu->any_base0;
        wu->any_base0 = 0;
        gu->rows += wu->rows;
        gu->npos_rows += wu->npos_rows;
        wu->any_pos = 0; /* (the worker's design slots know it by the epoch below) */
        wu->rows = wu->npos_rows = 0;
        if (!wu->cap)
            continue;
        if (w->ps) {
            int pr = ps_merge_unit(g, w, m, gu, wu, w->ps->g[u]);
            if (pr)
                return pr == -2 ? SHOPSTAT_ELIMIT : nomem(err);
            continue;
        }
        int ur = unit_reserve(g, gu);
        if (ur)
            return ur == -2 ? SHOPSTAT_ELIMIT : nomem(err);
        for (size_t c = 0; c < wu->cap && c < w->ncell; c++) {
            cell_acc *a = &wu->A[c];
            if (!a->N)
                continue; /* (nor any sum: 0 already) */
            long gc = m->cells[c];
            cell_acc *ga = &gu->A[gc];
            sum2(&ga->T, &gu->L[gc], a->T);
            ga->N += a->N;
            ga->P += a->P;
            a->T = 0;
            a->NP = 0;
            if (w->element) {
                sum2(&gu->Q[gc], &gu->QL[gc], wu->Q[c]);
                gu->L[gc] += wu->L[c]; /* the worker's own compensations */
                gu->QL[gc] += wu->QL[c];
            }
        }
        if (w->element) {
            memset(wu->Q, 0, wu->cap * sizeof *wu->Q);
            memset(wu->L, 0, wu->cap * sizeof *wu->L);
            memset(wu->QL, 0, wu->cap * sizeof *wu->QL);
        }
    }
    g->acct.used += w->acct.used;
    g->acct.outside_base += w->acct.outside_base;
    g->acct.excluded_cond += w->acct.excluded_cond;
    g->slow_rows += w->slow_rows;
    g->slow_design += w->slow_design;
    w->slow_rows = w->slow_design = 0;
    excl_rows_merge(&g->excl, &w->excl);
    w->rc->epoch++;
    w->acct.used = 0;
    w->acct.outside_base = 0;
    w->acct.excluded_cond = 0;
    return SHOPSTAT_OK;
}

/* ---- the tail of a pass merged once, on the pass's own threads ----
 * The per-PSU sums merged (merge_units_part) and finished (finish_units_part) unit by unit:
 * the threads take runs of units in turn (a worker's, each into its own merged unit; the
 * merged totals'), whose sums no other thread touches. Merging once, every sum is a whole
 * number of 10^-6 below 2^53 and so exact in any order; what is summed across units
 * (finish_units_part) each thread sums apart, added up after, the same as one thread's
 * (see finish_units_split) whichever units each took.
 * The benchmark's 1M-row run at 2 threads: 2,000 PSUs x 232 cells, about 30M instructions
 * (merge 12M, finish 17M) of a serial tail of 6-8 ms (docs/performance-log.md,
 * thirty-fourth session). The other threads are the pass's helpers, waiting for the tail
 * after their last chunk (parallel.c, "the crew": no thread is started for it). The
 * calling thread takes runs from the start: a helper that gets no CPU before the work is
 * done (a loaded machine) finds none left, and costs no wait. */
#define TAIL_PARTS 4
/* Fewer units x cells than this are done on the calling thread (lending a run to a helper
 * and waiting for its last run cost some us, the work ~5 ns a unit's cell) */
#define TAIL_SPLIT_MIN ((size_t)1 << 16)
/* Units a thread takes at a time (the benchmark's: 16 x 232 cells, ~20 us) */
#define TAIL_RUN 16

/* A split's shared state: its threads hold it by refs (a helper that takes it when the work
 * is done may outlive tail_split); the last frees it */
typedef struct tail_job {
    void (*fn)(void *part, size_t lo, size_t hi);
    char *part;
    size_t size, n;
    atomic_size_t next; /* the next unit to take */
    atomic_int nparts;  /* parts taken (the calling thread's 0) */
    atomic_int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_size_t done; /* units done (the last run's thread broadcasts cv, under mu) */
} tail_job;

static void tail_release(tail_job *j)
{
    if (atomic_fetch_sub(&j->refs, 1) == 1) {
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->cv);
        free(j);
    }
}

/* Runs of units taken in turn until none is left, into part p */
static void tail_work(tail_job *j, int p)
{
    void *part = j->part + (size_t)p * j->size;
    for (;;) {
        size_t lo = atomic_fetch_add(&j->next, TAIL_RUN);
        if (lo >= j->n)
            break;
        size_t hi = j->n - lo < TAIL_RUN ? j->n : lo + TAIL_RUN;
        j->fn(part, lo, hi);
        if (atomic_fetch_add(&j->done, hi - lo) + (hi - lo) == j->n) {
            pthread_mutex_lock(&j->mu);
            pthread_cond_broadcast(&j->cv);
            pthread_mutex_unlock(&j->mu);
        }
    }
}

/* (chunk_crew_spin_until: every unit of j done) */
static int tail_done(const void *arg)
{
    const tail_job *j = arg;
    return atomic_load_explicit(&j->done, memory_order_acquire) == j->n;
}

/* A helper's share of a split (lent by tail_split): a part of its own, runs taken in turn */
static void tail_task(void *arg)
{
    tail_job *j = arg;
    int p = atomic_fetch_add(&j->nparts, 1);
    if (p < TAIL_PARTS) /* (always: tail_split lends to k - 1 helpers) */
        tail_work(j, p);
    tail_release(j);
}

void pass_set_tail_crew(shopstat_totals *g, chunk_crew *crew)
{
    g->tail_crew = crew;
}

void pass_keep_crew(shopstat_totals *g, chunk_crew *crew)
{
    g->crew = crew;
}

/* How many parts tail_split cuts t's units into: 1 to TAIL_PARTS, this thread and the
 * pass's helpers waiting for the tail (t->tail_crew); 1 when $SHOPSTAT_TAIL_SPLIT is "0"
 * (a timing knob). Threads started for the split waited for a CPU on the benchmark's VM and
 * it came out even (docs/performance-log.md, thirty-fourth session); the helpers are
 * running already (parallel.c, "the crew"). */
static int tail_parts(const shopstat_totals *t)
{
    const char *split = getenv("SHOPSTAT_TAIL_SPLIT");
    if (split && strcmp(split, "0") == 0)
        return 1;
    if (t->nunits * (t->ncell ? t->ncell : 1) < TAIL_SPLIT_MIN)
        return 1;
    int k = 1 + chunk_crew_members(t->tail_crew);
    return k < TAIL_PARTS ? k : TAIL_PARTS;
}

/* fn(part, lo, hi) over [0, n) (units), in runs taken in turn by this thread and up to
 * k - 1 of crew's helpers (k from tail_parts), each with a part of its own: the p-th of
 * size bytes from part (this thread's the first). Returns when every unit is done; a
 * helper that takes its share late finds none left (and no wait for it). */
static void tail_split(chunk_crew *crew, size_t n, int k, void (*fn)(void *, size_t, size_t),
                       void *part, size_t size)
{
    tail_job *j = k > 1 && crew ? calloc(1, sizeof *j) : NULL;
    if (!j) {
        if (n)
            fn(part, 0, n);
        return;
    }
    j->fn = fn;
    j->part = part;
    j->size = size;
    j->n = n;
    atomic_init(&j->next, 0);
    atomic_init(&j->nparts, 1);
    atomic_init(&j->refs, k); /* (this thread's, and one for each helper it is lent to) */
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    atomic_init(&j->done, 0);
    chunk_crew_lend(crew, tail_task, j, k - 1);
    tail_work(j, 0);
    /* (spinning first: a helper's last run takes ~20 us, and asleep this thread may be
     * woken on the helper's CPU, behind it: parallel.c, chunk_run) */
    chunk_crew_spin_until(crew, tail_done, j);
    pthread_mutex_lock(&j->mu);
    while (atomic_load(&j->done) < j->n)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    atomic_fetch_sub(&j->refs, chunk_crew_withdraw(crew)); /* (theirs: not taken) */
    tail_release(j);
}

/* A thread's part of pass_merge_once's per-PSU sums */
typedef struct once_units {
    shopstat_totals *g;
    shopstat_totals *const *w;
    const pass_map *maps;
    size_t i; /* the worker whose units are merged */
    int big;    /* a merged sum reached 2^53 units */
    double sum; /* of every sum added (a bound on any cell's total: see finish_units_split) */
} once_units;

/* Worker w's per-PSU sums of its unit wu (ids mapped by m) into the merged unit gu: added
 * as they are, whole numbers of 10^-6, exactly in any order; *big set when one reaches 2^53
 * (no longer exact), and *sum added what was added (as a bound). */
static void merge_unit_once(unit *gu, const shopstat_totals *w, unit *wu, const pass_map *m,
                            int *big, double *sum)
{
    gu->any_pos |= wu->any_pos;
    gu->any_base0 |= wu->any_base0;
    gu->rows += wu->rows;
    gu->npos_rows += wu->npos_rows;
    wu->any_pos = wu->any_base0 = 0;
    wu->rows = wu->npos_rows = 0;
    /* (in locals: through the pointers, each cell's sum waited on the last one's store;
     * whole numbers below 2^53, 232 cells' below 2^61) */
    int b = 0;
    uint64_t us = 0;
    for (size_t c = 0; c < wu->cap && c < w->ncell; c++) {
        const cell_acc *a = &wu->A[c];
        if (!a->N)
            continue;
        cell_acc *ga = &gu->A[m->cells[c]];
        ga->T += a->T;
        ga->NP += a->NP;
        b |= ga->T >= 0x1p53;
        us += (uint64_t)a->T;
    }
    *big |= b;
    *sum += (double)us;
}

/* Worker p->i's units [lo, hi) into the merged units (each its own: one worker at a time) */
static void merge_units_part(void *arg, size_t lo, size_t hi)
{
    once_units *p = arg;
    shopstat_totals *w = p->w[p->i];
    const pass_map *m = &p->maps[p->i];
    for (size_t u = lo; u < hi; u++) {
        if (u + 1 < hi) {
            /* (as in merge_sums: the next unit's merged sums, a line at a time) */
            const unit *nx = &p->g->units[m->units[u + 1]];
            prefetch_lines(nx->A, nx->cap * sizeof *nx->A);
        }
        merge_unit_once(&p->g->units[m->units[u]], w, &w->units[u], m, &p->big, &p->sum);
    }
}

shopstat_status pass_merge(shopstat_totals *g, shopstat_totals *w, pass_map *m,
                           shopstat_error *err)
{
    if (g->acct.used + w->acct.used > PASS_ROWS_MAX)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0, "too many rows");
    g->compensated = 1;
    batch_flush(w->rc);
    w2_fold(w->rc);
    if (!m->mk && !(m->mk = malloc(MARK_WORDS(w->nq) * sizeof *m->mk)))
        return nomem(err);
    mark_fill(w, 0, m->mk);
    shopstat_status st = merge_ids(g, w, m, m->mk, err);
    return st ? st : merge_sums(g, w, m, 0, err);
}

int pass_once_ok(const shopstat_totals *g)
{
    const char *ordered = getenv("SHOPSTAT_ORDERED"); /* (a test and timing knob) */
    if (ordered && *ordered && strcmp(ordered, "0") != 0)
        return 0;
    return !g->element && !g->rep && !g->ps && !g->row_other && !g->plan->nexcl;
}

void pass_set_once(shopstat_totals *w, atomic_int *bail)
{
    w->once = 1;
    w->bail = bail;
}

int pass_merged_once(const shopstat_totals *t)
{
    return t->in_units;
}

int pass_mark(shopstat_totals *w, size_t k)
{
    size_t words = MARK_WORDS(w->nq);
    if (grow((void **)&w->marks, &w->markcap, (w->nmarks + 1) * words, sizeof *w->marks))
        return -1;
    mark_fill(w, k, w->marks + w->nmarks * words);
    w->nmarks++;
    return 0;
}

shopstat_status pass_merge_once(shopstat_totals *g, shopstat_totals *const *w, size_t nw,
                                const int *owner, size_t nchunks, int *inexact,
                                shopstat_error *err)
{
    *inexact = 0;
    g->tail_sum = INFINITY; /* (no bound until the sums are merged) */
    size_t used = g->acct.used, words = MARK_WORDS(g->nq);
    for (size_t i = 0; i < nw; i++)
        used += w[i] ? w[i]->acct.used : 0;
    if (used > PASS_ROWS_MAX)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0, "too many rows");
    pass_map *maps = calloc(nw ? nw : 1, sizeof *maps);
    size_t *next = calloc(nw ? nw : 1, sizeof *next);
    size_t *end = malloc(words * sizeof *end);
    shopstat_status st = maps && next && end ? SHOPSTAT_OK : nomem(err);
    /* the ids chunk by chunk, in file order: each chunk's from the marks of its worker */
    for (size_t k = 0; !st && k < nchunks; k++) {
        size_t i = (size_t)owner[k];
        const shopstat_totals *t = i < nw ? w[i] : NULL;
        if (!t || next[i] >= t->nmarks || t->marks[next[i] * words + MK_CHUNK] != k) {
            st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "chunk %zu unmarked", k);
            break;
        }
        const size_t *mk = ++next[i] < t->nmarks ? t->marks + next[i] * words : NULL;
        if (!mk) {
            mark_fill(t, SIZE_MAX, end);
            mk = end;
        }
        st = merge_ids(g, w[i], &maps[i], mk, err);
    }
    for (size_t i = 0; !st && i < nw; i++)
        if (w[i])
            st = merge_sums(g, w[i], &maps[i], 1, err);
    /* each worker's units on the threads, a worker at a time (two of its units are never
     * one merged unit) */
    once_units part[TAIL_PARTS];
    for (int p = 0; p < TAIL_PARTS; p++)
        part[p] = (once_units){.g = g, .w = w, .maps = maps};
    for (size_t i = 0; !st && i < nw; i++) {
        if (!w[i])
            continue;
        for (int p = 0; p < TAIL_PARTS; p++)
            part[p].i = i;
        tail_split(g->tail_crew, w[i]->nunits, tail_parts(g), merge_units_part, part,
                   sizeof *part);
    }
    for (int p = 0; !st && p < TAIL_PARTS; p++) {
        *inexact |= part[p].big;
        g->tail_sum = p ? g->tail_sum + part[p].sum : part[p].sum;
    }
    if (!st && *inexact)
        st = shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0,
                                "a PSU's sum of weights reached 2^53 units of 10^-6");
    for (size_t i = 0; maps && i < nw; i++)
        pass_map_free(&maps[i]);
    free(maps);
    free(next);
    free(end);
    g->in_units = 1;
    return st;
}

/* Every cell's weight (and df, but for replicate designs) in one pass over the PSUs, for the
 * estimates: totals_cell_weight and totals_cell_df each pass over all PSUs for one cell,
 * reading one cell of each PSU's sums, and a table asks for a domain's weight and df at
 * every level (98 estimates of the benchmark: 3 of their 4 passes over 2,000 PSUs). Here
 * each PSU's sums are read once, in order; each cell's sums are the same, added in the same
 * order (PSU by PSU), as those functions add them. Without the memory (the df need a flag
 * per cell and stratum, at most KEEP_SEEN_MAX of them) the functions do it cell by cell. */
#define KEEP_SEEN_MAX ((size_t)32 << 20) /* (flags, a bit each: 4 MB) */
typedef struct cell_sums {
    size_t n, nst;
    double *w, *comp, *psus, *strata; /* (psus and strata NULL without the df) */
    unsigned char *seen;
    int units; /* w and comp in units of 10^-6 (finish_units) */
} cell_sums;

static void cell_sums_free(cell_sums *k)
{
    free(k->w);
    free(k->comp);
    free(k->psus);
    free(k->strata);
    free(k->seen);
    memset(k, 0, sizeof *k);
}

/* 0, or -1 when out of memory (the estimates then take the long way, totals_cell_weight) */
static int cell_sums_begin(const shopstat_totals *t, cell_sums *k)
{
    memset(k, 0, sizeof *k);
    size_t n = t->ncell, nst = t->strata.n ? t->strata.n : 1;
    k->n = n;
    k->nst = nst;
    k->w = calloc(n ? n : 1, sizeof *k->w);
    k->comp = calloc(n ? n : 1, sizeof *k->comp);
    int with_df = !t->rep && n <= KEEP_SEEN_MAX / nst;
    if (with_df) {
        size_t nseen = (n * nst + 7) / 8;
        k->psus = calloc(n ? n : 1, sizeof *k->psus);
        k->strata = calloc(n ? n : 1, sizeof *k->strata);
        k->seen = calloc(nseen ? nseen : 1, 1);
    }
    if (!k->w || !k->comp || (with_df && (!k->psus || !k->strata || !k->seen))) {
        cell_sums_free(k);
        return -1;
    }
    return 0;
}

static inline void cell_sums_unit(const shopstat_totals *t, cell_sums *k, const unit *un)
{
    size_t lim = k->n < un->cap ? k->n : un->cap;
    for (size_t c = 0; c < lim; c++) {
        ksum(&k->w[c], &k->comp[c], un->A[c].T);
        if (!k->psus || un->A[c].P == 0)
            continue;
        k->psus[c] += t->element ? un->A[c].P : 1;
        size_t f = c * k->nst + un->stratum;
        if (!(k->seen[f / 8] & (1u << (f % 8)))) {
            k->seen[f / 8] |= (unsigned char)(1u << (f % 8));
            k->strata[c]++;
        }
    }
}

static void cell_sums_end(shopstat_totals *t, cell_sums *k)
{
    if (!k->w)
        return;
    for (size_t c = 0; c < k->n; c++) {
        k->w[c] += k->comp[c];
        if (k->units && k->w[c] != 0)
            k->w[c] /= ONCE_SCALE;
        if (k->psus)
            k->psus[c] -= k->strata[c];
    }
    t->cell_w = k->w;
    t->cell_df = k->psus;
    t->ncell_sums = k->n;
    k->w = k->psus = NULL;
    cell_sums_free(k);
}

/* The units' last work, in one pass over their sums (each unit's ~2 KB read once, not once
 * per step): the merged totals' compensations added in, the derived segments' sums
 * (derive_segments' pairs), the cells' row counts (finish), and every cell's weight and df
 * (cell_sums_*) unless keep is NULL. Each cell's sums are added unit by unit, in unit order,
 * as separate passes added them. */
static void finish_units(shopstat_totals *t, const cell_pair *pair, size_t npair, cell_sums *keep)
{
    for (size_t c = 0; c < t->ncell; c++)
        t->cell[c].n = t->cell[c].npos = 0;
    for (size_t u = 0; u < t->nunits; u++) {
        unit *un = &t->units[u];
        if (t->compensated) {
            for (size_t c = 0; c < un->cap && un->L; c++)
                un->A[c].T += un->L[c];
            if (t->ps && t->element) {
                ps_keep_lows(un);
            } else {
                for (size_t c = 0; c < un->cap && un->QL; c++)
                    un->Q[c] += un->QL[c];
                un->QL = NULL;
            }
            un->L = NULL;
        }
        if (t->ps) { /* (a pseudo-unit's sums by slot) */
            const ps_slots *m = ps_slots_at(t->ps, t->ps->g[u]);
            ps_derive_unit(un, m, pair, npair);
            for (size_t k = 0, lim = ps_unit_used(m, un); k < lim; k++) {
                t->cell[m->cell[k]].n += un->A[k].N;
                t->cell[m->cell[k]].npos += un->A[k].P;
            }
            continue; /* (no cell_sums: pass_finish keeps none for them) */
        }
        derive_unit(un, pair, npair);
        for (size_t c = 0; c < t->ncell && c < un->cap; c++) {
            t->cell[c].n += un->A[c].N;
            t->cell[c].npos += un->A[c].P;
        }
        if (keep)
            cell_sums_unit(t, keep, un);
        /* merged once (in_units): the sums are whole numbers of 10^-6 until here, so that
         * the derived segments' and the cells' weights (cell_sums_end) are summed before
         * they are rounded; each unit's sums then rounded once */
        for (size_t c = 0; t->in_units && c < un->cap; c++)
            if (un->A[c].T != 0)
                un->A[c].T /= ONCE_SCALE;
    }
    if (keep)
        keep->units = t->in_units;
}

/* A thread's part of finish_units_split: its units' rows per cell (n, npos) and cell sums
 * (k), the first part's into t's cells and the caller's cell_sums themselves */
typedef struct finish_part {
    shopstat_totals *t;
    const cell_pair *pair;
    size_t npair;
    cell_sums *k;
    size_t *n, *npos;
    int round; /* the units' sums rounded here too (finish_units_split) */
} finish_part;

/* finish_units' work on units [lo, hi), in one loop a unit (the rounding after, unless
 * p->round) */
static void finish_units_part(void *arg, size_t lo, size_t hi)
{
    finish_part *p = arg;
    const shopstat_totals *t = p->t;
    cell_sums *k = p->k;
    for (size_t u = lo; u < hi; u++) {
        unit *un = &t->units[u];
        derive_unit(un, p->pair, p->npair);
        size_t lim = t->ncell < un->cap ? t->ncell : un->cap;
        for (size_t c = 0; c < lim; c++) {
            const cell_acc *a = &un->A[c];
            p->n[c] += a->N;
            p->npos[c] += a->P;
            k->w[c] += a->T; /* (exact below 2^53: ksum's compensation stays 0) */
            if (!k->psus || a->P == 0)
                continue;
            k->psus[c] += 1; /* (no element design merges once) */
            size_t f = c * k->nst + un->stratum;
            if (!(k->seen[f / 8] & (1u << (f % 8)))) {
                k->seen[f / 8] |= (unsigned char)(1u << (f % 8));
                k->strata[c]++;
            }
        }
        for (size_t c = 0; p->round && c < un->cap; c++)
            if (un->A[c].T != 0)
                un->A[c].T /= ONCE_SCALE;
    }
}

/* Units [lo, hi)'s sums, whole numbers of 10^-6, rounded once (as finish_units) */
static void round_units_part(void *arg, size_t lo, size_t hi)
{
    const shopstat_totals *t = ((finish_part *)arg)->t;
    for (size_t u = lo; u < hi; u++) {
        unit *un = &t->units[u];
        for (size_t c = 0; c < un->cap; c++)
            if (un->A[c].T != 0)
                un->A[c].T /= ONCE_SCALE;
    }
}

/* finish_units of merged-once totals t (in_units, neither compensated nor post-stratified)
 * keeping the cells' sums in *keep, on tail_parts(t) threads: each takes runs of units
 * (finish_units_part) into sums of its own, added up after in part order. The rows and PSU
 * counts are whole numbers, and so are the weights until rounded: below 2^53 (weights are
 * not negative: every partial sum is below the total) they are exact, added plainly, and
 * the same as finish_units' compensated sums in unit order (whose compensation stays 0);
 * else the weights are summed again as finish_units does, before the units' sums are
 * rounded (round_units_part). Every sum the merge added (tail_sum) bounds every cell's
 * total, a derived cell's too (the sum of distinct cells' sums): below 2^52 (a margin for
 * its own rounding; the benchmark's 2.2e13) the units are rounded as they are summed, in
 * the same pass. 0, or -1 out of memory (nothing done). */
static int finish_units_split(shopstat_totals *t, const cell_pair *pair, size_t npair,
                              cell_sums *keep)
{
    int np = tail_parts(t);
    finish_part part[TAIL_PARTS];
    cell_sums ks[TAIL_PARTS];
    size_t n = t->ncell ? t->ncell : 1;
    size_t *counts = calloc(2 * n * (size_t)np, sizeof *counts);
    int ok = counts != NULL;
    for (int p = 0; p < np; p++) {
        if (p > 0 && ok && cell_sums_begin(t, &ks[p]) != 0) {
            for (int q = 1; q < p; q++)
                cell_sums_free(&ks[q]);
            ok = 0;
        }
        part[p] = (finish_part){.t = t, .pair = pair, .npair = npair,
                                .round = t->tail_sum < 0x1p52,
                                .k = p ? &ks[p] : keep,
                                .n = counts ? counts + 2 * n * (size_t)p : NULL,
                                .npos = counts ? counts + 2 * n * (size_t)p + n : NULL};
    }
    if (!ok) {
        free(counts);
        return -1;
    }
    tail_split(t->tail_crew, t->nunits, np, finish_units_part, part, sizeof *part);
    int exact = 1;
    for (int p = 1; p < np; p++) {
        const cell_sums *k = &ks[p];
        for (size_t c = 0; c < k->n; c++) {
            part[0].n[c] += part[p].n[c];
            part[0].npos[c] += part[p].npos[c];
            keep->w[c] += k->w[c];
            if (k->psus)
                keep->psus[c] += k->psus[c];
        }
        /* the strata each cell has a PSU in: a stratum first met in this part, counted */
        for (size_t i = 0; k->seen && i < (k->n * k->nst + 7) / 8; i++) {
            unsigned nb = k->seen[i] & ~keep->seen[i];
            keep->seen[i] |= (unsigned char)nb;
            for (unsigned b = 0; nb; b++, nb >>= 1)
                if (nb & 1u)
                    keep->strata[(i * 8 + b) / k->nst]++;
        }
        cell_sums_free(&ks[p]);
    }
    for (size_t c = 0; c < t->ncell; c++) {
        t->cell[c].n = part[0].n[c];
        t->cell[c].npos = part[0].npos[c];
        exact &= keep->w[c] < 0x1p53;
    }
    free(counts);
    if (!exact && !part[0].round) { /* (again, unit by unit: not the same in parts) */
        memset(keep->w, 0, keep->n * sizeof *keep->w);
        memset(keep->comp, 0, keep->n * sizeof *keep->comp);
        for (size_t u = 0; u < t->nunits; u++) {
            const unit *un = &t->units[u];
            for (size_t c = 0; c < keep->n && c < un->cap; c++)
                ksum(&keep->w[c], &keep->comp[c], un->A[c].T);
        }
    }
    if (!part[0].round)
        tail_split(t->tail_crew, t->nunits, np, round_units_part, part, sizeof *part);
    keep->units = 1;
    return 0;
}

shopstat_status pass_finish(shopstat_totals *t, const shopstat_reader *r, shopstat_error *err)
{
    if (t->rc) {
        batch_flush(t->rc);
        w2_fold(t->rc);
    }
    shopstat_status st;
    if (t->rep && (st = rep_finish(t, err)))
        return st;
    row_ctx_free(t->rc);
    t->rc = NULL;
    if (t->compensated) {
        for (size_t c = 0; c < t->ncell && c < t->w2cap; c++)
            t->cell[c].w2 += t->w2_lo[c];
        free(t->w2_lo);
        t->w2_lo = NULL;
        t->w2cap = 0;
    }
    cell_pair *pair;
    size_t npair;
    st = derive_segments(t, &pair, &npair, err);
    if (st)
        return st;
    /* every cell's weight and df now, unless an fpc without weights (fpc_weights, in
     * finish) rescales the sums after */
    cell_sums keep;
    int kept = !(t->fcol != SIZE_MAX && !t->has_weight && !t->rep) && !t->ps &&
               cell_sums_begin(t, &keep) == 0;
    if (!(kept && t->in_units && !t->compensated && !t->ps && !t->element &&
          tail_parts(t) > 1 && finish_units_split(t, pair, npair, &keep) == 0))
        finish_units(t, pair, npair, kept ? &keep : NULL);
    free(pair);
    if (t->ps && (st = ps_collapse(t, err)))
        return st;
    if (t->compensated) {
        for (int k = SLAB_L; k <= SLAB_QL; k++) {
            slab_unmap(t->slab[k], t->slab_bytes[k]);
            t->slab[k] = NULL;
            t->slab_bytes[k] = 0;
        }
        t->compensated = 0;
    }
    /* the exact sums of w^2, once, after every chunk's */
    for (size_t c = 0; c < t->ncell; c++) {
        if (!w2x_zero(t->cell[c].w2x))
            t->cell[c].w2 += w2x_value(t->cell[c].w2x);
        memset(t->cell[c].w2x, 0, sizeof t->cell[c].w2x);
    }
    if (r) {
        t->acct.read = shopstat_reader_rows_read(r);
        t->acct.excluded_skipped = shopstat_reader_rows_skipped(r);
        t->acct.excluded_empty = shopstat_reader_rows_empty(r);
    }
    if (t->acct.used == 0 && t->acct.excluded_cond) {
        if (kept)
            cell_sums_free(&keep);
        return excl_rows_none_left(&t->excl, t->path, t->acct.read, err);
    }
    st = finish(t, err);
    if (!st && t->ps)
        st = ps_calibrate(t, err);
    if (kept) {
        if (!st)
            cell_sums_end(t, &keep);
        else
            cell_sums_free(&keep);
    } else if (!st && cell_sums_begin(t, &keep) == 0) {
        for (size_t u = 0; u < t->nunits; u++)
            cell_sums_unit(t, &keep, &t->units[u]);
        cell_sums_end(t, &keep);
    }
    keep_scale_notes(t);
    t->reader = NULL;
    return st;
}

/* The exact pass: one thread, shopstat_reader_run with positions for every message. */
/* The row callback with a progress report every 65536 rows. */
typedef struct exact_ctx {
    shopstat_totals *t;
    const shopstat_reader *r;
    const shopstat_pass_opts *o;
    size_t rows;
} exact_ctx;

static shopstat_status exact_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    exact_ctx *x = ctx;
    if ((++x->rows & 0xffff) == 0) {
        if (x->o->progress)
            x->o->progress(x->o->progress_ctx, shopstat_reader_bytes_read(x->r), x->rows);
        if (x->o->cancel && x->o->cancel(x->o->cancel_ctx))
            return pass_canceled(err);
    }
    return pass_row(x->t, row, err);
}

shopstat_status pass_canceled(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ECANCELED, NULL, 0, 0, "the pass was canceled");
}

shopstat_status pass_exact(const shopstat_plan *p, shopstat_reader *r,
                           const shopstat_pass_opts *o, shopstat_totals **out,
                           shopstat_error *err)
{
    shopstat_totals *t;
    shopstat_status st = pass_begin(p, r, &t, err);
    if (st)
        return st;
    /* the sums in whole numbers of 10^-6 as a pass merged once makes them (the same
     * results as the chunks'), until a weight that is none: then in doubles from there
     * (once_bail), as there is no going back */
    t->once = pass_once_ok(t);
    if (o && (o->progress || o->cancel)) {
        exact_ctx x = {t, r, o, 0};
        st = shopstat_reader_run(r, exact_row, &x, err);
    } else {
        st = shopstat_reader_run(r, pass_row, t, err);
    }
    t->in_units = t->once;
    if (!st)
        st = pass_finish(t, r, err);
    if (st) {
        shopstat_totals_free(t);
        return st;
    }
    *out = t;
    return SHOPSTAT_OK;
}

void shopstat_totals_free(shopstat_totals *t)
{
    if (!t)
        return;
    chunk_crew_finish(t->crew); /* (the workers' states, freed by the pass's helpers) */
    row_ctx_free(t->rc); /* reads the segments and questions */
    free(t->marks);
    for (size_t i = 0; i < t->nq; i++) {
        strmap_free(&t->q[i].levels);
        strmap_free(&t->q[i].unrec);
        strmap_free(&t->q[i].doubt);
        free(t->q[i].doubt_cell);
        for (size_t j = 0; t->q[i].tick && j < t->q[i].ncols; j++)
            free(t->q[i].tick[j]);
        free(t->q[i].tick);
        free(t->q[i].tick_one);
        free(t->q[i].rule_level);
        free(t->q[i].cols);
        free(t->q[i].order);
        free(t->q[i].rank);
    }
    free(t->q);
    for (size_t i = 0; i < t->nseg; i++) {
        if (t->seg[i].owns_conds) {
            for (size_t j = 0; j < t->seg[i].nconds; j++)
                plan_cond_free(&t->seg[i].conds[j]);
            free(t->seg[i].conds);
        }
        free(t->seg[i].name);
    }
    free(t->seg);
    for (size_t i = 0; i < t->nby; i++) {
        strmap_free(&t->by[i].values);
        free(t->by[i].segs);
        free(t->by[i].condcols);
    }
    free(t->basecols);
    free(t->exclcols);
    excl_rows_free(&t->excl);
    free(t->derived);
    free(t->cell_w);
    free(t->cell_df);
    free(t->by);
    free(t->pairs);
    free(t->needmask);
    free(t->pairmask);
    for (size_t i = 0; i < t->domcap; i++)
        free(t->dom[i].lvl);
    free(t->dom);
    free(t->cell);
    ps_sparse_free(t);
    slab_free(t);
    free(t->units);
    ps_free(t->ps);
    free(t->w2_lo);
    rep_free(t->rep);
    free(t->st);
    strmap_free(&t->strata);
    strmap_free(&t->psus);
    free(t->last_key);
    free(t->active);
    free(t->lvlbuf);
    free(t->seg_order);
    free(t->path);
    for (size_t c = 0; t->scale && c < t->nscale; c++)
        free(t->scale[c].taken);
    free(t->scale);
    free(t->snotes);
    free(t);
}

/* ---- accessors ---- */

shopstat_accounting shopstat_totals_accounting(const shopstat_totals *t)
{
    return t->acct;
}

size_t shopstat_totals_nexcluded(const shopstat_totals *t)
{
    return t->plan->nexcl;
}

size_t shopstat_totals_excluded(const shopstat_totals *t, size_t k, const char **reason)
{
    if (reason)
        *reason = t->plan->excl[k].reason;
    return t->excl.n[k];
}

int shopstat_totals_excluded_dedupe(const shopstat_totals *t, size_t k)
{
    return t->plan->excl[k].dedupe;
}

size_t shopstat_totals_nstrata(const shopstat_totals *t)
{
    return t->strata.n;
}

size_t shopstat_totals_npsu(const shopstat_totals *t)
{
    if (!t->element)
        return t->nunits;
    size_t n = 0;
    for (size_t h = 0; h < t->strata.n; h++)
        n += t->st[h].npsu;
    return n;
}

int totals_base_design(const shopstat_totals *t, size_t *npsu, size_t *nstrata)
{
    *npsu = *nstrata = 0;
    char *seen = calloc(t->strata.n ? t->strata.n : 1, 1);
    if (!seen)
        return -1;
    totals_base_strata(t, seen);
    if (t->element) {
        for (size_t h = 0; h < t->strata.n; h++)
            *npsu += t->st[h].nbase;
    } else {
        for (size_t u = 0; u < t->nunits; u++)
            *npsu += t->units[u].any_pos || t->units[u].any_base0;
    }
    for (size_t h = 0; h < t->strata.n; h++)
        *nstrata += (size_t)seen[h];
    free(seen);
    return 0;
}

void totals_base_strata(const shopstat_totals *t, char *present)
{
    if (t->element) {
        for (size_t h = 0; h < t->strata.n; h++)
            present[h] = t->st[h].nbase > 0;
        return;
    }
    for (size_t u = 0; u < t->nunits; u++)
        if (t->units[u].any_pos || t->units[u].any_base0)
            present[t->units[u].stratum] = 1;
}

double shopstat_totals_df(const shopstat_totals *t)
{
    if (t->rep)
        return rep_df(t);
    /* R's degf(): PSUs with a positive weight minus strata holding such PSUs */
    double psus = 0, strata = 0;
    for (size_t h = 0; h < t->strata.n; h++) {
        psus += (double)t->st[h].npsu_pos;
        strata += t->st[h].npsu_pos > 0;
    }
    return psus - strata;
}

const shopstat_design_opts *shopstat_totals_design(const shopstat_totals *t)
{
    return &t->plan->design;
}

const char *shopstat_totals_path(const shopstat_totals *t)
{
    return t->path;
}

int shopstat_totals_fpc_fractions(const shopstat_totals *t)
{
    return t->fpc_fractions;
}

int shopstat_totals_fpc_census(const shopstat_totals *t)
{
    if (t->fcol == SIZE_MAX || !t->strata.n)
        return 0;
    /* f is R's (N - n) / N: 0 for a stratum sampled whole (methods.md: 1 - f_h < 1e-7) */
    for (size_t h = 0; h < t->strata.n; h++)
        if (!t->st[h].has_fpc || t->st[h].f >= 1e-7)
            return 0;
    return 1;
}

size_t shopstat_totals_nquestions(const shopstat_totals *t)
{
    /* (the rows_only question, last, is not one the caller asked for) */
    return t->nq - (t->rows_q != SIZE_MAX);
}

const char *shopstat_totals_question(const shopstat_totals *t, size_t q)
{
    return t->q[q].pq->name;
}

shopstat_question_kind shopstat_totals_question_kind(const shopstat_totals *t, size_t q)
{
    return t->q[q].pq->kind;
}

int shopstat_totals_question_ticked(const shopstat_totals *t, size_t q)
{
    return t->q[q].pq->kind == SHOPSTAT_Q_MULTI && t->q[q].pq->ticked;
}

int shopstat_totals_question_none_in_base(const shopstat_totals *t, size_t q)
{
    return t->q[q].pq->none_in_base;
}

size_t shopstat_totals_nlevels(const shopstat_totals *t, size_t q)
{
    return t->q[q].levels.n;
}

const char *shopstat_totals_level(const shopstat_totals *t, size_t q, size_t l)
{
    return SMAP_KEY(&t->q[q].levels, t->q[q].order[l]);
}

size_t shopstat_totals_level_rows(const shopstat_totals *t, size_t q, size_t l)
{
    long c = totals_cell(t, 0, q, t->q[q].order[l]);
    return c >= 0 ? t->cell[c].n : 0;
}

/* Level id of a ticked question whose cells all hold one text ("Selected", "Checked"), so
 * that the text names no option: its column's name less the start every column of the
 * question shares, up to a '_', '.', '-', ':' or ' ' (q4_Email, q4_Phone: Email, Phone),
 * when what is left is a word (a letter first, two at least: not Qualtrics' Q3_1 nor
 * Decipher's q3r1); else the name. */
static const char *shared_tick_label(const rt_question *rq, size_t id)
{
    const char *name = SMAP_KEY(&rq->levels, id);
    size_t plen = strlen(name);
    for (size_t j = 0; j < rq->ncols; j++) {
        const char *o = SMAP_KEY(&rq->levels, j);
        size_t k = 0;
        while (k < plen && o[k] == name[k])
            k++;
        plen = k;
    }
    while (plen && !strchr("_.-: ", name[plen - 1]))
        plen--;
    const char *rest = name + plen;
    size_t letters = 0;
    for (const char *c = rest; *c; c++)
        letters += isalpha((unsigned char)*c) || ((unsigned char)*c & 0x80);
    int word = isalpha((unsigned char)rest[0]) || ((unsigned char)rest[0] & 0x80);
    return plen && rq->ncols > 1 && word && letters >= 2 ? rest : name;
}

const char *shopstat_totals_level_label(const shopstat_totals *t, size_t q, size_t l)
{
    const rt_question *rq = &t->q[q];
    size_t id = rq->order[l];
    /* a ticked question's level ids are its columns' (bind adds them in column order) */
    if (!rq->tick || id >= rq->ncols || !rq->tick[id] || rq->tick_one[id])
        return SMAP_KEY(&rq->levels, id);
    /* a text another column also holds, or a column's name, would label two levels alike */
    for (size_t j = 0; j < rq->ncols; j++)
        if (j != id &&
            ((rq->tick[j] && !rq->tick_one[j] && strcmp(rq->tick[j], rq->tick[id]) == 0) ||
             strcmp(SMAP_KEY(&rq->levels, j), rq->tick[id]) == 0))
            return shared_tick_label(rq, id);
    return rq->tick[id];
}

int shopstat_totals_question_partly_blank(const shopstat_totals *t, size_t q)
{
    return t->q[q].partly;
}

const char *shopstat_totals_condition_missing_code(const shopstat_totals *t, const char **column)
{
    if (t->cond_miss_col == SIZE_MAX)
        return NULL;
    if (column)
        *column = t->cond_miss_colname;
    return t->cond_miss;
}

size_t shopstat_totals_question_sep_doubt(const shopstat_totals *t, size_t q, const char **code,
                                          const char **cell, char *sep)
{
    const rt_question *rq = &t->q[q];
    if (code)
        *code = rq->doubt.n ? SMAP_KEY(&rq->doubt, 0) : NULL;
    if (cell)
        *cell = rq->doubt_cell;
    if (sep)
        *sep = rq->semi ? ';' : 0;
    return rq->doubt.n;
}

size_t shopstat_totals_question_nunrecoded(const shopstat_totals *t, size_t q)
{
    return t->q[q].unrec.n;
}

const char *shopstat_totals_question_unrecoded(const shopstat_totals *t, size_t q, size_t i)
{
    return SMAP_KEY(&t->q[q].unrec, i);
}

size_t shopstat_totals_nsegments(const shopstat_totals *t)
{
    return t->nseg_visible;
}

const char *shopstat_totals_segment(const shopstat_totals *t, size_t s)
{
    return t->seg[t->seg_order[s]].name;
}

const char *shopstat_totals_segment_set(const shopstat_totals *t, size_t s)
{
    const rt_segment *rs = &t->seg[t->seg_order[s]];
    return rs->kind == SEG_BY ? t->plan->segments[rs->plan_index].name : NULL;
}

shopstat_status shopstat_totals_find_segment(const shopstat_totals *t, const char *name,
                                             size_t *s, shopstat_error *err)
{
    for (size_t i = 0; i < t->nseg_visible; i++)
        if (strcmp(t->seg[t->seg_order[i]].name, name) == 0) {
            *s = i;
            return SHOPSTAT_OK;
        }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown segment '%s'", name);
}

double totals_cell_weight(const shopstat_totals *t, long cell)
{
    if (cell < 0)
        return 0;
    if (t->cell_w && (size_t)cell < t->ncell_sums)
        return t->cell_w[cell];
    /* Neumaier-compensated sum over units, in unit order: independent of row order
     * beyond the per-unit sums. */
    double s = 0, c = 0;
    for (size_t u = 0; u < t->nunits; u++) {
        if ((size_t)cell >= t->units[u].cap)
            continue;
        ksum(&s, &c, t->units[u].A[cell].T);
    }
    return s + c;
}

double totals_cell_df(const shopstat_totals *t, long cell)
{
    if (t->rep)
        return rep_cell_df(t, cell);
    if (cell < 0)
        return 0;
    if (t->cell_df && (size_t)cell < t->ncell_sums)
        return t->cell_df[cell];
    double psus = 0;
    size_t nst = t->strata.n;
    char *seen = calloc(nst ? nst : 1, 1);
    double strata = 0;
    for (size_t u = 0; u < t->nunits; u++) {
        const unit *un = &t->units[u];
        if ((size_t)cell >= un->cap || un->A[cell].P == 0)
            continue;
        psus += t->element ? un->A[cell].P : 1;
        if (seen && !seen[un->stratum]) {
            seen[un->stratum] = 1;
            strata++;
        }
    }
    free(seen);
    return psus - strata;
}

/* The pairs of shopstat_totals_code_in_scale, kept while the reader is there */
typedef struct scale_note {
    char code[48], column[104], holders[300];
    double lo, hi;
    size_t nholders, taken;
} scale_note;

/* Code i of the reader's global codes inside column c's scale: a number strictly between the
 * column's smallest and largest non-missing values, all whole numbers */
static int code_in_scale(const shopstat_totals *t, size_t c, size_t i)
{
    const col_scale *cs = &t->scale[c];
    double x;
    const char *code = shopstat_reader_missing_codes(t->reader)[i];
    return (cs->codes >> i & 1) && cs->seen && !cs->no_scale &&
           shopstat_parse_number(code, strlen(code), t->decimal_comma, &x) == 1 && x > cs->lo &&
           x < cs->hi;
}

/* The columns holding code i outside their scale, comma-separated in buf; their number */
static size_t code_holders(const shopstat_totals *t, size_t i, char *buf, size_t n)
{
    size_t count = 0, used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < shopstat_reader_ncols(t->reader); c++) {
        if (!(t->scale[c].codes >> i & 1) || code_in_scale(t, c, i))
            continue;
        count++;
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", count > 1 ? "," : "",
                                     shopstat_reader_colname(t->reader, c));
    }
    if (used >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
    return count;
}

/* At the end of the pass: the codes inside a column's scale, to t->snotes. */
static void keep_scale_notes(shopstat_totals *t)
{
    const char *const *g = t->scale && t->reader ? shopstat_reader_missing_codes(t->reader) : NULL;
    for (size_t c = 0; g && c < shopstat_reader_ncols(t->reader); c++)
        for (size_t i = 0; i < 64 && g[i]; i++) {
            if (!code_in_scale(t, c, i))
                continue;
            scale_note *l = realloc(t->snotes, (t->nsnotes + 1) * sizeof *l);
            if (!l)
                return; /* (a warning less) */
            t->snotes = l;
            scale_note *sn = &l[t->nsnotes++];
            snprintf(sn->code, sizeof sn->code, "%.40s", g[i]);
            snprintf(sn->column, sizeof sn->column, "%.100s",
                     shopstat_reader_colname(t->reader, c));
            sn->lo = t->scale[c].lo;
            sn->hi = t->scale[c].hi;
            sn->nholders = code_holders(t, i, sn->holders, sizeof sn->holders);
            sn->taken = t->scale[c].taken ? (size_t)t->scale[c].taken[i] : 0;
        }
}

int shopstat_totals_code_in_scale(const shopstat_totals *t, size_t k, const char **code,
                                  const char **column, double *lo, double *hi, const char **columns,
                                  size_t *answers)
{
    if (k >= t->nsnotes)
        return 0;
    const scale_note *sn = &t->snotes[k];
    *answers = sn->taken;
    *code = sn->code;
    *column = sn->column;
    *lo = sn->lo;
    *hi = sn->hi;
    *columns = sn->nholders ? sn->holders : NULL;
    return 1;
}
