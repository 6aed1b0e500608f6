/* modes.c — mode coverage and high-quality sample rate (VEEGAN / PacGAN protocol; see
 * metrics.h for the definition and the threshold scaling). */
#include "wgankit/metrics.h"
#include "wgankit/error.h"

#include <math.h>
#include <string.h>

void wk_mode_coverage_free(wk_mode_coverage *c) {
    wk_free(c->per_mode);
    memset(c, 0, sizeof *c);
}

int wk_mode_coverage_compute(const wk_target *t, const wk_tensor *x, double fraction, wk_mode_coverage *out) {
    memset(out, 0, sizeof *out);
    if (t->n_modes <= 0)
        return wk_errorf(WK_EINVAL, "mode coverage: target '%s' has no modes", wk_target_kind_name(t->spec.kind));
    if (x->ndim != 2 || x->shape[1] != t->dim || x->shape[0] <= 0) {
        char b[64];
        return wk_errorf(WK_EINVAL, "mode coverage: samples %s are not [n > 0, %d]", wk_shape_str(x, b, sizeof b), t->dim);
    }
    if (fraction <= 0) fraction = WK_COVERAGE_DEFAULT_FRACTION;
    int64_t n = x->shape[0];
    int dim = t->dim;
    out->per_mode = wk_calloc((size_t)t->n_modes, sizeof *out->per_mode);
    if (!out->per_mode) return wk_errorf(WK_ENOMEM, "mode coverage: out of memory");
    out->n_modes = t->n_modes;
    out->n_samples = n;
    out->threshold = (int64_t)ceil(n * fraction - 1e-9);
    if (out->threshold < 1) out->threshold = 1;
    for (int64_t i = 0; i < n; i++) {
        const float *p = x->data + i * dim;
        int best = 0;
        double best_d2 = INFINITY;
        for (int m = 0; m < t->n_modes; m++) {
            const double *c = t->centres + (size_t)m * dim;
            double d2 = 0;
            for (int d = 0; d < dim; d++) d2 += (p[d] - c[d]) * (p[d] - c[d]);
            if (d2 < best_d2) {
                best_d2 = d2;
                best = m;
            }
        }
        double r = 3 * t->sigmas[best];
        if (best_d2 <= r * r) { /* NaN samples fail this test: they are never high quality */
            out->per_mode[best]++;
            out->n_high_quality++;
        }
    }
    for (int m = 0; m < t->n_modes; m++) out->modes_covered += out->per_mode[m] >= out->threshold;
    out->high_quality_pct = 100.0 * (double)out->n_high_quality / (double)n;
    return WK_OK;
}
