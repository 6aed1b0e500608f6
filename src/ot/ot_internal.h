/* ot_internal.h — what the OT files share: validated inputs (weights normalised, zero-weight
 * points dropped), the ground-cost engine (exact pair costs, and row blocks of approximate
 * costs with an error margin for the all-pairs scans), and the sparse network simplex. */
#ifndef WK_OT_INTERNAL_H
#define WK_OT_INTERNAL_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "wgankit/ot.h"

/* A point cloud as the caller gave it: float32 (f) or float64 (d) rows [n, dim], row-major;
 * ndim is the tensor's rank (2 expected) so validation can name a wrong one. */
typedef struct ot_input {
    const float *f;
    const double *d;
    int64_t n, dim;
    int ndim;
    int defer_double; /* float32 rows from 16 coordinates on: leave the cloud's double rows (x)
                       * unmade until ot_cloud_widen; the exact dense path never needs them */
} ot_input;
/* The input view of a float32 [n, d] tensor (NULL: a missing cloud). */
ot_input ot_input_tensor(const wk_tensor *t);
/* The input view of float64 rows. */
ot_input ot_input_f64(const double *x, int64_t n, int64_t d);

/* One side of the problem after validation: the points with positive mass, in double (float64
 * input is never rounded to float32), their masses (normalised to sum 1) and where they came
 * from. */
typedef struct ot_cloud {
    int64_t n;       /* points kept */
    int64_t n_orig;  /* points given */
    int dim;
    const double *x; /* [n, dim] the kept points: the caller's float64 rows themselves when
                      * every point is kept (borrowed: valid while the call runs), else x_own;
                      * NULL while deferred (ot_input.defer_double) until ot_cloud_widen */
    double *x_own;   /* owned copy (float32 input, or points dropped for zero mass), or NULL */
    const float *xf; /* the same in float when the input was float32 with 16+ coordinates
                      * (exactly the same values): half the bandwidth for the high-d pair costs;
                      * the caller's rows when every point is kept (borrowed), else xf_own;
                      * NULL for float64 input */
    float *xf_own;
    double *w;       /* [n] masses summing to 1 */
    int64_t *orig;   /* [n] index in the input */
    int uniform;     /* weights were NULL (all 1/n) */
} ot_cloud;

/* ---- compensated sums: the certificates (exact_1d.c, exact_few.c, w1_exact.c) and the weights' total (ot_common.c) ---- */
/* s + *e = a + b exactly (Knuth's TwoSum; no products, so no FMA contraction can enter). */
static inline double two_sum(double a, double b, double *e) {
    const double s = a + b, bb = s - a;
    *e = (a - (s - bb)) + (b - bb);
    return s;
}

/* A compensated sum (TwoSum's errors gathered apart, as Neumaier's), with what its error bound
 * needs: the terms' absolute sum and count. */
typedef struct csum {
    double s, c, abs;
    int64_t n;
} csum;

static inline void csum_add(csum *z, double x) {
    double e;
    z->s = two_sum(z->s, x, &e);
    z->c += e;
    z->abs += fabs(x);
    z->n++;
}

static inline double csum_value(const csum *z) { return z->s + z->c; }

/* Bound on |csum_value - the exact sum of the exact products| when each term is one rounded
 * product (u |term|): the correction's n roundings are each below u · u Σ|terms|, the final
 * addition u |value|. */
static inline double csum_error(const csum *z) {
    const double u = DBL_EPSILON / 2;
    return (2 * u + (double)z->n * u * u) * z->abs * 1.01 + u * fabs(csum_value(z));
}

/* The dense solvers' masses (emd_dense.c; wk_emd_dense and wk_sinkhorn_dense, one check for
 * both): every entry of w[n] finite and >= 0 (w NULL: uniform, 1/n each), a positive total in
 * *sum (the entries summed in order), else WK_EINVAL naming the side `what` ("a", "b") and the
 * entry. out (may be NULL): w normalised, out[i] = w[i] / *sum. */
int ot_dense_masses(const double *w, int64_t n, const char *what, double *sum, double *out);
/* The dense solvers' balance check (POT's): totals sa, sb within 1e-6 relative. An absent side
 * (given = 0: uniform, total 1) is never the one blamed; with both given, b is. */
int ot_check_balance(double sa, int a_given, double sb, int b_given);
/* Validate a [n, d] cloud and its weights (finite, non-negative, sum 1 within WK_OT_WEIGHT_TOL) and keep
 * the points with positive mass. `what` names the side in messages ("a", "b"). */
int ot_cloud_init_input(ot_cloud *c, const ot_input *in, const double *w, const char *what);
/* The same for a float32 [n, d] tensor (other modules' entry: nnd's closest pairs). */
int ot_cloud_init(ot_cloud *c, const wk_tensor *t, const double *w, const char *what);
void ot_cloud_free(ot_cloud *c);
/* Make a deferred cloud's double rows (x) from its float rows; nothing when x exists. */
int ot_cloud_widen(ot_cloud *c);
/* Both sides at once, also checking the dimensions agree and the cost options make sense. */
int ot_prepare(ot_cloud *a, ot_cloud *b, const ot_input *ia, const double *wa, const ot_input *ib, const double *wb,
               const wk_ot_options *opt);

/* Tiny float64 clouds in range (ot_rescale.c): when the largest |coordinate| of both clouds is
 * below OT_TINY_COORD (2^-200), squared distances underflow to subnormals or 0 (||x - y||^2 <
 * 2^-1022), so the costs, the value and the certificate lose every digit. W_p costs are
 * homogeneous and a power of two scales exactly, so the solvers run on both clouds times 2^k
 * (largest |coordinate| in [1, 2)) and the callers scale value, gap, duals and errors back by
 * 2^-e (e = k for the Euclidean and Minkowski costs, 2k for the squared one; ot_rescale_result).
 * Ordinary inputs (k = 0) are used as given: bit-identical results. */
#define OT_TINY_COORD 0x1p-200
typedef struct ot_rescale {
    ot_input a, b;        /* the inputs the solver takes (the caller's when k = 0) */
    double *own_a, *own_b; /* the scaled copies, or NULL */
    int k;                /* the power of two applied to the coordinates */
} ot_rescale;
/* Fill r for the inputs ia, ib (float32 input never needs it: its least |value| is 2^-149). */
int ot_rescale_init(ot_rescale *r, const ot_input *ia, const ot_input *ib);
void ot_rescale_free(ot_rescale *r);
/* The exponent e of the costs' scale 2^e for cost kind `cost` (0 when nothing was scaled). */
int ot_rescale_cost_exp(const ot_rescale *r, wk_ot_cost cost);
/* Scale a solver's answer for the copies back to the caller's size: value, reg_value, gap,
 * std_error and the duals u[n], v[m] (when set) by 2^-e; nothing when nothing was scaled. */
void ot_rescale_result(const ot_rescale *r, wk_ot_cost cost, wk_ot_result *res, int64_t n, int64_t m);


/* ---- ground costs ---- */
typedef struct ot_costs {
    int64_t n, m;
    int dim;
    wk_ot_cost kind;
    double p;
    const double *a, *b; /* the clouds' points (exact costs come from these) */
    const float *a32, *b32; /* the same values as floats when both inputs were float32, else NULL */
    double *bt;        /* direct path: b transposed [dim][m] (vectorises over j) */
    int use_gemm;      /* high-d euclidean: -2 a.b + |a|^2 + |b|^2 through BLAS (enum below) */
    double *ad, *bd;   /* dgemm engine: the points minus a common centre (the identity's
                        * cancellation error scales with |a||b|, so coordinates far larger than
                        * the spread would swamp it) */
    float *af, *bf;    /* sgemm engine: the same centred points rounded to float */
    double *na, *nb;   /* squared norms of the centred (rounded) points */
    double gamma_sq;   /* bound on the gemm error of a squared distance */
    double eta;        /* bound on |distance(centred, rounded points) - distance(points)| */
    float *cache;      /* optional [n, m] approximate costs (float; single precision only) */
    double *dcache;    /* small high-d problems on the direct engine: all [n, m] exact costs,
                        * computed once; the scans and ot_pair_cost read them */
    double cache_rel;  /* relative error of the stored costs' rounding */
    int64_t block_rows;
} ot_costs;

enum { OT_GEMM_DOUBLE = 1, OT_GEMM_SINGLE = 2 };
/* ot_costs_init's `certified`: 0 plain (Sinkhorn), 1 certified (approximate engines allowed,
 * the caller applies ot_cost_margin), OT_COSTS_DENSE every cost exact and stored (dcache). */
enum { OT_COSTS_DENSE = 2 };
/* certified: the caller applies ot_cost_margin to every approximate cost, so high-d costs may
 * come from sgemm and a float cache (within opt->max_cache_bytes); otherwise dgemm. */
int ot_costs_init(ot_costs *e, const ot_cloud *a, const ot_cloud *b, const wk_ot_options *opt, int certified);
void ot_costs_free(ot_costs *e);
/* Exact cost of one pair, in double from the points. */
double ot_pair_cost(const ot_costs *e, int64_t i, int64_t j);
/* An upper bound on the cost of moving amounts |ra| [n] on A's points and |rb| [m] on B's to any
 * other of their points, through the heaviest points x0, y0 of the masses wa [n], wb [m]:
 * c(x, y) <= c(x, y0) + c(y0, x0) + c(x0, y) for a norm (3 x the squared terms for the squared
 * cost), so far points of tiny mass weigh what their mass makes them. ra, rb NULL: the masses
 * themselves (each summing to 1): a bound on every plan's cost, the masses' cost scale. With a
 * plan's marginal errors: what restoring the marginals may cost. */
double ot_mass_cost_bound(const ot_costs *e, const double *wa, int64_t n, const double *wb, int64_t m, const double *ra,
                          const double *rb);
/* Approximate costs of rows [i0, i1) against every column into buf[(i - i0) * m + j]. */
void ot_cost_rows(const ot_costs *e, int64_t i0, int64_t i1, double *buf);
/* Single-precision engine (use_gemm == OT_GEMM_SINGLE): rows [i0, i1) as floats. */
void ot_cost_rows_f(const ot_costs *e, int64_t i0, int64_t i1, float *buf);
/* Bound on |approx - exact| for an approximate cost c (0 on the exact paths). */
double ot_cost_margin(const ot_costs *e, double c);
/* All-pairs scans: every row of costs reaches the visitor once, as doubles (exact engines, or
 * a small problem's stored costs) or as floats (the single-precision engine: rows of its cache,
 * or sgemm blocks when the cache did not fit); tid is the OpenMP thread visiting it. */
typedef void (*row_visit_fn)(void *ctx, int64_t i, const double *row, const float *frow, int tid);
int ot_scan_rows(const ot_costs *e, row_visit_fn fn, void *ctx);

/* ---- Sinkhorn (sinkhorn_dense.c): the log-domain loop every entropic solver runs ----
 * On the n x m costs M (row-major, finite) with masses a[n], b[m] (>= 0, each summing to the
 * same total; a zero mass gets an -inf potential, an empty row or column): ε-scaling from
 * eps_start down to reg, then passes at reg until the column marginal's L1 error is below tol,
 * at most max_iter passes in all. The potentials f[n], g[m]
 * absorb the masses: the plan is P_ij = exp((f_i + g_j - M_ij) / reg), its rows exact;
 * *marginal_err is its column error (>= tol: not converged). WK_ENOMEM only. */
int ot_sinkhorn_log(const double *M, int64_t n, int64_t m, const double *a, const double *b, double reg,
                    double eps_start, int max_iter, double tol, double *f, double *g, int64_t *iterations,
                    double *marginal_err);

/* ---- sparse network simplex (transportation problem, arcs a_i -> b_j, uncapacitated) ---- */
typedef struct ot_simplex ot_simplex;
ot_simplex *ot_simplex_new(int64_t n, int64_t m, int64_t arc_hint);
void ot_simplex_free(ot_simplex *s);
/* Add arc i -> j with the given cost unless present; returns 1 if added, 0 if present, <0 on
 * allocation failure. */
int ot_simplex_add_arc(ot_simplex *s, int32_t i, int32_t j, double cost);
/* Start from a greedy forest of the arcs added so far hung from an artificial root (LEMON's
 * artificial star when there are none; see network_simplex.c); cmax bounds the arc costs.
 * Masses are supply[n] and demand[m] with equal sums; arcs added before or after. */
int ot_simplex_start(ot_simplex *s, const double *supply, const double *demand, double cmax);
/* The greedy start's arc order: key[0..ng) = 0..ng-1 sorted by cost[], ties by index (a total
 * order, the same on every platform; a radix sort up to 2^18 arcs, else qsort_r). */
void ot_arc_order(const double *cost, int64_t ng, int32_t *key);
/* The next ot_simplex_start's forest: the arcs (ii[t], jj[t]) already added, in priority order
 * (a near-optimal plan's support, e.g. refined from a coarse solve; see exact_coarse.c) instead
 * of the greedy one; a hint whose tree flows are not feasible is dropped. Copies the arrays. */
int ot_simplex_set_hint(ot_simplex *s, const int32_t *ii, const int32_t *jj, int64_t count);
/* Whether the last ot_simplex_start built its tree from the hint (test aid). */
int ot_simplex_hint_used(const ot_simplex *s);
/* Total flow left on artificial arcs (zero at a feasible optimum). */
double ot_simplex_artificial_flow(const ot_simplex *s);
/* WK_EINTERNAL (a bug: the caller guarantees feasible arcs) when more than rel x the total
 * supply still flows on artificial arcs. */
int ot_simplex_check_feasible(const ot_simplex *s, double rel);
/* Pivot (block search, Cunningham's leaving-arc rule) until no arc has reduced cost < -tol;
 * WK_ELIMIT when max_pivots (> 0) pivots did not reach it. */
int ot_simplex_solve(ot_simplex *s, double tol, int64_t max_pivots);
/* LEMON-sign potentials: reduced cost of i->j is c + pi[i] - pi[n + j]. */
const double *ot_simplex_potentials(const ot_simplex *s);
int64_t ot_simplex_pivots(const ot_simplex *s);
int64_t ot_simplex_arc_count(const ot_simplex *s);
/* Iterate the basic arcs with positive flow: returns the count written (at most n + m - 1). */
int64_t ot_simplex_flows(const ot_simplex *s, int32_t *ii, int32_t *jj, double *flow, double *cost);
/* Test aid: WK_EINTERNAL (with a message) unless the basis is a consistent spanning tree: the
 * thread a preorder of all nodes with rev_thread its inverse, succ_num/last_succ each node's
 * subtree size and block end, preds the tree arcs (flows >= 0) and every tree arc's reduced
 * cost within tol. O(nodes + arcs). */
int ot_simplex_check_tree(const ot_simplex *s, double tol);


/* Whether a loop of about `work` flops is worth an OpenMP team: on shared cores a parallel
 * region costs a scheduler slice when the other thread has to be woken (a 64 x 64 x 784 solve
 * took 0.13 s with two threads against 0.03 s with one, under load), so passes below about a
 * millisecond of work stay serial. */
static inline int ot_parallel_worth(int64_t work) { return work >= ((int64_t)1 << 21); }

/* min(c, cap) for the capped costs of w1_exact.c, as one minsd (libm's fmin is a call: 7% of a
 * 2-D solve when it sat in the pricing loop); costs are never NaN. */
static inline double ot_capped(double c, double cap) { return c < cap ? c : cap; }

/* Insert (v, j) into the ascending top-k list vals/idx (only if smaller than its last). */
static inline void ot_topk_insert(double *vals, int32_t *idx, int k, double v, int32_t j) {
    if (!(v < vals[k - 1])) return;
    int p = k - 1;
    while (p > 0 && vals[p - 1] > v) {
        vals[p] = vals[p - 1];
        idx[p] = idx[p - 1];
        p--;
    }
    vals[p] = v;
    idx[p] = j;
}

/* Pricing pass for the direct low-d Euclidean / squared-Euclidean engine (price_cells.c): for
 * each row the (at most k) most negative reduced costs min(c_ij, cap) + (pi_i - pi[n + j]) < -tol,
 * into cand_j[i * k ..] (-1 pads) with their exact (uncapped) costs in cand_c; only the rows
 * with rows[i] != 0 when rows is given (the others get no candidates). */
int ot_price_cells(const ot_costs *e, const double *pi, double tol, double cap, int k, const uint8_t *rows,
                   int32_t *cand_j, double *cand_c);

/* k nearest neighbours (Euclidean, all coordinates; d <= 64) in P[np, d] of each query
 * Q[nq, d] + offset (NULL = none), through a bucket grid: idx[nq * k], -1 where np < k. */
int ot_knn_grid(const double *P, int64_t np, const double *Q, int64_t nq, int d, const double *offset, int k,
                int32_t *idx);

/* ---- a stored dense cost matrix C [n, m] (emd_dense.c; also wk_w1_exact's dense path) ---- */
/* Adds arc i -> j of cost c to a solver (ctx): >= 0, or < 0 out of memory. */
typedef int (*ot_arc_fn)(void *ctx, int32_t i, int32_t j, double c);
/* The start arcs: each row's min(k, m) and each column's min(k, n) pairs of least reduced cost
 * after row and column reduction (C_ij - min_j' C_ij' - the column minimum of what is left),
 * through add with their costs C_ij; *cmax = max(0, largest cost). WK_OK or WK_ENOMEM. */
int ot_dense_start_arcs(const double *C, int64_t n, int64_t m, int k, ot_arc_fn add, void *ctx, double *cmax);
/* A pricing pass over every pair: each row's (at most k) most negative reduced costs
 * min(C_ij, cap) + (pi_i - pi[n + j]) < -tol, computed difference first, into cand_j[i * k ..]
 * (-1 pads) with their costs C_ij in cand_c. A pass that finds none has checked every pair. */
void ot_dense_price(const double *C, int64_t n, int64_t m, const double *pi, double tol, double cap, int k,
                    int32_t *cand_j, double *cand_c);

/* ---- one dimension (w1_1d.c; also wk_w1_exact's 1-D path, exact_1d.c) ---- */
/* A point on the line, its mass and its index in the caller's arrays. */
typedef struct ot_1d_point {
    double x, w;
    int64_t k;
} ot_1d_point;
/* Sort by position, ties by index (a total order: the same coupling with every qsort). */
void ot_1d_sort(ot_1d_point *p, int64_t n);
/* The monotone (north-west-corner) coupling of two samples sorted by ot_1d_sort, a[n] and b[m]
 * with equal total masses: walking both quantile functions, each step moves min(mass left at
 * a[s], mass left at b[t]) from a[s] to b[t]. It is optimal for every cost convex in x - y
 * (Villani 2003, Thm 2.18). visit(ctx, s, t, flow) for each step with flow > 0 (s, t: sorted
 * positions), in order; returns their count (at most n + m - 1). */
typedef void (*ot_1d_flow_fn)(void *ctx, int64_t s, int64_t t, double flow);
int64_t ot_1d_coupling(const ot_1d_point *a, int64_t n, const ot_1d_point *b, int64_t m, ot_1d_flow_fn visit,
                       void *ctx);

/* ---- sparse assignment (n = m, uniform weights; assignment.c) ---- */
typedef struct ot_assign ot_assign;
ot_assign *ot_assign_new(int64_t n);
void ot_assign_free(ot_assign *s);
/* Queue arc i -> j (duplicates are dropped at the next solve); 1, or <0 on allocation failure. */
int ot_assign_add_arc(ot_assign *s, int32_t i, int32_t j, double cost);
/* Merge the queued arcs now; returns how many were new (<0 on allocation failure). */
int64_t ot_assign_commit(ot_assign *s);
/* Before the first solve: start the auction from the column duals v [n] (prices -v) at ε = eps0
 * instead of from zero prices at cmax / 8 (a warm start from approximate duals, Bertsekas). */
void ot_assign_warm(ot_assign *s, const double *v, double eps0);
/* Solve on the arcs so far: the first call runs the ε-scaling auction (cmax bounds the costs)
 * then the exact Hungarian finish; later calls only re-augment rows that new arcs touched.
 * OT_AUCTION_BUDGET: the auction's bid budget ran out (the caller falls back to the simplex;
 * an internal code, never returned to users). */
enum { OT_AUCTION_BUDGET = 2 };
int ot_assign_solve(ot_assign *s, double cmax);
const int32_t *ot_assign_matching(const ot_assign *s); /* row -> column */
/* Duals: u_i + v_j <= c_ij on every arc, equality on the matching. */
const double *ot_assign_u(const ot_assign *s);
const double *ot_assign_v(const ot_assign *s);
int64_t ot_assign_arc_count(const ot_assign *s);
int64_t ot_assign_work(const ot_assign *s); /* bids + augmenting searches */

#endif
