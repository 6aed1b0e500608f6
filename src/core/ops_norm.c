/* ops_norm.c — batch norm, layer norm, log-softmax and cross-entropy.
 *
 * Training-mode batch norm is one fused op: its forward keeps only the per-channel mean and
 * 1/σ, and its fast backward is the closed form (Ioffe & Szegedy 2015, §3)
 *     dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)),  dγ = Σ dy · x̂,  dβ = Σ dy,
 * so a DCGAN generator's step stores one buffer per batch-norm layer instead of ten. Its vjp
 * writes the same closed form with ops (x̂ and 1/σ recomputed from x by `normalise`), so second
 * derivatives stay exact. The rest are composed from the primitive ops: a few extra passes over
 * memory, a correct fast backward and second derivative for free. */
#include "core/graph_internal.h"

#include <math.h>
#include <string.h>

/* Normalise x over the axes that `stat_shape` keeps as 1: (x - mean) / sqrt(var + eps), with
 * biased variance (as PyTorch's normalisation). Returns the normalised node and, when asked,
 * the 1/sqrt(var + eps) node (shaped stat_shape). */
static wk_var *normalise(wk_graph *g, wk_var *x, int nd, const int64_t *stat_shape, double count, float eps,
                         wk_var **inv_std) {
    wk_var *mean = wk_mul_scalar(g, wk_sum_to(g, x, nd, stat_shape), (float)(1.0 / count));
    wk_var *xc = wk_sub(g, x, mean);
    wk_var *var = wk_mul_scalar(g, wk_sum_to(g, wk_square(g, xc), nd, stat_shape), (float)(1.0 / count));
    wk_var *inv = wk_pow_scalar(g, wk_add_scalar(g, var, eps), -0.5f);
    if (inv_std) *inv_std = inv;
    return wk_mul(g, xc, inv);
}

/* ---- fused training-mode batch norm: in = {x, gamma, beta}; saved = mean[C], inv_std[C] ----
 * x is [N, C] or [N, C, H, W]; a channel's values are x[n, c, l], l < L (L = H·W or 1). */
typedef struct {
    int64_t N, C, L;
} bn_geom;

static bn_geom bn_dims(const wk_var *x) {
    bn_geom d = {x->value.shape[0], x->value.shape[1], 1};
    if (x->value.ndim == 4) d.L = x->value.shape[2] * x->value.shape[3];
    return d;
}

/* Channel sums in double over N rows of L floats: BN_LANES running partial sums over the whole
 * channel, added up once at its end (a reduction at the end of each row cost more than the
 * row's additions for the 7×7 and 14×14 rows of a DCGAN). Element l of a row goes to lane
 * l mod BN_LANES, in row order. */
#define BN_LANES 8
/* [N, C] input (L = 1): a channel is a column, one value a row; walking a column for each
 * channel spends the time on loop control, so these walk the rows over BN_BLOCK channels at
 * once, with one running sum per channel (each channel's additions in row order, as the
 * per-channel loop makes them for L = 1: lane 0 only). */
#define BN_BLOCK 64
static double lanes_total(const double *acc) {
    double s4[4];
    for (int j = 0; j < 4; j++) s4[j] = acc[j] + acc[j + 4];
    return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

static void bn_backward(wk_graph *g, wk_var *v) {
    const wk_var *x = v->in[0], *gamma = v->in[1];
    bn_geom d = bn_dims(x);
    const float *mean = v->saved, *inv = mean + d.C, *gy = v->grad, *xs = x->value.data;
    float *gx = wk__gin(g, v, 0), *gg = wk__gin(g, v, 1), *gb = wk__gin(g, v, 2);
    const double count = (double)(d.N * d.L);
    if (d.L == 1) { /* [N, C]: the same sums, in the same order, walking rows (BN_BLOCK) */
#pragma omp parallel for if (d.N * d.C > WK_PAR_MIN)
        for (int64_t c0 = 0; c0 < d.C; c0 += BN_BLOCK) {
            const int64_t w = d.C - c0 < BN_BLOCK ? d.C - c0 : BN_BLOCK;
            const float *mc = mean + c0, *ic = inv + c0;
            double a[BN_BLOCK] = {0}, b[BN_BLOCK] = {0};
            for (int64_t n = 0; n < d.N; n++) {
                const float *xr = xs + n * d.C + c0, *gr = gy + n * d.C + c0;
                for (int64_t j = 0; j < w; j++) {
                    a[j] += gr[j];
                    b[j] += (double)gr[j] * ((xr[j] - mc[j]) * ic[j]);
                }
            }
            float scale[BN_BLOCK], mg[BN_BLOCK], mgx[BN_BLOCK];
            for (int64_t j = 0; j < w; j++) {
                if (gg) gg[c0 + j] += (float)b[j];
                if (gb) gb[c0 + j] += (float)a[j];
                scale[j] = gamma->value.data[c0 + j] * ic[j], mg[j] = (float)(a[j] / count), mgx[j] = (float)(b[j] / count);
            }
            for (int64_t n = 0; n < d.N && gx; n++) {
                const float *xr = xs + n * d.C + c0, *gr = gy + n * d.C + c0;
                float *o = gx + n * d.C + c0;
                for (int64_t j = 0; j < w; j++) o[j] += scale[j] * (gr[j] - mg[j] - (xr[j] - mc[j]) * ic[j] * mgx[j]);
            }
        }
        return;
    }
#pragma omp parallel for if (d.N * d.C * d.L > WK_PAR_MIN)
    for (int64_t c = 0; c < d.C; c++) {
        double a[BN_LANES] = {0}, b[BN_LANES] = {0};
        const float mc = mean[c], ic = inv[c];
        for (int64_t n = 0; n < d.N; n++) {
            const float *xr = xs + (n * d.C + c) * d.L, *gr = gy + (n * d.C + c) * d.L;
            int64_t l = 0;
            for (; l + BN_LANES <= d.L; l += BN_LANES)
                for (int j = 0; j < BN_LANES; j++) {
                    a[j] += gr[l + j];
                    b[j] += (double)gr[l + j] * ((xr[l + j] - mc) * ic);
                }
            for (int j = 0; l < d.L; l++, j++) {
                a[j] += gr[l];
                b[j] += (double)gr[l] * ((xr[l] - mc) * ic);
            }
        }
        const double sum_gy = lanes_total(a), sum_gy_xhat = lanes_total(b);
        if (gg) gg[c] += (float)sum_gy_xhat;
        if (gb) gb[c] += (float)sum_gy;
        if (!gx) continue;
        const float scale = gamma->value.data[c] * inv[c], mg = (float)(sum_gy / count),
                    mgx = (float)(sum_gy_xhat / count);
        for (int64_t n = 0; n < d.N; n++) {
            const float *xr = xs + (n * d.C + c) * d.L, *gr = gy + (n * d.C + c) * d.L;
            float *o = gx + (n * d.C + c) * d.L;
            for (int64_t l = 0; l < d.L; l++) o[l] += scale * (gr[l] - mg - (xr[l] - mean[c]) * inv[c] * mgx);
        }
    }
}

static void bn_vjp(wk_graph *g, wk_var *v, wk_var *gy, wk_var **dx) {
    wk_var *x = v->in[0], *gamma = v->in[1];
    bn_geom d = bn_dims(x);
    int nd = x->value.ndim;
    int64_t stat[4] = {1, d.C, 1, 1};
    double count = (double)(d.N * d.L);
    wk_var *inv = NULL, *xhat = normalise(g, x, nd, stat, count, v->fattr[0], &inv);
    if (wk__wants(g, v, 0)) {
        wk_var *gyg = wk_mul(g, gy, wk_reshape(g, gamma, nd, stat));
        wk_var *m1 = wk_mul_scalar(g, wk_sum_to(g, gyg, nd, stat), (float)(1.0 / count));
        wk_var *m2 = wk_mul_scalar(g, wk_sum_to(g, wk_mul(g, gyg, xhat), nd, stat), (float)(1.0 / count));
        dx[0] = wk_mul(g, wk_sub(g, wk_sub(g, gyg, m1), wk_mul(g, xhat, m2)), inv);
    }
    if (wk__wants(g, v, 1))
        dx[1] = wk_reshape(g, wk_sum_to(g, wk_mul(g, gy, xhat), nd, stat), 1, (int64_t[]){d.C});
    if (wk__wants(g, v, 2)) dx[2] = wk_reshape(g, wk_sum_to(g, gy, nd, stat), 1, (int64_t[]){d.C});
}

static const wk_opdef bn_op = {"batch_norm", bn_backward, bn_vjp};

/* y = γ (x − mean) / sqrt(var + eps) + β over the batch's statistics; mean/var (biased) written
 * to m/v. gamma and beta are [C] nodes. */
static wk_var *batch_norm_train(wk_graph *g, wk_var *x, wk_var *gamma, wk_var *beta, float eps, float *m, float *var) {
    bn_geom d = bn_dims(x);
    wk_var *v = wk__node(g, &bn_op, (wk_var *[]){x, gamma, beta}, 3, x->value.ndim, x->value.shape);
    float *saved = v ? wk__alloc(g, (size_t)(2 * d.C) * sizeof(float)) : NULL;
    if (!saved) return NULL;
    v->saved = saved;
    v->fattr[0] = eps;
    float *mean = saved, *inv = saved + d.C, *y = v->value.data;
    const float *xs = x->value.data;
    const double count = (double)(d.N * d.L);
    if (d.L == 1) { /* [N, C]: the same sums, in the same order, walking rows (BN_BLOCK) */
#pragma omp parallel for if (d.N * d.C > WK_PAR_MIN)
        for (int64_t c0 = 0; c0 < d.C; c0 += BN_BLOCK) {
            const int64_t w = d.C - c0 < BN_BLOCK ? d.C - c0 : BN_BLOCK;
            double s1[BN_BLOCK] = {0}, s2[BN_BLOCK] = {0};
            float muf[BN_BLOCK], a[BN_BLOCK];
            for (int64_t n = 0; n < d.N; n++)
                for (int64_t j = 0; j < w; j++) s1[j] += xs[n * d.C + c0 + j];
            for (int64_t j = 0; j < w; j++) muf[j] = (float)(s1[j] / count);
            for (int64_t n = 0; n < d.N; n++)
                for (int64_t j = 0; j < w; j++) {
                    const float dl = xs[n * d.C + c0 + j] - muf[j];
                    s2[j] += (double)dl * dl;
                }
            for (int64_t j = 0; j < w; j++) {
                const int64_t c = c0 + j;
                mean[c] = muf[j];
                var[c] = (float)(s2[j] / count);
                inv[c] = (float)(1.0 / sqrt(s2[j] / count + eps));
                m[c] = mean[c];
                a[j] = gamma->value.data[c] * inv[c];
            }
            const float *bt = beta->value.data + c0;
            for (int64_t n = 0; n < d.N; n++)
                for (int64_t j = 0; j < w; j++) y[n * d.C + c0 + j] = (xs[n * d.C + c0 + j] - muf[j]) * a[j] + bt[j];
        }
        return v;
    }
#pragma omp parallel for if (d.N * d.C * d.L > WK_PAR_MIN)
    for (int64_t c = 0; c < d.C; c++) {
        double acc[BN_LANES] = {0}; /* float rows into double sums: vectorises, no drift over a large batch */
        for (int64_t n = 0; n < d.N; n++) {
            const float *xr = xs + (n * d.C + c) * d.L;
            int64_t l = 0;
            for (; l + BN_LANES <= d.L; l += BN_LANES)
                for (int j = 0; j < BN_LANES; j++) acc[j] += xr[l + j];
            for (int j = 0; l < d.L; l++, j++) acc[j] += xr[l];
        }
        const double mu = lanes_total(acc) / count;
        const float muf = (float)mu;
        for (int j = 0; j < BN_LANES; j++) acc[j] = 0;
        for (int64_t n = 0; n < d.N; n++) { /* two passes: no cancellation in the variance */
            const float *xr = xs + (n * d.C + c) * d.L;
            int64_t l = 0;
            for (; l + BN_LANES <= d.L; l += BN_LANES)
                for (int j = 0; j < BN_LANES; j++) acc[j] += (double)(xr[l + j] - muf) * (xr[l + j] - muf);
            for (int j = 0; l < d.L; l++, j++) acc[j] += (double)(xr[l] - muf) * (xr[l] - muf);
        }
        const double s2 = lanes_total(acc);
        mean[c] = (float)mu;
        var[c] = (float)(s2 / count);
        inv[c] = (float)(1.0 / sqrt(s2 / count + eps));
        m[c] = mean[c];
        const float a = gamma->value.data[c] * inv[c], b = beta->value.data[c];
        for (int64_t n = 0; n < d.N; n++) {
            const float *xr = xs + (n * d.C + c) * d.L;
            float *yr = y + (n * d.C + c) * d.L;
            for (int64_t l = 0; l < d.L; l++) yr[l] = (xr[l] - mean[c]) * a + b;
        }
    }
    return v;
}

wk_var *wk_batch_norm(wk_graph *g, wk_var *x, wk_var *gamma, wk_var *beta, wk_tensor *running_mean,
                      wk_tensor *running_var, int training, float momentum, float eps) {
    if (!x) return wk__null_input(g, "batch_norm");
    int nd = x->value.ndim;
    if (nd != 2 && nd != 4) return wk__fail(g, WK_EINVAL, "batch_norm: want [N, C] or [N, C, H, W], got %s", WK_SHAPE(x));
    int64_t C = x->value.shape[1];
    int64_t stat[4] = {1, C, 1, 1};
    double count = (double)x->value.numel / (double)C;
    if ((gamma && gamma->value.numel != C) || (beta && beta->value.numel != C) ||
        (running_mean && running_mean->numel != C) || (running_var && running_var->numel != C))
        return wk__fail(g, WK_EINVAL, "batch_norm: affine/running tensors must have %lld elements for input %s",
                        (long long)C, WK_SHAPE(x));
    if (training) {
        if (count < 2) return wk__fail(g, WK_EINVAL, "batch_norm: training needs more than one value per channel, got %s", WK_SHAPE(x));
        /* the fused op takes γ and β as nodes: constants 1 and 0 stand in for absent ones */
        if (!gamma) gamma = wk_constant(g, 1, (int64_t[]){C}, 1.0f);
        if (!beta) beta = wk_constant(g, 1, (int64_t[]){C}, 0.0f);
        float *m = wk__alloc(g, (size_t)C * sizeof(float)), *v = wk__alloc(g, (size_t)C * sizeof(float));
        if (!m || !v || !gamma || !beta) return wk__fail(g, WK_ENOMEM, "batch_norm: out of memory");
        wk_var *y = batch_norm_train(g, x, gamma, beta, eps, m, v);
        if (!y) return NULL;
        /* PyTorch's running estimates: momentum-weighted, with the unbiased variance. */
        for (int64_t c = 0; c < C && running_mean && running_var; c++) {
            running_mean->data[c] = (1 - momentum) * running_mean->data[c] + momentum * m[c];
            running_var->data[c] = (1 - momentum) * running_var->data[c] + momentum * v[c] * (float)(count / (count - 1));
        }
        return y;
    }
    if (!running_mean || !running_var) return wk__fail(g, WK_EINVAL, "batch_norm: eval mode needs running statistics");
    wk_var *rm = wk_input_empty(g, nd, stat, 0), *rs = wk_input_empty(g, nd, stat, 0);
    if (!rm || !rs) return NULL;
    for (int64_t c = 0; c < C; c++) {
        rm->value.data[c] = running_mean->data[c];
        rs->value.data[c] = 1.0f / sqrtf(running_var->data[c] + eps);
    }
    wk_var *y = wk_mul(g, wk_sub(g, x, rm), rs);
    if (gamma) y = wk_mul(g, y, wk_reshape(g, gamma, nd, stat));
    if (beta) y = wk_add(g, y, wk_reshape(g, beta, nd, stat));
    return y;
}

wk_var *wk_layer_norm(wk_graph *g, wk_var *x, int n_axes, wk_var *gamma, wk_var *beta, float eps) {
    if (!x) return wk__null_input(g, "layer_norm");
    int nd = x->value.ndim;
    if (n_axes < 1 || n_axes >= nd)
        return wk__fail(g, WK_EINVAL, "layer_norm: cannot normalise the last %d axes of %s", n_axes, WK_SHAPE(x));
    int64_t rows = 1, cols = 1;
    for (int d = 0; d < nd - n_axes; d++) rows *= x->value.shape[d];
    for (int d = nd - n_axes; d < nd; d++) cols *= x->value.shape[d];
    if ((gamma && gamma->value.numel != cols) || (beta && beta->value.numel != cols))
        return wk__fail(g, WK_EINVAL, "layer_norm: gamma/beta must have %lld elements for input %s",
                        (long long)cols, WK_SHAPE(x));
    wk_var *x2 = wk_reshape(g, x, 2, (int64_t[]){rows, cols});
    wk_var *y = normalise(g, x2, 2, (int64_t[]){rows, 1}, (double)cols, eps, NULL);
    if (gamma) y = wk_mul(g, y, wk_reshape(g, gamma, 2, (int64_t[]){1, cols}));
    if (beta) y = wk_add(g, y, wk_reshape(g, beta, 2, (int64_t[]){1, cols}));
    return wk_reshape(g, y, nd, x->value.shape);
}

wk_var *wk_log_softmax(wk_graph *g, wk_var *x) {
    if (!x) return wk__null_input(g, "log_softmax");
    if (x->value.ndim != 2) return wk__fail(g, WK_EINVAL, "log_softmax: want [N, K], got %s", WK_SHAPE(x));
    int64_t N = x->value.shape[0], K = x->value.shape[1];
    /* Subtract the row max (a constant: it cancels in the result) for stability. */
    wk_var *m = wk_input_empty(g, 2, (int64_t[]){N, 1}, 0);
    if (!m) return NULL;
    for (int64_t i = 0; i < N; i++) {
        float mx = -INFINITY;
        for (int64_t j = 0; j < K; j++) mx = fmaxf(mx, x->value.data[i * K + j]);
        m->value.data[i] = isfinite(mx) ? mx : 0.0f;
    }
    wk_var *z = wk_sub(g, x, m);
    return wk_sub(g, z, wk_log(g, wk_sum(g, wk_exp(g, z), 1, 1)));
}

wk_var *wk_cross_entropy(wk_graph *g, wk_var *logits, const int64_t *labels) {
    wk_var *lp = wk_log_softmax(g, logits);
    if (!lp) return NULL;
    int64_t N = lp->value.shape[0], K = lp->value.shape[1];
    wk_var *onehot = wk_constant(g, 2, (int64_t[]){N, K}, 0.0f);
    if (!onehot) return NULL;
    for (int64_t i = 0; i < N; i++) {
        if (labels[i] < 0 || labels[i] >= K)
            return wk__fail(g, WK_EINVAL, "cross_entropy: label %lld of row %lld outside [0, %lld)",
                            (long long)labels[i], (long long)i, (long long)K);
        onehot->value.data[i * K + labels[i]] = 1.0f;
    }
    return wk_mul_scalar(g, wk_sum(g, wk_mul(g, lp, onehot), WK_ALL_AXES, 0), (float)(-1.0 / (double)N));
}
