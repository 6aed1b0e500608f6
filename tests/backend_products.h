/* backend_products.h — one check of the CPU backend's four products (backend_cpu.c), shared by
 * the tests that run them in different conditions (split over a team: test_backend_split.c; under
 * a memory limit that leaves OpenBLAS no buffer, the plain loops: test_blas_room.c): for every
 * transpose combination and shapes tall, wide, odd and smaller than one register block,
 * sgemm/dgemm/ssyrk/ssymm equal a plain double-precision reference, and ssyrk leaves the strict
 * lower triangle untouched. Include after check.h. */
#ifndef WK_TEST_BACKEND_PRODUCTS_H
#define WK_TEST_BACKEND_PRODUCTS_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wgankit/tensor.h"

static double at(const float *x, int ld, int r, int c) { return x[(size_t)r * ld + c]; }

static void fill(float *x, size_t n, unsigned *s) {
    for (size_t i = 0; i < n; i++) {
        *s = *s * 1664525u + 1013904223u;
        x[i] = (float)((*s >> 8) / 16777216.0 - 0.5);
    }
}

/* every product under the context x, against the reference */
static void backend_products_check(const wk_exec *x) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    const int shapes[][3] = {{1, 1, 1}, {5, 3, 7}, {37, 70, 19}, {200, 9, 33}, {9, 200, 33}, {130, 129, 64}};
    unsigned seed = 1;
    for (unsigned s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n),
              *c0 = malloc(sizeof(float) * m * n);
        double *ad = malloc(sizeof(double) * m * k), *bd = malloc(sizeof(double) * k * n), *cd = malloc(sizeof(double) * m * n);
        fill(a, (size_t)m * k, &seed), fill(b, (size_t)k * n, &seed), fill(c0, (size_t)m * n, &seed);
        for (int i = 0; i < m * k; i++) ad[i] = a[i];
        for (int i = 0; i < k * n; i++) bd[i] = b[i];
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                int lda = ta ? m : k, ldb = tb ? k : n;
                memcpy(c, c0, sizeof(float) * m * n);
                for (int i = 0; i < m * n; i++) cd[i] = c0[i];
                be->sgemm(x, ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2.0f, c, n);
                be->dgemm(x, ta, tb, m, n, k, 0.5, ad, lda, bd, ldb, 2.0, cd, n);
                double err = 0, errd = 0;
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double r = 2.0 * c0[i * n + j];
                        for (int p = 0; p < k; p++)
                            r += 0.5 * (ta ? at(a, lda, p, i) : at(a, lda, i, p)) * (tb ? at(b, ldb, j, p) : at(b, ldb, p, j));
                        err = fmax(err, fabs(c[i * n + j] - r));
                        errd = fmax(errd, fabs(cd[i * n + j] - r));
                    }
                CHECK(err < 1e-5 * k && errd < 1e-12 * k, "gemm %dx%dx%d ta=%d tb=%d: float err %g, double err %g", m, n,
                      k, ta, tb, err, errd);
            }
        /* ssyrk: C [n x n] upper = alpha op(A) op(A)^T + beta C; A is m x k used as op(A) n' x k' */
        for (int trans = 0; trans < 2; trans++) {
            int N = trans ? k : m, K = trans ? m : k, lda = k; /* A stored m x k */
            float *cs = malloc(sizeof(float) * N * N), *cs0 = malloc(sizeof(float) * N * N);
            fill(cs0, (size_t)N * N, &seed);
            memcpy(cs, cs0, sizeof(float) * N * N);
            be->ssyrk(x, trans, N, K, 1.5f, a, lda, 0.5f, cs, N);
            double err = 0;
            int lower_kept = 1;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    if (j < i) {
                        lower_kept &= cs[i * N + j] == cs0[i * N + j];
                        continue;
                    }
                    double r = 0.5 * cs0[i * N + j];
                    for (int p = 0; p < K; p++)
                        r += 1.5 * (trans ? at(a, lda, p, i) * at(a, lda, p, j) : at(a, lda, i, p) * at(a, lda, j, p));
                    err = fmax(err, fabs(cs[i * N + j] - r));
                }
            CHECK(err < 1e-5 * K && lower_kept, "ssyrk n=%d k=%d trans=%d: err %g, lower kept %d", N, K, trans, err, lower_kept);
            free(cs), free(cs0);
        }
        /* ssymm: S symmetric from the upper triangle of a square block; left: S [m x m] times B [m x n] */
        for (int left = 0; left < 2; left++) {
            int S = left ? m : n;
            float *sm = malloc(sizeof(float) * S * S), *bb = malloc(sizeof(float) * m * n), *cc = malloc(sizeof(float) * m * n);
            fill(sm, (size_t)S * S, &seed), fill(bb, (size_t)m * n, &seed);
            memcpy(cc, c0, sizeof(float) * m * n);
            be->ssymm(x, left, m, n, 1.0f, sm, S, bb, n, -1.0f, cc, n);
            double err = 0;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double r = -1.0 * c0[i * n + j];
                    for (int p = 0; p < S; p++) {
                        int u = left ? i : p, v = left ? p : j; /* S[u][v] from the upper triangle */
                        double sv = u <= v ? sm[u * S + v] : sm[v * S + u];
                        r += left ? sv * bb[p * n + j] : bb[i * n + p] * sv;
                    }
                    err = fmax(err, fabs(cc[i * n + j] - r));
                }
            CHECK(err < 1e-5 * S, "ssymm %dx%d left=%d: err %g", m, n, left, err);
            free(sm), free(bb), free(cc);
        }
        free(a), free(b), free(c), free(c0), free(ad), free(bd), free(cd);
    }
}

#endif
