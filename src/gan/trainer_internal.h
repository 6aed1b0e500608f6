/* trainer_internal.h — the wk_trainer layout shared by the files of src/gan (trainer.c,
 * losses.c, evaluate.c, checkpoint.c, run.c). Not part of the public API. */
#ifndef WK_GAN_TRAINER_INTERNAL_H
#define WK_GAN_TRAINER_INTERNAL_H

#include "wgankit/gan.h"
#include "wgankit/safetensors.h"

struct wk_trainer {
    wk_gan_config cfg;
    wk_dataset ds;
    int has_data;
    int ndim; /* one sample's shape (without the batch axis) */
    int64_t shape[WK_MAX_DIMS], dim;
    int is_image;
    wk_model gen, critic, ema;
    int has_ema;
    int critic_has_bn; /* batch norm in the critic: real and fake must stay separate batches */
    wk_optimizer opt_g, opt_d;
    wk_lipschitz lip;
    wk_loss_kind loss;
    wk_latent_law latent;
    wk_graph *g_gen, *g_critic, *g_eval; /* one graph per network, reset every step */
    /* training streams; a checkpoint stores all of them */
    wk_rng r_batch, r_latent, r_lip;
    int64_t step, critic_steps;
    int64_t *perm, perm_pos; /* epoch order over ds.train */
    double loss_d, loss_g, grad_norm_d, grad_norm_g;
};

/* losses.c */
wk_var *wk__loss_critic(wk_graph *g, wk_loss_kind k, wk_var *d_real, wk_var *d_fake);
wk_var *wk__loss_generator(wk_graph *g, wk_loss_kind k, wk_var *d_fake);
/* trainer.c */
void wk__fill_latent(wk_trainer *t, wk_rng *r, float *z, int64_t n);
/* Forward n rows of x (sample shape) through the critic in chunks into d[n]. */
/* image_metrics.c: cfg.eval_metrics of the generated images `fake` into m->image */
int wk__image_metrics(wk_trainer *t, const wk_tensor *fake, const wk_tensor *real, wk_gan_metrics *m);
int wk__critic_values(wk_trainer *t, const float *x, int64_t n, float *d);
/* checkpoint.c: a network's layer list as JSON (for rebuilding it elsewhere) */
void wk__model_to_json(const wk_model *m, wk_strbuf *sb);
int wk__load_state(wk_trainer *t, const wk_safetensors *f);

#endif
