/* shopstat CLI entry point: global flags and dispatch to commands. */
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "shopstat/outfile.h"
#include "shopstat/report.h"
#include "shopstat/shopstat.h"

/* Under LeakSanitizer, fontconfig's process-lifetime caches (loaded for chart text) show up
 * as leaks; they are not ours. Defined in the program, not in libshopstat.a (where it sat in
 * plots/text.c and so set the suppressions of any sanitized program linking the library);
 * the tests get theirs from tests/lsan.supp (make sanitize). The sanitizer runtime calls
 * it; without sanitizers it is unused. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

/* Ctrl-C or kill during a run, or a crash: remove half-written -o temporary files, then
 * die of the same signal so the exit status tells the shell what happened (a fault's
 * signal, re-raised while blocked here, is taken when the handler returns, or the faulting
 * instruction faults again under the default action). */
static void on_signal(int sig)
{
    shopstat_outfile_cleanup_all();
    shopstat_report_cleanup_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Install on_signal for sig unless sig is ignored: nohup (SIGHUP) and background jobs of
 * non-interactive shells (SIGINT) ask for the run to go on, as every Unix tool does. */
static void catch_signal(int sig)
{
    struct sigaction sa, old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static const cli_command commands[] = {
    {"describe", "columns, types, levels, missing values and the design of an export", cmd_describe,
     cmd_describe_help, cmd_describe_help_more, 1},
    {"tab", "weighted proportions with confidence intervals by segment", cmd_tab, cmd_tab_help,
     cmd_tab_help_more, 1},
    {"compare", "differences between segments, overlapping or not, with design-based tests",
     cmd_compare, cmd_compare_help, NULL, 1},
    {"score", "a rating's mean or an NPS by segment, with design-based intervals", cmd_score,
     cmd_score_help, NULL, 1},
    {"chisq", "Rao-Scott test of independence of a question and a segment variable", cmd_chisq,
     cmd_chisq_help, NULL, 1},
    {"report", "every table and chart of a survey spec (YAML) in one pass", cmd_report,
     cmd_report_help, NULL, 1},
    {"replicate", "append jackknife or bootstrap replicate weights to an export", cmd_replicate,
     cmd_replicate_help, NULL, 0},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: shopstat COMMAND [ARGS]\n"
               "       shopstat help COMMAND | --help | --version\n\n"
               "Design-based statistics for shopper surveys.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit status: 0 ok, 1 internal failure, 2 bad input or usage.\n"
               "See shopstat(1) and docs/ for details.\n");
}

/* The --threads a command was given (its last; 0 when none or not a number: the command
 * itself reports a bad one), read ahead of the command's own parsing so that the pass's
 * workers start while it parses (shopstat_pass_prestart); 1 when the export is standard
 * input ('-' first), which is read on one thread. */
static int threads_asked(int argc, char **argv)
{
    int threads = 0;
    if (argc > 1 && strcmp(argv[1], "-") == 0)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "--threads=", 10) == 0)
            v = argv[i] + 10;
        if (v) {
            char *end;
            long n = strtol(v, &end, 10);
            threads = *v && !*end && n > 0 && n <= 256 ? (int)n : 0;
        }
    }
    return threads;
}

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* The library names what a program calling it set: a design column by its field of
 * shopstat_design_opts ("weight column 'w' not found"), a by set or a pair of the plan
 * ("by set region is given twice", "pair a:a compares a segment with itself"), as such a
 * program has no flags; where the user typed the flag, the CLI names the flag ("--weight
 * column 'w' not found", "--by region is given twice"). Not for `shopstat report`, whose
 * user wrote spec keys. */
static int name_flags = 1;
static const struct {
    const char *lib, *cli;
} flag_words[] = {
    {"weight column '", "--weight column '"},
    {"strata column '", "--strata column '"},
    {"psu column '", "--psu column '"},
    {"fpc column '", "--fpc column '"},
    {"by set ", "--by "},
    {"by column '", "--by column '"},
    {"base column '", "--base column '"},
    {"exclude column '", "--exclude column '"},
    {"dedupe column '", "--dedupe column '"},
    {"exclusions leave no row", "--exclude leaves no row"},
    {"segment column '", "--segment column '"},
    {"question column '", "--var column '"},
    {"multi-response column '", "--multi column '"},
    {"ticked multi-response column '", "--multi-ticked column '"},
    {"multi-response codes column '", "--multi-codes column '"},
    {"multi-response column pattern '", "--multi column pattern '"},
    {"ticked multi-response column pattern '", "--multi-ticked column pattern '"},
    {"multi-response question '", "--multi '"},
    {"ticked multi-response question '", "--multi-ticked '"},
    {"pair ", "--pair "},
    {"pair: ", "--pair: "},
};

/* Where the library names an option a program sets, it names the options struct's field
 * ("csv_opts.skip_rows 2", "choose a design_opts.lonely rule: remove, ...") or the call that
 * takes the condition ("shopstat_plan_parse_base(\"q:1,2\")"); the user of the program typed
 * the flag. Every command says the flag, `shopstat report` too (its messages named flags
 * before the library named fields, and engine/report.c adds the spec's key to them). */
static const struct {
    const char *lib, *cli, *close; /* close: what the call's closing "\")" becomes */
} option_words[] = {
    {"csv_opts.encoding", "--encoding", NULL},
    {"csv_opts.header_rows", "--header-rows", NULL},
    {"csv_opts.skip_rows", "--skip-rows", NULL},
    {"csv_opts.decimal_comma", "--decimal-comma", NULL},
    {"csv_opts.column_missing", "--missing", NULL},
    {"csv_opts.missing", "--missing", NULL},
    {"design_opts.weight", "--weight", NULL},
    {"design_opts.strata", "--strata", NULL},
    {"design_opts.psu", "--psu", NULL},
    {"design_opts.fpc", "--fpc", NULL},
    {"a design_opts.lonely rule: ", "--lonely-psu ", NULL},
    {"design_opts.lonely", "--lonely-psu", NULL},
    {"design_opts.repweights", "--repweights", NULL},
    {"design_opts.reptype", "--reptype", NULL},
    {"design_opts.rho", "--rho", NULL},
    {"design_opts.repscale", "--repscale", NULL},
    {"design_opts.rscales", "--rscales", NULL},
    {"design_opts.bootstrap_average", "--bootstrap-average", NULL},
    {"design_opts.poststratify", "--poststratify", NULL},
    {"design_opts.population", "--population", NULL},
    {"design_opts.rake_maxit", "--rake-maxit", NULL},
    {"design_opts.rake", "--rake", NULL},
    {"replicate_opts.weight", "--weight", NULL},
    {"replicate_opts.strata", "--strata", NULL},
    {"replicate_opts.psu", "--psu", NULL},
    {"replicate_opts.fpc", "--fpc", NULL},
    {" and a replicate_opts.lonely rule: ", " --lonely-psu ", NULL},
    {"a replicate_opts.lonely rule: ", "--lonely-psu ", NULL},
    {"replicate_opts.lonely", "--lonely-psu", NULL},
    {"replicate_opts.type must be", "replicate --type must be", NULL},
    {"replicate_opts.type", "--type", NULL},
    {"replicate_opts.replicates", "--replicates", NULL},
    {"replicate_opts.prefix", "--prefix", NULL},
    {"shopstat_plan_parse_base(\"", "--base ", ""},
    {"shopstat_plan_parse_exclude(\"", "--exclude '", "'"},
    {"shopstat_plan_parse_score(\"", "--score ", ""},
    {"a base (shopstat_plan_add_base)", "--base", NULL},
    {"(shopstat_plan_add_single)", "(--var)", NULL},
    {"a level of by set ", "a level of --by ", NULL},
    {"the rows of the base", "the rows of the --base", NULL},
    {"a base over more PSUs", "a --base over more PSUs", NULL},
};

void cli_option_words(char *msg, size_t size)
{
    char out[sizeof((shopstat_error *)0)->msg];
    size_t o = 0;
    const char *s = msg;
    int changed = 0;
    while (*s && o + 1 < sizeof out) {
        size_t k = 0, n = 0;
        for (; k < sizeof option_words / sizeof *option_words; k++)
            if (strncmp(s, option_words[k].lib, n = strlen(option_words[k].lib)) == 0)
                break;
        if (k == sizeof option_words / sizeof *option_words) {
            out[o++] = *s++;
            continue;
        }
        changed = 1;
        const char *close = option_words[k].close ? strstr(s + n, "\")") : NULL;
        int m = close ? snprintf(out + o, sizeof out - o, "%s%.*s%s", option_words[k].cli,
                                 (int)(close - s - n), s + n, option_words[k].close)
                      : snprintf(out + o, sizeof out - o, "%s", option_words[k].cli);
        if (m < 0 || (size_t)m >= sizeof out - o) {
            o = sizeof out - 1;
            break;
        }
        o += (size_t)m;
        s = close ? close + 2 : s + n;
    }
    out[o] = '\0';
    if (changed)
        snprintf(msg, size, "%s", out);
}

int cli_fail(const shopstat_error *err)
{
    char line[2200];
    shopstat_error e = *err;
    for (size_t i = 0; name_flags && i < sizeof flag_words / sizeof *flag_words; i++) {
        size_t n = strlen(flag_words[i].lib);
        if (strncmp(err->msg, flag_words[i].lib, n) == 0) {
            snprintf(e.msg, sizeof e.msg, "%s%.1000s", flag_words[i].cli, err->msg + n);
            break;
        }
    }
    cli_option_words(e.msg, sizeof e.msg);
    err = &e;
    shopstat_error_format(err, line, sizeof line);
    fprintf(stderr, "%s\n", line);
    return shopstat_exit_code(err->status);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("shopstat: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

int cli_oom(void)
{
    fputs("shopstat: error: out of memory\n", stderr);
    return 1;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("shopstat: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_codes_sep(const char *v, char *sep)
{
    /* (the pieces are trimmed, so "; " as the export joins them is ';') */
    size_t n = strlen(v), a = strspn(v, " \t");
    while (n > a && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n - a != 1 || !shopstat_codes_sep_ok(v[a]))
        return cli_usage_error("--codes-sep '%s': expected the one character between the codes "
                               "of a cell, such as ';' or '|' (not a letter, a digit or '\"'; "
                               "spaces around codes are trimmed)",
                               v);
    *sep = v[a];
    return 0;
}

int cli_dedupe(shopstat_plan *p, const char *column)
{
    size_t n = strlen(column) + 10;
    char *reason = malloc(n);
    if (!reason)
        return cli_oom();
    snprintf(reason, n, "--dedupe %s", column);
    shopstat_error err;
    int rc = shopstat_plan_add_dedupe(p, column, reason, &err) ? cli_fail(&err) : 0;
    free(reason);
    return rc;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; the library checks return codes. */
    gsl_set_error_handler_off();
    catch_signal(SIGINT);
    catch_signal(SIGTERM);
    catch_signal(SIGHUP);
    /* A crash, ours or a library's (out of memory, fontconfig asserts, GLib aborts, and
     * libxlsxwriter dereferences NULL), removes the temporary files and folders before the
     * process dies of it: the exit status is the signal's (134, 139), and nothing
     * half-written is left beside the outputs (a report's OUTDIR.tmp-XXXXXX folder was). */
#ifndef __SANITIZE_ADDRESS__ /* (AddressSanitizer's own handler reports the fault) */
    catch_signal(SIGSEGV);
    catch_signal(SIGBUS);
    catch_signal(SIGFPE);
    catch_signal(SIGILL);
#endif
    catch_signal(SIGABRT);
    catch_signal(SIGTRAP);
    /* A file past `ulimit -f`: the write fails with EFBIG and the run stops with one line
     * naming the file, its temporary files removed, instead of dying of SIGXFSZ (exit 153)
     * and leaving them behind. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0) {
        printf("shopstat %s\n", shopstat_version());
        return 0;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        const cli_command *c = find(argv[2]);
        if (!c)
            return cli_usage_error("unknown command '%s' (see 'shopstat --help')", argv[2]);
        fputs(c->help, stdout);
        if (c->help_more)
            fputs(c->help_more, stdout);
        return 0;
    }
    const cli_command *c = find(name);
    if (!c)
        return cli_usage_error("unknown command '%s' (see 'shopstat --help')", name);
    if (cli_wants_help(argc - 1, argv + 1)) {
        fputs(c->help, stdout);
        if (c->help_more)
            fputs(c->help_more, stdout);
        return 0;
    }
    name_flags = strcmp(c->name, "report") != 0;
    if (c->pass)
        shopstat_pass_prestart(threads_asked(argc - 1, argv + 1));
    return c->run(argc - 1, argv + 1);
}
