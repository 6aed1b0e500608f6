/* array_read.c — wk_read_array / wk_read_points: pick the reader (NPY, CSV, IDX) from the
 * file name, falling back to the file's first bytes when the extension says nothing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

static int read_array(const char *path, wk_tensor *out, double **f64) {
    if (!path || !out) return wk_errorf(WK_EINVAL, "wk_read_array: NULL argument");
    if (ends_with(path, ".npy")) return wk_io_read_npy(path, out, f64);
    if (ends_with(path, ".csv") || ends_with(path, ".txt") || ends_with(path, ".tsv"))
        return wk_io_read_csv(path, out, f64);
    if (ends_with(path, ".gz") || ends_with(path, ".idx") || strstr(path, "-ubyte"))
        return wk_io_read_idx(path, out, f64);
    /* Unknown extension: sniff. */
    FILE *f = fopen(path, "rb");
    if (!f) return wk_io_read_npy(path, out, f64); /* reports the open error by name */
    unsigned char m[6] = {0};
    size_t got = fread(m, 1, sizeof m, f);
    fclose(f);
    if (got >= 6 && !memcmp(m, "\x93NUMPY", 6)) return wk_io_read_npy(path, out, f64);
    if (got >= 2 && ((m[0] == 0x1f && m[1] == 0x8b) || (m[0] == 0 && m[1] == 0))) return wk_io_read_idx(path, out, f64);
    if (got == 0) return wk_errorf(WK_EFORMAT, "%s: file is empty", path);
    return wk_io_read_csv(path, out, f64);
}

int wk_read_array(const char *path, wk_tensor *out) { return read_array(path, out, NULL); }

/* [rows, prod(other dims)] (a 1-D array becomes [n, 1]) */
static int points_shape(wk_tensor *out) {
    int64_t rows = out->ndim == 0 ? 1 : out->shape[0];
    int64_t shape[2] = {rows, rows ? out->numel / rows : 0};
    if (out->ndim <= 1) shape[1] = 1;
    if (out->ndim == 1) shape[0] = out->shape[0];
    return wk_tensor_set_shape(out, 2, shape);
}

int wk_read_points(const char *path, wk_tensor *out) {
    int rc = wk_read_array(path, out);
    return rc ? rc : points_shape(out);
}

int wk_read_points_f64(const char *path, double **data, int64_t *rows, int64_t *cols) {
    if (!data || !rows || !cols) return wk_errorf(WK_EINVAL, "wk_read_points_f64: NULL argument");
    *data = NULL;
    wk_tensor t;
    double *x = NULL;
    int rc = read_array(path, &t, &x);
    if (!rc) rc = points_shape(&t);
    if (rc) {
        wk_free(x);
        return rc;
    }
    *data = x;
    *rows = t.shape[0];
    *cols = t.shape[1];
    return WK_OK;
}
