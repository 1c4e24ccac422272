/* Chart data built from results: one chart per question from tab estimates and comparisons. */
#ifndef SHOPSTAT_CHARTSET_H
#define SHOPSTAT_CHARTSET_H

#include <stddef.h>

#include "shopstat/chart.h"
#include "shopstat/compare.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Labels for display: return the label of a question (level and segment NULL), of a level
 * of a question (segment NULL) or of a segment (question and level NULL); NULL = use the
 * name. The returned string must live as long as the chart set. */
typedef const char *(*shopstat_label_fn)(void *ctx, const char *question, const char *level,
                                         const char *segment);

typedef struct shopstat_chartset_opts {
    shopstat_chart_type type;   /* BARS, LIKERT, TREND from estimates; DIFF from differences */
    const shopstat_difference *diffs; /* optional: significance markers (bars) or the data
                                         of a DIFF chart; a bar of effective base under 10
                                         is not marked, nor an A:rest pair whose
                                         eff_base_b (the rest's) is under 10 */
    size_t ndiffs;
    double alpha;               /* a difference is significant when p_adjusted < alpha */
    shopstat_label_fn label;    /* may be NULL */
    void *label_ctx;
    const char *base_note;      /* footer base description; NULL = a generic one */
    int multi_response;         /* 1 = the caller knows the questions are multi-response;
                                   0 (default) = guessed: a segment's proportions add to
                                   more than 1 */
    /* LIKERT: the comparisons of each row's side totals (shopstat_compare_level_set rows of
     * the levels left of the centre, l = 0, and right of it, l = 1; q as the estimates'),
     * which mark the totals as bars are marked (letters, triangles against the rest, at
     * p_adjusted < alpha; effective bases under 10 not tested). A Likert chart marks its
     * totals only: diffs of single levels mark nothing on it. */
    const shopstat_difference *side_diffs;
    size_t nside_diffs;
    /* DIFF (appended): a single-choice question of two levels has two rows of differences
     * that mirror each other (yes +24.8 points, no -24.8, the same interval reversed and the
     * same p): the chart draws one, the level that reads as yes, unless this is 1. The row
     * kept: a level labelled (or coded) yes, y, true, oui, ja, si (any case), else the other
     * of one labelled no, n, false, non, nein; else the level coded 1 beside one coded 0;
     * else the first level, in the order given (a spec's values: or recode: order). Only
     * when every comparison's two rows do mirror (within 1e-9), none missing. TREND: such
     * a question's two lines mirror each other too (each wave's shares sum to 1): the
     * chart draws the same level's line alone, unless this is 1. */
    int diff_all_levels;
    /* 1 = the diffs' p_adjusted are p-values not adjusted for multiple comparisons
     * (SHOPSTAT_ADJUST_NONE): the markers' footer says "p < 0.05", not "adjusted p < 0.05"
     * (appended; 0 by default) */
    int unadjusted;
} shopstat_chartset_opts;

/* Fill o with the defaults: bars, alpha 0.05, every pointer NULL and count 0. o must not
 * be NULL. */
void shopstat_chartset_opts_init(shopstat_chartset_opts *o);

/* Owns the chart data of every question. Opaque. */
typedef struct shopstat_chartset shopstat_chartset;

/* Build one chart per question of e[0..n) (shopstat_tab_estimates order). For TREND the
 * waves are the segments other than 'all', in order. For DIFF every pair is a comparison
 * row; multi-response questions are flagged for the footer. */
shopstat_status shopstat_chartset_build(const shopstat_estimate *e, size_t n,
                                        const shopstat_chartset_opts *o,
                                        shopstat_chartset **out, shopstat_error *err);
/* Build one score chart (SHOPSTAT_CHART_SCORE) per score of e[0..n) (shopstat_score_estimates
 * order: a score's segments together), one row per segment with its estimate and interval on
 * the score's scale [min, max]. Its one level is the score: code its name, label the axis
 * title ("Net Promoter Score" for an NPS named NPS on -100 to +100, else
 * shopstat_score_label's "Mean (1-5)"). o as for shopstat_chartset_build, type ignored:
 * o->diffs may hold shopstat_compare_scores rows (others are skipped), matched to a score by
 * variable and level = the score's name, which mark the rows as bars are marked (letters,
 * triangles against the rest, the sig note; the rest note says when none is significant or
 * none was tested). Strings are borrowed from e and o. */
shopstat_status shopstat_chartset_build_scores(const shopstat_score_estimate *e, size_t n,
                                               const shopstat_chartset_opts *o,
                                               shopstat_chartset **out, shopstat_error *err);
/* Build one score chart of several items (a grid's): e[0..n) holds one score of each item
 * by segment, an item's segments together (items in order, the same segments in each), as
 * shopstat_score_estimates gives them. The chart's levels are the items (code the variable,
 * label o->label's question label, else the variable), a group of rows each, one row per
 * segment; its cells[item * nseries + segment] the estimates, its item_bases each row's
 * bases, score_axis the score's label as shopstat_chartset_build_scores titles its axis.
 * o->diffs may hold shopstat_compare_scores rows, matched to an item by variable and level =
 * the score's name, which mark that item's rows as bars are marked (letters within the
 * item, triangles against the rest); the sig note and the rest note as for
 * shopstat_chartset_build_scores. Fails with SHOPSTAT_EINPUT when the items' segments or
 * scores differ. Strings are borrowed from e and o. */
shopstat_status shopstat_chartset_build_score_items(const shopstat_score_estimate *e, size_t n,
                                                    const shopstat_chartset_opts *o,
                                                    shopstat_chartset **out, shopstat_error *err);
size_t shopstat_chartset_count(const shopstat_chartset *s);
const shopstat_chart_data *const *shopstat_chartset_charts(const shopstat_chartset *s);
/* Text explaining the significance markers (for shopstat_chart_opts.sig_note); may be NULL.
 * Bars are marked for comparisons with adjusted p < alpha: a letter for each series the bar is
 * significantly higher than (A = the first series), and for a pair A:rest, whose rest has no
 * bar, a triangle on A's bar: up (U+25B2) when A is higher than the rest, down (U+25BC) when
 * lower. The text explains only the kinds of marks some bar of the set carries. */
const char *shopstat_chartset_sig_note(const shopstat_chartset *s);
/* A footer line for shopstat_chart_opts.notes: for a DIFF set with A:rest pairs ("Heavy
 * buyers minus the rest"), who the rest are ("The rest: those not in Heavy buyers."); for a
 * BARS set given comparisons of which no bar carries a mark, that none is significant, or
 * that none was tested (effective bases under 10); NULL otherwise. Valid until the set is
 * freed. */
const char *shopstat_chartset_rest_note(const shopstat_chartset *s);
void shopstat_chartset_free(shopstat_chartset *s);

#ifdef __cplusplus
}
#endif
#endif
