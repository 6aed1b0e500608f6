/* classifier.c — building, hashing, saving and loading the feature network (classifier.h). The
 * architecture is a function of the input shape and class count only, so a file stores those in
 * its metadata and the loader rebuilds the layers and checks every tensor's shape against them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wgankit/classifier.h"
#include "wgankit/error.h"

void wk_classifier_free(wk_classifier *c) {
    wk_model_free(&c->body);
    wk_model_free(&c->head);
    memset(c, 0, sizeof *c);
}

static int build_layers(wk_classifier *c) {
    int64_t flat = 64 * (int64_t)(c->height / 4) * (c->width / 4);
    int rc = wk_model_add_conv2d(&c->body, c->channels, 16, 5, 2, 2, 1);
    if (!rc) rc = wk_model_add_activation(&c->body, WK_ACT_RELU, 0);
    if (!rc) rc = wk_model_add_conv2d(&c->body, 16, 32, 5, 2, 2, 1);
    if (!rc) rc = wk_model_add_activation(&c->body, WK_ACT_RELU, 0);
    if (!rc) rc = wk_model_add_conv2d(&c->body, 32, 64, 3, 1, 1, 1);
    if (!rc) rc = wk_model_add_activation(&c->body, WK_ACT_RELU, 0);
    if (!rc) rc = wk_model_add_reshape(&c->body, 1, &flat);
    if (!rc) rc = wk_model_add_linear(&c->body, flat, WK_CLASSIFIER_FEATURES, 1);
    if (!rc) rc = wk_model_add_activation(&c->body, WK_ACT_RELU, 0);
    if (!rc) rc = wk_model_add_linear(&c->head, WK_CLASSIFIER_FEATURES, c->classes, 1);
    return rc;
}

static int check_shape(int channels, int height, int width, int classes) {
    if (channels < 1 || channels > 4 || height < 4 || width < 4 || height > 256 || width > 256 || height % 4 || width % 4)
        return wk_errorf(WK_EINVAL, "classifier: images [%d, %d, %d] unsupported (want 1-4 channels, sides 4..256 divisible by 4)",
                         channels, height, width);
    if (classes < 2 || classes > 1000) return wk_errorf(WK_EINVAL, "classifier: %d classes (want 2..1000)", classes);
    return WK_OK;
}

int wk_classifier_build(wk_classifier *c, int channels, int height, int width, int classes, uint64_t seed) {
    memset(c, 0, sizeof *c);
    int rc = check_shape(channels, height, width, classes);
    if (rc) return rc;
    wk_model_init(&c->body);
    wk_model_init(&c->head);
    c->channels = channels, c->height = height, c->width = width, c->classes = classes;
    c->feat_dim = WK_CLASSIFIER_FEATURES;
    snprintf(c->name, sizeof c->name, "lenet-%dx%dx%d-%d", channels, height, width, classes);
    if ((rc = build_layers(c))) {
        wk_classifier_free(c);
        return rc;
    }
    wk_rng rng;
    wk_rng_seed(&rng, seed);
    wk_model_init_default(&c->body, &rng);
    wk_model_init_default(&c->head, &rng);
    wk_classifier_rehash(c);
    return WK_OK;
}

static void hash_bytes(uint64_t *h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) *h = (*h ^ b[i]) * 0x100000001b3ULL;
}

void wk_classifier_rehash(wk_classifier *c) {
    uint64_t h = 0xcbf29ce484222325ULL;
    const wk_model *ms[2] = {&c->body, &c->head};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < ms[k]->n_params; i++)
            hash_bytes(&h, ms[k]->params[i]->value.data, (size_t)ms[k]->params[i]->value.numel * sizeof(float));
    snprintf(c->hash, sizeof c->hash, "%016" PRIx64, h);
}

/* "body.0.weight" for parameter p of model k */
static void param_name(char *buf, size_t n, int k, const wk_param *p) { snprintf(buf, n, "%s.%s", k ? "head" : "body", p->name); }

int wk_classifier_save(const wk_classifier *c, const char *path, const wk_st_meta *extra, size_t n_extra) {
    const wk_model *ms[2] = {&c->body, &c->head};
    int n = c->body.n_params + c->head.n_params, j = 0;
    wk_st_tensor *ts = wk_calloc((size_t)n, sizeof *ts);
    char (*names)[128] = wk_calloc((size_t)n, sizeof *names);
    wk_st_meta *meta = wk_calloc(n_extra + 4, sizeof *meta);
    if (!ts || !names || !meta) {
        wk_free(ts), wk_free(names), wk_free(meta);
        return wk_errorf(WK_ENOMEM, "%s: out of memory", path);
    }
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < ms[k]->n_params; i++, j++) {
            param_name(names[j], sizeof names[j], k, ms[k]->params[i]);
            ts[j] = wk_st_from_tensor(names[j], &ms[k]->params[i]->value);
        }
    char shape[64], classes[16];
    snprintf(shape, sizeof shape, "%d,%d,%d", c->channels, c->height, c->width);
    snprintf(classes, sizeof classes, "%d", c->classes);
    meta[0] = (wk_st_meta){"format", WK_CLASSIFIER_FORMAT};
    meta[1] = (wk_st_meta){"name", c->name};
    meta[2] = (wk_st_meta){"input_shape", shape};
    meta[3] = (wk_st_meta){"classes", classes};
    for (size_t i = 0; i < n_extra; i++) meta[4 + i] = extra[i];
    int rc = wk_safetensors_write(path, ts, (size_t)n, meta, n_extra + 4);
    wk_free(ts), wk_free(names), wk_free(meta);
    return rc;
}

int wk_classifier_load(const char *path, wk_classifier *c) {
    memset(c, 0, sizeof *c);
    wk_safetensors f;
    int rc = wk_safetensors_load(path, &f);
    if (rc) return rc;
    const char *fmt = wk_safetensors_meta(&f, "format"), *shape = wk_safetensors_meta(&f, "input_shape");
    const char *classes = wk_safetensors_meta(&f, "classes"), *name = wk_safetensors_meta(&f, "name");
    int ch, h, w, k;
    char end;
    if (!fmt || strcmp(fmt, WK_CLASSIFIER_FORMAT))
        rc = wk_errorf(WK_EFORMAT, "%s: not a wgankit feature network (metadata format '%s', want '%s')", path,
                       fmt ? fmt : "(none)", WK_CLASSIFIER_FORMAT);
    else if (!shape || sscanf(shape, "%d,%d,%d%c", &ch, &h, &w, &end) != 3)
        rc = wk_errorf(WK_EFORMAT, "%s: metadata input_shape '%s' is not C,H,W", path, shape ? shape : "(none)");
    else if (!classes || sscanf(classes, "%d%c", &k, &end) != 1)
        rc = wk_errorf(WK_EFORMAT, "%s: metadata classes '%s' is not an integer", path, classes ? classes : "(none)");
    else if ((rc = wk_classifier_build(c, ch, h, w, k, 0)))
        rc = wk_error_context(WK_EFORMAT, "%s", path);
    wk_model *ms[2] = {&c->body, &c->head};
    for (int m = 0; !rc && m < 2; m++)
        for (int i = 0; !rc && i < ms[m]->n_params; i++) {
            wk_param *p = ms[m]->params[i];
            char nm[128];
            param_name(nm, sizeof nm, m, p);
            const wk_st_tensor *e = wk_safetensors_find(&f, nm);
            if (!e) rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s' missing", path, nm);
            else if (e->dtype != WK_ST_F32 || e->ndim != p->value.ndim ||
                     memcmp(e->shape, p->value.shape, (size_t)e->ndim * sizeof(int64_t))) {
                char b[64];
                rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s' is not F32 %s (the architecture of input %s, %s classes)", path,
                               nm, wk_shape_str(&p->value, b, sizeof b), shape, classes);
            } else
                memcpy(p->value.data, e->data, (size_t)p->value.numel * sizeof(float));
        }
    if (!rc && wk_safetensors_find(&f, "body.0.weight") && f.n_tensors != (size_t)(c->body.n_params + c->head.n_params))
        rc = wk_errorf(WK_EFORMAT, "%s: %zu tensors, the architecture has %d", path, f.n_tensors,
                       c->body.n_params + c->head.n_params);
    if (!rc) {
        for (int m = 0; !rc && m < 2; m++)
            for (int i = 0; !rc && i < ms[m]->n_params; i++)
                if (wk_first_nonfinite(ms[m]->params[i]->value.data, ms[m]->params[i]->value.numel) >= 0)
                    rc = wk_errorf(WK_EFORMAT, "%s: tensor %s.%s holds NaN/Inf", path, m ? "head" : "body",
                                   ms[m]->params[i]->name);
    }
    if (!rc) {
        snprintf(c->name, sizeof c->name, "%s", name ? name : path);
        wk_classifier_rehash(c);
    } else if (c->body.layers) {
        wk_classifier_free(c);
    }
    wk_safetensors_free(&f);
    return rc;
}
