/* exact_1d.c — wk_w1_exact in one dimension for the cost |x - y| (the Euclidean cost, and the
 * Minkowski cost of any p, which on the line are the same), in closed form, O((n + m) log(n + m)):
 *  - the plan: both clouds sorted, the monotone (north-west-corner) coupling of the sorted
 *    order (ot_1d_coupling, the walk wk_wp_1d sums), optimal for every cost convex in x - y
 *    (Villani 2003, Thm 2.18);
 *  - the duals: u_i = φ(x_i), v_j = -φ(y_j) with φ(t) = ∫_{z_0}^t sign(F_b(s) - F_a(s)) ds, F_a and
 *    F_b the clouds' CDFs and z_0 the leftmost point. φ is 1-Lipschitz, so u_i + v_j =
 *    φ(x_i) - φ(y_j) <= |x_i - y_j| for every pair; on a plan arc with x_i < y_j, mass still has to
 *    move right over all of [x_i, y_j) (F_a > F_b there), so φ falls with slope 1 and the arc is
 *    tight (symmetrically for x_i > y_j): Σ a u + Σ b v = ∫ |F_a - F_b| = W1 (Peyré & Cuturi,
 *    "Computational OT", Rem. 2.28, 2.30);
 *  - the certificate: φ is summed in double-double along the merged sorted order (each step
 *    ±(z_{k+1} - z_k) taken exactly by TwoSum), so the returned duals are within a computed bound
 *    E of an exactly 1-Lipschitz φ̂ built from the very signs used; they become feasible for the
 *    double costs fl|x - y| once lowered by S = 2E + 2u·span, and `gap` bounds value - optimum by
 *    the plan's value minus the dual objective (both compensated sums, their rounding added)
 *    plus S — the meaning of certificate_gap in w1_exact.c, checked by the same exact_certify —
 *    plus R·span for the coupling's marginals being R off the weights by rounding (the plan is
 *    then one of other marginals: exact_few.c's term).
 * Invariants: the clouds come validated from ot_prepare (zero-mass points dropped: no plan entry,
 * NaN duals, as on the general path); uniform clouds carry integer masses (m per a-point, n per
 * b-point) as on the general path, so the coupling's flows are exact there. Any sign choice where
 * F_a = F_b up to rounding keeps φ̂ 1-Lipschitz; it can only cost rounding-sized gap. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

typedef struct plan_buf {
    int64_t *s, *t, len;
    double *f;
} plan_buf;

static void keep_flow(void *ctx, int64_t s, int64_t t, double f) {
    plan_buf *p = ctx;
    p->s[p->len] = s;
    p->t[p->len] = t;
    p->f[p->len] = f;
    p->len++;
}

/* φ at every sorted point of both clouds (pa[s], pb[t]); returns E, a bound on |computed - φ̂|
 * at every point, φ̂ the exactly 1-Lipschitz function with the same slopes. */
static double potentials(const ot_1d_point *a, int64_t n, const ot_1d_point *b, int64_t m, double *pa, double *pb) {
    const double u = DBL_EPSILON / 2;
    double hi = 0, lo = 0, err = 0, big = 0, excess = 0; /* excess: F_a - F_b left of the walk */
    double z = a[0].x < b[0].x ? a[0].x : b[0].x;
    int64_t s = 0, t = 0;
    while (s < n || t < m) {
        const int from_a = t == m || (s < n && a[s].x <= b[t].x);
        const double x = from_a ? a[s].x : b[t].x;
        if (x != z && excess != 0) {
            double dl, e, dh = two_sum(x, -z, &dl); /* x - z = dh + dl exactly */
            if (excess > 0) dh = -dh, dl = -dl;     /* mass still to move right: φ falls */
            hi = two_sum(hi, dh, &e);
            lo += e;
            err += u * fabs(lo);
            lo += dl;
            err += u * fabs(lo);
        }
        z = x;
        const double phi = hi + lo;
        big = fabs(phi) > big ? fabs(phi) : big;
        if (from_a) {
            pa[s] = phi;
            excess += a[s].w;
            s++;
        } else {
            pb[t] = phi;
            excess -= b[t].w;
            t++;
        }
    }
    return (err + u * big) * 1.01;
}

int exact_solve_1d(const ot_cloud *A, const ot_cloud *B, const wk_ot_options *opt, wk_ot_result *res) {
    const double u = DBL_EPSILON / 2;
    const int64_t n = A->n, m = B->n, nm = n + m;
    /* integer masses for two uniform clouds, as run_exact: exact flows while n m is an integer
     * double represents */
    const int integer = A->uniform && B->uniform && (double)n * (double)m <= 0x1p53;
    const double scale = integer ? 1.0 / ((double)n * (double)m) : 1;
    ot_1d_point *a = wk_malloc((size_t)nm * sizeof *a), *b = a ? a + n : NULL;
    double *pa = wk_malloc((size_t)nm * sizeof(double)), *pb = pa ? pa + n : NULL;
    plan_buf pl = {wk_malloc((size_t)nm * sizeof(int64_t)), wk_malloc((size_t)nm * sizeof(int64_t)), 0,
                   wk_malloc((size_t)nm * sizeof(double))};
    int rc = a && pa && pl.s && pl.t && pl.f ? WK_OK : WK_ENOMEM;
    if (rc) goto done;
    double total = 0;
    for (int64_t i = 0; i < n; i++) {
        a[i] = (ot_1d_point){A->x[i], integer ? (double)m : A->w[i], i};
        total += a[i].w;
    }
    for (int64_t j = 0; j < m; j++) b[j] = (ot_1d_point){B->x[j], integer ? (double)n : B->w[j], j};
    ot_1d_sort(a, n);
    ot_1d_sort(b, m);
    const double lo = fmin(a[0].x, b[0].x), hi = fmax(a[n - 1].x, b[m - 1].x);
    const double span = (hi - lo) * (1 + 2 * u); /* bounds every cost |x - y| */
    ot_1d_coupling(a, n, b, m, keep_flow, &pl);
    const double E = potentials(a, n, b, m, pa, pb);
    csum V = {0, 0, 0, 0}, D = {0, 0, 0, 0};
    for (int64_t k = 0; k < pl.len; k++) csum_add(&V, pl.f[k] * fabs(a[pl.s[k]].x - b[pl.t[k]].x));
    for (int64_t i = 0; i < n; i++) csum_add(&D, a[i].w * pa[i]);
    for (int64_t j = 0; j < m; j++) csum_add(&D, -(b[j].w * pb[j]));
    const double value = csum_value(&V), dual = csum_value(&D);
    /* the duals lowered by S are feasible for the double costs (fl|x - y| >= |x - y| (1 - u)),
     * so the optimum is at least the dual objective minus S times the mass; the plan's value
     * and the dual objective are known to within their sums' errors */
    const double S = 2 * E + 2 * u * span * 1.01;
    double g = (value - dual) + u * fabs(value - dual) + csum_error(&V) + csum_error(&D) + S * total * (1 + 4 * u) + u * value;
    /* The coupling's marginals as summed. Weights that are not integers (1/2,000 given
     * explicitly) leave its flows off them by rounding: a plan of other marginals, possibly
     * cheaper than the optimum, so g bounds value - optimum only and came out negative, and
     * the gap read 0 for values 2e-14 - 2e-13 off. Moving the mass it is off by costs at most
     * span a unit: optimum - value <= R span, added (exact_few.c's term). */
    csum *marg = wk_calloc((size_t)nm, sizeof(csum));
    if (!marg) {
        rc = WK_ENOMEM;
        goto done;
    }
    for (int64_t k = 0; k < pl.len; k++) csum_add(&marg[pl.s[k]], pl.f[k]), csum_add(&marg[n + pl.t[k]], pl.f[k]);
    double R = 0;
    for (int64_t i = 0; i < n; i++) R += fabs(csum_value(&marg[i]) - a[i].w) + csum_error(&marg[i]);
    for (int64_t j = 0; j < m; j++) R += fabs(csum_value(&marg[n + j]) - b[j].w) + csum_error(&marg[n + j]);
    wk_free(marg);
    /* and the masses themselves are the weights / their compensated total (ot_prepare): each
     * within a rounding of the exact ratio, so within 2u in all a side */
    R = (R + 4 * u * total) * (1 + (double)(nm + 4) * u);
    g = ((g > 0 ? g : 0) + R * span * (1 + 4 * u)) * scale * (1 + 4 * u);
    res->value = value * scale;
    res->gap = res->value > 0 ? g : 0;
    res->rounds = 0; /* no pricing: the duals are the CDFs' */
    res->iterations = pl.len;
    res->arcs = pl.len;
    if ((rc = exact_certify(res->value, res->gap, span, "1-D ")) != 0) goto done;
    if (opt->want_plan) {
        if (!(res->plan = wk_malloc((size_t)(pl.len > 0 ? pl.len : 1) * sizeof *res->plan))) {
            rc = WK_ENOMEM;
            goto done;
        }
        for (int64_t k = 0; k < pl.len; k++) {
            res->plan[k].i = (int32_t)A->orig[a[pl.s[k]].k];
            res->plan[k].j = (int32_t)B->orig[b[pl.t[k]].k];
            res->plan[k].mass = pl.f[k] * scale;
        }
        res->plan_len = pl.len;
    }
    if (opt->want_duals) {
        res->u = wk_malloc((size_t)A->n_orig * sizeof(double));
        res->v = wk_malloc((size_t)B->n_orig * sizeof(double));
        if (!res->u || !res->v) {
            rc = WK_ENOMEM;
            goto done;
        }
        for (int64_t i = 0; i < A->n_orig; i++) res->u[i] = NAN;
        for (int64_t j = 0; j < B->n_orig; j++) res->v[j] = NAN;
        for (int64_t i = 0; i < n; i++) res->u[A->orig[a[i].k]] = pa[i];
        for (int64_t j = 0; j < m; j++) res->v[B->orig[b[j].k]] = -pb[j];
    }
done:
    if (rc) {
        wk_ot_result_free(res);
        if (rc == WK_ENOMEM) wk_error_context(rc, "wk_w1_exact (1-D, n = %lld, m = %lld)", (long long)n, (long long)m);
    }
    wk_free(a);
    wk_free(pa);
    wk_free(pl.s);
    wk_free(pl.t);
    wk_free(pl.f);
    return rc;
}
