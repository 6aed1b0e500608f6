/* test_ot_status.c — the exact solver's failures carry their own status (issue 15, design
 * items 3 and 7):
 *  - a pivot budget (max_pivots) running out is WK_ELIMIT, under AUTO too (it used to share
 *    WK_EUNSUPPORTED with the auction's bid budget, and AUTO re-ran the simplex on it);
 *  - an internal "no feasible plan" (artificial flow left) and an assignment row without arcs
 *    are WK_EINTERNAL, not WK_EINVAL (bad input);
 *  - wk_strerror names both codes;
 *  - float64 coordinates too large for double-precision squared distances (1e300, issue 18's
 *    huge-coordinate kind) are refused as bad input (WK_EINVAL) by every point-cloud solver,
 *    where the exact solver used to fail with an internal "no feasible plan" (Inf costs);
 *    large coordinates within the range (1e100) still give the right value, under the
 *    Minkowski cost too (its |t|^p overflowed for p = 3, 10), and the 1-D
 *    solver gives W1 for 1e300 apart (finite) and refuses only an overflowing W2^2. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

static void test_pivot_budget(void) {
    const int64_t n = 60, m = 45;
    double *a = malloc((size_t)n * 2 * sizeof(double)), *b = malloc((size_t)m * 2 * sizeof(double));
    wk_rng r;
    wk_rng_seed(&r, 3);
    for (int64_t k = 0; k < 2 * n; k++) a[k] = wk_rng_normal_d(&r);
    for (int64_t k = 0; k < 2 * m; k++) b[k] = wk_rng_normal_d(&r) + 0.5;
    for (int s = WK_EXACT_AUTO; s <= WK_EXACT_SIMPLEX; s++) {
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.exact_solver = (wk_exact_solver)s;
        o.max_pivots = 3;
        wk_ot_result res;
        int rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
        CHECK(rc == WK_ELIMIT, "solver %d, max_pivots 3: rc %d (%s), want WK_ELIMIT", s, rc, wk_last_error());
        CHECK(strstr(wk_last_error(), "max_pivots") != NULL, "message names the budget: %s", wk_last_error());
        o.max_pivots = 0;
        rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
        CHECK(rc == WK_OK && res.iterations > 3, "unlimited: rc %d, %lld pivots", rc, (long long)res.iterations);
        wk_ot_result_free(&res);
    }
    free(a);
    free(b);
}

/* Two sources, two sinks, only the arc 0 -> 0: no feasible plan on these arcs. */
static void test_infeasible_simplex(void) {
    ot_simplex *s = ot_simplex_new(2, 2, 4);
    REQUIRE(s, "simplex");
    const double sup[2] = {1, 1}, dem[2] = {1, 1};
    REQUIRE(ot_simplex_add_arc(s, 0, 0, 1.0) == 1, "arc");
    REQUIRE(ot_simplex_start(s, sup, dem, 1.0) == WK_OK, "start");
    CHECK(ot_simplex_solve(s, 1e-12, 0) == WK_OK, "solve: %s", wk_last_error());
    CHECK(ot_simplex_artificial_flow(s) > 0.5, "artificial flow %g", ot_simplex_artificial_flow(s));
    int rc = ot_simplex_check_feasible(s, 1e-9);
    CHECK(rc == WK_EINTERNAL, "no feasible plan: rc %d, want WK_EINTERNAL (not WK_EINVAL)", rc);
    ot_simplex_free(s);
    /* with the missing arc the plan exists */
    s = ot_simplex_new(2, 2, 4);
    REQUIRE(s, "simplex");
    ot_simplex_add_arc(s, 0, 0, 1.0);
    ot_simplex_add_arc(s, 1, 1, 1.0);
    REQUIRE(ot_simplex_start(s, sup, dem, 1.0) == WK_OK, "start");
    CHECK(ot_simplex_solve(s, 1e-12, 0) == WK_OK && ot_simplex_check_feasible(s, 1e-9) == WK_OK, "feasible: %s",
          wk_last_error());
    ot_simplex_free(s);
}

/* The assignment solver given a row without arcs (w1_exact.c always gives a perfect matching). */
static void test_no_matching(void) {
    ot_assign *s = ot_assign_new(2);
    REQUIRE(s, "assign");
    ot_assign_add_arc(s, 0, 0, 1.0);
    ot_assign_add_arc(s, 0, 1, 2.0);
    int rc = ot_assign_solve(s, 2.0);
    CHECK(rc == WK_EINTERNAL, "row without arcs: rc %d, want WK_EINTERNAL (not WK_EINVAL)", rc);
    ot_assign_free(s);
}

static void test_huge_coordinates(void) {
    /* 2 vs 2 points in 2-D, the outliers 1e100 along x: the identity matching, (1 + 3) / 2 */
    double a[4] = {0, 0, 1e100, 0}, b[4] = {0, 1, 1e100, 3};
    for (int s = WK_EXACT_AUTO; s <= WK_EXACT_SIMPLEX; s++) {
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.exact_solver = (wk_exact_solver)s;
        wk_ot_result res;
        int rc = wk_w1_exact_f64(a, 2, NULL, b, 2, NULL, 2, &o, &res);
        CHECK(rc == WK_OK && fabs(res.value - 2) <= 1e-9, "1e100 outliers, solver %d: rc %d (%s), value %.17g, want 2", s,
              rc, rc ? wk_last_error() : "", rc ? 0 : res.value);
        if (!rc) wk_ot_result_free(&res);
    }
    /* the Minkowski cost with p = 3, 10 on the same points: |t|^p of 1e100 used to overflow to
     * Inf ("cannot certify", costs up to inf); the identity matching costs (1 + 3) / 2 again */
    for (int p = 3; p <= 10; p += 7) {
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.cost = WK_COST_MINKOWSKI;
        o.p = p;
        wk_ot_result res;
        int rc = wk_w1_exact_f64(a, 2, NULL, b, 2, NULL, 2, &o, &res);
        CHECK(rc == WK_OK && fabs(res.value - 2) <= 1e-9, "Minkowski p = %d, 1e100 outliers: rc %d (%s), value %.17g, "
              "want 2", p, rc, rc ? wk_last_error() : "", rc ? 0 : res.value);
        if (!rc) wk_ot_result_free(&res);
    }
    a[2] = b[2] = 1e300;
    wk_ot_options o;
    wk_ot_options_default(&o);
    wk_ot_result res;
    int rc = wk_w1_exact_f64(a, 2, NULL, b, 2, NULL, 2, &o, &res);
    CHECK(rc == WK_EINVAL && strstr(wk_last_error(), "1e+300"), "exact, 1e300: rc %d (%s), want WK_EINVAL", rc,
          wk_last_error());
    o.exact_solver = WK_EXACT_SIMPLEX;
    rc = wk_w1_exact_f64(a, 2, NULL, b, 2, NULL, 2, &o, &res);
    CHECK(rc == WK_EINVAL, "exact simplex, 1e300: rc %d (%s), want WK_EINVAL", rc, wk_last_error());
    wk_ot_options_default(&o);
    rc = wk_w1_sliced_f64(a, 2, NULL, b, 2, NULL, 2, 50, &o, &res);
    CHECK(rc == WK_EINVAL, "sliced, 1e300: rc %d (%s), want WK_EINVAL", rc, wk_last_error());
    wk_sinkhorn_options so = {.eps = 0.1, .tol = 1e-9, .max_iter = 1000, .eps_scaling = 1};
    rc = wk_sinkhorn_f64(a, 2, NULL, b, 2, NULL, 2, &so, &o, &res);
    CHECK(rc == WK_EINVAL, "sinkhorn, 1e300: rc %d (%s), want WK_EINVAL", rc, wk_last_error());
    /* 1-D: {0, 1e300} against {1, 1e300}: W1 = 1/2; against {1, -1e300}: W1 = (1e300 + 1e300 - 1)/2,
     * about 1e300 (finite), while W2^2, about 1e600, overflows and is refused */
    const double x[2] = {0, 1e300}, y[2] = {1, 1e300}, z[2] = {1, -1e300};
    double v = -1;
    rc = wk_wp_1d_f64(x, NULL, 2, y, NULL, 2, 1, &v);
    CHECK(rc == WK_OK && v == 0.5, "1-D W1, 1e300: rc %d, value %.17g, want 0.5", rc, v);
    rc = wk_wp_1d_f64(x, NULL, 2, z, NULL, 2, 1, &v);
    CHECK(rc == WK_OK && fabs(v - 1e300) <= 1e285, "1-D W1, 1e300 apart: rc %d, value %.17g, want ~1e300", rc, v);
    rc = wk_wp_1d_f64(x, NULL, 2, z, NULL, 2, 2, &v);
    CHECK(rc == WK_EINVAL, "1-D W2^2, 1e300 apart: rc %d (%s), want WK_EINVAL (not Inf)", rc, wk_last_error());
}

int main(void) {
    test_pivot_budget();
    test_huge_coordinates();
    test_infeasible_simplex();
    test_no_matching();
    CHECK(!strcmp(wk_strerror(WK_ELIMIT), "work limit reached"), "strerror ELIMIT");
    CHECK(!strcmp(wk_strerror(WK_EINTERNAL), "internal error"), "strerror EINTERNAL");
    return check_summary("test_ot_status");
}
