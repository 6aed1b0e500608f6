/* spectral.c — largest singular value by power iteration (Golub & Van Loan §8.2), for
 * spectral normalisation (Miyato et al. 2018, Algorithm 1: W_SN = W / σ(W), one power
 * iteration per step from a persistent vector u) and for the certified Lipschitz bound of the
 * report. A conv weight [out, in, k, k] is read as the matrix [out, in·k·k], as Miyato et al.
 * and torch.nn.utils.spectral_norm do. Arithmetic is in double: σ is a product of dot
 * products over up to 10⁶ entries. */
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"

#include <math.h>
#include <string.h>

static double normalize(double *x, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += x[i] * x[i];
    s = sqrt(s);
    if (s > 0)
        for (int64_t i = 0; i < n; i++) x[i] /= s;
    return s;
}

/* One power step: v = Wᵀu/‖·‖, u = Wv/‖·‖; returns ‖Wv‖ = uᵀWv, the σ estimate. */
static double power_step(const float *w, int64_t rows, int64_t cols, double *u, double *v) {
    memset(v, 0, (size_t)cols * sizeof *v);
    for (int64_t i = 0; i < rows; i++) {
        const float *wr = w + i * cols;
        double ui = u[i];
        for (int64_t j = 0; j < cols; j++) v[j] += wr[j] * ui;
    }
    normalize(v, cols);
    for (int64_t i = 0; i < rows; i++) {
        const float *wr = w + i * cols;
        double s = 0;
        for (int64_t j = 0; j < cols; j++) s += wr[j] * v[j];
        u[i] = s;
    }
    return normalize(u, rows);
}

/* A start vector with no special direction (fixed, so results are reproducible). */
static void start_vector(double *u, int64_t n) {
    wk_rng r;
    wk_rng_seed_stream(&r, 0, WK_STREAM_SPECTRAL_START);
    for (int64_t i = 0; i < n; i++) u[i] = wk_rng_normal_d(&r);
    normalize(u, n);
}

/* Power iteration on w from u (NULL: the fixed start). iters fixed when rtol == 0, else
 * until σ changes by less than rtol. If vout is given it receives v (cols floats).
 * scratch: NULL, or rows + cols doubles (a training step passes its own: no allocation). */
static double power_iterate(const wk_tensor *w, float *u_io, float *v_out, int iters, double rtol, double *scratch) {
    if (!w || w->ndim < 1 || w->numel == 0) {
        wk_errorf(WK_EINVAL, "spectral norm: empty weight");
        return NAN;
    }
    int64_t rows = w->shape[0], cols = w->numel / rows;
    double *u = scratch ? scratch : wk_malloc((size_t)(rows + cols) * sizeof(double)), *v = u + rows;
    if (!u) {
        wk_errorf(WK_ENOMEM, "spectral norm: out of memory");
        return NAN;
    }
    double nu = 0;
    if (u_io) {
        for (int64_t i = 0; i < rows; i++) u[i] = u_io[i];
        nu = normalize(u, rows);
    }
    if (!(nu > 0) || !isfinite(nu)) start_vector(u, rows);
    double sigma = 0, prev = 0;
    if (iters < 1) iters = 1;
    for (int k = 0; k < iters; k++) {
        sigma = power_step(w->data, rows, cols, u, v);
        if (rtol > 0 && k > 0 && fabs(sigma - prev) <= rtol * sigma) break;
        prev = sigma;
    }
    if (u_io)
        for (int64_t i = 0; i < rows; i++) u_io[i] = (float)u[i];
    if (v_out)
        for (int64_t j = 0; j < cols; j++) v_out[j] = (float)v[j];
    if (!scratch) wk_free(u);
    return sigma;
}

double wk_spectral_norm(const wk_tensor *w, wk_tensor *u, int iters) {
    if (u && (!w || u->numel != w->shape[0])) {
        wk_errorf(WK_EINVAL, "spectral norm: u has %lld entries, the weight %lld rows", (long long)u->numel,
                  w ? (long long)w->shape[0] : 0LL);
        return NAN;
    }
    return power_iterate(w, u ? u->data : NULL, NULL, iters, 0, NULL);
}

double wk_spectral_norm_converged(const wk_tensor *w, int max_iters, double rtol) {
    return power_iterate(w, NULL, NULL, max_iters, rtol, NULL);
}

/* For the spectral-normalisation reparametrisation (lipschitz.c): advance (u, v) in place. */
double wk__spectral_advance(const wk_tensor *w, float *u, float *v, int iters, double *scratch) {
    return power_iterate(w, u, v, iters, 0, scratch);
}
