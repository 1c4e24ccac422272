/* Error records: filling, formatting and mapping to exit codes. */
#include "shopstat/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void shopstat_error_clear(shopstat_error *e)
{
    if (!e)
        return;
    e->status = SHOPSTAT_OK;
    e->file[0] = '\0';
    e->line = 0;
    e->col = 0;
    e->msg[0] = '\0';
}

shopstat_status shopstat_error_set(shopstat_error *e, shopstat_status s, const char *file,
                                   size_t line, size_t col, const char *fmt, ...)
{
    if (!e)
        return s;
    e->status = s;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    /* Messages are one line by contract: fold any newline a caller let through. */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return s;
}

int shopstat_error_format(const shopstat_error *e, char *buf, size_t n)
{
    const char *file = e->file[0] ? e->file : "shopstat";
    if (e->file[0] && e->line > 0 && e->col > 0)
        return snprintf(buf, n, "%s:%zu:%zu: error: %s", file, e->line, e->col, e->msg);
    if (e->file[0] && e->line > 0)
        return snprintf(buf, n, "%s:%zu: error: %s", file, e->line, e->msg);
    return snprintf(buf, n, "%s: error: %s", file, e->msg);
}

const char *shopstat_status_name(shopstat_status s)
{
    switch (s) {
    case SHOPSTAT_OK: return "ok";
    case SHOPSTAT_EUSAGE: return "usage";
    case SHOPSTAT_EINPUT: return "input";
    case SHOPSTAT_EIO: return "io";
    case SHOPSTAT_ELIMIT: return "limit";
    case SHOPSTAT_ENOMEM: return "nomem";
    case SHOPSTAT_EINTERNAL: return "internal";
    case SHOPSTAT_ECANCELED: return "canceled";
    }
    return "unknown";
}

int shopstat_exit_code(shopstat_status s)
{
    switch (s) {
    case SHOPSTAT_OK: return 0;
    case SHOPSTAT_EUSAGE:
    case SHOPSTAT_EINPUT:
    case SHOPSTAT_EIO:
    case SHOPSTAT_ELIMIT: return 2;
    case SHOPSTAT_ENOMEM:
    case SHOPSTAT_EINTERNAL:
    case SHOPSTAT_ECANCELED: return 1;
    }
    return 1;
}

shopstat_status shopstat_error_no_rows(shopstat_error *e, const char *file, size_t skipped,
                                       size_t empty)
{
    char em[80] = "";
    if (empty)
        snprintf(em, sizeof em, " (%zu row%s with every field empty)", empty,
                 empty == 1 ? "" : "s");
    if (skipped)
        return shopstat_error_set(e, SHOPSTAT_EINPUT, file, 0, 0,
                                  "no data rows after the header and the %zu skipped row%s%s",
                                  skipped, skipped == 1 ? "" : "s", em);
    return shopstat_error_set(e, SHOPSTAT_EINPUT, file, 0, 0, "no data rows after the header%s",
                              em);
}
