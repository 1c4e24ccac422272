/* shopstat report: a spec's tables from one pass, written into a folder that appears atomically. */
#define _DEFAULT_SOURCE /* syscall() for getdents64 in the signal-safe cleanup */
#include "shopstat/report.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "shopstat/chartset.h"
#include "shopstat/compare.h"
#include "shopstat/scale.h"
#include "shopstat/output.h"
#include "shopstat/report_pdf.h"
#include "shopstat/score.h"
#include "shopstat/shopstat.h"
#include "shopstat/replicate.h"
#include "shopstat/xlsx.h"
#include "cnumeric.h"

/* A by: segment of a table whose column is missing on rows of the table's base (blank, NA,
 * a missing: code): those rows are in the base ('all') and in no column of the segment. */
typedef struct by_missing {
    size_t segment;     /* the spec's segment (its index) */
    size_t rows, in_base; /* rows of the base answering the question: without a value, all */
    double weight, base_weight;
} by_missing;

/* One table of the spec as computed: its columns (segments) and rows. */
typedef struct rtable {
    const shopstat_spec_table *t;
    char **internal;        /* plan segment name per spec segment of the table (by: the
                               --by set's name, COL or COL@TABLE with a base) */
    size_t *cols;           /* totals segment index per output column */
    const char **colnames;  /* output segment name per column */
    char **owned;           /* per column: colnames[c] when allocated here, else NULL */
    const char **collabels; /* display label per column */
    size_t ncols, nlevels;
    shopstat_estimate *est;      /* nlevels x ncols, level-major, the engine's level order */
    shopstat_estimate *dest;     /* the same in display order (the spec's values: first) */
    const char **level_labels;   /* display order */
    char **pair_b;               /* plan name of each pair's b ("rest" or a hidden segment) */
    char *within;                /* with a base: the plan segment of the base's rows, for
                                    by: segments against rest or all */
    char *base_rows;             /* plan segment of the table's base ('all' without one): its
                                    base_n is the table's rows in base for run.json */
    shopstat_difference *diffs;  /* engine order (comparisons.csv) */
    shopstat_difference *ddiffs; /* level indices in display order */
    size_t ndiffs;
    size_t nscores;                /* scores of the table's question (score:) */
    shopstat_score_estimate *sest; /* nscores x ncols, score-major */
    shopstat_difference *sdiffs;   /* score differences of the table's pairs, score x pair;
                                      l = the score's index in the question */
    size_t nsdiffs;
    char **score_labels; /* nscores: "Mean (1-5)", "NPS (-100 to +100)" */
    char chart_base[500];
    char base_note[600];
    char xlsx_base[600]; /* the same without "(multiple answers allowed)" */
    char df0_note[2000]; /* "No interval for ...: design df 0 (...)." or "" (df0_note()),
                            then its pairs' undefined differences (diff_undefined_note()) */
    by_missing *bym;     /* per by: segment of the table (nbym; by_missing_count()) */
    size_t nbym;
    char by_note[1500];  /* their sentences, "Rows with no sector are ..." (by_missing_note()) */
    /* A grid (grid: [...]): one rtable per item, each computed as a table of its question
     * alone (estimates, letters, scores), sharing this table's segments, columns and pairs
     * (internal, pair_b, within, base_rows, cols, colnames, collabels, owned: this table's,
     * borrowed); item_t[k] is the spec's table with question = item k. */
    struct rtable *items;
    shopstat_spec_table *item_t;
    size_t nitems;
    int borrowed; /* an item: the shared fields above are the grid's */
    char *title;  /* a spec table's title made unique among the report's (unique_titles),
                     or NULL: table_title's */
    size_t named; /* the length of title before its " (name)", when unique_titles added the
                     table's name (report.md's heading names the table already), else 0 */
    int scores_only; /* its scores alone in every output (scores_only_table(): a measure's,
                        a question scored by quantiles alone): report.md's rows, the
                        workbook's; no row of its values in tables.csv, nor of their
                        comparisons in comparisons.csv */
} rtable;

/* The tables computed for spec table rt: its items for a grid, else rt itself. */
static rtable *units_of(rtable *rt, size_t *n)
{
    *n = rt->nitems ? rt->nitems : 1;
    return rt->nitems ? rt->items : rt;
}

static const rtable *cunits_of(const rtable *rt, size_t *n)
{
    *n = rt->nitems ? rt->nitems : 1;
    return rt->nitems ? rt->items : rt;
}

typedef struct report {
    const shopstat_spec *spec;
    const shopstat_spec_info *in;
    const shopstat_report_opts *o;
    shopstat_plan *plan;
    shopstat_totals *tot;
    shopstat_estimate *e;
    size_t ne;
    shopstat_difference *d;
    size_t nd;
    shopstat_score_estimate *se; /* every score x segment (score.h) */
    size_t nse;
    shopstat_difference *sd; /* score differences of every pair */
    size_t nsd;
    size_t *kstart; /* plan index of the first score of each spec question */
    size_t nscores; /* scores declared */
    size_t *qmap;   /* plan (totals) index of each spec question used by a table */
    rtable *tabs;
    char **warnings;
    size_t nwarnings;
    /* the population totals' sum when they are fewer than the rows used (shares, summing to
     * 1, or percentages, 100: shopstat_population_warning), else 0: report.md shows weighted
     * bases as shares of that population */
    double pop_shares;
    char sha[65];
    char tmpdir[4096];
    char outdir[4096];
    double seconds;
} report;

/* ---- temporary folder registry (signal-safe cleanup) ---- */

#define REG_MAX 1024
#define REG_LEN 4200
static char reg_dir[REG_LEN];
static char (*reg_paths)[REG_LEN];
static volatile sig_atomic_t reg_n, reg_live;
/* the folders above OUTDIR this run created (mkdir_parents), outermost first: a failed or
 * interrupted run removes them again, deepest first, where still empty (rmdir) */
#define REG_MADE 64
static char (*reg_made)[REG_LEN];
static volatile sig_atomic_t reg_nmade;

/* Unlink every entry of the folder open as fd (its subfolders must be empty) with raw
 * getdents64: opendir/readdir may allocate, which a signal handler must not. Linux only;
 * elsewhere only the registered paths are removed. */
static void empty_dir_fd(int fd)
{
#if defined(__linux__) && defined(SYS_getdents64)
    char buf[4096] __attribute__((aligned(8)));
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            /* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name */
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            const char *name = buf + off + 19;
            if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && unlinkat(fd, name, 0) != 0)
                unlinkat(fd, name, AT_REMOVEDIR);
            off += reclen;
        }
    }
#else
    (void)fd;
#endif
}

/* The folders above OUTDIR the run made, deepest first; rmdir leaves any that something
 * else filled meanwhile. */
static void remove_made(void)
{
    while (reg_nmade > 0) {
        reg_nmade = reg_nmade - 1;
        rmdir(reg_made[reg_nmade]);
    }
}

void shopstat_report_cleanup_all(void)
{
    if (reg_live) {
        for (sig_atomic_t i = 0; i < reg_n; i++)
            unlink(reg_paths[i]);
        /* what was not registered (a chart's own temporary file) goes with its folder */
        int dfd = open(reg_dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            int cfd = openat(dfd, "charts", O_RDONLY | O_DIRECTORY);
            if (cfd >= 0) {
                empty_dir_fd(cfd);
                close(cfd);
            }
            empty_dir_fd(dfd);
            close(dfd);
        }
        rmdir(reg_dir);
    }
    remove_made();
}

static void reg_add(const char *path)
{
    if (!reg_paths || reg_n >= REG_MAX || strlen(path) >= REG_LEN)
        return;
    memcpy(reg_paths[reg_n], path, strlen(path) + 1);
    reg_n = reg_n + 1;
}

/* Remove the temporary folder now (normal failure path). */
static void remove_tmpdir(report *r)
{
    if (!r->tmpdir[0])
        return;
    shopstat_report_cleanup_all();
    reg_live = 0;
    reg_n = 0;
    r->tmpdir[0] = '\0';
}

/* ---- small helpers ---- */

void shopstat_report_opts_init(shopstat_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->charts = 1;
}

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static char *xasprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void warn(report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warn(report *r, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **n = realloc(r->warnings, (r->nwarnings + 1) * sizeof *n);
    if (!n)
        return;
    r->warnings = n;
    if ((n[r->nwarnings] = strdup(msg)) != NULL)
        r->nwarnings++;
    if (r->o->warn)
        r->o->warn(r->o->warn_ctx, msg);
}

/* Whether another by: segment of the run ("home=North") has the value of name
 * ("region=North") under another column: then the value alone would name both alike. */
static int by_value_shared(const report *r, const char *name)
{
    const char *eq = strchr(name, '=');
    for (size_t s = 0, n = eq && r->tot ? shopstat_totals_nsegments(r->tot) : 0; s < n; s++) {
        const char *o = shopstat_totals_segment(r->tot, s);
        const char *oeq = strchr(o, '=');
        if (oeq && strcmp(oeq, eq) == 0 && strcmp(o, name) != 0)
            return 1;
    }
    return 0;
}

/* The spec's label (shopstat_spec_label), except that a by: value two by: columns share
 * keeps its column's name ("region=North", "home=North"), as the CLI's charts name it. */
static const char *spec_label(const report *r, const char *question, const char *level,
                              const char *segment)
{
    const char *l = shopstat_spec_label((void *)r->spec, question, level, segment);
    const char *eq = segment && l ? strchr(segment, '=') : NULL;
    return eq && l == eq + 1 && by_value_shared(r, segment) ? NULL : l;
}

static const char *seg_label(const report *r, const char *name)
{
    if (strcmp(name, "rest") == 0)
        return "rest";
    const char *l = spec_label(r, NULL, NULL, name);
    return l ? l : name;
}

/* The data's label of a level (a ticked column's one text, "Email" for contact_1:
 * shopstat_totals_level_label), or NULL when it is the level itself. */
static const char *data_level_label(const report *r, const char *question, const char *level)
{
    for (size_t tq = 0; r->tot && tq < shopstat_totals_nquestions(r->tot); tq++) {
        if (strcmp(shopstat_totals_question(r->tot, tq), question) != 0)
            continue;
        for (size_t k = 0; k < shopstat_totals_nlevels(r->tot, tq); k++)
            if (strcmp(shopstat_totals_level(r->tot, tq, k), level) == 0) {
                const char *l = shopstat_totals_level_label(r->tot, tq, k);
                return strcmp(l, level) != 0 ? l : NULL;
            }
    }
    return NULL;
}

/* A level's label: the spec's values:, else the data's, else the level as it is. */
static const char *level_label(const report *r, size_t q, const char *level)
{
    const char *name = r->in->questions[q].name;
    const char *l = shopstat_spec_label((void *)r->spec, name, level, NULL);
    if (!l)
        l = data_level_label(r, name, level);
    return l ? l : level;
}

/* The charts' labels (shopstat_label_fn, ctx the report): the spec's, and for a level the
 * spec does not label, the data's. */
static const char *chart_label(void *ctx, const char *question, const char *level,
                               const char *segment)
{
    const report *r = ctx;
    const char *l = spec_label(r, question, level, segment);
    if (!l && question && level && !segment)
        l = data_level_label(r, question, level);
    return l;
}

/* spec_label as a shopstat_label_fn (ctx the report) */
static const char *spec_label_fn(void *ctx, const char *question, const char *level,
                                 const char *segment)
{
    return spec_label(ctx, question, level, segment);
}

static const char *question_label(const report *r, size_t q)
{
    const shopstat_spec_question *qq = &r->in->questions[q];
    return qq->label ? qq->label : qq->name;
}

static const char *table_title(const report *r, const rtable *rt)
{
    if (rt->title)
        return rt->title;
    /* (a grid without title: its name, not its first item's label) */
    return rt->t->title    ? rt->t->title
           : rt->t->nitems ? rt->t->name
                           : question_label(r, rt->t->question);
}

/* ---- the plan: every question, every segment of every table, one pass ---- */

/* A question's labelled values are its answer options: each is listed, with 0% when no
 * row gave it (a scale point nobody chose still belongs on a Likert chart), as R lists
 * every level of a factor declared with them. */
/* Whether code is one of the missing codes of question qq's column (its own missing:, or
 * csv: missing:): no answer, so not an answer option, though a codebook's labels copied into
 * values: list it (98 "Don't know" beside missing: [98]). A derived question's values are
 * its recode's levels, not its column's codes. */
static int missing_value(const report *r, const shopstat_spec_question *qq, const char *code)
{
    if (qq->nrecodes)
        return 0;
    for (size_t i = 0; i < qq->nmissing; i++)
        if (strcmp(qq->missing[i], code) == 0)
            return 1;
    for (const char *const *m = r->in->csv.missing; m && *m; m++)
        if (strcmp(*m, code) == 0)
            return 1;
    return 0;
}

static shopstat_status declare_values(report *r, const shopstat_spec_question *qq,
                                      shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    for (size_t v = 0; v < qq->nvalues && !st; v++)
        if (!missing_value(r, qq, qq->values[v].code))
            st = shopstat_plan_declare_level(r->plan, qq->name, qq->values[v].code, err);
    return st;
}

static shopstat_status add_question(report *r, size_t q, shopstat_error *err)
{
    const shopstat_spec_question *qq = &r->in->questions[q];
    shopstat_status st = SHOPSTAT_OK;
    if (qq->kind == SHOPSTAT_Q_MULTI)
        st = (qq->ticked ? shopstat_plan_add_multi_ticked : shopstat_plan_add_multi)(
            r->plan, qq->name, qq->columns, qq->ncolumns, err);
    else if (qq->kind == SHOPSTAT_Q_CODES)
        st = shopstat_plan_add_codes(r->plan, qq->name, qq->columns[0], err);
    if (!st && qq->kind == SHOPSTAT_Q_CODES && qq->sep)
        st = shopstat_plan_set_codes_sep(r->plan, qq->name, qq->sep, err);
    if (qq->kind != SHOPSTAT_Q_SINGLE) {
        if (!st && qq->none_in_base)
            st = shopstat_plan_set_none_in_base(r->plan, qq->name, err);
        return st || qq->kind == SHOPSTAT_Q_MULTI ? st : declare_values(r, qq, err);
    }
    if ((st = shopstat_plan_add_single(r->plan, qq->name, qq->columns[0], err)))
        return st;
    for (size_t k = 0; k < qq->nrecodes; k++)
        if ((st = shopstat_plan_add_recode(r->plan, qq->name, qq->recodes[k].match,
                                           qq->recodes[k].level, err)))
            return st;
    return declare_values(r, qq, err);
}

/* The question's scores (score:), in the plan's order of declaration; an error points at
 * the score's definition in the spec. */
static shopstat_status add_scores(report *r, size_t q, shopstat_error *err)
{
    const shopstat_spec_question *qq = &r->in->questions[q];
    r->kstart[q] = r->nscores;
    for (size_t k = 0; k < qq->nscores; k++) {
        const shopstat_spec_score *sc = &qq->scores[k];
        shopstat_status st = shopstat_plan_add_score(r->plan, qq->name, sc->map, sc->name, err);
        if (st) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            return shopstat_error_set(err, st, r->in->path, sc->pos.line, sc->pos.col, "%s", msg);
        }
        r->nscores++;
    }
    return SHOPSTAT_OK;
}

/* Add a hidden segment named name: the conditions of spec segment g (none for 'all') and
 * of the table's base, plus one extra condition (or none). */
static shopstat_status add_conj(report *r, const char *name, size_t g, const rtable *rt,
                                const shopstat_cond *extra, shopstat_error *err)
{
    const shopstat_spec_segment *sg = &r->in->segments[g];
    size_t n = (g ? sg->nconds : 0) + rt->t->nbase + (extra ? 1 : 0);
    shopstat_cond *c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return nomem(err);
    size_t k = 0;
    for (size_t i = 0; g && i < sg->nconds; i++)
        c[k++] = sg->conds[i].cond;
    for (size_t i = 0; i < rt->t->nbase; i++)
        c[k++] = rt->t->base[i].cond;
    if (extra)
        c[k++] = *extra;
    shopstat_status st = shopstat_plan_add_segment(r->plan, name, c, k, err);
    free(c);
    return st;
}

/* Whether a by: segment's set is the table's own, COL@TABLE (its values COL=VALUE@TABLE):
 * with a base (the base's rows only), and when a segment of the spec bears the column's
 * name, as `heavy: {where: "heavy == 1"}` beside `h: {by: heavy}`: the plan would take
 * "heavy" in the pair heavy:rest for that segment, and h:rest would compare nothing. */
static int by_tagged(const report *r, const shopstat_spec_table *t, const char *by)
{
    if (t->nbase)
        return 1;
    for (size_t g = 0; g < r->in->nsegments; g++)
        if (!r->in->segments[g].by && strcmp(r->in->segments[g].name, by) == 0)
            return 1;
    return 0;
}

static shopstat_status add_table_segments(report *r, rtable *rt, int *used, shopstat_error *err)
{
    const shopstat_spec_table *t = rt->t;
    rt->internal = calloc(t->nsegments, sizeof *rt->internal);
    if (!rt->internal)
        return nomem(err);
    shopstat_status st = SHOPSTAT_OK;
    for (size_t k = 0; k < t->nsegments && !st; k++) {
        size_t g = t->segments[k];
        const shopstat_spec_segment *sg = &r->in->segments[g];
        if (sg->by && by_tagged(r, t, sg->by)) {
            /* a --by set of the table's own: the rows of the base only */
            if (!(rt->internal[k] = xasprintf("%s@%s", sg->by, t->name)))
                return nomem(err);
            shopstat_cond *c = calloc(t->nbase ? t->nbase : 1, sizeof *c);
            if (!c)
                return nomem(err);
            for (size_t i = 0; i < t->nbase; i++)
                c[i] = t->base[i].cond;
            st = shopstat_plan_add_by_where(r->plan, sg->by, t->name, c, t->nbase, err);
            free(c);
            continue;
        }
        if (sg->by) {
            if (!(rt->internal[k] = strdup(sg->by)))
                return nomem(err);
            /* one --by set per column, shared by the by: segments that name it (in tables
             * of their own: spec.c refuses two in one table) */
            int added = 0;
            for (size_t g2 = 0; g2 < r->in->nsegments && !added; g2++)
                added = used[g2] && r->in->segments[g2].by &&
                        strcmp(r->in->segments[g2].by, sg->by) == 0;
            if (!added)
                st = shopstat_plan_add_by(r->plan, sg->by, err);
            used[g] = 1;
            continue;
        }
        if (!t->nbase) {
            if (!(rt->internal[k] = strdup(sg->name)))
                return nomem(err);
            if (g && !used[g]) {
                shopstat_cond *c = calloc(sg->nconds ? sg->nconds : 1, sizeof *c);
                if (!c)
                    return nomem(err);
                for (size_t i = 0; i < sg->nconds; i++)
                    c[i] = sg->conds[i].cond;
                st = shopstat_plan_add_segment(r->plan, sg->name, c, sg->nconds, err);
                free(c);
            }
            used[g] = 1;
            continue;
        }
        /* a hidden segment per (segment, table): the segment's conditions and the base's */
        if (!(rt->internal[k] = xasprintf("%s@%s", sg->name, t->name)))
            return nomem(err);
        st = add_conj(r, rt->internal[k], g, rt, NULL, err);
    }
    if (st)
        return st;
    /* the base's rows, whether or not the table shows 'all': the table's own 'all' column,
     * else a hidden segment of the base (run.json's per-table rows, and 'within' for a by:
     * segment against rest or all) */
    size_t k = 0;
    while (k < t->nsegments && t->segments[k] != 0)
        k++;
    if (!t->nbase)
        rt->base_rows = strdup("all");
    else if (k < t->nsegments)
        rt->base_rows = strdup(rt->internal[k]);
    else if ((rt->base_rows = xasprintf("all@%s", t->name)))
        st = add_conj(r, rt->base_rows, 0, rt, NULL, err);
    if (!rt->base_rows)
        return nomem(err);
    return st;
}

static shopstat_op negate(shopstat_op op)
{
    switch (op) {
    case SHOPSTAT_OP_IN:
        return SHOPSTAT_OP_NOT_IN;
    case SHOPSTAT_OP_NOT_IN:
        return SHOPSTAT_OP_IN;
    case SHOPSTAT_OP_GT:
        return SHOPSTAT_OP_LE;
    case SHOPSTAT_OP_GE:
        return SHOPSTAT_OP_LT;
    case SHOPSTAT_OP_LT:
        return SHOPSTAT_OP_GE;
    default:
        return SHOPSTAT_OP_GT;
    }
}

static size_t table_col_of(const rtable *rt, size_t g)
{
    for (size_t k = 0; k < rt->t->nsegments; k++)
        if (rt->t->segments[k] == g)
            return k;
    return 0;
}

/* The questions of table t: its question, or a grid's items (question is items[0]). */
static size_t table_nquestions(const shopstat_spec_table *t)
{
    return t->nitems ? t->nitems : 1;
}

static const char *table_question(const report *r, const shopstat_spec_table *t, size_t k)
{
    return r->in->questions[t->nitems ? t->items[k] : t->question].name;
}

/* The last pair declared is compared on the table's questions alone, whose cells the plan
 * keeps (shopstat_plan_pair_question). */
static shopstat_status pair_questions(report *r, const rtable *rt, shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    for (size_t k = 0; k < table_nquestions(rt->t) && !st; k++)
        st = shopstat_plan_pair_question(r->plan, table_question(r, rt->t, k), err);
    return st;
}

/* The cells table rt shows: its questions in each of its columns and in its base's rows
 * (run.json's rows in base), the plan's only ones but for its pairs' (shopstat_plan_need):
 * the pass keeps no other question x segment, so that a spec of many questions and
 * segments paired sparsely by its tables takes the memory of its tables' cells. */
static shopstat_status table_needs(report *r, const rtable *rt, shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    for (size_t k = 0; k < table_nquestions(rt->t) && !st; k++) {
        const char *q = table_question(r, rt->t, k);
        for (size_t c = 0; c < rt->t->nsegments && !st; c++)
            st = shopstat_plan_need(r->plan, q, rt->internal[c], err);
        if (!st)
            st = shopstat_plan_need(r->plan, q, rt->base_rows, err);
    }
    return st;
}

/* Pairs: a:b between the table's plan segments; a:rest is the engine's complement without
 * a base, and "base and not a" (one condition negated) with one. */
static shopstat_status add_table_pairs(report *r, rtable *rt, shopstat_error *err)
{
    const shopstat_spec_table *t = rt->t;
    rt->pair_b = calloc(t->npairs ? t->npairs : 1, sizeof *rt->pair_b);
    if (!rt->pair_b)
        return nomem(err);
    for (size_t p = 0; p < t->npairs; p++) {
        const shopstat_spec_pair *pr = &t->pairs[p];
        const char *a = rt->internal[table_col_of(rt, pr->a)];
        shopstat_status st;
        if (r->in->segments[pr->a].by) {
            /* value by value against rest or all: all is the base's rows with a base
             * (the table's own 'all' column, or a hidden segment of the base) */
            if (t->nbase && !rt->within && !(rt->within = strdup(rt->base_rows)))
                return nomem(err);
            if (!(rt->pair_b[p] = strdup(pr->b == SHOPSTAT_SPEC_REST   ? "rest"
                                         : pr->b == SHOPSTAT_SPEC_PREV ? "prev"
                                                                       : "all")))
                return nomem(err);
            if ((st = shopstat_plan_add_pair_within(r->plan, a, rt->pair_b[p], rt->within,
                                                    err)) ||
                (t->nbase && (st = shopstat_plan_pair_subset(r->plan, rt->base_rows, err))) ||
                (st = pair_questions(r, rt, err)))
                return st;
            continue;
        }
        if (pr->b != SHOPSTAT_SPEC_REST) {
            rt->pair_b[p] = strdup(rt->internal[table_col_of(rt, pr->b)]);
        } else if (!t->nbase) {
            rt->pair_b[p] = strdup("rest");
        } else {
            const shopstat_spec_segment *sg = &r->in->segments[pr->a];
            shopstat_cond neg = sg->conds[0].cond;
            neg.op = negate(neg.op);
            rt->pair_b[p] = xasprintf("%s~rest@%s", sg->name, t->name);
            if (rt->pair_b[p] && (st = add_conj(r, rt->pair_b[p], 0, rt, &neg, err)))
                return st;
        }
        if (!rt->pair_b[p])
            return nomem(err);
        if ((st = shopstat_plan_add_pair(r->plan, a, rt->pair_b[p], err)))
            return st;
        /* compared on the base's rows alone, as `compare --base` (R's subset) */
        if (t->nbase && (st = shopstat_plan_pair_subset(r->plan, rt->base_rows, err)))
            return st;
        if ((st = pair_questions(r, rt, err)))
            return st;
    }
    return SHOPSTAT_OK;
}

/* A grid's items: a table each, the grid's own (its name, segments, base, pairs) with the
 * item for question, sharing the plan segments and pairs made for the grid. */
static shopstat_status grid_items(report *r, rtable *rt, shopstat_error *err)
{
    const shopstat_spec_table *t = rt->t;
    if (!t->nitems)
        return SHOPSTAT_OK;
    rt->items = calloc(t->nitems, sizeof *rt->items);
    rt->item_t = calloc(t->nitems, sizeof *rt->item_t);
    if (!rt->items || !rt->item_t)
        return nomem(err);
    rt->nitems = t->nitems;
    for (size_t k = 0; k < t->nitems; k++) {
        rt->item_t[k] = *t;
        rt->item_t[k].question = t->items[k];
        rtable *it = &rt->items[k];
        it->t = &rt->item_t[k];
        it->internal = rt->internal;
        it->pair_b = rt->pair_b;
        it->within = rt->within;
        it->base_rows = rt->base_rows;
        it->borrowed = 1;
    }
    (void)r;
    return SHOPSTAT_OK;
}

/* The label of spec segment x as a difference's side names it ("the rest" for rest). */
static const char *pair_side(const report *r, size_t x)
{
    if (x == SHOPSTAT_SPEC_REST)
        return "the rest";
    const shopstat_spec_segment *g = &r->in->segments[x];
    return g->label ? g->label : strcmp(g->name, "all") == 0 ? "All" : g->name;
}

/* A segment as a title's words name it: its label, "All" for the implicit all, "by COLUMN"
 * for a by: segment without one. */
static const char *title_segment(const report *r, size_t x, char *buf, size_t size)
{
    const shopstat_spec_segment *g = &r->in->segments[x];
    if (g->by && !g->label) {
        snprintf(buf, size, "by %s", g->by);
        return buf;
    }
    return pair_side(r, x);
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static const char *chart_words(const shopstat_spec_table *t)
{
    if (!t->chart)
        return "table alone";
    switch (t->chart_type) {
    case SHOPSTAT_CHART_BARS:
        return "bar chart";
    case SHOPSTAT_CHART_DIFF:
        return "difference chart";
    case SHOPSTAT_CHART_LIKERT:
        return "Likert chart";
    case SHOPSTAT_CHART_TREND:
        return "trend";
    case SHOPSTAT_CHART_SCORE:
        return "scores";
    }
    return "chart";
}

/* The longest title_qualifier a title takes (bytes): a list of segments with long labels
 * made a title of three lines */
#define TITLE_QUALIFIER_MAX 80

/* Whether tables t and f compare the same pairs. */
static int same_pairs(const shopstat_spec_table *t, const shopstat_spec_table *f)
{
    if (t->npairs != f->npairs)
        return 0;
    for (size_t k = 0; k < t->npairs; k++)
        if (t->pairs[k].a != f->pairs[k].a || t->pairs[k].b != f->pairs[k].b)
            return 0;
    return 1;
}

/* The k-th (from 0) of the things that tell table t from table f, the first of the report
 * with t's title, in words a reader has: t's base (its base_label, else "base: EXPR"), its
 * segments (their labels, all's left out beside others: "Medium buyers"), its chart, its
 * order, its zoom, its comparisons ("Heavy buyers vs the rest", "3 comparisons"), its
 * columns of differences, its difference chart's levels; "" when fewer than k + 1 differ.
 * NULL: out of memory. */
static char *title_qualifier(const report *r, const shopstat_spec_table *t,
                             const shopstat_spec_table *f, size_t k)
{
    if (!same_text(t->base_expr, f->base_expr) && !k--)
        return t->base_label  ? xasprintf("%s", t->base_label)
               : t->base_expr ? xasprintf("base: %s", t->base_expr)
                              : xasprintf("all %s", r->in->units ? r->in->units : "respondents");
    int segs = t->nsegments != f->nsegments;
    for (size_t j = 0; j < t->nsegments && !segs; j++)
        segs = t->segments[j] != f->segments[j];
    if (segs && !k--) {
        /* (their labels up to TITLE_QUALIFIER_MAX bytes, then how many more: "Heavy buyers,
         * Light buyers and 1 more") */
        char *q = xasprintf("%s", ""), sb[300];
        size_t shown = 0, listed = 0;
        for (size_t j = 0; j < t->nsegments; j++)
            listed += !(t->segments[j] == 0 && t->nsegments > 1);
        for (size_t j = 0; j < t->nsegments && q; j++) {
            if (t->segments[j] == 0 && t->nsegments > 1)
                continue;
            const char *w = title_segment(r, t->segments[j], sb, sizeof sb);
            size_t more = listed - shown - 1;
            if (strlen(q) + 2 + strlen(w) + (more ? 16 : 0) > TITLE_QUALIFIER_MAX && shown) {
                char *u = xasprintf("%s and %zu more", q, listed - shown);
                free(q);
                return u;
            }
            char *u = xasprintf("%s%s%s", q, shown++ ? ", " : "", w);
            free(q);
            q = u;
        }
        return q;
    }
    if ((t->chart != f->chart || t->chart_type != f->chart_type) && !k--)
        return xasprintf("%s", chart_words(t));
    if (t->sort != f->sort && !k--)
        return xasprintf("%s", t->sort == SHOPSTAT_CHART_SORT_ALL ? "sorted by size"
                                                                  : "in the answers' order");
    if (t->zoom != f->zoom && !k--)
        return xasprintf("%s", t->zoom ? "zoomed" : "not zoomed");
    if (!same_pairs(t, f) && !k--) {
        if (!t->npairs)
            return xasprintf("%s", "not compared");
        if (t->npairs > 1)
            return xasprintf("%zu comparisons", t->npairs);
        if (t->pairs[0].b == SHOPSTAT_SPEC_PREV)
            return xasprintf("%s", "each wave against the one before");
        char sb[300];
        return xasprintf("%s vs %s", title_segment(r, t->pairs[0].a, sb, sizeof sb),
                         pair_side(r, t->pairs[0].b));
    }
    if (t->differences != f->differences && !k--)
        return xasprintf("%s", t->differences ? "with differences" : "without differences");
    if (t->diff_levels_all != f->diff_levels_all && !k--)
        return xasprintf("%s", t->diff_levels_all ? "both answers" : "one answer");
    return xasprintf("%s", "");
}

/* Titles that two of the report's tables share (a question's bars and its difference
 * chart, its sorted bars, a zoomed trend, all titled by the question's label) are made
 * unique, since the contents, report.md's headings, the charts and the workbook list each
 * table by its title and the same line twice cannot be told apart: a difference chart's
 * gets its comparison ("Satisfaction: Heavy buyers minus the rest", or ": differences" for
 * several), a trend's ": trend"; one still shared after that keeps it on its first table
 * and takes after it on the others, in brackets, the name the spec gave the table
 * ("Satisfaction (scale-sorted)"), else the first of what tells it from the first table that
 * is short and unique (title_qualifier: "Satisfaction (Medium buyers)", not the name the spec
 * made, "sat-4", which is no words of the reader's), else which of the title's tables it is
 * as the contents list them ("Satisfaction (third table of this title)"; its place in the
 * spec, "(table 4)", until 2026-12-04: a number the reader sees nowhere). */
static shopstat_status unique_titles(report *r, shopstat_error *err)
{
    size_t n = r->in->ntables;
    char *shared = calloc(n + 1, 1); /* (judged on the titles as given, before any change) */
    if (!shared)
        return nomem(err);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n && !shared[i]; j++)
            shared[i] = j != i && strcmp(table_title(r, &r->tabs[j]),
                                         table_title(r, &r->tabs[i])) == 0;
    for (size_t i = 0; i < n; i++) {
        rtable *rt = &r->tabs[i];
        const char *base = table_title(r, rt);
        if (!shared[i])
            continue;
        const shopstat_spec_table *t = rt->t;
        char buf[1200] = "";
        if (t->chart && t->chart_type == SHOPSTAT_CHART_DIFF && t->npairs == 1 &&
            t->pairs[0].b != SHOPSTAT_SPEC_PREV && !r->in->segments[t->pairs[0].a].by &&
            (t->pairs[0].b == SHOPSTAT_SPEC_REST || !r->in->segments[t->pairs[0].b].by))
            snprintf(buf, sizeof buf, "%s: %s minus %s", base, pair_side(r, t->pairs[0].a),
                     pair_side(r, t->pairs[0].b));
        else if (t->chart && t->chart_type == SHOPSTAT_CHART_DIFF)
            snprintf(buf, sizeof buf, "%s: differences", base);
        else if (t->chart && t->chart_type == SHOPSTAT_CHART_TREND)
            snprintf(buf, sizeof buf, "%s: trend", base);
        if (buf[0] && !(rt->title = strdup(buf))) {
            free(shared);
            return nomem(err);
        }
    }
    free(shared);
    for (size_t i = 1; i < n; i++) {
        rtable *rt = &r->tabs[i];
        const char *title = table_title(r, rt);
        size_t first = 0;
        while (first < i && strcmp(table_title(r, &r->tabs[first]), title) != 0)
            first++;
        if (first == i)
            continue;
        /* (the spec's name, else the first of what differs that is short and unique) */
        char *u = NULL;
        int dup = 1;
        for (size_t k = 0; dup; k++) {
            char *q = rt->t->name_given ? (k ? xasprintf("%s", "") : xasprintf("%s", rt->t->name))
                                        : title_qualifier(r, rt->t, r->tabs[first].t, k);
            if (!q)
                return nomem(err);
            int last = !q[0];
            free(u);
            u = !last && strlen(q) <= TITLE_QUALIFIER_MAX ? xasprintf("%s (%s)", title, q) : NULL;
            free(q);
            dup = !u;
            for (size_t j = 0; j < i && !dup; j++)
                dup = strcmp(table_title(r, &r->tabs[j]), u) == 0;
            if (last)
                break;
        }
        if (dup) {
            /* nothing a reader sees tells it from the first: the how-many-th of the title
             * the contents, report.md and the workbook list it as ("(table 6)", its place in
             * the spec, named no place the reader sees until 2026-12-04) */
            static const char *const nth[] = {"first", "second",  "third",  "fourth", "fifth",
                                              "sixth", "seventh", "eighth", "ninth",  "tenth"};
            size_t m = 1;
            for (size_t j = 0; j < i; j++)
                m += strcmp(table_title(r, &r->tabs[j]), title) == 0 ||
                     (r->tabs[j].title && strncmp(r->tabs[j].title, title, strlen(title)) == 0 &&
                      r->tabs[j].title[strlen(title)] == ' ' &&
                      r->tabs[j].title[strlen(title) + 1] == '(');
            free(u);
            u = m <= 10 ? xasprintf("%s (%s table of this title)", title, nth[m - 1])
                        : xasprintf("%s (table %zu of this title)", title, m);
        }
        if (!u)
            return nomem(err);
        /* (report.md's heading names the table after its title: its name once) */
        rt->named = rt->t->name_given && !dup ? strlen(title) : 0;
        free(rt->title);
        rt->title = u;
    }
    return SHOPSTAT_OK;
}

static shopstat_status build_plan(report *r, shopstat_error *err)
{
    const shopstat_spec_info *in = r->in;
    if (!(r->plan = shopstat_plan_new()))
        return nomem(err);
    shopstat_status st = shopstat_plan_set_design(r->plan, &in->design, err);
    for (size_t x = 0; x < in->nexcludes && !st; x++) {
        const shopstat_spec_exclude *e = &in->excludes[x];
        if (e->duplicates) {
            st = shopstat_plan_add_dedupe(r->plan, e->duplicates, e->reason, err);
            continue;
        }
        shopstat_cond *cs = calloc(e->nconds, sizeof *cs);
        if (!cs)
            return nomem(err);
        for (size_t j = 0; j < e->nconds; j++)
            cs[j] = e->conds[j].cond;
        st = shopstat_plan_add_exclude(r->plan, cs, e->nconds, e->reason, err);
        free(cs);
    }
    /* only the questions some table shows: an unused one costs cells and may fail */
    r->qmap = calloc(in->nquestions + 1, sizeof *r->qmap);
    r->kstart = calloc(in->nquestions + 1, sizeof *r->kstart);
    if (!r->qmap || !r->kstart)
        return nomem(err);
    size_t nadded = 0;
    for (size_t q = 0; q < in->nquestions && !st; q++) {
        r->qmap[q] = (size_t)-1;
        for (size_t i = 0; i < in->ntables && r->qmap[q] == (size_t)-1; i++) {
            int shown = in->tables[i].question == q;
            for (size_t k = 0; k < in->tables[i].nitems && !shown; k++)
                shown = in->tables[i].items[k] == q;
            if (shown)
                r->qmap[q] = nadded++;
        }
        if (r->qmap[q] != (size_t)-1 && !(st = add_question(r, q, err)))
            st = add_scores(r, q, err);
    }
    int *used = calloc(in->nsegments, sizeof *used);
    r->tabs = calloc(in->ntables, sizeof *r->tabs);
    if (!used || !r->tabs) {
        free(used);
        return nomem(err);
    }
    for (size_t i = 0; i < in->ntables && !st; i++) {
        r->tabs[i].t = &in->tables[i];
        st = add_table_segments(r, &r->tabs[i], used, err);
    }
    for (size_t i = 0; i < in->ntables && !st; i++)
        if (!(st = add_table_pairs(r, &r->tabs[i], err)))
            st = table_needs(r, &r->tabs[i], err);
    for (size_t i = 0; i < in->ntables && !st; i++)
        st = grid_items(r, &r->tabs[i], err);
    if (!st)
        st = unique_titles(r, err);
    free(used);
    if (st && !err->file[0]) {
        /* plan errors have no position: point at the spec */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        shopstat_error_set(err, st, in->path, 0, 0, "%s", msg);
    }
    return st;
}

/* ---- the pass ---- */

/* The pass's progress hook, forwarded with the file's size. */
typedef struct progress_fwd {
    const shopstat_report_opts *o;
    size_t total;
} progress_fwd;

static void on_pass_progress(void *ctx, size_t bytes, size_t rows)
{
    const progress_fwd *f = ctx;
    f->o->progress(f->o->progress_ctx, bytes, f->total, rows);
}

/* A report of nothing is an error, as tab's table of nothing is (engine/cli/survey_args.c):
 * no row after the header (every row skipped or empty), or every weight 0. */
static shopstat_status check_rows(report *r, shopstat_error *err)
{
    shopstat_accounting a = shopstat_totals_accounting(r->tot);
    if (a.used == 0)
        return shopstat_error_no_rows(err, r->in->data, a.excluded_skipped, a.excluded_empty);
    if (shopstat_totals_npsu_positive(r->tot) == 0) {
        const shopstat_design_opts *d = &r->in->design;
        shopstat_pos p = r->in->design_pos[0];
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, p.line, p.col,
                                  "every row has weight 0 in design weight: column '%s'; there is "
                                  "nothing to estimate",
                                  d->weight ? d->weight : "?");
    }
    return SHOPSTAT_OK;
}

static shopstat_status run_pass(report *r, shopstat_error *err)
{
    shopstat_reader *rd = NULL;
    shopstat_status st = shopstat_reader_open(r->in->data, &r->in->csv, &rd, err);
    if (st)
        return st;
    if ((st = shopstat_spec_check_columns(r->spec, rd, err))) {
        shopstat_reader_free(rd);
        return st;
    }
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = r->o->threads;
    progress_fwd fwd = {r->o, 0};
    struct stat sb;
    if (r->o->progress && stat(r->in->data, &sb) == 0) {
        fwd.total = (size_t)sb.st_size;
        po.progress = on_pass_progress;
        po.progress_ctx = &fwd;
    }
    st = shopstat_totals_compute_opts(r->plan, rd, &po, &r->tot, err);
    if (st == SHOPSTAT_EUSAGE && r->in->nexcludes &&
        strncmp(err->msg, "exclusions leave no row", 23) == 0) {
        /* the pass's message, at the spec's exclude: */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "exclude: leaves no row%s", err->msg + 23);
        shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, r->in->excludes[0].pos.line,
                           r->in->excludes[0].pos.col, "%s", msg);
    }
    if (!st && po.progress)
        r->o->progress(r->o->progress_ctx, fwd.total, fwd.total,
                       shopstat_totals_accounting(r->tot).read);
    shopstat_reader_free(rd);
    return st ? st : check_rows(r, err);
}

/* ---- tables from the estimates ---- */

static shopstat_status table_columns(report *r, rtable *rt, shopstat_error *err)
{
    const shopstat_spec_table *t = rt->t;
    size_t ns = shopstat_totals_nsegments(r->tot);
    /* the table's own columns (a --by set's values), not every segment: a spec of 1,000
     * tables and 1,000 segments held 32 MB of them */
    size_t n = 1;
    for (size_t k = 0; k < t->nsegments; k++) {
        if (!r->in->segments[t->segments[k]].by) {
            n++;
            continue;
        }
        for (size_t s = 0; s < ns; s++) {
            const char *set = shopstat_totals_segment_set(r->tot, s);
            n += set && strcmp(set, rt->internal[k]) == 0;
        }
    }
    rt->cols = calloc(n, sizeof *rt->cols);
    rt->colnames = calloc(n, sizeof *rt->colnames);
    rt->collabels = calloc(n, sizeof *rt->collabels);
    rt->owned = calloc(n, sizeof *rt->owned);
    if (!rt->cols || !rt->colnames || !rt->collabels || !rt->owned)
        return nomem(err);
    for (size_t k = 0; k < t->nsegments; k++) {
        const shopstat_spec_segment *sg = &r->in->segments[t->segments[k]];
        if (sg->by) {
            /* the set's segments, COL=VALUE (or COL=VALUE@TABLE: shown without the tag) */
            size_t tag = by_tagged(r, t, sg->by) ? strlen(t->name) + 1 : 0;
            for (size_t s = 0; s < ns; s++) {
                const char *set = shopstat_totals_segment_set(r->tot, s);
                if (!set || strcmp(set, rt->internal[k]) != 0)
                    continue;
                const char *nm = shopstat_totals_segment(r->tot, s);
                if (tag) {
                    size_t len = strlen(nm);
                    if (len < tag ||
                        !(rt->owned[rt->ncols] = xasprintf("%.*s", (int)(len - tag), nm)))
                        return nomem(err);
                    nm = rt->owned[rt->ncols];
                }
                rt->cols[rt->ncols] = s;
                rt->colnames[rt->ncols] = nm;
                rt->collabels[rt->ncols++] = seg_label(r, nm);
            }
            continue;
        }
        size_t s;
        shopstat_status st = shopstat_totals_find_segment(r->tot, rt->internal[k], &s, err);
        if (st)
            return st;
        rt->cols[rt->ncols] = s;
        rt->colnames[rt->ncols] = sg->name;
        rt->collabels[rt->ncols++] = sg->label ? sg->label : sg->name;
    }
    return SHOPSTAT_OK;
}

/* "Base: sites that display a phone number (multiple answers allowed)." for markdown. The
 * chart gets the base alone: its footer says "Base: " itself, and says that several answers
 * are allowed on the question's line (from the data), so a second mention in the base would
 * repeat it; the workbook gets "Base: ...." without it (xlsx_base), since its sheet has a
 * line of its own for multi-response questions. */
static void base_note(const report *r, rtable *rt)
{
    const shopstat_spec_table *t = rt->t;
    const shopstat_spec_question *q = &r->in->questions[t->question];
    const char *multi = q->kind == SHOPSTAT_Q_SINGLE ? "" : " (multiple answers allowed)";
    /* a ticked: or codes: question's blank is no answer, so its base is the rows that
     * ticked something: said so, since a share of them ("40% met a long queue") is not a
     * share of every respondent */
    const char *answered = q->kind == SHOPSTAT_Q_CODES ? "holding at least one code"
                           : q->kind == SHOPSTAT_Q_MULTI && q->ticked
                               ? "ticking at least one option"
                               : NULL;
    /* none: in base: every row of the base, the share of all respondents. (A reader counts
     * respondents, not the rows of a file: every base is said in their word.) */
    /* units: sites, stores: their word, and no "answering" (a site does not answer) */
    const char *u = r->in->units ? r->in->units : "respondents";
    char none[300];
    if (r->in->units)
        snprintf(none, sizeof none, "%s %s count as none", u,
                 q->kind == SHOPSTAT_Q_CODES ? "holding no code" : "ticking none");
    else
        snprintf(none, sizeof none, "%s",
                 q->kind == SHOPSTAT_Q_CODES ? "a respondent holding no code counts as none"
                                             : "a respondent ticking none counts as none");
    if (q->none_in_base && t->base_label)
        snprintf(rt->chart_base, sizeof rt->chart_base, "%s; %s", t->base_label, none);
    else if (q->none_in_base && t->base_expr)
        snprintf(rt->chart_base, sizeof rt->chart_base, "%s with %s; %s", u, t->base_expr,
                 none);
    else if (q->none_in_base)
        snprintf(rt->chart_base, sizeof rt->chart_base, "all %s; %s", u, none);
    else if (t->base_label && answered) /* (the label names the base, not who answered) */
        snprintf(rt->chart_base, sizeof rt->chart_base, "%s, %s", t->base_label, answered);
    else if (t->base_label)
        snprintf(rt->chart_base, sizeof rt->chart_base, "%s", t->base_label);
    else if (t->base_expr)
        snprintf(rt->chart_base, sizeof rt->chart_base, "%s with %s, %s", u, t->base_expr,
                 answered             ? answered
                 : t->nitems          ? (r->in->units ? "with an answer to each item"
                                                      : "answering each item")
                 : r->in->units ? "with an answer"
                                      : "answering");
    else if (answered)
        snprintf(rt->chart_base, sizeof rt->chart_base, "all %s %s", u, answered);
    else if (t->nitems) /* a grid: each item's base is its own */
        snprintf(rt->chart_base, sizeof rt->chart_base, "all %s %s each item", u,
                 r->in->units ? "with an answer to" : "answering");
    else
        snprintf(rt->chart_base, sizeof rt->chart_base, "all %s %s the question", u,
                 r->in->units ? "with an answer to" : "answering");
    snprintf(rt->base_note, sizeof rt->base_note, "Base: %s%s.", rt->chart_base, multi);
    snprintf(rt->xlsx_base, sizeof rt->xlsx_base, "Base: %s.", rt->chart_base);
}

/* Why segment `name` may hold no row: a value of its where: that no row of a question on
 * that column holds ("wave == 2026-6" among 2026-01 ... 2026-06), written into buf as
 * "; no row has wave == '2026-6' (did you mean '2026-06'?)", else "". */
static void empty_segment_hint(const report *r, const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    const shopstat_spec_segment *sg = NULL;
    for (size_t g = 0; g < r->in->nsegments && !sg; g++)
        if (strcmp(r->in->segments[g].name, name) == 0 && !r->in->segments[g].by)
            sg = &r->in->segments[g];
    for (size_t k = 0; sg && k < sg->nconds; k++) {
        const shopstat_cond *cd = &sg->conds[k].cond;
        if (cd->op != SHOPSTAT_OP_IN || !cd->values)
            continue;
        /* the column's values: the levels of a single-choice question reading it (not
         * recoded), else the values of a by: segment on it ("wave=2026-01") */
        size_t q = (size_t)-1, ns = shopstat_totals_nsegments(r->tot), nl = 0,
               cl = strlen(cd->column);
        for (size_t sq = 0; sq < r->in->nquestions && q == (size_t)-1; sq++) {
            const shopstat_spec_question *qq = &r->in->questions[sq];
            if (qq->kind == SHOPSTAT_Q_SINGLE && !qq->nrecodes && qq->ncolumns == 1 &&
                strcmp(qq->columns[0], cd->column) == 0 && r->qmap[sq] != (size_t)-1)
                q = r->qmap[sq];
        }
        size_t cap_l = q != (size_t)-1 ? shopstat_totals_nlevels(r->tot, q) : ns;
        const char **lv = malloc((cap_l + 1) * sizeof *lv);
        if (!lv)
            return;
        for (size_t i = 0; i < cap_l; i++) {
            if (q != (size_t)-1) {
                lv[nl++] = shopstat_totals_level(r->tot, q, i);
                continue;
            }
            const char *set = shopstat_totals_segment_set(r->tot, i);
            const char *sn = shopstat_totals_segment(r->tot, i);
            /* (a set of the column alone: one within a table's base holds its rows' values) */
            if (set && strncmp(set, cd->column, cl) == 0 && !set[cl] &&
                strncmp(sn, cd->column, cl) == 0 && sn[cl] == '=')
                lv[nl++] = sn + cl + 1;
        }
        if (nl == 0) {
            free(lv);
            continue;
        }
        for (const char *const *v = cd->values; *v && !buf[0]; v++) {
            double x, y;
            int num = shopstat_parse_number(*v, strlen(*v), 0, &x) == 1, held = 0;
            for (size_t l = 0; l < nl && !held; l++)
                held = strcmp(lv[l], *v) == 0 ||
                       (num && shopstat_parse_number(lv[l], strlen(lv[l]), 0, &y) == 1 && x == y);
            /* (a missing: code is held, as no answer: another warning says so) */
            for (const char *const *m = r->in->csv.missing; m && *m && !held; m++)
                held = strcmp(*m, *v) == 0;
            for (size_t sq = 0; sq < r->in->nquestions && !held; sq++) {
                const shopstat_spec_question *qq = &r->in->questions[sq];
                for (size_t j = 0; j < qq->ncolumns && qq->missing; j++)
                    for (const char *const *m = qq->missing;
                         *m && !held && strcmp(qq->columns[j], cd->column) == 0; m++)
                        held = strcmp(*m, *v) == 0;
            }
            if (held || strcmp(*v, "NA") == 0)
                continue;
            const char *near = shopstat_closest(*v, lv, nl);
            snprintf(buf, cap, "; no row has %s == '%s'%s%s%s", cd->column, *v,
                     near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        }
        free(lv);
    }
}

static shopstat_status table_rows(report *r, rtable *rt, shopstat_error *err)
{
    size_t sq = rt->t->question, q = r->qmap[sq];
    rt->nlevels = shopstat_totals_nlevels(r->tot, q);
    rt->est = calloc(rt->nlevels * rt->ncols + 1, sizeof *rt->est);
    rt->level_labels = calloc(rt->nlevels + 1, sizeof *rt->level_labels);
    if (!rt->est || !rt->level_labels)
        return nomem(err);
    for (size_t l = 0; l < rt->nlevels; l++) {
        rt->level_labels[l] = level_label(r, sq, shopstat_totals_level(r->tot, q, l));
        for (size_t c = 0; c < rt->ncols; c++) {
            const shopstat_estimate *y = shopstat_tab_estimate_find(r->e, r->ne, q, l, rt->cols[c]);
            if (!y) /* (the plan declares each table's question in its columns) */
                return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                          "a table's estimate is not listed");
            shopstat_estimate *x = &rt->est[l * rt->ncols + c];
            *x = *y;
            x->segment = rt->colnames[c];
        }
    }
    for (size_t c = 0; c < rt->ncols; c++)
        if (rt->nlevels == 0 || rt->est[c].base_n == 0) {
            char why[300];
            empty_segment_hint(r, rt->colnames[c], why, sizeof why);
            warn(r, "table '%s': segment '%s' has no rows in the base%s", rt->t->name,
                 rt->colnames[c], why);
        }
    if (rt->nlevels == 0)
        warn(r, "table '%s': question '%s' has no answers", rt->t->name, r->in->questions[sq].name);
    base_note(r, rt);
    return SHOPSTAT_OK;
}

/* Append to dst the differences of src[0..nsrc) of one engine pair (segment_a en,
 * segment_b b) of the table's question, shown as shown_a : bname. The same pair may be
 * declared by several tables: one pair's rows are taken. */
/* The rows of table rt's base that answered its question but have no value of a by:
 * segment's column (blank, NA, a missing: code): in the base, and in 'all' when it is a
 * column, but in none of the segment's columns, whose bases then add up to less than all's
 * (tab's table view says so: shopstat_write_by_missing_lines). Per by: segment of the
 * table: the base's rows and weight (its rows segment, rt->base_rows) less those of the
 * segment's columns; a segment without such rows is not kept. */
static shopstat_status by_missing_count(report *r, rtable *rt, shopstat_error *err)
{
    size_t q = r->qmap[rt->t->question], s;
    if (!rt->nlevels || shopstat_totals_find_segment(r->tot, rt->base_rows, &s, NULL))
        return SHOPSTAT_OK;
    const shopstat_estimate *base = shopstat_tab_estimate_find(r->e, r->ne, q, 0, s);
    if (!base)
        return SHOPSTAT_OK;
    for (size_t k = 0; k < rt->t->nsegments; k++) {
        const shopstat_spec_segment *sg = &r->in->segments[rt->t->segments[k]];
        if (!sg->by)
            continue;
        size_t n = 0;
        double w = 0;
        for (size_t c = 0; c < rt->ncols; c++) {
            const char *set = shopstat_totals_segment_set(r->tot, rt->cols[c]);
            if (set && strcmp(set, rt->internal[k]) == 0) {
                n += rt->est[c].base_n; /* (level 0: every level has the question's base) */
                w += rt->est[c].base_weight;
            }
        }
        if (base->base_n <= n)
            continue;
        by_missing *m = realloc(rt->bym, (rt->nbym + 1) * sizeof *m);
        if (!m)
            return nomem(err);
        rt->bym = m;
        m[rt->nbym++] = (by_missing){rt->t->segments[k], base->base_n - n, base->base_n,
                                     base->base_weight - w, base->base_weight};
    }
    return SHOPSTAT_OK;
}

/* The sentence under a table (report.md, its chart's footer, the workbook) for each of its
 * by: segments whose column is missing on rows of its base (by_missing_count()): "Rows with
 * no sector are in All sites only, in no sector column: 12 of the 827 answering (1.5% of
 * the weighted base)." ("are in the table's base but in none of its columns" when 'all'
 * is not one). */
static void by_missing_note(const report *r, rtable *rt)
{
    size_t len = 0, all = (size_t)-1;
    rt->by_note[0] = '\0';
    for (size_t c = 0; c < rt->ncols && all == (size_t)-1; c++)
        if (strcmp(rt->colnames[c], "all") == 0)
            all = c;
    for (size_t k = 0; k < rt->nbym && len < sizeof rt->by_note; k++) {
        const by_missing *m = &rt->bym[k];
        const char *col = r->in->segments[m->segment].by;
        char g[2][32], pct[32];
        shopstat_format_fixed(m->base_weight > 0 ? 100 * m->weight / m->base_weight : NAN, 1, 0,
                              pct, sizeof pct);
        shopstat_format_grouped((double)m->rows, 0, g[0], sizeof g[0]);
        shopstat_format_grouped((double)m->in_base, 0, g[1], sizeof g[1]);
        int w = all != (size_t)-1
                    ? snprintf(rt->by_note + len, sizeof rt->by_note - len,
                               "%sRows with no %s are in %s only, in no %s column: %s of the %s "
                               "answering (%s%% of the weighted base).",
                               k ? " " : "", col, rt->collabels[all], col, g[0], g[1], pct)
                    : snprintf(rt->by_note + len, sizeof rt->by_note - len,
                               "%sRows with no %s are in the table's base but in none of its "
                               "columns: %s of the %s answering (%s%% of the weighted base).",
                               k ? " " : "", col, g[0], g[1], pct);
        len += w > 0 ? (size_t)w : 0;
    }
}

static void take_pair(const report *r, const rtable *rt, const shopstat_difference *src,
                      size_t nsrc, shopstat_difference *dst, size_t *ndst, const char *en,
                      const char *b, const char *shown_a, const char *bname)
{
    int seen = 0;
    for (size_t i = 0; i < nsrc; i++) {
        const shopstat_difference *d = &src[i];
        if (d->q != r->qmap[rt->t->question] || strcmp(d->segment_a, en) != 0 ||
            strcmp(d->segment_b, b) != 0)
            continue;
        if (seen && d->l == 0)
            break;
        seen = 1;
        shopstat_difference *x = &dst[(*ndst)++];
        *x = *d;
        x->segment_a = shown_a;
        x->segment_b = bname;
    }
}

/* 1 when column c of table rt is a value of the by: set named set (a prev pair's b). */
static int prev_col(const report *r, const rtable *rt, const char *set, size_t c)
{
    const char *s = shopstat_totals_segment_set(r->tot, rt->cols[c]);
    return s && strcmp(s, set) == 0;
}

/* The table's pairs' differences among src[0..nsrc) into dst (room for nsrc), shown with
 * the table's names. */
static void table_pairs(const report *r, const rtable *rt, const shopstat_difference *src,
                        size_t nsrc, shopstat_difference *dst, size_t *ndst)
{
    const shopstat_spec_table *t = rt->t;
    for (size_t p = 0; p < t->npairs; p++) {
        const char *a = rt->internal[table_col_of(rt, t->pairs[p].a)];
        const char *bname = t->pairs[p].b == SHOPSTAT_SPEC_REST ? "rest"
                            : t->pairs[p].b == SHOPSTAT_SPEC_PREV
                                ? "prev"
                                : r->in->segments[t->pairs[p].b].name;
        if (!r->in->segments[t->pairs[p].a].by) {
            take_pair(r, rt, src, nsrc, dst, ndst, a, rt->pair_b[p],
                      r->in->segments[t->pairs[p].a].name, bname);
            continue;
        }
        /* one pair per value: the table's columns of the set, in order; prev's against
         * the column the engine paired it with (the value before it) */
        for (size_t c = 0; c < rt->ncols; c++) {
            const char *set = shopstat_totals_segment_set(r->tot, rt->cols[c]);
            if (!set || strcmp(set, a) != 0)
                continue;
            if (t->pairs[p].b != SHOPSTAT_SPEC_PREV) {
                take_pair(r, rt, src, nsrc, dst, ndst, shopstat_totals_segment(r->tot, rt->cols[c]),
                          rt->pair_b[p], rt->colnames[c], bname);
                continue;
            }
            for (size_t c0 = 0; c0 < rt->ncols; c0++)
                if (c0 != c && prev_col(r, rt, a, c0))
                    take_pair(r, rt, src, nsrc, dst, ndst,
                              shopstat_totals_segment(r->tot, rt->cols[c]),
                              shopstat_totals_segment(r->tot, rt->cols[c0]), rt->colnames[c],
                              rt->colnames[c0]);
        }
    }
}

static shopstat_status table_diffs(report *r, rtable *rt, shopstat_error *err)
{
    /* (a pair's rows of the question, a level each; a by: pair's for each column) */
    size_t nl = shopstat_totals_nlevels(r->tot, r->qmap[rt->t->question]);
    size_t cap = rt->t->npairs * (rt->ncols ? rt->ncols : 1) * nl;
    rt->diffs = calloc((cap < r->nd ? cap : r->nd) + 1, sizeof *rt->diffs);
    if (!rt->diffs)
        return nomem(err);
    table_pairs(r, rt, r->d, r->nd, rt->diffs, &rt->ndiffs);
    return SHOPSTAT_OK;
}

/* The scores of the table's question in its columns, and their differences for its pairs
 * (score x pair, as the engine nests them; the same pair declared by several tables gives
 * one row per score). */
static void take_score_pair(report *r, rtable *rt, size_t k, const char *en, const char *b,
                            const char *shown_a, const char *bname)
{
    size_t q = r->qmap[rt->t->question], k0 = r->kstart[rt->t->question];
    for (size_t i = 0; i < r->nsd; i++) {
        const shopstat_difference *d = &r->sd[i];
        if (d->q != q || d->l != k0 + k || strcmp(d->segment_a, en) != 0 ||
            strcmp(d->segment_b, b) != 0)
            continue;
        shopstat_difference *x = &rt->sdiffs[rt->nsdiffs++];
        *x = *d;
        x->l = k;
        x->segment_a = shown_a;
        x->segment_b = bname;
        return;
    }
}

static void score_label(char *buf, size_t n, const shopstat_score_estimate *e);

static shopstat_status table_scores(report *r, rtable *rt, shopstat_error *err)
{
    const shopstat_spec_table *t = rt->t;
    size_t q = r->qmap[t->question], k0 = r->kstart[t->question];
    rt->nscores = r->in->questions[t->question].nscores;
    if (!rt->nscores)
        return SHOPSTAT_OK;
    rt->sest = calloc(rt->nscores * rt->ncols, sizeof *rt->sest);
    /* (a pair's rows of each score; a by: pair's for each column, as table_diffs) */
    size_t cap = t->npairs * (rt->ncols ? rt->ncols : 1) * rt->nscores;
    rt->sdiffs = calloc((cap < r->nsd ? cap : r->nsd) + 1, sizeof *rt->sdiffs);
    if (!rt->sest || !rt->sdiffs)
        return nomem(err);
    for (size_t k = 0; k < rt->nscores; k++)
        for (size_t c = 0; c < rt->ncols; c++) {
            size_t i = 0;
            while (i < r->nse &&
                   (r->se[i].q != q || r->se[i].k != k0 + k || r->se[i].s != rt->cols[c]))
                i++;
            if (i == r->nse)
                return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                          "no score estimate for table '%s', segment '%s'", t->name,
                                          rt->colnames[c]);
            shopstat_score_estimate *x = &rt->sest[k * rt->ncols + c];
            *x = r->se[i];
            x->segment = rt->colnames[c];
        }
    for (size_t k = 0; k < rt->nscores; k++)
        for (size_t p = 0; p < t->npairs; p++) {
            const char *a = rt->internal[table_col_of(rt, t->pairs[p].a)];
            const char *bname = t->pairs[p].b == SHOPSTAT_SPEC_REST ? "rest"
                                : t->pairs[p].b == SHOPSTAT_SPEC_PREV
                                    ? "prev"
                                    : r->in->segments[t->pairs[p].b].name;
            if (!r->in->segments[t->pairs[p].a].by) {
                take_score_pair(r, rt, k, a, rt->pair_b[p], r->in->segments[t->pairs[p].a].name,
                                bname);
                continue;
            }
            for (size_t c = 0; c < rt->ncols; c++) {
                const char *set = shopstat_totals_segment_set(r->tot, rt->cols[c]);
                if (!set || strcmp(set, a) != 0)
                    continue;
                if (t->pairs[p].b != SHOPSTAT_SPEC_PREV) {
                    take_score_pair(r, rt, k, shopstat_totals_segment(r->tot, rt->cols[c]),
                                    rt->pair_b[p], rt->colnames[c], bname);
                    continue;
                }
                for (size_t c0 = 0; c0 < rt->ncols; c0++)
                    if (c0 != c && prev_col(r, rt, a, c0))
                        take_score_pair(r, rt, k, shopstat_totals_segment(r->tot, rt->cols[c]),
                                        shopstat_totals_segment(r->tot, rt->cols[c0]),
                                        rt->colnames[c], rt->colnames[c0]);
            }
        }
    /* the workbook's row labels */
    if (!(rt->score_labels = calloc(rt->nscores, sizeof *rt->score_labels)))
        return nomem(err);
    for (size_t k = 0; k < rt->nscores; k++) {
        char lab[300];
        score_label(lab, sizeof lab, &rt->sest[k * rt->ncols]);
        if (!(rt->score_labels[k] = strdup(lab)))
            return nomem(err);
    }
    return SHOPSTAT_OK;
}

/* A score's error after the pass (a level with no score, a mean of a level that is no
 * number) names its question, and the data file: point at the question's score: in the
 * spec instead, and say what to do there rather than with the command line's flags. */
static void score_error_at(const report *r, shopstat_error *err)
{
    for (size_t q = 0; q < r->in->nquestions; q++) {
        const shopstat_spec_question *qq = &r->in->questions[q];
        char quoted[300];
        snprintf(quoted, sizeof quoted, "'%.250s'", qq->name);
        if (!qq->nscores || r->qmap[q] == (size_t)-1 || !strstr(err->msg, quoted))
            continue;
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        char *hint = strstr(msg, "; declare it missing"), *lv = strstr(msg, "level '");
        /* (the level ends at the quote before a blank: "Don't know" holds one) */
        char *end = lv ? strstr(lv + 7, "' ") : NULL;
        if (hint && end && end < hint) {
            char level[200];
            snprintf(level, sizeof level, "%.*s", (int)(end - lv - 7), lv + 7);
            /* mean and nps take no extra level: a map scoring every level does */
            const char *give = strstr(msg, "in an NPS")
                                   ? "score every level with a map in score: ({\"0-6\": -100, "
                                     "\"7-8\": 0, \"9-10\": 100, ...})"
                               : strstr(msg, "in a mean") ? "score every level with a map in score:"
                                                          : "give it a score in score:";
            if (strstr(msg, "non-substantive")) /* (no score to give it: missing only) */
                snprintf(hint, sizeof msg - (size_t)(hint - msg),
                         "; give it in the question's missing: ([%s]; csv: missing: applies to "
                         "every column)",
                         level);
            else if (qq->nrecodes) /* (a level of the recode: no code to call missing) */
                snprintf(hint, sizeof msg - (size_t)(hint - msg), "; %s", give);
            else
                snprintf(hint, sizeof msg - (size_t)(hint - msg),
                         "; %s, or, if '%s' means no answer (a Don't know code), give it in "
                         "the question's missing: ([%s]; csv: missing: applies to every column)",
                         give, level, level);
        }
        shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, qq->scores[0].pos.line,
                           qq->scores[0].pos.col, "%s", msg);
        return;
    }
}

/* Levels listed in the question's values: come first, in that order (Yes before No even
 * when No is coded 0), then those of a derived question's recode rules, in the order the
 * rules give them, then the others in the engine's order. tables.csv and comparisons.csv
 * keep the engine's order, as 'shopstat tab' prints it. */
static shopstat_status display_order(report *r, rtable *rt, shopstat_error *err)
{
    const shopstat_spec_question *q = &r->in->questions[rt->t->question];
    size_t nl = rt->nlevels, k = 0, tq = r->qmap[rt->t->question];
    size_t *perm = calloc(nl + 1, sizeof *perm), *inv = calloc(nl + 1, sizeof *inv);
    char *taken = calloc(nl + 1, 1);
    rt->dest = calloc(nl * rt->ncols + 1, sizeof *rt->dest);
    rt->ddiffs = calloc(rt->ndiffs + 1, sizeof *rt->ddiffs);
    if (!perm || !inv || !taken || !rt->dest || !rt->ddiffs) {
        free(perm);
        free(inv);
        free(taken);
        return nomem(err);
    }
    for (size_t v = 0; v < q->nvalues + q->nrecodes; v++) {
        const char *code = v < q->nvalues ? q->values[v].code : q->recodes[v - q->nvalues].level;
        for (size_t l = 0; l < nl; l++)
            if (!taken[l] && strcmp(shopstat_totals_level(r->tot, tq, l), code) == 0) {
                taken[l] = 1;
                perm[k++] = l;
            }
    }
    for (size_t l = 0; l < nl; l++)
        if (!taken[l])
            perm[k++] = l;
    for (size_t d = 0; d < nl; d++) {
        inv[perm[d]] = d;
        rt->level_labels[d] =
            level_label(r, rt->t->question, shopstat_totals_level(r->tot, tq, perm[d]));
        for (size_t c = 0; c < rt->ncols; c++)
            rt->dest[d * rt->ncols + c] = rt->est[perm[d] * rt->ncols + c];
    }
    for (size_t i = 0; i < rt->ndiffs; i++) {
        rt->ddiffs[i] = rt->diffs[i];
        if (rt->diffs[i].l < nl)
            rt->ddiffs[i].l = inv[rt->diffs[i].l];
    }
    free(perm);
    free(inv);
    free(taken);
    return SHOPSTAT_OK;
}

/* The first (up to three) of n values, quoted, into buf: "'a', 'b', 'c' and more". */
static void value_list(char *buf, size_t cap, size_t n, const char *const *first)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 3 && at < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s'%.40s'", i ? ", " : "", first[i]);
    if (n > 3 && at < cap)
        snprintf(buf + at, cap - at, " and more");
}

/* What the data say of a question's spec that is likely a mistake: multi: over columns
 * that leave an unticked box blank, recode rules that take no row's value, values: codes
 * that no row holds while rows hold codes values: does not list, or (all listed codes held)
 * codes values: does not list, as a "Don't know" 99 left out of missing:. */
static void question_warnings(report *r)
{
    char a[200], b[200];
    if (shopstat_totals_fpc_census(r->tot))
        warn(r,
             "design: fpc: %s says every stratum was sampled whole (%s), a census: every "
             "standard error is 0 and intervals have no width; if the column is not a finite "
             "population correction, leave fpc: out",
             r->in->design.fpc,
             shopstat_totals_fpc_fractions(r->tot) ? "sampling fractions of 1"
                                                   : "population sizes equal to the PSUs sampled");
    const char *mcol, *mcode = shopstat_totals_condition_missing_code(r->tot, &mcol);
    if (mcode)
        warn(r,
             "column %s holds '%s', one of the missing: codes: a condition on %s would "
             "take those rows but for that (they are in no segment or base that tests it); if "
             "%s is a value there, leave it out of missing:",
             mcol, mcode, mcol, mcode);
    const char *scode, *scol, *sown;
    double lo, hi;
    size_t taken;
    for (size_t k = 0;
         shopstat_totals_code_in_scale(r->tot, k, &scode, &scol, &lo, &hi, &sown, &taken); k++)
        warn(r,
             "csv: missing: [%s] takes %zu answer%s of %s out of column %s, whose answers run "
             "%g-%g: give the code in the missing: of the questions it belongs to (missing: "
             "[%s]%s%s) and take it out of csv: missing:",
             scode, taken, taken == 1 ? "" : "s", scode, scol, lo, hi, scode,
             sown ? " for columns " : "", sown ? sown : "");
    for (size_t k = 0; k < shopstat_totals_nscores(r->tot); k++) {
        const char *sq;
        double top;
        if (shopstat_score_nps_doubtful(r->tot, k, &sq, &top))
            warn(r,
                 "question '%s', score: nps: no answer is 9 or 10 (the highest is %g), so its "
                 "NPS has no promoters; is it a 0-10 likelihood to recommend? For another "
                 "scale give a map (score: {\"1-2\": -100, 3: 0, \"4-5\": 100}, say) or take "
                 "its mean (score: mean)",
                 sq, top);
        const char *codes[SHOPSTAT_SCORE_MAX_CODES];
        double clo, chi;
        size_t nc = shopstat_score_mean_code_doubtful(r->tot, k, &sq, codes, &clo, &chi);
        int qk = shopstat_score_is_quantile(r->tot, k);
        const char *kind = qk ? "quantile" : "mean", *who = qk ? "A quantile" : "The mean";
        /* (codes above the answers, 99 over a 1-5 rating, or below them, Qualtrics' -99) */
        int below = nc && strtod(codes[nc - 1], NULL) < clo;
        int above = nc && strtod(codes[0], NULL) > chi;
        if (nc == 1)
            warn(r,
                 "question '%s', score: %s: its %s answer, %s, stands far %s the "
                 "others (%g-%g): %s? %s counts it "
                 "as the number %s; if it is no answer, list it in the question's missing: "
                 "(missing: [%s])",
                 sq, kind, below ? "lowest" : "highest", codes[0], below ? "below" : "above", clo, chi,
                 below ? "a code for no answer (Qualtrics' -99: seen but unanswered)"
                       : "a \"don't know\" or \"refused\" code",
                 who, codes[0], codes[0]);
        else if (nc > 1) { /* (98 and 99: both named, one message) */
            char words[120] = "", list[120] = "";
            for (size_t i = 0, w = 0, l = 0; i < nc && w < sizeof words && l < sizeof list; i++) {
                const char *before = i == 0 ? "" : i + 1 == nc ? " and " : ", ";
                w += (size_t)snprintf(words + w, sizeof words - w, "%s%.20s", before, codes[i]);
                l += (size_t)snprintf(list + l, sizeof list - l, "%s%.20s", i ? ", " : "", codes[i]);
            }
            warn(r,
                 "question '%s', score: %s: its %s, %s, stand far %s the "
                 "others (%g-%g): \"don't know\" and \"refused\" codes? %s counts them "
                 "as numbers; if they are no answers, list them in the question's missing: "
                 "(missing: [%s])",
                 sq, kind,
                 above   ? "highest answers"
                 : below ? "lowest answers"
                         : "answers",
                 words,
                 above   ? "above"
                 : below ? "below"
                         : "outside",
                 clo, chi, who, list);
        }
    }
    for (size_t sq = 0; sq < r->in->nquestions; sq++) {
        const shopstat_spec_question *qq = &r->in->questions[sq];
        size_t q = r->qmap[sq];
        if (q == (size_t)-1)
            continue;
        if (shopstat_totals_question_partly_blank(r->tot, q))
            warn(r,
                 "question '%s': rows that answer some of its columns and leave others blank "
                 "are not in its base; if a blank means not ticked (Qualtrics, SurveyMonkey), "
                 "write ticked: instead of multi:",
                 qq->name);
        const char *dcode, *dcell;
        char dsep;
        size_t nd = shopstat_totals_question_sep_doubt(r->tot, q, &dcode, &dcell, &dsep);
        if (nd)
            warn(r,
                 "question '%s': %zu of its codes ('%s'%s) look%s cut out of labels at a ',' "
                 "(a cell: '%.60s%s'), as codes are split at ';' and ','; if ',' is inside "
                 "its labels, give the character between them: sep: '%c'",
                 qq->name, nd, dcode, nd > 1 ? ", ..." : "", nd > 1 ? "" : "s", dcell,
                 strlen(dcell) > 60 ? "..." : "", dsep ? dsep : ';');
        size_t nu = shopstat_totals_question_nunrecoded(r->tot, q);
        if (nu) {
            const char *first[3];
            for (size_t i = 0; i < nu && i < 3; i++)
                first[i] = shopstat_totals_question_unrecoded(r->tot, q, i);
            value_list(a, sizeof a, nu, first);
            warn(r,
                 "question '%s': no recode rule takes %s; rows holding %s are missing (rules "
                 "match text exactly, case included)",
                 qq->name, a, nu == 1 ? "it" : "them");
        }
        char na[600]; /* (-99 among codes of 0 or more: tab's warning; values: says its own) */
        if (!qq->nvalues && shopstat_nonanswer_warning(r->tot, q, 1, na, sizeof na))
            warn(r, "%s", na);
        if (!qq->nvalues || qq->kind == SHOPSTAT_Q_MULTI)
            continue;
        /* the first three of each: labelled and held by no row, held and not labelled */
        const char *none[3], *extra[3];
        size_t nl = shopstat_totals_nlevels(r->tot, q), nnone = 0, nextra = 0;
        for (size_t l = 0; l < nl; l++) {
            /* segment 'all' (display index 0), listed with every question */
            const shopstat_estimate *x = shopstat_tab_estimate_find(r->e, r->ne, q, l, 0);
            if (!x)
                break;
            const char *lv = shopstat_totals_level(r->tot, q, l);
            int listed = shopstat_spec_label((void *)r->spec, qq->name, lv, NULL) != NULL;
            if (listed && x->count == 0) {
                if (nnone < 3)
                    none[nnone] = lv;
                nnone++;
            } else if (!listed && x->count > 0) {
                if (nextra < 3)
                    extra[nextra] = lv;
                nextra++;
            }
        }
        if (nnone && nextra) {
            value_list(a, sizeof a, nnone, none);
            value_list(b, sizeof b, nextra, extra);
            warn(r,
                 "question '%s': no row holds %s of its values:, and rows hold %s, which "
                 "values: does not list; check the codes",
                 qq->name, a, b);
        } else if (nextra) {
            /* a "Don't know" 98 or "Refused" 99 left in: a level of its own, in the base */
            value_list(b, sizeof b, nextra, extra);
            warn(r,
                 "question '%s': rows hold %s, which values: does not list; %s shown as an "
                 "answer and counted in the base: if %s no answer (Don't know, Refused), list "
                 "%s in the question's missing: (csv: missing: applies to every column)",
                 qq->name, b, nextra == 1 ? "it is" : "they are",
                 nextra == 1 ? "it means" : "they mean", nextra == 1 ? "it" : "them");
        }
    }
}

/* The estimates some table shows: its question in each of its columns and in its base's
 * rows (run.json); want[q * nsegments + s]. */
typedef struct wanted {
    unsigned char *m;
    size_t ns;
} wanted;

static int want_estimate(void *ctx, size_t q, size_t s)
{
    const wanted *w = ctx;
    return w->m[q * w->ns + s];
}

/* Mark the estimates table i shows in w. */
static void want_table(const report *r, size_t i, wanted *w)
{
    size_t nu;
    const rtable *u = cunits_of(&r->tabs[i], &nu);
    for (size_t k = 0; k < nu; k++) {
        const rtable *rt = &u[k];
        size_t q = r->qmap[rt->t->question], s;
        for (size_t c = 0; c < rt->ncols; c++)
            w->m[q * w->ns + rt->cols[c]] = 1;
        if (!shopstat_totals_find_segment(r->tot, rt->base_rows, &s, NULL))
            w->m[q * w->ns + s] = 1;
    }
}

/* An estimate some table shows cannot be made (a lonely PSU under fail, a whole design of
 * df 0): the error of the estimates names no table and the segment by its engine name
 * ('all@TABLE'). Find the first table
 * whose own estimates fail, and say it there: at the table's position, its columns by
 * their names. (Only on that failure: each table's estimates again.) */
static void error_at_table(const report *r, wanted *w, const shopstat_tab_opts *to,
                           shopstat_error *err)
{
    size_t nq = shopstat_totals_nquestions(r->tot);
    for (size_t i = 0; i < r->in->ntables; i++) {
        memset(w->m, 0, nq * w->ns + 1);
        want_table(r, i, w);
        shopstat_estimate *e = NULL;
        size_t n = 0;
        shopstat_error e1;
        shopstat_error_clear(&e1);
        shopstat_status st = shopstat_tab_estimates(r->tot, to, &e, &n, &e1);
        free(e);
        if (st != SHOPSTAT_EINPUT)
            continue;
        const rtable *rt = &r->tabs[i];
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", e1.msg);
        for (size_t c = 0; c < rt->ncols; c++) {
            char *from = xasprintf("segment '%s'", shopstat_totals_segment(r->tot, rt->cols[c]));
            char *at = from ? strstr(msg, from) : NULL;
            if (at) {
                char rest[sizeof msg];
                snprintf(rest, sizeof rest, "%s", at + strlen(from));
                snprintf(at, sizeof msg - (size_t)(at - msg), "segment '%s'%s", rt->colnames[c],
                         rest);
            }
            free(from);
            if (at)
                break;
        }
        shopstat_error_set(err, st, r->in->path, rt->t->pos.line, rt->t->pos.col, "table '%s': %s",
                           rt->t->name, msg);
        return;
    }
}

/* A grid's items share one scale: the same levels in the same order (the spec checks
 * their values:; the data may hold a code one item lists and another does not). Its
 * columns and base line are those of its first item. */
static shopstat_status grid_check(report *r, rtable *rt, shopstat_error *err)
{
    const rtable *a = &rt->items[0];
    size_t qa = r->qmap[a->t->question];
    for (size_t k = 1; k < rt->nitems; k++) {
        const rtable *b = &rt->items[k];
        size_t qb = r->qmap[b->t->question];
        int same = a->nlevels == b->nlevels;
        for (size_t l = 0; l < a->nlevels && same; l++)
            same = strcmp(shopstat_totals_level(r->tot, qa, l),
                          shopstat_totals_level(r->tot, qb, l)) == 0;
        if (!same) {
            shopstat_pos p = rt->t->item_pos[k];
            return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, p.line, p.col,
                                      "grid '%s': the answers of item '%s' (%zu levels) are not "
                                      "on the scale of '%s' (%zu levels): list the scale in each "
                                      "item's values:, and a code that means no answer in its "
                                      "missing:",
                                      rt->t->name, r->in->questions[b->t->question].name,
                                      b->nlevels, r->in->questions[a->t->question].name,
                                      a->nlevels);
        }
    }
    rt->nlevels = a->nlevels;
    memcpy(rt->chart_base, a->chart_base, sizeof rt->chart_base);
    memcpy(rt->base_note, a->base_note, sizeof rt->base_note);
    memcpy(rt->xlsx_base, a->xlsx_base, sizeof rt->xlsx_base);
    rt->nscores = a->nscores;
    return SHOPSTAT_OK;
}

/* The note naming the columns of table rt (over its items, for a grid) shown without an
 * interval because their design df is 0, "" when none is: of its proportions when levels
 * is 1, and of score k (DF0_ALL_SCORES: every score, DF0_NO_SCORE: none). */
#define DF0_NO_SCORE ((size_t)-2)
#define DF0_ALL_SCORES ((size_t)-1)
static void df0_note(const report *r, const rtable *rt, int levels, size_t score, char *buf,
                     size_t n)
{
    /* [0]: design df 0, [1]: replicate estimates undefined (the weights cancel) */
    shopstat_df0_names d[2];
    shopstat_df0_names_init(&d[0]);
    shopstat_df0_names_init(&d[1]);
    size_t nu;
    const rtable *u = cunits_of(rt, &nu);
    for (size_t c = 0; c < rt->ncols; c++)
        for (size_t k = 0; k < nu; k++) {
            const rtable *it = &u[k];
            int why[3] = {0, 0, 0}; /* by no_interval */
            for (size_t l = 0; levels && l < it->nlevels; l++)
                why[it->dest[l * rt->ncols + c].no_interval % 3] = 1;
            for (size_t j = 0; j < it->nscores; j++)
                if (score == DF0_ALL_SCORES || score == j)
                    why[it->sest[j * rt->ncols + c].no_interval % 3] = 1;
            if (why[SHOPSTAT_NO_INTERVAL_DF0])
                shopstat_df0_add(&d[0], rt->collabels[c]);
            if (why[SHOPSTAT_NO_INTERVAL_REP_UNDEFINED])
                shopstat_df0_add(&d[1], rt->collabels[c]);
        }
    shopstat_df0_note(&d[0], r->tot, buf, n);
    size_t len = strlen(buf);
    if (d[1].n && len + 1 < n) {
        if (len)
            buf[len++] = ' ';
        shopstat_rep_undefined_note(&d[1], buf + len, n - len);
    }
}

/* Append to buf (the table's note) compare's warning of the differences of table rt (over
 * its items, for a grid) whose replicate estimates are undefined, a sentence per pair (and
 * item): "Pair 'a' - 'rest': in y (levels 0, 1) the weights of a side's base sum to 0 in some
 * replicate (...) (left empty, out of the adjustment)." */
static void diff_undefined_note(const rtable *rt, char *buf, size_t n)
{
    size_t nu, len = strlen(buf);
    const rtable *u = cunits_of(rt, &nu);
    for (size_t k = 0; k < nu; k++) {
        const rtable *it = &u[k];
        for (size_t i = 0; i < it->ndiffs + it->nsdiffs; i++) {
            const shopstat_difference *x =
                i < it->ndiffs ? &it->diffs[i] : &it->sdiffs[i - it->ndiffs];
            int seen = 0; /* (each pair once, at its first difference) */
            for (size_t j = 0; j < i && !seen; j++) {
                const shopstat_difference *y =
                    j < it->ndiffs ? &it->diffs[j] : &it->sdiffs[j - it->ndiffs];
                seen = strcmp(y->segment_a, x->segment_a) == 0 &&
                       strcmp(y->segment_b, x->segment_b) == 0;
            }
            char note[1000];
            if (seen ||
                !shopstat_rep_undefined_pair_note(it->diffs, it->ndiffs, it->sdiffs, it->nsdiffs,
                                                  x->segment_a, x->segment_b, note, sizeof note))
                continue;
            note[0] = 'P'; /* a sentence of the note */
            int w = snprintf(buf + len, n - len, "%s%s.", len ? " " : "", note);
            len += w < 0 ? 0 : (size_t)w < n - len ? (size_t)w : n - len - 1;
        }
    }
}

/* Whether s can be an expression's NAME as it stands (engine/spec.c: a letter or _, then
 * letters, digits, _ and .). */
static int expr_name(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* A spreadsheet's totals row left under the data among the rows the spec's exclude: leaves
 * in (shopstat_totalsrow_find, as tab and its friends warn of one): a warning, on stderr and
 * among the report's (title page, report.md, run.json, the workbook's contents), with the
 * exclude: item that leaves it out. Its value in the item is a number with a decimal point,
 * whatever the data's decimal mark (the expressions' rule), else quoted; a column whose name
 * is no expression's NAME (a space in it) is named by a question of it, Q. */
static void totals_row_warning(report *r)
{
    shopstat_totalsrow_found t;
    if (!shopstat_totalsrow_find(r->in->data, &r->in->csv, r->plan, &t))
        return;
    char where[48], value[160], col[300];
    snprintf(where, sizeof where, t.line ? ", line %zu," : ", a row near its end,", t.line);
    double x;
    if (!t.label && shopstat_parse_number(t.value, strlen(t.value), t.decimal_comma, &x) == 1) {
        snprintf(value, sizeof value, "%s", t.value);
        for (char *c = value; *c; c++)
            *c = *c == ',' ? '.' : *c;
    } else if (strchr(t.value, '\''))
        snprintf(value, sizeof value, "\\\"%s\\\"", t.value); /* (\" in YAML's "...") */
    else
        snprintf(value, sizeof value, "'%s'", t.value);
    int named = expr_name(t.column);
    const char *units = r->in->units ? r->in->units : "respondents";
    snprintf(col, sizeof col, "%s", named ? t.column : "Q");
    char tail[700] = "";
    if (!named)
        snprintf(tail, sizeof tail,
                 ", Q a question of its column (Q: {column: \"%s\"} under "
                 "questions:),",
                 t.column);
    if (t.label)
        warn(r,
             "data %s%s reads '%.40s' in column '%.60s' and %s: a totals row left under the "
             "data, counted in every table as one of the %s? The spec's exclude: - {where: "
             "\"%s == %s\", reason: totals row}%s leaves it out (shopstat describe names "
             "such rows)",
             r->in->data, where, t.value, t.column,
             t.sums     ? "holds its columns' sums"
             : t.counts ? "holds a count where the other rows hold labels"
                        : "is blank where the other rows are filled",
             units, col, value, tail);
    else
        warn(r,
             "data %s%s holds the sum of the other rows in column '%.60s' (%.40s)%s: a totals "
             "row left under the data, counted in every table as one of the %s? The spec's "
             "exclude: - {where: \"%s == %s\", reason: totals row}%s leaves it out "
             "(shopstat describe names such rows)",
             r->in->data, where, t.column, t.value, t.sums ? " and others" : "", units, col, value,
             tail);
}

static shopstat_status compute(report *r, shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; i < r->in->ntables && !st; i++) {
        rtable *rt = &r->tabs[i];
        st = table_columns(r, rt, err);
        for (size_t k = 0; k < rt->nitems && !st; k++) {
            rtable *it = &rt->items[k];
            it->cols = rt->cols;
            it->colnames = rt->colnames;
            it->collabels = rt->collabels;
            it->owned = rt->owned;
            it->ncols = rt->ncols;
        }
    }
    if (st)
        return st;
    /* only what the tables show: a segment of one table's base crossed with another
     * table's question (a lonely PSU, a df of 0 there) cannot stop the report */
    wanted w = {NULL, shopstat_totals_nsegments(r->tot)};
    size_t nq = shopstat_totals_nquestions(r->tot);
    if (!(w.m = calloc(nq * w.ns + 1, 1)))
        return nomem(err);
    for (size_t i = 0; i < r->in->ntables; i++)
        want_table(r, i, &w);
    shopstat_tab_opts to;
    shopstat_tab_opts_init(&to);
    to.ci = r->in->ci;
    to.level = r->in->level;
    to.want = want_estimate;
    to.want_ctx = &w;
    st = shopstat_tab_estimates(r->tot, &to, &r->e, &r->ne, err);
    if (st == SHOPSTAT_EINPUT && !err->file[0])
        error_at_table(r, &w, &to, err);
    free(w.m);
    if (st)
        return st;
    char popw[600]; /* (tab warns the same: cli/survey_args.c) */
    if (shopstat_population_warning(r->tot, popw, sizeof popw)) {
        warn(r, "%s", popw);
        r->pop_shares = shopstat_population_sum(r->tot);
    }
    size_t rounds = 0;
    if (!shopstat_totals_rake_converged(r->tot, &rounds))
        warn(r,
             "Raking did not converge after %zu iterations (R's rake warns too; the estimates "
             "are those of the last round: raise the spec's rake_maxit or rake_epsilon)",
             rounds);
    totals_row_warning(r);
    question_warnings(r);
    shopstat_compare_opts co;
    shopstat_compare_opts_init(&co);
    co.level = r->in->level;
    co.adjust = r->in->adjust;
    if ((st = shopstat_compare(r->tot, &co, &r->d, &r->nd, err)))
        return st;
    if (r->nscores) {
        if (!(w.m = calloc(nq * w.ns + 1, 1)))
            return nomem(err);
        for (size_t i = 0; i < r->in->ntables; i++)
            want_table(r, i, &w);
        st = shopstat_score_estimates(r->tot, &to, &r->se, &r->nse, err);
        free(w.m);
        if (!st)
            st = shopstat_compare_scores(r->tot, &co, &r->sd, &r->nsd, err);
        if (st == SHOPSTAT_EINPUT && (!err->file[0] || strcmp(err->file, r->in->data) == 0))
            score_error_at(r, err);
        if (st)
            return st;
    }
    for (size_t i = 0; i < r->in->ntables && !st; i++) {
        size_t nu;
        rtable *u = units_of(&r->tabs[i], &nu);
        for (size_t k = 0; k < nu && !st; k++) {
            rtable *rt = &u[k];
            if (!(st = table_rows(r, rt, err)) && !(st = table_diffs(r, rt, err)) &&
                !(st = display_order(r, rt, err)) && !(st = table_scores(r, rt, err)) &&
                !rt->borrowed && !(st = by_missing_count(r, rt, err)))
                by_missing_note(r, rt);
        }
        if (!st && r->tabs[i].nitems)
            st = grid_check(r, &r->tabs[i], err);
        /* a segment of df 0 costs its intervals, not the report: said under the table, in
         * its charts and here; so do differences whose replicate estimates are undefined
         * (once per table, in compare's words) */
        rtable *rt = &r->tabs[i];
        if (!st)
            df0_note(r, rt, 1, DF0_ALL_SCORES, rt->df0_note, sizeof rt->df0_note);
        if (!st)
            diff_undefined_note(rt, rt->df0_note, sizeof rt->df0_note);
        if (!st && rt->df0_note[0])
            warn(r, "table '%s': %s", rt->t->name, rt->df0_note);
    }
    return st;
}

/* A chart's page grows up to this height (points: 200 inches, the largest page a PDF
 * viewer must show) to hold its rows, rather than failing the report. */
#define REPORT_PAGE_MAX 14400

/* ---- output files ---- */

/* Open file name of the report's folder into *f (its path in path); out of memory (fopen
 * allocates its FILE) is not an I/O error. */
static shopstat_status open_out(report *r, const char *name, char *path, size_t n, FILE **f,
                                shopstat_error *err)
{
    snprintf(path, n, "%s/%s", r->tmpdir, name);
    reg_add(path);
    *f = fopen(path, "w");
    if (!*f && errno == ENOMEM)
        return nomem(err);
    if (!*f)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s",
                                  strerror(errno));
    return SHOPSTAT_OK;
}

/* Close a file of open_out; a write that failed, or the close's flush, is an error saying
 * why, as every output's ("cannot write: File too large", "...: No space left on device").
 * The reason is the close's own errno when its flush failed (the usual case: what is left in
 * stdio's buffer fails as the earlier write did), else that of the last write, which failed
 * again at each fprintf since (stdio retries); EIO when neither is known. */
static shopstat_status close_out(FILE *f, const char *path, shopstat_error *err)
{
    int bad = ferror(f), e = bad ? errno : 0;
    errno = 0;
    if (fclose(f) != 0) {
        if (errno != 0)
            e = errno;
        bad = 1;
    }
    if (!bad)
        return SHOPSTAT_OK;
    if (e == ENOMEM)
        return nomem(err);
    return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s",
                              strerror(e ? e : EIO));
}

/* A table's rows in one of the report's csv files (header: first). */
typedef shopstat_status (*table_rows_fn)(FILE *f, const rtable *rt, int first, shopstat_error *err);

/* Write csv file `name` in the report's folder: every table's rows, the header once. */
static shopstat_status write_csv_file(report *r, const char *name, table_rows_fn rows,
                                      shopstat_error *err)
{
    char path[4200];
    FILE *f;
    shopstat_status ost = open_out(r, name, path, sizeof path, &f, err);
    if (ost)
        return ost;
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; i < r->in->ntables && !st; i++) {
        size_t nu;
        const rtable *u = cunits_of(&r->tabs[i], &nu);
        for (size_t k = 0; k < nu && !st; k++)
            st = rows(f, &u[k], i == 0 && k == 0, err);
    }
    if (st && !ferror(f)) { /* (a write error: close_out names the file) */
        fclose(f);
        return st;
    }
    return close_out(f, path, err);
}

static shopstat_status tab_rows(FILE *f, const rtable *rt, int first, shopstat_error *err)
{
    /* (a table of scores alone: its values are no table to read, scores.csv has its rows) */
    size_t n = rt->scores_only ? 0 : rt->nlevels * rt->ncols;
    return shopstat_write_tab_csv(f, rt->est, n, rt->t->name, first, err);
}

/* the levels' differences, then the scores' (level = the score's name, as `compare
 * --score`) */
static shopstat_status comparison_rows(FILE *f, const rtable *rt, int first, shopstat_error *err)
{
    shopstat_status st = shopstat_write_compare_csv(f, rt->diffs, rt->scores_only ? 0 : rt->ndiffs,
                                                    rt->t->name, first, err);
    return st ? st : shopstat_write_compare_csv(f, rt->sdiffs, rt->nsdiffs, rt->t->name, 0, err);
}

/* scores.csv: `table` then the `shopstat score` columns, every score of every table in
 * each of its columns (a header alone when the spec has no score:). */
static shopstat_status score_rows(FILE *f, const rtable *rt, int first, shopstat_error *err)
{
    return shopstat_write_score_csv(f, rt->sest, rt->nscores * rt->ncols, rt->t->name, first, err);
}

/* A comparison with a segment of effective base under 10 is not tested (methods.md), as in
 * compare's table view and the workbook: no letter, no note. */
static int untested(const shopstat_difference *d)
{
    return d->eff_base_a < 10 || d->eff_base_b < 10;
}

/* Significance letters of cell (l, c) among the differences ds (a level's, or a score's):
 * the letters of the columns it is significantly higher than (upper case at alpha, lower
 * case at alpha_low). */
static void letters_of(const report *r, const rtable *rt, const shopstat_difference *ds, size_t nds,
                       size_t l, size_t c, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nds && k + 2 < n; i++) {
        const shopstat_difference *d = &ds[i];
        if (d->l != l || isnan(d->p_adjusted) || strcmp(d->segment_b, "rest") == 0 || untested(d))
            continue;
        size_t ca = rt->ncols, cb = rt->ncols;
        for (size_t j = 0; j < rt->ncols; j++) {
            if (strcmp(rt->colnames[j], d->segment_a) == 0)
                ca = j;
            if (strcmp(rt->colnames[j], d->segment_b) == 0)
                cb = j;
        }
        size_t hi = d->difference > 0 ? ca : cb, lo = d->difference > 0 ? cb : ca;
        if (hi != c || lo >= rt->ncols || lo >= 26) /* (columns past Z: no letter to give) */
            continue;
        if (d->p_adjusted < r->in->alpha)
            buf[k++] = (char)('A' + lo);
        else if (d->p_adjusted < r->in->alpha_low)
            buf[k++] = (char)('a' + lo);
        buf[k] = '\0';
    }
}

static void letters(const report *r, const rtable *rt, size_t l, size_t c, char *buf, size_t n)
{
    letters_of(r, rt, rt->ddiffs, rt->ndiffs, l, c, buf, n);
}

/* A score as report.md shows it, by the rule of every view (score.h): 3.84 on a 1-5
 * scale, +23 on an NPS; signed as well when sign is set (a difference). */
static void score_text(char *buf, size_t n, double x, const shopstat_score_estimate *e, int sign)
{
    shopstat_score_format(x, e->min, e->max, shopstat_score_estimate_decimals(e),
                          sign ? SHOPSTAT_SCORE_SIGN : 0, buf, n);
}

/* "Mean (1-5)", "NPS (-100 to +100)", "Index (0-100)": the score's name and its scale. */
static void score_label(char *buf, size_t n, const shopstat_score_estimate *e)
{
    shopstat_score_label(e, buf, n);
}

/* What a score is, for report.md and its chart: "NPS (-100 to +100): % promoters (9-10)
 * minus % detractors (0-6).", "Mean (1-5): the mean of the answers' codes.", or a map's
 * scores. A quantile's interval is said in report.md (md); a chart's whiskers line says it. */
static void score_meaning(char *buf, size_t n, const char *map, const shopstat_score_estimate *e,
                          int md)
{
    char lab[300];
    score_label(lab, sizeof lab, e);
    size_t len;
    if (strcmp(map, "nps") == 0) {
        snprintf(buf, n, "%s: %% promoters (9-10) minus %% detractors (0-6).", lab);
        return;
    }
    if (strcmp(map, "mean") == 0) {
        snprintf(buf, n, "%s: the mean of the answers' codes.", lab);
        return;
    }
    if (e->quantile) {
        snprintf(buf, n, "%s: the %g%% quantile of the answers (R's svyquantile)%s", lab,
                 100 * e->p,
                 md ? "; its interval is Woodruff's, the share at or below it \u00b1 t \u00d7 SE "
                      "mapped back to values."
                    : ".");
        return;
    }
    len = (size_t)snprintf(buf, n, "%s: the mean of the answers' scores (", lab);
    for (const char *m = map; *m && len + 4 < n; m++)
        len += (size_t)snprintf(buf + len, n - len, "%s",
                                *m == ','   ? ", "
                                : *m == '=' ? " = "
                                            : (char[2]){*m, 0});
    if (len + 3 < n)
        snprintf(buf + len, n - len, ").");
}

/* Whether rt's question is a measure, not a scale: a score over more levels than describe
 * lists (SHOPSTAT_DESCRIBE_MAX_LEVELS), every one a number, no values: declared (a reply time
 * in hours, an amount). report.md shows its scores alone and the levels' chart is left out
 * unless chart: asks for it; tables.csv and the workbook leave them out too
 * (scores_only_table). */
static int measure_table(const report *r, const rtable *rt)
{
    const shopstat_spec_question *qq = &r->in->questions[rt->t->question];
    if (!rt->nscores || rt->nitems || qq->nvalues || rt->nlevels <= 20 || !rt->ncols)
        return 0;
    for (size_t l = 0; l < rt->nlevels; l++) {
        const char *v = rt->est[l * rt->ncols].level;
        double x;
        if (!v || shopstat_parse_number(v, strlen(v), 1, &x) != 1)
            return 0;
    }
    return 1;
}

/* Whether table rt shows its scores alone (rtable.scores_only): a measure's
 * (measure_table) or a question's scored by quantiles alone, whose values, a reply time's
 * 181 hours, are no table anyone reads one by one. */
static int scores_only_table(const report *r, const rtable *rt)
{
    int quantiles = rt->nscores > 0 && rt->sest && rt->ncols && !rt->nitems;
    for (size_t k = 0; quantiles && k < rt->nscores; k++)
        quantiles = rt->sest[k * rt->ncols].quantile;
    return quantiles || measure_table(r, rt);
}

/* Mark every table of r that shows its scores alone (not a grid). */
static void mark_scores_only(report *r)
{
    for (size_t i = 0; r->tabs && i < r->in->ntables; i++)
        if (!r->tabs[i].nitems) /* (a grid's items keep their rows: its layout shows them) */
            r->tabs[i].scores_only = scores_only_table(r, &r->tabs[i]);
}

/* Score k of table rt as score_meaning says it, but a measure's mean (measure_table):
 * "Mean (0.3-165): the mean of the values, 181 distinct from 0.3 to 165.", and in report.md
 * (md) that neither it nor tables.csv lists them (rtable.scores_only). */
static void table_score_meaning(const report *r, const rtable *rt, size_t k, int md, char *buf,
                                size_t n)
{
    const char *map = r->in->questions[rt->t->question].scores[k].map;
    const shopstat_score_estimate *e = &rt->sest[k * rt->ncols];
    if (strcmp(map, "mean") != 0 || !measure_table(r, rt)) {
        score_meaning(buf, n, map, e, md);
        return;
    }
    char lab[300];
    score_label(lab, sizeof lab, e);
    snprintf(buf, n, "%s: the mean of the values, %zu distinct from %g to %g%s", lab, rt->nlevels,
             e->min, e->max,
             md ? ", not listed one by one (nor in tables.csv: scores.csv has the mean)." : ".");
}

/* A count as the human-facing outputs give it, in groups of three digits: "12,345"
 * (report.md, report.pdf, the workbook's notes; never the CSV or JSON). buf: 32 bytes. */
static const char *grouped(size_t x, char *buf)
{
    return shopstat_format_grouped((double)x, 0, buf, 32);
}

/* A df as a count ("966", "1,204") when whole, else as %g. buf: 32 bytes. */
static const char *df_text(double df, char *buf)
{
    if (df == floor(df) && fabs(df) < 1e15)
        return shopstat_format_grouped(df, 0, buf, 32);
    snprintf(buf, 32, "%g", df);
    return buf;
}

/* Where md_text() writes: inside a line (a table cell, after "- "), a heading's text, or
 * the start of a paragraph's line. */
enum { MD_INLINE, MD_HEADING, MD_LINE_START };

/* Text of the spec (a title, a label, a name) as Markdown shows it literally, on one line:
 * a line break becomes a space (a CR ends a line too in CommonMark), and a backslash escapes
 * each character that would change the rendering: '|' (a table cell's end), '*', '_' and '~'
 * (emphasis, strikethrough), '`' (code), '[' and ']' (links, images), '<' before what can
 * open an HTML tag or an autolink ("<b>", "<http:"; "< $500" stays as it is), '&' of an
 * entity ("&amp;"), '\' itself; the extensions' marks too: '$' (math in pandoc's
 * commonmark_x and GitHub: "Spend $50-$100" set "50-" as math), '^' (pandoc's superscript,
 * "2^10^"), '@' before a letter, digit, '_' or '{' (pandoc's citation, "@smith04"), and ':'
 * opening a shortcode ":smile:" (GitHub's emoji; "10:30:00" stays); in a heading every '#' (a trailing run
 * would be cut as the heading's closing sequence); at a paragraph's start what would open
 * a block: '#', '>', '-', '+', '=', or "1." and "1)" (a list).
 * Digits, '.', ',' and '%' are never escaped, so the numbers beside a label read as they
 * are. */
static void md_text_at(FILE *f, const char *s, int where)
{
    if (where == MD_LINE_START) {
        while (*s == ' ' || *s == '\t') /* (4 spaces would open a code block) */
            s++;
        if (*s && strchr("#>-+=", *s))
            fputc('\\', f);
        size_t nd = strspn(s, "0123456789");
        if (nd > 0 && nd < 10 && (s[nd] == '.' || s[nd] == ')')) {
            fwrite(s, 1, nd, f);
            fputc('\\', f);
            s += nd;
        }
    }
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '\n' || c == '\r') {
            fputc(' ', f);
            continue;
        }
        int esc = strchr("\\|*_~`[]$^", c) != NULL || (c == '#' && where == MD_HEADING);
        if (c == '@')
            esc = isalnum((unsigned char)p[1]) || p[1] == '_' || p[1] == '{';
        if (c == ':') { /* (a letter in it: a time, "10:30:00", is left as it is) */
            size_t k = 1;
            int alpha = 0;
            while (isalnum((unsigned char)p[k]) || (p[k] && strchr("_+-", p[k])))
                alpha |= isalpha((unsigned char)p[k++]) != 0;
            esc = alpha && p[k] == ':';
        }
        if (c == '<')
            esc = isalpha((unsigned char)p[1]) || (p[1] && strchr("/!?", p[1]));
        if (c == '&') {
            size_t k = 1 + (p[1] == '#');
            size_t na = 0;
            while (isalnum((unsigned char)p[k + na]))
                na++;
            esc = na > 0 && p[k + na] == ';';
        }
        if (esc)
            fputc('\\', f);
        fputc(c, f);
    }
}

static void md_text(FILE *f, const char *s)
{
    md_text_at(f, s, MD_INLINE);
}

/* s as a code span (a table's name, the data file, a base: expression): backticks as many as
 * the longest run of them in s plus one, so that s may hold them, and a space inside each
 * end when s starts or ends with one (CommonMark strips one space from each end). */
static void md_code(FILE *f, const char *s)
{
    size_t run = 0, longest = 0, n = strlen(s);
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    int pad = n > 0 && (s[0] == '`' || s[n - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
    if (pad)
        fputc(' ', f);
    for (const char *p = s; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
    if (pad)
        fputc(' ', f);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
}

/* A table's base line (with its base: expression) and each score's meaning, its map when
 * the spec gives one (sest: the scores' estimates of the first segment's column on). */
static void md_base_scores(FILE *f, const report *r, const rtable *rt,
                           const shopstat_score_estimate *sest)
{
    /* "Base: sites that display a phone number (`phone_shown == 1`)." */
    char bn[sizeof rt->base_note];
    snprintf(bn, sizeof bn, "%s", rt->base_note);
    size_t bl = strlen(bn);
    int expr = rt->t->base_expr && rt->t->base_label, stop = bl > 0 && bn[bl - 1] == '.';
    if (expr && stop)
        bn[bl - 1] = '\0';
    md_text(f, bn);
    if (expr) {
        fputs(" (", f);
        md_code(f, rt->t->base_expr);
        fputs(stop ? ")." : ")", f);
    }
    fputc('\n', f);
    const shopstat_spec_question *qq = &r->in->questions[rt->t->question];
    for (size_t k = 0; k < rt->nscores; k++) {
        char meaning[700];
        if (sest == rt->sest)
            table_score_meaning(r, rt, k, 1, meaning, sizeof meaning);
        else
            score_meaning(meaning, sizeof meaning, qq->scores[k].map, &sest[k * rt->ncols], 1);
        md_text(f, meaning);
        fputc('\n', f);
    }
}

typedef struct rest_of {
    const char *seg; /* the spec segment the rest is the rest of (its name) */
    int several;     /* of several */
} rest_of;
static int md_rest(FILE *f, const report *r, const rtable *rt, const char *item, rest_of *ro,
                   int likert);
static void md_rest_of(FILE *f, const report *r, const rest_of *ro);
static int md_pairs_none(FILE *f, const report *r, const rtable *rt, const char *item, int likert);
static shopstat_status likert_sides(const report *r, const rtable *rt, shopstat_difference **out,
                                    size_t *nout, shopstat_error *err);
static int side_differs(const report *r, const rtable *rt, const char *a, const char *b);
static void md_side_line(FILE *f, const report *r, const char *item, const char *a, const char *b);
static void md_cell(FILE *f, int dec, const shopstat_estimate *e, const char *let);
static void md_score_cell(FILE *f, const shopstat_score_estimate *e, const char *let);

/* differences: true: the table's comparisons (a: b, as comparisons.csv names them), in the
 * order of their first difference, levels' before scores'; pairs[k] points at one
 * difference of comparison k. At most cap. */
static size_t md_diff_pairs(const rtable *rt, const shopstat_difference **pairs, size_t cap)
{
    size_t n = 0;
    if (!rt->t->differences)
        return 0;
    for (size_t i = 0; i < rt->ndiffs + rt->nsdiffs; i++) {
        const shopstat_difference *d =
            i < rt->ndiffs ? &rt->ddiffs[i] : &rt->sdiffs[i - rt->ndiffs];
        size_t k = 0;
        while (k < n && (strcmp(pairs[k]->segment_a, d->segment_a) != 0 ||
                         strcmp(pairs[k]->segment_b, d->segment_b) != 0))
            k++;
        if (k == n && n < cap)
            pairs[n++] = d;
    }
    return n;
}

/* The difference of comparison like among ds[0..nds) for level (or score) l, or NULL. */
static const shopstat_difference *md_diff_of(const shopstat_difference *ds, size_t nds, size_t l,
                                             const shopstat_difference *like)
{
    for (size_t i = 0; i < nds; i++)
        if (ds[i].l == l && strcmp(ds[i].segment_a, like->segment_a) == 0 &&
            strcmp(ds[i].segment_b, like->segment_b) == 0)
            return &ds[i];
    return NULL;
}

/* Whether level difference d of table rt is the mirror of its other level's: a
 * single-choice question of two answers, whose pair's two differences sum to 0 (yes +24.8
 * points, no -24.8, one test). The views that list differences one by one (report.md's
 * lines on the rest, a trend chart's note) give the level that reads as yes alone, as the
 * difference chart draws it (shopstat_scale_yes_level), unless diff_levels: all. */
static int mirror_level(const report *r, const rtable *rt, const shopstat_difference *d)
{
    if (rt->t->diff_levels_all || rt->nlevels != 2 || !rt->ncols ||
        r->in->questions[rt->t->question].kind != SHOPSTAT_Q_SINGLE)
        return 0;
    const char *const label[2] = {rt->level_labels[0], rt->level_labels[1]};
    const char *const code[2] = {rt->dest[0].level, rt->dest[rt->ncols].level};
    size_t keep = (size_t)shopstat_scale_yes_level(label, code);
    if (d->l == keep)
        return 0;
    const shopstat_difference *o = md_diff_of(rt->ddiffs, rt->ndiffs, keep, d);
    return o && isfinite(o->difference) && isfinite(d->difference) &&
           fabs(o->difference + d->difference) <= 1e-9;
}

static size_t md_col_of(const rtable *rt, const char *name)
{
    for (size_t c = 0; c < rt->ncols && c < 26; c++)
        if (strcmp(rt->colnames[c], name) == 0)
            return c;
    return (size_t)-1;
}

/* A difference's cell of report.md ("+4.7 [+0.8, +8.5] p = 0.035"; sest for a score's
 * units), as compare's table view gives it. */
static void md_diff_cell(FILE *f, const report *r, const shopstat_difference *d,
                         const shopstat_score_estimate *sest)
{
    char cell[160];
    fprintf(f, " %s |",
            shopstat_format_difference_dec(d, sest, r->in->decimals, r->in->alpha,
                                           r->in->alpha_low, cell, sizeof cell));
}

/* The note under a table with differences: what its change columns hold (its scores' named
 * when it has some: a difference chart's table of shares said "a score's difference is a
 * test of its own" for the survey's other question's score) */
static void md_diff_note(FILE *f, const report *r, const rtable *rt)
{
    char adj[300];
    fprintf(
        f,
        "Differences (X \xe2\x88\x92 Y): X's estimate minus Y's, in "
        "percentage points%s, with its %g%% interval (not adjusted) and the p of the "
        "letters. %s\n",
        rt->nscores ? " (a score's in its own units)" : "", 100 * r->in->level,
        shopstat_adjust_sentence(r->in->adjust, "comparison", rt->nscores > 0, adj, sizeof adj));
}

/* report.md's weighted-base row: the bases' weights ("828.1"), or, for a population file of
 * shares (or percentages), each base as a share of the population ("34.4%"): its weights
 * sum to the file's total, 1, and "1.0" read as one person. R's postStratify takes such
 * totals as given (svytotal sums to 1); the proportions and SEs are unchanged. */
static const char *wbase_label(const report *r)
{
    return r->pop_shares > 0 ? "Weighted base (share of population)" : "Weighted base";
}

static const char *wbase_text(const report *r, double w, char *buf, size_t n)
{
    if (r->pop_shares > 0) {
        char v[32];
        snprintf(buf, n, "%s%%", shopstat_format_fixed(100 * w / r->pop_shares, 1, 0, v, sizeof v));
        return buf;
    }
    return shopstat_format_grouped(w, 1, buf, n);
}

/* "## Title (`name`)": a title unique_titles made by adding the table's name shows it once */
static void md_heading(FILE *f, const report *r, const rtable *rt)
{
    const char *title = table_title(r, rt);
    char *cut = rt->named ? strndup(title, rt->named) : NULL;
    fprintf(f, "## ");
    md_text_at(f, cut ? cut : title, MD_HEADING);
    free(cut);
    fputs(" (", f);
    md_code(f, rt->t->name);
    fputs(")\n\n", f);
}

/* A table of report.md; -1 out of memory. */
static int md_table(FILE *f, const report *r, const rtable *rt)
{
    /* (a block per comparison, however many: pairs[64] left the 65th on out, silently) */
    size_t cap = rt->ndiffs + rt->nsdiffs;
    const shopstat_difference **pairs = malloc((cap ? cap : 1) * sizeof *pairs);
    if (!pairs)
        return -1;
    size_t npairs = md_diff_pairs(rt, pairs, cap);
    md_heading(f, r, rt);
    fprintf(f, "| %s |", "");
    for (size_t c = 0; c < rt->ncols; c++) {
        fputc(' ', f);
        md_text(f, rt->collabels[c]);
        fprintf(f, " (%c) |", c < 26 ? (int)('A' + c) : '?');
    }
    for (size_t k = 0; k < npairs; k++) {
        size_t ca = md_col_of(rt, pairs[k]->segment_a), cb = md_col_of(rt, pairs[k]->segment_b);
        fputc(' ', f);
        md_text(f, seg_label(r, pairs[k]->segment_a));
        fputs(" \xe2\x88\x92 ", f);
        md_text(f, seg_label(r, pairs[k]->segment_b));
        if (ca != (size_t)-1 && cb != (size_t)-1)
            fprintf(f, " (%c \xe2\x88\x92 %c)", (int)('A' + ca), (int)('A' + cb));
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (size_t c = 0; c < rt->ncols + npairs; c++)
        fputs("---:|", f);
    fputc('\n', f);
    /* a question scored by quantiles alone shows them, not a row per value; a measure's
     * values, a reply time's 181 hours, are no levels to list: its mean (scores_only_table:
     * tables.csv and the workbook leave them out too) */
    int quantiles = rt->nscores > 0 && rt->sest;
    for (size_t k = 0; quantiles && k < rt->nscores; k++)
        quantiles = rt->sest[k * rt->ncols].quantile;
    for (size_t l = 0; l < rt->nlevels && !quantiles && !measure_table(r, rt); l++) {
        fputs("| ", f);
        md_text(f, rt->level_labels[l]);
        fputs(" |", f);
        for (size_t c = 0; c < rt->ncols; c++) {
            char let[64];
            letters(r, rt, l, c, let, sizeof let);
            md_cell(f, r->in->decimals, &rt->dest[l * rt->ncols + c], let);
        }
        for (size_t k = 0; k < npairs; k++)
            md_diff_cell(f, r, md_diff_of(rt->ddiffs, rt->ndiffs, l, pairs[k]), NULL);
        fputc('\n', f);
    }
    /* the scores under the levels, with the letters of their comparisons */
    for (size_t k = 0; k < rt->nscores; k++) {
        char lab[300];
        score_label(lab, sizeof lab, &rt->sest[k * rt->ncols]);
        fputs("| ", f);
        md_text(f, lab);
        fputs(" |", f);
        for (size_t c = 0; c < rt->ncols; c++) {
            char let[64];
            letters_of(r, rt, rt->sdiffs, rt->nsdiffs, k, c, let, sizeof let);
            md_score_cell(f, &rt->sest[k * rt->ncols + c], let);
        }
        for (size_t p = 0; p < npairs; p++)
            md_diff_cell(f, r, md_diff_of(rt->sdiffs, rt->nsdiffs, k, pairs[p]),
                         &rt->sest[k * rt->ncols]);
        fputc('\n', f);
    }
    char g[32];
    fputs("| Base (n) |", f);
    for (size_t c = 0; c < rt->ncols; c++)
        fprintf(f, " %s |", grouped(rt->nlevels ? rt->est[c].base_n : 0, g));
    for (size_t k = 0; k < npairs; k++)
        fputs(" |", f);
    fprintf(f, "\n| %s |", wbase_label(r));
    for (size_t c = 0; c < rt->ncols; c++)
        fprintf(f, " %s |", wbase_text(r, rt->nlevels ? rt->est[c].base_weight : 0.0, g, sizeof g));
    for (size_t k = 0; k < npairs; k++)
        fputs(" |", f);
    fputs("\n\n", f);
    md_base_scores(f, r, rt, rt->sest);
    if (rt->by_note[0]) { /* (a by: column missing on rows of the base) */
        md_text(f, rt->by_note);
        fputc('\n', f);
    }
    if (npairs) {
        md_diff_note(f, r, rt);
        int bound = 0; /* a p marked '+' (shopstat_difference_side_at_bound), on a row shown */
        for (size_t x = 0; x < rt->ndiffs && !bound && !measure_table(r, rt); x++)
            bound = shopstat_difference_side_at_bound(&rt->ddiffs[x]);
        if (bound)
            fputs("A p followed by + compares a side at 0% or 100%, which adds no variance "
                  "(as in R): the SE and p are the other side's alone and understate the "
                  "uncertainty of a small base.\n",
                  f);
    }
    if (rt->df0_note[0]) {
        md_text(f, rt->df0_note);
        fputc('\n', f);
    }
    rest_of ro = {NULL, 0};
    int listed =
        md_rest(f, r, rt, NULL, &ro, rt->t->chart && rt->t->chart_type == SHOPSTAT_CHART_LIKERT);
    md_rest_of(f, r, &ro);
    listed |=
        md_pairs_none(f, r, rt, NULL, rt->t->chart && rt->t->chart_type == SHOPSTAT_CHART_LIKERT);
    fputs(listed ? "\n\n" : "\n", f); /* (one blank line after the notes: it was two) */
    free(pairs);
    return 0;
}

static int same_pair(const shopstat_difference *a, const shopstat_difference *b)
{
    return strcmp(a->segment_a, b->segment_a) == 0 && strcmp(a->segment_b, b->segment_b) == 0;
}

/* The table's comparisons of two of its columns (not with the rest, not of a table of
 * differences: true, whose change columns give every p) whose tests found nothing: one
 * line naming them, since their letters are all missing and the table would read as one
 * not tested (servicesoft's problems, heavy:all: its chart said "Compared: no difference
 * between the bars is significant", report.md nothing). A pair whose score carries a
 * letter found something. item: a grid item's label, said first ("- Staff: No difference
 * ..."), as md_rest says it; likert: as md_rest's. Returns 1 when it wrote the line. */
static int md_pairs_none(FILE *f, const report *r, const rtable *rt, const char *item, int likert)
{
    int wrote = 0;
    const char *sa = NULL, *sb = NULL; /* (a pair said of no level but of a side total) */
    for (size_t i = 0; i < rt->ndiffs && !rt->t->differences; i++) {
        const shopstat_difference *d = &rt->ddiffs[i];
        size_t j = 0;
        while (j < i && !same_pair(&rt->ddiffs[j], d))
            j++;
        if (j < i || strcmp(d->segment_b, "rest") == 0)
            continue;
        int tested = 0, found = 0;
        for (size_t k = i; k < rt->ndiffs + rt->nsdiffs; k++) {
            const shopstat_difference *e =
                k < rt->ndiffs ? &rt->ddiffs[k] : &rt->sdiffs[k - rt->ndiffs];
            if (!same_pair(e, d) || untested(e))
                continue;
            tested |= k < rt->ndiffs;
            found |= e->p_adjusted < r->in->alpha_low;
        }
        if (!tested || found)
            continue;
        if (!wrote) {
            fputs("\n- ", f);
            if (item) {
                md_text(f, item);
                fputs(": ", f);
            }
            fprintf(f, "No difference is significant (%s >= %g) between ",
                    r->in->adjust == SHOPSTAT_ADJUST_NONE ? "p" : "adjusted p", r->in->alpha_low);
        } else {
            fputs("; between ", f);
        }
        md_text(f, seg_label(r, d->segment_a));
        fputs(" and ", f);
        md_text(f, seg_label(r, d->segment_b));
        wrote = 1;
        if (likert && !sa && side_differs(r, rt, d->segment_a, d->segment_b)) {
            sa = d->segment_a;
            sb = d->segment_b;
        }
    }
    if (wrote)
        fputc('.', f);
    if (sa)
        md_side_line(f, r, item, sa, sb);
    return wrote;
}

/* Whether a Likert chart of table rt marks a side's total of pair a:b (b "rest" for a:rest):
 * its totals are tested apart (likert_sides, at alpha, not adjusted), so that a pair whose
 * levels found nothing may carry a letter or triangle beside a total there. */
static int side_differs(const report *r, const rtable *rt, const char *a, const char *b)
{
    shopstat_difference *sides = NULL;
    size_t n = 0;
    shopstat_error e;
    if (likert_sides(r, rt, &sides, &n, &e) != SHOPSTAT_OK)
        return 0;
    int hit = 0;
    for (size_t k = 0; k < n && !hit; k++)
        hit = strcmp(sides[k].segment_a, a) == 0 && strcmp(sides[k].segment_b, b) == 0 &&
              !untested(&sides[k]) && sides[k].p_adjusted < r->in->alpha;
    free(sides);
    return hit;
}

/* After a line saying a pair found nothing, when its chart marks a side's total: said, or
 * the chart's mark would read as a contradiction of the line ("- Staff: the chart's side
 * totals (...) differ between Heavy and Light (p < 0.05)."). */
static void md_side_line(FILE *f, const report *r, const char *item, const char *a, const char *b)
{
    fputs("\n- ", f);
    if (item) {
        md_text(f, item);
        fputs(": ", f);
    }
    fputs("the chart's side totals (a side's points as one share, tested apart, not adjusted) "
          "differ between ",
          f);
    md_text(f, seg_label(r, a));
    fputs(" and ", f);
    md_text(f, strcmp(b, "rest") == 0 ? "the rest" : seg_label(r, b));
    fprintf(f, " (p < %g).", r->in->alpha);
}

/* After md_rest's lines: what the rest is, in the charts' words ("than the rest (those not
 * in Heavy buyers)", the difference chart's "The rest: those not in Heavy buyers."), as the
 * workbook says it. */
static void md_rest_of(FILE *f, const report *r, const rest_of *ro)
{
    if (!ro->seg)
        return;
    fputs("\n- The rest: those not in ", f);
    md_text(f, ro->several ? "the segment it is compared with" : seg_label(r, ro->seg));
    fputc('.', f);
}

/* The comparisons of table rt with the rest (no column to carry letters): a line each
 * when significant at the lower level, else one line saying none is, or that they were not
 * tested; item = a grid item's label, said before the level; ro: the segment of every
 * comparison with the rest said, for md_rest_of; likert: the table's chart is a Likert
 * chart, whose side totals may be marked against the rest where no level is (md_side_line). */
static int md_rest(FILE *f, const report *r, const rtable *rt, const char *item, rest_of *ro,
                   int likert)
{
    size_t nrest = 0, nshown = 0, nuntested = 0;
    for (size_t i = 0; i < rt->ndiffs + rt->nsdiffs; i++) {
        int score = i >= rt->ndiffs;
        const shopstat_difference *d = score ? &rt->sdiffs[i - rt->ndiffs] : &rt->ddiffs[i];
        if (strcmp(d->segment_b, "rest") != 0 || (!score && mirror_level(r, rt, d)))
            continue;
        ro->several |= ro->seg && strcmp(ro->seg, d->segment_a) != 0;
        ro->seg = d->segment_a;
        if (untested(d)) {
            nuntested++;
            continue;
        }
        nrest++;
        if (!(d->p_adjusted < r->in->alpha_low))
            continue;
        nshown++;
        char pt[32];
            /* (a score's difference is a test of its own: its p is not adjusted) */
        fputs("\n- ", f);
        md_text(f, seg_label(r, d->segment_a));
        fputs(" vs the rest, ", f);
        if (item) {
            md_text(f, item);
            fputs(", ", f);
        }
        if (score) {
            char lab[300], v[40];
            score_label(lab, sizeof lab, &rt->sest[d->l * rt->ncols]);
            score_text(v, sizeof v, d->difference, &rt->sest[d->l * rt->ncols], 1);
            /* (a score's difference is a test of its own: its p is not adjusted) */
            md_text(f, lab);
            fprintf(f, ": %s (%s)", v,
                    shopstat_format_p_alpha(d->p_value, r->in->alpha, r->in->alpha_low, pt,
                                            sizeof pt));
            continue;
        }
        md_text(f, level_label(r, rt->t->question, d->level));
        char v[32];
        fprintf(
            f, ": %s points (%s%s)",
            shopstat_format_fixed(100 * d->difference, r->in->decimals,
                                  SHOPSTAT_FIXED_SIGN | SHOPSTAT_FIXED_SIDE, v, sizeof v),
            r->in->adjust == SHOPSTAT_ADJUST_NONE ? "" : "adjusted ",
            shopstat_format_p_alpha(d->p_adjusted, r->in->alpha, r->in->alpha_low, pt, sizeof pt));
    }
    /* Comparisons with the rest have no column to carry letters: without a line, a table
     * whose tests found nothing would read as one that was not tested. */
    if ((nrest && !nshown) || (!nrest && nuntested)) {
        fputs("\n- ", f);
        if (item) {
            md_text(f, item);
            fputs(": ", f);
        }
    }
    if (nrest && !nshown)
        fprintf(f, "Compared with the rest: no difference is significant (%s >= %g)%s.",
                r->in->adjust == SHOPSTAT_ADJUST_NONE ? "p" : "adjusted p", r->in->alpha_low,
                nuntested ? "; segments of effective base under 10 are not tested" : "");
    if (nrest && !nshown && likert && !ro->several && ro->seg &&
        side_differs(r, rt, ro->seg, "rest"))
        md_side_line(f, r, item, ro->seg, "rest");
    else if (!nrest && nuntested)
        fputs("Compared with the rest: not tested (effective base under 10).", f);
    return nshown || nrest || nuntested;
}

/* What an estimate without an interval shows in its place: why, in the note's words. */
static const char *no_interval_tag(int no_interval)
{
    return no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED ? "no SE" : "df 0";
}

/* A proportion's cell of report.md: "42.0% [35.1, 49.2]* B" (- when not estimable), to the
 * spec's decimals ("42% [35, 49]* B" with decimals: 0, as the charts label it). */
static void md_cell(FILE *f, int dec, const shopstat_estimate *e, const char *let)
{
    char pc[32];
    if (!(e->base_n == 0 || isnan(e->proportion)))
        shopstat_format_fixed(100 * e->proportion, dec, 0, pc, sizeof pc);
    if (e->base_n == 0 || isnan(e->proportion))
        fputs(" - |", f);
    else if (e->no_interval) /* (the table's note says why) */
        fprintf(f, " %s%% [%s]%s%s%s |", pc, no_interval_tag(e->no_interval),
                e->eff_base < 30 ? "*" : "", let[0] ? " " : "", let);
    else { /* (a Wald bound of -0.0004: "0.0", not "-0.0") */
        char lo[32], hi[32];
        fprintf(f, " %s%% [%s, %s]%s%s%s |", pc,
                shopstat_format_fixed(100 * e->ci_lower, dec, 0, lo, sizeof lo),
                shopstat_format_fixed(100 * e->ci_upper, dec, 0, hi, sizeof hi),
                e->eff_base < 30 ? "*" : "", let[0] ? " " : "", let);
    }
}

/* A score's cell of report.md: "3.71 [3.41, 4.00] A". */
static void md_score_cell(FILE *f, const shopstat_score_estimate *e, const char *let)
{
    char v[40], lo[40], hi[40];
    if (e->base_n == 0 || isnan(e->estimate)) {
        fputs(" - |", f);
        return;
    }
    score_text(v, sizeof v, e->estimate, e, 0);
    score_text(lo, sizeof lo, e->ci_lower, e, 0);
    score_text(hi, sizeof hi, e->ci_upper, e, 0);
    if (e->no_interval)
        fprintf(f, " %s [%s]%s%s%s |", v, no_interval_tag(e->no_interval),
                e->eff_base < 30 ? "*" : "", let[0] ? " " : "", let);
    else
        fprintf(f, " %s [%s, %s]%s%s%s |", v, lo, hi, e->eff_base < 30 ? "*" : "",
                let[0] ? " " : "", let);
}

/* A grid in report.md: a block per segment (its label and column letter), each a table whose
 * rows are the items and whose columns are the scale's levels, then the scores and the
 * item's bases. Segments as column groups would make 3 segments of a 5-point scale 15
 * columns of "42.0% [35.1, 49.2] B", past any page's width; a block per segment keeps a
 * row the width of one segment's scale, and the letters name the blocks, (A), (B), ... */
static void md_grid(FILE *f, const report *r, const rtable *rt)
{
    const rtable *a = &rt->items[0];
    md_heading(f, r, rt);
    for (size_t c = 0; c < rt->ncols; c++) {
        fputs("**", f);
        md_text(f, rt->collabels[c]);
        fprintf(f, " (%c)**\n\n| |", c < 26 ? (int)('A' + c) : '?');
        for (size_t l = 0; l < rt->nlevels; l++) {
            fputc(' ', f);
            md_text(f, a->level_labels[l]);
            fputs(" |", f);
        }
        for (size_t k = 0; k < rt->nscores; k++) {
            char lab[300];
            score_label(lab, sizeof lab, &a->sest[k * rt->ncols]);
            fputc(' ', f);
            md_text(f, lab);
            fputs(" |", f);
        }
        fprintf(f, " Base (n) | %s |\n|---|", wbase_label(r));
        for (size_t l = 0; l < rt->nlevels + rt->nscores + 2; l++)
            fputs("---:|", f);
        fputc('\n', f);
        for (size_t k = 0; k < rt->nitems; k++) {
            const rtable *it = &rt->items[k];
            fputs("| ", f);
            md_text(f, question_label(r, it->t->question));
            fputs(" |", f);
            for (size_t l = 0; l < it->nlevels; l++) {
                char let[64];
                letters(r, it, l, c, let, sizeof let);
                md_cell(f, r->in->decimals, &it->dest[l * it->ncols + c], let);
            }
            for (size_t j = 0; j < it->nscores; j++) {
                char let[64];
                letters_of(r, it, it->sdiffs, it->nsdiffs, j, c, let, sizeof let);
                md_score_cell(f, &it->sest[j * it->ncols + c], let);
            }
            char g[2][32];
            fprintf(f, " %s | %s |\n", grouped(it->nlevels ? it->est[c].base_n : 0, g[0]),
                    wbase_text(r, it->nlevels ? it->est[c].base_weight : 0.0, g[1], sizeof g[1]));
        }
        fputc('\n', f);
    }
    md_base_scores(f, r, rt, a->sest);
    if (rt->df0_note[0]) {
        md_text(f, rt->df0_note);
        fputc('\n', f);
    }
    rest_of ro = {NULL, 0};
    int listed = 0;
    for (size_t k = 0; k < rt->nitems; k++)
        listed |= md_rest(f, r, &rt->items[k], question_label(r, rt->items[k].t->question), &ro,
                          rt->t->chart);
    md_rest_of(f, r, &ro);
    /* (a pair of columns that found nothing on an item, as md_table says it: its letters
     * all missing, the item would read as not tested) */
    for (size_t k = 0; k < rt->nitems; k++)
        listed |= md_pairs_none(f, r, &rt->items[k], question_label(r, rt->items[k].t->question),
                                rt->t->chart);
    fputs(listed ? "\n\n" : "\n", f); /* (one blank line after the notes, as md_table's) */
}

static void design_summary(const report *r, char *buf, size_t n)
{
    char g1[32];
    const shopstat_design_opts *d = &r->in->design;
    size_t len = 0;
    len += (size_t)snprintf(buf + len, n - len, "Design: ");
    if (d->repweights) {
        char rn[160];
        shopstat_rep_note(d, rn, sizeof rn);
        len += (size_t)snprintf(buf + len, n - len, "replicate weights %s (%s; %s replicates), ",
                                d->repweights, rn,
                                grouped(shopstat_totals_nreplicates(r->tot), g1));
    }
    if (d->weight)
        len += (size_t)snprintf(buf + len, n - len, "weight %s, ", d->weight);
    else if (d->fpc && !d->repweights) /* (R's weights from the fpc: pass.c, fpc_weights) */
        len += (size_t)snprintf(buf + len, n - len, "weights N/n from the fpc, ");
    else
        len += (size_t)snprintf(buf + len, n - len, "unweighted, ");
    if (len < n && d->strata)
        len += (size_t)snprintf(buf + len, n - len, "strata %s (%s), ", d->strata,
                                grouped(shopstat_totals_nstrata(r->tot), g1));
    if (len < n && d->psu)
        len += (size_t)snprintf(buf + len, n - len, "PSU %s (%s), ", d->psu,
                                grouped(shopstat_totals_npsu(r->tot), g1));
    if (len < n && d->fpc)
        len += (size_t)snprintf(buf + len, n - len, "fpc %s (%s), ", d->fpc,
                                shopstat_totals_fpc_fractions(r->tot) ? "sampling fractions"
                                                                      : "population sizes");
    if (len < n && d->poststratify)
        len += (size_t)snprintf(buf + len, n - len, "post-stratified on %s (totals: %s), ",
                                d->poststratify, d->population);
    if (len < n && r->pop_shares > 0) {
        len += (size_t)snprintf(buf + len, n - len,
                                "population totals summing to %.6g (shares, used as given: "
                                "proportions and SEs as with counts, weighted bases shown as "
                                "shares of the population), ",
                                r->pop_shares);
    }
    if (len < n && d->rake) {
        char cols[2048];
        size_t rounds = 0;
        shopstat_rake_margins(d->rake, 1, cols, sizeof cols);
        len += (size_t)snprintf(buf + len, n - len, "raked on %s, ", cols);
        if (len < n && !shopstat_totals_rake_converged(r->tot, &rounds))
            len += (size_t)snprintf(buf + len, n - len,
                                    "not converged after %zu round%s (rake_maxit: the last "
                                    "round's weights), ",
                                    rounds, rounds == 1 ? "" : "s");
    }
    /* (the lonely-PSU rule is one of strata and PSUs: replicate weights have none to apply
     * it to, whatever the default says; nor is the default fail named, as the charts'
     * footers do not name it (shopstat_design_note): a run that ended under it met no
     * lonely PSU, and "lonely PSU: fail" on teletech's title page read as a failure) */
    if (len < n && (d->repweights || d->lonely == SHOPSTAT_LONELY_FAIL))
        snprintf(buf + len, n - len, "design df %s.", df_text(shopstat_totals_df(r->tot), g1));
    else if (len < n)
        snprintf(buf + len, n - len, "design df %s; lonely PSU: %s.",
                 df_text(shopstat_totals_df(r->tot), g1), shopstat_lonely_name(d->lonely));
}

/* The exclusions' part of the row accounting: "; speeders: 113, too fast: 4" (each
 * exclusion's reason and rows, 0 included), or "" without exclude:. */
static void exclusions_summary(const report *r, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < shopstat_totals_nexcluded(r->tot) && len < n; k++) {
        const char *why;
        size_t rows = shopstat_totals_excluded(r->tot, k, &why);
        char g[32];
        int w = snprintf(buf + len, n - len, "%s%s: %s", k ? ", " : "; ", why, grouped(rows, g));
        len += w > 0 ? (size_t)w : 0;
    }
}

/* "Rows: R read = U used + E excluded (skip_rows: S, empty rows: M; REASON: N, ...)." */
static void rows_line(const report *r, char *buf, size_t n)
{
    shopstat_accounting a = shopstat_totals_accounting(r->tot);
    char empty[64] = "", excl[600], g[4][32];
    if (a.excluded_empty)
        snprintf(empty, sizeof empty, ", empty rows: %s", grouped(a.excluded_empty, g[0]));
    exclusions_summary(r, excl, sizeof excl);
    snprintf(buf, n, "Rows: %s read = %s used + %s excluded (skip_rows: %s%s%s).",
             grouped(a.read, g[0]), grouped(a.used, g[1]), grouped(a.read - a.used, g[2]),
             grouped(a.excluded_skipped, g[3]), empty, excl);
}

static void accounting_summary(const report *r, char *buf, size_t n)
{
    char rows[800];
    rows_line(r, rows, sizeof rows);
    /* a table with a base: (teletech's "sites that display a phone number") is a share of
     * that base, not of the segment: said here too, lest the title page read as every table's
     * base being the whole segment */
    size_t nbase = 0;
    for (size_t i = 0; i < r->in->ntables; i++)
        nbase += r->in->tables[i].base_expr != NULL;
    const char *u = r->in->units ? r->in->units : "respondents",
               *ans = r->in->units ? "with an answer to" : "answering";
    if (nbase)
        snprintf(buf, n,
                 "%s Each table's base is the %s of the segment %s the "
                 "question, within the table's own base for the %zu table%s that %s one (named "
                 "on %s chart's Base line).",
                 rows, u, ans, nbase, nbase > 1 ? "s" : "", nbase > 1 ? "have" : "has",
                 nbase > 1 ? "each" : "its");
    else
        snprintf(buf, n, "%s Each table's base is the %s of the segment %s the question.", rows,
                 u, ans);
}

/* run.json's "excluded_by_reason" after empty_rows: ', "exclude": [{"reason": R, "rows": N}]'
 * with exclude:, else nothing. */
static void exclusions_json(FILE *f, const report *r)
{
    size_t nx = shopstat_totals_nexcluded(r->tot);
    if (!nx)
        return;
    fputs(", \"exclude\": [", f);
    for (size_t k = 0; k < nx; k++) {
        const char *why;
        size_t rows = shopstat_totals_excluded(r->tot, k, &why);
        fputs(k ? ", {\"reason\": " : "{\"reason\": ", f);
        shopstat_json_string(f, why);
        fprintf(f, ", \"rows\": %zu}", rows);
    }
    fputc(']', f);
}

/* The intervals, the tests and their levels. Two levels: the charts mark the first alone
 * (a chart has no lower case), said here so that a chart of no mark beside a table's
 * lower-case letter ("no difference ... is significant (adjusted p >= 0.05)") is read as
 * the two levels, not as a contradiction. */
static void ci_summary(const report *r, char *buf, size_t n)
{
    char adj[300], charts[64] = "";
    if (r->in->alpha_low > r->in->alpha)
        snprintf(charts, sizeof charts, " (charts mark p < %g alone)", r->in->alpha);
    snprintf(buf, n,
             "Intervals: %g%% %s (R's svyciprop). Comparisons: design-based t tests of the "
             "difference (segments that overlap, as a segment and all, tested with their "
             "covariance, not as independent samples); letters: upper case p < %g, lower case "
             "p < %g%s. %s",
             100 * r->in->level, shopstat_ci_method_name(r->in->ci), r->in->alpha,
             r->in->alpha_low, charts, shopstat_adjust_sentence(r->in->adjust, "comparison", 0,
                                                                adj, sizeof adj));
    size_t len = strlen(buf);
    if (r->nscores && len < n)
        snprintf(buf + len, n - len,
                 " Scores: the mean of the answers' scores, interval mean \xc2\xb1 t(df) SE (R's "
                 "svymean); a score's difference is a test of its own (p not adjusted).");
}

static shopstat_status write_markdown(report *r, shopstat_error *err)
{
    char path[4200];
    FILE *f;
    shopstat_status ost = open_out(r, "report.md", path, sizeof path, &f, err);
    if (ost)
        return ost;
    const shopstat_spec_info *in = r->in;
    fputs("# ", f);
    md_text_at(f, in->title ? in->title : in->survey, MD_HEADING);
    if (in->subtitle) {
        fputs("\n\n", f);
        md_text_at(f, in->subtitle, MD_LINE_START);
    }
    if (in->note) {
        fputs("\n\n> **Note:** ", f);
        md_text(f, in->note);
    }
    fputs("\n\nSurvey ", f);
    md_code(f, in->survey);
    fputs("; data ", f);
    md_code(f, in->data);
    fprintf(f, " (SHA-256 `%s`).\n\n", r->sha);
    char buf[1200];
    /* (the design's column names and the exclusions' reasons are the spec's text) */
    design_summary(r, buf, sizeof buf);
    md_text(f, buf);
    fputs("\n\n", f);
    accounting_summary(r, buf, sizeof buf);
    md_text(f, buf);
    fputs("\n\n", f);
    ci_summary(r, buf, sizeof buf);
    fprintf(f,
            "%s Cells marked * have an effective base under 30; under 10 they are not "
            "tested.\n\n",
            buf);
    if (r->nwarnings) {
        /* run.json's warnings, every one, as the title page of report.pdf lists them (its
         * first seven): report.md handed over alone still says what the analyst was warned
         * of (a rake not converged, a population file of shares, a segment without rows) */
        fputs(r->nwarnings == 1 ? "**Warning:**\n\n" : "**Warnings:**\n\n", f);
        for (size_t i = 0; i < r->nwarnings; i++) {
            fputs("- ", f);
            md_text(f, r->warnings[i]);
            fputc('\n', f);
        }
        fputc('\n', f);
    }
    if (in->source) {
        fputs("Source: ", f);
        md_text(f, in->source);
        fputs("\n\n", f);
    }
    for (size_t i = 0; i < in->ntables; i++) {
        if (r->tabs[i].nitems)
            md_grid(f, r, &r->tabs[i]);
        else if (md_table(f, r, &r->tabs[i])) {
            fclose(f);
            return nomem(err);
        }
    }
    return close_out(f, path, err);
}

/* Rows of the table's base that answered its question (base_n of the base's rows segment,
 * the same for every level); 0 when nobody answered. */
static size_t table_rows_in_base(const report *r, const rtable *rt)
{
    size_t q = r->qmap[rt->t->question], s;
    if (!rt->nlevels || shopstat_totals_find_segment(r->tot, rt->base_rows, &s, NULL))
        return 0;
    const shopstat_estimate *x = shopstat_tab_estimate_find(r->e, r->ne, q, 0, s);
    return x ? x->base_n : 0;
}

static shopstat_status write_run_json(report *r, shopstat_error *err)
{
    char path[4200];
    FILE *f;
    shopstat_status ost = open_out(r, "run.json", path, sizeof path, &f, err);
    if (ost)
        return ost;
    const shopstat_spec_info *in = r->in;
    const shopstat_design_opts *d = &in->design;
    shopstat_accounting a = shopstat_totals_accounting(r->tot);
    fputs("{\n  \"shopstat_version\": ", f);
    shopstat_json_opt_string(f, SHOPSTAT_VERSION);
    fputs(",\n  \"spec\": ", f);
    shopstat_json_opt_string(f, in->path);
    fputs(",\n  \"survey\": ", f);
    shopstat_json_opt_string(f, in->survey);
    fputs(",\n  \"command\": ", f);
    shopstat_json_opt_string(f, r->o->command_line);
    fputs(",\n  \"data\": {\"path\": ", f);
    shopstat_json_opt_string(f, in->data);
    fputs(", \"sha256\": ", f);
    shopstat_json_opt_string(f, r->sha);
    fputs("},\n  \"options\": {\"ci\": ", f);
    shopstat_json_opt_string(f, shopstat_ci_method_name(in->ci));
    fputs(", \"level\": ", f);
    shopstat_json_number(f, in->level);
    fputs(", \"adjust\": ", f);
    shopstat_json_opt_string(f, shopstat_adjust_name(in->adjust));
    fputs(", \"alpha\": ", f);
    shopstat_json_number(f, in->alpha);
    fputs(", \"alpha_low\": ", f);
    shopstat_json_number(f, in->alpha_low);
    fprintf(f, ", \"skip_rows\": %zu, \"header_rows\": %zu},\n  \"design\": {\"weight\": ",
            in->csv.skip_rows, in->csv.header_rows ? in->csv.header_rows : (size_t)1);
    shopstat_json_opt_string(f, d->weight);
    fputs(", \"strata\": ", f);
    shopstat_json_opt_string(f, d->strata);
    fputs(", \"psu\": ", f);
    shopstat_json_opt_string(f, d->psu);
    fputs(", \"fpc\": ", f);
    shopstat_json_opt_string(f, d->fpc);
    fputs(", \"lonely_psu\": ", f); /* (null: replicate weights have no PSUs to apply it to) */
    shopstat_json_opt_string(f, d->repweights ? NULL : shopstat_lonely_name(d->lonely));
    if (d->poststratify) { /* (the keys only in a post-stratified design's run.json) */
        fputs(", \"poststratify\": ", f);
        shopstat_json_string(f, d->poststratify);
        fputs(", \"population\": ", f);
        shopstat_json_string(f, d->population);
    }
    if (d->rake) { /* (the margins as given: COLS=FILE, one a line) */
        fputs(", \"rake\": ", f);
        shopstat_json_string(f, d->rake);
        fprintf(f, ", \"rake_maxit\": %d, \"rake_epsilon\": %.17g",
                d->rake_maxit > 0 ? d->rake_maxit : 10,
                d->rake_epsilon > 0 ? d->rake_epsilon : 1.0);
    }
    fputs(", \"repweights\": ", f);
    shopstat_json_opt_string(f, d->repweights);
    if (d->repweights) { /* the replicate settings the variances used */
        char rn[160];
        shopstat_rep_note(d, rn, sizeof rn);
        fputs(", \"reptype\": ", f);
        shopstat_json_string(f, shopstat_rep_type_name(d->reptype));
        fputs(", \"rho\": ", f);
        shopstat_json_number(f, d->reptype == SHOPSTAT_REP_FAY ? d->rho : NAN);
        fprintf(f, ", \"mse\": %s, \"replicate_design\": ",
                (d->mse < 0 ? d->reptype == SHOPSTAT_REP_SDR : d->mse != 0) ? "true" : "false");
        shopstat_json_string(f, rn);
    }
    fprintf(f, ", \"nstrata\": %zu, \"npsu\": %zu, \"replicates\": %zu, \"df\": ",
            shopstat_totals_nstrata(r->tot), shopstat_totals_npsu(r->tot),
            shopstat_totals_nreplicates(r->tot));
    shopstat_json_number(f, shopstat_totals_df(r->tot));
    fprintf(f,
            "},\n  \"rows\": {\"read\": %zu, \"used\": %zu, \"excluded\": %zu, "
            "\"excluded_by_reason\": {\"skip_rows\": %zu, \"empty_rows\": %zu",
            a.read, a.used, a.read - a.used, a.excluded_skipped, a.excluded_empty);
    exclusions_json(f, r);
    fputs("}},\n  \"tables\": [", f);
    /* a grid has an entry per item, each with the grid's name (as in tables.csv) */
    for (size_t i = 0, first = 1; i < in->ntables; i++) {
        size_t nu;
        const rtable *u = cunits_of(&r->tabs[i], &nu);
        for (size_t ku = 0; ku < nu; ku++, first = 0) {
            const rtable *rt = &u[ku];
            fputs(!first ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
            shopstat_json_opt_string(f, rt->t->name);
            fputs(", \"question\": ", f);
            shopstat_json_opt_string(f, in->questions[rt->t->question].name);
            fputs(", \"base\": ", f);
            shopstat_json_opt_string(f, rt->t->base_expr);
            fputs(", \"segments\": {", f);
            for (size_t c = 0; c < rt->ncols; c++) {
                fputs(c ? ", " : "", f);
                shopstat_json_opt_string(f, rt->colnames[c]);
                fprintf(f, ": %zu", rt->nlevels ? rt->est[c].base_n : (size_t)0);
            }
            fputc('}', f);
            /* the rows of the whole sample the table leaves out, and why: every table, 'all'
             * shown or not (the keys before "read" are the first version's, kept in order) */
            size_t in_base = table_rows_in_base(r, rt);
            fprintf(f,
                    ", \"rows\": {\"used\": %zu, \"in_base\": %zu, \"%s\": %zu, \"read\": %zu, "
                    "\"excluded\": %zu, \"excluded_by_reason\": {\"skip_rows\": %zu, "
                    "\"empty_rows\": %zu",
                    a.used, in_base, rt->t->nbase ? "outside_base_or_no_answer" : "no_answer",
                    a.used - in_base, a.read, a.read - a.used, a.excluded_skipped,
                    a.excluded_empty);
            exclusions_json(f, r);
            fputs("}}", f);
            fprintf(f, ", \"comparisons\": %zu", rt->scores_only ? 0 : rt->ndiffs);
            /* the by: segments whose column is missing on rows of the base: in it, in
             * none of the segment's columns (report.md's "Rows with no ..." line) */
            if (rt->nbym)
                fputs(", \"by_missing\": [", f);
            for (size_t k = 0; k < rt->nbym; k++) {
                const by_missing *m = &rt->bym[k];
                fputs(k ? ", {\"segment\": " : "{\"segment\": ", f);
                shopstat_json_string(f, in->segments[m->segment].name);
                fputs(", \"column\": ", f);
                shopstat_json_string(f, in->segments[m->segment].by);
                fprintf(f, ", \"rows\": %zu, \"in_base\": %zu, \"weight\": ", m->rows,
                        m->in_base);
                shopstat_json_number(f, m->weight);
                fputs(", \"base_weight\": ", f);
                shopstat_json_number(f, m->base_weight);
                fputc('}', f);
            }
            if (rt->nbym)
                fputc(']', f);
            /* the scores (scores.csv) and their comparisons (comparisons.csv, after the levels') */
            fputs(", \"scores\": [", f);
            for (size_t k = 0; k < rt->nscores; k++) {
                fputs(k ? ", " : "", f);
                shopstat_json_opt_string(f, rt->sest[k * rt->ncols].score);
            }
            fprintf(f, "], \"score_comparisons\": %zu}", rt->nsdiffs);
        }
    }
    fputs(in->ntables ? "\n  ],\n  \"warnings\": [" : "],\n  \"warnings\": [", f);
    for (size_t i = 0; i < r->nwarnings; i++) {
        fputs(i ? ", " : "", f);
        shopstat_json_opt_string(f, r->warnings[i]);
    }
    fputs("]\n}\n", f);
    return close_out(f, path, err);
}

/* ---- charts, report.pdf, tables.xlsx ---- */

typedef struct chart_job {
    shopstat_chartset *set;
    shopstat_chart_data data; /* copy of the set's chart, with its own options */
    shopstat_chart_opts opts;
    char source[1200];
    char wnote[300];
    const char *notes[6]; /* (a score's meaning, a grid's score: what was compared,) the
                             set's note on the rest, the columns without an interval (design
                             df 0), the data line; nnotes */
    char df0[1000];
    char file[260];       /* charts/FILE.pdf: the table's name (NAME-score for its score) */
    char meaning[700];    /* a score chart: what the score is */
    char title[600];      /* a score chart: the table's title and the score's */
    char items[1200];     /* a grid's score chart: the grid's title, the footer's question */
    char tested[1200];    /* a grid's score chart: what was compared */
    char changes[1200];   /* a trend chart: its comparisons (trend_note()) */
    char rows[800];       /* the rows read but left out (shopstat_rows_left_out_note) */
    /* a score's trend (score_trend): its line, the waves' labels, bases and cells */
    shopstat_chart_level tlevel;
    shopstat_chart_series tseries;
    const char **twaves;
    shopstat_chart_series *tbases;
    shopstat_chart_cell *tcells;
} chart_job;

/* What a trend footer says of difference d: not tested (an effective base under 10;
 * counted in *untest), no p (NaN), tested (counted in *tested) and significant or not at
 * the report's alpha. */
enum { DIFF_NO_P, DIFF_NOT_SIGNIFICANT, DIFF_SIGNIFICANT };
static int diff_verdict(const report *r, const shopstat_difference *d, size_t *tested,
                        size_t *untest)
{
    if (untested(d)) {
        ++*untest;
        return DIFF_NO_P;
    }
    if (isnan(d->p_adjusted))
        return DIFF_NO_P;
    ++*tested;
    return d->p_adjusted < r->in->alpha ? DIFF_SIGNIFICANT : DIFF_NOT_SIGNIFICANT;
}

/* The rule a footer names its changes by: "Holm-adjusted p < 0.05", or "p < 0.05, not
 * adjusted" for a score's change (each score x pair is its own family: score.c) and under
 * compare: {adjust: none} (they read "holm-adjusted p" whatever the method, and "none-adjusted
 * p" without one). op: "<" or ">=". */
static void p_rule(const report *r, int adjusted, const char *op, char *buf, size_t n)
{
    if (adjusted && r->in->adjust != SHOPSTAT_ADJUST_NONE)
        snprintf(buf, n, "%s-adjusted p %s %g", shopstat_adjust_label(r->in->adjust), op,
                 r->in->alpha);
    else
        snprintf(buf, n, "p %s %g, not adjusted", op, r->in->alpha);
}

/* A trend chart draws no significance marks: its table's comparisons (a wave against the
 * last) go in a footer line instead, the significant changes with their size and adjusted p
 * ("Significant changes (adjusted p < 0.05): Yes, 2026 Q3 vs 2026 Q2: +4.7 points (p =
 * 0.035)."), or that none is; without it a compare: on a trend table left the chart silent. */
static void trend_note(const report *r, const rtable *rt, char *buf, size_t n)
{
    char list[1000];
    size_t len = 0, shown = 0, tested = 0, untest = 0;
    buf[0] = list[0] = '\0';
    for (size_t i = 0; i < rt->ndiffs; i++) {
        const shopstat_difference *d = &rt->ddiffs[i];
        if (mirror_level(r, rt, d))
            continue;
        if (diff_verdict(r, d, &tested, &untest) != DIFF_SIGNIFICANT || len + 1 >= sizeof list)
            continue;
        char pt[32], v[32];
        int k = snprintf(list + len, sizeof list - len, "%s%s, %s vs %s: %s points (%s)",
                         shown ? "; " : "", level_label(r, rt->t->question, d->level),
                         seg_label(r, d->segment_a), seg_label(r, d->segment_b),
                         shopstat_format_fixed(100 * d->difference, r->in->decimals,
                                               SHOPSTAT_FIXED_SIGN | SHOPSTAT_FIXED_SIDE, v,
                                               sizeof v),
                         shopstat_format_p_alpha(d->p_adjusted, r->in->alpha, r->in->alpha_low,
                                                 pt, sizeof pt));
        len += k > 0 ? (size_t)k : 0;
        shown++;
    }
    char *cut = len >= sizeof list ? strrchr(list, ';') : NULL;
    if (cut && (size_t)(cut - list) + sizeof "; ..." <= sizeof list) /* (cut at a whole item) */
        memcpy(cut, "; ...", sizeof "; ...");
    char rule[96];
    p_rule(r, 1, shown ? "<" : ">=", rule, sizeof rule);
    if (shown)
        snprintf(buf, n, "Significant changes (%s): %s.", rule, list);
    else if (tested)
        snprintf(buf, n, "Compared: no change is significant (%s)%s.", rule,
                 untest ? "; segments of effective base under 10 are not tested" : "");
    else if (untest)
        snprintf(buf, n, "Changes not tested (effective base under 10).");
}

/* The footer and titles every chart of table rt has: title, subtitle, source (or data
 * file) and note, the design, the interval and the adjustment. */
static void chart_frame(const report *r, const rtable *rt, chart_job *j, int compared)
{
    shopstat_chart_opts *co = &j->opts;
    shopstat_chart_opts_init(co);
    if (r->o->png_dpi > 0)
        co->png_scale = r->o->png_dpi / 72;
    co->title = table_title(r, rt);
    co->subtitle = r->in->title;
    co->zoom = rt->t->zoom;
    /* percentages to the report's one rule (decimals:), as report.md gives them; a score
     * chart's values keep their scale's decimals (its opts decimals would add to them) */
    co->decimals = r->in->decimals;
    /* The footer's last line: the spec's source: and note:. Without a source the chart names
     * its data file, not the survey's id (an id such as "eu" is no source); only the file's
     * name: a chart leaves the machine, its folders need not. */
    const char *base = strrchr(r->in->data, '/');
    base = base ? base + 1 : r->in->data;
    if (r->in->source) {
        snprintf(j->source, sizeof j->source, "%s%s%s", r->in->source, r->in->note ? ". " : "",
                 r->in->note ? r->in->note : "");
        co->source = j->source;
    } else {
        snprintf(j->source, sizeof j->source, "Data: %s.%s%s", base, r->in->note ? " " : "",
                 r->in->note ? r->in->note : "");
    }
    co->ci_level = r->in->level;
    co->ci_method = shopstat_ci_method_name(r->in->ci);
    shopstat_design_note(&r->in->design, shopstat_totals_fpc_fractions(r->tot), j->wnote,
                         sizeof j->wnote);
    if (j->wnote[0])
        co->weight_note = j->wnote;
    /* (none: the legend's "p", the footer's "not adjusted for multiple comparisons") */
    co->adjust_method = compared && r->in->adjust != SHOPSTAT_ADJUST_NONE
                            ? shopstat_adjust_label(r->in->adjust)
                            : NULL;
    co->alpha = r->in->alpha;
    co->notes = j->notes;
    /* the exclusions, duplicates and skipped rows beside the base, as the title page's row
     * accounting: a chart pasted into a deck alone still says every row read was used or
     * why not */
    co->rows_note = shopstat_rows_left_out_note(r->tot, 0, j->rows, sizeof j->rows);
}

/* A Likert chart's side totals compared for the table's pairs (rows l = 0 for the points
 * left of the centre, 1 for those right of it, in the chart's display order; the middle
 * point of an odd scale is neither): *out NULL when there are none. */
static shopstat_status likert_sides(const report *r, const rtable *rt, shopstat_difference **out,
                                    size_t *nout, shopstat_error *err)
{
    *out = NULL;
    *nout = 0;
    size_t nl = rt->nlevels, q = r->qmap[rt->t->question];
    if (!rt->ndiffs || nl < 2 || !rt->ncols ||
        shopstat_totals_question_kind(r->tot, q) != SHOPSTAT_Q_SINGLE)
        return SHOPSTAT_OK;
    shopstat_compare_opts co;
    shopstat_compare_opts_init(&co);
    co.level = r->in->level;
    size_t *lv = calloc(nl, sizeof *lv);
    /* (a side's rows: one per pair, or per column of a by: pair) */
    shopstat_difference *all = calloc(2 * rt->t->npairs * rt->ncols + 1, sizeof *all);
    if (!lv || !all) {
        free(lv);
        free(all);
        return nomem(err);
    }
    /* the sides as the chart draws them: its centre by shopstat_scale_sides (the chart set
     * takes it so), "Don't know" and its kind on neither */
    unsigned char *sd = malloc(nl);
    if (!sd) {
        free(lv);
        free(all);
        return nomem(err);
    }
    shopstat_scale_sides(rt->level_labels, nl, -1, sd);
    shopstat_status st = SHOPSTAT_OK;
    for (int side = 0; side < 2 && !st; side++) {
        size_t k = 0;
        for (size_t d = 0; d < nl; d++)
            if (sd[d] == (side ? SHOPSTAT_SCALE_HIGH : SHOPSTAT_SCALE_LOW))
                lv[k++] = rt->dest[d * rt->ncols].l; /* (the engine's position of row d) */
        if (!k)
            continue;
        shopstat_difference *x = NULL;
        size_t nx = 0, n0 = *nout;
        if ((st = shopstat_compare_level_set(r->tot, &co, q, lv, k, &x, &nx, err)))
            break;
        table_pairs(r, rt, x, nx, all, nout);
        for (size_t i = n0; i < *nout; i++)
            all[i].l = (size_t)side;
        free(x);
    }
    free(lv);
    free(sd);
    if (st) {
        free(all);
        *nout = 0;
        return st;
    }
    *out = all;
    return SHOPSTAT_OK;
}

/* A Likert chart of text answers that no values: or recode: orders and that are no
 * recognised scale (shopstat_scale_recognise) stands in byte order, "Agree" left of
 * "Disagree": warn, naming the spec key that gives the order. */
static void likert_unordered(report *r, const rtable *rt)
{
    const shopstat_spec_question *qq = &r->in->questions[rt->t->question];
    size_t q = r->qmap[rt->t->question], nl = rt->nlevels;
    if (qq->nvalues || qq->nrecodes || nl < 2 ||
        shopstat_totals_question_kind(r->tot, q) != SHOPSTAT_Q_SINGLE)
        return;
    int text = 0;
    for (size_t l = 0; l < shopstat_totals_nlevels(r->tot, q) && !text; l++) {
        const char *code = shopstat_totals_level(r->tot, q, l);
        double x;
        text = shopstat_parse_number(code, strlen(code), 1, &x) != 1 &&
               !(code[0] >= '0' && code[0] <= '9') && !shopstat_scale_nonsubstantive(code);
    }
    if (text && !shopstat_scale_recognise(rt->level_labels, nl, NULL))
        warn(r,
             "table '%s': question '%s' is drawn as a Likert chart, but its answers are text "
             "that is no scale shopstat knows, so the chart takes them as they sort; give "
             "their order, low end first, in the question's values:",
             rt->t->name, qq->name);
}

static shopstat_status build_chart(report *r, rtable *rt, chart_job *j, shopstat_error *err)
{
    shopstat_chartset_opts so;
    shopstat_chartset_opts_init(&so);
    so.type = rt->t->chart_type;
    so.diffs = rt->ddiffs;
    so.ndiffs = rt->ndiffs;
    so.alpha = r->in->alpha;
    so.unadjusted = r->in->adjust == SHOPSTAT_ADJUST_NONE;
    so.label = chart_label;
    so.label_ctx = (void *)r;
    so.base_note = rt->chart_base;
    /* the footer's only mention of it since the chart's base note leaves it out */
    so.multi_response = r->in->questions[rt->t->question].kind != SHOPSTAT_Q_SINGLE;
    so.diff_all_levels = rt->t->diff_levels_all;
    if (so.type == SHOPSTAT_CHART_LIKERT)
        likert_unordered(r, rt);
    shopstat_difference *sides = NULL;
    shopstat_status st = so.type == SHOPSTAT_CHART_LIKERT
                             ? likert_sides(r, rt, &sides, &so.nside_diffs, err)
                             : SHOPSTAT_OK;
    so.side_diffs = sides;
    if (!st)
        st = shopstat_chartset_build(rt->dest, rt->nlevels * rt->ncols, &so, &j->set, err);
    free(sides); /* (the set keeps the marks) */
    if (st)
        return st;
    if (shopstat_chartset_count(j->set) != 1)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, rt->t->pos.line,
                                  rt->t->pos.col, "table '%s' has no answers to chart",
                                  rt->t->name);
    j->data = *shopstat_chartset_charts(j->set)[0];
    /* the footer names the question shown by its text ("Question: Channel of purchase.")
     * when the chart's title is another (a second table of a question, named channel-2, may
     * have a title of its own); the table's name is no reader's word */
    j->data.name = r->in->questions[rt->t->question].name;
    j->data.label = question_label(r, rt->t->question);
    snprintf(j->file, sizeof j->file, "%s", rt->t->name);
    shopstat_chart_opts *co = &j->opts;
    chart_frame(r, rt, j, rt->ndiffs > 0);
    co->type = so.type;
    co->sort = rt->t->sort;
    /* a recognised text scale, or a numeric one without labels, keeps its order in a bar
     * chart, as a scale listed in values: does, unless the table says sort: */
    if (!rt->t->sort_given && (shopstat_scale_recognise(rt->level_labels, rt->nlevels, NULL) ||
                               shopstat_scale_numeric(rt->level_labels, rt->nlevels)))
        co->sort = SHOPSTAT_CHART_SORT_NONE;
    co->sig_note = shopstat_chartset_sig_note(j->set);
    if (rt->by_note[0]) /* (the by: columns' bases do not add up to the base's: why) */
        j->notes[co->nnotes++] = rt->by_note;
    if ((j->notes[co->nnotes] = shopstat_chartset_rest_note(j->set)))
        co->nnotes++;
    if (so.type == SHOPSTAT_CHART_TREND && rt->ndiffs) {
        trend_note(r, rt, j->changes, sizeof j->changes);
        if (j->changes[0])
            j->notes[co->nnotes++] = j->changes;
    }
    /* (bars without whiskers; a Likert chart draws none) */
    df0_note(r, rt, 1, DF0_NO_SCORE, j->df0, sizeof j->df0);
    if (j->df0[0] && so.type != SHOPSTAT_CHART_LIKERT)
        j->notes[co->nnotes++] = j->df0;
    if (!co->source)
        j->notes[co->nnotes++] = j->source;
    j->data.opts = co;
    return shopstat_chart_validate(&j->data, co, err);
}

/* A score chart's title: the table's chart's and the score's, so that its page of report.pdf
 * reads as the score's, not as the table's chart again: "Recommendation: Net Promoter Score";
 * a title that ends a sentence (a question text, as Qualtrics exports it) takes no colon
 * after its '?': "... to a friend? Net Promoter Score" */
static void score_title(chart_job *j, const char *score)
{
    size_t tl = strlen(j->opts.title);
    int ends = tl > 0 && strchr("?!.:", j->opts.title[tl - 1]);
    snprintf(j->title, sizeof j->title, "%s%s %s", j->opts.title, ends ? "" : ":", score);
    j->opts.title = j->title;
}

/* The file of score k's chart of table rt (a score's trend, its chart, a grid's): charts/
 * NAME-score.pdf for the first, NAME-score-2.pdf, NAME-score-3.pdf... for the others. */
static void score_chart_file(chart_job *j, const rtable *rt, size_t k)
{
    if (k == 0)
        snprintf(j->file, sizeof j->file, "%s-score", rt->t->name);
    else
        snprintf(j->file, sizeof j->file, "%s-score-%zu", rt->t->name, k + 1);
}

/* The chart of score k of table rt (charts/NAME-score.pdf, NAME-score-2.pdf...): one row
 * per segment, the score and its interval on the score's scale, marked for the table's
 * pairs as bars are (shopstat_chartset_build_scores, as `shopstat score --chart`). */
static shopstat_status build_score_chart(report *r, rtable *rt, size_t k, chart_job *j,
                                         shopstat_error *err)
{
    const shopstat_score_estimate *se = &rt->sest[k * rt->ncols];
    size_t nd = 0;
    for (size_t i = 0; i < rt->nsdiffs; i++)
        nd += rt->sdiffs[i].l == k;
    shopstat_chartset_opts so;
    shopstat_chartset_opts_init(&so);
    so.diffs = rt->sdiffs;
    so.ndiffs = rt->nsdiffs;
    so.alpha = r->in->alpha;
    so.label = chart_label;
    so.label_ctx = (void *)r;
    so.base_note = rt->chart_base;
    shopstat_status st = shopstat_chartset_build_scores(se, rt->ncols, &so, &j->set, err);
    if (st)
        return st;
    if (shopstat_chartset_count(j->set) != 1)
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "table '%s': no score chart",
                                  rt->t->name);
    j->data = *shopstat_chartset_charts(j->set)[0];
    j->data.name = r->in->questions[rt->t->question].name;
    j->data.label = question_label(r, rt->t->question);
    score_chart_file(j, rt, k);
    shopstat_chart_opts *co = &j->opts;
    chart_frame(r, rt, j, nd > 0);
    /* (a quantile's or a measure's axis fitted to the estimates, not the values' whole range:
     * a reply time's means of 17 and 19 hours on 0.3 to 165 sat in the axis's first tenth) */
    if (se->quantile || se->measure)
        co->zoom = 1;
    score_title(j, j->data.levels[0].label);
    co->type = SHOPSTAT_CHART_SCORE;
    co->decimals = 0; /* (the scale's own) */
    co->sig_note = shopstat_chartset_sig_note(j->set);
    table_score_meaning(r, rt, k, 0, j->meaning, sizeof j->meaning);
    j->notes[co->nnotes++] = j->meaning;
    /* no mark should not read as not tested */
    if ((j->notes[co->nnotes] = shopstat_chartset_rest_note(j->set)))
        co->nnotes++;
    df0_note(r, rt, 0, k, j->df0, sizeof j->df0);
    if (j->df0[0])
        j->notes[co->nnotes++] = j->df0;
    if (!co->source)
        j->notes[co->nnotes++] = j->source;
    j->data.opts = co;
    return shopstat_chart_validate(&j->data, co, err);
}

/* A trend table's score chart (chart: trend with a score: an NPS, a mean rating): ONE line
 * of the score across the table's waves (its columns, less 'all' when listed first, as the
 * levels' trend takes them), its interval as a band, each wave whose change from the wave
 * before is significant (a compare: pair of the two, "waves:prev" or "y2011:y2010", at the
 * adjusted p < alpha) marked ▲ or ▼ after its value, and the footer naming the changes with
 * their size and p, as the levels' trend_note does. Replaces build_score_chart's dot chart,
 * whose rows read as segments, not as time. */
static shopstat_status build_score_trend(report *r, rtable *rt, size_t k, chart_job *j,
                                         shopstat_error *err)
{
    const shopstat_score_estimate *se = &rt->sest[k * rt->ncols];
    size_t c0 = rt->ncols > 1 && strcmp(rt->colnames[0], "all") == 0, nw = rt->ncols - c0;
    j->twaves = calloc(nw ? nw : 1, sizeof *j->twaves);
    j->tbases = calloc(nw ? nw : 1, sizeof *j->tbases);
    j->tcells = calloc(nw ? nw : 1, sizeof *j->tcells);
    if (!j->twaves || !j->tbases || !j->tcells)
        return nomem(err);
    char list[1000];
    size_t len = 0, shown = 0, tested = 0, untest = 0;
    list[0] = '\0';
    for (size_t w = 0; w < nw; w++) {
        const shopstat_score_estimate *x = &se[c0 + w];
        int na = x->base_n == 0 || isnan(x->estimate);
        j->twaves[w] = rt->collabels[c0 + w];
        j->tbases[w].base_n = (double)x->base_n;
        j->tbases[w].eff_base = x->eff_base;
        j->tcells[w].value = na ? NAN : x->estimate;
        j->tcells[w].lo = na ? NAN : x->ci_lower;
        j->tcells[w].hi = na ? NAN : x->ci_upper;
        j->tcells[w].eff_base = x->eff_base;
        if (w == 0)
            continue;
        /* the change from the wave before, when the table compares the two */
        for (size_t i = 0; i < rt->nsdiffs; i++) {
            const shopstat_difference *d = &rt->sdiffs[i];
            if (d->l != k || strcmp(d->segment_a, rt->colnames[c0 + w]) != 0 ||
                strcmp(d->segment_b, rt->colnames[c0 + w - 1]) != 0)
                continue;
            if (diff_verdict(r, d, &tested, &untest) != DIFF_SIGNIFICANT)
                break;
            j->tcells[w].sig = d->difference > 0 ? "\u25B2" : "\u25BC";
            char v[32], pt[32];
            shopstat_score_format(d->difference, x->min, x->max,
                                  shopstat_score_estimate_decimals(x), SHOPSTAT_SCORE_SIGN, v,
                                  sizeof v);
            int n = snprintf(list + len, sizeof list - len, "%s%s vs %s: %s (%s)",
                             shown ? "; " : "", j->twaves[w], j->twaves[w - 1], v,
                             shopstat_format_p_alpha(d->p_adjusted, r->in->alpha, r->in->alpha_low,
                                                     pt, sizeof pt));
            if (n > 0 && len + (size_t)n < sizeof list) {
                len += (size_t)n;
                shown++;
            }
            break;
        }
    }
    j->tlevel.last = -1;
    j->tseries.name = rt->colnames[c0];
    j->tseries.label = rt->collabels[c0];
    j->tseries.base_n = NAN;
    j->tseries.eff_base = NAN;
    shopstat_chart_data_init(&j->data);
    j->data.name = r->in->questions[rt->t->question].name;
    j->data.label = question_label(r, rt->t->question);
    j->data.base_note = rt->chart_base;
    j->data.levels = &j->tlevel;
    j->data.nlevels = 1;
    j->data.series = &j->tseries;
    j->data.nseries = 1;
    j->data.waves = j->twaves;
    j->data.nwaves = nw;
    j->data.trend = j->tcells;
    j->data.wave_bases = j->tbases;
    j->data.score_min = se->min;
    j->data.score_max = se->max;
    j->data.score_measure = se->measure;
    j->data.score_measure_decimals = se->measure_decimals;
    j->data.score_quantile = se->quantile;
    /* the score's own label as the line's, as a score chart's axis names it ("Net Promoter
     * Score", "Mean (1-5)") */
    char lab[300];
    if (se->score && strcmp(se->score, "NPS") == 0 && se->min == -100 && se->max == 100)
        snprintf(lab, sizeof lab, "Net Promoter Score");
    else
        shopstat_score_label(se, lab, sizeof lab);
    if (!(j->tlevel.label = xasprintf("%s", lab)))
        return nomem(err);
    score_chart_file(j, rt, k);
    shopstat_chart_opts *co = &j->opts;
    chart_frame(r, rt, j, tested > 0);
    /* (a quantile's or a measure's axis fitted to the estimates, not the values' whole range:
     * a reply time's means of 17 and 19 hours on 0.3 to 165 sat in the axis's first tenth) */
    if (se->quantile || se->measure)
        co->zoom = 1;
    score_title(j, j->tlevel.label);
    co->type = SHOPSTAT_CHART_TREND;
    co->decimals = 0; /* (the scale's own) */
    table_score_meaning(r, rt, k, 0, j->meaning, sizeof j->meaning);
    j->notes[co->nnotes++] = j->meaning;
    char rule[96];
    p_rule(r, 0, shown ? "<" : ">=", rule, sizeof rule);
    if (shown)
        snprintf(j->changes, sizeof j->changes,
                 "\u25B2\u25BC: significantly higher or lower than the wave before (%s): %s.", rule,
                 list);
    else if (tested)
        snprintf(j->changes, sizeof j->changes,
                 "Compared with the wave before: no change is significant (%s)%s.", rule,
                 untest ? "; waves of effective base under 10 are not tested" : "");
    else if (untest)
        snprintf(j->changes, sizeof j->changes,
                 "Changes from the wave before not tested (effective base under 10).");
    if (j->changes[0])
        j->notes[co->nnotes++] = j->changes;
    df0_note(r, rt, 0, k, j->df0, sizeof j->df0);
    if (j->df0[0])
        j->notes[co->nnotes++] = j->df0;
    if (!co->source)
        j->notes[co->nnotes++] = j->source;
    j->data.opts = co;
    return shopstat_chart_validate(&j->data, co, err);
}

/* A grid's chart for column c: a Likert chart whose bars are the items (their labels and
 * bases in that segment), the levels its scale in the items' order; titled with the
 * segment when the table has several (one chart each, a page each in charts/NAME.pdf). */
typedef struct grid_job {
    shopstat_chart_level *levels;
    shopstat_chart_series *series;
    shopstat_chart_cell *cells;
    const char **side_sig;                 /* 2 x items: the marks of its rows' totals */
    const shopstat_chart_data **axis_with; /* the grid's charts, one axis for all */
    char title[700];
    char label[1200];
    char tested[1200]; /* the footer's line on what was compared */
    char legend[2000]; /* the marks' legend and what was compared */
} grid_job;

/* The marks of a grid's side totals: each item's totals compared for the table's pairs as a
 * Likert chart of that item alone would be (likert_sides), in one chart set whose chart k is
 * item k (q renumbered so), so that its note explains the marks of the whole grid. *out NULL
 * when the table compares nothing. */
static shopstat_status grid_marks(report *r, rtable *rt, shopstat_chartset **out,
                                  unsigned char *compared, shopstat_error *err)
{
    *out = NULL;
    size_t ni = rt->nitems, nl = rt->nlevels, nc = rt->ncols, nd = 0;
    if (!rt->t->npairs || !nc)
        return SHOPSTAT_OK;
    for (size_t k = 0; k < ni; k++)
        if (rt->items[k].nlevels != nl)
            return SHOPSTAT_OK; /* (grid_check keeps the levels alike: not reached) */
    shopstat_estimate *e = calloc(ni * nl * nc, sizeof *e);
    shopstat_difference **sides = calloc(ni, sizeof *sides);
    size_t *nsides = calloc(ni, sizeof *nsides);
    shopstat_difference *all = NULL;
    shopstat_status st = e && sides && nsides ? SHOPSTAT_OK : nomem(err);
    for (size_t k = 0; k < ni && !st; k++) {
        memcpy(e + k * nl * nc, rt->items[k].dest, nl * nc * sizeof *e);
        for (size_t i = 0; i < nl * nc; i++)
            e[k * nl * nc + i].q = k;
        st = likert_sides(r, &rt->items[k], &sides[k], &nsides[k], err);
        nd += nsides[k];
    }
    if (!st && !(all = calloc(nd + 1, sizeof *all)))
        st = nomem(err);
    for (size_t k = 0, at = 0; k < ni && !st; k++)
        for (size_t i = 0; i < nsides[k]; i++) {
            all[at] = sides[k][i];
            all[at++].q = k;
            /* (the columns compared: their charts say so even when they carry no mark) */
            for (size_t c = 0; c < nc; c++)
                compared[c] |= strcmp(e[c].segment, sides[k][i].segment_a) == 0 ||
                               strcmp(e[c].segment, sides[k][i].segment_b) == 0;
        }
    if (!st) {
        shopstat_chartset_opts so;
        shopstat_chartset_opts_init(&so);
        so.type = SHOPSTAT_CHART_LIKERT;
        so.alpha = r->in->alpha;
        so.label = chart_label;
        so.label_ctx = (void *)r;
        so.side_diffs = all;
        so.nside_diffs = nd;
        st = shopstat_chartset_build(e, ni * nl * nc, &so, out, err);
        if (!st && shopstat_chartset_count(*out) != ni) {
            shopstat_chartset_free(*out);
            *out = NULL;
        }
    }
    for (size_t k = 0; sides && k < ni; k++)
        free(sides[k]);
    free(sides);
    free(nsides);
    free(all);
    free(e);
    return st;
}

/* 1 when some total of the grid carries a letter (a segment's): each chart's title then
 * gives its segment's letter, as report.md's blocks do, so that the letters can be followed
 * from one chart to another. */
static int grid_lettered(const shopstat_chartset *set)
{
    size_t n = set ? shopstat_chartset_count(set) : 0;
    const shopstat_chart_data *const *ch = n ? shopstat_chartset_charts(set) : NULL;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; ch[k]->side_sig && i < 2 * ch[k]->nseries; i++)
            for (const char *m = ch[k]->side_sig[i]; m && *m; m++)
                if (*m >= 'A' && *m <= 'Z')
                    return 1;
    return 0;
}

/* "Side totals compared for each item: Heavy (B) with Light (C)." (the letters when the
 * grid's marks use them) */
static void grid_tested(const report *r, const rtable *rt, int lettered, const char *what,
                        char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "%s for each item:", what);
    for (size_t p = 0; p < rt->t->npairs && k < size; p++) {
        const shopstat_spec_pair *pr = &rt->t->pairs[p];
        const shopstat_spec_segment *a = &r->in->segments[pr->a];
        const shopstat_spec_segment *b = pr->b == SHOPSTAT_SPEC_REST || pr->b == SHOPSTAT_SPEC_PREV
                                             ? NULL
                                             : &r->in->segments[pr->b];
        char la[8] = "", lb[8] = "";
        for (size_t c = 0; lettered && c < rt->ncols && c < 26; c++) {
            if (!a->by && strcmp(rt->colnames[c], a->name) == 0)
                snprintf(la, sizeof la, " (%c)", (char)('A' + c));
            if (b && !b->by && strcmp(rt->colnames[c], b->name) == 0)
                snprintf(lb, sizeof lb, " (%c)", (char)('A' + c));
        }
        k += (size_t)snprintf(buf + k, size - k, "%s %s%s%s with %s%s", p ? ";" : "",
                              a->by ? "each of " : "", a->label ? a->label : a->name, la,
                              pr->b == SHOPSTAT_SPEC_PREV ? "the one before"
                              : !b                        ? "the rest"
                              : b->label                  ? b->label
                                                          : b->name,
                              lb);
    }
    if (k < size)
        snprintf(buf + k, size - k, ".");
}

static shopstat_status build_grid_chart(report *r, rtable *rt, size_t c, chart_job *j, grid_job *g,
                                        const shopstat_chartset *marks, int compared,
                                        shopstat_error *err)
{
    size_t ni = rt->nitems, nl = rt->nlevels;
    const rtable *a = &rt->items[0];
    g->levels = calloc(nl ? nl : 1, sizeof *g->levels);
    g->series = calloc(ni, sizeof *g->series);
    g->cells = calloc(nl * ni + 1, sizeof *g->cells);
    if (!g->levels || !g->series || !g->cells)
        return nomem(err);
    for (size_t l = 0; l < nl; l++) {
        g->levels[l].label = a->level_labels[l];
        g->levels[l].last = -1;
    }
    for (size_t k = 0; k < ni; k++) {
        const rtable *it = &rt->items[k];
        size_t q = it->t->question;
        g->series[k].name = r->in->questions[q].name;
        g->series[k].label = question_label(r, q);
        g->series[k].base_n = it->nlevels ? (double)it->est[c].base_n : NAN;
        g->series[k].eff_base = it->nlevels ? it->est[c].eff_base : NAN;
        for (size_t l = 0; l < nl; l++) {
            const shopstat_estimate *e = &it->dest[l * it->ncols + c];
            shopstat_chart_cell *x = &g->cells[l * ni + k];
            int na = e->base_n == 0 || isnan(e->proportion);
            x->value = na ? NAN : e->proportion;
            x->lo = na ? NAN : e->ci_lower;
            x->hi = na ? NAN : e->ci_upper;
            x->eff_base = e->eff_base;
        }
    }
    shopstat_chart_data_init(&j->data);
    j->data.name = rt->t->name;
    /* the footer's question: the grid's title (its items are the chart's rows, by their
     * labels), not the items' names ("a grid of s1, s2, s3") */
    snprintf(g->label, sizeof g->label, "%s", table_title(r, rt));
    j->data.label = g->label;
    j->data.base_note = rt->chart_base;
    j->data.levels = g->levels;
    j->data.nlevels = nl;
    j->data.series = g->series;
    j->data.nseries = ni;
    j->data.cells = g->cells;
    /* the centre as each item's own Likert chart takes it (shopstat_scale_sides) */
    unsigned char *sd = malloc(nl ? nl : 1);
    if (!sd)
        return nomem(err);
    j->data.neutral = shopstat_scale_sides(a->level_labels, nl, -1, sd);
    free(sd);
    /* the totals' marks of segment c's rows: item k's chart of the marks' set, column c */
    if (marks) {
        const shopstat_chart_data *const *mc = shopstat_chartset_charts(marks);
        if (!(g->side_sig = calloc(2 * ni, sizeof *g->side_sig)))
            return nomem(err);
        for (size_t k = 0; k < ni; k++)
            for (size_t side = 0; side < 2 && mc[k]->side_sig; side++)
                g->side_sig[side * ni + k] = mc[k]->side_sig[side * mc[k]->nseries + c];
        j->data.side_sig = g->side_sig;
    }
    chart_frame(r, rt, j, 0);
    shopstat_chart_opts *co = &j->opts;
    co->type = SHOPSTAT_CHART_LIKERT;
    int lettered = grid_lettered(marks);
    if (rt->ncols > 1 || lettered) {
        /* (its letter, as report.md's block "Heavy (B)", when totals carry letters) */
        char letter[8] = "";
        if (lettered && c < 26)
            snprintf(letter, sizeof letter, " (%c)", (char)('A' + c));
        snprintf(g->title, sizeof g->title, "%s: %s%s", table_title(r, rt), rt->collabels[c],
                 letter);
        co->title = g->title;
    }
    if (marks && compared) {
        /* what was compared, after the marks' legend (over the grid's charts) where this
         * chart carries marks, else on a line of its own (none of its totals differs), with
         * the note that none is significant when none is; a segment compared with none
         * (All, of heavy:light) has neither, as a bar chart's uncompared bar */
        int marked = 0;
        for (size_t i = 0; i < 2 * ni; i++)
            marked |= g->side_sig[i] && g->side_sig[i][0];
        const char *legend = shopstat_chartset_sig_note(marks);
        grid_tested(r, rt, lettered, marked && legend ? "Compared" : "Side totals compared",
                    g->tested, sizeof g->tested);
        if (marked && legend) {
            snprintf(g->legend, sizeof g->legend, "%s %s", legend, g->tested);
            co->sig_note = g->legend;
        } else {
            j->notes[co->nnotes++] = g->tested;
        }
        if ((j->notes[co->nnotes] = shopstat_chartset_rest_note(marks)))
            co->nnotes++;
    }
    if (!co->source)
        j->notes[co->nnotes++] = j->source;
    snprintf(j->file, sizeof j->file, "%s", rt->t->name);
    j->data.opts = co;
    return shopstat_chart_validate(&j->data, co, err);
}

static void grid_job_free(grid_job *g)
{
    free(g->side_sig);
    free(g->axis_with);
    free(g->levels);
    free(g->series);
    free(g->cells);
}

/* The chart of a grid's score k (charts/NAME-score.pdf, NAME-score-2.pdf...): the items as
 * groups of rows, a row per segment, each item's score and its interval on the score's scale,
 * its rows marked for the table's pairs as a score chart of that item alone would be
 * (shopstat_chartset_build_score_items): the segments compared on each item, which the
 * segments' Likert charts, one per segment, cannot show side by side. */
static shopstat_status build_grid_score_chart(report *r, rtable *rt, size_t k, chart_job *j,
                                              shopstat_error *err)
{
    size_t ni = rt->nitems, nc = rt->ncols, nd = 0;
    for (size_t i = 0; i < ni; i++)
        nd += rt->items[i].nsdiffs;
    shopstat_score_estimate *se = calloc(ni * nc + 1, sizeof *se);
    shopstat_difference *sd = calloc(nd + 1, sizeof *sd);
    if (!se || !sd) {
        free(se);
        free(sd);
        return nomem(err);
    }
    nd = 0;
    size_t tested = 0; /* the differences of score k */
    for (size_t i = 0; i < ni; i++) {
        const rtable *it = &rt->items[i];
        memcpy(se + i * nc, it->sest + k * nc, nc * sizeof *se);
        for (size_t d = 0; d < it->nsdiffs; d++) {
            sd[nd++] = it->sdiffs[d];
            tested += it->sdiffs[d].l == k;
        }
    }
    shopstat_chartset_opts so;
    shopstat_chartset_opts_init(&so);
    so.diffs = sd;
    so.ndiffs = nd;
    so.alpha = r->in->alpha;
    so.label = spec_label_fn;
    so.label_ctx = (void *)r;
    so.base_note = rt->chart_base;
    shopstat_status st = shopstat_chartset_build_score_items(se, ni * nc, &so, &j->set, err);
    if (!st && shopstat_chartset_count(j->set) != 1)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "table '%s': no score chart",
                                rt->t->name);
    if (st) {
        free(se);
        free(sd);
        return st;
    }
    j->data = *shopstat_chartset_charts(j->set)[0];
    /* the footer names the grid as its Likert charts do, by its title ("Question:
     * Satisfaction."), its items being the groups of rows */
    j->data.name = rt->t->name;
    snprintf(j->items, sizeof j->items, "%s", table_title(r, rt));
    j->data.label = j->items;
    const char *map = r->in->questions[rt->items[0].t->question].scores[k].map;
    score_chart_file(j, rt, k);
    shopstat_chart_opts *co = &j->opts;
    chart_frame(r, rt, j, tested > 0);
    score_title(j, j->data.score_axis);
    co->type = SHOPSTAT_CHART_SCORE;
    co->decimals = 0; /* (the scale's own) */
    co->sig_note = shopstat_chartset_sig_note(j->set);
    /* what the score is, and what was tested: each item's score for the table's pairs, as
     * its own score chart would be (the letters of the sig note's legend) */
    score_meaning(j->meaning, sizeof j->meaning, map, se, 0);
    j->notes[co->nnotes++] = j->meaning;
    if (tested) {
        int lettered = co->sig_note && strncmp(co->sig_note, "Letters", 7) == 0;
        grid_tested(r, rt, lettered, "Scores compared", j->tested, sizeof j->tested);
        j->notes[co->nnotes++] = j->tested;
        if ((j->notes[co->nnotes] = shopstat_chartset_rest_note(j->set)))
            co->nnotes++;
    }
    df0_note(r, rt, 0, k, j->df0, sizeof j->df0);
    if (j->df0[0])
        j->notes[co->nnotes++] = j->df0;
    if (!co->source)
        j->notes[co->nnotes++] = j->source;
    free(se);
    free(sd);
    j->data.opts = co;
    return shopstat_chart_validate(&j->data, co, err);
}

/* path (under the report's charts/) when no earlier table has written it: the spec checks
 * the names it knows (engine/spec.c), but a grid's chart of a by: segment is named by the
 * column's value (NAME-COLUMN_VALUE.png), known only now. */
static shopstat_status chart_file_unused(const report *r, const rtable *rt, const char *path,
                                         shopstat_error *err)
{
    if (access(path, F_OK) != 0)
        return SHOPSTAT_OK;
    const char *file = strrchr(path, '/');
    return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, rt->t->pos.line, rt->t->pos.col,
                              "table '%s' writes charts/%s, which an earlier table writes too "
                              "(a grid names the chart of a by: segment's value "
                              "NAME-COLUMN_VALUE.png); rename one of the tables (name:)",
                              rt->t->name, file ? file + 1 : path);
}

/* report.pdf draws a chart on A4 landscape as it is; a chart of many rows (a by: segment
 * against rest, value by value, in a diff chart; a Likert chart of 12 segments with long
 * names) that does not fit it (the only EUSAGE of a validated chart) is drawn as a chart file
 * of fit_height: as tall as its rows need, up to REPORT_PAGE_MAX, with the type of the
 * report's page, not the larger type of a taller page, which asked for taller rows again and
 * took 2.5 times A4 for 13 Likert rows; report.pdf scales it down or continues it over pages
 * of its size. */
static shopstat_status chart_pdf_fit(chart_job *j, shopstat_error *err)
{
    shopstat_status st = shopstat_chart_fits(&j->data, j->data.opts, err);
    if (st == SHOPSTAT_EUSAGE && !j->opts.fit_height) {
        j->opts.fit_height = 1;
        shopstat_error_clear(err);
        st = SHOPSTAT_OK;
    }
    return st;
}

/* A chart's own file (charts/NAME.pdf or .png; a PDF of several pages for a grid's
 * segments, charts[i] each): 842 points wide and as tall as the chart with its title and
 * footer (fit_height), laid out as on report.pdf's A4 page, so that a chart dropped into a
 * slide needs no blank band cropped (until 2026-12-04 a chart of two levels sat on a whole A4
 * page, 134 points blank between its plot and its footer); or the spec's chart_size:, the page drawn
 * as the CLI's --chart-size draws it, taller when the chart does not fit it. EUSAGE: not even
 * a page of REPORT_PAGE_MAX holds it. */
static shopstat_status render_chart_files(const report *r, const char *path,
                                          const shopstat_chart_data *const *charts, size_t n,
                                          shopstat_error *err)
{
    shopstat_chart_opts *fo = calloc(n, sizeof *fo);
    shopstat_chart_data *fd = calloc(n, sizeof *fd);
    const shopstat_chart_data **fp = calloc(n, sizeof *fp);
    shopstat_status st = fo && fd && fp ? SHOPSTAT_OK : nomem(err);
    for (int fit = 0; fit < 2 && !st; fit++) {
        for (size_t i = 0; i < n; i++) {
            if (charts[i]->opts)
                fo[i] = *charts[i]->opts;
            else
                shopstat_chart_opts_init(&fo[i]);
            if (r->in->chart_width > 0) {
                fo[i].width = r->in->chart_width;
                fo[i].height = r->in->chart_height;
                fo[i].fit_height = fit;
            } else {
                fo[i].fit_height = 1;
            }
            fd[i] = *charts[i];
            fd[i].opts = &fo[i];
            fp[i] = &fd[i];
        }
        st = shopstat_chart_render_pages(path, fp, n, fp[0]->opts, err);
        /* a chart_size: page the chart does not fit: a taller one, as --chart-size's */
        if (st == SHOPSTAT_EUSAGE && !fit && r->in->chart_width > 0) {
            shopstat_error_clear(err);
            st = SHOPSTAT_OK;
            continue;
        }
        break;
    }
    free(fo);
    free(fd);
    free(fp);
    return st;
}

static shopstat_status render_chart_file(const report *r, const rtable *rt, const char *path,
                                         const shopstat_chart_data *chart, shopstat_error *err)
{
    shopstat_status st = render_chart_files(r, path, &chart, 1, err);
    if (st == SHOPSTAT_EUSAGE)
        st = shopstat_error_set(err, st, r->in->path, rt->t->pos.line, rt->t->pos.col,
                                "table '%s': its chart does not fit even a page %g "
                                "points tall (PDF's largest); give it fewer rows, or "
                                "chart: none",
                                rt->t->name, (double)REPORT_PAGE_MAX);
    return st;
}

/* charts/NAME.pdf (a page per segment) and .png (NAME-SEGMENT.png per segment when there
 * are several, the segment's name made safe for a file name). */
static shopstat_status render_grid(report *r, rtable *rt, chart_job *jobs, size_t n,
                                   shopstat_error *err)
{
    char path[4700];
    const shopstat_chart_data **ptrs = calloc(n, sizeof *ptrs);
    if (!ptrs)
        return nomem(err);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &jobs[i].data;
    snprintf(path, sizeof path, "%s/charts/%s.pdf", r->tmpdir, rt->t->name);
    reg_add(path);
    shopstat_status st = chart_file_unused(r, rt, path, err);
    /* (report.pdf draws each on an A4 page of its own) */
    for (size_t i = 0; i < n && !st; i++)
        st = shopstat_chart_fits(&jobs[i].data, jobs[i].data.opts, err);
    if (!st)
        st = render_chart_files(r, path, ptrs, n, err);
    free(ptrs);
    for (size_t i = 0; i < n && !st; i++) {
        char seg[220];
        snprintf(seg, sizeof seg, "%.200s", rt->colnames[i]);
        for (char *p = seg; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
                *p = '_';
        if (n == 1)
            snprintf(path, sizeof path, "%s/charts/%s.png", r->tmpdir, rt->t->name);
        else
            snprintf(path, sizeof path, "%s/charts/%s-%s.png", r->tmpdir, rt->t->name, seg);
        reg_add(path);
        const shopstat_chart_data *one = &jobs[i].data;
        if (!(st = chart_file_unused(r, rt, path, err)))
            st = render_chart_files(r, path, &one, 1, err);
    }
    if (st == SHOPSTAT_EUSAGE)
        st = shopstat_error_set(err, st, r->in->path, rt->t->pos.line, rt->t->pos.col,
                                "table '%s': its chart does not fit a page; give it fewer "
                                "items, or chart: none",
                                rt->t->name);
    return st;
}

static shopstat_status write_charts(report *r, shopstat_error *err)
{
    size_t nt = r->in->ntables, nj = 0;
    for (size_t i = 0; i < r->in->ntables; i++)
        nt +=
            r->tabs[i].nitems ? r->tabs[i].ncols + r->tabs[i].items[0].nscores : r->tabs[i].nscores;
    chart_job *jobs = calloc(nt ? nt : 1, sizeof *jobs);
    grid_job *grids = calloc(nt ? nt : 1, sizeof *grids);
    const shopstat_chart_data **ptrs = calloc(nt ? nt : 1, sizeof *ptrs);
    size_t *tabof = calloc(nt ? nt : 1, sizeof *tabof); /* the table of each chart */
    shopstat_status st = jobs && ptrs && tabof && grids ? SHOPSTAT_OK : nomem(err);
    /* (tmpdir, "/charts/", a chart's file name and ".png": 4,300 bytes could cut the last,
     * as GCC -O0 -Werror said) */
    char path[sizeof r->tmpdir + sizeof "/charts/" + sizeof jobs->file + sizeof ".png"];
    snprintf(path, sizeof path, "%s/charts", r->tmpdir);
    if (!st && mkdir(path, 0755) != 0)
        st =
            shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
    for (size_t i = 0, n0 = nj; i < r->in->ntables && !st; i++, n0 = nj) {
        rtable *rt = &r->tabs[i];
        if (!rt->t->chart || rt->nlevels == 0)
            continue;
        if (rt->nitems) {
            shopstat_chartset *marks = NULL;
            unsigned char *compared = calloc(rt->ncols + 1, 1);
            st = compared ? grid_marks(r, rt, &marks, compared, err) : nomem(err);
            for (size_t c = 0; c < rt->ncols && !st; c++)
                if (!(st = build_grid_chart(r, rt, c, &jobs[nj], &grids[nj], marks, compared[c],
                                            err))) {
                    ptrs[nj] = &jobs[nj].data;
                    tabof[nj++] = i;
                }
            /* one axis for the grid's charts (the widest of its segments'), so that they
             * can be compared by eye */
            for (size_t k = n0; k < nj && !st; k++) {
                if (!(grids[k].axis_with = calloc(nj - n0, sizeof *grids[k].axis_with))) {
                    st = nomem(err);
                    break;
                }
                for (size_t m = n0; m < nj; m++)
                    grids[k].axis_with[m - n0] = &jobs[m].data;
                jobs[k].data.axis_with = grids[k].axis_with;
                jobs[k].data.naxis_with = nj - n0;
            }
            if (!st)
                st = render_grid(r, rt, jobs + n0, nj - n0, err);
            /* (the charts keep pointers into the marks' set until report.pdf is written) */
            free(compared);
            if (nj > n0)
                jobs[n0].set = marks;
            else
                shopstat_chartset_free(marks);
            /* then a chart per score (drawn below): the items by segment, under the
             * segments' charts */
            n0 = nj;
            for (size_t k = 0; k < rt->items[0].nscores && !st; k++)
                if (!(st = build_grid_score_chart(r, rt, k, &jobs[nj], err)))
                    nj++;
        } else {
            /* the levels' chart (unless chart: score, or a trend of a score: the score's
             * line alone, not a line per answer), then one per score, a trend table's as
             * a line across its waves */
            int trend = rt->t->chart_type == SHOPSTAT_CHART_TREND;
            int levels = rt->t->chart_type != SHOPSTAT_CHART_SCORE && !(trend && rt->nscores) &&
                         !(measure_table(r, rt) && !rt->t->chart_given);
            if (levels && (st = build_chart(r, rt, &jobs[nj], err)))
                break;
            nj += levels;
            for (size_t k = 0; k < rt->nscores && !st; k++)
                if (!(st = trend ? build_score_trend(r, rt, k, &jobs[nj], err)
                                 : build_score_chart(r, rt, k, &jobs[nj], err)))
                    nj++;
        }
        for (size_t jj = n0; jj < nj && !st; jj++) {
            chart_job *j = &jobs[jj];
            ptrs[jj] = &j->data;
            tabof[jj] = i;
            if ((st = chart_pdf_fit(j, err)))
                break;
            static const char *const ext[] = {"pdf", "png"};
            for (int k = 0; k < 2 && !st; k++) {
                snprintf(path, sizeof path, "%s/charts/%s.%s", r->tmpdir, j->file, ext[k]);
                reg_add(path);
                if ((st = chart_file_unused(r, rt, path, err)))
                    break;
                st = render_chart_file(r, rt, path, &j->data, err);
            }
        }
    }
    if (!st) {
        char design[1200], acct[1000], ci[600], survey[400];
        design_summary(r, design, sizeof design);
        accounting_summary(r, acct, sizeof acct);
        ci_summary(r, ci, sizeof ci);
        /* (the survey's id stands under the subtitle already) */
        snprintf(survey, sizeof survey, "Data: %s (SHA-256 %.16s...).", r->in->data, r->sha);
        const char *lines[] = {survey, design, acct, ci};
        /* the contents list each table by its title, as report.md's headings */
        const char **titles = calloc(r->in->ntables + 1, sizeof *titles);
        for (size_t i = 0; titles && i < r->in->ntables; i++)
            titles[i] = table_title(r, &r->tabs[i]);
        shopstat_title_page tp = {r->in->title ? r->in->title : r->in->survey,
                                  r->in->subtitle,
                                  r->in->survey,
                                  r->in->note,
                                  lines,
                                  4,
                                  titles,
                                  titles ? r->in->ntables : 0,
                                  (const char *const *)r->warnings,
                                  r->nwarnings};
        snprintf(path, sizeof path, "%s/report.pdf", r->tmpdir);
        reg_add(path);
        st = titles ? shopstat_report_pdf_write(path, &tp, ptrs, tabof, nj, NULL, err)
                    : nomem(err);
        free(titles);
    }
    for (size_t i = 0; jobs && i < nt; i++) {
        shopstat_chartset_free(jobs[i].set);
        if (jobs[i].twaves)
            free((char *)jobs[i].tlevel.label);
        free(jobs[i].twaves);
        free(jobs[i].tbases);
        free(jobs[i].tcells);
        if (grids)
            grid_job_free(&grids[i]);
    }
    free(grids);
    free(jobs);
    free(ptrs);
    free(tabof);
    return st;
}

/* Table rt's differences for the workbook, into out (rt->ndiffs at most): all but a yes/no
 * question's mirrored comparisons with the rest (mirror_level()), whose notes under the
 * sheet would say report.md's lines on the rest twice; a table with a block per comparison
 * (differences: true) keeps them, its No row's cell being one. Returns how many. */
static size_t kept_diffs(const report *r, const rtable *rt, shopstat_difference *out)
{
    size_t n = 0;
    for (size_t i = 0; i < rt->ndiffs; i++) {
        const shopstat_difference *d = &rt->ddiffs[i];
        if (!rt->t->differences && strcmp(d->segment_b, "rest") == 0 && mirror_level(r, rt, d))
            continue;
        out[n++] = *d;
    }
    return n;
}

static shopstat_status write_xlsx(report *r, shopstat_error *err)
{
    size_t nt = r->in->ntables;
    shopstat_xlsx_table *x = calloc(nt ? nt : 1, sizeof *x);
    if (!x)
        return nomem(err);
    size_t ngi = 0;
    for (size_t i = 0; i < nt; i++)
        ngi += r->tabs[i].nitems;
    shopstat_xlsx_table *gx = calloc(ngi + 1, sizeof *gx);
    const char **glab = calloc(ngi + 1, sizeof *glab);
    /* each table's differences less a yes/no question's mirrored comparisons with the rest
     * (kept_diffs()), in one array */
    size_t nkept = 0;
    for (size_t i = 0; i < nt; i++) {
        size_t nu;
        const rtable *u = cunits_of(&r->tabs[i], &nu);
        for (size_t k = 0; k < nu; k++)
            nkept += u[k].ndiffs;
    }
    shopstat_difference *kept = malloc((nkept + 1) * sizeof *kept);
    if (!gx || !glab || !kept) {
        free(x);
        free(gx);
        free(glab);
        free(kept);
        return nomem(err);
    }
    size_t used = 0;
    for (size_t i = 0, gi = 0; i < nt; i++) {
        const rtable *rt = &r->tabs[i];
        if (rt->nitems) {
            /* each item as a table of its own, then the grid over them */
            for (size_t k = 0; k < rt->nitems; k++) {
                const rtable *it = &rt->items[k];
                shopstat_xlsx_table *y = &gx[gi + k];
                y->name = r->in->questions[it->t->question].name;
                y->nlevels = it->nlevels;
                y->nsegments = it->ncols;
                y->level_labels = it->level_labels;
                y->segment_labels = it->collabels;
                y->est = it->dest;
                y->diffs = kept + used;
                y->ndiffs = kept_diffs(r, it, kept + used);
                used += y->ndiffs;
                y->nscores = it->nlevels ? it->nscores : 0;
                y->scores = it->sest;
                y->score_labels = (const char *const *)it->score_labels;
                y->score_diffs = it->sdiffs;
                y->nscore_diffs = it->nsdiffs;
                glab[gi + k] = question_label(r, it->t->question);
            }
            x[i] = gx[gi];
            x[i].name = rt->t->name;
            x[i].title = table_title(r, rt);
            x[i].base_note = rt->xlsx_base;
            x[i].ndiffs = 0;
            x[i].nscore_diffs = 0;
            x[i].items = &gx[gi];
            x[i].item_labels = &glab[gi];
            x[i].nitems = rt->nitems;
            x[i].df0_note = rt->df0_note[0] ? rt->df0_note : NULL;
            gi += rt->nitems;
            continue;
        }
        x[i].name = rt->t->name;
        x[i].title = table_title(r, rt);
        x[i].base_note = rt->xlsx_base;
        x[i].multi = r->in->questions[rt->t->question].kind != SHOPSTAT_Q_SINGLE;
        x[i].nlevels = rt->nlevels;
        x[i].nsegments = rt->ncols;
        x[i].level_labels = rt->level_labels;
        x[i].segment_labels = rt->collabels;
        x[i].est = rt->dest;
        x[i].diffs = kept + used;
        x[i].ndiffs = rt->scores_only ? 0 : kept_diffs(r, rt, kept + used);
        used += x[i].ndiffs;
        x[i].scores_only = rt->scores_only;
        x[i].nscores = rt->nlevels ? rt->nscores : 0;
        x[i].scores = rt->sest;
        x[i].score_labels = (const char *const *)rt->score_labels;
        x[i].score_diffs = rt->sdiffs;
        x[i].nscore_diffs = rt->nsdiffs;
        x[i].differences = rt->t->differences;
        x[i].df0_note = rt->df0_note[0] ? rt->df0_note : NULL;
        x[i].by_note = rt->by_note[0] ? rt->by_note : NULL;
    }
    shopstat_xlsx_opts xo;
    shopstat_xlsx_opts_init(&xo);
    xo.title = r->in->title ? r->in->title : r->in->survey;
    xo.note = r->in->note;
    xo.source = r->in->source; /* (as report.md: the spec's source:, when it gives one) */
    char ci[200];
    snprintf(ci, sizeof ci, "%g%% CI, %s method", 100 * r->in->level,
             shopstat_ci_method_name(r->in->ci));
    xo.ci_note = ci;
    char rows[800];
    rows_line(r, rows, sizeof rows);
    xo.rows_note = rows;
    char design[1200];
    design_summary(r, design, sizeof design);
    xo.design_note = design;
    xo.alpha_upper = r->in->alpha;
    xo.alpha_lower = r->in->alpha_low;
    xo.unadjusted = r->in->adjust == SHOPSTAT_ADJUST_NONE;
    xo.lend_stderr = r->o->lend_stderr;
    xo.pct_decimals = r->in->decimals;
    xo.population_shares = r->pop_shares; /* (report.md's weighted bases alike) */
    xo.warnings = (const char *const *)r->warnings;
    xo.nwarnings = r->nwarnings;
    char path[4200];
    snprintf(path, sizeof path, "%s/tables.xlsx", r->tmpdir);
    reg_add(path);
    shopstat_error xe;
    shopstat_error_clear(&xe);
    shopstat_status st = shopstat_xlsx_write(path, x, nt, &xo, &xe);
    free(x);
    free(gx);
    free(glab);
    free(kept);
    if (st)
        *err = xe;
    return st;
}

/* ---- the output folder ---- */

static shopstat_status mkdir_parents(report *r, shopstat_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", r->outdir) >= (int)sizeof buf)
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0, "path is too long");
    if (!reg_made && !(reg_made = calloc(REG_MADE, sizeof *reg_made)))
        return nomem(err);
    reg_nmade = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        /* registered once made (a signal in between leaves that one folder), never before:
         * a folder that was there already is not ours to remove */
        if (reg_nmade < REG_MADE)
            memcpy(reg_made[reg_nmade], buf, strlen(buf) + 1);
        if (mkdir(buf, 0755) == 0) {
            if (reg_nmade < REG_MADE)
                reg_nmade = reg_nmade + 1;
        } else if (errno != EEXIST) {
            return shopstat_error_set(err, SHOPSTAT_EIO, buf, 0, 0, "cannot create: %s",
                                      strerror(errno));
        }
        *p = '/';
    }
    return SHOPSTAT_OK;
}

/* Is path (an existing file) inside the folder whose real path is dir? */
static int inside(const char *path, const char *dir)
{
    char *rp = realpath(path, NULL);
    size_t n = strlen(dir);
    int in = rp && strncmp(rp, dir, n) == 0 && (rp[n] == '/' || (n == 1 && dir[0] == '/'));
    free(rp);
    return in;
}

/* Is the folder empty, or a report shopstat wrote (its run.json says so)? */
static int replaceable(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (empty)
        return 1;
    char *path = xasprintf("%s/run.json", dir);
    FILE *f = path ? fopen(path, "rb") : NULL;
    free(path);
    char head[32] = {0};
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    static const char mark[] = "{\n  \"shopstat_version\":";
    return n >= sizeof mark - 1 && memcmp(head, mark, sizeof mark - 1) == 0;
}

static shopstat_status check_replace(report *r, shopstat_error *err);

/* OUTDIR, and whether it may be replaced: checked before the pass, so that a run that
 * could not put its report in place fails at once. The whole folder is replaced, so it
 * must be empty or an earlier report (its run.json), and hold neither the spec nor the
 * data: `-o .` in the survey's folder would otherwise delete them. */
static shopstat_status check_outdir(report *r, shopstat_error *err)
{
    const char *od = r->o->outdir;
    if (od && !*od) /* (else the folder made beside it, ".tmp-XXXXXX", fails to be renamed) */
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "report: the output folder name (-o) is empty");
    if (od)
        snprintf(r->outdir, sizeof r->outdir, "%s", od);
    else
        snprintf(r->outdir, sizeof r->outdir, "out/%s", r->in->survey);
    size_t len = strlen(r->outdir);
    while (len > 1 && r->outdir[len - 1] == '/')
        r->outdir[--len] = '\0';
    struct stat sb;
    if (lstat(r->outdir, &sb) != 0)
        return SHOPSTAT_OK; /* (a new folder, checked again when it is put in place) */
    return check_replace(r, err);
}

/* An existing OUTDIR may be replaced: a folder, empty or an earlier report, holding neither
 * the spec nor the data. Checked before the pass, and again at the rename: a path that did
 * not exist then may name a folder by now (`-o new/../survey`, once new/ is created, names
 * survey/), and the folder may have been filled meanwhile. */
static shopstat_status check_replace(report *r, shopstat_error *err)
{
    struct stat sb;
    if (lstat(r->outdir, &sb) != 0)
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0, "%s", strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->outdir, 0, 0,
                                  "exists and is not a folder; choose another output folder");
    char *real = realpath(r->outdir, NULL);
    if (!real)
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0, "%s", strerror(errno));
    const char *what = inside(r->in->path, real)   ? "the spec"
                       : inside(r->in->data, real) ? "the data file"
                                                   : NULL;
    free(real);
    if (what)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->outdir, 0, 0,
                                  "holds %s, and the output folder is replaced as a whole; "
                                  "choose another output folder",
                                  what);
    if (!replaceable(r->outdir))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->outdir, 0, 0,
                                  "is neither empty nor an earlier shopstat report (no run.json "
                                  "of shopstat's in it), and the report replaces the whole "
                                  "folder; choose another output folder or remove this one");
    return SHOPSTAT_OK;
}

/* The process's umask, read without changing it (umask() sets it, for every thread):
 * Linux 4.7 and later give it in /proc/self/status; 022 elsewhere. */
static mode_t process_umask(void)
{
    mode_t m = 022;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Umask:", 6) == 0) {
            m = (mode_t)(strtoul(line + 6, NULL, 8) & 0777);
            break;
        }
    if (f)
        fclose(f);
    return m;
}

static shopstat_status make_tmpdir(report *r, shopstat_error *err)
{
    shopstat_status st = mkdir_parents(r, err);
    if (st)
        return st;
    if (snprintf(r->tmpdir, sizeof r->tmpdir, "%s.tmp-XXXXXX", r->outdir) >= (int)sizeof r->tmpdir)
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0, "path is too long");
    if (!reg_paths && !(reg_paths = calloc(REG_MAX, sizeof *reg_paths)))
        return nomem(err);
    /* the handler's copy is live before the folder exists, so no signal can come between
     * its creation and its registration (rmdir of a template name is harmless) */
    reg_n = 0;
    memcpy(reg_dir, r->tmpdir, strlen(r->tmpdir) + 1);
    reg_live = 1;
    if (!mkdtemp(reg_dir)) {
        int e = errno;
        reg_live = 0;
        r->tmpdir[0] = '\0';
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0,
                                  "cannot create a folder next to it: %s", strerror(e));
    }
    memcpy(r->tmpdir, reg_dir, strlen(reg_dir) + 1);
    chmod(r->tmpdir, 0777 & ~process_umask()); /* (mkdtemp's is 0700; charts/ is mkdir's) */
    return SHOPSTAT_OK;
}

/* Remove the previous output folder, whatever the user put in it (not from a signal
 * handler: opendir allocates). Depth is capped so a pathological tree cannot exhaust the
 * stack. */
static void remove_tree(const char *dir, int depth)
{
    DIR *d = depth < 64 ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stat sb;
        if (path && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(path, depth + 1);
        else if (path)
            unlink(path);
        free(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* fsync every file under dir, then dir itself, as -o's tables are before their rename:
 * after a crash OUTDIR is the old report or the whole new one, never one of empty files.
 * (The charts and the PDF were synced as they were closed; a second fsync of a file with
 * nothing to write back costs microseconds.) In name order, so that a failure names the
 * same file every time. 0, or the errno of the first failure, whose path is put in bad. */
static int sync_tree(const char *dir, int depth, char **bad)
{
    struct dirent **list = NULL;
    int n = depth < 64 ? scandir(dir, &list, NULL, alphasort) : -1;
    int e = n < 0 ? errno : 0;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char *path =
            e || !strcmp(name, ".") || !strcmp(name, "..") ? NULL : xasprintf("%s/%s", dir, name);
        struct stat sb;
        if (e || !strcmp(name, ".") || !strcmp(name, "..")) {
            /* (done, or not a child) */
        } else if (!path) {
            e = ENOMEM;
        } else if (lstat(path, &sb) != 0) {
            e = errno;
        } else if (S_ISDIR(sb.st_mode)) {
            e = sync_tree(path, depth + 1, bad);
        } else if (S_ISREG(sb.st_mode)) {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fsync(fd) != 0)
                e = errno;
            if (fd >= 0)
                close(fd);
        }
        if (e && path && !*bad) {
            *bad = path;
            path = NULL;
        }
        free(path);
        free(list[i]);
    }
    free(list);
    if (!e) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            e = errno;
        if (fd >= 0)
            close(fd);
    }
    if (e && !*bad)
        *bad = xasprintf("%s", dir);
    return e;
}

/* Put the finished folder in place: sync it, move an existing OUTDIR aside, rename, remove
 * the old. */
static shopstat_status commit_dir(report *r, shopstat_error *err)
{
    char old[4200];
    struct stat sb;
    int had = lstat(r->outdir, &sb) == 0;
    shopstat_status st = had ? check_replace(r, err) : SHOPSTAT_OK;
    if (st)
        return st;
    char *bad = NULL;
    int se = sync_tree(r->tmpdir, 0, &bad);
    if (se) {
        st = shopstat_error_set(err, SHOPSTAT_EIO, bad ? bad : r->tmpdir, 0, 0, "cannot write: %s",
                                strerror(se));
        free(bad);
        return st;
    }
    /* Signals blocked from the first rename to the registry's switch: a handler run between
     * rename(OUTDIR -> old) and rename(tmp -> OUTDIR) would remove the new report while
     * the old one sits at OUTDIR.old-XXXXXX, leaving no OUTDIR at all. A signal that
     * came meanwhile is handled once they are unblocked, with the report in place. */
    sigset_t all, mask;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &mask);
    if (had) {
        snprintf(old, sizeof old, "%s.old-XXXXXX", r->outdir);
        int made = mkdtemp(old) != NULL;
        if (!made || rename(r->outdir, old) != 0) {
            int e = errno;
            if (made)
                rmdir(old);
            pthread_sigmask(SIG_SETMASK, &mask, NULL);
            return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0,
                                      "cannot move the previous output aside: %s", strerror(e));
        }
    }
    if (rename(r->tmpdir, r->outdir) != 0) {
        int e = errno;
        if (had)
            rename(old, r->outdir);
        pthread_sigmask(SIG_SETMASK, &mask, NULL);
        return shopstat_error_set(err, SHOPSTAT_EIO, r->outdir, 0, 0,
                                  "cannot rename into place: %s", strerror(e));
    }
    r->tmpdir[0] = '\0';
    reg_n = 0;
    if (had) {
        /* the handler now removes the previous report, should a signal cut its removal */
        memcpy(reg_dir, old, strlen(old) + 1);
    } else {
        reg_live = 0;
    }
    pthread_sigmask(SIG_SETMASK, &mask, NULL);
    if (had)
        remove_tree(old, 0);
    reg_live = 0;
    return SHOPSTAT_OK;
}

static void rtable_free(rtable *rt);

static void report_free(report *r)
{
    for (size_t i = 0; r->tabs && i < r->in->ntables; i++)
        rtable_free(&r->tabs[i]);
    free(r->tabs);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    free(r->qmap);
    free(r->kstart);
    free(r->se);
    free(r->sd);
    free(r->e);
    free(r->d);
    shopstat_totals_free(r->tot);
    shopstat_plan_free(r->plan);
}

static void rtable_free(rtable *rt)
{
    for (size_t k = 0; rt->items && k < rt->nitems; k++)
        rtable_free(&rt->items[k]);
    free(rt->items);
    free(rt->item_t);
    if (rt->borrowed) {
        rt->internal = NULL;
        rt->pair_b = NULL;
        rt->cols = NULL;
        rt->owned = NULL;
        rt->colnames = NULL;
        rt->collabels = NULL;
        rt->within = NULL;
        rt->base_rows = NULL;
    }
    {
        for (size_t k = 0; rt->internal && k < rt->t->nsegments; k++)
            free(rt->internal[k]);
        for (size_t k = 0; rt->pair_b && k < rt->t->npairs; k++)
            free(rt->pair_b[k]);
        free(rt->internal);
        free(rt->pair_b);
        free(rt->cols);
        for (size_t c = 0; rt->owned && c < rt->ncols; c++)
            free(rt->owned[c]);
        free(rt->owned);
        free(rt->colnames);
        free(rt->collabels);
        free(rt->est);
        free(rt->dest);
        free(rt->level_labels);
        free(rt->diffs);
        free(rt->ddiffs);
        free(rt->within);
        free(rt->base_rows);
        free(rt->title);
        free(rt->sest);
        free(rt->sdiffs);
        free(rt->bym);
        for (size_t k = 0; rt->score_labels && rt->sest && k < rt->nscores; k++)
            free(rt->score_labels[k]);
        free(rt->score_labels);
    }
}

/* The data are read twice, their SHA-256 beside the pass: a pipe (a FIFO, /dev/stdin) would
 * be split between the two reads ("file is empty" for the pass), a folder not read at all. */
static shopstat_status check_data_file(const report *r, shopstat_error *err)
{
    struct stat sb;
    if (stat(r->in->data, &sb) != 0 || S_ISREG(sb.st_mode))
        return SHOPSTAT_OK; /* (a missing file: the reader says so) */
    shopstat_pos p = r->in->data_pos;
    if (S_ISDIR(sb.st_mode))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, p.line, p.col,
                                  "data file '%s' is a folder; name the CSV export in it",
                                  r->in->data);
    return shopstat_error_set(err, SHOPSTAT_EINPUT, r->in->path, p.line, p.col,
                              "data file '%s' is %s; the report reads its data twice (the "
                              "SHA-256 in run.json, then the pass): save them to a file",
                              r->in->data, S_ISFIFO(sb.st_mode) ? "a pipe" : "not a regular file");
}

typedef struct sha_job {
    const char *path;
    char hex[65];
    shopstat_status st;
    shopstat_error err;
} sha_job;

static void *sha_run(void *arg)
{
    sha_job *j = arg;
    j->st = shopstat_sha256_file(j->path, j->hex, &j->err);
    return NULL;
}

/* Messages of the engine name CLI flags; say what the spec calls them. */
static void spec_hint(shopstat_error *err, const char *hint)
{
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, " (%s)", hint);
}

static shopstat_status report_run_c(const shopstat_spec *spec, const shopstat_report_opts *o,
                                    shopstat_error *err)
{
    shopstat_report_opts dflt;
    if (!o) {
        shopstat_report_opts_init(&dflt);
        o = &dflt;
    }
    report r;
    memset(&r, 0, sizeof r);
    r.spec = spec;
    r.in = shopstat_spec_get(spec);
    r.o = o;
    shopstat_status st = build_plan(&r, err);
    if (!st)
        st = check_data_file(&r, err);
    if (!st)
        st = check_outdir(&r, err);
    /* The data's SHA-256 (for run.json) is read in a thread of its own beside the pass:
     * a second read of the file, which would otherwise add most of a pass's time. */
    sha_job sj = {r.in->data, {0}, SHOPSTAT_OK, {0}};
    shopstat_error_clear(&sj.err);
    pthread_t sha_tid;
    int sha_thread = !st && pthread_create(&sha_tid, NULL, sha_run, &sj) == 0;
    if (!st && !sha_thread)
        sha_run(&sj);
    if (!st)
        st = run_pass(&r, err);
    if (sha_thread)
        pthread_join(sha_tid, NULL);
    if (sj.st) { /* first: an unreadable data file is named at the spec's data: line */
        st = shopstat_error_set(err, SHOPSTAT_EIO, r.in->path, r.in->data_pos.line,
                                r.in->data_pos.col, "data file '%s': %s", r.in->data,
                                sj.err.msg);
    }
    if (!st)
        memcpy(r.sha, sj.hex, sizeof r.sha);
    if (!st)
        st = compute(&r, err);
    if (st && strstr(err->msg, "design_opts.lonely"))
        spec_hint(err, "in the spec: design: {lonely_psu: ...}");
    if (!st)
        mark_scores_only(&r);
    if (!st)
        st = make_tmpdir(&r, err);
    if (!st)
        st = write_csv_file(&r, "tables.csv", tab_rows, err);
    if (!st)
        st = write_csv_file(&r, "comparisons.csv", comparison_rows, err);
    if (!st)
        st = write_csv_file(&r, "scores.csv", score_rows, err);
    if (!st && o->charts)
        st = write_charts(&r, err);
    if (!st)
        st = write_xlsx(&r, err);
    if (!st)
        st = write_markdown(&r, err);
    if (!st)
        st = write_run_json(&r, err);
    if (!st)
        st = commit_dir(&r, err);
    if (st) {
        /* a file of the folder being written is named by its place in OUTDIR, not in the
         * temporary folder about to be removed */
        size_t n = strlen(r.tmpdir);
        if (err && n && strncmp(err->file, r.tmpdir, n) == 0 &&
            (err->file[n] == '/' || !err->file[n])) {
            size_t lo = strlen(r.outdir), lr = strlen(err->file + n);
            if (lo + lr < sizeof err->file) { /* (else left as it is) */
                memmove(err->file + lo, err->file + n, lr + 1);
                memcpy(err->file, r.outdir, lo);
            }
        }
        remove_tmpdir(&r);
        remove_made();
    }
    reg_nmade = 0; /* (a success keeps them: they hold OUTDIR) */
    report_free(&r);
    return st;
}

shopstat_status shopstat_report_run(const shopstat_spec *spec, const shopstat_report_opts *o,
                                    shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = report_run_c(spec, o, err);
    c_numeric_leave(old);
    return r;
}
