/* test_mix.c — MIX+GAN mechanics (src/gan/mix.c; Arora et al. 2017 §5):
 *   0. a plain GAN's settings JSON has no MIX+GAN keys (older builds read its checkpoints);
 *   1. the objective Σ_ij w_G[i]·w_D[j]·L[i][j] + λ·(−(1/T)·Σ log(w + 1e-6)), w = softmax(logits):
 *      its value against a double computation and its gradients through both sets of logits and
 *      L against finite differences (gradcheck.h);
 *   2. sampling picks component i with frequency w_G[i] (chi-square, 3 degrees of freedom);
 *   3. every loss × critic class, and DCGAN networks, train as a mixture (no heap allocation
 *      per step after the first); resume from a
 *      checkpoint is bit-exact (every component, both logits); a mixture checkpoint is refused
 *      by a single-GAN configuration and vice versa;
 *   4. the Lipschitz report is the mixture critic's (certified Σ_j w_D[j]·bound_j, measured on the
 *      mixture's gradients and values). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gan/trainer_internal.h"
#include "gradcheck.h"
#include "gan_make.h"
#include "wgankit/io.h"

enum { T = 4 };

typedef struct {
    double lambda;
    int generator_side; /* regulariser on w_G (generator loss) or on w_D (critic loss) */
} obj_ctx;

static wk_var *objective(wk_graph *g, wk_var **x, void *ctx) {
    const obj_ctx *c = ctx;
    wk_var *wg = wk__mix_softmax(g, x[0], T), *wd = wk__mix_softmax(g, x[1], T);
    return wk__mix_objective(g, wg, wd, x[2], T, c->lambda, c->generator_side ? wg : wd);
}

static void test_objective(void) {
    wk_rng r;
    wk_rng_seed(&r, 7);
    wk_tensor in[3] = {gc_rand(&r, 1, (int64_t[]){T}, -1, 1), gc_rand(&r, 1, (int64_t[]){T}, -1, 1),
                       gc_rand(&r, 2, (int64_t[]){T, T}, -2, 2)};
    /* value against double arithmetic */
    double wg[T], wd[T], want = 0, reg = 0;
    wk_param pg, pd;
    wk_param_init(&pg, "g", 1, (int64_t[]){T}), wk_param_init(&pd, "d", 1, (int64_t[]){T});
    memcpy(pg.value.data, in[0].data, T * 4), memcpy(pd.value.data, in[1].data, T * 4);
    wk__mix_weights(&pg, T, wg), wk__mix_weights(&pd, T, wd);
    double sg = 0, sd = 0;
    for (int i = 0; i < T; i++) sg += wg[i], sd += wd[i];
    CHECK(fabs(sg - 1) < 1e-12 && fabs(sd - 1) < 1e-12, "weights sum to 1");
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) want += wg[i] * wd[j] * in[2].data[i * T + j];
    for (int j = 0; j < T; j++) reg -= log(wd[j] + 1e-6) / T;
    wk_graph *g = wk_graph_new();
    wk_var *v[3];
    for (int i = 0; i < 3; i++) v[i] = wk_input(g, &in[i], 0);
    obj_ctx c = {0.1, 0};
    wk_var *o = objective(g, v, &c);
    REQUIRE(o, "objective: %s", wk_last_error());
    CHECK(fabs(wk_value(o)->data[0] - (want + 0.1 * reg)) < 1e-5, "objective %.7g, want %.7g", wk_value(o)->data[0], want + 0.1 * reg);
    /* at uniform weights the regulariser is its minimum −log(1/T + 1e-6) */
    wk_graph_reset(g);
    wk_tensor zero;
    wk_tensor_alloc(&zero, 1, (int64_t[]){T});
    memset(zero.data, 0, T * 4);
    wk_var *u = wk__mix_softmax(g, wk_input(g, &zero, 0), T);
    wk_var *r0 = wk__mix_objective(g, u, u, wk_constant(g, 2, (int64_t[]){T, T}, 0), T, 1.0, u);
    CHECK(fabs(wk_value(r0)->data[0] + log(1.0 / T + 1e-6)) < 1e-5, "regulariser at uniform weights %.7g", wk_value(r0)->data[0]);
    wk_tensor_free(&zero);
    wk_graph_free(g);
    /* gradients through the logits of both families and through the payoff matrix */
    gc_opts opt = {1e-2, 2e-2, 2e-3, 0};
    for (int side = 0; side < 2; side++)
        for (int k = 0; k < 2; k++) {
            obj_ctx cc = {k ? 0.1 : 0.0, side};
            gradcheck(side ? "mix objective (generator side)" : "mix objective (critic side)", objective, &cc, 3, in, &opt);
        }
    for (int i = 0; i < 3; i++) wk_tensor_free(&in[i]);
    wk_param_free(&pg), wk_param_free(&pd);
}

static wk_gan_config small(const char *critic, const char *loss, int mix) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    REQUIRE(wk_gan_config_set(&c, "critic", critic) == WK_OK && wk_gan_config_set(&c, "loss", loss) == WK_OK, "config");
    strcpy(c.data, "grid");
    c.gen_width = c.critic_width = 8;
    c.gen_depth = c.critic_depth = 2;
    c.batch = 16;
    c.n_critic = 2;
    c.holdout = c.eval_n = 50;
    c.threads = 1;
    c.mix = mix;
    return c;
}

/* Component i's generator outputs the constant (i, i): the last linear layer is 0·x + i. */
static void test_sampling(void) {
    wk_gan_config c = small("bjorck", "wgan", T);
    strcpy(c.sample_shape, "2");
    wk_trainer *t = NULL;
    REQUIRE(wk_trainer_new(&c, NULL, &t) == WK_OK, "trainer: %s", wk_last_error());
    const double w[T] = {0.1, 0.2, 0.3, 0.4};
    for (int i = 0; i < T; i++) {
        t->logit_g.value.data[i] = (float)log(w[i]);
        wk_model *gm = WK_MIX_GEN(t, i);
        wk_param *W = gm->params[gm->n_params - 2], *b = gm->params[gm->n_params - 1];
        memset(W->value.data, 0, (size_t)W->value.numel * 4);
        for (int64_t k = 0; k < b->value.numel; k++) b->value.data[k] = (float)i;
    }
    enum { N = 20000 };
    wk_tensor x;
    REQUIRE(wk_trainer_sample(t, NULL, N, 3, 0, &x) == WK_OK, "sample: %s", wk_last_error());
    int64_t count[T] = {0}, other = 0;
    for (int64_t k = 0; k < N; k++) {
        float v = x.data[2 * k];
        int i = (int)lrintf(v);
        if (i >= 0 && i < T && v == (float)i && x.data[2 * k + 1] == v) count[i]++;
        else other++;
    }
    double chi2 = 0;
    for (int i = 0; i < T; i++) chi2 += (count[i] - N * w[i]) * (count[i] - N * w[i]) / (N * w[i]);
    CHECK(!other, "%lld samples from no component", (long long)other);
    /* 16.27 = the 0.999 quantile of chi-square with 3 degrees of freedom */
    CHECK(chi2 < 16.27, "component frequencies %lld %lld %lld %lld vs w_G 0.1..0.4: chi-square %.2f", (long long)count[0],
          (long long)count[1], (long long)count[2], (long long)count[3], chi2);
    /* the same seed draws the same mixture sample */
    wk_tensor y;
    REQUIRE(wk_trainer_sample(t, NULL, N, 3, 0, &y) == WK_OK, "sample again");
    CHECK(!memcmp(x.data, y.data, (size_t)x.numel * 4), "sampling is reproducible");
    wk_tensor_free(&x), wk_tensor_free(&y);
    wk_trainer_free(t);
}

static int same_state(wk_trainer *a, wk_trainer *b) {
    for (int i = 0; i < a->T; i++) {
        wk_model *m[3] = {WK_MIX_GEN(a, i), WK_MIX_CRITIC(a, i), WK_MIX_EMA(a, i)}, *n[3] = {WK_MIX_GEN(b, i), WK_MIX_CRITIC(b, i), WK_MIX_EMA(b, i)};
        for (int k = 0; k < 3; k++)
            for (int p = 0; p < m[k]->n_params; p++)
                if (memcmp(m[k]->params[p]->value.data, n[k]->params[p]->value.data, (size_t)m[k]->params[p]->value.numel * 4)) return 0;
    }
    return !memcmp(a->logit_g.value.data, b->logit_g.value.data, (size_t)a->T * 4) &&
           !memcmp(a->logit_d.value.data, b->logit_d.value.data, (size_t)a->T * 4);
}

static void train(wk_trainer *t, int n, const char *what) {
    for (int k = 0; k < n; k++) REQUIRE(wk_trainer_step(t) == WK_OK, "%s: step: %s", what, wk_last_error());
}

static void test_losses_and_resume(void) {
    const char *combos[][2] = {{"bjorck", "wgan"}, {"biau", "wgan"}, {"gp", "minimax"}, {"clip", "ns"}, {"spectral", "hinge"}, {"gp", "wgan"}};
    char path[] = "/tmp/wk_test_mix_XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0, "temp file");
    close(fd);
    for (size_t k = 0; k < sizeof combos / sizeof combos[0]; k++) {
        char what[64];
        snprintf(what, sizeof what, "%s/%s", combos[k][0], combos[k][1]);
        wk_gan_config c = small(combos[k][0], combos[k][1], 3);
        c.mix_entropy = 0.5;
        wk_trainer *a = make(&c), *b = make(&c), *r = make(&c);
        train(a, 1, what);
        uint64_t before = wk_alloc_count(); /* after the first step, a mixture step allocates nothing either */
        train(a, 5, what);
        CHECK(wk_alloc_count() == before, "%s: %llu heap allocations in 5 mixture steps", what, (unsigned long long)(wk_alloc_count() - before));
        train(b, 3, what);
        double w[3];
        wk__mix_weights(&a->logit_g, 3, w);
        CHECK(w[0] != w[1] || w[1] != w[2], "%s: the generator weights moved from uniform", what);
        wk__mix_weights(&a->logit_d, 3, w);
        CHECK(w[0] != w[1] || w[1] != w[2], "%s: the critic weights moved from uniform", what);
        REQUIRE(wk_trainer_save(b, path) == WK_OK, "save: %s", wk_last_error());
        REQUIRE(wk_trainer_load_state(r, path) == WK_OK, "load: %s", wk_last_error());
        train(r, 3, what);
        CHECK(same_state(a, r), "%s: 3 + checkpoint + 3 steps equal 6 steps bit for bit (every component, both logits)", what);
        wk_gan_metrics m;
        CHECK(wk_trainer_evaluate(r, &m) == WK_OK && m.mix == 3 && isfinite(m.w1), "%s: evaluation of a mixture", what);
        /* a mixture checkpoint is never read as a single GAN, nor as a mixture of another size */
        wk_gan_config c1 = c, c2 = c;
        c1.mix = 1, c2.mix = 2;
        wk_trainer *s1 = make(&c1), *s2 = make(&c2);
        CHECK(wk_trainer_load_state(s1, path) == WK_EFORMAT && strstr(wk_last_error(), "MIX+GAN"), "%s: single GAN refuses a mixture: %s",
              what, wk_last_error());
        CHECK(wk_trainer_load_state(s2, path) == WK_EFORMAT, "%s: T = 2 refuses a T = 3 checkpoint", what);
        REQUIRE(wk_trainer_save(s1, path) == WK_OK, "save single");
        CHECK(wk_trainer_load_state(r, path) == WK_EFORMAT, "%s: a mixture refuses a single-GAN checkpoint", what);
        wk_trainer_free(a), wk_trainer_free(b), wk_trainer_free(r), wk_trainer_free(s1), wk_trainer_free(s2);
    }
    /* DCGAN networks as a mixture (28x28 images from a file), with the budget scaled down */
    char npy[] = "/tmp/wk_test_mix_img_XXXXXX.npy";
    fd = mkstemps(npy, 4);
    REQUIRE(fd >= 0, "temp npy");
    close(fd);
    wk_tensor img;
    wk_tensor_alloc(&img, 4, (int64_t[]){40, 1, 28, 28});
    wk_rng rr;
    wk_rng_seed(&rr, 1);
    for (int64_t i = 0; i < img.numel; i++) img.data[i] = (float)(int)(wk_rng_uniform(&rr) * 255);
    REQUIRE(wk_write_npy(npy, &img) == WK_OK, "write npy: %s", wk_last_error());
    wk_gan_config c = small("gp", "wgan", 2);
    strcpy(c.data, npy);
    c.gen = c.critic_net = WK_NET_DCGAN, c.critic_norm = WK_CRITIC_NORM_LAYER, c.mix_budget = WK_MIX_BUDGET_SAME;
    c.dcgan_width = 8;
    c.holdout = c.eval_n = 8;
    c.batch = 4;
    wk_trainer *d = make(&c);
    CHECK(d->net_cfg.dcgan_width == 6, "mix_budget same: DCGAN width 8/sqrt(2) -> %lld", (long long)d->net_cfg.dcgan_width);
    train(d, 2, "dcgan");
    wk_tensor x;
    CHECK(wk_trainer_sample(d, NULL, 5, 1, 1, &x) == WK_OK && x.ndim == 4 && x.shape[1] == 1 && x.shape[3] == 28, "dcgan mixture samples");
    wk_tensor_free(&x);
    wk_trainer_free(d);
    wk_tensor_free(&img);
    unlink(npy);
    unlink(path);
}

/* mix_budget same: the mixture's parameter count is about the single model's. */
static void test_budget(void) {
    wk_gan_config c = small("bjorck", "wgan", 5), one = c;
    c.gen_width = c.critic_width = 64, c.gen_depth = c.critic_depth = 3;
    c.mix_budget = WK_MIX_BUDGET_SAME;
    one = c, one.mix = 1;
    int64_t shape[1] = {2}, n_mix, n_one, n_full;
    REQUIRE(wk__gan_param_count(&c, 1, shape, &n_mix) == WK_OK && wk__gan_param_count(&one, 1, shape, &n_one) == WK_OK, "counts");
    c.mix_budget = WK_MIX_BUDGET_FULL;
    REQUIRE(wk__gan_param_count(&c, 1, shape, &n_full) == WK_OK, "count full");
    CHECK(fabs((double)n_mix / (double)n_one - 1) < 0.15, "budget same: mixture %lld vs single %lld parameters", (long long)n_mix, (long long)n_one);
    CHECK(n_full > 4 * n_one, "budget full: mixture %lld vs single %lld", (long long)n_full, (long long)n_one);
}

/* Settings: a plain GAN's JSON leaves the MIX+GAN keys out (older builds refuse unknown keys);
 * any other value is written and reads back exactly. */
static void test_settings_json(void) {
    for (int k = 0; k < 3; k++) {
        wk_gan_config c, d;
        wk_gan_config_default(&c);
        if (k == 1) c.mix_entropy = 0.3;
        if (k == 2) c.mix = 5, c.mix_budget = WK_MIX_BUDGET_SAME;
        wk_strbuf sb;
        wk_sb_init(&sb);
        wk_gan_config_to_json(&c, &sb);
        CHECK(!strstr(sb.data, "\"mix") == (k == 0), "case %d: mix keys %s", k, k ? "written" : "left out");
        wk_json *root;
        REQUIRE(wk_json_parse(sb.data, sb.len, "cfg", &root) == WK_OK, "config json parses");
        wk_gan_config_default(&d);
        CHECK(wk_gan_config_apply_json(&d, root, "cfg") == WK_OK && !memcmp(&c, &d, sizeof c), "case %d: JSON round trip is exact", k);
        wk_json_free(root);
        wk_sb_free(&sb);
    }
}

/* The C API refuses T < 1 and λ < 0 with the setting named (the CLI: tests/cli_mix.sh). */
static void test_bad_settings(void) {
    wk_trainer *t = NULL;
    for (int k = 0; k < 4; k++) {
        wk_gan_config c = small("bjorck", "wgan", k == 0 ? 0 : k == 1 ? 17 : 3);
        strcpy(c.sample_shape, "2");
        if (k == 2) c.mix_entropy = -0.1;
        if (k == 3) c.mix_entropy = NAN;
        const char *want = k < 2 ? "mix:" : "mix_entropy";
        CHECK(wk_trainer_new(&c, NULL, &t) == WK_EINVAL && !t && strstr(wk_last_error(), want), "case %d refused naming %s: %s", k, want,
              wk_last_error());
    }
}

/* The Lipschitz report of a mixture is the mixture critic's, Σ_j w_D[j]·D_j (the function that
 * -o/--grad print): certified Σ_j w_D[j]·(component j's bound), measured on the mixture's own
 * gradients. It used to be component 0's alone, then the worst component's (each bound the
 * largest over the T critics), neither of them the function printed beside it. Component 2's
 * weights are scaled by 4 so that it is the worst by far and the two readings differ. */
static void test_lipschitz_report(void) {
    wk_gan_config c = small("bjorck", "wgan", 3);
    strcpy(c.sample_shape, "2");
    c.lip_pairs = 100;
    wk_trainer *t = NULL;
    REQUIRE(wk_trainer_new(&c, NULL, &t) == WK_OK, "trainer: %s", wk_last_error());
    wk_model *d2 = WK_MIX_CRITIC(t, 2);
    for (int i = 0; i < d2->n_params; i++)
        if (d2->params[i]->value.ndim == 2)
            for (int64_t k = 0; k < d2->params[i]->value.numel; k++) d2->params[i]->value.data[k] *= 4;
    t->logit_d.value.data[0] = 0.5f, t->logit_d.value.data[2] = -0.25f; /* unequal weights */
    double w[3];
    wk__mix_weights(&t->logit_d, 3, w);
    wk_tensor x, d, g;
    REQUIRE(wk_tensor_alloc(&x, 2, (int64_t[]){40, 2}) == WK_OK, "points");
    for (int64_t k = 0; k < 80; k++) x.data[k] = (float)sin(0.7 * (double)k);
    wk_lipschitz_report r, part[3];
    REQUIRE(wk_trainer_lipschitz_report(t, &x, &r) == WK_OK, "report: %s", wk_last_error());
    for (int j = 0; j < 3; j++) {
        wk_rng rng;
        wk_rng_seed_stream(&rng, c.seed, WK_STREAM_LIPSCHITZ);
        REQUIRE(wk_lipschitz_report_compute(WK_MIX_CRITIC(t, j), &x, c.lip_pairs, &rng, &part[j]) == WK_OK, "component %d", j);
    }
    CHECK(part[2].certified > 3 * part[0].certified && part[2].grad_max > part[0].grad_max, "component 2 is the worst");
    double cert = 0, gersh = 0;
    for (int j = 0; j < 3; j++) cert += w[j] * part[j].certified, gersh += w[j] * part[j].certified_gershgorin;
    CHECK(fabs(r.certified - cert) <= 1e-12 * cert, "certified: Σ_j w_D[j]·certified_j = %.12g, got %.12g", cert, r.certified);
    CHECK(fabs(r.certified_gershgorin - gersh) <= 1e-12 * gersh, "Gershgorin: Σ_j w_D[j]·bound_j = %.12g, got %.12g", gersh,
          r.certified_gershgorin);
    CHECK(r.certified < part[2].certified, "certified is below the worst component's (%.6g < %.6g)", r.certified, part[2].certified);
    /* the measured bounds are those of the gradients wk_trainer_critic returns (critic --grad) */
    REQUIRE(wk_trainer_critic(t, &x, &d, &g) == WK_OK, "critic: %s", wk_last_error());
    double gmax = 0, gsum = 0;
    for (int64_t i = 0; i < 40; i++) {
        double q = hypot(g.data[2 * i], g.data[2 * i + 1]);
        gmax = fmax(gmax, q), gsum += q;
    }
    CHECK(fabs(r.grad_max - gmax) <= 1e-5 * gmax, "grad_max: the mixture's max ‖∇D‖ %.9g, got %.9g", gmax, r.grad_max);
    CHECK(fabs(r.grad_mean - gsum / 40) <= 1e-5 * gmax, "grad_mean: the mixture's %.9g, got %.9g", gsum / 40, r.grad_mean);
    CHECK(r.grad_max < part[2].grad_max, "grad_max is the mixture's, not the worst component's");
    /* the mixture's pair ratios: from its float values, within the float rounding of D */
    double pmax = 0;
    for (int64_t i = 0; i < 40; i++)
        for (int64_t j = 0; j < 40; j++) {
            double e = hypot(x.data[2 * i] - x.data[2 * j], x.data[2 * i + 1] - x.data[2 * j + 1]);
            if (e > 0) pmax = fmax(pmax, fabs((double)d.data[i] - d.data[j]) / e);
        }
    CHECK(r.pair_max > 0 && r.pair_max <= pmax * (1 + 1e-4) && r.pair_max <= r.certified, "pair_max %.9g within the mixture's "
          "largest pair ratio %.9g and its certified bound", r.pair_max, pmax);
    wk_tensor_free(&x), wk_tensor_free(&d), wk_tensor_free(&g);
    wk_trainer_free(t);
}

int main(void) {
    test_lipschitz_report();
    test_bad_settings();
    test_settings_json();
    test_objective();
    test_sampling();
    test_budget();
    test_losses_and_resume();
    return check_summary("test_mix");
}
