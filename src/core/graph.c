/* graph.c — the autodiff tape: graphs, nodes, leaves, and the two backward passes
 * (fast accumulate, and recorded create_graph) described in autodiff.h. */
#include "core/graph_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- parameters ---- */
int wk_param_init(wk_param *p, const char *name, int ndim, const int64_t *shape) {
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    int rc = wk_tensor_alloc(&p->value, ndim, shape);
    if (rc) return rc;
    rc = wk_tensor_alloc(&p->grad, ndim, shape);
    if (rc) wk_tensor_free(&p->value);
    return rc;
}

void wk_param_free(wk_param *p) {
    wk_tensor_free(&p->value);
    wk_tensor_free(&p->grad);
}

void wk_param_zero_grad(wk_param *p) {
    memset(p->grad.data, 0, (size_t)p->grad.numel * sizeof(float));
}

/* ---- graph ---- */
wk_graph *wk_graph_new(void) {
    wk_graph *g = wk_calloc(1, sizeof *g);
    if (!g) return NULL;
    wk_arena_init(&g->arena, (size_t)32 << 20);
    wk_arena_init(&g->scratch, (size_t)4 << 20);
    g->check_numerics = 1;
    return g;
}

void wk_graph_free(wk_graph *g) {
    if (!g) return;
    wk_arena_destroy(&g->arena);
    wk_arena_destroy(&g->scratch);
    wk_free(g->nodes);
    wk_free(g);
}

void wk_graph_reset(wk_graph *g) {
    wk_arena_reset(&g->arena);
    g->n_nodes = 0;
    g->status = WK_OK;
}

void wk_graph_trim(wk_graph *g) {
    wk_graph_reset(g);
    size_t block = g->arena.block_size, sblock = g->scratch.block_size;
    wk_arena_destroy(&g->arena);
    wk_arena_destroy(&g->scratch);
    wk_arena_init(&g->arena, block);
    wk_arena_init(&g->scratch, sblock);
}

int wk_graph_status(const wk_graph *g) { return g->status; }
void wk_graph_set_check_numerics(wk_graph *g, int on) { g->check_numerics = on; }
size_t wk_graph_peak_bytes(const wk_graph *g) { return g->arena.peak; }
int wk_graph_node_count(const wk_graph *g) { return g->n_nodes; }

wk_var *wk__fail(wk_graph *g, int code, const char *fmt, ...) {
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!g->status) {
        wk_errorf(code, "%s", msg);
        g->status = code;
    }
    return NULL;
}

wk_var *wk__null_input(wk_graph *g, const char *op) {
    if (!g->status) return wk__fail(g, WK_EINVAL, "%s: input is NULL", op);
    return NULL;
}

void *wk__alloc(wk_graph *g, size_t bytes) {
    void *p = wk_arena_alloc(&g->arena, bytes);
    if (!p && !g->status) g->status = WK_ENOMEM;
    return p;
}

float *wk__scratch(wk_graph *g, int64_t n) {
    float *p = wk_arena_alloc(&g->scratch, (size_t)(n > 0 ? n : 1) * sizeof(float));
    if (!p && !g->status) g->status = WK_ENOMEM;
    return p;
}

void wk__scratch_done(wk_graph *g) { wk_arena_reset(&g->scratch); }

const char *wk__shape(const wk_var *v, char *buf, size_t n) { return wk_shape_str(&v->value, buf, n); }

static wk_var *push_node(wk_graph *g) {
    if (g->n_nodes == g->cap) {
        int cap = g->cap ? g->cap * 2 : 1024;
        wk_var **nn = wk_realloc(g->nodes, (size_t)cap * sizeof *nn);
        if (!nn) return wk__fail(g, WK_ENOMEM, "graph: out of memory for %d nodes", cap);
        g->nodes = nn;
        g->cap = cap;
    }
    wk_var *v = wk__alloc(g, sizeof *v);
    if (!v) return wk__fail(g, WK_ENOMEM, "graph: out of memory");
    memset(v, 0, sizeof *v);
    v->index = g->n_nodes;
    g->nodes[g->n_nodes++] = v;
    return v;
}

wk_var *wk__node(wk_graph *g, const wk_opdef *op, wk_var *const *in, int n_in, int ndim,
                 const int64_t *shape) {
    wk_var *v = push_node(g);
    if (!v) return NULL;
    v->op = op;
    v->n_in = n_in;
    for (int i = 0; i < n_in; i++) {
        v->in[i] = in[i];
        v->requires_grad |= in[i]->requires_grad;
    }
    if (wk_arena_tensor(&g->arena, &v->value, ndim, shape, 0))
        return wk__fail(g, wk_last_error_code(), "%s: %s", op ? op->name : "leaf", wk_last_error());
    return v;
}

/* ---- leaves ---- */
const wk_tensor *wk_value(const wk_var *v) { return &v->value; }
int wk_requires_grad(const wk_var *v) { return v->requires_grad; }

const wk_tensor *wk_grad_of(const wk_var *v) {
    return v->grad ? &v->grad_view : NULL;
}

wk_var *wk_param_var(wk_graph *g, wk_param *p) {
    wk_var *v = push_node(g);
    if (!v) return NULL;
    v->value = p->value; /* alias: parameters are read-only during a step */
    v->param = p;
    v->requires_grad = 1;
    return v;
}

wk_var *wk_param_const(wk_graph *g, wk_param *p) {
    wk_var *v = push_node(g);
    if (v) v->value = p->value;
    return v;
}

wk_var *wk_input_empty(wk_graph *g, int ndim, const int64_t *shape, int requires_grad) {
    wk_var *v = wk__node(g, NULL, NULL, 0, ndim, shape);
    if (v) v->requires_grad = requires_grad;
    return v;
}

float *wk_input_data(wk_var *v) { return v && !v->op && !v->param ? v->value.data : NULL; }

wk_var *wk_input(wk_graph *g, const wk_tensor *t, int requires_grad) {
    wk_var *v = wk_input_empty(g, t->ndim, t->shape, requires_grad);
    if (v) memcpy(v->value.data, t->data, (size_t)t->numel * sizeof(float));
    return v;
}

wk_var *wk_constant(wk_graph *g, int ndim, const int64_t *shape, float value) {
    wk_var *v = wk_input_empty(g, ndim, shape, 0);
    if (v)
        for (int64_t i = 0; i < v->value.numel; i++) v->value.data[i] = value;
    return v;
}

wk_var *wk_detach(wk_graph *g, wk_var *x) {
    if (!x) return wk__null_input(g, "detach");
    wk_var *v = push_node(g);
    if (!v) return NULL;
    v->value = x->value; /* same memory, no tape link */
    return v;
}

/* ---- backward passes ---- */
float *wk__gin(wk_graph *g, wk_var *node, int i) {
    int fresh = 0;
    float *p = wk__gin_raw(g, node, i, &fresh);
    if (p && fresh) memset(p, 0, (size_t)node->in[i]->value.numel * sizeof(float));
    return p;
}

float *wk__gin_raw(wk_graph *g, wk_var *node, int i, int *fresh) {
    wk_var *x = node->in[i];
    *fresh = 0;
    if (!x->requires_grad) return NULL;
    if (x->grad_epoch != g->epoch) {
        x->grad_epoch = g->epoch;
        if (x->param && g->accumulate_params) {
            x->grad = x->param->grad.data;
        } else {
            x->grad = wk_arena_alloc(&g->arena, (size_t)x->value.numel * sizeof(float));
            if (!x->grad) { /* out of memory: report once, drop this contribution */
                x->grad_epoch = 0;
                if (!g->status) g->status = WK_ENOMEM;
                return NULL;
            }
            *fresh = 1;
        }
        x->grad_view = x->value;
        x->grad_view.data = x->grad;
    }
    return x->grad;
}

static int check_scalar(wk_graph *g, wk_var *y, const char *who) {
    if (g->status) return g->status;
    if (!y) return wk_errorf(WK_EINVAL, "%s: output is NULL", who);
    if (y->value.numel != 1)
        return wk_errorf(WK_EINVAL, "%s: output must be a scalar, got shape %s", who, WK_SHAPE(y));
    return WK_OK;
}

/* Walk the tape from y down, calling each reached op's fast backward. */
static int run_fast_backward(wk_graph *g, wk_var *y) {
    g->epoch++;
    if (g->epoch == 0) g->epoch = 1;
    /* seed dy/dy = 1 through a fake consumer */
    y->grad_epoch = g->epoch;
    y->grad = y->param && g->accumulate_params ? y->param->grad.data
                                               : wk_arena_zalloc(&g->arena, sizeof(float) * 64);
    if (!y->grad) return g->status = WK_ENOMEM;
    y->grad[0] += 1.0f;
    y->grad_view = y->value;
    y->grad_view.data = y->grad;
    for (int i = y->index; i >= 0; i--) {
        wk_var *v = g->nodes[i];
        if (!v->op || v->grad_epoch != g->epoch || !v->requires_grad) continue;
        if (g->check_numerics) {
            int64_t k = wk_first_nonfinite(v->grad, v->value.numel);
            if (k >= 0) {
                g->status = WK_ENUMERIC;
                return wk_errorf(WK_ENUMERIC,
                                 "backward: gradient of the output of op '%s' (shape %s) is %s at element %lld",
                                 v->op->name, WK_SHAPE(v), isnan(v->grad[k]) ? "NaN" : "Inf", (long long)k);
            }
        }
        v->op->backward(g, v);
        if (g->status) return g->status;
    }
    return WK_OK;
}

int wk_backward(wk_graph *g, wk_var *y) {
    int rc = check_scalar(g, y, "backward");
    if (rc) return rc;
    g->accumulate_params = 1;
    rc = run_fast_backward(g, y);
    g->accumulate_params = 0;
    return rc;
}

static void add_gvar(wk_graph *g, wk_var *x, wk_var *d) {
    if (x->gvar_epoch == g->epoch && x->gvar)
        x->gvar = wk_add(g, x->gvar, d);
    else {
        x->gvar = d;
        x->gvar_epoch = g->epoch;
    }
}

int wk_grad(wk_graph *g, wk_var *y, wk_var **xs, int n, wk_var **dxs, int create_graph) {
    int rc = check_scalar(g, y, "grad");
    if (rc) return rc;
    for (int i = 0; i < n; i++)
        if (!xs[i]) return wk_errorf(WK_EINVAL, "grad: input %d is NULL", i);
    if (!create_graph) {
        rc = run_fast_backward(g, y);
        if (rc) return rc;
        for (int i = 0; i < n; i++) {
            wk_var *x = xs[i];
            if (x->grad_epoch == g->epoch) {
                dxs[i] = wk_input_empty(g, x->value.ndim, x->value.shape, 0);
                if (dxs[i]) memcpy(dxs[i]->value.data, x->grad, (size_t)x->value.numel * sizeof(float));
            } else {
                dxs[i] = wk_constant(g, x->value.ndim, x->value.shape, 0.0f);
            }
            if (!dxs[i]) return g->status;
        }
        return WK_OK;
    }
    /* Recorded pass: every vector-Jacobian product is built from ops, so the gradients are
     * ordinary nodes that a later wk_backward can differentiate again. */
    g->epoch++;
    if (g->epoch == 0) g->epoch = 1;
    /* Mark the nodes that depend on a requested input (one pass in tape order): only their
     * vector-Jacobian products are needed. */
    for (int i = 0; i < n; i++) xs[i]->want_epoch = g->epoch;
    for (int i = 0; i <= y->index; i++) {
        wk_var *v = g->nodes[i];
        for (int j = 0; j < v->n_in && v->want_epoch != g->epoch; j++)
            if (v->in[j]->want_epoch == g->epoch) v->want_epoch = g->epoch;
    }
    y->gvar = wk_constant(g, y->value.ndim, y->value.shape, 1.0f);
    y->gvar_epoch = g->epoch;
    for (int i = y->index; i >= 0; i--) {
        wk_var *v = g->nodes[i];
        if (!v->op || v->gvar_epoch != g->epoch || !v->gvar || !v->requires_grad || v->want_epoch != g->epoch)
            continue;
        wk_var *dx[WK_MAX_INPUTS] = {0};
        v->op->vjp(g, v, v->gvar, dx);
        if (g->status) return g->status;
        for (int j = 0; j < v->n_in; j++)
            if (dx[j] && wk__wants(g, v, j)) add_gvar(g, v->in[j], dx[j]);
        if (g->status) return g->status;
    }
    for (int i = 0; i < n; i++) {
        wk_var *x = xs[i];
        dxs[i] = x->gvar_epoch == g->epoch && x->gvar ? x->gvar
                                                       : wk_constant(g, x->value.ndim, x->value.shape, 0.0f);
        if (!dxs[i]) return g->status;
    }
    return WK_OK;
}
