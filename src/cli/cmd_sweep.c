/* cmd_sweep.c — `wgankit sweep --grid KEY=V1,V2,... [--grid ...] [--seeds 0,1,2] [--jobs N]
 * --out DIR [--plot-metric NAME] [--dry-run] [--SETTING VALUE ...]`: a thin layer over
 * wk_sweep_run with the local executor (sweep.h), or under mpirun the MPI one (dist.h). Every argument is checked, and every point's
 * config validated, before anything runs (exit 2 naming the flag, key or value). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/result_dir.h"
#include "wgankit/sweep.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit sweep --grid KEY=V1,V2,... [--grid ...] [--seeds 0,1,2] [--jobs N] --out DIR\n"
               "                     [--plot-metric NAME] [--dry-run] [--retry-failed] [--SETTING VALUE ...]\n\n"
               "Train one run per point of the cross product of the grid values and the seeds, each as its own\n"
               "`wgankit train` process, into DIR/runs/<point>/ (the name holds the point's index, values and seed).\n"
               "  --grid KEY=V1,...  a train setting (either spelling: gen_depth, gen-depth) and its values; repeat\n"
               "                     for more keys (the first varies slowest). Not: seed, out, threads, progress.\n"
               "                     Values holding commas are separated by ';': --grid 'data=gmm:k=3,sigma=0.1;ring'.\n"
               "  --seeds LIST       comma-separated seeds (default: --seed, else train's default seed)\n"
               "  --jobs N           points run at once (default 1); each gets --threads max(1, cores/N) unless\n"
               "                     --threads is given. Not part of the result: a resumed sweep may use another N.\n"
               "  --out DIR          the sweep directory (required)\n"
               "  --plot-metric M    the metric of the plots (a number of metrics.jsonl, or an array entry as results.csv names it,\n"
               "                     mix_w_g[0]; checked before anything runs; default w1)\n"
               "  --dry-run          check everything and list each point with its train arguments; run nothing\n"
               "  --retry-failed     run the points recorded failed again (a rerun keeps them failed otherwise): each\n"
               "                     resumes from its last checkpoint (a point killed by a signal, e.g. the OOM killer,\n"
               "                     continues; a diverging one diverges again), or starts afresh without one\n"
               "  --dist-timeout S   under mpirun: a rank silent for S seconds (default 600) is lost; with mpirun\n"
               "                     --enable-recovery its point is left for a rerun, the other ranks go on, and the\n"
               "                     job ends naming it, without results.csv (mpirun itself then exits 0)\n"
               "  --SETTING VALUE    any train setting (wgankit train --help), the same for every point\n\n"
               "DIR gets sweep.json (grid, seeds, settings), results.csv and results.jsonl (one row per point in plan\n"
               "order: grid and fixed settings, seed, status, failed_step, the final metrics, wall_s), plot-<metric>-heatmap and\n"
               "-lines (.png, .svg) and report.html. Rerunning the same command resumes: finished points are kept,\n"
               "unfinished ones continue from their checkpoints; another grid, seed list or setting is refused (exit 2).\n"
               "A point that diverges or fails is recorded as failed (with its step and why) and the sweep goes on;\n"
               "the same command with --retry-failed runs the failed points again.\n"
               "Exit: 0 when every point ended (failed points included), 2 bad usage, 1 runtime failure.\n");
}

/* mpi: the MPI executor (rank 0 of mpirun -np K wgankit sweep ...), or NULL for the local one. */
static int sweep_main(int argc, char **argv, const wk_sweep_executor *mpi) {
    wk_sweep_spec spec;
    wk_sweep_spec_init(&spec);
    long long jobs = 1;
    double dist_timeout = 0;
    int jobs_given = 0, dry = 0, seeds_given = 0, seed_given = 0, rc = 0;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            goto done;
        }
        if (!strcmp(a, "--dry-run")) {
            dry = 1;
            continue;
        }
        if (!strcmp(a, "--retry-failed")) { /* this invocation's choice, not part of sweep.json */
            spec.retry_failed = 1;
            continue;
        }
        if (strncmp(a, "--", 2) || !(v = cli_value("sweep", argc, argv, &i))) {
            if (strncmp(a, "--", 2)) fprintf(stderr, "wgankit sweep: unexpected argument '%s' (see wgankit sweep --help)\n", a);
            rc = 2;
            goto done;
        }
        int lrc = WK_OK;
        if (!strcmp(a, "--grid")) lrc = wk_sweep_spec_add_axis(&spec, v);
        else if (!strcmp(a, "--seeds")) lrc = wk_sweep_spec_set_seeds(&spec, v), seeds_given++;
        else if (!strcmp(a, "--jobs")) {
            jobs_given = 1;
            if (!cli_parse_int("sweep", "--jobs", v, 1, 1024, &jobs)) {
                rc = 2;
                goto done;
            }
        } else if (!strcmp(a, "--out")) {
            if (!*v || strlen(v) >= sizeof spec.out - 64) {
                fprintf(stderr, "wgankit sweep: --out: '%s' is empty or too long\n", v);
                rc = 2;
                goto done;
            }
            out = v;
        } else if (!strcmp(a, "--plot-metric")) {
            if (!*v || strlen(v) >= sizeof spec.plot_metric) {
                fprintf(stderr, "wgankit sweep: --plot-metric: '%s' is empty or too long\n", v);
                rc = 2;
                goto done;
            }
            snprintf(spec.plot_metric, sizeof spec.plot_metric, "%s", v);
        } else if (!strcmp(a, "--progress")) {
            long long p;
            if (!cli_parse_int("sweep", "--progress", v, -1, 1, &p)) {
                rc = 2;
                goto done;
            }
            spec.progress = (int)p;
        } else if (!strcmp(a, "--dist-timeout")) { /* the executor's, not the points' (not in sweep.json) */
            if (!cli_parse_double("sweep", a, v, 1, 1e6, &dist_timeout)) {
                rc = 2;
                goto done;
            }
        } else if (wk_gan_setting_find(a + 2)) {
            if (!strcmp(a + 2, "seed")) seed_given++;
            lrc = wk_sweep_spec_set(&spec, a + 2, v);
        } else {
            fprintf(stderr, "wgankit sweep: unknown flag '%s' (not a sweep flag nor a train setting; see wgankit train --help)\n", a);
            rc = 2;
            goto done;
        }
        if (lrc) {
            fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
            rc = 2;
            goto done;
        }
        if ((seed_given && seeds_given) || seeds_given > 1 || seed_given > 1) {
            fprintf(stderr, "wgankit sweep: give the seeds once (--seeds LIST, or --seed N for one)\n");
            rc = 2;
            goto done;
        }
    }
    if (!out) {
        fprintf(stderr, "wgankit sweep: --out DIR is required (the sweep directory)\n");
        rc = 2;
        goto done;
    }
    snprintf(spec.out, sizeof spec.out, "%s", out);
    if (wk_sweep_spec_validate(&spec)) {
        fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
        rc = 2;
        goto done;
    }
    int64_t n = wk_sweep_n_points(&spec);
    if (mpi && jobs_given) {
        fprintf(stderr, "wgankit sweep: under mpirun each rank runs one point at a time: --jobs does not apply (use -np)\n");
        rc = 2;
        goto done;
    }
    wk_sweep_executor ex;
    if (mpi && dist_timeout > 0) wk_dist_sweep_set_timeout(mpi, dist_timeout); /* the ranks' heartbeats (dist.h) */
    if (mpi) ex = *mpi;
    else if ((rc = wk_sweep_local_executor(&ex, "/proc/self/exe", (int)jobs))) {
        fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
        rc = cli_exit_code(rc);
        goto done;
    }
    if (dry) {
        int exists = 0;
        if (wk_result_dir_check(spec.out, WK_DIR_SWEEP, NULL, NULL, "--out") || wk_sweep_check_dir(&spec, &exists)) {
            fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
            rc = 2;
        }
        for (int64_t i = 0; i < n && !rc; i++) {
            wk_sweep_point p;
            wk_sweep_argv av;
            if (wk_sweep_point_at(&spec, i, &p) || wk_sweep_point_argv(&spec, &p, ex.threads_per_point, &av)) {
                fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
                rc = 1;
                break;
            }
            fputs(p.name, stdout);
            for (int k = 0; k < av.argc; k++) printf(" %s", av.argv[k]);
            putchar('\n');
            wk_sweep_argv_free(&av);
        }
        if (!rc) printf("%lld points, %d at once with --threads %d each (dry run: nothing ran)\n", (long long)n, ex.slots,
                        spec.threads > 0 ? spec.threads : ex.threads_per_point);
        if (!mpi) ex.destroy(ex.ctx);
        goto done;
    }
    wk_sweep_summary sum;
    int lrc = wk_sweep_run(&spec, &ex, stdout, &sum);
    if (!mpi) ex.destroy(ex.ctx); /* the MPI one ends with the job (wk_cmd_sweep) */
    if (lrc) {
        fprintf(stderr, "wgankit sweep: %s\n", wk_last_error());
        rc = lrc == WK_EINTR ? 130 : cli_exit_code(lrc);
        goto done;
    }
    printf("sweep %s: %lld points: %lld done, %lld failed (%lld had finished before this run) in %.1fs\n", spec.out, (long long)sum.points,
           (long long)sum.done, (long long)sum.failed, (long long)sum.skipped, sum.wall_s);
    if (sum.failed)
        printf("%lld point%s failed (why: \"message\" in %s/results.jsonl, and report.html); the same command with --retry-failed "
               "runs %s again from %s checkpoints\n", (long long)sum.failed, sum.failed > 1 ? "s" : "", spec.out,
               sum.failed > 1 ? "them" : "it", sum.failed > 1 ? "their" : "its");
    printf("%s/report.html\n", spec.out);
done:
    wk_sweep_spec_free(&spec);
    return rc;
}

/* Under a launcher (mpirun -np K / srun): rank 0 runs `body` with the MPI executor, one point at
 * a time per rank (itself included); the other ranks serve points until rank 0 is done. Without
 * a launcher: body with NULL (the local executor). Shared by sweep and experiment. */
int cli_on_ranks(const char *cmd, int argc, char **argv, int (*body)(int argc, char **argv, const wk_sweep_executor *mpi)) {
    if (!wk_dist_launched()) return body(argc, argv, NULL);
    if (!wk_dist_available()) {
        fprintf(stderr, "wgankit %s: started by a launcher, but this wgankit was built without MPI (install libopenmpi-dev, "
                        "rebuild), or run it without mpirun (--jobs N)\n", cmd);
        return 2;
    }
    int rc = wk_dist_init(NULL, NULL);
    if (rc) {
        fprintf(stderr, "wgankit %s: %s\n", cmd, wk_last_error());
        return 1;
    }
    if (wk_dist_rank() > 0) {
        rc = wk_dist_sweep_worker("/proc/self/exe");
        if (rc) fprintf(stderr, "wgankit %s: rank %d: %s\n", cmd, wk_dist_rank(), wk_last_error());
        wk_dist_finalize();
        return rc ? cli_exit_code(rc) : 0;
    }
    wk_sweep_executor ex;
    if ((rc = wk_dist_sweep_executor(&ex, "/proc/self/exe"))) {
        fprintf(stderr, "wgankit %s: %s\n", cmd, wk_last_error());
        wk_dist_abort(1);
        return 1;
    }
    int st = body(argc, argv, &ex), first;
    int lost = wk_dist_sweep_lost(&ex, &first);
    if (lost)
        fprintf(stderr, "wgankit %s: %d rank%s lost (rank %d first: silent for longer than --dist-timeout, it died or hangs); "
                        "the job ends here with MPI_Abort\n", cmd, lost, lost > 1 ? "s" : "", first);
    ex.destroy(ex.ctx); /* the other ranks stop serving */
    wk_dist_finalize();  /* after a lost rank: MPI_Abort, status 1 */
    return st;
}

int wk_cmd_sweep(int argc, char **argv) { return cli_on_ranks("sweep", argc, argv, sweep_main); }
