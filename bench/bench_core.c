/* bench_core.c — how close the autodiff core runs to raw OpenBLAS on the toy critic.
 *
 * Workload (issue "Core"): the critic 2→512→512→512→1 (ReLU), batch 256. We time
 *   (1) forward + backward through the tape (graph reset, forward, loss = mean D, wk_backward),
 *   (2) the very same sgemm calls issued directly (forward products, dW for every layer, dX for
 *       layers 2..4), and report (2)/(1): the fraction of sgemm speed the core reaches.
 * GFLOP/s counts only the matrix products (2·m·n·k each). Prints one JSON line.
 *
 * usage: bench_core [--threads N] [--iters N] */
#include "wgankit/autodiff.h"
#include "wgankit/nn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"


int main(int argc, char **argv) {
    wk_prefer_passive_wait(argv);
    int threads = 2, iters = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--iters")) iters = atoi(argv[i + 1]);
    }
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(threads); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    const int B = 256, W = 512;
    const int dims[5] = {2, W, W, W, 1};
    wk_rng rng;
    wk_rng_seed(&rng, 1);
    wk_model D;
    wk_model_init(&D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 3, .width = W, .act = WK_ACT_RELU, .bias = 1};
    if (wk_build_mlp(&D, &s)) return 1;
    wk_model_init_default(&D, &rng);
    wk_tensor x;
    wk_tensor_alloc(&x, 2, (int64_t[]){B, 2});
    wk_rng_fill_normal(&rng, x.data, x.numel, 0, 1);

    /* (1) the core */
    wk_graph *g = wk_graph_new();
    double best_core = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = bench_now();
        for (int it = 0; it < iters; it++) {
            wk_graph_reset(g);
            wk_var *y = wk_model_forward(&D, g, wk_input(g, &x, 0), 1);
            if (!y || wk_backward(g, wk_mean(g, y, WK_ALL_AXES, 0))) {
                fprintf(stderr, "bench_core: %s\n", wk_last_error());
                return 1;
            }
        }
        double t = (bench_now() - t0) / iters;
        if (t < best_core) best_core = t;
    }

    /* (2) the same products straight through sgemm */
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    float *act[5], *gact[5], *w[4], *gw[4];
    for (int l = 0; l < 5; l++) {
        act[l] = calloc((size_t)B * dims[l], sizeof(float));
        gact[l] = calloc((size_t)B * dims[l], sizeof(float));
    }
    for (int l = 0; l < 4; l++) {
        w[l] = calloc((size_t)dims[l] * dims[l + 1], sizeof(float));
        gw[l] = calloc((size_t)dims[l] * dims[l + 1], sizeof(float));
        memcpy(w[l], D.params[2 * l]->value.data, sizeof(float) * (size_t)dims[l] * dims[l + 1]);
    }
    double flops = 0;
    for (int l = 0; l < 4; l++) {
        flops += 2.0 * B * dims[l] * dims[l + 1] * 2; /* forward + dW */
        if (l > 0) flops += 2.0 * B * dims[l] * dims[l + 1]; /* dX */
    }
    double best_gemm = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = bench_now();
        for (int it = 0; it < iters; it++) {
            for (int l = 0; l < 4; l++)
                be->sgemm(wk_exec_current(), 0, 1, B, dims[l + 1], dims[l], 1, act[l], dims[l], w[l], dims[l], 0, act[l + 1], dims[l + 1]);
            for (int l = 3; l >= 0; l--) {
                be->sgemm(wk_exec_current(), 1, 0, dims[l + 1], dims[l], B, 1, gact[l + 1], dims[l + 1], act[l], dims[l], 1, gw[l], dims[l]);
                if (l > 0)
                    be->sgemm(wk_exec_current(), 0, 0, B, dims[l], dims[l + 1], 1, gact[l + 1], dims[l + 1], w[l], dims[l], 0, gact[l], dims[l]);
            }
        }
        double t = (bench_now() - t0) / iters;
        if (t < best_gemm) best_gemm = t;
    }
    printf("{\"bench\": \"core_mlp_fwd_bwd\", \"threads\": %d, \"batch\": %d, \"width\": %d, "
           "\"core_ms\": %.4f, \"sgemm_ms\": %.4f, \"core_gflops\": %.2f, \"sgemm_gflops\": %.2f, "
           "\"fraction_of_sgemm\": %.3f, \"graph_peak_bytes\": %zu}\n",
           threads, B, W, best_core * 1e3, best_gemm * 1e3, flops / best_core * 1e-9, flops / best_gemm * 1e-9,
           best_gemm / best_core, wk_graph_peak_bytes(g));
    wk_graph_free(g);
    wk_model_free(&D);
    wk_tensor_free(&x);
    return 0;
}
