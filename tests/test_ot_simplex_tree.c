/* test_ot_simplex_tree.c — the network simplex's spanning-tree bookkeeping (network_simplex.c:
 * thread, rev_thread, succ_num, last_succ, preds, potentials), pivot by pivot:
 *  - random transportation problems from 1 x 1 to 9 x 9, with real masses, small integer masses
 *    (ties: degenerate pivots), zero masses, real costs and small integer costs (ties between
 *    entering arcs and between blocking arcs);
 *  - arcs added in two batches with a solve in between (the warm start of column generation);
 *  - after every single pivot (a budget of one more pivot each call) ot_simplex_check_tree
 *    must hold; at the end no mass is left on artificial arcs, the flows meet the masses, every
 *    pair's reduced cost is >= -tol and the plan's cost equals the dual objective: optimal by
 *    LP duality, whatever the tree code did. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"

enum { NMAX = 9 };

/* masses: kind 0 real, 1 small integers (zeros and ties), 2 reals with some zeros; both sides
 * sum to the same total (the integer case exactly) */
static void masses(wk_rng *r, int kind, double *w, int n, double total) {
    double s = 0;
    for (int i = 0; i < n; i++) {
        w[i] = kind == 1 ? (double)wk_rng_below(r, 4) : wk_rng_uniform_d(r);
        if (kind == 2 && wk_rng_below(r, 3) == 0) w[i] = 0;
        s += w[i];
    }
    if (s == 0) w[0] = s = 1;
    if (kind == 1 && total == 0) return; /* the first side: integers as drawn */
    if (kind == 1) { /* move whole units until both sides match */
        double diff = total - s;
        for (int i = 0; diff != 0; i = (i + 1) % n) {
            if (diff > 0) w[i] += 1, diff -= 1;
            else if (w[i] >= 1) w[i] -= 1, diff += 1;
        }
        return;
    }
    double t = total > 0 ? total : 1;
    for (int i = 0; i < n; i++) w[i] *= t / s;
}

static double sum(const double *w, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += w[i];
    return s;
}

static void one_problem(wk_rng *r, int trial) {
    const int n = 1 + (int)wk_rng_below(r, NMAX), m = 1 + (int)wk_rng_below(r, NMAX);
    const int mkind = (int)wk_rng_below(r, 3), int_costs = (int)wk_rng_below(r, 2);
    double sup[NMAX], dem[NMAX], c[NMAX * NMAX], cmax = 0;
    masses(r, mkind, sup, n, 0);
    masses(r, mkind, dem, m, sum(sup, n));
    for (int k = 0; k < n * m; k++) {
        c[k] = int_costs ? (double)wk_rng_below(r, 4) : wk_rng_uniform_d(r);
        if (c[k] > cmax) cmax = c[k];
    }
    ot_simplex *s = ot_simplex_new(n, m, 4);
    REQUIRE(s != NULL, "allocation");
    /* first batch: a random half of the pairs plus the north-west corner (feasible) */
    int added[NMAX * NMAX] = {0};
    for (int i = 0, j = 0;;) {
        added[i * m + j] = 1;
        if (i == n - 1 && j == m - 1) break;
        if (j == m - 1 || (i < n - 1 && wk_rng_below(r, 2))) i++;
        else j++;
    }
    for (int k = 0; k < n * m; k++)
        if (added[k] || wk_rng_below(r, 2)) {
            added[k] = 1;
            CHECK(ot_simplex_add_arc(s, k / m, k % m, c[k]) == 1, "trial %d: add arc", trial);
        }
    const double art = (cmax + 1) * (double)(n + m + 1), tol = 1e-12 * art;
    CHECK(ot_simplex_start(s, sup, dem, cmax) == WK_OK, "trial %d: start", trial);
    for (int batch = 0; batch < 2; batch++) {
        if (batch == 1)
            for (int k = 0; k < n * m; k++)
                if (!added[k]) CHECK(ot_simplex_add_arc(s, k / m, k % m, c[k]) == 1, "trial %d: add arc", trial);
        int rc;
        do {
            rc = ot_simplex_solve(s, tol, ot_simplex_pivots(s) + 1);
            int tr = ot_simplex_check_tree(s, 1e-9 * art);
            CHECK(tr == WK_OK, "trial %d (%d x %d, masses %d, int costs %d) after pivot %lld: %s", trial, n, m, mkind,
                  int_costs, (long long)ot_simplex_pivots(s), wk_last_error());
            if (tr) break;
        } while (rc == WK_ELIMIT && ot_simplex_pivots(s) < 100000);
        CHECK(rc == WK_OK, "trial %d: solve ends with %d after %lld pivots", trial, rc, (long long)ot_simplex_pivots(s));
    }
    CHECK(ot_simplex_check_feasible(s, 1e-9) == WK_OK, "trial %d: %s", trial, wk_last_error());
    /* the plan meets the masses, and its cost equals the dual objective of feasible duals */
    int32_t ii[2 * NMAX], jj[2 * NMAX];
    double fl[2 * NMAX], co[2 * NMAX], rs[NMAX] = {0}, cs[NMAX] = {0}, primal = 0, dual = 0, worst = 0;
    const int64_t cnt = ot_simplex_flows(s, ii, jj, fl, co);
    CHECK(cnt <= n + m - 1, "trial %d: %lld basic arcs with flow", trial, (long long)cnt);
    for (int64_t t = 0; t < cnt; t++) {
        rs[ii[t]] += fl[t];
        cs[jj[t]] += fl[t];
        primal += fl[t] * co[t];
    }
    const double *pi = ot_simplex_potentials(s), total = sum(sup, n);
    for (int i = 0; i < n; i++) CHECK_CLOSE(rs[i], sup[i], 1e-9, 1e-12 * total, "row mass");
    for (int j = 0; j < m; j++) CHECK_CLOSE(cs[j], dem[j], 1e-9, 1e-12 * total, "column mass");
    for (int i = 0; i < n; i++) dual -= sup[i] * pi[i];
    for (int j = 0; j < m; j++) dual += dem[j] * pi[n + j];
    for (int k = 0; k < n * m; k++) worst = fmin(worst, c[k] + pi[k / m] - pi[n + k % m]);
    CHECK(worst >= -tol, "trial %d: a pair has reduced cost %g", trial, worst);
    CHECK_CLOSE(primal, dual, 1e-9, 1e-9 * art * total, "plan cost = dual objective");
    ot_simplex_free(s);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 15);
    for (int trial = 0; trial < 3000; trial++) one_problem(&r, trial);
    return check_summary("test_ot_simplex_tree");
}
