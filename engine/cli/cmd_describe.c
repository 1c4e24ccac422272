/* shopstat describe: print the dialect, columns, levels, design summary and row accounting of an export. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "shopstat/describe.h"
#include "shopstat/outfile.h"
#include "shopstat/reader.h"
#include "shopstat/replicate.h"
#include "shopstat/score.h"

const char cmd_describe_help[] =
    "usage: shopstat describe DATA [--weight COL] [--strata COL] [--psu COL] [--fpc COL]\n"
    "                         [--lonely-psu RULE] [--repweights P --reptype T ...]\n"
    "                         [--delimiter C] [--encoding E] [--decimal-comma]\n"
    "                         [--skip-rows N] [--missing [COLS:]CODES] [--threads N] [-o FILE]\n"
    "\n"
    "Read the CSV export DATA once and print what it holds: the detected delimiter,\n"
    "encoding and decimal rule; every column's type, missing values and distinct\n"
    "values (with counts for categorical columns); the survey design (weights, Kish\n"
    "effective sample size, strata, PSUs per stratum); and what happened to every row.\n"
    "It takes tab's design flags, checked as tab checks them, to look at a design before\n"
    "a long run: with --repweights, the replicate columns, type, scales and the range of\n"
    "the replicates' sums of weights. Last, a start: a tab command with these flags and\n"
    "the questions the columns seem to hold (sets of 0/1 or ticked columns sharing a\n"
    "name's stem, code lists, a weight, non-answer codes, a wave column as --by), and a\n"
    "score command for a 0-10 question's Net Promoter Score; guessed: check them.\n"
    "\n"
    "Column types: categorical (at most 20 distinct values, codes or labels, or up to\n"
    "100 labels that repeat), numeric (more than 20 distinct numbers), text (anything\n"
    "else), empty (every value missing). Levels are listed for up to 20 values.\n"
    "\n" CLI_DATA_OPTS_HELP
    "  --lonely-psu fail|remove|certainty|adjust|average   (default fail, as R)\n"
    "  --repweights PREFIX|C1,C2,...  replicate weights (instead of --strata/--psu/--fpc)\n"
    "  --reptype brr|fay|jk1|jkn|bootstrap|sdr  --rho R  --repscale S  --rscales a,b,...\n"
    "  --mse                          (as tab)\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE  write to FILE (created whole or not at all) instead of stdout\n"
    "  --threads N        threads for the pass (default: every core, or $SHOPSTAT_THREADS)\n"
    "\n"
    "Errors (bad rows, bad weights, unknown columns) are one line on stderr,\n"
    "path:line:col: error: message, with exit status 2.\n"
    "\n"
    "Example:\n"
    "  shopstat describe survey.csv --weight wt --strata region --psu panel\n";

/* Numbers for people: integers without decimals, others with 6 significant digits. */
static const char *num(char *buf, size_t n, double x)
{
    if (isnan(x))
        snprintf(buf, n, "n/a");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, n, "%.0f", x);
    else if (fabs(x) >= 1e5 && fabs(x) < 1e15)
        snprintf(buf, n, "%.1f", x);
    else
        snprintf(buf, n, "%.6g", x);
    return buf;
}

/* Width of s as put_cell() writes it: one per UTF-8 character, escapes in full. */
static int cell_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += *p == '\n' || *p == '\r' || *p == '\t' ? 2 : *p < 0x20 || *p == 0x7f ? 4 : (*p & 0xC0) != 0x80;
    return w;
}

/* Write s left-aligned in w columns: control characters escaped (\n, \t, \xHH) so a value
 * with a line break keeps the table intact, cut with "..." past w characters. */
static void put_cell(FILE *out, const char *s, int w)
{
    int used = 0, total = cell_width(s);
    int limit = w <= 0 ? total : total > w ? w - 3 : w;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8] = "";
        if (*p == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (*p == '\r')
            snprintf(esc, sizeof esc, "\\r");
        else if (*p == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02X", *p);
        int cw = esc[0] ? (int)strlen(esc) : (*p & 0xC0) != 0x80;
        if (cw && used + cw > limit) {
            fputs("...", out);
            used += 3;
            break;
        }
        if (esc[0])
            fputs(esc, out);
        else
            fputc(*p, out);
        used += cw;
    }
    for (; used < w; used++)
        fputc(' ', out);
}

static void print_dialect(FILE *out, const shopstat_reader *r, const cli_data_opts *o)
{
    const shopstat_csv_dialect *d = shopstat_reader_dialect(r);
    char delim[16];
    if (d->delimiter == '\t')
        snprintf(delim, sizeof delim, "tab");
    else
        snprintf(delim, sizeof delim, "'%c'", d->delimiter);
    fprintf(out, "file:       %s\n", shopstat_reader_path(r));
    fprintf(out, "delimiter:  %s (%s)%s\n", delim,
            o->csv.delimiter ? "--delimiter" : d->sep_line ? "from the sep= line" : "detected",
            d->sep_line ? "; the sep= line before the header skipped" : "");
    fprintf(out, "encoding:   %s (%s%s)%s\n", d->encoding, o->csv.encoding ? "--encoding" : "detected",
            d->converted ? ", converted to UTF-8" : "", d->bom ? ", byte order mark removed" : "");
    fprintf(out, "line ends:  %s\n", d->line_ending);
    if (!d->decimal_comma)
        fprintf(out, "decimals:   point (1.5)\n");
    else
        fprintf(out, "decimals:   comma or point (1,5 or 1.5; %s)\n",
                o->csv.decimal_comma == 1 ? "--decimal-comma" : "because the delimiter is ';'");
}

/* Column i's name as describe shows it: "(column 16, no name)" for an empty one, and
 * "Response (column 13)" for a name other columns have too (a command cannot use either). */
static const char *shown_name(const shopstat_reader *r, const shopstat_description *ds, size_t i,
                              char *buf, size_t n)
{
    const char *name = shopstat_description_column(ds, i)->name;
    size_t same = shopstat_reader_colsame(r, i);
    if (same == 1)
        return name;
    if (same == 0)
        snprintf(buf, n, "(column %zu, no name)", i + 1);
    else
        snprintf(buf, n, "%.200s (column %zu)", name, i + 1);
    return buf;
}

static void print_columns(FILE *out, const shopstat_reader *r, const shopstat_description *ds)
{
    size_t n = shopstat_description_ncols(ds);
    int w = 6;
    char nb[256];
    size_t unnamed = 0, shared = 0;
    for (size_t i = 0; i < n; i++) {
        int l = cell_width(shown_name(r, ds, i, nb, sizeof nb));
        if (l > w)
            w = l < 40 ? l : 40;
        unnamed += shopstat_reader_colsame(r, i) == 0;
        shared += shopstat_reader_colsame(r, i) > 1;
    }
    fprintf(out, "\ncolumns: %zu\n", n);
    fprintf(out, "  %-*s  %-11s  %8s  %8s  %9s  %s\n", w, "column", "type", "present", "missing",
            "distinct", "range");
    char a[64], b[64], c[64], dist[32];
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        if (s->distinct_capped)
            snprintf(dist, sizeof dist, "> %zu", s->distinct);
        else
            snprintf(dist, sizeof dist, "%zu", s->distinct);
        fputs("  ", out);
        put_cell(out, shown_name(r, ds, i, nb, sizeof nb), w);
        fprintf(out, "  %-11s  %8zu  %8zu  %9s", shopstat_coltype_name(s->type), s->present,
                s->missing, dist);
        if (s->all_numeric)
            fprintf(out, "  %s to %s, mean %s", num(a, sizeof a, s->min), num(b, sizeof b, s->max),
                    num(c, sizeof c, s->mean));
        fputc('\n', out);
    }
    size_t ncomma = 0;
    for (size_t i = 0; i < n; i++)
        ncomma += shopstat_description_column(ds, i)->comma_numeric;
    if (ncomma) {
        fputs("  ", out);
        for (size_t i = 0, k = 0; i < n && k < 5; i++)
            if (shopstat_description_column(ds, i)->comma_numeric) {
                fputs(k ? ", " : "", out);
                put_cell(out, shown_name(r, ds, i, nb, sizeof nb), 0);
                k++;
            }
        fprintf(out,
                "%s: every value is a number if ',' is a decimal comma (1,5 = 1.5); if it is, "
                "use --decimal-comma (decimal_comma: true in a spec)\n",
                ncomma > 5 ? ", ..." : "");
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        if (!s->nrepeated)
            continue;
        fputs("  ", out);
        put_cell(out, shown_name(r, ds, i, nb, sizeof nb), 0);
        fputs(": nearly every value is distinct, but '", out);
        put_cell(out, s->first_repeated, 0);
        fprintf(out, "' appears %zu times", s->first_repeated_count);
        if (s->nrepeated > 1)
            fprintf(out, " (and %zu more value%s)", s->nrepeated - 1,
                    s->nrepeated == 2 ? " repeats" : "s repeat");
        fputs(": if it identifies respondents, some rows are there twice\n", out);
    }
    /* (not errors: only a command that names such a column stops) */
    if (unnamed)
        fprintf(out, "  %zu column%s no name: a command cannot use %s\n", unnamed,
                unnamed == 1 ? " has" : "s have", unnamed == 1 ? "it" : "them");
    if (shared)
        fprintf(out,
                "  %zu columns have a name another column has too: a command that names one "
                "stops (ambiguous)\n",
                shared);
    /* One width for every level table so the counts line up down the page. */
    int lw = 5, any = 0;
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        for (size_t j = 0; j < s->nlevels; j++) {
            int l = cell_width(s->levels[j].value);
            if (l > lw)
                lw = l < 40 ? l : 40;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        if (!s->nlevels)
            continue;
        if (!any)
            fprintf(out, "\nlevels (count, %% of present values):\n");
        any = 1;
        fputs("  ", out);
        put_cell(out, shown_name(r, ds, i, nb, sizeof nb), 0);
        fputc('\n', out);
        for (size_t j = 0; j < s->nlevels; j++) {
            fputs("    ", out);
            put_cell(out, s->levels[j].value, lw);
            fprintf(out, "  %8zu  %5.1f%%\n", s->levels[j].count,
                    100.0 * (double)s->levels[j].count / (double)s->present);
        }
    }
}

static void print_design(FILE *out, const shopstat_description *ds, const cli_data_opts *o)
{
    const shopstat_design_summary *d = shopstat_description_design(ds);
    char a[64], b[64], c[64], e[64];
    fprintf(out, "\ndesign:\n");
    if (d->has_weight) {
        fprintf(out, "  weight:     %s\n", o->design.weight);
        fprintf(out, "              min %s, median %s%s, max %s, sum %s\n",
                num(a, sizeof a, d->wmin), d->median_approx ? "~" : "",
                num(b, sizeof b, d->wmedian), num(c, sizeof c, d->wmax), num(e, sizeof e, d->wsum));
        if (d->zero_weights)
            fprintf(out, "              %zu row%s with weight 0\n", d->zero_weights,
                    d->zero_weights == 1 ? "" : "s");
        if (isnan(d->efficiency))
            fprintf(out, "  Kish effective n: n/a of %zu rows (every weight is 0)\n", d->rows);
        else
            fprintf(out, "  Kish effective n: %s of %zu rows (weighting efficiency %.1f%%)\n",
                    num(a, sizeof a, d->n_eff), d->rows, 100.0 * d->efficiency);
    } else if (d->weights_from_fpc) {
        /* (R's svydesign weights rows N/n from the fpc; so do the estimates) */
        fprintf(out, "  weight:     none: N/n of the stratum from --fpc %s, as R\n", o->design.fpc);
        fprintf(out, "              min %s, median %s, max %s, sum %s\n", num(a, sizeof a, d->wmin),
                num(b, sizeof b, d->wmedian), num(c, sizeof c, d->wmax), num(e, sizeof e, d->wsum));
        fprintf(out, "  Kish effective n: %s of %zu rows (weighting efficiency %.1f%%)\n",
                num(a, sizeof a, d->n_eff), d->rows, 100.0 * d->efficiency);
    } else {
        fprintf(out, "  weight:     none (every row counts 1)\n");
    }
    if (o->design.repweights)
        fprintf(out, "  design:     replicate weights (below)\n");
    else if (d->has_strata)
        fprintf(out, "  strata:     %s, %zu strat%s\n", o->design.strata, d->nstrata,
                d->nstrata == 1 ? "um" : "a");
    else
        fprintf(out, "  strata:     none (one stratum)\n");
    if (o->design.repweights)
        ;
    else if (d->has_psu)
        fprintf(out, "  PSUs:       %s, %zu in all\n", o->design.psu, d->npsu);
    else
        fprintf(out, "  PSUs:       none (each row is its own PSU)\n");
    if (d->has_fpc)
        fprintf(out, "  fpc:        %s\n", o->design.fpc);
    if (d->has_strata || d->has_psu) {
        size_t minp = (size_t)-1, maxp = 0;
        for (size_t i = 0; i < d->nstrata; i++) {
            if (d->strata[i].npsu < minp)
                minp = d->strata[i].npsu;
            if (d->strata[i].npsu > maxp)
                maxp = d->strata[i].npsu;
        }
        if (d->has_strata)
            fprintf(out, "  PSUs per stratum: %zu to %zu\n", minp, maxp);
        if (d->single_psu_strata && o->design.lonely == SHOPSTAT_LONELY_FAIL)
            fprintf(out,
                    "  warning: %zu strat%s with a single PSU: variance estimation needs a "
                    "lonely-PSU rule there\n",
                    d->single_psu_strata, d->single_psu_strata == 1 ? "um" : "a");
        else if (d->single_psu_strata)
            fprintf(out, "  %zu strat%s with a single PSU: --lonely-psu %s\n", d->single_psu_strata,
                    d->single_psu_strata == 1 ? "um" : "a", shopstat_lonely_name(o->design.lonely));
    }
    if (d->has_strata && d->nstrata <= 50) {
        int w = 7;
        for (size_t i = 0; i < d->nstrata; i++) {
            int l = cell_width(d->strata[i].name);
            if (l > w)
                w = l < 40 ? l : 40;
        }
        fprintf(out, "\n  %-*s  %8s  %6s%s%s\n", w, "stratum", "rows", "PSUs",
                d->has_fpc ? "       fpc" : "", d->weights_from_fpc ? "    weight" : "");
        for (size_t i = 0; i < d->nstrata; i++) {
            const shopstat_stratum *s = &d->strata[i];
            fputs("  ", out);
            put_cell(out, s->name, w);
            fprintf(out, "  %8zu  %6zu", s->rows, s->npsu);
            if (d->has_fpc)
                fprintf(out, "  %8s", num(a, sizeof a, s->fpc));
            if (d->weights_from_fpc)
                fprintf(out, "  %8s", num(a, sizeof a, s->w_fpc));
            fprintf(out, "%s\n", s->npsu == 1 ? "  single PSU" : "");
        }
    } else if (d->has_strata && d->single_psu_strata) {
        fprintf(out, "  single-PSU strata:");
        size_t shown = 0;
        for (size_t i = 0; i < d->nstrata && shown < 20; i++)
            if (d->strata[i].npsu == 1)
                fprintf(out, "%s %s", shown++ ? "," : "", d->strata[i].name);
        if (d->single_psu_strata > shown)
            fprintf(out, " and %zu more", d->single_psu_strata - shown);
        fputc('\n', out);
    }
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The replicate-weight design tab would use: its columns, type and scales, and each
 * replicate's sum of weights (a replicate's total should be near the full sample's; one far
 * off is a column that is not a replicate weight, or one of another survey wave). */
static void print_replicates(FILE *out, const shopstat_description *ds, const cli_data_opts *o,
                             const shopstat_repweights *rw)
{
    const shopstat_design_summary *d = shopstat_description_design(ds);
    const shopstat_colsummary *first = shopstat_description_column(ds, rw->cols[0]);
    const shopstat_colsummary *last = shopstat_description_column(ds, rw->cols[rw->R - 1]);
    char a[64], b[64], c[64];
    fprintf(out, "\nreplicate weights: --repweights %s\n", o->design.repweights);
    fprintf(out, "  columns:    %zu, %s to %s\n", rw->R, first->name, last->name);
    double rmin = rw->rscales[0], rmax = rw->rscales[0];
    for (size_t i = 1; i < rw->R; i++) {
        rmin = rw->rscales[i] < rmin ? rw->rscales[i] : rmin;
        rmax = rw->rscales[i] > rmax ? rw->rscales[i] : rmax;
    }
    fprintf(out, "  type:       %s, scale %s", shopstat_rep_type_name(o->design.reptype),
            num(a, sizeof a, rw->scale));
    if (rmin != 1 || rmax != 1) {
        if (rmin == rmax)
            fprintf(out, ", rscales %s", num(b, sizeof b, rmin));
        else
            fprintf(out, ", rscales %s to %s", num(b, sizeof b, rmin), num(c, sizeof c, rmax));
    }
    fprintf(out, "; variances about the %s\n",
            rw->mse ? "full-sample estimate (--mse)" : "replicates' mean");
    double *sums = malloc(rw->R * sizeof *sums);
    size_t bad = 0, nsum = 0;
    const char *badname = NULL;
    for (size_t i = 0; i < rw->R; i++) {
        const shopstat_colsummary *cs = shopstat_description_column(ds, rw->cols[i]);
        if (!cs->all_numeric || cs->missing || cs->min < 0) {
            if (!bad++)
                badname = cs->name;
            continue;
        }
        if (sums)
            sums[nsum++] = cs->mean * (double)cs->present;
    }
    if (sums && nsum) {
        qsort(sums, nsum, sizeof *sums, by_double);
        double med = nsum % 2 ? sums[nsum / 2] : (sums[nsum / 2 - 1] + sums[nsum / 2]) / 2;
        fprintf(out, "  sums:       min %s, median %s, max %s", num(a, sizeof a, sums[0]),
                num(b, sizeof b, med), num(c, sizeof c, sums[nsum - 1]));
        if (d->has_weight)
            fprintf(out, " (--weight %s: %s)", o->design.weight, num(a, sizeof a, d->wsum));
        fputc('\n', out);
    }
    if (!sums)
        fprintf(out, "  sums:       not computed (out of memory)\n");
    free(sums);
    if (bad)
        fprintf(out,
                "  warning:    %zu replicate column%s (%s%s) with missing, non-numeric or "
                "negative values: tab stops at the first\n",
                bad, bad == 1 ? "" : "s", badname, bad > 1 ? ", ..." : "");
}

static void print_rows(FILE *out, const shopstat_description *ds)
{
    size_t read = shopstat_description_rows_read(ds);
    size_t used = shopstat_description_rows_used(ds);
    size_t skipped = shopstat_description_rows_skipped(ds);
    size_t empty = shopstat_description_rows_empty(ds);
    fprintf(out, "\nrows:\n");
    fprintf(out, "  read      %9zu\n", read);
    fprintf(out, "  used      %9zu\n", used);
    if (skipped && empty)
        fprintf(out,
                "  excluded  %9zu  %zu skipped by --skip-rows, %zu empty (every field empty)\n",
                skipped + empty, skipped, empty);
    else if (skipped)
        fprintf(out, "  excluded  %9zu  skipped by --skip-rows\n", skipped);
    else if (empty)
        fprintf(out, "  excluded  %9zu  empty row%s (every field empty)\n", empty,
                empty == 1 ? "" : "s");
    else
        fprintf(out, "  excluded  %9d\n", 0);
}

/* A word the shell takes as it is. */
static int plain_word(const char *w)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_./:=,+@%-";
    return *w && strspn(w, plain) == strlen(w);
}

/* Write one shell word: as is when plain, else in double quotes (single quotes when it
 * holds a character the shell would expand inside double ones). */
static void put_word(FILE *out, const char *w)
{
    if (plain_word(w)) {
        fputs(w, out);
    } else if (!strpbrk(w, "\"$`\\!")) {
        fprintf(out, "\"%s\"", w);
    } else {
        fputc('\'', out);
        for (const char *p = w; *p; p++)
            if (*p == '\'')
                fputs("'\\''", out);
            else
                fputc(*p, out);
        fputc('\'', out);
    }
}

/* Width of w as put_word writes it (close enough for wrapping). */
static size_t word_width(const char *w)
{
    return strlen(w) + (plain_word(w) ? 0 : 2);
}

typedef struct cmdline {
    FILE *out;
    size_t col;
} cmdline;

/* Append flag (may be NULL) and its value (may be NULL) to the command, wrapping before
 * 88 columns; a flag and its value stay on one line. */
static void put_arg(cmdline *c, const char *flag, const char *value)
{
    size_t w =
        (flag ? strlen(flag) : 0) + (flag && value ? 1 : 0) + (value ? word_width(value) : 0);
    if (c->col + 1 + w > 88) {
        fputs(" \\\n     ", c->out);
        c->col = 5;
    }
    fputc(' ', c->out);
    if (flag)
        fputs(flag, c->out);
    if (flag && value)
        fputc(' ', c->out);
    if (value)
        put_word(c->out, value);
    c->col += 1 + w;
}

/* A set's flag value, NAME=COL1,COL2,... */
static char *set_value(const shopstat_description *ds, const shopstat_suggestion *s)
{
    size_t n = strlen(s->name) + 2;
    for (size_t j = 0; j < s->ncolumns; j++)
        n += strlen(shopstat_description_column(ds, s->columns[j])->name) + 1;
    char *v = malloc(n);
    if (!v)
        return NULL;
    size_t k = (size_t)snprintf(v, n, "%s=", s->name);
    for (size_t j = 0; j < s->ncolumns; j++)
        k += (size_t)snprintf(v + k, n - k, "%s%s", j ? "," : "",
                              shopstat_description_column(ds, s->columns[j])->name);
    return v;
}

/* The command to start from: tab with describe's own flags (but -o) and the questions
 * the columns suggest; nothing when they suggest none. */
static const char *const suggest_flag[] = {"--var", "--multi", "--multi-ticked", "--multi-codes",
                                           "--weight"};

/* The suggested question that is the survey's wave (a name holding "wave", any case: wave,
 * Wave, survey_wave): its index, or n. A tracker's first look is every question by wave. */
static size_t wave_of(const shopstat_suggestion *sg, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (sg[i].kind != SHOPSTAT_SUGGEST_VAR || sg[i].nmissing)
            continue;
        for (const char *p = sg[i].name; *p; p++)
            if (strncasecmp(p, "wave", 4) == 0)
                return i;
    }
    return n;
}

/* Whether --score reads name, then ":nps", as the question name. */
static int scorable(const char *name)
{
    return shopstat_score_question_len(name) == strlen(name);
}

/* "shopstat CMD" with describe's own flags (but -o and --threads), the suggested weight
 * and the wave's --by. */
static void put_command(cmdline *c, const char *cmd, const shopstat_suggestion *sg, size_t n,
                        int argc, char **argv)
{
    c->col = (size_t)fprintf(c->out, "  shopstat %s", cmd);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            i++;
            continue;
        }
        if (strcmp(argv[i], "--threads") == 0) { /* (how to run, not what: every core) */
            i++;
            continue;
        }
        if (strncmp(argv[i], "--output=", 9) == 0 || strncmp(argv[i], "--threads=", 10) == 0)
            continue;
        /* a flag taking a value keeps it on its line */
        int pair = argv[i][0] == '-' && argv[i][1] == '-' && !strchr(argv[i], '=') &&
                   strcmp(argv[i], "--decimal-comma") != 0 && strcmp(argv[i], "--mse") != 0 &&
                   i + 1 < argc;
        put_arg(c, pair ? argv[i] : NULL, pair ? argv[i + 1] : argv[i]);
        i += pair;
    }
    for (size_t i = 0; i < n; i++) /* the design first */
        if (sg[i].kind == SHOPSTAT_SUGGEST_WEIGHT)
            put_arg(c, suggest_flag[sg[i].kind], sg[i].name);
    size_t w = wave_of(sg, n);
    if (w < n)
        put_arg(c, "--by", sg[w].name);
}

/* Whether the non-answer sg[i].missing[j] is one of an earlier suggestion's (or earlier
 * in its own list). */
static int missing_seen(const shopstat_suggestion *sg, size_t i, size_t j)
{
    for (size_t a = 0; a <= i; a++)
        for (size_t b = 0; b < (a < i ? sg[a].nmissing : j); b++)
            if (strcmp(sg[a].missing[b], sg[i].missing[j]) == 0)
                return 1;
    return 0;
}

/* The suggested non-answers, each once (99 in several columns is one --missing 99: it
 * applies to every column), then the end of the command's line. */
static void put_missing(cmdline *c, const shopstat_suggestion *sg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sg[i].nmissing; j++)
            if (!missing_seen(sg, i, j))
                put_arg(c, "--missing", sg[i].missing[j]);
    fputc('\n', c->out);
}

/* The commands to start from: tab with describe's own flags (but -o) and the questions
 * the columns suggest, and score for a 0-10 question; nothing when they suggest none. */
static void print_suggestions(FILE *out, const shopstat_description *ds, const cli_data_opts *o,
                              int argc, char **argv)
{
    shopstat_suggestion *sg = NULL;
    size_t n = 0;
    shopstat_error err;
    if (shopstat_describe_suggest(ds, &o->design, &sg, &n, &err) || n == 0) {
        shopstat_suggestions_free(sg, n);
        return;
    }
    fprintf(out, "\na start (questions guessed from the columns' names and values; check "
                 "them):\n");
    cmdline c = {out, 0};
    put_command(&c, "tab", sg, n, argc, argv);
    size_t wave = wave_of(sg, n);
    for (size_t i = 0; i < n; i++) {
        const shopstat_suggestion *s = &sg[i];
        if (s->kind == SHOPSTAT_SUGGEST_WEIGHT || i == wave)
            continue;
        if (s->kind == SHOPSTAT_SUGGEST_MULTI || s->kind == SHOPSTAT_SUGGEST_MULTI_TICKED) {
            char *v = set_value(ds, s);
            if (v)
                put_arg(&c, suggest_flag[s->kind], v);
            free(v);
        } else if (s->kind == SHOPSTAT_SUGGEST_CODES) {
            size_t len = 2 * strlen(s->name) + 2;
            char *v = malloc(len);
            if (v) {
                snprintf(v, len, "%s=%s", s->name, s->name);
                put_arg(&c, suggest_flag[s->kind], v);
            }
            free(v);
        } else {
            put_arg(&c, suggest_flag[s->kind], s->name);
        }
    }
    put_missing(&c, sg, n);
    /* (a name --score would read as QUESTION:MAP cannot be scored: "a:nps", "x: a=b") */
    size_t nnps = 0;
    for (size_t i = 0; i < n; i++)
        nnps += sg[i].nps && scorable(sg[i].name);
    if (nnps) {
        put_command(&c, "score", sg, n, argc, argv);
        for (size_t i = 0; i < n; i++)
            if (sg[i].nps && scorable(sg[i].name)) {
                size_t len = strlen(sg[i].name) + 5;
                char *v = malloc(len);
                if (v) {
                    snprintf(v, len, "%s:nps", sg[i].name);
                    put_arg(&c, "--score", v);
                }
                free(v);
            }
        put_missing(&c, sg, n);
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_suggestion *s = &sg[i];
        if (s->kind == SHOPSTAT_SUGGEST_WEIGHT)
            fprintf(out,
                    "  --weight %s: named like a weight (add --strata and --psu for a "
                    "clustered sample)\n",
                    s->name);
        if (i == wave) {
            fprintf(out, "  --by ");
            put_word(out, s->name);
            fprintf(out, ": named like a survey wave: every estimate per wave too (compare's "
                         "--pair ");
            put_word(out, s->name);
            fprintf(out, ":rest tests each wave against the others)\n");
        }
        for (size_t j = 0; j < s->nmissing; j++) {
            if (missing_seen(sg, i, j))
                continue; /* (named with the first column that has it) */
            size_t nwith = 0, last = i;
            for (size_t a = i + 1; a < n; a++)
                for (size_t b = 0; b < sg[a].nmissing; b++)
                    if (strcmp(sg[a].missing[b], s->missing[j]) == 0) {
                        nwith++;
                        last = a;
                        break;
                    }
            fprintf(out, "  --missing ");
            put_word(out, s->missing[j]);
            fprintf(out, ": %s among ",
                    isdigit((unsigned char)s->missing[j][0]) ? "a non-answer code" : "a text");
            if (!nwith) {
                fprintf(out, "%s's codes", s->name);
            } else {
                fprintf(out, "the codes of %s", s->name);
                for (size_t a = i + 1, shown = 0; a <= last; a++)
                    for (size_t b = 0; b < sg[a].nmissing; b++)
                        if (strcmp(sg[a].missing[b], s->missing[j]) == 0) {
                            if (++shown <= 3)
                                fprintf(out, "%s%s", a == last ? " and " : ", ", sg[a].name);
                            else if (a == last)
                                fprintf(out, " and %zu more", nwith - 3);
                            break;
                        }
            }
            fprintf(out, " (--missing applies to every column)\n");
        }
        if (s->nps && !scorable(s->name)) {
            fprintf(out, "  ");
            put_word(out, s->name);
            fprintf(out, ": codes 0 to 10, a likelihood to recommend? --score would read its "
                         "name as QUESTION:MAP: rename the column\n");
        } else if (s->nps) {
            size_t len = strlen(s->name) + 5;
            char *v = malloc(len);
            if (v) {
                snprintf(v, len, "%s:nps", s->name);
                fprintf(out, "  --score ");
                put_word(out, v);
                fprintf(out, ": codes 0 to 10, a likelihood to recommend? its Net Promoter "
                             "Score\n");
            }
            free(v);
        }
    }
    shopstat_suggestions_free(sg, n);
}

int cmd_describe(int argc, char **argv)
{
    cli_data_opts o;
    cli_data_opts_init(&o);
    const char *data = NULL, *output = "-";
    int rc = 2;
    static const char *const once[] = {"-o|--output", NULL};
    if (cli_reject_repeats(argc, argv, cli_data_once) ||
        cli_reject_repeats(argc, argv, cli_design_once) || cli_reject_repeats(argc, argv, once))
        goto done;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = cli_data_opt(&o, argc, argv, &i);
        if (m == 0)
            m = cli_design_opt(&o, argc, argv, &i);
        if (m < 0)
            goto done;
        if (m > 0)
            continue;
        if ((m = cli_flag_value(argc, argv, &i, "--output", &v)) != 0 ||
            (m = cli_flag_value(argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                goto done;
            output = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const own[] = {"--output", "--help", NULL};
            const char *near = cli_closest_flag(argv[i], own);
            if (near)
                rc = cli_usage_error("describe: unknown option '%s' (did you mean %s?)", argv[i],
                                     near);
            else
                rc = cli_usage_error(
                    "describe: unknown option '%s' (see 'shopstat help describe')", argv[i]);
            goto done;
        }
        if (data) {
            rc = cli_usage_error("describe: one data file only ('%s' and '%s')", data, argv[i]);
            goto done;
        }
        data = argv[i];
    }
    if (!data) {
        rc = cli_usage_error("describe: no data file (usage: shopstat describe DATA [flags])");
        goto done;
    }
    if ((rc = cli_design_check(&o.design)))
        goto done;
    if ((rc = cli_check_output(output, data)))
        goto done;

    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    shopstat_description *ds = NULL;
    shopstat_outfile *of = NULL;
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = o.threads;
    shopstat_repweights rw = {0};
    shopstat_status s = shopstat_reader_open(data, &o.csv, &r, &err);
    /* (a replicate design's flags checked against the header before the pass, as tab) */
    if (s == SHOPSTAT_OK && o.design.repweights)
        s = shopstat_repweights_resolve(r, &o.design, &rw, &err);
    if (s == SHOPSTAT_OK)
        s = shopstat_describe_opts(r, &o.design, &po, &ds, &err);
    if (s == SHOPSTAT_OK)
        s = shopstat_outfile_open(output, &of, &err);
    if (s == SHOPSTAT_OK) {
        FILE *out = shopstat_outfile_stream(of);
        print_dialect(out, r, &o);
        print_columns(out, r, ds);
        print_design(out, ds, &o);
        if (rw.R)
            print_replicates(out, ds, &o, &rw);
        print_rows(out, ds);
        print_suggestions(out, ds, &o, argc, argv);
        s = shopstat_outfile_commit(of, &err);
    }
    rc = s == SHOPSTAT_OK ? 0 : cli_fail(&err);
    shopstat_repweights_free(&rw);
    shopstat_description_free(ds);
    shopstat_reader_free(r);
done:
    cli_data_opts_free(&o);
    return rc;
}
