/* LD_PRELOAD shim for tests/hostile/outputs.sh: a file cut or replaced while shopstat
 * reads it. With $SHOPSTAT_TEST_CUT = "PATH:SIZE", the second fread of the process or its
 * first pread (the reader's first block is read at open; the rest comes after) first
 * truncates PATH to SIZE bytes, once, as a program rewriting an export in place would; with
 * $SHOPSTAT_TEST_REPLACE = "NEW:PATH" it renames NEW over PATH instead, as a program that
 * writes a new export atomically would. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int freads, done;

static void cut(void)
{
    const char *v = getenv("SHOPSTAT_TEST_CUT");
    const char *colon = v ? strrchr(v, ':') : NULL;
    const char *r = getenv("SHOPSTAT_TEST_REPLACE");
    const char *rcolon = r ? strchr(r, ':') : NULL;
    if (!done && rcolon) {
        char from[4096];
        snprintf(from, sizeof from, "%.*s", (int)(rcolon - r), r);
        done = 1;
        if (rename(from, rcolon + 1) != 0)
            perror("cut_read: rename");
        return;
    }
    if (done || !colon)
        return;
    done = 1;
    char path[4096];
    snprintf(path, sizeof path, "%.*s", (int)(colon - v), v);
    if (truncate(path, (off_t)strtoll(colon + 1, NULL, 10)) != 0)
        perror("cut_read: truncate");
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
    static size_t (*real)(void *, size_t, size_t, FILE *);
    if (!real)
        real = (size_t(*)(void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fread");
    if (++freads == 2)
        cut();
    return real(buf, size, n, f);
}

static ssize_t cut_pread(const char *name, int fd, void *buf, size_t n, off_t off)
{
    ssize_t (*real)(int, void *, size_t, off_t) =
        (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, name);
    cut();
    return real(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return cut_pread("pread", fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    return cut_pread("pread64", fd, buf, n, off);
}
