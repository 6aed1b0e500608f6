/* exact_few.c — wk_w1_exact between a few sources and many sinks (a small side of at most
 * FEW_MAX_SMALL points against a large one): successive shortest paths on the graph of the
 * sources alone, O(m n) memory, one pass over every pair to start and one to certify.
 *
 * The dual of the transport problem as a function of the sources' potentials u alone is
 *     g(u) = sum_i a_i u_i + sum_j b_j min_i (c_ij - u_i)
 * (the semi-discrete dual; Peyré & Cuturi, "Computational OT", Sec. 5.2): a plan is optimal iff
 * every sink's mass lies on sources minimising c_ij - u_i and the sources' loads are a. The
 * solver keeps the first condition as an invariant and works towards the second:
 *  - start: u = 0, every sink wholly on its nearest source (ties: the lowest index);
 *  - while some source holds more than a_i (its excess e_i > 0) and some less (e_i < 0): a
 *    Dijkstra search over the n sources from every over-full one, where edge i -> k moves mass
 *    of a sink j on i to k at the reduced cost (c_kj - u_k) - (c_ij - u_i) >= 0; the edge's
 *    cheapest sink is the top of a heap per ordered pair (i, k) keyed by c_kj - c_ij, which
 *    does not depend on u; the tops sit in a dense n x n table the search reads, each kept a
 *    sink on i (one leaving i is cleaned off the tops it held; deeper entries go stale and are
 *    dropped when they surface);
 *  - the nearest under-full source t closes the path; u_k += min(d_k, d_t) keeps every reduced
 *    cost >= 0 and makes the path tight, then the bottleneck mass moves along it (each edge moves
 *    its top sink's mass, so the invariant holds for the moved mass too). The bottleneck is the
 *    smallest of e_s, -e_t and the masses of the path's top sinks (one that the previous edge
 *    fed is only passed on): every augmentation zeroes one of them exactly, so it settles a
 *    source or takes a sink wholly off a source. Ties between equal distances go to the path of
 *    fewer edges (Edmonds-Karp's rule, which keeps max-flow augmentations finite).
 * This is successive shortest paths on the transportation network (Ahuja, Magnanti & Orlin,
 * "Network Flows", Sec. 9.7) with the sinks folded into the edges between sources, the
 * transport-simplex idea of the "few sources" case (Schmitzer's shielding reduced to n nodes).
 * The certificate: v_j = min over ALL sources of fl(c_ij - u_i) (one pass over every pair), so
 * (u, v) is dual feasible up to rounding, bounded per sink; the gap is the plan's value minus
 * the dual objective (both compensated sums), their errors and the feasibility bound added —
 * exact_1d.c's construction, checked by the same exact_certify. A broken invariant (mass on a
 * source that is not a sink's argmin) shows as a gap, never as a wrong answer.
 * Invariants: the clouds come from ot_prepare (zero masses dropped); two uniform clouds carry
 * integer masses (m per source, n per sink, as run_exact), so every move is exact there; the
 * costs are ot_pair_cost's, the same numbers the general path sees. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

/* The case this file takes (exact_few_applies): the small side at most FEW_MAX_SMALL points,
 * the large side at least FEW_MIN_LARGE and FEW_MIN_RATIO times the small one. Below that the
 * general path's dense simplex is as fast or faster (CPU s, 2-D, general / few: 64 x 2,000
 * 0.038 / 0.067, 64 x 4,000 0.13 / 0.11, 16 x 2,000 0.042 / 0.006; 64-D 64 x 2,000 0.021 /
 * 0.079), above it the general path's time grows about as m^2 (10 x 50,000: 19 s / 0.09 s).
 * Memory: the heaps hold every sink once per other source, 12 (n - 1) m bytes and their growth
 * (64 x 200,000: 464 MiB peak, 10 x 200,000: 65 MiB). bench/README-w1.md, "Few sources". */
enum { FEW_MAX_SMALL = 64, FEW_MIN_LARGE = 2000, FEW_MIN_RATIO = 64 };

int exact_few_applies(int64_t n, int64_t m, int named) {
    const int64_t s = n < m ? n : m, l = n < m ? m : n;
    return s <= FEW_MAX_SMALL && (named || (l >= FEW_MIN_LARGE && l >= FEW_MIN_RATIO * s));
}

int exact_few_max_small(void) { return FEW_MAX_SMALL; }

/* *p resized to cap elements of size elem; WK_OK, or WK_ENOMEM leaving *p as it was. */
static int resize(void *p, int64_t cap, size_t elem) {
    void *q = wk_realloc(*(void **)p, (size_t)cap * elem);
    if (!q) return WK_ENOMEM;
    *(void **)p = q;
    return WK_OK;
}

/* A 4-ary min-heap of sinks keyed by c_kj - c_ij (one per ordered source pair). A push of a
 * sink that just crossed a boundary sifts far up (its key is near the top's) and each level is
 * a cache miss: four children a level halve the levels, and their four keys share a cache line
 * (the sinks apart: 12 bytes an entry; the heaps are most of the solver's memory). */
typedef struct few_heap {
    double *key;
    int32_t *sink;
    int64_t len, cap;
} few_heap;

static void heap_sift_down(few_heap *h, int64_t p) {
    const double k = h->key[p];
    const int32_t s = h->sink[p];
    for (;;) {
        const int64_t c0 = 4 * p + 1;
        if (c0 >= h->len) break;
        const int64_t c1 = c0 + 4 < h->len ? c0 + 4 : h->len;
        int64_t c = c0;
        for (int64_t q = c0 + 1; q < c1; q++)
            if (h->key[q] < h->key[c]) c = q;
        if (!(h->key[c] < k)) break;
        h->key[p] = h->key[c];
        h->sink[p] = h->sink[c];
        p = c;
    }
    h->key[p] = k;
    h->sink[p] = s;
}

static int heap_push(few_heap *h, double k, int32_t s) {
    if (h->len == h->cap) {
        const int64_t cap = h->cap + h->cap / 2 + 16;
        if (resize(&h->key, cap, sizeof(double)) || resize(&h->sink, cap, sizeof(int32_t))) return WK_ENOMEM;
        h->cap = cap;
    }
    int64_t p = h->len++;
    while (p > 0) {
        const int64_t q = (p - 1) / 4;
        if (!(k < h->key[q])) break;
        h->key[p] = h->key[q];
        h->sink[p] = h->sink[q];
        p = q;
    }
    h->key[p] = k;
    h->sink[p] = s;
    return WK_OK;
}

static void heap_pop(few_heap *h) {
    if (--h->len > 0) {
        h->key[0] = h->key[h->len];
        h->sink[0] = h->sink[h->len];
        heap_sift_down(h, 0);
    }
}

/* One solve: sources 0..n-1 (the small cloud), sinks 0..m-1 (the large one). The plan is a
 * pool of entries (source, mass) chained per sink: a sink sits on one source, or is split
 * between a few. */
typedef struct few {
    int64_t n, m;
    ot_costs e;         /* e.a: the sources' rows, e.b: the sinks' */
    const double *a, *b; /* masses (integers for two uniform clouds) */
    double *u, *ex;     /* potentials, excess (load - a_i) [n] */
    few_heap *h;        /* [n * n]: h[i * n + k], sinks on i keyed by c_kj - c_ij */
    double *topkey;     /* [n * n] each heap's top key, its sink in topsink (-1: empty); a top */
    int32_t *topsink;   /* is always a sink on i (a sink leaving i is cleaned off the tops) */
    int32_t *head;      /* [m] the sink's first entry */
    int32_t *src, *next; /* the pool's entries */
    double *mass;
    int64_t len, cap, created;
    int32_t free_list;
    double *col;        /* [n] one sink's costs */
    /* Dijkstra's state [n] */
    double *dist;
    int32_t *hops, *pred, *predj, *path;
    uint8_t *fin;
} few;

static void sink_costs(const few *f, int32_t j, double *col) {
    for (int64_t i = 0; i < f->n; i++) col[i] = ot_pair_cost(&f->e, i, j);
}

/* The entry of sink j on source i, or -1. */
static int32_t find_entry(const few *f, int32_t j, int32_t i) {
    for (int32_t t = f->head[j]; t >= 0; t = f->next[t])
        if (f->src[t] == i) return t;
    return -1;
}

/* Drop sinks no longer on i off the top of heap (i, k) and cache its top. */
static void heap_clean(few *f, int64_t i, int64_t k) {
    few_heap *h = &f->h[i * f->n + k];
    while (h->len > 0 && find_entry(f, h->sink[0], (int32_t)i) < 0) heap_pop(h);
    f->topsink[i * f->n + k] = h->len > 0 ? h->sink[0] : -1;
    f->topkey[i * f->n + k] = h->len > 0 ? h->key[0] : INFINITY;
}

static int32_t new_entry(few *f) {
    if (f->free_list >= 0) {
        const int32_t t = f->free_list;
        f->free_list = f->next[t];
        return t;
    }
    if (f->len == f->cap) {
        const int64_t cap = 2 * f->cap;
        if (cap > INT32_MAX || resize(&f->src, cap, sizeof(int32_t)) || resize(&f->next, cap, sizeof(int32_t)) ||
            resize(&f->mass, cap, sizeof(double)))
            return -1;
        f->cap = cap;
    }
    return (int32_t)f->len++;
}

/* Move mass d of sink j from source p (holding at least d) to q; a sink new on q enters q's
 * heaps. */
static int move_mass(few *f, int32_t j, int32_t p, int32_t q, double d) {
    const int64_t n = f->n;
    const int32_t ep = find_entry(f, j, p);
    f->mass[ep] -= d;
    if (!(f->mass[ep] > 0)) { /* wholly moved (exactly 0): unlink; its heap entries go stale */
        int32_t *link = &f->head[j];
        while (*link != ep) link = &f->next[*link];
        *link = f->next[ep];
        f->next[ep] = f->free_list;
        f->free_list = ep;
        for (int64_t k = 0; k < n; k++)
            if (f->topsink[p * n + k] == j) heap_clean(f, p, k);
    }
    const int32_t eq = find_entry(f, j, q);
    if (eq >= 0) {
        f->mass[eq] += d;
        return WK_OK;
    }
    const int32_t t = new_entry(f);
    if (t < 0) return WK_ENOMEM;
    f->src[t] = q;
    f->mass[t] = d;
    f->next[t] = f->head[j];
    f->head[j] = t;
    f->created++;
    sink_costs(f, j, f->col);
    for (int64_t k = 0; k < n; k++) {
        if (k == q) continue;
        const double key = f->col[k] - f->col[q];
        if (heap_push(&f->h[q * n + k], key, j)) return WK_ENOMEM;
        if (f->topsink[q * n + k] < 0 || key < f->topkey[q * n + k]) {
            f->topkey[q * n + k] = key;
            f->topsink[q * n + k] = j;
        }
    }
    return WK_OK;
}

/* Dijkstra over the sources from every over-full one to the nearest under-full one; updates
 * the potentials and returns it (-1: none reachable, which a consistent state never gives). */
static int32_t shortest_path(few *f) {
    const int64_t n = f->n;
    for (int64_t k = 0; k < n; k++) {
        f->dist[k] = f->ex[k] > 0 ? 0 : INFINITY;
        f->hops[k] = 0;
        f->pred[k] = -1;
        f->fin[k] = 0;
    }
    int32_t t = -1;
    for (;;) {
        int32_t i = -1;
        for (int64_t k = 0; k < n; k++)
            if (!f->fin[k] && f->dist[k] < INFINITY &&
                (i < 0 || f->dist[k] < f->dist[i] || (f->dist[k] == f->dist[i] && f->hops[k] < f->hops[i])))
                i = (int32_t)k;
        if (i < 0) break;
        f->fin[i] = 1;
        if (f->ex[i] < 0) {
            t = i;
            break;
        }
        for (int64_t k = 0; k < n; k++) {
            if (f->fin[k]) continue;
            const int32_t j = f->topsink[i * n + k];
            if (j < 0) continue;
            double w = f->topkey[i * n + k] - f->u[k] + f->u[i];
            if (w < 0) w = 0; /* rounding: the invariant makes it >= 0 */
            const double d = f->dist[i] + w;
            if (d < f->dist[k] || (d == f->dist[k] && f->hops[i] + 1 < f->hops[k])) {
                f->dist[k] = d;
                f->hops[k] = f->hops[i] + 1;
                f->pred[k] = i;
                f->predj[k] = j;
            }
        }
    }
    if (t < 0) return -1;
    const double dt = f->dist[t];
    for (int64_t k = 0; k < n; k++) f->u[k] += f->dist[k] < dt ? f->dist[k] : dt;
    return t;
}

/* Move the bottleneck mass along the path ending at t (see the file's header). */
static int augment(few *f, int32_t t) {
    int32_t *path = f->path;
    int L = 0;
    for (int32_t k = t; k >= 0; k = f->pred[k]) path[L++] = k; /* t .. s */
    const int32_t s = path[L - 1];
    double d = fmin(f->ex[s], -f->ex[t]);
    for (int l = L - 1; l >= 1; l--) { /* edge path[l] -> path[l - 1] moves sink predj[path[l - 1]] */
        const int32_t p = path[l], q = path[l - 1], j = f->predj[q];
        const int fed = l < L - 1 && f->predj[p] == j;
        if (!fed) d = fmin(d, f->mass[find_entry(f, j, p)]);
    }
    for (int l = L - 1; l >= 1; l--) {
        const int32_t p = path[l], q = path[l - 1];
        int rc = move_mass(f, f->predj[q], p, q, d);
        if (rc) return rc;
    }
    f->ex[s] -= d;
    f->ex[t] += d;
    return WK_OK;
}

static void few_free(few *f) {
    if (f->h)
        for (int64_t k = 0; k < f->n * f->n; k++) {
            wk_free(f->h[k].key);
            wk_free(f->h[k].sink);
        }
    void *ptrs[] = {f->u,    f->ex,   f->h,    f->topkey, f->topsink, f->head,  f->src, f->next,
                    f->mass, f->col,  f->dist, f->hops,   f->pred,    f->predj, f->path, f->fin};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
}

/* Every sink's column of costs c_.j [n] to fn(ctx, j, col), the sinks split over the call's
 * threads (each j once; fn writes only j's slots). WK_OK or WK_ENOMEM. */
typedef void (*few_column_fn)(void *ctx, int64_t j, const double *col);
static int scan_columns(const ot_costs *e, few_column_fn fn, void *ctx) {
    const int64_t n = e->n, m = e->m;
    int rc = WK_OK;
#pragma omp parallel if (ot_parallel_worth(m * n * e->dim))
    {
        double *col = wk_malloc((size_t)n * sizeof(double));
        if (!col) {
#pragma omp atomic write
            rc = WK_ENOMEM;
        }
#pragma omp for schedule(static)
        for (int64_t j = 0; j < m; j++) {
            if (!col) continue;
            for (int64_t i = 0; i < n; i++) col[i] = ot_pair_cost(e, i, j);
            fn(ctx, j, col);
        }
        wk_free(col);
    }
    return rc;
}

/* pass 1: the nearest source of each sink (ties: the lowest index) into src[j] */
static void nearest_source(void *ctx, int64_t j, const double *col) {
    few *f = ctx;
    int32_t best = 0;
    for (int64_t i = 1; i < f->n; i++)
        if (col[i] < col[best]) best = (int32_t)i;
    f->src[j] = best;
}

/* pass 2: sink j's keys c_kj - c_ij into heaps (i, k), i its source, at its rank next[j] */
static void heap_keys(void *ctx, int64_t j, const double *col) {
    few *f = ctx;
    const int64_t n = f->n, i = f->src[j], r = f->next[j];
    for (int64_t k = 0; k < n; k++)
        if (k != i) {
            f->h[i * n + k].key[r] = col[k] - col[i];
            f->h[i * n + k].sink[r] = (int32_t)j;
        }
}

/* The start: every sink wholly on its nearest source, the heaps built from those costs. */
static int few_start(few *f) {
    const int64_t n = f->n, m = f->m;
    int64_t *count = wk_calloc((size_t)n, sizeof(int64_t));
    if (!count) return WK_ENOMEM;
    for (int64_t t = 0; t < n * n; t++) {
        f->topsink[t] = -1;
        f->topkey[t] = INFINITY;
    }
    int rc = WK_OK;
    /* the entry j is sink j's first */
    rc = scan_columns(&f->e, nearest_source, f);
    if (rc) goto done;
    for (int64_t j = 0; j < m; j++) {
        f->head[j] = (int32_t)j;
        f->next[j] = -1;
        f->mass[j] = f->b[j];
        count[f->src[j]]++;
        f->ex[f->src[j]] += f->b[j];
    }
    f->len = m;
    f->created = m;
    for (int64_t i = 0; i < n; i++) f->ex[i] -= f->a[i];
    for (int64_t i = 0; i < n && !rc; i++)
        for (int64_t k = 0; k < n && !rc; k++) {
            few_heap *h = &f->h[i * n + k];
            if (k == i || count[i] == 0) continue;
            h->cap = count[i] + 16;
            h->key = wk_malloc((size_t)h->cap * sizeof(double));
            h->sink = wk_malloc((size_t)h->cap * sizeof(int32_t));
            if (!h->key || !h->sink) rc = WK_ENOMEM;
        }
    if (rc) goto done;
    /* pass 2: the keys c_kj - c_ij at each sink's rank among its source's sinks (the rank in
     * next[] for the pass, reset after) */
    memset(count, 0, (size_t)n * sizeof(int64_t));
    for (int64_t j = 0; j < m; j++) f->next[j] = (int32_t)count[f->src[j]]++;
    rc = scan_columns(&f->e, heap_keys, f);
    if (rc) goto done;
    for (int64_t j = 0; j < m; j++) f->next[j] = -1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < n; k++) {
            few_heap *h = &f->h[i * n + k];
            if (k == i || !h->key) continue;
            h->len = count[i];
            for (int64_t p = (h->len - 2) / 4; h->len > 1 && p >= 0; p--) heap_sift_down(h, p);
            heap_clean(f, i, k); /* the top cache */
        }
done:
    wk_free(count);
    return rc;
}

/* The certificate's pass: v_j = min over every source of fl(c_ij - u_i); each difference is
 * within ur |fl(c_ij - u_i)| of the exact one, so v_j - epsv_j is feasible against every pair;
 * cm_j the column's largest cost. */
typedef struct cert_ctx {
    const double *u;
    double *v, *epsv, *cm;
    int64_t n;
} cert_ctx;

static void cert_column(void *ctx, int64_t j, const double *col) {
    const cert_ctx *c = ctx;
    double vj = INFINITY, big = 0, cm = 0;
    for (int64_t i = 0; i < c->n; i++) {
        const double r = col[i] - c->u[i];
        vj = r < vj ? r : vj;
        big = fabs(r) > big ? fabs(r) : big;
        cm = col[i] > cm ? col[i] : cm;
    }
    c->v[j] = vj;
    c->epsv[j] = DBL_EPSILON / 2 * big * 1.01;
    c->cm[j] = cm;
}

/* The certificate (see the file's header) of a plan of cnt entries (ii: source, jj: sink,
 * mass; masses a [n], b [m]) under the sources' potentials u: v [m] gets min over EVERY source
 * of fl(c_ij - u_i), *value the plan's cost, *gap a bound on value - optimum (the plan's
 * marginals taken as exact), *cmax the largest cost. WK_OK or WK_ENOMEM. */
static int few_certificate(const ot_costs *e, const double *a, const double *b, const double *u, const int32_t *ii,
                           const int32_t *jj, const double *mass, int64_t cnt, double *v, double *value, double *gap,
                           double *cmax) {
    const double ur = DBL_EPSILON / 2;
    const int64_t n = e->n, m = e->m;
    double *epsv = wk_malloc((size_t)m * sizeof(double)), *cmj = wk_malloc((size_t)m * sizeof(double)), cm = 0;
    int rc = epsv && cmj ? WK_OK : WK_ENOMEM;
    cert_ctx cc = {u, v, epsv, cmj, n};
    if (!rc) rc = scan_columns(e, cert_column, &cc);
    if (!rc) {
        csum V = {0, 0, 0, 0}, D = {0, 0, 0, 0};
        double feas = 0;
        for (int64_t t = 0; t < cnt; t++) csum_add(&V, mass[t] * ot_pair_cost(e, ii[t], jj[t]));
        for (int64_t j = 0; j < m; j++) {
            csum_add(&D, b[j] * v[j]);
            feas += b[j] * epsv[j];
            cm = cmj[j] > cm ? cmj[j] : cm;
        }
        for (int64_t i = 0; i < n; i++) csum_add(&D, a[i] * u[i]);
        const double val = csum_value(&V), dual = csum_value(&D);
        /* feas is a sum of m non-negative terms: within m ur of its exact value */
        const double g = (val - dual) + ur * fabs(val - dual) + csum_error(&V) + csum_error(&D) +
                         feas * (1 + (double)(m + 4) * ur) + ur * val;
        /* The plan's marginals as summed. Masses moved in floating point (weights that are not
         * integers: two uniform clouds carry integer masses and sum exactly) can leave the plan
         * off a and b by a few ulps, and then it is a plan of other marginals, possibly cheaper
         * than the optimum: g bounds value - optimum only. Moving the mass it is off by costs at
         * most cm a unit, so optimum - value <= R cm, added to the gap (a plan 2.4e-14 off its
         * marginals read 2.2e-6 below the optimum of a 1e8-wide problem with gap 0). */
        double R = 0;
        csum *marg = wk_calloc((size_t)(n + m), sizeof(csum));
        if (!marg) rc = WK_ENOMEM;
        for (int64_t t = 0; marg && t < cnt; t++) csum_add(&marg[ii[t]], mass[t]), csum_add(&marg[n + jj[t]], mass[t]);
        for (int64_t i = 0; marg && i < n; i++) R += fabs(csum_value(&marg[i]) - a[i]) + csum_error(&marg[i]);
        for (int64_t j = 0; marg && j < m; j++) R += fabs(csum_value(&marg[n + j]) - b[j]) + csum_error(&marg[n + j]);
        wk_free(marg);
        R *= 1 + (double)(n + m + 4) * ur;
        *value = val;
        *gap = (g > 0 ? g : 0) * (1 + 4 * ur) + R * cm * (1 + 4 * ur);
        *cmax = cm;
    }
    wk_free(epsv);
    wk_free(cmj);
    return rc;
}

/* few_certificate on float64 rows xs [n, d] (sources), xt [m, d] (sinks) for a cost kind
 * (Minkowski: exponent p): the test aid that feeds it plans and potentials of its own. */
int exact_few_certificate_f64(const double *xs, int64_t n, const double *xt, int64_t m, int d, wk_ot_cost kind, double p,
                              const double *a, const double *b, const double *u, const int32_t *ii, const int32_t *jj,
                              const double *mass, int64_t cnt, double *v, double *value, double *gap, double *cmax) {
    ot_costs e;
    memset(&e, 0, sizeof e);
    e.n = n;
    e.m = m;
    e.dim = d;
    e.kind = kind;
    e.p = p;
    e.a = xs;
    e.b = xt;
    return few_certificate(&e, a, b, u, ii, jj, mass, cnt, v, value, gap, cmax);
}

/* The certificate over every pair and the result. scale: the masses' unit (1 / (n m) for
 * integer masses); swapped: the sources are the caller's b. */
static int few_result(few *f, const ot_cloud *S, const ot_cloud *T, int swapped, double scale, const wk_ot_options *opt,
                      wk_ot_result *res) {
    const int64_t n = f->n, m = f->m;
    int64_t cnt = 0;
    for (int64_t j = 0; j < m; j++)
        for (int32_t t = f->head[j]; t >= 0; t = f->next[t]) cnt++;
    double *v = wk_malloc((size_t)m * sizeof(double)), *fl = wk_malloc((size_t)cnt * sizeof(double));
    int32_t *ii = wk_malloc((size_t)cnt * sizeof(int32_t)), *jj = wk_malloc((size_t)cnt * sizeof(int32_t));
    double value = 0, gap = 0, cmax = 0;
    int rc = v && fl && ii && jj ? WK_OK : WK_ENOMEM;
    if (rc) goto done;
    for (int64_t j = 0, k = 0; j < m; j++)
        for (int32_t t = f->head[j]; t >= 0; t = f->next[t], k++) {
            ii[k] = f->src[t];
            jj[k] = (int32_t)j;
            fl[k] = f->mass[t];
        }
    if ((rc = few_certificate(&f->e, f->a, f->b, f->u, ii, jj, fl, cnt, v, &value, &gap, &cmax)) != 0) goto done;
    res->value = value * scale;
    res->gap = res->value > 0 ? gap * scale * (1 + DBL_EPSILON) : 0;
    res->rounds = 1; /* the one pass over every pair that made v */
    res->arcs = f->created;
    if ((rc = exact_certify(res->value, res->gap, cmax, "few-sources ")) != 0) goto done;
    if (opt->want_plan) {
        if (!(res->plan = wk_malloc((size_t)(cnt > 0 ? cnt : 1) * sizeof *res->plan))) {
            rc = WK_ENOMEM;
            goto done;
        }
        for (int64_t k = 0; k < cnt; k++) {
            const int32_t is = (int32_t)S->orig[ii[k]], it = (int32_t)T->orig[jj[k]];
            res->plan[k].i = swapped ? it : is;
            res->plan[k].j = swapped ? is : it;
            res->plan[k].mass = fl[k] * scale;
        }
        res->plan_len = cnt;
    }
    if (opt->want_duals) {
        /* points dropped for zero mass get no dual (NaN), as on the general path */
        double *du = wk_malloc((size_t)S->n_orig * sizeof(double)), *dv = wk_malloc((size_t)T->n_orig * sizeof(double));
        if (!du || !dv) {
            wk_free(du);
            wk_free(dv);
            rc = WK_ENOMEM;
            goto done;
        }
        for (int64_t i = 0; i < S->n_orig; i++) du[i] = NAN;
        for (int64_t j = 0; j < T->n_orig; j++) dv[j] = NAN;
        for (int64_t i = 0; i < n; i++) du[S->orig[i]] = f->u[i];
        for (int64_t j = 0; j < m; j++) dv[T->orig[j]] = v[j];
        res->u = swapped ? dv : du;
        res->v = swapped ? du : dv;
    }
done:
    wk_free(v);
    wk_free(fl);
    wk_free(ii);
    wk_free(jj);
    return rc;
}

int exact_solve_few(ot_cloud *A, ot_cloud *B, const wk_ot_options *opt, wk_ot_result *res) {
    const int swapped = B->n < A->n;
    ot_cloud *S = swapped ? B : A, *T = swapped ? A : B;
    const int64_t n = S->n, m = T->n;
    few f;
    memset(&f, 0, sizeof f);
    double *wa = NULL, *wb = NULL;
    f.n = n;
    f.m = m;
    f.free_list = -1;
    int rc = WK_OK;
    /* the Minkowski cost reads double rows; the others read float32 input as floats */
    if (opt->cost == WK_COST_MINKOWSKI && ((rc = ot_cloud_widen(S)) != 0 || (rc = ot_cloud_widen(T)) != 0)) goto done;
    f.e.n = n;
    f.e.m = m;
    f.e.dim = S->dim;
    f.e.kind = opt->cost;
    f.e.p = opt->p;
    f.e.a = S->x;
    f.e.b = T->x;
    if (S->xf && T->xf) {
        f.e.a32 = S->xf;
        f.e.b32 = T->xf;
    }
    if ((!f.e.a32 && (!S->x || !T->x)) && (rc = ot_cloud_widen(S)) == 0 && (rc = ot_cloud_widen(T)) == 0) {
        f.e.a = S->x;
        f.e.b = T->x;
    }
    if (rc) goto done;
    /* integer masses for two uniform clouds (as run_exact): exact moves */
    const int integer = S->uniform && T->uniform && (double)n * (double)m <= 0x1p53;
    const double scale = integer ? 1.0 / ((double)n * (double)m) : 1;
    if (integer) {
        wa = wk_malloc((size_t)n * sizeof(double));
        wb = wk_malloc((size_t)m * sizeof(double));
        if (wa && wb) {
            for (int64_t i = 0; i < n; i++) wa[i] = (double)m;
            for (int64_t j = 0; j < m; j++) wb[j] = (double)n;
        }
    }
    f.a = integer ? wa : S->w;
    f.b = integer ? wb : T->w;
    f.cap = m + 4 * n + 16;
    f.u = wk_calloc((size_t)n, sizeof(double));
    f.ex = wk_calloc((size_t)n, sizeof(double));
    f.h = wk_calloc((size_t)(n * n), sizeof(few_heap));
    f.topkey = wk_malloc((size_t)(n * n) * sizeof(double));
    f.topsink = wk_malloc((size_t)(n * n) * sizeof(int32_t));
    f.head = wk_malloc((size_t)m * sizeof(int32_t));
    f.src = wk_malloc((size_t)f.cap * sizeof(int32_t));
    f.next = wk_malloc((size_t)f.cap * sizeof(int32_t));
    f.mass = wk_malloc((size_t)f.cap * sizeof(double));
    f.col = wk_malloc((size_t)n * sizeof(double));
    f.dist = wk_malloc((size_t)n * sizeof(double));
    f.hops = wk_malloc((size_t)n * sizeof(int32_t));
    f.pred = wk_malloc((size_t)n * sizeof(int32_t));
    f.predj = wk_malloc((size_t)n * sizeof(int32_t));
    f.path = wk_malloc((size_t)(n + 1) * sizeof(int32_t));
    f.fin = wk_malloc((size_t)n);
    if ((integer && (!wa || !wb)) || !f.u || !f.ex || !f.h || !f.topkey || !f.topsink || !f.head || !f.src || !f.next || !f.mass || !f.col ||
        !f.dist || !f.hops || !f.pred || !f.predj || !f.path || !f.fin) {
        rc = WK_ENOMEM;
        goto done;
    }
    if ((rc = few_start(&f)) != 0) goto done;
    int64_t paths = 0;
    const int64_t path_cap = 64 * (m + n * n) + 100000;
    for (;;) {
        /* the simplex's rule: the budget must exceed the work, the last test taking its turn */
        if (opt->max_pivots > 0 && paths >= opt->max_pivots) {
            rc = wk_errorf(WK_ELIMIT, "wk_w1_exact: max_pivots %lld reached by the few-sources solver's augmenting paths",
                           (long long)opt->max_pivots);
            goto done;
        }
        int over = 0, under = 0;
        for (int64_t i = 0; i < n; i++) {
            over |= f.ex[i] > 0;
            under |= f.ex[i] < 0;
        }
        if (!over || !under) break;
        if (paths >= path_cap) { /* never seen (about 0.4 m paths in practice): a safety net */
            rc = OT_FEW_GIVE_UP;
            goto done;
        }
        const int32_t t = shortest_path(&f);
        if (t < 0) {
            rc = wk_errorf(WK_EINTERNAL, "wk_w1_exact: few-sources solver: no path to an under-full source");
            goto done;
        }
        if ((rc = augment(&f, t)) != 0) goto done;
        paths++;
    }
    res->iterations = paths;
    rc = few_result(&f, S, T, swapped, scale, opt, res);
done:
    wk_free(wa);
    wk_free(wb);
    few_free(&f);
    if (rc == OT_FEW_GIVE_UP) wk_ot_result_free(res);
    else if (rc) {
        wk_ot_result_free(res);
        if (rc == WK_ENOMEM)
            wk_error_context(rc, "wk_w1_exact (few sources, n = %lld, m = %lld)", (long long)A->n, (long long)B->n);
    }
    return rc;
}
