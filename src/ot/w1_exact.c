/* w1_exact.c — exact discrete optimal transport (wk_w1_exact).
 *
 * Network simplex (network_simplex.c) on a sparse arc set that grows by column generation:
 *  1. take as arcs every point's k nearest neighbours on the other side (optimal transport
 *     moves mass mostly between near points) plus the north-west-corner staircase of both
 *     clouds sorted along their widest coordinate (a feasible plan, optimal in 1-D), and start
 *     from LEMON's artificial star basis;
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
 * the pricing pass skips far cells (price_cells.c). */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

/* ---- all-pairs scans ---- */
/* A row of costs reaches the visitor as doubles (exact engines) or as floats (the
 * single-precision engine: rows of its cache, or sgemm blocks when the cache did not fit). */
typedef void (*row_visit_fn)(void *ctx, int64_t i, const double *row, const float *frow, int tid);

static int scan_rows(const ot_costs *e, row_visit_fn fn, void *ctx) {
    const int single = e->use_gemm == OT_GEMM_SINGLE;
    if (e->dcache) { /* small: serial, and the rows are already there */
        for (int64_t i = 0; i < e->n; i++) fn(ctx, i, e->dcache + i * e->m, NULL, 0);
        return WK_OK;
    }
    if (single && e->cache) {
#pragma omp parallel for schedule(dynamic, 16) if (ot_parallel_worth(e->n * e->m * 4))
        for (int64_t i = 0; i < e->n; i++) fn(ctx, i, NULL, e->cache + i * e->m, omp_get_thread_num());
        return WK_OK;
    }
    void *buf = wk_malloc((size_t)(e->block_rows * e->m) * (single ? sizeof(float) : sizeof(double)));
    if (!buf) return WK_ENOMEM;
    for (int64_t i0 = 0; i0 < e->n; i0 += e->block_rows) {
        int64_t i1 = i0 + e->block_rows < e->n ? i0 + e->block_rows : e->n;
        if (single) ot_cost_rows_f(e, i0, i1, buf);
        else ot_cost_rows(e, i0, i1, buf);
#pragma omp parallel for schedule(dynamic, 4) if (ot_parallel_worth((i1 - i0) * e->m * 4))
        for (int64_t i = i0; i < i1; i++) {
            const int64_t o = (i - i0) * e->m;
            fn(ctx, i, single ? NULL : (const double *)buf + o, single ? (const float *)buf + o : NULL,
               omp_get_thread_num());
        }
    }
    wk_free(buf);
    return WK_OK;
}

typedef struct knn_ctx {
    const ot_costs *e;
    int k;
    /* optional mean alignment: |a_i - (b_j - delta)|^2 = |a_i - b_j|^2 + sa_i - sb_j + |delta|^2
     * with sa = 2 delta.a, sb = 2 delta.b — the shifted neighbours from the same costs */
    const double *sa, *sb;
    int32_t *row_j;           /* [n * k] nearest b of each a */
    double *col_v;            /* [threads * m * k] per-thread nearest a of each b */
    int32_t *col_i;
    double *col_thr;          /* [threads * m] each column list's largest value: a contiguous
                               * test, so the scan does not stride through the lists */
    double *row_max;          /* [n] largest cost per row (for the tolerance scale) */
    double *row_min;          /* [n] smallest cost per row (for the pricing margin) */
} knn_ctx;

static void knn_row(void *vctx, int64_t i, const double *row, const float *frow, int tid) {
    knn_ctx *c = vctx;
    const int k = c->k;
    const int64_t m = c->e->m;
    double vals[64];
    int32_t *rj = c->row_j + i * k;
    for (int t = 0; t < k; t++) {
        vals[t] = INFINITY;
        rj[t] = -1;
    }
    double *cv = c->col_v + (int64_t)tid * m * k;
    int32_t *ci = c->col_i + (int64_t)tid * m * k;
    double *thr = c->col_thr + (int64_t)tid * m;
    const int sq = c->e->kind == WK_COST_SQEUCLIDEAN;
    double mx = 0, mn = INFINITY;
    for (int64_t j = 0; j < m; j++) {
        double v = frow ? (double)frow[j] : row[j];
        if (v > mx) mx = v;
        if (v < mn) mn = v;
        if (c->sa) v = (sq ? v : v * v) + c->sa[i] - c->sb[j];
        ot_topk_insert(vals, rj, k, v, (int32_t)j);
        if (v < thr[j]) {
            ot_topk_insert(cv + j * k, ci + j * k, k, v, (int32_t)i);
            thr[j] = cv[j * k + k - 1];
        }
    }
    c->row_max[i] = mx;
    c->row_min[i] = mn;
}

typedef struct price_ctx {
    const ot_costs *e;
    const double *pi;
    double tol;
    int k;
    int32_t *cand_j;  /* [n * k], -1 = none */
    double *cand_c;   /* exact costs */
    double cmin, cmax; /* range of the approximate costs (the float engine's prefilter) */
    double cap;        /* costs are min(c, cap) (see run_exact); INFINITY = none */
} price_ctx;

/* Offer pair (i, j) to row i's k most violated arcs, given its approximate cost c (within
 * ot_cost_margin of the exact one) and the dual offset pi_i − pi_j: clear violations go in,
 * pairs whose sign the margin leaves ambiguous are decided with the exact cost. */
static inline void offer_approx(const ot_costs *e, int64_t i, int64_t j, double c, double dual, double tol,
                                double cap, double *vals, int32_t *cj, int k) {
    /* min(., cap) moves a cost by no more than the cost moved: the margin still holds */
    double margin = ot_cost_margin(e, c), v = ot_capped(c, cap) + dual;
    if (v < -tol - margin) {
        ot_topk_insert(vals, cj, k, v, (int32_t)j);
    } else if (v < -tol + margin && cj[k - 1] < 0) {
        double ve = ot_capped(ot_pair_cost(e, i, j), cap) + dual;
        if (ve < -tol) ot_topk_insert(vals, cj, k, ve, (int32_t)j);
    }
}

/* Float rows with an error margin: a vectorisable prefilter against the largest margin over
 * the cost range, then per pair: violated beyond the margin, or undecided within it and
 * recomputed exactly (a handful per row), or satisfied. */
static void price_row_single(price_ctx *c, int64_t i, const float *frow) {
    const ot_costs *e = c->e;
    const int k = c->k;
    const int64_t m = e->m, n = e->n;
    const double pi_i = c->pi[i], *pib = c->pi + n, tol = c->tol, cap = c->cap;
    const double worst = fmax(ot_cost_margin(e, c->cmin * (1 - 1e-6)), ot_cost_margin(e, c->cmax)) + c->cmax * e->cache_rel;
    const double thr = -tol - pi_i + worst;
    double vals[64];
    int32_t *cj = c->cand_j + i * k;
    for (int t = 0; t < k; t++) {
        vals[t] = INFINITY;
        cj[t] = -1;
    }
    if (cap > c->cmax + worst) { /* no cost reaches the cap: the plain prefilter */
        for (int64_t j = 0; j < m; j++) {
            if ((double)frow[j] - pib[j] >= thr) continue;
            offer_approx(e, i, j, frow[j], pi_i - pib[j], tol, cap, vals, cj, k);
        }
    } else {
        for (int64_t j = 0; j < m; j++) {
            if (ot_capped((double)frow[j], cap) - pib[j] >= thr) continue;
            offer_approx(e, i, j, frow[j], pi_i - pib[j], tol, cap, vals, cj, k);
        }
    }
    for (int t = 0; t < k; t++) c->cand_c[i * k + t] = cj[t] >= 0 ? ot_pair_cost(e, i, cj[t]) : 0;
}

static void price_row(void *vctx, int64_t i, const double *row, const float *frow, int tid) {
    (void)tid;
    price_ctx *c = vctx;
    if (frow) {
        price_row_single(c, i, frow);
        return;
    }
    const ot_costs *e = c->e;
    const int k = c->k;
    const int64_t m = e->m, n = e->n;
    const double pi_i = c->pi[i], *pib = c->pi + n, tol = c->tol, cap = c->cap;
    double vals[64];
    int32_t *cj = c->cand_j + i * k;
    for (int t = 0; t < k; t++) {
        vals[t] = INFINITY;
        cj[t] = -1;
    }
    const int approx = e->use_gemm;
    for (int64_t j = 0; j < m; j++) {
        /* the potentials' difference first: rounds to within u of |c| near the decision (the
         * certificate's bound, run_exact), whatever the potentials' size */
        double v = ot_capped(row[j], cap) + (pi_i - pib[j]);
        if (v >= -tol && !approx) continue;
        if (!approx) {
            ot_topk_insert(vals, cj, k, v, (int32_t)j);
            continue;
        }
        offer_approx(e, i, j, row[j], pi_i - pib[j], tol, cap, vals, cj, k);
    }
    for (int t = 0; t < k; t++) c->cand_c[i * k + t] = cj[t] >= 0 ? ot_pair_cost(e, i, cj[t]) : 0;
}

static int price_all(price_ctx *c) {
    if (!c->e->use_gemm && c->e->kind != WK_COST_MINKOWSKI && c->e->dim <= 64)
        return ot_price_cells(c->e, c->pi, c->tol, c->cap, c->k, c->cand_j, c->cand_c);
    return scan_rows(c->e, price_row, c);
}

/* ---- sorting along one coordinate (the start tree's order) ---- */
typedef struct keyed {
    double key;
    int64_t idx;
} keyed;

static int cmp_keyed(const void *x, const void *y) {
    const keyed *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int sorted_order(const ot_cloud *c, int coord, int64_t *order) {
    keyed *k = wk_malloc((size_t)c->n * sizeof *k);
    if (!k) return WK_ENOMEM;
    for (int64_t i = 0; i < c->n; i++) {
        k[i].key = c->x[i * c->dim + coord];
        k[i].idx = i;
    }
    qsort(k, (size_t)c->n, sizeof *k, cmp_keyed);
    for (int64_t i = 0; i < c->n; i++) order[i] = k[i].idx;
    wk_free(k);
    return WK_OK;
}

static int widest_coordinate(const ot_cloud *a, const ot_cloud *b) {
    const int d = a->dim;
    const double N = (double)(a->n + b->n);
    /* two passes (coordinates far larger than their spread must not cancel), row by row */
    double *mu = wk_calloc((size_t)d, sizeof(double)), *s2 = wk_calloc((size_t)d, sizeof(double));
    if (!mu || !s2) {
        wk_free(mu);
        wk_free(s2);
        wk_clear_error();
        return 0; /* only an ordering heuristic */
    }
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s < 2; s++) {
            const ot_cloud *c = s ? b : a;
            for (int64_t i = 0; i < c->n; i++)
                for (int k = 0; k < d; k++) {
                    const double v = c->x[i * d + k];
                    if (pass == 0) mu[k] += v;
                    else s2[k] += (v - mu[k]) * (v - mu[k]);
                }
            if (pass == 0 && s == 1)
                for (int k = 0; k < d; k++) mu[k] /= N;
        }
    int best = 0;
    for (int k = 1; k < d; k++)
        if (s2[k] > s2[best]) best = k;
    wk_free(mu);
    wk_free(s2);
    return best;
}

/* ---- the solver ---- */
typedef struct exact_state {
    ot_cloud A, B;
    ot_costs costs;
    ot_simplex *s;   /* the general solver ... */
    ot_assign *as;   /* ... or the assignment solver (n = m, uniform) */
    double *supply, *demand;
    int64_t *order_a, *order_b;
    int32_t *cand_j, *col_i, *row_j;
    double *cand_c, *col_v, *col_thr, *row_max, *row_min;
    double cmin;     /* smallest scanned cost (add_knn_arcs) */
    double cap;      /* solve with costs min(c, cap) (run_exact); INFINITY = none */
} exact_state;

/* Add arc i -> j, its cost capped, to whichever solver runs; 1 added, 0 present, <0 out of memory. */
static int add_arc(exact_state *st, int32_t i, int32_t j, double cost) {
    cost = ot_capped(cost, st->cap);
    return st->as ? ot_assign_add_arc(st->as, i, j, cost) : ot_simplex_add_arc(st->s, i, j, cost);
}

/* Candidates: k nearest neighbours, and for clouds whose means differ also the k nearest
 * after translating b onto a's mean — when one cloud is a shifted copy of the other, optimal
 * transport moves points by about that shift, far beyond their plain nearest neighbours. */
static int add_knn_arcs(exact_state *st, const double *sa, const double *sb, int k, double *cmax);

/* delta = mean(b) - mean(a) (weighted); returns |delta|^2. */
static double mean_shift(const exact_state *st, double *delta) {
    const int d = st->A.dim;
    double shift2 = 0;
    for (int c = 0; c < d; c++) {
        double ma = 0, mb = 0;
        for (int64_t i = 0; i < st->A.n; i++) ma += st->A.w[i] * st->A.x[i * d + c];
        for (int64_t j = 0; j < st->B.n; j++) mb += st->B.w[j] * st->B.x[j * d + c];
        delta[c] = mb - ma;
        shift2 += delta[c] * delta[c];
    }
    return shift2;
}

/* Low-dimensional Euclidean-type costs: the same candidates from grid searches (knn_grid.c),
 * O((n + m) k) instead of n×m scans; cmax is then a bound (the joint bounding box's diagonal). */
enum { GRID_MAX_DIM = 4 };

/* Arcs from each a-point to its k nearest b-points and from each b-point to its k nearest
 * a-points, measured between the point sets xa and xb (the clouds, or transformed copies;
 * xa moved by +delta when delta is given). idx: scratch of max(n, m)·k. */
static int add_grid_knn_pairs(exact_state *st, const double *xa, const double *xb, const double *delta, int k,
                              int32_t *idx) {
    const int64_t n = st->A.n, m = st->B.n;
    const int d = st->A.dim;
    const int kr = k < m ? k : (int)m, kc = k < n ? k : (int)n;
    double neg[GRID_MAX_DIM];
    for (int c = 0; c < d && delta; c++) neg[c] = -delta[c];
    int rc = ot_knn_grid(xb, m, xa, n, d, delta, kr, idx);
    for (int64_t i = 0; i < n && !rc; i++)
        for (int t = 0; t < kr; t++) {
            int32_t j = idx[i * kr + t];
            if (j >= 0 && add_arc(st, (int32_t)i, j, ot_pair_cost(&st->costs, i, j)) < 0) rc = WK_ENOMEM;
        }
    if (!rc) rc = ot_knn_grid(xa, n, xb, m, d, delta ? neg : NULL, kc, idx);
    for (int64_t j = 0; j < m && !rc; j++)
        for (int t = 0; t < kc; t++) {
            int32_t i = idx[j * kc + t];
            if (i >= 0 && add_arc(st, i, (int32_t)j, ot_pair_cost(&st->costs, i, j)) < 0) rc = WK_ENOMEM;
        }
    return rc;
}

static int add_grid_arcs(exact_state *st, int k, const double *delta, double *cmax) {
    const int64_t n = st->A.n, m = st->B.n;
    const int d = st->A.dim;
    double diag = 0;
    for (int c = 0; c < d; c++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int64_t i = 0; i < n; i++) lo = fmin(lo, st->A.x[i * d + c]), hi = fmax(hi, st->A.x[i * d + c]);
        for (int64_t j = 0; j < m; j++) lo = fmin(lo, st->B.x[j * d + c]), hi = fmax(hi, st->B.x[j * d + c]);
        diag += (hi - lo) * (hi - lo);
    }
    *cmax = st->costs.kind == WK_COST_SQEUCLIDEAN ? diag : sqrt(diag);
    int32_t *idx = wk_malloc((size_t)((n > m ? n : m) * k) * sizeof(int32_t));
    if (!idx) return WK_ENOMEM;
    /* plain neighbours, then (clouds with different means) a moved by +delta */
    int rc = add_grid_knn_pairs(st, st->A.x, st->B.x, NULL, k, idx);
    if (!rc && delta) rc = add_grid_knn_pairs(st, st->A.x, st->B.x, delta, k, idx);
    wk_free(idx);
    return rc;
}

/* A copy of cloud c standardised per coordinate ((x − mean) / std); fills sd with the stds. */
static double *standardised(const ot_cloud *c, double *sd) {
    const int d = c->dim;
    double *z = wk_malloc((size_t)(c->n * d) * sizeof(double));
    if (!z) return NULL;
    for (int u = 0; u < d; u++) {
        double mu = 0, var = 0;
        for (int64_t i = 0; i < c->n; i++) mu += c->w[i] * c->x[i * d + u];
        for (int64_t i = 0; i < c->n; i++) var += c->w[i] * (c->x[i * d + u] - mu) * (c->x[i * d + u] - mu);
        sd[u] = sqrt(var);
        double inv = sd[u] > 0 ? 1 / sd[u] : 1;
        for (int64_t i = 0; i < c->n; i++) z[i * d + u] = (c->x[i * d + u] - mu) * inv;
    }
    return z;
}

/* Clouds of very different spread (an untrained generator's tight blob against the data):
 * every real point's nearest fakes are the same few on the blob's near side, while the optimal
 * matching sends each real point to the fake in the same relative position. The k nearest
 * neighbours between the two clouds standardised per coordinate are those candidates; without
 * them column generation needed 18 rounds and 11% of all pairs on a 2,000-point ring. */
static int add_scaled_grid_arcs(exact_state *st, int k) {
    const int64_t n = st->A.n, m = st->B.n;
    const int d = st->A.dim;
    double sda[GRID_MAX_DIM], sdb[GRID_MAX_DIM];
    double *za = standardised(&st->A, sda), *zb = standardised(&st->B, sdb);
    int32_t *idx = wk_malloc((size_t)((n > m ? n : m) * k) * sizeof(int32_t));
    int rc = za && zb && idx ? WK_OK : WK_ENOMEM, differ = 0;
    for (int u = 0; u < d && !rc; u++)
        differ |= sda[u] > 2 * sdb[u] || sdb[u] > 2 * sda[u];
    if (!rc && differ) rc = add_grid_knn_pairs(st, za, zb, NULL, k, idx);
    wk_free(za);
    wk_free(zb);
    wk_free(idx);
    return rc;
}

static int add_initial_arcs(exact_state *st, int k, double *cmax) {
    const int64_t n = st->A.n, m = st->B.n;
    const int d = st->A.dim;
    const int euclid = st->costs.kind != WK_COST_MINKOWSKI;
    double *delta = wk_malloc((size_t)d * sizeof(double));
    if (!delta) return WK_ENOMEM;
    const int shifted = euclid && mean_shift(st, delta) > 0;
    int rc;
    if (euclid && d <= GRID_MAX_DIM && !st->costs.use_gemm) {
        rc = add_grid_arcs(st, k, shifted ? delta : NULL, cmax);
        if (!rc) rc = add_scaled_grid_arcs(st, k);
    } else if (!(rc = add_knn_arcs(st, NULL, NULL, k, cmax)) && shifted) {
        /* the mean-aligned neighbours, from the same cost rows (no second engine or gemm) */
        double *sa = wk_malloc((size_t)n * sizeof(double)), *sb = wk_malloc((size_t)m * sizeof(double)), unused;
        if (!sa || !sb) rc = WK_ENOMEM;
        for (int64_t i = 0; i < n && !rc; i++) {
            double t = 0;
            for (int c = 0; c < d; c++) t += delta[c] * st->A.x[i * d + c];
            sa[i] = 2 * t;
        }
        for (int64_t j = 0; j < m && !rc; j++) {
            double t = 0;
            for (int c = 0; c < d; c++) t += delta[c] * st->B.x[j * d + c];
            sb[j] = 2 * t;
        }
        if (!rc) rc = add_knn_arcs(st, sa, sb, k, &unused);
        wk_free(sa);
        wk_free(sb);
    }
    wk_free(delta);
    return rc;
}

/* The north-west-corner staircase of both clouds sorted along one coordinate: a feasible plan
 * (optimal in 1-D) whose n + m - 1 arcs guarantee the sparse problem is feasible. Adds its arcs
 * when `add`; *value (if given) = its cost per unit mass (>= the optimum). */
static int northwest(exact_state *st, int add, double *value) {
    const int64_t n = st->A.n, m = st->B.n;
    double total = 0, v = 0;
    for (int64_t i = 0; i < n; i++) total += st->supply[i];
    const double tie = 1e-14 * total;
    int64_t ia = 0, ib = 0;
    double ra = st->supply[st->order_a[0]], rb = st->demand[st->order_b[0]];
    for (;;) {
        int32_t i = (int32_t)st->order_a[ia], j = (int32_t)st->order_b[ib];
        const double c = ot_pair_cost(&st->costs, i, j);
        v += (ra < rb ? ra : rb) * c;
        if (add && add_arc(st, i, j, c) < 0) return WK_ENOMEM;
        if (ia == n - 1 && ib == m - 1) break;
        if ((ra - rb <= tie && ia < n - 1) || ib == m - 1) {
            rb = rb > ra ? rb - ra : 0;
            ra = st->supply[st->order_a[++ia]];
        } else {
            ra = ra > rb ? ra - rb : 0;
            rb = st->demand[st->order_b[++ib]];
        }
    }
    if (value) *value = v / total;
    return WK_OK;
}

static void exact_state_free(exact_state *st) {
    ot_simplex_free(st->s);
    ot_assign_free(st->as);
    ot_costs_free(&st->costs);
    void *ptrs[] = {st->supply, st->demand,  st->order_a, st->order_b, st->cand_j, st->col_i,
                    st->row_j,  st->cand_c,  st->col_v,   st->col_thr, st->row_max, st->row_min};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    ot_cloud_free(&st->A);
    ot_cloud_free(&st->B);
}

/* Add every point's k nearest neighbours on the other side, the distances being those of the
 * engine `scan` (the real costs, or those after aligning the clouds' means); arcs get their
 * exact real costs. *cmax: largest scanned cost. */
static int add_knn_arcs(exact_state *st, const double *sa, const double *sb, int k, double *cmax) {
    const int64_t n = st->A.n, m = st->B.n;
    const int T = omp_get_max_threads();
    if (k > m) k = (int)m;
    int kc = k > (int)n ? (int)n : k;
    knn_ctx c = {&st->costs, k, sa, sb, NULL, NULL, NULL, NULL, NULL, NULL};
    wk_free(st->row_j);
    wk_free(st->col_v);
    wk_free(st->col_i);
    wk_free(st->col_thr);
    wk_free(st->row_max);
    wk_free(st->row_min);
    st->row_j = c.row_j = wk_malloc((size_t)(n * k) * sizeof(int32_t));
    st->col_v = c.col_v = wk_malloc((size_t)((int64_t)T * m * k) * sizeof(double));
    st->col_i = c.col_i = wk_malloc((size_t)((int64_t)T * m * k) * sizeof(int32_t));
    st->col_thr = c.col_thr = wk_malloc((size_t)((int64_t)T * m) * sizeof(double));
    st->row_max = c.row_max = wk_malloc((size_t)n * sizeof(double));
    st->row_min = c.row_min = wk_malloc((size_t)n * sizeof(double));
    if (!c.row_j || !c.col_v || !c.col_i || !c.col_thr || !c.row_max || !c.row_min) return WK_ENOMEM;
    for (int64_t t = 0; t < (int64_t)T * m; t++) c.col_thr[t] = INFINITY;
    for (int64_t t = 0; t < (int64_t)T * m * k; t++) {
        c.col_v[t] = INFINITY;
        c.col_i[t] = -1;
    }
    int rc = scan_rows(&st->costs, knn_row, &c);
    if (rc) return rc;
    *cmax = 0;
    st->cmin = INFINITY;
    for (int64_t i = 0; i < n; i++) {
        if (c.row_max[i] > *cmax) *cmax = c.row_max[i];
        if (c.row_min[i] < st->cmin) st->cmin = c.row_min[i];
        for (int t = 0; t < k; t++) {
            int32_t j = c.row_j[i * k + t];
            if (j >= 0 && add_arc(st, (int32_t)i, j, ot_pair_cost(&st->costs, i, j)) < 0) return WK_ENOMEM;
        }
    }
    /* merge the per-thread column lists */
    double vals[64];
    int32_t idx[64];
    for (int64_t j = 0; j < m; j++) {
        for (int t = 0; t < kc; t++) {
            vals[t] = INFINITY;
            idx[t] = -1;
        }
        for (int th = 0; th < T; th++)
            for (int t = 0; t < k; t++) {
                int64_t o = ((int64_t)th * m + j) * k + t;
                if (c.col_i[o] >= 0) ot_topk_insert(vals, idx, kc, c.col_v[o], c.col_i[o]);
            }
        for (int t = 0; t < kc; t++)
            if (idx[t] >= 0 && add_arc(st, idx[t], (int32_t)j, ot_pair_cost(&st->costs, idx[t], j)) < 0)
                return WK_ENOMEM;
    }
    return WK_OK;
}

/* The solver's primal (i, j, flow, cost) entries, written when the arrays are non-NULL;
 * returns their count. The assignment's flows are 1 per matched row. */
static int64_t solution_entries(const exact_state *st, int32_t *ii, int32_t *jj, double *fl, double *co) {
    if (!st->as) return ot_simplex_flows(st->s, ii, jj, fl, co);
    const int32_t *match = ot_assign_matching(st->as);
    if (ii)
        for (int64_t i = 0; i < st->A.n; i++) {
            ii[i] = (int32_t)i;
            jj[i] = match[i];
            fl[i] = 1;
            co[i] = ot_pair_cost(&st->costs, i, match[i]);
        }
    return st->A.n;
}

/* LEMON-sign potentials (reduced cost c + pi_i - pi_{n+j}) of whichever solver ran; the
 * assignment's are written into buf [n + m]. */
static const double *solution_potentials(const exact_state *st, double *buf) {
    if (!st->as) return ot_simplex_potentials(st->s);
    const double *u = ot_assign_u(st->as), *v = ot_assign_v(st->as);
    for (int64_t i = 0; i < st->A.n; i++) buf[i] = -u[i];
    for (int64_t j = 0; j < st->B.n; j++) buf[st->A.n + j] = v[j];
    return buf;
}

static int fill_result(exact_state *st, double scale, const double *pi, const wk_ot_options *opt,
                       wk_ot_result *res) {
    const int64_t n = st->A.n, m = st->B.n;
    int64_t cnt = solution_entries(st, NULL, NULL, NULL, NULL);
    int32_t *ii = wk_malloc((size_t)cnt * sizeof(int32_t)), *jj = wk_malloc((size_t)cnt * sizeof(int32_t));
    double *fl = wk_malloc((size_t)cnt * sizeof(double)), *co = wk_malloc((size_t)cnt * sizeof(double));
    int rc = ii && jj && fl && co ? WK_OK : WK_ENOMEM;
    if (!rc) {
        solution_entries(st, ii, jj, fl, co);
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
    for (int64_t i = 0; i < n; i++) res->u[st->A.orig[i]] = -pi[i];
    for (int64_t j = 0; j < m; j++) res->v[st->B.orig[j]] = pi[n + j];
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
 * covers every pair, cmax bounding the capped costs. The plan's own reduced costs are
 * computed the same way, with their rounding added. *uses_capped: the plan holds an arc whose
 * cost the cap lowered (then the capped problem's optimum need not be the real one). */
static double certificate_gap(const exact_state *st, const double *pi, double tol, double cmax, double scale,
                              int *uses_capped) {
    const double u = DBL_EPSILON / 2;
    const int64_t n = st->A.n, cnt = solution_entries(st, NULL, NULL, NULL, NULL);
    int32_t *ii = wk_malloc((size_t)cnt * sizeof(int32_t)), *jj = wk_malloc((size_t)cnt * sizeof(int32_t));
    double *fl = wk_malloc((size_t)cnt * sizeof(double)), *co = wk_malloc((size_t)cnt * sizeof(double));
    double gap = INFINITY;
    *uses_capped = 0;
    if (ii && jj && fl && co) {
        solution_entries(st, ii, jj, fl, co);
        gap = tol + 8 * u * cmax;
        for (int64_t t = 0; t < cnt; t++) {
            const double c = ot_pair_cost(&st->costs, ii[t], jj[t]), cc = fmin(c, st->cap);
            if (c > st->cap) *uses_capped = 1;
            const double r = cc + (pi[ii[t]] - pi[n + jj[t]]);
            gap += fl[t] * scale * (fabs(r) + 4 * u * (cc + fabs(r)));
        }
    }
    wk_free(ii);
    wk_free(jj);
    wk_free(fl);
    wk_free(co);
    return gap;
}

/* run_exact's answer when the plan uses a capped arc: solve again without the cap. */
enum { RETRY_UNCAPPED = 1 };

static int run_exact(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                     const wk_ot_options *opt_in, wk_ot_result *res, int use_assign, int capped) {
    wk_ot_options opt = *opt_in;
    exact_state st;
    memset(&st, 0, sizeof st);
    int rc = ot_prepare(&st.A, &st.B, a, wa, b, wb, &opt);
    if (rc) return rc;
    const int64_t n = st.A.n, m = st.B.n;
    if (n == 0 || m == 0) {
        exact_state_free(&st);
        return wk_errorf(WK_EINVAL, "wk_w1_exact: all weights of %s are zero", n == 0 ? "a" : "b");
    }
    const int square_uniform = st.A.uniform && st.B.uniform && n == m;
    if (use_assign < 0)
        use_assign = opt.exact_solver == WK_EXACT_ASSIGNMENT ||
                     (opt.exact_solver == WK_EXACT_AUTO && square_uniform);
    if (use_assign && !square_uniform) {
        exact_state_free(&st);
        return wk_errorf(WK_EINVAL, "wk_w1_exact: the assignment solver needs uniform weights and n = m (n %lld, m %lld)",
                         (long long)n, (long long)m);
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
    double *pibuf = use_assign ? wk_malloc((size_t)(n + m) * sizeof(double)) : NULL;
    if (use_assign) st.as = ot_assign_new(n);
    else st.s = ot_simplex_new(n, m, (n + m) * (2 * k + 2));
    if (!st.supply || !st.demand || !st.order_a || !st.order_b || !st.cand_j || !st.cand_c ||
        !(use_assign ? st.as && pibuf : st.s != NULL)) {
        rc = WK_ENOMEM;
        goto done;
    }
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
    if ((rc = ot_costs_init(&st.costs, &st.A, &st.B, &opt, 1)) != 0) goto done;
    int coord = widest_coordinate(&st.A, &st.B);
    if ((rc = sorted_order(&st.A, coord, st.order_a)) != 0 || (rc = sorted_order(&st.B, coord, st.order_b)) != 0)
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
    if (capped && (rc = northwest(&st, 0, &v0)) != 0) goto done;
    if (capped && v0 > 0) st.cap = (double)(n > m ? n : m) * v0 * (1 + 1e-9);
    double cmax_scan = 0;
    if ((rc = add_initial_arcs(&st, k, &cmax_scan)) != 0) goto done;
    /* for n = m uniform the staircase is the sorted-order pairing: a perfect matching */
    if ((rc = northwest(&st, 1, NULL)) != 0) goto done;
    const double cmax = fmin(cmax_scan, st.cap);
    if (!use_assign && (rc = ot_simplex_start(st.s, st.supply, st.demand, cmax * 1.01)) != 0) goto done;
    /* Reduced costs are sums of a few costs: a tolerance relative to the largest cost. */
    const double tol = 1e-11 * (cmax > 0 ? cmax : 1);
    price_ctx pc = {&st.costs, NULL, tol, kp, st.cand_j, st.cand_c, st.cmin, cmax_scan, st.cap};
    for (;;) {
        rc = use_assign ? ot_assign_solve(st.as, cmax) : ot_simplex_solve(st.s, tol, opt.max_pivots);
        if (rc) goto done;
        pc.pi = solution_potentials(&st, pibuf);
        if (res->rounds >= 2 && kp < kp_max) pc.k = kp = 2 * kp < kp_max ? 2 * kp : kp_max;
        if ((rc = price_all(&pc)) != 0) goto done;
        res->rounds++;
        int64_t added = 0;
        for (int64_t i = 0; i < n; i++)
            for (int t = 0; t < kp; t++) {
                int32_t j = st.cand_j[i * kp + t];
                if (j < 0) break;
                int r = add_arc(&st, (int32_t)i, j, st.cand_c[i * kp + t]);
                if (r < 0) {
                    rc = WK_ENOMEM;
                    goto done;
                }
                added += r;
            }
        /* the assignment queues arcs: count only those it did not hold (a pair re-proposed by
         * rounding must not loop forever) */
        if (use_assign && (added = ot_assign_commit(st.as)) < 0) {
            rc = (int)added;
            goto done;
        }
        if (added == 0 && use_assign) {
            /* a merge may have released a row even when no arc was new: match it again, and
             * price again if that changed anything (the certificate is the last pricing) */
            const int64_t w0 = ot_assign_work(st.as);
            if ((rc = ot_assign_solve(st.as, cmax)) != 0) goto done;
            if (ot_assign_work(st.as) != w0) continue;
        }
        if (added == 0) break;
    }
    if (use_assign) {
        res->iterations = ot_assign_work(st.as);
        res->arcs = ot_assign_arc_count(st.as);
    } else {
        if ((rc = ot_simplex_check_feasible(st.s, 1e-9)) != 0) goto done;
        res->iterations = ot_simplex_pivots(st.s);
        res->arcs = ot_simplex_arc_count(st.s);
    }
    const double *pi = solution_potentials(&st, pibuf);
    int uses_capped = 0;
    const double gap = certificate_gap(&st, pi, tol, cmax, scale, &uses_capped);
    if (uses_capped) {
        rc = RETRY_UNCAPPED;
        goto done;
    }
    if ((rc = fill_result(&st, scale, pi, &opt, res)) != 0) goto done;
    /* costs are >= 0, so a plan of value 0 is optimal; otherwise the bound must be small against
     * the value or the (capped) cost scale — the tolerance is relative to the latter */
    res->gap = res->value > 0 ? gap : 0;
    if (!(res->gap <= 1e-9 * res->value + 1e-10 * cmax)) {
        rc = wk_errorf(WK_EUNSUPPORTED,
                       "wk_w1_exact: cannot certify the optimum in double precision (value %.17g, certified "
                       "only to within %.3g; costs range up to %.3g)",
                       res->value, gap, cmax);
        goto done;
    }
done:
    if (rc) {
        wk_ot_result_free(res);
        if (rc == WK_ENOMEM) wk_error_context(rc, "wk_w1_exact (n = %lld, m = %lld)", (long long)n, (long long)m);
    }
    wk_free(pibuf);
    exact_state_free(&st);
    return rc;
}

static int exact_entry(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                       const wk_ot_options *opt_in, wk_ot_result *res) {
    if (!res) return wk_errorf(WK_EINVAL, "wk_w1_exact: NULL result");
    memset(res, 0, sizeof *res);
    wk_ot_options opt;
    if (opt_in) opt = *opt_in;
    else wk_ot_options_default(&opt);
    /* opt.threads is this call's thread count (the caller's context when 0), never the process's */
    wk_exec x = opt.threads > 0 ? wk_exec_make(opt.threads) : *wk_exec_current();
    wk_exec_saved saved;
    wk_exec_enter(&x, &saved);
    int capped = 1, rc;
    for (;;) {
        rc = run_exact(a, wa, b, wb, &opt, res, -1, capped);
        if (rc == OT_AUCTION_BUDGET && opt.exact_solver == WK_EXACT_AUTO) {
            /* the auction's bid budget ran out (a pathological arc set): the simplex always works */
            wk_clear_error();
            memset(res, 0, sizeof *res);
            rc = run_exact(a, wa, b, wb, &opt, res, 0, capped);
        }
        if (rc == OT_AUCTION_BUDGET) /* the assignment solver was asked for by name */
            rc = wk_error_context(WK_EUNSUPPORTED, "wk_w1_exact: the assignment solver cannot serve this problem "
                                                   "(use the simplex)");
        if (rc != RETRY_UNCAPPED) break;
        memset(res, 0, sizeof *res);
        capped = 0;
    }
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
