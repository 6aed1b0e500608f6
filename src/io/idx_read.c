/* idx_read.c — reader for the IDX format of LeCun's MNIST files (and Fashion-MNIST), plain or
 * gzip-compressed (read by wk_io_read_file, never past the size the header promises, and not at
 * all when that size is beyond the memory this process may use).
 * Layout: 2 zero bytes, a type byte (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), a dimension count, one
 * big-endian u32 per dimension, then big-endian row-major data whose size must match exactly. */
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

static uint64_t idx_be(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* One big-endian value of IDX type `type` at p. */
static double idx_value(const unsigned char *p, int type) {
    double v;
    switch (type) {
    case 0x08: return p[0];
    case 0x09: return (int8_t)p[0];
    case 0x0B: return (int16_t)idx_be(p, 2);
    case 0x0C: return (int32_t)idx_be(p, 4);
    case 0x0D: { uint32_t u = (uint32_t)idx_be(p, 4); float x; memcpy(&x, &u, 4); return x; }
    default: { uint64_t u = idx_be(p, 8); memcpy(&v, &u, 8); return v; }
    }
}

/* The magic and the type byte at the start of buf[0, len): the type and its item size, or the
 * error naming what is wrong. */
static int idx_type(const char *path, const unsigned char *buf, size_t len, int *type, int *item) {
    if (len == 0) return wk_errorf(WK_EFORMAT, "%s: file is empty (expected an IDX header)", path);
    if (buf[0] != 0 || (len >= 2 && buf[1] != 0)) /* (len >= 1 here) */
        return wk_errorf(WK_EFORMAT, "%s: bad IDX magic (first two bytes must be zero)", path);
    if (len < 4) /* a right start, cut short: say so, not that the magic is wrong */
        return wk_errorf(WK_EFORMAT, "%s: truncated IDX header (%zu bytes, need at least 4 + 4*ndim)", path, len);
    switch (*type = buf[2]) {
    case 0x08: case 0x09: *item = 1; return WK_OK;
    case 0x0B: *item = 2; return WK_OK;
    case 0x0C: case 0x0D: *item = 4; return WK_OK;
    case 0x0E: *item = 8; return WK_OK;
    default: return wk_errorf(WK_EFORMAT, "%s: IDX type byte 0x%02X is not one of 08 09 0B 0C 0D 0E", path, *type);
    }
}

int wk_io_idx_dtype(const char *path, wk_io_dtype *dt, int *ndim) {
    unsigned char *buf;
    size_t len;
    int type = 0, item = 1, rc = wk_io_read_file(path, 4, &buf, &len);
    if (rc) return rc;
    if (!(rc = idx_type(path, buf, len, &type, &item)))
        *dt = type == 0x08 ? WK_IO_DT_U8 : type == 0x09 ? WK_IO_DT_I8 : type == 0x0B ? WK_IO_DT_I16 : type == 0x0C ? WK_IO_DT_I32
            : type == 0x0D ? WK_IO_DT_F32 : WK_IO_DT_F64;
    if (!rc && ndim) *ndim = buf[3]; /* idx_type has checked 4 bytes; the reader checks the count */
    wk_free(buf);
    return rc;
}

int wk_read_idx(const char *path, wk_tensor *out) { return wk_io_read_idx(path, out, NULL); }

/* f64 non-NULL: the values in float64 (read_util.h), a float64 IDX keeping every digit. */
int wk_io_read_idx(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    /* First the header (64 bytes hold any header with up to WK_MAX_DIMS dimensions), then no
     * more than one byte past what it promises: a .gz is never inflated past its promise. */
    uint64_t lim = 64;
    unsigned char *buf;
    size_t len;
    uint64_t plain;
    int rc = wk_io_read_file_sized(path, lim, &buf, &len, &plain);
    if (rc) return rc;
    int type = 0, item = 1;
    if ((rc = idx_type(path, buf, len, &type, &item)) != 0) goto done;
    int ndim = buf[3];
    if (ndim < 1 || ndim > WK_MAX_DIMS) {
        rc = wk_errorf(WK_EFORMAT, "%s: IDX dimension count %d is not in [1, %d]", path, ndim, WK_MAX_DIMS);
        goto done;
    }
    size_t hdr = 4 + 4 * (size_t)ndim;
    if (len < hdr) {
        rc = wk_errorf(WK_EFORMAT, "%s: IDX header is truncated (%d dimensions need %zu bytes, file has %zu)", path,
                       ndim, hdr, len);
        goto done;
    }
    int64_t shape[WK_MAX_DIMS];
    for (int i = 0; i < ndim; i++) shape[i] = (int64_t)idx_be(buf + 4 + 4 * i, 4);
    uint64_t numel;
    if ((rc = wk_io_shape_numel(path, ndim, shape, ((uint64_t)1 << 40) / (uint64_t)item, &numel)) != 0) goto done;
    uint64_t total = hdr + numel * (uint64_t)item, size;
    int more;
    if ((rc = wk_io_read_claimed(path, "IDX", ndim, shape, total, f64 ? 8 : 4, plain, lim, &buf, &len, &size, &more)) != 0)
        goto done;
    if (size != total) {
        rc = wk_errorf(WK_EFORMAT, "%s: IDX dimensions need %llu data bytes but the file has %s%llu (%s)", path,
                       (unsigned long long)(total - hdr), more ? "more than " : "",
                       (unsigned long long)(size - hdr - (uint64_t)more), size < total ? "truncated" : "trailing bytes");
        goto done;
    }
    /* the values replace the file's bytes in the same block: peak memory is the larger of the two */
    if ((rc = wk_io_convert_in_place(path, &buf, hdr, (size_t)item, idx_value, type, out, f64, ndim, shape)) != 0)
        goto done;
    if ((rc = wk_io_check_finite_out(path, out, f64 ? *f64 : NULL)) != 0) wk_io_free_out(out, f64);
done:
    wk_free(buf);
    return rc;
}
