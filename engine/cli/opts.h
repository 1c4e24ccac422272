/* CLI flags shared by the commands that read an export: CSV dialect and survey design columns. */
#ifndef SHOPSTAT_CLI_OPTS_H
#define SHOPSTAT_CLI_OPTS_H

#include "shopstat/describe.h"
#include "shopstat/reader.h"

/* Filled by cli_data_opt(); csv and design are ready for shopstat_reader_open() and
 * shopstat_describe() (strings borrowed from argv or owned here). */
typedef struct cli_data_opts {
    shopstat_csv_opts csv;
    shopstat_design_opts design;
    char *missing_text;    /* owned copy of all --missing values, split in place */
    const char **missing;  /* owned NULL-terminated list pointing into missing_text */
    shopstat_column_missing *colmiss; /* --missing COLS:CODES, one per column (csv's) */
    size_t ncolmiss;
    void **owned; /* their texts and code lists */
    size_t nowned;
    int threads;           /* --threads N; 0 = the pass's default ($SHOPSTAT_THREADS, cores) */
} cli_data_opts;

void cli_data_opts_init(cli_data_opts *o);
void cli_data_opts_free(cli_data_opts *o);

/* Match argv[*i] against "--name" (value in argv[*i + 1]) or "--name=VALUE". Returns 1
 * and sets *val (advancing *i past the value) on a match, 0 if argv[*i] is another
 * flag, -1 after printing a usage error when the value is missing. */
int cli_flag_value(int argc, char **argv, int *i, const char *name, const char **val);

/* If argv[*i] is one of --delimiter --encoding --decimal-comma --skip-rows --header-rows
 * --missing --weight --strata --psu --fpc, consume it (and its value) and return 1; return 0 if it
 * is not; print a usage error and return -1 for a bad or missing value, -2 after "out of
 * memory" (exit 1). Help text for these flags, for the commands' --help: */
int cli_data_opt(cli_data_opts *o, int argc, char **argv, int *i);

/* Flags of cli_data_opt() that take one value (the design's columns, the reading's
 * settings), NULL-terminated, for cli_reject_repeats(). */
extern const char *const cli_data_once[];

/* The same for the design's other flags: --lonely-psu, --mse and the replicate-weight
 * design's --repweights --reptype --rho --repscale --rscales (checked against the file
 * by the pass, or shopstat_repweights_resolve). */
int cli_design_opt(cli_data_opts *o, int argc, char **argv, int *i);
extern const char *const cli_design_once[];
/* A replicate design's flag without --repweights (a forgotten --repweights would otherwise
 * analyse the file as a Taylor design without a word), or with it a flag R's svrepdesign
 * ignores for the --reptype (shopstat_rep_check_options): prints the usage error, returns
 * 2; else 0. */
int cli_design_check(const shopstat_design_opts *d);

/* A flag that takes one value, given twice, is a usage error rather than the last one
 * winning: "--weight wt ... --weight region" would otherwise weight by region without a
 * word. once: NULL-terminated names, "-o|--output" for one flag of several spellings.
 * Returns 0, or 2 after printing the error. */
int cli_reject_repeats(int argc, char **argv, const char *const *once);

/* Before the pass, so that a long run does not end in an error: out (a file, or "-" or
 * NULL for standard output) must not be the data file (same device and inode), and its
 * folder must exist. Returns 0, or 2 after printing the error. */
int cli_check_output(const char *out, const char *data);
/* 0 unless a (given as a_flag, "-o") and b (b_flag, "--chart") name the same file, which
 * would be written twice, the second over the first (the chart lost, exit 0): then the
 * error is printed and 2 returned. NULL and "-" never clash. */
int cli_check_outputs_differ(const char *a, const char *a_flag, const char *b,
                             const char *b_flag);

/* --width N: a text view's line width, 0 for none; N a whole number from 0 to 100000.
 * Returns 0 and sets *width, or 2 after printing the usage error. */
int cli_parse_width(const char *v, long *width);
/* The width a text view fits: given (--width; -1 when not given), else for standard
 * output (to_stdout) $COLUMNS when set to a whole number above 0, else the terminal's
 * (TIOCGWINSZ) when standard output is one; else 0, no limit (a file, a pipe: one line a
 * row, as scripts read it). */
size_t cli_view_width(long given, int to_stdout);

/* The known flag closest to arg by edit distance, or NULL when none is within a third
 * of arg's letters (at least 1 edit): for "unknown option '--wieght' (did you mean --weight?)". The shared
 * flags above are always candidates; extra lists a command's own flags (may be NULL). */
const char *cli_closest_flag(const char *arg, const char *const *extra);

#define CLI_DATA_OPTS_HELP                                                                         \
    "Reading the export:\n"                                                                        \
    "  --delimiter C      field delimiter: , ; | tab (default: detected from the header)\n"        \
    "  --encoding E       character set of the file, e.g. utf-8, windows-1252, latin1\n"           \
    "                     (default: UTF-8 if the first 1 MiB is valid UTF-8, else\n"               \
    "                     windows-1252, converted to UTF-8)\n"                                     \
    "  --decimal-comma    accept 1,5 as a number (default: on when the delimiter is ;)\n"          \
    "  --skip-rows N      skip N rows after the header (Qualtrics exports have 2)\n"               \
    "  --header-rows N    1, or 2: SurveyMonkey's two header rows, a column named by both\n"       \
    "                     ('Which channels? / Phone'; the question text alone over\n"              \
    "                     'Response'); not Qualtrics' rows: --skip-rows 2\n"                       \
    "  --missing CODES    comma-separated codes that also mean missing in every column,\n"         \
    "                     e.g. 98,99 (empty cells and NA always do)\n"                             \
    "  --missing COLS:CODES  the codes mean missing in those columns only (names or\n"             \
    "                     patterns, comma-separated): --missing 'Q5_*:6' for a grid's\n"           \
    "                     \"Don't know\" 6 beside a 0-10 question; repeatable\n"                   \
    "\n"                                                                                           \
    "Survey design:\n"                                                                             \
    "  --weight COL       sampling weights (finite, >= 0)\n"                                       \
    "  --strata COL       stratum of each row\n"                                                   \
    "  --psu COL          primary sampling unit (cluster) within its stratum\n"                    \
    "  --fpc COL          population size (or sampling fraction) of the row's stratum\n"

/* After a run of tab, score, compare or chisq over data without an error: a warning on
 * stderr when a spreadsheet's totals row is left under the data (describe's evidence: a
 * Total cell, or the other rows' sums, with a sum, a count or blanks beside them), one the
 * run counted as a respondent since the plan p's exclusions leave it in: the whole file up
 * to 256 KB (its line named), else its header and last 64 KB when they hold a Total word;
 * not past 8 MB, nor standard input or a compressed file. */
void cli_warn_totals_row(const char *data, const cli_data_opts *o, const shopstat_plan *p);

#endif
