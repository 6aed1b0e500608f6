/* cmd_report.c — `wgankit report RUN_DIR`: rebuild RUN_DIR/report.html (report.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/report.h"

int wk_cmd_report(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: wgankit report RUN_DIR\n\nRebuild RUN_DIR/report.html from config.json, metrics.jsonl and the\n"
                   "PNG images in RUN_DIR (any subset may be present) and print its path.\n");
            return 0;
        }
        if (argv[i][0] == '-') {
            fprintf(stderr, "wgankit report: unknown flag '%s'\n", argv[i]);
            return 2;
        }
        if (dir) {
            fprintf(stderr, "wgankit report: one RUN_DIR expected, got '%s' and '%s'\n", dir, argv[i]);
            return 2;
        }
        dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "usage: wgankit report RUN_DIR\n");
        return 2;
    }
    char path[4096];
    int rc = wk_report_build(dir, path, sizeof path);
    if (rc != WK_OK) {
        fprintf(stderr, "wgankit report: %s\n", wk_last_error());
        return cli_exit_code(rc); /* a missing or read-only RUN_DIR is bad input (2), not a failure of the run */
    }
    printf("%s\n", path);
    return 0;
}
