/* bjorck.c — Björck orthonormalisation of weight matrices (Björck & Bowie 1971), the way
 * Anil, Lucas & Grosse (2019) keep GroupSort critics 1-Lipschitz and Biau et al. (2021, §2)
 * train theirs: first order, W ← (1+β)W − βW(WᵀW), β = 0.5.
 *
 * The iteration maps every singular value σ to σ(1+β−βσ²): it converges to 1 only for
 * 0 < σ < √3, and a raw weight (spectral norm 10, 70, …) sends it to ±∞ — training then ends
 * in NaN. So W is first divided by an upper bound of σ_max.
 *
 * Two forms:
 *   wk_bjorck_project*  in place, plain loops + two sgemm per iteration (projection mode,
 *                       after each optimizer step). The bound is Gershgorin's on the Gram
 *                       matrix, σ_max² ≤ ‖WᵀW‖∞, which is never looser than √(‖W‖₁‖W‖∞) and
 *                       costs nothing (that Gram matrix is iteration 1's). Just after an
 *                       optimizer step W is nearly orthonormal, the bound is ≈ 1 and the
 *                       residual falls quadratically, so the _tol form stops after 2–3 of
 *                       the 15 iterations.
 *   wk_bjorck           an op chain on the tape (the LNets reparametrisation: the forward pass
 *                       uses bjorck(W), gradients flow through the scaling and iterations). It
 *                       scales by √(‖W‖₁‖W‖∞) as the PyTorch reference does.
 *
 * Tall W [out ≥ in] gets orthonormal columns (WᵀW = I), wide W orthonormal rows (WWᵀ = I);
 * W(WᵀW) = (WWᵀ)W, so both use the smaller Gram matrix. */
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"

#include <math.h>
#include <string.h>

/* A weight read as a matrix [rows, numel/rows] (conv weights [out, in·k·k]). */
static int as_matrix(const wk_tensor *w, int *rows, int *cols) {
    if (!w || w->ndim < 2 || w->numel == 0)
        return wk_errorf(WK_EINVAL, "bjorck: need a non-empty weight with at least 2 dimensions");
    *rows = (int)w->shape[0];
    *cols = (int)(w->numel / w->shape[0]);
    return WK_OK;
}

size_t wk_bjorck_work_len(const wk_tensor *w) {
    int r = 0, c = 0;
    if (as_matrix(w, &r, &c)) return 0;
    size_t n = r < c ? (size_t)r : (size_t)c;
    return (size_t)r * (size_t)c + n * n + n; /* next iterate, Gram matrix, its row sums */
}

/* Upper triangle of a = WᵀW [c,c] when tall, WWᵀ [r,r] when wide (ssyrk: half an sgemm). */
static void gram(const float *w, int r, int c, float *a) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    if (r >= c) be->ssyrk(wk_exec_current(), 1, c, r, 1.0f, w, c, 0.0f, a, c);
    else be->ssyrk(wk_exec_current(), 0, r, c, 1.0f, w, c, 0.0f, a, r);
}

/* out = (1+β)W − βW·A (tall) or (1+β)W − βA·W (wide), A read from its upper triangle. */
static void bjorck_step(const float *w, const float *a, int r, int c, float beta, float *out) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    size_t n = (size_t)r * (size_t)c;
    for (size_t i = 0; i < n; i++) out[i] = (1.0f + beta) * w[i];
    if (r >= c) be->ssymm(wk_exec_current(), 0, r, c, -beta, a, c, w, c, 1.0f, out, c);
    else be->ssymm(wk_exec_current(), 1, r, c, -beta, a, r, w, c, 1.0f, out, c);
}

/* max|A − I| and the Gershgorin bound max_i Σ_j |A_ij| of a symmetric n×n Gram matrix given
 * by its upper triangle; `rows` is scratch for n row sums. Branch-free inner loops so they
 * vectorise; a NaN anywhere makes both results NaN. */
static void gram_stats(const float *a, int n, float *rows, double *resid, double *gersh) {
    float e = 0;
    int bad = 0;
    for (int i = 0; i < n; i++) rows[i] = 0;
    for (int i = 0; i < n; i++) {
        const float *ai = a + (size_t)i * n;
        float s = fabsf(ai[i]);
        e = fmaxf(e, fabsf(ai[i] - 1.0f));
        bad |= ai[i] != ai[i];
#pragma omp simd reduction(+ : s) reduction(max : e) reduction(| : bad)
        for (int j = i + 1; j < n; j++) {
            float v = fabsf(ai[j]);
            s += v;
            rows[j] += v; /* the lower triangle's entry (j, i) */
            e = fmaxf(e, v);
            bad |= ai[j] != ai[j];
        }
        rows[i] += s;
    }
    float g = 0;
    for (int i = 0; i < n; i++) g = fmaxf(g, rows[i]);
    *resid = bad ? NAN : e;
    *gersh = bad ? NAN : g;
}

int wk_bjorck_project_tol(wk_tensor *w, int max_iters, float beta, float tol, float *work, int *iters_done,
                          double *residual) {
    int r = 0, c = 0, rc = as_matrix(w, &r, &c);
    if (rc) return rc;
    if (max_iters < 0 || !(beta > 0) || !(tol >= 0))
        return wk_errorf(WK_EINVAL, "bjorck: need iters >= 0, beta > 0, tol >= 0 (got %d, %g, %g)", max_iters, beta, tol);
    float *own = NULL;
    if (!work) {
        own = work = wk_malloc(wk_bjorck_work_len(w) * sizeof(float));
        if (!own) return wk_errorf(WK_ENOMEM, "bjorck: out of memory for a %dx%d weight", r, c);
    }
    int n = r < c ? r : c;
    float *x = w->data, *y = work, *a = work + (size_t)r * c, *rows = a + (size_t)n * n;
    size_t numel = (size_t)r * (size_t)c;

    /* Scale by the Gershgorin bound on the Gram matrix: σ_max(W)² = λ_max(WᵀW) ≤ ‖WᵀW‖∞. */
    gram(x, r, c, a);
    double resid, gersh;
    gram_stats(a, n, rows, &resid, &gersh);
    if (!isfinite(gersh) || gersh <= 0) {
        wk_free(own);
        return wk_errorf(isfinite(gersh) ? WK_EINVAL : WK_ENUMERIC,
                         "bjorck: cannot orthonormalise a %dx%d weight with ‖WᵀW‖∞ = %g", r, c, gersh);
    }
    float inv = (float)(1.0 / sqrt(gersh)), inv2 = (float)(1.0 / gersh);
    for (size_t i = 0; i < numel; i++) x[i] *= inv;
    for (size_t i = 0; i < (size_t)n * n; i++) a[i] *= inv2;
    if (tol > 0) gram_stats(a, n, rows, &resid, &gersh);

    int k = 0;
    double prev = INFINITY;
    for (;; k++) {
        if (tol > 0 && (resid <= tol || (resid < 1e-3 && resid > 0.25 * prev))) break; /* done / float floor */
        if (k == max_iters) break;
        bjorck_step(x, a, r, c, beta, y);
        /* the result must end in w->data: swap buffers, copy back once at the end */
        float *t = x;
        x = y;
        y = t;
        prev = resid;
        if (tol > 0 || k + 1 < max_iters) gram(x, r, c, a);
        if (tol > 0) gram_stats(a, n, rows, &resid, &gersh); /* a fixed count needs no residuals */
    }
    if (x != w->data) memcpy(w->data, x, numel * sizeof(float));
    wk_free(own);
    if (iters_done) *iters_done = k;
    if (residual) *residual = tol > 0 ? resid : wk_orthonormality_error(w);
    return wk_tensor_check_finite(w, "bjorck result");
}

int wk_bjorck_project(wk_tensor *w, int iters, float beta) {
    return wk_bjorck_project_tol(w, iters, beta, 0.0f, NULL, NULL, NULL);
}

double wk_orthonormality_error(const wk_tensor *w) {
    int r = 0, c = 0;
    if (as_matrix(w, &r, &c)) return NAN;
    int n = r < c ? r : c, tall = r >= c;
    double e = 0;
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            double s = 0;
            for (int t = 0; t < (tall ? r : c); t++)
                s += tall ? (double)w->data[(size_t)t * c + i] * w->data[(size_t)t * c + j]
                          : (double)w->data[(size_t)i * c + t] * w->data[(size_t)j * c + t];
            e = fmax(e, fabs(s - (i == j)));
        }
    return e;
}

/* max over `axis` of Σ|W| along the other axis, as a [1] node: ‖W‖₁ (axis 0 sums, i.e. the
 * max column sum) or ‖W‖∞ (max row sum). The max is a gather at the arg-max (its gradient
 * is the arg-max's, as torch.max). */
static wk_var *max_abs_sum(wk_graph *g, wk_var *absw, int axis) {
    wk_var *s = wk_sum(g, absw, axis, 0);
    if (!s) return NULL;
    const wk_tensor *v = wk_value(s);
    int64_t best = 0;
    for (int64_t i = 1; i < v->numel; i++)
        if (v->data[i] > v->data[best]) best = i;
    return wk_gather(g, s, 0, &best, 1);
}

wk_var *wk_bjorck(wk_graph *g, wk_var *w, int iters, float beta) {
    if (!w) return NULL;
    const wk_tensor *wv = wk_value(w);
    if (wv->ndim != 2 || iters < 0 || !(beta > 0)) {
        char buf[64];
        wk_errorf(WK_EINVAL, "bjorck: need a 2-D weight, iters >= 0, beta > 0 (got %s, %d, %g)",
                  wk_shape_str(wv, buf, sizeof buf), iters, beta);
        return NULL;
    }
    int tall = wv->shape[0] >= wv->shape[1];
    wk_var *absw = wk_abs(g, w);
    wk_var *bound = wk_sqrt(g, wk_mul(g, max_abs_sum(g, absw, 0), max_abs_sum(g, absw, 1)));
    wk_var *x = wk_div(g, w, bound);
    for (int k = 0; k < iters && x; k++) {
        wk_var *a = tall ? wk_matmul(g, x, x, 1, 0) : wk_matmul(g, x, x, 0, 1);
        wk_var *xa = tall ? wk_matmul(g, x, a, 0, 0) : wk_matmul(g, a, x, 0, 0);
        x = wk_sub(g, wk_mul_scalar(g, x, 1.0f + beta), wk_mul_scalar(g, xa, beta));
    }
    return x;
}
