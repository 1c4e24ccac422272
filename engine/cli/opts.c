/* Parsing of the CSV and design flags shared by describe, tab, compare and chisq. */
#include "cli/opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

void cli_data_opts_init(cli_data_opts *o)
{
    memset(o, 0, sizeof *o);
    shopstat_csv_opts_init(&o->csv);
    shopstat_design_opts_init(&o->design);
    /* Test knob, not a documented option: the reader's block size in bytes, so that
     * tests/hostile/determinism.sh can show results do not depend on it. */
    const char *bs = getenv("SHOPSTAT_BLOCK_SIZE");
    if (bs && *bs) {
        char *end;
        unsigned long n = strtoul(bs, &end, 10);
        if (*end == '\0' && n > 0 && n <= (1UL << 30))
            o->csv.block_size = (size_t)n;
    }
}

void cli_data_opts_free(cli_data_opts *o)
{
    free(o->missing_text);
    free(o->missing);
    o->missing_text = NULL;
    o->missing = NULL;
    for (size_t i = 0; i < o->nowned; i++)
        free(o->owned[i]);
    free(o->owned);
    free(o->colmiss);
    o->owned = NULL;
    o->nowned = 0;
    o->colmiss = NULL;
    o->ncolmiss = 0;
}

int cli_flag_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    /* "--weight -o x" is a forgotten value, not a column called "-o"; negative numbers
     * ("--missing -99") are values. "--flag=VALUE" takes anything. */
    const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!next || (next[0] == '-' && next[1] != '\0' && !(next[1] >= '0' && next[1] <= '9'))) {
        cli_usage_error("%s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

const char *const cli_data_once[] = {"--delimiter",   "--encoding", "--skip-rows", "--threads",
                                     "--header-rows", "--weight",   "--strata",    "--psu",
                                     "--fpc",         NULL};

/* The value of argv[i], a flag named name ("--x v" or "--x=v"); "" when none follows. */
static const char *flag_arg(int argc, char **argv, int i, size_t n)
{
    if (argv[i][n] == '=')
        return argv[i] + n + 1;
    return i + 1 < argc ? argv[i + 1] : "";
}

int cli_reject_repeats(int argc, char **argv, const char *const *once)
{
    for (size_t k = 0; once[k]; k++) {
        const char *first = NULL; /* (the first occurrence's value) */
        for (int i = 1; i < argc; i++) {
            /* once[k] is "--name" or "-o|--output": one flag of several spellings */
            for (const char *g = once[k]; *g;) {
                size_t n = strcspn(g, "|");
                if (strncmp(argv[i], g, n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '=')) {
                    const char *v = flag_arg(argc, argv, i, n);
                    if (first) {
                        char name[64]; /* ("-o|--output" said "-o/--output") */
                        snprintf(name, sizeof name, "%s", once[k]);
                        for (char *c = name; *c; c++)
                            *c = *c == '|' ? '/' : *c;
                        return cli_usage_error("%s given twice ('%s' and '%s'); it takes one "
                                               "value, give it once",
                                               name, first, v);
                    }
                    first = v;
                    break;
                }
                g += n + (g[n] == '|');
            }
        }
    }
    return 0;
}

int cli_check_output(const char *out, const char *data)
{
    if (!out || strcmp(out, "-") == 0)
        return 0;
    shopstat_error err;
    shopstat_error_clear(&err);
    if (!*out) /* (no path to show: the message says what is wrong) */
        return cli_usage_error("the output file name is empty (-o ''); give a file name, or - "
                               "for standard output");
    struct stat so, sd;
    int exists = stat(out, &so) == 0;
    if (exists && S_ISDIR(so.st_mode)) {
        shopstat_error_set(&err, SHOPSTAT_EUSAGE, out, 0, 0, "is a folder; give a file name");
        return cli_fail(&err);
    }
    if (exists && data && strcmp(data, "-") != 0 && stat(data, &sd) == 0 &&
        so.st_dev == sd.st_dev && so.st_ino == sd.st_ino) {
        shopstat_error_set(&err, SHOPSTAT_EUSAGE, out, 0, 0,
                           "is the data file being read; write the output to another file");
        return cli_fail(&err);
    }
    /* the data from standard input, redirected from this very file ('- -o d.csv < d.csv'):
     * the output was renamed over the data it was made from */
    if (exists && data && strcmp(data, "-") == 0 && fstat(STDIN_FILENO, &sd) == 0 &&
        S_ISREG(sd.st_mode) && so.st_dev == sd.st_dev && so.st_ino == sd.st_ino) {
        shopstat_error_set(&err, SHOPSTAT_EUSAGE, out, 0, 0,
                           "is the data file being read (standard input is redirected from "
                           "it); write the output to another file");
        return cli_fail(&err);
    }
    /* (the file's own folder: written at the end, after the whole pass) */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        slash[slash == dir] = '\0';
    if (stat(dir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
        shopstat_error_set(&err, SHOPSTAT_EUSAGE, out, 0, 0,
                           "there is no folder '%s' to write it in", dir);
        return cli_fail(&err);
    }
    return 0;
}

/* Whether paths a and b name one file: the same folder (by device and inode, so "x.svg"
 * and "./x.svg" or a path through a symbolic link to the folder) and the same last part,
 * or two names of one existing file (a hard link). */
static int same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    const char *fa = strrchr(a, '/'), *fb = strrchr(b, '/');
    fa = fa ? fa + 1 : a;
    fb = fb ? fb + 1 : b;
    if (strcmp(fa, fb) != 0)
        return 0;
    char da[4096], db[4096];
    snprintf(da, sizeof da, "%.*s", fa == a ? 1 : (int)(fa - a), fa == a ? "." : a);
    snprintf(db, sizeof db, "%.*s", fb == b ? 1 : (int)(fb - b), fb == b ? "." : b);
    return stat(da, &sa) == 0 && stat(db, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_check_outputs_differ(const char *a, const char *a_flag, const char *b,
                             const char *b_flag)
{
    if (!a || !b || !*a || !*b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0 ||
        !same_output(a, b))
        return 0;
    shopstat_error err;
    shopstat_error_set(&err, SHOPSTAT_EUSAGE, b, 0, 0,
                       "is both the %s file and the %s file ('%s'): one would overwrite the "
                       "other; give them different names",
                       b_flag, a_flag, a);
    return cli_fail(&err);
}

static int parse_delimiter(const char *v, char *out)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "TAB") == 0 || strcmp(v, "\\t") == 0) {
        *out = '\t';
        return 0;
    }
    if (strlen(v) == 1 && v[0] != '"' && v[0] != '\r' && v[0] != '\n') {
        *out = v[0];
        return 0;
    }
    return -1;
}

/* Append the comma-separated codes of v to the list (several --missing flags add up). */
static int add_missing(cli_data_opts *o, const char *v)
{
    size_t old = o->missing_text ? strlen(o->missing_text) : 0;
    char *t = malloc(old + strlen(v) + 2);
    if (!t)
        return -1;
    snprintf(t, old + strlen(v) + 2, "%s%s%s", old ? o->missing_text : "", old ? "," : "", v);
    size_t n = 1;
    for (const char *p = t; *p; p++)
        n += *p == ',';
    const char **list = malloc((n + 1) * sizeof *list);
    if (!list) {
        free(t);
        return -1;
    }
    size_t k = 0;
    for (char *p = t;;) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (*p)
            list[k++] = p;
        if (!c)
            break;
        p = c + 1;
    }
    list[k] = NULL;
    free(o->missing_text);
    free(o->missing);
    o->missing_text = t;
    o->missing = list;
    o->csv.missing = list;
    return 0;
}

static int own(cli_data_opts *o, void *p)
{
    void **l = p ? realloc(o->owned, (o->nowned + 1) * sizeof *l) : NULL;
    if (!l) {
        free(p);
        return -1;
    }
    o->owned = l;
    o->owned[o->nowned++] = p;
    return 0;
}

/* Split t at each sep in place: the non-empty pieces, NULL-terminated, in a new list. */
static const char **split_list(char *t, char sep, size_t *n)
{
    size_t cap = 2;
    for (const char *p = t; *p; p++)
        cap += *p == sep;
    const char **l = malloc(cap * sizeof *l);
    *n = 0;
    for (char *p = t; l;) {
        char *c = strchr(p, sep);
        if (c)
            *c = '\0';
        if (*p)
            l[(*n)++] = p;
        if (!c)
            break;
        p = c + 1;
    }
    if (l)
        l[*n] = NULL;
    return l;
}

/* --missing COLS:CODES (split at the last ':', as a column name may hold one: "Q1: Recommend
 * us?:6"): the codes for each of those columns only. 0, -1 out of memory, 2 after a usage
 * error. */
static int add_column_missing(cli_data_opts *o, const char *v)
{
    char *t = malloc(strlen(v) + 1);
    if (own(o, t))
        return -1;
    strcpy(t, v);
    char *colon = strrchr(t, ':');
    *colon = '\0';
    size_t ncols, ncodes;
    const char **codes = split_list(colon + 1, ',', &ncodes);
    if (own(o, codes))
        return -1;
    const char **cols = split_list(t, ',', &ncols);
    if (own(o, cols))
        return -1;
    if (!ncols)
        return cli_usage_error("--missing '%s': name the columns before the ':', e.g. "
                               "--missing Q5_1,Q5_2:%s",
                               v, ncodes ? codes[0] : "6");
    if (!ncodes)
        return cli_usage_error("--missing '%s': give the codes after the ':', e.g. "
                               "--missing %s:6",
                               v, t);
    shopstat_column_missing *cm = realloc(o->colmiss, (o->ncolmiss + ncols) * sizeof *cm);
    if (!cm)
        return -1;
    o->colmiss = cm;
    for (size_t k = 0; k < ncols; k++)
        cm[o->ncolmiss++] = (shopstat_column_missing){cols[k], codes, 0};
    o->csv.column_missing = cm;
    o->csv.ncolumn_missing = o->ncolmiss;
    return 0;
}

int cli_data_opt(cli_data_opts *o, int argc, char **argv, int *i)
{
    const char *v;
    int m;
    if (strcmp(argv[*i], "--decimal-comma") == 0) {
        o->csv.decimal_comma = 1;
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--delimiter", &v)) != 0) {
        if (m < 0)
            return -1;
        if (parse_delimiter(v, &o->csv.delimiter) != 0) {
            cli_usage_error("--delimiter '%s': give one character, e.g. ';' or tab", v);
            return -1;
        }
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--encoding", &v)) != 0) {
        if (m < 0)
            return -1;
        o->csv.encoding = v;
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--skip-rows", &v)) != 0) {
        if (m < 0)
            return -1;
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*v || *end || v[0] == '-' || v[0] == '+') {
            cli_usage_error("--skip-rows '%s': give a whole number of rows, 0 or more", v);
            return -1;
        }
        o->csv.skip_rows = (size_t)n;
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--header-rows", &v)) != 0) {
        if (m < 0)
            return -1;
        if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0) {
            cli_usage_error("--header-rows '%s': give 1, or 2 for a SurveyMonkey export's two "
                            "header rows (other rows before the data: --skip-rows)",
                            v);
            return -1;
        }
        o->csv.header_rows = (size_t)(v[0] - '0');
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--threads", &v)) != 0) {
        if (m < 0)
            return -1;
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (!*v || *end || v[0] == '-' || v[0] == '+' || n < 1 || n > 256) {
            cli_usage_error("--threads '%s': give a number of threads from 1 to 256", v);
            return -1;
        }
        o->threads = (int)n;
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--missing", &v)) != 0) {
        if (m < 0)
            return -1;
        int r = strchr(v, ':') ? add_column_missing(o, v) : add_missing(o, v);
        if (r < 0) {
            cli_oom();
            return -2; /* (exit 1, not 2) */
        }
        return r ? -1 : 1;
    }
    static const char *const design[] = {"--weight", "--strata", "--psu", "--fpc"};
    const char **slot[] = {&o->design.weight, &o->design.strata, &o->design.psu, &o->design.fpc};
    for (int k = 0; k < 4; k++)
        if ((m = cli_flag_value(argc, argv, i, design[k], &v)) != 0) {
            if (m < 0)
                return -1;
            if (!*v) {
                cli_usage_error("%s needs a column name", design[k]);
                return -1;
            }
            *slot[k] = v;
            return 1;
        }
    return 0;
}

const char *const cli_design_once[] = {"--lonely-psu", "--repweights", "--reptype",
                                       "--rho",        "--repscale",   "--rscales",
                                       "--bootstrap-average", NULL};

/* A number x with lo <= x < hi (lo < x when lo is 0 and hi infinite: a scale). */
static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double x = strtod(s, &end);
    if (!*s || *end || !(x >= lo && x < hi) || (isinf(hi) && !(x > lo)))
        return 0;
    *out = x;
    return 1;
}

/* --rscales @FILE (shopstat_rep_rscales_read): the list, owned by o, in o->design.rscales.
 * Prints the error (at the bad item's line and column) and returns -1 on failure. */
static int rscales_file(cli_data_opts *o, const char *path)
{
    if (!*path)
        return cli_usage_error("--rscales @FILE needs a file name after '@'"), -1;
    shopstat_error err;
    shopstat_error_clear(&err);
    char *list = NULL;
    if (shopstat_rep_rscales_read(path, &list, &err)) {
        if (strncmp(err.msg, "rscales item", 12) == 0) { /* (the flag's words) */
            char m[sizeof err.msg];
            snprintf(m, sizeof m, "--%.1000s", err.msg);
            snprintf(err.msg, sizeof err.msg, "%s", m);
        }
        cli_fail(&err);
        return -1;
    }
    if (own(o, list))
        return fprintf(stderr, "shopstat: error: out of memory\n"), -1;
    o->design.rscales = list;
    return 0;
}

int cli_design_opt(cli_data_opts *o, int argc, char **argv, int *i)
{
    shopstat_design_opts *d = &o->design;
    shopstat_error err;
    shopstat_error_clear(&err);
    const char *v;
    int m;
    if (strcmp(argv[*i], "--mse") == 0 || strcmp(argv[*i], "--no-mse") == 0) {
        int on = argv[*i][2] == 'm';
        if (d->mse == !on) { /* (the other one came first: -1 when neither did) */
            cli_usage_error("--mse and --no-mse contradict each other; give one");
            return -1;
        }
        d->mse = on; /* --no-mse: about the replicates' mean, R's default for every type */
        return 1;
    }
    if ((m = cli_flag_value(argc, argv, i, "--lonely-psu", &v)) != 0) {
        if (m < 0 || shopstat_lonely_parse(v, &d->lonely, &err))
            return m < 0 ? -1 : (cli_fail(&err), -1);
    } else if ((m = cli_flag_value(argc, argv, i, "--repweights", &v)) != 0) {
        if (m < 0)
            return -1;
        if (!*v) {
            cli_usage_error("--repweights needs a column prefix or a list");
            return -1;
        }
        d->repweights = v;
    } else if ((m = cli_flag_value(argc, argv, i, "--reptype", &v)) != 0) {
        if (m < 0 || shopstat_rep_type_parse(v, &d->reptype, &err))
            return m < 0 ? -1 : (cli_fail(&err), -1);
    } else if ((m = cli_flag_value(argc, argv, i, "--rho", &v)) != 0) {
        if (m < 0)
            return -1;
        if (!parse_number(v, 0, 1, &d->rho)) {
            cli_usage_error("--rho takes a number in [0, 1), such as 0.5, not '%s'", v);
            return -1;
        }
    } else if ((m = cli_flag_value(argc, argv, i, "--repscale", &v)) != 0) {
        if (m < 0)
            return -1;
        double x = 0;
        if (shopstat_rep_scale_parse(v, strlen(v), &x, &err) || !(x > 0)) {
            cli_usage_error("--repscale '%s': %s; give a positive number or fraction (such as "
                            "0.05 or 4/80)",
                            v, err.msg[0] ? err.msg : "not positive");
            return -1;
        }
        d->repscale = x;
    } else if ((m = cli_flag_value(argc, argv, i, "--bootstrap-average", &v)) != 0) {
        if (m < 0)
            return -1;
        double x = 0;
        shopstat_error e2;
        shopstat_error_clear(&e2);
        if (shopstat_rep_scale_parse(v, strlen(v), &x, &e2) || !(x > 0)) {
            cli_usage_error("--bootstrap-average '%s': %s; give how many bootstrap replicates "
                            "each replicate column averages (a positive number, such as 25)",
                            v, e2.msg[0] ? e2.msg : "not positive");
            return -1;
        }
        d->bootstrap_average = x;
    } else if ((m = cli_flag_value(argc, argv, i, "--rscales", &v)) != 0) {
        if (m < 0)
            return -1;
        if (v[0] == '@')
            return rscales_file(o, v + 1) ? -1 : 1;
        d->rscales = v;
    }
    return m;
}

int cli_design_check(const shopstat_design_opts *d)
{
    if (d->repweights) {
        /* before the file is read: a flag R ignores for the type */
        shopstat_error err;
        shopstat_error_clear(&err);
        return shopstat_rep_check_options(d, &err) ? cli_fail(&err) : 0;
    }
    const char *flag = d->reptype != SHOPSTAT_REP_NONE ? "--reptype"
                       : !isnan(d->rho)                ? "--rho"
                       : !isnan(d->repscale)           ? "--repscale"
                       : d->rscales                    ? "--rscales"
                       : d->bootstrap_average > 0  ? "--bootstrap-average"
                       : d->mse == 1                   ? "--mse"
                       : d->mse == 0                   ? "--no-mse"
                                                       : NULL;
    if (!flag)
        return 0;
    return cli_usage_error("%s describes replicate weights: give --repweights (their columns) "
                           "too, or leave it out",
                           flag);
}

/* Edit distance of two short strings (flags), on at most 31 bytes of each. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31)
        la = 31;
    if (lb > 31)
        lb = 31;
    size_t prev[32], cur[32];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *cli_closest_flag(const char *arg, const char *const *extra)
{
    static const char *const shared[] = {
        "--delimiter", "--encoding", "--decimal-comma", "--skip-rows", "--header-rows", "--missing",
        "--weight",    "--strata",   "--psu",           "--fpc",       "--threads",     NULL};
    char name[64];
    snprintf(name, sizeof name, "%s", arg);
    char *eq = strchr(name, '=');
    if (eq)
        *eq = '\0';
    /* Suggest only near misses: up to a third of the name's letters may differ. */
    size_t letters = strlen(name) > 2 ? strlen(name) - 2 : 1;
    const char *best = NULL;
    size_t bestd = (letters / 3 > 1 ? letters / 3 : 1) + 1;
    for (int list = 0; list < 2; list++) {
        const char *const *f = list ? extra : shared;
        for (; f && *f; f++) {
            size_t d = distance(name, *f);
            if (d < bestd) {
                bestd = d;
                best = *f;
            }
        }
    }
    return best;
}

int cli_parse_width(const char *v, long *width)
{
    char *end;
    long n = v && *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : -1;
    if (n < 0 || *end || n > 100000)
        return cli_usage_error("--width takes a line width in columns, a whole number such as "
                               "80 (0: no limit, one line a row), not '%s'",
                               v ? v : "");
    *width = n;
    return 0;
}

size_t cli_view_width(long given, int to_stdout)
{
    if (given >= 0)
        return (size_t)given;
    if (!to_stdout)
        return 0;
    /* (as ls and R's COLUMNS: the environment's word first, then the terminal's size) */
    const char *c = getenv("COLUMNS");
    if (c && *c >= '1' && *c <= '9') {
        char *end;
        long n = strtol(c, &end, 10);
        if (!*end && n > 0 && n <= 100000)
            return (size_t)n;
    }
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}
