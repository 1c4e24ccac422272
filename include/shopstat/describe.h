/* One streaming pass summarising every column of an export and its survey design columns. */
#ifndef SHOPSTAT_DESCRIBE_H
#define SHOPSTAT_DESCRIBE_H

#include <stddef.h>

#include "shopstat/design.h"
#include "shopstat/error.h"
#include "shopstat/reader.h"
#include "shopstat/tab.h" /* shopstat_pass_opts */

#ifdef __cplusplus
extern "C" {
#endif

/* Column types. Rules (present = non-missing values):
 *   EMPTY        no present value;
 *   CATEGORICAL  at most SHOPSTAT_DESCRIBE_MAX_LEVELS distinct present values, whether they
 *                are codes (1..5) or labels: survey answers are categories; also labels
 *                (not all numbers) with at most SHOPSTAT_DESCRIBE_MAX_CATEGORIES distinct
 *                values that repeat (distinct <= present / 2), such as 50 regions;
 *   NUMERIC      more distinct values than that, every one a finite number;
 *   TEXT         anything else (free text, ids with letters). */
typedef enum shopstat_coltype {
    SHOPSTAT_COL_EMPTY,
    SHOPSTAT_COL_NUMERIC,
    SHOPSTAT_COL_CATEGORICAL,
    SHOPSTAT_COL_TEXT
} shopstat_coltype;

/* "empty", "numeric", "categorical" or "text". */
const char *shopstat_coltype_name(shopstat_coltype t);

#define SHOPSTAT_DESCRIBE_MAX_LEVELS 20       /* levels listed with counts */
#define SHOPSTAT_DESCRIBE_MAX_CATEGORIES 100  /* label columns up to this are categorical */
#define SHOPSTAT_DESCRIBE_MAX_DISTINCT 10000  /* distinct values counted exactly per column */
#define SHOPSTAT_DESCRIBE_MAX_WEIGHTS 100000  /* distinct weights kept for the exact median */
#define SHOPSTAT_DESCRIBE_MAX_PSUS 2000000    /* (stratum, PSU) pairs */
#define SHOPSTAT_DESCRIBE_MAX_STRATA 100000


typedef struct shopstat_level {
    const char *value;
    size_t count;
} shopstat_level;

typedef struct shopstat_colsummary {
    const char *name;
    const char *label; /* with two header rows, the option's label the name ends with
                          (shopstat_reader_collabel), else NULL */
    const char *text;  /* a Qualtrics export's question text of the column, read with
                          --skip-rows 2 (shopstat_reader_coltext), else NULL */
    shopstat_coltype type;
    size_t present;  /* non-missing values */
    size_t missing;  /* "", "NA" and the --missing codes */
    size_t distinct; /* exact unless distinct_capped, then "more than distinct" */
    int distinct_capped;
    int all_numeric; /* every present value is a finite number (present > 0) */
    double min, max, mean; /* when all_numeric */
    size_t nlevels;  /* all distinct values when there are at most MAX_LEVELS, else 0 */
    const shopstat_level *levels; /* numeric order when all_numeric, else byte order */
    /* read with a decimal point, every present value would be a number with a decimal
     * comma ("1,5"): the file wants --decimal-comma (not looked at past the distinct-value
     * cap, distinct_capped) */
    int comma_numeric;
    /* a column of nearly all distinct whole numbers or texts (95% or more, an identifier)
     * in which some values repeat: how many repeat, the first of them (in the order of
     * first appearance) and its count; 0 otherwise or past distinct_capped */
    size_t nrepeated;
    const char *first_repeated;
    size_t first_repeated_count;
    /* every value is a list of whole numbers separated by ',' or ';' (spaces allowed), one
     * at least of two or more ("1;3"): codes of a multi-response question in one cell (not
     * numbers read with a decimal comma, comma_numeric; not looked at past
     * distinct_capped) */
    int code_lists;
    /* code_lists: the codes its cells hold ("1,-99" holds 1 and -99), in numeric order, each
     * with the rows holding it; ncodes 0 past 200 codes */
    const shopstat_level *codes;
    size_t ncodes;
    /* not code_lists: every value is a list of labels separated by label_sep (';', else
     * '|', else ','; pieces trimmed and not empty), one at least of two or more, the column
     * holding fewer distinct labels than distinct values ("Website errors; Wrong item"; by
     * ',' at most half as many, none after a ',' in lower case: "Email, Phone", not a
     * comment's "Great, fast delivery"): a multi-select exported as one column; else 0 (not
     * looked at past distinct_capped).
     * label_comma: a label holds a ',' ("Late, damaged or missing delivery"), which the
     * default split of --multi-codes would cut: --codes-sep is needed. */
    char label_sep;
    int label_comma;
    /* every present value a number (in the file's decimal rule) but one text that says "no
     * value" ("n/a", "N/A", "-", "#N/A", "nc", "n.d.", "?", "s.o."),
     * among three distinct numbers or more: a number column that text made text or
     * categorical, wanting --missing COL:TEXT; NULL otherwise (and past distinct_capped);
     * no_value_count its rows. Such a column is no list of codes or labels. */
    const char *no_value;
    size_t no_value_count;
    /* a cell reading "Total" (TOTAL, Totals, Totaux, Gesamt, Summe, Totale, Grand total),
     * held by one row in a column of three present values or more: a spreadsheet's totals
     * row left under the data, wanting --exclude COL:TEXT; NULL otherwise */
    const char *total_value;
    /* (appended) all_numeric and some value has a fractional part (17.5 hours, 35.79
     * dollars: no identifier, code or count); 0 otherwise and past distinct_capped */
    int fractional;
    /* (appended) all_numeric: its values as written, evidence of a code rather than a
     * measure (a postcode, a store's or a product's number): the rows written with a 0
     * before another digit ("01000"; no measure is written so), the rows holding a whole
     * multiple of 10 (amounts and incomes are rounded, codes are not), and when every
     * value is digits alone (no sign, no decimal mark) their fewest and most digits (0, 0
     * otherwise: "1204" to "1250", 4 and 4); all 0 for other columns */
    size_t leading_zero, tens;
    size_t digits_min, digits_max;
    /* (appended) all_numeric, 4 values or more and 3 distinct: the value held by one row
     * that is the sum of every other row's (to the decimals it is written with, as a
     * spreadsheet's SUM shows it), as written ("40262.17"): a totals row's cell, if
     * other columns' say so too; NULL otherwise and past distinct_capped */
    const char *sum_value;
} shopstat_colsummary;

typedef struct shopstat_stratum {
    const char *name;
    size_t rows;
    size_t npsu;     /* distinct PSUs; rows when there is no --psu (each row is a PSU) */
    double fpc;      /* the stratum's --fpc value, NAN without --fpc */
    double w_fpc;    /* with --fpc and no --weight: its rows' weight N/n, else NAN */
} shopstat_stratum;

typedef struct shopstat_design_summary {
    int has_weight, has_strata, has_psu, has_fpc;
    size_t rows;         /* rows used */
    /* Weights (all 1 without --weight; with --fpc and no --weight, R's N/n of each row's
     * stratum, and weights_from_fpc is 1). The median is exact while there are at most
     * SHOPSTAT_DESCRIBE_MAX_WEIGHTS distinct weights; past that, weights are binned on
     * their top 12 mantissa bits (relative error below 2^-12) and median_approx is 1. */
    double wmin, wmedian, wmax, wsum, wsum2;
    int median_approx;
    int weights_from_fpc;
    size_t zero_weights;
    double n_eff;        /* Kish (1965): (sum w)^2 / sum w^2 */
    double efficiency;   /* n_eff / rows */
    size_t nstrata;      /* 1 (the whole sample) without --strata */
    const shopstat_stratum *strata; /* sorted like levels */
    size_t npsu;         /* total PSUs */
    size_t single_psu_strata;
    /* Rows whose weight is above SHOPSTAT_DESCRIBE_LARGE_WEIGHT times the median (a raking's
     * extreme weights), their weights' sum and the largest weight over the median: 0, 0
     * and NaN without a median (no --weight, or too many distinct weights). */
    size_t large_weights;
    double large_wsum, wmax_ratio;
} shopstat_design_summary;

/* The weight over the median from which describe counts a weight as large (5: a common cap
 * for trimming, as in R's trimWeights(upper = 5 * median(w))). */
#define SHOPSTAT_DESCRIBE_LARGE_WEIGHT 5.0

typedef struct shopstat_description shopstat_description;

/* Stream every row of r (freshly opened, not yet run) once. *out borrows r's column names
 * and path: free it before r. Errors: design columns the
 * header lacks (SHOPSTAT_EUSAGE, with a suggestion), a missing, non-numeric, negative or
 * non-finite weight, a missing stratum/PSU, a bad or inconsistent fpc (SHOPSTAT_EINPUT at
 * the field's line:col), no data rows after the header (SHOPSTAT_EINPUT), caps
 * (SHOPSTAT_ELIMIT), and every reader error. d may be NULL (no design). */
shopstat_status shopstat_describe(shopstat_reader *r, const shopstat_design_opts *d,
                                  shopstat_description **out, shopstat_error *err);
/* The same with pass options (threads, chunk size, progress; NULL: defaults). A regular
 * UTF-8 file is described in chunks on every thread, merged in file order; the result is
 * that of one pass (means and weight sums to the last bits), and any error makes the pass
 * run again on one thread for its line:col, as for shopstat_totals_compute_opts. */
shopstat_status shopstat_describe_opts(shopstat_reader *r, const shopstat_design_opts *d,
                                       const shopstat_pass_opts *o,
                                       shopstat_description **out, shopstat_error *err);

/* The same, the rows plan p's exclusions take (shopstat_plan_add_exclude, --exclude) left
 * out as tab leaves them out: before the design and every column (counts, levels, ranges,
 * the design summary and the start's checks are of the kept rows), each counted under the
 * first exclusion it meets (shopstat_description_excluded). Only p's exclusions are read;
 * p may be NULL (none) and must outlive *out. A column an exclusion names that the file
 * lacks is SHOPSTAT_EUSAGE ("exclude column 'x' ..."), exclusions that take every row too. */
shopstat_status shopstat_describe_excluding(shopstat_reader *r, const shopstat_design_opts *d,
                                            const shopstat_pass_opts *o, const shopstat_plan *p,
                                            shopstat_description **out, shopstat_error *err);

/* Free a description; NULL is a no-op. Free it before the reader it borrows from. */
void shopstat_description_free(shopstat_description *ds);

/* Columns described: the reader's header, in file order. */
size_t shopstat_description_ncols(const shopstat_description *ds);
/* Borrowed summary of column i, valid until ds is freed. */
const shopstat_colsummary *shopstat_description_column(const shopstat_description *ds,
                                                       size_t i);
const shopstat_design_summary *shopstat_description_design(const shopstat_description *ds);

/* Row accounting: read = used + skipped (by --skip-rows) + empty (rows whose every field
 * is empty) + the rows each exclusion took (shopstat_describe_excluding); no other row is
 * excluded, since a bad design value is an error rather than a silent drop. */
size_t shopstat_description_rows_read(const shopstat_description *ds);
size_t shopstat_description_rows_used(const shopstat_description *ds);
size_t shopstat_description_rows_skipped(const shopstat_description *ds);
size_t shopstat_description_rows_empty(const shopstat_description *ds);
/* The exclusions (0 without shopstat_describe_excluding's), and the k-th's reason
 * (borrowed from the plan) and the rows it took. */
size_t shopstat_description_nexcluded(const shopstat_description *ds);
size_t shopstat_description_excluded(const shopstat_description *ds, size_t k, const char **reason);
/* Whether exclusion k is a dedupe one (shopstat_plan_add_dedupe). */
int shopstat_description_excluded_dedupe(const shopstat_description *ds, size_t k);

/* Rows that hold a value in some column that not every row fills (rows answering some
 * question; rows whose only values are in columns every row fills, an id or a date, are
 * not). */
size_t shopstat_description_rows_answering(const shopstat_description *ds);
/* The rows among those answering (above) that hold no value in any of the n columns from
 * first: a multi-response question's rows ticking none of its options, for one column, or
 * for a run of two adjacent columns or more sharing a stem (Q3_1, Q3_2) or a question text
 * (two header rows: "Q / A", "Q / B") as the header has them, whole or but its last column
 * (SurveyMonkey's "Other (please specify)"). 1 and *rows set, or 0 when describe did not
 * count those columns together (*rows 0). Counted in the one pass. */
int shopstat_description_none_rows(const shopstat_description *ds, size_t first, size_t n,
                                   size_t *rows);

/* Interview length: from a column named like one ("Duration (in seconds)", "duration_s",
 * "LOI", "qtime", "interview_length"; any case) of type numeric (more than
 * SHOPSTAT_DESCRIBE_MAX_LEVELS distinct numbers: not a question's codes), else from a pair of
 * columns named like the start and end of the interview (Qualtrics' StartDate and EndDate,
 * "start_time"/"end_time"...), EndDate - StartDate in seconds for each row where both read
 * as date-times (2026-11-07 17:35:00, 2026-11-07T17:35:00Z, 11/7/2026 5:35 PM). col is the
 * duration column, or start and end the pair's (the other SIZE_MAX); rows: the rows whose
 * length was read (kept rows: after the exclusions), median: their median in the column's
 * units (seconds for a pair; to 1/100 of a unit), limit: a third of it rounded up to a
 * whole unit (to 1/100 when the values are not whole), fast: the rows shorter than limit,
 * as --exclude 'COL:<limit' counts them (speeders, usually left out). negative: the kept
 * rows whose length is under 0 (an end before its start, a clock or time-zone fault; a
 * negative duration), counted in neither rows nor the median, but taken by --exclude
 * 'COL:<limit' too; negative_line: the first one's line in the file (0 when none). When
 * every length read is negative, rows and fast are 0 and median and limit NaN. NULL when
 * the header has no such column, or no row's length could be read. */
typedef struct shopstat_speed_summary {
    size_t col, start, end;
    size_t rows, fast;
    double median, limit;
    size_t negative, negative_line;
} shopstat_speed_summary;
const shopstat_speed_summary *shopstat_description_speed(const shopstat_description *ds);

/* Skip logic: a column blank where it was not asked. A column's blanks are routed by
 * another column, `by`, when in every row where by holds one of the values `skipped` (one
 * at least), or is blank itself (by_blank), the column is blank, and where by holds one of
 * `asked` it is answered in some rows: "asked only when by = asked" (blanks that fall on
 * by's blanks alone are not routing: one respondent leaving both out, a multi-response
 * set's columns). routed: its blanks on skipped or by's blank; nonresponse: those where it
 * was asked (blank = routed + nonresponse). Found in the one pass from whether each column
 * is answered where by holds each of its values, for explainers among the first min(512,
 * 262144 / columns) columns that hold at most SHOPSTAT_DESCRIBE_MAX_LEVELS distinct values, each on
 * two rows or more on average, no number with a fraction, and not the design's weight.
 * Reported when routed is 5 rows or more and more than nonresponse, by is never blank where
 * the column is answered, the column is answered in some rows, and chance does not explain
 * it: with p = nonresponse / the rows where it was asked, p^n is 0.001 or less for the
 * fewest rows n of a skipped value (or of by's blank). Of several explainers: the one
 * routing the most blanks, then the one of the fewest asked values, then the nearest
 * column on its left, then on its right. asked and skipped are in by's level order
 * (shopstat_colsummary.levels), borrowed from ds. NULL when none. */
typedef struct shopstat_routing {
    size_t by;
    size_t blank, routed, nonresponse;
    const char *const *asked;
    size_t nasked;
    const char *const *skipped;
    size_t nskipped;
    int by_blank;
} shopstat_routing;
const shopstat_routing *shopstat_description_routing(const shopstat_description *ds, size_t col);

/* A grid's straight-liners: for the n >= 3 adjacent columns from first that the header
 * makes one run (a shared stem, Q5_1 ... Q5_6, or question text; as for
 * shopstat_description_none_rows), the kept rows answering every one of them (*full) and
 * those giving all the same answer (*straight). 1 and both set, or 0 (both 0) when those
 * columns are no such run. Counted in the one pass. */
int shopstat_description_straight_rows(const shopstat_description *ds, size_t first, size_t n,
                                       size_t *full, size_t *straight);

/* ---- a start for tab: the questions an export seems to hold ----
 *
 * From the columns' names and the values describe listed (no second pass), a guess at the
 * questions, for `shopstat describe` to print as a command to start from. The rules, in
 * this order (columns given as design columns in d, and names two columns share, take no
 * part):
 * - a question of two header rows: two or more adjacent columns with labels (their names
 *   "Question / Option", shopstat_reader_collabel) under one question text, each holding
 *   one value or none (SHOPSTAT_SUGGEST_MULTI_TICKED; a column of other values among them,
 *   SurveyMonkey's "Other (please specify)", is left out), named by the question's first
 *   words ("channels_contact" of "Which channels would you use to contact us?") or its
 *   column ("q5") and with `pattern` "Question / *" when that takes just its columns;
 * - a set: two or more adjacent columns whose names share the part before their last
 *   '_', '.', ' ', '-' or ':', or Decipher's 'r' between digits (Q3_1, Q3_2; pref_email,
 *   pref_phone; q7r1, q7r2), each holding only
 *   0 and 1, three or more with as many blanks (SHOPSTAT_SUGGEST_MULTI: yes/no questions
 *   asked in turn, phone_shown then phone_reached, share stems too), or each holding one value or
 * none, blank when not ticked (SHOPSTAT_SUGGEST_MULTI_TICKED: "Email" or 1 when ticked, as
 * Qualtrics and SurveyMonkey export);
 * - codes: a column of code_lists ("1,3") or of label lists (label_sep: "Website errors;
 *   Wrong item"): SHOPSTAT_SUGGEST_CODES;
 * - a weight: without d's weight, the first column of numbers >= 0, not all 0, named
 *   like one ("wt", "weight", "final_wgt", "WTMEC2YR", "pond"): SHOPSTAT_SUGGEST_WEIGHT (one
 *   named so whose numbers cannot be weights is no question: shopstat_describe_weight_unfit);
 * - single choice: every other categorical column of two values or more, but for one of
 *   five values or more all distinct or a name ending in "id" over distinct values (an
 *   identifier, comments), numbers not all whole
 *   (amounts), comma_numeric columns, columns of more than SHOPSTAT_DESCRIBE_MAX_LEVELS
 *   values (no levels listed: dates, clusters) and a column followed by a non-empty one
 *   without a name (SurveyMonkey's first item of a question) and Qualtrics' "Other (please
 *   specify)" box (Q4_3_TEXT beside a column Q4_3) (SHOPSTAT_SUGGEST_VAR), with `missing`
 * set to its values that look like a non-answer among numeric codes: a text ("Don't know") beside
 * two or more numbers, a code of the 96-99, 996-999 or 9999 kind above codes of at most 20, or
 * a negative one (Qualtrics' -99) below codes of 0 or more (score_nonanswer_codes).
 * Before these rules, a column named like a design column whose role d does not give (no
 * --repweights either) is a candidate for it, never a question: strata ("stratum",
 * "strata", "strat", NHANES's "sdmvstra", BRFSS's "_STSTR", "varstr", "vstrat", "pstrat",
 * "vestr", "strate"; any case), PSUs ("psu", "psu_id", "sdmvpsu", "varpsu", "vpsu", "ppsu", and
 * "cluster", "clust", "cluster_id" with ambiguous_name set: a segmentation's clusters are
 * named so too) and an fpc ("fpc", "popsize", "pop_size", and "N_h" or "Nh" with a capital
 * N only: "n_h" is a sample size; a pair N_X or pop_X beside X, see population)
 * (SHOPSTAT_SUGGEST_STRATA, _PSU, _FPC; the first column of
 * each role; one whose role d gives is left out). Names only: whether the data support
 * them (complete, nested, several PSUs per stratum) takes a pass with them as the design,
 * which the caller runs (shopstat describe does).
 * - a measure: a numeric column (more than SHOPSTAT_DESCRIBE_MAX_LEVELS distinct numbers, a
 *   reply time in hours, an amount; a number column that one "no value" text made text is
 *   read as numbers once that text is missing, --missing COL:n/a) whose mean and median are
 *   its scores (shopstat_plan_add_score's "mean" and "median"; SHOPSTAT_SUGGEST_MEASURE),
 *   but for the columns of numbers that are no answer: whole numbers 95% or more of them
 *   distinct (an identifier, a row number), a weight's name (looks like one, or the
 *   weight d gives: any design column), the replicate weights
 *   (shopstat_describe_repweights_guess), the interview length shopstat_description_speed
 *   reads, whole years (1900 to 2100) or dates written as numbers (19000101 to
 *   21001231), and names whose last word is a grouping's or a code's (id, code, num, no,
 *   nr, number, region, store, ...; not age or income: ages in years and incomes are
 *   measures) or whose words say a date, a place or a progress
 *   (date, datum, year, month, day, latitude, longitude, lat, lon, lng, progress, zip,
 *   postcode), and whole numbers with evidence of codes (shopstat_describe_code_evidence:
 *   a leading zero, one width of 4 digits or more seldom rounded, a code's word). */
typedef enum shopstat_suggest_kind {
    SHOPSTAT_SUGGEST_VAR,
    SHOPSTAT_SUGGEST_MULTI,
    SHOPSTAT_SUGGEST_MULTI_TICKED,
    SHOPSTAT_SUGGEST_CODES,
    SHOPSTAT_SUGGEST_WEIGHT,
    SHOPSTAT_SUGGEST_STRATA,
    SHOPSTAT_SUGGEST_PSU,
    SHOPSTAT_SUGGEST_FPC,
    SHOPSTAT_SUGGEST_MEASURE /* (appended) */
} shopstat_suggest_kind;

typedef struct shopstat_suggestion {
    shopstat_suggest_kind kind;
    const char *name;      /* the question's name: the column's, or a set's shared part
                              ("_set" added when a column has that name) */
    const size_t *columns; /* column indices, in file order */
    size_t ncolumns;
    /* a set of two header rows: a pattern (fnmatch) that matches its columns and no other,
     * "Which channels would you use? / *", or NULL (then list the columns). With a column
     * of its question left out (SurveyMonkey's "Other (please specify)"), the pattern
     * excludes it by its label's first character, "... / [!O]*", when no option kept
     * starts with one of those, else by its last, "... / *[!)]" */
    const char *pattern;
    const char *const *missing; /* SHOPSTAT_SUGGEST_VAR: values that look like non-answers,
                                   nmissing of them (borrowed from ds) */
    size_t nmissing;
    /* SHOPSTAT_SUGGEST_VAR: 1 when its codes are whole numbers from 0 to 10, nine or more of
     * them, 0 and 10 among them (non-answers aside; 0 need not be when the name holds "nps" or
     * "recommend", any case): a 0-10 likelihood to recommend, whose
     * Net Promoter Score is shopstat_plan_add_score's "nps" */
    int nps;
    /* SHOPSTAT_SUGGEST_VAR, not nps: K (5, 7 or 10) when its codes (non-answers aside) are
     * whole numbers from 1 to K, K among them and at most one of the K missing, and it
     * looks like a rating: a word of its name (split as for wave below) says so
     * (satisf..., sat, csat, rate, rating..., likel..., agree..., score..., recommend...,
     * nps, intent..., importan..., quality, easy, effort, happy, and a few in German and
     * Italian) and the name's last word is no grouping's (id, code, group, segment,
     * region, store, panel, wave, bracket, band, type, ...), or its text's words say so,
     * or it is one of a run of two suggestions or more of the same K in adjacent columns
     * whose names share their stem (a grid, Q5_1, Q5_2), none named like a wave or a
     * grouping. Its mean is then shopstat_plan_add_score's "mean"; else 0 */
    int rating;
    /* SHOPSTAT_SUGGEST_VAR: 3 when a word of its name (split at '_', '.', ' ', '-', digits
     * and lower-to-upper case) is a survey wave's, any case: wave, Welle, Erhebungswelle,
     * Befragungswelle, vague, ola, onda, ondata; 2 when the whole name is a period's:
     * period, periode, periodo, quarter, quartal, trimestre, and year, Jahr, annee,
     * année, año, jaar when every code is a year from 1900 to 2100; 1, whatever its name,
     * when every code (not all numbers) names a period as shopstat_scale_time_order reads
     * them ("Jan 2024", "Q1 2024", "2024-03") and two codes name different ones (a
     * fieldwork or month column); else 0 */
    int wave;
    /* SHOPSTAT_SUGGEST_PSU: named like a cluster, which may be a segmentation's */
    int ambiguous_name;
    /* SHOPSTAT_SUGGEST_STRATA or _FPC not by its own name but as a pair: a column N_X or
     * pop_X of numbers of at least 1, never blank, beside a categorical column X never
     * blank (N_secteur beside secteur: each sector's population size), X the strata and
     * N_X the fpc; the other's column in pair_column, else 0 */
    int population;
    size_t pair_column;
    /* SHOPSTAT_SUGGEST_CODES of a column of label lists (shopstat_colsummary.label_sep)
     * joined by '|', or whose labels hold a ',': the separator to give
     * (shopstat_plan_set_codes_sep), else 0 (the default split at ';' and ',' reads it) */
    char sep;
} shopstat_suggestion;

/* No weight proposed (d gives none, and no column named like one holds numbers >= 0, not
 * all 0), but a column named like a weight holds numbers that cannot be weights: a negative
 * one, only 0s, or numbers beside values that are none ("NaN", "inf", "#NULL!"; half its
 * listed values numbers at least, or one not whole). 1 and its index in *col (the first such
 * column; it is proposed as no question either), else 0. */
int shopstat_describe_weight_unfit(const shopstat_description *ds, const shopstat_design_opts *d,
                                   size_t *col);

/* Evidence that the whole numbers of column c (all_numeric, none fractional) are codes,
 * numbers that name a thing, rather than a measure to average, unless a word of its name
 * says an amount, a count or a length (montant, amount, price, spend, nb, count, qty,
 * duree, delai, hours, h, min, days, km, income, age, total, value, ...: then none):
 * SHOPSTAT_CODE_ZEROS, a value written with a 0 before another digit ("01000": a
 * postcode's, a code written to a width; no measure is written so); SHOPSTAT_CODE_WIDTH,
 * every value digits alone, 4 or more and as many in each, fewer than a quarter of the
 * rows a multiple of 10 (1001 to 1250: a store's number; an amount or an income of that
 * size is mostly rounded); SHOPSTAT_CODE_NAME, a word of its name says a code (cp, npa,
 * postal, magasin, boutique, filiale, pdv, pos, outlet, agence, etab, sku, ean, gtin, upc,
 * ref, reference, article, produit, product, item, siret, siren, insee, commune,
 * departement, dept, phone, tel, client, customer, account, order, commande, invoice,
 * facture, serial, location, loc, branche, store, shop, branch, zip, postcode, plz...);
 * SHOPSTAT_CODE_STRIPPED and SHOPSTAT_CODE_SERIAL by their values (below), tried before
 * the name; else SHOPSTAT_CODE_NONE (also for c NULL).
 * shopstat_describe_suggest proposes no measure with evidence. */
typedef enum shopstat_code_evidence {
    SHOPSTAT_CODE_NONE,
    SHOPSTAT_CODE_ZEROS,
    SHOPSTAT_CODE_WIDTH,
    SHOPSTAT_CODE_NAME,
    SHOPSTAT_CODE_STRIPPED, /* (appended) 4 and 5 digits, under a quarter of the rows
                               multiples of 10: a 5-digit code whose leading 0 a spreadsheet
                               dropped (a German PLZ 01067 read as 1067) */
    SHOPSTAT_CODE_SERIAL    /* (appended) 3 digits each, under a quarter multiples of 10, at
                               least 20 distinct values filling half their range or more,
                               their mean within 15% of the range from its middle: numbers
                               counted through, as a chain's stores 101 to 250 */
} shopstat_code_evidence;
shopstat_code_evidence shopstat_describe_code_evidence(const shopstat_colsummary *c);

/* The suggestions in file order of their first column; *out is NULL when there are none.
 * Free with shopstat_suggestions_free. Errors: SHOPSTAT_ENOMEM. d may be NULL. */
shopstat_status shopstat_describe_suggest(const shopstat_description *ds,
                                          const shopstat_design_opts *d, shopstat_suggestion **out,
                                          size_t *n, shopstat_error *err);
void shopstat_suggestions_free(shopstat_suggestion *s, size_t n);

/* A public-use file's replicate weights, as its documentation ships them beside the final
 * weight (FINALWT and REPWT1..REPWT80, PWGTP and PWGTP1..PWGTP80): the longest run of four
 * or more adjacent columns named PREFIX1, PREFIX2, ... (the digits counting from 1, or
 * zero-padded to one width: rw_001, rw_002, ...), every value a number (negative ones only
 * in a column of more than 20 distinct values) and none missing. Returns how many (0: none; then *first and
 * *prefix_len are untouched), the index of PREFIX1 in *first and the prefix's length in
 * bytes in *prefix_len (the --repweights value is that start of the column's name). */
size_t shopstat_describe_repweights_guess(const shopstat_description *ds, size_t *first,
                                          size_t *prefix_len);

/* A totals row a spreadsheet left under the data, as a description's columns suggest it (a
 * cell reading Total, shopstat_colsummary.total_value; or a column whose one value is the
 * sum of the others', sum_value) and one more read of the file finds it: the row where
 * column col holds value, its line, and what its other cells say of it. A respondent
 * whose store is named "Total" has a row like the others'; a totals row is blank where
 * nearly every row holds a value, holds a number in a column of labels (357 under
 * Oui/Non: a count) or a column's sum. */
typedef struct shopstat_totalsrow {
    size_t col;        /* the column naming the row (SIZE_MAX: no candidate) */
    const char *value; /* its cell there, as written (borrowed from the description) */
    int label;         /* the cell reads Total; else col holds a sum */
    size_t line;       /* the row's line (0: not found) */
    size_t blanks;     /* cells blank where at most 1% of the rows are */
    size_t counts;     /* numbers in a column of labels, the column's one number */
    size_t sums;       /* numbers that are their column's other rows' sum */
    size_t sum_col[3]; /* the first of those columns */
    int totals;        /* the evidence says a totals row */
} shopstat_totalsrow;

/* The totals row of ds's data into *t, the file read again (path data with csv's
 * reading; or buf[0..len) when buf is not NULL, data then naming it and the lines being
 * the buffer's): t->col SIZE_MAX when no column suggests one, t->line 0 when no row holds
 * the cell (standard input, "-", is not read again). A Total cell is a totals row when the
 * row's other cells say so too (a sum, a count, or two blanks where nearly every row is
 * filled); sums alone when one column holds its sum in a row that holds another's or is
 * blank or a count where the others are filled. */
void shopstat_describe_totalsrow(const char *data, const char *buf, size_t len,
                                 const shopstat_csv_opts *csv, const shopstat_description *ds,
                                 shopstat_totalsrow *t);

/* What shopstat_totalsrow_find found: a totals row among the rows a run counts. */
typedef struct shopstat_totalsrow_found {
    int label;         /* column reads a Total word there; else it holds its sum */
    size_t line;       /* the row's line; 0 when only the file's end was read */
    char column[256];  /* the column's name (cut at 255 bytes) */
    char value[128];   /* the cell, as written (cut at 127 bytes) */
    size_t sums;       /* other columns holding their sum in the row */
    size_t counts;     /* numbers in columns of labels */
    size_t blanks;     /* blanks where nearly every row is filled */
    int decimal_comma; /* the file's decimal mark is a comma (value: "40263,65") */
} shopstat_totalsrow_found;

/* After a run over data without an error: whether a spreadsheet's totals row is left under
 * the data among the rows plan p's exclusions leave in (NULL: none), as
 * shopstat_describe_totalsrow tells one, into *f (1: found, 0: none or not looked at).
 * Looks at the whole file up to 256 KB (its line named), else its header and last 64 KB
 * when they hold a Total word (total, gesamt, summe); never past 8 MB, nor standard input
 * or a compressed file: a run's spare look, some 180 instructions a byte described. Never
 * fails: a file it cannot read again has no totals row. */
int shopstat_totalsrow_find(const char *data, const shopstat_csv_opts *csv, const shopstat_plan *p,
                            shopstat_totalsrow_found *f);

#ifdef __cplusplus
}
#endif
#endif
