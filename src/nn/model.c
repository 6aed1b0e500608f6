/* model.c — sequential models: adding layers, initialising them as PyTorch does, and
 * recording their forward pass (see nn.h). */
#include "wgankit/nn.h"
#include "wgankit/error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *act_names[] = {"none", "relu", "leaky_relu", "tanh", "sigmoid", "groupsort", "softplus"};

const char *wk_activation_name(wk_activation a) {
    return (unsigned)a < sizeof act_names / sizeof *act_names ? act_names[a] : "?";
}

int wk_activation_parse(const char *s, wk_activation *out) {
    for (unsigned i = 0; i < sizeof act_names / sizeof *act_names; i++)
        if (!strcmp(s, act_names[i])) {
            *out = (wk_activation)i;
            return WK_OK;
        }
    return wk_errorf(WK_EINVAL, "unknown activation '%s' (relu, leaky_relu, tanh, sigmoid, groupsort, softplus, none)", s);
}

void wk_model_init(wk_model *m) { memset(m, 0, sizeof *m); }

void wk_model_free(wk_model *m) {
    for (int i = 0; i < m->n_params; i++) {
        wk_param_free(m->params[i]);
        wk_free(m->params[i]);
    }
    for (int i = 0; i < m->n_layers; i++) {
        wk_tensor_free(&m->layers[i].running_mean);
        wk_tensor_free(&m->layers[i].running_var);
    }
    wk_free(m->params);
    wk_free(m->layers);
    memset(m, 0, sizeof *m);
}

static wk_layer *push_layer(wk_model *m, wk_layer_kind kind) {
    if (m->n_layers == m->cap_layers) {
        int cap = m->cap_layers ? 2 * m->cap_layers : 8;
        wk_layer *l = wk_realloc(m->layers, (size_t)cap * sizeof *l);
        if (!l) return NULL;
        m->layers = l;
        m->cap_layers = cap;
    }
    wk_layer *l = &m->layers[m->n_layers++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    return l;
}

/* A parameter named "<layer index>.<what>", as torch.nn.Sequential names them. */
static wk_param *new_param(wk_model *m, const char *what, int ndim, const int64_t *shape) {
    if (m->n_params == m->cap_params) {
        int cap = m->cap_params ? 2 * m->cap_params : 16;
        wk_param **p = wk_realloc(m->params, (size_t)cap * sizeof *p);
        if (!p) return NULL;
        m->params = p;
        m->cap_params = cap;
    }
    wk_param *p = wk_calloc(1, sizeof *p);
    if (!p) return NULL;
    char name[64];
    snprintf(name, sizeof name, "%d.%s", m->n_layers - 1, what);
    if (wk_param_init(p, name, ndim, shape)) {
        wk_free(p);
        return NULL;
    }
    m->params[m->n_params++] = p;
    return p;
}

static int positive(const char *what, int64_t v) {
    return v > 0 ? WK_OK : wk_errorf(WK_EINVAL, "%s must be positive, got %lld", what, (long long)v);
}

int wk_model_add_linear(wk_model *m, int64_t in, int64_t out, int bias) {
    if (positive("linear: in", in) || positive("linear: out", out)) return WK_EINVAL;
    wk_layer *l = push_layer(m, WK_LAYER_LINEAR);
    if (!l) return WK_ENOMEM;
    l->in = in;
    l->out = out;
    l->weight = new_param(m, "weight", 2, (int64_t[]){out, in});
    if (bias) l->bias = new_param(m, "bias", 1, &out);
    return l->weight && (!bias || l->bias) ? WK_OK : WK_ENOMEM;
}

static int add_conv(wk_model *m, wk_layer_kind kind, int64_t in, int64_t out, int k, int stride, int pad,
                    int out_pad, int bias) {
    if (positive("conv: in channels", in) || positive("conv: out channels", out) || positive("conv: kernel", k) ||
        positive("conv: stride", stride))
        return WK_EINVAL;
    if (pad < 0 || out_pad < 0 || (out_pad && out_pad >= stride))
        return wk_errorf(WK_EINVAL, "conv: padding %d / output padding %d invalid for stride %d", pad, out_pad, stride);
    wk_layer *l = push_layer(m, kind);
    if (!l) return WK_ENOMEM;
    l->in = in;
    l->out = out;
    l->k = k;
    l->stride = stride;
    l->pad = pad;
    l->out_pad = out_pad;
    /* PyTorch layouts: Conv2d [out, in, k, k], ConvTranspose2d [in, out, k, k] */
    int64_t shape[4] = {kind == WK_LAYER_CONV2D ? out : in, kind == WK_LAYER_CONV2D ? in : out, k, k};
    l->weight = new_param(m, "weight", 4, shape);
    if (bias) l->bias = new_param(m, "bias", 1, &out);
    return l->weight && (!bias || l->bias) ? WK_OK : WK_ENOMEM;
}

int wk_model_add_conv2d(wk_model *m, int64_t in, int64_t out, int k, int stride, int pad, int bias) {
    return add_conv(m, WK_LAYER_CONV2D, in, out, k, stride, pad, 0, bias);
}

int wk_model_add_conv_transpose2d(wk_model *m, int64_t in, int64_t out, int k, int stride, int pad,
                                  int output_padding, int bias) {
    return add_conv(m, WK_LAYER_CONVT2D, in, out, k, stride, pad, output_padding, bias);
}

int wk_model_add_batchnorm(wk_model *m, int64_t channels, float momentum, float eps) {
    if (positive("batch norm: channels", channels)) return WK_EINVAL;
    wk_layer *l = push_layer(m, WK_LAYER_BATCHNORM);
    if (!l) return WK_ENOMEM;
    l->in = l->out = channels;
    l->momentum = momentum;
    l->eps = eps;
    l->weight = new_param(m, "weight", 1, &channels);
    l->bias = new_param(m, "bias", 1, &channels);
    if (!l->weight || !l->bias || wk_tensor_alloc(&l->running_mean, 1, &channels) ||
        wk_tensor_alloc(&l->running_var, 1, &channels))
        return WK_ENOMEM;
    for (int64_t c = 0; c < channels; c++) {
        l->weight->value.data[c] = 1;
        l->running_var.data[c] = 1;
    }
    return WK_OK;
}

int wk_model_add_layernorm(wk_model *m, int ndim, const int64_t *shape, float eps) {
    if (ndim < 1 || ndim > WK_MAX_DIMS - 1) return wk_errorf(WK_EINVAL, "layer norm: %d axes", ndim);
    wk_layer *l = push_layer(m, WK_LAYER_LAYERNORM);
    if (!l) return WK_ENOMEM;
    l->ndim = ndim;
    memcpy(l->shape, shape, (size_t)ndim * sizeof *shape);
    l->eps = eps;
    l->weight = new_param(m, "weight", ndim, shape);
    l->bias = new_param(m, "bias", ndim, shape);
    if (!l->weight || !l->bias) return WK_ENOMEM;
    for (int64_t i = 0; i < l->weight->value.numel; i++) l->weight->value.data[i] = 1;
    return WK_OK;
}

int wk_model_add_activation(wk_model *m, wk_activation act, float param) {
    if (act == WK_ACT_GROUPSORT && (param < 1 || param != floorf(param)))
        return wk_errorf(WK_EINVAL, "groupsort: group size must be a positive integer, got %g", param);
    wk_layer *l = push_layer(m, WK_LAYER_ACT);
    if (!l) return WK_ENOMEM;
    l->act = act;
    l->act_param = param;
    return WK_OK;
}

int wk_model_add_reshape(wk_model *m, int ndim, const int64_t *shape) {
    if (ndim < 1 || ndim > WK_MAX_DIMS - 1) return wk_errorf(WK_EINVAL, "reshape: %d axes", ndim);
    wk_layer *l = push_layer(m, WK_LAYER_RESHAPE);
    if (!l) return WK_ENOMEM;
    l->ndim = ndim;
    memcpy(l->shape, shape, (size_t)ndim * sizeof *shape);
    return WK_OK;
}

static int64_t fan_in(const wk_layer *l) {
    if (l->kind == WK_LAYER_LINEAR) return l->in;
    /* PyTorch takes fan_in from weight.size(1) times the kernel area, for both conv kinds */
    return l->weight->value.shape[1] * l->k * l->k;
}

void wk_model_init_default(wk_model *m, wk_rng *rng) {
    for (int i = 0; i < m->n_layers; i++) {
        wk_layer *l = &m->layers[i];
        if (!wk_layer_is_weighted(l)) continue;
        float bound = (float)(1.0 / sqrt((double)fan_in(l)));
        wk_rng_fill_uniform(rng, l->weight->value.data, l->weight->value.numel, -bound, bound);
        if (l->bias) wk_rng_fill_uniform(rng, l->bias->value.data, l->bias->value.numel, -bound, bound);
    }
}

void wk_model_init_normal(wk_model *m, wk_rng *rng, float std) {
    for (int i = 0; i < m->n_layers; i++) {
        wk_layer *l = &m->layers[i];
        if (l->kind == WK_LAYER_BATCHNORM)
            wk_rng_fill_normal(rng, l->weight->value.data, l->weight->value.numel, 1.0f, std);
        else if (wk_layer_is_weighted(l))
            wk_rng_fill_normal(rng, l->weight->value.data, l->weight->value.numel, 0.0f, std);
        else
            continue;
        if (l->bias) memset(l->bias->value.data, 0, (size_t)l->bias->value.numel * sizeof(float));
    }
}

static wk_var *activation(wk_graph *g, wk_var *x, wk_activation a, float p) {
    switch (a) {
    case WK_ACT_RELU: return wk_relu(g, x);
    case WK_ACT_LEAKY_RELU: return wk_leaky_relu(g, x, p);
    case WK_ACT_TANH: return wk_tanh(g, x);
    case WK_ACT_SIGMOID: return wk_sigmoid(g, x);
    case WK_ACT_GROUPSORT: return wk_groupsort(g, x, (int)p);
    case WK_ACT_SOFTPLUS: return wk_softplus(g, x);
    default: return x;
    }
}

int wk_model_offset_layer(const wk_model *m) {
    if (m->output_clamp > 0) return -1; /* clamp(h + b) - clamp(h' + b) is not h - h' */
    for (int i = m->n_layers - 1; i >= 0; i--) {
        const wk_layer *l = &m->layers[i];
        if (wk_layer_is_weighted(l)) return l->bias ? i : -1;
        if (l->kind != WK_LAYER_RESHAPE) return -1; /* a nonlinearity or norm after it: b does not pass through unchanged */
    }
    return -1;
}

/* skip_bias: the layer whose bias is left out (-1: none) */
static wk_var *forward(wk_model *m, wk_graph *g, wk_var *x, int training, int first, int end, int skip_bias) {
    if (first < 0) first = 0;
    if (end > m->n_layers) end = m->n_layers;
    for (int i = first; i < end && x; i++) {
        wk_layer *l = &m->layers[i];
        wk_var *(*leaf)(wk_graph *, wk_param *) = m->frozen ? wk_param_const : wk_param_var;
        wk_var *w = l->weight ? leaf(g, l->weight) : NULL;
        wk_var *b = l->bias && i != skip_bias ? leaf(g, l->bias) : NULL;
        if (m->weight_fn && wk_layer_is_weighted(l)) w = m->weight_fn(g, m, i, w, m->weight_ctx);
        switch (l->kind) {
        case WK_LAYER_LINEAR: x = wk_linear(g, x, w, b); break;
        case WK_LAYER_CONV2D: x = wk_conv2d(g, x, w, b, l->stride, l->pad); break;
        case WK_LAYER_CONVT2D: x = wk_conv_transpose2d(g, x, w, b, l->stride, l->pad, l->out_pad); break;
        case WK_LAYER_BATCHNORM:
            x = wk_batch_norm(g, x, w, b, &l->running_mean, &l->running_var, training, l->momentum, l->eps);
            break;
        case WK_LAYER_LAYERNORM: x = wk_layer_norm(g, x, l->ndim, w, b, l->eps); break;
        case WK_LAYER_ACT: x = activation(g, x, l->act, l->act_param); break;
        case WK_LAYER_RESHAPE: {
            int64_t shape[WK_MAX_DIMS];
            shape[0] = wk_value(x)->shape[0];
            memcpy(shape + 1, l->shape, (size_t)l->ndim * sizeof *shape);
            x = wk_reshape(g, x, l->ndim + 1, shape);
            break;
        }
        }
        if (!x) wk_error_context(wk_graph_status(g), "layer %d", i);
    }
    if (x && end == m->n_layers && m->output_clamp > 0) x = wk_clamp(g, x, -m->output_clamp, m->output_clamp);
    return x;
}

wk_var *wk_model_forward_layers(wk_model *m, wk_graph *g, wk_var *x, int training, int first, int end) {
    return forward(m, g, x, training, first, end, -1);
}

wk_var *wk_model_forward(wk_model *m, wk_graph *g, wk_var *x, int training) {
    return forward(m, g, x, training, 0, m->n_layers, -1);
}

wk_var *wk_model_forward_offset_free(wk_model *m, wk_graph *g, wk_var *x, int training) {
    return forward(m, g, x, training, 0, m->n_layers, wk_model_offset_layer(m));
}

wk_var *wk_model_forward_layers_offset_free(wk_model *m, wk_graph *g, wk_var *x, int training, int first, int end) {
    return forward(m, g, x, training, first, end, wk_model_offset_layer(m));
}

void wk_model_zero_grad(wk_model *m) {
    for (int i = 0; i < m->n_params; i++) wk_param_zero_grad(m->params[i]);
}

int64_t wk_model_param_count(const wk_model *m) {
    int64_t n = 0;
    for (int i = 0; i < m->n_params; i++) n += m->params[i]->value.numel;
    return n;
}

int wk_model_copy_weights(wk_model *dst, const wk_model *src) {
    if (dst->n_params != src->n_params || dst->n_layers != src->n_layers)
        return wk_errorf(WK_EINVAL, "copy weights: models differ (%d vs %d parameters)", dst->n_params, src->n_params);
    for (int i = 0; i < src->n_params; i++) {
        int rc = wk_tensor_copy(&dst->params[i]->value, &src->params[i]->value);
        if (rc) return wk_error_context(rc, "copy weights: %s", src->params[i]->name);
    }
    for (int i = 0; i < src->n_layers; i++)
        if (src->layers[i].kind == WK_LAYER_BATCHNORM) {
            wk_tensor_copy(&dst->layers[i].running_mean, &src->layers[i].running_mean);
            wk_tensor_copy(&dst->layers[i].running_var, &src->layers[i].running_var);
        }
    return WK_OK;
}

const char *wk_model_describe(const wk_model *m, char *buf, size_t n) {
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < m->n_layers && off < n; i++) {
        const wk_layer *l = &m->layers[i];
        const char *sep = i ? " " : "";
        switch (l->kind) {
        case WK_LAYER_LINEAR: off += (size_t)snprintf(buf + off, n - off, "%slinear(%lld,%lld)", sep, (long long)l->in, (long long)l->out); break;
        case WK_LAYER_CONV2D: off += (size_t)snprintf(buf + off, n - off, "%sconv(%lld,%lld,k%d,s%d)", sep, (long long)l->in, (long long)l->out, l->k, l->stride); break;
        case WK_LAYER_CONVT2D: off += (size_t)snprintf(buf + off, n - off, "%sconvT(%lld,%lld,k%d,s%d)", sep, (long long)l->in, (long long)l->out, l->k, l->stride); break;
        case WK_LAYER_BATCHNORM: off += (size_t)snprintf(buf + off, n - off, "%sbatchnorm", sep); break;
        case WK_LAYER_LAYERNORM: off += (size_t)snprintf(buf + off, n - off, "%slayernorm", sep); break;
        case WK_LAYER_ACT: off += (size_t)snprintf(buf + off, n - off, "%s%s", sep, wk_activation_name(l->act)); break;
        case WK_LAYER_RESHAPE: off += (size_t)snprintf(buf + off, n - off, "%sreshape", sep); break;
        }
    }
    if (off < n) snprintf(buf + off, n - off, " (%lld parameters)", (long long)wk_model_param_count(m));
    return buf;
}
