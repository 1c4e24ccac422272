/* Command entry points of the shopstat CLI; each lives in its own cmd_<name>.c. */
#ifndef SHOPSTAT_CLI_H
#define SHOPSTAT_CLI_H

#include <stdio.h>

#include "shopstat/error.h"
#include "shopstat/tab.h"

/* Each command gets argv after the command name (argv[0] is the command name) and
 * returns the process exit status. Its help text is printed by `shopstat help NAME`
 * and by `shopstat NAME --help`. */
typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    const char *help;
    const char *help_more; /* printed after help, or NULL */
    int pass;              /* runs a chunked pass: its workers are started first */
} cli_command;

int cmd_describe(int argc, char **argv);
int cmd_tab(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_chisq(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_replicate(int argc, char **argv);

extern const char cmd_describe_help[];
extern const char cmd_describe_help_more[];
extern const char cmd_tab_help[];
extern const char cmd_tab_help_more[];
extern const char cmd_compare_help[];
extern const char cmd_chisq_help[];
extern const char cmd_score_help[];
extern const char cmd_report_help[];
extern const char cmd_replicate_help[];

/* Load shopstat-plots.so (charts, XLSX writer; plugin.c) now: a command that will draw
 * or write a workbook calls it before reading its data, so that a missing or broken
 * installation fails at once and before any output is written. */
shopstat_status cli_plugin_load(shopstat_error *err);

/* Print err as one GCC-style line on stderr and return its exit code. */
int cli_fail(const shopstat_error *err);
/* The options a library message names by their struct field ("csv_opts.skip_rows",
 * "design_opts.lonely") or by the call that takes them, in the flags' words ("--skip-rows");
 * msg is rewritten in place (size bytes). cli_fail does it; a command quoting a library
 * message in its own text calls it. */
void cli_option_words(char *msg, size_t size);

/* Print "shopstat: error: <msg>" (printf-style) on stderr and return 2 (usage). */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Print "shopstat: error: out of memory" on stderr and return 1: an internal failure, not
 * the user's (exit 2 is for bad input and usage). */
int cli_oom(void);

/* Print "shopstat: warning: <msg>" on stderr. */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* --codes-sep V: the one character V holds besides blanks ("; " is ';'), into *sep; 0, or
 * 2 after a usage error. */
int cli_codes_sep(const char *v, char *sep);

/* --dedupe COL: the plan's exclusion of rows repeating an earlier row's COL, its reason
 * "--dedupe COL" (as the row accounting names it); 0, or 2 after an error. */
int cli_dedupe(shopstat_plan *p, const char *column);

/* 1 if argv[i] is --help or -h for some i. */
int cli_wants_help(int argc, char **argv);

#endif
