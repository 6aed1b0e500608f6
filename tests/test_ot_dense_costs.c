/* test_ot_dense_costs.c — the dense path's stored costs (ot_common.c dense_costs) and its
 * float32 input (issue 15, performance 2). float32 clouds from 16 coordinates on are read as
 * floats, with no double copy (ot_input.defer_double; ot_cloud_widen makes the doubles on
 * demand) and the rows borrowed when every point is kept. Checked:
 *  - every stored cost from float32 input equals, to the bit, the one from the same values
 *    given as float64, and ot_pair_cost's within the sum's rounding, for both input types,
 *    Euclidean and squared, sizes 1..11
 *    (every tail of the 2 x 4 blocks), 4 to 785 coordinates (the d mod 4 tails), zero weights
 *    (kept rows compacted), coordinates at 1e5; a deferred cloud has no double rows until
 *    widened, and then exactly the float64 input's;
 *  - the whole solve (wk_w1_exact, dense high-d: no sorted orders, no staircase arcs) on float32
 *    input gives the float64 input's value, pivots and duals bit for bit, Minkowski (which
 *    widens the clouds) included. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"
#include "wgankit/tensor.h"

static int cases_run;

/* n x d normal points rounded to float, in both types (the same values) */
static void float_points(wk_rng *r, int64_t n, int d, double scale, float *xf, double *xd) {
    for (int64_t t = 0; t < n * d; t++) {
        xf[t] = (float)(scale * wk_rng_normal_d(r));
        xd[t] = xf[t];
    }
}

/* masses with every third one zero (kind 2) or none; NULL for uniform (kind 0) */
static double *some_zero_masses(wk_rng *r, int64_t n, int kind) {
    if (kind == 0) return NULL;
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) s += w[i] = kind == 2 && i % 3 == 1 && n > 1 ? 0 : 0.1 + wk_rng_uniform_d(r);
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    return w;
}

/* The dense engine's stored costs against ot_pair_cost on float64 clouds of the same values. */
static void dense_costs_bitwise(wk_rng *r) {
    const int dims[] = {4, 5, 7, 8, 13, 15, 16, 17, 19, 64, 785};
    int compared = 0, deferred = 0;
    for (int t = 0; t < 11; t++)
        for (int rep = 0; rep < 8; rep++) {
            const int d = dims[t], f32 = rep % 2, wkind = rep / 2 % 3;
            const wk_ot_cost kind = rep >= 4 ? WK_COST_SQEUCLIDEAN : WK_COST_EUCLIDEAN;
            const int64_t n = 1 + (int64_t)wk_rng_below(r, 11), m = 1 + (int64_t)wk_rng_below(r, 11);
            float *af = malloc((size_t)(n * d) * sizeof(float)), *bf = malloc((size_t)(m * d) * sizeof(float));
            double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
            const double scale = rep == 7 ? 1e5 : 1;
            float_points(r, n, d, scale, af, a);
            float_points(r, m, d, scale, bf, b);
            for (int64_t k = 0; k < m * d; k += d) bf[k] += 0.5f, b[k] = bf[k];
            double *wa = some_zero_masses(r, n, wkind), *wb = some_zero_masses(r, m, wkind);
            wk_ot_options o;
            wk_ot_options_default(&o);
            o.cost = kind;
            ot_input ia = ot_input_f64(a, n, d), ib = ot_input_f64(b, m, d);
            if (f32) {
                ia = (ot_input){af, NULL, n, d, 2, 1};
                ib = (ot_input){bf, NULL, m, d, 2, 1};
            }
            const ot_input ra = ot_input_f64(a, n, d), rb = ot_input_f64(b, m, d);
            ot_cloud A, B, RA, RB;
            ot_costs e, ed, er;
            REQUIRE(ot_prepare(&A, &B, &ia, wa, &ib, wb, &o) == WK_OK, "prepare: %s", wk_last_error());
            REQUIRE(ot_prepare(&RA, &RB, &ra, wa, &rb, wb, &o) == WK_OK, "prepare: %s", wk_last_error());
            if (f32 && d >= 16) {
                deferred++;
                CHECK(A.x == NULL && B.x == NULL, "d %d: float32 rows widened before they were asked for", d);
                CHECK(wkind == 2 || (A.xf == af && B.xf == bf), "d %d: float32 rows all kept were copied", d);
            }
            REQUIRE(ot_costs_init(&e, &A, &B, &o, OT_COSTS_DENSE) == WK_OK && e.dcache, "dense costs");
            REQUIRE(ot_costs_init(&ed, &RA, &RB, &o, OT_COSTS_DENSE) == WK_OK && ed.dcache, "float64 dense costs");
            REQUIRE(ot_costs_init(&er, &RA, &RB, &o, 0) == WK_OK && !er.dcache, "reference costs");
            int bad = 0;
            for (int64_t i = 0; i < A.n; i++)
                for (int64_t j = 0; j < B.n; j++) {
                    /* to the bit the float64 input's stored cost; within the sum's rounding (d u
                     * relative; the compiler contracts products into FMAs differently in the two
                     * loops) the pair cost computed alone */
                    const double c = e.dcache[i * B.n + j], c64 = ed.dcache[i * B.n + j], cr = ot_pair_cost(&er, i, j);
                    if ((memcmp(&c, &c64, sizeof c) || !(fabs(c - cr) <= 1e-13 * (double)d * cr)) && !bad++)
                        CHECK(0, "d %d, %lld x %lld, %s, weights %d: cost (%lld, %lld) %.17g; float64 input's %.17g, "
                                 "alone %.17g", d, (long long)n, (long long)m, f32 ? "float32" : "float64", wkind,
                              (long long)i, (long long)j, c, c64, cr);
                    compared++;
                }
            /* widened on demand: the same doubles as the float64 input's kept rows */
            REQUIRE(ot_cloud_widen(&A) == WK_OK && ot_cloud_widen(&B) == WK_OK, "widen");
            CHECK(!memcmp(A.x, RA.x, (size_t)(A.n * d) * sizeof(double)) &&
                      !memcmp(B.x, RB.x, (size_t)(B.n * d) * sizeof(double)),
                  "d %d: widened rows differ from the float64 input's", d);
            ot_costs_free(&e);
            ot_costs_free(&ed);
            ot_costs_free(&er);
            ot_cloud_free(&A);
            ot_cloud_free(&B);
            ot_cloud_free(&RA);
            ot_cloud_free(&RB);
            free(af), free(bf), free(a), free(b), free(wa), free(wb);
        }
    CHECK(compared > 2000 && deferred >= 20, "costs compared %d, deferred clouds %d", compared, deferred);
}

/* The whole dense solve on float32 input gives the float64 input's answer, bit for bit. */
static void float32_same_answer(wk_rng *r) {
    const int dims[] = {16, 64, 784};
    for (int t = 0; t < 3; t++)
        for (int rep = 0; rep < 6; rep++) {
            const int d = dims[t], wkind = rep % 3;
            const wk_ot_cost kind = rep < 3 ? WK_COST_EUCLIDEAN : rep == 3 ? WK_COST_SQEUCLIDEAN : WK_COST_MINKOWSKI;
            const int64_t n = 5 + (int64_t)wk_rng_below(r, 60), m = rep == 0 ? n : 5 + (int64_t)wk_rng_below(r, 60);
            int64_t sa[2] = {n, d}, sb[2] = {m, d};
            wk_tensor ta, tb;
            REQUIRE(wk_tensor_alloc(&ta, 2, sa) == WK_OK && wk_tensor_alloc(&tb, 2, sb) == WK_OK, "tensors");
            double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
            float_points(r, n, d, 1, ta.data, a);
            float_points(r, m, d, 1, tb.data, b);
            double *wa = some_zero_masses(r, n, wkind), *wb = some_zero_masses(r, m, wkind);
            wk_ot_options o;
            wk_ot_options_default(&o);
            o.cost = kind;
            o.p = 3;
            o.want_duals = 1;
            wk_ot_result rf, rd;
            const int cf = wk_w1_exact(&ta, wa, &tb, wb, &o, &rf), cd = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &rd);
            CHECK(cf == WK_OK && cd == WK_OK, "d %d: rc %d / %d: %s", d, cf, cd, wk_last_error());
            if (!cf && !cd) {
                CHECK(rf.value == rd.value && rf.iterations == rd.iterations,
                      "%lld x %lld x %d, cost %d, weights %d: float32 %.17g (%lld pivots), float64 %.17g (%lld)",
                      (long long)n, (long long)m, d, (int)kind, wkind, rf.value, (long long)rf.iterations, rd.value,
                      (long long)rd.iterations);
                int same = 1;
                for (int64_t i = 0; i < n; i++) same &= !memcmp(&rf.u[i], &rd.u[i], sizeof(double));
                for (int64_t j = 0; j < m; j++) same &= !memcmp(&rf.v[j], &rd.v[j], sizeof(double));
                CHECK(same, "%lld x %lld x %d, cost %d: the duals differ between float32 and float64 input",
                      (long long)n, (long long)m, d, (int)kind);
                cases_run++;
            }
            wk_ot_result_free(&rf);
            wk_ot_result_free(&rd);
            wk_tensor_free(&ta);
            wk_tensor_free(&tb);
            free(a), free(b), free(wa), free(wb);
        }
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 18);
    dense_costs_bitwise(&r);
    float32_same_answer(&r);
    CHECK(cases_run == 18, "solves compared: %d", cases_run);
    return check_summary("test_ot_dense_costs");
}
