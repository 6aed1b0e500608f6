/* file_aliases.c — a command's outputs never alias each other or one of its inputs: `critic -o F
 * --grad F` would write the gradients over the values, `critic --input F -o F` the values over
 * the points, and both would report success. Two names are the same file when both exist and
 * share device and inode (links, "./F", "../dir/F"), or, when one does not exist yet, when their
 * directories resolve to the same one and the last components agree. Checked before anything is
 * computed or written; a refusal is bad usage (exit 2) naming both flags. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "wgankit/atomic_file.h"

/* `path` with its directory resolved (the file itself need not exist); 0 if the directory does not. */
static int resolve(const char *path, char *out, size_t cap) {
    char dir[PATH_MAX], real[PATH_MAX];
    const char *base = path + wk_parent_dir(path, strlen(path), dir, sizeof dir);
    if (!realpath(dir, real)) return 0;
    snprintf(out, cap, "%s/%s", real, base);
    return 1;
}

int cli_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    if (!stat(a, &sa) && !stat(b, &sb)) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char ra[PATH_MAX + 8], rb[PATH_MAX + 8];
    return resolve(a, ra, sizeof ra) && resolve(b, rb, sizeof rb) && !strcmp(ra, rb);
}

int cli_check_aliases(const char *cmd, int n, const char *const *flags, const char *const *paths, int n_out) {
    for (int i = 0; i < n_out; i++)
        for (int j = i + 1; j < n; j++) {
            if (!paths[i] || !paths[j] || !cli_same_file(paths[i], paths[j])) continue;
            if (j < n_out)
                fprintf(stderr, "wgankit %s: %s %s and %s %s name the same file: one output would overwrite the other\n", cmd,
                        flags[i], paths[i], flags[j], paths[j]);
            else
                fprintf(stderr, "wgankit %s: %s %s is the %s file: writing it would replace the input\n", cmd, flags[i], paths[i],
                        flags[j]);
            return 2;
        }
    return 0;
}
