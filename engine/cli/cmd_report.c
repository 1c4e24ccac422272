/* shopstat report: every table, comparison and chart of a survey spec, from one pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "shopstat/reader.h"
#include "shopstat/report.h"
#include "shopstat/spec.h"

const char cmd_report_help[] =
    "usage: shopstat report SPEC.yml [-o OUTDIR] [--no-charts] [--chart-dpi N] [--quiet]\n"
    "       [--threads N]\n"
    "\n"
    "Reads the survey spec (YAML: data, design, questions, segments, tables; see\n"
    "docs/spec.md), makes one pass over the data and writes into OUTDIR (default\n"
    "out/<survey>/):\n"
    "  tables.csv        every table: table + the 'shopstat tab' csv columns\n"
    "  comparisons.csv   every comparison: table + the 'shopstat compare' csv columns\n"
    "  scores.csv        every score (a question's score: mean, nps, ...): table + the\n"
    "                    'shopstat score' csv columns\n"
    "  report.md         the tables in Markdown, with bases and significance letters\n"
    "  report.pdf        a title page (design, row accounting) and one chart per table\n"
    "  charts/T.pdf|png  each table's chart\n"
    "  tables.xlsx       one sheet per table\n"
    "  run.json          spec, data SHA-256, version, options, row accounting, warnings\n"
    "\n"
    "OUTDIR is built in a temporary folder next to it and renamed into place at the end:\n"
    "a failed or interrupted run leaves an existing OUTDIR untouched. An existing OUTDIR\n"
    "is replaced whole, so it must be empty or an earlier report (its run.json), and\n"
    "must not hold the spec or the data; otherwise the run stops before the pass.\n"
    "A relative OUTDIR is taken from the current folder (the spec's data: from the spec's).\n"
    "Errors in the spec point into it (spec.yml:12:5: error: ...); exit status 2.\n"
    "\n"
    "  -o, --output DIR   output folder\n"
    "  --no-charts        skip charts/ and report.pdf\n"
    "  --chart-dpi N      charts/*.png pixels per inch, 72-576 (default 144; 300 for print)\n"
    "  --quiet            no progress bar and no warnings on stderr\n"
    "  --threads N        threads for the pass (default: every core, or $SHOPSTAT_THREADS)\n";

static void on_warn(void *ctx, const char *msg)
{
    if (!*(int *)ctx)
        cli_warn("%s", msg);
}

typedef struct bar {
    double t0;
    int drawn;
    int done; /* the last line has been drawn */
} bar;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "[#########.........]  45%  120.3 MB  812k rows/s" on one rewritten line. */
static void on_progress(void *ctx, size_t bytes, size_t total, size_t rows)
{
    bar *b = ctx;
    if (b->done)
        return;
    double dt = now() - b->t0, frac = total ? (double)bytes / (double)total : 0;
    if (frac > 1)
        frac = 1;
    char cells[31];
    int k = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        cells[i] = i < k ? '#' : '.';
    cells[30] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%%  %.1f MB  %.0f rows/s ", cells, 100 * frac, (double)bytes / 1e6,
            dt > 0 ? (double)rows / dt : 0.0);
    if (bytes >= total) {
        fputc('\n', stderr);
        b->done = 1;
    }
    b->drawn = 1;
}

/* An unknown option: a typo of report's own, or a flag of tab that goes in the spec. */
static int unknown_option(const char *a)
{
    static const char *const own[] = {"--output",  "--no-charts", "--quiet",
                                      "--threads", "--chart-dpi", NULL};
    const char *near = cli_closest_flag(a, own);
    for (const char *const *f = own; near && *f; f++)
        if (strcmp(near, *f) == 0)
            return cli_usage_error("report: unknown option '%s' (did you mean %s?)", a, near);
    if (near && strncmp(a, near, strlen(near)) == 0)
        return cli_usage_error("report: %s goes in the spec (see 'shopstat help report' and "
                               "docs/spec.md)",
                               near);
    return cli_usage_error("report: unknown option '%s' (see 'shopstat help report')", a);
}

int cmd_report(int argc, char **argv)
{
    const char *spec_path = NULL, *outdir = NULL;
    int charts = 1, quiet = 0, threads = 0;
    double dpi = 0;
    static const char *const once[] = {"--threads", "-o|--output", "--chart-dpi", NULL};
    if (cli_reject_repeats(argc, argv, once))
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *tv = strcmp(a, "--threads") == 0     ? (i + 1 < argc ? argv[++i] : "")
                         : strncmp(a, "--threads=", 10) == 0 ? a + 10
                                                             : NULL;
        if (tv) {
            char *end;
            long n = strtol(tv, &end, 10);
            if (!*tv || *end || n < 1 || n > 256)
                return cli_usage_error("--threads '%s': give a number of threads from 1 to 256",
                                       tv);
            threads = (int)n;
        } else if (strcmp(a, "--chart-dpi") == 0 || strncmp(a, "--chart-dpi=", 12) == 0) {
            /* (as tab's --chart-dpi: a PNG's pixels per inch) */
            const char *dv = a[11] == '=' ? a + 12 : i + 1 < argc ? argv[++i] : "";
            if (shopstat_parse_number(dv, strlen(dv), 0, &dpi) != 1 || !(dpi >= 72 && dpi <= 576))
                return cli_usage_error("--chart-dpi: a PNG's pixels per inch, from 72 to 576 "
                                       "(150 for a screen, 300 for print), not '%s'",
                                       dv);
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc)
            outdir = argv[++i];
        else if (strncmp(a, "--output=", 9) == 0)
            outdir = a + 9;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            return cli_usage_error("report: %s needs a folder", a);
        else if (strcmp(a, "--no-charts") == 0)
            charts = 0;
        else if (strcmp(a, "--quiet") == 0)
            quiet = 1;
        else if (a[0] == '-' && a[1])
            return unknown_option(a);
        else if (spec_path)
            return cli_usage_error("report: more than one spec ('%s' and '%s')", spec_path, a);
        else
            spec_path = a;
    }
    if (!spec_path)
        return cli_usage_error("report: no spec given (usage: shopstat report SPEC.yml [-o "
                               "OUTDIR])");
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_spec *spec = NULL;
    if (shopstat_spec_parse(spec_path, &spec, &err))
        return cli_fail(&err);
    if (cli_plugin_load(&err)) { /* (tables.xlsx, even with --no-charts) */
        shopstat_spec_free(spec);
        return cli_fail(&err);
    }
    shopstat_report_opts o;
    shopstat_report_opts_init(&o);
    o.outdir = outdir;
    o.charts = charts;
    o.lend_stderr = 1; /* libxlsxwriter's own lines off the terminal (one error line) */
    o.warn = on_warn;
    o.warn_ctx = &quiet;
    o.threads = threads;
    o.png_dpi = dpi;
    char cmdline[2048] = "shopstat";
    for (int i = 0; i < argc; i++)
        snprintf(cmdline + strlen(cmdline), sizeof cmdline - strlen(cmdline), " %s", argv[i]);
    o.command_line = cmdline;
    /* a progress bar only for a person watching a large file */
    bar b = {now(), 0, 0};
    struct stat sb;
    const shopstat_spec_info *in = shopstat_spec_get(spec);
    if (!quiet && isatty(STDERR_FILENO) && stat(in->data, &sb) == 0 && sb.st_size > (16 << 20)) {
        o.progress = on_progress;
        o.progress_ctx = &b;
    }
    int rc = 0;
    if (shopstat_report_run(spec, &o, &err))
        rc = cli_fail(&err);
    else if (!quiet)
        fprintf(stderr, "shopstat: report written to %s%s/\n", outdir ? outdir : "out/",
                outdir ? "" : in->survey);
    shopstat_spec_free(spec);
    return rc;
}
