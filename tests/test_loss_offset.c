/* test_loss_offset.c — the logged critic loss (loss_d, metrics.jsonl) is the loss's real value
 * when the critic's last bias is huge. D = h + b: the WGAN loss E D(fake) - E D(real) does not
 * depend on b, but the float32 training graph rounds every D(x) at |b| first, so b = 1e30 logged
 * loss_d = 0 ((1e30 + a) - (1e30 + c) = 0) while d_D was right. Checked against an independent
 * double-precision computation: the networks' weights copied before the step, the step's real
 * rows (x_buf) and latent codes (redrawn from the latent stream's state before the step), both
 * networks evaluated here in double with the bias left out (it cancels exactly). Also with an
 * ordinary bias, a negative one under Björck projection, and for MIX+GAN (every component's
 * critic, the mixture objective with its entropy term). The
 * gradients are not changed: a trainer whose last bias is 1e30 takes the same steps, weight for
 * weight, as one whose bias is 0 (for the WGAN loss the gradients never see b). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/trainer_internal.h"
#include "gan_make.h"

typedef struct {
    int n;
    double *w[64], *b[64];
} snap;

static void take(snap *s, const wk_model *m) {
    s->n = m->n_layers;
    REQUIRE(s->n <= 64, "too many layers");
    for (int i = 0; i < m->n_layers; i++) {
        const wk_layer *l = &m->layers[i];
        s->w[i] = s->b[i] = NULL;
        if (l->kind != WK_LAYER_LINEAR) continue;
        const wk_tensor *w = &l->weight->value;
        s->w[i] = malloc((size_t)w->numel * sizeof(double));
        for (int64_t k = 0; k < w->numel; k++) s->w[i][k] = w->data[k];
        if (l->bias) {
            s->b[i] = malloc((size_t)l->bias->value.numel * sizeof(double));
            for (int64_t k = 0; k < l->bias->value.numel; k++) s->b[i][k] = l->bias->value.data[k];
        }
    }
}

static void drop(snap *s) {
    for (int i = 0; i < s->n; i++) free(s->w[i]), free(s->b[i]);
}

/* The MLP m (weights from s) on one row x (in values) in double; skip: a layer whose bias is
 * left out (-1: none). Returns the number of outputs in y. */
static int forward(const wk_model *m, const snap *s, const double *x, int in, double *y, int skip) {
    double a[512], b[512];
    REQUIRE(in <= 512, "row too wide");
    memcpy(a, x, (size_t)in * sizeof(double));
    for (int i = 0; i < m->n_layers; i++) {
        const wk_layer *l = &m->layers[i];
        if (l->kind == WK_LAYER_LINEAR) {
            REQUIRE(l->in == in && l->out <= 512, "layer %d: %lld inputs", i, (long long)l->in);
            for (int o = 0; o < l->out; o++) {
                double v = s->b[i] && i != skip ? s->b[i][o] : 0;
                for (int k = 0; k < in; k++) v += s->w[i][o * in + k] * a[k];
                b[o] = v;
            }
            in = (int)l->out;
            memcpy(a, b, (size_t)in * sizeof(double));
        } else if (l->kind == WK_LAYER_ACT) {
            for (int k = 0; k < in; k++) {
                if (l->act == WK_ACT_RELU) a[k] = a[k] > 0 ? a[k] : 0;
                else if (l->act == WK_ACT_LEAKY_RELU) a[k] = a[k] > 0 ? a[k] : l->act_param * a[k];
                else if (l->act == WK_ACT_TANH) a[k] = tanh(a[k]);
                else REQUIRE(0, "activation %d not handled here", (int)l->act);
            }
        } else REQUIRE(0, "layer kind %d not handled here (MLP networks only)", (int)l->kind);
    }
    if (m->output_clamp > 0) REQUIRE(0, "clamped critic not handled here");
    memcpy(y, a, (size_t)in * sizeof(double));
    return in;
}

static int last_linear(const wk_model *m) {
    for (int i = m->n_layers - 1; i >= 0; i--)
        if (m->layers[i].kind == WK_LAYER_LINEAR) return i;
    return -1;
}

/* A small WGAN run on the ring, one critic step per generator step, plain ReLU critic. */
static wk_gan_config config(const char *critic) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    const char *set[][2] = {{"critic", critic}, {"loss", "wgan"},      {"critic_act", "relu"}, {"data", "ring"},
                            {"gen_width", "16"}, {"critic_width", "16"}, {"gen_depth", "2"},     {"critic_depth", "2"},
                            {"batch", "32"},     {"n_critic", "1"},      {"holdout", "50"},      {"eval_n", "50"},
                            {"threads", "1"},    {"ema", "0"}};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        REQUIRE(wk_gan_config_set(&c, set[i][0], set[i][1]) == WK_OK, "config %s: %s", set[i][0], wk_last_error());
    return c;
}

/* One step with every critic's last bias set to `bias` (T components): the logged loss_d against
 * the double computation Σ_ij w_G[i]·w_D[j]·(E h_j(G_i(z_i)) - E h_j(real)) + λ·(-(1/T)·Σ_j log(w_D[j]
 * + 1e-6)) (the plain WGAN loss for T = 1; no penalty for these critic classes). */
static void one_step(const char *critic, int T, float bias, const char *what) {
    wk_gan_config c = config(critic);
    c.mix = T;
    wk_trainer *t = make(&c);
    snap g[4], d[4];
    int L = last_linear(&t->critic);
    REQUIRE(T <= 4 && L >= 0 && t->critic.layers[L].bias, "critic without a last bias");
    for (int j = 0; j < T; j++) {
        wk_tensor *bv = &WK_MIX_CRITIC(t, j)->layers[L].bias->value;
        for (int64_t k = 0; k < bv->numel; k++) bv->data[k] = bias;
        take(&g[j], WK_MIX_GEN(t, j)), take(&d[j], WK_MIX_CRITIC(t, j));
    }
    double wg[4] = {1}, wd[4] = {1};
    if (T > 1) wk__mix_weights(&t->logit_g, T, wg), wk__mix_weights(&t->logit_d, T, wd);
    wk_rng latent = t->r_latent;
    REQUIRE(wk_trainer_step(t) == WK_OK, "%s: step: %s", what, wk_last_error());
    REQUIRE(t->critic_steps == 1, "%s: %lld critic steps, expected 1", what, (long long)t->critic_steps);
    int64_t m = t->rows, zd = c.latent_dim, dim = t->dim;
    float *z = malloc((size_t)(T * m * zd) * sizeof(float));
    t->r_latent = latent; /* the critic step's codes: its first draws from the latent stream */
    for (int i = 0; i < T; i++) wk__draw_latent(t, z + i * m * zd, m);
    double want = 0, row[512], out[512], ha = 0;
    for (int j = 0; j < T; j++) {
        const wk_model *D = WK_MIX_CRITIC(t, j);
        double er = 0;
        for (int64_t r = 0; r < m; r++) {
            for (int64_t k = 0; k < dim; k++) row[k] = t->x_buf[r * dim + k];
            REQUIRE(forward(D, &d[j], row, (int)dim, out, L) == 1, "critic output width");
            er += out[0], ha = fmax(ha, fabs(out[0]));
        }
        for (int i = 0; i < T; i++) {
            double ef = 0;
            for (int64_t r = 0; r < m; r++) {
                double x[512];
                for (int64_t k = 0; k < zd; k++) row[k] = z[(i * m + r) * zd + k];
                REQUIRE(forward(WK_MIX_GEN(t, i), &g[i], row, (int)zd, x, -1) == dim, "generator output width");
                for (int64_t k = 0; k < dim; k++) x[k] = (float)x[k]; /* the critic saw float32 samples */
                forward(D, &d[j], x, (int)dim, out, L);
                ef += out[0], ha = fmax(ha, fabs(out[0]));
            }
            want += wg[i] * wd[j] * (ef - er) / (double)m;
        }
    }
    double payoff = want;
    if (T > 1)
        for (int j = 0; j < T; j++) want -= c.mix_entropy / T * log(wd[j] + 1e-6);
    /* h in float32 has rounding of 1e-7 of its size; the double sums none */
    CHECK(fabs(t->loss_d - want) <= 1e-5 * (ha + fabs(want)), "%s: loss_d %.9g, want %.9g (double, bias left out; |h| up to %.3g)",
          what, t->loss_d, want, ha);
    CHECK(fabs(payoff) > 1e-4 * ha, "%s: the payoff %.3g is not 0 (else the check above shows little)", what, payoff);
    free(z);
    for (int j = 0; j < T; j++) drop(&g[j]), drop(&d[j]);
    wk_trainer_free(t);
}

/* Two trainers, last bias 0 and 1e30, same seed: every weight but that bias equal after 3 steps. */
static void test_gradients_unchanged(void) {
    wk_gan_config c = config("bjorck");
    wk_trainer *a = make(&c), *b = make(&c);
    int L = last_linear(&b->critic);
    wk_tensor *bv = &b->critic.layers[L].bias->value, *av = &a->critic.layers[L].bias->value;
    for (int64_t k = 0; k < bv->numel; k++) bv->data[k] = 1e30f, av->data[k] = 0;
    for (int s = 0; s < 3; s++) REQUIRE(wk_trainer_step(a) == WK_OK && wk_trainer_step(b) == WK_OK, "step: %s", wk_last_error());
    int same = 1;
    for (int k = 0; k < 2; k++) {
        wk_model *ma = k ? &a->critic : &a->gen, *mb = k ? &b->critic : &b->gen;
        for (int p = 0; p < ma->n_params; p++)
            if (ma->params[p] != a->critic.layers[L].bias &&
                memcmp(ma->params[p]->value.data, mb->params[p]->value.data, (size_t)ma->params[p]->value.numel * 4))
                same = 0;
    }
    CHECK(same, "a last bias of 1e30 changed the training (weights differ from the bias-0 run's)");
    CHECK(fabs(a->loss_d - b->loss_d) <= 1e-6 * fabs(a->loss_d), "loss_d %.9g with bias 1e30, %.9g with 0", b->loss_d, a->loss_d);
    wk_trainer_free(a), wk_trainer_free(b);
}

int main(void) {
    one_step("none", 1, 0.25f, "bias 0.25");
    one_step("none", 1, 1e30f, "bias 1e30 (was loss_d 0)");
    one_step("bjorck", 1, -1e30f, "bias -1e30, Björck critic");
    one_step("none", 2, 0.25f, "MIX+GAN T = 2, bias 0.25");
    one_step("none", 3, 1e30f, "MIX+GAN T = 3, bias 1e30 (was loss_d the entropy term alone)");
    test_gradients_unchanged();
    return check_summary("test_loss_offset");
}
