/* test_conv_paths.c — ops_conv.c's paths against each other. With oneDNN off: the vectorised
 * stride-2 im2col / col2im against its generic loops:
 * conv2d and conv_transpose2d outputs and their input, weight and bias gradients are bit-identical
 * with the fast path on and off (same copies, same additions in the same order), on the 28×28
 * DCGAN's geometry (14 → 7, k 4, p 1), odd and even sizes, k 3, padding 0 and 2, a batch run in
 * chunks, and input rows of 16 columns (the widest the fast path takes); and on 3 threads (the
 * maps' team paths: chunks of images, or parts of the weight gradient's columns, per thread) equal to
 * one thread's; gradients added to buffers that hold a value already equal the fresh ones plus it.
 * With oneDNN on (conv_onednn.c, where the build has it): the same outputs and gradients on 3
 * threads as on one, bit for bit (each chunk is one single-threaded primitive), and equal to the
 * im2col path's up to the order of the sums; and oneDNN does serve the DCGAN's big layer (a build
 * that has it but cannot open libdnnl.so.2 fails here rather than silently taking the slow path). */
#include "check.h"
#include "core/conv_internal.h"
#include "core/graph_internal.h"
#include "wgankit/autodiff.h"
#include "wgankit/rng.h"

#include <math.h>
#include <string.h>

typedef struct {
    int N, C, O, H, k, p, transpose;
} cfg_t;

/* out[0] = y, out[1..3] = d(sum y·r)/d(x, w, b), each copied into a fresh tensor; with `shared`,
 * the loss also has sum(x·r) + sum(w·r) (its first terms reached on the way back), so the
 * convolution's gradients are added to buffers that hold r already, not written into fresh ones.
 * Run on a context of `threads` threads with no parallel minimum (every map on the team path). */
static wk_tensor shared_r[2]; /* the r of x and of w in the last shared run */

/* path: 0 the generic im2col loops, 1 the vectorised ones, 2 oneDNN (where it serves the geometry) */
static void run(const cfg_t *c, int path, int threads, int shared, wk_tensor out[4]) {
    int old = wk__conv_fast_path(path != 0), old_dnn = wk__conv_onednn(path == 2);
    wk_exec ex = wk_exec_make(threads);
    ex.blas_par_min = 0;
    wk_exec_saved saved;
    wk_exec_enter(&ex, &saved);
    wk_rng rng;
    wk_rng_seed(&rng, 7);
    int64_t Hin = c->H;
    wk_tensor x, w, b;
    wk_tensor_alloc(&x, 4, (int64_t[]){c->N, c->C, Hin, Hin});
    /* conv: [O, C, k, k]; transposed: [in = C, out = O, k, k] */
    wk_tensor_alloc(&w, 4, (int64_t[]){c->transpose ? c->C : c->O, c->transpose ? c->O : c->C, c->k, c->k});
    wk_tensor_alloc(&b, 1, (int64_t[]){c->O});
    wk_rng_fill_normal(&rng, x.data, x.numel, 0, 1);
    wk_rng_fill_normal(&rng, w.data, w.numel, 0, 1);
    wk_rng_fill_normal(&rng, b.data, b.numel, 0, 1);
    wk_graph *g = wk_graph_new();
    const wk_rng drawn = rng; /* the r's below: the same in both passes */
    /* two passes on one graph: the second's buffers are the first's memory, holding its values, so
     * a buffer an op should have zeroed or written whole shows (a new arena block is all zeros) */
    for (int pass = 0; pass < 2; pass++) {
    if (pass) wk_graph_reset(g);
    rng = drawn;
    wk_var *xs[3] = {wk_input(g, &x, 1), wk_input(g, &w, 1), wk_input(g, &b, 1)}, *dx[3] = {0};
    wk_var *y = c->transpose ? wk_conv_transpose2d(g, xs[0], xs[1], xs[2], 2, c->p, 0)
                             : wk_conv2d(g, xs[0], xs[1], xs[2], 2, c->p);
    REQUIRE(y, "conv: %s", wk_last_error());
    wk_tensor r;
    wk_tensor_alloc(&r, wk_value(y)->ndim, wk_value(y)->shape);
    wk_rng_fill_normal(&rng, r.data, r.numel, 0, 1);
    wk_var *loss = wk_sum(g, wk_mul(g, y, wk_input(g, &r, 0)), WK_ALL_AXES, 0);
    if (shared) /* x and w are multiplied by themselves' shapes' first values of r: any fixed tensor */
        for (int i = 0; i < 2; i++) {
            wk_tensor ri;
            wk_tensor_alloc(&ri, xs[i]->value.ndim, xs[i]->value.shape);
            wk_rng_fill_normal(&rng, ri.data, ri.numel, 0, 1);
            loss = wk_add(g, loss, wk_sum(g, wk_mul(g, xs[i], wk_input(g, &ri, 0)), WK_ALL_AXES, 0));
            wk_tensor_free(&shared_r[i]);
            shared_r[i] = ri;
        }
    REQUIRE(wk_grad(g, loss, xs, 3, dx, 0) == WK_OK, "grad: %s", wk_last_error());
    const wk_tensor *src[4] = {wk_value(y), wk_value(dx[0]), wk_value(dx[1]), wk_value(dx[2])};
    for (int i = 0; i < 4 && pass; i++) {
        wk_tensor_alloc(&out[i], src[i]->ndim, src[i]->shape);
        memcpy(out[i].data, src[i]->data, (size_t)src[i]->numel * sizeof(float));
    }
    wk_tensor_free(&r);
    }
    wk_graph_free(g);
    wk_tensor_free(&x), wk_tensor_free(&w), wk_tensor_free(&b);
    wk_exec_leave(&saved);
    wk__conv_fast_path(old);
    wk__conv_onednn(old_dnn);
}

int main(void) {
    /* conv: H is the input size; transposed: H is its input (the conv's output side) */
    const cfg_t cases[] = {
        {5, 4, 6, 14, 4, 1, 0}, /* the DCGAN critic's second layer, scaled down */
        {5, 6, 4, 7, 4, 1, 1},  /* the DCGAN generator's first transposed layer, 7 → 14 */
        {3, 3, 5, 9, 3, 1, 0},  {3, 3, 5, 16, 4, 1, 0}, {2, 2, 3, 13, 4, 2, 0},
        {2, 3, 2, 12, 3, 0, 0}, {3, 2, 3, 5, 3, 1, 1},  {2, 3, 2, 8, 4, 2, 1},
        {3, 8, 5, 14, 4, 1, 0}, {3, 5, 8, 7, 4, 1, 1}, /* K = 8·4·4 = 128: the weight gradient's team path */
        {3, 1, 40, 14, 4, 1, 0}, {3, 40, 1, 7, 4, 1, 1}, /* K = 16: the weight gradient chunk by chunk */
        {3, 8, 16, 14, 4, 1, 0},  /* 16 output channels: the weight gradient's column parts change its bits
                                     on OpenBLAS unless fixed by the geometry */
        {2, 2, 3, 8, 3, 0, 0},    /* 3 output columns: the vectorised im2col's 8-lane stores pass a row's end */
        {3, 16, 8, 14, 4, 1, 0}, {3, 8, 16, 7, 4, 1, 1}, /* 16 input channels: oneDNN's input gradient */
        {1, 16, 40, 14, 4, 1, 0}, {1, 1, 40, 14, 4, 1, 0}, /* one image: one chunk, whatever the team */
    };
    const char *what[4] = {"output", "input gradient", "weight gradient", "bias gradient"};
    /* variants against the reference (vectorised, one thread, fresh gradient buffers):
     * the generic loops; 3 threads (the team path: chunks or kernel rows per thread); both */
    const struct { int path, threads; const char *name; } var[] = {
        {0, 1, "generic loops"}, {1, 3, "3 threads"}, {0, 3, "generic loops, 3 threads"}, /* against path 1, 1 thread */
        {2, 3, "oneDNN, 3 threads"},                                                       /* against path 2, 1 thread */
    };
    for (int chunked = 0; chunked < 2; chunked++) {
        int64_t keep = wk__conv_chunk_floats(chunked ? 300 : 0); /* 300 floats: one or two images a chunk */
        for (size_t ci = 0; ci < sizeof cases / sizeof *cases; ci++)
            for (int shared = 0; shared < 2; shared++) {
                const cfg_t *c = &cases[ci];
                wk_tensor a[4], dnn[4], plain[4];
                run(c, 1, 1, shared, a);
                run(c, 2, 1, shared, dnn);
                for (size_t vi = 0; vi < sizeof var / sizeof *var; vi++) {
                    wk_tensor b[4], *ref = var[vi].path == 2 ? dnn : a;
                    run(c, var[vi].path, var[vi].threads, shared, b);
                    for (int i = 0; i < 4; i++) {
                        int64_t bad = -1;
                        for (int64_t e = 0; e < ref[i].numel && bad < 0; e++)
                            if (!(ref[i].data[e] == b[i].data[e])) bad = e;
                        CHECK(ref[i].numel == b[i].numel && bad < 0,
                              "%s N%d C%d O%d H%d k%d p%d%s%s, %s: %s differs at %lld (%.9g vs %.9g)",
                              c->transpose ? "conv_transpose2d" : "conv2d", c->N, c->C, c->O, c->H, c->k, c->p,
                              chunked ? " chunked" : "", shared ? " shared" : "", var[vi].name, what[i],
                              (long long)bad, bad >= 0 ? ref[i].data[bad] : 0.0, bad >= 0 ? b[i].data[bad] : 0.0);
                        wk_tensor_free(&b[i]);
                    }
                }
                for (int i = 0; i < 4; i++) { /* oneDNN against im2col: the same sums in another order */
                    float scale = 1;
                    for (int64_t e = 0; e < a[i].numel; e++) scale = fmaxf(scale, fabsf(a[i].data[e]));
                    int64_t bad = -1;
                    for (int64_t e = 0; e < a[i].numel && bad < 0; e++)
                        if (!(fabsf(a[i].data[e] - dnn[i].data[e]) <= 2e-5f * scale)) bad = e;
                    CHECK(a[i].numel == dnn[i].numel && bad < 0, "%s N%d C%d O%d H%d k%d p%d%s%s: oneDNN's %s differs from im2col's at %lld (%.9g vs %.9g)",
                          c->transpose ? "conv_transpose2d" : "conv2d", c->N, c->C, c->O, c->H, c->k, c->p,
                          chunked ? " chunked" : "", shared ? " shared" : "", what[i], (long long)bad,
                          bad >= 0 ? a[i].data[bad] : 0.0, bad >= 0 ? dnn[i].data[bad] : 0.0);
                }
                if (shared) { /* added to r: the fresh run's gradient + r, up to the order of the additions */
                    for (int path = 1; path <= 2; path++) {
                        wk_tensor *sh = path == 2 ? dnn : a;
                        run(c, path, 1, 0, plain);
                        for (int i = 0; i < 2; i++) {
                            int64_t bad = -1;
                            for (int64_t e = 0; e < plain[i + 1].numel && bad < 0; e++)
                                if (!(fabsf(sh[i + 1].data[e] - (plain[i + 1].data[e] + shared_r[i].data[e])) <=
                                      1e-4f * (1 + fabsf(plain[i + 1].data[e]) + fabsf(shared_r[i].data[e]))))
                                    bad = e;
                            CHECK(bad < 0, "%s N%d C%d O%d H%d k%d%s: shared %s is not the fresh one + r at %lld (%s)",
                                  c->transpose ? "conv_transpose2d" : "conv2d", c->N, c->C, c->O, c->H, c->k,
                                  chunked ? " chunked" : "", what[i + 1], (long long)bad, path == 2 ? "oneDNN" : "im2col");
                        }
                        for (int i = 0; i < 4; i++) wk_tensor_free(&plain[i]);
                    }
                }
                for (int i = 0; i < 4; i++) wk_tensor_free(&a[i]), wk_tensor_free(&dnn[i]);
            }
        wk__conv_chunk_floats(keep);
    }
    if (wk__conv_onednn(-1)) { /* built with oneDNN: it must serve the 28×28 DCGAN's big layer's three maps */
        const wk_conv_geom big = {.N = 8, .C = 64, .H = 14, .W = 14, .O = 128, .k = 4, .s = 2, .p = 1, .Ho = 7, .Wo = 7};
        for (int m = 0; m < 3; m++)
            CHECK(wk__conv_prim((wk_conv_map)m, &big) != NULL, "oneDNN is built in but does not serve map %d of the "
                  "64→128-channel 14×14 layer (libdnnl.so.2 missing, or no JIT kernel on this CPU)", m);
    }
    wk_tensor_free(&shared_r[0]), wk_tensor_free(&shared_r[1]);
    return check_summary("test_conv_paths");
}
