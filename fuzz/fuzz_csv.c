/* fuzz_csv.c — libFuzzer harness of the CSV/text reader (wk_read_csv, then the 2-D view that
 * `w1` and `train --data` use): any bytes must give a status, never a crash or a finding. */
#include "fuzz_file.h"
#include "wgankit/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = wk_fuzz_path(0, ".csv");
    wk_fuzz_write(path, data, size);
    wk_tensor t = {0};
    if (wk_fuzz_note(wk_read_points(path, &t), "read") == 0) wk_tensor_free(&t);
    return 0;
}
