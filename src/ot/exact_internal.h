/* exact_internal.h — what the pieces of wk_w1_exact share (issue 15, design item 3):
 *  - the inner solver behind one small interface (ot_solver: add arcs, solve, potentials,
 *    flows), implemented by the network simplex and by the assignment solver (exact_solver.c),
 *    so the column-generation loop of w1_exact.c never asks which one runs;
 *  - the problem state of one solve (exact_state);
 *  - candidate generation (exact_candidates.c: k-NN arcs from scans or grids, the staircase),
 *    the coarse-to-fine start (exact_coarse.c) and pricing (exact_pricing.c, with the
 *    cell-pruned pass of price_cells.c).
 * Invariant: every arc any piece adds goes through exact_add_arc, so its cost is capped the
 * same way (st->cap) whichever solver holds it. */
#ifndef WK_OT_EXACT_INTERNAL_H
#define WK_OT_EXACT_INTERNAL_H

#include <float.h>
#include <math.h>

#include "ot/ot_internal.h"

/* ---- the inner solver ---- */
typedef enum { OT_SOLVER_SIMPLEX = 0, OT_SOLVER_ASSIGNMENT } ot_solver_kind;

typedef struct ot_solver_ops ot_solver_ops;
typedef struct ot_solver {
    const ot_solver_ops *ops;
    void *impl;           /* ot_simplex or ot_assign */
    int64_t n, m;
    const ot_costs *costs; /* the pair costs of the flows the assignment reports */
    double *pibuf;         /* [n + m] LEMON-sign potentials when the solver keeps other duals */
} ot_solver;

/* A solver for an n x m problem (ASSIGNMENT: n = m, unit masses); arc_hint sizes the arc store. */
int ot_solver_init(ot_solver *v, ot_solver_kind kind, int64_t n, int64_t m, int64_t arc_hint, const ot_costs *costs);
void ot_solver_free(ot_solver *v);
/* Arc i -> j: 1 added (or queued), 0 already held, <0 out of memory. */
int ot_solver_add_arc(ot_solver *v, int32_t i, int32_t j, double cost);
/* Masses and the bound on the costs, once every initial arc is in (before the first solve). */
int ot_solver_start(ot_solver *v, const double *supply, const double *demand, double cmax);
/* The simplex's start forest from a plan's arcs (ot_simplex_set_hint); the assignment ignores it. */
int ot_solver_hint(ot_solver *v, const int32_t *ii, const int32_t *jj, int64_t count);
/* Optimise on the arcs so far: tol is the reduced-cost tolerance, cmax bounds the costs,
 * max_pivots (> 0) the simplex's pivots (WK_ELIMIT past it). OT_AUCTION_BUDGET: the assignment
 * solver's own budget ran out (the caller may retry with the simplex). */
int ot_solver_solve(ot_solver *v, double tol, double cmax, int64_t max_pivots);
/* After a pricing round: how many of the arcs added since the last call were new (<0: no memory). */
int64_t ot_solver_commit(ot_solver *v, int64_t added);
/* A round that added no arc: re-solve if merging the arcs changed the solver's state (the
 * assignment may have released a row); *changed = 1 when it did, then price again. */
int ot_solver_settle(ot_solver *v, double cmax, int *changed);
/* WK_EINTERNAL when the final plan is not feasible for the real arcs (a bug). */
int ot_solver_check(const ot_solver *v);
/* LEMON-sign potentials [n + m]: the reduced cost of i -> j is c + pi_i - pi_{n+j}. */
const double *ot_solver_potentials(ot_solver *v);
/* The plan's positive entries (i, j, flow, cost) when the arrays are non-NULL; their count. */
int64_t ot_solver_flows(const ot_solver *v, int32_t *ii, int32_t *jj, double *flow, double *cost);
int64_t ot_solver_work(const ot_solver *v); /* pivots, or bids + augmenting searches */
int64_t ot_solver_arcs(const ot_solver *v);
/* Before the first solve: approximate LEMON-sign potentials pi [n + m] whose error is about
 * eps0; the assignment's auction starts from them at that ε, the simplex ignores them. */
void ot_solver_warm(ot_solver *v, const double *pi, double eps0);

/* ---- one exact solve ---- */
typedef struct exact_state {
    ot_cloud A, B;
    ot_costs costs;
    ot_solver solver;
    double *supply, *demand;
    int64_t *order_a, *order_b;
    int32_t *cand_j, *col_i, *row_j;
    double *cand_c, *col_v, *col_thr, *row_max, *row_min;
    double cmin;     /* smallest scanned cost (candidates' k-NN scan) */
    double cap;      /* solve with costs min(c, cap) (run_exact); INFINITY = none */
    double *price_prev; /* incremental pricing state (price_ctx.prev, .rows) */
    uint8_t *price_rows;
} exact_state;

/* Add arc i -> j, its cost capped, to the solver; 1 added, 0 present, <0 out of memory. */
int exact_add_arc(exact_state *st, int32_t i, int32_t j, double cost);

/* ---- candidates (exact_candidates.c) ---- */
/* Both clouds' orders along their joint widest coordinate (the staircase's order). */
int exact_sort_orders(exact_state *st);
/* The initial candidate arcs: k nearest neighbours both ways, plain and mean-aligned (and for
 * low-d clouds of different spread, standardised); *cmax: the largest cost scanned (or a bound). */
int exact_initial_arcs(exact_state *st, int k, double *cmax);
/* The north-west-corner staircase along the sorted orders: a feasible plan (optimal in 1-D);
 * adds its arcs when `add`; *value (if given) = its cost per unit mass. */
int exact_northwest(exact_state *st, int add, double *value);

/* ---- coarse-to-fine start (exact_coarse.c) ---- */
/* Solve a k-means-coarsened problem, refine its plan by north-west corners inside each coarse
 * flow, add those arcs and hand them to the solver as its start hint; *hinted = their count
 * (0: no hint), *pivots = the coarse solve's pivots (its own coarse starts' included), which
 * count against opt->max_pivots: WK_ELIMIT when they reach it (else *pivots < max_pivots).
 * Call after the sorted orders and before ot_solver_start. */
int exact_coarse_start(exact_state *st, const wk_ot_options *opt, int64_t *hinted, int64_t *pivots);
/* Cluster the n points x [n, d] into the leaves of a k-d tree: each range of more than `leaf`
 * points is split along its widest coordinate (a selection, not a sort) — at its median, so the
 * clusters hold leaf/2 .. leaf points, or with `balanced` at the multiple of leaf nearest the
 * middle, so every cluster holds exactly leaf points and the fewer than leaf left over get
 * label -1. Clusters are compact in every coordinate the splits used. label[i] = its cluster;
 * cen[c * d ..] the cluster's mean; returns the number of clusters; idx [n] ends holding the
 * points leaf by leaf (label and cen both NULL: only that order is made). */
int exact_kd_clusters(const double *x, int64_t n, int d, int64_t leaf, int balanced, int32_t *label, double *cen,
                      int64_t *idx);

/* ---- spatial order (exact_order.c) ---- */
/* Renumber the cloud's points along the leaves of a k-d tree (coordinates, float copy, masses
 * and orig indices together), so that near points get near indices: the sparse path's loops
 * then read the far ends of a point's arcs from shared cache lines. WK_ENOMEM leaves it as it was. */
int exact_spatial_order(ot_cloud *c);

/* ---- multiscale start for the assignment (exact_multiscale.c) ---- */
/* Solve the problem between balanced k-d clusters of 4 points a side exactly (wk_w1_exact
 * again, which recurses while large), extend its duals to every point to first order, add each
 * row's near-tight pairs under them as arcs and warm-start the solver from them. Call after
 * ot_solver_start, before the first solve; failing the coarse solve only means no start. */
int exact_multiscale_start(exact_state *st, const wk_ot_options *opt);

/* ---- the certificate (w1_exact.c) ---- */
/* The bound every exact path requires before it answers: gap (>= value - optimum, in the
 * result's units) at most 1e-9 value + 1e-10 cmax (cmax: the largest cost, same units), so the
 * tolerance is relative to the value or, for a value near 0, to the cost scale. WK_OK, else
 * WK_EUNSUPPORTED "cannot certify the <what>optimum in double precision" naming the three
 * numbers (a NaN gap too); `what` is "" or a qualifier such as "1-D ". */
int exact_certify(double value, double gap, double cmax, const char *what);
/* The same, and gap at most value + 1e-6 mass_scale, mass_scale a bound on every plan's cost
 * weighted by the masses (ot_mass_cost_bound of the masses): a gap that the largest cost allows
 * but that exceeds the value itself (or, for a value near 0, a millionth of the masses' cost
 * scale) says nothing (a far point of tiny mass: value 0.67 with gap 1e9) and is refused too. */
int exact_certify_mass(double value, double gap, double cmax, double mass_scale, const char *what);

/* ---- one dimension (exact_1d.c) ---- */
/* The whole solve for 1-D clouds and the cost |x - y| (Euclidean or Minkowski): the sorted
 * clouds' monotone coupling as the plan, the CDFs' potentials as the duals, the result's fields
 * as run_exact fills them (rounds 0: no pricing). */
int exact_solve_1d(const ot_cloud *A, const ot_cloud *B, const wk_ot_options *opt, wk_ot_result *res);

/* ---- few sources against many sinks (exact_few.c) ---- */
/* Whether wk_w1_exact takes the few-sources solver for clouds of n and m points (after zero
 * masses are dropped): under AUTO (named = 0) the small side few and the large side many; named
 * (WK_EXACT_FEW) the small side few. exact_few_max_small: that "few". */
int exact_few_applies(int64_t n, int64_t m, int named);
int exact_few_max_small(void);
/* The whole solve for that case, either side the small one: successive shortest paths over the
 * few sources, the duals certified over every pair; the result's fields as run_exact fills them
 * (iterations: augmenting paths, counted against opt->max_pivots; rounds 1; arcs: the
 * (source, sink) pairs that ever held mass). Any finite weights: their masses move in exact
 * integer units. Widens the clouds' double rows when it needs them. *paths (may be NULL): the
 * augmenting paths spent, also when it fails (a fallback's budget counts them). WK_ENOMEM,
 * naming the bytes and the limit, before anything is taken when what its start needs exceeds
 * the room the process has (wk_io_memory_room), and when its growth later would. give_up > 0:
 * after that many paths stop with OT_FEW_GAVE_UP (AUTO's practical cap for weights whose proven
 * bound is no practical one: the caller then takes the general path); with give_up > 0 a result
 * whose weights below half a 2^-62 unit (lifted to one) leave its gap above 1e-9 value + 1e-10
 * x the masses' cost scale (far points of tiny mass) also returns OT_FEW_GAVE_UP. */
enum { OT_FEW_GAVE_UP = 3 }; /* internal, never returned to users (RETRY_UNCAPPED 1, OT_AUCTION_BUDGET 2) */
int exact_solve_few(ot_cloud *A, ot_cloud *B, const wk_ot_options *opt, int64_t give_up, wk_ot_result *res,
                    int64_t *paths);
/* The most augmenting paths a solve can take (a larger count is a bug, WK_EINTERNAL): E0 / g,
 * E0 the over-full sources' total excess ex [n] after the start, g the gcd of the masses' integer
 * units a [na] and b [nb] (exact_few.c gives the proof; a test aid too). */
int64_t exact_few_path_bound(const int64_t *ex, int64_t n, const int64_t *a, int64_t na, const int64_t *b, int64_t nb);
/* Its certificate alone on float64 rows xs [n, d] (the sources) and xt [m, d] for a cost kind
 * (Minkowski: exponent p), a plan of cnt entries (ii, jj, mass), masses a, b and the sources'
 * potentials u (a test aid): v [m] = min over every source of fl(c_ij - u_i), *value the plan's
 * cost, *gap the bound on value - optimum, *cmax the largest cost. WK_OK or WK_ENOMEM. */
int exact_few_certificate_f64(const double *xs, int64_t n, const double *xt, int64_t m, int d, wk_ot_cost kind, double p,
                              const double *a, const double *b, const double *u, const int32_t *ii, const int32_t *jj,
                              const double *mass, int64_t cnt, double *v, double *value, double *gap, double *cmax);

/* ---- pricing (exact_pricing.c) ---- */
typedef struct price_ctx {
    const ot_costs *e;
    const double *pi;
    double tol;
    int k;
    int32_t *cand_j;  /* [n * k], -1 = none */
    double *cand_c;   /* exact costs */
    double cmin, cmax; /* range of the approximate costs (the float engine's prefilter) */
    double cap;        /* costs are min(c, cap) (see run_exact); INFINITY = none */
    /* incremental pricing (NULL: price every row every time): the potentials of the last pass
     * [n + m], and per row whether it must be priced again */
    double *prev;
    uint8_t *rows;
    int have_prev;
} price_ctx;

/* Price every pair against c->pi: each row's (at most k) most violated arcs into cand_j/cand_c.
 * With c->prev and c->rows, a pass after the first prices only the rows that can hold a
 * violation: a pair the last pass found non-negative stays so while pi_i does not drop and
 * pi_{n+j} does not rise (the assignment solver only lowers v; floating-point subtraction and
 * addition are monotone, so the computed test keeps its sign too); rows whose pi_i dropped or
 * that had violations last time (only k of them became arcs) are priced again, and every row
 * when any pi_{n+j} rose. The pass that finds nothing is then still a certificate for every
 * pair. */
int exact_price_all(price_ctx *c);

#endif
