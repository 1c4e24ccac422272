/* Error records: filling, formatting and mapping to exit codes. */
#include "shopstat/error.h"
#include "internal.h"

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

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 for a byte that starts none
 * (internal.h; output.c's JSON strings use it too). */
size_t utf8_len(const unsigned char *s)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) /* (a NUL ends the check here) */
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* The file's name as the error line shows it: a newline in it (a file saved as
 * "Q3\nexport.csv") split the one line in two, and a byte that is not UTF-8 (a Latin-1
 * name) came out raw. Control characters are written \n, \r, \t or \xHH, bytes that are
 * not UTF-8 \xHH, and a backslash stays itself (Windows paths read as they are typed). */
static void shown_name(const char *file, char *out, size_t n)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)file; *p && o + 5 < n; p++) {
        size_t k = utf8_len(p);
        if (*p == '\n' || *p == '\r' || *p == '\t')
            o += (size_t)snprintf(out + o, n - o, "\\%c",
                                  *p == '\n'   ? 'n'
                                  : *p == '\r' ? 'r'
                                               : 't');
        else if (*p < 0x20 || *p == 0x7F || k == 0)
            o += (size_t)snprintf(out + o, n - o, "\\x%02X", *p);
        else {
            if (o + k >= n)
                break;
            memcpy(out + o, p, k);
            o += k;
            p += k - 1;
        }
    }
    out[o] = '\0';
}

int shopstat_error_format(const shopstat_error *e, char *buf, size_t n)
{
    char name[sizeof e->file * 4 + 1];
    shown_name(e->file, name, sizeof name);
    const char *file = e->file[0] ? name : "shopstat";
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
