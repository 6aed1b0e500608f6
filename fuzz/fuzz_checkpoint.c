/* fuzz_checkpoint.c — libFuzzer harness of a full checkpoint load, both ways the CLI loads one:
 *
 *   1. wk_trainer_load (what `sample` and `critic` do): config from the metadata, networks
 *      rebuilt, state restored; then 2 samples and the critic on them.
 *   2. the `train --resume` path: config from the metadata, a fixed data file of 40 2-D points
 *      (written once), wk_trainer_new, wk_trainer_load_state, then one training step, which
 *      reads the restored data order (state.perm) and counters.
 *
 * A config that asks for an expensive but legitimate model (wide, deep, big batches) is
 * skipped before anything is built: the harness looks for parser faults, not for slow
 * training, and libFuzzer's time and memory limits would report such models as hangs. */
#include <string.h>

#include "fuzz_file.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

static int cheap(const wk_gan_config *c) {
    int dcgan = c->gen == WK_NET_DCGAN || c->critic_net == WK_NET_DCGAN;
    return c->gen_width <= 64 && c->critic_width <= 64 && c->gen_depth <= 4 && c->critic_depth <= 4 && c->latent_dim <= 64 &&
           c->batch <= 64 && c->n_critic <= 5 && (!dcgan || c->dcgan_width <= 16) && c->bjorck_iters <= 100 &&
           c->bjorck_final_iters <= 100 && c->sn_iters <= 10;
}

/* 40 points on two lines, the data of the seed checkpoints (fuzz/make-corpus.sh). */
static const char *data_file(void) {
    static char path[256];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", wk_fuzz_path(1, ".csv"));
        FILE *f = fopen(path, "w");
        if (!f) abort();
        for (int i = 0; i < 40; i++) fprintf(f, "%g,%g\n", i * 0.05, (i % 2) ? 1.0 : -1.0);
        if (fclose(f)) abort();
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *csv = data_file();
    const char *path = wk_fuzz_path(0, ".safetensors");
    wk_fuzz_write(path, data, size);
    wk_gan_config cfg;
    if (wk_fuzz_note(wk_gan_config_from_checkpoint(path, &cfg), "config") || wk_fuzz_note(!cheap(&cfg), "cheap")) return 0;

    wk_trainer *t = NULL;
    if (wk_fuzz_note(wk_trainer_load(path, &t), "wk_trainer_load") == 0) {
        wk_tensor x = {0}, d = {0};
        if (wk_fuzz_note(wk_trainer_sample(t, NULL, 2, 1, 1, &x), "sample") == 0) {
            if (wk_fuzz_note(wk_trainer_critic(t, &x, &d, NULL), "critic") == 0) wk_tensor_free(&d);
            wk_tensor_free(&x);
        }
        wk_trainer_free(t);
        t = NULL;
    }

    snprintf(cfg.data, sizeof cfg.data, "%s", csv);
    cfg.threads = 1;
    wk_dataset ds;
    if (wk_fuzz_note(wk_gan_config_validate(&cfg), "validate") || wk_fuzz_note(wk_dataset_load(&cfg, &ds), "dataset")) return 0;
    if (wk_fuzz_note(wk_trainer_new(&cfg, &ds, &t), "wk_trainer_new")) {
        wk_dataset_free(&ds); /* not taken over when the config is refused */
        return 0;
    }
    if (wk_fuzz_note(wk_trainer_load_state(t, path), "load_state") == 0) wk_fuzz_note(wk_trainer_step(t), "step");
    wk_trainer_free(t);
    return 0;
}
