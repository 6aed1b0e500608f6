/* cmd_demo.c — placeholder replaced by the real core demo below once autodiff lands. */
#include <stdio.h>
#include "cli/cli.h"
#include "wgankit/tensor.h"
int wk_cmd_demo(int argc, char **argv) {
    (void)argc; (void)argv;
    printf("wgankit: %d threads\n", wk_get_threads());
    return 0;
}
