/* ops_conv.c — 2-D convolution and transposed convolution (NCHW, square kernels, PyTorch's
 * weight layouts), by im2col + one sgemm over the whole batch.
 *
 * Three bilinear maps close the family under differentiation:
 *   conv(x; w)        y  = W · im2col(x)
 *   convT(u; w)       x  = col2im(Wᵀ · u)        (the adjoint of conv in x; PyTorch's
 *                                                 ConvTranspose2d with weight [in, out, k, k])
 *   convW(x, gy)      gw = gy · im2col(x)ᵀ      (the adjoint of conv in w)
 * The vjp of each is built from the other two, so convolutions differentiate to any order. */
#include "core/graph_internal.h"

#include <string.h>

typedef struct {
    int64_t N, C, H, W, O, k, s, p, Ho, Wo;
} geom;

/* The output columns ow whose input column ow·s − p + j lies inside [0, W): [*lo, *hi). */
static void valid_cols(const geom *gm, int64_t j, int64_t *lo, int64_t *hi) {
    int64_t off = j - gm->p; /* input column = ow·s + off */
    *lo = off >= 0 ? 0 : (-off + gm->s - 1) / gm->s;
    *hi = gm->W - off <= 0 ? 0 : (gm->W - off + gm->s - 1) / gm->s;
    if (*hi > gm->Wo) *hi = gm->Wo;
    if (*lo > *hi) *lo = *hi;
}

/* col[(c*k + i)*k + j][n*L + oh*Wo + ow] = x[n, c, oh*s - p + i, ow*s - p + j] (0 outside).
 * The valid column range is computed once per kernel column, so the inner loop is a plain
 * strided copy. */
static void im2col(const geom *gm, const float *x, float *col) {
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, rows = gm->C * gm->k * gm->k;
#pragma omp parallel for if (rows * NL > WK_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        int64_t c = r / (gm->k * gm->k), i = (r / gm->k) % gm->k, j = r % gm->k, lo, hi;
        valid_cols(gm, j, &lo, &hi);
        const int64_t s = gm->s, off = j - gm->p;
        float *dst = col + r * NL;
        for (int64_t n = 0; n < gm->N; n++)
            for (int64_t oh = 0; oh < gm->Ho; oh++) {
                int64_t h = oh * gm->s - gm->p + i;
                float *d = dst + n * L + oh * gm->Wo;
                if (h < 0 || h >= gm->H) {
                    memset(d, 0, (size_t)gm->Wo * sizeof(float));
                    continue;
                }
                const float *src = x + ((n * gm->C + c) * gm->H + h) * gm->W + off;
                for (int64_t ow = 0; ow < lo; ow++) d[ow] = 0.0f;
                for (int64_t ow = lo; ow < hi; ow++) d[ow] = src[ow * s];
                for (int64_t ow = hi; ow < gm->Wo; ow++) d[ow] = 0.0f;
            }
    }
}

/* x += col2im(col): the adjoint of im2col. Parallel over channels (disjoint outputs). */
static void col2im_add(const geom *gm, const float *col, float *x) {
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L;
#pragma omp parallel for if (gm->C * gm->k * gm->k * NL > WK_PAR_MIN)
    for (int64_t c = 0; c < gm->C; c++)
        for (int64_t i = 0; i < gm->k; i++)
            for (int64_t j = 0; j < gm->k; j++) {
                int64_t lo, hi;
                valid_cols(gm, j, &lo, &hi);
                const int64_t s = gm->s, off = j - gm->p;
                const float *src = col + ((c * gm->k + i) * gm->k + j) * NL;
                for (int64_t n = 0; n < gm->N; n++)
                    for (int64_t oh = 0; oh < gm->Ho; oh++) {
                        int64_t h = oh * gm->s - gm->p + i;
                        if (h < 0 || h >= gm->H) continue;
                        float *dst = x + ((n * gm->C + c) * gm->H + h) * gm->W + off;
                        const float *sr = src + n * L + oh * gm->Wo;
                        for (int64_t ow = lo; ow < hi; ow++) dst[ow * s] += sr[ow];
                    }
            }
}

/* [N, O, L] <-> [O, N*L] */
static void nol_to_onl(const geom *gm, const float *a, float *b, int back, int add) {
    int64_t L = gm->Ho * gm->Wo;
    for (int64_t n = 0; n < gm->N; n++)
        for (int64_t o = 0; o < gm->O; o++) {
            const float *src = back ? a + (o * gm->N + n) * L : a + (n * gm->O + o) * L;
            float *dst = back ? b + (n * gm->O + o) * L : b + (o * gm->N + n) * L;
            if (add)
                for (int64_t l = 0; l < L; l++) dst[l] += src[l];
            else
                memcpy(dst, src, (size_t)L * sizeof(float));
        }
}

/* y (+)= conv(x; w), y [N, O, Ho, Wo] */
static void conv_fwd(wk_graph *g, const geom *gm, const float *x, const float *w, float *y, int add) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, K = gm->C * gm->k * gm->k;
    float *col = wk__scratch(g, K * NL), *tmp = wk__scratch(g, gm->O * NL);
    if (col && tmp) {
        im2col(gm, x, col);
        be->sgemm(wk_exec_current(), 0, 0, (int)gm->O, (int)NL, (int)K, 1.0f, w, (int)K, col, (int)NL, 0.0f, tmp, (int)NL);
        nol_to_onl(gm, tmp, y, 1, add);
    }
    wk__scratch_done(g);
}

/* x += convT(gy; w) = col2im(wᵀ · gy) */
static void conv_bwd_data(wk_graph *g, const geom *gm, const float *gy, const float *w, float *x) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, K = gm->C * gm->k * gm->k;
    float *col = wk__scratch(g, K * NL), *gyp = wk__scratch(g, gm->O * NL);
    if (col && gyp) {
        nol_to_onl(gm, gy, gyp, 0, 0);
        be->sgemm(wk_exec_current(), 1, 0, (int)K, (int)NL, (int)gm->O, 1.0f, w, (int)K, gyp, (int)NL, 0.0f, col, (int)NL);
        col2im_add(gm, col, x);
    }
    wk__scratch_done(g);
}

/* gw (+)= gy · im2col(x)ᵀ, gw [O, C, k, k] */
static void conv_bwd_weight(wk_graph *g, const geom *gm, const float *x, const float *gy, float *gw, int add) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, K = gm->C * gm->k * gm->k;
    float *col = wk__scratch(g, K * NL), *gyp = wk__scratch(g, gm->O * NL);
    if (col && gyp) {
        im2col(gm, x, col);
        nol_to_onl(gm, gy, gyp, 0, 0);
        be->sgemm(wk_exec_current(), 0, 1, (int)gm->O, (int)K, (int)NL, 1.0f, gyp, (int)NL, col, (int)NL, add ? 1.0f : 0.0f,
                  gw, (int)K);
    }
    wk__scratch_done(g);
}

/* Geometry saved on a node: iattr = {N, C, H, W, O, k, s, p}; Ho, Wo derived. */
static void save_geom(wk_var *v, const geom *gm) {
    int64_t a[8] = {gm->N, gm->C, gm->H, gm->W, gm->O, gm->k, gm->s, gm->p};
    for (int i = 0; i < 8; i++) v->iattr[i] = (int)a[i];
}
static geom load_geom(const wk_var *v) {
    geom gm = {v->iattr[0], v->iattr[1], v->iattr[2], v->iattr[3], v->iattr[4], v->iattr[5],
               v->iattr[6], v->iattr[7], 0, 0};
    gm.Ho = (gm.H + 2 * gm.p - gm.k) / gm.s + 1;
    gm.Wo = (gm.W + 2 * gm.p - gm.k) / gm.s + 1;
    return gm;
}

static wk_var *conv_node(wk_graph *g, wk_var *x, wk_var *w, const geom *gm);
static wk_var *convT_node(wk_graph *g, wk_var *u, wk_var *w, const geom *gm);
static wk_var *convW_node(wk_graph *g, wk_var *x, wk_var *gy, const geom *gm);

/* conv: in = {x, w} */
static void conv_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    float *gx = wk__gin(g, v, 0), *gw = wk__gin(g, v, 1);
    if (gx) conv_bwd_data(g, &gm, v->grad, v->in[1]->value.data, gx);
    if (gw) conv_bwd_weight(g, &gm, v->in[0]->value.data, v->grad, gw, 1);
}
static void conv_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = convT_node(g, go, v->in[1], &gm);
    if (wk__wants(g, v, 1)) dx[1] = convW_node(g, v->in[0], go, &gm);
}
/* convT: in = {u, w}, u shaped like conv's output */
static void convT_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    float *gu = wk__gin(g, v, 0), *gw = wk__gin(g, v, 1);
    if (gu) conv_fwd(g, &gm, v->grad, v->in[1]->value.data, gu, 1);
    if (gw) conv_bwd_weight(g, &gm, v->grad, v->in[0]->value.data, gw, 1);
}
static void convT_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = conv_node(g, go, v->in[1], &gm);
    if (wk__wants(g, v, 1)) dx[1] = convW_node(g, go, v->in[0], &gm);
}
/* convW: in = {x, gy}, output shaped like w */
static void convW_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    float *gx = wk__gin(g, v, 0), *ggy = wk__gin(g, v, 1);
    if (gx) conv_bwd_data(g, &gm, v->in[1]->value.data, v->grad, gx);
    if (ggy) conv_fwd(g, &gm, v->in[0]->value.data, v->grad, ggy, 1);
}
static void convW_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = convT_node(g, v->in[1], go, &gm);
    if (wk__wants(g, v, 1)) dx[1] = conv_node(g, v->in[0], go, &gm);
}

static const wk_opdef conv_op = {"conv2d", conv_backward, conv_vjp};
static const wk_opdef convT_op = {"conv_transpose2d", convT_backward, convT_vjp};
static const wk_opdef convW_op = {"conv2d_weight_grad", convW_backward, convW_vjp};

static wk_var *conv_node(wk_graph *g, wk_var *x, wk_var *w, const geom *gm) {
    if (!x || !w) return wk__null_input(g, "conv2d");
    wk_var *in[2] = {x, w};
    wk_var *v = wk__node(g, &conv_op, in, 2, 4, (int64_t[]){gm->N, gm->O, gm->Ho, gm->Wo});
    if (!v) return NULL;
    save_geom(v, gm);
    conv_fwd(g, gm, x->value.data, w->value.data, v->value.data, 0);
    return g->status ? NULL : v;
}
static wk_var *convT_node(wk_graph *g, wk_var *u, wk_var *w, const geom *gm) {
    if (!u || !w) return wk__null_input(g, "conv_transpose2d");
    wk_var *in[2] = {u, w};
    wk_var *v = wk__node(g, &convT_op, in, 2, 4, (int64_t[]){gm->N, gm->C, gm->H, gm->W});
    if (!v) return NULL;
    save_geom(v, gm);
    memset(v->value.data, 0, (size_t)v->value.numel * sizeof(float));
    conv_bwd_data(g, gm, u->value.data, w->value.data, v->value.data);
    return g->status ? NULL : v;
}
static wk_var *convW_node(wk_graph *g, wk_var *x, wk_var *gy, const geom *gm) {
    if (!x || !gy) return wk__null_input(g, "conv2d_weight_grad");
    wk_var *in[2] = {x, gy};
    wk_var *v = wk__node(g, &convW_op, in, 2, 4, (int64_t[]){gm->O, gm->C, gm->k, gm->k});
    if (!v) return NULL;
    save_geom(v, gm);
    conv_bwd_weight(g, gm, x->value.data, gy->value.data, v->value.data, 0);
    return g->status ? NULL : v;
}

static wk_var *add_channel_bias(wk_graph *g, wk_var *y, wk_var *b, int64_t channels, const char *op) {
    if (!b || !y) return y;
    if (b->value.numel != channels)
        return wk__fail(g, WK_EINVAL, "%s: bias %s does not match %lld output channels", op, WK_SHAPE(b),
                        (long long)channels);
    return wk_add(g, y, wk_reshape(g, b, 4, (int64_t[]){1, channels, 1, 1}));
}

wk_var *wk_conv2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad) {
    if (!x || !w) return wk__null_input(g, "conv2d");
    const wk_tensor *xv = &x->value, *wv = &w->value;
    if (xv->ndim != 4 || wv->ndim != 4 || wv->shape[1] != xv->shape[1] || wv->shape[2] != wv->shape[3] ||
        stride < 1 || pad < 0)
        return wk__fail(g, WK_EINVAL,
                        "conv2d: input %s and weight %s do not fit (want NCHW input, [out, in, k, k] weight, "
                        "stride >= 1, pad >= 0; got stride %d pad %d)",
                        WK_SHAPE(x), WK_SHAPE(w), stride, pad);
    geom gm = {xv->shape[0], xv->shape[1], xv->shape[2], xv->shape[3], wv->shape[0], wv->shape[2], stride, pad, 0, 0};
    if (gm.H + 2 * pad < gm.k || gm.W + 2 * pad < gm.k)
        return wk__fail(g, WK_EINVAL, "conv2d: kernel %lld larger than padded input %s", (long long)gm.k, WK_SHAPE(x));
    gm.Ho = (gm.H + 2 * pad - gm.k) / stride + 1;
    gm.Wo = (gm.W + 2 * pad - gm.k) / stride + 1;
    return add_channel_bias(g, conv_node(g, x, w, &gm), b, gm.O, "conv2d");
}

wk_var *wk_conv_transpose2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad,
                            int output_padding) {
    if (!x || !w) return wk__null_input(g, "conv_transpose2d");
    const wk_tensor *xv = &x->value, *wv = &w->value;
    if (xv->ndim != 4 || wv->ndim != 4 || wv->shape[0] != xv->shape[1] || wv->shape[2] != wv->shape[3] ||
        stride < 1 || pad < 0 || output_padding < 0 || output_padding >= stride)
        return wk__fail(g, WK_EINVAL,
                        "conv_transpose2d: input %s and weight %s do not fit (want NCHW input, [in, out, k, k] "
                        "weight, stride >= 1, 0 <= output_padding < stride; got stride %d pad %d output_padding %d)",
                        WK_SHAPE(x), WK_SHAPE(w), stride, pad, output_padding);
    int64_t k = wv->shape[2];
    /* As the adjoint of a conv mapping [N, C_out, H, W] -> [N, C_in, Hin, Win]. */
    geom gm = {xv->shape[0], wv->shape[1], (xv->shape[2] - 1) * stride - 2 * pad + k + output_padding,
               (xv->shape[3] - 1) * stride - 2 * pad + k + output_padding, wv->shape[0], k, stride, pad,
               xv->shape[2], xv->shape[3]};
    if (gm.H < 1 || gm.W < 1)
        return wk__fail(g, WK_EINVAL, "conv_transpose2d: padding %d leaves an empty output for input %s", pad, WK_SHAPE(x));
    return add_channel_bias(g, convT_node(g, x, w, &gm), b, gm.C, "conv_transpose2d");
}
