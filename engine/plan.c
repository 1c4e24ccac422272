/* Plans: the questions, segments, pairs and design columns one pass computes. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static char *dupstr(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static shopstat_status nomem(shopstat_error *err)
{
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

void shopstat_design_opts_init(shopstat_design_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lonely = SHOPSTAT_LONELY_FAIL;
    o->rho = NAN;
    o->repscale = NAN;
    o->mse = -1;
    o->bootstrap_average = NAN;
}

static const char *const lonely_names[] = {"fail", "remove", "certainty", "adjust", "average"};

shopstat_status shopstat_lonely_parse(const char *s, shopstat_lonely_psu *out, shopstat_error *err)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, lonely_names[i]) == 0) {
            *out = (shopstat_lonely_psu)i;
            return SHOPSTAT_OK;
        }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "unknown lonely-PSU rule '%s'; valid rules are fail, remove, "
                              "certainty, adjust, average",
                              s);
}

const char *shopstat_lonely_name(shopstat_lonely_psu l)
{
    return (unsigned)l < 5 ? lonely_names[l] : "?";
}

shopstat_plan *shopstat_plan_new(void)
{
    shopstat_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    shopstat_design_opts_init(&p->design);
    p->segments = calloc(1, sizeof *p->segments);
    if (!p->segments || !(p->segments[0].name = dupstr("all"))) {
        free(p->segments);
        free(p);
        return NULL;
    }
    p->segments[0].kind = SEG_ALL;
    p->nsegments = 1;
    return p;
}

void plan_cond_free(plan_cond *c)
{
    free(c->column);
    for (size_t i = 0; i < c->nvalues; i++)
        free(c->values[i]);
    free(c->values);
    free(c->num);
    free(c->isnum);
}

static void recode_free(plan_recode *r)
{
    free(r->match);
    free(r->level);
    for (size_t i = 0; i < r->nalt; i++)
        free(r->alt_text[i]);
    free(r->alt_text);
    free(r->alt_kind);
    free(r->alt_lo);
    free(r->alt_hi);
}

void shopstat_plan_free(shopstat_plan *p)
{
    if (!p)
        return;
    free((char *)p->design.weight);
    free((char *)p->design.strata);
    free((char *)p->design.psu);
    free((char *)p->design.fpc);
    free((char *)p->design.repweights);
    free((char *)p->design.rscales);
    free((char *)p->design.poststratify);
    free((char *)p->design.population);
    free((char *)p->design.rake);
    for (size_t i = 0; i < p->nquestions; i++) {
        plan_question *q = &p->questions[i];
        free(q->name);
        for (size_t j = 0; j < q->ncolumns; j++)
            free(q->columns[j]);
        free(q->columns);
        for (size_t j = 0; j < q->nrecodes; j++)
            recode_free(&q->recodes[j]);
        free(q->recodes);
        for (size_t j = 0; j < q->ndeclared; j++)
            free(q->declared[j]);
        free(q->declared);
    }
    free(p->questions);
    for (size_t i = 0; i < p->nsegments; i++) {
        plan_segment *s = &p->segments[i];
        free(s->name);
        for (size_t j = 0; j < s->nconds; j++)
            plan_cond_free(&s->conds[j]);
        free(s->conds);
        free(s->by_column);
    }
    free(p->segments);
    for (size_t i = 0; i < p->nbase; i++)
        plan_cond_free(&p->base[i]);
    free(p->base);
    for (size_t i = 0; i < p->nexcl; i++) {
        for (size_t j = 0; j < p->excl[i].nconds; j++)
            plan_cond_free(&p->excl[i].conds[j]);
        free(p->excl[i].conds);
        free(p->excl[i].reason);
    }
    free(p->excl);
    for (size_t i = 0; i < p->npairs; i++) {
        free(p->pairs[i].a);
        free(p->pairs[i].b);
        free(p->pairs[i].within);
        free(p->pairs[i].subset);
        for (size_t j = 0; j < p->pairs[i].nquestions; j++)
            free(p->pairs[i].questions[j]);
        free(p->pairs[i].questions);
    }
    free(p->pairs);
    for (size_t i = 0; i < p->nneeds; i++) {
        free(p->needs[i].question);
        free(p->needs[i].segment);
    }
    free(p->needs);
    plan_scores_free(p);
    free(p);
}

shopstat_status shopstat_plan_set_design(shopstat_plan *p, const shopstat_design_opts *d,
                                         shopstat_error *err)
{
    /* the enums a program sets directly (the program parses names: shopstat_lonely_parse) */
    if ((unsigned)d->lonely > (unsigned)SHOPSTAT_LONELY_AVERAGE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design: unknown lonely-PSU rule %d (shopstat_lonely_psu)",
                                  (int)d->lonely);
    if ((unsigned)d->reptype > (unsigned)SHOPSTAT_REP_JK2)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design: unknown replicate type %d (shopstat_rep_type)",
                                  (int)d->reptype);
    if (!d->poststratify != !d->population)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design_opts.poststratify and design_opts.population go "
                                  "together: the post-strata's columns and their population "
                                  "totals");
    if (d->rake && d->poststratify)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design_opts.rake and design_opts.poststratify together are "
                                  "not supported: give the post-strata as one more margin of "
                                  "the rake");
    if (d->rake && (d->rake_maxit < 0 || !(d->rake_epsilon >= 0)))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "design_opts.rake_maxit must be at least 1 and "
                                  "rake_epsilon above 0 (0: R's 10 and 1)");
    const char *src[9] = {d->weight,       d->strata,      d->psu,
                          d->fpc,          d->repweights,  d->rscales,
                          d->poststratify, d->population,  d->rake};
    const char **dst[9] = {&p->design.weight,       &p->design.strata,
                           &p->design.psu,          &p->design.fpc,
                           &p->design.repweights,   &p->design.rscales,
                           &p->design.poststratify, &p->design.population,
                           &p->design.rake};
    p->design.rake_maxit = d->rake_maxit;
    p->design.rake_epsilon = d->rake_epsilon;
    for (int i = 0; i < 9; i++) {
        free((char *)*dst[i]);
        *dst[i] = NULL;
        if (src[i] && !(*dst[i] = dupstr(src[i])))
            return nomem(err);
    }
    p->design.lonely = d->lonely;
    p->design.reptype = d->reptype;
    p->design.rho = d->rho;
    p->design.repscale = d->repscale;
    p->design.mse = d->mse;
    p->design.bootstrap_average = d->bootstrap_average;
    return SHOPSTAT_OK;
}

static plan_question *find_question(shopstat_plan *p, const char *name)
{
    for (size_t i = 0; i < p->nquestions; i++)
        if (strcmp(p->questions[i].name, name) == 0)
            return &p->questions[i];
    return NULL;
}

static shopstat_status add_question(shopstat_plan *p, const char *name,
                                    shopstat_question_kind kind, const char *const *cols,
                                    size_t ncols, shopstat_error *err)
{
    if (!name || !*name)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "a question needs a name");
    if (find_question(p, name))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' is given twice", name);
    if (ncols == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' names no column", name);
    for (size_t i = 0; i < ncols; i++) {
        if (!cols[i] || !*cols[i])
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "question '%s' has an empty column name", name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[i], cols[j]) == 0)
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "question '%s' lists column '%s' twice", name,
                                          cols[i]);
    }
    plan_question q;
    memset(&q, 0, sizeof q);
    q.kind = kind;
    q.name = dupstr(name);
    q.columns = calloc(ncols, sizeof *q.columns);
    int ok = q.name && q.columns;
    for (size_t i = 0; ok && i < ncols; i++, q.ncolumns++)
        ok = (q.columns[i] = dupstr(cols[i])) != NULL;
    plan_question *nq = ok ? realloc(p->questions, (p->nquestions + 1) * sizeof *nq) : NULL;
    if (!nq) {
        for (size_t i = 0; i < q.ncolumns; i++)
            free(q.columns[i]);
        free(q.columns);
        free(q.name);
        return nomem(err);
    }
    p->questions = nq;
    nq[p->nquestions++] = q;
    /* the rows_only question stays last, out of sight of shopstat_totals_nquestions */
    if (p->nquestions > 1 && nq[p->nquestions - 2].rows_only) {
        nq[p->nquestions - 1] = nq[p->nquestions - 2];
        nq[p->nquestions - 2] = q;
    }
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_add_single(shopstat_plan *p, const char *name, const char *column,
                                         shopstat_error *err)
{
    return add_question(p, name, SHOPSTAT_Q_SINGLE, &column, 1, err);
}

shopstat_status shopstat_plan_add_multi(shopstat_plan *p, const char *name,
                                        const char *const *columns, size_t ncolumns,
                                        shopstat_error *err)
{
    return add_question(p, name, SHOPSTAT_Q_MULTI, columns, ncolumns, err);
}

shopstat_status shopstat_plan_add_multi_ticked(shopstat_plan *p, const char *name,
                                               const char *const *columns, size_t ncolumns,
                                               shopstat_error *err)
{
    shopstat_status st = add_question(p, name, SHOPSTAT_Q_MULTI, columns, ncolumns, err);
    if (!st)
        find_question(p, name)->ticked = 1;
    return st;
}

shopstat_status shopstat_plan_set_none_in_base(shopstat_plan *p, const char *question,
                                               shopstat_error *err)
{
    plan_question *q = find_question(p, question);
    if (!q)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown question '%s'",
                                  question);
    if (q->kind == SHOPSTAT_Q_SINGLE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' is a single-choice question: a row without "
                                  "its answer is missing; a multi-response question (ticked "
                                  "columns, 0/1 columns or codes in one cell) takes this",
                                  question);
    q->none_in_base = 1;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_add_codes(shopstat_plan *p, const char *name, const char *column,
                                        shopstat_error *err)
{
    shopstat_status st = add_question(p, name, SHOPSTAT_Q_CODES, &column, 1, err);
    if (!st)
        find_question(p, name)->sep = p->codes_sep;
    return st;
}

int shopstat_codes_sep_ok(char sep)
{
    /* (pieces are trimmed of blanks and read as codes or labels: a letter, digit or quote
     * would cut them) */
    unsigned char c = (unsigned char)sep;
    return c > ' ' && c < 127 && !isalnum(c) && c != '"';
}

shopstat_status shopstat_plan_set_codes_sep(shopstat_plan *p, const char *question, char sep,
                                            shopstat_error *err)
{
    if (sep && !shopstat_codes_sep_ok(sep))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "a codes separator is one printable character other than a "
                                  "space, a letter, a digit or '\"', such as ';' or '|'");
    if (!question) {
        p->codes_sep = sep;
        for (size_t i = 0; i < p->nquestions; i++)
            if (p->questions[i].kind == SHOPSTAT_Q_CODES)
                p->questions[i].sep = sep;
        return SHOPSTAT_OK;
    }
    plan_question *q = find_question(p, question);
    if (!q)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown question '%s'",
                                  question);
    if (q->kind != SHOPSTAT_Q_CODES)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' is not a codes question: only codes in one "
                                  "cell have a separator",
                                  question);
    q->sep = sep;
    return SHOPSTAT_OK;
}

/* A number in a spec or flag: the whole text must parse, C locale. */
static int parse_num(const char *s, size_t n, double *out)
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

shopstat_status shopstat_plan_declare_level(shopstat_plan *p, const char *question,
                                            const char *level, shopstat_error *err)
{
    plan_question *q = find_question(p, question);
    if (!q)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown question '%s'",
                                  question);
    if (q->kind == SHOPSTAT_Q_MULTI)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' is a multi-response question of columns: its "
                                  "levels are its columns, in the order given",
                                  question);
    /* (once each: the pass puts the declared levels first, ndeclared of them) */
    for (size_t i = 0; i < q->ndeclared; i++)
        if (strcmp(q->declared[i], level) == 0)
            return SHOPSTAT_OK;
    char **nd = realloc(q->declared, (q->ndeclared + 1) * sizeof *nd);
    if (!nd)
        return nomem(err);
    q->declared = nd;
    if (!(nd[q->ndeclared] = dupstr(level)))
        return nomem(err);
    q->ndeclared++;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_add_recode(shopstat_plan *p, const char *question,
                                         const char *match, const char *level,
                                         shopstat_error *err)
{
    plan_question *q = find_question(p, question);
    if (!q)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown question '%s'",
                                  question);
    if (q->kind != SHOPSTAT_Q_SINGLE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s': only single-choice questions can be recoded",
                                  question);
    plan_recode *nr = realloc(q->recodes, (q->nrecodes + 1) * sizeof *nr);
    if (!nr)
        return nomem(err);
    q->recodes = nr;
    plan_recode *r = &nr[q->nrecodes];
    memset(r, 0, sizeof *r);
    q->nrecodes++;
    if (!(r->match = dupstr(match)) || !(r->level = dupstr(level)))
        return nomem(err);
    /* Alternatives separated by ','; each "a-b" (numeric range), ">=x", ">x", "<=x",
     * "<x", or a value compared as text (and numerically when both parse). A quoted
     * alternative is a text as it stands, commas included ("Yes, definitely": a labelled
     * export's answer), "" for a quote, as in CSV. */
    const char *s = match;
    while (1) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *e, *a = s;
        size_t an;
        char *quoted = NULL;
        if (*s == '"') {
            if (!(quoted = malloc(strlen(s))))
                return nomem(err);
            an = 0;
            const char *c = s + 1;
            for (; *c && !(*c == '"' && c[1] != '"'); c++) {
                quoted[an++] = *c;
                if (*c == '"')
                    c++;
            }
            const char *after = *c ? c + 1 : c;
            while (*after == ' ' || *after == '\t')
                after++;
            if (!*c || (*after && *after != ',')) {
                free(quoted);
                return shopstat_error_set(
                    err, SHOPSTAT_EUSAGE, NULL, 0, 0, "recode of '%s': %s", question,
                    *c ? "a quoted value must end its alternative (a ',' after its closing quote)"
                       : "a quote is not closed");
            }
            e = *after ? after : NULL;
            a = quoted;
        } else {
            e = strchr(s, ',');
            an = e ? (size_t)(e - s) : strlen(s);
            trim(&a, &an);
        }
        if (an == 0) {
            free(quoted);
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "recode of '%s': empty value in '%s'", question, match);
        }
        size_t k = r->nalt;
        int *kk = realloc(r->alt_kind, (k + 1) * sizeof *kk);
        if (kk)
            r->alt_kind = kk;
        char **tt = realloc(r->alt_text, (k + 1) * sizeof *tt);
        if (tt)
            r->alt_text = tt;
        double *lo = realloc(r->alt_lo, (k + 1) * sizeof *lo);
        if (lo)
            r->alt_lo = lo;
        double *hi = realloc(r->alt_hi, (k + 1) * sizeof *hi);
        if (hi)
            r->alt_hi = hi;
        char *text = kk && tt && lo && hi ? dupn(a, an) : NULL;
        int is_quoted = quoted != NULL;
        free(quoted);
        if (!text)
            return nomem(err);
        r->alt_text[k] = text;
        r->nalt++;
        double x, y;
        r->alt_kind[k] = 0;
        r->alt_lo[k] = r->alt_hi[k] = NAN;
        if (is_quoted) {
            /* (a text: no range, bracket or number) */
        } else if (an > 2 && (a[0] == '>' || a[0] == '<') && a[1] == '=' &&
                   parse_num(a + 2, an - 2, &x)) {
            r->alt_kind[k] = 1;
            r->alt_lo[k] = a[0] == '>' ? x : -INFINITY;
            r->alt_hi[k] = a[0] == '>' ? INFINITY : x;
        } else if (an > 1 && (a[0] == '>' || a[0] == '<') && parse_num(a + 1, an - 1, &x)) {
            r->alt_kind[k] = 1;
            /* strict: nudge the bound to the next representable double */
            r->alt_lo[k] = a[0] == '>' ? nextafter(x, INFINITY) : -INFINITY;
            r->alt_hi[k] = a[0] == '>' ? INFINITY : nextafter(x, -INFINITY);
        } else if (!parse_num(a, an, &x)) {
            /* "a-b" range: split at a '-' that is not a leading sign */
            for (size_t i = 1; i < an; i++) {
                if (a[i] == '-' && parse_num(a, i, &x) && parse_num(a + i + 1, an - i - 1, &y)) {
                    if (y < x)
                        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                                  "recode of '%s': range '%.*s' is empty",
                                                  question, (int)an, a);
                    r->alt_kind[k] = 1;
                    r->alt_lo[k] = x;
                    r->alt_hi[k] = y;
                    break;
                }
            }
        } else {
            r->alt_lo[k] = r->alt_hi[k] = x;
        }
        if (!e)
            break;
        s = e + 1;
    }
    return SHOPSTAT_OK;
}

int plan_recode_match(const plan_recode *r, const char *s, size_t len)
{
    double x;
    int isnum = parse_num(s, len, &x);
    for (size_t i = 0; i < r->nalt; i++) {
        if (r->alt_kind[i] == 1) {
            if (isnum && x >= r->alt_lo[i] && x <= r->alt_hi[i])
                return 1;
        } else {
            if (strlen(r->alt_text[i]) == len && memcmp(r->alt_text[i], s, len) == 0)
                return 1;
            if (isnum && !isnan(r->alt_lo[i]) && x == r->alt_lo[i])
                return 1;
        }
    }
    return 0;
}

shopstat_status plan_cond_copy(plan_cond *dst, const shopstat_cond *src, shopstat_error *err)
{
    memset(dst, 0, sizeof *dst);
    size_t n = 0;
    while (src->values && src->values[n])
        n++;
    if (n == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "condition on '%s' has no value", src->column);
    if ((unsigned)src->op > (unsigned)SHOPSTAT_OP_LE)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "condition on '%s': unknown operator %d (shopstat_op)",
                                  src->column, (int)src->op);
    if (src->op != SHOPSTAT_OP_IN && src->op != SHOPSTAT_OP_NOT_IN && n != 1) {
        /* '>=499,5' of a European export: the command line split its decimal comma */
        double a, b;
        const char *v0 = src->values[0], *v1 = src->values[1];
        if (n == 2 && parse_num(v0, strlen(v0), &a) && parse_num(v1, strlen(v1), &b) &&
            v1[0] >= '0' && v1[0] <= '9' && strspn(v1, "0123456789") == strlen(v1) &&
            !strchr(v0, '.'))
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "condition on '%s': a comparison takes one value, and "
                                      "'%.40s,%.40s' is two (a ',' separates values): write "
                                      "the number with a decimal point, %.40s.%.40s, whatever "
                                      "the data's decimal mark",
                                      src->column, v0, v1, v0, v1);
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "condition on '%s': a comparison takes one value",
                                  src->column);
    }
    dst->op = src->op;
    dst->column = dupstr(src->column);
    dst->values = calloc(n, sizeof *dst->values);
    dst->num = calloc(n, sizeof *dst->num);
    dst->isnum = calloc(n, sizeof *dst->isnum);
    if (!dst->column || !dst->values || !dst->num || !dst->isnum)
        return nomem(err);
    dst->nvalues = n;
    for (size_t i = 0; i < n; i++) {
        if (!(dst->values[i] = dupstr(src->values[i])))
            return nomem(err);
        dst->isnum[i] = parse_num(src->values[i], strlen(src->values[i]), &dst->num[i]);
        if (src->op != SHOPSTAT_OP_IN && src->op != SHOPSTAT_OP_NOT_IN && !dst->isnum[i])
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "condition on '%s': '%s' is not a number", src->column,
                                      src->values[i]);
    }
    return SHOPSTAT_OK;
}

static shopstat_status check_segment_name(shopstat_plan *p, const char *name, shopstat_error *err)
{
    if (!name || !*name)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "a segment needs a name");
    if (strcmp(name, "rest") == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "'rest' is reserved (it names the complement in a pair A:rest)");
    if (strcmp(name, "all") == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "'all' is reserved (every row; it is always the first segment)");
    for (size_t i = 0; i < p->nsegments; i++)
        if (p->segments[i].kind != SEG_BY && strcmp(p->segments[i].name, name) == 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "segment '%s' is defined twice", name);
    return SHOPSTAT_OK;
}

static plan_segment *push_segment(shopstat_plan *p, shopstat_error *err)
{
    plan_segment *ns = realloc(p->segments, (p->nsegments + 1) * sizeof *ns);
    if (!ns) {
        nomem(err);
        return NULL;
    }
    p->segments = ns;
    plan_segment *s = &ns[p->nsegments++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Copy the conditions into seg (its name, and by_column for SEG_BY, already allocated or
 * NULL when that failed) and append it; on any failure free seg, leaving the plan as it
 * was. */
static shopstat_status append_segment(shopstat_plan *p, plan_segment *seg,
                                      const shopstat_cond *conds, size_t nconds,
                                      shopstat_error *err)
{
    shopstat_status st = SHOPSTAT_OK;
    if (!seg->name || (seg->kind == SEG_BY && !seg->by_column) ||
        (nconds && !(seg->conds = calloc(nconds, sizeof *seg->conds))))
        st = nomem(err);
    for (size_t i = 0; !st && i < nconds; i++) {
        seg->nconds++;
        st = plan_cond_copy(&seg->conds[i], &conds[i], err);
    }
    plan_segment *s = st ? NULL : push_segment(p, err);
    if (!s) {
        free(seg->name);
        free(seg->by_column);
        for (size_t j = 0; j < seg->nconds; j++)
            plan_cond_free(&seg->conds[j]);
        free(seg->conds);
        return st ? st : SHOPSTAT_ENOMEM;
    }
    *s = *seg;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_add_segment(shopstat_plan *p, const char *name,
                                          const shopstat_cond *conds, size_t nconds,
                                          shopstat_error *err)
{
    shopstat_status st = check_segment_name(p, name, err);
    if (st)
        return st;
    /* Build aside and append only when complete: a failed call leaves the plan as it was. */
    plan_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.kind = SEG_COND;
    seg.name = dupstr(name);
    return append_segment(p, &seg, conds, nconds, err);
}

shopstat_status shopstat_plan_add_by(shopstat_plan *p, const char *column, shopstat_error *err)
{
    return shopstat_plan_add_by_where(p, column, NULL, NULL, 0, err);
}

shopstat_status shopstat_plan_add_by_where(shopstat_plan *p, const char *column, const char *tag,
                                           const shopstat_cond *conds, size_t nconds,
                                           shopstat_error *err)
{
    if (!column || !*column)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "by set needs a column");
    if (tag && !*tag)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "a by set with conditions needs a tag");
    if (!tag && nconds)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "by set %s: conditions need a tag to name the set", column);
    plan_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.kind = SEG_BY;
    /* the set's name: COL, or COL@TAG */
    size_t n = strlen(column) + (tag ? strlen(tag) + 1 : 0) + 1;
    if ((seg.name = malloc(n)))
        snprintf(seg.name, n, tag ? "%s@%s" : "%s", column, tag);
    for (size_t i = 0; seg.name && i < p->nsegments; i++)
        if (p->segments[i].kind == SEG_BY && strcmp(p->segments[i].name, seg.name) == 0) {
            free(seg.name);
            return tag ? shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                            "by set %s is given twice for '%s'", column, tag)
                       : shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                            "by set %s is given twice", column);
        }
    if (seg.name)
        seg.by_column = dupstr(column);
    return append_segment(p, &seg, conds, nconds, err);
}

shopstat_status shopstat_plan_add_pair(shopstat_plan *p, const char *a, const char *b,
                                       shopstat_error *err)
{
    return shopstat_plan_add_pair_within(p, a, b, NULL, err);
}

shopstat_status shopstat_plan_add_pair_within(shopstat_plan *p, const char *a, const char *b,
                                              const char *within, shopstat_error *err)
{
    if (!a || !*a || !b || !*b)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "pair needs two segment names, as A:B");
    if (strcmp(a, "rest") == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "'rest' may only stand second, as A:rest");
    if (strcmp(a, b) == 0)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "pair %s:%s compares a segment with itself", a, b);
    plan_pair *np = realloc(p->pairs, (p->npairs + 1) * sizeof *np);
    if (!np)
        return nomem(err);
    p->pairs = np;
    np[p->npairs].a = dupstr(a);
    np[p->npairs].b = dupstr(b);
    np[p->npairs].within = within ? dupstr(within) : NULL;
    np[p->npairs].subset = NULL;
    np[p->npairs].questions = NULL;
    np[p->npairs].nquestions = 0;
    p->npairs++;
    if (!np[p->npairs - 1].a || !np[p->npairs - 1].b || (within && !np[p->npairs - 1].within))
        return nomem(err);
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_pair_subset(shopstat_plan *p, const char *segment, shopstat_error *err)
{
    if (!p->npairs || !segment || !*segment)
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                  "a pair's subset needs a pair and a segment");
    size_t i = 0;
    while (i < p->nquestions && !p->questions[i].rows_only)
        i++;
    if (i == p->nquestions) {
        plan_question *nq = realloc(p->questions, (p->nquestions + 1) * sizeof *nq);
        if (!nq)
            return nomem(err);
        p->questions = nq;
        plan_question *q = &nq[p->nquestions];
        memset(q, 0, sizeof *q);
        q->kind = SHOPSTAT_Q_MULTI;
        q->rows_only = 1;
        /* (a name no spec or flag can give: a question's name is not empty) */
        if (!(q->name = dupstr("")))
            return nomem(err);
        p->nquestions++;
    }
    plan_pair *pp = &p->pairs[p->npairs - 1];
    free(pp->subset);
    return (pp->subset = dupstr(segment)) ? SHOPSTAT_OK : nomem(err);
}

/* The question named name that a caller can name (not the rows_only one), or NULL. */
static const plan_question *caller_question(shopstat_plan *p, const char *name)
{
    const plan_question *q = name ? find_question(p, name) : NULL;
    return q && !q->rows_only ? q : NULL;
}

shopstat_status shopstat_plan_pair_question(shopstat_plan *p, const char *question,
                                            shopstat_error *err)
{
    if (!p->npairs)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "a pair's question needs a pair declared first");
    if (!caller_question(p, question))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "pair %s:%s: unknown question '%s'", p->pairs[p->npairs - 1].a,
                                  p->pairs[p->npairs - 1].b, question ? question : "");
    plan_pair *pp = &p->pairs[p->npairs - 1];
    for (size_t i = 0; i < pp->nquestions; i++)
        if (strcmp(pp->questions[i], question) == 0)
            return SHOPSTAT_OK;
    char **nq = realloc(pp->questions, (pp->nquestions + 1) * sizeof *nq);
    if (!nq)
        return nomem(err);
    pp->questions = nq;
    if (!(nq[pp->nquestions] = dupstr(question)))
        return nomem(err);
    pp->nquestions++;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_need(shopstat_plan *p, const char *question, const char *segment,
                                   shopstat_error *err)
{
    if (!caller_question(p, question))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown question '%s'",
                                  question ? question : "");
    if (!segment || !*segment)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "question '%s' is needed in a segment without a name", question);
    /* (a pair given twice is kept twice: looking for it would make a spec's many tables
     * quadratic, and the pass marks it twice) */
    plan_need *nn = realloc(p->needs, (p->nneeds + 1) * sizeof *nn);
    if (!nn)
        return nomem(err);
    p->needs = nn;
    plan_need *n = &nn[p->nneeds];
    n->question = dupstr(question);
    n->segment = dupstr(segment);
    if (!n->question || !n->segment) {
        free(n->question);
        free(n->segment);
        return nomem(err);
    }
    p->nneeds++;
    return SHOPSTAT_OK;
}

/* Split "NAME=REST" at the first '='. */
static shopstat_status split_name(const char *spec, const char *flag, char **name,
                                  const char **rest, shopstat_error *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "%s '%s': expected NAME=...", flag, spec);
    if (!(*name = dupn(spec, (size_t)(eq - spec))))
        return nomem(err);
    *rest = eq + 1;
    return SHOPSTAT_OK;
}

/* Split s at sep into a NULL-terminated array of trimmed, non-empty strings. */
static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static shopstat_status split_list(const char *s, char sep, const char *flag, const char *spec,
                                  char ***out, size_t *n, shopstat_error *err)
{
    size_t cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == sep;
    char **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return nomem(err);
    size_t k = 0;
    while (1) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '"') {
            /* "a, b": an item holding the separator, "" for a quote (as in CSV) */
            char *item = malloc(strlen(s));
            if (!item) {
                free_list(v, k);
                return nomem(err);
            }
            size_t len = 0;
            const char *c = s + 1;
            for (; *c && !(*c == '"' && c[1] != '"'); c++) {
                item[len++] = *c;
                if (*c == '"')
                    c++;
            }
            item[len] = '\0';
            v[k++] = item;
            if (len == 0) {
                free_list(v, k);
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                          "%s '%s': empty item in the list", flag, spec);
            }
            const char *after = *c ? c + 1 : c;
            while (*after == ' ' || *after == '\t')
                after++;
            if (!*c || (*after && *after != sep)) {
                free_list(v, k);
                return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "%s '%s': %s", flag,
                                          spec,
                                          *c ? "a quoted item must end its item (a separator "
                                               "after its closing quote)"
                                             : "a quote is not closed");
            }
            if (!*after)
                break;
            s = after + 1;
            continue;
        }
        const char *e = strchr(s, sep);
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *a = s;
        trim(&a, &len);
        if (len == 0) {
            free_list(v, k);
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "%s '%s': empty item in the list", flag, spec);
        }
        if (!(v[k++] = dupn(a, len)))
            return nomem(err);
        if (!e)
            break;
        s = e + 1;
    }
    *out = v;
    *n = k;
    return SHOPSTAT_OK;
}

static shopstat_status parse_multi(shopstat_plan *p, const char *spec, int ticked,
                                   shopstat_error *err)
{
    const char *flag = ticked ? "--multi-ticked" : "--multi";
    char *name = NULL, **cols = NULL;
    const char *rest;
    size_t n = 0;
    shopstat_status st = split_name(spec, flag, &name, &rest, err);
    if (!st)
        st = split_list(rest, ',', flag, spec, &cols, &n, err);
    if (!st)
        st = (ticked ? shopstat_plan_add_multi_ticked
                     : shopstat_plan_add_multi)(p, name, (const char *const *)cols, n, err);
    free(name);
    free_list(cols, n);
    return st;
}

shopstat_status shopstat_plan_parse_multi(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    return parse_multi(p, spec, 0, err);
}

shopstat_status shopstat_plan_parse_multi_ticked(shopstat_plan *p, const char *spec,
                                                 shopstat_error *err)
{
    return parse_multi(p, spec, 1, err);
}

shopstat_status shopstat_plan_parse_codes(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    char *name = NULL;
    const char *rest;
    shopstat_status st = split_name(spec, "--multi-codes", &name, &rest, err);
    if (!st && strchr(rest, ','))
        st = shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                "--multi-codes '%s': expected NAME=COLUMN (one column)", spec);
    if (!st)
        st = shopstat_plan_add_codes(p, name, rest, err);
    free(name);
    return st;
}

/* "COL:V1[,V2]" or "COL:>=X" (also >, <, <=, !=) of a --segment or --base: the condition,
 * with its column and values allocated (free with free() and free_list). */
static shopstat_status parse_cond(const char *text, const char *flag, const char *spec,
                                  const char *expected, shopstat_cond *c, char **col, char ***vals,
                                  size_t *nvals, shopstat_error *err)
{
    /* the last ':' outside the quotes of a quoted value ("a: b") */
    const char *colon = NULL;
    size_t quotes = 0;
    for (const char *at = text + strlen(text); at-- > text;) {
        if (*at == '"')
            quotes++;
        else if (*at == ':' && quotes % 2 == 0) {
            colon = at;
            break;
        }
    }
    /* Nothing after the ':' is, most often, "COL:>=8" typed unquoted: the shell took '>' as
     * a redirection (and made a file '=8'), so say to quote it. */
    if (colon && colon != text && !colon[1])
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "%s '%s': no value after ':' (expected %s); quote a condition "
                                  "with > or < for the shell, as in %s '%s>=3', or the shell "
                                  "takes '>' as a redirection to a file",
                                  flag, spec, expected, flag, spec);
    if (!colon || colon == text)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "%s '%s': expected %s", flag,
                                  spec, expected);
    if (!(*col = dupn(text, (size_t)(colon - text))))
        return nomem(err);
    const char *v = colon + 1;
    c->column = *col;
    c->op = SHOPSTAT_OP_IN;
    size_t skip = 0;
    if (v[0] == '>' && v[1] == '=')
        c->op = SHOPSTAT_OP_GE, skip = 2;
    else if (v[0] == '<' && v[1] == '=')
        c->op = SHOPSTAT_OP_LE, skip = 2;
    else if (v[0] == '!' && v[1] == '=')
        c->op = SHOPSTAT_OP_NOT_IN, skip = 2;
    else if (v[0] == '>')
        c->op = SHOPSTAT_OP_GT, skip = 1;
    else if (v[0] == '<')
        c->op = SHOPSTAT_OP_LT, skip = 1;
    else if (v[0] == '=')
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "%s '%s': unknown operator '%.*s' (use >=, >, <=, <, != or "
                                  "the values: COLUMN:V1,V2)",
                                  flag, spec, v[1] == '<' || v[1] == '>' || v[1] == '=' ? 2 : 1, v);
    shopstat_status st = split_list(v + skip, ',', flag, spec, vals, nvals, err);
    c->values = st ? NULL : (const char *const *)*vals;
    return st;
}

shopstat_status shopstat_plan_parse_segment(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    char *name = NULL, *col = NULL, **vals = NULL;
    size_t nvals = 0;
    const char *rest;
    shopstat_status st = split_name(spec, "--segment", &name, &rest, err);
    if (st)
        return st;
    shopstat_cond c;
    st = parse_cond(rest, "--segment", spec, "NAME=COLUMN:VALUES or NAME=COLUMN:>=NUMBER", &c, &col,
                    &vals, &nvals, err);
    if (!st)
        st = shopstat_plan_add_segment(p, name, &c, 1, err);
    free(name);
    free(col);
    free_list(vals, nvals);
    return st;
}

shopstat_status shopstat_plan_add_base(shopstat_plan *p, const shopstat_cond *cond,
                                       shopstat_error *err)
{
    plan_cond *nb = realloc(p->base, (p->nbase + 1) * sizeof *nb);
    if (!nb)
        return nomem(err);
    p->base = nb;
    memset(&nb[p->nbase], 0, sizeof *nb);
    shopstat_status st = plan_cond_copy(&nb[p->nbase], cond, err);
    if (st) {
        plan_cond_free(&nb[p->nbase]);
        return st;
    }
    p->nbase++;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_parse_base(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    char *col = NULL, **vals = NULL;
    size_t nvals = 0;
    shopstat_cond c;
    shopstat_status st =
        parse_cond(spec ? spec : "", "--base", spec ? spec : "", "COLUMN:VALUES or COLUMN:>=NUMBER",
                   &c, &col, &vals, &nvals, err);
    if (!st)
        st = shopstat_plan_add_base(p, &c, err);
    free(col);
    free_list(vals, nvals);
    return st;
}

shopstat_status shopstat_plan_add_exclude(shopstat_plan *p, const shopstat_cond *conds,
                                          size_t nconds, const char *reason, shopstat_error *err)
{
    if (!nconds || !reason || !*reason)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "an exclusion needs a condition and a reason");
    plan_exclude *ne = realloc(p->excl, (p->nexcl + 1) * sizeof *ne);
    if (!ne)
        return nomem(err);
    p->excl = ne;
    plan_exclude *e = &ne[p->nexcl];
    memset(e, 0, sizeof *e);
    shopstat_status st = SHOPSTAT_OK;
    if (!(e->conds = calloc(nconds, sizeof *e->conds)) ||
        !(e->reason = dupn(reason, strlen(reason))))
        st = nomem(err);
    for (size_t j = 0; !st && j < nconds; j++, e->nconds++) {
        /* a length with its unit, "<2min" of EndDate-StartDate:<2min: its seconds */
        shopstat_cond cj = conds[j];
        const char *secs_v[2] = {NULL, NULL};
        char secs[40];
        double x;
        int has_unit = cj.op != SHOPSTAT_OP_IN && cj.op != SHOPSTAT_OP_NOT_IN && cj.values &&
                       cj.values[0] && !cj.values[1] && excl_length_value(cj.values[0], &x);
        if (has_unit) {
            snprintf(secs, sizeof secs, "%.17g", x);
            secs_v[0] = secs;
            cj.values = secs_v;
        }
        st = plan_cond_copy(&e->conds[j], &cj, err);
        e->conds[j].unit = has_unit;
    }
    if (st) {
        for (size_t j = 0; j < e->nconds; j++)
            plan_cond_free(&e->conds[j]);
        free(e->conds);
        free(e->reason);
        return st;
    }
    p->nexcl++;
    return SHOPSTAT_OK;
}

shopstat_status shopstat_plan_add_dedupe(shopstat_plan *p, const char *column, const char *reason,
                                         shopstat_error *err)
{
    if (!column || !*column)
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "shopstat_plan_add_dedupe needs a column (the respondents' id)");
    /* (its condition only binds the column: exclude.c reads the values, not the condition) */
    static const char *const na[] = {"NA", NULL};
    shopstat_cond c = {column, SHOPSTAT_OP_IN, na};
    shopstat_status st = shopstat_plan_add_exclude(p, &c, 1, reason, err);
    if (!st)
        p->excl[p->nexcl - 1].dedupe = 1;
    return st;
}

int plan_dedupes(const shopstat_plan *p)
{
    for (size_t k = 0; p && k < p->nexcl; k++)
        if (p->excl[k].dedupe)
            return 1;
    return 0;
}

shopstat_status shopstat_plan_parse_exclude(shopstat_plan *p, const char *spec, shopstat_error *err)
{
    char *col = NULL, **vals = NULL;
    size_t nvals = 0;
    shopstat_cond c;
    shopstat_status st =
        parse_cond(spec ? spec : "", "--exclude", spec ? spec : "",
                   "COLUMN:VALUES or COLUMN:>=NUMBER", &c, &col, &vals, &nvals, err);
    if (!st)
        st = shopstat_plan_add_exclude(p, &c, 1, spec, err);
    free(col);
    free_list(vals, nvals);
    return st;
}
