/* test_ot_coarse.c — the coarse-to-fine start of wk_w1_exact (exact_coarse.c: a k-d-tree
 * clustering, the coarse problem solved first, its plan refined into the simplex's start
 * tree) leaves the value unchanged. Every problem here has n + m >= 1000 points in at most 3
 * dimensions and goes to the simplex (weighted, or n != m), so the coarse start runs; its
 * value must equal, to 1e-12 relative, the one of wk_emd_dense on the full cost matrix (the same network simplex from
 * LEMON's artificial star: no sparse arcs, no hint), and the duals must certify it. The
 * problems cover what could break the refinement: ties (integer grids), duplicate points,
 * zero weights, a one-point cloud, one point holding nearly all the mass, clustered clouds
 * whose mass must cross between clusters, 1-D and 3-D, and the squared-Euclidean cost; and a
 * handful of points against thousands, where the coarse start already holds every pair of the
 * small side, so its first pricing flags only held arcs (that round ended the loop with no
 * pivot: 8 x 5,100 gave 1.949 for 1.073, "certified" with gap 1e-10). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/exact_internal.h"
#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

enum { GAUSS, CLUSTERS, GRID, DUPLICATES };

static void cloud(wk_rng *r, int kind, double *x, int64_t n, int d, double shift) {
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < d; k++) {
            double v = wk_rng_normal_d(r);
            if (kind == CLUSTERS) v = 0.2 * v + 3.0 * (double)((i * 7 + k * 3) % 5) + shift;
            else if (kind == GRID) v = (double)wk_rng_below(r, 12); /* many equal costs */
            else v += shift;
            x[i * d + k] = v;
        }
    if (kind == DUPLICATES) /* every other point repeats an earlier one */
        for (int64_t i = 1; i < n; i += 2)
            for (int k = 0; k < d; k++) x[i * d + k] = x[(int64_t)wk_rng_below(r, (uint64_t)i) * d + k];
}

/* wkind: 0 uniform (NULL), 1 random, 2 random with 30% zeros, 3 one point holding 0.999,
 * 4 uniform given explicitly (1/n each: the general path, not the few-sources solver) */
static double *weights(wk_rng *r, int wkind, int64_t n) {
    if (wkind == 0) return NULL;
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    if (wkind == 4) {
        for (int64_t i = 0; i < n; i++) w[i] = 1.0 / (double)n;
        return w;
    }
    for (int64_t i = 0; i < n; i++) {
        w[i] = wk_rng_uniform_d(r);
        if (wkind == 2 && wk_rng_below(r, 10) < 3) w[i] = 0;
        s += w[i];
    }
    if (!(s > 0)) w[0] = s = 1;
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    if (wkind == 3) {
        for (int64_t i = 0; i < n; i++) w[i] *= 0.001;
        w[n / 2] += 0.999;
    }
    return w;
}

static void one_case(wk_rng *r, int id, int64_t n, int64_t m, int d, int kind, int wa_kind, int wb_kind, int sq) {
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    double *M = malloc((size_t)(n * m) * sizeof(double));
    REQUIRE(a && b && M, "allocation");
    cloud(r, kind, a, n, d, 0.0);
    cloud(r, kind, b, m, d, 0.7);
    double *wa = weights(r, wa_kind, n), *wb = weights(r, wb_kind, m);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += (a[i * d + k] - b[j * d + k]) * (a[i * d + k] - b[j * d + k]);
            M[i * m + j] = sq ? s : sqrt(s);
        }
    double *ua = malloc((size_t)n * sizeof(double)), *ub = malloc((size_t)m * sizeof(double));
    for (int64_t i = 0; i < n; i++) ua[i] = wa ? wa[i] : 1.0 / (double)n;
    for (int64_t j = 0; j < m; j++) ub[j] = wb ? wb[j] : 1.0 / (double)m;
    double ref = NAN;
    CHECK(wk_emd_dense(ua, n, ub, m, M, &ref) == WK_OK, "case %d: dense: %s", id, wk_last_error());
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.cost = sq ? WK_COST_SQEUCLIDEAN : WK_COST_EUCLIDEAN;
    opt.want_duals = 1;
    /* AUTO gives a handful of points against thousands to the few-sources solver: the simplex by
     * name, so that the coarse start's loop is what these cases test */
    if (n <= 64 || m <= 64) opt.exact_solver = WK_EXACT_SIMPLEX;
    wk_ot_result res;
    const int rc = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &opt, &res);
    CHECK(rc == WK_OK, "case %d: %s", id, wk_last_error());
    if (rc == WK_OK) {
        CHECK(fabs(res.value - ref) <= 1e-12 * fabs(ref), "case %d (%lld x %lld, d %d, kind %d, weights %d/%d): %.17g, "
              "dense %.17g", id, (long long)n, (long long)m, d, kind, wa_kind, wb_kind, res.value, ref);
        /* the duals certify it: u_i + v_j <= c_ij (to rounding) and sum a u + sum b v = value */
        double dual = 0, worst = 0;
        for (int64_t i = 0; i < n; i++)
            if (ua[i] > 0) dual += ua[i] * res.u[i];
        for (int64_t j = 0; j < m; j++)
            if (ub[j] > 0) dual += ub[j] * res.v[j];
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < m && ua[i] > 0; j++)
                if (ub[j] > 0) worst = fmax(worst, res.u[i] + res.v[j] - M[i * m + j]);
        CHECK(worst <= 1e-9 * (1 + ref), "case %d: a dual constraint is violated by %g", id, worst);
        CHECK(fabs(dual - res.value) <= 1e-9 * (1 + ref), "case %d: dual objective %.17g, value %.17g (gap %g)", id, dual,
              res.value, res.gap);
        wk_ot_result_free(&res);
    }
    free(a), free(b), free(M), free(wa), free(wb), free(ua), free(ub);
}

/* opt.max_pivots bounds the whole call, the coarse start's solve included (it ran with no
 * budget, so a user's max_pivots did not bound the call): the coarse problem rebuilt here as
 * exact_coarse.c builds it (k-d clusters of at most 4 points, their summed masses as fractions)
 * needs C pivots; a budget of C runs out in the coarse start (WK_ELIMIT naming it); the
 * unlimited call reports its own pivots and the coarse start's (more than C), a budget one
 * above that succeeds with the same value, and that budget exactly runs out. */
static void pivot_budget(wk_rng *r) {
    const int64_t n = 600, m = 500;
    const int d = 2;
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    cloud(r, CLUSTERS, a, n, d, 0.0);
    cloud(r, CLUSTERS, b, m, d, 0.7);
    double *wa = weights(r, 1, n), *wb = weights(r, 1, m);
    int32_t *la = malloc((size_t)n * sizeof(int32_t)), *lb = malloc((size_t)m * sizeof(int32_t));
    double *ca = malloc((size_t)(n * d) * sizeof(double)), *cb = malloc((size_t)(m * d) * sizeof(double));
    int64_t *idx = malloc((size_t)n * sizeof(int64_t));
    double *cs = calloc((size_t)(n + m), sizeof(double)), ta = 0, tb = 0;
    REQUIRE(a && b && wa && wb && la && lb && ca && cb && idx && cs, "allocation");
    const int Ka = exact_kd_clusters(a, n, d, 4, 0, la, ca, idx), Kb = exact_kd_clusters(b, m, d, 4, 0, lb, cb, idx);
    for (int64_t i = 0; i < n; i++) cs[la[i]] += wa[i], ta += wa[i];
    for (int64_t j = 0; j < m; j++) cs[Ka + lb[j]] += wb[j], tb += wb[j];
    for (int p = 0; p < Ka; p++) cs[p] /= ta;
    for (int q = 0; q < Kb; q++) cs[Ka + q] /= tb;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.want_plan = 1;
    wk_ot_result cr, res;
    REQUIRE(wk_w1_exact_f64(ca, Ka, cs, cb, Kb, cs + Ka, d, &o, &cr) == WK_OK, "coarse: %s", wk_last_error());
    const int64_t C = cr.iterations;
    wk_ot_result_free(&cr);
    wk_ot_options_default(&o);
    REQUIRE(wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &res) == WK_OK, "unlimited: %s", wk_last_error());
    const double value = res.value;
    const int64_t T = res.iterations;
    wk_ot_result_free(&res);
    CHECK(C > 10 && T > C, "the reported pivots (%lld) include the coarse start's (%lld)", (long long)T, (long long)C);
    o.max_pivots = C;
    int rc = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &res);
    CHECK(rc == WK_ELIMIT && strstr(wk_last_error(), "max_pivots") && strstr(wk_last_error(), "coarse start"),
          "max_pivots %lld (the coarse solve's): rc %d (%s), want WK_ELIMIT in the coarse start", (long long)C, rc,
          wk_last_error());
    o.max_pivots = T + 1;
    rc = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &res);
    CHECK(rc == WK_OK && res.value == value && res.iterations == T, "max_pivots %lld: rc %d (%s)", (long long)(T + 1), rc,
          wk_last_error());
    if (rc == WK_OK) wk_ot_result_free(&res);
    o.max_pivots = T;
    rc = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &res);
    CHECK(rc == WK_ELIMIT, "max_pivots %lld (what the call reports): rc %d, want WK_ELIMIT", (long long)T, rc);
    wk_clear_error();
    free(a), free(b), free(wa), free(wb), free(la), free(lb), free(ca), free(cb), free(idx), free(cs);
}

/* A few points against 131,072 in 10-D, the simplex by name: its potentials carry the artificial
 * costs' offset 2 cmax (n + m), an ulp of which exceeds the pricing's tol, and the tree arcs'
 * reduced costs drift by such ulps, so after its solve the last pricing flags 32 arcs the
 * simplex holds. That ended the call with an internal error (a review of the fix of the loop
 * that stopped on held arcs before any pivot); the certificate now takes their most negative
 * reduced cost as its V. The value must agree with the few-sources solver's within both gaps. */
static void held_arcs_after_solve(void) {
    const int64_t n = 2, m = 131072;
    const int d = 10;
    wk_rng r;
    wk_rng_seed(&r, 1);
    double *x = malloc((size_t)(n * d) * sizeof(double)), *y = malloc((size_t)(m * d) * sizeof(double));
    double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)m * sizeof(double)), sa = 0, sb = 0;
    REQUIRE(x && y && a && b, "allocation");
    for (int64_t i = 0; i < n * d; i++) x[i] = wk_rng_normal_d(&r);
    for (int64_t i = 0; i < m * d; i++) y[i] = wk_rng_normal_d(&r) + 0.3;
    for (int64_t i = 0; i < n; i++) sa += a[i] = wk_rng_uniform_d(&r);
    for (int64_t j = 0; j < m; j++) sb += b[j] = wk_rng_uniform_d(&r);
    for (int64_t i = 0; i < n; i++) a[i] /= sa;
    for (int64_t j = 0; j < m; j++) b[j] /= sb;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.exact_solver = WK_EXACT_SIMPLEX;
    wk_ot_result rs, rf;
    int rc = wk_w1_exact_f64(x, n, a, y, m, b, d, &o, &rs);
    CHECK(rc == WK_OK, "2 x 131,072 in 10-D, the simplex: %s", rc ? wk_last_error() : "");
    o.exact_solver = WK_EXACT_FEW;
    REQUIRE(wk_w1_exact_f64(x, n, a, y, m, b, d, &o, &rf) == WK_OK, "few: %s", wk_last_error());
    if (rc == WK_OK) {
        CHECK(fabs(rs.value - rf.value) <= rs.gap + rf.gap, "2 x 131,072: simplex %.17g (gap %g), few %.17g (gap %g)",
              rs.value, rs.gap, rf.value, rf.gap);
        wk_ot_result_free(&rs);
    }
    wk_ot_result_free(&rf);
    free(x), free(y), free(a), free(b);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 1515);
    int id = 0;
    one_case(&r, id++, 600, 500, 2, CLUSTERS, 1, 1, 0);   /* mass crosses between clusters */
    one_case(&r, id++, 550, 550, 2, GRID, 1, 1, 0);       /* ties everywhere */
    one_case(&r, id++, 500, 600, 2, DUPLICATES, 1, 2, 0); /* duplicate points, zero weights */
    one_case(&r, id++, 700, 400, 2, GAUSS, 2, 2, 0);      /* zero weights on both sides */
    one_case(&r, id++, 1, 1100, 2, GAUSS, 0, 1, 0);       /* a one-point cloud */
    one_case(&r, id++, 1100, 1, 2, CLUSTERS, 1, 0, 0);
    one_case(&r, id++, 600, 600, 2, GAUSS, 3, 1, 0);      /* one point holds 0.999 of a's mass */
    one_case(&r, id++, 500, 700, 2, CLUSTERS, 3, 3, 0);   /* both sides so unbalanced */
    one_case(&r, id++, 450, 700, 2, GAUSS, 0, 0, 0);      /* uniform, n != m */
    one_case(&r, id++, 600, 500, 1, CLUSTERS, 1, 1, 0);   /* 1-D */
    one_case(&r, id++, 500, 600, 3, DUPLICATES, 1, 1, 0); /* 3-D */
    one_case(&r, id++, 600, 500, 2, CLUSTERS, 1, 1, 1);   /* squared Euclidean */
    one_case(&r, id++, 8, 5100, 2, GAUSS, 0, 1, 0);       /* a handful against thousands */
    one_case(&r, id++, 3, 14000, 2, GAUSS, 4, 4, 0);      /* the same, uniform weights given */
    one_case(&r, id++, 21000, 2, 2, GAUSS, 1, 0, 0);      /* the large side first */
    one_case(&r, id++, 4, 10100, 3, GAUSS, 1, 1, 1);      /* 3-D, squared Euclidean */
    wk_rng_seed(&r, 77);
    pivot_budget(&r);
    held_arcs_after_solve();
    return check_summary("test_ot_coarse");
}
