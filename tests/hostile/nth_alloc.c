/* LD_PRELOAD shim for tests/hostile/outputs.sh: the Nth call of malloc, calloc or realloc
 * (N = $SHOPSTAT_TEST_NTH_ALLOC, counted from the start of the process) fails with ENOMEM,
 * so that a loop over N makes every allocation of a run fail in turn. With
 * $SHOPSTAT_TEST_NTH_COUNT set to a file name, the number of calls is written there at exit
 * (the loop's length). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long calls, fail_at;
static int read_env;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int resolving;
static char early[65536]; /* (dlsym's own allocations, while the real ones are looked up) */
static size_t early_used;

static void *early_alloc(size_t n)
{
    size_t b = (n + 15) & ~(size_t)15;
    if (b > sizeof early - early_used)
        return NULL;
    early_used += b;
    return memset(early + early_used - b, 0, b);
}

static int resolve(void)
{
    if (real_malloc)
        return 1;
    if (resolving)
        return 0;
    resolving = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    resolving = 0;
    return real_malloc != NULL;
}

static int fails(void)
{
    if (!read_env) {
        read_env = 1;
        const char *v = getenv("SHOPSTAT_TEST_NTH_ALLOC");
        fail_at = v ? strtoul(v, NULL, 10) : 0;
    }
    if (++calls != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    if (!resolve())
        return early_alloc(n);
    return fails() ? NULL : real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (!resolve())
        return n && size > sizeof early / n ? NULL : early_alloc(n * size);
    return fails() ? NULL : real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (!resolve())
        return NULL;
    return fails() ? NULL : real_realloc(p, n);
}

void free(void *p)
{
    if ((char *)p >= early && (char *)p < early + sizeof early)
        return;
    if (resolve())
        real_free(p);
}

__attribute__((destructor)) static void write_count(void)
{
    const char *path = getenv("SHOPSTAT_TEST_NTH_COUNT");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "%lu\n", calls);
        fclose(f);
    }
}
