/* ops_binary.c — add, sub, mul, div with NumPy broadcasting: forward, fast backward (which
 * reduces the gradient back to each input's shape), and the differentiable vjp. */
#include "core/broadcast.h"
#include "core/graph_internal.h"

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

static const char *names[] = {"add", "sub", "mul", "div"};

static inline float apply(int kind, float a, float b) {
    switch (kind) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default: return a / b;
    }
}

static void forward(int kind, const wk_bcast *bc, const float *a, const float *b, float *y) {
    int64_t n = bc->numel, inner = wk_bcast_inner(bc), rows = inner ? n / inner : 0;
    int64_t sa = wk_bcast_inner_stride_a(bc), sb = wk_bcast_inner_stride_b(bc);
#pragma omp parallel for if (n > WK_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        int64_t oa, ob;
        wk_bcast_offsets(bc, r * inner, &oa, &ob);
        const float *ar = a + oa, *br = b + ob;
        float *yr = y + r * inner;
        if (sa && sb) {
            switch (kind) { /* dispatch outside the loop so it vectorises */
            case OP_ADD: for (int64_t j = 0; j < inner; j++) yr[j] = ar[j] + br[j]; break;
            case OP_SUB: for (int64_t j = 0; j < inner; j++) yr[j] = ar[j] - br[j]; break;
            case OP_MUL: for (int64_t j = 0; j < inner; j++) yr[j] = ar[j] * br[j]; break;
            default: for (int64_t j = 0; j < inner; j++) yr[j] = ar[j] / br[j];
            }
        } else if (sa)
            for (int64_t j = 0; j < inner; j++) yr[j] = apply(kind, ar[j], br[0]);
        else if (sb)
            for (int64_t j = 0; j < inner; j++) yr[j] = apply(kind, ar[0], br[j]);
        else
            for (int64_t j = 0; j < inner; j++) yr[j] = apply(kind, ar[0], br[0]);
    }
}

/* dL/da and dL/db for one output element, given gout, a, b and y. */
static inline float grad_a(int kind, float go, float b) {
    return kind == OP_MUL ? go * b : kind == OP_DIV ? go / b : go;
}
static inline float grad_b(int kind, float go, float a, float b, float y) {
    (void)a;
    return kind == OP_ADD ? go : kind == OP_SUB ? -go : kind == OP_MUL ? go * a : -go * y / b;
}

/* g[j·sg] += d y_j / d (input `which`) · go_j over one broadcast row of `len` outputs, a and b
 * read with strides sa, sb; sg = 0 means every output feeds g[0]. The kind is switched on
 * outside the loops so that each loop vectorises. */
static void accumulate_grad(int kind, int which, const float *go, const float *a, int64_t sa, const float *b,
                            int64_t sb, const float *y, float *gacc, int64_t sg, int64_t len) {
    if (sg == 0) {
        float s = 0;
        if (kind == OP_ADD || (kind == OP_SUB && which == 0)) {
#pragma omp simd reduction(+ : s)
            for (int64_t j = 0; j < len; j++) s += go[j];
        } else if (kind == OP_SUB) {
#pragma omp simd reduction(+ : s)
            for (int64_t j = 0; j < len; j++) s -= go[j];
        } else if (kind == OP_MUL) {
            const float *o = which ? a : b;
            int64_t so = which ? sa : sb;
#pragma omp simd reduction(+ : s)
            for (int64_t j = 0; j < len; j++) s += go[j] * o[j * so];
        } else {
            for (int64_t j = 0; j < len; j++)
                s += which ? grad_b(kind, go[j], a[j * sa], b[j * sb], y[j]) : grad_a(kind, go[j], b[j * sb]);
        }
        gacc[0] += s;
        return;
    }
    if (kind == OP_ADD || (kind == OP_SUB && which == 0)) {
        for (int64_t j = 0; j < len; j++) gacc[j * sg] += go[j];
    } else if (kind == OP_SUB) {
        for (int64_t j = 0; j < len; j++) gacc[j * sg] -= go[j];
    } else if (kind == OP_MUL) {
        const float *o = which ? a : b;
        int64_t so = which ? sa : sb;
        for (int64_t j = 0; j < len; j++) gacc[j * sg] += go[j] * o[j * so];
    } else {
        for (int64_t j = 0; j < len; j++)
            gacc[j * sg] += which ? grad_b(kind, go[j], a[j * sa], b[j * sb], y[j]) : grad_a(kind, go[j], b[j * sb]);
    }
}

static void backward(wk_graph *g, wk_var *v) {
    int kind = v->iattr[0];
    wk_bcast bc;
    wk_bcast_init(&bc, &v->in[0]->value, &v->in[1]->value);
    const float *a = v->in[0]->value.data, *b = v->in[1]->value.data, *y = v->value.data,
                *go = v->grad;
    int64_t n = bc.numel;
    int full = bc.simple && bc.div_a == 1 && bc.mod_a == n && bc.div_b == 1 && bc.mod_b == n;
    if (full) { /* same shapes: a fresh gradient buffer is written, not zeroed and added to (one pass fewer) */
        int fa, fb;
        float *ga = wk__gin_raw(g, v, 0, &fa), *gb = wk__gin_raw(g, v, 1, &fb);
        /* x op x: one buffer, fresh for the first term only (written, then added to) */
        if (ga && kind == OP_MUL) WK_GRAD_LOOP(fa, ga, n, go[i] * b[i]);
        else if (ga) WK_GRAD_LOOP(fa, ga, n, grad_a(kind, go[i], b[i]));
        if (gb && kind == OP_MUL) WK_GRAD_LOOP(fb, gb, n, go[i] * a[i]);
        else if (gb) WK_GRAD_LOOP(fb, gb, n, grad_b(kind, go[i], a[i], b[i], y[i]));
        return;
    }
    float *ga = wk__gin(g, v, 0), *gb = wk__gin(g, v, 1);
    /* Broadcast: several outputs feed one input element, so accumulate serially, row by row.
     * Within a row an input is either walked (stride 1) or repeated (stride 0, e.g. a conv
     * bias over H·W): the repeated one takes the row's sum once. */
    int64_t inner = wk_bcast_inner(&bc), rows = inner ? n / inner : 0;
    int64_t sa = wk_bcast_inner_stride_a(&bc), sb = wk_bcast_inner_stride_b(&bc);
    for (int64_t r = 0; r < rows; r++) {
        int64_t oa, ob;
        wk_bcast_offsets(&bc, r * inner, &oa, &ob);
        const float *gor = go + r * inner, *yr = y + r * inner;
        if (ga) accumulate_grad(kind, 0, gor, a + oa, sa, b + ob, sb, yr, ga + oa, sa, inner);
        if (gb) accumulate_grad(kind, 1, gor, a + oa, sa, b + ob, sb, yr, gb + ob, sb, inner);
    }
}

static void vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    wk_var *a = v->in[0], *b = v->in[1];
    wk_var *da = NULL, *db = NULL;
    switch (v->iattr[0]) {
    case OP_ADD: da = go; db = go; break;
    case OP_SUB: da = go; db = wk_neg(g, go); break;
    case OP_MUL:
        if (wk__wants(g, v, 0)) da = wk_mul(g, go, b);
        if (wk__wants(g, v, 1)) db = wk_mul(g, go, a);
        break;
    default: /* y = a / b: da = go / b, db = -go * y / b */
        if (wk__wants(g, v, 0)) da = wk_div(g, go, b);
        if (wk__wants(g, v, 1)) db = wk_neg(g, wk_div(g, wk_mul(g, go, v), b));
    }
    if (wk__wants(g, v, 0) && da) dx[0] = wk_sum_to(g, da, a->value.ndim, a->value.shape);
    if (wk__wants(g, v, 1) && db) dx[1] = wk_sum_to(g, db, b->value.ndim, b->value.shape);
}

static const wk_opdef binary_ops[4] = {
    {"add", backward, vjp}, {"sub", backward, vjp}, {"mul", backward, vjp}, {"div", backward, vjp}};

static wk_var *binary(wk_graph *g, int kind, wk_var *a, wk_var *b) {
    if (!a || !b) return wk__null_input(g, names[kind]);
    wk_bcast bc;
    if (wk_bcast_init(&bc, &a->value, &b->value))
        return wk__fail(g, WK_EINVAL, "%s: shapes %s and %s do not broadcast", names[kind],
                        WK_SHAPE(a), WK_SHAPE(b));
    wk_var *in[2] = {a, b};
    wk_var *v = wk__node(g, &binary_ops[kind], in, 2, bc.ndim, bc.shape);
    if (!v) return NULL;
    v->iattr[0] = kind;
    forward(kind, &bc, a->value.data, b->value.data, v->value.data);
    return v;
}

wk_var *wk_add(wk_graph *g, wk_var *a, wk_var *b) { return binary(g, OP_ADD, a, b); }
wk_var *wk_sub(wk_graph *g, wk_var *a, wk_var *b) { return binary(g, OP_SUB, a, b); }
wk_var *wk_mul(wk_graph *g, wk_var *a, wk_var *b) { return binary(g, OP_MUL, a, b); }
wk_var *wk_div(wk_graph *g, wk_var *a, wk_var *b) { return binary(g, OP_DIV, a, b); }
