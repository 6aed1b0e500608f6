/* trainer.c — building a GAN from a config and training it: n_critic critic steps, then one
 * generator step (Arjovsky et al. 2017, Algorithm 1; Gulrajani et al. 2017, Algorithm 1).
 * Every step rebuilds the tape on the trainer's one step graph (critic and generator steps share
 * it) after wk_graph_reset, so after the first steps nothing is allocated from the heap (until an
 * evaluation trims the graph); every random draw comes from one of the
 * trainer's named streams, so runs are reproducible and a checkpoint captures them. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/critic.h"
#include "wgankit/error.h"

/* "1x28x28" -> shape (gan.h). The string may come from a checkpoint's metadata: every dimension
 * and their product are bounded before anything is multiplied or allocated. */
#define MAX_SAMPLE_VALUES (1LL << 30)
int wk_gan_sample_shape(const char *s, int *ndim, int64_t *shape) {
    *ndim = 0;
    long long numel = 1;
    for (const char *p = s; *p;) {
        char *end;
        errno = 0;
        /* digits only: strtoll alone took a sign or leading blanks ("2x 3", "2x+3") */
        long long v = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : (end = (char *)p, 0);
        if (end == p || errno || v < 1 || *ndim == WK_MAX_DIMS - 1)
            return wk_errorf(WK_EINVAL, "sample_shape: bad shape '%s' (want positive integers joined by 'x', e.g. 2 or 1x28x28)", s);
        if (v > MAX_SAMPLE_VALUES / numel)
            return wk_errorf(WK_EINVAL, "sample_shape '%s': one sample of more than 2^30 values is not supported", s);
        numel *= v;
        shape[(*ndim)++] = v;
        p = *end == 'x' ? end + 1 : end;
        if ((*end && *end != 'x') || (*end == 'x' && !*p)) /* "2x": an 'x' joins two dimensions */
            return wk_errorf(WK_EINVAL, "sample_shape: bad shape '%s' (want positive integers joined by 'x', e.g. 2 or 1x28x28)", s);
    }
    return *ndim ? WK_OK : wk_errorf(WK_EINVAL, "sample_shape is empty and no data was given");
}

/* Weight matrices only (no biases, no norm layers) of the generator and the critic: a lower
 * bound on their floats, and the count mix_budget balances (mix.c). */
void wk__config_weights(const wk_gan_config *c, double dim, double *gen, double *critic) {
    double gw = (double)c->gen_width, cw = (double)c->critic_width, dw = (double)c->dcgan_width;
    *gen = c->gen == WK_NET_DCGAN ? dw * dw
           : c->gen_depth ? (double)c->latent_dim * gw + (double)(c->gen_depth - 1) * gw * gw + gw * dim
                          : (double)c->latent_dim * dim;
    *critic = c->critic_net == WK_NET_DCGAN ? dw * dw
              : c->critic_depth ? dim * cw + (double)(c->critic_depth - 1) * cw * cw + cw
                                : dim;
}

int wk__config_weight_floor(const wk_gan_config *c, double *floats) {
    int ndim;
    int64_t shape[WK_MAX_DIMS];
    int rc = wk_gan_sample_shape(c->sample_shape, &ndim, shape);
    if (rc) return rc;
    double dim = 1, g, d;
    for (int i = 0; i < ndim; i++) dim *= (double)shape[i];
    wk_gan_config nc;
    if ((rc = wk__mix_net_config(c, ndim, shape, &nc))) return rc;
    wk__config_weights(&nc, dim, &g, &d);
    *floats = (double)nc.mix * (g + d); /* every component is in the file */
    return WK_OK;
}

char *wk_gan_sample_shape_str(int ndim, const int64_t *shape, char *buf, size_t n) {
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < ndim && off < n; i++) off += (size_t)snprintf(buf + off, n - off, i ? "x%lld" : "%lld", (long long)shape[i]);
    return buf;
}

int wk__build_generator(wk_trainer *t, wk_model *m) {
    const wk_gan_config *c = &t->net_cfg;
    int rc;
    wk_model_init(m);
    if (c->gen == WK_NET_DCGAN) {
        wk_dcgan_spec s = {0, 0, c->latent_dim, c->dcgan_width, c->gen_bn, 0};
        return (rc = wk_dcgan_spec_shape(&s, t->ndim, t->shape)) ? rc : wk_build_dcgan_generator(m, &s);
    }
    wk_mlp_spec s = {c->latent_dim, t->dim, c->gen_depth, c->gen_width, WK_ACT_RELU, 0.2f, WK_ACT_NONE, 1};
    s.act = c->gen_act == WK_GEN_ACT_TANH ? WK_ACT_TANH : c->gen_act == WK_GEN_ACT_LEAKY_RELU ? WK_ACT_LEAKY_RELU : WK_ACT_RELU;
    if (c->gen_out == WK_GEN_OUT_TANH || (c->gen_out == WK_GEN_OUT_AUTO && t->is_image)) s.out_act = WK_ACT_TANH;
    if ((rc = wk_build_mlp(m, &s))) return rc;
    return t->ndim > 1 ? wk_model_add_reshape(m, t->ndim, t->shape) : WK_OK;
}

/* validated: the caller has already run wk_gan_config_validate on cfg (gan_run checks before it
 * touches the run directory), so the config is checked once per run */
static int trainer_new(const wk_gan_config *cfg, wk_dataset *ds, wk_trainer **out, int validated) {
    *out = NULL;
    int rc = validated ? WK_OK : wk_gan_config_validate(cfg);
    if (!rc && ds) rc = wk__track_generalization_check(cfg, ds);
    if (rc) return rc;
    wk_trainer *t = wk_calloc(1, sizeof *t);
    if (!t) return WK_ENOMEM;
    t->cfg = *cfg;
    t->exec = wk_exec_make(cfg->threads);
    if (ds) {
        t->ds = *ds;
        memset(ds, 0, sizeof *ds);
        t->has_data = 1;
        char have[64];
        wk_gan_sample_shape_str(t->ds.ndim, t->ds.shape, have, sizeof have);
        if (cfg->sample_shape[0] && strcmp(cfg->sample_shape, have)) {
            rc = wk_errorf(WK_EINVAL, "data samples are shaped %s but the networks take %s", have, cfg->sample_shape);
            goto fail;
        }
        strcpy(t->cfg.sample_shape, have);
        /* the real-vs-real floor of a file compares held-out rows with each other (evaluate.c):
         * one row cannot give it, so say which setting and file, not the evaluation's inner words */
        int64_t held = t->ds.holdout.shape[0];
        if (!t->ds.synthetic && held < 2) {
            rc = cfg->holdout < 2
                     ? wk_errorf(WK_EINVAL, "holdout=%lld: a data file needs at least 2 held-out rows (the real-vs-real floor "
                                            "compares them with each other)", (long long)cfg->holdout)
                     : wk_errorf(WK_EINVAL, "holdout=%lld: data=%s has %lld rows, of which at most half (%lld) are held out; "
                                            "a data file needs at least 2 held-out rows (4 rows in all)",
                                 (long long)cfg->holdout, cfg->data, (long long)(held + t->ds.train.shape[0]), (long long)held);
            goto fail;
        }
    }
    if ((rc = wk_gan_sample_shape(t->cfg.sample_shape, &t->ndim, t->shape))) goto fail;
    t->dim = 1;
    for (int i = 0; i < t->ndim; i++) t->dim *= t->shape[i];
    t->is_image = t->ndim == 3;
    if ((rc = wk__mix_net_config(&t->cfg, t->ndim, t->shape, &t->net_cfg))) goto fail;
    if (t->has_data && (rc = wk__eval_real_load(t))) goto fail;
    t->T = cfg->mix;
    t->loss = cfg->loss;
    t->latent = cfg->latent;
    /* Streams: one master seed, split in a fixed order. */
    wk_rng master, r_init, r_attach;
    wk_rng_seed(&master, cfg->seed);
    r_init = wk_rng_split(&master);
    r_attach = wk_rng_split(&master);
    t->r_batch = wk_rng_split(&master);
    t->r_latent = wk_rng_split(&master);
    t->r_lip = wk_rng_split(&master);
    if ((rc = wk__build_generator(t, &t->gen)) || (rc = wk_gan_critic_build(&t->net_cfg, t->ndim, t->shape, &t->critic))) {
        if (rc == WK_EINVAL) rc = wk_error_context(rc, "%s", t->has_data && !t->ds.synthetic ? cfg->data : "sample_shape");
        goto fail;
    }
    for (int i = 0; i < t->critic.n_layers; i++) t->critic_has_bn |= t->critic.layers[i].kind == WK_LAYER_BATCHNORM;
    wk_gan_model_init(cfg, &t->gen, &r_init);
    wk_gan_model_init(cfg, &t->critic, &r_init);
    if (cfg->ema > 0) {
        if ((rc = wk__build_generator(t, &t->ema)) || (rc = wk_model_copy_weights(&t->ema, &t->gen))) goto fail;
        t->has_ema = 1;
    }
    wk_optim_config og = wk_gan_optim_config(cfg, cfg->opt_g, cfg->lr_g), od = wk_gan_optim_config(cfg, cfg->opt_d, cfg->lr_d);
    if ((rc = wk_optim_init(&t->opt_g, &og, t->gen.params, t->gen.n_params)) ||
        (rc = wk_optim_init(&t->opt_d, &od, t->critic.params, t->critic.n_params)))
        goto fail;
    wk_lipschitz_config lc;
    if ((rc = wk_gan_lipschitz_config(cfg, &lc))) goto fail;
    if ((rc = wk_lipschitz_attach(&t->lip, &lc, &t->critic, &r_attach))) goto fail;
    if (t->T > 1 && (rc = wk__mix_build(t, &r_init, &r_attach))) goto fail;
    if ((rc = wk__dp_setup(t))) goto fail;
    t->g_gen = t->g_critic = wk_graph_new();
    if (!t->g_gen) {
        rc = WK_ENOMEM;
        goto fail;
    }
    if (t->has_data && t->ds.train.data) {
        int64_t n = t->ds.train.shape[0];
        if (!(t->perm = wk_malloc((size_t)n * sizeof *t->perm))) {
            rc = WK_ENOMEM;
            goto fail;
        }
        wk_rng_permutation(&t->r_batch, t->perm, n);
    }
    *out = t;
    return WK_OK;
fail:
    wk_trainer_free(t);
    return rc;
}

int wk_trainer_new(const wk_gan_config *cfg, wk_dataset *ds, wk_trainer **out) {
    struct { wk_exec exec; } ctx = {wk_exec_make(cfg->threads)}; /* the trainer does not exist yet */
    WK_TRAINER_CALL(&ctx, trainer_new(cfg, ds, out, 0));
}

int wk__trainer_new_validated(const wk_gan_config *cfg, wk_dataset *ds, wk_trainer **out) {
    struct { wk_exec exec; } ctx = {wk_exec_make(cfg->threads)};
    WK_TRAINER_CALL(&ctx, trainer_new(cfg, ds, out, 1));
}

void wk_trainer_free(wk_trainer *t) {
    if (!t) return;
    wk__mix_free(t);
    wk__dp_free(t);
    wk_lipschitz_free(&t->lip);
    wk_optim_free(&t->opt_g);
    wk_optim_free(&t->opt_d);
    wk_model_free(&t->gen);
    wk_model_free(&t->critic);
    if (t->has_ema) wk_model_free(&t->ema);
    wk_graph_free(t->g_critic); /* g_gen is the same graph */
    wk_graph_free(t->g_eval);
    wk_free(t->perm);
    wk_tensor_free(&t->eval_real);
    if (t->has_data) wk_dataset_free(&t->ds);
    wk_data_scale_free(&t->loaded_scale);
    wk_free(t);
}

const wk_gan_config *wk_trainer_config(const wk_trainer *t) { return &t->cfg; }
int64_t wk_trainer_step_count(const wk_trainer *t) { return t->step; }
int wk_trainer_sample_shape(const wk_trainer *t, int64_t *shape) {
    memcpy(shape, t->shape, (size_t)t->ndim * sizeof *shape);
    return t->ndim;
}
wk_model *wk_trainer_generator(wk_trainer *t) { return &t->gen; }
wk_model *wk_trainer_critic_model(wk_trainer *t) { return &t->critic; }
wk_dataset *wk_trainer_dataset(wk_trainer *t) { return t->has_data ? &t->ds : NULL; }

const wk_data_scale *wk_trainer_data_scale(const wk_trainer *t) {
    if (t->has_data && t->ds.scale.n) return &t->ds.scale;
    return t->loaded_scale.n ? &t->loaded_scale : NULL;
}

void wk__fill_latent(wk_trainer *t, wk_rng *r, float *z, int64_t n) {
    if (t->latent == WK_LATENT_UNIFORM) wk_rng_fill_uniform(r, z, n, -1, 1);
    else wk_rng_fill_normal(r, z, n, 0, 1);
}

/* A real batch (this process's b = t->rows rows): fresh draws from a synthetic target, or the
 * next rows of the epoch order. With data shards, each shard's draws come from its own stream
 * and file data walks the whole batch's rows of the epoch order, keeping this process's. */
int wk__fill_real(wk_trainer *t, float *x, int64_t b) {
    if (!t->ds.train.data) {
        if (t->cfg.data_shards == 1) {
            wk_tensor view = {x, 2, {b, t->dim}, b * t->dim, WK_DEVICE_CPU};
            return wk_target_sample(&t->ds.target, &t->r_batch, &view);
        }
        uint64_t key = wk_rng_u64(&t->r_batch);
        for (int s = t->shard_lo; s < t->shard_hi; s++) {
            wk_rng r = wk__shard_rng(key, s);
            int64_t m = t->shard_rows;
            wk_tensor view = {x + (s - t->shard_lo) * m * t->dim, 2, {m, t->dim}, m * t->dim, WK_DEVICE_CPU};
            int rc = wk_target_sample(&t->ds.target, &r, &view);
            if (rc) return rc;
        }
        return WK_OK;
    }
    int64_t n = t->ds.train.shape[0], lo = t->shard_lo * t->shard_rows, total = t->cfg.data_shards == 1 ? b : t->cfg.batch;
    for (int64_t i = 0; i < total; i++) {
        if (t->perm_pos == n) { /* new epoch, new order */
            wk_rng_permutation(&t->r_batch, t->perm, n);
            t->perm_pos = 0;
        }
        int64_t row = t->perm[t->perm_pos++];
        if (i >= lo && i < lo + b) memcpy(x + (i - lo) * t->dim, t->ds.train.data + row * t->dim, (size_t)t->dim * sizeof(float));
    }
    return WK_OK;
}

wk_var *wk__batch_input(wk_trainer *t, wk_graph *g, int64_t b) {
    int64_t shape[WK_MAX_DIMS];
    shape[0] = b;
    memcpy(shape + 1, t->shape, (size_t)t->ndim * sizeof(int64_t));
    return wk_input_empty(g, t->ndim + 1, shape, 0);
}

/* This step's b latent codes (this process's rows): one stream, or each shard's from its own. */
void wk__draw_latent(wk_trainer *t, float *z, int64_t b) {
    int64_t L = t->cfg.latent_dim;
    if (t->cfg.data_shards == 1) {
        wk__fill_latent(t, &t->r_latent, z, b * L);
        return;
    }
    uint64_t key = wk_rng_u64(&t->r_latent);
    for (int s = t->shard_lo; s < t->shard_hi; s++) {
        wk_rng r = wk__shard_rng(key, s);
        wk__fill_latent(t, &r, z + (s - t->shard_lo) * t->shard_rows * L, t->shard_rows * L);
    }
}

/* m rows of drawn real samples / latent codes as graph inputs (copied from the step's buffers). */
wk_var *wk__real_rows(wk_trainer *t, wk_graph *g, int64_t m, const float *x) {
    wk_var *v = wk__batch_input(t, g, m);
    if (v) memcpy(wk_input_data(v), x, (size_t)(m * t->dim) * sizeof(float));
    return v;
}

wk_var *wk__latent_rows(wk_trainer *t, wk_graph *g, int64_t m, const float *z) {
    wk_var *v = wk_input_empty(g, 2, (int64_t[]){m, t->cfg.latent_dim}, 0);
    if (v) memcpy(wk_input_data(v), z, (size_t)(m * t->cfg.latent_dim) * sizeof(float));
    return v;
}

int wk__diverged(wk_trainer *t, const char *what, double v) {
    return wk_errorf(WK_ENUMERIC, "step %lld: %s is %g (NaN/Inf): training diverged", (long long)t->step + 1, what, v);
}

/* The logged WGAN critic loss, E D(fake) - E D(real) (+ penalty): D = h + b with b the last
 * bias (wk_model_offset_layer), which cancels in it, but the float32 graph rounds every D(x) at
 * |b| first (b = 1e30: (1e30 + a) - (1e30 + b) = 0, whatever h gives). So the logged value is
 * taken on h, in double, from the same pass: wk__critic_forward splits the training forward pass
 * at the offset layer (the same operations in the same order, so the gradients are unchanged)
 * and keeps that layer's input *pre; after the loss is recorded, wk__offset_free_mean recomputes
 * the offset layer (and the reshapes after it) without b from *pre — nodes recorded after the
 * loss, which its backward pass never visits. *pre is NULL where there is no offset, or where the
 * offset layer is a norm layer (its training-mode pass updates running statistics): the graph's
 * value is logged then. */
wk_var *wk__critic_forward(wk_model *m, wk_graph *g, wk_var *x, wk_var **pre) {
    int off = wk_model_offset_layer(m);
    wk_layer_kind k = off >= 0 ? m->layers[off].kind : WK_LAYER_ACT;
    *pre = NULL;
    if (k != WK_LAYER_LINEAR && k != WK_LAYER_CONV2D && k != WK_LAYER_CONVT2D) return wk_model_forward(m, g, x, 1);
    *pre = wk_model_forward_layers(m, g, x, 1, 0, off);
    return wk_model_forward_layers(m, g, *pre, 1, off, m->n_layers);
}

/* The mean of h over rows [r0, r0 + n) of the offset-free outputs from pre (*h: NULL the first
 * time, then reused for other rows of the same pass), in double. */
int wk__offset_free_mean(wk_model *m, wk_graph *g, wk_var *pre, wk_var **h, int64_t r0, int64_t n, double *mean) {
    if (!*h && !(*h = wk_model_forward_layers_offset_free(m, g, pre, 1, wk_model_offset_layer(m), m->n_layers)))
        return wk_graph_status(g);
    const wk_tensor *v = wk_value(*h);
    int64_t per = v->numel / v->shape[0];
    double s = 0;
    for (int64_t i = r0 * per; i < (r0 + n) * per; i++) s += v->data[i];
    *mean = s / (double)(n * per);
    return WK_OK;
}

/* Forward and backward of the critic loss on m drawn rows (x real, z latent) of shards
 * [lo, hi): the gradients are left in the critic's parameters and the loss in loss_d (for the
 * WGAN loss taken without the critic's constant offset, in double: wk__critic_forward). */
static int critic_pass(wk_trainer *t, const float *x, const float *zs, int64_t m, uint64_t key, int lo, int hi) {
    wk_graph *g = t->g_critic;
    int rc;
    wk_graph_reset(g);
    wk_var *real = wk__real_rows(t, g, m, x), *z = wk__latent_rows(t, g, m, zs);
    if (!real || !z) return wk_graph_status(g);
    wk_var *fake = wk_detach(g, wk_model_forward(&t->gen, g, z, 1));
    wk_var *d_real, *d_fake, *pre_r, *pre_f; /* pre_*: the offset layer's inputs (wk__critic_forward) */
    int64_t fake_row = 0;                      /* the fake rows' first row in pre_f */
    if (t->critic_has_bn) { /* batch norm: real and fake are separate batches, as in PyTorch DCGANs */
        d_real = wk__critic_forward(&t->critic, g, real, &pre_r);
        d_fake = wk__critic_forward(&t->critic, g, fake, &pre_f);
    } else { /* one pass over [real; fake]: half the sgemm calls, each twice as tall */
        wk_var *both = wk__critic_forward(&t->critic, g, wk_concat(g, (wk_var *[]){real, fake}, 2, 0), &pre_r);
        d_real = wk_slice(g, both, 0, 0, m);
        d_fake = wk_slice(g, both, 0, m, m);
        pre_f = pre_r, fake_row = m;
    }
    wk_var *loss = wk__loss_critic(g, t->loss, d_real, d_fake);
    wk_var *pen = wk__penalty(t, &t->lip, g, real, fake, key, lo, hi);
    wk_var *total = wk_add(g, loss, pen);
    if (!total) return wk_graph_status(g);
    t->loss_d = wk_value(total)->data[0];
    if (!isfinite(t->loss_d)) return wk__diverged(t, "the critic loss", t->loss_d);
    if (t->loss == WK_LOSS_WGAN && pre_r && pre_f) { /* recorded after total: backward never visits it */
        wk_var *hr = NULL, *hf;
        double er, ef;
        if ((rc = wk__offset_free_mean(&t->critic, g, pre_r, &hr, 0, m, &er))) return rc;
        hf = pre_f == pre_r ? hr : NULL; /* one pass over [real; fake]: the same outputs */
        if ((rc = wk__offset_free_mean(&t->critic, g, pre_f, &hf, fake_row, m, &ef))) return rc;
        t->loss_d = ef - er + wk_value(pen)->data[0];
    }
    wk_model_zero_grad(&t->critic);
    if ((rc = wk_backward(g, total))) return wk_error_context(rc, "step %lld: critic backward", (long long)t->step + 1);
    return WK_OK;
}

/* One critic update on this process's rows: drawn first, then one pass (or one per data
 * shard, accumulated as the ranks' all-reduce would: data_parallel.c), then the update. */
static int critic_step(wk_trainer *t) {
    int64_t b = t->rows;
    int rc, n = wk__passes(t);
    if ((rc = wk__fill_real(t, t->x_buf, b))) return rc;
    wk__draw_latent(t, t->z_buf, b);
    uint64_t key = wk__penalty_key(t);
    if (n > 1) wk__accumulate(t, 1, -1, n); /* the batch-norm state every shard starts from */
    for (int p = 0; p < n; p++) {
        int64_t m = b / n;
        int lo = n > 1 ? t->shard_lo + p : t->shard_lo, hi = n > 1 ? lo + 1 : t->shard_hi;
        if ((rc = critic_pass(t, t->x_buf + p * m * t->dim, t->z_buf + p * m * t->cfg.latent_dim, m, key, lo, hi))) return rc;
        if (n > 1) wk__accumulate(t, 1, p, n);
    }
    if ((rc = wk_optim_step(&t->opt_d))) return wk_error_context(rc, "step %lld: critic update", (long long)t->step + 1);
    t->grad_norm_d = t->opt_d.grad_norm;
    t->critic_steps++;
    return wk_lipschitz_after_step(&t->lip);
}

static int generator_pass(wk_trainer *t, const float *zs, int64_t m) {
    wk_graph *g = t->g_gen;
    wk_graph_reset(g);
    wk_var *z = wk__latent_rows(t, g, m, zs);
    /* The critic is fixed during this step: freeze it so its weight gradients are not computed. */
    t->critic.frozen = 1;
    wk_var *loss = wk__loss_generator(g, t->loss, wk_model_forward(&t->critic, g, wk_model_forward(&t->gen, g, z, 1), 1));
    t->critic.frozen = 0;
    if (!loss) return wk_graph_status(g);
    t->loss_g = wk_value(loss)->data[0];
    if (!isfinite(t->loss_g)) return wk__diverged(t, "the generator loss", t->loss_g);
    wk_model_zero_grad(&t->gen);
    int rc = wk_backward(g, loss);
    return rc ? wk_error_context(rc, "step %lld: generator backward", (long long)t->step + 1) : WK_OK;
}

static int generator_step(wk_trainer *t) {
    int rc, n = wk__passes(t);
    wk__draw_latent(t, t->z_buf, t->rows);
    if (n > 1) wk__accumulate(t, 0, -1, n);
    for (int p = 0; p < n; p++) {
        int64_t m = t->rows / n;
        if ((rc = generator_pass(t, t->z_buf + p * m * t->cfg.latent_dim, m))) return rc;
        if (n > 1) wk__accumulate(t, 0, p, n);
    }
    if ((rc = wk_optim_step(&t->opt_g))) return wk_error_context(rc, "step %lld: generator update", (long long)t->step + 1);
    t->grad_norm_g = t->opt_g.grad_norm;
    if (t->has_ema) wk__ema_update(t, &t->ema, &t->gen);
    return WK_OK;
}

/* θ_ema ← d θ_ema + (1 − d) θ (Yazıcı et al. 2019); batch-norm statistics are copied. */
void wk__ema_update(const wk_trainer *t, wk_model *ema, const wk_model *gen) {
    float d = (float)t->cfg.ema;
    for (int i = 0; i < gen->n_params; i++) {
        float *e = ema->params[i]->value.data;
        const float *p = gen->params[i]->value.data;
        for (int64_t j = 0; j < gen->params[i]->value.numel; j++) e[j] = d * e[j] + (1 - d) * p[j];
    }
    for (int i = 0; i < gen->n_layers; i++)
        if (gen->layers[i].kind == WK_LAYER_BATCHNORM) {
            wk_tensor_copy(&ema->layers[i].running_mean, &gen->layers[i].running_mean);
            wk_tensor_copy(&ema->layers[i].running_var, &gen->layers[i].running_var);
        }
}

static int trainer_step(wk_trainer *t) {
    if (!t->has_data) return wk_errorf(WK_EINVAL, "trainer: no data attached");
    int rc;
    if (t->cfg.lr_decay == WK_LR_DECAY_LINEAR) { /* a function of the step alone, so resuming keeps it */
        double f = t->cfg.steps > 0 ? 1.0 - (double)t->step / (double)t->cfg.steps : 1.0;
        t->opt_g.cfg.lr = (float)(t->cfg.lr_g * f);
        t->opt_d.cfg.lr = (float)(t->cfg.lr_d * f);
        if (t->T > 1) wk__mix_set_lr(t);
    }
    for (int k = 0; k < t->cfg.n_critic; k++)
        if ((rc = t->T > 1 ? wk__mix_critic_step(t) : critic_step(t))) return rc;
    if ((rc = t->T > 1 ? wk__mix_generator_step(t) : generator_step(t))) return rc;
    t->step++;
    return WK_OK;
}

static int trainer_step_unless_cancelled(wk_trainer *t) {
    if (wk_exec_cancelled()) return wk_errorf(WK_EINTR, "interrupted before step %lld", (long long)t->step + 1);
    return trainer_step(t);
}

int wk_trainer_step(wk_trainer *t) { WK_TRAINER_CALL(t, trainer_step_unless_cancelled(t)); }

/* ---- inference ------------------------------------------------------------------------- */
#define CHUNK 1000

static wk_graph *eval_graph(wk_trainer *t) {
    if (!t->g_eval) t->g_eval = wk_graph_new();
    else wk_graph_reset(t->g_eval);
    return t->g_eval;
}

static int trainer_sample(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, int component, wk_tensor *out) {
    int64_t L = t->cfg.latent_dim;
    if (component >= t->T)
        return wk_errorf(WK_EINVAL, "component %d: the run has %d generator%s (components 0..%d)", component, t->T, t->T > 1 ? "s" : "",
                         t->T - 1);
    if (z) {
        if (z->ndim < 1 || z->shape[0] < 1 || z->numel == 0)
            return wk_errorf(WK_EINVAL, "latent codes %s are empty (no rows)", wk_shape_str(z, (char[64]){0}, 64));
        if (z->ndim != 2 || z->shape[1] != L)
            return wk_errorf(WK_EINVAL, "latent codes must be [n, %lld] (latent_dim), got %s", (long long)L,
                             wk_shape_str(z, (char[64]){0}, 64));
        n = z->shape[0];
    }
    int64_t shape[WK_MAX_DIMS];
    shape[0] = n;
    memcpy(shape + 1, t->shape, (size_t)t->ndim * sizeof(int64_t));
    int rc = wk_tensor_alloc(out, t->ndim + 1, shape);
    if (rc) return rc;
    if (t->T > 1) return wk__mix_sample(t, z, n, seed, use_ema, component, out); /* mix.c: a component per sample */
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_model *gen = use_ema && t->has_ema ? &t->ema : &t->gen;
    for (int64_t s = 0; s < n && !rc; s += CHUNK) {
        int64_t b = n - s < CHUNK ? n - s : CHUNK;
        wk_graph *g = eval_graph(t);
        wk_var *zv = g ? wk_input_empty(g, 2, (int64_t[]){b, L}, 0) : NULL, *x = NULL;
        if (zv) {
            if (z) memcpy(wk_input_data(zv), z->data + s * L, (size_t)(b * L) * sizeof(float));
            else wk__fill_latent(t, &r, wk_input_data(zv), b * L);
            x = wk_model_forward(gen, g, zv, 0);
        }
        if (!x) rc = g ? wk_graph_status(g) : WK_ENOMEM;
        else memcpy(out->data + s * t->dim, wk_value(x)->data, (size_t)(b * t->dim) * sizeof(float));
    }
    if (rc) wk_tensor_free(out); /* every failure frees the output: the caller gets nothing to free */
    return rc;
}

int wk_trainer_sample(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, wk_tensor *out) {
    WK_TRAINER_CALL(t, trainer_sample(t, z, n, seed, use_ema, -1, out));
}

int wk_trainer_sample_component(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, int component,
                                wk_tensor *out) {
    WK_TRAINER_CALL(t, trainer_sample(t, z, n, seed, use_ema, component, out));
}

static int check_points(const wk_trainer *t, const wk_tensor *x) {
    if (x->ndim >= 1 && (x->shape[0] < 1 || x->numel == 0))
        return wk_errorf(WK_EINVAL, "critic input %s is empty (no samples)", wk_shape_str(x, (char[64]){0}, 64));
    if (x->ndim < 1 || x->shape[0] < 1 || x->numel != x->shape[0] * t->dim)
        return wk_errorf(WK_EINVAL, "critic input %s does not hold samples of shape %s", wk_shape_str(x, (char[64]){0}, 64),
                         t->cfg.sample_shape);
    return WK_OK;
}

/* x: rows of t->dim floats; d[n]; grad (optional) rows of ∇ₓD; offset_free: D less its constant
 * offset (wk_model_offset_layer), for differences of values. */
int wk__critic_eval_model(wk_trainer *t, wk_model *critic, const float *x, int64_t n, float *d, float *grad, int offset_free) {
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape + 1, t->shape, (size_t)t->ndim * sizeof(int64_t));
    for (int64_t s = 0; s < n; s += CHUNK) {
        int64_t b = n - s < CHUNK ? n - s : CHUNK;
        wk_graph *g = eval_graph(t);
        if (!g) return WK_ENOMEM;
        shape[0] = b;
        wk_var *xv = wk_input_empty(g, t->ndim + 1, shape, grad != NULL), *gx = NULL;
        if (!xv) return wk_graph_status(g);
        memcpy(wk_input_data(xv), x + s * t->dim, (size_t)(b * t->dim) * sizeof(float));
        wk_var *dv = offset_free ? wk_model_forward_offset_free(critic, g, xv, 0) : wk_model_forward(critic, g, xv, 0);
        if (!dv) return wk_graph_status(g);
        memcpy(d + s, wk_value(dv)->data, (size_t)b * sizeof(float));
        if (grad) {
            int rc = wk_grad(g, wk_sum(g, dv, WK_ALL_AXES, 0), &xv, 1, &gx, 0);
            if (rc) return rc;
            memcpy(grad + s * t->dim, wk_value(gx)->data, (size_t)(b * t->dim) * sizeof(float));
        }
    }
    return WK_OK;
}

/* A mixture's critic is Σ_j w_D[j]·D_j (mix.c). */
static int critic_eval(wk_trainer *t, const float *x, int64_t n, float *d, float *grad, int offset_free) {
    return t->T > 1 ? wk__mix_critic_eval(t, x, n, d, grad, offset_free) : wk__critic_eval_model(t, &t->critic, x, n, d, grad, offset_free);
}

/* Finding 3: a checkpoint's weights can be finite and still overflow the float32 forward pass
 * (3e38 everywhere): a NaN/Inf value or gradient is then refused as a computation failure, named
 * with the critic's largest weight, never returned. n values at v, `per` of them per point. */
int wk__critic_finite(const wk_trainer *t, const char *what, const float *v, int64_t n, int64_t per) {
    int64_t k = wk_first_nonfinite(v, n);
    if (k < 0) return WK_OK;
    double big = 0;
    char name[200] = "?";
    for (int j = 0; j < t->T; j++) {
        const wk_model *m = WK_MIX_CRITIC(t, j);
        for (int i = 0; i < m->n_params; i++) {
            const wk_tensor *p = &m->params[i]->value;
            for (int64_t e = 0; e < p->numel; e++)
                if (fabs(p->data[e]) > big) {
                    big = fabs(p->data[e]);
                    if (t->T > 1) snprintf(name, sizeof name, "critic.%d.%s", j, m->params[i]->name);
                    else snprintf(name, sizeof name, "critic.%s", m->params[i]->name);
                }
        }
    }
    return wk_errorf(WK_ENUMERIC, "the critic's %s at point %lld is %s: its float32 forward pass overflows (largest weight "
                                  "%g, in tensor '%s'); no value can be given", what, (long long)(k / per),
                     isnan(v[k]) ? "NaN" : v[k] > 0 ? "+Inf" : "-Inf", big, name);
}

int wk__critic_values_offset_free(wk_trainer *t, const float *x, int64_t n, float *d) {
    int rc = critic_eval(t, x, n, d, NULL, 1);
    return rc ? rc : wk__critic_finite(t, "value less its constant offset", d, n, 1);
}

static int trainer_critic(wk_trainer *t, const wk_tensor *x, wk_tensor *d, wk_tensor *grad) {
    int rc = check_points(t, x);
    if (rc) return rc;
    int64_t n = x->shape[0];
    if ((rc = wk_tensor_alloc(d, 1, (int64_t[]){n}))) return rc;
    if (grad && (rc = wk_tensor_alloc(grad, x->ndim, x->shape))) {
        wk_tensor_free(d);
        return rc;
    }
    rc = critic_eval(t, x->data, n, d->data, grad ? grad->data : NULL, 0);
    if (!rc) rc = wk__critic_finite(t, "value", d->data, n, 1);
    if (!rc && grad) rc = wk__critic_finite(t, "gradient", grad->data, grad->numel, t->dim);
    if (rc) {
        wk_tensor_free(d);
        if (grad) wk_tensor_free(grad);
    }
    return rc;
}

int wk_trainer_critic(wk_trainer *t, const wk_tensor *x, wk_tensor *d, wk_tensor *grad) {
    WK_TRAINER_CALL(t, trainer_critic(t, x, d, grad));
}

static int trainer_lipschitz_report(wk_trainer *t, const wk_tensor *x, wk_lipschitz_report *r) {
    int rc = check_points(t, x);
    if (rc) return rc;
    wk_tensor view = *x;
    int64_t shape[WK_MAX_DIMS];
    shape[0] = x->shape[0];
    memcpy(shape + 1, t->shape, (size_t)t->ndim * sizeof(int64_t));
    wk_tensor_set_shape(&view, t->ndim + 1, shape);
    /* MIX+GAN: the report is the mixture critic's, Σ_j w_D[j]·D_j, the function that is trained,
     * printed (wk_trainer_critic) and whose gap is d_D (mix.c): certified Σ_j w_D[j]·(D_j's
     * bound), measured on its own gradient and values (report.c). */
    wk_rng rng;
    wk_rng_seed_stream(&rng, t->cfg.seed, WK_STREAM_LIPSCHITZ);
    wk_model *critics[WK_MIX_MAX];
    double w[WK_MIX_MAX] = {1};
    if (t->T > 1) wk__mix_weights(&t->logit_d, t->T, w);
    for (int j = 0; j < t->T; j++) critics[j] = WK_MIX_CRITIC(t, j);
    if ((rc = wk_lipschitz_report_mixture(critics, w, t->T, &view, t->cfg.lip_pairs, &rng, r)))
        return t->T > 1 ? wk_error_context(rc, "MIX+GAN critic") : rc;
    return WK_OK;
}

int wk_trainer_lipschitz_report(wk_trainer *t, const wk_tensor *x, wk_lipschitz_report *r) {
    WK_TRAINER_CALL(t, trainer_lipschitz_report(t, x, r));
}
