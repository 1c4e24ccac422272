/* report.pdf: a title page (survey, notice, design, accounting) then one chart per page. */
#include "internal.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shopstat/report_pdf.h"
#include "shopstat/shopstat.h"

#define FIXED_PDF_DATE "2000-01-01T00:00:00Z"

typedef struct pdf_out {
    FILE *f;
    int failed;
} pdf_out;

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_out *o = closure;
    if (fwrite(data, 1, len, o->f) != len) {
        o->failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* Lay the title page out at type scale k (1 = full size); draw = 0 only measures. Returns the
 * bottom of the last line. */
static double title_page_at(cairo_t *cr, double w, const shopstat_title_page *tp, double k,
                            int draw)
{
    double x = 64, width = w - 128, y = 72, bh = 0;
    plots_font f = plots_font_make(28 * k, 1, PLOTS_INK);
    plots_text(cr, tp->title, x, y, width, &f, draw, NULL, &bh);
    y += bh + 10 * k;
    if (tp->subtitle) {
        f = plots_font_make(15 * k, 0, PLOTS_GREY);
        plots_text(cr, tp->subtitle, x, y, width, &f, draw, NULL, &bh);
        y += bh + 8 * k;
    }
    if (tp->survey) {
        char buf[400];
        snprintf(buf, sizeof buf, "Survey: %s", tp->survey);
        f = plots_font_make(11 * k, 0, PLOTS_GREY);
        plots_text(cr, buf, x, y, width, &f, draw, NULL, &bh);
        y += bh + 18 * k;
    }
    if (tp->notice) {
        f = plots_font_make(12 * k, 1, (plots_rgb){0.55, 0.1, 0.05});
        plots_text(cr, tp->notice, x + 12, y + 10 * k, width - 24, &f, 0, NULL, &bh);
        if (draw) {
            cairo_save(cr);
            cairo_set_source_rgb(cr, 1.0, 0.95, 0.88);
            cairo_rectangle(cr, x, y, width, bh + 20 * k);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.85, 0.45, 0.2);
            cairo_set_line_width(cr, 1.2);
            cairo_rectangle(cr, x, y, width, bh + 20 * k);
            cairo_stroke(cr);
            cairo_restore(cr);
            plots_text(cr, tp->notice, x + 12, y + 10 * k, width - 24, &f, 1, NULL, &bh);
        }
        y += bh + 40 * k;
    }
    f = plots_font_make(11 * k, 0, PLOTS_INK);
    for (size_t i = 0; i < tp->nlines; i++) {
        plots_text(cr, tp->lines[i], x, y, width, &f, draw, NULL, &bh);
        y += bh + (i + 1 < tp->nlines ? 10 * k : 0);
    }
    return y;
}

/* The title page: title, subtitle, survey id, the notice in a tinted box, then the lines, all
 * above the "Made with" line; a long notice or title makes the type smaller rather than
 * pushing lines onto the footer or off the page. */
static void draw_title_page(cairo_t *cr, double w, double h, const shopstat_title_page *tp)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double foot = h - 36, k = 1;
    while (k > 0.5 && title_page_at(cr, w, tp, k, 0) > foot - 12)
        k -= 0.05;
    title_page_at(cr, w, tp, k, 1);
    plots_font f = plots_font_make(8, 0, PLOTS_GREY);
    plots_text(cr, "Made with shopstat " SHOPSTAT_VERSION, 64, foot, w - 128, &f, 1, NULL, NULL);
}

static void next_page(cairo_surface_t *sf)
{
    cairo_t *cr = cairo_create(sf);
    cairo_show_page(cr);
    cairo_destroy(cr);
}

/* A chart taller than the report's page is scaled down to it when that keeps at least this
 * much of its size (footer type 7.5 points at least 6); taller charts go on over pages. */
#define REPORT_MIN_SCALE 0.8
#define CONT_TOP 40.0    /* a continued page: the "(continued)" line above the chart's slice */
#define CONT_BOTTOM 28.0 /* a page to be continued: the "continued" line under the slice */

/* Where a tall chart (w x h points, drawn at scale k) may be cut between pages: rows of a
 * 1-pixel-per-point raster of it that cross no text, bar, dot or whisker, only white page,
 * light greys (grid, row shading) and the greys of vertical rules (columns dark grey down
 * most of the chart: a difference chart's zero line is as dark as text).
 * clear[y] for y < ceil(h * k). */
#define RULE_SHARE 0.6 /* a column this much dark grey is a rule: its greys are not text */
static shopstat_status clear_rows(const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                  double k, unsigned char **out, int *nrows, shopstat_error *err)
{
    int iw = (int)ceil(o->width * k), ih = (int)ceil(o->height * k);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, iw, ih);
    unsigned char *clear = calloc((size_t)ih + 1, 1);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS || !clear) {
        cairo_surface_destroy(img);
        free(clear);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, k, k);
    shopstat_status st = shopstat_chart_draw(cr, o->width, o->height, d, o, err);
    cairo_destroy(cr);
    if (st) {
        cairo_surface_destroy(img);
        free(clear);
        return st;
    }
    cairo_surface_flush(img);
    const unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    /* a rule's column: dark neutral grey down most of the chart's height (text is not) */
    unsigned char *rule = calloc((size_t)iw + 1, 1);
    if (!rule) {
        cairo_surface_destroy(img);
        free(clear);
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (int x = 0; x < iw; x++) {
        int n = 0;
        for (int y = 0; y < ih; y++) {
            uint32_t v = *(const uint32_t *)(px + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
            unsigned r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            n += r == g && g == b && r < 150;
        }
        rule[x] = n >= RULE_SHARE * ih;
    }
    for (int y = 0; y < ih; y++) {
        int ok = 1;
        for (int x = 0; x < iw && ok; x++) {
            uint32_t v = *(const uint32_t *)(px + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
            unsigned r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            ok = r == g && g == b && (r >= 150 || rule[x]); /* white, grid 224, axis 158 */
        }
        clear[y] = (unsigned char)ok;
    }
    free(rule);
    cairo_surface_destroy(img);
    *nrows = ih;
    *out = clear;
    return SHOPSTAT_OK;
}

/* The cut below y0 for a slice of at most room points: the middle of the lowest run of at
 * least 3 clear rows in its lower 60%, else room (a hard cut). */
static double next_cut(const unsigned char *clear, int nrows, double y0, double room)
{
    int lo = (int)ceil(y0 + 0.4 * room), hi = (int)floor(y0 + room);
    if (hi >= nrows)
        return nrows;
    for (int y = hi; y >= lo; y--) {
        if (!clear[y])
            continue;
        int top = y;
        while (top - 1 >= lo && clear[top - 1])
            top--;
        if (y - top + 1 >= 3)
            return (top + y + 1) / 2.0;
        y = top;
    }
    return y0 + room;
}

static void page_note(cairo_t *cr, const char *text, double x, double y, double width,
                      double halign)
{
    plots_font f = plots_font_make(8, 0, PLOTS_GREY);
    f.halign = halign;
    plots_text(cr, text, x, y, width, &f, 1, NULL, NULL);
}

/* One chart on pages of w x h: as it is when it fits (a narrower chart centred, a wider one
 * scaled to the width), scaled down when that keeps REPORT_MIN_SCALE, else cut between rows
 * over as many pages as it needs, each continued page headed "TITLE (continued)". */
static shopstat_status chart_pages(cairo_surface_t *sf, double w, double h,
                                   const shopstat_chart_data *d, const shopstat_chart_opts *o,
                                   shopstat_error *err)
{
    double k = fmin(1.0, w / o->width);
    if (o->height * k > h && h / o->height >= REPORT_MIN_SCALE * k)
        k = h / o->height;
    double cw = o->width * k, ch = o->height * k, x0 = (w - cw) / 2;
    cairo_t *cr;
    shopstat_status st;
    if (ch <= h + 1e-9) {
        cr = cairo_create(sf);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_translate(cr, x0, 0);
        cairo_scale(cr, k, k);
        st = shopstat_chart_draw(cr, o->width, o->height, d, o, err);
        cairo_destroy(cr);
        if (!st)
            next_page(sf);
        return st;
    }
    int nrows = 0;
    unsigned char *clear = NULL;
    if ((st = clear_rows(d, o, k, &clear, &nrows, err)))
        return st;
    const char *title = o->title && *o->title   ? o->title
                        : d->label && *d->label ? d->label
                                                : (d->name ? d->name : "");
    char head[1200];
    snprintf(head, sizeof head, "%s (continued)", title);
    st = SHOPSTAT_OK;
    for (double y0 = 0; y0 < ch - 0.5 && !st;) {
        double top = y0 > 0 ? CONT_TOP : 0;
        double y1 = ch - y0 <= h - top ? ch : next_cut(clear, nrows, y0, h - top - CONT_BOTTOM);
        cr = cairo_create(sf);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        if (y0 > 0)
            page_note(cr, head, 30, 18, w - 60, 0);
        if (y1 < ch)
            page_note(cr, "continued on the next page", w - 30, h - 20, 0, 1);
        cairo_rectangle(cr, 0, top, w, y1 - y0);
        cairo_clip(cr);
        cairo_translate(cr, x0, top - y0);
        cairo_scale(cr, k, k);
        st = shopstat_chart_draw(cr, o->width, o->height, d, o, err);
        cairo_destroy(cr);
        if (!st)
            next_page(sf);
        y0 = y1;
    }
    free(clear);
    return st;
}

/* The title page and the charts, every page of the report's size (opts: A4 landscape), so
 * that it prints as one document; the charts' own files keep their sizes. */
static shopstat_status draw_pages(cairo_surface_t *sf, const shopstat_title_page *tp,
                                  const shopstat_chart_data *const *charts, size_t n,
                                  const shopstat_chart_opts *dflt, shopstat_error *err)
{
    cairo_t *cr = cairo_create(sf);
    draw_title_page(cr, dflt->width, dflt->height, tp);
    cairo_destroy(cr);
    next_page(sf);
    for (size_t i = 0; i < n; i++) {
        const shopstat_chart_opts *o = charts[i]->opts ? charts[i]->opts : dflt;
        shopstat_status st = chart_pages(sf, dflt->width, dflt->height, charts[i], o, err);
        if (st)
            return st;
    }
    return SHOPSTAT_OK;
}

shopstat_status shopstat_report_pdf_write(const char *path, const shopstat_title_page *tp,
                                          const shopstat_chart_data *const *charts, size_t n,
                                          const shopstat_chart_opts *opts, shopstat_error *err)
{
    shopstat_chart_opts dflt;
    shopstat_chart_opts_init(&dflt);
    if (!opts)
        opts = &dflt;
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp)
        return shopstat_error_set(err, SHOPSTAT_ELIMIT, path, 0, 0, "file name too long");
    int fd = mkstemp(tmp);
    pdf_out out = {NULL, 0};
    if (fd < 0 || fchmod(fd, 0644) != 0 || !(out.f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    cairo_surface_t *sf =
        cairo_pdf_surface_create_for_stream(pdf_write, &out, opts->width, opts->height);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE, FIXED_PDF_DATE);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shopstat " SHOPSTAT_VERSION);
    if (tp->title)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, tp->title);
    shopstat_status st = draw_pages(sf, tp, charts, n, opts, err);
    cairo_surface_finish(sf);
    cairo_status_t cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    int bad = fclose(out.f) != 0 || out.failed;
    if (!st && (cs != CAIRO_STATUS_SUCCESS || bad))
        st = shopstat_error_set(err, bad ? SHOPSTAT_EIO : SHOPSTAT_EINTERNAL, path, 0, 0,
                                "cannot write the PDF: %s",
                                bad ? "write error" : cairo_status_to_string(cs));
    if (!st && rename(tmp, path) != 0)
        st = shopstat_error_set(err, SHOPSTAT_EIO, path, 0, 0, "cannot rename into place: %s",
                                strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}
