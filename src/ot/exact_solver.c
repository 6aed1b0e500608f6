/* exact_solver.c — the inner solvers of wk_w1_exact behind one interface (exact_internal.h):
 * the network simplex (network_simplex.c, any masses) and the auction + Hungarian assignment
 * solver (assignment.c, n = m with unit masses). Each fills one table of operations, so the
 * column-generation loop (w1_exact.c) adds arcs, solves, reads potentials and flows the same
 * way whichever runs. Conventions the table hides:
 *  - potentials are LEMON's sign (reduced cost c + pi_i - pi_{n+j}); the assignment's duals
 *    u, v (u_i + v_j <= c_ij) become pi_i = -u_i, pi_{n+j} = v_j;
 *  - the simplex counts new arcs as they are added, the assignment when it merges its queue;
 *  - the assignment's flows are 1 per matched row, its costs the exact pair costs. */
#include <math.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

struct ot_solver_ops {
    void (*free)(void *s);
    int (*add_arc)(void *s, int32_t i, int32_t j, double cost);
    int (*start)(ot_solver *v, const double *supply, const double *demand, double cmax);
    int (*solve)(ot_solver *v, double tol, double cmax, int64_t max_pivots);
    int64_t (*commit)(ot_solver *v, int64_t added);
    int (*settle)(ot_solver *v, double cmax, int *changed);
    int (*check)(const ot_solver *v);
    const double *(*potentials)(ot_solver *v);
    int64_t (*flows)(const ot_solver *v, int32_t *ii, int32_t *jj, double *flow, double *cost);
    int64_t (*work)(const ot_solver *v);
    int64_t (*arcs)(const ot_solver *v);
    void (*warm)(ot_solver *v, const double *pi, double eps0);
};

/* ---- network simplex ---- */
static void sx_free(void *s) { ot_simplex_free(s); }
static int sx_add_arc(void *s, int32_t i, int32_t j, double cost) { return ot_simplex_add_arc(s, i, j, cost); }
static int sx_start(ot_solver *v, const double *supply, const double *demand, double cmax) {
    /* the artificial costs must exceed every real path: a bound a little above the costs' */
    return ot_simplex_start(v->impl, supply, demand, cmax * 1.01);
}
static int sx_solve(ot_solver *v, double tol, double cmax, int64_t max_pivots) {
    (void)cmax;
    return ot_simplex_solve(v->impl, tol, max_pivots);
}
static int64_t sx_commit(ot_solver *v, int64_t added) {
    (void)v;
    return added;
}
static int sx_settle(ot_solver *v, double cmax, int *changed) {
    (void)v;
    (void)cmax;
    *changed = 0;
    return WK_OK;
}
static int sx_check(const ot_solver *v) { return ot_simplex_check_feasible(v->impl, 1e-9); }
static const double *sx_potentials(ot_solver *v) { return ot_simplex_potentials(v->impl); }
static int64_t sx_flows(const ot_solver *v, int32_t *ii, int32_t *jj, double *flow, double *cost) {
    return ot_simplex_flows(v->impl, ii, jj, flow, cost);
}
static int64_t sx_work(const ot_solver *v) { return ot_simplex_pivots(v->impl); }
static int64_t sx_arcs(const ot_solver *v) { return ot_simplex_arc_count(v->impl); }

static void sx_warm(ot_solver *v, const double *pi, double eps0) {
    (void)v; /* the simplex's start is its tree (ot_solver_hint), not prices */
    (void)pi;
    (void)eps0;
}

static const ot_solver_ops simplex_ops = {sx_free,  sx_add_arc,    sx_start, sx_solve, sx_commit, sx_settle,
                                          sx_check, sx_potentials, sx_flows, sx_work,  sx_arcs,   sx_warm};

/* ---- assignment (auction + Hungarian) ---- */
static void as_free(void *s) { ot_assign_free(s); }
static int as_add_arc(void *s, int32_t i, int32_t j, double cost) { return ot_assign_add_arc(s, i, j, cost); }
static int as_start(ot_solver *v, const double *supply, const double *demand, double cmax) {
    (void)v; /* unit masses on a perfect matching: nothing to set */
    (void)supply;
    (void)demand;
    (void)cmax;
    return WK_OK;
}
static int as_solve(ot_solver *v, double tol, double cmax, int64_t max_pivots) {
    (void)tol;
    (void)max_pivots;
    return ot_assign_solve(v->impl, cmax);
}
/* the assignment queues arcs: count only those it did not hold (a pair re-proposed by
 * rounding must not loop forever) */
static int64_t as_commit(ot_solver *v, int64_t added) {
    (void)added;
    return ot_assign_commit(v->impl);
}
/* a merge may have released a row even when no arc was new: match it again, and price again
 * if that changed anything (the certificate is the last pricing) */
static int as_settle(ot_solver *v, double cmax, int *changed) {
    const int64_t w0 = ot_assign_work(v->impl);
    int rc = ot_assign_solve(v->impl, cmax);
    *changed = !rc && ot_assign_work(v->impl) != w0;
    return rc;
}
static int as_check(const ot_solver *v) {
    (void)v; /* a perfect matching by construction */
    return WK_OK;
}
static const double *as_potentials(ot_solver *v) {
    const double *u = ot_assign_u(v->impl), *w = ot_assign_v(v->impl);
    for (int64_t i = 0; i < v->n; i++) v->pibuf[i] = -u[i];
    for (int64_t j = 0; j < v->m; j++) v->pibuf[v->n + j] = w[j];
    return v->pibuf;
}
static int64_t as_flows(const ot_solver *v, int32_t *ii, int32_t *jj, double *flow, double *cost) {
    const int32_t *match = ot_assign_matching(v->impl);
    if (ii)
        for (int64_t i = 0; i < v->n; i++) {
            ii[i] = (int32_t)i;
            jj[i] = match[i];
            flow[i] = 1;
            cost[i] = ot_pair_cost(v->costs, i, match[i]);
        }
    return v->n;
}
static int64_t as_work(const ot_solver *v) { return ot_assign_work(v->impl); }
static int64_t as_arcs(const ot_solver *v) { return ot_assign_arc_count(v->impl); }

/* the auction's prices are -v: the column half of the LEMON-sign potentials */
static void as_warm(ot_solver *v, const double *pi, double eps0) { ot_assign_warm(v->impl, pi + v->n, eps0); }

static const ot_solver_ops assign_ops = {as_free,  as_add_arc,    as_start, as_solve, as_commit, as_settle,
                                         as_check, as_potentials, as_flows, as_work,  as_arcs,   as_warm};

/* ---- the interface ---- */
int ot_solver_init(ot_solver *v, ot_solver_kind kind, int64_t n, int64_t m, int64_t arc_hint, const ot_costs *costs) {
    v->n = n;
    v->m = m;
    v->costs = costs;
    v->pibuf = NULL;
    if (kind == OT_SOLVER_ASSIGNMENT) {
        v->ops = &assign_ops;
        v->impl = ot_assign_new(n);
        v->pibuf = wk_malloc((size_t)(n + m) * sizeof(double));
    } else {
        v->ops = &simplex_ops;
        v->impl = ot_simplex_new(n, m, arc_hint);
    }
    if (!v->impl || (kind == OT_SOLVER_ASSIGNMENT && !v->pibuf)) {
        ot_solver_free(v);
        return WK_ENOMEM;
    }
    return WK_OK;
}

void ot_solver_free(ot_solver *v) {
    if (v->ops && v->impl) v->ops->free(v->impl);
    wk_free(v->pibuf);
    v->impl = NULL;
    v->pibuf = NULL;
}

int ot_solver_add_arc(ot_solver *v, int32_t i, int32_t j, double cost) { return v->ops->add_arc(v->impl, i, j, cost); }
int ot_solver_start(ot_solver *v, const double *supply, const double *demand, double cmax) {
    return v->ops->start(v, supply, demand, cmax);
}
int ot_solver_hint(ot_solver *v, const int32_t *ii, const int32_t *jj, int64_t count) {
    return v->ops == &simplex_ops ? ot_simplex_set_hint(v->impl, ii, jj, count) : WK_OK;
}
int ot_solver_solve(ot_solver *v, double tol, double cmax, int64_t max_pivots) {
    return v->ops->solve(v, tol, cmax, max_pivots);
}
int64_t ot_solver_commit(ot_solver *v, int64_t added) { return v->ops->commit(v, added); }
int ot_solver_settle(ot_solver *v, double cmax, int *changed) { return v->ops->settle(v, cmax, changed); }
int ot_solver_check(const ot_solver *v) { return v->ops->check(v); }
const double *ot_solver_potentials(ot_solver *v) { return v->ops->potentials(v); }
int64_t ot_solver_flows(const ot_solver *v, int32_t *ii, int32_t *jj, double *flow, double *cost) {
    return v->ops->flows(v, ii, jj, flow, cost);
}
int64_t ot_solver_work(const ot_solver *v) { return v->ops->work(v); }
int64_t ot_solver_arcs(const ot_solver *v) { return v->ops->arcs(v); }
void ot_solver_warm(ot_solver *v, const double *pi, double eps0) { v->ops->warm(v, pi, eps0); }
