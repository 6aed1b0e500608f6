/* data_parallel.c — data shards and data-parallel training (issue 16).
 *
 * The batch of B rows is drawn as K = data_shards equal shards: at every draw one word of the
 * shared stream (r_batch, r_latent, r_lip: the same on every rank) seeds shard s's own stream,
 * from which shard s alone is drawn (file data: shard s takes its rows of the shared epoch
 * order). Under data_parallel, rank r of K computes shard r only; a single process with
 * data_shards K computes all of them in one batch, so both see the same B rows and, since
 * every loss is a mean over rows (the MIX+GAN payoff is linear in those means), the mean of
 * the ranks' gradients is the single process's gradient up to float rounding.
 *
 * The gradients of one update are averaged by one fused all-reduce: the hook of the first
 * optimizer stepped in each phase (opt_d for the critic step, opt_g for the generator step)
 * packs every gradient of that phase (all MIX+GAN components and the mixture logits), the
 * running statistics of every batch-norm layer and the phase's loss into one buffer, reduces it
 * and unpacks it; the other optimizers of the phase then step on gradients already averaged.
 * Every rank applies the same update to the same weights (same build, same threads), so the
 * weights, optimizer state and Lipschitz state (Björck, spectral u) stay identical without
 * ever being sent; wk__dp_check_same verifies that by hash at each checkpoint.
 *
 * Batch norm: each rank normalises with its own shard's statistics (as PyTorch DDP without
 * SyncBatchNorm), so a batch-norm network is not the single-process model at batch B; its
 * running mean is averaged exactly, its running variance is the mean of the shards' variances
 * (without the spread of the shard means). */
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"

typedef struct {
    float *p;
    int64_t n;
} seg;

typedef struct {
    seg *segs;
    int n_segs, cap;
    double *loss; /* the phase's logged loss, averaged with the gradients */
    float *buf;
    int64_t n;
    const char *what;
    double timeout;
} phase;

struct wk__dp {
    phase critic, gen;
};

wk_rng wk__shard_rng(uint64_t key, int s) {
    wk_rng r;
    wk_rng_seed(&r, key ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(s + 1)));
    return r;
}

int wk__dp_lead(const wk_trainer *t) { return !t->cfg.data_parallel || wk_dist_rank() == 0; }

static int seg_add(phase *ph, float *p, int64_t n) {
    if (ph->n_segs == ph->cap) {
        int cap = ph->cap ? 2 * ph->cap : 64;
        seg *s = wk_realloc(ph->segs, (size_t)cap * sizeof *s);
        if (!s) return WK_ENOMEM;
        ph->segs = s, ph->cap = cap;
    }
    ph->segs[ph->n_segs++] = (seg){p, n};
    ph->n += n;
    return WK_OK;
}

static int add_grads(phase *ph, const wk_optimizer *o) {
    int rc = WK_OK;
    for (int i = 0; !rc && i < o->n_params; i++) rc = seg_add(ph, o->params[i]->grad.data, o->params[i]->grad.numel);
    return rc;
}

static int add_bn(phase *ph, wk_model *m) {
    int rc = WK_OK;
    for (int i = 0; !rc && i < m->n_layers; i++)
        if (m->layers[i].kind == WK_LAYER_BATCHNORM) {
            rc = seg_add(ph, m->layers[i].running_mean.data, m->layers[i].running_mean.numel);
            if (!rc) rc = seg_add(ph, m->layers[i].running_var.data, m->layers[i].running_var.numel);
        }
    return rc;
}

static int reduce(wk_param **params, int n, void *ctx) {
    (void)params, (void)n; /* the phase knows every tensor it averages */
    phase *ph = ctx;
    float *b = ph->buf;
    int64_t o = 0;
    for (int i = 0; i < ph->n_segs; i++) memcpy(b + o, ph->segs[i].p, (size_t)ph->segs[i].n * sizeof(float)), o += ph->segs[i].n;
    b[o] = (float)*ph->loss;
    int rc = wk_dist_allreduce_mean(b, ph->n + 1, ph->timeout, ph->what);
    if (rc) return rc;
    o = 0;
    for (int i = 0; i < ph->n_segs; i++) memcpy(ph->segs[i].p, b + o, (size_t)ph->segs[i].n * sizeof(float)), o += ph->segs[i].n;
    *ph->loss = b[o];
    return WK_OK;
}

/* The gradients of one family (critics or generators), its mixture logits, and the batch-norm
 * statistics of every network (both families run forward passes in training mode in both
 * phases). The buffer is allocated here, once: a step allocates nothing. */
static int phase_build(wk_trainer *t, phase *ph, int critic) {
    int rc = WK_OK;
    for (int i = 0; !rc && i < t->T; i++) rc = add_grads(ph, critic ? WK_MIX_OPT_D(t, i) : WK_MIX_OPT_G(t, i));
    if (!rc && t->T > 1) rc = add_grads(ph, critic ? &t->opt_wd : &t->opt_wg);
    for (int i = 0; !rc && i < t->T; i++)
        if (!(rc = add_bn(ph, WK_MIX_GEN(t, i)))) rc = add_bn(ph, WK_MIX_CRITIC(t, i));
    if (rc) return rc;
    if (!(ph->buf = wk_malloc((size_t)(ph->n + 1) * sizeof(float)))) return WK_ENOMEM;
    ph->loss = critic ? &t->loss_d : &t->loss_g;
    ph->what = critic ? "the critic's gradient all-reduce" : "the generator's gradient all-reduce";
    ph->timeout = t->cfg.dist_timeout;
    wk_optimizer *first = critic ? &t->opt_d : &t->opt_g; /* the first one each step function steps */
    first->grad_reduce = reduce;
    first->grad_reduce_ctx = ph;
    return WK_OK;
}

int wk__dp_setup(wk_trainer *t) {
    const wk_gan_config *c = &t->cfg;
    int K = c->data_shards;
    if (K < 1 || c->batch % K) return wk_errorf(WK_EINVAL, "batch %lld does not divide into %d shards", (long long)c->batch, K);
    t->shard_rows = c->batch / K;
    t->shard_lo = 0, t->shard_hi = K;
    if (c->data_parallel) {
        int size = wk_dist_size(), rank = wk_dist_rank();
        if (size != K)
            return wk_errorf(WK_EINVAL, "data_parallel: data_shards is %d but the job has %d rank%s (data_shards must be the rank count)",
                             K, size, size > 1 ? "s" : "");
        t->shard_lo = rank, t->shard_hi = rank + 1;
        if (!(t->dp = wk_calloc(1, sizeof *t->dp))) return WK_ENOMEM;
        int rc = phase_build(t, &t->dp->critic, 1);
        if (!rc) rc = phase_build(t, &t->dp->gen, 0);
        if (rc) return rc;
    }
    t->rows = t->shard_rows * (t->shard_hi - t->shard_lo);
    return WK_OK;
}

void wk__dp_free(wk_trainer *t) {
    if (!t->dp) return;
    phase *ph[2] = {&t->dp->critic, &t->dp->gen};
    for (int i = 0; i < 2; i++) wk_free(ph[i]->segs), wk_free(ph[i]->buf);
    wk_free(t->dp);
    t->dp = NULL;
}

wk_var *wk__penalty(wk_trainer *t, wk_lipschitz *lip, wk_graph *g, wk_var *real, wk_var *fake) {
    if (t->cfg.data_shards == 1 || lip->cfg.method != WK_LIP_GP) return wk_lipschitz_penalty(lip, g, real, fake, &t->r_lip);
    if (!real || !fake) return NULL;
    int64_t n = t->rows;
    float *alpha = wk_input_data(wk_input_empty(g, 1, &n, 0));
    if (!alpha) return NULL;
    uint64_t key = wk_rng_u64(&t->r_lip);
    for (int s = t->shard_lo; s < t->shard_hi; s++) {
        wk_rng r = wk__shard_rng(key, s);
        float *a = alpha + (s - t->shard_lo) * t->shard_rows;
        for (int64_t i = 0; i < t->shard_rows; i++) a[i] = wk_rng_uniform(&r);
    }
    return wk_gradient_penalty(g, lip->critic, real, fake, alpha, lip->cfg.gp_lambda, lip->cfg.gp_one_sided);
}

static uint64_t hash_opt(wk_optimizer *o, uint64_t h) {
    for (int i = 0; i < o->n_params; i++) {
        h = wk_dist_hash(o->params[i]->value.data, (size_t)o->params[i]->value.numel * sizeof(float), h);
        for (int s = 0; s < 3; s++) {
            wk_tensor *st = wk_optim_state_tensor(o, s, i);
            if (st) h = wk_dist_hash(st->data, (size_t)st->numel * sizeof(float), h);
        }
    }
    return wk_dist_hash(&o->step, sizeof o->step, h);
}

int wk__dp_check_same(wk_trainer *t) {
    if (!t->dp || wk_dist_size() == 1) return WK_OK;
    uint64_t h = 0;
    for (int i = 0; i < t->T; i++) h = hash_opt(WK_MIX_OPT_G(t, i), hash_opt(WK_MIX_OPT_D(t, i), h));
    if (t->T > 1) h = hash_opt(&t->opt_wg, hash_opt(&t->opt_wd, h));
    int other, rc = wk_dist_same_hash(h, &other, t->cfg.dist_timeout, "the weight check before a checkpoint");
    if (rc) return rc;
    if (other >= 0)
        return wk_errorf(WK_EINTERNAL, "step %lld: rank %d's weights or optimizer state differ from rank 0's: the ranks diverged "
                                       "(every rank must run the same build with the same --threads)", (long long)t->step, other);
    return WK_OK;
}
