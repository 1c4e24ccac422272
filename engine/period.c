/* Wave labels read as periods (months, quarters, halves, years, dates) and put in time order. */
#include "internal.h"
#include "shopstat/scale.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A label is at most this many tokens ("March 15, 2024" is three). */
#define MAX_TOKENS 4

enum tok_kind { T_YEAR, T_NUM, T_MONTH, T_QUARTER, T_HALF };

typedef struct token {
    int kind;
    int v;    /* the year, number, month (1-12), quarter (1-4) or half (1-2) */
    int ndig; /* digits of a number */
    char sep; /* the separator before it: ' ', '-', '/', '.', ',', '_', or 0 for none */
} token;

static const char *const months[12][3] = {
    {"january", "jan", NULL}, {"february", "feb", NULL}, {"march", "mar", NULL},
    {"april", "apr", NULL},   {"may", NULL, NULL},       {"june", "jun", NULL},
    {"july", "jul", NULL},    {"august", "aug", NULL},   {"september", "sep", "sept"},
    {"october", "oct", NULL}, {"november", "nov", NULL}, {"december", "dec", NULL},
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The month (1-12) a word of n letters names, any case ("Sept", "MARCH"), else 0. */
static int month_of(const char *w, size_t n)
{
    char low[12];
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
    low[n] = '\0';
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 3 && months[m][k]; k++)
            if (strcmp(low, months[m][k]) == 0)
                return m + 1;
    return 0;
}

static int word_is(const char *w, size_t n, const char *lower)
{
    if (strlen(lower) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
        if (c != lower[i])
            return 0;
    }
    return 1;
}

/* Split s into tokens: 1 and *nt, or 0 when it holds anything else (a word that is no month,
 * "Q" or "H" before its number, or "Quarter"; a character that is no separator; a
 * separator but spaces before the first token or after the last: "-2024", "2024-", a
 * month cut off, is no year). A year is four digits from 1900 to 2099, or two after an
 * apostrophe ("Q1 '24"). */
static int tokenize(const char *s, token *t, size_t *nt)
{
    size_t n = 0;
    char sep = 0;
    int punct = 0; /* a separator but spaces since the last token */
    while (*s == ' ' || *s == '\t')
        s++;
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '-' || *s == '/' || *s == '.' || *s == ',' ||
            *s == '_') {
            /* (one separator between tokens: a dash or slash wins over spaces beside it;
             * two marks in a row, "2024--03", "Q2..2024", are no label's) */
            int mark = *s != ' ' && *s != '\t';
            if (mark && punct)
                return 0;
            if (!sep || sep == ' ' || sep == ',')
                sep = *s == '\t' ? ' ' : *s;
            punct |= mark;
            s++;
            continue;
        }
        if (n == MAX_TOKENS)
            return 0;
        token *k = &t[n];
        k->sep = n ? sep : 0;
        if (n == 0 && punct)
            return 0; /* (a label starting with "-" or "/") */
        sep = 0;
        punct = 0;
        int apos = 0;
        if (*s == '\'') {
            apos = 1;
            s++;
        }
        if (is_digit(*s)) {
            int v = 0, d = 0;
            while (is_digit(*s)) {
                if (d < 6)
                    v = v * 10 + (*s - '0');
                d++;
                s++;
            }
            if (apos && d == 2) {
                k->kind = T_YEAR;
                v += 2000;
            } else if (apos) {
                return 0;
            } else if (d == 4 && v >= 1900 && v <= 2099) {
                k->kind = T_YEAR;
            } else if (d <= 2) {
                k->kind = T_NUM;
            } else {
                return 0;
            }
            k->v = v;
            k->ndig = d;
        } else if (is_alpha(*s) && !apos) {
            const char *w = s;
            while (is_alpha(*s))
                s++;
            size_t wn = (size_t)(s - w);
            int m = month_of(w, wn);
            if (m) {
                k->kind = T_MONTH;
                k->v = m;
            } else {
                /* "Q1", "Q 1", "Qtr 1", "Quarter 1", "H2": a number follows */
                int q = word_is(w, wn, "q") || word_is(w, wn, "qtr") || word_is(w, wn, "quarter");
                int h = word_is(w, wn, "h") || word_is(w, wn, "half");
                if (!q && !h)
                    return 0;
                while (*s == ' ')
                    s++;
                if (!is_digit(*s) || is_digit(s[1]))
                    return 0;
                k->v = *s++ - '0';
                k->kind = q ? T_QUARTER : T_HALF;
                if (k->v < 1 || k->v > (q ? 4 : 2))
                    return 0;
                if (is_alpha(*s)) /* ("Q1st") */
                    return 0;
            }
        } else {
            return 0;
        }
        n++;
    }
    if (punct)
        return 0; /* (a label ending with "-" or "/") */
    *nt = n;
    return n > 0;
}

/* The days of month m (1-12) of year y: February's 29th in a leap year of the Gregorian
 * calendar only (every fourth year, a century only when divisible by 400). */
static int days_in(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* A dash, slash or dot between a year and its month's number ("2024-03", "03/2024"). */
static int numeric_sep(char c)
{
    return c == '-' || c == '/' || c == '.';
}

/* The period label s names, as a key that sorts in time (the year, then the month a month,
 * quarter or half starts in, then the day): 1 and *key, else 0 (internal.h). */
int period_key(const char *s, long *key)
{
    token t[MAX_TOKENS];
    size_t n;
    if (!s || !tokenize(s, t, &n))
        return 0;
    int y = -1, m = 0, d = 0;
    /* the period's part (month, quarter, half) apart from its year, either side of it */
    const token *p = NULL;
    if (n == 1 && t[0].kind == T_YEAR) {
        y = t[0].v;
    } else if (n == 2 && (t[0].kind == T_YEAR) != (t[1].kind == T_YEAR)) {
        const token *yr = t[0].kind == T_YEAR ? &t[0] : &t[1];
        p = t[0].kind == T_YEAR ? &t[1] : &t[0];
        y = yr->v;
        if (p->kind == T_NUM && !(numeric_sep(t[1].sep) && p->v >= 1 && p->v <= 12))
            return 0;
    } else if (n == 3 && t[0].kind == T_YEAR && t[1].kind == T_NUM && t[2].kind == T_NUM) {
        /* an ISO date, 2024-03-15 (day-first and month-first dates are ambiguous) */
        if (t[1].sep != t[2].sep || (t[1].sep != '-' && t[1].sep != '/') || t[1].v < 1 ||
            t[1].v > 12 || t[2].v < 1 || t[2].v > days_in(t[0].v, t[1].v))
            return 0;
        y = t[0].v;
        m = t[1].v;
        d = t[2].v;
    } else if (n == 3 && t[2].kind == T_YEAR &&
               ((t[0].kind == T_MONTH && t[1].kind == T_NUM) ||
                (t[0].kind == T_NUM && t[1].kind == T_MONTH))) {
        /* "March 15, 2024", "15 Mar 2024" */
        const token *day = t[0].kind == T_NUM ? &t[0] : &t[1];
        y = t[2].v;
        m = t[0].kind == T_MONTH ? t[0].v : t[1].v;
        if (day->v < 1 || day->v > days_in(y, m))
            return 0; /* ("31 Feb 2024", "June 31, 2024": no day that exists) */
        d = day->v;
    } else {
        return 0;
    }
    if (p) {
        switch (p->kind) {
        case T_MONTH:
        case T_NUM:
            m = p->v;
            break;
        case T_QUARTER:
            m = 3 * (p->v - 1) + 1;
            break;
        case T_HALF:
            m = 6 * (p->v - 1) + 1;
            break;
        default:
            return 0;
        }
    }
    *key = ((long)y * 100 + m) * 100 + d;
    return 1;
}

typedef struct keyed {
    long key;
    size_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i; /* (periods that start together: as given) */
}

int period_order(const char *const *labels, size_t n, size_t *order)
{
    if (!labels || n == 0)
        return 0;
    keyed *k = n <= SIZE_MAX / sizeof *k ? malloc(n * sizeof *k) : NULL;
    if (!k)
        return -1;
    for (size_t i = 0; i < n; i++) {
        k[i].i = i;
        if (!period_key(labels[i], &k[i].key)) {
            free(k);
            return 0;
        }
    }
    qsort(k, n, sizeof *k, by_key);
    if (order)
        for (size_t i = 0; i < n; i++)
            order[i] = k[i].i;
    free(k);
    return 1;
}

int shopstat_scale_time_order(const char *const *labels, size_t n, size_t *order)
{
    return period_order(labels, n, order) == 1;
}
