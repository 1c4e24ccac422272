/* A program that embeds shopstat: the example of docs/library.md, built by tests/api/run.sh
 * against the installed headers and `pkg-config --cflags --libs shopstat`.
 *
 * usage: example DATA.csv
 *
 * Reads a shopper survey (tests/oracle/data/shopper.csv has these columns), declares a
 * stratified cluster design, a single-choice question, a multi-response question as 0/1
 * columns and one as codes in a cell ("1;3"), the segments
 * 'all', one per wave (--by wave) and 'heavy' (spend = 3), which overlaps both waves, and
 * two comparisons: heavy vs all and wave 2011 vs heavy. It runs the one pass and prints the
 * estimates, a blank line, and the comparisons, as the CSVs of `shopstat tab` and `shopstat
 * compare` with the same flags. A warning or an error goes to stderr; exit status 0, or 2
 * on bad input (1 on an internal failure), as the shopstat program. */
#include <stdio.h>
#include <stdlib.h>

#include <shopstat/shopstat.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA.csv\n", argv[0]);
        return 2;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *reader = NULL;
    shopstat_plan *plan = NULL;
    shopstat_totals *totals = NULL;
    shopstat_estimate *est = NULL;
    shopstat_difference *diff = NULL;
    size_t nest = 0, ndiff = 0;
    shopstat_status st;

    /* 1. Open the file: the header is read and the dialect detected now. */
    st = shopstat_reader_open(argv[1], NULL, &reader, &err);
    if (st != SHOPSTAT_OK)
        goto done;

    /* 2. The plan: the design, the questions, the segments and the pairs. The plan copies
     *    every string it is given. */
    plan = shopstat_plan_new();
    if (!plan) {
        st = shopstat_error_set(&err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    shopstat_design_opts design;
    shopstat_design_opts_init(&design);
    design.weight = "wt";
    design.strata = "region";
    design.psu = "panel";
    design.lonely = SHOPSTAT_LONELY_CERTAINTY; /* R's survey.lonely.psu = "certainty" */
    static const char *const pref[] = {"pref_email", "pref_form", "pref_phone"};
    static const char *const heavy_values[] = {"3", NULL};
    const shopstat_cond heavy = {"spend", SHOPSTAT_OP_IN, heavy_values};
    if ((st = shopstat_plan_set_design(plan, &design, &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_single(plan, "would_switch", "would_switch", &err)) !=
            SHOPSTAT_OK ||
        (st = shopstat_plan_add_multi(plan, "pref", pref, 3, &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_codes(plan, "prob", "problems", &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_by(plan, "wave", &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_segment(plan, "heavy", &heavy, 1, &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_pair(plan, "heavy", "all", &err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_pair(plan, "wave=2011", "heavy", &err)) != SHOPSTAT_OK)
        goto done;

    /* 3. The pass reads every row once (on several threads for a regular file). The totals
     *    borrow the plan; the reader is consumed and can be freed at once. */
    st = shopstat_totals_compute(plan, reader, &totals, &err);
    shopstat_reader_free(reader);
    reader = NULL;
    if (st != SHOPSTAT_OK)
        goto done;
    shopstat_accounting acc = shopstat_totals_accounting(totals);
    for (size_t q = 0; q < shopstat_totals_nquestions(totals); q++)
        if (shopstat_totals_question_partly_blank(totals, q))
            fprintf(stderr, "warning: %s: rows with some columns blank are not in its base\n",
                    shopstat_totals_question(totals, q));

    /* 4. Estimates (logit intervals at 95%, R's svyciprop defaults) and comparisons
     *    (Holm-adjusted within each question and pair). Both arrays are malloc'ed. */
    if ((st = shopstat_tab_estimates(totals, NULL, &est, &nest, &err)) != SHOPSTAT_OK ||
        (st = shopstat_compare(totals, NULL, &diff, &ndiff, &err)) != SHOPSTAT_OK)
        goto done;
    if ((st = shopstat_write_tab_csv(stdout, est, nest, NULL, 1, &err)) != SHOPSTAT_OK)
        goto done;
    putchar('\n');
    if ((st = shopstat_write_compare_csv(stdout, diff, ndiff, NULL, 1, &err)) != SHOPSTAT_OK)
        goto done;
    fprintf(stderr, "%zu rows read, %zu used; %zu strata, %zu PSUs, df %g\n", acc.read, acc.used,
            shopstat_totals_nstrata(totals), shopstat_totals_npsu(totals),
            shopstat_totals_df(totals));

done:
    if (st != SHOPSTAT_OK) {
        char line[2200];
        shopstat_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    /* Free in reverse order: the results borrow strings from the totals and the plan. */
    free(diff);
    free(est);
    shopstat_totals_free(totals);
    shopstat_plan_free(plan);
    shopstat_reader_free(reader);
    return shopstat_exit_code(st);
}
