/* The single place where chart text is laid out and drawn (Pango, DejaVu Sans, 72 dpi). */
#include "internal.h"

#include <pango/pangocairo.h>

plots_font plots_font_make(double size, int bold, plots_rgb colour)
{
    plots_font f = {size, bold, 0, colour, 0.0, 0.0};
    return f;
}

void plots_text(cairo_t *cr, const char *s, double x, double y, double width, const plots_font *f,
                int draw, double *w, double *h)
{
    if (!s)
        s = "";
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoContext *pc = pango_layout_get_context(layout);
    /* 72 dpi makes Pango sizes equal to cairo user units (points). Fixed font options
     * (no hinting, grey antialiasing, unhinted metrics) keep layout independent of the
     * machine's fontconfig settings and of the surface type. */
    pango_cairo_context_set_resolution(pc, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(layout);

    PangoFontDescription *desc = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_size(desc, (gint)(f->size * PANGO_SCALE + 0.5));
    pango_font_description_set_weight(desc, f->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(desc, f->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);

    /* Wrapping rather than ellipsizing: a label is never cut without the reader knowing. */
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(layout, f->halign >= 0.75   ? PANGO_ALIGN_RIGHT
                                       : f->halign >= 0.25 ? PANGO_ALIGN_CENTER
                                                           : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout, s, -1);

    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    double lx = (double)logical.x / PANGO_SCALE, ly = (double)logical.y / PANGO_SCALE;
    double lw = (double)logical.width / PANGO_SCALE, lh = (double)logical.height / PANGO_SCALE;
    if (draw) {
        cairo_save(cr);
        cairo_set_source_rgb(cr, f->colour.r, f->colour.g, f->colour.b);
        cairo_move_to(cr, x - f->halign * lw - lx, y - f->valign * lh - ly);
        pango_cairo_show_layout(cr, layout);
        cairo_new_path(cr); /* the path is not part of the saved state: leave no current point */
        cairo_restore(cr);
    }
    if (w)
        *w = lw;
    if (h)
        *h = lh;
    g_object_unref(layout);
}
