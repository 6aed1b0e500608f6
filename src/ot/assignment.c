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
 * caller falls back to the network simplex. */
#include <math.h>
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
    double warm_eps; /* > 0: the first auction starts at this ε from the given prices */
    int64_t bids, searches;
    /* Dijkstra scratch (columns) */
    double *dist;
    int32_t *pred, *heap, *hpos, *touched;
    uint8_t *final;
    uint8_t *loose; /* [n] rows whose u_i a merge lowered under their matched arc's c - v */
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

/* Merge the pending arcs into the CSR (dropping duplicates); returns the number of new arcs.
 * Rows that gain an arc with negative reduced cost get u_i lowered to stay dual feasible and
 * lose their (now non-tight) matched column, so the next solve re-augments just them. Only arcs
 * the row did not hold count: a held arc's reduced cost is the solver's own business, and
 * re-proposing held arcs must change nothing (else the rounding of u_i against an old arc's
 * c - v would release rows again on every merge, and re-solve them for ever).
 * In place: the pending arcs are bucketed by row and sorted by column, each row's new length
 * counted, the arc arrays grown by realloc, and the rows merged from the last to the first and
 * from each row's end, so every arc moves at most once and the write position never passes the
 * read position (rows only grow). A copy of all arcs per merge (it was one: ~140 MB at 50,000
 * points, freshly mapped and faulted in on every round) is gone; the order is the one the copy
 * gave (columns ascending, a held arc kept over a proposal of the same column). */
static int64_t merge_pending(ot_assign *s) {
    const int64_t n = s->n, np = s->npend;
    if (np == 0) return 0;
    int64_t *prp = wk_calloc((size_t)n + 1, sizeof(int64_t)), *nrp = wk_malloc((size_t)(n + 1) * sizeof(int64_t));
    int32_t *qj = wk_malloc((size_t)np * sizeof(int32_t));
    double *qc = wk_malloc((size_t)np * sizeof(double));
    int64_t rc = prp && nrp && qj && qc ? 0 : WK_ENOMEM;
    if (rc) goto out;
    /* pending arcs by row (a counting sort, stable), each row's by column (insertion sort:
     * a few dozen at most) */
    for (int64_t t = 0; t < np; t++) prp[s->pi_[t] + 1]++;
    for (int64_t i = 0; i < n; i++) prp[i + 1] += prp[i];
    memcpy(nrp, prp, (size_t)n * sizeof(int64_t));
    for (int64_t t = 0; t < np; t++) {
        const int64_t at = nrp[s->pi_[t]]++;
        qj[at] = s->pj[t];
        qc[at] = s->pc[t];
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = prp[i] + 1; t < prp[i + 1]; t++) {
            const int32_t xj = qj[t];
            const double xc = qc[t];
            int64_t q = t;
            for (; q > prp[i] && qj[q - 1] > xj; q--) qj[q] = qj[q - 1], qc[q] = qc[q - 1];
            qj[q] = xj, qc[q] = xc;
        }
    /* each row's new length: its held arcs and its distinct new columns */
    nrp[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t a = s->rp[i], b = prp[i], cnt = s->rp[i + 1] - s->rp[i];
        for (; b < prp[i + 1]; b++) {
            if (b > prp[i] && qj[b] == qj[b - 1]) continue;
            while (a < s->rp[i + 1] && s->cj[a] < qj[b]) a++;
            cnt += !(a < s->rp[i + 1] && s->cj[a] == qj[b]);
        }
        nrp[i + 1] = nrp[i] + cnt;
    }
    const int64_t w = nrp[n];
    int32_t *cj = wk_realloc(s->cj, (size_t)(w ? w : 1) * sizeof(int32_t));
    if (!cj) {
        rc = WK_ENOMEM;
        goto out;
    }
    s->cj = cj;
    double *cc = wk_realloc(s->cc, (size_t)(w ? w : 1) * sizeof(double));
    if (!cc) {
        rc = WK_ENOMEM;
        goto out;
    }
    s->cc = cc;
    /* the rows, last to first, each from its end */
    for (int64_t i = n - 1; i >= 0; i--) {
        int64_t a = s->rp[i + 1] - 1, b = prp[i + 1] - 1, o = nrp[i + 1] - 1;
        double umin = INFINITY;
        while (b >= prp[i]) {
            while (b > prp[i] && qj[b - 1] == qj[b]) b--; /* the first proposal of a column */
            if (a >= s->rp[i] && cj[a] > qj[b]) {
                cj[o] = cj[a], cc[o] = cc[a], o--, a--;
                continue;
            }
            if (a >= s->rp[i] && cj[a] == qj[b]) { /* held: kept as it is, not fresh */
                cj[o] = cj[a], cc[o] = cc[a], o--, a--;
            } else {
                cj[o] = qj[b], cc[o] = qc[b], o--;
                if (s->solved) {
                    const double r = qc[b] - s->v[qj[b]];
                    if (r < umin) umin = r;
                }
            }
            b--;
        }
        for (; a >= s->rp[i]; a--, o--) cj[o] = cj[a], cc[o] = cc[a];
        if (s->solved && umin < s->u[i]) {
            if (s->u[i] - umin > s->max_drop) s->max_drop = s->u[i] - umin;
            s->u[i] = umin;
            s->loose[i] = 1; /* its match is no longer tight: released by the next solve */
        }
    }
    rc = w - s->narcs;
    memcpy(s->rp, nrp, (size_t)(n + 1) * sizeof(int64_t));
    s->narcs = w;
    s->npend = 0;
out:
    wk_free(prp);
    wk_free(nrp);
    wk_free(qj);
    wk_free(qc);
    return rc;
}

/* A row's best and second-best value of c_ij + p_j over its arcs (ties: the first arc), as in
 * the scalar scan but in passes the compiler vectorises (the price gathers overlap instead of
 * waiting behind the compare-and-branch chain; the bid loop is most of a 2-D solve). buf holds
 * the row's values. Returns the best arc's position, -1 for an empty row. */
static int64_t best_two(const int32_t *cj, const double *cc, const double *p, int64_t len, double *buf, double *b1,
                        double *b2) {
    double m = INFINITY;
#pragma omp simd reduction(min : m)
    for (int64_t t = 0; t < len; t++) {
        const double v = cc[t] + p[cj[t]];
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

/* ---- ε-scaling forward auction (maximising -c_ij - p_j; here written as minimising
 * c_ij + p_j). Returns WK_OK, or OT_AUCTION_BUDGET when the bid budget runs out. ---- */
static int auction(ot_assign *s, double cmax, double eps0) {
    const int64_t n = s->n;
    double *p = s->v; /* prices p = -v (a warm start keeps the current duals) */
    int32_t *queue = s->heap; /* scratch: a ring of free rows */
    for (int64_t k = 0; k < n; k++) p[k] = -p[k];
    const double eps_final = 1e-9 * cmax, theta = 6;
    const int64_t budget = s->bids + 2000 * n + 1000000;
    int64_t deg = 1;
    for (int64_t i = 0; i < n; i++) deg = s->rp[i + 1] - s->rp[i] > deg ? s->rp[i + 1] - s->rp[i] : deg;
    double *buf = wk_malloc((size_t)deg * sizeof(double));
    if (!buf) return WK_ENOMEM;
    for (double eps = eps0; ; eps /= theta) {
        if (eps < eps_final) eps = eps_final;
        /* keep the matches that still satisfy ε-complementary slackness */
        int64_t qh = 0, qn = 0;
        for (int64_t i = 0; i < n; i++) {
            int32_t j = s->col_of[i];
            if (j >= 0) {
                double best = INFINITY, mine = INFINITY;
                for (int64_t t = s->rp[i]; t < s->rp[i + 1]; t++) {
                    double val = s->cc[t] + p[s->cj[t]];
                    if (val < best) best = val;
                    if (s->cj[t] == j) mine = val;
                }
                if (mine <= best + eps) continue;
                s->col_of[i] = -1;
                s->row_of[j] = -1;
            }
            queue[qn++] = (int32_t)i;
        }
        int64_t nfree = qn;
        while (nfree > 0) {
            int32_t i = queue[qh];
            qh = qh + 1 == n ? 0 : qh + 1;
            nfree--;
            if (nfree > 0) {
                /* the bid loop waits on memory (each bid reads a cold row): fetch the next
                 * queued row's arcs now, and the row offsets of the one after it */
                const int32_t i1 = queue[qh];
                const int64_t q1 = s->rp[i1], e1 = s->rp[i1 + 1];
                for (int64_t t = q1; t < e1; t += 16) __builtin_prefetch(s->cj + t);
                for (int64_t t = q1; t < e1; t += 8) __builtin_prefetch(s->cc + t);
                if (nfree > 1) __builtin_prefetch(s->rp + queue[qh + 1 == n ? 0 : qh + 1]);
            }
            double b1 = INFINITY, b2 = INFINITY;
            const int64_t r0 = s->rp[i];
            const int64_t a = best_two(s->cj + r0, s->cc + r0, p, s->rp[i + 1] - r0, buf, &b1, &b2);
            if (a < 0) {
                wk_free(buf);
                return wk_errorf(WK_EINTERNAL, "assignment: internal error: row %d has no arc", (int)i);
            }
            const int32_t j1 = s->cj[r0 + a];
            /* The increment. Any one in [eps, b2 - b1 + eps] keeps ε-complementary slackness (the
             * bidder's match within eps of its best) and raises a price by at least eps, which is
             * what termination needs (Bertsekas, Network Optimization, 1998, §7.1); Bertsekas's
             * bid takes the largest, which leaves every bidder exactly eps off its best, so the
             * next phase's check (at eps / 6) releases it again. max(b2 - b1, eps) leaves a bidder
             * whose gap is at least eps tied with its second best (slack 0: kept by every later
             * phase while its column is not taken), and one with a smaller gap eps - (b2 - b1)
             * off. 50,000 x 2: 13.2M bids + searches against 17.2M; 20,000 x 2 over four seeds
             * -18..-51% of the work, -20..-25% CPU (bench/README-w1.md, 9th session). A row with
             * one arc bids just eps: it has nowhere else to go. */
            const double gap = isfinite(b2) ? b2 - b1 : 0;
            p[j1] += gap > eps ? gap : eps;
            int32_t old = s->row_of[j1];
            s->row_of[j1] = i;
            s->col_of[i] = j1;
            if (old >= 0) {
                s->col_of[old] = -1;
                int64_t tail = qh + nfree;
                queue[tail >= n ? tail - n : tail] = old;
                nfree++;
            }
            if (++s->bids > budget) {
                wk_free(buf);
                return wk_errorf(OT_AUCTION_BUDGET, "assignment: auction bid budget (%lld) exhausted", (long long)budget);
            }
        }
        if (eps == eps_final) break;
    }
    wk_free(buf);
    for (int64_t k = 0; k < n; k++) p[k] = -p[k];
    return WK_OK;
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

void ot_assign_warm(ot_assign *s, const double *v, double eps0) {
    if (s->solved || !(eps0 > 0)) return;
    memcpy(s->v, v, (size_t)s->n * sizeof(double));
    s->warm_eps = eps0;
}

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
        double eps0 = s->warm_eps > 0 ? s->warm_eps : s->max_drop > 0 ? s->max_drop / 4 : cmax / 8;
        s->warm_eps = 0;
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
