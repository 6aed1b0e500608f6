/* test_ot_exact.c — wk_w1_exact against POT's ot.emd2 and scipy's linear_sum_assignment on the
 * 22 fixture cases of tests/reference/make_ot_fixtures.py (n, m in 1..2000, d in 1..784,
 * uniform / random / zero weights, ties, duplicates): value to 1e-6 relative, the plan's
 * marginals, and the duals as an optimality certificate (u_i + v_j <= c_ij for all pairs,
 * sum a u + sum b v = value). Also the squared-Euclidean and Minkowski costs on a small case.
 * Each case runs on the default dispatch, on the sparse path (opt.dense_pairs = -1: k-NN arcs
 * and pricing rounds) and, up to 300,000 pairs, on the dense path (every cost stored); the
 * latter two must also match ot.emd2 to 1e-12 relative. */
#include <math.h>
#include <string.h>

#include "ot_test_util.h"

static double pair_cost(const wk_tensor *a, int64_t i, const wk_tensor *b, int64_t j) {
    double s = 0;
    for (int64_t k = 0; k < a->shape[1]; k++) {
        double t = (double)a->data[i * a->shape[1] + k] - (double)b->data[j * b->shape[1] + k];
        s += t * t;
    }
    return sqrt(s);
}

static void check_case(int id, int64_t n, int64_t m, const char *fa, const char *fb, const char *fwa,
                       const char *fwb, double emd2, double lsa, int64_t dense_pairs) {
    wk_tensor a, b;
    ot_load_points(fa, &a);
    ot_load_points(fb, &b);
    REQUIRE(a.shape[0] == n && b.shape[0] == m, "case %d sizes", id);
    double *wa = ot_load_weights(fwa, n), *wb = ot_load_weights(fwb, m);
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.want_plan = 1;
    opt.want_duals = 1;
    opt.dense_pairs = dense_pairs;
    wk_ot_result r;
    int rc = wk_w1_exact(&a, wa, &b, wb, &opt, &r);
    CHECK(rc == WK_OK, "case %d: %s", id, wk_last_error());
    if (rc) return;
    char what[64];
    snprintf(what, sizeof what, "case %d (n %lld m %lld d %lld, dense_pairs %lld) vs ot.emd2", id, (long long)n,
             (long long)m, (long long)a.shape[1], (long long)dense_pairs);
    CHECK_CLOSE(r.value, emd2, dense_pairs ? 1e-12 : 1e-6, 1e-12, what);
    if (!isnan(lsa)) {
        snprintf(what, sizeof what, "case %d vs linear_sum_assignment", id);
        CHECK_CLOSE(r.value, lsa, 1e-6, 1e-12, what);
    }
    /* plan marginals and value */
    double *ra = calloc((size_t)n, sizeof(double)), *rb = calloc((size_t)m, sizeof(double)), pv = 0, ea = 0, eb = 0;
    for (int64_t t = 0; t < r.plan_len; t++) {
        ra[r.plan[t].i] += r.plan[t].mass;
        rb[r.plan[t].j] += r.plan[t].mass;
        pv += r.plan[t].mass * pair_cost(&a, r.plan[t].i, &b, r.plan[t].j);
    }
    for (int64_t i = 0; i < n; i++) ea += fabs(ra[i] - (wa ? wa[i] : 1.0 / n));
    for (int64_t j = 0; j < m; j++) eb += fabs(rb[j] - (wb ? wb[j] : 1.0 / m));
    CHECK(ea < 1e-9 && eb < 1e-9, "case %d: plan marginals off by %g, %g", id, ea, eb);
    CHECK(r.plan_len <= n + m - 1, "case %d: plan has %lld entries (basic: <= n + m - 1)", id, (long long)r.plan_len);
    CHECK_CLOSE(pv, r.value, 1e-9, 1e-12, "plan cost = value");
    /* dual certificate over every pair (points with zero mass have no dual: skipped) */
    double dual = 0, worst = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(r.u[i])) dual += (wa ? wa[i] : 1.0 / n) * r.u[i];
    for (int64_t j = 0; j < m; j++)
        if (!isnan(r.v[j])) dual += (wb ? wb[j] : 1.0 / m) * r.v[j];
    for (int64_t i = 0; i < n; i++) {
        if (isnan(r.u[i])) continue;
        for (int64_t j = 0; j < m; j++) {
            if (isnan(r.v[j])) continue;
            double viol = r.u[i] + r.v[j] - pair_cost(&a, i, &b, j);
            if (viol > worst) worst = viol;
        }
    }
    double scale = emd2 > 1 ? emd2 : 1;
    CHECK(worst <= 1e-9 * scale * 100, "case %d: dual infeasible by %g", id, worst);
    CHECK_CLOSE(dual, r.value, 1e-9, 1e-12, "strong duality");
    free(ra);
    free(rb);
    free(wa);
    free(wb);
    wk_ot_result_free(&r);
    wk_tensor_free(&a);
    wk_tensor_free(&b);
}

static void run_case(const ot_case *c, void *ctx) {
    (void)ctx;
    check_case(c->id, c->n, c->m, c->fa, c->fb, c->fwa, c->fwb, c->emd2, c->lsa, 0);
    check_case(c->id, c->n, c->m, c->fa, c->fb, c->fwa, c->fwb, c->emd2, c->lsa, -1);
    if (c->n * c->m <= 300000)
        check_case(c->id, c->n, c->m, c->fa, c->fb, c->fwa, c->fwb, c->emd2, c->lsa, (int64_t)1 << 40);
}

int main(void) {
    int cases = ot_for_each_case(run_case, NULL);
    CHECK(cases == 22, "22 fixture cases, read %d", cases);
    return check_summary("test_ot_exact");
}
