/* io.h — reading and writing arrays and checkpoints: NPY, CSV, IDX (plain or .gz), safetensors.
 *
 * All readers validate before they trust: header sizes against the file length, shapes
 * against element counts, dtypes against what is supported. A failure returns WK_EIO /
 * WK_EFORMAT with a message naming the file and the field. All writers write to a temporary
 * file in the same directory, fsync it, then rename it over the target, so a crash never
 * leaves a half-written file behind. */
#ifndef WGANKIT_IO_H
#define WGANKIT_IO_H

#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read a numeric array into a freshly heap-allocated float32 tensor (free with
 * wk_tensor_free). The format comes from the extension: .npy (float32, float64, uint8,
 * int32, int64), .csv/.txt (comma or whitespace separated, one row per line, an optional
 * non-numeric header line), .idx / *-ubyte and .gz variants (IDX, gzip through zlib).
 * NaN/Inf in the data is reported as WK_ENUMERIC naming the file and row. */
int wk_read_array(const char *path, wk_tensor *out);
/* Same, then flattened to 2-D [rows, prod(other dims)] (a 1-D array becomes [n, 1]). */
int wk_read_points(const char *path, wk_tensor *out);
/* wk_read_points in float64: *data [rows * cols] (free with wk_free). float64 and integer NPY,
 * float64 IDX and text keep every digit that float64 holds (OT distances of coordinates,
 * timestamps or ids far larger than their spread). */
int wk_read_points_f64(const char *path, double **data, int64_t *rows, int64_t *cols);

/* The individual readers wk_read_array dispatches to (same contract). */
int wk_read_npy(const char *path, wk_tensor *out);
int wk_read_csv(const char *path, wk_tensor *out);
int wk_read_idx(const char *path, wk_tensor *out);

/* Write float32 NPY (atomically). */
int wk_write_npy(const char *path, const wk_tensor *t);

/* Write `len` bytes to `path` atomically: temp file in the same directory, fsync, rename. */
int wk_write_file_atomic(const char *path, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
