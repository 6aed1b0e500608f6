/* nnd.h — the neural net distance of Arora, Ge, Liang, Ma & Zhang (ICML 2017, §3):
 *
 *   d_{F,φ}(μ, ν) = sup_{D ∈ F} E_μ φ(D(x)) + E_ν φ(1 − D(y)) − 2 φ(1/2),
 *
 * estimated by training a fresh critic of the class F (any critic class of `wgankit train`,
 * built by critic.h from the same settings) on one half of each sample and reading the
 * objective on both halves: on the training halves (biased upwards: the critic was fitted
 * there) and on the held-out halves (the honest estimate). φ = identity is the IPM / WGAN form
 * (Biau et al.'s d_D: E_μ D − E_ν D); φ = log is the original GAN form with D = sigmoid(f).
 *
 * For a 1-Lipschitz class and φ = identity, d_F ≤ W1 (Kantorovich–Rubinstein). Unlike W1,
 * d_F between two samples of one distribution decays like m^{-1/2} (their Theorem 3.1). */
#ifndef WGANKIT_NND_H
#define WGANKIT_NND_H

#include <stdint.h>

#include "wgankit/gan.h"
#include "wgankit/source.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_PHI_IDENTITY = 0, WK_PHI_LOG } wk_nnd_phi;
typedef enum { WK_NND_STOP_STEPS = 0, WK_NND_STOP_PATIENCE } wk_nnd_stop;

typedef struct wk_nnd_config {
    /* The critic class and its optimizer, as train spells them: critic, critic_net,
     * critic_depth, critic_width, critic_act, groupsort_k, the Lipschitz knobs, init, batch,
     * opt_d, lr_d, beta1, beta2, eps, momentum, seed, threads. Other fields are ignored. */
    wk_gan_config critic;
    wk_nnd_phi phi;
    int64_t m;           /* points per side; 0: every row of a file, 10,000 from a population */
    int repeats;         /* independent splits/draws and seeds (>= 1) */
    int64_t steps;       /* most critic steps per fit */
    int64_t check_every; /* steps between held-out checks */
    int patience;        /* stop after this many checks without a held-out improvement; 0: never */
    int w1;              /* also the exact W1 between the same held-out halves */
} wk_nnd_config;

/* steps 2000, check every 100, patience 5, m 0 (auto), 1 repeat, φ identity, the train
 * defaults for the critic (GroupSort + Björck, depth 3, width 64, Adam 2e-4, batch 256). */
void wk_nnd_config_default(wk_nnd_config *c);
int wk_nnd_config_validate(const wk_nnd_config *c);
/* Settings by name (nnd_settings.c): the critic-class settings of train ("critic_depth", ...;
 * wk_nnd_critic_setting_at lists them, NULL past the end) and phi, m, repeats, steps,
 * check_every, patience, w1. WK_EINVAL naming the setting for an unknown name or a bad value. */
int wk_nnd_config_set(wk_nnd_config *c, const char *name, const char *value);
int wk_nnd_is_critic_setting(const char *name);
const char *wk_nnd_critic_setting_at(int i);
const char *wk_nnd_phi_name(wk_nnd_phi phi);
int wk_nnd_phi_parse(const char *s, wk_nnd_phi *out);
const char *wk_nnd_stop_name(wk_nnd_stop s);

/* One fit. */
typedef struct wk_nnd_fit {
    double train, heldout; /* the objective on the training halves / the held-out halves */
    double w1;             /* exact W1 between the held-out halves (NaN unless cfg->w1) */
    int64_t steps;
    wk_nnd_stop stopped;
    int64_t critic_params;
} wk_nnd_fit;

/* Train on (a_train, b_train), read the value on both pairs of halves. Tensors are [n, ...]
 * with one sample shape for all four. */
int wk_nnd_fit_halves(const wk_nnd_config *c, const wk_tensor *a_train, const wk_tensor *b_train, const wk_tensor *a_held,
                      const wk_tensor *b_held, uint64_t seed, wk_nnd_fit *out);
/* Split each sample (n >= 2 rows) into a training half (floor(n/2) rows) and a held-out half
 * at random (seeded), then wk_nnd_fit_halves. */
int wk_nnd_fit_samples(const wk_nnd_config *c, const wk_tensor *a, const wk_tensor *b, uint64_t seed, wk_nnd_fit *out);

/* The estimate between two sources over cfg->repeats repeats. */
typedef struct wk_nnd_result {
    int64_t m, m_b;          /* points per side */
    int repeats;
    double nnd_train, nnd_heldout; /* means over repeats */
    double se_train, se;     /* standard errors of the means (NaN for one repeat) */
    double w1, se_w1;        /* NaN unless cfg->w1 */
    double steps_mean;
    int stopped_patience, stopped_steps; /* how the repeats stopped */
    int64_t critic_params;
} wk_nnd_result;

int wk_nnd_estimate(const wk_nnd_config *c, wk_source *a, wk_source *b, wk_nnd_result *out);
/* {"nnd_train", "nnd_heldout", "se", "se_train", "repeats", "m", "m_b", "steps", "stopped",
 *  "phi", ["w1", "se_w1",] "critic": {class settings, "params"}} */
void wk_nnd_result_to_json(const wk_nnd_config *c, const wk_nnd_result *r, wk_strbuf *sb);

/* Mean and standard error of the mean (sample sd / sqrt(n); NaN when n < 2) of x[n]. */
void wk_mean_se(const double *x, int n, double *mean, double *se);

#ifdef __cplusplus
}
#endif
#endif
