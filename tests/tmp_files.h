/* tmp_files.h — a test's scratch files: `dir` (a template the test turns into a directory with
 * mkdtemp first, and removes at the end), tmp_path(name) for a file in it (four names stay valid
 * at once), write_bytes(path, data, n) to write one whole (the test stops if it cannot open or write it).
 * Define TMP_DIR_TEMPLATE before including to name the directory after the test. */
#ifndef WK_TEST_TMP_FILES_H
#define WK_TEST_TMP_FILES_H

#include <stdio.h>

#include "check.h"

#ifndef TMP_DIR_TEMPLATE
#define TMP_DIR_TEMPLATE "/tmp/wk_test_XXXXXX"
#endif

static char dir[] = TMP_DIR_TEMPLATE;

static const char *tmp_path(const char *name) {
    static char bufs[4][256]; /* a few live at once */
    static int k;
    char *buf = bufs[k++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", dir, name);
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    REQUIRE(f, "open %s", path);
    REQUIRE(fwrite(data, 1, n, f) == n, "write %s", path);
    fclose(f);
}

#endif
