/* exact_coarse.c — a coarse-to-fine start basis for the simplex of wk_w1_exact (issue 15,
 * performance 2: weighted clouds where mass crosses between clusters).
 *
 * The network simplex from a greedy start spends most of its pivots learning where mass must
 * cross between clusters: arcs no k-NN graph holds, found one pricing round at a time. A solve
 * of a coarsened problem answers that first (the multiscale idea of Mérigot 2011 and
 * Schmitzer 2016, here used only to build a start):
 *  1. each cloud is cut into the leaves of a k-d tree (median splits along the widest
 *     coordinate, COARSE_LEAF points at most per leaf: clusters compact in every coordinate
 *     the splits used, built in O(n d log n));
 *  2. the coarse problem between the clusters' means, with their summed masses, is solved by
 *     wk_w1_exact itself (with the options' cost and pivot budget: its pivots count against
 *     the call's max_pivots), which coarsens again while it is large;
 *  3. the coarse plan is refined: each coarse flow f_pq is spread by the north-west-corner rule
 *     over p's and q's members in the clouds' sorted order (exact_sort_orders), each cluster's
 *     members consumed by one cursor across all its coarse flows. Each cluster's coarse flows
 *     thus take contiguous runs of its members, sharing only the run's end points; the coarse
 *     plan's support is a forest (a basic solution), so the fine plan's support is one as well;
 *  4. the fine plan's arcs join the candidate arcs, and are handed to the simplex as its start
 *     hint (ot_simplex_set_hint): the start tree is that forest with the flows the masses
 *     force on it; should rounding make one negative, the simplex falls back to its greedy
 *     start. The hint changes where the pivots start, never the optimum or its certificate
 *     (the pricing over every pair still decides when to stop).
 * Invariant: the fine arcs enter through exact_add_arc with their ot_pair_cost, so they are
 * capped like every other arc; the coarse problem's costs (between means) only shape the hint.
 * Clusters of 2-4 points (COARSE_LEAF 4) measured best: 8 and 16 left more pivots (clustered
 * 5,000: 98k, 118k, 142k). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

enum { COARSE_LEAF = 4 };

/* (exact_internal.h) O(n d log(n / leaf)); stack [2 * 64] is scratch. */
int exact_kd_clusters(const double *x, int64_t n, int d, int64_t leaf, int balanced, int32_t *label, double *cen,
                      int64_t *idx) {
    int64_t stack[2 * 64], top = 0;
    int K = 0;
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    stack[top++] = 0;
    stack[top++] = n;
    while (top > 0) {
        const int64_t hi = stack[--top], lo = stack[--top];
        if (hi - lo <= leaf) {
            if (balanced && hi - lo < leaf) { /* the remainder */
                for (int64_t k = lo; k < hi && label; k++) label[idx[k]] = -1;
                continue;
            }
            if (!label) { /* the order alone (idx) */
                K++;
                continue;
            }
            double *c = cen + (size_t)K * d;
            for (int t = 0; t < d; t++) c[t] = 0;
            for (int64_t k = lo; k < hi; k++) {
                label[idx[k]] = K;
                for (int t = 0; t < d; t++) c[t] += x[idx[k] * d + t];
            }
            for (int t = 0; t < d; t++) c[t] /= (double)(hi - lo);
            K++;
            continue;
        }
        int best = 0;
        double span = -1;
        for (int t = 0; t < d; t++) {
            double mn = INFINITY, mx = -INFINITY;
            for (int64_t k = lo; k < hi; k++) mn = fmin(mn, x[idx[k] * d + t]), mx = fmax(mx, x[idx[k] * d + t]);
            if (mx - mn > span) span = mx - mn, best = t;
        }
        /* quickselect the median of coordinate `best` into idx[mid] (Hoare partitions) */
        const int64_t mid = balanced ? lo + ((hi - lo) / leaf + 1) / 2 * leaf : lo + (hi - lo) / 2;
        int64_t l = lo, r = hi - 1;
        while (l < r) {
            const double piv = x[idx[l + (r - l) / 2] * d + best];
            int64_t a = l, b = r;
            while (a <= b) {
                while (x[idx[a] * d + best] < piv) a++;
                while (x[idx[b] * d + best] > piv) b--;
                if (a <= b) {
                    const int64_t tmp = idx[a];
                    idx[a++] = idx[b];
                    idx[b--] = tmp;
                }
            }
            if (mid <= b) r = b;
            else if (mid >= a) l = a;
            else break;
        }
        stack[top++] = lo;
        stack[top++] = mid;
        stack[top++] = mid;
        stack[top++] = hi;
    }
    return K;
}

/* members of each cluster in the cloud's sorted order: mem[start[c] .. start[c + 1]) */
static void members(const int32_t *label, const int64_t *order, int64_t n, int K, int64_t *start, int32_t *mem) {
    memset(start, 0, (size_t)(K + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) start[label[i] + 1]++;
    for (int c = 0; c < K; c++) start[c + 1] += start[c];
    for (int64_t t = 0; t < n; t++) {
        const int64_t i = order[t];
        mem[start[label[i]]++] = (int32_t)i;
    }
    for (int c = K; c > 0; c--) start[c] = start[c - 1];
    start[0] = 0;
}

int exact_coarse_start(exact_state *st, const wk_ot_options *opt, int64_t *hinted, int64_t *pivots) {
    const int64_t n = st->A.n, m = st->B.n;
    const int d = st->A.dim;
    *hinted = 0, *pivots = 0;
    int32_t *la = wk_malloc((size_t)n * sizeof(int32_t)), *lb = wk_malloc((size_t)m * sizeof(int32_t));
    double *xa = wk_malloc((size_t)n * (size_t)d * sizeof(double)), *xb = wk_malloc((size_t)m * (size_t)d * sizeof(double));
    int64_t *idx = wk_malloc((size_t)(n > m ? n : m) * sizeof(int64_t));
    int32_t *ma = wk_malloc((size_t)n * sizeof(int32_t)), *mb = wk_malloc((size_t)m * sizeof(int32_t));
    int64_t *sa = wk_malloc((size_t)(n + 1) * sizeof(int64_t)), *sb = wk_malloc((size_t)(m + 1) * sizeof(int64_t));
    int64_t *ca = wk_malloc((size_t)n * sizeof(int64_t)), *cb = wk_malloc((size_t)m * sizeof(int64_t));
    double *res = wk_malloc((size_t)(n + m) * sizeof(double));
    int32_t *hi = wk_malloc((size_t)(n + m) * sizeof(int32_t)), *hj = wk_malloc((size_t)(n + m) * sizeof(int32_t));
    double *cs = wk_calloc((size_t)(n + m), sizeof(double));
    wk_ot_result cr;
    memset(&cr, 0, sizeof cr);
    int rc = la && lb && xa && xb && idx && ma && mb && sa && sb && ca && cb && res && hi && hj && cs ? WK_OK : WK_ENOMEM;
    if (rc) goto done;
    /* 1. clusters and their masses (as fractions: the coarse problem is a wk_w1_exact call) */
    const int Ka = exact_kd_clusters(st->A.x, n, d, COARSE_LEAF, 0, la, xa, idx),
              Kb = exact_kd_clusters(st->B.x, m, d, COARSE_LEAF, 0, lb, xb, idx);
    double ta = 0, tb = 0;
    for (int64_t i = 0; i < n; i++) cs[la[i]] += st->supply[i], ta += st->supply[i];
    for (int64_t j = 0; j < m; j++) cs[Ka + lb[j]] += st->demand[j], tb += st->demand[j];
    for (int p = 0; p < Ka; p++) cs[p] /= ta;
    for (int q = 0; q < Kb; q++) cs[Ka + q] /= tb;
    /* 2. the coarse problem between the clusters' means, by the same exact solver (which
     * coarsens again while it is large); failing to solve it only means no hint, but the
     * caller's max_pivots bounds it too (its pivots count against the whole call's) */
    wk_ot_options co = *opt;
    co.want_plan = 1;
    co.want_duals = 0;
    const int coarse_rc = wk_w1_exact_f64(xa, Ka, cs, xb, Kb, cs + Ka, d, &co, &cr);
    if (coarse_rc == WK_ELIMIT || (coarse_rc == WK_OK && opt->max_pivots > 0 && cr.iterations >= opt->max_pivots)) {
        rc = coarse_rc ? wk_error_context(WK_ELIMIT, "wk_w1_exact: max_pivots %lld ran out in the coarse start (%d x %d "
                                                     "clusters)", (long long)opt->max_pivots, Ka, Kb)
                       : wk_errorf(WK_ELIMIT, "wk_w1_exact: max_pivots %lld ran out in the coarse start (%d x %d clusters: "
                                              "%lld pivots; raise max_pivots)", (long long)opt->max_pivots, Ka, Kb,
                                   (long long)cr.iterations);
        goto done;
    }
    if (coarse_rc != WK_OK) {
        wk_clear_error();
        goto done;
    }
    *pivots = cr.iterations;
    members(la, st->order_a, n, Ka, sa, ma);
    members(lb, st->order_b, m, Kb, sb, mb);
    memcpy(ca, sa, (size_t)Ka * sizeof(int64_t));
    memcpy(cb, sb, (size_t)Kb * sizeof(int64_t));
    memcpy(res, st->supply, (size_t)n * sizeof(double));
    memcpy(res + n, st->demand, (size_t)m * sizeof(double));
    /* 3. north-west corner inside each coarse flow, one cursor per cluster (ca[p], cb[q]
     * advance as members empty) */
    int64_t cnt = 0;
    for (int64_t t = 0; t < cr.plan_len; t++) {
        const int p = cr.plan[t].i, q = cr.plan[t].j;
        double budget = cr.plan[t].mass * ta;
        while (budget > 0 && ca[p] < sa[p + 1] && cb[q] < sb[q + 1]) {
            const int32_t i = ma[ca[p]], j = mb[cb[q]];
            double x = res[i] < res[n + j] ? res[i] : res[n + j];
            if (budget < x) x = budget;
            if (x > 0 && cnt < n + m) hi[cnt] = i, hj[cnt] = j, cnt++;
            res[i] -= x;
            res[n + j] -= x;
            budget -= x;
            if (!(res[i] > 0)) ca[p]++;
            if (!(res[n + j] > 0)) cb[q]++;
        }
    }
    /* 4. the arcs, then the hint */
    for (int64_t t = 0; t < cnt && !rc; t++)
        if (exact_add_arc(st, hi[t], hj[t], ot_pair_cost(&st->costs, hi[t], hj[t])) < 0) rc = WK_ENOMEM;
    if (!rc) rc = ot_solver_hint(&st->solver, hi, hj, cnt);
    if (!rc) *hinted = cnt;
done:
    wk_ot_result_free(&cr);
    void *ptrs[] = {la, lb, xa, xb, idx, ma, mb, sa, sb, ca, cb, res, hi, hj, cs};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    return rc;
}
