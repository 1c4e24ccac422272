/* --chart for tab, compare and score: build chart data from results and render the file(s). */
#ifndef SHOPSTAT_CLI_CHARTS_H
#define SHOPSTAT_CLI_CHARTS_H

#include "cli/survey_args.h"
#include "shopstat/compare.h"
#include "shopstat/score.h"

/* the command drawing: tab (bars by default), compare (differences), score (score charts) */
enum { CHARTS_TAB = 0, CHARTS_COMPARE = 1, CHARTS_SCORE = 2 };

/* Before the pass, when --chart is given: check the chart flags (type, size, sort) and load
 * the chart plugin, so that a typo or a broken installation fails at once; returns 0 or the
 * exit status after printing the error. cmd: CHARTS_TAB, _COMPARE or _SCORE. */
int cli_check_chart_flags(const survey_args *a, int cmd);

/* Render a.chart if set: a chart per question of e (n may be 0), then one score chart per
 * score of se (nse may be 0; marked for sdiffs, shopstat_compare_scores rows), each a page
 * of a PDF or a file of its own as tab's; returns 0 or the exit status after printing the
 * error. For compare, diffs are the differences (default chart type: diff); with
 * --chart-type likert, each row's side totals are compared for the same pairs in t
 * (shopstat_compare_level_set) and marked (t NULL: not). */
int cli_render_charts(const survey_args *a, const shopstat_totals *t, const shopstat_estimate *e,
                      size_t n, const shopstat_difference *diffs, size_t ndiffs,
                      const shopstat_score_estimate *se, size_t nse,
                      const shopstat_difference *sdiffs, size_t nsdiffs);

#endif
