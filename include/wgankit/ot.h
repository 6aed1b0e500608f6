/* ot.h — optimal transport between point clouds: the Wasserstein distances wgankit uses to
 * measure how far generated samples are from the target (Biau et al. evaluate WGANs with the
 * true W1 between samples; Arora et al. explain why its empirical value must be read with care).
 *
 *  - wk_w1_exact: exact discrete OT (network simplex, or for n = m uniform clouds an
 *    auction + Hungarian assignment solver, on a growing sparse arc set, priced against every
 *    pair so the answer is exactly optimal; costs are computed on the fly or from a bounded
 *    cache, never a required n×m matrix);
 *  - wk_wp_1d: exact W_p in one dimension through quantile functions (sorting), any weights;
 *  - wk_w1_sliced: sliced W1 (or W2^2 for the squared cost) over seeded random directions;
 *  - wk_sinkhorn: entropic OT, log-domain with ε-scaling.
 *
 * Points are float32 [n, d] tensors, or (the *_f64 forms) float64 rows [n, d] that are never
 * rounded to float32 — coordinates, timestamps and ids far larger than their spread keep their
 * differences; weights are double arrays of non-negative masses summing to 1 (NULL = uniform).
 * All maths is in double. Every method honours every cost it accepts and refuses the others.
 * float64 clouds whose largest |coordinate| is below 2^-200 (squared distances would underflow)
 * are solved at 2^k times their size and every result (value, gap, duals, std_error, Sinkhorn's
 * values; an absolute eps is scaled in) scaled back exactly: W_p costs are homogeneous.
 * Functions return WK_OK or a WK_E* status with a message (see error.h). */
#ifndef WGANKIT_OT_H
#define WGANKIT_OT_H

#include <stddef.h>
#include <stdint.h>

#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest coordinate magnitude the point-cloud solvers (exact, sliced, Sinkhorn) accept:
 * squared distances of up to 2^24 coordinates then stay below 1e288, so every cost, the
 * simplex's artificial costs and the plan's value stay finite in double with room to spare.
 * Larger coordinates are refused (WK_EINVAL naming the cloud and row), never turned into Inf
 * costs. float32 input (at most 3.4e38) always fits. */
#define WK_OT_COORD_MAX 1e140

/* How far from 1 the weights of a point cloud may sum (absolute) before they are refused; within
 * it they are renormalised exactly. One tolerance for the library, the CLI and Python: float64
 * weights sum to 1 within n x 1.1e-16, and weights stored as float32 (relative rounding 6e-8) or
 * as text with 6 significant digits (printf's %g: 5e-6 relative at worst) within 1e-5. */
#define WK_OT_WEIGHT_TOL 1e-5

typedef enum {
    WK_COST_EUCLIDEAN = 0, /* ||x - y||_2        (W1) */
    WK_COST_SQEUCLIDEAN,   /* ||x - y||_2^2      (W2^2) */
    WK_COST_MINKOWSKI      /* ||x - y||_p, p = opt.p >= 1 */
} wk_ot_cost;

/* Which exact solver wk_w1_exact uses. AUTO: the assignment solver when both clouds have
 * uniform weights and n = m (there it is faster, many times so in low dimension), the network
 * simplex otherwise; in one dimension with the cost |x - y| (Euclidean or Minkowski) the closed
 * form instead: the sorted clouds' monotone coupling, the CDFs' dual potentials (rounds = 0);
 * and (any dimension, any cost, any weights) the few-sources solver FEW when one side has at most 64 points and the other at least 2,000 and 64 times as many: 10 points
 * against 200,000 take under a second instead of minutes (memory about 12 (n - 1) m bytes for n
 * few points against m at the start, up to about 3 times that at the peak; what the start needs
 * is checked before anything is taken, and the growth as it comes: WK_ENOMEM, the message giving
 * the bytes and the limit); AUTO falls back to the general path if it fails for any reason but
 * memory or max_pivots, or, for weights other than uniform (whose proven path bound is no
 * practical one), after 4 (n + m) + 100,000 paths (they take about 1 - 2 m); the paths it spent
 * count against max_pivots and in iterations. (The general path took 70 s on 10 x 50,000 random
 * weights in 2-D and 339 s on 64 x 100,000; this solver 0.1 s and 15 s.)
 * SIMPLEX and ASSIGNMENT always take the general path. ASSIGNMENT requires uniform weights and
 * n = m. FEW (successive shortest paths over the small side's points, which either side may be)
 * requires a side of at most 64 points and takes any weights: its masses move in exact integer
 * units (m a source and n a sink for uniform clouds, else 2^-62 of the normalised weight, each
 * weight rounded to a unit and at least one) and its gap covers the plan's marginals being that
 * far off the weights (under AUTO, when weights below half a unit, lifted to one, leave the gap
 * above 1e-9 value + 1e-10 x the masses' cost scale, the general path takes over: a weight of
 * 1e-300 on a point at 1e140 made the value 3e121). Its paths are at most (excess after its start) / gcd(units): about m for
 * uniform weights, only pseudo-polynomially bounded for others, which is why AUTO gives up on
 * those after 4 (n + m) + 100,000 paths. Its result has iterations =
 * augmenting paths (counted against max_pivots), rounds = 1 (its certifying pass over every
 * pair, which makes v; two more passes over every pair start it), arcs = plan entries ever
 * created (a pair that gains mass again counts again), and every other field as the general
 * path fills them. */
typedef enum {
    WK_EXACT_AUTO = 0,
    WK_EXACT_SIMPLEX,
    WK_EXACT_ASSIGNMENT,
    WK_EXACT_FEW
} wk_exact_solver;

typedef struct wk_ot_options {
    wk_ot_cost cost;
    double p;               /* Minkowski exponent (WK_COST_MINKOWSKI) */
    int want_plan;          /* fill res->plan with the nonzero (i, j, mass) triplets */
    int want_duals;         /* fill res->u, res->v (exact solver) */
    int threads;            /* this call's threads (wk_w1_exact); 0 = the caller's context (tensor.h) */
    size_t max_cache_bytes; /* cost cache budget for high-d clouds; 0 = 1 GiB */
    int knn;                /* initial candidate neighbours per point (0 = 16) */
    int64_t max_pivots;     /* 0 = unlimited; bounds every simplex pivot of the call (a coarse start's, and a capped
                             * solve's redone uncapped, too) and the few-sources solver's augmenting paths (also
                             * when AUTO falls back from it to the general path) */
    uint64_t seed;          /* sliced directions */
    wk_exact_solver exact_solver; /* wk_w1_exact's method (0 = AUTO) */
    int64_t dense_pairs;    /* wk_w1_exact: problems of at most this many pairs n·m (after
                             * dropping zero masses) are solved on every pair at once, each cost
                             * computed once (faster when small); 0 = the default (40,000),
                             * -1 = never (always the k-NN arcs and pricing rounds) */
    int64_t multiscale_min; /* wk_w1_exact, n = m uniform weights, Euclidean cost in <= 3-D: from
                             * this many points a side the assignment starts from a coarse
                             * (clustered) problem's duals; 0 = the default (1,000), -1 = never */
} wk_ot_options;

typedef struct wk_ot_triplet {
    int32_t i, j;
    double mass;
} wk_ot_triplet;

typedef struct wk_ot_result {
    double value;         /* the transport cost (W1 for euclidean; W2^2 for sqeuclidean) */
    double reg_value;     /* Sinkhorn: regularised objective <P,C> + eps*KL(P|a⊗b) */
    double std_error;     /* sliced: Monte-Carlo standard error of value (NaN for one projection) */
    int64_t iterations;   /* all the work the call did: simplex pivots (a coarse start's included, and
                           * a capped attempt's that had to be redone uncapped, as max_pivots counts
                           * them) / auction bids + augmenting paths (a redone attempt's too; not
                           * the bids of an auction that ran out of its own bid budget before the
                           * simplex took over) / the 1-D closed form's coupling steps / the
                           * few-sources solver's augmenting paths / Sinkhorn iterations */
    int rounds;           /* exact: pricing rounds over all pairs (0: the 1-D closed form; 1: the
                           * few-sources solver's certifying pass) */
    int64_t arcs;         /* exact: arcs the simplex ever held (1-D: the coupling's arcs; few
                           * sources: the (point, point) pairs that ever held mass) */
    double gap;           /* exact: proven bound on value - optimum (the dual certificate, rounding
                           * included); the solver fails (WK_EUNSUPPORTED, "cannot certify") rather
                           * than return gap > 1e-9 value + 1e-10 x the largest cost that matters,
                           * or a gap above value + 1e-6 x the masses' cost scale (a far point of tiny
                           * mass would otherwise widen the first to uselessness)
                           * (costs above max(n, m) x a feasible plan's value are capped; a plan
                           * on capped pairs is kept, its value and gap raised by what the cap took
                           * off them, when that still certifies: far points of tiny mass) */
    wk_ot_triplet *plan;  /* want_plan: nonzero entries */
    int64_t plan_len;
    double *u, *v;        /* want_duals: u_i + v_j <= c_ij, value = sum a u + sum b v */
    double marginal_err;  /* Sinkhorn: L1 marginal error of the returned plan; >= the options' tol
                           * means it did NOT converge (callers must say so) */
} wk_ot_result;

void wk_ot_options_default(wk_ot_options *o);
void wk_ot_result_free(wk_ot_result *r);

/* Exact OT cost between a [n, d] with weights wa and b [m, d] with weights wb. */
int wk_w1_exact(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb,
                const wk_ot_options *opt, wk_ot_result *res);

/* The same on float64 rows a [n, d] and b [m, d]. */
int wk_w1_exact_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                    int64_t d, const wk_ot_options *opt, wk_ot_result *res);

/* Exact 1-D W_p^p (cost |x - y|^p, p >= 1) between x[n] and y[m] by merging quantile
 * functions; *out = W_p^p (so W1 for p = 1). */
int wk_wp_1d(const float *x, const double *wx, int64_t n, const float *y, const double *wy, int64_t m,
             double p, double *out);
int wk_wp_1d_f64(const double *x, const double *wx, int64_t n, const double *y, const double *wy, int64_t m,
                 double p, double *out);

/* Sliced W1: mean over `projections` random unit directions (seeded by opt->seed) of the 1-D W1
 * of the projected clouds (the 1-D W2^2 for opt->cost = sqeuclidean, as POT's
 * sliced_wasserstein_distance(p = 2) squared; the Minkowski cost is refused with
 * WK_EUNSUPPORTED); res->std_error is the Monte-Carlo standard error (sample standard deviation
 * over the directions / sqrt(projections)); NaN for one projection, where it is undefined. */
int wk_w1_sliced(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb, int projections,
                 const wk_ot_options *opt, wk_ot_result *res);
int wk_w1_sliced_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                     int64_t d, int projections, const wk_ot_options *opt, wk_ot_result *res);

/* Entropic OT (Cuturi 2013) solved in the log domain with ε-scaling (Schmitzer 2019):
 * res->value = <P, C> (unregularised cost of the Sinkhorn plan), res->reg_value adds eps*KL.
 * eps is absolute (same units as the cost). */
/* The smallest regularisation, relative to the largest |cost|, that float64 resolves: the
 * potentials carry the costs' rounding (~1e-16 of the largest), which divided by eps must stay
 * far below 1 (the CLI's --eps floor; smaller values give "plans" that are no coupling). */
#define WK_SINKHORN_REL_MIN 1e-9

typedef struct wk_sinkhorn_options {
    double eps;          /* target regularisation: > 0 absolute, < 0 means abs(eps) x largest cost;
                          * below WK_SINKHORN_REL_MIN x the largest cost: WK_EINVAL naming eps */
    double tol;          /* marginal L1 error to stop at (default 1e-9) */
    int max_iter;        /* passes over all ε stages together (POT's numItermax; default 10000) */
    int eps_scaling;     /* start at the cost range and halve each stage until eps (default 1) */
} wk_sinkhorn_options;

int wk_sinkhorn(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb,
                const wk_sinkhorn_options *sopt, const wk_ot_options *opt, wk_ot_result *res);
int wk_sinkhorn_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                    int64_t d, const wk_sinkhorn_options *sopt, const wk_ot_options *opt, wk_ot_result *res);

/* Exact OT for a dense cost matrix M [n, m] (row-major), with POT's ot.emd2 meaning: masses
 * wa[n], wb[m] finite, >= 0, with equal totals (NULL = uniform, total 1); *value = sum P_ij M_ij
 * for an optimal plan P (so it scales with the total mass). Network simplex by column
 * generation over M (every pair priced; see emd_dense.c): for point clouds use wk_w1_exact,
 * which never needs the matrix. Messages name "a", "b", "M". Any finite M: costs far from 1
 * (max|M| > 2^500, or a range below 2^-500) are solved scaled by a power of two (exact), and a
 * matrix that is one constant c (M + 1e16 after rounding) has the value c x the total mass.
 * Costs above max(n, m) x a feasible plan's value are capped for a first solve (as in
 * wk_w1_exact), kept if the plan's capped pairs add at most 1e-10 of its value plus the costs'
 * offset (min M, which the shifted costs' rounding carries anyway): a far row of
 * tiny mass no longer blurs the other costs (1e140 carrying 1e-300 gave a plan 31% too dear). */
int wk_emd_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double *value);
/* Entropic OT for a dense cost matrix, POT's ot.sinkhorn2 meaning: *value = <P, M> for the
 * plan of min <P, M> - reg H(P) with marginals wa, wb (as wk_emd_dense), solved in the log
 * domain with ε-scaling until the marginal L1 error is below tol (> 0) or after max_iter passes
 * in all. *marginal_err (may be NULL) receives the L1 marginal error of the returned plan: a
 * value with *marginal_err >= tol did NOT converge (the caller must say so; POT warns).
 * reg < WK_SINKHORN_REL_MIN x max|M| is refused (WK_EINVAL naming reg). M and reg far from 1
 * are scaled together by a power of two (the plan is unchanged); an iteration that still breaks
 * down (NaN marginal error, non-finite value) is WK_ENUMERIC, never a returned number. */
int wk_sinkhorn_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double reg,
                      int max_iter, double tol, double *value, double *marginal_err);

#ifdef __cplusplus
}
#endif
#endif
