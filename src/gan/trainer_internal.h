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
    wk_exec exec; /* this trainer's threads (cfg.threads): every public call runs under it */
    /* training streams; a checkpoint stores all of them */
    wk_rng r_batch, r_latent, r_lip;
    int64_t step, critic_steps;
    int64_t *perm, perm_pos; /* epoch order over ds.train */
    double loss_d, loss_g, grad_norm_d, grad_norm_g;
    double seconds; /* wall time spent training up to `step`, over every resumed part (run.c keeps it) */
    double floor; int64_t floor_n; /* evaluate.c: the real-vs-real W1 floor, once (floor_n 0: not yet) */
};

/* Every public trainer call runs its body under the trainer's own thread context, so two
 * trainers in two threads of one process keep their own thread counts (tensor.h). */
#define WK_TRAINER_CALL(t, body_call)                                                                   \
    do {                                                                                                \
        wk_exec_saved wk__saved;                                                                        \
        wk_exec_enter(&(t)->exec, &wk__saved);                                                          \
        int wk__rc = (body_call);                                                                       \
        wk_exec_leave(&wk__saved);                                                                      \
        return wk__rc;                                                                                  \
    } while (0)

/* losses.c */
wk_var *wk__loss_critic(wk_graph *g, wk_loss_kind k, wk_var *d_real, wk_var *d_fake);
wk_var *wk__loss_generator(wk_graph *g, wk_loss_kind k, wk_var *d_fake);
/* evaluate.c: WK_EINVAL naming --track-generalization when it is on without a finite training sample. */
int wk__track_generalization_check(const wk_gan_config *c, const wk_dataset *ds);
/* trainer.c */
void wk__fill_latent(wk_trainer *t, wk_rng *r, float *z, int64_t n);
/* Forward n rows of x (sample shape) through the critic in chunks into d[n]. */
/* image_metrics.c: cfg.eval_metrics of the generated images `fake` into m->image */
int wk__image_metrics(wk_trainer *t, const wk_tensor *fake, const wk_tensor *real, wk_gan_metrics *m);
int wk__critic_values(wk_trainer *t, const float *x, int64_t n, float *d);
/* A lower bound on the weights (floats) of the two networks cfg describes, with its
 * sample_shape checked: lets a checkpoint's claims be checked against its size first. */
int wk__config_weight_floor(const wk_gan_config *c, double *floats);
/* layer_meta.c: a network's layer list as JSON, stating every forward-pass transformation of
 * the critic `lip` constrains (NULL for a generator), so it can be rebuilt from the file alone */
void wk__model_to_json(const wk_model *m, const wk_lipschitz *lip, wk_strbuf *sb);
/* layer_meta.c: the orthonormalised critic weights stored at the end of training
 * (export_orthonormal): n tensors named names[i], and their plain layer list */
typedef struct {
    int n;
    char names[160][128]; /* critic_depth <= 64: at most 65 linear layers, weight and bias each */
    wk_tensor tensors[160];
    wk_strbuf layers;
} wk__export;
int wk__export_orthonormal(wk_trainer *t, wk__export *ex);
void wk__export_free(wk__export *ex);
int wk__load_state(wk_trainer *t, const wk_safetensors *f);

#endif
