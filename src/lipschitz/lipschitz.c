/* lipschitz.c — one interface over every way wgankit keeps a critic Lipschitz (see
 * lipschitz.h): method names and defaults, attaching a method to a wk_model critic (forward
 * reparametrisations through wk_model.weight_fn), the per-step penalty, the projections after
 * each optimizer step, and the final projection.
 *
 *   bjorck    GroupSort critics with orthonormal weights (Anil et al. 2019; Biau et al. 2021 §2
 *             and their experiments): projection after each step, or Björck inside the
 *             forward pass (LNets' reparametrisation) with gradients through it;
 *   biau      Biau et al.'s parameter set, row-wise projections (constraints.c);
 *   spectral  W / σ(W) in the forward pass, σ from a persistent power-iteration vector
 *             advanced sn_iters times per critic step (Miyato et al. 2018, Algorithm 1);
 *   clip      weight clipping to [−c, c] (Arjovsky et al. 2017);
 *   gp        gradient penalty on random interpolates (Gulrajani et al. 2017; Petzka et al. 2018). */
#include "lipschitz/lipschitz_internal.h"
#include "wgankit/error.h"

#include <string.h>

static const char *method_names[] = {"none", "bjorck", "biau", "spectral", "clip", "gp"};
#define N_METHODS ((int)(sizeof method_names / sizeof *method_names))

const char *wk_lip_method_name(wk_lip_method m) {
    return (unsigned)m < (unsigned)N_METHODS ? method_names[m] : "?";
}

int wk_lip_method_parse(const char *s, wk_lip_method *out) {
    for (int i = 0; s && i < N_METHODS; i++)
        if (!strcmp(s, method_names[i])) {
            *out = (wk_lip_method)i;
            return WK_OK;
        }
    return wk_errorf(WK_EINVAL, "unknown Lipschitz method '%s' (none, bjorck, biau, spectral, clip, gp)", s ? s : "(null)");
}

wk_lipschitz_config wk_lipschitz_defaults(wk_lip_method method) {
    return (wk_lipschitz_config){.method = method,
                                 .bjorck_iters = 15,
                                 .bjorck_final_iters = 50,
                                 .bjorck_beta = 0.5f,
                                 .bjorck_reparam = 0,
                                 .sn_iters = 1,
                                 .clip = 0.01f,
                                 .gp_lambda = 10.0f,
                                 .gp_one_sided = 0,
                                 .bias_bound = 1e3f,
                                 .bjorck_tol = 1e-6f};
}

static int check_config(const wk_lipschitz_config *c) {
    if ((unsigned)c->method >= (unsigned)N_METHODS) return wk_errorf(WK_EINVAL, "lipschitz: unknown method %d", (int)c->method);
    if (c->bjorck_iters < 0 || c->bjorck_final_iters < 0 || !(c->bjorck_beta > 0 && c->bjorck_beta < 1) ||
        !(c->bjorck_tol >= 0))
        return wk_errorf(WK_EINVAL, "lipschitz: Björck needs iters >= 0, 0 < beta < 1, tol >= 0 (got %d, %d, %g, %g)",
                         c->bjorck_iters, c->bjorck_final_iters, c->bjorck_beta, c->bjorck_tol);
    if (c->sn_iters < 1) return wk_errorf(WK_EINVAL, "lipschitz: spectral norm needs sn_iters >= 1 (got %d)", c->sn_iters);
    if (!(c->clip > 0)) return wk_errorf(WK_EINVAL, "lipschitz: clip must be > 0 (got %g)", c->clip);
    if (!(c->gp_lambda >= 0)) return wk_errorf(WK_EINVAL, "lipschitz: gp_lambda must be >= 0 (got %g)", c->gp_lambda);
    if (!(c->bias_bound > 0)) return wk_errorf(WK_EINVAL, "lipschitz: bias_bound must be > 0 (got %g)", c->bias_bound);
    return WK_OK;
}

/* ---- forward-pass reparametrisations (wk_model.weight_fn) ---------------------------------- */

static wk_var *bjorck_weight(wk_graph *g, wk_model *m, int layer, wk_var *w, void *ctx) {
    wk_lipschitz *L = ctx;
    if (m->layers[layer].kind != WK_LAYER_LINEAR) return w;
    return wk_bjorck(g, w, L->cfg.bjorck_iters, L->cfg.bjorck_beta);
}

/* W / σ with σ = uᵀ W v for the persistent (u, v) held constant, as Miyato et al.: the
 * gradient flows through W in both places, not through the power iteration. */
static wk_var *spectral_weight(wk_graph *g, wk_model *m, int layer, wk_var *w, void *ctx) {
    wk_lipschitz *L = ctx;
    wk_layer *l = &m->layers[layer];
    wk_tensor *u = &L->sn_u[layer], *v = &L->sn_v[layer];
    if (L->sn_step[layer] != L->step) { /* once per critic step, at the step's first forward pass */
        wk__spectral_advance(&l->weight->value, u->data, v->data, L->cfg.sn_iters, (double *)L->work);
        L->sn_step[layer] = L->step;
    }
    int64_t rows = u->numel, cols = v->numel;
    wk_var *wm = wk_value(w)->ndim == 2 ? w : wk_reshape(g, w, 2, (int64_t[]){rows, cols});
    wk_var *wv = wk_matmul(g, wm, wk_reshape(g, wk_input(g, v, 0), 2, (int64_t[]){cols, 1}), 0, 0);
    wk_var *sigma = wk_sum(g, wk_mul(g, wv, wk_reshape(g, wk_input(g, u, 0), 2, (int64_t[]){rows, 1})), WK_ALL_AXES, 0);
    return wk_div(g, w, sigma);
}

/* ---- attach / free ----------------------------------------------------------------------- */

static int linear_only(const wk_model *m, const char *method) {
    for (int i = 0; i < m->n_layers; i++)
        if (wk_layer_is_weighted(&m->layers[i]) && m->layers[i].kind != WK_LAYER_LINEAR)
            return wk_errorf(WK_EINVAL, /* a bad pairing of arguments, not something this build lacks */
                             "lipschitz: %s acts on Linear layers only; layer %d is a convolution (use spectral, clip or gp)",
                             method, i);
    return WK_OK;
}

static int project_bjorck(wk_lipschitz *L, int iters) {
    for (int i = 0; i < L->critic->n_layers; i++) {
        wk_layer *l = &L->critic->layers[i];
        if (l->kind != WK_LAYER_LINEAR) continue;
        int rc = wk_bjorck_project_tol(&l->weight->value, iters, L->cfg.bjorck_beta, L->cfg.bjorck_tol, L->work,
                                       &L->last_bjorck_iters, NULL);
        if (rc) return wk_error_context(rc, "layer %d", i);
    }
    return WK_OK;
}

/* The projection that puts the critic back into its parameter set (after a step / at attach). */
static int project(wk_lipschitz *L, int bjorck_iters) {
    switch (L->cfg.method) {
    case WK_LIP_BJORCK: return project_bjorck(L, bjorck_iters);
    case WK_LIP_BIAU: return wk__project_biau(L->critic, L->cfg.bias_bound, L->work);
    case WK_LIP_CLIP: return wk__clip_params(L->critic, L->cfg.clip);
    default: return WK_OK;
    }
}

static int attach_spectral(wk_lipschitz *L, wk_rng *rng) {
    int n = L->n_layers;
    L->sn_u = wk_calloc((size_t)n, sizeof *L->sn_u);
    L->sn_v = wk_calloc((size_t)n, sizeof *L->sn_v);
    L->sn_step = wk_malloc((size_t)n * sizeof *L->sn_step);
    if (!L->sn_u || !L->sn_v || !L->sn_step) return wk_errorf(WK_ENOMEM, "lipschitz: out of memory");
    for (int i = 0; i < n; i++) {
        const wk_layer *l = &L->critic->layers[i];
        L->sn_step[i] = -1;
        if (!wk_layer_is_weighted(l)) continue;
        int64_t rows = l->weight->value.shape[0], cols = l->weight->value.numel / rows;
        if (wk_tensor_alloc(&L->sn_u[i], 1, &rows) || wk_tensor_alloc(&L->sn_v[i], 1, &cols))
            return wk_errorf(WK_ENOMEM, "lipschitz: out of memory");
        wk_rng_fill_normal(rng, L->sn_u[i].data, rows, 0, 1); /* torch: u ~ N(0, 1), normalised */
    }
    L->critic->weight_fn = spectral_weight;
    L->critic->weight_ctx = L;
    return WK_OK;
}

int wk_lipschitz_attach(wk_lipschitz *L, const wk_lipschitz_config *cfg, wk_model *critic, wk_rng *rng) {
    memset(L, 0, sizeof *L);
    if (!cfg || !critic || !rng) return wk_errorf(WK_EINVAL, "lipschitz: NULL argument");
    int rc = check_config(cfg);
    if (rc) return rc;
    int reparam = cfg->method == WK_LIP_SPECTRAL || (cfg->method == WK_LIP_BJORCK && cfg->bjorck_reparam);
    if (reparam && critic->weight_fn)
        return wk_errorf(WK_EINVAL, "lipschitz: the critic already has a weight hook (attached twice?)");
    L->cfg = *cfg;
    L->critic = critic;
    L->n_layers = critic->n_layers;
    if (cfg->method == WK_LIP_BJORCK || cfg->method == WK_LIP_BIAU) {
        if ((rc = linear_only(critic, wk_lip_method_name(cfg->method)))) return rc;
    }
    /* One scratch area, sized once here, serves every per-step projection or power step:
     * Björck's products, the ℓ1 projection's sort buffer, the power iteration's (u, v). */
    for (int i = 0; i < critic->n_layers; i++) {
        const wk_layer *l = &critic->layers[i];
        if (!wk_layer_is_weighted(l)) continue;
        const wk_tensor *w = &l->weight->value;
        size_t need = cfg->method == WK_LIP_BJORCK ? wk_bjorck_work_len(w)
                      : cfg->method == WK_LIP_SPECTRAL ? 2 * (size_t)(w->shape[0] + w->numel / w->shape[0])
                                                        : (size_t)(w->numel / w->shape[0]);
        if (need > L->work_len) L->work_len = need;
    }
    L->work = wk_malloc((L->work_len ? L->work_len : 1) * sizeof(float));
    if (!L->work) return wk_errorf(WK_ENOMEM, "lipschitz: out of memory for scratch");
    if (cfg->method == WK_LIP_BJORCK) {
        if (cfg->bjorck_reparam) {
            critic->weight_fn = bjorck_weight;
            critic->weight_ctx = L;
        }
    }
    if (cfg->method == WK_LIP_SPECTRAL && (rc = attach_spectral(L, rng))) {
        wk_lipschitz_free(L);
        return rc;
    }
    /* start inside the constraint set; arbitrary initial weights can be badly conditioned
     * (a square uniform matrix has σ_min ≪ σ_max, which Björck lifts by only 1.5× per
     * iteration), so this first projection gets the final iteration budget */
    if (!(cfg->method == WK_LIP_BJORCK && cfg->bjorck_reparam) && (rc = project(L, cfg->bjorck_final_iters))) {
        wk_lipschitz_free(L);
        return rc;
    }
    return WK_OK;
}

void wk_lipschitz_free(wk_lipschitz *L) {
    if (!L) return;
    if (L->critic && L->critic->weight_ctx == L) {
        L->critic->weight_fn = NULL;
        L->critic->weight_ctx = NULL;
    }
    for (int i = 0; L->sn_u && i < L->n_layers; i++) wk_tensor_free(&L->sn_u[i]);
    for (int i = 0; L->sn_v && i < L->n_layers; i++) wk_tensor_free(&L->sn_v[i]);
    wk_free(L->sn_u);
    wk_free(L->sn_v);
    wk_free(L->sn_step);
    wk_free(L->work);
    memset(L, 0, sizeof *L);
}

/* ---- per step ------------------------------------------------------------------------------ */

wk_var *wk_lipschitz_penalty(wk_lipschitz *L, wk_graph *g, wk_var *real, wk_var *fake, wk_rng *rng) {
    if (L->cfg.method != WK_LIP_GP) return wk_constant(g, 0, (int64_t[]){1}, 0.0f);
    if (!real || !fake) return NULL;
    int64_t n = wk_value(real)->shape[0];
    /* α lives in the graph's arena: no heap allocation per step */
    float *alpha = wk_input_data(wk_input_empty(g, 1, &n, 0));
    if (!alpha) return NULL;
    for (int64_t i = 0; i < n; i++) alpha[i] = wk_rng_uniform(rng);
    return wk_gradient_penalty(g, L->critic, real, fake, alpha, L->cfg.gp_lambda, L->cfg.gp_one_sided);
}

int wk_lipschitz_after_step(wk_lipschitz *L) {
    L->step++;
    if (L->cfg.method == WK_LIP_BJORCK && L->cfg.bjorck_reparam) return WK_OK;
    return project(L, L->cfg.bjorck_iters);
}

int wk_lipschitz_finalize(wk_lipschitz *L) {
    if (L->cfg.method == WK_LIP_SPECTRAL) { /* converge every σ estimate */
        for (int i = 0; i < L->n_layers; i++)
            if (wk_layer_is_weighted(&L->critic->layers[i]))
                wk__spectral_advance(&L->critic->layers[i].weight->value, L->sn_u[i].data, L->sn_v[i].data, 100,
                                     (double *)L->work);
        return WK_OK;
    }
    /* Björck: the more precise final projection of the stored weights, in both modes. The
     * trainer does not call this (it would change the training state, and a resumed run must
     * stay bit-identical): it exports the forward-pass weights projected with the same
     * bjorck_final_iters into separate tensors instead (src/gan/layer_meta.c). */
    return project(L, L->cfg.bjorck_final_iters);
}
