/* LD_PRELOAD shim for tests/hostile/run.sh: an allocation of a size the test picks fails,
 * so that an out-of-memory path no ordinary run reaches is run. calloc(N, sizeof(double))
 * fails for N = $SHOPSTAT_TEST_CALLOC_FAIL (the replicate rank's R * R + 1 doubles);
 * realloc(p, B) for B = $SHOPSTAT_TEST_REALLOC_FAIL bytes (the replicate directions' first
 * 64 x R doubles); malloc(B) for B = $SHOPSTAT_TEST_MALLOC_FAIL (the time order's keys). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int fails(const char *var, size_t n)
{
    const char *v = getenv(var);
    return v && n == strtoul(v, NULL, 10);
}

void *calloc(size_t n, size_t size)
{
    static void *(*real)(size_t, size_t);
    static int resolving;
    static char early[4096]; /* (dlsym's own calloc, while the real one is looked up) */
    static size_t early_used;
    if (!real) {
        if (resolving) {
            size_t b = (n * size + 15) & ~(size_t)15;
            if (n && size > sizeof early / n)
                return NULL;
            if (b > sizeof early - early_used)
                return NULL;
            early_used += b;
            return memset(early + early_used - b, 0, b);
        }
        resolving = 1;
        real = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
    }
    if (size == sizeof(double) && fails("SHOPSTAT_TEST_CALLOC_FAIL", n)) {
        errno = ENOMEM;
        return NULL;
    }
    return real(n, size);
}

void *realloc(void *p, size_t size)
{
    static void *(*real)(void *, size_t);
    if (!real)
        real = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    if (fails("SHOPSTAT_TEST_REALLOC_FAIL", size)) {
        errno = ENOMEM;
        return NULL;
    }
    return real(p, size);
}

void *malloc(size_t size)
{
    static void *(*real)(size_t);
    static int resolving;
    static char early[4096]; /* (dlsym's own malloc, while the real one is looked up) */
    static size_t early_used;
    if (!real) {
        if (resolving) {
            size_t b = (size + 15) & ~(size_t)15;
            if (b > sizeof early - early_used)
                return NULL;
            early_used += b;
            return early + early_used - b;
        }
        resolving = 1;
        real = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
        resolving = 0;
    }
    if (fails("SHOPSTAT_TEST_MALLOC_FAIL", size)) {
        errno = ENOMEM;
        return NULL;
    }
    return real(size);
}
