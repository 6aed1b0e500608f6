/* constraints.c — the projections that keep a critic in a Lipschitz parameter set after each
 * optimizer step:
 *
 *  - Biau, Sangnier & Tanielian (JMLR 2021), §2 (the discriminator class D, their eq. (3) and
 *    the constraint set that follows it): a GroupSort network
 *    D(x) = V_q σ̃(V_{q−1} ··· σ̃(V_1 x + c_1) ··· ) + c_q is 1-Lipschitz in ‖·‖₂ when
 *    ‖V_1‖₂,∞ ≤ 1 (every row of V_1 in the Euclidean unit ball: each first-layer unit is a
 *    1-Lipschitz map of x) and ‖V_i‖∞ ≤ 1 for i ≥ 2 (max absolute row sum; GroupSort only
 *    permutes, so ‖·‖∞ of the hidden vector never grows), with bounded biases |c_i| ≤ K.
 *    The exact Euclidean projection onto that set is row-wise: rescale rows of V_1, project
 *    rows of later layers onto the ℓ1 ball (Duchi, Shalev-Shwartz, Singer & Chandra 2008,
 *    Fig. 1 — sort, find the threshold θ, soft-threshold), clip biases.
 *  - weight clipping (Arjovsky, Chintala & Bottou 2017, Algorithm 1): every parameter into
 *    [−c, c]. */
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"

#include <math.h>
#include <stdlib.h>

int wk_project_rows_l2(wk_tensor *w, float radius) {
    int64_t rows = w->shape[0], cols = w->numel / rows;
    for (int64_t i = 0; i < rows; i++) {
        float *r = w->data + i * cols;
        double s = 0;
        for (int64_t j = 0; j < cols; j++) s += (double)r[j] * r[j];
        s = sqrt(s);
        if (s > radius)
            for (int64_t j = 0; j < cols; j++) r[j] = (float)(r[j] * (radius / s));
    }
    return WK_OK;
}

static int desc(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

/* Euclidean projection of one row onto {‖x‖₁ ≤ z} (Duchi et al. 2008, Fig. 1); u: scratch. */
static void project_l1(float *x, int64_t n, float z, float *u) {
    double l1 = 0;
    for (int64_t j = 0; j < n; j++) l1 += fabsf(x[j]);
    if (l1 <= z) return;
    for (int64_t j = 0; j < n; j++) u[j] = fabsf(x[j]);
    qsort(u, (size_t)n, sizeof *u, desc);
    double cum = 0, theta = 0;
    for (int64_t j = 0; j < n; j++) {
        cum += u[j];
        double t = (cum - z) / (double)(j + 1);
        if (u[j] - t > 0) theta = t; /* ρ = the last j with u_j > (Σ_{r≤j} u_r − z)/j */
    }
    for (int64_t j = 0; j < n; j++) {
        double a = fabs(x[j]) - theta;
        x[j] = a > 0 ? (float)copysign(a, x[j]) : 0.0f;
    }
}

static void project_rows_l1(wk_tensor *w, float radius, float *work) {
    int64_t rows = w->shape[0], cols = w->numel / rows;
    for (int64_t i = 0; i < rows; i++) project_l1(w->data + i * cols, cols, radius, work);
}

int wk_project_rows_l1(wk_tensor *w, float radius) {
    float *u = wk_malloc((size_t)(w->numel / w->shape[0]) * sizeof *u);
    if (!u) return wk_errorf(WK_ENOMEM, "l1 projection: out of memory");
    project_rows_l1(w, radius, u);
    wk_free(u);
    return WK_OK;
}

static void clip(wk_tensor *t, float c) {
    float *x = t->data;
    /* comparisons rather than fminf/fmaxf: those stay libm calls without -ffast-math */
    for (int64_t i = 0; i < t->numel; i++) x[i] = x[i] > c ? c : x[i] < -c ? -c : x[i];
}

int wk__project_biau(wk_model *m, float bias_bound, float *work) {
    int first = 1, rc = WK_OK;
    for (int i = 0; i < m->n_layers; i++) {
        wk_layer *l = &m->layers[i];
        if (l->kind != WK_LAYER_LINEAR) continue;
        if (first) rc = wk_project_rows_l2(&l->weight->value, 1.0f);
        else project_rows_l1(&l->weight->value, 1.0f, work);
        if (rc) return rc;
        first = 0;
        if (l->bias) clip(&l->bias->value, bias_bound);
    }
    return rc;
}

int wk__clip_params(wk_model *m, float c) {
    for (int i = 0; i < m->n_params; i++) clip(&m->params[i]->value, c);
    return WK_OK;
}
