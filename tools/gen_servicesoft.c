/* gen_servicesoft: writes seeded synthetic microdata reproducing the Servicesoft 1999 figures. */

/*
 * Usage: build/tools/gen_servicesoft [-v] > surveys/servicesoft-1999/respondents.csv
 * (-v: report on stderr how many drawn answers were changed to hit each target)
 *
 * The respondent-level data of the Servicesoft / Jupiter Communications survey (end of 1999,
 * 836 online buyers) were never published, only a handful of percentages. This program draws a
 * plausible stratified cluster sample (4 regions as strata, recruitment panels as PSUs, varying
 * weights) with GSL's Mersenne Twister under a fixed seed, then nudges a few answers so that the
 * WEIGHTED proportions hit the published figures to within 0.1 point (see adjust()). Every
 * choice that the article does not fix is an assumption documented in
 * surveys/servicesoft-1999/README.md. Output is byte-identical from run to run. If a published
 * figure or a qualitative statement of the article is not reproduced the program says which on
 * stderr and exits 1 (so a change of seed or of a probability cannot silently break the data).
 */

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N_RESP 836
#define N_REGION 4
#define SEED 19991231UL
#define NA (-1)
#define TOL 0.001 /* adjusted weighted proportions land within 0.1 point of the target */

/* Channels of the "preferred ways to contact customer service" multi-response question. */
enum { CH_EMAIL, CH_PHONE, CH_FORM, CH_MAIL, N_CH };
/* E-mail problems multi-response question; PR_NONE is the exclusive "no problem" box. */
enum { PR_AUTOREPLY, PR_NOREPLY, PR_SLOW, PR_UNSOLVED, PR_NONE, N_PR };

typedef struct {
    int region, panel; /* stratum 1..4, PSU 1..k nested in the region */
    double wt;
    int spend;        /* 1 < $500, 2 $500-1,999, 3 $2,000+, NA */
    int would_switch; /* 0/1 internally, NA */
    int bought_more;  /* 0/1 internally, NA */
    int satisfaction; /* 1..5, NA */
    int intent;       /* 1..5, NA */
    int pref[N_CH];   /* 0/1, all NA when the question was skipped */
    int prob[N_PR];   /* 0/1, all NA when the question was skipped */
} resp;

/* Published figures (weighted, design-based) and the few assumed ones used as targets. */
static const double T_HEAVY_SHARE = 0.27; /* assumption: not published */
static const double T_SWITCH_ALL = 0.69, T_SWITCH_HEAVY = 0.87;
static const double T_MORE_ALL = 0.65, T_MORE_HEAVY = 0.79;
static const double T_PROB_NONE = 0.05;
static const double T_PROB_UNSOLVED = 0.498; /* "près de 50 %": just under one half */

/* Regions (US census): sample sizes fixed by the generator, population shares of online buyers
 * used to build post-stratification-like weights (both assumptions). */
static const int REGION_N[N_REGION] = {150, 184, 276, 226};
static const double REGION_POP[N_REGION] = {0.20, 0.23, 0.34, 0.23};
static const int REGION_PANELS[N_REGION] = {4, 5, 6, 5};

static double expit(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double logit(double p)
{
    return log(p / (1.0 - p));
}

static int bern(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p ? 1 : 0;
}

/* Weighted proportion of y == 1 among rows with dom[i] and y[i] != NA. */
static double wprop(int n, const double *w, const int *dom, const int *y)
{
    double s = 0.0, t = 0.0;
    for (int i = 0; i < n; i++) {
        if (!dom[i] || y[i] == NA)
            continue;
        t += w[i];
        if (y[i] == 1)
            s += w[i];
    }
    return t > 0.0 ? s / t : 0.0;
}

/*
 * Flips y[i] (0 <-> 1) for a few rows with dom[i] && can[i] until the weighted proportion of
 * y == 1 in the domain (answered rows of dom) is within TOL of target. Greedy and deterministic:
 * each step flips the eligible row whose weight best closes the remaining gap (in weight units),
 * ties going to the lowest index, and stops when no flip brings the proportion closer. Returns
 * the number of flips, or -1 if the target could not be reached. Rows flipped are marked in
 * flipped[] (may be NULL) so that dependent answers can be made consistent afterwards.
 */
static int adjust(int n, const double *w, const int *dom, const int *can, int *y, double target,
                  int *flipped)
{
    int flips = 0;
    for (;;) {
        double s = 0.0, t = 0.0;
        for (int i = 0; i < n; i++) {
            if (!dom[i] || y[i] == NA)
                continue;
            t += w[i];
            if (y[i] == 1)
                s += w[i];
        }
        double gap = target * t - s; /* > 0: need more ones */
        if (fabs(gap) <= TOL * t)
            return flips;
        int want = gap > 0.0 ? 0 : 1, best = -1;
        double best_left = fabs(gap);
        for (int i = 0; i < n; i++) {
            if (!dom[i] || !can[i] || y[i] != want)
                continue;
            double left = fabs(fabs(gap) - w[i]);
            if (left < best_left) {
                best_left = left;
                best = i;
            }
        }
        if (best < 0)
            return -1;
        y[best] = 1 - want;
        if (flipped)
            flipped[best] = 1;
        flips++;
    }
}

/* Draws an index from a probability table with GSL's Walker alias method. */
static int draw(gsl_rng *r, size_t k, const double *p)
{
    gsl_ran_discrete_t *t = gsl_ran_discrete_preproc(k, p);
    if (!t) {
        fprintf(stderr, "gen_servicesoft: bad probability table\n");
        exit(1);
    }
    int v = (int)gsl_ran_discrete(r, t);
    gsl_ran_discrete_free(t);
    return v;
}

static int failures, verbose;

static void expect(int ok, const char *what, double got, double want)
{
    if (!ok) {
        fprintf(stderr, "gen_servicesoft: %s: got %.4f, want %.4f\n", what, got, want);
        failures++;
    }
}

/* Runs adjust() for one named figure; with -v reports on stderr how many answers it changed. */
static void run_adjust(const char *what, const double *w, const int *dom, const int *can, int *y,
                       double target, int *flipped)
{
    double before = wprop(N_RESP, w, dom, y);
    int flips = adjust(N_RESP, w, dom, can, y, target, flipped);
    if (flips < 0)
        expect(0, what, wprop(N_RESP, w, dom, y), target);
    else if (verbose)
        fprintf(stderr, "%-24s drawn %.4f, target %.4f, %d answer(s) changed\n", what, before,
                target, flips);
}

static void print_code(int v, int yesno)
{
    if (v == NA)
        return;
    printf("%d", yesno ? (v == 1 ? 1 : 2) : v);
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v';
    static resp R[N_RESP];
    static double w[N_RESP];
    static int all[N_RESP], heavy[N_RESP], light[N_RESP], can[N_RESP], y[N_RESP], flipped[N_RESP];
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, SEED);

    /* Design: fixed region sizes, panels of unequal size (at least 2 members each so that no
     * PSU is degenerate), panel random effects shared by the answers of its members. */
    double panel_u[N_REGION][8], panel_f[N_REGION][8];
    int i = 0;
    for (int g = 0; g < N_REGION; g++) {
        double size[8];
        for (int k = 0; k < REGION_PANELS[g]; k++) {
            size[k] = gsl_ran_flat(rng, 0.5, 1.5);
            panel_u[g][k] = gsl_ran_gaussian(rng, 0.30);
            panel_f[g][k] = gsl_ran_flat(rng, 0.80, 1.25);
        }
        for (int j = 0; j < REGION_N[g]; j++, i++) {
            R[i].region = g + 1;
            R[i].panel = draw(rng, (size_t)REGION_PANELS[g], size) + 1;
        }
    }

    /* Weights: region post-stratification factor x panel factor x individual non-response
     * factor, trimmed, scaled to mean 1 and rounded to 4 decimals. Rounding happens before any
     * adjustment so the targets hold for the weights exactly as written to the CSV. */
    double sum = 0.0;
    for (i = 0; i < N_RESP; i++) {
        int g = R[i].region - 1;
        double f = REGION_POP[g] / ((double)REGION_N[g] / N_RESP);
        double v = f * panel_f[g][R[i].panel - 1] * gsl_ran_lognormal(rng, 0.0, 0.35);
        w[i] = v < 0.25 ? 0.25 : v > 4.0 ? 4.0 : v;
        sum += w[i];
    }
    for (i = 0; i < N_RESP; i++) {
        w[i] = floor(w[i] * N_RESP / sum * 1e4 + 0.5) / 1e4;
        R[i].wt = w[i];
        all[i] = 1;
    }

    /* Spend in the previous six months (1 % item non-response). */
    static const double spend_p[3] = {0.40, 0.33, 0.27};
    for (i = 0; i < N_RESP; i++)
        R[i].spend = bern(rng, 0.01) ? NA : draw(rng, 3, spend_p) + 1;
    for (i = 0; i < N_RESP; i++) {
        y[i] = R[i].spend == NA ? NA : R[i].spend == 3;
        can[i] = R[i].spend >= 2; /* heavy <-> middle bracket only */
    }
    run_adjust("heavy share", w, all, can, y, T_HEAVY_SHARE, NULL);
    for (i = 0; i < N_RESP; i++) {
        if (R[i].spend != NA)
            R[i].spend = y[i] ? 3 : (R[i].spend == 3 ? 2 : R[i].spend);
        heavy[i] = R[i].spend == 3;
        light[i] = !heavy[i];
    }

    /* Would switch / bought more: heavy buyers drawn at their published rate, the others at
     * the rate that makes the overall figure come out, both shifted by the panel effect. Then
     * the heavy domain is adjusted first (flipping heavy buyers only), and the overall figure
     * next by flipping non-heavy buyers only, so the second step cannot undo the first. */
    int *item[2] = {NULL, NULL};
    int sw[N_RESP], bm[N_RESP];
    item[0] = sw;
    item[1] = bm;
    const double t_all[2] = {T_SWITCH_ALL, T_MORE_ALL}, t_heavy[2] = {T_SWITCH_HEAVY, T_MORE_HEAVY};
    const double miss[2] = {0.015, 0.025};
    for (int q = 0; q < 2; q++) {
        double p_light = (t_all[q] - T_HEAVY_SHARE * t_heavy[q]) / (1.0 - T_HEAVY_SHARE);
        for (i = 0; i < N_RESP; i++) {
            double p = heavy[i] ? t_heavy[q] : p_light;
            double u = panel_u[R[i].region - 1][R[i].panel - 1];
            item[q][i] = bern(rng, miss[q]) ? NA : bern(rng, expit(logit(p) + u));
        }
        run_adjust(q ? "bought_more, heavy" : "would_switch, heavy", w, heavy, heavy, item[q],
                   t_heavy[q], NULL);
        run_adjust(q ? "bought_more, all" : "would_switch, all", w, all, light, item[q], t_all[q],
                   NULL);
    }
    for (i = 0; i < N_RESP; i++) {
        R[i].would_switch = sw[i];
        R[i].bought_more = bm[i];
    }

    /* Satisfaction with the usual site's customer service (1 very dissatisfied .. 5 very
     * satisfied), higher among those who bought more; 2 % non-response. */
    static const double sat_more[5] = {0.04, 0.09, 0.25, 0.40, 0.22};
    static const double sat_less[5] = {0.14, 0.24, 0.34, 0.21, 0.07};
    for (i = 0; i < N_RESP; i++)
        R[i].satisfaction = bern(rng, 0.02)         ? NA
                            : R[i].bought_more == 1 ? draw(rng, 5, sat_more) + 1
                                                    : draw(rng, 5, sat_less) + 1;

    /* Likelihood of switching (1 very unlikely .. 5 very likely), consistent with would_switch
     * so that the top-2 box (4-5) reproduces it; skipped together with would_switch. */
    static const double int_yes[5] = {0.0, 0.0, 0.0, 0.48, 0.52};
    static const double int_no[5] = {0.22, 0.38, 0.40, 0.0, 0.0};
    for (i = 0; i < N_RESP; i++)
        R[i].intent = R[i].would_switch == NA  ? NA
                      : R[i].would_switch == 1 ? draw(rng, 5, int_yes) + 1
                                               : draw(rng, 5, int_no) + 1;

    /* Preferred contact channels (tick all that apply, at least one; 3 % skipped). E-mail is
     * clearly first for heavy buyers; the others spread over e-mail, phone and web form. */
    static const double pref_heavy[N_CH] = {0.66, 0.34, 0.30, 0.06};
    static const double pref_light[N_CH] = {0.39, 0.41, 0.37, 0.16};
    for (i = 0; i < N_RESP; i++) {
        const double *p = heavy[i] ? pref_heavy : pref_light;
        int skip = bern(rng, 0.03), any = 0;
        for (int c = 0; c < N_CH; c++) {
            R[i].pref[c] = skip ? NA : bern(rng, p[c]);
            any += R[i].pref[c] == 1;
        }
        if (!skip && !any)
            R[i].pref[draw(rng, N_CH, p)] = 1;
    }

    /* E-mail problems (tick all that apply; "no problem" exclusive; 4 % skipped). */
    static const double prob_p[PR_NONE] = {0.36, 0.41, 0.56, T_PROB_UNSOLVED};
    for (i = 0; i < N_RESP; i++) {
        if (bern(rng, 0.04)) {
            for (int k = 0; k < N_PR; k++)
                R[i].prob[k] = NA;
            continue;
        }
        R[i].prob[PR_NONE] = bern(rng, T_PROB_NONE);
        int any = 0;
        for (int k = 0; k < PR_NONE; k++) {
            R[i].prob[k] = R[i].prob[PR_NONE] ? 0 : bern(rng, prob_p[k]);
            any += R[i].prob[k];
        }
        if (!R[i].prob[PR_NONE] && !any)
            R[i].prob[draw(rng, PR_NONE, prob_p)] = 1;
    }
    /* "No problem" first: a row switched to it loses its problems, a row switched away from it
     * gets "too slow" (the most common complaint). */
    for (i = 0; i < N_RESP; i++) {
        y[i] = R[i].prob[PR_NONE];
        can[i] = 1;
        flipped[i] = 0;
    }
    run_adjust("prob_none", w, all, can, y, T_PROB_NONE, flipped);
    for (i = 0; i < N_RESP; i++) {
        if (!flipped[i])
            continue;
        R[i].prob[PR_NONE] = y[i];
        for (int k = 0; k < PR_NONE; k++)
            R[i].prob[k] = y[i] ? 0 : k == PR_SLOW;
    }
    /* Then "never solved", only among rows with some problem, and never leaving a row with no
     * box ticked. */
    for (i = 0; i < N_RESP; i++) {
        y[i] = R[i].prob[PR_UNSOLVED];
        int other = R[i].prob[PR_AUTOREPLY] + R[i].prob[PR_NOREPLY] + R[i].prob[PR_SLOW];
        can[i] = R[i].prob[PR_NONE] == 0 && (y[i] == 0 || other > 0);
    }
    run_adjust("prob_unsolved", w, all, can, y, T_PROB_UNSOLVED, NULL);
    for (i = 0; i < N_RESP; i++)
        R[i].prob[PR_UNSOLVED] = y[i];

    /* Self-check of every published figure and of the qualitative statements. */
    double p;
    p = wprop(N_RESP, w, all, sw);
    expect(fabs(p - T_SWITCH_ALL) <= TOL, "would_switch, all", p, T_SWITCH_ALL);
    p = wprop(N_RESP, w, heavy, sw);
    expect(fabs(p - T_SWITCH_HEAVY) <= TOL, "would_switch, heavy", p, T_SWITCH_HEAVY);
    p = wprop(N_RESP, w, all, bm);
    expect(fabs(p - T_MORE_ALL) <= TOL, "bought_more, all", p, T_MORE_ALL);
    p = wprop(N_RESP, w, heavy, bm);
    expect(fabs(p - T_MORE_HEAVY) <= TOL, "bought_more, heavy", p, T_MORE_HEAVY);
    for (int k = PR_UNSOLVED; k <= PR_NONE; k++) {
        for (i = 0; i < N_RESP; i++)
            y[i] = R[i].prob[k];
        double t = k == PR_NONE ? T_PROB_NONE : T_PROB_UNSOLVED;
        p = wprop(N_RESP, w, all, y);
        expect(fabs(p - t) <= TOL, k == PR_NONE ? "prob_none" : "prob_unsolved", p, t);
    }
    double ph[N_CH], pl[N_CH];
    for (int c = 0; c < N_CH; c++) {
        for (i = 0; i < N_RESP; i++)
            y[i] = R[i].pref[c];
        ph[c] = wprop(N_RESP, w, heavy, y);
        pl[c] = wprop(N_RESP, w, light, y);
    }
    /* Heavy buyers: e-mail ahead of every other channel by at least 15 points. Others: e-mail
     * not ahead of the best other channel by more than 2 points ("une grande diversité"). */
    double hmax = fmax(fmax(ph[CH_PHONE], ph[CH_FORM]), ph[CH_MAIL]);
    double lmax = fmax(fmax(pl[CH_PHONE], pl[CH_FORM]), pl[CH_MAIL]);
    expect(ph[CH_EMAIL] - hmax >= 0.15, "heavy: e-mail lead over next channel", ph[CH_EMAIL] - hmax,
           0.15);
    expect(pl[CH_EMAIL] - lmax <= 0.02, "others: e-mail lead over next channel",
           pl[CH_EMAIL] - lmax, 0.02);
    for (int g = 0; g < N_REGION; g++) {
        for (int k = 1; k <= REGION_PANELS[g]; k++) {
            int m = 0;
            for (i = 0; i < N_RESP; i++)
                m += R[i].region == g + 1 && R[i].panel == k;
            expect(m >= 2, "panel size", m, 2);
        }
    }
    gsl_rng_free(rng);
    if (failures)
        return 1;

    printf("resp_id,region,panel,wt,spend_6m,would_switch,bought_more,svc_satisfaction,"
           "switch_intent,pref_email,pref_phone,pref_form,pref_mail,prob_autoreply,prob_noreply,"
           "prob_slow,prob_unsolved,prob_none\n");
    for (i = 0; i < N_RESP; i++) {
        printf("%d,%d,%d,%.4f,", i + 1, R[i].region, R[i].panel, R[i].wt);
        print_code(R[i].spend, 0);
        putchar(',');
        print_code(R[i].would_switch, 1);
        putchar(',');
        print_code(R[i].bought_more, 1);
        putchar(',');
        print_code(R[i].satisfaction, 0);
        putchar(',');
        print_code(R[i].intent, 0);
        for (int c = 0; c < N_CH; c++) {
            putchar(',');
            print_code(R[i].pref[c], 0);
        }
        for (int k = 0; k < N_PR; k++) {
            putchar(',');
            print_code(R[i].prob[k], 0);
        }
        putchar('\n');
    }
    return ferror(stdout) ? 1 : 0;
}
