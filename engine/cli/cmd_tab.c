/* shopstat tab: placeholder until the command lands (see the open issues). */
#include <stdio.h>

#include "cli/cli.h"

const char cmd_tab_help[] = "usage: shopstat tab ...\n\nNot implemented yet.\n";

int cmd_tab(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shopstat: error: 'tab' is not implemented yet\n", stderr);
    return 1;
}
