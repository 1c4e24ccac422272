/* Streaming CSV loader: header, dialect detection, positions, and a row callback. */
#ifndef SHOPSTAT_READER_H
#define SHOPSTAT_READER_H

#include <stddef.h>
#include <stdio.h>

#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Missing codes of some columns only: a "Don't know" 6 of a 1-5 grid is an answer in a
 * 0-10 question beside it. column is a header name, or when no column has that name a
 * pattern (fnmatch(3): "Q5_*") that must match at least one; codes NULL-terminated, at
 * least one. A name or pattern matching no column is SHOPSTAT_EUSAGE at open, unless
 * if_present (the caller checks the column itself, as a spec does). */
typedef struct shopstat_column_missing {
    const char *column;
    const char *const *codes;
    int if_present;
} shopstat_column_missing;

/* Reading options. Initialise with shopstat_csv_opts_init(), then override. */
typedef struct shopstat_csv_opts {
    char delimiter;          /* 0 = detect from the header among , ; TAB | */
    const char *encoding;    /* NULL = detect (valid UTF-8 as is, else windows-1252);
                                otherwise any name iconv knows ("latin1", "utf-8", ...) */
    int decimal_comma;       /* -1 = auto (on when the delimiter is ';'), 0 = off, 1 = on */
    size_t skip_rows;        /* data rows to skip right after the header (counted as excluded) */
    size_t header_rows;      /* 1 (default), or 2: a SurveyMonkey export's two header rows,
                                whose second is not a data row (see shopstat_reader_open) */
    const char *const *missing; /* extra missing codes (besides "" and "NA"), NULL-terminated; may be NULL */
    size_t block_size;       /* bytes read per block; 0 = default (1 MiB) */
    const shopstat_column_missing *column_missing; /* codes missing in some columns only, */
    size_t ncolumn_missing;                        /* besides missing (may be NULL, 0) */
} shopstat_csv_opts;

/* Fill o with the defaults the fields' comments give (detect the delimiter and encoding,
 * decimal comma auto, one header row, nothing skipped, no extra missing codes). o must not
 * be NULL. */
void shopstat_csv_opts_init(shopstat_csv_opts *o);

/* What the loader detected (or was told). Strings are static or owned by the reader. */
typedef struct shopstat_csv_dialect {
    char delimiter;
    const char *encoding;    /* "utf-8", "windows-1252", or the name given */
    int converted;           /* 1 when the bytes were converted to UTF-8 with iconv */
    int decimal_comma;       /* 0 or 1, as applied */
    int bom;                 /* 1 when a UTF-8 BOM was stripped */
    int sep_line;            /* 1 when Excel's "sep=X" line before the header was read (X
                                the delimiter, unless --delimiter) and skipped */
    const char *line_ending; /* "LF", "CRLF", "CR" or "mixed", from the header line */
    const char *compression; /* "gzip" when the file was inflated as it was read (on one
                                thread), NULL when read as it is */
} shopstat_csv_dialect;

/* Position of a field in the file: 1-based line and column (column in bytes of the
 * original line, counting from the field's first byte, the opening quote if quoted). */
typedef struct shopstat_pos {
    size_t line;
    size_t col;
} shopstat_pos;

/* One data row, valid only during the callback. fields[i] is NUL-terminated UTF-8 of
 * length lens[i] (quotes removed, embedded quotes unescaped). nfields equals the
 * header's column count (ragged rows are an error before the callback sees them).
 * The fields lie one after another in column order, each after the NUL of the one
 * before (fields[i + 1] == fields[i] + lens[i] + 1), and the 16 bytes after the last
 * field's NUL may be read (their values are unspecified): a run of columns can be taken
 * as one string, a word at a time. */
typedef struct shopstat_row {
    const char *const *fields;
    const size_t *lens;
    const shopstat_pos *pos;
    size_t nfields;
    size_t index;            /* 1-based data row number, after skipped rows too */
} shopstat_row;

typedef struct shopstat_reader shopstat_reader;

/* Safety caps (SHOPSTAT_ELIMIT beyond them): bytes in one field, columns in the header,
 * bytes in one data row. */
#define SHOPSTAT_CSV_MAX_FIELD 1048576
#define SHOPSTAT_CSV_MAX_COLUMNS 100000
#define SHOPSTAT_CSV_MAX_ROW (64 * 1048576)

/* Two header rows (opts.header_rows 2, any other value but 1 is SHOPSTAT_EUSAGE): column
 * i's name is the first row's text, carried right over the empty cells that follow it (a
 * question's other columns), joined by " / " to the second row's text, unless that is
 * empty, "Response" or "Open-Ended Response" (then the first row's text alone):
 * "Respondent ID", "How satisfied were you?", "Which channels would you use? / Phone".
 * The second row is header, not data: it is not counted among the rows read, and the rows
 * opts.skip_rows skips follow it. A file that ends after its first row is SHOPSTAT_EINPUT;
 * a second row of another field count too, at its position.
 *
 * Encodings: UTF-8 or any single-byte, ASCII-compatible charset iconv knows; other
 * multi-byte charsets (UTF-16, Shift-JIS) are not supported.
 *
 * Open path, read and validate the header, detect the dialect. On failure *out is
 * NULL and err holds a positioned message; a workbook (.xlsx, .ods, .xls: ZIP or OLE2
 * bytes) or a YAML survey spec given as path is refused as such at 1:1 (the spec: at its
 * first key's line); a folder is SHOPSTAT_EUSAGE ("is a folder, not a file to read").
 * opts may be NULL (defaults). The reader keeps its own copies of the option strings. */
shopstat_status shopstat_reader_open(const char *path, const shopstat_csv_opts *opts,
                                     shopstat_reader **out, shopstat_error *err);

/* shopstat_reader_open over a stream the program has opened: a socket or pipe
 * (fdopen(3)), a request's bytes in memory (fmemopen(3)), any FILE * open for reading,
 * read from where it stands. name (may be NULL: "<stream>") stands for the path in
 * messages and in shopstat_reader_path; no file is opened by name. The reader reads fp
 * but does not close it, on failure either: the program closes it after
 * shopstat_reader_free, and uses it from no other thread meanwhile. A pass over such a
 * reader runs on the calling thread, rows in file order (shopstat_pass_opts.threads is not
 * used). fp NULL is SHOPSTAT_EUSAGE. */
shopstat_status shopstat_reader_open_file(FILE *fp, const char *name, const shopstat_csv_opts *opts,
                                          shopstat_reader **out, shopstat_error *err);

/* Free the reader; NULL is a no-op. Whoever opened it frees it, also after a pass that
 * consumed it: shopstat_totals_compute and shopstat_describe never free it. The totals do
 * not borrow from it (free it as soon as shopstat_totals_compute returns); a description
 * does (column names, path): free the reader after shopstat_description_free. */
void shopstat_reader_free(shopstat_reader *r);

/* Getters of an open reader (r not NULL; i < shopstat_reader_ncols(r), not checked).
 * Strings and the dialect are borrowed, valid until the reader is freed. */
const char *shopstat_reader_path(const shopstat_reader *r);
size_t shopstat_reader_ncols(const shopstat_reader *r);
/* Borrowed header name of column i (0-based), valid until the reader is freed. */
const char *shopstat_reader_colname(const shopstat_reader *r, size_t i);
/* With two header rows, the second row's text column i's name was joined with (the
 * option's label: "Phone" of "Which channels would you use? / Phone"), borrowed; NULL
 * where the name is one row's text, and always with one header row. A multi-response
 * question's levels are these labels (when they are distinct within the question). */
const char *shopstat_reader_collabel(const shopstat_reader *r, size_t i);
/* The question text of column i in a Qualtrics export read with opts.skip_rows 2 or more
 * (one header row): the first row skipped, when the second holds import ids
 * ({"ImportId":"QID1"}): "How satisfied are you?" of column Q1; borrowed. NULL for an empty
 * cell, in any other file, and until the skipped rows are read (shopstat_reader_run). */
const char *shopstat_reader_coltext(const shopstat_reader *r, size_t i);
/* 1 when the first row opts.skip_rows skipped (after shopstat_reader_run) was the second
 * header row of a SurveyMonkey export (two cells "Response" or "Open-Ended Response"),
 * which header_rows 2 would read as part of the header; else 0. */
int shopstat_reader_skipped_second_header(const shopstat_reader *r);
const shopstat_csv_dialect *shopstat_reader_dialect(const shopstat_reader *r);
/* Position of column i's header cell. */
shopstat_pos shopstat_reader_colpos(const shopstat_reader *r, size_t i);

/* Header names may be empty or repeated (exports have such columns where a command need
 * not use them): shopstat_reader_colname gives "" for an empty one.
 *
 * Index of the only column called name. On failure fills err (file = the reader's path,
 * no line) with "<what> column 'x' not found (did you mean 'y'?); columns are: a, b, c"
 * (columns without a name are counted, not listed: "... and 3 without a name"), or, when
 * several columns have that name, "<what> column 'x' is ambiguous: columns 3 and 5 have
 * that name; ...", where what is e.g. "--weight" (may be NULL), and returns
 * SHOPSTAT_EUSAGE. An empty name is never found. */
shopstat_status shopstat_reader_column(const shopstat_reader *r, const char *name,
                                       const char *what, size_t *idx, shopstat_error *err);

/* How many columns have column i's name: 1 when it is unique, 0 when it is empty. */
size_t shopstat_reader_colsame(const shopstat_reader *r, size_t i);

/* How many columns are called name (0 for ""). With buf (may be NULL; n bytes) not NULL,
 * they as a message names them: "column 4", "columns 3 and 5", "columns 3, 5 and 9"
 * (1-based; past ten, "columns 1, 2, ..., 10, ... (12 in all)"), "" when there is none. */
size_t shopstat_reader_columns_named(const shopstat_reader *r, const char *name, char *buf,
                                     size_t n);

/* Row callback: return SHOPSTAT_OK to continue; any other status stops the pass and
 * is returned by shopstat_reader_run() with err as the callback left it. */
typedef shopstat_status (*shopstat_row_fn)(void *ctx, const shopstat_row *row,
                                           shopstat_error *err);

/* Stream every data row once through fn. Can be called only once per reader: a second
 * call, or any pass over a reader a pass consumed (shopstat_totals_compute, describe, in
 * chunks over a regular file as over a pipe), returns SHOPSTAT_EUSAGE; open the file again
 * instead.
 * Rows skipped by opts.skip_rows are not passed to fn (nor checked for their field
 * count); nor are rows of the header's field count whose every field is empty (after
 * libcsv's trimming of unquoted spaces: Excel's trailing ",,,,"), which are counted
 * (shopstat_reader_rows_empty). A header without data rows is not an error here: run()
 * succeeds with 0 rows and each command decides (describe reports "no data rows after the
 * header").
 * Errors, each at the line:col of the offending byte or field: a row whose field count
 * differs from the header's, an unterminated quote (where the quoted field starts), a
 * stray quote, a NUL byte, an invalid UTF-8 byte (when the file is taken as UTF-8), a
 * byte the given encoding lacks, a field over SHOPSTAT_CSV_MAX_FIELD (SHOPSTAT_ELIMIT), a
 * Qualtrics import-id row (a cell beginning {"ImportId":) among the first three data rows
 * not skipped (the message names the skip_rows to use; an error of a row before it, fn's
 * included, waits until the third row is read, and gives way to this one).
 * Blank lines are skipped. All parsing state lives in the reader (no globals), so
 * separate readers may run in separate threads. */
shopstat_status shopstat_reader_run(shopstat_reader *r, shopstat_row_fn fn, void *ctx,
                                    shopstat_error *err);

/* Data rows seen (including skipped and empty ones), rows skipped by skip_rows, and rows
 * whose every field is empty (not passed to fn). */
size_t shopstat_reader_rows_read(const shopstat_reader *r);
size_t shopstat_reader_rows_skipped(const shopstat_reader *r);
size_t shopstat_reader_rows_empty(const shopstat_reader *r);
/* Bytes of the file consumed so far (for progress reporting); of a gzip-compressed file, its
 * compressed bytes, near enough (what was inflated for the rows read). */
size_t shopstat_reader_bytes_read(const shopstat_reader *r);

/* 1 if the field is missing: empty, "NA", or one of opts.missing (exact match
 * after trimming surrounding spaces). */
int shopstat_reader_is_missing(const shopstat_reader *r, const char *s, size_t len);
/* The same for a field of column col: opts.missing and the column's own codes. */
int shopstat_reader_is_missing_at(const shopstat_reader *r, size_t col, const char *s, size_t len);
/* Column col's own missing codes (opts.column_missing), NULL-terminated, or NULL. */
const char *const *shopstat_reader_column_missing(const shopstat_reader *r, size_t col);
/* The global missing codes (opts.missing), NULL-terminated (never NULL). */
const char *const *shopstat_reader_missing_codes(const shopstat_reader *r);

/* Parse a number: optional surrounding spaces, sign, digits, '.' (or ',' when
 * decimal_comma), exponent. Returns 1 and sets *out for a finite number; 0 if the
 * text is not a number; -1 if it is one but not finite ("inf", "nan", 1e400),
 * with *out set to the parsed value so callers can say what was wrong. */
int shopstat_parse_number(const char *s, size_t len, int decimal_comma, double *out);

/* ---- codebooks: a panel's value labels --------------------------------------------- */

/* One value label of a codebook: variable (a column's name), value (a code as the data
 * hold it) and label, each trimmed of spaces at its end; pos is the value's cell. */
typedef struct shopstat_value_label {
    const char *variable, *value, *label;
    shopstat_pos pos;
} shopstat_value_label;

typedef struct shopstat_codebook shopstat_codebook;

/* Read a codebook: a CSV (delimiter and encoding detected as shopstat_reader_open does)
 * whose header names a variable column (variable, var, name or column; any case), a value
 * column (value, code) and a label column (label, value label, text), a line per value. A
 * blank variable is the one of the line above, as SPSS's value-label tables list them; a
 * line with a variable alone names it for the lines below. On success *out owns every
 * string (free with shopstat_codebook_free). Errors (SHOPSTAT_EINPUT, at the file's
 * line:col): a header without the three columns (1:1), a label before any variable, a
 * value without a label or a label without a value, a variable's value labelled twice (the
 * message gives the other line); the reader's own errors as shopstat_reader_run gives them;
 * SHOPSTAT_ENOMEM. */
shopstat_status shopstat_codebook_read(const char *path, shopstat_codebook **out,
                                       shopstat_error *err);

/* The number of value labels of cb, and label i (i < that number, not checked), borrowed
 * until cb is freed; in the file's order. cb not NULL. */
size_t shopstat_codebook_n(const shopstat_codebook *cb);
const shopstat_value_label *shopstat_codebook_entry(const shopstat_codebook *cb, size_t i);

/* Free cb and its strings; NULL is a no-op. */
void shopstat_codebook_free(shopstat_codebook *cb);

#ifdef __cplusplus
}
#endif

#endif
