/* Result writers: round-trip number formatting, CSV, JSON and aligned text tables. */
#include "shopstat/output.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/replicate.h"
#include "cnumeric.h"
#include "internal.h"

/* Significant digits d[0..prec) (ASCII), the first's power of ten x10, negative or not,
 * written to buf (n bytes) as "%.{prec}g" writes them: in e-notation when x10 < -4 or
 * x10 >= prec, else fixed; trailing zeros of the fraction and a bare point dropped. */
static void g_style(int neg, const char *d, int prec, int x10, char *buf, size_t n)
{
    char out[48];
    size_t o = 0;
    int k = prec;
    if (neg)
        out[o++] = '-';
    if (x10 < -4 || x10 >= prec) {
        while (k > 1 && d[k - 1] == '0')
            k--;
        out[o++] = d[0];
        if (k > 1) {
            out[o++] = '.';
            memcpy(out + o, d + 1, (size_t)k - 1);
            o += (size_t)k - 1;
        }
        int e = x10 < 0 ? -x10 : x10;
        out[o++] = 'e';
        out[o++] = x10 < 0 ? '-' : '+';
        if (e >= 100)
            out[o++] = (char)('0' + e / 100);
        out[o++] = (char)('0' + e / 10 % 10);
        out[o++] = (char)('0' + e % 10);
    } else if (x10 >= 0) {
        while (k > x10 + 1 && d[k - 1] == '0')
            k--;
        memcpy(out + o, d, (size_t)x10 + 1);
        o += (size_t)x10 + 1;
        if (k > x10 + 1) {
            out[o++] = '.';
            memcpy(out + o, d + x10 + 1, (size_t)(k - x10 - 1));
            o += (size_t)(k - x10 - 1);
        }
    } else {
        while (k > 1 && d[k - 1] == '0')
            k--;
        out[o++] = '0';
        out[o++] = '.';
        for (int z = 0; z < -x10 - 1; z++)
            out[o++] = '0';
        memcpy(out + o, d, (size_t)k);
        o += (size_t)k;
    }
    if (n == 0)
        return;
    if (o >= n)
        o = n - 1;
    memcpy(buf, out, o);
    buf[o] = '\0';
}

/* x with the fewest digits (15 to 17) that read back as x; "" for NaN, "Inf", "-Inf".
 * "%.{15,16,17}g" each formatted and read back cost ~5,000 instructions a number (the
 * benchmark's 1,300 numbers: 6.5M, on the run's serial tail). Instead x's 17 digits are
 * formatted once ("%.16e") and rounded to 15 and 16 here: the same as "%.15g" and "%.16g"
 * but where the digits dropped are a 5 then zeros, a tie at 17 digits that x itself may lie
 * either side of (formatted by snprintf then). The results are the same strings
 * (test_output's test_format_double_shortest: against the three snprintf calls). */
static void format_double(double x, char *buf, size_t n)
{
    if (isnan(x)) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, "%s", x > 0 ? "Inf" : "-Inf");
        return;
    }
    char e17[40];
    snprintf(e17, sizeof e17, "%.16e", x); /* [-]d.dddddddddddddddde[+-]dd[d] */
    int neg = e17[0] == '-';
    const char *s = e17 + neg;
    if (x == 0 || s[1] != '.' || s[18] != 'e') { /* (0, -0; a decimal comma) */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, x);
            if (strtod(buf, NULL) == x)
                break;
        }
        return;
    }
    char d17[17];
    d17[0] = s[0];
    memcpy(d17 + 1, s + 2, 16);
    int x10 = atoi(s + 19);
    for (int prec = 15; prec <= 16; prec++) {
        int tie = d17[prec] == '5';
        for (int i = prec + 1; i < 17 && tie; i++)
            tie = d17[i] == '0';
        if (tie) {
            snprintf(buf, n, "%.*g", prec, x);
        } else {
            char d[16];
            int p10 = x10;
            memcpy(d, d17, (size_t)prec);
            if (d17[prec] >= '5') { /* (up: the digits dropped are more than half) */
                int i = prec - 1;
                while (i >= 0 && d[i] == '9')
                    d[i--] = '0';
                if (i >= 0) {
                    d[i]++;
                } else {
                    d[0] = '1';
                    p10++;
                }
            }
            g_style(neg, d, prec, p10, buf, n);
        }
        if (strtod(buf, NULL) == x)
            return;
    }
    g_style(neg, d17, 17, x10, buf, n);
}

static locale_t c_numeric;
static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;

static void make_c_numeric(void)
{
    c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Numbers in the C locale's form, whatever the process's: CSV and JSON take a decimal
 * point, and a library caller's setlocale(LC_ALL, "") with a decimal comma wrote "0,6" (a
 * CSV field split in two, JSON that does not parse). uselocale() is the calling thread's
 * only; without the C locale object (out of memory) the process's is used. */
char *shopstat_format_double(double x, char *buf, size_t n)
{
    pthread_once(&c_numeric_once, make_c_numeric);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    format_double(x, buf, n);
    if (old)
        uselocale(old);
    return buf;
}

char *shopstat_format_p(double p, char *buf, size_t n)
{
    return shopstat_format_p_alpha(p, NAN, NAN, buf, n);
}

/* Whether shown, p as printed and read back, sides with p at level a (none when a is not a
 * level: NaN, 0 or below): both below it, or both not, and shown not on a unless p is. A
 * reader takes "p = 0.050" for a p not below 0.05. */
static int p_sides(double shown, double p, double a)
{
    if (!(a > 0 && a < 1))
        return 1;
    return (shown < a) == (p < a) && (shown != a || p == a);
}

char *shopstat_format_p_alpha(double p, double alpha, double alpha_low, char *buf, size_t n)
{
    /* (below 0.001 the digits are noise to a reader, and 9.37e-07 reads as a typo) */
    if (isnan(p)) {
        snprintf(buf, n, "p n/a");
        return buf;
    }
    if (p < 0.001) {
        snprintf(buf, n, "p < 0.001");
        return buf;
    }
    /* 3 decimals, more while they would put p on or across a letter's level: 0.0498 under
     * 0.05 printed "0.050" beside its upper-case letter, 0.0502 "0.050" without it (in the C
     * locale, to read the text back as printed) */
    pthread_once(&c_numeric_once, make_c_numeric);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    char num[32];
    int ok = 0;
    for (int d = 3; d <= 6 && !ok; d++) {
        snprintf(num, sizeof num, "%.*f", d, p);
        double shown = strtod(num, NULL);
        ok = p_sides(shown, p, alpha) && p_sides(shown, p, alpha_low);
    }
    if (ok)
        snprintf(buf, n, "p = %s", num);
    else {
        /* within 5e-7 of a level: the side of it, which is what the letter says */
        double a = p_sides(strtod(num, NULL), p, alpha) ? alpha_low : alpha;
        snprintf(buf, n, "p %c %g", p < a ? '<' : '>', a);
    }
    if (old)
        uselocale(old);
    return buf;
}

char *shopstat_format_grouped(double x, int decimals, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    char plain[400];
    /* (in the C locale: a decimal point, no grouping of the process's own) */
    pthread_once(&c_numeric_once, make_c_numeric);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    snprintf(plain, sizeof plain, "%.*f", decimals, x);
    if (old)
        uselocale(old);
    const char *digits = plain + (plain[0] == '-');
    size_t whole = strcspn(digits, "."), k = 0;
    char out[540];
    if (digits != plain && strspn(digits, "0.") != strlen(digits)) /* (never "-0") */
        out[k++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    snprintf(out + k, sizeof out - k, "%s", digits + whole);
    snprintf(buf, n, "%s", out);
    return buf;
}

char *shopstat_adjust_sentence(shopstat_adjust_method m, const char *unit, int scores, char *buf,
                               size_t n)
{
    if (n == 0)
        return buf;
    const char *scored = scores ? "; a score's difference is a test of its own, not adjusted" : "";
    if (m == SHOPSTAT_ADJUST_NONE)
        snprintf(buf, n, "P values are not adjusted for multiple comparisons.");
    else
        snprintf(buf, n,
                 "P values are adjusted by %s within each family: the levels of one question "
                 "in one %s, a yes/no question's two levels counting as one test%s.",
                 m == SHOPSTAT_ADJUST_BH ? "the Benjamini-Hochberg method (false discovery rate)"
                                         : "Holm's method",
                 unit, scored);
    return buf;
}

char *shopstat_format_fixed(double x, int decimals, int flags, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    if (isnan(x)) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    pthread_once(&c_numeric_once, make_c_numeric);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;
    char tmp[400];
    int d = decimals;
    snprintf(tmp, sizeof tmp, "%.*f", d, fabs(x));
    while ((flags & SHOPSTAT_FIXED_SIDE) && x != 0 && strspn(tmp, "0.") == strlen(tmp) &&
           d < decimals + 2)
        snprintf(tmp, sizeof tmp, "%.*f", ++d, fabs(x));
    if (strspn(tmp, "0.") == strlen(tmp)) /* (rounded to 0: the original decimals, no '-') */
        snprintf(tmp, sizeof tmp, "%.*f", decimals, 0.0);
    if (old)
        uselocale(old);
    int zero = strspn(tmp, "0.") == strlen(tmp);
    /* a zero has no sign: an exact 0, or a value that rounds to 0 on either side */
    const char *sign = zero                           ? ""
                       : x < 0                        ? "-"
                       : flags & SHOPSTAT_FIXED_SIGN ? "+"
                                                      : "";
    snprintf(buf, n, "%s%s", sign, tmp);
    return buf;
}

char *shopstat_format_difference(const shopstat_difference *d, const shopstat_score_estimate *sest,
                                 char *buf, size_t n)
{
    return shopstat_format_difference_alpha(d, sest, NAN, NAN, buf, n);
}

static char *format_difference_alpha_c(const shopstat_difference *d,
                                       const shopstat_score_estimate *sest, double alpha,
                                       double alpha_low, int dec, char *buf, size_t n)
{
    if (!d || isnan(d->difference)) {
        snprintf(buf, n, "-");
        return buf;
    }
    if (d->eff_base_a < 10 || d->eff_base_b < 10) {
        snprintf(buf, n, "not tested");
        return buf;
    }
    /* a level nobody chose on either side (a scale point listed at 0%): the difference is
     * exactly 0 with no variance, so there is nothing to test (R's t is 0/0) */
    if (!sest && d->estimate_a == d->estimate_b && (d->estimate_a == 0 || d->estimate_a == 1)) {
        snprintf(buf, n, "%s (%s on both sides: no test)", dec ? "0.0" : "0",
                 d->estimate_a == 0 ? "0%" : "100%");
        return buf;
    }
    char v[40], lo[40], hi[40];
    if (sest) {
        int sd = shopstat_score_estimate_decimals(sest);
        shopstat_score_format(d->difference, sest->min, sest->max, sd, SHOPSTAT_SCORE_SIGN, v,
                              sizeof v);
        shopstat_score_format(d->ci_lower, sest->min, sest->max, sd, SHOPSTAT_SCORE_SIGN, lo,
                              sizeof lo);
        shopstat_score_format(d->ci_upper, sest->min, sest->max, sd, SHOPSTAT_SCORE_SIGN, hi,
                              sizeof hi);
    } else {
        /* (a bound that rounds to 0 keeps its side: "[-50.9, -0.03]" read "-0.0") */
        const int fl = SHOPSTAT_FIXED_SIGN | SHOPSTAT_FIXED_SIDE;
        shopstat_format_fixed(100 * d->difference, dec, fl, v, sizeof v);
        shopstat_format_fixed(100 * d->ci_lower, dec, fl, lo, sizeof lo);
        shopstat_format_fixed(100 * d->ci_upper, dec, fl, hi, sizeof hi);
    }
    double p = sest ? d->p_value : d->p_adjusted;
    const char *bound = !sest && shopstat_difference_side_at_bound(d) ? "+" : "";
    /* (no SE: replicate weights that cancel, the table's note says why; no interval: df 0,
     * or a variance no replicate defines; an interval without p: a difference of 0 with
     * SE 0, whose t and p methods.md leaves empty) */
    if (d->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED)
        snprintf(buf, n, "%s [no SE]", v);
    else if (isnan(d->ci_lower))
        snprintf(buf, n, "%s [%s]", v, d->df > 0 ? "no interval" : "df 0");
    else if (isnan(p))
        snprintf(buf, n, "%s [%s, %s]", v, lo, hi);
    else {
        char pt[32];
        snprintf(buf, n, "%s [%s, %s] %s%s", v, lo, hi,
                 shopstat_format_p_alpha(p, alpha, alpha_low, pt, sizeof pt), bound);
    }
    return buf;
}

int shopstat_difference_side_at_bound(const shopstat_difference *d)
{
    if (!d || isnan(d->difference) || isnan(d->p_value) || isnan(d->ci_lower) ||
        d->no_interval || d->eff_base_a < 10 || d->eff_base_b < 10)
        return 0;
    int a = d->estimate_a == 0 || d->estimate_a == 1, b = d->estimate_b == 0 || d->estimate_b == 1;
    return (a || b) && d->estimate_a != d->estimate_b;
}

char *shopstat_format_difference_alpha(const shopstat_difference *d,
                                       const shopstat_score_estimate *sest, double alpha,
                                       double alpha_low, char *buf, size_t n)
{
    locale_t old = c_numeric_enter();
    char *r = format_difference_alpha_c(d, sest, alpha, alpha_low, 1, buf, n);
    c_numeric_leave(old);
    return r;
}

char *shopstat_format_difference_dec(const shopstat_difference *d,
                                     const shopstat_score_estimate *sest, int decimals,
                                     double alpha, double alpha_low, char *buf, size_t n)
{
    locale_t old = c_numeric_enter();
    char *r = format_difference_alpha_c(d, sest, alpha, alpha_low, decimals == 0 ? 0 : 1, buf,
                                        n);
    c_numeric_leave(old);
    return r;
}

void shopstat_csv_field(FILE *f, const char *s)
{
    size_t len = strlen(s);
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (const char *p = s; *p && !quote; p++)
        quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* JSON text is UTF-8: a byte that is not (a path in Latin-1 in run.json's "spec" or
 * "command") is written as U+FFFD, so that the file still parses. */
void shopstat_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80) {
            size_t k = utf8_len(p);
            if (!k) {
                fputs("\\ufffd", f);
                continue;
            }
            fwrite(p, 1, k, f);
            p += k - 1;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* A writer's result: the stream's error flag, set by any failed write since it was opened
 * (the caller's outfile then aborts). */
static shopstat_status stream_status(FILE *f, shopstat_error *err)
{
    if (ferror(f))
        return shopstat_error_set(err, SHOPSTAT_EIO, NULL, 0, 0,
                                  "cannot write the output: the stream reported an error");
    return SHOPSTAT_OK;
}

static void num(FILE *f, double x)
{
    char b[40];
    fputs(shopstat_format_double(x, b, sizeof b), f);
}

shopstat_status shopstat_write_tab_csv(FILE *f, const shopstat_estimate *e, size_t n,
                                       const char *table, int header, shopstat_error *err)
{
    if (header) {
        if (table)
            fputs("table,", f);
        fputs("variable,level,segment,base_n,base_weight,count,proportion,se,ci_lower,ci_upper,"
              "df,deff,eff_base\n",
              f);
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_estimate *r = &e[i];
        if (table) {
            shopstat_csv_field(f, table);
            fputc(',', f);
        }
        shopstat_csv_field(f, r->variable);
        fputc(',', f);
        shopstat_csv_field(f, r->level);
        fputc(',', f);
        shopstat_csv_field(f, r->segment);
        fprintf(f, ",%zu,", r->base_n);
        num(f, r->base_weight);
        fprintf(f, ",%zu,", r->count);
        const double v[] = {r->proportion, r->se, r->ci_lower, r->ci_upper,
                            r->df,         r->deff, r->eff_base};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            if (k)
                fputc(',', f);
            num(f, r->base_n ? v[k] : NAN);
        }
        fputc('\n', f);
    }
    return stream_status(f, err);
}

shopstat_status shopstat_write_score_csv(FILE *f, const shopstat_score_estimate *e, size_t n,
                                         const char *table, int header, shopstat_error *err)
{
    if (header) {
        if (table)
            fputs("table,", f);
        fputs("variable,score,segment,base_n,base_weight,estimate,se,ci_lower,ci_upper,df,deff,"
              "eff_base\n",
              f);
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_score_estimate *r = &e[i];
        if (table) {
            shopstat_csv_field(f, table);
            fputc(',', f);
        }
        shopstat_csv_field(f, r->variable);
        fputc(',', f);
        shopstat_csv_field(f, r->score);
        fputc(',', f);
        shopstat_csv_field(f, r->segment);
        fprintf(f, ",%zu,", r->base_n);
        num(f, r->base_weight);
        const double v[] = {r->estimate, r->se,   r->ci_lower, r->ci_upper,
                            r->df,       r->deff, r->eff_base};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', f);
            num(f, r->base_n ? v[k] : NAN);
        }
        fputc('\n', f);
    }
    return stream_status(f, err);
}

void shopstat_json_number(FILE *f, double x)
{
    char b[40];
    if (!isfinite(x))
        fputs("null", f);
    else
        fputs(shopstat_format_double(x, b, sizeof b), f);
}

void shopstat_json_opt_string(FILE *f, const char *s)
{
    if (s)
        shopstat_json_string(f, s);
    else
        fputs("null", f);
}

shopstat_status shopstat_write_compare_csv(FILE *f, const shopstat_difference *d, size_t n,
                                           const char *table, int header, shopstat_error *err)
{
    if (header) {
        if (table)
            fputs("table,", f);
        fputs("variable,level,segment_a,segment_b,estimate_a,estimate_b,difference,se,"
              "ci_lower,ci_upper,df,t,p_value,p_adjusted\n",
              f);
    }
    for (size_t i = 0; i < n; i++) {
        const shopstat_difference *r = &d[i];
        const char *txt[] = {table, r->variable, r->level, r->segment_a, r->segment_b};
        for (int j = table ? 0 : 1; j < 5; j++) {
            shopstat_csv_field(f, txt[j]);
            fputc(',', f);
        }
        const double v[] = {r->estimate_a, r->estimate_b, r->difference, r->se, r->ci_lower,
                            r->ci_upper,   r->df,         r->t,          r->p_value,
                            r->p_adjusted};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            if (k)
                fputc(',', f);
            num(f, v[k]);
        }
        fputc('\n', f);
    }
    return stream_status(f, err);
}

static void write_by_missing_lines_c(FILE *f, const shopstat_tab_context *ctx,
                                     const shopstat_estimate *e, size_t n)
{
    const shopstat_totals *t = ctx->totals;
    if (!t)
        return;
    size_t nseg = shopstat_totals_nsegments(t), nq = shopstat_totals_nquestions(t);
    for (size_t s = 0; s < nseg; s++) {
        const char *set = shopstat_totals_segment_set(t, s);
        int first = set && !strchr(set, '@'); /* (a report's sets within conditions: not here) */
        for (size_t o = 0; first && o < s; o++) {
            const char *other = shopstat_totals_segment_set(t, o);
            first = !other || strcmp(other, set) != 0;
        }
        if (!first)
            continue;
        /* per question: all's base less the set's segments' bases, from its first level */
        size_t shown = 0, same = 1, m0 = 0, listed = 0;
        size_t *all = calloc(nq ? nq : 1, sizeof *all), *in = calloc(nq ? nq : 1, sizeof *in);
        unsigned char *has_all = calloc(nq ? nq : 1, 1);
        if (!all || !in || !has_all) {
            free(all), free(in), free(has_all);
            return; /* (a note lost: not the table) */
        }
        for (size_t k = 0; k < n; k++) {
            if (e[k].l != 0 || e[k].q >= nq)
                continue;
            const char *es = shopstat_totals_segment_set(t, e[k].s);
            if (strcmp(e[k].segment, "all") == 0)
                all[e[k].q] = e[k].base_n, has_all[e[k].q] = 1;
            else if (es && strcmp(es, set) == 0)
                in[e[k].q] += e[k].base_n;
        }
        for (size_t q = 0; q < nq; q++)
            if (has_all[q] && all[q] > in[q]) {
                same &= !shown || all[q] - in[q] == m0;
                if (!shown++)
                    m0 = all[q] - in[q];
            }
        if (shown) {
            fprintf(f, "Rows with no %s are in all only, in no %s= column (", set, set);
            for (size_t q = 0; q < nq; q++) {
                if (!has_all[q] || all[q] <= in[q])
                    continue;
                if (same && shown > 1) {
                    fprintf(f, "%zu of those answering each question", m0);
                    break;
                }
                if (listed == 3) {
                    fputs(", ...", f);
                    break;
                }
                fprintf(f, "%s%zu of the %zu answering %s", listed++ ? ", " : "", all[q] - in[q],
                        all[q], shopstat_totals_question(t, q));
            }
            fputs(").\n", f);
        }
        free(all), free(in), free(has_all);
    }
}

void shopstat_write_by_missing_lines(FILE *f, const shopstat_tab_context *ctx,
                                     const shopstat_estimate *e, size_t n)
{
    locale_t old = c_numeric_enter();
    write_by_missing_lines_c(f, ctx, e, n);
    c_numeric_leave(old);
}

static void write_none_in_base_lines_c(FILE *f, const shopstat_tab_context *ctx, const char *unit)
{
    for (size_t i = 0; i < ctx->nnone_in_base; i++) {
        fprintf(f, "Base of %s: every row of the %s", ctx->none_in_base[i], unit);
        if (ctx->base)
            fprintf(f, " meeting %s", ctx->base);
        fputs("; a row ticking none counts as none.\n", f);
    }
}

void shopstat_write_none_in_base_lines(FILE *f, const shopstat_tab_context *ctx, const char *unit)
{
    locale_t old = c_numeric_enter();
    write_none_in_base_lines_c(f, ctx, unit);
    c_numeric_leave(old);
}

/* Question q's base in the report's words (report.c's base_note): all = every row of the
 * segment, what = the rest of the line. */
typedef struct base_words {
    int all;
    const char *what;
} base_words;

static base_words base_of(const shopstat_totals *t, size_t q)
{
    int codes = shopstat_totals_question_kind(t, q) == SHOPSTAT_Q_CODES;
    if (shopstat_totals_question_none_in_base(t, q))
        return (base_words){1, codes ? "a row holding no code counts as none"
                                     : "a row ticking none counts as none"};
    if (codes)
        return (base_words){0, "holding at least one code"};
    if (shopstat_totals_question_ticked(t, q))
        return (base_words){0, "ticking at least one option"};
    return (base_words){0, "that answered"};
}

static void base_line(FILE *f, const shopstat_tab_context *ctx, const char *unit, base_words b)
{
    fprintf(f, "%s of the %s", b.all ? "every row" : "rows", unit);
    if (ctx->base)
        fprintf(f, " meeting %s", ctx->base);
    fprintf(f, "%s%s.\n", b.all ? "; " : " ", b.what);
}

static void write_base_lines_c(FILE *f, const shopstat_tab_context *ctx, const char *unit)
{
    base_words answered = {0, "that answered"};
    if (!ctx->totals) {
        fputs("Base: ", f);
        base_line(f, ctx, unit, answered);
        shopstat_write_none_in_base_lines(f, ctx, unit);
        return;
    }
    size_t nq = shopstat_totals_nquestions(ctx->totals);
    int alike = 1, any_answered = nq == 0;
    for (size_t q = 0; q < nq; q++) {
        base_words b = base_of(ctx->totals, q), b0 = base_of(ctx->totals, 0);
        alike &= b.all == b0.all && strcmp(b.what, b0.what) == 0;
        any_answered |= !b.all && b.what == answered.what;
    }
    if (alike) {
        fputs("Base: ", f);
        base_line(f, ctx, unit, nq ? base_of(ctx->totals, 0) : answered);
        return;
    }
    /* mixed: the line of the questions answered, then each other question's own */
    if (any_answered) {
        fputs("Base: ", f);
        base_line(f, ctx, unit, answered);
    }
    for (size_t q = 0; q < nq; q++) {
        base_words b = base_of(ctx->totals, q);
        if (b.all || b.what != answered.what) {
            fprintf(f, "Base of %s: ", shopstat_totals_question(ctx->totals, q));
            base_line(f, ctx, unit, b);
        }
    }
}

void shopstat_write_base_lines(FILE *f, const shopstat_tab_context *ctx, const char *unit)
{
    locale_t old = c_numeric_enter();
    write_base_lines_c(f, ctx, unit);
    c_numeric_leave(old);
}

void shopstat_tab_context_init(shopstat_tab_context *ctx, const shopstat_totals *t,
                               const shopstat_tab_opts *o)
{
    shopstat_tab_opts dflt;
    if (!o) {
        shopstat_tab_opts_init(&dflt);
        o = &dflt;
    }
    memset(ctx, 0, sizeof *ctx);
    const shopstat_design_opts *d = shopstat_totals_design(t);
    ctx->data = shopstat_totals_path(t);
    ctx->weight = d->weight;
    ctx->strata = d->strata;
    ctx->psu = d->psu;
    ctx->fpc = d->fpc;
    ctx->poststratify = d->poststratify;
    ctx->rake = d->rake;
    ctx->fpc_fractions = shopstat_totals_fpc_fractions(t);
    ctx->lonely = shopstat_lonely_name(d->lonely);
    ctx->ci = shopstat_ci_method_name(o->ci);
    ctx->level = o->level;
    shopstat_accounting acc = shopstat_totals_accounting(t);
    ctx->rows_read = acc.read;
    ctx->rows_used = acc.used;
    ctx->rows_excluded = acc.excluded_skipped + acc.excluded_empty + acc.excluded_cond;
    ctx->rows_skipped = acc.excluded_skipped;
    ctx->rows_empty = acc.excluded_empty;
    ctx->rows_outside_base = acc.outside_base;
    ctx->nstrata = shopstat_totals_nstrata(t);
    ctx->npsu = shopstat_totals_npsu(t);
    ctx->df = shopstat_totals_df(t);
    ctx->totals = t;
    ctx->rho = NAN;
    ctx->replicates = shopstat_totals_nreplicates(t);
    if (ctx->replicates) {
        ctx->repweights = d->repweights;
        ctx->reptype = shopstat_rep_type_name(d->reptype);
        /* (as tab's JSON and run.json: rho for fay only; mse as the type's default) */
        ctx->rho = d->reptype == SHOPSTAT_REP_FAY ? d->rho : NAN;
        ctx->mse = d->mse < 0 ? d->reptype == SHOPSTAT_REP_SDR : d->mse != 0;
    }
}

/* The end of the options object and the row accounting, read = used + excluded (by reason),
 * of tab's and compare's JSON. */
static void rows_json(FILE *f, const shopstat_tab_context *ctx)
{
    fprintf(f, "},\n  \"rows\": {\"read\": %zu, \"used\": %zu, \"excluded\": %zu", ctx->rows_read,
            ctx->rows_used, ctx->rows_excluded);
    shopstat_write_rows_reasons_json(f, ctx);
    if (ctx->base)
        fprintf(f, ", \"outside_base\": %zu", ctx->rows_outside_base);
    fputs("},\n", f);
}

void shopstat_write_context_json(FILE *f, const shopstat_tab_context *ctx)
{
    fputs("  \"design\": {\"data\": ", f);
    shopstat_json_opt_string(f, ctx->data);
    fputs(", \"weight\": ", f);
    shopstat_json_opt_string(f, ctx->weight);
    fputs(", \"strata\": ", f);
    shopstat_json_opt_string(f, ctx->strata);
    fputs(", \"psu\": ", f);
    shopstat_json_opt_string(f, ctx->psu);
    fputs(", \"fpc\": ", f);
    shopstat_json_opt_string(f, ctx->fpc);
    fputs(", \"lonely_psu\": ", f); /* (no rule under replicate weights: null, as run.json) */
    shopstat_json_opt_string(f, ctx->repweights ? NULL : ctx->lonely);
    if (ctx->poststratify) { /* (as run.json: only when given) */
        fputs(", \"poststratify\": ", f);
        shopstat_json_string(f, ctx->poststratify);
    }
    if (ctx->rake) {
        char cols[512];
        shopstat_rake_columns(ctx->rake, cols, sizeof cols);
        fputs(", \"rake\": ", f);
        shopstat_json_string(f, cols);
    }
    if (ctx->repweights) {
        fputs(", \"repweights\": ", f);
        shopstat_json_opt_string(f, ctx->repweights);
        fputs(", \"reptype\": ", f);
        shopstat_json_opt_string(f, ctx->reptype);
        fputs(", \"rho\": ", f); /* (rho and mse as run.json gives them) */
        shopstat_json_number(f, ctx->rho);
        fprintf(f, ", \"mse\": %s", ctx->mse ? "true" : "false");
        if (ctx->rep_note) {
            fputs(", \"replicate_design\": ", f);
            shopstat_json_string(f, ctx->rep_note);
        }
        fprintf(f, ", \"replicates\": %zu", ctx->replicates);
    }
    fprintf(f, ", \"strata_count\": %zu, \"psu_count\": %zu, \"df\": ", ctx->nstrata, ctx->npsu);
    shopstat_json_number(f, ctx->df);
    fputs("},\n  \"options\": {\"ci\": ", f);
    shopstat_json_opt_string(f, ctx->ci);
    fputs(", \"level\": ", f);
    shopstat_json_number(f, ctx->level);
    if (ctx->base) {
        fputs(", \"base\": ", f);
        shopstat_json_string(f, ctx->base);
    }
    if (ctx->nnone_in_base) {
        fputs(", \"none_in_base\": [", f);
        for (size_t i = 0; i < ctx->nnone_in_base; i++) {
            fputs(i ? ", " : "", f);
            shopstat_json_string(f, ctx->none_in_base[i]);
        }
        fputc(']', f);
    }
    rows_json(f, ctx);
}

/* The start of row i's JSON object, up to its base weight: {"variable": ..., "KEY": ...,
 * "segment": ..., "base_n": N, "base_weight": W (tab's and score's documents). */
static void json_row_head(FILE *f, size_t i, const char *variable, const char *key,
                          const char *value, const char *segment, size_t base_n, double base_weight)
{
    fputs(i ? ",\n    {" : "\n    {", f);
    fputs("\"variable\": ", f);
    shopstat_json_string(f, variable);
    fprintf(f, ", \"%s\": ", key);
    shopstat_json_string(f, value);
    fputs(", \"segment\": ", f);
    shopstat_json_string(f, segment);
    fprintf(f, ", \"base_n\": %zu, \"base_weight\": ", base_n);
    shopstat_json_number(f, base_weight);
}

shopstat_status shopstat_write_tab_json(FILE *f, const shopstat_estimate *e, size_t n,
                                        const shopstat_tab_context *ctx, shopstat_error *err)
{
    fputs("{\n", f);
    shopstat_write_context_json(f, ctx);
    fputs("  \"estimates\": [", f);
    for (size_t i = 0; i < n; i++) {
        const shopstat_estimate *r = &e[i];
        json_row_head(f, i, r->variable, "level", r->level, r->segment, r->base_n, r->base_weight);
        fprintf(f, ", \"count\": %zu", r->count);
        const char *names[] = {"proportion", "se", "ci_lower", "ci_upper", "df", "deff", "eff_base"};
        const double v[] = {r->proportion, r->se, r->ci_lower, r->ci_upper,
                            r->df,         r->deff, r->eff_base};
        for (size_t k = 0; k < 7; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            shopstat_json_number(f, r->base_n ? v[k] : NAN);
        }
        /* (the note of an interval other than the one asked for: none at df 0) */
        fputs(", \"ci_fallback\": ", f);
        if (r->fallback)
            fputs("\"clopper-pearson (p is 0 or 1)\"", f);
        else if (r->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED)
            fputs("\"none: replicate estimates undefined (a replicate's weights of the base sum "
                  "to 0)\"",
                  f);
        else if (r->no_interval && ctx->totals) {
            char note[400];
            snprintf(note, sizeof note, "none: design df 0 (%s)",
                     shopstat_totals_df0_reason(ctx->totals));
            shopstat_json_string(f, note);
        } else if (r->no_interval)
            fputs("\"none: design df 0\"", f);
        else
            fputs("null", f);
        fprintf(f, ", \"low_base\": %s}", r->base_n && !(r->eff_base >= 30) ? "true" : "false");
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return stream_status(f, err);
}

shopstat_status shopstat_write_compare_json(FILE *f, const shopstat_difference *d, size_t n,
                                            const shopstat_tab_context *ctx,
                                            const shopstat_compare_opts *o, shopstat_error *err)
{
    shopstat_compare_opts dflt;
    if (!o) {
        shopstat_compare_opts_init(&dflt);
        o = &dflt;
    }
    fputs("{\n  \"options\": {\"adjust\": ", f);
    shopstat_json_string(f, shopstat_adjust_name(o->adjust));
    fputs(", \"family\": \"levels of one question for one pair (two levels of a single-choice "
          "question: one test)\", \"level\": ",
          f);
    shopstat_json_number(f, o->level);
    if (ctx->base) {
        fputs(", \"base\": ", f);
        shopstat_json_string(f, ctx->base);
    }
    rows_json(f, ctx); /* (as tab's) */
    fputs("  \"differences\": [", f);
    for (size_t i = 0; i < n; i++) {
        const shopstat_difference *r = &d[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        fputs("\"variable\": ", f);
        shopstat_json_string(f, r->variable);
        fputs(", \"level\": ", f);
        shopstat_json_string(f, r->level);
        fputs(", \"segment_a\": ", f);
        shopstat_json_string(f, r->segment_a);
        fputs(", \"segment_b\": ", f);
        shopstat_json_string(f, r->segment_b);
        const char *names[] = {"estimate_a", "estimate_b", "difference", "se", "ci_lower",
                               "ci_upper",   "df",         "t",          "p_value", "p_adjusted",
                               "eff_base_a", "eff_base_b"};
        const double v[] = {r->estimate_a, r->estimate_b, r->difference, r->se,
                            r->ci_lower,   r->ci_upper,   r->df,         r->t,
                            r->p_value,    r->p_adjusted, r->eff_base_a, r->eff_base_b};
        for (size_t k = 0; k < 12; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            shopstat_json_number(f, v[k]);
        }
        /* why se, the interval, t and p are null, in the words of tab's ci_fallback */
        fputs(", \"ci_fallback\": ", f);
        if (r->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED)
            fputs("\"none: replicate estimates undefined (a replicate's weights of a side's "
                  "base sum to 0)\"",
                  f);
        else if (isnan(r->ci_lower) && !isnan(r->difference) && r->df == 0 && ctx->totals) {
            char note[400];
            snprintf(note, sizeof note, "none: design df 0 (%s)",
                     shopstat_totals_df0_reason(ctx->totals));
            shopstat_json_string(f, note);
        } else if (isnan(r->ci_lower) && !isnan(r->difference) && r->df == 0)
            fputs("\"none: design df 0\"", f);
        else if (isnan(r->ci_lower) && !isnan(r->difference))
            /* the table view's [no interval] at a df above 0: the variance, a sum of squares
             * less the squared sum over n, came out below 0 (the round-off of a variance of
             * about 0; R's SE is NaN there too), in the words tab's intervals refuse it with */
            fputs("\"none: variance negative or undefined (the round-off of a variance of "
                  "about 0)\"",
                  f);
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return stream_status(f, err);
}

shopstat_status shopstat_write_score_json(FILE *f, const shopstat_score_estimate *e, size_t n,
                                          const shopstat_tab_context *ctx, shopstat_error *err)
{
    fputs("{\n", f);
    shopstat_write_context_json(f, ctx);
    fputs("  \"scores\": [", f);
    for (size_t i = 0; i < n; i++) {
        const shopstat_score_estimate *r = &e[i];
        json_row_head(f, i, r->variable, "score", r->score, r->segment, r->base_n, r->base_weight);
        const char *names[] = {"estimate", "se",       "ci_lower", "ci_upper", "df",
                               "deff",     "eff_base", "min",      "max"};
        const double v[] = {r->estimate, r->se,       r->ci_lower, r->ci_upper, r->df,
                            r->deff,     r->eff_base, r->min,      r->max};
        /* the scale's ends (min, max) are known without a base */
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(f, ", \"%s\": ", names[k]);
            shopstat_json_number(f, r->base_n || k >= 7 ? v[k] : NAN);
        }
        fprintf(f, ", \"low_base\": %s}", r->base_n && !(r->eff_base >= 30) ? "true" : "false");
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return stream_status(f, err);
}

/* How the table view and the chart note name an fpc column: the pass tells which it held
 * (R's rule: every value <= 1, fractions). */
static const char *fpc_kind(int fractions)
{
    return fractions ? "sampling fractions" : "population sizes";
}

/* The lonely-PSU rule when it is not the default (fail: then no stratum was lonely, or
 * there would be no output), for a Taylor design with strata or PSUs; else NULL. */
static const char *lonely_shown(const char *rule, int clustered, int replicates)
{
    return rule && clustered && !replicates && strcmp(rule, "fail") != 0 ? rule : NULL;
}

/* A segment's base in the table view: "N (eff. E)", with "-" for an effective base that is
 * undefined (every row of weight 0: Kish's 0/0); "0 (eff. 0)" for an empty segment. */
static void base_text(char *buf, size_t n, size_t base_n, double eff_base)
{
    if (base_n && isnan(eff_base))
        snprintf(buf, n, "%zu (eff. -)", base_n);
    else
        snprintf(buf, n, "%zu (eff. %.0f)", base_n, base_n ? eff_base : 0);
}

void shopstat_put_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02X", *p);
        else
            fputc(*p, f);
    }
}

void shopstat_df0_names_init(shopstat_df0_names *d)
{
    d->n = 0;
    d->more = 0;
}

void shopstat_df0_add(shopstat_df0_names *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], name) == 0)
            return;
    if (d->n < SHOPSTAT_DF0_NAMES)
        d->names[d->n++] = name;
    else
        d->more = 1;
}

void shopstat_df0_note(const shopstat_df0_names *d, const shopstat_totals *t, char *buf, size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < d->n && len < n; i++) {
        int w = snprintf(buf + len, n - len, "%s%s", i ? ", " : "No interval for ", d->names[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (d->n && len < n)
        snprintf(buf + len, n - len, "%s: design df 0 (%s).", d->more ? " and more" : "",
                 t ? shopstat_totals_df0_reason(t) : "the rows carry no design variance");
}

void shopstat_rep_undefined_note(const shopstat_df0_names *d, char *buf, size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < d->n && len < n; i++) {
        int w =
            snprintf(buf + len, n - len, "%s%s", i ? ", " : "No SE or interval for ", d->names[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (d->n && len < n)
        snprintf(buf + len, n - len,
                 "%s: the weights of the base sum to 0 in some replicate (they cancel), so its "
                 "replicate estimates are undefined.",
                 d->more ? " and more" : "");
}

static int undefined_in(const shopstat_difference *x, const char *a, const char *b)
{
    return x->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED && strcmp(x->segment_a, a) == 0 &&
           strcmp(x->segment_b, b) == 0;
}

/* snprintf at buf + *len, keeping *len within n */
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    *len += w < 0 ? 0 : (size_t)w < n - *len ? (size_t)w : n - *len - 1;
}

size_t shopstat_rep_undefined_pair_note(const shopstat_difference *lv, size_t nlv,
                                        const shopstat_difference *sc, size_t nsc, const char *a,
                                        const char *b, char *buf, size_t n)
{
    char list[700];
    size_t count = 0, len = 0, nq = 0;
    list[0] = '\0';
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < nlv + nsc; i++) {
        const shopstat_difference *x = i < nlv ? &lv[i] : &sc[i - nlv];
        if (!undefined_in(x, a, b))
            continue;
        count++;
        int seen = 0; /* (the question listed at its first undefined difference) */
        for (size_t k = 0; k < i && !seen; k++) {
            const shopstat_difference *y = k < nlv ? &lv[k] : &sc[k - nlv];
            seen = undefined_in(y, a, b) && strcmp(y->variable, x->variable) == 0;
        }
        if (seen)
            continue;
        append(list, sizeof list, &len, "%s%s (", nq++ ? ", " : "", x->variable);
        /* its levels, then its scores: "levels 0, 1; score mean" */
        size_t nlevels = 0;
        for (int part = 0; part < 2; part++) {
            const shopstat_difference *set = part ? sc : lv;
            size_t m = part ? nsc : nlv, listed = 0, total = 0;
            for (size_t k = 0; k < m; k++)
                total += undefined_in(&set[k], a, b) && strcmp(set[k].variable, x->variable) == 0;
            const char *what = part ? (total > 1 ? "scores " : "score ") : "levels ";
            for (size_t k = 0; k < m; k++) {
                if (!undefined_in(&set[k], a, b) || strcmp(set[k].variable, x->variable) != 0)
                    continue;
                append(list, sizeof list, &len, "%s%s",
                       listed            ? ", "
                       : part && nlevels ? "; "
                                         : "",
                       listed ? "" : what);
                append(list, sizeof list, &len, "%s", set[k].level ? set[k].level : "");
                listed++;
            }
            nlevels = listed;
        }
        append(list, sizeof list, &len, ")");
    }
    if (!count || !n)
        return count;
    len = 0;
    append(buf, n, &len,
           "pair '%s' - '%s': in %s the weights of a side's base sum to 0 in some replicate (the "
           "replicate weights cancel), so their replicate differences are undefined: no SE, "
           "interval, t or p (left empty, out of the adjustment)",
           a, b, list);
    return count;
}

static shopstat_status write_tab_table_c(FILE *f, const shopstat_estimate *e, size_t n,
                                         const shopstat_tab_context *ctx, shopstat_error *err)
{
    int any_low = 0, any_fb = 0, any_empty = 0, any_zero_weight = 0;
    shopstat_df0_names df0, undef; /* segments with no interval: df 0, replicates undefined */
    shopstat_df0_names_init(&df0);
    shopstat_df0_names_init(&undef);
    size_t i = 0;
    while (i < n) {
        /* one block per question */
        size_t j = i;
        while (j < n && e[j].q == e[i].q)
            j++;
        size_t nseg = 0;
        while (i + nseg < j && e[i + nseg].l == e[i].l)
            nseg++;
        size_t nlev = nseg ? (j - i) / nseg : 0;
        /* the question's grid: its levels, then the bases; a column per segment */
        shopstat_textgrid *g = shopstat_textgrid_new(nseg, e[i].variable, 5);
        char(*cells)[64] = calloc((j - i) ? (j - i) : 1, sizeof *cells);
        if (!g || !cells) {
            shopstat_textgrid_free(g);
            free(cells);
            return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t k = i; k < j; k++) {
            const shopstat_estimate *r = &e[k];
            char *c = cells[k - i];
            if (!r->base_n || isnan(r->proportion)) {
                snprintf(c, 64, "-");
                /* rows that answered but all weigh 0 are not "nobody" */
                if (r->base_n && r->base_weight == 0)
                    any_zero_weight = 1;
                else
                    any_empty = 1;
            } else if (r->no_interval == SHOPSTAT_NO_INTERVAL_REP_UNDEFINED) {
                int low = r->eff_base < 30;
                any_low |= low;
                shopstat_df0_add(&undef, r->segment);
                snprintf(c, 64, "%5.1f%% [no SE]%s", 100 * r->proportion, low ? "*" : "");
            } else if (r->no_interval) {
                int low = r->eff_base < 30;
                any_low |= low;
                shopstat_df0_add(&df0, r->segment);
                snprintf(c, 64, "%5.1f%% [df 0]%s", 100 * r->proportion, low ? "*" : "");
            } else {
                int low = r->eff_base < 30, fb = r->fallback;
                any_low |= low;
                any_fb |= fb;
                char lo[16], hi[16]; /* (a Wald bound of -0.0004: "0.0", not "-0.0") */
                snprintf(c, 64, "%5.1f%% [%s, %s]%s%s", 100 * r->proportion,
                         shopstat_format_fixed(100 * r->ci_lower, 1, 0, lo, sizeof lo),
                         shopstat_format_fixed(100 * r->ci_upper, 1, 0, hi, sizeof hi),
                         low ? "*" : "", fb ? "+" : "");
            }
        }
        for (size_t s = 0; s < nseg; s++) {
            const char *group, *short_name;
            shopstat_segment_head(ctx->totals, e[i + s].s, e[i + s].segment, &group, &short_name);
            shopstat_textgrid_head(g, s, e[i + s].segment, group, short_name);
        }
        for (size_t l = 0; l < nlev; l++) {
            shopstat_textgrid_row(g, e[i + l * nseg].level, 0);
            for (size_t s = 0; s < nseg; s++)
                shopstat_textgrid_cell(g, s, cells[l * nseg + s]);
        }
        shopstat_textgrid_row(g, "base", 0);
        char base[64];
        for (size_t s = 0; s < nseg; s++) {
            const shopstat_estimate *r = &e[i + s];
            base_text(base, sizeof base, r->base_n, r->eff_base);
            shopstat_textgrid_cell(g, s, base);
        }
        shopstat_status st = shopstat_textgrid_write(f, g, ctx->width, err);
        shopstat_textgrid_free(g);
        free(cells);
        if (st)
            return st;
        fputc('\n', f);
        i = j;
    }
    /* the notes, wrapped at the view's width when it has one */
    shopstat_notes notes;
    f = shopstat_notes_begin(&notes, f, ctx->width);
    /* the design as the chart note gives it (shopstat_design_note) */
    fprintf(f, "Weighted percentages with %g%% %s intervals", 100 * ctx->level, ctx->ci);
    if (ctx->weight)
        fprintf(f, "; weight %s", ctx->weight);
    else if (ctx->fpc && !ctx->repweights) /* (R's weights from the fpc: pass.c) */
        fputs("; weights N/n from the fpc", f);
    if (ctx->strata)
        fprintf(f, ", strata %s", ctx->strata);
    if (ctx->psu)
        fprintf(f, ", PSU %s", ctx->psu);
    if (ctx->fpc)
        fprintf(f, ", %s %s", fpc_kind(ctx->fpc_fractions), ctx->fpc);
    if (ctx->poststratify)
        fprintf(f, ", post-stratified on %s", ctx->poststratify);
    if (ctx->rake) {
        char cols[512];
        shopstat_rake_margins(ctx->rake, 0, cols, sizeof cols);
        fprintf(f, ", raked on %s", cols);
    }
    if (ctx->repweights && ctx->rep_note)
        fprintf(f, ", %zu replicate weights %s (%s)", ctx->replicates, ctx->repweights,
                ctx->rep_note);
    else if (ctx->repweights)
        fprintf(f, ", %zu %s replicate weights %s", ctx->replicates,
                ctx->reptype ? ctx->reptype : "", ctx->repweights);
    const char *lonely =
        lonely_shown(ctx->lonely, ctx->strata || ctx->psu, ctx->repweights != NULL);
    if (lonely)
        fprintf(f, "; lonely PSUs: %s", lonely);
    fputs(". ", f);
    shopstat_write_base_lines(f, ctx, "segment");
    shopstat_write_by_missing_lines(f, ctx, e, n);
    if (any_low)
        fputs("* effective base under 30: read with caution.\n", f);
    if (any_fb)
        fputs("+ proportion is 0 or 1: Clopper-Pearson interval with n = effective base.\n", f);
    if (df0.n) {
        char note[2000];
        shopstat_df0_note(&df0, ctx->totals, note, sizeof note);
        fprintf(f, "[df 0] %s\n", note);
    }
    if (undef.n) {
        char note[2000];
        shopstat_rep_undefined_note(&undef, note, sizeof note);
        fprintf(f, "[no SE] %s\n", note);
    }
    if (any_empty)
        fputs("- nobody in this segment answered.\n", f);
    if (any_zero_weight)
        fputs("- every row of this segment that answered has weight 0: no weighted estimate.\n", f);
    shopstat_write_rows_line(f, ctx, NULL);
    return shopstat_notes_end(&notes, err);
}

shopstat_status shopstat_write_tab_table(FILE *f, const shopstat_estimate *e, size_t n,
                                         const shopstat_tab_context *ctx, shopstat_error *err)
{
    locale_t old = c_numeric_enter();
    shopstat_status r = write_tab_table_c(f, e, n, ctx, err);
    c_numeric_leave(old);
    return r;
}

shopstat_status shopstat_write_rows_line(FILE *f, const shopstat_tab_context *ctx,
                                         shopstat_error *err)
{
    fprintf(f, "Rows: %zu read, %zu used, %zu excluded", ctx->rows_read, ctx->rows_used,
            ctx->rows_excluded);
    size_t nx = ctx->totals ? shopstat_totals_nexcluded(ctx->totals) : 0;
    if (nx) {
        /* every reason, each exclusion's too (0 when it took no row: a condition that
         * matched nothing is worth seeing) */
        const char *sep = " (";
        if (ctx->rows_skipped)
            fprintf(f, "%s%zu skipped by --skip-rows", sep, ctx->rows_skipped), sep = ", ";
        if (ctx->rows_empty)
            fprintf(f, "%s%zu empty row%s", sep, ctx->rows_empty, ctx->rows_empty == 1 ? "" : "s"),
                sep = ", ";
        for (size_t k = 0; k < nx; k++) {
            const char *why;
            size_t n = shopstat_totals_excluded(ctx->totals, k, &why);
            /* (a --dedupe's reason is the flag: "3 by --dedupe record") */
            fprintf(f, "%s%zu by %s%s", sep, n,
                    shopstat_totals_excluded_dedupe(ctx->totals, k) ? "" : "--exclude ", why);
            sep = ", ";
        }
        fputc(')', f);
    }
    /* --skip-rows and rows of empty fields are the only other reasons a row read is not
     * used (a bad value is an error) */
    else if (ctx->rows_skipped && ctx->rows_empty)
        fprintf(f, " (%zu skipped by --skip-rows, %zu empty row%s)", ctx->rows_skipped,
                ctx->rows_empty, ctx->rows_empty == 1 ? "" : "s");
    else if (ctx->rows_skipped)
        fputs(" (skipped by --skip-rows)", f);
    else if (ctx->rows_empty)
        fprintf(f, " (empty row%s)", ctx->rows_empty == 1 ? "" : "s");
    if (ctx->base)
        fprintf(f, "; %zu of the used rows are outside --base %s", ctx->rows_outside_base,
                ctx->base);
    fputs(".\n", f);
    return stream_status(f, err);
}

char *shopstat_rows_left_out_note(const shopstat_totals *t, int cli, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    buf[0] = '\0';
    shopstat_accounting a = shopstat_totals_accounting(t);
    if (a.used >= a.read)
        return buf;
    char g[2][32];
    size_t len = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (len < n) {                                                                             \
            int w_ = snprintf(buf + len, n - len, __VA_ARGS__);                                    \
            len = w_ < 0 ? n : len + (size_t)w_;                                                   \
        }                                                                                          \
    } while (0)
    ADD("%s of the %s rows read %s left out", shopstat_format_grouped((double)(a.read - a.used), 0, g[0], sizeof g[0]),
        shopstat_format_grouped((double)a.read, 0, g[1], sizeof g[1]),
        a.read - a.used == 1 ? "is" : "are");
    const char *sep = " (";
    if (a.excluded_skipped) {
        shopstat_format_grouped((double)a.excluded_skipped, 0, g[0], sizeof g[0]);
        if (cli)
            ADD("%s%s skipped by --skip-rows", sep, g[0]);
        else
            ADD("%sskip_rows: %s", sep, g[0]);
        sep = "; ";
    }
    if (a.excluded_empty) {
        shopstat_format_grouped((double)a.excluded_empty, 0, g[0], sizeof g[0]);
        if (cli)
            ADD("%s%s empty row%s", sep, g[0], a.excluded_empty == 1 ? "" : "s");
        else
            ADD("%sempty rows: %s", sep, g[0]);
        sep = "; ";
    }
    for (size_t k = 0; k < shopstat_totals_nexcluded(t); k++) {
        const char *why;
        size_t rows = shopstat_totals_excluded(t, k, &why);
        if (!rows)
            continue;
        shopstat_format_grouped((double)rows, 0, g[0], sizeof g[0]);
        /* (a --dedupe's reason is the flag itself, "--dedupe record") */
        if (cli)
            ADD("%s%s by %s%s", sep, g[0], shopstat_totals_excluded_dedupe(t, k) ? "" : "--exclude ",
                why);
        else
            ADD("%s%s: %s", sep, why, g[0]);
        sep = "; ";
    }
    ADD(").");
#undef ADD
    return buf;
}

void shopstat_write_rows_reasons_json(FILE *f, const shopstat_tab_context *ctx)
{
    fprintf(f, ", \"excluded_by_reason\": {\"skip_rows\": %zu, \"empty_rows\": %zu",
            ctx->rows_skipped, ctx->rows_empty);
    size_t nx = ctx->totals ? shopstat_totals_nexcluded(ctx->totals) : 0;
    if (nx) {
        fputs(", \"exclude\": [", f);
        for (size_t k = 0; k < nx; k++) {
            const char *why;
            size_t n = shopstat_totals_excluded(ctx->totals, k, &why);
            fprintf(f, "%s{\"reason\": ", k ? ", " : "");
            shopstat_json_string(f, why);
            fprintf(f, ", \"rows\": %zu}", n);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

static void design_note_c(const shopstat_design_opts *d, int fpc_fractions, char *buf, size_t n)
{
    char cols[512] = "";
    if (d->rake)
        shopstat_rake_margins(d->rake, 0, cols, sizeof cols);
    const char *what[] = {"replicate weights", "strata", "PSUs", fpc_kind(fpc_fractions),
                          "post-stratified on", "raked on"};
    const char *col[] = {d->repweights, d->strata,       d->psu,
                         d->fpc,        d->poststratify, d->rake ? cols : NULL};
    size_t len = 0;
    int parts = 0;
    if (n == 0)
        return;
    buf[0] = '\0';
    for (int k = 0; k < 6; k++) {
        if (!col[k])
            continue;
        int w = snprintf(buf + len, n - len, "%s%s %s", parts ? ", " : "; ", what[k], col[k]);
        len = w < 0 || (size_t)w >= n - len ? n - 1 : len + (size_t)w;
        parts++;
        char rn[160];
        if (k == 0 && shopstat_rep_note(d, rn, sizeof rn)) {
            w = snprintf(buf + len, n - len, " (%s)", rn);
            len = w < 0 || (size_t)w >= n - len ? n - 1 : len + (size_t)w;
        }
    }
    const char *lonely =
        lonely_shown(shopstat_lonely_name(d->lonely), d->strata || d->psu, d->repweights != NULL);
    if (lonely) {
        int w = snprintf(buf + len, n - len, "; lonely PSUs: %s", lonely);
        len = w < 0 || (size_t)w >= n - len ? n - 1 : len + (size_t)w;
    }
    if (!parts && !d->weight)
        return;
    char tail[600];
    snprintf(tail, sizeof tail, "%s", buf);
    if (d->weight)
        snprintf(buf, n, "Weighted by %s%s.", d->weight, tail);
    else if (d->fpc && !d->repweights) /* (R's weights from the fpc: pass.c, fpc_weights) */
        snprintf(buf, n, "Weighted by N/n from the fpc%s.", tail);
    else
        snprintf(buf, n, "Unweighted%s.", tail);
}

void shopstat_design_note(const shopstat_design_opts *d, int fpc_fractions, char *buf, size_t n)
{
    locale_t old = c_numeric_enter();
    design_note_c(d, fpc_fractions, buf, n);
    c_numeric_leave(old);
}
