/* fixture.h — loading PyTorch reference arrays (tests/fixtures/core/<case>/<name>.npy) and
 * comparing against them with the fixture tolerance: |got − want| ≤ rtol·max|want| per entry
 * (scaled by the reference tensor's largest magnitude, so near-zero entries do not demand
 * impossible relative accuracy from float32). */
#ifndef WK_TEST_FIXTURE_H
#define WK_TEST_FIXTURE_H

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

#include <stdio.h>

static inline wk_tensor fx_load(const char *kase, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/core/%s/%s.npy", kase, name);
    wk_tensor t = {0};
    REQUIRE(wk_read_array(path, &t) == WK_OK, "fixture %s: %s", path, wk_last_error());
    return t;
}

/* Load into an existing tensor of the same numel (a model parameter). */
static inline void fx_load_into(const char *kase, const char *name, wk_tensor *dst) {
    wk_tensor t = fx_load(kase, name);
    REQUIRE(t.numel == dst->numel, "fixture %s/%s: %lld values, want %lld", kase, name, (long long)t.numel,
            (long long)dst->numel);
    wk_tensor_copy(dst, &t);
    wk_tensor_free(&t);
}

/* Compare n floats with the reference; returns the max scaled error. */
static inline double fx_compare(const char *kase, const char *name, const float *got, int64_t n, double rtol) {
    wk_tensor want = fx_load(kase, name);
    double scale = 0, worst = 0;
    CHECK(want.numel == n, "%s/%s: %lld values, want %lld", kase, name, (long long)n, (long long)want.numel);
    for (int64_t i = 0; i < want.numel; i++) scale = fmax(scale, fabs(want.data[i]));
    if (scale == 0) scale = 1;
    for (int64_t i = 0; i < n && i < want.numel; i++) worst = fmax(worst, fabs(got[i] - want.data[i]) / scale);
    CHECK(worst <= rtol, "%s/%s: max error %.3g of the largest magnitude %.3g (tolerance %.1g)", kase, name, worst, scale,
          rtol);
    wk_tensor_free(&want);
    return worst;
}

static inline int fx_exists(const char *kase, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/core/%s/%s.npy", kase, name);
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* Max |got − want| / max|want| over a reference tensor already in memory. */
static inline double fx_rel_err(const float *got, const wk_tensor *want) {
    double num = 0, den = 0;
    for (int64_t i = 0; i < want->numel; i++) {
        double d = fabs((double)got[i] - want->data[i]);
        num = isnan(d) ? INFINITY : fmax(num, d);
        den = fmax(den, fabs(want->data[i]));
    }
    return den > 0 ? num / den : num;
}

#endif
