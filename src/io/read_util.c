/* read_util.c — the whole-file reader and the helpers shared by the readers (see read_util.h).
 * Plain and gzip files go through one reader (zsrc below: plain bytes as they are, gzip members
 * through zlib's inflate), so every whole-file reader takes a .gz as well. */
#include "io/read_util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "wgankit/error.h"

int wk_io_too_large(const char *path, const char *what, uint64_t bytes) {
    return wk_errorf(WK_EINVAL, "%s: out of memory for %s (%llu bytes): the input is too large for this machine", path,
                     what, (unsigned long long)bytes);
}

/* The bytes of one file, plain or gzip, read in order (zlib's inflate on the raw bytes, not
 * gzread: gzread ends quietly at anything after a gzip member that is not another member, so a
 * damaged or wrongly concatenated .gz lost its tail without a word). Gzip members follow each
 * other (as `cat a.gz b.gz` makes); after the last one only zero bytes (tape padding, as gzip -t
 * allows) may follow. */
typedef struct zsrc {
    const char *path;
    int fd, gz, live; /* gz: a gzip file; live: inside a member (its end not reached yet) */
    z_stream z;
    unsigned char *in;  /* raw input buffer, ZSRC_IN bytes */
    uint64_t raw;       /* raw bytes read from the file so far */
} zsrc;
enum { ZSRC_IN = 1 << 17 };

/* More raw bytes behind the unread ones (moved to the buffer's start); 0 at the file's end. */
static int zs_fill(zsrc *s, size_t *added) {
    if (s->z.avail_in && s->z.next_in != s->in) memmove(s->in, s->z.next_in, s->z.avail_in);
    s->z.next_in = s->in;
    ssize_t got;
    do got = read(s->fd, s->in + s->z.avail_in, ZSRC_IN - s->z.avail_in);
    while (got < 0 && errno == EINTR);
    if (got < 0) return wk_errorf(WK_EIO, "%s: read error: %s", s->path, strerror(errno));
    s->z.avail_in += (uInt)got;
    s->raw += (uint64_t)got;
    *added = (size_t)got;
    return WK_OK;
}

/* After a member's end: another member (reset), or the end (only zeros left), or an error. */
static int zs_next_member(zsrc *s, int *end) {
    size_t added = 1;
    while (s->z.avail_in < 2 && added) {
        int rc = zs_fill(s, &added);
        if (rc) return rc;
    }
    if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b) {
        inflateReset(&s->z);
        s->live = 1;
        *end = 0;
        return WK_OK;
    }
    const uint64_t at = s->raw - s->z.avail_in; /* where the bytes after the stream start */
    for (;;) {
        for (uInt k = 0; k < s->z.avail_in; k++)
            if (s->z.next_in[k])
                return wk_errorf(WK_EFORMAT, "%s: data after the end of the gzip stream (from byte %llu): a damaged or "
                                             "wrongly concatenated file",
                                 s->path, (unsigned long long)at);
        s->z.avail_in = 0;
        int rc = zs_fill(s, &added);
        if (rc) return rc;
        if (!added) break;
    }
    *end = 1;
    return WK_OK;
}

/* Up to `want` bytes of content into out; *got = 0 only at the end. */
static int zs_read(zsrc *s, unsigned char *out, size_t want, size_t *got) {
    *got = 0;
    if (!s->gz) { /* plain: what is buffered (the probe), then the file */
        size_t n = s->z.avail_in < want ? s->z.avail_in : want;
        memcpy(out, s->z.next_in, n);
        s->z.next_in += n;
        s->z.avail_in -= (uInt)n;
        while (n < want) {
            ssize_t r = read(s->fd, out + n, want - n > (1u << 30) ? (1u << 30) : want - n);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return wk_errorf(WK_EIO, "%s: read error: %s", s->path, strerror(errno));
            if (r == 0) break;
            n += (size_t)r;
        }
        *got = n;
        return WK_OK;
    }
    s->z.next_out = out;
    s->z.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
    while (s->z.avail_out && s->live) {
        if (!s->z.avail_in) {
            size_t added;
            int rc = zs_fill(s, &added);
            if (rc) return rc;
            if (!added) return wk_errorf(WK_EFORMAT, "%s: gzip stream is truncated (unexpected end of file)", s->path);
        }
        const int zr = inflate(&s->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            int end;
            int rc = zs_next_member(s, &end);
            if (rc) return rc;
            s->live = !end;
        } else if (zr == Z_MEM_ERROR) {
            return wk_errorf(WK_EIO, "%s: cannot read: out of memory for the gzip reader", s->path);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return wk_errorf(WK_EFORMAT, "%s: gzip stream is corrupt (%s)", s->path, s->z.msg ? s->z.msg : "bad data");
        }
    }
    *got = (size_t)(s->z.next_out - out);
    return WK_OK;
}

int wk_io_read_file(const char *path, uint64_t limit, unsigned char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return wk_errorf(WK_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int st_rc = fstat(fd, &st);
    if (st_rc != 0 || S_ISDIR(st.st_mode)) {
        int e = st_rc != 0 ? errno : EISDIR;
        close(fd);
        return wk_errorf(WK_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    zsrc s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.fd = fd;
    s.in = wk_malloc(ZSRC_IN);
    int rc = s.in ? WK_OK : WK_ENOMEM;
    /* gzip or plain: the first two bytes decide (as gzread did) */
    size_t added = 1;
    while (!rc && s.z.avail_in < 2 && added) rc = zs_fill(&s, &added);
    if (!rc && s.z.avail_in >= 2 && s.in[0] == 0x1f && s.in[1] == 0x8b) {
        s.gz = s.live = 1;
        if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK) rc = wk_errorf(WK_EIO, "%s: cannot read: out of memory for the gzip reader", path);
    }
    /* The most bytes to hold: one past the limit tells the caller "longer than promised". */
    uint64_t most = limit >= (uint64_t)SIZE_MAX - 1 ? (uint64_t)SIZE_MAX - 1 : limit + 1;
    /* A plain regular file's length is its content's length: one exact allocation. Otherwise
     * (gzip, pipes) the buffer grows with what has really been decompressed. */
    uint64_t cap = !s.gz && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 1u << 16;
    if (cap > most) cap = most;
    size_t n = 0;
    unsigned char *b = rc ? NULL : wk_malloc((size_t)cap + 1);
    if (!rc && !b) rc = wk_io_too_large(path, "its contents", cap);
    while (rc == WK_OK) {
        if (n == cap) {
            if (cap == most) break;
            unsigned char probe; /* at the expected end: is there more before growing? */
            size_t got;
            if ((rc = zs_read(&s, &probe, 1, &got)) != 0 || got == 0) break;
            uint64_t ncap = cap < (1u << 15) ? 1u << 16 : cap * 2;
            if (ncap > most) ncap = most;
            unsigned char *nb = wk_realloc(b, (size_t)ncap + 1);
            if (!nb) {
                rc = wk_io_too_large(path, "its contents", ncap);
                break;
            }
            b = nb;
            cap = ncap;
            b[n++] = probe;
            continue;
        }
        size_t got;
        if ((rc = zs_read(&s, b + n, (size_t)(cap - n), &got)) != 0 || got == 0) break;
        n += got;
    }
    if (s.gz) inflateEnd(&s.z);
    wk_free(s.in);
    close(fd);
    if (rc) {
        wk_free(b);
        return rc;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return WK_OK;
}

int wk_io_shape_numel(const char *path, int ndim, const int64_t *shape, uint64_t max, uint64_t *numel) {
    int zero = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return wk_errorf(WK_EFORMAT, "%s: shape dimension %d (%lld) is negative", path, i, (long long)shape[i]);
        zero |= shape[i] == 0;
    }
    /* The nonzero dimensions are bounded even when a zero makes the array empty, so that no
     * prefix product (wk_tensor_set_shape multiplies in order) can overflow either. */
    uint64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        uint64_t d = (uint64_t)shape[i];
        if (d == 0) continue;
        if (n > max / d)
            return wk_errorf(WK_EFORMAT, "%s: shape dimension %d (%lld) makes more than %llu elements", path, i,
                             (long long)shape[i], (unsigned long long)max);
        n *= d;
    }
    *numel = zero ? 0 : n;
    return WK_OK;
}

/* The checks before allocating an array of `shape`: its dimension count and element count
 * (*n), whichever precision the values are kept in. */
static int check_shape(const char *path, int ndim, const int64_t *shape, uint64_t *n) {
    if (ndim > WK_MAX_DIMS)
        return wk_errorf(WK_EFORMAT, "%s: %d dimensions (wgankit supports at most %d)", path, ndim, WK_MAX_DIMS);
    int rc = wk_io_shape_numel(path, ndim, shape, (uint64_t)1 << 40, n);
    /* Rows of no values (a zero after the first dimension) are no data, and a count of them
     * costs nothing to claim: 4e9 empty rows in a 19-byte IDX would become gigabytes of row
     * indices in the loader's shuffle (found by fuzz_dataset). */
    if (!rc && ndim >= 2 && shape[0] > 0 && *n == 0)
        return wk_errorf(WK_EFORMAT, "%s: %lld rows of no values (shape has a zero dimension after the first)", path,
                         (long long)shape[0]);
    return rc;
}

int wk_io_alloc_tensor(const char *path, wk_tensor *out, int ndim, const int64_t *shape) {
    memset(out, 0, sizeof *out);
    uint64_t n;
    int rc = check_shape(path, ndim, shape, &n);
    if (rc) return rc;
    rc = wk_tensor_alloc(out, ndim, shape);
    if (rc == WK_ENOMEM) return wk_io_too_large(path, "the array", n * sizeof(float));
    if (rc) return wk_error_context(rc, "%s", path);
    return WK_OK;
}

/* The first NaN/Inf of the values of `shape` (float32 `f` or float64 `d`), as an error naming its row. */
static int check_finite(const char *path, const wk_tensor *shape, const float *f, const double *d) {
    int64_t per_row = shape->ndim > 0 && shape->shape[0] > 0 ? shape->numel / shape->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    for (int64_t i = 0; i < shape->numel; i++) {
        double v = d ? d[i] : f[i];
        if (!isfinite(v))
            return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %s", path, (long long)(i / per_row),
                             (long long)(i % per_row), isnan(v) ? "NaN" : "Inf");
    }
    return WK_OK;
}

int wk_io_check_finite_rows(const char *path, const wk_tensor *t) { return check_finite(path, t, t->data, NULL); }

int wk_io_beyond_f32(const char *path, const wk_tensor *out, int64_t i, double v) {
    int64_t per_row = out->ndim > 0 && out->shape[0] > 0 ? out->numel / out->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %.17g, beyond float32's range (the library's values "
                     "are float32)", path, (long long)(i / per_row), (long long)(i % per_row), v);
}

int wk_io_alloc_out(const char *path, wk_tensor *out, double **f64, int ndim, const int64_t *shape) {
    if (!f64) return wk_io_alloc_tensor(path, out, ndim, shape);
    memset(out, 0, sizeof *out);
    *f64 = NULL;
    uint64_t n;
    int rc = check_shape(path, ndim, shape, &n);
    if (rc) return rc;
    if ((rc = wk_tensor_set_shape(out, ndim, shape)) != 0) return wk_error_context(rc, "%s", path);
    *f64 = wk_malloc((size_t)(n ? n : 1) * sizeof(double));
    if (!*f64) return wk_io_too_large(path, "the array", n * sizeof(double));
    return WK_OK;
}

int wk_io_check_finite_out(const char *path, const wk_tensor *out, const double *f64) {
    return check_finite(path, out, out->data, f64);
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
