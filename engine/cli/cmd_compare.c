/* shopstat compare: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_compare_help[] = "usage: shopstat compare ...\n\nNot implemented yet.\n";

int cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'compare' is not implemented yet\n", stderr);
    return 1;
}
