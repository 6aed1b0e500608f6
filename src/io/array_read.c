/* array_read.c — wk_read_array / wk_read_points (and their float64 forms): pick the reader (NPY, CSV, IDX, CIFAR-10 .bin)
 * from the file name (a trailing ".gz" is looked through: every reader reads gzip), falling back to the
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

typedef enum { READ_NPY, READ_CSV, READ_IDX, READ_CIFAR } reader;

/* The reader of `path`: by its name, else by its (decompressed) first bytes. */
static int pick_reader(const char *path, reader *r) {
    if (name_is(path, ".npy")) *r = READ_NPY;
    else if (name_is(path, ".csv") || name_is(path, ".txt") || name_is(path, ".tsv")) *r = READ_CSV;
    else if (name_is(path, ".idx") || strstr(path, "-ubyte")) *r = READ_IDX;
    else if (name_is(path, ".bin")) *r = READ_CIFAR;
    else { /* unknown name: sniff the content */
        unsigned char *m;
        size_t got;
        int rc = wk_io_read_file(path, 6, &m, &got);
        if (rc) return rc;
        int npy = got >= 6 && !memcmp(m, "\x93NUMPY", 6), idx = got >= 2 && m[0] == 0 && m[1] == 0;
        wk_free(m);
        if (!npy && !idx && got == 0) return wk_errorf(WK_EFORMAT, "%s: file is empty", path);
        *r = npy ? READ_NPY : idx ? READ_IDX : READ_CSV;
    }
    return WK_OK;
}

/* f64 non-NULL: the values in float64 (read_util.h), for wk_read_points_f64. */
static int read_array(const char *path, wk_tensor *out, double **f64) {
    if (!path || !out) return wk_errorf(WK_EINVAL, "wk_read_array: NULL argument");
    memset(out, 0, sizeof *out); /* empty on every failure, the reader's own or this one's: a caller may free it */
    reader r;
    int rc = pick_reader(path, &r);
    if (rc) return rc;
    switch (r) {
    case READ_NPY: return wk_io_read_npy(path, out, f64);
    case READ_CSV: return wk_io_read_csv(path, out, f64);
    case READ_IDX: return wk_io_read_idx(path, out, f64);
    default: return wk_io_read_cifar10(path, out, f64, NULL);
    }
}

int wk_io_stored_dtype(const char *path, wk_io_dtype *dt, int *ndim) {
    reader r;
    int rc = pick_reader(path, &r), nd = 0;
    if (rc) return rc;
    switch (r) {
    case READ_NPY: rc = wk_io_npy_dtype(path, dt, &nd); break;
    case READ_IDX: rc = wk_io_idx_dtype(path, dt, &nd); break;
    case READ_CSV: *dt = WK_IO_DT_TEXT, nd = 2; break; /* rows of numbers */
    default: *dt = WK_IO_DT_U8, nd = 4; break;        /* CIFAR-10 records: [N, 3, 32, 32] pixel bytes */
    }
    if (!rc && ndim) *ndim = nd;
    return rc;
}

int wk_read_array(const char *path, wk_tensor *out) { return read_array(path, out, NULL); }

int wk_read_array_f64(const char *path, wk_tensor *shape, double **f64) {
    if (!f64) return wk_errorf(WK_EINVAL, "wk_read_array_f64: NULL argument");
    double *x = NULL;
    int rc = read_array(path, shape, &x);
    if (rc) wk_free(x), x = NULL;
    *f64 = x;
    return rc;
}

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
