/* The JSON documents of `shopstat tab --format json` and `shopstat compare --format json`,
 * written by a program through the library: built by tests/api/run.sh against the installed
 * headers and archive, its output compared byte for byte with the program's for the same
 * flags (those of docs/library.md's example).
 *
 * usage: json DATA.csv tab|compare
 *
 * The writers' context comes from the totals (shopstat_tab_context_init), as a program
 * would have it: no field filled by hand. Exit status as the shopstat program's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shopstat/shopstat.h>

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "tab") != 0 && strcmp(argv[2], "compare") != 0)) {
        fprintf(stderr, "usage: %s DATA.csv tab|compare\n", argv[0]);
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
    shopstat_status st = shopstat_reader_open(argv[1], NULL, &reader, &err);
    if (st != SHOPSTAT_OK)
        goto done;
    if (!(plan = shopstat_plan_new())) {
        st = shopstat_error_set(&err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    shopstat_design_opts design;
    shopstat_design_opts_init(&design);
    design.weight = "wt";
    design.strata = "region";
    design.psu = "panel";
    design.lonely = SHOPSTAT_LONELY_CERTAINTY;
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
    st = shopstat_totals_compute(plan, reader, &totals, &err);
    shopstat_reader_free(reader);
    reader = NULL;
    if (st != SHOPSTAT_OK)
        goto done;
    shopstat_tab_opts tab;
    shopstat_tab_opts_init(&tab);
    shopstat_tab_context ctx;
    shopstat_tab_context_init(&ctx, totals, &tab);
    if (strcmp(argv[2], "tab") == 0) {
        if ((st = shopstat_tab_estimates(totals, &tab, &est, &nest, &err)) == SHOPSTAT_OK)
            st = shopstat_write_tab_json(stdout, est, nest, &ctx, &err);
    } else {
        shopstat_compare_opts cmp;
        shopstat_compare_opts_init(&cmp);
        if ((st = shopstat_compare(totals, &cmp, &diff, &ndiff, &err)) == SHOPSTAT_OK)
            st = shopstat_write_compare_json(stdout, diff, ndiff, &ctx, &cmp, &err);
    }
done:
    if (st != SHOPSTAT_OK) {
        char line[2200];
        shopstat_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    free(diff);
    free(est);
    shopstat_totals_free(totals);
    shopstat_plan_free(plan);
    shopstat_reader_free(reader);
    return shopstat_exit_code(st);
}
