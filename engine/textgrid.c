/* Text views' tables and notes laid out to a line width: display columns, blocks, wrapping. */
/* (wcwidth is X/Open) */
#define _XOPEN_SOURCE 700
#include "shopstat/output.h"

#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

/* A UTF-8 locale for measuring text: the data and labels are UTF-8 whatever the program's
 * locale (a dashboard under LANG=C still prints "Beauté"), so the width of a character is
 * the C library's (mbrtowc, wcwidth) under C.UTF-8, switched in for the call on the calling
 * thread alone (uselocale). Without it (no such locale) a character counts one column. */
static locale_t utf8_obj;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_make(void)
{
    utf8_obj = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_enter(void)
{
    pthread_once(&utf8_once, utf8_make);
    return utf8_obj ? uselocale(utf8_obj) : (locale_t)0;
}

static void utf8_leave(locale_t old)
{
    if (old)
        uselocale(old);
}

/* The character at p (a NUL-terminated string, *p not NUL): its bytes, and in *cols the
 * columns it takes as shopstat_put_text writes it (a control character as its escape: \n
 * 2, \x01 4). Under a UTF-8 locale (utf8_enter): wcwidth's columns, 0 for a combining
 * mark, 2 for a wide one; an invalid byte 1 (a stray continuation byte 0, as the terminal
 * joins it), an unprintable character 1. Without one: a character 1. */
static size_t char_at(const unsigned char *p, int utf8, size_t *cols)
{
    if (*p == '\n' || *p == '\r' || *p == '\t') {
        *cols = 2;
        return 1;
    }
    if (*p < 0x20 || *p == 0x7f) {
        *cols = 4;
        return 1;
    }
    if (*p < 0x80) {
        *cols = 1;
        return 1;
    }
    if (utf8) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        wchar_t wc;
        size_t len = mbrtowc(&wc, (const char *)p, strnlen((const char *)p, MB_LEN_MAX), &st);
        if (len != (size_t)-1 && len != (size_t)-2 && len > 0) {
            int w = wcwidth(wc);
            *cols = w < 0 ? 1 : (size_t)w;
            return len;
        }
    }
    /* (no UTF-8 locale, or a byte that starts no character) */
    size_t len = 1;
    while (p[len] && (p[len] & 0xC0) == 0x80 && len < 4 && (*p & 0xC0) == 0xC0)
        len++;
    *cols = (*p & 0xC0) != 0x80;
    return len;
}

size_t shopstat_text_width(const char *s)
{
    locale_t old = utf8_enter();
    int utf8 = utf8_obj != (locale_t)0;
    size_t w = 0, c;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        p += char_at(p, utf8, &c);
        w += c;
    }
    utf8_leave(old);
    return w;
}

/* s written as shopstat_put_text does, cut to at most w columns: when s is wider, as many
 * of its first characters as leave room for "..." and then "..." (w under 4: the first
 * characters alone). Returns the columns written. */
static size_t put_cut(FILE *f, const char *s, size_t w)
{
    size_t sw = shopstat_text_width(s);
    if (sw <= w) {
        shopstat_put_text(f, s);
        return sw;
    }
    size_t room = w >= 4 ? w - 3 : w, used = 0, c;
    locale_t old = utf8_enter();
    int utf8 = utf8_obj != (locale_t)0;
    char buf[16];
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t len = char_at(p, utf8, &c);
        if (used + c > room)
            break;
        memcpy(buf, p, len);
        buf[len] = '\0';
        shopstat_put_text(f, buf);
        used += c;
        p += len;
    }
    utf8_leave(old);
    if (w >= 4) {
        fputs("...", f);
        used += 3;
    }
    return used;
}

static void spaces(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', f);
}

/* ---- the grid ---- */

typedef struct grid_row {
    char *label;
    char **cell; /* ncol of them, NULL for "" */
    int header;  /* a header line under the columns' names (compare's "(A)") */
} grid_row;

struct shopstat_textgrid {
    size_t ncol;
    char *corner;           /* the label column's header: the question */
    size_t label_min;       /* the label column's least width */
    char **name;            /* each column's name as the unwrapped view heads it */
    char **group, **short_; /* under a width: the group's line and the name below it */
    size_t *minw;           /* each column's least width */
    grid_row *row;
    size_t nrow, cap;
    int failed; /* out of memory on the way: the write fails */
};

static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = 1;
    return d;
}

shopstat_textgrid *shopstat_textgrid_new(size_t ncol, const char *corner, size_t label_min)
{
    shopstat_textgrid *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ncol = ncol;
    g->label_min = label_min;
    g->corner = dup_or_null(corner ? corner : "", &g->failed);
    g->name = calloc(ncol ? ncol : 1, sizeof *g->name);
    g->group = calloc(ncol ? ncol : 1, sizeof *g->group);
    g->short_ = calloc(ncol ? ncol : 1, sizeof *g->short_);
    g->minw = calloc(ncol ? ncol : 1, sizeof *g->minw);
    if (!g->corner || !g->name || !g->group || !g->short_ || !g->minw) {
        shopstat_textgrid_free(g);
        return NULL;
    }
    return g;
}

void shopstat_textgrid_free(shopstat_textgrid *g)
{
    if (!g)
        return;
    for (size_t c = 0; c < g->ncol && g->name; c++) {
        free(g->name[c]);
        free(g->group ? g->group[c] : NULL);
        free(g->short_ ? g->short_[c] : NULL);
    }
    for (size_t r = 0; r < g->nrow; r++) {
        free(g->row[r].label);
        for (size_t c = 0; c < g->ncol; c++)
            free(g->row[r].cell[c]);
        free(g->row[r].cell);
    }
    free(g->row);
    free(g->name);
    free(g->group);
    free(g->short_);
    free(g->minw);
    free(g->corner);
    free(g);
}

void shopstat_textgrid_head(shopstat_textgrid *g, size_t c, const char *name, const char *group,
                            const char *short_name)
{
    if (c >= g->ncol)
        return;
    free(g->name[c]);
    free(g->group[c]);
    free(g->short_[c]);
    g->name[c] = dup_or_null(name, &g->failed);
    g->group[c] = dup_or_null(group, &g->failed);
    g->short_[c] = dup_or_null(short_name, &g->failed);
}

void shopstat_textgrid_min_width(shopstat_textgrid *g, size_t c, size_t w)
{
    if (c < g->ncol)
        g->minw[c] = w;
}

void shopstat_textgrid_row(shopstat_textgrid *g, const char *label, int header)
{
    if (g->nrow == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8;
        grid_row *r = realloc(g->row, cap * sizeof *r);
        if (!r) {
            g->failed = 1;
            return;
        }
        g->row = r;
        g->cap = cap;
    }
    grid_row *r = &g->row[g->nrow];
    r->cell = calloc(g->ncol ? g->ncol : 1, sizeof *r->cell);
    r->label = dup_or_null(label ? label : "", &g->failed);
    r->header = header;
    if (!r->cell || !r->label) {
        free(r->cell);
        free(r->label);
        g->failed = 1;
        return;
    }
    g->nrow++;
}

void shopstat_textgrid_cell(shopstat_textgrid *g, size_t c, const char *text)
{
    if (!g->nrow || c >= g->ncol || g->failed)
        return;
    char **x = &g->row[g->nrow - 1].cell[c];
    free(*x);
    *x = dup_or_null(text, &g->failed);
}

static const char *cell_of(const grid_row *r, size_t c)
{
    return r->cell[c] ? r->cell[c] : "";
}

/* Today's view, with no width to fit: one line per row, the columns' full names. */
static void write_unwrapped(FILE *f, const shopstat_textgrid *g, size_t *wc)
{
    size_t w0 = shopstat_text_width(g->corner);
    if (w0 < g->label_min)
        w0 = g->label_min;
    for (size_t r = 0; r < g->nrow; r++)
        if (shopstat_text_width(g->row[r].label) > w0)
            w0 = shopstat_text_width(g->row[r].label);
    for (size_t c = 0; c < g->ncol; c++) {
        wc[c] = g->name[c] ? shopstat_text_width(g->name[c]) : 0;
        if (wc[c] < g->minw[c])
            wc[c] = g->minw[c];
        for (size_t r = 0; r < g->nrow; r++)
            if (shopstat_text_width(cell_of(&g->row[r], c)) > wc[c])
                wc[c] = shopstat_text_width(cell_of(&g->row[r], c));
    }
    shopstat_put_text(f, g->corner);
    spaces(f, w0 - shopstat_text_width(g->corner));
    for (size_t c = 0; c < g->ncol; c++) {
        const char *h = g->name[c] ? g->name[c] : "";
        spaces(f, 2 + wc[c] - shopstat_text_width(h));
        shopstat_put_text(f, h);
    }
    fputc('\n', f);
    for (size_t r = 0; r < g->nrow; r++) {
        shopstat_put_text(f, g->row[r].label);
        spaces(f, w0 - shopstat_text_width(g->row[r].label));
        for (size_t c = 0; c < g->ncol; c++) {
            spaces(f, 2 + wc[c] - shopstat_text_width(cell_of(&g->row[r], c)));
            shopstat_put_text(f, cell_of(&g->row[r], c));
        }
        fputc('\n', f);
    }
}

/* A header h split in two lines at the space that makes the wider line narrowest (a line
 * does not start with a lone "&", "+", "-" or "/"): the byte where the second line starts
 * in *at (0: no space to split at). Returns the wider line's columns (h's own without a
 * split). */
static size_t split_two(const char *h, size_t *at)
{
    size_t best = shopstat_text_width(h);
    *at = 0;
    size_t len = strlen(h);
    char *tmp = malloc(len + 1);
    if (!tmp)
        return best;
    for (size_t i = 1; i + 1 < len; i++) {
        if (h[i] != ' ' || h[i - 1] == ' ')
            continue;
        /* (not before a lone sign: "Alimentation &" over "boissons", not "& boissons") */
        if (strchr("&+-/", h[i + 1]) && (h[i + 2] == ' ' || h[i + 2] == '\0'))
            continue;
        memcpy(tmp, h, i);
        tmp[i] = '\0';
        size_t w1 = shopstat_text_width(tmp), w2 = shopstat_text_width(h + i + 1);
        size_t w = w1 > w2 ? w1 : w2;
        if (w < best) {
            best = w;
            *at = i + 1;
        }
    }
    free(tmp);
    return best;
}

/* Line k (0 or 1) of header h as split at byte at (0: one line, the second), right-aligned
 * in w columns and cut to them. */
static void put_head_line(FILE *f, const char *h, size_t at, int two, int k, size_t w)
{
    char *line = NULL;
    if (!two || !at)
        line = strdup(k == 1 || !two ? h : "");
    else if (k == 0)
        line = strndup(h, at - 1);
    else
        line = strdup(h + at);
    const char *s = line ? line : "";
    size_t sw = shopstat_text_width(s);
    if (sw < w)
        spaces(f, w - sw);
    put_cut(f, s, w);
    free(line);
}

/* The view within width columns: blocks of columns, each with the row labels again. */
static void write_blocks(FILE *f, const shopstat_textgrid *g, size_t width, size_t *wc)
{
    size_t n = g->ncol;
    /* the label column: its widest label, at most half the width (a longer one cut) */
    size_t w0 = g->label_min;
    for (size_t r = 0; r < g->nrow; r++)
        if (shopstat_text_width(g->row[r].label) > w0)
            w0 = shopstat_text_width(g->row[r].label);
    size_t cap0 = width / 2 > g->label_min ? width / 2 : g->label_min;
    if (cap0 < 12)
        cap0 = 12;
    if (w0 > cap0)
        w0 = cap0;
    /* the question's name heads the labels, or when wider than half the width goes whole
     * on a line of its own over each block */
    size_t wq = shopstat_text_width(g->corner);
    int corner_above = wq > cap0;
    if (!corner_above && wq > w0)
        w0 = wq;
    size_t *data = calloc(n ? n : 1, sizeof *data), *at = calloc(n ? n : 1, sizeof *at);
    const char **head = calloc(n ? n : 1, sizeof *head);
    if (!data || !at || !head) {
        free(data), free(at), free(head);
        write_unwrapped(f, g, wc); /* (out of memory: today's lines) */
        return;
    }
    int grouped = 0;
    for (size_t c = 0; c < n; c++) {
        head[c] = g->short_[c] ? g->short_[c] : g->name[c] ? g->name[c] : "";
        grouped |= g->group[c] != NULL;
        data[c] = g->minw[c];
        for (size_t r = 0; r < g->nrow; r++)
            if (shopstat_text_width(cell_of(&g->row[r], c)) > data[c])
                data[c] = shopstat_text_width(cell_of(&g->row[r], c));
    }
    /* one line of names if the whole view fits so; else each name wider than its cells
     * on two lines, split where the wider line is narrowest */
    size_t total = w0;
    for (size_t c = 0; c < n; c++) {
        size_t hw = shopstat_text_width(head[c]);
        wc[c] = hw > data[c] ? hw : data[c];
        total += 2 + wc[c];
    }
    int two = 0;
    if (total > width)
        for (size_t c = 0; c < n; c++) {
            if (shopstat_text_width(head[c]) <= data[c])
                continue;
            size_t hw = split_two(head[c], &at[c]);
            if (at[c])
                two = 1;
            wc[c] = hw > data[c] ? hw : data[c];
        }
    /* a column never wider than the room beside the labels, but for its cells: a name
     * longer than that is cut ("..."); cells wider run past the width, alone in a block */
    size_t room = width > w0 + 2 ? width - w0 - 2 : 1;
    for (size_t c = 0; c < n; c++)
        if (wc[c] > room)
            wc[c] = data[c] > room ? data[c] : room;
    for (size_t c0 = 0; c0 < n;) {
        size_t c1 = c0 + 1, line = w0 + 2 + wc[c0];
        while (c1 < n && line + 2 + wc[c1] <= width)
            line += 2 + wc[c1++];
        if (c0)
            fputc('\n', f);
        if (corner_above) {
            put_cut(f, g->corner, width);
            fputc('\n', f);
        }
        int grouped_here = 0;
        for (size_t c = c0; c < c1; c++)
            grouped_here |= g->group[c] != NULL;
        if (grouped && grouped_here) {
            /* a group's line over its columns of the block: "---- secteur ----" */
            spaces(f, w0);
            for (size_t c = c0; c < c1;) {
                size_t e = c + 1, span = wc[c];
                while (e < c1 && g->group[c] && g->group[e] &&
                       strcmp(g->group[c], g->group[e]) == 0)
                    span += 2 + wc[e++];
                spaces(f, 2);
                if (!g->group[c]) {
                    spaces(f, span);
                } else {
                    size_t gw = shopstat_text_width(g->group[c]);
                    if (gw + 2 > span) {
                        size_t put = put_cut(f, g->group[c], span);
                        spaces(f, span - put);
                    } else {
                        size_t dash = span - gw - 2, left = dash / 2;
                        for (size_t k = 0; k < left; k++)
                            fputc('-', f);
                        fputc(' ', f);
                        shopstat_put_text(f, g->group[c]);
                        fputc(' ', f);
                        for (size_t k = left; k < dash; k++)
                            fputc('-', f);
                    }
                }
                c = e;
            }
            fputc('\n', f);
        }
        int two_here = 0; /* (a block whose names are one line high has one line of them) */
        for (size_t c = c0; c < c1; c++)
            two_here |= two && at[c];
        for (int k = two_here ? 0 : 1; k < 2; k++) {
            if (k == 1 && !corner_above) {
                size_t put = put_cut(f, g->corner, w0);
                spaces(f, w0 - put);
            } else
                spaces(f, w0);
            for (size_t c = c0; c < c1; c++) {
                spaces(f, 2);
                put_head_line(f, head[c], at[c], two_here, k, wc[c]);
            }
            fputc('\n', f);
        }
        for (size_t r = 0; r < g->nrow; r++) {
            size_t put = put_cut(f, g->row[r].label, w0);
            spaces(f, w0 - put);
            for (size_t c = c0; c < c1; c++) {
                const char *s = cell_of(&g->row[r], c);
                size_t sw = shopstat_text_width(s);
                spaces(f, 2 + (sw < wc[c] ? wc[c] - sw : 0));
                shopstat_put_text(f, s);
            }
            fputc('\n', f);
        }
        c0 = c1;
    }
    free(data);
    free(at);
    free(head);
}

/* buf[0..len) written to f without the spaces that end its lines (a block's header line
 * whose names are one line high, a group line over no group). */
static void put_trimmed(FILE *f, const char *buf, size_t len)
{
    const char *end = buf + len;
    for (const char *p = buf; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end, *e = eol;
        while (e > p && e[-1] == ' ')
            e--;
        fwrite(p, 1, (size_t)(e - p), f);
        if (nl)
            fputc('\n', f);
        p = nl ? nl + 1 : end;
    }
}

shopstat_status shopstat_textgrid_write(FILE *f, const shopstat_textgrid *g, size_t width,
                                        shopstat_error *err)
{
    if (g->failed)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    size_t *wc = calloc(g->ncol ? g->ncol : 1, sizeof *wc);
    if (!wc)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = width ? open_memstream(&buf, &len) : NULL;
    if (m) {
        write_blocks(m, g, width, wc);
        if (fclose(m) == 0)
            put_trimmed(f, buf, len);
        else
            write_blocks(f, g, width, wc);
        free(buf);
    } else if (width)
        write_blocks(f, g, width, wc);
    else
        write_unwrapped(f, g, wc);
    free(wc);
    return SHOPSTAT_OK;
}

/* ---- notes ---- */

/* The spaces [q, sp) and the word [sp, we) at column *col of a line wrapped at width: on a
 * new line at wrap_indent (which becomes *indent) instead when they would pass the width,
 * unless the word is the line's first or the line is at its indent already (a word wider
 * than the line stays whole) */
static void put_word(FILE *f, const char *q, const char *sp, const char *we, size_t width,
                     size_t wrap_indent, size_t *col, size_t *indent, int *first)
{
    char *word = strndup(sp, (size_t)(we - sp));
    size_t ww = word ? shopstat_text_width(word) : (size_t)(we - sp);
    free(word);
    size_t gap = (size_t)(sp - q);
    if (!*first && *col + gap + ww > width && *col > *indent) {
        fputc('\n', f);
        *indent = wrap_indent;
        spaces(f, *indent);
        *col = *indent;
        gap = 0;
    }
    fwrite(q, 1, gap, f);
    fwrite(sp, 1, (size_t)(we - sp), f);
    *col += gap + ww;
    *first = 0;
}

void shopstat_write_wrapped(FILE *f, const char *text, size_t len, size_t width)
{
    if (!width) {
        fwrite(text, 1, len, f);
        return;
    }
    const char *end = text + len;
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        /* words of the line: at a space, a line that would pass the width goes on on the
         * next one, indented by two; a word wider than the line stays whole */
        size_t col = 0, indent = 0;
        const char *q = p;
        int first = 1;
        while (q < eol) {
            const char *sp = q;
            while (sp < eol && *sp == ' ')
                sp++;
            const char *we = sp;
            while (we < eol && *we != ' ')
                we++;
            /* "p = 0.009", "p < 0.001": a relation stays on one line with its two sides */
            for (;;) {
                const char *r = we;
                while (r < eol && *r == ' ')
                    r++;
                const char *re = r;
                while (re < eol && *re != ' ')
                    re++;
                size_t rl = (size_t)(re - r);
                if (rl == 0 || rl > 2 || !strchr("=<>", *r) || (rl == 2 && r[1] != '='))
                    break;
                const char *nx = re;
                while (nx < eol && *nx == ' ')
                    nx++;
                if (nx == eol)
                    break;
                while (nx < eol && *nx != ' ')
                    nx++;
                we = nx;
            }
            if (sp == eol) { /* (trailing spaces kept as written) */
                fwrite(q, 1, (size_t)(eol - q), f);
                break;
            }
            put_word(f, q, sp, we, width, 2, &col, &indent, &first);
            q = we;
        }
        if (nl)
            fputc('\n', f);
        p = nl ? nl + 1 : end;
    }
}

/* The end of the word of line [q, eol) that starts at sp: at the next space, or, for a
 * word opening a quote (' or ") closed on the line before a space or the line's end, past
 * that quote (a shell word "Q5 / Phone" or a condition 'Q5 x:1' is copied whole). */
static const char *word_end(const char *sp, const char *eol)
{
    if (*sp == '\'' || *sp == '"') {
        for (const char *e = sp + 1; e < eol; e++)
            if (*e == *sp && (e + 1 == eol || e[1] == ' ' || strchr(",.;:)", e[1]))) {
                while (e < eol && *e != ' ')
                    e++;
                return e;
            }
    }
    while (sp < eol && *sp != ' ')
        sp++;
    return sp;
}

void shopstat_write_hanging(FILE *f, const char *text, size_t len, size_t width)
{
    if (!width) {
        fwrite(text, 1, len, f);
        return;
    }
    const char *end = text + len;
    int continued = 0; /* (the line before ends in a backslash) */
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t lead = 0;
        while (p + lead < eol && p[lead] == ' ')
            lead++;
        char *whole = strndup(p, (size_t)(eol - p));
        size_t lw = whole ? shopstat_text_width(whole) : (size_t)(eol - p);
        free(whole);
        int command = continued || (eol > p && eol[-1] == '\\');
        continued = eol > p && eol[-1] == '\\';
        if (lw <= width || p + lead == eol || command) {
            fwrite(p, 1, (size_t)(eol - p), f);
        } else {
            /* past the width: at a space, the rest on the next line indented two past the
             * line's own indent; a word wider than the room stays whole on its line */
            size_t indent = lead + 2, col = lead;
            fwrite(p, 1, lead, f);
            const char *q = p + lead;
            int first = 1;
            while (q < eol) {
                const char *sp = q;
                while (sp < eol && *sp == ' ')
                    sp++;
                if (sp == eol)
                    break; /* (trailing spaces dropped) */
                const char *we = word_end(sp, eol);
                put_word(f, q, sp, we, width, indent, &col, &indent, &first);
                q = we;
            }
        }
        if (nl)
            fputc('\n', f);
        p = nl ? nl + 1 : end;
    }
}

void shopstat_segment_head(const shopstat_totals *t, size_t s, const char *shown,
                           const char **group, const char **short_name)
{
    *group = NULL;
    *short_name = shown;
    const char *set =
        t && s < shopstat_totals_nsegments(t) ? shopstat_totals_segment_set(t, s) : NULL;
    if (!set || strchr(set, '@')) /* (a report's set within conditions: its name as it is) */
        return;
    *group = set;
    size_t n = strlen(set);
    if (strncmp(shown, set, n) == 0 && shown[n] == '=')
        *short_name = shown + n + 1;
}

FILE *shopstat_notes_begin(shopstat_notes *n, FILE *out, size_t width)
{
    n->out = out;
    n->buf = NULL;
    n->len = 0;
    n->width = width;
    n->mem = width ? open_memstream(&n->buf, &n->len) : NULL;
    return n->mem ? n->mem : out;
}

shopstat_status shopstat_notes_end(shopstat_notes *n, shopstat_error *err)
{
    if (n->mem) {
        int bad = fclose(n->mem) != 0;
        n->mem = NULL;
        if (bad) {
            free(n->buf);
            n->buf = NULL;
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        }
        shopstat_write_wrapped(n->out, n->buf, n->len, n->width);
        free(n->buf);
        n->buf = NULL;
    }
    if (ferror(n->out))
        return shopstat_error_set(err, SHOPSTAT_EIO, NULL, 0, 0,
                                  "cannot write the output: the stream reported an error");
    return SHOPSTAT_OK;
}
