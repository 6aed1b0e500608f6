/* test_ot_exact_1d.c — wk_w1_exact's one-dimensional closed form (exact_1d.c: the sorted
 * clouds' monotone coupling as the plan, the CDFs' potentials as the duals) against the general
 * path (opt.exact_solver = SIMPLEX: pricing over every pair, the network simplex), on random
 * problems built to be hard: points on a small grid (ties) with duplicated rows, uniform, random
 * and partly zero weights, n = 1 and m = 1, a large common offset (1e9: the potentials' sums
 * cancel), float32 and float64 input, the Euclidean and the Minkowski cost. For each, every
 * claim of the result is checked on its own, over every pair:
 *  - the value equals the simplex's to 1e-12 relative, and the 1-D path ran (rounds == 0);
 *  - the plan is a coupling (row and column sums are the masses, zero-mass points absent), its
 *    cost is the value, and it is optimal: no more than the simplex's value;
 *  - the duals are feasible (u_i + v_j <= |x_i - y_j|), tight on every plan arc, their objective
 *    is the value, and zero-mass points have NaN;
 *  - the certificate: 0 <= gap within the solver's threshold, and gap covers the difference to
 *    the simplex's certified value.
 * Known answers (a hand-made case; wk_wp_1d on every case) and the paths that must stay general
 * (a named solver, the squared cost) too. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot_test_util.h"

/* exact_internal.h's certification check (that header's ot_cloud type would clash with the
 * test helper of that name) */
int exact_certify(double value, double gap, double cmax, const char *what);

static int cases_run;

/* points 0.5 * {0 .. g} + off, every third row a copy of an earlier one */
static void grid_points(wk_rng *r, double *x, int64_t n, int g, double off) {
    for (int64_t i = 0; i < n; i++)
        x[i] = i >= 3 && i % 3 == 0 ? x[wk_rng_below(r, (uint64_t)i)] : off + 0.5 * (double)wk_rng_below(r, (uint64_t)g + 1);
}

/* |a_i - b_j| for ot_check_plan_duals */
typedef struct line_pair {
    const double *a, *b;
} line_pair;
static double line_cost(const void *ctx, int64_t i, int64_t j) {
    const line_pair *p = ctx;
    return fabs(p->a[i] - p->b[j]);
}

static int run(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
               const wk_ot_options *o, int f32, wk_ot_result *res) {
    if (!f32) return wk_w1_exact_f64(a, n, wa, b, m, wb, 1, o, res);
    int64_t sa[2] = {n, 1}, sb[2] = {m, 1};
    wk_tensor ta, tb;
    REQUIRE(wk_tensor_alloc(&ta, 2, sa) == WK_OK && wk_tensor_alloc(&tb, 2, sb) == WK_OK, "tensors");
    for (int64_t i = 0; i < n; i++) ta.data[i] = (float)a[i];
    for (int64_t j = 0; j < m; j++) tb.data[j] = (float)b[j];
    const int rc = wk_w1_exact(&ta, wa, &tb, wb, o, res);
    wk_tensor_free(&ta);
    wk_tensor_free(&tb);
    return rc;
}

/* One problem through the 1-D path and the general path; every claim checked. f32: the points
 * are float32-representable (the test rounds them first) and go in as a tensor. */
static void compare(double *a, int64_t n, const double *wa, double *b, int64_t m, const double *wb, wk_ot_cost kind,
                    int f32, const char *what) {
    if (f32) {
        for (int64_t i = 0; i < n; i++) a[i] = (float)a[i];
        for (int64_t j = 0; j < m; j++) b[j] = (float)b[j];
    }
    wk_ot_options o1, og;
    wk_ot_options_default(&o1);
    o1.cost = kind;
    o1.p = 3;
    o1.want_plan = o1.want_duals = 1;
    og = o1;
    og.exact_solver = WK_EXACT_SIMPLEX; /* the general path */
    wk_ot_result r1, rg;
    const int c1 = run(a, n, wa, b, m, wb, &o1, f32, &r1), cg = run(a, n, wa, b, m, wb, &og, f32, &rg);
    CHECK(c1 == WK_OK && cg == WK_OK, "%s: 1-D rc %d, general rc %d: %s", what, c1, cg, wk_last_error());
    if (c1 || cg) return;
    cases_run++;
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) lo = fmin(lo, a[i]), hi = fmax(hi, a[i]);
    for (int64_t j = 0; j < m; j++) lo = fmin(lo, b[j]), hi = fmax(hi, b[j]);
    const double span = hi - lo, tol = 1e-12 * (span > 0 ? span : 1);
    CHECK(r1.rounds == 0 && rg.rounds >= 1, "%s: rounds %d (1-D) and %d (general)", what, r1.rounds, rg.rounds);
    CHECK_CLOSE(r1.value, rg.value, 1e-12, 1e-300, what);
    /* the certificate */
    CHECK(r1.gap >= 0 && exact_certify(r1.value, r1.gap, span, "") == WK_OK, "%s: gap %g, value %g", what, r1.gap, r1.value);
    CHECK(fabs(r1.value - rg.value) <= r1.gap + rg.gap + 4e-16 * r1.value, "%s: values %.17g and %.17g, gaps %g and %g",
          what, r1.value, rg.value, r1.gap, rg.gap);
    /* the plan: a coupling of the kept points, costing the value, no dearer than the simplex's;
     * the duals: feasible over every pair, tight on the plan, objective = value, NaN if dropped */
    const line_pair lp = {a, b};
    ot_check_plan_duals(&r1, n, wa, m, wb, line_cost, &lp, rg.value, tol, 1e-300, n + m - 1, what);
    /* the quantile-function value */
    double wp = NAN;
    CHECK(wk_wp_1d_f64(a, wa, n, b, wb, m, 1, &wp) == WK_OK, "%s: wk_wp_1d: %s", what, wk_last_error());
    CHECK_CLOSE(wp, r1.value, 1e-12, 1e-300, "wk_wp_1d");
    wk_ot_result_free(&r1);
    wk_ot_result_free(&rg);
}

static void random_case(wk_rng *r, int64_t n, int64_t m, int wkind, double off, wk_ot_cost kind, int f32) {
    double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)m * sizeof(double));
    const int g = 1 + (int)wk_rng_below(r, 12);
    grid_points(r, a, n, g, off);
    grid_points(r, b, m, g, off);
    if (wk_rng_below(r, 2))
        for (int64_t j = 0; j < m; j++) b[j] += 0.25 * (double)wk_rng_below(r, 3); /* partly shifted */
    if (wk_rng_below(r, 4) == 0) /* a few points off the grid */
        for (int64_t i = 0; i < n; i += 2) a[i] += wk_rng_normal_d(r);
    double *wa = ot_test_masses(r, n, wkind), *wb = ot_test_masses(r, m, (wkind + (int)wk_rng_below(r, 2)) % 3);
    char what[160];
    snprintf(what, sizeof what, "%lld x %lld, weights %d, offset %g, cost %d, %s", (long long)n, (long long)m, wkind,
             off, (int)kind, f32 ? "float32" : "float64");
    compare(a, n, wa, b, m, wb, kind, f32, what);
    free(a);
    free(b);
    free(wa);
    free(wb);
}

/* a = {0, 1, 3} uniform, b = {2} with weights: W1 = (2 + 1 + 1) / 3; the plan moves each third
 * to 2 and the duals follow φ: -1 slope on [0, 2), +1 on [2, 3] */
static void known_answer(void) {
    const double a[] = {0, 1, 3}, b[] = {2};
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.want_plan = o.want_duals = 1;
    wk_ot_result r;
    REQUIRE(wk_w1_exact_f64(a, 3, NULL, b, 1, NULL, 1, &o, &r) == WK_OK, "%s", wk_last_error());
    CHECK_CLOSE(r.value, 4.0 / 3, 1e-15, 0, "known W1");
    CHECK(r.plan_len == 3 && r.rounds == 0, "plan of %lld entries, rounds %d", (long long)r.plan_len, r.rounds);
    CHECK_CLOSE(r.u[0], 0, 0, 0, "u_0 = φ(0)");
    CHECK_CLOSE(r.u[1], -1, 0, 0, "u_1 = φ(1)");
    CHECK_CLOSE(r.u[2], -1, 0, 0, "u_2 = φ(3)");
    CHECK_CLOSE(r.v[0], 2, 0, 0, "v_0 = -φ(2)");
    CHECK(r.gap >= 0 && r.gap <= 1e-14, "gap %g", r.gap);
    wk_ot_result_free(&r);
}

/* A named solver and the squared cost take the general path (pricing rounds), with the right
 * value (the squared cost: the quantile functions' W2^2). */
static void general_paths(wk_rng *r) {
    double a[40], b[30];
    for (int i = 0; i < 40; i++) a[i] = wk_rng_normal_d(r);
    for (int j = 0; j < 30; j++) b[j] = 0.5 + wk_rng_normal_d(r);
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = WK_COST_SQEUCLIDEAN;
    wk_ot_result res;
    double w2 = NAN;
    REQUIRE(wk_w1_exact_f64(a, 40, NULL, b, 30, NULL, 1, &o, &res) == WK_OK, "%s", wk_last_error());
    REQUIRE(wk_wp_1d_f64(a, NULL, 40, b, NULL, 30, 2, &w2) == WK_OK, "%s", wk_last_error());
    CHECK(res.rounds >= 1, "the squared cost stays on the general path (rounds %d)", res.rounds);
    CHECK_CLOSE(res.value, w2, 1e-12, 0, "1-D squared cost");
    wk_ot_result_free(&res);
    wk_ot_options_default(&o);
    o.exact_solver = WK_EXACT_ASSIGNMENT;
    REQUIRE(wk_w1_exact_f64(a, 30, NULL, b, 30, NULL, 1, &o, &res) == WK_OK, "%s", wk_last_error());
    CHECK(res.rounds >= 1, "a named solver stays on the general path (rounds %d)", res.rounds);
    wk_ot_result_free(&res);
}

/* The one certification check both exact paths call (exact_certify, w1_exact.c; the 1-D path
 * had its own copy of run_exact's threshold and message): accepted up to 1e-9 value + 1e-10 cmax
 * inclusive, refused just past it and for a NaN gap, with the message naming the three numbers. */
static void certificate_threshold(void) {
    const double value = 3.0, cmax = 50.0, at = 1e-9 * value + 1e-10 * cmax;
    CHECK(exact_certify(value, at, cmax, "1-D ") == WK_OK, "gap at the threshold is certified");
    CHECK(exact_certify(0, 1e-10 * cmax, cmax, "") == WK_OK, "value 0: the cost scale's share");
    CHECK(exact_certify(value, nextafter(at, 1.0), cmax, "1-D ") == WK_EUNSUPPORTED, "just past the threshold");
    CHECK(strstr(wk_last_error(), "cannot certify the 1-D optimum in double precision (value 3, certified only to "
                                  "within 8e-09; costs range up to 50)") != NULL, "message: %s", wk_last_error());
    CHECK(exact_certify(value, NAN, cmax, "") == WK_EUNSUPPORTED && strstr(wk_last_error(), "certify the optimum"),
          "a NaN gap is refused: %s", wk_last_error());
    wk_clear_error();
}

/* Public wk_wp_1d_f64 on tiny samples, every p (was: only the exact solver rescaled, so each
 * term f |x - y|^p of p > 1 was rounded in the subnormal range or to 0). Exact references:
 * u = {0, 10t, 20t}, v = {t, 12t, 24t} with weights 1/3 couple i to i at distances t, 2t, 4t:
 * W_2^2 = (1 + 4 + 16) t^2 / 3 = 7 * 2^-1074 for t = 2^-537 (the terms 1/3, 4/3, 16/3 of
 * 2^-1074 rounded one by one gave 6); W_3^3 with distances t, t, 4t and t = 2^-358 is
 * (1 + 1 + 64) / 3 = 22 * 2^-1074 (was 21); W_1 of distances t, t, t with t = 2^-1074 is
 * 2^-1074 (was 0: three thirds of it, each rounded to 0); and the same samples at 2^-600 with
 * p = 2 round to 0, the true value being below half 2^-1074. */
static void tiny_wp(void) {
    const double min_sub = 0x1p-1074;
    struct { double t; double dv[3]; double p, want; } c[] = {
        {0x1p-537, {1, 2, 4}, 2, 7 * min_sub},
        {0x1p-358, {1, 1, 4}, 3, 22 * min_sub},
        {min_sub, {1, 1, 1}, 1, min_sub},
        {0x1p-600, {1, 2, 4}, 2, 0},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        const double t = c[k].t;
        const double u[3] = {0, 10 * t, 20 * t}, v[3] = {c[k].dv[0] * t, 10 * t + c[k].dv[1] * t, 20 * t + c[k].dv[2] * t};
        double got = NAN;
        REQUIRE(wk_wp_1d_f64(u, NULL, 3, v, NULL, 3, c[k].p, &got) == WK_OK, "%s", wk_last_error());
        CHECK(got == c[k].want, "tiny W_p^p, case %zu (p = %g): %.17g, want %.17g (%g ulps of 2^-1074 off)", k, c[k].p, got,
              c[k].want, (got - c[k].want) / min_sub);
    }
    /* one point a side 2^-300 apart: a fractional p (the scale-back's 2^-fraction path),
     * (2^-300)^1.5 = 2^-450 exactly; and p = 1e12, where the scale-back exponent k p is far
     * beyond int (it was converted to int: undefined behaviour, which x86-64 happened to turn
     * into 0 as well, so only a -fsanitize=float-cast-overflow build saw the fault) and the
     * value underflows to 0 */
    const double zero = 0, tiny = 0x1p-300;
    double got = NAN;
    REQUIRE(wk_wp_1d_f64(&zero, NULL, 1, &tiny, NULL, 1, 1.5, &got) == WK_OK, "%s", wk_last_error());
    CHECK(got == 0x1p-450, "W_1.5^1.5 of one pair 2^-300 apart: %.17g, want 2^-450", got);
    got = NAN;
    REQUIRE(wk_wp_1d_f64(&zero, NULL, 1, &tiny, NULL, 1, 1e12, &got) == WK_OK, "%s", wk_last_error());
    CHECK(got == 0, "W_p^p with p = 1e12 of one pair 2^-300 apart: %.17g, want 0", got);
}

/* The gap against W1 in quad precision (__float128: the CDFs' integral ∫|F_a - F_b|, with the
 * weights normalised as the solver does, to ~1e-30): weights that are not integers (1/2,000
 * given explicitly) leave the coupling's marginals off by rounding, and the gap read 0 for
 * values 2e-14 - 2e-13 off (1 x 2,000, 7 x 3,000; random weights too). */
typedef struct { double x, w; int side; } q_point;
static int q_cmp(const void *p, const void *q) {
    const double a = ((const q_point *)p)->x, b = ((const q_point *)q)->x;
    return (a > b) - (a < b);
}
static void gap_against_quad(wk_rng *r, int64_t n, int64_t m, int random_weights, double far_x, double far_w) {
    double *x = malloc((size_t)n * sizeof(double)), *y = malloc((size_t)m * sizeof(double));
    double *wa = malloc((size_t)n * sizeof(double)), *wb = malloc((size_t)m * sizeof(double));
    q_point *p = malloc((size_t)(n + m) * sizeof *p);
    __float128 sa = 0, sb = 0;
    for (int64_t i = 0; i < n; i++) x[i] = wk_rng_normal_d(r), wa[i] = random_weights ? 0.01 + wk_rng_uniform_d(r) : 1.0 / (double)n;
    for (int64_t j = 0; j < m; j++) y[j] = wk_rng_normal_d(r) + 0.2, wb[j] = random_weights ? 0.01 + wk_rng_uniform_d(r) : 1.0 / (double)m;
    if (random_weights) { /* summing to 1 within the library's 1e-5, as a user's would */
        double ta = 0, tb = 0;
        for (int64_t i = 0; i < n; i++) ta += wa[i];
        for (int64_t j = 0; j < m; j++) tb += wb[j];
        for (int64_t i = 0; i < n; i++) wa[i] /= ta;
        for (int64_t j = 0; j < m; j++) wb[j] /= tb;
    }
    if (far_w > 0) { /* b's point 0 far out with a tiny mass, the rest sharing 1 - far_w */
        y[0] = far_x;
        for (int64_t j = 0; j < m; j++) wb[j] = j ? (1 - far_w) / (double)(m - 1) : far_w;
    }
    for (int64_t i = 0; i < n; i++) p[i] = (q_point){x[i], wa[i], 0}, sa += wa[i];
    for (int64_t j = 0; j < m; j++) p[n + j] = (q_point){y[j], wb[j], 1}, sb += wb[j];
    qsort(p, (size_t)(n + m), sizeof *p, q_cmp);
    __float128 fa = 0, fb = 0, w = 0;
    for (int64_t k = 0; k + 1 < n + m; k++) {
        if (p[k].side) fb += (__float128)p[k].w / sb;
        else fa += (__float128)p[k].w / sa;
        const __float128 d = fa - fb;
        w += (d < 0 ? -d : d) * ((__float128)p[k + 1].x - (__float128)p[k].x);
    }
    wk_ot_result res;
    const int rc = wk_w1_exact_f64(x, n, wa, y, m, wb, 1, NULL, &res);
    CHECK(rc == WK_OK && res.rounds == 0, "%lld x %lld: %s", (long long)n, (long long)m, rc ? wk_last_error() : "not 1-D");
    if (rc == WK_OK) {
        const __float128 e = (__float128)res.value - w;
        CHECK((double)(e < 0 ? -e : e) <= res.gap, "%lld x %lld (%s weights): W1 %.17g, quad %.17g: off by %.3g, gap %.3g",
              (long long)n, (long long)m, random_weights ? "random" : "explicit uniform", res.value, (double)w,
              (double)(e < 0 ? -e : e), res.gap);
        /* the far point's share is there: the plain running remainders of the quantile walk
         * dropped its mass (3e-7 of the value; sound, within the gap, but not exact). What is
         * left is the weights' own rounding (their sum is 1 within a few u), which the walk's
         * last step takes: at most 8 u x the far point's distance */
        if (far_w > 0)
            CHECK((double)(e < 0 ? -e : e) <= 1e-12 * res.value + 8 * DBL_EPSILON * fabs(far_x),
                  "%lld x %lld, a far point at %g of mass %g: W1 %.17g, quad %.17g",
                  (long long)n, (long long)m, far_x, far_w, res.value, (double)w);
    }
    wk_ot_result_free(&res);
    free(x);
    free(y);
    free(wa);
    free(wb);
    free(p);
}

int main(void) {
    wk_rng r;
    certificate_threshold();
    wk_rng_seed(&r, 77);
    /* n = m with explicit uniform weights: both clouds' masses were scaled by the plain sum's
     * rounding (1 - 5.5e-14 at 2,000), the coupling exact on them, so R was 0 and the gap too small */
    const int64_t sizes[][2] = {{1, 2000}, {2000, 1}, {3, 1000}, {7, 3000}, {50, 2000}, {600, 700}, {2000, 2000}, {3000, 3000}, {4999, 4999}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int rw = 0; rw < 2; rw++) gap_against_quad(&r, sizes[k][0], sizes[k][1], rw, 0, 0);
    for (int rep = 0; rep < 6; rep++) gap_against_quad(&r, 1, 3000, 0, 9e6, 3.3e-14); /* a review's case, 6 seeds */
    tiny_wp();
    wk_rng_seed(&r, 1515);
    known_answer();
    general_paths(&r);
    /* every size from 1 x 1 to 9 x 9, the three kinds of weights */
    for (int64_t n = 1; n <= 9; n++)
        for (int64_t m = 1; m <= 9; m++) random_case(&r, n, m, (int)((n * 7 + m) % 3), 0, WK_COST_EUCLIDEAN, 0);
    /* larger, both costs, both input types, and clouds far from the origin */
    for (int rep = 0; rep < 60; rep++) {
        const int64_t n = 1 + (int64_t)wk_rng_below(&r, 120), m = rep % 4 ? 1 + (int64_t)wk_rng_below(&r, 120) : n;
        const double off = rep % 5 == 4 ? 1e9 : rep % 5 == 3 ? -37.25 : 0;
        random_case(&r, n, m, rep % 3, off, rep % 7 == 6 ? WK_COST_MINKOWSKI : WK_COST_EUCLIDEAN,
                    rep % 3 == 1 && off > -1 && off < 1);
    }
    random_case(&r, 600, 450, 1, 0, WK_COST_EUCLIDEAN, 0);
    random_case(&r, 500, 500, 0, 0, WK_COST_EUCLIDEAN, 0);
    random_case(&r, 700, 300, 2, 1e6, WK_COST_EUCLIDEAN, 0);
    CHECK(cases_run == 81 + 60 + 3, "cases compared: %d", cases_run);
    return check_summary("test_ot_exact_1d");
}
