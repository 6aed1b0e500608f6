/* test_ot_retry_budget.c — max_pivots is one budget for the whole wk_w1_exact call, the
 * uncapped retry included. run_exact first solves with the costs capped at max(n, m) times a
 * feasible plan's mean cost; when the capped optimum ships mass over a capped arc it solves
 * again uncapped. That retry used to start with a fresh budget, so a call could make nearly
 * twice the pivots its caller allowed and succeed. Here a weighted cloud has one point far
 * away with little mass (1e-3 at distance ~1e3 against unit-square clouds: the cap, 20 x the
 * staircase's mean cost of about 1.5, lies far below its arcs' cost, which it must use), so the
 * capped plan uses a capped arc and the call takes the retry. res.iterations counts all the
 * work, the capped attempt's pivots too (it counted the uncapped solve's only, so a caller that
 * gave the reported count as max_pivots saw the same call fail). As test_ot_coarse states the
 * budget's rule (max_pivots must exceed the pivots made: the last optimality test needs its
 * turn), max_pivots = res.iterations + 1 redoes the same solve, and res.iterations must report
 * WK_ELIMIT naming the budget (a fresh budget for the retry would succeed). */
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

int main(void) {
    enum { N = 20, M = 20 };
    double a[N * 2], b[M * 2], wa[N], wb[M];
    wk_rng r;
    wk_rng_seed(&r, 7);
    for (int k = 0; k < 2 * N; k++) a[k] = wk_rng_uniform_d(&r);
    for (int k = 0; k < 2 * M; k++) b[k] = wk_rng_uniform_d(&r);
    a[0] = a[1] = 1e3; /* the far point */
    wa[0] = 1e-3;
    for (int i = 1; i < N; i++) wa[i] = (1 - 1e-3) / (N - 1);
    for (int j = 0; j < M; j++) wb[j] = 1.0 / M;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.exact_solver = WK_EXACT_SIMPLEX;
    wk_ot_result res;
    int rc = wk_w1_exact_f64(a, N, wa, b, M, wb, 2, &o, &res);
    REQUIRE(rc == WK_OK, "unlimited: rc %d (%s)", rc, wk_last_error());
    const int64_t total = res.iterations; /* every pivot of the call, the capped attempt's too */
    const double value = res.value;
    wk_ot_result_free(&res);
    CHECK(value > 1e-3 * 1e3 * 0.99, "the far point's mass travels its distance: W1 %g", value);
    CHECK(total > 1, "the solves pivot: %lld", (long long)total);
    o.max_pivots = total + 1; /* the work the call reported, and the last test's turn */
    rc = wk_w1_exact_f64(a, N, wa, b, M, wb, 2, &o, &res);
    CHECK(rc == WK_OK, "max_pivots = the reported iterations %lld + 1: rc %d (%s), want the same solve (iterations count the "
                       "capped attempt's pivots)", (long long)total, rc, rc ? wk_last_error() : "");
    if (!rc) {
        CHECK(res.iterations == total && res.value == value, "the same solve: iterations %lld (want %lld), value %.17g (want %.17g)",
              (long long)res.iterations, (long long)total, res.value, value);
        wk_ot_result_free(&res);
    }
    o.max_pivots = total; /* enough for the uncapped solve alone, not with the capped one's */
    rc = wk_w1_exact_f64(a, N, wa, b, M, wb, 2, &o, &res);
    CHECK(rc == WK_ELIMIT, "max_pivots %lld: rc %d (%s), want WK_ELIMIT (the capped attempt's pivots count)",
          (long long)o.max_pivots, rc, rc ? wk_last_error() : "succeeded on a fresh budget");
    if (rc) CHECK(strstr(wk_last_error(), "max_pivots") != NULL, "the message names the budget: %s", wk_last_error());
    else wk_ot_result_free(&res);
    return check_summary("test_ot_retry_budget");
}
