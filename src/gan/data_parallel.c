/* data_parallel.c — data shards and data-parallel training (issue 16).
 *
 * The batch of B rows is drawn as K = data_shards equal shards: at every draw one word of the
 * shared stream (r_batch, r_latent, r_lip: the same on every rank) seeds shard s's own stream,
 * from which shard s alone is drawn (file data: shard s takes its rows of the shared epoch
 * order). Under data_parallel, rank r of K computes shard r only; a single process with
 * data_shards K computes them as K passes of B/K rows (the same products as the ranks'),
 * summing their gradients in shard order and scaling by 1/K as the all-reduce does
 * (wk__accumulate). Every loss is a mean over rows (the MIX+GAN payoff is linear in those
 * means), so the mean of the shards' gradients is the gradient at batch B; the two ways give
 * the same bits for ranks on one node (wk_dist_allreduce_mean sums in rank order there), and on
 * several nodes for K = 2 (a + b = b + a), for larger K the same up to Open MPI's sum order.
 * data_shards 1 (the default) draws and computes exactly as before shards existed.
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
    int bn; /* batch-norm running statistics (not a gradient) */
} seg;

typedef struct {
    seg *segs;
    int n_segs, cap;
    double *loss; /* the phase's logged loss, averaged with the gradients */
    float *buf, *acc, *snap; /* the packed buffer; a single process's sum over its shards; BN state before them */
    int64_t n, n_bn;
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

static int seg_add(phase *ph, float *p, int64_t n, int bn) {
    if (ph->n_segs == ph->cap) {
        int cap = ph->cap ? 2 * ph->cap : 64;
        seg *s = wk_realloc(ph->segs, (size_t)cap * sizeof *s);
        if (!s) return WK_ENOMEM;
        ph->segs = s, ph->cap = cap;
    }
    ph->segs[ph->n_segs++] = (seg){p, n, bn};
    ph->n += n;
    if (bn) ph->n_bn += n;
    return WK_OK;
}

static int add_grads(phase *ph, const wk_optimizer *o) {
    int rc = WK_OK;
    for (int i = 0; !rc && i < o->n_params; i++) rc = seg_add(ph, o->params[i]->grad.data, o->params[i]->grad.numel, 0);
    return rc;
}

static int add_bn(phase *ph, wk_model *m) {
    int rc = WK_OK;
    for (int i = 0; !rc && i < m->n_layers; i++)
        if (m->layers[i].kind == WK_LAYER_BATCHNORM) {
            rc = seg_add(ph, m->layers[i].running_mean.data, m->layers[i].running_mean.numel, 1);
            if (!rc) rc = seg_add(ph, m->layers[i].running_var.data, m->layers[i].running_var.numel, 1);
        }
    return rc;
}

static void pack(const phase *ph, float *b) {
    int64_t o = 0;
    for (int i = 0; i < ph->n_segs; i++) memcpy(b + o, ph->segs[i].p, (size_t)ph->segs[i].n * sizeof(float)), o += ph->segs[i].n;
    b[o] = (float)*ph->loss;
}

static void unpack(const phase *ph, const float *b) {
    int64_t o = 0;
    for (int i = 0; i < ph->n_segs; i++) memcpy(ph->segs[i].p, b + o, (size_t)ph->segs[i].n * sizeof(float)), o += ph->segs[i].n;
    *ph->loss = b[o];
}

/* wk_dist_allreduce_mean_packed packs straight into the shared window and unpacks from it */
static void pack_cb(float *dst, void *ctx) { pack(ctx, dst); }
static void unpack_cb(const float *src, void *ctx) { unpack(ctx, src); }

/* The batch-norm statistics to (restore 0) or from (restore 1) the snapshot. */
static void bn_state(const phase *ph, int restore) {
    int64_t o = 0;
    for (int i = 0; i < ph->n_segs; i++)
        if (ph->segs[i].bn) {
            size_t bytes = (size_t)ph->segs[i].n * sizeof(float);
            restore ? memcpy(ph->segs[i].p, ph->snap + o, bytes) : memcpy(ph->snap + o, ph->segs[i].p, bytes);
            o += ph->segs[i].n;
        }
}

static int reduce(wk_param **params, int n, void *ctx) {
    (void)params, (void)n; /* the phase knows every tensor it averages */
    phase *ph = ctx;
    return wk_dist_allreduce_mean_packed(ph->buf, ph->n + 1, pack_cb, unpack_cb, ph, ph->timeout, ph->what);
}

int wk__passes(const wk_trainer *t) { return t->shard_hi - t->shard_lo > 1 ? t->shard_hi - t->shard_lo : 1; }

/* The K ranks' all-reduce, in one process: the sum in shard order (what wk_dist_allreduce_mean
 * gives on one node, and MPI_SUM for two ranks), then times 1/K, the same float operations, so
 * K ranks and one process with K shards end bit-identical. Each shard's pass starts from
 * the batch-norm statistics before the first, as each rank's does. pass -1: before the first. */
void wk__accumulate(wk_trainer *t, int critic, int pass, int n_pass) {
    phase *ph = critic ? &t->dp->critic : &t->dp->gen;
    if (pass < 0) {
        bn_state(ph, 0);
        return;
    }
    pack(ph, pass ? ph->buf : ph->acc);
    if (pass)
        for (int64_t i = 0; i <= ph->n; i++) ph->acc[i] += ph->buf[i];
    if (pass < n_pass - 1) {
        bn_state(ph, 1);
        return;
    }
    const float inv = 1.0f / (float)n_pass;
    for (int64_t i = 0; i <= ph->n; i++) ph->acc[i] *= inv;
    unpack(ph, ph->acc);
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
    if (!(ph->buf = wk_malloc((size_t)(ph->n + 1) * sizeof(float))) || !(ph->acc = wk_malloc((size_t)(ph->n + 1) * sizeof(float))) ||
        !(ph->snap = wk_malloc((size_t)(ph->n_bn + 1) * sizeof(float))))
        return WK_ENOMEM;
    ph->loss = critic ? &t->loss_d : &t->loss_g;
    ph->what = critic ? "the critic's gradient all-reduce" : "the generator's gradient all-reduce";
    ph->timeout = t->cfg.dist_timeout;
    if (t->cfg.data_parallel) { /* the first optimizer each step function steps */
        wk_optimizer *first = critic ? &t->opt_d : &t->opt_g;
        first->grad_reduce = reduce;
        first->grad_reduce_ctx = ph;
    }
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
    }
    t->rows = t->shard_rows * (t->shard_hi - t->shard_lo);
    if (!(t->x_buf = wk_malloc((size_t)(t->rows * t->dim) * sizeof(float))) ||
        !(t->z_buf = wk_malloc((size_t)(t->T * t->rows * c->latent_dim) * sizeof(float))))
        return WK_ENOMEM;
    if (K > 1) {
        if (!(t->dp = wk_calloc(1, sizeof *t->dp))) return WK_ENOMEM;
        int rc = phase_build(t, &t->dp->critic, 1);
        if (!rc) rc = phase_build(t, &t->dp->gen, 0);
        if (rc) return rc;
    }
    return WK_OK;
}

void wk__dp_free(wk_trainer *t) {
    wk_free(t->x_buf), wk_free(t->z_buf);
    t->x_buf = t->z_buf = NULL;
    if (!t->dp) return;
    phase *ph[2] = {&t->dp->critic, &t->dp->gen};
    for (int i = 0; i < 2; i++) wk_free(ph[i]->segs), wk_free(ph[i]->buf), wk_free(ph[i]->acc), wk_free(ph[i]->snap);
    wk_free(t->dp);
    t->dp = NULL;
}

uint64_t wk__penalty_key(wk_trainer *t) { return t->cfg.data_shards > 1 ? wk_rng_u64(&t->r_lip) : 0; }

wk_var *wk__penalty(wk_trainer *t, wk_lipschitz *lip, wk_graph *g, wk_var *real, wk_var *fake, uint64_t key, int lo, int hi) {
    if (t->cfg.data_shards == 1 || lip->cfg.method != WK_LIP_GP) return wk_lipschitz_penalty(lip, g, real, fake, &t->r_lip);
    if (!real || !fake) return NULL;
    int64_t n = t->shard_rows * (hi - lo);
    float *alpha = wk_input_data(wk_input_empty(g, 1, &n, 0));
    if (!alpha) return NULL;
    for (int s = lo; s < hi; s++) {
        wk_rng r = wk__shard_rng(key, s);
        float *a = alpha + (s - lo) * t->shard_rows;
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
    if (!t->cfg.data_parallel || wk_dist_size() == 1) return WK_OK;
    uint64_t h = 0;
    for (int i = 0; i < t->T; i++) h = hash_opt(WK_MIX_OPT_G(t, i), hash_opt(WK_MIX_OPT_D(t, i), h));
    if (t->T > 1) h = hash_opt(&t->opt_wg, hash_opt(&t->opt_wd, h));
    int other, rc = wk_dist_same_hash(h, &other, t->cfg.dist_timeout, "the weight check before a checkpoint");
    if (rc) return rc;
    if (other >= 0)
        return wk_errorf(WK_EINTERNAL, "step %lld: rank %d's weights or optimizer state differ from rank 0's: the ranks diverged "
                                       "(every rank must run the same build with the same threads setting; this rank runs threads=%d)", (long long)t->step,
                         other, t->cfg.threads);
    return WK_OK;
}
