/* The multi-page report PDF: a title page, then the charts (drawn in plots/). */
#ifndef SHOPSTAT_REPORT_PDF_H
#define SHOPSTAT_REPORT_PDF_H

#include <stddef.h>

#include "shopstat/chart.h"
#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the title page says. Strings are UTF-8 and may be NULL (then omitted). */
typedef struct shopstat_title_page {
    const char *title;
    const char *subtitle;
    const char *survey;       /* survey id, shown under the title */
    const char *notice;       /* e.g. the synthetic-data statement, drawn in a box */
    const char *const *lines; /* nlines paragraphs: design summary, accounting, CI method */
    size_t nlines;
    /* The contents' titles (appended; NULL = each section's first chart's title): the
     * title of table t is table_titles[t] (t < ntable_titles), t as tables[] gives it. */
    const char *const *table_titles;
    size_t ntable_titles;
    /* The run's warnings, as run.json lists them (appended; nwarnings 0 = none): a block
     * "Warnings" under the lines, so that a reader of the PDF alone sees them (a rake that did
     * not converge, a population file of shares, a segment without rows); the first
     * SHOPSTAT_TITLE_WARNINGS_MAX, then "... and N more (run.json lists them all)". */
    const char *const *warnings;
    size_t nwarnings;
} shopstat_title_page;

#define SHOPSTAT_TITLE_WARNINGS_MAX 8

/* Write path (a PDF): the title page, the contents, then charts[0..n), each drawn with its
 * d->opts when set, else opts (NULL = defaults). The contents (after the title page, over as
 * many pages as they need) list the sections, a table's charts each (tables[], below; without
 * it each chart), by tp->table_titles (else the first chart's title), each with the page it
 * starts on and a link to it (a named destination); the PDF's outline (bookmarks) lists the
 * contents and the sections alike. Every page after the title page carries its number at its
 * foot ("Page 3"). Every page has opts' size (A4 landscape by default), so
 * the report prints as one document: a chart of another size is drawn at its own size when
 * it fits (centred), scaled down to the page's width, and to its height when that keeps 80%
 * of it. A taller bar or difference chart is laid out again over pages of opts' size, whole
 * levels (a level's bars, a difference row) on each, each page with the title ("TITLE
 * (continued)" after the first), the legend, the value axis and the footer; a taller Likert or
 * trend chart is scaled down to the page.
 * Score charts (type SHOPSTAT_CHART_SCORE) are drawn compact (shopstat_chart_opts compact):
 * tables (NULL = none) gives the table each chart is drawn for, tables[i] for charts[i], and
 * each page takes the charts that follow, in order, as long as they fit, each as tall as its
 * rows need, one under the other: a chart and its table's score charts are kept together
 * (when they do not all fit under the charts above them, they start the next page), score
 * charts with no chart of their table before them and charts alone in their table share
 * pages with what follows them (a score chart too tall for a page alone gets pages of its
 * own, as a chart does). The file is
 * written to a temporary file next to path and renamed when complete; the PDF dates are
 * fixed, so the same input gives the same bytes.
 * Errors as shopstat_chart_render_pages(). */
shopstat_status shopstat_report_pdf_write(const char *path, const shopstat_title_page *tp,
                                          const shopstat_chart_data *const *charts,
                                          const size_t *tables, size_t n,
                                          const shopstat_chart_opts *opts, shopstat_error *err);

#ifdef __cplusplus
}
#endif
#endif
