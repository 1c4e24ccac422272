/* Scores of single-choice questions: a rating's mean, a Net Promoter Score, any scoring of
 * a question's levels. */
#ifndef SHOPSTAT_SCORE_H
#define SHOPSTAT_SCORE_H

#include <stddef.h>

#include "shopstat/compare.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A score gives every level k of a single-choice question a number s_k. Its estimate in a
 * segment is the weighted mean of s over the segment's rows that answered the question,
 * sum_k s_k T_k / T, with T_k the weighted count of level k and T the segment's base:
 * R's svymean(~s, subset(design, segment & !is.na(s))). It is the linear contrast
 * sum_k s_k p_k of the level proportions that tab reports, so it needs nothing more from
 * the pass: no row is read twice and a plan with scores runs the same pass.
 *
 * Its variance linearises the ratio (z_i = w_i (s_i - m) / T summed per PSU, from the
 * level cells' per-PSU sums; element designs from the per-level sums of w^2, the levels
 * of a single-choice question being disjoint; replicate designs re-estimate the mean per
 * replicate). Its interval is m +- t(df) SE, R's confint(svymean(...), df = degf(...)),
 * whatever the interval method of the proportions. deff is R's deff = "replace". */

/* Largest score in absolute value: a map's scores, and in a mean the levels read as
 * numbers (a map's levels and ranges are only compared, so they may go past it). Beyond it s_k^2
 * w^2 of the variance loses every digit (or overflows to inf for 1e300), so a larger one is refused
 * (SHOPSTAT_EUSAGE in a map, SHOPSTAT_EINPUT at its position in the data). */
#define SHOPSTAT_MAX_SCORE 1e15

/* Declare a score of the single-choice question `question` (added to the plan before;
 * recoded questions are scored by their recoded levels). map:
 *   NULL or "mean"  each level's text read as a number ("4", "2.5");
 *   "nps"           a 0-10 recommendation question: 0-6 -> -100 (detractors), 7-8 -> 0
 *                   (passives), 9-10 -> 100 (promoters); the mean is the NPS;
 *   "V=S,V=S,..."   V a level's text, or a range "A-B" of numeric levels (both ends
 *                   included), S a number: "1-2=0,3=50,4-5=100";
 *   "median", "pN"  a quantile of the levels read as numbers (N a percent from 0 to 100:
 *                   "p25", "p90", "p2.5"), not a mean: R's svyquantile (below).
 * Every level the question takes must get a score: rows to leave out of the mean (a
 * "Don't know") are declared missing (shopstat_reader_opts' missing codes) or left
 * unscored, which is an error after the pass naming the level (a quantile's level that is
 * no number: an error of the pass at its cell). name: the label of the output rows, NULL
 * for "mean", "NPS", "score" (by map), "median" or "pN" as given. A question may have several
 * scores of different names.
 * Returns SHOPSTAT_EUSAGE (err says why) for an unknown or non-single-choice question, a
 * map that does not parse (a range of non-numbers, a score that is not a finite number, a
 * level given twice) or a duplicate name for the question. */
shopstat_status shopstat_plan_add_score(shopstat_plan *p, const char *question, const char *map,
                                        const char *name, shopstat_error *err);

/* Whether map is a quantile's word (median, or 'p' and a digit: p90; one out of range too,
 * which shopstat_plan_add_score refuses), not a mean's map. */
int shopstat_score_map_is_quantile(const char *map);

/* CLI syntax "QUESTION" or "QUESTION:MAP" (MAP as above: mean, nps, V=S,..., median, pN).
 * The question ends at the first ':' followed by mean, nps, a text holding '=' (a map), a
 * quantile's word or nothing; without such a ':' the whole text is the question, so that a column named
 * "Q1: Recommend us?" is scored as "Q1: Recommend us?:nps". */
size_t shopstat_score_question_len(const char *spec);
/* shopstat_plan_add_score of such a text (the question as shopstat_score_question_len cuts
 * it, NULL name); SHOPSTAT_EUSAGE as there. */
shopstat_status shopstat_plan_parse_score(shopstat_plan *p, const char *spec,
                                          shopstat_error *err);

/* One score in one segment. Strings are borrowed from the plan and the totals. */
typedef struct shopstat_score_estimate {
    const char *variable; /* the question's name */
    const char *score;    /* the score's name ("mean", "NPS", ...) */
    const char *segment;
    size_t q;             /* question index in the totals */
    size_t k;             /* score index: order of declaration over the whole plan */
    size_t s;             /* segment display index, as shopstat_estimate's */
    size_t base_n;        /* rows of the segment answering the question, zero weights in */
    double base_weight;   /* their sum of weights */
    double estimate;      /* NaN when the base has no weight */
    double se;
    double ci_lower, ci_upper; /* estimate +- t(df) se; NaN when no_interval */
    double df;            /* the base's design df, as the proportions' */
    double deff;          /* vs SRS with replacement (R's deff = "replace") */
    double eff_base;      /* Kish effective base; NaN when every row has weight 0 */
    double min, max;      /* the smallest and largest score of the map (a chart's axis) */
    int no_interval;      /* SHOPSTAT_NO_INTERVAL_DF0: the scores vary but df is 0
                             (shopstat_totals_df0_reason): no interval (NaN, as R's
                             confint); se and deff are R's. SHOPSTAT_NO_INTERVAL_REP_UNDEFINED:
                             a replicate's weights of the base cancel, as tab's: se, deff
                             and the interval NaN */
    int quantile;         /* 1: a quantile (median, pN), whose probability is p */
    double p;             /* a quantile's probability (0.5: a median); 0 otherwise */
    int measure;          /* 1: a mean or quantile of a measure, not of a rating scale (a
                             reply time in hours, an amount): the question's levels hold a
                             number that is not whole or more than 20 distinct numbers;
                             printed with measure_decimals, not by its scale's width */
    int measure_decimals; /* a measure's decimals, every view's (0 to 3):
                             shopstat_score_measure_decimals of the largest decimals of its
                             values (shopstat_score_value_decimals) and, for a mean, the
                             width of their range (max - min): the question's values alone,
                             so one count for every segment, whichever segments a run lists
                             (until 2026-12-04 the median |estimate| over the segments
                             listed: a segment of small means could add a decimal to all).
                             A quantile's estimate and ends are values: their decimals
                             alone */
} shopstat_score_estimate;

/* Every score x segment, scores in declaration order, segments in tab's display order; for
 * a sparse plan (shopstat_plan_need) only the segments shopstat_tab_estimates lists with
 * the score's question.
 * o as shopstat_tab_estimates' (NULL for the defaults): level, want (called with the
 * score's question and the segment) and undefined_ok are used, ci is not. A domain of df 0
 * whose scores vary gets no_interval, as tab's; one at a single score its [m, m]. Errors:
 * a level with no score (SHOPSTAT_EINPUT, naming question, level and what to do), a whole
 * design of df 0 unless undefined_ok (as tab's), a lonely PSU under 'fail'. */
/* A quantile (median, pN) is R's svyquantile(~x, subset(design, segment & !is.na(x)), p)
 * with its defaults (survey 4.1.1): qrule "math", the smallest value whose cumulative weight
 * reaches p of the base's (rows of weight 0 left out), and Woodruff's interval (interval.type
 * "mean"): the proportion F of the base at or below the estimate, its interval F +- t(df)
 * SE_F from the design (the score of a 0/1 map: every design, replicates too), each end
 * mapped back through the same rule; an end below 0 or above 1, or df 0, is NaN, as R's.
 * se is R's SE(): the interval's width over 2 t(df). deff is NaN (R gives none); eff_base,
 * base_n and base_weight as a mean's. min and max are the smallest and largest level. */
shopstat_status shopstat_score_estimates(const shopstat_totals *t, const shopstat_tab_opts *o,
                                         shopstat_score_estimate **out, size_t *n,
                                         shopstat_error *err);

/* How a score reads, the one rule of every view (the score and compare tables, report.md,
 * the workbook, the charts). Decimals are two significant digits of the scale's width
 * max - min: 2 for a 1-5 mean (3.84), 1 for a 0-10 mean (6.5), 0 for a 0-100 map and an
 * NPS (+23), 3 under a width of 1; 2 when the scale has no width (NaN, min == max). A
 * measure's score (shopstat_score_estimate.measure) takes its own instead: the views ask
 * shopstat_score_estimate_decimals, which gives this for every other score. */
int shopstat_score_decimals(double min, double max);

/* A measure's decimals (shopstat_score_estimate.measure: a reply time in hours, an amount):
 * the larger of value_decimals (its values' own: 1 for hours 0.3 to 165.0, 2 for amounts
 * like 35.79) and enough for three significant digits of typical (17.3 -> 1, 165 -> 0,
 * 0.42 -> 3), at most 3; value_decimals alone when typical is 0 or not finite. The
 * estimates pass the width of the values' range as typical (0.3 to 165: 164.7 -> 0; whole
 * numbers 1 to 45: 44 -> 1), the spread that sets a mean's precision, the same for every
 * segment. Its differences take the same (+1.3 hours, not +1). */
int shopstat_score_measure_decimals(int value_decimals, double typical);

/* The fewest decimals, 0 to 3, that write x exactly (35.79 -> 2, 0.3 -> 1, 17 -> 0; 3 for
 * 0.12345 and for a non-finite x). */
int shopstat_score_value_decimals(double x);

/* The decimals every view prints e (its estimate, interval and differences) with: a
 * measure's measure_decimals, else shopstat_score_decimals(e->min, e->max) (a rating keeps
 * its scale's rule); 2 for NULL. */
int shopstat_score_estimate_decimals(const shopstat_score_estimate *e);

/* decimals: shopstat_score_decimals(min, max) (the scale's width: a measure's views pass
 * shopstat_score_estimate_decimals instead); as few as name x exactly, up to 3 ("2.5") */
#define SHOPSTAT_SCORE_AUTO (-1)
#define SHOPSTAT_SCORE_EXACT (-2)
/* flags: a sign on any value, not only when min < 0 (a difference of two scores); minus as
 * U+2212 (a chart's typography), not '-' */
#define SHOPSTAT_SCORE_SIGN 1
#define SHOPSTAT_SCORE_MINUS 2

/* A score's name and scale, as every view labels it: "Mean (1-5)", "NPS (-100 to +100)",
 * "Score (0-100)", a named map's name ("Top-2 box (0-100)"); the name alone when the scale
 * has no width or the name ends in a parenthesis of its own (a score named "Mean (1-5)" or
 * "Index (staff)" is shown as given). (The csv keeps the name: "mean", "score".) */
void shopstat_score_label(const shopstat_score_estimate *e, char *buf, size_t n);

/* Write score x of the scale [min, max] to buf (n bytes, NUL-terminated, cut to fit):
 * decimals SHOPSTAT_SCORE_AUTO, SHOPSTAT_SCORE_EXACT or a count (0 to 9); a sign when the
 * scale goes below 0 (-39, +23) or flags has SHOPSTAT_SCORE_SIGN; what rounds to 0 at
 * those decimals prints unsigned ("0", "0.00", never "-0" nor "+0"); NaN prints "n/a".
 * e is an estimate's scale: shopstat_score_format(e->estimate, e->min, e->max, ...). */
void shopstat_score_format(double x, double min, double max, int decimals, int flags, char *buf,
                           size_t n);

/* Scores declared in the plan of t. */
size_t shopstat_totals_nscores(const shopstat_totals *t);

/* 1 when score k (declaration order) is an "nps" whose question no row of the base answers
 * with 9 or more: a 1-5 or 1-7 scale taken for a 0-10 likelihood to recommend, most
 * likely, whose NPS is -100 or near it; *question and *highest (the highest answer) are
 * set for a warning (either may be NULL). 0 otherwise. */
int shopstat_score_nps_doubtful(const shopstat_totals *t, size_t k, const char **question,
                                double *highest);

/* 1 when score k (declaration order) is a quantile (median, pN), else 0. */
int shopstat_score_is_quantile(const shopstat_totals *t, size_t k);

/* The most codes shopstat_score_mean_code_doubtful names (96 to 99: four). */
#define SHOPSTAT_SCORE_MAX_CODES 4

/* The number of answers of score k (declaration order), a mean or a quantile (the first
 * of a question's means and quantiles: one warning a question), that look like "don't
 * know" or "refused" codes rather than points of the scale, as describe's start reads
 * codes: its highest answers in the base when they are 96 to 99 (or 996 to 999, 9999)
 * above answers of at most 20 (99 above answers 1 to 5; 98 and 99 together), or a 9 above
 * a scale of at most 7 points, and its negative answers below answers of 0 or more when
 * they are -96 to -99 (Qualtrics' -99), -996 to -999, -9999, or -1 to -9 with no -1
 * beside a 0 (a -1/0/+1 scale's point). The mean counts each as its number (a 1-5 rating's mean of
 * 9.8). *question, codes[0..count) (the levels' texts, lowest first, borrowed from t; room
 * for SHOPSTAT_SCORE_MAX_CODES), *lo and *hi (the range of the other answers) are set for
 * a warning (each may be NULL). 0 otherwise: another kind of score, or no such code. */
size_t shopstat_score_mean_code_doubtful(const shopstat_totals *t, size_t k,
                                         const char **question, const char **codes, double *lo,
                                         double *hi);

/* The warning of question q of t (neither ticked columns nor a score's question whose mean
 * already names the code: shopstat_score_mean_code_doubtful) whose levels are whole numbers
 * of 0 or more but for negative non-answer codes (Qualtrics' -99, seen but not answered;
 * -96 to -99, -996 to -999, -9999, as a panel codes "don't know" and "refused") that rows
 * hold: the code is shown as an answer, in the base. tab, compare, chisq and report give one
 * wording: "Q7: '-99' (6 rows) is shown as an answer among its codes of 0 or more: a code for
 * no answer (Qualtrics' -99: seen but not answered)? If so, declare it missing (--missing
 * -99)", the remedy in the spec's words with spec 1: "(the question's missing: [-99])".
 * 1 with the message in buf (len bytes, cut to fit), else 0 (buf untouched). */
int shopstat_nonanswer_warning(const shopstat_totals *t, size_t q, int spec, char *buf,
                               size_t len);

/* m_A - m_B of every score for every declared pair (shopstat_plan_add_pair, "rest" and
 * the within and subset forms included; a pair given questions, shopstat_plan_pair_question,
 * for their scores alone), overlapping segments as shopstat_compare's
 * differences: rows are shopstat_difference with level = the score's name and l = the
 * score index, nested score x pair. t, df and p as shopstat_compare's; each score x pair
 * is its own family, so p_adjusted = p_value. */
shopstat_status shopstat_compare_scores(const shopstat_totals *t, const shopstat_compare_opts *o,
                                        shopstat_difference **out, size_t *n,
                                        shopstat_error *err);

/* The share of a set of levels of single-choice question q (levels[0..nlevels): positions in
 * display order, as shopstat_estimate.l; a Likert chart's top or bottom box) compared
 * between the segments of every declared pair compared on q (every pair but those given
 * other questions by shopstat_plan_pair_question), one difference per pair in pair order, as
 * shopstat_compare_scores compares a score whose map gives those levels 1 and the others 0:
 * proportions (0 to 1) and their difference, the design-based SE with the overlap of the
 * segments, t, p; p_adjusted = p_value (each question x pair x set is a test of its own);
 * level NULL, l 0. *out is malloc'ed (free() it); SHOPSTAT_EUSAGE for a question that is
 * not single-choice or a level out of range, errors otherwise as shopstat_compare's. */
shopstat_status shopstat_compare_level_set(const shopstat_totals *t, const shopstat_compare_opts *o,
                                           size_t q, const size_t *levels, size_t nlevels,
                                           shopstat_difference **out, size_t *n,
                                           shopstat_error *err);

#ifdef __cplusplus
}
#endif
#endif
