/* check.c — input checks shared by the feature-space metrics (metrics_internal.h). */
#include "metrics/metrics_internal.h"
#include "wgankit/error.h"

int mt_check_features(const char *metric, const char *what, const wk_tensor *t, int64_t min_n, const char *why,
                      int64_t *d) {
    char b[64];
    if (!t || !t->data || t->ndim != 2 || t->shape[1] <= 0)
        return wk_errorf(WK_EINVAL, "%s: %s features must be [n, d], got %s", metric, what,
                         t ? wk_shape_str(t, b, sizeof b) : "nothing");
    if (*d > 0 && t->shape[1] != *d)
        return wk_errorf(WK_EINVAL, "%s: %s features have %lld dimensions, the other side %lld", metric, what,
                         (long long)t->shape[1], (long long)*d);
    if (t->shape[0] < min_n)
        return wk_errorf(WK_EINVAL, "%s: %s needs at least %lld samples (%s), got %lld", metric, what, (long long)min_n,
                         why, (long long)t->shape[0]);
    int64_t bad = wk_first_nonfinite(t->data, t->numel);
    if (bad >= 0)
        return wk_errorf(WK_EINVAL, "%s: %s features: sample %lld, column %lld is not finite", metric, what,
                         (long long)(bad / t->shape[1]), (long long)(bad % t->shape[1]));
    *d = t->shape[1];
    return WK_OK;
}
