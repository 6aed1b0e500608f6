/* npy_read.c — reader for numpy's .npy format (versions 1.0, 2.0, 3.0), following the format
 * specification in numpy/lib/format.py: magic "\x93NUMPY", major/minor bytes, a little-endian
 * header length (u16 in 1.0, u32 in 2.0/3.0), a Python-literal dict with 'descr',
 * 'fortran_order' and 'shape', then the raw C-order data. Little-endian float32/float64,
 * uint8, int32 and int64 are converted to float32; everything else is rejected by name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

typedef enum { NPY_F4, NPY_F8, NPY_U1, NPY_I4, NPY_I8 } npy_dtype;

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

static int npy_parse_descr(const char *path, const char *v, npy_dtype *dt, size_t *item) {
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
        npy_dtype dt;
        size_t item;
    } known[] = {{"<f4", NPY_F4, 4}, {"<f8", NPY_F8, 8}, {"|u1", NPY_U1, 1}, {"<u1", NPY_U1, 1},
                 {"|b1", NPY_U1, 1}, {"<i4", NPY_I4, 4}, {"<i8", NPY_I8, 8}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(d, known[i].name)) {
            *dt = known[i].dt;
            *item = known[i].item;
            return WK_OK;
        }
    if (d[0] == '>')
        return wk_errorf(WK_EUNSUPPORTED, "%s: NPY descr '%s' is big-endian (only little-endian is supported)",
                         path, d);
    return wk_errorf(WK_EUNSUPPORTED, "%s: NPY descr '%s' is not supported (float32, float64, uint8, int32, int64)",
                     path, d);
}

static int npy_parse_shape(const char *path, const char *v, int *ndim, int64_t *shape) {
    if (!v || *v != '(') return wk_errorf(WK_EFORMAT, "%s: NPY header has no tuple 'shape' field", path);
    v++;
    *ndim = 0;
    for (;;) {
        while (*v == ' ' || *v == ',') v++;
        if (*v == ')') return WK_OK;
        if (*v < '0' || *v > '9') return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' is malformed", path);
        char *end;
        long long x = strtoll(v, &end, 10);
        if (*ndim >= WK_MAX_DIMS)
            return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' has more than %d dimensions", path, WK_MAX_DIMS);
        shape[(*ndim)++] = x;
        v = end;
        while (*v == 'L' || *v == ' ') v++;
        if (*v != ',' && *v != ')') return wk_errorf(WK_EFORMAT, "%s: NPY 'shape' is malformed", path);
    }
}

int wk_read_npy(const char *path, wk_tensor *out) { return wk_io_read_npy(path, out, NULL); }

int wk_io_read_npy(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    int rc = wk_io_slurp(path, &buf, &len);
    if (rc) return rc;
    if (len == 0) {
        rc = wk_errorf(WK_EFORMAT, "%s: file is empty (expected an NPY header)", path);
        goto done;
    }
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) {
        rc = wk_errorf(WK_EFORMAT, "%s: bad NPY magic (not an .npy file, or truncated)", path);
        goto done;
    }
    unsigned major = buf[6];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) {
            rc = wk_errorf(WK_EFORMAT, "%s: NPY header is truncated", path);
            goto done;
        }
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else {
        rc = wk_errorf(WK_EUNSUPPORTED, "%s: NPY version %u.%u is not supported (1.0, 2.0, 3.0)", path, major, buf[7]);
        goto done;
    }
    if (hlen > len - hstart) {
        rc = wk_errorf(WK_EFORMAT, "%s: NPY header is truncated (header length %zu, only %zu bytes follow)", path,
                       hlen, len - hstart);
        goto done;
    }
    /* The header is ASCII (latin-1/utf-8 in v3); copy it to a NUL-terminated string. */
    char *hdr = wk_malloc(hlen + 1);
    if (!hdr) {
        rc = WK_ENOMEM;
        goto done;
    }
    memcpy(hdr, buf + hstart, hlen);
    hdr[hlen] = 0;
    npy_dtype dt = NPY_F4;
    size_t item = 4;
    int ndim = 0;
    int64_t shape[WK_MAX_DIMS];
    const char *fo = npy_field(hdr, "fortran_order");
    if (!strchr(hdr, '{') || !strchr(hdr, '}'))
        rc = wk_errorf(WK_EFORMAT, "%s: NPY header is not a dict (truncated?)", path);
    else if ((rc = npy_parse_descr(path, npy_field(hdr, "descr"), &dt, &item)) != 0) {
    } else if (!fo || (strncmp(fo, "False", 5) && strncmp(fo, "True", 4)))
        rc = wk_errorf(WK_EFORMAT, "%s: NPY header has no 'fortran_order' field", path);
    else if (!strncmp(fo, "True", 4))
        rc = wk_errorf(WK_EUNSUPPORTED, "%s: NPY array is in Fortran order (only C order is supported)", path);
    else
        rc = npy_parse_shape(path, npy_field(hdr, "shape"), &ndim, shape);
    wk_free(hdr);
    if (rc) goto done;

    size_t data_off = hstart + hlen, have = len - data_off;
    int64_t numel = 1;
    for (int i = 0; i < ndim; i++) numel *= shape[i];
    if ((rc = wk_io_alloc_out(path, out, f64, ndim, shape)) != 0) goto done;
    double *d64 = f64 ? *f64 : NULL;
    if ((uint64_t)numel * item != have) {
        rc = wk_errorf(WK_EFORMAT, "%s: NPY data is %s: shape needs %llu bytes, file has %zu", path,
                       (uint64_t)numel * item > have ? "truncated" : "longer than its shape", (unsigned long long)numel * item,
                       have);
        wk_io_free_out(out, f64);
        goto done;
    }
    const unsigned char *d = buf + data_off;
    for (int64_t i = 0; i < numel; i++) {
        double v;
        switch (dt) {
        case NPY_F4: { float x; memcpy(&x, d + 4 * i, 4); v = x; break; }
        case NPY_F8: memcpy(&v, d + 8 * i, 8); break;
        case NPY_U1: v = d[i]; break;
        case NPY_I4: { int32_t x; memcpy(&x, d + 4 * i, 4); v = x; break; }
        default: { int64_t x; memcpy(&x, d + 8 * i, 8); v = (double)x; break; }
        }
        wk_io_put(out, d64, i, v);
    }
    if ((rc = wk_io_check_finite_out(path, out, d64)) != 0) wk_io_free_out(out, f64);
done:
    wk_free(buf);
    return rc;
}
