/* Buffers in transparent huge pages (see internal.h). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdint.h>
#include <sys/mman.h>

#include "internal.h"

static size_t huge_len(size_t bytes)
{
    return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

void *huge_map(size_t bytes)
{
    size_t want = huge_len(bytes), len = want + HUGE_PAGE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    size_t tail = (size_t)(p + len - (a + want));
    if (tail)
        munmap(a + want, tail);
#ifdef MADV_HUGEPAGE
    madvise(a, want, MADV_HUGEPAGE);
#endif
    return a;
}

void huge_unmap(void *p, size_t bytes)
{
    if (p)
        munmap(p, huge_len(bytes));
}
