/* check.c — input checks shared by the feature-space metrics (metrics_internal.h). */
#include "metrics/metrics_internal.h"
#include "wgankit/error.h"

mt_feat mt_feat_of(const wk_tensor *t) {
    mt_feat v = {t ? t->data : NULL, NULL, t && t->ndim == 2 ? t->shape[0] : 0, t && t->ndim == 2 ? t->shape[1] : 0};
    return v;
}

int mt_check_feat(const char *metric, const char *what, const mt_feat *t, int64_t min_n, const char *why, int64_t *d) {
    if (!t || (!t->f && !t->g) || t->d <= 0 || t->n < 0)
        return wk_errorf(WK_EINVAL, "%s: %s features must be [n, d], got nothing", metric, what);
    if (*d > 0 && t->d != *d)
        return wk_errorf(WK_EINVAL, "%s: %s features have %lld dimensions, the other side %lld", metric, what,
                         (long long)t->d, (long long)*d);
    if (t->n < min_n)
        return wk_errorf(WK_EINVAL, "%s: %s needs at least %lld samples (%s), got %lld", metric, what, (long long)min_n,
                         why, (long long)t->n);
    const int64_t numel = t->n * t->d, bad = t->f ? wk_first_nonfinite(t->f, numel) : wk_first_nonfinite_f64(t->g, numel);
    if (bad >= 0)
        return wk_errorf(WK_EINVAL, "%s: %s features: sample %lld, column %lld is not finite", metric, what,
                         (long long)(bad / t->d), (long long)(bad % t->d));
    *d = t->d;
    return WK_OK;
}

int mt_check_features(const char *metric, const char *what, const wk_tensor *t, int64_t min_n, const char *why,
                      int64_t *d) {
    char b[64];
    if (!t || !t->data || t->ndim != 2 || t->shape[1] <= 0)
        return wk_errorf(WK_EINVAL, "%s: %s features must be [n, d], got %s", metric, what,
                         t ? wk_shape_str(t, b, sizeof b) : "nothing");
    mt_feat v = mt_feat_of(t);
    return mt_check_feat(metric, what, &v, min_n, why, d);
}

int mt_views(const char *metric, const wk_tensor *real, const wk_tensor *fake, mt_feat *r, mt_feat *f) {
    int64_t d = 0;
    int rc = mt_check_features(metric, "real", real, 0, "", &d);
    if (!rc) rc = mt_check_features(metric, "fake", fake, 0, "", &d);
    if (!rc) *r = mt_feat_of(real), *f = mt_feat_of(fake);
    return rc;
}
