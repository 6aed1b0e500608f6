/* w1_1d.c — exact 1-D optimal transport: W_p^p = ∫_0^1 |F^{-1}(t) - G^{-1}(t)|^p dt, computed
 * by sorting both samples and merging the two step quantile functions (Villani 2003, Thm 2.18;
 * Peyré & Cuturi, "Computational OT", Rem. 2.30). Any weights, n != m. O((n+m) log(n+m)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

typedef struct wpt {
    double x, w;
} wpt;

static int cmp_wpt(const void *a, const void *b) {
    double x = ((const wpt *)a)->x, y = ((const wpt *)b)->x;
    return (x > y) - (x < y);
}

static int sorted_masses(const double *x, const double *w, int64_t n, const char *what, wpt **out) {
    if (n < 1) return wk_errorf(WK_EINVAL, "wk_wp_1d: sample %s is empty", what);
    if (!x) return wk_errorf(WK_EINVAL, "wk_wp_1d: sample %s is missing", what);
    wpt *p = wk_malloc((size_t)n * sizeof *p);
    if (!p) return WK_ENOMEM;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            wk_free(p);
            return wk_errorf(WK_ENUMERIC, "wk_wp_1d: sample %s: row %lld is %s", what, (long long)i,
                             isnan(x[i]) ? "NaN" : "Inf");
        }
        double wi = w ? w[i] : 1.0 / (double)n;
        if (!(wi >= 0) || !isfinite(wi)) {
            wk_free(p);
            return wk_errorf(WK_EINVAL, "wk_wp_1d: weights of %s: entry %lld is %g", what, (long long)i, wi);
        }
        p[i].x = x[i];
        p[i].w = wi;
        sum += wi;
    }
    if (!(fabs(sum - 1) <= 1e-5)) {
        wk_free(p);
        return wk_errorf(WK_EINVAL, "wk_wp_1d: weights of %s sum to %.9g, not 1", what, sum);
    }
    for (int64_t i = 0; i < n; i++) p[i].w /= sum;
    qsort(p, (size_t)n, sizeof *p, cmp_wpt);
    *out = p;
    return WK_OK;
}

int wk_wp_1d_f64(const double *x, const double *wx, int64_t n, const double *y, const double *wy, int64_t m, double p,
                 double *out) {
    if (!out) return wk_errorf(WK_EINVAL, "wk_wp_1d: NULL output");
    if (!(p >= 1) || !isfinite(p)) return wk_errorf(WK_EINVAL, "wk_wp_1d: p = %g must be >= 1", p);
    wpt *a = NULL, *b = NULL;
    int rc = sorted_masses(x, wx, n, "a", &a);
    if (!rc) rc = sorted_masses(y, wy, m, "b", &b);
    if (rc) {
        wk_free(a);
        return rc;
    }
    /* Walk both quantile functions: each step moves min(remaining a mass, remaining b mass). */
    double total = 0, ra = a[0].w, rb = b[0].w;
    int64_t i = 0, j = 0;
    while (i < n && j < m) {
        double f = ra < rb ? ra : rb, d = fabs(a[i].x - b[j].x);
        total += f * (p == 1 ? d : p == 2 ? d * d : pow(d, p));
        ra -= f;
        rb -= f;
        if (ra <= rb) {
            if (++i < n) ra = a[i].w;
            else break;
        } else {
            if (++j < m) rb = b[j].w;
            else break;
        }
    }
    wk_free(a);
    wk_free(b);
    /* finite samples whose distances^p exceed double's range (1e300 apart, p = 2): refused, not Inf */
    if (!isfinite(total))
        return wk_errorf(WK_EINVAL, "wk_wp_1d: W_p^p with p = %g overflows double precision (the samples are too far "
                                    "apart)", p);
    *out = total;
    return WK_OK;
}

int wk_wp_1d(const float *x, const double *wx, int64_t n, const float *y, const double *wy, int64_t m, double p,
             double *out) {
    if (!x || !y || n < 1 || m < 1) return wk_errorf(WK_EINVAL, "wk_wp_1d: empty or missing sample");
    double *xd = wk_malloc((size_t)(n + m) * sizeof(double));
    if (!xd) return WK_ENOMEM;
    for (int64_t i = 0; i < n; i++) xd[i] = x[i];
    for (int64_t j = 0; j < m; j++) xd[n + j] = y[j];
    int rc = wk_wp_1d_f64(xd, wx, n, xd + n, wy, m, p, out);
    wk_free(xd);
    return rc;
}
