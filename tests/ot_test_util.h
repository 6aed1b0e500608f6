/* ot_test_util.h — what the OT tests share: loading fixture arrays as points / double weights. */
#ifndef WK_OT_TEST_UTIL_H
#define WK_OT_TEST_UTIL_H

#include <stdio.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/ot.h"
#include "wgankit/tensor.h"

#define OT_FIXTURES "tests/fixtures/ot/"

static inline void ot_load_points(const char *name, wk_tensor *t) {
    char path[512];
    snprintf(path, sizeof path, OT_FIXTURES "%s", name);
    REQUIRE(wk_read_points(path, t) == WK_OK, "%s", wk_last_error());
}

/* "-" means uniform (NULL). */
static inline double *ot_load_weights(const char *name, int64_t n) {
    if (!strcmp(name, "-")) return NULL;
    wk_tensor t;
    ot_load_points(name, &t);
    REQUIRE(t.numel == n, "%s: %lld weights for %lld points", name, (long long)t.numel, (long long)n);
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) s += (w[i] = t.data[i]);
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    wk_tensor_free(&t);
    return w;
}

#endif
