/* Chart data from results: tab estimates (bars, Likert, trends) and comparisons (diffs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shopstat/chartset.h"
#include "shopstat/output.h"
#include "shopstat/scale.h"
#include "../engine/cnumeric.h"

typedef struct one_chart {
    shopstat_chart_data d;
    shopstat_chart_level *levels;
    shopstat_chart_series *series;
    shopstat_chart_cell *cells;
    shopstat_chart_diff *diffs;
    const char **compare_labels;
    char **owned; /* strings to free */
    size_t nowned;
    const char **waves;
    shopstat_chart_cell *trend;
    shopstat_chart_series *wave_bases;
    shopstat_chart_series *item_bases; /* a score chart of items: each row's bases */
    const char **side_sig; /* Likert: 2 x nseries marks of the side totals */
} one_chart;

struct shopstat_chartset {
    one_chart *c;
    size_t n;
    const shopstat_chart_data **ptrs;
    char sig_note[768];
    char rest_note[512];
    int letters_drawn;   /* some bar carries a letter */
    int arrows_drawn;    /* some bar carries a marker against the rest */
    int tested;          /* some comparison of bars was tested (effective bases of 10 or more) */
    int untested_low;    /* some was not, for an effective base under 10 */
    const char *rest_of; /* the segment compared with the rest, when only one is */
    int rest_of_several; /* several segments are compared with their rest */
};

void shopstat_chartset_opts_init(shopstat_chartset_opts *o)
{
    memset(o, 0, sizeof *o);
    o->type = SHOPSTAT_CHART_BARS;
    o->alpha = 0.05;
}

static const char *lab(const shopstat_chartset_opts *o, const char *q, const char *l,
                       const char *s, const char *dflt)
{
    const char *r = o->label ? o->label(o->label_ctx, q, l, s) : NULL;
    return r ? r : dflt;
}

static char *own(one_chart *c, char *s)
{
    char **n = realloc(c->owned, (c->nowned + 1) * sizeof *n);
    if (!n) {
        free(s);
        return NULL;
    }
    c->owned = n;
    c->owned[c->nowned++] = s;
    return s;
}

static char *fmt(one_chart *c, const char *a, const char *mid, const char *b)
{
    size_t n = strlen(a) + strlen(mid) + strlen(b) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    snprintf(s, n, "%s%s%s", a, mid, b);
    return own(c, s);
}

void shopstat_chartset_free(shopstat_chartset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        one_chart *c = &s->c[i];
        free(c->levels);
        free(c->series);
        free(c->cells);
        free(c->diffs);
        free(c->compare_labels);
        free(c->waves);
        free(c->trend);
        free(c->wave_bases);
        free(c->item_bases);
        free(c->side_sig);
        for (size_t k = 0; k < c->nowned; k++)
            free(c->owned[k]);
        free(c->owned);
    }
    free(s->c);
    free(s->ptrs);
    free(s);
}

/* A cell's letters: one per series lettered A to Z (a series can be higher than all the
 * others), and the NUL; then its markers against the rest (UTF-8 triangles of 3 bytes, two at
 * most: a segment has one rest, but a caller may list its pair twice), and the NUL. */
#define MARK_LETTERS 26
#define MARK_ARROWS 2
#define MARK_ARROW_OFF (MARK_LETTERS + 1)
#define MARK_BYTES (MARK_ARROW_OFF + 3 * MARK_ARROWS + 1)
#define ARROW_UP "\xe2\x96\xb2"   /* U+25B2 */
#define ARROW_DOWN "\xe2\x96\xbc" /* U+25BC */

/* Significance markers, for comparisons of that level with p_adjusted < alpha (upper case as
 * in the compare table's letters at the same alpha). Series i gets letter 'A' + j when it is
 * significantly higher than series j. A pair A:rest has no series for the rest (the compare
 * table's "not A" column has no bars): A's bar gets a triangle instead, up when A is
 * significantly higher than the rest, down when lower, so that the difference shows either
 * way (a letter would go to the rest's missing bar when the rest is higher). */
/* A Likert chart's side totals are marked the same way (sides: diffs are its totals'
 * comparisons, nlev 2 rows, the left and the right total; each side's effective base is the
 * difference's own), into c->side_sig instead of the cells. */
static void mark(shopstat_chartset *set, one_chart *c, const shopstat_chartset_opts *o,
                 const shopstat_difference *diffs, size_t ndiffs, int sides, size_t q, size_t nlev,
                 size_t nser, const shopstat_estimate *e, size_t qstart, char *marks)
{
    for (size_t k = 0; k < ndiffs; k++) {
        const shopstat_difference *d = &diffs[k];
        if (d->q != q || d->l >= nlev)
            continue;
        int rest = strcmp(d->segment_b, "rest") == 0;
        long sa = -1, sb = -1;
        for (size_t s = 0; s < nser; s++) {
            const char *name = e[qstart + s].segment;
            if (strcmp(name, d->segment_a) == 0)
                sa = (long)s;
            if (!rest && strcmp(name, d->segment_b) == 0)
                sb = (long)s;
        }
        /* A bar of effective base under 10 is not tested (methods.md), as in compare's table
         * view and the workbook: the bars' own bases, and the rest's from its difference. */
        double eff_a = sa < 0  ? NAN
                       : sides ? d->eff_base_a
                               : e[qstart + d->l * nser + (size_t)sa].eff_base;
        double eff_b = sb < 0  ? NAN
                       : sides ? d->eff_base_b
                               : e[qstart + d->l * nser + (size_t)sb].eff_base;
        if ((sa >= 0 && eff_a < 10) || (sb >= 0 && eff_b < 10) || (rest && d->eff_base_b < 10)) {
            set->untested_low |= sa >= 0 && (rest || sb >= 0);
            continue;
        }
        if (sa < 0 || (!rest && sb < 0) || isnan(d->p_adjusted))
            continue; /* (not a comparison of this chart's bars) */
        set->tested = 1;
        if (!(d->p_adjusted < o->alpha))
            continue;
        if (rest) {
            char *m = marks + (d->l * nser + (size_t)sa) * MARK_BYTES + MARK_ARROW_OFF;
            size_t len = strlen(m);
            if (len + 3 < 3 * MARK_ARROWS + 1)
                memcpy(m + len, d->difference > 0 ? ARROW_UP : ARROW_DOWN, 4);
            set->arrows_drawn = 1;
            if (set->rest_of && strcmp(set->rest_of, d->segment_a) != 0)
                set->rest_of_several = 1;
            set->rest_of = d->segment_a;
            continue;
        }
        long hi = d->difference > 0 ? sa : sb, lo = d->difference > 0 ? sb : sa;
        if (lo >= MARK_LETTERS)
            continue; /* (the letters stop at Z: later series are not lettered) */
        char *m = marks + (d->l * nser + (size_t)hi) * MARK_BYTES;
        size_t len = strlen(m);
        if (len < MARK_LETTERS) {
            m[len] = (char)('A' + lo);
            m[len + 1] = '\0';
        }
        set->letters_drawn = 1;
    }
    for (size_t i = 0; i < nlev * nser; i++) {
        const char *m = marks + i * MARK_BYTES;
        /* letters and triangles a space apart, as the value and its marks are ("87% A ▲",
         * not "87% A▲": read as one sign) */
        const char *x = m[0] || m[MARK_ARROW_OFF]
                            ? fmt(c, m, m[0] && m[MARK_ARROW_OFF] ? " " : "", m + MARK_ARROW_OFF)
                            : NULL;
        if (sides)
            c->side_sig[i] = x;
        else
            c->cells[i].sig = x;
    }
}

/* "Letters: significantly higher than the segment of that letter (A = All buyers, B = Heavy
 * buyers), adjusted p < 0.05." The segments are those of the first level of the first
 * question; every question has the same ones. Then, when a bar has a marker against the
 * rest, what the triangles mean and who the rest are. Only what some bar carries is
 * explained. */
static void sig_legend(const shopstat_chartset *set, char *buf, size_t size,
                       const shopstat_estimate *e, size_t n, const shopstat_chartset_opts *o,
                       const char *p_word, int totals)
{
    size_t k = 0;
    buf[0] = '\0';
    if (set->letters_drawn) {
        k = (size_t)snprintf(buf, size,
                             totals ? "Letters beside a total: that side's share is "
                                      "significantly higher than in the segment of that letter ("
                                    : "Letters: significantly higher than the segment of that "
                                      "letter (");
        for (size_t i = 0; i < n && i < 26 && k < size; i++) {
            if (i > 0 && (e[i].q != e[0].q || e[i].l != e[0].l))
                break;
            k += (size_t)snprintf(buf + k, size - k, "%s%c = %s", i ? ", " : "", (char)('A' + i),
                                  lab(o, NULL, NULL, e[i].segment, e[i].segment));
        }
        if (k < size)
            k += (size_t)snprintf(buf + k, size - k, "), %s < %g.", p_word, o->alpha);
    }
    if (set->arrows_drawn && k < size) {
        char who[320];
        if (set->rest_of_several)
            snprintf(who, sizeof who, "those not in the bar's segment");
        else
            snprintf(who, sizeof who, "those not in %s",
                     lab(o, NULL, NULL, set->rest_of, set->rest_of));
        k += (size_t)snprintf(buf + k, size - k,
                              "%s" ARROW_UP " / " ARROW_DOWN "%s: significantly higher / lower "
                              "than the rest (%s), %s < %g.",
                              k ? " " : "", totals ? " beside a total" : "", who, p_word, o->alpha);
    }
    /* a side's total is a share of its points, tested as such (shopstat_compare_level_set),
     * one test per side and pair */
    if (totals && k && k < size)
        snprintf(buf + k, size - k,
                 " Totals tested as shares of their points (design-based t test, overlap "
                 "included), not adjusted for multiple comparisons.");
}

/* "The rest: those not in Heavy buyers." for a difference chart of A:rest pairs, whose rows
 * say "Heavy buyers minus the rest". */
static void rest_legend(shopstat_chartset *set, const shopstat_chartset_opts *o)
{
    const char *a = NULL;
    int several = 0;
    for (size_t k = 0; k < o->ndiffs; k++) {
        const shopstat_difference *d = &o->diffs[k];
        if (strcmp(d->segment_b, "rest") != 0)
            continue;
        several |= a && strcmp(a, d->segment_a) != 0;
        a = d->segment_a;
    }
    if (!a)
        return;
    if (several)
        snprintf(set->rest_note, sizeof set->rest_note,
                 "The rest: those not in the segment it is compared with.");
    else
        snprintf(set->rest_note, sizeof set->rest_note, "The rest: those not in %s.",
                 lab(o, NULL, NULL, a, a));
}

/* A pair with 'all' (heavy:all) compares a segment with a whole it is part of: the note says
 * so, and that the test allows for it (methods.md, "Comparing two segments"), lest a reader
 * take it for an independent-samples test of disjoint groups. Appended to the rest note. */
static void overlap_note(shopstat_chartset *set, const shopstat_chartset_opts *o)
{
    const char *a = NULL;
    int several = 0;
    for (size_t k = 0; k < o->ndiffs; k++) {
        const shopstat_difference *d = &o->diffs[k];
        const char *part = strcmp(d->segment_b, "all") == 0   ? d->segment_a
                           : strcmp(d->segment_a, "all") == 0 ? d->segment_b
                                                              : NULL;
        if (!part || strcmp(part, "all") == 0 || strcmp(part, "rest") == 0)
            continue;
        several |= a && strcmp(a, part) != 0;
        a = part;
    }
    if (!a)
        return;
    size_t k = strlen(set->rest_note);
    const char *all = lab(o, NULL, NULL, "all", "all");
    const char *tail = ": their difference is tested with its design-based variance, the overlap's "
                       "covariance included (not as independent samples).";
    if (several)
        snprintf(set->rest_note + k, sizeof set->rest_note - k,
                 "%sThe segments compared with %s are part of it%s", k ? " " : "", all, tail);
    else
        snprintf(set->rest_note + k, sizeof set->rest_note - k, "%s%s are part of %s%s",
                 k ? " " : "", lab(o, NULL, NULL, a, a), all, tail);
}

/* Of a question's two levels, the one a difference chart shows (shopstat_chartset_opts
 * diff_all_levels): shopstat_scale_yes_level. */
static size_t informative_level(const shopstat_chart_level *lv)
{
    const char *const label[2] = {lv[0].label, lv[1].label}, *const code[2] = {lv[0].code, lv[1].code};
    return (size_t)shopstat_scale_yes_level(label, code);
}

/* Whether the two rows of differences (diffs[0..nc), diffs[nc..2nc)) mirror each other in
 * every comparison: both there, summing to 0. */
static int diffs_mirror(const shopstat_chart_diff *x, size_t nc)
{
    for (size_t k = 0; k < nc; k++)
        if (!isfinite(x[k].diff) || !isfinite(x[nc + k].diff) ||
            fabs(x[k].diff + x[nc + k].diff) > 1e-9)
            return 0;
    return 1;
}

static shopstat_status chartset_build_c(const shopstat_estimate *e, size_t n,
                                        const shopstat_chartset_opts *o, shopstat_chartset **out,
                                        shopstat_error *err)
{
    *out = NULL;
    shopstat_chartset *s = calloc(1, sizeof *s);
    if (!s)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t nq = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || e[i].q != e[i - 1].q)
            nq++;
    s->c = calloc(nq ? nq : 1, sizeof *s->c);
    s->ptrs = calloc(nq ? nq : 1, sizeof *s->ptrs);
    if (!s->c || !s->ptrs)
        goto nomem;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && e[j].q == e[i].q)
            j++;
        size_t nser = 0;
        while (i + nser < j && e[i + nser].l == e[i].l)
            nser++;
        size_t nlev = (j - i) / nser;
        one_chart *c = &s->c[s->n++];
        shopstat_chart_data *d = &c->d;
        const char *qname = e[i].variable;
        d->name = qname;
        d->label = lab(o, qname, NULL, NULL, qname);
        d->base_note = o->base_note;
        d->neutral = nlev % 2 ? (long)(nlev / 2) : -1;
        c->levels = calloc(nlev, sizeof *c->levels);
        c->series = calloc(nser, sizeof *c->series);
        c->cells = calloc(nlev * nser, sizeof *c->cells);
        char *marks = calloc(nlev * nser * MARK_BYTES, 1);
        if (!c->levels || !c->series || !c->cells || !marks) {
            free(marks);
            goto nomem;
        }
        for (size_t l = 0; l < nlev; l++) {
            const shopstat_estimate *r = &e[i + l * nser];
            c->levels[l].code = r->level;
            c->levels[l].label = lab(o, qname, r->level, NULL, r->level);
        }
        /* a Likert chart's centre: a recognised scale's neutral point, else the middle of
         * the substantive levels ("Don't know" is never the centre) */
        const char **labs = calloc(nlev, sizeof *labs);
        unsigned char *side = malloc(nlev);
        if (!labs || !side) {
            free(labs);
            free(side);
            free(marks);
            goto nomem;
        }
        for (size_t l = 0; l < nlev; l++)
            labs[l] = c->levels[l].label;
        d->neutral = shopstat_scale_sides(labs, nlev, -1, side);
        free(labs);
        free(side);
        for (size_t k = 0; k < nser; k++) {
            const shopstat_estimate *r = &e[i + k];
            c->series[k].name = r->segment;
            c->series[k].label = lab(o, NULL, NULL, r->segment, r->segment);
            c->series[k].base_n = (double)r->base_n;
            c->series[k].eff_base = r->eff_base;
        }
        for (size_t l = 0; l < nlev; l++)
            for (size_t k = 0; k < nser; k++) {
                const shopstat_estimate *r = &e[i + l * nser + k];
                shopstat_chart_cell *cc = &c->cells[l * nser + k];
                cc->value = r->base_n ? r->proportion : NAN;
                cc->lo = r->ci_lower;
                cc->hi = r->ci_upper;
                cc->eff_base = r->eff_base;
            }
        if (o->type != SHOPSTAT_CHART_LIKERT) {
            mark(s, c, o, o->diffs, o->ndiffs, 0, e[i].q, nlev, nser, e, i, marks);
        } else if (o->nside_diffs) {
            /* (a Likert chart's rows show their side totals' marks, not the points') */
            char *smarks = calloc(2 * nser * MARK_BYTES, 1);
            c->side_sig = calloc(2 * nser, sizeof *c->side_sig);
            if (!smarks || !c->side_sig) {
                free(smarks);
                free(marks);
                goto nomem;
            }
            mark(s, c, o, o->side_diffs, o->nside_diffs, 1, e[i].q, 2, nser, e, i, smarks);
            free(smarks);
            d->side_sig = c->side_sig;
        }
        free(marks);
        d->levels = c->levels;
        d->nlevels = nlev;
        d->series = c->series;
        d->nseries = nser;
        d->cells = c->cells;
        /* multi-response when the caller says so, or when a row can be seen to give several
         * levels: proportions of one segment sum to more than 1 (a multi-response question
         * whose answers are rare can sum to less, hence the caller's flag) */
        double sum = 0;
        for (size_t l = 0; l < nlev; l++)
            if (!isnan(c->cells[l * nser].value))
                sum += c->cells[l * nser].value;
        d->multi_response = o->multi_response || sum > 1 + 1e-9;
        if (o->type == SHOPSTAT_CHART_TREND) {
            /* waves = the segments other than a leading 'all' (the pooled waves); one line
             * per level */
            size_t off = nser > 1 && strcmp(c->series[0].name, "all") == 0 ? 1 : 0;
            size_t nw = nser - off;
            c->waves = calloc(nw, sizeof *c->waves);
            c->trend = calloc(nlev * nw, sizeof *c->trend);
            c->wave_bases = calloc(nw, sizeof *c->wave_bases);
            if (!c->waves || !c->trend || !c->wave_bases)
                goto nomem;
            for (size_t w = 0; w < nw; w++) {
                const char *sn = c->series[w + off].name;
                const char *eq = strchr(sn, '=');
                c->waves[w] = lab(o, NULL, NULL, sn, eq ? eq + 1 : sn);
                /* each wave's bases, under its label: the segment's as in a bar chart's legend */
                c->wave_bases[w] = c->series[w + off];
            }
            for (size_t l = 0; l < nlev; l++)
                for (size_t w = 0; w < nw; w++)
                    c->trend[l * nw + w] = c->cells[l * nser + w + off];
            /* a question of two answers: each wave's shares sum to 1, so the second line is
             * the first upside down (yes 85% to 76%, no 15% to 24%); the one that reads as
             * yes alone says it all, as in the difference chart */
            if (nlev == 2 && !d->multi_response && !o->diff_all_levels) {
                if (informative_level(c->levels) == 1) {
                    c->levels[0] = c->levels[1];
                    memmove(&c->trend[0], &c->trend[nw], nw * sizeof *c->trend);
                }
                d->nlevels = 1;
            }
            /* one series: the question itself */
            c->series[0].name = "all";
            c->series[0].label = d->label;
            d->nseries = 1;
            d->waves = c->waves;
            d->nwaves = nw;
            d->trend = c->trend;
            d->wave_bases = c->wave_bases;
        }
        if (o->type == SHOPSTAT_CHART_DIFF) {
            /* one comparison per distinct (segment_a, segment_b) pair of this question, in
             * order of first appearance; a difference finds its pair by name, so the levels
             * may come in any order (a report lists them in its display order) */
            size_t nd = 0;
            for (size_t k = 0; k < o->ndiffs; k++)
                nd += o->diffs[k].q == e[i].q;
            const shopstat_difference **first = calloc(nd ? nd : 1, sizeof *first);
            c->compare_labels = calloc(nd ? nd : 1, sizeof *c->compare_labels);
            c->diffs = calloc((nd ? nd : 1) * nlev, sizeof *c->diffs);
            if (!first || !c->compare_labels || !c->diffs) {
                free(first);
                goto nomem;
            }
            for (size_t k = 0; k < nd * nlev; k++)
                c->diffs[k].diff = c->diffs[k].lo = c->diffs[k].hi = c->diffs[k].p_adj = NAN;
            size_t nc = 0;
            for (size_t k = 0; k < o->ndiffs; k++) {
                const shopstat_difference *df = &o->diffs[k];
                if (df->q != e[i].q)
                    continue;
                size_t ci = 0;
                while (ci < nc && (strcmp(first[ci]->segment_a, df->segment_a) != 0 ||
                                   strcmp(first[ci]->segment_b, df->segment_b) != 0))
                    ci++;
                if (ci == nc) {
                    first[nc++] = df;
                    const char *la = lab(o, NULL, NULL, df->segment_a, df->segment_a);
                    const char *lb = strcmp(df->segment_b, "rest") == 0
                                         ? "the rest"
                                         : lab(o, NULL, NULL, df->segment_b, df->segment_b);
                    c->compare_labels[ci] = fmt(c, la, " minus ", lb ? lb : "");
                }
                if (df->l < nlev) {
                    shopstat_chart_diff *x = &c->diffs[df->l * nd + ci];
                    x->diff = df->difference;
                    x->lo = df->ci_lower;
                    x->hi = df->ci_upper;
                    x->p_adj = df->p_adjusted;
                    x->significant = df->p_adjusted < o->alpha;
                    x->side_at_bound = shopstat_difference_side_at_bound(df);
                }
            }
            free(first);
            /* compact the rows from stride nd to stride nc */
            for (size_t l = 1; l < nlev && nc < nd; l++)
                memmove(&c->diffs[l * nc], &c->diffs[l * nd], nc * sizeof *c->diffs);
            d->compare_labels = c->compare_labels;
            d->ncompare = nc;
            d->diffs = c->diffs;
            /* a question of two answers: its second row is its first mirrored (yes +24.8
             * points, no -24.8, same interval reversed, same p); the one that reads as yes
             * alone says it all */
            if (nlev == 2 && nc > 0 && !d->multi_response && !o->diff_all_levels &&
                diffs_mirror(c->diffs, nc)) {
                size_t keep = informative_level(c->levels);
                if (keep == 1) {
                    c->levels[0] = c->levels[1];
                    memmove(&c->cells[0], &c->cells[nser], nser * sizeof *c->cells);
                    memmove(&c->diffs[0], &c->diffs[nc], nc * sizeof *c->diffs);
                }
                d->nlevels = 1;
            }
        }
        s->ptrs[s->n - 1] = d;
        i = j;
    }
    int likert = o->type == SHOPSTAT_CHART_LIKERT;
    /* A Likert chart's legend is its scale, not its segments: when a total carries a letter,
     * each row names its own after its label, "All buyers (A)" (as report.md's columns and a
     * grid's blocks), so that the letter can be found (a bar chart's are its legend's order,
     * and its bars' own letters past six segments) */
    for (size_t k = 0; likert && s->letters_drawn && k < s->n; k++) {
        one_chart *c = &s->c[k];
        for (size_t j = 0; j < c->d.nseries && j < MARK_LETTERS; j++) {
            char letter[8];
            snprintf(letter, sizeof letter, " (%c)", (char)('A' + j));
            const char *l =
                fmt(c, c->series[j].label ? c->series[j].label : c->series[j].name, letter, "");
            if (!l)
                goto nomem;
            c->series[j].label = l;
        }
    }
    if ((likert ? o->nside_diffs : o->ndiffs) && o->type != SHOPSTAT_CHART_DIFF)
        sig_legend(s, s->sig_note, sizeof s->sig_note, e, n, o,
                   o->type == SHOPSTAT_CHART_LIKERT || o->unadjusted ? "p" : "adjusted p",
                   o->type == SHOPSTAT_CHART_LIKERT);
    /* bars compared with nothing to mark: said, so that no marker does not read as no test */
    if (o->ndiffs && o->type == SHOPSTAT_CHART_BARS && !s->letters_drawn && !s->arrows_drawn) {
        if (s->tested)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: no difference between the bars is significant (%s >= %g)%s.",
                     o->unadjusted ? "p" : "adjusted p", o->alpha,
                     s->untested_low ? "; bars of effective base under 10 not tested" : "");
        else if (s->untested_low)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: not tested (effective base under 10).");
    }
    if (likert && o->nside_diffs && !s->letters_drawn && !s->arrows_drawn) {
        if (s->tested)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: no difference between the side totals is significant (p >= %g, "
                     "not adjusted)%s.",
                     o->alpha,
                     s->untested_low ? "; rows of effective base under 10 not tested" : "");
        else if (s->untested_low)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: not tested (effective base under 10).");
    }
    if (o->type == SHOPSTAT_CHART_DIFF)
        rest_legend(s, o);
    overlap_note(s, o);
    *out = s;
    return SHOPSTAT_OK;
nomem:
    shopstat_chartset_free(s);
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

shopstat_status shopstat_chartset_build(const shopstat_estimate *e, size_t n,
                                        const shopstat_chartset_opts *o, shopstat_chartset **out,
                                        shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chartset_build_c(e, n, o, out, err);
    c_numeric_leave(old);
    return r;
}

/* A score is one level of a question in the chart set's eyes: its segments are the bars
 * that mark() letters, then the chart turns into a score chart on the score's scale. */
static shopstat_status build_scores(const shopstat_score_estimate *e, size_t n,
                                    const shopstat_chartset_opts *o, int items,
                                    shopstat_chartset **out, shopstat_error *err)
{
    *out = NULL;
    shopstat_chartset_opts defaults;
    if (!o) {
        shopstat_chartset_opts_init(&defaults);
        o = &defaults;
    }
    shopstat_estimate *pe = calloc(n ? n : 1, sizeof *pe);
    shopstat_difference *pd = calloc(o->ndiffs ? o->ndiffs : 1, sizeof *pd);
    size_t *first = calloc(n ? n : 1, sizeof *first); /* each chart's first estimate */
    if (!pe || !pd || !first) {
        free(pe);
        free(pd);
        free(first);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t g = 0, nd = 0;
    for (size_t i = 0; i < n; i++) {
        /* (a new group's first estimate: first[0] is 0, whatever its group's others) */
        if (i > 0 && (e[i].k != e[i - 1].k || strcmp(e[i].variable, e[i - 1].variable) != 0))
            first[++g] = i;
        const shopstat_score_estimate *x = &e[i];
        /* items: one chart whose levels (bars, to mark()) are the items */
        pe[i] = (shopstat_estimate){.variable = items ? e[0].variable : x->variable,
                                    .level = items ? x->variable : x->score,
                                    .segment = x->segment,
                                    .q = items ? 0 : g,
                                    .l = items ? g : 0,
                                    .s = x->s,
                                    .base_n = x->base_n,
                                    .base_weight = x->base_weight,
                                    .proportion = x->estimate,
                                    .se = x->se,
                                    .ci_lower = x->ci_lower,
                                    .ci_upper = x->ci_upper,
                                    .df = x->df,
                                    .deff = x->deff,
                                    .eff_base = x->eff_base};
    }
    size_t ng = n ? g + 1 : 0;
    for (size_t k = 0; k < o->ndiffs; k++) {
        const shopstat_difference *d = &o->diffs[k];
        for (size_t c = 0; c < ng; c++) {
            const shopstat_score_estimate *x = &e[first[c]];
            if (d->variable && d->level && strcmp(d->variable, x->variable) == 0 &&
                strcmp(d->level, x->score) == 0) {
                pd[nd] = *d;
                pd[nd].q = items ? 0 : c;
                pd[nd].l = items ? c : 0;
                nd++;
                break;
            }
        }
    }
    shopstat_chartset_opts so = *o;
    so.type = SHOPSTAT_CHART_BARS; /* (the marks of bars: letters, and triangles for rest) */
    so.diffs = pd;
    so.ndiffs = nd;
    so.multi_response = 0;
    shopstat_chartset *s = NULL;
    shopstat_status st = SHOPSTAT_OK;
    /* items: each the same segments in the same order, and the same score */
    size_t nseg = ng > 1 ? first[1] : n;
    for (size_t i = 0; items && i < n && !st; i++)
        if (n != ng * nseg || strcmp(e[i].segment, e[i % nseg].segment) != 0 ||
            strcmp(e[i].score, e[0].score) != 0 || e[i].min != e[0].min || e[i].max != e[0].max)
            st = shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                    "score chart of items: item '%s' has other segments or "
                                    "another score than '%s'",
                                    e[i].variable, e[0].variable);
    if (!st)
        st = shopstat_chartset_build(pe, n, &so, &s, err);
    for (size_t c = 0; !st && items && s->n == 1 && c < ng; c++) {
        /* the items' labels head their groups; each row its item's bases */
        one_chart *oc = &s->c[0];
        const shopstat_score_estimate *x = &e[first[c]];
        oc->levels[c].code = x->variable;
        oc->levels[c].label = lab(o, x->variable, NULL, NULL, x->variable);
        oc->levels[c].last = -1;
        size_t nser = oc->d.nseries;
        if (!oc->item_bases && !(oc->item_bases = calloc(ng * nser, sizeof *oc->item_bases))) {
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (size_t k = 0; k < nser && first[c] + k < n; k++) {
            oc->item_bases[c * nser + k].base_n = (double)e[first[c] + k].base_n;
            oc->item_bases[c * nser + k].eff_base = e[first[c] + k].eff_base;
        }
        oc->d.item_bases = oc->item_bases;
    }
    for (size_t c = 0; !st && c < s->n; c++) {
        one_chart *oc = &s->c[c];
        const shopstat_score_estimate *x = &e[first[c]];
        char axis[300];
        if (strcmp(x->score, "NPS") == 0 && x->min == -100 && x->max == 100)
            snprintf(axis, sizeof axis, "Net Promoter Score");
        else
            shopstat_score_label(x, axis, sizeof axis);
        char *lab = fmt(oc, axis, "", "");
        if (!lab) {
            st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (items) {
            oc->d.score_axis = lab;
            oc->d.name = x->variable;
            oc->d.label = NULL;
        } else {
            oc->levels[0].label = lab;
            oc->levels[0].last = -1;
        }
        oc->d.multi_response = 0; /* (guessed from values over 1) */
        oc->d.neutral = -1;
        oc->d.score_min = x->min;
        oc->d.score_max = x->max;
        oc->d.score_measure = x->measure;
        oc->d.score_measure_decimals = x->measure_decimals;
        oc->d.score_quantile = x->quantile;
    }
    /* a score's difference is a test of its own (shopstat_compare_scores: p_adjusted is
     * its p), so the legend says p, not adjusted p */
    if (!st && nd && (s->letters_drawn || s->arrows_drawn))
        sig_legend(s, s->sig_note, sizeof s->sig_note, pe, n, &so, "p", 0);
    /* none marked: the note says so of the scores, not of bars */
    if (!st && nd && !s->letters_drawn && !s->arrows_drawn) {
        if (s->tested)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: no difference between the scores is significant (p >= %g)%s.",
                     o->alpha,
                     s->untested_low ? "; scores of effective base under 10 not tested" : "");
        else if (s->untested_low)
            snprintf(s->rest_note, sizeof s->rest_note,
                     "Compared: not tested (effective base under 10).");
    }
    free(pe);
    free(pd);
    free(first);
    if (st) {
        shopstat_chartset_free(s);
        return st;
    }
    *out = s;
    return SHOPSTAT_OK;
}

static shopstat_status chartset_build_scores_c(const shopstat_score_estimate *e, size_t n,
                                               const shopstat_chartset_opts *o,
                                               shopstat_chartset **out, shopstat_error *err)
{
    return build_scores(e, n, o, 0, out, err);
}

shopstat_status shopstat_chartset_build_scores(const shopstat_score_estimate *e, size_t n,
                                               const shopstat_chartset_opts *o,
                                               shopstat_chartset **out, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chartset_build_scores_c(e, n, o, out, err);
    c_numeric_leave(old);
    return r;
}

static shopstat_status chartset_build_score_items_c(const shopstat_score_estimate *e, size_t n,
                                                    const shopstat_chartset_opts *o,
                                                    shopstat_chartset **out, shopstat_error *err)
{
    return build_scores(e, n, o, 1, out, err);
}

shopstat_status shopstat_chartset_build_score_items(const shopstat_score_estimate *e, size_t n,
                                                    const shopstat_chartset_opts *o,
                                                    shopstat_chartset **out, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chartset_build_score_items_c(e, n, o, out, err);
    c_numeric_leave(old);
    return r;
}

size_t shopstat_chartset_count(const shopstat_chartset *s)
{
    return s->n;
}

const shopstat_chart_data *const *shopstat_chartset_charts(const shopstat_chartset *s)
{
    return s->ptrs;
}

const char *shopstat_chartset_sig_note(const shopstat_chartset *s)
{
    return s->sig_note[0] ? s->sig_note : NULL;
}

const char *shopstat_chartset_rest_note(const shopstat_chartset *s)
{
    return s->rest_note[0] ? s->rest_note : NULL;
}
