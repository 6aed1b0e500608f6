/* critic_class.c — building a critic class from the settings table (critic.h): the network,
 * its weights' initialisation, its optimizer and its Lipschitz method, from the settings'
 * enums (resolved from their names by the settings table, checked by wk_gan_config_validate). */

#include "wgankit/critic.h"
#include "wgankit/error.h"

wk_activation wk_gan_critic_act(const wk_gan_config *c) {
    switch (c->critic_act) {
    case WK_CRITIC_ACT_GROUPSORT: return WK_ACT_GROUPSORT;
    case WK_CRITIC_ACT_RELU: return WK_ACT_RELU;
    case WK_CRITIC_ACT_LEAKY_RELU: return WK_ACT_LEAKY_RELU;
    default: return c->critic == WK_LIP_BJORCK || c->critic == WK_LIP_BIAU ? WK_ACT_GROUPSORT : WK_ACT_RELU;
    }
}

int wk_gan_critic_build(const wk_gan_config *c, int ndim, const int64_t *shape, wk_model *m) {
    int rc;
    int64_t dim = 1;
    for (int i = 0; i < ndim; i++) dim *= shape[i];
    wk_model_init(m);
    m->output_clamp = (float)c->critic_clamp;
    if (c->critic_net == WK_NET_DCGAN) {
        wk_dcgan_spec s = {0, 0, c->latent_dim, c->dcgan_width, 0, (int)c->critic_norm};
        return (rc = wk_dcgan_spec_shape(&s, ndim, shape)) ? rc : wk_build_dcgan_critic(m, &s);
    }
    if (ndim > 1 && (rc = wk_model_add_reshape(m, 1, &dim))) return rc; /* flatten images */
    wk_mlp_spec s = {dim, 1, c->critic_depth, c->critic_width, wk_gan_critic_act(c), 0, WK_ACT_NONE, 1};
    if (s.act == WK_ACT_GROUPSORT) s.act_param = (float)c->groupsort_k;
    if (s.act == WK_ACT_LEAKY_RELU) s.act_param = 0.2f;
    return wk_build_mlp(m, &s);
}

void wk_gan_model_init(const wk_gan_config *c, wk_model *m, wk_rng *rng) {
    if (c->init == WK_INIT_NORMAL) wk_model_init_normal(m, rng, (float)c->init_std);
    else wk_model_init_default(m, rng);
}

wk_optim_config wk_gan_optim_config(const wk_gan_config *c, wk_optim_kind kind, double lr) {
    wk_optim_config o = wk_optim_defaults(kind, (float)lr);
    o.beta1 = (float)c->beta1;
    o.beta2 = (float)c->beta2;
    o.eps = (float)c->eps;
    o.momentum = (float)c->momentum;
    return o;
}

int wk_gan_lipschitz_config(const wk_gan_config *c, wk_lipschitz_config *out) {
    wk_lipschitz_config lc = wk_lipschitz_defaults(c->critic);
    lc.bjorck_iters = c->bjorck_iters;
    lc.bjorck_final_iters = c->bjorck_final_iters;
    lc.bjorck_beta = (float)c->bjorck_beta;
    lc.bjorck_reparam = c->bjorck_reparam;
    lc.bjorck_tol = (float)c->bjorck_tol;
    lc.sn_iters = c->sn_iters;
    lc.clip = (float)c->clip;
    lc.gp_lambda = (float)c->gp_lambda;
    lc.gp_one_sided = c->gp_one_sided;
    lc.bias_bound = (float)c->bias_bound;
    *out = lc;
    return WK_OK;
}
