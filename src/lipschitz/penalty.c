/* penalty.c — the WGAN-GP gradient penalty (Gulrajani et al. 2017, eq. 3):
 *   λ · E_x̂ φ(‖∇ₓ̂ D(x̂)‖₂ − 1),  x̂ = α·real + (1−α)·fake, α ~ U[0, 1) per sample,
 * with φ(t) = t² (two-sided), or φ(t) = max(0, t)² (one-sided, Petzka et al. 2018, eq. 8:
 * only gradients steeper than 1 are penalised, which is what a Lipschitz constraint asks).
 *
 * x̂ is a fresh leaf (as torch's `xhat.requires_grad_(True)`): the penalty is a function of
 * the critic's parameters only. ∇ₓ̂ D is taken with create_graph, so the caller's
 * wk_backward differentiates the penalty w.r.t. θ by double backprop. */
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"

#include <string.h>

wk_var *wk_gradient_penalty(wk_graph *g, wk_model *critic, wk_var *real, wk_var *fake, const float *alpha,
                            float lambda, int one_sided) {
    if (!real || !fake || !alpha || !critic) {
        wk_errorf(WK_EINVAL, "gradient penalty: NULL argument");
        return NULL;
    }
    const wk_tensor *r = wk_value(real), *f = wk_value(fake);
    if (!wk_shape_equal(r, f) || r->ndim < 2) {
        char a[64], b[64];
        wk_errorf(WK_EINVAL, "gradient penalty: real %s and fake %s must have the same shape [N, ...]",
                  wk_shape_str(r, a, sizeof a), wk_shape_str(f, b, sizeof b));
        return NULL;
    }
    int64_t n = r->shape[0], per = r->numel / (n ? n : 1);
    wk_var *xh = wk_input_empty(g, r->ndim, r->shape, 1);
    if (!xh) return NULL;
    float *x = wk_input_data(xh);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < per; j++)
            x[i * per + j] = alpha[i] * r->data[i * per + j] + (1.0f - alpha[i]) * f->data[i * per + j];

    wk_var *d = wk_model_forward(critic, g, xh, 1), *gx = NULL;
    if (!d || wk_grad(g, wk_sum(g, d, WK_ALL_AXES, 0), &xh, 1, &gx, 1)) return NULL;
    gx = wk_reshape(g, gx, 2, (int64_t[]){n, per});
    /* ‖g_i‖ = √(Σ g_ij² + 1e-12): the 1e-12 keeps the derivative finite where ∇D = 0 (a flat
     * ReLU region) and moves ‖g‖ by < 1e-11 where it matters. */
    wk_var *norm = wk_sqrt(g, wk_add_scalar(g, wk_sum(g, wk_square(g, gx), 1, 0), 1e-12f));
    wk_var *t = wk_add_scalar(g, norm, -1.0f);
    if (one_sided) t = wk_relu(g, t);
    return wk_mul_scalar(g, wk_mean(g, wk_square(g, t), WK_ALL_AXES, 0), lambda);
}
