/* shopstat report: every table, comparison and chart of a survey spec, from one pass. */
#ifndef SHOPSTAT_REPORT_H
#define SHOPSTAT_REPORT_H

#include <stddef.h>

#include "shopstat/error.h"
#include "shopstat/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives each warning (one line, no newline) as it arises; it also goes to run.json. */
typedef void (*shopstat_report_warn_fn)(void *ctx, const char *msg);

/* Progress of the pass: bytes of the data file read so far, its size, rows so far.
 * Called from the pass's thread at most a few times per second. */
typedef void (*shopstat_report_progress_fn)(void *ctx, size_t bytes, size_t total, size_t rows);

typedef struct shopstat_report_opts {
    const char *outdir;           /* NULL = "out/<survey>" (relative to the working directory) */
    int charts;                   /* 1 (default): charts/, report.pdf; 0 = tables only */
    shopstat_report_warn_fn warn; /* may be NULL */
    void *warn_ctx;
    shopstat_report_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    const char *command_line; /* recorded in run.json; may be NULL */
    int threads;              /* threads for the pass; 0 = its default ($SHOPSTAT_THREADS, cores) */
    double png_dpi;           /* pixels per inch of the charts' PNG files, 72 to 576; 0 = 144 (the
                                 chart module's 2 pixels a point); the PDFs are vector either way */
    int lend_stderr;          /* the workbook's shopstat_xlsx_opts.lend_stderr (default 0) */
} shopstat_report_opts;

/* Fill o with the defaults: charts on, every other field 0 or NULL (callbacks none,
 * threads the pass's default). o must not be NULL. */
void shopstat_report_opts_init(shopstat_report_opts *o);

/* Run the report of spec: read the data once, compute every table and comparison, and
 * write OUTDIR/{tables.csv, comparisons.csv, report.md, run.json, tables.xlsx, report.pdf,
 * charts/<table>.pdf|.png}. Everything is built in a temporary sibling folder and renamed
 * into place at the end (an existing OUTDIR is replaced only then): on failure OUTDIR is
 * untouched and the temporary folder removed, with the missing folders above OUTDIR the
 * run made. Errors in the data point into the data file; unknown columns point into the
 * spec.
 * One report at a time per process: the temporary folder is kept in a process-wide
 * registry (for shopstat_report_cleanup_all, which a signal handler calls), so concurrent
 * calls from several threads are not supported. */
shopstat_status shopstat_report_run(const shopstat_spec *spec, const shopstat_report_opts *o,
                                    shopstat_error *err);

/* Remove the temporary folder of a report in progress, and the folders above OUTDIR the
 * run created for it (where still empty). Async-signal-safe (unlink and rmdir only): call
 * it from SIGINT/SIGTERM handlers, with shopstat_outfile_cleanup_all(). */
void shopstat_report_cleanup_all(void);

/* SHA-256 of a file's bytes as 64 lower-case hex digits and a NUL (GLib's GChecksum, GLib
 * loaded on first use). SHOPSTAT_EIO if the file cannot be read or GLib cannot be loaded. */
shopstat_status shopstat_sha256_file(const char *path, char hex[65], shopstat_error *err);

/* SHA-256 of a buffer, as above; an empty string if GLib cannot be loaded. */
void shopstat_sha256_hex(const void *data, size_t len, char hex[65]);

#ifdef __cplusplus
}
#endif
#endif
