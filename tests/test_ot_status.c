/* test_ot_status.c — the exact solver's failures carry their own status (issue 15, design
 * items 3 and 7):
 *  - a pivot budget (max_pivots) running out is WK_ELIMIT, under AUTO too (it used to share
 *    WK_EUNSUPPORTED with the auction's bid budget, and AUTO re-ran the simplex on it);
 *  - an internal "no feasible plan" (artificial flow left) and an assignment row without arcs
 *    are WK_EINTERNAL, not WK_EINVAL (bad input);
 *  - wk_strerror names both codes. */
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

int main(void) {
    test_pivot_budget();
    test_infeasible_simplex();
    test_no_matching();
    CHECK(!strcmp(wk_strerror(WK_ELIMIT), "work limit reached"), "strerror ELIMIT");
    CHECK(!strcmp(wk_strerror(WK_EINTERNAL), "internal error"), "strerror EINTERNAL");
    return check_summary("test_ot_status");
}
