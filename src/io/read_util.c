/* read_util.c — helpers shared by the array readers (see read_util.h). */
#include "io/read_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wgankit/error.h"

int wk_io_slurp(const char *path, unsigned char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return wk_errorf(WK_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = wk_malloc(cap + 1);
    if (!b) {
        fclose(f);
        return WK_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            unsigned char *nb = wk_realloc(b, cap * 2 + 1);
            if (!nb) {
                wk_free(b);
                fclose(f);
                return WK_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        wk_free(b);
        return wk_errorf(WK_EIO, "%s: read error", path);
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return WK_OK;
}

/* The shape's range checks (before anything is allocated for it). */
static int check_shape(const char *path, int ndim, const int64_t *shape) {
    if (ndim > WK_MAX_DIMS)
        return wk_errorf(WK_EFORMAT, "%s: %d dimensions (wgankit supports at most %d)", path, ndim, WK_MAX_DIMS);
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0 || (shape[i] > 0 && n > ((int64_t)1 << 40) / shape[i]))
            return wk_errorf(WK_EFORMAT, "%s: shape dimension %d (%lld) is out of range", path, i,
                             (long long)shape[i]);
        n *= shape[i];
    }
    return WK_OK;
}

int wk_io_alloc_tensor(const char *path, wk_tensor *out, int ndim, const int64_t *shape) {
    int rc = check_shape(path, ndim, shape);
    if (rc) return rc;
    rc = wk_tensor_alloc(out, ndim, shape);
    if (rc) return wk_error_context(rc, "%s", path);
    return WK_OK;
}

int wk_io_check_finite_rows(const char *path, const wk_tensor *t) {
    int64_t per_row = t->ndim > 0 && t->shape[0] > 0 ? t->numel / t->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    for (int64_t i = 0; i < t->numel; i++)
        if (!isfinite(t->data[i]))
            return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %s", path, (long long)(i / per_row),
                             (long long)(i % per_row), isnan(t->data[i]) ? "NaN" : "Inf");
    return WK_OK;
}

int wk_io_alloc_out(const char *path, wk_tensor *out, double **f64, int ndim, const int64_t *shape) {
    if (!f64) return wk_io_alloc_tensor(path, out, ndim, shape);
    *f64 = NULL;
    int rc = check_shape(path, ndim, shape);
    if (rc) return rc;
    if ((rc = wk_tensor_set_shape(out, ndim, shape)) != 0) return wk_error_context(rc, "%s", path);
    out->data = NULL;
    *f64 = wk_malloc((size_t)(out->numel ? out->numel : 1) * sizeof(double));
    if (!*f64) return wk_error_context(WK_ENOMEM, "%s", path);
    return WK_OK;
}

int wk_io_check_finite_out(const char *path, const wk_tensor *out, const double *f64) {
    if (!f64) return wk_io_check_finite_rows(path, out);
    int64_t per_row = out->ndim > 0 && out->shape[0] > 0 ? out->numel / out->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    for (int64_t i = 0; i < out->numel; i++)
        if (!isfinite(f64[i]))
            return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %s", path, (long long)(i / per_row),
                             (long long)(i % per_row), isnan(f64[i]) ? "NaN" : "Inf");
    return WK_OK;
}

void wk_io_free_out(wk_tensor *out, double **f64) {
    if (f64) {
        wk_free(*f64);
        *f64 = NULL;
        memset(out, 0, sizeof *out);
    } else {
        wk_tensor_free(out);
    }
}
