/* conv_vs_im2col.c — the measurement behind ops_conv.c's choice of oneDNN for convolutions: one
 * convolution layer (default: the 28×28 DCGAN critic's 64→128 channels, 14×14 → 7×7, k 4, s 2,
 * p 1, batch 128) by im2col + OpenBLAS sgemm (one thread) against oneDNN's forward, backward-data
 * and backward-weights primitives, in plain NCHW and in the layout oneDNN picks (format "any",
 * before any reorder). CPU time of this process, so a loaded machine changes it little.
 * Zen 3 (AVX2): oneDNN's jit:avx2 kernels 40 / 38 / 38 ms at batch 128 against 44 ms for the
 * im2col + sgemm forward: not worth a dependency then. Zen 5 (AVX-512): jit:avx512_core ~190
 * GFLOP/s against ~95 for the sgemm alone, at any batch from 8: conv_onednn.c uses it since.
 * Built by hand (libdnnl-dev, which scripts/install-deps installs):
 *     gcc -O2 -fopenmp bench/onednn/conv_vs_im2col.c -o /tmp/conv_vs_im2col -ldnnl -lopenblas
 *     /tmp/conv_vs_im2col [batch [C O H]]      (ONEDNN_MAX_CPU_ISA=AVX2 caps oneDNN's kernels)
 * The im2col here is the plain loop, not ops_conv.c's (which is faster). */
#include <cblas.h>
#include <dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
extern void openblas_set_num_threads(int);
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
#define CK(x)                                                                                                          \
    do {                                                                                                               \
        dnnl_status_t s_ = (x);                                                                                        \
        if (s_) {                                                                                                      \
            printf("err %d at %s\n", s_, #x);                                                                          \
            exit(1);                                                                                                   \
        }                                                                                                              \
    } while (0)
int N = 128, C = 64, H = 14, W = 14, O = 128, K = 4, S = 2, P = 1, Ho, Wo;
static void im2col(const float *x, float *col) {
    long L = Ho * Wo, NL = N * L, rows = C * K * K;
    for (long r = 0; r < rows; r++) {
        long c = r / (K * K), i = (r / K) % K, j = r % K;
        float *dst = col + r * NL;
        for (long n = 0; n < N; n++)
            for (long oh = 0; oh < Ho; oh++) {
                long h = oh * S - P + i;
                float *d = dst + n * L + oh * Wo;
                for (long ow = 0; ow < Wo; ow++) {
                    long w = ow * S - P + j;
                    d[ow] = (h < 0 || h >= H || w < 0 || w >= W) ? 0 : x[((n * C + c) * H + h) * W + w];
                }
            }
    }
}
int main(int argc, char **argv) {
    if (argc > 1)
        N = atoi(argv[1]);
    if (argc > 4) {
        C = atoi(argv[2]);
        O = atoi(argv[3]);
        H = W = atoi(argv[4]);
    }
    openblas_set_num_threads(1);
    omp_set_num_threads(1);
    Ho = (H + 2 * P - K) / S + 1;
    Wo = Ho;
    size_t nx = (size_t)N * C * H * W, nw = (size_t)O * C * K * K, ny = (size_t)N * O * Ho * Wo, L = Ho * Wo;
    float *x = malloc(nx * 4), *w = malloc(nw * 4), *y = malloc(ny * 4), *col = malloc((size_t)C * K * K * N * L * 4);
    for (size_t i = 0; i < nx; i++)
        x[i] = rand() / (float)RAND_MAX - 0.5f;
    for (size_t i = 0; i < nw; i++)
        w[i] = rand() / (float)RAND_MAX - 0.5f;
    for (size_t i = 0; i < ny; i++)
        y[i] = rand() / (float)RAND_MAX - 0.5f;
    int R = 10;
    double t0 = now();
    for (int r = 0; r < R; r++) {
        im2col(x, col);
    }
    double tim = (now() - t0) / R;
    t0 = now();
    for (int r = 0; r < R; r++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, N * L, C * K * K, 1, w, C * K * K, col, N * L, 0, y,
                    N * L);
    double tg = (now() - t0) / R;
    double gf = 2.0 * O * C * K * K * N * L / 1e9;
    printf("im2col %.2f ms sgemm %.2f ms (%.1f GFLOP/s)\n", tim * 1e3, tg * 1e3, gf / tg);
    dnnl_engine_t eng;
    CK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    dnnl_stream_t st;
    CK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
    dnnl_memory_desc_t xd, wd, yd;
    dnnl_dims_t xdims = {N, C, H, W}, wdims = {O, C, K, K}, ydims = {N, O, Ho, Wo}, str = {S, S}, pad = {P, P};
    for (int any = 0; any < 2; any++) {
        CK(dnnl_memory_desc_init_by_tag(&xd, 4, xdims, dnnl_f32, any ? dnnl_format_tag_any : dnnl_nchw));
        CK(dnnl_memory_desc_init_by_tag(&wd, 4, wdims, dnnl_f32, any ? dnnl_format_tag_any : dnnl_oihw));
        CK(dnnl_memory_desc_init_by_tag(&yd, 4, ydims, dnnl_f32, any ? dnnl_format_tag_any : dnnl_nchw));
        const char *names[3] = {"fwd", "bwd_data", "bwd_w"};
        for (int kind = 0; kind < 3; kind++) {
            dnnl_convolution_desc_t cd;
            dnnl_primitive_desc_t pd;
            dnnl_primitive_t pr;
            dnnl_convolution_desc_t fd;
            CK(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &xd, &wd, NULL,
                                                  &yd, str, pad, pad));
            dnnl_primitive_desc_t fpd;
            CK(dnnl_primitive_desc_create(&fpd, &fd, NULL, eng, NULL));
            if (kind == 0) {
                cd = fd;
                CK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL));
            } else if (kind == 1) {
                CK(dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &xd, &wd, &yd, str, pad,
                                                            pad));
                CK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, fpd));
            } else {
                CK(dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &xd, &wd, NULL, &yd, str,
                                                               pad, pad));
                CK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, fpd));
            }
            const char *impl;
            dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
            CK(dnnl_primitive_create(&pr, pd));
            const dnnl_memory_desc_t *sm =
                dnnl_primitive_desc_query_md(pd, kind == 1 ? dnnl_query_diff_src_md : dnnl_query_src_md, 0);
            const dnnl_memory_desc_t *wm =
                dnnl_primitive_desc_query_md(pd, kind == 2 ? dnnl_query_diff_weights_md : dnnl_query_weights_md, 0);
            const dnnl_memory_desc_t *dm =
                dnnl_primitive_desc_query_md(pd, kind == 0 ? dnnl_query_dst_md : dnnl_query_diff_dst_md, 0);
            dnnl_memory_t ms, mw, md;
            CK(dnnl_memory_create(&ms, sm, eng, DNNL_MEMORY_ALLOCATE));
            CK(dnnl_memory_create(&mw, wm, eng, DNNL_MEMORY_ALLOCATE));
            CK(dnnl_memory_create(&md, dm, eng, DNNL_MEMORY_ALLOCATE));
            dnnl_exec_arg_t args[3];
            if (kind == 0) {
                args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, ms};
                args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, mw};
                args[2] = (dnnl_exec_arg_t){DNNL_ARG_DST, md};
            }
            if (kind == 1) {
                args[0] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_SRC, ms};
                args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, mw};
                args[2] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, md};
            }
            if (kind == 2) {
                args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, ms};
                args[1] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_WEIGHTS, mw};
                args[2] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, md};
            }
            CK(dnnl_primitive_execute(pr, st, 3, args));
            dnnl_stream_wait(st);
            t0 = now();
            for (int r = 0; r < R; r++) {
                CK(dnnl_primitive_execute(pr, st, 3, args));
            }
            dnnl_stream_wait(st);
            double t = (now() - t0) / R;
            printf("%s %s: %.2f ms (%.1f GFLOP/s) impl %s\n", any ? "any" : "plain", names[kind], t * 1e3, gf / t,
                   impl);
        }
    }
    return 0;
}
