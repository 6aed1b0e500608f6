/* price_cells.c — the all-pairs pricing pass of wk_w1_exact for low-dimensional clouds with
 * an exact (direct) Euclidean or squared-Euclidean cost, pruned by cells.
 *
 * Pricing looks for pairs with c_ij < t_ij = pi_{n+j} - pi_i - tol. The b points are tiled into
 * cells of about CELL points (strips along the widest coordinate, each strip cut along the
 * second widest: equal counts, so dense regions get small cells), each with its bounding box and
 * the largest pi_{n+j} among its points. A cell whose box is farther from a_i than that largest
 * threshold cannot hold a violation and is skipped without touching its points: with the
 * near-optimal potentials of later rounds most cells are skipped, and the pass costs far less
 * than the n×m evaluations of the plain scan. Points in the remaining cells are compared
 * without a sqrt (c < t <=> t > 0 and s < t^2), with a relative slack so no violator is lost to
 * rounding; the exact reduced cost decides. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

enum { CELL = 32 };

typedef struct keyed_idx {
    double key;
    int32_t idx;
} keyed_idx;

static int cmp_keyed_idx(const void *x, const void *y) {
    const keyed_idx *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

int ot_price_cells(const ot_costs *e, const double *pi, double tol, double cap, int k, const uint8_t *rows,
                   int32_t *cand_j, double *cand_c) {
    const int64_t n = e->n, m = e->m;
    const int d = e->dim, euclid = e->kind == WK_COST_EUCLIDEAN;
    if (d > 64) return wk_errorf(WK_EINVAL, "ot_price_cells: dimension %d", d);
    const double *pib = pi + n;
    const int64_t ncell = (m + CELL - 1) / CELL;
    keyed_idx *key = wk_malloc((size_t)m * sizeof *key);
    int32_t *perm = wk_malloc((size_t)m * sizeof(int32_t));
    double *bx = wk_malloc((size_t)(m * d) * sizeof(double)), *bp = wk_malloc((size_t)m * sizeof(double));
    double *lo = wk_malloc((size_t)(ncell * d) * sizeof(double)), *hi = wk_malloc((size_t)(ncell * d) * sizeof(double));
    double *vmax = wk_malloc((size_t)ncell * sizeof(double));
    int rc = key && perm && bx && bp && lo && hi && vmax ? WK_OK : WK_ENOMEM;
    if (rc) goto done;
    /* the two widest coordinates */
    int c0 = 0, c1 = -1;
    double w[64];
    for (int q = 0; q < d; q++) {
        double a = INFINITY, b = -INFINITY;
        for (int64_t j = 0; j < m; j++) {
            double x = e->b[j * d + q];
            a = x < a ? x : a;
            b = x > b ? x : b;
        }
        w[q] = b - a;
        if (w[q] > w[c0]) c0 = q;
    }
    for (int q = 0; q < d; q++)
        if (q != c0 && (c1 < 0 || w[q] > w[c1])) c1 = q;
    /* strips of about sqrt(ncell) cells along c0, each sorted along c1 */
    for (int64_t j = 0; j < m; j++) key[j] = (keyed_idx){e->b[j * d + c0], (int32_t)j};
    qsort(key, (size_t)m, sizeof *key, cmp_keyed_idx);
    int64_t strips = (int64_t)ceil(sqrt((double)ncell)), per = ((ncell + strips - 1) / strips) * CELL;
    for (int64_t s0 = 0; s0 < m && c1 >= 0; s0 += per) {
        int64_t s1 = s0 + per < m ? s0 + per : m;
        for (int64_t t = s0; t < s1; t++) key[t].key = e->b[(int64_t)key[t].idx * d + c1];
        qsort(key + s0, (size_t)(s1 - s0), sizeof *key, cmp_keyed_idx);
    }
    for (int64_t t = 0; t < m; t++) {
        perm[t] = key[t].idx;
        for (int q = 0; q < d; q++) bx[q * m + t] = e->b[(int64_t)perm[t] * d + q];
        bp[t] = pib[perm[t]];
    }
    /* cells: consecutive runs of CELL points (strip lengths are multiples of CELL) */
    for (int64_t c = 0; c < ncell; c++) {
        int64_t t0 = c * CELL, t1 = t0 + CELL < m ? t0 + CELL : m;
        vmax[c] = -INFINITY;
        for (int q = 0; q < d; q++) {
            lo[c * d + q] = INFINITY;
            hi[c * d + q] = -INFINITY;
        }
        for (int64_t t = t0; t < t1; t++) {
            vmax[c] = bp[t] > vmax[c] ? bp[t] : vmax[c];
            for (int q = 0; q < d; q++) {
                double x = bx[q * m + t];
                lo[c * d + q] = x < lo[c * d + q] ? x : lo[c * d + q];
                hi[c * d + q] = x > hi[c * d + q] ? x : hi[c * d + q];
            }
        }
    }
/* small passes stay serial: on shared cores a parallel region costs more than they do (measured
 * idle, 2-D: 2,000 points a side (126k point-cell pairs) lose 25% on two threads, 5,000 (785k)
 * gain 15% of the whole solve) */
#pragma omp parallel for schedule(dynamic, 16) if (n * ncell >= (1 << 19))
    for (int64_t i = 0; i < n; i++) {
        double x[64], vals[64], sq[CELL];
        uint8_t flag[CELL];
        for (int q = 0; q < d; q++) x[q] = e->a[i * d + q];
        const double pi_i = pi[i];
        int32_t *cj = cand_j + i * k;
        for (int t = 0; t < k; t++) {
            vals[t] = INFINITY;
            cj[t] = -1;
            cand_c[i * k + t] = 0;
        }
        if (rows && !rows[i]) continue;
        for (int64_t c = 0; c < ncell; c++) {
            /* th rounds with an absolute error of a few u (|pi| + tol): the tests below widen it
             * by 9u of that (slk), so no violator is lost when the potentials are far larger
             * than the costs */
            const double th = vmax[c] - pi_i - tol, slk = 1e-15 * (fabs(vmax[c]) + fabs(pi_i) + tol), thw = th + slk;
            if (!(thw > 0)) continue;
            double L = 0;
            for (int q = 0; q < d; q++) {
                double g = lo[c * d + q] - x[q], h = x[q] - hi[c * d + q];
                g = g > h ? g : h;
                L += g > 0 ? g * g : 0;
            }
            /* capped costs min(c, cap) (w1_exact.c): a far cell still holds violations when cap < th */
            if (cap >= th && !(L < (euclid ? thw * thw : thw) * (1 + 1e-12))) continue;
            const int64_t t0 = c * CELL;
            const int len = (int)(t0 + CELL < m ? CELL : m - t0);
            for (int t = 0; t < len; t++) sq[t] = 0;
            for (int q = 0; q < d; q++) {
                const double xq = x[q], *bq = bx + q * m + t0;
                for (int t = 0; t < len; t++) {
                    double z = xq - bq[t];
                    sq[t] += z * z;
                }
            }
            /* a vectorised prefilter without the sqrt: the pair can be violated only if its
             * threshold (bp - pi_i) - tol, widened as th, is positive and c < it, i.e. s < its
             * square (with a relative slack far above the sqrt's rounding); below the cap only,
             * as the cell test above */
            int any = 0;
            for (int t = 0; t < len; t++) {
                const double th_t = (bp[t0 + t] - pi_i) - tol + 1e-15 * (fabs(bp[t0 + t]) + fabs(pi_i) + tol);
                const double lim = euclid ? th_t * th_t : th_t;
                const int f = th_t > 0 && sq[t] < lim * (1 + 1e-12);
                flag[t] = (uint8_t)f;
                any |= f;
            }
            if (!any && cap >= th) continue;
            for (int t = 0; t < len; t++) {
                if (!flag[t] && cap >= th) continue;
                /* the potentials' difference first (see price_row in w1_exact.c) */
                double v = ot_capped(euclid ? sqrt(sq[t]) : sq[t], cap) + (pi_i - bp[t0 + t]);
                if (v < -tol) ot_topk_insert(vals, cj, k, v, perm[t0 + t]);
            }
        }
        for (int t = 0; t < k; t++) cand_c[i * k + t] = cj[t] >= 0 ? ot_pair_cost(e, i, cj[t]) : 0;
    }
done:
    wk_free(key);
    wk_free(perm);
    wk_free(bx);
    wk_free(bp);
    wk_free(lo);
    wk_free(hi);
    wk_free(vmax);
    return rc;
}
