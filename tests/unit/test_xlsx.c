/* Unit tests for the xlsx writer: write known tables, unzip the workbook and check its cells. */
#include "testutil.h"

#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shopstat/tab.h"
#include "shopstat/xlsx.h"



/* ---- reading the workbook back: `unzip -p` and a little XML scanning ---- */

static char *unzip_member(const char *path, const char *member)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", path, member);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int rc = pclose(p);
    if (!buf || rc != 0 || len == 0) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Text of an XML element body with the five predefined entities resolved. */
static void xml_text(const char *s, size_t n, char *out, size_t cap)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap;) {
        int done = 0;
        for (size_t k = 0; k < 5 && !done; k++) {
            size_t el = strlen(ents[k].ent);
            if (i + el <= n && !strncmp(s + i, ents[k].ent, el)) {
                out[o++] = ents[k].c;
                i += el;
                done = 1;
            }
        }
        if (!done)
            out[o++] = s[i++];
    }
    out[o] = '\0';
}

typedef struct book {
    char *path;
    char *workbook, *styles, *sst_xml;
    char **sst;
    size_t nsst;
} book;

static void book_open(book *b, const char *path)
{
    memset(b, 0, sizeof *b);
    b->path = strdup(path);
    b->workbook = unzip_member(path, "xl/workbook.xml");
    b->styles = unzip_member(path, "xl/styles.xml");
    b->sst_xml = unzip_member(path, "xl/sharedStrings.xml");
    assert_non_null(b->workbook);
    assert_non_null(b->styles);
    assert_non_null(b->sst_xml);
    for (const char *p = b->sst_xml; (p = strstr(p, "<si>")); p += 4)
        b->nsst++;
    b->sst = calloc(b->nsst ? b->nsst : 1, sizeof *b->sst);
    size_t i = 0;
    for (const char *p = b->sst_xml; (p = strstr(p, "<si>")); i++) {
        const char *end = strstr(p, "</si>");
        assert_non_null(end);
        char text[4096] = "";
        /* concatenate the <t> runs */
        for (const char *t = p; (t = strstr(t, "<t")) && t < end;) {
            const char *gt = strchr(t, '>');
            const char *close = strstr(gt, "</t>");
            char part[4096];
            xml_text(gt + 1, (size_t)(close - gt - 1), part, sizeof part);
            strncat(text, part, sizeof text - strlen(text) - 1);
            t = close + 4;
        }
        b->sst[i] = strdup(text);
        p = end;
    }
}

static void book_close(book *b)
{
    for (size_t i = 0; i < b->nsst; i++)
        free(b->sst[i]);
    free(b->sst);
    free(b->path);
    free(b->workbook);
    free(b->styles);
    free(b->sst_xml);
}

static char *sheet_xml(const book *b, int n)
{
    char member[64];
    snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", n);
    char *x = unzip_member(b->path, member);
    assert_non_null(x);
    return x;
}

/* One cell: its text (shared string resolved) or number, and its style index. */
typedef struct cell {
    int found, is_str, style;
    char text[1024];
    double num;
} cell;

static cell get_cell(const book *b, const char *xml, const char *ref)
{
    cell c = {0};
    char pat[32];
    snprintf(pat, sizeof pat, "<c r=\"%s\"", ref);
    const char *p = strstr(xml, pat);
    if (!p)
        return c;
    c.found = 1;
    const char *gt = strchr(p, '>');
    const char *s = strstr(p, " s=\"");
    if (s && s < gt)
        c.style = atoi(s + 4);
    const char *t = strstr(p, " t=\"");
    int shared = t && t < gt && t[4] == 's' && t[5] == '"';
    if (gt[-1] == '/')
        return c; /* empty (formatted blank) cell */
    const char *v = strstr(gt, "<v>");
    const char *end = strstr(gt, "</c>");
    if (!v || v > end)
        return c;
    if (shared) {
        size_t k = (size_t)atol(v + 3);
        assert_true(k < b->nsst);
        c.is_str = 1;
        snprintf(c.text, sizeof c.text, "%s", b->sst[k]);
    } else
        c.num = strtod(v + 3, NULL);
    return c;
}

static double cell_num(const book *b, const char *xml, const char *ref)
{
    cell c = get_cell(b, xml, ref);
    if (!c.found || c.is_str)
        fail_msg("cell %s holds no number", ref);
    return c.num;
}

/* Text of a cell, "" when absent or empty. */
static const char *cell_str(const book *b, const char *xml, const char *ref)
{
    static char buf[1024];
    cell c = get_cell(b, xml, ref);
    snprintf(buf, sizeof buf, "%s", c.found && c.is_str ? c.text : "");
    return buf;
}

/* Row (1-based) of the first column-A cell holding text, 0 if none. */
static int find_row(const book *b, const char *xml, const char *text)
{
    for (const char *p = xml; (p = strstr(p, "<c r=\"A")); p++) {
        char ref[16];
        int i = 0;
        for (const char *q = p + 6; *q != '"' && i < 15; q++)
            ref[i++] = *q;
        ref[i] = '\0';
        if (!strcmp(cell_str(b, xml, ref), text))
            return atoi(ref + 1);
    }
    return 0;
}

/* Any cell anywhere whose text contains needle. */
static int any_text(const book *b, const char *xml, const char *needle)
{
    for (const char *p = xml; (p = strstr(p, "<c r=\"")); p++) {
        char ref[16];
        int i = 0;
        for (const char *q = p + 6; *q != '"' && i < 15; q++)
            ref[i++] = *q;
        ref[i] = '\0';
        if (strstr(cell_str(b, xml, ref), needle))
            return 1;
    }
    return 0;
}

/* The k-th <xf> of cellXfs: its number format id and whether its font is italic. */
static void style_of(const book *b, int k, int *numfmt, int *italic)
{
    const char *x = strstr(b->styles, "<cellXfs");
    assert_non_null(x);
    for (int i = 0; i <= k; i++) {
        x = strstr(x + 1, "<xf ");
        assert_non_null(x);
    }
    const char *nf = strstr(x, "numFmtId=\"");
    *numfmt = atoi(nf + 10);
    int font = atoi(strstr(x, "fontId=\"") + 8);
    const char *f = strstr(b->styles, "<fonts");
    for (int i = 0; i <= font; i++) {
        f = strstr(f + 1, "<font>");
        assert_non_null(f);
    }
    const char *fend = strstr(f, "</font>");
    const char *it = strstr(f, "<i/>");
    *italic = it && it < fend;
}

static const char *fmt_code(const book *b, int id);

/* Sheet names in workbook order. */
static size_t sheet_names(const book *b, char names[][128], size_t max)
{
    size_t n = 0;
    for (const char *p = b->workbook; n < max && (p = strstr(p, "<sheet name=\"")); p++) {
        const char *q = p + 13, *e = strchr(q, '"');
        xml_text(q, (size_t)(e - q), names[n], 128);
        n++;
    }
    return n;
}

/* ---- the table set ---- */

/* Cell refs of segment s (0-based) in row r: % B/F/J/N..., letters C/G/K/O... */
static void ref(char *out, size_t s, int what, int row)
{
    /* what: 0 %, 1 sig, 2 CI low, 3 CI high. Columns stay below Z here. */
    snprintf(out, 16, "%c%d", (char)('B' + 4 * s + (size_t)what), row);
}

static shopstat_estimate E(const char *var, const char *level, const char *seg, size_t n, double w,
                           double eff, double p, double lo, double hi)
{
    shopstat_estimate e = {.variable = var,
                           .level = level,
                           .segment = seg,
                           .base_n = n,
                           .base_weight = w,
                           .proportion = p,
                           .ci_lower = lo,
                           .ci_upper = hi,
                           .eff_base = eff,
                           .se = 0.02,
                           .df = 100,
                           .deff = 1.2};
    return e;
}

static shopstat_difference D(const char *var, const char *level, const char *a, const char *b,
                             double diff, double padj)
{
    shopstat_difference d = {.variable = var,
                             .level = level,
                             .segment_a = a,
                             .segment_b = b,
                             .difference = diff,
                             .p_value = padj / 2,
                             .p_adjusted = padj,
                             .se = 0.03,
                             .df = 100,
                             .eff_base_a = 100,
                             .eff_base_b = 100};
    return d;
}

static shopstat_estimate sw_est[6], ct_est[8];
static shopstat_difference sw_diffs[8], ct_diffs[2];
static const char *const sw_levels[] = {"Yes", "No"};
static const char *const sw_segs[] = {"All buyers", "Heavy buyers (> $2,000)", "Light buyers"};
static const char *const ct_levels[] = {"E-mail", "Phone"};
static const char *const ct_segs[] = {"All sites", "Small shops", "Nobody", "Tiny"};
static shopstat_xlsx_table tables[10];
static const char long_id[] = "a_very_long_table_identifier_exceeding_31";

static void build(void)
{
    /* switch: levels "1" (Yes), "2" (No) x segments all, heavy, light */
    sw_est[0] = E("switch", "1", "all", 836, 836.0, 700, 0.69, 0.65, 0.73);
    sw_est[1] = E("switch", "1", "heavy", 150, 140.5, 120, 0.87, 0.80, 0.92);
    sw_est[2] = E("switch", "1", "light", 686, 695.5, 580, 0.62, 0.57, 0.67);
    sw_est[3] = E("switch", "2", "all", 836, 836.0, 700, 0.31, 0.27, 0.35);
    sw_est[4] = E("switch", "2", "heavy", 150, 140.5, 120, 0.13, 0.08, 0.20);
    sw_est[5] = E("switch", "2", "light", 686, 695.5, 580, 0.38, 0.33, 0.43);
    sw_diffs[0] = D("switch", "1", "heavy", "all", 0.18, 0.001);  /* heavy Yes: A */
    sw_diffs[1] = D("switch", "2", "heavy", "all", -0.18, 0.001); /* all No: B */
    sw_diffs[2] = D("switch", "1", "light", "all", -0.07, 0.07);  /* all Yes: c */
    sw_diffs[3] = D("switch", "2", "light", "all", 0.07, 0.07);   /* light No: a */
    sw_diffs[4] = D("switch", "1", "heavy", "light", 0.25, 0.5);  /* not significant */
    sw_diffs[5] = D("switch", "1", "heavy", "rest", 0.20, 0.002); /* a note, no letter */
    sw_diffs[6] = D("other", "1", "all", "heavy", 0.10, 0.001);   /* another question */
    sw_diffs[7] = D("switch", "2", "light", "rest", -0.05, 0.07); /* a note at 10% only */
    tables[0] = (shopstat_xlsx_table){.name = "switch",
                                      .title = "Would switch site after poor service",
                                      .base_note = "Base: all online buyers",
                                      .nlevels = 2,
                                      .nsegments = 3,
                                      .level_labels = sw_levels,
                                      .segment_labels = sw_segs,
                                      .est = sw_est,
                                      .diffs = sw_diffs,
                                      .ndiffs = 8};

    /* contact (multi): segments all, small (low base), empty (no base), tiny (eff < 10) */
    const char *lv[2] = {"pref_email", "pref_phone"};
    for (size_t l = 0; l < 2; l++) {
        ct_est[l * 4 + 0] = E("contact", lv[l], "all", 494, 494.0, 400, l ? 0.64 : 0.76,
                              l ? 0.59 : 0.72, l ? 0.69 : 0.80);
        ct_est[l * 4 + 1] = E("contact", lv[l], "small", 25, 24.0, 22, l ? 0.50 : 0.86,
                              l ? 0.30 : 0.66, l ? 0.70 : 0.95);
        ct_est[l * 4 + 2] = E("contact", lv[l], "empty", 0, 0.0, 0, NAN, NAN, NAN);
        ct_est[l * 4 + 3] = E("contact", lv[l], "tiny", 9, 8.5, 8, l ? 0.20 : 0.95, l ? 0.05 : 0.60,
                              l ? 0.55 : 0.99);
    }
    ct_diffs[0] = D("contact", "pref_email", "tiny", "all", 0.19, 0.001); /* untested: eff 8 */
    ct_diffs[1] = D("contact", "pref_email", "small", "all", 0.10, 0.01); /* small E-mail: A */
    tables[1] = (shopstat_xlsx_table){.name = "contact/channel: [x]*?",
                                      .title = "Preferred contact channels",
                                      .multi = 1,
                                      .nlevels = 2,
                                      .nsegments = 4,
                                      .level_labels = ct_levels,
                                      .segment_labels = ct_segs,
                                      .est = ct_est,
                                      .diffs = ct_diffs,
                                      .ndiffs = 2};
    /* the same data under names that need fixing */
    const char *ids[] = {"CONTACT/channel: [x]*?",
                         long_id,
                         long_id,
                         "Contents",
                         "'it's'",
                         NULL,
                         "\xc3\x9c"
                         "BERSICHT_der_K\xc3\xa4ufergruppen_nach_Region",
                         "bad\xff"
                         "byte\x01"};
    for (size_t i = 0; i < 8; i++) {
        tables[2 + i] = tables[0];
        tables[2 + i].name = ids[i];
    }
}

static void write_book(const char *path)
{
    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    o.title = "Servicesoft 1999 & co";
    o.note = "Synthetic data built to match published figures";
    o.ci_note = "95% CI, logit method";
    shopstat_error err;
    shopstat_error_clear(&err);
    build();
    shopstat_status st = shopstat_xlsx_write(path, tables, 10, &o, &err);
    if (st != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
}

/* A close that fails (the file past a 4 KiB ulimit -f): libxlsxwriter prints its own
 * "[ERROR]" line on stderr. A library caller's descriptors are left alone (lend_stderr 0:
 * the line reaches its stderr, our error keeps libxlsxwriter's code); with lend_stderr the
 * line stays off stderr and its system error is our reason. Run in a child, whose stderr
 * is a file read back here. Returns what the child wrote on stderr; *msg = err.msg. */
static char *close_past_limit(int lend, char *msg, size_t cap)
{
    char dir[] = "/tmp/shopstat_xlsx_lendXXXXXX", errf[64], wbook[64], msgf[64];
    assert_non_null(mkdtemp(dir));
    snprintf(errf, sizeof errf, "%s/stderr", dir);
    snprintf(wbook, sizeof wbook, "%s/b.xlsx", dir);
    snprintf(msgf, sizeof msgf, "%s/msg", dir);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(3);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        if (setrlimit(RLIMIT_FSIZE, &rl))
            _exit(3);
        shopstat_xlsx_opts o;
        shopstat_xlsx_opts_init(&o);
        o.lend_stderr = lend;
        shopstat_error err;
        shopstat_error_clear(&err);
        build();
        shopstat_status st = shopstat_xlsx_write(wbook, tables, 10, &o, &err);
        FILE *m = fopen(msgf, "w");
        if (!m)
            _exit(3);
        fputs(err.msg, m);
        fclose(m);
        _exit(st == SHOPSTAT_EIO ? 0 : 4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char *out = calloc(1, 4096);
    assert_non_null(out);
    FILE *f = fopen(errf, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, 4095, f);
    out[n] = '\0';
    fclose(f);
    f = fopen(msgf, "r");
    assert_non_null(f);
    n = fread(msg, 1, cap - 1, f);
    msg[n] = '\0';
    fclose(f);
    unlink(errf);
    unlink(msgf);
    unlink(wbook);
    rmdir(dir);
    return out;
}

static void test_lend_stderr(void **state)
{
    (void)state;
    char msg[512];
    char *out = close_past_limit(0, msg, sizeof msg);
    assert_non_null(strstr(out, "[ERROR] workbook_close()"));
    assert_null(strstr(msg, "cannot write: ")); /* libxlsxwriter's code instead */
    free(out);
    out = close_past_limit(1, msg, sizeof msg);
    assert_string_equal(out, "");
    assert_string_equal(msg, "cannot write: File too large");
    free(out);
}

/* ---- tests ---- */

static void test_sheet_names(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/names.xlsx", scratch_dir);
    write_book(path);
    book b;
    book_open(&b, path);
    char names[16][128];
    size_t n = sheet_names(&b, names, 16);
    assert_int_equal(n, 11);
    assert_string_equal(names[0], "Contents");
    assert_string_equal(names[1], "switch");
    assert_string_equal(names[2], "contact_channel_ _x___");
    assert_string_equal(names[3], "CONTACT_channel_ _x___ (2)"); /* unique ignoring case */
    assert_string_equal(names[4], "a_very_long_table_identifier_ex");
    assert_int_equal(strlen(names[4]), 31);
    assert_string_equal(names[5], "a_very_long_table_identifie (2)");
    assert_int_equal(strlen(names[5]), 31);
    assert_string_equal(names[6], "Contents (2)");
    assert_string_equal(names[7], "_it's_");
    assert_string_equal(names[8], "Table 8");
    /* 31 characters, not bytes; invalid UTF-8 and control characters replaced */
    assert_string_equal(names[9], "\xc3\x9c"
                                  "BERSICHT_der_K\xc3\xa4ufergruppen_nac");
    assert_string_equal(names[10], "bad_byte_");

    /* the contents sheet: title, notes, one linked row per table */
    char *toc = sheet_xml(&b, 1);
    assert_string_equal(cell_str(&b, toc, "A1"), "Servicesoft 1999 & co");
    assert_true(any_text(&b, toc, "Synthetic data"));
    assert_true(any_text(&b, toc, "95% CI, logit method"));
    assert_true(any_text(&b, toc, "upper case at p < 0.05, lower case at p < 0.1"));
    int r = find_row(&b, toc, "switch");
    assert_true(r > 0);
    char refb[16];
    snprintf(refb, sizeof refb, "B%d", r);
    assert_string_equal(cell_str(&b, toc, refb), "Would switch site after poor service");
    assert_non_null(strstr(toc, "location=\"'switch'!A1\""));
    assert_non_null(strstr(toc, "location=\"'Contents (2)'!A1\""));
    assert_non_null(strstr(toc, "location=\"'_it''s_'!A1\""));
    assert_int_equal(find_row(&b, toc, "Table 8"), r + 7);
    free(toc);
    book_close(&b);
}

static void test_banner_values(void **state)
{
    (void)state;
    char path[128], rf[16];
    snprintf(path, sizeof path, "%s/banner.xlsx", scratch_dir);
    write_book(path);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    assert_string_equal(cell_str(&b, x, "A1"), "Would switch site after poor service");
    assert_string_equal(cell_str(&b, x, "A2"), "Base: all online buyers");
    assert_false(any_text(&b, x, "Multiple answers"));
    int hdr = find_row(&b, x, "Yes") - 3;
    assert_true(hdr > 0);
    char h[16];
    snprintf(h, sizeof h, "F%d", hdr);
    assert_string_equal(cell_str(&b, x, h), "Heavy buyers (> $2,000)");
    snprintf(h, sizeof h, "J%d", hdr + 1);
    assert_string_equal(cell_str(&b, x, h), "(C)");
    assert_non_null(strstr(x, "<pane ")); /* frozen below the header */
    assert_non_null(strstr(x, "state=\"frozen\""));

    int yes = find_row(&b, x, "Yes"), no = find_row(&b, x, "No");
    assert_int_equal(no, yes + 1);
    /* percentages are the proportions, formatted 0.0% (as report.md) */
    const double p[2][3] = {{0.69, 0.87, 0.62}, {0.31, 0.13, 0.38}};
    for (size_t s = 0; s < 3; s++) {
        ref(rf, s, 0, yes);
        assert_close(cell_num(&b, x, rf), p[0][s], 1e-12);
        int nf, it;
        style_of(&b, get_cell(&b, x, rf).style, &nf, &it);
        assert_string_equal(fmt_code(&b, nf), "0.0%");
        assert_false(it);
        ref(rf, s, 0, no);
        assert_close(cell_num(&b, x, rf), p[1][s], 1e-12);
    }
    ref(rf, 1, 2, yes);
    assert_close(cell_num(&b, x, rf), 0.80, 1e-12);
    ref(rf, 1, 3, yes);
    assert_close(cell_num(&b, x, rf), 0.92, 1e-12);

    /* letters: only the significant pairs of this question, matched by name */
    ref(rf, 0, 1, yes);
    assert_string_equal(cell_str(&b, x, rf), "c"); /* not "Bc": the other question's pair */
    ref(rf, 1, 1, yes);
    assert_string_equal(cell_str(&b, x, rf), "A"); /* not "AC": heavy vs light has p = 0.5 */
    ref(rf, 2, 1, yes);
    assert_string_equal(cell_str(&b, x, rf), "");
    ref(rf, 0, 1, no);
    assert_string_equal(cell_str(&b, x, rf), "B");
    ref(rf, 1, 1, no);
    assert_string_equal(cell_str(&b, x, rf), "");
    ref(rf, 2, 1, no);
    assert_string_equal(cell_str(&b, x, rf), "a");
    /* the pair against "rest" is a note, its p adjusted as the letters' legend and report.md
     * say ("(p = 0.002)" read as a p of its own) */
    assert_true(any_text(&b, x,
                         "Yes: Heavy buyers (> $2,000) (B) significantly higher than "
                         "the rest (adjusted p = 0.002)."));
    /* one that passes only the lower-case level says so */
    assert_true(any_text(&b, x,
                         "No: Light buyers (C) significantly lower than the rest "
                         "(adjusted p = 0.070, significant at p < 0.1 only)."));
    /* the rest said once, as the charts say it: of two segments, each one's own */
    assert_true(any_text(&b, x, "The rest: those not in the segment it is compared with."));
    assert_false(any_text(&b, x, "The rest: those not in Heavy buyers (> $2,000)."));

    /* bases */
    int un = find_row(&b, x, "Unweighted base"), wt = find_row(&b, x, "Weighted base"),
        ef = find_row(&b, x, "Effective base");
    assert_true(un > no);
    assert_int_equal(wt, un + 1);
    assert_int_equal(ef, un + 2);
    const double n[3] = {836, 150, 686}, w[3] = {836.0, 140.5, 695.5}, e[3] = {700, 120, 580};
    for (size_t s = 0; s < 3; s++) {
        ref(rf, s, 0, un);
        assert_close(cell_num(&b, x, rf), n[s], 1e-12);
        ref(rf, s, 0, wt);
        assert_close(cell_num(&b, x, rf), w[s], 1e-12);
        ref(rf, s, 0, ef);
        assert_close(cell_num(&b, x, rf), e[s], 1e-12);
    }
    assert_false(any_text(&b, x, "low base"));
    assert_true(any_text(&b, x, "Confidence intervals: 95% CI, logit method"));
    assert_true(any_text(&b, x, "Back to Contents"));
    free(x);
    book_close(&b);
}

static void test_low_and_empty_bases(void **state)
{
    (void)state;
    char path[128], rf[16];
    snprintf(path, sizeof path, "%s/low.xlsx", scratch_dir);
    write_book(path);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 3);
    assert_true(any_text(&b, x, "Multiple answers allowed"));
    int em = find_row(&b, x, "E-mail"), ph = find_row(&b, x, "Phone");
    assert_true(em > 0 && ph == em + 1);
    /* low base: the number is there, italic, with the footnote */
    ref(rf, 1, 0, em);
    assert_close(cell_num(&b, x, rf), 0.86, 1e-12);
    int nf, it;
    style_of(&b, get_cell(&b, x, rf).style, &nf, &it);
    assert_string_equal(fmt_code(&b, nf), "0.0%");
    assert_true(it);
    assert_true(any_text(&b, x, "low base"));
    /* tested although low (eff 22 >= 10) */
    ref(rf, 1, 1, em);
    assert_string_equal(cell_str(&b, x, rf), "A");
    /* eff 8 < 10: significant on paper, but no letter */
    ref(rf, 3, 1, em);
    assert_string_equal(cell_str(&b, x, rf), "");
    ref(rf, 3, 0, em);
    assert_close(cell_num(&b, x, rf), 0.95, 1e-12);
    /* empty base: "n/a" text, no number, and no NaN anywhere */
    ref(rf, 2, 0, em);
    assert_string_equal(cell_str(&b, x, rf), "n/a");
    ref(rf, 2, 0, ph);
    assert_string_equal(cell_str(&b, x, rf), "n/a");
    assert_true(any_text(&b, x, "n/a: empty base"));
    assert_null(strstr(x, "NaN"));
    assert_null(strstr(x, "nan<"));
    assert_null(strstr(x, "inf<"));
    int un = find_row(&b, x, "Unweighted base");
    ref(rf, 2, 0, un);
    assert_close(cell_num(&b, x, rf), 0, 1e-12);
    ref(rf, 1, 0, un);
    assert_close(cell_num(&b, x, rf), 25, 1e-12);
    style_of(&b, get_cell(&b, x, rf).style, &nf, &it);
    assert_true(it); /* the low base itself is flagged */
    free(x);
    book_close(&b);
}

static void test_deterministic(void **state)
{
    (void)state;
    char a[128], b[128], cmd[320];
    snprintf(a, sizeof a, "%s/a.xlsx", scratch_dir);
    snprintf(b, sizeof b, "%s/b.xlsx", scratch_dir);
    write_book(a);
    sleep(1); /* a clock in the file would now differ */
    write_book(b);
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    assert_int_equal(system(cmd), 0);
    /* and the fixed date is what the properties say */
    char *core = unzip_member(a, "docProps/core.xml");
    assert_non_null(core);
    assert_non_null(strstr(core, "2000-01-01T00:00:00Z"));
    assert_non_null(strstr(core, "Servicesoft 1999 &amp; co"));
    free(core);
}

static void test_defaults_and_empty(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/plain.xlsx", scratch_dir);
    build();
    shopstat_xlsx_table t = tables[0];
    t.diffs = NULL;
    t.ndiffs = 0;
    t.level_labels = NULL;   /* codes shown */
    t.segment_labels = NULL; /* names shown */
    shopstat_xlsx_table none = {.name = "empty", .title = "Nothing"};
    /* text an xlsx cannot hold: a control character, an invalid UTF-8 byte */
    static const char *const odd[] = {"Yes\x01", "N\xffo"};
    shopstat_xlsx_table u = tables[0];
    u.name = "odd";
    u.level_labels = odd;
    shopstat_xlsx_table two[3] = {t, none, u};
    shopstat_error err;
    assert_int_equal(shopstat_xlsx_write(path, two, 3, NULL, &err), SHOPSTAT_OK);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    assert_true(find_row(&b, x, "1") > 0);
    int hdr = find_row(&b, x, "1") - 3;
    char h[16];
    snprintf(h, sizeof h, "F%d", hdr);
    assert_string_equal(cell_str(&b, x, h), "heavy");
    free(x);
    x = sheet_xml(&b, 3);
    assert_string_equal(cell_str(&b, x, "A1"), "Nothing");
    free(x);
    x = sheet_xml(&b, 4);
    assert_true(find_row(&b, x, "Yes ") > 0);
    assert_int_equal(find_row(&b, x, "N\xef\xbf\xbdo"), find_row(&b, x, "Yes ") + 1);
    free(x);
    book_close(&b);
}

static void test_errors(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/missing/folder/t.xlsx", scratch_dir);
    build();
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_xlsx_write(path, tables, 1, NULL, &err), SHOPSTAT_EIO);
    assert_int_equal(err.status, SHOPSTAT_EIO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "missing/folder"));
    assert_non_null(strstr(err.msg, "No such file"));

    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    o.alpha_upper = NAN;
    snprintf(path, sizeof path, "%s/bad.xlsx", scratch_dir);
    assert_int_equal(shopstat_xlsx_write(path, tables, 1, &o, &err), SHOPSTAT_EUSAGE);
    assert_int_not_equal(access(path, F_OK), 0);
}

/* The library end to end: a segment whose rows all weigh 0 has no effective base (Kish's
 * (sum w)^2 / sum w^2 is 0/0, NaN in R): "n/a" in the workbook, as its percentages, not 0. */
static void test_zero_weight_effective_base(void **state)
{
    (void)state;
    char csv[128], path[128], rf[16];
    snprintf(csv, sizeof csv, "%s/zero.csv", scratch_dir);
    snprintf(path, sizeof path, "%s/zero.xlsx", scratch_dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("q,s,w\n1,z,0\n0,z,0\n1,a,1\n0,a,2\n1,a,1\n", f);
    fclose(f);
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *rd = NULL;
    assert_int_equal(shopstat_reader_open(csv, NULL, &rd, &err), SHOPSTAT_OK);
    shopstat_plan *p = shopstat_plan_new();
    shopstat_design_opts d;
    shopstat_design_opts_init(&d);
    d.weight = "w";
    assert_int_equal(shopstat_plan_set_design(p, &d, NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_add_single(p, "q", "q", NULL), SHOPSTAT_OK);
    assert_int_equal(shopstat_plan_parse_segment(p, "z=s:z", NULL), SHOPSTAT_OK);
    shopstat_totals *t = NULL;
    assert_int_equal(shopstat_totals_compute(p, rd, &t, &err), SHOPSTAT_OK);
    shopstat_reader_free(rd);
    shopstat_estimate *e = NULL;
    size_t n = 0;
    assert_int_equal(shopstat_tab_estimates(t, NULL, &e, &n, &err), SHOPSTAT_OK);
    assert_int_equal(n, 4); /* levels 0, 1 x segments all, z */
    shopstat_xlsx_table tb = {.name = "q", .title = "Q", .nlevels = 2, .nsegments = 2, .est = e};
    assert_int_equal(shopstat_xlsx_write(path, &tb, 1, NULL, &err), SHOPSTAT_OK);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    int un = find_row(&b, x, "Unweighted base"), ef = find_row(&b, x, "Effective base");
    assert_true(un > 0);
    assert_int_equal(ef, un + 2);
    ref(rf, 0, 0, ef);
    assert_close(cell_num(&b, x, rf), 16.0 / 6, 1e-12); /* all: 4^2 / (1 + 4 + 1) */
    ref(rf, 1, 0, un);
    assert_close(cell_num(&b, x, rf), 2, 0); /* z: its 2 rows */
    ref(rf, 1, 0, ef);
    assert_string_equal(cell_str(&b, x, rf), "n/a");
    /* its rows answered (2 of them), they weigh 0: the note says so, not "nobody answered" */
    assert_true(any_text(
        &b, x, "n/a: weighted base 0 (every row of the segment that answered has weight 0)."));
    assert_false(any_text(&b, x, "nobody in the segment answered"));
    free(x);
    book_close(&b);
    /* a grid of two such items says the same as the levels' sheet (it said "n/a: empty
     * base (nobody in the segment answered)" of z's rows, which answered and weigh 0) */
    shopstat_xlsx_table its[2] = {tb, tb};
    its[1].name = "q2";
    const char *il[] = {"First item", "Second item"};
    shopstat_xlsx_table gr = {.name = "g",
                              .title = "G",
                              .nlevels = 2,
                              .nsegments = 2,
                              .est = e,
                              .items = its,
                              .item_labels = il,
                              .nitems = 2};
    assert_int_equal(shopstat_xlsx_write(path, &gr, 1, NULL, &err), SHOPSTAT_OK);
    book_open(&b, path);
    x = sheet_xml(&b, 2);
    int gi = find_row(&b, x, "Second item"), gz = 0; /* all's row, then z's block's */
    assert_true(gi > 0);
    for (int row = gi + 1; row < gi + 20 && !gz; row++) {
        snprintf(rf, sizeof rf, "A%d", row);
        gz = strcmp(cell_str(&b, x, rf), "Second item") == 0 ? row : 0;
    }
    assert_true(gz > 0);
    ref(rf, 0, 0, gi);
    assert_true(cell_num(&b, x, rf) > 0); /* all's share */
    ref(rf, 0, 0, gz);
    assert_string_equal(cell_str(&b, x, rf), "n/a");
    assert_true(any_text(
        &b, x, "n/a: weighted base 0 (every row of the segment that answered has weight 0)."));
    assert_false(any_text(&b, x, "nobody in the segment answered"));
    free(x);
    book_close(&b);
    /* a score of such a segment says the same (it said "nobody in the segment answered"):
     * a table of the score alone, its segment z of 2 rows weighing 0 */
    const char *sl[] = {"Mean"};
    shopstat_score_estimate sc[2] = {
        {.variable = "q", .score = "Mean", .segment = "all", .base_n = 5, .base_weight = 4,
         .estimate = 0.5, .ci_lower = 0.1, .ci_upper = 0.9, .df = 4, .eff_base = 2.7,
         .min = 0, .max = 1},
        {.variable = "q", .score = "Mean", .segment = "z", .base_n = 2, .base_weight = 0,
         .estimate = NAN, .ci_lower = NAN, .ci_upper = NAN, .df = 1, .eff_base = NAN,
         .min = 0, .max = 1}};
    shopstat_estimate lv[4]; /* (the levels as a score needs them: z's with weights here) */
    memcpy(lv, e, sizeof lv);
    for (size_t l = 0; l < 2; l++) {
        lv[l * 2 + 1].base_weight = 2;
        lv[l * 2 + 1].proportion = 0.5;
        lv[l * 2 + 1].ci_lower = 0.1;
        lv[l * 2 + 1].ci_upper = 0.9;
        lv[l * 2 + 1].eff_base = 2;
    }
    shopstat_xlsx_table ts = {.name = "q", .title = "Q", .nlevels = 2, .nsegments = 2,
                              .est = lv, .nscores = 1, .score_labels = sl, .scores = sc};
    if (shopstat_xlsx_write(path, &ts, 1, NULL, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    book_open(&b, path);
    x = sheet_xml(&b, 2);
    int mean = find_row(&b, x, "Mean");
    assert_true(mean > 0);
    ref(rf, 1, 0, mean);
    assert_string_equal(cell_str(&b, x, rf), "n/a");
    assert_true(any_text(
        &b, x, "n/a: weighted base 0 (every row of the segment that answered has weight 0)."));
    assert_false(any_text(&b, x, "nobody in the segment answered"));
    free(x);
    book_close(&b);
    free(e);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
}

/* The format code of number format id (a built-in id has none here: ""). */
static const char *fmt_code(const book *b, int id)
{
    static char code[64];
    char pat[48];
    snprintf(pat, sizeof pat, "<numFmt numFmtId=\"%d\" formatCode=\"", id);
    const char *p = strstr(b->styles, pat);
    code[0] = '\0';
    if (p) {
        p += strlen(pat);
        xml_text(p, strcspn(p, "\""), code, sizeof code);
    }
    return code;
}

/* A p beside the letters never reads as the other side of their levels: the differences
 * block shows 0.0498 (an upper-case letter at 0.05) as "0.0498", not "0.050", and 0.0996 (a
 * lower-case one at 0.10) as "0.0996"; the note of a pair with the rest says "p = 0.0996",
 * as report.md (shopstat_format_p_alpha). 0.021 keeps 3 decimals. */
static void test_p_near_alpha(void **state)
{
    (void)state;
    static const char *const lv[] = {"Yes", "No"};
    static const char *const sg[] = {"All", "Heavy"};
    shopstat_estimate est[4] = {E("q", "1", "all", 400, 400, 380, 0.60, 0.55, 0.65),
                                E("q", "1", "heavy", 120, 118, 110, 0.70, 0.61, 0.78),
                                E("q", "2", "all", 400, 400, 380, 0.40, 0.35, 0.45),
                                E("q", "2", "heavy", 120, 118, 110, 0.30, 0.22, 0.39)};
    shopstat_difference d[4] = {D("q", "1", "heavy", "all", 0.10, 0.0498),
                                D("q", "2", "heavy", "all", -0.10, 0.021),
                                D("q", "1", "heavy", "rest", 0.13, 0.0996),
                                D("q", "2", "heavy", "rest", -0.13, 0.5)};
    d[1].l = d[3].l = 1; /* (level "2": the table's second level) */
    shopstat_xlsx_table t = {.name = "q",
                             .title = "Q",
                             .nlevels = 2,
                             .nsegments = 2,
                             .level_labels = lv,
                             .segment_labels = sg,
                             .est = est,
                             .diffs = d,
                             .ndiffs = 4,
                             .differences = 1};
    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    char path[128];
    snprintf(path, sizeof path, "%s/p.xlsx", scratch_dir);
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_xlsx_write(path, &t, 1, &o, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    int yes = find_row(&b, x, "Yes"), no = find_row(&b, x, "No");
    assert_true(yes > 0 && no == yes + 1);
    /* the pairs' blocks after the two segments' (4 columns each, from B): change, CI low,
     * CI high, p; heavy:all's p in M, heavy:rest's in Q */
    const struct {
        char col;
        int row;
        double p;
        const char *code;
    } want[] = {{'M', yes, 0.0498, "0.0000"},
                {'M', no, 0.021, "[<0.001]\"< 0.001\";0.000"},
                {'Q', yes, 0.0996, "0.0000"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char rf[16];
        snprintf(rf, sizeof rf, "%c%d", want[i].col, want[i].row);
        cell c = get_cell(&b, x, rf);
        assert_true(c.found && !c.is_str);
        assert_close(c.num, want[i].p, 1e-15);
        int nf, it;
        style_of(&b, c.style, &nf, &it);
        assert_string_equal(fmt_code(&b, nf), want[i].code);
    }
    assert_true(any_text(&b, x,
                         "Yes: Heavy (B) significantly higher than the rest "
                         "(adjusted p = 0.0996, significant at p < 0.1 only)."));
    assert_true(any_text(&b, x, "The rest: those not in Heavy."));
    free(x);
    book_close(&b);
}

/* A table whose tests found nothing says so, as report.md does (it read as a table never
 * tested): a pair of columns whose every level is under the lower-case level, and the
 * comparisons with the rest, then who the rest are; none of it under a table with a
 * significant pair. */
static void test_none_significant(void **state)
{
    (void)state;
    static const char *const lv[] = {"Yes", "No"};
    static const char *const sg[] = {"All", "Heavy"};
    shopstat_estimate est[4] = {E("q", "1", "all", 400, 400, 380, 0.60, 0.55, 0.65),
                                E("q", "1", "heavy", 120, 118, 110, 0.62, 0.53, 0.71),
                                E("q", "2", "all", 400, 400, 380, 0.40, 0.35, 0.45),
                                E("q", "2", "heavy", 120, 118, 110, 0.38, 0.29, 0.47)};
    shopstat_difference d[4] = {
        D("q", "1", "heavy", "all", 0.02, 0.5), D("q", "2", "heavy", "all", -0.02, 0.5),
        D("q", "1", "heavy", "rest", 0.03, 0.3), D("q", "2", "heavy", "rest", -0.03, 0.3)};
    d[1].l = d[3].l = 1;
    shopstat_xlsx_table t = {.name = "q",
                             .title = "Q",
                             .nlevels = 2,
                             .nsegments = 2,
                             .level_labels = lv,
                             .segment_labels = sg,
                             .est = est,
                             .diffs = d,
                             .ndiffs = 4};
    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    char path[128];
    snprintf(path, sizeof path, "%s/none.xlsx", scratch_dir);
    shopstat_error err;
    shopstat_error_clear(&err);
    for (int sig = 0; sig < 2; sig++) {
        d[0].p_adjusted = d[0].p_value = sig ? 0.01 : 0.5;
        d[2].p_adjusted = d[2].p_value = sig ? 0.01 : 0.3;
        if (shopstat_xlsx_write(path, &t, 1, &o, &err) != SHOPSTAT_OK)
            fail_msg("%s", err.msg);
        book b;
        book_open(&b, path);
        char *x = sheet_xml(&b, 2);
        assert_int_equal(any_text(&b, x,
                                  "No difference is significant (adjusted p >= 0.1) "
                                  "between Heavy (B) and All (A)."),
                         !sig);
        assert_int_equal(any_text(&b, x,
                                  "Compared with the rest: no difference is "
                                  "significant (adjusted p >= 0.1)."),
                         !sig);
        assert_true(any_text(&b, x, "The rest: those not in Heavy."));
        free(x);
        book_close(&b);
    }
    /* a grid says it item by item, as report.md ("Second: No difference ..."): its first
     * item's pair and rest significant, its second's not (both lines missing before) */
    shopstat_difference d2[4];
    memcpy(d2, d, sizeof d2);
    d[0].p_adjusted = d[0].p_value = 0.01;
    d[2].p_adjusted = d[2].p_value = 0.01;
    d2[0].p_adjusted = d2[0].p_value = 0.5;
    d2[2].p_adjusted = d2[2].p_value = 0.3;
    shopstat_xlsx_table its[2] = {t, t};
    its[1].diffs = d2;
    const char *il[] = {"First", "Second"};
    shopstat_xlsx_table gr = t;
    gr.name = "g";
    gr.items = its;
    gr.item_labels = il;
    gr.nitems = 2;
    if (shopstat_xlsx_write(path, &gr, 1, &o, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    {
        book b;
        book_open(&b, path);
        char *x = sheet_xml(&b, 2);
        assert_true(any_text(&b, x,
                             "Second: No difference is significant (adjusted p >= 0.1) "
                             "between Heavy (B) and All (A)."));
        assert_false(any_text(&b, x,
                              "First: No difference is significant (adjusted p >= 0.1) "
                              "between Heavy (B) and All (A)."));
        assert_true(any_text(&b, x,
                             "Second: Compared with the rest: no difference is "
                             "significant (adjusted p >= 0.1)."));
        assert_false(any_text(&b, x,
                              "First: Compared with the rest: no difference is "
                              "significant (adjusted p >= 0.1)."));
        assert_true(any_text(&b, x, "The rest: those not in Heavy."));
        free(x);
        book_close(&b);
    }
    /* a pair whose levels found nothing but whose score carries a letter found something:
     * no line says it found nothing (it did, beside the score's letter) */
    static const char *const sl[] = {"Mean"};
    shopstat_score_estimate sc[2] = {{.variable = "q",
                                      .score = "mean",
                                      .segment = "all",
                                      .base_n = 400,
                                      .base_weight = 400,
                                      .estimate = 3.1,
                                      .ci_lower = 3.0,
                                      .ci_upper = 3.2,
                                      .df = 100,
                                      .eff_base = 380,
                                      .min = 1,
                                      .max = 5},
                                     {.variable = "q",
                                      .score = "mean",
                                      .segment = "heavy",
                                      .base_n = 120,
                                      .base_weight = 118,
                                      .estimate = 3.5,
                                      .ci_lower = 3.3,
                                      .ci_upper = 3.7,
                                      .df = 100,
                                      .eff_base = 110,
                                      .min = 1,
                                      .max = 5}};
    shopstat_difference sd = D("q", "mean", "heavy", "all", 0.4, 0.001);
    sd.l = 0;
    shopstat_xlsx_table ts = t;
    ts.diffs = d2;
    ts.nscores = 1;
    ts.score_labels = sl;
    ts.scores = sc;
    ts.score_diffs = &sd;
    ts.nscore_diffs = 1;
    for (int sig = 0; sig < 2; sig++) {
        sd.p_adjusted = sd.p_value = sig ? 0.001 : 0.5;
        if (shopstat_xlsx_write(path, &ts, 1, &o, &err) != SHOPSTAT_OK)
            fail_msg("%s", err.msg);
        book b;
        book_open(&b, path);
        char *x = sheet_xml(&b, 2);
        assert_int_equal(any_text(&b, x,
                                  "No difference is significant (adjusted p >= 0.1) "
                                  "between Heavy (B) and All (A)."),
                         !sig);
        free(x);
        book_close(&b);
    }
    /* under compare: {adjust: none} the p is not adjusted: the notes and the legend say p
     * (they said "adjusted p" whatever the spec's adjust:) */
    {
        shopstat_xlsx_table tn = t;
        tn.diffs = d2;
        o.unadjusted = 1;
        if (shopstat_xlsx_write(path, &tn, 1, &o, &err) != SHOPSTAT_OK)
            fail_msg("%s", err.msg);
        o.unadjusted = 0;
        book b;
        book_open(&b, path);
        char *x = sheet_xml(&b, 2);
        assert_true(any_text(
            &b, x, "No difference is significant (p >= 0.1) between Heavy (B) and All (A)."));
        assert_true(
            any_text(&b, x, "Compared with the rest: no difference is significant (p >= 0.1)."));
        assert_true(any_text(&b, x,
                             "Letters: significantly higher than the column with that letter; "
                             "upper case at p < 0.05, lower case at p < 0.1 (unadjusted "
                             "p-values)."));
        free(x);
        book_close(&b);
    }
    /* a table of differences: true gives every p in its blocks (heavy - the rest's too):
     * who the rest are, and no line of none significant */
    d[0].p_adjusted = d[0].p_value = 0.5;
    d[2].p_adjusted = d[2].p_value = 0.3;
    t.differences = 1;
    if (shopstat_xlsx_write(path, &t, 1, &o, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    assert_true(any_text(&b, x, "The rest: those not in Heavy."));
    assert_false(any_text(&b, x,
                          "Compared with the rest: no difference is significant "
                          "(adjusted p >= 0.1)."));
    assert_false(any_text(&b, x,
                          "No difference is significant (adjusted p >= 0.1) between "
                          "Heavy (B) and All (A)."));
    free(x);
    book_close(&b);
}

/* A value that rounds to 0 reads as report.md's text of it, not "-0.0": a share's Wald bound
 * of -0.0004 (report.md "0.0") takes the unsigned "0.0%;0.0%" (the cell keeps -0.0004); a
 * change of +0.0001, +0.01 points, and its bound of -0.0004, -0.04 ("+0.01 [-0.04, +0.004]" in
 * report.md: a change or bound that rounds to 0 keeps its side, shopstat_format_fixed's
 * SHOPSTAT_FIXED_SIDE), two decimals; its +0.00004, +0.004 points, three; an NPS bound of
 * -0.3 (report.md "0") "0;0", and one of +0.3 too: "+0;-0;0" showed it as "+0", a zero with
 * a sign (report.md "0"; an exact 0 takes the format's third section). Shares are 0.0%, as
 * report.md's: 0.4% read "0%" in a whole-percent cell, and so did every share under 0.5%. */
static void test_rounded_zero(void **state)
{
    (void)state;
    static const char *const lv[] = {"Sued the store", "Complained"};
    static const char *const sg[] = {"All", "Heavy"};
    static const char *const sl[] = {"NPS", "Net"};
    shopstat_estimate est[4] = {E("q", "1", "all", 900, 900, 760, 0.004, -0.0004, 0.0084),
                                E("q", "1", "heavy", 120, 118, 110, 0.0041, 0.0002, 0.02),
                                E("q", "2", "all", 900, 900, 760, 0.30, 0.27, 0.33),
                                E("q", "2", "heavy", 120, 118, 110, 0.35, 0.26, 0.44)};
    shopstat_difference d[2] = {D("q", "1", "heavy", "all", 0.0001, 0.9),
                                D("q", "2", "heavy", "all", 0.05, 0.3)};
    d[0].ci_lower = -0.0004;
    d[0].ci_upper = 0.00004;
    d[1].l = 1;
    d[1].ci_lower = -0.04;
    d[1].ci_upper = 0.14;
    shopstat_score_estimate sc[4] = {{.variable = "q",
                                      .score = "NPS",
                                      .segment = "all",
                                      .base_n = 900,
                                      .base_weight = 900,
                                      .estimate = 4.2,
                                      .ci_lower = -0.3,
                                      .ci_upper = 8.7,
                                      .df = 100,
                                      .eff_base = 760,
                                      .min = -100,
                                      .max = 100},
                                     {.variable = "q",
                                      .score = "NPS",
                                      .segment = "heavy",
                                      .base_n = 120,
                                      .base_weight = 118,
                                      .estimate = 12,
                                      .ci_lower = 0.3,
                                      .ci_upper = 22.6,
                                      .df = 100,
                                      .eff_base = 110,
                                      .min = -100,
                                      .max = 100},
                                     /* a score of a range under 1 and below 0 (-0.4 to 0.4): 3 decimals
                                      * in its signed format, the unsigned one at -0.0004 */
                                     {.variable = "q",
                                      .score = "Net",
                                      .segment = "all",
                                      .base_n = 900,
                                      .base_weight = 900,
                                      .estimate = 0.01,
                                      .ci_lower = -0.0004,
                                      .ci_upper = 0.0204,
                                      .df = 100,
                                      .eff_base = 760,
                                      .min = -0.4,
                                      .max = 0.4},
                                     {.variable = "q",
                                      .score = "Net",
                                      .segment = "heavy",
                                      .base_n = 120,
                                      .base_weight = 118,
                                      .estimate = 0.02,
                                      .ci_lower = 0.001,
                                      .ci_upper = 0.039,
                                      .df = 100,
                                      .eff_base = 110,
                                      .min = -0.4,
                                      .max = 0.4}};
    shopstat_xlsx_table t = {.name = "q",
                             .title = "Q",
                             .nlevels = 2,
                             .nsegments = 2,
                             .level_labels = lv,
                             .segment_labels = sg,
                             .est = est,
                             .diffs = d,
                             .ndiffs = 2,
                             .nscores = 2,
                             .score_labels = sl,
                             .scores = sc,
                             .differences = 1};
    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    char path[128];
    snprintf(path, sizeof path, "%s/zero.xlsx", scratch_dir);
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_xlsx_write(path, &t, 1, &o, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    int sued = find_row(&b, x, "Sued the store"), nps = find_row(&b, x, "NPS"),
        net = find_row(&b, x, "Net");
    assert_true(sued > 0 && nps > sued && net > nps);
    char rn[16];
    snprintf(rn, sizeof rn, "D%d", nps);
    /* segments' blocks from B (%, sig., CI low, CI high), then heavy:all's from J (change,
     * CI low, CI high, p) */
    const struct {
        char col;
        int row;
        double v;
        const char *code;
    } want[] = {{'B', sued, 0.004, "0.0%"},
                {'D', sued, -0.0004, "0.0%;0.0%"},
                {'E', sued, 0.0084, "0.0%"},
                {'H', sued, 0.0002, "0.0%"},
                {'J', sued, 0.01, "+0.00\" pts\";-0.00\" pts\";0.00\" pts\""},
                {'J', sued + 1, 5.0, "+0.0\" pts\";-0.0\" pts\";0.0\" pts\""},
                {'K', sued, -0.04, "+0.00;-0.00;0.00"},
                {'L', sued, 0.004, "+0.000;-0.000;0.000"},
                {'K', sued + 1, -4.0, "+0.0;-0.0;0.0"},
                {'D', nps, -0.3, "0;0"},
                {'H', nps, 0.3, "0;0"},
                {'E', nps, 8.7, "+0;-0;0"},
                {'D', net, -0.0004, "0.000;0.000"},
                {'E', net, 0.0204, "+0.000;-0.000;0.000"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char rf[16];
        snprintf(rf, sizeof rf, "%c%d", want[i].col, want[i].row);
        cell c = get_cell(&b, x, rf);
        assert_true(c.found && !c.is_str);
        assert_close(c.num, want[i].v, 1e-12);
        int nf, it;
        style_of(&b, c.style, &nf, &it);
        if (strcmp(fmt_code(&b, nf), want[i].code) != 0)
            fail_msg("%s: format '%s', want '%s'", rf, fmt_code(&b, nf), want[i].code);
    }
    free(x);
    book_close(&b);
}

/* A level's difference without a p: at 100% (or 0%) on both sides "no test" in the p cell,
 * as report.md's "(100% on both sides: no test)"; a difference of 0 with SE 0 inside (0, 1)
 * has an interval and no p, and its p cell stays empty. */
static void test_no_test_cells(void **state)
{
    (void)state;
    static const char *const lv[] = {"Paid", "Came back"};
    static const char *const sg[] = {"All", "Heavy"};
    shopstat_estimate est[4] = {E("q", "1", "all", 900, 900, 760, 1, 1, 1),
                                E("q", "1", "heavy", 120, 118, 110, 1, 1, 1),
                                E("q", "2", "all", 900, 900, 760, 0.3, 0.27, 0.33),
                                E("q", "2", "heavy", 120, 118, 110, 0.3, 0.22, 0.39)};
    shopstat_difference d[2] = {D("q", "1", "heavy", "all", 0, NAN),
                                D("q", "2", "heavy", "all", 0, NAN)};
    for (int i = 0; i < 2; i++) {
        d[i].p_value = NAN;
        d[i].ci_lower = d[i].ci_upper = 0;
        d[i].estimate_a = d[i].estimate_b = i ? 0.3 : 1;
    }
    d[1].l = 1;
    shopstat_xlsx_table t = {.name = "q",
                             .title = "Q",
                             .nlevels = 2,
                             .nsegments = 2,
                             .level_labels = lv,
                             .segment_labels = sg,
                             .est = est,
                             .diffs = d,
                             .ndiffs = 2,
                             .differences = 1};
    shopstat_xlsx_opts o;
    shopstat_xlsx_opts_init(&o);
    char path[128];
    snprintf(path, sizeof path, "%s/notest.xlsx", scratch_dir);
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_xlsx_write(path, &t, 1, &o, &err) != SHOPSTAT_OK)
        fail_msg("%s", err.msg);
    book b;
    book_open(&b, path);
    char *x = sheet_xml(&b, 2);
    int paid = find_row(&b, x, "Paid"), back = find_row(&b, x, "Came back");
    assert_true(paid > 0 && back == paid + 1);
    /* heavy:all's block from J: change, CI low, CI high, p (M) */
    char rf[16];
    snprintf(rf, sizeof rf, "M%d", paid);
    assert_string_equal(cell_str(&b, x, rf), "no test");
    snprintf(rf, sizeof rf, "M%d", back);
    assert_false(get_cell(&b, x, rf).found);
    snprintf(rf, sizeof rf, "J%d", back);
    assert_close(cell_num(&b, x, rf), 0, 0);
    free(x);
    book_close(&b);
}

/* The numbers of every sheet, and its column widths and row heights, in the form XML takes
 * (a decimal point) whatever the process locale: libxlsxwriter prints them with snprintf,
 * and a library caller's setlocale(LC_ALL, "") with a decimal comma wrote <v>0,85</v>, a
 * workbook Excel must repair. Each locale not installed is skipped (the C locale ends the
 * list); tests/hostile/run.sh runs this test with a de_DE.UTF-8 made by localedef. */
static void test_numbers_any_locale(void **state)
{
    (void)state;
    const char *const *locales = decimal_comma_locales;
    for (size_t l = 0; locales[l]; l++) {
        if (!setlocale(LC_NUMERIC, locales[l]))
            continue;
        char path[128];
        snprintf(path, sizeof path, "%s/locale%zu.xlsx", scratch_dir, l);
        write_book(path);
        setlocale(LC_NUMERIC, "C");
        book b;
        book_open(&b, path);
        for (int n = 1; n <= 11; n++) {
            char *x = sheet_xml(&b, n);
            assert_non_null(x);
            static const char *const open[] = {"<v>", " width=\"", " ht=\""};
            for (size_t k = 0; k < sizeof open / sizeof *open; k++)
                for (const char *p = strstr(x, open[k]); p; p = strstr(p + 1, open[k])) {
                    const char *v = p + strlen(open[k]);
                    size_t len = strcspn(v, "<\"");
                    if (memchr(v, ',', len))
                        fail_msg("sheet %d (%s): %s%.*s", n, locales[l], open[k], (int)len, v);
                }
            free(x);
        }
        book_close(&b);
    }
    setlocale(LC_NUMERIC, "C");
}

/* Columns past Excel's 16,384 are refused before anything is written (SHOPSTAT_ELIMIT, no
 * file), as docs/architecture.md says, counting a table's comparison blocks and a grid's level
 * blocks with its three bases, not only the segments: 4,094 pairs beside 2 segments (16,385
 * columns) and a grid of 4,096 levels (16,388) failed in libxlsxwriter, after every sheet
 * before had been laid out, as an I/O error ("cannot write sheet 'q': Worksheet row or
 * column index out of range"). 4,093 pairs (16,381 columns) still fit. */
static void test_too_many_columns(void **state)
{
    (void)state;
    static const char *const lv[] = {"Yes"};
    static const char *const sg[] = {"All", "Heavy"};
    shopstat_estimate est[2] = {E("q", "1", "all", 400, 400, 380, 0.60, 0.55, 0.65),
                                E("q", "1", "heavy", 120, 118, 110, 0.70, 0.61, 0.78)};
    enum { MAXP = 16383 };
    shopstat_difference *d = calloc(MAXP, sizeof *d);
    char(*names)[8] = calloc(MAXP, sizeof *names);
    assert_non_null(d);
    assert_non_null(names);
    for (size_t i = 0; i < MAXP; i++) {
        snprintf(names[i], sizeof names[i], "s%zu", i);
        d[i] = D("q", "1", names[i], "all", 0.01, 0.5);
    }
    shopstat_xlsx_table t = {.name = "q",
                             .title = "Q",
                             .nlevels = 1,
                             .nsegments = 2,
                             .level_labels = lv,
                             .segment_labels = sg,
                             .est = est,
                             .diffs = d,
                             .differences = 1};
    char path[128];
    shopstat_error err;
    const struct {
        size_t npairs;
        shopstat_status want;
    } cases[] = {{4093, SHOPSTAT_OK}, {4094, SHOPSTAT_ELIMIT}, {MAXP, SHOPSTAT_ELIMIT}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(path, sizeof path, "%s/cols%zu.xlsx", scratch_dir, k);
        t.ndiffs = cases[k].npairs;
        shopstat_error_clear(&err);
        shopstat_status st = shopstat_xlsx_write(path, &t, 1, NULL, &err);
        if (st != cases[k].want)
            fail_msg("%zu pairs: %s (%s), expected %s", cases[k].npairs, shopstat_status_name(st),
                     err.msg, shopstat_status_name(cases[k].want));
        assert_int_equal(access(path, F_OK) == 0, cases[k].want == SHOPSTAT_OK);
        if (st)
            assert_non_null(strstr(err.msg, "16384"));
    }
    /* a grid: 4,096 levels' blocks and the three bases (16,388 columns) do not fit */
    enum { NL = 4096 };
    shopstat_estimate *ge = calloc(NL, sizeof *ge);
    assert_non_null(ge);
    for (size_t l = 0; l < NL; l++)
        ge[l] = E("g", names[l], "all", 400, 400, 380, 0.5, 0.4, 0.6);
    shopstat_xlsx_table item = {.name = "g1", .nlevels = NL, .nsegments = 1, .est = ge};
    shopstat_xlsx_table grid = {.name = "g", .nlevels = NL, .nsegments = 1, .est = ge,
                                .items = &item, .nitems = 1};
    snprintf(path, sizeof path, "%s/grid.xlsx", scratch_dir);
    shopstat_error_clear(&err);
    shopstat_status st = shopstat_xlsx_write(path, &grid, 1, NULL, &err);
    if (st != SHOPSTAT_ELIMIT)
        fail_msg("grid of %d levels: %s (%s)", NL, shopstat_status_name(st), err.msg);
    assert_int_not_equal(access(path, F_OK), 0);
    free(ge);
    free(names);
    free(d);
}

/* A table of scores alone (scores_only: a measure's, a reply time's 181 values): the sheet
 * has the score's row under the header and the bases, no row per value and no note on the
 * values' comparisons; the same table without the flag lists them (the contrast). */
static void test_scores_only(void **state)
{
    (void)state;
    char path[128], rf[16];
    snprintf(path, sizeof path, "%s/scores_only.xlsx", scratch_dir);
    const char *levels[] = {"0,3", "165,0"};
    const char *segs[] = {"All", "Top 100"};
    shopstat_estimate est[4] = {E("h", "0,3", "all", 339, 6192.6, 307.6, 0.01, 0.005, 0.02),
                                E("h", "0,3", "top", 80, 1448, 72.9, 0.02, 0.01, 0.05),
                                E("h", "165,0", "all", 339, 6192.6, 307.6, 0.003, 0.001, 0.01),
                                E("h", "165,0", "top", 80, 1448, 72.9, 0.01, 0.002, 0.04)};
    shopstat_difference d[1] = {D("h", "0,3", "top", "rest", 0.05, 0.001)};
    const char *sl[] = {"Mean (0.3-165)"};
    shopstat_score_estimate sc[2] = {{.variable = "h",
                                      .score = "mean",
                                      .segment = "all",
                                      .base_n = 339,
                                      .base_weight = 6192.6,
                                      .estimate = 17.3,
                                      .ci_lower = 14.2,
                                      .ci_upper = 20.4,
                                      .df = 331,
                                      .eff_base = 307.6,
                                      .min = 0.3,
                                      .max = 165,
                                      .measure = 1,
                                      .measure_decimals = 1},
                                     {.variable = "h",
                                      .score = "mean",
                                      .segment = "top",
                                      .base_n = 80,
                                      .base_weight = 1448,
                                      .estimate = 18.6,
                                      .ci_lower = 11.9,
                                      .ci_upper = 25.2,
                                      .df = 72,
                                      .eff_base = 72.9,
                                      .min = 0.3,
                                      .max = 165,
                                      .measure = 1,
                                      .measure_decimals = 1}};
    for (int only = 1; only >= 0; only--) {
        shopstat_xlsx_table t = {.name = "hours",
                                 .title = "Reply time (hours)",
                                 .nlevels = 2,
                                 .nsegments = 2,
                                 .level_labels = levels,
                                 .segment_labels = segs,
                                 .est = est,
                                 .diffs = d,
                                 .ndiffs = 1,
                                 .nscores = 1,
                                 .score_labels = sl,
                                 .scores = sc,
                                 .scores_only = only};
        shopstat_error err;
        if (shopstat_xlsx_write(path, &t, 1, NULL, &err) != SHOPSTAT_OK)
            fail_msg("%s", err.msg);
        book b;
        book_open(&b, path);
        char *x = sheet_xml(&b, 2);
        int mean = find_row(&b, x, "Mean (0.3-165)"), unw = find_row(&b, x, "Unweighted base");
        assert_true(mean > 0 && unw > mean);
        ref(rf, 0, 0, mean);
        assert_true(cell_num(&b, x, rf) == 17.3);
        ref(rf, 0, 0, unw); /* (the bases, from est) */
        assert_true(cell_num(&b, x, rf) == 339);
        if (only) {
            assert_int_equal(find_row(&b, x, "0,3"), 0);
            assert_int_equal(find_row(&b, x, "165,0"), 0);
            assert_false(any_text(&b, x, "0,3")); /* (the value's note on the rest too) */
            /* the score's row where the first value's row is without the flag */
            assert_int_equal(mean, find_row(&b, x, "Reply time (hours)") + 5);
        } else {
            assert_int_equal(find_row(&b, x, "0,3"), find_row(&b, x, "Reply time (hours)") + 5);
            assert_int_equal(find_row(&b, x, "0,3"), mean - 2);
            assert_int_equal(find_row(&b, x, "165,0"), mean - 1);
            assert_true(any_text(&b, x, "0,3: Top 100"));
        }
        free(x);
        book_close(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_names),
        cmocka_unit_test(test_banner_values),
        cmocka_unit_test(test_low_and_empty_bases),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_defaults_and_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_zero_weight_effective_base),
        cmocka_unit_test(test_numbers_any_locale),
        cmocka_unit_test(test_p_near_alpha),
        cmocka_unit_test(test_none_significant),
        cmocka_unit_test(test_rounded_zero),
        cmocka_unit_test(test_no_test_cells),
        cmocka_unit_test(test_too_many_columns),
        cmocka_unit_test(test_lend_stderr),
        cmocka_unit_test(test_scores_only),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
