/* classifier.h — the feature network of the image metrics: a small LeNet-like convolutional
 * classifier that wgankit trains itself (no download), so FD, KID, IS, precision/recall and
 * density/coverage work offline (metrics.h).
 *
 * Architecture for [C, H, W] images (H, W divisible by 4), inputs scaled to [-1, 1]:
 *   body: conv(C->16, 5, stride 2, pad 2) relu -> conv(16->32, 5, 2, 2) relu
 *         -> conv(32->64, 3, 1, 1) relu -> flatten -> linear(64 H/4 W/4 -> 128) relu
 *   head: linear(128 -> classes)
 * The feature space of FD/KID/PR/DC is the body's last linear layer *before* its ReLU (128
 * pre-activations): after the ReLU, units that never fire on the data are constant 0 features
 * (39 of 128 in the shipped network), which makes every covariance singular and FD a clipped,
 * regularised estimate; the pre-activations are an affine image of 3,136 conv features and have a
 * full-rank covariance. The softmax of the head (applied after the ReLU) gives p(y|x) for IS.
 *
 * The file is safetensors: "body.<i>.weight"/"bias" and "head.<i>..." tensors (PyTorch
 * nn.Sequential names) and metadata: format, name, input_shape "C,H,W", classes, plus what the
 * trainer records (training command, test accuracy). A network is identified by its name and a
 * hash (FNV-1a 64 of every parameter's bytes in file order), printed next to every metric value
 * so values from different networks are never compared unknowingly. */
#ifndef WGANKIT_CLASSIFIER_H
#define WGANKIT_CLASSIFIER_H

#include <stdint.h>

#include "wgankit/nn.h"
#include "wgankit/safetensors.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WK_CLASSIFIER_FEATURES 128
#define WK_CLASSIFIER_FORMAT "wgankit-classifier-1"

typedef struct wk_classifier {
    wk_model body, head;
    int channels, height, width, classes;
    int feat_dim;
    char name[128];
    char hash[17]; /* 16 hex digits */
} wk_classifier;

/* How stored pixel values map to the network's [-1, 1]. AUTO: integers in [0, 255] with a
 * value > 1 are U8, values inside [-1, 1] reaching below 0 are PM1 (a tanh generator's output);
 * values all in [0, 1] are ambiguous ([0, 1] images, the usual float convention, or [-1, 1] ones
 * that never go below 0: reading one as the other silently changed FD from 10.6 to 1.4) and,
 * like anything else, WK_EINVAL naming `what` and the range found (give the range explicitly). */
typedef enum { WK_PIXELS_AUTO = 0, WK_PIXELS_U8, WK_PIXELS_01, WK_PIXELS_PM1 } wk_pixel_range;
int wk_pixel_range_parse(const char *s, wk_pixel_range *out); /* "auto", "u8", "01", "pm1" */
/* AUTO's decision on t's values (never AUTO in *out), or the WK_EINVAL above, whose message
 * ends with `how` (what the caller's user can say: "--pixels 01 or pm1"). */
int wk_pixel_range_detect(const wk_tensor *t, const char *what, const char *how, wk_pixel_range *out);
/* A fresh network with PyTorch's default initialisation from `seed`. */
int wk_classifier_build(wk_classifier *c, int channels, int height, int width, int classes, uint64_t seed);
void wk_classifier_free(wk_classifier *c);
/* Recompute c->hash from the current weights. */
void wk_classifier_rehash(wk_classifier *c);

typedef struct wk_classifier_train_options {
    int epochs;        /* default 8 */
    int batch;         /* default 128 */
    float lr;          /* Adam, default 1e-3 */
    uint64_t seed;     /* initialisation and batch order */
    int verbose;       /* one line per epoch on stderr */
} wk_classifier_train_options;

/* Train on images [N, C, H, W] in [-1, 1] with labels[N] in [0, classes) (cross-entropy, Adam).
 * When test images are given, each epoch's line reports the test accuracy. */
int wk_classifier_train(wk_classifier *c, const wk_tensor *images, const int64_t *labels,
                        const wk_classifier_train_options *opt, const wk_tensor *test_images,
                        const int64_t *test_labels);

/* Features [N, feat_dim] and/or class probabilities [N, classes] (either may be NULL) of
 * images [N, C, H, W] or flattened [N, C*H*W] in [-1, 1], in batches, eval mode. Any other
 * sample shape is WK_EINVAL naming both shapes. Outputs are allocated here. */
int wk_classifier_apply(wk_classifier *c, const wk_tensor *images, wk_tensor *features, wk_tensor *probs);
/* wk_classifier_apply on a copy of `samples` mapped to [-1, 1] from `range` (messages name `what`). */
int wk_classifier_embed(wk_classifier *c, const wk_tensor *samples, wk_pixel_range range, const char *what,
                        wk_tensor *features, wk_tensor *probs);
/* The shipped Fashion-MNIST network: $WGANKIT_FEATURES when set, else the path given to
 * wk_classifier_set_default_path (the installed Python package's own copy), else
 * <source dir>/models/fashion-mnist-lenet.safetensors (fixed at build time: gone once an
 * installed package's source clone is moved or deleted). */
const char *wk_classifier_default_path(void);
/* Where an installation keeps the shipped network (call before any metric; NULL or "": none). */
void wk_classifier_set_default_path(const char *path);
/* "NAME@HASH", the id printed with every metric value. */
const char *wk_classifier_id(const wk_classifier *c, char *buf, size_t n);
/* Share of images whose arg-max class equals the label. */
int wk_classifier_accuracy(wk_classifier *c, const wk_tensor *images, const int64_t *labels, double *acc);

/* Save with extra metadata entries (key/value pairs) besides format, name, input_shape, classes. */
int wk_classifier_save(const wk_classifier *c, const char *path, const wk_st_meta *extra, size_t n_extra);
/* Load and validate (format, shapes of every tensor against the metadata's architecture). */
int wk_classifier_load(const char *path, wk_classifier *c);

/* Labels from a file (IDX/.gz, NPY, CSV) as int64 in [0, 1000): a non-integer, negative or
 * NaN/Inf label is WK_EFORMAT naming the file and index (row). *classes = largest label + 1. */
int wk_read_labels(const char *path, int64_t **labels, int64_t *n, int *classes);
int wk_images_to_unit_range(wk_tensor *images, wk_pixel_range range, const char *what);

#ifdef __cplusplus
}
#endif
#endif
