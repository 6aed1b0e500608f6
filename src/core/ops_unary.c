/* ops_unary.c — element-wise functions of one tensor (activations, exp/log, powers, scalar
 * affine maps) and the derivative masks their vjps are built from.
 *
 * One table drives every kind: `f` computes y from x, `df` the local derivative dy/dx from x
 * and y (fast backward: gx += gout·df), and vjp() spells the same derivative out of ops so
 * it can be differentiated again. Mask kinds (relu_mask, sign, ...) are piecewise constant:
 * they create nodes that need no gradient. */
#include "core/graph_internal.h"

#include <math.h>

enum {
    U_SQUARE, U_SQRT, U_EXP, U_LOG, U_ABS, U_RELU, U_LEAKY, U_TANH, U_SIGMOID, U_SOFTPLUS,
    U_AFFINE, U_POW, U_CLAMP,
    /* piecewise-constant derivative masks: no gradient */
    U_RELU_MASK, U_LEAKY_MASK, U_SIGN, U_CLAMP_MASK, U_COUNT
};


static inline float f(int k, float x, const float *p) {
    switch (k) {
    case U_SQUARE: return x * x;
    case U_SQRT: return sqrtf(x);
    case U_EXP: return expf(x);
    case U_LOG: return logf(x);
    case U_ABS: return fabsf(x);
    case U_RELU: return x > 0 ? x : 0;
    case U_LEAKY: return x > 0 ? x : p[0] * x;
    case U_TANH: return tanhf(x);
    case U_SIGMOID: return x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x));
    case U_SOFTPLUS: return fmaxf(x, 0) + log1pf(expf(-fabsf(x))); /* stable log(1+e^x) */
    case U_AFFINE: return p[0] * x + p[1];
    case U_POW: return powf(x, p[0]);
    case U_CLAMP: return fminf(fmaxf(x, p[0]), p[1]);
    case U_RELU_MASK: return x > 0 ? 1.0f : 0.0f;
    case U_LEAKY_MASK: return x > 0 ? 1.0f : p[0];
    case U_SIGN: return (float)((x > 0) - (x < 0));
    case U_CLAMP_MASK: return x >= p[0] && x <= p[1] ? 1.0f : 0.0f;
    default: return 0;
    }
}

/* dy/dx in terms of x and y. */
static inline float df(int k, float x, float y, const float *p) {
    switch (k) {
    case U_SQUARE: return 2 * x;
    case U_SQRT: return 0.5f / y;
    case U_EXP: return y;
    case U_LOG: return 1 / x;
    case U_ABS: return (float)((x > 0) - (x < 0));
    case U_RELU: return x > 0 ? 1.0f : 0.0f;
    case U_LEAKY: return x > 0 ? 1.0f : p[0];
    case U_TANH: return 1 - y * y;
    case U_SIGMOID: return y * (1 - y);
    case U_SOFTPLUS: return f(U_SIGMOID, x, p);
    case U_AFFINE: return p[0];
    case U_POW: return p[0] * powf(x, p[0] - 1);
    case U_CLAMP: return x >= p[0] && x <= p[1] ? 1.0f : 0.0f;
    default: return 0;
    }
}

/* The kind is fixed for a whole tensor: dispatch once, outside the loop, so that each loop
 * body is a single expression the compiler can vectorise. */
#define CASE_LOOP(K, BODY)                                              \
    case K: {                                                           \
        _Pragma("omp parallel for simd if (n > WK_PAR_MIN)")             \
        for (int64_t i = 0; i < n; i++) BODY;                           \
        break;                                                          \
    }

static void apply_forward(int k, const float *restrict x, float *restrict y, int64_t n, const float *p) {
    const float p0 = p[0], p1 = p[1];
    switch (k) {
        CASE_LOOP(U_SQUARE, y[i] = x[i] * x[i])
        CASE_LOOP(U_RELU, y[i] = x[i] > 0 ? x[i] : 0.0f)
        CASE_LOOP(U_LEAKY, y[i] = x[i] > 0 ? x[i] : p0 * x[i])
        CASE_LOOP(U_AFFINE, y[i] = p0 * x[i] + p1)
        CASE_LOOP(U_RELU_MASK, y[i] = x[i] > 0 ? 1.0f : 0.0f)
        CASE_LOOP(U_LEAKY_MASK, y[i] = x[i] > 0 ? 1.0f : p0)
        CASE_LOOP(U_CLAMP, y[i] = fminf(fmaxf(x[i], p0), p1))
    default: /* tanh, exp, ...: libm per element, so the split pays from fewer elements */
#pragma omp parallel for if (n > WK_PAR_MIN / 8)
        for (int64_t i = 0; i < n; i++) y[i] = f(k, x[i], p);
    }
}

/* gx = or += EXPR: a gradient buffer on its first use in the pass is written (wk__gin_raw),
 * one pass fewer over it than zeroing it and adding. */
#define CASE_GRAD(K, EXPR)                  \
    case K:                                 \
        WK_GRAD_LOOP(fresh, gx, n, EXPR);   \
        break;

static void apply_backward(int k, const float *restrict x, const float *restrict y, const float *restrict go,
                           float *restrict gx, int64_t n, const float *p, int fresh) {
    const float p0 = p[0];
    switch (k) {
        CASE_GRAD(U_SQUARE, go[i] * 2.0f * x[i])
        CASE_GRAD(U_RELU, x[i] > 0 ? go[i] : 0.0f)
        CASE_GRAD(U_LEAKY, x[i] > 0 ? go[i] : p0 * go[i])
        CASE_GRAD(U_AFFINE, p0 * go[i])
        CASE_GRAD(U_TANH, go[i] * (1.0f - y[i] * y[i]))
        CASE_GRAD(U_SIGMOID, go[i] * y[i] * (1.0f - y[i]))
        CASE_GRAD(U_EXP, go[i] * y[i])
    default:
#pragma omp parallel for if (n > WK_PAR_MIN / 8)
        for (int64_t i = 0; i < n; i++) gx[i] = (fresh ? 0.0f : gx[i]) + go[i] * df(k, x[i], y[i], p);
    }
}
#undef CASE_LOOP
#undef CASE_GRAD

static void backward(wk_graph *g, wk_var *v) {
    int fresh;
    float *gx = wk__gin_raw(g, v, 0, &fresh);
    if (!gx) return;
    apply_backward(v->iattr[0], v->in[0]->value.data, v->value.data, v->grad, gx, v->value.numel, v->fattr, fresh);
}

static wk_var *unary(wk_graph *g, int k, wk_var *x, float p0, float p1);

static void vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    wk_var *x = v->in[0];
    const float *p = v->fattr;
    wk_var *d; /* local derivative as a node */
    switch (v->iattr[0]) {
    case U_SQUARE: d = wk_mul_scalar(g, x, 2); break;
    case U_SQRT: d = wk_pow_scalar(g, v, -1); d = wk_mul_scalar(g, d, 0.5f); break;
    case U_EXP: d = v; break;
    case U_LOG: dx[0] = wk_div(g, go, x); return;
    case U_ABS: d = unary(g, U_SIGN, x, 0, 0); break;
    case U_RELU: d = unary(g, U_RELU_MASK, x, 0, 0); break;
    case U_LEAKY: d = unary(g, U_LEAKY_MASK, x, p[0], 0); break;
    case U_TANH: d = wk_affine_scalar(g, wk_square(g, v), -1, 1); break;
    case U_SIGMOID: d = wk_mul(g, v, wk_affine_scalar(g, v, -1, 1)); break;
    case U_SOFTPLUS: d = wk_sigmoid(g, x); break;
    case U_AFFINE: dx[0] = wk_mul_scalar(g, go, p[0]); return;
    case U_POW: d = wk_mul_scalar(g, wk_pow_scalar(g, x, p[0] - 1), p[0]); break;
    case U_CLAMP: d = unary(g, U_CLAMP_MASK, x, p[0], p[1]); break;
    default: return;
    }
    dx[0] = wk_mul(g, go, d);
}

#define OPDEF(k) {#k, backward, vjp}
static const wk_opdef unary_ops[U_COUNT] = {
    OPDEF(square), OPDEF(sqrt), OPDEF(exp), OPDEF(log), OPDEF(abs), OPDEF(relu),
    OPDEF(leaky_relu), OPDEF(tanh), OPDEF(sigmoid), OPDEF(softplus), OPDEF(affine), OPDEF(pow),
    OPDEF(clamp), OPDEF(relu_mask), OPDEF(leaky_mask), OPDEF(sign), OPDEF(clamp_mask)};
#undef OPDEF

static wk_var *unary(wk_graph *g, int k, wk_var *x, float p0, float p1) {
    if (!x) return wk__null_input(g, unary_ops[k].name);
    wk_var *v = wk__node(g, &unary_ops[k], &x, 1, x->value.ndim, x->value.shape);
    if (!v) return NULL;
    v->iattr[0] = k;
    v->fattr[0] = p0;
    v->fattr[1] = p1;
    if (k >= U_RELU_MASK) v->requires_grad = 0;
    apply_forward(k, x->value.data, v->value.data, v->value.numel, v->fattr);
    return v;
}

wk_var *wk_square(wk_graph *g, wk_var *x) { return unary(g, U_SQUARE, x, 0, 0); }
wk_var *wk_sqrt(wk_graph *g, wk_var *x) { return unary(g, U_SQRT, x, 0, 0); }
wk_var *wk_exp(wk_graph *g, wk_var *x) { return unary(g, U_EXP, x, 0, 0); }
wk_var *wk_log(wk_graph *g, wk_var *x) { return unary(g, U_LOG, x, 0, 0); }
wk_var *wk_abs(wk_graph *g, wk_var *x) { return unary(g, U_ABS, x, 0, 0); }
wk_var *wk_relu(wk_graph *g, wk_var *x) { return unary(g, U_RELU, x, 0, 0); }
wk_var *wk_leaky_relu(wk_graph *g, wk_var *x, float slope) { return unary(g, U_LEAKY, x, slope, 0); }
wk_var *wk_tanh(wk_graph *g, wk_var *x) { return unary(g, U_TANH, x, 0, 0); }
wk_var *wk_sigmoid(wk_graph *g, wk_var *x) { return unary(g, U_SIGMOID, x, 0, 0); }
wk_var *wk_softplus(wk_graph *g, wk_var *x) { return unary(g, U_SOFTPLUS, x, 0, 0); }
wk_var *wk_affine_scalar(wk_graph *g, wk_var *x, float a, float c) { return unary(g, U_AFFINE, x, a, c); }
wk_var *wk_add_scalar(wk_graph *g, wk_var *x, float c) { return unary(g, U_AFFINE, x, 1, c); }
wk_var *wk_mul_scalar(wk_graph *g, wk_var *x, float a) { return unary(g, U_AFFINE, x, a, 0); }
wk_var *wk_neg(wk_graph *g, wk_var *x) { return unary(g, U_AFFINE, x, -1, 0); }
wk_var *wk_pow_scalar(wk_graph *g, wk_var *x, float p) { return unary(g, U_POW, x, p, 0); }

wk_var *wk_clamp(wk_graph *g, wk_var *x, float lo, float hi) {
    if (!(lo <= hi)) return wk__fail(g, WK_EINVAL, "clamp: lo %g > hi %g", lo, hi);
    return unary(g, U_CLAMP, x, lo, hi);
}
