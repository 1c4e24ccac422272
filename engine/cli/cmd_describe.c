/* shopstat describe: print the dialect, columns, levels, design summary and row accounting of an export. */
#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "shopstat/describe.h"
#include "shopstat/outfile.h"
#include "shopstat/output.h"
#include "shopstat/reader.h"
#include "shopstat/replicate.h"
#include "shopstat/scale.h"
#include "shopstat/score.h"

const char cmd_describe_help[] =
    "usage: shopstat describe DATA [--weight COL] [--strata COL] [--psu COL] [--fpc COL]\n"
    "                         [--lonely-psu RULE] [--repweights P --reptype T ...]\n"
    "                         [--delimiter C] [--encoding E] [--decimal-comma]\n"
    "                         [--skip-rows N] [--header-rows 2] [--missing [COLS:]CODES]\n"
    "                         [--codes-sep C] [--exclude COND ...] [--dedupe COL]\n"
    "                         [--threads N] [--width N] [-o FILE]\n"
    "\n"
    "Read the CSV export DATA once and print what it holds: the detected delimiter,\n"
    "encoding and decimal rule; every column's type, missing values and distinct\n"
    "values (with counts for categorical columns); the survey design (weights, Kish\n"
    "effective sample size, strata, PSUs per stratum); and what happened to every row.\n"
    "It takes tab's design flags, checked as tab checks them, to look at a design before\n"
    "a long run (not --poststratify nor --rake: it shows the design weights, before any\n"
    "calibration; tab checks a population file against the data): with --repweights,\n"
    "the replicate columns, type, scales and the range of the replicates' sums of\n"
    "weights. Last, a start: a tab command with these flags and\n"
    "the questions the columns seem to hold (sets of 0/1 or ticked columns sharing a\n"
    "name's stem, code lists, labels joined by ';', '|' or ', ' (--codes-sep if one\n"
    "holds a ','), a weight, non-answer codes, a text scale's order as --levels (its\n"
    "non-substantive answers named), a wave column as --by (named wave, Welle,\n"
    "period, year..., or its values all periods: Jan 2024, Q1 2024, two or more), and\n"
    "a score command for a 0-10 question's Net Promoter Score, the means of 1-5,\n"
    "1-7 and 1-10 ratings (named or worded so, or a grid Q5_1, Q5_2: no store's\n"
    "codes) and a measure's mean and median (more than 20 distinct numbers: hours,\n"
    "an amount; no id, code (01000, a store's 1204), weight, year or interview\n"
    "length); guessed: check them.\n"
    "Columns named like strata, PSUs or an fpc (stratum, psu, cluster, fpc,\n"
    "N_h...; N_X beside a column X: X's population sizes) become --strata, --psu,\n"
    "--fpc when one more pass, with them as the design, shows tab would take them\n"
    "(complete, "
    "nested, no single-PSU stratum); else one line says why not.\n"
    "A --missing code, the start's or describe's own, that would be an answer in a\n"
    "column the start reads (6 in a 0-10) is given to its own columns only (Q5_*:6).\n"
    "Speeders: the rows under a third of the median interview (a Duration column, or\n"
    "StartDate to EndDate), with the --exclude 'COL:<LIMIT' (or 'EndDate-StartDate:<LIMIT')\n"
    "that counts them; a grid's straight-liners (one answer to every item), with the\n"
    "--exclude 'Q5_1..Q5_6:same' that counts them.\n"
    "A ticked or codes question over 5% of answering rows tick none of gets a line:\n"
    "out of its base unless --none-in-base.\n"
    "A spreadsheet's leftovers: numbers but one 'n/a' (N/A, -, #N/A, nc, ...) in a column\n"
    "get the --missing 'COL:n/a' that reads them as numbers; a row reading Total (TOTAL,\n"
    "Totaux, Gesamt) in one cell, or holding the other rows' sums, the --exclude that\n"
    "leaves it out; the start is described again with both.\n";

/* (the rest of the help, printed after it: one string literal would be over the 4095
 * bytes C compilers must take) */
const char cmd_describe_help_more[] =
    "\n"
    "Column types: categorical (at most 20 distinct values, codes or labels, or up to\n"
    "100 labels that repeat), numeric (more than 20 distinct numbers), text (anything\n"
    "else), empty (every value missing). Levels are listed for up to 20 values.\n"
    "\n" CLI_DATA_OPTS_HELP
    "  --lonely-psu fail|remove|certainty|adjust|average   (default fail, as R)\n"
    "  --repweights PREFIX|C1,C2,...  replicate weights (instead of --strata/--psu/--fpc)\n"
    "  --reptype brr|fay|jk1|jkn|jk2|bootstrap|sdr  --rho R  --repscale S\n"
    "  --rscales a,b,...|@FILE  --mse|--no-mse       (as tab)\n"
    "  --exclude COL:V1[,V2]|COL:>=X  rows left out as tab leaves them out (before the\n"
    "          design): counts, levels, ranges and design are the kept rows'; repeatable,\n"
    "          counted by condition under rows:, carried into the start\n"
    "  --dedupe COL                   rows repeating an earlier row's COL (a respondent\n"
    "          exported twice) left out so, the first of each kept; carried into the start\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE  write to FILE (created whole or not at all) instead of stdout\n"
    "  --threads N        threads for the pass (default: every core, or $SHOPSTAT_THREADS)\n"
    "  --width N          lines fit N columns: a name wider than its column on a line of\n"
    "                     its own, levels cut (\"...\"), notes and commands wrapped (default:\n"
    "                     $COLUMNS, else the terminal's width, on standard output; none for\n"
    "                     a pipe or -o; 0: none)\n"
    "\n"
    "Errors (bad rows, bad weights, unknown columns) are one line on stderr,\n"
    "path:line:col: error: message, with exit status 2.\n"
    "\n"
    "Example:\n"
    "  shopstat describe survey.csv --weight wt --strata region --psu panel\n";

/* The width the view fits (--width, $COLUMNS or the terminal's; 0: none, the lines of a
 * pipe or a file): set once by cmd_describe before anything is written. */
static size_t view_width;

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
    if (d->compression)
        fprintf(out, "compressed: %s (inflated as it is read; its rows parsed in order, on one thread)\n",
                d->compression);
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

/* A name "Question / Option" (two header rows; label the option) wider than w, cut in its
 * question rather than at its end, so that a question's columns stay apart: "Which
 * channels would... / Phone"; name itself when it fits, or the label leaves no room. */
static const char *cut_question(const char *name, const char *label, int w, char *buf, size_t n)
{
    int nw = cell_width(name);
    if (!label || nw <= w)
        return name;
    int lw = cell_width(label), room = w - lw - 6; /* ("..." and " / ") */
    size_t nl = strlen(name), ll = strlen(label);
    if (room < 10 || nl < ll + 3 || nl >= n)
        return name;
    size_t k = 0;
    for (int used = 0; k < nl - ll - 3; k++) { /* (whole characters, no control ones) */
        unsigned char ch = (unsigned char)name[k];
        if (ch < 0x20 || ch == 0x7f)
            return name;
        if ((ch & 0xC0) != 0x80 && ++used > room)
            break;
    }
    while (k > 0 && name[k - 1] == ' ')
        k--;
    snprintf(buf, n, "%.*s... / %s", (int)k, name, label);
    return buf;
}

/* The recognised text scale of column c's levels when every one is listed
 * (shopstat_scale_recognise): its name, with *order (c's nlevels) the levels in scale order;
 * NULL, *order NULL, when they make none (or out of memory: then as counted). */
static const char *column_scale(const shopstat_colsummary *c, size_t **order)
{
    *order = NULL;
    if (c->type != SHOPSTAT_COL_CATEGORICAL || c->nlevels < 2 || c->nlevels != c->distinct ||
        c->distinct_capped)
        return NULL;
    const char **labs = calloc(c->nlevels, sizeof *labs);
    *order = malloc(c->nlevels * sizeof **order);
    const char *name = NULL;
    if (labs && *order) {
        for (size_t l = 0; l < c->nlevels; l++)
            labs[l] = c->levels[l].value;
        name = shopstat_scale_recognise(labs, c->nlevels, *order);
    }
    free(labs);
    if (!name) {
        free(*order);
        *order = NULL;
    }
    return name;
}

/* The first data row under the header, when it is a row of question texts (Decipher's and
 * Alchemer's label row, a Qualtrics export read without its import-id row, an export with
 * the questions typed under the names) rather than a respondent: among the columns whose
 * next TEXTS_PROBE rows hold numbers only, it holds a text in two or more, and a number in
 * none. A respondent's "Don't know" typed in a column of numbers is one text beside
 * numbers; his row is not texts wherever the others hold numbers. Taken as data, such a
 * row is one more respondent whose every answer is a level of its own (describe's start
 * then proposed "--missing 'How often have you...'"), and a weight 'Weight' stops tab. */
#define TEXTS_PROBE 20
typedef struct texts_probe {
    size_t ncols, rows, line, skip;
    int dc;
    const shopstat_reader *r;
    unsigned char *first; /* per column: 1 row 1 holds a number, 2 a text */
    unsigned char *later; /* per column: bit 1 a later row holds a number, bit 2 a text */
    char *texts;          /* row 1's fields, each cut to TEXT_CUT bytes and NUL-ended */
    size_t ntexts;        /* columns of numbers where row 1 holds a text (0: not such a row) */
    size_t shown[2];      /* the first two of them */
} texts_probe;
#define TEXT_CUT 44

static shopstat_status probe_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    texts_probe *tp = ctx;
    if (tp->rows == 0 && row->nfields)
        tp->line = row->pos[0].line;
    for (size_t i = 0; i < tp->ncols && i < row->nfields; i++) {
        const char *v = row->fields[i];
        size_t n = row->lens[i];
        double x;
        if (!n || shopstat_reader_is_missing_at(tp->r, i, v, n))
            continue;
        int isnum = shopstat_parse_number(v, n, tp->dc, &x) == 1;
        if (tp->rows == 0) {
            tp->first[i] = isnum ? 1 : 2;
            size_t k = n < TEXT_CUT ? n : TEXT_CUT;
            while (k < n && k > 0 && ((unsigned char)v[k] & 0xC0) == 0x80)
                k--; /* (cut at a character's start) */
            memcpy(tp->texts + i * (TEXT_CUT + 4), v, k);
            strcpy(tp->texts + i * (TEXT_CUT + 4) + k, k < n ? "..." : "");
        } else {
            tp->later[i] |= isnum ? 1 : 2;
        }
    }
    if (++tp->rows > TEXTS_PROBE) /* (enough: the reader stops here) */
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "probe done");
    return SHOPSTAT_OK;
}

/* Read the first rows of data again (not standard input, which is read once) and fill tp:
 * tp->ntexts 0 when the first row is no row of texts. The caller frees tp's arrays. */
static void probe_texts_row(const char *data, const cli_data_opts *o, texts_probe *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->skip = o->csv.skip_rows;
    if (strcmp(data, "-") == 0)
        return;
    shopstat_reader *r = NULL;
    shopstat_error err;
    if (shopstat_reader_open(data, &o->csv, &r, &err) != SHOPSTAT_OK) {
        shopstat_reader_free(r);
        return;
    }
    tp->r = r;
    tp->ncols = shopstat_reader_ncols(r);
    tp->dc = shopstat_reader_dialect(r)->decimal_comma;
    tp->first = calloc(tp->ncols ? tp->ncols : 1, 1);
    tp->later = calloc(tp->ncols ? tp->ncols : 1, 1);
    tp->texts = calloc(tp->ncols ? tp->ncols : 1, TEXT_CUT + 4);
    if (tp->first && tp->later && tp->texts)
        shopstat_reader_run(r, probe_row, tp, &err); /* (an error: what was read so far) */
    size_t numbers = 0;
    for (size_t i = 0; tp->first && tp->later && tp->texts && tp->rows >= 3 && i < tp->ncols; i++) {
        if (tp->later[i] != 1)
            continue; /* (not a column of numbers) */
        numbers += tp->first[i] == 1;
        if (tp->first[i] == 2 && tp->ntexts++ < 2)
            tp->shown[tp->ntexts - 1] = i;
    }
    if (numbers || tp->ntexts < 2)
        tp->ntexts = 0;
    tp->r = NULL;
    shopstat_reader_free(r);
}

static void texts_probe_free(texts_probe *tp)
{
    free(tp->first);
    free(tp->later);
    free(tp->texts);
}

/* The note on a row of question texts (tp->ntexts > 0). */
static void print_texts_row(FILE *out, const shopstat_reader *r, const texts_probe *tp)
{
    fprintf(out,
            "  line %zu, the first row of data, holds texts where the rows after it hold "
            "numbers (",
            tp->line);
    for (size_t k = 0; k < 2; k++) {
        fputs(k ? ", '" : "'", out);
        put_cell(out, tp->texts + tp->shown[k] * (TEXT_CUT + 4), 0);
        fputs("' in ", out);
        put_cell(out, shopstat_reader_colname(r, tp->shown[k]), 0);
    }
    if (tp->ntexts > 2)
        fprintf(out, " and %zu more column%s", tp->ntexts - 2, tp->ntexts == 3 ? "" : "s");
    fprintf(out,
            "):\n  a row of question texts under the header, not a respondent? --skip-rows %zu "
            "leaves it out (skip_rows: %zu in a spec),\n  as the start below does\n",
            tp->skip + 1, tp->skip + 1);
}

static void put_word(FILE *out, const char *w);

/* Whether a spec's expression can name column name (letters, digits and '_'). */
static int is_ident(const char *name)
{
    int ident = isalpha((unsigned char)name[0]) || name[0] == '_';
    for (const char *q = name; *q && ident; q++)
        ident = isalnum((unsigned char)*q) || *q == '_';
    return ident;
}

/* "START to END" of a length from two date columns; their shown names in nb and nb2. */
static void put_span(FILE *out, const shopstat_reader *r, const shopstat_description *ds,
                     const shopstat_speed_summary *sp, char *nb, char *nb2, size_t n,
                     const char **start, const char **end)
{
    *start = shown_name(r, ds, sp->start, nb, n);
    *end = shown_name(r, ds, sp->end, nb2, n);
    put_cell(out, *start, 0);
    fputs(" to ", out);
    put_cell(out, *end, 0);
}

/* Lengths under 0 (an end before its start): no interview, a clock's or an export's
 * fault, left out of the median and the count above but taken by its --exclude too, so
 * the line says so, with the --exclude that takes them alone. */
static void print_negative_length(FILE *out, const shopstat_reader *r,
                                  const shopstat_description *ds, const shopstat_speed_summary *sp)
{
    char nb[256], nb2[256], cond[600];
    size_t k = sp->negative;
    fputs("  ", out);
    if (sp->col != SIZE_MAX) {
        const char *name = shown_name(r, ds, sp->col, nb, sizeof nb);
        put_cell(out, name, 0);
        fprintf(out,
                ": %zu row%s a negative length (the first on line %zu; a fault of the export?): ",
                k, k == 1 ? " holds" : "s hold", sp->negative_line);
        snprintf(cond, sizeof cond, "%s:<0", name);
    } else {
        const char *start, *end;
        put_span(out, r, ds, sp, nb, nb2, sizeof nb, &start, &end);
        fprintf(out,
                ": %zu interview%s before %s start, a negative length (the first on line %zu; "
                "a clock or time zone wrong?): ",
                k, k == 1 ? " ends" : "s end", k == 1 ? "its" : "their", sp->negative_line);
        snprintf(cond, sizeof cond, "%s-%s:<0", end, start);
    }
    fputs("--exclude ", out);
    put_word(out, cond);
    fprintf(out, " leaves %s out", k == 1 ? "it" : "them");
    if (sp->fast)
        fprintf(out, ";\n    the speeders' --exclude above takes %s too (not in its count)",
                k == 1 ? "it" : "them");
    fputs("\n", out);
}

/* Speeders: the rows whose interview took under a third of the median (a common rule of
 * panels' quality checks), with the --exclude that leaves them out, counted as it would
 * count them; from a start and an end column, what is missing to exclude them. */
static void print_speed_lines(FILE *out, const shopstat_reader *r, const shopstat_description *ds,
                              const shopstat_speed_summary *sp)
{
    char nb[256], nb2[256], med[64], lim[64], cond[600];
    num(med, sizeof med, sp->median);
    num(lim, sizeof lim, sp->limit);
    if (sp->col != SIZE_MAX) {
        const char *name = shown_name(r, ds, sp->col, nb, sizeof nb);
        fputs("  ", out);
        put_cell(out, name, 0);
        fprintf(out,
                ": %zu of %zu rows under %s, a third of the median %s (speeders?): "
                "--exclude ",
                sp->fast, sp->rows, lim, med);
        snprintf(cond, sizeof cond, "%s:<%s", name, lim);
        put_word(out, cond);
        fputs(" leaves them out,\n    counted under its reason (a spec's exclude: [{where: ", out);
        int ident = is_ident(name);
        snprintf(cond, sizeof cond, "%s < %s", ident ? name : "duration", lim);
        put_word(out, cond);
        fputs(", reason: speeders}]", out);
        if (!ident) { /* (an expression names a column with spaces through a question) */
            fputs(", a question duration: {column: ", out);
            put_word(out, name);
            fputs("}", out);
        }
        fputs(")\n", out);
        return;
    }
    /* from the start and the end: the length END-START, as --exclude and a spec take it */
    const char *start, *end;
    fputs("  ", out);
    put_span(out, r, ds, sp, nb, nb2, sizeof nb, &start, &end);
    fprintf(out,
            ": %zu of %zu interviews took under %s s, a third of the median %s s "
            "(speeders?): --exclude ",
            sp->fast, sp->rows, lim, med);
    snprintf(cond, sizeof cond, "%s-%s:<%s", end, start, lim);
    put_word(out, cond);
    fputs(" leaves them out,\n    counted under its reason (a spec's exclude: [{where: ", out);
    int si = is_ident(start), ei = is_ident(end);
    snprintf(cond, sizeof cond, "%s - %s < %s", ei ? end : "end", si ? start : "start", lim);
    put_word(out, cond);
    fputs(", reason: speeders}]", out);
    if (!ei || !si) { /* (an expression names a column with spaces through a question) */
        fputs(", with question", out);
        fputs(!ei && !si ? "s " : " ", out);
        if (!ei) {
            fputs("end: {column: ", out);
            put_word(out, end);
            fputs(!si ? "}, " : "}", out);
        }
        if (!si) {
            fputs("start: {column: ", out);
            put_word(out, start);
            fputs("}", out);
        }
    }
    fputs(")\n", out);
}

/* The interview lengths' lines: speeders, then lengths under 0. */
static void print_speed(FILE *out, const shopstat_reader *r, const shopstat_description *ds)
{
    const shopstat_speed_summary *sp = shopstat_description_speed(ds);
    if (!sp)
        return;
    if (sp->fast)
        print_speed_lines(out, r, ds, sp);
    if (sp->rows && sp->median == 0) { /* (a third of 0 takes no row: said, not silence) */
        char nb[256], nb2[256];
        fputs("  ", out);
        if (sp->col != SIZE_MAX) {
            put_cell(out, shown_name(r, ds, sp->col, nb, sizeof nb), 0);
            fputs(": the median length is 0, at least half the rows hold 0: no speeder can "
                  "be told by it (a length of another unit, or not filled in?)\n",
                  out);
        } else {
            put_cell(out, shown_name(r, ds, sp->start, nb, sizeof nb), 0);
            fputs(" to ", out);
            put_cell(out, shown_name(r, ds, sp->end, nb2, sizeof nb2), 0);
            fputs(": the median interview took 0 s, at least half end when they start: no "
                  "speeder can be told by them (both columns one time, the start's?)\n",
                  out);
        }
    }
    if (sp->negative)
        print_negative_length(out, r, ds, sp);
}

/* A column named like a weight whose values cannot be weights (shopstat_describe_weight_unfit):
 * why it is not proposed as --weight, nor as a question; tab --weight stops at the first such
 * row (every weight a number >= 0, as R's svydesign). */
static void print_weight_unfit(FILE *out, const shopstat_reader *r, const shopstat_description *ds,
                               const shopstat_design_opts *d)
{
    size_t col;
    if (!shopstat_describe_weight_unfit(ds, d, &col))
        return;
    const shopstat_colsummary *c = shopstat_description_column(ds, col);
    char nb[256], v[64], cond[400], vals[300];
    fputs("  ", out);
    put_cell(out, shown_name(r, ds, col, nb, sizeof nb), 0);
    fputs(": named like a weight, not proposed: ", out);
    if (c->all_numeric && !(c->min < 0)) {
        fputs("every value is 0\n", out);
        return;
    }
    /* the values that are no weight: no finite number, or a negative one (listed when
     * describe lists the column's values; else, numbers all, those under 0) */
    size_t nbad = 0, kinds = 0, at = 0;
    vals[0] = 0;
    for (size_t k = 0; k < c->nlevels; k++) {
        double x;
        const char *t = c->levels[k].value;
        if (shopstat_parse_number(t, strlen(t), 0, &x) == 1 && isfinite(x) && x >= 0)
            continue;
        nbad += c->levels[k].count;
        if (kinds++ < 4 && !strchr(t, ',') && at < sizeof vals)
            at += (size_t)snprintf(vals + at, sizeof vals - at, "%s%s", kinds > 1 ? "," : "", t);
    }
    if (nbad) {
        fprintf(out, "%zu row%s no weight (", nbad, nbad == 1 ? " holds" : "s hold");
        for (const char *p = vals; *p;) {
            size_t len = strcspn(p, ",");
            fprintf(out, "%s'%.*s'", p == vals ? "" : ", ", (int)len, p);
            p += len + (p[len] == ',');
        }
        fputs(kinds > 4 ? ", ...; missing codes?)" : "; a missing code?)", out);
        snprintf(cond, sizeof cond, "%s:%s", c->name, vals);
    } else {
        fprintf(out, "some rows hold a negative value (the smallest %s)", num(v, sizeof v, c->min));
        snprintf(cond, sizeof cond, "%s:<0", c->name);
    }
    fputs(": --weight stops at the first\n    such row (a weight is a number >= 0, as R's "
          "svydesign takes it); --exclude ",
          out);
    put_word(out, cond);
    fputs(" leaves them out\n", out);
}

/* "1", "1 or 2", "1, 2 or 3" */
static void put_values(FILE *out, const char *const *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        fputs(k == 0 ? "" : k + 1 == n ? " or " : ", ", out);
        put_cell(out, v[k], 0);
    }
}

/* Skip logic (shopstat_description_routing): a column blank where it was not asked, by the
 * values of another, and the blanks left where it was asked (non-response). */
static void print_routing(FILE *out, const shopstat_reader *r, const shopstat_description *ds)
{
    char nb[256], bb[256];
    for (size_t i = 0; i < shopstat_description_ncols(ds); i++) {
        const shopstat_routing *rt = shopstat_description_routing(ds, i);
        if (!rt)
            continue;
        const char *by = shown_name(r, ds, rt->by, bb, sizeof bb);
        fputs("  ", out);
        put_cell(out, shown_name(r, ds, i, nb, sizeof nb), 0);
        fprintf(out, ": blank in %zu row%s, ", rt->blank, rt->blank == 1 ? "" : "s");
        if (rt->nonresponse)
            fprintf(out, "%zu where ", rt->routed);
        else
            fputs("all where ", out);
        put_cell(out, by, 0);
        if (rt->nasked <= rt->nskipped) {
            fputs(" is not ", out);
            put_values(out, rt->asked, rt->nasked);
            fputs(" (asked only when ", out);
            put_cell(out, by, 0);
            fputs(rt->nasked == 1 ? " = " : " is ", out);
            put_values(out, rt->asked, rt->nasked);
            fputc(')', out);
        } else {
            fputs(" is ", out);
            put_values(out, rt->skipped, rt->nskipped);
            fputs(rt->by_blank ? " or blank (not asked when " : " (not asked when ", out);
            put_cell(out, by, 0);
            fputs(rt->nskipped == 1 ? " = " : " is ", out);
            put_values(out, rt->skipped, rt->nskipped);
            fputc(')', out);
        }
        if (rt->nonresponse)
            fprintf(out, ", %zu where it was asked (non-response)", rt->nonresponse);
        fputc('\n', out);
    }
}

/* COLUMN:VALUE as one word of a command (quoted as the shell needs) */
static void put_col_value(FILE *out, const char *name, const char *value)
{
    size_t len = strlen(name) + strlen(value) + 2;
    char *v = malloc(len);
    if (v) {
        snprintf(v, len, "%s:%s", name, value);
        put_word(out, v);
        free(v);
    }
}

typedef shopstat_totalsrow totals_row;

static void find_totals_row(const char *data, const cli_data_opts *o,
                            const shopstat_description *ds, totals_row *t)
{
    shopstat_describe_totalsrow(data, NULL, 0, &o->csv, ds, t);
}

/* A spreadsheet's leftovers: a number column a "n/a" made text (the --missing that reads it
 * as numbers), a totals row under the data (the --exclude that leaves it out). The start
 * has both (start_cleaned). */
static void print_no_values(FILE *out, const shopstat_reader *r, const shopstat_description *ds,
                            const totals_row *t)
{
    size_t n = shopstat_description_ncols(ds);
    char nb[256];
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        if (!s->no_value)
            continue;
        const char *name = shown_name(r, ds, i, nb, sizeof nb);
        fputs("  ", out);
        put_cell(out, name, 0);
        fputs(": numbers but '", out);
        put_cell(out, s->no_value, 0);
        fprintf(out, "' in %zu row%s, which make%s it %s: --missing ", s->no_value_count,
                s->no_value_count == 1 ? "" : "s", s->no_value_count == 1 ? "s" : "",
                shopstat_coltype_name(s->type));
        put_col_value(out, name, s->no_value);
        fputs(" reads them as missing, the rest as numbers\n", out);
    }
    if (t->col == SIZE_MAX || (!t->label && !t->totals))
        return;
    const char *name = shown_name(r, ds, t->col, nb, sizeof nb);
    fputs("  ", out);
    put_cell(out, name, 0);
    if (t->label && !t->totals && t->line) {
        /* (a store or a brand named Total: its row is any respondent's) */
        fputs(": one row reads '", out);
        put_cell(out, t->value, 0);
        fprintf(out,
                "' (line %zu), but its other cells read as a respondent's (no sum, no count, "
                "not blank where the other rows are filled): a name, not a totals row? kept; "
                "--exclude ",
                t->line);
        put_col_value(out, name, t->value);
        fputs(" would leave it out\n", out);
        return;
    }
    if (t->label) {
        fputs(": one row reads '", out);
        put_cell(out, t->value, 0);
        fputs("': a totals row left under the data? --exclude ", out);
    } else {
        fprintf(out, ": line %zu holds the sum of the other rows (", t->line);
        put_cell(out, t->value, 0);
        fputs(")", out);
        for (size_t k = 0; k < t->sums && k < 3; k++) {
            fputs(k ? (k + 1 == t->sums || k == 2 ? " and " : ", ") : ", and so it does in ",
                  out);
            put_cell(out, shown_name(r, ds, t->sum_col[k], nb, sizeof nb), 0);
            fputs(" (", out);
            put_cell(out, shopstat_description_column(ds, t->sum_col[k])->sum_value, 0);
            fputs(")", out);
        }
        if (t->sums > 3)
            fprintf(out, ", %zu columns in all", t->sums + 1);
        if (!t->sums)
            fputs(", blank where the other rows are filled", out);
        fputs(": a totals row left under the data? --exclude ", out);
        name = shown_name(r, ds, t->col, nb, sizeof nb);
    }
    put_col_value(out, name, t->value);
    fputs(" leaves it out (kept, it is one more row and its totals read as answers)\n", out);
}

/* text written from column col on, within the view's width, its lines going on at column
 * col: broken after a ", " where what follows up to the next one fits on a line of its own
 * ("1 to 520," over "mean 260.5"), else at a space where the next word would pass the width
 * (a table's last column, the range). */
static void put_at(FILE *out, const char *text, size_t col)
{
    size_t at = col;
    int comma = 0; /* (the word before ends a ", " part) */
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, " ");
        size_t seg = 0; /* (this word up to the end of its part) */
        for (const char *q = p;;) {
            size_t l = strcspn(q, " ");
            seg += (q == p ? 0 : 1) + l;
            if (!q[l] || q[l - 1] == ',')
                break;
            q += l + 1;
        }
        int brk = p != text && view_width &&
                  ((comma && at + 1 + seg > view_width && col + seg <= view_width) ||
                   at + 1 + len > view_width);
        if (brk) {
            fputc('\n', out);
            for (size_t k = 0; k < col; k++)
                fputc(' ', out);
            at = col;
        } else if (p != text) {
            fputc(' ', out);
            at++;
        }
        fwrite(p, 1, len, out);
        at += len;
        comma = len && p[len - 1] == ',';
        p += len;
        p += *p == ' ';
    }
}

/* The widest a table's first column is, its names or values wider cut ("..."): 40, or
 * within a width what leaves room columns for the rest of the line (at least 12). */
static int first_cap(size_t room)
{
    if (!view_width)
        return 40;
    long c = (long)view_width - (long)room;
    return c < 12 ? 12 : c > 40 ? 40 : (int)c;
}

void cli_warn_totals_row(const char *data, const cli_data_opts *o, const shopstat_plan *p)
{
    shopstat_totalsrow_found t;
    if (!shopstat_totalsrow_find(data, &o->csv, p, &t))
        return;
    /* (its line when the whole file was read; else one of its last rows) */
    char where[48];
    snprintf(where, sizeof where, !t.line ? ": a row near its end" : ":%zu: the row", t.line);
    if (t.label)
        cli_warn("%s%s reads '%.40s' in column '%.60s' and %s: a totals row left "
                 "under the data, counted as a respondent? --exclude '%.60s:%.40s' leaves "
                 "it out (shopstat describe names such rows)",
                 data, where, t.value, t.column,
                 t.sums     ? "holds its columns' sums"
                 : t.counts ? "holds a count where the other rows hold labels"
                            : "is blank where the other rows are filled",
                 t.column, t.value);
    else
        cli_warn("%s%s holds the sum of the other rows in column '%.60s' (%.40s)%s: "
                 "a totals row left under the data, counted as a respondent? --exclude "
                 "'%.60s:%.40s' leaves it out (shopstat describe names such rows)",
                 data, where, t.column, t.value, t.sums ? " and others" : "", t.column, t.value);
}

static void print_columns(FILE *out, const shopstat_reader *r, const shopstat_description *ds,
                          const texts_probe *tp, const shopstat_design_opts *d,
                          const totals_row *tr)
{
    size_t n = shopstat_description_ncols(ds);
    int w = 6;
    char nb[256];
    size_t unnamed = 0, shared = 0;
    /* (within a width, a name wider than the column goes whole on a line of its own, its
     * row's cells on the next, as a table view's long question: the column leaves the
     * range 10 columns at least) */
    int cap = first_cap(58);
    for (size_t i = 0; i < n; i++) {
        int l = cell_width(shown_name(r, ds, i, nb, sizeof nb));
        if (l > w && (!view_width || l <= cap))
            w = l < 40 ? l : 40;
        unnamed += shopstat_reader_colsame(r, i) == 0;
        shared += shopstat_reader_colsame(r, i) > 1;
    }
    /* (the counts 8, 8 and 9 wide; within a width, as wide as their headers or numbers) */
    int wp = 8, wm = 8, wd = 9;
    if (view_width) {
        char t[32];
        wp = wm = 7;
        wd = 8;
        for (size_t i = 0; i < n; i++) {
            const shopstat_colsummary *s = shopstat_description_column(ds, i);
            int l = snprintf(t, sizeof t, "%zu", s->present);
            wp = l > wp ? l : wp;
            l = snprintf(t, sizeof t, "%zu", s->missing);
            wm = l > wm ? l : wm;
            l = snprintf(t, sizeof t, "%s%zu", s->distinct_capped ? "> " : "", s->distinct);
            wd = l > wd ? l : wd;
        }
    }
    fprintf(out, "\ncolumns: %zu\n", n);
    /* (the range on a line of its own, under the type, when too narrow a room is left) */
    /* (within a width, one space between the counts, right-aligned under their headers) */
    const char *gap = view_width ? " " : "  ";
    int fixed = w + wp + wm + wd + 19 + 2 * (int)strlen(gap);
    int range_below = view_width && (size_t)fixed + 16 > view_width;
    fprintf(out, "  %-*s  %-11s  %*s%s%*s%s%*s%s%*s%s\n", w, "column", "type", wp, "present", gap,
            wm, "missing", gap, wd, "distinct", range_below ? "\n" : "  ", range_below ? w + 4 : 0,
            "", "range");
    char a[64], b[64], c[64], dist[32], cb[256];
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        if (s->distinct_capped)
            snprintf(dist, sizeof dist, "> %zu", s->distinct);
        else
            snprintf(dist, sizeof dist, "%zu", s->distinct);
        fputs("  ", out);
        const char *name = shown_name(r, ds, i, nb, sizeof nb);
        if (view_width && cell_width(name) > w) {
            int room = view_width > 6 ? (int)view_width - 2 : 4;
            const char *whole = cut_question(name, s->label, room, cb, sizeof cb);
            put_cell(out, whole, cell_width(whole) > room ? room : 0);
            fputs("\n  ", out);
            put_cell(out, "", w);
        } else {
            put_cell(out, cut_question(name, s->label, w, cb, sizeof cb), w);
        }
        fprintf(out, "  %-11s  %*zu%s%*zu%s%*s", shopstat_coltype_name(s->type), wp, s->present,
                gap, wm, s->missing, gap, wd, dist);
        if (s->all_numeric) {
            char range[200];
            snprintf(range, sizeof range, "%s to %s, mean %s", num(a, sizeof a, s->min),
                     num(b, sizeof b, s->max), num(c, sizeof c, s->mean));
            /* (too narrow a room left for it: on a line of its own, under the type) */
            size_t at = (size_t)fixed;
            if (range_below) {
                at = (size_t)w + 4;
                fprintf(out, "\n%*s", (int)at, "");
            } else {
                fputs("  ", out);
            }
            put_at(out, range, at);
        }
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
        fputs(": if it identifies respondents, some rows are there twice; --dedupe ", out);
        put_word(out, shown_name(r, ds, i, nb, sizeof nb));
        fputs(" keeps\n    the first of each (a spec's exclude: [{duplicates: ", out);
        put_cell(out, shown_name(r, ds, i, nb, sizeof nb), 0);
        fputs("}])\n", out);
    }
    print_no_values(out, r, ds, tr);
    print_routing(out, r, ds);
    print_speed(out, r, ds);
    print_weight_unfit(out, r, ds, d);
    /* (not errors: only a command that names such a column stops) */
    if (unnamed)
        fprintf(out, "  %zu column%s no name: a command cannot use %s\n", unnamed,
                unnamed == 1 ? " has" : "s have", unnamed == 1 ? "it" : "them");
    if (shared)
        fprintf(out,
                "  %zu columns have a name another column has too: a command that names one "
                "stops (ambiguous)\n",
                shared);
    if (shopstat_reader_skipped_second_header(r))
        fputs("  the row --skip-rows skipped first is the second header row of a SurveyMonkey "
              "export:\n  read it with --header-rows 2 instead, which names every column by "
              "its question and\n  option ('Which channels? / Phone'), so that a "
              "multi-select question can be tabulated\n",
              out);
    if (tp->ntexts)
        print_texts_row(out, r, tp);
    /* One width for every level table so the counts line up down the page. */
    int lw = 5, any = 0;
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        for (size_t j = 0; j < s->nlevels; j++) {
            int l = cell_width(s->levels[j].value);
            if (l > lw)
                lw = l < first_cap(22) ? l : first_cap(22);
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
        /* a recognised text scale ("Strongly disagree" ... "Don't know") in its order, as
         * tab lists it; other levels as describe counted them */
        size_t *order;
        column_scale(s, &order);
        for (size_t k = 0; k < s->nlevels; k++) {
            size_t j = order ? order[k] : k;
            fputs("    ", out);
            put_cell(out, s->levels[j].value, lw);
            fprintf(out, "  %8zu  %5.1f%%\n", s->levels[j].count,
                    100.0 * (double)s->levels[j].count / (double)s->present);
        }
        free(order);
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
        /* (a raking's extreme weights, R's trimWeights caps them; a few of little weight,
         * 0.8% of the sum, widen nothing much) */
        if (d->large_weights && d->large_wsum >= 0.05 * d->wsum)
            fprintf(out,
                    "  warning: %zu row%s weigh%s over %g times the median (the largest %.1f "
                    "times), %.1f%% of the weight sum: %s every interval (the effective n "
                    "above); check the weighting, or trim %s\n",
                    d->large_weights, d->large_weights == 1 ? "" : "s",
                    d->large_weights == 1 ? "s" : "", SHOPSTAT_DESCRIBE_LARGE_WEIGHT, d->wmax_ratio,
                    100.0 * d->large_wsum / d->wsum,
                    d->large_weights == 1 ? "it widens" : "they widen",
                    d->large_weights == 1 ? "it" : "them");
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
    if (d->has_fpc && d->nstrata) {
        /* R's svydesign rule (every value <= 1: fractions), and whether it says a census */
        int fractions = 1, census = 1;
        for (size_t i = 0; i < d->nstrata; i++)
            fractions &= d->strata[i].fpc <= 1;
        for (size_t i = 0; i < d->nstrata; i++) {
            const shopstat_stratum *s = &d->strata[i];
            double N = fractions ? (double)s->npsu / s->fpc : s->fpc;
            census &= (N - (double)s->npsu) / N < 1e-7;
        }
        fprintf(out, "  fpc:        %s, %s\n", o->design.fpc,
                fractions ? "sampling fractions (every value <= 1)" : "population sizes");
        if (census)
            fprintf(out, "  warning: every stratum sampled whole (a census): every standard error "
                         "will be 0\n");
    } else if (d->has_fpc)
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
            if (l > w && (!view_width || l <= first_cap(52)))
                w = l < 40 ? l : 40;
        }
        fprintf(out, "\n  %-*s  %8s  %6s%s%s\n", w, "stratum", "rows", "PSUs",
                d->has_fpc ? "       fpc" : "", d->weights_from_fpc ? "    weight" : "");
        for (size_t i = 0; i < d->nstrata; i++) {
            const shopstat_stratum *s = &d->strata[i];
            fputs("  ", out);
            if (view_width && cell_width(s->name) > w) { /* (whole, its counts below it) */
                int room = view_width > 6 ? (int)view_width - 2 : 4;
                put_cell(out, s->name, cell_width(s->name) > room ? room : 0);
                fputs("\n  ", out);
                put_cell(out, "", w);
            } else {
                put_cell(out, s->name, w);
            }
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

/* The replicate columns (cols[i], or first + i when cols is NULL; n of them) holding a
 * negative value, named into buf: "PWGTP7" or "PWGTP7, PWGTP12, ... (5 columns)", with
 * "; the smallest -3"; their count (0: none, buf ""). A negative replicate weight is no
 * fault: calibrated (raked) replicates have them, the ACS PUMS's PWGTP1..80 range from
 * -9999 (docs/methods.md), and R's svrepdesign and tab take them as they are. */
static size_t negative_replicates(const shopstat_description *ds, const size_t *cols, size_t first,
                                  size_t n, char *buf, size_t cap)
{
    size_t k = 0, at = 0;
    double lo = 0;
    char v[64];
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *cs = shopstat_description_column(ds, cols ? cols[i] : first + i);
        if (!cs || !cs->all_numeric || !(cs->min < 0))
            continue;
        lo = k == 0 || cs->min < lo ? cs->min : lo;
        if (k < 3 && at < cap)
            at += (size_t)snprintf(buf + at, cap - at, "%s%.60s", k ? ", " : "", cs->name);
        else if (k == 3 && at < cap)
            at += (size_t)snprintf(buf + at, cap - at, ", ...");
        k++;
    }
    if (k > 3 && at < cap)
        at += (size_t)snprintf(buf + at, cap - at, " (%zu columns)", k);
    if (k && at < cap)
        snprintf(buf + at, cap - at, "; the smallest %s", num(v, sizeof v, lo));
    return k;
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
    fprintf(out, "  type:       %s", shopstat_rep_type_name(o->design.reptype));
    if (o->design.reptype == SHOPSTAT_REP_FAY) /* (resolved: rho is given) */
        fprintf(out, ", rho %s", num(b, sizeof b, o->design.rho));
    fprintf(out, ", scale %s", num(a, sizeof a, rw->scale));
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
        /* (a negative replicate weight is no error: R's svrepdesign and tab take it, and
         * calibrated replicates have them, the ACS's PWGTP1..80 range from -9999) */
        if (!cs->all_numeric || cs->missing) {
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
    char neg[400];
    size_t kneg = negative_replicates(ds, rw->cols, 0, rw->R, neg, sizeof neg);
    if (kneg)
        fprintf(out,
                "  negative:   %zu replicate column%s negative values (%s): normal for "
                "calibrated replicate weights (the ACS's have them); R's svrepdesign and tab "
                "take them as they are\n",
                kneg, kneg == 1 ? " holds" : "s hold", neg);
    if (bad)
        fprintf(out,
                "  warning:    %zu replicate column%s (%s%s) with missing or non-numeric "
                "values: tab stops at the first\n",
                bad, bad == 1 ? "" : "s", badname, bad > 1 ? ", ..." : "");
}

static void print_rows(FILE *out, const shopstat_description *ds)
{
    size_t read = shopstat_description_rows_read(ds);
    size_t used = shopstat_description_rows_used(ds);
    size_t skipped = shopstat_description_rows_skipped(ds);
    size_t empty = shopstat_description_rows_empty(ds);
    size_t nx = shopstat_description_nexcluded(ds);
    fprintf(out, "\nrows:\n");
    fprintf(out, "  read      %9zu\n", read);
    fprintf(out, "  used      %9zu\n", used);
    if (nx) {
        /* every reason in tab's words (its Rows line), each exclusion's even when it took
         * no row: a condition that matched nothing is worth seeing */
        size_t all = skipped + empty;
        for (size_t k = 0; k < nx; k++)
            all += shopstat_description_excluded(ds, k, NULL);
        fprintf(out, "  excluded  %9zu  ", all);
        const char *sep = "";
        if (skipped)
            fprintf(out, "%zu skipped by --skip-rows", skipped), sep = ", ";
        if (empty)
            fprintf(out, "%s%zu empty row%s", sep, empty, empty == 1 ? "" : "s"), sep = ", ";
        for (size_t k = 0; k < nx; k++) {
            const char *why;
            size_t n = shopstat_description_excluded(ds, k, &why);
            fprintf(out, "%s%zu by %s%s", sep, n,
                    shopstat_description_excluded_dedupe(ds, k) ? "" : "--exclude ", why);
            sep = ", ";
        }
        fputc('\n', out);
    } else if (skipped && empty)
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
    const shopstat_description *ds; /* the columns the start's codes are checked against */
    int decimal_comma;
    const char *repweights; /* a public-use file's replicate weights' prefix, or NULL */
    const char *rho;        /* with it, the rho of Fay's factors its values fit, or NULL */
    const char *reptype;    /* with it and no rho, the type its values fit (sdr, jk1) */
    int lonely;             /* the given design has single-PSU strata and no --lonely-psu */
} cmdline;

/* Append flag (may be NULL) and its value (may be NULL) to the command, wrapping before
 * 88 columns (or the view's width when narrower, a " \\" kept within it); a flag and its
 * value stay on one line. */
static void put_arg(cmdline *c, const char *flag, const char *value)
{
    size_t w =
        (flag ? strlen(flag) : 0) + (flag && value ? 1 : 0) + (value ? word_width(value) : 0);
    size_t limit = view_width && view_width < 88 ? view_width - 2 : 88;
    if (c->col + 1 + w > limit && c->col > 5) {
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

/* An item of a flag's list as the list parser reads it: in double quotes (a quote
 * doubled) when it holds a comma or a quote, or has spaces around it. */
static size_t put_item(char *v, size_t n, const char *item)
{
    size_t len = strlen(item);
    if (!strpbrk(item, ",\"") && !(len && (item[0] == ' ' || item[len - 1] == ' ')))
        return (size_t)snprintf(v, n, "%s", item);
    size_t k = (size_t)snprintf(v, n, "\"");
    for (const char *p = item; *p && k < n; p++)
        k += (size_t)snprintf(v + k, n - k, *p == '"' ? "\"\"" : "%c", *p);
    return k + (size_t)snprintf(v + k, n > k ? n - k : 0, "\"");
}

/* Column i of ds by a pattern, '*' then "/ LABEL", when it has an option's label (two
 * header rows) and the pattern matches it alone (the label's '*', '?', '[' and '\\' escaped), into
 * buf (n bytes); else its name. */
static const char *short_item(const shopstat_description *ds, size_t i, char *buf, size_t n)
{
    const shopstat_colsummary *c = shopstat_description_column(ds, i);
    if (!c->label || 2 * strlen(c->label) + 4 > n)
        return c->name;
    size_t k = (size_t)snprintf(buf, n, "*/ ");
    for (const char *p = c->label; *p; p++) {
        if (strchr("*?[\\", *p))
            buf[k++] = '\\';
        buf[k++] = *p;
    }
    buf[k] = '\0';
    size_t matched = 0;
    for (size_t j = 0; j < shopstat_description_ncols(ds) && matched < 2; j++) {
        const char *nm = shopstat_description_column(ds, j)->name;
        matched += nm && *nm && fnmatch(buf, nm, 0) == 0;
    }
    return matched == 1 && fnmatch(buf, c->name, 0) == 0 ? buf : c->name;
}

/* A set's flag value, NAME=PATTERN or NAME=COL1,COL2,... (with two header rows, each option
 * by its label as short_item gives it, when that is its column alone) */
static char *set_value(const shopstat_description *ds, const shopstat_suggestion *s)
{
    size_t n = strlen(s->name) + 4 + (s->pattern ? 2 * strlen(s->pattern) : 0);
    for (size_t j = 0; !s->pattern && j < s->ncolumns; j++)
        n += 2 * strlen(shopstat_description_column(ds, s->columns[j])->name) + 3;
    char *v = malloc(n), item[512];
    if (!v)
        return NULL;
    size_t k = (size_t)snprintf(v, n, "%s=", s->name);
    if (s->pattern)
        put_item(v + k, n - k, s->pattern);
    for (size_t j = 0; !s->pattern && j < s->ncolumns; j++) {
        k += (size_t)snprintf(v + k, n - k, "%s", j ? "," : "");
        k += put_item(v + k, n - k, short_item(ds, s->columns[j], item, sizeof item));
    }
    return v;
}

/* The command to start from: tab with describe's own flags (but -o) and the questions
 * the columns suggest; nothing when they suggest none. */
static const char *const suggest_flag[] = {"--var",         "--multi",  "--multi-ticked",
                                           "--multi-codes", "--weight", "--strata",
                                           "--psu",         "--fpc",    "--score"};

/* Whether kind is a question's (a measure's too), not a weight's or a design column's. */
static int question_kind(shopstat_suggest_kind kind)
{
    return kind <= SHOPSTAT_SUGGEST_CODES || kind == SHOPSTAT_SUGGEST_MEASURE;
}

/* Whether kind is a design column's (strata, PSU, fpc), of role kind - STRATA. */
static int design_kind(shopstat_suggest_kind kind)
{
    return kind >= SHOPSTAT_SUGGEST_STRATA && kind <= SHOPSTAT_SUGGEST_FPC;
}

/* The suggested question that is the survey's wave: the first named most like one (a word
 * wave, Welle, vague, ola, ...; else a whole name period, quarter, year, ...; else the
 * first whose values are all periods, two or more of them: describe.h), with no non-answer
 * among its values; its index, or n. A tracker's first look is every question by wave. */
static size_t wave_of(const shopstat_suggestion *sg, size_t n)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++)
        if (sg[i].kind == SHOPSTAT_SUGGEST_VAR && !sg[i].nmissing && sg[i].wave > 0 &&
            (best == n || sg[i].wave > sg[best].wave))
            best = i;
    return best;
}

/* Whether --score reads name, then ":nps", as the question name. */
static int scorable(const char *name)
{
    return shopstat_score_question_len(name) == strlen(name);
}

/* ---- design columns named so: proposed when a pass with them as the design passes ---- */

enum { ROLE_STRATA, ROLE_PSU, ROLE_FPC, NROLES };

typedef struct design_check {
    size_t idx[NROLES];      /* the role's suggestion, or n */
    int ok[NROLES];          /* proposed */
    char note[NROLES][1200]; /* (room for a pass's message, 1024 at most) */
} design_check;

static const char *const role_what[NROLES] = {"strata", "PSUs (clusters)",
                                              "a finite population correction"};

/* The non-answers the start proposes, each once, after describe's own --missing codes:
 * the design is checked as the printed commands read it. NULL-terminated; free it. */
static const char **all_missing(const cli_data_opts *o, const shopstat_suggestion *sg, size_t n)
{
    size_t k = 0, cap = 1;
    for (const char *const *m = o->csv.missing; m && *m; m++)
        cap++;
    for (size_t i = 0; i < n; i++)
        cap += sg[i].nmissing;
    const char **v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    for (const char *const *m = o->csv.missing; m && *m; m++)
        v[k++] = *m;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sg[i].nmissing; j++)
            v[k++] = sg[i].missing[j];
    v[k] = NULL;
    return v;
}

/* A pass over data with design dd as tab would read it: its design summary in *ds (free it,
 * then *r), or the error. */
static shopstat_status design_pass(const char *data, const cli_data_opts *o,
                                   const shopstat_plan *xp, const char *const *missing,
                                   const shopstat_design_opts *dd, shopstat_reader **r,
                                   shopstat_description **ds, shopstat_error *err)
{
    shopstat_csv_opts csv = o->csv;
    csv.missing = missing;
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = o->threads;
    *ds = NULL;
    shopstat_status s = shopstat_reader_open(data, &csv, r, err);
    if (s == SHOPSTAT_OK)
        s = shopstat_describe_excluding(*r, dd, &po, xp, ds, err);
    return s;
}

/* Which candidate a failed pass's message names ("psu column 'cluster': ...", "more than
 * 2000000 PSUs"), or NROLES. */
static int blamed(const char *msg, const design_check *dc, const shopstat_suggestion *sg)
{
    static const char *const label[NROLES] = {"strata column '", "psu column '", "fpc column '"};
    for (int r = NROLES - 1; r >= 0; r--) {
        if (!dc->ok[r])
            continue;
        const char *p = strstr(msg, label[r]);
        size_t len = strlen(sg[dc->idx[r]].name);
        if (p && strncmp(p + strlen(label[r]), sg[dc->idx[r]].name, len) == 0 &&
            p[strlen(label[r]) + len] == '\'')
            return r;
        if (strncmp(msg, "more than ", 10) == 0 && ((r == ROLE_PSU && strstr(msg, " PSUs")) ||
                                                    (r == ROLE_STRATA && strstr(msg, " strata"))))
            return r;
    }
    return NROLES;
}

/* "A, B and 3 more": the names of the strata with a single PSU. */
static void lonely_names(const shopstat_design_summary *d, char *buf, size_t n)
{
    size_t k = 0, shown = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->nstrata && k < n; i++) {
        if (d->strata[i].npsu != 1)
            continue;
        if (shown == 3) {
            snprintf(buf + k, n - k, " and %zu more", d->single_psu_strata - 3);
            return;
        }
        k += (size_t)snprintf(buf + k, n - k, "%s%.40s", shown ? ", " : "", d->strata[i].name);
        shown++;
    }
}

/* Every stratum sampled whole by the fpc: 1 - f_h below 1e-7 (methods.md's rule). */
static int fpc_whole(const shopstat_design_summary *d)
{
    int fractions = 1;
    for (size_t i = 0; i < d->nstrata; i++)
        fractions &= d->strata[i].fpc <= 1;
    for (size_t i = 0; i < d->nstrata; i++) {
        double f = fractions ? d->strata[i].fpc : (double)d->strata[i].npsu / d->strata[i].fpc;
        if (1 - f >= 1e-7)
            return 0;
    }
    return 1;
}

/* One change to the candidates a passed design calls for (a role dropped, its note
 * written), or 0 when the design stands. */
static int design_doubts(const shopstat_design_summary *d, const shopstat_description *ds,
                         const cli_data_opts *o, const shopstat_suggestion *sg, design_check *dc,
                         int has_strata)
{
    char names[200];
    if (dc->ok[ROLE_PSU]) {
        const shopstat_suggestion *p = &sg[dc->idx[ROLE_PSU]];
        const shopstat_colsummary *c = shopstat_description_column(ds, p->columns[0]);
        int repeats = !c->distinct_capped && d->npsu > c->distinct;
        if (p->ambiguous_name && (!has_strata || repeats)) {
            dc->ok[ROLE_PSU] = 0;
            if (!has_strata)
                snprintf(dc->note[ROLE_PSU], sizeof dc->note[ROLE_PSU],
                         "no strata to nest in: a segmentation's clusters? if they are "
                         "sampled clusters, add --psu %s",
                         p->name);
            else
                snprintf(dc->note[ROLE_PSU], sizeof dc->note[ROLE_PSU],
                         "its %zu values recur across the strata (%zu stratum-cluster pairs): "
                         "a segmentation's clusters? if they are PSUs numbered within each "
                         "stratum, add --psu %s",
                         c->distinct, d->npsu, p->name);
            return 1;
        }
    }
    if (d->single_psu_strata && o->design.lonely == SHOPSTAT_LONELY_FAIL &&
        (dc->ok[ROLE_PSU] || dc->ok[ROLE_STRATA])) {
        int r = dc->ok[ROLE_PSU] ? ROLE_PSU : ROLE_STRATA;
        lonely_names(d, names, sizeof names);
        dc->ok[r] = 0;
        snprintf(dc->note[r], sizeof dc->note[r],
                 "%zu strat%s (%s) hold%s a single %s: tab stops there without a "
                 "--lonely-psu rule (docs/methods.md)",
                 d->single_psu_strata, d->single_psu_strata == 1 ? "um" : "a", names,
                 d->single_psu_strata == 1 ? "s" : "", d->has_psu ? "PSU" : "row");
        return 1;
    }
    if (dc->ok[ROLE_FPC] && fpc_whole(d)) {
        dc->ok[ROLE_FPC] = 0;
        snprintf(dc->note[ROLE_FPC], sizeof dc->note[ROLE_FPC],
                 "it says every stratum was sampled whole (each value is the stratum's "
                 "%s sampled: sample sizes n_h, not population sizes N_h?), which makes "
                 "every SE 0",
                 d->has_psu ? "PSUs" : "rows");
        return 1;
    }
    return 0;
}

/* "a" or "a to b", of counts. */
static const char *count_range(char *buf, size_t n, size_t a, size_t b)
{
    if (a == b)
        snprintf(buf, n, "%zu", a);
    else
        snprintf(buf, n, "%zu to %zu", a, b);
    return buf;
}

/* What a proposed design looks like, for its notes. */
static void design_facts(const shopstat_design_summary *d, const shopstat_description *ds,
                         const shopstat_suggestion *sg, design_check *dc, int weighted)
{
    char a[64], b[64], r[64];
    size_t lo = (size_t)-1, hi = 0, rlo = (size_t)-1, rhi = 0;
    double flo = INFINITY, fhi = -INFINITY;
    for (size_t i = 0; i < d->nstrata; i++) {
        const shopstat_stratum *s = &d->strata[i];
        lo = s->npsu < lo ? s->npsu : lo;
        hi = s->npsu > hi ? s->npsu : hi;
        rlo = s->rows < rlo ? s->rows : rlo;
        rhi = s->rows > rhi ? s->rows : rhi;
        flo = s->fpc < flo ? s->fpc : flo;
        fhi = s->fpc > fhi ? s->fpc : fhi;
    }
    if (dc->ok[ROLE_STRATA])
        snprintf(dc->note[ROLE_STRATA], sizeof dc->note[ROLE_STRATA], "%zu strata of %s rows",
                 d->nstrata, count_range(r, sizeof r, rlo, rhi));
    if (dc->ok[ROLE_PSU]) {
        const shopstat_colsummary *c =
            shopstat_description_column(ds, sg[dc->idx[ROLE_PSU]].columns[0]);
        int k = snprintf(dc->note[ROLE_PSU], sizeof dc->note[ROLE_PSU], "%zu PSUs", d->npsu);
        if (d->has_strata && k > 0)
            snprintf(dc->note[ROLE_PSU] + k, sizeof dc->note[ROLE_PSU] - (size_t)k,
                     ", %s in each stratum%s", count_range(r, sizeof r, lo, hi),
                     c->distinct_capped || d->npsu == c->distinct
                         ? ", each PSU in one stratum"
                         : "; their ids recur across strata, each taken within its stratum "
                           "(R's svydesign nest = TRUE)");
    }
    if (dc->ok[ROLE_FPC]) {
        int k = snprintf(dc->note[ROLE_FPC], sizeof dc->note[ROLE_FPC], "%s %s",
                         fhi <= 1 ? "sampling fraction" : "population size", num(a, sizeof a, flo));
        if (fhi > flo && k > 0)
            k += snprintf(dc->note[ROLE_FPC] + k, sizeof dc->note[ROLE_FPC] - (size_t)k,
                          " to %s by stratum", num(b, sizeof b, fhi));
        if (!weighted && k > 0)
            snprintf(dc->note[ROLE_FPC] + k, sizeof dc->note[ROLE_FPC] - (size_t)k,
                     "; without a weight, each row weighs N_h / n_h, as in R");
    }
}

/* Decide which design columns named so the start proposes (describe.h's names): a
 * candidate must be complete and pass describe's design checks as tab would read it (the
 * start's --missing codes applied), with no single-PSU stratum unless describe was given
 * a --lonely-psu rule, a cluster column nested in strata, and an fpc that leaves some
 * stratum sampled in part. Each check that fails drops one candidate and says why; the
 * others are checked again without it. */
static void check_design(const char *data, const cli_data_opts *o, const shopstat_plan *xp,
                         const shopstat_description *ds, const shopstat_suggestion *sg, size_t n,
                         int weighted, design_check *dc)
{
    int any = 0;
    for (int r = 0; r < NROLES; r++) {
        dc->idx[r] = n;
        dc->ok[r] = 0;
        dc->note[r][0] = '\0';
    }
    for (size_t i = 0; i < n; i++)
        if (design_kind(sg[i].kind)) {
            int r = (int)(sg[i].kind - SHOPSTAT_SUGGEST_STRATA);
            dc->idx[r] = i;
            dc->ok[r] = any = 1;
        }
    if (!any)
        return;
    for (int r = 0; r < NROLES; r++) { /* what the columns' summaries tell */
        if (!dc->ok[r])
            continue;
        const shopstat_colsummary *c = shopstat_description_column(ds, sg[dc->idx[r]].columns[0]);
        const char *why = NULL;
        char buf[100];
        if (c->missing) {
            snprintf(buf, sizeof buf, "%zu row%s no value: tab stops at the first of them",
                     c->missing, c->missing == 1 ? " has" : "s have");
            why = buf;
        } else if (r == ROLE_STRATA && c->distinct < 2) {
            why = "one value: one stratum, as without --strata";
        } else if (r == ROLE_PSU && !c->distinct_capped && c->distinct == c->present) {
            why = "every value once: each row its own PSU, as without --psu";
        } else if (r == ROLE_FPC && (!c->all_numeric || c->min <= 0)) {
            why = "not a positive number in every row (a stratum's population size, or a "
                  "sampling fraction up to 1)";
        }
        if (why) {
            dc->ok[r] = 0;
            snprintf(dc->note[r], sizeof dc->note[r], "%s", why);
        }
    }
    /* (a pipe or standard input cannot be read again: describe checks only a regular file) */
    struct stat st;
    int regular = strcmp(data, "-") != 0 && stat(data, &st) == 0 && S_ISREG(st.st_mode);
    const char **missing = regular ? all_missing(o, sg, n) : NULL;
    if (!missing) {
        for (int r = 0; r < NROLES; r++)
            if (dc->ok[r]) {
                dc->ok[r] = 0;
                snprintf(dc->note[r], sizeof dc->note[r],
                         regular ? "not checked (out of memory)"
                                 : "not checked: the data is no regular file, and a pipe is "
                                   "read once; give %s %s to describe to check it",
                         suggest_flag[sg[dc->idx[r]].kind], sg[dc->idx[r]].name);
            }
        return;
    }
    /* (at most one pass per candidate and one more: each round drops one or ends) */
    for (int round = 0; round <= NROLES + 1; round++) {
        if (!dc->ok[ROLE_STRATA] && !dc->ok[ROLE_PSU] && !dc->ok[ROLE_FPC])
            break;
        shopstat_design_opts dd = o->design;
        if (dc->ok[ROLE_STRATA])
            dd.strata = sg[dc->idx[ROLE_STRATA]].name;
        if (dc->ok[ROLE_PSU])
            dd.psu = sg[dc->idx[ROLE_PSU]].name;
        if (dc->ok[ROLE_FPC])
            dd.fpc = sg[dc->idx[ROLE_FPC]].name;
        shopstat_reader *r = NULL;
        shopstat_description *d2 = NULL;
        shopstat_error err;
        shopstat_error_clear(&err);
        if (design_pass(data, o, xp, missing, &dd, &r, &d2, &err) != SHOPSTAT_OK) {
            cli_option_words(err.msg, sizeof err.msg);
            int b = blamed(err.msg, dc, sg);
            for (int k = 0; k < NROLES; k++) {
                if (!dc->ok[k] || (b < NROLES && k != b))
                    continue;
                dc->ok[k] = 0;
                if (err.line)
                    snprintf(dc->note[k], sizeof dc->note[k], "tab would stop at line %zu: %s",
                             err.line, err.msg);
                else
                    snprintf(dc->note[k], sizeof dc->note[k], "tab would stop: %s", err.msg);
            }
            shopstat_reader_free(r);
            continue;
        }
        const shopstat_design_summary *d = shopstat_description_design(d2);
        int changed = design_doubts(d, ds, o, sg, dc, dd.strata != NULL);
        if (!changed)
            design_facts(d, ds, sg, dc, weighted || dd.weight);
        shopstat_description_free(d2);
        shopstat_reader_free(r);
        if (!changed)
            break;
    }
    free(missing);
}

/* "shopstat CMD" with describe's own flags (but -o and --threads), the suggested weight,
 * the proposed design columns and the wave's --by. */
/* Whether code would be an answer in column c, as the pass's warning of a global --missing
 * code sees it: a number strictly between the column's smallest and largest values, all
 * whole numbers (6 in a 0-10). occurs: only when c lists the code among its values (describe
 * read it as a value there); else c's values were read with the code missing, and whether
 * the column holds it is not known. */
static int answer_in(const shopstat_colsummary *c, const char *code, int occurs, int dec)
{
    double x;
    if (!c->all_numeric || shopstat_parse_number(code, strlen(code), dec, &x) != 1 ||
        !(x > c->min && x < c->max) || c->min != floor(c->min) || c->max != floor(c->max))
        return 0;
    int seen = !occurs || c->nlevels == 0;
    for (size_t l = 0; l < c->nlevels; l++) {
        const char *v = c->levels[l].value;
        double y;
        if (shopstat_parse_number(v, strlen(v), dec, &y) != 1 || y != floor(y))
            return 0;
        seen |= y == x;
    }
    return seen;
}

static int lists_missing(const shopstat_suggestion *s, const char *code)
{
    for (size_t j = 0; j < s->nmissing; j++)
        if (strcmp(s->missing[j], code) == 0)
            return 1;
    return 0;
}

/* The first column the start reads (its questions' columns) where code would be an answer,
 * or NULL. suggested: code is a non-answer the start proposes (the questions listing it
 * take it as one, and elsewhere it counts only where describe saw it as a value); else it
 * is one of describe's own global --missing codes. */
static const shopstat_colsummary *answered_in(const cmdline *c, const shopstat_suggestion *sg,
                                              size_t n, const char *code, int suggested)
{
    for (size_t i = 0; i < n; i++) {
        if (!question_kind(sg[i].kind) || (suggested && lists_missing(&sg[i], code)))
            continue;
        for (size_t k = 0; k < sg[i].ncolumns; k++) {
            const shopstat_colsummary *cs = shopstat_description_column(c->ds, sg[i].columns[k]);
            if (answer_in(cs, code, suggested, c->decimal_comma))
                return cs;
        }
    }
    return NULL;
}

/* "--missing COLS:CODE"'s value for code: the columns of the start's questions that take it
 * as a non-answer (suggested: those listing it; describe's own code: the numeric columns
 * where it is no answer), comma-separated, or NULL when there is none (or out of memory).
 * Free it. */
static char *columns_value(const cmdline *c, const shopstat_suggestion *sg, size_t n,
                           const char *code, int suggested)
{
    size_t cap = strlen(code) + 2, k = 0, count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sg[i].ncolumns; j++)
            cap += 2 * strlen(shopstat_description_column(c->ds, sg[i].columns[j])->name) + 3;
    char *v = malloc(cap);
    if (!v)
        return NULL;
    const char *first = NULL;
    size_t plen = 0; /* the names' common start */
    for (size_t i = 0; i < n; i++) {
        if (!question_kind(sg[i].kind) || (suggested && !lists_missing(&sg[i], code)))
            continue;
        for (size_t j = 0; j < sg[i].ncolumns; j++) {
            const shopstat_colsummary *cs = shopstat_description_column(c->ds, sg[i].columns[j]);
            if (!suggested && (!cs->all_numeric || answer_in(cs, code, 0, c->decimal_comma)))
                continue;
            if (count++)
                v[k++] = ',';
            k += put_item(v + k, cap - k, cs->name);
            if (!first)
                plen = strlen(first = cs->name);
            while (plen && strncmp(first, cs->name, plen) != 0)
                plen--;
        }
    }
    if (!count) {
        free(v);
        return NULL;
    }
    /* three columns or more whose names start alike, and no other column does (a grid's
     * Q5_1, Q5_2, ...): their pattern, Q5_* */
    size_t others = 0;
    if (count >= 3 && plen && plen < 64 && !memchr(first, '*', plen) && !memchr(first, '?', plen) &&
        !memchr(first, '[', plen) && !memchr(first, ',', plen) && !memchr(first, ':', plen) &&
        !memchr(first, '"', plen) && first[0] != ' ') {
        for (size_t i = 0; i < shopstat_description_ncols(c->ds); i++)
            others += strncmp(shopstat_description_column(c->ds, i)->name, first, plen) == 0;
        if (others == count)
            k = (size_t)snprintf(v, cap, "%.*s*", (int)plen, first);
    }
    snprintf(v + k, cap - k, ":%s", code);
    return v;
}

/* describe's own global --missing V (codes, comma-separated) in a command of the start:
 * the codes that are no answer in any column the start reads stay global; one that is
 * (--missing 6 for a grid's "Don't know" beside a 0-10 question) goes to the columns where
 * it is not, --missing COLS:6, so that tab takes no answer out and does not warn. */
static void put_own_missing(cmdline *c, const shopstat_suggestion *sg, size_t n, const char *v)
{
    char *safe = malloc(strlen(v) + 1), *copy = malloc(strlen(v) + 1);
    if (!safe || !copy) {
        free(safe);
        free(copy);
        put_arg(c, "--missing", v);
        return;
    }
    strcpy(copy, v);
    size_t k = 0;
    char **per = calloc(strlen(v) + 1, sizeof *per);
    size_t nper = 0;
    for (char *code = copy, *next; per && code; code = next) {
        next = strchr(code, ',');
        if (next)
            *next++ = '\0';
        char *cv = answered_in(c, sg, n, code, 0) ? columns_value(c, sg, n, code, 0) : NULL;
        if (cv) {
            per[nper++] = cv;
        } else {
            k += (size_t)sprintf(safe + k, "%s%s", k ? "," : "", code);
        }
    }
    if (!nper) /* (nothing moved, or out of memory: as given) */
        put_arg(c, "--missing", v);
    else if (k)
        put_arg(c, "--missing", safe);
    for (size_t j = 0; j < nper; j++) {
        put_arg(c, "--missing", per[j]);
        free(per[j]);
    }
    free(per);
    free(safe);
    free(copy);
}

/* The notes on describe's own global --missing codes that the start gives per column. */
static void note_own_missing(cmdline *c, const shopstat_suggestion *sg, size_t n, int argc,
                             char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *v = strcmp(argv[i], "--missing") == 0 && i + 1 < argc ? argv[++i]
                        : strncmp(argv[i], "--missing=", 10) == 0         ? argv[i] + 10
                                                                          : NULL;
        if (!v || strchr(v, ':') || strchr(v, '"'))
            continue;
        char *copy = malloc(strlen(v) + 1);
        if (!copy)
            return;
        strcpy(copy, v);
        for (char *code = copy, *next; code; code = next) {
            next = strchr(code, ',');
            if (next)
                *next++ = '\0';
            const shopstat_colsummary *in = answered_in(c, sg, n, code, 0);
            char *cv = in ? columns_value(c, sg, n, code, 0) : NULL;
            if (!cv)
                continue;
            fputs("  --missing ", c->out);
            put_word(c->out, cv);
            fprintf(c->out,
                    ": describe's --missing %s, for those columns only: %s is an answer in ", code,
                    code);
            put_word(c->out, in->name);
            fprintf(c->out, " (%g-%g)\n", in->min, in->max);
            free(cv);
        }
        free(copy);
    }
}

/* Whether the command line excludes rows by column name already (--exclude NAME:...). */
static int excluded_by(const char *name, int argc, char **argv)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        const char *v = strcmp(argv[i], "--exclude") == 0 && i + 1 < argc ? argv[i + 1]
                        : strncmp(argv[i], "--exclude=", 10) == 0         ? argv[i] + 10
                                                                          : NULL;
        if (v && strncmp(v, name, n) == 0 && v[n] == ':')
            return 1;
    }
    return 0;
}

/* Qualtrics' Finished column: its index when it holds 0 and 1 (or False and True) and
 * some rows are incomplete responses (0), which have no answers past where they stopped
 * and, in a weighted export, often no weight: analysts leave them out. The value that
 * marks them in *mark and their count in *count; SIZE_MAX when there is no such column
 * or the command line excludes by it already. */
static size_t unfinished_col(const shopstat_description *ds, int argc, char **argv,
                             const char **mark, size_t *count)
{
    for (size_t i = 0; i < shopstat_description_ncols(ds); i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (!c->name || strcasecmp(c->name, "Finished") != 0 || c->nlevels != 2 ||
            excluded_by(c->name, argc, argv))
            continue;
        const char *a = c->levels[0].value, *b = c->levels[1].value;
        int zero_one = strcmp(a, "0") == 0 && strcmp(b, "1") == 0;
        int false_true = (strcasecmp(a, "False") == 0 && strcasecmp(b, "True") == 0) ||
                         (strcasecmp(b, "False") == 0 && strcasecmp(a, "True") == 0);
        if (!zero_one && !false_true)
            continue;
        size_t k = zero_one || strcasecmp(a, "False") == 0 ? 0 : 1;
        *mark = c->levels[k].value;
        *count = c->levels[k].count;
        return i;
    }
    return SIZE_MAX;
}

/* The weight the start gives (the command line's or the guessed one) when some of its
 * cells are blank and nothing excludes by it: tab stops at the first such row. */
static const shopstat_colsummary *blank_weight(const shopstat_description *ds,
                                               const shopstat_suggestion *sg, size_t n, int argc,
                                               char **argv)
{
    for (size_t i = 0; i < n; i++) {
        if (sg[i].kind != SHOPSTAT_SUGGEST_WEIGHT)
            continue;
        const shopstat_colsummary *c = shopstat_description_column(ds, sg[i].columns[0]);
        return c->missing && c->present && !excluded_by(c->name, argc, argv) ? c : NULL;
    }
    return NULL;
}

static void put_command(cmdline *c, const char *cmd, const shopstat_suggestion *sg, size_t n,
                        const design_check *dc, int argc, char **argv)
{
    c->col = (size_t)fprintf(c->out, "  shopstat %s", cmd);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            i++;
            continue;
        }
        /* (how to run and show, not what: every core, the terminal's width) */
        if (strcmp(argv[i], "--threads") == 0 || strcmp(argv[i], "--width") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--output=", 9) == 0 || strncmp(argv[i], "--threads=", 10) == 0 ||
            strncmp(argv[i], "--width=", 8) == 0)
            continue;
        /* a flag taking a value keeps it on its line */
        int pair = argv[i][0] == '-' && argv[i][1] == '-' && !strchr(argv[i], '=') &&
                   strcmp(argv[i], "--decimal-comma") != 0 && strcmp(argv[i], "--mse") != 0 &&
                   strcmp(argv[i], "--no-mse") != 0 &&
                   i + 1 < argc;
        const char *mv = pair && strcmp(argv[i], "--missing") == 0 ? argv[i + 1]
                         : strncmp(argv[i], "--missing=", 10) == 0 ? argv[i] + 10
                                                                   : NULL;
        if (mv && !strchr(mv, ':') && !strchr(mv, '"')) {
            put_own_missing(c, sg, n, mv);
            i += pair;
            continue;
        }
        put_arg(c, pair ? argv[i] : NULL, pair ? argv[i + 1] : argv[i]);
        i += pair;
    }
    for (size_t i = 0; i < n; i++) /* the design first */
        if (sg[i].kind == SHOPSTAT_SUGGEST_WEIGHT)
            put_arg(c, suggest_flag[sg[i].kind], sg[i].name);
    /* (without a rule tab stops at the first single-PSU stratum: a start that runs) */
    if (c->lonely)
        put_arg(c, "--lonely-psu", "adjust");
    const char *mark;
    size_t count, fin = unfinished_col(c->ds, argc, argv, &mark, &count);
    if (fin != SIZE_MAX) {
        char v[64];
        snprintf(v, sizeof v, "Finished:%s", mark);
        put_arg(c, "--exclude", v);
    }
    const shopstat_colsummary *bw = blank_weight(c->ds, sg, n, argc, argv);
    if (bw && strlen(bw->name) < 200) {
        char v[208];
        snprintf(v, sizeof v, "%s:NA", bw->name);
        put_arg(c, "--exclude", v);
    }
    if (c->repweights) { /* (else its --reptype is the file's documentation's: the notes) */
        put_arg(c, "--repweights", c->repweights);
        if (c->rho) {
            put_arg(c, "--reptype", "fay");
            put_arg(c, "--rho", c->rho);
        } else if (c->reptype) {
            put_arg(c, "--reptype", c->reptype);
        }
    }
    for (int r = 0; r < NROLES; r++)
        if (dc->ok[r])
            put_arg(c, suggest_flag[sg[dc->idx[r]].kind], sg[dc->idx[r]].name);
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

/* A code of one digit (a codebook's 9, "don't know"): an answer in most scales, so the start
 * gives it to the columns that list it, --missing SAT:9, never to every column (a weight,
 * a count). */
static int one_digit(const char *code)
{
    return isdigit((unsigned char)code[0]) && !code[1];
}

/* The suggested non-answers, each once (99 in several columns is one --missing 99: it
 * applies to every column), then the end of the command's line. */
static void put_missing(cmdline *c, const shopstat_suggestion *sg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < sg[i].nmissing; j++) {
            if (missing_seen(sg, i, j))
                continue;
            /* a code that is an answer in another question's scale (98 among ages): for its
             * own columns only, or tab would warn and take those answers out */
            const char *code = sg[i].missing[j];
            char *v = answered_in(c, sg, n, code, 1) || one_digit(code)
                          ? columns_value(c, sg, n, code, 1)
                          : NULL;
            put_arg(c, "--missing", v ? v : code);
            free(v);
        }
    fputc('\n', c->out);
}

/* The score --score gives question s: "Q:nps" or "Q:mean", 0 for none (or a name --score
 * would read as QUESTION:MAP, "a:nps", "x: a=b"). */
static const char *score_map(const shopstat_suggestion *s)
{
    if (!scorable(s->name))
        return NULL;
    if (s->kind == SHOPSTAT_SUGGEST_MEASURE) /* (and its median: put_score) */
        return "mean";
    return s->nps ? "nps" : s->rating ? "mean" : NULL;
}

/* Write "--score NAME:MAP" as a flag of the command; a measure's mean, then its median. */
static void put_score(cmdline *c, const shopstat_suggestion *s)
{
    size_t len = strlen(s->name) + 8;
    char *v = malloc(len);
    if (v) {
        snprintf(v, len, "%s:%s", s->name, score_map(s));
        put_arg(c, "--score", v);
        if (s->kind == SHOPSTAT_SUGGEST_MEASURE) {
            snprintf(v, len, "%s:median", s->name);
            put_arg(c, "--score", v);
        }
    }
    free(v);
}

/* Whether a and b share the part of their names before the last '_', '.', ' ' or '-'
 * (Q5_1, Q5_2): one grid's rows. */
static int same_stem(const char *a, const char *b)
{
    const char *sa = NULL, *sb = NULL;
    for (const char *p = a + 1; *p; p++)
        if (strchr("_. -", *p))
            sa = p;
    for (const char *p = b + 1; *p; p++)
        if (strchr("_. -", *p))
            sb = p;
    return sa && sb && sa - a == sb - b && strncmp(a, b, (size_t)(sa - a)) == 0;
}

/* Whether sg[i], a rating scale, continues the grid of sg[i - 1]: a rating of the same K
 * (scored, not the wave) whose name shares its stem. */
static int in_grid(const shopstat_suggestion *sg, size_t i, size_t wave)
{
    return i > 0 && i - 1 != wave && i != wave && sg[i - 1].kind == SHOPSTAT_SUGGEST_VAR &&
           sg[i].kind == SHOPSTAT_SUGGEST_VAR && sg[i - 1].rating == sg[i].rating &&
           score_map(&sg[i - 1]) && score_map(&sg[i]) && same_stem(sg[i - 1].name, sg[i].name);
}

/* How many suggestions from i on make sg[i]'s grid of ratings (1 at least). */
static size_t grid_len(const shopstat_suggestion *sg, size_t n, size_t i, size_t wave)
{
    size_t k = 1;
    while (i + k < n && in_grid(sg, i + k, wave))
        k++;
    return k;
}

/* "NAME:MAP" as one shell word, for a note. */
static void put_score_word(FILE *out, const shopstat_suggestion *s)
{
    size_t len = strlen(s->name) + 6;
    char *v = malloc(len);
    if (v) {
        snprintf(v, len, "%s:%s", s->name, score_map(s));
        put_word(out, v);
    }
    free(v);
}

/* A multi-select question of two header rows: the columns of its question it leaves out
 * (SurveyMonkey's "Other (please specify)", whose cells hold what was typed, not a tick),
 * each on a line, by its option's label, with the part of the pattern that leaves it out. */
static void put_left_out(FILE *out, const shopstat_description *ds, const shopstat_suggestion *s)
{
    const shopstat_colsummary *c0 = shopstat_description_column(ds, s->columns[0]);
    if (!c0->label)
        return;
    size_t qlen = strlen(c0->name) - strlen(c0->label);
    size_t nc = shopstat_description_ncols(ds);
    const char *tail = s->pattern ? strrchr(s->pattern, '/') : NULL;
    for (size_t j = s->columns[0]; j < nc; j++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, j);
        if (!c->label || strlen(c->name) - strlen(c->label) != qlen ||
            strncmp(c->name, c0->name, qlen) != 0)
            break;
        int in = 0;
        for (size_t k = 0; k < s->ncolumns && !in; k++)
            in = s->columns[k] == j;
        if (in)
            continue;
        fprintf(out, "  --multi-ticked %s: %s%s%sleaves out its option '", s->name,
                tail ? "the pattern's " : "", tail ? tail + 2 : "", tail ? " " : "");
        put_cell(out, c->label, 0);
        fprintf(out, "', which holds %s, not a tick (one text or 1)\n",
                c->type == SHOPSTAT_COL_EMPTY ? "nothing" : "several texts");
    }
}

/* A ticked or codes question many rows answering others tick none of (over 5% of the
 * rows answering): one line saying they are out of its base, and the flag that puts them
 * in (the choice is the analyst's: was the question shown to them?). */
static void put_none_in_base(FILE *out, const shopstat_description *ds,
                             const shopstat_suggestion *s)
{
    if (s->kind != SHOPSTAT_SUGGEST_MULTI_TICKED && s->kind != SHOPSTAT_SUGGEST_CODES)
        return;
    for (size_t j = 0; j < s->ncolumns; j++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, s->columns[j]);
        if (s->columns[j] != s->columns[0] + j)
            return; /* (not columns describe counted together) */
        for (size_t l = 0; s->kind == SHOPSTAT_SUGGEST_MULTI_TICKED && l < c->nlevels; l++)
            if (strcmp(c->levels[l].value, "0") == 0)
                return; /* (a 0 is no tick: describe counted it as a value) */
    }
    size_t none, answering = shopstat_description_rows_answering(ds);
    if (!shopstat_description_none_rows(ds, s->columns[0], s->ncolumns, &none) ||
        none * 20 <= answering)
        return;
    size_t idle = shopstat_description_rows_used(ds) - answering;
    fprintf(out,
            "  --none-in-base %s: %zu of the %zu rows holding answers (%.1f%%) %s: out "
            "of its base by default, in it with this flag (if it applied to them",
            s->name, none, answering, 100.0 * (double)none / (double)answering,
            s->kind == SHOPSTAT_SUGGEST_CODES ? "leave its codes blank"
                                              : "tick none of its options");
    if (idle)
        fprintf(out,
                "; the flag puts in too the %zu row%s holding nothing but the columns every "
                "row fills",
                idle, idle == 1 ? "" : "s");
    fputs(")\n", out);
}

/* The recognised text scale of single-choice suggestion s's column (shopstat_scale_
 * recognise over its values, all of them listed): its name, with order[] (the column's
 * nlevels) the values in scale order; NULL when it holds none or is no single column. */
static const char *text_scale(const shopstat_description *ds, const shopstat_suggestion *s,
                              size_t **order)
{
    *order = NULL;
    if (s->kind != SHOPSTAT_SUGGEST_VAR || s->ncolumns != 1)
        return NULL;
    return column_scale(shopstat_description_column(ds, s->columns[0]), order);
}

/* --levels Q:V1,V2,... for a column holding a recognised text scale, in its order (tab
 * sorts it so by default: the flag shows the order, for the user to check or change). */
static void put_scale_levels(cmdline *c, const shopstat_suggestion *sg, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t *order;
        if (!text_scale(c->ds, &sg[i], &order))
            continue;
        const shopstat_colsummary *col = shopstat_description_column(c->ds, sg[i].columns[0]);
        size_t len = strlen(sg[i].name) + 2;
        for (size_t l = 0; l < col->nlevels; l++)
            len += 2 * strlen(col->levels[l].value) + 4;
        char *v = malloc(len);
        if (v) {
            size_t k = (size_t)snprintf(v, len, "%s:", sg[i].name);
            for (size_t l = 0; l < col->nlevels; l++) {
                k += (size_t)snprintf(v + k, len - k, "%s", l ? "," : "");
                k += put_item(v + k, len - k, col->levels[order[l]].value);
            }
            put_arg(c, "--levels", v);
        }
        free(v);
        free(order);
    }
}

/* What the start takes a recognised text scale's values for: its order, and the answers
 * outside it (Don't know: an answer, in the base, kept out of a Likert chart's bars). */
static void note_scale_levels(FILE *out, const shopstat_description *ds,
                              const shopstat_suggestion *s)
{
    size_t *order;
    const char *scale = text_scale(ds, s, &order);
    if (!scale)
        return;
    const shopstat_colsummary *col = shopstat_description_column(ds, s->columns[0]);
    fputs("  --levels ", out);
    put_word(out, s->name);
    fprintf(out, ": a text scale (%s), low end first: tab sorts it so without the flag", scale);
    size_t nn = 0;
    for (size_t l = 0; l < col->nlevels; l++) {
        const char *v = col->levels[order[l]].value;
        if (!shopstat_scale_nonsubstantive(v))
            continue;
        fputs(nn ? ", '" : "; non-substantive: '", out);
        put_cell(out, v, 0);
        fputc('\'', out);
        nn++;
    }
    if (nn)
        fprintf(out,
                " (answers, in the base and after the scale, not in a Likert chart's "
                "bars: --missing leaves %s out)",
                nn == 1 ? "it" : "them");
    fputc('\n', out);
    free(order);
}

/* A public-use file's replicate weights (shopstat_describe_repweights_guess) beside the
 * weight, and what their values say of the method: each replicate weight is the full-sample
 * weight times a factor, rho and 2 - rho for Fay's BRR (Judkins 1990; R's svrepdesign
 * rho, whose scale is 1/(R (1 - rho)^2), as.svrepdesign's fay.rho), 0 and 2 for BRR and the
 * paired jackknife (JK2 also 1), 0 and n/(n - 1) for JK1, 1 - 1/sqrt(2), 1 and
 * 1 + 1/sqrt(2) for the ACS's successive differences (Fay and Train 1995), so the replicates'
 * smallest and largest values against the weight's tell Fay's rho, or SDR where that rho
 * would be 1 - 1/sqrt(2) (the ACS's factors: a Fay design with that rho is rare). */
typedef struct rep_guess {
    size_t R, first;
    char prefix[128];
    double lo, hi;   /* the replicate weights' smallest and largest values */
    double wlo, whi; /* the weight's, when wname */
    const char *wname;
    char rho[32]; /* the rho both ends fit (to 1e-9), or "" */
    int sdr;      /* both ends fit 1 -/+ 1/sqrt(2) (then rho is "") */
    int jk1;      /* the ends are 0 and the weight's times R/(R - 1): one of R groups left
                   * out of each replicate (JK1; a JKn stratum's n_h/(n_h - 1) is larger) */
    double rounded; /* the step the ends fit to (1: whole numbers), 0 when they fit exactly */
} rep_guess;

/* The step u = 10^-k (k = 0..6, the fewest decimals) of which x is a multiple, or 0. */
static double decimal_step(double x)
{
    double u = 1;
    for (int k = 0; k <= 6; k++, u /= 10) {
        double q = x / u;
        if (fabs(q - nearbyint(q)) <= 1e-6)
            return u;
    }
    return 0;
}

/* Replicate weights shipped rounded (the ACS's PWGTP1..80 are whole numbers): the ends are
 * the weight's ends times rho and 2 - rho only to half the step u they are written to, so
 * rho lies in [(lo - u/2) / wlo, (lo + u/2) / wlo] and in [2 - (hi + u/2) / whi,
 * 2 - (hi - u/2) / whi]. Both holding 1 - 1/sqrt(2): sdr; else the rho of fewest decimals
 * (up to 4) in both: Fay's. g->rounded is set to u. */
static void rounded_factors(rep_guess *g)
{
    double ulo = decimal_step(g->lo), uhi = decimal_step(g->hi);
    double u = ulo > uhi ? ulo : uhi;
    if (!(u > 0))
        return;
    double a = fmax((g->lo - u / 2) / g->wlo, 2 - (g->hi + u / 2) / g->whi);
    double b = fmin((g->lo + u / 2) / g->wlo, 2 - (g->hi - u / 2) / g->whi);
    a -= 1e-12;
    b += 1e-12;
    if (!(a <= b) || !(b > 0) || !(a < 1))
        return;
    g->rounded = u;
    if (1 - sqrt(0.5) >= a && 1 - sqrt(0.5) <= b) {
        g->sdr = 1;
        return;
    }
    double f = 1;
    for (int k = 1; k <= 4; k++) {
        f *= 10;
        double r = ceil(a * f) / f; /* the smallest of k decimals in [a, b] */
        if (r <= b && r > 0 && r < 1) {
            snprintf(g->rho, sizeof g->rho, "%.*f", k, r);
            return;
        }
    }
    g->rounded = 0;
}

static int guess_replicates(const shopstat_description *ds, const cli_data_opts *o,
                            const shopstat_suggestion *sg, size_t n, rep_guess *g)
{
    memset(g, 0, sizeof *g);
    const shopstat_design_opts *d = &o->design;
    size_t plen = 0;
    if (d->repweights || d->strata || d->psu || d->fpc ||
        !(g->R = shopstat_describe_repweights_guess(ds, &g->first, &plen)) ||
        plen >= sizeof g->prefix)
        return 0;
    /* a grid of ratings with no item skipped (Q5_1 ... Q5_4, codes 1-5) is no set of
     * replicate weights: the start reads it as ratings */
    for (size_t i = 0; i < n; i++)
        if (sg[i].kind == SHOPSTAT_SUGGEST_VAR && sg[i].columns[0] == g->first &&
            (sg[i].rating || sg[i].nps))
            return 0;
    const char *name = shopstat_description_column(ds, g->first)->name;
    memcpy(g->prefix, name, plen);
    g->prefix[plen] = '\0';
    if (strpbrk(g->prefix, ",=\"") || g->prefix[0] == '-')
        return 0;
    for (size_t k = 0; k < g->R; k++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, g->first + k);
        g->lo = k == 0 || c->min < g->lo ? c->min : g->lo;
        g->hi = k == 0 || c->max > g->hi ? c->max : g->hi;
    }
    const shopstat_colsummary *w = NULL;
    for (size_t i = 0; i < shopstat_description_ncols(ds) && !w; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (c->name && (d->weight ? strcmp(c->name, d->weight) == 0 : 0))
            w = c;
    }
    for (size_t i = 0; i < n && !w && !d->weight; i++)
        if (sg[i].kind == SHOPSTAT_SUGGEST_WEIGHT)
            w = shopstat_description_column(ds, sg[i].columns[0]);
    if (w && w->all_numeric && w->min > 0) {
        g->wname = w->name;
        g->wlo = w->min;
        g->whi = w->max;
        double rho = g->lo / g->wlo, rho2 = 2 - g->hi / g->whi;
        if (rho > 0 && rho < 1 && fabs(rho - rho2) <= 1e-9 * (1 + rho)) {
            if (fabs(rho - (1 - sqrt(0.5))) <= 1e-9)
                g->sdr = 1;
            else
                snprintf(g->rho, sizeof g->rho, "%.6g", rho);
        } else if (g->lo > 0)
            rounded_factors(g);
        double f = (double)g->R / (double)(g->R - 1), u = decimal_step(g->hi);
        if (g->lo == 0 && fabs(g->hi - g->whi * f) <= (u > 0 ? u / 2 : 0) + 1e-9 * g->hi)
            g->jk1 = 1;
    }
    return 1;
}

static void note_replicates(FILE *out, const shopstat_description *ds, const rep_guess *g)
{
    char a[64], b[64], c[64], d[64];
    fprintf(out,
            "  --repweights %s: %zu columns %s to %s, named and valued like replicate "
            "weights (a public-use file's variances come from them, not from strata and "
            "PSUs)\n",
            g->prefix, g->R, shopstat_description_column(ds, g->first)->name,
            shopstat_description_column(ds, g->first + g->R - 1)->name);
    if (g->wname)
        fprintf(out, "      their values run from %s to %s, %s's from %s to %s: ",
                num(a, sizeof a, g->lo), num(b, sizeof b, g->hi), g->wname,
                num(c, sizeof c, g->wlo), num(d, sizeof d, g->whi));
    else
        fprintf(out, "      their values run from %s to %s: ", num(a, sizeof a, g->lo),
                num(b, sizeof b, g->hi));
    char rounding[96] = "";
    if (g->rounded >= 1)
        snprintf(rounding, sizeof rounding, " (as far as their rounding to whole numbers shows)");
    else if (g->rounded > 0)
        snprintf(rounding, sizeof rounding, " (as far as their rounding to %s shows)",
                 num(c, sizeof c, g->rounded));
    if (g->sdr)
        fprintf(out,
                "the weight times %s and %s%s, 1 - 1/sqrt(2) and 1 + 1/sqrt(2), the ACS's "
                "successive-difference factors: --reptype sdr (scale 4/R, variances about the "
                "full-sample estimate; Fay's BRR with rho 0.292893 has the same ends: check the "
                "file's documentation)\n",
                num(a, sizeof a, 1 - sqrt(0.5)), num(b, sizeof b, 1 + sqrt(0.5)), rounding);
    else if (g->rho[0])
        fprintf(out,
                "the weight times %s and %s%s, Fay's factors rho and 2 - rho: --reptype "
                "fay --rho %s (check the file's documentation)\n",
                num(a, sizeof a, atof(g->rho)), num(b, sizeof b, 2 - atof(g->rho)), rounding,
                g->rho);
    else if (g->jk1)
        fprintf(out,
                "some are 0 and the largest is the weight's times %s, R/(R - 1) for R = %zu: "
                "JK1's factors (one of R groups left out of each replicate): --reptype jk1 "
                "(scale (R - 1)/R; check the file's documentation)\n",
                num(a, sizeof a, (double)g->R / (double)(g->R - 1)), g->R);
    else if (g->lo < 0) {
        char neg[400];
        size_t kneg = negative_replicates(ds, NULL, g->first, g->R, neg, sizeof neg);
        fprintf(out,
                "%zu replicate column%s negative values (%s): normal for calibrated replicate "
                "weights (the ACS's have them), which R and tab take as they are\n      add the "
                "--reptype the file's documentation names: brr or jk2 (the weight times 0 or 2; "
                "jk2 also 1), fay --rho R (times rho or 2 - rho, never 0), jk1, jkn --rscales, "
                "bootstrap, sdr (ACS)\n",
                kneg, kneg == 1 ? " holds" : "s hold", neg);
    } else
        fprintf(out,
                "%s\n      add the --reptype the file's documentation names: brr or jk2 "
                "(the weight times 0 or 2; jk2 also 1), fay --rho R (times rho or 2 - rho, "
                "never 0), jk1, jkn --rscales, bootstrap, sdr (ACS)\n",
                g->lo == 0 ? "some replicate weights are 0 (a PSU left out: not Fay's BRR)"
                           : "no replicate weight is 0 (Fay's BRR or sdr, not brr or a "
                             "jackknife)");
    fprintf(out, "      --mse when it says variances are taken about the full-sample estimate, "
                 "--no-mse about the replicates' mean (defaults: sdr --mse, as the Census "
                 "Bureau's; the others --no-mse, as R's)\n");
}

/* describe's own --codes-sep (in the start already: no other is proposed), or 0. */
static char given_codes_sep(int argc, char **argv)
{
    char codes_sep = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = strncmp(argv[i], "--codes-sep=", 12) == 0             ? argv[i] + 12
                        : strcmp(argv[i], "--codes-sep") == 0 && i + 1 < argc ? argv[i + 1]
                                                                              : NULL;
        if (v)
            cli_codes_sep(v, &codes_sep);
    }
    return codes_sep;
}

/* The tab command's questions (the design's and the wave's columns are put apart, and Finished
 * and Progress when fin, the Finished column, takes out the incomplete responses), and the
 * first --codes-sep a codes column needs when *codes_sep is none yet. */
static void put_questions(cmdline *c, const shopstat_description *ds, const shopstat_suggestion *sg,
                          size_t n, size_t wave, size_t fin, char *codes_sep)
{
    for (size_t i = 0; i < n; i++) {
        const shopstat_suggestion *s = &sg[i];
        if (s->kind == SHOPSTAT_SUGGEST_WEIGHT || design_kind(s->kind) ||
            s->kind == SHOPSTAT_SUGGEST_MEASURE || i == wave)
            continue;
        /* (Qualtrics' Finished and Progress, once the incomplete responses are out, are
         * no questions: every row kept is finished, at 100%) */
        if (s->kind == SHOPSTAT_SUGGEST_VAR && fin != SIZE_MAX &&
            (s->columns[0] == fin || strcasecmp(s->name, "Progress") == 0))
            continue;
        if (s->kind == SHOPSTAT_SUGGEST_MULTI || s->kind == SHOPSTAT_SUGGEST_MULTI_TICKED) {
            char *v = set_value(ds, s);
            if (v)
                put_arg(c, suggest_flag[s->kind], v);
            free(v);
        } else if (s->kind == SHOPSTAT_SUGGEST_CODES) {
            size_t len = 2 * strlen(s->name) + 2;
            char *v = malloc(len);
            if (v) {
                snprintf(v, len, "%s=%s", s->name, s->name);
                put_arg(c, suggest_flag[s->kind], v);
            }
            free(v);
            if (s->sep && !*codes_sep) {
                /* (one --codes-sep for the command: the first column's that needs one) */
                char sv[2] = {s->sep, '\0'};
                put_arg(c, "--codes-sep", sv);
                *codes_sep = s->sep;
            }
        } else {
            put_arg(c, suggest_flag[s->kind], s->name);
        }
    }
}

/* The note on each non-answer code of suggestion i, at the first column that lists it. */
static void note_missing(cmdline *c, const shopstat_suggestion *sg, size_t n, size_t i)
{
    FILE *out = c->out;
    const shopstat_suggestion *s = &sg[i];
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
        const shopstat_colsummary *in = answered_in(c, sg, n, s->missing[j], 1);
        int digit = one_digit(s->missing[j]);
        char *cv = in || digit ? columns_value(c, sg, n, s->missing[j], 1) : NULL;
        fprintf(out, "  --missing ");
        put_word(out, cv ? cv : s->missing[j]);
        free(cv);
        fprintf(out, ": %s among ",
                isdigit((unsigned char)s->missing[j][s->missing[j][0] == '-']) ? "a non-answer code"
                                                                               : "a text");
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
        if (in) {
            fprintf(out, " (for those columns only: it is an answer in ");
            put_word(out, in->name);
            fprintf(out, " (%g-%g))\n", in->min, in->max);
        } else if (digit) {
            fprintf(out,
                    " (for %s only: a codebook's \"don't know\" after a short scale, "
                    "and an answer in most other scales)\n",
                    nwith ? "those columns" : "that column");
        } else {
            fprintf(out, " (--missing applies to every column)\n");
        }
    }
}

/* Suggestion i's score lines: an NPS for a 0-10 column, a mean for a rating scale (one line
 * for a grid of them). */
static void note_score(FILE *out, const shopstat_description *ds, const shopstat_suggestion *sg,
                       size_t n, size_t i, size_t wave)
{
    const shopstat_suggestion *s = &sg[i];
    if (s->kind == SHOPSTAT_SUGGEST_MEASURE) {
        const shopstat_colsummary *mc = shopstat_description_column(ds, s->columns[0]);
        char lo[40], hi[40];
        if (!scorable(s->name)) {
            fputs("  ", out);
            put_word(out, s->name);
            fputs(": numbers, a measure? --score would read its name as QUESTION:MAP: rename "
                  "the column\n",
                  out);
            return;
        }
        fputs("  --score ", out);
        put_score_word(out, s);
        fputs(" --score ", out);
        size_t len = strlen(s->name) + 8;
        char *v = malloc(len);
        if (v) {
            snprintf(v, len, "%s:median", s->name);
            put_word(out, v);
        }
        free(v);
        fprintf(
            out,
            ": %s%zu distinct numbers from %s to %s, a measure (a time, an amount, an age)? its "
            "mean and its median, each with its interval\n",
            mc->distinct_capped ? "more than " : "", mc->distinct, num(lo, sizeof lo, mc->min),
            num(hi, sizeof hi, mc->max));
        return;
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
    if (s->rating && i != wave && score_map(s) && !in_grid(sg, i, wave)) {
        size_t k = grid_len(sg, n, i, wave);
        fputs("  --score ", out);
        put_score_word(out, s);
        if (k > 1) {
            fputs(" ... ", out);
            put_score_word(out, &sg[i + k - 1]);
        }
        const char *text = shopstat_description_column(ds, s->columns[0])->text;
        if (k == 1 && text) { /* (a Qualtrics question's text: 60 bytes of it at most) */
            char shown[72];
            size_t len = strlen(text) > 60 ? 60 : strlen(text);
            while (len < strlen(text) && len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
                len--;
            snprintf(shown, sizeof shown, "%.*s%s", (int)len, text,
                     len < strlen(text) ? "..." : "");
            fprintf(out, ": codes 1 to %d ('", s->rating);
            put_cell(out, shown, 0);
            fputs("'), a rating scale? its mean\n", out);
        } else if (k == 1)
            fprintf(out, ": codes 1 to %d, a rating scale? its mean\n", s->rating);
        else
            fprintf(out,
                    ": codes 1 to %d in each of %zu columns, a grid of ratings? their "
                    "means\n",
                    s->rating, k);
        size_t full, straight;
        if (k >= 3 && shopstat_description_straight_rows(ds, s->columns[0], k, &full, &straight) &&
            straight) {
            const char *first = shopstat_description_column(ds, s->columns[0])->name;
            const char *last = shopstat_description_column(ds, s->columns[0] + k - 1)->name;
            char grid[600];
            fputs("  ", out);
            put_word(out, first);
            fputs(" ... ", out);
            put_word(out, last);
            fprintf(out,
                    ": %zu of the %zu rows answering all %zu give every item the same answer "
                    "(straight-liners?):\n    --exclude ",
                    straight, full, k);
            snprintf(grid, sizeof grid, "%.250s..%.250s:same", first, last);
            put_word(out, grid);
            fputs(" leaves them out, counted under its reason", out);
            if (is_ident(first) && is_ident(last)) {
                fputs(" (a spec's exclude:\n    [{where: ", out);
                snprintf(grid, sizeof grid, "%.250s..%.250s same", first, last);
                put_word(out, grid);
                fputs(", reason: straight-liners}])", out);
            }
            fputs("\n", out);
        }
    }
}

/* The commands to start from: tab with describe's own flags (but -o) and the questions
 * the columns suggest, and score for the 0-10 questions' NPS and the rating scales'
 * means; nothing when they suggest none. */
/* The columns of whole numbers the start takes for no measure by their values alone
 * (shopstat_describe_code_evidence: a leading 0, one width of 4 digits or more seldom
 * rounded, 4 and 5 digits seldom rounded, or 3 digits numbered through), each with why, so that a
 * measure mistaken for codes can be given by hand; not an identifier's (nearly every value
 * distinct) nor years' or dates'. */
static void note_codes(FILE *out, const shopstat_description *ds)
{
    char a[64], b[64];
    for (size_t i = 0; i < shopstat_description_ncols(ds); i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        shopstat_code_evidence e = shopstat_describe_code_evidence(c);
        if (c->type != SHOPSTAT_COL_NUMERIC || !(c->min < c->max) ||
            (e != SHOPSTAT_CODE_ZEROS && e != SHOPSTAT_CODE_WIDTH && e != SHOPSTAT_CODE_STRIPPED &&
             e != SHOPSTAT_CODE_SERIAL) ||
            (!c->distinct_capped && c->distinct * 20 >= c->present * 19) ||
            (c->min >= 1900 && c->max <= 2100) || (c->min >= 19000101 && c->max <= 21001231))
            continue; /* (years and dates are no measure either way) */
        fputs("  ", out);
        put_cell(out, c->name, 0);
        if (e == SHOPSTAT_CODE_ZEROS)
            fprintf(out,
                    ": numbers written with a leading 0 in %zu row%s (as 01000): codes, "
                    "postcodes or a product's? not proposed as a measure\n",
                    c->leading_zero, c->leading_zero == 1 ? "" : "s");
        else if (e == SHOPSTAT_CODE_STRIPPED)
            fprintf(out,
                    ": whole numbers of 4 and 5 digits (%s to %s), only %.0f%% of them "
                    "multiples of 10: a 5-digit code whose leading 0 a spreadsheet dropped "
                    "(01067 read as 1067), a postcode? not proposed as a measure\n",
                    num(a, sizeof a, c->min), num(b, sizeof b, c->max),
                    100.0 * (double)c->tens / (double)c->present);
        else if (e == SHOPSTAT_CODE_SERIAL)
            fprintf(out,
                    ": whole numbers of 3 digits each (%s to %s), %zu of them spread evenly "
                    "over that range, only %.0f%% multiples of 10: numbered through, a store's "
                    "or a branch's? not proposed as a measure\n",
                    num(a, sizeof a, c->min), num(b, sizeof b, c->max), c->distinct,
                    100.0 * (double)c->tens / (double)c->present);
        else
            fprintf(out,
                    ": whole numbers of %zu digits each (%s to %s), only %.0f%% of them "
                    "multiples of 10 (amounts that size are mostly rounded): codes, a store's "
                    "or a postcode? not proposed as a measure\n",
                    c->digits_min, num(a, sizeof a, c->min), num(b, sizeof b, c->max),
                    100.0 * (double)c->tens / (double)c->present);
    }
}

static void print_suggestions(FILE *out, const char *data, const shopstat_description *ds,
                              const cli_data_opts *o, const shopstat_plan *xp, int argc,
                              char **argv)
{
    shopstat_suggestion *sg = NULL;
    size_t n = 0;
    shopstat_error err;
    shopstat_status st = shopstat_describe_suggest(ds, &o->design, &sg, &n, &err);
    if (st == SHOPSTAT_ENOMEM) /* (said, as the sums' "not computed": not left out silently) */
        fprintf(out, "\na start: not computed (out of memory)\n");
    if (st || n == 0) {
        shopstat_suggestions_free(sg, n);
        return;
    }
    int weighted = o->design.weight != NULL;
    for (size_t i = 0; i < n; i++)
        weighted |= sg[i].kind == SHOPSTAT_SUGGEST_WEIGHT;
    design_check dc;
    check_design(data, o, xp, ds, sg, n, weighted, &dc);
    int proposed = dc.ok[ROLE_STRATA] || dc.ok[ROLE_PSU] || dc.ok[ROLE_FPC];
    fprintf(out, "\na start (questions guessed from the columns' names and values; check "
                 "them):\n");
    rep_guess rg;
    int reps = !proposed && guess_replicates(ds, o, sg, n, &rg);
    cmdline c = {out,
                 0,
                 ds,
                 o->csv.decimal_comma,
                 reps ? rg.prefix : NULL,
                 reps && rg.rho[0] ? rg.rho : NULL,
                 !reps ? NULL : rg.sdr ? "sdr" : rg.jk1 ? "jk1" : NULL,
                 0};
    const shopstat_design_summary *gd = shopstat_description_design(ds);
    c.lonely = gd && gd->single_psu_strata && o->design.lonely == SHOPSTAT_LONELY_FAIL;
    put_command(&c, "tab", sg, n, &dc, argc, argv);
    size_t wave = wave_of(sg, n);
    char codes_sep = given_codes_sep(argc, argv);
    const char given_sep = codes_sep;
    const char *fin_mark;
    size_t fin_count, fin = unfinished_col(ds, argc, argv, &fin_mark, &fin_count);
    put_questions(&c, ds, sg, n, wave, fin, &codes_sep);
    put_scale_levels(&c, sg, n);
    put_missing(&c, sg, n);
    size_t nscores = 0;
    for (size_t i = 0; i < n; i++)
        nscores += i != wave && score_map(&sg[i]) != NULL;
    if (nscores) {
        put_command(&c, "score", sg, n, &dc, argc, argv);
        for (size_t i = 0; i < n; i++)
            if (i != wave && score_map(&sg[i]))
                put_score(&c, &sg[i]);
        put_missing(&c, sg, n);
    }
    note_own_missing(&c, sg, n, argc, argv);
    if (fin != SIZE_MAX)
        fprintf(out,
                "  --exclude Finished:%s: %zu incomplete response%s (Qualtrics' Finished %s), "
                "out of the data and the design, as analysts take finished ones; drop it to "
                "keep them\n",
                fin_mark, fin_count, fin_count == 1 ? "" : "s", fin_mark);
    if (c.lonely) {
        char names[200];
        lonely_names(gd, names, sizeof names);
        fprintf(out,
                "  --lonely-psu adjust: %zu strat%s (%s) hold%s a single %s, where tab stops "
                "without a rule; adjust centres it at the grand mean (R's survey.lonely.psu, "
                "conservative); or remove, certainty, average (docs/methods.md)\n",
                gd->single_psu_strata, gd->single_psu_strata == 1 ? "um" : "a", names,
                gd->single_psu_strata == 1 ? "s" : "", gd->has_psu ? "PSU" : "row");
    }
    const shopstat_colsummary *bw = blank_weight(ds, sg, n, argc, argv);
    if (bw && strlen(bw->name) < 200) {
        fprintf(out,
                "  --exclude %s:NA: %zu row%s without a weight%s (tab stops at one, as R's "
                "svydesign)\n",
                bw->name, bw->missing, bw->missing == 1 ? "" : "s",
                fin != SIZE_MAX ? ", some of them incomplete responses perhaps" : "");
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_suggestion *s = &sg[i];
        note_scale_levels(out, ds, s);
        if (s->kind == SHOPSTAT_SUGGEST_WEIGHT) {
            /* (one value in every row: a self-weighting sample, whose estimates the weight
             * leaves as they are; said, lest it be read as a weighting done) */
            const shopstat_colsummary *wc = shopstat_description_column(ds, s->columns[0]);
            char one[96] = "", w1[40];
            if (wc->all_numeric && wc->min == wc->max && !wc->missing)
                snprintf(one, sizeof one,
                         "; %s in every row: percentages and means are those without it",
                         num(w1, sizeof w1, wc->min));
            fprintf(out, "  --weight %s: named like a weight%s%s\n", s->name, one,
                    proposed ? ""
                    : reps   ? " (the full-sample weight of the replicate weights)"
                             : " (add --strata and --psu for a clustered sample)");
        }
        if (s->kind == SHOPSTAT_SUGGEST_WEIGHT && reps)
            note_replicates(out, ds, &rg);
        if (s->kind == SHOPSTAT_SUGGEST_CODES && s->sep && s->sep == codes_sep && !given_sep) {
            fprintf(out, "  --codes-sep '%c': ", s->sep);
            put_word(out, s->name);
            fprintf(out,
                    "'s cells are labels joined by '%c'%s (--multi-codes splits at ';' "
                    "and ',' by default)\n",
                    s->sep,
                    shopstat_description_column(ds, s->columns[0])->label_comma
                        ? ", some holding a ',' that is no separator"
                        : "");
        }
        if (design_kind(s->kind)) {
            int r = (int)(s->kind - SHOPSTAT_SUGGEST_STRATA);
            char why[160];
            if (s->population) /* (N_secteur beside secteur) */
                snprintf(why, sizeof why,
                         s->kind == SHOPSTAT_SUGGEST_FPC ? "the population size of each %s"
                                                         : "%s holds a population size for each of its values",
                         shopstat_description_column(ds, s->pair_column)->name);
            else
                snprintf(why, sizeof why, "named like %s", role_what[r]);
            if (dc.ok[r]) {
                fprintf(out, "  %s ", suggest_flag[s->kind]);
                put_word(out, s->name);
                fprintf(out, ": %s: %s\n", why, dc.note[r]);
            } else {
                fputs("  ", out);
                put_word(out, s->name);
                fprintf(out, ": %s, not proposed: %s\n", why, dc.note[r]);
            }
        }
        if (i == wave) {
            fprintf(out, "  --by ");
            put_word(out, s->name);
            fprintf(out,
                    ": %s: every estimate per wave too (compare's "
                    "--pair ",
                    s->wave > 1 ? "named like a survey wave"
                                : "its values name periods, like a survey wave's");
            put_word(out, s->name);
            fprintf(out, ":rest tests each wave against the others)\n");
        }
        note_missing(&c, sg, n, i);
        if (s->kind == SHOPSTAT_SUGGEST_MULTI_TICKED)
            put_left_out(out, ds, s);
        put_none_in_base(out, ds, s);
        note_score(out, ds, sg, n, i, wave);
    }
    note_codes(out, ds);
    shopstat_suggestions_free(sg, n);
}

/* The start of a file whose first row of data is question texts: described again with one
 * more row skipped, and its commands given that --skip-rows. 0 when written, else 1 (the
 * caller gives the start as read). */
static int start_skipping(FILE *out, const char *data, const cli_data_opts *o,
                          const shopstat_pass_opts *po, const shopstat_plan *xp, int argc,
                          char **argv)
{
    cli_data_opts o2 = *o; /* (shallow: o keeps what it owns) */
    o2.csv.skip_rows++;
    char skip[32];
    snprintf(skip, sizeof skip, "%zu", o2.csv.skip_rows);
    char **av = malloc(((size_t)argc + 2) * sizeof *av);
    shopstat_reader *r = NULL;
    shopstat_description *ds = NULL;
    shopstat_error err;
    int ac = 0, rc = 1;
    if (!av)
        return 1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--skip-rows") == 0 && i + 1 < argc) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--skip-rows=", 12) == 0)
            continue;
        av[ac++] = argv[i];
        if (argv[i] == data) { /* (the flag right after the file) */
            av[ac++] = "--skip-rows";
            av[ac++] = skip;
        }
    }
    if (shopstat_reader_open(data, &o2.csv, &r, &err) == SHOPSTAT_OK &&
        shopstat_describe_excluding(r, &o2.design, po, xp, &ds, &err) == SHOPSTAT_OK) {
        print_suggestions(out, data, ds, &o2, xp, ac, av);
        rc = 0;
    }
    shopstat_description_free(ds);
    shopstat_reader_free(r);
    free(av);
    return rc;
}

/* describe's arguments into o, xp (--exclude, --dedupe), *data and *output; 0, or the exit
 * status after a message. */
static int parse_args(int argc, char **argv, cli_data_opts *o, shopstat_plan *xp, const char **data,
                      const char **output, long *width)
{
    int rc = 2;
    static const char *const once[] = {"-o|--output", "--width", NULL};
    if (cli_reject_repeats(argc, argv, cli_data_once) ||
        cli_reject_repeats(argc, argv, cli_design_once) || cli_reject_repeats(argc, argv, once))
        return rc;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = cli_data_opt(o, argc, argv, &i);
        if (m == 0)
            m = cli_design_opt(o, argc, argv, &i);
        if (m < 0) {
            rc = m == -2 ? 1 : 2; /* (-2: out of memory) */
            return rc;
        }
        if (m > 0)
            continue;
        if ((m = cli_flag_value(argc, argv, &i, "--exclude", &v)) != 0) {
            /* (carried into the start by put_command, as given) */
            shopstat_error xerr;
            if (m < 0 || shopstat_plan_parse_exclude(xp, v, &xerr)) {
                rc = m < 0 ? 2 : cli_fail(&xerr);
                return rc;
            }
            continue;
        }
        if ((m = cli_flag_value(argc, argv, &i, "--dedupe", &v)) != 0) {
            /* (carried into the start by put_command, as given) */
            if (m < 0)
                return 2;
            if ((rc = cli_dedupe(xp, v)))
                return rc;
            rc = 2;
            continue;
        }
        if ((m = cli_flag_value(argc, argv, &i, "--codes-sep", &v)) != 0) {
            /* (checked here, carried into the start by put_command) */
            char sep;
            if (m < 0)
                return 2;
            if ((rc = cli_codes_sep(v, &sep)))
                return rc;
            rc = 2;
            continue;
        }
        if ((m = cli_flag_value(argc, argv, &i, "--width", &v)) != 0) {
            if (m < 0 || cli_parse_width(v, width))
                return 2;
            continue;
        }
        if ((m = cli_flag_value(argc, argv, &i, "--output", &v)) != 0 ||
            (m = cli_flag_value(argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                return rc;
            *output = v;
            continue;
        }
        static const char *const calib[] = {"--poststratify", "--population", "--rake",
                                            "--rake-maxit", "--rake-epsilon"};
        size_t ck = 0;
        while (ck < sizeof calib / sizeof calib[0] &&
               !(strcmp(argv[i], calib[ck]) == 0 ||
                 (strncmp(argv[i], calib[ck], strlen(calib[ck])) == 0 &&
                  argv[i][strlen(calib[ck])] == '=')))
            ck++;
        if (ck < sizeof calib / sizeof calib[0]) {
            rc = cli_usage_error(
                "describe: %s is tab's, not describe's: describe shows the design weights "
                "before calibration; to check a population file against the data, run "
                "shopstat tab DATA --var COL with the same flags (its errors name the "
                "file's line)",
                calib[ck]);
            return rc;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            static const char *const own[] = {"--output", "--exclude", "--dedupe", "--width",
                                              "--help", NULL};
            const char *near = cli_closest_flag(argv[i], own);
            if (near)
                rc = cli_usage_error("describe: unknown option '%s' (did you mean %s?)", argv[i],
                                     near);
            else
                rc = cli_usage_error("describe: unknown option '%s' (see 'shopstat help describe')",
                                     argv[i]);
            return rc;
        }
        if (*data) {
            rc = cli_usage_error("describe: one data file only ('%s' and '%s')", *data, argv[i]);
            return rc;
        }
        *data = argv[i];
    }
    if (!*data) {
        rc = cli_usage_error("describe: no data file (usage: shopstat describe DATA [flags])");
        return rc;
    }
    return 0;
}

/* The start of a spreadsheet's export with leftovers describe found (print_no_values): a
 * number column holding "n/a", a totals row. Described again with --missing COL:TEXT and
 * --exclude COL:Total after the file (so the columns' types, levels and design read as they
 * will), and its commands given them. 0 when written, else 1 (the caller gives the start as
 * read). */
static int start_cleaned(FILE *out, const char *data, const shopstat_description *ds,
                         const totals_row *t, const shopstat_pass_opts *po, int argc, char **argv)
{
    size_t n = shopstat_description_ncols(ds), extra = 0;
    /* (a Total cell found in no row of a second read, standard input's: as before, taken) */
    const shopstat_colsummary *total =
        t->col != SIZE_MAX && (t->totals || (t->label && !t->line))
            ? shopstat_description_column(ds, t->col)
            : NULL;
    for (size_t i = 0; i < n; i++) {
        const shopstat_colsummary *s = shopstat_description_column(ds, i);
        extra += s->no_value && s->name && *s->name;
    }
    extra += total != NULL;
    if (!extra)
        return 1;
    char **av = calloc((size_t)argc + 2 * extra, sizeof *av);
    char **made = calloc(extra, sizeof *made);
    size_t nmade = 0;
    int ac = 0, rc = 1;
    cli_data_opts o;
    cli_data_opts_init(&o);
    shopstat_plan *xp = shopstat_plan_new();
    shopstat_reader *r = NULL;
    shopstat_description *d2 = NULL;
    shopstat_error err;
    if (!av || !made || !xp)
        goto done;
    for (int i = 0; i < argc; i++) {
        av[ac++] = argv[i];
        if (argv[i] != data)
            continue;
        /* (right after the file, as start_skipping puts --skip-rows) */
        for (size_t k = 0; k <= n; k++) {
            const shopstat_colsummary *s = k < n ? shopstat_description_column(ds, k) : total;
            const char *v = k < n   ? (s->name && *s->name ? s->no_value : NULL)
                            : total ? t->value
                                    : NULL;
            if (!v)
                continue;
            size_t len = strlen(s->name) + strlen(v) + 2;
            if (!(made[nmade] = malloc(len)))
                goto done;
            snprintf(made[nmade], len, "%s:%s", s->name, v);
            av[ac++] = k < n ? "--missing" : "--exclude";
            av[ac++] = made[nmade++];
        }
    }
    const char *d = NULL, *output = "-";
    long width = -1;
    if (parse_args(ac, av, &o, xp, &d, &output, &width) != 0)
        goto done;
    if (shopstat_reader_open(d, &o.csv, &r, &err) == SHOPSTAT_OK &&
        shopstat_describe_excluding(r, &o.design, po, xp, &d2, &err) == SHOPSTAT_OK) {
        print_suggestions(out, d, d2, &o, xp, ac, av);
        rc = 0;
    }
done:
    shopstat_description_free(d2);
    shopstat_reader_free(r);
    shopstat_plan_free(xp);
    cli_data_opts_free(&o);
    for (size_t k = 0; k < nmade; k++)
        free(made[k]);
    free(made);
    free(av);
    return rc;
}

int cmd_describe(int argc, char **argv)
{
    cli_data_opts o;
    cli_data_opts_init(&o);
    const char *data = NULL, *output = "-";
    int rc = 2;
    /* --exclude: the rows to leave out, as tab's (only the plan's exclusions are read) */
    shopstat_plan *xp = shopstat_plan_new();
    if (!xp) {
        shopstat_error nm;
        shopstat_error_set(&nm, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        rc = cli_fail(&nm);
        goto done;
    }
    long width = -1;
    if ((rc = parse_args(argc, argv, &o, xp, &data, &output, &width)))
        goto done;
    view_width = cli_view_width(width, strcmp(output, "-") == 0);
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
        s = shopstat_describe_excluding(r, &o.design, &po, xp, &ds, &err);
    if (s == SHOPSTAT_OK)
        s = shopstat_outfile_open(output, &of, &err);
    if (s == SHOPSTAT_OK) {
        /* within a width: the view laid out to it (its tables and commands as written),
         * then every line still wider wrapped with a hanging indent (the notes) */
        char *buf = NULL;
        size_t len = 0;
        FILE *fout = shopstat_outfile_stream(of);
        FILE *mem = view_width ? open_memstream(&buf, &len) : NULL;
        FILE *out = mem ? mem : fout;
        texts_probe tp;
        probe_texts_row(data, &o, &tp);
        print_dialect(out, r, &o);
        totals_row tr;
        find_totals_row(data, &o, ds, &tr);
        print_columns(out, r, ds, &tp, &o.design, &tr);
        print_design(out, ds, &o);
        if (rw.R)
            print_replicates(out, ds, &o, &rw);
        print_rows(out, ds);
        if (tp.ntexts ? start_skipping(out, data, &o, &po, xp, argc, argv)
                      : start_cleaned(out, data, ds, &tr, &po, argc, argv))
            print_suggestions(out, data, ds, &o, xp, argc, argv);
        texts_probe_free(&tp);
        if (mem && fclose(mem) == 0)
            shopstat_write_hanging(fout, buf, len, view_width);
        else if (mem)
            s = shopstat_error_set(&err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        free(buf);
        if (s == SHOPSTAT_OK)
            s = shopstat_outfile_commit(of, &err);
        else
            shopstat_outfile_abort(of);
    }
    rc = s == SHOPSTAT_OK ? 0 : cli_fail(&err);
    shopstat_repweights_free(&rw);
    shopstat_description_free(ds);
    shopstat_reader_free(r);
done:
    cli_data_opts_free(&o);
    shopstat_plan_free(xp);
    return rc;
}
