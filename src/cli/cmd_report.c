/* cmd_report.c — `wgankit report RUN_DIR`: rebuild RUN_DIR/report.html (report.h).
 * The command asks for a usable run: RUN_DIR a directory holding a config.json that parses to a
 * JSON object; anything else exits 2 naming the file and writes nothing (the library's builder,
 * also used by train at every evaluation, accepts any subset of a run's files). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/report.h"

/* 0 when dir is a run directory with a readable config.json object, else 2 (message printed). */
static int check_run_dir(const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, "wgankit report: run directory '%s' does not exist\n", dir);
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "wgankit report: '%s' is not a directory (give a run directory, as written by train --out)\n", dir);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/config.json", dir);
    if (stat(path, &st) != 0) {
        fprintf(stderr, "wgankit report: %s: missing: '%s' is not a run directory (train --out writes config.json)\n", path, dir);
        return 2;
    }
    wk_json *cfg = NULL;
    int rc = wk_json_parse_file(path, &cfg);
    if (rc) {
        fprintf(stderr, "wgankit report: %s: %s\n", path, wk_last_error());
        return cli_exit_code(rc);
    }
    int is_object = cfg->type == WK_JSON_OBJECT;
    wk_json_free(cfg);
    if (!is_object) {
        fprintf(stderr, "wgankit report: %s: not a JSON object of settings\n", path);
        return 2;
    }
    return 0;
}

int wk_cmd_report(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: wgankit report RUN_DIR\n\nRebuild RUN_DIR/report.html from config.json (required), metrics.jsonl and\n"
                   "the PNG images in RUN_DIR and print its path. A metrics.jsonl line that is not a JSON object with an\n"
                   "integer \"step\" in [0, 2^53] (or is over 1 MiB) is skipped with a warning naming the file and line.\n");
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
    int code = check_run_dir(dir);
    if (code) return code;
    char path[4096];
    int rc = wk_report_build_warn(dir, path, sizeof path, stderr); /* damaged metrics lines named, file and line */
    if (rc != WK_OK) {
        fprintf(stderr, "wgankit report: %s\n", wk_last_error());
        return cli_exit_code(rc); /* a missing or read-only RUN_DIR is bad input (2), not a failure of the run */
    }
    printf("%s\n", path);
    return 0;
}
