/* libFuzzer target: the whole pass over extreme numbers, then tab's and score's printed views. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/output.h"
#include "shopstat/reader.h"
#include "shopstat/score.h"
#include "shopstat/tab.h"

/* The input's first byte picks the design and options; the rest is the data under a fixed
 * header, so every column the plan names exists and the fuzzer spends its time on the
 * values (weights of 1e-300 and 1e300, fpc, replicate weights that cancel, levels of
 * 1e300) rather than on the header. */
static const char header[] = "y,m1,m2,g,s,p,w,f,r1,r2,r3,r4\n";

#define FUZZ_TMP "pass"
#include "fuzz_common.h"

/* A printed view must not show a NaN or an infinity: "nan", "inf" in any case (levels and
 * names are replaced by fixed text before printing, so only numbers can hold them). */
static void check_text(char *buf, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++) {
        char a = (char)tolower((unsigned char)buf[i]), b = (char)tolower((unsigned char)buf[i + 1]),
             c = (char)tolower((unsigned char)buf[i + 2]);
        if ((a == 'n' && b == 'a' && c == 'n') || (a == 'i' && b == 'n' && c == 'f')) {
            fprintf(stderr, "fuzz_pass: '%.3s' in the output:\n%.*s\n", buf + i, (int)n, buf);
            abort();
        }
    }
}

/* The estimates' numbers: a proportion in [0, 1]; an SE, df, deff and interval either
 * NaN (no base weight, no interval) or finite; an interval only beside an SE, and holding
 * the estimate. */
static void check_estimates(const shopstat_estimate *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const shopstat_estimate *r = &e[i];
        if (!r->base_n || isnan(r->proportion))
            continue;
        if (!(r->proportion >= 0 && r->proportion <= 1) || isinf(r->se) || isinf(r->deff) ||
            isinf(r->ci_lower) || isinf(r->ci_upper) || !(r->base_weight >= 0) ||
            isinf(r->base_weight))
            abort();
        if (!isnan(r->ci_lower) && isnan(r->se))
            abort(); /* an interval needs an SE */
        if (isnan(r->se) && !r->no_interval && r->df > 0 && r->base_weight > 0)
            abort(); /* an SE left out says why */
        if (!r->no_interval && !isnan(r->ci_lower) &&
            !(r->ci_lower <= r->proportion + 1e-9 && r->proportion <= r->ci_upper + 1e-9))
            abort();
    }
}

/* Print the estimates in every view with fixed names and check the text. */
static void print_views(const shopstat_estimate *e, size_t n, const shopstat_totals *t,
                        const shopstat_design_opts *d, int wald)
{
    shopstat_estimate *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return;
    memcpy(c, e, n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i].variable = "V";
        c[i].level = "L";
        c[i].segment = c[i].s ? "S" : "all";
    }
    shopstat_tab_context ctx;
    memset(&ctx, 0, sizeof ctx);
    shopstat_accounting a = shopstat_totals_accounting(t);
    ctx.data = "data.csv";
    ctx.weight = d->weight ? "W" : NULL;
    ctx.strata = d->strata ? "S" : NULL;
    ctx.psu = d->psu ? "P" : NULL;
    ctx.fpc = d->fpc ? "F" : NULL;
    ctx.lonely = "fail";
    ctx.ci = wald ? "wald" : "logit";
    ctx.level = 0.95;
    ctx.rows_read = a.read;
    ctx.rows_used = a.used;
    ctx.nstrata = shopstat_totals_nstrata(t);
    ctx.npsu = shopstat_totals_npsu(t);
    ctx.df = shopstat_totals_df(t);
    ctx.repweights = d->repweights ? "R" : NULL;
    ctx.reptype = d->repweights ? "T" : NULL;
    ctx.replicates = shopstat_totals_nreplicates(t);
    char *buf = NULL;
    size_t len = 0;
    for (int view = 0; view < 3; view++) {
        FILE *f = open_memstream(&buf, &len);
        if (!f)
            break;
        shopstat_error err;
        shopstat_error_clear(&err);
        shopstat_status st = view == 0   ? shopstat_write_tab_csv(f, c, n, NULL, 1, &err)
                             : view == 1 ? shopstat_write_tab_json(f, c, n, &ctx, &err)
                                         : shopstat_write_tab_table(f, c, n, &ctx, &err);
        fclose(f);
        if (st == SHOPSTAT_OK)
            check_text(buf, len);
        free(buf);
        buf = NULL;
    }
    free(c);
}

static void print_scores(const shopstat_score_estimate *e, size_t n)
{
    shopstat_score_estimate *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return;
    memcpy(c, e, n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i].variable = "V";
        c[i].score = "mean";
        c[i].segment = "S";
        if (c[i].base_weight > 0 && !isnan(c[i].estimate) &&
            (!isfinite(c[i].estimate) || isinf(c[i].se) || isinf(c[i].ci_lower) ||
             isinf(c[i].ci_upper) || (isnan(c[i].se) && !c[i].no_interval && c[i].df > 0)))
            abort(); /* infinite, or an SE left out without saying why */
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        shopstat_error err;
        shopstat_error_clear(&err);
        shopstat_status st = shopstat_write_score_csv(f, c, n, NULL, 1, &err);
        fclose(f);
        if (st == SHOPSTAT_OK)
            check_text(buf, len);
        free(buf);
    }
    free(c);
}

static const shopstat_rep_type reptypes[] = {SHOPSTAT_REP_BRR, SHOPSTAT_REP_JK1, SHOPSTAT_REP_SDR,
                                             SHOPSTAT_REP_BOOTSTRAP};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    uint8_t o = data[0];
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fputs(header, f);
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    if (shopstat_reader_open(path, NULL, &r, &err) != SHOPSTAT_OK)
        return 0;
    shopstat_plan *p = shopstat_plan_new();
    if (!p)
        abort();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    /* bit 0: fpc; bit 1: replicate weights (else strata and PSUs); bit 2: a mean score of
     * y; bit 3: Wald intervals; bit 4: no weight column; bits 5-7: the lonely-PSU rule or
     * the replicate type */
    if (!(o & 16))
        d.weight = "w";
    if (o & 2) {
        d.repweights = "r";
        d.reptype = reptypes[(o >> 5) & 3];
    } else {
        d.strata = "s";
        d.psu = "p";
        d.lonely = (shopstat_lonely_psu)((o >> 5) % 5);
        if (o & 1)
            d.fpc = "f";
    }
    int wald = (o & 8) != 0;
    const char *multi[2] = {"m1", "m2"};
    shopstat_totals *t = NULL;
    if (shopstat_plan_set_design(p, &d, &err) || shopstat_plan_add_single(p, "y", "y", &err) ||
        shopstat_plan_add_multi(p, "m", multi, 2, &err) ||
        shopstat_plan_parse_segment(p, "seg=g:1", &err) ||
        ((o & 4) && shopstat_plan_add_score(p, "y", "mean", NULL, &err)))
        goto done;
    if (shopstat_totals_compute(p, r, &t, &err) != SHOPSTAT_OK) {
        /* a refusal says why, at a place in the file or with no place */
        if (!err.msg[0])
            abort();
        goto done;
    }
    shopstat_tab_opts to;
    shopstat_tab_opts_init(&to);
    to.ci = wald ? SHOPSTAT_CI_WALD : SHOPSTAT_CI_LOGIT;
    shopstat_estimate *e = NULL;
    size_t n = 0;
    if (shopstat_tab_estimates(t, &to, &e, &n, &err) == SHOPSTAT_OK) {
        check_estimates(e, n);
        print_views(e, n, t, &d, wald);
        free(e);
    } else if (!err.msg[0] || strstr(err.msg, "is negative or undefined")) {
        abort(); /* (a variance of NaN reaching the interval: a defect, not the input's) */
    }
    if (o & 4) {
        shopstat_score_estimate *se = NULL;
        if (shopstat_score_estimates(t, &to, &se, &n, &err) == SHOPSTAT_OK) {
            print_scores(se, n);
            free(se);
        } else if (!err.msg[0]) {
            abort();
        }
    }
done:
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    shopstat_reader_free(r);
    return 0;
}
