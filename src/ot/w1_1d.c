/* w1_1d.c — exact 1-D optimal transport: W_p^p = ∫_0^1 |F^{-1}(t) - G^{-1}(t)|^p dt, computed
 * by sorting both samples and merging the two step quantile functions (Villani 2003, Thm 2.18;
 * Peyré & Cuturi, "Computational OT", Rem. 2.30). Any weights, n != m. O((n+m) log(n+m)).
 * The merge is the monotone (north-west-corner) coupling of the sorted samples, optimal for
 * every cost convex in x - y; ot_1d_sort and ot_1d_coupling are shared with wk_w1_exact's
 * one-dimensional path (exact_1d.c), which also reports that coupling as its plan. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

static int cmp_point(const void *pa, const void *pb) {
    const ot_1d_point *a = pa, *b = pb;
    if (a->x != b->x) return (a->x > b->x) - (a->x < b->x);
    return (a->k > b->k) - (a->k < b->k);
}

void ot_1d_sort(ot_1d_point *p, int64_t n) { qsort(p, (size_t)n, sizeof *p, cmp_point); }

/* A double-double running sum (hi + lo, |lo| <= ulp(hi) / 2): the quantile walk's cumulative
 * masses. Plain running remainders drift by ~u a step, so over 3,000 points (~1e-13) a last
 * point of smaller mass (a far point carrying 3.3e-14) got no flow at all and its share of W1
 * (3e-7 of the value) was dropped. */
typedef struct {
    double hi, lo;
} dd;
static dd dd_add(dd a, double b) {
    double e;
    const double s = two_sum(a.hi, b, &e);
    e += a.lo;
    const double hi = s + e;
    return (dd){hi, e - (hi - s)};
}
static int dd_le(dd a, dd b) { return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo); }

int64_t ot_1d_coupling(const ot_1d_point *a, int64_t n, const ot_1d_point *b, int64_t m, ot_1d_flow_fn visit,
                       void *ctx) {
    /* Walk both quantile functions: Fa, Fb the cumulative masses through points i and j, at the
     * position reached; each step moves min(Fa, Fb) - position from i to j. */
    dd fa = {a[0].w, 0}, fb = {b[0].w, 0}, at = {0, 0};
    int64_t i = 0, j = 0, steps = 0;
    while (i < n && j < m) {
        const int a_first = dd_le(fa, fb);
        const dd next = a_first ? fa : fb;
        const double f = (next.hi - at.hi) + (next.lo - at.lo);
        if (f > 0) {
            visit(ctx, i, j, f);
            steps++;
        }
        if (dd_le(at, next)) at = next;
        if (a_first) {
            if (++i < n) fa = dd_add(fa, a[i].w);
            else break;
        } else {
            if (++j < m) fb = dd_add(fb, b[j].w);
            else break;
        }
    }
    return steps;
}

static int sorted_masses(const double *x, const double *w, int64_t n, const char *what, ot_1d_point **out) {
    if (n < 1) return wk_errorf(WK_EINVAL, "wk_wp_1d: sample %s is empty", what);
    if (!x) return wk_errorf(WK_EINVAL, "wk_wp_1d: sample %s is missing", what);
    ot_1d_point *p = wk_malloc((size_t)n * sizeof *p);
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
        p[i].k = i;
        sum += wi;
    }
    if (!(fabs(sum - 1) <= WK_OT_WEIGHT_TOL)) {
        wk_free(p);
        return wk_errorf(WK_EINVAL, "wk_wp_1d: weights of %s sum to %.9g, not 1", what, sum);
    }
    for (int64_t i = 0; i < n; i++) p[i].w /= sum;
    ot_1d_sort(p, n);
    *out = p;
    return WK_OK;
}

typedef struct wp_sum {
    const ot_1d_point *a, *b;
    double p, total;
} wp_sum;

static void add_flow(void *ctx, int64_t i, int64_t j, double f) {
    wp_sum *s = ctx;
    const double d = fabs(s->a[i].x - s->b[j].x);
    s->total += f * (s->p == 1 ? d : s->p == 2 ? d * d : pow(d, s->p));
}

/* t * 2^-e for a finite t >= 0 and a real e >= 0: the power of two of floor(e) exactly, the
 * fraction's factor (in (1/2, 1]) on the normal value first, so a subnormal result is rounded
 * once more at most. Past e = 2200 the result is below 2^(1024 - 2200), far under half the
 * least subnormal: 0, without converting an e beyond int's range (C11 6.3.1.4). */
static double times_pow2_neg(double t, double e) {
    if (e > 2200) return 0;
    const double whole = floor(e);
    return ldexp(t * exp2(whole - e), -(int)whole);
}

int wk_wp_1d_f64(const double *x, const double *wx, int64_t n, const double *y, const double *wy, int64_t m, double p,
                 double *out) {
    if (!out) return wk_errorf(WK_EINVAL, "wk_wp_1d: NULL output");
    if (!(p >= 1) || !isfinite(p)) return wk_errorf(WK_EINVAL, "wk_wp_1d: p = %g must be >= 1", p);
    /* Tiny samples (ot_rescale.c): |x - y|^p underflows to subnormals or 0 term by term, so
     * W_p^p is summed on both samples times 2^k (an exact scaling) and multiplied by 2^-kp,
     * |x - y|^p being homogeneous of degree p. */
    ot_rescale sc;
    const ot_input ia = {.d = x, .n = n, .dim = 1, .ndim = 2}, ib = {.d = y, .n = m, .dim = 1, .ndim = 2};
    if (ot_rescale_init(&sc, &ia, &ib)) return wk_errorf(WK_ENOMEM, "wk_wp_1d: out of memory (n = %lld, m = %lld)", (long long)n,
                                                         (long long)m);
    ot_1d_point *a = NULL, *b = NULL;
    int rc = sorted_masses(sc.a.d, wx, n, "a", &a);
    if (!rc) rc = sorted_masses(sc.b.d, wy, m, "b", &b);
    ot_rescale_free(&sc);
    if (rc) {
        wk_free(a);
        return rc;
    }
    wp_sum s = {a, b, p, 0};
    ot_1d_coupling(a, n, b, m, add_flow, &s);
    wk_free(a);
    wk_free(b);
    if (sc.k && !isfinite(s.total)) {
        /* scaled distances below 4 raised to p > 511: the true value is below (2 * 2^-200)^p,
         * which rounds to 0 */
        s.total = 0;
    } else if (sc.k) {
        s.total = times_pow2_neg(s.total, (double)sc.k * p);
    }
    /* finite samples whose distances^p exceed double's range (1e300 apart, p = 2): refused, not Inf */
    if (!isfinite(s.total))
        return wk_errorf(WK_EINVAL, "wk_wp_1d: W_p^p with p = %g overflows double precision (the samples are too far "
                                    "apart)", p);
    *out = s.total;
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
