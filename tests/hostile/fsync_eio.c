/* LD_PRELOAD shim for tests/hostile/interrupt.sh: fsync and fdatasync fail with EIO, as on
 * a disk that cannot write back, so that every output must report the error and leave
 * neither its target nor a temporary file (a write that only fsync can catch: NFS, a full
 * thin-provisioned volume). */
#include <errno.h>

int fsync(int fd)
{
    (void)fd;
    errno = EIO;
    return -1;
}

int fdatasync(int fd)
{
    (void)fd;
    errno = EIO;
    return -1;
}
