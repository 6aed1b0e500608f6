/* emd_dense.c — exact OT for a given dense cost matrix (POT's ot.emd2 semantics), on the
 * project's network simplex. It serves drop-in use from Python (wgankit.emd2); point clouds
 * should go through wk_w1_exact, which never needs the matrix (below about 40,000 pairs it
 * forms one itself and uses the helpers here: ot_dense_start_arcs, ot_dense_price).
 * The simplex does not hold all n·m arcs: it starts from each row's and column's few pairs of
 * least reduced cost after row and column reduction (a greedy start forest of those arcs,
 * LEMON's artificial arcs for the rest), and
 * pricing passes over the matrix add each row's most violated pairs until none is left —
 * the column generation of w1_exact.c. With fewer arcs each pivot's block search is shorter
 * and the start is better (150 x 150: 2x faster than all pairs as arcs, as POT does); the
 * last pass, which found no pair with negative reduced cost, is the optimality certificate.
 *
 * Invariants: the masses are validated (finite, >= 0, equal totals within 1e-6 relative, like
 * POT's check) and normalised to 1 for the solve; zero-mass rows and columns get no arcs; costs
 * are shifted by their minimum so the simplex sees non-negative costs (every plan moves the same
 * mass, so the shift changes the objective by a constant that is added back), and scaled by a
 * power of two (exact) when their range is far from 1, so the simplex's artificial costs and
 * potentials (sums of up to n + m costs) neither overflow nor go subnormal; the first solve
 * caps the costs (w1_exact.c's rule) and the value is always the plan's in the real costs. */
#include <math.h>
#include <string.h>

#include "ot_internal.h"
#include "wgankit/error.h"

int ot_dense_masses(const double *w, int64_t n, const char *what, double *sum, double *out) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        const double v = w ? w[i] : 1.0 / (double)n;
        if (!isfinite(v) || v < 0)
            return wk_errorf(WK_EINVAL, "%s: entry %lld is %g (must be finite and >= 0)", what, (long long)i, v);
        s += v;
    }
    if (!(s > 0)) return wk_errorf(WK_EINVAL, "%s: total mass is 0", what);
    *sum = s;
    if (out)
        for (int64_t i = 0; i < n; i++) out[i] = (w ? w[i] : 1.0 / (double)n) / s;
    return WK_OK;
}

int ot_check_balance(double sa, int a_given, double sb, int b_given) {
    /* finite masses whose total overflows ([1e308, 1e308]): Inf - Inf is NaN, which passed the
     * test below, and every mass divided by Inf was 0 (a NaN or Inf value) */
    if (!isfinite(sa) || !isfinite(sb))
        return wk_errorf(WK_EINVAL, "%s: total mass overflows double precision (scale the masses down)",
                         isfinite(sa) ? "b" : "a");
    if (!(fabs(sa - sb) > 1e-6 * (sa > sb ? sa : sb))) return WK_OK;
    if (a_given && !b_given) /* b empty means uniform with mass 1: a's total is what is off */
        return wk_errorf(WK_EINVAL, "a: total mass %.17g is not 1 (b is empty: uniform with total mass 1)", sa);
    if (b_given && !a_given)
        return wk_errorf(WK_EINVAL, "b: total mass %.17g is not 1 (a is empty: uniform with total mass 1)", sb);
    return wk_errorf(WK_EINVAL, "b: total mass %.17g differs from a's %.17g (the masses must balance)", sb, sa);
}

int ot_dense_start_arcs(const double *C, int64_t n, int64_t m, int k, ot_arc_fn add, void *ctx, double *cmax) {
    const int kr = m < k ? (int)m : k, kc = n < k ? (int)n : k;
    double *cv = wk_malloc((size_t)(m * kc + kr) * sizeof(double)), *rv = cv ? cv + m * kc : NULL;
    int32_t *ci = wk_malloc((size_t)(m * kc + kr) * sizeof(int32_t)), *rj = ci ? ci + m * kc : NULL;
    double *ru = wk_malloc((size_t)(n + m) * sizeof(double)), *cu = ru ? ru + n : NULL;
    int rc = cv && ci && ru ? WK_OK : WK_ENOMEM;
    for (int64_t t = 0; t < m * kc && !rc; t++) cv[t] = INFINITY, ci[t] = -1;
    /* The Hungarian method's first step: ru = the row minima, cu = the column minima of C - ru.
     * Pairs are ranked by the reduced cost C - ru - cu (>= 0, each row and column has a zero),
     * a first guess at the optimal duals, rather than by C: in high dimension a few columns are
     * the nearest of many rows (hubs), and with weights the plan's arcs are where the reduced
     * costs are small. Pivots: fixture 15 (300 x 200 x 64, weighted) 4,585 -> 3,851, 17
     * (300 x 250 x 784, weighted) 4,421 -> 2,687, 14 (500 x 500 x 32) 9,320 -> 5,744. */
    double mx = 0;
    for (int64_t i = 0; i < n && !rc; i++) {
        const double *row = C + i * m;
        double lo = INFINITY;
        for (int64_t j = 0; j < m; j++) {
            lo = row[j] < lo ? row[j] : lo;
            mx = row[j] > mx ? row[j] : mx;
        }
        ru[i] = lo;
    }
    for (int64_t j = 0; j < m && !rc; j++) cu[j] = INFINITY;
    for (int64_t i = 0; i < n && !rc; i++)
        for (int64_t j = 0; j < m; j++) {
            const double x = C[i * m + j] - ru[i];
            cu[j] = x < cu[j] ? x : cu[j];
        }
    for (int64_t i = 0; i < n && !rc; i++) {
        const double *row = C + i * m;
        for (int t = 0; t < kr; t++) rv[t] = INFINITY, rj[t] = -1;
        for (int64_t j = 0; j < m; j++) {
            const double x = (row[j] - ru[i]) - cu[j];
            ot_topk_insert(rv, rj, kr, x, (int32_t)j);
            ot_topk_insert(cv + j * kc, ci + j * kc, kc, x, (int32_t)i);
        }
        for (int t = 0; t < kr && !rc; t++)
            if (add(ctx, (int32_t)i, rj[t], row[rj[t]]) < 0) rc = WK_ENOMEM;
    }
    for (int64_t j = 0; j < m && !rc; j++)
        for (int t = 0; t < kc && !rc; t++)
            if (add(ctx, ci[j * kc + t], (int32_t)j, C[ci[j * kc + t] * m + j]) < 0) rc = WK_ENOMEM;
    wk_free(cv);
    wk_free(ci);
    wk_free(ru);
    *cmax = mx;
    return rc;
}

void ot_dense_price(const double *C, int64_t n, int64_t m, const double *pi, double tol, double cap, int k,
                    int32_t *cand_j, double *cand_c) {
    const double *pj = pi + n;
    for (int64_t i = 0; i < n; i++) {
        const double *row = C + i * m, p = pi[i];
        double *vals = cand_c + i * k;
        int32_t *idx = cand_j + i * k;
        for (int t = 0; t < k; t++) vals[t] = -tol, idx[t] = -1;
        for (int64_t j = 0; j < m; j++) {
            const double r = ot_capped(row[j], cap) + (p - pj[j]);
            if (r < vals[k - 1]) ot_topk_insert(vals, idx, k, r, (int32_t)j);
        }
        for (int t = 0; t < k && idx[t] >= 0; t++) vals[t] = row[idx[t]];
    }
}

/* start arcs per row and column, and the most violated pairs each pricing pass adds per row */
enum { EMD_START_K = 8, EMD_PRICE_K = 16 };

static int simplex_arc(void *s, int32_t i, int32_t j, double c) { return ot_simplex_add_arc(s, i, j, c); }

/* The simplex on the shifted costs C [n, m] (>= 0, largest `range`) by column generation. */
static int solve_dense(const double *C, int64_t n, int64_t m, const double *supply, const double *demand,
                       double range, ot_simplex **out) {
    const int kp = m < EMD_PRICE_K ? (int)m : EMD_PRICE_K;
    ot_simplex *s = ot_simplex_new(n, m, (n + m) * (EMD_START_K + EMD_PRICE_K) + n + m + 1);
    int32_t *cj = wk_malloc((size_t)(n * kp) * sizeof(int32_t));
    double *cc = wk_malloc((size_t)(n * kp) * sizeof(double)), cmax = 0;
    *out = s;
    int rc = s && cj && cc ? ot_dense_start_arcs(C, n, m, EMD_START_K, simplex_arc, s, &cmax) : WK_ENOMEM;
    /* the artificial costs must exceed every real path (LEMON's big M: the rest of the mass
     * waits on them until pricing brings the arcs that carry it) */
    if (!rc) rc = ot_simplex_start(s, supply, demand, range * 1.01 + 1e-300);
    const double tol = 1e-11 * (range > 0 ? range : 1);
    while (!rc) {
        if ((rc = ot_simplex_solve(s, tol, 0)) != 0) break;
        ot_dense_price(C, n, m, ot_simplex_potentials(s), tol, INFINITY, kp, cj, cc);
        int64_t added = 0;
        for (int64_t i = 0; i < n && !rc; i++)
            for (int t = 0; t < kp && cj[i * kp + t] >= 0; t++) {
                const int r = ot_simplex_add_arc(s, (int32_t)i, cj[i * kp + t], cc[i * kp + t]);
                if (r < 0) rc = WK_ENOMEM;
                else added += r;
            }
        if (added == 0) break; /* every pair priced non-negative: optimal */
    }
    wk_free(cj);
    wk_free(cc);
    return rc;
}

int wk_emd_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double *value) {
    if (n < 1 || m < 1) return wk_errorf(WK_EINVAL, "emd: empty problem (%lld x %lld)", (long long)n, (long long)m);
    if (n > INT32_MAX / 2 || m > INT32_MAX / 2 || (double)n * (double)m > 4e9)
        return wk_errorf(WK_EINVAL, "emd: %lld x %lld cost matrix is too large", (long long)n, (long long)m);
    double sa = 1, sb = 1, cmin = INFINITY, cmax = -INFINITY;
    int rc;
    if (wa && (rc = ot_dense_masses(wa, n, "a", &sa, NULL))) return rc;
    if (wb && (rc = ot_dense_masses(wb, m, "b", &sb, NULL))) return rc;
    if ((rc = ot_check_balance(sa, wa != NULL, sb, wb != NULL))) return rc;
    for (int64_t k = 0; k < n * m; k++)
        if (!isfinite(M[k]))
            return wk_errorf(WK_ENUMERIC, "M: entry [%lld, %lld] is %g", (long long)(k / m), (long long)(k % m), M[k]);
    double *supply = wk_malloc((size_t)(n + m) * sizeof(double)), *demand = supply ? supply + n : NULL;
    int32_t *ri = wk_malloc((size_t)(n + m) * sizeof(int32_t)), *cj = ri ? ri + n : NULL;
    ot_simplex *s = NULL;
    double *C = NULL;
    if (!supply || !ri) {
        rc = WK_ENOMEM;
        goto done;
    }
    int64_t nk = 0, mk = 0; /* kept rows / columns (positive mass) */
    for (int64_t i = 0; i < n; i++)
        if (!wa || wa[i] > 0) supply[nk] = wa ? wa[i] / sa : 1.0 / (double)n, ri[nk++] = (int32_t)i;
    for (int64_t j = 0; j < m; j++)
        if (!wb || wb[j] > 0) demand[mk] = wb ? wb[j] / sb : 1.0 / (double)m, cj[mk++] = (int32_t)j;
    /* the kept columns packed after the kept rows (demand may move down) */
    memmove(supply + nk, demand, (size_t)mk * sizeof(double));
    demand = supply + nk;
    /* the range of the costs that can carry mass: a zero-mass row of -1e20 set the shift and
     * scale of all the others (emd2 returned 0 for 0.2392) */
    for (int64_t i = 0; i < nk; i++)
        for (int64_t j = 0; j < mk; j++) {
            const double c = M[(int64_t)ri[i] * m + cj[j]];
            cmin = fmin(cmin, c), cmax = fmax(cmax, c);
        }
    /* Every plan moves the same (normalised) mass 1: one cost for all pairs (a constant M, or
     * an offset that rounding has made one) is the value of every plan. Solved instead, the
     * range 0 left the simplex's artificial arcs no dearer than the real ones (M + 1e16). */
    if (cmax == cmin) {
        *value = cmin * sa;
        goto done;
    }
    /* The kept pairs' costs shifted to >= 0 (the simplex's big M assumes it) and, when their
     * range is far from 1, scaled by 2^-e (exact): the artificial costs and the potentials are
     * sums of up to n + m costs, which overflowed for costs above ~1.8e308 / (n + m) (a
     * non-optimal plan returned, +28 %), and the reduced costs' tolerance must stay normal for
     * tiny ones. The difference is taken after scaling, so mixed signs near 1e308 (whose range
     * overflows) are served too. Ordinary ranges (e = 0) are used as given. */
    const double hi = fmax(fabs(cmin), fabs(cmax)), range = cmax - cmin; /* range: Inf possible, then hi > 2^500 */
    const int e = hi > 0x1p500 ? ilogb(hi) : range < 0x1p-500 ? ilogb(range) : 0;
    const double smin = ldexp(cmin, -e);
    if (!(C = wk_malloc((size_t)(nk * mk) * sizeof(double)))) {
        rc = WK_ENOMEM;
        goto done;
    }
    /* the kept pairs' real costs, shifted and scaled (the north-west plan's, and the cap's) */
#define REAL_COST(i, j) (ldexp(M[(int64_t)ri[i] * m + cj[j]], -e) - smin)
    for (int64_t i = 0; i < nk; i++)
        for (int64_t j = 0; j < mk; j++) C[i * mk + j] = REAL_COST(i, j);
    /* The cost cap (w1_exact.c's): the simplex resolves reduced costs only to ~1e-11 of the
     * largest cost, so one far row of tiny mass (costs 1e140, mass 1e-300) blurred every other
     * cost (a plan 31% above the optimum). No pair costing more than max(n, m) times a feasible
     * plan's value (the north-west corner's) carries mass in most optimal plans: solve with
     * min(C, cap) first. Capped costs are <= the real ones, so that optimum is a lower bound
     * and its plan's real value an upper one: keep it when its capped pairs add at most 1e-10 of
     * the value, else solve again uncapped. */
    const double top = ldexp(cmax, -e) - smin;
    double v0 = 0;
    {
        double ra = supply[0], rb = demand[0];
        for (int64_t i = 0, j = 0; i < nk && j < mk;) {
            const double f = fmin(ra, rb);
            v0 += f * C[i * mk + j];
            ra -= f, rb -= f;
            if (ra <= rb) {
                if (++i < nk) ra = supply[i];
            } else if (++j < mk)
                rb = demand[j];
        }
    }
    const double cap = (double)(nk > mk ? nk : mk) * v0 * (1 + 1e-9);
    int64_t len = nk + mk, cnt = 0;
    int32_t *ii = wk_malloc((size_t)len * 2 * sizeof(int32_t));
    double *fl = wk_malloc((size_t)len * 2 * sizeof(double)), v = 0;
    if (!ii || !fl) rc = WK_ENOMEM;
    for (int capped = cap > 0 && cap < top, again = 0; !rc; capped = 0, again = 1) {
        if (capped) /* the costs of this pass: C holds the real ones until a capped pass */
            for (int64_t k = 0; k < nk * mk; k++) C[k] = fmin(C[k], cap);
        else if (again)
            for (int64_t i = 0; i < nk; i++)
                for (int64_t j = 0; j < mk; j++) C[i * mk + j] = REAL_COST(i, j);
        ot_simplex_free(s);
        s = NULL;
        if ((rc = solve_dense(C, nk, mk, supply, demand, capped ? cap : top, &s))) break;
        if (ot_simplex_artificial_flow(s) > 1e-9) {
            rc = wk_errorf(WK_EUNSUPPORTED, "M: emd could not find a feasible plan in float64 for costs from %.17g to "
                           "%.17g (the network simplex left mass unrouted)", cmin, cmax);
            break;
        }
        /* the plan's value in the real (shifted, scaled) costs, and what the cap took off it */
        cnt = ot_simplex_flows(s, ii, ii + len, fl, fl + len);
        double ex = 0;
        v = 0;
        for (int64_t t = 0; t < cnt; t++) {
            const double c = REAL_COST(ii[t], ii[len + t]);
            v += fl[t] * c;
            ex += fl[t] * (c - fl[len + t]);
        }
        /* against the value's magnitude: v + |smin| bounds |the real value| (scaled), and the
         * shifted costs carry the offset's rounding (costs -2.13 +- 0.003 with a far row
         * adding 1e-14: the uncapped re-solve was 2.5e-5 off) */
        if (!capped || ex <= 1e-10 * (v + fabs(smin))) break;
    }
#undef REAL_COST
    if (!rc) {
        /* the shift back: the plan's total mass is 1 exactly (its marginals are), so the
         * constant cmin, not cmin x the flows' rounded sum (off by ulps of cmin: M + 1e15
         * gave 1e15 + 0.5 for the optimum 1e15 + 0.125) */
        *value = (ldexp(v, e) + cmin) * sa;
        if (!isfinite(*value))
            rc = wk_errorf(WK_EINVAL, "M: the optimal cost overflows float64 (costs from %.17g to %.17g)", cmin, cmax);
    }
    wk_free(ii);
    wk_free(fl);
done:
    ot_simplex_free(s);
    wk_free(C);
    wk_free(supply);
    wk_free(ri);
    return rc;
}
