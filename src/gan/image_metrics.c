/* image_metrics.c — FD, KID, IS, precision/recall and density/coverage of generated images at
 * every evaluation (cfg.eval_metrics), on the features of a wgankit classifier (classifier.h)
 * against the held-out real images or cfg.eval_real. For point data (2-D targets ...) an explicit
 * list computes FD, KID, PR and DC on the raw coordinates, next to the mode coverage; there too
 * cfg.eval_real, when set, is the real set (read once when the trainer is made, checked: a
 * missing file, NaN or a sample shape other than the run's is an error naming the file). "auto" turns them on for 28x28 grey images
 * when the shipped Fashion-MNIST network is there, and drops a metric whose minimum sample count
 * eval_n does not reach; an explicit list fails loudly instead. The values carry the network's
 * id and both n (metrics.h), so curves from different networks are never mixed unknowingly. */
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/classifier.h"
#include "wgankit/error.h"

int wk__image_metrics(wk_trainer *t, const wk_tensor *fake, const wk_tensor *real, wk_gan_metrics *m) {
    const wk_gan_config *c = &t->cfg;
    int autom = !strcmp(c->eval_metrics, "auto");
    unsigned mask = WK_METRIC_ALL;
    if (!c->eval_metrics[0] || !strcmp(c->eval_metrics, "none")) return WK_OK;
    if (autom) {
        if (!t->is_image || t->ndim != 3 || t->shape[0] != 1 || t->shape[1] != 28 || t->shape[2] != 28) return WK_OK;
    } else if (wk_metric_set_parse(c->eval_metrics, &mask)) {
        return wk_error_context(WK_EINVAL, "eval_metrics");
    } else if (!t->is_image) { /* points (2-D targets ...): the raw coordinates are the features */
        if (mask & WK_METRIC_IS)
            return wk_errorf(WK_EINVAL, "eval_metrics=%s: IS needs a classifier's probabilities; data=%s is points (use fd,kid,pr,dc)",
                             c->eval_metrics, c->data);
        if (t->eval_real.data) real = &t->eval_real;
        wk_tensor a = *fake, b = *real;
        wk_tensor_set_shape(&a, 2, (int64_t[]){fake->shape[0], t->dim});
        wk_tensor_set_shape(&b, 2, (int64_t[]){real->shape[0], t->dim});
        int64_t n = a.shape[0] < b.shape[0] ? a.shape[0] : b.shape[0];
        wk_kid_options ko = {.subset_size = n < WK_KID_SUBSET_SIZE ? n : WK_KID_SUBSET_SIZE, .seed = c->seed};
        int rc = wk_metrics_compute(&b, &a, NULL, mask, &ko, "none", &m->image);
        return rc ? wk_error_context(rc, "eval_metrics=%s", c->eval_metrics) : WK_OK;
    }
    const char *path = c->eval_features[0] ? c->eval_features : wk_classifier_default_path();
    wk_classifier net;
    int rc = wk_classifier_load(path, &net);
    if (rc && autom && !c->eval_features[0]) { /* no shipped network in this build: nothing to do */
        wk_clear_error();
        return WK_OK;
    }
    if (rc) return wk_error_context(rc, "eval_features");
    wk_tensor fr = {0}, ff = {0}, probs = {0};
    if (t->eval_real.data) real = &t->eval_real;
    int64_t n = real->shape[0] < fake->shape[0] ? real->shape[0] : fake->shape[0];
    if (autom) { /* what eval_n allows */
        if (fake->shape[0] < WK_IS_SPLITS) mask &= ~(unsigned)WK_METRIC_IS;
        if (n <= WK_DC_K) mask &= ~(unsigned)(WK_METRIC_PR | WK_METRIC_DC);
        if (n < 2) mask &= ~(unsigned)(WK_METRIC_FD | WK_METRIC_KID);
    }
    /* One pixel range for the generated images and the held-out ones: both are in the run's units,
     * [-1, 1] when the run scaled its data (bytes, min-max), else the data's own values, decided
     * once on the held-out images (never guessed for each side, nor from a generator's output);
     * an --eval-real file is a file like `metrics --real`, its range detected on its values. */
    wk_pixel_range run_range = WK_PIXELS_PM1, real_range;
    if (!t->ds.scale.n || wk_data_scale_is_identity(&t->ds.scale))
        rc = wk_pixel_range_detect(&t->ds.holdout, c->data, "train with scale=minmax, or store the images as 0..255 or [-1, 1]", &run_range);
    real_range = t->eval_real.data ? WK_PIXELS_AUTO : run_range;
    if (!rc) rc = wk_classifier_embed(&net, real, real_range, c->eval_real[0] ? c->eval_real : "held-out images", &fr, NULL);
    if (!rc) rc = wk_classifier_embed(&net, fake, run_range, "generated images", &ff, mask & WK_METRIC_IS ? &probs : NULL);
    if (!rc && mask) {
        char id[200];
        wk_kid_options ko = {.subset_size = n < WK_KID_SUBSET_SIZE ? n : WK_KID_SUBSET_SIZE, .seed = c->seed};
        rc = wk_metrics_compute(&fr, &ff, probs.data ? &probs : NULL, mask, &ko, wk_classifier_id(&net, id, sizeof id), &m->image);
    }
    if (rc) wk_error_context(rc, "image metrics (eval_metrics=%s)", c->eval_metrics);
    wk_tensor_free(&fr), wk_tensor_free(&ff), wk_tensor_free(&probs);
    wk_classifier_free(&net);
    return rc;
}

int wk__eval_real_load(wk_trainer *t) {
    const char *path = t->cfg.eval_real, *m = t->cfg.eval_metrics;
    /* a feature network given for point data would be silently unused (the raw coordinates are
     * the features there), like --eval-real once was */
    if (!t->is_image && t->cfg.eval_features[0] && strcmp(t->cfg.eval_features, "none") && m[0] && strcmp(m, "none"))
        return wk_errorf(WK_EINVAL, "eval_features=%s: data=%s is points, whose metrics use the raw coordinates (no feature network)",
                         t->cfg.eval_features, t->cfg.data);
    if (!path[0]) return WK_OK;
    wk_tensor x;
    int rc = wk_read_samples(path, &x);
    if (rc == WK_ENUMERIC) rc = WK_EFORMAT; /* a NaN in the file is bad input (exit 2), not a runtime fault */
    if (rc) return wk_error_context(rc, "eval_real");
    int64_t per = x.shape[0] ? x.numel / x.shape[0] : 0;
    int same = t->is_image ? x.ndim == t->ndim + 1 && !memcmp(x.shape + 1, t->shape, (size_t)t->ndim * sizeof(int64_t))
                           : per == t->dim;
    if (!same || x.shape[0] < 2) {
        char have[64];
        wk_shape_str(&x, have, sizeof have);
        rc = x.shape[0] < 2 && same ? wk_errorf(WK_EFORMAT, "eval_real=%s: %lld rows; the metrics need at least 2", path, (long long)x.shape[0])
                                    : wk_errorf(WK_EFORMAT, "eval_real=%s: samples shaped %s do not match the run's samples (%s)", path, have, t->cfg.sample_shape);
        wk_tensor_free(&x);
        return rc;
    }
    t->eval_real = x;
    return WK_OK;
}
