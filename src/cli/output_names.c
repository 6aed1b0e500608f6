/* output_names.c — a file a command writes carries the format its name says: `draw -o r.csv`
 * wrote NPY bytes that every reader of .csv (which goes by the extension) then refused, and a
 * `.png` that was no picture. Each command lists the extensions it can write for an output flag;
 * any other name is bad usage (exit 2) naming the flag, checked before anything is computed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int cli_check_extension(const char *cmd, const char *flag, const char *path, const char *const *exts) {
    if (!path) return 0;
    int n = 0;
    while (exts[n]) {
        if (cli_ends_with(path, exts[n])) return 0;
        n++;
    }
    char list[256] = "";
    for (int i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", exts[i]);
    }
    fprintf(stderr, "wgankit %s: %s %s: the file name must end in %s (the format written)\n", cmd, flag, path, list);
    return 2;
}
