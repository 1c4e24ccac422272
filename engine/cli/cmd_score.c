/* shopstat score: a rating's mean, NPS or any scoring of a question's levels, by segment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/charts.h"
#include "cli/cli.h"
#include "cli/survey_args.h"
#include "shopstat/outfile.h"
#include "shopstat/output.h"
#include "shopstat/score.h"

const char cmd_score_help[] =
    "usage: shopstat score DATA [design, segment, base and reading options as in tab]\n"
    "                      --score Q[:MAP] [--score ...]\n"
    "\n"
    "The score of a single-choice question in every segment: the weighted mean of a number\n"
    "given to each level (a 1-5 rating's mean, a Net Promoter Score), with its design-based\n"
    "SE and interval m +- t(df) SE (R's svymean and confint(..., df = degf(...))); or a\n"
    "quantile of a number column (median spend, p90 of wait times; R's svyquantile).\n"
    "\n"
    "  --score Q[:MAP]  question Q (column Q, added unless --var gives it) and its map:\n"
    "                   mean (the default)  each level read as a number (\"4\", \"2.5\"; a\n"
    "                                       labelled point \"10 - Extremely likely\" as 10)\n"
    "                   nps                 0-10: 0-6 -100, 7-8 0, 9-10 100 (the mean is\n"
    "                                       the NPS, from -100 to 100)\n"
    "                   V=S,V=S,...         a level's text or a range A-B of numeric levels\n"
    "                                       (labelled points in: 0-6 holds \"0 - Not at all\")\n"
    "                                       and its score: 1-2=0,3=50,4-5=100\n"
    "                   median, pN          a quantile of the values (N a percent, 0-100:\n"
    "                                       p25, p90), not a mean: R's svyquantile, its\n"
    "                                       Woodruff interval and SE; each value must be a\n"
    "                                       number, at most 10000 distinct; compare takes none"
    "                   Every level rows hold must get a score: declare the others missing\n"
    "                   in their column (--missing Q5_1:99, a \"Don't know\"), they then leave the "
    "base.\n"
    "  --level 0.95     confidence level, from 0.5 to 0.9999\n"
    "  --by COL  --segment NAME=COL:V1[,V2]  --base COL:V1[,V2]   as in tab\n"
    "  --labels COL:V=LABEL,...  --codebook FILE   a --by column's values shown by their\n"
    "                   labels in the table view and the charts, as in tab\n"
    "  --exclude COL:V1[,V2]   rows left out of the data and the design, as in tab\n"
    "  --dedupe COL            rows repeating an earlier row's COL left out so,\n"
    "                          the first of each kept\n"
    "  design: --weight --strata --psu --fpc --lonely-psu, replicate weights: as in tab\n"
    "  reading: --delimiter --encoding --decimal-comma --skip-rows --header-rows\n"
    "           --missing --threads\n"
    "  --format csv|json|table (default: table on a terminal, else csv)  -o FILE\n"
    "  --width N        the table view fits N columns: columns past it in the next\n"
    "                   block, the row labels again; 0: no limit (default: $COLUMNS,\n"
    "                   else the terminal's width, else none)\n"
    "  --chart FILE     score chart: a dot and its interval per segment on the score's\n"
    "                   scale; .pdf (one page per score), .png or .svg (a file each)\n"
    "  --chart-size WxH  --chart-dpi N  --title T  --subtitle T  --source T  --zoom\n"
    "                   as in tab\n"
    "  --chart-type score|trend  score (default): a chart per score; trend: each score's\n"
    "                   line across the --by values (the waves), as a report's chart: trend;\n"
    "                   no --sort: the segments keep their order\n"
    "\n"
    "csv columns: variable,score,segment,base_n,base_weight,estimate,se,ci_lower,ci_upper,\n"
    "             df,deff,eff_base\n"
    "compare takes --score too: the difference of the scores of each --pair.\n";

/* A score's value in the table view, as every view writes it (score.h) */
static void fmt_value(char *b, size_t n, const shopstat_score_estimate *r, double x)
{
    shopstat_score_format(x, r->min, r->max, shopstat_score_estimate_decimals(r), 0, b, n);
}

/* One block per run of scores of one question: rows = its scores, columns = segments,
 * cells "3.42 [3.31, 3.53]", the bases below. */
static int write_table(FILE *f, const shopstat_score_estimate *e, size_t n, size_t nseg,
                       const survey_args *a, const shopstat_totals *t)
{
    int any_low = 0, any_empty = 0;
    shopstat_df0_names df0, undef; /* no interval: df 0, replicates undefined */
    shopstat_df0_names_init(&df0);
    shopstat_df0_names_init(&undef);
    char(*cells)[160] = calloc(n ? n : 1, sizeof *cells);
    char(*bases)[64] = calloc(nseg ? nseg : 1, sizeof *bases);
    if (!cells || !bases) {
        free(cells);
        free(bases);
        return cli_oom();
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_score_estimate *r = &e[i];
        if (!r->base_n || isnan(r->estimate)) {
            snprintf(cells[i], sizeof cells[i], "-");
            any_empty = 1;
            continue;
        }
        char m[32], lo[32], hi[32];
        fmt_value(m, sizeof m, r, r->estimate);
        fmt_value(lo, sizeof lo, r, r->ci_lower);
        fmt_value(hi, sizeof hi, r, r->ci_upper);
        int low = !(r->eff_base >= 30);
        any_low |= low;
        if (r->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED) {
            shopstat_df0_add(&undef, r->segment);
            snprintf(cells[i], sizeof cells[i], "%s [no SE]%s", m, low ? "*" : "");
        } else if (r->no_interval) {
            shopstat_df0_add(&df0, r->segment);
            snprintf(cells[i], sizeof cells[i], "%s [df 0]%s", m, low ? "*" : "");
        } else if (isnan(r->ci_lower))
            snprintf(cells[i], sizeof cells[i], "%s [-]%s", m, low ? "*" : "");
        else
            snprintf(cells[i], sizeof cells[i], "%s [%s, %s]%s", m, lo, hi, low ? "*" : "");
    }
    size_t width = survey_args_width(a);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && e[j].q == e[i].q)
            j++;
        /* the question's grid: a row per score, the bases below; a column per segment */
        shopstat_textgrid *g = shopstat_textgrid_new(nseg, e[i].variable, 4);
        if (!g) {
            free(cells);
            free(bases);
            return cli_oom();
        }
        for (size_t s = 0; s < nseg; s++) {
            const shopstat_score_estimate *r = &e[i + s];
            if (r->base_n && isnan(r->eff_base))
                snprintf(bases[s], sizeof bases[s], "%zu (eff. -)", r->base_n);
            else
                snprintf(bases[s], sizeof bases[s], "%zu (eff. %.0f)", r->base_n,
                         r->base_n ? r->eff_base : 0);
            const char *group, *short_name;
            shopstat_segment_head(t, r->s, r->segment, &group, &short_name);
            shopstat_textgrid_head(g, s, r->segment, group, short_name);
        }
        for (size_t k = i; k < j; k += nseg) {
            shopstat_textgrid_row(g, e[k].score, 0);
            for (size_t s = 0; s < nseg; s++)
                shopstat_textgrid_cell(g, s, cells[k + s]);
        }
        shopstat_textgrid_row(g, "base", 0);
        for (size_t s = 0; s < nseg; s++)
            shopstat_textgrid_cell(g, s, bases[s]);
        shopstat_status st = shopstat_textgrid_write(f, g, width, NULL);
        shopstat_textgrid_free(g);
        if (st) {
            free(cells);
            free(bases);
            return cli_oom();
        }
        fputc('\n', f);
        i = j;
    }
    free(cells);
    free(bases);
    /* the notes, wrapped at the view's width when it has one */
    shopstat_notes notes;
    FILE *out = f;
    f = shopstat_notes_begin(&notes, out, width);
    char note[2000];
    shopstat_design_note(&a->data_opts.design, shopstat_totals_fpc_fractions(t), note, sizeof note);
    size_t nquant = 0;
    for (size_t i = 0; i < n; i++)
        nquant += e[i].quantile != 0;
    if (nquant < n)
        fprintf(f, "Weighted means with %g%% intervals (mean +- t(df) SE).%s%s\n",
                100 * a->tab.level, note[0] && !nquant ? " " : "", nquant ? "" : note);
    if (nquant)
        fprintf(f,
                "Quantiles (median, pN: R's svyquantile) with %g%% Woodruff intervals: the "
                "share at or below the quantile +- t(df) SE, mapped back to values (n/a: that "
                "end passes 0 or 100%%).%s%s\n",
                100 * a->tab.level, note[0] ? " " : "", note);
    if (a->base)
        fprintf(f, "Base: rows of the segment meeting %s that answered.\n", a->base);
    else
        fputs("Base: rows of the segment that answered.\n", f);
    if (any_low)
        fputs("* effective base under 30: read with caution.\n", f);
    if (df0.n) {
        shopstat_df0_note(&df0, t, note, sizeof note);
        fprintf(f, "[df 0] %s\n", note);
    }
    if (undef.n) {
        shopstat_rep_undefined_note(&undef, note, sizeof note);
        fprintf(f, "[no SE] %s\n", note);
    }
    if (any_empty)
        fputs("- no row of this segment with weight answered.\n", f);
    shopstat_tab_context ctx;
    survey_args_context(a, t, &ctx);
    /* (a failed write is the caller's to report: shopstat_outfile_error names the file) */
    shopstat_write_rows_line(f, &ctx, NULL);
    if (shopstat_notes_end(&notes, NULL) == SHOPSTAT_ENOMEM)
        return cli_oom();
    return 0;
}

int cmd_score(int argc, char **argv)
{
    survey_args a;
    int rc = survey_args_parse(&a, argc, argv, ARGS_SCORE);
    if (rc) {
        survey_args_free(&a);
        return rc;
    }
    if (a.nscores == 0) {
        survey_args_free(&a);
        return cli_usage_error("score: no score given (use --score QUESTION[:MAP])");
    }
    shopstat_totals *t = NULL;
    if ((rc = cli_check_chart_flags(&a, CHARTS_SCORE)) || (rc = survey_args_run(&a, &t))) {
        survey_args_free(&a);
        return rc;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_score_estimate *e = NULL;
    size_t n = 0;
    shopstat_outfile *of = NULL;
    if (shopstat_score_estimates(t, &a.tab, &e, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    size_t nseg = shopstat_totals_nsegments(t);
    for (size_t s = 0; s < nseg; s++) {
        int empty = 1;
        for (size_t i = 0; i < n && empty; i++)
            if (e[i].s == s && e[i].base_n > 0)
                empty = 0;
        if (empty)
            survey_args_warn_empty(&a, shopstat_totals_segment(t, s),
                                   "its rows are printed with base_n 0");
        const char *qs[SHOPSTAT_DF0_NAMES];
        size_t nq = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].s == s && e[i].no_interval == SHOPSTAT_NO_INTERVAL_DF0 &&
                nq < SHOPSTAT_DF0_NAMES && (nq == 0 || strcmp(qs[nq - 1], e[i].variable) != 0))
                qs[nq++] = e[i].variable;
        survey_args_warn_df0(t, shopstat_totals_segment(t, s), qs, nq, "scores");
        nq = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].s == s && e[i].no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED &&
                nq < SHOPSTAT_DF0_NAMES && (nq == 0 || strcmp(qs[nq - 1], e[i].variable) != 0))
                qs[nq++] = e[i].variable;
        survey_args_warn_rep_undefined(shopstat_totals_segment(t, s), qs, nq);
    }
    int fmt = a.format;
    if (fmt == FMT_AUTO)
        fmt = !a.output && isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_CSV;
    if (shopstat_outfile_open(a.output ? a.output : "-", &of, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    FILE *f = shopstat_outfile_stream(of);
    shopstat_tab_context ctx;
    survey_args_context(&a, t, &ctx);
    ctx.ci = "t";
    if (fmt == FMT_CSV)
        shopstat_write_score_csv(f, e, n, NULL, 1, NULL);
    else if (fmt == FMT_JSON)
        shopstat_write_score_json(f, e, n, &ctx, NULL);
    /* the table view and the charts show a --by value by its label (--labels wave:1=...,
     * the codebook's), as tab's do; csv and json keep COL=VALUE */
    survey_args_label_segments(&a, t, NULL, 0, NULL, 0, NULL, 0, e, n);
    if (fmt == FMT_TABLE)
        rc = write_table(f, e, n, nseg, &a, t);
    /* a write that failed: the file and why ("out.csv: error: cannot write: No space left
     * on device"), before the charts */
    if (!rc && shopstat_outfile_error(of, &err))
        rc = cli_fail(&err);
    /* the charts before the table is committed: a chart that fails leaves no table */
    if (!rc && a.chart)
        rc = cli_render_charts(&a, t, NULL, 0, NULL, 0, e, n, NULL, 0);
    if (rc)
        shopstat_outfile_abort(of);
    else if (shopstat_outfile_commit(of, &err))
        rc = cli_fail(&err);
done:
    free(e);
    shopstat_totals_free(t);
    survey_args_free(&a);
    return rc;
}
