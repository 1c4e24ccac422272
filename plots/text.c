/* The single place where chart text is laid out and drawn (Pango, DejaVu Sans, 72 dpi). */
#include "internal.h"

#include <pango/pangocairo.h>

plots_font plots_font_make(double size, int bold, plots_rgb colour)
{
    plots_font f = {size, bold, 0, colour, 0.0, 0.0, 0};
    return f;
}

/* The direction of a paragraph by its first strong character (UAX #9, rule P2): right to
 * left for a letter of the right-to-left blocks (Hebrew, Arabic, Syriac, Thaana, N'Ko,
 * Samaritan, Mandaic, their presentation forms, the historic scripts of U+10800-U+10FFF and
 * U+1E800-U+1EFFF), left to right for any other letter; digits, punctuation and spaces are
 * not strong. (Pango's pango_find_base_dir() does this and is deprecated.) */
static PangoDirection first_strong_dir(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        if ((unsigned char)*p < 0x80) {
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
                return PANGO_DIRECTION_LTR;
            continue;
        }
        gunichar u = g_utf8_get_char_validated(p, -1);
        if (u == (gunichar)-1 || u == (gunichar)-2)
            return PANGO_DIRECTION_LTR;
        if ((u >= 0x0590 && u <= 0x08FF) || (u >= 0xFB1D && u <= 0xFDFF) ||
            (u >= 0xFE70 && u <= 0xFEFF) || (u >= 0x10800 && u <= 0x10FFF) ||
            (u >= 0x1E800 && u <= 0x1EFFF)) {
            if (g_unichar_isalpha(u))
                return PANGO_DIRECTION_RTL;
            continue; /* Arabic-Indic digits, marks, punctuation */
        }
        if (u == 0x200F) /* RIGHT-TO-LEFT MARK */
            return PANGO_DIRECTION_RTL;
        if (g_unichar_isalpha(u) || u == 0x200E)
            return PANGO_DIRECTION_LTR;
    }
    return PANGO_DIRECTION_NEUTRAL;
}

void plots_text(cairo_t *cr, const char *s, double x, double y, double width, const plots_font *f,
                int draw, double *w, double *h)
{
    plots_text_last(cr, s, x, y, width, f, draw, w, h, NULL);
}

void plots_text_last(cairo_t *cr, const char *s, double x, double y, double width,
                     const plots_font *f, int draw, double *w, double *h, double *last_end)
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
    /* Alignment is visual: a label column is flush right against its bars whatever the
     * script. Pango's automatic direction made an Arabic or Hebrew paragraph right-to-left
     * and then swapped right for left alignment, leaving such a label flush left, away from
     * its bars, and put a legend's bases before a right-to-left segment name. So the
     * paragraph takes the direction of its text's first strong character (its punctuation
     * stays where that script puts it), left to right when f->ltr, and is aligned as asked. */
    PangoDirection dir = f->ltr ? PANGO_DIRECTION_LTR : first_strong_dir(s);
    pango_layout_set_auto_dir(layout, FALSE);
    pango_context_set_base_dir(pc, dir == PANGO_DIRECTION_RTL ? PANGO_DIRECTION_RTL
                                                              : PANGO_DIRECTION_LTR);
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
    if (last_end) { /* (the last line's logical extents, in the layout's coordinates) */
        PangoLayoutIter *it = pango_layout_get_iter(layout);
        while (pango_layout_iter_next_line(it))
            ;
        PangoRectangle line;
        pango_layout_iter_get_line_extents(it, NULL, &line);
        pango_layout_iter_free(it);
        *last_end = (double)(line.x + line.width) / PANGO_SCALE - lx;
    }
    g_object_unref(layout);
}

double plots_mark_gap(cairo_t *cr, const plots_font *f, const char *sig)
{
    /* (measured before the marks themselves: the space's advance differs with its neighbour) */
    char buf[64];
    double with = 0, without = 0;
    snprintf(buf, sizeof buf, " %s", sig ? sig : "");
    plots_text(cr, buf, 0, 0, 0, f, 0, &with, NULL);
    plots_text(cr, buf + 1, 0, 0, 0, f, 0, &without, NULL);
    return with - without;
}
