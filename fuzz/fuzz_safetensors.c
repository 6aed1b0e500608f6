/* fuzz_safetensors.c — libFuzzer harness of the safetensors reader (wk_safetensors_load), then
 * every accessor a caller uses on a loaded file: each tensor copied out as float32, the
 * metadata looked up. A file that loads must have every tensor inside its buffer. */
#include "fuzz_file.h"
#include "wgankit/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = wk_fuzz_path(0, ".safetensors");
    wk_fuzz_write(path, data, size);
    wk_safetensors f;
    if (wk_fuzz_note(wk_safetensors_load(path, &f), "load")) return 0;
    volatile unsigned sum = 0;
    for (size_t i = 0; i < f.n_tensors; i++) {
        const wk_st_tensor *e = &f.tensors[i];
        for (size_t b = 0; b < e->nbytes; b++) sum += ((const uint8_t *)e->data)[b]; /* ASan: inside the buffer */
        if (wk_safetensors_find(&f, e->name) == NULL) abort();
        wk_tensor t = {0};
        if (e->dtype == WK_ST_F32 && wk_safetensors_get_f32(&f, e->name, &t) == 0) wk_tensor_free(&t);
    }
    for (size_t i = 0; i < f.n_meta; i++) sum += (unsigned)wk_safetensors_meta(&f, f.meta[i].key)[0];
    wk_safetensors_free(&f);
    return (int)(sum & 0); /* libFuzzer wants 0; reading `sum` keeps the loads */
}
