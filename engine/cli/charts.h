/* --chart for tab and compare: build chart data from results and render the file(s). */
#ifndef SHOPSTAT_CLI_CHARTS_H
#define SHOPSTAT_CLI_CHARTS_H

#include "cli/survey_args.h"
#include "shopstat/compare.h"

/* Check the chart flags (type, size, sort) before the pass, so that a typo fails at once;
 * returns 0 or the exit status after printing the error. compare: the command is compare. */
int cli_check_chart_flags(const survey_args *a, int compare);

/* Render a.chart if set; returns 0 or the exit status after printing the error. For
 * compare, diffs are the differences (default chart type: diff). */
int cli_render_charts(const survey_args *a, const shopstat_estimate *e, size_t n,
                      const shopstat_difference *diffs, size_t ndiffs);

#endif
