/* lipschitz.h — keeping critics (near) 1-Lipschitz, and measuring how Lipschitz they are.
 *
 * Biau, Sangnier & Tanielian (JMLR 2021) study WGANs whose critics are 1-Lipschitz *by
 * construction*: GroupSort networks (Anil, Lucas & Grosse 2019) with orthonormal weights
 * (Björck iterations) or with their norm-constrained parameter set (‖V₁‖₂,∞ ≤ 1, ‖Vᵢ‖∞ ≤ 1).
 * The rest of the WGAN literature enforces the constraint approximately: weight clipping
 * (Arjovsky et al. 2017), gradient penalty (Gulrajani et al. 2017; one-sided: Petzka et al.
 * 2018), spectral normalisation (Miyato et al. 2018). One wk_lipschitz object puts any of them
 * on a wk_model critic, so an experiment swaps the critic class with one setting:
 *
 *   wk_lipschitz_attach()      once, after the critic is built (installs forward-pass
 *                              reparametrisations through wk_model.weight_fn when needed);
 *   wk_lipschitz_penalty()     every critic step: the term to add to the critic loss (a
 *                              zero constant for methods without a penalty);
 *   wk_lipschitz_after_step()  after every critic optimizer step: projections (Björck
 *                              projection mode, Biau constraints, clipping).
 *   wk_lipschitz_finalize()    once before evaluation/export: the final, more precise
 *                              projection where the method has one.
 */
#ifndef WGANKIT_LIPSCHITZ_H
#define WGANKIT_LIPSCHITZ_H

#include "wgankit/autodiff.h"
#include "wgankit/nn.h"
#include "wgankit/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WK_LIP_NONE = 0,   /* unconstrained critic */
    WK_LIP_BJORCK,     /* orthonormal weights by Björck iteration (GroupSort critics) */
    WK_LIP_BIAU,       /* Biau et al.'s parameter set: first layer rows ‖·‖₂ ≤ 1, later ‖·‖∞ ≤ 1 */
    WK_LIP_SPECTRAL,   /* spectral normalisation, power iteration with a persistent vector */
    WK_LIP_CLIP,       /* weight clipping to [-c, c] */
    WK_LIP_GP          /* gradient penalty on random interpolates */
} wk_lip_method;

/* "none", "bjorck", "biau", "spectral", "clip", "gp" */
const char *wk_lip_method_name(wk_lip_method m);
int wk_lip_method_parse(const char *s, wk_lip_method *out);

typedef struct wk_lipschitz_config {
    wk_lip_method method;
    /* Björck: W ← (1+β)W − βW WᵀW after scaling W by 1/√(‖W‖₁‖W‖∞) (converges only below √3) */
    int bjorck_iters;        /* per projection / forward pass (default 15) */
    int bjorck_final_iters;  /* wk_lipschitz_finalize (default 50) */
    float bjorck_beta;       /* default 0.5 */
    int bjorck_reparam;      /* 0: project after each step; 1: inside the forward pass (LNets) */
    /* spectral norm */
    int sn_iters;            /* power iterations per step (default 1) */
    /* clipping */
    float clip;              /* default 0.01 */
    /* gradient penalty */
    float gp_lambda;         /* default 10 (images); 0.1 for the 2-D toys */
    int gp_one_sided;        /* max(0, ‖g‖−1)² instead of (‖g‖−1)² */
    /* Biau constraints */
    float bias_bound;        /* |c| ≤ bias_bound (default 1e3: effectively unbounded) */
    /* Björck projection mode: stop before bjorck_iters once max|WᵀW − I| ≤ bjorck_tol or the
     * residual stops shrinking at float rounding (default 1e-6); 0 runs exactly bjorck_iters. */
    float bjorck_tol;
} wk_lipschitz_config;

wk_lipschitz_config wk_lipschitz_defaults(wk_lip_method method);

typedef struct wk_lipschitz {
    wk_lipschitz_config cfg;
    wk_model *critic;
    wk_tensor *sn_u;   /* spectral norm: persistent left singular vector estimate per layer */
    int n_layers;
    /* added: */
    wk_tensor *sn_v;   /* spectral norm: the matching right singular vector per layer */
    int64_t *sn_step;  /* spectral norm: the step at which each layer's u was last advanced */
    int64_t step;      /* critic steps seen by wk_lipschitz_after_step */
    float *work;       /* scratch sized at attach for every per-step projection / power step (no allocation per step) */
    size_t work_len;   /* floats in work */
    int last_bjorck_iters; /* iterations the last projection of the last layer took */
} wk_lipschitz;

int wk_lipschitz_attach(wk_lipschitz *L, const wk_lipschitz_config *cfg, wk_model *critic, wk_rng *rng);
void wk_lipschitz_free(wk_lipschitz *L);
/* Penalty term for one critic step on real/fake batches of equal shape; a 0 constant when
 * the method has none. Draws the interpolation weights from rng. */
wk_var *wk_lipschitz_penalty(wk_lipschitz *L, wk_graph *g, wk_var *real, wk_var *fake, wk_rng *rng);
int wk_lipschitz_after_step(wk_lipschitz *L);
int wk_lipschitz_finalize(wk_lipschitz *L);

/* ---- building blocks ---- */
/* In-place Björck orthonormalisation of a 2-D weight (rows if wide, columns if tall): exactly
 * `iters` iterations after scaling by the Gershgorin bound √‖WᵀW‖∞ ≥ σ_max (never looser than
 * √(‖W‖₁‖W‖∞), and free: that Gram matrix is the first iteration's). */
int wk_bjorck_project(wk_tensor *w, int iters, float beta);
/* Same with early stopping: at most max_iters iterations, stopping once max|WᵀW − I| ≤ tol or
 * the residual stops shrinking (float floor). work: NULL, or wk_bjorck_work_len(w) floats of
 * scratch. iters_done / residual (the final max|WᵀW − I|) may be NULL. */
int wk_bjorck_project_tol(wk_tensor *w, int max_iters, float beta, float tol, float *work, int *iters_done,
                          double *residual);
size_t wk_bjorck_work_len(const wk_tensor *w);
/* max|WᵀW − I| (tall) / max|WWᵀ − I| (wide), in double: the orthonormality residual. */
double wk_orthonormality_error(const wk_tensor *w);
/* The same as a differentiable op chain (gradients flow through the scaling and iterations). */
wk_var *wk_bjorck(wk_graph *g, wk_var *w, int iters, float beta);
/* λ·mean(φ(‖∇ₓD(x̂)‖ − 1)) with x̂ = α·real + (1−α)·fake, α[i] per row (φ = square, or the
 * one-sided max(0, ·)²), double-backprop ready. */
wk_var *wk_gradient_penalty(wk_graph *g, wk_model *critic, wk_var *real, wk_var *fake, const float *alpha,
                            float lambda, int one_sided);
/* Largest singular value of a 2-D matrix (a conv weight is read as [out, in·k·k]) by power
 * iteration from `u` (updated in place when given). */
double wk_spectral_norm(const wk_tensor *w, wk_tensor *u, int iters);
/* Power iteration (double precision) from a fixed start until σ changes by < rtol relatively
 * or max_iters; for reports and tests. */
double wk_spectral_norm_converged(const wk_tensor *w, int max_iters, double rtol);
/* Biau et al. projections (used by WK_LIP_BIAU), in place on a [out, in] weight:
 * every row scaled into the Euclidean unit ball (‖V₁‖₂,∞ ≤ 1), or every row projected onto
 * the ℓ1 unit ball (‖V‖∞ ≤ 1, Duchi et al. 2008). */
int wk_project_rows_l2(wk_tensor *w, float radius);
int wk_project_rows_l1(wk_tensor *w, float radius);

/* ---- how Lipschitz is a critic? ---- */
typedef struct wk_lipschitz_report {
    double certified;  /* upper bound: product of per-layer operator 2-norms (1-Lipschitz activations) */
    double grad_max;   /* lower bound: max ‖∇ₓD(x)‖ over the given points */
    double grad_mean;
    double pair_max;   /* lower bound: max |D(x)−D(y)|/‖x−y‖ over sampled pairs of the points, with
                        * D recomputed in double (MLP critics) or float32 less a rounding
                        * allowance, so rounding cannot inflate it; NaN when no sampled pair
                        * had two distinct points (one point, or all points equal) */
    int64_t n_points, n_pairs;
    /* added: a strict upper bound, product of per-layer Gershgorin bounds √‖WᵀW‖∞ ≥ σ_max
     * (Linear layers; conv layers contribute their power-iteration norm) */
    double certified_gershgorin;
} wk_lipschitz_report;
/* Why `certified` can be +Inf, for the null the JSON writers put in its place (JSON has no Inf). */
#define WK_LIP_NO_BOUND_REASON "no finite bound: the critic has a layer norm (not globally Lipschitz), or the product of its layers' norms overflows"

int wk_lipschitz_report_compute(wk_model *critic, const wk_tensor *points, int64_t n_pairs, wk_rng *rng,
                                wk_lipschitz_report *out);
/* The report of a mixture critic D = Σ_j w[j]·D_j of T critics, w[j] >= 0 (MIX+GAN, Arora et al.
 * 2017 §4): certified bounds Σ_j w[j]·(component j's), an upper bound of Lip(D) since
 * Lip(Σ_j w_j D_j) <= Σ_j w_j Lip(D_j); the measured lower bounds (grad_*, pair_max) are D's own,
 * from its gradient Σ_j w[j]·∇D_j and its values. T = 1, w = {1}: wk_lipschitz_report_compute. */
int wk_lipschitz_report_mixture(wk_model *const *critics, const double *w, int T, const wk_tensor *points, int64_t n_pairs,
                                wk_rng *rng, wk_lipschitz_report *out);

#ifdef __cplusplus
}
#endif
#endif
