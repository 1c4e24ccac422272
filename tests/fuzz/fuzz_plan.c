/* libFuzzer target: the --segment / --multi / --multi-codes / --base / recode / --pair parsers,
 * then a pass using them and the estimates and comparisons. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/reader.h"
#include "shopstat/compare.h"
#include "shopstat/tab.h"

/* A fixed small export the parsed plan runs over, so the parsed conditions and codes
 * questions are evaluated against real rows too. */
static const char csv[] = "a,b,c,d,w\n"
                          "1,x,18,1;3,1.5\n"
                          "2,y,40,2,0.5\n"
                          "2,,65,\"1,2,3\",2\n"
                          "3,x,NA,,1\n"
                          "1,z,-3.5,7;7,1\n";

#define FUZZ_TMP "plan"
#define FUZZ_TMP_TEXT csv
#include "fuzz_common.h"

/* Each input line is one call: its first byte picks the parser (mod 8), the rest is the
 * argument as a user would type it after the flag. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_plan *p = shopstat_plan_new();
    int ok = p && shopstat_plan_add_single(p, "qa", "a", &err) == SHOPSTAT_OK;
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    ok = ok && shopstat_plan_set_design(p, &d, &err) == SHOPSTAT_OK;
    size_t nlines = 0;
    for (char *line = buf; ok && line && nlines < 16; nlines++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!*line)
            break;
        const char *arg = line + 1;
        shopstat_status st = SHOPSTAT_OK;
        switch ((unsigned char)line[0] % 8) {
        case 0:
            st = shopstat_plan_parse_multi(p, arg, &err);
            break;
        case 1:
            st = shopstat_plan_parse_codes(p, arg, &err);
            break;
        case 2:
            st = shopstat_plan_parse_segment(p, arg, &err);
            break;
        case 3:
            st = shopstat_plan_add_recode(p, "qa", arg, "L", &err);
            break;
        case 4:
            st = shopstat_plan_add_by(p, arg, &err);
            break;
        case 6:
            st = shopstat_plan_parse_base(p, arg, &err);
            break;
        case 7:
            /* a --by set of its own, as a report table with a base makes */
            st = shopstat_plan_add_by_where(p, arg, "t", NULL, 0, &err);
            break;
        default: {
            /* "A|B" or "A|B|W": declare a comparison of two segments (within W); A may
             * name a --by set, compared value by value */
            char *bar = strchr(arg, '|');
            if (bar) {
                *bar = '\0';
                char *within = strchr(bar + 1, '|');
                if (within)
                    *within++ = '\0';
                st = shopstat_plan_add_pair_within(p, arg, bar + 1, within, &err);
            }
        }
        }
        if (st != SHOPSTAT_OK) {
            if (!err.msg[0] || err.status != st)
                abort(); /* every refusal must say why */
            ok = 0;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (ok) {
        shopstat_reader *r = NULL;
        if (shopstat_reader_open(path, NULL, &r, &err) != SHOPSTAT_OK)
            abort();
        shopstat_totals *t = NULL;
        if (shopstat_totals_compute(p, r, &t, &err) == SHOPSTAT_OK) {
            shopstat_tab_opts o;
            shopstat_tab_opts_init(&o);
            shopstat_estimate *e = NULL;
            size_t n = 0;
            if (shopstat_tab_estimates(t, &o, &e, &n, &err) == SHOPSTAT_OK)
                free(e);
            shopstat_compare_opts co;
            shopstat_compare_opts_init(&co);
            shopstat_difference *dd = NULL;
            if (shopstat_compare(t, &co, &dd, &n, &err) == SHOPSTAT_OK)
                free(dd);
        }
        shopstat_totals_free(t);
        shopstat_reader_free(r);
    }
    shopstat_plan_free(p);
    free(buf);
    return 0;
}
