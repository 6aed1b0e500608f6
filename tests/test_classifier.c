/* test_classifier.c — the feature network: save/load keeps every weight (same hash, same
 * features), flat [N, C*H*W] and [N, C, H, W] inputs give the same features, softmax rows sum
 * to 1, a wrong input shape names both shapes, a tampered file is refused, and training on a
 * separable toy set learns it (accuracy rises above chance). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgankit/classifier.h"
#include "wgankit/error.h"

static void toy(wk_tensor *x, int64_t *y, int n, uint64_t seed) {
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_tensor_alloc(x, 4, (int64_t[]){n, 1, 8, 8});
    for (int i = 0; i < n; i++) {
        y[i] = i % 2; /* class 0: bright top half, class 1: bright bottom half */
        for (int p = 0; p < 64; p++) {
            int top = p < 32;
            x->data[i * 64 + p] = (top == (y[i] == 0) ? 0.6f : -0.6f) + 0.3f * wk_rng_normal(&r);
        }
    }
}

int main(void) {
    wk_classifier c, d;
    REQUIRE(wk_classifier_build(&c, 1, 8, 8, 2, 7) == WK_OK, "build: %s", wk_last_error());
    wk_tensor x, f1, f2, p;
    int64_t y[200];
    toy(&x, y, 200, 1);
    double acc0, acc1;
    CHECK(wk_classifier_accuracy(&c, &x, y, &acc0) == WK_OK, "accuracy: %s", wk_last_error());
    wk_classifier_train_options o = {.epochs = 3, .batch = 20, .lr = 3e-3f, .seed = 3};
    CHECK(wk_classifier_train(&c, &x, y, &o, NULL, NULL) == WK_OK, "train: %s", wk_last_error());
    CHECK(wk_classifier_accuracy(&c, &x, y, &acc1) == WK_OK && acc1 >= 0.95, "trained accuracy %g (untrained %g)", acc1, acc0);

    const char *path = "test_classifier_tmp.safetensors";
    CHECK(wk_classifier_save(&c, path, NULL, 0) == WK_OK, "save: %s", wk_last_error());
    CHECK(wk_classifier_load(path, &d) == WK_OK, "load: %s", wk_last_error());
    CHECK(!strcmp(c.hash, d.hash) && d.classes == 2 && d.height == 8, "hash %s vs %s", c.hash, d.hash);
    CHECK(wk_classifier_apply(&c, &x, &f1, &p) == WK_OK, "apply: %s", wk_last_error());
    wk_tensor flat = x;
    wk_tensor_set_shape(&flat, 2, (int64_t[]){200, 64});
    CHECK(wk_classifier_apply(&d, &flat, &f2, NULL) == WK_OK, "apply flat: %s", wk_last_error());
    CHECK(f1.numel == 200 * WK_CLASSIFIER_FEATURES && !memcmp(f1.data, f2.data, (size_t)f1.numel * sizeof(float)),
          "loaded network, flat input: same features");
    double worst = 0;
    for (int i = 0; i < 200; i++) worst = fmax(worst, fabs(p.data[2 * i] + p.data[2 * i + 1] - 1.0));
    CHECK(worst < 1e-5, "softmax rows sum to 1 (worst %g)", worst);

    wk_tensor bad;
    wk_tensor_alloc(&bad, 4, (int64_t[]){5, 3, 8, 8});
    CHECK(wk_classifier_apply(&d, &bad, &f2, NULL) == WK_EINVAL && strstr(wk_last_error(), "takes images [1, 8, 8]") &&
              strstr(wk_last_error(), "[3, 8, 8]"),
          "shape mismatch: %s", wk_last_error());

    /* flip one byte of the last tensor's data: the hash changes; truncate: refused */
    FILE *fh = fopen(path, "r+b");
    REQUIRE(fh, "reopen");
    fseek(fh, -3, SEEK_END);
    fputc(0x7f, fh);
    fclose(fh);
    wk_classifier e;
    CHECK(wk_classifier_load(path, &e) == WK_OK && strcmp(e.hash, c.hash), "a changed weight changes the hash");
    wk_classifier_free(&e);
    fh = fopen(path, "r+b");
    fseek(fh, 0, SEEK_END);
    long size = ftell(fh);
    fclose(fh);
    CHECK(truncate(path, size - 100) == 0, "truncate");
    CHECK(wk_classifier_load(path, &e) != WK_OK, "truncated file refused");
    remove(path);

    wk_tensor_free(&x), wk_tensor_free(&f1), wk_tensor_free(&f2), wk_tensor_free(&p), wk_tensor_free(&bad);
    wk_classifier_free(&c), wk_classifier_free(&d);
    return check_summary("test_classifier");
}
