/* Survey specs (YAML, parsed with libyaml): questions, segments, tables of a report. */
#ifndef SHOPSTAT_SPEC_H
#define SHOPSTAT_SPEC_H

#include <stddef.h>

#include "shopstat/chart.h"
#include "shopstat/ci.h"
#include "shopstat/design.h"
#include "shopstat/error.h"
#include "shopstat/reader.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Specs larger than this are refused (SHOPSTAT_ELIMIT): a spec is hand-written text. */
#define SHOPSTAT_SPEC_MAX_BYTES (4u << 20)
/* At most this many questions, segments or tables (SHOPSTAT_ELIMIT beyond). */
#define SHOPSTAT_SPEC_MAX_ITEMS 10000

/* A code (level, or column name of a multi-response question: its option's label when
 * the data are read with two header rows) and its display label. */
typedef struct shopstat_spec_value {
    const char *code;
    const char *label;
    shopstat_pos pos; /* of the code */
} shopstat_spec_value;

/* One recode rule of a derived question: source values matching `match` ("4,5", "1-3",
 * ">2000") become level `level` (see shopstat_plan_add_recode). */
typedef struct shopstat_spec_recode {
    const char *match;
    const char *level;
} shopstat_spec_recode;

/* A score of a single-choice question (score:), as shopstat_plan_add_score takes it. */
typedef struct shopstat_spec_score {
    const char *name; /* NULL = the map's default name ("mean", "NPS", "score") */
    const char *map;  /* "mean", "nps" or "V=S,V=S,..." (V a level or a range A-B) */
    shopstat_pos pos; /* of the score's definition */
} shopstat_spec_score;

/* A question. Single choice (column), multi-response (multi: [columns], or ticked:
 * [columns] as Qualtrics exports them), codes in one cell (codes: column) or derived
 * (derive: column + recode). Positions point into the spec. */
typedef struct shopstat_spec_question {
    const char *name;
    shopstat_pos pos; /* of the name */
    shopstat_question_kind kind;
    const char *const *columns; /* ncolumns source columns */
    const shopstat_pos *column_pos;
    size_t ncolumns;
    int ticked; /* SHOPSTAT_Q_MULTI from ticked: (shopstat_plan_add_multi_ticked) */
    int none_in_base;                    /* none: in base (shopstat_plan_set_none_in_base) */
    char sep; /* codes: sep:, the one separator of its codes, or 0 (shopstat_plan_set_codes_sep) */
    const shopstat_spec_recode *recodes; /* nrecodes rules, in order; 0 = not derived */
    size_t nrecodes;
    const char *label;                 /* NULL = name */
    const shopstat_spec_value *values; /* value labels */
    size_t nvalues;
    const shopstat_spec_score *scores; /* score: of a single-choice question, in order */
    size_t nscores;
    const char *const *missing; /* missing: codes of its columns only (NULL-terminated; the
                                   spec's csv.column_missing holds them), or NULL */
    size_t nmissing;
} shopstat_spec_question;

/* A condition of a where: or base: expression, with the position of its column name. */
typedef struct shopstat_spec_cond {
    shopstat_cond cond; /* column resolved: a single-choice question's name becomes its column */
    shopstat_pos pos;
} shopstat_spec_cond;

/* An exclusion (exclude:): rows meeting every condition are left out of the whole run
 * (shopstat_plan_add_exclude), counted under reason; or, with duplicates: (no where:), the
 * rows repeating an earlier row's value of that column (shopstat_plan_add_dedupe). */
typedef struct shopstat_spec_exclude {
    const shopstat_spec_cond *conds;
    size_t nconds;
    const char *where;      /* the expression as written */
    const char *reason;     /* reason:, else the expression ("duplicates of COL") */
    shopstat_pos pos;       /* the item's */
    const char *duplicates; /* duplicates:, a column (a question's name resolved), else NULL */
    shopstat_pos duplicates_pos;
} shopstat_spec_exclude;

/* A segment: the conjunction of conds (where:), or one segment per value of a column (by:). */
typedef struct shopstat_spec_segment {
    const char *name;
    shopstat_pos pos;
    const char *label; /* NULL = name ("All" for the implicit 'all') */
    const shopstat_spec_cond *conds;
    size_t nconds;
    const char *by; /* by: column, or NULL */
    shopstat_pos by_pos;
    const char *where; /* the expression as written, or NULL */
} shopstat_spec_segment;

/* A comparison of a table: segment a against b ("rest" = everyone in the table's base not
 * in a). Indices into the spec's segments; b is (size_t)-1 for rest, (size_t)-2 for prev
 * (a by: segment's values each against the one before it: "wave:prev"). */
typedef struct shopstat_spec_pair {
    size_t a, b;
    shopstat_pos pos;
} shopstat_spec_pair;

#define SHOPSTAT_SPEC_REST ((size_t)-1)
#define SHOPSTAT_SPEC_PREV ((size_t)-2)

typedef struct shopstat_spec_table {
    const char *name; /* id: file names and the 'table' column (name: or the question's
                         name, "-2", "-3"... when repeated) */
    shopstat_pos pos;
    size_t question;        /* index into the spec's questions */
    const char *title;      /* NULL = the question's label */
    const size_t *segments; /* nsegments indices into the spec's segments */
    size_t nsegments;
    const shopstat_spec_pair *pairs;
    size_t npairs;
    int chart; /* 1 = draw a chart */
    int chart_given; /* chart: was written (a measure's table draws no levels' chart else) */
    shopstat_chart_type chart_type;
    const shopstat_spec_cond *base; /* base: conditions every row of the table meets */
    size_t nbase;
    const char *base_expr;  /* as written, or NULL */
    const char *base_label; /* base_label:, or NULL */
    shopstat_chart_sort sort; /* levels of bar and diff charts: sort:, else NONE when the
                                 question gives their order (values: or recode:), else ALL */
    /* A grid (grid: [q1, q2, ...], appended): nitems single-choice questions on one scale
     * (the same levels, labels and scores), one row each; question == items[0]. NULL and 0
     * for a table of one question. */
    const size_t *items;
    const shopstat_pos *item_pos;
    size_t nitems;
    int differences; /* differences: true: report.md shows a column per comparison, the
                        difference with its interval and p (a wave's change) */
    /* 1 when the table gives sort: (appended): without it, a question whose answers are a
     * recognised text scale (shopstat_scale_recognise) keeps the scale's order in a bar
     * chart too, as values: would */
    int sort_given;
    /* zoom: true (appended): the chart's value axis fitted to the data, as the CLI's --zoom
     * (a tracker's 55-70% on 50-75%, not on 0-100%) */
    int zoom;
    /* diff_levels: all (appended): a difference chart of a question of two answers draws
     * both levels; 0 (auto): the one that reads as yes alone, the other being its mirror
     * (shopstat_chartset_opts diff_all_levels) */
    int diff_levels_all;
    /* 1 when the table's name: was given (appended); 0: the question's name the spec gave
     * it ("sat", "sat-4"), an id for files, no title's words */
    int name_given;
} shopstat_spec_table;

/* Everything a spec says. All strings and arrays are owned by the spec. */
typedef struct shopstat_spec_info {
    const char *path;   /* the spec file as given */
    const char *survey; /* required: id, default output folder out/<survey> */
    const char *title, *subtitle, *source, *note; /* may be NULL */
    /* units: what a row is, a plural noun ("sites", "stores"), in report.md's, the charts'
     * and the workbook's base lines ("Base: all sites with an answer to the question"); NULL:
     * respondents */
    const char *units;
    const char *data; /* data file, resolved relative to the spec's folder */
    shopstat_pos data_pos;
    shopstat_csv_opts csv; /* missing points into the spec */
    shopstat_design_opts design;
    shopstat_pos design_pos[5]; /* weight, strata, psu, fpc, replicates (0 = absent) */
    shopstat_pos rscales_pos;   /* the replicates' rscales: (0 = absent) */
    shopstat_pos repcols_pos;   /* the replicates' columns: (0 = absent) */
    /* the columns of poststratify: or of rake:'s margins, each at its place in the spec,
     * ncalib of them (0 without either) */
    const char **calib_cols;
    shopstat_pos *calib_pos;
    size_t ncalib;
    shopstat_ci_method ci;
    double level;
    shopstat_adjust_method adjust;
    double alpha, alpha_low;
    const shopstat_spec_question *questions;
    size_t nquestions;
    const shopstat_spec_exclude *excludes; /* exclude:, in order */
    size_t nexcludes;
    const shopstat_spec_segment *segments; /* [0] is 'all' */
    size_t nsegments;
    const shopstat_spec_table *tables;
    size_t ntables;
    /* (appended) decimals: the decimals of every percentage the report shows, 0 or 1
     * (default 1): report.md's shares, bounds and differences in points, the workbook's
     * formats and the charts' value labels alike */
    int decimals;
    /* (appended) chart_size: the page of each chart file (charts/NAME.pdf, .png), in points;
     * 0 x 0 (default, chart_size: fit) = 842 wide and as tall as the chart with its title
     * and footer, laid out as on A4; report.pdf's pages are A4 landscape whatever it says */
    double chart_width, chart_height;
} shopstat_spec_info;

typedef struct shopstat_spec shopstat_spec;

/* Read and check the spec at path. On failure *out is NULL and err holds
 * "path:line:col" and the message (SHOPSTAT_EINPUT for a bad spec, SHOPSTAT_EIO when it
 * cannot be read, SHOPSTAT_ELIMIT when too large). Columns are not checked against the
 * data here: see shopstat_spec_check_columns(). */
shopstat_status shopstat_spec_parse(const char *path, shopstat_spec **out, shopstat_error *err);

/* The same from text in memory; path is used for messages and to resolve data:. */
shopstat_status shopstat_spec_parse_text(const char *path, const char *text, size_t len,
                                         shopstat_spec **out, shopstat_error *err);

/* Borrowed view of the spec, valid until shopstat_spec_free(). */
const shopstat_spec_info *shopstat_spec_get(const shopstat_spec *s);

/* Check every column the spec names against the reader's header; an unknown one is
 * SHOPSTAT_EINPUT at its position in the spec, with the closest header name suggested, and
 * so is a pattern of a multi-response list (an item with * ? or [, unless a column has
 * that name) that matches no column. A multi-response question's values: are checked here
 * when its list holds a pattern or the data have two header rows (header_rows: 2: its
 * levels are then its options' labels), else when the spec is parsed. */
shopstat_status shopstat_spec_check_columns(const shopstat_spec *s, const shopstat_reader *r,
                                            shopstat_error *err);

/* Display label of a question, a level of a question, or a segment (as shopstat_label_fn:
 * ctx is the shopstat_spec); NULL when the spec gives none. */
const char *shopstat_spec_label(void *ctx, const char *question, const char *level,
                                const char *segment);

/* Free the spec and every string of its view (shopstat_spec_get); NULL is a no-op. */
void shopstat_spec_free(shopstat_spec *s);

/* The candidate closest to word by edit distance, or NULL if none is within a third of its
 * length (at least 1 edit): for "did you mean" hints. */
const char *shopstat_closest(const char *word, const char *const *cands, size_t n);

#ifdef __cplusplus
}
#endif
#endif
