/* metrics_internal.h — what the feature-space metric files share: input checks (2-D finite
 * float features, equal widths, a minimum row count stated in the message) and the k-NN
 * distance engine of precision/recall/density/coverage (knn_dist.c).
 *
 * Distance engine invariant: md_block gives approximate squared distances (sgemm in float) and
 * md_margin a bound on their error, so a caller that decides every comparison with
 * |approx - threshold| <= margin again by md_exact (double, coordinate differences) gets the
 * same answer as an all-exact computation. */
#ifndef WK_METRICS_INTERNAL_H
#define WK_METRICS_INTERNAL_H

#include <stdint.h>

#include "wgankit/metrics.h"
#include "wgankit/tensor.h"

/* Features [n, d], row-major, as the caller stores them: float32 (f) or float64 (g), exactly one
 * set. Every metric reads them through mt_at in double, so float64 input is never rounded to
 * float32 (data with a large offset keep their spread: finding 3 of the 2026-11-30 tests). */
typedef struct mt_feat {
    const float *f;
    const double *g;
    int64_t n, d;
} mt_feat;
static inline double mt_at(const mt_feat *x, int64_t i) { return x->g ? x->g[i] : (double)x->f[i]; }
/* The view of a tensor (any shape: checked by mt_check_features). */
mt_feat mt_feat_of(const wk_tensor *t);
/* Both tensors checked as [n, d] features of one width (any n), then viewed: the float32 entry
 * points' shared preamble. */
int mt_views(const char *metric, const wk_tensor *real, const wk_tensor *fake, mt_feat *r, mt_feat *f);

/* WK_EINVAL unless t is [n, d] with n >= min_n (message: "<metric>: <what> needs at least
 * min_n samples (<why>), got n") and finite; d must equal *d when *d > 0, else it is set. */
int mt_check_features(const char *metric, const char *what, const wk_tensor *t, int64_t min_n, const char *why,
                      int64_t *d);
int mt_check_feat(const char *metric, const char *what, const mt_feat *t, int64_t min_n, const char *why, int64_t *d);

/* The metrics on views (metrics.h's wk_fd, wk_kid, wk_prdc on tensors call these). */
int mt_fd(const mt_feat *real, const mt_feat *fake, wk_fd_result *out);
int mt_kid(const mt_feat *real, const mt_feat *fake, const wk_kid_options *opt, wk_kid_result *out);
int mt_prdc(const mt_feat *real, const mt_feat *fake, int pr_k, int dc_k, wk_prdc_result *out);
/* IS of class probabilities [n, K] (wk_inception_score on a view). */
int mt_is(const mt_feat *probs, int splits, double *mean, double *std);

typedef struct md_set {
    mt_feat x;      /* [n, d] original coordinates */
    float *xs;      /* [n, d] coordinates times scale (float, for sgemm); owned */
    double *norm2;  /* [n] squared norms of the scaled rows (double) */
    int64_t n;
    int d;
    double *centre; /* [d] mean of both sets (owned by a's set), subtracted before the float rounding */
    double scale;   /* power of two bringing the largest |centred coordinate| of both sets near 1 */
} md_set;

/* Both sets get the same scale, so distances compare across them. */
int md_sets_init(md_set *a, const mt_feat *ta, md_set *b, const mt_feat *tb);
int md_set_init_one(md_set *a, const mt_feat *ta);
void md_set_free(md_set *s);
/* buf[(i - i0) * b->n + j] = approximate squared distance (scaled) of a row i and b row j. */
void md_block(const md_set *a, int64_t i0, int64_t i1, const md_set *b, float *buf);
/* Exact (double) scaled squared distance. */
double md_exact(const md_set *a, int64_t i, const md_set *b, int64_t j);
/* Bound on |md_block value - md_exact| for the pair. */
static inline double md_margin(const md_set *a, int64_t i, const md_set *b, int64_t j) {
    /* sgemm's -2 a.b: |err| <= 2 d u |a||b| <= d u (|a|^2 + |b|^2); the float norms and the
     * final additions add a few u (|a|^2 + |b|^2), the rounding of the centred coordinates to
     * float 2 u (|a|^2 + |b|^2); doubled for safety. The absolute term covers coordinates that
     * became subnormal after scaling. */
    return (4.0 * a->d + 32.0) * 0x1p-24 * (a->norm2[i] + b->norm2[j]) + a->d * 0x1p-120;
}
/* Exact squared radius of the k-th nearest neighbour of every row of s within s (the row itself
 * excluded, duplicates counted): r2[q][i] for each k = ks[q]. Needs s->n > max k. */
int md_knn_radii(const md_set *s, const int *ks, int nk, double **r2);
/* Rows per sgemm block so that one block of approximate distances against `cols` columns stays
 * near 16 MB. */
int64_t md_block_rows(int64_t cols);

#endif
