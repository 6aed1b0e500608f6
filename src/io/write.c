/* write.c — the simple writers declared in io.h: a byte buffer (atomically) and float32 NPY.
 *
 * NPY format 1.0 (numpy/lib/format.py, NEP 1): "\x93NUMPY", version 1.0, uint16 LE header
 * length, an ASCII dict header padded with spaces and ended by '\n' so that the data starts on
 * a 64-byte boundary, then the raw little-endian C-order data. */
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/strbuf.h"

#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wgankit writes raw little-endian data; a big-endian port needs byte swapping here"
#endif

int wk_write_file_atomic(const char *path, const void *data, size_t len) {
    wk_atomic_file af;
    int rc = wk_atomic_open(&af, path);
    if (rc != WK_OK) return rc;
    if ((rc = wk_atomic_write(&af, data, len)) != WK_OK) return rc;
    return wk_atomic_commit(&af);
}

int wk_write_npy(const char *path, const wk_tensor *t) {
    if (!t || (!t->data && t->numel)) return wk_errorf(WK_EINVAL, "write %s: no tensor data", path);
    if (t->device != WK_DEVICE_CPU) return wk_errorf(WK_EUNSUPPORTED, "write %s: tensor is not on the CPU", path);
    wk_strbuf h;
    wk_sb_init(&h);
    wk_sb_append(&h, "\x93NUMPY\x01\x00\x00\x00", 10); /* length patched below */
    wk_sb_puts(&h, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < t->ndim; i++) wk_sb_printf(&h, i ? ", %lld" : "%lld", (long long)t->shape[i]);
    wk_sb_puts(&h, t->ndim == 1 ? ",), }" : "), }");
    while ((h.len + 1) % 64) wk_sb_putc(&h, ' ');
    wk_sb_putc(&h, '\n');
    int rc = wk_sb_status(&h);
    if (rc == WK_OK && h.len - 10 > 0xffff) rc = wk_errorf(WK_EINVAL, "write %s: header too long for NPY 1.0", path);
    if (rc != WK_OK) {
        wk_sb_free(&h);
        return rc;
    }
    size_t hlen = h.len - 10;
    h.data[8] = (char)(hlen & 0xff);
    h.data[9] = (char)(hlen >> 8);

    wk_atomic_file af;
    if ((rc = wk_atomic_open(&af, path)) == WK_OK) {
        size_t nbytes = (size_t)t->numel * sizeof(float);
        if ((rc = wk_atomic_write(&af, h.data, h.len)) == WK_OK && (rc = wk_atomic_write(&af, t->data, nbytes)) == WK_OK)
            rc = wk_atomic_commit(&af);
    }
    wk_sb_free(&h);
    return rc;
}
