/* lipschitz_interim.c — a minimal implementation of the lipschitz.h contract so the trainer can
 * run before the wt-lip branch lands. CMakeLists.txt drops this file from the build as soon as
 * src/lipschitz/ exists (wt-lip's implementation), so the two never link together; delete it
 * after that merge. Methods: none, bjorck (projection with warm start, or reparametrisation),
 * clip, gp, spectral (one power iteration per forward), biau (row scaling). */
#include <math.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/lipschitz.h"

static const char *names[] = {"none", "bjorck", "biau", "spectral", "clip", "gp"};

const char *wk_lip_method_name(wk_lip_method m) { return m >= 0 && m <= WK_LIP_GP ? names[m] : "?"; }

int wk_lip_method_parse(const char *s, wk_lip_method *out) {
    for (int i = 0; i <= WK_LIP_GP; i++)
        if (!strcmp(s, names[i])) return *out = (wk_lip_method)i, WK_OK;
    return wk_errorf(WK_EINVAL, "unknown Lipschitz method '%s' (none, bjorck, biau, spectral, clip, gp)", s);
}

wk_lipschitz_config wk_lipschitz_defaults(wk_lip_method method) {
    wk_lipschitz_config c = {0};
    c.method = method;
    c.bjorck_iters = 15;
    c.bjorck_final_iters = 50;
    c.bjorck_beta = 0.5f;
    c.sn_iters = 1;
    c.clip = 0.01f;
    c.gp_lambda = 10;
    c.bias_bound = 1e3f;
    return c;
}

static int weighted(const wk_layer *l) {
    return l->kind == WK_LAYER_LINEAR || l->kind == WK_LAYER_CONV2D || l->kind == WK_LAYER_CONVT2D;
}

/* W as a 2-D [rows, cols] matrix: [out, in·k·k]. */
static void dims2(const wk_tensor *w, int *rows, int *cols) {
    *rows = (int)w->shape[0];
    *cols = (int)(w->numel / w->shape[0]);
}

int wk_bjorck_project(wk_tensor *w, int iters, float beta) {
    int r, c;
    dims2(w, &r, &c);
    int tall = r >= c, n = tall ? c : r;
    /* scratch kept between calls so that a training step allocates nothing (interim: one thread) */
    static float *scratch;
    static size_t scratch_len;
    size_t need = (size_t)n * n + (size_t)r * c;
    if (need > scratch_len) {
        float *p = wk_realloc(scratch, need * sizeof(float));
        if (!p) return WK_ENOMEM;
        scratch = p, scratch_len = need;
    }
    float *a = scratch, *tmp = scratch + (size_t)n * n;
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    double prev = INFINITY;
    for (int it = 0; it < iters; it++) {
        /* A = WᵀW (tall) or WWᵀ (wide) */
        if (tall) be->sgemm(1, 0, n, n, r, 1, w->data, c, w->data, c, 0, a, n);
        else be->sgemm(0, 1, n, n, c, 1, w->data, c, w->data, c, 0, a, n);
        double gersh = 0, resid = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += fabs(a[i * n + j]);
                resid = fmax(resid, fabs(a[i * n + j] - (i == j)));
            }
            gersh = fmax(gersh, s);
        }
        /* converged to float precision, or no longer improving (warm start: usually 1-2 iterations) */
        if (resid < 1e-6 * n || resid > 0.5 * prev) break;
        prev = resid;
        if (it == 0 && gersh > 1) { /* √‖A‖∞ ≥ σ_max: scale so that the iteration converges */
            float s = (float)(1 / sqrt(gersh));
            for (int64_t i = 0; i < w->numel; i++) w->data[i] *= s;
            for (int i = 0; i < n * n; i++) a[i] *= s * s;
        }
        /* W ← (1+β)W − β W A (tall) or (1+β)W − β A W (wide) */
        memcpy(tmp, w->data, (size_t)r * c * sizeof(float));
        if (tall) be->sgemm(0, 0, r, c, c, -beta, tmp, c, a, n, 1 + beta, w->data, c);
        else be->sgemm(0, 0, r, c, r, -beta, a, n, tmp, c, 1 + beta, w->data, c);
    }
    return WK_OK;
}

wk_var *wk_bjorck(wk_graph *g, wk_var *w, int iters, float beta) {
    const wk_tensor *t = wk_value(w);
    int tall = t->shape[0] >= t->shape[1];
    /* scale by the Frobenius norm (≥ σ_max) so the iteration converges */
    wk_var *fro = wk_sqrt(g, wk_sum(g, wk_square(g, w), WK_ALL_AXES, 0));
    w = wk_div(g, w, fro);
    for (int i = 0; i < iters && w; i++) {
        wk_var *a = tall ? wk_matmul(g, w, w, 1, 0) : wk_matmul(g, w, w, 0, 1);
        wk_var *wa = tall ? wk_matmul(g, w, a, 0, 0) : wk_matmul(g, a, w, 0, 0);
        w = wk_sub(g, wk_mul_scalar(g, w, 1 + beta), wk_mul_scalar(g, wa, beta));
    }
    return w;
}

double wk_spectral_norm(const wk_tensor *w, wk_tensor *u, int iters) {
    int r, c;
    dims2(w, &r, &c);
    double *uu = wk_calloc((size_t)r, sizeof(double)), *v = wk_calloc((size_t)c, sizeof(double)), sigma = 0;
    if (!uu || !v) return wk_free(uu), wk_free(v), NAN;
    for (int i = 0; i < r; i++) uu[i] = u ? u->data[i] : 1.0 / sqrt(r);
    for (int it = 0; it < iters; it++) {
        double nv = 0, nu = 0;
        for (int j = 0; j < c; j++) v[j] = 0;
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) v[j] += w->data[(int64_t)i * c + j] * uu[i];
        for (int j = 0; j < c; j++) nv += v[j] * v[j];
        nv = sqrt(nv) + 1e-12;
        for (int j = 0; j < c; j++) v[j] /= nv;
        for (int i = 0; i < r; i++) {
            double s = 0;
            for (int j = 0; j < c; j++) s += w->data[(int64_t)i * c + j] * v[j];
            uu[i] = s;
            nu += s * s;
        }
        sigma = sqrt(nu);
        for (int i = 0; i < r; i++) uu[i] /= sigma + 1e-12;
    }
    if (u)
        for (int i = 0; i < r; i++) u->data[i] = (float)uu[i];
    wk_free(uu);
    wk_free(v);
    return sigma;
}

static wk_var *weight_hook(wk_graph *g, wk_model *m, int layer, wk_var *w, void *ctx) {
    wk_lipschitz *L = ctx;
    (void)m;
    if (L->cfg.method == WK_LIP_BJORCK) {
        const wk_tensor *t = wk_value(w);
        if (t->ndim != 2) return w;
        return wk_bjorck(g, w, L->cfg.bjorck_iters, L->cfg.bjorck_beta);
    }
    /* spectral: W / σ with σ from the persistent u (a constant for the gradient, as PyTorch) */
    wk_tensor *u = &L->sn_u[layer];
    const wk_tensor *t = wk_value(w);
    double sigma = wk_spectral_norm(t, u, L->cfg.sn_iters);
    (void)sigma;
    int r, c;
    dims2(t, &r, &c);
    wk_var *uv = wk_input(g, u, 0);
    uv = wk_reshape(g, uv, 2, (int64_t[]){1, r});
    wk_var *w2 = wk_reshape(g, w, 2, (int64_t[]){r, c});
    wk_var *wtu = wk_detach(g, wk_matmul(g, uv, w2, 0, 0)); /* [1, c] */
    const wk_tensor *vt = wk_value(wtu);
    double nv = 0;
    for (int j = 0; j < c; j++) nv += (double)vt->data[j] * vt->data[j];
    wk_var *v = wk_mul_scalar(g, wtu, (float)(1 / (sqrt(nv) + 1e-12)));
    wk_var *s = wk_matmul(g, wk_matmul(g, uv, w2, 0, 0), v, 0, 1); /* [1, 1] = uᵀ W v */
    return wk_div(g, w, wk_reshape(g, s, 0, NULL));
}

int wk_lipschitz_attach(wk_lipschitz *L, const wk_lipschitz_config *cfg, wk_model *critic, wk_rng *rng) {
    memset(L, 0, sizeof *L);
    L->cfg = *cfg;
    L->critic = critic;
    L->n_layers = critic->n_layers;
    if (cfg->method == WK_LIP_SPECTRAL) {
        L->sn_u = wk_calloc((size_t)critic->n_layers, sizeof(wk_tensor));
        if (!L->sn_u) return WK_ENOMEM;
        for (int i = 0; i < critic->n_layers; i++)
            if (weighted(&critic->layers[i])) {
                wk_tensor *w = &critic->layers[i].weight->value;
                int rc = wk_tensor_alloc(&L->sn_u[i], 1, (int64_t[]){w->shape[0]});
                if (rc) return rc;
                wk_rng_fill_normal(rng, L->sn_u[i].data, w->shape[0], 0, 1);
            }
    }
    if ((cfg->method == WK_LIP_BJORCK && cfg->bjorck_reparam) || cfg->method == WK_LIP_SPECTRAL) {
        critic->weight_fn = weight_hook;
        critic->weight_ctx = L;
    }
    return wk_lipschitz_after_step(L); /* start inside the constraint set */
}

void wk_lipschitz_free(wk_lipschitz *L) {
    if (L->sn_u)
        for (int i = 0; i < L->n_layers; i++) wk_tensor_free(&L->sn_u[i]);
    wk_free(L->sn_u);
    if (L->critic && L->critic->weight_ctx == L) L->critic->weight_fn = NULL, L->critic->weight_ctx = NULL;
    memset(L, 0, sizeof *L);
}

wk_var *wk_gradient_penalty(wk_graph *g, wk_model *critic, wk_var *real, wk_var *fake, const float *alpha,
                            float lambda, int one_sided) {
    const wk_tensor *r = wk_value(real), *f = wk_value(fake);
    int64_t n = r->shape[0], row = r->numel / n;
    wk_var *xh = wk_input_empty(g, r->ndim, r->shape, 1);
    if (!xh) return NULL;
    float *x = wk_input_data(xh);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < row; j++) x[i * row + j] = alpha[i] * r->data[i * row + j] + (1 - alpha[i]) * f->data[i * row + j];
    wk_var *d = wk_sum(g, wk_model_forward(critic, g, xh, 1), WK_ALL_AXES, 0), *gx = NULL;
    if (!d || wk_grad(g, d, &xh, 1, &gx, 1)) return NULL;
    gx = wk_reshape(g, gx, 2, (int64_t[]){n, row});
    wk_var *norm = wk_sqrt(g, wk_sum(g, wk_square(g, gx), 1, 0));
    wk_var *dev = wk_add_scalar(g, norm, -1);
    if (one_sided) dev = wk_relu(g, dev);
    return wk_mul_scalar(g, wk_mean(g, wk_square(g, dev), WK_ALL_AXES, 0), lambda);
}

wk_var *wk_lipschitz_penalty(wk_lipschitz *L, wk_graph *g, wk_var *real, wk_var *fake, wk_rng *rng) {
    if (L->cfg.method != WK_LIP_GP) return wk_constant(g, 0, NULL, 0);
    int64_t n = wk_value(real)->shape[0];
    wk_var *al = wk_input_empty(g, 1, (int64_t[]){n}, 0); /* arena scratch for α */
    if (!al) return NULL;
    float *a = wk_input_data(al);
    for (int64_t i = 0; i < n; i++) a[i] = wk_rng_uniform(rng);
    return wk_gradient_penalty(g, L->critic, real, fake, a, L->cfg.gp_lambda, L->cfg.gp_one_sided);
}

static void clamp_tensor(wk_tensor *t, float c) {
    for (int64_t i = 0; i < t->numel; i++) t->data[i] = fminf(c, fmaxf(-c, t->data[i]));
}

/* Scale each row of W so that its ℓp norm (p = 1 or 2) is at most 1. */
static void scale_rows(wk_tensor *w, int p) {
    int r, c;
    dims2(w, &r, &c);
    for (int i = 0; i < r; i++) {
        double s = 0;
        for (int j = 0; j < c; j++) s += p == 1 ? fabs(w->data[(int64_t)i * c + j]) : w->data[(int64_t)i * c + j] * (double)w->data[(int64_t)i * c + j];
        if (p == 2) s = sqrt(s);
        if (s > 1)
            for (int j = 0; j < c; j++) w->data[(int64_t)i * c + j] /= (float)s;
    }
}

static int project(wk_lipschitz *L, int iters) {
    wk_model *m = L->critic;
    int first = 1;
    for (int i = 0; i < m->n_layers; i++) {
        wk_layer *l = &m->layers[i];
        if (L->cfg.method == WK_LIP_CLIP) {
            if (l->weight) clamp_tensor(&l->weight->value, L->cfg.clip);
            if (l->bias) clamp_tensor(&l->bias->value, L->cfg.clip);
            continue;
        }
        if (!weighted(l)) continue;
        if (L->cfg.method == WK_LIP_BJORCK && !L->cfg.bjorck_reparam) {
            int rc = wk_bjorck_project(&l->weight->value, iters, L->cfg.bjorck_beta);
            if (rc) return rc;
        } else if (L->cfg.method == WK_LIP_BIAU) {
            scale_rows(&l->weight->value, first ? 2 : 1);
            if (l->bias) clamp_tensor(&l->bias->value, L->cfg.bias_bound);
        }
        first = 0;
    }
    return WK_OK;
}

int wk_lipschitz_after_step(wk_lipschitz *L) { return project(L, L->cfg.bjorck_iters); }
int wk_lipschitz_finalize(wk_lipschitz *L) { return project(L, L->cfg.bjorck_final_iters); }

int wk_lipschitz_report_compute(wk_model *critic, const wk_tensor *points, int64_t n_pairs, wk_rng *rng,
                                wk_lipschitz_report *out) {
    memset(out, 0, sizeof *out);
    out->certified = 1;
    for (int i = 0; i < critic->n_layers; i++)
        if (weighted(&critic->layers[i])) {
            wk_tensor w = critic->layers[i].weight->value;
            out->certified *= wk_spectral_norm(&w, NULL, 100);
        }
    int64_t n = points->shape[0], row = points->numel / n, chunk = 512;
    float *dv = wk_malloc((size_t)n * sizeof(float));
    wk_graph *g = wk_graph_new();
    if (!dv || !g) return wk_free(dv), wk_graph_free(g), WK_ENOMEM;
    int rc = WK_OK;
    double sum = 0;
    for (int64_t s = 0; s < n && rc == WK_OK; s += chunk) {
        int64_t b = n - s < chunk ? n - s : chunk, shape[WK_MAX_DIMS];
        memcpy(shape, points->shape, sizeof shape);
        shape[0] = b;
        wk_graph_reset(g);
        wk_var *x = wk_input_empty(g, points->ndim, shape, 1), *gx = NULL;
        if (!x) return WK_ENOMEM;
        memcpy(wk_input_data(x), points->data + s * row, (size_t)(b * row) * sizeof(float));
        wk_var *d = wk_model_forward(critic, g, x, 0);
        wk_var *sd = wk_sum(g, d, WK_ALL_AXES, 0);
        if (!sd || (rc = wk_grad(g, sd, &x, 1, &gx, 0))) {
            rc = rc ? rc : wk_graph_status(g);
            break;
        }
        const wk_tensor *gt = wk_value(gx);
        for (int64_t i = 0; i < b; i++) {
            double q = 0;
            for (int64_t j = 0; j < row; j++) q += (double)gt->data[i * row + j] * gt->data[i * row + j];
            q = sqrt(q);
            sum += q;
            out->grad_max = fmax(out->grad_max, q);
            dv[s + i] = wk_value(d)->data[i];
        }
    }
    out->grad_mean = sum / (double)n;
    out->n_points = n;
    for (int64_t k = 0; rc == WK_OK && k < n_pairs && n > 1; k++) {
        int64_t i = (int64_t)wk_rng_below(rng, (uint64_t)n), j = (int64_t)wk_rng_below(rng, (uint64_t)n);
        double dist = 0;
        for (int64_t q = 0; q < row; q++) {
            double e = (double)points->data[i * row + q] - points->data[j * row + q];
            dist += e * e;
        }
        if (dist > 0) out->pair_max = fmax(out->pair_max, fabs((double)dv[i] - dv[j]) / sqrt(dist));
        out->n_pairs++;
    }
    wk_free(dv);
    wk_graph_free(g);
    return rc;
}
