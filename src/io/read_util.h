/* read_util.h — the one whole-file reader of the library and the helpers shared by the array
 * readers (npy_read.c, csv_read.c, idx_read.c, the CIFAR reader, safetensors and JSON files).
 *
 * Invariants: nothing is allocated on a size the input merely claims. wk_io_read_file sizes its
 * buffer from the bytes really there (the file length, or what gzip has delivered so far) and
 * stops one byte past the caller's limit; a failed allocation for the input's own contents is
 * WK_ENOFIT naming the file (the input as given does not fit the memory this process may use: a
 * resource limit, not malformed input; the CLI's exit 2 as for other bad input, Python's
 * MemoryError), not WK_ENOMEM (exit 1), because a smaller input would have fitted. Since Linux overcommits (a malloc beyond memory succeeds and
 * the OOM killer strikes later), sizes are also checked against wk_io_memory_room before
 * allocating: a header's claim before its data is read, the buffer's growth, the arrays. */
#ifndef WK_IO_READ_UTIL_H
#define WK_IO_READ_UTIL_H

#include <stddef.h>
#include <math.h>
#include <stdint.h>

#include "wgankit/tensor.h"

#define WK_IO_NO_LIMIT UINT64_MAX

/* Read the whole contents of `path` into a wk_malloc'ed buffer, NUL-terminated (*len excludes
 * the NUL). A gzip file is decompressed on the way (zlib), so every whole-file reader takes a
 * `.gz` as well. At most `limit` + 1 bytes are read: *len == limit + 1 tells the caller that the
 * contents are longer than `limit`, without the rest being read or decompressed. Errors:
 * WK_EIO (cannot open / read, a directory), WK_EFORMAT (corrupt gzip), WK_ENOFIT (too large for
 * memory), each naming the file. */
int wk_io_read_file(const char *path, uint64_t limit, unsigned char **buf, size_t *len);
/* The same, and in *plain the file's length when it is a plain (not gzip) regular file, else
 * WK_IO_NOT_PLAIN: what the read learnt from its open, for wk_io_read_claimed. */
#define WK_IO_NOT_PLAIN UINT64_MAX
int wk_io_read_file_sized(const char *path, uint64_t limit, unsigned char **buf, size_t *len, uint64_t *plain);

/* The data an array header (kind "IDX", "NPY") promises, `total` bytes of file in all, after
 * *buf[0, *len) was read with the limit `lim` (wk_io_read_file_sized, which gave `plain`): a
 * plain file whose length is not `total` is left unread (its length in *size: the caller
 * reports it truncated or overlong); otherwise the
 * claim (numel values of `item` bytes kept, plus the file) is checked with
 * wk_io_check_header_fits, then the file is read again up to one byte past `total` when the
 * first read stopped at `lim`. *size: the bytes known; *more: the file holds more than that. */
int wk_io_read_claimed(const char *path, const char *kind, int ndim, const int64_t *shape, uint64_t total,
                       uint64_t item, uint64_t plain, uint64_t lim, unsigned char **buf, size_t *len, uint64_t *size, int *more);

/* Decodes one stored value at p (type: the reader's own type code). */
typedef double (*wk_io_decode_fn)(const unsigned char *p, int type);

/* Turn the file's buffer *buf (the data at `off`: numel values of `item` bytes, decoded by
 * `get`) into the output of shape `shape`, in place: the data is moved to the start, the block
 * resized to the output (realloc: large blocks are remapped, not copied) and converted from the
 * end or the start so that no value is overwritten before it is read. Peak memory is the larger
 * of the file and the output, not their sum. On success the block is the output (float32
 * out->data, or *f64 when f64 is non-NULL) and *buf is NULL; on failure *buf is still the
 * caller's to free. Errors: the shape's (as wk_io_alloc_out), a value beyond float32
 * (wk_io_beyond_f32), a failed resize (wk_io_too_large). Finiteness is the caller's check. */
int wk_io_convert_in_place(const char *path, unsigned char **buf, size_t off, size_t item, wk_io_decode_fn get,
                           int type, wk_tensor *out, double **f64, int ndim, const int64_t *shape);

/* WK_ENOFIT "PATH: out of memory for WHAT (N bytes): the input is too large for this machine",
 * for allocations whose size the input's real contents set. */
int wk_io_too_large(const char *path, const char *what, uint64_t bytes);

/* Does the number text p (after blanks and a sign) start with 0x / 0X? strtod reads C's hex
 * floats (0x10 is 16, 0x1p3 is 8); every number wgankit reads from text — CSV fields, flags,
 * config and spec values — is decimal (as numpy.loadtxt and JSON read them), so the readers
 * refuse these rather than take strtod's side reading. */
static inline int wk_io_hex_text(const char *p) {
    while (*p == ' ' || *p == '\t') p++;
    p += *p == '+' || *p == '-';
    return p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
}

/* The bytes this process may still allocate and touch: the smallest of physical memory
 * (sysconf _SC_PHYS_PAGES x page size) less this process's resident bytes, the memory the
 * kernel can still give (/proc/meminfo MemAvailable + SwapFree), RLIMIT_AS less its
 * address space, RLIMIT_DATA less its data segment, and a cgroup memory limit (v2 memory.max,
 * v1 memory.limit_in_bytes, of this process's group and its parents) less its resident bytes.
 * *which (may be NULL) names the limit that binds. Under Linux's overcommit a malloc beyond
 * physical memory succeeds and the OOM killer ends the process later; this is what to compare
 * an input's needs with before allocating for it. */
uint64_t wk_io_memory_room(const char **which);

/* WK_ENOFIT "PATH: WHAT needs N bytes in memory, more than this process may use (R bytes, the
 * limit of WHICH): the input is too large for this machine" when `bytes` exceeds
 * wk_io_memory_room(); WK_OK otherwise. `what` names the claim (the header field, the sizes);
 * `bytes` is everything the path will hold at once (the raw bytes and the converted values). */
int wk_io_check_fits(const char *path, const char *what, uint64_t bytes);

/* wk_io_check_fits for an array file's header: "the KIND header's shape (d0, d1, ...) of N
 * rows" needing `raw` bytes of file contents, converted in place (wk_io_convert_in_place) to
 * numel values of `item` bytes each: the larger of the two. */
int wk_io_check_header_fits(const char *path, const char *kind, int ndim, const int64_t *shape, uint64_t raw,
                            uint64_t item);

/* Allocate `out` with the given shape. The caller has already checked the shape against the
 * bytes in the file; this refuses absurd element counts and turns a failed allocation into
 * wk_io_too_large. */
int wk_io_alloc_tensor(const char *path, wk_tensor *out, int ndim, const int64_t *shape);

/* The element count of `shape` in *numel, or WK_EFORMAT naming the file and the dimension when
 * a dimension is negative or the product exceeds `max` (checked before each multiply, so it
 * never overflows). */
int wk_io_shape_numel(const char *path, int ndim, const int64_t *shape, uint64_t max, uint64_t *numel);

/* WK_ENUMERIC naming the file and the (0-based) row of the first NaN/Inf, rows being the
 * first dimension. */
int wk_io_check_finite_rows(const char *path, const wk_tensor *t);

/* Parse delimited numeric text (the rules of wk_read_csv, see csv_read.c) into a wk_malloc'ed
 * row-major double array [*rows, *cols]; errors name `path` and the line. `f32`: a value that
 * overflows float32 is WK_ENUMERIC too (for readers that store float32). */
int wk_io_parse_csv(const char *path, const char *text, size_t len, int f32, double **vals, int64_t *rows,
                    int64_t *cols);

/* Where a reader puts its values: the float32 tensor `out`, or, when f64 is non-NULL, a
 * float64 array *f64 [numel] (then `out` holds the shape only, data NULL), so float64 and
 * integer files and text reach double-precision users (OT) without rounding to float32.
 * wk_io_alloc_out makes the same checks as wk_io_alloc_tensor (the caller has checked the
 * shape against the file's bytes first). */
int wk_io_alloc_out(const char *path, wk_tensor *out, double **f64, int ndim, const int64_t *shape);
/* Stores v; nonzero when a finite v became Inf in float32 (beyond float32's range): the caller
 * then fails with wk_io_beyond_f32, so a finite 1e300 is not reported as "Inf". */
static inline int wk_io_put(wk_tensor *out, double *f64, int64_t i, double v) {
    if (f64) {
        f64[i] = v;
        return 0;
    }
    out->data[i] = (float)v;
    return isinf(out->data[i]) && isfinite(v);
}
/* WK_ENUMERIC naming the file, row and column of element i (value v), beyond float32's range. */
int wk_io_beyond_f32(const char *path, const wk_tensor *out, int64_t i, double v);
/* wk_io_check_finite_rows on whichever of the two holds the values. */
int wk_io_check_finite_out(const char *path, const wk_tensor *out, const double *f64);
void wk_io_free_out(wk_tensor *out, double **f64);
/* The element type an array file stores, as its reader's own header parser reads it. */
typedef enum {
    WK_IO_DT_F32, WK_IO_DT_F64, WK_IO_DT_U8, WK_IO_DT_BOOL, WK_IO_DT_I8, WK_IO_DT_I16, WK_IO_DT_I32, WK_IO_DT_I64,
    WK_IO_DT_TEXT /* CSV and other delimited text: numbers with no stored type */
} wk_io_dtype;
/* From the header alone (npy_read.c, idx_read.c; the data is neither read nor inflated): the
 * type the reader would convert and (ndim non-NULL) the stored array's dimension count, or the
 * reader's own error for a malformed header. */
int wk_io_npy_dtype(const char *path, wk_io_dtype *dt, int *ndim);
int wk_io_idx_dtype(const char *path, wk_io_dtype *dt, int *ndim);
/* array_read.c: the same for the reader wk_read_array picks for `path` (CIFAR-10 .bin batches
 * are bytes [N, 3, 32, 32], known from the name; CSV is rows, 2). */
int wk_io_stored_dtype(const char *path, wk_io_dtype *dt, int *ndim);
/* The readers with that choice (f64 NULL: the float32 reader itself). */
int wk_io_read_npy(const char *path, wk_tensor *out, double **f64);
int wk_io_read_csv(const char *path, wk_tensor *out, double **f64);
int wk_io_read_idx(const char *path, wk_tensor *out, double **f64);
/* CIFAR-10 .bin batches; labels: optional, the record labels (wk_malloc'ed). */
int wk_io_read_cifar10(const char *path, wk_tensor *out, double **f64, uint8_t **labels);

#endif
