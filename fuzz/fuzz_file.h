/* fuzz_file.h — the input file of a fuzz harness.
 *
 * Every reader of wgankit takes a path (the format comes from the extension), so a harness
 * writes its input bytes to a private file and hands the reader that path. The file lives in
 * /dev/shm when there is one (no disk traffic at thousands of runs a second), is named by the
 * process id and the extension (parallel fuzzers and harnesses never share one), and is
 * rewritten on every run. Header-only: it is compiled into each harness and its replay. */
#ifndef WGANKIT_FUZZ_FILE_H
#define WGANKIT_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wgankit/error.h"

/* The path for files ending in `suffix` (".npy", ".idx.gz"); points to a static buffer of
 * its own per call site slot `slot` (0..3), so a harness can hold a few files at once. */
static const char *wk_fuzz_path(int slot, const char *suffix) {
    static char paths[4][256];
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(paths[slot], sizeof paths[slot], "%s/wgankit-fuzz-%ld-%d%s", dir, (long)getpid(), slot, suffix);
    return paths[slot];
}

/* Write the bytes to `path`; 0 on success. A harness that cannot write its input aborts:
 * that is a broken machine, not a finding. */
static void wk_fuzz_write(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        abort();
    }
}

/* With WK_FUZZ_VERBOSE set (replaying one input by hand), print each stage's status and
 * message, to see how far an input gets; returns rc. */
static int wk_fuzz_note(int rc, const char *stage) {
    static int verbose = -1;
    if (verbose < 0) verbose = getenv("WK_FUZZ_VERBOSE") != NULL;
    if (verbose) fprintf(stderr, "  %s: %d %s\n", stage, rc, rc ? wk_last_error() : "ok");
    return rc;
}

#endif
