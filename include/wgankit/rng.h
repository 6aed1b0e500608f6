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

/* Named streams: the jobs that draw from a run's seed outside the trainer's split streams, each
 * with its own salt so that no job repeats another's draws. The seed of stream s is
 * seed ^ salt(s); the salts are those the files used before the streams had names, so every
 * fixture and result stays bit-identical (changing one changes what it draws). */
typedef enum {
    WK_STREAM_SYNTHETIC_DATA, /* data/files.c: a synthetic target's held-out and fixed training samples */
    WK_STREAM_FILE_ORDER,     /* data/files.c: the shuffle of a data file's rows */
    WK_STREAM_EVAL_FAKE,      /* gan/evaluate.c: the generated side of each evaluation */
    WK_STREAM_EVAL_FLOOR,     /* gan/evaluate.c: the second real sample of the real-vs-real floor */
    WK_STREAM_LIPSCHITZ,      /* gan/trainer.c: the point pairs of the Lipschitz report */
    WK_STREAM_MIX_PICK,       /* gan/mix.c: which MIX+GAN component draws each sample */
    WK_STREAM_PICTURES,       /* gan/run.c: the generated samples of samples.png and scatter.png */
    WK_STREAM_CLASSIFIER,     /* classifier/train.c: the minibatch order */
    WK_STREAM_NND_SPLIT,      /* nnd/nnd.c: the training / held-out halves of each sample */
    WK_STREAM_SPECTRAL_START, /* lipschitz/spectral.c: the power iteration's start vector (seed 0) */
    WK_STREAM_COUNT
} wk_rng_stream;

/* seed ^ salt(s): the seed of stream s (for APIs that take a seed, e.g. wk_trainer_sample). */
uint64_t wk_rng_stream_seed(uint64_t seed, wk_rng_stream s);
/* wk_rng_seed(r, wk_rng_stream_seed(seed, s)). */
void wk_rng_seed_stream(wk_rng *r, uint64_t seed, wk_rng_stream s);

#ifdef __cplusplus
}
#endif
#endif
