/* Unit tests for the survey spec parser: accepted forms, and errors at their exact positions. */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shopstat/reader.h"
#include "shopstat/report.h"
#include "shopstat/spec.h"

static shopstat_spec *parse_ok(const char *text)
{
    shopstat_spec *s = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_status st = shopstat_spec_parse_text("dir/survey.yml", text, strlen(text), &s, &err);
    if (st)
        fail_msg("unexpected error %zu:%zu: %s", err.line, err.col, err.msg);
    return s;
}

/* One table of error cases: spec text, expected line, column and message. */
typedef struct error_case {
    const char *name;
    const char *text;
    size_t line, col;
    const char *msg;
} error_case;

#define HEAD_QS "questions:\n  switch: {column: would_switch}\ntables:\n  - {question: switch}\n"
#define HEAD "survey: t\ndata: d.csv\nquestions:\n  switch: {column: would_switch}\n"

static const error_case cases[] = {
    {.name = "values: a scalar",
     .text = HEAD "  sat: {column: s, values: Good}\n",
     .line = 5,
     .col = 28,
     .msg = "values must be a mapping (code: label) or a list of the answers in their order, "
            "not a value"},
    {.name = "values: a list naming an answer twice",
     .text = HEAD "  sat: {column: s, values: [Good, Bad, Good]}\n",
     .line = 5,
     .col = 40,
     .msg = "values: 'Good' is listed twice"},
    {.name = "values: a ticked question's list item that is not a column",
     .text = HEAD "  ch: {ticked: [c1, c2], values: [c1, Email]}\n",
     .line = 5,
     .col = 39,
     .msg = "values: 'Email' is not one of the columns of question 'ch'"},
    {.name = "unknown question with a hint",
     .text = HEAD "tables:\n  - {question: swich}\n",
     .line = 6,
     .col = 16,
     .msg = "unknown question 'swich' (did you mean 'switch'?)"},
    {.name = "unknown top-level key",
     .text = HEAD "tabels:\n  - {question: switch}\n",
     .line = 5,
     .col = 1,
     .msg = "unknown key 'tabels' in the spec (did you mean 'tables'?); expected one of: survey, "
            "title, subtitle, source, note, data, csv, codebook, design, ci, compare, "
            "questions, exclude, segments, tables, decimals, units, chart_size"},
    {.name = "exclude item without where",
     .text = HEAD "exclude:\n  - {reason: speeders}\n",
     .line = 6,
     .col = 5,
     .msg = "an exclude: item needs where: (the rows to leave out) or duplicates: (a column "
            "of ids: the rows repeating an earlier row's)"},
    {.name = "exclude item with where and duplicates",
     .text = HEAD "exclude:\n  - {where: \"spend_6m == 1\", duplicates: id}\n",
     .line = 6,
     .col = 42,
     .msg = "an exclude: item has both where: and duplicates:; give one (two items for both)"},
    {.name = "exclude item unknown key",
     .text = HEAD "exclude:\n  - {where: \"spend_6m == 1\", why: x}\n",
     .line = 6,
     .col = 30,
     .msg = "unknown key 'why' in an exclude: item; expected one of: where, reason, duplicates"},
    {.name = "duplicate key",
     .text = "survey: t\nsurvey: u\ndata: d.csv\n",
     .line = 2,
     .col = 1,
     .msg = "duplicate key 'survey' in the spec (first at line 1)"},
    {.name = "bad operator",
     .text = HEAD "segments:\n  heavy: {where: \"spend >> 3\"}\ntables:\n  - {question: switch}\n",
     .line = 6,
     .col = 25,
     .msg = "unknown operator '>>' (use ==, !=, >, >=, <, <=, in [...])"},
    {.name = "'or' is not supported",
     .text =
         HEAD "segments:\n  heavy: {where: 'a == 1 or b == 2'}\ntables:\n  - {question: switch}\n",
     .line = 6,
     .col = 26,
     .msg = "'or' in expression 'a == 1 or b == 2': only 'and' combines conditions (values of "
            "one column: 'COLUMN in [A, B]'; conditions on two columns: a segment each)"},
    {.name = "ordering needs a number",
     .text = HEAD "segments:\n  heavy: {where: spend >= lots}\ntables:\n  - {question: switch}\n",
     .line = 6,
     .col = 24,
     .msg = "'>=' needs a number, not 'lots'"},
    {.name = "wrong type",
     .text = "survey: t\ndata: d.csv\nquestions:\n  q: {multi: pref_email}\ntables:\n"
             "  - {question: q}\n",
     .line = 4,
     .col = 14,
     .msg = "multi: of question 'q' must be a list of columns"},
    {.name = "two forms",
     .text = "survey: t\ndata: d.csv\nquestions:\n  q: {column: a, codes: b}\ntables:\n"
             "  - {question: q}\n",
     .line = 4,
     .col = 25,
     .msg = "question 'q' has both 'column' and 'codes'; give one"},
    {.name = "compare outside the table",
     .text = HEAD "segments:\n  heavy: {where: x == 1}\ntables:\n"
                  "  - {question: switch, compare: [\"heavy:all\"]}\n",
     .line = 8,
     .col = 34,
     .msg = "segment 'heavy' of 'heavy:all' is not in the table's segments"},
    {.name = "prev of a segment that is no by: segment",
     .text = HEAD "segments:\n  heavy: {where: x == 1}\ntables:\n"
                  "  - {question: switch, segments: [heavy], compare: [heavy:prev]}\n",
     .line = 8,
     .col = 53,
     .msg = "'heavy:prev': prev compares each value of a by: segment with the one before it "
            "('waves:prev' for a segment {by: wave}); 'heavy' is no by: segment"},
    {.name = "rake_maxit without rake",
     .text = "survey: t\ndata: d.csv\ndesign:\n  weight: w\n  rake_maxit: 7\n" HEAD_QS,
     .line = 5,
     .col = 15,
     .msg = "rake_maxit: tunes rake:, which is not given"},
    {.name = "rake_epsilon without rake",
     .text = "survey: t\ndata: d.csv\ndesign: {weight: w, rake_epsilon: 0.5}\n" HEAD_QS,
     .line = 3,
     .col = 35,
     .msg = "rake_epsilon: tunes rake:, which is not given"},
    {.name = "Latin-1 byte: its line and column",
     .text = "survey: t\ndata: d.csv\ntitle: Caf\xe9 \xc3\xa9t\xe9\n",
     .line = 3,
     .col = 11,
     .msg = "YAML: invalid trailing UTF-8 octet (byte 0xE9); a spec is UTF-8 text: was it saved "
            "as Latin-1 or Windows-1252? Save it as UTF-8"},
    {.name = "Latin-1 byte after a UTF-8 character: columns in characters",
     .text = "survey: t\ndata: d.csv\ntitle: \xc3\xa9t\xe9\n",
     .line = 3,
     .col = 10,
     .msg = "YAML: incomplete UTF-8 octet sequence (byte 0xE9); a spec is UTF-8 text: was it "
            "saved as Latin-1 or Windows-1252? Save it as UTF-8"},
    {.name = "Latin-1 byte after a byte-order mark, which takes no column",
     .text = "\xef\xbb\xbfsurvey: t\xe9\n",
     .line = 1,
     .col = 10,
     .msg = NULL},
    {.name = "a tab where YAML takes spaces",
     .text = "survey: t\ndata: d.csv\nquestions:\n\tq: {column: x}\n",
     .line = 4,
     .col = 1,
     .msg = "YAML: found character that cannot start any token while scanning for the next "
            "token (a tab: YAML indents with spaces)"},
    {.name = "a syntax error inside the text, no tab",
     .text = HEAD "tables:\n  - question: switch\n    title: [a\n  - {question: switch}\n",
     .line = 8,
     .col = 5,
     .msg = "YAML: did not find expected ',' or ']' while parsing a flow sequence"},
    {.name = "an empty spec",
     .text = "# nothing but a comment\n",
     .line = 1,
     .col = 1,
     .msg = "the spec is empty"},
    {.name = "no tables",
     .text = "survey: t\ndata: d.csv\n",
     .line = 1,
     .col = 1,
     .msg = "the spec needs tables: (a list of tables)"},
    {.name = "yaml syntax",
     .text = "survey: t\ndata: [d.csv\n",
     .line = 3,
     .col = 1,
     .msg = "YAML: did not find expected ',' or ']' while parsing a flow sequence"},
    {.name = "lonely psu",
     .text = HEAD "design: {lonely_psu: ajust}\ntables:\n  - {question: switch}\n",
     .line = 5,
     .col = 22,
     .msg = NULL},
    {.name = "derived question in where",
     .text = HEAD "  top: {derive: s, recode: {'4,5': Top}}\nsegments:\n"
                  "  t: {where: top == Top}\ntables:\n  - {question: switch}\n",
     .line = 7,
     .col = 14,
     .msg = "question 'top' is derived: an expression needs a column or a single-choice "
            "question"},
    {.name = "sort: neither all nor none",
     .text = HEAD "tables:\n  - {question: switch, sort: desc}\n",
     .line = 6,
     .col = 30,
     .msg = "sort: is all (by size) or none (the order of the question's levels), not 'desc'"},
    {.name = "sort: on a chart that keeps its order",
     .text = HEAD "tables:\n  - {question: switch, chart: likert, sort: all}\n",
     .line = 6,
     .col = 45,
     .msg = "sort: orders bar and diff charts; a likert chart keeps the order of the levels"},
    {.name = "bad recode range",
     .text = HEAD "  top: {derive: s, recode: {'5-1': Top}}\ntables:\n  - {question: switch}\n",
     .line = 5,
     .col = 29,
     .msg = "recode of 'top': bad rule '5-1': range '5-1' is empty"},
    {.name = "score: a level holding a comma: the recode that scores it",
     .text = HEAD "  sw: {column: s, score: {'Yes, definitely': 100}}\ntables:\n"
                  "  - {question: switch}\n",
     .line = 5,
     .col = 27,
     .msg = "score: level 'Yes, definitely' of question 'sw' may not be empty or hold ',' or "
            "'='; recode it to a plain label and score that: a question {derive: COLUMN, "
            "recode: {'\"Yes, definitely\"': LABEL, ...}, score: {LABEL: 100, ...}}"},
    {.name = "grid: 'same' where its last column stands, at the end",
     .text = HEAD "exclude:\n  - {where: \"a, b, same\"}\ntables:\n  - {question: switch}\n",
     .line = 6,
     .col = 20,
     .msg = "expected a column after ',' in the grid of expression 'a, b, same', not 'same' (A, "
            "B, C same, or FIRST..LAST same)"},
    {.name = "grid: 'same' where its last column stands, before 'and'",
     .text = HEAD "exclude:\n  - {where: \"a, b, same and c == 1\"}\ntables:\n"
                  "  - {question: switch}\n",
     .line = 6,
     .col = 20,
     .msg = "expected a column after ',' in the grid of expression 'a, b, same and c == 1', not "
            "'same' (A, B, C same, or FIRST..LAST same)"},
    {.name = "recode: a quote not closed",
     .text = HEAD "  top: {derive: s, recode: {'\"Yes, definitely': Yes}}\ntables:\n"
                  "  - {question: switch}\n",
     .line = 5,
     .col = 29,
     .msg = "recode of 'top': bad rule '\"Yes, definitely': a quote is not closed"},
    {.name = "recode: text after a quoted value",
     .text = HEAD "  top: {derive: s, recode: {'\"Yes\" definitely': Yes}}\ntables:\n"
                  "  - {question: switch}\n",
     .line = 5,
     .col = 29,
     .msg = "recode of 'top': bad rule '\"Yes\" definitely': a quoted value must end its "
            "alternative (a ',' after its closing quote)"},
};

/* values: as a list: the answers in their order, each its own label */
static void test_values_list(void **state)
{
    (void)state;
    shopstat_spec *s = parse_ok("survey: t\ndata: d.csv\nquestions:\n"
                                "  sat: {column: s, values: [Very dissatisfied, Dissatisfied, "
                                "'Satisfied, mostly', Very satisfied]}\n"
                                "  ch: {ticked: [c1, c2], values: [c2, c1]}\n"
                                "tables:\n  - {question: sat}\n");
    const shopstat_spec_info *in = shopstat_spec_get(s);
    const shopstat_spec_question *q = &in->questions[0];
    assert_int_equal(q->nvalues, 4);
    const char *want[] = {"Very dissatisfied", "Dissatisfied", "Satisfied, mostly",
                          "Very satisfied"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(q->values[i].code, want[i]);
        assert_string_equal(q->values[i].label, want[i]);
    }
    assert_int_equal(q->values[2].pos.line, 4);
    assert_int_equal(q->values[2].pos.col, 62);
    assert_string_equal(shopstat_spec_label(s, "sat", "Dissatisfied", NULL), "Dissatisfied");
    assert_null(shopstat_spec_label(s, "sat", "Neutral", NULL));
    assert_int_equal(in->questions[1].nvalues, 2);
    assert_string_equal(in->questions[1].values[0].code, "c2");
    shopstat_spec_free(s);
}

static void test_error_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const error_case *c = &cases[i];
        shopstat_spec *s = NULL;
        shopstat_error err;
        shopstat_error_clear(&err);
        shopstat_status st =
            shopstat_spec_parse_text("survey.yml", c->text, strlen(c->text), &s, &err);
        if (st != SHOPSTAT_EINPUT || err.line != c->line || err.col != c->col ||
            (c->msg && strcmp(err.msg, c->msg) != 0))
            fail_msg("case '%s': got status %d at %zu:%zu '%s', want %zu:%zu '%s'", c->name,
                     (int)st, err.line, err.col, err.msg, c->line, c->col,
                     c->msg ? c->msg : "(any)");
        assert_null(s);
        assert_string_equal(err.file, "survey.yml");
    }
}

static void test_full_spec(void **state)
{
    (void)state;
    shopstat_spec *s =
        parse_ok("survey: demo\n"
                 "title: Demo\n"
                 "note: SYNTHETIC\n"
                 "data: {file: r.csv, delimiter: ';', skip_rows: 2, missing: [98, 99]}\n"
                 "design: {weight: wt, strata: region, psu: panel, lonely_psu: adjust}\n"
                 "ci: {method: wilson, level: 0.9}\n"
                 "compare: {adjust: bh, alpha: [0.01, 0.05]}\n"
                 "questions:\n"
                 "  spend: {column: spend_6m, values: {1: low, 3: high}}\n"
                 "  contact: {multi: [a, b], label: Contact, values: {a: Mail}}\n"
                 "  top: {derive: intent, recode: {'4,5': Likely, '1-3': Not likely}}\n"
                 "  byreg_q: {column: region}\n"
                 "segments:\n"
                 "  all: {label: Everyone}\n"
                 "  heavy: {where: 'spend == 3 and region in [1, 2]', label: Heavy}\n"
                 "  byreg: {by: region}\n"
                 "tables:\n"
                 "  - {question: spend, segments: [all, heavy], compare: [heavy:all, heavy:rest]}\n"
                 "  - {question: spend, base: 'x != 0', chart: none}\n"
                 "  - {question: top, segments: [all, byreg], chart: likert}\n"
                 "  - {question: top, sort: all}\n"
                 "  - {question: byreg_q}\n"
                 "  - {question: byreg_q, sort: none}\n");
    const shopstat_spec_info *in = shopstat_spec_get(s);
    assert_string_equal(in->survey, "demo");
    assert_string_equal(in->data, "dir/r.csv");
    assert_int_equal(in->csv.delimiter, ';');
    assert_int_equal(in->csv.skip_rows, 2);
    assert_string_equal(in->csv.missing[1], "99");
    assert_null(in->csv.missing[2]);
    assert_string_equal(in->design.psu, "panel");
    assert_int_equal(in->design.lonely, SHOPSTAT_LONELY_ADJUST);
    assert_int_equal(in->ci, SHOPSTAT_CI_WILSON);
    assert_close(in->level, 0.9, 1e-15);
    assert_close(in->alpha_low, 0.05, 1e-15);
    assert_int_equal(in->nquestions, 4);
    assert_int_equal(in->questions[1].kind, SHOPSTAT_Q_MULTI);
    assert_int_equal(in->questions[2].nrecodes, 2);
    assert_string_equal(in->questions[2].recodes[1].level, "Not likely");
    assert_int_equal(in->nsegments, 3);
    assert_string_equal(in->segments[0].label, "Everyone");
    /* 'spend' in the expression stands for its column */
    assert_int_equal(in->segments[1].nconds, 2);
    assert_string_equal(in->segments[1].conds[0].cond.column, "spend_6m");
    assert_int_equal(in->segments[1].conds[1].cond.op, SHOPSTAT_OP_IN);
    assert_string_equal(in->segments[1].conds[1].cond.values[1], "2");
    assert_int_equal(in->segments[1].conds[1].pos.line, 15);
    assert_int_equal(in->segments[1].conds[1].pos.col, 34);
    assert_string_equal(in->segments[2].by, "region");
    assert_int_equal(in->ntables, 6);
    assert_string_equal(in->tables[0].name, "spend");
    assert_string_equal(in->tables[1].name, "spend-2");
    assert_int_equal(in->tables[0].npairs, 2);
    assert_true(in->tables[0].pairs[1].b == SHOPSTAT_SPEC_REST);
    assert_int_equal(in->tables[1].chart, 0);
    assert_int_equal(in->tables[1].base[0].cond.op, SHOPSTAT_OP_NOT_IN);
    assert_int_equal(in->tables[2].chart_type, SHOPSTAT_CHART_LIKERT);
    /* the order of the levels in charts: the question's when values: or a recode gives it,
     * else by size; sort: says otherwise */
    assert_int_equal(in->tables[0].sort, SHOPSTAT_CHART_SORT_NONE);
    assert_int_equal(in->tables[2].sort, SHOPSTAT_CHART_SORT_NONE);
    assert_int_equal(in->tables[3].sort, SHOPSTAT_CHART_SORT_ALL);
    assert_int_equal(in->tables[4].sort, SHOPSTAT_CHART_SORT_ALL);
    assert_int_equal(in->tables[5].sort, SHOPSTAT_CHART_SORT_NONE);
    /* labels */
    assert_string_equal(shopstat_spec_label(s, "spend", "3", NULL), "high");
    assert_null(shopstat_spec_label(s, "spend", "2", NULL));
    assert_string_equal(shopstat_spec_label(s, "contact", NULL, NULL), "Contact");
    assert_string_equal(shopstat_spec_label(s, NULL, NULL, "heavy"), "Heavy");
    shopstat_spec_free(s);
}

/* score: its four forms, as the maps shopstat_plan_add_score reads (numbers written back in
 * full: '.5' is 0.5), names NULL but in the named form; chart: score */
static void test_scores(void **state)
{
    (void)state;
    shopstat_spec *s = parse_ok("survey: t\ndata: d.csv\nquestions:\n"
                                "  a: {column: x, score: mean}\n"
                                "  b: {column: x, score: nps}\n"
                                "  c: {column: x, score: {1: 0, '2-3': .5, 4: -1e2}}\n"
                                "  d: {derive: x, recode: {'1-6': D, '7-10': P}, "
                                "score: {Index: {D: 0, P: 100}, N: nps}}\n"
                                "tables:\n  - {question: c, chart: score}\n  - {question: d}\n");
    const shopstat_spec_info *in = shopstat_spec_get(s);
    assert_int_equal(in->nquestions, 4);
    const char *maps[] = {"mean", "nps", "1=0,2-3=0.5,4=-100"};
    for (size_t q = 0; q < 3; q++) {
        assert_int_equal(in->questions[q].nscores, 1);
        assert_null(in->questions[q].scores[0].name);
        assert_string_equal(in->questions[q].scores[0].map, maps[q]);
    }
    const shopstat_spec_question *d = &in->questions[3];
    assert_int_equal(d->nscores, 2);
    assert_string_equal(d->scores[0].name, "Index");
    assert_string_equal(d->scores[0].map, "D=0,P=100");
    assert_string_equal(d->scores[1].name, "N");
    assert_string_equal(d->scores[1].map, "nps");
    assert_int_equal(d->scores[0].pos.line, 7);
    assert_int_equal(in->tables[0].chart_type, SHOPSTAT_CHART_SCORE);
    assert_int_equal(in->tables[1].chart_type, SHOPSTAT_CHART_BARS);
    shopstat_spec_free(s);
}

/* Column names in an expression: letters at both ends of each range (a, z, A, Z), '_'
 * first, digits and '.' after the first character */
static void test_expression_names(void **state)
{
    (void)state;
    shopstat_spec *s = parse_ok(HEAD "segments:\n  s: {where: 'age >= 18 and zip == 9 and Area "
                                     "== 1 and Zone == 2 and _id == 3 and q0.9 == 1'}\n"
                                     "tables:\n  - {question: switch}\n");
    const shopstat_spec_info *in = shopstat_spec_get(s);
    const char *want[] = {"age", "zip", "Area", "Zone", "_id", "q0.9"};
    assert_int_equal(in->nsegments, 2);
    assert_int_equal(in->segments[1].nconds, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(in->segments[1].conds[i].cond.column, want[i]);
    assert_int_equal(in->segments[1].conds[0].cond.op, SHOPSTAT_OP_GE);
    shopstat_spec_free(s);
}

/* rake_maxit and rake_epsilon beside rake: (the population files are read by the pass) */
static void test_rake_tuning(void **state)
{
    (void)state;
    shopstat_spec *s = parse_ok("survey: t\ndata: d.csv\ndesign:\n  weight: w\n  rake:\n"
                                "    - {margin: a, population: pa.csv}\n  rake_maxit: 7\n"
                                "  rake_epsilon: 0.25\n" HEAD_QS);
    const shopstat_spec_info *in = shopstat_spec_get(s);
    assert_int_equal(in->design.rake_maxit, 7);
    assert_close(in->design.rake_epsilon, 0.25, 1e-15);
    shopstat_spec_free(s);
}

/* A table's name when none is given: the question's, then -2, -3, ... A table given its
 * name, nps-2 as much as nps_trend, takes none of the numbers (docs/spec.md, name): the
 * table after a given q-2 is q, as after a given q_trend (it was q-3, beside no q.pdf) */
static void test_table_names(void **state)
{
    (void)state;
    shopstat_spec *s = parse_ok("survey: t\ndata: d.csv\nquestions:\n  q: {column: x}\n"
                                "  r: {column: y}\ntables:\n  - {question: q, name: q-2}\n"
                                "  - {question: q}\n  - {question: r}\n  - {question: q}\n"
                                "  - {question: q, name: q_trend}\n  - {question: q}\n"
                                "  - {question: r, name: r-9}\n  - {question: r}\n");
    const shopstat_spec_info *in = shopstat_spec_get(s);
    const char *want[] = {"q-2", "q", "r", "q-3", "q_trend", "q-4", "r-9", "r-2"};
    assert_int_equal(in->ntables, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(in->tables[i].name, want[i]);
    shopstat_spec_free(s);
}

/* values: of a multi-response question whose columns are a pattern: checked against the
 * columns the pattern finds once the header is read, the value that is none of them at its
 * place in the spec */
static void test_pattern_values(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/shopstat_test_spec_%d.csv", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id,pref_a,pref_b\n1,1,0\n", f);
    fclose(f);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    shopstat_reader *r = NULL;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, &o, &r, &err), SHOPSTAT_OK);
    shopstat_spec *s = parse_ok("survey: t\ndata: d.csv\nquestions:\n"
                                "  ch: {multi: ['pref_*'], values: {pref_b: B, pref_a: A}}\n"
                                "tables:\n  - {question: ch}\n");
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_spec_check_columns(s, r, &err), SHOPSTAT_OK);
    shopstat_spec_free(s);
    s = parse_ok("survey: t\ndata: d.csv\nquestions:\n"
                 "  ch: {multi: ['pref_*'], values: {pref_a: A, pref_c: C}}\n"
                 "tables:\n  - {question: ch}\n");
    assert_int_equal(shopstat_spec_check_columns(s, r, &err), SHOPSTAT_EINPUT);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.col, 47);
    assert_string_equal(err.msg, "values: 'pref_c' is not one of the columns of question 'ch'");
    shopstat_spec_free(s);
    shopstat_reader_free(r);
    unlink(path);
}

/* A key past YAML's 1024 characters, at its first character and counted whole: after a
 * sequence item's "- " (not part of it), and holding a space (part of it) */
static void test_long_keys(void **state)
{
    (void)state;
    static char long_key[1101];
    memset(long_key, 'a', 1100);
    static const struct {
        const char *head, *tail;
        size_t line, col, n;
    } keys[] = {
        {"survey: t\ndata: d.csv\nquestions:\n  q: {column: x}\ntables:\n  - ", ": x\n", 6, 5,
         1100},
        {"survey: t\ndata: d.csv\nquestions:\n  q: {column: x}\nsegments:\n  s ",
         ": {where: x == 1}\ntables:\n  - {question: q}\n", 6, 3, 1102},
    };
    for (size_t i = 0; i < 2; i++) {
        char text[1300];
        snprintf(text, sizeof text, "%s%s%s", keys[i].head, long_key, keys[i].tail);
        shopstat_spec *s = NULL;
        shopstat_error err;
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_spec_parse_text("survey.yml", text, strlen(text), &s, &err),
                         SHOPSTAT_EINPUT);
        assert_null(s);
        assert_int_equal(err.line, keys[i].line);
        assert_int_equal(err.col, keys[i].col);
        char want[200];
        snprintf(want, sizeof want,
                 "a key of %zu characters: YAML takes at most 1024 in a key (a question or "
                 "segment name, a label's key); shorten it",
                 keys[i].n);
        assert_string_equal(err.msg, want);
    }
}

/* The design's columns checked against the file's header, the weight first: each one missing
 * named at its place in the spec */
static void test_check_design_columns(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/shopstat_test_spec_d%d.csv", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id,wt,region,x\n1,2,N,1\n", f);
    fclose(f);
    shopstat_csv_opts o;
    shopstat_csv_opts_init(&o);
    shopstat_reader *r = NULL;
    shopstat_error err;
    assert_int_equal(shopstat_reader_open(path, &o, &r, &err), SHOPSTAT_OK);
    static const struct {
        const char *design, *col, *what;
        size_t col_at;
    } d[] = {
        {"{weight: w}", "w", "design weight:", 18},
        {"{weight: wt, strata: regoin}", "regoin", "design strata:", 30},
        {"{weight: wt, strata: region, psu: id, fpc: N}", "N", "design fpc:", 52},
    };
    for (size_t i = 0; i < 3; i++) {
        char text[300];
        snprintf(text, sizeof text, "survey: t\ndata: d.csv\ndesign: %s\n" HEAD_QS, d[i].design);
        shopstat_spec *s = parse_ok(text);
        shopstat_error_clear(&err);
        assert_int_equal(shopstat_spec_check_columns(s, r, &err), SHOPSTAT_EINPUT);
        assert_int_equal(err.line, 3);
        if (err.col != d[i].col_at || !strstr(err.msg, d[i].what) ||
            strncmp(err.msg + strlen("unknown column '"), d[i].col, strlen(d[i].col)) != 0)
            fail_msg("%s: %zu:%zu %s", d[i].design, err.line, err.col, err.msg);
        shopstat_spec_free(s);
    }
    shopstat_reader_free(r);
    unlink(path);
}

/* A spec text past SHOPSTAT_SPEC_MAX_BYTES given to shopstat_spec_parse_text: refused as a
 * whole (no line), before it is read */
static void test_text_too_large(void **state)
{
    (void)state;
    size_t n = SHOPSTAT_SPEC_MAX_BYTES + 1;
    char *text = malloc(n);
    assert_non_null(text);
    memset(text, ' ', n);
    shopstat_spec *s = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    assert_int_equal(shopstat_spec_parse_text("big.yml", text, n, &s, &err), SHOPSTAT_ELIMIT);
    assert_null(s);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 0);
    assert_string_equal(err.file, "big.yml");
    assert_string_equal(err.msg, "spec is larger than 4194304 bytes");
    free(text);
}

/* The six words of a boolean (true, yes, on; false, no, off), on each key that takes one:
 * data's decimal_comma, replicates' mse, a table's zoom and differences */
static void test_booleans(void **state)
{
    (void)state;
    const char *words[] = {"true", "yes", "on", "false", "no", "off"};
    for (size_t w = 0; w < 6; w++) {
        char text[600];
        snprintf(text, sizeof text,
                 "survey: t\ndata: {file: d.csv, decimal_comma: %s}\n"
                 "design: {replicates: {prefix: r, type: jk1, mse: %s}}\n"
                 "questions:\n  q: {column: x}\nsegments:\n  a: {where: g == 1}\n"
                 "tables:\n  - {question: q, segments: [a], compare: [a:rest], zoom: %s, "
                 "differences: %s}\n",
                 words[w], words[w], words[w], words[w]);
        shopstat_spec *s = parse_ok(text);
        const shopstat_spec_info *in = shopstat_spec_get(s);
        int want = w < 3;
        assert_int_equal(in->csv.decimal_comma, want);
        assert_int_equal(in->design.mse, want);
        assert_int_equal(in->tables[0].zoom, want);
        assert_int_equal(in->tables[0].differences, want);
        shopstat_spec_free(s);
    }
}

static void test_closest(void **state)
{
    (void)state;
    const char *const c[] = {"weight", "strata", "psu"};
    assert_string_equal(shopstat_closest("pus", c, 3), "psu");
    assert_string_equal(shopstat_closest("wieght", c, 3), "weight");
    assert_null(shopstat_closest("region", c, 3));
}

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    shopstat_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    shopstat_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    shopstat_sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_cases),    cmocka_unit_test(test_full_spec),
        cmocka_unit_test(test_values_list),    cmocka_unit_test(test_scores),
        cmocka_unit_test(test_closest),        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_booleans),       cmocka_unit_test(test_expression_names),
        cmocka_unit_test(test_rake_tuning),    cmocka_unit_test(test_table_names),
        cmocka_unit_test(test_pattern_values), cmocka_unit_test(test_long_keys),
        cmocka_unit_test(test_text_too_large), cmocka_unit_test(test_check_design_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
