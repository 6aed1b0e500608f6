/* metrics.h — sample-quality metrics: mode coverage against a synthetic target with known
 * modes, and the feature-space metrics of image generators (FD, KID, IS, improved precision and
 * recall, density and coverage), which work on any [n, d] features, raw coordinates included.
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

/* ---- feature-space metrics ---------------------------------------------------------------
 * Every function takes float32 features [n, d] (rows = samples) and computes in double;
 * wk_metrics_compute_f64 takes float64 features and computes from them unrounded.
 * Too few samples for a metric is WK_EINVAL with the minimum stated in the message.
 *
 * FD (Heusel et al. 2017, FID without the Inception network):
 *   ||mu_r - mu_f||^2 + tr(S_r) + tr(S_f) - 2 tr((S_r S_f)^(1/2)),
 * the trace of the square root from the symmetric PSD matrix S_r^(1/2) S_f S_r^(1/2) (same
 * eigenvalues as S_r S_f), both by LAPACK's dsyevd: stable for singular covariances, where
 * scipy.linalg.sqrtm (pytorch-fid) may return complex or non-finite values. */
typedef struct wk_fd_result {
    double fd;
    double mean_term;  /* ||mu_r - mu_f||^2 */
    double trace_term; /* tr(S_r) + tr(S_f) - 2 tr((S_r S_f)^(1/2)) */
    int dim;
    int64_t n_real, n_fake;
    int rank_real, rank_fake; /* numerical ranks of the covariances */
    int regularised;          /* 1: a covariance was singular (see warning) */
    char warning[448];        /* empty unless regularised */
} wk_fd_result;

/* Needs n >= 2 on each side (a covariance). A singular covariance (rank < d, always so when
 * n <= d) still gives a finite FD: eigenvalues below 0 from rounding are clipped to 0 (the
 * nearest PSD matrix) and out->warning says so; it never returns NaN. */
int wk_fd(const wk_tensor *real, const wk_tensor *fake, wk_fd_result *out);

/* KID (Binkowski et al. 2018): unbiased MMD^2 with the kernel k(x, y) = (x.y / d + 1)^3,
 * averaged over n_subsets random subsets of subset_size rows of each side (drawn without
 * replacement within a subset, as their reference code), std over subsets (ddof 0; NaN for one
 * subset, where the reference's 0 would claim an exact value; JSON null). A subset size equal to
 * both n makes every subset the whole sample: then one subset is computed (n_subsets = 1, std
 * NaN), so training, `eval` and `metrics` never report a spread of rounding noise. */
#define WK_KID_SUBSETS 100
#define WK_KID_SUBSET_SIZE 1000
typedef struct wk_kid_options {
    int n_subsets;       /* 0 = WK_KID_SUBSETS */
    int64_t subset_size; /* 0 = WK_KID_SUBSET_SIZE; needs 2 <= size <= min(n_real, n_fake) */
    uint64_t seed;
} wk_kid_options;
typedef struct wk_kid_result {
    double kid, std;
    int n_subsets;
    int64_t subset_size;
} wk_kid_result;
int wk_kid(const wk_tensor *real, const wk_tensor *fake, const wk_kid_options *opt, wk_kid_result *out);
/* The unbiased MMD^2 of one subset pair: rows ir[0..m) of real against if_[0..m) of fake. */
int wk_kid_mmd2(const wk_tensor *real, const int64_t *ir, const wk_tensor *fake, const int64_t *if_, int64_t m,
                double *out);

/* IS (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))) on each of `splits` consecutive
 * blocks of the rows of probs [n, K] (class probabilities, rows summing to 1), mean and std
 * (ddof 0) over the blocks, as their reference code (NaN for one split). Needs n >= splits; 0 log 0 = 0. */
#define WK_IS_SPLITS 10
int wk_inception_score(const wk_tensor *probs, int splits, double *mean, double *std);

/* Improved precision and recall (Kynkaenniemi et al. 2019) with k = pr_k: the real manifold is
 * the union of balls around each real sample with radius its k-th nearest real neighbour
 * (itself excluded); precision = share of fake samples inside it (distance <= radius), recall =
 * the same with the roles swapped. Density and coverage (Naeem et al. 2020) with k = dc_k:
 * density = (1 / k) mean over fakes of the number of real balls holding it (strict <),
 * coverage = share of real samples whose ball holds a fake. Distances are Euclidean; block
 * products by sgemm, with every comparison closer to its threshold than the product's error
 * bound decided again exactly in double, so ties (duplicated samples) resolve as the
 * definitions say. A k <= 0 skips that pair of metrics. Needs n_real > max(k) and, for
 * recall, n_fake > pr_k. */
#define WK_PR_K 3
#define WK_DC_K 5
typedef struct wk_prdc_result {
    double precision, recall; /* NAN when pr_k <= 0 */
    double density, coverage; /* NAN when dc_k <= 0 */
    int pr_k, dc_k;
} wk_prdc_result;
int wk_prdc(const wk_tensor *real, const wk_tensor *fake, int pr_k, int dc_k, wk_prdc_result *out);

/* ---- a set of metrics on two sample sets (the CLI's `metrics`, `eval --metrics`, training) --- */
enum {
    WK_METRIC_FD = 1 << 0,
    WK_METRIC_KID = 1 << 1,
    WK_METRIC_IS = 1 << 2,
    WK_METRIC_PR = 1 << 3,
    WK_METRIC_DC = 1 << 4,
    WK_METRIC_ALL = 31
};
/* "fd,kid,is,pr,dc" (any subset, any order; "all") -> mask. WK_EINVAL naming a bad item. */
int wk_metric_set_parse(const char *list, unsigned *mask);
/* "fd,kid,..." for a mask, into buf. */
const char *wk_metric_set_str(unsigned mask, char *buf, size_t n);

typedef struct wk_metric_values {
    unsigned mask;          /* what was computed */
    char features[160];     /* "NAME@HASH" of the feature network, or "none" (raw coordinates) */
    int64_t n_real, n_fake;
    wk_fd_result fd;
    wk_kid_result kid;
    double is, is_std;
    wk_prdc_result prdc;
} wk_metric_values;

/* Compute the metrics of `mask` on features (real [n_r, d], fake [n_f, d]) and, for IS, the
 * fake class probabilities (may be NULL when IS is not asked). kid may be NULL (defaults).
 * out->features is copied from `features_id`. */
int wk_metrics_compute(const wk_tensor *real, const wk_tensor *fake, const wk_tensor *fake_probs, unsigned mask,
                       const wk_kid_options *kid, const char *features_id, wk_metric_values *out);
/* The same on float64 features, row-major real [n_real, d_real] and fake [n_fake, d_fake] (FD, KID,
 * precision/recall and density/coverage need d_real = d_fake: WK_EINVAL naming both otherwise): every metric reads
 * the stored doubles (no rounding to float32, so raw coordinates with a large offset, such as
 * metres or timestamps, keep their spread; FD, precision/recall and density/coverage are
 * translation invariant and give the values of the centred data). For IS, fake_probs holds the
 * fake class probabilities in float64, row-major [n_fake, n_classes] (may be NULL when IS is not
 * asked; `metrics --features none` passes the fake rows themselves), read as stored too. */
int wk_metrics_compute_f64(const double *real, int64_t n_real, int64_t d_real, const double *fake, int64_t n_fake,
                           int64_t d_fake, const double *fake_probs, int64_t n_classes, unsigned mask, const wk_kid_options *kid,
                           const char *features_id, wk_metric_values *out);
/* Members "fd", "fd_mean", "fd_trace", "kid", "kid_std", "is", "is_std", "precision", "recall",
 * "density", "coverage" (those computed), then "features", "n_real", "n_fake"; no braces, so a
 * caller can add them to an object of its own (wk_json_key inserts the commas). */
struct wk_strbuf;
void wk_metric_values_json(const wk_metric_values *v, struct wk_strbuf *sb);
/* The members back from a parsed object (a metrics.jsonl line); mask = the metrics found. */
struct wk_json;
void wk_metric_values_from_json(const struct wk_json *o, wk_metric_values *v);

#ifdef __cplusplus
}
#endif
#endif
