/* test_ot_dense.c — wk_w1_exact's dense small-problem path (w1_exact.c: all costs stored, pricing
 * over the matrix, the simplex inside) against its sparse path (k-NN arcs, grid pricing, the
 * assignment solver for n = m uniform; opt.dense_pairs = -1), on random problems built to be
 * hard: points on a small integer grid (many equal costs) with duplicated rows, uniform,
 * random and partly zero weights, n and m from 1 to past the default threshold, every branch of
 * the dense cost engine (d = 1, 2, 3 inline; d = 4, 5, 8, 13, 784 by four-pair vector blocks
 * with their tails; Minkowski pair by pair; float32 and float64 input). Each dense answer must
 * equal the sparse one to 1e-12 relative, and its duals certify it over every pair
 * (u_i + v_j <= c_ij, sum a u + sum b v = value). The POT fixtures are checked on both paths
 * by test_ot_exact; test_ot_dense_costs checks the stored costs themselves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot_test_util.h"

static double cost_of(const double *x, const double *y, int d, wk_ot_cost kind, double p) {
    double s = 0, big = 0;
    for (int k = 0; k < d; k++) big = fmax(big, fabs(x[k] - y[k]));
    for (int k = 0; k < d; k++) {
        const double t = x[k] - y[k];
        s += kind == WK_COST_MINKOWSKI ? (big > 0 ? pow(fabs(t) / big, p) : 0) : t * t;
    }
    if (kind == WK_COST_MINKOWSKI) return big > 0 ? big * pow(s, 1 / p) : 0;
    return kind == WK_COST_SQEUCLIDEAN ? s : sqrt(s);
}

/* points on the grid {0, .., g}^d / 2 (so many equal costs), every fourth row a copy of an
 * earlier one */
static void grid_points(wk_rng *r, double *x, int64_t n, int d, int g) {
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < d; k++)
            x[i * d + k] = i >= 4 && i % 4 == 0 ? x[(int64_t)wk_rng_below(r, (uint64_t)i) * d + k]
                                                : 0.5 * (double)wk_rng_below(r, (uint64_t)g + 1);
}

static int cases_run;

/* One problem on both paths: values to 1e-12, the dense duals a certificate. */
static void compare(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb, int d,
                    wk_ot_cost kind, int f32, const char *what) {
    wk_ot_options od, os;
    wk_ot_options_default(&od);
    od.cost = kind;
    od.p = 3;
    od.want_duals = 1;
    od.dense_pairs = (int64_t)1 << 40; /* dense whatever the size */
    /* in 1-D, AUTO takes the closed form (exact_1d.c, test_ot_exact_1d): name the simplex to
     * keep both matrix paths under test */
    if (d == 1) od.exact_solver = WK_EXACT_SIMPLEX;
    os = od;
    os.dense_pairs = -1; /* never */
    wk_ot_result rd, rs;
    int cd, cs;
    if (f32) {
        int64_t sa[2] = {n, d}, sb[2] = {m, d};
        wk_tensor ta, tb;
        REQUIRE(wk_tensor_alloc(&ta, 2, sa) == WK_OK && wk_tensor_alloc(&tb, 2, sb) == WK_OK, "tensors");
        for (int64_t t = 0; t < n * d; t++) ta.data[t] = (float)a[t];
        for (int64_t t = 0; t < m * d; t++) tb.data[t] = (float)b[t];
        cd = wk_w1_exact(&ta, wa, &tb, wb, &od, &rd);
        cs = wk_w1_exact(&ta, wa, &tb, wb, &os, &rs);
        wk_tensor_free(&ta);
        wk_tensor_free(&tb);
    } else {
        cd = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &od, &rd);
        cs = wk_w1_exact_f64(a, n, wa, b, m, wb, d, &os, &rs);
    }
    CHECK(cd == WK_OK && cs == WK_OK, "%s: dense rc %d, sparse rc %d: %s", what, cd, cs, wk_last_error());
    if (cd || cs) return;
    cases_run++;
    CHECK_CLOSE(rd.value, rs.value, 1e-12, 1e-300, what);
    CHECK(rd.rounds >= 1 && rd.gap <= 1e-9 * rd.value + 1e-9, "%s: rounds %d, gap %g", what, rd.rounds, rd.gap);
    double dual = 0, worst = 0, cmax = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(rd.u[i])) dual += (wa ? wa[i] : 1.0 / (double)n) * rd.u[i];
    for (int64_t j = 0; j < m; j++)
        if (!isnan(rd.v[j])) dual += (wb ? wb[j] : 1.0 / (double)m) * rd.v[j];
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            const double c = cost_of(a + i * d, b + j * d, d, kind, 3);
            cmax = fmax(cmax, c);
            if (!isnan(rd.u[i]) && !isnan(rd.v[j])) worst = fmax(worst, rd.u[i] + rd.v[j] - c);
        }
    CHECK(worst <= 1e-9 * (cmax > 1 ? cmax : 1), "%s: dual infeasible by %g", what, worst);
    CHECK_CLOSE(dual, rd.value, 1e-9, 1e-12 * (cmax > 1 ? cmax : 1), what);
    wk_ot_result_free(&rd);
    wk_ot_result_free(&rs);
}

static void random_case(wk_rng *r, int64_t n, int64_t m, int d, int wkind, wk_ot_cost kind, int f32) {
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    const int g = 2 + (int)wk_rng_below(r, 6);
    grid_points(r, a, n, d, g);
    grid_points(r, b, m, d, g);
    for (int64_t t = 0; t < m * d; t += d) b[t] += 0.5; /* b shifted along the first axis */
    double *wa = ot_test_masses(r, n, wkind), *wb = ot_test_masses(r, m, wkind);
    char what[160];
    snprintf(what, sizeof what, "%lld x %lld x %d, weights %d, cost %d, %s", (long long)n, (long long)m, d, wkind,
             (int)kind, f32 ? "float32" : "float64");
    compare(a, n, wa, b, m, wb, d, kind, f32, what);
    free(a);
    free(b);
    free(wa);
    free(wb);
}

/* The default threshold (40,000 pairs below 8 coordinates): problems just under and just over
 * it, on default options, give the sparse path's value. */
static void around_threshold(wk_rng *r) {
    const int64_t sizes[][2] = {{200, 200}, {200, 201}, {160, 250}, {161, 250}};
    for (int s = 0; s < 4; s++) {
        const int64_t n = sizes[s][0], m = sizes[s][1];
        double *a = malloc((size_t)(n * 2) * sizeof(double)), *b = malloc((size_t)(m * 2) * sizeof(double));
        grid_points(r, a, n, 2, 30);
        grid_points(r, b, m, 2, 30);
        wk_ot_options od, os;
        wk_ot_options_default(&od);
        os = od;
        os.dense_pairs = -1;
        wk_ot_result rd, rs;
        int cd = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &od, &rd), cs = wk_w1_exact_f64(a, n, NULL, b, m, NULL, 2, &os, &rs);
        CHECK(cd == WK_OK && cs == WK_OK, "%lld x %lld: %s", (long long)n, (long long)m, wk_last_error());
        if (!cd && !cs) CHECK_CLOSE(rd.value, rs.value, 1e-12, 1e-300, "default options around the threshold");
        wk_ot_result_free(&rd);
        wk_ot_result_free(&rs);
        free(a);
        free(b);
    }
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 15);
    /* every size from 1 x 1 to 12 x 12 in 2-D, the three kinds of weights */
    for (int64_t n = 1; n <= 12; n++)
        for (int64_t m = 1; m <= 12; m++) random_case(&r, n, m, 2, (int)((n + m) % 3), WK_COST_EUCLIDEAN, 0);
    /* each cost-engine branch, odd sizes (the four-pair blocks' tails), both input types */
    const int dims[] = {1, 2, 3, 4, 5, 8, 13, 784};
    for (int t = 0; t < 8; t++)
        for (int rep = 0; rep < 6; rep++) {
            const int64_t n = 1 + (int64_t)wk_rng_below(&r, dims[t] > 100 ? 40 : 90);
            const int64_t m = rep % 2 ? n : 1 + (int64_t)wk_rng_below(&r, 90);
            random_case(&r, n, m, dims[t], rep % 3, WK_COST_EUCLIDEAN, rep >= 3);
        }
    for (int rep = 0; rep < 4; rep++) {
        random_case(&r, 30 + rep, 30, 3, rep % 3, WK_COST_SQEUCLIDEAN, 0);
        random_case(&r, 25, 25 + rep, 6, rep % 3, WK_COST_SQEUCLIDEAN, rep % 2);
        random_case(&r, 20 + rep, 22, 3, rep % 3, WK_COST_MINKOWSKI, 0);
    }
    /* larger: up to the default thresholds' neighbourhood */
    random_case(&r, 150, 150, 2, 0, WK_COST_EUCLIDEAN, 0);
    random_case(&r, 190, 210, 2, 1, WK_COST_EUCLIDEAN, 0);
    random_case(&r, 120, 90, 10, 2, WK_COST_EUCLIDEAN, 1);
    around_threshold(&r);
    CHECK(cases_run >= 144 + 48 + 12 + 3, "cases compared: %d", cases_run);
    return check_summary("test_ot_dense");
}
