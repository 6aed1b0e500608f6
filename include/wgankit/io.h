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
 * wk_tensor_free). The format comes from the extension, a trailing .gz looked through: .npy
 * (float32, float64, uint8, bool, int32, int64), .csv/.txt/.tsv (comma, semicolon or blank
 * separated, one row per line, LF/CR/CRLF endings, an optional header line of non-numbers),
 * .idx / *-ubyte (IDX); an unknown name is recognised by its first bytes. Any of them may be
 * gzip-compressed. Errors name the file: WK_EIO (cannot open/read), WK_EFORMAT (malformed or
 * unsupported contents, sizes that do not match the file), WK_ENUMERIC (NaN/Inf, naming the
 * row), WK_ENOFIT (contents too large for the memory this process may use: the input's size, not a
 * machine failure nor malformed contents; the CLI's exit 2, Python's MemoryError). Nothing
 * is allocated on a size the file merely claims. */
int wk_read_array(const char *path, wk_tensor *out);
/* Same, then flattened to 2-D [rows, prod(other dims)] (a 1-D array becomes [n, 1]). */
int wk_read_points(const char *path, wk_tensor *out);
/* wk_read_array in float64: *f64 [numel] in the stored order (free with wk_free); `shape` gets
 * the stored shape only (its data NULL). Every value as wk_read_points_f64 reads it. */
int wk_read_array_f64(const char *path, wk_tensor *shape, double **f64);
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
