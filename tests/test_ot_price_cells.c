/* test_ot_price_cells.c — the cell-pruned pricing pass (price_cells.c) finds what a plain scan
 * of every pair finds.
 *
 * The pass is wk_w1_exact's certificate for low-dimensional clouds: a violated pair it skips
 * (a cell test or the vectorised per-pair prefilter too tight) would leave a wrong value
 * "certified". So each row's reported candidates are checked against a brute-force scan with
 * the same reduced cost min(c, cap) + (pi_i - pi_{n+j}):
 *  - every reported pair is violated (below -tol) and carries its exact cost;
 *  - no clearly violated pair (below -tol by more than rounding) better than the row's k-th
 *    report is missing, and a row with fewer than k reports misses none at all.
 * The potentials are built to put many pairs at the threshold: pi_{n+j} is the c-transform of
 * random pi_i (so most rows have tight pairs) plus a small noise of either sign, in 1, 2, 3
 * and 5 dimensions (the 2-D fused path and the general one), for the Euclidean and squared
 * costs, with a finite cap far below the thresholds (capped far cells must still be priced),
 * potentials offset by 1e6 (the slack for rounding), a row mask, ties (integer grids) and
 * duplicate points; and the multiscale start's wide pass (tol < 0: thousands of pairs a row
 * qualify, so the pass tightens its threshold to the k-th value found). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

enum { K = 6 };

static double capped(double c, double cap) { return c < cap ? c : cap; }

static void one_case(int seed, int64_t n, int64_t m, int d, wk_ot_cost kind, int grid, double offset, int use_cap,
                     int use_rows, int wide) {
    wk_rng r;
    wk_rng_seed(&r, (uint64_t)seed);
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    for (int64_t t = 0; t < n * d; t++) a[t] = grid ? (double)wk_rng_below(&r, 9) : wk_rng_normal_d(&r);
    for (int64_t t = 0; t < m * d; t++) b[t] = grid ? (double)wk_rng_below(&r, 9) : wk_rng_normal_d(&r) + 0.5;
    for (int64_t j = 1; j < m; j += 3) /* duplicates */
        memcpy(b + j * d, b + (j - 1) * d, (size_t)d * sizeof(double));
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = kind;
    ot_cloud A, B;
    ot_costs e;
    memset(&e, 0, sizeof e);
    const ot_input ia = ot_input_f64(a, n, d), ib = ot_input_f64(b, m, d);
    REQUIRE(ot_prepare(&A, &B, &ia, NULL, &ib, NULL, &o) == WK_OK, "prepare: %s", wk_last_error());
    REQUIRE(ot_costs_init(&e, &A, &B, &o, 1) == WK_OK && !e.use_gemm, "costs: %s", wk_last_error());
    double *pi = malloc((size_t)(n + m) * sizeof(double)), cmax = 0;
    for (int64_t i = 0; i < n; i++) pi[i] = offset + 0.3 * wk_rng_uniform_d(&r);
    for (int64_t j = 0; j < m; j++) {
        double best = INFINITY;
        for (int64_t i = 0; i < n; i++) {
            const double c = ot_pair_cost(&e, i, j);
            cmax = c > cmax ? c : cmax;
            best = c + pi[i] < best ? c + pi[i] : best;
        }
        /* tight for some row, then nudged: about half the columns get violated pairs */
        pi[n + j] = best + 0.02 * (wk_rng_uniform_d(&r) - 0.5);
    }
    /* wide: the multiscale start's pass, every pair below +0.02 cmax (thousands a row, so the
     * threshold tightens to the k-th value found) */
    const double tol = wide ? -0.02 * cmax : 1e-11 * cmax, cap = use_cap ? 0.05 * cmax : INFINITY;
    uint8_t *rows = NULL;
    if (use_rows) {
        rows = malloc((size_t)n);
        for (int64_t i = 0; i < n; i++) rows[i] = (uint8_t)(wk_rng_below(&r, 3) != 0);
    }
    int32_t *cj = malloc((size_t)(n * K) * sizeof(int32_t));
    double *cc = malloc((size_t)(n * K) * sizeof(double));
    REQUIRE(ot_price_cells(&e, pi, tol, cap, K, rows, cj, cc) == WK_OK, "price: %s", wk_last_error());
    /* rounding of a reduced cost: a few u of the terms' size */
    const double eps = 1e-13 * (cmax + fabs(offset) + 1);
    int64_t bad = 0, reported = 0;
    for (int64_t i = 0; i < n; i++) {
        int cnt = 0;
        double kth = INFINITY;
        for (int t = 0; t < K && cj[i * K + t] >= 0; t++, cnt++) {
            const int32_t j = cj[i * K + t];
            const double c = ot_pair_cost(&e, i, j), v = capped(c, cap) + (pi[i] - pi[n + j]);
            if (!(v < -tol + eps) || cc[i * K + t] != c) bad++;
            kth = v;
            reported++;
        }
        if (rows && !rows[i]) {
            if (cnt) bad++;
            continue;
        }
        for (int64_t j = 0; j < m; j++) {
            const double v = capped(ot_pair_cost(&e, i, j), cap) + (pi[i] - pi[n + j]);
            if (!(v < -tol - eps) || (cnt == K && !(v < kth - eps))) continue;
            int found = 0;
            for (int t = 0; t < cnt; t++) found |= cj[i * K + t] == j;
            if (!found) bad++;
        }
    }
    CHECK(bad == 0 && reported > 0,
          "seed %d, %lld x %lld x %d, cost %d, grid %d, offset %g, cap %d, rows %d, wide %d: %lld wrong or missed "
          "candidates (%lld reported)",
          seed, (long long)n, (long long)m, d, (int)kind, grid, offset, use_cap, use_rows, wide, (long long)bad,
          (long long)reported);
    free(a);
    free(b);
    free(pi);
    free(rows);
    free(cj);
    free(cc);
    ot_costs_free(&e);
    ot_cloud_free(&A);
    ot_cloud_free(&B);
}

int main(void) {
    const int dims[] = {1, 2, 3, 5};
    int seed = 1;
    for (size_t q = 0; q < sizeof dims / sizeof dims[0]; q++)
        for (int kind = WK_COST_EUCLIDEAN; kind <= WK_COST_SQEUCLIDEAN; kind++)
            for (int variant = 0; variant < 4; variant++) {
                const int grid = variant == 1, use_cap = variant == 2, use_rows = variant == 3;
                const double offset = variant == 3 ? 1e6 : 0;
                for (int wide = 0; wide <= 1; wide++)
                    one_case(seed++, 300, 257, dims[q], (wk_ot_cost)kind, grid, offset, use_cap, use_rows, wide);
            }
    /* large enough for the two-thread pass (n x cells >= 2^19) */
    one_case(seed++, 6000, 5000, 2, WK_COST_EUCLIDEAN, 0, 0, 0, 0, 0);
    one_case(seed++, 6000, 5000, 2, WK_COST_EUCLIDEAN, 0, 1e6, 1, 1, 0);
    one_case(seed++, 6000, 5000, 2, WK_COST_EUCLIDEAN, 0, 0, 0, 0, 1);
    return check_summary("test_ot_price_cells");
}
