/* npy_read.c — reader for numpy's .npy format (versions 1.0, 2.0, 3.0), following the format
 * specification in numpy/lib/format.py: magic "\x93NUMPY", major/minor bytes, a little-endian
 * header length (u16 in 1.0, u32 in 2.0/3.0), a Python-literal dict with 'descr',
 * 'fortran_order' and 'shape', then the raw C-order data. Little-endian float32/float64,
 * uint8, bool (0/1, any nonzero byte being True as in numpy), int32 and int64 are converted to
 * float32 (wk_read_npy) or kept in float64 (wk_io_read_npy with an f64 sink, for
 * wk_read_points_f64: float64 and integers keep every digit a double holds; int64 beyond 2^53 in
 * magnitude, which a double would round, is refused there); everything else is rejected by name. The file may be gzip-compressed (.npy.gz).
 * Sizes from the header are checked against the bytes really there and against the memory this
 * process may use (wk_io_check_header_fits) before any allocation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

/* Find the value text following 'key': in the header dict, or NULL. */
static const char *npy_field(const char *hdr, const char *key) {
    char pat[32];
    const char *quotes = "'\"";
    for (int q = 0; q < 2; q++) {
        snprintf(pat, sizeof pat, "%c%s%c", quotes[q], key, quotes[q]);
        const char *p = strstr(hdr, pat);
        if (!p) continue;
        p += strlen(pat);
        while (*p == ' ') p++;
        if (*p != ':') return NULL;
        p++;
        while (*p == ' ') p++;
        return p;
    }
    return NULL;
}

/* The header dict's keys are exactly 'descr', 'fortran_order' and 'shape', each once (what
 * numpy's read_array_header demands): a repeated key is read by numpy as its last value (Python
 * dict literal) while npy_field finds the first, so the same file would mean other numbers here;
 * an unknown key numpy refuses. Values are skipped with quotes and brackets tracked. */
static int npy_check_keys(const char *path, const char *hdr) {
    static const char *const known[3] = {"descr", "fortran_order", "shape"};
    int seen[3] = {0, 0, 0};
    const char *p = strchr(hdr, '{');
    if (!p) return WK_OK; /* reported by the caller */
    p++;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == ',') p++;
        if (*p == '}' || !*p) return WK_OK;
        if (*p != '\'' && *p != '"') return wk_errorf(WK_EFORMAT, "%s: NPY header dict has a key that is not a string", path);
        char q = *p++, key[32];
        size_t n = 0;
        while (p[n] && p[n] != q) n++;
        if (!p[n]) return wk_errorf(WK_EFORMAT, "%s: NPY header has an unclosed key", path);
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key - 1 ? n : sizeof key - 1), p);
        int k = 0;
        while (k < 3 && (n != strlen(known[k]) || strncmp(p, known[k], n))) k++;
        if (k == 3)
            return wk_errorf(WK_EFORMAT, "%s: NPY header has the unknown key '%s' (numpy writes only 'descr', 'fortran_order', 'shape')",
                             path, key);
        if (seen[k]++)
            return wk_errorf(WK_EFORMAT, "%s: NPY header gives '%s' twice (ambiguous: numpy would take the last)", path, key);
        p += n + 1;
        /* skip ": value" up to the ',' or '}' that ends it at depth 0 */
        int depth = 0;
        char in = 0;
        for (; *p; p++) {
            if (in) {
                if (*p == in) in = 0;
            } else if (*p == '\'' || *p == '"') in = *p;
            else if (*p == '(' || *p == '[' || *p == '{') depth++;
            else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0) depth--;
            else if (depth == 0 && (*p == ',' || *p == '}')) break;
        }
    }
}

static int npy_parse_descr(const char *path, const char *v, wk_io_dtype *dt, size_t *item) {
    if (v && *v == '[') /* a record array: numpy writes its descr as a list of (name, dtype) fields */
        return wk_errorf(WK_EFORMAT, "%s: NPY descr is a list of named fields: structured dtypes are not supported "
                                     "(save a plain 2-D array, e.g. numpy.lib.recfunctions.structured_to_unstructured)", path);
    if (!v || (*v != '\'' && *v != '"'))
        return wk_errorf(WK_EFORMAT, "%s: NPY header has no string 'descr' field", path);
    char q = *v++, d[16];
    size_t n = 0;
    while (v[n] && v[n] != q && n < sizeof d - 1) {
        d[n] = v[n];
        n++;
    }
    d[n] = 0;
    if (v[n] != q) return wk_errorf(WK_EFORMAT, "%s: NPY 'descr' is not a closed string", path);
    static const struct {
        const char *name;
        wk_io_dtype dt;
        size_t item;
    } known[] = {{"<f4", WK_IO_DT_F32, 4}, {"<f8", WK_IO_DT_F64, 8}, {"|u1", WK_IO_DT_U8, 1}, {"<u1", WK_IO_DT_U8, 1},
                 {"|b1", WK_IO_DT_BOOL, 1}, {"<i4", WK_IO_DT_I32, 4}, {"<i8", WK_IO_DT_I64, 8}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(d, known[i].name)) {
            *dt = known[i].dt;
            *item = known[i].item;
            return WK_OK;
        }
    if (d[0] == '>')
        return wk_errorf(WK_EFORMAT, "%s: NPY descr '%s' is big-endian (only little-endian is supported)",
                         path, d);
    return wk_errorf(WK_EFORMAT, "%s: NPY descr '%s' is not supported (float32, float64, uint8, bool, int32, int64)",
                     path, d);
}

static int npy_parse_shape(const char *path, const char *v, int *ndim, int64_t *shape) {
    if (!v || *v != '(') return wk_errorf(WK_EFORMAT, "%s: NPY header has no tuple 'shape' field", path);
    v++;
    *ndim = 0;
    /* a Python tuple: (), (n,) or (n, m, ...) with an optional trailing comma; every entry a
     * number, so (3,,2) and (,3) are malformed */
    while (*v == ' ') v++;
    if (*v == ')') return WK_OK;
    for (;;) {
        if (*v < '0' || *v > '9') return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' is malformed", path);
        char *end;
        long long x = strtoll(v, &end, 10);
        if (*ndim >= WK_MAX_DIMS)
            return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' has more than %d dimensions", path, WK_MAX_DIMS);
        shape[(*ndim)++] = x;
        v = end;
        while (*v == 'L' || *v == ' ') v++;
        if (*v == ')') return WK_OK;
        if (*v != ',') return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' is malformed", path);
        v++;
        while (*v == ' ') v++;
        if (*v == ')') return WK_OK; /* (n,) */
    }
}

/* The header fields of an .npy file. */
typedef struct {
    wk_io_dtype dt;
    size_t item;
    int ndim;
    int64_t shape[WK_MAX_DIMS];
    size_t data_off;  /* where the data starts */
    uint64_t data_len; /* bytes the shape promises, checked not to overflow */
} npy_info;

/* Parse the preamble and the header dict from buf[0, len). When the header runs past `len`
 * and the file was cut at `len` only by the read limit (`more`), *need says how many bytes to
 * read; otherwise a short header is an error. */
static int npy_parse_header(const char *path, const unsigned char *buf, size_t len, int more, npy_info *h,
                            size_t *need) {
    *need = 0;
    if (len == 0) return wk_errorf(WK_EFORMAT, "%s: file is empty (expected an NPY header)", path);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return wk_errorf(WK_EFORMAT, "%s: bad NPY magic (not an .npy file, or truncated)", path);
    unsigned major = buf[6];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) return wk_errorf(WK_EFORMAT, "%s: NPY header is truncated", path);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else {
        return wk_errorf(WK_EFORMAT, "%s: NPY version %u.%u is not supported (1.0, 2.0, 3.0)", path, major,
                         buf[7]);
    }
    if (hlen > len - hstart) {
        if (more) {
            *need = hstart + hlen;
            return WK_OK;
        }
        return wk_errorf(WK_EFORMAT, "%s: NPY header is truncated (header length %zu, only %zu bytes follow)", path,
                         hlen, len - hstart);
    }
    /* The header is ASCII (latin-1/utf-8 in v3); copy it to a NUL-terminated string. */
    char *hdr = wk_malloc(hlen + 1);
    if (!hdr) return wk_io_too_large(path, "the NPY header", hlen + 1);
    memcpy(hdr, buf + hstart, hlen);
    hdr[hlen] = 0;
    int rc;
    const char *fo = npy_field(hdr, "fortran_order");
    if (!strchr(hdr, '{') || !strchr(hdr, '}'))
        rc = wk_errorf(WK_EFORMAT, "%s: NPY header is not a dict (truncated?)", path);
    else if ((rc = npy_check_keys(path, hdr)) != 0) {
    }
    else if ((rc = npy_parse_descr(path, npy_field(hdr, "descr"), &h->dt, &h->item)) != 0) {
    } else if (!fo || (strncmp(fo, "False", 5) && strncmp(fo, "True", 4)))
        rc = wk_errorf(WK_EFORMAT, "%s: NPY header has no 'fortran_order' field", path);
    else if (!strncmp(fo, "True", 4))
        rc = wk_errorf(WK_EFORMAT, "%s: NPY array is in Fortran order (only C order is supported)", path);
    else
        rc = npy_parse_shape(path, npy_field(hdr, "shape"), &h->ndim, h->shape);
    wk_free(hdr);
    if (rc) return rc;
    /* The element count is checked against what the bytes can hold before any multiply
     * could overflow and before anything is allocated on it. */
    uint64_t numel;
    if ((rc = wk_io_shape_numel(path, h->ndim, h->shape, UINT64_MAX / 16 / h->item, &numel)) != 0) return rc;
    h->data_off = hstart + hlen;
    h->data_len = numel * h->item;
    return WK_OK;
}

/* One little-endian value of dtype `type` (wk_io_dtype) at p. */
static double npy_value(const unsigned char *p, int type) {
    switch ((wk_io_dtype)type) {
    case WK_IO_DT_F32: { float x; memcpy(&x, p, 4); return x; }
    case WK_IO_DT_F64: { double x; memcpy(&x, p, 8); return x; }
    case WK_IO_DT_U8: return p[0];
    case WK_IO_DT_BOOL: return p[0] != 0; /* numpy: any nonzero byte is True */
    case WK_IO_DT_I32: { int32_t x; memcpy(&x, p, 4); return x; }
    default: { int64_t x; memcpy(&x, p, 8); return (double)x; }
    }
}

int wk_read_npy(const char *path, wk_tensor *out) { return wk_io_read_npy(path, out, NULL); }

/* Read the header first (plain or gzip), then no more than the shape promises: a header
 * claiming 10^12 elements over 4 bytes allocates nothing, and a .npy.gz is never decompressed
 * past its promise. *buf: the bytes read (up to one past *lim), the caller's to free; *plain:
 * the file's length when plain (wk_io_read_file_sized). */
static int npy_read_header(const char *path, unsigned char **buf, size_t *len, uint64_t *lim, uint64_t *plain, npy_info *h) {
    *lim = 4096; /* the header of numpy's files fits: one small read in the usual case */
    size_t need;
    int rc = wk_io_read_file_sized(path, *lim, buf, len, plain);
    if (rc) return rc;
    rc = npy_parse_header(path, *buf, *len, *len > *lim, h, &need);
    if (rc == WK_OK && need) { /* a longer header */
        wk_free(*buf);
        if ((rc = wk_io_read_file_sized(path, *lim = need, buf, len, plain)) != 0) return rc;
        rc = npy_parse_header(path, *buf, *len, 0, h, &need);
    }
    return rc;
}

int wk_io_npy_dtype(const char *path, wk_io_dtype *dt, int *ndim) {
    unsigned char *buf = NULL;
    size_t len;
    uint64_t lim, plain;
    npy_info h;
    int rc = npy_read_header(path, &buf, &len, &lim, &plain, &h);
    wk_free(buf);
    if (!rc) *dt = h.dt;
    if (!rc && ndim) *ndim = h.ndim;
    return rc;
}

int wk_io_read_npy(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    unsigned char *buf = NULL;
    size_t len;
    uint64_t lim, plain;
    npy_info h;
    int rc = npy_read_header(path, &buf, &len, &lim, &plain, &h);
    if (rc) goto done;
    uint64_t total = h.data_off + h.data_len, size;
    int more;
    if ((rc = wk_io_read_claimed(path, "NPY", h.ndim, h.shape, total, f64 ? 8 : 4, plain, lim, &buf, &len, &size, &more)) != 0)
        goto done;
    if (size != total) {
        rc = wk_errorf(WK_EFORMAT, "%s: NPY data is %s: shape needs %llu bytes, file has %s%llu", path,
                       size < total ? "truncated" : "longer than its shape", (unsigned long long)h.data_len,
                       more ? "more than " : "", (unsigned long long)(size - h.data_off - (uint64_t)more));
        goto done;
    }
    /* beyond 2^53 a double cannot hold every integer: the float64 read promises no rounding, so
     * such values are refused rather than silently rounded (2^62 + 1 read as 2^62); the float32
     * read rounds every integer beyond 2^24 by design */
    if (f64 && h.dt == WK_IO_DT_I64) {
        const int64_t numel = (int64_t)((h.data_len) / 8), cols = h.ndim >= 2 && h.shape[0] > 0 ? numel / h.shape[0] : 1;
        for (int64_t i = 0; i < numel; i++) {
            int64_t x;
            memcpy(&x, buf + h.data_off + 8 * i, 8);
            if (x > ((int64_t)1 << 53) || x < -((int64_t)1 << 53)) {
                rc = wk_errorf(WK_EFORMAT,
                               "%s: int64 entry %lld (row %lld, column %lld) is %lld, beyond 2^53 in magnitude: "
                               "float64 would round it (convert the data to float64 yourself if rounding is fine)",
                               path, (long long)i, (long long)(i / cols), (long long)(i % cols), (long long)x);
                goto done;
            }
        }
    }
    /* the values replace the file's bytes in the same block: peak memory is the larger of the two */
    if ((rc = wk_io_convert_in_place(path, &buf, h.data_off, h.item, npy_value, (int)h.dt, out, f64, h.ndim, h.shape)) != 0)
        goto done;
    if ((rc = wk_io_check_finite_out(path, out, f64 ? *f64 : NULL)) != 0) wk_io_free_out(out, f64);
done:
    wk_free(buf);
    return rc;
}
