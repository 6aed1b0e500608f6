/* fuzz_dataset.c — libFuzzer harness of the dataset loader (wk_dataset_load, what
 * `train --data` runs): reading, concatenating comma-separated files, the image checks, the
 * scaling and the in-place shuffled hold-out split.
 *
 * Input layout: byte 0 picks the format (.npy, .csv, .idx, .idx.gz as is, CIFAR .bin) and,
 * with bit 3, splits the rest into two files of that format loaded as "a,b"; bit 4 asks for
 * the DCGAN generator (image shape checks). Byte 1 is the hold-out count (1..64) and the scaling
 * (auto, none, u8, minmax), byte 2 where the two files split. The rest is the file content. */
#include "fuzz_file.h"
#include "wgankit/gan.h"

static const char *const EXT[] = {".npy", ".csv", ".idx", ".idx.gz", ".bin"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    int fmt = (data[0] & 7) % 5, two = data[0] >> 3 & 1, dcgan = data[0] >> 4 & 1;
    wk_gan_config cfg;
    wk_gan_config_default(&cfg);
    cfg.holdout = 1 + (data[1] & 63); /* the setting's range starts at 1 */
    cfg.scale = (wk_scale_kind)(data[1] >> 6); /* auto, none, u8, minmax */
    if (dcgan) cfg.gen = WK_NET_DCGAN;
    size_t cut = two ? (size - 3) * data[2] / 255 : size - 3;
    const char *a = wk_fuzz_path(0, EXT[fmt]), *b = wk_fuzz_path(1, EXT[fmt]);
    wk_fuzz_write(a, data + 3, cut);
    if (two) {
        wk_fuzz_write(b, data + 3 + cut, size - 3 - cut);
        snprintf(cfg.data, sizeof cfg.data, "%s,%s", a, b);
    } else {
        snprintf(cfg.data, sizeof cfg.data, "%s", a);
    }
    wk_dataset ds;
    if (wk_fuzz_note(wk_dataset_load(&cfg, &ds), "load") == 0) {
        /* every loaded value is finite and the split keeps every row */
        if (ds.train.shape[0] + ds.holdout.shape[0] < 2) abort();
        wk_dataset_free(&ds);
    }
    return 0;
}
