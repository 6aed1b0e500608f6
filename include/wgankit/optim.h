/* optim.h — SGD (momentum, Nesterov), Adam and RMSProp with PyTorch's exact update formulas
 * (torch.optim as of 1.13), so a fixture run matches step by step.
 *
 * The optimizer keeps its state (moments, step count) on the heap next to the parameters it
 * updates; a checkpoint saves it through wk_optim_state_tensors(). Before every update the
 * step calls `grad_reduce` when set: the one place where a distributed run all-reduces
 * gradients across processes. */
#ifndef WGANKIT_OPTIM_H
#define WGANKIT_OPTIM_H

#include "wgankit/autodiff.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_OPT_SGD, WK_OPT_ADAM, WK_OPT_RMSPROP } wk_optim_kind;

typedef struct wk_optim_config {
    wk_optim_kind kind;
    float lr;
    float weight_decay;  /* L2 added to the gradient, as torch (not AdamW) */
    /* SGD */
    float momentum, dampening;
    int nesterov;
    /* Adam */
    float beta1, beta2, eps;
    /* RMSProp (uses momentum and eps too) */
    float alpha;
    int centered;
} wk_optim_config;

/* torch.optim defaults for each kind, with the given learning rate. */
wk_optim_config wk_optim_defaults(wk_optim_kind kind, float lr);
const char *wk_optim_name(wk_optim_kind kind);
int wk_optim_parse(const char *name, wk_optim_kind *out);

/* A status: an all-reduce that failed (a rank died) stops the step before any weight moves. */
typedef int (*wk_grad_reduce_fn)(wk_param **params, int n, void *ctx);

typedef struct wk_optimizer {
    wk_optim_config cfg;
    wk_param **params;
    int n_params;
    /* per parameter: Adam exp_avg / exp_avg_sq; RMSProp square_avg / momentum_buffer /
     * grad_avg; SGD momentum_buffer */
    wk_tensor *state[3];
    int64_t step;
    double grad_norm; /* 2-norm of all gradients at the last wk_optim_step (after grad_reduce) */
    wk_grad_reduce_fn grad_reduce;
    void *grad_reduce_ctx;
} wk_optimizer;

int wk_optim_init(wk_optimizer *o, const wk_optim_config *cfg, wk_param **params, int n_params);
void wk_optim_free(wk_optimizer *o);
/* One update from the accumulated gradients. WK_ENUMERIC (naming the parameter) without
 * touching any weight if a gradient is NaN/Inf. Sets o->grad_norm in the same pass. */
int wk_optim_step(wk_optimizer *o);
void wk_optim_zero_grad(wk_optimizer *o);
/* State tensor `which` (0..2) of parameter i, or NULL if this kind has none. For checkpoints. */
wk_tensor *wk_optim_state_tensor(wk_optimizer *o, int which, int i);
/* Names of the state slots for this kind ("exp_avg", ...), NULL past the last. */
const char *wk_optim_state_name(const wk_optimizer *o, int which);

#ifdef __cplusplus
}
#endif
#endif
