/* metrics.h — sample-quality metrics against a synthetic target with known modes.
 *
 * Mode coverage, the protocol of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018):
 *   - a sample is "high quality" when it lies within 3 sigma (Euclidean distance) of its
 *     nearest mode centre, sigma being that mode's std;
 *   - a mode is "covered" when at least `threshold` high-quality samples are nearest to it.
 * PacGAN counts a grid mode as covered with >= 20 of 2,500 samples; for other sample sizes we
 * keep that fraction: threshold = max(1, ceil(n * 20 / 2500)) unless the caller gives a
 * fraction of its own. */
#ifndef WGANKIT_METRICS_H
#define WGANKIT_METRICS_H

#include <stdint.h>

#include "wgankit/data.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WK_COVERAGE_DEFAULT_FRACTION (20.0 / 2500.0)

typedef struct wk_mode_coverage {
    int n_modes;
    int modes_covered;
    int64_t n_samples;
    int64_t n_high_quality;
    double high_quality_pct; /* 100 * n_high_quality / n_samples */
    int64_t threshold;       /* high-quality samples a mode needs to count as covered */
    int64_t *per_mode;       /* [n_modes] high-quality samples nearest each mode */
} wk_mode_coverage;

/* Score `samples` ([n, target->dim]) against target's modes. threshold_fraction <= 0 means
 * WK_COVERAGE_DEFAULT_FRACTION. WK_EINVAL when the target has no modes or the shape is wrong.
 * Free with wk_mode_coverage_free. */
int wk_mode_coverage_compute(const wk_target *target, const wk_tensor *samples, double threshold_fraction,
                             wk_mode_coverage *out);
void wk_mode_coverage_free(wk_mode_coverage *c);

#ifdef __cplusplus
}
#endif
#endif
