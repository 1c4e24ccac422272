/* chartdemo: renders every chart type from fixed synthetic data (modelled on the seed studies). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/chart.h"

#define SOURCE                                                                                     \
    "Synthetic data built to match published figures (Servicesoft customer-service study 1999; "   \
    "Teletech mystery-shopping benchmark 2010-2011); not the original microdata."

#define MAXC 64

/* Wilson score interval from an effective base: only to give the demo plausible whiskers. */
static shopstat_chart_cell cell(double p, double neff)
{
    double z = 1.959963984540054, z2 = z * z;
    double centre = (p + z2 / (2 * neff)) / (1 + z2 / neff);
    double half = z * sqrt(p * (1 - p) / neff + z2 / (4 * neff * neff)) / (1 + z2 / neff);
    shopstat_chart_cell c = {p, fmax(0, centre - half), fmin(1, centre + half), NAN, NULL};
    return c;
}

static shopstat_chart_cell cell_sig(double p, double neff, const char *sig)
{
    shopstat_chart_cell c = cell(p, neff);
    c.sig = sig;
    return c;
}

/* ---- Servicesoft 1999: grouped bars ---------------------------------------------------- */

static const shopstat_chart_series seg2[] = {
    {"all", "All buyers", 836, 610},
    {"heavy", "Heavy buyers", 248, 180},
};

static const shopstat_chart_level switch_levels[] = {
    {"1", "Yes, would switch", 0}, {"2", "No, would stay", 0}, {"9", "Don't know", 0}};
static shopstat_chart_cell switch_cells[3 * 2];

static const shopstat_chart_level satisfied_levels[] = {{"1", "Bought more where satisfied", 0},
                                                        {"2", "Bought the same", 0},
                                                        {"3", "Bought less", 0},
                                                        {"9", "Can't say", 0}};
static shopstat_chart_cell satisfied_cells[4 * 2];

static const shopstat_chart_series seg3[] = {
    {"all", "All buyers", 836, 610},
    {"heavy", "Heavy buyers", 248, 180},
    {"public", "Public-sector heavy buyers", 41, 24},
};
static const shopstat_chart_level channel_levels[] = {
    {"web", "Web form", 0},      {"phone", "Telephone", 0},
    {"other", "Other", 0},       {"email", "E-mail", 0},
    {"fax", "Letter or fax", 0}, {"visit", "In person (technician visit)", 0}};
static shopstat_chart_cell channel_cells[6 * 3];

/* ---- Differences: heavy minus all buyers ------------------------------------------------- */

static const shopstat_chart_level diff_levels[] = {
    {"sw", "Would switch after poor service", 0}, {"more", "Bought more where satisfied", 0},
    {"phone", "Contacted by telephone", 0},       {"email", "Contacted by e-mail", 0},
    {"web", "Contacted by web form", 0},          {"fax", "Contacted by letter or fax", 0},
    {"visit", "Contacted in person", 0}};
static shopstat_chart_diff diff_cells[7];
static const char *const diff_compare[] = {"Heavy minus all buyers"};

/* ---- Likert: switching intent 1-5 ---------------------------------------------------------- */

static const shopstat_chart_level intent_levels[] = {{"1", "Certainly would not switch", 0},
                                                     {"2", "Probably would not", 0},
                                                     {"3", "Not sure", 0},
                                                     {"4", "Probably would", 0},
                                                     {"5", "Certainly would switch", 0}};
static const shopstat_chart_series seg4[] = {
    {"all", "All buyers", 836, 610},
    {"heavy", "Heavy buyers", 248, 180},
    {"light", "Light buyers", 588, 430},
    {"public", "Public-sector heavy buyers", 41, 24},
};
static shopstat_chart_cell intent_cells[5 * 4];

/* ---- Teletech 2010-2011: trend and bars by wave ------------------------------------------------
 */

static const shopstat_chart_level tele_levels[] = {
    {"phone_shown", "Phone number shown on the website", 0},
    {"phone_reach", "Reached a person by phone", 0},
    {"mail_shown", "E-mail address shown", 0},
    {"mail_hour", "E-mail answered within an hour", 0}};
static const shopstat_chart_series tele_one[] = {{"all", "Companies tested", 150, 150}};
static const char *const tele_waves[] = {"2010", "2011"};
static shopstat_chart_cell tele_trend[4 * 2];

static const shopstat_chart_series tele_waves_series[] = {
    {"w2010", "2010 wave", 120, 120},
    {"all", "2011 wave", 150, 150},
};
static shopstat_chart_cell tele_bars[4 * 2];

/* ---- Stress: long and non-ASCII labels
 * ------------------------------------------------------------ */

static const shopstat_chart_level stress_levels[] = {
    {"a", "Joignabilité du service client", 0},
    {"b",
     "Le conseiller a proposé une solution adaptée à mon problème dès le premier appel, sans "
     "transfert vers un autre service ni rappel ultérieur de ma part",
     0},
    {"c", "Délai de réponse aux courriels (moins d'une heure)", 0},
    {"d", "Qualité de l'accueil téléphonique — amabilité, écoute, clarté des explications", 0},
    {"e", "Überweisungsbestätigung per E-Mail erhalten", 0},
    {"f", "Ne sait pas / sans opinion", 0},
    {"g", "Autre (préciser)", 0}};
static const shopstat_chart_series stress_series[] = {
    {"all", "Ensemble des clients interrogés lors de la vague de printemps", 1204, 988},
    {"pro",
     "Clients professionnels (TPE, PME et grands comptes) équipés d'un contrat de "
     "maintenance",
     312, 201},
    {"low", "Très gros acheteurs", 38, 22},
};
static shopstat_chart_cell stress_cells[7 * 3];

static double holm_p[7];

/* ---- Extra synthetic shapes (not from the studies): several comparisons, waves, scales ---- */

static const shopstat_chart_level multi_levels[] = {{"sw", "Would switch after poor service", 0},
                                                    {"more", "Bought more where satisfied", 0},
                                                    {"email", "Contacted by e-mail", 0}};
static const char *const multi_compare[] = {"Heavy minus all", "Public sector minus all"};
static const shopstat_chart_diff multi_diffs[] = {
    {0.18, 0.12, 0.24, 0.0001, 1, 0}, {0.07, -0.09, 0.23, 0.62, 0, 0}, {0.14, 0.07, 0.21, 0.0004, 1, 0},
    {-0.05, -0.22, 0.12, 0.81, 0, 0}, {0.14, 0.06, 0.22, 0.003, 1, 0}, {0.03, -0.15, 0.21, 0.81, 0, 0}};

/* A trend whose first line has no value at any wave (a library caller's NaN), then lines
 * ending close together, the middle one's label long enough to wrap: the end labels must be
 * spaced by their own heights (they once took the height of the line before). */
static const shopstat_chart_level gap_levels[] = {
    {"none", "Not asked", 0},
    {"busy", "Busy", 0},
    {"long",
     "Reached a person within three calls on a weekday morning before ten, or within five "
     "calls on a Saturday afternoon",
     0},
    {"short", "Voicemail", 0}};
static shopstat_chart_cell gap_cells[4 * 2];

static const shopstat_chart_level reach_levels[] = {{"reach", "Reached a person by phone", 0}};
static const shopstat_chart_series reach_series[] = {{"large", "Large companies", 80, 80},
                                                     {"small", "Small companies", 40, 40}};
static const char *const reach_waves[] = {"2008", "2009", "2010", "2011"};
static shopstat_chart_cell reach_cells[2 * 4];
static shopstat_chart_series reach_bases[2 * 4]; /* [series * 4 + wave] */

static const shopstat_chart_level agree_levels[] = {{"1", "Strongly disagree", 0},
                                                    {"2", "Disagree", 0},
                                                    {"3", "Agree", 0},
                                                    {"4", "Strongly agree", 0}};
static shopstat_chart_cell agree_cells[4 * 2];

/* ---- Scores: a Net Promoter Score and rating means by segment (synthetic) ---------------- */

/* A score's estimate with a plausible interval: mean +- 1.96 sd / sqrt(neff) (demo only). */
static shopstat_chart_cell score_cell(double m, double sd, double neff, const char *sig)
{
    double h = 1.959963984540054 * sd / sqrt(neff);
    shopstat_chart_cell c = {m, m - h, m + h, NAN, sig};
    return c;
}

/* An NPS from its shares of promoters and detractors: the mean of a score of 100, 0, -100. */
static shopstat_chart_cell nps_cell(double prom, double det, double neff, const char *sig)
{
    double m = 100 * (prom - det), sd = sqrt(10000 * (prom + det) - m * m);
    return score_cell(m, sd, neff, sig);
}

static const shopstat_chart_level nps_level[] = {{"nps", "Net Promoter Score", 0}};
static const shopstat_chart_series nps_series[] = {
    {"all", "All buyers", 836, 610},        {"heavy", "Heavy buyers", 248, 180},
    {"light", "Light buyers", 588, 430},    {"public", "Public sector", 141, 96},
    {"small", "Small companies", 212, 150},
};
static shopstat_chart_cell nps_cells[5];
static const char *const nps_notes[] = {
    "Net Promoter Score: % promoters (9-10) minus % detractors (0-6)."};

static const shopstat_chart_level mean_level[] = {
    {"mean", "Mean satisfaction (1 = very dissatisfied, 5 = very satisfied)", 0}};
static const shopstat_chart_series mean_series[] = {
    {"all", "All buyers", 836, 610},
    {"heavy", "Heavy buyers", 248, 180},
    {"light", "Light buyers", 588, 430},
    {"key", "Key accounts", 19, 16},
};
static shopstat_chart_cell mean_cells[4];
/* Means near the scale's ends on small bases: intervals past 1 and past 5, cut at the axis
 * with an arrowhead (the footer says so). */
static const shopstat_chart_series cut_series[] = {
    {"all", "All buyers", 836, 610},
    {"trial", "Trial users", 11, 9},
    {"key", "Key accounts", 14, 12},
};
static shopstat_chart_cell cut_cells[3];
static const char *const mean_notes[] = {
    "Mean of the answers scored 1 (very dissatisfied) to 5 (very satisfied); \"Don't know\" "
    "left out."};

/* A 0-10 likelihood's mean with a segment of low effective base and one without answers. */
static const shopstat_chart_level ten_level[] = {
    {"mean", "Mean likelihood to recommend (0-10)", 0}};
static const shopstat_chart_series ten_series[] = {
    {"all", "All buyers", 836, 610},
    {"public", "Public-sector heavy buyers", 41, 24},
    {"gov", "Government agencies", 12, 12},
    {"new", "New customers (not asked)", NAN, NAN},
};
static shopstat_chart_cell ten_cells[4];

static const shopstat_chart_series long_series[] = {
    {"all", "Ensemble des clients interrogés lors de la vague de printemps", 1204, 988},
    {"pro",
     "Clients professionnels (TPE, PME et grands comptes) équipés d'un contrat de "
     "maintenance souscrit depuis plus de deux ans",
     312, 201},
    {"part", "Particuliers", 892, 760},
};
static shopstat_chart_cell long_cells[3];

static const shopstat_chart_series neg_series[] = {
    {"all", "All callers", 1500, 1120},
    {"mobile", "Mobile customers", 900, 700},
    {"fixed", "Landline customers", 600, 420},
};
static shopstat_chart_cell neg_cells[3];

static void build(void)
{
    double sw_all[] = {0.69, 0.24, 0.07}, sw_heavy[] = {0.87, 0.10, 0.03};
    for (int l = 0; l < 3; l++) {
        switch_cells[l * 2] = cell(sw_all[l], 610);
        switch_cells[l * 2 + 1] = cell_sig(sw_heavy[l], 180,
                                           l == 0   ? "\xe2\x96\xb2"
                                           : l == 1 ? "\xe2\x96\xbc"
                                                    : NULL);
    }
    double sa_all[] = {0.65, 0.22, 0.05, 0.08}, sa_heavy[] = {0.79, 0.13, 0.03, 0.05};
    for (int l = 0; l < 4; l++) {
        satisfied_cells[l * 2] = cell(sa_all[l], 610);
        satisfied_cells[l * 2 + 1] = cell_sig(sa_heavy[l], 180, l == 0 ? "\xe2\x96\xb2" : NULL);
    }
    double ch[6][3] = {{0.22, 0.35, 0.29}, {0.71, 0.80, 0.76}, {0.04, 0.06, 0.08},
                       {0.38, 0.52, 0.41}, {0.12, 0.09, 0.17}, {0.09, 0.14, 0.21}};
    double effs[3] = {610, 180, 24};
    for (int l = 0; l < 6; l++)
        for (int j = 0; j < 3; j++)
            channel_cells[l * 3 + j] = cell(ch[l][j], effs[j]);

    /* Differences of overlapping segments: the synthetic SE ignores the overlap (demo only). */
    double pa[] = {0.69, 0.65, 0.71, 0.38, 0.22, 0.12, 0.09};
    double ph[] = {0.87, 0.79, 0.80, 0.52, 0.35, 0.09, 0.14};
    double raw[7];
    size_t idx[7];
    for (int l = 0; l < 7; l++) {
        double dlt = ph[l] - pa[l];
        double se = sqrt(ph[l] * (1 - ph[l]) / 180 + pa[l] * (1 - pa[l]) / 610) * 0.8;
        diff_cells[l].diff = dlt;
        diff_cells[l].lo = dlt - 1.96 * se;
        diff_cells[l].hi = dlt + 1.96 * se;
        raw[l] = erfc(fabs(dlt / se) / sqrt(2.0));
        idx[l] = (size_t)l;
    }
    /* Holm (1979) step-down adjustment over the 7 comparisons. */
    for (int i = 1; i < 7; i++)
        for (int j = i; j > 0 && raw[idx[j]] < raw[idx[j - 1]]; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    double run = 0;
    for (int r = 0; r < 7; r++) {
        double adj = fmin(1, (7 - r) * raw[idx[r]]);
        run = fmax(run, adj);
        holm_p[idx[r]] = run;
    }
    for (int l = 0; l < 7; l++) {
        diff_cells[l].p_adj = holm_p[l];
        diff_cells[l].significant = holm_p[l] < 0.05;
    }

    double in[4][5] = {{0.05, 0.10, 0.16, 0.34, 0.35},
                       {0.02, 0.04, 0.07, 0.32, 0.55},
                       {0.06, 0.12, 0.20, 0.35, 0.27},
                       {0.05, 0.07, 0.12, 0.30, 0.46}};
    double ie[4] = {610, 180, 430, 24};
    for (int j = 0; j < 4; j++)
        for (int l = 0; l < 5; l++)
            intent_cells[l * 4 + j] = cell(in[j][l], ie[j]);

    /* Teletech: published 2011 figures and their 2010 counterparts where published. */
    double t10[] = {NAN, 0.07, 0.85, 0.21}, t11[] = {0.64, 0.22, 0.76, 0.37};
    double b10[] = {120, 120, 120, 102}, b11[] = {150, 150, 150, 114};
    for (int l = 0; l < 4; l++) {
        tele_trend[l * 2] =
            isnan(t10[l]) ? (shopstat_chart_cell){NAN, NAN, NAN, NAN, NULL} : cell(t10[l], b10[l]);
        tele_trend[l * 2].eff_base = b10[l];
        tele_trend[l * 2 + 1] = cell(t11[l], b11[l]);
        tele_trend[l * 2 + 1].eff_base = b11[l];
        tele_bars[l * 2] = tele_trend[l * 2];
        tele_bars[l * 2 + 1] = tele_trend[l * 2 + 1];
    }

    double rl[] = {0.05, 0.06, 0.09, 0.27}, rs[] = {0.03, 0.04, 0.05, 0.15};
    double nl_[] = {70, 75, 80, 96}, ns_[] = {25, 28, 40, 54};
    for (int w = 0; w < 4; w++) {
        if (w < 2) { /* (ending at 42%, 41% and 40%: their labels stack) */
            gap_cells[w] = (shopstat_chart_cell){NAN, NAN, NAN, NAN, NULL};
            gap_cells[2 + w] = cell(w ? 0.42 : 0.20, 200);
            gap_cells[4 + w] = cell(w ? 0.41 : 0.30, 200);
            gap_cells[6 + w] = cell(w ? 0.40 : 0.50, 200);
        }
        reach_cells[w] = cell(rl[w], nl_[w]);
        reach_cells[w].eff_base = nl_[w];
        reach_cells[4 + w] = cell(rs[w], ns_[w]);
        reach_cells[4 + w].eff_base = ns_[w];
        reach_bases[w] = (shopstat_chart_series){NULL, NULL, nl_[w], nl_[w]};
        reach_bases[4 + w] = (shopstat_chart_series){NULL, NULL, ns_[w], ns_[w]};
    }
    double ag[2][4] = {{0.12, 0.26, 0.41, 0.21}, {0.08, 0.17, 0.45, 0.30}};
    for (int j = 0; j < 2; j++)
        for (int l = 0; l < 4; l++)
            agree_cells[l * 2 + j] = cell(ag[j][l], j ? 180 : 610);

    double prom[5] = {0.38, 0.52, 0.33, 0.21, 0.27}, det[5] = {0.26, 0.21, 0.29, 0.35, 0.33};
    const char *nsig[5] = {NULL, "\xe2\x96\xb2", NULL, "\xe2\x96\xbc", NULL};
    for (int j = 0; j < 5; j++)
        nps_cells[j] = nps_cell(prom[j], det[j], nps_series[j].eff_base, nsig[j]);
    double mm[4] = {3.84, 4.12, 3.71, 4.78}, msd[4] = {0.92, 0.81, 0.95, 0.55};
    for (int j = 0; j < 4; j++)
        mean_cells[j] = score_cell(mm[j], msd[j], mean_series[j].eff_base, NULL);
    cut_cells[0] = score_cell(3.42, 1.1, 610, NULL);
    cut_cells[1] = score_cell(1.35, 0.9, 9, NULL);
    cut_cells[2] = score_cell(4.82, 0.55, 12, NULL);
    ten_cells[0] = score_cell(7.42, 2.1, 610, NULL);
    ten_cells[1] = score_cell(6.1, 2.6, 24, NULL);
    ten_cells[2] = score_cell(5.3, 2.9, 12, NULL);
    ten_cells[3] = (shopstat_chart_cell){NAN, NAN, NAN, NAN, NULL};
    long_cells[0] = nps_cell(0.41, 0.22, 988, NULL);
    long_cells[1] = nps_cell(0.36, 0.30, 201, NULL);
    long_cells[2] = nps_cell(0.43, 0.20, 760, NULL);
    neg_cells[0] = nps_cell(0.14, 0.48, 1120, NULL);
    neg_cells[1] = nps_cell(0.11, 0.56, 700, NULL);
    neg_cells[2] = nps_cell(0.19, 0.37, 420, NULL);

    double st[7][3] = {{0.58, 0.66, 0.41}, {0.34, 0.45, 0.27}, {0.47, 0.52, 0.55},
                       {0.81, 0.77, 0.86}, {0.12, 0.19, 0.09}, {0.06, 0.03, 0.05},
                       {0.03, 0.04, 0.00}};
    double se3[3] = {988, 201, 22};
    for (int l = 0; l < 7; l++)
        for (int j = 0; j < 3; j++)
            stress_cells[l * 3 + j] = cell(st[l][j], se3[j]);
}

typedef struct demo {
    const char *name;
    shopstat_chart_data d;
    shopstat_chart_opts o;
} demo;

static demo demos[32];
static size_t ndemos;

static demo *add(const char *name, shopstat_chart_type t)
{
    demo *x = &demos[ndemos++];
    memset(x, 0, sizeof *x);
    x->name = name;
    shopstat_chart_opts_init(&x->o);
    x->o.type = t;
    x->o.source = SOURCE;
    x->o.ci_method = "Wilson";
    x->o.weight_note = "Weighted to the buyer population by company size and region (synthetic "
                       "weights).";
    shopstat_chart_data_init(&x->d);
    x->d.name = name;
    x->d.opts = &x->o;
    return x;
}

static void setup(void)
{
    build();
    demo *x = add("switch", SHOPSTAT_CHART_BARS);
    x->d.label = "Would you switch supplier after one poor service experience?";
    x->d.base_note = "Business buyers of office software, 1999 (all n=836; heavy n=248)";
    x->d.levels = switch_levels;
    x->d.nlevels = 3;
    x->d.series = seg2;
    x->d.nseries = 2;
    x->d.cells = switch_cells;
    x->o.subtitle = "Heavy buyers are far less forgiving: 87% would switch, against 69% of all "
                    "buyers";
    x->o.sig_note = "\xe2\x96\xb2\xe2\x96\xbc Heavy buyers significantly above / below all buyers "
                    "(5% level, Holm-adjusted).";

    x = add("satisfied", SHOPSTAT_CHART_BARS);
    x->d.label = "Did you buy more from suppliers whose service satisfied you?";
    x->d.base_note = "Business buyers of office software, 1999";
    x->d.levels = satisfied_levels;
    x->d.nlevels = 4;
    x->d.series = seg2;
    x->d.nseries = 2;
    x->d.cells = satisfied_cells;
    x->o.sig_note = "\xe2\x96\xb2 Heavy buyers significantly above all buyers (5% level, "
                    "Holm-adjusted).";

    x = add("channel", SHOPSTAT_CHART_BARS);
    x->d.label = "How did you contact the supplier's customer service?";
    x->d.base_note = "Buyers who contacted customer service in the last 12 months";
    x->d.multi_response = 1;
    x->d.levels = channel_levels;
    x->d.nlevels = 6;
    x->d.series = seg3;
    x->d.nseries = 3;
    x->d.cells = channel_cells;

    x = add("heavy_vs_all", SHOPSTAT_CHART_DIFF);
    x->d.label = "Where heavy buyers differ from all buyers";
    x->d.base_note = "Heavy buyers n=248 (eff. n=180) within all buyers n=836 (eff. n=610)";
    x->d.levels = diff_levels;
    x->d.nlevels = 7;
    x->d.ncompare = 1;
    x->d.compare_labels = diff_compare;
    x->d.diffs = diff_cells;
    x->o.subtitle = "Heavy minus all buyers, percentage points";
    x->o.adjust_method = "Holm";

    x = add("intent", SHOPSTAT_CHART_LIKERT);
    x->d.label = "How likely would you be to switch supplier after one poor service experience?";
    x->d.base_note = "Business buyers of office software, 1999";
    x->d.levels = intent_levels;
    x->d.nlevels = 5;
    x->d.series = seg4;
    x->d.nseries = 4;
    x->d.cells = intent_cells;
    x->d.neutral = 2;

    x = add("teletech", SHOPSTAT_CHART_TREND);
    x->d.label = "Customer-service reachability of tested companies, 2010 and 2011";
    x->d.base_note = "Companies tested by mystery shoppers (2010 n=120, 2011 n=150)";
    x->d.levels = tele_levels;
    x->d.nlevels = 4;
    x->d.series = tele_one;
    x->d.nseries = 1;
    x->d.waves = tele_waves;
    x->d.nwaves = 2;
    x->d.trend = tele_trend;
    x->o.subtitle = "Phone reachability tripled while fewer sites showed an e-mail address";
    x->o.weight_note = "Unweighted.";
    static const char *const tele_notes[] = {"The phone number was not recorded in 2010."};
    x->o.notes = tele_notes;
    x->o.nnotes = 1;

    x = add("teletech_waves", SHOPSTAT_CHART_BARS);
    x->d.label = "Customer-service reachability of tested companies, 2011 against 2010";
    x->d.base_note = "Companies tested by mystery shoppers";
    x->d.levels = tele_levels;
    x->d.nlevels = 4;
    x->d.series = tele_waves_series;
    x->d.nseries = 2;
    x->d.cells = tele_bars;
    x->o.weight_note = "Unweighted.";

    x = add("stress", SHOPSTAT_CHART_BARS);
    x->d.label = "Satisfaction détaillée : joignabilité, délais et qualité de réponse du service "
                 "client, par type de clientèle (question à réponses multiples, libellés longs)";
    x->d.base_note = "Clients ayant contacté le service client au cours des douze derniers mois";
    x->d.multi_response = 1;
    x->d.levels = stress_levels;
    x->d.nlevels = 7;
    x->d.series = stress_series;
    x->d.nseries = 3;
    x->d.cells = stress_cells;
    x->o.subtitle = "Étiquettes très longues et accentuées : elles doivent passer à la ligne sans "
                    "jamais sortir de la page ni se chevaucher";
}

static void setup_extra(void)
{
    demo *x = add("segments_vs_all", SHOPSTAT_CHART_DIFF);
    x->d.label = "Two segments against all buyers";
    x->d.base_note = "All buyers n=836; heavy n=248; public sector n=41 (synthetic)";
    x->d.levels = multi_levels;
    x->d.nlevels = 3;
    x->d.ncompare = 2;
    x->d.compare_labels = multi_compare;
    x->d.diffs = multi_diffs;
    x->o.adjust_method = "Holm";
    x->o.source = "Synthetic data for the demo: not from a published study.";

    x = add("reach_waves", SHOPSTAT_CHART_TREND);
    x->d.label = "Reached a person by phone, by company size";
    x->d.base_note = "Companies tested by mystery shoppers (synthetic waves)";
    x->d.levels = reach_levels;
    x->d.nlevels = 1;
    x->d.series = reach_series;
    x->d.nseries = 2;
    x->d.waves = reach_waves;
    x->d.nwaves = 4;
    x->d.trend = reach_cells;
    x->d.wave_bases = reach_bases;
    x->o.zoom = 1;
    x->o.weight_note = "Unweighted.";
    x->o.source = "Synthetic data for the demo: not from a published study.";

    x = add("trend_gap", SHOPSTAT_CHART_TREND);
    x->d.label = "Outcome of the calls";
    x->d.levels = gap_levels;
    x->d.nlevels = 4;
    x->d.series = tele_one;
    x->d.nseries = 1;
    x->d.waves = tele_waves;
    x->d.nwaves = 2;
    x->d.trend = gap_cells;
    x->o.source = "Synthetic data for the demo: not from a published study.";

    x = add("agree4", SHOPSTAT_CHART_LIKERT);
    x->d.label = "\"Customer service was easy to reach\"";
    x->d.base_note = "Business buyers of office software (synthetic)";
    x->d.levels = agree_levels;
    x->d.nlevels = 4;
    x->d.series = seg2;
    x->d.nseries = 2;
    x->d.cells = agree_cells;
    x->d.neutral = -1;
    x->o.source = "Synthetic data for the demo: not from a published study.";
}

static demo *add_score(const char *name, const shopstat_chart_level *level, double lo, double hi)
{
    demo *x = add(name, SHOPSTAT_CHART_SCORE);
    x->d.levels = level;
    x->d.nlevels = 1;
    x->d.score_min = lo;
    x->d.score_max = hi;
    x->o.ci_method = NULL; /* a score's interval is estimate +- t SE: the footer says so */
    x->o.source = "Synthetic data for the demo: not from a published study.";
    return x;
}

static void setup_scores(void)
{
    demo *x = add_score("score_nps", nps_level, -100, 100);
    x->d.label = "How likely are you to recommend your supplier to a colleague?";
    x->d.base_note = "Business buyers of office software (synthetic)";
    x->d.series = nps_series;
    x->d.nseries = 5;
    x->d.cells = nps_cells;
    x->o.subtitle = "Net Promoter Score by segment: heavy buyers promote, the public sector does "
                    "not";
    x->o.notes = nps_notes;
    x->o.nnotes = 1;
    x->o.sig_note = "\xe2\x96\xb2\xe2\x96\xbc Significantly above / below all buyers (5% "
                    "level).";

    x = add_score("score_mean", mean_level, 1, 5);
    x->d.label = "Overall, how satisfied are you with your supplier's customer service?";
    x->d.base_note = "Business buyers who rated the service";
    x->d.series = mean_series;
    x->d.nseries = 4;
    x->d.cells = mean_cells;
    x->o.notes = mean_notes;
    x->o.nnotes = 1;

    x = add_score("score_cut", mean_level, 1, 5);
    x->d.label = "Satisfaction with the supplier's customer service, by account type";
    x->d.base_note = "Business buyers who rated the service (synthetic)";
    x->d.series = cut_series;
    x->d.nseries = 3;
    x->d.cells = cut_cells;

    x = add_score("score_lowbase", ten_level, 0, 10);
    x->d.label = "How likely are you to recommend your supplier (0-10)?";
    x->d.base_note = "Business buyers (synthetic)";
    x->d.series = ten_series;
    x->d.nseries = 4;
    x->d.cells = ten_cells;

    x = add_score("score_long", nps_level, -100, 100);
    x->d.label = "Recommanderiez-vous notre service client à un proche ?";
    x->d.base_note = "Clients ayant contacté le service client (synthétique)";
    x->d.series = long_series;
    x->d.nseries = 3;
    x->d.cells = long_cells;
    x->o.notes = nps_notes;
    x->o.nnotes = 1;

    x = add_score("score_negative", nps_level, -100, 100);
    x->d.label = "Would you recommend your phone company to a friend?";
    x->d.base_note = "Callers to the customer-service line (synthetic)";
    x->d.series = neg_series;
    x->d.nseries = 3;
    x->d.cells = neg_cells;
    x->o.notes = nps_notes;
    x->o.nnotes = 1;
}

static int usage(void)
{
    fputs("usage: chartdemo [--size WxH] [--zoom] [--sort none] DEMO OUT.{pdf,png,svg}\n"
          "DEMO: all (every demo, one PDF page or one PNG/SVG file each), bars, diff,\n"
          "      likert, trend, score, stress, or a demo name:",
          stderr);
    for (size_t i = 0; i < ndemos; i++)
        fprintf(stderr, " %s", demos[i].name);
    fputc('\n', stderr);
    return 2;
}

int main(int argc, char **argv)
{
    setup();
    setup_extra();
    setup_scores();
    double w = 0, h = 0;
    int zoom = 0, sortnone = 0;
    int i = 1;
    shopstat_error err;
    shopstat_error_clear(&err);
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (shopstat_chart_size_parse(argv[++i], &w, &h, &err)) {
                fprintf(stderr, "chartdemo: error: %s\n", err.msg);
                return 2;
            }
        } else if (strcmp(argv[i], "--zoom") == 0) {
            zoom = 1;
        } else if (strcmp(argv[i], "--sort") == 0 && i + 1 < argc) {
            sortnone = strcmp(argv[++i], "none") == 0;
        } else {
            return usage();
        }
    }
    if (argc - i != 2)
        return usage();
    const char *which = argv[i], *out = argv[i + 1];
    static const struct {
        const char *alias, *name;
    } aliases[] = {{"bars", "switch"},
                   {"diff", "heavy_vs_all"},
                   {"likert", "intent"},
                   {"trend", "teletech"},
                   {"score", "score_nps"}};
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(which, aliases[k].alias) == 0)
            which = aliases[k].name;
    const shopstat_chart_data *sel[32];
    size_t n = 0;
    for (size_t k = 0; k < ndemos; k++) {
        if (strcmp(which, "all") != 0 && strcmp(which, demos[k].name) != 0)
            continue;
        if (w > 0) {
            demos[k].o.width = w;
            demos[k].o.height = h;
        }
        demos[k].o.zoom |= zoom;
        if (sortnone)
            demos[k].o.sort = SHOPSTAT_CHART_SORT_NONE;
        sel[n++] = &demos[k].d;
    }
    if (n == 0)
        return usage();
    if (shopstat_chart_render_pages(out, sel, n, NULL, &err) != SHOPSTAT_OK) {
        char buf[2200];
        shopstat_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
        return shopstat_exit_code(err.status);
    }
    return 0;
}
