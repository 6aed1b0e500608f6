/* fuzz_npy.c — libFuzzer harness of the NPY reader (wk_read_npy): any bytes as a .npy file
 * must give WK_OK or a status with a message, never a crash, a sanitizer finding, a leak or
 * an allocation larger than the file justifies (libFuzzer's -rss_limit_mb catches those). */
#include "fuzz_file.h"
#include "wgankit/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = wk_fuzz_path(0, ".npy");
    wk_fuzz_write(path, data, size);
    wk_tensor t = {0};
    if (wk_fuzz_note(wk_read_npy(path, &t), "read") == 0) wk_tensor_free(&t);
    return 0;
}
