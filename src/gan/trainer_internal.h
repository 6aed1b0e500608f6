/* trainer_internal.h — the wk_trainer layout shared by the files of src/gan (trainer.c,
 * losses.c, evaluate.c, checkpoint.c, run.c). Not part of the public API. */
#ifndef WK_GAN_TRAINER_INTERNAL_H
#define WK_GAN_TRAINER_INTERNAL_H

#include "wgankit/gan.h"
#include "wgankit/safetensors.h"

/* One MIX+GAN component beyond the first (mix.c): component 0 is the trainer's own gen, critic,
 * ema, opt_g, opt_d and lip, so a single GAN (T = 1) is the trainer exactly as before. */
typedef struct wk_mix_part {
    wk_model gen, critic, ema;
    wk_optimizer opt_g, opt_d;
    wk_lipschitz lip;
} wk_mix_part;

struct wk_trainer {
    wk_gan_config cfg;
    wk_dataset ds;
    int has_data;
    int ndim; /* one sample's shape (without the batch axis) */
    int64_t shape[WK_MAX_DIMS], dim;
    int is_image;
    wk_model gen, critic, ema;
    int has_ema;
    int critic_has_bn; /* batch norm in the critic: real and fake must stay separate batches */
    wk_optimizer opt_g, opt_d;
    wk_lipschitz lip;
    wk_loss_kind loss;
    wk_latent_law latent;
    /* The step graph, reset every step: the critic and generator steps never overlap, so they
     * share it (one arena at the larger step's size, not the sum of both). g_gen == g_critic. */
    wk_graph *g_gen, *g_critic, *g_eval;
    wk_exec exec; /* this trainer's threads (cfg.threads): every public call runs under it */
    /* training streams; a checkpoint stores all of them */
    wk_rng r_batch, r_latent, r_lip;
    int64_t step, critic_steps;
    int64_t *perm, perm_pos; /* epoch order over ds.train */
    wk_data_scale loaded_scale; /* the data scaling the checkpoint loaded last keeps (n 0: none kept, or the trainer has data) */
    uint64_t loaded_fingerprint; /* the data fingerprint of the checkpoint loaded last (0: none recorded) */
    wk_tensor eval_real; /* cfg.eval_real read once and checked at creation (data NULL when unset) */
    double loss_d, loss_g, grad_norm_d, grad_norm_g;
    /* MIX+GAN (mix.c): T = cfg.mix components; parts[i - 1] is component i >= 1. The logits of
     * the two families' mixture weights are trained by their own optimizers (the generator's /
     * critic's settings), which step with opt_g / opt_d. */
    int T;
    wk_mix_part *parts;
    wk_param logit_g, logit_d;
    wk_param *logit_list[2]; /* the optimizers keep a pointer to their parameter list */
    wk_optimizer opt_wg, opt_wd;
    wk_gan_config net_cfg; /* cfg with each component's widths (mix_budget applied) */
    /* data shards (data_parallel.c): the batch is cfg.data_shards shards of shard_rows rows, shard
     * s drawn from its own stream; this process computes shards [shard_lo, shard_hi), `rows` rows
     * per batch (the whole batch unless data_parallel). dp: the fused all-reduce (NULL if off). */
    int shard_lo, shard_hi;
    int64_t shard_rows, rows;
    struct wk__dp *dp;
    float *x_buf, *z_buf; /* one step's drawn rows: real samples, T batches of latent codes */
    double seconds; /* wall time spent training up to `step`, over every resumed part (run.c keeps it) */
    double floor; int64_t floor_n; /* evaluate.c: the real-vs-real W1 floor, once (floor_n 0: not yet) */
};

/* Every public trainer call runs its body under the trainer's own thread context, so two
 * trainers in two threads of one process keep their own thread counts (tensor.h). */
#define WK_TRAINER_CALL(t, body_call)                                                                   \
    do {                                                                                                \
        wk_exec_saved wk__saved;                                                                        \
        wk_exec_enter(&(t)->exec, &wk__saved);                                                          \
        int wk__rc = (body_call);                                                                       \
        wk_exec_leave(&wk__saved);                                                                      \
        return wk__rc;                                                                                  \
    } while (0)

/* losses.c */
wk_var *wk__loss_critic(wk_graph *g, wk_loss_kind k, wk_var *d_real, wk_var *d_fake);
wk_var *wk__loss_generator(wk_graph *g, wk_loss_kind k, wk_var *d_fake);
/* evaluate.c: WK_EINVAL naming --track-generalization when it is on without a finite training sample. */
int wk__track_generalization_check(const wk_gan_config *c, const wk_dataset *ds);
/* trainer.c */
void wk__fill_latent(wk_trainer *t, wk_rng *r, float *z, int64_t n);
/* Forward n rows of x (sample shape) through the critic in chunks into d[n]. */
/* image_metrics.c: cfg.eval_metrics of the generated images `fake` into m->image */
int wk__image_metrics(wk_trainer *t, const wk_tensor *fake, const wk_tensor *real, wk_gan_metrics *m);
/* Read cfg.eval_real into t->eval_real and check it against the run's sample shape (exit-2
 * errors naming the file), so a missing, malformed or mis-shaped file stops the run before it
 * trains, not at the first evaluation, and is never silently replaced by the held-out split. */
int wk__eval_real_load(wk_trainer *t);
/* The critic's values less its constant offset (the last layer's bias, where it cancels in every
 * difference: wk_model_offset_layer), finite or WK_ENUMERIC: for d_D = E D(real) - E D(fake). */
int wk__critic_values_offset_free(wk_trainer *t, const float *x, int64_t n, float *d);
/* trainer.c: the critic's training forward pass split at its offset layer, *pre that layer's input
 * (NULL: none usable), and the mean of the offset-free outputs over rows [r0, r0 + n) computed from
 * *pre in double (*h: NULL, then reused for other rows of the same pass) — the logged WGAN loss
 * without the last bias the float32 graph rounds at (see trainer.c) */
wk_var *wk__critic_forward(wk_model *m, wk_graph *g, wk_var *x, wk_var **pre);
int wk__offset_free_mean(wk_model *m, wk_graph *g, wk_var *pre, wk_var **h, int64_t r0, int64_t n, double *mean);
/* A lower bound on the weights (floats) of the two networks cfg describes, with its
 * sample_shape checked: lets a checkpoint's claims be checked against its size first. */
int wk__config_weight_floor(const wk_gan_config *c, double *floats);
/* layer_meta.c: a network's layer list as JSON, stating every forward-pass transformation of
 * the critic `lip` constrains (NULL for a generator), so it can be rebuilt from the file alone;
 * components: the MIX+GAN's T (> 1: the spectral-norm ops name the (u, v) tensors of every
 * component, lipschitz.<j>.sn_u.<layer>, as arrays of T names), else 0 or 1 */
void wk__model_to_json(const wk_model *m, const wk_lipschitz *lip, int components, wk_strbuf *sb);
/* The metadata stamp every checkpoint carries from now on: its layer lists have the current
 * (self-describing) form, so the older form is never read from it. A MIX+GAN checkpoint is
 * stamped WK_LAYER_LIST_VERSION_MIX: its spectral-norm ops name each component's tensors, where
 * the version-2 lists of earlier builds named lipschitz.sn_u.<layer>, a tensor no MIX+GAN file
 * holds (still read from files stamped 2 or unstamped). */
#define WK_LAYER_LIST_VERSION_KEY "wgankit.layer_list_version"
#define WK_LAYER_LIST_VERSION "2"
#define WK_LAYER_LIST_VERSION_MIX "3"

/* layer_meta.c: the file's layer lists (wgankit.generator, wgankit.critic,
 * wgankit.critic_orthonormal) equal the ones this trainer, built from the file's config, writes
 * with the file's spectral-norm steps (sn_step: the critic's, lip_step: the Lipschitz step), or,
 * for a file of a build before self-describing checkpoints (no WK_LAYER_LIST_VERSION_KEY, no
 * wgankit.data_scale, no wgankit.critic_orthonormal), the older form those builds wrote; absent
 * lists (older files) pass. WK_EFORMAT naming the file, the list and the first differing field. */
int wk__check_layer_lists(const wk_trainer *t, const wk_safetensors *f, const int64_t *sn_step, int64_t lip_step);
/* layer_meta.c: the orthonormalised critic weights stored at the end of training
 * (export_orthonormal): n tensors named names[i], and their plain layer list; a MIX+GAN exports
 * every component critic, critic_orthonormal.<j>.<tensor> (the layer list is the same for all) */
typedef struct {
    int n, cap;
    char (*names)[128]; /* critic_orthonormal[.<component>].<layer tensor> */
    wk_tensor *tensors;
    wk_strbuf layers;
} wk__export;
int wk__export_orthonormal(wk_trainer *t, wk__export *ex);
void wk__export_free(wk__export *ex);
void wk__config_weights(const wk_gan_config *c, double dim, double *gen, double *critic);
/* One forward pass of `net` on a training batch (b rows) / fresh latent codes (trainer.c). */
int wk__fill_real(wk_trainer *t, float *x, int64_t b);
wk_var *wk__batch_input(wk_trainer *t, wk_graph *g, int64_t b);
void wk__draw_latent(wk_trainer *t, float *z, int64_t b);
wk_var *wk__real_rows(wk_trainer *t, wk_graph *g, int64_t m, const float *x);
wk_var *wk__latent_rows(wk_trainer *t, wk_graph *g, int64_t m, const float *z);
int wk__build_generator(wk_trainer *t, wk_model *m);
void wk__ema_update(const wk_trainer *t, wk_model *ema, const wk_model *gen);
int wk__diverged(wk_trainer *t, const char *what, double v);
/* Critic values (and ∇ₓD) of one critic network at n rows of x; offset_free: less the constant
 * offset of its output (wk_model_offset_layer), for differences. */
int wk__critic_eval_model(wk_trainer *t, wk_model *critic, const float *x, int64_t n, float *d, float *grad, int offset_free);
/* WK_ENUMERIC naming the point and the critic's largest weight if any of the n values at v (per
 * of them a point) is NaN/Inf: a critic's output is never returned non-finite. */
int wk__critic_finite(const wk_trainer *t, const char *what, const float *v, int64_t n, int64_t per);

/* data_parallel.c: the shard range and, under data_parallel, the two fused all-reduces (the
 * critic's and the generator's gradients) hooked on opt_d / opt_g; freed by wk__dp_free. */
int wk__dp_setup(wk_trainer *t);
void wk__dp_free(wk_trainer *t);
/* One draw for this process's shards from a shared stream: the key (one word of `shared`,
 * the same on every rank) seeds shard s's own stream. */
wk_rng wk__shard_rng(uint64_t key, int s);
/* The penalty term of lip on shards [lo, hi) (data_shards > 1: each shard's interpolation
 * weights from its own stream, keyed by `key` = wk__penalty_key drawn once per step). */
wk_var *wk__penalty(wk_trainer *t, wk_lipschitz *lip, wk_graph *g, wk_var *real, wk_var *fake, uint64_t key, int lo, int hi);
uint64_t wk__penalty_key(wk_trainer *t);
/* Passes per update: 1, or one per shard when one process computes several (data_shards K
 * without data_parallel), whose gradients wk__accumulate sums after each pass p and, after the
 * last, turns into their mean exactly as the K ranks' all-reduce does. */
int wk__passes(const wk_trainer *t);
void wk__accumulate(wk_trainer *t, int critic, int pass, int n_pass);
/* Rank 0 alone writes the run directory (true without data_parallel). */
int wk__dp_lead(const wk_trainer *t);
/* Whether every rank holds the same weights and optimizer state (a hash), before a checkpoint. */
int wk__dp_check_same(wk_trainer *t);

/* mix.c — MIX+GAN. Component i's networks (i < T). */
#define WK_MIX_GEN(t, i) ((i) ? &(t)->parts[(i)-1].gen : &(t)->gen)
#define WK_MIX_CRITIC(t, i) ((i) ? &(t)->parts[(i)-1].critic : &(t)->critic)
#define WK_MIX_EMA(t, i) ((i) ? &(t)->parts[(i)-1].ema : &(t)->ema)
#define WK_MIX_OPT_G(t, i) ((i) ? &(t)->parts[(i)-1].opt_g : &(t)->opt_g)
#define WK_MIX_OPT_D(t, i) ((i) ? &(t)->parts[(i)-1].opt_d : &(t)->opt_d)
#define WK_MIX_LIP(t, i) ((i) ? &(t)->parts[(i)-1].lip : &(t)->lip)
/* The component config (widths scaled for mix_budget same) of cfg. */
/* wk_trainer_new for a config the caller has validated (gan_run): the checks run once per run */
int wk__trainer_new_validated(const wk_gan_config *cfg, wk_dataset *ds, wk_trainer **out);
int wk__mix_net_config(const wk_gan_config *cfg, int ndim, const int64_t *shape, wk_gan_config *out);
/* Parameter counts (floats) of one component's generator + critic for config c. */
int wk__gan_param_count(const wk_gan_config *c, int ndim, const int64_t *shape, int64_t *count);
/* Components 1..T-1, the logits and their optimizers (after component 0 is built). */
int wk__mix_build(wk_trainer *t, wk_rng *r_init, wk_rng *r_attach);
void wk__mix_free(wk_trainer *t);
/* softmax(logits) in double: the mixture weights. */
void wk__mix_weights(const wk_param *logits, int T, double *w);
/* Graph pieces (tested by finite differences): w = softmax(logits) as [1, T]; the payoff
 * Σ_ij w_G[i]·w_D[j]·L[i][j] + λ·(−(1/T)·Σ log(w_reg + 1e-6)). */
wk_var *wk__mix_softmax(wk_graph *g, wk_var *logits, int T);
wk_var *wk__mix_objective(wk_graph *g, wk_var *w_g, wk_var *w_d, wk_var *L, int T, double lambda, wk_var *w_reg);
int wk__mix_critic_step(wk_trainer *t);
int wk__mix_generator_step(wk_trainer *t);
void wk__mix_set_lr(wk_trainer *t);
int wk__mix_sample(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, int component, wk_tensor *out);
/* The mixture critic Σ_j w_D[j]·D_j at n rows of x (and its ∇ₓ). */
int wk__mix_critic_eval(wk_trainer *t, const float *x, int64_t n, float *d, float *grad, int offset_free);

/* The mixture weights into an evaluation, and as "mix_w_g" / "mix_w_d" arrays of its JSON. */
void wk__mix_metrics(const wk_trainer *t, wk_gan_metrics *m);
void wk__mix_metrics_json(const wk_gan_metrics *m, wk_strbuf *sb);
/* "MIX+GAN: T components, N parameters (single model: M)" */
void wk__mix_print_sizes(const wk_trainer *t, FILE *log);
/* mix_weights.svg / .png (the report shows every PNG of the run): w_G and w_D over the evaluations. */
int wk__mix_write_weights(const wk_gan_metrics *m, size_t n, const char *dir);
void wk__mix_metrics_from_json(const wk_json *o, wk_gan_metrics *m);
int wk__load_state(wk_trainer *t, const wk_safetensors *f);

#endif
