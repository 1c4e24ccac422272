/* Replicate-weight designs: per-replicate cell totals, R's degf rank, replicate variances. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core.h"
#include "shopstat/reader.h"
#include "shopstat/replicate.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define REP_FMA_KERNEL 1
#endif

/* R's degf.svyrep.design: qr(weights(design, "analysis"), tol = 1e-5)$rank - 1 */
#define REP_RANK_TOL 1e-5
/* rep_gram_rank's round-off per unit of a decision's bound (see there) */
#define REP_RANK_ROUNDOFF (4 * DBL_EPSILON)
/* Replicates beyond this are certainly a wrong --repweights prefix (public files ship
 * 80 to 160); the cross-products grow as replicates^2 per domain. */
#define REP_MAX 1000

/* One X'X accumulator. Rows of one PSU usually come together and share the direction of
 * their replicate weights (x = w m, m the PSU's multipliers): such a run adds
 * (sum w^2) m m', one rank-one update per run instead of one per row. */
typedef struct gram_acc {
    double *G;       /* packed lower triangle of X'X, double-double: hi, then lo */
    double *m;       /* pending direction */
    double c;        /* pending factor: sum of w^2 over the run */
    uint64_t serial; /* direction serial of m; 0 = nothing pending */
} gram_acc;

typedef double v2df __attribute__((vector_size(16)));

/* ---- X'X in double-double ----
 * Every X'X entry is a pair (hi, lo), hi + lo its value to about 2^-106 (the lo half of a
 * matrix follows its hi half: G[0, ntri) and G[ntri, 2 ntri)). Summed in double, X'X carried
 * a rounding of 1e-16 of its terms, which the rank's factorisation divides by its smallest
 * accepted pivot: near-dependent replicate columns (a column kept on a residual of 4e-6 of
 * its norm squared) then let a later, dependent column pass R's test (docs/methods.md,
 * replicate df). Each term c m_i m_j is formed to about 2^-106 of itself by error-free
 * transformations (a product's error by an FMA, or by Dekker's split where there is none)
 * and added by Knuth's two-sum (Dekker 1971; Hida, Li & Bailey's QD library, "sloppy"
 * addition), so X'X's error is about 2^-106 of the sum of its terms' sizes. Both
 * kernels do the same operations on the same values: their results are bit-identical.
 * SHOPSTAT_REP_NO_FMA=1 forces the portable kernel (so the tests cover both). Only with no
 * a * b + c contracted into an FMA: Dekker's split and product are exact only as written, and
 * the kernels differ where one fuses what the other rounds twice. GCC contracts by default
 * in its GNU dialects (-std=gnu11, or CFLAGS given on make's command line, which drop the
 * Makefile's -std=c11) and ignores the standard pragma, hence its own. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif

/* Dekker's split: a = hi + lo, each of 26 bits (exact below 2^996). */
#define DD_SPLIT 134217729.0 /* 2^27 + 1 */

/* p = fl(a b), e = a b - p exactly (Dekker's product) */
static inline void two_prod(double a, double b, double *p, double *e)
{
    double t = DD_SPLIT * a, ah = t - (t - a), al = a - ah;
    t = DD_SPLIT * b;
    double bh = t - (t - b), bl = b - bh;
    *p = a * b;
    *e = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

/* (hi, lo) += (p, e) */
static inline void dd_acc(double *hi, double *lo, double p, double e)
{
    double s = *hi + p, bb = s - *hi;
    double err = ((*hi - (s - bb)) + (p - bb)) + (*lo + e);
    double h = s + err;
    *lo = err - (h - s);
    *hi = h;
}

/* G += c m m'; sp: scratch of 2 R doubles */
typedef void (*rank1_fn)(double *G, size_t ntri, double c, const double *m, size_t R, double *sp);

/* G += c m m' (packed lower triangle, hi then lo), portable: Dekker's product, m's halves
 * split once (splitting every m_j again for every i cost a seventh of the kernel). */
static void rank1_dd_portable(double *G, size_t ntri, double c, const double *m, size_t R,
                              double *sp)
{
    if (c == 0)
        return;
    double *Glo = G + ntri, *mh = sp, *ml = sp + R;
    for (size_t j = 0; j < R; j++) {
        double t = DD_SPLIT * m[j];
        mh[j] = t - (t - m[j]);
        ml[j] = m[j] - mh[j];
    }
    for (size_t i = 0; i < R; i++) {
        if (m[i] == 0)
            continue;
        double a, alo;
        two_prod(c, m[i], &a, &alo);
        double t = DD_SPLIT * a, ah = t - (t - a), al = a - ah;
        double *gh = G + i * (i + 1) / 2, *gl = Glo + i * (i + 1) / 2;
        size_t j = 0;
        /* two at a time (SSE2 on x86-64; GCC's -O2 leaves the loop scalar) */
        v2df va = {a, a}, vah = {ah, ah}, val = {al, al}, valo = {alo, alo};
        for (; j + 2 <= i + 1; j += 2) {
            v2df b, bh, bl, h, l;
            memcpy(&b, m + j, sizeof b);
            memcpy(&bh, mh + j, sizeof bh);
            memcpy(&bl, ml + j, sizeof bl);
            memcpy(&h, gh + j, sizeof h);
            memcpy(&l, gl + j, sizeof l);
            v2df p = va * b;
            v2df e = ((vah * bh - p) + vah * bl + val * bh) + val * bl;
            e = e + valo * b;
            v2df s = h + p, bb = s - h;
            v2df err = ((h - (s - bb)) + (p - bb)) + (l + e);
            v2df nh = s + err;
            l = err - (nh - s);
            memcpy(gh + j, &nh, sizeof nh);
            memcpy(gl + j, &l, sizeof l);
        }
        for (; j <= i; j++) {
            double p = a * m[j];
            double e = ((ah * mh[j] - p) + ah * ml[j] + al * mh[j]) + al * ml[j];
            dd_acc(gh + j, gl + j, p, e + alo * m[j]);
        }
    }
}

#ifdef REP_FMA_KERNEL
/* The same with the products' errors from FMA, four at a time (AVX2). */
__attribute__((target("avx2,fma"))) static void rank1_dd_fma(double *G, size_t ntri, double c,
                                                             const double *m, size_t R, double *sp)
{
    (void)sp;
    if (c == 0)
        return;
    double *Glo = G + ntri;
    for (size_t i = 0; i < R; i++) {
        if (m[i] == 0)
            continue;
        __m128d sc = _mm_set_sd(c), sm = _mm_set_sd(m[i]);
        __m128d sa = _mm_mul_sd(sc, sm);
        double a = _mm_cvtsd_f64(sa), alo = _mm_cvtsd_f64(_mm_fmsub_sd(sc, sm, sa));
        double *gh = G + i * (i + 1) / 2, *gl = Glo + i * (i + 1) / 2;
        __m256d va = _mm256_set1_pd(a), valo = _mm256_set1_pd(alo);
        size_t j = 0;
        for (; j + 4 <= i + 1; j += 4) {
            __m256d b = _mm256_loadu_pd(m + j), h = _mm256_loadu_pd(gh + j),
                    l = _mm256_loadu_pd(gl + j);
            __m256d p = _mm256_mul_pd(va, b);
            __m256d e = _mm256_add_pd(_mm256_fmsub_pd(va, b, p), _mm256_mul_pd(valo, b));
            __m256d s = _mm256_add_pd(h, p), bb = _mm256_sub_pd(s, h);
            __m256d err = _mm256_add_pd(
                _mm256_add_pd(_mm256_sub_pd(h, _mm256_sub_pd(s, bb)), _mm256_sub_pd(p, bb)),
                _mm256_add_pd(l, e));
            __m256d nh = _mm256_add_pd(s, err);
            _mm256_storeu_pd(gl + j, _mm256_sub_pd(err, _mm256_sub_pd(nh, s)));
            _mm256_storeu_pd(gh + j, nh);
        }
        for (; j <= i; j++) {
            __m128d sb = _mm_set_sd(m[j]);
            __m128d sab = _mm_mul_sd(_mm_set_sd(a), sb);
            double p = _mm_cvtsd_f64(sab);
            double e = _mm_cvtsd_f64(_mm_fmsub_sd(_mm_set_sd(a), sb, sab));
            dd_acc(gh + j, gl + j, p, e + alo * m[j]);
        }
    }
}
#endif

/* The kernel for this process: FMA where the CPU has it, unless SHOPSTAT_REP_NO_FMA=1. */
static rank1_fn rank1_kernel(void)
{
    const char *no = getenv("SHOPSTAT_REP_NO_FMA");
    if (no && strcmp(no, "1") == 0)
        return rank1_dd_portable;
#ifdef REP_FMA_KERNEL
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return rank1_dd_fma;
#endif
    return rank1_dd_portable;
}

/* (hi, lo) of b added into a's, b's zeroed: two X'X merged */
static void gram_merge(double *a, double *b, size_t ntri)
{
    for (size_t k = 0; k < ntri; k++) {
        dd_acc(a + k, a + ntri + k, b[k], b[ntri + k]);
        b[k] = b[ntri + k] = 0;
    }
}

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

/* A post-stratified design's (cell, pair) factors: a pair's entries in a chain of blocks
 * (about 10 cells a pair in the rep80 job: 17 bytes an entry, where the open-addressing
 * table by (cell, direction), at most half full, took 35) */
#define REP_EBLOCK 4
#define REP_EPAGE 1024 /* blocks a page of the pool (pages are never moved) */
typedef struct rep_eblock {
    uint32_t cell[REP_EBLOCK];
    double c[REP_EBLOCK];
    uint32_t next; /* 1 + the pair's next block, 0 none */
    uint32_t n;
} rep_eblock;

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
    rank1_fn rank1;   /* X'X's update kernel */
    double *sp;       /* its scratch: 2 R */
    double *df;       /* [cell]: rank - 1 of the cell's X'X (rep_finish) */
    double all_df;    /* of the whole sample's */
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
    /* open addressing (cell << 20 | direction) -> eval, UINT64_MAX empty (post-stratified:
     * empty, the entries are in phead's blocks) */
    uint64_t *ekey;
    double *eval;
    size_t esize, ecount;
    size_t max_dirs;  /* REP_MAX_DIRS, or lower for tests */
    rep_memo memo[REP_MEMO];
    uint32_t row_stamp; /* of the current row, for memo (never 0) */
    /* Post-stratified (--poststratify, R's postStratify of a replicate design): each
     * post-stratum g has its own cell totals and X'X (a view: its whole-sample X'X loaded
     * into all while the pass is in g; T, acc and cap stay empty, so rep_add takes the
     * view's slots), and the view's W sums each replicate weight over g's rows (the
     * directions' factors are summed by pair: below). After the pass each replicate's
     * factors N_g / W calibrate the views into one (rep_ps_combine). Raked (--rake), g is
     * the row's joint cell of the margins (rake_row's id) and the factors are each
     * replicate's raking's (rake_rep_fit). */
    size_t G;         /* post-strata, 0 without */
    struct rep_view *views;
    size_t cur_g;     /* the view loaded */
    /* Post-stratified, while the directions are few: a direction is kept once, a PSU's,
     * whichever post-stratum its rows are in (dirm, found through dslot, without a copy of
     * its key; dirs stays empty), and its factors are summed by pair (direction,
     * post-stratum): allc, the entries (a chain of blocks per pair) and cur_dir number the
     * pairs, at most max_dirs. Keyed by (direction, post-stratum), each PSU of the rep80
     * job's region x spend_6m kept three directions of 1.3 kB (pair_id, merge_pairs). */
    uint64_t *dhash;     /* [direction]: hash of its key (dir_round) */
    uint32_t *dslot;     /* open addressing by dhash: 1 + direction, 0 empty */
    size_t ndirs, dsize; /* directions in dirm (dircap allocated), slots */
    uint32_t *pdir, *pg; /* [pair]: its direction, its post-stratum */
    uint32_t *phead;     /* [pair]: 1 + its first block of entries, 0 none (ecount counts them) */
    rep_eblock **epage;  /* the blocks, REP_EPAGE a page */
    size_t neb, npage;   /* blocks used, pages */
    uint64_t *pkey;      /* open addressing (direction << 32 | g) -> pval, UINT64_MAX empty */
    uint32_t *pval;
    size_t npairs, paircap, psize;
    size_t kept_dirs;    /* directions kept at the end of the pass (rep_kept_directions) */
};

/* Block b (1-based) of rp's entries */
static inline rep_eblock *eblock(const rep_state *rp, uint32_t b)
{
    return &rp->epage[(b - 1) / REP_EPAGE][(b - 1) % REP_EPAGE];
}

/* A post-stratum's share of the replicate totals (see rep_state.G). Only the cells that
 * its rows reach have a slot, made on first touch: a post-stratum on a --by or segment
 * column never meets the other levels' cells, and one slot per cell of the table in every
 * post-stratum was most of the memory of a post-stratified replicate design (the rep80
 * job's 150 post-strata: 71 MB on one thread against 20 without). */
typedef struct rep_view {
    double *T;      /* [slot * R + r] */
    gram_acc *acc;  /* [slot] */
    uint32_t *cell; /* [slot]: the slot's cell */
    size_t n, cap;  /* slots used, allocated */
    uint32_t *slot; /* [cell]: 1 + the cell's slot, 0 for none */
    size_t ncap;    /* cells in slot */
    gram_acc all;
    double *W;      /* [r]: replicate r's weights summed over the rows; NULL before the
                     * first (a joint cell of a rake that no row reaches keeps none) */
} rep_view;

/* A base cell's X'X in a post-stratum's view while the directions are few: only a mark
 * (X'X is built, calibrated, at the end; materialize_ps makes real ones if it must). */
static double rep_marker[1];

/* Distinct directions kept before X'X is built row by row; SHOPSTAT_REP_MAX_DIRS (a test
 * knob) lowers it to reach that path and its merges with a small file. */
#define REP_MAX_DIRS ((size_t)1 << 16)
#define REP_MAX_ENTRIES ((size_t)1 << 21)
/* A raked replicate design's joint cells (the product of the margins' cells): a view of
 * 96 bytes each, 6 MB at most (its sums are made for the cells met alone). */
#define REP_RAKE_CELLS ((size_t)1 << 16)

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static const struct {
    const char *name;
    shopstat_rep_type type;
} rep_names[] = {
    {"brr", SHOPSTAT_REP_BRR}, {"fay", SHOPSTAT_REP_FAY},
    {"jk1", SHOPSTAT_REP_JK1}, {"jkn", SHOPSTAT_REP_JKN},
    {"jk2", SHOPSTAT_REP_JK2}, {"bootstrap", SHOPSTAT_REP_BOOTSTRAP},
    {"sdr", SHOPSTAT_REP_SDR}, {"successive-difference", SHOPSTAT_REP_SDR},
    {"acs", SHOPSTAT_REP_SDR},
};

/* ASCII case-insensitive equality (strcasecmp is POSIX, not C11). */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return *a == *b;
}

shopstat_status shopstat_rep_type_parse(const char *s, shopstat_rep_type *out,
                                        shopstat_error *err)
{
    for (size_t i = 0; s && i < sizeof rep_names / sizeof rep_names[0]; i++)
        if (same_name(s, rep_names[i].name)) {
            *out = rep_names[i].type;
            return SHOPSTAT_OK;
        }
    /* documentation's words for a type that names several of R's (a jackknife: which one
     * depends on the strata; a bootstrap's variant) */
    const char *hint = "";
    if (s && (same_name(s, "jackknife") || same_name(s, "jk") || same_name(s, "jack")))
        hint = " (a jackknife: jk1 for replicates each leaving out one PSU of a single "
               "stratum, scale (R-1)/R; jkn for strata, with design_opts.rscales / rscales: "
               "(n_h-1)/n_h; "
               "jk2 for paired PSUs, one pair a replicate)";
    else if (s && (same_name(s, "boot") || same_name(s, "bs") || same_name(s, "mrbbootstrap") ||
                   same_name(s, "subbootstrap")))
        hint = " (a bootstrap's replicate weights: bootstrap, scale 1/(R-1) unless the "
               "documentation gives another, design_opts.repscale / scale:)";
    else if (s && (same_name(s, "sdr2") || same_name(s, "successive") ||
                   same_name(s, "successive-differences") || same_name(s, "pums")))
        hint = " (successive differences, as the ACS: sdr, scale 4/R)";
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "unknown replicate type '%s'; valid types are brr, fay, jk1, "
                              "jkn, jk2, bootstrap, sdr%s",
                              s ? s : "", hint);
}

/* One number of a scale: the whole text, as the data's numbers and the spec's are read
 * (shopstat_parse_number: C locale, no hexadecimal, where strtod follows the process's
 * LC_NUMERIC and takes "0x1p-2"), starting and ending as a number does (no spaces), finite. */
static int scale_part(const char *s, double *out)
{
    size_t n = strlen(s);
    if (!n || !((*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '+') ||
        !((s[n - 1] >= '0' && s[n - 1] <= '9') || s[n - 1] == '.'))
        return 0;
    return shopstat_parse_number(s, n, 0, out) == 1;
}

shopstat_status shopstat_rep_scale_parse(const char *s, size_t len, double *out,
                                         shopstat_error *err)
{
    char buf[64];
    if (!s || len == 0 || len >= sizeof buf || memchr(s, '\0', len))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "not a number or a fraction");
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    double num, den = 1;
    if (slash)
        *slash = '\0';
    if (!scale_part(buf, &num) || (slash && !scale_part(slash + 1, &den)))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "not a number or a fraction");
    if (den == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "its denominator is 0");
    double x = num / den; /* (a number alone: den 1, x is num exactly) */
    if (!isfinite(x))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "not a finite number");
    *out = x;
    return SHOPSTAT_OK;
}

const char *shopstat_rep_type_name(shopstat_rep_type t)
{
    static const char *const names[] = {"none", "brr",       "fay", "jk1",
                                        "jkn",  "bootstrap", "sdr", "jk2"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

size_t shopstat_rep_note(const shopstat_design_opts *d, char *buf, size_t n)
{
    static const char *const method[] = {
        "",
        "BRR",
        "Fay's BRR",
        "jackknife (JK1)",
        "stratified jackknife (JKn)",
        "bootstrap",
        "successive differences (SDR)",
        "paired jackknife (JK2)",
    };
    shopstat_rep_type t = d->reptype;
    if (t == SHOPSTAT_REP_NONE || (unsigned)t >= sizeof method / sizeof method[0]) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    char rho[64] = "";
    if (t == SHOPSTAT_REP_FAY && !isnan(d->rho))
        snprintf(rho, sizeof rho, ", rho %.15g", d->rho);
    else if (t == SHOPSTAT_REP_BOOTSTRAP && d->bootstrap_average > 0)
        snprintf(rho, sizeof rho, ", each replicate the mean of %.15g", d->bootstrap_average);
    /* (as shopstat_repweights_resolve: sdr about the full-sample estimate unless --mse says) */
    int mse = d->mse < 0 ? t == SHOPSTAT_REP_SDR : d->mse != 0;
    int w = snprintf(buf, n, "%s%s; variances about the %s", method[t], rho,
                     mse ? "full-sample estimate" : "replicates' mean");
    return w < 0 ? 0 : (size_t)w;
}

shopstat_rep_option shopstat_rep_ignored_option(const shopstat_design_opts *d, const char **why)
{
    /* R's svrepdesign.default: BRR warns "does not use 'scale='" and takes 1/R; Fay sets
     * the scale from rho whatever scale= says; "successive-difference" warns that scale=
     * and rscales= "will be ignored" and takes 4/R and 1s, as JK2 does with 1 and 1 (its
     * warning says so even when neither is given); rho outside Fay is "not
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
    } else if (!isnan(d->repscale) && t == SHOPSTAT_REP_JK2) {
        o = SHOPSTAT_REP_OPT_SCALE;
        w = "jk2's scale is 1";
    } else if (d->rscales && t == SHOPSTAT_REP_SDR) {
        o = SHOPSTAT_REP_OPT_RSCALES;
        w = "sdr gives every replicate rscale 1";
    } else if (d->rscales && t == SHOPSTAT_REP_JK2) {
        o = SHOPSTAT_REP_OPT_RSCALES;
        w = "jk2 gives every replicate rscale 1";
    } else if (d->bootstrap_average > 0 && t != SHOPSTAT_REP_BOOTSTRAP) {
        /* (R's svrepdesign reads bootstrap.average for type "bootstrap" only) */
        o = SHOPSTAT_REP_OPT_BOOTSTRAP_AVERAGE;
        w = "the bootstrap average sets a bootstrap's scale only";
    } else if (d->bootstrap_average > 0 && !isnan(d->repscale)) {
        o = SHOPSTAT_REP_OPT_BOOTSTRAP_AVERAGE;
        w = "a scale given replaces bootstrap.average / (R - 1)";
    }
    if (why)
        *why = w;
    return o;
}

shopstat_status shopstat_rep_check_options(const shopstat_design_opts *d, shopstat_error *err)
{
    const char *why;
    static const char *const flag[] = {"", "design_opts.rho", "design_opts.repscale",
                                       "design_opts.rscales", "design_opts.bootstrap_average"};
    shopstat_rep_option o = shopstat_rep_ignored_option(d, &why);
    if (o == SHOPSTAT_REP_OPT_NONE)
        return SHOPSTAT_OK;
    return shopstat_error_set(
        err, SHOPSTAT_EUSAGE, NULL, 0, 0,
        "%s with design_opts.reptype %s: R's svrepdesign ignores it (%s); leave "
        "it out",
        flag[o], shopstat_rep_type_name(d->reptype), why);
}

shopstat_status shopstat_rep_rscales_read(const char *path, char **out, shopstat_error *err)
{
    enum { RSCALES_FILE_MAX = 1 << 22 }; /* 4 MB: far more than any real list */
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0,
                                  "cannot read the rscales file: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                  "is a folder, not an rscales file; name the file in it");
    }
    char *text = malloc(RSCALES_FILE_MAX + 1);
    size_t n = text ? fread(text, 1, RSCALES_FILE_MAX + 1, f) : 0;
    int rerr = ferror(f);
    fclose(f);
    if (!text)
        return nomem(err);
    if (rerr || n > RSCALES_FILE_MAX) {
        free(text);
        return shopstat_error_set(err, rerr ? SHOPSTAT_EIO : SHOPSTAT_ELIMIT, path, 0, 0,
                                  rerr ? "cannot read the rscales file"
                                       : "the rscales file is over 4 MB");
    }
    text[n] = '\0';
    char *list = malloc(n + 1);
    if (!list) {
        free(text);
        return nomem(err);
    }
    size_t len = 0, line = 1, count = 0;
    const char *p = text, *bol = text;
    while (*p) {
        if (*p == '\n') {
            bol = ++p;
            line++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == ',') {
            p++;
            continue;
        }
        if (*p == '#' && p == bol + strspn(bol, " \t")) {
            p += strcspn(p, "\n");
            continue;
        }
        size_t tl = strcspn(p, " \t\r\n,");
        double x = 0;
        shopstat_error e2;
        shopstat_error_clear(&e2);
        if (shopstat_rep_scale_parse(p, tl, &x, &e2) || !(x >= 0)) {
            shopstat_status st = shopstat_error_set(
                err, SHOPSTAT_EINPUT, path, line, (size_t)(p - bol) + 1,
                "rscales item %zu, '%.*s': %s; the file holds the rscales alone, non-negative "
                "numbers or fractions (such as 79/80), one per line or separated by commas",
                count + 1, (int)(tl > 60 ? 60 : tl), p, e2.msg[0] ? e2.msg : "negative");
            free(text);
            free(list);
            return st;
        }
        if (count++)
            list[len++] = ',';
        memcpy(list + len, p, tl);
        len += tl;
        p += tl;
    }
    free(text);
    list[len] = '\0';
    if (!count) {
        free(list);
        return shopstat_error_set(err, SHOPSTAT_EINPUT, path, 0, 0,
                                  "the rscales file holds no number");
    }
    *out = list;
    return SHOPSTAT_OK;
}

size_t shopstat_totals_nreplicates(const shopstat_totals *t)
{
    return t->rep ? t->rep->R : 0;
}

static void gram_release(gram_acc *a)
{
    if (a->G != rep_marker)
        free(a->G);
    if (a->m != rep_marker)
        free(a->m);
    a->G = a->m = NULL;
}

static void view_save(rep_state *rp)
{
    rp->views[rp->cur_g].all = rp->all;
}

/* Load post-stratum g's view (the current one saved first). */
static void view_load(rep_state *rp, size_t g)
{
    if (g == rp->cur_g)
        return;
    view_save(rp);
    rp->all = rp->views[g].all;
    rp->cur_g = g;
}

/* view_slot's first touch of cell c: a slot made (replicate totals 0, no X'X), with room
 * for t's cells; SIZE_MAX out of memory. */
static __attribute__((noinline)) size_t view_slot_new(const shopstat_totals *t, const rep_state *rp,
                                                      rep_view *v, size_t c)
{
    size_t R = rp->R;
    if (c >= v->ncap) {
        size_t nc = t->cellcap > c ? t->cellcap : c + 1;
        uint32_t *sl = realloc(v->slot, nc * sizeof *sl);
        if (!sl)
            return SIZE_MAX;
        memset(sl + v->ncap, 0, (nc - v->ncap) * sizeof *sl);
        v->slot = sl;
        v->ncap = nc;
    }
    if (v->n == v->cap) {
        /* (each array on its own: after a failure the next call grows the rest) By 4 slots
         * up to 64, then by a quarter: a view meets a few dozen cells, and doubling left
         * a third of the rep80 job's view totals unused (150 views of 40 cells in 64 slots
         * of 80 replicates: 6.1 MB for 3.9 on each thread's totals; by 8, 6,800 slots for
         * 6,050, 4.35 MB). */
        size_t nc = v->cap < 64 ? v->cap + 4 : v->cap + v->cap / 4;
        double *T = realloc(v->T, nc * R * sizeof *T);
        if (!T)
            return SIZE_MAX;
        v->T = T;
        gram_acc *A = realloc(v->acc, nc * sizeof *A);
        if (!A)
            return SIZE_MAX;
        v->acc = A;
        uint32_t *cl = realloc(v->cell, nc * sizeof *cl);
        if (!cl)
            return SIZE_MAX;
        v->cell = cl;
        v->cap = nc;
    }
    size_t s = v->n++;
    memset(v->T + s * R, 0, R * sizeof *v->T);
    memset(&v->acc[s], 0, sizeof v->acc[s]);
    v->cell[s] = (uint32_t)c;
    v->slot[c] = (uint32_t)(s + 1);
    return s;
}

/* The slot of cell c in view v, made on first touch; SIZE_MAX out of memory. */
static inline size_t view_slot(const shopstat_totals *t, const rep_state *rp, rep_view *v, size_t c)
{
    uint32_t s = c < v->ncap ? v->slot[c] : 0;
    return s ? s - 1 : view_slot_new(t, rp, v, c);
}

/* Every view freed; all left empty. */
static void views_free(rep_state *rp)
{
    if (!rp->views)
        return;
    view_save(rp);
    for (size_t g = 0; g < rp->G; g++) {
        rep_view *v = &rp->views[g];
        for (size_t s = 0; s < v->n; s++)
            gram_release(&v->acc[s]);
        free(v->acc);
        free(v->T);
        free(v->cell);
        free(v->slot);
        free(v->W);
        gram_release(&v->all);
    }
    free(rp->views);
    rp->views = NULL;
    rp->all.G = rp->all.m = NULL;
    rp->all.serial = 0;
    rp->all.c = 0;
}

static void directions_drop(rep_state *rp);

void rep_free(rep_state *rp)
{
    if (!rp)
        return;
    views_free(rp);
    if (rp->acc)
        for (size_t c = 0; c < rp->cap; c++) {
            free(rp->acc[c].G);
            free(rp->acc[c].m);
        }
    free(rp->acc);
    free(rp->all.G);
    free(rp->df);
    free(rp->sp);
    free(rp->all.m);
    free(rp->m);
    free(rp->mnew);
    directions_drop(rp);
    free(rp->qbuf);
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
/* The prefix a --repweights value that names no column meant, for the error: the value up
 * to a pattern's first special character (R's "PWGTP[0-9]+", a shell's "PWGTP*") or whole,
 * compared without case, and the run of columns it starts (PWGTP1 .. PWGTP80, rw_001 ..:
 * the name less its digits). Writes "the columns A to B (N) have the prefix P" to out and
 * returns 1, or returns 0 when no column of that start ends in digits. */
static int near_prefix(const shopstat_reader *r, const char *spec, char *out, size_t size)
{
    size_t clen = strcspn(spec, "*?[(^$.+{\\");
    size_t ncols = shopstat_reader_ncols(r), count = 0, plen = 0;
    const char *first = NULL, *last = NULL;
    for (size_t i = 0; clen && i < ncols; i++) {
        const char *name = shopstat_reader_colname(r, i);
        size_t len = strlen(name), d = len;
        while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
            d--;
        if (d == len || d == 0 || d < clen || strncasecmp(name, spec, clen) != 0)
            continue;
        if (!first) {
            first = name;
            plen = d;
        } else if (d != plen || strncmp(name, first, plen) != 0)
            continue;
        last = name;
        count++;
    }
    if (!first)
        return 0;
    if (count == 1)
        snprintf(out, size, "the column %.60s has the prefix %.*s", first, (int)plen, first);
    else
        snprintf(out, size, "the columns %.40s to %.40s (%zu) have the prefix %.*s", first, last,
                 count, (int)(plen > 40 ? 40 : plen), first);
    return 1;
}

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
                st = shopstat_reader_column(r, name, "design_opts.repweights", &rw->cols[rw->R++],
                                            err);
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
            return shopstat_reader_column(r, name, "design_opts.repweights", &idx, err);
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
    if (!n) {
        char near[160];
        if (near_prefix(r, spec, near, sizeof near))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, shopstat_reader_path(r), 1, 1,
                                      "design_opts.repweights %s: no column is named %s "
                                      "followed by digits; %s; give the prefix or a "
                                      "comma-separated list",
                                      spec, spec, near);
        return shopstat_error_set(
            err, SHOPSTAT_EUSAGE, shopstat_reader_path(r), 1, 1,
            "design_opts.repweights %s: no column is named %s followed by digits "
            "(such as %s1); give the prefix or a comma-separated list",
            spec, spec, spec);
    }
    return SHOPSTAT_OK;
}

/* Parse "a,b,..." into R values (one value: all equal). */
static shopstat_status parse_rscales(shopstat_repweights *rw, const char *s, shopstat_error *err)
{
    size_t n = 0;
    const char *p = s;
    double first = NAN;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        double x = 0;
        shopstat_error e;
        shopstat_error_clear(&e);
        if (shopstat_rep_scale_parse(p, (size_t)(end - p), &x, &e) || x < 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "design_opts.rscales item %zu, '%.*s': %s; give non-negative "
                                      "numbers or fractions (such as 79/80) separated by commas",
                                      n + 1, (int)(end - p), p, e.msg[0] ? e.msg : "negative");
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
                                  "design_opts.rscales has %zu values but there are %zu replicate "
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
            "csv_opts.column_missing %.100s:%s %s replicate weight column '%s'%s: a replicate "
            "weight is part "
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
                                  "design_opts.repweights needs design_opts.reptype (brr, fay with "
                                  "design_opts.rho, jk1, jkn, "
                                  "jk2, bootstrap or sdr): the method the file's documentation "
                                  "names; 'shopstat describe DATA' reads a hint off the "
                                  "replicate weights' values");
    if (d->strata || d->psu || d->fpc)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design_opts.repweights replaces design_opts.strata, "
                                  "design_opts.psu and design_opts.fpc: the replicate "
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
                                  "design_opts.repweights %s selects %zu columns; between 2 and %d "
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
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "design_opts.reptype fay needs design_opts.rho R with 0 <= R < 1 (the Fay "
                "coefficient the weights were made with)");
        rw->scale = 1 / (Rd * (1 - d->rho) * (1 - d->rho));
        break;
    case SHOPSTAT_REP_JK1:
        rw->scale = (Rd - 1) / Rd;
        break;
    case SHOPSTAT_REP_JKN:
        if (!d->rscales)
            return shopstat_error_set(
                err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                "design_opts.reptype jkn needs design_opts.rscales: (n_h - 1)/n_h for each "
                "replicate, n_h the PSUs of its stratum (R requires them "
                "too); 'shopstat replicate' prints them");
        rw->scale = 1;
        break;
    case SHOPSTAT_REP_BOOTSTRAP:
        /* R: scale = bootstrap.average / (R - 1), bootstrap.average 1 unless given (mean
         * bootstrap weights, each the average of K replicates, vary sqrt(K) times less) */
        rw->scale = (d->bootstrap_average > 0 ? d->bootstrap_average : 1) / (Rd - 1);
        break;
    case SHOPSTAT_REP_SDR:
        rw->scale = 4 / Rd;
        break;
    case SHOPSTAT_REP_JK2:
        /* svrepdesign(type = "JK2"): each replicate drops one PSU of a pair and doubles
         * the other, so (theta_r - theta)^2 summed estimates the variance as is */
        rw->scale = 1;
        break;
    default:
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown design_opts.reptype");
    }
    if (!isnan(d->repscale)) {
        if (!(d->repscale > 0) || !isfinite(d->repscale))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "design_opts.repscale must be a positive number");
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
    rp->all.G = calloc(2 * rp->ntri, sizeof *rp->all.G);
    rp->rank1 = rank1_kernel();
    rp->sp = calloc(2 * R, sizeof *rp->sp);
    rp->all.m = calloc(R, sizeof *rp->all.m);
    rp->m = calloc(R, sizeof *rp->m);
    rp->mnew = calloc(R, sizeof *rp->mnew);
    rp->qbuf = calloc(R, sizeof *rp->qbuf);
    rp->max_dirs = REP_MAX_DIRS;
    const char *knob = getenv("SHOPSTAT_REP_MAX_DIRS");
    if (knob && atol(knob) > 0 && (size_t)atol(knob) < REP_MAX_DIRS)
        rp->max_dirs = (size_t)atol(knob);
    strmap_init(&rp->dirs, rp->max_dirs, rp->max_dirs * R * sizeof(double) + 1);
    if (!rp->x || !rp->sp || !rp->all.G || !rp->all.m || !rp->m || !rp->mnew || !rp->qbuf)
        return nomem(err);
    return SHOPSTAT_OK;
}

static void gram_flush(const rep_state *rp, gram_acc *a)
{
    if (a->serial)
        rp->rank1(a->G, rp->ntri, a->c, a->m, rp->R, rp->sp);
    a->c = 0;
}

static int materialize_ps(rep_state *rp);

/* The directions and their cached sums freed, once X'X is made real: rows go straight to
 * it from now on (direct). */
static void directions_drop(rep_state *rp)
{
    strmap_free(&rp->dirs);
    free(rp->dirm);
    free(rp->allc);
    free(rp->ekey);
    free(rp->eval);
    free(rp->dhash);
    free(rp->dslot);
    free(rp->pdir);
    free(rp->pg);
    free(rp->pkey);
    free(rp->pval);
    free(rp->phead);
    for (size_t k = 0; k < rp->npage; k++)
        free(rp->epage[k]);
    free(rp->epage);
    rp->epage = NULL;
    rp->phead = NULL;
    rp->neb = rp->npage = 0;
    rp->dirm = rp->allc = rp->eval = NULL;
    rp->ekey = rp->pkey = rp->dhash = NULL;
    rp->pdir = rp->pg = rp->pval = rp->dslot = NULL;
    rp->dircap = rp->esize = rp->ecount = 0;
    rp->ndirs = rp->dsize = rp->npairs = rp->paircap = rp->psize = 0;
    rp->direct = 1;
}

/* Build every X'X from the per-direction sums and switch to row-by-row updates
 * (too many directions), or finish. 0, or -1 out of memory (post-stratified only). */
static int materialize(rep_state *rp)
{
    if (rp->G)
        return materialize_ps(rp);
    size_t R = rp->R;
    for (size_t d = 0; d < rp->dirs.n; d++)
        rp->rank1(rp->all.G, rp->ntri, rp->allc[d], rp->dirm + d * R, R, rp->sp);
    for (size_t i = 0; i < rp->esize; i++)
        if (rp->ekey[i] != UINT64_MAX)
            rp->rank1(rp->acc[rp->ekey[i] >> 20].G, rp->ntri, rp->eval[i],
                      rp->dirm + (rp->ekey[i] & 0xfffff) * R, R, rp->sp);
    directions_drop(rp);
    return 0;
}

/* View g's whole-sample X'X made real once X'X is built row by row (direct): at the view's
 * first row, or when a merge brings it rows; the loaded view's is rp->all. 0 or -1. */
static int view_all_real(rep_state *rp, size_t g)
{
    gram_acc *a = g == rp->cur_g ? &rp->all : &rp->views[g].all;
    if (!a->G && !(a->G = calloc(2 * rp->ntri, sizeof *a->G)))
        return -1;
    if (!a->m && !(a->m = calloc(rp->R, sizeof *a->m)))
        return -1;
    return 0;
}

/* materialize for a post-stratified design in the pass (too many directions): each
 * view's X'X made real and built from its directions, uncalibrated (the factors are known
 * only after the pass); then row by row, per view. */
static int materialize_ps(rep_state *rp)
{
    size_t R = rp->R, ntri = rp->ntri;
    view_save(rp);
    for (size_t g = 0; g < rp->G; g++) {
        rep_view *v = &rp->views[g];
        if (!v->W) /* (no row yet: made at its first, view_all_real) */
            continue;
        if (!v->all.G && !(v->all.G = calloc(2 * ntri, sizeof *v->all.G)))
            return -1;
        if (!v->all.m && !(v->all.m = calloc(R, sizeof *v->all.m)))
            return -1;
        for (size_t s = 0; s < v->n; s++) {
            gram_acc *a = &v->acc[s];
            if (a->G != rep_marker)
                continue;
            a->G = a->m = NULL;
            if (!(a->G = calloc(2 * ntri, sizeof *a->G)) || !(a->m = calloc(R, sizeof *a->m))) {
                /* (a half-made pair is freed as a pair; the marks left are skipped) */
                free(a->G);
                a->G = a->m = NULL;
                return -1;
            }
        }
    }
    for (size_t p = 0; p < rp->npairs; p++)
        rp->rank1(rp->views[rp->pg[p]].all.G, ntri, rp->allc[p], rp->dirm + (size_t)rp->pdir[p] * R,
                  R, rp->sp);
    for (size_t p = 0; p < rp->npairs; p++) {
        /* (each cell has its slot in p's view: its X'X was made before the entry) */
        const rep_view *v = &rp->views[rp->pg[p]];
        for (uint32_t b = rp->phead[p]; b; b = eblock(rp, b)->next) {
            const rep_eblock *k = eblock(rp, b);
            for (uint32_t i = 0; i < k->n; i++)
                rp->rank1(v->acc[v->slot[k->cell[i]] - 1].G, ntri, k->c[i],
                          rp->dirm + (size_t)rp->pdir[p] * R, R, rp->sp);
        }
    }
    directions_drop(rp);
    const rep_view *v = &rp->views[rp->cur_g]; /* (reloaded: all is real now) */
    rp->all = v->all;
    return 0;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* An open-addressing table of 64-bit keys (UINT64_MAX: an empty slot, probed linearly from
 * mix(key)) with values of vsize bytes in a parallel array: its slots doubled (first at
 * first) and its keys rehashed into *keys; *nvals the values' new array (zeroed where
 * empty), for the caller to put in place of vals. 0, or -1 out of memory (nothing changed). */
static int u64tab_grow(uint64_t **keys, size_t *size, size_t first, const void *vals,
                       size_t vsize, void **nvals)
{
    size_t ns = *size ? *size * 2 : first;
    uint64_t *k = malloc(ns * sizeof *k);
    unsigned char *v = calloc(ns, vsize);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < ns; i++)
        k[i] = UINT64_MAX;
    for (size_t i = 0; i < *size; i++) {
        if ((*keys)[i] == UINT64_MAX)
            continue;
        size_t j = mix((*keys)[i]) & (ns - 1);
        while (k[j] != UINT64_MAX)
            j = (j + 1) & (ns - 1);
        k[j] = (*keys)[i];
        memcpy(v + j * vsize, (const unsigned char *)vals + i * vsize, vsize);
    }
    free(*keys);
    *keys = k;
    *size = ns;
    *nvals = v;
    return 0;
}

/* entry_add of a post-stratified design: factor c summed into (cell, pair p) in p's chain;
 * -1 past REP_MAX_ENTRIES, or out of memory. */
static int pentry_add(rep_state *rp, size_t cell, size_t p, double c)
{
    for (uint32_t b = rp->phead[p]; b;) {
        rep_eblock *k = eblock(rp, b);
        for (uint32_t i = 0; i < k->n; i++)
            if (k->cell[i] == cell) {
                k->c[i] += c;
                return 0;
            }
        b = k->next;
    }
    if (rp->ecount + 1 > REP_MAX_ENTRIES || cell > UINT32_MAX)
        return -1;
    uint32_t h = rp->phead[p];
    if (!h || eblock(rp, h)->n == REP_EBLOCK) {
        if (rp->neb == rp->npage * REP_EPAGE) {
            rep_eblock **pg = realloc(rp->epage, (rp->npage + 1) * sizeof *pg);
            if (!pg)
                return -1;
            rp->epage = pg;
            if (!(pg[rp->npage] = malloc(REP_EPAGE * sizeof **pg)))
                return -1;
            rp->npage++;
        }
        uint32_t nb = (uint32_t)++rp->neb;
        rep_eblock *k = eblock(rp, nb);
        k->n = 0;
        k->next = h;
        rp->phead[p] = h = nb;
    }
    rep_eblock *k = eblock(rp, h);
    k->cell[k->n] = (uint32_t)cell;
    k->c[k->n++] = c;
    rp->ecount++;
    return 0;
}

/* Sum factor c into (cell, direction); -1 when the table is full (then: direct). */
static int entry_add(rep_state *rp, size_t cell, size_t dir, double c)
{
    if (rp->G)
        return pentry_add(rp, cell, dir, c);
    if (2 * (rp->ecount + 1) > rp->esize) {
        if (rp->ecount + 1 > REP_MAX_ENTRIES)
            return -1;
        void *nv;
        if (u64tab_grow(&rp->ekey, &rp->esize, 1024, rp->eval, sizeof *rp->eval, &nv))
            return -1;
        free(rp->eval);
        rp->eval = nv;
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

/* A direction's key: each word rounded to 40 significant bits (x / w of one PSU's rows may
 * differ in the last bits; a value that still rounds apart only costs a second entry). */
static inline __attribute__((always_inline)) void dir_round(const double *m, uint64_t *q, size_t R)
{
    for (size_t r = 0; r < R; r++) {
        uint64_t b;
        double v = m[r] + 0.0; /* -0 as 0 (-0 + 0 is +0), without a branch */
        memcpy(&b, &v, sizeof b);
        q[r] = (b + 0x800) & ~(uint64_t)0xfff;
    }
}

/* Id of the current direction rp->m, adding it; -1: too many, or out of memory (then:
 * direct, materialize). */
static inline __attribute__((always_inline)) long direction_id(rep_state *rp, size_t nkey)
{
    size_t R = rp->R;
    dir_round(rp->m, rp->qbuf, R);
    /* room for one more direction before it is added: a direction in dirs without its
     * row in dirm and its sum in allc would be read by materialize */
    if (rp->dirs.n == rp->dircap && rp->dirs.n < rp->max_dirs) {
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
    size_t n = nkey * sizeof *rp->qbuf;
    int added = 0;
    size_t id = strmap_add(&rp->dirs, (const char *)rp->qbuf, n,
                           dir_hash((const char *)rp->qbuf, n), &added);
    if (id == STRMAP_FULL || id == STRMAP_NOMEM)
        return -1;
    if (added)
        memcpy(rp->dirm + id * R, rp->m, R * sizeof *rp->dirm);
    return (long)id;
}

/* ---- a post-stratified design's directions: dirm, indexed by the hash of the key (no copy
 * of the key: dirm's row is compared through its rounding) ---- */

/* 1 when direction d rounds to the key q (dir_round) */
static int dir_is(const rep_state *rp, size_t d, const uint64_t *q)
{
    const double *m = rp->dirm + d * rp->R;
    uint64_t diff = 0;
    for (size_t r = 0; r < rp->R; r++) {
        uint64_t b;
        double v = m[r] + 0.0;
        memcpy(&b, &v, sizeof b);
        diff |= ((b + 0x800) & ~(uint64_t)0xfff) ^ q[r];
    }
    return diff == 0;
}

/* Id of the direction of key q (hash h), or -1 */
static long dir_find(const rep_state *rp, const uint64_t *q, uint64_t h)
{
    if (!rp->dsize)
        return -1;
    for (size_t j = h & (rp->dsize - 1); rp->dslot[j]; j = (j + 1) & (rp->dsize - 1)) {
        size_t d = rp->dslot[j] - 1;
        if (rp->dhash[d] == h && dir_is(rp, d, q))
            return (long)d;
    }
    return -1;
}

/* Direction m (key hash h, not in the table) added: its row in dirm; its id, or -1 past
 * max_dirs directions or out of memory. */
static __attribute__((noinline)) long dir_add(rep_state *rp, const double *m, uint64_t h)
{
    size_t R = rp->R;
    if (rp->ndirs >= rp->max_dirs)
        return -1;
    if (rp->ndirs == rp->dircap) {
        size_t nc = rp->dircap ? rp->dircap * 2 : 64;
        double *dm = realloc(rp->dirm, nc * R * sizeof *dm);
        if (dm)
            rp->dirm = dm;
        uint64_t *dh = dm ? realloc(rp->dhash, nc * sizeof *dh) : NULL;
        if (!dh)
            return -1;
        rp->dhash = dh;
        rp->dircap = nc;
    }
    if (2 * (rp->ndirs + 1) > rp->dsize) {
        size_t ns = rp->dsize ? rp->dsize * 2 : 128;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl)
            return -1;
        for (size_t d = 0; d < rp->ndirs; d++) {
            size_t j = rp->dhash[d] & (ns - 1);
            while (sl[j])
                j = (j + 1) & (ns - 1);
            sl[j] = (uint32_t)(d + 1);
        }
        free(rp->dslot);
        rp->dslot = sl;
        rp->dsize = ns;
    }
    size_t d = rp->ndirs++, j = h & (rp->dsize - 1);
    while (rp->dslot[j])
        j = (j + 1) & (rp->dsize - 1);
    rp->dslot[j] = (uint32_t)(d + 1);
    rp->dhash[d] = h;
    memcpy(rp->dirm + d * R, m, R * sizeof *rp->dirm);
    return (long)d;
}

/* direction_id of a post-stratified design (its directions in dirm, dslot) */
static inline __attribute__((always_inline)) long direction_id_ps(rep_state *rp)
{
    size_t R = rp->R, n = R * sizeof *rp->qbuf;
    dir_round(rp->m, rp->qbuf, R);
    uint64_t h = dir_hash((const char *)rp->qbuf, n);
    long d = dir_find(rp, rp->qbuf, h);
    return d >= 0 ? d : dir_add(rp, rp->m, h);
}

/* pair_id's new pair (key = d << 32 | g): the arrays and the table grown first, so that a
 * pair in the table always has its allc; -1 past max_dirs pairs, or out of memory. */
static __attribute__((noinline)) long pair_new(rep_state *rp, uint64_t key, size_t d, size_t g)
{
    if (rp->npairs >= rp->max_dirs)
        return -1;
    if (rp->npairs == rp->paircap) {
        size_t nc = rp->paircap ? rp->paircap * 2 : 64;
        uint32_t *pd = realloc(rp->pdir, nc * sizeof *pd);
        if (pd)
            rp->pdir = pd;
        uint32_t *pgs = pd ? realloc(rp->pg, nc * sizeof *pgs) : NULL;
        if (pgs)
            rp->pg = pgs;
        uint32_t *ph = pgs ? realloc(rp->phead, nc * sizeof *ph) : NULL;
        if (ph)
            rp->phead = ph;
        double *ac = ph ? realloc(rp->allc, nc * sizeof *ac) : NULL;
        if (!ac)
            return -1;
        memset(ac + rp->paircap, 0, (nc - rp->paircap) * sizeof *ac);
        rp->allc = ac;
        rp->paircap = nc;
    }
    if (2 * (rp->npairs + 1) > rp->psize) {
        void *nv;
        if (u64tab_grow(&rp->pkey, &rp->psize, 256, rp->pval, sizeof *rp->pval, &nv))
            return -1;
        free(rp->pval);
        rp->pval = nv;
    }
    size_t j = mix(key) & (rp->psize - 1);
    while (rp->pkey[j] != UINT64_MAX)
        j = (j + 1) & (rp->psize - 1);
    size_t p = rp->npairs++;
    rp->pkey[j] = key;
    rp->pval[j] = (uint32_t)p;
    rp->pdir[p] = (uint32_t)d;
    rp->pg[p] = (uint32_t)g;
    rp->phead[p] = 0;
    return (long)p;
}

/* Id of the pair (direction d, post-stratum g), or -1 when there is none. */
static long pair_find(const rep_state *rp, size_t d, size_t g)
{
    uint64_t key = (uint64_t)d << 32 | g;
    if (!rp->psize)
        return -1;
    for (size_t j = mix(key) & (rp->psize - 1); rp->pkey[j] != UINT64_MAX;
         j = (j + 1) & (rp->psize - 1))
        if (rp->pkey[j] == key)
            return (long)rp->pval[j];
    return -1;
}

/* Id of the pair (direction d, post-stratum g), adding it; -1: too many pairs, or out of
 * memory (then: direct, materialize). */
static inline long pair_id(rep_state *rp, size_t d, size_t g)
{
    long p = pair_find(rp, d, g);
    return p >= 0 ? p : pair_new(rp, (uint64_t)d << 32 | g, d, g);
}

/* Add the current row: extend the pending run, or flush it and start a new one. */
static void gram_add(const rep_state *rp, gram_acc *a)
{
    if (a->serial != rp->serial) {
        gram_flush(rp, a);
        memcpy(a->m, rp->m, rp->R * sizeof *a->m);
        a->serial = rp->serial;
    }
    a->c += rp->c;
}

static int rep_ranks(rep_state *rp);

static shopstat_status rep_ps_combine(shopstat_totals *t, shopstat_error *err);

shopstat_status rep_finish(shopstat_totals *t, shopstat_error *err)
{
    rep_state *rp = t->rep;
    shopstat_status st;
    rp->kept_dirs = rp->G ? rp->ndirs : rp->dirs.n;
    if (rp->G && (st = rep_ps_combine(t, err)))
        return st;
    if (!rp->direct && materialize(rp))
        return nomem(err);
    gram_flush(rp, &rp->all);
    for (size_t c = 0; c < rp->cap; c++)
        if (rp->acc[c].G)
            gram_flush(rp, &rp->acc[c]);
    return rep_ranks(rp) ? nomem(err) : SHOPSTAT_OK;
}

/* memo's slot for a text: from its length and its first and last 8 bytes */
static inline __attribute__((always_inline)) size_t memo_slot(const char *s, size_t n)
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

/* This row's replicate weights into rp->x, or an error at the row. */
static inline __attribute__((always_inline)) shopstat_status
rep_read(shopstat_totals *t, const shopstat_row *row, shopstat_error *err)
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
                       "(csv_opts.column_missing COLS:"
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
    return SHOPSTAT_OK;
}

/* The row's direction (rp->x read); a new one when it differs from the last row's, or
 * always when fresh; ps: post-stratified, cur_dir is the pair of the direction and the
 * loaded view's post-stratum. 0, or -1 out of memory (post-stratified only). */
static inline __attribute__((always_inline)) int rep_direction(rep_state *rp, double w, int ps,
                                                               int fresh)
{
    /* Direction of this row; the same as the last row's (to 1e-12, i.e. up to the
     * rounding of x = w m) continues the run. A relative change of 1e-12 in X'X cannot
     * move the rank decision, made at 1e-5. */
    double inv = w > 0 ? 1 / w : 1;
    int same = rp->serial != 0 && !fresh;
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
            long id = ps ? direction_id_ps(rp) : direction_id(rp, rp->R);
            if (ps && id >= 0)
                id = pair_id(rp, (size_t)id, rp->cur_g);
            if (id < 0)
                return materialize(rp);
            rp->cur_dir = (size_t)id;
        }
    }
    return 0;
}

shopstat_status rep_row(shopstat_totals *t, const shopstat_row *row, double w,
                        shopstat_error *err)
{
    shopstat_status st = rep_read(t, row, err);
    if (st)
        return st;
    rep_direction(t->rep, w, 0, 0); /* (-1 only when post-stratified) */
    return SHOPSTAT_OK;
}

shopstat_status rep_row_ps(shopstat_totals *t, const shopstat_row *row, double w, size_t g,
                           shopstat_error *err)
{
    rep_state *rp = t->rep;
    shopstat_status st = rep_read(t, row, err);
    if (st)
        return st;
    size_t R = rp->R;
    double *W = rp->views[g].W;
    if (!W && !(W = rp->views[g].W = calloc(R, sizeof *W)))
        return nomem(err);
    /* (a view met once X'X is built row by row: materialize_ps made only those met before) */
    if (rp->direct && view_all_real(rp, g))
        return nomem(err);
    for (size_t r = 0; r < R; r++)
        W[r] += rp->x[r];
    int moved = g != rp->cur_g; /* (a new pair, even for the same direction) */
    view_load(rp, g);
    return rep_direction(rp, w, 1, moved) ? nomem(err) : SHOPSTAT_OK;
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

static __attribute__((noinline)) int gram_new(const rep_state *rp, gram_acc *a)
{
    /* a post-stratum's view while the directions are few: a mark (rep_marker) */
    if (rp->G && !rp->direct) {
        a->G = a->m = rep_marker;
        return 0;
    }
    /* (each part on its own: after a failure of the second, the next call makes it) */
    if (!a->G && !(a->G = calloc(2 * rp->ntri, sizeof *a->G)))
        return -1;
    if (!a->m && !(a->m = calloc(rp->R, sizeof *a->m)))
        return -1;
    return 0;
}

static inline int gram_alloc(const rep_state *rp, gram_acc *a)
{
    return a->G && a->m ? 0 : gram_new(rp, a);
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

/* Cell c's replicate totals and X'X past rp->cap: T and acc grown, or (post-stratified,
 * where cap stays 0) the slot of c in the view of the row's post-stratum; 0 or -1. */
static __attribute__((noinline)) int rep_cell_far(const shopstat_totals *t, rep_state *rp, size_t c,
                                                  double **Tc, gram_acc **a)
{
    if (rp->G) {
        rep_view *v = &rp->views[rp->cur_g];
        size_t s = view_slot(t, rp, v, c);
        if (s == SIZE_MAX)
            return -1;
        *Tc = v->T + s * rp->R;
        *a = &v->acc[s];
        return 0;
    }
    if (rep_reserve(t, rp, c))
        return -1;
    *Tc = rp->T + c * rp->R;
    *a = &rp->acc[c];
    return 0;
}

int rep_add(shopstat_totals *t, long c, int base)
{
    rep_state *rp = t->rep;
    size_t R = rp->R;
    double *Tc;
    gram_acc *ca;
    if ((size_t)c < rp->cap) {
        Tc = rp->T + (size_t)c * R;
        ca = &rp->acc[c];
    } else if (rep_cell_far(t, rp, (size_t)c, &Tc, &ca))
        return -1;
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
        if (gram_alloc(rp, ca))
            return -1;
        if (!rp->direct && entry_add(rp, (size_t)c, rp->cur_dir, rp->c) && materialize(rp))
            return -1;
        if (rp->direct)
            gram_add(rp, ca);
    }
    return 0;
}

/* X'X of every cell and of the whole sample added to g's (both built: direct mode), w's
 * zeroed; w's pending runs are flushed first. */
static void merge_grams(rep_state *gp, rep_state *wp, size_t ncell, const long *cells)
{
    size_t ntri = gp->ntri;
    gram_flush(wp, &wp->all);
    gram_merge(gp->all.G, wp->all.G, ntri);
    for (size_t c = 0; c < wp->cap && c < ncell; c++) {
        gram_acc *wa = &wp->acc[c];
        if (!wa->G)
            continue;
        gram_flush(wp, wa);
        gram_merge(gp->acc[cells[c]].G, wa->G, ntri);
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
        /* room for one more direction before it is added (as direction_id): a direction
         * in dirs without its row in dirm and its sum in allc, after an allocation failed
         * here, would be read by materialize, which the caller runs on a -1 */
        if (gp->dirs.n >= gp->dircap) {
            size_t nc = gp->dircap ? gp->dircap * 2 : 64;
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
        int added = 0;
        size_t id = strmap_add(&gp->dirs, k, n, dir_hash(k, n), &added);
        if (id == STRMAP_FULL || id == STRMAP_NOMEM) {
            free(dmap);
            return -1;
        }
        if (added)
            memcpy(gp->dirm + id * R, wp->dirm + d * R, R * sizeof *gp->dirm);
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

/* merge_directions of post-stratified designs: w's directions added to g's where g has
 * none, and w's pairs' and (cell, pair) factors to g's pairs, made in w's order; -1 when g
 * cannot take them all (checked before anything is added), or out of memory. */
static int merge_pairs(rep_state *gp, rep_state *wp, const long *cells)
{
    size_t R = gp->R, nd = wp->ndirs, np = wp->npairs, fresh = 0, freshd = 0;
    long *dmap = malloc((nd + np + 1) * sizeof *dmap), *pmap = dmap + nd;
    if (!dmap)
        return -1;
    for (size_t d = 0; d < nd; d++) {
        dir_round(wp->dirm + d * R, wp->qbuf, R); /* (w's rows are parsed: its scratch) */
        dmap[d] = dir_find(gp, wp->qbuf, wp->dhash[d]);
        freshd += dmap[d] < 0;
    }
    for (size_t p = 0; p < np; p++) {
        long gd = dmap[wp->pdir[p]];
        fresh += gd < 0 || pair_find(gp, (size_t)gd, wp->pg[p]) < 0;
    }
    if (gp->ndirs + freshd > gp->max_dirs || gp->npairs + fresh > gp->max_dirs ||
        gp->ecount + wp->ecount > REP_MAX_ENTRIES) {
        free(dmap);
        return -1;
    }
    int rc = 0;
    for (size_t d = 0; d < nd && !rc; d++)
        if (dmap[d] < 0 && (dmap[d] = dir_add(gp, wp->dirm + d * R, wp->dhash[d])) < 0)
            rc = -1;
    for (size_t p = 0; p < np && !rc; p++) {
        long gpid = pair_id(gp, (size_t)dmap[wp->pdir[p]], wp->pg[p]);
        if (gpid < 0) {
            rc = -1;
            break;
        }
        pmap[p] = gpid;
        gp->allc[gpid] += wp->allc[p];
        wp->allc[p] = 0;
    }
    for (size_t p = 0; p < np && !rc; p++)
        for (uint32_t b = wp->phead[p]; b && !rc; b = eblock(wp, b)->next) {
            rep_eblock *k = eblock(wp, b);
            for (uint32_t i = 0; i < k->n && !rc; i++) {
                if (k->c[i] == 0)
                    continue;
                if (pentry_add(gp, (size_t)cells[k->cell[i]], (size_t)pmap[p], k->c[i]))
                    rc = -1; /* out of memory: the capacity was checked */
                else
                    k->c[i] = 0;
            }
        }
    free(dmap);
    return rc;
}

/* to[0..n) += from[0..n), from zeroed (a worker's totals start its next chunk at 0) */
static void move_sums(double *to, double *from, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        to[r] += from[r];
        from[r] = 0;
    }
}

/* w's replicate totals added to g's (w's zeroed), and X'X accumulators made in g where w
 * has them (base cells); 0 or -1. */
static int merge_totals(shopstat_totals *g, rep_state *gp, rep_state *wp, size_t ncell,
                        const long *cells)
{
    size_t R = gp->R;
    for (size_t c = 0; c < wp->cap && c < ncell; c++) {
        size_t gc = (size_t)cells[c];
        if (rep_reserve(g, gp, gc))
            return -1;
        move_sums(gp->T + gc * R, wp->T + c * R, R);
        if (wp->acc[c].G && gram_alloc(gp, &gp->acc[gc]))
            return -1;
    }
    return 0;
}

/* merge_totals of one post-stratum's views: w's slots added to g's (made where g has
 * none); 0 or -1. */
static int merge_view_totals(shopstat_totals *g, rep_state *gp, rep_view *gv, rep_view *wv,
                             size_t ncell, const long *cells)
{
    size_t R = gp->R;
    for (size_t s = 0; s < wv->n; s++) {
        if (wv->cell[s] >= ncell)
            continue;
        size_t gs = view_slot(g, gp, gv, (size_t)cells[wv->cell[s]]);
        if (gs == SIZE_MAX)
            return -1;
        move_sums(gv->T + gs * R, wv->T + s * R, R);
        if (wv->acc[s].G && gram_alloc(gp, &gv->acc[gs]))
            return -1;
    }
    return 0;
}

/* merge_grams of one post-stratum's views, both loaded (their all in gp and wp). */
static void merge_view_grams(rep_state *gp, rep_view *gv, rep_state *wp, rep_view *wv, size_t ncell,
                             const long *cells)
{
    size_t ntri = gp->ntri;
    gram_flush(wp, &wp->all);
    gram_merge(gp->all.G, wp->all.G, ntri);
    for (size_t s = 0; s < wv->n; s++) {
        gram_acc *wa = &wv->acc[s];
        if (!wa->G || wv->cell[s] >= ncell)
            continue;
        gram_flush(wp, wa);
        gram_merge(gv->acc[gv->slot[cells[wv->cell[s]]] - 1].G, wa->G, ntri);
    }
}

/* rep_merge of post-stratified designs: view by view, and the post-strata's sums. */
static int merge_ps(shopstat_totals *g, shopstat_totals *w, const long *cells)
{
    rep_state *gp = g->rep, *wp = w->rep;
    size_t ncell = w->ncell, gcur = gp->cur_g, wcur = wp->cur_g;
    for (size_t k = 0; k < gp->G; k++) {
        double *wW = wp->views[k].W, *gW = gp->views[k].W;
        if (!wW)
            continue;
        if (!gW && !(gW = gp->views[k].W = calloc(gp->R, sizeof *gW)))
            return -1;
        for (size_t r = 0; r < gp->R; r++) {
            gW[r] += wW[r];
            wW[r] = 0;
        }
    }
    int rc = 0;
    for (size_t k = 0; k < gp->G && !rc; k++)
        rc = merge_view_totals(g, gp, &gp->views[k], &wp->views[k], ncell, cells);
    if (!rc && (gp->direct || wp->direct || merge_pairs(gp, wp, cells))) {
        /* too many directions for g, or w has already built its X'X: both do */
        rc = (!gp->direct && materialize(gp)) || (!wp->direct && materialize(wp)) ? -1 : 0;
        for (size_t k = 0; k < gp->G && !rc; k++) {
            if (!wp->views[k].W) /* (no row of w's there) */
                continue;
            if (view_all_real(gp, k)) {
                rc = -1;
                break;
            }
            view_load(gp, k);
            view_load(wp, k);
            merge_view_grams(gp, &gp->views[k], wp, &wp->views[k], ncell, cells);
        }
    }
    view_load(gp, gcur);
    view_load(wp, wcur);
    return rc;
}

int rep_merge(shopstat_totals *g, shopstat_totals *w, const long *cells)
{
    rep_state *gp = g->rep, *wp = w->rep;
    if (gp->G)
        return merge_ps(g, w, cells);
    size_t ncell = w->ncell;
    /* replicate totals, and X'X accumulators where w has them (base cells) */
    if (merge_totals(g, gp, wp, ncell, cells))
        return -1;
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

/* ---- post-stratification (R's postStratify.svyrep.design) ---- */

shopstat_status rep_ps_bind(shopstat_totals *t, shopstat_error *err)
{
    rep_state *rp = t->rep;
    size_t G = t->ps->rk ? rake_cells(t->ps->rk) : t->ps->strata.n;
    if (!G)
        return SHOPSTAT_OK;
    /* raked: a view for each joint cell of the margins, met or not (its totals, X'X and
     * W are made for the cells that rows reach) */
    if (t->ps->rk && G > REP_RAKE_CELLS)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, NULL, 0, 0,
                                  "design_opts.rake: the margins cross into %zu cells, more "
                                  "than the %zu a replicate design's raking takes: rake on "
                                  "fewer or coarser margins",
                                  G, (size_t)REP_RAKE_CELLS);
    rp->views = calloc(G, sizeof *rp->views);
    if (!rp->views)
        return nomem(err);
    /* every view's whole-sample X'X is made when needed (materialize_ps, rep_ps_combine) */
    free(rp->all.G);
    free(rp->all.m);
    rp->all.G = rp->all.m = NULL;
    rp->G = G;
    rp->cur_g = 0;
    return SHOPSTAT_OK;
}

/* X'X of a = (D X)'(D X) for b = X'X, D = diag(f): b's entries times f_i f_j added into a's,
 * in double-double (the product's error terms kept, as rank1's). */
static void gram_scaled_add(double *a, const double *b, const double *f, size_t R, size_t ntri)
{
    for (size_t i = 0, k = 0; i < R; i++)
        for (size_t j = 0; j <= i; j++, k++) {
            double hi = b[k], lo = b[ntri + k];
            if (hi == 0 && lo == 0)
                continue;
            double s, se, p, pe;
            two_prod(f[i], f[j], &s, &se);
            two_prod(hi, s, &p, &pe);
            dd_acc(a + k, a + ntri + k, p, pe + hi * se + lo * s);
        }
}

/* Pair p's direction times its post-stratum's factors, into m */
static void pair_scaled(const rep_state *rp, size_t p, const double *f, const size_t *fj, double *m)
{
    const double *d = rp->dirm + (size_t)rp->pdir[p] * rp->R, *fg = f + fj[rp->pg[p]] * rp->R;
    for (size_t r = 0; r < rp->R; r++)
        m[r] = d[r] * fg[r];
}

/* materialize after rep_ps_combine: the whole sample's and the base cells' X'X (made, empty)
 * built from the pairs' factor sums, each pair's direction scaled by its post-stratum's
 * replicate factors (f + fj[g] R) into a scratch as it is added: the products, and the
 * order of the additions, that the directions scaled in place gave when each was one
 * post-stratum's, with a direction kept once per PSU. */
static void materialize_scaled(rep_state *rp, const double *f, const size_t *fj)
{
    size_t R = rp->R, ntri = rp->ntri;
    double *m = rp->mnew; /* (the rows' scratch: the pass is over) */
    for (size_t p = 0; p < rp->npairs; p++) {
        pair_scaled(rp, p, f, fj, m);
        rp->rank1(rp->all.G, ntri, rp->allc[p], m, R, rp->sp);
    }
    for (size_t p = 0; p < rp->npairs; p++) {
        if (!rp->phead[p])
            continue;
        pair_scaled(rp, p, f, fj, m);
        for (uint32_t b = rp->phead[p]; b; b = eblock(rp, b)->next) {
            const rep_eblock *k = eblock(rp, b);
            for (uint32_t i = 0; i < k->n; i++)
                rp->rank1(rp->acc[k->cell[i]].G, ntri, k->c[i], m, R, rp->sp);
        }
    }
    directions_drop(rp);
}

/* After the pass: each replicate's factors N_g / (its weights' sum over g), the views'
 * totals calibrated by them and summed into one, and every X'X the calibrated weights'
 * (the directions scaled, or the views' X'X); from here the design is as any other. A
 * replicate whose weights of a post-stratum sum to 0 cannot be calibrated: an error at
 * the post-stratum's line of the population file (R's postStratify divides by 0, the
 * replicate's weights of g become NaN, and its degf's qr stops: "NA/NaN/Inf in foreign
 * function call"). */
static shopstat_status rep_ps_combine(shopstat_totals *t, shopstat_error *err)
{
    rep_state *rp = t->rep;
    const ps_state *ps = t->ps;
    size_t R = rp->R, G = rp->G, ntri = rp->ntri;
    view_save(rp);
    /* f + fj[g] R: post-stratum g's factors (raked: joint cell g's, for the cells met) */
    size_t *fj = malloc((G + 1) * sizeof *fj);
    double *what = calloc(2 * G + 1, sizeof *what), *comp = what + G, *f = NULL;
    shopstat_status st = SHOPSTAT_OK;
    if (!fj || !what) {
        st = nomem(err);
        goto factored;
    }
    /* the full sample's weight of each post-stratum: one without any is ps_calibrate's
     * error (no row, or weights of 0), which comes after (raked: summed as rake_fit does) */
    for (size_t u = 0; u < t->nunits; u++)
        ksum(&what[ps->g[u]], &comp[ps->g[u]], ps->wsum[u]);
    if (ps->rk) {
        size_t J = 0;
        for (size_t g = 0; g < G; g++)
            J += rp->views[g].W != NULL;
        uint32_t *code = malloc((J + 1) * sizeof *code);
        double *W0 = malloc((J + 1) * sizeof *W0);
        const double **Wr = malloc((J + 1) * sizeof *Wr);
        f = malloc((J * R + 1) * sizeof *f);
        if (code && W0 && Wr && f) {
            for (size_t g = 0, j = 0; g < G; g++) {
                fj[g] = j;
                if (!rp->views[g].W)
                    continue;
                code[j] = (uint32_t)g;
                W0[j] = what[g] + comp[g];
                Wr[j++] = rp->views[g].W;
            }
            st = rake_rep_fit(t, code, J, W0, Wr, R, rp->cols, f, err);
        } else {
            st = nomem(err);
        }
        free(code);
        free(W0);
        free(Wr);
        goto factored;
    }
    if (!(f = malloc((G * R + 1) * sizeof *f))) {
        st = nomem(err);
        goto factored;
    }
    for (size_t g = 0; g < G && !st; g++) {
        fj[g] = g;
        const double *Wv = rp->views[g].W;
        for (size_t r = 0; r < R && !st; r++) {
            double W = Wv ? Wv[r] : 0;
            f[g * R + r] = what[g] > 0 ? ps->N[g] / W : 0;
            if (what[g] > 0 && !(W != 0 && isfinite(f[g * R + r]))) {
                char shown[200];
                ps_name(ps, g, shown, sizeof shown);
                st = shopstat_error_set(
                    err, SHOPSTAT_EINPUT, ps->path, ps->line[g], 1,
                    "post-stratum '%s': replicate weight column '%s' sums to %g over its rows "
                    "in %s, so that replicate cannot be calibrated to the post-stratum's total "
                    "(R's postStratify stops too: its weights become NaN); join the "
                    "post-stratum to a neighbouring one",
                    shown, shopstat_reader_colname(t->reader, rp->cols[r]), W, t->path);
            }
        }
    }
factored:
    free(what);
    /* one dense table of the cells again, as without post-strata */
    size_t cap = t->ncell;
    for (size_t g = 0; g < G; g++)
        for (size_t s = 0; s < rp->views[g].n; s++)
            cap = rp->views[g].cell[s] >= cap ? (size_t)rp->views[g].cell[s] + 1 : cap;
    double *T = st ? NULL : calloc(cap * R + 1, sizeof *T);
    gram_acc *acc = st ? NULL : calloc(cap + 1, sizeof *acc);
    gram_acc all = {0};
    if (!st && (!T || !acc || !(all.G = calloc(2 * ntri, sizeof *all.G)) ||
                !(all.m = calloc(R, sizeof *all.m))))
        st = nomem(err);
    /* the calibrated totals, and a real X'X for every base cell (while the directions are
     * few, a mark: made once the views are freed, which no longer need the room) */
    for (size_t g = 0; g < G && !st; g++) {
        const rep_view *v = &rp->views[g];
        const double *fg = f + fj[g] * R;
        for (size_t s = 0; s < v->n; s++) {
            size_t c = v->cell[s];
            const double *Tv = v->T + s * R;
            double *Tc = T + c * R;
            for (size_t r = 0; r < R; r++)
                Tc[r] += Tv[r] * fg[r];
            if (v->acc[s].G && !acc[c].G && !rp->direct)
                acc[c].G = acc[c].m = rep_marker;
            else if (v->acc[s].G && !acc[c].G &&
                     (!(acc[c].G = calloc(2 * ntri, sizeof *acc[c].G)) ||
                      !(acc[c].m = calloc(R, sizeof *acc[c].m))))
                st = nomem(err);
        }
    }
    if (!st && rp->direct) {
        /* each view's X'X, its runs flushed, scaled by its factors (else the directions
         * are, materialize_scaled) */
        for (size_t g = 0; g < G; g++) {
            rep_view *v = &rp->views[g];
            if (!v->W) /* (no row: nothing to add, and no factors) */
                continue;
            const double *fg = f + fj[g] * R;
            gram_flush(rp, &v->all);
            gram_scaled_add(all.G, v->all.G, fg, R, ntri);
            for (size_t s = 0; s < v->n; s++)
                if (v->acc[s].G) {
                    gram_flush(rp, &v->acc[s]);
                    gram_scaled_add(acc[v->cell[s]].G, v->acc[s].G, fg, R, ntri);
                }
        }
    }
    views_free(rp);
    for (size_t c = 0; c < cap && !st; c++)
        if (acc[c].G == rep_marker) {
            acc[c].G = acc[c].m = NULL;
            if (!(acc[c].G = calloc(2 * ntri, sizeof *acc[c].G)) ||
                !(acc[c].m = calloc(R, sizeof *acc[c].m)))
                st = nomem(err);
        }
    rp->G = 0;
    rp->T = T;
    rp->acc = acc;
    rp->cap = cap;
    rp->all = all;
    if (!st && !rp->direct)
        materialize_scaled(rp, f, fj); /* (the calibrated directions' X'X) */
    free(f);
    free(fj);
    if (st) {
        for (size_t c = 0; acc && c < cap; c++)
            gram_release(&acc[c]);
        free(acc);
        free(T);
        free(all.G);
        free(all.m);
        rp->T = NULL;
        rp->acc = NULL;
        rp->cap = 0;
        rp->all.G = rp->all.m = NULL;
    }
    return st;
}

/* ---- double-double arithmetic for the rank's fallback (Hida, Li & Bailey's QD) ---- */
typedef struct dd {
    double hi, lo;
} dd;

static inline dd dd_norm(double s, double e)
{
    dd r;
    r.hi = s + e;
    r.lo = e - (r.hi - s);
    return r;
}

static inline dd dd_add(dd a, dd b)
{
    double s = a.hi + b.hi, bb = s - a.hi;
    double e = ((a.hi - (s - bb)) + (b.hi - bb)) + (a.lo + b.lo);
    return dd_norm(s, e);
}

static inline dd dd_neg(dd a)
{
    return (dd){-a.hi, -a.lo};
}

static inline dd dd_mul(dd a, dd b)
{
    double p, e;
    two_prod(a.hi, b.hi, &p, &e);
    e += a.hi * b.lo + a.lo * b.hi;
    return dd_norm(p, e);
}

static inline dd dd_div(dd a, dd b)
{
    double q1 = a.hi / b.hi;
    dd r = dd_add(a, dd_neg(dd_mul(b, (dd){q1, 0})));
    double q2 = r.hi / b.hi;
    r = dd_add(r, dd_neg(dd_mul(b, (dd){q2, 0})));
    double q3 = r.hi / b.hi;
    return dd_add(dd_norm(q1, q2), (dd){q3, 0});
}

static inline dd dd_sqrt(dd a)
{
    double x = sqrt(a.hi);
    dd r = dd_add(a, dd_neg(dd_mul((dd){x, 0}, (dd){x, 0})));
    return dd_norm(x, r.hi * (0.5 / x));
}

/* The rank in double-double: the factorisation of rep_gram_rank, every quantity a pair.
 * -1: out of memory. */
static long gram_rank_dd(const double *G, const double *Glo, size_t R, double tol)
{
    dd *L = calloc(R * R + 1, sizeof *L);
    size_t *acc = calloc(R + 1, sizeof *acc);
    if (!L || !acc) {
        free(L);
        free(acc);
        return -1;
    }
    size_t k = 0;
    for (size_t j = 0; j < R; j++) {
        size_t jj = j * (j + 1) / 2;
        dd gjj = {G[jj + j], Glo ? Glo[jj + j] : 0};
        dd r = gjj;
        dd *Lj = L + j * R;
        for (size_t a = 0; a < k; a++) {
            size_t i = acc[a], ij = i < j ? jj + i : i * (i + 1) / 2 + j;
            dd s = {G[ij], Glo ? Glo[ij] : 0};
            const dd *Li = L + i * R;
            for (size_t b = 0; b < a; b++)
                s = dd_add(s, dd_neg(dd_mul(Lj[b], Li[b])));
            dd l = dd_div(s, Li[a]);
            Lj[a] = l;
            r = dd_add(r, dd_neg(dd_mul(l, l)));
        }
        double norm = gjj.hi > 0 ? gjj.hi : 1;
        if (r.hi > 0 && dd_add(r, (dd){-tol * tol * norm, 0}).hi >= 0) {
            Lj[k] = dd_sqrt(r);
            acc[k++] = j;
        }
    }
    free(L);
    free(acc);
    return (long)k;
}

/* sum of x[b] y[b], b < n, in four lanes */
static double dot(const double *x, const double *y, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t b = 0;
    for (; b + 4 <= n; b += 4) {
        s0 += x[b] * y[b];
        s1 += x[b + 1] * y[b + 1];
        s2 += x[b + 2] * y[b + 2];
        s3 += x[b + 3] * y[b + 3];
    }
    for (; b < n; b++)
        s0 += x[b] * y[b];
    return (s0 + s1) + (s2 + s3);
}

size_t rep_gram_rank(const double *G, const double *Glo, size_t R, double tol, int *fallback)
{
    /* Gram-Schmidt on the Gram matrix: with L the Cholesky factor over the accepted
     * columns, column j's squared residual norm after projection on them is
     * r = G_jj - sum_k L_jk^2 (what dqrdc2 compares, as a norm, with tol * ||x_j||: here
     * r >= tol^2 G_jj). First in double, with a bound on each decision's round-off. To
     * first order, errors of a few units of 2^-53 of sqrt(G_ii G_jj) in the entries of G
     * (hi alone is within 2^-53 of X'X) and of the factor move r by a multiple of
     * eps G_jj (1 + nu)^2, nu = sum_i |c_i| sqrt(G_ii / G_jj) for c the coefficients of
     * column j's projection on the accepted columns (L_A' c = l). The multiple is taken as
     * 4 sqrt(k + 2) for k accepted columns (a sum's rounding grows as sqrt(k) in practice,
     * Higham & Mary 2019, not as the worst case's k; nu's 1-norm is itself the worst case).
     * An exact dependency among JKn's columns has nu near the PSUs of a stratum (79 for
     * 200 replicates in 5 strata, a bound of 3e-11 G_jj: decided in double); near-dependent
     * columns make nu large: a column kept on a residual of 4e-6 of its norm squared (16
     * rows of 30 bootstrap replicates, tests/oracle/rep_rank) gives nu near 900 for the
     * next, and a bound of 3e-9 G_jj. When any decision is within its bound, the rank is
     * taken again in double-double on (hi, lo), whose round-off is 2^-53 times smaller. */
    double *L = calloc(R * R + 1, sizeof *L);
    double *dg = calloc(3 * R + 1, sizeof *dg); /* pivots, sqrt(G_ii), scratch */
    size_t *acc = calloc(R + 1, sizeof *acc);
    if (!L || !dg || !acc) {
        free(L);
        free(dg);
        free(acc);
        return SIZE_MAX;
    }
    double *piv = dg, *sg = dg + R, *t = dg + 2 * R;
    for (size_t i = 0; i < R; i++)
        sg[i] = sqrt(fmax(G[i * (i + 1) / 2 + i], 0));
    size_t k = 0;
    int undecided = 0;
    for (size_t j = 0; j < R && !undecided; j++) {
        size_t jj = j * (j + 1) / 2;
        double gjj = G[jj + j], r = gjj;
        double *Lj = L + j * R;
        for (size_t a = 0; a < k; a++) {
            size_t i = acc[a];
            double gij = i < j ? G[jj + i] : G[i * (i + 1) / 2 + j];
            double l = (gij - dot(Lj, L + i * R, a)) / piv[a];
            Lj[a] = l;
            r -= l * l;
        }
        double norm = gjj > 0 ? gjj : 1, thr = tol * tol * norm;
        /* c = L_A'^-1 l, back substitution by columns of L_A' (rows of L) */
        double nu = 0;
        memcpy(t, Lj, k * sizeof *t);
        for (size_t b = k; b-- > 0;) {
            double cb = t[b] / piv[b];
            const double *Lb = L + acc[b] * R;
            nu += fabs(cb) * sg[acc[b]];
            for (size_t q = 0; q < b; q++)
                t[q] -= cb * Lb[q];
        }
        nu /= sqrt(norm);
        double bound = REP_RANK_ROUNDOFF * sqrt((double)(k + 2)) * norm * (1 + nu) * (1 + nu);
        if (!(fabs(r - thr) > bound)) {
            undecided = 1;
            break;
        }
        if (r > 0 && r >= thr) {
            piv[k] = sqrt(r);
            Lj[k] = piv[k];
            acc[k++] = j;
        }
    }
    free(L);
    free(dg);
    free(acc);
    if (fallback)
        *fallback = undecided;
    if (!undecided)
        return k;
    long kd = gram_rank_dd(G, Glo, R, tol);
    return kd < 0 ? SIZE_MAX : (size_t)kd;
}

/* X'X's ranks, once: every domain's and the whole sample's df; X'X is freed. 0, or -1 out
 * of memory (a df left NaN would read as a design of rank 0). */
static int rep_ranks(rep_state *rp)
{
    size_t R = rp->R, ntri = rp->ntri;
    int rc = 0;
    rp->df = malloc((rp->cap ? rp->cap : 1) * sizeof *rp->df);
    if (!rp->df)
        rc = -1;
    for (size_t c = 0; c < rp->cap; c++) {
        gram_acc *a = &rp->acc[c];
        double df = 0; /* (not a domain) */
        if (a->G && !rc) {
            size_t k = rep_gram_rank(a->G, a->G + ntri, R, REP_RANK_TOL, NULL);
            df = k == SIZE_MAX ? NAN : (double)k - 1;
            rc = k == SIZE_MAX ? -1 : 0;
        }
        free(a->G);
        free(a->m);
        a->G = a->m = NULL;
        if (rp->df)
            rp->df[c] = df;
    }
    size_t k = rc ? SIZE_MAX : rep_gram_rank(rp->all.G, rp->all.G + ntri, R, REP_RANK_TOL, NULL);
    rp->all_df = k == SIZE_MAX ? NAN : (double)k - 1;
    return k == SIZE_MAX ? -1 : rc;
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
    if (d < 0 || (size_t)d >= rp->cap)
        return 0;
    return rp->df ? rp->df[d] : NAN;
}

size_t rep_kept_directions(const shopstat_totals *t)
{
    return t->rep ? t->rep->kept_dirs : 0;
}

double rep_df(const shopstat_totals *t)
{
    return t->rep->all_df;
}

static double rtot(const rep_state *rp, long c, size_t r)
{
    return c >= 0 && (size_t)c < rp->cap ? rp->T[(size_t)c * rp->R + r] : 0;
}

/* svrVar: replicates giving NaN are dropped (R's na.omit); the centre is the mean of
 * the replicates with rscale > 0, or the full-sample value under mse. th is R x K; centre
 * is the caller's scratch of K doubles (in th's allocation: an allocation of its own here
 * could only fail by leaving the variance NaN, an SE that reads as "undefined"). */
static void rep_cov(const rep_state *rp, const double *th, size_t K, const double *full,
                    double *centre, double *cov)
{
    size_t R = rp->R;
    memset(centre, 0, K * sizeof *centre);
    memset(cov, 0, K * K * sizeof *cov);
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
}

shopstat_status rep_ratio_var(const shopstat_totals *t, long c, long d, double p, double *var,
                              double *var_logit, shopstat_error *err)
{
    const rep_state *rp = t->rep;
    size_t R = rp->R;
    double *th = calloc(2 * R + 1, sizeof *th);
    if (!th)
        return nomem(err);
    double *lg = th + R, *centre = th + 2 * R;
    int unbounded = 0;
    for (size_t r = 0; r < R; r++) {
        double W = rtot(rp, d, r);
        th[r] = rtot(rp, c, r) / W;
        lg[r] = log(th[r] / (1 - th[r]));
        /* a replicate where the domain's proportion is 0 or 1 */
        unbounded |= isinf(lg[r]) && rp->rscales[r] > 0;
    }
    rep_cov(rp, th, 1, &p, centre, var);
    if (var_logit) {
        double lp = log(p / (1 - p));
        rep_cov(rp, lg, 1, &lp, centre, var_logit);
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

/* A side's share in replicate r. A side whose rows all hold the level, or none does, has
 * the share p (1 or 0) in every replicate where it has weight, exactly, as R's svymean on the
 * side's own rows gives it; T / W would carry a rest's round-off: all's replicate totals less
 * the segment's, each off by 1e-16 of all's, so that where the rest weighs 1e-9 of all, its
 * share came out 1 +- 1e-6 and that noise as variance (oracle rest/tiny_rest_rep_cmp: an SE
 * of 1.74e-6 where R's is 1.04e-6). A base of weight 0 in r keeps T / W: NaN or +-Inf. */
static double side_rep(const rep_state *rp, const long c[2], const long d[2], double s,
                       double p, size_t r)
{
    double W = rtot(rp, d[0], r) + (s != 0 ? s * rtot(rp, d[1], r) : 0);
    if (!isnan(p) && W != 0)
        return p;
    double T = rtot(rp, c[0], r) + (s != 0 ? s * rtot(rp, c[1], r) : 0);
    return T / W;
}

shopstat_status rep_diff_var(const shopstat_totals *t, const long ca[2], const long da[2],
                             double sa, double pa, const long cb[2], const long db[2],
                             double sb, double pb, double full, double *var,
                             shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc((rp->R + 1) * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++)
        th[r] = side_rep(rp, ca, da, sa, pa, r) - side_rep(rp, cb, db, sb, pb, r);
    rep_cov(rp, th, 1, &full, th + rp->R, var);
    free(th);
    return SHOPSTAT_OK;
}

shopstat_status rep_ratios_cov(const shopstat_totals *t, const long *num, size_t K,
                               const long *den, size_t nden, const double *mean, double *cov,
                               shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc((rp->R * K + K + 1) * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++) {
        double W = 0;
        for (size_t j = 0; j < nden; j++)
            W += rtot(rp, den[j], r);
        for (size_t k = 0; k < K; k++)
            th[r * K + k] = rtot(rp, num[k], r) / W;
    }
    rep_cov(rp, th, K, mean, th + rp->R * K, cov);
    free(th);
    return SHOPSTAT_OK;
}

shopstat_status rep_score_var(const shopstat_totals *t, const rep_score_side *sides, size_t nsides,
                              const double *s, size_t K, double full, double *var,
                              shopstat_error *err)
{
    const rep_state *rp = t->rep;
    double *th = malloc((rp->R + 1) * sizeof *th);
    if (!th)
        return nomem(err);
    for (size_t r = 0; r < rp->R; r++) {
        double v = 0;
        for (size_t j = 0; j < nsides; j++) {
            const rep_score_side *sd = &sides[j];
            double f = sd->f, S = 0;
            double W = rtot(rp, sd->d[0], r) + (f != 0 ? f * rtot(rp, sd->d[1], r) : 0);
            /* (a side at one score has it in every replicate where it has weight: side_rep) */
            if (!isnan(sd->one) && W != 0) {
                v += sd->sign * sd->one;
                continue;
            }
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
    rep_cov(rp, th, 1, &full, th + rp->R, var);
    free(th);
    return SHOPSTAT_OK;
}
