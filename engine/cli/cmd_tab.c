/* shopstat tab: weighted proportions with confidence intervals by segment, in one pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/charts.h"
#include "cli/cli.h"
#include "cli/survey_args.h"
#include "shopstat/output.h"
#include "shopstat/outfile.h"

const char cmd_tab_help[] =
    "usage: shopstat tab DATA [options]\n"
    "\n"
    "Design-based weighted proportions with confidence intervals, for every level of\n"
    "every question in every segment, from one pass over DATA (matches R's survey).\n"
    "DATA is a CSV file, or - for standard input.\n"
    "\n"
    "design:\n"
    "  --weight COL  --strata COL  --psu COL  --fpc COL\n"
    "  --lonely-psu fail|remove|certainty|adjust|average   (default fail, as R)\n"
    "  --poststratify COL[,COL] --population FILE   post-strata's totals: postStratify\n"
    "  --rake COL[,COL]=FILE (a margin each; rake) --rake-maxit N --rake-epsilon E\n"
    "replicate weights (instead of --strata/--psu/--fpc; --weight = full-sample weight):\n"
    "  --repweights PREFIX|C1,C2,...  columns PREFIX1, PREFIX2, ... (numeric order) or a list\n"
    "  --reptype brr|fay|jk1|jkn|jk2|bootstrap|sdr  scales as R's svrepdesign\n"
    "  --rho R  (fay only)  --repscale S  (not brr, fay, sdr, jk2)  --mse|--no-mse\n"
    "  --rscales a,b,...|@FILE  (jkn: required; not sdr, jk2)  --bootstrap-average K\n"
    "                                 R's svrepdesign ignores these outside the types\n"
    "                                 named, so they are refused there\n"
    "questions (repeatable):\n"
    "  --var COL                      single choice: each distinct value is a level\n"
    "  --multi NAME=COL1,COL2,...     multi-response from 0/1 columns (level = column)\n"
    "  --multi-ticked NAME=COL1,...   the same, a cell ticked when it holds 1 or a text,\n"
    "                                 not when blank or 0 (Qualtrics, SurveyMonkey);\n"
    "                                 a level shown by its column's one text (Email),\n"
    "                                 or when all hold one (Selected) by its name less\n"
    "                                 the columns' shared start (q4_Email: Email)\n"
    "                                 a column item with * ? [ is a pattern (fnmatch) for\n"
    "                                 every column it matches, in file order: Q3=Q3_*,\n"
    "                                 'ch=Which channels? / *' (not Q3_6_TEXT, the text\n"
    "                                 of Q3_6's Other box); \"a, b\" quoted keeps a comma\n"
    "  --multi-codes NAME=COL         codes in one cell, e.g. \"1;3;5\" (level = code);\n"
    "                                 a --missing code there is none (\"1;6\" with\n"
    "                                 --missing COL:6 is 1; \"6\" alone: no answer)\n"
    "  --codes-sep C                  their one separator (default ';' and ','), for\n"
    "                                 labels with a comma: \"Late, lost; Wrong\" is ';'\n"
    "  --none-in-base NAME            a multi-response question's base is every row\n"
    "                                 (of --base), a row ticking none (no code; every\n"
    "                                 0/1 column blank) counting as none: shares of all\n"
    "                                 respondents (default: rows ticking at least one)\n"
    "  --levels Q:V1,V2,...           the levels of --var or --multi-codes Q in this\n"
    "                                 order, each shown held or not (a scale's points);\n"
    "                                 it wins over a recognised text scale's order\n"
    "                                 (Strongly disagree ... Strongly agree, Don't know\n"
    "                                 after: shopstat(1), TEXT SCALES)\n"
    "                                 \"a, b\" quoted keeps a comma: a level given unquoted\n"
    "                                 as Yes, definitely is two levels no row holds\n"
    "  --labels Q:CODE=LABEL,...      show a level so (ticked: CODE is its column);\n"
    "                                 csv and json keep the codes; Q may be a list\n"
    "                                 q1,q2 or a pattern 'q*' (a grid's value labels),\n"
    "                                 or a --by column: its columns by their labels\n"
    "  --codebook FILE                a panel's value labels: a CSV of variable, value,\n"
    "                                 label (a blank variable is the one above, as SPSS\n"
    "                                 lists them); labels the questions reading a\n"
    "                                 variable (--multi-codes brands=Q3: Q3's), the\n"
    "                                 --by columns' values, the codes no row holds left\n"
    "                                 aside; --labels win\n";

/* (two strings: one would pass the 4095 bytes C compilers must take) */
const char cmd_tab_help_more[] =
    "segments ('all' always comes first):\n"
    "  --by COL                       one segment per value, named COL=VALUE; waves in\n"
    "                                 time order when they name a period or number\n"
    "                                 (Feb 2026 before Apr 2026, Q4 2026 before 2027 Q1,\n"
    "                                 Wave 9 before Wave 10); --var levels that name\n"
    "                                 periods also in time order\n"
    "  --segment NAME=COL:V1[,V2]     rows whose COL is one of the values (\"a, b\" quoted)\n"
    "  --segment 'NAME=COL:>=X'       also >, <, <=, != (numeric thresholds; X with a\n"
    "                                 decimal point, 499.5, whatever the data's mark)\n"
    "base (repeatable: rows must meet each):\n"
    "  --base COL:V1[,V2]|'COL:>=X'   every segment ('all' too) is restricted to these\n"
    "                                 rows; the others stay in the design (R: subset())\n"
    "  --exclude COL:V|'COL:>=X'      rows not in the data, nor the design (shopstat(1));\n"
    "                                 'EndDate-StartDate:<2min' (speeders), 'Q5_1..Q5_6:same'\n"
    "                                 (a grid's straight-liners)\n"
    "  --dedupe COL                   rows repeating an earlier row's COL (a respondent\n"
    "                                 exported twice) out as --exclude's, the first kept\n"
    "intervals:\n"
    "  --ci logit|xlogit|wald|wilson|asin|beta|likelihood   (default logit;\n"
    "                                 mean=wald, korn-graubard=beta, exact=beta)\n"
    "  --level 0.95                   confidence level, from 0.5 to 0.9999\n"
    "reading:\n"
    "  --delimiter C  --encoding E  --decimal-comma  --skip-rows N  --missing 98,99|Q5_*:6\n"
    "  --header-rows 2                SurveyMonkey's two header rows: 'Question / Option'\n"
    "  --threads N    threads for the pass (default: every core, or $SHOPSTAT_THREADS)\n"
    "output:\n"
    "  --format csv|json|table        (default: table on a terminal, else csv)\n"
    "  --width N                      the table view fits N columns: columns past it\n"
    "                                 in the next block, with the row labels again,\n"
    "                                 a --by column's name once over its values, the\n"
    "                                 notes wrapped; 0: no limit, one line a row\n"
    "                                 (default: $COLUMNS, else the terminal's width,\n"
    "                                 else none: a pipe or file gets one line a row)\n"
    "  -o FILE                        written atomically (nothing on failure)\n"
    "charts:\n"
    "  --chart FILE                   .pdf (one page per question), .png or .svg\n"
    "                                 (FILE-<question>.png when several questions)\n"
    "  --chart-type bars|likert|trend (trend: waves = one --by column's values)\n"
    "  --chart-size WxH  (default: 842 wide, as tall as the chart; a4 = 842x595)\n"
    "  --chart-dpi N     a PNG's pixels per inch, 72-576 (default 144; 300 for print)\n"
    "  --chart-decimals 0|1  percentages' decimals (default 1, as the table view)\n"
    "  --title T  --subtitle T  --source T  --sort all|none  --zoom\n"
    "\n"
    "csv columns: variable,level,segment,base_n,base_weight,count,proportion,se,\n"
    "             ci_lower,ci_upper,df,deff,eff_base\n";

int cmd_tab(int argc, char **argv)
{
    survey_args a;
    int rc = survey_args_parse(&a, argc, argv, ARGS_TAB);
    if (rc) {
        survey_args_free(&a);
        return rc;
    }
    if (a.nquestions == 0) {
        survey_args_free(&a);
        return cli_usage_error("tab: no question given (use --var, --multi or --multi-codes)");
    }
    shopstat_totals *t = NULL;
    if ((rc = cli_check_chart_flags(&a, CHARTS_TAB)) || (rc = survey_args_run(&a, &t))) {
        survey_args_free(&a);
        return rc;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    if (shopstat_tab_estimates(t, &a.tab, &e, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    for (size_t s = 0; s < shopstat_totals_nsegments(t); s++) {
        int empty = 1;
        for (size_t i = 0; i < n && empty; i++)
            if (e[i].s == s && e[i].base_n > 0)
                empty = 0;
        if (empty)
            survey_args_warn_empty(&a, shopstat_totals_segment(t, s),
                                   "its rows are printed with base_n 0");
        /* its questions whose estimates have no interval (estimates are in question order) */
        const char *qs[SHOPSTAT_DF0_NAMES];
        size_t nq = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].s == s && e[i].no_interval == SHOPSTAT_NO_INTERVAL_DF0 &&
                nq < SHOPSTAT_DF0_NAMES && (nq == 0 || strcmp(qs[nq - 1], e[i].variable) != 0))
                qs[nq++] = e[i].variable;
        survey_args_warn_df0(t, shopstat_totals_segment(t, s), qs, nq, "estimates");
        /* and those whose replicate estimates are undefined */
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
    shopstat_outfile *of = NULL;
    if (shopstat_outfile_open(a.output ? a.output : "-", &of, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    FILE *f = shopstat_outfile_stream(of);
    shopstat_tab_context ctx;
    survey_args_context(&a, t, &ctx);
    shopstat_status ws = SHOPSTAT_OK;
    if (fmt == FMT_CSV)
        ws = shopstat_write_tab_csv(f, e, n, NULL, 1, &err);
    else if (fmt == FMT_JSON)
        ws = shopstat_write_tab_json(f, e, n, &ctx, &err);
    /* the table view and the charts show the levels' labels (--labels, a ticked column's
     * text); csv and json keep their codes, as a report's tables.csv does */
    survey_args_label_levels(&a, t, e, n);
    survey_args_label_segments(&a, t, e, n, NULL, 0, NULL, 0, NULL, 0);
    if (fmt == FMT_TABLE)
        ws = shopstat_write_tab_table(f, e, n, &ctx, &err);
    /* (a write that failed: the file and why, "out.csv: error: cannot write: File too
     * large", not the writer's "the stream reported an error") */
    if (ws)
        shopstat_outfile_error(of, &err);
    /* the charts before the table is committed: a chart that fails leaves no table */
    rc = ws ? cli_fail(&err) : cli_render_charts(&a, t, e, n, NULL, 0, NULL, 0, NULL, 0);
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
