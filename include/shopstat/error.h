/* shopstat_status codes and the caller-owned error record every fallible call fills. */
#ifndef SHOPSTAT_ERROR_H
#define SHOPSTAT_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible function returns one of these. The library never prints, exits or aborts.
 *
 * GSL: GSL's error handler is process-global and its default calls abort(). The first call
 * of a function that uses GSL (shopstat_ci, shopstat_raoscott_f, shopstat_tab_estimates,
 * shopstat_compare, shopstat_chisq, shopstat_replicate_write, shopstat_report_run, ...)
 * therefore turns that default off, once per process (gsl_set_error_handler_off(), under
 * pthread_once), and every GSL return code is checked instead. A handler the program set
 * with gsl_set_error_handler() before that call is kept; one that aborts is then the
 * program's choice. */
typedef enum shopstat_status {
    SHOPSTAT_OK = 0,
    SHOPSTAT_EUSAGE,    /* bad option, flag value or argument */
    SHOPSTAT_EINPUT,    /* malformed data, spec or design (the user's input is wrong) */
    SHOPSTAT_EIO,       /* a file cannot be opened, read or written */
    SHOPSTAT_ELIMIT,    /* input exceeds a safety cap (field size, columns, levels) */
    SHOPSTAT_ENOMEM,    /* allocation failed */
    SHOPSTAT_EINTERNAL, /* a bug or a numerical library failure */
    SHOPSTAT_ECANCELED  /* the program's cancel callback stopped the pass (shopstat_pass_opts) */
} shopstat_status;

/* Detail for the last failure. Owned by the caller; a call that fails fills it,
 * a call that succeeds leaves it untouched. line and col are 1-based; 0 means
 * "no position" (the whole file, or no file at all). */
typedef struct shopstat_error {
    shopstat_status status;
    char file[1024]; /* path the message refers to, "" if none */
    size_t line;
    size_t col;
    char msg[1024]; /* one line, no trailing newline, no "error:" prefix */
} shopstat_error;

/* Reset to SHOPSTAT_OK with empty file and message. e may be NULL. */
void shopstat_error_clear(shopstat_error *e);

/* Fill e (if not NULL) with status s, position and a printf-style message; returns s,
 * so callers can write `return shopstat_error_set(e, SHOPSTAT_EINPUT, ...)`.
 * file may be NULL. */
shopstat_status shopstat_error_set(shopstat_error *e, shopstat_status s, const char *file,
                                   size_t line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The error of a data file with no data row: SHOPSTAT_EINPUT at file, "no data rows after
 * the header" and, when there were, the skipped rows (--skip-rows) and those whose every
 * field was empty. The same words for describe, tab, compare, chisq and report. */
shopstat_status shopstat_error_no_rows(shopstat_error *e, const char *file, size_t skipped,
                                       size_t empty);

/* Write the GCC-style line "file:line:col: error: msg" (or "file: error: msg",
 * or "shopstat: error: msg" with no file) into buf, without newline.
 * Returns what snprintf returns. */
int shopstat_error_format(const shopstat_error *e, char *buf, size_t n);

/* Short stable name of a status ("ok", "usage", "input", ...). Never NULL. */
const char *shopstat_status_name(shopstat_status s);

/* Process exit status for a status: 0 ok, 2 bad input or usage (EUSAGE, EINPUT,
 * EIO, ELIMIT), 1 internal failure (ENOMEM, EINTERNAL) or a pass the program canceled
 * (ECANCELED). */
int shopstat_exit_code(shopstat_status s);

#ifdef __cplusplus
}
#endif
#endif
