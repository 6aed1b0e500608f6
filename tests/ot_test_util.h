/* ot_test_util.h — what the OT tests share: loading fixture arrays as points / double weights. */
#ifndef WK_OT_TEST_UTIL_H
#define WK_OT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"
#include "wgankit/tensor.h"

#define OT_FIXTURES "tests/fixtures/ot/"

/* A fixture file of directory dir (OT_FIXTURES, or another under tests/fixtures/). */
static inline void ot_load_points_in(const char *dir, const char *name, wk_tensor *t) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", dir, name);
    REQUIRE(wk_read_points(path, t) == WK_OK, "%s", wk_last_error());
}

static inline void ot_load_points(const char *name, wk_tensor *t) { ot_load_points_in(OT_FIXTURES, name, t); }

/* "-" means uniform (NULL); else the stored weights renormalised in double. */
static inline double *ot_load_weights_in(const char *dir, const char *name, int64_t n) {
    if (!strcmp(name, "-")) return NULL;
    wk_tensor t;
    ot_load_points_in(dir, name, &t);
    REQUIRE(t.numel == n, "%s: %lld weights for %lld points", name, (long long)t.numel, (long long)n);
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) s += (w[i] = t.data[i]);
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    wk_tensor_free(&t);
    return w;
}

static inline double *ot_load_weights(const char *name, int64_t n) { return ot_load_weights_in(OT_FIXTURES, name, n); }

/* One row of tests/fixtures/ot/cases.csv (written by tests/reference/make_ot_fixtures.py). */
typedef struct {
    int id;
    long long n, m, d;
    char fa[64], fb[64], fwa[64], fwb[64];
    double emd2; /* POT's ot.emd2 */
    double lsa;  /* scipy's linear_sum_assignment / n, or NaN when not a square uniform case */
} ot_case;

/* Call fn on every fixture case; returns how many there were. */
static inline int ot_for_each_case(void (*fn)(const ot_case *c, void *ctx), void *ctx) {
    FILE *f = fopen(OT_FIXTURES "cases.csv", "r");
    REQUIRE(f, "cannot open " OT_FIXTURES "cases.csv (run from the repository root)");
    char line[1024], se[64], sl[64];
    REQUIRE(fgets(line, sizeof line, f), "empty cases.csv");
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        ot_case c;
        if (sscanf(line, "%d,%lld,%lld,%lld,%63[^,],%63[^,],%63[^,],%63[^,],%63[^,],%63s", &c.id, &c.n, &c.m, &c.d, c.fa,
                   c.fb, c.fwa, c.fwb, se, sl) != 10)
            continue;
        c.emd2 = strtod(se, NULL);
        c.lsa = strtod(sl, NULL);
        fn(&c, ctx);
        count++;
    }
    fclose(f);
    return count;
}

/* n points in d dimensions from N(shift, 1), seeded. */
static inline void ot_cloud(wk_tensor *t, int64_t n, int64_t d, uint64_t seed, float shift) {
    int64_t shape[2] = {n, d};
    REQUIRE(wk_tensor_alloc(t, 2, shape) == WK_OK, "alloc");
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_rng_fill_normal(&r, t->data, n * d, shift, 1);
}

/* Test masses: NULL (uniform), random, or random with about a quarter zero (at least one
 * positive), normalised to 1 */
static inline double *ot_test_masses(wk_rng *r, int64_t n, int kind) {
    if (kind == 0) return NULL;
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) {
        w[i] = kind == 2 && wk_rng_below(r, 4) == 0 ? 0 : 0.1 + wk_rng_uniform_d(r);
        s += w[i];
    }
    if (s == 0) w[0] = s = 1;
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    return w;
}

/* The mass of point i of n under weights w (NULL: uniform). */
static inline double ot_test_mass(const double *w, int64_t n, int64_t i) { return w ? w[i] : 1.0 / (double)n; }

/* A result's plan and duals checked over every pair, each claim on its own: the plan a coupling
 * of the kept points (positive entries, zero-mass points absent, at most max_len entries when
 * max_len > 0, marginals within 1e-12), its cost the value (1e-12 relative, atol absolute) and
 * no dearer than ref (another solver's optimum); the duals NaN exactly for zero-mass points,
 * feasible (u_i + v_j <= c_ij + tol) over all pairs, tight (within tol) on every plan arc, and
 * their objective the value (1e-12 relative, tol absolute). cost(ctx, i, j) is c_ij. */
typedef double (*ot_test_cost_fn)(const void *ctx, int64_t i, int64_t j);
static inline void ot_check_plan_duals(const wk_ot_result *r, int64_t n, const double *wa, int64_t m, const double *wb,
                                       ot_test_cost_fn cost, const void *ctx, double ref, double tol, double atol,
                                       int64_t max_len, const char *what) {
    double *rows = calloc((size_t)(n + m), sizeof(double)), *cols = rows + n, pv = 0, worst_tight = 0;
    int bad_index = 0;
    for (int64_t t = 0; t < r->plan_len; t++) {
        const wk_ot_triplet e = r->plan[t];
        if (e.i < 0 || e.i >= n || e.j < 0 || e.j >= m || !(e.mass > 0) || ot_test_mass(wa, n, e.i) == 0 ||
            ot_test_mass(wb, m, e.j) == 0) {
            bad_index = 1;
            continue;
        }
        rows[e.i] += e.mass;
        cols[e.j] += e.mass;
        const double c = cost(ctx, e.i, e.j);
        pv += e.mass * c;
        worst_tight = fmax(worst_tight, fabs(r->u[e.i] + r->v[e.j] - c));
    }
    CHECK(!bad_index && r->plan_len >= 1 && (max_len <= 0 || r->plan_len <= max_len), "%s: plan of %lld entries, bad index %d",
          what, (long long)r->plan_len, bad_index);
    double worst_row = 0;
    for (int64_t i = 0; i < n; i++) worst_row = fmax(worst_row, fabs(rows[i] - ot_test_mass(wa, n, i)));
    for (int64_t j = 0; j < m; j++) worst_row = fmax(worst_row, fabs(cols[j] - ot_test_mass(wb, m, j)));
    CHECK(worst_row <= 1e-12, "%s: plan marginals off by %g", what, worst_row);
    CHECK_CLOSE(pv, r->value, 1e-12, atol, "plan cost = value");
    CHECK(pv <= ref * (1 + 1e-12) + atol, "%s: the plan costs %.17g, the reference optimum %.17g", what, pv, ref);
    double worst = 0, dual = 0;
    int nan_ok = 1;
    for (int64_t i = 0; i < n; i++) {
        nan_ok &= (ot_test_mass(wa, n, i) == 0) == (isnan(r->u[i]) != 0);
        if (!isnan(r->u[i])) dual += ot_test_mass(wa, n, i) * r->u[i];
    }
    for (int64_t j = 0; j < m; j++) {
        nan_ok &= (ot_test_mass(wb, m, j) == 0) == (isnan(r->v[j]) != 0);
        if (!isnan(r->v[j])) dual += ot_test_mass(wb, m, j) * r->v[j];
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++)
            if (!isnan(r->u[i]) && !isnan(r->v[j])) worst = fmax(worst, r->u[i] + r->v[j] - cost(ctx, i, j));
    CHECK(nan_ok, "%s: NaN duals exactly for the zero-mass points", what);
    CHECK(worst <= tol, "%s: dual infeasible by %g", what, worst);
    CHECK(worst_tight <= tol, "%s: a plan arc is not tight by %g", what, worst_tight);
    CHECK_CLOSE(dual, r->value, 1e-12, tol, "dual objective = value");
    free(rows);
}

#endif
