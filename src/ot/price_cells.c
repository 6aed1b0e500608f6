/* price_cells.c — the all-pairs pricing pass of wk_w1_exact for low-dimensional clouds with
 * an exact (direct) Euclidean or squared-Euclidean cost, pruned by cells.
 *
 * Pricing looks for pairs with c_ij < t_ij = pi_{n+j} - pi_i - tol. The b points are tiled into
 * cells of about CELL points (strips along the widest coordinate, each strip cut along the
 * second widest: equal counts, so dense regions get small cells), each with its bounding box and
 * the largest pi_{n+j} among its points. A cell whose box is farther from a_i than that largest
 * threshold cannot hold a violation and is skipped without touching its points. With W1's
 * degenerate duals (tight along whole transport rays) a fifth of the cells still pass at
 * 50,000 points, so both tests are written for the vector units: per row, the box distances
 * of all cells and their verdicts in two passes over structure-of-arrays boxes, then, per
 * surviving cell, the squared distances and a sqrt-free prefilter (c < t <=> t > 0 and
 * s < t^2, with a relative slack so no violator is lost to rounding) in one pass; the exact
 * reduced cost decides the few pairs flagged. (This file is compiled with -fno-trapping-math,
 * which lets gcc turn those compare-and-select chains into vector code.)
 * Invariant (test_ot_price_cells.c): a row's reported pairs are its most violated ones, exactly
 * as a scan of every pair would find them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

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
    /* per cell, structure of arrays so the cell test vectorises over cells: the box
     * lo[q * ncell + c] .. hi[q * ncell + c], the largest potential vmax and the largest |potential| */
    double *lo = wk_malloc((size_t)(ncell * d) * sizeof(double)), *hi = wk_malloc((size_t)(ncell * d) * sizeof(double));
    double *vmax = wk_malloc((size_t)ncell * sizeof(double)), *vabs = wk_malloc((size_t)ncell * sizeof(double));
    int rc = key && perm && bx && bp && lo && hi && vmax && vabs ? WK_OK : WK_ENOMEM;
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
        vabs[c] = 0;
        for (int q = 0; q < d; q++) {
            lo[q * ncell + c] = INFINITY;
            hi[q * ncell + c] = -INFINITY;
        }
        for (int64_t t = t0; t < t1; t++) {
            vmax[c] = bp[t] > vmax[c] ? bp[t] : vmax[c];
            vabs[c] = fabs(bp[t]) > vabs[c] ? fabs(bp[t]) : vabs[c];
            for (int q = 0; q < d; q++) {
                double x = bx[q * m + t];
                lo[q * ncell + c] = x < lo[q * ncell + c] ? x : lo[q * ncell + c];
                hi[q * ncell + c] = x > hi[q * ncell + c] ? x : hi[q * ncell + c];
            }
        }
    }
/* small passes stay serial: on shared cores a parallel region costs more than they do (measured
 * idle, 2-D: 2,000 points a side (126k point-cell pairs) lose 25% on two threads, 5,000 (785k)
 * gain 15% of the whole solve) */
    /* per thread: the cell test's distances and verdicts, and the list of surviving cells */
    const int par = n * ncell >= (1 << 19), nth = par ? omp_get_max_threads() : 1;
    double *cl_all = wk_malloc((size_t)(nth * ncell) * sizeof(double));
    int32_t *live_all = wk_malloc((size_t)(nth * ncell) * sizeof(int32_t));
    uint8_t *keep_all = wk_malloc((size_t)(nth * ncell));
    if (!cl_all || !live_all || !keep_all) {
        rc = WK_ENOMEM;
        goto scratch;
    }
#pragma omp parallel if (par) num_threads(nth)
    {
        const int tid = omp_get_thread_num();
        double *cl = cl_all + tid * ncell;
        int32_t *live = live_all + tid * ncell;
        uint8_t *keep = keep_all + tid * ncell;
#pragma omp for schedule(dynamic, 16)
        for (int64_t i = 0; i < n; i++) {
            double x[64], vals[64], sq[CELL];
            int32_t flag[CELL];
            for (int q = 0; q < d; q++) x[q] = e->a[i * d + q];
            const double pi_i = pi[i];
            int32_t *cj = cand_j + i * k;
            for (int t = 0; t < k; t++) {
                vals[t] = INFINITY;
                cj[t] = -1;
                cand_c[i * k + t] = 0;
            }
            if (rows && !rows[i]) continue;
            /* The cell test, all cells in vectorised passes: the squared distance L from a_i
             * to the cell's box, then whether the cell can hold a violation. th rounds with an
             * absolute error of a few u (|pi| + tol): the test widens it by 9u of that (slk),
             * so no violator is lost when the potentials are far larger than the costs. Capped
             * costs min(c, cap) (w1_exact.c): a far cell still holds violations when cap < th. */
            const double api = fabs(pi_i);
            if (d == 2) {
                const double x0 = x[0], x1 = x[1], *l0 = lo, *l1 = lo + ncell, *h0 = hi, *h1 = hi + ncell;
#pragma omp simd
                for (int64_t c = 0; c < ncell; c++) {
                    double g0 = l0[c] - x0, f0 = x0 - h0[c], g1 = l1[c] - x1, f1 = x1 - h1[c];
                    g0 = g0 > f0 ? g0 : f0;
                    g0 = g0 > 0 ? g0 : 0;
                    g1 = g1 > f1 ? g1 : f1;
                    g1 = g1 > 0 ? g1 : 0;
                    cl[c] = g0 * g0 + g1 * g1;
                }
            } else {
                for (int64_t c = 0; c < ncell; c++) cl[c] = 0;
                for (int q = 0; q < d; q++) {
                    const double xq = x[q], *lq = lo + q * ncell, *hq = hi + q * ncell;
#pragma omp simd
                    for (int64_t c = 0; c < ncell; c++) {
                        double g = lq[c] - xq, h = xq - hq[c];
                        g = g > h ? g : h;
                        g = g > 0 ? g : 0;
                        cl[c] += g * g;
                    }
                }
            }
#pragma omp simd
            for (int64_t c = 0; c < ncell; c++) {
                const double th = vmax[c] - pi_i - tol, thw = th + 1e-15 * (fabs(vmax[c]) + api + fabs(tol));
                const double lim = euclid ? thw * thw : thw;
                keep[c] = (uint8_t)((thw > 0) & ((cap < th) | (cl[c] < lim * (1 + 1e-12))));
            }
            int64_t nlive = 0;
            for (int64_t c = 0; c < ncell; c++) {
                live[nlive] = (int32_t)c;
                nlive += keep[c];
            }
            /* Once the row holds k pairs only better ones can enter: the threshold tightens
             * to the k-th value (tol_r), and the cells and pairs are tested against that. A wide
             * pass (the multiscale start's, tol < 0) flags thousands of pairs per row, and
             * would otherwise spend its time on their square roots and mispredicted branches. */
            double tol_r = tol;
            for (int64_t z = 0; z < nlive; z++) {
                const int64_t c = live[z], t0 = c * CELL;
                const double th = vmax[c] - pi_i - tol_r;
                if (tol_r > tol) {
                    const double thw = th + 1e-15 * (fabs(vmax[c]) + api + fabs(tol_r));
                    const double lim = euclid ? thw * thw : thw;
                    if (!(thw > 0) || (cap >= th && !(cl[c] < lim * (1 + 1e-12)))) continue;
                }
                const int len = (int)(t0 + CELL < m ? CELL : m - t0);
                /* a vectorised prefilter without the sqrt: the pair can be violated only if its
                 * threshold (bp - pi_i) - tol, widened, is positive and c < it, i.e. s < its
                 * square (with a relative slack far above the sqrt's rounding); below the cap
                 * only, as the cell test. The widening uses the cell's largest |bp|, at least
                 * each pair's own (9u of |bp| + |pi_i| + tol), so it only admits more pairs to
                 * the exact test below. */
                const double off = -pi_i - tol_r + 1e-15 * (vabs[c] + api + fabs(tol_r));
                const double *bpc = bp + t0;
                int any = 0;
                if (d == 2) {
                    const double x0 = x[0], x1 = x[1], *b0 = bx + t0, *b1 = bx + m + t0;
#pragma omp simd reduction(| : any)
                    for (int t = 0; t < len; t++) {
                        const double z0 = x0 - b0[t], z1 = x1 - b1[t], s2 = z0 * z0 + z1 * z1;
                        const double th_t = bpc[t] + off, lim = euclid ? th_t * th_t : th_t;
                        const int f = (th_t > 0) & (s2 < lim * (1 + 1e-12));
                        sq[t] = s2;
                        flag[t] = f;
                        any |= f;
                    }
                } else {
                    for (int t = 0; t < len; t++) sq[t] = 0;
                    for (int q = 0; q < d; q++) {
                        const double xq = x[q], *bq = bx + q * m + t0;
#pragma omp simd
                        for (int t = 0; t < len; t++) {
                            double z = xq - bq[t];
                            sq[t] += z * z;
                        }
                    }
#pragma omp simd reduction(| : any)
                    for (int t = 0; t < len; t++) {
                        const double th_t = bpc[t] + off, lim = euclid ? th_t * th_t : th_t;
                        const int f = (th_t > 0) & (sq[t] < lim * (1 + 1e-12));
                        flag[t] = f;
                        any |= f;
                    }
                }
                if (!any && cap >= th) continue;
                for (int t = 0; t < len; t++) {
                    if (!flag[t] && cap >= th) continue;
                    /* the potentials' difference first (see price_row in exact_pricing.c) */
                    double v = ot_capped(euclid ? sqrt(sq[t]) : sq[t], cap) + (pi_i - bpc[t]);
                    if (v < -tol_r) ot_topk_insert(vals, cj, k, v, perm[t0 + t]);
                }
                if (cj[k - 1] >= 0 && -vals[k - 1] > tol_r) tol_r = -vals[k - 1];
            }
            for (int t = 0; t < k; t++) cand_c[i * k + t] = cj[t] >= 0 ? ot_pair_cost(e, i, cj[t]) : 0;
        }
    }
scratch:
    wk_free(cl_all);
    wk_free(live_all);
    wk_free(keep_all);
done:
    wk_free(key);
    wk_free(perm);
    wk_free(bx);
    wk_free(bp);
    wk_free(lo);
    wk_free(hi);
    wk_free(vmax);
    wk_free(vabs);
    return rc;
}
