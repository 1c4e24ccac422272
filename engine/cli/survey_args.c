/* Parsing of the options tab, compare and chisq share, and running their one pass. */
#include "cli/survey_args.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "shopstat/ci.h"
#include "shopstat/score.h"
#include "shopstat/replicate.h"

static int parse_level(const char *s, double *out)
{
    char *end;
    double x = strtod(s, &end);
    if (!*s || *end || !(x >= SHOPSTAT_LEVEL_MIN && x <= SHOPSTAT_LEVEL_MAX))
        return 0;
    *out = x;
    return 1;
}

/* An unknown option: the flag it is likely a typo of, or the command it belongs to. */
static int unknown_option(const char *cmd, int command, const char *arg)
{
    static const char *const common[] = {
        "--lonely-psu",  "--repweights", "--reptype",      "--rho",   "--repscale",
        "--rscales",     "--mse",        "--no-mse",       "--bootstrap-average", "--var",          "--multi", "--multi-ticked",
        "--multi-codes", "--codes-sep",  "--segment",      "--base",  "--exclude",
        "--format",      "--output",     "--width",      "--none-in-base", "--dedupe", "--poststratify",
        "--population", "--rake", "--rake-maxit", "--rake-epsilon", NULL};
    static const char *const tab[] = {"--by",         "--ci",         "--level",     "--chart",
                                      "--chart-size", "--chart-type", "--title",     "--subtitle",
                                      "--source",     "--sort",       "--zoom",      "--levels",
                                      "--labels",     "--codebook",   "--chart-dpi",
                                      "--chart-decimals", NULL};
    static const char *const cmp[] = {"--pair", "--adjust", "--alpha", NULL};
    static const char *const score[] = {
        "--score",      "--by",       "--level",    "--chart",  "--chart-size",
        "--chart-type", "--title",    "--subtitle", "--source", "--zoom",
        "--labels",     "--codebook", "--chart-dpi", NULL};
    if ((command & ARGS_SCORE) && strncmp(arg, "--sort", 6) == 0 && (!arg[6] || arg[6] == '='))
        return cli_usage_error("%s: --sort: a score chart keeps the segments' order (the order "
                               "of --segment and --by)",
                               cmd);
    const char *near = cli_closest_flag(arg, common);
    if (!near && (command & (ARGS_SCORE | ARGS_COMPARE)))
        near = cli_closest_flag(arg, score);
    if (!near && (command & (ARGS_TAB | ARGS_COMPARE | ARGS_CHISQ)))
        near =
            cli_closest_flag(arg, command & ARGS_CHISQ ? (const char *const[]){"--by", NULL} : tab);
    if (!near && (command & ARGS_COMPARE))
        near = cli_closest_flag(arg, cmp);
    if (near)
        return cli_usage_error("%s: unknown option '%s' (did you mean %s?)", cmd, arg, near);
    char name[64];
    snprintf(name, sizeof name, "%s", arg);
    name[strcspn(name, "=")] = '\0';
    /* words of a spec's design: and of R's svydesign / svrepdesign, too far from the flag to
     * be taken for a typo of it */
    static const struct {
        const char *word, *flag, *where;
    } alias[] = {{"--scale", "--repscale", "a spec's replicates: scale:, R's scale ="},
                 {"--type", "--reptype", "a spec's replicates: type:, R's type ="},
                 {"--replicates", "--repweights", "a spec's replicates:"},
                 {"--prefix", "--repweights", "a spec's replicates: prefix:"},
                 {"--columns", "--repweights", "a spec's replicates: columns:"},
                 {"--repweight", "--repweights", "R's repweights ="},
                 {"--ids", "--psu", "R's svydesign(ids =)"},
                 {"--id", "--psu", "R's svydesign(id =)"},
                 {"--cluster", "--psu", "a clustered sample's PSU"},
                 {"--weights", "--weight", "R's weights ="},
                 {"--stratum", "--strata", "R's strata ="}};
    for (size_t k = 0; k < sizeof alias / sizeof *alias; k++)
        if (strcmp(name, alias[k].word) == 0)
            return cli_usage_error("%s: unknown option '%s': on the command line it is %s (%s)",
                                   cmd, arg, alias[k].flag, alias[k].where);
    for (const char *const *f = cmp; *f; f++)
        if (strcmp(name, *f) == 0)
            return cli_usage_error("%s: %s is an option of 'shopstat compare'", cmd, name);
    if (strcmp(name, "--score") == 0)
        return cli_usage_error("%s: --score is an option of 'shopstat score' and 'shopstat "
                               "compare'",
                               cmd);
    for (const char *const *f = tab; *f; f++)
        if (strcmp(name, *f) == 0)
            return cli_usage_error("%s: %s is an option of 'shopstat tab' and 'shopstat compare'",
                                   cmd, name);
    return cli_usage_error("%s: unknown option '%s' (see 'shopstat help %s')", cmd, arg, cmd);
}

/* The next value of a comma-separated list at *sp (buf's, parsed in place: the value is
 * NUL-terminated there), spaces around it dropped, a value in double quotes holding commas
 * ("" a quote); *lv is the value, *more 1 when a comma follows. 0, or 2 after the usage
 * error naming flag and question q. */
static int next_value(char **sp, const char *flag, const char *q, char **lv, int *more)
{
    char *s = *sp;
    *more = 0;
    while (*s == ' ')
        s++;
    char *o = s; /* (the value is copied over itself: never longer) */
    *lv = s;
    if (*s == '"') {
        for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
            if (*s == '"')
                s++; /* ("" is a quote) */
            *o++ = *s;
        }
        if (*s != '"')
            return cli_usage_error("%s %s: a quote is not closed", flag, q);
        s++;
        while (*s == ' ')
            s++;
        if (*s && *s != ',')
            return cli_usage_error("%s %s: text after a quoted value", flag, q);
    } else {
        for (; *s && *s != ','; s++)
            *o++ = *s;
        while (o > *lv && o[-1] == ' ')
            o--;
    }
    *more = *s == ',';
    if (*more)
        s++;
    *o = '\0';
    *sp = s;
    if (o == *lv)
        return cli_usage_error("%s %s: an empty value", flag, q);
    return 0;
}

/* One --levels value's levels, parsed in place into buf (values NUL-terminated there) and
 * declared in order. 0, or 2 after the usage error. */
/* The --missing flag value that makes level lv of question q no answer: "98" (every
 * column) or "q:98" (the column named as the question, as --var q reads it), or NULL. */
static const char *missing_code_of(const shopstat_csv_opts *o, const char *q, const char *lv)
{
    static char buf[256];
    for (const char *const *m = o->missing; m && *m; m++)
        if (strcmp(*m, lv) == 0)
            return *m;
    for (size_t i = 0; i < o->ncolumn_missing; i++)
        if (strcmp(o->column_missing[i].column, q) == 0)
            for (const char *const *m = o->column_missing[i].codes; m && *m; m++)
                if (strcmp(*m, lv) == 0) {
                    snprintf(buf, sizeof buf, "%.120s:%.120s", q, lv);
                    return buf;
                }
    return NULL;
}

static int declare_one(survey_args *a, const char *q, char *buf, size_t *nlisted)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    char **seen = NULL;
    size_t n = 0;
    int rc = 0;
    char *s = buf;
    /* ", " in the list: a label holding a comma ("Yes, definitely"), split unless quoted */
    int spaced = strstr(buf, ", ") != NULL;
    while (*s && !rc) {
        char *lv;
        int more = 0;
        if ((rc = next_value(&s, "--levels", q, &lv, &more)))
            break;
        for (size_t j = 0; j < n && !rc; j++)
            if (strcmp(seen[j], lv) == 0)
                rc = cli_usage_error("--levels %s: '%s' is given twice%s%s%s", q, lv,
                                     spaced ? " (a level holding a comma is quoted: '" : "",
                                     spaced ? q : "", spaced ? ":\"Yes, definitely\",...')" : "");
        if (rc)
            break;
        char **ns = realloc(seen, (n + 1) * sizeof *ns);
        if (!ns) {
            rc = cli_oom();
            break;
        }
        seen = ns;
        seen[n++] = lv;
        /* (a --missing code is no answer: listed, it would show as one at 0%) */
        const char *mcode = missing_code_of(&a->data_opts.csv, q, lv);
        if (mcode) {
            rc = cli_usage_error("--levels %s: '%s' is a --missing code (%s), no answer: "
                                 "leave it out of --levels, or out of --missing to count it "
                                 "as an answer",
                                 q, lv, mcode);
            break;
        }
        shopstat_status st = shopstat_plan_declare_level(a->plan, q, lv, &err);
        if (st == SHOPSTAT_ENOMEM)
            rc = cli_oom();
        else if (st && strncmp(err.msg, "unknown question", 16) == 0)
            rc = cli_usage_error("--levels %s: no such question (give it with --var %s "
                                 "or --multi-codes %s=COLUMN first)",
                                 q, q, q);
        else if (st)
            rc = cli_usage_error("--levels %s: %s", q, err.msg);
        if (!more && !*s)
            break;
    }
    if (!rc && !n)
        rc = cli_usage_error("--levels %s: no value", q);
    free(seen);
    *nlisted = n;
    return rc;
}

/* Append v to the list *list of *n (argv's strings). 0, or 1 after "out of memory". */
static int push_arg(const char ***list, size_t *n, const char *v)
{
    const char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl)
        return cli_oom();
    *list = nl;
    nl[(*n)++] = v;
    return 0;
}

/* --score Q[:MAP]: the single-choice question Q (column Q) unless --var gave it, and its
 * score. 0, or the exit status after the error. */
static int declare_scores(survey_args *a)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    for (size_t i = 0; i < a->nscores; i++) {
        const char *v = a->scores[i];
        size_t qn = shopstat_score_question_len(v);
        int given = 0;
        for (size_t j = 0; j < a->nvars && !given; j++)
            given = strlen(a->vars[j]) == qn && strncmp(a->vars[j], v, qn) == 0;
        for (size_t j = 0; j < i && !given; j++)
            given = strncmp(a->scores[j], v, qn) == 0 &&
                    shopstat_score_question_len(a->scores[j]) == qn;
        if (!given && qn > 0) {
            char *q = strndup(v, qn);
            if (!q)
                return cli_oom();
            /* (a --multi of that name: shopstat_plan_add_score says what is wrong) */
            shopstat_status st = shopstat_plan_add_single(a->plan, q, q, &err);
            free(q);
            if (st == SHOPSTAT_ENOMEM)
                return cli_fail(&err);
        }
        if (shopstat_plan_parse_score(a->plan, v, &err))
            return cli_fail(&err);
    }
    return 0;
}

/* --none-in-base Q: the multi-response question Q (given by --multi-ticked, --multi-codes
 * or --multi, before or after) counts the rows ticking none in its base. 0, or 2 after the
 * usage error. */
static int declare_none_in_base(survey_args *a)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    for (size_t i = 0; i < a->nnone_in_base; i++) {
        const char *q = a->none_in_base[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->none_in_base[j], q) == 0)
                return cli_usage_error("--none-in-base %s is given twice", q);
        shopstat_status st = shopstat_plan_set_none_in_base(a->plan, q, &err);
        if (st && strncmp(err.msg, "unknown question", 16) == 0)
            return cli_usage_error("--none-in-base %s: no such question (give it with "
                                   "--multi-ticked %s=COL1,..., --multi-codes %s=COLUMN or "
                                   "--multi %s=COL1,...)",
                                   q, q, q, q);
        if (st)
            return cli_usage_error("--none-in-base %s: %s", q, err.msg);
    }
    return 0;
}

/* Append the label item q:code=text (copies). 0, or 2 after the usage error. */
static int push_label(survey_args *a, const char *q, size_t qlen, const char *code, size_t clen,
                      const char *text, size_t tlen)
{
    size_t k = a->nlabel_items + 1;
    char **nq = realloc(a->label_q, k * sizeof *nq);
    if (nq)
        a->label_q = nq;
    char **nc = nq ? realloc(a->label_code, k * sizeof *nc) : NULL;
    if (nc)
        a->label_code = nc;
    char **nt = nc ? realloc(a->label_text, k * sizeof *nt) : NULL;
    if (nt)
        a->label_text = nt;
    char *cq = nt ? strndup(q, qlen) : NULL, *cc = cq ? strndup(code, clen) : NULL,
         *ct = cc ? strndup(text, tlen) : NULL;
    if (!ct) {
        free(cq);
        free(cc);
        return cli_oom();
    }
    a->label_q[a->nlabel_items] = cq;
    a->label_code[a->nlabel_items] = cc;
    a->label_text[a->nlabel_items++] = ct;
    return 0;
}

/* --codebook FILE: a panel's value labels (shopstat_codebook_read: variable, value, label;
 * SPSS's value-label table, the variable named on its first value's line). Read into label
 * items after the --labels ones (which win: shown_level takes them first), labelling the
 * questions named as a variable; the others, and codes no row holds (a declared missing
 * 99), are no error (check_labels). 0, or 2 after the error. */
static int read_codebook(survey_args *a)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_codebook *cb = NULL;
    if (shopstat_codebook_read(a->codebook, &cb, &err))
        return cli_fail(&err);
    int rc = 0;
    for (size_t i = 0; i < shopstat_codebook_n(cb) && !rc; i++) {
        const shopstat_value_label *e = shopstat_codebook_entry(cb, i);
        rc = push_label(a, e->variable, strlen(e->variable), e->value, strlen(e->value), e->label,
                        strlen(e->label));
    }
    shopstat_codebook_free(cb);
    return rc;
}

/* --labels Q:CODE=LABEL,...: how the command line shows question Q's levels, as a spec's
 * values: (a ticked question's codes are its columns: contact_1=E-mail); items split as
 * --levels' values (an item in double quotes may hold a comma), each at its first '='.
 * Checked against the data after the pass (check_labels). 0, or 2 after the usage error. */
static int parse_labels(survey_args *a)
{
    for (size_t i = 0; i < a->nlabels; i++) {
        const char *v = a->labels[i], *colon = strchr(v, ':');
        if (!colon || colon == v || !colon[1])
            return cli_usage_error("--labels '%s': expected QUESTION:CODE=LABEL,... (a level "
                                   "of the question, or a ticked question's column, and how to "
                                   "show it)",
                                   v);
        char *q = strndup(v, (size_t)(colon - v)), *buf = strdup(colon + 1);
        int rc = q && buf ? 0 : cli_oom();
        char *s = buf;
        while (!rc && s && *s) {
            char *item;
            int more = 0;
            if ((rc = next_value(&s, "--labels", q, &item, &more)))
                break;
            char *eq = strchr(item, '=');
            if (!eq || eq == item || !eq[1]) {
                rc = cli_usage_error("--labels %s: '%s' is not CODE=LABEL", q, item);
                break;
            }
            *eq = '\0';
            for (size_t j = 0; j < a->nlabel_items && !rc; j++)
                if (strcmp(a->label_q[j], q) == 0 && strcmp(a->label_code[j], item) == 0)
                    rc = cli_usage_error("--labels %s: '%s' is labelled twice", q, item);
            if (rc)
                break;
            if ((rc = push_label(a, q, strlen(q), item, strlen(item), eq + 1, strlen(eq + 1))))
                break;
            if (!more)
                break;
        }
        free(q);
        free(buf);
        if (rc)
            return rc;
    }
    return 0;
}

/* --levels Q:V1,V2,...: the levels of a --var or --multi-codes question, in this order,
 * each shown whether rows hold it or not (a spec's values:): a scale's every point, so that
 * a Likert chart finds its middle. Values are separated by commas, spaces around them
 * dropped; a value in double quotes may hold a comma; any number of values, of any length.
 * 0, or 2 after the usage error. */
static int declare_levels(survey_args *a)
{
    if (a->nlevels && !(a->nlisted = calloc(a->nlevels, sizeof *a->nlisted)))
        return cli_oom();
    for (size_t i = 0; i < a->nlevels; i++) {
        const char *v = a->levels[i], *colon = strchr(v, ':');
        if (!colon || colon == v || !colon[1])
            return cli_usage_error("--levels '%s': expected QUESTION:V1,V2,... (the levels "
                                   "of a --var or --multi-codes question, in order)",
                                   v);
        size_t qn = (size_t)(colon - v);
        for (size_t j = 0; j < i; j++)
            if (strncmp(a->levels[j], v, qn + 1) == 0)
                return cli_usage_error("--levels %.*s is given twice", (int)qn, v);
        char *q = strndup(v, qn), *buf = strdup(colon + 1);
        int rc =
            q && buf ? declare_one(a, q, buf, &a->nlisted[i]) : cli_oom();
        free(q);
        free(buf);
        if (rc)
            return rc;
    }
    return 0;
}

/* Whether --pair V stood among the arguments before argument at (as --pair V or --pair=V):
 * the same pair twice wrote every difference twice. */
static int pair_given_before(char **argv, int at, const char *v)
{
    for (int j = 1; j < at; j++)
        if ((strcmp(argv[j], "--pair") == 0 && j + 1 < at && strcmp(argv[j + 1], v) == 0) ||
            (strncmp(argv[j], "--pair=", 7) == 0 && strcmp(argv[j] + 7, v) == 0))
            return 1;
    return 0;
}

int survey_args_parse(survey_args *a, int argc, char **argv, int command)
{
    memset(a, 0, sizeof *a);
    cli_data_opts_init(&a->data_opts);
    shopstat_tab_opts_init(&a->tab);
    a->adjust = SHOPSTAT_ADJUST_HOLM;
    a->alpha = 0.05;
    a->alpha_low = 0.10;
    a->width = -1;
    a->plan = shopstat_plan_new();
    if (!a->plan)
        return cli_oom();
    shopstat_error err;
    shopstat_error_clear(&err);
    const char *cmd = argv[0];
    static const char *const design_once[] = {"--format",       "-o|--output",  "--width",  "--codes-sep",
                                              "--poststratify", "--population", "--rake-maxit",
                                              "--rake-epsilon", NULL};
    static const char *const tab_once[] = {
        "--ci",         "--level",     "--chart",    "--chart-size",
        "--chart-type", "--title",     "--subtitle", "--source",
        "--sort",       "--chart-dpi", "--chart-decimals", NULL};
    static const char *const compare_once[] = {"--adjust", "--alpha", NULL};
    static const char *const chisq_once[] = {"--by", NULL};
    if (cli_reject_repeats(argc, argv, cli_data_once) ||
        cli_reject_repeats(argc, argv, cli_design_once) ||
        cli_reject_repeats(argc, argv, design_once) ||
        ((command & (ARGS_TAB | ARGS_COMPARE)) && cli_reject_repeats(argc, argv, tab_once)) ||
        ((command & ARGS_COMPARE) && cli_reject_repeats(argc, argv, compare_once)) ||
        ((command & ARGS_CHISQ) && cli_reject_repeats(argc, argv, chisq_once)) ||
        ((command & ARGS_SCORE) &&
         cli_reject_repeats(argc, argv,
                            (const char *const[]){"--level", "--chart", "--chart-size",
                                                  "--chart-type", "--title", "--subtitle",
                                                  "--source", "--chart-dpi", NULL})))
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const int at = i; /* (FLAG moves i past a separate value) */
        const char *v = NULL;
        int m = 0;
#define FLAG(name) ((v = NULL), (m = cli_flag_value(argc, argv, &i, name, &v)) != 0)
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (a->data)
                return cli_usage_error("%s: more than one data file ('%s' and '%s')", cmd,
                                       a->data, arg);
            a->data = arg;
            continue;
        }
        int dm = cli_data_opt(&a->data_opts, argc, argv, &i);
        if (dm < 0)
            return dm == -2 ? 1 : 2; /* (-2: out of memory) */
        if (dm > 0)
            continue;
        if ((dm = cli_design_opt(&a->data_opts, argc, argv, &i)) < 0)
            return 2;
        if (dm > 0)
            continue;
        if (FLAG("--poststratify")) {
            if (v && !*v)
                return cli_usage_error("--poststratify needs a column name, or several "
                                       "separated by commas");
            a->data_opts.design.poststratify = v;
        } else if (FLAG("--population")) {
            if (v && !*v)
                return cli_usage_error("--population needs a file name");
            a->data_opts.design.population = v;
        } else if (FLAG("--rake")) {
            if (v && (!strchr(v, '=') || *v == '=' || v[strlen(v) - 1] == '=' ||
                      strchr(v, '\n')))
                return cli_usage_error("--rake needs COL=FILE or COL,COL=FILE (a margin's "
                                       "columns and the file of its population totals), not "
                                       "'%s'",
                                       v);
            if (v) {
                size_t old = a->rake ? strlen(a->rake) : 0, n = strlen(v);
                char *b = realloc(a->rake, old + n + 2);
                if (!b)
                    return cli_oom();
                if (old)
                    b[old++] = '\n';
                memcpy(b + old, v, n + 1);
                a->rake = b;
                a->data_opts.design.rake = b;
            }
        } else if (FLAG("--rake-maxit")) {
            char *end;
            long x = v ? strtol(v, &end, 10) : 1;
            if (v && (!*v || *end || x < 1 || x > 100000))
                return cli_usage_error("--rake-maxit needs a whole number of rounds from 1 to "
                                       "100000 (R's maxit; default 10), not '%s'",
                                       v);
            a->data_opts.design.rake_maxit = (int)x;
        } else if (FLAG("--rake-epsilon")) {
            char *end;
            double x = v ? strtod(v, &end) : 1;
            if (v && (!*v || *end || !(x > 0) || !isfinite(x)))
                return cli_usage_error("--rake-epsilon needs a number above 0 (R's epsilon: in "
                                       "weight units, below 1 a fraction of the weights' sum; "
                                       "default 1), not '%s'",
                                       v);
            a->data_opts.design.rake_epsilon = x;
        } else if (FLAG("--var")) {
            if (v && shopstat_plan_add_single(a->plan, v, v, &err))
                return cli_fail(&err);
            if (v && push_arg(&a->vars, &a->nvars, v))
                return 1; /* (out of memory: exit 1) */
            a->nquestions++;
        } else if ((command & (ARGS_SCORE | ARGS_COMPARE)) && FLAG("--score")) {
            if (v && push_arg(&a->scores, &a->nscores, v))
                return 1; /* (out of memory: exit 1) */
        } else if (FLAG("--multi")) {
            if (v && shopstat_plan_parse_multi(a->plan, v, &err))
                return cli_fail(&err);
            a->nquestions++;
        } else if (FLAG("--multi-ticked")) {
            if (v && shopstat_plan_parse_multi_ticked(a->plan, v, &err))
                return cli_fail(&err);
            a->nquestions++;
        } else if (FLAG("--none-in-base")) {
            if (v && push_arg(&a->none_in_base, &a->nnone_in_base, v))
                return 1; /* (out of memory: exit 1) */
        } else if (FLAG("--multi-codes")) {
            if (v && shopstat_plan_parse_codes(a->plan, v, &err))
                return cli_fail(&err);
            if (v && push_arg(&a->codes, &a->ncodes, v))
                return cli_oom();
            a->nquestions++;
        } else if (FLAG("--codes-sep")) {
            char sep;
            if (v && cli_codes_sep(v, &sep))
                return 2;
            if (v && shopstat_plan_set_codes_sep(a->plan, NULL, sep, &err))
                return cli_fail(&err);
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--by")) {
            if (v && shopstat_plan_add_by(a->plan, v, &err))
                return cli_fail(&err);
            if (v && a->nby < 2)
                a->by[a->nby] = v;
            a->nby += v != NULL;
        } else if ((command & ARGS_CHISQ) && FLAG("--by")) {
            a->chisq_by = v;
        } else if (FLAG("--segment")) {
            if (v && shopstat_plan_parse_segment(a->plan, v, &err))
                return cli_fail(&err);
            const char **ns = v ? realloc(a->segments, (a->nsegments + 1) * sizeof *ns) : NULL;
            if (v && !ns)
                return cli_oom();
            if (v) {
                a->segments = ns;
                a->segments[a->nsegments++] = v;
            }
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--labels")) {
            if (v && push_arg(&a->labels, &a->nlabels, v))
                return 1; /* (out of memory: exit 1) */
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--codebook")) {
            if (v && a->codebook)
                return cli_usage_error("--codebook is given twice ('%s', '%s'): one codebook "
                                       "a run",
                                       a->codebook, v);
            a->codebook = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--levels")) {
            const char **nl = v ? realloc(a->levels, (a->nlevels + 1) * sizeof *nl) : NULL;
            if (v && !nl)
                return cli_oom();
            if (v) {
                a->levels = nl;
                a->levels[a->nlevels++] = v;
            }
        } else if (FLAG("--exclude")) {
            if (v && shopstat_plan_parse_exclude(a->plan, v, &err))
                return cli_fail(&err);
        } else if (FLAG("--dedupe")) {
            int drc = v ? cli_dedupe(a->plan, v) : 0;
            if (drc)
                return drc;
        } else if (FLAG("--base")) {
            if (v) {
                if (shopstat_plan_parse_base(a->plan, v, &err))
                    return cli_fail(&err);
                size_t n = (a->base ? strlen(a->base) + 5 : 0) + strlen(v) + 1;
                char *b = malloc(n);
                if (!b)
                    return cli_oom();
                snprintf(b, n, "%s%s%s", a->base ? a->base : "", a->base ? " and " : "", v);
                free(a->base);
                a->base = b;
            }
        } else if ((command & (ARGS_TAB | ARGS_COMPARE)) && FLAG("--ci")) {
            if (v && shopstat_ci_method_parse(v, &a->tab.ci, &err))
                return cli_fail(&err);
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--level")) {
            if (v && !parse_level(v, &a->tab.level))
                return cli_usage_error("--level takes a number from %g to %g, such as 0.95, "
                                       "not '%s'",
                                       SHOPSTAT_LEVEL_MIN, SHOPSTAT_LEVEL_MAX, v);
        } else if (FLAG("--format")) {
            if (!v)
                ;
            else if (strcmp(v, "csv") == 0)
                a->format = FMT_CSV;
            else if (strcmp(v, "json") == 0)
                a->format = FMT_JSON;
            else if (strcmp(v, "table") == 0)
                a->format = FMT_TABLE;
            else
                return cli_usage_error("--format takes csv, json or table, not '%s'", v);
        } else if (FLAG("-o") || FLAG("--output")) {
            a->output = v;
        } else if (FLAG("--width")) {
            if (v && cli_parse_width(v, &a->width))
                return 2;
        } else if ((command & ARGS_COMPARE) && FLAG("--pair")) {
            if (v) {
                const char *colon = strchr(v, ':');
                if (!colon)
                    return cli_usage_error("--pair takes A:B (two segment names), not '%s'", v);
                if (pair_given_before(argv, at, v))
                    return cli_usage_error("--pair %s is given twice", v);
                char *left = strndup(v, (size_t)(colon - v));
                if (!left)
                    return cli_oom();
                shopstat_status st = shopstat_plan_add_pair(a->plan, left, colon + 1, &err);
                free(left);
                if (st)
                    return cli_fail(&err);
                a->npairs++;
            }
        } else if ((command & ARGS_COMPARE) && FLAG("--adjust")) {
            if (v && shopstat_adjust_parse(v, &a->adjust, &err))
                return cli_fail(&err);
        } else if ((command & ARGS_COMPARE) && FLAG("--alpha")) {
            if (v) {
                /* "0.05" or "0.05,0.10": upper-case and lower-case letter levels */
                char *end;
                double x = strtod(v, &end), y = a->alpha_low;
                if (*end == ',')
                    y = strtod(end + 1, &end);
                /* (as the spec's alpha: a significance level above 0.5 is no test) */
                if (*end || !(x > 0 && x <= 0.5) || !(y > 0 && y <= 0.5))
                    return cli_usage_error("--alpha takes a level in (0, 0.5] such as 0.05, or "
                                           "two such as 0.05,0.10, not '%s'",
                                           v);
                a->alpha = x;
                a->alpha_low = y > x ? y : x;
            }
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--chart")) {
            a->chart = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--chart-size")) {
            a->chart_size = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--chart-dpi")) {
            a->chart_dpi = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE)) && FLAG("--chart-decimals")) {
            a->chart_decimals = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--chart-type")) {
            a->chart_type = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--title")) {
            a->title = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--subtitle")) {
            a->subtitle = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) && FLAG("--source")) {
            a->source = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE)) && FLAG("--sort")) {
            a->sort = v;
        } else if ((command & (ARGS_TAB | ARGS_COMPARE | ARGS_SCORE)) &&
                   strcmp(arg, "--zoom") == 0) {
            a->zoom = 1;
        } else {
            return unknown_option(cmd, command, arg);
        }
        if (m < 0)
            return 2;
#undef FLAG
    }
    if (!a->data)
        return cli_usage_error("%s: no data file given (see 'shopstat help %s')", cmd, cmd);
    int rc = declare_scores(a);
    if (rc)
        return rc;
    if (declare_levels(a) || declare_none_in_base(a) || parse_labels(a))
        return 2;
    a->codebook_first = a->nlabel_items;
    if (a->codebook && (rc = read_codebook(a)))
        return rc;
    if (cli_design_check(&a->data_opts.design))
        return 2;
    if (!a->data_opts.design.poststratify != !a->data_opts.design.population)
        return cli_usage_error("%s: %s needs %s too (the post-strata's columns and the file of "
                               "their population totals)",
                               cmd,
                               a->data_opts.design.poststratify ? "--poststratify"
                                                                : "--population",
                               a->data_opts.design.poststratify ? "--population"
                                                                : "--poststratify");
    if ((a->data_opts.design.rake_maxit || a->data_opts.design.rake_epsilon) &&
        !a->data_opts.design.rake)
        return cli_usage_error("%s: %s tunes --rake, which is not given", cmd,
                               a->data_opts.design.rake_maxit ? "--rake-maxit"
                                                              : "--rake-epsilon");
    if (shopstat_plan_set_design(a->plan, &a->data_opts.design, &err))
        return cli_fail(&err);
    if (cli_check_output(a->output, a->data) || cli_check_output(a->chart, a->data) ||
        cli_check_outputs_differ(a->output, "-o", a->chart, "--chart"))
        return 2;
    shopstat_rep_note(&a->data_opts.design, a->rep_note, sizeof a->rep_note);
    return 0;
}

void survey_args_free(survey_args *a)
{
    shopstat_plan_free(a->plan);
    cli_data_opts_free(&a->data_opts);
    free(a->rake);
    a->rake = NULL;
    a->data_opts.design.rake = NULL;
    a->plan = NULL;
    free(a->base);
    a->base = NULL;
    free(a->segments);
    a->segments = NULL;
    a->nsegments = 0;
    free(a->levels);
    a->levels = NULL;
    free(a->nlisted);
    a->nlisted = NULL;
    for (size_t i = 0; i < a->nlabel_items; i++) {
        free(a->label_q[i]);
        free(a->label_code[i]);
        free(a->label_text[i]);
    }
    free(a->label_q);
    free(a->label_code);
    free(a->label_text);
    a->label_q = a->label_code = a->label_text = NULL;
    a->nlabel_items = 0;
    free(a->labels);
    a->labels = NULL;
    a->nlabels = 0;
    a->nlevels = 0;
    free(a->scores);
    a->scores = NULL;
    a->nscores = 0;
    free(a->none_in_base);
    a->none_in_base = NULL;
    a->nnone_in_base = 0;
    free(a->vars);
    free(a->codes);
    a->codes = NULL;
    a->ncodes = 0;
    a->vars = NULL;
    a->nvars = 0;
}

void survey_args_warn_empty(const survey_args *a, const char *name, const char *then)
{
    const char *given = survey_args_segment_given(a, name);
    if (!given) {
        cli_warn("segment '%s' has no rows in any base; %s", name, then);
        return;
    }
    const char *colon = strchr(given, ':');
    int ncol = colon ? (int)(colon - given) : (int)strlen(given);
    cli_warn("segment '%s' (%s) has no rows in any base; %s; 'shopstat describe %s' lists "
             "the values of %.*s",
             name, given, then, a->data, ncol, given);
}

/* qs[0..n) joined by ", " into list (cut short at its size) */
static void join_names(const char *const *qs, size_t n, char *list, size_t size)
{
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        int w = snprintf(list + len, size - len, "%s%s", i ? ", " : "", qs[i]);
        len += w > 0 ? (size_t)w : 0;
    }
}

void survey_args_warn_df0(const shopstat_totals *t, const char *name, const char *const *qs,
                          size_t n, const char *what)
{
    if (!n)
        return;
    char list[600];
    join_names(qs, n, list, sizeof list);
    cli_warn("segment '%s' has design df 0 in %s: %s, so its %s there have no design-based "
             "interval (left empty)",
             name, list, shopstat_totals_df0_reason(t), what);
}

void survey_args_warn_rep_undefined(const char *name, const char *const *qs, size_t n)
{
    if (!n)
        return;
    char list[600];
    join_names(qs, n, list, sizeof list);
    cli_warn("segment '%s': in %s the weights of the base sum to 0 in some replicate (the "
             "replicate weights cancel), so its replicate estimates are undefined: no SE and no "
             "interval (left empty)",
             name, list);
}

const char *survey_args_segment_given(const survey_args *a, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < a->nsegments; i++)
        if (strncmp(a->segments[i], name, n) == 0 && a->segments[i][n] == '=')
            return a->segments[i] + n + 1;
    return NULL;
}

/* "'a', 'b', 'c' and more": the first three of n values. */
static void value_list(char *buf, size_t cap, size_t n, const char *const *first)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 3 && at < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s'%.40s'", i ? ", " : "", first[i]);
    if (n > 3 && at < cap)
        snprintf(buf + at, cap - at, " and more");
}

/* The n codes (two to four) as words, "98 and 99" or "97, 98 and 99", and as a --missing
 * list, "98,99". */
static void code_words(const char *const *codes, size_t n, char *words, size_t wcap, char *list,
                       size_t lcap)
{
    size_t w = 0, l = 0;
    words[0] = list[0] = '\0';
    for (size_t i = 0; i < n && w < wcap && l < lcap; i++) {
        const char *before = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        w += (size_t)snprintf(words + w, wcap - w, "%s%.20s", before, codes[i]);
        l += (size_t)snprintf(list + l, lcap - l, "%s%.20s", i ? "," : "", codes[i]);
    }
}

/* A --levels list of which no row holds some levels while rows hold levels it does not list
 * is likely the wrong codes (labels for a column of codes, a typo): warn as a spec's
 * values: is warned of. Its levels come first in the question's order (the plan keeps
 * declared levels first). */
static void warn_levels(const survey_args *a, const shopstat_totals *t)
{
    for (size_t i = 0; i < a->nlevels; i++) {
        size_t qn = (size_t)(strchr(a->levels[i], ':') - a->levels[i]);
        for (size_t q = 0; q < shopstat_totals_nquestions(t); q++) {
            const char *name = shopstat_totals_question(t, q);
            if (strlen(name) != qn || strncmp(name, a->levels[i], qn) != 0)
                continue;
            const char *none[3], *extra[3];
            size_t nnone = 0, nextra = 0, nl = shopstat_totals_nlevels(t, q);
            for (size_t l = 0; l < nl; l++) {
                size_t rows = shopstat_totals_level_rows(t, q, l);
                const char *lv = shopstat_totals_level(t, q, l);
                if (l < a->nlisted[i] && rows == 0) {
                    if (nnone < 3)
                        none[nnone] = lv;
                    nnone++;
                } else if (l >= a->nlisted[i] && rows > 0) {
                    if (nextra < 3)
                        extra[nextra] = lv;
                    nextra++;
                }
            }
            if (nnone && nextra) {
                char x[200], y[200];
                value_list(x, sizeof x, nnone, none);
                value_list(y, sizeof y, nextra, extra);
                cli_warn("--levels %s: no row holds %s of the levels it lists, and rows hold "
                         "%s, which it does not list; check the values ('shopstat describe' lists "
                         "a column's values)",
                         name, x, y);
            }
        }
    }
}

/* Each question whose levels hold a negative non-answer code (Qualtrics' -99) among codes
 * of 0 or more, --missing not given for it: shown as an answer, in the base. Say so, once a
 * question, in the words report uses too (shopstat_nonanswer_warning). */
static void warn_nonanswer_levels(const shopstat_totals *t)
{
    char msg[600];
    for (size_t q = 0; q < shopstat_totals_nquestions(t); q++)
        if (shopstat_nonanswer_warning(t, q, 0, msg, sizeof msg))
            cli_warn("%s", msg);
}

/* Whether the Q of a --labels item stands for question name: the name itself, or a list
 * of names and patterns, q1_sat,q2_price or 'q*_sat' (an SPSS export's grid, one set of
 * value labels for its items). */
static int labels_for(const char *lq, const char *name)
{
    if (strcmp(lq, name) == 0)
        return 1;
    if (!strpbrk(lq, ",*?["))
        return 0;
    size_t n = strlen(name);
    for (const char *p = lq; *p;) {
        size_t len = strcspn(p, ",");
        char item[256];
        if (len < sizeof item) {
            memcpy(item, p, len);
            item[len] = '\0';
            if ((len == n && memcmp(p, name, n) == 0) ||
                (strpbrk(item, "*?[") && fnmatch(item, name, 0) == 0))
                return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/* Every --labels item names a question and one of its levels (a ticked question's column):
 * one that does not is a usage error listing the levels. A list or pattern of questions
 * must name one question at least, and its code be a level of one of them (an item of a
 * grid that no row answered 99). 0, or 2 after the error. */
static int check_labels(const survey_args *a, const shopstat_totals *t)
{
    for (size_t i = 0; i < a->codebook_first; i++) {
        size_t q = 0, nq = shopstat_totals_nquestions(t);
        while (q < nq && strcmp(shopstat_totals_question(t, q), a->label_q[i]) != 0)
            q++;
        if (q == nq) {
            /* a --by column's values (--labels wave:1=Spring): the table's columns */
            size_t ns = shopstat_totals_nsegments(t), nv = 0, s = 0;
            const char *vals[3];
            for (size_t k = 0; k < ns; k++) {
                const char *set = shopstat_totals_segment_set(t, k), *sn;
                if (!set || strcmp(set, a->label_q[i]) != 0)
                    continue;
                sn = shopstat_totals_segment(t, k) + strlen(set) + 1;
                if (nv < 3)
                    vals[nv] = sn;
                nv++;
                s += strcmp(sn, a->label_code[i]) == 0;
            }
            if (s)
                continue;
            if (nv) {
                char list[200];
                value_list(list, sizeof list, nv, vals);
                return cli_usage_error("--labels %s: '%s' is not one of the --by column's "
                                       "values (%s)",
                                       a->label_q[i], a->label_code[i], list);
            }
        }
        if (q == nq) {
            size_t named = 0, held = 0;
            for (size_t k = 0; k < nq; k++) {
                if (!labels_for(a->label_q[i], shopstat_totals_question(t, k)))
                    continue;
                if (!named++)
                    q = k;
                for (size_t l = 0; l < shopstat_totals_nlevels(t, k) && !held; l++)
                    held = strcmp(shopstat_totals_level(t, k, l), a->label_code[i]) == 0;
            }
            if (!named)
                return cli_usage_error("--labels %s: no such question or --by column (give "
                                       "it with --var, --multi, --multi-ticked, --multi-codes "
                                       "or --by; a list q1,q2 or a pattern 'q*' names several)",
                                       a->label_q[i]);
            if (held)
                continue;
        }
        size_t nl = shopstat_totals_nlevels(t, q), l = 0;
        while (l < nl && strcmp(shopstat_totals_level(t, q, l), a->label_code[i]) != 0)
            l++;
        if (l < nl)
            continue;
        const char *first[3];
        for (size_t k = 0; k < nl && k < 3; k++)
            first[k] = shopstat_totals_level(t, q, k);
        char list[200];
        value_list(list, sizeof list, nl, first);
        return cli_usage_error("--labels %s: '%s' is not one of its levels (%s%s)", a->label_q[i],
                               a->label_code[i],
                               shopstat_totals_question_kind(t, q) == SHOPSTAT_Q_MULTI
                                   ? "a multi-response question's are its columns: "
                                   : "",
                               list);
    }
    return 0;
}

int survey_args_run(survey_args *a, shopstat_totals **out)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *r = NULL;
    if (shopstat_reader_open(a->data, &a->data_opts.csv, &r, &err))
        return cli_fail(&err);
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = a->data_opts.threads;
    shopstat_status st = shopstat_totals_compute_opts(a->plan, r, &po, out, &err);
    shopstat_reader_free(r);
    if (st)
        return cli_fail(&err);
    /* As describe: a table of nothing is an error, not an empty file. */
    shopstat_accounting acc = shopstat_totals_accounting(*out);
    if (acc.used == 0) {
        shopstat_error_no_rows(&err, a->data, acc.excluded_skipped, acc.excluded_empty);
        shopstat_totals_free(*out);
        *out = NULL;
        return cli_fail(&err);
    }
    if (a->base && acc.outside_base == acc.used) {
        shopstat_error_set(&err, SHOPSTAT_EINPUT, a->data, 0, 0,
                           "no row meets --base %s (%zu row%s read); there is nothing to "
                           "estimate",
                           a->base, acc.read, acc.read == 1 ? "" : "s");
        shopstat_totals_free(*out);
        *out = NULL;
        return cli_fail(&err);
    }
    /* R would print NaN everywhere; say why instead of printing an empty table. */
    if (shopstat_totals_npsu_positive(*out) == 0) {
        shopstat_error_set(&err, SHOPSTAT_EINPUT, a->data, 0, 0,
                           "every row has weight 0 in --weight column '%s'; there is nothing "
                           "to estimate",
                           a->data_opts.design.weight ? a->data_opts.design.weight : "?");
        shopstat_totals_free(*out);
        *out = NULL;
        return cli_fail(&err);
    }
    char popw[600];
    if (shopstat_population_warning(*out, popw, sizeof popw))
        cli_warn("%s", popw);
    cli_warn_totals_row(a->data, &a->data_opts, a->plan);
    size_t rake_iter = 0;
    if (!shopstat_totals_rake_converged(*out, &rake_iter))
        cli_warn("Raking did not converge after %zu iterations (R's rake warns too; the "
                 "estimates are those of the last round: raise --rake-maxit or "
                 "--rake-epsilon)",
                 rake_iter);
    for (size_t q = 0; q < shopstat_totals_nquestions(*out); q++)
        if (shopstat_totals_question_partly_blank(*out, q))
            cli_warn("--multi %s: rows that answer some of its columns and leave others blank "
                     "are not in its base; if a blank means not ticked (Qualtrics, "
                     "SurveyMonkey), use --multi-ticked",
                     shopstat_totals_question(*out, q));
    for (size_t q = 0; q < shopstat_totals_nquestions(*out); q++) {
        const char *code, *cell;
        char sep;
        size_t nd = shopstat_totals_question_sep_doubt(*out, q, &code, &cell, &sep);
        if (!nd)
            continue;
        char flag[32];
        snprintf(flag, sizeof flag, "--codes-sep '%c'", sep ? sep : ';');
        cli_warn("--multi-codes %s: %zu of its codes ('%s'%s) look%s cut out of labels at a "
                 "',' (a cell: '%.60s%s'), as codes are split at ';' and ','; if ',' is "
                 "inside its labels, give the character between them: %s%s",
                 shopstat_totals_question(*out, q), nd, code, nd > 1 ? ", ..." : "",
                 nd > 1 ? "" : "s", cell, strlen(cell) > 60 ? "..." : "",
                 sep ? flag : "--codes-sep C", sep ? "" : " (';' or '|', say)");
    }
    warn_levels(a, *out);
    warn_nonanswer_levels(*out);
    if (check_labels(a, *out)) {
        shopstat_totals_free(*out);
        *out = NULL;
        return 2;
    }
    for (size_t k = 0; k < shopstat_totals_nscores(*out); k++) {
        const char *sq;
        double top;
        if (shopstat_score_nps_doubtful(*out, k, &sq, &top))
            cli_warn("--score %s:nps: no answer of %s is 9 or 10 (the highest is %g), so its "
                     "NPS has no promoters; is it a 0-10 likelihood to recommend? For another "
                     "scale give a map (--score '%s:1-2=-100,3=0,4-5=100', say) or take its "
                     "mean (--score %s)",
                     sq, sq, top, sq, sq);
        const char *codes[SHOPSTAT_SCORE_MAX_CODES];
        double lo, hi;
        size_t ncodes = shopstat_score_mean_code_doubtful(*out, k, &sq, codes, &lo, &hi);
        const char *who = shopstat_score_is_quantile(*out, k) ? "A quantile" : "The mean";
        /* (codes above the answers, 99 over a 1-5 rating, or below them, Qualtrics' -99) */
        int below = ncodes && strtod(codes[ncodes - 1], NULL) < lo;
        int above = ncodes && strtod(codes[0], NULL) > hi;
        if (ncodes == 1 && below)
            cli_warn("--score %s: its lowest answer, %s, stands far below the others (%g-%g): "
                     "a code for no answer (Qualtrics' -99: seen but unanswered)? %s "
                     "counts it as the number %s; if it is no answer, declare it missing "
                     "(--missing '%s:%s')",
                     sq, codes[0], lo, hi, who, codes[0], sq, codes[0]);
        else if (ncodes == 1)
            cli_warn("--score %s: its highest answer, %s, stands far above the others (%g-%g): "
                     "a \"don't know\" or \"refused\" code? %s counts it as the number "
                     "%s; if it is no answer, declare it missing (--missing '%s:%s')",
                     sq, codes[0], lo, hi, who, codes[0], sq, codes[0]);
        else if (ncodes > 1) {
            char words[200], list[200];
            code_words(codes, ncodes, words, sizeof words, list, sizeof list);
            cli_warn("--score %s: its %s, %s, stand far %s the others (%g-%g): "
                     "\"don't know\" and \"refused\" codes? %s counts them as numbers; "
                     "if they are no answers, declare them missing (--missing '%s:%s')",
                     sq,
                     above   ? "highest answers"
                     : below ? "lowest answers"
                             : "answers",
                     words,
                     above   ? "above"
                     : below ? "below"
                             : "outside",
                     lo, hi, who, sq, list);
        }
    }
    const char *mcol, *mcode = shopstat_totals_condition_missing_code(*out, &mcol);
    if (mcode)
        cli_warn("column %s holds '%s', one of the --missing codes: a condition on %s "
                 "would take those rows but for that (they are in no segment or --base that "
                 "tests it); if %s is a value there, leave it out of --missing",
                 mcol, mcode, mcol, mcode);
    const char *scode, *scol, *sown;
    double lo, hi;
    size_t taken;
    for (size_t k = 0;
         shopstat_totals_code_in_scale(*out, k, &scode, &scol, &lo, &hi, &sown, &taken); k++)
        cli_warn("--missing %s takes %zu answer%s of %s out of %s, whose answers run %g-%g: "
                 "give the code for the columns it belongs to (--missing %s:%s)",
                 scode, taken, taken == 1 ? "" : "s", scode, scol, lo, hi, sown ? sown : "COLUMNS",
                 scode);
    a->fpc_fractions = shopstat_totals_fpc_fractions(*out);
    if (shopstat_totals_fpc_census(*out))
        cli_warn("--fpc %s says every stratum was sampled whole (%s), a census: every standard "
                 "error is 0 and intervals have no width; if the column is not a finite "
                 "population correction, leave --fpc out",
                 a->data_opts.design.fpc,
                 a->fpc_fractions ? "sampling fractions of 1"
                                  : "population sizes equal to the PSUs sampled");
    /* an identifier given as --psu: right, but PSUs x cells of sums for nothing */
    const shopstat_design_opts *d = &a->data_opts.design;
    if (d->psu && !d->repweights && acc.used >= 1000 && shopstat_totals_npsu(*out) == acc.used)
        cli_warn("every PSU of --psu %s holds a single row: without --psu (each row its own "
                 "PSU) the design is the same and so are the results (to rounding), in a fraction "
                 "of the time "
                 "and memory",
                 d->psu);
    return 0;
}

size_t survey_args_width(const survey_args *a)
{
    return cli_view_width(a->width, !a->output || strcmp(a->output, "-") == 0);
}

void survey_args_context(const survey_args *a, const shopstat_totals *t,
                         shopstat_tab_context *ctx)
{
    /* the library's context of the totals, with the command line's own words */
    shopstat_tab_context_init(ctx, t, &a->tab);
    ctx->data = a->data;
    ctx->base = a->base;
    ctx->none_in_base = a->none_in_base;
    ctx->nnone_in_base = a->nnone_in_base;
    ctx->width = survey_args_width(a);
    if (ctx->replicates)
        ctx->rep_note = a->rep_note;
}

/* The column of --multi-codes question name (brands for --multi-codes brands=Q3: "Q3"),
 * or NULL. */
static const char *codes_column(const survey_args *a, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < a->ncodes; i++)
        if (strncmp(a->codes[i], name, n) == 0 && a->codes[i][n] == '=') {
            *len = strlen(a->codes[i] + n + 1);
            return a->codes[i] + n + 1;
        }
    return NULL;
}

/* Level l of question q as the command line shows it: its --labels label, else the
 * codebook's (of the question's name; for a --multi-codes question that no codebook entry
 * names, of its column: an SPSS export names Q3, not the brands of --multi-codes
 * brands=Q3), else the data's. */
static const char *shown_level(const survey_args *a, const shopstat_totals *t, size_t q, size_t l)
{
    const char *name = shopstat_totals_question(t, q), *lv = shopstat_totals_level(t, q, l);
    for (int exact = 1; exact >= 0; exact--) /* (q1's own label before the grid's) */
        for (size_t i = 0; i < a->codebook_first; i++)
            if ((exact ? strcmp(a->label_q[i], name) == 0 : labels_for(a->label_q[i], name)) &&
                strcmp(a->label_code[i], lv) == 0)
                return a->label_text[i];
    int named = 0; /* (a codebook entry names the question itself) */
    for (size_t i = a->codebook_first; i < a->nlabel_items; i++) { /* (--labels win) */
        named |= strcmp(a->label_q[i], name) == 0;
        if (strcmp(a->label_q[i], name) == 0 && strcmp(a->label_code[i], lv) == 0)
            return a->label_text[i];
    }
    size_t cl = 0;
    const char *col = named ? NULL : codes_column(a, name, &cl);
    for (size_t i = a->codebook_first; col && i < a->nlabel_items; i++)
        if (strcmp(a->label_q[i], col) == 0 && strcmp(a->label_code[i], lv) == 0)
            return a->label_text[i];
    return shopstat_totals_level_label(t, q, l);
}

/* The label of value v of column col ("COL=VALUE" split at its first '='): --labels
 * COL:V=LABEL first, then the codebook's; NULL when neither gives one. */
static const char *value_label(const survey_args *a, const char *col, size_t cl, const char *v)
{
    for (size_t i = 0; i < a->nlabel_items; i++)
        if (strlen(a->label_q[i]) == cl && strncmp(a->label_q[i], col, cl) == 0 &&
            strcmp(a->label_code[i], v) == 0)
            return a->label_text[i];
    return NULL;
}

/* The label value_label gives segment name "COL=VALUE", or NULL. */
static const char *name_label(const survey_args *a, const char *name)
{
    const char *eq = name ? strchr(name, '=') : NULL;
    return eq && eq != name ? value_label(a, name, (size_t)(eq - name), eq + 1) : NULL;
}

const char *survey_args_segment_label(const survey_args *a, const shopstat_totals *t,
                                      const char *name)
{
    const char *l = name_label(a, name);
    /* (two segments that would read alike keep their names: wave=1 and region=1 both
     * labelled "North", or a label that is another segment's name) */
    for (size_t s = 0; l && s < shopstat_totals_nsegments(t); s++) {
        const char *o = shopstat_totals_segment(t, s), *ol;
        if (strcmp(o, name) == 0)
            continue;
        if (strcmp(o, l) == 0 || ((ol = name_label(a, o)) && strcmp(ol, l) == 0))
            return NULL;
    }
    return l;
}

/* Slot i of the segment names of e, d, sd and se, in that order (a difference's two). */
static const char **segment_slot(shopstat_estimate *e, size_t n, shopstat_difference *d, size_t nd,
                                 shopstat_difference *sd, size_t nsd, shopstat_score_estimate *se,
                                 size_t i)
{
    if (i < n)
        return &e[i].segment;
    i -= n;
    if (i < 2 * nd)
        return i % 2 ? &d[i / 2].segment_b : &d[i / 2].segment_a;
    i -= 2 * nd;
    if (i < 2 * nsd)
        return i % 2 ? &sd[i / 2].segment_b : &sd[i / 2].segment_a;
    return &se[i - 2 * nsd].segment;
}

void survey_args_label_segments(const survey_args *a, const shopstat_totals *t,
                                shopstat_estimate *e, size_t n, shopstat_difference *d, size_t nd,
                                shopstat_difference *sd, size_t nsd, shopstat_score_estimate *se,
                                size_t nse)
{
    if (!a->nlabel_items)
        return;
    for (size_t i = 0; i < n + 2 * nd + 2 * nsd + nse; i++) {
        const char **x = segment_slot(e, n, d, nd, sd, nsd, se, i);
        const char *l = *x ? survey_args_segment_label(a, t, *x) : NULL;
        if (l)
            *x = l;
    }
}

void survey_args_label_levels(const survey_args *a, const shopstat_totals *t, shopstat_estimate *e,
                              size_t n)
{
    for (size_t i = 0; i < n; i++)
        e[i].level = shown_level(a, t, e[i].q, e[i].l);
}

void survey_args_label_differences(const survey_args *a, const shopstat_totals *t,
                                   shopstat_difference *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i].level = shown_level(a, t, d[i].q, d[i].l);
}
