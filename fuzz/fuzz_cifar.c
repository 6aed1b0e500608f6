/* fuzz_cifar.c — libFuzzer harness of the CIFAR-10 binary batch reader (wk_read_cifar10,
 * labels included): any bytes must give a status, never a crash, finding or leak. */
#include "fuzz_file.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/tensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = wk_fuzz_path(0, ".bin");
    wk_fuzz_write(path, data, size);
    wk_tensor t = {0};
    uint8_t *labels = NULL;
    if (wk_fuzz_note(wk_read_cifar10(path, &t, &labels), "read") == 0) {
        wk_tensor_free(&t);
        wk_free(labels);
    }
    return 0;
}
