/* Shared helpers for the cmocka unit tests: relative-tolerance double comparison, a scratch
 * folder per test, a plan's pass over csv text. */
#ifndef SHOPSTAT_TESTUTIL_H
#define SHOPSTAT_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "shopstat/reader.h"
#include "shopstat/tab.h"

/* splitmix64: the next of a deterministic sequence of 64-bit numbers (data sets for the
 * tests), from *state. */
static inline uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* n bytes (NULs too) in a new temporary file; its path, for remove_tmp. */
static inline char *write_tmp_n(const char *bytes, size_t n)
{
    char *path = strdup("/tmp/shopstat_test_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
    return path;
}

static inline char *write_tmp(const char *text)
{
    return write_tmp_n(text, strlen(text));
}

/* The file of write_tmp gone, and its name freed. */
static inline void remove_tmp(char *path)
{
    unlink(path);
    free(path);
}

/* csv text in a temporary file, read and passed over by plan p: the totals in *t, the status
 * returned with its detail in *err. The file is removed again. */
static inline shopstat_status totals_of_csv(const char *csv, shopstat_plan *p, shopstat_totals **t,
                                            shopstat_error *err)
{
    char *path = write_tmp(csv);
    shopstat_reader *rd = NULL;
    shopstat_status st = shopstat_reader_open(path, NULL, &rd, err);
    if (!st)
        st = shopstat_totals_compute(p, rd, t, err);
    shopstat_reader_free(rd);
    remove_tmp(path);
    return st;
}

/* cmocka's assert_float_equal casts to float: never use it. This compares doubles
 * with |a - b| <= rel * max(|a|, |b|) (or <= rel when both are below 1). */
#define assert_close(a, b, rel) assert_close_at((a), (b), (rel), #a, #b, __FILE__, __LINE__)

static inline void assert_close_at(double a, double b, double rel, const char *sa,
                                   const char *sb, const char *file, int line)
{
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    if ((isnan(a) && isnan(b)) || fabs(a - b) <= rel * scale)
        return;
    print_error("%s = %.17g differs from %s = %.17g (rel tol %g)\n", sa, a, sb, b, rel);
    _fail(file, line);
}

/* A fresh scratch folder per test, as cmocka setup and teardown: scratch_dir is its path. */
/* Locales with a decimal comma to run number output under, each skipped where it is not
 * installed; the C locale ends the list (tests/hostile/run.sh makes a de_DE.UTF-8 with
 * localedef). */
static const char *const decimal_comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                                    "fr_FR.utf8",  "C",          NULL};

static char scratch_dir[64];

static inline int scratch_setup(void **state)
{
    (void)state;
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/shopstat_test_XXXXXX");
    return mkdtemp(scratch_dir) ? 0 : -1;
}

static inline int scratch_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd);
}

#endif
