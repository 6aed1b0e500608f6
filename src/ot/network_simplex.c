/* network_simplex.c — primal network simplex for the transportation problem on a sparse,
 * growing arc set (arcs a_i -> b_j, no capacities).
 *
 * The algorithm is the one of LEMON's NetworkSimplex (Kovács, "Minimum-cost flow algorithms:
 * an experimental evaluation", 2015) that POT's ot.emd wraps: artificial root with big-M
 * costs (here under a greedy start forest, or the forest of a caller's hint such as the
 * coarse-to-fine plan of exact_coarse.c; see ot_simplex_start), block-search pivot rule (its
 * scan vectorised), a spanning-tree basis stored as parent/pred/thread lists, and
 * Cunningham's leaving-arc rule ("last blocking arc met from the join node in cycle direction")
 * which keeps the tree strongly feasible and so prevents cycling under degeneracy. Arcs can be
 * added between solves (column generation, see w1_exact.c): a new arc enters as a non-basic arc
 * at zero flow, so the current basis stays feasible and warm.
 * Besides the preorder thread, each node keeps its subtree's size and the last node of its
 * block in the thread (LEMON's succ_num and last_succ): a pivot then re-links whole blocks of
 * the thread along the stem, so the moved subtree is walked only once, to shift its potentials
 * (see rehang); the join node is found by climbing from the smaller subtree.
 * A pivot budget running out is WK_ELIMIT; a cycle with no blocking arc (impossible with the
 * non-negative costs the caller gives) is WK_EINTERNAL. */
#include <math.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

enum { DIR_DOWN = -1, DIR_UP = 1 };

struct ot_simplex {
    int64_t n, m, nodes;
    /* arcs */
    int64_t narcs, cap;
    int32_t *src, *dst; /* dst is a node index (n + j) */
    double *cost, *flow;
    uint8_t *in_tree;
    /* membership hash of (i, j) -> arc index */
    int64_t *hkeys, *hvals;
    int64_t hcap;
    /* the start hint (ot_simplex_set_hint): pairs (i, j) in priority order */
    int32_t *hint_i, *hint_j;
    int64_t nhint;
    int hint_used; /* the last start took the hint's forest */
    /* tree */
    int32_t *parent, *pred, *thread, *rev_thread, *succ_num, *last_succ;
    int8_t *pred_dir;
    double *pi;
    int32_t root;
    int32_t *dirty; /* scratch for rehang: nodes whose thread successor changed */
    int64_t next_arc, pivots;
    int64_t art_begin; /* the artificial arcs are [art_begin, art_begin + nodes) */
    double total_supply;
};

static uint64_t hash64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

ot_simplex *ot_simplex_new(int64_t n, int64_t m, int64_t arc_hint) {
    ot_simplex *s = wk_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n = n;
    s->m = m;
    s->nodes = n + m;
    s->art_begin = -1;
    s->cap = arc_hint > 16 ? arc_hint : 16;
    s->src = wk_malloc((size_t)s->cap * sizeof(int32_t));
    s->dst = wk_malloc((size_t)s->cap * sizeof(int32_t));
    s->cost = wk_malloc((size_t)s->cap * sizeof(double));
    s->flow = wk_malloc((size_t)s->cap * sizeof(double));
    s->in_tree = wk_malloc((size_t)s->cap);
    s->hcap = 64;
    while (s->hcap < 2 * s->cap) s->hcap *= 2;
    s->hkeys = wk_malloc((size_t)s->hcap * sizeof(int64_t));
    s->hvals = wk_malloc((size_t)s->hcap * sizeof(int64_t));
    size_t nb = (size_t)(s->nodes + 1) * sizeof(int32_t);
    s->parent = wk_malloc(nb);
    s->pred = wk_malloc(nb);
    s->thread = wk_malloc(nb);
    s->rev_thread = wk_malloc(nb);
    s->succ_num = wk_malloc(nb);
    s->last_succ = wk_malloc(nb);
    s->pred_dir = wk_malloc((size_t)s->nodes + 1);
    s->pi = wk_malloc((size_t)(s->nodes + 1) * sizeof(double));
    s->dirty = wk_malloc(nb);
    if (!s->src || !s->dst || !s->cost || !s->flow || !s->in_tree || !s->hkeys || !s->hvals || !s->parent || !s->pred ||
        !s->thread || !s->rev_thread || !s->succ_num || !s->last_succ || !s->pred_dir || !s->pi || !s->dirty) {
        ot_simplex_free(s);
        return NULL;
    }
    memset(s->hkeys, 0xff, (size_t)s->hcap * sizeof(int64_t));
    return s;
}

void ot_simplex_free(ot_simplex *s) {
    if (!s) return;
    void *ptrs[] = {s->src, s->dst, s->cost, s->flow, s->in_tree, s->hkeys, s->hvals, s->hint_i, s->hint_j, s->parent, s->pred, s->thread,
                    s->rev_thread, s->succ_num, s->last_succ, s->pred_dir, s->pi, s->dirty};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    wk_free(s);
}

static int hash_insert(int64_t *keys, int64_t *vals, int64_t hcap, int64_t key, int64_t val) {
    uint64_t h = hash64((uint64_t)key) & (uint64_t)(hcap - 1);
    while (keys[h] != -1) {
        if (keys[h] == key) return 0;
        h = (h + 1) & (uint64_t)(hcap - 1);
    }
    keys[h] = key;
    vals[h] = val;
    return 1;
}

/* the arc index of (i, j), or -1 */
static int64_t hash_find(const ot_simplex *s, int32_t i, int32_t j) {
    const int64_t key = (int64_t)i * s->m + j;
    uint64_t h = hash64((uint64_t)key) & (uint64_t)(s->hcap - 1);
    while (s->hkeys[h] != -1) {
        if (s->hkeys[h] == key) return s->hvals[h];
        h = (h + 1) & (uint64_t)(s->hcap - 1);
    }
    return -1;
}

static int grow(ot_simplex *s) {
    int64_t cap = s->cap * 2;
    int32_t *src = wk_realloc(s->src, (size_t)cap * sizeof(int32_t));
    if (!src) return WK_ENOMEM;
    s->src = src;
    int32_t *dst = wk_realloc(s->dst, (size_t)cap * sizeof(int32_t));
    if (!dst) return WK_ENOMEM;
    s->dst = dst;
    double *cost = wk_realloc(s->cost, (size_t)cap * sizeof(double));
    if (!cost) return WK_ENOMEM;
    s->cost = cost;
    double *flow = wk_realloc(s->flow, (size_t)cap * sizeof(double));
    if (!flow) return WK_ENOMEM;
    s->flow = flow;
    uint8_t *it = wk_realloc(s->in_tree, (size_t)cap);
    if (!it) return WK_ENOMEM;
    s->in_tree = it;
    s->cap = cap;
    int64_t hcap = s->hcap;
    while (hcap < 2 * cap) hcap *= 2;
    if (hcap != s->hcap) {
        int64_t *keys = wk_malloc((size_t)hcap * sizeof(int64_t)), *vals = wk_malloc((size_t)hcap * sizeof(int64_t));
        if (!keys || !vals) {
            wk_free(keys);
            wk_free(vals);
            return WK_ENOMEM;
        }
        memset(keys, 0xff, (size_t)hcap * sizeof(int64_t));
        for (int64_t k = 0; k < s->hcap; k++)
            if (s->hkeys[k] != -1) hash_insert(keys, vals, hcap, s->hkeys[k], s->hvals[k]);
        wk_free(s->hkeys);
        wk_free(s->hvals);
        s->hkeys = keys;
        s->hvals = vals;
        s->hcap = hcap;
    }
    return WK_OK;
}

int ot_simplex_add_arc(ot_simplex *s, int32_t i, int32_t j, double cost) {
    if (s->narcs == s->cap && grow(s)) return WK_ENOMEM;
    if (!hash_insert(s->hkeys, s->hvals, s->hcap, (int64_t)i * s->m + j, s->narcs)) return 0;
    int64_t e = s->narcs++;
    s->src[e] = i;
    s->dst[e] = (int32_t)(s->n + j);
    s->cost[e] = cost;
    s->flow[e] = 0;
    s->in_tree[e] = 0;
    return 1;
}

enum { GREEDY_ARCS_PER_NODE = 64 };

/* qsort_r order of arc indices: by cost, then index (a total order: the same forest on
 * every platform) */
static int cmp_arc_cost(const void *x, const void *y, void *costs) {
    const int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    const double *c = costs;
    if (c[p] != c[q]) return c[p] < c[q] ? -1 : 1;
    return (p > q) - (p < q);
}

/* Up to this many arcs the greedy forest's order comes from a radix sort (scratch: 24 bytes an
 * arc); beyond, from qsort_r. On the dense path's ~1,300 arcs (64 x 64) qsort_r's indirect
 * comparisons were a third as costly as all the pivots. */
enum { RADIX_MAX_ARCS = 1 << 18, RADIX_BITS = 11 };

/* A double's bits as an unsigned key in the same order (-0 as +0, so that equal costs tie). */
static uint64_t order_key(double c) {
    uint64_t u;
    c += 0.0;
    memcpy(&u, &c, sizeof u);
    return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

/* key[0..ng) = 0..ng-1 sorted as cmp_arc_cost sorts them: a stable LSD radix sort on the
 * cost's bits, starting from index order, so ties stay in index order. Digits that every arc
 * shares (the exponent's high bits, mostly) are skipped. WK_ENOMEM: the caller falls back. */
static int radix_arc_order(const double *cost, int64_t ng, int32_t *key) {
    for (int64_t e = 0; e < ng; e++) key[e] = (int32_t)e;
    if (ng < 2) return WK_OK;
    uint64_t *k0 = wk_malloc((size_t)ng * 2 * sizeof(uint64_t));
    int32_t *i1 = wk_malloc((size_t)ng * sizeof(int32_t));
    uint32_t *cnt = wk_malloc(((size_t)1 << RADIX_BITS) * sizeof(uint32_t));
    if (!k0 || !i1 || !cnt) {
        wk_free(k0);
        wk_free(i1);
        wk_free(cnt);
        wk_clear_error();
        return WK_ENOMEM;
    }
    uint64_t *k1 = k0 + ng, lo = UINT64_MAX, hi = 0;
    for (int64_t e = 0; e < ng; e++) {
        k0[e] = order_key(cost[e]);
        lo = k0[e] < lo ? k0[e] : lo;
        hi = k0[e] > hi ? k0[e] : hi;
    }
    const uint64_t varies = lo ^ hi; /* no digit above its highest bit differs */
    const uint32_t mask = ((uint32_t)1 << RADIX_BITS) - 1;
    int32_t *ia = key, *ib = i1;
    for (int shift = 0; shift < 64 && (varies >> shift) != 0; shift += RADIX_BITS) {
        memset(cnt, 0, ((size_t)1 << RADIX_BITS) * sizeof(uint32_t));
        for (int64_t e = 0; e < ng; e++) cnt[(k0[e] >> shift) & mask]++;
        uint32_t sum = 0;
        for (uint32_t d = 0; d <= mask; d++) {
            const uint32_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (int64_t e = 0; e < ng; e++) {
            const uint32_t at = cnt[(k0[e] >> shift) & mask]++;
            k1[at] = k0[e];
            ib[at] = ia[e];
        }
        uint64_t *tk = k0;
        k0 = k1;
        k1 = tk;
        int32_t *ti = ia;
        ia = ib;
        ib = ti;
    }
    if (ia != key) memcpy(key, ia, (size_t)ng * sizeof(int32_t));
    wk_free(k0 < k1 ? k0 : k1); /* the block's start */
    wk_free(i1);
    wk_free(cnt);
    return WK_OK;
}

void ot_arc_order(const double *cost, int64_t ng, int32_t *key) {
    if (ng <= RADIX_MAX_ARCS && radix_arc_order(cost, ng, key) == WK_OK) return;
    for (int64_t e = 0; e < ng; e++) key[e] = (int32_t)e;
    qsort_r(key, (size_t)ng, sizeof *key, cmp_arc_cost, (void *)cost);
}

int ot_simplex_set_hint(ot_simplex *s, const int32_t *ii, const int32_t *jj, int64_t count) {
    wk_free(s->hint_i);
    wk_free(s->hint_j);
    s->hint_i = s->hint_j = NULL;
    s->nhint = 0;
    if (count <= 0) return WK_OK;
    s->hint_i = wk_malloc((size_t)count * sizeof(int32_t));
    s->hint_j = wk_malloc((size_t)count * sizeof(int32_t));
    if (!s->hint_i || !s->hint_j) return WK_ENOMEM;
    memcpy(s->hint_i, ii, (size_t)count * sizeof(int32_t));
    memcpy(s->hint_j, jj, (size_t)count * sizeof(int32_t));
    s->nhint = count;
    return WK_OK;
}

static int32_t uf_find(int32_t *uf, int32_t x) {
    while (uf[x] != x) x = uf[x] = uf[uf[x]];
    return x;
}

/* 1a. the greedy forest (the matrix-minimum rule; see ot_simplex_start) into in_tree and
 * flow, degrees into off[u + 2]; res[] the masses left */
static void greedy_forest(ot_simplex *s, double *res, int32_t *key, int32_t *off, int64_t nreal) {
    /* the sort is O(arcs log arcs): only on sparse arc sets (column generation), not on
     * a dense matrix (emd_dense.c), where it would cost more than the pivots it saves */
    const int64_t ng = nreal <= GREEDY_ARCS_PER_NODE * s->nodes ? nreal : 0;
    ot_arc_order(s->cost, ng, key);
    for (int64_t t = 0; t < ng; t++) {
        const int32_t e = key[t], i = s->src[e], j = s->dst[e];
        if (!(res[i] > 0 && res[j] > 0)) continue;
        const double f = res[i] < res[j] ? res[i] : res[j];
        s->flow[e] = f;
        res[i] -= f;
        res[j] -= f;
        s->in_tree[e] = 1;
        off[i + 2]++;
        off[j + 2]++;
    }
}

/* 1b. the hint's forest: its arcs in order, each unless it would close a cycle (flows are
 * set later, from the masses, once the forest is hung) */
static void hint_forest(ot_simplex *s, int32_t *uf, int32_t *off) {
    for (int64_t u = 0; u < s->nodes; u++) uf[u] = (int32_t)u;
    for (int64_t t = 0; t < s->nhint; t++) {
        const int64_t e = hash_find(s, s->hint_i[t], s->hint_j[t]);
        if (e < 0 || s->in_tree[e]) continue;
        const int32_t i = s->src[e], j = s->dst[e], ri = uf_find(uf, i), rj = uf_find(uf, j);
        if (ri == rj) continue;
        uf[ri] = rj;
        s->in_tree[e] = 1;
        off[i + 2]++;
        off[j + 2]++;
    }
}

/* The start basis. Without a hint, a greedy plan first (the "matrix minimum" rule): the real
 * arcs in order of cost, each carrying min(residual supply, residual demand) of its ends. Each
 * arc empties one of its ends, which then takes no further arc, so the chosen arcs form a
 * forest; and each tree of it keeps at most one node with mass left (joining two trees spends
 * one of their two). Every tree then hangs from the artificial root through that node's
 * artificial arc carrying what is left (a -> root, cost 0; root -> b, cost ART = 2 cmax x
 * #nodes, more than any path of real arcs — relative to the costs, not cmax + 1: an absolute
 * term makes the potentials of a problem whose costs are all tiny (1e-6 or 1e-15) carry rounding
 * errors of ~1e-16 x #nodes, which drowned every reduced cost), or through an a-node's arc at zero flow (pointing
 * to the root, so the tree is strongly feasible: every zero-flow arc points up). With no real
 * arcs this is LEMON's artificial star (also what dense arc sets get: see
 * GREEDY_ARCS_PER_NODE). The simplex then drives the artificial flow to zero whenever the real
 * arcs admit a feasible plan (the sparse path includes the north-west-corner arcs, so they do;
 * the dense paths price every pair against the big-M potentials, which brings the arcs); the
 * greedy plan carries most mass along near arcs already, so far fewer pivots remain.
 * With a hint (ot_simplex_set_hint: a near-optimal plan's arcs, e.g. refined from a coarse
 * solve) the forest is the hint's arcs instead (skipping any that would close a cycle); each
 * tree hangs at an a-node when its masses net to >= 0, else at a b-node, and the flows are
 * the tree's own (each arc carries its subtree's net mass). Any arc that would then carry
 * negative flow (or zero flow pointing down: not strongly feasible) drops the hint, and the
 * greedy start is built instead: a hint changes the pivots, never the feasibility. */
int ot_simplex_start(ot_simplex *s, const double *supply, const double *demand, double cmax) {
    const int64_t n = s->n, N = s->nodes, nreal = s->narcs;
    const double art = (cmax > 0 ? 2 * cmax : 1) * (double)(N + 1);
    s->root = (int32_t)N;
    s->parent[N] = -1;
    s->pred[N] = -1;
    s->pred_dir[N] = 0;
    s->pi[N] = 0;
    s->art_begin = nreal;
    s->total_supply = 0;
    for (int64_t u = 0; u < n; u++) s->total_supply += supply[u];
    for (int64_t u = 0; u < N; u++) {
        if (s->narcs == s->cap && grow(s)) return WK_ENOMEM;
        const int64_t e = s->narcs++;
        const int is_a = u < n;
        s->src[e] = is_a ? (int32_t)u : (int32_t)N;
        s->dst[e] = is_a ? (int32_t)N : (int32_t)u;
        s->cost[e] = is_a ? 0 : art;
        s->flow[e] = 0;
        s->in_tree[e] = 0;
    }
    double *res = wk_malloc((size_t)N * sizeof(double));
    int32_t *key = wk_malloc((size_t)(nreal > N ? nreal : N + 1) * sizeof *key);
    int32_t *off = wk_malloc(((size_t)N + 2) * sizeof(int32_t)), *adj = wk_malloc((size_t)(2 * N + 1) * sizeof(int32_t));
    int32_t *stack = wk_malloc((size_t)(N + 1) * sizeof(int32_t));
    uint8_t *seen = wk_malloc((size_t)N + 1);
    int rc = res && key && off && adj && stack && seen ? WK_OK : WK_ENOMEM;
    for (int use_hint = s->nhint > 0; !rc; use_hint = 0) {
        for (int64_t u = 0; u < N; u++) res[u] = u < n ? supply[u] : demand[u - n];
        memset(off, 0, ((size_t)N + 2) * sizeof(int32_t));
        memset(seen, 0, (size_t)N + 1);
        /* 1. the forest */
        if (use_hint) hint_forest(s, key, off);
        else greedy_forest(s, res, key, off, nreal);
        /* 2. adjacency of the forest (off[u + 1] .. off[u + 2] while filling) */
        for (int64_t u = 0; u < N; u++) off[u + 2] += off[u + 1];
        for (int64_t e = 0; e < nreal; e++)
            if (s->in_tree[e]) {
                adj[off[s->src[e] + 1]++] = (int32_t)e;
                adj[off[s->dst[e] + 1]++] = (int32_t)e;
            }
        /* 3. each tree hung from the root at its hanging node, in preorder (a stack: a node's
         * subtree is emitted before its pushed siblings) */
        int32_t *ord = s->dirty, cnt = 0;
        ord[cnt++] = (int32_t)N;
        seen[N] = 1;
        for (int64_t u0 = 0; u0 < N; u0++) {
            if (seen[u0]) continue;
            int32_t top = 0, hang = (int32_t)u0, k = 0, first_a = -1, first_b = -1;
            double net = 0;
            stack[top++] = (int32_t)u0;
            seen[u0] = 2;
            while (k < top) { /* collect the tree (stack[] as a queue) and pick its hanging node */
                const int32_t x = stack[k++];
                if (use_hint) {
                    net += x < n ? supply[x] : -demand[x - n];
                    if (x < n && first_a < 0) first_a = x;
                    if (x >= n && first_b < 0) first_b = x;
                } else if (res[x] > 0 || (!(res[hang] > 0) && hang >= n && x < n))
                    hang = x;
                for (int32_t t = off[x]; t < off[x + 1]; t++) {
                    const int32_t e = adj[t], y = s->src[e] == x ? s->dst[e] : s->src[e];
                    if (seen[y] != 2) seen[y] = 2, stack[top++] = y;
                }
            }
            if (use_hint) hang = net >= 0 ? (first_a >= 0 ? first_a : first_b) : (first_b >= 0 ? first_b : first_a);
            const int32_t he = (int32_t)(s->art_begin + hang);
            s->in_tree[he] = 1;
            s->flow[he] = res[hang] > 0 ? res[hang] : 0;
            s->parent[hang] = (int32_t)N;
            s->pred[hang] = he;
            s->pred_dir[hang] = hang < n ? DIR_UP : DIR_DOWN;
            s->pi[hang] = hang < n ? 0 : art;
            top = 0;
            stack[top++] = hang;
            seen[hang] = 1;
            while (top > 0) {
                const int32_t x = stack[--top];
                ord[cnt++] = x;
                for (int32_t t = off[x]; t < off[x + 1]; t++) {
                    const int32_t e = adj[t], y = s->src[e] == x ? s->dst[e] : s->src[e];
                    if (seen[y] == 1) continue;
                    seen[y] = 1;
                    s->parent[y] = x;
                    s->pred[y] = e;
                    /* the tree arc's reduced cost is zero: c + pi_src - pi_dst = 0 */
                    s->pred_dir[y] = s->src[e] == y ? DIR_UP : DIR_DOWN;
                    s->pi[y] = y == s->src[e] ? s->pi[x] - s->cost[e] : s->pi[x] + s->cost[e];
                    stack[top++] = y;
                }
            }
        }
        /* 4. the hint's flows: bottom-up (reverse preorder), each node's subtree net mass
         * crosses its pred arc */
        int ok = 1;
        if (use_hint) {
            for (int64_t u = 0; u < N; u++) res[u] = u < n ? supply[u] : -demand[u - n];
            for (int32_t t = (int32_t)N; t >= 1 && ok; t--) {
                const int32_t x = s->dirty[t], p = s->parent[x];
                const double f = s->pred_dir[x] == DIR_UP ? res[x] : -res[x];
                ok = f > 0 || (f == 0 && (s->pred_dir[x] == DIR_UP || p == N));
                s->flow[s->pred[x]] = f;
                if (p != N) res[p] += res[x];
            }
        }
        s->hint_used = use_hint;
        if (ok) break;
        for (int64_t e = 0; e < s->narcs; e++) s->in_tree[e] = 0, s->flow[e] = 0;
    }
    if (!rc) { /* 5. thread, subtree sizes and block ends from the preorder */
        const int32_t *ord = s->dirty;
        for (int32_t t = 0; t <= N; t++) {
            const int32_t x = ord[t], y = ord[t + 1 <= N ? t + 1 : 0];
            s->thread[x] = y;
            s->rev_thread[y] = x;
            s->succ_num[x] = 1;
        }
        for (int32_t t = (int32_t)N; t >= 1; t--) s->succ_num[s->parent[ord[t]]] += s->succ_num[ord[t]];
        for (int32_t t = 0; t <= N; t++) s->last_succ[ord[t]] = ord[t + s->succ_num[ord[t]] - 1];
    }
    wk_free(res);
    wk_free(key);
    wk_free(off);
    wk_free(adj);
    wk_free(stack);
    wk_free(seen);
    s->next_arc = 0;
    return rc;
}

double ot_simplex_artificial_flow(const ot_simplex *s) {
    double f = 0;
    for (int64_t e = s->art_begin; e < s->art_begin + s->nodes; e++) f += s->flow[e];
    return f;
}

int ot_simplex_check_feasible(const ot_simplex *s, double rel) {
    const double left = ot_simplex_artificial_flow(s);
    if (!(left <= rel * s->total_supply))
        return wk_errorf(WK_EINTERNAL, "ot simplex: internal error: no feasible plan found (%.3g of %.3g mass left on "
                         "artificial arcs)", left, s->total_supply);
    return WK_OK;
}

/* The smallest reduced cost c + pi_src - pi_dst over arcs [e0, e1), at its first arc (*at):
 * four arcs at a time with AVX2 gathers where the build has them (the same roundings as the
 * scalar loop, so the same arc wins). */
static double range_min(const ot_simplex *s, int64_t e0, int64_t e1, int64_t *at) {
    const double *cost = s->cost, *pi = s->pi;
    const int32_t *src = s->src, *dst = s->dst;
    double best = INFINITY;
    int64_t be = -1, e = e0;
#ifdef __AVX2__
    if (e1 - e0 >= 8) {
        __m256d mn = _mm256_set1_pd(INFINITY), bi = _mm256_set1_pd(-1),
                idx = _mm256_setr_pd((double)e, (double)e + 1, (double)e + 2, (double)e + 3);
        const __m256d four = _mm256_set1_pd(4);
        for (; e + 4 <= e1; e += 4) {
            const __m256d ps = _mm256_i32gather_pd(pi, _mm_loadu_si128((const __m128i *)(src + e)), 8);
            const __m256d pd = _mm256_i32gather_pd(pi, _mm_loadu_si128((const __m128i *)(dst + e)), 8);
            const __m256d rc = _mm256_sub_pd(_mm256_add_pd(_mm256_loadu_pd(cost + e), ps), pd);
            const __m256d lt = _mm256_cmp_pd(rc, mn, _CMP_LT_OQ);
            mn = _mm256_blendv_pd(mn, rc, lt);
            bi = _mm256_blendv_pd(bi, idx, lt);
            idx = _mm256_add_pd(idx, four);
        }
        double v[4], ix[4];
        _mm256_storeu_pd(v, mn);
        _mm256_storeu_pd(ix, bi);
        for (int k = 0; k < 4; k++)
            if (v[k] < best || (v[k] == best && v[k] < INFINITY && (int64_t)ix[k] < be)) {
                best = v[k];
                be = (int64_t)ix[k];
            }
    }
#endif
    for (; e < e1; e++) {
        const double rc = cost[e] + pi[src[e]] - pi[dst[e]];
        if (rc < best) {
            best = rc;
            be = e;
        }
    }
    *at = be;
    return best;
}

/* Offer the arcs [e0, e1) (no artificial ones) to the running best: the range's minimum, or
 * where that is a tree arc (rounding can leave one a hair below zero) an arc-by-arc pass that
 * skips the tree. */
static void offer_range(const ot_simplex *s, int64_t e0, int64_t e1, double *best, int64_t *best_e) {
    if (e0 >= e1) return;
    int64_t at;
    const double v = range_min(s, e0, e1, &at);
    if (!(v < *best)) return;
    if (!s->in_tree[at]) {
        *best = v;
        *best_e = at;
        return;
    }
    for (int64_t e = e0; e < e1; e++) {
        const double rc = s->cost[e] + s->pi[s->src[e]] - s->pi[s->dst[e]];
        if (rc < *best && !s->in_tree[e]) {
            *best = rc;
            *best_e = e;
        }
    }
}

/* Block search (LEMON's default pivot rule): scan arcs cyclically in blocks of about
 * sqrt(#arcs) and take the most negative reduced cost of the first block that has one. The
 * artificial arcs count in the blocks but never enter. */
static int64_t find_entering(ot_simplex *s, double tol) {
    const int64_t na = s->narcs;
    int64_t block = (int64_t)sqrt((double)na);
    if (block < 10) block = 10;
    double best = -tol;
    int64_t best_e = -1, cnt = block, e = s->next_arc;
    const int64_t a0 = s->art_begin, a1 = s->art_begin + s->nodes;
    for (int64_t scanned = 0; scanned < na;) {
        int64_t len = cnt < na - e ? cnt : na - e; /* to the block's end or the array's */
        if (len > na - scanned) len = na - scanned;
        const int64_t e1 = e + len;
        offer_range(s, e, e1 < a0 ? e1 : a0, &best, &best_e);
        offer_range(s, e > a1 ? e : a1, e1, &best, &best_e);
        scanned += len;
        cnt -= len;
        e = e1 == na ? 0 : e1;
        if (cnt == 0) {
            if (best_e >= 0) break;
            cnt = block;
        }
    }
    s->next_arc = e;
    return best_e;
}

/* Move the subtree hanging from u_out so that it hangs from v_in through arc `in` at u_in
 * (u_in lies in that subtree; join is the cycle's apex): the parent chain u_in .. u_out (the
 * stem) is reversed, and the thread is re-linked block by block. In the old preorder every
 * subtree is a contiguous block [x .. last_succ[x]]; the new preorder of the moved part is
 * u_in's old block, then each next stem node's old block with the previous stem node's block
 * cut out, spliced in right after v_in. Only O(stem) thread links change; the potentials are
 * shifted in one walk over the moved block, and succ_num/last_succ are corrected along the
 * stem and on the two paths from v_in and v_out up towards the join. */
static void rehang(ot_simplex *s, int32_t u_in, int32_t v_in, int32_t u_out, int32_t join, int32_t in) {
    int32_t *parent = s->parent, *thread = s->thread, *rev = s->rev_thread, *succ = s->succ_num,
            *last = s->last_succ, *dirty = s->dirty;
    const int32_t old_rev = rev[u_out], old_succ = succ[u_out], old_last = last[u_out], v_out = parent[u_out];
    /* what follows the moved block: v_in's successor, unless that was u_out's block itself
     * (then v_out = join = v_in and the block's old successor) */
    const int32_t cont = old_rev == v_in ? thread[old_last] : thread[v_in];
    int32_t tail = last[u_in], right = thread[tail], stem = u_in, par = v_in, nd = 0;
    thread[v_in] = u_in;
    dirty[nd++] = v_in;
    while (stem != u_out) {
        const int32_t next = parent[stem];
        thread[tail] = next; /* the next stem node follows the blocks placed so far */
        dirty[nd++] = tail;
        const int32_t w = rev[stem]; /* cut stem's old block out of next's block */
        thread[w] = right;
        rev[right] = w;
        parent[stem] = par;
        par = stem;
        stem = next;
        /* the end of next's remaining block: before the cut one if that one closed it */
        tail = last[stem] == last[par] ? rev[par] : last[stem];
        right = thread[tail];
    }
    parent[u_out] = par;
    thread[tail] = cont;
    rev[cont] = tail;
    last[u_out] = tail;
    if (old_rev != v_in) { /* close the gap the moved block leaves */
        thread[old_rev] = right;
        rev[right] = old_rev;
    }
    for (int32_t k = 0; k < nd; k++) rev[thread[dirty[k]]] = dirty[k];
    /* the stem, from u_out down to u_in: preds reversed, subtree sizes re-accumulated, and
     * every stem node's block now ends where the moved block ends */
    int32_t acc = 0;
    for (int32_t u = u_out; u != u_in;) {
        const int32_t w = parent[u];
        s->pred[u] = s->pred[w];
        s->pred_dir[u] = (int8_t)-s->pred_dir[w];
        acc += succ[u] - succ[w];
        succ[u] = acc;
        last[w] = tail;
        u = w;
    }
    s->pred[u_in] = in;
    s->pred_dir[u_in] = s->src[in] == u_in ? DIR_UP : DIR_DOWN;
    succ[u_in] = old_succ;
    /* ancestors whose block ended at v_in now end with the moved block; those whose block
     * ended with it on the old side end just before it (or with it, where it stayed in place
     * at the end); each climb stops at the join on the side that does not own the end */
    const int32_t up_in = last[join] == v_in ? -1 : join, up_out = last[join] == v_in ? join : -1;
    for (int32_t u = v_in; u != up_in && last[u] == v_in; u = parent[u]) last[u] = tail;
    const int32_t new_end = join != old_rev && v_in != old_rev ? old_rev : tail;
    for (int32_t u = v_out; u != up_out && last[u] == old_last; u = parent[u]) last[u] = new_end;
    for (int32_t u = v_in; u != join; u = parent[u]) succ[u] += old_succ;
    for (int32_t u = v_out; u != join; u = parent[u]) succ[u] -= old_succ;
    /* potentials: the new tree arc gets zero reduced cost */
    const double sigma = s->pi[v_in] - s->pred_dir[u_in] * s->cost[in] - s->pi[u_in];
    const int32_t end = thread[last[u_in]];
    for (int32_t u = u_in; u != end; u = thread[u]) s->pi[u] += sigma;
}

int ot_simplex_solve(ot_simplex *s, double tol, int64_t max_pivots) {
    for (;;) {
        if (max_pivots > 0 && s->pivots >= max_pivots)
            return wk_errorf(WK_ELIMIT, "ot simplex: no optimum after %lld pivots (raise max_pivots)",
                             (long long)s->pivots);
        int64_t in = find_entering(s, tol);
        if (in < 0) return WK_OK;
        s->pivots++;
        int32_t first = s->src[in], second = s->dst[in];
        /* join node: climb from the deeper end */
        int32_t u = first, v = second;
        while (u != v) { /* an ancestor's subtree is larger than its descendants' */
            if (s->succ_num[u] < s->succ_num[v]) u = s->parent[u];
            else v = s->parent[v];
        }
        int32_t join = u;
        /* Flow goes first -> second on the entering arc, up from second to join, down from join
         * to first. Blocking arcs: on first's side those pointing up, on second's side those
         * pointing down. Ties: the last one met walking the cycle from join in flow direction
         * (strict < on first's side, <= on second's side), Cunningham's rule. */
        double delta = INFINITY;
        int32_t u_out = -1, side = 0;
        for (u = first; u != join; u = s->parent[u])
            if (s->pred_dir[u] == DIR_UP && s->flow[s->pred[u]] < delta) {
                delta = s->flow[s->pred[u]];
                u_out = u;
                side = 1;
            }
        for (u = second; u != join; u = s->parent[u])
            if (s->pred_dir[u] == DIR_DOWN && s->flow[s->pred[u]] <= delta) {
                delta = s->flow[s->pred[u]];
                u_out = u;
                side = 2;
            }
        if (u_out < 0) return wk_errorf(WK_EINTERNAL, "ot simplex: internal error: unbounded cycle (negative costs?)");
        if (delta > 0) {
            s->flow[in] += delta;
            for (u = first; u != join; u = s->parent[u]) s->flow[s->pred[u]] -= s->pred_dir[u] * delta;
            for (u = second; u != join; u = s->parent[u]) s->flow[s->pred[u]] += s->pred_dir[u] * delta;
        }
        int32_t out = s->pred[u_out];
        s->flow[out] = 0;
        s->in_tree[out] = 0;
        s->in_tree[in] = 1;
        int32_t u_in = side == 1 ? first : second, v_in = side == 1 ? second : first;
        rehang(s, u_in, v_in, u_out, join, (int32_t)in);
    }
}

const double *ot_simplex_potentials(const ot_simplex *s) { return s->pi; }
int ot_simplex_hint_used(const ot_simplex *s) { return s->hint_used; }
int64_t ot_simplex_pivots(const ot_simplex *s) { return s->pivots; }
int64_t ot_simplex_arc_count(const ot_simplex *s) { return s->narcs; }

int64_t ot_simplex_flows(const ot_simplex *s, int32_t *ii, int32_t *jj, double *flow, double *cost) {
    int64_t k = 0;
    for (int64_t e = 0; e < s->narcs; e++)
        if (s->in_tree[e] && s->flow[e] > 0 && s->src[e] != s->nodes && s->dst[e] != s->nodes) {
            if (ii) ii[k] = s->src[e];
            if (jj) jj[k] = (int32_t)(s->dst[e] - s->n);
            if (flow) flow[k] = s->flow[e];
            if (cost) cost[k] = s->cost[e];
            k++;
        }
    return k;
}

int ot_simplex_check_tree(const ot_simplex *s, double tol) {
    const int32_t N = (int32_t)s->nodes, root = s->root;
    int32_t *pos = wk_malloc((size_t)(N + 1) * sizeof(int32_t)), *size = wk_calloc((size_t)N + 1, sizeof(int32_t));
    int rc = pos && size ? WK_OK : WK_ENOMEM;
    for (int32_t u = 0; u <= N && !rc; u++) pos[u] = -1;
    /* the thread: a cycle through all N + 1 nodes from the root, rev_thread its inverse */
    int32_t u = root, k = 0;
    while (!rc && k <= N) {
        if (pos[u] >= 0) rc = wk_errorf(WK_EINTERNAL, "simplex tree: thread revisits node %d", u);
        else if (s->rev_thread[s->thread[u]] != u) rc = wk_errorf(WK_EINTERNAL, "simplex tree: rev_thread at %d", u);
        else pos[u] = k++, u = s->thread[u];
    }
    if (!rc && u != root) rc = wk_errorf(WK_EINTERNAL, "simplex tree: thread does not close at the root");
    if (!rc && s->parent[root] != -1) rc = wk_errorf(WK_EINTERNAL, "simplex tree: the root has a parent");
    int64_t tree_arcs = 0;
    for (int64_t e = 0; e < s->narcs; e++) tree_arcs += s->in_tree[e];
    if (!rc && tree_arcs != N) rc = wk_errorf(WK_EINTERNAL, "simplex tree: %lld tree arcs for %d nodes",
                                              (long long)tree_arcs, N + 1);
    /* subtree sizes bottom-up: in reverse preorder every child comes after its parent */
    for (int32_t t = 0; t <= N && !rc; t++) size[t] = 1;
    for (u = s->rev_thread[root]; u != root && !rc; u = s->rev_thread[u]) size[s->parent[u]] += size[u];
    for (u = 0; u <= N && !rc; u++) {
        if (s->succ_num[u] != size[u] || pos[s->last_succ[u]] != pos[u] + size[u] - 1)
            rc = wk_errorf(WK_EINTERNAL, "simplex tree: node %d has succ_num %d (subtree %d) or a wrong last_succ", u,
                           s->succ_num[u], size[u]);
        if (u == root || rc) continue;
        const int32_t p = s->parent[u], e = s->pred[u];
        if (p < 0 || p > N || !(pos[p] < pos[u] && pos[u] < pos[p] + size[p]))
            rc = wk_errorf(WK_EINTERNAL, "simplex tree: node %d lies outside its parent's block", u);
        else if (e < 0 || e >= s->narcs || !s->in_tree[e] ||
                 (s->pred_dir[u] == DIR_UP ? s->src[e] != u || s->dst[e] != p : s->src[e] != p || s->dst[e] != u))
            rc = wk_errorf(WK_EINTERNAL, "simplex tree: pred arc of node %d does not join it to its parent", u);
        else if (!(s->flow[e] >= 0) || !(fabs(s->cost[e] + s->pi[s->src[e]] - s->pi[s->dst[e]]) <= tol))
            rc = wk_errorf(WK_EINTERNAL, "simplex tree: tree arc %d has flow %g, reduced cost %g", e, s->flow[e],
                           s->cost[e] + s->pi[s->src[e]] - s->pi[s->dst[e]]);
    }
    wk_free(pos);
    wk_free(size);
    return rc;
}
