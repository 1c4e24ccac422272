/* Plans (questions, segments, design), the one streaming pass, and weighted proportions. */
#ifndef SHOPSTAT_TAB_H
#define SHOPSTAT_TAB_H

#include <stddef.h>

#include "shopstat/ci.h"
#include "shopstat/design.h"
#include "shopstat/error.h"
#include "shopstat/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum shopstat_question_kind {
    SHOPSTAT_Q_SINGLE, /* one column; each distinct non-missing value is a level */
    SHOPSTAT_Q_MULTI,  /* several 0/1 columns; the level is the column name */
    SHOPSTAT_Q_CODES   /* one column holding codes separated by ';' or ',' (or one
                          separator: shopstat_plan_set_codes_sep) */
} shopstat_question_kind;

/* Comparison operator of a segment condition. */
typedef enum shopstat_op {
    SHOPSTAT_OP_IN, /* value equals one of the listed values (numerically when both parse) */
    SHOPSTAT_OP_NOT_IN,
    SHOPSTAT_OP_GT,
    SHOPSTAT_OP_GE,
    SHOPSTAT_OP_LT,
    SHOPSTAT_OP_LE
} shopstat_op;

/* One condition "column op value(s)". A row whose column is missing never matches. */
typedef struct shopstat_cond {
    const char *column;
    shopstat_op op;
    const char *const *values; /* NULL-terminated; one value for the ordering operators */
} shopstat_cond;

/* What to compute in one pass. Opaque; build with the calls below. */
typedef struct shopstat_plan shopstat_plan;

/* An empty plan: no questions, the segment 'all', an unweighted design without strata or
 * PSUs. NULL if out of memory. Columns are looked up when the pass starts
 * (shopstat_totals_compute), not here: a plan can be built before the file is opened. */
shopstat_plan *shopstat_plan_new(void);
/* Frees the plan. Totals computed from it borrow it (see shopstat_totals_compute): free
 * them first. p may be NULL. */
void shopstat_plan_free(shopstat_plan *p);

/* The plan copies everything it is given. SHOPSTAT_EUSAGE for a lonely-PSU rule or replicate
 * type outside its enum (the other fields are checked by the pass). */
shopstat_status shopstat_plan_set_design(shopstat_plan *p, const shopstat_design_opts *d,
                                         shopstat_error *err);

/* Questions; name is the output's 'variable'. Return SHOPSTAT_EUSAGE on duplicates, or
 * SHOPSTAT_ENOMEM. A column that is not in the file is SHOPSTAT_EUSAGE from the pass, with
 * the closest header name; its message names the question's kind ("question column 'x'
 * not found", "multi-response column 'x' ..."), where the program says its flag. */
shopstat_status shopstat_plan_add_single(shopstat_plan *p, const char *name, const char *column,
                                         shopstat_error *err);
/* A multi-response question's column list may hold patterns: an item with '*', '?' or
 * '[' that is no column's name stands, when the pass starts, for every column whose name it
 * matches (libc fnmatch, no flags), in file order; one that matches none is SHOPSTAT_EUSAGE
 * from the pass ("... column pattern 'x' matches no column (did you mean 'y'?)"), and so is
 * a column taken twice. Its levels are the columns' names or, from a file read with two
 * header rows, the options' labels (shopstat_reader_collabel) when they are distinct. */
shopstat_status shopstat_plan_add_multi(shopstat_plan *p, const char *name,
                                        const char *const *columns, size_t ncolumns,
                                        shopstat_error *err);
/* A multi-response question as exported by Qualtrics or SurveyMonkey: a cell is ticked
 * when it holds 1 or a text (the option's label; one text per column), not ticked when it
 * is blank, 0 or a missing code. Rows that tick none of the columns did not answer: they
 * are not in the question's base. */
shopstat_status shopstat_plan_add_multi_ticked(shopstat_plan *p, const char *name,
                                               const char *const *columns, size_t ncolumns,
                                               shopstat_error *err);
shopstat_status shopstat_plan_add_codes(shopstat_plan *p, const char *name, const char *column,
                                        shopstat_error *err);
/* Put the rows of the base that tick none of a multi-response question's options into its
 * base, as having ticked nothing, so that its proportions are shares of every row of the
 * base (the question was shown to all): for a ticked question a row ticking no column, for
 * a codes question a row whose cell holds no code (blank or a missing code), for a 0/1
 * question a row whose every column is missing (a row answering some columns and leaving
 * others blank stays out). Without it those rows are not in the question's base (SPSS's
 * default for multiple-response sets). SHOPSTAT_EUSAGE for an unknown question or a
 * single-choice one. */
shopstat_status shopstat_plan_set_none_in_base(shopstat_plan *p, const char *question,
                                               shopstat_error *err);
/* The one character that separates a codes question's codes in its cells, for labels that
 * hold a ',' ("Late, damaged or missing delivery; Wrong item": sep ';'). 0 (the default)
 * splits at both ';' and ','. Pieces are trimmed of spaces and tabs either way, so the
 * separator is a printable ASCII character other than a space, a letter, a digit or '"'.
 * question NULL: every codes question of the plan, those added later too. SHOPSTAT_EUSAGE
 * for such a character, an unknown question or one that is not a codes question. */
shopstat_status shopstat_plan_set_codes_sep(shopstat_plan *p, const char *question, char sep,
                                            shopstat_error *err);
/* sep checked as shopstat_plan_set_codes_sep does: 1 when it may separate codes. */
int shopstat_codes_sep_ok(char sep);

/* Recode a single-choice question: a source value matching `match` ("4,5", "1-3", "3",
 * or ">=2000", "<500") becomes level `level`; values matching nothing are missing.
 * Rules are tried in the order given. */
shopstat_status shopstat_plan_add_recode(shopstat_plan *p, const char *question,
                                         const char *match, const char *level,
                                         shopstat_error *err);

/* Declare a level of a single-choice or codes question before the pass (a spec's value
 * labels): it is listed even when no row holds it (with proportion 0), as R lists every
 * level of a factor; a level declared again is listed once. Multi-response levels are their
 * columns: declaring one for such a question is SHOPSTAT_EUSAGE. */
shopstat_status shopstat_plan_declare_level(shopstat_plan *p, const char *question,
                                            const char *level, shopstat_error *err);

/* CLI syntax parsers: "NAME=COL1,COL2,..." (--multi, --multi-ticked), "NAME=COL" (--multi-codes),
 * "NAME=COL:V1,V2" or "NAME=COL:>=X" (--segment). */
shopstat_status shopstat_plan_parse_multi(shopstat_plan *p, const char *spec, shopstat_error *err);
shopstat_status shopstat_plan_parse_multi_ticked(shopstat_plan *p, const char *spec,
                                                 shopstat_error *err);
shopstat_status shopstat_plan_parse_codes(shopstat_plan *p, const char *spec, shopstat_error *err);
shopstat_status shopstat_plan_parse_segment(shopstat_plan *p, const char *spec,
                                            shopstat_error *err);

/* Segments. 'all' (every row) is always the first segment. A fixed segment is the
 * conjunction of its conditions; a --by segment set holds one segment per distinct
 * non-missing value of the column, named "COL=VALUE", in level order. Segments are
 * reported in the order added. */
shopstat_status shopstat_plan_add_segment(shopstat_plan *p, const char *name,
                                          const shopstat_cond *conds, size_t nconds,
                                          shopstat_error *err);
shopstat_status shopstat_plan_add_by(shopstat_plan *p, const char *column, shopstat_error *err);
/* A --by segment set restricted to the rows that meet every condition (a report table's
 * base): one segment per distinct non-missing value of the column among those rows, named
 * "COL=VALUE@TAG". A column may have one set per tag besides its plain --by set; tag NULL
 * (and no conditions) is shopstat_plan_add_by. */
shopstat_status shopstat_plan_add_by_where(shopstat_plan *p, const char *column, const char *tag,
                                           const shopstat_cond *conds, size_t nconds,
                                           shopstat_error *err);

/* The base of every table (R's subset()): a row that fails a base condition is in no
 * segment, 'all' included, but stays in the design (its PSU and stratum count, as in R's
 * domain estimation). Conditions add up (and). parse takes the --base syntax,
 * "COL:V1[,V2]" or "COL:>=X" (also >, <, <=, !=). */
shopstat_status shopstat_plan_add_base(shopstat_plan *p, const shopstat_cond *cond,
                                       shopstat_error *err);
shopstat_status shopstat_plan_parse_base(shopstat_plan *p, const char *spec, shopstat_error *err);

/* Rows to leave out of the whole run (--exclude; a spec's exclude:): a row meeting every
 * one of the nconds conditions is not in the data at all, as if the file did not hold it:
 * not in the design (its PSU and stratum exist only through other rows: R drops the rows
 * before svydesign(), unlike --base's subset()), not in levels or --by values. It is
 * counted as excluded under `reason` (copied), under the first exclusion it meets when it
 * meets several. A row whose column is missing (blank, NA, a --missing code) does not meet
 * a condition, unless the condition lists that missing value ("COL:NA" takes every missing
 * value of COL, "COL:99" the code 99). A column not in the file is SHOPSTAT_EUSAGE from the
 * pass; so is an exclusion that leaves no row (shopstat_error_no_rows names it).
 * parse takes the --base syntax, its text the reason. */
shopstat_status shopstat_plan_add_exclude(shopstat_plan *p, const shopstat_cond *conds,
                                          size_t nconds, const char *reason, shopstat_error *err);
shopstat_status shopstat_plan_parse_exclude(shopstat_plan *p, const char *spec,
                                            shopstat_error *err);

/* Rows whose `column` holds a value an earlier row holds (a respondent exported twice, his
 * id repeated: R's d[!duplicated(d$id), ] before svydesign()) are left out of the whole run
 * as an exclusion's are, the first of each value kept, counted under `reason` (copied) in
 * the order of the exclusions: the earlier rows are those the exclusions added before it
 * left in. A missing value (blank, NA, a --missing code) is no id: never a duplicate. The
 * pass then reads the rows in file order, on one thread. A column not in the file is
 * SHOPSTAT_EUSAGE from the pass. */
shopstat_status shopstat_plan_add_dedupe(shopstat_plan *p, const char *column, const char *reason,
                                         shopstat_error *err);

/* Declare that segments a and b will be compared (names as reported, "rest" allowed
 * for b). Needed before the pass when the design has no PSU column. a may also name a
 * --by set (its column, or COL@TAG for a set of shopstat_plan_add_by_where) with b "rest"
 * or "all": after the pass that is one pair per value of the set, in the set's order
 * (COL=VALUE:rest, ...), as if each had been declared. */
shopstat_status shopstat_plan_add_pair(shopstat_plan *p, const char *a, const char *b,
                                       shopstat_error *err);
/* The same within a segment: "rest" is `within` less a, and "all" is `within`. a (every
 * value of a set) must lie within it, as a tagged --by set lies within its conditions;
 * for a report table's base. */
shopstat_status shopstat_plan_add_pair_within(shopstat_plan *p, const char *a, const char *b,
                                              const char *within, shopstat_error *err);
/* The last pair declared is a comparison on the design of segment's rows alone, as R's
 * subset(design, ...) and as `--base` is for a whole run: its df, and the strata its
 * lonely-PSU rules see, are those of segment's rows, whatever they answered (for a report
 * table's base; the segment holds the base's rows). */
shopstat_status shopstat_plan_pair_subset(shopstat_plan *p, const char *segment,
                                          shopstat_error *err);

/* The last pair declared is compared on question `question` (called once for each of its
 * questions): shopstat_compare, shopstat_compare_scores and shopstat_compare_level_set give
 * its differences for those questions only, and a sparse plan (below) keeps the cells they
 * need. A pair given none is compared on every question. SHOPSTAT_EUSAGE without a pair or
 * for an unknown question, SHOPSTAT_ENOMEM. */
shopstat_status shopstat_plan_pair_question(shopstat_plan *p, const char *question,
                                            shopstat_error *err);

/* Declare that `question` is estimated in `segment`: 'all', a segment's name, or a --by
 * set's (its column, or COL@TAG): each of its values. A plan given any such pair is sparse:
 * the pass keeps per-PSU cells only for the pairs declared, for what its pairs need on
 * their questions (both sides, 'all' or `within` for a rest, the subset's rows, an element
 * design's intersection of the two sides) and for 'all' with every question;
 * shopstat_tab_estimates lists only those pairs (the others would have no rows, base 0),
 * and shopstat_score_estimates only those scores. Without any, the plan is dense: every
 * question in every segment, as `shopstat tab` asks for. A report declares each
 * table's question in its columns and base, so that its memory grows with the cells its
 * tables show rather than with every question times every segment. SHOPSTAT_EUSAGE for an
 * unknown question (a segment naming none is SHOPSTAT_EUSAGE from the pass),
 * SHOPSTAT_ENOMEM. */
shopstat_status shopstat_plan_need(shopstat_plan *p, const char *question, const char *segment,
                                   shopstat_error *err);

/* Totals of one pass: per-PSU (or per-stratum) sums for every cell. Opaque. */
typedef struct shopstat_totals shopstat_totals;

/* Run the pass over an open reader (consumes it: shopstat_reader_run is called).
 * The totals borrow the plan p: its question names, segment conditions and design are not
 * copied, so p must outlive *out (free the totals, and the estimates, differences and
 * chi-square results whose strings come from them, before shopstat_plan_free(p)). */
/* On failure *out is NULL and err says why: SHOPSTAT_EUSAGE (a column not found, a pair
 * naming no segment), SHOPSTAT_EINPUT (a bad weight, design value or CSV row, at its
 * line:col), SHOPSTAT_ELIMIT, SHOPSTAT_EIO, SHOPSTAT_ENOMEM. Either way the reader is
 * spent: free it, and open the file again for another pass. */
shopstat_status shopstat_totals_compute(const shopstat_plan *p, shopstat_reader *r,
                                        shopstat_totals **out, shopstat_error *err);
/* NULL is a no-op. */
void shopstat_totals_free(shopstat_totals *t);

/* How the pass runs. Initialise with shopstat_pass_opts_init(). */
typedef struct shopstat_pass_opts {
    int threads;        /* 0 = $SHOPSTAT_THREADS if set, else every online core */
    size_t chunk_bytes; /* bytes per work unit; 0 = $SHOPSTAT_CHUNK_BYTES if set, else
                           at most 8 MiB (32 MiB with replicate weights), their number a
                           multiple of 4 (from the file size and the design only); small
                           values exist for tests */
    /* Progress, for a progress bar: called now and then with the bytes of the file read
     * and the rows done so far, from one thread at a time (not necessarily the caller's);
     * may be NULL. */
    void (*progress)(void *ctx, size_t bytes, size_t rows);
    void *progress_ctx;
    /* Cancellation, for a program that may give up on a long pass (a server whose request
     * was dropped or timed out): asked where progress is reported (after each chunk of
     * about chunk_bytes is merged, every 65,536 rows of the one-thread pass), from one
     * thread at a time (not necessarily the caller's), whether or not progress is set; a
     * nonzero return stops the pass within the chunks being parsed: the call returns
     * SHOPSTAT_ECANCELED ("the pass was canceled"), *out NULL, everything it made freed,
     * the reader spent. It may read a flag another thread sets (an atomic or a
     * sig_atomic_t). May be NULL (the default). Taken by shopstat_totals_compute_opts and
     * shopstat_describe_opts. */
    int (*cancel)(void *ctx);
    void *cancel_ctx;
} shopstat_pass_opts;

/* Fill o with the defaults: threads and chunk_bytes 0 (as above), no progress or cancel
 * callback. o must not be NULL. */
void shopstat_pass_opts_init(shopstat_pass_opts *o);

/* Start the pass's worker threads ahead of it: a program that will run a pass on threads
 * threads (0: as shopstat_pass_opts.threads 0 takes it) calls this first, before reading
 * its arguments and opening the file, and the next pass of any thread takes the workers
 * where it would create them (a thread created when the pass begins starts up to a few ms
 * later on an idle CPU). They spin, keeping their CPUs busy, for at most 50 ms; unclaimed
 * they end. Each serves one pass. Optional: without it every pass creates its threads. */
void shopstat_pass_prestart(int threads);

/* shopstat_totals_compute with options. A regular UTF-8 file (no --skip-rows) is cut
 * into chunks of about chunk_bytes at line ends; threads parse chunks with their own
 * libcsv parsers into private totals (replicate totals included), merged in file order,
 * so the result is the same for any number of threads. Any input error, or a chunk
 * boundary that falls inside a quoted field, makes the pass run again on one thread with
 * shopstat_reader_run, which reports the first error in file order at its line:col.
 * Pipes, converted encodings and --skip-rows always use that path. o may be NULL
 * (defaults). */
shopstat_status shopstat_totals_compute_opts(const shopstat_plan *p, shopstat_reader *r,
                                             const shopstat_pass_opts *o,
                                             shopstat_totals **out, shopstat_error *err);

/* Row accounting of the pass: rows read = used + excluded (by reason: excluded_skipped +
 * excluded_empty + excluded_cond, the last the sum of shopstat_totals_excluded's). */
typedef struct shopstat_accounting {
    size_t read;
    size_t used;
    size_t excluded_skipped; /* --skip-rows */
    size_t outside_base;     /* of the used rows, those failing --base (in no segment) */
    size_t excluded_empty;   /* rows whose every field is empty (Excel's trailing ",,,,") */
    size_t excluded_cond; /* rows left out by the plan's exclusions (shopstat_plan_add_exclude) */
} shopstat_accounting;
shopstat_accounting shopstat_totals_accounting(const shopstat_totals *t);
/* The plan's exclusions: their number, and the k-th's reason (borrowed from the plan) and
 * the rows it left out (a row meeting several counts under the first). */
size_t shopstat_totals_nexcluded(const shopstat_totals *t);
size_t shopstat_totals_excluded(const shopstat_totals *t, size_t k, const char **reason);
/* Whether the plan's k-th exclusion is a shopstat_plan_add_dedupe one. */
int shopstat_totals_excluded_dedupe(const shopstat_totals *t, size_t k);

/* The design the pass used: the plan's (shopstat_plan_set_design), its strings borrowed from
 * the plan; for shopstat_design_note and the writers' context (shopstat_tab_context_init). */
const shopstat_design_opts *shopstat_totals_design(const shopstat_totals *t);
/* The data file's path, as the reader was opened with it; borrowed, valid until t is freed. */
const char *shopstat_totals_path(const shopstat_totals *t);

/* Design summary after the pass. */
size_t shopstat_totals_nstrata(const shopstat_totals *t);
size_t shopstat_totals_npsu(const shopstat_totals *t);   /* rows when there is no PSU column */
/* PSUs (rows without a PSU column) holding a row of positive weight: 0 when every
 * weight is 0, so that nothing can be estimated. */
size_t shopstat_totals_npsu_positive(const shopstat_totals *t);
double shopstat_totals_df(const shopstat_totals *t);     /* whole-sample design df */
/* 1 when --fpc held sampling fractions (every value <= 1, R's svydesign rule), 0 when it
 * held population sizes or there is no --fpc. */
int shopstat_totals_fpc_fractions(const shopstat_totals *t);
/* 1 when --fpc says every stratum was sampled whole (fractions of 1, or population sizes
 * equal to the PSUs sampled: a census), so that every standard error is 0; 0 otherwise or
 * without --fpc. R's svydesign refuses an fpc of 1 in every row (neither all > 1 nor all < 1). */
int shopstat_totals_fpc_census(const shopstat_totals *t);
/* A raked design (design_opts.rake): 0 when the raking stopped at rake_maxit rounds
 * without converging (R warns "Raking did not converge after N iterations"; the estimates
 * are those of the last round), *iterations (may be NULL) then N. 1 otherwise, and for
 * a design not raked. */
int shopstat_totals_rake_converged(const shopstat_totals *t, size_t *iterations);
/* A post-stratified or raked design whose population totals (the population file's,
 * summed; raking: the first margin's) are fewer than the rows used, as a file of shares
 * (summing to 1) or percentages (100) rather than counts: writes a one-line warning into
 * buf (n bytes, cut to fit) and returns 1; 0 otherwise (buf untouched). Such a file is
 * R's too (postStratify and rake take any totals): the proportions and their SEs are
 * those of the counts, but weighted bases and totals are of that small population. */
int shopstat_population_warning(const shopstat_totals *t, char *buf, size_t n);
/* The population totals of a post-stratified or raked design summed (raking: the first
 * margin's), NAN for a design without them: the population its weighted bases add up to
 * (1 for a file of shares). */
double shopstat_population_sum(const shopstat_totals *t);
/* Replicate weights of a replicate-weight design (--repweights), 0 for a Taylor design. */
size_t shopstat_totals_nreplicates(const shopstat_totals *t);

/* Structure after the pass (borrowed strings, valid until the totals are freed; a
 * question's name is the plan's, valid until the plan is freed, which comes later).
 * q < shopstat_totals_nquestions(t), l < shopstat_totals_nlevels(t, q) and
 * s < shopstat_totals_nsegments(t) (display order, as in the estimates): not checked. */
size_t shopstat_totals_nquestions(const shopstat_totals *t);
const char *shopstat_totals_question(const shopstat_totals *t, size_t q);
shopstat_question_kind shopstat_totals_question_kind(const shopstat_totals *t, size_t q);
/* How question q's base is made, for the text views' base lines: a --multi-ticked question
 * (SHOPSTAT_Q_MULTI whose blank cell is not ticked) takes the rows ticking at least one
 * option; a question given to shopstat_plan_set_none_in_base takes every row of the base. */
int shopstat_totals_question_ticked(const shopstat_totals *t, size_t q);
int shopstat_totals_question_none_in_base(const shopstat_totals *t, size_t q);
size_t shopstat_totals_nlevels(const shopstat_totals *t, size_t q);
const char *shopstat_totals_level(const shopstat_totals *t, size_t q, size_t l);
/* The text to show for level l (display order) of question q: for a ticked question
 * (shopstat_plan_add_multi_ticked), the text every ticked cell of the level's column holds
 * ("Email" in contact_1), when no cell ticks it with 1 and no other column of the question
 * holds that text or is named so; else the level itself (the column's name, a code).
 * Borrowed, valid until t is freed. Level strings (shopstat_totals_level, an estimate's
 * level, a spec's values:) stay the columns' names. */
const char *shopstat_totals_level_label(const shopstat_totals *t, size_t q, size_t l);
/* The rows of segment 'all' (the base) that give level l (display order) of question q: 0
 * for a declared level no row holds (a spec's values:, --levels). */
size_t shopstat_totals_level_rows(const shopstat_totals *t, size_t q, size_t l);
/* What a user should hear of (the CLI and report warn): a multi-response question
 * (not ticked) with rows that answer some of its columns and leave others blank, rows
 * that are not in its base; a recoded question's values that no rule takes (they are
 * missing), the first in file order, up to 16. */
int shopstat_totals_question_partly_blank(const shopstat_totals *t, size_t q);
/* The first value of a --missing code (not a blank or NA) that a segment's or the base's
 * condition would take were it not missing, or NULL; *column (when column is not NULL)
 * names the column: with --missing 99, a count of 99 orders is not in orders >= 8. Valid
 * while t lives. */
const char *shopstat_totals_condition_missing_code(const shopstat_totals *t, const char **column);

/* The k-th (0-based) pair of a global missing code (opts.missing) and a column the plan reads
 * (a question's, a condition's, a --by column; a --multi-codes cell's codes each) that holds
 * the code inside the scale of its other values: they are whole numbers and the code lies
 * strictly between their smallest *lo and largest *hi (6 of a 0-10 question, where it is an
 * answer the code takes out; not 98 or 99 beside 1-5). *answers: the rows whose field there
 * holds the code (the answers it takes out; a --multi-codes cell counts once). *columns: the
 * columns the plan reads that hold the code outside their scale (where it is a non-answer),
 * comma-separated ("..." at the end when cut), or NULL for none. 1 and the pair, in column
 * order; 0 past the last. Strings valid while t. */
int shopstat_totals_code_in_scale(const shopstat_totals *t, size_t k, const char **code,
                                  const char **column, double *lo, double *hi, const char **columns,
                                  size_t *answers);
/* A codes question split at the default separators (';' and ',') whose codes look cut out
 * of labels at a ',': a piece after a ',' that does not start with a digit, in a cell
 * that also holds a ';' or starting with a lower-case letter ("damaged or missing
 * delivery" of "Late, damaged or missing delivery; Wrong item"). Returns how many distinct
 * codes do (0: none, the question reads as it should); *code the first of them, *cell the
 * first cell (in file order) holding one, *sep ';' when some cell of the column holds a
 * ';' (the separator to propose), else 0. Strings valid while t. */
size_t shopstat_totals_question_sep_doubt(const shopstat_totals *t, size_t q, const char **code,
                                          const char **cell, char *sep);
size_t shopstat_totals_question_nunrecoded(const shopstat_totals *t, size_t q);
const char *shopstat_totals_question_unrecoded(const shopstat_totals *t, size_t q, size_t i);
size_t shopstat_totals_nsegments(const shopstat_totals *t);
const char *shopstat_totals_segment(const shopstat_totals *t, size_t s);
/* The --by set a segment belongs to, "COL" or "COL@TAG"; NULL for other segments. */
const char *shopstat_totals_segment_set(const shopstat_totals *t, size_t s);
/* Index of a segment by name; returns SHOPSTAT_EUSAGE with suggestions if absent. */
shopstat_status shopstat_totals_find_segment(const shopstat_totals *t, const char *name,
                                             size_t *s, shopstat_error *err);

/* ---- weighted proportions ---- */

typedef struct shopstat_tab_opts {
    shopstat_ci_method ci; /* default SHOPSTAT_CI_LOGIT, as R's svyciprop */
    double level;          /* default 0.95 */
    /* The estimates to compute in full, or NULL (the default) for all: want(want_ctx, q, s)
     * for question q and the segment at display index s. The others keep their base,
     * count and proportion, with NaN SE, interval, df and deff, and cannot stop the call
     * (a lonely PSU, a df of 0): a report asks only for what its tables show. */
    int (*want)(void *ctx, size_t q, size_t s);
    void *want_ctx;
    /* A domain whose design df is not positive while 0 < p < 1 (a segment within one PSU
     * per stratum; replicate weights of rank 1 over its rows) gets a NaN interval, as R's
     * svyciprop gives NaN, and no_interval set: its estimate, SE and deff are R's. 0 (the
     * default): when the whole design's df (shopstat_totals_df: of the --base's rows) is
     * not positive either, no estimate can have an interval and the call stops. 1: it
     * never stops for a df (compare's views, whose tests are on the whole design's df). */
    int undefined_ok;
} shopstat_tab_opts;

/* Fill o with the defaults: logit intervals at 0.95 (R's svyciprop), every estimate
 * (want NULL), undefined_ok 0. o must not be NULL. */
void shopstat_tab_opts_init(shopstat_tab_opts *o);

/* One row of a table: a question's level in a segment. Strings are borrowed: variable
 * from the plan, level and segment from the totals, so valid until the totals are freed
 * (the plan outlives them). Statistics are NaN when the base is empty (base_n = 0). */
typedef struct shopstat_estimate {
    const char *variable;
    const char *level;
    const char *segment;
    size_t q, l, s;       /* question, level (display order) and segment indices */
    size_t base_n;        /* rows in the base, zero weights included */
    double base_weight;   /* sum of weights in the base */
    size_t count;         /* rows giving this level */
    double proportion;
    double se;            /* Taylor linearisation */
    double ci_lower, ci_upper;
    double df;            /* domain degrees of freedom (R's degf of the subset) */
    double deff;          /* vs SRS with replacement (R's deff = "replace") */
    double eff_base;      /* Kish effective base; NaN when every row has weight 0 */
    int fallback;         /* 1: p is 0 or 1, interval is Clopper-Pearson with n = eff_base */
    int no_interval;      /* SHOPSTAT_NO_INTERVAL_DF0 (1): 0 < p < 1 but df is 0
                             (shopstat_totals_df0_reason says why): ci_lower and ci_upper
                             are NaN, as R's; se and deff are R's.
                             SHOPSTAT_NO_INTERVAL_REP_UNDEFINED (2): a replicate's weights
                             of the base sum to 0 (they cancel: negative replicate weights),
                             so its estimate and the variance are undefined (R's svrVar
                             gives Inf or NaN): se, deff and the interval NaN. 0: neither */
} shopstat_estimate;

enum { SHOPSTAT_NO_INTERVAL_DF0 = 1, SHOPSTAT_NO_INTERVAL_REP_UNDEFINED = 2 };

/* Why a domain's design df can be 0 under t's design, for a note naming the domains ("No
 * interval for one, x: design df 0 (REASON)."): "the rows lie within one PSU per stratum"
 * (Taylor), "the segment holds one row, and a variance needs two" (no PSUs nor strata), "the
 * rows lie one per stratum, each row its own PSU" (strata, no PSUs), or that the rows'
 * replicate weights have rank 1. A static string. */
const char *shopstat_totals_df0_reason(const shopstat_totals *t);

/* Every question x level x segment, in that nesting order (questions as added,
 * levels in level order, segments in display order): sorted by (q, l, s). For a sparse
 * plan (shopstat_plan_need) only the (question, segment) pairs whose cells the pass kept
 * are listed, each with all its levels: every question in 'all', each pair declared (a
 * --by set's: each of its values) and what the plan's pairs need on their questions (both
 * sides, the segment a rest is taken from, a subset's rows); the others, which had no rows
 * (base 0), are left out, so that the list grows with the pairs the plan needs rather than
 * with every question times every segment. shopstat_tab_estimate_find looks one up. A dense
 * plan lists every one, as before. *out is malloc'ed: free it
 * with free(). o may be NULL (shopstat_tab_opts_init's defaults); err may be NULL;
 * t, out and n must not be NULL. Fails (SHOPSTAT_EUSAGE) for a level outside (0, 1) or a
 * method outside shopstat_ci_method, (SHOPSTAT_EINPUT) on a lonely PSU under 'fail' or
 * a whole design of df <= 0 (see undefined_ok), SHOPSTAT_ENOMEM, or SHOPSTAT_EINTERNAL (a
 * GSL failure);
 * on failure *out is NULL and *n 0. */
shopstat_status shopstat_tab_estimates(const shopstat_totals *t, const shopstat_tab_opts *o,
                                       shopstat_estimate **out, size_t *n, shopstat_error *err);

/* The estimate of question q, level l (display order) and segment s (display index) in
 * e[0..n) as shopstat_tab_estimates listed them (sorted by q, l, s: a binary search), or
 * NULL when the list leaves it out (a sparse plan's pair not needed). e may be NULL when n is
 * 0. Borrowed from e. */
const shopstat_estimate *shopstat_tab_estimate_find(const shopstat_estimate *e, size_t n, size_t q,
                                                    size_t l, size_t s);

#ifdef __cplusplus
}
#endif
#endif
