/* test_ot_precision.c — the OT wrong values of issue 18, against the float64 references of
 * tests/reference/make_ot_precision_fixtures.py (POT / scipy):
 *  - float64 and int64 data far larger than its spread (1e6 + 0.01 k, microsecond timestamps)
 *    reach every method unrounded: exact (each solver), 1-D, sliced and Sinkhorn give the
 *    spread's distance, not float32's 0;
 *  - the high-dimensional single-precision engine on such clouds (centred before its float
 *    copies; its error margin covers the centring) equals the exact value of the centred clouds;
 *  - the squared cost is honoured by every method: in 1-D sliced = 1-D = exact (POT's
 *    test_1d_sliced_equals_emd in the squared form); the Minkowski cost is refused by sliced;
 *  - coordinates of 1e16 next to unit distances (2-D uniform and weighted, 16-D): the exact
 *    value is the optimum (scipy's assignment; POT's emd2 itself misses it), with a certified
 *    gap, never a plan the certificate cannot vouch for. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"

#define FX "tests/fixtures/ot_precision/"

typedef struct {
    double *x;
    int64_t n, d;
} pts;

static pts load(const char *name) {
    char path[512];
    snprintf(path, sizeof path, FX "%s", name);
    pts p;
    REQUIRE(wk_read_points_f64(path, &p.x, &p.n, &p.d) == WK_OK, "%s", wk_last_error());
    return p;
}

/* The default dispatch (the dense path for these small problems), and the sparse path
 * (dense_pairs = -1) must give the same status and value. */
static double exact(const pts *a, const pts *b, wk_ot_cost cost, wk_exact_solver solver, int *rc_out) {
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = cost;
    o.exact_solver = solver;
    wk_ot_result r, rs;
    int rc = wk_w1_exact_f64(a->x, a->n, NULL, b->x, b->n, NULL, a->d, &o, &r);
    if (rc_out) *rc_out = rc;
    else CHECK(rc == WK_OK, "exact (solver %d): %s", (int)solver, wk_last_error());
    o.dense_pairs = -1;
    const int rcs = wk_w1_exact_f64(a->x, a->n, NULL, b->x, b->n, NULL, a->d, &o, &rs);
    CHECK(rcs == rc, "solver %d: sparse path rc %d, default %d", (int)solver, rcs, rc);
    if (!rc && !rcs) CHECK_CLOSE(rs.value, r.value, 1e-12, 0, "sparse path = default dispatch");
    return rc ? NAN : r.value;
}

/* The 1e16 example with weights (0.5, 0.3, 0.2) on both sides: the network simplex path. */
static void check_weighted(const char *name, const char *fa, const char *fb, double want) {
    pts a = load(fa), b = load(fb), w = load("huge_w.csv");
    REQUIRE(w.n * w.d == a.n, "%s: weights", name);
    for (int s = WK_EXACT_AUTO; s <= WK_EXACT_SIMPLEX; s++) {
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.exact_solver = (wk_exact_solver)s;
        o.dense_pairs = s == WK_EXACT_SIMPLEX ? -1 : 0; /* the sparse path too */
        wk_ot_result r;
        int rc = wk_w1_exact_f64(a.x, a.n, w.x, b.x, b.n, w.x, a.d, &o, &r);
        CHECK(rc == WK_OK, "%s: %s", name, wk_last_error());
        CHECK_CLOSE(rc ? NAN : r.value, want, 1e-9, 0, name);
        CHECK(!rc && r.gap >= 0 && r.gap <= 1e-9 * want, "%s: certified gap %g", name, r.gap);
    }
    wk_free(a.x);
    wk_free(b.x);
    wk_free(w.x);
}

static void check_ref(const char *name, const char *fa, const char *fb, const char *cost_s, double want) {
    pts a = load(fa), b = load(fb);
    const wk_ot_cost cost = strcmp(cost_s, "sqeuclidean") ? WK_COST_EUCLIDEAN : WK_COST_SQEUCLIDEAN;
    char what[160];
    static const char *solver_name[] = {"auto", "simplex", "assignment"};
    for (int s = WK_EXACT_AUTO; s <= WK_EXACT_ASSIGNMENT; s++) {
        if (s == WK_EXACT_ASSIGNMENT && a.n != b.n) continue;
        snprintf(what, sizeof what, "%s: exact (%s)", name, solver_name[s]);
        CHECK_CLOSE(exact(&a, &b, cost, (wk_exact_solver)s, NULL), want, 1e-9, 0, what);
    }
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = cost;
    wk_ot_result r;
    if (a.d == 1) {
        double v = NAN;
        CHECK(wk_wp_1d_f64(a.x, NULL, a.n, b.x, NULL, b.n, cost == WK_COST_SQEUCLIDEAN ? 2 : 1, &v) == WK_OK, "%s",
              wk_last_error());
        snprintf(what, sizeof what, "%s: 1-D", name);
        CHECK_CLOSE(v, want, 1e-9, 0, what);
    }
    int rc = wk_w1_sliced_f64(a.x, a.n, NULL, b.x, b.n, NULL, a.d, 50, &o, &r);
    CHECK(rc == WK_OK, "%s: sliced: %s", name, wk_last_error());
    snprintf(what, sizeof what, "%s: sliced", name);
    if (a.d == 1) CHECK_CLOSE(r.value, want, 1e-9, 0, what); /* every direction is +-1 */
    else CHECK(!rc && r.value > 0 && r.value <= want * (1 + 1e-9), "%s: %.9g not in (0, %.9g]", what, r.value, want);
    /* Sinkhorn with eps a thousandth of the largest cost: close to the exact value (not 0) */
    if (strncmp(name, "huge", 4) != 0) {
        wk_sinkhorn_options so = {-1e-3, 1e-10, 20000, 1};
        rc = wk_sinkhorn_f64(a.x, a.n, NULL, b.x, b.n, NULL, a.d, &so, &o, &r);
        CHECK(rc == WK_OK, "%s: sinkhorn: %s", name, wk_last_error());
        snprintf(what, sizeof what, "%s: sinkhorn", name);
        CHECK_CLOSE(r.value, want, 2e-2, 0, what); /* entropic bias */
    }
    wk_free(a.x);
    wk_free(b.x);
}

/* The single-precision gemm engine (d >= 16) on clouds at 1e6 + N(0, 1): the exact value
 * equals the one of the same clouds moved to the origin (their distances are the same up to
 * double rounding of the differences). */
static void test_highd_offset(void) {
    const int64_t n = 150, m = 120, d = 20;
    double *a = malloc((size_t)(n * d) * sizeof(double)), *b = malloc((size_t)(m * d) * sizeof(double));
    double *a0 = malloc((size_t)(n * d) * sizeof(double)), *b0 = malloc((size_t)(m * d) * sizeof(double));
    wk_rng r;
    wk_rng_seed(&r, 11);
    for (int64_t k = 0; k < n * d; k++) a0[k] = wk_rng_normal_d(&r) * 1e-3;
    for (int64_t k = 0; k < m * d; k++) b0[k] = wk_rng_normal_d(&r) * 1e-3 + 2e-4;
    /* offsets exactly representable next to the spread: a = 1e6 + a0 rounds a0 to 2^-33 */
    for (int64_t k = 0; k < n * d; k++) a0[k] = (a[k] = 1e6 + a0[k]) - 1e6;
    for (int64_t k = 0; k < m * d; k++) b0[k] = (b[k] = 1e6 + b0[k]) - 1e6;
    for (int c = 0; c < 2; c++) {
        wk_ot_options o;
        wk_ot_options_default(&o);
        o.cost = c ? WK_COST_SQEUCLIDEAN : WK_COST_EUCLIDEAN;
        wk_ot_result r1, r2;
        REQUIRE(wk_w1_exact_f64(a, n, NULL, b, m, NULL, d, &o, &r1) == WK_OK, "%s", wk_last_error());
        REQUIRE(wk_w1_exact_f64(a0, n, NULL, b0, m, NULL, d, &o, &r2) == WK_OK, "%s", wk_last_error());
        CHECK(r2.value > 0, "centred value %g", r2.value);
        CHECK_CLOSE(r1.value, r2.value, 1e-9, 0, c ? "20-D at 1e6, sqeuclidean = centred" : "20-D at 1e6 = centred");
    }
    free(a);
    free(b);
    free(a0);
    free(b0);
}

static void test_sliced_minkowski_refused(void) {
    double a[2] = {0, 1}, b[2] = {2, 3};
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = WK_COST_MINKOWSKI;
    o.p = 3;
    wk_ot_result r;
    CHECK(wk_w1_sliced_f64(a, 2, NULL, b, 2, NULL, 1, 10, &o, &r) == WK_EUNSUPPORTED, "sliced Minkowski refused");
}

int main(void) {
    FILE *f = fopen(FX "refs.csv", "r");
    REQUIRE(f, "cannot open " FX "refs.csv");
    char line[512];
    REQUIRE(fgets(line, sizeof line, f), "empty refs.csv");
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64], fa[128], fb[128], cost[32];
        double v;
        if (sscanf(line, "%63[^,],%127[^,],%127[^,],%31[^,],%lf", name, fa, fb, cost, &v) != 5) continue;
        if (!strcmp(name, "huge_w")) check_weighted(name, fa, fb, v);
        else check_ref(name, fa, fb, cost, v);
        cases++;
    }
    fclose(f);
    CHECK(cases >= 10, "%d reference cases", cases);
    test_highd_offset();
    test_sliced_minkowski_refused();
    return check_summary("test_ot_precision");
}
