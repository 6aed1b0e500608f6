/* exact_pricing.c — the pricing pass of wk_w1_exact's column generation: every pair (i, j)
 * is priced against the solver's potentials, and each row's k most violated arcs (reduced cost
 * min(c, cap) + pi_i - pi_{n+j} < -tol) become the next candidates. Three engines:
 *  - low-d exact Euclidean costs: the cell-pruned pass of price_cells.c;
 *  - exact cost rows (direct engine, or small problems' stored costs): a plain scan;
 *  - approximate rows (gemm engines) with the certified margin ot_cost_margin: clear violations
 *    go in, pairs the margin leaves undecided are recomputed exactly, the rest are proven
 *    satisfied — so a pass that finds nothing is a certificate for the whole n x m problem.
 * The potentials' difference is formed first (see run_exact's certificate bound). */
#include <math.h>
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

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
    if (c->rows && c->have_prev && !c->rows[i]) {
        for (int t = 0; t < c->k; t++) {
            c->cand_j[i * c->k + t] = -1;
            c->cand_c[i * c->k + t] = 0;
        }
        return;
    }
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
    if (c->rows && c->have_prev && !c->rows[i]) {
        for (int t = 0; t < k; t++) c->cand_c[i * k + t] = 0;
        return;
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

int exact_price_all(price_ctx *c) {
    const int64_t n = c->e->n, m = c->e->m;
    const double *pi = c->pi;
    if (c->prev && c->have_prev) {
        int all = 0;
        for (int64_t j = 0; j < m && !all; j++) all = pi[n + j] > c->prev[n + j];
        for (int64_t i = 0; i < n; i++) c->rows[i] = all || c->rows[i] || pi[i] < c->prev[i];
    }
    const uint8_t *rows = c->prev && c->have_prev ? c->rows : NULL;
    int rc;
    if (!c->e->use_gemm && c->e->kind != WK_COST_MINKOWSKI && c->e->dim <= 64)
        rc = ot_price_cells(c->e, pi, c->tol, c->cap, c->k, rows, c->cand_j, c->cand_c);
    else
        rc = ot_scan_rows(c->e, price_row, c);
    if (rc || !c->prev) return rc;
    memcpy(c->prev, pi, (size_t)(n + m) * sizeof(double));
    for (int64_t i = 0; i < n; i++) c->rows[i] = c->cand_j[i * c->k] >= 0;
    c->have_prev = 1;
    return WK_OK;
}
