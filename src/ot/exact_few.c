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
 * Invariants: the clouds come from ot_prepare (zero masses dropped); the masses are int64 units
 * (few_units: m a source and n a sink for two uniform clouds, as run_exact; else 2^-62 of the
 * normalised weight), so every move is exact, the loads end exactly at a and the paths are
 * bounded (exact_few_path_bound); the costs are ot_pair_cost's, the same numbers the general
 * path sees. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/self_memory.h"
#include "io/read_util.h"
#include "ot/exact_internal.h"
#include "wgankit/error.h"

/* The case this file takes (exact_few_applies): the small side at most FEW_MAX_SMALL points,
 * the large side at least FEW_MIN_LARGE and FEW_MIN_RATIO times the small one. Below that the
 * general path's dense simplex is as fast or faster (CPU s, 2-D, general / few: 64 x 2,000
 * 0.038 / 0.067, 64 x 4,000 0.13 / 0.11, 16 x 2,000 0.042 / 0.006; 64-D 64 x 2,000 0.021 /
 * 0.079), above it the general path's time grows about as m^2 (10 x 50,000: 19 s / 0.09 s).
 * Memory: the heaps hold every sink once per other source, 12 (n - 1) m bytes at the start, and
 * keep every sink that was ever on their source (a stale entry is dropped only when it surfaces),
 * about twice that by the end with their growth's slack (peak RSS over 12 (n - 1) m: 64 x 200,000
 * 3.1, 471 MiB; 20 x 200,000 2.6; 10 x 200,000 2.8, 61 MiB, where the certificate's 88 bytes a
 * sink, taken once the heaps are freed, are the peak). Dropping the stale entries when a heap
 * fills cost 20% more time for 9% less memory (20 x 200,000): not kept. The need at the start is
 * checked before anything is taken, the growth as it comes (few_budget). bench/README-w1.md,
 * "Few sources". */
enum { FEW_MAX_SMALL = 64, FEW_MIN_LARGE = 2000, FEW_MIN_RATIO = 64 };
/* From this many bytes needed at the start the memory check asks every limit (exact_solve_few). */
#define FEW_ROOM_CHECK ((uint64_t)32 << 20)

int exact_few_applies(int64_t n, int64_t m, int named) {
    const int64_t s = n < m ? n : m, l = n < m ? m : n;
    return s <= FEW_MAX_SMALL && (named || (l >= FEW_MIN_LARGE && l >= FEW_MIN_RATIO * s));
}

int exact_few_max_small(void) { return FEW_MAX_SMALL; }

/* The bytes the solve holds and the room the process had when it started (wk_io_memory_room,
 * measured once: it reads /proc and the cgroup files). Every growth is checked against it, so
 * a solve that outgrows the machine fails with WK_ENOMEM naming the sizes rather than being
 * ended by the OOM killer after Linux's overcommit granted it address space. */
typedef struct few_budget {
    uint64_t held, room;
    const char *which;
} few_budget;

/* WK_ENOMEM, naming what the solve holds, what it asked for and the room. */
static int budget_refuse(const few_budget *bg, uint64_t more) {
    return wk_errorf(WK_ENOMEM,
                     "wk_w1_exact: the few-sources solver holds %llu bytes and needs %llu more, more than this process "
                     "may use (%llu bytes, the limit of %s)",
                     (unsigned long long)bg->held, (unsigned long long)more, (unsigned long long)bg->room, bg->which);
}

/* *p (cap0 elements of size elem) resized to cap; WK_OK, or WK_ENOMEM leaving *p as it was.
 * The old block and the new one both count while realloc copies. */
static int resize(few_budget *bg, void *p, int64_t cap0, int64_t cap, size_t elem) {
    const uint64_t add = (uint64_t)cap * elem;
    if (bg->held + add > bg->room) return budget_refuse(bg, add);
    void *q = wk_realloc(*(void **)p, (size_t)cap * elem);
    if (!q) return WK_ENOMEM;
    *(void **)p = q;
    bg->held += (uint64_t)(cap - cap0) * elem;
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
enum { FEW_HEAP_ENTRY = sizeof(double) + sizeof(int32_t) };

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

static int heap_push(few_budget *bg, few_heap *h, double k, int32_t s) {
    if (h->len == h->cap) {
        const int64_t cap = h->cap + h->cap / 2 + 16;
        int rc = resize(bg, &h->key, h->cap, cap, sizeof(double));
        if (!rc) rc = resize(bg, &h->sink, h->cap, cap, sizeof(int32_t));
        if (rc) return rc; /* (the keys' larger block kept: h->cap still counts the smaller) */
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
    const int64_t *a, *b; /* masses in integer units (few_units) */
    double *u;          /* potentials [n] */
    int64_t *ex;        /* excess (load - a_i) [n] */
    few_heap *h;        /* [n * n]: h[i * n + k], sinks on i keyed by c_kj - c_ij */
    double *topkey;     /* [n * n] each heap's top key, its sink in topsink (-1: empty); a top */
    int32_t *topsink;   /* is always a sink on i (a sink leaving i is cleaned off the tops) */
    int32_t *head;      /* [m] the sink's first entry */
    int32_t *src, *next; /* the pool's entries */
    int64_t *mass;
    int64_t len, cap, created;
    int32_t free_list;
    double *col;        /* [n] one sink's costs */
    few_budget bg;
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
        if (cap > INT32_MAX) {
            wk_errorf(WK_ENOMEM, "wk_w1_exact: the few-sources solver's plan outgrew 2^31 entries");
            return -1;
        }
        if (resize(&f->bg, &f->src, f->cap, cap, sizeof(int32_t)) || resize(&f->bg, &f->next, f->cap, cap, sizeof(int32_t)) ||
            resize(&f->bg, &f->mass, f->cap, cap, sizeof(int64_t)))
            return -1;
        f->cap = cap;
    }
    return (int32_t)f->len++;
}

/* Move mass d of sink j from source p (holding at least d) to q; a sink new on q enters q's
 * heaps. *off counts sinks wholly taken off a source. */
static int move_mass(few *f, int32_t j, int32_t p, int32_t q, int64_t d, int64_t *off) {
    const int64_t n = f->n;
    const int32_t ep = find_entry(f, j, p);
    f->mass[ep] -= d;
    if (f->mass[ep] == 0) { /* wholly moved: unlink; its heap entries go stale */
        ++*off;
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
        const int rc = heap_push(&f->bg, &f->h[q * n + k], key, j);
        if (rc) return rc;
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

/* Move the bottleneck mass along the path ending at t (see the file's header). *events: the
 * sources settled and sinks wholly taken off a source by it (at least one, in exact units). */
static int augment(few *f, int32_t t, int64_t *events) {
    int32_t *path = f->path;
    int L = 0;
    for (int32_t k = t; k >= 0; k = f->pred[k]) path[L++] = k; /* t .. s */
    const int32_t s = path[L - 1];
    int64_t d = f->ex[s] < -f->ex[t] ? f->ex[s] : -f->ex[t];
    for (int l = L - 1; l >= 1; l--) { /* edge path[l] -> path[l - 1] moves sink predj[path[l - 1]] */
        const int32_t p = path[l], q = path[l - 1], j = f->predj[q];
        const int fed = l < L - 1 && f->predj[p] == j;
        if (!fed) {
            const int64_t mj = f->mass[find_entry(f, j, p)];
            d = mj < d ? mj : d;
        }
    }
    *events = 0;
    for (int l = L - 1; l >= 1; l--) {
        const int32_t p = path[l], q = path[l - 1];
        int rc = move_mass(f, f->predj[q], p, q, d, events);
        if (rc) return rc;
    }
    f->ex[s] -= d;
    f->ex[t] += d;
    *events += (f->ex[s] == 0) + (f->ex[t] == 0);
    return WK_OK;
}

/* The heaps' arrays (done with once the paths are: the certificate does not read them). */
static void few_free_heaps(few *f) {
    if (f->h)
        for (int64_t k = 0; k < f->n * f->n; k++) {
            f->bg.held -= (uint64_t)f->h[k].cap * FEW_HEAP_ENTRY;
            wk_free(f->h[k].key);
            wk_free(f->h[k].sink);
            f->h[k].key = NULL;
            f->h[k].sink = NULL;
            f->h[k].len = f->h[k].cap = 0;
        }
}

static void few_free(few *f) {
    few_free_heaps(f);
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
            f->bg.held += (uint64_t)h->cap * FEW_HEAP_ENTRY;
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
        /* The plan's marginals as summed. A plan whose masses are not exactly a and b (general
         * weights rounded to 2^-62 units, the units' conversion to double; two uniform clouds'
         * units are exact) is a plan of other marginals, possibly cheaper
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

/* The certificate over every pair and the result: the plan's masses are its units times unit,
 * measured against the masses ca [n], cb [m] (for two uniform clouds the units themselves, so
 * the plan is exact; else the real weights), and scale takes them to the caller's (1 / (n m) for
 * the uniform units); swapped: the sources are the caller's b. */
static int few_result(few *f, const ot_cloud *S, const ot_cloud *T, int swapped, const double *ca, const double *cb,
                      double unit, double scale, const wk_ot_options *opt, wk_ot_result *res, double *mass_scale) {
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
            fl[k] = (double)f->mass[t] * unit;
        }
    if ((rc = few_certificate(&f->e, ca, cb, f->u, ii, jj, fl, cnt, v, &value, &gap, &cmax)) != 0) goto done;
    res->value = value * scale;
    res->gap = res->value > 0 ? gap * scale * (1 + DBL_EPSILON) : 0;
    res->rounds = 1; /* the one pass over every pair that made v */
    res->arcs = f->created;
    *mass_scale = ot_mass_cost_bound(&f->e, S->w, n, T->w, m, NULL, NULL);
    if ((rc = exact_certify_mass(res->value, res->gap, cmax, *mass_scale, "few-sources ")) != 0) goto done;
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

/* The masses of weights that are not uniform, in units of FEW_UNIT = 2^-62: each weight
 * (normalised to sum 1) to the nearest unit, at least one (a sink of no mass would stall a path),
 * the sum's remainder taken from or given to the largest first, so that both sides sum to
 * 2^62 exactly. Each weight moves by at most a unit plus its share of what normalisation left
 * (the weights' own sum is 1 only to rounding); the certificate measures the plan against the
 * real weights and charges the difference, R cmax, to the gap. Returns how many weights were
 * below half a unit and given one: mass the weights do not have, which costs up to a unit times
 * the point's costs (a weight of 1e-300 on a point at 1e140: value and gap ~1e121). */
#define FEW_UNIT 0x1p-62
static int64_t few_units(const double *w, int64_t n, int64_t *u) {
    int64_t sum = 0, big = 0, raised = 0;
    for (int64_t i = 0; i < n; i++) {
        const double q = nearbyint(w[i] * 0x1p62); /* w <= 1: below 2^63 */
        u[i] = q >= 1 ? (int64_t)q : 1;
        raised += q < 1;
        sum += u[i];
        if (u[i] > u[big]) big = i;
    }
    int64_t rest = ((int64_t)1 << 62) - sum; /* a few units per point at most */
    if (rest >= 0 || u[big] - 1 >= -rest) {
        u[big] += rest;
        return raised;
    }
    for (int64_t i = 0; rest < 0 && i < n; i++) { /* (Sum u - n > -rest: this ends) */
        const int64_t take = u[i] - 1 < -rest ? u[i] - 1 : -rest;
        u[i] -= take;
        rest += take;
    }
    return raised;
}

static int64_t gcd64(int64_t x, int64_t y) {
    while (y) {
        const int64_t r = x % y;
        x = y;
        y = r;
    }
    return x;
}

/* How many augmenting paths a solve can take (exact_internal.h). Every mass and excess is an integer combination
 * of the units a [na] and b [nb], so a multiple of their gcd g; a path moves d > 0 of them
 * (the bottleneck), lowering the over-full sources' total excess by d >= g, and no path raises
 * it (the start's excess only falls, the end's only rises towards 0, the rest keep theirs). So
 * the paths are at most E0 / g, E0 the total excess after the start (ex [n]). For two uniform
 * clouds (units m and n, g = gcd(n, m)) that is at most (n - 1) m / g: about m when the few
 * side divides m (64 x 200,000: <= 200,000; measured 0.3 - 0.5 m), at most (n - 1) m when it
 * is prime to it (63 x 200,000: 430,070 paths). The bound is tight: where every path moves one
 * whole sink (g = n, the sinks' units) the count equals it (20 x 50,000 and 200,000: 17,282 and
 * 68,604 paths, both the bound). For other weights (units of 2^-62, g = 1 as a rule) it is that
 * of successive shortest paths in general, pseudo-polynomial (Ahuja, Magnanti & Orlin, Sec. 9.7)
 * and no practical cap (hence AUTO gives up on them after 4 (n + m) + 100,000 paths); there exact_solve_few's check
 * that each path settled a source or took a sink wholly off one stops a path that moved nothing,
 * the commonest way such a loop would go wrong. */
int64_t exact_few_path_bound(const int64_t *ex, int64_t n, const int64_t *a, int64_t na, const int64_t *b, int64_t nb) {
    int64_t g = 0, e0 = 0;
    for (int64_t i = 0; i < na && g != 1; i++) g = gcd64(a[i], g);
    for (int64_t j = 0; j < nb && g != 1; j++) g = gcd64(b[j], g);
    for (int64_t i = 0; i < n; i++) e0 += ex[i] > 0 ? ex[i] : 0;
    return g > 0 ? e0 / g : e0;
}

int exact_solve_few(ot_cloud *A, ot_cloud *B, const wk_ot_options *opt, int64_t give_up, wk_ot_result *res,
                    int64_t *paths_out) {
    const int swapped = B->n < A->n;
    ot_cloud *S = swapped ? B : A, *T = swapped ? A : B;
    const int64_t n = S->n, m = T->n;
    few f;
    memset(&f, 0, sizeof f);
    double *wa = NULL, *wb = NULL;
    const double *ca = NULL, *cb = NULL;
    int64_t *ua = NULL, *ub = NULL, paths = 0, raised = 0; /* raised: weights few_units lifted to a unit */
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
    /* the masses in integer units (few_units): every move exact */
    const int uniform = S->uniform && T->uniform;
    f.a = ua = wk_malloc((size_t)n * sizeof(int64_t));
    f.b = ub = wk_malloc((size_t)m * sizeof(int64_t));
    if (uniform) { /* the certificate's masses: the same units, exact in double (n m <= 2^37) */
        ca = wa = wk_malloc((size_t)n * sizeof(double));
        cb = wb = wk_malloc((size_t)m * sizeof(double));
    }
    if (!ua || !ub || (uniform && (!wa || !wb))) {
        rc = WK_ENOMEM;
        goto done;
    }
    if (uniform) {
        for (int64_t i = 0; i < n; i++) ua[i] = m, wa[i] = (double)m;
        for (int64_t j = 0; j < m; j++) ub[j] = n, wb[j] = (double)n;
    } else
        raised = few_units(S->w, n, ua) + few_units(T->w, m, ub);
    const double unit = uniform ? 1 : FEW_UNIT, scale = uniform ? 1.0 / ((double)n * (double)m) : 1;
    f.cap = m + 4 * n + 16;
    /* The memory, checked before any of it is taken: the heaps hold every sink once per other
     * source (12 (n - 1) m bytes, 16 spare entries each), the plan's pool 16 bytes an entry; the
     * certificate (after the heaps are freed) about 88 bytes a sink. Their growth is checked as
     * it comes (resize). */
    const uint64_t fixed = (uint64_t)n * (uint64_t)n * (sizeof(few_heap) + 12) + (uint64_t)n * 64 +
                           (uint64_t)m * (sizeof(int32_t) + 2 * sizeof(int64_t)) + (uint64_t)f.cap * 16,
                   heaps = (uint64_t)(n - 1) * (uint64_t)(m + 16 * n) * FEW_HEAP_ENTRY, cert = (uint64_t)m * 88 + (uint64_t)n * 64;
    const uint64_t need = fixed + (heaps > cert ? heaps : cert);
    /* wk_io_memory_room reads /proc and the cgroup files (0.1 ms, a tenth of a 10 x 2,000 solve):
     * below FEW_ROOM_CHECK only the address-space limits, which are cheap to read, are asked */
    f.bg.room = need >= FEW_ROOM_CHECK ? wk_io_memory_room(&f.bg.which) : wk_rlimit_room(NULL, &f.bg.which);
    if (need > f.bg.room) {
        rc = wk_errorf(WK_ENOMEM,
                       "wk_w1_exact: the few-sources solver needs %llu bytes for %lld points against %lld (its heaps "
                       "12 (n - 1) m bytes, and more as sinks move), more than this process may use (%llu bytes, the "
                       "limit of %s)",
                       (unsigned long long)need, (long long)n, (long long)m, (unsigned long long)f.bg.room, f.bg.which);
        goto done;
    }
    f.bg.held = fixed;
    f.u = wk_calloc((size_t)n, sizeof(double));
    f.ex = wk_calloc((size_t)n, sizeof(int64_t));
    f.h = wk_calloc((size_t)(n * n), sizeof(few_heap));
    f.topkey = wk_malloc((size_t)(n * n) * sizeof(double));
    f.topsink = wk_malloc((size_t)(n * n) * sizeof(int32_t));
    f.head = wk_malloc((size_t)m * sizeof(int32_t));
    f.src = wk_malloc((size_t)f.cap * sizeof(int32_t));
    f.next = wk_malloc((size_t)f.cap * sizeof(int32_t));
    f.mass = wk_malloc((size_t)f.cap * sizeof(int64_t));
    f.col = wk_malloc((size_t)n * sizeof(double));
    f.dist = wk_malloc((size_t)n * sizeof(double));
    f.hops = wk_malloc((size_t)n * sizeof(int32_t));
    f.pred = wk_malloc((size_t)n * sizeof(int32_t));
    f.predj = wk_malloc((size_t)n * sizeof(int32_t));
    f.path = wk_malloc((size_t)(n + 1) * sizeof(int32_t));
    f.fin = wk_malloc((size_t)n);
    if (!f.u || !f.ex || !f.h || !f.topkey || !f.topsink || !f.head || !f.src || !f.next || !f.mass || !f.col ||
        !f.dist || !f.hops || !f.pred || !f.predj || !f.path || !f.fin) {
        rc = WK_ENOMEM;
        goto done;
    }
    if ((rc = few_start(&f)) != 0) goto done;
    const int64_t bound = exact_few_path_bound(f.ex, n, ua, n, ub, m);
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
        /* the units sum to the same total on both sides: every excess is 0 at the end */
        if (!over || !under) {
            if (over || under) {
                rc = wk_errorf(WK_EINTERNAL, "wk_w1_exact: few-sources solver: unbalanced loads at the end");
                goto done;
            }
            break;
        }
        if (give_up > 0 && paths >= give_up) {
            rc = wk_errorf(OT_FEW_GAVE_UP, "wk_w1_exact: few-sources solver: gave up after %lld augmenting paths",
                           (long long)paths);
            goto done;
        }
        if (paths >= bound) { /* exact_few_path_bound: only a bug gets here */
            rc = wk_errorf(WK_EINTERNAL, "wk_w1_exact: few-sources solver: %lld augmenting paths, past its bound",
                           (long long)paths);
            goto done;
        }
        const int32_t t = shortest_path(&f);
        if (t < 0) {
            rc = wk_errorf(WK_EINTERNAL, "wk_w1_exact: few-sources solver: no path to an under-full source");
            goto done;
        }
        int64_t events;
        if ((rc = augment(&f, t, &events)) != 0) goto done;
        paths++;
        if (events == 0) { /* each path settles a source or takes a sink off one (the file's header) */
            rc = wk_errorf(WK_EINTERNAL, "wk_w1_exact: few-sources solver: an augmenting path changed nothing");
            goto done;
        }
    }
    res->iterations = paths;
    few_free_heaps(&f); /* the certificate's arrays take their place */
    double mass_scale = INFINITY; /* the masses' cost scale, as few_result certified against it */
    rc = few_result(&f, S, T, swapped, uniform ? ca : S->w, uniform ? cb : T->w, unit, scale, opt, res, &mass_scale);
    /* Weights below half a unit were given one: mass they do not have, which costs up to a unit
     * times the point's costs. Harmless on ordinary points (a gap of ~1e-19 of a cost); a weight
     * of 1e-300 on a point at 1e140 made value and gap ~1e121, which exact_certify's bound,
     * relative to the largest cost, still let pass. Under AUTO (give_up > 0) such a result must
     * also certify against the masses' cost scale (few_result's, ot_mass_cost_bound of the weights);
     * else the general path, whose cost cap serves far points of tiny mass, takes the problem. */
    if (rc == WK_OK && raised > 0 && give_up > 0 && !(res->gap <= 1e-9 * res->value + 1e-10 * mass_scale))
        rc = wk_errorf(OT_FEW_GAVE_UP, "wk_w1_exact: few-sources solver: weights below a 2^-62 unit on far points");
done:
    if (paths_out) *paths_out = paths;
    wk_free(wa);
    wk_free(wb);
    wk_free(ua);
    wk_free(ub);
    few_free(&f);
    if (rc) {
        wk_ot_result_free(res);
        if (rc == WK_ENOMEM)
            wk_error_context(rc, "wk_w1_exact (few sources, n = %lld, m = %lld)", (long long)A->n, (long long)B->n);
    }
    return rc;
}
