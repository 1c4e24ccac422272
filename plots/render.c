/* Chart files: PDF (one page per chart), PNG and SVG, written atomically and deterministically. */
#include "internal.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopstat/outfile.h"
#include "shopstat/shopstat.h"
#include "../engine/cnumeric.h"

/* The release this code is from: the program checks it when it loads the charts as
 * shopstat-plots.so (engine/cli/plugin.c). */
const char *const shopstat_plots_version = SHOPSTAT_VERSION;

/* A fixed date makes PDFs byte-identical between runs. cairo 1.16 otherwise stamps the
 * creation time; the modification date is set too so no version adds one of its own. */
#define FIXED_PDF_DATE "2000-01-01T00:00:00Z"

static const char *ext_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1))
        return NULL;
    return dot;
}

static int ext_is(const char *ext, const char *want)
{
    for (; *ext && *want; ext++, want++)
        if (tolower((unsigned char)*ext) != *want)
            return 0;
    return *ext == *want;
}

shopstat_status shopstat_chart_format_from_path(const char *path, shopstat_chart_format *fmt,
                                                shopstat_error *err)
{
    const char *ext = path ? ext_of(path) : NULL;
    if (ext && ext_is(ext, ".pdf"))
        *fmt = SHOPSTAT_CHART_PDF;
    else if (ext && ext_is(ext, ".png"))
        *fmt = SHOPSTAT_CHART_PNG;
    else if (ext && ext_is(ext, ".svg"))
        *fmt = SHOPSTAT_CHART_SVG;
    else
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--chart '%s': cannot tell the file type; the name must end "
                                  "in .pdf, .png or .svg",
                                  path ? path : "");
    return SHOPSTAT_OK;
}

shopstat_status shopstat_chart_page_path(const char *path, const char *question, size_t i, size_t n,
                                         char *buf, size_t size, shopstat_error *err)
{
    shopstat_chart_format fmt;
    shopstat_status st = shopstat_chart_format_from_path(path, &fmt, err);
    if (st)
        return st;
    int w;
    if (n <= 1 || fmt == SHOPSTAT_CHART_PDF) {
        w = snprintf(buf, size, "%s", path);
    } else {
        const char *ext = ext_of(path);
        char q[256];
        size_t k = 0;
        for (const char *p = question ? question : ""; *p && k + 1 < sizeof q; p++) {
            unsigned char ch = (unsigned char)*p;
            q[k++] =
                (isalnum(ch) || ch == '.' || ch == '_' || ch == '-') && ch < 128 ? (char)ch : '_';
        }
        q[k] = '\0';
        if (k == 0)
            snprintf(q, sizeof q, "q%zu", i + 1);
        w = snprintf(buf, size, "%.*s-%s%s", (int)(ext - path), path, q, ext);
    }
    if (w < 0 || (size_t)w >= size)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "chart file name too long");
    return SHOPSTAT_OK;
}

/* An output file being written: a temporary sibling renamed over the target at the end. */
typedef struct out_file {
    char path[4096];
    char tmp[4200]; /* (".NAME.tmp-PID-N" beside path) */
    FILE *f;
    int write_failed;
    int write_errno; /* why (ENOSPC...), 0 if unknown */
    int slot; /* in the outfile registry, so that Ctrl-C removes tmp */
} out_file;

static shopstat_status out_open(out_file *of, const char *path, shopstat_error *err)
{
    memset(of, 0, sizeof *of);
    if (snprintf(of->path, sizeof of->path, "%s", path) >= (int)sizeof of->path)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "file name too long");
    /* (mode 0666 less the umask, or the replaced file's, as every output) */
    int fd = shopstat_outfile_create(path, of->tmp, sizeof of->tmp, &of->slot);
    if (fd == -2)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0,
                                  "too many output files open at once");
    if (fd < 0 && errno == ENAMETOOLONG)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "file name too long");
    if (fd < 0)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0,
                                  "cannot create a file next to "
                                  "it: %s",
                                  strerror(errno));
    if (!(of->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlink(of->tmp);
        shopstat_outfile_untrack(of->slot);
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return SHOPSTAT_OK;
}

static cairo_status_t out_write(void *closure, const unsigned char *data, unsigned int len)
{
    out_file *of = closure;
    if (fwrite(data, 1, len, of->f) != len) {
        of->write_failed = 1;
        of->write_errno = errno;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* SVG output is collected in memory so that cairo's process-wide surface counter, which it
 * writes as <g id="surfaceN">, can be replaced by a fixed id: otherwise the same chart gets a
 * different file depending on how many surfaces the process made before. */
typedef struct mem_buf {
    unsigned char *data;
    size_t len, cap;
    int failed;
} mem_buf;

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
    mem_buf *m = closure;
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->len + len)
            cap *= 2;
        unsigned char *p = realloc(m->data, cap);
        if (!p) {
            m->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Write m to of with every id="surface<digits>" (and its #surface<digits> references)
 * renumbered to surface1. */
static void mem_flush_svg(const mem_buf *m, out_file *of)
{
    static const char key[] = "surface";
    size_t i = 0, from = 0, k = sizeof key - 1;
    while (i + k < m->len) {
        if (memcmp(m->data + i, key, k) == 0 && i > 0 &&
            (m->data[i - 1] == '"' || m->data[i - 1] == '#') && isdigit(m->data[i + k])) {
            size_t j = i + k;
            while (j < m->len && isdigit(m->data[j]))
                j++;
            out_write(of, m->data + from, (unsigned)(i + k - from));
            out_write(of, (const unsigned char *)"1", 1);
            i = from = j;
            continue;
        }
        i++;
    }
    out_write(of, m->data + from, (unsigned)(m->len - from));
}

/* Close; on success keep the temporary file for out_commit(), else remove it. */
static shopstat_status out_close(out_file *of, shopstat_status st, shopstat_error *err)
{
    if (!of->f)
        return st;
    /* synced before the rename, as every output: after a crash the target is the old
     * file or the new one, never an empty one */
    int e = 0;
    if (!st && !of->write_failed && (fflush(of->f) != 0 || fsync(fileno(of->f)) != 0))
        e = errno;
    int bad = fclose(of->f) != 0 || of->write_failed || e;
    if (!e)
        e = of->write_failed ? of->write_errno : errno;
    of->f = NULL;
    if (!st && bad)
        st = shopstat_error_set(err, SHOPSTAT_EIO, of->path, 0, 0, "cannot write: %s",
                                strerror(e ? e : EIO));
    if (st) {
        unlink(of->tmp);
        shopstat_outfile_untrack(of->slot);
        of->slot = -1;
    }
    return st;
}

static shopstat_status out_commit(out_file *of, shopstat_error *err)
{
    int bad = rename(of->tmp, of->path) != 0;
    int e = errno;
    if (bad)
        unlink(of->tmp);
    shopstat_outfile_untrack(of->slot);
    of->slot = -1;
    if (bad) {
        return shopstat_error_set(err, SHOPSTAT_EIO, of->path, 0, 0, "cannot rename into place: %s",
                                  strerror(e));
    }
    return SHOPSTAT_OK;
}

static shopstat_status surface_status(cairo_surface_t *sf, const char *path, shopstat_error *err)
{
    cairo_status_t cs = cairo_surface_status(sf);
    if (cs == CAIRO_STATUS_SUCCESS)
        return SHOPSTAT_OK;
    if (cs == CAIRO_STATUS_WRITE_ERROR)
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write");
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, path, 0, 0, "out of memory");
    return shopstat_error_set(err, SHOPSTAT_EINTERNAL, path, 0, 0, "cairo: %s",
                              cairo_status_to_string(cs));
}

shopstat_status plots_plan_page(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                plots_page_plan *pp, shopstat_error *err)
{
    pp->draw = *o;
    pp->dc = *d;
    pp->dc.opts = d->opts ? &pp->draw : NULL;
    pp->height = o->height;
    pp->type_h = 0;
    if (!o->fit_height)
        return SHOPSTAT_OK;
    shopstat_status st = SHOPSTAT_OK;
    pp->draw.compact = 1;
    double hc = o->height;
    shopstat_error e = {0};
    st = shopstat_chart_compact_height(&pp->dc, &pp->draw, o->width, o->height, &hc, &e);
    if (!st) {
        pp->height = fmin(o->height, ceil(hc));
        return SHOPSTAT_OK;
    }
    if (st != SHOPSTAT_EUSAGE) {
        if (err)
            *err = e;
        return st;
    }
    st = plots_grown_height(&pp->dc, &pp->draw, o->width, o->height, &hc, err);
    if (!st) {
        pp->height = hc;
        pp->type_h = o->height;
    }
    return st;
}

shopstat_status plots_draw_planned(cairo_t *cr, const plots_page_plan *pp, shopstat_error *err)
{
    const shopstat_chart_opts *o = &pp->draw;
    return pp->type_h > 0 ? plots_draw_typed(cr, o->width, pp->height, pp->type_h, &pp->dc, o, err)
                          : shopstat_chart_draw(cr, o->width, o->height, &pp->dc, o, err);
}

/* Draw one chart on a fresh context over sf, on a white page. */
static shopstat_status draw_page(cairo_surface_t *sf, double scale, const plots_page_plan *pp,
                                 shopstat_error *err)
{
    cairo_t *cr = cairo_create(sf);
    cairo_scale(cr, scale, scale);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    shopstat_status st = plots_draw_planned(cr, pp, err);
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "cairo: %s",
                                cairo_status_to_string(cairo_status(cr)));
    cairo_destroy(cr);
    return st;
}

static shopstat_status render_pdf(const char *path, const shopstat_chart_data *const *charts,
                                  size_t n, const shopstat_chart_opts *o, shopstat_error *err)
{
    out_file of;
    shopstat_status st = out_open(&of, path, err);
    if (st)
        return st;
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(out_write, &of, o->width, o->height);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shopstat " SHOPSTAT_VERSION);
    const char *title = o->title && *o->title        ? o->title
                        : n == 1 && charts[0]->label ? charts[0]->label
                                                     : NULL;
    if (title)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    for (size_t i = 0; i < n && !st; i++) {
        const shopstat_chart_opts *oi = charts[i]->opts ? charts[i]->opts : o;
        plots_page_plan pp;
        st = plots_plan_page(charts[i], oi, &pp, err);
        if (st)
            break;
        cairo_pdf_surface_set_size(sf, oi->width, pp.height);
        st = draw_page(sf, 1.0, &pp, err);
        if (!st) {
            cairo_t *cr = cairo_create(sf);
            cairo_show_page(cr);
            cairo_destroy(cr);
        }
    }
    cairo_surface_finish(sf);
    if (!st)
        st = surface_status(sf, path, err);
    cairo_surface_destroy(sf);
    st = out_close(&of, st, err);
    return st ? st : out_commit(&of, err);
}

/* PNG or SVG: one file per chart; all are written before any is renamed into place. */
static shopstat_status render_each(const char *path, shopstat_chart_format fmt,
                                   const shopstat_chart_data *const *charts, size_t n,
                                   const shopstat_chart_opts *o, shopstat_error *err)
{
    out_file *files = calloc(n, sizeof *files);
    if (!files)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    shopstat_status st = SHOPSTAT_OK;
    size_t opened = 0;
    for (size_t i = 0; i < n && !st; i++) {
        char name[4096];
        st = shopstat_chart_page_path(path, charts[i]->name, i, n, name, sizeof name, err);
        /* Two charts of the same question must not overwrite each other. */
        for (size_t k = 0; !st && k < i; k++)
            if (strcmp(files[k].path, name) == 0) {
                char alt[4096];
                const char *ext = ext_of(name);
                if (snprintf(alt, sizeof alt, "%.*s-%zu%s", (int)(ext - name), name, i + 1, ext) >=
                    (int)sizeof alt)
                    st = shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "name too long");
                else
                    memcpy(name, alt, sizeof name);
                break;
            }
        if (st)
            break;
        st = out_open(&files[i], name, err);
        if (st)
            break;
        opened = i + 1;
        const shopstat_chart_opts *oi = charts[i]->opts ? charts[i]->opts : o;
        plots_page_plan pp;
        st = plots_plan_page(charts[i], oi, &pp, err);
        if (st) {
            st = out_close(&files[i], st, err);
            break;
        }
        cairo_surface_t *sf;
        if (fmt == SHOPSTAT_CHART_SVG) {
            mem_buf mb = {NULL, 0, 0, 0};
            sf = cairo_svg_surface_create_for_stream(mem_write, &mb, oi->width, pp.height);
            st = draw_page(sf, 1.0, &pp, err);
            cairo_surface_finish(sf);
            if (!st && mb.failed)
                st = shopstat_error_set(err, SHOPSTAT_ENOMEM, name, 0, 0, "out of memory");
            if (!st && cairo_surface_status(sf) == CAIRO_STATUS_SUCCESS)
                mem_flush_svg(&mb, &files[i]);
            if (!st && files[i].write_failed)
                st = shopstat_error_set(err, SHOPSTAT_EIO, name, 0, 0, "cannot write: %s",
                                        strerror(files[i].write_errno ? files[i].write_errno
                                                                      : EIO));
            free(mb.data);
        } else {
            /* (whole pixels; 960 points at 300/72 pixels a point are 4000, not the 4001
             * that rounding error would ceil to) */
            double px = ceil(oi->width * oi->png_scale - 1e-6),
                   py = ceil(pp.height * oi->png_scale - 1e-6);
            if (px * py > 2e8 || px > 32767 || py > 32767) {
                st = shopstat_error_set(err, SHOPSTAT_ELIMIT, name, 0, 0,
                                        "a %.0fx%.0f pixel PNG is too large; use a smaller "
                                        "--chart-size or a PDF",
                                        px, py);
                st = out_close(&files[i], st, err);
                break;
            }
            sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)px, (int)py);
            st = surface_status(sf, name, err);
            if (!st)
                st = draw_page(sf, oi->png_scale, &pp, err);
            if (!st)
                cairo_surface_write_to_png_stream(sf, out_write, &files[i]);
            if (!st && files[i].write_failed)
                st = shopstat_error_set(err, SHOPSTAT_EIO, name, 0, 0, "cannot write: %s",
                                        strerror(files[i].write_errno ? files[i].write_errno
                                                                      : EIO));
        }
        if (!st)
            st = surface_status(sf, name, err);
        cairo_surface_destroy(sf);
        st = out_close(&files[i], st, err);
    }
    if (st) {
        for (size_t i = 0; i < opened; i++)
            if (files[i].tmp[0]) {
                unlink(files[i].tmp);
                shopstat_outfile_untrack(files[i].slot);
            }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (!st) {
                st = out_commit(&files[i], err);
            } else { /* an earlier rename failed: leave no temporary file behind */
                unlink(files[i].tmp);
                shopstat_outfile_untrack(files[i].slot);
            }
        }
    }
    free(files);
    return st;
}

static shopstat_status chart_render_pages_c(const char *path,
                                            const shopstat_chart_data *const *charts, size_t n,
                                            const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts def;
    if (!opts) {
        shopstat_chart_opts_init(&def);
        opts = &def;
    }
    shopstat_chart_format fmt;
    shopstat_status st = shopstat_chart_format_from_path(path, &fmt, err);
    if (st)
        return st;
    if (n == 0 || !charts)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, path, 0, 0, "no chart to render");
    /* Validate everything first, so that bad data never leaves a half-written file. */
    for (size_t i = 0; i < n; i++) {
        st = shopstat_chart_validate(charts[i], opts, err);
        if (st)
            return st;
    }
    if (fmt == SHOPSTAT_CHART_PDF)
        return render_pdf(path, charts, n, opts, err);
    return render_each(path, fmt, charts, n, opts, err);
}

shopstat_status shopstat_chart_render_pages(const char *path,
                                            const shopstat_chart_data *const *charts, size_t n,
                                            const shopstat_chart_opts *opts, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chart_render_pages_c(path, charts, n, opts, err);
    c_numeric_leave(old);
    return r;
}

static shopstat_status chart_render_file_c(const char *path, const shopstat_chart_data *chart,
                                           const shopstat_chart_opts *opts, shopstat_error *err)
{
    return shopstat_chart_render_pages(path, &chart, 1, opts, err);
}

shopstat_status shopstat_chart_render_file(const char *path, const shopstat_chart_data *chart,
                                           const shopstat_chart_opts *opts, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = chart_render_file_c(path, chart, opts, err);
    c_numeric_leave(old);
    return r;
}

shopstat_status shopstat_chart_fits(const shopstat_chart_data *d, const shopstat_chart_opts *opts,
                                    shopstat_error *err)
{
    shopstat_chart_opts def;
    const shopstat_chart_opts *o = d->opts ? d->opts : opts;
    if (!o) {
        shopstat_chart_opts_init(&def);
        o = &def;
    }
    /* drawn on a recording surface: the text's sizes are those of the page */
    cairo_surface_t *rs = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(rs);
    shopstat_status st = shopstat_chart_draw(cr, o->width, o->height, d, o, err);
    cairo_destroy(cr);
    cairo_surface_destroy(rs);
    return st;
}
