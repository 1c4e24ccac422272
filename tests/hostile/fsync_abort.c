/* LD_PRELOAD shim for tests/hostile/outputs.sh: fsync aborts the process, as a library
 * that crashes (out of memory in fontconfig or GLib, libxlsxwriter) would, at the moment
 * an output's temporary file or a report's temporary folder exists. */
#include <stdlib.h>

int fsync(int fd)
{
    (void)fd;
    abort();
}
