/* Atomic output files (temp file + fsync + rename) and a signal-safe registry of live temp paths. */
#include "shopstat/outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Live temporary paths, read by a signal handler: fixed storage (no malloc in the
 * handler), and a slot is published by setting its flag after the path is written. */
#define MAX_LIVE 64
#define TMP_MAX_LEN 4200
static char live_path[MAX_LIVE][TMP_MAX_LEN];
static volatile sig_atomic_t live_used[MAX_LIVE];

struct shopstat_outfile {
    FILE *fp;
    int is_stdout;
    int slot;
    char path[4096];
};

void shopstat_outfile_cleanup_all(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live_used[i])
            unlink(live_path[i]);
}

static void unregister(int slot)
{
    if (slot >= 0)
        live_used[slot] = 0;
}

shopstat_status shopstat_outfile_open(const char *path, shopstat_outfile **out,
                                      shopstat_error *err)
{
    *out = NULL;
    shopstat_outfile *of = calloc(1, sizeof *of);
    if (!of)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    of->slot = -1;
    if (strcmp(path, "-") == 0) {
        of->is_stdout = 1;
        of->fp = stdout;
        *out = of;
        return SHOPSTAT_OK;
    }
    if (strlen(path) >= sizeof of->path) {
        free(of);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "path is too long");
    }
    snprintf(of->path, sizeof of->path, "%s", path);
    int slot = -1;
    for (int i = 0; i < MAX_LIVE; i++)
        if (!live_used[i]) {
            slot = i;
            break;
        }
    if (slot < 0) {
        free(of);
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                  "more than %d output files open at once", MAX_LIVE);
    }
    /* Same folder as the target so rename() stays on one file system; leading dot hides it. */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    char tmpl[TMP_MAX_LEN];
    snprintf(tmpl, sizeof tmpl, "%.*s.%s.tmp-XXXXXX", (int)dirlen, path, path + dirlen);
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        int e = errno;
        free(of);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot create: %s",
                                  strerror(e));
    }
    /* mkstemp creates the file 0600; give the result the mode any new file would get
     * (0666 less the umask) or, when it replaces a file, that file's mode. */
    struct stat st;
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, stat(path, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask));
    memcpy(live_path[slot], tmpl, sizeof tmpl);
    live_used[slot] = 1;
    of->slot = slot;
    of->fp = fdopen(fd, "w");
    if (!of->fp) {
        int e = errno;
        close(fd);
        unlink(tmpl);
        unregister(slot);
        free(of);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s",
                                  strerror(e));
    }
    *out = of;
    return SHOPSTAT_OK;
}

FILE *shopstat_outfile_stream(shopstat_outfile *of)
{
    return of->fp;
}

shopstat_status shopstat_outfile_commit(shopstat_outfile *of, shopstat_error *err)
{
    if (!of)
        return SHOPSTAT_OK;
    if (of->is_stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        free(of);
        if (bad)
            return shopstat_error_set(err, SHOPSTAT_EIO, "-", 0, 0,
                                      "cannot write to standard output");
        return SHOPSTAT_OK;
    }
    const char *tmp = live_path[of->slot];
    int bad = fflush(of->fp) != 0 || ferror(of->fp);
    int e = errno;
    /* fsync before rename: after a crash the target is the old or the new file, never empty. */
    if (!bad && fsync(fileno(of->fp)) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(of->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(tmp, of->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad)
        unlink(tmp);
    unregister(of->slot);
    shopstat_status s = SHOPSTAT_OK;
    if (bad)
        s = shopstat_error_set(err, SHOPSTAT_EIO, of->path, 0, 0, "cannot write: %s",
                               strerror(e));
    free(of);
    return s;
}

void shopstat_outfile_abort(shopstat_outfile *of)
{
    if (!of)
        return;
    if (!of->is_stdout) {
        fclose(of->fp);
        unlink(live_path[of->slot]);
        unregister(of->slot);
    }
    free(of);
}
