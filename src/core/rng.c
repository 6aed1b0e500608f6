/* rng.c — xoshiro256** (Blackman & Vigna) seeded by splitmix64; see rng.h. */
#include "wgankit/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void wk_rng_seed(wk_rng *r, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

/* The salts of the named streams (rng.h), in enum order: the values the files XOR-ed in by hand
 * before, kept so that every stream draws what it drew then. */
static const uint64_t STREAM_SALT[WK_STREAM_COUNT] = {
    [WK_STREAM_SYNTHETIC_DATA] = 0x5eed0da7a5eedULL,
    [WK_STREAM_FILE_ORDER] = 0xda7a5b117ULL,
    [WK_STREAM_EVAL_FAKE] = 0xe7a1e7a1ULL,
    [WK_STREAM_EVAL_FLOOR] = 0xf1003f1003ULL,
    [WK_STREAM_LIPSCHITZ] = 0x11b5c417ULL,
    [WK_STREAM_MIX_PICK] = 0x6d69782b67616eULL, /* "mix+gan" */
    [WK_STREAM_PICTURES] = 0x9a1dULL,
    [WK_STREAM_CLASSIFIER] = 0xc1a551f1e5ULL,
    [WK_STREAM_NND_SPLIT] = 0x5b11775eedULL,
    [WK_STREAM_SPECTRAL_START] = 0x5eed5eedULL,
};

uint64_t wk_rng_stream_seed(uint64_t seed, wk_rng_stream s) {
    return (unsigned)s < WK_STREAM_COUNT ? seed ^ STREAM_SALT[s] : seed;
}

void wk_rng_seed_stream(wk_rng *r, uint64_t seed, wk_rng_stream s) { wk_rng_seed(r, wk_rng_stream_seed(seed, s)); }

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t wk_rng_u64(wk_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

float wk_rng_uniform(wk_rng *r) { return (float)(wk_rng_u64(r) >> 40) * 0x1.0p-24f; }
double wk_rng_uniform_d(wk_rng *r) { return (double)(wk_rng_u64(r) >> 11) * 0x1.0p-53; }
float wk_rng_uniform_range(wk_rng *r, float lo, float hi) { return lo + (hi - lo) * wk_rng_uniform(r); }

double wk_rng_normal_d(wk_rng *r) {
    double u1 = 1.0 - wk_rng_uniform_d(r); /* (0, 1]: log is finite */
    double u2 = wk_rng_uniform_d(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
float wk_rng_normal(wk_rng *r) { return (float)wk_rng_normal_d(r); }

uint64_t wk_rng_below(wk_rng *r, uint64_t n) {
    /* Lemire's nearly-divisionless method with rejection: exact uniformity. */
    __uint128_t m = (__uint128_t)wk_rng_u64(r) * n;
    uint64_t l = (uint64_t)m;
    if (l < n) {
        uint64_t t = -n % n;
        while (l < t) {
            m = (__uint128_t)wk_rng_u64(r) * n;
            l = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void wk_rng_permutation(wk_rng *r, int64_t *perm, int64_t n) {
    for (int64_t i = 0; i < n; i++) perm[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)wk_rng_below(r, (uint64_t)i + 1);
        int64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

void wk_rng_fill_uniform(wk_rng *r, float *x, int64_t n, float lo, float hi) {
    for (int64_t i = 0; i < n; i++) x[i] = wk_rng_uniform_range(r, lo, hi);
}

void wk_rng_fill_normal(wk_rng *r, float *x, int64_t n, float mean, float std) {
    for (int64_t i = 0; i < n; i++) x[i] = mean + std * wk_rng_normal(r);
}

wk_rng wk_rng_split(wk_rng *r) {
    wk_rng c;
    wk_rng_seed(&c, wk_rng_u64(r));
    return c;
}
