/* inception_score.c — IS (Salimans et al. 2016, sec. 4): exp(E_x KL(p(y|x) || p(y))) with
 * p(y) the mean of p(y|x) over the split, on `splits` consecutive blocks of rows
 * [i n / splits, (i + 1) n / splits) as in their reference code (no shuffling), reported as
 * mean and std (ddof 0) over the blocks. 0 log 0 is taken as 0 (the limit). The probabilities are
 * read through a view (metrics_internal.h) in double: float64 rows (`metrics --features none`
 * on a float64 file) are used as stored, never rounded to float32 (FINDINGS 2026-11-30, 3). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/metrics_internal.h"
#include "wgankit/error.h"
#include "wgankit/metrics.h"

int wk_inception_score(const wk_tensor *probs, int splits, double *mean, double *std) {
    int64_t k = 0;
    int rc = mt_check_features("IS", "the generated set", probs, 0, "", &k);
    if (rc) return rc;
    mt_feat v = mt_feat_of(probs);
    return mt_is(&v, splits, mean, std);
}

int mt_is(const mt_feat *probs, int splits, double *mean, double *std) {
    if (splits <= 0) splits = WK_IS_SPLITS;
    int64_t k = 0;
    char why[64];
    snprintf(why, sizeof why, "one per split, %d splits", splits);
    int rc = mt_check_feat("IS", "the generated set", probs, splits, why, &k);
    if (rc) return rc;
    int64_t n = probs->n;
    const mt_feat *p = probs;
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t c = 0; c < k; c++) {
            if (mt_at(p, i * k + c) < 0)
                return wk_errorf(WK_EINVAL, "IS: row %lld has a negative probability (IS needs class probabilities)", (long long)i);
            s += mt_at(p, i * k + c);
        }
        if (fabs(s - 1) > 1e-3)
            return wk_errorf(WK_EINVAL, "IS: row %lld sums to %g, not 1 (IS needs class probabilities, e.g. a softmax)",
                             (long long)i, s);
    }
    double *py = wk_malloc((size_t)k * sizeof(double)), *scores = wk_malloc((size_t)splits * sizeof(double));
    if (!py || !scores) {
        wk_free(py), wk_free(scores);
        return wk_errorf(WK_ENOMEM, "IS: out of memory");
    }
    double total = 0;
    for (int s = 0; s < splits; s++) {
        int64_t i0 = s * n / splits, i1 = (s + 1) * n / splits;
        memset(py, 0, (size_t)k * sizeof(double));
        for (int64_t i = i0; i < i1; i++)
            for (int64_t c = 0; c < k; c++) py[c] += mt_at(p, i * k + c);
        for (int64_t c = 0; c < k; c++) py[c] /= (double)(i1 - i0);
        double kl = 0;
        for (int64_t i = i0; i < i1; i++)
            for (int64_t c = 0; c < k; c++) {
                double q = mt_at(p, i * k + c);
                if (q > 0) kl += q * (log(q) - log(py[c]));
            }
        scores[s] = exp(kl / (double)(i1 - i0));
        total += scores[s];
    }
    double m = total / splits, var = 0;
    for (int s = 0; s < splits; s++) var += (scores[s] - m) * (scores[s] - m);
    *mean = m;
    *std = splits > 1 ? sqrt(var / splits) : NAN; /* one split: no spread to measure (not 0) */
    wk_free(py), wk_free(scores);
    return WK_OK;
}
