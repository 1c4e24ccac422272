/* shopstat compare: differences between segments with design-based tests, and letters. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/charts.h"
#include "cli/cli.h"
#include "cli/survey_args.h"
#include "shopstat/compare.h"
#include "shopstat/outfile.h"
#include "shopstat/output.h"
#include "shopstat/score.h"

const char cmd_compare_help[] =
    "usage: shopstat compare DATA [design, question and segment options as in tab]\n"
    "       (--base, --exclude and --dedupe too)\n"
    "                        --pair A:B [--pair C:D ...]\n"
    "\n"
    "Estimates p_A - p_B for every level of every question, with the design-based\n"
    "variance of the difference: correct whether the segments are disjoint, overlap, or\n"
    "one contains the other (heavy buyers vs all buyers). t and two-sided p-value on the\n"
    "whole sample's design df; CI at --level.\n"
    "\n"
    "  --pair A:B           segment names as in tab ('all', --segment names, COL=VALUE);\n"
    "                       A:rest compares A with everyone not in A; COL:rest and\n"
    "                       COL:all (a --by column) compare each value of COL in turn;\n"
    "                       COL:prev each value with the one before it (waves: Q2-Q1,\n"
    "                       Q3-Q2, ...)\n"
    "  --adjust none|holm|bh   multiple testing within each question x pair (default holm);\n"
    "                       a single-choice question with two levels tested is one test\n"
    "                       (d and -d): both rows keep their p\n"
    "  --score Q[:MAP]      also m_A - m_B of a score of single-choice question Q (MAP as\n"
    "                       in 'shopstat score': mean, nps, V=S,...): csv rows whose level\n"
    "                       is the score's name, after Q's level rows (none without --var Q);\n"
    "                       each score x pair is its own family (p_adjusted = p_value);\n"
    "                       --chart adds a score chart per score, marked for the pairs\n"
    "  --alpha 0.05[,0.10]  letter levels of the table view (upper, lower case; <= 0.5)\n"
    "  --format csv|json|table (default: table on a terminal, else csv)  -o FILE\n"
    "  --width N            the table view fits N columns: columns past it in the next\n"
    "                       block, the row labels again; 0: no limit (default: $COLUMNS,\n"
    "                       else the terminal's width, else none)\n"
    "  --chart FILE         difference chart (dot and whisker, significant ones\n"
    "                       highlighted); --chart-type bars draws the segments' bars\n"
    "                       with significance letters (A:rest: a triangle on A's bar,\n"
    "                       up or down against the rest); --chart-type likert marks\n"
    "                       the totals at the sides the same way (each side's share\n"
    "                       tested per pair, not adjusted); other chart flags as in tab\n"
    "\n"
    "csv columns: variable,level,segment_a,segment_b,estimate_a,estimate_b,difference,se,\n"
    "             ci_lower,ci_upper,df,t,p_value,p_adjusted\n"
    "table view: columns = every segment in tab's order ('all' first), then complements\n"
    "(not A, for A:rest), lettered A, B, ... as in --chart-type bars; a letter after a\n"
    "percentage marks a column it is significantly higher than (upper case at the first\n"
    "--alpha, lower case at the second); effective base < 30 flagged '*', < 10 not tested;\n"
    "a base row per question; then a block of differences: a row per level (and score), a\n"
    "column per pair ('heavy - not heavy' for heavy:rest), cells '+18.1 [+13.6, +22.6]\n"
    "p < 0.001': A - B in percentage points (a score's in its units), CI at --level, p as the\n"
    "letters' (adjusted by --adjust); 'not tested' under an effective base of 10; past 120\n"
    "characters the pairs go on in another block. Last line the rows read, used and\n"
    "excluded (JSON: \"rows\").\n";

/* Warn, once per pair, of its differences whose replicate estimates are undefined
 * (SHOPSTAT_NO_INTERVAL_REP_UNDEFINED: a side's replicate weights of the base cancel), naming
 * each question's levels and scores ("y (levels 0, 1; score mean)"), as tab warns of its
 * estimates; all holds nall differences in csv order (per question, its levels, then its
 * scores), sc the nsc score rows among them. */
static void warn_rep_undefined(const shopstat_difference *all, size_t nall,
                               const shopstat_difference *sc, size_t nsc)
{
    int any = 0;
    for (size_t i = 0; i < nall && !any; i++)
        any = all[i].no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
    shopstat_difference *lv = any ? malloc(nall * sizeof *lv) : NULL;
    if (!lv)
        return;
    size_t nlv = 0;
    for (size_t i = 0; i < nall; i++) { /* the level rows: all but the scores' */
        int score = 0;
        for (size_t k = 0; k < nsc && !score; k++)
            score = sc[k].q == all[i].q && sc[k].pair == all[i].pair &&
                    sc[k].level == all[i].level && sc[k].segment_a == all[i].segment_a;
        if (!score)
            lv[nlv++] = all[i];
    }
    for (size_t i = 0; i < nall; i++) {
        if (all[i].no_interval != SHOPSTAT_NO_INTERVAL_REP_UNDEFINED)
            continue;
        int seen = 0; /* (the pair warned of at its first such difference) */
        for (size_t k = 0; k < i && !seen; k++)
            seen = all[k].no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED &&
                   strcmp(all[k].segment_a, all[i].segment_a) == 0 &&
                   strcmp(all[k].segment_b, all[i].segment_b) == 0;
        char note[1000];
        if (!seen && shopstat_rep_undefined_pair_note(lv, nlv, sc, nsc, all[i].segment_a,
                                                      all[i].segment_b, note, sizeof note))
            cli_warn("%s", note);
    }
    free(lv);
}

/* Market-research view: one block per question. The columns are lettered as the chart's
 * series and report.md's columns are: every segment in tab's order ('all', then --segment
 * and --by values as given), so "87.0% A" names the same segment in the table and in the
 * chart drawn by the same command; a complement ("not heavy", A:rest) has no bars in the
 * chart and comes after them. e holds the tab estimates of the segments no pair tests. */
/* The table view's columns are lettered A to Z, a letter a column (and lower case the
 * second --alpha's marks): past 26 columns the letters would run out. */
#define MAX_LETTERED 26

/* A column of the table view: a segment, or the complement of one (the B side of an
 * A:rest pair, headed "not A"), told apart by the flag, not by a built name. */
typedef struct tcol {
    const char *name;
    int comp;
} tcol;

/* "N (eff. E)", as tab's table view: "-" for an undefined effective base (every row of
 * weight 0), "0 (eff. 0)" for an empty segment */
static void base_text(char *buf, size_t n, size_t base_n, double eff_base)
{
    if (base_n && isnan(eff_base))
        snprintf(buf, n, "%zu (eff. -)", base_n);
    else
        snprintf(buf, n, "%zu (eff. %.0f)", base_n, base_n ? eff_base : 0);
}

static size_t find_col(const tcol *col, size_t ncol, const char *name, int comp)
{
    size_t c = 0;
    while (c < ncol && (col[c].comp != comp || strcmp(col[c].name, name) != 0))
        c++;
    return c;
}

/* The column of side b of difference d. */
static size_t col_b(const tcol *col, size_t ncol, const shopstat_difference *d)
{
    int rest = strcmp(d->segment_b, "rest") == 0;
    return find_col(col, ncol, rest ? d->segment_a : d->segment_b, rest);
}

/* Columns text s takes on a terminal: its UTF-8 characters (a label "weiß nicht" is 10
 * wide, not its 11 bytes), so that the table view's columns line up. */
static size_t text_width(const char *s)
{
    return shopstat_text_width(s); /* (a line break as \n: the table stays a table) */
}

/* s left-aligned in w columns (printf's %-*s counts bytes) */
static void pad_left(FILE *f, const char *s, size_t w)
{
    shopstat_put_text(f, s);
    for (size_t i = text_width(s); i < w; i++)
        fputc(' ', f);
}

/* Letter the higher side of difference r (columns ca, cb) with the other's letter, upper
 * case below --alpha, lower case below its second level; not tested under an effective
 * base of 10. */
static void mark_letter(char (*letters)[60], size_t ca, size_t cb, const shopstat_difference *r,
                        const survey_args *a)
{
    if (r->eff_base_a < 10 || r->eff_base_b < 10 || isnan(r->p_adjusted))
        return;
    double p = r->p_adjusted;
    char mark = p < a->alpha ? 'A' : p < a->alpha_low ? 'a' : 0;
    if (!mark)
        return;
    size_t hi = r->difference > 0 ? ca : cb, lo = r->difference > 0 ? cb : ca;
    size_t len = strlen(letters[hi]);
    if (len + 2 < 60) {
        letters[hi][len] = (char)(mark + lo);
        letters[hi][len + 1] = '\0';
    }
}

/* A score's value as 'shopstat score' and every view write it (score.h) */
static void score_value(char *b, size_t n, const shopstat_score_estimate *r, double x)
{
    shopstat_score_format(x, r->min, r->max, shopstat_score_estimate_decimals(r), 0, b, n);
}

/* The differences block's widest line: past it the pairs go on in another block, each
 * holding the row labels again (a cell is about 30 wide: 3 pairs a block). */
#define DIFF_LINE_WIDTH 120

/* The difference of pair like among ds[0..nds) in question q for level (or score) l. */
static const shopstat_difference *diff_of(const shopstat_difference *ds, size_t nds, size_t q,
                                          size_t l, const shopstat_difference *like)
{
    for (size_t i = 0; i < nds; i++)
        if (ds[i].q == q && ds[i].l == l && strcmp(ds[i].segment_a, like->segment_a) == 0 &&
            strcmp(ds[i].segment_b, like->segment_b) == 0)
            return &ds[i];
    return NULL;
}

/* The end of the differences block that starts at pair k0: as many pairs, at most cap, as
 * fit linew beside the labels (w0), one at least; a wide one alone. */
static size_t diff_block_end(const int *pw, const unsigned char *wide, size_t np, size_t k0,
                             size_t w0, size_t cap, size_t linew)
{
    size_t k1 = k0 + 1, width = w0 + 2 + (size_t)pw[k0];
    while (k1 < np && k1 - k0 < cap && !wide[k0] && !wide[k1] &&
           width + 2 + (size_t)pw[k1] <= linew)
        width += 2 + (size_t)pw[k1++];
    return k1;
}

/* A side of a pair as its differences' header names it: under a width (shorten), a --by
 * value by its value alone ("Beauté & santé"; the letters below tie it to its column),
 * else as the banner's name. */
static const char *side_name(const shopstat_totals *t, const tcol *col, size_t ncol,
                             const char *name, int shorten)
{
    size_t c = find_col(col, ncol, name, 0);
    const char *group, *short_name = name;
    if (shorten && c < ncol && c < shopstat_totals_nsegments(t))
        shopstat_segment_head(t, c, name, &group, &short_name);
    return short_name;
}

/* Question q's differences under its banner: a row per level (d[i..j)) and per score (sd,
 * se), a column per pair headed "A - B" as the banner names the sides ("not A" for
 * A:rest) and lettered with the banner's letters; pairs that do not fit the view's width
 * (or DIFF_LINE_WIDTH) go on in a block of their own. Returns 0, or -1 out of memory. */
static int write_diff_block(FILE *f, size_t q, const shopstat_difference *d, size_t i, size_t j,
                            size_t nlev, const shopstat_difference *sd, size_t nsd,
                            const shopstat_score_estimate *se, size_t nse, const tcol *col,
                            size_t ncol, size_t w0, const survey_args *a, const shopstat_totals *t)
{
    /* the pairs, in the order of their first difference, the levels' before the scores' */
    const shopstat_difference **pair = malloc((j - i + nsd + 1) * sizeof *pair);
    int *pw = malloc((j - i + nsd + 1) * sizeof *pw);
    unsigned char *wide = malloc(j - i + nsd + 1);
    if (!pair || !pw || !wide) {
        free(pair);
        free(pw);
        free(wide);
        return -1;
    }
    size_t np = 0;
    for (size_t x = 0; x < (j - i) + nsd; x++) {
        const shopstat_difference *r = x < j - i ? &d[i + x] : &sd[x - (j - i)];
        if (r->q != q)
            continue;
        size_t k = 0;
        while (k < np && (strcmp(pair[k]->segment_a, r->segment_a) != 0 ||
                          strcmp(pair[k]->segment_b, r->segment_b) != 0))
            k++;
        if (k == np)
            pair[np++] = r;
    }
    if (w0 < 10)
        w0 = 10; /* "difference" */
    /* the view's width (--width, the terminal's), else DIFF_LINE_WIDTH */
    size_t linew = survey_args_width(a) ? survey_args_width(a) : DIFF_LINE_WIDTH;
    char cell[160];
    for (size_t k = 0; k < np; k++) {
        const shopstat_difference *p = pair[k];
        int rest = strcmp(p->segment_b, "rest") == 0;
        size_t hw = text_width(side_name(t, col, ncol, p->segment_a, linew != DIFF_LINE_WIDTH)) +
                    3 +
                    text_width(side_name(t, col, ncol, rest ? p->segment_a : p->segment_b,
                                         linew != DIFF_LINE_WIDTH)) +
                    (rest ? 4 : 0),
               w = 7; /* "(B - A)" */
        for (size_t l = 0; l < nlev; l++) {
            shopstat_format_difference_alpha(diff_of(d + i, j - i, q, l, p), NULL, a->alpha,
                                             a->alpha_low, cell, sizeof cell);
            if (strlen(cell) > w)
                w = strlen(cell);
        }
        for (size_t s = 0; s < nse; s++) {
            if (se[s].q != q || se[s].s != 0)
                continue;
            shopstat_format_difference_alpha(diff_of(sd, nsd, q, se[s].k, p), &se[s], a->alpha,
                                             a->alpha_low, cell, sizeof cell);
            if (strlen(cell) > w)
                w = strlen(cell);
        }
        /* a name too long for any line (two --by values of 90 bytes) runs past its
         * column, alone in its block, rather than push the cells off to the right */
        wide[k] = hw > w && w0 + 2 + hw > linew;
        if (hw > w && !wide[k])
            w = hw;
        pw[k] = w < INT_MAX ? (int)w : INT_MAX;
    }
    /* the blocks as many as the widest line needs, the pairs shared out evenly among
     * them (four pairs as 2 + 2, not 3 + 1) */
    size_t nblocks = 0;
    for (size_t k0 = 0; k0 < np; nblocks++)
        k0 = diff_block_end(pw, wide, np, k0, w0, np, linew);
    for (size_t k0 = 0; k0 < np; nblocks--) {
        size_t k1 = diff_block_end(pw, wide, np, k0, w0, (np - k0 + nblocks - 1) / nblocks, linew);
        pad_left(f, "difference", w0);
        for (size_t k = k0; k < k1; k++) {
            const shopstat_difference *p = pair[k];
            int rest = strcmp(p->segment_b, "rest") == 0;
            const char *sa = side_name(t, col, ncol, p->segment_a, linew != DIFF_LINE_WIDTH),
                       *b = side_name(t, col, ncol, rest ? p->segment_a : p->segment_b,
                                      linew != DIFF_LINE_WIDTH);
            int hw = (int)(text_width(sa) + 3 + text_width(b) + (rest ? 4 : 0));
            fprintf(f, "  %*s", hw < pw[k] ? pw[k] - hw : 0, "");
            shopstat_put_text(f, sa);
            fprintf(f, " - %s", rest ? "not " : "");
            shopstat_put_text(f, b);
        }
        fprintf(f, "\n%-*s", (int)w0, "");
        for (size_t k = k0; k < k1; k++) {
            size_t ca = find_col(col, ncol, pair[k]->segment_a, 0), cb = col_b(col, ncol, pair[k]);
            char lets[8];
            snprintf(lets, sizeof lets, "(%c - %c)", ca < ncol ? (int)('A' + ca) : '?',
                     cb < ncol ? (int)('A' + cb) : '?');
            fprintf(f, "  %*s", pw[k], lets);
        }
        fputc('\n', f);
        for (size_t l = 0; l < nlev; l++) {
            const char *lname = "";
            for (size_t x = i; x < j; x++)
                if (d[x].l == l) {
                    lname = d[x].level;
                    break;
                }
            pad_left(f, lname, w0);
            for (size_t k = k0; k < k1; k++) {
                shopstat_format_difference_alpha(diff_of(d + i, j - i, q, l, pair[k]), NULL,
                                                 a->alpha, a->alpha_low, cell, sizeof cell);
                fprintf(f, "  %*s", pw[k], cell);
            }
            fputc('\n', f);
        }
        for (size_t s = 0; s < nse; s++) {
            if (se[s].q != q || se[s].s != 0)
                continue;
            pad_left(f, se[s].score, w0);
            for (size_t k = k0; k < k1; k++) {
                shopstat_format_difference_alpha(diff_of(sd, nsd, q, se[s].k, pair[k]), &se[s],
                                                 a->alpha, a->alpha_low, cell, sizeof cell);
                fprintf(f, "  %*s", pw[k], cell);
            }
            fputc('\n', f);
        }
        fputc('\n', f);
        k0 = k1;
    }
    free(pair);
    free(pw);
    free(wide);
    return 0;
}

/* Returns 0, or the exit status after saying why the table view cannot be printed. */
static int write_table(FILE *f, const shopstat_difference *d, size_t n, const survey_args *a,
                       const shopstat_totals *t, const shopstat_estimate *e, size_t ne,
                       const shopstat_difference *sd, size_t nsd, const shopstat_score_estimate *se,
                       size_t nse)
{
    size_t width = survey_args_width(a); /* (0: no limit, one line a row) */
    tcol col[MAX_LETTERED];
    size_t ncol = 0;
    for (size_t s = 0; s < shopstat_totals_nsegments(t) && ncol < MAX_LETTERED; s++) {
        /* (a --by value by its label, as the estimates and differences name it) */
        const char *nm = shopstat_totals_segment(t, s), *l = survey_args_segment_label(a, t, nm);
        col[ncol++] = (tcol){l ? l : nm, 0};
    }
    for (size_t i = 0; i < n + nsd; i++) {
        const shopstat_difference *r = i < n ? &d[i] : &sd[i - n];
        int rest = strcmp(r->segment_b, "rest") == 0;
        const tcol sides[2] = {{r->segment_a, 0}, {rest ? r->segment_a : r->segment_b, rest}};
        for (int s = 0; s < 2; s++) {
            if (find_col(col, ncol, sides[s].name, sides[s].comp) < ncol)
                continue;
            if (ncol == MAX_LETTERED)
                return cli_usage_error("compare: the table view letters at most %d columns "
                                       "(segments, then the complements of A:rest pairs) and "
                                       "this comparison has more; use --format csv or json, "
                                       "or fewer --by values",
                                       MAX_LETTERED);
            col[ncol++] = sides[s];
        }
    }
    if (shopstat_totals_nsegments(t) > MAX_LETTERED)
        return cli_usage_error("compare: the table view letters at most %d columns and this "
                               "comparison has %zu segments; use --format csv or json, or "
                               "fewer --by values",
                               MAX_LETTERED, shopstat_totals_nsegments(t));
    int any_low = 0, any_empty = 0, any_weightless = 0, any_scores = 0;
    size_t i = 0;
    for (size_t q = 0; q < shopstat_totals_nquestions(t); q++) {
        size_t j = i, nsq = 0;
        while (j < n && d[j].q == q)
            j++;
        for (size_t k = 0; k < nsd; k++)
            nsq += sd[k].q == q;
        if (j == i && nsq == 0)
            continue;
        any_scores |= nsq > 0;
        const char *variable = shopstat_totals_question(t, q);
        /* rows = levels */
        size_t nlev = 0;
        for (size_t k = i; k < j; k++)
            if (d[k].l + 1 > nlev)
                nlev = d[k].l + 1;
        size_t w0 = text_width(variable);
        for (size_t k = i; k < j; k++)
            if (text_width(d[k].level) > w0)
                w0 = text_width(d[k].level);
        for (size_t k = 0; k < nsd; k++)
            if (sd[k].q == q && text_width(sd[k].level) > w0)
                w0 = text_width(sd[k].level);
        if (w0 < 4)
            w0 = 4; /* "base" */
        /* the base row, as tab's: rows of the column that answered, and their Kish
         * effective size (the same for every level: it depends on the base alone) */
        char base[MAX_LETTERED][48];
        int cw[MAX_LETTERED];
        int weightless[MAX_LETTERED]; /* rows answered, every one of weight 0 */
        for (size_t c = 0; c < ncol; c++) {
            snprintf(base[c], sizeof base[c], "-");
            cw[c] = 14;
            weightless[c] = 0;
        }
        for (size_t k = 0; k < ne; k++) { /* (the segments no pair tests) */
            if (e[k].q != q)
                continue;
            size_t c = find_col(col, ncol, e[k].segment, 0);
            if (c < ncol) {
                base_text(base[c], sizeof base[c], e[k].base_n, e[k].eff_base);
                weightless[c] = e[k].base_n && isnan(e[k].eff_base);
            }
        }
        for (size_t k = 0; k < nse; k++) { /* (a question given by --score alone) */
            if (se[k].q != q)
                continue;
            size_t c = find_col(col, ncol, se[k].segment, 0);
            if (c < ncol) {
                base_text(base[c], sizeof base[c], se[k].base_n, se[k].eff_base);
                weightless[c] = se[k].base_n && isnan(se[k].eff_base);
            }
        }
        for (size_t x = 0; x < (j - i) + nsd; x++) {
            const shopstat_difference *r = x < j - i ? &d[i + x] : &sd[x - (j - i)];
            if (r->q != q)
                continue;
            const size_t cs[2] = {find_col(col, ncol, r->segment_a, 0), col_b(col, ncol, r)};
            const size_t bn[2] = {r->base_n_a, r->base_n_b};
            const double eb[2] = {r->eff_base_a, r->eff_base_b};
            for (int s = 0; s < 2; s++) {
                size_t c = cs[s];
                if (c < ncol) {
                    base_text(base[c], sizeof base[c], bn[s], eb[s]);
                    weightless[c] = bn[s] && isnan(eb[s]);
                }
            }
        }
        /* a column is as wide as its name (as tab's table view), its base or 14 */
        for (size_t c = 0; c < ncol; c++) {
            size_t hw = text_width(col[c].name) + (col[c].comp ? 4 : 0);
            if (hw > (size_t)cw[c] && hw < INT_MAX)
                cw[c] = (int)hw;
            if ((int)strlen(base[c]) > cw[c])
                cw[c] = (int)strlen(base[c]);
        }
        /* the question's grid: its names and letters, a row per level and score, the
         * bases; a column per segment (its --by column's group under a width) */
        shopstat_textgrid *g = shopstat_textgrid_new(ncol, variable, 4);
        if (!g)
            return cli_oom();
        for (size_t c = 0; c < ncol; c++) {
            char hn[600], sn[600];
            snprintf(hn, sizeof hn, "%s%s", col[c].comp ? "not " : "", col[c].name);
            const char *group = NULL, *short_name = hn;
            /* (the first columns are the segments, in their order) */
            if (!col[c].comp && c < shopstat_totals_nsegments(t))
                shopstat_segment_head(t, c, col[c].name, &group, &short_name);
            else if (col[c].comp) { /* "not Maison & déco", as the differences name it */
                snprintf(sn, sizeof sn, "not %s", side_name(t, col, ncol, col[c].name, 1));
                short_name = sn;
            }
            shopstat_textgrid_head(g, c, hn, group, short_name);
            shopstat_textgrid_min_width(g, c, 14); /* (as wide as its name: the grid's) */
        }
        shopstat_textgrid_row(g, "", 1);
        for (size_t c = 0; c < ncol; c++)
            shopstat_textgrid_cell(g, c, (char[4]){'(', (char)('A' + c), ')', 0});
        for (size_t l = 0; l < nlev; l++) {
            char cell[MAX_LETTERED][96];
            double est[MAX_LETTERED];
            double eff[MAX_LETTERED];
            char letters[MAX_LETTERED][60];
            for (size_t c = 0; c < ncol; c++) {
                est[c] = NAN;
                eff[c] = 0;
                letters[c][0] = '\0';
            }
            const char *lname = NULL;
            for (size_t k = 0; k < ne; k++) {
                if (e[k].q != q || e[k].l != l)
                    continue;
                size_t c = find_col(col, ncol, e[k].segment, 0);
                if (c < ncol && e[k].base_n) {
                    est[c] = e[k].proportion;
                    eff[c] = e[k].eff_base;
                }
            }
            for (size_t k = i; k < j; k++) {
                if (d[k].l != l)
                    continue;
                lname = d[k].level;
                size_t ca = find_col(col, ncol, d[k].segment_a, 0), cb = col_b(col, ncol, &d[k]);
                if (ca == ncol || cb == ncol)
                    continue;
                est[ca] = d[k].estimate_a;
                est[cb] = d[k].estimate_b;
                eff[ca] = d[k].eff_base_a;
                eff[cb] = d[k].eff_base_b;
                mark_letter(letters, ca, cb, &d[k], a);
            }
            shopstat_textgrid_row(g, lname ? lname : "", 0);
            for (size_t c = 0; c < ncol; c++) {
                if (isnan(est[c])) {
                    snprintf(cell[c], sizeof cell[c], "-");
                    if (weightless[c])
                        any_weightless = 1;
                    else
                        any_empty = 1;
                } else
                    snprintf(cell[c], sizeof cell[c], "%.1f%%%s%s%.50s", 100 * est[c],
                             eff[c] < 30 ? "*" : "", letters[c][0] ? " " : "", letters[c]);
                any_low |= !isnan(est[c]) && eff[c] < 30;
                shopstat_textgrid_cell(g, c, cell[c]);
            }
        }
        /* the question's scores: one row each, lettered as the levels */
        for (size_t k = 0; k < nse; k++) {
            if (se[k].q != q || se[k].s != 0)
                continue; /* (once per score: its row in the first segment) */
            char cell[MAX_LETTERED][96];
            double est[MAX_LETTERED], eff[MAX_LETTERED];
            char letters[MAX_LETTERED][60];
            for (size_t c = 0; c < ncol; c++) {
                est[c] = NAN;
                eff[c] = 0;
                letters[c][0] = '\0';
            }
            for (size_t x = 0; x < nse; x++) {
                size_t c = se[x].k == se[k].k ? find_col(col, ncol, se[x].segment, 0) : ncol;
                if (c < ncol && se[x].base_n) {
                    est[c] = se[x].estimate;
                    eff[c] = se[x].eff_base;
                }
            }
            for (size_t x = 0; x < nsd; x++) {
                const shopstat_difference *r = &sd[x];
                if (r->q != q || r->l != se[k].k)
                    continue;
                size_t ca = find_col(col, ncol, r->segment_a, 0), cb = col_b(col, ncol, r);
                if (ca == ncol || cb == ncol)
                    continue;
                est[ca] = r->estimate_a;
                est[cb] = r->estimate_b;
                eff[ca] = r->eff_base_a;
                eff[cb] = r->eff_base_b;
                mark_letter(letters, ca, cb, r, a);
            }
            shopstat_textgrid_row(g, se[k].score, 0);
            for (size_t c = 0; c < ncol; c++) {
                if (isnan(est[c])) {
                    snprintf(cell[c], sizeof cell[c], "-");
                    if (weightless[c])
                        any_weightless = 1;
                    else
                        any_empty = 1;
                } else {
                    char v[32];
                    score_value(v, sizeof v, &se[k], est[c]);
                    snprintf(cell[c], sizeof cell[c], "%s%s%s%.50s", v, eff[c] < 30 ? "*" : "",
                             letters[c][0] ? " " : "", letters[c]);
                }
                any_low |= !isnan(est[c]) && eff[c] < 30;
                shopstat_textgrid_cell(g, c, cell[c]);
            }
        }
        shopstat_textgrid_row(g, "base", 0);
        for (size_t c = 0; c < ncol; c++)
            shopstat_textgrid_cell(g, c, base[c]);
        shopstat_status st = shopstat_textgrid_write(f, g, width, NULL);
        shopstat_textgrid_free(g);
        if (st)
            return cli_oom();
        fputc('\n', f);
        if (write_diff_block(f, q, d, i, j, nlev, sd, nsd, se, nse, col, ncol, w0, a, t))
            return cli_oom();
        i = j;
    }
    /* the notes: with no width, broken at about 110 columns as ever; within a width, one
     * line a note, wrapped to it */
    shopstat_notes notes;
    FILE *out = f;
    f = shopstat_notes_begin(&notes, out, width);
    const char *br = width ? " " : "\n";
    /* (the adjustment once, in one sentence: it was a clause of both lines before) */
    char adj[300];
    fprintf(f,
            "Letters: the column is significantly higher than the lettered column (upper case "
            "p < %g, lower case p < %g)%sin a design-based t test of the difference (overlap "
            "included).\n"
            "Differences: X - Y is X's estimate minus Y's, in percentage points%s, with its "
            "%g%% CI%s(not adjusted) and the p of the letters.\n",
            a->alpha, a->alpha_low, br, any_scores ? " (a score's in its own units)" : "",
            100 * a->tab.level, br);
    shopstat_adjust_sentence(a->adjust, "pair", any_scores, adj, sizeof adj);
    for (const char *s = adj; *s;) { /* (wrapped at a space, as the lines above: 110) */
        size_t len = strlen(s), cut = len;
        if (len > 110 && !width)
            for (cut = 110; cut > 0 && s[cut] != ' '; cut--)
                ;
        if (cut == 0)
            cut = len;
        fprintf(f, "%.*s\n", (int)cut, s);
        s += cut + (s[cut] == ' ');
    }
    if (any_low)
        fputs("* effective base under 30: read with caution; under 10: not tested.\n", f);
    int any_bound = 0; /* a p marked '+' (shopstat_difference_side_at_bound) */
    for (size_t x = 0; x < n && !any_bound; x++)
        any_bound = shopstat_difference_side_at_bound(&d[x]);
    if (any_bound)
        fprintf(f,
                "+ one side is at 0%% or 100%%: it adds no variance (as in R), so the SE and p "
                "are the other side's alone%sand understate the uncertainty of a small base; "
                "tab's Clopper-Pearson interval of that side is the safer guide.\n",
                br);
    /* a difference shown as [no SE] (tested, but its replicate estimates undefined) */
    int any_undefined = 0;
    for (size_t x = 0; x < n + nsd; x++) {
        const shopstat_difference *r = x < n ? &d[x] : &sd[x - n];
        any_undefined |= r->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED &&
                         !isnan(r->difference) && r->eff_base_a >= 10 && r->eff_base_b >= 10;
    }
    if (any_undefined)
        fputs("[no SE] No SE, interval or test: the weights of a side's base sum to 0 in some "
              "replicate (they cancel), so its replicate estimates are undefined.\n",
              f);
    if (any_empty)
        fputs("- nobody in this column answered.\n", f);
    if (any_weightless)
        fputs("- every row of this column that answered has weight 0: no weighted estimate.\n",
              f);
    shopstat_tab_context ctx;
    survey_args_context(a, t, &ctx);
    if (ctx.repweights && ctx.rep_note) /* (what the SEs and tests rest on) */
        fprintf(f, "Variances from %zu replicate weights %s (%s).\n", ctx.replicates,
                ctx.repweights, ctx.rep_note);
    shopstat_write_base_lines(f, &ctx, "column");
    /* (a failed write is the caller's to report: shopstat_outfile_error names the file) */
    shopstat_write_rows_line(f, &ctx, NULL);
    if (shopstat_notes_end(&notes, NULL) == SHOPSTAT_ENOMEM)
        return cli_oom();
    return 0;
}

/* 1 when question q was given by --score alone (no --var): its level rows are not shown */
static int score_only(const survey_args *a, const char *q)
{
    for (size_t i = 0; i < a->nvars; i++)
        if (strcmp(a->vars[i], q) == 0)
            return 0;
    size_t n = strlen(q);
    for (size_t i = 0; i < a->nscores; i++)
        if (shopstat_score_question_len(a->scores[i]) == n && strncmp(a->scores[i], q, n) == 0)
            return 1;
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    survey_args a;
    int rc = survey_args_parse(&a, argc, argv, ARGS_COMPARE);
    if (rc) {
        survey_args_free(&a);
        return rc;
    }
    if ((a.nquestions == 0 && a.nscores == 0) || a.npairs == 0) {
        survey_args_free(&a);
        return cli_usage_error("compare: give at least one question (--var, --multi, "
                               "--multi-codes) and one --pair A:B");
    }
    shopstat_totals *t = NULL;
    if ((rc = cli_check_chart_flags(&a, CHARTS_COMPARE)) || (rc = survey_args_run(&a, &t))) {
        survey_args_free(&a);
        return rc;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_compare_opts co;
    shopstat_compare_opts_init(&co);
    co.level = a.tab.level;
    co.adjust = a.adjust;
    shopstat_difference *d = NULL;
    size_t n = 0;
    shopstat_outfile *of = NULL;
    shopstat_difference *ds = NULL, *all = NULL, *sc = NULL;
    size_t nds = 0, nall = 0, nsc = 0;
    if (shopstat_compare(t, &co, &d, &n, &err) ||
        (a.nscores && shopstat_compare_scores(t, &co, &ds, &nds, &err))) {
        rc = cli_fail(&err);
        goto done;
    }
    /* csv and json: per question its level rows (unless given by --score alone), then its
     * score rows; the table view and the charts: the level rows, the scores after */
    if (!(all = malloc((n + nds + 1) * sizeof *all)) || !(sc = malloc((nds + 1) * sizeof *sc))) {
        rc = cli_oom();
        goto done;
    }
    {
        size_t nl = 0;
        for (size_t q = 0; q < shopstat_totals_nquestions(t); q++) {
            int only = score_only(&a, shopstat_totals_question(t, q));
            for (size_t i = 0; i < n; i++)
                if (d[i].q == q && !only)
                    all[nall++] = d[i];
            for (size_t i = 0; i < n; i++)
                if (d[i].q == q && !only)
                    d[nl++] = d[i];
            for (size_t i = 0; i < nds; i++)
                if (ds[i].q == q)
                    all[nall++] = sc[nsc++] = ds[i];
        }
        n = nl;
    }
    /* the table view and the charts show the levels' labels (--labels, a ticked column's
     * text); csv and json keep their codes, as a report's comparisons.csv does */
    survey_args_label_differences(&a, t, d, n);
    /* a side without rows in any base: its comparisons are empty (each segment once, in
     * the order the pairs name them) */
    for (size_t i = 0; i < 2 * n; i++) {
        const char *seg = i % 2 ? d[i / 2].segment_b : d[i / 2].segment_a;
        int seen = 0, any = 0;
        for (size_t k = 0; k < 2 * n && !any; k++) {
            const char *other = k % 2 ? d[k / 2].segment_b : d[k / 2].segment_a;
            if (strcmp(other, seg) != 0)
                continue;
            seen |= k < i;
            any = (k % 2 ? d[k / 2].base_n_b : d[k / 2].base_n_a) > 0;
        }
        if (!seen && !any)
            survey_args_warn_empty(&a, seg, "its comparisons are empty");
    }
    warn_rep_undefined(all, nall, sc, nsc);
    int fmt = a.format;
    if (fmt == FMT_AUTO)
        fmt = !a.output && isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_CSV;
    if (shopstat_outfile_open(a.output ? a.output : "-", &of, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    FILE *f = shopstat_outfile_stream(of);
    if (fmt == FMT_CSV && shopstat_write_compare_csv(f, all, nall, NULL, 1, &err)) {
        shopstat_outfile_error(of, &err); /* (the file and why) */
        rc = cli_fail(&err);
    } else if (fmt == FMT_JSON) {
        shopstat_tab_context ctx;
        survey_args_context(&a, t, &ctx);
        if (shopstat_write_compare_json(f, all, nall, &ctx, &co, &err)) {
            shopstat_outfile_error(of, &err);
            rc = cli_fail(&err);
        }
    }
    /* the estimates of every segment: the table view's columns and the chart's bars (a
     * segment of df 0 among them shown without an interval, not the whole view refused) */
    shopstat_estimate *e = NULL;
    shopstat_score_estimate *se = NULL;
    size_t ne = 0, nse = 0;
    a.tab.undefined_ok = 1;
    if (rc)
        ; /* (the table is aborted below) */
    else if ((fmt == FMT_TABLE || a.chart) && n && shopstat_tab_estimates(t, &a.tab, &e, &ne, &err))
        rc = cli_fail(&err);
    else if ((fmt == FMT_TABLE || a.chart) && nsc &&
             shopstat_score_estimates(t, &a.tab, &se, &nse, &err))
        rc = cli_fail(&err);
    if (!rc)
        survey_args_label_levels(&a, t, e, ne);
    /* (and --by values by their labels: wave=1 as "Spring 2026") */
    if (!rc)
        survey_args_label_segments(&a, t, e, ne, d, n, sc, nsc, se, nse);
    if (!rc && fmt == FMT_TABLE)
        rc = write_table(f, d, n, &a, t, e, ne, sc, nsc, se, nse);
    /* a write that failed stops the run before the charts (named with its errno) */
    if (!rc && shopstat_outfile_error(of, &err))
        rc = cli_fail(&err);
    /* the charts before the table is committed: a chart that fails leaves no table; a
     * question given by --score alone has no levels' chart, its scores' charts only */
    if (!rc && a.chart) {
        size_t nk = 0;
        for (size_t i = 0; i < ne; i++) {
            int shown = 0;
            for (size_t k = 0; k < n && !shown; k++)
                shown = d[k].q == e[i].q;
            if (shown)
                e[nk++] = e[i];
        }
        rc = cli_render_charts(&a, t, e, nk, d, n, se, nse, sc, nsc);
    }
    free(e);
    free(se);
    if (rc)
        shopstat_outfile_abort(of);
    else if (shopstat_outfile_commit(of, &err))
        rc = cli_fail(&err);
done:
    free(d);
    free(ds);
    free(all);
    free(sc);
    shopstat_totals_free(t);
    survey_args_free(&a);
    return rc;
}
