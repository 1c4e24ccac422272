/* SHA-256 of files and buffers, for the data checksum in run.json: GLib's GChecksum (GLib
 * is already linked through pango). */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "shopstat/report.h"

static void final_hex(GChecksum *c, char hex[65])
{
    snprintf(hex, 65, "%s", g_checksum_get_string(c));
    g_checksum_free(c);
}

void shopstat_sha256_hex(const void *data, size_t len, char hex[65])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, data, (gssize)len);
    final_hex(c, hex);
}

shopstat_status shopstat_sha256_file(const char *path, char hex[65], shopstat_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot open: %s",
                                  strerror(errno));
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        g_checksum_update(c, buf, (gssize)n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        g_checksum_free(c);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot read the file");
    }
    final_hex(c, hex);
    return SHOPSTAT_OK;
}
