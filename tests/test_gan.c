/* test_gan.c — the trainer API: settings round trip, a step allocates nothing from the heap
 * after the first (per Lipschitz method), same seed => same weights, save/load restores the
 * exact state, every loss trains without error. */
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

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

static wk_trainer *make(const wk_gan_config *c) {
    wk_dataset ds;
    wk_trainer *t = NULL;
    REQUIRE(wk_dataset_load(c, &ds) == WK_OK, "dataset: %s", wk_last_error());
    REQUIRE(wk_trainer_new(c, &ds, &t) == WK_OK, "trainer: %s", wk_last_error());
    return t;
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
    wk_gan_config_set(&c, "lr_g", "0.000123");
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
    return check_summary("test_gan");
}
