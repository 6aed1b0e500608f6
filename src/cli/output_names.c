/* output_names.c — outputs named on the command line are checked before the work: a file a
 * command writes carries the format its name says (`draw -o r.csv` wrote NPY bytes that every
 * reader of .csv, which goes by the extension, then refused, and a `.png` that was no picture):
 * each command lists the extensions it can write for an output flag, any other name is bad
 * usage (exit 2) naming the flag; and an output directory can be made or written (birthday and
 * generalization computed everything, then failed on an --out under a missing directory). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "wgankit/atomic_file.h"

int cli_check_extension(const char *cmd, const char *flag, const char *path, const char *const *exts) {
    if (!path) return 0;
    int n = 0;
    while (exts[n]) {
        if (wk_str_ends_with(path, exts[n])) return 0;
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

int cli_check_out_dir(const char *cmd, const char *flag, const char *dir) {
    struct stat st;
    if (!stat(dir, &st)) {
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "wgankit %s: %s %s: exists and is not a directory\n", cmd, flag, dir);
            return 2;
        }
        if (access(dir, W_OK | X_OK)) {
            fprintf(stderr, "wgankit %s: %s %s: cannot write in it: %s\n", cmd, flag, dir, strerror(errno));
            return 2;
        }
        return 0;
    }
    /* made later with mkdir (one level): its parent must exist and take a new entry */
    char parent[PATH_MAX];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--; /* "out/" is "out" */
    wk_parent_dir(dir, n, parent, sizeof parent);
    if (access(parent, W_OK | X_OK)) {
        fprintf(stderr, "wgankit %s: %s %s: cannot create the directory (%s: %s)\n", cmd, flag, dir, parent, strerror(errno));
        return 2;
    }
    return 0;
}
