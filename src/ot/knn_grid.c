/* knn_grid.c — k nearest neighbours (Euclidean) for low-dimensional clouds through a uniform
 * bucket grid, so the exact solver's candidate arcs cost O(n k) instead of an n×m scan.
 *
 * The grid lies on the (at most) two coordinates along which the searched cloud is widest, with
 * about two points per cell; a query visits rings of cells around its own (clamped) cell and
 * stops once it holds k points and the distance from it to anything outside the visited box —
 * a lower bound, since the grid coordinates are a projection — is at least its k-th distance.
 * Distances are exact in all coordinates, so the answer is the true k-NN (ties broken by the
 * order cells are visited). */
#include <math.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

typedef struct grid {
    int c[2];        /* grid coordinates (c[1] = -1: a 1-D grid) */
    double lo[2], h[2];
    int64_t g[2];
    int64_t *start;  /* [cells + 1] */
    int32_t *pts;    /* point indices bucketed by cell */
} grid;

static int64_t cell_of(const grid *G, int axis, double x) {
    if (G->c[axis] < 0) return 0;
    double f = floor((x - G->lo[axis]) / G->h[axis]);
    if (!(f >= 0)) return 0; /* also NaN-safe */
    return f >= (double)(G->g[axis] - 1) ? G->g[axis] - 1 : (int64_t)f;
}

static int grid_build(grid *G, const double *P, int64_t np, int d) {
    memset(G, 0, sizeof *G);
    double lo[64], hi[64];
    const int dd = d < 64 ? d : 64;
    for (int k = 0; k < 64; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    for (int64_t p = 0; p < np; p++)
        for (int k = 0; k < dd; k++) {
            double x = P[p * d + k];
            if (x < lo[k]) lo[k] = x;
            if (x > hi[k]) hi[k] = x;
        }
    G->c[0] = 0;
    G->c[1] = -1;
    for (int k = 1; k < dd; k++)
        if (hi[k] - lo[k] > hi[G->c[0]] - lo[G->c[0]]) G->c[0] = k;
    for (int k = 0; k < dd; k++)
        if (k != G->c[0] && (G->c[1] < 0 || hi[k] - lo[k] > hi[G->c[1]] - lo[G->c[1]])) G->c[1] = k;
    double w0 = hi[G->c[0]] - lo[G->c[0]], w1 = G->c[1] >= 0 ? hi[G->c[1]] - lo[G->c[1]] : 0;
    double cells = (double)np / 2 > 1 ? (double)np / 2 : 1;
    if (w1 > 0 && w0 > 0) {
        double g0 = sqrt(cells * w0 / w1);
        G->g[0] = g0 < 1 ? 1 : g0 > cells ? (int64_t)cells : (int64_t)g0;
        double g1 = cells / (double)G->g[0];
        G->g[1] = g1 < 1 ? 1 : (int64_t)g1;
    } else {
        G->g[0] = w0 > 0 ? (int64_t)cells : 1;
        G->g[1] = 1;
        if (w0 == 0 && G->c[1] >= 0) G->c[1] = -1; /* every point on one spot along c[0] */
    }
    if (G->c[1] < 0) G->g[1] = 1;
    for (int a = 0; a < 2; a++) {
        int k = G->c[a];
        G->lo[a] = k >= 0 ? lo[k] : 0;
        double w = k >= 0 ? hi[k] - lo[k] : 0;
        G->h[a] = w > 0 ? w / (double)G->g[a] : 1;
    }
    const int64_t nc = G->g[0] * G->g[1];
    G->start = wk_calloc((size_t)nc + 1, sizeof(int64_t));
    G->pts = wk_malloc((size_t)np * sizeof(int32_t));
    int64_t *cell = wk_malloc((size_t)np * sizeof(int64_t));
    if (!G->start || !G->pts || !cell) {
        wk_free(G->start);
        wk_free(G->pts);
        wk_free(cell);
        return WK_ENOMEM;
    }
    for (int64_t p = 0; p < np; p++) {
        int64_t c0 = cell_of(G, 0, P[p * d + G->c[0]]);
        int64_t c1 = G->c[1] >= 0 ? cell_of(G, 1, P[p * d + G->c[1]]) : 0;
        cell[p] = c0 * G->g[1] + c1;
        G->start[cell[p] + 1]++;
    }
    for (int64_t c = 0; c < nc; c++) G->start[c + 1] += G->start[c];
    for (int64_t p = 0; p < np; p++) G->pts[G->start[cell[p]]++] = (int32_t)p;
    for (int64_t c = nc; c > 0; c--) G->start[c] = G->start[c - 1];
    G->start[0] = 0;
    wk_free(cell);
    return WK_OK;
}

int ot_knn_grid(const double *P, int64_t np, const double *Q, int64_t nq, int d, const double *offset, int k,
                int32_t *idx) {
    if (k < 1 || k > 64 || d > 64) return wk_errorf(WK_EINVAL, "ot_knn_grid: k = %d, d = %d", k, d);
    grid G;
    int rc = grid_build(&G, P, np, d);
    if (rc) return rc;
#pragma omp parallel for schedule(dynamic, 64) if (nq >= 8192)
    for (int64_t i = 0; i < nq; i++) {
        double q[64], vals[64], qg[2] = {0, 0};
        const int dd = d < 64 ? d : 64;
        for (int t = 0; t < dd; t++) q[t] = Q[i * d + t] + (offset ? offset[t] : 0);
        int32_t *out = idx + i * k;
        for (int t = 0; t < k; t++) {
            vals[t] = INFINITY;
            out[t] = -1;
        }
        int64_t cc[2];
        for (int a = 0; a < 2; a++) {
            qg[a] = G.c[a] >= 0 ? q[G.c[a]] : 0;
            cc[a] = cell_of(&G, a, qg[a]);
        }
        for (int64_t R = 0;; R++) {
            /* the cells at Chebyshev distance exactly R from cc */
            for (int64_t x = cc[0] - R; x <= cc[0] + R; x++) {
                if (x < 0 || x >= G.g[0]) continue;
                int edge = x == cc[0] - R || x == cc[0] + R;
                for (int64_t y = cc[1] - R; y <= cc[1] + R; y += edge ? 1 : 2 * R) {
                    if (y >= 0 && y < G.g[1]) {
                        int64_t c = x * G.g[1] + y;
                        for (int64_t t = G.start[c]; t < G.start[c + 1]; t++) {
                            int32_t p = G.pts[t];
                            const double *y_ = P + (int64_t)p * d;
                            double s = 0;
                            for (int u = 0; u < d; u++) {
                                double z = q[u] - (double)y_[u];
                                s += z * z;
                            }
                            ot_topk_insert(vals, out, k, s, p);
                        }
                    }
                    if (R == 0) break;
                }
            }
            /* lower bound on the distance to points outside the visited box */
            double L = INFINITY;
            for (int a = 0; a < 2; a++) {
                if (cc[a] - R > 0) {
                    double b = qg[a] - (G.lo[a] + (double)(cc[a] - R) * G.h[a]);
                    L = fmin(L, b > 0 ? b : 0);
                }
                if (cc[a] + R < G.g[a] - 1) {
                    double b = G.lo[a] + (double)(cc[a] + R + 1) * G.h[a] - qg[a];
                    L = fmin(L, b > 0 ? b : 0);
                }
            }
            if (L == INFINITY || (out[k - 1] >= 0 && vals[k - 1] <= L * L)) break;
        }
    }
    wk_free(G.start);
    wk_free(G.pts);
    return WK_OK;
}
