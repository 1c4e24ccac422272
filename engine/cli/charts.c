/* --chart for tab, compare and score: chart options from flags, chart data from results. */
#include "cli/charts.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "shopstat/chartset.h"
#include "shopstat/output.h"
#include "shopstat/scale.h"
#include "shopstat/spec.h"

/* The chart flags into co and so; 0 or the exit status after printing the error. cmd:
 * CHARTS_TAB, CHARTS_COMPARE or CHARTS_SCORE (score charts only: --chart-type score or
 * none). */
static int chart_flags(const survey_args *a, int cmd, shopstat_chart_opts *co,
                       shopstat_chartset_opts *so)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_chart_opts_init(co);
    shopstat_chartset_opts_init(so);
    int compare = cmd == CHARTS_COMPARE;
    so->type = compare ? SHOPSTAT_CHART_DIFF : SHOPSTAT_CHART_BARS;
    if (cmd == CHARTS_SCORE) {
        so->type = SHOPSTAT_CHART_SCORE;
        /* (trend: each score's line across the segments, the waves, as a report's table of
         * chart: trend draws it) */
        if (a->chart_type && strcmp(a->chart_type, "trend") == 0)
            so->type = SHOPSTAT_CHART_TREND;
        else if (a->chart_type && strcmp(a->chart_type, "score") != 0)
            return cli_usage_error("score: --chart-type '%s': score draws score charts (a dot "
                                   "and its interval per segment) or their trend across waves, "
                                   "the types it takes are 'score' and 'trend'; 'shopstat tab' "
                                   "draws the levels' %s charts",
                                   a->chart_type, a->chart_type);
    } else if (a->chart_type && shopstat_chart_type_parse(a->chart_type, &so->type, &err))
        return cli_fail(&err);
    if (a->chart_size && shopstat_chart_size_parse(a->chart_size, &co->width, &co->height, &err))
        return cli_fail(&err);
    /* a PNG's resolution: 144 dpi (2 pixels a point) by default, a slide's 1920 x 1080 at
     * --chart-size slide; 300 for print (A4 at 3509 x 2480) */
    if (a->chart_dpi) {
        double dpi;
        const char *s = a->chart_dpi;
        if (shopstat_parse_number(s, strlen(s), 0, &dpi) != 1 || !(dpi >= 72 && dpi <= 576))
            return cli_usage_error("--chart-dpi: a PNG's pixels per inch, from 72 to 576 (150 "
                                   "for a screen, 300 for print), not '%s'",
                                   s);
        co->png_scale = dpi / 72;
    }
    /* a percentage's decimals: one, as the table view ("68.9% [64.0, 73.5]") and a report's
     * default decimals: 1, so that the chart and the table it illustrates give the same
     * number (the charts read 69% beside the table's 68.9%); --chart-decimals 0 for whole
     * percents, a report's decimals: 0. Score charts keep their scale's decimals. */
    if (cmd != CHARTS_SCORE) {
        co->decimals = 1;
        if (a->chart_decimals) {
            if (strcmp(a->chart_decimals, "0") != 0 && strcmp(a->chart_decimals, "1") != 0)
                return cli_usage_error("--chart-decimals: the percentages' decimals, 0 (\"69%%\") "
                                       "or 1 (\"68.9%%\", the default, as the table view), not "
                                       "'%s'",
                                       a->chart_decimals);
            co->decimals = a->chart_decimals[0] - '0';
        }
    }
    /* without --chart-size each page is A4 landscape's width and as tall as its chart takes,
     * laid out as on A4 (a chart of two Likert rows filled 35% of a page); a size given is
     * the page */
    co->fit_height = !a->chart_size;
    if (a->sort && shopstat_chart_sort_parse(a->sort, &co->sort, &err))
        return cli_fail(&err);
    if (!a->sort && a->nlevels)
        co->sort = SHOPSTAT_CHART_SORT_NONE; /* (--levels gave the order, as a spec's values:) */
    if (so->type == SHOPSTAT_CHART_DIFF && !compare)
        return cli_usage_error("--chart-type diff needs 'shopstat compare'");
    /* a trend's x axis is one --by column's values: another column's segments, or a
     * --segment beside them, would be drawn as more waves after the last (the segments are
     * not crossed with the waves, so there is no line per segment to draw instead) */
    if (so->type == SHOPSTAT_CHART_TREND && a->nby > 1)
        return cli_usage_error("--chart-type trend: the waves are one --by column's values, and "
                               "--by %s would be drawn as more waves after --by %s's; draw one "
                               "trend per %s value with --base %s:VALUE",
                               a->by[1], a->by[0], a->by[1], a->by[1]);
    if (so->type == SHOPSTAT_CHART_TREND && a->nby && a->nsegments) {
        const char *eq = strchr(a->segments[0], '=');
        return cli_usage_error("--chart-type trend: the waves are --by %s's values, and "
                               "--segment %s would be drawn as one more wave; for the trend "
                               "within it use --base '%s'",
                               a->by[0], a->segments[0], eq ? eq + 1 : a->segments[0]);
    }
    return 0;
}

int cli_check_chart_flags(const survey_args *a, int cmd)
{
    if (!a->chart)
        return 0;
    shopstat_chart_opts co;
    shopstat_chartset_opts so;
    int rc = chart_flags(a, cmd, &co, &so);
    shopstat_error err;
    shopstat_error_clear(&err);
    if (!rc && cli_plugin_load(&err))
        rc = cli_fail(&err);
    shopstat_chart_format fmt; /* (the file type from its name: before the pass, not after) */
    if (!rc && shopstat_chart_format_from_path(a->chart, &fmt, &err))
        rc = cli_fail(&err);
    return rc;
}

/* Without --source, what the report's charts say: the survey spec beside the data file (its
 * folder's survey.yml, when its data: is this file, as in every bundled survey) gives its
 * source: and note: (a bundled survey's says its data are synthetic); else a note "Data:
 * FILE." (and the spec's note). *is_source: whether buf is a source line or a note. A spec
 * that does not parse is no error here: the note names the file. Standard input has none. */
static void default_source(const char *data, char *buf, size_t n, int *is_source)
{
    buf[0] = '\0';
    *is_source = 0;
    if (!data || strcmp(data, "-") == 0)
        return;
    char dir[4096], base[4096];
    snprintf(dir, sizeof dir, "%s", data);
    snprintf(base, sizeof base, "%s", data);
    const char *file = basename(base);
    char spec[4200];
    snprintf(spec, sizeof spec, "%s/survey.yml", dirname(dir));
    shopstat_spec *sp = NULL;
    const char *src = NULL, *note = NULL;
    struct stat sd, ss, sdata;
    if (stat(spec, &ss) == 0 && S_ISREG(ss.st_mode) && stat(data, &sd) == 0 &&
        shopstat_spec_parse(spec, &sp, NULL) == SHOPSTAT_OK) {
        const shopstat_spec_info *in = shopstat_spec_get(sp);
        if (in->data && stat(in->data, &sdata) == 0 && sdata.st_dev == sd.st_dev &&
            sdata.st_ino == sd.st_ino) {
            src = in->source;
            note = in->note;
        }
    }
    if (src)
        snprintf(buf, n, "%s%s%s", src, note ? ". " : "", note ? note : "");
    else
        snprintf(buf, n, "Data: %s.%s%s", file, note ? " " : "", note ? note : "");
    *is_source = src != NULL;
    shopstat_spec_free(sp);
}

/* A Likert chart of integer levels with a gap (1, 3, 4, 5: nobody chose 2) takes the
 * levels it sees for the scale, and centres it wrongly: say so, and how to give the scale. */
static void likert_gaps(const shopstat_estimate *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && e[i].q == e[i - 1].q)
            continue; /* (once per question) */
        long lo = 0, hi = 0;
        size_t nl = 0, end_q = i;
        int ints = 1;
        for (; end_q < n && e[end_q].q == e[i].q; end_q++) {
            if (e[end_q].s != 0 || !ints)
                continue; /* (each level once: the first segment's row) */
            char *end;
            errno = 0;
            long x = strtol(e[end_q].level, &end, 10);
            ints = *e[end_q].level && !*end && errno != ERANGE;
            lo = nl ? (x < lo ? x : lo) : x;
            hi = nl ? (x > hi ? x : hi) : x;
            nl++;
        }
        /* (the span in unsigned arithmetic: hi - lo overflows a long for levels of opposite
         * signs near LONG_MIN and LONG_MAX; the loops stop at hi before x++ could overflow) */
        unsigned long span = (unsigned long)hi - (unsigned long)lo;
        if (!ints || nl < 2 || span >= 20 || span + 1 == nl)
            continue;
        /* (at most 20 points of at most 20 characters and a separator each: no truncation) */
        char miss[512];
        size_t len = 0;
        for (long x = lo;; x++) {
            int held = 0;
            for (size_t j = i; j < end_q && !held; j++)
                held = e[j].s == 0 && strtol(e[j].level, NULL, 10) == x;
            if (!held && len < sizeof miss) {
                int w = snprintf(miss + len, sizeof miss - len, "%s%ld", len ? ", " : "", x);
                len += w > 0 ? (size_t)w : 0;
            }
            if (x == hi)
                break;
        }
        char all[512];
        size_t k = 0;
        for (long x = lo;; x++) {
            if (k < sizeof all) {
                int w = snprintf(all + k, sizeof all - k, "%s%ld", x > lo ? "," : "", x);
                k += w > 0 ? (size_t)w : 0;
            }
            if (x == hi)
                break;
        }
        cli_warn("--chart-type likert: no row holds %s of %s's scale %ld-%ld, so the chart's "
                 "scale lacks it and its middle moves; give the scale with --levels %s:%s",
                 miss, e[i].variable, lo, hi, e[i].variable, all);
    }
}

/* Whether a level is numbered: a number, or a labelled point ("10 - Extremely likely"). */
static int numbered(const char *s)
{
    double x;
    if (shopstat_parse_number(s, strlen(s), 1, &x) == 1)
        return 1;
    size_t k = 0;
    while (s[k] >= '0' && s[k] <= '9')
        k++;
    return k > 0 && (s[k] == ' ' || s[k] == '-' || s[k] == '.' || s[k] == ':');
}

/* A Likert chart of text answers that are no recognised scale (shopstat_scale_recognise)
 * and whose order no --levels gives: its points stand in byte order, "Agree" left of
 * "Disagree", which reads as a wrong chart. Say so once per question, and how to order it. */
static void likert_unordered(const survey_args *a, const shopstat_totals *t,
                             const shopstat_estimate *e, size_t n)
{
    for (size_t i = 0; t && i < n;) {
        size_t q = e[i].q, j = i, nl = 0;
        while (j < n && e[j].q == q) {
            nl = e[j].l + 1 > nl ? e[j].l + 1 : nl;
            j++;
        }
        size_t i0 = i;
        i = j;
        const char *name = e[i0].variable;
        size_t len = strlen(name);
        int given = 0;
        for (size_t k = 0; k < a->nlevels && !given; k++)
            given = strncmp(a->levels[k], name, len) == 0 && a->levels[k][len] == ':';
        if (given || shopstat_totals_question_kind(t, q) != SHOPSTAT_Q_SINGLE || nl < 2 ||
            nl != shopstat_totals_nlevels(t, q))
            continue;
        int text = 0;
        for (size_t l = 0; l < nl && !text; l++) {
            const char *code = shopstat_totals_level(t, q, l);
            text = !numbered(code) && !shopstat_scale_nonsubstantive(code);
        }
        const char **labs = calloc(nl, sizeof *labs);
        if (!text || !labs) {
            free(labs);
            continue;
        }
        for (size_t m = i0; m < j; m++)
            labs[e[m].l] = e[m].level;
        if (!shopstat_scale_recognise(labs, nl, NULL)) {
            char list[400];
            size_t k = 0;
            for (size_t l = 0; l < nl && k < sizeof list; l++) {
                int w = snprintf(list + k, sizeof list - k, "%s%s", l ? ", " : "",
                                 labs[l] ? labs[l] : "");
                k += w > 0 ? (size_t)w : 0;
            }
            if (k >= sizeof list)
                memcpy(list + sizeof list - 5, "...", 4);
            cli_warn("--chart-type likert: %s's answers (%s) are text that is no scale shopstat "
                     "knows, so the chart takes them in that order; give the scale's order, low "
                     "end first, with --levels %s:V1,V2,...",
                     name, list, name);
        }
        free(labs);
    }
}

/* Whether chart d's levels are a recognised text scale (shopstat_scale_recognise) or a
 * numeric rating scale without labels (shopstat_scale_numeric). */
static int scale_chart(const shopstat_chart_data *d)
{
    const char **labs = calloc(d->nlevels + 1, sizeof *labs);
    if (!labs)
        return 0;
    for (size_t l = 0; l < d->nlevels; l++)
        labs[l] = d->levels[l].label ? d->levels[l].label : d->levels[l].code;
    int r = shopstat_scale_recognise(labs, d->nlevels, NULL) != NULL ||
            shopstat_scale_numeric(labs, d->nlevels);
    free(labs);
    return r;
}

/* The frame every chart of the run has: titles, source, zoom, interval, design. */
static void chart_frame(const survey_args *a, shopstat_chart_opts *co, char *source, size_t ns,
                        int *is_source, char *wnote, size_t nw)
{
    co->title = a->title;
    co->subtitle = a->subtitle;
    source[0] = '\0';
    *is_source = 0;
    if (!a->source)
        default_source(a->data, source, ns, is_source);
    co->source = a->source ? a->source : *is_source ? source : NULL;
    co->zoom = a->zoom;
    co->ci_level = a->tab.level;
    co->ci_method = shopstat_ci_method_name(a->tab.ci);
    shopstat_design_note(&a->data_opts.design, a->fpc_fractions, wnote, nw);
    if (wnote[0])
        co->weight_note = wnote;
}

/* The comparisons of the side totals of each single-choice question of e[0..n) (a Likert
 * chart's: the points left of its centre, l = 0, and right of it, l = 1, the centre as the
 * chart set puts it, the middle point of an odd scale), for t's pairs; *out NULL when there
 * are none. */
static shopstat_status likert_sides(const survey_args *a, const shopstat_totals *t,
                                    const shopstat_estimate *e, size_t n, shopstat_difference **out,
                                    size_t *nout, shopstat_error *err)
{
    *out = NULL;
    *nout = 0;
    shopstat_compare_opts co;
    shopstat_compare_opts_init(&co);
    co.level = a->tab.level;
    size_t *lv = malloc((n ? n : 1) * sizeof *lv);
    if (!lv)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    shopstat_status st = SHOPSTAT_OK;
    for (size_t i = 0; i < n && !st;) {
        size_t q = e[i].q, j = i, nl = 0;
        while (j < n && e[j].q == q) {
            nl = e[j].l + 1 > nl ? e[j].l + 1 : nl;
            j++;
        }
        if (shopstat_totals_question_kind(t, q) != SHOPSTAT_Q_SINGLE || nl < 2) {
            i = j;
            continue;
        }
        /* the sides as the chart draws them (shopstat_scale_sides: the neutral point is
         * neither, a "Don't know" is apart); the chart set takes its centre so too */
        const char **labs = calloc(nl, sizeof *labs);
        unsigned char *sd = malloc(nl);
        if (!labs || !sd) {
            free(labs);
            free(sd);
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (size_t m = i; m < j; m++)
            labs[e[m].l] = e[m].level;
        i = j;
        shopstat_scale_sides(labs, nl, -1, sd);
        free(labs);
        for (int side = 0; side < 2 && !st; side++) {
            size_t k = 0;
            for (size_t l = 0; l < nl; l++)
                if (sd[l] == (side ? SHOPSTAT_SCALE_HIGH : SHOPSTAT_SCALE_LOW))
                    lv[k++] = l;
            if (!k)
                continue; /* (one substantive point, the rest apart: no side to test) */
            shopstat_difference *x = NULL;
            size_t nx = 0;
            st = shopstat_compare_level_set(t, &co, q, lv, k, &x, &nx, err);
            shopstat_difference *all = st ? NULL : realloc(*out, (*nout + nx + 1) * sizeof *all);
            if (!st && !all)
                st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            for (size_t m = 0; !st && m < nx; m++) {
                all[*nout] = x[m];
                all[(*nout)++].l = (size_t)side;
            }
            if (all)
                *out = all;
            free(x);
        }
        free(sd);
    }
    free(lv);
    if (st) {
        free(*out);
        *out = NULL;
        *nout = 0;
    }
    return st;
}

/* The base of question `name`'s chart in the report's charts' words (output.c's base lines
 * say the same of rows): a --multi-ticked question's respondents ticking at least one option,
 * a --multi-codes question's respondents holding at least one code, a --none-in-base
 * question's every respondent (one ticking none, or holding no code, counts as none); NULL
 * for a question answered as any other (so.base_note's "respondents meeting B, answering"
 * with --base, else no line). */
static const char *question_base(const survey_args *a, const shopstat_totals *t, const char *name,
                                 char *buf, size_t n)
{
    size_t nq = t ? shopstat_totals_nquestions(t) : 0, q = 0;
    while (q < nq && strcmp(shopstat_totals_question(t, q), name) != 0)
        q++;
    if (q == nq)
        return NULL;
    int codes = shopstat_totals_question_kind(t, q) == SHOPSTAT_Q_CODES;
    /* (a chart is read by people who count respondents, not a file's rows: the report's
     * charts say it so too) */
    const char *rows = a->base ? "respondents meeting " : "all respondents",
               *cond = a->base ? a->base : "";
    if (shopstat_totals_question_none_in_base(t, q))
        snprintf(buf, n, "%s%s; %s", rows, cond,
                 codes ? "a respondent holding no code counts as none"
                       : "a respondent ticking none counts as none");
    else if (codes || shopstat_totals_question_ticked(t, q))
        snprintf(buf, n, "%s%s%s%s", rows, cond, a->base ? ", " : " ",
                 codes ? "holding at least one code" : "ticking at least one option");
    else
        return NULL;
    return buf;
}

/* Whether question `name` of t allows several answers (--multi, --multi-ticked,
 * --multi-codes). */
static int question_multi(const shopstat_totals *t, const char *name)
{
    for (size_t q = 0, nq = t ? shopstat_totals_nquestions(t) : 0; q < nq; q++)
        if (strcmp(shopstat_totals_question(t, q), name) == 0)
            return shopstat_totals_question_kind(t, q) != SHOPSTAT_Q_SINGLE;
    return 0;
}

/* The segments a chart names (those of the estimates and scores drawn), for seg_label. */
typedef struct seg_names {
    const shopstat_estimate *e;
    size_t n;
    const shopstat_score_estimate *se;
    size_t nse;
} seg_names;

/* Whether a segment other than name ("COL=VALUE") of the run has the value eq (its part after
 * '=') under another column: then VALUE alone would not tell them apart. */
static int value_shared(const seg_names *g, const char *name, const char *eq)
{
    for (size_t i = 0; i < g->n + g->nse; i++) {
        const char *o = i < g->n ? g->e[i].segment : g->se[i - g->n].segment;
        const char *oeq = o ? strchr(o, '=') : NULL;
        if (oeq && strcmp(oeq, eq) == 0 && strcmp(o, name) != 0)
            return 1;
    }
    return 0;
}

/* A segment's name for the charts, as the report names a by: segment: a --by value that says
 * what it is ("wave=Wave 2 (Sep 2026)") by the value alone, "Wave 2 (Sep 2026)", so that a
 * difference reads "Wave 2 (Sep 2026) minus Wave 1 (Mar 2026)"; a number ("region=1") keeps
 * its column's name, as does a code of one or two characters ("g=a", "region=N": "N" alone
 * says little, and reads as a word in "N minus S") and a value two --by columns share. Other
 * names stay as given. */
static const char *seg_label(void *ctx, const char *question, const char *level,
                             const char *segment)
{
    (void)question;
    (void)level;
    const char *eq = segment ? strchr(segment, '=') : NULL;
    double x;
    if (!eq || strlen(eq + 1) < 3 || shopstat_parse_number(eq + 1, strlen(eq + 1), 1, &x) == 1 ||
        value_shared(ctx, segment, eq))
        return NULL;
    return eq + 1;
}

/* A score's trend: the score chart's segments as waves (but a first 'all' beside others,
 * which pools them, as a report's trend table leaves it out), one line of the score on its
 * own axis, a wave marked ▲ or ▼ where its change from the wave before is significant for a
 * --pair of the two (compare --score --pair wave:prev), the changes named in the footer. */
typedef struct score_trend {
    const char **waves;
    shopstat_chart_cell *cells;
    shopstat_chart_series line;
    shopstat_chart_opts o;
    const char *notes[6];
    char changes[1500];
} score_trend;

/* The first estimate of score i (its question's and score's group, in se's order: the
 * order of shopstat_chartset_build_scores' charts); NULL past the last. */
static const shopstat_score_estimate *score_group(const shopstat_score_estimate *se, size_t n,
                                                  size_t i)
{
    size_t g = 0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && (se[k].k != se[k - 1].k || strcmp(se[k].variable, se[k - 1].variable) != 0))
            g++;
        if (g == i)
            return &se[k];
    }
    return NULL;
}

static int make_score_trend(shopstat_chart_data *d, score_trend *st, const shopstat_chart_opts *sco,
                            const shopstat_score_estimate *x, const shopstat_difference *sdiffs,
                            size_t nsdiffs, double alpha)
{
    size_t c0 = d->nseries > 1 && d->series[0].name && strcmp(d->series[0].name, "all") == 0;
    size_t nw = d->nseries - c0;
    st->waves = calloc(nw ? nw : 1, sizeof *st->waves);
    st->cells = calloc(nw ? nw : 1, sizeof *st->cells);
    if (!st->waves || !st->cells)
        return -1;
    size_t len = 0, shown = 0, tested = 0;
    st->changes[0] = '\0';
    for (size_t w = 0; w < nw; w++) {
        const shopstat_chart_series *sr = &d->series[c0 + w];
        st->waves[w] = sr->label ? sr->label : sr->name;
        st->cells[w] = d->cells[c0 + w];
        st->cells[w].sig = NULL; /* (the score chart's letters name its rows) */
        for (size_t k = 0; w > 0 && x && k < nsdiffs; k++) {
            const shopstat_difference *df = &sdiffs[k];
            if (!df->variable || !df->level || strcmp(df->variable, x->variable) != 0 ||
                strcmp(df->level, x->score) != 0 || !df->segment_a || !df->segment_b ||
                strcmp(df->segment_a, sr->name) != 0 ||
                strcmp(df->segment_b, d->series[c0 + w - 1].name) != 0)
                continue;
            if (!isfinite(df->p_adjusted))
                break;
            tested++;
            if (!(df->p_adjusted < alpha))
                break;
            st->cells[w].sig = df->difference > 0 ? "\u25B2" : "\u25BC";
            char v[32], pt[32];
            shopstat_score_format(df->difference, x->min, x->max,
                                  shopstat_score_estimate_decimals(x), SHOPSTAT_SCORE_SIGN, v,
                                  sizeof v);
            int m = snprintf(st->changes + len, sizeof st->changes - len, "%s%s vs %s: %s (%s)",
                             shown ? "; " : "", st->waves[w], st->waves[w - 1], v,
                             shopstat_format_p(df->p_adjusted, pt, sizeof pt));
            if (m > 0 && len + (size_t)m < sizeof st->changes) {
                len += (size_t)m;
                shown++;
            }
            break;
        }
    }
    st->line.name = d->levels[0].label ? d->levels[0].label : "score";
    st->line.label = st->line.name;
    st->line.base_n = NAN;
    st->line.eff_base = NAN;
    st->o = *sco;
    st->o.type = SHOPSTAT_CHART_TREND;
    st->o.sig_note = NULL;
    st->o.notes = st->notes;
    st->o.nnotes = 0;
    if (shown) {
        char tmp[sizeof st->changes];
        snprintf(tmp, sizeof tmp, "%s", st->changes);
        snprintf(st->changes, sizeof st->changes,
                 "\u25B2\u25BC: significantly higher or lower than the wave before (p < %g): "
                 "%.1400s.",
                 alpha, tmp);
    } else if (tested)
        snprintf(st->changes, sizeof st->changes,
                 "Compared with the wave before: no change is significant (p >= %g).", alpha);
    /* the changes, then the call's notes (df 0, the data file) */
    if (st->changes[0])
        st->notes[st->o.nnotes++] = st->changes;
    for (size_t k = 0; k < sco->nnotes && k < 4; k++)
        st->notes[st->o.nnotes++] = sco->notes[k];
    d->wave_bases = d->series + c0; /* (each wave's bases: its segment's) */
    d->series = &st->line;
    d->nseries = 1;
    d->waves = st->waves;
    d->nwaves = nw;
    d->trend = st->cells;
    d->cells = NULL;
    d->opts = &st->o;
    return 0;
}

int cli_render_charts(const survey_args *a, const shopstat_totals *t, const shopstat_estimate *e,
                      size_t n, const shopstat_difference *diffs, size_t ndiffs,
                      const shopstat_score_estimate *se, size_t nse,
                      const shopstat_difference *sdiffs, size_t nsdiffs)
{
    if (!a->chart)
        return 0;
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_chart_opts co, sco, lco;
    shopstat_chartset_opts so;
    int cmd = diffs ? CHARTS_COMPARE : !n && se ? CHARTS_SCORE : CHARTS_TAB;
    int rc = chart_flags(a, cmd, &co, &so);
    if (rc)
        return rc;
    co.type = so.type;
    if (so.type == SHOPSTAT_CHART_LIKERT) {
        likert_gaps(e, n);
        likert_unordered(a, t, e, n);
    }
    char source[1500], wnote[300], bnote[600];
    int is_source = 0;
    chart_frame(a, &co, source, sizeof source, &is_source, wnote, sizeof wnote);
    char rows[800]; /* (--exclude, --dedupe, --skip-rows: the rows left out, beside the base) */
    if (t)
        co.rows_note = shopstat_rows_left_out_note(t, 1, rows, sizeof rows);
    if (a->base) {
        snprintf(bnote, sizeof bnote, "respondents meeting %s, answering", a->base);
        so.base_note = bnote;
    }
    seg_names names = {e, n, se, nse};
    so.label = seg_label;
    so.label_ctx = &names;
    co.adjust_method =
        diffs && a->adjust != SHOPSTAT_ADJUST_NONE ? shopstat_adjust_label(a->adjust) : NULL;
    co.alpha = a->alpha;
    so.diffs = diffs;
    so.ndiffs = ndiffs;
    so.alpha = a->alpha;
    so.unadjusted = a->adjust == SHOPSTAT_ADJUST_NONE;
    shopstat_difference *sides = NULL;
    size_t nsides = 0;
    if (so.type == SHOPSTAT_CHART_LIKERT && t && ndiffs &&
        likert_sides(a, t, e, n, &sides, &nsides, &err))
        return cli_fail(&err);
    so.side_diffs = sides;
    so.nside_diffs = nsides;
    shopstat_chartset *set = NULL, *sset = NULL;
    const shopstat_chart_data **pages = NULL;
    shopstat_chart_data *scharts = NULL, *lcharts = NULL;
    score_trend *strends = NULL;
    char(*lbase)[600] = NULL;
    shopstat_status bst = n ? shopstat_chartset_build(e, n, &so, &set, &err) : SHOPSTAT_OK;
    free(sides); /* (the chart set keeps its marks, not the differences) */
    so.side_diffs = NULL;
    so.nside_diffs = 0;
    if (bst)
        return cli_fail(&err);
    /* the scores' charts after the levels' (compare --score: marked for the pairs as the
     * report marks them, with the design's adjustment named when a pair is tested) */
    shopstat_chartset_opts sso = so;
    sso.type = SHOPSTAT_CHART_SCORE;
    sso.diffs = sdiffs;
    sso.ndiffs = nsdiffs;
    if (nse && shopstat_chartset_build_scores(se, nse, &sso, &sset, &err)) {
        shopstat_chartset_free(set);
        return cli_fail(&err);
    }
    size_t nl = set ? shopstat_chartset_count(set) : 0;
    size_t nsc = sset ? shopstat_chartset_count(sset) : 0;
    const char *notes[3], *snotes[4];
    co.notes = notes;
    if (set) {
        co.sig_note = shopstat_chartset_sig_note(set);
        if ((notes[co.nnotes] = shopstat_chartset_rest_note(set)))
            co.nnotes++;
    }
    /* segments drawn without whiskers: their design df is 0 (a footnote names them) */
    char nodf[2000], snodf[2000];
    shopstat_df0_names df0;
    shopstat_df0_names_init(&df0);
    for (size_t i = 0; i < n; i++)
        if (e[i].no_interval)
            shopstat_df0_add(&df0, e[i].segment);
    shopstat_df0_note(&df0, t, nodf, sizeof nodf);
    if (nodf[0])
        notes[co.nnotes++] = nodf;
    if (source[0] && !is_source)
        notes[co.nnotes++] = source;
    sco = co;
    sco.type = SHOPSTAT_CHART_SCORE;
    sco.decimals = 0; /* (the scale's own: opts decimals would add to them) */
    sco.adjust_method =
        nsdiffs && a->adjust != SHOPSTAT_ADJUST_NONE ? shopstat_adjust_label(a->adjust) : NULL;
    sco.notes = snotes;
    sco.nnotes = 0;
    sco.sig_note = NULL;
    if (sset) {
        sco.sig_note = shopstat_chartset_sig_note(sset);
        if ((snotes[sco.nnotes] = shopstat_chartset_rest_note(sset)))
            sco.nnotes++;
    }
    /* quantiles (a spend's median): the axis fitted to them, not the values' whole range,
     * and what they are (the chart's footer says what their whiskers are: Woodruff's
     * intervals, shopstat_chart_data.score_quantile) */
    size_t nquant = 0, nfit = 0; /* (fitted too: a measure's means, as a report's) */
    for (size_t i = 0; i < nse; i++) {
        nquant += se[i].quantile != 0;
        nfit += se[i].quantile || se[i].measure;
    }
    if (nfit && nfit == nse)
        sco.zoom = 1;
    if (nquant)
        snotes[sco.nnotes++] = "Quantiles: R's svyquantile (qrule \"math\"), the smallest "
                               "value whose cumulative weight reaches p of the base's.";
    shopstat_df0_names_init(&df0);
    for (size_t i = 0; i < nse; i++)
        if (se[i].no_interval)
            shopstat_df0_add(&df0, se[i].segment);
    shopstat_df0_note(&df0, t, snodf, sizeof snodf);
    if (snodf[0])
        snotes[sco.nnotes++] = snodf;
    if (source[0] && !is_source)
        snotes[sco.nnotes++] = source;
    pages = calloc(nl + nsc + 1, sizeof *pages);
    scharts = calloc(nsc + 1, sizeof *scharts);
    lcharts = calloc(nl + 1, sizeof *lcharts);
    lbase = calloc(nl + 1, sizeof *lbase);
    if (!pages || !scharts || !lcharts || !lbase) {
        rc = cli_oom();
        goto done;
    }
    /* a recognised text scale, or a numeric one without labels, keeps its order in a bar
     * chart (as --levels would) unless --sort is given */
    lco = co;
    lco.sort = SHOPSTAT_CHART_SORT_NONE;
    for (size_t i = 0; i < nl; i++) {
        lcharts[i] = *shopstat_chartset_charts(set)[i];
        if (!a->sort && co.sort != SHOPSTAT_CHART_SORT_NONE && scale_chart(&lcharts[i]))
            lcharts[i].opts = &lco;
        const char *qb = question_base(a, t, lcharts[i].name, lbase[i], sizeof lbase[i]);
        if (qb)
            lcharts[i].base_note = qb;
        /* (the chart set guesses a multi-response question from shares adding to over 100%;
         * a codes question whose rows mostly hold one code, counted with those holding none,
         * does not add up so: the totals know) */
        if (question_multi(t, lcharts[i].name))
            lcharts[i].multi_response = 1;
        pages[i] = &lcharts[i];
    }
    if (so.type == SHOPSTAT_CHART_TREND && !(strends = calloc(nsc + 1, sizeof *strends))) {
        rc = cli_usage_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < nsc; i++) {
        scharts[i] = *shopstat_chartset_charts(sset)[i];
        scharts[i].opts = &sco; /* (each page its own type: a levels' chart and a score's) */
        if (strends && make_score_trend(&scharts[i], &strends[i], &sco, score_group(se, nse, i),
                                        sdiffs, nsdiffs, a->alpha)) {
            rc = cli_usage_error("out of memory");
            goto done;
        }
        pages[nl + i] = &scharts[i];
    }
    /* --title is one chart's title: over several questions' charts every page would read
     * it, the second question's chart titled as the first (a tab of switch and sat, both
     * "Would switch after poor service"). Drawn as asked, and said. */
    if (a->title) {
        const char *first = NULL, *other = NULL;
        size_t nq = 0;
        for (size_t i = 0; i < nl + nsc; i++) {
            const char *q = pages[i]->name ? pages[i]->name : "";
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++)
                seen = strcmp(pages[k]->name ? pages[k]->name : "", q) == 0;
            if (seen)
                continue;
            nq++;
            if (!first)
                first = q;
            else if (!other)
                other = q;
        }
        if (nq > 1)
            cli_warn("--title \"%s\" titles the charts of all %zu questions (%s, %s%s): each "
                     "reads it; draw one question per command to title each, or leave --title "
                     "out (each chart is then titled by its question)",
                     a->title, nq, first, other, nq > 2 ? ", ..." : "");
    }
    if (shopstat_chart_render_pages(a->chart, pages, nl + nsc, &co, &err))
        rc = cli_fail(&err);
done:
    for (size_t i = 0; strends && i < nsc; i++) {
        free(strends[i].waves);
        free(strends[i].cells);
    }
    free(strends);
    free(pages);
    free(scharts);
    free(lcharts);
    free(lbase);
    shopstat_chartset_free(set);
    shopstat_chartset_free(sset);
    return rc;
}
