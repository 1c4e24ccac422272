/* Internal declarations of the stats core: plan, pass totals, variance (not installed). */
#ifndef SHOPSTAT_CORE_H
#define SHOPSTAT_CORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "shopstat/compare.h"
#include "shopstat/tab.h"
#include "internal.h"

/* strmap helpers: -1 on allocation failure, -2 when the map's byte cap is reached. Caps: levels and
 * PSU keys are bounded by the callers' own limits; the byte cap bounds a single map's keys. */
#define CORE_MAP_BYTES ((size_t)64 << 20)
static inline void smap_init(strmap *m)
{
    strmap_init(m, (size_t)-3, CORE_MAP_BYTES);
}
static inline long smap_put(strmap *m, const char *s, size_t n, int *added)
{
    int a = 0;
    size_t r = strmap_add(m, s, n, strmap_hash(s, n), &a);
    if (added)
        *added = a;
    return r == STRMAP_FULL ? -2 : r == STRMAP_NOMEM ? -1 : (long)r;
}
#define SMAP_KEY(m, i) strmap_key((m), (i))

/* A few recent short keys (<= 8 bytes) of a map, checked before hashing: survey answers
 * repeat a handful of codes, so most lookups end here. */
#define SCACHE_N 8
typedef struct scache {
    uint64_t key[SCACHE_N];
    long id[SCACHE_N];
    uint8_t len[SCACHE_N];
    unsigned next;
} scache;

static inline int scache_pack(const char *s, size_t n, uint64_t *k)
{
    if (n > 8)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)(unsigned char)s[i] << (8 * i);
    *k = v;
    return 1;
}

/* smap_put through the cache; *added only ever set for keys new to the map. */
static inline long scache_put(scache *c, strmap *m, const char *s, size_t n, int *added)
{
    uint64_t k = 0;
    int packed = scache_pack(s, n, &k);
    if (added)
        *added = 0;
    if (packed)
        for (unsigned i = 0; i < SCACHE_N; i++)
            if (c->len[i] == n + 1 && c->key[i] == k)
                return c->id[i];
    long id = smap_put(m, s, n, added);
    if (packed && id >= 0) {
        unsigned i = c->next++ % SCACHE_N;
        c->key[i] = k;
        c->len[i] = (uint8_t)(n + 1);
        c->id[i] = id;
    }
    return id;
}
#define SMAP_LEN(m, i) ((m)->len[(i)])

/* ---- plan ---- */

typedef struct plan_cond {
    char *column;
    shopstat_op op;
    char **values;  /* nvalues strings */
    double *num;    /* numeric value of each, when isnum */
    int *isnum;
    size_t nvalues;
    int exact_text; /* 1: compare as text only (COL=VALUE references) */
    int unit;       /* an exclusion's length given with a unit ("<2min"): num[0] in seconds,
                       for END-START alone (excl_column) */
} plan_cond;

enum { SEG_ALL, SEG_COND, SEG_BY, SEG_HIDDEN };

typedef struct plan_segment {
    char *name;
    int kind;
    plan_cond *conds;
    size_t nconds;
    char *by_column; /* SEG_BY */
} plan_segment;

typedef struct plan_recode {
    char *match;     /* as given */
    char *level;
    /* parsed: a list of alternatives, each a value (text/number) or a numeric range */
    size_t nalt;
    int *alt_kind;   /* 0 text equal, 1 numeric range [lo, hi] */
    char **alt_text;
    double *alt_lo, *alt_hi;
} plan_recode;

typedef struct plan_question {
    char *name;
    shopstat_question_kind kind;
    char **columns;
    size_t ncolumns;
    plan_recode *recodes;
    size_t nrecodes;
    char **declared; /* levels listed before the pass (a spec's values:), seen or not */
    size_t ndeclared;
    int ticked; /* MULTI: a blank cell is not ticked (shopstat_plan_add_multi_ticked) */
    int none_in_base; /* MULTI, CODES: a row ticking none is in the base, as having ticked
                         nothing (shopstat_plan_set_none_in_base) */
    char sep;         /* CODES: the one separator of its codes, or 0 for ';' and ',' */
    int rows_only; /* no column, no level: every row answers, so a segment's base cell holds
                      all its rows (shopstat_plan_pair_subset); kept last, not shown */
} plan_question;

/* An exclusion (shopstat_plan_add_exclude): a row meeting every condition is not in the data.
 * dedupe (shopstat_plan_add_dedupe): one condition, whose column alone counts: a row whose
 * value there an earlier row (of those the exclusions before it left) holds is not in the
 * data; rows must come in file order (plan_dedupes: the pass runs on one thread). */
typedef struct plan_exclude {
    plan_cond *conds;
    size_t nconds;
    char *reason;
    int dedupe;
} plan_exclude;
/* Whether p has a dedupe exclusion, whose rows must be read in file order. */
int plan_dedupes(const shopstat_plan *p);

/* A plan's exclusions over the rows of one pass (exclude.c): the column of each condition,
 * exclusion by exclusion, a memo of each condition's answers by field value, and the rows
 * each exclusion took. One per worker: not shared between threads. */
typedef struct excl_memo {
    uint64_t *slot; /* 2^(64 - shift) slots, NULL before the first answer */
    unsigned shift;
    size_t n;
    int off; /* at its cap: not looked at */
} excl_memo;
/* What an exclusion's condition reads (excl_column): one column's value, a dedupe's id,
 * the length END-START of two date-time columns ("EndDate-StartDate:<2min") or one answer
 * in every column of a grid ("Q5_1..Q5_6:same", "Q5_1,Q5_3,Q7:same": its straight-liners). */
enum { EXCL_VALUE, EXCL_DEDUPE, EXCL_LENGTH, EXCL_SAME };
typedef struct excl_cond {
    const plan_cond *c;
    int kind;     /* EXCL_*: EXCL_VALUE's answer is memoised by value, the others' read */
    size_t col;   /* its column; EXCL_LENGTH: END, EXCL_SAME: the grid's first */
    size_t col2;  /* EXCL_LENGTH: START; EXCL_SAME: the grid's last */
    size_t *grid; /* EXCL_SAME: the grid's columns (excl_grid), ngrid of them */
    size_t ngrid;
    excl_memo memo;
    size_t k;    /* its exclusion */
    int last;    /* its exclusion's last condition */
    size_t next; /* the next exclusion's first condition */
} excl_cond;
typedef struct excl_rows {
    const plan_exclude *excl; /* the plan's */
    size_t nexcl;
    const shopstat_reader *r;
    int dc;          /* decimal comma */
    excl_cond *cond; /* every exclusion's conditions, one exclusion after another */
    size_t ncond;
    size_t *n;
    strmap *seen; /* per exclusion, for a dedupe one: the values its column held so far */
    int reads;    /* a condition reads more than one column's value (EXCL_LENGTH, EXCL_SAME):
                     a row's answer is not its fields' patterns' (pass.c's excl_pat) */
    const excl_cond *bad; /* excl_rows_take's -2: the condition whose date-time ... */
    size_t badcol;        /* ... in this column of this row it could not read */
    const shopstat_row *badrow;
} excl_rows;
/* The columns of a grid as an exclusion names them: items joined by ',', each a column
 * or FIRST..LAST (the columns from FIRST to LAST in the file): "Q5_1..Q5_6",
 * "Q5_1,Q5_3,Q7", "Q5_1..Q5_4,Q7" (an item that is a column's whole name is that column).
 * *cols (malloc'd, the caller frees) gets them in the order named, *n >= 2. SHOPSTAT_EUSAGE
 * (what naming the flag) for a column not in r (shopstat_reader_column's message, with its
 * suggestion), an empty item, FIRST not before LAST, a column named twice, a single column;
 * SHOPSTAT_ENOMEM. */
shopstat_status excl_grid(const shopstat_reader *r, const char *name, const char *what,
                          size_t **cols, size_t *n, shopstat_error *err);
/* The column condition c of an exclusion binds in r (as shopstat_reader_column, what
 * naming the flag: "exclude column 'x' ..."): c's column; or for "END-START", the length
 * between two date-time columns (a column of that very name first, then the one split at a
 * '-' that names two columns), END; for "FIRST..LAST" or a list "A,B,C" (excl_grid), the
 * grid's first column. SHOPSTAT_EUSAGE when the columns are not in r or the
 * condition does not fit its kind (a length takes <, <=, > or >=, a grid 'same', a unit
 * only a length). *kind (may be NULL) is set to EXCL_VALUE, EXCL_LENGTH or EXCL_SAME,
 * *col2 (may be NULL) to START or the grid's last. */
shopstat_status excl_column(const shopstat_reader *r, const plan_cond *c, const char *what,
                            size_t *col, int *kind, size_t *col2, shopstat_error *err);
/* A length as an exclusion writes it: a number and its unit, "2min", "90 s", "1.5h" (s,
 * sec, m, min, h, hr, with or without an s and a space): 1 and the seconds, else 0 (a
 * number alone is 0: no unit). */
int excl_length_value(const char *s, double *secs);
/* A date-time as survey exports write one (Qualtrics, SurveyMonkey, Decipher): 2026-11-07
 * 17:35:00 (or 2026/11/07, T between, a fraction of a second, a Z or +01:00 after, which is
 * not applied; the seconds may be left out), 11/7/2026 5:35 PM or 11/07/2026 17:35 (a
 * first number over 12 is the day: 25/11/2026), 07.11.2026 17:35: 1 and the seconds since
 * 1970 in *secs, else 0. need_time 0 takes a date alone too. */
int parse_stamp(const char *s, size_t len, int need_time, double *secs);
/* The error of excl_rows_take's -1 or -2 (for the row it was given), in err: out of memory (the ids
 * a dedupe remembers), or the date-time it could not read at its file:line:col. */
shopstat_status excl_rows_error(const excl_rows *x, long k, shopstat_error *err);
/* Ready x for p's exclusions over r's rows, cols the bound column of each condition
 * (copied); x is empty (nexcl 0) when p has none. SHOPSTAT_ENOMEM. */
shopstat_status excl_rows_init(excl_rows *x, const shopstat_plan *p, const shopstat_reader *r,
                               int decimal_comma, const size_t *cols, shopstat_error *err);
/* k + 1 when the row meets every condition of exclusion k, the first it meets (counted
 * under it), else 0; -1 when a dedupe exclusion's values outgrow memory (or its cap), -2
 * when a length's date-time cannot be read (excl_rows_error says which). */
long excl_rows_take(excl_rows *x, const shopstat_row *row);
/* Add w's counts to g's, w's then 0. */
void excl_rows_merge(excl_rows *g, excl_rows *w);
void excl_rows_free(excl_rows *x);
/* The rows the exclusions took, all of them. */
size_t excl_rows_sum(const excl_rows *x);
/* The error of exclusions that left none of the read rows of path: what each took. */
shopstat_status excl_rows_none_left(const excl_rows *x, const char *path, size_t read,
                                    shopstat_error *err);
/* Whether a present field s takes condition c (numbers read with decimal_comma). */
int cond_match_value(int decimal_comma, const plan_cond *c, const char *s, size_t n);
/* Whether an exclusion's condition c takes field s of column col of r: as any condition's,
 * but a missing value only when c lists it (its text, or NA for every missing value). */
int excl_cond_match(const shopstat_reader *r, int decimal_comma, const plan_cond *c, size_t col,
                    const char *s, size_t n);

typedef struct plan_pair {
    char *a, *b;
    char *within; /* NULL: 'all' */
    char *subset; /* NULL, or the segment whose rows, answering or not, make the design the
                     pair is compared on (df, lonely-PSU strata): a report table's base */
    /* the questions it is compared on (shopstat_plan_pair_question); none: every question */
    char **questions;
    size_t nquestions;
} plan_pair;

/* A question a sparse plan estimates in a segment, or in each segment of a --by set
 * (shopstat_plan_need); names as given, the segment's checked when the pass starts. */
typedef struct plan_need {
    char *question, *segment;
} plan_need;

/* A score of a single-choice question (shopstat_plan_add_score): one entry of its map, a
 * level's text or a numeric range [lo, hi] (a single number: lo = hi). */
typedef struct plan_score_item {
    char *text; /* NULL for a numeric entry */
    double lo, hi;
    double score;
} plan_score_item;

/* SCORE_QUANTILE: a median or another quantile of the levels read as numbers (R's
 * svyquantile, score.c), not a mean */
enum { SCORE_MEAN, SCORE_NPS, SCORE_MAP, SCORE_QUANTILE };

typedef struct plan_score {
    char *question;
    char *name;
    int kind;               /* SCORE_* */
    plan_score_item *items; /* SCORE_MAP */
    size_t nitems;
    double p; /* SCORE_QUANTILE: the probability, 0 to 1 (0.5 a median) */
} plan_score;

struct shopstat_plan {
    shopstat_design_opts design; /* strings owned */
    plan_question *questions;
    size_t nquestions;
    plan_segment *segments; /* [0] is 'all' */
    size_t nsegments;
    plan_pair *pairs;
    size_t npairs;
    plan_cond *base; /* --base: rows outside every condition are in no segment */
    size_t nbase;
    plan_exclude *excl; /* --exclude: rows meeting one are not in the pass at all */
    size_t nexcl;
    plan_need *needs; /* none: every question in every segment (dense); else only these,
                         what the pairs need and 'all' (pass.c, need_masks) */
    size_t nneeds;
    plan_score *scores; /* in declaration order (score.c); the pass does not read them */
    size_t nscores;
    char codes_sep; /* the separator of codes questions added from now on (0: ';' and ',') */
};

void plan_cond_free(plan_cond *c);
/* Free the plan's scores (score.c). */
void plan_scores_free(shopstat_plan *p);
shopstat_status plan_cond_copy(plan_cond *dst, const shopstat_cond *src, shopstat_error *err);
/* Match a recode rule against a field. */
int plan_recode_match(const plan_recode *r, const char *s, size_t len);

/* ---- totals ---- */

/* A domain is (segment, question): its base cell and one cell per level. */
typedef struct domain {
    size_t key;       /* seg * nq + q + 1 in the totals' table (0: an empty slot) */
    int32_t base;     /* cell id, -1 until touched */
    int32_t *lvl;     /* cell id per level id, -1 until touched */
    size_t nlvl;
} domain;

/* A unit is a PSU (cluster mode) or a stratum (element mode: no PSU column, every
 * row its own PSU; then Q holds sums of squares). */
/* Per-unit sums of one cell, kept together so a row's update touches one cache line. */
typedef struct cell_acc {
    double T; /* sum of w */
    union {
        struct {
            uint32_t N; /* rows, whatever the weight */
            uint32_t P; /* rows of w > 0 */
        };
        uint64_t NP; /* both, for one addition per row (see CELL_ROW) */
    };
} cell_acc;

/* What one row of weight w adds to NP: 1 to N, and 1 to P when w > 0. (N stays below
 * 2^32: it counts the rows of one PSU and cell.) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CELL_ROW(w) (((uint64_t)1 << 32) | (uint64_t)((w) > 0))
#else
#define CELL_ROW(w) (1 | (uint64_t)((w) > 0) << 32)
#endif

typedef struct unit {
    uint32_t stratum;
    int any_pos;      /* holds a row of positive weight (of the base, under --base) */
    int any_base0;    /* holds a row of the base of weight 0 (with any_pos: of the base) */
    size_t cap;       /* cells allocated */
    cell_acc *A;      /* per cell */
    double *Q;        /* element mode: sum of w^2 per cell */
    size_t rows;      /* element mode: rows in the stratum */
    size_t npos_rows; /* element mode: rows of w > 0 */
    double *L, *QL;   /* merged totals only: TwoSum compensations of A[].T and Q (QL kept
                       * after the pass by a post-stratified element design's pseudo-units:
                       * Q's low parts, pass.c's ps_keep_lows) */
} unit;

typedef struct stratum_info {
    const char *name; /* into the strata map's arena: set only after the pass */
    size_t npsu;      /* PSUs (cluster mode) or rows (element mode) */
    size_t npsu_pos;  /* of which holding a row of w > 0 */
    size_t nbase;     /* element mode: rows of the base (all rows without --base) */
    double fpc;       /* as given, NaN if none */
    int has_fpc;
    double f;         /* 1 - sampling fraction: R's (N - n)/N; 1 without fpc */
    double w_fpc;     /* N / n: R's weight from the fpc when there is no weight column */
} stratum_info;

/* Runtime segment: fixed ones from the plan, discovered --by ones, hidden ones. */
typedef struct rt_segment {
    char *name;
    int kind;
    size_t plan_index;  /* index in plan->segments (for SEG_BY: the by entry) */
    plan_cond *conds;   /* borrowed from the plan, or owned for hidden ones */
    size_t nconds;
    int owns_conds;
    size_t by_column;   /* SEG_BY: column index */
    int hidden;
    int in_base; /* SEG_BY: a row of the --base holds the value (chisq's columns) */
    /* a sparse plan's: 1 for each question whose cells the segment keeps (t->needmask; a
     * --by set's, its set's); NULL: every question */
    const unsigned char *need;
} rt_segment;

typedef struct rt_question {
    const plan_question *pq;
    size_t *cols; /* column indices (a multi-response list's patterns expanded) */
    size_t ncols;
    strmap levels;      /* SINGLE and CODES: discovered levels; MULTI: column names */
    size_t *rule_level; /* per recode rule: its level id (rules may share a level) */
    scache lcache;
    size_t *order;      /* after the pass: display position -> level id */
    size_t *rank;       /* level id -> display position */
    char **tick;        /* ticked MULTI: per column, the text that ticks it (NULL: none seen) */
    unsigned char *tick_one; /* ticked MULTI: per column, 1 when a cell ticks it with 1 */
    int partly;         /* MULTI: a row answered some columns and left others blank */
    strmap unrec;       /* recoded: values no rule takes, in order of first appearance */
    strmap doubt;       /* CODES split at ';' and ',': codes that look cut out of labels at
                           a ',' (shopstat_totals_question_sep_doubt), up to DOUBT_MAX */
    char *doubt_cell;   /* the first cell holding one of them */
    int semi;           /* CODES split at ';' and ',': a cell held a ';' */
    int score_mean;     /* SINGLE, not recoded, with a mean score: its levels are scores,
                           checked against SHOPSTAT_MAX_SCORE as they appear */
    int score_quantile; /* SINGLE, not recoded, with a quantile score: a level that is no
                           number is an error where it appears (file:line:col) */
} rt_question;

typedef struct rt_by {
    size_t column;
    size_t plan_index;
    const char *tag;        /* NULL, or the set's tag: segments are "COL=VALUE@TAG" */
    const plan_cond *conds; /* borrowed from the plan: rows outside them are in no segment */
    size_t nconds;
    size_t *condcols;   /* column index of each condition */
    strmap values;      /* value text -> index in segs */
    scache vcache;
    size_t *segs;       /* runtime segment id per value */
    size_t nsegs_cap;
    const unsigned char *need; /* its segments' (rt_segment.need) */
} rt_by;

typedef struct rt_pair {
    size_t a, b;        /* runtime segment ids; b == SIZE_MAX means 'rest' (m less a) */
    size_t m;           /* the segment a lies within: 'all', or a report table's base */
    size_t sub;         /* shopstat_plan_pair_subset's segment, or SIZE_MAX: the whole design */
    long inter;         /* hidden intersection segment (element mode), or -1 */
    long by_set;        /* before the expansion after the pass: a --by set (index in
                           t->by) to compare value by value, else -1 */
    int prev;           /* with by_set: COL:prev, each value against the one before it in
                           display order (Q2-Q1, Q3-Q2, ...), not against rest or all */
    char *name_a, *name_b;
    const unsigned char *qmask; /* 1 for each question it is compared on (t->pairmask),
                                   NULL: every question */
} rt_pair;

/* Whether pair p is compared on question q (plan_pair.questions). */
static inline int pair_on(const rt_pair *p, size_t q)
{
    return !p->qmask || p->qmask[q];
}

typedef struct cell_info {
    uint32_t seg, q;
    size_t level;    /* SIZE_MAX for a base cell */
    size_t n;        /* rows */
    size_t npos;     /* rows with w > 0 */
    double w2;       /* sum of w^2 (during the pass: of the weights w2x does not take) */
    uint64_t w2x[3]; /* during the pass: the exact sum of w^2 of the weights written as
                        plain decimals (pass.c, W2X_DIGITS), 192 bits, low word first */
} cell_info;

/* (see pass_share_layout) */
typedef struct pass_layout {
    atomic_size_t units, stride;
} pass_layout;

/* A column's non-missing values and the global --missing codes it holds (bit i: code i, the
 * first 64): a code inside the column's whole-number scale is an answer there (6 of 0-10). */
typedef struct col_scale {
    double lo, hi;
    uint64_t codes;
    uint64_t *taken;        /* rows holding code i (of the first 64) here, or NULL for none */
    unsigned char seen;     /* a non-missing number was met */
    unsigned char no_scale; /* a text or a fraction was met: not a scale */
    unsigned char split;    /* a --multi-codes question's column: its cells' codes count */
    char sep;               /* and its separator (0: ';' and ',') */
} col_scale;

struct shopstat_totals {
    const shopstat_plan *plan;
    char *path;
    int element;        /* 1: no PSU column */
    int has_weight;
    int fpc_fractions; /* after the pass: the --fpc column holds sampling fractions */
    shopstat_lonely_psu lonely;
    /* design columns, SIZE_MAX when absent */
    size_t wcol, scol, pcol, fcol;
    int decimal_comma;
    const unsigned char *miss_first; /* the reader's, for number_field's quick test */
    const shopstat_reader *reader;
    /* the first --missing code (not a blank or NA) met in a column a condition or a --by
     * set tests, and that column: its rows are in no segment testing it (CLI warns) */
    char cond_miss[48];
    char cond_miss_colname[104];
    size_t cond_miss_col; /* SIZE_MAX: none met */
    /* per column of the reader, for the columns the plan reads as answers or conditions:
     * what their values say of the global --missing codes, from each value's first sight
     * (see note_scale); NULL without global codes */
    col_scale *scale;
    size_t nscale, nglobal;    /* scale's columns; the global codes it knows of (at most 64) */
    struct scale_note *snotes; /* after the pass (shopstat_totals_code_in_scale) */
    size_t nsnotes;

    rt_question *q;
    size_t nq;
    size_t rows_q;      /* the plan's rows_only question, SIZE_MAX without one */
    rt_segment *seg;
    size_t nseg, segcap;
    rt_by *by;
    size_t nby;
    rt_pair *pairs;
    size_t npairs;
    /* a sparse plan's questions per segment bound before the pass, then per --by set
     * (rt_segment.need), and the pairs' questions (rt_pair.qmask); NULL when none */
    unsigned char *needmask, *pairmask;

    /* the domains touched (a cell made), in an open-addressing table of domcap slots (a
     * power of 2, at most half full) by key, so that a sparse plan's hold what it needs:
     * the dense [seg * nq + q] held 24 bytes for every segment x question (25 MB of 1,000
     * x 1,000 on each thread) */
    domain *dom;
    size_t domcap, ndom;
    unsigned domshift; /* 64 - log2(domcap) */
    size_t dlast;      /* the slot dom_get found last (a new pattern asks for one domain's
                          cells level after level), checked against the key asked */

    cell_info *cell;
    size_t ncell, cellcap;

    strmap strata;
    scache scache_strata;
    stratum_info *st;
    size_t stcap;
    strmap psus;        /* key "stratum\x1fpsu" */
    unit *units;
    size_t nunits, unitcap;
    size_t acc_bytes;   /* bytes of all units' per-cell sums (capped in pass.c) */
    void *slab[4];      /* the units' A, Q, L, QL arrays (pass.c) */
    size_t slab_bytes[4], slab_stride, slab_units;
    pass_layout *layout; /* shared with the other totals of a parallel pass, or NULL */

    /* pass caches */
    long last_unit;
    char *last_key;
    size_t last_key_len, last_key_cap;
    size_t *active;     /* scratch: active segments of a row */
    size_t *lvlbuf;     /* scratch: chosen level ids of a question */
    size_t lvlbuf_cap;

    struct rep_state *rep; /* replicate-weight design (replicate.c), NULL for Taylor */
    struct ps_state *ps;   /* post-stratification (calib.c), NULL without */

    struct row_ctx *rc;  /* per-row scratch of the pass (pass.c) */
    int compensated;     /* merged from chunks: units keep L/QL, cells w2_lo */
    double *w2_lo;
    size_t w2cap;

    shopstat_accounting acct;
    /* rows that took the pass's slow paths (pass.c, on_row_at): their cells worked out
     * from their answers and segments, not found by their pattern (slow_rows), their
     * stratum and unit looked up, not found by their design values (slow_design). For
     * tests (a slow path taken when a fast one should be is invisible in the results);
     * counted on the slow paths only, merged as the row counts are. */
    size_t slow_rows, slow_design;
    /* the plan has exclusions or there are global missing codes: the rows go through
     * pass_row_other (pass.c), not straight to on_row */
    int row_other;
    size_t *basecols; /* column index of each --base condition */
    size_t *exclcols; /* column index of each exclusion's conditions, one after another */
    excl_rows excl;   /* the rows each exclusion left out (acct.excluded_cond: their sum) */
    /* Segments summed at the end from a --by set's segments rather than row by row (see
     * pass.c, derive_plan): the set (index in by, or -1), and a flag per fixed segment */
    long derive_by;
    unsigned char *derived;
    size_t nderived;
    size_t *seg_order;  /* display order of visible segments (ids) */
    size_t nseg_visible;
    /* after the pass: every cell's weight and df (NULL when not kept), see pass.c,
     * keep_cell_sums */
    double *cell_w, *cell_df;
    size_t ncell_sums;
    /* merging once (pass.c, pass_set_once): a worker's per-PSU sums of w are whole numbers
     * of 10^-6 (once), and so are the merged totals' until pass_finish (in_units); the
     * worker's marks (pass_mark: MARK_WORDS(nq) words a chunk), and where to say a row
     * cannot be taken so */
    int once, in_units;
    chunk_crew *tail_crew; /* the pass's helpers, lent the tail's work (pass_set_tail_crew) */
    chunk_crew *crew;      /* the pass's crew, finished by shopstat_totals_free (pass_keep_crew) */
    double tail_sum;  /* pass_merge_once: every per-PSU sum merged, added (finish_units_split) */
    atomic_int *bail;
    size_t *marks;
    size_t nmarks, markcap;
};

/* Whether the estimates list question q in segment sid (shopstat_tab_estimates,
 * shopstat_score_estimates): always in a dense plan; in a sparse one (shopstat_plan_need)
 * where the pass kept the question's cells, so that the lists grow with the pairs the plan
 * needs, not with every question times every segment. */
static inline int totals_listed(const shopstat_totals *t, size_t q, size_t sid)
{
    const unsigned char *need = t->seg[sid].need;
    return !need || need[q];
}

/* ---- the pass in pieces (pass.c), for the parallel driver (parallel.c) ---- */

typedef struct row_ctx row_ctx;

/* Totals bound to plan p and reader r's columns, ready for rows. */
shopstat_status pass_begin(const shopstat_plan *p, const shopstat_reader *r,
                           shopstat_totals **out, shopstat_error *err);
/* The per-PSU sums' layout (PSUs x cells of storage) reached by any totals of one parallel
 * pass. A totals given one by pass_share_layout publishes its layout to it at each
 * relayout, and starts at the largest published so far: a worker's second state then
 * skips the relayouts of growing from nothing (one per doubling of its PSUs, each copying
 * every PSU's sums into fresh pages: 9 a state, 6 ms at 2,000 PSUs; 26 ms of a 2-thread
 * run at 1M rows). Only the layout changes, never a sum or its order. */
void pass_share_layout(shopstat_totals *t, pass_layout *l);
/* Row callback: ctx is the totals. */
shopstat_status pass_row(void *ctx, const shopstat_row *row, shopstat_error *err);
/* A worker's totals whose chunk is parsed: the rows it still holds back applied, the row
 * patterns' w^2 sums handed to their cells (what pass_merge would do first). */
void pass_parsed(void *w);
/* Local -> merged ids of one worker's totals, extended at each merge. */
typedef struct pass_map {
    size_t *strata, scap, sdone;
    size_t *units, ucap, udone;
    size_t *segs, segcap, seg_done;
    size_t *seg_by, *seg_val, sbcap;
    size_t **levels, *lcap, *ldone, nq;
    long *cells;
    size_t ccap, cdone;
    char *key;
    size_t kcap;
    size_t *mk; /* scratch: the ids' ends of the merge under way (pass.c, merge_ids) */
} pass_map;
void pass_map_free(pass_map *m);
/* Merging once (see chunk_job.merge_once). Whether g's plan allows it: a Taylor cluster
 * design (PSUs), no replicate weights, post-stratification, exclusions or global missing
 * codes (the sums left in floating point or ordered by row there). */
int pass_once_ok(const shopstat_totals *g);
/* Worker totals w of a pass merged once: each row's weight goes into the per-PSU sums as a
 * whole number of 10^-6 (exact sums: the same in any order); a row whose weight is not one
 * (more than 6 decimals, an exponent, 2^53 units or more) fails w's chunk with *bail set,
 * for the pass to run again in file order. (The exact pass, pass_exact, sums in the same
 * units without a bail: from such a row on, in doubles.) */
void pass_set_once(shopstat_totals *w, atomic_int *bail);
/* Before worker totals w parse chunk k: where its strata, PSUs, segments, levels, cells
 * and warnings' lists end, so that the merge can take those chunk k adds in file order.
 * 0, or -1 out of memory. */
int pass_mark(shopstat_totals *w, size_t k);
/* Merge the nw worker totals w of a pass merged once into g: new strata, PSUs, levels,
 * segments, cells and warnings' values enter g chunk by chunk in file order (chunk k's
 * from w[owner[k]], as marked), exactly as pass_merge of each chunk in turn would add them;
 * then each worker's sums, once. *inexact is set when a merged sum reached 2^53 units
 * (the pass must then run again in file order). */
shopstat_status pass_merge_once(shopstat_totals *g, shopstat_totals *const *w, size_t nw,
                                const int *owner, size_t nchunks, int *inexact,
                                shopstat_error *err);
/* Merged totals g of a pass merged once: their per-PSU sums merged (pass_merge_once) and
 * finished (pass_finish) by the calling thread and crew's helpers (the pass's, idle by
 * then; unless $SHOPSTAT_TAIL_SPLIT is "0"); NULL: on the calling thread alone. */
void pass_set_tail_crew(shopstat_totals *g, chunk_crew *crew);
/* g owns crew (may be NULL) from now on: shopstat_totals_free(g) finishes it
 * (chunk_crew_finish), the workers' states freed by then. */
void pass_keep_crew(shopstat_totals *g, chunk_crew *crew);
/* Whether t's sums were made merging once (or by the exact pass in the same units to its
 * end): for tests. */
int pass_merged_once(const shopstat_totals *t);
/* Add the sums of worker totals w (one chunk of rows) into g, then zero w's sums. New
 * strata, PSUs, levels, segments and cells enter g in w's order, so merging chunks in
 * file order reproduces the one-thread order. Any failure means: redo the exact pass. */
shopstat_status pass_merge(shopstat_totals *g, shopstat_totals *w, pass_map *m,
                           shopstat_error *err);
/* After the last row or merge: compensations, accounting (from r unless NULL), orders. */
shopstat_status pass_finish(shopstat_totals *t, const shopstat_reader *r, shopstat_error *err);
/* Bytes of per-PSU sums held by every live totals of the process (0 once all are freed). */
size_t pass_live_acc_bytes(void);
/* The whole pass on one thread through shopstat_reader_run (positioned errors). */
shopstat_status pass_exact(const shopstat_plan *p, shopstat_reader *r,
                           const shopstat_pass_opts *o, shopstat_totals **out,
                           shopstat_error *err);

/* Cell id of (segment, question, level), or -1 if never touched. level SIZE_MAX = base. */
long totals_cell(const shopstat_totals *t, size_t seg, size_t q, size_t level);

/* Linear statistics and their design variance (variance.c). */
typedef struct lin_term {
    long cell;      /* -1: contributes nothing */
    double coef;
} lin_term;

/* Whether two domains (level cells ca, cb of base cells da, db) hold the same rows, so that
 * the variance of the difference of their proportions is exactly 0 (R: SE 0), where the
 * sums would leave rounding (~1e-20 either side of 0 in element designs: an SE of 3e-10,
 * or none). Element designs: every stratum's rows of da, of db and of both are as many;
 * cluster designs: every PSU's sums and rows of the two pairs of cells are equal. 0 when
 * it cannot tell (replicate designs; an intersection the pass did not keep). */
int totals_same_domain(const shopstat_totals *t, long ca, long da, long cb, long db);
/* Covariance matrix (K x K, row-major) of K linear combinations of cell totals,
 * sum_j coef_j T_j, under the Taylor design (Wolter 2007, ultimate cluster). In
 * element mode the sums of squares need, for two cells, the cell holding the rows in
 * both: see cross_cell() in variance.c.
 * dom[0..ndom-1] are the cells whose rows form the domain (R's subset()); ndom = 0
 * means the rows of the --base, whatever they answered (the whole sample without one:
 * R's subset(design, base)). As in R, only strata holding domain rows take part in the
 * lonely-PSU rules (an error under 'fail', the rescaling under 'average'). */
shopstat_status totals_cov(const shopstat_totals *t, const lin_term *const *terms,
                           const size_t *nterms, size_t K, const long *dom, size_t ndom,
                           double *cov, shopstat_error *err);
/* The variances of n ratio estimates (cluster designs, not replicate ones): estimate e's is
 * totals_cov's for the terms {c[e], cc[e]}, {d[e], cd[e]} and the domain d[e], the same
 * number, but the PSUs' sums are read once for a group of estimates instead of once for
 * each (a PSU's sums are contiguous, a cell's are not). On an error, *failed is the first
 * estimate whose variance failed (in order) and err says why; the variances before it
 * are set. */
shopstat_status totals_ratio_vars(const shopstat_totals *t, size_t n, const long *c,
                                  const long *d, const double *cc, const double *cd,
                                  double *var, size_t *failed, shopstat_error *err);

/* A difference's test (compare.c), r->difference set: se = sqrt(var), the interval
 * difference +- tq se, t = difference / se and its two-sided p on df (NaN at df <= 0), as
 * R's svycontrast; a difference without sampling variance gets t +-Inf and p 0. */
void diff_test(shopstat_difference *r, double var, double df, double tq);

/* SHOPSTAT_EUSAGE for comparison options out of range: a level not in (0, 1), an adjustment
 * that is none of shopstat_adjust_method's (compare.c; every comparison checks first). */
shopstat_status compare_opts_check(const shopstat_compare_opts *o, shopstat_error *err);

/* Sum of w over a cell (0 if untouched). */
double totals_cell_weight(const shopstat_totals *t, long cell);

/* The PSUs (rows, without --psu) holding a row of the base, whatever its weight, and the
 * strata holding one: R's subset() keeps those rows alone, and svychisq's nu counts them.
 * Without --base every PSU and stratum. 0, or -1 when out of memory. */
int totals_base_design(const shopstat_totals *t, size_t *npsu, size_t *nstrata);
/* Set present[h] to 1 for every stratum h holding a row of the base, whatever its weight
 * and answers (every stratum without --base); present: the caller's strata.n bytes,
 * zeroed. R's subset(design, base) keeps these strata alone. */
void totals_base_strata(const shopstat_totals *t, char *present);
/* Domain df: PSUs holding a base row of positive weight minus strata holding such PSUs. */
double totals_cell_df(const shopstat_totals *t, long cell);

/* ---- post-stratification (calib.c), R's postStratify ----
 * The pass keys its units by (stratum, PSU, post-stratum): each such pseudo-unit holds
 * the cells' sums of w (and of w^2, in Q) of its rows, and the sum of w and the count of
 * zero weights over all its rows. After the pass (ps_collapse) the units become the real
 * PSUs, each the sum of its pseudo-units; once the strata's weights are known
 * (ps_calibrate) every pseudo-unit's sums are scaled by its post-stratum's N_g / What_g
 * and the real PSUs summed again, so that every estimate uses the calibrated weights. The
 * variance (ps_cov) residualises the linearisation on the post-strata as R's svyrecvar:
 * each pseudo-unit's score total z less a_u Z_g / N_g, a_u its rows' calibrated weights
 * (1 for a row of weight 0, as R sets them), Z_g the post-stratum's score total. */
typedef struct ps_state {
    size_t *cols; /* the post-strata's columns in the data */
    size_t ncols;
    strmap strata; /* the population's post-strata: the columns' texts joined by 0x1f */
    double *N;     /* population total of each */
    size_t *line;  /* its line in the population file */
    char *path;    /* the population file */
    char *kbuf;    /* scratch: a row's key */
    size_t kcap;
    /* per pseudo-unit (the pass's units) */
    uint32_t *g;    /* its post-stratum */
    double *wsum;   /* sum of w over all its rows */
    double *w2sum;  /* and of w^2 (element designs) */
    size_t *nzero;  /* its rows of weight 0 */
    size_t *nrows;  /* its rows (raking: the sweeps' unweighted means) */
    size_t cap;
    size_t zline, zcol; /* raking: the first row of weight 0 (its weight's line, col; 0
                         * in the chunked pass, which knows no lines) */
    /* after the pass */
    unit *pu; /* the pseudo-units */
    size_t npu;
    size_t *real;     /* pseudo-unit -> real unit */
    double *a;        /* sum of the residualisation weights of each pseudo-unit */
    double *aa;       /* and of their squares (element designs) */
    double *r;        /* N_g / What_g (raking: the joint cell's factor) */
    size_t ng;        /* post-strata (raking: joint cells with rows) */
    cell_acc *realA;  /* the real units' sums, ncell for each */
    /* each post-stratum's slots (pass.c, see ps_slots), [g] by its id in the pass (nsl of
     * them); a pseudo-unit's sums (A, Q, L, QL) are by slot, cap of them */
    struct ps_slots *sl;
    size_t nsl;
    size_t acc_cap, live_cap; /* pass.c: acc_max and live_acc_limit, read once */
    uint32_t *slg; /* after ps_collapse: each pseudo-unit's post-stratum in the pass (sl's
                    * index; g is renumbered by rake_fit) */
    /* raking (rake.c): the pseudo-units' post-strata are the joint cells of the margins,
     * numbered by rake_row; NULL for post-stratification */
    struct rake_state *rk;
} ps_state;

/* A post-stratum's slots: the cells its rows reach, numbered at each one's first row in
 * the post-stratum (per totals), where its pseudo-units keep their sums (pass.c). */
typedef struct ps_slots {
    int32_t *slot;  /* cell -> slot, -1 none (ncap cells) */
    uint32_t *cell; /* slot -> cell */
    uint32_t n, cap;
    size_t ncap;
} ps_slots;

/* The slots of post-stratum g (its id in the pass), NULL when none was made. */
static inline const ps_slots *ps_slots_at(const ps_state *ps, size_t g)
{
    return g < ps->nsl ? &ps->sl[g] : NULL;
}

/* The slot of cell c in pseudo-unit u of the post-stratum of slots m (may be NULL), or -1
 * when u holds none for c (its sums of c are 0). */
static inline long ps_cell_slot(const ps_slots *m, const unit *u, long c)
{
    if (!m || (size_t)c >= m->ncap) /* (c < 0 too) */
        return -1;
    size_t s = (uint32_t)m->slot[c]; /* (-1: past any cap) */
    return s < u->cap ? (long)s : -1;
}

/* The slots of pseudo-unit u's sums in use (slot k holds cell m->cell[k]); m may be NULL. */
static inline size_t ps_unit_used(const ps_slots *m, const unit *u)
{
    return !m ? 0 : m->n < u->cap ? m->n : u->cap;
}

/* Raking (R's rake, rake.c) on ps_state's pseudo-units. */
/* Parse design_opts.rake, read each margin's population file, bind its columns. */
shopstat_status rake_bind(shopstat_totals *t, shopstat_error *err);
/* A row's joint cell of the margins (*g), or an error at the row: a margin column missing,
 * a margin cell its population file does not list. */
shopstat_status rake_row(shopstat_totals *t, const shopstat_row *row, long *g,
                         shopstat_error *err);
/* After the pass: the joint cells with rows numbered 0..J-1 in ps->g, the iterative
 * fitting on their design weight totals (R's rake: postStratify on each margin in turn
 * until the joint table moves less than epsilon, or maxit times), ps->r[j] = each joint
 * cell's raking factor. An error when a margin's cell has no weight. */
shopstat_status rake_fit(shopstat_totals *t, shopstat_error *err);
/* R's svyrecvar for a "raking" object: the joint cells' constants c[j K + k] such that the
 * residual of a row is its score less its raked weight times c of its joint cell (10
 * sweeps over the margins of the last iteration). Yg[j K + k]: unweighted score sums. */
shopstat_status rake_resid(const shopstat_totals *t, const double *Yg, size_t K, double *c,
                           shopstat_error *err);
void rake_free(struct rake_state *rk);
/* The margins' joint cells (the product of their cells): rake_row's ids are below it. */
size_t rake_cells(const struct rake_state *rk);
/* A replicate design's raking (R's rake of a svyrep.design: each margin's postStratify
 * calibrates the full-sample weights and every replicate's alike): the J joint cells with
 * rows, code[j] (rake_row's ids, ascending), their full-sample weights W0[j] and replicate
 * k's Wr[j][k] (R replicates, columns cols); f[j R + k] is replicate k's factor of cell j
 * after as many rounds as the full sample takes (R tests the full sample's table alone).
 * The full sample's errors (a margin cell without weight) are rake_fit's, later: f is then
 * left 0. An error at the margin cell's line of its population file when a replicate's
 * weights of the cell sum to 0. */
shopstat_status rake_rep_fit(const shopstat_totals *t, const uint32_t *code, size_t J,
                             const double *W0, const double *const *Wr, size_t R,
                             const size_t *cols, double *f, shopstat_error *err);
/* Note row as the first of weight 0 (its column wcol's position). */
void ps_zero_row(ps_state *ps, const shopstat_row *row, size_t wcol);
/* The common part of reading a population file (calib.c): ps->cols (offsets into ps->kbuf)
 * and ps->ncols name its columns; fills ps->strata, N, line, path. opt names the option in
 * messages, noun a row of the file. */
shopstat_status ps_read_population(ps_state *ps, const char *file, const char *opt,
                                   const char *spec, const char *noun, shopstat_error *err);
/* ps->cols/ncols/kbuf from "COL[,COL...]" (spec's first len bytes). */
shopstat_status ps_parse_cols(ps_state *ps, const char *spec, size_t len, const char *opt,
                              shopstat_error *err);
/* SHOPSTAT_OK when every column of p holds a value in row, else the error at the first
 * missing one: "WHAT column 'C' is missing in this row: every row needs NEEDS", with how to
 * leave such rows out. */
shopstat_status ps_cols_present(const shopstat_totals *t, const shopstat_row *row,
                                const ps_state *p, const char *what, const char *needs,
                                shopstat_error *err);
/* Join the fields cols[0..n) of row with 0x1f into *buf (grown): the key's length, or
 * SIZE_MAX out of memory. */
size_t ps_join_key(const shopstat_row *row, const size_t *cols, size_t n, char **buf,
                   size_t *cap);
/* Write key k (0x1f-joined) to shown as "a, b" (size n). */
void ps_show_key(const char *k, size_t kl, char *shown, size_t n);
/* The hint of a data row's cell (key k, kl bytes) that population file p lacks: " (the
 * file has '01': ...)" when one of its cells differs only in case, spaces or leading
 * zeros, else " (the file lists 'a', 'b', ...)"; into hint (n bytes). */
void ps_missing_hint(const ps_state *p, const char *k, size_t kl, char *hint, size_t n);

/* Read the population file and bind the post-strata's columns (from bind()). */
shopstat_status ps_bind(shopstat_totals *t, shopstat_error *err);
/* A row's post-stratum: its key written into t->ps->kbuf (length *klen) and its id, or an
 * error at the row (a missing value, a post-stratum the population does not list). */
shopstat_status ps_row(shopstat_totals *t, const shopstat_row *row, size_t *klen, long *g,
                       shopstat_error *err);
/* A new pseudo-unit uid of post-stratum g; -1 out of memory. */
int ps_unit(shopstat_totals *t, size_t uid, long g);
/* After the pass's units are final (finish_units), before finish(): the real PSUs. */
shopstat_status ps_collapse(shopstat_totals *t, shopstat_error *err);
/* After finish() (the strata's fpc weights known): the calibrated sums. */
shopstat_status ps_calibrate(shopstat_totals *t, shopstat_error *err);
void ps_free(ps_state *ps);
/* Post-stratum g's name for a message: its columns' texts joined by ", ". */
void ps_name(const ps_state *ps, size_t g, char *buf, size_t n);
/* totals_cov of a post-stratified design (same arguments and contract). */
shopstat_status ps_cov(const shopstat_totals *t, const lin_term *const *terms,
                       const size_t *nterms, size_t K, const long *dom, size_t ndom,
                       double *cov, shopstat_error *err);
/* Cell holding the rows of both cells i and j, -1 none, -2 unknown (variance.c's
 * cross_cell, for ps_cov in element designs). */
long totals_cross_cell(const shopstat_totals *t, long i, long j);
/* The strata's covariance from their sums (variance.c's cov_finish, for ps_cov). */
shopstat_status totals_cov_finish(const shopstat_totals *t, size_t K, const double *S1,
                                  const double *S2, const char *present, double *z,
                                  double *cov, shopstat_error *err);

/* ---- replicate weights (replicate.c) ----
 * A replicate design keeps, next to the full-sample totals of the units, the total of
 * every cell under every replicate weight (R values per cell) and, for each base cell
 * (domain) and for the whole sample, the R x R cross-product of the replicate weights,
 * whose rank gives R's degf() (qr(weights, tol = 1e-5)$rank - 1). */
typedef struct rep_state rep_state;

/* Bind the replicate columns named by the plan's design (called by bind()). */
shopstat_status rep_bind(shopstat_totals *t, shopstat_error *err);
/* Read one row's replicate weights (before rep_add; w is its full-sample weight). */
shopstat_status rep_row(shopstat_totals *t, const shopstat_row *row, double w,
                        shopstat_error *err);
/* After rep_row, for a row of the design (inside --base: R's subset of a replicate design
 * drops the other rows): add it to the whole design's X'X, whose rank gives the df. */
void rep_row_design(shopstat_totals *t);
/* A post-stratified replicate design (after ps_bind): R's postStratify re-post-stratifies
 * every replicate, so the totals and cross-products are kept per post-stratum until
 * rep_finish calibrates them. */
shopstat_status rep_ps_bind(shopstat_totals *t, shopstat_error *err);
/* rep_row of a post-stratified design's row in post-stratum g (and its Wg sums). */
shopstat_status rep_row_ps(shopstat_totals *t, const shopstat_row *row, double w, size_t g,
                           shopstat_error *err);
/* After the last row: complete the cross-products and take their ranks, once (before any
 * df is asked for; the cross-products are freed); post-stratified, each replicate
 * calibrated first (an error at the population file's line when a replicate's weights of
 * a post-stratum sum to 0). Out of memory: a rank not taken, no df to give. */
shopstat_status rep_finish(shopstat_totals *t, shopstat_error *err);
/* Add the current row's replicate weights into cell c; base: c is a domain's base cell.
 * -1 on allocation failure. */
int rep_add(shopstat_totals *t, long c, int base);
/* Before the rep_add of a row's first nbase cells (its base cells): start loading their
 * (cell, direction) factors, each a cache miss more often than not. */
void rep_prefetch(const shopstat_totals *t, const int32_t *cells, size_t nbase);
void rep_free(rep_state *rp);
/* Add worker totals w's replicate sums into g (w's cell c is g's cells[c]), zeroing w's;
 * 0, or -1 when out of memory. */
int rep_merge(shopstat_totals *g, shopstat_totals *w, const long *cells);
/* R's degf(): rank of the replicate weights (of the domain of base cell d, or the whole
 * sample) minus 1. */
double rep_cell_df(const shopstat_totals *t, long d);
double rep_df(const shopstat_totals *t);
/* The directions (distinct patterns of replicate weight / weight: a PSU's) a replicate
 * design kept to the end of the pass, 0 where it built X'X row by row (for the tests). */
size_t rep_kept_directions(const shopstat_totals *t);
/* For an error message: what a replicate design's df <= 0 means, the df of the rows
 * named by `rows` ("the base's rows"): "with replicate weights they are the rank of the
 * replicate weights of ROWS minus 1 (R's degf), and these have rank 1: ...". Written
 * into buf; returns buf. */
const char *rep_df_reason(double df, const char *rows, char *buf, size_t n);
/* Replicate variance of p = T_c / T_d (*var), and of logit(p) (*var_logit, may be NULL). */
shopstat_status rep_ratio_var(const shopstat_totals *t, long c, long d, double p, double *var,
                              double *var_logit, shopstat_error *err);
/* tab under replicates, after the Taylor-style stats are filled: *deff as R's svrep
 * svymean(deff = "replace") (n = the base's rows, zero weights included, as svyvar on the
 * subset), and for the logit interval ds->var becomes var(logit p_r) (p q)^2 so that
 * shopstat_ci's logit formula uses the replicate variance of the fitted logit, as R's
 * svyglm on a replicate design. */
shopstat_status rep_tab_stats(const shopstat_totals *t, long c, long d, shopstat_ci_method m,
                              shopstat_domain_stats *ds, double *deff, shopstat_error *err);
/* Variance of (T_ca0 + sa T_ca1)/(T_da0 + sa T_da1) - (same for b), re-estimated per
 * replicate (so overlapping segments are handled); full: the full-sample difference. pa, pb:
 * a side's share in each replicate where its base has weight, 0 or 1 when every row of the
 * side (of any weight) holds the level or none does, else NaN (the ratio of the sums). */
shopstat_status rep_diff_var(const shopstat_totals *t, const long ca[2], const long da[2],
                             double sa, double pa, const long cb[2], const long db[2],
                             double sb, double pb, double full, double *var,
                             shopstat_error *err);
/* One side of a score's replicate estimate: sign * sum_k s_k T_k / W, T_k = T(c[2k]) + f
 * T(c[2k+1]) and W = T(d[0]) + f T(d[1]) per replicate (f -1 for a rest, else 0). */
typedef struct rep_score_side {
    const long *c; /* K x 2 level cells, by level id */
    long d[2];
    double f, sign;
    double one; /* every row of the side (of any weight) at one score: it, else NaN */
} rep_score_side;
/* Replicate variance of a score (one side) or of a difference of scores (two sides), the
 * mean re-estimated per replicate from the cell totals (s: K scores by level id; full: the
 * full-sample value, the centre under --mse). */
shopstat_status rep_score_var(const shopstat_totals *t, const rep_score_side *sides, size_t nsides,
                              const double *s, size_t K, double full, double *var,
                              shopstat_error *err);
/* K x K covariance of the ratios T_num[k] / sum_j T_den[j] (chisq's cell proportions);
 * mean[k] are the full-sample ratios. */
shopstat_status rep_ratios_cov(const shopstat_totals *t, const long *num, size_t K,
                               const long *den, size_t nden, const double *mean, double *cov,
                               shopstat_error *err);
/* Rank of a symmetric R x R cross-product X'X (packed lower triangle, row i holding
 * columns 0..i; the double-double pairs' hi in packed, their lo in lo, which may be NULL)
 * as R's qr(X, tol)$rank: LINPACK dqrdc2's limited pivoting, columns taken in order and a
 * column dropped when its residual norm falls below tol times its original norm. First in
 * double; when a decision is within its round-off bound, again in double-double
 * (*fallback, if not NULL, says which: 1 the second). SIZE_MAX: out of memory. Exposed
 * for the unit tests. */
size_t rep_gram_rank(const double *packed, const double *lo, size_t R, double tol, int *fallback);

#endif
