/* gen_teletech: writes seeded synthetic audit data reproducing Teletech's 2011 barometer. */

/*
 * Usage: build/tools/gen_teletech [-v] > surveys/teletech-open-to-dialog-2011/respondents.csv
 * (-v: report on stderr how many drawn answers were changed to hit each target)
 *
 * Teletech International's "Open to Dialog" barometer audited the customer-service contacts of
 * 494 merchant sites (FEVAD / EBG members) in December 2011; only a few percentages were
 * published, with 2010 values for some of them. This program draws one row per audited site and
 * wave (2010 wave of assumed size 480) with GSL's Mersenne Twister under a fixed seed: sector
 * counts from a multinomial, answers from Bernoulli draws with a per-sector effect, then flips a
 * few answers so that each published figure is hit as closely as the base allows (equal
 * weights: the nearest whole count, within 0.2 point). Assumptions are documented in
 * surveys/teletech-open-to-dialog-2011/README.md. Output is byte-identical from run to run; if a
 * figure is not reproduced the program says which on stderr and exits 1.
 */

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SEED 20111201UL
#define N_SECTOR 8
#define NA (-1)
#define MAX_SITES 1000

enum { Q_PHONE, Q_PREMIUM, Q_REACHED, Q_EMAIL, Q_REPLY, N_Q };
static const char *const QNAME[N_Q] = {"phone", "premium", "reached", "email", "reply_1h"};

typedef struct {
    int id, wave, sector;
    int a[N_Q]; /* 1/0, NA where the question does not apply */
} site;

typedef struct {
    int year, n;
    double target[N_Q];
} wave_def;

/* 2011: all five published. 2010: reached, e-mail and reply published; the phone-shown and
 * premium-rate rates and the wave size are assumptions (see the README). */
static const wave_def WAVES[2] = {
    {2010, 480, {0.62, 0.50, 0.07, 0.85, 0.21}},
    {2011, 494, {0.64, 0.47, 0.22, 0.76, 0.37}},
};

/* FEVAD-like sector mix of the audited sites (assumption). */
static const double SECTOR_SHARE[N_SECTOR] = {0.18, 0.14, 0.15, 0.12, 0.10, 0.10, 0.08, 0.13};

/* Question q applies to a site when its filter question was answered 1 (or always). */
static int applies(const site *s, int q)
{
    if (q == Q_PREMIUM || q == Q_REACHED)
        return s->a[Q_PHONE] == 1;
    if (q == Q_REPLY)
        return s->a[Q_EMAIL] == 1;
    return 1;
}

static double expit(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/*
 * Flips answers to question q among the sites of one wave until the share of 1 among the sites
 * where q applies is as close to target as a whole count allows. Every site weighs 1, so any
 * eligible site will do: each step flips one drawn from the seeded generator (spreading the
 * flips over sectors instead of piling them on the first one). Returns the final proportion;
 * *flips receives the number of answers changed.
 */
static double adjust(gsl_rng *rng, site *S, int n, int year, int q, double target, int *flips)
{
    for (*flips = 0;; ++*flips) {
        int ones = 0, base = 0;
        for (int i = 0; i < n; i++) {
            if (S[i].wave != year || S[i].a[q] == NA)
                continue;
            base++;
            ones += S[i].a[q];
        }
        double gap = target * base - ones;
        if (base == 0 || fabs(gap) <= 0.5)
            return base ? (double)ones / base : 0.0;
        int want = gap > 0.0 ? 0 : 1, m = 0;
        for (int i = 0; i < n; i++)
            m += S[i].wave == year && S[i].a[q] == want;
        if (m == 0)
            return (double)ones / base;
        unsigned long k = gsl_rng_uniform_int(rng, (unsigned long)m);
        for (int i = 0; i < n; i++) {
            if (S[i].wave == year && S[i].a[q] == want && k-- == 0) {
                S[i].a[q] = 1 - want;
                break;
            }
        }
    }
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v';
    static site S[MAX_SITES];
    int failures = 0, n = 0;
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, SEED);

    /* Sector effects on the logit scale, one per sector and question, shared by both waves:
     * sectors differ in how they handle contacts, the same way from one year to the next. */
    double eff[N_SECTOR][N_Q];
    for (int g = 0; g < N_SECTOR; g++)
        for (int q = 0; q < N_Q; q++)
            eff[g][q] = gsl_ran_gaussian(rng, 0.4);

    for (int v = 0; v < 2; v++) {
        const wave_def *W = &WAVES[v];
        unsigned int cnt[N_SECTOR];
        gsl_ran_multinomial(rng, N_SECTOR, (unsigned int)W->n, SECTOR_SHARE, cnt);
        int first = n;
        for (int g = 0; g < N_SECTOR; g++) {
            if (cnt[g] < 2) {
                fprintf(stderr, "gen_teletech: sector %d has %u sites in %d\n", g + 1, cnt[g],
                        W->year);
                failures++;
            }
            for (unsigned int k = 0; k < cnt[g]; k++, n++) {
                S[n].id = n + 1;
                S[n].wave = W->year;
                S[n].sector = g + 1;
            }
        }
        /* Questions in filter order: a follow-up is drawn only once its filter is final. */
        for (int q = 0; q < N_Q; q++) {
            double p = W->target[q];
            for (int i = first; i < n; i++)
                S[i].a[q] = applies(&S[i], q)
                                ? (int)gsl_ran_bernoulli(
                                      rng, expit(log(p / (1 - p)) + eff[S[i].sector - 1][q]))
                                : NA;
            int flips;
            double got = adjust(rng, S, n, W->year, q, p, &flips);
            if (verbose)
                fprintf(stderr, "%d %-8s target %.4f, got %.4f, %d answer(s) changed\n", W->year,
                        QNAME[q], p, got, flips);
            if (fabs(got - p) > 0.002) {
                fprintf(stderr, "gen_teletech: %d %s: got %.4f, want %.4f\n", W->year, QNAME[q],
                        got, p);
                failures++;
            }
        }
    }
    gsl_rng_free(rng);
    if (failures)
        return 1;

    printf("site_id,wave,sector,wt,phone_shown,phone_premium,phone_reached,email_shown,"
           "reply_1h\n");
    for (int i = 0; i < n; i++) {
        printf("%d,%d,%d,1", S[i].id, S[i].wave, S[i].sector);
        for (int q = 0; q < N_Q; q++) {
            putchar(',');
            if (S[i].a[q] != NA)
                printf("%d", S[i].a[q]);
        }
        putchar('\n');
    }
    return ferror(stdout) ? 1 : 0;
}
