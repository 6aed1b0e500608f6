/* test_ot_multiscale.c — the multiscale start of wk_w1_exact's assignment path
 * (exact_multiscale.c: balanced k-d clusters, the coarse problem solved first, its duals
 * extended to every point, near-tight arcs and a warm-started auction) leaves the value and its
 * certificate unchanged. Every problem is n = m with uniform weights in 2-D or 3-D, so the
 * assignment solver runs; opt.multiscale_min = 64 with dense_pairs = -1 forces the start at
 * every level of the recursion (800 -> 200 -> 50 points). The value must equal, to 1e-12
 * relative, wk_emd_dense's on the full cost matrix (the network simplex, no sparse arcs, no
 * start), the duals must certify it, and the start must have changed the solve (different
 * work from the plain path on most problems, or the test would not test it). The problems
 * cover what could mislead the start: ties (integer grids: many equal costs, zero-length
 * coarse matches), duplicate points, clustered clouds whose mass crosses between clusters,
 * sizes that leave a remainder outside the clusters, identical clouds (value 0). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

enum { GAUSS, CLUSTERS, GRID, DUPLICATES };

static void cloud(wk_rng *r, int kind, double *x, int64_t n, int d, double shift) {
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < d; k++) {
            double v = wk_rng_normal_d(r);
            if (kind == CLUSTERS) v = 0.2 * v + 3.0 * (double)((i * 7 + k * 3) % 5) + shift * (double)(k + 1);
            else if (kind == GRID) v = (double)wk_rng_below(r, 12) + (shift > 0); /* many equal costs */
            else v += shift;
            x[i * d + k] = v;
        }
    if (kind == DUPLICATES) /* every other point repeats an earlier one */
        for (int64_t i = 1; i < n; i += 2)
            for (int k = 0; k < d; k++) x[i * d + k] = x[(int64_t)wk_rng_below(r, (uint64_t)i) * d + k];
}

static int changed = 0, cases = 0;

static void one_case(wk_rng *r, int id, int64_t n, int d, int kind, int same) {
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(n * d) * sizeof(double));
    double *M = malloc((size_t)(n * n) * sizeof(double)), *w = malloc((size_t)n * sizeof(double));
    REQUIRE(a && b && M && w, "allocation");
    cloud(r, kind, a, n, d, 0.0);
    if (same) memcpy(b, a, (size_t)(n * d) * sizeof(double));
    else cloud(r, kind, b, n, d, 0.7);
    for (int64_t i = 0; i < n; i++) {
        w[i] = 1.0 / (double)n;
        for (int64_t j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += (a[i * d + k] - b[j * d + k]) * (a[i * d + k] - b[j * d + k]);
            M[i * n + j] = sqrt(s);
        }
    }
    double ref = NAN;
    CHECK(wk_emd_dense(w, n, w, n, M, &ref) == WK_OK, "case %d: dense: %s", id, wk_last_error());
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.want_duals = 1;
    opt.dense_pairs = -1;
    opt.multiscale_min = -1;
    wk_ot_result plain, res;
    CHECK(wk_w1_exact_f64(a, n, NULL, b, n, NULL, d, &opt, &plain) == WK_OK, "case %d: plain: %s", id, wk_last_error());
    opt.multiscale_min = 64;
    const int rc = wk_w1_exact_f64(a, n, NULL, b, n, NULL, d, &opt, &res);
    CHECK(rc == WK_OK, "case %d: %s", id, wk_last_error());
    if (rc == WK_OK) {
        CHECK(fabs(res.value - ref) <= 1e-12 * fabs(ref), "case %d (n %lld, d %d, kind %d): %.17g, dense %.17g", id,
              (long long)n, d, kind, res.value, ref);
        CHECK(fabs(res.value - plain.value) <= 1e-12 * fabs(ref), "case %d: %.17g, plain path %.17g", id, res.value,
              plain.value);
        CHECK(res.gap <= 1e-9 * res.value + 1e-12, "case %d: certified only to %g", id, res.gap);
        /* the duals certify it: u_i + v_j <= c_ij (to rounding) and (sum u + sum v) / n = value */
        double dual = 0, worst = 0;
        for (int64_t i = 0; i < n; i++) dual += (res.u[i] + res.v[i]) / (double)n;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) worst = fmax(worst, res.u[i] + res.v[j] - M[i * n + j]);
        CHECK(worst <= 1e-9 * (1 + ref), "case %d: a dual constraint is violated by %g", id, worst);
        CHECK(fabs(dual - res.value) <= 1e-9 * (1 + ref), "case %d: dual objective %.17g, value %.17g", id, dual,
              res.value);
        changed += res.iterations != plain.iterations;
        cases++;
        wk_ot_result_free(&res);
    }
    wk_ot_result_free(&plain);
    free(a), free(b), free(M), free(w);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 2016);
    int id = 0;
    for (int seed = 0; seed < 3; seed++) {
        one_case(&r, id++, 800, 2, GAUSS, 0);
        one_case(&r, id++, 803, 2, GAUSS, 0); /* 3 points left outside the clusters */
    }
    one_case(&r, id++, 700, 2, CLUSTERS, 0);   /* mass crosses between clusters */
    one_case(&r, id++, 650, 2, GRID, 0);       /* ties everywhere */
    one_case(&r, id++, 600, 2, DUPLICATES, 0); /* duplicate points */
    one_case(&r, id++, 600, 3, GAUSS, 0);      /* 3-D */
    one_case(&r, id++, 500, 3, GRID, 0);       /* 3-D ties */
    one_case(&r, id++, 500, 2, GAUSS, 1);      /* identical clouds: value 0 */
    CHECK(cases > 0 && 2 * changed > cases, "the multiscale start changed the work on only %d of %d problems", changed,
          cases);
    return check_summary("test_ot_multiscale");
}
