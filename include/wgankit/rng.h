/* rng.h — the seeded random generator every random draw in wgankit goes through.
 *
 * xoshiro256** seeded by splitmix64: the same seed and build give bit-identical streams on
 * every machine. Normal variates use Box-Muller (no cached second value, so a generator's
 * state is fully described by its four words — what a checkpoint stores). */
#ifndef WGANKIT_RNG_H
#define WGANKIT_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_rng {
    uint64_t s[4];
} wk_rng;

void wk_rng_seed(wk_rng *r, uint64_t seed);
uint64_t wk_rng_u64(wk_rng *r);
/* Uniform in [0, 1) with 24 (float) or 53 (double) random bits. */
float wk_rng_uniform(wk_rng *r);
double wk_rng_uniform_d(wk_rng *r);
/* Uniform in [lo, hi). */
float wk_rng_uniform_range(wk_rng *r, float lo, float hi);
/* Standard normal N(0, 1). */
double wk_rng_normal_d(wk_rng *r);
float wk_rng_normal(wk_rng *r);
/* Unbiased integer in [0, n), n > 0. */
uint64_t wk_rng_below(wk_rng *r, uint64_t n);
/* Fill perm[0..n) with a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void wk_rng_permutation(wk_rng *r, int64_t *perm, int64_t n);
void wk_rng_fill_uniform(wk_rng *r, float *x, int64_t n, float lo, float hi);
void wk_rng_fill_normal(wk_rng *r, float *x, int64_t n, float mean, float std);
/* An independent generator derived from this one (for a sub-task with its own stream). */
wk_rng wk_rng_split(wk_rng *r);

#ifdef __cplusplus
}
#endif
#endif
