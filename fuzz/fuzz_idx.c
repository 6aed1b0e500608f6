/* fuzz_idx.c — libFuzzer harness of the IDX reader, plain and gzip (wk_read_idx).
 *
 * The first byte picks the form: 0 the rest is a plain .idx file; 1 the rest is the bytes of a
 * .gz file as they are (the gzip layer itself); 2 the rest is an IDX file the harness gzips
 * first, so that mutations of the IDX header reach the reader through zlib (a header that
 * promises little over a large stream must stop at the promise). */
#include <zlib.h>

#include "fuzz_file.h"
#include "wgankit/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int mode = data[0] % 3;
    data++, size--;
    const char *path = wk_fuzz_path(0, mode == 0 ? ".idx" : ".idx.gz");
    if (mode == 2) {
        gzFile gz = gzopen(path, "wb1");
        if (!gz || (size && gzwrite(gz, data, (unsigned)size) != (int)size) || gzclose(gz) != Z_OK) abort();
    } else {
        wk_fuzz_write(path, data, size);
    }
    wk_tensor t = {0};
    if (wk_fuzz_note(wk_read_idx(path, &t), "read") == 0) wk_tensor_free(&t);
    return 0;
}
