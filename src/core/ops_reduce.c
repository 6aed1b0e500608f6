/* ops_reduce.c — sum_to (sum over broadcast axes down to a shape) and broadcast_to, each the
 * other's vjp; sum and mean over one axis or all axes are built on them. */
#include "core/broadcast.h"
#include "core/graph_internal.h"

#include <string.h>

/* out[offset of i in `small`] += in[i] for every element i of `big` (row by row). */
static void reduce_into(const wk_tensor *big, const wk_tensor *small, const float *in, float *out) {
    wk_bcast bc;
    wk_bcast_init(&bc, big, small);
    int64_t inner = wk_bcast_inner(&bc), rows = inner ? bc.numel / inner : 0, sb = wk_bcast_inner_stride_b(&bc);
    for (int64_t r = 0; r < rows; r++) {
        int64_t oa, ob;
        wk_bcast_offsets(&bc, r * inner, &oa, &ob);
        const float *row = in + r * inner;
        float *o = out + ob;
        if (sb) {
#pragma omp simd
            for (int64_t j = 0; j < inner; j++) o[j] += row[j];
        } else {
            float acc = 0;
            for (int64_t j = 0; j < inner; j++) acc += row[j];
            o[0] += acc;
        }
    }
}

/* out[i] += in[offset of i in `small`] for every element i of `big`. */
static void expand_into(const wk_tensor *big, const wk_tensor *small, const float *in, float *out) {
    wk_bcast bc;
    wk_bcast_init(&bc, big, small);
    int64_t inner = wk_bcast_inner(&bc), rows = inner ? bc.numel / inner : 0, sb = wk_bcast_inner_stride_b(&bc);
#pragma omp parallel for if (bc.numel > WK_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        int64_t oa, ob;
        wk_bcast_offsets(&bc, r * inner, &oa, &ob);
        float *o = out + r * inner;
        const float *src = in + ob;
        for (int64_t j = 0; j < inner; j++) o[j] += src[j * sb];
    }
}

static void sum_to_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) expand_into(&v->in[0]->value, &v->value, v->grad, gx);
}
static void sum_to_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = wk_broadcast_to(g, go, v->in[0]->value.ndim, v->in[0]->value.shape);
}
static void bcast_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) reduce_into(&v->value, &v->in[0]->value, v->grad, gx);
}
static void bcast_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = wk_sum_to(g, go, v->in[0]->value.ndim, v->in[0]->value.shape);
}

static const wk_opdef sum_to_op = {"sum_to", sum_to_backward, sum_to_vjp};
static const wk_opdef bcast_op = {"broadcast_to", bcast_backward, bcast_vjp};

/* Does `small` broadcast to `big` exactly (big's shape unchanged)? */
static int broadcasts_to(const wk_tensor *small, int ndim, const int64_t *shape) {
    if (small->ndim > ndim) return 0;
    for (int d = 0; d < small->ndim; d++) {
        int64_t s = small->shape[d], b = shape[ndim - small->ndim + d];
        if (s != b && s != 1) return 0;
    }
    return 1;
}

wk_var *wk_sum_to(wk_graph *g, wk_var *x, int ndim, const int64_t *shape) {
    if (!x) return wk__null_input(g, "sum_to");
    wk_tensor target = {0};
    if (wk_tensor_set_shape(&target, ndim, shape) || !broadcasts_to(&target, x->value.ndim, x->value.shape))
        return wk__fail(g, WK_EINVAL, "sum_to: cannot reduce %s to %s", WK_SHAPE(x),
                        wk_shape_str(&target, (char[96]){0}, 96));
    if (wk_shape_equal(&target, &x->value)) return x;
    wk_var *v = wk__node(g, &sum_to_op, &x, 1, ndim, shape);
    if (!v) return NULL;
    memset(v->value.data, 0, (size_t)v->value.numel * sizeof(float));
    reduce_into(&x->value, &v->value, x->value.data, v->value.data);
    return v;
}

wk_var *wk_broadcast_to(wk_graph *g, wk_var *x, int ndim, const int64_t *shape) {
    if (!x) return wk__null_input(g, "broadcast_to");
    if (!broadcasts_to(&x->value, ndim, shape)) {
        wk_tensor target = {0};
        wk_tensor_set_shape(&target, ndim, shape);
        return wk__fail(g, WK_EINVAL, "broadcast_to: cannot broadcast %s to %s", WK_SHAPE(x),
                        wk_shape_str(&target, (char[96]){0}, 96));
    }
    wk_var *v = wk__node(g, &bcast_op, &x, 1, ndim, shape);
    if (!v) return NULL;
    if (wk_shape_equal(&v->value, &x->value)) { /* keep the node so callers get a fresh var */
        memcpy(v->value.data, x->value.data, (size_t)x->value.numel * sizeof(float));
        return v;
    }
    memset(v->value.data, 0, (size_t)v->value.numel * sizeof(float));
    expand_into(&v->value, &x->value, x->value.data, v->value.data);
    return v;
}

static wk_var *sum_impl(wk_graph *g, wk_var *x, int axis, int keepdim, int mean) {
    const char *name = mean ? "mean" : "sum";
    if (!x) return wk__null_input(g, name);
    int nd = x->value.ndim;
    int64_t kshape[WK_MAX_DIMS], oshape[WK_MAX_DIMS];
    int ond = 0;
    double count = 1;
    if (axis == WK_ALL_AXES) {
        for (int d = 0; d < nd; d++) kshape[d] = 1;
        count = (double)x->value.numel;
        if (keepdim) { ond = nd; memcpy(oshape, kshape, sizeof kshape); }
    } else {
        if (axis < 0) axis += nd;
        if (axis < 0 || axis >= nd)
            return wk__fail(g, WK_EINVAL, "%s: axis out of range for shape %s", name, WK_SHAPE(x));
        for (int d = 0; d < nd; d++) {
            kshape[d] = d == axis ? 1 : x->value.shape[d];
            if (d != axis || keepdim) oshape[ond++] = kshape[d];
        }
        count = (double)x->value.shape[axis];
    }
    wk_var *s = wk_sum_to(g, x, nd, kshape);
    if (s == x) s = wk_broadcast_to(g, x, nd, kshape); /* summing a size-1 axis: still a new node */
    if (mean) s = wk_mul_scalar(g, s, (float)(1.0 / (count > 0 ? count : 1)));
    if (!keepdim || axis == WK_ALL_AXES) s = wk_reshape(g, s, ond, oshape);
    return s;
}

wk_var *wk_sum(wk_graph *g, wk_var *x, int axis, int keepdim) { return sum_impl(g, x, axis, keepdim, 0); }
wk_var *wk_mean(wk_graph *g, wk_var *x, int axis, int keepdim) { return sum_impl(g, x, axis, keepdim, 1); }
