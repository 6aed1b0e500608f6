/* closest_pairs.c — the k closest pairs among the rows of one batch (birthday.h), through the
 * OT module's cost engine: rows of approximate distances come from one sgemm pass (high
 * dimension) or the exact direct loop (low dimension), each with its certified error margin
 * (ot_cost_margin). A pair enters the candidate list by its lower bound c − margin; candidates
 * are recomputed exactly in double (ot_pair_cost). If the k-th exact distance exceeds the
 * largest lower bound in the list, some pair outside the list might beat it, so a second pass
 * gathers every pair whose lower bound is below that distance. The answer is exact either way,
 * for the float coordinates or, given (wk_closest_pairs_f64), the float64 ones. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/birthday.h"
#include "wgankit/error.h"

static int by_dist(const void *a, const void *b) {
    const wk_pair *p = a, *q = b;
    if (p->dist != q->dist) return p->dist < q->dist ? -1 : 1;
    if (p->i != q->i) return p->i < q->i ? -1 : 1;
    return p->j < q->j ? -1 : p->j > q->j;
}

typedef struct {
    wk_pair *v;
    int64_t n, cap;
} pair_list;

static int push(pair_list *l, int64_t i, int64_t j, double d) {
    if (l->n == l->cap) {
        int64_t cap = l->cap ? 2 * l->cap : 256;
        wk_pair *v = wk_realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) return WK_ENOMEM;
        l->v = v, l->cap = cap;
    }
    l->v[l->n++] = (wk_pair){i, j, d};
    return WK_OK;
}

int wk_closest_pairs(const wk_tensor *x, int k, wk_pair *out, int *n_out) { return wk_closest_pairs_f64(x, NULL, k, out, n_out); }

int wk_closest_pairs_f64(const wk_tensor *x, const double *x64, int k, wk_pair *out, int *n_out) {
    *n_out = 0;
    if (!x || x->ndim < 1 || x->shape[0] < 2) return wk_errorf(WK_EINVAL, "closest pairs: need at least 2 points");
    if (k < 1) return wk_errorf(WK_EINVAL, "closest pairs: k must be >= 1 (got %d)", k);
    const int64_t n = x->shape[0];
    wk_tensor flat = *x;
    int rc = wk_tensor_set_shape(&flat, 2, (int64_t[]){n, x->numel / n});
    if (rc) return rc;
    const int64_t total = n * (n - 1) / 2;
    if (k > total) k = (int)total;
    ot_cloud cl;
    ot_costs e;
    memset(&e, 0, sizeof e);
    const ot_input in = x64 ? ot_input_f64(x64, n, x->numel / n) : ot_input_tensor(&flat);
    if ((rc = ot_cloud_init_input(&cl, &in, NULL, "batch"))) return rc;
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.max_cache_bytes = 1; /* no n x n cache: one pass over row blocks */
    const int K = k + 16;    /* candidates by lower bound */
    double *lb = wk_malloc((size_t)K * sizeof *lb), *buf = NULL;
    int32_t *ci = wk_malloc((size_t)K * sizeof *ci), *cj = wk_malloc((size_t)K * sizeof *cj);
    pair_list cand = {0}, more = {0};
    if (!lb || !ci || !cj || (rc = ot_costs_init(&e, &cl, &cl, &opt, 1))) {
        rc = rc ? rc : WK_ENOMEM;
        goto done;
    }
    if (!(buf = wk_malloc((size_t)(e.block_rows * n) * sizeof *buf))) {
        rc = WK_ENOMEM;
        goto done;
    }
    for (int t = 0; t < K; t++) lb[t] = INFINITY, ci[t] = cj[t] = -1;
    for (int64_t i0 = 0; i0 < n; i0 += e.block_rows) {
        int64_t i1 = i0 + e.block_rows < n ? i0 + e.block_rows : n;
        ot_cost_rows(&e, i0, i1, buf);
        for (int64_t i = i0; i < i1; i++)
            for (int64_t j = i + 1; j < n; j++) {
                double c = buf[(i - i0) * n + j], l = c - ot_cost_margin(&e, c);
                if (!(l < lb[K - 1])) continue;
                /* insert (l, i, j) keeping lb ascending */
                int p = K - 1;
                while (p > 0 && lb[p - 1] > l) lb[p] = lb[p - 1], ci[p] = ci[p - 1], cj[p] = cj[p - 1], p--;
                lb[p] = l, ci[p] = (int32_t)i, cj[p] = (int32_t)j;
            }
    }
    for (int t = 0; t < K && ci[t] >= 0 && !rc; t++) rc = push(&cand, ci[t], cj[t], ot_pair_cost(&e, ci[t], cj[t]));
    if (rc) goto done;
    qsort(cand.v, (size_t)cand.n, sizeof *cand.v, by_dist);
    double kth = cand.v[k - 1].dist, worst_lb = lb[K - 1];
    if (cand.n == K && kth >= worst_lb) {
        /* a pair outside the list has lower bound >= worst_lb <= kth: it could still be closer */
        for (int64_t i0 = 0; i0 < n && !rc; i0 += e.block_rows) {
            int64_t i1 = i0 + e.block_rows < n ? i0 + e.block_rows : n;
            ot_cost_rows(&e, i0, i1, buf);
            for (int64_t i = i0; i < i1 && !rc; i++)
                for (int64_t j = i + 1; j < n && !rc; j++) {
                    double c = buf[(i - i0) * n + j];
                    if (c - ot_cost_margin(&e, c) <= kth) rc = push(&more, i, j, ot_pair_cost(&e, i, j));
                }
        }
        if (rc) goto done;
        qsort(more.v, (size_t)more.n, sizeof *more.v, by_dist);
        memcpy(out, more.v, (size_t)k * sizeof *out); /* `more` holds every pair the list held below kth */
    } else {
        memcpy(out, cand.v, (size_t)k * sizeof *out);
    }
    *n_out = k;
done:
    wk_free(lb), wk_free(ci), wk_free(cj), wk_free(buf), wk_free(cand.v), wk_free(more.v);
    ot_costs_free(&e);
    ot_cloud_free(&cl);
    return rc;
}
