/* cifar_read.c — CIFAR-10 binary batches (data_batch_*.bin, test_batch.bin; .gz looked through):
 * records of 1 label byte + 3,072 pixel bytes (3 x 32 x 32, channel-major). The result is
 * [N, 3, 32, 32] with pixel values 0..255. Invariants: the file is a whole number of records
 * and every label is 0..9, else WK_EFORMAT naming the file (a file of other bytes that merely
 * ends in .bin is refused, not read as images). Read by wk_read_array, so every command that
 * takes an array file (train, draw, metrics, w1, critic --input, ...) reads these. */
#include <string.h>

#include "io/read_util.h"
#include "wgankit/data.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

#define CIFAR_RECORD 3073

int wk_io_read_cifar10(const char *path, wk_tensor *out, double **f64, uint8_t **labels) {
    memset(out, 0, sizeof *out);
    if (f64) *f64 = NULL;
    if (labels) *labels = NULL;
    unsigned char *buf;
    size_t size;
    int rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &buf, &size);
    if (rc) return rc;
    if (size == 0 || size % CIFAR_RECORD) {
        wk_free(buf);
        return wk_errorf(WK_EFORMAT, "%s: %zu bytes is not a whole number of CIFAR-10 records (3,073 bytes each)", path,
                         size);
    }
    int64_t n = (int64_t)(size / CIFAR_RECORD);
    for (int64_t i = 0; i < n; i++)
        if (buf[i * CIFAR_RECORD] > 9) {
            rc = wk_errorf(WK_EFORMAT, "%s: record %lld has label %d (CIFAR-10 labels are 0..9)", path, (long long)i,
                           buf[i * CIFAR_RECORD]);
            wk_free(buf);
            return rc;
        }
    rc = wk_io_alloc_out(path, out, f64, 4, (int64_t[]){n, 3, 32, 32});
    if (rc == WK_OK && labels && !(*labels = wk_malloc((size_t)n))) {
        wk_io_free_out(out, f64);
        rc = wk_io_too_large(path, "the labels", (uint64_t)n);
    }
    if (rc == WK_OK)
        for (int64_t i = 0; i < n; i++) {
            if (labels) (*labels)[i] = buf[i * CIFAR_RECORD];
            for (int j = 0; j < 3072; j++) wk_io_put(out, f64 ? *f64 : NULL, i * 3072 + j, buf[i * CIFAR_RECORD + 1 + j]);
        }
    wk_free(buf);
    return rc;
}

int wk_read_cifar10(const char *path, wk_tensor *out, uint8_t **labels) {
    return wk_io_read_cifar10(path, out, NULL, labels);
}
