/* ops_shape.c — ops that move elements without arithmetic: reshape, permute, concat, slice
 * (and its adjoint, embed), gather (and its adjoint, scatter_add), and GroupSort, which is a
 * data-dependent permutation inside each group (its adjoint scatters back).
 * Each pair is the other's vjp, which is what makes them differentiable to any order. */
#include "core/graph_internal.h"

#include <string.h>

/* ---- reshape: same memory, new shape ---- */
static void reshape_backward(wk_graph *g, wk_var *v) {
    int fresh;
    float *gx = wk__gin_raw(g, v, 0, &fresh);
    if (!gx) return;
    int64_t n = v->value.numel;
    const float *go = v->grad;
    WK_GRAD_LOOP(fresh, gx, n, go[i]); /* the first gradient: a copy, not zeroing and adding */
}
static void reshape_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = wk_reshape(g, go, v->in[0]->value.ndim, v->in[0]->value.shape);
}
static const wk_opdef reshape_op = {"reshape", reshape_backward, reshape_vjp};

wk_var *wk_reshape(wk_graph *g, wk_var *x, int ndim, const int64_t *shape) {
    if (!x) return wk__null_input(g, "reshape");
    wk_tensor t = {0};
    if (wk_tensor_set_shape(&t, ndim, shape) || t.numel != x->value.numel)
        return wk__fail(g, WK_EINVAL, "reshape: %s has %lld elements, target %s has %lld",
                        WK_SHAPE(x), (long long)x->value.numel, wk_shape_str(&t, (char[96]){0}, 96),
                        (long long)t.numel);
    wk_var *v = wk__node(g, &reshape_op, &x, 1, 0, NULL);
    if (!v) return NULL;
    v->value = x->value; /* tensors on the tape are immutable, so aliasing is safe */
    wk_tensor_set_shape(&v->value, ndim, shape);
    return v;
}

/* ---- permute ---- */
static void permute_copy(const wk_tensor *x, const int *perm, const float *src, float *dst, int add) {
    int nd = x->ndim;
    int64_t xstride[WK_MAX_DIMS], oshape[WK_MAX_DIMS], ostride_in_x[WK_MAX_DIMS];
    int64_t s = 1;
    for (int d = nd - 1; d >= 0; d--) { xstride[d] = s; s *= x->shape[d]; }
    for (int d = 0; d < nd; d++) { oshape[d] = x->shape[perm[d]]; ostride_in_x[d] = xstride[perm[d]]; }
    int64_t n = x->numel;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = i, off = 0;
        for (int d = nd - 1; d >= 0; d--) {
            off += (r % oshape[d]) * ostride_in_x[d];
            r /= oshape[d];
        }
        if (add) dst[off] += src[i]; /* adjoint: scatter back */
        else dst[i] = src[off];
    }
}
static void permute_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) permute_copy(&v->in[0]->value, v->iattr, v->grad, gx, 1);
}
static void permute_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    int inv[WK_MAX_DIMS];
    for (int d = 0; d < v->value.ndim; d++) inv[v->iattr[d]] = d;
    dx[0] = wk_permute(g, go, inv);
}
static const wk_opdef permute_op = {"permute", permute_backward, permute_vjp};

wk_var *wk_permute(wk_graph *g, wk_var *x, const int *perm) {
    if (!x) return wk__null_input(g, "permute");
    int nd = x->value.ndim, seen = 0;
    int64_t shape[WK_MAX_DIMS] = {0};
    for (int d = 0; d < nd; d++) {
        if (perm[d] < 0 || perm[d] >= nd || (seen >> perm[d] & 1))
            return wk__fail(g, WK_EINVAL, "permute: not a permutation of the %d axes of %s", nd, WK_SHAPE(x));
        seen |= 1 << perm[d];
        shape[d] = x->value.shape[perm[d]];
    }
    wk_var *v = wk__node(g, &permute_op, &x, 1, nd, shape);
    if (!v) return NULL;
    for (int d = 0; d < nd; d++) v->iattr[d] = perm[d];
    permute_copy(&x->value, perm, x->value.data, v->value.data, 0);
    return v;
}

wk_var *wk_transpose(wk_graph *g, wk_var *x) {
    if (x && x->value.ndim != 2) return wk__fail(g, WK_EINVAL, "transpose: need 2-D, got %s", WK_SHAPE(x));
    return wk_permute(g, x, (int[]){1, 0});
}

/* ---- slice along an axis, and embed (its adjoint: zeros with the slice written in) ---- */
/* View x as [outer, len_axis, inner]. */
static void split3(const wk_tensor *t, int axis, int64_t *outer, int64_t *inner) {
    *outer = 1;
    *inner = 1;
    for (int d = 0; d < axis; d++) *outer *= t->shape[d];
    for (int d = axis + 1; d < t->ndim; d++) *inner *= t->shape[d];
}

/* Copy (or add) a block of `len` rows starting at `start` between a big and a small tensor. */
static void block_copy(const wk_tensor *big, int axis, int64_t start, int64_t len, const float *src,
                       float *dst, int to_big, int add) {
    int64_t outer, inner, L = big->shape[axis];
    split3(big, axis, &outer, &inner);
    for (int64_t o = 0; o < outer; o++) {
        float *b = (float *)(to_big ? dst : src) + (o * L + start) * inner;
        float *s = (float *)(to_big ? src : dst) + o * len * inner;
        float *d = to_big ? b : s;
        const float *from = to_big ? s : b;
        if (add)
            for (int64_t i = 0; i < len * inner; i++) d[i] += from[i];
        else
            memcpy(d, from, (size_t)(len * inner) * sizeof(float));
    }
}

static wk_var *embed(wk_graph *g, wk_var *x, int axis, int64_t start, int64_t full);

static void slice_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) block_copy(&v->in[0]->value, v->iattr[0], v->lattr[0], v->lattr[1], v->grad, gx, 1, 1);
}
static void slice_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = embed(g, go, v->iattr[0], v->lattr[0], v->in[0]->value.shape[v->iattr[0]]);
}
static void embed_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) block_copy(&v->value, v->iattr[0], v->lattr[0], v->lattr[1], v->grad, gx, 0, 1);
}
static void embed_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = wk_slice(g, go, v->iattr[0], v->lattr[0], v->lattr[1]);
}
static const wk_opdef slice_op = {"slice", slice_backward, slice_vjp};
static const wk_opdef embed_op = {"embed", embed_backward, embed_vjp};

wk_var *wk_slice(wk_graph *g, wk_var *x, int axis, int64_t start, int64_t len) {
    if (!x) return wk__null_input(g, "slice");
    int nd = x->value.ndim;
    if (axis < 0) axis += nd;
    if (axis < 0 || axis >= nd || start < 0 || len < 0 || start + len > x->value.shape[axis])
        return wk__fail(g, WK_EINVAL, "slice: [%lld, %lld) on axis %d out of range for %s",
                        (long long)start, (long long)(start + len), axis, WK_SHAPE(x));
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape, x->value.shape, sizeof shape);
    shape[axis] = len;
    wk_var *v = wk__node(g, &slice_op, &x, 1, nd, shape);
    if (!v) return NULL;
    v->iattr[0] = axis;
    v->lattr[0] = start;
    v->lattr[1] = len;
    block_copy(&x->value, axis, start, len, x->value.data, v->value.data, 0, 0);
    return v;
}

static wk_var *embed(wk_graph *g, wk_var *x, int axis, int64_t start, int64_t full) {
    if (!x) return wk__null_input(g, "embed");
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape, x->value.shape, sizeof shape);
    int64_t len = shape[axis];
    shape[axis] = full;
    wk_var *v = wk__node(g, &embed_op, &x, 1, x->value.ndim, shape);
    if (!v) return NULL;
    v->iattr[0] = axis;
    v->lattr[0] = start;
    v->lattr[1] = len;
    memset(v->value.data, 0, (size_t)v->value.numel * sizeof(float));
    block_copy(&v->value, axis, start, len, x->value.data, v->value.data, 1, 0);
    return v;
}

wk_var *wk_concat(wk_graph *g, wk_var **xs, int n, int axis) {
    if (n < 1) return wk__fail(g, WK_EINVAL, "concat: no inputs");
    for (int i = 0; i < n; i++)
        if (!xs[i]) return wk__null_input(g, "concat");
    /* Sum of embeds: each input written into its block of a zero tensor. Simple, and
     * differentiable to any order through embed/slice. */
    int nd = xs[0]->value.ndim;
    if (axis < 0) axis += nd;
    if (axis < 0 || axis >= nd) return wk__fail(g, WK_EINVAL, "concat: axis out of range for %s", WK_SHAPE(xs[0]));
    int64_t full = 0;
    for (int i = 0; i < n; i++) {
        if (xs[i]->value.ndim != nd) goto mismatch;
        for (int d = 0; d < nd; d++)
            if (d != axis && xs[i]->value.shape[d] != xs[0]->value.shape[d]) goto mismatch;
        full += xs[i]->value.shape[axis];
    }
    wk_var *acc = NULL;
    int64_t start = 0;
    for (int i = 0; i < n; i++) {
        wk_var *e = embed(g, xs[i], axis, start, full);
        start += xs[i]->value.shape[axis];
        acc = acc ? wk_add(g, acc, e) : e;
    }
    return acc;
mismatch:
    return wk__fail(g, WK_EINVAL, "concat: shapes differ off axis %d (first %s)", axis, WK_SHAPE(xs[0]));
}

/* ---- gather rows along an axis, and scatter_add (its adjoint) ---- */
static void gather_rows(const wk_tensor *big, int axis, const int64_t *idx, int64_t n, const float *src,
                        float *dst, int scatter) {
    int64_t outer, inner, L = big->shape[axis];
    split3(big, axis, &outer, &inner);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < n; j++) {
            const float *from = scatter ? src + (o * n + j) * inner : src + (o * L + idx[j]) * inner;
            float *to = scatter ? dst + (o * L + idx[j]) * inner : dst + (o * n + j) * inner;
            if (scatter)
                for (int64_t i = 0; i < inner; i++) to[i] += from[i];
            else
                memcpy(to, from, (size_t)inner * sizeof(float));
        }
}

static wk_var *scatter_add(wk_graph *g, wk_var *x, int axis, const int64_t *idx, int64_t n, int64_t full);

static void gather_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (gx) gather_rows(&v->in[0]->value, v->iattr[0], v->saved, v->lattr[0], v->grad, gx, 1);
}
static void gather_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = scatter_add(g, go, v->iattr[0], v->saved, v->lattr[0], v->in[0]->value.shape[v->iattr[0]]);
}
static void scatter_backward(wk_graph *g, wk_var *v) {
    float *gx = wk__gin(g, v, 0);
    if (!gx) return;
    /* adjoint of scatter_add is gather: gx[j] += go[idx[j]] */
    int64_t outer, inner, L = v->value.shape[v->iattr[0]], n = v->lattr[0];
    const int64_t *idx = v->saved;
    split3(&v->value, v->iattr[0], &outer, &inner);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < inner; i++)
                gx[(o * n + j) * inner + i] += v->grad[(o * L + idx[j]) * inner + i];
}
static void scatter_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    dx[0] = wk_gather(g, go, v->iattr[0], v->saved, v->lattr[0]);
}
static const wk_opdef gather_op = {"gather", gather_backward, gather_vjp};
static const wk_opdef scatter_op = {"scatter_add", scatter_backward, scatter_vjp};

static wk_var *index_node(wk_graph *g, const wk_opdef *op, wk_var *x, int axis, const int64_t *idx,
                          int64_t n, int64_t out_len) {
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape, x->value.shape, sizeof shape);
    shape[axis] = out_len;
    wk_var *v = wk__node(g, op, &x, 1, x->value.ndim, shape);
    if (!v) return NULL;
    v->iattr[0] = axis;
    v->lattr[0] = n;
    v->saved = wk__alloc(g, (size_t)(n ? n : 1) * sizeof(int64_t));
    if (!v->saved) return wk__fail(g, WK_ENOMEM, "%s: out of memory", op->name);
    memcpy(v->saved, idx, (size_t)n * sizeof(int64_t));
    return v;
}

wk_var *wk_gather(wk_graph *g, wk_var *x, int axis, const int64_t *idx, int64_t n) {
    if (!x) return wk__null_input(g, "gather");
    int nd = x->value.ndim;
    if (axis < 0) axis += nd;
    if (axis < 0 || axis >= nd) return wk__fail(g, WK_EINVAL, "gather: axis out of range for %s", WK_SHAPE(x));
    for (int64_t j = 0; j < n; j++)
        if (idx[j] < 0 || idx[j] >= x->value.shape[axis])
            return wk__fail(g, WK_EINVAL, "gather: index %lld out of range for axis %d of %s",
                            (long long)idx[j], axis, WK_SHAPE(x));
    wk_var *v = index_node(g, &gather_op, x, axis, idx, n, n);
    if (v) gather_rows(&x->value, axis, idx, n, x->value.data, v->value.data, 0);
    return v;
}

static wk_var *scatter_add(wk_graph *g, wk_var *x, int axis, const int64_t *idx, int64_t n, int64_t full) {
    if (!x) return wk__null_input(g, "scatter_add");
    wk_var *v = index_node(g, &scatter_op, x, axis, idx, n, full);
    if (!v) return NULL;
    memset(v->value.data, 0, (size_t)v->value.numel * sizeof(float));
    int64_t outer, inner;
    split3(&v->value, axis, &outer, &inner);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < inner; i++)
                v->value.data[(o * full + idx[j]) * inner + i] += x->value.data[(o * n + j) * inner + i];
    return v;
}

/* ---- GroupSort and its permutation adjoint ----
 * x viewed as [N, F, S] (S = spatial size, 1 for a matrix); the feature axis is cut into
 * groups of k consecutive features, each sorted ascending (Anil et al. 2019, as LNets'
 * group_sort). The op saves src[n, f, s] = which feature of the group landed at f, so
 * out = x[src] (a gather) and the adjoint is gx[src] += gout (a scatter). */
static void perm_apply(const wk_var *v, const float *in, float *out, int scatter, int add) {
    const int32_t *src = v->saved;
    int64_t N = v->value.shape[0], F = v->value.shape[1], S = v->value.numel / (N * F);
    int64_t n = v->value.numel;
    if (S == 1) { /* [N, F] (MLP activations): no index division per element */
        for (int64_t row = 0; row < N; row++) {
            const int32_t *sr = src + row * F;
            const float *ir = in + row * F;
            float *orow = out + row * F;
            if (scatter && add) for (int64_t f = 0; f < F; f++) orow[sr[f]] += ir[f];
            else if (scatter) for (int64_t f = 0; f < F; f++) orow[sr[f]] = ir[f];
            else if (add) for (int64_t f = 0; f < F; f++) orow[f] += ir[sr[f]];
            else for (int64_t f = 0; f < F; f++) orow[f] = ir[sr[f]];
        }
        return;
    }
#pragma omp parallel for if (n > WK_PAR_MIN)
    for (int64_t i = 0; i < n; i++) {
        int64_t s = i % S, row = i / (F * S);
        int64_t j = (row * F + src[i]) * S + s;
        if (scatter) { if (add) out[j] += in[i]; else out[j] = in[i]; }
        else { if (add) out[i] += in[j]; else out[i] = in[j]; }
    }
    (void)N;
}

static wk_var *perm_node(wk_graph *g, wk_var *x, const wk_var *like, int scatter);

static void gs_backward(wk_graph *g, wk_var *v) { /* gather node: gx[src] += go */
    float *gx = wk__gin(g, v, 0);
    if (gx) perm_apply(v, v->grad, gx, 1, 1);
}
static void gs_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) { dx[0] = perm_node(g, go, v, 1); }
static void ps_backward(wk_graph *g, wk_var *v) { /* scatter node: gx += go[src] */
    float *gx = wk__gin(g, v, 0);
    if (gx) perm_apply(v, v->grad, gx, 0, 1);
}
static void ps_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) { dx[0] = perm_node(g, go, v, 0); }
static const wk_opdef groupsort_op = {"groupsort", gs_backward, gs_vjp};
static const wk_opdef perm_scatter_op = {"groupsort_adjoint", ps_backward, ps_vjp};

/* A gather (scatter = 0) or scatter node reusing the permutation saved by `like`. */
static wk_var *perm_node(wk_graph *g, wk_var *x, const wk_var *like, int scatter) {
    if (!x) return wk__null_input(g, "groupsort");
    wk_var *v = wk__node(g, scatter ? &perm_scatter_op : &groupsort_op, &x, 1, x->value.ndim, x->value.shape);
    if (!v) return NULL;
    v->saved = like->saved;
    v->iattr[0] = like->iattr[0];
    perm_apply(v, x->value.data, v->value.data, scatter, 0);
    return v;
}

wk_var *wk_groupsort(wk_graph *g, wk_var *x, int k) {
    if (!x) return wk__null_input(g, "groupsort");
    if (x->value.ndim < 2 || k < 1 || x->value.shape[1] % k)
        return wk__fail(g, WK_EINVAL, "groupsort: feature axis of %s is not a multiple of group size %d",
                        WK_SHAPE(x), k);
    wk_var *v = wk__node(g, &groupsort_op, &x, 1, x->value.ndim, x->value.shape);
    if (!v) return NULL;
    v->iattr[0] = k;
    int32_t *src = wk__alloc(g, (size_t)(v->value.numel ? v->value.numel : 1) * sizeof(int32_t));
    if (!src) return wk__fail(g, WK_ENOMEM, "groupsort: out of memory");
    v->saved = src;
    int64_t N = x->value.shape[0], F = x->value.shape[1], S = N * F > 0 ? x->value.numel / (N * F) : 1;
    const float *xd = x->value.data;
    int64_t groups = N * (F / k) * S;
    if (k == 2 && S == 1) { /* MaxMin on [N, F]: the common Lipschitz-critic case */
        for (int64_t row = 0; row < N; row++)
            for (int32_t f0 = 0; f0 < F; f0 += 2) {
                int64_t i = row * F + f0;
                int sw = xd[i] > xd[i + 1];
                src[i] = f0 + sw;
                src[i + 1] = f0 + !sw;
            }
        perm_apply(v, xd, v->value.data, 0, 0);
        return v;
    }
#pragma omp parallel for if (groups * k > WK_PAR_MIN)
    for (int64_t gi = 0; gi < groups; gi++) {
        int64_t s = gi % S, t = gi / S, grp = t % (F / k), row = t / (F / k);
        int64_t f0 = grp * k;
        int32_t *sr = src + (row * F + f0) * S + s; /* src entries of this group, stride S */
        for (int j = 0; j < k; j++) sr[j * S] = (int32_t)(f0 + j);
        /* insertion sort of the k indices by value (k is small: 2 for MaxMin) */
        for (int a = 1; a < k; a++) {
            int32_t key = sr[a * S];
            float kv = xd[(row * F + key) * S + s];
            int b = a - 1;
            while (b >= 0 && xd[(row * F + sr[b * S]) * S + s] > kv) {
                sr[(b + 1) * S] = sr[b * S];
                b--;
            }
            sr[(b + 1) * S] = key;
        }
    }
    perm_apply(v, xd, v->value.data, 0, 0);
    return v;
}
