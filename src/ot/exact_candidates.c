/* exact_candidates.c — the arcs wk_w1_exact starts from, before any pricing: optimal
 * transport moves mass mostly between near points, so each point's k nearest neighbours on the
 * other side (from an n x m scan of the cost engine, or for low-d Euclidean costs from bucket
 * grids, knn_grid.c), again after aligning the clouds' means (one cloud a shifted copy of the
 * other) and, for low-d clouds of very different spread, after standardising both; plus the
 * north-west-corner staircase along the widest coordinate, a feasible plan whose arcs make
 * the sparse problem feasible. Every arc gets its exact cost (ot_pair_cost), capped by
 * exact_add_arc. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

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

int exact_sort_orders(exact_state *st) {
    const int coord = widest_coordinate(&st->A, &st->B);
    int rc = sorted_order(&st->A, coord, st->order_a);
    return rc ? rc : sorted_order(&st->B, coord, st->order_b);
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
            if (j >= 0 && exact_add_arc(st, (int32_t)i, j, ot_pair_cost(&st->costs, i, j)) < 0) rc = WK_ENOMEM;
        }
    if (!rc) rc = ot_knn_grid(xa, n, xb, m, d, delta ? neg : NULL, kc, idx);
    for (int64_t j = 0; j < m && !rc; j++)
        for (int t = 0; t < kc; t++) {
            int32_t i = idx[j * kc + t];
            if (i >= 0 && exact_add_arc(st, i, (int32_t)j, ot_pair_cost(&st->costs, i, j)) < 0) rc = WK_ENOMEM;
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

int exact_initial_arcs(exact_state *st, int k, double *cmax) {
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
int exact_northwest(exact_state *st, int add, double *value) {
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
        if (add && exact_add_arc(st, i, j, c) < 0) return WK_ENOMEM;
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
    int rc = ot_scan_rows(&st->costs, knn_row, &c);
    if (rc) return rc;
    *cmax = 0;
    st->cmin = INFINITY;
    for (int64_t i = 0; i < n; i++) {
        if (c.row_max[i] > *cmax) *cmax = c.row_max[i];
        if (c.row_min[i] < st->cmin) st->cmin = c.row_min[i];
        for (int t = 0; t < k; t++) {
            int32_t j = c.row_j[i * k + t];
            if (j >= 0 && exact_add_arc(st, (int32_t)i, j, ot_pair_cost(&st->costs, i, j)) < 0) return WK_ENOMEM;
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
            if (idx[t] >= 0 && exact_add_arc(st, idx[t], (int32_t)j, ot_pair_cost(&st->costs, idx[t], j)) < 0)
                return WK_ENOMEM;
    }
    return WK_OK;
}
