/* exact_order.c — a spatial order for the clouds of a large sparse exact solve (issue 15,
 * performance 3).
 *
 * Why: every inner loop of the sparse exact path walks one point's arcs and reads the other
 * side's state at the arcs' far ends — the auction's bids (c_ij + p_j over a row's arcs), the
 * Dijkstra searches of the Hungarian finish (v_j, dist_j, heap position), the pricing's cells.
 * Its arcs go to near points, so when near points have near indices those reads share cache
 * lines and stay in cache; in the caller's order (random, for samples) each one misses. At
 * 50,000 x 2-D the columns' state is ~1 MB, twice the core's L2: sorting the same clouds
 * before the call cut the CPU time by 20 - 30% (bench/README-w1.md).
 * How: each cloud is renumbered along the leaves of a k-d tree (exact_kd_clusters: median
 * splits along the widest coordinate), which keeps a leaf's points, and its neighbouring
 * leaves', in nearby index ranges; O(n d log n).
 * Invariant: the permutation moves a point's coordinates, float copy, mass and `orig` index
 * together, so results (plan, duals) still map back to the caller's indices through `orig`,
 * and the problem is the same one: only the numbering, and so the order of sums and the choice
 * among equally optimal plans, can change. */
#include <string.h>

#include "ot/exact_internal.h"
#include "wgankit/error.h"

/* leaves of ORDER_LEAF points at most: small enough that a leaf's points are near one another,
 * large enough that the tree's work is a few ms at 50,000 points */
enum { ORDER_LEAF = 8 };

int exact_spatial_order(ot_cloud *c) {
    const int64_t n = c->n;
    const int d = c->dim;
    if (n < 2 * ORDER_LEAF || !c->x) return WK_OK; /* (x: NULL only on the dense path, never ordered) */
    int64_t *idx = wk_malloc((size_t)n * sizeof(int64_t));
    double *x = wk_malloc((size_t)n * (size_t)d * sizeof(double));
    double *w = wk_malloc((size_t)n * sizeof(double));
    int64_t *orig = wk_malloc((size_t)n * sizeof(int64_t));
    float *xf = c->xf ? wk_malloc((size_t)n * (size_t)d * sizeof(float)) : NULL;
    int rc = idx && x && w && orig && (xf || !c->xf) ? WK_OK : WK_ENOMEM;
    if (!rc) {
        exact_kd_clusters(c->x, n, d, ORDER_LEAF, 0, NULL, NULL, idx); /* idx: the points leaf by leaf */
        for (int64_t k = 0; k < n; k++) {
            const int64_t i = idx[k];
            memcpy(x + k * d, c->x + i * d, (size_t)d * sizeof(double));
            if (xf) memcpy(xf + k * d, c->xf + i * d, (size_t)d * sizeof(float));
            w[k] = c->w[i];
            orig[k] = c->orig[i];
        }
        wk_free(c->x_own);
        wk_free(c->xf_own);
        wk_free(c->w);
        wk_free(c->orig);
        c->x = c->x_own = x;
        c->xf = c->xf_own = xf;
        c->w = w;
        c->orig = orig;
        x = NULL;
        xf = NULL;
        w = NULL;
        orig = NULL;
    }
    wk_free(idx);
    wk_free(x);
    wk_free(xf);
    wk_free(w);
    wk_free(orig);
    return rc;
}
