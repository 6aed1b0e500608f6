/* ops_matmul.c — 2-D matrix product through the backend's sgemm, and Linear (x wᵀ + b).
 *
 * C = op(A)·op(B). Its gradients are matrix products again, so the vjp is four cases of
 * wk_matmul with the right transposes, and the fast backward is two sgemm calls with
 * beta = 1 that accumulate straight into the input gradients. */
#include "core/graph_internal.h"

#include <string.h>

static void dims(const wk_var *v, int trans, int64_t *rows, int64_t *cols) {
    *rows = v->value.shape[trans ? 1 : 0];
    *cols = v->value.shape[trans ? 0 : 1];
}

static void backward(wk_graph *g, wk_var *v) {
    const wk_backend *be = wk_backend_for(v->value.device);
    wk_var *a = v->in[0], *b = v->in[1];
    int ta = v->iattr[0], tb = v->iattr[1];
    int m = (int)v->value.shape[0], n = (int)v->value.shape[1];
    int k = (int)(ta ? a->value.shape[0] : a->value.shape[1]);
    int lda = (int)a->value.shape[1], ldb = (int)b->value.shape[1];
    float *ga = wk__gin(g, v, 0), *gb = wk__gin(g, v, 1);
    const float *gc = v->grad;
    /* dA: if !ta, dA[m,k] = gC·op(B)ᵀ; if ta, dA[k,m] = op(B)·gCᵀ */
    if (ga) {
        if (!ta) be->sgemm(wk_exec_current(), 0, !tb, m, k, n, 1.0f, gc, n, b->value.data, ldb, 1.0f, ga, lda);
        else be->sgemm(wk_exec_current(), tb, 1, k, m, n, 1.0f, b->value.data, ldb, gc, n, 1.0f, ga, lda);
    }
    /* dB: if !tb, dB[k,n] = op(A)ᵀ·gC; if tb, dB[n,k] = gCᵀ·op(A) */
    if (gb) {
        if (!tb) be->sgemm(wk_exec_current(), !ta, 0, k, n, m, 1.0f, a->value.data, lda, gc, n, 1.0f, gb, ldb);
        else be->sgemm(wk_exec_current(), 1, ta, n, k, m, 1.0f, gc, n, a->value.data, lda, 1.0f, gb, ldb);
    }
}

static void vjp(wk_graph *g, wk_var *v, wk_var *gc, wk_var **dx) {
    wk_var *a = v->in[0], *b = v->in[1];
    int ta = v->iattr[0], tb = v->iattr[1];
    if (wk__wants(g, v, 0)) dx[0] = ta ? wk_matmul(g, b, gc, tb, 1) : wk_matmul(g, gc, b, 0, !tb);
    if (wk__wants(g, v, 1)) dx[1] = tb ? wk_matmul(g, gc, a, 1, ta) : wk_matmul(g, a, gc, !ta, 0);
}

static const wk_opdef matmul_op = {"matmul", backward, vjp};

wk_var *wk_matmul(wk_graph *g, wk_var *a, wk_var *b, int trans_a, int trans_b) {
    if (!a || !b) return wk__null_input(g, "matmul");
    if (a->value.ndim != 2 || b->value.ndim != 2)
        return wk__fail(g, WK_EINVAL, "matmul: need 2-D operands, got %s and %s", WK_SHAPE(a), WK_SHAPE(b));
    int64_t m, ka, kb, n;
    dims(a, trans_a, &m, &ka);
    dims(b, trans_b, &kb, &n);
    if (ka != kb)
        return wk__fail(g, WK_EINVAL, "matmul: inner dimensions differ: %s%s x %s%s", WK_SHAPE(a),
                        trans_a ? "ᵀ" : "", WK_SHAPE(b), trans_b ? "ᵀ" : "");
    wk_var *in[2] = {a, b};
    wk_var *v = wk__node(g, &matmul_op, in, 2, 2, (int64_t[]){m, n});
    if (!v) return NULL;
    v->iattr[0] = trans_a;
    v->iattr[1] = trans_b;
    const wk_backend *be = wk_backend_for(a->value.device);
    if (m && n) {
        if (ka) be->sgemm(wk_exec_current(), trans_a, trans_b, (int)m, (int)n, (int)ka, 1.0f, a->value.data,
                          (int)a->value.shape[1], b->value.data, (int)b->value.shape[1], 0.0f,
                          v->value.data, (int)n);
        else
            for (int64_t i = 0; i < m * n; i++) v->value.data[i] = 0;
    }
    return v;
}

/* ---- Linear, fused: y = x wᵀ + b in one sgemm (rows of y start as b, beta = 1) ----
 * The fast backward is two sgemm calls plus column sums for the bias; the vjp reuses
 * matmul and sum_to, so second order needs nothing new. in = {x, w[, b]}. */
static void linear_backward(wk_graph *g, wk_var *v) {
    const wk_backend *be = wk_backend_for(v->value.device);
    wk_var *x = v->in[0], *w = v->in[1];
    int n = (int)x->value.shape[0], in = (int)x->value.shape[1], out = (int)w->value.shape[0];
    const float *gy = v->grad;
    float *gx = wk__gin(g, v, 0), *gw = wk__gin(g, v, 1), *gb = v->n_in > 2 ? wk__gin(g, v, 2) : NULL;
    if (gx) be->sgemm(wk_exec_current(), 0, 0, n, in, out, 1.0f, gy, out, w->value.data, in, 1.0f, gx, in);
    if (gw) be->sgemm(wk_exec_current(), 1, 0, out, in, n, 1.0f, gy, out, x->value.data, in, 1.0f, gw, in);
    if (gb)
        for (int i = 0; i < n; i++) {
            const float *row = gy + (int64_t)i * out;
#pragma omp simd
            for (int j = 0; j < out; j++) gb[j] += row[j];
        }
}

static void linear_vjp(wk_graph *g, wk_var *v, wk_var *gy, wk_var **dx) {
    wk_var *x = v->in[0], *w = v->in[1];
    if (wk__wants(g, v, 0)) dx[0] = wk_matmul(g, gy, w, 0, 0);
    if (wk__wants(g, v, 1)) dx[1] = wk_matmul(g, gy, x, 1, 0);
    if (v->n_in > 2 && wk__wants(g, v, 2)) dx[2] = wk_sum_to(g, gy, 1, v->in[2]->value.shape);
}

static const wk_opdef linear_op = {"linear", linear_backward, linear_vjp};

wk_var *wk_linear(wk_graph *g, wk_var *x, wk_var *w, wk_var *b) {
    if (!x || !w) return wk__null_input(g, "linear");
    const wk_tensor *xv = &x->value, *wv = &w->value;
    if (xv->ndim != 2 || wv->ndim != 2 || xv->shape[1] != wv->shape[1] ||
        (b && (b->value.ndim != 1 || b->value.shape[0] != wv->shape[0])))
        return wk__fail(g, WK_EINVAL, "linear: input %s, weight %s, bias %s do not fit (want [N, in], [out, in], [out])",
                        WK_SHAPE(x), WK_SHAPE(w), b ? WK_SHAPE(b) : "none");
    int64_t n = xv->shape[0], in = xv->shape[1], out = wv->shape[0];
    wk_var *ins[3] = {x, w, b};
    wk_var *v = wk__node(g, &linear_op, ins, b ? 3 : 2, 2, (int64_t[]){n, out});
    if (!v) return NULL;
    float *y = v->value.data;
    for (int64_t i = 0; i < n; i++) {
        if (b) memcpy(y + i * out, b->value.data, sizeof(float) * (size_t)out);
        else memset(y + i * out, 0, sizeof(float) * (size_t)out);
    }
    if (n && out && in)
        wk_backend_for(xv->device)->sgemm(wk_exec_current(), 0, 1, (int)n, (int)out, (int)in, 1.0f, xv->data, (int)in, wv->data,
                                          (int)in, 1.0f, y, (int)out);
    return v;
}
