/* The libFuzzer entry points' declarations and the one LLVMFuzzerInitialize the targets share. */
#ifndef SHOPSTAT_FUZZ_COMMON_H
#define SHOPSTAT_FUZZ_COMMON_H

/* Before including this, a target whose code reads a path defines FUZZ_TMP "name": every
 * input goes through one temporary file per process, /tmp/shopstat-fuzz-name-XXXXXX, named
 * in `path` (mkstemp, so parallel jobs never share one), removed at exit. With FUZZ_TMP_TEXT (a char array)
 * too, the file is made holding that text, its NUL left out. Every target turns GSL's
 * error handler off, which aborts by default (STYLE.md rule 5). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_TMP
static char path[64];

/* (at exit: libFuzzer's end of -max_total_time or -runs; a crash keeps it with the
 * artifact) */
static void fuzz_tmp_remove(void)
{
    unlink(path);
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
#ifdef FUZZ_TMP
    snprintf(path, sizeof path, "/tmp/shopstat-fuzz-" FUZZ_TMP "-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
#ifdef FUZZ_TMP_TEXT
    if (write(fd, FUZZ_TMP_TEXT, sizeof FUZZ_TMP_TEXT - 1) != (ssize_t)(sizeof FUZZ_TMP_TEXT - 1))
        abort();
#endif
    close(fd);
    atexit(fuzz_tmp_remove);
#endif
    return 0;
}

#endif
