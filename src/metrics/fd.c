/* fd.c — Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017,
 * eq. 6, FID's formula on any features):
 *   FD = ||mu_r - mu_f||^2 + tr(S_r) + tr(S_f) - 2 tr((S_r S_f)^(1/2)).
 * Everything in double, from the stored values (float32 or float64, never rounded to float). tr((S_r S_f)^(1/2)) is the sum of the square roots of the eigenvalues
 * of the symmetric PSD M = S_r^(1/2) S_f S_r^(1/2), which has the eigenvalues of S_r S_f
 * (similar matrices); both eigenproblems are symmetric (LAPACK dsyevd), so the result is real
 * and finite even for singular covariances, where the general sqrtm that pytorch-fid uses can
 * return complex parts or fail. The trace term is the squared Bures distance (>= 0); a value
 * below 0 is rounding and is clipped. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/metrics_internal.h"
#include "wgankit/error.h"
#include "wgankit/metrics.h"

/* Mean [d] and covariance [d, d] (ddof 1, full symmetric) of x [n, d]. */
static int moments(const mt_feat *x, double *mu, double *cov) {
    int64_t n = x->n, d = x->d;
    double *c = wk_malloc((size_t)(n * d) * sizeof *c);
    if (!c) return wk_errorf(WK_ENOMEM, "FD: out of memory for %lld x %lld features", (long long)n, (long long)d);
    memset(mu, 0, (size_t)d * sizeof *mu);
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < d; k++) mu[k] += mt_at(x, i * d + k);
    for (int64_t k = 0; k < d; k++) mu[k] /= (double)n;
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < d; k++) c[i * d + k] = mt_at(x, i * d + k) - mu[k];
    /* second pass: the mean of the residuals corrects the rounding of a sum of values with a
     * large common offset (float64 coordinates near 1e8 with unit spread) */
    for (int64_t k = 0; k < d; k++) {
        double r = 0;
        for (int64_t i = 0; i < n; i++) r += c[i * d + k];
        r /= (double)n;
        mu[k] += r;
        for (int64_t i = 0; i < n; i++) c[i * d + k] -= r;
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)n, 1.0 / (double)(n - 1), c, (int)d, 0.0, cov,
                (int)d);
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
    wk_free(c);
    return WK_OK;
}

/* Eigenvalues w (ascending) and, with vec, eigenvectors (columns of a, row-major) of the
 * symmetric a [d, d], overwritten. */
static int eig(double *a, int d, double *w, int vec) {
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vec ? 'V' : 'N', 'U', d, a, d, w);
    if (info) return wk_errorf(WK_ENUMERIC, "FD: LAPACK dsyevd failed (info %d) on a %d x %d covariance", (int)info, d, d);
    return WK_OK;
}

/* numpy.linalg.matrix_rank's tolerance: largest eigenvalue x d x machine epsilon. */
static int rank_of(const double *w, int d) {
    double tol = fabs(w[d - 1]) * d * 2.220446049250313e-16;
    int r = 0;
    for (int i = 0; i < d; i++) r += w[i] > tol;
    return r;
}

int wk_fd(const wk_tensor *real, const wk_tensor *fake, wk_fd_result *out) {
    memset(out, 0, sizeof *out);
    mt_feat r, f;
    int rc = mt_views("FD", real, fake, &r, &f);
    return rc ? rc : mt_fd(&r, &f, out);
}

int mt_fd(const mt_feat *real, const mt_feat *fake, wk_fd_result *out) {
    memset(out, 0, sizeof *out);
    int64_t d64 = 0;
    int rc = mt_check_feat("FD", "real", real, 2, "a covariance", &d64);
    if (!rc) rc = mt_check_feat("FD", "fake", fake, 2, "a covariance", &d64);
    if (rc) return rc;
    if (d64 > 46340) return wk_errorf(WK_EINVAL, "FD: %lld feature dimensions is too many for a d x d covariance", (long long)d64);
    if ((rc = wk_blas_reserve())) return wk_error_context(rc, "FD"); /* the products below call OpenBLAS directly: released at done */
    int d = (int)d64;
    size_t dd = (size_t)d * (size_t)d;
    double *mr = wk_malloc((size_t)d * sizeof(double)), *mf = wk_malloc((size_t)d * sizeof(double));
    double *sr = wk_malloc(dd * sizeof(double)), *sf = wk_malloc(dd * sizeof(double));
    double *a = wk_malloc(dd * sizeof(double)), *t = wk_malloc(dd * sizeof(double));
    double *w = wk_malloc((size_t)d * sizeof(double));
    if (!mr || !mf || !sr || !sf || !a || !t || !w) {
        rc = wk_errorf(WK_ENOMEM, "FD: out of memory for %d x %d covariances", d, d);
        goto done;
    }
    if ((rc = moments(real, mr, sr)) || (rc = moments(fake, mf, sf))) goto done;
    double mean_term = 0, tr_r = 0, tr_f = 0;
    for (int k = 0; k < d; k++) {
        double diff = mr[k] - mf[k];
        mean_term += diff * diff;
        tr_r += sr[(size_t)k * d + k];
        tr_f += sf[(size_t)k * d + k];
    }
    /* rank of S_f (its eigenvalues only) */
    memcpy(a, sf, dd * sizeof(double));
    if ((rc = eig(a, d, w, 0))) goto done;
    out->rank_fake = rank_of(w, d);
    /* S_r = V diag(w) V^T  ->  A = V diag(sqrt(max(w, 0))) V^T */
    memcpy(a, sr, dd * sizeof(double));
    if ((rc = eig(a, d, w, 1))) goto done;
    out->rank_real = rank_of(w, d);
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++) t[(size_t)i * d + j] = a[(size_t)i * d + j] * sqrt(w[j] > 0 ? w[j] : 0);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d, d, d, 1.0, t, d, a, d, 0.0, sr, d); /* sr := A */
    /* M = A S_f A */
    cblas_dsymm(CblasRowMajor, CblasLeft, CblasUpper, d, d, 1.0, sr, d, sf, d, 0.0, t, d);   /* A S_f */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, t, d, sr, d, 0.0, a, d);
    for (int i = 0; i < d; i++) /* symmetrise the rounding */
        for (int j = i + 1; j < d; j++) a[(size_t)i * d + j] = 0.5 * (a[(size_t)i * d + j] + a[(size_t)j * d + i]);
    if ((rc = eig(a, d, w, 0))) goto done;
    double tr_sqrt = 0;
    for (int i = 0; i < d; i++) tr_sqrt += sqrt(w[i] > 0 ? w[i] : 0);
    double trace_term = tr_r + tr_f - 2 * tr_sqrt;
    if (trace_term < 0) trace_term = 0;
    out->dim = d;
    out->n_real = real->n;
    out->n_fake = fake->n;
    out->mean_term = mean_term;
    out->trace_term = trace_term;
    out->fd = mean_term + trace_term;
    if (out->rank_real < d || out->rank_fake < d) {
        out->regularised = 1;
        int few = out->n_real <= d || out->n_fake <= d;
        snprintf(out->warning, sizeof out->warning,
                 "FD: singular covariance (real rank %d, fake rank %d, of %d dimensions; n_real %lld, n_fake %lld): "
                 "eigenvalues below 0 clipped to 0 (nearest PSD matrix), FD is finite; %s",
                 out->rank_real, out->rank_fake, d, (long long)out->n_real, (long long)out->n_fake,
                 few ? "with n <= d the Gaussian fit is degenerate, use more samples than dimensions"
                     : "some features are constant or linearly dependent (e.g. ReLU units that never fire)");
    }
    if (!isfinite(out->fd)) rc = wk_errorf(WK_ENUMERIC, "FD: the result overflowed (features too large for double moments)");
done:
    wk_blas_release();
    wk_free(mr), wk_free(mf), wk_free(sr), wk_free(sf), wk_free(a), wk_free(t), wk_free(w);
    return rc;
}
