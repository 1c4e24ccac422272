/* Writers for result tables: CSV (exact columns), JSON and an aligned text table. */
#ifndef SHOPSTAT_OUTPUT_H
#define SHOPSTAT_OUTPUT_H

#include <stdio.h>

#include "shopstat/compare.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shortest decimal text that reads back as exactly x (at most 17 significant
 * digits); "" for NaN, "Inf"/"-Inf" for infinities. buf needs 32 bytes. */
char *shopstat_format_double(double x, char *buf, size_t n);

/* A difference as the text views give it (compare's table view, report.md's differences
 * column): "+4.7 [+0.8, +8.5] p = 0.035", "p < 0.001": percentage points, or with sest (the
 * score's estimate, for its scale) a score's difference in its own units. p is the
 * adjusted p (a score's: its own p). "-" when d is NULL or has no difference (nobody
 * answered), "not tested" under an effective base of 10 on either side (as the letters),
 * "+0.0 (0% on both sides: no test)" for a level at 0% on both sides (a scale point nobody
 * chose; likewise 100%), "+4.7 [df 0]" without an interval or p at df 0 ("[no interval]"
 * at a df above 0: a variance no replicate defines), "+4.7 [no SE]" where replicate weights
 * of a side's base cancel (SHOPSTAT_NO_INTERVAL_REP_UNDEFINED), "+0.0 [+0.0, +0.0]" without
 * a p (a difference of 0 with SE 0, t and p empty); a level's p followed by "+" when one
 * side only is at 0% or 100% (shopstat_difference_side_at_bound). Returns buf. */
char *shopstat_format_difference(const shopstat_difference *d, const shopstat_score_estimate *sest,
                                 char *buf, size_t n);

/* 1 when difference d of a level is tested (a p, an interval, both effective bases 10 or
 * more) and one side only is at 0% or 100%: that side adds no variance (its rows' scores
 * are 0, as in R's svycontrast), so the SE and p are the other side's alone and understate
 * the uncertainty of a small base (0 of 12 sites against 27.5% of 357: p 9e-28, where
 * Fisher's exact test gives 0.02). shopstat_format_difference marks its p so ("p <
 * 0.001+"), and the views that show it say what the mark means. */
int shopstat_difference_side_at_bound(const shopstat_difference *d);

/* shopstat_format_difference shown beside significance letters at levels alpha and
 * alpha_low: its p by shopstat_format_p_alpha, so that it never contradicts them. */
char *shopstat_format_difference_alpha(const shopstat_difference *d,
                                       const shopstat_score_estimate *sest, double alpha,
                                       double alpha_low, char *buf, size_t n);

/* shopstat_format_difference_alpha with a level's difference and bounds in decimals (0 or
 * 1) decimals, a report's decimals: ("+25 [+15, +34] p < 0.001" at 0); a score's keep its
 * scale's. */
char *shopstat_format_difference_dec(const shopstat_difference *d,
                                     const shopstat_score_estimate *sest, int decimals,
                                     double alpha, double alpha_low, char *buf, size_t n);

/* A p-value as the human-facing outputs give it (report.md, report.pdf, the workbook's
 * notes, compare's table view): "p < 0.001" below 0.001, else "p = 0.042" (3 decimals, a
 * decimal point whatever the locale); "p n/a" for NaN. The CSV and JSON keep the full
 * value. Beside significance letters, shopstat_format_p_alpha. Returns buf. */
char *shopstat_format_p(double p, char *buf, size_t n);

/* shopstat_format_p shown beside significance letters (or marks) given below levels alpha
 * and alpha_low (upper and lower case; equal, or alpha_low NaN, for one level; NaN for
 * none): 3 decimals, or as many more (up to 6) as it takes for the printed value, read as a
 * number, to lie on p's side of each level and not on a level p is not: 0.0498 under 0.05
 * prints "p = 0.0498" (not "p = 0.050", which reads as not significant beside the letter),
 * 0.0502 "p = 0.0502" (not "p = 0.050", the same text as the other without a letter).
 * Within 5e-7 of a level, its side: "p < 0.05", "p > 0.05". "p < 0.001" and "p n/a" as
 * shopstat_format_p. A decimal point whatever the locale. Returns buf. */
char *shopstat_format_p_alpha(double p, double alpha, double alpha_low, char *buf, size_t n);

/* x rounded to decimals (0 to 6) with its whole part in groups of three digits separated by
 * ',' ("12,345", "1,234.5", "-1,000", "999"), for the counts and bases of the human-facing
 * outputs (report.md, report.pdf, charts); never for CSV or JSON. A decimal point whatever
 * the locale; "n/a" for NaN or an infinity. Returns buf (cut to n bytes). */
char *shopstat_format_grouped(double x, int decimals, char *buf, size_t n);

/* The one sentence every text view gives on the p-value adjustment, its method and its
 * family: "P values are adjusted by Holm's method within each family: the levels of one
 * question in one pair, a yes/no question's two levels counting as one test." (unit: the
 * view's word for a comparison, "pair" or "comparison"; scores: add "; a score's
 * difference is a test of its own, not adjusted"); with SHOPSTAT_ADJUST_NONE "P values are
 * not adjusted for multiple comparisons." One line: the view wraps it. Returns buf (cut to
 * n bytes). */
char *shopstat_adjust_sentence(shopstat_adjust_method m, const char *unit, int scores, char *buf,
                               size_t n);

/* Flags of shopstat_format_fixed. */
enum {
    SHOPSTAT_FIXED_SIGN = 1, /* "+" before a positive value ("+4.7"); a zero has none: an
                                exact 0, or 0.04 at one decimal, "0.0" */
    SHOPSTAT_FIXED_SIDE = 2  /* a value that rounds to 0 keeps its side with up to two more
                                decimals ("-0.03"), as a difference's bound must */
};

/* x with decimals (0 to 9) decimals for a human-facing view (a percentage, points, a
 * bound), never "-0.0": a negative x that rounds to 0 (a Wald bound of -0.0004 as a
 * percentage) prints "0.0", with SHOPSTAT_FIXED_SIDE after up to two more decimals failed
 * to show it below 0 (-0.03 prints "-0.03", -0.00004 "0.0"). flags: SHOPSTAT_FIXED_*.
 * "n/a" for NaN. A decimal point whatever the locale. Returns buf (cut to n bytes). */
char *shopstat_format_fixed(double x, int decimals, int flags, char *buf, size_t n);

/* Write s as one CSV field (quoted when it holds , " CR LF or leading/trailing space). */
void shopstat_csv_field(FILE *f, const char *s);

/* Write s as a JSON string literal, quotes included. */
void shopstat_json_string(FILE *f, const char *s);

/* JSON helpers: s as a string literal, or null when s is NULL; x in round-trip form, or
 * null when it is NaN or infinite (JSON has no such numbers). */
void shopstat_json_opt_string(FILE *f, const char *s);
void shopstat_json_number(FILE *f, double x);

/* The table writers below return SHOPSTAT_OK, SHOPSTAT_ENOMEM (an allocation failed: the
 * output is incomplete), or SHOPSTAT_EIO when f's error flag is set once they are done
 * (a write failed, in this call or an earlier one on f); err may be NULL. On failure the
 * output is partial: abort it (shopstat_outfile_abort) rather than commit it. */

/* The `tab` CSV: header "variable,level,segment,base_n,base_weight,count,proportion,se,
 * ci_lower,ci_upper,df,deff,eff_base" then one line per estimate. If table is not NULL
 * a first column "table" holding it is added (header included when header is 1). */
shopstat_status shopstat_write_tab_csv(FILE *f, const shopstat_estimate *e, size_t n,
                                       const char *table, int header, shopstat_error *err);

/* The `compare` CSV: header "variable,level,segment_a,segment_b,estimate_a,estimate_b,
 * difference,se,ci_lower,ci_upper,df,t,p_value,p_adjusted" then one line per difference;
 * table and header as for shopstat_write_tab_csv. */
shopstat_status shopstat_write_compare_csv(FILE *f, const shopstat_difference *d, size_t n,
                                           const char *table, int header, shopstat_error *err);

/* The `score` CSV: header "variable,score,segment,base_n,base_weight,estimate,se,ci_lower,
 * ci_upper,df,deff,eff_base" then one line per score estimate (statistics empty when the
 * base has no rows); table and header as for shopstat_write_tab_csv (report's scores.csv). */
shopstat_status shopstat_write_score_csv(FILE *f, const shopstat_score_estimate *e, size_t n,
                                         const char *table, int header, shopstat_error *err);

/* Context shown in the JSON header and the text table's notes. */
typedef struct shopstat_tab_context {
    const char *data;        /* data file */
    const char *weight, *strata, *psu, *fpc; /* NULL when absent */
    int fpc_fractions; /* fpc holds sampling fractions (else population sizes) */
    const char *lonely;
    const char *ci;          /* canonical CI method name */
    double level;
    size_t rows_read, rows_used, rows_excluded;
    size_t rows_skipped, rows_empty; /* the reasons: rows_excluded is their sum */
    const char *base;         /* --base conditions as given ("COL:V and ..."), NULL if none */
    size_t rows_outside_base; /* of the used rows, those outside the base */
    size_t nstrata, npsu;
    double df;
    /* replicate-weight designs: NULL / 0 for Taylor (then not printed) */
    const char *repweights, *reptype;
    const char *rep_note; /* shopstat_rep_note's line; NULL: the footer names the type */
    size_t replicates;
    double rho; /* fay's rho (the JSON's "rho"); NaN for the other types (null) */
    int mse;    /* variances about the full-sample estimate (--mse, or sdr's default) */
    /* multi-response questions whose base holds the rows ticking none
     * (shopstat_plan_set_none_in_base): the text views say so below the base line */
    const char *const *none_in_base;
    size_t nnone_in_base;
    /* the totals the view shows, for each question's base (shopstat_write_base_lines); NULL:
     * every base is "rows ... that answered" and the none_in_base lines follow */
    const shopstat_totals *totals;
    /* post-stratification (design_opts.poststratify): its columns, NULL without */
    const char *poststratify;
    /* raking (design_opts.rake): its margins, NULL without */
    const char *rake;
    /* the text view's line width (shopstat_textgrid_write, shopstat_write_wrapped): 0, no
     * limit (one line a row, as before the width) */
    size_t width;
} shopstat_tab_context;

/* ctx filled for the totals t a view shows (every field set; none is left to a zeroed
 * struct): data (shopstat_totals_path), the design's column names and lonely-PSU rule
 * (shopstat_totals_design), fpc_fractions, ci and level of o (NULL: shopstat_tab_opts_init's
 * defaults), the row accounting with its reasons, strata, PSUs and df, the replicate design
 * (repweights, reptype, replicates, rho for fay, mse as the type's default or the design's)
 * and totals = t. What the totals do not know stays NULL for the caller to set: base (the
 * --base conditions as given), rep_note (shopstat_rep_note) and none_in_base. Strings are
 * borrowed from t and its plan. ctx and t must not be NULL. */
void shopstat_tab_context_init(shopstat_tab_context *ctx, const shopstat_totals *t,
                               const shopstat_tab_opts *o);

/* A text view's base lines, from "Base: " on: "Base: rows of the segment [meeting B] that
 * answered." when every question's base is made alike ("ticking at least one option" for
 * --multi-ticked questions, "holding at least one code" for --multi-codes ones, "every row
 * of the segment [meeting B]; a row ticking none counts as none." for a none-in-base one, as
 * the report words them); else that line for the questions answered, and one "Base of Q:
 * ..." line for each other question (ctx->totals's questions; unit: the view's word for a
 * column of the table, "segment" or "column"). */
void shopstat_write_base_lines(FILE *f, const shopstat_tab_context *ctx, const char *unit);

/* The columns text s takes in a text view: a UTF-8 character's display columns as the C
 * library's wcwidth gives them under C.UTF-8 whatever the program's locale ("Beauté" 6, a
 * CJK character 2, a combining accent 0; one a character where the system has no C.UTF-8),
 * and a control character as shopstat_put_text writes it (\n, \r, \t: 2; others \xHH: 4);
 * and s written so, that a level holding a line break (a comment's "line one\r\nline two")
 * keeps its table's rows and columns in place. */
size_t shopstat_text_width(const char *s);
void shopstat_put_text(FILE *f, const char *s);

/* A text view's table: a label column (the question, then each row's label), and ncol
 * columns of right-aligned cells, as tab, score and compare print them.
 * shopstat_textgrid_write lays it out: with no width (0), one line a row and each column
 * headed by its full name (the view every script has read); within a width, the columns
 * that do not fit beside the labels go on in the next block, each block with the row
 * labels (and every row: the base) again; a column's group (a --by column: "secteur") is
 * one line over its columns, each headed by its short name ("Beauté & santé", not
 * "secteur=Beauté & santé"); a name wider than its cells goes on two lines when the view
 * does not fit on one block, and is cut ("...") past the room beside the labels, as is a
 * label past half the width (the question's name, the label column's header, goes whole
 * on a line of its own over each block then); cells are never cut: a cell wider than the room runs past
 * the width, alone in its block. Widths are display columns (shopstat_text_width).
 * Strings are copied. _new returns NULL out of memory; a later allocation that fails makes
 * _write return SHOPSTAT_ENOMEM; _free(NULL) is a no-op. */
typedef struct shopstat_textgrid shopstat_textgrid;
/* corner: the label column's header (NULL: none); label_min: its least width */
shopstat_textgrid *shopstat_textgrid_new(size_t ncol, const char *corner, size_t label_min);
void shopstat_textgrid_free(shopstat_textgrid *g);
/* Column c's name (as the unwrapped view heads it), and under a width its group (NULL: no
 * group line over it) and the name it is headed by there (NULL: name). */
void shopstat_textgrid_head(shopstat_textgrid *g, size_t c, const char *name, const char *group,
                            const char *short_name);
/* Column c at least w columns wide. */
void shopstat_textgrid_min_width(shopstat_textgrid *g, size_t c, size_t w);
/* A new row, labelled label; header: a header line (compare's letters), else a body row.
 * Its cells follow, by column (a cell not set is empty). */
void shopstat_textgrid_row(shopstat_textgrid *g, const char *label, int header);
void shopstat_textgrid_cell(shopstat_textgrid *g, size_t c, const char *text);
shopstat_status shopstat_textgrid_write(FILE *f, const shopstat_textgrid *g, size_t width,
                                        shopstat_error *err);

/* text[0..len) written to f with each line wrapped at spaces to width display columns, a
 * line's continuations indented by two; a word wider than the width stays whole on its
 * line. width 0: written as it is. */
void shopstat_write_wrapped(FILE *f, const char *text, size_t len, size_t width);

/* text[0..len) written to f with each line wider than width display columns wrapped at
 * spaces, its continuations indented two past the line's own leading spaces (describe's
 * notes: "  delai_h: numbers but..." goes on at four); a word opening a quote closed on the
 * line ('site:TOTAL', "Q5 / Phone") is kept whole, as is a word wider than the room; lines
 * within the width, and a shell command's lines (a line ending in a backslash, and the line
 * after one: the caller wrapped them), are written as they are. width 0: written as it is. */
void shopstat_write_hanging(FILE *f, const char *text, size_t len, size_t width);

/* A text view's notes wrapped at a width: shopstat_notes_begin returns the stream to write
 * them to (out itself with no width, or when memory for them is lacking: then unwrapped),
 * shopstat_notes_end writes them to out wrapped (shopstat_write_wrapped) and returns
 * SHOPSTAT_EIO if out reported a write error. */
typedef struct shopstat_notes {
    FILE *out, *mem;
    char *buf;
    size_t len, width;
} shopstat_notes;
FILE *shopstat_notes_begin(shopstat_notes *n, FILE *out, size_t width);
shopstat_status shopstat_notes_end(shopstat_notes *n, shopstat_error *err);

/* The group and short name a text view heads column s of t with under a width: s's --by
 * column ("secteur") and its value as shown ("Beauté & santé" of "secteur=Beauté &
 * santé"; a label as it is); *group NULL for 'all', a --segment or a report's set. */
void shopstat_segment_head(const shopstat_totals *t, size_t s, const char *shown,
                           const char **group, const char **short_name);

/* One line per --by column of ctx->totals whose values leave rows out of every one of its
 * segments (the column missing there, blank or a --missing code), below a text view's base
 * line: "Rows with no region are in all only, in no region= column (2 of the 6 answering
 * q)." The counts are all's base less the sum of the column's segments' (e: the estimates
 * shown, n of them, 'all' among them; the first level of each question read). Nothing when
 * no row is left out, or 'all' is not shown. */
void shopstat_write_by_missing_lines(FILE *f, const shopstat_tab_context *ctx,
                                     const shopstat_estimate *e, size_t n);

/* One line per question of ctx->none_in_base below a text view's base line: "Base of Q8:
 * every row of the segment [meeting B]; a row ticking none counts as none." (unit: the
 * view's word for a column of the table, "segment" or "column"). */
void shopstat_write_none_in_base_lines(FILE *f, const shopstat_tab_context *ctx, const char *unit);

/* The members "design", "options" and "rows" of the JSON documents of tab and score (each
 * line indented by two spaces, a comma and a newline after the last), from ctx. */
void shopstat_write_context_json(FILE *f, const shopstat_tab_context *ctx);

/* The `tab --format json` document: the context (ctx: data, design, CI, row accounting)
 * and one object per estimate with the CSV's fields (NaN as null), ci_fallback and
 * low_base. */
shopstat_status shopstat_write_tab_json(FILE *f, const shopstat_estimate *e, size_t n,
                                        const shopstat_tab_context *ctx, shopstat_error *err);

/* The `compare --format json` document: "options" (o's adjust and level, o NULL for
 * shopstat_compare_opts_init's defaults; the family; ctx->base when set), "rows" (ctx's
 * accounting, as tab's) and one object per difference with the CSV's fields, eff_base_a and
 * eff_base_b (NaN as null) and ci_fallback: null, or why se and the interval are null (a
 * design df of 0, with shopstat_totals_df0_reason(ctx->totals) when totals is set; replicate
 * estimates undefined; a variance below 0). Returns as the CSV writers do. */
shopstat_status shopstat_write_compare_json(FILE *f, const shopstat_difference *d, size_t n,
                                            const shopstat_tab_context *ctx,
                                            const shopstat_compare_opts *o, shopstat_error *err);

/* The `score --format json` document: the context, then one object per score estimate with
 * the CSV's fields (NaN as null), the scale's ends min and max, and low_base. */
shopstat_status shopstat_write_score_json(FILE *f, const shopstat_score_estimate *e, size_t n,
                                          const shopstat_tab_context *ctx, shopstat_error *err);

/* The columns (segments) of a view that show an estimate without an interval because its
 * design df is 0 (no_interval), for its note: names borrowed, each once, in order. */
#define SHOPSTAT_DF0_NAMES 16
typedef struct shopstat_df0_names {
    const char *names[SHOPSTAT_DF0_NAMES];
    size_t n;
    int more; /* names past the first SHOPSTAT_DF0_NAMES */
} shopstat_df0_names;
void shopstat_df0_names_init(shopstat_df0_names *d);
void shopstat_df0_add(shopstat_df0_names *d, const char *name);
/* "No interval for one, x: design df 0 (the rows lie within one PSU per stratum)." (the
 * reason shopstat_totals_df0_reason(t)'s; t may be NULL), or "" when d is empty; buf is
 * n bytes, cut to fit. */
void shopstat_df0_note(const shopstat_df0_names *d, const shopstat_totals *t, char *buf, size_t n);
/* "No SE or interval for one, x: the weights of the base sum to 0 in some replicate (they
 * cancel), so its replicate estimates are undefined." for the columns whose estimates are
 * SHOPSTAT_NO_INTERVAL_REP_UNDEFINED, or "" when d is empty; buf is n bytes, cut to fit. */
void shopstat_rep_undefined_note(const shopstat_df0_names *d, char *buf, size_t n);
/* compare's warning and the report's note of one pair's differences whose replicate
 * estimates are undefined (no_interval SHOPSTAT_NO_INTERVAL_REP_UNDEFINED: a side's replicate
 * weights of the base cancel): "pair 'A' - 'B': in y (levels 0, 1; score mean), z (levels x)
 * the weights of a side's base sum to 0 in some replicate (the replicate weights cancel), so
 * their replicate differences are undefined: no SE, interval, t or p (left empty, out of the
 * adjustment)". lv holds nlv level differences and sc nsc score differences (either may be
 * NULL when its count is 0); the pair is the rows whose segment_a and segment_b equal a and
 * b, questions (by variable) in order of first appearance, levels then scores. Returns how
 * many of its differences are undefined; buf (n bytes, cut to fit) is "" when none is. */
size_t shopstat_rep_undefined_pair_note(const shopstat_difference *lv, size_t nlv,
                                        const shopstat_difference *sc, size_t nsc, const char *a,
                                        const char *b, char *buf, size_t n);

/* Aligned text table, one block per question: rows = levels, columns = segments,
 * each cell "69.0% [65.8, 72.0]"; bases below; eff_base < 30 marked with '*' and
 * intervals from the p = 0 or 1 fallback with '+', each explained in a footnote; an
 * estimate without interval (design df 0) "50.0% [df 0]", the segments named in a
 * "[df 0] No interval for ..." footnote. */
shopstat_status shopstat_write_tab_table(FILE *f, const shopstat_estimate *e, size_t n,
                                         const shopstat_tab_context *ctx, shopstat_error *err);

/* The rows of t's pass read but not used, as a chart's footer says them beside its base
 * (shopstat_chart_opts rows_note): "113 of the 3,000 rows read are left out (speeders: 100;
 * duplicates of record: 13)." with each reason that took a row, in the accounting's order:
 * rows skipped after the header, rows of empty fields, then each exclusion (a condition's
 * and a dedupe's reason). cli: in the command line's words, as its row accounting line
 * ("3 skipped by --skip-rows", "2 empty rows", "100 by --exclude speeder:1", "13 by
 * --dedupe record"); else the report's ("skip_rows: 3", "empty rows: 2", "REASON: 100"). "" when
 * every row read was used. Returns buf (cut to n bytes). t must not be NULL. */
char *shopstat_rows_left_out_note(const shopstat_totals *t, int cli, char *buf, size_t n);

/* The row accounting line of the text views: "Rows: R read, U used, E excluded (skipped
 * by --skip-rows); K of the used rows are outside --base B." and a newline; the reasons
 * ("skipped by --skip-rows", "empty rows", or "S skipped by --skip-rows, M empty rows") and
 * the base part only when there is something to say. Reads ctx's rows_* and base. */
shopstat_status shopstat_write_rows_line(FILE *f, const shopstat_tab_context *ctx,
                                         shopstat_error *err);

/* The JSON members of the row accounting after "excluded": ', "excluded_by_reason":
 * {"skip_rows": S, "empty_rows": M}' (as report's run.json). */
void shopstat_write_rows_reasons_json(FILE *f, const shopstat_tab_context *ctx);

/* A chart footer's design line: "Weighted by wt; strata region, PSUs panel, population
 * sizes N_h; lonely PSUs: adjust." (the parts given: weight, replicate weights, strata,
 * PSUs, the fpc as population sizes or, with fpc_fractions, as sampling fractions, and the
 * lonely-PSU rule when not the default fail), so that a reader sees the intervals are
 * design-based. Empty when the design has none of them (then no line). Truncated to n
 * bytes. fpc_fractions: shopstat_totals_fpc_fractions() of the pass. */
void shopstat_design_note(const shopstat_design_opts *d, int fpc_fractions, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
