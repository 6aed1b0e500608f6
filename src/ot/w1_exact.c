/* w1_exact.c — exact discrete optimal transport (wk_w1_exact).
 *
 * Network simplex (network_simplex.c) on a sparse arc set that grows by column generation:
 *  1. take as arcs every point's k nearest neighbours on the other side (optimal transport
 *     moves mass mostly between near points) plus the north-west-corner staircase of both
 *     clouds sorted along their widest coordinate (a feasible plan, optimal in 1-D), and start
 *     from a greedy forest under LEMON's artificial root — or, for weighted low-d clouds of
 *     1,000+ points, from a coarse solve's refined plan (exact_coarse.c);
 *  2. solve on those arcs; then price every pair (i, j) against the potentials, computing costs
 *     on the fly in row blocks (for high-d clouds: single-precision sgemm costs, cached as
 *     floats when they fit, with a certified error margin — only pairs within the margin are
 *     recomputed in double), and add the most violated arcs of each row; repeat until no pair
 *     has negative reduced cost.
 * The last pricing pass is a certificate: the potentials are dual feasible for the full n×m
 * problem, so the value is the exact optimum (LP duality), while memory stays O(arcs) — this
 * is the "shielding"/column-generation idea of Schmitzer (2016) and of Gottschlich & Schuhmacher
 * (2014) with the plain simplex of LEMON/POT as the inner solver.
 * With uniform weights the masses are scaled to integers (m per a-point, n per b-point), so
 * the simplex flows are exact and the n = m case is the assignment problem: there the inner
 * solver is the auction + Hungarian assignment solver of assignment.c instead, many times
 * faster on shifted 2-D clouds, with the same pricing loop and certificate.
 * For low-dimensional Euclidean costs the candidates come from grid searches (knn_grid.c) and
 * the pricing pass skips far cells (price_cells.c). Small problems take the dense path (below:
 * all costs stored, candidates and pricing read from them, the simplex inside).
 * Layout (exact_internal.h): this file is the loop, the cost cap, the certificate and the
 * result; the candidates are exact_candidates.c, the pricing exact_pricing.c, and both inner
 * solvers sit behind the ot_solver interface of exact_solver.c. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

int exact_add_arc(exact_state *st, int32_t i, int32_t j, double cost) {
    return ot_solver_add_arc(&st->solver, i, j, ot_capped(cost, st->cap));
}

static void exact_state_free(exact_state *st) {
    ot_solver_free(&st->solver);
    ot_costs_free(&st->costs);
    void *ptrs[] = {st->supply, st->demand,  st->order_a, st->order_b, st->cand_j, st->col_i,
                    st->row_j,  st->cand_c,  st->col_v,   st->col_thr, st->row_max, st->row_min,
                    st->price_prev, st->price_rows};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    ot_cloud_free(&st->A);
    ot_cloud_free(&st->B);
}

static int fill_result(exact_state *st, double scale, const double *pi, const wk_ot_options *opt, int centre,
                       wk_ot_result *res) {
    const int64_t n = st->A.n, m = st->B.n;
    int64_t cnt = ot_solver_flows(&st->solver, NULL, NULL, NULL, NULL);
    int32_t *ii = wk_malloc((size_t)cnt * sizeof(int32_t)), *jj = wk_malloc((size_t)cnt * sizeof(int32_t));
    double *fl = wk_malloc((size_t)cnt * sizeof(double)), *co = wk_malloc((size_t)cnt * sizeof(double));
    int rc = ii && jj && fl && co ? WK_OK : WK_ENOMEM;
    if (!rc) {
        ot_solver_flows(&st->solver, ii, jj, fl, co);
        double v = 0;
        for (int64_t t = 0; t < cnt; t++) v += fl[t] * co[t];
        res->value = v * scale;
        if (opt->want_plan) {
            res->plan = wk_malloc((size_t)cnt * sizeof *res->plan);
            if (!res->plan) rc = WK_ENOMEM;
            else {
                for (int64_t t = 0; t < cnt; t++) {
                    res->plan[t].i = (int32_t)st->A.orig[ii[t]];
                    res->plan[t].j = (int32_t)st->B.orig[jj[t]];
                    res->plan[t].mass = fl[t] * scale;
                }
                res->plan_len = cnt;
            }
        }
    }
    wk_free(ii);
    wk_free(jj);
    wk_free(fl);
    wk_free(co);
    if (rc || !opt->want_duals) return rc;
    /* u_i = -pi_i, v_j = pi_j (u_i + v_j <= c_ij; for the assignment these are its own duals:
     * with masses 1/n, sum u/n + sum v/n = cost/n = value); points dropped for zero mass get
     * no dual (NaN) */
    res->u = wk_malloc((size_t)st->A.n_orig * sizeof(double));
    res->v = wk_malloc((size_t)st->B.n_orig * sizeof(double));
    if (!res->u || !res->v) return WK_ENOMEM;
    for (int64_t i = 0; i < st->A.n_orig; i++) res->u[i] = NAN;
    for (int64_t j = 0; j < st->B.n_orig; j++) res->v[j] = NAN;
    /* A common offset (u + c, v - c) changes neither feasibility nor the objective (each side's
     * masses sum to 1), but the simplex's potentials carry one as large as its artificial costs
     * (2 cmax (n + m)), and a caller's sum a u + sum b v then loses ~1e-16 of it per term (21,000
     * weighted points against 2: 3.5e-9 of 1.73). Centred (`centre`: the simplex's), each side's
     * mass-weighted mean is value / 2. The assignment's duals carry no such offset and are left
     * as they are: the multiscale start extends its coarse solve's, and centred ones made the
     * 50,000 x 2 solve 4 - 60% more work on four seeds of four. */
    double c = 0;
    if (centre) {
        double ta = 0, tb = 0, sa = 0, sb = 0;
        for (int64_t i = 0; i < n; i++) ta += st->supply[i];
        for (int64_t j = 0; j < m; j++) tb += st->demand[j];
        for (int64_t i = 0; i < n; i++) sa += st->supply[i] / ta * -pi[i];
        for (int64_t j = 0; j < m; j++) sb += st->demand[j] / tb * pi[n + j];
        if (ta > 0 && tb > 0 && isfinite(sa) && isfinite(sb)) c = (sb - sa) / 2;
    }
    for (int64_t i = 0; i < n; i++) res->u[st->A.orig[i]] = -pi[i] + c;
    for (int64_t j = 0; j < m; j++) res->v[st->B.orig[j]] = pi[n + j] - c;
    return WK_OK;
}

/* Which solver: the assignment one for n = m uniform clouds, where the simplex's degenerate
 * pivots dominate in low dimension; in high dimension, once the cost pass is single precision,
 * it also wins (10,000 x 784: 6.5 s against 8.3 s for the simplex). */
/* Soundness of the result: a bound G on value - optimum from the final potentials, in exact
 * arithmetic over the double costs c (capped at st->cap). With pi the LEMON-sign potentials
 * and V such that every pair has c + (pi_i - pi_j) >= -V, the duals u = -pi - V, v = pi are
 * feasible, so (weak duality, flows f with the exact marginals)
 *     value - optimum <= value - (sum a u + sum b v) = V + sum_plan f (c + pi_i - pi_j).
 * The last pricing pass accepted every pair whose computed c + (pi_i - pi_j) was >= -tol; that
 * difference-first evaluation errs by at most u(|c| + 2|r|) (two roundings, |pi_i - pi_j| <=
 * |c| + |r|), and the approximate engines decide within their margin, so V = tol + 8 u cmax
 * covers every pair, cmax bounding the capped costs. (When that pass flagged only arcs the
 * simplex holds, their reduced costs drifted by ulps of its potentials, and run_exact passes the
 * most negative of them, slack >= tol, in place of tol.) The plan's own reduced costs are
 * computed the same way, with their rounding added.
 * The cap (run_exact): the duals are feasible for the capped costs min(c, cap) <= c, so for the
 * real costs too, and the bound holds for the plan's capped value. Its real value is higher by
 * *excess = sum over the plan's capped arcs of f (c - cap) (scaled, rounding included), so
 * value_real - optimum <= gap + *excess. *uses_capped: the plan holds an arc the cap lowered;
 * *capped_value: the plan's value in the capped costs (scaled).
 * The plan's marginals as summed: a mass below the rounding of its neighbours' flows (a weight
 * of 1e-26 among 1/5,000s) never leaves the simplex's artificial arc, and flows carry rounding
 * in general, so the plan is one of other marginals, possibly cheaper than the optimum; what
 * restoring them may cost (ot_mass_cost_bound, through the heaviest point of each side) is
 * added (a point at 1e20 of mass 1e-26 was 1e-6 off with gap 5e-8). */
static double certificate_gap(const exact_state *st, const double *pi, double tol, double cmax, double scale, int assign,
                              int *uses_capped, double *excess, double *capped_value) {
    const double u = DBL_EPSILON / 2;
    const int64_t n = st->A.n, cnt = ot_solver_flows(&st->solver, NULL, NULL, NULL, NULL);
    int32_t *ii = wk_malloc((size_t)cnt * sizeof(int32_t)), *jj = wk_malloc((size_t)cnt * sizeof(int32_t));
    double *fl = wk_malloc((size_t)cnt * sizeof(double)), *co = wk_malloc((size_t)cnt * sizeof(double));
    double gap = INFINITY;
    *uses_capped = 0;
    *excess = *capped_value = INFINITY;
    if (ii && jj && fl && co) {
        ot_solver_flows(&st->solver, ii, jj, fl, co);
        gap = tol + 8 * u * cmax;
        double ex = 0, vc = 0;
        for (int64_t t = 0; t < cnt; t++) {
            const double c = ot_pair_cost(&st->costs, ii[t], jj[t]), cc = fmin(c, st->cap);
            if (c > st->cap) *uses_capped = 1, ex += fl[t] * scale * (c - cc);
            vc += fl[t] * scale * cc;
            const double r = cc + (pi[ii[t]] - pi[n + jj[t]]);
            gap += fl[t] * scale * (fabs(r) + 4 * u * (cc + fabs(r)));
        }
        *excess = ex * (1 + 4 * u * (double)cnt); /* each term's rounding and the sum's */
        *capped_value = vc;
        const int64_t m = st->B.n;
        csum *marg = wk_calloc((size_t)(n + m), sizeof(csum));
        double *r = wk_malloc((size_t)(n + m) * sizeof(double));
        if (!marg || !r) gap = INFINITY;
        else {
            for (int64_t t = 0; t < cnt; t++) csum_add(&marg[ii[t]], fl[t]), csum_add(&marg[n + jj[t]], fl[t]);
            /* in the solver's units (the assignment's flows are 1 a row, its masses say n), then
             * scaled; a node whose flows add up exactly (every TwoSum error 0: integer units,
             * leaves of the simplex's tree) is off by exactly what the difference says */
            for (int64_t t = 0; t < n + m; t++) {
                const double want = assign ? 1 : t < n ? st->supply[t] : st->demand[t - n];
                const csum *z = &marg[t];
                const double err = z->c != 0 ? u * fabs(csum_value(z)) + (double)z->n * u * u * z->abs : 0;
                r[t] = (fabs(csum_value(z) - want) * (1 + 2 * u) + err) * scale * (1 + 2 * u);
            }
            gap += ot_mass_cost_bound(&st->costs, st->A.w, n, st->B.w, m, r, r + n) * (1 + 4 * u);
        }
        wk_free(marg);
        wk_free(r);
    }
    wk_free(ii);
    wk_free(jj);
    wk_free(fl);
    wk_free(co);
    return gap;
}

int exact_certify_mass(double value, double gap, double cmax, double mass_scale, const char *what) {
    /* (a NaN gap is refused) */
    if (gap <= 1e-9 * value + 1e-10 * cmax && gap <= value + 1e-6 * mass_scale) return WK_OK;
    return wk_errorf(WK_EUNSUPPORTED,
                     "wk_w1_exact: cannot certify the %soptimum in double precision (value %.17g, certified "
                     "only to within %.3g; costs range up to %.3g)",
                     what, value, gap, cmax);
}

int exact_certify(double value, double gap, double cmax, const char *what) {
    return exact_certify_mass(value, gap, cmax, INFINITY, what);
}

/* The coarse-to-fine start: below this many points (both clouds) the simplex starts from its
 * greedy forest (the coarse solve's fixed cost would outweigh the pivots it saves), and above
 * this dimension too (see run_exact); COARSE_KNN near neighbours per point with it. */
enum { COARSE_MIN_POINTS = 1000, COARSE_MAX_DIM = 3, COARSE_KNN = 4 };

/* The assignment's multiscale start (exact_multiscale.c) from MULTISCALE_MIN points a side
 * (opt.multiscale_min overrides it), for Euclidean costs on the exact low-d engine (its near-tight
 * pairs come from ot_price_cells). CPU time, one thread, off -> on: a normal cloud against one
 * scaled by 0.8 and shifted (py_w1_vs_pot's) 2,000: -25%, 5,000: -35%, 10,000: -38%; against a
 * shifted copy (bench_w1's, nearly a translation) 2,000: +6%, 5,000: -1..-17%, 10,000: within
 * noise, 20,000: -10%, 50,000: -12%; 3-D shifted normal clouds 1,000 / 2,000: +19% / +38%. From
 * 1,000 rather than 4,000 (idle, wall): clouds whose mass must cross between clusters gain most
 * — fixture 11 (1,000 x 1,000 3-D, 8 clusters) 0.22 -> 0.10 s, from below POT (0.17 s) to above
 * it; shifted 2-D normals 1,000 - 3,000 gain 0 - 10%; 3-D shifted normals lose 30 - 50% (0.055
 * -> 0.073 s at 1,000, still 2.3x POT). Below 1,000 its fixed costs (the coarse solve, a pass
 * like a pricing pass, denser rows) exceed what it saves (bench/README-w1.md). */
enum { MULTISCALE_MIN = 1000, MULTISCALE_MAX_DIM = 3, MULTISCALE_MIN_POINTS = 16 };

/* The spatial order (exact_order.c) for sparse solves of clouds in at most ORDER_MAX_DIM
 * coordinates (where the arcs join near points) and ORDER_MIN_POINTS points in all. The new
 * numbering also changes the auction's path, and with it the work by up to +-50% on one pair of
 * clouds either way, so it was measured over seeds (2-D shifted normals, CPU time summed over 5
 * seeds, order off -> on): 3,000 a side 2.15 -> 2.09 s, 5,000 3.84 -> 3.62 s, 10,000 9.38 ->
 * 8.27 s, with the same total work; below 3,000 a side the columns' state fits in L2 and the
 * figures were noise. */
enum { ORDER_MAX_DIM = 3, ORDER_MIN_POINTS = 6000 };

/* run_exact's answer when the plan uses a capped arc: solve again without the cap. */
enum { RETRY_UNCAPPED = 1 };

/* ---- the dense path (small problems) ----
 * Up to opt.dense_pairs pairs (default: OT_DENSE_PAIRS, or OT_DENSE_PAIRS_HIGH_D from
 * OT_DENSE_HIGH_DIM coordinates on) every cost is computed once, exactly, and stored (ot_costs'
 * dcache, serial): the start arcs are each row's and column's pairs of least row- and
 * column-reduced cost read from it (ot_dense_start_arcs), the
 * pricing rounds scan it (ot_dense_price, emd_dense.c) and the inner solver is the simplex. No k-NN grid, no
 * OpenMP region, no incremental-pricing state: on a 50 x 50 problem those fixed costs (the
 * grid's parallel region waking a thread, the auction's queues) were most of the time. The
 * certificate is the sparse path's: the last pricing pass checked every pair. In high
 * dimension every cost has to be computed once anyway, so the stored matrix pays off up to
 * larger problems (fixture 15, 300 x 200 x 64: 2-4x faster than the sparse path; in 2-D the
 * grid's mean-aligned candidates win from about 150 x 150 on). */
enum { OT_DENSE_PAIRS = 40000, OT_DENSE_PAIRS_HIGH_D = 1 << 18, OT_DENSE_HIGH_DIM = 8, DENSE_START_K = 8 };

/* exact_add_arc for ot_dense_start_arcs: each row's and column's DENSE_START_K pairs of least
 * reduced cost start the dense path (the greedy start forest is made of them). */
static int dense_arc(void *st, int32_t i, int32_t j, double c) { return exact_add_arc(st, i, j, c); }

static int run_exact(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                     const wk_ot_options *opt_in, wk_ot_result *res, int use_assign, int capped, int64_t *pivots,
                     int64_t *work) {
    /* use_assign: 1 the assignment solver, 0 the simplex, < 0 as opt asks (AUTO: the assignment
     * for n = m uniform clouds, where the simplex's degenerate pivots dominate). *pivots: the
     * simplex pivots spent (a coarse start's included) when it returns RETRY_UNCAPPED, else 0;
     * *work: that attempt's iterations (pivots, or the auction's bids and paths), else 0. */
    *pivots = *work = 0;
    wk_ot_options opt = *opt_in;
    exact_state st;
    memset(&st, 0, sizeof st);
    /* float32 high-d clouds stay float until a path needs their double rows (below) */
    ot_input da = *a, db = *b;
    da.defer_double = db.defer_double = 1;
    int rc = ot_prepare(&st.A, &st.B, &da, wa, &db, wb, &opt);
    if (rc) return rc;
    const int64_t n = st.A.n, m = st.B.n;
    if (n == 0 || m == 0) {
        exact_state_free(&st);
        return wk_errorf(WK_EINVAL, "wk_w1_exact: all weights of %s are zero", n == 0 ? "a" : "b");
    }
    /* one dimension, cost |x - y|: the closed form (exact_1d.c), unless a solver was named */
    if (use_assign < 0 && opt.exact_solver == WK_EXACT_AUTO && st.A.dim == 1 && opt.cost != WK_COST_SQEUCLIDEAN) {
        rc = exact_solve_1d(&st.A, &st.B, &opt, res);
        exact_state_free(&st);
        return rc;
    }
    /* a few points against many (either way round): successive shortest paths over the few
     * (exact_few.c), unless a solver was named */
    if (opt.exact_solver == WK_EXACT_FEW && !exact_few_applies(n, m, 1)) {
        exact_state_free(&st);
        return wk_errorf(WK_EINVAL, "wk_w1_exact: the few-sources solver needs a side of at most %d points (n %lld, m %lld)",
                         exact_few_max_small(), (long long)n, (long long)m);
    }
    /* AUTO takes it for any weights. For uniform ones its paths are bounded by about m; for others
     * its 2^-62 mass units give no practical bound (exact_few_path_bound), but they take about
     * 1 - 2 m paths too (10 x 30,000 with weights over 17 decades: 27,293; 64 x 100,000 random:
     * 202,451), so AUTO gives up after 4 (n + m) + 100,000. Under AUTO a failure other than memory
     * or the pivot budget falls back to the general path, the paths spent counted against
     * max_pivots (one budget for the whole call) and in iterations. The general path is right
     * there but slow: the simplex took 70 s on 10 x 50,000 random weights (this: 0.1 s). */
    int64_t few_paths = 0;
    if ((use_assign < 0 && opt.exact_solver == WK_EXACT_AUTO && exact_few_applies(n, m, 0)) ||
        opt.exact_solver == WK_EXACT_FEW) {
        const int64_t give_up =
            opt.exact_solver == WK_EXACT_AUTO && !(st.A.uniform && st.B.uniform) ? 4 * (n + m) + 100000 : 0;
        rc = exact_solve_few(&st.A, &st.B, &opt, give_up, res, &few_paths);
        if (rc == WK_OK || rc == WK_ENOMEM || rc == WK_ELIMIT || opt.exact_solver == WK_EXACT_FEW) {
            exact_state_free(&st);
            return rc;
        }
        wk_clear_error();
        memset(res, 0, sizeof *res); /* AUTO: the general path below */
        if (opt.max_pivots > 0) opt.max_pivots -= few_paths; /* stays > 0: the paths stopped below it */
    }
    const int square_uniform = st.A.uniform && st.B.uniform && n == m;
    const int64_t dense_max =
        opt.dense_pairs ? opt.dense_pairs : st.A.dim >= OT_DENSE_HIGH_DIM ? OT_DENSE_PAIRS_HIGH_D : OT_DENSE_PAIRS;
    const int dense = dense_max > 0 && n * m <= dense_max;
    /* The dense path in high dimension reads nothing but the stored costs (Euclidean ones made
     * from the float rows when the input is float32): no double copy of the clouds, no sorted
     * orders (the cost cap's feasible plan pairs the points in index order) and no staircase
     * arcs — one coordinate's order means little in 8+ dimensions, and the reduced-cost start
     * arcs alone take fewer pivots (fixtures 13, 15-17, 19: 535 / 2,367 / 4,217 / 2,467 / 507
     * against 568 / 3,753 / 4,482 / 2,687 / 572 with the sorted staircase; 18: 314 against 285).
     * The simplex's artificial arcs keep the start feasible, as in wk_emd_dense. */
    const int dense_hd = dense && st.A.dim >= OT_DENSE_HIGH_DIM;
    if (!(dense_hd && opt.cost != WK_COST_MINKOWSKI) &&
        ((rc = ot_cloud_widen(&st.A)) != 0 || (rc = ot_cloud_widen(&st.B)) != 0)) {
        exact_state_free(&st);
        return wk_error_context(rc, "wk_w1_exact (n = %lld, m = %lld)", (long long)n, (long long)m);
    }
    /* AUTO on the dense path: the simplex (the auction's set-up costs more than a small
     * problem's pivots: 60 x 60 in 2-D took twice as long) */
    if (use_assign < 0)
        use_assign = opt.exact_solver == WK_EXACT_ASSIGNMENT ||
                     (opt.exact_solver == WK_EXACT_AUTO && square_uniform && !dense);
    if (use_assign && !square_uniform) {
        exact_state_free(&st);
        return wk_errorf(WK_EINVAL, "wk_w1_exact: the assignment solver needs uniform weights and n = m (n %lld, m %lld)",
                         (long long)n, (long long)m);
    }
    /* large low-d sparse solves: near points get near indices (exact_order.c) */
    if (!dense && st.A.dim <= ORDER_MAX_DIM && n + m >= ORDER_MIN_POINTS &&
        ((rc = exact_spatial_order(&st.A)) != 0 || (rc = exact_spatial_order(&st.B)) != 0)) {
        exact_state_free(&st);
        return rc;
    }
    const int k = opt.knn > 0 ? (opt.knn > 64 ? 64 : opt.knn) : 16;
    /* arcs added per row and pricing round: 16, doubled from the third round on (up to 64) —
     * near-degenerate problems (a collapsed generator against the data) need many arcs per row,
     * and fewer rounds then mean fewer re-solves (2,000-point ring: 14 rounds -> 7, 2x faster) */
    const int kp_max = opt.knn > 0 ? k : 64;
    int kp = opt.knn > 0 ? k : 16;
    double scale = 1;
    st.supply = wk_malloc((size_t)n * sizeof(double));
    st.demand = wk_malloc((size_t)m * sizeof(double));
    st.order_a = wk_malloc((size_t)n * sizeof(int64_t));
    st.order_b = wk_malloc((size_t)m * sizeof(int64_t));
    st.cand_j = wk_malloc((size_t)(n * kp_max) * sizeof(int32_t));
    st.cand_c = wk_malloc((size_t)(n * kp_max) * sizeof(double));
    if (!st.supply || !st.demand || !st.order_a || !st.order_b || !st.cand_j || !st.cand_c) {
        rc = WK_ENOMEM;
        goto done;
    }
    /* the arc store: the dense path's start arcs and about two pricing rounds (fixture 15,
     * 300 x 200 x 64: 9,036 arcs; sized for the sparse path's 2k + 2 per node, its 1 MB hash
     * was mapped and faulted in afresh on every call, 350 page faults and ~15% of the time) */
    const int64_t arc_hint = dense ? (n + m) * (DENSE_START_K + 1) + 2 * n * kp : (n + m) * (2 * k + 2);
    if ((rc = ot_solver_init(&st.solver, use_assign ? OT_SOLVER_ASSIGNMENT : OT_SOLVER_SIMPLEX, n, m, arc_hint,
                             &st.costs)) != 0)
        goto done;
    if (st.A.uniform && st.B.uniform) {
        /* integer masses: exact flows, and the assignment problem when n = m */
        for (int64_t i = 0; i < n; i++) st.supply[i] = (double)m;
        for (int64_t j = 0; j < m; j++) st.demand[j] = (double)n;
        scale = 1.0 / ((double)n * (double)m);
    } else {
        memcpy(st.supply, st.A.w, (size_t)n * sizeof(double));
        memcpy(st.demand, st.B.w, (size_t)m * sizeof(double));
    }
    if (use_assign) scale = 1.0 / (double)n; /* unit flows on a matching */
    if ((rc = ot_costs_init(&st.costs, &st.A, &st.B, &opt, dense ? OT_COSTS_DENSE : 1)) != 0) goto done;
    if (dense_hd)
        for (int64_t t = 0; t < (n > m ? n : m); t++) {
            if (t < n) st.order_a[t] = t;
            if (t < m) st.order_b[t] = t;
        }
    else if ((rc = exact_sort_orders(&st)) != 0)
        goto done;
    /* The cost cap. Double precision resolves a reduced cost only to about u times the largest
     * cost (the potentials and the simplex's artificial costs grow with it), so one cost of
     * 1e16 would blur every unit distance. No arc costing more than max(n, m) times the value
     * v0 of a feasible plan (the staircase) carries mass in an optimal assignment, nor in
     * most transport plans: solve with the costs min(c, cap) — their scale is the plan's,
     * not the coordinates' — and keep the answer if its plan uses no capped arc (then it is
     * optimal for the real costs too: the capped optimum is a lower bound); else solve again
     * uncapped (RETRY_UNCAPPED). */
    double v0 = 0;
    st.cap = INFINITY;
    if (capped && (rc = exact_northwest(&st, 0, &v0)) != 0) goto done;
    if (capped && v0 > 0) st.cap = (double)(n > m ? n : m) * v0 * (1 + 1e-9);
    double cmax_scan = 0;
    /* weighted (or n != m) low-dimensional clouds large enough for the simplex's pivots to
     * dominate start from a coarse solve's plan (exact_coarse.c), whose arcs already carry the
     * mass between clusters: then fewer near neighbours suffice (more only add pivots:
     * clustered 5,000 x 2, 16 -> 4 neighbours, 98k -> 77k pivots). In 5-D (fixture 12,
     * 700 x 900) the k-d clusters are not compact and the start cost 35% more time. The dense
     * path (small problems) starts from its own near arcs. */
    const int coarse = !dense && !use_assign && n + m >= COARSE_MIN_POINTS && st.A.dim <= COARSE_MAX_DIM;
    const int k0 = coarse && opt.knn <= 0 ? COARSE_KNN : k;
    rc = dense ? ot_dense_start_arcs(st.costs.dcache, n, m, DENSE_START_K, dense_arc, &st, &cmax_scan)
               : exact_initial_arcs(&st, k0, &cmax_scan);
    if (rc) goto done;
    /* for n = m uniform the staircase is the sorted-order pairing: a perfect matching (the
     * assignment solver needs one among its arcs; the simplex has its artificial arcs) */
    if (!(dense_hd && !use_assign) && (rc = exact_northwest(&st, 1, NULL)) != 0) goto done;
    int64_t hinted = 0, coarse_pivots = 0;
    if (coarse && (rc = exact_coarse_start(&st, &opt, &hinted, &coarse_pivots)) != 0) goto done;
    if (opt.max_pivots > 0) opt.max_pivots -= coarse_pivots; /* one budget for the whole call (stays > 0) */
    const double cmax = fmin(cmax_scan, st.cap);
    if ((rc = ot_solver_start(&st.solver, st.supply, st.demand, cmax)) != 0) goto done;
    const int64_t ms_min = opt.multiscale_min ? opt.multiscale_min : MULTISCALE_MIN;
    if (use_assign && !dense && ms_min > 0 && n >= ms_min && n >= MULTISCALE_MIN_POINTS &&
        st.A.dim <= MULTISCALE_MAX_DIM && opt.cost == WK_COST_EUCLIDEAN && !st.costs.use_gemm &&
        (rc = exact_multiscale_start(&st, &opt)) != 0)
        goto done;
    /* Reduced costs are sums of a few costs: a tolerance relative to the largest cost. */
    const double tol = 1e-11 * (cmax > 0 ? cmax : 1);
    price_ctx pc = {&st.costs, NULL, tol, kp, st.cand_j, st.cand_c, st.cmin, cmax_scan, st.cap, NULL, NULL, 0};
    st.price_prev = pc.prev = wk_malloc((size_t)(n + m) * sizeof(double));
    st.price_rows = pc.rows = wk_malloc((size_t)n);
    if (!pc.prev || !pc.rows) {
        rc = WK_ENOMEM;
        goto done;
    }
    /* from a coarse start, price first: its tree's potentials are near the optimal duals, so
     * the pricing adds the arcs the optimum needs before any pivot (clustered 5,000: -10% pivots) */
    /* V of certificate_gap: every pair's reduced cost is at least -slack under the last potentials */
    double slack = tol;
    for (int solve = hinted == 0;; solve = 1) {
        if (solve && (rc = ot_solver_solve(&st.solver, tol, cmax, opt.max_pivots)) != 0) goto done;
        pc.pi = ot_solver_potentials(&st.solver);
        if (res->rounds >= 2 && kp < kp_max) pc.k = kp = 2 * kp < kp_max ? 2 * kp : kp_max;
        if (dense) ot_dense_price(st.costs.dcache, n, m, pc.pi, tol, st.cap, pc.k, st.cand_j, st.cand_c);
        else if ((rc = exact_price_all(&pc)) != 0) goto done;
        res->rounds++;
        /* flagged: the violated pairs found, new arcs or held ones; worst: their most negative
         * reduced cost, as the pricing computed it */
        int64_t added = 0, flagged = 0;
        double worst = 0;
        for (int64_t i = 0; i < n; i++)
            for (int t = 0; t < kp; t++) {
                int32_t j = st.cand_j[i * kp + t];
                if (j < 0) break;
                flagged++;
                worst = fmin(worst, ot_capped(st.cand_c[i * kp + t], st.cap) + (pc.pi[i] - pc.pi[n + j]));
                int r = exact_add_arc(&st, (int32_t)i, j, st.cand_c[i * kp + t]);
                if (r < 0) {
                    rc = WK_ENOMEM;
                    goto done;
                }
                added += r;
            }
        if ((added = ot_solver_commit(&st.solver, added)) < 0) {
            rc = (int)added;
            goto done;
        }
        slack = tol;
        if (added == 0 && flagged > 0) {
            /* Every violated pair is an arc already held. Before the first solve (a coarse start
             * prices first) the plan is simply not optimal on its own arcs yet: solve. (With a
             * handful of sources every pair is held from the start; this round used to end the loop
             * with no pivot, and a plan 80% above the optimum was reported with gap 1e-10.) After a
             * solve these are held arcs whose reduced costs the simplex lets drift by ulps of its
             * potentials, which carry the artificial costs' offset 2 cmax (n + m) and can exceed
             * tol (2 x 131,072 weighted in 10-D: 32 such pairs): the certificate then takes the
             * most negative reduced cost found as its V (certificate_gap), and exact_certify decides
             * whether that still certifies the value. */
            if (!solve) continue;
            slack = fmax(tol, -worst);
        }
        if (added == 0) { /* the certificate is the last pricing, unless settling changed the plan */
            int changed = 0;
            if ((rc = ot_solver_settle(&st.solver, cmax, &changed)) != 0) goto done;
            if (!changed) break;
        }
    }
    if ((rc = ot_solver_check(&st.solver)) != 0) goto done;
    res->iterations = ot_solver_work(&st.solver) + coarse_pivots + few_paths;
    res->arcs = ot_solver_arcs(&st.solver);
    const double *pi = ot_solver_potentials(&st.solver);
    int uses_capped = 0;
    double excess = 0, capped_value = 0;
    const double gap = certificate_gap(&st, pi, slack, cmax, scale, use_assign, &uses_capped, &excess, &capped_value);
    /* A plan on capped arcs is kept when it still certifies with their excess added to value and
     * gap. A far point of tiny mass (1e140 carrying 1e-300, 1e8 carrying 1e-20) must ship along
     * capped arcs and adds ~1e-160 or ~1e-12; the uncapped solve, whose tolerances scale with
     * its 1e140 or 1e8 costs, returned values 20-40% (and 6e-5) off within its honest but
     * useless gap. Otherwise the capped optimum need not be the real one: solve uncapped. */
    if (uses_capped &&
        !(isfinite(excess) && gap + excess <= 1e-9 * (capped_value + excess) + 1e-10 * cmax)) {
        if (!use_assign) *pivots = res->iterations; /* the auction's bids are no pivots */
        *work = res->iterations;
        rc = RETRY_UNCAPPED;
        goto done;
    }
    if ((rc = fill_result(&st, scale, pi, &opt, !use_assign, res)) != 0) goto done;
    res->value += excess; /* the plan's real value (fill_result summed its capped costs) */
    /* costs are >= 0, so a plan of value 0 is optimal; otherwise the bound must be small against
     * the value or the (capped) cost scale — the tolerance is relative to the latter */
    res->gap = res->value > 0 ? gap + excess : 0;
    /* the masses' own cost scale (the clouds' normalised masses, 1/n for uniform ones): far
     * points of tiny mass do not inflate it (the uncapped re-solve's cmax of 1e20 let a value
     * 83% off pass with gap 1e9) */
    const double mass_scale = ot_mass_cost_bound(&st.costs, st.A.w, n, st.B.w, m, NULL, NULL);
    if ((rc = exact_certify_mass(res->value, res->gap, cmax, mass_scale, "")) != 0) goto done;
done:
    if (rc) {
        wk_ot_result_free(res);
        if (rc == WK_ENOMEM) wk_error_context(rc, "wk_w1_exact (n = %lld, m = %lld)", (long long)n, (long long)m);
    }
    exact_state_free(&st);
    return rc;
}

static int exact_scaled(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                        const wk_ot_options *opt_in, wk_ot_result *res);

/* Tiny float64 clouds are solved at 2^k times their size (ot_rescale.c: their squared
 * distances would underflow), and value, gap and duals scaled back by 2^-e: the certificate
 * then bounds the error relative to the true value. The plan's masses do not scale. */
static int exact_entry(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                       const wk_ot_options *opt_in, wk_ot_result *res) {
    if (!res) return wk_errorf(WK_EINVAL, "wk_w1_exact: NULL result");
    memset(res, 0, sizeof *res);
    ot_rescale sc;
    int rc = ot_rescale_init(&sc, a, b);
    if (rc) return wk_error_context(rc, "wk_w1_exact");
    rc = exact_scaled(&sc.a, wa, &sc.b, wb, opt_in, res);
    ot_rescale_free(&sc);
    if (rc == WK_OK) ot_rescale_result(&sc, opt_in ? opt_in->cost : WK_COST_EUCLIDEAN, res, a->n, b->n);
    return rc;
}

static int exact_scaled(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                        const wk_ot_options *opt_in, wk_ot_result *res) {
    wk_ot_options opt;
    if (opt_in) opt = *opt_in;
    else wk_ot_options_default(&opt);
    /* opt.threads is this call's thread count (the caller's context when 0), never the process's */
    wk_exec x = opt.threads > 0 ? wk_exec_make(opt.threads) : *wk_exec_current();
    wk_exec_saved saved;
    wk_exec_enter(&x, &saved);
    /* max_pivots is one budget for the whole call: the pivots of a capped solve that must be
     * redone uncapped count against the retry's (the auction's failed attempt spent none) */
    const int64_t budget = opt.max_pivots;
    int64_t spent = 0, pivots, work, worked = 0; /* worked: the failed capped attempt's iterations */
    int capped = 1, rc;
    for (;;) {
        rc = run_exact(a, wa, b, wb, &opt, res, -1, capped, &pivots, &work);
        if (rc == OT_AUCTION_BUDGET && opt.exact_solver == WK_EXACT_AUTO) {
            /* the auction's bid budget ran out (a pathological arc set): the simplex always works */
            wk_clear_error();
            memset(res, 0, sizeof *res);
            rc = run_exact(a, wa, b, wb, &opt, res, 0, capped, &pivots, &work);
        }
        if (rc == OT_AUCTION_BUDGET) /* the assignment solver was asked for by name */
            rc = wk_error_context(WK_EUNSUPPORTED, "wk_w1_exact: the assignment solver cannot serve this problem "
                                                   "(use the simplex)");
        if (rc == WK_ELIMIT && spent > 0)
            rc = wk_error_context(rc, "wk_w1_exact: max_pivots %lld, %lld of them spent on the capped solve", (long long)budget,
                                  (long long)spent);
        if (rc != RETRY_UNCAPPED) break;
        spent += pivots;
        worked += work;
        if (budget > 0) opt.max_pivots = budget - spent; /* stays > 0: a solve that succeeded used fewer */
        memset(res, 0, sizeof *res);
        capped = 0;
    }
    if (rc == WK_OK) res->iterations += worked; /* all the work done, as the budget counts it */
    wk_exec_leave(&saved);
    return rc;
}

int wk_w1_exact(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb,
                const wk_ot_options *opt_in, wk_ot_result *res) {
    const ot_input ia = ot_input_tensor(a), ib = ot_input_tensor(b);
    return exact_entry(&ia, wa, &ib, wb, opt_in, res);
}

int wk_w1_exact_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                    int64_t d, const wk_ot_options *opt_in, wk_ot_result *res) {
    const ot_input ia = ot_input_f64(a, n, d), ib = ot_input_f64(b, m, d);
    return exact_entry(&ia, wa, &ib, wb, opt_in, res);
}

