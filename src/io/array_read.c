/* array_read.c — wk_read_array / wk_read_points: pick the reader (NPY, CSV, IDX) from the
 * file name (a trailing ".gz" is looked through: every reader reads gzip), falling back to the
 * content's first bytes, decompressed, when the name says nothing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

/* Does the name, less a trailing ".gz", end in `suffix`? */
static int name_is(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    if (n >= 3 && !strcasecmp(s + n - 3, ".gz")) n -= 3;
    return n >= k && !strncasecmp(s + n - k, suffix, k);
}

int wk_read_array(const char *path, wk_tensor *out) {
    if (!path || !out) return wk_errorf(WK_EINVAL, "wk_read_array: NULL argument");
    if (name_is(path, ".npy")) return wk_read_npy(path, out);
    if (name_is(path, ".csv") || name_is(path, ".txt") || name_is(path, ".tsv")) return wk_read_csv(path, out);
    if (name_is(path, ".idx") || strstr(path, "-ubyte")) return wk_read_idx(path, out);
    /* Unknown name: sniff the (decompressed) content. */
    unsigned char *m;
    size_t got;
    int rc = wk_io_read_file(path, 6, &m, &got);
    if (rc) return rc;
    int npy = got >= 6 && !memcmp(m, "\x93NUMPY", 6), idx = got >= 2 && m[0] == 0 && m[1] == 0;
    wk_free(m);
    if (npy) return wk_read_npy(path, out);
    if (idx) return wk_read_idx(path, out);
    if (got == 0) return wk_errorf(WK_EFORMAT, "%s: file is empty", path);
    return wk_read_csv(path, out);
}

int wk_read_points(const char *path, wk_tensor *out) {
    int rc = wk_read_array(path, out);
    if (rc) return rc;
    int64_t rows = out->ndim == 0 ? 1 : out->shape[0];
    int64_t shape[2] = {rows, rows ? out->numel / rows : 0};
    if (out->ndim <= 1) shape[1] = 1;
    if (out->ndim == 1) shape[0] = out->shape[0];
    return wk_tensor_set_shape(out, 2, shape);
}
