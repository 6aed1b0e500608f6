/* idx_read.c — reader for the IDX format of LeCun's MNIST files (and Fashion-MNIST), plain or
 * gzip-compressed (zlib's gzread reads both transparently). Layout: 2 zero bytes, a type byte
 * (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), a dimension count, one
 * big-endian u32 per dimension, then big-endian row-major data whose size must match exactly. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

static uint64_t idx_be(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* Read the whole (decompressed) stream. */
static int idx_slurp(const char *path, unsigned char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) return wk_errorf(WK_EIO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    size_t cap = 1 << 20, n = 0;
    unsigned char *b = wk_malloc(cap);
    int rc = b ? WK_OK : WK_ENOMEM;
    while (!rc) {
        if (n == cap) {
            unsigned char *nb = wk_realloc(b, cap * 2);
            if (!nb) {
                rc = WK_ENOMEM;
                break;
            }
            b = nb;
            cap *= 2;
        }
        unsigned want = (unsigned)((cap - n) > (1u << 30) ? (1u << 30) : (cap - n));
        int got = gzread(f, b + n, want);
        if (got < 0) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            rc = wk_errorf(WK_EFORMAT, "%s: gzip stream is corrupt or truncated (%s)", path, msg);
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(f);
    if (rc) {
        wk_free(b);
        return rc;
    }
    *buf = b;
    *len = n;
    return WK_OK;
}

int wk_read_idx(const char *path, wk_tensor *out) { return wk_io_read_idx(path, out, NULL); }

int wk_io_read_idx(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    int rc = idx_slurp(path, &buf, &len);
    if (rc) return rc;
    if (len == 0) {
        rc = wk_errorf(WK_EFORMAT, "%s: file is empty (expected an IDX header)", path);
        goto done;
    }
    if (len < 4 || buf[0] != 0 || buf[1] != 0) {
        rc = wk_errorf(WK_EFORMAT, "%s: bad IDX magic (first two bytes must be zero)", path);
        goto done;
    }
    int type = buf[2], ndim = buf[3], item;
    switch (type) {
    case 0x08: case 0x09: item = 1; break;
    case 0x0B: item = 2; break;
    case 0x0C: case 0x0D: item = 4; break;
    case 0x0E: item = 8; break;
    default:
        rc = wk_errorf(WK_EFORMAT, "%s: IDX type byte 0x%02X is not one of 08 09 0B 0C 0D 0E", path, type);
        goto done;
    }
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
    uint64_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        shape[i] = (int64_t)idx_be(buf + 4 + 4 * i, 4);
        numel *= (uint64_t)shape[i];
        if (numel > ((uint64_t)1 << 40)) {
            rc = wk_errorf(WK_EFORMAT, "%s: IDX dimensions multiply out to an absurd size", path);
            goto done;
        }
    }
    if (numel * (uint64_t)item != len - hdr) {
        rc = wk_errorf(WK_EFORMAT, "%s: IDX dimensions need %llu data bytes but the file has %zu (%s)", path,
                       (unsigned long long)(numel * item), len - hdr,
                       numel * (uint64_t)item > len - hdr ? "truncated" : "trailing bytes");
        goto done;
    }
    if ((rc = wk_io_alloc_out(path, out, f64, ndim, shape)) != 0) goto done;
    double *d64 = f64 ? *f64 : NULL;
    const unsigned char *d = buf + hdr;
    for (uint64_t i = 0; i < numel; i++) {
        const unsigned char *p = d + i * item;
        double v;
        switch (type) {
        case 0x08: v = p[0]; break;
        case 0x09: v = (int8_t)p[0]; break;
        case 0x0B: v = (int16_t)idx_be(p, 2); break;
        case 0x0C: v = (int32_t)idx_be(p, 4); break;
        case 0x0D: { uint32_t u = (uint32_t)idx_be(p, 4); float x; memcpy(&x, &u, 4); v = x; break; }
        default: { uint64_t u = idx_be(p, 8); memcpy(&v, &u, 8); break; }
        }
        wk_io_put(out, d64, (int64_t)i, v);
    }
    if ((rc = wk_io_check_finite_out(path, out, d64)) != 0) wk_io_free_out(out, f64);
done:
    wk_free(buf);
    return rc;
}
