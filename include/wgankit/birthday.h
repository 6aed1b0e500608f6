/* birthday.h — the birthday-paradox test of a distribution's support size (Arora & Zhang 2018):
 * if batches of S samples from a distribution of support N (uniform) hold a duplicate pair with
 * probability q, then q ≈ 1 − exp(−S(S−1)/(2N)), so N ≈ S(S−1) / (2 ln(1/(1−q))) (about S²/(2 ln
 * 1/(1−q)) for large S). "Duplicate" means a pair closer than a threshold: given, or a quantile
 * of the closest-pair distances of real data at the same S. The closest pairs of each batch are
 * exact nearest pairs computed through the OT module's cost engine (one sgemm pass with a
 * certified error bound, then the candidates recomputed exactly in double). */
#ifndef WGANKIT_BIRTHDAY_H
#define WGANKIT_BIRTHDAY_H

#include <stdint.h>

#include "wgankit/source.h"
#include "wgankit/strbuf.h"
#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_pair {
    int64_t i, j; /* i < j, rows of the batch */
    double dist;  /* exact Euclidean distance (double, from the float coordinates, or the float64 ones when given) */
} wk_pair;

/* The k closest pairs (i < j) of the n rows of x [n, ...] (n >= 2), ascending by distance,
 * into out[min(k, n(n−1)/2)]; *n_out gets the count. Exact: every approximate distance is
 * compared through its certified error bound and the candidates recomputed in double. */
int wk_closest_pairs(const wk_tensor *x, int k, wk_pair *out, int *n_out);
/* The same on x64 (non-NULL: the rows of x in float64, [n * dim]): every distance, approximate and
 * exact, from the float64 values (x gives the shape only), so pairs float32 would merge stay apart. */
int wk_closest_pairs_f64(const wk_tensor *x, const double *x64, int k, wk_pair *out, int *n_out);

/* Support estimate from `hits` of `trials` batches of S samples holding a duplicate, with the
 * Wilson score interval of q at `confidence` (e.g. 0.95) mapped through the same formula (a
 * larger q means a smaller support). q = 0 gives est = ci_high = +inf; q = 1 (a duplicate in every
 * batch) leaves est and ci_low undefined (NaN): only ci_high is an answer. */
void wk_support_estimate(int64_t S, int hits, int trials, double confidence, double *est, double *ci_low, double *ci_high);

typedef struct wk_birthday_config {
    int64_t batch;     /* S >= 2 */
    int trials;        /* K >= 1 (default 100) */
    double threshold;  /* duplicate when closest distance <= threshold; < 0: from the reference */
    double quantile;   /* reference closest-pair distances' quantile used as threshold (default 0.05) */
    int n_pairs;       /* closest pairs kept from the first batch for the picture (default 20) */
    double confidence; /* default 0.95 */
    uint64_t seed;     /* default 1 */
    const char *arg_prefix; /* messages name the settings as "<prefix>batch": "--" (default) for the CLI's
                             * flags, "" for the Python arguments of the same name */
} wk_birthday_config;

void wk_birthday_config_default(wk_birthday_config *c);

/* Maps a batch [n, ...] into the space where distances are measured (NULL: the input space). */
typedef int (*wk_embed_fn)(void *ctx, const wk_tensor *x, wk_tensor *out);

typedef struct wk_birthday_result {
    int64_t batch;
    int trials, duplicates;
    double threshold, duplicate_fraction, support_estimate, ci_low, ci_high;
    double confidence;    /* the level of [ci_low, ci_high] (the config's) */
    double *closest;      /* [trials] closest-pair distance of each batch (free with wk_birthday_result_free) */
    double *ref_closest;  /* [trials] of the reference when the threshold came from one, else NULL */
    wk_tensor first;      /* the first batch (input space), for the picture */
    wk_pair pairs[64];    /* its closest pairs */
    int n_pairs;
} wk_birthday_result;

/* K batches of S samples of src (files: distinct rows), closest pairs in the embedding, the
 * threshold (given, or the quantile of the same statistic on `reference`, which must then be
 * non-NULL), the duplicate fraction and the support estimate. */
int wk_birthday_run(const wk_birthday_config *c, wk_source *src, wk_source *reference, wk_embed_fn embed, void *embed_ctx,
                    wk_birthday_result *out);
void wk_birthday_result_free(wk_birthday_result *r);
/* dir/pairs.png (image pairs side by side; or for 2-D points the batch with each pair circled, plus
 * pairs_zoom.png, one zoomed panel per pair; none for
 * other shapes), pairs.csv, closest.csv, closest.png/.svg (the distribution of the closest-pair
 * distance as an empirical CDF, threshold marked), birthday.json. */
int wk_birthday_write(const wk_birthday_config *c, const wk_birthday_result *r, const char *dir);
/* {"support_estimate", "ci_low", "ci_high", "duplicate_fraction", "batch", "trials", "threshold", "duplicates"}
 * (null for an infinite bound). */
void wk_birthday_result_to_json(const wk_birthday_result *r, wk_strbuf *sb);

/* The critic of a run as a feature map: every layer but the last (the hidden features the
 * critic's final linear score reads). ctx is a wk_trainer *. */
int wk_critic_features(void *trainer, const wk_tensor *x, wk_tensor *out);

#ifdef __cplusplus
}
#endif
#endif
