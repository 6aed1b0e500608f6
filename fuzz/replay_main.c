/* replay_main.c — the main() that `make test` links with each fuzz harness (gcc, the normal
 * build, no libFuzzer): every file named on the command line, or inside a directory named
 * there, is fed once to LLVMFuzzerTestOneInput. A regression input that crashes, or trips a
 * sanitizer in the make check-sanitize build, fails the CTest test of its harness; the file
 * name is printed before each run so the failing input is the last line of the log. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 4096))) abort();
        got = fread(buf + size, 1, cap - size, f);
        size += got;
    } while (got > 0);
    fclose(f);
    printf("replay %s (%zu bytes)\n", path, size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, size);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Files of a directory in name order (a stable log), skipping dot files (README, .gitkeep). */
static int replay_dir(const char *dir, int *n) {
    DIR *d = opendir(dir);
    if (!d) return 0; /* no regressions for this harness yet */
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strcmp(e->d_name, "README.md")) {
            if (!(names = realloc(names, (count + 1) * sizeof *names)) || !(names[count++] = strdup(e->d_name))) abort();
        }
    closedir(d);
    qsort(names, count, sizeof *names, cmp);
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        bad |= replay_file(path);
        (*n)++;
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv) {
    int bad = 0, n = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) bad |= replay_dir(argv[i], &n);
        else if (stat(argv[i], &st) == 0) bad |= replay_file(argv[i]), n++;
    }
    printf("%d inputs replayed without a crash\n", n);
    return bad;
}
