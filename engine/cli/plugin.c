/* The charts (cairo, pango) and the XLSX writer (libxlsxwriter) of the command-line tool
 * live in a shared object, shopstat-plots.so, loaded when a command first draws a chart or
 * writes a workbook. The 37 libraries they pull in took 11 of the 14 ms a run spent
 * starting, on every run, charts or not: tab, compare, chisq, describe and replicate no
 * longer load them.
 *
 * The functions below stand in for the real ones of plots/ and engine/xlsx.c (which
 * libshopstat.a holds, for programs linked with it): each loads the object once and calls
 * its own copy of the function. The object calls back into the program for
 * shopstat_error_set and the output-file registry (plugin.list exports them), so that an
 * interrupted run still removes a chart's temporary file. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "shopstat/chart.h"
#include "shopstat/report_pdf.h"
#include "shopstat/shopstat.h"
#include "shopstat/xlsx.h"

#define PLUGIN "shopstat-plots.so"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void *handle;
static char why[3 * PATH_MAX]; /* why loading failed, for the error message */

/* Beside the program (the build tree), then in PREFIX/lib/shopstat (installed). */
static void load(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(why, sizeof why, "cannot find the program's folder: %s", strerror(errno));
        return;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/'); /* (the kernel gives an absolute path) */
    if (slash)
        *slash = '\0';
    static const char *const where[] = {"%s/" PLUGIN, "%s/../lib/shopstat/" PLUGIN};
    char path[PATH_MAX + 64];
    for (size_t i = 0; i < sizeof where / sizeof where[0] && !handle; i++) {
        snprintf(path, sizeof path, where[i], exe);
        if (access(path, F_OK) != 0)
            continue;
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            snprintf(why, sizeof why, "%s", dlerror());
            return;
        }
        const char *const *v = dlsym(handle, "shopstat_plots_version");
        if (!v || strcmp(*v, SHOPSTAT_VERSION) != 0) {
            snprintf(why, sizeof why, "%s is from shopstat %s, this program is %s", path,
                     v ? *v : "(unknown)", SHOPSTAT_VERSION);
            dlclose(handle);
            handle = NULL;
            return;
        }
    }
    if (!handle)
        snprintf(why, sizeof why, "no %s beside %s or in %s/../lib/shopstat", PLUGIN, exe, exe);
}

/* The object's own copy of the function named name, or NULL with err set. */
static void *plugin_fn(const char *name, shopstat_error *err)
{
    pthread_once(&once, load);
    void *f = handle ? dlsym(handle, name) : NULL;
    if (!f && err) {
        if (handle)
            snprintf(why, sizeof why, "%s has no %s", PLUGIN, name);
        shopstat_error_set(err, SHOPSTAT_EIO, NULL, 0, 0,
                           "cannot load the chart and XLSX writer: %s; reinstall shopstat", why);
    }
    return f;
}

shopstat_status cli_plugin_load(shopstat_error *err)
{
    return plugin_fn("shopstat_chart_render_pages", err) ? SHOPSTAT_OK : err->status;
}

/* f's type is T: calls it, or returns the error plugin_fn set */
#define FORWARD(T, name, err, ...)                                                             \
    do {                                                                                       \
        T f_;                                                                                  \
        void *p_ = plugin_fn(#name, err);                                                      \
        if (!p_)                                                                               \
            return err ? err->status : SHOPSTAT_EIO;                                           \
        memcpy(&f_, &p_, sizeof f_);                                                           \
        return f_(__VA_ARGS__);                                                                \
    } while (0)

shopstat_status shopstat_chart_render_pages(const char *path,
                                            const shopstat_chart_data *const *charts, size_t n,
                                            const shopstat_chart_opts *opts, shopstat_error *err)
{
    typedef shopstat_status (*fn)(const char *, const shopstat_chart_data *const *, size_t,
                                  const shopstat_chart_opts *, shopstat_error *);
    FORWARD(fn, shopstat_chart_render_pages, err, path, charts, n, opts, err);
}

shopstat_status shopstat_chart_format_from_path(const char *path, shopstat_chart_format *fmt,
                                                shopstat_error *err)
{
    typedef shopstat_status (*fn)(const char *, shopstat_chart_format *, shopstat_error *);
    FORWARD(fn, shopstat_chart_format_from_path, err, path, fmt, err);
}

shopstat_status shopstat_chart_render_file(const char *path, const shopstat_chart_data *chart,
                                           const shopstat_chart_opts *opts, shopstat_error *err)
{
    typedef shopstat_status (*fn)(const char *, const shopstat_chart_data *,
                                  const shopstat_chart_opts *, shopstat_error *);
    FORWARD(fn, shopstat_chart_render_file, err, path, chart, opts, err);
}

shopstat_status shopstat_chart_fits(const shopstat_chart_data *d, const shopstat_chart_opts *opts,
                                    shopstat_error *err)
{
    typedef shopstat_status (*fn)(const shopstat_chart_data *, const shopstat_chart_opts *,
                                  shopstat_error *);
    FORWARD(fn, shopstat_chart_fits, err, d, opts, err);
}

shopstat_status shopstat_report_pdf_write(const char *path, const shopstat_title_page *tp,
                                          const shopstat_chart_data *const *charts,
                                          const size_t *tables, size_t n,
                                          const shopstat_chart_opts *opts, shopstat_error *err)
{
    typedef shopstat_status (*fn)(const char *, const shopstat_title_page *,
                                  const shopstat_chart_data *const *, const size_t *, size_t,
                                  const shopstat_chart_opts *, shopstat_error *);
    FORWARD(fn, shopstat_report_pdf_write, err, path, tp, charts, tables, n, opts, err);
}

shopstat_status shopstat_xlsx_write(const char *path, const shopstat_xlsx_table *tables,
                                    size_t ntables, const shopstat_xlsx_opts *o,
                                    shopstat_error *err)
{
    typedef shopstat_status (*fn)(const char *, const shopstat_xlsx_table *, size_t,
                                  const shopstat_xlsx_opts *, shopstat_error *);
    FORWARD(fn, shopstat_xlsx_write, err, path, tables, ntables, o, err);
}

/* (a workbook's options are set just before it is written: when the object cannot be
 * loaded they stay zero and shopstat_xlsx_write says why) */
void shopstat_xlsx_opts_init(shopstat_xlsx_opts *o)
{
    memset(o, 0, sizeof *o);
    void *p = plugin_fn("shopstat_xlsx_opts_init", NULL);
    if (p) {
        void (*f)(shopstat_xlsx_opts *);
        memcpy(&f, &p, sizeof f);
        f(o);
    }
}
