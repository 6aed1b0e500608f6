/* experiment.h — the papers' experiments, one preset each (`wgankit experiment NAME`):
 *
 *   biau-equivalence   is d_D monotonously equivalent to d_Lip = W1 on a family of generators?
 *   biau-depth         generator depth p x critic depth q: the final W1, judged the authors' way
 *   biau-sample-size   the empirical WGAN's excess error against the training-sample size n
 *   arora-w1           W1 vs d_NN between two samples of N(0, I/d) as m grows
 *   mixgan             a single GAN against MIX+GAN (T = 5, same parameter budget)
 *   arora-birthday     birthday-test support estimates of generators of growing size
 *
 * An experiment is a set of knobs (every one an override, with a value per scale), training runs
 * through the sweep engine (sweep.h: one `train` process per point, resumable), measurements on
 * the trained generators (exact W1, d_D by a fresh critic, ...) and its analysis. Each writes, in
 * its output directory: results.csv, figures (PNG and SVG), report.html and SUMMARY.md; the report
 * and the summary state the paper's claim in one sentence and our measurement beside it, computed
 * from the data. Failed points are counted and named, never averaged away.
 *
 * Everything a user gives is checked before anything runs (wk_expt_set, wk_expt_prepare):
 * unknown knobs, values out of range, train settings the trainer refuses, grids the sweep refuses,
 * and an output directory holding a run, a sweep, another experiment or this one with other knobs
 * (result_dir.h: the experiment records its name and knobs in DIR/wgankit-dir.json). Verdicts are
 * decided from intervals, never from a point estimate alone (verdict.c). */
#ifndef WGANKIT_EXPERIMENT_H
#define WGANKIT_EXPERIMENT_H

#include <stdint.h>
#include <stdio.h>

#include "wgankit/gan.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_EXPT_QUICK = 0, WK_EXPT_PAPER } wk_expt_scale;
typedef enum { WK_KNOB_INT = 0, WK_KNOB_FLOAT, WK_KNOB_INTS, WK_KNOB_FLOATS, WK_KNOB_TEXT } wk_knob_kind;

/* One knob of an experiment. Lists are comma-separated; every number must lie in [lo, hi]. */
typedef struct wk_expt_knob {
    const char *name;   /* key spelling ("nnd_steps"); the flag is --nnd-steps */
    wk_knob_kind kind;
    double lo, hi;
    const char *quick;  /* value at --scale quick */
    const char *paper;  /* value at --scale paper (the papers' or the authors' code's sizes) */
    const char *help;
} wk_expt_knob;

#define WK_EXPT_MAX_KNOBS 32
#define WK_EXPT_MAX_TRAIN 48
#define WK_EXPT_VALUE 512
#define WK_EXPT_MAX_LIST 64

struct wk_expt_ctx;

typedef struct wk_experiment {
    const char *name;
    const char *title;
    const char *claim;   /* the paper's claim in one sentence */
    const char *source;  /* where the claim is: "Biau et al. 2021, §4" */
    const wk_expt_knob *knobs;
    int n_knobs;
    int trains;          /* 1: train settings (any `wgankit train` flag) are accepted as overrides */
    /* Cross-checks of the resolved knobs and the training plan (nothing runs): WK_EINVAL naming
     * the knob. May be NULL. */
    int (*check)(struct wk_expt_ctx *c);
    /* Expected wall time in seconds, from per-step times measured now on this machine. */
    int (*estimate)(struct wk_expt_ctx *c, double *seconds);
    int (*run)(struct wk_expt_ctx *c);
} wk_experiment;

int wk_experiment_count(void);
const wk_experiment *wk_experiment_at(int i);
const wk_experiment *wk_experiment_find(const char *name); /* NULL when unknown */
int wk_expt_scale_parse(const char *s, wk_expt_scale *out);
const char *wk_expt_scale_name(wk_expt_scale s);

typedef struct wk_expt_ctx {
    const wk_experiment *e;
    wk_expt_scale scale;
    char out[WK_GAN_STR];
    int jobs;
    int retry_failed; /* 1: training runs recorded failed run again (the sweep's --retry-failed) */
    char value[WK_EXPT_MAX_KNOBS][WK_EXPT_VALUE]; /* resolved knob values, in knob order */
    int set_by_user[WK_EXPT_MAX_KNOBS];
    int n_train; /* train-setting overrides passed to every training run */
    char train_key[WK_EXPT_MAX_TRAIN][64];
    char train_value[WK_EXPT_MAX_TRAIN][WK_EXPT_VALUE];
    const char *exe; /* the wgankit binary the sweep runs points with */
    /* The executor of the trainings: NULL, the local pool of `jobs` workers; else this one (the
     * MPI executor of mpirun -np K wgankit experiment, dist.h), not destroyed by the experiment. */
    const struct wk_sweep_executor *executor;
    FILE *log;       /* progress (NULL: quiet) */
    double started;  /* wall clock at the start of the run (for the summary) */
} wk_expt_ctx;

/* Defaults of experiment e at scale s, out = "experiments/NAME", jobs 1. */
void wk_expt_init(wk_expt_ctx *c, const wk_experiment *e, wk_expt_scale s);
/* Reset every knob the user did not set to its value at scale s. */
void wk_expt_set_scale(wk_expt_ctx *c, wk_expt_scale s);
/* Set a knob (either spelling) or, when the experiment trains, a train setting (checked by
 * wk_gan_config_set). WK_EINVAL naming the key: unknown, badly formed, out of range; the
 * sweep-owned train settings (seed, out, threads) are refused (use the experiment's knobs). */
int wk_expt_set(wk_expt_ctx *c, const char *key, const char *value);
/* Every check that can be made before running: knob lists, the experiment's own check (its
 * sweep specs validated). */
int wk_expt_prepare(wk_expt_ctx *c);
/* Run it (prepare first). Exit-code meaning as everywhere: WK_EINVAL bad input, others runtime. */
int wk_expt_run(wk_expt_ctx *c);
/* "  --name VALUE   help (quick: ..., paper: ...)" lines of an experiment's knobs. */
void wk_expt_help(const wk_experiment *e, wk_strbuf *sb);

/* Knob values (by name; the experiment's own table guarantees the kind). */
int64_t wk_expt_int(const wk_expt_ctx *c, const char *name);
double wk_expt_float(const wk_expt_ctx *c, const char *name);
const char *wk_expt_text(const wk_expt_ctx *c, const char *name);
/* A list knob into v (at most WK_EXPT_MAX_LIST); returns the count. */
int wk_expt_list(const wk_expt_ctx *c, const char *name, double *v);

/* ---- measurement pieces (measure.c) --------------------------------------------------- */
/* d_Lip(A, B) = W1 by the exact solver between n fresh draws of each source (source.h), `repeats`
 * times, every draw from one rng seeded with `seed`: the mean with its 95 % t-interval. */
struct wk_source;
struct wk_interval;
int wk_expt_w1_repeated(struct wk_source *a, struct wk_source *b, int64_t n, int repeats, uint64_t seed, int threads,
                        struct wk_interval *out);
/* d_D(A, B): the held-out neural net distance (nnd.h) of a fresh GroupSort critic (Björck) of
 * depth q and the given width, fitted on m + m points for at most `steps` steps (no early stop),
 * `repeats` times: mean and standard error. */
int wk_expt_d_d(struct wk_source *a, struct wk_source *b, int q, int64_t width, int64_t m, int64_t steps, int repeats,
                uint64_t seed, int threads, double *mean, double *se);
/* d_D(μ_n, μ*) of a finite sample itself (Biau et al. §5: the IPM between the empirical measure
 * and the population): a fresh critic of depth q fitted on all n rows against N target draws and
 * read on the same n rows against N fresh target draws (the sample is the measure, so it is not
 * split; the target side is held out). */
struct wk_tensor;
int wk_expt_d_d_sample(const struct wk_tensor *rows, struct wk_source *target, int q, int64_t width, int64_t N, int64_t steps,
                       uint64_t seed, int threads, double *out);
/* Seconds per generator step of a training config, measured now (a trainer built in this process,
 * `steps` steps after one warm-up step), and of one evaluation (W1 with its floor, d_D, ...;
 * eval_seconds may be NULL). */
int wk_expt_time_train_step(const wk_gan_config *cfg, int steps, double *seconds, double *eval_seconds);

#ifdef __cplusplus
}
#endif
#endif
