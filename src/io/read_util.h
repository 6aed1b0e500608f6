/* read_util.h — helpers shared by the array readers (npy_read.c, csv_read.c, idx_read.c):
 * slurping a file, allocating the result tensor, and the NaN/Inf check that names the row. */
#ifndef WK_IO_READ_UTIL_H
#define WK_IO_READ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "wgankit/tensor.h"

/* Read the whole file into a wk_malloc'ed buffer (NUL-terminated, *len excludes the NUL). */
int wk_io_slurp(const char *path, unsigned char **buf, size_t *len);
/* Allocate `out` with the given shape, refusing absurd element counts with a message naming
 * the file. */
int wk_io_alloc_tensor(const char *path, wk_tensor *out, int ndim, const int64_t *shape);
/* WK_ENUMERIC naming the file and the (0-based) row of the first NaN/Inf, rows being the
 * first dimension. */
int wk_io_check_finite_rows(const char *path, const wk_tensor *t);

/* Where a reader puts its values: the float32 tensor `out`, or, when f64 is non-NULL, a
 * float64 array *f64 [numel] (then `out` holds the shape only, data NULL), so float64 and
 * integer files and text reach double-precision users (OT) without rounding to float32. */
int wk_io_alloc_out(const char *path, wk_tensor *out, double **f64, int ndim, const int64_t *shape);
static inline void wk_io_put(wk_tensor *out, double *f64, int64_t i, double v) {
    if (f64) f64[i] = v;
    else out->data[i] = (float)v;
}
/* wk_io_check_finite_rows on whichever of the two holds the values. */
int wk_io_check_finite_out(const char *path, const wk_tensor *out, const double *f64);
void wk_io_free_out(wk_tensor *out, double **f64);
/* The readers with that choice (f64 NULL: the float32 reader itself). */
int wk_io_read_npy(const char *path, wk_tensor *out, double **f64);
int wk_io_read_csv(const char *path, wk_tensor *out, double **f64);
int wk_io_read_idx(const char *path, wk_tensor *out, double **f64);

#endif
