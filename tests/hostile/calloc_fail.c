/* LD_PRELOAD shim for tests/hostile/run.sh: calloc(N, sizeof(double)) fails for N =
 * $SHOPSTAT_TEST_CALLOC_FAIL, an allocation of a size the test picks (the replicate rank's
 * R * R + 1 doubles), so that an out-of-memory path no ordinary run reaches is run. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    const char *v = getenv("SHOPSTAT_TEST_CALLOC_FAIL");
    if (v && size == sizeof(double) && n == strtoul(v, NULL, 10)) {
        errno = ENOMEM;
        return NULL;
    }
    return real(n, size);
}
