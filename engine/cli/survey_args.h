/* Command-line options shared by tab, compare and chisq: data, design, questions, segments. */
#ifndef SHOPSTAT_SURVEY_ARGS_H
#define SHOPSTAT_SURVEY_ARGS_H

#include <stddef.h>

#include "cli/opts.h"
#include "shopstat/output.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

enum { FMT_AUTO, FMT_CSV, FMT_JSON, FMT_TABLE };

/* Which command is parsing: some flags belong to one command only. */
enum { ARGS_TAB = 1, ARGS_COMPARE = 2, ARGS_CHISQ = 4, ARGS_SCORE = 8 };

typedef struct survey_args {
    const char *data;
    char rep_note[160];      /* shopstat_rep_note of the design, for ctx->rep_note */
    char *rake;              /* the --rake margins joined by '\n' (design_opts.rake) */
    cli_data_opts data_opts; /* --delimiter ... --missing, --weight --strata --psu --fpc */
    shopstat_plan *plan;
    shopstat_tab_opts tab;
    int format;
    const char *output;    /* -o FILE, NULL = stdout */
    long width;            /* --width N: the text view's line width; -1 not given */
    /* compare */
    shopstat_adjust_method adjust;
    double alpha;          /* upper-case letters */
    double alpha_low;      /* lower-case letters */
    size_t npairs;
    /* chisq */
    const char *chisq_by;
    /* charts */
    const char *chart, *chart_size, *chart_type, *title, *subtitle, *source, *sort;
    const char *chart_dpi; /* --chart-dpi: a PNG's pixels per inch (NULL: 144) */
    const char *chart_decimals; /* --chart-decimals: a percentage chart's decimals, 0 or 1
                                   (NULL: 1, as the table view and a report's decimals:) */
    int zoom;
    size_t nquestions;
    char *base; /* the --base conditions as given, joined by " and "; NULL */
    const char *by[2]; /* the first two --by columns as given; nby of them in all */
    size_t nby;
    const char **segments; /* the --segment values as given (argv's), nsegments of them */
    size_t nsegments;
    const char **levels; /* the --levels values as given (argv's), nlevels of them */
    size_t nlevels;
    size_t *nlisted;     /* per --levels: how many levels it lists (after survey_args_parse) */
    const char **labels; /* the --labels values as given (argv's), nlabels of them */
    size_t nlabels;
    char **label_q, **label_code, **label_text; /* parsed --labels items (malloc'd) */
    size_t nlabel_items;
    const char *codebook;   /* --codebook FILE (argv's), or NULL */
    size_t codebook_first;  /* label items from codebook_first on are the codebook's */
    const char **scores; /* the --score values as given (argv's), nscores of them */
    size_t nscores;
    const char **vars; /* the --var values (argv's), nvars of them */
    size_t nvars;
    const char **codes; /* the --multi-codes values NAME=COLUMN (argv's), ncodes of them */
    size_t ncodes;
    const char **none_in_base; /* the --none-in-base questions (argv's), nnone_in_base */
    size_t nnone_in_base;
    int fpc_fractions; /* after survey_args_run: --fpc held sampling fractions (the note) */
} survey_args;

/* Parse argv (argv[0] is the command name). Prints a usage error and returns 2 on bad
 * arguments; returns 0 on success. */
int survey_args_parse(survey_args *a, int argc, char **argv, int command);
void survey_args_free(survey_args *a);

/* The line width of the text view (cli_view_width: --width, $COLUMNS, the terminal's). */
size_t survey_args_width(const survey_args *a);

/* Open the data file, run the pass; on failure print the error and return its exit code. */
int survey_args_run(survey_args *a, shopstat_totals **out);

/* The conditions of --segment NAME=CONDITIONS as given ("spend_6m:4"), or NULL when
 * name is no --segment's (a --by value, all). */
const char *survey_args_segment_given(const survey_args *a, const char *name);

/* Warn that segment name has no rows in any base, and what follows (the rest of the
 * sentence); for a --segment, its conditions as given and where to see the column's
 * values: a value that matches nothing (spend_6m:4 where the codes are 1-3) looks so. */
void survey_args_warn_empty(const survey_args *a, const char *name, const char *then);

/* Warn that segment name's design df is 0 for the n questions qs (none: no warning): its
 * `what` there ("estimates", "scores") are printed without an interval, and why. */
void survey_args_warn_df0(const shopstat_totals *t, const char *name, const char *const *qs,
                          size_t n, const char *what);

/* Warn that in segment name the replicate estimates of the n questions qs are undefined
 * (SHOPSTAT_NO_INTERVAL_REP_UNDEFINED: a replicate's weights of the base cancel), so they
 * are printed without SE or interval (none: no warning). */
void survey_args_warn_rep_undefined(const char *name, const char *const *qs, size_t n);

/* Show each level by its label in the estimates and differences the CLI prints and draws:
 * --labels Q:CODE=LABEL's, else shopstat_totals_level_label's (a ticked column's text,
 * "Email" for contact_1). */
void survey_args_label_levels(const survey_args *a, const shopstat_totals *t, shopstat_estimate *e,
                              size_t n);
void survey_args_label_differences(const survey_args *a, const shopstat_totals *t,
                                   shopstat_difference *d, size_t n);

/* How the command line shows segment name: a --by value "COL=VALUE" (a --pair's side
 * COL=VALUE too) by its label when --labels COL:VALUE=LABEL or the codebook's COL labels
 * VALUE ("Spring 2026" for wave=1), unless another segment of t would then read the same
 * (its name, or its own label); else NULL (shown as it is). */
const char *survey_args_segment_label(const survey_args *a, const shopstat_totals *t,
                                      const char *name);

/* Show the segments of e[0..n) (and of d[0..nd), sd[0..nsd), se[0..nse): the sides of the
 * differences, the scores') by survey_args_segment_label, for the table view and the charts; csv
 * and json keep their names. */
void survey_args_label_segments(const survey_args *a, const shopstat_totals *t,
                                shopstat_estimate *e, size_t n, shopstat_difference *d, size_t nd,
                                shopstat_difference *sd, size_t nsd, shopstat_score_estimate *se,
                                size_t nse);

/* Fill a context for the writers. */
void survey_args_context(const survey_args *a, const shopstat_totals *t,
                         shopstat_tab_context *ctx);

#endif
