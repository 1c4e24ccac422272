/* shopstat replicate: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_replicate_help[] = "usage: shopstat replicate ...\n\nNot implemented yet.\n";

int cmd_replicate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'replicate' is not implemented yet\n", stderr);
    return 1;
}
