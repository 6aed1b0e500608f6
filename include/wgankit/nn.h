/* nn.h — layers, sequential models and the builders used by the GANs (MLP, DCGAN).
 *
 * A wk_model is a list of layers applied in order; it owns its parameters (wk_param, on the
 * heap) and the batch-norm running statistics. Its forward pass only records ops on a graph,
 * so the same model serves the fast backward, double backprop (WGAN-GP) and evaluation.
 *
 * Weight hook: before a Linear/Conv weight is used, the model passes it through
 * `weight_fn` when one is set. The Lipschitz module uses this for reparametrisations that
 * gradients flow through (Björck orthonormalisation inside the forward pass, spectral
 * normalisation), without the model knowing about them.
 *
 * Parameter names follow PyTorch's nn.Sequential ("3.weight"), so a checkpoint maps onto a
 * torch.nn.Sequential of the same layers. */
#ifndef WGANKIT_NN_H
#define WGANKIT_NN_H

#include "wgankit/autodiff.h"
#include "wgankit/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WK_ACT_NONE = 0,
    WK_ACT_RELU,
    WK_ACT_LEAKY_RELU, /* slope = param (0.2 for DCGAN critics) */
    WK_ACT_TANH,
    WK_ACT_SIGMOID,
    WK_ACT_GROUPSORT,  /* group size = param (2 = MaxMin) */
    WK_ACT_SOFTPLUS
} wk_activation;

/* "relu", "leaky_relu", "tanh", "sigmoid", "groupsort", "softplus", "none" */
const char *wk_activation_name(wk_activation a);
int wk_activation_parse(const char *s, wk_activation *out);

typedef enum {
    WK_LAYER_LINEAR,
    WK_LAYER_CONV2D,
    WK_LAYER_CONVT2D,
    WK_LAYER_BATCHNORM,
    WK_LAYER_LAYERNORM,
    WK_LAYER_ACT,
    WK_LAYER_RESHAPE /* to [N, shape...] */
} wk_layer_kind;

typedef struct wk_layer {
    wk_layer_kind kind;
    wk_param *weight, *bias; /* NULL when the layer has none */
    int64_t in, out;         /* features or channels */
    int k, stride, pad, out_pad;
    wk_activation act;
    float act_param;
    wk_tensor running_mean, running_var; /* batch norm */
    float momentum, eps;
    int ndim;                 /* reshape / layer norm: trailing shape (without the batch axis) */
    int64_t shape[WK_MAX_DIMS];
} wk_layer;

/* The one test of a weighted layer (Linear, Conv2d, ConvTranspose2d): the layers whose weight
 * is a matrix or a kernel, which initialisation, weight_fn and the Lipschitz methods act on
 * (batch and layer norm have a per-channel scale, not a weight of this kind). */
static inline int wk_layer_is_weighted(const wk_layer *l) {
    return l->kind == WK_LAYER_LINEAR || l->kind == WK_LAYER_CONV2D || l->kind == WK_LAYER_CONVT2D;
}

struct wk_model;
/* Returns the weight to use in place of w (may be w itself). */
typedef wk_var *(*wk_weight_fn)(wk_graph *g, struct wk_model *m, int layer, wk_var *w, void *ctx);

typedef struct wk_model {
    wk_layer *layers;
    int n_layers, cap_layers;
    wk_param **params;
    int n_params, cap_params;
    wk_weight_fn weight_fn;
    void *weight_ctx;
    float output_clamp; /* > 0: clamp outputs to [-c, c] (the authors' critic uses 100) */
    int frozen;         /* forward uses the parameters as constants: no gradient for them (the
                           critic during a generator step) */
} wk_model;

void wk_model_init(wk_model *m);
void wk_model_free(wk_model *m);

int wk_model_add_linear(wk_model *m, int64_t in, int64_t out, int bias);
int wk_model_add_conv2d(wk_model *m, int64_t in, int64_t out, int k, int stride, int pad, int bias);
int wk_model_add_conv_transpose2d(wk_model *m, int64_t in, int64_t out, int k, int stride, int pad,
                                  int output_padding, int bias);
int wk_model_add_batchnorm(wk_model *m, int64_t channels, float momentum, float eps);
/* Normalise over the trailing `ndim` axes of the given shape (without the batch axis). */
int wk_model_add_layernorm(wk_model *m, int ndim, const int64_t *shape, float eps);
int wk_model_add_activation(wk_model *m, wk_activation act, float param);
int wk_model_add_reshape(wk_model *m, int ndim, const int64_t *shape);

/* PyTorch's default initialisation: weights kaiming-uniform with a = √5, i.e. U(±1/√fan_in),
 * biases U(±1/√fan_in) (fan_in of ConvTranspose2d from weight.size(1)·k², as PyTorch). */
void wk_model_init_default(wk_model *m, wk_rng *rng);
/* DCGAN initialisation (Radford et al. 2016): conv/linear weights N(0, std), batch-norm
 * scale N(1, std), biases 0. */
void wk_model_init_normal(wk_model *m, wk_rng *rng, float std);

/* Record the forward pass of x through the model. training selects batch statistics. */
wk_var *wk_model_forward(wk_model *m, wk_graph *g, wk_var *x, int training);
/* The same through layers [first, end) only (clamped to [0, n_layers]); the output clamp applies
 * only when end is the last layer. Used to read a hidden layer, e.g. pre-activation features. */
wk_var *wk_model_forward_layers(wk_model *m, wk_graph *g, wk_var *x, int training, int first, int end);
/* The layer whose bias is a constant offset of every output, D(x) = h(x) + b: the last weighted
 * layer when it has a bias and only reshapes follow it and the output is not clamped; else -1.
 * The offset cancels exactly in every difference of outputs (d_D = E D(real) - E D(fake), the
 * pairs |D(x) - D(y)|), and the gradient does not see it. */
int wk_model_offset_layer(const wk_model *m);
/* The forward pass without that offset, h(x) (the full forward pass where there is none): a
 * difference of outputs taken on it is not rounded at the offset's magnitude (a float32 output
 * 1e30 + h(x) has lost h(x) entirely). */
wk_var *wk_model_forward_offset_free(wk_model *m, wk_graph *g, wk_var *x, int training);
/* The same through layers [first, end) only: from the offset layer's input, the offset-free
 * outputs of a pass already recorded through layers [0, offset layer) (the logged critic loss, trainer.c) */
wk_var *wk_model_forward_layers_offset_free(wk_model *m, wk_graph *g, wk_var *x, int training, int first, int end);
void wk_model_zero_grad(wk_model *m);
int64_t wk_model_param_count(const wk_model *m);
/* Copy every parameter value and running statistic of src into dst (same architecture). */
int wk_model_copy_weights(wk_model *dst, const wk_model *src);
/* Human-readable one-line summary, e.g. "linear(2,512) relu ... (264,193 parameters)". */
const char *wk_model_describe(const wk_model *m, char *buf, size_t n);

/* ---- builders ---- */
typedef struct wk_mlp_spec {
    int64_t in, out;
    int depth;          /* hidden layers: 2→128→128→128→2 is depth 3 (Biau et al.'s p = depth + 1 maps) */
    int64_t width;
    wk_activation act;
    float act_param;    /* leaky slope or group size */
    wk_activation out_act;
    int bias;
} wk_mlp_spec;

int wk_build_mlp(wk_model *m, const wk_mlp_spec *s);

typedef struct wk_dcgan_spec {
    int image_size;     /* 28 or 32 */
    int channels;       /* 1 or 3 */
    int64_t latent_dim; /* generator input */
    int64_t width;      /* base channel count (64 in Radford et al.) */
    int batch_norm;     /* generator: batch norm after each hidden layer */
    /* critic: 0 none, 1 batch norm, 2 layer norm (batch norm is invalid with a gradient penalty) */
    int critic_norm;
} wk_dcgan_spec;

/* The DCGAN networks' one input-size rule: a sample shaped (ndim, shape) must be a [C, H, W]
 * image with H = W = 28 or 32 and C = 1 or 3. Sets s->image_size and s->channels; WK_EINVAL
 * naming the shape otherwise. Data loading and the trainer leave the rule to the builders. */
int wk_dcgan_spec_shape(wk_dcgan_spec *s, int ndim, const int64_t *shape);
/* Generator: z → Linear → [2w, s/4, s/4] → ConvT(2w→w, 4, 2, 1) → ConvT(w→C, 4, 2, 1) → tanh
 * for 28×28 (s/4 = 7); for 32×32 the same from 4×4 with one more ConvT (4→8→16→32). */
int wk_build_dcgan_generator(wk_model *m, const wk_dcgan_spec *s);
/* Critic: Conv(C→w, 4, 2, 1) → LeakyReLU(0.2) → Conv(w→2w, 4, 2, 1) → [norm] → LeakyReLU(0.2)
 * → (32×32: one more conv) → flatten → Linear(·, 1). */
int wk_build_dcgan_critic(wk_model *m, const wk_dcgan_spec *s);

#ifdef __cplusplus
}
#endif
#endif
