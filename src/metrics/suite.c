/* suite.c — a chosen set of the feature-space metrics on two sample sets, and its JSON members:
 * what `wgankit metrics`, `wgankit eval --metrics` and training evaluations share. Every value
 * travels with the feature network's id and both n, so values from different networks or
 * sample sizes are never silently compared (FD and KID are biased in n). float64 features (raw
 * coordinates read in float64: `metrics --features none`) and float64 class probabilities (IS
 * of raw softmax rows) are computed from their stored values, never rounded to float32. */
#include <stdio.h>
#include <string.h>

#include "metrics/metrics_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/metrics.h"
#include "wgankit/strbuf.h"

static const struct {
    const char *name;
    unsigned bit;
} names[] = {{"fd", WK_METRIC_FD}, {"kid", WK_METRIC_KID}, {"is", WK_METRIC_IS}, {"pr", WK_METRIC_PR}, {"dc", WK_METRIC_DC}};

int wk_metric_set_parse(const char *list, unsigned *mask) {
    *mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        if (n == 3 && !strncmp(p, "all", 3)) bit = WK_METRIC_ALL;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == n && !strncmp(p, names[i].name, n)) bit = names[i].bit;
        if (!bit) return wk_errorf(WK_EINVAL, "metric '%.*s' unknown (want fd, kid, is, pr, dc or all)", (int)n, p);
        *mask |= bit;
        p += n;
        if (*p == ',') p++;
    }
    if (!*mask) return wk_errorf(WK_EINVAL, "no metric named (want fd, kid, is, pr, dc or all)");
    return WK_OK;
}

const char *wk_metric_set_str(unsigned mask, char *buf, size_t n) {
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mask & names[i].bit) len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? "," : "", names[i].name);
    return buf;
}

/* The set on views: float32 tensors or float64 arrays alike (metrics_internal.h). */
static int compute(const mt_feat *real, const mt_feat *fake, const mt_feat *fake_probs, unsigned mask,
                   const wk_kid_options *kid, const char *features_id, wk_metric_values *out) {
    memset(out, 0, sizeof *out);
    snprintf(out->features, sizeof out->features, "%s", features_id ? features_id : "none");
    out->n_real = real->n;
    out->n_fake = fake->n;
    int rc = WK_OK;
    if (mask & WK_METRIC_FD) rc = mt_fd(real, fake, &out->fd);
    if (!rc && (mask & WK_METRIC_KID)) rc = mt_kid(real, fake, kid, &out->kid);
    if (!rc && (mask & WK_METRIC_IS)) {
        if (!fake_probs) rc = wk_errorf(WK_EINVAL, "IS needs class probabilities (a feature network's softmax)");
        else rc = mt_is(fake_probs, WK_IS_SPLITS, &out->is, &out->is_std);
    }
    if (!rc && (mask & (WK_METRIC_PR | WK_METRIC_DC)))
        rc = mt_prdc(real, fake, mask & WK_METRIC_PR ? WK_PR_K : 0, mask & WK_METRIC_DC ? WK_DC_K : 0, &out->prdc);
    if (!rc) out->mask = mask;
    return rc;
}

int wk_metrics_compute(const wk_tensor *real, const wk_tensor *fake, const wk_tensor *fake_probs, unsigned mask,
                       const wk_kid_options *kid, const char *features_id, wk_metric_values *out) {
    memset(out, 0, sizeof *out);
    mt_feat r, f, p = mt_feat_of(fake_probs);
    int64_t k = 0;
    int rc = mt_views("metrics", real, fake, &r, &f);
    if (!rc && fake_probs && (mask & WK_METRIC_IS)) rc = mt_check_features("IS", "the generated set", fake_probs, 0, "", &k);
    return rc ? rc : compute(&r, &f, fake_probs ? &p : NULL, mask, kid, features_id, out);
}

int wk_metrics_compute_f64(const double *real, int64_t n_real, int64_t d_real, const double *fake, int64_t n_fake,
                           int64_t d_fake, const double *fake_probs, int64_t n_classes, unsigned mask,
                           const wk_kid_options *kid, const char *features_id, wk_metric_values *out) {
    /* the float32 path's mt_views makes the same check: rows of another width would be read
     * with this one's (past the end of the shorter side) */
    if ((mask & (WK_METRIC_FD | WK_METRIC_KID | WK_METRIC_PR | WK_METRIC_DC)) && d_real != d_fake)
        return wk_errorf(WK_EINVAL, "metrics: the real features have %lld columns and the fake %lld: FD, KID, "
                                    "precision/recall and density/coverage compare rows of one width",
                         (long long)d_real, (long long)d_fake);
    mt_feat r = {NULL, real, n_real, d_real}, f = {NULL, fake, n_fake, d_fake}, p = {NULL, fake_probs, n_fake, n_classes};
    return compute(&r, &f, fake_probs ? &p : NULL, mask, kid, features_id, out);
}

/* The JSON members and where each lives in wk_metric_values (one table for writing and reading). */
typedef struct {
    unsigned bit;
    const char *key;
    double *val;
} member;

#define N_MEMBERS 11
static int members(wk_metric_values *v, member f[N_MEMBERS]) {
    member t[] = {{WK_METRIC_FD, "fd", &v->fd.fd},
                  {WK_METRIC_FD, "fd_mean", &v->fd.mean_term},
                  {WK_METRIC_FD, "fd_trace", &v->fd.trace_term},
                  {WK_METRIC_KID, "kid", &v->kid.kid},
                  {WK_METRIC_KID, "kid_std", &v->kid.std},
                  {WK_METRIC_IS, "is", &v->is},
                  {WK_METRIC_IS, "is_std", &v->is_std},
                  {WK_METRIC_PR, "precision", &v->prdc.precision},
                  {WK_METRIC_PR, "recall", &v->prdc.recall},
                  {WK_METRIC_DC, "density", &v->prdc.density},
                  {WK_METRIC_DC, "coverage", &v->prdc.coverage}};
    _Static_assert(sizeof t / sizeof t[0] == N_MEMBERS, "member table size");
    memcpy(f, t, sizeof t);
    return (int)(sizeof t / sizeof t[0]);
}

void wk_metric_values_from_json(const wk_json *o, wk_metric_values *v) {
    memset(v, 0, sizeof *v);
    member f[N_MEMBERS];
    int n = members(v, f);
    for (int i = 0; i < n; i++) {
        /* a value JSON cannot hold was written null with its reason (wk_json_logged_double): it
         * is read back (NaN, ±Inf) and stays logged, not dropped from a resumed run's log */
        const wk_json *x = wk_json_get(o, f[i].key);
        if (x && (x->type == WK_JSON_NUMBER || x->type == WK_JSON_NULL)) *f[i].val = wk_json_logged(o, f[i].key), v->mask |= f[i].bit;
    }
    const wk_json *s = wk_json_get(o, "features");
    if (s && s->type == WK_JSON_STRING) snprintf(v->features, sizeof v->features, "%s", s->string);
    const wk_json *a = wk_json_get(o, "n_real"), *b = wk_json_get(o, "n_fake");
    if (a && a->type == WK_JSON_NUMBER) v->n_real = (int64_t)a->number;
    if (b && b->type == WK_JSON_NUMBER) v->n_fake = (int64_t)b->number;
}

void wk_metric_values_json(const wk_metric_values *v, wk_strbuf *sb) {
    member f[N_MEMBERS];
    int n = members((wk_metric_values *)v, f);
    for (int i = 0; i < n; i++)
        if (v->mask & f[i].bit) wk_json_logged_double(sb, f[i].key, *f[i].val, NULL);
    wk_json_key(sb, "features");
    wk_json_string(sb, v->features);
    wk_json_key(sb, "n_real");
    wk_json_int(sb, v->n_real);
    wk_json_key(sb, "n_fake");
    wk_json_int(sb, v->n_fake);
}
