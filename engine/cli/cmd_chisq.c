/* shopstat chisq: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_chisq_help[] = "usage: shopstat chisq ...\n\nNot implemented yet.\n";

int cmd_chisq(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'chisq' is not implemented yet\n", stderr);
    return 1;
}
