/* csvcompare: compares a CSV with an expected one, numbers within a tolerance (oracle tests). */
/*
 * usage: csvcompare EXPECTED ACTUAL [--rel R] [--abs A]
 *
 * Both files must have the same header and the same rows in the same order. A cell whose
 * expected text is a number (strtod consumes all of it) is compared numerically: it matches
 * when |actual - expected| <= max(R * |expected|, A) (defaults R = 1e-6, A = 1e-9; NaN
 * matches NaN, infinities match only themselves). Empty cells and "NA" are both "missing"
 * and match each other only. Every other cell (the row keys: variable, level, segment, ...)
 * must match byte for byte. Each mismatch is printed on stdout as
 *   EXPECTED:LINE: COLUMN: expected X, got Y
 * where LINE counts CSV records (the header is line 1). Exit status: 0 all match, 1 some
 * mismatch, 2 usage error or unreadable/unparsable input.
 */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parsed file: records of fields, all NUL-terminated copies. */
typedef struct {
    char ***rows;  /* rows[r][c] */
    size_t *ncols; /* fields in row r */
    size_t nrows, cap;
    char **cur; /* record being filled */
    size_t ncur, curcap;
    int oom;
} table;

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (t->oom)
        return;
    if (t->ncur == t->curcap) {
        size_t cap = t->curcap ? 2 * t->curcap : 16;
        char **p = realloc(t->cur, cap * sizeof *p);
        if (!p) {
            t->oom = 1;
            return;
        }
        t->cur = p;
        t->curcap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        t->oom = 1;
        return;
    }
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    t->cur[t->ncur++] = copy;
}

static void on_record(int c, void *data)
{
    (void)c;
    table *t = data;
    if (t->oom)
        return;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char ***r = realloc(t->rows, cap * sizeof *r);
        size_t *n = realloc(t->ncols, cap * sizeof *n);
        if (r)
            t->rows = r;
        if (n)
            t->ncols = n;
        if (!r || !n) {
            t->oom = 1;
            return;
        }
        t->cap = cap;
    }
    t->rows[t->nrows] = t->cur;
    t->ncols[t->nrows] = t->ncur;
    t->nrows++;
    t->cur = NULL;
    t->ncur = t->curcap = 0;
}

static void table_free(table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols[r]; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    for (size_t c = 0; c < t->ncur; c++)
        free(t->cur[c]);
    free(t->cur);
    free(t->rows);
    free(t->ncols);
}

/* Reads and parses path into t; on failure prints why and returns -1. */
static int table_read(const char *path, table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "csvcompare: %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        fprintf(stderr, "csvcompare: cannot initialise the CSV parser\n");
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_record, t) != n) {
            fprintf(stderr, "csvcompare: %s: %s\n", path, csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "csvcompare: %s: read error\n", path);
        rc = -1;
    }
    if (rc == 0 && csv_fini(&p, on_field, on_record, t) != 0) {
        fprintf(stderr, "csvcompare: %s: %s\n", path, csv_strerror(csv_error(&p)));
        rc = -1;
    }
    csv_free(&p);
    fclose(f);
    if (rc == 0 && t->oom) {
        fprintf(stderr, "csvcompare: %s: out of memory\n", path);
        rc = -1;
    }
    if (rc == 0 && t->nrows == 0) {
        fprintf(stderr, "csvcompare: %s: no header line\n", path);
        rc = -1;
    }
    if (rc != 0)
        table_free(t);
    return rc;
}

static int is_missing(const char *s)
{
    return s[0] == '\0' || strcmp(s, "NA") == 0;
}

/* 1 and *out set when all of s is a number. */
static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        return 0;
    *out = v;
    return 1;
}

/* Prints the row's key: its non-numeric, non-missing cells joined by commas. */
static void print_key(char **row, size_t n)
{
    double v;
    int first = 1;
    for (size_t c = 0; c < n; c++) {
        if (is_missing(row[c]) || parse_number(row[c], &v))
            continue;
        printf("%s%s", first ? "" : ",", row[c]);
        first = 0;
    }
}

static int cell_matches(const char *exp, const char *act, double rel, double abs_tol)
{
    if (is_missing(exp) || is_missing(act))
        return is_missing(exp) && is_missing(act);
    double e, a;
    if (!parse_number(exp, &e))
        return strcmp(exp, act) == 0;
    if (!parse_number(act, &a))
        return 0;
    if (isnan(e) || isnan(a))
        return isnan(e) && isnan(a);
    if (isinf(e) || isinf(a))
        return e == a;
    return fabs(a - e) <= fmax(rel * fabs(e), abs_tol);
}

static int usage(void)
{
    fputs("usage: csvcompare EXPECTED ACTUAL [--rel R] [--abs A]\n"
          "Compares two CSV files with the same header and rows; numbers within\n"
          "max(R*|expected|, A) (defaults 1e-6, 1e-9). Exit 0 same, 1 different, 2 usage.\n",
          stderr);
    return 2;
}

static int parse_tol(const char *s, double *out)
{
    double v;
    if (!parse_number(s, &v) || !(v >= 0) || isinf(v))
        return 0;
    *out = v;
    return 1;
}

int main(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    size_t nfiles = 0;
    double rel = 1e-6, abs_tol = 1e-9;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rel") == 0 || strcmp(argv[i], "--abs") == 0) {
            if (i + 1 >= argc || !parse_tol(argv[i + 1], argv[i][2] == 'r' ? &rel : &abs_tol)) {
                fprintf(stderr, "csvcompare: %s needs a non-negative number\n", argv[i]);
                return usage();
            }
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage();
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "csvcompare: unknown option '%s'\n", argv[i]);
            return usage();
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            return usage();
        }
    }
    if (nfiles != 2)
        return usage();

    table exp, act;
    if (table_read(files[0], &exp) != 0)
        return 2;
    if (table_read(files[1], &act) != 0) {
        table_free(&exp);
        return 2;
    }

    const char *ename = files[0];
    size_t mismatches = 0;
    char **head = exp.rows[0];
    size_t ncol = exp.ncols[0];
    int same_header = act.ncols[0] == ncol;
    for (size_t c = 0; same_header && c < ncol; c++)
        same_header = strcmp(head[c], act.rows[0][c]) == 0;
    if (!same_header) {
        printf("%s:1: header: expected ", ename);
        for (size_t c = 0; c < ncol; c++)
            printf("%s%s", c ? "," : "", head[c]);
        printf(", got ");
        for (size_t c = 0; c < act.ncols[0]; c++)
            printf("%s%s", c ? "," : "", act.rows[0][c]);
        printf("\n");
        mismatches++;
    } else {
        size_t nrows = exp.nrows < act.nrows ? exp.nrows : act.nrows;
        for (size_t r = 1; r < nrows; r++) {
            if (exp.ncols[r] != act.ncols[r]) {
                printf("%s:%zu: row: expected %zu fields, got %zu\n", ename, r + 1, exp.ncols[r],
                       act.ncols[r]);
                mismatches++;
                continue;
            }
            for (size_t c = 0; c < exp.ncols[r]; c++) {
                const char *e = exp.rows[r][c], *a = act.rows[r][c];
                if (!cell_matches(e, a, rel, abs_tol)) {
                    printf("%s:%zu: %s: expected %s, got %s\n", ename, r + 1,
                           c < ncol ? head[c] : "?", e[0] ? e : "(empty)", a[0] ? a : "(empty)");
                    mismatches++;
                }
            }
        }
        for (size_t r = nrows; r < exp.nrows; r++) {
            printf("%s:%zu: row: expected ", ename, r + 1);
            print_key(exp.rows[r], exp.ncols[r]);
            printf(", got no row\n");
            mismatches++;
        }
        for (size_t r = nrows; r < act.nrows; r++) {
            printf("%s:%zu: row: expected no row, got ", ename, r + 1);
            print_key(act.rows[r], act.ncols[r]);
            printf("\n");
            mismatches++;
        }
    }
    if (mismatches)
        printf("%s: %zu mismatch%s (rel %g, abs %g)\n", ename, mismatches,
               mismatches == 1 ? "" : "es", rel, abs_tol);
    table_free(&exp);
    table_free(&act);
    return mismatches ? 1 : 0;
}
