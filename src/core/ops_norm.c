/* ops_norm.c — batch norm, layer norm, log-softmax and cross-entropy, composed from the
 * primitive ops. Composition costs a few extra passes over memory but gives every one of
 * them a correct fast backward and a correct second derivative for free. */
#include "core/graph_internal.h"

#include <math.h>
#include <string.h>

/* Normalise x over the axes that `stat_shape` keeps as 1 (x - mean) / sqrt(var + eps), with
 * biased variance (as PyTorch's normalisation). Returns the normalised node; mean/var values
 * are written to mean_out/var_out (count elements each) when given. */
static wk_var *normalise(wk_graph *g, wk_var *x, int nd, const int64_t *stat_shape, double count, float eps,
                         float *mean_out, float *var_out) {
    wk_var *mean = wk_mul_scalar(g, wk_sum_to(g, x, nd, stat_shape), (float)(1.0 / count));
    wk_var *xc = wk_sub(g, x, mean);
    wk_var *var = wk_mul_scalar(g, wk_sum_to(g, wk_square(g, xc), nd, stat_shape), (float)(1.0 / count));
    if (!var) return NULL;
    if (mean_out) memcpy(mean_out, mean->value.data, (size_t)mean->value.numel * sizeof(float));
    if (var_out) memcpy(var_out, var->value.data, (size_t)var->value.numel * sizeof(float));
    return wk_mul(g, xc, wk_pow_scalar(g, wk_add_scalar(g, var, eps), -0.5f));
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
    wk_var *y;
    if (training) {
        if (count < 2) return wk__fail(g, WK_EINVAL, "batch_norm: training needs more than one value per channel, got %s", WK_SHAPE(x));
        float *m = wk__alloc(g, (size_t)C * sizeof(float)), *v = wk__alloc(g, (size_t)C * sizeof(float));
        if (!m || !v) return wk__fail(g, WK_ENOMEM, "batch_norm: out of memory");
        y = normalise(g, x, nd, stat, count, eps, m, v);
        if (!y) return NULL;
        /* PyTorch's running estimates: momentum-weighted, with the unbiased variance. */
        for (int64_t c = 0; c < C && running_mean && running_var; c++) {
            running_mean->data[c] = (1 - momentum) * running_mean->data[c] + momentum * m[c];
            running_var->data[c] = (1 - momentum) * running_var->data[c] + momentum * v[c] * (float)(count / (count - 1));
        }
    } else {
        if (!running_mean || !running_var) return wk__fail(g, WK_EINVAL, "batch_norm: eval mode needs running statistics");
        wk_var *rm = wk_input_empty(g, nd, stat, 0), *rs = wk_input_empty(g, nd, stat, 0);
        if (!rm || !rs) return NULL;
        for (int64_t c = 0; c < C; c++) {
            rm->value.data[c] = running_mean->data[c];
            rs->value.data[c] = 1.0f / sqrtf(running_var->data[c] + eps);
        }
        y = wk_mul(g, wk_sub(g, x, rm), rs);
    }
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
    wk_var *y = normalise(g, x2, 2, (int64_t[]){rows, 1}, (double)cols, eps, NULL, NULL);
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
