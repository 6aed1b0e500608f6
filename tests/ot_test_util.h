/* ot_test_util.h — what the OT tests share: loading fixture arrays as points / double weights. */
#ifndef WK_OT_TEST_UTIL_H
#define WK_OT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/ot.h"
#include "wgankit/rng.h"
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

/* One row of tests/fixtures/ot/cases.csv (written by tests/reference/make_ot_fixtures.py). */
typedef struct {
    int id;
    long long n, m, d;
    char fa[64], fb[64], fwa[64], fwb[64];
    double emd2; /* POT's ot.emd2 */
    double lsa;  /* scipy's linear_sum_assignment / n, or NaN when not a square uniform case */
} ot_case;

/* Call fn on every fixture case; returns how many there were. */
static inline int ot_for_each_case(void (*fn)(const ot_case *c, void *ctx), void *ctx) {
    FILE *f = fopen(OT_FIXTURES "cases.csv", "r");
    REQUIRE(f, "cannot open " OT_FIXTURES "cases.csv (run from the repository root)");
    char line[1024], se[64], sl[64];
    REQUIRE(fgets(line, sizeof line, f), "empty cases.csv");
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        ot_case c;
        if (sscanf(line, "%d,%lld,%lld,%lld,%63[^,],%63[^,],%63[^,],%63[^,],%63[^,],%63s", &c.id, &c.n, &c.m, &c.d, c.fa,
                   c.fb, c.fwa, c.fwb, se, sl) != 10)
            continue;
        c.emd2 = strtod(se, NULL);
        c.lsa = strtod(sl, NULL);
        fn(&c, ctx);
        count++;
    }
    fclose(f);
    return count;
}

/* n points in d dimensions from N(shift, 1), seeded. */
static inline void ot_cloud(wk_tensor *t, int64_t n, int64_t d, uint64_t seed, float shift) {
    int64_t shape[2] = {n, d};
    REQUIRE(wk_tensor_alloc(t, 2, shape) == WK_OK, "alloc");
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_rng_fill_normal(&r, t->data, n * d, shift, 1);
}

/* Test masses: NULL (uniform), random, or random with about a quarter zero (at least one
 * positive), normalised to 1 */
static inline double *ot_test_masses(wk_rng *r, int64_t n, int kind) {
    if (kind == 0) return NULL;
    double *w = malloc((size_t)n * sizeof(double)), s = 0;
    for (int64_t i = 0; i < n; i++) {
        w[i] = kind == 2 && wk_rng_below(r, 4) == 0 ? 0 : 0.1 + wk_rng_uniform_d(r);
        s += w[i];
    }
    if (s == 0) w[0] = s = 1;
    for (int64_t i = 0; i < n; i++) w[i] /= s;
    return w;
}

#endif
