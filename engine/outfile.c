/* Atomic output files (temp file + fsync + rename) and a signal-safe registry of live temp paths. */
#define _GNU_SOURCE /* fopencookie: the stream keeps the errno of its first failed write */
#include "shopstat/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Live temporary paths, read by a signal handler: no malloc and no locks there. A slot
 * holds a pointer to a path owned by whoever registered it. Threads take a slot with a
 * compare-and-swap of its state (FREE -> TAKEN), store the path, then publish it (LIVE);
 * untrack withdraws it (TAKEN) before the path goes away, then frees the slot. Lock-free
 * atomics, so that a handler may read them (C11 7.14.1.1), and sequentially consistent, so
 * that a handler or another thread sees the path before the state that publishes it. */
#define MAX_LIVE 1024
enum { SLOT_FREE = 0, SLOT_TAKEN, SLOT_LIVE };
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_POINTER_LOCK_FREE == 2,
               "the registry is read by signal handlers: its atomics must be lock-free");
static _Atomic(const char *) live_path[MAX_LIVE];
static atomic_int live_used[MAX_LIVE];

struct shopstat_outfile {
    FILE *fp;
    int fd;   /* what fp writes to (a temporary file, a device or pipe), or -1 */
    int werr; /* errno of the first write or close that failed, or 0 */
    int is_stdout;
    int direct; /* a device or pipe: written in place, no temporary file */
    int slot;
    char path[4096];
    char tmp[4200];
};

void shopstat_outfile_cleanup_all(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (atomic_load(&live_used[i]) == SLOT_LIVE) {
            const char *p = atomic_load(&live_path[i]);
            if (p)
                unlink(p);
        }
}

int shopstat_outfile_track(const char *tmp_path)
{
    for (int i = 0; i < MAX_LIVE; i++) {
        int free_state = SLOT_FREE;
        if (atomic_load(&live_used[i]) == SLOT_FREE &&
            atomic_compare_exchange_strong(&live_used[i], &free_state, SLOT_TAKEN)) {
            atomic_store(&live_path[i], tmp_path);
            atomic_store(&live_used[i], SLOT_LIVE);
            return i;
        }
    }
    return -1;
}

void shopstat_outfile_untrack(int slot)
{
    if (slot >= 0 && slot < MAX_LIVE) {
        atomic_store(&live_used[slot], SLOT_TAKEN);
        atomic_store(&live_path[slot], NULL);
        atomic_store(&live_used[slot], SLOT_FREE);
    }
}

/* Create the temporary file and register it with signals blocked, so that a signal
 * cannot arrive between the two and leave an unregistered file behind. The name is
 * unique by pid and counter, and O_EXCL makes creation safe; unlike mkstemp (0600),
 * mode 0666 lets the umask decide, as for any file the user's tools create, and a regular
 * file it replaces gives its own mode. */
int shopstat_outfile_create(const char *path, char *tmp, size_t n, int *slot)
{
    static atomic_ulong counter; /* (names unique across threads too) */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int fd = -1, e = EEXIST;
    *slot = -1;
    for (int attempt = 0; attempt < 100 && fd < 0 && e == EEXIST; attempt++) {
        int len = snprintf(tmp, n, "%.*s.%s.tmp-%ld-%lu", (int)dirlen, path, path + dirlen,
                           (long)getpid(), atomic_fetch_add(&counter, 1));
        if (len < 0 || (size_t)len >= n) {
            e = ENAMETOOLONG;
            break;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        e = fd < 0 ? errno : 0;
    }
    if (fd >= 0) {
        *slot = shopstat_outfile_track(tmp);
        if (*slot < 0) {
            close(fd);
            unlink(tmp);
            fd = -2;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* a file that replaces another keeps that file's permissions */
    struct stat st;
    if (fd >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        fchmod(fd, st.st_mode & 07777);
    errno = e;
    return fd;
}

/* The stream's writes, through fopencookie: stdio's error flag says that a write failed,
 * but not why, and errno is long gone when commit looks (a full disk was reported as
 * whatever call failed last, or "Success"). */
static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
    shopstat_outfile *of = c;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(of->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (!of->werr)
                of->werr = w < 0 ? errno : EIO;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int cookie_close(void *c)
{
    shopstat_outfile *of = c;
    int r = close(of->fd);
    if (r != 0 && !of->werr)
        of->werr = errno;
    of->fd = -1;
    return r;
}

/* of->fp writing to fd (which the stream then owns); 0 with errno set on failure */
static int open_stream(shopstat_outfile *of, int fd)
{
    cookie_io_functions_t io = {
        .read = NULL, .write = cookie_write, .seek = NULL, .close = cookie_close};
    of->fd = fd;
    of->fp = fopencookie(of, "w", io);
    if (!of->fp)
        of->fd = -1;
    return of->fp != NULL;
}

/* path: error: what: strerror(e), or out of memory (exit 1 in the CLI, not an I/O error) */
static shopstat_status io_error(shopstat_error *err, const char *path, const char *what, int e)
{
    if (e == ENOMEM)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "%s: %s", what, strerror(e));
}

shopstat_status shopstat_outfile_open(const char *path, shopstat_outfile **out,
                                      shopstat_error *err)
{
    *out = NULL;
    shopstat_outfile *of = calloc(1, sizeof *of);
    if (!of)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    of->slot = -1;
    of->fd = -1;
    if (!*path) {
        free(of);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "the output file name is empty");
    }
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
    /* A device, pipe or socket (-o /dev/null, a FIFO) is written to as it is: renamed
     * over, it would be replaced by a regular file (as root, /dev/null itself). What was
     * written there cannot be taken back, so abort only closes it. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(of);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0,
                                  "is a folder; give a file name");
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        of->direct = 1;
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0 || !open_stream(of, fd)) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            free(of);
            return io_error(err, path, "cannot write", e);
        }
        *out = of;
        return SHOPSTAT_OK;
    }
    int fd = shopstat_outfile_create(path, of->tmp, sizeof of->tmp, &of->slot);
    if (fd < 0) {
        int e = errno;
        free(of);
        if (fd == -2)
            return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                      "more than %d output files open at once", MAX_LIVE);
        return io_error(err, path, "cannot create", e);
    }
    if (!open_stream(of, fd)) {
        int e = errno;
        close(fd);
        unlink(of->tmp);
        shopstat_outfile_untrack(of->slot);
        free(of);
        return io_error(err, path, "cannot write", e);
    }
    *out = of;
    return SHOPSTAT_OK;
}

FILE *shopstat_outfile_stream(shopstat_outfile *of)
{
    return of->fp;
}

shopstat_status shopstat_outfile_error(const shopstat_outfile *of, shopstat_error *err)
{
    if (!of || !ferror(of->fp))
        return SHOPSTAT_OK;
    if (of->is_stdout)
        return shopstat_error_set(err, SHOPSTAT_EIO, "-", 0, 0, "cannot write to standard output");
    return io_error(err, of->path, "cannot write", of->werr ? of->werr : EIO);
}

shopstat_status shopstat_outfile_commit(shopstat_outfile *of, shopstat_error *err)
{
    if (!of)
        return SHOPSTAT_OK;
    if (of->is_stdout) {
        /* (why, when this flush is what failed: a table that fit stdio's buffer on a full
         * disk; an earlier failed write's errno is gone) */
        int earlier = ferror(stdout), bad = fflush(stdout) != 0 || earlier, e = errno;
        free(of);
        if (bad && !earlier)
            return shopstat_error_set(err, e == ENOMEM ? SHOPSTAT_ENOMEM : SHOPSTAT_EIO, "-",
                                      0, 0, "cannot write to standard output: %s", strerror(e));
        if (bad)
            return shopstat_error_set(err, SHOPSTAT_EIO, "-", 0, 0,
                                      "cannot write to standard output");
        return SHOPSTAT_OK;
    }
    /* (a device or pipe, of->direct, is written in place: neither synced nor renamed) */
    const char *tmp = of->tmp;
    /* the first failure is the one to report: a write that failed (its errno kept by
     * cookie_write), then the flush, fsync, close and rename */
    int bad = fflush(of->fp) != 0 || ferror(of->fp);
    int e = bad ? (of->werr ? of->werr : EIO) : 0;
    /* fsync before rename: after a crash the target is the old or the new file, never empty. */
    if (!bad && !of->direct && fsync(of->fd) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(of->fp) != 0 && !bad) {
        bad = 1;
        e = of->werr ? of->werr : EIO;
    }
    if (!bad && !of->direct && rename(tmp, of->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (!of->direct) {
        if (bad)
            unlink(tmp);
        shopstat_outfile_untrack(of->slot);
    }
    shopstat_status s = SHOPSTAT_OK;
    if (bad)
        s = io_error(err, of->path, "cannot write", e);
    free(of);
    return s;
}

void shopstat_outfile_abort(shopstat_outfile *of)
{
    if (!of)
        return;
    if (of->direct) {
        fclose(of->fp);
    } else if (!of->is_stdout) {
        fclose(of->fp);
        unlink(of->tmp);
        shopstat_outfile_untrack(of->slot);
    }
    free(of);
}
