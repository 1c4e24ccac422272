/* shopstat describe: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_describe_help[] = "usage: shopstat describe ...\n\nNot implemented yet.\n";

int cmd_describe(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'describe' is not implemented yet\n", stderr);
    return 1;
}
