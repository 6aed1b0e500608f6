/* assignment.c — exact sparse assignment solver for the n = m, uniform-weight case of
 * wk_w1_exact, where optimal transport is the assignment problem and W1 = (1/n) * the cost of
 * a min-cost perfect matching.
 *
 * Why this and not the alternatives (measured on standard-normal 2-D clouds, b shifted by 0.5,
 * the GAN-evaluation case):
 *  - dense shortest augmenting paths (JV / scipy's linear_sum_assignment) are O(n^3) on
 *    geometric costs: 2,000 points take 4.9 s and 5,000 take 76 s — augmenting paths are long
 *    because mass has to travel across the whole cloud;
 *  - the network simplex (network_simplex.c) spends its time in ~n^1.5 degenerate pivots;
 *  - ε-scaling auction (Bertsekas 1988, "The auction algorithm: a distributed relaxation method
 *    for the assignment problem"; forward Gauss–Seidel bids, ε reduced by a constant factor per
 *    phase) on the sparse candidate graph of w1_exact.c moves prices locally and is fast on such
 *    graphs, but with real costs it only gives an assignment within n·ε of optimal.
 * So: auction with ε-scaling for good prices, then an exact finish by the Hungarian method with
 * Dijkstra shortest augmenting paths (Jonker & Volgenant 1987, sparse form) warm-started from
 * the auction prices: every row whose matched arc is not tight is released and re-augmented;
 * with near-optimal prices these searches stop after a few columns. The solver keeps the duals
 * (u_i + v_j <= c_ij on every arc, equality on the matching), so the caller can price all n²
 * pairs against them and add violated arcs (then only the touched rows are re-augmented) until
 * the duals certify optimality for the full problem, as the simplex path does.
 * The auction assumes a perfect matching exists in the arc set (the caller includes one: the
 * sorted-order pairing) and has a bid budget; on exhaustion it reports OT_AUCTION_BUDGET and the
 * caller falls back to the network simplex.
 * Threads: the auction's phases and the arc merge run on the OpenMP team of the calling thread,
 * which wk_w1_exact sets from the call's wk_exec (no process-wide state). The merge gives the
 * same result on any number of threads; the auction is asynchronous on more than one (see its
 * comment: the W1 value is certified either way, the plan may differ under ties). */
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

struct ot_assign {
    int64_t n;
    /* arcs in CSR by row, columns ascending within a row */
    int64_t *rp;
    int32_t *cj;
    double *cc;
    int64_t narcs;
    /* arcs added since the last solve */
    int32_t *pi_, *pj;
    double *pc;
    int64_t npend, pcap;
    /* matching and duals */
    int32_t *row_of; /* [n] column -> row, -1 free */
    int32_t *col_of; /* [n] row -> column, -1 free */
    double *u, *v;
    int solved;
    double max_drop; /* largest u_i decrease forced by the arcs merged last */
    int64_t bids, searches;
    /* Dijkstra scratch (columns) */
    double *dist;
    int32_t *pred, *heap, *hpos, *touched;
    uint8_t *final;
    uint8_t *loose; /* [n] rows whose u_i a merge lowered under their matched arc's c - v */
    int force_parallel; /* test aid: every phase of two or more free rows on the team */
};

ot_assign *ot_assign_new(int64_t n) {
    ot_assign *s = wk_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n = n;
    s->rp = wk_calloc((size_t)n + 1, sizeof(int64_t));
    s->row_of = wk_malloc((size_t)n * sizeof(int32_t));
    s->col_of = wk_malloc((size_t)n * sizeof(int32_t));
    s->u = wk_calloc((size_t)n, sizeof(double));
    s->v = wk_calloc((size_t)n, sizeof(double));
    s->dist = wk_malloc((size_t)n * sizeof(double));
    s->pred = wk_malloc((size_t)n * sizeof(int32_t));
    s->heap = wk_malloc((size_t)n * sizeof(int32_t));
    s->hpos = wk_malloc((size_t)n * sizeof(int32_t));
    s->touched = wk_malloc((size_t)n * sizeof(int32_t));
    s->final = wk_calloc((size_t)n, 1);
    s->loose = wk_calloc((size_t)n, 1);
    if (!s->rp || !s->row_of || !s->col_of || !s->u || !s->v || !s->dist || !s->pred || !s->heap || !s->hpos ||
        !s->touched || !s->final || !s->loose) {
        ot_assign_free(s);
        return NULL;
    }
    for (int64_t k = 0; k < n; k++) {
        s->row_of[k] = s->col_of[k] = -1;
        s->hpos[k] = -1;
        s->dist[k] = INFINITY;
    }
    return s;
}

void ot_assign_free(ot_assign *s) {
    if (!s) return;
    void *ptrs[] = {s->rp,   s->cj,     s->cc,     s->pi_, s->pj,   s->pc,   s->row_of, s->col_of,
                    s->u,    s->v,      s->dist,   s->pred, s->heap, s->hpos, s->touched, s->final, s->loose};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) wk_free(ptrs[k]);
    wk_free(s);
}

int ot_assign_add_arc(ot_assign *s, int32_t i, int32_t j, double cost) {
    if (s->npend == s->pcap) {
        int64_t cap = s->pcap ? 2 * s->pcap : 1024;
        int32_t *a = wk_realloc(s->pi_, (size_t)cap * sizeof(int32_t));
        if (a) s->pi_ = a;
        int32_t *b = a ? wk_realloc(s->pj, (size_t)cap * sizeof(int32_t)) : NULL;
        if (b) s->pj = b;
        double *c = b ? wk_realloc(s->pc, (size_t)cap * sizeof(double)) : NULL;
        if (!c) return WK_ENOMEM;
        s->pc = c;
        s->pcap = cap;
    }
    s->pi_[s->npend] = i;
    s->pj[s->npend] = j;
    s->pc[s->npend] = cost;
    s->npend++;
    return 1;
}

typedef struct col_cost {
    int32_t j;
    double c;
} col_cost;

/* Merge the pending arcs into the CSR (dropping duplicates); returns the number of new arcs.
 * Rows that gain an arc with negative reduced cost get u_i lowered to stay dual feasible and
 * lose their (now non-tight) matched column, so the next solve re-augments just them.
 * Rows are independent: each is sorted and deduplicated in its own bucket, on the call's
 * threads (the result does not depend on their number), then the buckets are compacted. */
static int64_t merge_pending(ot_assign *s) {
    const int64_t n = s->n;
    int64_t *cnt = wk_calloc((size_t)n + 1, sizeof(int64_t));
    col_cost *tmp = wk_malloc((size_t)(s->narcs + s->npend) * sizeof *tmp);
    int64_t *nrp = wk_malloc((size_t)(n + 1) * sizeof(int64_t));
    if (!cnt || !tmp || !nrp) {
        wk_free(cnt);
        wk_free(tmp);
        wk_free(nrp);
        return WK_ENOMEM;
    }
    /* bucket old + pending arcs by row: [nrp[i], nrp[i + 1]) */
    for (int64_t i = 0; i < n; i++) cnt[i + 1] = s->rp[i + 1] - s->rp[i];
    for (int64_t t = 0; t < s->npend; t++) cnt[s->pi_[t] + 1]++;
    for (int64_t i = 0; i < n; i++) cnt[i + 1] += cnt[i];
    memcpy(nrp, cnt, (size_t)(n + 1) * sizeof(int64_t));
    /* on the threads only when large (~2M arcs, n ~ 40,000 in 2-D): at 5,000 x 2 under load the
     * three short regions of each merge cost more in the team's barrier than they saved */
    const int par = ot_parallel_worth(s->narcs + s->npend);
#pragma omp parallel for schedule(static) if (par)
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = s->rp[i]; t < s->rp[i + 1]; t++) tmp[cnt[i]++] = (col_cost){s->cj[t], s->cc[t]};
    for (int64_t t = 0; t < s->npend; t++) tmp[cnt[s->pi_[t]]++] = (col_cost){s->pj[t], s->pc[t]};
    /* sort and deduplicate each row within its bucket; cnt[i + 1] := the arcs it keeps */
    double drop = s->max_drop;
    int64_t added = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(max : drop) reduction(+ : added) if (par)
    for (int64_t i = 0; i < n; i++) {
        const int64_t b = nrp[i], e = nrp[i + 1], old = s->rp[i + 1] - s->rp[i];
        /* the old arcs are sorted already: insertion sort is linear in them */
        for (int64_t t = b + 1; t < e; t++) {
            col_cost x = tmp[t];
            int64_t q = t;
            while (q > b && tmp[q - 1].j > x.j) {
                tmp[q] = tmp[q - 1];
                q--;
            }
            tmp[q] = x;
        }
        int64_t w = b;
        double umin = INFINITY;
        const int gained = e - b > old; /* only rows given arcs can need a lower u_i */
        for (int64_t t = b; t < e; t++) {
            if (t > b && tmp[t].j == tmp[t - 1].j) continue;
            tmp[w++] = tmp[t];
            if (s->solved && gained) {
                double r = tmp[t].c - s->v[tmp[t].j];
                if (r < umin) umin = r;
            }
        }
        cnt[i + 1] = w - b;
        added += (w - b) - old;
        if (s->solved && umin < s->u[i]) {
            if (s->u[i] - umin > drop) drop = s->u[i] - umin;
            s->u[i] = umin;
            s->loose[i] = 1; /* its match is no longer tight: released by the next solve */
        }
    }
    s->max_drop = drop;
    cnt[0] = 0;
    for (int64_t i = 0; i < n; i++) cnt[i + 1] += cnt[i];
    const int64_t w = cnt[n];
    int32_t *cj = wk_malloc((size_t)(w ? w : 1) * sizeof(int32_t));
    double *cc = wk_malloc((size_t)(w ? w : 1) * sizeof(double));
    if (!cj || !cc) {
        wk_free(cj);
        wk_free(cc);
        wk_free(cnt);
        wk_free(tmp);
        wk_free(nrp);
        return WK_ENOMEM;
    }
#pragma omp parallel for schedule(static) if (par)
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < cnt[i + 1] - cnt[i]; t++) {
            cj[cnt[i] + t] = tmp[nrp[i] + t].j;
            cc[cnt[i] + t] = tmp[nrp[i] + t].c;
        }
    wk_free(s->cj);
    wk_free(s->cc);
    wk_free(s->rp);
    wk_free(nrp);
    wk_free(tmp);
    s->cj = cj;
    s->cc = cc;
    s->rp = cnt;
    s->narcs = w;
    s->npend = 0;
    return added;
}

/* ---- ε-scaling forward auction (maximising -c_ij - p_j; here written as minimising
 * c_ij + p_j), asynchronous Gauss–Seidel form (Bertsekas & Castañon 1991, "Parallel synchronous
 * and asynchronous implementations of the auction algorithm"), on the call's threads.
 *
 * Why asynchronous: the bids of a 2-D solve come in long eviction chains (a bid evicts the
 * column's owner, who bids next, ...). A synchronous (Jacobi) auction, measured at 5,000 x 2,
 * made 1.7M bids against the serial 1.25M, and 70% of them in rounds of one or two free rows,
 * each ending at a barrier. Here each thread keeps a queue of free rows (its share of the
 * phase's free rows, then the rows it evicts), first in first out; an idle thread steals half
 * of the longest queue, or yields its core until the phase has no free row (the tail of a
 * phase is often one long chain, which one thread follows alone), and the threads meet at the
 * phase's end yielding, not spinning. A bid is computed against the prices as read; it is committed
 * under the column's lock only if the column's price is still the one the bid saw (else the
 * row queues again). Prices only rise within a phase, so the other prices read can only have
 * risen since: the bid's second-best value is still a lower bound, and ε-complementary
 * slackness holds when the row is assigned, as in the serial auction. Prices are read without
 * the lock (aligned doubles, each written whole under it).
 * With one thread the order is the serial auction's: the same bits every run. With two or more,
 * the commit order, hence the auction's prices and matching, may vary between runs; with ties,
 * so may the optimal plan the exact finish reaches (and the last bits of W1, summed over another
 * optimal plan). The value is certified either way: the Hungarian finish and the all-pairs
 * pricing do not depend on how the auction reached its prices.
 * Returns WK_OK, or OT_AUCTION_BUDGET when the bid budget runs out. ---- */

/* A phase runs on the call's threads only when large: ot_parallel_worth(its free rows x the
 * mean arcs per row), i.e. two million arc scans for its free rows' first bids alone (a phase
 * then makes 10-20 bids per free row): the large phases of 2-D clouds of ~30,000 points and up
 * (at 20,000 x 2 the largest has 15,128 free rows x 87 arcs). Smaller phases stay on one
 * thread: measured under load (2 shared cores, load 10-17), threaded phases made 5,000 x 2
 * 1.5x slower in CPU and wall (libgomp's spinning at the team's barrier was 22% of the CPU, and
 * a chain's tail leaves one thread idle) and 20,000 x 2 1.3x slower (11.2 s CPU against 8.7 s);
 * at 50,000 x 2 they were at parity (56.2 s against 56.8 s). */
enum { AUCTION_BID_BATCH = 1024 };

/* one thread's queue of free rows: a ring of n under a lock (its owner's pops and pushes, a
 * thief's steals), on its own cache line. len is also read without the lock (the thieves'
 * choice of a victim, the owner's prefetch), hence written atomically; the ring's entries are
 * written by the owner only. */
typedef struct auction_queue {
    int64_t head, len;
    int32_t *ring;
    uint8_t lock;
    char pad[64 - 3 * 8 - 1]; /* one cache line each (the array itself is malloc-aligned) */
} auction_queue;

/* a column's price, owner and lock side by side: a commit writes one cache line, and the
 * threads share fewer lines (the prices and owners were two arrays, the locks a third) */
typedef struct auction_col {
    double p;
    int32_t row;
    uint8_t lock;
} auction_col;

typedef struct auction_phase {
    int64_t n;
    int nq;
    auction_queue *q;  /* [nq] */
    auction_col *col;  /* [n] */
    double *buf;       /* [nq * deg] best_two's values */
    int64_t deg, avg_deg; /* the largest and the mean arcs per row */
    double eps, eps_final; /* this phase's ε, the last phase's */
    int64_t budget;    /* bids left */
    __attribute__((aligned(64))) int64_t bids;      /* atomic: bids counted so far */
    int64_t pending;   /* atomic: rows free, queued or in hand (0: the phase is over) */
    int arrived;       /* atomic: threads done with the phase */
    int stop;          /* atomic: 1 budget exhausted, 2 a row without arcs */
    int32_t bad_row;
} auction_phase;

static inline void spin_lock(uint8_t *l) {
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static inline void spin_unlock(uint8_t *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

/* A row's best and second-best value of c_ij + p_j over its arcs (ties: the first arc), as in
 * the scalar scan but in passes the compiler vectorises (the price gathers overlap instead of
 * waiting behind the compare-and-branch chain; the bid loop is most of a 2-D solve). buf holds
 * the row's values; col the columns' prices. Returns the best arc's position, -1 for an empty row. */
static int64_t best_two(const int32_t *cj, const double *cc, const auction_col *col, int64_t len, double *buf,
                        double *b1, double *b2) {
    double m = INFINITY;
#pragma omp simd reduction(min : m)
    for (int64_t t = 0; t < len; t++) {
        const double v = cc[t] + col[cj[t]].p;
        buf[t] = v;
        m = v < m ? v : m;
    }
    int64_t a = 0;
    while (a < len && buf[a] != m) a++;
    if (a == len) return -1;
    double m2 = INFINITY;
#pragma omp simd reduction(min : m2)
    for (int64_t t = 0; t < a; t++) m2 = buf[t] < m2 ? buf[t] : m2;
#pragma omp simd reduction(min : m2)
    for (int64_t t = a + 1; t < len; t++) m2 = buf[t] < m2 ? buf[t] : m2;
    *b1 = m;
    *b2 = m2;
    return a;
}

static int32_t queue_pop(auction_queue *q, int64_t n) {
    int32_t i = -1;
    spin_lock(&q->lock);
    if (q->len > 0) {
        i = q->ring[q->head];
        q->head = q->head + 1 == n ? 0 : q->head + 1;
        __atomic_store_n(&q->len, q->len - 1, __ATOMIC_RELAXED);
    }
    spin_unlock(&q->lock);
    return i;
}

static void queue_push(auction_queue *q, int64_t n, int32_t i) {
    spin_lock(&q->lock);
    const int64_t tail = q->head + q->len;
    q->ring[tail >= n ? tail - n : tail] = i;
    __atomic_store_n(&q->len, q->len + 1, __ATOMIC_RELAXED);
    spin_unlock(&q->lock);
}

/* An idle thread's queue `me` takes the newer half of the longest other queue holding at least
 * two rows (one row is the chain its owner follows next: taking it would only move the chain).
 * Returns 1 if it got rows. */
static int queue_steal(auction_phase *ph, int me) {
    for (;;) {
        int v = -1;
        int64_t best = 1;
        for (int t = 0; t < ph->nq; t++) {
            const int64_t len = __atomic_load_n(&ph->q[t].len, __ATOMIC_RELAXED);
            if (t != me && len > best) best = len, v = t;
        }
        if (v < 0) return 0;
        auction_queue *src = ph->q + v, *dst = ph->q + me;
        int32_t *tmp = dst->ring; /* dst is empty and only its owner (this thread) fills it */
        const int64_t n = ph->n;
        spin_lock(&src->lock);
        const int64_t k = src->len / 2;
        for (int64_t t = 0; t < k; t++) {
            const int64_t pos = src->head + src->len - k + t;
            tmp[t] = src->ring[pos >= n ? pos - n : pos];
        }
        __atomic_store_n(&src->len, src->len - k, __ATOMIC_RELAXED);
        spin_unlock(&src->lock);
        if (k == 0) return 0; /* emptied meanwhile */
        spin_lock(&dst->lock);
        dst->head = 0;
        __atomic_store_n(&dst->len, k, __ATOMIC_RELAXED);
        spin_unlock(&dst->lock);
        return 1;
    }
}

/* One thread's part of a phase: bids for the rows of its queue until every row is assigned. */
static void auction_worker(ot_assign *s, auction_phase *ph, int me) {
    auction_col *col = ph->col;
    const int64_t n = s->n;
    const double eps = ph->eps;
    auction_queue *q = ph->q + me;
    double *buf = ph->buf + (int64_t)me * ph->deg;
    int64_t mine = 0; /* bids not yet added to ph->bids */
    for (;;) {
        const int32_t i = queue_pop(q, n);
        if (i < 0) {
            /* idle: the phase ends when no row is free; meanwhile steal, or give the core away
             * (on shared cores a spinning thread takes it from the one still bidding) */
            if (!__atomic_load_n(&ph->pending, __ATOMIC_ACQUIRE) || __atomic_load_n(&ph->stop, __ATOMIC_RELAXED)) break;
            if (!queue_steal(ph, me)) sched_yield();
            continue;
        }
        {
            /* the bid loop waits on memory (each bid reads a cold row): fetch the next queued
             * row's arcs now (a thief may take it meanwhile: then the prefetch is wasted) */
            const int32_t i1 = q->ring[q->head];
            if (__atomic_load_n(&q->len, __ATOMIC_RELAXED) > 0 && i1 >= 0 && i1 < n) {
                const int64_t q1 = s->rp[i1], e1 = s->rp[i1 + 1];
                for (int64_t t = q1; t < e1; t += 16) __builtin_prefetch(s->cj + t);
                for (int64_t t = q1; t < e1; t += 8) __builtin_prefetch(s->cc + t);
            }
        }
        const int64_t r0 = s->rp[i];
        double b1 = INFINITY, b2 = INFINITY;
        const int64_t a = best_two(s->cj + r0, s->cc + r0, col, s->rp[i + 1] - r0, buf, &b1, &b2);
        if (a < 0) {
            ph->bad_row = i;
            __atomic_store_n(&ph->stop, 2, __ATOMIC_RELAXED);
            break;
        }
        const int32_t j1 = s->cj[r0 + a];
        const double c1 = s->cc[r0 + a], seen = col[j1].p;
        int32_t old = i; /* i: the price moved since best_two read it, bid again */
        if (c1 + seen == b1) {
            /* j1 becomes eps worse than the second best (a row with one arc bids just eps: it has
             * nowhere else to go) */
            const double bid = seen + ((isfinite(b2) ? b2 - b1 : 0) + eps);
            spin_lock(&col[j1].lock);
            if (col[j1].p == seen) {
                col[j1].p = bid;
                old = col[j1].row;
                col[j1].row = i;
            }
            spin_unlock(&col[j1].lock);
        }
        if (old != i) {
            s->col_of[i] = j1;
            if (old >= 0) s->col_of[old] = -1;
        }
        if (old >= 0) queue_push(q, n, old);
        else __atomic_sub_fetch(&ph->pending, 1, __ATOMIC_RELEASE); /* a column without owner taken */
        if (++mine == AUCTION_BID_BATCH) {
            const int64_t tot = __atomic_add_fetch(&ph->bids, mine, __ATOMIC_RELAXED);
            mine = 0;
            if (tot > ph->budget) __atomic_store_n(&ph->stop, 1, __ATOMIC_RELAXED);
            if (__atomic_load_n(&ph->stop, __ATOMIC_RELAXED)) break;
        }
    }
    __atomic_add_fetch(&ph->bids, mine, __ATOMIC_RELAXED);
    /* meet the others here, yielding, so that no thread spins in the team's barrier */
    __atomic_add_fetch(&ph->arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&ph->arrived, __ATOMIC_ACQUIRE) < ph->nq) sched_yield();
}

static int auction_phases(ot_assign *s, double eps0, double theta, auction_phase *ph) {
    auction_col *col = ph->col;
    const int64_t n = s->n;
    const int64_t budget = s->bids + 2000 * n + 1000000;
    for (double eps = eps0;; eps /= theta) {
        if (eps < ph->eps_final) eps = ph->eps_final;
        /* keep the matches that still satisfy ε-complementary slackness; the others' rows, in
         * order, are dealt to the threads' queues in equal consecutive parts */
        int32_t *free_rows = s->heap; /* scratch outside the Hungarian searches */
        int64_t nf = 0;
        for (int64_t i = 0; i < n; i++) {
            int32_t j = s->col_of[i];
            if (j >= 0) {
                double best = INFINITY, mine = INFINITY;
                for (int64_t t = s->rp[i]; t < s->rp[i + 1]; t++) {
                    double val = s->cc[t] + col[s->cj[t]].p;
                    if (val < best) best = val;
                    if (s->cj[t] == j) mine = val;
                }
                if (mine <= best + eps) continue;
                s->col_of[i] = -1;
                col[j].row = -1;
            }
            free_rows[nf++] = (int32_t)i;
        }
        const int team = (s->force_parallel ? nf >= 2 : ot_parallel_worth(nf * ph->avg_deg)) ? ph->nq : 1;
        ph->eps = eps;
        ph->bids = 0;
        ph->pending = nf;
        ph->arrived = 0;
        ph->budget = budget - s->bids;
        ph->stop = 0;
        const int nq = ph->nq;
#pragma omp parallel num_threads(team) if (team > 1)
        {
            /* the team OpenMP gave (fewer than asked inside another parallel region) */
#pragma omp single
            {
                ph->nq = omp_get_num_threads();
                for (int t = 0; t < ph->nq; t++) {
                    const int64_t f0 = nf * t / ph->nq, f1 = nf * (t + 1) / ph->nq;
                    memcpy(ph->q[t].ring, free_rows + f0, (size_t)(f1 - f0) * sizeof(int32_t));
                    ph->q[t].head = 0;
                    ph->q[t].len = f1 - f0;
                }
            }
            auction_worker(s, ph, omp_get_thread_num());
        }
        ph->nq = nq;
        s->bids += ph->bids;
        if (ph->stop == 2)
            return wk_errorf(WK_EINTERNAL, "assignment: internal error: row %d has no arc", (int)ph->bad_row);
        if (ph->stop == 1 || s->bids > budget)
            return wk_errorf(OT_AUCTION_BUDGET, "assignment: auction bid budget (%lld) exhausted", (long long)budget);
        if (eps == ph->eps_final) break;
    }
    return WK_OK;
}

static int auction(ot_assign *s, double cmax, double eps0) {
    const int64_t n = s->n;
    auction_phase ph = {.n = n, .eps_final = 1e-9 * cmax, .deg = 1};
    for (int64_t i = 0; i < n; i++) ph.deg = s->rp[i + 1] - s->rp[i] > ph.deg ? s->rp[i + 1] - s->rp[i] : ph.deg;
    ph.avg_deg = s->narcs / (n ? n : 1) + 1;
    /* the call's threads (wk_w1_exact enters its context: wk_exec_enter sets this thread's team) */
    ph.nq = omp_get_max_threads();
    ph.q = wk_calloc((size_t)ph.nq, sizeof *ph.q);
    ph.col = wk_calloc((size_t)n, sizeof *ph.col);
    ph.buf = wk_malloc((size_t)(ph.nq * ph.deg) * sizeof(double));
    int rc = ph.q && ph.col && ph.buf ? WK_OK : WK_ENOMEM;
    /* prices p = -v (a warm start keeps the current duals) */
    for (int64_t j = 0; !rc && j < n; j++) ph.col[j] = (auction_col){-s->v[j], s->row_of[j], 0};
    const int loaded = !rc;
    for (int t = 0; !rc && t < ph.nq; t++)
        if (!(ph.q[t].ring = wk_malloc((size_t)n * sizeof(int32_t)))) rc = WK_ENOMEM;
    if (!rc) rc = auction_phases(s, eps0, 6, &ph);
    for (int t = 0; ph.q && t < ph.nq; t++) wk_free(ph.q[t].ring);
    wk_free(ph.q);
    for (int64_t j = 0; loaded && j < n; j++) { /* also after a failed phase: row_of agrees with col_of */
        s->v[j] = -ph.col[j].p;
        s->row_of[j] = ph.col[j].row;
    }
    wk_free(ph.col);
    wk_free(ph.buf);
    return rc;
}

/* ---- indexed binary heap of columns keyed by dist ---- */
static void heap_up(ot_assign *s, int32_t pos) {
    int32_t *h = s->heap, j = h[pos];
    double d = s->dist[j];
    while (pos > 0) {
        int32_t par = (pos - 1) / 2;
        if (s->dist[h[par]] <= d) break;
        h[pos] = h[par];
        s->hpos[h[pos]] = pos;
        pos = par;
    }
    h[pos] = j;
    s->hpos[j] = pos;
}

static int32_t heap_pop(ot_assign *s, int32_t *size) {
    int32_t *h = s->heap, top = h[0], last = h[--*size];
    s->hpos[top] = -1;
    if (*size == 0) return top;
    int32_t pos = 0;
    double d = s->dist[last];
    for (;;) {
        int32_t c = 2 * pos + 1;
        if (c >= *size) break;
        if (c + 1 < *size && s->dist[h[c + 1]] < s->dist[h[c]]) c++;
        if (s->dist[h[c]] >= d) break;
        h[pos] = h[c];
        s->hpos[h[pos]] = pos;
        pos = c;
    }
    h[pos] = last;
    s->hpos[last] = pos;
    return top;
}

/* One Dijkstra shortest augmenting path from free row `r0` over reduced costs
 * c_ij - u_i - v_j >= 0, then the dual update that keeps every arc feasible and the tree tight,
 * and the augmentation (see the derivation in any JV/Hungarian text). */
static int augment(ot_assign *s, int32_t r0) {
    int32_t hsize = 0, ntouch = 0, sink = -1;
    double D = 0;
    int32_t row = r0;
    double drow = 0;
    s->searches++;
    for (;;) {
        const double ui = s->u[row];
        for (int64_t t = s->rp[row]; t < s->rp[row + 1]; t++) {
            int32_t j = s->cj[t];
            if (s->final[j]) continue;
            double r = s->cc[t] - ui - s->v[j];
            double nd = drow + (r > 0 ? r : 0);
            if (nd < s->dist[j]) {
                if (!isfinite(s->dist[j])) s->touched[ntouch++] = j;
                s->dist[j] = nd;
                s->pred[j] = row;
                if (s->hpos[j] < 0) {
                    s->heap[hsize] = j;
                    heap_up(s, hsize++);
                } else {
                    heap_up(s, s->hpos[j]);
                }
            }
        }
        if (hsize == 0) break;
        int32_t j = heap_pop(s, &hsize);
        s->final[j] = 1;
        if (s->row_of[j] < 0) {
            sink = j;
            D = s->dist[j];
            break;
        }
        row = s->row_of[j];
        drow = s->dist[j];
    }
    int rc = WK_OK;
    if (sink < 0) {
        rc = wk_errorf(WK_EINTERNAL, "assignment: internal error: no perfect matching in the arc set");
    } else {
        /* duals: finalised columns j (d_j <= D) get v_j -= D - d_j, their rows u_i += D - d_j */
        s->u[r0] += D;
        for (int32_t k = 0; k < ntouch; k++) {
            int32_t j = s->touched[k];
            if (!s->final[j] || j == sink) continue;
            double delta = D - s->dist[j];
            s->v[j] -= delta;
            s->u[s->row_of[j]] += delta;
        }
        /* augment along the predecessor path */
        for (int32_t j = sink;;) {
            int32_t i = s->pred[j], next = s->col_of[i];
            s->row_of[j] = i;
            s->col_of[i] = j;
            if (i == r0) break;
            j = next;
        }
    }
    for (int32_t k = 0; k < ntouch; k++) {
        int32_t j = s->touched[k];
        s->dist[j] = INFINITY;
        s->final[j] = 0;
        s->hpos[j] = -1;
    }
    return rc;
}

int64_t ot_assign_commit(ot_assign *s) { return merge_pending(s); }

int ot_assign_solve(ot_assign *s, double cmax) {
    const int64_t n = s->n;
    int64_t added = merge_pending(s);
    if (added < 0) return (int)added;
    if (cmax <= 0) cmax = 1;
    int64_t nfree0 = 0;
    for (int64_t i = 0; i < n; i++) nfree0 += s->col_of[i] < 0 || s->loose[i];
    /* Many rows released by new arcs: their duals moved by up to max_drop, far more than the
     * last auction's ε, and Dijkstra searches would be long; a few auction phases from the
     * current prices, starting at that scale, repair them locally first. */
    if (s->solved && nfree0 > n / 2) s->solved = 0;
    /* the Hungarian finish needs tight matches: release the loose ones; the auction keeps every
     * match that is still ε-optimal at its first ε (most of them: a row's drop is mostly far
     * below the largest one), so it re-bids only the rows that moved */
    for (int64_t i = 0; i < n; i++) {
        if (!s->loose[i]) continue;
        s->loose[i] = 0;
        int32_t j = s->col_of[i];
        if (s->solved && j >= 0) {
            s->col_of[i] = -1;
            s->row_of[j] = -1;
        }
    }
    if (!s->solved) {
        double eps0 = s->max_drop > 0 ? s->max_drop / 4 : cmax / 8;
        int rc = auction(s, cmax, eps0);
        if (rc) return rc;
        /* prices -> duals: u_i = min_j (c_ij - v_j); keep only tight matches */
        for (int64_t i = 0; i < n; i++) {
            double best = INFINITY;
            for (int64_t t = s->rp[i]; t < s->rp[i + 1]; t++) {
                double r = s->cc[t] - s->v[s->cj[t]];
                if (r < best) best = r;
            }
            s->u[i] = best;
        }
        for (int64_t i = 0; i < n; i++) {
            int32_t j = s->col_of[i];
            if (j < 0) continue;
            /* tight = still the row's argmin (u_i is that very minimum, so no rounding) */
            double r = INFINITY;
            for (int64_t t = s->rp[i]; t < s->rp[i + 1]; t++)
                if (s->cj[t] == j) r = s->cc[t] - s->v[j];
            if (r > s->u[i]) {
                s->col_of[i] = -1;
                s->row_of[j] = -1;
            }
        }
        s->solved = 1;
    }
    s->max_drop = 0; /* the drops of the arcs merged since the last solve (commit or above) */
    for (int64_t i = 0; i < n; i++) {
        if (s->col_of[i] >= 0) continue;
        int rc = augment(s, (int32_t)i);
        if (rc) return rc;
    }
    return WK_OK;
}

const int32_t *ot_assign_matching(const ot_assign *s) { return s->col_of; }
const double *ot_assign_u(const ot_assign *s) { return s->u; }
const double *ot_assign_v(const ot_assign *s) { return s->v; }
int64_t ot_assign_arc_count(const ot_assign *s) { return s->narcs + s->npend; }
int64_t ot_assign_work(const ot_assign *s) { return s->bids + s->searches; }
void ot_assign_force_parallel(ot_assign *s) { s->force_parallel = 1; }
