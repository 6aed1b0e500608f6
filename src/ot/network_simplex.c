/* network_simplex.c — primal network simplex for the transportation problem on a sparse,
 * growing arc set (arcs a_i -> b_j, no capacities).
 *
 * The algorithm is the one of LEMON's NetworkSimplex (Kovács, "Minimum-cost flow algorithms:
 * an experimental evaluation", 2015) that POT's ot.emd wraps: artificial-root start with big-M
 * costs, block-search pivot rule, a spanning-tree basis stored as parent/pred/thread lists, and
 * Cunningham's leaving-arc rule ("last blocking arc met from the join node in cycle direction")
 * which keeps the tree strongly feasible and so prevents cycling under degeneracy. Arcs can be
 * added between solves (column generation, see w1_exact.c): a new arc enters as a non-basic arc
 * at zero flow, so the current basis stays feasible and warm.
 * The subtree moved by a pivot is re-threaded from index ranges of its old preorder (the stem
 * nodes' subtrees are nested blocks of the thread; see rehang), with depths instead of LEMON's
 * succ_num/last_succ bookkeeping; the cost is O(size of the moved subtree), as in LEMON.
 * A pivot budget running out is WK_ELIMIT; a cycle with no blocking arc (impossible with the
 * non-negative costs the caller gives) is WK_EINTERNAL. */
#include <math.h>
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
    /* membership hash of (i, j) */
    int64_t *hkeys;
    int64_t hcap;
    /* tree */
    int32_t *parent, *pred, *thread, *rev_thread, *depth;
    int8_t *pred_dir;
    double *pi;
    int32_t root;
    /* scratch for re-threading: the moved subtree in old and new thread order, each node's
     * index in `sub`, the stem and each stem node's [start, end) range in `sub` */
    int32_t *sub, *order, *pos, *path, *start, *end;
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
    size_t nb = (size_t)(s->nodes + 1) * sizeof(int32_t);
    s->parent = wk_malloc(nb);
    s->pred = wk_malloc(nb);
    s->thread = wk_malloc(nb);
    s->rev_thread = wk_malloc(nb);
    s->depth = wk_malloc(nb);
    s->pred_dir = wk_malloc((size_t)s->nodes + 1);
    s->pi = wk_malloc((size_t)(s->nodes + 1) * sizeof(double));
    s->sub = wk_malloc(nb);
    s->order = wk_malloc(nb);
    s->pos = wk_malloc(nb);
    s->path = wk_malloc(nb);
    s->start = wk_malloc(nb);
    s->end = wk_malloc(nb);
    if (!s->src || !s->dst || !s->cost || !s->flow || !s->in_tree || !s->hkeys || !s->parent || !s->pred ||
        !s->thread || !s->rev_thread || !s->depth || !s->pred_dir || !s->pi || !s->sub || !s->order ||
        !s->pos || !s->path || !s->start || !s->end) {
        ot_simplex_free(s);
        return NULL;
    }
    memset(s->hkeys, 0xff, (size_t)s->hcap * sizeof(int64_t));
    return s;
}

void ot_simplex_free(ot_simplex *s) {
    if (!s) return;
    void *ptrs[] = {s->src, s->dst, s->cost, s->flow, s->in_tree, s->hkeys, s->parent, s->pred, s->thread,
                    s->rev_thread, s->depth, s->pred_dir, s->pi, s->sub, s->order, s->pos, s->path, s->start,
                    s->end};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    wk_free(s);
}

static int hash_insert(int64_t *keys, int64_t hcap, int64_t key) {
    uint64_t h = hash64((uint64_t)key) & (uint64_t)(hcap - 1);
    while (keys[h] != -1) {
        if (keys[h] == key) return 0;
        h = (h + 1) & (uint64_t)(hcap - 1);
    }
    keys[h] = key;
    return 1;
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
        int64_t *keys = wk_malloc((size_t)hcap * sizeof(int64_t));
        if (!keys) return WK_ENOMEM;
        memset(keys, 0xff, (size_t)hcap * sizeof(int64_t));
        for (int64_t k = 0; k < s->hcap; k++)
            if (s->hkeys[k] != -1) hash_insert(keys, hcap, s->hkeys[k]);
        wk_free(s->hkeys);
        s->hkeys = keys;
        s->hcap = hcap;
    }
    return WK_OK;
}

int ot_simplex_add_arc(ot_simplex *s, int32_t i, int32_t j, double cost) {
    if (s->narcs == s->cap && grow(s)) return WK_ENOMEM;
    if (!hash_insert(s->hkeys, s->hcap, (int64_t)i * s->m + j)) return 0;
    int64_t e = s->narcs++;
    s->src[e] = i;
    s->dst[e] = (int32_t)(s->n + j);
    s->cost[e] = cost;
    s->flow[e] = 0;
    s->in_tree[e] = 0;
    return 1;
}

int ot_simplex_start(ot_simplex *s, const double *supply, const double *demand, double cmax) {
    const int64_t n = s->n, m = s->m, N = s->nodes;
    /* LEMON's start: every node hangs from an artificial root through an artificial arc
     * carrying its whole mass; a -> root costs 0, root -> b costs ART = (cmax + 1) * #nodes, more
     * than any path of real arcs, so the simplex drives the artificial flow to zero whenever the
     * real arcs admit a feasible plan (the caller includes the north-west-corner arcs, so they
     * do). The star is strongly feasible (all its arcs carry positive flow) and shallow. */
    const double art = (cmax + 1) * (double)(N + 1);
    s->root = (int32_t)N;
    s->parent[N] = -1;
    s->pred[N] = -1;
    s->pred_dir[N] = 0;
    s->depth[N] = 0;
    s->pi[N] = 0;
    s->art_begin = s->narcs;
    s->total_supply = 0;
    for (int64_t u = 0; u < n; u++) s->total_supply += supply[u];
    int32_t prev = (int32_t)N;
    for (int64_t u = 0; u < N; u++) {
        if (s->narcs == s->cap && grow(s)) return WK_ENOMEM;
        int64_t e = s->narcs++;
        int is_a = u < n;
        s->src[e] = is_a ? (int32_t)u : (int32_t)N;
        s->dst[e] = is_a ? (int32_t)N : (int32_t)u;
        s->cost[e] = is_a ? 0 : art;
        s->flow[e] = is_a ? supply[u] : demand[u - n];
        s->in_tree[e] = 1;
        s->parent[u] = (int32_t)N;
        s->pred[u] = (int32_t)e;
        s->pred_dir[u] = is_a ? DIR_UP : DIR_DOWN;
        s->depth[u] = 1;
        s->pi[u] = is_a ? 0 : art;
        s->thread[prev] = (int32_t)u;
        s->rev_thread[u] = prev;
        prev = (int32_t)u;
    }
    (void)m;
    s->thread[prev] = (int32_t)N;
    s->rev_thread[N] = prev;
    s->next_arc = 0;
    return WK_OK;
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

/* Block search (LEMON's default pivot rule): scan arcs cyclically in blocks of about
 * sqrt(#arcs) and take the most negative reduced cost of the first block that has one. */
static int64_t find_entering(ot_simplex *s, double tol) {
    const int64_t na = s->narcs;
    int64_t block = (int64_t)sqrt((double)na);
    if (block < 10) block = 10;
    double best = -tol;
    int64_t best_e = -1, cnt = block, e = s->next_arc;
    const double *pi = s->pi;
    const int64_t a0 = s->art_begin, a1 = s->art_begin + s->nodes;
    for (int64_t scanned = 0; scanned < na; scanned++) {
        /* the reduced cost first, the arc's kind only for a candidate: most arcs are not, and
         * the tree and artificial tests were a load and a branch per scanned arc */
        const double rc = s->cost[e] + pi[s->src[e]] - pi[s->dst[e]];
        if (rc < best && !s->in_tree[e] && (e < a0 || e >= a1)) {
            best = rc;
            best_e = e;
        }
        if (++e == na) e = 0;
        if (--cnt == 0) {
            if (best_e >= 0) break;
            cnt = block;
        }
    }
    s->next_arc = e;
    return best_e;
}

/* Move the subtree hanging from u_out so that it hangs from v_in through arc `in` at u_in:
 * reverse the parent chain (the stem) u_in .. u_out, re-thread the subtree in preorder after
 * v_in and shift its potentials so the new tree arc has zero reduced cost.
 * Every subtree is a contiguous block of the thread, and the stem nodes' blocks are nested, so
 * the new preorder is made of index ranges of the old one: first u_in's block, then each next
 * stem node's block minus the previous one. Depths shift by one constant per block. So the
 * cost is a few linear passes over the moved nodes (no child lists, no DFS). */
static void rehang(ot_simplex *s, int32_t u_in, int32_t v_in, int32_t u_out, int32_t in) {
    /* 1. the subtree of u_out in thread order, and unlink it from the thread */
    int32_t cnt = 0, x = u_out, du = s->depth[u_out];
    do {
        s->pos[x] = cnt;
        s->sub[cnt++] = x;
        x = s->thread[x];
    } while (s->depth[x] > du);
    int32_t before = s->rev_thread[u_out];
    s->thread[before] = x;
    s->rev_thread[x] = before;
    /* 2. the stem u_in -> ... -> u_out and each stem node's block [start, end) in sub */
    int32_t plen = 0;
    for (x = u_in; x != u_out; x = s->parent[x]) s->path[plen++] = x;
    s->path[plen++] = u_out;
    for (int32_t k = 0, e = 0; k < plen; k++) {
        int32_t w = s->path[k], dw = s->depth[w];
        s->start[k] = s->pos[w];
        if (e <= s->start[k]) e = s->start[k] + 1;
        while (e < cnt && s->depth[s->sub[e]] > dw) e++;
        s->end[k] = e;
    }
    /* 3. the new preorder, with new depths and shifted potentials */
    double sigma = s->pi[v_in] - (s->src[in] == u_in ? DIR_UP : DIR_DOWN) * s->cost[in] - s->pi[u_in];
    int32_t n_out = 0, base = s->depth[v_in] + 1;
    for (int32_t k = 0; k < plen; k++) {
        const int32_t shift = base + k - s->depth[s->path[k]];
        /* block k minus block k-1: [start_k, start_{k-1}) and [end_{k-1}, end_k) */
        int32_t a0 = s->start[k], a1 = k ? s->start[k - 1] : s->end[k], b0 = k ? s->end[k - 1] : 0, b1 = k ? s->end[k] : 0;
        for (int32_t i = a0; i < a1; i++) s->order[n_out++] = s->sub[i];
        for (int32_t i = b0; i < b1; i++) s->order[n_out++] = s->sub[i];
        for (int32_t i = n_out - (a1 - a0) - (b1 - b0); i < n_out; i++) {
            int32_t w = s->order[i];
            s->depth[w] += shift;
            s->pi[w] += sigma;
        }
    }
    /* 4. reverse the stem's parent pointers */
    for (int32_t k = plen - 1; k >= 1; k--) {
        int32_t w = s->path[k], below = s->path[k - 1];
        s->parent[w] = below;
        s->pred[w] = s->pred[below];
        s->pred_dir[w] = (int8_t)-s->pred_dir[below];
    }
    s->parent[u_in] = v_in;
    s->pred[u_in] = in;
    s->pred_dir[u_in] = s->src[in] == u_in ? DIR_UP : DIR_DOWN;
    /* 5. splice the new order into the thread after v_in */
    int32_t after = s->thread[v_in], prev = v_in;
    for (int32_t i = 0; i < n_out; i++) {
        int32_t w = s->order[i];
        s->thread[prev] = w;
        s->rev_thread[w] = prev;
        prev = w;
    }
    s->thread[prev] = after;
    s->rev_thread[after] = prev;
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
        while (u != v) {
            if (s->depth[u] >= s->depth[v]) u = s->parent[u];
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
        rehang(s, u_in, v_in, u_out, (int32_t)in);
    }
}

const double *ot_simplex_potentials(const ot_simplex *s) { return s->pi; }
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
