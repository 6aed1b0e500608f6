/* test_gan.c — the trainer API: settings round trip, a step allocates nothing from the heap
 * after the first (per Lipschitz method), same seed => same weights, save/load restores the
 * exact state, every loss trains without error, file data splits into held-out and training rows
 * (each row once, by the seed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "gan_make.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/io.h"

static wk_gan_config small(const char *critic) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    wk_gan_config_set(&c, "critic", critic);
    c.gen_width = c.critic_width = 16;
    c.batch = 32;
    c.n_critic = 2;
    c.holdout = c.eval_n = 100;
    c.threads = 1;
    return c;
}

static int same_weights(wk_trainer *a, wk_trainer *b) {
    wk_model *m[2] = {wk_trainer_generator(a), wk_trainer_critic_model(a)}, *n[2] = {wk_trainer_generator(b), wk_trainer_critic_model(b)};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < m[k]->n_params; i++)
            if (memcmp(m[k]->params[i]->value.data, n[k]->params[i]->value.data, (size_t)m[k]->params[i]->value.numel * 4)) return 0;
    return 1;
}

int main(void) {
    /* settings: set / get / JSON round trip, flag spelling */
    wk_gan_config c, d;
    wk_gan_config_default(&c);
    CHECK(wk_gan_config_set(&c, "gen-depth", "5") == WK_OK && c.gen_depth == 5, "flag spelling");
    CHECK(wk_gan_config_set(&c, "loss", "bogus") == WK_EINVAL, "choices enforced");
    CHECK(wk_gan_config_set(&c, "batch", "0") == WK_EINVAL, "range enforced");
    CHECK(wk_gan_config_set(&c, "nope", "1") == WK_EINVAL, "unknown setting");
    { /* sample_shape: digits joined by single 'x's, strictly (was: "2x", "2x 3", "2x+3" taken by
       * strtoll's leniency as [2], [2, 3], [2, 3]) */
        int nd = -1;
        int64_t sh[WK_MAX_DIMS];
        static const char *const bad[] = {"2x", "x2", "2xx3", "2x 3", "2x+3", " 2", "+2", "-2", "2 ", "2x-3", "0", "2x0", "2X3", "", "2,3"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
            CHECK(wk_gan_sample_shape(bad[i], &nd, sh) == WK_EINVAL, "sample_shape '%s' refused (got %d dims)", bad[i], nd);
        CHECK(wk_gan_sample_shape("2", &nd, sh) == WK_OK && nd == 1 && sh[0] == 2, "sample_shape 2");
        CHECK(wk_gan_sample_shape("1x28x28", &nd, sh) == WK_OK && nd == 3 && sh[0] == 1 && sh[1] == 28 && sh[2] == 28,
              "sample_shape 1x28x28");
        CHECK(wk_gan_sample_shape("3x32x32", &nd, sh) == WK_OK && nd == 3 && sh[0] == 3 && sh[2] == 32, "sample_shape 3x32x32");
        CHECK(wk_gan_sample_shape("64", &nd, sh) == WK_OK && nd == 1 && sh[0] == 64, "sample_shape 64");
    }
    wk_gan_config_set(&c, "lr_g", "0.000123");
    /* closed choices are enums, resolved once when set; their names come back out unchanged */
    char name[32];
    CHECK(wk_gan_config_set(&c, "critic", "spectral") == WK_OK && c.critic == WK_LIP_SPECTRAL, "critic enum");
    CHECK(wk_gan_config_set(&c, "opt-g", "rmsprop") == WK_OK && c.opt_g == WK_OPT_RMSPROP && c.opt_d == WK_OPT_ADAM, "opt_g enum");
    CHECK(wk_gan_config_set(&c, "gen_act", "tanh") == WK_OK && c.gen_act == WK_GEN_ACT_TANH, "gen_act enum");
    CHECK(wk_gan_config_set(&c, "lr_decay", "linear") == WK_OK && c.lr_decay == WK_LR_DECAY_LINEAR, "lr_decay enum");
    wk_gan_config_get(&c, "critic", name, sizeof name);
    CHECK(!strcmp(name, "spectral"), "critic reads back as its name, got %s", name);
    wk_gan_config_get(&c, "opt_d", name, sizeof name);
    CHECK(!strcmp(name, "adam"), "opt_d reads back as its name, got %s", name);
    CHECK(wk_gan_config_validate(&c) == WK_OK, "valid: %s", wk_last_error());
    d = c, d.loss = (wk_loss_kind)7; /* the C API can store any int: validate refuses it once */
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "loss"), "bad enum refused: %s", wk_last_error());
    /* ... and every number outside its setting's range, as wk_gan_config_set would (the C API
     * and the Python binding write the struct directly) */
    d = c, d.batch = 0;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "batch: 0"), "batch 0 refused: %s", wk_last_error());
    d = c, d.lr_g = NAN;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "lr_g"), "NaN lr refused: %s", wk_last_error());
    d = c, d.threads = 65;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "threads"), "threads 65 refused: %s", wk_last_error());
    d = c, d.seed = -1;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "seed"), "seed -1 refused: %s", wk_last_error());
    d = c, d.mix = WK_MIX_MAX + 1;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "mix"), "mix 17 refused: %s", wk_last_error());
    d = c, d.gp_one_sided = 2;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "gp_one_sided"), "bool 2 refused: %s", wk_last_error());
    d = c, d.dist_timeout = 0.5;
    CHECK(wk_gan_config_validate(&d) == WK_EINVAL && strstr(wk_last_error(), "dist_timeout"), "timeout refused: %s", wk_last_error());
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_config_to_json(&c, &sb);
    wk_json *root;
    REQUIRE(wk_json_parse(sb.data, sb.len, "cfg", &root) == WK_OK, "config json parses");
    wk_gan_config_default(&d);
    CHECK(wk_gan_config_apply_json(&d, root, "cfg") == WK_OK && !memcmp(&c, &d, sizeof c), "JSON round trip is exact");
    wk_json_free(root);
    wk_sb_free(&sb);

    /* no heap allocation per step after the first, for each critic class */
    const char *methods[] = {"none", "bjorck", "clip", "gp", "biau", "spectral"};
    for (int k = 0; k < 6; k++) {
        wk_gan_config cfg = small(methods[k]);
        wk_trainer *t = make(&cfg);
        CHECK(wk_trainer_step(t) == WK_OK && wk_trainer_step(t) == WK_OK, "%s: steps: %s", methods[k], wk_last_error());
        uint64_t before = wk_alloc_count();
        for (int i = 0; i < 3; i++) wk_trainer_step(t);
        CHECK(wk_alloc_count() == before, "%s: %llu heap allocations in 3 steps", methods[k], (unsigned long long)(wk_alloc_count() - before));
        wk_trainer_free(t);
    }

    /* reproducible; save/load restores the exact training state */
    wk_gan_config cfg = small("bjorck");
    cfg.ema = 0.9;
    wk_trainer *a = make(&cfg), *b = make(&cfg), *r = make(&cfg);
    for (int i = 0; i < 5; i++) wk_trainer_step(a), wk_trainer_step(b);
    CHECK(same_weights(a, b), "same seed, same weights");
    CHECK(wk_trainer_save(a, "/tmp/wk_test_gan.safetensors") == WK_OK, "save: %s", wk_last_error());
    CHECK(wk_trainer_load_state(r, "/tmp/wk_test_gan.safetensors") == WK_OK, "load: %s", wk_last_error());
    for (int i = 0; i < 3; i++) wk_trainer_step(a), wk_trainer_step(r);
    CHECK(same_weights(a, r) && wk_trainer_step_count(r) == 8, "resumed trainer continues bit-identically");
    wk_gan_metrics m;
    CHECK(wk_trainer_evaluate(a, &m) == WK_OK && m.w1 > 0 && m.n_modes == 8, "evaluate: %s", wk_last_error());
    wk_trainer *l = NULL;
    CHECK(wk_trainer_load("/tmp/wk_test_gan.safetensors", &l) == WK_OK, "load from the file alone: %s", wk_last_error());
    { /* one read (eval, resume): the same config as the config reader, a state that loads as
       * wk_trainer_load_state's; read for its settings only, it holds no state to load */
        wk_checkpoint ck;
        wk_gan_config alone;
        CHECK(wk_checkpoint_read("/tmp/wk_test_gan.safetensors", WK_CHECKPOINT_ALL, &ck) == WK_OK, "read: %s", wk_last_error());
        CHECK(wk_gan_config_from_checkpoint("/tmp/wk_test_gan.safetensors", &alone) == WK_OK, "config: %s", wk_last_error());
        wk_strbuf j1, j2;
        wk_sb_init(&j1), wk_sb_init(&j2);
        wk_gan_config_to_json(&ck.cfg, &j1), wk_gan_config_to_json(&alone, &j2);
        CHECK(j1.data && j2.data && !strcmp(j1.data, j2.data), "one read: the checkpoint's config");
        wk_sb_free(&j1), wk_sb_free(&j2);
        wk_trainer *q1 = make(&cfg), *q2 = make(&cfg);
        CHECK(wk_trainer_load_state(q1, "/tmp/wk_test_gan.safetensors") == WK_OK, "load: %s", wk_last_error());
        CHECK(wk_checkpoint_check_data(&ck, &cfg) == WK_OK && wk_trainer_load_checkpoint(q2, &ck) == WK_OK, "one read: %s", wk_last_error());
        CHECK(same_weights(q1, q2) && wk_trainer_step_count(q2) == 5, "one read loads the same state");
        wk_checkpoint_free(&ck);
        CHECK(wk_checkpoint_read("/tmp/wk_test_gan.safetensors", WK_CHECKPOINT_SETTINGS, &ck) == WK_OK && !ck.file.buffer,
              "settings read: %s", wk_last_error());
        CHECK(wk_trainer_load_checkpoint(q2, &ck) == WK_EINVAL && wk_checkpoint_check_data(&ck, &cfg) == WK_EINVAL,
              "a settings-only read has no state to load");
        wk_checkpoint_free(&ck);
        wk_trainer_free(q1), wk_trainer_free(q2);
    }
    /* a diverged state (one NaN weight) is never saved: the last good file stays, the tensor is named */
    FILE *fp = fopen("/tmp/wk_test_gan.safetensors", "rb");
    static unsigned char before_nan[1 << 20], after_nan[1 << 20];
    size_t nb = fp ? fread(before_nan, 1, sizeof before_nan, fp) : 0;
    if (fp) fclose(fp);
    wk_model *crit = wk_trainer_critic_model(a);
    crit->params[0]->value.data[1] = NAN;
    int rc_nan = wk_trainer_save(a, "/tmp/wk_test_gan.safetensors");
    CHECK(rc_nan == WK_ENUMERIC && strstr(wk_last_error(), crit->params[0]->name) && strstr(wk_last_error(), "not written"),
          "save of a NaN weight refused naming it: %s", wk_last_error());
    fp = fopen("/tmp/wk_test_gan.safetensors", "rb");
    size_t na = fp ? fread(after_nan, 1, sizeof after_nan, fp) : 0;
    if (fp) fclose(fp);
    CHECK(nb > 0 && na == nb && !memcmp(before_nan, after_nan, nb), "the last good checkpoint is untouched");
    wk_trainer_free(l), wk_trainer_free(a), wk_trainer_free(b), wk_trainer_free(r);
    remove("/tmp/wk_test_gan.safetensors");

    /* every loss runs */
    const char *losses[] = {"wgan", "minimax", "ns", "hinge"};
    for (int k = 0; k < 4; k++) {
        wk_gan_config lc = small("gp");
        wk_gan_config_set(&lc, "loss", losses[k]);
        wk_trainer *t = make(&lc);
        int rc = WK_OK;
        for (int i = 0; i < 3 && !rc; i++) rc = wk_trainer_step(t);
        CHECK(rc == WK_OK, "loss %s: %s", losses[k], wk_last_error());
        wk_trainer_free(t);
    }
    /* file data: the held-out rows and the training rows are the file's rows, each exactly once;
     * the split follows the seed (rows tagged by their index, shuffled in place by the loader) */
    {
        enum { N = 1001, H = 137 };
        char path[] = "/tmp/wk_test_gan_split_XXXXXX.npy";
        int fd = mkstemps(path, 4);
        REQUIRE(fd >= 0, "temporary file");
        close(fd);
        wk_tensor rowsx;
        REQUIRE(wk_tensor_alloc(&rowsx, 2, (int64_t[]){N, 2}) == WK_OK, "alloc");
        for (int i = 0; i < N; i++) rowsx.data[2 * i] = (float)i, rowsx.data[2 * i + 1] = (float)-i;
        REQUIRE(wk_write_npy(path, &rowsx) == WK_OK, "write: %s", wk_last_error());
        wk_tensor_free(&rowsx);
        int64_t first_train[2] = {-1, -1};
        for (int run = 0; run < 3; run++) {
            wk_gan_config fc = small("gp");
            snprintf(fc.data, sizeof fc.data, "%s", path);
            fc.holdout = H;
            fc.seed = run == 2 ? 7 : 0;
            wk_dataset ds;
            REQUIRE(wk_dataset_load(&fc, &ds) == WK_OK, "load %s: %s", path, wk_last_error());
            CHECK(ds.holdout.shape[0] == H && ds.train.shape[0] == N - H, "split sizes %lld + %lld",
                  (long long)ds.holdout.shape[0], (long long)ds.train.shape[0]);
            static int seen[N];
            memset(seen, 0, sizeof seen);
            int ok = 1;
            const wk_tensor *part[2] = {&ds.holdout, &ds.train};
            for (int k = 0; k < 2; k++)
                for (int64_t r = 0; r < part[k]->shape[0]; r++) {
                    int i = (int)part[k]->data[2 * r];
                    ok &= i >= 0 && i < N && part[k]->data[2 * r + 1] == (float)-i && !seen[i];
                    if (i >= 0 && i < N) seen[i] = 1;
                }
            CHECK(ok, "run %d: every row once, rows intact", run);
            if (run < 2) first_train[run] = (int64_t)ds.train.data[0];
            else CHECK(memcmp(&first_train[0], &first_train[1], sizeof first_train[0]) == 0 && ds.train.data[0] != first_train[0],
                       "same seed, same split (%lld, %lld); another seed, another (%g)", (long long)first_train[0],
                       (long long)first_train[1], ds.train.data[0]);
            wk_dataset_free(&ds);
        }
        remove(path);
    }
    return check_summary("test_gan");
}
