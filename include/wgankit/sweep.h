/* sweep.h — many `train` runs over a grid of settings and seeds, one process per point.
 *
 * A sweep is (spec) fixed train settings + grid axes (KEY = V1, V2, ...) + seeds. Its plan is
 * the cross product, in a fixed order: the first axis varies slowest, the seed fastest:
 *
 *     point index i  <->  (v_0, v_1, ..., v_{A-1}, seed)   mixed radix, radices n_0, ..., n_{A-1}, n_seeds
 *
 * Nothing is stored per point in memory: a point (its name, config and train arguments) is
 * computed from (spec, index) on demand, so the controller's memory does not grow with the grid
 * (issue 17: under 50 MB whatever the grid size). A point's state lives on disk (below); the
 * controller holds only the running points (in the executor). Measured: 6.4 MB peak RSS for a
 * --dry-run of 800,000 points, 6.7 MB while running that grid.
 *
 * Layout of the sweep directory spec->out:
 *
 *     sweep.json                  the grid, seeds and fixed settings (what the results depend on;
 *                                 not --jobs, not --threads); a rerun must match it
 *     runs/<point>/               the point's own `train` run directory (config.json, metrics.jsonl,
 *                                 checkpoint.safetensors, report.html, ...) plus
 *     runs/<point>/train.log      the child's stdout and stderr
 *     runs/<point>/point.json     written by the controller when the point ended: {"status": "done" |
 *                                 "failed", "exit": int, "signal": int, "failed_step": int | null,
 *                                 "message": str, "wall_s": seconds}. Its presence = finished.
 *     results.csv, results.jsonl  one row per point in plan order (wk_sweep_collect)
 *     plot-<metric>-*.png/.svg    wk_sweep_plot
 *     report.html                 wk_sweep_report
 *
 * Workers and determinism. Points are run by an executor, an abstract pool of `slots` workers
 * with two callbacks: start(point) and wait_any() -> (a finished point, its outcome). The local
 * executor (wk_sweep_local_executor) forks `exe train ARGS...` per point; an MPI executor (issue
 * 16) hands the same argument vectors to ranks. A point's result depends only on its argument
 * vector (wk_sweep_point_argv: settings, --seed, --out, --threads), never on which worker or in
 * which order it runs: a point's thread count is fixed by the spec (or the executor's
 * threads_per_point), and its run directory is its own.
 *
 * Resuming. A point with point.json is finished (done or failed) and skipped; a point whose
 * directory holds checkpoint.safetensors continues with `train --resume` (bit-identical to an
 * uninterrupted run, gan.h); a point whose directory exists without a checkpoint starts over
 * with `train --force`. A kill -9 of the controller therefore loses at most one checkpoint
 * interval of each running point (the local executor's children die with it: PR_SET_PDEATHSIG).
 *
 * Errors: WK_EINVAL (bad spec, a sweep.json that does not match, messages name the flag / key /
 * value), WK_EIO (files), WK_ENOMEM; the library never exits. A point that fails is not an
 * error of the sweep: it is recorded as failed and the sweep goes on. */
#ifndef WGANKIT_SWEEP_H
#define WGANKIT_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "wgankit/gan.h"
#include "wgankit/json.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WK_SWEEP_KEY 64         /* longest setting key + 1 */
#define WK_SWEEP_MAX_AXES 16    /* grid keys */
#define WK_SWEEP_MAX_VALUES 4096 /* values per axis, seeds per sweep */
#define WK_SWEEP_MAX_POINTS 10000000 /* the plan's size limit (points = product of axis sizes x seeds) */
#define WK_SWEEP_NAME 192       /* longest point name + 1 */

/* One grid axis: a train setting and its values (text as given; each passed wk_gan_config_set). */
typedef struct wk_sweep_axis {
    char key[WK_SWEEP_KEY]; /* canonical setting key ("gen_depth", also when given as "gen-depth") */
    int n;                  /* number of values, 1..WK_SWEEP_MAX_VALUES */
    char **values;          /* [n] NUL-terminated, distinct */
} wk_sweep_axis;

/* One fixed train setting of every point. */
typedef struct wk_sweep_setting {
    char key[WK_SWEEP_KEY]; /* canonical key */
    char *value;            /* as given on the command line (its resolved form is what sweep.json holds) */
} wk_sweep_setting;

typedef struct wk_sweep_spec {
    char out[WK_GAN_STR];   /* the sweep directory */
    int n_axes;             /* 0..WK_SWEEP_MAX_AXES (0: one point per seed) */
    wk_sweep_axis axes[WK_SWEEP_MAX_AXES];
    int n_seeds;            /* >= 1 after wk_sweep_spec_validate (default: the base config's seed) */
    uint64_t *seeds;        /* [n_seeds], distinct */
    int n_settings;
    wk_sweep_setting *settings; /* [n_settings], keys distinct and not grid keys */
    int threads;            /* --threads of every point; 0 = the executor's threads_per_point. Not part of
                             * sweep.json: a resumed sweep may use another. */
    char plot_metric[WK_SWEEP_KEY]; /* the metric plotted (a key of metrics.jsonl); default "w1" */
    int progress;           /* -1 auto (a TTY), 0 off, 1 on: the controller's one updating line */
    int retry_failed;       /* 1: a point recorded failed is run again, from its checkpoint when it has
                             * one (its point.json removed first); not part of sweep.json */
} wk_sweep_spec;

/* Empty spec: no axes, no seeds, no settings, threads 0, plot_metric "w1", progress -1, retry_failed 0. */
void wk_sweep_spec_init(wk_sweep_spec *s);
void wk_sweep_spec_free(wk_sweep_spec *s);
/* Add an axis from "KEY=V1,V2,..." (or "KEY=V1;V2;..." when a value holds commas: a list with a
 * ';' is split at ';' only; a data value that reads as a comma-cut option is refused saying so). WK_EINVAL naming the argument when: no '=', an unknown
 * setting, a key reserved to the sweep (seed: use seeds; out, threads, progress), a key already a
 * grid axis or a fixed setting, an empty value list or an empty value, a repeated value (compared
 * as the setting holds it: 1e-4 and 0.0001 are one value), too
 * many values or axes, or a value the setting refuses (wk_gan_config_set's message). */
int wk_sweep_spec_add_axis(wk_sweep_spec *s, const char *arg);
/* Add a fixed setting (key in either spelling); a setting given again takes the later value (as
 * train's flags). Refused: an unknown key, a value the setting refuses, a grid key, "out".
 * "seed" sets a single seed (as wk_sweep_spec_set_seeds), "threads" sets s->threads and
 * "progress" is ignored (points log plain lines into train.log). */
int wk_sweep_spec_set(wk_sweep_spec *s, const char *key, const char *value);
/* Seeds from "0,1,2" (integers 0..2^63-1, distinct, at most WK_SWEEP_MAX_VALUES). WK_EINVAL
 * naming the bad item. Replaces earlier seeds. */
int wk_sweep_spec_set_seeds(wk_sweep_spec *s, const char *list);
/* Final checks: out set, at least one seed (defaulting to the base config's), the plan's size
 * within WK_SWEEP_MAX_POINTS, and every point's config (defaults + settings + its grid values +
 * seed) passing wk_gan_config_validate; the message names the first failing point's values. */
int wk_sweep_spec_validate(wk_sweep_spec *s);

/* ---- the plan ---------------------------------------------------------------------------- */
/* Points in plan order (see the top of this file). */
int64_t wk_sweep_n_points(const wk_sweep_spec *s);

typedef struct wk_sweep_point {
    int64_t index;                     /* 0..n_points-1 */
    int value[WK_SWEEP_MAX_AXES];      /* index into axes[a].values */
    uint64_t seed;
    /* Stable directory name: "p<index, zero-padded to the plan's width>_<key>=<value>_..._seed=<seed>",
     * characters outside [A-Za-z0-9._=+-] written as ~XX (their byte in hex), so a name keeps its
     * value; cut to WK_SWEEP_NAME - 1 bytes (the index keeps names unique). Depends only on the spec, so it names the same run on every rerun. */
    char name[WK_SWEEP_NAME];
} wk_sweep_point;

/* Point `index` (WK_EINVAL when out of range). */
int wk_sweep_point_at(const wk_sweep_spec *s, int64_t index, wk_sweep_point *p);
/* The point's resolved config: defaults, the fixed settings, its grid values, its seed, its
 * out = <spec out>/runs/<name>, threads as wk_sweep_point_argv. Validated. */
int wk_sweep_point_config(const wk_sweep_spec *s, const wk_sweep_point *p, int threads, wk_gan_config *cfg);
/* The point's directory "<out>/runs/<name>" into buf (WK_EINVAL when it does not fit). */
int wk_sweep_point_dir(const wk_sweep_spec *s, const wk_sweep_point *p, char *buf, size_t n);

/* A train argument vector: argv[0] = "train", then the fixed settings and the point's grid values
 * as "--flag value", "--seed S", "--threads T" (T = s->threads when > 0, else `threads`),
 * "--out DIR" and, by the directory's state, "--resume DIR" (a checkpoint) or "--force" (a
 * directory without one); argv[argc] = NULL. One allocation; free with wk_sweep_argv_free. */
typedef struct wk_sweep_argv {
    int argc;
    char **argv;
} wk_sweep_argv;
int wk_sweep_point_argv(const wk_sweep_spec *s, const wk_sweep_point *p, int threads, wk_sweep_argv *out);
void wk_sweep_argv_free(wk_sweep_argv *a);

/* ---- a point's state on disk ------------------------------------------------------------- */
typedef enum {
    WK_POINT_NEW = 0,  /* no directory */
    WK_POINT_STARTED,  /* a directory without checkpoint.safetensors: starts over (--force) */
    WK_POINT_PARTIAL,  /* a checkpoint, no point.json: resumes (--resume) */
    WK_POINT_DONE,     /* point.json, status "done" */
    WK_POINT_FAILED    /* point.json, status "failed" (diverged, crashed, refused) */
} wk_point_state;

typedef struct wk_sweep_result {
    wk_point_state state;
    int exit_code;         /* the train process's exit status; -1 when killed by a signal */
    int signal;            /* the signal that ended it, 0 if none */
    int64_t failed_step;   /* the generator step a diverged run failed at ("step N: ..."); -1 unknown / none */
    double wall_s;         /* seconds of the process that finished the point (the last part of a resumed point;
                            * metrics' time_s holds the training time of all parts) */
    char message[256];     /* failed: the last "wgankit train: ..." line of train.log */
    wk_json *metrics;      /* done: the last line of metrics.jsonl as an object (owned; NULL otherwise) */
} wk_sweep_result;

/* Read a point's state (point.json, checkpoint, last metrics line). A malformed point.json or
 * metrics line is WK_EFORMAT naming the file. Free with wk_sweep_result_free. */
int wk_sweep_point_result(const wk_sweep_spec *s, const wk_sweep_point *p, wk_sweep_result *r);
void wk_sweep_result_free(wk_sweep_result *r);

/* ---- workers ----------------------------------------------------------------------------- */
/* How a started point ended, as a worker saw it. */
typedef struct wk_sweep_outcome {
    int64_t index;  /* the point */
    int exit_code;  /* exit status of `train`; -1 when killed by a signal */
    int signal;     /* the killing signal, else 0 */
    double wall_s;  /* seconds from start to end */
    /* 1: the worker itself was lost (an MPI rank that died or went silent): the point did not
     * end, it is not recorded and reruns on resume, and the executor has one slot fewer. */
    int lost;
} wk_sweep_outcome;

/* A pool of `slots` workers. The engine calls start() at most `slots` times before each wait_any().
 * A point's result must not depend on the worker: an executor runs exactly the given argument
 * vector (as `wgankit <argv...>`) with its stdout and stderr into log_path (appended), in a
 * filesystem the controller sees. */
typedef struct wk_sweep_executor {
    void *ctx;
    int slots;             /* points run at once, >= 1 */
    int threads_per_point; /* --threads of a point when the spec leaves it at 0, >= 1 */
    /* Start point `index`. WK_OK, or an error that ends the sweep (running points are stopped). */
    int (*start)(void *ctx, int64_t index, char *const argv[], const char *log_path);
    /* Block until a started point has ended and describe it in *out. WK_EINTR when a signal
     * interrupted the wait (the engine then stops on SIGINT/SIGTERM, or refreshes its progress
     * line and waits again); other errors end the sweep. */
    int (*wait_any)(void *ctx, wk_sweep_outcome *out);
    /* Stop every running point and reap it (the engine calls it on an error or interrupt). */
    void (*stop)(void *ctx);
    /* Release ctx (after stop). */
    void (*destroy)(void *ctx);
} wk_sweep_executor;

/* Local process pool: each point is a child process `exe argv...` (exe: this binary,
 * "/proc/self/exe"), in its own process group, killed when the controller dies
 * (PR_SET_PDEATHSIG = SIGKILL), so no orphan holds a run's lock. threads_per_point =
 * max(1, cores / jobs), cores = the CPUs this process may run on (its affinity mask, as train's
 * "all cores"). jobs in 1..1024. */
int wk_sweep_local_executor(wk_sweep_executor *ex, const char *exe, int jobs);

/* ---- the whole sweep --------------------------------------------------------------------- */
typedef struct wk_sweep_summary {
    int64_t points, done, failed, skipped; /* skipped: finished before this invocation */
    double wall_s;                         /* of this invocation */
} wk_sweep_summary;

/* Run a validated spec: refuse an out holding a run or an experiment (result_dir.h), create or check out/sweep.json (a different grid, seeds or setting is
 * WK_EINVAL saying what differs), run every unfinished point in plan order on `ex` (at most
 * ex->slots at once, less the workers lost), record each ending in point.json, then
 * wk_sweep_collect, wk_sweep_plot and wk_sweep_report. Points of lost workers are not recorded:
 * the other points still run, then WK_ESYSTEM names the lost points (rerun to resume them). Progress to `log` (one updating line when spec->progress says so), nothing
 * per point otherwise. Failed points do not make it fail; a rerun keeps them failed unless
 * spec->retry_failed, which runs them again (from their checkpoints). `sum` may be NULL. On WK_EINTR the
 * running points were stopped and keep their checkpoints (rerun to resume). */
int wk_sweep_run(const wk_sweep_spec *spec, const wk_sweep_executor *ex, FILE *log, wk_sweep_summary *sum);

/* out/results.csv and out/results.jsonl, atomically, one row per point in plan order:
 * index, point, each grid key, each fixed setting (its resolved value), seed, status (done | failed | pending), failed_step, every
 * member of the point's last metrics.jsonl line (numbers; null/empty when absent, the columns
 * are the union over points in order of first appearance), wall_s. The time columns are
 * "time_s", "speed_it_s" (from metrics.jsonl) and "wall_s"; the rest is the same for the same spec
 * whatever the executor (and, for networks small enough that no product is split over threads,
 * whatever the thread count; otherwise the thread count is part of the result, gan.h). Counts into `sum` when non-NULL (points, done, failed). */
int wk_sweep_collect(const wk_sweep_spec *spec, wk_sweep_summary *sum);

/* Plots of `metric` (NULL: spec->plot_metric) over the done points, PNG and SVG with axis titles
 * and a legend: with >= 2 axes a heatmap over the first two (mean over seeds and any further
 * axes; each cell shows mean, ± standard deviation and n/N when points failed), with >= 1 axis
 * lines with error bars (mean ± standard deviation over seeds) over the first axis, one line per
 * value of the second. Files: out/plot-<metric>-heatmap.{png,svg}, out/plot-<metric>-lines.{png,svg}.
 * Non-numeric axis values are placed at equal spacing. WK_EINVAL when no done point has the metric. */
int wk_sweep_plot(const wk_sweep_spec *spec, const char *metric);

/* out/report.html: the grid, a table of points (status, failed step, the plot metric) linking
 * each run's own report.html, and the plots. */
int wk_sweep_report(const wk_sweep_spec *spec);

/* out/sweep.json text of a spec (the grid, seeds and resolved fixed settings). */
int wk_sweep_spec_to_json(const wk_sweep_spec *spec, wk_strbuf *sb);
/* Compare a spec with an existing out/sweep.json (absent: WK_OK and *exists = 0). WK_EINVAL
 * naming the first difference ("grid key gen_depth: values 1,2 in DIR/sweep.json, 1,2,3 now"). */
int wk_sweep_check_dir(const wk_sweep_spec *spec, int *exists);

#ifdef __cplusplus
}
#endif
#endif
