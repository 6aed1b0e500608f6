/* test_ot_methods.c — the other OT methods and the degenerate / bad inputs:
 *  - 1-D W_p (quantiles) equals the exact solver in 1-D (p = 1 euclidean, p = 2 sqeuclidean);
 *  - Sinkhorn: the unregularised cost of its plan decreases monotonically to the exact value
 *    as eps -> 0, and stays above it;
 *  - sliced W1 <= exact W1, and agrees with POT's sliced value within Monte-Carlo error;
 *  - degenerate: n = 1, identical clouds (0), one repeated point, zero weights;
 *  - bad input: dimension mismatch, NaN, negative / non-normalised weights, empty cloud. */
#include <math.h>
#include <string.h>

#include "ot_test_util.h"
#include "wgankit/rng.h"

static void make_cloud(wk_tensor *t, int64_t n, int64_t d, uint64_t seed, float shift) {
    int64_t shape[2] = {n, d};
    REQUIRE(wk_tensor_alloc(t, 2, shape) == WK_OK, "alloc");
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_rng_fill_normal(&r, t->data, n * d, shift, 1);
}

static double exact(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb, wk_ot_cost cost) {
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = cost;
    wk_ot_result r;
    int rc = wk_w1_exact(a, wa, b, wb, &o, &r);
    CHECK(rc == WK_OK, "exact: %s", wk_last_error());
    return rc ? NAN : r.value;
}

static void test_1d(void) {
    wk_tensor a, b;
    make_cloud(&a, 300, 1, 1, 0);
    make_cloud(&b, 170, 1, 2, 0.3f);
    for (int64_t i = 0; i < 50; i++) a.data[i] = roundf(a.data[i]); /* ties */
    double *wa = malloc(300 * sizeof(double)), *wb = malloc(170 * sizeof(double)), s = 0, t = 0;
    wk_rng r;
    wk_rng_seed(&r, 3);
    for (int i = 0; i < 300; i++) s += (wa[i] = wk_rng_uniform_d(&r));
    for (int i = 0; i < 170; i++) t += (wb[i] = i % 7 ? wk_rng_uniform_d(&r) : 0);
    for (int i = 0; i < 300; i++) wa[i] /= s;
    for (int i = 0; i < 170; i++) wb[i] /= t;
    double v1, v2, u1;
    REQUIRE(wk_wp_1d(a.data, wa, 300, b.data, wb, 170, 1, &v1) == WK_OK, "%s", wk_last_error());
    REQUIRE(wk_wp_1d(a.data, wa, 300, b.data, wb, 170, 2, &v2) == WK_OK, "%s", wk_last_error());
    REQUIRE(wk_wp_1d(a.data, NULL, 300, b.data, NULL, 170, 1, &u1) == WK_OK, "%s", wk_last_error());
    CHECK_CLOSE(v1, exact(&a, wa, &b, wb, WK_COST_EUCLIDEAN), 1e-9, 1e-12, "1-D W1 = exact (weighted)");
    CHECK_CLOSE(v2, exact(&a, wa, &b, wb, WK_COST_SQEUCLIDEAN), 1e-9, 1e-12, "1-D W2^2 = exact sqeuclidean");
    CHECK_CLOSE(u1, exact(&a, NULL, &b, NULL, WK_COST_EUCLIDEAN), 1e-9, 1e-12, "1-D W1 = exact (uniform)");
    free(wa);
    free(wb);
    wk_tensor_free(&a);
    wk_tensor_free(&b);
}

static void test_sinkhorn(void) {
    wk_tensor a, b;
    make_cloud(&a, 60, 2, 4, 0);
    make_cloud(&b, 50, 2, 5, 1);
    double w = exact(&a, NULL, &b, NULL, WK_COST_EUCLIDEAN), prev = INFINITY;
    const double eps[] = {1.0, 0.3, 0.1, 0.03, 0.01, 0.003};
    for (size_t k = 0; k < sizeof eps / sizeof eps[0]; k++) {
        wk_sinkhorn_options so = {eps[k], 1e-10, 20000, 1};
        wk_ot_result r;
        int rc = wk_sinkhorn(&a, NULL, &b, NULL, &so, NULL, &r);
        CHECK(rc == WK_OK, "sinkhorn eps %g: %s", eps[k], wk_last_error());
        CHECK(r.value >= w - 1e-9, "sinkhorn plan cost %.9g >= exact %.9g (eps %g)", r.value, w, eps[k]);
        CHECK(r.value <= prev + 1e-9, "sinkhorn cost monotone: %.9g after %.9g (eps %g)", r.value, prev, eps[k]);
        CHECK(r.reg_value >= r.value - 1e-9, "regularised >= unregularised");
        prev = r.value;
    }
    CHECK_CLOSE(prev, w, 2e-3, 0, "sinkhorn at eps 0.003 close to exact");
    wk_tensor_free(&a);
    wk_tensor_free(&b);
}

static void test_sliced(void) {
    FILE *f = fopen(OT_FIXTURES "sliced.csv", "r");
    REQUIRE(f, "sliced.csv");
    char line[256];
    REQUIRE(fgets(line, sizeof line, f), "sliced.csv header");
    int id, proj;
    double ref, ref_se;
    while (fscanf(f, "%d,%d,%lf,%lf", &id, &proj, &ref, &ref_se) == 4) {
        char fa[32], fb[32], fwa[32], fwb[32];
        snprintf(fa, sizeof fa, "c%02d_a.npy", id);
        snprintf(fb, sizeof fb, "c%02d_b.npy", id);
        snprintf(fwa, sizeof fwa, "c%02d_wa.npy", id);
        snprintf(fwb, sizeof fwb, "c%02d_wb.npy", id);
        wk_tensor a, b;
        ot_load_points(fa, &a);
        ot_load_points(fb, &b);
        double *wa = ot_load_weights(fwa, a.shape[0]), *wb = ot_load_weights(fwb, b.shape[0]);
        wk_ot_result r;
        REQUIRE(wk_w1_sliced(&a, wa, &b, wb, 2000, NULL, &r) == WK_OK, "%s", wk_last_error());
        double w = exact(&a, wa, &b, wb, WK_COST_EUCLIDEAN), se = sqrt(r.std_error * r.std_error + ref_se * ref_se);
        CHECK(r.value <= w, "case %d: sliced %.6g <= exact %.6g", id, r.value, w);
        CHECK(fabs(r.value - ref) <= 4 * se, "case %d: sliced %.6g vs POT %.6g (4 sigma = %.3g)", id, r.value, ref, 4 * se);
        wk_ot_result r2;
        REQUIRE(wk_w1_sliced(&a, wa, &b, wb, 2000, NULL, &r2) == WK_OK, "%s", wk_last_error());
        CHECK(r2.value == r.value, "sliced is reproducible for a seed");
        free(wa);
        free(wb);
        wk_tensor_free(&a);
        wk_tensor_free(&b);
    }
    fclose(f);
}

static void test_degenerate(void) {
    wk_tensor a, b, one;
    make_cloud(&a, 40, 3, 6, 0);
    make_cloud(&b, 40, 3, 6, 0); /* identical */
    CHECK_CLOSE(exact(&a, NULL, &b, NULL, WK_COST_EUCLIDEAN), 0, 0, 1e-12, "identical clouds: W1 = 0");
    /* n = 1: W1 is the mean distance to the single point */
    make_cloud(&one, 1, 3, 7, 2);
    double mean = 0;
    for (int i = 0; i < 40; i++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += pow((double)a.data[i * 3 + k] - one.data[k], 2);
        mean += sqrt(s) / 40;
    }
    CHECK_CLOSE(exact(&one, NULL, &a, NULL, WK_COST_EUCLIDEAN), mean, 1e-12, 0, "n = 1");
    CHECK_CLOSE(exact(&a, NULL, &one, NULL, WK_COST_EUCLIDEAN), mean, 1e-12, 0, "m = 1");
    /* one point repeated on both sides */
    for (int i = 0; i < 40; i++)
        for (int k = 0; k < 3; k++) b.data[i * 3 + k] = one.data[k];
    CHECK_CLOSE(exact(&a, NULL, &b, NULL, WK_COST_EUCLIDEAN), mean, 1e-12, 0, "one point repeated");
    /* zero weights: the points do not count */
    double wa[40], wb[40];
    for (int i = 0; i < 40; i++) wa[i] = i < 20 ? 1.0 / 20 : 0;
    for (int i = 0; i < 40; i++) wb[i] = 1.0 / 40;
    wk_tensor half = a;
    half.shape[0] = 20;
    half.numel = 60;
    CHECK_CLOSE(exact(&a, wa, &one, NULL, WK_COST_EUCLIDEAN), exact(&half, NULL, &one, NULL, WK_COST_EUCLIDEAN), 1e-12,
                0, "zero weights ignored");
    (void)wb;
    wk_tensor_free(&a);
    wk_tensor_free(&b);
    wk_tensor_free(&one);
}

static void test_bad_input(void) {
    wk_tensor a, b, c;
    make_cloud(&a, 10, 2, 8, 0);
    make_cloud(&b, 12, 3, 9, 0);
    make_cloud(&c, 12, 2, 10, 0);
    wk_ot_result r;
    CHECK(wk_w1_exact(&a, NULL, &b, NULL, NULL, &r) == WK_EINVAL && strstr(wk_last_error(), "dimension"),
          "dimension mismatch: %s", wk_last_error());
    double w[12];
    for (int i = 0; i < 12; i++) w[i] = 1.0 / 12;
    w[3] = -w[3];
    CHECK(wk_w1_exact(&a, NULL, &c, w, NULL, &r) == WK_EINVAL && strstr(wk_last_error(), "weights of b"),
          "negative weight: %s", wk_last_error());
    w[3] = 0.5;
    CHECK(wk_w1_exact(&a, NULL, &c, w, NULL, &r) == WK_EINVAL && strstr(wk_last_error(), "sum"),
          "weights not summing to 1: %s", wk_last_error());
    c.data[5] = NAN;
    CHECK(wk_w1_exact(&a, NULL, &c, NULL, NULL, &r) == WK_ENUMERIC && strstr(wk_last_error(), "row 2"),
          "NaN: %s", wk_last_error());
    CHECK(wk_w1_sliced(&a, NULL, &c, NULL, 10, NULL, &r) == WK_ENUMERIC, "sliced NaN");
    wk_tensor empty = a;
    empty.shape[0] = 0;
    empty.numel = 0;
    CHECK(wk_w1_exact(&empty, NULL, &a, NULL, NULL, &r) == WK_EINVAL && strstr(wk_last_error(), "empty"),
          "empty: %s", wk_last_error());
    double v;
    CHECK(wk_wp_1d(a.data, NULL, 10, a.data, NULL, 10, 0.5, &v) == WK_EINVAL, "p < 1 rejected");
    wk_tensor_free(&a);
    wk_tensor_free(&b);
    wk_tensor_free(&c);
}

int main(void) {
    test_1d();
    test_sinkhorn();
    test_sliced();
    test_degenerate();
    test_bad_input();
    return check_summary("test_ot_methods");
}
