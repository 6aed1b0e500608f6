/* w1_sliced.c — sliced Wasserstein (Rabin et al. 2011; Bonneel et al. 2015): the average
 * over random unit directions θ of the exact 1-D transport cost between the projected clouds
 * <θ, x> — W1 for the Euclidean cost, W2^2 (1-D cost |s - t|^2) for the squared one, as POT's
 * sliced_wasserstein_distance(p = 2) squared; the Minkowski cost has no sliced form and is refused.
 * Directions are Gaussian vectors normalised, drawn from wk_rng seeded by opt->seed, so a seed
 * gives the same value on every run. Since |<θ, x - y>| <= |x - y|, every slice is <= the exact
 * cost (W1, or W2^2). */
#include <math.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"

static int sliced(const ot_input *a, const double *wa, const ot_input *b, const double *wb, int projections,
                  const wk_ot_options *opt_in, wk_ot_result *res) {
    if (!res) return wk_errorf(WK_EINVAL, "wk_w1_sliced: NULL result");
    memset(res, 0, sizeof *res);
    if (projections < 1) return wk_errorf(WK_EINVAL, "wk_w1_sliced: %d projections (need >= 1)", projections);
    wk_ot_options opt;
    if (opt_in) opt = *opt_in;
    else wk_ot_options_default(&opt);
    if (opt.cost == WK_COST_MINKOWSKI)
        return wk_errorf(WK_EUNSUPPORTED, "wk_w1_sliced: the Minkowski cost has no sliced form (euclidean or sqeuclidean)");
    /* the 1-D cost |s - t|^p of each slice: W1 for euclidean, W2^2 for sqeuclidean */
    const double p = opt.cost == WK_COST_SQEUCLIDEAN ? 2 : 1;
    ot_cloud A, B;
    int rc = ot_prepare(&A, &B, a, wa, b, wb, &opt);
    if (rc) return rc;
    const int d = A.dim;
    const int64_t n = A.n, m = B.n;
    double *dirs = wk_malloc((size_t)projections * (size_t)d * sizeof(double));
    double *vals = wk_malloc((size_t)projections * sizeof(double));
    if (!dirs || !vals) {
        rc = WK_ENOMEM;
        goto done;
    }
    wk_rng rng;
    wk_rng_seed(&rng, opt.seed);
    for (int k = 0; k < projections; k++) {
        double norm = 0, *t = dirs + (int64_t)k * d;
        do {
            norm = 0;
            for (int c = 0; c < d; c++) {
                t[c] = wk_rng_normal_d(&rng);
                norm += t[c] * t[c];
            }
        } while (norm == 0);
        norm = sqrt(norm);
        for (int c = 0; c < d; c++) t[c] /= norm;
    }
    int failed = 0;
#pragma omp parallel
    {
        double *px = wk_malloc((size_t)(n + m) * sizeof(double));
        if (!px) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic)
        for (int k = 0; k < projections; k++) {
            if (!px) continue;
            const double *t = dirs + (int64_t)k * d;
            for (int64_t i = 0; i < n; i++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += t[c] * A.x[i * d + c];
                px[i] = s;
            }
            for (int64_t j = 0; j < m; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += t[c] * B.x[j * d + c];
                px[n + j] = s;
            }
            if (wk_wp_1d_f64(px, A.w, n, px + n, B.w, m, p, &vals[k]) != WK_OK) {
#pragma omp atomic write
                failed = 1;
            }
        }
        wk_free(px);
    }
    if (failed) {
        rc = WK_ENOMEM;
        goto done;
    }
    double mean = 0, var = 0, big = 0;
    for (int k = 0; k < projections; k++) mean += vals[k];
    mean /= projections;
    /* the deviations in units of the largest one (a power of two: exact), so their squares
     * neither overflow (values of 1e200, sqeuclidean at coordinates of 1e100) nor underflow
     * (1e-281): the error scales exactly like the value */
    for (int k = 0; k < projections; k++) big = fmax(big, fabs(vals[k] - mean));
    const int ex = big > 0 ? ilogb(big) : 0;
    for (int k = 0; k < projections; k++) {
        const double t = ldexp(vals[k] - mean, -ex);
        var += t * t;
    }
    /* sample variance over the directions (divisor K - 1): one direction gives no estimate of the
     * spread, so its standard error is undefined (NaN), not 0 (which would claim an exact value) */
    res->value = mean;
    res->std_error = projections > 1 ? ldexp(sqrt(var / (projections - 1) / projections), ex) : NAN;
    res->iterations = projections;
done:
    wk_free(dirs);
    wk_free(vals);
    ot_cloud_free(&A);
    ot_cloud_free(&B);
    return rc;
}

/* Tiny float64 clouds at 2^k times their size (ot_rescale.c), value and error scaled back. */
static int sliced_entry(const ot_input *a, const double *wa, const ot_input *b, const double *wb, int projections,
                        const wk_ot_options *opt, wk_ot_result *res) {
    ot_rescale sc;
    int rc = ot_rescale_init(&sc, a, b);
    if (rc) return wk_error_context(rc, "wk_w1_sliced");
    rc = sliced(&sc.a, wa, &sc.b, wb, projections, opt, res);
    ot_rescale_free(&sc);
    if (rc == WK_OK) ot_rescale_result(&sc, opt ? opt->cost : WK_COST_EUCLIDEAN, res, a->n, b->n);
    return rc;
}

int wk_w1_sliced(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb, int projections,
                 const wk_ot_options *opt, wk_ot_result *res) {
    const ot_input ia = ot_input_tensor(a), ib = ot_input_tensor(b);
    return sliced(&ia, wa, &ib, wb, projections, opt, res);
}

int wk_w1_sliced_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                     int64_t d, int projections, const wk_ot_options *opt, wk_ot_result *res) {
    const ot_input ia = ot_input_f64(a, n, d), ib = ot_input_f64(b, m, d);
    return sliced_entry(&ia, wa, &ib, wb, projections, opt, res);
}
