/* test_ot_order.c — the spatial order of large sparse exact solves (exact_order.c).
 *  1. exact_spatial_order moves each point's coordinates, mass and orig index together (a
 *     permutation: nothing lost, nothing mixed), and the new numbering is spatial: consecutive
 *     points are far nearer than in a random numbering;
 *  2. through wk_w1_exact, on clouds large enough for the order to run (4,000 a side in 2-D),
 *     the plan and duals come back in the caller's numbering: the plan is a perfect matching
 *     whose cost, recomputed from the caller's rows, is the value; the duals are tight on it
 *     and feasible on every pair of a sample; and the value is the same when the caller's rows
 *     are given in another order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/exact_internal.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

static double dist(const double *x, const double *y, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) s += (x[k] - y[k]) * (x[k] - y[k]);
    return sqrt(s);
}

static double mean_step(const double *x, int64_t n, int d) {
    double s = 0;
    for (int64_t i = 1; i < n; i++) s += dist(x + (i - 1) * d, x + i * d, d);
    return s / (double)(n - 1);
}

static void unit_order(wk_rng *r, int64_t n, int d) {
    ot_cloud c;
    memset(&c, 0, sizeof c);
    c.n = c.n_orig = n;
    c.dim = d;
    c.x_own = malloc((size_t)(n * d) * sizeof(double));
    c.w = malloc((size_t)n * sizeof(double));
    c.orig = malloc((size_t)n * sizeof(int64_t));
    double *x0 = malloc((size_t)(n * d) * sizeof(double));
    REQUIRE(c.x_own && c.w && c.orig && x0, "allocation");
    for (int64_t i = 0; i < n * d; i++) x0[i] = c.x_own[i] = wk_rng_normal_d(r);
    for (int64_t i = 0; i < n; i++) {
        c.w[i] = 1 + (double)i; /* the mass names the point, as orig does (offset) */
        c.orig[i] = 1000 + i;
    }
    c.x = c.x_own;
    const double before = mean_step(c.x, n, d);
    CHECK(exact_spatial_order(&c) == WK_OK, "n %lld d %d: %s", (long long)n, d, wk_last_error());
    uint8_t *seen = calloc((size_t)n, 1);
    REQUIRE(seen, "allocation");
    int bad = 0;
    for (int64_t k = 0; k < n; k++) {
        const int64_t i = c.orig[k] - 1000;
        if (i < 0 || i >= n || seen[i]) {
            bad++;
            continue;
        }
        seen[i] = 1;
        if (c.w[k] != 1 + (double)i || memcmp(c.x + k * d, x0 + i * d, (size_t)d * sizeof(double)) != 0) bad++;
    }
    CHECK(bad == 0, "n %lld d %d: %d points lost or mixed", (long long)n, d, bad);
    const double after = mean_step(c.x, n, d);
    CHECK(after < 0.25 * before, "n %lld d %d: consecutive points %.3g apart on average, %.3g before", (long long)n, d,
          after, before);
    free(seen);
    free(x0);
    ot_cloud_free(&c);
}

static void end_to_end(wk_rng *r) {
    const int64_t n = 4000;
    const int d = 2;
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(n * d) * sizeof(double));
    double *a2 = malloc((size_t)(n * d) * sizeof(double));
    int32_t *rowsum = calloc((size_t)n, sizeof(int32_t)), *colsum = calloc((size_t)n, sizeof(int32_t));
    REQUIRE(a && b && a2 && rowsum && colsum, "allocation");
    for (int64_t i = 0; i < n * d; i++) a[i] = wk_rng_normal_d(r), b[i] = wk_rng_normal_d(r) + 0.5;
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.want_plan = 1;
    opt.want_duals = 1;
    wk_ot_result res;
    REQUIRE(wk_w1_exact_f64(a, n, NULL, b, n, NULL, d, &opt, &res) == WK_OK, "solve: %s", wk_last_error());
    CHECK(res.plan_len == n, "plan has %lld entries, not %lld", (long long)res.plan_len, (long long)n);
    double cost = 0, worst_tight = 0;
    for (int64_t t = 0; t < res.plan_len; t++) {
        const int32_t i = res.plan[t].i, j = res.plan[t].j;
        REQUIRE(i >= 0 && i < n && j >= 0 && j < n, "plan entry %lld out of range", (long long)t);
        rowsum[i]++;
        colsum[j]++;
        const double c = dist(a + i * d, b + j * d, d);
        cost += res.plan[t].mass * c;
        worst_tight = fmax(worst_tight, fabs(res.u[i] + res.v[j] - c));
    }
    int unmatched = 0;
    for (int64_t i = 0; i < n; i++) unmatched += rowsum[i] != 1 || colsum[i] != 1;
    CHECK(unmatched == 0, "the plan is not a perfect matching (%d points off)", unmatched);
    CHECK(fabs(cost - res.value) <= 1e-12 * res.value, "the plan costs %.17g in the caller's numbering, value %.17g",
          cost, res.value);
    CHECK(worst_tight <= 1e-9, "the duals miss a plan pair by %g", worst_tight);
    double worst = 0;
    for (int s = 0; s < 200000; s++) {
        const int64_t i = (int64_t)wk_rng_below(r, (uint64_t)n), j = (int64_t)wk_rng_below(r, (uint64_t)n);
        worst = fmax(worst, res.u[i] + res.v[j] - dist(a + i * d, b + j * d, d));
    }
    CHECK(worst <= 1e-9, "a dual constraint is violated by %g", worst);
    /* the same problem, the caller's rows reversed */
    for (int64_t i = 0; i < n; i++) memcpy(a2 + i * d, a + (n - 1 - i) * d, (size_t)d * sizeof(double));
    wk_ot_result res2;
    opt.want_plan = opt.want_duals = 0;
    REQUIRE(wk_w1_exact_f64(a2, n, NULL, b, n, NULL, d, &opt, &res2) == WK_OK, "solve: %s", wk_last_error());
    CHECK(fabs(res2.value - res.value) <= 1e-12 * res.value, "rows reversed: %.17g, given order %.17g", res2.value,
          res.value);
    wk_ot_result_free(&res);
    wk_ot_result_free(&res2);
    free(a);
    free(b);
    free(a2);
    free(rowsum);
    free(colsum);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 7);
    unit_order(&r, 5000, 2);
    unit_order(&r, 3001, 3);
    unit_order(&r, 100, 1);
    end_to_end(&r);
    return check_summary("test_ot_order");
}
