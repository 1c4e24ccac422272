/* Shared helpers for the cmocka unit tests: relative-tolerance double comparison. */
#ifndef SHOPSTAT_TESTUTIL_H
#define SHOPSTAT_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

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

#endif
