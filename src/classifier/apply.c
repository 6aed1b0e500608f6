/* apply.c — running the feature network on images in batches (eval mode, frozen weights):
 * features of the body (before its final ReLU), softmax of the head, accuracy; and the input checks that go with it
 * (sample shape against the network's, pixel range to [-1, 1]). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wgankit/classifier.h"
#include "wgankit/error.h"

#define APPLY_BATCH 500

int wk_pixel_range_parse(const char *s, wk_pixel_range *out) {
    static const char *names[] = {"auto", "u8", "01", "pm1"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) return *out = (wk_pixel_range)i, WK_OK;
    return wk_errorf(WK_EINVAL, "pixel range '%s': want auto, u8 (0..255), 01 ([0, 1]) or pm1 ([-1, 1])", s);
}

/* min, max and whether every value is an integer */
static void value_range(const wk_tensor *t, float *lo_, float *hi_, int *integral_) {
    float lo = INFINITY, hi = -INFINITY;
    int integral = 1;
    for (int64_t i = 0; i < t->numel; i++) {
        float v = t->data[i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        integral &= v == floorf(v);
    }
    *lo_ = lo, *hi_ = hi, *integral_ = integral;
}

/* The range of values lo..hi (integral: all integers) as wk_pixel_range_detect decides it. */
static int decide(float lo, float hi, int integral, const char *what, const char *how, wk_pixel_range *out) {
    if (integral && lo >= 0 && hi <= 255 && hi > 1) *out = WK_PIXELS_U8;
    else if (lo >= -1 && lo < 0 && hi <= 1) *out = WK_PIXELS_PM1;
    else if (lo >= 0 && hi <= 1) /* [0, 1] images (ToTensor, a sigmoid) and [-1, 1] ones that never go below 0 look alike */
        return wk_errorf(WK_EINVAL, "%s: pixel values in [%g, %g] lie in both [0, 1] and [-1, 1]; say which (%s)",
                         what, lo, hi, how);
    else
        return wk_errorf(WK_EINVAL, "%s: pixel values in [%g, %g] are neither 0..255 integers nor in [-1, 1]; say which range they are in (%s)",
                         what, lo, hi, how);
    return WK_OK;
}

int wk_pixel_range_detect(const wk_tensor *t, const char *what, const char *how, wk_pixel_range *out) {
    float lo, hi;
    int integral;
    value_range(t, &lo, &hi, &integral);
    return decide(lo, hi, integral, what, how, out);
}

int wk_images_to_unit_range(wk_tensor *t, wk_pixel_range range, const char *what) {
    float lo, hi;
    int integral;
    value_range(t, &lo, &hi, &integral);
    if (range == WK_PIXELS_AUTO) {
        int rc = decide(lo, hi, integral, what, "the range: u8, 01 or pm1", &range); /* the range just scanned */
        if (rc) return rc;
    }
    double mul = 1, add = 0, want_lo = -1, want_hi = 1;
    if (range == WK_PIXELS_U8) mul = 1 / 127.5, add = -1, want_lo = 0, want_hi = 255;
    if (range == WK_PIXELS_01) mul = 2, add = -1, want_lo = 0, want_hi = 1;
    if (t->numel && (lo < want_lo || hi > want_hi))
        return wk_errorf(WK_EINVAL, "%s: pixel values in [%g, %g] lie outside the range given, [%g, %g]", what, lo, hi, want_lo,
                         want_hi);
    if (mul != 1 || add != 0)
        for (int64_t i = 0; i < t->numel; i++) t->data[i] = (float)(t->data[i] * mul + add);
    return WK_OK;
}

/* Accept [N, C, H, W] or [N, C*H*W] matching the network; else name both shapes. */
static int check_input(const wk_classifier *c, const wk_tensor *x) {
    int64_t row = (int64_t)c->channels * c->height * c->width;
    int ok = (x->ndim == 4 && x->shape[1] == c->channels && x->shape[2] == c->height && x->shape[3] == c->width) ||
             (x->ndim == 2 && x->shape[1] == row) || (x->ndim == 3 && c->channels == 1 && x->shape[1] == c->height && x->shape[2] == c->width);
    if (ok && x->shape[0] > 0) return WK_OK;
    char b[64];
    wk_tensor s = *x; /* the sample shape, without the batch axis */
    int64_t sh[WK_MAX_DIMS] = {0};
    for (int i = 1; i < x->ndim; i++) sh[i - 1] = x->shape[i];
    wk_tensor_set_shape(&s, x->ndim > 1 ? x->ndim - 1 : 1, sh);
    return wk_errorf(WK_EINVAL, "the feature network %s takes images [%d, %d, %d], got samples %s (%lld of them)", c->name,
                     c->channels, c->height, c->width, x->ndim > 1 ? wk_shape_str(&s, b, sizeof b) : "[]",
                     (long long)(x->ndim ? x->shape[0] : 0));
}

int wk_classifier_apply(wk_classifier *c, const wk_tensor *x, wk_tensor *features, wk_tensor *probs) {
    int rc = check_input(c, x);
    if (rc) return rc;
    int64_t n = x->shape[0], row = (int64_t)c->channels * c->height * c->width;
    if (features) memset(features, 0, sizeof *features);
    if (probs) memset(probs, 0, sizeof *probs);
    if (features && (rc = wk_tensor_alloc(features, 2, (int64_t[]){n, c->feat_dim}))) return rc;
    if (probs && (rc = wk_tensor_alloc(probs, 2, (int64_t[]){n, c->classes}))) {
        if (features) wk_tensor_free(features);
        return rc;
    }
    wk_graph *g = wk_graph_new();
    if (!g) rc = wk_errorf(WK_ENOMEM, "classifier: out of memory");
    c->body.frozen = c->head.frozen = 1;
    for (int64_t i0 = 0; !rc && i0 < n; i0 += APPLY_BATCH) {
        int64_t b = n - i0 < APPLY_BATCH ? n - i0 : APPLY_BATCH;
        wk_graph_reset(g);
        wk_var *xv = wk_input_empty(g, 4, (int64_t[]){b, c->channels, c->height, c->width}, 0);
        if (xv) memcpy(wk_input_data(xv), x->data + i0 * row, (size_t)(b * row) * sizeof(float));
        /* features: the body up to its last linear layer, before the final ReLU (see classifier.h) */
        int nb = c->body.n_layers;
        wk_var *f = xv ? wk_model_forward_layers(&c->body, g, xv, 0, 0, nb - 1) : NULL;
        wk_var *h = f && probs ? wk_model_forward_layers(&c->body, g, f, 0, nb - 1, nb) : NULL;
        wk_var *p = h ? wk_model_forward(&c->head, g, h, 0) : NULL;
        if (p) p = wk_exp(g, wk_log_softmax(g, p));
        if (!f || (probs && !p)) {
            rc = wk_graph_status(g) ? wk_graph_status(g) : WK_ENOMEM;
            break;
        }
        if (features) memcpy(features->data + i0 * c->feat_dim, wk_value(f)->data, (size_t)(b * c->feat_dim) * sizeof(float));
        if (probs) memcpy(probs->data + i0 * c->classes, wk_value(p)->data, (size_t)(b * c->classes) * sizeof(float));
    }
    c->body.frozen = c->head.frozen = 0;
    wk_graph_free(g);
    if (rc) {
        if (features) wk_tensor_free(features);
        if (probs) wk_tensor_free(probs);
    }
    return rc;
}

int wk_classifier_embed(wk_classifier *c, const wk_tensor *samples, wk_pixel_range range, const char *what,
                        wk_tensor *features, wk_tensor *probs) {
    int rc = check_input(c, samples);
    if (rc) return wk_error_context(rc, "%s", what);
    wk_tensor x;
    if ((rc = wk_tensor_alloc(&x, samples->ndim, samples->shape))) return rc;
    memcpy(x.data, samples->data, (size_t)x.numel * sizeof(float));
    if (!(rc = wk_images_to_unit_range(&x, range, what))) rc = wk_classifier_apply(c, &x, features, probs);
    wk_tensor_free(&x);
    return rc;
}

/* Set once, before any use (the Python package at import: the copy it ships); empty: none. */
static char installed_path[4096];

void wk_classifier_set_default_path(const char *path) {
    snprintf(installed_path, sizeof installed_path, "%s", path ? path : "");
}

const char *wk_classifier_default_path(void) {
    const char *e = getenv("WGANKIT_FEATURES");
    if (e && *e) return e;
    return installed_path[0] ? installed_path : WK_MODELS_DIR "/fashion-mnist-lenet.safetensors";
}

const char *wk_classifier_id(const wk_classifier *c, char *buf, size_t n) {
    snprintf(buf, n, "%s@%s", c->name, c->hash);
    return buf;
}

int wk_classifier_accuracy(wk_classifier *c, const wk_tensor *x, const int64_t *labels, double *acc) {
    wk_tensor p;
    int rc = wk_classifier_apply(c, x, NULL, &p);
    if (rc) return rc;
    int64_t n = p.shape[0], hit = 0;
    for (int64_t i = 0; i < n; i++) {
        int best = 0;
        for (int k = 1; k < c->classes; k++)
            if (p.data[i * c->classes + k] > p.data[i * c->classes + best]) best = k;
        hit += best == labels[i];
    }
    *acc = (double)hit / (double)n;
    wk_tensor_free(&p);
    return WK_OK;
}
