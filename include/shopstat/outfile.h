/* Atomic output files: write to a temporary file in the target's folder, rename at the end. */
#ifndef SHOPSTAT_OUTFILE_H
#define SHOPSTAT_OUTFILE_H

#include <stdio.h>

#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The registry of temporary paths is process-wide and lock-free: output files may be
 * opened, committed and aborted from several threads at once (each handle from one thread
 * at a time). At most 1024 may be open at once in the process. */
typedef struct shopstat_outfile shopstat_outfile;

/* Create a temporary file ".NAME.tmp-PID-N" next to path (O_EXCL, mode 0666 less the
 * umask; same folder so the final rename is atomic) and return a handle whose stream is
 * shopstat_outfile_stream(). path "-" means standard output: commit and abort then only
 * flush / do nothing. An existing path that is not a regular file (/dev/null, a FIFO) is
 * opened and written in place: commit closes it, abort too (what was written stays). A
 * folder is SHOPSTAT_EUSAGE. On failure *out is NULL and err says why (SHOPSTAT_EIO). The temporary
 * path is registered so that shopstat_outfile_cleanup_all() can remove it if the process is
 * interrupted. */
shopstat_status shopstat_outfile_open(const char *path, shopstat_outfile **out,
                                      shopstat_error *err);

/* Borrowed stream to write to; valid until commit or abort. */
FILE *shopstat_outfile_stream(shopstat_outfile *of);

/* Flush, fsync, close and rename the temporary file onto path, then free the handle.
 * On failure the temporary file is removed and err says why: "PATH: cannot write: " and
 * the errno of the first write that failed (a full disk: "No space left on device", even
 * when the failure was long before the commit), SHOPSTAT_EIO; SHOPSTAT_ENOMEM when that
 * was ENOMEM. of may be NULL (no-op). */
shopstat_status shopstat_outfile_commit(shopstat_outfile *of, shopstat_error *err);

/* After a writer failed on the stream (its status SHOPSTAT_EIO, "the stream reported an
 * error"): set err to what failed, as commit would say it ("PATH: cannot write: No space
 * left on device"), and return that status; SHOPSTAT_OK, err untouched, when the stream
 * has no error (the writer failed for another reason). of may be NULL. */
shopstat_status shopstat_outfile_error(const shopstat_outfile *of, shopstat_error *err);

/* Close and remove the temporary file and free the handle; the target is untouched.
 * NULL is a no-op. */
void shopstat_outfile_abort(shopstat_outfile *of);

/* Unlink every temporary file still open. Async-signal-safe (calls only unlink), for
 * SIGINT/SIGTERM handlers; the handles themselves are not freed. */
void shopstat_outfile_cleanup_all(void);

/* For writers that manage their own temporary files (charts): register tmp_path so that
 * shopstat_outfile_cleanup_all() removes it. The string is borrowed and must stay valid
 * and unchanged until shopstat_outfile_untrack(slot). Returns the slot, or -1 when 1024
 * paths are registered already (the file is then not removed on a signal). */
int shopstat_outfile_track(const char *tmp_path);

/* For writers that manage their own temporary files (charts, report.pdf): create
 * ".NAME.tmp-PID-N" next to path as shopstat_outfile_open() does (O_EXCL, mode 0666 less
 * the umask, or the mode of the regular file at path, which it is to replace) and register
 * it, with signals blocked meanwhile. Its name goes in tmp (n bytes; it must stay valid
 * until shopstat_outfile_untrack(*slot)). Returns the descriptor; -1 with errno set
 * (ENAMETOOLONG when tmp is too small), or -2 when 1024 paths are registered already. */
int shopstat_outfile_create(const char *path, char *tmp, size_t n, int *slot);

/* Forget a slot from shopstat_outfile_track(); -1 is a no-op. Call it after the file
 * is renamed or removed, and before the path's storage is freed. */
void shopstat_outfile_untrack(int slot);

#ifdef __cplusplus
}
#endif
#endif
