/* test_ot_few.c — wk_w1_exact's few-sources solver (exact_few.c: successive shortest paths over
 * the small side's points) against the general path (opt.exact_solver = SIMPLEX: pricing over
 * every pair, the network simplex), on random problems built to be hard: n = 1 .. 12 points
 * against m = 50 .. 2,000, in 1, 2, 3, 5, 16 and 20 dimensions, points on a small grid (ties)
 * with duplicated rows, uniform, random and partly zero weights, float32 and float64 input, the
 * Euclidean, squared Euclidean and Minkowski costs, the small side given as a or as b. For each,
 * every claim of the result is checked on its own, over every pair:
 *  - the value equals the simplex's to 1e-12 relative and the few-sources path ran (rounds 1);
 *  - the plan is a coupling (marginals = the masses, zero-mass points absent), its cost is the
 *    value, and it is no dearer than the simplex's optimum;
 *  - the duals are feasible over all n x m pairs, tight on every plan arc, their objective is
 *    the value, and zero-mass points have NaN;
 *  - the certificate: 0 <= gap within the solver's threshold, covering the difference to the
 *    simplex's certified value.
 * Then: AUTO takes this path for 10 x 4,000 (either way round) and gives the named solver's
 * result; n = 1 in closed form; the named solver's limits; max_pivots, one budget with AUTO's
 * fallback; the path bound; memory refused at once under a limit; the certificate itself
 * refusing a plan whose potentials are infeasible off the plan (it must look at every pair);
 * weights that float arithmetic cannot move exactly (56 random problems over hard weight
 * vectors, compared as above); and POT's ot.emd2 on the committed fixtures
 * (tests/fixtures/ot_few/, made by tests/reference/make_ot_few_fixtures.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ot_test_util.h"

/* exact_internal.h's certificate pieces (that header's ot_cloud type would clash with the test
 * helper of that name) */
int exact_certify(double value, double gap, double cmax, const char *what);
int exact_few_certificate_f64(const double *xs, int64_t n, const double *xt, int64_t m, int d, wk_ot_cost kind, double p,
                              const double *a, const double *b, const double *u, const int32_t *ii, const int32_t *jj,
                              const double *mass, int64_t cnt, double *v, double *value, double *gap, double *cmax);
int64_t exact_few_path_bound(const int64_t *ex, int64_t n, const int64_t *a, int64_t na, const int64_t *b, int64_t nb);

static int cases_run;


static double cost(const double *x, const double *y, int d, wk_ot_cost kind, double p) {
    double s = 0, big = 0;
    for (int k = 0; k < d; k++) big = fmax(big, fabs(x[k] - y[k]));
    if (kind == WK_COST_MINKOWSKI) {
        if (big == 0) return 0;
        for (int k = 0; k < d; k++) s += pow(fabs(x[k] - y[k]) / big, p);
        return big * pow(s, 1 / p);
    }
    for (int k = 0; k < d; k++) s += (x[k] - y[k]) * (x[k] - y[k]);
    return kind == WK_COST_SQEUCLIDEAN ? s : sqrt(s);
}

/* c_ij of two clouds for ot_check_plan_duals */
typedef struct cloud_pair {
    const double *a, *b;
    int d;
    wk_ot_cost kind;
    double p;
} cloud_pair;
static double pair_cost(const void *ctx, int64_t i, int64_t j) {
    const cloud_pair *c = ctx;
    return cost(c->a + i * c->d, c->b + j * c->d, c->d, c->kind, c->p);
}

static int run(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb, int d,
               const wk_ot_options *o, int f32, wk_ot_result *res) {
    if (!f32) return wk_w1_exact_f64(a, n, wa, b, m, wb, d, o, res);
    int64_t sa[2] = {n, d}, sb[2] = {m, d};
    wk_tensor ta, tb;
    REQUIRE(wk_tensor_alloc(&ta, 2, sa) == WK_OK && wk_tensor_alloc(&tb, 2, sb) == WK_OK, "tensors");
    for (int64_t k = 0; k < n * d; k++) ta.data[k] = (float)a[k];
    for (int64_t k = 0; k < m * d; k++) tb.data[k] = (float)b[k];
    const int rc = wk_w1_exact(&ta, wa, &tb, wb, o, res);
    wk_tensor_free(&ta);
    wk_tensor_free(&tb);
    return rc;
}

/* One problem through the few-sources path (named) and the general path; every claim checked.
 * f32: the points are rounded to float first and go in as tensors. */
static void compare(double *a, int64_t n, const double *wa, double *b, int64_t m, const double *wb, int d,
                    wk_ot_cost kind, int f32, const char *what) {
    if (f32) {
        for (int64_t k = 0; k < n * d; k++) a[k] = (float)a[k];
        for (int64_t k = 0; k < m * d; k++) b[k] = (float)b[k];
    }
    const double p = 3;
    wk_ot_options o1, og;
    wk_ot_options_default(&o1);
    o1.cost = kind;
    o1.p = p;
    o1.want_plan = o1.want_duals = 1;
    og = o1;
    o1.exact_solver = WK_EXACT_FEW;
    og.exact_solver = WK_EXACT_SIMPLEX;
    wk_ot_result r1, rg;
    const int c1 = run(a, n, wa, b, m, wb, d, &o1, f32, &r1), cg = run(a, n, wa, b, m, wb, d, &og, f32, &rg);
    CHECK(c1 == WK_OK && cg == WK_OK, "%s: few rc %d, general rc %d: %s", what, c1, cg, wk_last_error());
    if (c1 || cg) return;
    cases_run++;
    double cmax = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) cmax = fmax(cmax, cost(a + i * d, b + j * d, d, kind, p));
    const double tol = 1e-12 * (cmax > 0 ? cmax : 1);
    CHECK(r1.rounds == 1, "%s: rounds %d, want 1 (the few-sources path)", what, r1.rounds);
    CHECK_CLOSE(r1.value, rg.value, 1e-12, 1e-13 * cmax, what);
    CHECK(r1.gap >= 0 && exact_certify(r1.value, r1.gap, cmax, "") == WK_OK, "%s: gap %g, value %g", what, r1.gap,
          r1.value);
    CHECK(fabs(r1.value - rg.value) <= r1.gap + rg.gap + 4e-16 * r1.value, "%s: values %.17g and %.17g, gaps %g and %g",
          what, r1.value, rg.value, r1.gap, rg.gap);
    /* the plan and the duals, over every pair */
    const cloud_pair cp = {a, b, d, kind, p};
    ot_check_plan_duals(&r1, n, wa, m, wb, pair_cost, &cp, rg.value, tol, 1e-14 * cmax, 0, what);
    wk_ot_result_free(&r1);
    wk_ot_result_free(&rg);
}

/* Points: normal, or on the grid {0 .. g} (ties) with every third row a copy of an earlier one. */
static void make_points(wk_rng *r, double *x, int64_t n, int d, int grid) {
    const int g = 1 + (int)wk_rng_below(r, 4);
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < d; k++) x[i * d + k] = grid ? (double)wk_rng_below(r, (uint64_t)g + 1) : wk_rng_normal_d(r);
    if (grid)
        for (int64_t i = 3; i < n; i += 3) memcpy(x + i * d, x + wk_rng_below(r, (uint64_t)i) * d, (size_t)d * sizeof(double));
}

/* Two normal clouds of n and m points in d dimensions from the stream of seed (malloc'ed). */
static void two_clouds(uint64_t seed, int64_t n, int64_t m, int d, double **a, double **b) {
    wk_rng r;
    wk_rng_seed(&r, seed);
    *a = malloc((size_t)(n * d) * sizeof(double));
    *b = malloc((size_t)(m * d) * sizeof(double));
    REQUIRE(*a && *b, "alloc");
    make_points(&r, *a, n, d, 0);
    make_points(&r, *b, m, d, 0);
}

static void random_cases(void) {
    wk_rng r;
    wk_rng_seed(&r, 15);
    static const int dims[] = {1, 2, 3, 5, 16, 20};
    for (int c = 0; c < 48; c++) {
        const int64_t n = 1 + c % 12, m = 50 + (int64_t)wk_rng_below(&r, 1951);
        const int d = dims[wk_rng_below(&r, 6)], grid = wk_rng_below(&r, 3) == 0;
        const int f32 = d >= 16 ? wk_rng_below(&r, 2) == 0 : wk_rng_below(&r, 4) == 0;
        const wk_ot_cost kind = (wk_ot_cost)(c % 5 == 4 ? WK_COST_MINKOWSKI : c % 3 == 2 ? WK_COST_SQEUCLIDEAN : 0);
        double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
        make_points(&r, a, n, d, grid);
        make_points(&r, b, m, d, grid);
        if (!grid && wk_rng_below(&r, 2))
            for (int64_t k = 0; k < m * d; k += d) b[k] += 1.5; /* shifted: mass must cross */
        double *wa = ot_test_masses(&r, n, (int)wk_rng_below(&r, 3)), *wb = ot_test_masses(&r, m, (int)wk_rng_below(&r, 3));
        char what[160];
        snprintf(what, sizeof what, "case %d: %lld x %lld, d %d, %s%s, cost %d, weights %s/%s", c, (long long)n,
                 (long long)m, d, grid ? "grid+duplicates" : "normal", f32 ? ", float32" : "", (int)kind,
                 wa ? "given" : "uniform", wb ? "given" : "uniform");
        if (c % 2) compare(b, m, wb, a, n, wa, d, kind, f32, what); /* the small side as b */
        else compare(a, n, wa, b, m, wb, d, kind, f32, what);
        free(a);
        free(b);
        free(wa);
        free(wb);
    }
}

/* AUTO takes the few-sources path for 10 x 4,000 and 4,000 x 10: the named solver's result
 * (same value, work and plan), and the mirrored problem the same value with u and v swapped. */
static void auto_dispatch(void) {
    const int64_t n = 10, m = 4000;
    const int d = 2;
    wk_rng r;
    wk_rng_seed(&r, 7);
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    make_points(&r, a, n, d, 0);
    make_points(&r, b, m, d, 0);
    /* uniform weights: AUTO takes this path only for them (integer masses, exact moves) */
    double *wa = NULL, *wb = NULL;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.want_duals = o.want_plan = 1;
    wk_ot_result ra, rf, rm;
    REQUIRE(wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &ra) == WK_OK, "auto: %s", wk_last_error());
    o.exact_solver = WK_EXACT_FEW;
    REQUIRE(wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &rf) == WK_OK, "few: %s", wk_last_error());
    CHECK(ra.value == rf.value && ra.iterations == rf.iterations && ra.arcs == rf.arcs && ra.rounds == 1 &&
              ra.plan_len == rf.plan_len,
          "AUTO 10 x 4,000: value %.17g, %lld paths, rounds %d; the named few-sources solver: %.17g, %lld", ra.value,
          (long long)ra.iterations, ra.rounds, rf.value, (long long)rf.iterations);
    o.exact_solver = WK_EXACT_AUTO;
    REQUIRE(wk_w1_exact_f64(b, m, wb, a, n, wa, d, &o, &rm) == WK_OK, "mirrored: %s", wk_last_error());
    int same = rm.value == ra.value && rm.plan_len == ra.plan_len && rm.rounds == 1;
    for (int64_t i = 0; i < n && same; i++) same = rm.v[i] == ra.u[i];
    for (int64_t j = 0; j < m && same; j++) same = rm.u[j] == ra.v[j] || (isnan(rm.u[j]) && isnan(ra.v[j]));
    for (int64_t t = 0; t < ra.plan_len && same; t++)
        same = rm.plan[t].i == ra.plan[t].j && rm.plan[t].j == ra.plan[t].i && rm.plan[t].mass == ra.plan[t].mass;
    CHECK(same, "4,000 x 10 is 10 x 4,000 mirrored: value %.17g against %.17g, duals and plan swapped", rm.value,
          ra.value);
    /* and the general path's value */
    wk_ot_result rg;
    o.exact_solver = WK_EXACT_SIMPLEX;
    o.want_duals = o.want_plan = 0;
    REQUIRE(wk_w1_exact_f64(a, n, wa, b, m, wb, d, &o, &rg) == WK_OK, "simplex: %s", wk_last_error());
    CHECK_CLOSE(ra.value, rg.value, 1e-12, 0, "10 x 4,000 against the simplex");
    wk_ot_result_free(&ra);
    wk_ot_result_free(&rf);
    wk_ot_result_free(&rm);
    free(a);
    free(b);
    free(wa);
    free(wb);
}

/* AUTO takes the few-sources path for random weights too (10 x 4,000 and 4,000 x 10, weights
 * over several decades): the named solver's result, and the simplex's value. Before, AUTO sent
 * weighted clouds to the general path, which took 70 s on 10 x 50,000 (0.1 s here). */
static void auto_weighted(void) {
    const int64_t n = 10, m = 4000;
    double *a, *b;
    two_clouds(41, n, m, 2, &a, &b);
    wk_rng r;
    wk_rng_seed(&r, 43);
    double *wa = malloc((size_t)n * sizeof(double)), *wb = malloc((size_t)m * sizeof(double));
    for (int64_t i = 0; i < n; i++) wa[i] = pow(10.0, -6 * wk_rng_uniform_d(&r));
    for (int64_t j = 0; j < m; j++) wb[j] = wk_rng_uniform_d(&r);
    double sa = 0, sb = 0;
    for (int64_t i = 0; i < n; i++) sa += wa[i];
    for (int64_t j = 0; j < m; j++) sb += wb[j];
    for (int64_t i = 0; i < n; i++) wa[i] /= sa;
    for (int64_t j = 0; j < m; j++) wb[j] /= sb;
    for (int swap = 0; swap < 2; swap++) {
        const double *x = swap ? b : a, *y = swap ? a : b, *wx = swap ? wb : wa, *wy = swap ? wa : wb;
        const int64_t nx = swap ? m : n, ny = swap ? n : m;
        wk_ot_options o;
        wk_ot_options_default(&o);
        wk_ot_result ra, rf, rg;
        REQUIRE(wk_w1_exact_f64(x, nx, wx, y, ny, wy, 2, &o, &ra) == WK_OK, "auto: %s", wk_last_error());
        o.exact_solver = WK_EXACT_FEW;
        REQUIRE(wk_w1_exact_f64(x, nx, wx, y, ny, wy, 2, &o, &rf) == WK_OK, "few: %s", wk_last_error());
        o.exact_solver = WK_EXACT_SIMPLEX;
        REQUIRE(wk_w1_exact_f64(x, nx, wx, y, ny, wy, 2, &o, &rg) == WK_OK, "simplex: %s", wk_last_error());
        CHECK(ra.rounds == 1 && ra.value == rf.value && ra.iterations == rf.iterations,
              "AUTO %lld x %lld weighted: value %.17g, %lld paths, rounds %d; the named few-sources solver %.17g, %lld",
              (long long)nx, (long long)ny, ra.value, (long long)ra.iterations, ra.rounds, rf.value,
              (long long)rf.iterations);
        CHECK_CLOSE(ra.value, rg.value, 1e-12, 0, swap ? "4,000 x 10 weighted against the simplex" : "10 x 4,000 weighted against the simplex");
        wk_ot_result_free(&ra);
        wk_ot_result_free(&rf);
        wk_ot_result_free(&rg);
    }
    free(a), free(b), free(wa), free(wb);
}

/* One source: every sink's mass goes to it, W = sum_j b_j c_1j, no augmenting path. */
static void one_source(void) {
    const int64_t m = 3000;
    const int d = 3;
    wk_rng r;
    wk_rng_seed(&r, 11);
    double a[3] = {0.5, -1, 2}, *b = malloc((size_t)(m * d) * sizeof(double));
    make_points(&r, b, m, d, 0);
    double *wb = ot_test_masses(&r, m, 2), want = 0;
    for (int64_t j = 0; j < m; j++) want += ot_test_mass(wb, m, j) * cost(a, b + j * d, d, WK_COST_EUCLIDEAN, 2);
    wk_ot_options o;
    wk_ot_options_default(&o);
    wk_ot_result res;
    REQUIRE(wk_w1_exact_f64(a, 1, NULL, b, m, wb, d, &o, &res) == WK_OK, "1 x 3,000: %s", wk_last_error());
    CHECK_CLOSE(res.value, want, 1e-13, 0, "1 x 3,000: sum_j b_j |a - b_j|");
    CHECK(res.iterations == 0 && res.rounds == 1, "1 x 3,000: %lld paths, rounds %d", (long long)res.iterations, res.rounds);
    free(b);
    free(wb);
}

/* The named solver needs a side of at most 64 points; max_pivots bounds its paths as it bounds
 * the simplex's pivots (it must exceed the work: the last test takes its turn). */
static void limits(void) {
    const int64_t n = 65, m = 70;
    double *a, *b;
    two_clouds(5, n, m, 2, &a, &b);
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.exact_solver = WK_EXACT_FEW;
    wk_ot_result res;
    int rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_EINVAL && strstr(wk_last_error(), "64"), "FEW on 65 x 70: rc %d (%s), want WK_EINVAL", rc,
          wk_last_error());
    rc = wk_w1_exact_f64(a, 64, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_OK && res.iterations > 1, "FEW on 64 x 70: rc %d (%s)", rc, rc ? wk_last_error() : "");
    const int64_t paths = rc ? 0 : res.iterations;
    o.max_pivots = paths;
    rc = wk_w1_exact_f64(a, 64, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_ELIMIT && strstr(wk_last_error(), "max_pivots"), "max_pivots %lld: rc %d (%s), want WK_ELIMIT",
          (long long)paths, rc, wk_last_error());
    o.max_pivots = paths + 1;
    rc = wk_w1_exact_f64(a, 64, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_OK && res.iterations == paths, "max_pivots %lld: rc %d", (long long)(paths + 1), rc);
    free(a);
    free(b);
}

/* One budget for the whole call under AUTO as well: the paths AUTO's few-sources attempt spent
 * count, so a budget they exhaust ends the call with WK_ELIMIT (before, AUTO fell back to the
 * general path and gave it the whole budget again: 10 x 4,000 with max_pivots = its paths went
 * on to the simplex, which here ran out of it in turn: "no optimum after 589 pivots"). */
static void auto_budget(void) {
    const int64_t n = 10, m = 4000;
    double *a, *b;
    two_clouds(31, n, m, 2, &a, &b);
    wk_ot_options o;
    wk_ot_options_default(&o);
    wk_ot_result res;
    REQUIRE(wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res) == WK_OK && res.rounds == 1, "AUTO 10 x 4,000: %s",
            wk_last_error());
    const int64_t paths = res.iterations;
    const double value = res.value;
    wk_ot_result_free(&res);
    o.max_pivots = paths;
    int rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_ELIMIT && strstr(wk_last_error(), "few-sources"),
          "AUTO, max_pivots = its %lld paths: rc %d (%s), want WK_ELIMIT from the few-sources paths", (long long)paths, rc,
          rc ? wk_last_error() : "solved");
    if (rc == WK_OK) wk_ot_result_free(&res);
    wk_clear_error();
    o.max_pivots = paths + 1;
    rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
    CHECK(rc == WK_OK && res.iterations == paths && res.value == value, "AUTO, max_pivots %lld: rc %d", (long long)(paths + 1),
          rc);
    if (rc == WK_OK) wk_ot_result_free(&res);
    free(a);
    free(b);
}

/* The path bound E0 / g (exact_few_path_bound): on hand-made loads, and on uniform problems, where
 * the test rebuilds the start (each sink on its nearest source, the lowest index on ties) in the
 * units m a source, n a sink and checks the solver's paths against it. Before, the only cap was
 * 64 (m + n^2) + 100,000 paths (13 million at 64 x 200,000, where the bound is 200,000). */
static void path_bound(void) {
    const int64_t ex[3] = {30, -10, -20}, ua[3] = {40, 40, 40}, ub[4] = {20, 30, 20, 50};
    CHECK(exact_few_path_bound(ex, 3, ua, 3, ub, 4) == 3, "E0 30, g 10: bound %lld, want 3",
          (long long)exact_few_path_bound(ex, 3, ua, 3, ub, 4));
    const int64_t u7[2] = {7, 3};
    CHECK(exact_few_path_bound(ex, 3, u7, 2, ub, 4) == 30, "g 1: bound %lld, want 30",
          (long long)exact_few_path_bound(ex, 3, u7, 2, ub, 4));
    wk_rng r;
    wk_rng_seed(&r, 41);
    for (int c = 0; c < 6; c++) {
        const int64_t n = c < 3 ? 8 << c : 5 + c, m = 3000 + 1000 * c;
        double *a = malloc((size_t)(n * 2) * sizeof(double)), *b = malloc((size_t)(m * 2) * sizeof(double));
        int64_t *exs = calloc((size_t)n, sizeof(int64_t)), *wa = malloc((size_t)n * sizeof(int64_t)),
                *wb = malloc((size_t)m * sizeof(int64_t));
        make_points(&r, a, n, 2, c == 5);
        make_points(&r, b, m, 2, c == 5);
        for (int64_t i = 0; i < n; i++) wa[i] = m, exs[i] = -m;
        for (int64_t j = 0; j < m; j++) {
            int64_t best = 0;
            for (int64_t i = 1; i < n; i++)
                if (cost(a + 2 * i, b + 2 * j, 2, WK_COST_EUCLIDEAN, 2) < cost(a + 2 * best, b + 2 * j, 2, WK_COST_EUCLIDEAN, 2))
                    best = i;
            exs[best] += n;
            wb[j] = n;
        }
        const int64_t bound = exact_few_path_bound(exs, n, wa, n, wb, m);
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.exact_solver = WK_EXACT_FEW;
        wk_ot_result res;
        const int rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
        CHECK(rc == WK_OK && res.iterations <= bound && bound <= (n - 1) * m,
              "%lld x %lld: rc %d, %lld paths, bound %lld", (long long)n, (long long)m, rc, rc ? -1LL : (long long)res.iterations,
              (long long)bound);
        if (rc == WK_OK) wk_ot_result_free(&res);
        free(a);
        free(b);
        free(exs);
        free(wa);
        free(wb);
    }
}

/* Memory the few-sources solver cannot have is refused at once, the message giving the bytes it
 * needs and the limit (before: the heaps' allocations failed after a pass over every pair, the
 * message naming no size; under Linux's overcommit, without a limit, the OOM killer came later).
 * In a child under RLIMIT_AS = its address space + 48 MiB: 64 x 100,000 needs 76 MB of heaps. */
static void memory_refused(void) {
    const int64_t n = 64, m = 100000;
    double *a, *b;
    two_clouds(43, n, m, 2, &a, &b);
    fflush(NULL);
    const pid_t pid = fork();
    REQUIRE(pid >= 0, "fork");
    if (pid == 0) {
        long pages = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (!f || fscanf(f, "%ld", &pages) != 1) _exit(3);
        fclose(f);
        const rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (48u << 20);
        const struct rlimit rl = {cap, cap};
        if (setrlimit(RLIMIT_AS, &rl)) _exit(3);
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.exact_solver = WK_EXACT_FEW;
        wk_ot_result res;
        const int rc = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &o, &res);
        const char *e = wk_last_error();
        const int ok = rc == WK_ENOMEM && strstr(e, "few-sources solver needs") && strstr(e, "bytes") && strstr(e, "RLIMIT_AS");
        if (!ok) fprintf(stderr, "child: rc %d, %s\n", rc, e);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "64 x 100,000 under RLIMIT_AS + 48 MiB: WK_ENOMEM naming the bytes and the limit (child status %d)", status);
    free(a);
    free(b);
}

/* The certificate must check the duals against EVERY pair: sources at 0 and 10, sinks at 1 and
 * 9 with masses 1/2 each; the crossed plan (0 -> 9, 10 -> 1, cost 9) is tight for u = (0, 0)
 * on its own arcs if v were read off the plan (v = 9, 9: objective 9 = the plan's value, gap 0),
 * but those duals violate the pairs off the plan (u_0 + v_1 = 9 > c = 1). The optimum is 1: the
 * gap must cover the 8 and the solver's threshold refuse it. */
static void certificate_checks_every_pair(void) {
    const double xs[2] = {0, 10}, xt[2] = {1, 9}, a[2] = {0.5, 0.5}, b[2] = {0.5, 0.5}, u[2] = {0, 0};
    const int32_t ii[2] = {0, 1}, jj[2] = {1, 0};
    const double fl[2] = {0.5, 0.5};
    double v[2], value, gap, cmax;
    REQUIRE(exact_few_certificate_f64(xs, 2, xt, 2, 1, WK_COST_EUCLIDEAN, 2, a, b, u, ii, jj, fl, 2, v, &value, &gap,
                                      &cmax) == WK_OK,
            "certificate");
    CHECK(value == 9 && gap >= 8 && exact_certify(value, gap, cmax, "") != WK_OK,
          "crossed plan: value %g, gap %g (must cover value - optimum = 8 and be refused)", value, gap);
    CHECK(v[0] == 1 && v[1] == 1, "v = min over every source: %g %g, want 1 1", v[0], v[1]);
    /* the optimal plan under its optimal duals is certified */
    const int32_t jo[2] = {0, 1};
    REQUIRE(exact_few_certificate_f64(xs, 2, xt, 2, 1, WK_COST_EUCLIDEAN, 2, a, b, u, ii, jo, fl, 2, v, &value, &gap,
                                      &cmax) == WK_OK,
            "certificate");
    CHECK(value == 1 && gap <= 1e-14 && exact_certify(value, gap, cmax, "") == WK_OK, "straight plan: value %g, gap %g",
          value, gap);
}

/* Weights that are not integers: moves in floating point can leave the plan a few ulps off its
 * marginals (a plan of other marginals, possibly below the optimum) or strand a source's last
 * ulps of excess. The certificate must charge the first to the gap; AUTO must not let the second
 * fail a problem the general path solves (both found by a review: the first gave a value 2.2e-6
 * below the optimum of a 1e8-wide problem with gap 0, the second "no path to an under-full
 * source" for a = [1e-17, 1]). */
static void inexact_masses(void) {
    /* the certificate of a plan 1e-6 off its marginals: below the optimum 1 by 1e-6 */
    const double xs[2] = {0, 10}, xt[2] = {1, 9}, a[2] = {0.5, 0.5}, b[2] = {0.5, 0.5}, u[2] = {0, 0};
    const int32_t ii[2] = {0, 1}, jo[2] = {0, 1};
    const double fl[2] = {0.5, 0.5 - 1e-6};
    double v[2], value, gap, cmax;
    REQUIRE(exact_few_certificate_f64(xs, 2, xt, 2, 1, WK_COST_EUCLIDEAN, 2, a, b, u, ii, jo, fl, 2, v, &value, &gap,
                                      &cmax) == WK_OK,
            "certificate");
    CHECK(value < 1 && value + gap >= 1, "plan 1e-6 off its marginals: value %.17g, gap %g must reach the optimum 1",
          value, gap);
    wk_rng r;
    wk_rng_seed(&r, 23);
    /* AUTO with a = [1e-17, 1] against 5,000 uniform sinks: solved, as the general path solves it */
    const int64_t m = 5000;
    double *y = malloc((size_t)(3 * m) * sizeof(double));
    REQUIRE(y, "alloc");
    for (int64_t k = 0; k < 2 * m; k++) y[k] = 1e-3 * wk_rng_normal_d(&r);
    const double x2[4] = {0, 0, 1, 0}, w2[2] = {1e-17, 1};
    wk_ot_options o;
    wk_ot_options_default(&o);
    wk_ot_result ra, rg;
    int rc = wk_w1_exact_f64(x2, 2, w2, y, m, NULL, 2, &o, &ra);
    CHECK(rc == WK_OK, "AUTO, a = [1e-17, 1] against 5,000: rc %d (%s)", rc, rc ? wk_last_error() : "");
    o.exact_solver = WK_EXACT_SIMPLEX;
    REQUIRE(wk_w1_exact_f64(x2, 2, w2, y, m, NULL, 2, &o, &rg) == WK_OK, "general path: %s", wk_last_error());
    CHECK(rc == WK_OK && fabs(ra.value - rg.value) <= ra.gap + rg.gap + 1e-15 * rg.value,
          "AUTO, a = [1e-17, 1]: %.17g against the general path's %.17g", ra.value, rg.value);
    if (rc == WK_OK) wk_ot_result_free(&ra);
    /* and the named solver on it (its masses moved in floating point: "no path to an under-full
     * source"; now in exact units) */
    o.exact_solver = WK_EXACT_FEW;
    rc = wk_w1_exact_f64(x2, 2, w2, y, m, NULL, 2, &o, &ra);
    CHECK(rc == WK_OK && ra.rounds == 1 && fabs(ra.value - rg.value) <= ra.gap + rg.gap + 1e-15 * rg.value,
          "FEW, a = [1e-17, 1] against 5,000: rc %d (%s), %.17g against the general path's %.17g", rc,
          rc ? wk_last_error() : "", rc ? 0 : ra.value, rg.value);
    if (rc == WK_OK) wk_ot_result_free(&ra);
    wk_ot_result_free(&rg);
    wk_clear_error();
    /* the named solver on mixed scales: every plan sends 0.5 to the source at 1e8, so the optimum
     * is at least 0.5 min_j c(1e8, y_j); value + gap must reach that bound */
    const double x3[6] = {0, 0, 1e-8, 0, 1e8, 0}, w3[3] = {0.2, 0.3, 0.5};
    const int64_t m3 = 3000;
    double lb = INFINITY;
    for (int64_t k = 0; k < 2 * m3; k++) y[k] = 1e-8 * wk_rng_normal_d(&r);
    for (int64_t j = 0; j < m3; j++) {
        const double c = hypot(1e8 - y[2 * j], y[2 * j + 1]);
        lb = c < lb ? c : lb;
    }
    lb *= 0.5;
    o.exact_solver = WK_EXACT_FEW;
    rc = wk_w1_exact_f64(x3, 3, w3, y, m3, NULL, 2, &o, &ra);
    CHECK(rc == WK_OK && ra.value + ra.gap >= lb * (1 - 4e-16),
          "FEW, weights 0.2/0.3/0.5 at 0, 1e-8, 1e8: value %.17g + gap %g below the bound %.17g", ra.value, ra.gap, lb);
    if (rc == WK_OK) wk_ot_result_free(&ra);
    wk_clear_error();
    free(y);
}

/* Weights built to make floating-point mass moves go wrong, normalised to sum 1: kind 0 spans
 * 17 decades (10^-U(0, 17)), 1 a 1e-17 or two among ones, 2 draws from {0.2, 0.3, 0.5}, 3 all
 * equal but given (1/3 each before normalising), 4 random with a quarter zero, 5 one point holding
 * nearly everything (the rest 1e-12 .. 1e-17), 6 uniform (NULL). */
static double *hard_masses(wk_rng *r, int64_t n, int kind) {
    if (kind == 6) return NULL;
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    static const double fifths[3] = {0.2, 0.3, 0.5};
    for (int64_t i = 0; i < n; i++) {
        switch (kind) {
        case 0: w[i] = pow(10, -17 * wk_rng_uniform_d(r)); break;
        case 1: w[i] = wk_rng_below(r, 8) == 0 ? 1e-17 : 1; break;
        case 2: w[i] = fifths[wk_rng_below(r, 3)]; break;
        case 3: w[i] = 1.0 / 3; break;
        case 4: w[i] = wk_rng_below(r, 4) == 0 ? 0 : wk_rng_uniform_d(r); break;
        default: w[i] = i == 0 ? 1 : pow(10, -12 - 5 * wk_rng_uniform_d(r)); break;
        }
        s += w[i];
    }
    if (kind == 1 && n > 1) w[wk_rng_below(r, (uint64_t)n)] = 1e-17, w[0] = 1; /* at least one of each */
    if (s == 0) w[0] = 1;
    s = 0;
    for (int64_t i = 0; i < n; i++) s += w[i];
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    return w;
}

/* The named solver on every finite non-negative weight vector the general path takes: solved,
 * with the general path's value and every claim checked over all pairs (compare). Its masses
 * moved in floating point before and failed here ("no path to an under-full source", the
 * review's a = [1e-17, 1] among them). */
static void hard_weights(void) {
    wk_rng r;
    wk_rng_seed(&r, 1517);
    const int before = cases_run;
    const int total = 56;
    for (int c = 0; c < total; c++) {
        const int64_t n = 1 + (int64_t)wk_rng_below(&r, c < 8 ? 2 : 12), m = 40 + (int64_t)wk_rng_below(&r, 1500);
        const int d = 1 + (int)wk_rng_below(&r, 3), grid = wk_rng_below(&r, 3) == 0;
        const wk_ot_cost kind = (wk_ot_cost)(c % 3 == 2 ? WK_COST_SQEUCLIDEAN : WK_COST_EUCLIDEAN);
        double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
        make_points(&r, a, n, d, grid);
        make_points(&r, b, m, d, grid);
        if (!grid)
            for (int64_t k = 0; k < m * d; k += d) b[k] += 2; /* shifted: mass must cross */
        const int ka = c % 7, kb = (int)wk_rng_below(&r, 7);
        double *wa = hard_masses(&r, n, ka), *wb = hard_masses(&r, m, kb);
        char what[160];
        snprintf(what, sizeof what, "hard weights %d: %lld x %lld, d %d, %s, cost %d, weights kinds %d/%d", c, (long long)n,
                 (long long)m, d, grid ? "grid+duplicates" : "normal", (int)kind, ka, kb);
        if (c % 2) compare(b, m, wb, a, n, wa, d, kind, 0, what);
        else compare(a, n, wa, b, m, wb, d, kind, 0, what);
        free(a);
        free(b);
        free(wa);
        free(wb);
    }
    CHECK(cases_run - before == total, "%d of %d hard-weight cases ran", cases_run - before, total);
}

#define FEW_FIXTURES "tests/fixtures/ot_few/"

/* POT's ot.emd2 on tests/fixtures/ot_few/few_cases.csv (make_ot_few_fixtures.py): the named
 * few-sources solver, both ways. */
static void pot_fixtures(void) {
    FILE *f = fopen(FEW_FIXTURES "few_cases.csv", "r");
    REQUIRE(f, "cannot open " FEW_FIXTURES "few_cases.csv (run from the repository root)");
    char line[512], fa[64], fb[64], fwa[64], fwb[64], cname[32];
    REQUIRE(fgets(line, sizeof line, f), "empty few_cases.csv");
    int count = 0;
    double want;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63[^,],%63[^,],%63[^,],%63[^,],%31[^,],%lf", fa, fb, fwa, fwb, cname, &want) != 6) continue;
        wk_tensor ta, tb;
        ot_load_points_in(FEW_FIXTURES, fa, &ta);
        ot_load_points_in(FEW_FIXTURES, fb, &tb);
        double *wa = ot_load_weights_in(FEW_FIXTURES, fwa, ta.shape[0]), *wb = ot_load_weights_in(FEW_FIXTURES, fwb, tb.shape[0]);
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.cost = !strcmp(cname, "sqeuclidean") ? WK_COST_SQEUCLIDEAN : WK_COST_EUCLIDEAN;
        o.exact_solver = WK_EXACT_FEW;
        for (int swap = 0; swap < 2; swap++) {
            wk_ot_result res;
            const int rc = swap ? wk_w1_exact(&tb, wb, &ta, wa, &o, &res) : wk_w1_exact(&ta, wa, &tb, wb, &o, &res);
            char what[200];
            snprintf(what, sizeof what, "POT fixture %s x %s (%s)%s", fa, fb, cname, swap ? ", mirrored" : "");
            CHECK(rc == WK_OK && res.rounds == 1, "%s: rc %d (%s), rounds %d", what, rc, rc ? wk_last_error() : "",
                  rc ? -1 : res.rounds);
            if (rc == WK_OK) CHECK_CLOSE(res.value, want, 1e-12, 0, what);
        }
        wk_tensor_free(&ta);
        wk_tensor_free(&tb);
        free(wa);
        free(wb);
        count++;
    }
    fclose(f);
    CHECK(count == 5, "few_cases.csv: %d cases, want 5", count);
}

int main(void) {
    random_cases();
    CHECK(cases_run == 48, "%d of 48 random cases ran", cases_run);
    auto_dispatch();
    auto_weighted();
    one_source();
    limits();
    auto_budget();
    path_bound();
    memory_refused();
    certificate_checks_every_pair();
    inexact_masses();
    hard_weights();
    pot_fixtures();
    return check_summary("test_ot_few");
}
