/* shopstat report: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_report_help[] = "usage: shopstat report ...\n\nNot implemented yet.\n";

int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'report' is not implemented yet\n", stderr);
    return 1;
}
