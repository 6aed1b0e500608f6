/* mix.c — MIX+GAN (Arora, Ge, Liang, Ma & Zhang, ICML 2017, §5): T generators and T critics,
 * each family with mixture weights w = softmax(logits). The payoff of the game is
 *     Σ_ij w_G[i]·w_D[j]·payoff(G_i, D_j),
 * where payoff(G_i, D_j) is the run's loss (wgan, minimax, ns, hinge) between generator i and
 * critic j; the regulariser −(1/T)·Σ log(w + 1e-6) (smallest at uniform weights) is added with
 * weight λ = mix_entropy to the critic loss (on w_D) and to the generator loss (on w_G), as in
 * the authors' code (PrincetonML/MIX-plus-GANs, mix_entloss_weight = 0.1). The generator logits
 * are trained with the generators (an optimizer of the generator's kind), the critic logits with
 * the critics. Each critic keeps its own Lipschitz constraint (the class is a property of every
 * D_j, not of the payoff), so a gradient penalty is Σ_j pen(D_j; real, fake of G_j).
 *
 * Invariants: component 0 is the trainer's own gen/critic/ema/opt_g/opt_d/lip, so T = 1 is
 * the single GAN, bit for bit; every component optimizer (and the logits' optimizers) steps
 * exactly when opt_g / opt_d step, so the checkpoint's counters describe them all; every draw
 * comes from the trainer's streams in a fixed order (components in index order), so a mixture
 * resumes bit-exactly. Sampling draws a component with probability w_G, then samples from it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/critic.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/plot.h"

/* ---- sizes (mix_budget) ------------------------------------------------------------------ */

/* The width w' whose T-fold count is closest to the single model's (weights only, the count of
 * wk__config_weights), in steps of `mult` (GroupSort needs a multiple of its group). */
static int64_t balance_width(const wk_gan_config *c, double dim, int critic, int64_t mult) {
    wk_gan_config k = *c;
    double g0, d0, g, d;
    wk__config_weights(c, dim, &g0, &d0);
    double target = (critic ? d0 : g0) / c->mix, best_err = INFINITY;
    int64_t w0 = critic ? c->critic_width : c->gen_width, best = w0;
    for (int64_t w = mult; w <= w0; w += mult) {
        if (critic) k.critic_width = w;
        else k.gen_width = w;
        wk__config_weights(&k, dim, &g, &d);
        double err = fabs((critic ? d : g) - target);
        if (err < best_err) best_err = err, best = w;
    }
    return best;
}

int wk__mix_net_config(const wk_gan_config *cfg, int ndim, const int64_t *shape, wk_gan_config *out) {
    *out = *cfg;
    if (cfg->mix < 1 || cfg->mix > WK_MIX_MAX)
        return wk_errorf(WK_EINVAL, "mix: %d components is outside [1, %d]", cfg->mix, WK_MIX_MAX);
    if (cfg->mix == 1 || cfg->mix_budget != WK_MIX_BUDGET_SAME) return WK_OK;
    double dim = 1;
    for (int i = 0; i < ndim; i++) dim *= (double)shape[i];
    int gs = wk_gan_critic_act(cfg) == WK_ACT_GROUPSORT;
    out->gen_width = balance_width(cfg, dim, 0, 1);
    out->critic_width = balance_width(cfg, dim, 1, gs ? cfg->groupsort_k : 1);
    /* DCGAN weights grow like width²: width/√T keeps the count (at least 1 channel). */
    int64_t dw = (int64_t)llround((double)cfg->dcgan_width / sqrt((double)cfg->mix));
    out->dcgan_width = dw < 1 ? 1 : dw;
    return WK_OK;
}

static int64_t model_numel(const wk_model *m) {
    int64_t n = 0;
    for (int i = 0; i < m->n_params; i++) n += m->params[i]->value.numel;
    return n;
}

int wk__gan_param_count(const wk_gan_config *c, int ndim, const int64_t *shape, int64_t *count) {
    wk_trainer t;
    memset(&t, 0, sizeof t);
    t.cfg = *c;
    t.ndim = ndim;
    memcpy(t.shape, shape, (size_t)ndim * sizeof *shape);
    t.dim = 1;
    for (int i = 0; i < ndim; i++) t.dim *= shape[i];
    t.is_image = ndim == 3;
    int rc = wk__mix_net_config(c, ndim, shape, &t.net_cfg);
    wk_model g, d;
    wk_model_init(&g), wk_model_init(&d);
    if (!rc) rc = wk__build_generator(&t, &g);
    if (!rc) rc = wk_gan_critic_build(&t.net_cfg, ndim, shape, &d);
    *count = rc ? 0 : (model_numel(&g) + model_numel(&d)) * c->mix + (c->mix > 1 ? 2 * c->mix : 0);
    wk_model_free(&g), wk_model_free(&d);
    return rc;
}

/* ---- building ---------------------------------------------------------------------------- */

int wk__mix_build(wk_trainer *t, wk_rng *r_init, wk_rng *r_attach) {
    const wk_gan_config *cfg = &t->cfg;
    int T = t->T, rc;
    if (!(t->parts = wk_calloc((size_t)(T - 1), sizeof *t->parts))) return WK_ENOMEM;
    wk_optim_config og = wk_gan_optim_config(cfg, cfg->opt_g, cfg->lr_g), od = wk_gan_optim_config(cfg, cfg->opt_d, cfg->lr_d);
    wk_lipschitz_config lc;
    if ((rc = wk_gan_lipschitz_config(cfg, &lc))) return rc;
    for (int i = 0; i < T - 1; i++) { /* each member is initialised before it can fail, so free is always safe */
        wk_model_init(&t->parts[i].gen), wk_model_init(&t->parts[i].critic), wk_model_init(&t->parts[i].ema);
    }
    for (int i = 1; i < T; i++) {
        wk_mix_part *p = &t->parts[i - 1];
        if ((rc = wk__build_generator(t, &p->gen)) || (rc = wk_gan_critic_build(&t->net_cfg, t->ndim, t->shape, &p->critic))) return rc;
        wk_gan_model_init(cfg, &p->gen, r_init);
        wk_gan_model_init(cfg, &p->critic, r_init);
        if (t->has_ema && ((rc = wk__build_generator(t, &p->ema)) || (rc = wk_model_copy_weights(&p->ema, &p->gen)))) return rc;
        if ((rc = wk_optim_init(&p->opt_g, &og, p->gen.params, p->gen.n_params)) ||
            (rc = wk_optim_init(&p->opt_d, &od, p->critic.params, p->critic.n_params)) ||
            (rc = wk_lipschitz_attach(&p->lip, &lc, &p->critic, r_attach)))
            return rc;
    }
    /* Zero logits: uniform weights at the start, as in the authors' code. */
    if ((rc = wk_param_init(&t->logit_g, "mix.logits_g", 1, (int64_t[]){T})) ||
        (rc = wk_param_init(&t->logit_d, "mix.logits_d", 1, (int64_t[]){T})))
        return rc;
    t->logit_list[0] = &t->logit_g, t->logit_list[1] = &t->logit_d;
    if ((rc = wk_optim_init(&t->opt_wg, &og, &t->logit_list[0], 1)) || (rc = wk_optim_init(&t->opt_wd, &od, &t->logit_list[1], 1))) return rc;
    return WK_OK;
}

void wk__mix_free(wk_trainer *t) {
    if (!t->parts) return;
    for (int i = 0; i < t->T - 1; i++) {
        wk_mix_part *p = &t->parts[i];
        wk_lipschitz_free(&p->lip);
        wk_optim_free(&p->opt_g), wk_optim_free(&p->opt_d);
        wk_model_free(&p->gen), wk_model_free(&p->critic);
        if (t->has_ema) wk_model_free(&p->ema);
    }
    wk_free(t->parts);
    t->parts = NULL;
    wk_optim_free(&t->opt_wg), wk_optim_free(&t->opt_wd);
    wk_param_free(&t->logit_g), wk_param_free(&t->logit_d);
}

void wk__mix_set_lr(wk_trainer *t) {
    for (int i = 1; i < t->T; i++) {
        t->parts[i - 1].opt_g.cfg.lr = t->opt_g.cfg.lr;
        t->parts[i - 1].opt_d.cfg.lr = t->opt_d.cfg.lr;
    }
    t->opt_wg.cfg.lr = t->opt_g.cfg.lr;
    t->opt_wd.cfg.lr = t->opt_d.cfg.lr;
}

/* ---- the objective ----------------------------------------------------------------------- */

void wk__mix_weights(const wk_param *logits, int T, double *w) {
    double mx = -INFINITY, s = 0;
    for (int i = 0; i < T; i++) mx = fmax(mx, logits->value.data[i]);
    for (int i = 0; i < T; i++) s += w[i] = exp((double)logits->value.data[i] - mx);
    for (int i = 0; i < T; i++) w[i] /= s;
}

wk_var *wk__mix_softmax(wk_graph *g, wk_var *logits, int T) {
    return wk_exp(g, wk_log_softmax(g, wk_reshape(g, logits, 2, (int64_t[]){1, T})));
}

wk_var *wk__mix_objective(wk_graph *g, wk_var *w_g, wk_var *w_d, wk_var *L, int T, double lambda, wk_var *w_reg) {
    /* w_G L w_Dᵀ = Σ_ij w_G[i] L[i][j] w_D[j] */
    wk_var *payoff = wk_sum(g, wk_mul(g, wk_matmul(g, w_g, L, 0, 0), w_d), WK_ALL_AXES, 0);
    if (lambda == 0) return payoff;
    wk_var *reg = wk_mul_scalar(g, wk_sum(g, wk_log(g, wk_add_scalar(g, w_reg, 1e-6f)), WK_ALL_AXES, 0), (float)(-lambda / T));
    return wk_add(g, payoff, reg);
}

/* The weights as a graph constant [1, T]. */
static wk_var *weights_const(wk_graph *g, const wk_param *logits, int T) {
    double w[WK_MIX_MAX];
    wk__mix_weights(logits, T, w);
    wk_var *v = wk_input_empty(g, 2, (int64_t[]){1, T}, 0);
    if (v)
        for (int i = 0; i < T; i++) wk_input_data(v)[i] = (float)w[i];
    return v;
}

/* L[i][j] from T*T scalars (row i = generator, column j = critic). */
static wk_var *stack(wk_graph *g, wk_var **l, int T) {
    wk_var *parts[WK_MIX_MAX * WK_MIX_MAX];
    for (int k = 0; k < T * T; k++) parts[k] = wk_reshape(g, l[k], 1, (int64_t[]){1});
    return wk_reshape(g, wk_concat(g, parts, T * T, 0), 2, (int64_t[]){T, T});
}

static double weights_norm(wk_optimizer *const *o, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += o[i]->grad_norm * o[i]->grad_norm;
    return sqrt(s);
}

/* Forward and backward of the mixture's critic payoff on m drawn rows (x real; T latent
 * batches zs + i·zstride) of shards [lo, hi); keys: each critic's penalty key. */
static int mix_critic_pass(wk_trainer *t, const float *x, const float *zs, int64_t zstride, int64_t m, const uint64_t *keys,
                           int lo, int hi) {
    wk_graph *g = t->g_critic;
    int T = t->T, rc;
    wk_graph_reset(g);
    wk_var *real = wk__real_rows(t, g, m, x), *fake[WK_MIX_MAX], *l[WK_MIX_MAX * WK_MIX_MAX];
    if (!real) return wk_graph_status(g);
    for (int i = 0; i < T; i++) {
        wk_var *z = wk__latent_rows(t, g, m, zs + i * zstride);
        if (!z) return wk_graph_status(g);
        fake[i] = wk_detach(g, wk_model_forward(WK_MIX_GEN(t, i), g, z, 1));
    }
    wk_var *pen = NULL, *pre_r[WK_MIX_MAX], *pre_f[WK_MIX_MAX * WK_MIX_MAX]; /* wk__critic_forward */
    for (int j = 0; j < T; j++) {
        wk_model *D = WK_MIX_CRITIC(t, j);
        wk_var *d_real = wk__critic_forward(D, g, real, &pre_r[j]);
        for (int i = 0; i < T; i++)
            l[i * T + j] = wk__loss_critic(g, t->loss, d_real, wk__critic_forward(D, g, fake[i], &pre_f[i * T + j]));
        wk_var *p = wk__penalty(t, WK_MIX_LIP(t, j), g, real, fake[j], keys[j], lo, hi);
        pen = pen ? wk_add(g, pen, p) : p;
    }
    wk_var *w_d = wk__mix_softmax(g, wk_param_var(g, &t->logit_d), T);
    wk_var *total = wk_add(g, wk__mix_objective(g, weights_const(g, &t->logit_g, T), w_d, stack(g, l, T), T, t->cfg.mix_entropy, w_d), pen);
    if (!total) return wk_graph_status(g);
    t->loss_d = wk_value(total)->data[0];
    if (!isfinite(t->loss_d)) return wk__diverged(t, "the critic loss", t->loss_d);
    if (t->loss == WK_LOSS_WGAN && pre_r[0]) { /* logged without each critic's last bias (trainer.c) */
        double wg[WK_MIX_MAX], wd[WK_MIX_MAX], sum = 0;
        wk__mix_weights(&t->logit_g, T, wg), wk__mix_weights(&t->logit_d, T, wd);
        for (int j = 0; j < T; j++) {
            wk_model *D = WK_MIX_CRITIC(t, j);
            wk_var *h = NULL;
            double er, ef;
            if ((rc = wk__offset_free_mean(D, g, pre_r[j], &h, 0, m, &er))) return rc;
            for (int i = 0; i < T; i++) {
                h = NULL;
                if ((rc = wk__offset_free_mean(D, g, pre_f[i * T + j], &h, 0, m, &ef))) return rc;
                sum += wg[i] * wd[j] * (ef - er);
            }
            if (t->cfg.mix_entropy != 0) sum -= t->cfg.mix_entropy / T * log(wd[j] + 1e-6);
        }
        t->loss_d = sum + wk_value(pen)->data[0];
    }
    for (int j = 0; j < T; j++) wk_model_zero_grad(WK_MIX_CRITIC(t, j));
    wk_param_zero_grad(&t->logit_d);
    if ((rc = wk_backward(g, total))) return wk_error_context(rc, "step %lld: critic backward", (long long)t->step + 1);
    return WK_OK;
}

int wk__mix_critic_step(wk_trainer *t) {
    int64_t b = t->rows, L = t->cfg.latent_dim; /* the batch, or this rank's shard of it */
    int T = t->T, rc, n = wk__passes(t);
    if ((rc = wk__fill_real(t, t->x_buf, b))) return rc;
    uint64_t keys[WK_MIX_MAX] = {0}; /* (set below for every component; initialised for -Wmaybe-uninitialized) */
    for (int i = 0; i < T; i++) wk__draw_latent(t, t->z_buf + i * b * L, b);
    for (int j = 0; j < T; j++) keys[j] = wk__penalty_key(t);
    if (n > 1) wk__accumulate(t, 1, -1, n); /* the batch-norm state every shard starts from */
    for (int p = 0; p < n; p++) {
        int64_t m = b / n;
        int lo = n > 1 ? t->shard_lo + p : t->shard_lo, hi = n > 1 ? lo + 1 : t->shard_hi;
        if ((rc = mix_critic_pass(t, t->x_buf + p * m * t->dim, t->z_buf + p * m * L, b * L, m, keys, lo, hi))) return rc;
        if (n > 1) wk__accumulate(t, 1, p, n);
    }
    wk_optimizer *opts[WK_MIX_MAX + 1];
    for (int j = 0; j < T; j++) opts[j] = WK_MIX_OPT_D(t, j);
    opts[T] = &t->opt_wd;
    for (int j = 0; j <= T; j++)
        if ((rc = wk_optim_step(opts[j]))) return wk_error_context(rc, "step %lld: critic update", (long long)t->step + 1);
    t->grad_norm_d = weights_norm(opts, T + 1);
    t->critic_steps++;
    for (int j = 0; j < T; j++)
        if ((rc = wk_lipschitz_after_step(WK_MIX_LIP(t, j)))) return rc;
    return WK_OK;
}

static int mix_generator_pass(wk_trainer *t, const float *zs, int64_t zstride, int64_t m) {
    wk_graph *g = t->g_gen;
    int T = t->T, rc;
    wk_graph_reset(g);
    wk_var *x[WK_MIX_MAX], *l[WK_MIX_MAX * WK_MIX_MAX];
    for (int i = 0; i < T; i++) {
        wk_var *z = wk__latent_rows(t, g, m, zs + i * zstride);
        if (!z) return wk_graph_status(g);
        x[i] = wk_model_forward(WK_MIX_GEN(t, i), g, z, 1);
    }
    for (int j = 0; j < T; j++) { /* the critics are fixed during this step */
        wk_model *D = WK_MIX_CRITIC(t, j);
        D->frozen = 1;
        for (int i = 0; i < T; i++) l[i * T + j] = wk__loss_generator(g, t->loss, wk_model_forward(D, g, x[i], 1));
        D->frozen = 0;
    }
    wk_var *w_g = wk__mix_softmax(g, wk_param_var(g, &t->logit_g), T);
    wk_var *loss = wk__mix_objective(g, w_g, weights_const(g, &t->logit_d, T), stack(g, l, T), T, t->cfg.mix_entropy, w_g);
    if (!loss) return wk_graph_status(g);
    t->loss_g = wk_value(loss)->data[0];
    if (!isfinite(t->loss_g)) return wk__diverged(t, "the generator loss", t->loss_g);
    for (int i = 0; i < T; i++) wk_model_zero_grad(WK_MIX_GEN(t, i));
    wk_param_zero_grad(&t->logit_g);
    if ((rc = wk_backward(g, loss))) return wk_error_context(rc, "step %lld: generator backward", (long long)t->step + 1);
    return WK_OK;
}

int wk__mix_generator_step(wk_trainer *t) {
    int64_t b = t->rows, L = t->cfg.latent_dim;
    int T = t->T, rc, n = wk__passes(t);
    for (int i = 0; i < T; i++) wk__draw_latent(t, t->z_buf + i * b * L, b);
    if (n > 1) wk__accumulate(t, 0, -1, n);
    for (int p = 0; p < n; p++) {
        int64_t m = b / n;
        if ((rc = mix_generator_pass(t, t->z_buf + p * m * L, b * L, m))) return rc;
        if (n > 1) wk__accumulate(t, 0, p, n);
    }
    wk_optimizer *opts[WK_MIX_MAX + 1];
    for (int i = 0; i < T; i++) opts[i] = WK_MIX_OPT_G(t, i);
    opts[T] = &t->opt_wg;
    for (int i = 0; i <= T; i++)
        if ((rc = wk_optim_step(opts[i]))) return wk_error_context(rc, "step %lld: generator update", (long long)t->step + 1);
    t->grad_norm_g = weights_norm(opts, T + 1);
    if (t->has_ema)
        for (int i = 0; i < T; i++) wk__ema_update(t, WK_MIX_EMA(t, i), WK_MIX_GEN(t, i));
    return WK_OK;
}

/* ---- inference --------------------------------------------------------------------------- */

#define CHUNK 1000

/* out [n, ...] is allocated and z (when given) checked by trainer_sample; freed here on failure.
 * component < 0: each row's component drawn with w_G from the seed's own stream (the mixture's
 * law); else every row from that component (its codes still from the seed when z is NULL). */
int wk__mix_sample(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, int component, wk_tensor *out) {
    int64_t L = t->cfg.latent_dim, D = t->dim;
    int T = t->T, rc = WK_OK;
    double w[WK_MIX_MAX], cdf[WK_MIX_MAX];
    wk__mix_weights(&t->logit_g, T, w);
    for (int i = 0; i < T; i++) cdf[i] = (i ? cdf[i - 1] : 0) + w[i];
    /* Two streams from the seed: latent codes (as a single GAN draws them) and component choices. */
    wk_rng r, r_pick;
    wk_rng_seed(&r, seed);
    wk_rng_seed_stream(&r_pick, seed, WK_STREAM_MIX_PICK);
    float *zb = wk_malloc((size_t)(CHUNK * L) * sizeof(float)), *zi = wk_malloc((size_t)(CHUNK * L) * sizeof(float));
    int *pick = wk_malloc(CHUNK * sizeof(int));
    int64_t *rows = wk_malloc(CHUNK * sizeof(int64_t));
    if (!zb || !zi || !pick || !rows) rc = WK_ENOMEM;
    for (int64_t s = 0; s < n && !rc; s += CHUNK) {
        int64_t b = n - s < CHUNK ? n - s : CHUNK;
        if (z) memcpy(zb, z->data + s * L, (size_t)(b * L) * sizeof(float));
        else wk__fill_latent(t, &r, zb, b * L);
        for (int64_t k = 0; k < b; k++) {
            if (component >= 0) {
                pick[k] = component;
                continue;
            }
            double u = wk_rng_uniform_d(&r_pick);
            int c = 0;
            while (c < T - 1 && u >= cdf[c]) c++;
            pick[k] = c;
        }
        for (int c = 0; c < T && !rc; c++) {
            int64_t m = 0;
            for (int64_t k = 0; k < b; k++)
                if (pick[k] == c) memcpy(zi + m * L, zb + k * L, (size_t)L * sizeof(float)), rows[m++] = k;
            if (!m) continue;
            if (!t->g_eval) t->g_eval = wk_graph_new();
            else wk_graph_reset(t->g_eval);
            wk_graph *g = t->g_eval;
            if (!g) {
                rc = WK_ENOMEM;
                break;
            }
            wk_var *zv = wk_input_empty(g, 2, (int64_t[]){m, L}, 0);
            if (!zv) {
                rc = wk_graph_status(g);
                break;
            }
            memcpy(wk_input_data(zv), zi, (size_t)(m * L) * sizeof(float));
            wk_var *x = wk_model_forward(use_ema && t->has_ema ? WK_MIX_EMA(t, c) : WK_MIX_GEN(t, c), g, zv, 0);
            if (!x) {
                rc = wk_graph_status(g);
                break;
            }
            for (int64_t k = 0; k < m; k++) memcpy(out->data + (s + rows[k]) * D, wk_value(x)->data + k * D, (size_t)D * sizeof(float));
        }
    }
    wk_free(zb), wk_free(zi), wk_free(pick), wk_free(rows);
    if (rc) wk_tensor_free(out);
    return rc;
}

int wk__mix_critic_eval(wk_trainer *t, const float *x, int64_t n, float *d, float *grad, int offset_free) {
    double w[WK_MIX_MAX];
    wk__mix_weights(&t->logit_d, t->T, w);
    float *dj = wk_malloc((size_t)n * sizeof(float)), *gj = grad ? wk_malloc((size_t)(n * t->dim) * sizeof(float)) : NULL;
    int rc = !dj || (grad && !gj) ? WK_ENOMEM : WK_OK;
    if (!rc) {
        memset(d, 0, (size_t)n * sizeof(float));
        if (grad) memset(grad, 0, (size_t)(n * t->dim) * sizeof(float));
    }
    for (int j = 0; j < t->T && !rc; j++) {
        if ((rc = wk__critic_eval_model(t, WK_MIX_CRITIC(t, j), x, n, dj, gj, offset_free))) break;
        for (int64_t k = 0; k < n; k++) d[k] += (float)w[j] * dj[k];
        for (int64_t k = 0; grad && k < n * t->dim; k++) grad[k] += (float)w[j] * gj[k];
    }
    wk_free(dj), wk_free(gj);
    return rc;
}

/* ---- logging ----------------------------------------------------------------------------- */

void wk__mix_metrics(const wk_trainer *t, wk_gan_metrics *m) {
    m->mix = t->T;
    if (t->T < 2) return;
    wk__mix_weights(&t->logit_g, t->T, m->w_g);
    wk__mix_weights(&t->logit_d, t->T, m->w_d);
}

void wk__mix_metrics_json(const wk_gan_metrics *m, wk_strbuf *sb) {
    if (m->mix < 2) return;
    for (int f = 0; f < 2; f++) {
        wk_json_key(sb, f ? "mix_w_d" : "mix_w_g");
        wk_sb_putc(sb, '[');
        for (int i = 0; i < m->mix; i++) wk_json_sep(sb), wk_json_double(sb, f ? m->w_d[i] : m->w_g[i]);
        wk_sb_putc(sb, ']');
    }
}

void wk__mix_metrics_from_json(const wk_json *o, wk_gan_metrics *m) {
    const wk_json *a[2] = {wk_json_get(o, "mix_w_g"), wk_json_get(o, "mix_w_d")};
    m->mix = 1;
    if (!a[0] || !a[1] || a[0]->type != WK_JSON_ARRAY || a[1]->type != WK_JSON_ARRAY) return;
    int n = (int)a[0]->count;
    if (n < 2 || n > WK_MIX_MAX || (int)a[1]->count != n) return;
    for (int i = 0; i < n; i++) { /* a weight JSON could not hold was written null: NaN, the row kept */
        const wk_json *g = wk_json_at(a[0], (size_t)i), *d = wk_json_at(a[1], (size_t)i);
        if ((g->type != WK_JSON_NUMBER && g->type != WK_JSON_NULL) || (d->type != WK_JSON_NUMBER && d->type != WK_JSON_NULL)) return;
        m->w_g[i] = g->type == WK_JSON_NUMBER ? g->number : NAN, m->w_d[i] = d->type == WK_JSON_NUMBER ? d->number : NAN;
    }
    m->mix = n;
}

void wk__mix_print_sizes(const wk_trainer *t, FILE *log) {
    wk_gan_config single = t->cfg;
    single.mix = 1;
    int64_t n_mix = 0, n_single = 0;
    if (wk__gan_param_count(&t->cfg, t->ndim, t->shape, &n_mix) || wk__gan_param_count(&single, t->ndim, t->shape, &n_single)) {
        wk_clear_error();
        return;
    }
    fprintf(log, "MIX+GAN: %d generators and %d critics (budget %s: generator width %lld, critic width %lld, dcgan width %lld), "
            "%lld parameters; the single model has %lld\n", t->T, t->T, t->cfg.mix_budget == WK_MIX_BUDGET_SAME ? "same" : "full", (long long)t->net_cfg.gen_width,
            (long long)t->net_cfg.critic_width, (long long)t->net_cfg.dcgan_width, (long long)n_mix, (long long)n_single);
    /* "same" scales the widths, but each component keeps its input and output layers (and a width
     * of at least 1): at small widths the mixture cannot come near the single model's size; say so
     * rather than let the comparison pass as one of equal budgets */
    if (t->cfg.mix_budget == WK_MIX_BUDGET_SAME && n_single > 0 && (double)n_mix > 1.25 * (double)n_single)
        fprintf(log, "MIX+GAN: warning: --mix-budget same is %.1fx the single model's parameters here (each of the %d components "
                     "keeps its input and output layers); widen the networks or lower --mix for a like-for-like budget\n",
                (double)n_mix / (double)n_single, t->T);
}

int wk__mix_write_weights(const wk_gan_metrics *m, size_t n, const char *dir) {
    int T = m[n - 1].mix;
    double *v = wk_malloc((2 * (size_t)T + 1) * n * sizeof(double));
    if (!v) return WK_ENOMEM;
    wk_series s[2 * WK_MIX_MAX];
    char names[2 * WK_MIX_MAX][24]; /* "w_G[" + any int + "]" fits: no truncation at any -O level */
    for (size_t k = 0; k < n; k++) v[k] = (double)m[k].step;
    for (int f = 0; f < 2; f++)
        for (int i = 0; i < T; i++) {
            double *y = v + (1 + (size_t)(f * T + i)) * n;
            for (size_t k = 0; k < n; k++) y[k] = m[k].mix == T ? (f ? m[k].w_d[i] : m[k].w_g[i]) : NAN; /* older rows: no weights */
            snprintf(names[f * T + i], sizeof names[0], "%s[%d]", f ? "w_D" : "w_G", i);
            s[f * T + i] = (wk_series){.name = names[f * T + i], .x = v, .y = y, .n = n};
        }
    wk_chart_spec spec = {.title = "MIX+GAN mixture weights (generators w_G, critics w_D)", .x_label = "generator step",
                          .y_label = "weight", .integer_x = 1};
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/mix_weights.svg", dir);
    int rc = wk_svg_write_line_chart(path, &spec, s, 2 * (size_t)T);
    snprintf(path, sizeof path, "%s/mix_weights.png", dir);
    if (!rc) rc = wk_png_line_chart(path, &spec, s, 2 * (size_t)T);
    wk_free(v);
    return rc;
}
