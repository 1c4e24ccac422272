/* Scores of single-choice questions: a rating's mean, NPS, any scoring of the levels. */
#include "shopstat/score.h"

#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "shopstat/scale.h"

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

static void score_free(plan_score *s)
{
    free(s->question);
    free(s->name);
    for (size_t i = 0; i < s->nitems; i++)
        free(s->items[i].text);
    free(s->items);
}

void plan_scores_free(shopstat_plan *p)
{
    for (size_t i = 0; i < p->nscores; i++)
        score_free(&p->scores[i]);
    free(p->scores);
    p->scores = NULL;
    p->nscores = 0;
}

/* A number of a map or a level, C locale, the whole text (spaces around it allowed). */
static int map_num(const char *s, size_t n, double *out)
{
    return shopstat_parse_number(s, n, 0, out) == 1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* "A-B" with two numbers (either may carry a sign: "-2--1"): 1 and the ends. */
static int parse_range(const char *s, size_t n, double *lo, double *hi)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == '-' && map_num(s, i, lo) && map_num(s + i + 1, n - i - 1, hi))
            return 1;
    return 0;
}

/* Parse "V=S,V=S,..." into sc's items. */
static shopstat_status parse_map(plan_score *sc, const char *question, const char *map,
                                 shopstat_error *err)
{
    size_t cap = 1;
    for (const char *c = map; *c; c++)
        cap += *c == ',';
    if (!(sc->items = calloc(cap, sizeof *sc->items)))
        return nomem(err);
    const char *p = map;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *eq = NULL;
        for (size_t i = 0; i < len; i++)
            if (p[i] == '=')
                eq = p + i; /* (the last '=': a level's text may hold one) */
        if (!eq)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': '%.*s' in the map is not VALUE=SCORE "
                                      "(the map is mean, nps, or V=S,V=S,... such as "
                                      "1-2=0,3=50,4-5=100)",
                                      question, (int)len, p);
        const char *v = p, *sv = eq + 1;
        size_t vn = (size_t)(eq - p), sn = len - vn - 1;
        trim(&v, &vn);
        trim(&sv, &sn);
        plan_score_item *it = &sc->items[sc->nitems];
        double x;
        int r = shopstat_parse_number(sv, sn, 0, &x);
        if (r != 1 || sn == 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': '%.*s' for '%.*s' is not a %snumber",
                                      question, (int)sn, sv, (int)vn, v, r < 0 ? "finite " : "");
        if (vn == 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': an empty value before '=%.*s' in the map",
                                      question, (int)sn, sv);
        if (fabs(x) > SHOPSTAT_MAX_SCORE)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': '%.*s' for '%.*s' is beyond +-1e15; "
                                      "rescale the map",
                                      question, (int)sn, sv, (int)vn, v);
        it->score = x;
        if (map_num(v, vn, &it->lo)) {
            it->hi = it->lo;
        } else if (parse_range(v, vn, &it->lo, &it->hi)) {
            if (it->lo > it->hi)
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "score of '%s': the range '%.*s' ends below its start",
                                          question, (int)vn, v);
        } else {
            const char *dash = memchr(v, '-', vn);
            if (dash && dash > v && dash < v + vn - 1 && memchr(v, ' ', vn) == NULL &&
                (isdigit((unsigned char)v[0]) || isdigit((unsigned char)v[vn - 1])))
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "score of '%s': '%.*s' is neither a level nor a range "
                                          "of two numbers (A-B)",
                                          question, (int)vn, v);
            if (!(it->text = malloc(vn + 1)))
                return nomem(err);
            memcpy(it->text, v, vn);
            it->text[vn] = '\0';
        }
        sc->nitems++; /* (counted now: score_free frees its text on an error below) */
        /* a level given twice: the same text, or two numeric entries that overlap */
        for (size_t j = 0; j + 1 < sc->nitems; j++) {
            const plan_score_item *o = &sc->items[j];
            int dup = it->text ? o->text && strcmp(o->text, it->text) == 0
                               : !o->text && !(it->hi < o->lo || it->lo > o->hi);
            if (!dup)
                continue;
            /* two numeric entries that differ ('1' and '1-2'): the levels both score */
            char was[80], lv[80];
            if (o->lo == o->hi)
                snprintf(was, sizeof was, "%.17g", o->lo);
            else
                snprintf(was, sizeof was, "%.17g-%.17g", o->lo, o->hi);
            double a = fmax(o->lo, it->lo), b = fmin(o->hi, it->hi);
            if (a == b)
                snprintf(lv, sizeof lv, "level %.17g is", a);
            else
                snprintf(lv, sizeof lv, "levels %.17g to %.17g are", a, b);
            if (it->text || (o->lo == it->lo && o->hi == it->hi))
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "score of '%s': '%.*s' is given twice in the map "
                                          "(each level gets one score)",
                                          question, (int)vn, v);
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': %s scored by both '%s' and '%.*s' in the "
                                      "map (each level gets one score)",
                                      question, lv, was, (int)vn, v);
        }
        if (!e)
            break;
        p = e + 1;
    }
    return SHOPSTAT_OK;
}

/* A quantile's word: median, or pN with N a percent from 0 to 100 (p25, p90, p2.5; any
 * case). 1 with *prob and its name ("median", "p90") in name; -1 for a 'p' and a number
 * out of range or malformed past its digits ("p101", "p9x"); 0 for no quantile word (a map). */
static int quantile_word(const char *map, double *prob, char *name, size_t n)
{
    if (strcasecmp(map, "median") == 0) {
        *prob = 0.5;
        snprintf(name, n, "median");
        return 1;
    }
    if ((map[0] != 'p' && map[0] != 'P') || !isdigit((unsigned char)map[1]))
        return 0;
    size_t len = strlen(map + 1);
    double pc;
    if (strchr(map, '=') || strchr(map, ',')) /* (a map: p1=2,...) */
        return 0;
    if (shopstat_parse_number(map + 1, len, 0, &pc) != 1 || !(pc >= 0 && pc <= 100) ||
        len > 12)
        return -1;
    *prob = pc / 100;
    snprintf(name, n, "p%s", map + 1);
    return 1;
}

int shopstat_score_map_is_quantile(const char *map)
{
    double p;
    char name[32];
    return map && quantile_word(map, &p, name, sizeof name) != 0;
}

shopstat_status shopstat_plan_add_score(shopstat_plan *p, const char *question, const char *map,
                                        const char *name, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    const plan_question *pq = NULL;
    for (size_t i = 0; question && i < p->nquestions; i++)
        if (!p->questions[i].rows_only && strcmp(p->questions[i].name, question) == 0)
            pq = &p->questions[i];
    if (!pq)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "score of '%s': no such question in the plan (add the "
                                  "question before its score)",
                                  question ? question : "");
    if (pq->kind != SHOPSTAT_Q_SINGLE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "score of '%s': a score needs a single-choice question (one "
                                  "level a row), not a multi-response one",
                                  question);
    plan_score sc;
    memset(&sc, 0, sizeof sc);
    shopstat_status st = SHOPSTAT_OK;
    /* (any case: the outputs name the score "NPS", and --reptype takes any case too) */
    char qname[32];
    if (!map || strcasecmp(map, "mean") == 0)
        sc.kind = SCORE_MEAN;
    else if (quantile_word(map, &sc.p, qname, sizeof qname) == 1)
        sc.kind = SCORE_QUANTILE;
    else if (quantile_word(map, &sc.p, qname, sizeof qname) < 0)
        st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                "score of '%s': '%s' is no quantile: give median or pN with N "
                                "a percent from 0 to 100 (p25, p90, p2.5)",
                                question, map);
    else if (strcasecmp(map, "nps") == 0)
        sc.kind = SCORE_NPS;
    else if (!*map)
        st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                "score of '%s': an empty map (give mean, nps, or V=S,V=S,...)",
                                question);
    else {
        sc.kind = SCORE_MAP;
        st = parse_map(&sc, question, map, err);
    }
    if (!name)
        name = sc.kind == SCORE_MEAN       ? "mean"
               : sc.kind == SCORE_NPS      ? "NPS"
               : sc.kind == SCORE_QUANTILE ? qname
                                           : "score";
    if (!st && !*name)
        st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "score of '%s': an empty name",
                                question);
    for (size_t i = 0; !st && i < p->nscores; i++)
        if (strcmp(p->scores[i].question, question) == 0 && strcmp(p->scores[i].name, name) == 0)
            st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                    "score '%s' of '%s' is given twice (give the second another "
                                    "name)",
                                    name, question);
    plan_score *ns = NULL;
    if (!st) {
        sc.question = strdup(question);
        sc.name = strdup(name);
        ns = sc.question && sc.name ? realloc(p->scores, (p->nscores + 1) * sizeof *ns) : NULL;
        if (!ns)
            st = nomem(err);
    }
    if (st) {
        score_free(&sc);
        return st;
    }
    p->scores = ns;
    p->scores[p->nscores++] = sc;
    return SHOPSTAT_OK;
}

size_t shopstat_score_question_len(const char *spec)
{
    size_t n = strlen(spec);
    for (const char *c = strchr(spec, ':'); c; c = strchr(c + 1, ':')) {
        const char *m = c + 1;
        if (strcasecmp(m, "mean") == 0 || strcasecmp(m, "nps") == 0 || strchr(m, '=') || !*m ||
            shopstat_score_map_is_quantile(m))
            return (size_t)(c - spec);
    }
    return n;
}

shopstat_status shopstat_plan_parse_score(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    size_t qn = spec ? shopstat_score_question_len(spec) : 0;
    if (!spec || qn == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "--score takes QUESTION or QUESTION:MAP (MAP mean, nps, "
                                  "V=S,V=S,..., median or pN), not '%s'",
                                  spec ? spec : "");
    if (!spec[qn])
        return shopstat_plan_add_score(p, spec, NULL, NULL, err);
    char *q = strndup(spec, qn);
    if (!q)
        return nomem(err);
    shopstat_status st = shopstat_plan_add_score(p, q, spec + qn + 1, NULL, err);
    free(q);
    return st;
}

size_t shopstat_totals_nscores(const shopstat_totals *t)
{
    return t->plan->nscores;
}

/* The single-choice question of score k when the score is of kind `kind`, else SIZE_MAX
 * (for the doubts below). */
static size_t score_single_question(const shopstat_totals *t, size_t k, int kind)
{
    if (k >= t->plan->nscores || (int)t->plan->scores[k].kind != kind)
        return SIZE_MAX;
    const plan_score *sc = &t->plan->scores[k];
    for (size_t q = 0; q < t->nq; q++)
        if (t->q[q].pq->kind == SHOPSTAT_Q_SINGLE && strcmp(t->q[q].pq->name, sc->question) == 0)
            return q;
    return SIZE_MAX;
}

int shopstat_score_nps_doubtful(const shopstat_totals *t, size_t k, const char **question,
                                double *highest)
{
    size_t q = score_single_question(t, k, SCORE_NPS);
    if (q == SIZE_MAX)
        return 0;
    const plan_score *sc = &t->plan->scores[k];
    const rt_question *rq = &t->q[q];
    double top = -INFINITY;
    for (size_t lid = 0; lid < rq->levels.n; lid++) {
        const char *lv = SMAP_KEY(&rq->levels, lid);
        double x;
        if (totals_cell(t, 0, q, lid) >= 0 &&
            (shopstat_parse_number(lv, strlen(lv), t->decimal_comma, &x) == 1 ||
             reader_labelled_point(lv, &x)))
            top = fmax(top, x);
    }
    if (!(top < 9))
        return 0; /* (no level in the base at all: nothing to doubt) */
    if (top == -INFINITY)
        return 0;
    if (question)
        *question = sc->question;
    if (highest)
        *highest = top;
    return 1;
}

/* A number where codebooks put "don't know" and "refused" */
static int nonanswer_band(double x)
{
    return (x >= 96 && x <= 99) || (x >= 996 && x <= 999) || x == 9999;
}

/* A negative whole number where codebooks put "no answer": Qualtrics' -99 (seen but
 * unanswered), the band above mirrored (-96 to -99, -996 to -999, -9999), and the -1 to -9
 * of panels' codebooks (GESIS and SOEP: -1 no answer, -8 does not apply) below answers
 * that start at 1 or more, or at 0 when -1 is no level: a -1 beside answers from 0 may be
 * a scale's point (-1/0/+1 "worse, same, better"; -3 to +3). */
static int negative_code(double x, double answers_min, int minus_one)
{
    if (!(x < 0) || x != floor(x))
        return 0;
    return nonanswer_band(-x) ||
           (x >= -9 && (answers_min >= 1 || (answers_min >= 0 && !minus_one)));
}

size_t score_nonanswer_codes(const double *x, size_t n, int whole, unsigned char *code)
{
    /* the answers' smallest: the levels of 0 or more outside the band */
    double answers_min = INFINITY;
    int minus_one = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] >= 0 && !nonanswer_band(x[i]))
            answers_min = fmin(answers_min, x[i]);
        minus_one |= x[i] == -1;
    }
    size_t nband = 0, nneg = 0, nrest = 0, top_i = 0;
    int neg_all_codes = 1;
    double rest_max = -INFINITY, top = -INFINITY, second = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < 0) {
            nneg++;
            neg_all_codes &= negative_code(x[i], answers_min, minus_one);
            continue;
        }
        if (nonanswer_band(x[i]))
            nband++;
        else
            nrest++, rest_max = fmax(rest_max, x[i]);
        if (x[i] > top)
            second = top, top = x[i], top_i = i;
        else if (x[i] > second)
            second = x[i];
    }
    if (code)
        memset(code, 0, n);
    /* negative codes below answers of 0 or more (-99 below a 1-5 rating): every negative
     * level one, none of them a point of a scale reaching below 0 */
    size_t ncodes = 0;
    if (nneg && neg_all_codes && nrest >= 2) {
        ncodes = nneg;
        for (size_t i = 0; code && i < n; i++)
            code[i] = x[i] < 0;
    }
    /* (answers of at most 20 lie below the band: every level in it is above them) */
    if (nband && nrest >= 2 && rest_max <= 20) {
        ncodes += nband;
        for (size_t i = 0; code && i < n; i++)
            code[i] |= (unsigned char)nonanswer_band(x[i]);
    } else if (n - nneg >= 3 && top == 9 && second <= 7 && whole) {
        if (code)
            code[top_i] = 1;
        ncodes++;
    }
    if (ncodes > SHOPSTAT_SCORE_MAX_CODES) { /* (more than a codebook's few: not codes) */
        if (code)
            memset(code, 0, n);
        return 0;
    }
    return ncodes;
}

int shopstat_score_is_quantile(const shopstat_totals *t, size_t k)
{
    return k < t->plan->nscores && t->plan->scores[k].kind == SCORE_QUANTILE;
}

size_t shopstat_score_mean_code_doubtful(const shopstat_totals *t, size_t k, const char **question,
                                         const char **codes, double *lo, double *hi)
{
    /* a quantile reads its levels as numbers as a mean does: a -99 is its smallest value, a
     * 999 its largest (a p90 of them); once a question, by its first such score */
    size_t q = score_single_question(t, k, SCORE_MEAN);
    if (q == SIZE_MAX)
        q = score_single_question(t, k, SCORE_QUANTILE);
    for (size_t j = 0; j < k && q != SIZE_MAX; j++)
        if ((t->plan->scores[j].kind == SCORE_MEAN || t->plan->scores[j].kind == SCORE_QUANTILE) &&
            strcmp(t->plan->scores[j].question, t->plan->scores[k].question) == 0)
            q = SIZE_MAX;
    if (q == SIZE_MAX)
        return 0;
    const plan_score *sc = &t->plan->scores[k];
    const rt_question *rq = &t->q[q];
    size_t nlv = rq->levels.n;
    double *x = malloc((nlv ? nlv : 1) * sizeof *x);
    size_t *lid_of = malloc((nlv ? nlv : 1) * sizeof *lid_of);
    unsigned char *code = malloc(nlv ? nlv : 1);
    if (!x || !lid_of || !code) { /* (a warning lost: no error) */
        free(x);
        free(lid_of);
        free(code);
        return 0;
    }
    size_t nnum = 0;
    int whole = 1;
    for (size_t lid = 0; lid < nlv; lid++) {
        const char *lv = SMAP_KEY(&rq->levels, lid);
        if (totals_cell(t, 0, q, lid) < 0)
            continue;
        if (shopstat_parse_number(lv, strlen(lv), t->decimal_comma, &x[nnum]) != 1 &&
            !reader_labelled_point(lv, &x[nnum]))
            continue; /* (a text level: the mean refuses it on its own) */
        whole &= x[nnum] == floor(x[nnum]);
        lid_of[nnum++] = lid;
    }
    size_t ncodes = score_nonanswer_codes(x, nnum, whole, code);
    if (ncodes) {
        double low = INFINITY, high = -INFINITY;
        size_t m = 0;
        /* the codes lowest first: by value, a handful */
        for (size_t pass = 0; pass < ncodes; pass++) {
            size_t best = SIZE_MAX;
            for (size_t i = 0; i < nnum; i++)
                if (code[i] == 1 && (best == SIZE_MAX || x[i] < x[best]))
                    best = i;
            code[best] = 2;
            if (codes)
                codes[m++] = SMAP_KEY(&rq->levels, lid_of[best]);
        }
        for (size_t i = 0; i < nnum; i++)
            if (!code[i])
                low = fmin(low, x[i]), high = fmax(high, x[i]);
        if (question)
            *question = sc->question;
        if (lo)
            *lo = low;
        if (hi)
            *hi = high;
    }
    free(x);
    free(lid_of);
    free(code);
    return ncodes;
}

int shopstat_nonanswer_warning(const shopstat_totals *t, size_t q, int spec, char *buf,
                               size_t len)
{
    if (q >= shopstat_totals_nquestions(t) ||
        shopstat_totals_question_kind(t, q) == SHOPSTAT_Q_MULTI || !len)
        return 0;
    size_t nl = shopstat_totals_nlevels(t, q), ncodes = 0, others = 0, rows = 0;
    const char *codes[3];
    for (size_t l = 0; l < nl; l++) {
        const char *lv = shopstat_totals_level(t, q, l);
        char *end;
        double x = strtod(lv, &end);
        if (!*lv || *end || x != floor(x) || !isfinite(x))
            return 0;
        size_t r = shopstat_totals_level_rows(t, q, l);
        double ax = -x;
        if (x < 0 && ((ax >= 96 && ax <= 99) || (ax >= 996 && ax <= 999) || ax == 9999)) {
            if (r && ncodes < 3)
                codes[ncodes++] = lv, rows += r;
        } else if (x < 0) {
            return 0;
        } else {
            others++;
        }
    }
    if (!ncodes || others < 2)
        return 0;
    /* (a mean's own warning names the code, for its question alone) */
    for (size_t k = 0; k < shopstat_totals_nscores(t); k++) {
        const char *sq = NULL, *sc[SHOPSTAT_SCORE_MAX_CODES];
        if (shopstat_score_mean_code_doubtful(t, k, &sq, sc, NULL, NULL) && sq &&
            !strcmp(sq, shopstat_totals_question(t, q)))
            return 0;
    }
    char list[200], miss[200];
    size_t at = 0, mt = 0;
    list[0] = miss[0] = '\0';
    for (size_t k = 0; k < ncodes; k++) {
        at += (size_t)snprintf(list + at, sizeof list - at, "%s'%.40s'", k ? ", " : "", codes[k]);
        mt += (size_t)snprintf(miss + mt, sizeof miss - mt, "%s%.40s", k ? (spec ? ", " : ",") : "",
                               codes[k]);
    }
    snprintf(buf, len,
             "%s: %s (%zu row%s) %s shown as an answer among its codes of 0 or more: a code "
             "for no answer (Qualtrics' -99: seen but not answered)? If so, declare it missing "
             "(%s%s%s)",
             shopstat_totals_question(t, q), list, rows, rows == 1 ? "" : "s",
             ncodes == 1 ? "is" : "are", spec ? "the question's missing: [" : "--missing ", miss,
             spec ? "]" : "");
    return 1;
}

/* ---- after the pass ---- */

/* A score resolved against the totals: its question and every level's score. */
typedef struct score_rt {
    const plan_score *ps;
    size_t q;
    double *s; /* per level id; NaN: no score (the level is not in the base) */
    double min, max;
    int measure; /* a mean or quantile of a measure (shopstat_score_estimate.measure) */
    int vdec;    /* its values' largest decimals (shopstat_score_value_decimals) */
} score_rt;

/* The score of level text lv under sc: 1 and *out, or 0 (none). */
static int level_score(const plan_score *sc, const char *lv, int decimal_comma, double *out,
                       double *num, int *isnum)
{
    size_t n = strlen(lv);
    /* a labelled point ("0 - Not at all likely") is its number on the scale */
    *isnum =
        shopstat_parse_number(lv, n, decimal_comma, num) == 1 || reader_labelled_point(lv, num);
    switch (sc->kind) {
    case SCORE_MEAN:
    case SCORE_QUANTILE: /* (a quantile orders the levels by their numbers) */
        *out = *num;
        return *isnum;
    case SCORE_NPS:
        if (!*isnum || *num < 0 || *num > 10 || *num != floor(*num))
            return 0;
        *out = *num <= 6 ? -100 : *num <= 8 ? 0 : 100;
        return 1;
    default:
        for (size_t i = 0; i < sc->nitems; i++)
            if (sc->items[i].text && strcmp(sc->items[i].text, lv) == 0) {
                *out = sc->items[i].score;
                return 1;
            }
        for (size_t i = 0; *isnum && i < sc->nitems; i++)
            if (!sc->items[i].text && *num >= sc->items[i].lo && *num <= sc->items[i].hi) {
                *out = sc->items[i].score;
                return 1;
            }
        return 0;
    }
}

/* A level as a shell word for a hint: as it is when it is plain, else in quotes. */
static const char *shell_word(const char *s, char *buf, size_t n)
{
    int plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || strchr("._-+", *c);
    if (plain)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, strchr(s, '\'') ? "\"%s\"" : "'%s'", s);
    return buf;
}

/* How a message names score sc: an unnamed map's name is "score", so "the score of 'q'",
 * not "score 'score' of 'q'". */
static const char *score_who(const plan_score *sc, char *buf, size_t n)
{
    if (strcmp(sc->name, "score") == 0)
        snprintf(buf, n, "the score of '%s'", sc->question);
    else
        snprintf(buf, n, "score '%s' of '%s'", sc->name, sc->question);
    return buf;
}

/* The error of a mean or NPS of a question whose levels are a recognised text scale:
 * SHOPSTAT_EINPUT proposing a map of its points numbered 1..k in the scale's order (the
 * levels' display order), or SHOPSTAT_OK when the levels are no such scale (or out of
 * memory: the caller's own error follows). */
static shopstat_status text_scale_map_error(const shopstat_totals *t, const rt_question *rq,
                                            const plan_score *sc, const char *lv,
                                            shopstat_error *err)
{
    size_t n = rq->levels.n;
    const char **labels = malloc((n ? n : 1) * sizeof *labels);
    if (!labels)
        return SHOPSTAT_OK;
    for (size_t l = 0; l < n; l++)
        labels[l] = SMAP_KEY(&rq->levels, rq->order[l]);
    const char *name = shopstat_scale_recognise(labels, n, NULL);
    shopstat_status st = SHOPSTAT_OK;
    if (name) {
        char map[600], who[300], w[700];
        size_t k = (size_t)snprintf(map, sizeof map, "%s:", sc->question), pt = 0;
        for (size_t l = 0; l < n && k < sizeof map; l++)
            if (!shopstat_scale_nonsubstantive(labels[l]))
                k += (size_t)snprintf(map + k, sizeof map - k, "%s%s=%zu", pt ? "," : "", labels[l],
                                      pt + 1),
                    pt++;
        score_who(sc, who, sizeof who);
        st =
            shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                               "%s: level '%s' is a point of a text scale (%s), which has no "
                               "numbers to %s; score its points with a map, e.g. "
                               "shopstat_plan_parse_score(\"%s\") (numbered as "
                               "the whole scale runs: a point no row gave keeps its number)",
                               who, lv, name, sc->kind == SCORE_NPS ? "place in an NPS" : "average",
                               k < sizeof map ? shell_word(map, w, sizeof w) : "Q:LEVEL=SCORE,...");
    }
    free(labels);
    return st;
}

static void scores_free(score_rt *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++)
        free(r[i].s);
    free(r);
}

/* Resolve every score of t's plan; a level of the base (a cell in 'all') without a score is
 * an error. */
static shopstat_status scores_resolve(const shopstat_totals *t, score_rt **out, shopstat_error *err)
{
    const shopstat_plan *p = t->plan;
    *out = NULL;
    score_rt *r = calloc(p->nscores ? p->nscores : 1, sizeof *r);
    if (!r)
        return nomem(err);
    for (size_t k = 0; k < p->nscores; k++) {
        const plan_score *sc = &p->scores[k];
        r[k].ps = sc;
        r[k].q = SIZE_MAX;
        for (size_t q = 0; q < t->nq; q++)
            if (t->q[q].pq->kind == SHOPSTAT_Q_SINGLE &&
                strcmp(t->q[q].pq->name, sc->question) == 0)
                r[k].q = q;
        if (r[k].q == SIZE_MAX) {
            scores_free(r, p->nscores);
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "score of '%s': no such single-choice question",
                                      sc->question);
        }
        const rt_question *rq = &t->q[r[k].q];
        r[k].s = malloc((rq->levels.n ? rq->levels.n : 1) * sizeof *r[k].s);
        if (!r[k].s) {
            scores_free(r, p->nscores);
            return nomem(err);
        }
        r[k].min = INFINITY;
        r[k].max = -INFINITY;
        size_t nnum = 0; /* levels with a score (distinct numbers, in a mean) */
        for (size_t l = 0; l < rq->levels.n; l++) {
            size_t lid = rq->order[l];
            const char *lv = SMAP_KEY(&rq->levels, lid);
            double x = NAN, num;
            int isnum;
            int ok = level_score(sc, lv, t->decimal_comma, &x, &num, &isnum);
            r[k].s[lid] = ok ? x : NAN;
            /* "Don't know", "N/A" and their kind are answers but no point of the scale: a
             * score for one (Don't know=0) would pull the mean; it leaves the base instead
             * (a recode's level is the spec's own: no code to call missing) */
            int nonsub = !isnum && !rq->pq->nrecodes && shopstat_scale_nonsubstantive(lv);
            if (nonsub && totals_cell(t, 0, r[k].q, lid) >= 0) {
                char w1[400], code[300], who[300];
                snprintf(code, sizeof code, "%s:%s", rq->pq->columns[0], lv);
                score_who(sc, who, sizeof who);
                shopstat_status st = shopstat_error_set(
                    err, SHOPSTAT_EINPUT, t->path, 0, 0,
                    "%s: level '%s' is a non-substantive answer, not a point of the scale, so it "
                    "takes no score%s; declare it missing in its column (csv_opts.column_missing "
                    "%s)",
                    who, lv, ok ? " (take it out of the map)" : "",
                    shell_word(code, w1, sizeof w1));
                scores_free(r, p->nscores);
                return st;
            }
            if (ok && fabs(x) > SHOPSTAT_MAX_SCORE && totals_cell(t, 0, r[k].q, lid) >= 0) {
                /* (a recode's level: the data's own are refused at their position in the
                 * pass) */
                char who[300];
                score_who(sc, who, sizeof who);
                shopstat_status st = shopstat_error_set(
                    err, SHOPSTAT_EINPUT, t->path, 0, 0,
                    "%s: level '%s' is beyond +-1e15, too large to score; rescale it", who, lv);
                scores_free(r, p->nscores);
                return st;
            }
            if (ok) {
                r[k].min = fmin(r[k].min, x);
                r[k].max = fmax(r[k].max, x);
                int vd = shopstat_score_value_decimals(x);
                r[k].vdec = vd > r[k].vdec ? vd : r[k].vdec;
                nnum++;
                continue;
            }
            if (totals_cell(t, 0, r[k].q, lid) < 0)
                continue; /* (no row of the base holds it) */
            const char *why = sc->kind == SCORE_MEAN ? "is not a number, so it has no score in "
                                                       "a mean"
                              : sc->kind == SCORE_NPS
                                  ? "is not a whole number from 0 to 10, so it has no place "
                                    "in an NPS (0-6 detractors, 7-8 passives, 9-10 promoters)"
                                  : "has no score in the map";
            /* a text scale's point (Agree of Strongly disagree .. Strongly agree) is no
             * code to declare missing: its mean is that of a map numbering the points */
            shopstat_status st0 = SHOPSTAT_OK;
            if (sc->kind != SCORE_MAP && !isnum && !shopstat_scale_nonsubstantive(lv) &&
                (st0 = text_scale_map_error(t, rq, sc, lv, err)) != SHOPSTAT_OK) {
                scores_free(r, p->nscores);
                return st0;
            }
            /* mean and nps take no extra level: a map scoring every level does */
            char w1[400], w2[400], arg[300], code[300];
            /* the code for this question's column only: a global code would take the same
             * value out of every column (a 6 of a 0-10 question beside a grid's 6) */
            snprintf(code, sizeof code, "%s:%s", rq->pq->columns[0], lv);
            if (sc->kind == SCORE_NPS)
                snprintf(arg, sizeof arg, "%s:0-6=-100,7-8=0,9-10=100,%s=SCORE", sc->question, lv);
            else if (sc->kind == SCORE_MEAN)
                snprintf(arg, sizeof arg, "%s:V=S,...,%s=SCORE", sc->question, lv);
            else
                snprintf(arg, sizeof arg, "%s:...,%s=SCORE", sc->question, lv);
            char who[300];
            score_who(sc, who, sizeof who);
            shopstat_status st =
                shopstat_error_set(err, SHOPSTAT_EINPUT, t->path, 0, 0,
                                   "%s: level '%s' %s; declare it missing in its column "
                                   "(csv_opts.column_missing %s) or %s "
                                   "(shopstat_plan_parse_score(\"%s\"))",
                                   who, lv, why, shell_word(code, w1, sizeof w1),
                                   sc->kind == SCORE_MAP ? "give it a score in the map"
                                                         : "score every level with a map",
                                   shell_word(arg, w2, sizeof w2));
            scores_free(r, p->nscores);
            return st;
        }
        if (sc->kind == SCORE_NPS) {
            r[k].min = -100;
            r[k].max = 100;
        } else if (sc->kind == SCORE_MAP) {
            r[k].min = INFINITY;
            r[k].max = -INFINITY;
            for (size_t i = 0; i < sc->nitems; i++) {
                r[k].min = fmin(r[k].min, sc->items[i].score);
                r[k].max = fmax(r[k].max, sc->items[i].score);
            }
        } else if (!(r[k].min <= r[k].max)) {
            r[k].min = r[k].max = NAN;
        }
        /* a measure, not a rating scale: a number that is not whole, or more than 20
         * distinct ones (as describe and report.md list a scale's levels one by one) */
        r[k].measure = (sc->kind == SCORE_MEAN || sc->kind == SCORE_QUANTILE) &&
                       (r[k].vdec > 0 || nnum > 20);
    }
    *out = r;
    return SHOPSTAT_OK;
}

/* A score's sums over the level cells of one side of a domain: the segment's cells, or
 * those of segment m less those of seg (rest). */
typedef struct score_side {
    long *c;        /* K x 2 level cells (level id order); [.][1] subtracted when rest */
    long d[2];      /* base cells */
    double f;       /* -1 for a rest, 0 otherwise */
    double W, S;    /* base weight, sum of s w */
    double m;       /* S / W (NaN when W is not positive) */
    double S2;      /* sum of w (s - m)^2 / W: the weighted variance of s */
    int single;     /* every row of positive weight has one score: m is it, S2 and V are 0 */
    double rep_one; /* every row (of any weight) has one score: it, else NaN (replicates) */
    size_t n, npos;
    double w2;
} score_side;

static void side_set(const shopstat_totals *t, const score_rt *r, score_side *sd, size_t seg,
                     int rest, size_t all)
{
    size_t q = r->q, K = t->q[q].levels.n;
    size_t a = rest ? all : seg;
    sd->f = rest ? -1 : 0;
    sd->d[0] = totals_cell(t, a, q, SIZE_MAX);
    sd->d[1] = rest ? totals_cell(t, seg, q, SIZE_MAX) : -1;
    for (size_t k = 0; k < K; k++) {
        sd->c[2 * k] = totals_cell(t, a, q, k);
        sd->c[2 * k + 1] = rest ? totals_cell(t, seg, q, k) : -1;
    }
    sd->W = totals_cell_weight(t, sd->d[0]) + sd->f * totals_cell_weight(t, sd->d[1]);
    sd->S = 0;
    for (size_t k = 0; k < K; k++) {
        double Tk =
            totals_cell_weight(t, sd->c[2 * k]) + sd->f * totals_cell_weight(t, sd->c[2 * k + 1]);
        if (Tk != 0)
            sd->S += r->s[k] * Tk;
    }
    /* (S / W; a domain at one score gets that score exactly below: sd->single) */
    sd->m = sd->W > 0 ? sd->S / sd->W : NAN;
    sd->S2 = 0;
    for (size_t k = 0; sd->W > 0 && k < K; k++) {
        double Tk =
            totals_cell_weight(t, sd->c[2 * k]) + sd->f * totals_cell_weight(t, sd->c[2 * k + 1]);
        if (Tk != 0)
            sd->S2 += Tk * (r->s[k] - sd->m) * (r->s[k] - sd->m) / sd->W;
    }
    /* Every row of positive weight at one score (one level, or levels the map scores
     * alike): m is that score and S2 0 exactly, as R's, not S / W's round-off
     * (99.99999999999999 for the promoters of an NPS) whose noise would then make an SE of
     * 1e-16 and a deff of noise over noise. */
    double one = NAN;
    sd->single = sd->W > 0;
    for (size_t k = 0; sd->single && k < K; k++) {
        long c0 = sd->c[2 * k], c1 = sd->c[2 * k + 1];
        size_t np0 = c0 >= 0 ? t->cell[c0].npos : 0, np1 = c1 >= 0 ? t->cell[c1].npos : 0;
        if ((rest ? np0 - np1 : np0) == 0)
            continue;
        if (isnan(one))
            one = r->s[k];
        else if (r->s[k] != one)
            sd->single = 0;
    }
    if (sd->single && !isnan(one)) {
        sd->m = one;
        sd->S2 = 0;
    } else {
        sd->single = 0;
    }
    /* (replicates: a row of weight 0 can have replicate weights, so every row counts) */
    sd->rep_one = NAN;
    int held = 0;
    for (size_t k = 0; k < K; k++) {
        long c0 = sd->c[2 * k], c1 = sd->c[2 * k + 1];
        size_t n0k = c0 >= 0 ? t->cell[c0].n : 0, n1k = rest && c1 >= 0 ? t->cell[c1].n : 0;
        if (n0k == n1k)
            continue;
        if (!held++)
            sd->rep_one = r->s[k];
        else if (r->s[k] != sd->rep_one) {
            sd->rep_one = NAN;
            break;
        }
    }
    size_t n0 = sd->d[0] >= 0 ? t->cell[sd->d[0]].n : 0;
    size_t n1 = sd->d[1] >= 0 ? t->cell[sd->d[1]].n : 0;
    size_t p0 = sd->d[0] >= 0 ? t->cell[sd->d[0]].npos : 0;
    size_t p1 = sd->d[1] >= 0 ? t->cell[sd->d[1]].npos : 0;
    double w0 = sd->d[0] >= 0 ? t->cell[sd->d[0]].w2 : 0;
    double w1 = sd->d[1] >= 0 ? t->cell[sd->d[1]].w2 : 0;
    sd->n = rest ? n0 - n1 : n0;
    sd->npos = rest ? p0 - p1 : p0;
    sd->w2 = rest ? w0 - w1 : w0;
}

/* The linearised terms of sign * m for one side: (s_k - m) / W on each level cell. */
static size_t side_terms(const score_side *sd, const score_rt *r, size_t K, double sign,
                         lin_term *out)
{
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        double f = i == 0 ? 1 : sd->f;
        if (f == 0)
            continue;
        for (size_t k = 0; k < K; k++) {
            long c = sd->c[2 * k + i];
            if (c < 0)
                continue;
            out[n++] = (lin_term){c, sign * f * (r->s[k] - sd->m) / sd->W};
        }
    }
    return n;
}

/* Round-off of a variance that is 0 (every row at one level) */
static double clamp_var(double v, double scale)
{
    return v < 0 && v > -1e-12 * (scale > 1 ? scale * scale : 1) ? 0 : v;
}

/* The variance of sum_j sign_j m_j over nsides sides (1: an estimate; 2: a difference). */
static shopstat_status sides_var(const shopstat_totals *t, const score_rt *r,
                                 const score_side *const *sides, const double *sign, size_t nsides,
                                 const long *dom, size_t ndom, double full, lin_term *terms,
                                 double *var, shopstat_error *err)
{
    size_t K = t->q[r->q].levels.n;
    shopstat_status st;
    if (t->rep) {
        rep_score_side rs[2];
        for (size_t j = 0; j < nsides; j++) {
            rs[j].c = sides[j]->c;
            rs[j].d[0] = sides[j]->d[0];
            rs[j].d[1] = sides[j]->d[1];
            rs[j].f = sides[j]->f;
            rs[j].sign = sign[j];
            rs[j].one = sides[j]->rep_one;
        }
        st = rep_score_var(t, rs, nsides, r->s, K, full, var, err);
    } else {
        /* (a side at one score adds no term: each is 0, and a rest's, all's cells less
         * the segment's, would leave all's round-off as variance; compare.c's sides) */
        size_t nt = 0;
        for (size_t j = 0; j < nsides; j++)
            if (!sides[j]->single)
                nt += side_terms(sides[j], r, K, sign[j], terms + nt);
        const lin_term *tp = terms;
        st = totals_cov(t, &tp, &nt, 1, dom, ndom, var, err);
    }
    /* sides of one score each: every term (s_k - m) / W is 0, every replicate's m the same,
     * so V is 0 (what is left is round-off; the calls above still check lonely PSUs). A
     * difference whose variance they leave undefined (every stratum lonely under average:
     * R's NaN) stays so, as compare's proportions; one domain keeps methods.md's exact
     * [m, m] */
    int single = 1;
    for (size_t j = 0; j < nsides; j++)
        single = single && sides[j]->single;
    if (!st)
        *var = single && !(nsides > 1 && isnan(*var))
                   ? 0
                   : clamp_var(*var, fmax(fabs(r->min), fabs(r->max)));
    return st;
}

/* ---- quantiles (R's svyquantile) ---- */

/* A distinct value of a quantile's question in a domain: its weight, the cumulative weight
 * through it (ascending values), its rows of positive weight. */
typedef struct qgroup {
    double x, w, c;
    size_t npos;
} qgroup;

static int qgroup_cmp(const void *a, const void *b)
{
    double x = ((const qgroup *)a)->x, y = ((const qgroup *)b)->x;
    return (x > y) - (x < y);
}

/* The values the domain's rows of positive weight hold (R's qrule_math drops weight 0),
 * ascending, levels of one number ("5", "5.0") as one, into g (K entries); their count.
 * The cumulative weights are summed in long double, as R's cumsum. */
static size_t qgroups(const shopstat_totals *t, const score_rt *r, const score_side *sd,
                      size_t K, qgroup *g)
{
    size_t n = 0;
    for (size_t k = 0; k < K; k++) {
        long c = sd->c[2 * k];
        if (c < 0 || t->cell[c].npos == 0 || isnan(r->s[k]))
            continue;
        g[n++] = (qgroup){r->s[k], totals_cell_weight(t, c), 0, t->cell[c].npos};
    }
    qsort(g, n, sizeof *g, qgroup_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && g[m - 1].x == g[i].x) {
            g[m - 1].w += g[i].w;
            g[m - 1].npos += g[i].npos;
        } else {
            g[m++] = g[i];
        }
    }
    long double cum = 0;
    for (size_t i = 0; i < m; i++) {
        cum += g[i].w;
        g[i].c = (double)cum;
    }
    return m;
}

/* R's qrule_math (survey 4.1.1, qs()): over the rows sorted by value, pos the last row
 * whose cumulative weight is at most p W (row 1 when none), the value of pos when
 * p - C_pos / W is 0, else of the row after it. By distinct values: the first value whose
 * cumulative weight reaches p W (exactly: the value itself), and when even the first row
 * passes p W, R's row 2: the smallest value when two rows or more hold it, else the next
 * (so p = 0 gives the second smallest value unless the smallest is tied, as R). */
static double qrule_math(const qgroup *g, size_t m, double p)
{
    if (m == 0 || isnan(p))
        return NAN;
    double W = g[m - 1].c, target = p * W;
    size_t j = m; /* the last value whose cumulative weight is at most p W; m: none */
    for (size_t i = 0; i < m && g[i].c <= target; i++)
        j = i;
    if (j == m)
        return g[0].npos >= 2 || m == 1 ? g[0].x : g[1].x;
    if (j == m - 1 || p - g[j].c / W == 0)
        return g[j].x;
    return g[j + 1].x;
}

/* Score sr, a quantile, in segment sid (its base side sd set) into *x: the estimate by
 * qrule_math, Woodruff's interval (svyquantile's interval.type "mean": the proportion F at
 * or below the estimate, F +- t(df) SE_F, each end mapped back by the rule, an end outside
 * [0, 1] NaN) and R's SE, the interval's width over 2 t. g: K groups, ind: K scores, cells:
 * 2K, terms: 2K. */
static shopstat_status quantile_fill(const shopstat_totals *t, const shopstat_tab_opts *o,
                                     const score_rt *sr, const score_side *sd, size_t sid,
                                     size_t s, qgroup *g, double *ind, long *cells,
                                     lin_term *terms, shopstat_score_estimate *x,
                                     shopstat_error *err)
{
    size_t K = t->q[sr->q].levels.n;
    size_t m = qgroups(t, sr, sd, K, g);
    double p = sr->ps->p;
    x->estimate = qrule_math(g, m, p);
    x->deff = NAN;
    if (isnan(x->estimate))
        return SHOPSTAT_OK;
    if (o->want && !o->want(o->want_ctx, sr->q, s)) {
        x->df = NAN;
        return SHOPSTAT_OK;
    }
    /* I(x <= q): the score of a 0/1 map, whose variance is a mean's (R's svymean of
     * x <= qhat on the domain's design, replicate designs included) */
    for (size_t k = 0; k < K; k++)
        ind[k] = sr->s[k] <= x->estimate;
    score_rt ir = {sr->ps, sr->q, ind, 0, 1, 0, 0};
    score_side f;
    f.c = cells;
    side_set(t, &ir, &f, sid, 0, 0);
    const score_side *fp = &f;
    double sign = 1, var, fm = f.m;
    /* F's variance is 1 - F's: taken from the smaller side's map, whose replicate (or
     * linearised) scores carry no round-off of 1 (F of 1 - 4.3e-10 had a replicate SE of
     * 4.4e-16, the rows above the estimate's 2.1e-18, and so an upper end on the next value
     * where R gives [q, q]: the audit's ext6.R, seed 163) */
    if (fm > 0.5) {
        for (size_t k = 0; k < K; k++)
            ind[k] = !(sr->s[k] <= x->estimate);
        side_set(t, &ir, &f, sid, 0, 0);
    }
    shopstat_status st = sides_var(t, &ir, &fp, &sign, 1, &f.d[0], 1, f.m, terms, &var, err);
    if (st)
        return st;
    f.m = fm;
    if (t->rep && !isfinite(var)) {
        x->no_interval = SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
        return SHOPSTAT_OK;
    }
    if (!(x->df > 0)) { /* (R: qt(., df = 0) is NaN, so both ends and the SE) */
        x->no_interval = SHOPSTAT_NO_INTERVAL_DF0;
        return SHOPSTAT_OK;
    }
    double tq = gsl_cdf_tdist_Pinv(1 - (1 - o->level) / 2, x->df);
    if (!isfinite(tq))
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                  "GSL could not compute the t quantile");
    double se = sqrt(var), lo = f.m - tq * se, hi = f.m + tq * se;
    x->ci_lower = isnan(lo) || lo < 0 ? NAN : qrule_math(g, m, lo);
    x->ci_upper = isnan(hi) || hi > 1 ? NAN : qrule_math(g, m, hi);
    x->se = (x->ci_upper - x->ci_lower) / (2 * tq);
    return SHOPSTAT_OK;
}

/* ---- estimates ---- */

/* Mark e[0..n), one measure's segments, with its decimals: from its values alone, vdec
 * and the width of their range (e's min and max: the question's values, whichever
 * segments are listed), so that every segment and difference prints with one count and a
 * run with other segments prints the same mean with as many decimals. A quantile's
 * estimate and interval ends are values (qrule "math"): its values' own decimals, no more
 * ("9 [8, 11]" hours, not "9.00"). */
static void measure_decimals(shopstat_score_estimate *e, size_t n, int vdec, int quantile)
{
    int dec = quantile || !n ? shopstat_score_measure_decimals(vdec, NAN)
                             : shopstat_score_measure_decimals(vdec, e[0].max - e[0].min);
    for (size_t j = 0; j < n; j++) {
        e[j].measure = 1;
        e[j].measure_decimals = dec;
    }
}

shopstat_status shopstat_score_estimates(const shopstat_totals *t, const shopstat_tab_opts *o,
                                         shopstat_score_estimate **out, size_t *n,
                                         shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_tab_opts defaults;
    if (!o) {
        shopstat_tab_opts_init(&defaults);
        o = &defaults;
    }
    shopstat_status ost = opts_level_check(o->level, err);
    if (ost)
        return ost;
    shopstat_gsl_quiet();
    size_t ns = t->plan->nscores, S = t->nseg_visible;
    score_rt *r = NULL;
    shopstat_status st = scores_resolve(t, &r, err);
    if (st)
        return st;
    size_t maxK = 1;
    for (size_t k = 0; k < ns; k++)
        if (t->q[r[k].q].levels.n > maxK)
            maxK = t->q[r[k].q].levels.n;
    size_t total = 0;
    for (size_t k = 0; k < ns; k++)
        for (size_t s = 0; s < S; s++)
            total += totals_listed(t, r[k].q, t->seg_order[s]);
    shopstat_score_estimate *e = calloc(total ? total : 1, sizeof *e);
    long *cells = malloc(2 * maxK * sizeof *cells), *qcells = malloc(2 * maxK * sizeof *qcells);
    lin_term *terms = malloc(2 * maxK * sizeof *terms);
    qgroup *groups = malloc(maxK * sizeof *groups);
    double *ind = malloc(maxK * sizeof *ind);
    if (!e || !cells || !terms || !qcells || !groups || !ind) {
        st = nomem(err);
        goto fail;
    }
    size_t i = 0, k0 = 0;
    for (size_t k = 0; k < ns; k++) {
        const score_rt *sr = &r[k];
        for (size_t s = 0; s < S; s++) {
            size_t sid = t->seg_order[s];
            if (!totals_listed(t, sr->q, sid))
                continue;
            shopstat_score_estimate *x = &e[i++];
            score_side sd;
            sd.c = cells;
            side_set(t, sr, &sd, sid, 0, 0);
            x->variable = sr->ps->question;
            x->score = sr->ps->name;
            x->segment = t->seg[sid].name;
            x->q = sr->q;
            x->k = k;
            x->s = s;
            x->min = sr->min;
            x->max = sr->max;
            x->base_n = sd.n;
            x->base_weight = sd.W;
            x->eff_base = sd.w2 > 0 ? sd.W * sd.W / sd.w2 : NAN;
            x->estimate = sd.m;
            x->df = totals_cell_df(t, sd.d[0]);
            x->se = x->ci_lower = x->ci_upper = x->deff = NAN;
            x->quantile = sr->ps->kind == SCORE_QUANTILE;
            x->p = x->quantile ? sr->ps->p : 0;
            if (isnan(sd.m))
                continue;
            if (sr->ps->kind == SCORE_QUANTILE) {
                if ((st = quantile_fill(t, o, sr, &sd, sid, s, groups, ind, qcells, terms, x,
                                        err)))
                    goto fail;
                continue;
            }
            if (o->want && !o->want(o->want_ctx, sr->q, s)) {
                x->df = NAN;
                continue;
            }
            const score_side *sp = &sd;
            double sign = 1, var;
            if ((st = sides_var(t, sr, &sp, &sign, 1, &sd.d[0], 1, sd.m, terms, &var, err)))
                goto fail;
            x->se = sqrt(var);
            /* a replicate whose weights of the base cancel (sum to 0): its mean is x/0, the
             * variance Inf or NaN (R's SE NaN); no SE and no interval, as tab's */
            if (t->rep && !isfinite(var)) {
                x->se = NAN;
                x->no_interval = SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
                continue;
            }
            /* R's svymean(deff = "replace"): var / (S^2 / n), S^2 = n/(n-1) sum w (s-m)^2 /
             * sum w, n the rows of positive weight (Taylor) or every row of the subset
             * (replicate: R's svyvar counts them all) */
            double nd = t->rep ? (double)sd.n : (double)sd.npos;
            x->deff = nd >= 2 && sd.S2 > 0 ? var * (nd - 1) / sd.S2 : NAN;
            /* df 0 (a segment within one PSU per stratum, replicate weights of rank 1):
             * R's confint gives NaN; a score that varies gets no interval and a flag, one
             * that does not (two rows or more, all at one score) is exact, as an SE of 0
             * says below. One row is no such evidence: its variance is 0/0 (R: SE 0,
             * confint NaN), so a sector of one site gets no interval, not [m, m]. */
            if (!(x->df > 0) && !(sd.single && sd.npos >= 2)) {
                double whole = shopstat_totals_df(t);
                if (!o->undefined_ok && !(whole > 0)) {
                    char why[400];
                    const char *rows =
                        t->acct.outside_base ? "the rows of the base" : "the design's rows";
                    st = shopstat_error_set(
                        err, SHOPSTAT_EINPUT, NULL, 0, 0,
                        "%s, score '%s', segment '%s': design degrees of freedom are %g for "
                        "the whole design: %s%s, so no score can have an interval%s",
                        x->variable, x->score, x->segment, whole,
                        t->rep ? rep_df_reason(whole, rows, why, sizeof why) : rows,
                        t->rep ? ""
                               : " lie within one PSU per stratum (R's degf: PSUs less strata)",
                        t->rep                 ? ""
                        : t->acct.outside_base ? "; a base over more PSUs gives them"
                                               : "; check design_opts.psu and design_opts.strata");
                    goto fail;
                }
                x->no_interval = SHOPSTAT_NO_INTERVAL_DF0;
                /* (a variance 0 but for round-off, as tab's: rows within one PSU) */
                if (x->se < 1e-12 * fmax(fabs(x->max - x->min), 1)) {
                    x->se = 0;
                    if (!sd.single) /* (one row: no S^2, so no deff, as R's NaN) */
                        x->deff = 0;
                }
                continue;
            }
            if (x->se == 0) {
                x->ci_lower = x->ci_upper = x->estimate;
                continue;
            }
            double tq = gsl_cdf_tdist_Pinv(1 - (1 - o->level) / 2, x->df);
            if (!isfinite(tq)) {
                st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                        "GSL could not compute the t quantile");
                goto fail;
            }
            x->ci_lower = x->estimate - tq * x->se;
            x->ci_upper = x->estimate + tq * x->se;
        }
        if (sr->measure)
            measure_decimals(e + k0, i - k0, sr->vdec, sr->ps->kind == SCORE_QUANTILE);
        k0 = i;
    }
    free(cells);
    free(qcells);
    free(terms);
    free(groups);
    free(ind);
    scores_free(r, ns);
    *out = e;
    *n = i;
    return SHOPSTAT_OK;
fail:
    free(e);
    free(cells);
    free(qcells);
    free(terms);
    free(groups);
    free(ind);
    scores_free(r, ns);
    return st;
}

/* ---- differences ---- */

/* Score sr's difference between the segments of pair pi into *x (its level and variable
 * left to the caller; l = 0): the shared part of shopstat_compare_scores and
 * shopstat_compare_level_set. ca, cb: 2K cells each, terms: 4K. */
static shopstat_status pair_diff(const shopstat_totals *t, const shopstat_compare_opts *o,
                                 const score_rt *sr, size_t pi, double df, long *ca, long *cb,
                                 lin_term *terms, shopstat_difference *x, shopstat_error *err)
{
    size_t q = sr->q;
    shopstat_status st;
    const rt_pair *pr = &t->pairs[pi];
    /* a pair on a subset (a report table's base): its design's df and lonely-PSU
     * strata are those of the subset's rows, as shopstat_compare's */
    long sub = -1;
    double pdf = df;
    if (pr->sub != SIZE_MAX && t->rows_q != SIZE_MAX) {
        sub = totals_cell(t, pr->sub, t->rows_q, SIZE_MAX);
        pdf = totals_cell_df(t, sub);
    }
    score_side A, B;
    A.c = ca;
    B.c = cb;
    side_set(t, sr, &A, pr->a, 0, pr->m);
    if (pr->b == SIZE_MAX)
        side_set(t, sr, &B, pr->a, 1, pr->m);
    else
        side_set(t, sr, &B, pr->b, 0, pr->m);
    x->segment_a = pr->name_a;
    x->segment_b = pr->name_b;
    x->q = q;
    x->l = 0;
    x->pair = pi;
    x->df = pdf;
    x->base_n_a = A.n;
    x->base_n_b = B.n;
    x->eff_base_a = A.w2 > 0 ? A.W * A.W / A.w2 : NAN;
    x->eff_base_b = B.w2 > 0 ? B.W * B.W / B.w2 : NAN;
    x->estimate_a = A.m;
    x->estimate_b = B.m;
    x->difference = A.m - B.m;
    x->se = x->ci_lower = x->ci_upper = x->t = x->p_value = x->p_adjusted = NAN;
    if (!(A.W > 0 && B.W > 0))
        return SHOPSTAT_OK;
    int same = !A.f && !B.f;
    size_t K = t->q[q].levels.n;
    for (size_t l = 0; same && l < K; l++)
        same = totals_same_domain(t, A.c[2 * l], A.d[0], B.c[2 * l], B.d[0]);
    if (same) {
        /* the same rows on both sides: R's difference and SE are 0, t and p NaN */
        x->difference = x->se = x->ci_lower = x->ci_upper = 0;
        return SHOPSTAT_OK;
    }
    const score_side *sides[2] = {&A, &B};
    const double sign[2] = {1, -1};
    double var;
    if ((st = sides_var(t, sr, sides, sign, 2, &sub, sub >= 0, x->difference, terms, &var, err)))
        return st;
    double tq = pdf > 0 ? gsl_cdf_tdist_Pinv(1 - (1 - o->level) / 2, pdf) : NAN;
    if (t->rep && !isfinite(var)) /* (as shopstat_compare's) */
        x->no_interval = SHOPSTAT_NO_INTERVAL_REP_UNDEFINED;
    else
        diff_test(x, var, pdf, tq); /* (as shopstat_compare's) */
    x->p_adjusted = x->p_value; /* (each score x pair is its own family) */
    return SHOPSTAT_OK;
}

shopstat_status shopstat_compare_scores(const shopstat_totals *t, const shopstat_compare_opts *o,
                                        shopstat_difference **out, size_t *n, shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_compare_opts defaults;
    if (!o) {
        shopstat_compare_opts_init(&defaults);
        o = &defaults;
    }
    shopstat_status ost = compare_opts_check(o, err);
    if (ost)
        return ost;
    shopstat_gsl_quiet();
    size_t ns = t->plan->nscores;
    score_rt *r = NULL;
    shopstat_status st = scores_resolve(t, &r, err);
    if (st)
        return st;
    /* a difference of quantiles has no linearised variance (R's svyquantile gives none:
     * svyby's replicates or a bootstrap would), so it is refused, not guessed */
    for (size_t k = 0; k < ns; k++)
        for (size_t pi = 0; pi < t->npairs; pi++)
            if (r[k].ps->kind == SCORE_QUANTILE && pair_on(&t->pairs[pi], r[k].q)) {
                char who[300];
                score_who(r[k].ps, who, sizeof who);
                st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                        "%s: a quantile is estimated per segment, its "
                                        "difference between segments is not tested; take the "
                                        "quantile where no pair compares its question",
                                        who);
                scores_free(r, ns);
                return st;
            }
    size_t maxK = 1;
    for (size_t k = 0; k < ns; k++)
        if (t->q[r[k].q].levels.n > maxK)
            maxK = t->q[r[k].q].levels.n;
    /* (sized by the pairs on each score's question, not every score x pair) */
    size_t total = 0;
    for (size_t k = 0; k < ns; k++)
        for (size_t pi = 0; pi < t->npairs; pi++)
            total += pair_on(&t->pairs[pi], r[k].q);
    shopstat_difference *d = calloc(total ? total : 1, sizeof *d);
    long *ca = malloc(2 * maxK * sizeof *ca), *cb = malloc(2 * maxK * sizeof *cb);
    lin_term *terms = malloc(4 * maxK * sizeof *terms);
    if (!d || !ca || !cb || !terms) {
        st = nomem(err);
        goto fail;
    }
    double df = shopstat_totals_df(t);
    size_t i = 0;
    for (size_t k = 0; k < ns; k++) {
        const score_rt *sr = &r[k];
        for (size_t pi = 0; pi < t->npairs; pi++) {
            if (!pair_on(&t->pairs[pi], sr->q))
                continue;
            if ((st = pair_diff(t, o, sr, pi, df, ca, cb, terms, &d[i], err)))
                goto fail;
            d[i].l = k;
            d[i].level = sr->ps->name;
            d[i].variable = sr->ps->question;
            i++;
        }
    }
    free(ca);
    free(cb);
    free(terms);
    scores_free(r, ns);
    *out = d;
    *n = i;
    return SHOPSTAT_OK;
fail:
    free(d);
    free(ca);
    free(cb);
    free(terms);
    scores_free(r, ns);
    return st;
}

/* A share of levels is a score of 1 for those levels and 0 for the others (a top-2-box, the
 * 0/100 map of --score Q:1-3=0,4-5=100 over 100): its difference and design-based variance
 * are the score's, overlap included (R: svycontrast of the two svymean). */
shopstat_status shopstat_compare_level_set(const shopstat_totals *t, const shopstat_compare_opts *o,
                                           size_t q, const size_t *levels, size_t nlevels,
                                           shopstat_difference **out, size_t *n,
                                           shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    shopstat_error local;
    if (!err)
        err = &local;
    shopstat_compare_opts defaults;
    if (!o) {
        shopstat_compare_opts_init(&defaults);
        o = &defaults;
    }
    shopstat_status ost = compare_opts_check(o, err);
    if (ost)
        return ost;
    if (q >= t->nq || t->q[q].pq->kind != SHOPSTAT_Q_SINGLE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "a share of levels needs a single-choice question");
    const rt_question *rq = &t->q[q];
    size_t K = rq->levels.n;
    for (size_t j = 0; j < nlevels; j++)
        if (levels[j] >= K)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "level %zu of '%s': it has %zu levels", levels[j],
                                      rq->pq->name, K);
    shopstat_gsl_quiet();
    score_rt sr = {NULL, q, NULL, 0, 1, 0, 0};
    sr.s = calloc(K ? K : 1, sizeof *sr.s);
    shopstat_difference *d = calloc(t->npairs ? t->npairs : 1, sizeof *d);
    long *ca = malloc(2 * (K ? K : 1) * sizeof *ca), *cb = malloc(2 * (K ? K : 1) * sizeof *cb);
    lin_term *terms = malloc(4 * (K ? K : 1) * sizeof *terms);
    shopstat_status st = SHOPSTAT_OK;
    if (!sr.s || !d || !ca || !cb || !terms) {
        st = nomem(err);
        goto done;
    }
    for (size_t j = 0; j < nlevels; j++)
        sr.s[rq->order[levels[j]]] = 1; /* (display order to level id) */
    double df = shopstat_totals_df(t);
    size_t i = 0;
    for (size_t pi = 0; pi < t->npairs; pi++) {
        if (!pair_on(&t->pairs[pi], q))
            continue;
        if ((st = pair_diff(t, o, &sr, pi, df, ca, cb, terms, &d[i], err)))
            goto done;
        d[i].variable = rq->pq->name;
        d[i].level = NULL;
        i++;
    }
    *out = d;
    *n = i;
    d = NULL;
done:
    free(sr.s);
    free(d);
    free(ca);
    free(cb);
    free(terms);
    return st;
}
