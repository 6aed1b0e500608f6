/* knn_dist.c — the distance engine of the k-NN metrics (metrics_internal.h): approximate
 * squared Euclidean distances in row blocks by one sgemm each (|a|^2 + |b|^2 - 2 a.b), an error
 * bound per pair, and exact double distances for the comparisons the bound cannot decide. Both
 * sets are scaled by one power of two (exact) so that float products neither overflow nor
 * underflow for any finite input; both are centred on their common mean first (in double), so the
 * float rounding is relative to the points' spread, not to their offset. Exact distances read the
 * stored values (float32 or float64) in double. */
#ifdef _OPENMP
#include <omp.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics_internal.h"
#include "wgankit/error.h"

/* Largest |x - c| over a set. */
static double max_abs(const mt_feat *t, const double *c) {
    double m = 0;
    for (int64_t i = 0; i < t->n; i++)
        for (int64_t k = 0; k < t->d; k++) m = fmax(m, fabs(mt_at(t, i * t->d + k) - c[k]));
    return m;
}

static int set_init(md_set *s, const mt_feat *t, const double *centre, double scale) {
    memset(s, 0, sizeof *s);
    s->x = *t;
    s->n = t->n;
    s->d = (int)t->d;
    s->scale = scale;
    s->xs = wk_malloc((size_t)(t->n * t->d) * sizeof(float));
    s->norm2 = wk_malloc((size_t)s->n * sizeof(double));
    if (!s->xs || !s->norm2) {
        md_set_free(s);
        return wk_errorf(WK_ENOMEM, "k-NN distances: out of memory for %lld x %d features", (long long)s->n, s->d);
    }
    /* centred before the float rounding: the float products then resolve the spread of the
     * points, not their offset (coordinates near 1e8 with unit spread keep their distances) */
    for (int64_t i = 0; i < s->n; i++) {
        double a = 0;
        for (int k = 0; k < s->d; k++) {
            float v = (float)((mt_at(t, i * s->d + k) - centre[k]) * scale);
            s->xs[i * s->d + k] = v;
            a += (double)v * v;
        }
        s->norm2[i] = a;
    }
    return WK_OK;
}

static double common_scale(double m) {
    if (m == 0) return 1;
    int e;
    frexp(m, &e); /* m = f 2^e, f in [0.5, 1) */
    return ldexp(1.0, -e);
}

/* The mean of the rows of a (and b when given) into c [d]. */
static double *centre_of(const mt_feat *a, const mt_feat *b) {
    int64_t d = a->d, n = a->n + (b ? b->n : 0);
    double *c = wk_calloc((size_t)d, sizeof *c);
    if (!c) return NULL;
    for (int s = 0; s < (b ? 2 : 1); s++) {
        const mt_feat *t = s ? b : a;
        for (int64_t i = 0; i < t->n; i++)
            for (int64_t k = 0; k < d; k++) c[k] += mt_at(t, i * d + k);
    }
    for (int64_t k = 0; k < d; k++) c[k] /= (double)(n > 0 ? n : 1);
    return c;
}

int md_sets_init(md_set *a, const mt_feat *ta, md_set *b, const mt_feat *tb) {
    double *c = centre_of(ta, tb);
    if (!c) return wk_errorf(WK_ENOMEM, "k-NN distances: out of memory");
    double ma = max_abs(ta, c), mb = max_abs(tb, c), sc = common_scale(ma > mb ? ma : mb);
    int rc = set_init(a, ta, c, sc);
    if (!rc && (rc = set_init(b, tb, c, sc))) md_set_free(a);
    if (rc) wk_free(c);
    else a->centre = c;
    return rc;
}

int md_set_init_one(md_set *a, const mt_feat *ta) {
    double *c = centre_of(ta, NULL);
    if (!c) return wk_errorf(WK_ENOMEM, "k-NN distances: out of memory");
    int rc = set_init(a, ta, c, common_scale(max_abs(ta, c)));
    if (rc) wk_free(c);
    else a->centre = c;
    return rc;
}

void md_set_free(md_set *s) {
    wk_free(s->xs);
    wk_free(s->norm2);
    wk_free(s->centre);
    memset(s, 0, sizeof *s);
}

int64_t md_block_rows(int64_t cols) {
    int64_t r = ((int64_t)4 << 20) / (cols > 0 ? cols : 1);
    return r < 16 ? 16 : r > 1024 ? 1024 : r;
}

void md_block(const md_set *a, int64_t i0, int64_t i1, const md_set *b, float *buf) {
    int64_t r = i1 - i0, m = b->n;
    /* through the backend: it takes OpenBLAS's buffer for this call (also from a team's thread) */
    wk_backend_for(WK_DEVICE_CPU)->sgemm(wk_exec_current(), 0, 1, (int)r, (int)m, a->d, -2.0f, a->xs + i0 * a->d, a->d,
                                         b->xs, b->d, 0.0f, buf, (int)m);
#pragma omp parallel for schedule(static) if (r * m > 65536)
    for (int64_t i = 0; i < r; i++) {
        double na = a->norm2[i0 + i];
        float *row = buf + i * m;
        for (int64_t j = 0; j < m; j++) row[j] = (float)((double)row[j] + na + b->norm2[j]);
    }
}

double md_exact(const md_set *a, int64_t i, const md_set *b, int64_t j) {
    double s = 0;
    for (int k = 0; k < a->d; k++) {
        double t = (mt_at(&a->x, i * a->d + k) - mt_at(&b->x, j * b->d + k)) * a->scale;
        s += t * t;
    }
    return s;
}

static int cmp_double(const void *p, const void *q) {
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* Exact k-th smallest (1-based) squared distance from row i to the other rows, given the
 * approximate row: every j whose exact distance can be among the k smallest has
 * approx <= (approx k-th) + 2 * margin, so only those are recomputed. */
static double kth_exact(const md_set *s, int64_t i, const float *row, int k, double *cand, float *top) {
    for (int q = 0; q < k; q++) top[q] = INFINITY;
    for (int64_t j = 0; j < s->n; j++) {
        if (j == i || !(row[j] < top[k - 1])) continue;
        int p = k - 1;
        while (p > 0 && top[p - 1] > row[j]) top[p] = top[p - 1], p--;
        top[p] = row[j];
    }
    double mmax = 0;
    for (int64_t j = 0; j < s->n; j++) {
        double mj = md_margin(s, i, s, j);
        mmax = mj > mmax ? mj : mmax;
    }
    double lim = (double)top[k - 1] + 2 * mmax;
    int64_t nc = 0;
    for (int64_t j = 0; j < s->n; j++)
        if (j != i && row[j] <= lim) cand[nc++] = md_exact(s, i, s, j);
    qsort(cand, (size_t)nc, sizeof *cand, cmp_double);
    return cand[k - 1];
}

int md_knn_radii(const md_set *s, const int *ks, int nk, double **r2) {
    int kmax = 0;
    for (int q = 0; q < nk; q++) kmax = ks[q] > kmax ? ks[q] : kmax;
    int64_t n = s->n, rows = md_block_rows(n);
    if (n <= kmax) return wk_errorf(WK_EINVAL, "k-NN radii: need more than %d samples, got %lld", kmax, (long long)n);
    float *buf = wk_malloc((size_t)(rows * n) * sizeof(float));
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    double *cand = wk_malloc((size_t)nt * (size_t)n * sizeof(double));
    float *top = wk_malloc((size_t)nt * (size_t)kmax * sizeof(float));
    if (!buf || !cand || !top) {
        wk_free(buf), wk_free(cand), wk_free(top);
        return wk_errorf(WK_ENOMEM, "k-NN radii: out of memory for %lld samples", (long long)n);
    }
    for (int64_t i0 = 0; i0 < n; i0 += rows) {
        int64_t i1 = i0 + rows < n ? i0 + rows : n;
        md_block(s, i0, i1, s, buf);
#pragma omp parallel for schedule(dynamic, 8)
        for (int64_t i = i0; i < i1; i++) {
            int t = 0;
#ifdef _OPENMP
            t = omp_get_thread_num();
#endif
            for (int q = 0; q < nk; q++)
                r2[q][i] = kth_exact(s, i, buf + (i - i0) * n, ks[q], cand + (size_t)t * n, top + (size_t)t * kmax);
        }
    }
    wk_free(buf), wk_free(cand), wk_free(top);
    return WK_OK;
}
