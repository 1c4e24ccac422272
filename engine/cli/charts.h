/* --chart for tab and compare: build chart data from results and render the file(s). */
#ifndef SHOPSTAT_CLI_CHARTS_H
#define SHOPSTAT_CLI_CHARTS_H

#include "cli/survey_args.h"
#include "shopstat/compare.h"

/* Before the pass, when --chart is given: check the chart flags (type, size, sort) and load
 * the chart plugin, so that a typo or a broken installation fails at once; returns 0 or the
 * exit status after printing the error. compare: the command is compare. */
int cli_check_chart_flags(const survey_args *a, int compare);

/* Render a.chart if set; returns 0 or the exit status after printing the error. For
 * compare, diffs are the differences (default chart type: diff). */
int cli_render_charts(const survey_args *a, const shopstat_estimate *e, size_t n,
                      const shopstat_difference *diffs, size_t ndiffs);

#endif
