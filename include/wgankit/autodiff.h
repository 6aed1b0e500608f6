/* autodiff.h — reverse-mode automatic differentiation on a tape, with second order.
 *
 * A wk_graph is a tape: every op appends one node (wk_var) holding its output tensor, its
 * inputs and what its backward needs. Nodes are created in topological order, so the backward
 * pass is a walk over the tape in reverse. All node memory comes from the graph's arena;
 * wk_graph_reset() drops the nodes and keeps the memory, so a training loop that builds the
 * same graph each step allocates nothing from the heap after its first step.
 *
 * Two ways to differentiate, both from a scalar:
 *   wk_backward(g, y)                  accumulate dy/dθ into every parameter's grad tensor
 *                                      (and into wk_grad_of() of inputs built with requires_grad);
 *   wk_grad(g, y, xs, n, dxs, create)  return dy/dx for the given nodes only, as new nodes — the
 *                                      torch.autograd.grad(outputs, inputs) use. With create=1 the
 *                                      backward pass is itself recorded out of differentiable ops,
 *                                      so the result can be differentiated again (WGAN-GP's
 *                                      (‖∇ₓD(x)‖−1)² is differentiated w.r.t. the critic's θ).
 *
 * Every op therefore has a forward, a fast fused backward (used by wk_backward and by wk_grad
 * with create=0) and a vector-Jacobian product built from ops (used with create=1).
 *
 * Errors: an op that gets a bad shape or a NULL input returns NULL, records a message naming
 * the op and the shapes in the error slot (error.h) and makes the graph's status sticky, so a
 * caller can build a whole expression and check once: `if (!loss) return wk_graph_status(g);`.
 */
#ifndef WGANKIT_AUTODIFF_H
#define WGANKIT_AUTODIFF_H

#include "wgankit/error.h"
#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_graph wk_graph;
typedef struct wk_var wk_var;

/* A persistent trainable tensor: its value and its accumulated gradient live on the heap,
 * outside any graph. `name` is what a checkpoint stores it under. */
typedef struct wk_param {
    char name[96];
    wk_tensor value;
    wk_tensor grad;
} wk_param;

int wk_param_init(wk_param *p, const char *name, int ndim, const int64_t *shape);
void wk_param_free(wk_param *p);
void wk_param_zero_grad(wk_param *p);

/* ---- graph ---------------------------------------------------------------------------------- */
wk_graph *wk_graph_new(void);
void wk_graph_free(wk_graph *g);
/* Forget every node; keep the memory for the next step. Clears the sticky status. */
void wk_graph_reset(wk_graph *g);
/* wk_graph_reset, and give the kept memory back: for a long pause in a loop (a trainer before an
 * evaluation that builds graphs of its own), so that the two peaks do not add up. */
void wk_graph_trim(wk_graph *g);
/* WK_OK, or the first error since the last reset. */
int wk_graph_status(const wk_graph *g);
/* On by default: the backward pass stops with WK_ENUMERIC naming the op whose output
 * gradient became NaN/Inf. */
void wk_graph_set_check_numerics(wk_graph *g, int on);
size_t wk_graph_peak_bytes(const wk_graph *g);
int wk_graph_node_count(const wk_graph *g);

/* ---- nodes ---------------------------------------------------------------------------------- */
const wk_tensor *wk_value(const wk_var *v);
/* Gradient accumulated into an input node by wk_backward (NULL if none reached it). */
const wk_tensor *wk_grad_of(const wk_var *v);
int wk_requires_grad(const wk_var *v);

/* Leaves. wk_param_var aliases p->value (no copy); wk_backward accumulates into p->grad. */
wk_var *wk_param_var(wk_graph *g, wk_param *p);
/* The parameter's value as a constant (aliased, no gradient): a frozen network. */
wk_var *wk_param_const(wk_graph *g, wk_param *p);
/* A copy of t in the graph's arena; requires_grad makes it differentiable (wk_grad / wk_grad_of). */
wk_var *wk_input(wk_graph *g, const wk_tensor *t, int requires_grad);
/* An uninitialised input whose data the caller fills through wk_input_data(v). */
wk_var *wk_input_empty(wk_graph *g, int ndim, const int64_t *shape, int requires_grad);
/* Writable data of a leaf made by wk_input / wk_input_empty / wk_constant (NULL for op nodes,
 * whose values the tape owns). */
float *wk_input_data(wk_var *v);
wk_var *wk_constant(wk_graph *g, int ndim, const int64_t *shape, float value);
/* Same value, cut from the tape (no gradient flows through). */
wk_var *wk_detach(wk_graph *g, wk_var *x);

/* ---- ops -------------------------------------------------------------------------------------- */
/* 2-D matrix product op(a)·op(b), op = transpose when the flag is set (sgemm). */
wk_var *wk_matmul(wk_graph *g, wk_var *a, wk_var *b, int trans_a, int trans_b);
/* x [N, in], w [out, in], b [out] or NULL: x wᵀ + b (PyTorch's Linear). */
wk_var *wk_linear(wk_graph *g, wk_var *x, wk_var *w, wk_var *b);

/* Element-wise with NumPy broadcasting. */
wk_var *wk_add(wk_graph *g, wk_var *a, wk_var *b);
wk_var *wk_sub(wk_graph *g, wk_var *a, wk_var *b);
wk_var *wk_mul(wk_graph *g, wk_var *a, wk_var *b);
wk_var *wk_div(wk_graph *g, wk_var *a, wk_var *b);
/* a·x + c for scalars a, c. */
wk_var *wk_affine_scalar(wk_graph *g, wk_var *x, float a, float c);
wk_var *wk_add_scalar(wk_graph *g, wk_var *x, float c);
wk_var *wk_mul_scalar(wk_graph *g, wk_var *x, float a);
wk_var *wk_neg(wk_graph *g, wk_var *x);
/* x^p for a scalar p (x > 0 needed unless p is an integer). */
wk_var *wk_pow_scalar(wk_graph *g, wk_var *x, float p);

wk_var *wk_square(wk_graph *g, wk_var *x);
wk_var *wk_sqrt(wk_graph *g, wk_var *x);
wk_var *wk_exp(wk_graph *g, wk_var *x);
wk_var *wk_log(wk_graph *g, wk_var *x);
wk_var *wk_abs(wk_graph *g, wk_var *x);
wk_var *wk_relu(wk_graph *g, wk_var *x);
wk_var *wk_leaky_relu(wk_graph *g, wk_var *x, float slope);
wk_var *wk_tanh(wk_graph *g, wk_var *x);
wk_var *wk_sigmoid(wk_graph *g, wk_var *x);
wk_var *wk_softplus(wk_graph *g, wk_var *x);
/* max(lo, min(hi, x)); gradient 1 inside, 0 outside (as torch.clamp). */
wk_var *wk_clamp(wk_graph *g, wk_var *x, float lo, float hi);

/* GroupSort (Anil, Lucas & Grosse 2019): split the feature axis (axis 1) into consecutive
 * groups of k and sort each group ascending; k = 2 is MaxMin. Used by Lipschitz critics. */
wk_var *wk_groupsort(wk_graph *g, wk_var *x, int k);

/* Reductions. axis = WK_ALL_AXES sums everything into a scalar of shape []. */
#define WK_ALL_AXES (-100)
wk_var *wk_sum(wk_graph *g, wk_var *x, int axis, int keepdim);
wk_var *wk_mean(wk_graph *g, wk_var *x, int axis, int keepdim);
/* Sum x down to `shape` (inverse of broadcasting) / broadcast x up to `shape`. */
wk_var *wk_sum_to(wk_graph *g, wk_var *x, int ndim, const int64_t *shape);
wk_var *wk_broadcast_to(wk_graph *g, wk_var *x, int ndim, const int64_t *shape);

/* Shape ops (copies: every tensor stays contiguous). */
wk_var *wk_reshape(wk_graph *g, wk_var *x, int ndim, const int64_t *shape);
/* perm[i] = which input axis becomes output axis i. */
wk_var *wk_permute(wk_graph *g, wk_var *x, const int *perm);
wk_var *wk_transpose(wk_graph *g, wk_var *x); /* 2-D */
wk_var *wk_concat(wk_graph *g, wk_var **xs, int n, int axis);
wk_var *wk_slice(wk_graph *g, wk_var *x, int axis, int64_t start, int64_t len);
/* Rows of x along `axis` picked by idx[0..n) (torch.index_select). */
wk_var *wk_gather(wk_graph *g, wk_var *x, int axis, const int64_t *idx, int64_t n);

/* Convolutions (NCHW, square kernels, weights as PyTorch). b may be NULL. */
wk_var *wk_conv2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad);
wk_var *wk_conv_transpose2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad,
                            int output_padding);

/* Normalisation. Batch norm over axis 1 of [N, C] or [N, C, H, W]: in training mode it uses
 * batch statistics and updates running_mean/var in place (momentum as PyTorch, unbiased
 * variance for the running estimate); in eval mode it uses the running statistics.
 * gamma/beta may be NULL (no affine). */
wk_var *wk_batch_norm(wk_graph *g, wk_var *x, wk_var *gamma, wk_var *beta, wk_tensor *running_mean,
                      wk_tensor *running_var, int training, float momentum, float eps);
/* Layer norm over the last `n_axes` axes; gamma/beta shaped like those axes (or NULL). */
wk_var *wk_layer_norm(wk_graph *g, wk_var *x, int n_axes, wk_var *gamma, wk_var *beta, float eps);
/* log-softmax over the last axis of a 2-D [N, K]. */
wk_var *wk_log_softmax(wk_graph *g, wk_var *x);
/* Mean cross-entropy of logits [N, K] against integer labels in [0, K). */
wk_var *wk_cross_entropy(wk_graph *g, wk_var *logits, const int64_t *labels);

/* ---- differentiation -------------------------------------------------------------------------- */
int wk_backward(wk_graph *g, wk_var *y);
int wk_grad(wk_graph *g, wk_var *y, wk_var **xs, int n, wk_var **dxs, int create_graph);

#ifdef __cplusplus
}
#endif
#endif
