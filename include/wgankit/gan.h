/* gan.h — training Wasserstein GANs (and the classic GAN losses) end to end.
 *
 * Three pieces, each a plain C object a Python binding can wrap:
 *
 *   wk_gan_config  every knob of a run as a named setting. One table of settings
 *                  (wk_gan_setting_*) drives CLI flags, --help, config.json, config files and
 *                  the checkpoint metadata, so a setting is spelled the same everywhere
 *                  (flag --gen-depth = key "gen_depth").
 *   wk_dataset     (data.h) training points/images plus a held-out split, scaled to [-1, 1];
 *                  wk_dataset_load fills one from a config.
 *   wk_trainer     generator, critic, optional EMA generator, two optimizers, the Lipschitz
 *                  constraint and every RNG. wk_trainer_step does one generator step (n_critic
 *                  critic steps first, as Arjovsky et al. 2017, Alg. 1); after the first step a
 *                  step allocates nothing from the heap (one wk_graph per network, reset each
 *                  step). Same seed + build + threads => bit-identical weights, also across a
 *                  checkpoint/resume, because the checkpoint holds the whole training state.
 *
 * Checkpoints are safetensors files whose metadata carries the resolved config
 * ("wgankit.config") and a layer list per network ("wgankit.generator", "wgankit.critic"), so
 * the networks can be rebuilt from the file alone (tests/reference/torch_sample_check.py).
 *
 * MIX+GAN (cfg.mix = T > 1; Arora et al. 2017 §5; src/gan/mix.c): the trainer holds T generators
 * and T critics with softmax mixture weights; wk_trainer_sample draws a component with
 * probability w_G per sample, wk_trainer_critic gives Σ_j w_D[j]·D_j, wk_trainer_generator /
 * wk_trainer_critic_model return component 0, and one checkpoint (format
 * "wgankit-mix-checkpoint-1", layer lists of component 0: every component has the same layers)
 * holds them all. */
#ifndef WGANKIT_GAN_H
#define WGANKIT_GAN_H

#include <stdint.h>
#include <stdio.h>

#include "wgankit/data.h"
#include "wgankit/json.h"
#include "wgankit/lipschitz.h"
#include "wgankit/metrics.h"
#include "wgankit/nn.h"
#include "wgankit/optim.h"
#include "wgankit/safetensors.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Losses. D's output is a score (WGAN, hinge) or a logit (minimax, non-saturating):
 *   wgan     L_D = E D(fake) - E D(real)                  L_G = -E D(fake)     (Arjovsky et al. 2017)
 *   minimax  L_D = E softplus(-D(real)) + E softplus(D(fake))  L_G = -E softplus(D(fake)) (Goodfellow 2014)
 *   ns       same L_D                                      L_G = E softplus(-D(fake))   (non-saturating)
 *   hinge    L_D = E relu(1 - D(real)) + E relu(1 + D(fake))  L_G = -E D(fake)  (Lim & Ye 2017; Miyato 2018) */
typedef enum { WK_LOSS_WGAN = 0, WK_LOSS_MINIMAX, WK_LOSS_NS, WK_LOSS_HINGE } wk_loss_kind;
/* The other closed choices of the settings table, resolved from their names once, when set
 * (wk_gan_config_set); each enum lists its names in the order of the setting's choices. */
typedef enum { WK_NET_MLP = 0, WK_NET_DCGAN } wk_net_kind;
typedef enum { WK_LATENT_NORMAL = 0, WK_LATENT_UNIFORM } wk_latent_law; /* uniform: U[-1, 1] */
typedef enum { WK_SCALE_AUTO = 0, WK_SCALE_NONE, WK_SCALE_U8, WK_SCALE_MINMAX } wk_scale_kind;
typedef enum { WK_GEN_ACT_RELU = 0, WK_GEN_ACT_LEAKY_RELU, WK_GEN_ACT_TANH } wk_gen_act_kind;
typedef enum { WK_GEN_OUT_AUTO = 0, WK_GEN_OUT_NONE, WK_GEN_OUT_TANH } wk_gen_out_kind; /* auto: tanh for images */
typedef enum { WK_CRITIC_ACT_AUTO = 0, WK_CRITIC_ACT_GROUPSORT, WK_CRITIC_ACT_RELU, WK_CRITIC_ACT_LEAKY_RELU } wk_critic_act_kind;
typedef enum { WK_CRITIC_NORM_NONE = 0, WK_CRITIC_NORM_BATCH, WK_CRITIC_NORM_LAYER } wk_critic_norm_kind; /* = wk_dcgan_spec.critic_norm */
typedef enum { WK_INIT_DEFAULT = 0, WK_INIT_NORMAL } wk_init_kind;
typedef enum { WK_LR_DECAY_NONE = 0, WK_LR_DECAY_LINEAR } wk_lr_decay_kind;
typedef enum { WK_MIX_BUDGET_FULL = 0, WK_MIX_BUDGET_SAME } wk_mix_budget_kind;

#define WK_GAN_STR 512
#define WK_MIX_MAX 16 /* most components of a MIX+GAN (the authors use 5) */

typedef struct wk_gan_config {
    /* data */
    char data[WK_GAN_STR];  /* synthetic "NAME[:key=value,...]" (data.h) or a file path */
    int64_t data_n;         /* synthetic: fixed training sample size; 0 = fresh draws every batch */
    int64_t holdout;        /* held-out real points (taken from files; drawn for synthetic) */
    wk_scale_kind scale;    /* auto | none | u8 | minmax (to [-1, 1]) */
    /* generator */
    wk_net_kind gen;        /* mlp | dcgan */
    int gen_depth;          /* hidden layers (Biau et al.'s p = gen_depth + 1) */
    int64_t gen_width;
    int64_t latent_dim;
    wk_latent_law latent;   /* normal | uniform */
    wk_gen_act_kind gen_act; /* relu | leaky_relu | tanh */
    wk_gen_out_kind gen_out; /* auto (tanh for images, none for points) | none | tanh */
    int gen_bn;             /* dcgan generator batch norm */
    /* critic */
    wk_lip_method critic;   /* Lipschitz method: bjorck | biau | spectral | clip | gp | none */
    wk_net_kind critic_net; /* mlp | dcgan */
    int critic_depth;
    int64_t critic_width;
    wk_critic_act_kind critic_act; /* auto (groupsort for bjorck/biau, else relu) | groupsort | relu | leaky_relu */
    int groupsort_k;        /* group size (2 = MaxMin) */
    double critic_clamp;    /* > 0: clamp the critic's output (the authors' code uses 100) */
    wk_critic_norm_kind critic_norm; /* dcgan critic: none | batch | layer */
    int64_t dcgan_width;
    wk_init_kind init;      /* default (PyTorch) | normal (DCGAN N(0, init_std)) */
    double init_std;
    /* Lipschitz knobs (lipschitz.h) */
    int bjorck_iters, bjorck_final_iters, bjorck_reparam;
    int export_orthonormal; /* -1 auto (projection: on), 0, 1: orthonormalised critic weights in the last checkpoint */
    double bjorck_beta, bjorck_tol;
    int sn_iters;
    double clip;
    double gp_lambda;
    int gp_one_sided;
    double bias_bound;
    /* losses and optimisation */
    wk_loss_kind loss;      /* wgan | minimax | ns | hinge */
    int64_t batch;
    int n_critic;
    int64_t steps;          /* generator steps */
    wk_optim_kind opt_g, opt_d; /* adam | rmsprop | sgd */
    double lr_g, lr_d, beta1, beta2, eps, momentum;
    wk_lr_decay_kind lr_decay; /* none | linear (to 0 at `steps`) */
    double ema;             /* EMA decay of the generator weights; 0 = off */
    /* MIX+GAN (Arora et al. 2017 §5; mix.c): T generators and T critics with softmax mixture weights */
    int mix;                /* T components per family; 1 = a single GAN */
    double mix_entropy;     /* λ of the weight regulariser −(1/T)·Σ log(w + 1e-6), added to both losses */
    wk_mix_budget_kind mix_budget; /* full (each component as large as the single model) | same (widths scaled so the
                               mixture has about the single model's parameter count) */
    /* data-parallel training (issue 16; src/gan/data_parallel.c, include/wgankit/dist.h) */
    int data_parallel;      /* 1: one rank of mpirun -np K; each computes batch/K rows, gradients all-reduced */
    int resume_data_changed; /* train --resume: continue although the data differ from the checkpoint's (never saved) */
    int data_shards;        /* the batch is drawn as this many shards, shard s from its own stream (K under data_parallel) */
    double dist_timeout;    /* seconds a rank waits at an all-reduce before it stops the job */
    /* run */
    uint64_t seed;
    int threads;            /* 0 = all cores */
    char out[WK_GAN_STR];   /* run directory */
    int64_t eval_every;     /* generator steps between evaluations; 0 = only at the end */
    int64_t eval_n;         /* generated samples for W1 / coverage (held-out side: min(holdout, eval_n)) */
    int64_t checkpoint_every; /* 0 = only at the end */
    int64_t keep_checkpoints; /* also keep checkpoints/step-XXXXXX.safetensors: the N newest; -1 = all; 0 = none */
    char eval_metrics[64];  /* image metrics per evaluation: auto | none | fd,kid,is,pr,dc (metrics.h) */
    char eval_features[WK_GAN_STR]; /* their feature network ("" = the shipped Fashion-MNIST one) */
    char eval_real[WK_GAN_STR];     /* their real images ("" = the held-out split) */
    int64_t lip_pairs;      /* pairs for the Lipschitz report's pair-ratio bound */
    int track_generalization; /* also W1 and d_D against the training sample vs the held-out sample (needs a finite one) */
    int progress;           /* -1 auto (TTY), 0 off, 1 on */
    /* resolved from the data (written into config.json and checkpoints) */
    char sample_shape[64];  /* "2" or "1x28x28": one sample's shape */
} wk_gan_config;

/* The defaults are the demo: ring of 8, GroupSort critic (Björck projection), ReLU generator,
 * generator 2→128→128→128→2, critic 2→64→64→64→1, Adam 2e-4 β = (0.5, 0.9), batch 512, 5 critic steps, 4,000 generator steps,
 * generator EMA 0.99. */
void wk_gan_config_default(wk_gan_config *c);

/* ---- the settings table -------------------------------------------------------------- */
typedef enum { WK_SET_INT, WK_SET_FLOAT, WK_SET_STRING, WK_SET_BOOL } wk_setting_type;
typedef struct wk_gan_setting {
    const char *name;     /* JSON key; the CLI flag is "--" + name with '_' -> '-' */
    wk_setting_type type;
    const char *choices;  /* "a|b|c" for a closed set of strings, NULL otherwise; a string setting with
                             choices is stored as its enum (above), text only in and out */
    double lo, hi;        /* numeric range */
    const char *help;
} wk_gan_setting;

int wk_gan_setting_count(void);
const wk_gan_setting *wk_gan_setting_at(int i);
/* By JSON key or flag spelling ("gen_depth", "gen-depth"); NULL when unknown. */
const wk_gan_setting *wk_gan_setting_find(const char *name);
/* Set one setting from text; WK_EINVAL naming the setting and the accepted values. */
int wk_gan_config_set(wk_gan_config *c, const char *name, const char *value);
/* The current value as text (for --help defaults and metadata). */
void wk_gan_config_get(const wk_gan_config *c, const char *name, char *buf, size_t n);
/* Append a JSON object with every setting. */
void wk_gan_config_to_json(const wk_gan_config *c, wk_strbuf *sb);
/* Apply every member of a JSON object (a config file or checkpoint metadata); unknown keys
 * are an error naming them (a typo must not silently be ignored). */
int wk_gan_config_apply_json(wk_gan_config *c, const wk_json *obj, const char *source);
int wk_gan_config_load_file(wk_gan_config *c, const char *path);
/* Cross-setting checks (e.g. batch norm critic with a gradient penalty). */
int wk_gan_config_validate(const wk_gan_config *c);
/* "  --gen-depth N   hidden layers ... (default 3)" lines for --help. */
void wk_gan_config_help(const wk_gan_config *defaults, wk_strbuf *sb);
/* The settings that define a run's problem (its data, the fixed sample and the held-out set
 * drawn from it): a --resume and an eval on the run's own data must share them with the
 * checkpoint. Bits, in the order a difference is reported. */
typedef enum {
    WK_PROBLEM_DATA = 1 << 0,
    WK_PROBLEM_DATA_N = 1 << 1,
    WK_PROBLEM_SEED = 1 << 2,
    WK_PROBLEM_SCALE = 1 << 3,
    WK_PROBLEM_HOLDOUT = 1 << 4,
    WK_PROBLEM_ALL = (1 << 5) - 1
} wk_problem_setting;
/* The first of the settings in `which` (WK_PROBLEM_* bits) where a and b differ; 0 when all agree. */
unsigned wk_gan_config_problem_diff(const wk_gan_config *a, const wk_gan_config *b, unsigned which);

/* ---- data (wk_dataset and its readers: data.h) --------------------------------------- */
/* Load cfg->data: synthetic target or file(s) (comma-separated paths are concatenated),
 * shuffle with the seed, split off cfg->holdout points, scale to [-1, 1]. Rejects NaN/Inf,
 * empty files, with messages naming the file (image sizes: the DCGAN builders, wk_dcgan_spec_shape). */
int wk_dataset_load(const wk_gan_config *cfg, wk_dataset *ds);
/* wk_dataset_load with the data mapped by `map` as stored (a run's resolved scaling, for other
 * data compared with the run: eval --data) instead of resolving cfg->scale on the data. */
int wk_dataset_load_scaled(const wk_gan_config *cfg, const wk_data_scale *map, wk_dataset *ds);
/* wk_dataset_load_scaled; with rows64 non-NULL the files' values as stored (map the identity, no
 * float32 spread check) and *rows64 their float64 values in ds->train's row order, for a later
 * wk_data_scale_apply (NULL for byte files and images, exact or ranged in float32); wk_free it. */
int wk_dataset_load_stored(const wk_gan_config *cfg, const wk_data_scale *map, wk_dataset *ds, double **rows64);
/* wk_dataset_load for data compared with a run whose checkpoint kept no map (older than kept
 * scalings): cfg->scale re-decided on the data by wk_data_scale_redecide (eval --data, data:RUN). */
int wk_dataset_load_redecided(const wk_gan_config *cfg, wk_dataset *ds);
/* Resolve --scale `kind` on a run's training data x [N, ...] (f64: the same values in float64 in
 * x's order, or NULL), once, at train time: auto is u8 (x / 127.5 - 1) only for byte data (`bytes`:
 * every file stored as uint8 NPY/IDX or CIFAR-10, or image-shaped samples [C, H, W]) whose values
 * are integers in 0..255 reaching above 1, else none; minmax maps to [-1, 1] per column of point
 * data [N, D] (sklearn's MinMaxScaler: a constant column goes to -1) and by one range over all
 * values of image data. `what` names the data in errors. */
int wk_data_scale_resolve(wk_scale_kind kind, const wk_tensor *x, const double *f64, int bytes, const char *what,
                          wk_data_scale *out);
/* The map for data compared with a run whose checkpoint predates kept scalings: `kind` (the run's
 * --scale) resolved on x as wgankit resolved it then (float32 values, one range over all values,
 * constant data kept as it is; auto bytes for any integers 0..255 above 1, whatever the file type). The one rule every command
 * and the Python binding use for such a checkpoint (wk_source_run_scale, wk_dataset_load_redecided;
 * Python's sources and Checkpoint.critic(scaled=False)). */
int wk_data_scale_redecide(wk_scale_kind kind, const wk_tensor *x, const char *what, wk_data_scale *out);
/* Whether every file of a comma-separated list is stored as bytes (uint8 NPY, IDX type 0x08,
 * CIFAR-10 .bin), from each file's header as the reader that reads the file parses it. */
int wk_data_files_are_bytes(const char *list);
/* What can be checked of cfg->data without loading it, for sweeps and experiments that refuse
 * bad values before anything runs: a synthetic spec parses and its target initialises; each
 * file opens and is not empty. */
int wk_dataset_check(const wk_gan_config *cfg);
/* 1 when `data` names a synthetic target ("NAME[:k=v,...]"), 0 when it is file(s). */
int wk_dataset_is_synthetic(const char *data);

/* ---- trainer ------------------------------------------------------------------------- */
typedef struct wk_trainer wk_trainer;

/* One evaluation (NaN where not applicable). */
typedef struct wk_gan_metrics {
    int64_t step;
    double w1;            /* exact W1 between eval_n generated and held-out real points */
    double d_d;           /* the co-trained critic's gap E_real D - E_fake D on the same points. Not a
                           * supremum over the critic class (Biau et al.'s d_D): the current critic
                           * only, so it can be below W1 and even negative (a critic that lost track
                           * of a moving generator). Read it against w1, not as a distance. */
    double loss_d, loss_g;
    double grad_norm_d, grad_norm_g; /* parameter-gradient norms of the last step */
    double lip_grad_max, lip_grad_mean, lip_certified, lip_pair_max;
    double modes, hq_pct; /* known mixtures: modes covered, % high-quality samples */
    double n_modes;
    int mix;              /* T; > 1: the mixture weights below were logged */
    double w_g[WK_MIX_MAX], w_d[WK_MIX_MAX];
    double seconds;       /* wall time of training so far */
    double it_per_s;
    /* The real-vs-real floor: exact W1 between the evaluation's held-out real points and another
     * real sample of w1_floor_n points (synthetic: fresh target draws, n = eval_n; files: further
     * held-out rows, else eval_n training rows, n = eval_n; only when neither has eval_n rows the
     * held-out split's two halves, n = half the split, a floor biased high). A perfect
     * generator scores about this (W1 between finite samples is biased upwards, Arora et al.
     * 2017 §3), so the generator's W1 is read as w1 - w1_floor. Computed once per run. */
    double w1_floor, w1_floor_n;
    /* The held-out real points W1, d_D and the floor are measured against: min(eval_n, the
     * held-out split's rows) (metrics.jsonl "w1_real_n"; NaN in logs written before it was kept). */
    double w1_real_n;
    wk_metric_values image; /* FD, KID, IS, PR, DC of image data (image.mask == 0: not computed) */
    /* track_generalization (Arora et al. 2017, §3): the same generated points against n training
     * and n held-out points, n = min(training rows, held-out rows, eval_n), so both sides have
     * one sample size and the gap (heldout − train) has mean 0 unless the generator fits its
     * training sample better than the distribution. NaN when not tracked. */
    double w1_train, w1_heldout, d_d_train, d_d_heldout;
} wk_gan_metrics;

/* Build networks, optimizers and constraint from cfg. `ds` (taken over by the trainer, may be
 * NULL for sample/critic use) must match cfg->sample_shape when that is set. */
int wk_trainer_new(const wk_gan_config *cfg, wk_dataset *ds, wk_trainer **out);
void wk_trainer_free(wk_trainer *t);
const wk_gan_config *wk_trainer_config(const wk_trainer *t);
/* The run's resolved data scaling (wk_data_scale_resolve): its data's when the trainer has data,
 * else the one its checkpoint keeps; NULL for a checkpoint written before runs kept it (callers
 * then fall back to re-resolving the run's --scale on the file at hand, and say so). */
const wk_data_scale *wk_trainer_data_scale(const wk_trainer *t);
int64_t wk_trainer_step_count(const wk_trainer *t);
/* One sample's shape as the trainer parsed it from its sample_shape (its networks' input): the
 * dimensions into shape[WK_MAX_DIMS], their count returned. */
int wk_trainer_sample_shape(const wk_trainer *t, int64_t *shape);
/* Parse a sample_shape ("2", "1x28x28") into *ndim dimensions in shape[WK_MAX_DIMS]: the one
 * parser the trainer and every caller use. Strict: decimal digits joined by single 'x's, no
 * sign, blank or empty part ("2x", "x2", "2xx3", "2x 3", "2x+3" are malformed). WK_EINVAL for a
 * malformed or empty string, a
 * dimension below 1, or a sample of more than 2^30 values (the string may come from a file). */
int wk_gan_sample_shape(const char *s, int *ndim, int64_t *shape);
/* The reverse: ndim dimensions as "1x28x28" into buf (n bytes), returned. */
char *wk_gan_sample_shape_str(int ndim, const int64_t *shape, char *buf, size_t n);
/* One generator step (n_critic critic steps first). WK_ENUMERIC naming the step when a loss or
 * gradient becomes NaN/Inf; the weights are then those of before the failing update. */
int wk_trainer_step(wk_trainer *t);
/* Metrics on the held-out split (needs a dataset). */
int wk_trainer_evaluate(wk_trainer *t, wk_gan_metrics *m);
void wk_gan_metrics_to_json(const wk_gan_metrics *m, wk_strbuf *sb);

/* Checkpoint the whole training state atomically / restore it (same config required). */
int wk_trainer_save(wk_trainer *t, const char *path);
int wk_trainer_load_state(wk_trainer *t, const char *path);

/* One read of a checkpoint for callers that need several of its parts (eval, train --resume,
 * data:RUN): the file is opened and read once, its config parsed and checked against the file's
 * size (as wk_gan_config_from_checkpoint), its kept data scaling parsed (scale.n 0 when an older
 * checkpoint kept none; WK_EFORMAT naming the file for a malformed one), and with
 * WK_CHECKPOINT_ALL its tensors kept in `file` for wk_checkpoint_check_data and the state loads
 * below (WK_CHECKPOINT_SETTINGS frees them at once). Free with wk_checkpoint_free. */
typedef enum { WK_CHECKPOINT_SETTINGS = 0, WK_CHECKPOINT_ALL = 1 } wk_checkpoint_part;
typedef struct wk_checkpoint {
    wk_gan_config cfg;   /* the resolved config stored in its metadata */
    wk_data_scale scale; /* the run's resolved data scaling it keeps (n 0: none) */
    wk_safetensors file; /* the whole file (WK_CHECKPOINT_ALL), else empty */
} wk_checkpoint;
int wk_checkpoint_read(const char *path, wk_checkpoint_part want, wk_checkpoint *out);
void wk_checkpoint_free(wk_checkpoint *c);
/* wk_trainer_load_state from a checkpoint read with WK_CHECKPOINT_ALL. */
int wk_trainer_load_checkpoint(wk_trainer *t, const wk_checkpoint *c);
/* The same for evaluating a checkpoint on data of any size (eval --data): everything but the
 * epoch order of the training rows (state.perm), a training-resume state that evaluation never
 * reads and whose size is that of the data the run was trained on. */
int wk_trainer_load_for_eval(wk_trainer *t, const wk_checkpoint *c);
/* Before the data of a resumed or evaluated run is built from cfg: the checkpoint's data state
 * must fit what cfg will build (a fixed synthetic sample of data_n rows has state.perm I64
 * [data_n]; a mixture of T has mix.logits_g [T]), so a config edited to claim 10^8 rows fails
 * in milliseconds instead of after building them. Errors say what differs, in words. Needs
 * the checkpoint read with WK_CHECKPOINT_ALL. */
int wk_checkpoint_check_data(const wk_checkpoint *c, const wk_gan_config *cfg);
/* The resolved config stored in a checkpoint's metadata. */
int wk_gan_config_from_checkpoint(const char *path, wk_gan_config *cfg);
/* A checkpoint's config made fit for using the checkpoint (sampling, critic values, evaluation)
 * in this process rather than training on: data_parallel off. data_parallel says the run was
 * trained by K ranks; only a resume needs K ranks again (train --resume). The K shards stay,
 * and one process computes them all: the same model (data_parallel.c). */
void wk_gan_config_for_use(wk_gan_config *cfg);
/* A trainer rebuilt from a checkpoint alone (config from its metadata), state restored, for
 * use (wk_gan_config_for_use: a data-parallel run's checkpoint loads in any process, with or
 * without a launcher); wk_trainer_config still reports the run's own data_parallel. */
int wk_trainer_load(const char *path, wk_trainer **out);

/* Generate: z [n, latent_dim] (NULL: draw n codes from the latent law with `seed`) ->
 * out [n, ...sample shape] (allocated). Uses the EMA generator when there is one and use_ema. */
int wk_trainer_sample(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, wk_tensor *out);
/* MIX+GAN: wk_trainer_sample draws each row's generator component with probability w_G from its
 * own stream of `seed` (so with codes z too the rows depend on the seed); here component >= 0
 * takes every row from that component (0..mix-1; a single GAN has component 0), and z then
 * fully determines the output; component -1 is wk_trainer_sample. */
int wk_trainer_sample_component(wk_trainer *t, const wk_tensor *z, int64_t n, uint64_t seed, int use_ema, int component,
                                wk_tensor *out);
/* Critic values d [n] (allocated) and optionally ∇ₓD [n, ...] (allocated) at points x. */
int wk_trainer_critic(wk_trainer *t, const wk_tensor *x, wk_tensor *d, wk_tensor *grad);
/* The critic's Lipschitz bounds at points x [n, ...sample shape] (lipschitz.h). MIX+GAN: those of
 * the mixture critic Σ_j w_D[j]·D_j that wk_trainer_critic evaluates (wk_lipschitz_report_mixture:
 * certified Σ_j w_D[j]·(D_j's bound), measured on the mixture's gradients and values). */
int wk_trainer_lipschitz_report(wk_trainer *t, const wk_tensor *x, wk_lipschitz_report *r);
wk_model *wk_trainer_generator(wk_trainer *t);
wk_model *wk_trainer_critic_model(wk_trainer *t);
wk_dataset *wk_trainer_dataset(wk_trainer *t);

/* ---- a whole run (what `wgankit train` does) ------------------------------------------ */
/* How wk_gan_run treats cfg->out when it already holds a run. */
enum {
    WK_RUN_NEW = 0,    /* refuse (WK_EINVAL) a directory that holds a run */
    WK_RUN_RESUME = 1, /* continue from cfg->out/checkpoint.safetensors */
    WK_RUN_FORCE = 2   /* replace it, but only from this run's first checkpoint on */
};
/* Train cfg->steps generator steps into cfg->out: config.json, metrics.jsonl/.csv,
 * checkpoint.safetensors (every checkpoint_every steps and at the end; config.json is
 * rewritten right after each), checkpoints/step-XXXXXX.safetensors (keep_checkpoints),
 * pictures, curves and report.html. The directory is locked (flock on .wgankit.lock) for the
 * whole run: a second run into it is refused (WK_EINVAL), and temporary files that killed
 * writers left are removed. Progress goes to `log` (a single updating line on a TTY). */
int wk_gan_run(const wk_gan_config *cfg, int mode, FILE *log);

#ifdef __cplusplus
}
#endif
#endif
