/* fixture.h — loading the committed PyTorch/POT reference fixtures (NPY files under
 * tests/fixtures/) and comparing against them with a norm-wise relative error:
 * max|got − want| / max|want| ≤ tol, which is meaningful for tensors with entries near 0. */
#ifndef WK_TEST_FIXTURE_H
#define WK_TEST_FIXTURE_H

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

#include <stdio.h>

static wk_tensor fx_load(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/%s/%s.npy", dir, name);
    wk_tensor t;
    int rc = wk_read_array(path, &t);
    REQUIRE(rc == WK_OK, "fixture %s: %s", path, wk_last_error());
    return t;
}

static int fx_exists(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/%s/%s.npy", dir, name);
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* Relative error of `n` floats against the reference tensor (same element count). */
static double fx_rel_err(const float *got, const wk_tensor *want) {
    double num = 0, den = 0;
    for (int64_t i = 0; i < want->numel; i++) {
        double d = fabs((double)got[i] - want->data[i]);
        if (d > num || isnan(d)) num = isnan(d) ? INFINITY : d;
        if (fabs(want->data[i]) > den) den = fabs(want->data[i]);
    }
    return den > 0 ? num / den : num;
}

/* Compare `got` (numel elements) with fixture dir/name. */
static void fx_check(const char *dir, const char *name, const float *got, int64_t numel, double tol) {
    wk_tensor want = fx_load(dir, name);
    CHECK(want.numel == numel, "%s/%s: %lld elements, got %lld", dir, name, (long long)want.numel, (long long)numel);
    if (want.numel == numel) {
        double e = fx_rel_err(got, &want);
        CHECK(e <= tol, "%s/%s: relative error %.3g > %.1g", dir, name, e, tol);
    }
    wk_tensor_free(&want);
}

/* Copy fixture dir/name into an existing tensor (shapes must hold the same count). */
static void fx_into(const char *dir, const char *name, wk_tensor *dst) {
    wk_tensor t = fx_load(dir, name);
    REQUIRE(t.numel == dst->numel, "%s/%s: %lld elements, want %lld", dir, name, (long long)t.numel, (long long)dst->numel);
    wk_tensor_copy(dst, &t);
    wk_tensor_free(&t);
}

#endif
