/* test_rng.c — the seeded generator: reproducible, uniform and normal moments right,
 * permutations valid, integers unbiased enough to notice a modulo bias. */
#include "check.h"
#include "wgankit/rng.h"
#include <string.h>

int main(void) {
    /* named streams: pinned to the salts the files used before they had names (the fixtures'
     * draws depend on them), all distinct, and wk_rng_seed_stream seeds with the same value */
    static const uint64_t salt[WK_STREAM_COUNT] = {0x5eed0da7a5eedULL, 0xda7a5b117ULL, 0xe7a1e7a1ULL, 0xf1003f1003ULL,
                                                   0x11b5c417ULL, 0x6d69782b67616eULL, 0x9a1dULL, 0xc1a551f1e5ULL,
                                                   0x5b11775eedULL, 0x5eed5eedULL};
    for (int s = 0; s < WK_STREAM_COUNT; s++) {
        CHECK(wk_rng_stream_seed(12345, (wk_rng_stream)s) == (12345 ^ salt[s]), "stream %d salt", s);
        for (int q = 0; q < s; q++) CHECK(salt[q] != salt[s], "streams %d and %d share a salt", q, s);
        wk_rng x, y;
        wk_rng_seed_stream(&x, 7, (wk_rng_stream)s);
        wk_rng_seed(&y, 7 ^ salt[s]);
        CHECK(wk_rng_u64(&x) == wk_rng_u64(&y), "stream %d seeds as seed ^ salt", s);
    }
    wk_rng a, b;
    wk_rng_seed(&a, 42);
    wk_rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= wk_rng_u64(&a) == wk_rng_u64(&b);
    CHECK(same, "same seed gives same stream");
    wk_rng_seed(&b, 43);
    CHECK(wk_rng_u64(&a) != wk_rng_u64(&b), "different seeds differ");

    const int n = 200000;
    double s = 0, s2 = 0, m = 0, m2 = 0;
    for (int i = 0; i < n; i++) {
        double u = wk_rng_uniform(&a), z = wk_rng_normal_d(&a);
        CHECK(u >= 0 && u < 1, "uniform in [0,1): %g", u);
        s += u; s2 += u * u; m += z; m2 += z * z;
    }
    CHECK_CLOSE(s / n, 0.5, 0, 0.005, "uniform mean");
    CHECK_CLOSE(s2 / n - (s / n) * (s / n), 1.0 / 12, 0, 0.002, "uniform variance");
    CHECK_CLOSE(m / n, 0.0, 0, 0.01, "normal mean");
    CHECK_CLOSE(m2 / n, 1.0, 0, 0.015, "normal variance");

    int64_t perm[100];
    int seen[100];
    wk_rng_permutation(&a, perm, 100);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 100; i++) seen[perm[i]]++;
    int ok = 1;
    for (int i = 0; i < 100; i++) ok &= seen[i] == 1;
    CHECK(ok, "permutation hits every index once");

    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 30000; i++) counts[wk_rng_below(&a, 3)]++;
    for (int i = 0; i < 3; i++) CHECK_CLOSE(counts[i], 10000, 0, 300, "below(3) bucket");
    return check_summary("test_rng");
}
