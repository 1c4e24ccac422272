/* shopstat chisq: Rao-Scott second-order test of independence (R's svychisq, "F"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/survey_args.h"
#include "shopstat/compare.h"
#include "shopstat/outfile.h"
#include "shopstat/output.h"

const char cmd_chisq_help[] =
    "usage: shopstat chisq DATA [design options] --var Q [--var Q2 ...] --by S\n"
    "\n"
    "Rao-Scott second-order corrected test of independence of each question Q and the\n"
    "segment variable S under the survey design (R: svychisq(~Q + S, design,\n"
    "statistic = \"F\")): F = X^2 / tr(Delta) on d0 and d0 * df degrees of freedom.\n"
    "\n"
    "  design: --weight COL --strata COL --psu COL --fpc COL --lonely-psu RULE\n"
    "          or --weight COL --repweights PREFIX --reptype TYPE [--rho R --repscale S\n"
    "          --rscales a,b,...|@FILE --mse|--no-mse] (replicate weights; see 'shopstat help tab')\n"
    "  --base COL:V1[,V2]|COL:>=X  test within these rows (R: svychisq on subset());\n"
    "          repeatable\n"
    "  --exclude COL:V1[,V2]|COL:>=X  leave these rows out of the data, design included\n"
    "          (R: dropped before svydesign); repeatable, counted as excluded by condition\n"
    "  --dedupe COL  rows repeating an earlier row's COL left out so, the first kept\n"
    "  reading: --delimiter C --encoding E --decimal-comma --skip-rows N --missing 98,99|Q5_*:6\n"
    "          --header-rows 2 (SurveyMonkey's two header rows)\n"
    "  --format csv|json|table (default: table on a terminal, csv otherwise)  -o FILE\n"
    "  --width N  the table view's lines wrapped at N columns (0: no limit; default: $COLUMNS,\n"
    "          else the terminal's width, else none)\n"
    "  --threads N  threads for the pass (default: every core, or $SHOPSTAT_THREADS)\n"
    "\n"
    "csv columns: variable,by,statistic,ndf,ddf,p_value\n"
    "json: those fields under \"results\", the rows read, used and excluded under \"rows\";\n"
    "table: one line per question, then the rows read, used and excluded.\n";

static void write_csv(FILE *f, const shopstat_chisq_result *res, size_t nq)
{
    fputs("variable,by,statistic,ndf,ddf,p_value\n", f);
    for (size_t q = 0; q < nq; q++) {
        char b[40];
        shopstat_csv_field(f, res[q].variable);
        fputc(',', f);
        shopstat_csv_field(f, res[q].by);
        const double v[] = {res[q].statistic, res[q].ndf, res[q].ddf, res[q].p_value};
        for (int k = 0; k < 4; k++)
            fprintf(f, ",%s", shopstat_format_double(v[k], b, sizeof b));
        fputc('\n', f);
    }
}

/* {"test": ..., "results": [{"variable", "by", "statistic", "ndf", "ddf", "p_value"}]};
 * a statistic that cannot be computed is null. */
static void write_json(FILE *f, const shopstat_chisq_result *res, size_t nq,
                       const shopstat_tab_context *ctx)
{
    fputs("{\"test\": \"Rao-Scott second-order corrected F (svychisq, statistic = \\\"F\\\")\",\n",
          f);
    /* row accounting as in compare's JSON: read = used + excluded (by reason) */
    fprintf(f, " \"rows\": {\"read\": %zu, \"used\": %zu, \"excluded\": %zu", ctx->rows_read,
            ctx->rows_used, ctx->rows_excluded);
    shopstat_write_rows_reasons_json(f, ctx);
    if (ctx->base) {
        fprintf(f, ", \"outside_base\": %zu, \"base\": ", ctx->rows_outside_base);
        shopstat_json_string(f, ctx->base);
    }
    fputs("},\n \"results\": [", f);
    for (size_t q = 0; q < nq; q++) {
        fputs(q ? ",\n  {\"variable\": " : "\n  {\"variable\": ", f);
        shopstat_json_string(f, res[q].variable);
        fputs(", \"by\": ", f);
        shopstat_json_string(f, res[q].by);
        const char *names[] = {"statistic", "ndf", "ddf", "p_value"};
        const double v[] = {res[q].statistic, res[q].ndf, res[q].ddf, res[q].p_value};
        for (int k = 0; k < 4; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            shopstat_json_number(f, v[k]);
        }
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

/* One line per question: "would_switch by spend_6m  F = 18.23 on 1.98 and 1654.81 df,
 * p < 0.001". */
static shopstat_status write_table(FILE *out, const shopstat_chisq_result *res, size_t nq,
                                   const shopstat_tab_context *ctx, shopstat_error *err)
{
    /* every line wrapped at the view's width when it has one */
    shopstat_notes notes;
    FILE *f = shopstat_notes_begin(&notes, out, ctx->width);
    int w = 0;
    for (size_t q = 0; q < nq; q++) {
        int n = (int)(strlen(res[q].variable) + strlen(res[q].by) + 4);
        w = n > w ? n : w;
    }
    for (size_t q = 0; q < nq; q++) {
        char lhs[512], p[32];
        snprintf(lhs, sizeof lhs, "%s by %s", res[q].variable, res[q].by);
        if (!isfinite(res[q].p_value) && res[q].ddf == 0)
            snprintf(p, sizeof p, "p n/a (df 0)");
        else if (!isfinite(res[q].p_value))
            snprintf(p, sizeof p, "p n/a");
        else if (res[q].p_value < 0.001)
            snprintf(p, sizeof p, "p < 0.001");
        else
            snprintf(p, sizeof p, "p = %.3f", res[q].p_value);
        fprintf(f, "%-*s  F = %.2f on %.2f and %.2f df, %s\n", w, lhs, res[q].statistic,
                res[q].ndf, res[q].ddf, p);
    }
    fputs("Rao-Scott second-order corrected F test of independence under the survey design.\n", f);
    for (size_t q = 0; q < nq; q++)
        if (res[q].ddf == 0) {
            fprintf(f,
                    "df 0: the rows %s lie within one PSU per stratum, so F has no "
                    "denominator degrees of freedom and no p-value (R: NaN).\n",
                    ctx->base ? "of --base" : "of the design");
            break;
        }
    shopstat_write_rows_line(f, ctx, NULL);
    return shopstat_notes_end(&notes, err);
}

int cmd_chisq(int argc, char **argv)
{
    survey_args a;
    int rc = survey_args_parse(&a, argc, argv, ARGS_CHISQ);
    if (rc) {
        survey_args_free(&a);
        return rc;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    if (a.nquestions == 0 || !a.chisq_by) {
        survey_args_free(&a);
        return cli_usage_error("chisq: give --var Q and --by S");
    }
    if (shopstat_plan_add_by(a.plan, a.chisq_by, &err)) {
        survey_args_free(&a);
        return cli_fail(&err);
    }
    shopstat_totals *t = NULL;
    if ((rc = survey_args_run(&a, &t))) {
        survey_args_free(&a);
        return rc;
    }
    shopstat_outfile *of = NULL;
    size_t nq = shopstat_totals_nquestions(t);
    shopstat_chisq_result *res = calloc(nq, sizeof *res);
    if (!res) {
        rc = cli_oom();
        goto done;
    }
    for (size_t q = 0; q < nq; q++) {
        if (shopstat_chisq(t, q, a.chisq_by, &res[q], &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        if (res[q].ddf == 0)
            cli_warn("chisq %s by %s: design df 0 (the rows %s lie within one PSU per "
                     "stratum): F and ndf are given, its p-value is left empty",
                     res[q].variable, res[q].by, a.base ? "of --base" : "of the design");
    }
    if (shopstat_outfile_open(a.output ? a.output : "-", &of, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    int fmt = a.format;
    if (fmt == FMT_AUTO)
        fmt = !a.output && isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_CSV;
    FILE *f = shopstat_outfile_stream(of);
    shopstat_tab_context ctx;
    survey_args_context(&a, t, &ctx);
    shopstat_status ws = SHOPSTAT_OK;
    if (fmt == FMT_JSON)
        write_json(f, res, nq, &ctx);
    else if (fmt == FMT_TABLE)
        ws = write_table(f, res, nq, &ctx, &err);
    else
        write_csv(f, res, nq);
    if (ws || shopstat_outfile_error(of, &err)) {
        shopstat_outfile_error(of, &err); /* (a failed write: the file and why) */
        shopstat_outfile_abort(of);
        rc = cli_fail(&err);
    } else if (shopstat_outfile_commit(of, &err)) {
        rc = cli_fail(&err);
    }
done:
    free(res);
    shopstat_totals_free(t);
    survey_args_free(&a);
    return rc;
}
