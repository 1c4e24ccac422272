/* LD_PRELOAD shim for tests/hostile/interrupt.sh: SIGTERM right after a rename() that moves
 * a report's previous folder aside (its target holds ".old-"), i.e. between report.c's
 * two renames, where an interrupted commit once left no output folder. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int rename(const char *from, const char *to)
{
    int (*real)(const char *, const char *) =
        (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    int rc = real(from, to);
    if (rc == 0 && strstr(to, ".old-"))
        raise(SIGTERM);
    return rc;
}
