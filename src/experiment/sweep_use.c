/* sweep_use.c — how the experiments train: a sweep spec (sweep.h) built from an experiment's
 * recipe (its fixed train settings), the user's train overrides (which win over the recipe),
 * grid axes and seeds, validated before anything runs; run on the local process pool with
 * --jobs workers (or the MPI executor under mpirun); and the per-point results read back. The training itself is the sweep
 * engine's (resumable, failed points recorded with their step), never re-implemented here. */
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"

int wk__expt_sweep_spec(const wk_expt_ctx *c, const char *sub, const char *const *recipe, const char *const *axes,
                        const char *seeds, wk_sweep_spec *s) {
    wk_sweep_spec_init(s);
    s->progress = 0;
    s->retry_failed = c->retry_failed; /* this invocation's choice, as sweep's: not part of sweep.json */
    int rc = WK_OK;
    if ((size_t)snprintf(s->out, sizeof s->out, "%s/%s", c->out, sub) >= sizeof s->out)
        return wk_errorf(WK_EINVAL, "--out %s: too long", c->out);
    for (int i = 0; recipe && recipe[i] && !rc; i += 2) {
        int overridden = 0;
        for (int k = 0; k < c->n_train; k++)
            if (!strcmp(c->train_key[k], recipe[i])) overridden = 1;
        for (int a = 0; axes && axes[a]; a++)
            if (!strncmp(axes[a], recipe[i], strlen(recipe[i])) && axes[a][strlen(recipe[i])] == '=') overridden = 1;
        if (!overridden) rc = wk_sweep_spec_set(s, recipe[i], recipe[i + 1]);
    }
    for (int k = 0; k < c->n_train && !rc; k++) rc = wk_sweep_spec_set(s, c->train_key[k], c->train_value[k]);
    for (int a = 0; axes && axes[a] && !rc; a++) rc = wk_sweep_spec_add_axis(s, axes[a]);
    if (!rc) rc = wk_sweep_spec_set_seeds(s, seeds);
    if (!rc) rc = wk_sweep_spec_validate(s);
    if (rc) return wk_error_context(rc, "%s (training plan %s)", c->e->name, sub);
    return WK_OK;
}

int wk__expt_sweep_run(const wk_expt_ctx *c, const wk_sweep_spec *s, wk_sweep_summary *sum) {
    wk_sweep_executor ex;
    int rc = WK_OK;
    if (c->executor) ex = *c->executor;
    else if ((rc = wk_sweep_local_executor(&ex, c->exe ? c->exe : "/proc/self/exe", c->jobs))) return rc;
    if (c->log)
        fprintf(c->log, "%s: training %lld runs in %s (%s %d)\n", c->e->name, (long long)wk_sweep_n_points(s), s->out,
                c->executor ? "ranks" : "--jobs", c->executor ? ex.slots : c->jobs);
    rc = wk_sweep_run(s, &ex, c->log, sum);
    if (!c->executor && ex.destroy) ex.destroy(ex.ctx);
    if (!rc && c->log)
        fprintf(c->log, "%s: %lld runs: %lld done, %lld failed, %lld finished earlier\n", c->e->name, (long long)sum->points,
                (long long)sum->done, (long long)sum->failed, (long long)sum->skipped);
    return rc;
}

int wk__expt_estimate_training(const wk_expt_ctx *c, const wk_sweep_spec *s, int64_t heaviest, double *seconds) {
    wk_sweep_point p;
    wk_gan_config cfg;
    int threads = 1, rc = wk_sweep_point_at(s, heaviest, &p);
    if (!rc) rc = wk_sweep_point_config(s, &p, threads, &cfg);
    double per_step = 0, eval = 0;
    if (!rc) rc = wk_expt_time_train_step(&cfg, 10, &per_step, &eval);
    if (rc) return wk_error_context(rc, "%s: timing a training step", c->e->name);
    /* every point at the heaviest point's cost (an upper bound), --jobs at once; a run also pays its
     * evaluations (step 0, every eval_every, the end) and about a second of process start-up and
     * checkpoint writing */
    double evals = 2 + (cfg.eval_every > 0 ? (double)(cfg.steps / cfg.eval_every) : 0);
    *seconds = (per_step * (double)cfg.steps + eval * evals + 1.0) * (double)wk_sweep_n_points(s) / c->jobs;
    return WK_OK;
}
