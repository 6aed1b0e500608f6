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

#endif
