/* SHA-256 of files and buffers, for the data checksum in run.json: GLib's GChecksum. GLib
 * is loaded on first use (it is there: the charts' plugin links it through pango), not
 * linked into the program: loading it took a millisecond of every run's start, 20% of
 * `shopstat --version` (docs/performance-log.md, twelfth session), for a checksum only the
 * report computes. */
#include <dlfcn.h>
#include <errno.h>
#include <glib.h> /* (its types only) */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "shopstat/report.h"

#define GLIB_SONAME "libglib-2.0.so.0"

static struct {
    GChecksum *(*make)(GChecksumType type);
    void (*update)(GChecksum *c, const guchar *data, gssize len);
    const gchar *(*get_string)(GChecksum *c);
    void (*release)(GChecksum *c);
    void *handle; /* kept for the process's life: dropping it leaked the loader's record */
    char why[160];
} gl;
static pthread_once_t gl_once = PTHREAD_ONCE_INIT;

static void gl_load(void)
{
    void *h = dlopen(GLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h) {
        /* (a data pointer to a function pointer: POSIX dlsym's way) */
        *(void **)&gl.make = dlsym(h, "g_checksum_new");
        *(void **)&gl.update = dlsym(h, "g_checksum_update");
        *(void **)&gl.get_string = dlsym(h, "g_checksum_get_string");
        *(void **)&gl.release = dlsym(h, "g_checksum_free");
        if (gl.make && gl.update && gl.get_string && gl.release) {
            gl.handle = h;
            return;
        }
        gl.make = NULL;
    }
    const char *e = dlerror();
    snprintf(gl.why, sizeof gl.why, "%s", e ? e : GLIB_SONAME ": no g_checksum functions");
    if (h)
        dlclose(h);
}

/* A SHA-256 checksum, or NULL when GLib cannot be loaded (gl.why says why) */
static GChecksum *sha_new(void)
{
    pthread_once(&gl_once, gl_load);
    return gl.make ? gl.make(G_CHECKSUM_SHA256) : NULL;
}

static void final_hex(GChecksum *c, char hex[65])
{
    snprintf(hex, 65, "%s", gl.get_string(c));
    gl.release(c);
}

void shopstat_sha256_hex(const void *data, size_t len, char hex[65])
{
    GChecksum *c = sha_new();
    if (!c) {
        hex[0] = '\0';
        return;
    }
    gl.update(c, data, (gssize)len);
    final_hex(c, hex);
}

shopstat_status shopstat_sha256_file(const char *path, char hex[65], shopstat_error *err)
{
    GChecksum *c = sha_new();
    if (!c)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0,
                                  "cannot load GLib for the checksum: %s", gl.why);
    FILE *f = fopen(path, "rb");
    if (!f) {
        gl.release(c);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot open: %s",
                                  strerror(errno));
    }
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        gl.update(c, buf, (gssize)n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        gl.release(c);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot read the file");
    }
    final_hex(c, hex);
    return SHOPSTAT_OK;
}
