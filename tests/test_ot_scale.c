/* test_ot_scale.c — exact OT is positively homogeneous, and the solvers must be too:
 * W1(sX, sY) = s W1(X, Y) and emd2(a, b, sM) = s emd2(a, b, M) for every finite scale s.
 *
 * Faults this pins (found from outside, issue 15's "every finite input"):
 *  - the network simplex's artificial cost was (cmax + 1) x #nodes: the absolute 1 put its
 *    potentials' rounding (~1e-16 x #nodes) above every reduced cost of a problem whose costs
 *    are all tiny, so wk_w1_exact refused clouds at scale 1e-6 ("cannot certify") and
 *    wk_emd_dense returned a plan up to 9.5% too costly, silently, for costs below 1e-13;
 *  - the single-precision gemm cost engine (high-d clouds) overflowed float at scale 1e50
 *    (inf costs: "no feasible plan") and would underflow at 1e-20.
 * Each solver path runs at scales 1e-150 .. 1e100: the dense small-problem path, the
 * assignment (n = m uniform), the weighted simplex with its coarse start, the uniform n != m
 * simplex, the 64-D gemm engine, 1-D; and the dense-matrix emd at 1e-300 .. 1e300. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

static double *normal(wk_rng *r, int64_t count, double shift) {
    double *x = malloc((size_t)count * sizeof(double));
    for (int64_t k = 0; k < count; k++) x[k] = wk_rng_normal_d(r) + shift;
    return x;
}

static double *weights(wk_rng *r, int64_t n) {
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) s += (w[i] = 0.1 + wk_rng_uniform_d(r));
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    return w;
}

static void scaled(const char *name, int64_t n, int64_t m, int d, int weighted, int seed) {
    wk_rng r;
    wk_rng_seed(&r, (uint64_t)seed);
    double *a = normal(&r, n * d, 0), *b = normal(&r, m * d, 0.3);
    double *wa = weighted ? weights(&r, n) : NULL, *wb = weighted ? weights(&r, m) : NULL;
    double *sa = malloc((size_t)(n * d) * sizeof(double)), *sb = malloc((size_t)(m * d) * sizeof(double));
    wk_ot_result res;
    int rc = wk_w1_exact_f64(a, n, wa, b, m, wb, d, NULL, &res);
    REQUIRE(rc == WK_OK, "%s: unscaled: %s", name, wk_last_error());
    const double base = res.value;
    wk_ot_result_free(&res);
    const double scales[] = {1e-150, 1e-30, 1e-15, 1e-6, 1e6, 1e50, 1e100};
    for (size_t q = 0; q < sizeof scales / sizeof scales[0]; q++) {
        const double s = scales[q];
        for (int64_t k = 0; k < n * d; k++) sa[k] = a[k] * s;
        for (int64_t k = 0; k < m * d; k++) sb[k] = b[k] * s;
        rc = wk_w1_exact_f64(sa, n, wa, sb, m, wb, d, NULL, &res);
        CHECK(rc == WK_OK, "%s, scale %g: %s", name, s, wk_last_error());
        if (rc == WK_OK) {
            CHECK(fabs(res.value / s - base) <= 1e-12 * base, "%s, scale %g: W1 / s = %.17g, want %.17g", name, s, res.value / s,
                  base);
            CHECK(res.gap <= 1e-9 * res.value, "%s, scale %g: certified within %g of %g", name, s, res.gap, res.value);
        }
        wk_ot_result_free(&res);
    }
    free(a);
    free(b);
    free(sa);
    free(sb);
    free(wa);
    free(wb);
}

static void scaled_emd(void) {
    wk_rng r;
    wk_rng_seed(&r, 7);
    const int64_t n = 50, m = 60, d = 3;
    double *a = normal(&r, n * d, 0), *b = normal(&r, m * d, 0);
    double *M = malloc((size_t)(n * m) * sizeof(double)), *sM = malloc((size_t)(n * m) * sizeof(double));
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += (a[i * d + k] - b[j * d + k]) * (a[i * d + k] - b[j * d + k]);
            M[i * m + j] = sqrt(s);
        }
    double base = 0, v = 0;
    REQUIRE(wk_emd_dense(NULL, n, NULL, m, M, &base) == WK_OK, "emd: %s", wk_last_error());
    const double scales[] = {1e-300, 1e-100, 1e-20, 1e-15, 1e-13, 1e-6, 1e6, 1e100, 1e300};
    for (size_t q = 0; q < sizeof scales / sizeof scales[0]; q++) {
        for (int64_t k = 0; k < n * m; k++) sM[k] = M[k] * scales[q];
        int rc = wk_emd_dense(NULL, n, NULL, m, sM, &v);
        CHECK(rc == WK_OK && fabs(v / scales[q] - base) <= 1e-12 * base, "emd, M x %g: rc %d, value / s = %.17g, want %.17g",
              scales[q], rc, v / scales[q], base);
    }
    free(a);
    free(b);
    free(M);
    free(sM);
}

int main(void) {
    scaled("dense 50 x 60 x 3", 50, 60, 3, 0, 1);
    scaled("assignment 1200 x 1200 x 2", 1200, 1200, 2, 0, 2);
    scaled("weighted simplex, coarse start, 900 x 700 x 2", 900, 700, 2, 1, 3);
    scaled("uniform simplex 700 x 500 x 2", 700, 500, 2, 0, 4);
    scaled("gemm engine 600 x 600 x 64", 600, 600, 64, 0, 5);
    scaled("1-D 300 x 200, weighted", 300, 200, 1, 1, 6);
    scaled_emd();
    return check_summary("test_ot_scale");
}
