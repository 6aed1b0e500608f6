/* test_ops_gradcheck.c — every autodiff op, first and second order, against central finite
 * differences (see gradcheck.h). Inputs are kept away from kinks (relu at 0, ties inside a
 * GroupSort group) so that the finite differences are meaningful. */
#include "gradcheck.h"
#include "core/graph_internal.h"

typedef struct {
    int a, b, c, d;
    float f;
    int64_t idx[4];
} ctx_t;

#define CTX(p) ((ctx_t *)(p))
#define D2(a, b) 2, (int64_t[]){a, b}
#define D3(a, b, c) 3, (int64_t[]){a, b, c}
#define D4(a, b, c, d) 4, (int64_t[]){a, b, c, d}

static wk_var *f_matmul(wk_graph *g, wk_var **x, void *c) { return wk_matmul(g, x[0], x[1], CTX(c)->a, CTX(c)->b); }
static wk_var *f_linear(wk_graph *g, wk_var **x, void *c) { (void)c; return wk_tanh(g, wk_linear(g, x[0], x[1], x[2])); }
static wk_var *f_add(wk_graph *g, wk_var **x, void *c) { (void)c; return wk_mul(g, wk_add(g, x[0], x[1]), wk_add(g, x[0], x[1])); }
static wk_var *f_sub(wk_graph *g, wk_var **x, void *c) { (void)c; return wk_square(g, wk_sub(g, x[0], x[1])); }
static wk_var *f_mul(wk_graph *g, wk_var **x, void *c) { (void)c; return wk_mul(g, x[0], x[1]); }
static wk_var *f_div(wk_graph *g, wk_var **x, void *c) { (void)c; return wk_div(g, x[0], x[1]); }

enum { U_SQUARE, U_SQRT, U_EXP, U_LOG, U_ABS, U_RELU, U_LEAKY, U_TANH, U_SIGMOID, U_SOFTPLUS, U_AFFINE, U_POW, U_CLAMP, U_N };
static const char *unames[U_N] = {"square", "sqrt", "exp", "log", "abs", "relu", "leaky_relu", "tanh",
                                  "sigmoid", "softplus", "affine", "pow", "clamp"};
/* Multiply by x again so that piecewise-linear functions still have a second derivative. */
static wk_var *f_unary(wk_graph *g, wk_var **x, void *c) {
    wk_var *y;
    switch (CTX(c)->a) {
    case U_SQUARE: y = wk_square(g, x[0]); break;
    case U_SQRT: y = wk_sqrt(g, x[0]); break;
    case U_EXP: y = wk_exp(g, x[0]); break;
    case U_LOG: y = wk_log(g, x[0]); break;
    case U_ABS: y = wk_abs(g, x[0]); break;
    case U_RELU: y = wk_relu(g, x[0]); break;
    case U_LEAKY: y = wk_leaky_relu(g, x[0], 0.2f); break;
    case U_TANH: y = wk_tanh(g, x[0]); break;
    case U_SIGMOID: y = wk_sigmoid(g, x[0]); break;
    case U_SOFTPLUS: y = wk_softplus(g, x[0]); break;
    case U_AFFINE: y = wk_affine_scalar(g, x[0], -1.5f, 0.25f); break;
    case U_POW: y = wk_pow_scalar(g, x[0], 1.7f); break;
    default: y = wk_clamp(g, x[0], -0.5f, 0.6f); break;
    }
    return wk_mul(g, y, x[1]);
}

static wk_var *f_groupsort(wk_graph *g, wk_var **x, void *c) {
    return wk_mul(g, wk_groupsort(g, x[0], CTX(c)->a), x[1]);
}
static wk_var *f_sum(wk_graph *g, wk_var **x, void *c) {
    wk_var *s = CTX(c)->b ? wk_mean(g, wk_square(g, x[0]), CTX(c)->a, CTX(c)->c)
                          : wk_sum(g, wk_square(g, x[0]), CTX(c)->a, CTX(c)->c);
    return wk_tanh(g, s);
}
static wk_var *f_sum_to(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    wk_var *s = wk_sum_to(g, wk_square(g, x[0]), 3, (int64_t[]){1, 3, 1});
    return wk_mul(g, wk_broadcast_to(g, s, 3, (int64_t[]){2, 3, 4}), x[0]);
}
static wk_var *f_reshape(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_square(g, wk_reshape(g, x[0], 2, (int64_t[]){4, 6}));
}
static wk_var *f_permute(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_mul(g, wk_permute(g, wk_square(g, x[0]), (int[]){2, 0, 1}), x[1]);
}
static wk_var *f_transpose(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_matmul(g, wk_transpose(g, x[0]), x[0], 0, 0);
}
static wk_var *f_concat(wk_graph *g, wk_var **x, void *c) {
    wk_var *xs[2] = {wk_square(g, x[0]), x[1]};
    return wk_mul(g, wk_concat(g, xs, 2, CTX(c)->a), wk_concat(g, xs, 2, CTX(c)->a));
}
static wk_var *f_slice(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_square(g, wk_slice(g, wk_square(g, x[0]), 1, 1, 2));
}
static wk_var *f_gather(wk_graph *g, wk_var **x, void *c) {
    return wk_square(g, wk_gather(g, wk_square(g, x[0]), 0, CTX(c)->idx, 4));
}
static wk_var *f_conv(wk_graph *g, wk_var **x, void *c) {
    return wk_tanh(g, wk_conv2d(g, x[0], x[1], x[2], CTX(c)->a, CTX(c)->b));
}
static wk_var *f_convT(wk_graph *g, wk_var **x, void *c) {
    return wk_tanh(g, wk_conv_transpose2d(g, x[0], x[1], x[2], CTX(c)->a, CTX(c)->b, CTX(c)->c));
}
static wk_tensor rm, rv;
static wk_var *f_bn(wk_graph *g, wk_var **x, void *c) {
    return wk_mul(g, wk_batch_norm(g, x[0], x[1], x[2], &rm, &rv, CTX(c)->a, 0.1f, 1e-5f), x[0]);
}
static wk_var *f_ln(wk_graph *g, wk_var **x, void *c) {
    return wk_mul(g, wk_layer_norm(g, x[0], CTX(c)->a, x[1], x[2], 1e-5f), x[0]);
}
static wk_var *f_logsoftmax(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_mul(g, wk_log_softmax(g, x[0]), x[0]);
}
static wk_var *f_xent(wk_graph *g, wk_var **x, void *c) {
    return wk_mul(g, wk_cross_entropy(g, x[0], CTX(c)->idx), wk_sum(g, wk_square(g, x[0]), WK_ALL_AXES, 0));
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 7);
    gc_opts o = {.h = 2e-3, .rtol = 2e-2, .atol = 4e-3, .second = 1};

    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            ctx_t c = {.a = ta, .b = tb};
            wk_tensor in[2] = {ta ? gc_rand(&r, D2(4, 3), -1, 1) : gc_rand(&r, D2(3, 4), -1, 1),
                               tb ? gc_rand(&r, D2(5, 4), -1, 1) : gc_rand(&r, D2(4, 5), -1, 1)};
            char name[64];
            snprintf(name, sizeof name, "matmul(ta=%d,tb=%d)", ta, tb);
            gradcheck(name, f_matmul, &c, 2, in, &o);
            wk_tensor_free(&in[0]); wk_tensor_free(&in[1]);
        }
    {
        wk_tensor in[3] = {gc_rand(&r, D2(5, 3), -1, 1), gc_rand(&r, D2(4, 3), -1, 1), gc_rand(&r, 1, (int64_t[]){4}, -1, 1)};
        gradcheck("linear", f_linear, NULL, 3, in, &o);
        for (int i = 0; i < 3; i++) wk_tensor_free(&in[i]);
    }
    {   /* broadcasting in every binary op */
        wk_tensor a = gc_rand(&r, D3(2, 3, 4), -1, 1), b = gc_rand(&r, D2(3, 1), -1, 1), c4 = gc_rand(&r, 1, (int64_t[]){4}, -1, 1);
        wk_tensor pos = gc_rand(&r, D2(3, 1), 0.5f, 2);
        wk_tensor in1[2] = {a, b}, in2[2] = {a, c4}, in3[2] = {a, pos};
        gradcheck("add[2,3,4]+[3,1]", f_add, NULL, 2, in1, &o);
        gradcheck("sub[2,3,4]-[4]", f_sub, NULL, 2, in2, &o);
        gradcheck("mul[2,3,4]*[3,1]", f_mul, NULL, 2, in1, &o);
        gradcheck("div[2,3,4]/[3,1]", f_div, NULL, 2, in3, &o);
        wk_tensor a2 = gc_rand(&r, D2(3, 4), -1, 1), b2 = gc_rand(&r, D2(3, 4), 0.5f, 2);
        wk_tensor in4[2] = {a2, b2};
        gradcheck("div same shape", f_div, NULL, 2, in4, &o);
        wk_tensor_free(&a); wk_tensor_free(&b); wk_tensor_free(&c4); wk_tensor_free(&pos);
        wk_tensor_free(&a2); wk_tensor_free(&b2);
    }
    for (int k = 0; k < U_N; k++) {
        ctx_t c = {.a = k};
        int positive = k == U_SQRT || k == U_LOG || k == U_POW;
        wk_tensor in[2] = {gc_rand(&r, D2(3, 5), positive ? 0.3f : -1.5f, 1.5f), gc_rand(&r, D2(3, 5), -1, 1)};
        /* keep |x| >= 0.05 away from the kinks at 0 (relu, abs, leaky) and the clamp edges */
        for (int64_t i = 0; i < in[0].numel; i++) {
            float *v = &in[0].data[i];
            if (fabsf(*v) < 0.05f) *v = 0.1f;
            if (fabsf(*v + 0.5f) < 0.02f || fabsf(*v - 0.6f) < 0.02f) *v += 0.07f;
        }
        gradcheck(unames[k], f_unary, &c, 2, in, &o);
        wk_tensor_free(&in[0]); wk_tensor_free(&in[1]);
    }
    for (int k = 2; k <= 3; k++) {
        ctx_t c = {.a = k};
        wk_tensor in[2] = {gc_rand(&r, D2(4, 6), -2, 2), gc_rand(&r, D2(4, 6), -1, 1)};
        char name[32];
        snprintf(name, sizeof name, "groupsort k=%d", k);
        gradcheck(name, f_groupsort, &c, 2, in, &o);
        wk_tensor_free(&in[0]); wk_tensor_free(&in[1]);
    }
    {
        ctx_t c = {.a = 2};
        wk_tensor in[2] = {gc_rand(&r, D4(2, 4, 2, 2), -2, 2), gc_rand(&r, D4(2, 4, 2, 2), -1, 1)};
        gradcheck("groupsort 4-D channels", f_groupsort, &c, 2, in, &o);
        wk_tensor_free(&in[0]); wk_tensor_free(&in[1]);
    }
    int axes[] = {0, 1, 2, -1, WK_ALL_AXES};
    for (int i = 0; i < 5; i++)
        for (int mean = 0; mean < 2; mean++) {
            ctx_t c = {.a = axes[i], .b = mean, .c = i % 2};
            wk_tensor in = gc_rand(&r, D3(2, 3, 4), -1, 1);
            char name[64];
            snprintf(name, sizeof name, "%s(axis=%d, keepdim=%d)", mean ? "mean" : "sum", axes[i], i % 2);
            gradcheck(name, f_sum, &c, 1, &in, &o);
            wk_tensor_free(&in);
        }
    {
        wk_tensor in = gc_rand(&r, D3(2, 3, 4), -1, 1);
        gradcheck("sum_to/broadcast_to", f_sum_to, NULL, 1, &in, &o);
        gradcheck("reshape", f_reshape, NULL, 1, &in, &o);
        wk_tensor in2[2] = {in, gc_rand(&r, D3(4, 2, 3), -1, 1)};
        gradcheck("permute", f_permute, NULL, 2, in2, &o);
        wk_tensor_free(&in2[1]);
        wk_tensor t = gc_rand(&r, D2(3, 4), -1, 1);
        gradcheck("transpose", f_transpose, NULL, 1, &t, &o);
        gradcheck("slice", f_slice, NULL, 1, &t, &o);
        ctx_t cg = {.idx = {2, 0, 2, 1}};
        gradcheck("gather", f_gather, &cg, 1, &t, &o);
        for (int ax = 0; ax < 2; ax++) {
            ctx_t c = {.a = ax};
            wk_tensor cin[2] = {gc_rand(&r, D2(3, 4), -1, 1), ax ? gc_rand(&r, D2(3, 2), -1, 1) : gc_rand(&r, D2(2, 4), -1, 1)};
            gradcheck(ax ? "concat axis 1" : "concat axis 0", f_concat, &c, 2, cin, &o);
            wk_tensor_free(&cin[0]); wk_tensor_free(&cin[1]);
        }
        wk_tensor_free(&in); wk_tensor_free(&t);
    }
    /* Convolutions run the batch in chunks (ops_conv.c); the second pass takes 3 images in
     * chunks of 2 (the im2col size of two images) so that the chunk loop, the partial last chunk
     * and the weight gradient summed over chunks are checked at both orders too. It draws from
     * its own copy of the random stream, so the inputs of the tests after it stay the same. */
    int64_t keep_chunk = wk__conv_chunk_floats(0);
    wk_rng r_main = r;
    for (int chunked = 0; chunked < 2; chunked++) {
        int64_t nimg = chunked ? 3 : 2;
        if (chunked) r_main = r;
        int conv_cfg[4][2] = {{1, 0}, {1, 1}, {2, 1}, {2, 0}};
        for (int i = 0; i < 4; i++) {
            ctx_t c = {.a = conv_cfg[i][0], .b = conv_cfg[i][1]};
            int64_t ho = (5 + 2 * c.b - 3) / c.a + 1; /* im2col of one image: C k² Ho Wo floats */
            if (chunked) wk__conv_chunk_floats(2 * (2 * 9 * ho * ho));
            wk_tensor in[3] = {gc_rand(&r, D4(nimg, 2, 5, 5), -1, 1), gc_rand(&r, D4(3, 2, 3, 3), -0.5f, 0.5f),
                               gc_rand(&r, 1, (int64_t[]){3}, -0.5f, 0.5f)};
            char name[96];
            snprintf(name, sizeof name, "conv2d(stride=%d, pad=%d)%s", c.a, c.b, chunked ? ", 3 images in chunks of 2" : "");
            gradcheck(name, f_conv, &c, 3, in, &o);
            for (int j = 0; j < 3; j++) wk_tensor_free(&in[j]);
        }
        int convT_cfg[3][3] = {{1, 0, 0}, {2, 1, 0}, {2, 1, 1}};
        for (int i = 0; i < 3; i++) {
            ctx_t c = {.a = convT_cfg[i][0], .b = convT_cfg[i][1], .c = convT_cfg[i][2]};
            if (chunked) wk__conv_chunk_floats(2 * (2 * 16 * 3 * 3)); /* the adjoint conv's im2col: 2 out channels, k 4, 3×3 input */
            wk_tensor in[3] = {gc_rand(&r, D4(nimg, 3, 3, 3), -1, 1), gc_rand(&r, D4(3, 2, 4, 4), -0.5f, 0.5f),
                               gc_rand(&r, 1, (int64_t[]){2}, -0.5f, 0.5f)};
            char name[112];
            snprintf(name, sizeof name, "conv_transpose2d(stride=%d, pad=%d, output_padding=%d)%s", c.a, c.b, c.c,
                     chunked ? ", 3 images in chunks of 2" : "");
            gradcheck(name, f_convT, &c, 3, in, &o);
            for (int j = 0; j < 3; j++) wk_tensor_free(&in[j]);
        }
    }
    wk__conv_chunk_floats(keep_chunk);
    r = r_main;
    { /* 16 channels on the image side: oneDNN's input gradient too (conv_onednn.c serves it from 16
       * channels), where the build has oneDNN; its own copy of the stream, as above */
        wk_rng r16 = r;
        ctx_t c = {.a = 2, .b = 1};
        wk_tensor in[3] = {gc_rand(&r16, D4(2, 16, 5, 5), -1, 1), gc_rand(&r16, D4(3, 16, 3, 3), -0.5f, 0.5f),
                           gc_rand(&r16, 1, (int64_t[]){3}, -0.5f, 0.5f)};
        gradcheck("conv2d(stride=2, pad=1), 16 input channels", f_conv, &c, 3, in, &o);
        for (int j = 0; j < 3; j++) wk_tensor_free(&in[j]);
        ctx_t ct = {.a = 2, .b = 1, .c = 0};
        wk_tensor inT[3] = {gc_rand(&r16, D4(2, 3, 3, 3), -1, 1), gc_rand(&r16, D4(3, 16, 4, 4), -0.5f, 0.5f),
                            gc_rand(&r16, 1, (int64_t[]){16}, -0.5f, 0.5f)};
        gradcheck("conv_transpose2d(stride=2, pad=1), 16 output channels", f_convT, &ct, 3, inT, &o);
        for (int j = 0; j < 3; j++) wk_tensor_free(&inT[j]);
    }
    for (int train = 0; train < 2; train++)
        for (int four = 0; four < 2; four++) {
            ctx_t c = {.a = train};
            int64_t C = 3;
            wk_tensor_alloc(&rm, 1, &C);
            wk_tensor_alloc(&rv, 1, &C);
            for (int j = 0; j < 3; j++) { rm.data[j] = 0.1f * j; rv.data[j] = 1.0f + 0.5f * j; }
            wk_tensor in[3] = {four ? gc_rand(&r, D4(3, 3, 2, 2), -1, 1) : gc_rand(&r, D2(5, 3), -1, 1),
                               gc_rand(&r, 1, &C, 0.5f, 1.5f), gc_rand(&r, 1, &C, -0.5f, 0.5f)};
            char name[64];
            snprintf(name, sizeof name, "batch_norm(%s, %s)", train ? "train" : "eval", four ? "4-D" : "2-D");
            gradcheck(name, f_bn, &c, 3, in, &o);
            for (int j = 0; j < 3; j++) wk_tensor_free(&in[j]);
            wk_tensor_free(&rm); wk_tensor_free(&rv);
        }
    {
        ctx_t c1 = {.a = 1}, c3 = {.a = 3};
        wk_tensor in[3] = {gc_rand(&r, D2(4, 5), -1, 1), gc_rand(&r, 1, (int64_t[]){5}, 0.5f, 1.5f), gc_rand(&r, 1, (int64_t[]){5}, -0.5f, 0.5f)};
        gradcheck("layer_norm(last axis)", f_ln, &c1, 3, in, &o);
        for (int j = 0; j < 3; j++) wk_tensor_free(&in[j]);
        wk_tensor in3[3] = {gc_rand(&r, D4(2, 2, 2, 2), -1, 1), gc_rand(&r, D3(2, 2, 2), 0.5f, 1.5f), gc_rand(&r, D3(2, 2, 2), -0.5f, 0.5f)};
        gradcheck("layer_norm([C,H,W])", f_ln, &c3, 3, in3, &o);
        for (int j = 0; j < 3; j++) wk_tensor_free(&in3[j]);
        wk_tensor x = gc_rand(&r, D2(3, 4), -2, 2);
        gradcheck("log_softmax", f_logsoftmax, NULL, 1, &x, &o);
        ctx_t cx = {.idx = {3, 0, 1}};
        gradcheck("cross_entropy", f_xent, &cx, 1, &x, &o);
        wk_tensor_free(&x);
    }
    return check_summary("test_ops_gradcheck");
}
