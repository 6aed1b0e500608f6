/* ot_common.c — input validation and the ground-cost engine shared by every OT solver
 * (see ot_internal.h). Points are held in double (float64 input is never rounded to float32;
 * float32 input from 16 coordinates on may stay float, read exactly as doubles, until a path
 * asks for the double rows: ot_input.defer_double, ot_cloud_widen) and costs are evaluated in
 * double from them; for high-dimensional Euclidean clouds the
 * all-pairs scans use the BLAS identity |x-y|^2 = |x|^2 + |y|^2 - 2 x.y on the clouds minus a
 * common centre, with an explicit (Higham) error bound that also covers the centring and, in
 * single precision (sgemm, float cache: the exact solver), the rounding of the centred points
 * to float; the exact solver's pricing recomputes in double (ot_pair_cost) only the pairs
 * that the bound leaves undecided. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "ot/ot_internal.h"
#include "wgankit/error.h"

void wk_ot_options_default(wk_ot_options *o) {
    memset(o, 0, sizeof *o);
    o->cost = WK_COST_EUCLIDEAN;
    o->p = 2;
    o->seed = 1;
}

void wk_ot_result_free(wk_ot_result *r) {
    if (!r) return;
    wk_free(r->plan);
    wk_free(r->u);
    wk_free(r->v);
    r->plan = NULL;
    r->u = r->v = NULL;
    r->plan_len = 0;
}

void ot_cloud_free(ot_cloud *c) {
    wk_free(c->x_own);
    wk_free(c->xf_own);
    wk_free(c->w);
    wk_free(c->orig);
    memset(c, 0, sizeof *c);
}

ot_input ot_input_tensor(const wk_tensor *t) {
    ot_input in;
    memset(&in, 0, sizeof in);
    if (!t || !t->data) return in;
    in.f = t->data;
    in.ndim = t->ndim;
    in.n = t->ndim >= 1 ? t->shape[0] : 0;
    in.dim = t->ndim >= 2 ? t->shape[1] : 0;
    return in;
}

ot_input ot_input_f64(const double *x, int64_t n, int64_t d) {
    ot_input in = {NULL, x, n, d, 2, 0};
    return in;
}

static double input_at(const ot_input *in, int64_t k) { return in->d ? in->d[k] : (double)in->f[k]; }

int ot_cloud_init(ot_cloud *c, const wk_tensor *t, const double *w, const char *what) {
    const ot_input in = ot_input_tensor(t);
    return ot_cloud_init_input(c, &in, w, what);
}

int ot_cloud_init_input(ot_cloud *c, const ot_input *in, const double *w, const char *what) {
    memset(c, 0, sizeof *c);
    if (!in || (!in->f && !in->d)) return wk_errorf(WK_EINVAL, "ot: point cloud %s is missing", what);
    if (in->ndim != 2) return wk_errorf(WK_EINVAL, "ot: point cloud %s must be 2-D [n, d], has %d dimensions", what, in->ndim);
    int64_t n = in->n, d = in->dim;
    if (n < 1) return wk_errorf(WK_EINVAL, "ot: point cloud %s is empty", what);
    if (d < 1 || d > (1 << 24)) return wk_errorf(WK_EINVAL, "ot: point cloud %s has dimension %lld", what, (long long)d);
    if (n > INT32_MAX / 2) return wk_errorf(WK_EINVAL, "ot: point cloud %s has too many points", what);
    /* where the entry-by-entry check starts: the first non-finite float, or for float64 rows
     * 0 only if one branch-free pass (it vectorises) saw a value out of range */
    int64_t from = n * d;
    if (in->f) {
        const int64_t bad = wk_first_nonfinite(in->f, n * d);
        if (bad >= 0) from = bad;
    } else {
        int out = 0;
        for (int64_t k = 0; k < n * d; k++) out |= !(fabs(in->d[k]) <= WK_OT_COORD_MAX);
        if (out) from = 0;
    }
    for (int64_t k = from; k < n * d; k++) {
        double v = input_at(in, k);
        if (!isfinite(v))
            return wk_errorf(WK_ENUMERIC, "ot: point cloud %s: row %lld is %s", what, (long long)(k / d),
                             isnan(v) ? "NaN" : "Inf");
        if (fabs(v) > WK_OT_COORD_MAX) /* only float64 input can get here (ot.h) */
            return wk_errorf(WK_EINVAL,
                             "ot: point cloud %s: row %lld, column %lld is %.17g; coordinates beyond %g are refused "
                             "(their squared distances overflow double precision)",
                             what, (long long)(k / d), (long long)(k % d), v, WK_OT_COORD_MAX);
    }
    /* The weights' total in a compensated sum (csum), to within about one rounding: the
     * masses w / sum then sum to 1 within a few roundings, whatever n. A plain sum was off by
     * up to n u (2,000 x 1/2,000: 1 - 5.5e-14), which scaled both clouds' masses and every
     * solver's value by that much, beyond the certificates' rounding terms. */
    double sum = 0;
    if (w) {
        csum total = {0, 0, 0, 0};
        for (int64_t i = 0; i < n; i++) {
            if (!isfinite(w[i]) || w[i] < 0)
                return wk_errorf(WK_EINVAL, "ot: weights of %s: entry %lld is %g (must be finite and >= 0)", what,
                                 (long long)i, w[i]);
            csum_add(&total, w[i]);
        }
        sum = csum_value(&total);
        if (!(fabs(sum - 1) <= WK_OT_WEIGHT_TOL))
            return wk_errorf(WK_EINVAL, "ot: weights of %s sum to %.9g, not 1", what, sum);
    }
    int64_t kept = 0;
    for (int64_t i = 0; i < n; i++) kept += !w || w[i] > 0;
    c->n = kept;
    c->n_orig = n;
    c->dim = (int)d;
    c->uniform = w == NULL;
    /* Rows all kept are used in place, float64 as x and float32 as xf: a copy of a 64 x 784
     * cloud cost more (page faults on fresh memory) than solving the 64 x 64 problem. float32
     * rows from 16 coordinates on are widened to double only when the caller needs x. */
    const int want_xf = in->f && d >= 16, defer = want_xf && in->defer_double;
    const int borrow = in->d && kept == n, borrow_f = want_xf && kept == n;
    if (!borrow && !defer) c->x_own = wk_malloc((size_t)(kept * d) * sizeof(double));
    c->x = borrow ? in->d : c->x_own;
    c->w = wk_malloc((size_t)kept * sizeof(double));
    c->orig = wk_malloc((size_t)kept * sizeof(int64_t));
    if (want_xf && !borrow_f) c->xf_own = wk_malloc((size_t)(kept * d) * sizeof(float));
    c->xf = borrow_f ? in->f : c->xf_own;
    if ((!c->x && !defer) || !c->w || !c->orig || (want_xf && !c->xf)) {
        ot_cloud_free(c);
        return WK_ENOMEM;
    }
    for (int64_t i = 0, k = 0; i < n; i++) {
        if (w && !(w[i] > 0)) continue;
        if (c->x_own && in->d) memcpy(c->x_own + k * d, in->d + i * d, (size_t)d * sizeof(double));
        else if (c->x_own)
            for (int64_t q = 0; q < d; q++) c->x_own[k * d + q] = in->f[i * d + q];
        if (c->xf_own) memcpy(c->xf_own + k * d, in->f + i * d, (size_t)d * sizeof(float));
        c->w[k] = w ? w[i] / sum : 1.0 / (double)n;
        c->orig[k] = i;
        k++;
    }
    return WK_OK;
}

int ot_cloud_widen(ot_cloud *c) {
    if (c->x) return WK_OK;
    const int64_t len = c->n * c->dim;
    if (!(c->x_own = wk_malloc((size_t)len * sizeof(double)))) return WK_ENOMEM;
    for (int64_t k = 0; k < len; k++) c->x_own[k] = c->xf[k];
    c->x = c->x_own;
    return WK_OK;
}

int ot_prepare(ot_cloud *a, ot_cloud *b, const ot_input *ia, const double *wa, const ot_input *ib, const double *wb,
               const wk_ot_options *opt) {
    if (opt && opt->cost == WK_COST_MINKOWSKI && !(opt->p >= 1 && isfinite(opt->p)))
        return wk_errorf(WK_EINVAL, "ot: Minkowski exponent p = %g must be >= 1", opt->p);
    if (opt && (opt->cost < WK_COST_EUCLIDEAN || opt->cost > WK_COST_MINKOWSKI))
        return wk_errorf(WK_EINVAL, "ot: unknown cost %d", (int)opt->cost);
    if (ia && ib && ia->ndim == 2 && ib->ndim == 2 && ia->dim != ib->dim)
        return wk_errorf(WK_EINVAL, "ot: dimension mismatch: a has %lld columns, b has %lld", (long long)ia->dim,
                         (long long)ib->dim);
    int rc = ot_cloud_init_input(a, ia, wa, "a");
    if (rc) return rc;
    if ((rc = ot_cloud_init_input(b, ib, wb, "b")) != 0) ot_cloud_free(a);
    return rc;
}

/* ---- costs ---- */

/* The squared distance of two rows, four partial sums: independent chains pipeline (the high-d
 * pricing recomputes many pairs), and the double result is as accurate as a single chain. */
#define SQ_DIST(T)                                                                                  \
    static double sq_dist_##T(const T *x, const T *y, int dim) {                                    \
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                      \
        int k = 0;                                                                                  \
        for (; k + 4 <= dim; k += 4) {                                                              \
            double t0 = (double)x[k] - (double)y[k], t1 = (double)x[k + 1] - (double)y[k + 1];      \
            double t2 = (double)x[k + 2] - (double)y[k + 2], t3 = (double)x[k + 3] - (double)y[k + 3]; \
            s0 += t0 * t0;                                                                          \
            s1 += t1 * t1;                                                                          \
            s2 += t2 * t2;                                                                          \
            s3 += t3 * t3;                                                                          \
        }                                                                                           \
        for (; k < dim; k++) {                                                                      \
            double t = (double)x[k] - (double)y[k];                                                 \
            s0 += t * t;                                                                            \
        }                                                                                           \
        return (s0 + s1) + (s2 + s3);                                                               \
    }
SQ_DIST(float)
SQ_DIST(double)

double ot_mass_cost_bound(const ot_costs *e, const double *wa, int64_t n, const double *wb, int64_t m, const double *ra,
                          const double *rb) {
    int64_t i0 = 0, j0 = 0;
    for (int64_t i = 1; i < n; i++) i0 = wa[i] > wa[i0] ? i : i0;
    for (int64_t j = 1; j < m; j++) j0 = wb[j] > wb[j0] ? j : j0;
    if (!ra) ra = wa, rb = wb;
    double s = 0, ta = 0, tb = 0;
    for (int64_t i = 0; i < n; i++) s += fabs(ra[i]) * ot_pair_cost(e, i, j0), ta += fabs(ra[i]);
    for (int64_t j = 0; j < m; j++) s += fabs(rb[j]) * ot_pair_cost(e, i0, j), tb += fabs(rb[j]);
    s += (ta > tb ? ta : tb) * ot_pair_cost(e, i0, j0);
    /* every term's rounding: n + m + 2 sums of products, a few ulps each */
    return (e->kind == WK_COST_SQEUCLIDEAN ? 3 : 1) * s * (1 + (double)(n + m + 8) * DBL_EPSILON);
}

double ot_pair_cost(const ot_costs *e, int64_t i, int64_t j) {
    if (e->dcache) return e->dcache[i * e->m + j]; /* the values below, stored */
    const double *x = e->a + i * e->dim, *y = e->b + j * e->dim;
    if (e->kind != WK_COST_MINKOWSKI) {
        /* float32 input: the same values read as floats (exact), half the bytes */
        const double s = e->a32 ? sq_dist_float(e->a32 + i * e->dim, e->b32 + j * e->dim, e->dim)
                                : sq_dist_double(x, y, e->dim);
        return e->kind == WK_COST_SQEUCLIDEAN ? s : sqrt(s);
    }
    /* in units of the largest |x_k - y_k| (as hypot): |t|^p of coordinates within
     * WK_OT_COORD_MAX (1e120, p = 3) overflowed to Inf and the solver could not certify */
    double big = 0;
    for (int k = 0; k < e->dim; k++) big = fmax(big, fabs(x[k] - y[k]));
    if (big == 0) return 0;
    double s = 0;
    for (int k = 0; k < e->dim; k++) s += pow(fabs(x[k] - y[k]) / big, e->p);
    return big * pow(s, 1.0 / e->p);
}

/* One row computed directly (exact): the inner loop runs over j on b transposed, so it
 * vectorises. */
static void cost_row_direct(const ot_costs *e, int64_t i, double *row) {
    const int64_t m = e->m;
    const double *x = e->a + i * e->dim;
    if (e->kind == WK_COST_MINKOWSKI) {
        for (int64_t j = 0; j < m; j++) row[j] = ot_pair_cost(e, i, j);
        return;
    }
    for (int64_t j = 0; j < m; j++) row[j] = 0;
    for (int k = 0; k < e->dim; k++) {
        const double xk = x[k], *bk = e->bt + (int64_t)k * m;
        for (int64_t j = 0; j < m; j++) {
            double t = xk - bk[j];
            row[j] += t * t;
        }
    }
    if (e->kind == WK_COST_EUCLIDEAN)
        for (int64_t j = 0; j < m; j++) row[j] = sqrt(row[j]);
}

static void cost_rows_direct(const ot_costs *e, int64_t i0, int64_t i1, double *buf) {
#pragma omp parallel for schedule(static) if (ot_parallel_worth((i1 - i0) * e->m * e->dim))
    for (int64_t i = i0; i < i1; i++) cost_row_direct(e, i, buf + (i - i0) * e->m);
}

/* b transposed [dim][m] for the direct engine. */
static int transpose_b(ot_costs *e, const ot_cloud *b) {
    const int64_t m = e->m, d = e->dim;
    e->bt = wk_malloc((size_t)(d * m) * sizeof(double));
    if (!e->bt) return WK_ENOMEM;
    for (int64_t j = 0; j < m; j++)
        for (int64_t k = 0; k < d; k++) e->bt[k * m + j] = b->x[j * d + k];
    return WK_OK;
}

static void cost_rows_gemm(const ot_costs *e, int64_t i0, int64_t i1, double *buf) {
    const int64_t m = e->m, r = i1 - i0;
    wk_backend_for(WK_DEVICE_CPU)->dgemm(wk_exec_current(), 0, 1, (int)r, (int)m, e->dim, -2.0, e->ad + i0 * e->dim, e->dim,
                e->bd, e->dim, 0.0, buf, (int)m);
#pragma omp parallel for schedule(static) if (ot_parallel_worth(r * m * 4))
    for (int64_t i = i0; i < i1; i++) {
        double *row = buf + (i - i0) * m, ni = e->na[i];
        for (int64_t j = 0; j < m; j++) {
            double s = row[j] + ni + e->nb[j];
            s = s > 0 ? s : 0;
            row[j] = e->kind == WK_COST_EUCLIDEAN ? sqrt(s) : s;
        }
    }
}

/* Single-precision rows: -2 a.b by sgemm from the centred points rounded to float (half the
 * time and bandwidth of dgemm), the norms added in double, the cost rounded to float.
 * ot_cost_margin bounds the whole error, so callers stay exact. */
void ot_cost_rows_f(const ot_costs *e, int64_t i0, int64_t i1, float *buf) {
    const int64_t m = e->m, r = i1 - i0;
    wk_backend_for(WK_DEVICE_CPU)->sgemm(wk_exec_current(), 0, 1, (int)r, (int)m, e->dim, -2.0f, e->af + i0 * e->dim, e->dim,
                e->bf, e->dim, 0.0f, buf, (int)m);
#pragma omp parallel for schedule(static) if (ot_parallel_worth(r * m * 4))
    for (int64_t i = i0; i < i1; i++) {
        float *row = buf + (i - i0) * m;
        const double ni = e->na[i];
        for (int64_t j = 0; j < m; j++) {
            double s = (double)row[j] + ni + e->nb[j];
            s = s > 0 ? s : 0;
            row[j] = (float)(e->kind == WK_COST_EUCLIDEAN ? sqrt(s) : s);
        }
    }
}

void ot_cost_rows(const ot_costs *e, int64_t i0, int64_t i1, double *buf) {
    if (e->use_gemm == OT_GEMM_SINGLE) {
        /* sgemm into the first half of each double row, then widen each row from its end
         * (double j covers floats 2j, 2j + 1 >= j, already read) */
        const int64_t m = e->m;
        float *fb = (float *)buf;
        wk_backend_for(WK_DEVICE_CPU)->sgemm(wk_exec_current(), 0, 1, (int)(i1 - i0), (int)m, e->dim, -2.0f,
                    e->af + i0 * e->dim, e->dim, e->bf, e->dim, 0.0f, fb, (int)(2 * m));
#pragma omp parallel for schedule(static) if (ot_parallel_worth((i1 - i0) * m * 4))
        for (int64_t i = i0; i < i1; i++) {
            double *row = buf + (i - i0) * m;
            const float *fr = fb + (i - i0) * 2 * m;
            for (int64_t j = m - 1; j >= 0; j--) {
                double s = (double)fr[j] + e->na[i] + e->nb[j];
                s = s > 0 ? s : 0;
                row[j] = e->kind == WK_COST_EUCLIDEAN ? sqrt(s) : s;
            }
        }
    } else if (e->use_gemm) {
        cost_rows_gemm(e, i0, i1, buf);
    } else {
        cost_rows_direct(e, i0, i1, buf);
    }
}

double ot_cost_margin(const ot_costs *e, double c) {
    if (!e->use_gemm) return 0;
    /* The engine's s~ is within gamma_sq of the squared distance of the centred, rounded points,
     * whose distance D~ is within eta of the true D. Euclidean: |sqrt(s) - sqrt(s~)| <=
     * min(sqrt(g), g / sqrt(s~)), with sqrt(s~) >= c / (1 + rel) for the stored (rounded) c; then
     * c's own rounding, then eta. Squared: |D^2 - D~^2| <= eta (2 D~ + eta). */
    const double g = e->gamma_sq, rel = e->cache_rel, eta = e->eta;
    if (e->kind != WK_COST_EUCLIDEAN) return g + c * rel + eta * (2 * sqrt(c * (1 + rel) + g) + eta);
    double r = sqrt(g);
    if (c > 0 && g * (1 + rel) / c < r) r = g * (1 + rel) / c;
    return r + c * rel + eta;
}

/* The cache is written once and scanned every pricing round: transparent huge pages cut its
 * first-touch page faults (a tenth of the 10,000 x 784 run) and TLB misses. A hint only. */
static void advise_huge_pages(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20, lo = ((uintptr_t)p + huge - 1) & ~(huge - 1),
                    hi = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* Squared norms of the n rows of x [n, d] into norms (double; products of floats are exact),
 * reading x as floats (xf) or doubles (xd); returns the largest norm. */
static double row_norms(const float *xf, const double *xd, int64_t n, int64_t d, double *norms) {
    double mx = 0;
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t k = 0; k < d; k++) {
            double v = xf ? (double)xf[i * d + k] : xd[i * d + k];
            s += v * v;
        }
        norms[i] = s;
        if (s > mx) mx = s;
    }
    return mx;
}

/* x - centre for the rows of a cloud, into double (xd) or float (xf); returns the largest
 * Euclidean norm of the exact differences' bound (|x - c| computed in double, rounded up). */
static double centred_copy(const ot_cloud *c, const double *centre, double *xd, float *xf) {
    const int64_t d = c->dim;
    double mx = 0;
    for (int64_t i = 0; i < c->n; i++) {
        double s = 0;
        for (int64_t k = 0; k < d; k++) {
            double v = c->x[i * d + k] - centre[k];
            if (xd) xd[i * d + k] = v;
            if (xf) xf[i * d + k] = (float)v;
            s += v * v;
        }
        if (s > mx) mx = s;
    }
    return sqrt(mx) * (1 + 4 * (double)(d + 2) * DBL_EPSILON);
}

/* The squared distances of rows x0, x1 (read as XT: float rows are widened exactly) against
 * the double rows y[0..3]: ot_pair_cost's sums (four chains over the coordinates k mod 4, the
 * tail in the first, then (s0 + s1) + (s2 + s3)), each chain a vector lane: eight independent
 * vectors in flight, each load used two or four times. */
#ifdef __AVX2__
static inline __m256d load4_double(const double *p) { return _mm256_loadu_pd(p); }
static inline __m256d load4_float(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
#define DENSE_BLOCK_VEC(XT)                                                                          \
    __m256d v[2][4];                                                                                 \
    for (int r = 0; r < 2; r++)                                                                      \
        for (int p = 0; p < 4; p++) v[r][p] = _mm256_setzero_pd();                                   \
    for (; k + 4 <= d; k += 4) {                                                                     \
        const __m256d a0 = load4_##XT(x0 + k), a1 = load4_##XT(x1 + k);                              \
        for (int p = 0; p < 4; p++) {                                                                \
            const __m256d yv = _mm256_loadu_pd(y[p] + k);                                            \
            const __m256d t0 = _mm256_sub_pd(a0, yv), t1 = _mm256_sub_pd(a1, yv);                   \
            v[0][p] = _mm256_add_pd(v[0][p], _mm256_mul_pd(t0, t0));                                 \
            v[1][p] = _mm256_add_pd(v[1][p], _mm256_mul_pd(t1, t1));                                 \
        }                                                                                            \
    }                                                                                                \
    for (int r = 0; r < 2; r++)                                                                      \
        for (int p = 0; p < 4; p++) _mm256_storeu_pd(acc[r][p], v[r][p]);
#else
#define DENSE_BLOCK_VEC(XT)                                                                          \
    for (; k + 4 <= d; k += 4)                                                                       \
        for (int r = 0; r < 2; r++)                                                                  \
            for (int p = 0; p < 4; p++)                                                              \
                for (int l = 0; l < 4; l++) {                                                        \
                    const double t = (double)(r ? x1 : x0)[k + l] - y[p][k + l];                     \
                    acc[r][p][l] += t * t;                                                           \
                }
#endif
#define DENSE_BLOCK(XT)                                                                              \
    static void dense_block_##XT(const XT *x0, const XT *x1, const double *const *y, int64_t d,      \
                                 double q[2][4]) {                                                   \
        double acc[2][4][4] = {{{0}}};                                                               \
        int64_t k = 0;                                                                               \
        DENSE_BLOCK_VEC(XT)                                                                          \
        for (; k < d; k++)                                                                           \
            for (int r = 0; r < 2; r++)                                                              \
                for (int p = 0; p < 4; p++) {                                                        \
                    const double t = (double)(r ? x1 : x0)[k] - y[p][k];                             \
                    acc[r][p][0] += t * t;                                                           \
                }                                                                                    \
        for (int r = 0; r < 2; r++)                                                                  \
            for (int p = 0; p < 4; p++) q[r][p] = (acc[r][p][0] + acc[r][p][1]) + (acc[r][p][2] + acc[r][p][3]); \
    }
DENSE_BLOCK(double)
DENSE_BLOCK(float)

/* OT_COSTS_DENSE: every cost exact, in double, stored once (the dense small-problem path of
 * w1_exact.c reads each of them at least twice: as an arc and in the certificate). Serial: a
 * small problem's whole matrix is less work than waking an OpenMP team on a shared core.
 * Every cost is ot_pair_cost's, summed in its order (so the same numbers as its callers see).
 * float32 clouds are read as floats (no double copy of the clouds is made: ot_input's
 * defer_double): four rows of b at a time widened into a small buffer, then every pair of
 * rows of a against them — a as floats is half the bytes and stays in the L2 cache (64 x 784:
 * 200 KB, against 400 KB in double). float64 clouds: every four rows of b against each pair
 * of rows of a, read from the rows themselves. */
static int dense_costs(ot_costs *e, const ot_cloud *b) {
    const int64_t n = e->n, m = e->m, d = e->dim;
    const int f32 = e->a32 != NULL;
    double *dc = wk_malloc((size_t)(n * m) * sizeof(double));
    double *ybuf = f32 && d >= 4 ? wk_malloc((size_t)(4 * d) * sizeof(double)) : NULL;
    if (!dc || (f32 && d >= 4 && !ybuf)) {
        wk_free(dc);
        wk_free(ybuf);
        return WK_ENOMEM;
    }
    if (e->kind != WK_COST_MINKOWSKI && d >= 4) {
        double q[2][4];
        const int euclid = e->kind == WK_COST_EUCLIDEAN;
#define STORE_BLOCK(i, j, ni, np)                                                                    \
    for (int r = 0; r < (ni); r++)                                                                   \
        for (int p = 0; p < (np); p++) dc[((i) + r) * m + (j) + p] = euclid ? sqrt(q[r][p]) : q[r][p];
        if (f32) {
            for (int64_t j = 0; j < m; j += 4) {
                const int np = m - j < 4 ? (int)(m - j) : 4;
                const double *y[4];
                for (int p = 0; p < 4; p++) {
                    const float *src = e->b32 + (j + (p < np ? p : 0)) * d;
                    for (int64_t k = 0; k < d; k++) ybuf[p * d + k] = src[k];
                    y[p] = ybuf + p * d;
                }
                for (int64_t i = 0; i < n; i += 2) {
                    const int ni = n - i < 2 ? (int)(n - i) : 2;
                    dense_block_float(e->a32 + i * d, e->a32 + (i + ni - 1) * d, y, d, q);
                    STORE_BLOCK(i, j, ni, np)
                }
            }
        } else {
            for (int64_t i = 0; i < n; i += 2) {
                const int ni = n - i < 2 ? (int)(n - i) : 2;
                for (int64_t j = 0; j < m; j += 4) {
                    const int np = m - j < 4 ? (int)(m - j) : 4;
                    const double *y[4];
                    for (int p = 0; p < 4; p++) y[p] = b->x + (j + (p < np ? p : 0)) * d;
                    dense_block_double(e->a + i * d, e->a + (i + ni - 1) * d, y, d, q);
                    STORE_BLOCK(i, j, ni, np)
                }
            }
        }
#undef STORE_BLOCK
    } else if (e->kind == WK_COST_MINKOWSKI) {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < m; j++) dc[i * m + j] = ot_pair_cost(e, i, j);
    } else {
        /* d <= 3: ot_pair_cost's sum (one chain), inlined */
        for (int64_t i = 0; i < n; i++) {
            const double *x = e->a + i * d;
            double *row = dc + i * m;
            for (int64_t j = 0; j < m; j++) {
                double s = 0;
                for (int64_t k = 0; k < d; k++) {
                    const double t = x[k] - b->x[j * d + k];
                    s += t * t;
                }
                row[j] = e->kind == WK_COST_EUCLIDEAN ? sqrt(s) : s;
            }
        }
    }
    wk_free(ybuf);
    e->dcache = dc; /* only now: ot_pair_cost reads it when set */
    e->block_rows = n;
    return WK_OK;
}

int ot_costs_init(ot_costs *e, const ot_cloud *a, const ot_cloud *b, const wk_ot_options *opt, int certified) {
    memset(e, 0, sizeof *e);
    e->n = a->n;
    e->m = b->n;
    e->dim = a->dim;
    e->kind = opt ? opt->cost : WK_COST_EUCLIDEAN;
    e->p = opt ? opt->p : 2;
    e->a = a->x;
    e->b = b->x;
    if (a->xf && b->xf) {
        e->a32 = a->xf;
        e->b32 = b->xf;
    }
    const int64_t n = e->n, m = e->m, d = e->dim;
    /* rows per block: about 4 M doubles of buffer */
    e->block_rows = (4 << 20) / (m > 0 ? m : 1);
    if (e->block_rows < 1) e->block_rows = 1;
    if (e->block_rows > n) e->block_rows = n;
    if (certified == OT_COSTS_DENSE) return dense_costs(e, b);
    e->use_gemm = e->kind != WK_COST_MINKOWSKI && d >= 16 && n * m > 4096;
    /* a small certified problem is cheaper exact and stored (below) than through gemm plus a
     * margin and exact recomputations: 150 x 100 x 128 took 2.2 ms of setup and 4 scans */
    if (certified && n * m <= 65536 && n * m * d <= ((int64_t)1 << 24)) e->use_gemm = 0;
    /* Both clouds minus one centre (the mean of all their points): distances are unchanged,
     * and the gemm identity's error, which scales with the norms, then scales with the spread
     * instead of the coordinates' size; the float copies keep their precision too. The mean,
     * not the bounding box's middle: sparse non-negative data (pixels, mostly 0) would have
     * twice the norms about the middle, and a margin four times as wide. */
    double *centre = NULL, r = 0;
    if (e->use_gemm) {
        if (!(centre = wk_calloc((size_t)d, sizeof(double)))) return WK_ENOMEM;
        for (int s = 0; s < 2; s++) { /* row by row: the rows are contiguous */
            const ot_cloud *c = s ? b : a;
            for (int64_t i = 0; i < c->n; i++)
                for (int64_t k = 0; k < d; k++) centre[k] += c->x[i * d + k];
        }
        for (int64_t k = 0; k < d; k++) centre[k] /= (double)(n + m);
        r = fmax(centred_copy(a, centre, NULL, NULL), centred_copy(b, centre, NULL, NULL));
        /* The products' error bound (below) holds while they neither overflow nor underflow:
         * the largest centred norm r bounds every dot product by r^2. Outside double's safe
         * range the direct engine (differences first) computes the costs. */
        if (!(r * r < 1e300 && r > 1e-140)) e->use_gemm = 0;
    }
    if (!e->use_gemm) {
        wk_free(centre);
        if (e->kind == WK_COST_MINKOWSKI) return WK_OK;
        if (transpose_b(e, b)) return WK_ENOMEM;
        /* certified scans of small high-d problems read every cost once per pricing round, and
         * the k-NN arcs ask for as many pair costs again: keep the direct engine's (exact, double)
         * costs (at most 8 MB); ot_pair_cost then reads them too, so the scans, the arcs and the
         * certificate see the very same costs and each is computed once */
        if (certified && d >= 8 && n * m <= ((int64_t)1 << 20)) {
            double *dc = wk_malloc((size_t)(n * m) * sizeof(double));
            if (!dc) wk_clear_error(); /* a speed-up only */
            else cost_rows_direct(e, 0, n, dc); /* vectorised over j: a few times ot_pair_cost's speed */
            e->dcache = dc; /* only now: ot_pair_cost reads it when set */
        }
        return WK_OK;
    }
    /* Single precision where the caller applies the margin (and the float bound below is
     * meaningful: d u << 1) and every product stays inside float's normal range (a cloud at
     * scale 1e50 overflowed to inf costs: "no feasible plan"; one at 1e-20 would underflow);
     * double otherwise (Sinkhorn uses the costs as they come). */
    const double u32 = FLT_EPSILON / 2, u64 = DBL_EPSILON / 2;
    if (certified && (double)d * u32 < 0.01 && r * r < 1e36 && r > 1e-15) e->use_gemm = OT_GEMM_SINGLE;
    const int single = e->use_gemm == OT_GEMM_SINGLE;
    e->na = wk_malloc((size_t)n * sizeof(double));
    e->nb = wk_malloc((size_t)m * sizeof(double));
    if (single) {
        e->af = wk_malloc((size_t)(n * d) * sizeof(float));
        e->bf = wk_malloc((size_t)(m * d) * sizeof(float));
    } else {
        e->ad = wk_malloc((size_t)(n * d) * sizeof(double));
        e->bd = wk_malloc((size_t)(m * d) * sizeof(double));
    }
    if (!e->na || !e->nb || (single ? !e->af || !e->bf : !e->ad || !e->bd)) {
        wk_free(centre);
        ot_costs_free(e);
        return WK_ENOMEM;
    }
    const double ra = centred_copy(a, centre, e->ad, e->af), rb = centred_copy(b, centre, e->bd, e->bf);
    wk_free(centre);
    /* each centred coordinate is off by at most u64 |v| (the subtraction) and, for the float
     * copy, u32 |v| more: the distance of the copies is within eta of the true distance */
    e->eta = (single ? u32 + 2 * u64 : 2 * u64) * (ra + rb) * 1.0001;
    /* squared norms in double: each product of floats is exact, the sums' error is covered
     * by the (d + 4) eps term below */
    double maxn = row_norms(e->af, e->ad, n, d, e->na);
    double maxm = row_norms(e->bf, e->bd, m, d, e->nb);
    /* Higham (Accuracy and Stability, Thm 3.4 / eq. 3.5): a length-d dot product in any
     * summation order (blocked, FMA) errs by at most gamma_d sum |x_k y_k| <= gamma_d |x||y|,
     * gamma_d = d u / (1 - d u); the factor -2 is exact. Plus the double norms and sums. */
    const double cross = 2 * sqrt(maxn) * sqrt(maxm);
    const double ud = single ? u32 : u64;
    e->gamma_sq = (double)d * ud / (1 - (double)d * ud) * cross * 1.0001 +
                  (double)(d + 4) * DBL_EPSILON * (maxn + maxm + cross);
    e->cache_rel = single ? FLT_EPSILON : 4 * DBL_EPSILON;
    if (!single) return WK_OK;
    size_t budget = opt && opt->max_cache_bytes ? opt->max_cache_bytes : (size_t)1 << 30;
    if ((uint64_t)n * (uint64_t)m * sizeof(float) <= budget) {
        e->cache = wk_malloc((size_t)(n * m) * sizeof(float));
        if (!e->cache) wk_clear_error(); /* no room: the scans compute float blocks instead */
        else advise_huge_pages(e->cache, (size_t)(n * m) * sizeof(float));
        if (e->cache)
            for (int64_t i0 = 0; i0 < n; i0 += e->block_rows) /* blocks: the fix-up pass stays in cache */
                ot_cost_rows_f(e, i0, i0 + e->block_rows < n ? i0 + e->block_rows : n, e->cache + i0 * m);
    }
    return WK_OK;
}

void ot_costs_free(ot_costs *e) {
    wk_free(e->bt);
    wk_free(e->ad);
    wk_free(e->bd);
    wk_free(e->af);
    wk_free(e->bf);
    wk_free(e->na);
    wk_free(e->nb);
    wk_free(e->cache);
    wk_free(e->dcache);
    memset(e, 0, sizeof *e);
}

int ot_scan_rows(const ot_costs *e, row_visit_fn fn, void *ctx) {
    const int single = e->use_gemm == OT_GEMM_SINGLE;
    if (e->dcache) { /* small: serial, and the rows are already there */
        for (int64_t i = 0; i < e->n; i++) fn(ctx, i, e->dcache + i * e->m, NULL, 0);
        return WK_OK;
    }
    if (single && e->cache) {
#pragma omp parallel for schedule(dynamic, 16) if (ot_parallel_worth(e->n * e->m * 4))
        for (int64_t i = 0; i < e->n; i++) fn(ctx, i, NULL, e->cache + i * e->m, omp_get_thread_num());
        return WK_OK;
    }
    void *buf = wk_malloc((size_t)(e->block_rows * e->m) * (single ? sizeof(float) : sizeof(double)));
    if (!buf) return WK_ENOMEM;
    for (int64_t i0 = 0; i0 < e->n; i0 += e->block_rows) {
        int64_t i1 = i0 + e->block_rows < e->n ? i0 + e->block_rows : e->n;
        if (single) ot_cost_rows_f(e, i0, i1, buf);
        else ot_cost_rows(e, i0, i1, buf);
#pragma omp parallel for schedule(dynamic, 4) if (ot_parallel_worth((i1 - i0) * e->m * 4))
        for (int64_t i = i0; i < i1; i++) {
            const int64_t o = (i - i0) * e->m;
            fn(ctx, i, single ? NULL : (const double *)buf + o, single ? (const float *)buf + o : NULL,
               omp_get_thread_num());
        }
    }
    wk_free(buf);
    return WK_OK;
}
