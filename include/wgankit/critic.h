/* critic.h — a critic class of wk_gan_config as a standalone object: the network, its
 * Lipschitz method and its optimizer built from the same settings (--critic, --critic-depth,
 * --critic-width, --groupsort-k, --opt-d, --lr-d, ...) as `wgankit train` uses. The trainer
 * builds its critic through these, and so does the neural net distance (nnd.h), so a class F
 * is spelled, built and constrained the same way everywhere. */
#ifndef WGANKIT_CRITIC_H
#define WGANKIT_CRITIC_H

#include "wgankit/gan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The (uninitialised) critic network of cfg for samples shaped (ndim, shape): an MLP over the
 * flattened sample (GroupSort for bjorck/biau unless --critic-act says otherwise) or the DCGAN
 * critic; output clamp from critic_clamp. */
int wk_gan_critic_build(const wk_gan_config *c, int ndim, const int64_t *shape, wk_model *m);
/* Weights from cfg->init (PyTorch default, or N(0, init_std)). */
void wk_gan_model_init(const wk_gan_config *c, wk_model *m, wk_rng *rng);
/* The MLP critic's hidden activation: critic_act, with auto resolved (GroupSort for bjorck and
 * biau, else ReLU). */
wk_activation wk_gan_critic_act(const wk_gan_config *c);
/* Optimizer `kind` (cfg->opt_g or opt_d) with lr and cfg's beta1/beta2/eps/momentum. */
wk_optim_config wk_gan_optim_config(const wk_gan_config *c, wk_optim_kind kind, double lr);
/* cfg->critic and the Björck/spectral/clip/gp/Biau knobs as a lipschitz.h configuration. */
int wk_gan_lipschitz_config(const wk_gan_config *c, wk_lipschitz_config *out);

#ifdef __cplusplus
}
#endif
#endif
