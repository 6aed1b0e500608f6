/* exact_multiscale.c — a coarse-to-fine start for the assignment path of wk_w1_exact (n = m,
 * uniform weights, Euclidean cost in low dimension; issue 14 acceptance 2, issue 15
 * performance 3), from 1,000 points a side by default (wk_ot_options.multiscale_min; measured
 * in bench/README-w1.md, "Multiscale start").
 *
 * Why: W1 with a Euclidean cost is very degenerate — along a transport ray every pair is tight —
 * so the optimal duals are tight on long arcs no k-NN graph holds, and from a cold start every
 * pricing round finds small violations in most rows. Given duals near the optimal ones, each
 * row's near-tight pairs are the arcs the optimum needs. How near: at 20,000 x 2 the final duals
 * used as an oracle cut the rounds from 8 to 4, but the same duals with independent noise of
 * ±0.003 (a tenth of the points' spacing) gave 7 rounds again.
 * How (the multiscale idea of Mérigot 2011 and Schmitzer 2016, used here only as a start):
 *  1. each cloud is cut into balanced k-d clusters of MS_LEAF points (exact_kd_clusters) and the
 *     problem between the clusters' means — again n' = m' uniform — is solved exactly by
 *     wk_w1_exact itself, with plan and duals (it recurses through this start while large);
 *  2. the coarse duals are extended to the first order: a W1 potential f (u = f, v = -f) grows
 *     by |x - y| along each transport ray, so its gradient at a coarse point is the unit vector
 *     of its coarse match, and each point x in cluster p takes u_p + e_p . (x - c_p), each
 *     point y in cluster q takes v_q - e_q . (y - c_q) (e: the direction from the b-side to the
 *     a-side end of the coarse match). The piecewise-constant extension left errors of the
 *     clusters' size (mean 0.016 at 20,000), this one 7e-4 (50,000: 3e-4);
 *  3. each row's MS_K most negative pairs with reduced cost below delta = MS_DELTA x h under the
 *     extended duals (h: the mean distance of a point to its cluster's mean) become arcs, found
 *     by the cell-pruned pass ot_price_cells with tol = -delta;
 *  4. the auction starts from the extended column duals at ε = h (ε-scaling from a warm start,
 *     Bertsekas 1988) instead of from zero prices at cmax / 8; smaller first ε measured worse
 *     (price wars: ε = h / 20 doubled the bids).
 * Nothing else changes: the pricing rounds over every pair still decide when to stop, and their
 * last pass certifies the optimum, so a poor start costs rounds, never the value. */
#include <math.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

enum { MS_LEAF = 4, MS_K = 32 };
static const double MS_DELTA = 4;

/* The coarse match's direction per cluster: dir [K * d], e = (a-side mean - b-side mean) / length,
 * zero when the match has no length or the cluster none; `side` 0 for the a clusters. The match
 * of each coarse row is its largest plan entry (the plan of an assignment is a permutation). */
static void match_dirs(const wk_ot_result *cr, const double *ca, const double *cb, int64_t K, int d, int side,
                       int32_t *mate, double *best, double *dir) {
    for (int64_t p = 0; p < K; p++) mate[p] = -1, best[p] = 0;
    for (int64_t t = 0; t < cr->plan_len; t++) {
        const int64_t p = side ? cr->plan[t].j : cr->plan[t].i, q = side ? cr->plan[t].i : cr->plan[t].j;
        if (cr->plan[t].mass > best[p]) best[p] = cr->plan[t].mass, mate[p] = (int32_t)q;
    }
    for (int64_t p = 0; p < K; p++) {
        double *e = dir + p * d, len = 0;
        for (int t = 0; t < d; t++) e[t] = 0;
        if (mate[p] < 0) continue;
        const double *xa = side ? ca + (int64_t)mate[p] * d : ca + p * d, *xb = side ? cb + p * d : cb + (int64_t)mate[p] * d;
        for (int t = 0; t < d; t++) e[t] = xa[t] - xb[t], len += e[t] * e[t];
        len = sqrt(len);
        for (int t = 0; t < d; t++) e[t] = len > 0 ? e[t] / len : 0;
    }
}

/* Extend one side's coarse duals to its points x [n, d] (sign +1: u, -1: v): out[i] = dual_p +
 * sign e_p . (x_i - c_p) for i's cluster p; points left out of every cluster (label -1) take
 * their nearest mean's. Returns the sum of the distances to the means in *hsum. */
static int extend(const double *x, int64_t n, int d, const int32_t *label, const double *cen, int64_t K,
                  const double *dual, const double *dir, double sign, double *out, double *hsum) {
    int64_t rest = 0;
    for (int64_t i = 0; i < n; i++) rest += label[i] < 0;
    double *q = rest ? wk_malloc((size_t)rest * (size_t)d * sizeof(double)) : NULL;
    int32_t *near = rest ? wk_malloc((size_t)rest * sizeof(int32_t)) : NULL;
    if (rest && (!q || !near)) {
        wk_free(q);
        wk_free(near);
        return WK_ENOMEM;
    }
    int64_t r = 0;
    for (int64_t i = 0; i < n; i++)
        if (label[i] < 0) memcpy(q + (r++) * d, x + i * d, (size_t)d * sizeof(double));
    int rc = rest ? ot_knn_grid(cen, K, q, rest, d, NULL, 1, near) : WK_OK;
    double h = 0;
    r = 0;
    for (int64_t i = 0; i < n && !rc; i++) {
        const int64_t p = label[i] >= 0 ? label[i] : near[r++];
        const double *c = cen + p * d, *e = dir + p * d, *xi = x + i * d;
        double g = 0, s2 = 0;
        for (int t = 0; t < d; t++) g += e[t] * (xi[t] - c[t]), s2 += (xi[t] - c[t]) * (xi[t] - c[t]);
        out[i] = dual[p] + sign * g;
        h += sqrt(s2);
    }
    *hsum = h;
    wk_free(q);
    wk_free(near);
    return rc;
}

int exact_multiscale_start(exact_state *st, const wk_ot_options *opt) {
    const int64_t n = st->A.n;
    const int d = st->A.dim;
    const int64_t kmax = n / MS_LEAF;
    int32_t *la = wk_malloc((size_t)n * sizeof(int32_t)), *lb = wk_malloc((size_t)n * sizeof(int32_t));
    double *ca = wk_malloc((size_t)kmax * (size_t)d * sizeof(double)), *cb = wk_malloc((size_t)kmax * (size_t)d * sizeof(double));
    double *da = wk_malloc((size_t)kmax * (size_t)d * sizeof(double)), *db = wk_malloc((size_t)kmax * (size_t)d * sizeof(double));
    int32_t *mate = wk_malloc((size_t)kmax * sizeof(int32_t));
    double *best = wk_malloc((size_t)kmax * sizeof(double));
    int64_t *idx = wk_malloc((size_t)n * sizeof(int64_t));
    double *pi = wk_malloc((size_t)(2 * n) * sizeof(double));
    int32_t *cj = wk_malloc((size_t)n * MS_K * sizeof(int32_t));
    double *cc = wk_malloc((size_t)n * MS_K * sizeof(double));
    wk_ot_result cr;
    memset(&cr, 0, sizeof cr);
    int rc = la && lb && ca && cb && da && db && mate && best && idx && pi && cj && cc ? WK_OK : WK_ENOMEM;
    if (rc) goto done;
    /* 1. balanced clusters (n = m: the same count a side) and the coarse solve; failing it only
     * means no start */
    const int64_t K = exact_kd_clusters(st->A.x, n, d, MS_LEAF, 1, la, ca, idx);
    if (exact_kd_clusters(st->B.x, n, d, MS_LEAF, 1, lb, cb, idx) != K || K < 2) goto done;
    wk_ot_options co = *opt;
    co.want_plan = 1;
    co.want_duals = 1;
    co.max_pivots = 0;
    if (wk_w1_exact_f64(ca, K, NULL, cb, K, NULL, d, &co, &cr) != WK_OK) {
        wk_clear_error();
        goto done;
    }
    /* 2. first-order extension, LEMON's signs: pi_i = -u_i, pi_{n+j} = v_j */
    match_dirs(&cr, ca, cb, K, d, 0, mate, best, da);
    match_dirs(&cr, ca, cb, K, d, 1, mate, best, db);
    double ha = 0, hb = 0;
    if ((rc = extend(st->A.x, n, d, la, ca, K, cr.u, da, 1, pi, &ha)) != 0) goto done;
    if ((rc = extend(st->B.x, n, d, lb, cb, K, cr.v, db, -1, pi + n, &hb)) != 0) goto done;
    for (int64_t i = 0; i < n; i++) pi[i] = -pi[i];
    const double h = (ha + hb) / (double)(2 * n);
    /* 3. the near-tight pairs under them */
    if ((rc = ot_price_cells(&st->costs, pi, -MS_DELTA * h, st->cap, MS_K, NULL, cj, cc)) != 0) goto done;
    for (int64_t i = 0; i < n && !rc; i++)
        for (int t = 0; t < MS_K && cj[i * MS_K + t] >= 0; t++)
            if (exact_add_arc(st, (int32_t)i, cj[i * MS_K + t], cc[i * MS_K + t]) < 0) {
                rc = WK_ENOMEM;
                break;
            }
    /* 4. the warm start */
    if (!rc && h > 0) ot_solver_warm(&st->solver, pi, h);
done:
    wk_ot_result_free(&cr);
    void *ptrs[] = {la, lb, ca, cb, da, db, mate, best, idx, pi, cj, cc};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    return rc;
}
