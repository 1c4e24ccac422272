/* shopstat: design-based statistics for shopper surveys. Umbrella header. */
#ifndef SHOPSTAT_H
#define SHOPSTAT_H

/* The library's contract, for every header below unless a function says otherwise
 * (docs/library.md has a complete program):
 *
 * - Linking: only the static archive libshopstat.a is installed; build with
 *   `pkg-config --cflags --libs shopstat`. Its global symbols all start with shopstat_
 *   (internal ones shopstat_internal_*: not API), so every other name is the program's.
 * - Errors: a fallible function returns shopstat_status and fills the caller's
 *   shopstat_error (err may be NULL where the function says so). The library never
 *   prints, exits or aborts (GSL's abort-on-error handler is turned off: error.h).
 * - Ownership: whoever creates an object frees it, with the matching _free, which takes
 *   NULL as a no-op. Arrays returned through `T **out` are malloc'ed: free() them. Strings
 *   and structs returned by getters are borrowed, valid until the object that owns them
 *   is freed; results borrow from the totals and the plan (shopstat_totals_compute), so
 *   free results, then totals, then the plan. The library copies what it keeps of the
 *   strings it is given, except where a comment says the pointer is borrowed.
 * - NULL: pointer arguments must not be NULL unless the comment says they may be (opts
 *   arguments usually may: NULL means the defaults). Getters take a valid object and an
 *   index below the matching count (shopstat_totals_nquestions, ...); neither is checked.
 * - Options: every *_opts struct is filled by its *_opts_init(&o) first, then fields are
 *   set by name, so that fields added by a later version keep their defaults. Enums are
 *   stable: values are only ever added at the end.
 * - Threads: separate objects may be used from separate threads at once; one object
 *   (a reader, plan or totals being built, an error record) from one thread at a time.
 *   Finished totals are only read by the functions that take them as const (getters,
 *   estimates, comparisons), which may then run on several threads. The pass itself
 *   may run on threads of its own (shopstat_pass_opts). Output files (outfile.h) may be
 *   opened and committed on several threads at once. Process-wide exception: a report run
 *   (report.h) is one thread's.
 * - Locale: numbers are read and written in the C locale's form whatever setlocale() the
 *   program made; a call that prints numbers sets its own thread's numeric locale
 *   (uselocale) and gives it back before it returns.
 * - Signals, errno: no signal handler is installed; errors come in shopstat_error, and
 *   any call may change errno.
 * - A pass may report progress and be canceled: shopstat_pass_opts (tab.h). */

/* The version of these headers: the one place it is defined (the Makefile reads the string
 * for the pkg-config file; `shopstat --version` prints it). The numbers are for the
 * preprocessor (#if SHOPSTAT_VERSION_MAJOR > 0 || SHOPSTAT_VERSION_MINOR >= 2); the string
 * is always "MAJOR.MINOR.PATCH" of them (tests/api/run.sh checks both, the .pc file's
 * Version and the program's). */
#define SHOPSTAT_VERSION_MAJOR 0
#define SHOPSTAT_VERSION_MINOR 1
#define SHOPSTAT_VERSION_PATCH 0
#define SHOPSTAT_VERSION "0.1.0"

#include "shopstat/error.h"
#include "shopstat/reader.h"
#include "shopstat/describe.h"
#include "shopstat/outfile.h"
#include "shopstat/design.h"
#include "shopstat/replicate.h"
#include "shopstat/ci.h"
#include "shopstat/tab.h"
#include "shopstat/xlsx.h"
#include "shopstat/compare.h"
#include "shopstat/scale.h"
#include "shopstat/score.h"
#include "shopstat/output.h"
#include "shopstat/chart.h"
#include "shopstat/chartset.h"
#include "shopstat/spec.h"
#include "shopstat/report.h"
#include "shopstat/report_pdf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library linked in, as SHOPSTAT_VERSION ("0.1.0"): the headers a
 * program was compiled with may differ from the archive it was linked with. Static
 * string, never NULL. */
const char *shopstat_version(void);

#ifdef __cplusplus
}
#endif

#endif
