/* losses.c — the four GAN objectives (gan.h lists the formulas). WGAN (Arjovsky et al. 2017)
 * reads D as a 1-Lipschitz potential; minimax/non-saturating (Goodfellow et al. 2014) and hinge
 * (Lim & Ye 2017, Miyato et al. 2018) read it as a logit/score. log σ(x) = −softplus(−x) keeps
 * the GAN losses finite for large logits. */
#include "trainer_internal.h"

static wk_var *mean(wk_graph *g, wk_var *x) { return wk_mean(g, x, WK_ALL_AXES, 0); }

wk_var *wk__loss_critic(wk_graph *g, wk_loss_kind k, wk_var *d_real, wk_var *d_fake) {
    switch (k) {
    case WK_LOSS_WGAN: return wk_sub(g, mean(g, d_fake), mean(g, d_real));
    case WK_LOSS_MINIMAX:
    case WK_LOSS_NS: /* -log σ(D(x)) - log(1 - σ(D(G(z)))) */
        return wk_add(g, mean(g, wk_softplus(g, wk_neg(g, d_real))), mean(g, wk_softplus(g, d_fake)));
    case WK_LOSS_HINGE:
        return wk_add(g, mean(g, wk_relu(g, wk_affine_scalar(g, d_real, -1, 1))),
                      mean(g, wk_relu(g, wk_add_scalar(g, d_fake, 1))));
    }
    return NULL;
}

wk_var *wk__loss_generator(wk_graph *g, wk_loss_kind k, wk_var *d_fake) {
    switch (k) {
    case WK_LOSS_WGAN:
    case WK_LOSS_HINGE: return wk_neg(g, mean(g, d_fake));
    case WK_LOSS_MINIMAX: return wk_neg(g, mean(g, wk_softplus(g, d_fake))); /* log(1 - σ(D)) */
    case WK_LOSS_NS: return mean(g, wk_softplus(g, wk_neg(g, d_fake)));     /* -log σ(D) */
    }
    return NULL;
}
