/* graph_internal.h — what the autodiff engine (graph.c) and the op files (ops_*.c) share:
 * the node layout, the op table entry, and helpers to create nodes and reach gradient
 * buffers. Not part of the public API. */
#ifndef WK_GRAPH_INTERNAL_H
#define WK_GRAPH_INTERNAL_H

#include "wgankit/autodiff.h"
#include "wgankit/error.h"

#define WK_MAX_INPUTS 4

/* One entry per op kind.
 *   backward: the fast path. Reads node->grad (dL/d output), accumulates dL/d input into
 *             wk__gin(g, node, i) for every input that requires a gradient.
 *   vjp:      the differentiable path (create_graph). Given the gradient node `gout`, builds
 *             dL/d input out of ops and stores it in dx[i] (NULL = no contribution). */
typedef struct wk_opdef {
    const char *name;
    void (*backward)(wk_graph *g, wk_var *node);
    void (*vjp)(wk_graph *g, wk_var *node, wk_var *gout, wk_var **dx);
} wk_opdef;

struct wk_var {
    wk_tensor value;
    const wk_opdef *op; /* NULL for a leaf */
    wk_var *in[WK_MAX_INPUTS];
    int n_in;
    int requires_grad;
    int index;          /* position on the tape */
    wk_param *param;    /* set for wk_param_var leaves */
    int iattr[8];       /* op attributes (axis, stride, kind, ...) */
    float fattr[4];
    int64_t lattr[WK_MAX_DIMS];
    void *saved;        /* op-specific arena memory (e.g. GroupSort's permutation) */
    /* backward state, valid while grad_epoch == graph epoch */
    float *grad;
    unsigned grad_epoch;
    wk_var *gvar;
    unsigned gvar_epoch;
    unsigned want_epoch; /* recorded pass: this node depends on one of the requested inputs */
    wk_tensor grad_view;
};

struct wk_graph {
    wk_arena arena;
    wk_arena scratch; /* an op's temporaries (im2col buffers, one set per thread of its team): reused by the next op */
    wk_var **nodes;
    int n_nodes, cap;
    int status;
    int check_numerics;
    int accumulate_params; /* wk_backward: parameter leaves accumulate into wk_param.grad */
    unsigned epoch;
};

/* A new node for `op` with the given inputs and an (uninitialised) output of `shape`.
 * requires_grad is the OR of the inputs'. NULL (status set) on allocation failure. */
wk_var *wk__node(wk_graph *g, const wk_opdef *op, wk_var *const *in, int n_in, int ndim,
                 const int64_t *shape);
/* Record an op failure: message in the error slot, sticky graph status; returns NULL. */
wk_var *wk__fail(wk_graph *g, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* For ops handed a NULL input (an earlier op failed): keep the first message, return NULL. */
wk_var *wk__null_input(wk_graph *g, const char *op);
/* Temporary buffer of n floats for the op being computed; valid until the next wk__scratch_done
 * (call it before the op returns). Keeps the graph's memory at one op's temporaries instead of
 * the sum over all ops. NULL (status set) on allocation failure. */
float *wk__scratch(wk_graph *g, int64_t n);
void wk__scratch_done(wk_graph *g);
/* Gradient buffer of input i of `node` (zeroed on first use in this pass), or NULL when
 * that input needs no gradient. */
float *wk__gin(wk_graph *g, wk_var *node, int i);
/* As wk__gin, but a buffer on its first use in this pass is not zeroed: then *fresh = 1 and the
 * caller must write every element (an op whose pass writes all of it saves the zeroing pass). */
float *wk__gin_raw(wk_graph *g, wk_var *node, int i, int *fresh);
/* dst[i] = EXPR into a fresh buffer of wk__gin_raw, else dst[i] += EXPR, for i < n (EXPR may use
 * i), split over the threads above WK_PAR_MIN elements: every backward that writes a gradient
 * element by element. */
#define WK_GRAD_LOOP(fresh, dst, n, EXPR)                                      \
    do {                                                                       \
        if (fresh) {                                                           \
            _Pragma("omp parallel for simd if ((n) > WK_PAR_MIN)")             \
            for (int64_t i = 0; i < (n); i++) (dst)[i] = (EXPR);               \
        } else {                                                               \
            _Pragma("omp parallel for simd if ((n) > WK_PAR_MIN)")             \
            for (int64_t i = 0; i < (n); i++) (dst)[i] += (EXPR);              \
        }                                                                      \
    } while (0)
/* In a recorded (create_graph) pass: does input i of `node` lead to one of the inputs the
 * gradient was asked for? vjps build products only for those, so wk_grad(y, {x̂}) does not
 * record the weight-gradient products that nothing will use. */
static inline int wk__wants(const wk_graph *g, const wk_var *node, int i) {
    return node->in[i]->requires_grad && node->in[i]->want_epoch == g->epoch;
}
/* Arena memory for op-saved data. */
void *wk__alloc(wk_graph *g, size_t bytes);
/* Shape string of a node for messages. */
const char *wk__shape(const wk_var *v, char *buf, size_t n);
/* Build a node's output shape description quickly. */
#define WK_SHAPE(v) wk__shape((v), (char[96]){0}, 96)

/* The im2col buffer size (floats) that sets a convolution's batch chunk (ops_conv.c); n > 0 sets
 * it, and the previous value is returned. For tests that need several chunks from small shapes:
 * process-wide, so not to be changed while other threads run convolutions. */
int64_t wk__conv_chunk_floats(int64_t n);
/* The vectorised stride-2 im2col/col2im of ops_conv.c: on (1, the default) or off (0), so a test can
 * compare it with the generic loops; -1 only reads. Returns the previous setting. Process-wide,
 * as wk__conv_chunk_floats. */
int wk__conv_fast_path(int on);

/* Element-wise loops go parallel above this many elements. */
#define WK_PAR_MIN 32768

#endif
