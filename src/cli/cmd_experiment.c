/* cmd_experiment.c — `wgankit experiment NAME [--scale quick|paper] [--out DIR] [--jobs N]
 * [--KNOB VALUE ...] [--TRAIN-SETTING VALUE ...] [--estimate-only]`: one of the papers'
 * experiments (experiment.h). Every value is checked before anything runs (exit 2 naming it);
 * the expected run time, from per-step times measured now, is printed first. Under mpirun -np K
 * the trainings run on the K ranks (as `mpirun ... sweep`). Exit 0 ok, 1 a failure while
 * running, 2 bad usage or bad input. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/experiment.h"
#include "wgankit/sweep.h"

static void usage(FILE *f, const wk_experiment *e) {
    if (!e) {
        fprintf(f, "usage: wgankit experiment NAME [--scale quick|paper] [--out DIR] [--jobs N] [--retry-failed] [--KNOB VALUE ...]\n\n"
                   "The papers' experiments, each a preset sweep of training runs plus its measurements and analysis.\n"
                   "Writes DIR/results.csv, figures (PNG and SVG), report.html and SUMMARY.md (the paper's claim beside ours).\n"
                   "--scale quick (default) is sized to finish in about 20 minutes on 2 cores; --scale paper uses the\n"
                   "papers' / the authors' code's sizes. The expected run time is printed before anything runs;\n"
                   "--estimate-only stops there. `wgankit experiment NAME --help` lists NAME's knobs.\n\nexperiments:\n");
        for (int i = 0; i < wk_experiment_count(); i++)
            fprintf(f, "  %-18s %s\n", wk_experiment_at(i)->name, wk_experiment_at(i)->title);
        return;
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_expt_help(e, &sb);
    fprintf(f, "usage: wgankit experiment %s [--scale quick|paper] [--out DIR] [--jobs N] [--retry-failed] [--KNOB VALUE ...]\n\n%s\n\n"
               "Claim (%s): %s\n\n  --scale quick|paper    knob defaults (below)\n  --out DIR              default experiments/%s\n"
               "  --jobs N               points run at once (default 1; under mpirun -np K: K, one per rank)\n"
               "  --dist-timeout S       under mpirun: a rank silent for S s (default 600) is lost (see wgankit sweep --help)\n"
               "  --estimate-only        print the expected run time and stop\n"
               "  --retry-failed         run the training runs recorded failed in DIR again, each from its last\n"
               "                         checkpoint (a rerun keeps them failed otherwise; as wgankit sweep --retry-failed)\n%s",
            e->name, e->title, e->source, e->claim, e->name, sb.data ? sb.data : "");
    wk_sb_free(&sb);
}

static int experiment_main(int argc, char **argv, const wk_sweep_executor *mpi) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--list")) {
        usage(argc < 2 ? stderr : stdout, NULL);
        return argc < 2 ? 2 : 0;
    }
    const wk_experiment *e = wk_experiment_find(argv[1]);
    if (!e) {
        fprintf(stderr, "wgankit experiment: unknown experiment '%s'; one of:", argv[1]);
        for (int i = 0; i < wk_experiment_count(); i++) fprintf(stderr, " %s", wk_experiment_at(i)->name);
        fprintf(stderr, "\n");
        return 2;
    }
    static wk_expt_ctx c; /* large (knob and setting strings): not on the stack */
    wk_expt_init(&c, e, WK_EXPT_QUICK);
    wk_expt_scale scale = WK_EXPT_QUICK;
    int estimate_only = 0;
    long long n;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout, e);
            return 0;
        } else if (!strcmp(a, "--estimate-only")) estimate_only = 1;
        else if (!strcmp(a, "--retry-failed")) c.retry_failed = 1;
        else if (!strcmp(a, "--scale")) {
            if (!(v = cli_value("experiment", argc, argv, &i))) return 2;
            if (wk_expt_scale_parse(v, &scale)) {
                fprintf(stderr, "wgankit experiment: %s\n", wk_last_error());
                return 2;
            }
        } else if (!strcmp(a, "--out")) {
            if (!(v = cli_value("experiment", argc, argv, &i))) return 2;
            if (!*v || strlen(v) >= sizeof c.out - 64) {
                fprintf(stderr, "wgankit experiment: --out: '%s' is empty or too long\n", v);
                return 2;
            }
            snprintf(c.out, sizeof c.out, "%s", v);
        } else if (!strcmp(a, "--jobs")) {
            if (!(v = cli_value("experiment", argc, argv, &i)) || !cli_parse_int("experiment", a, v, 1, 64, &n)) return 2;
            if (mpi) {
                fprintf(stderr, "wgankit experiment: under mpirun each rank runs one training at a time: --jobs does not apply (use -np)\n");
                return 2;
            }
            c.jobs = (int)n;
        } else if (!strcmp(a, "--dist-timeout")) { /* the MPI executor's heartbeat timeout (dist.h), not a run's */
            double t;
            if (!(v = cli_value("experiment", argc, argv, &i)) || !cli_parse_double("experiment", a, v, 1, 1e6, &t)) return 2;
            if (mpi) wk_dist_sweep_set_timeout(mpi, t);
        } else if (a[0] == '-' && a[1] == '-' && a[2]) {
            if (!(v = cli_value("experiment", argc, argv, &i))) return 2;
            if (wk_expt_set(&c, a + 2, v)) {
                fprintf(stderr, "wgankit experiment: %s\n", wk_last_error());
                return 2;
            }
        } else {
            fprintf(stderr, "wgankit experiment: unexpected argument '%s' (see wgankit experiment %s --help)\n", a, e->name);
            return 2;
        }
    }
    wk_expt_set_scale(&c, scale);
    c.exe = "/proc/self/exe";
    /* under mpirun -np K: the trainings on the K ranks, and rank 0's own measurements with K
     * threads, as a local --jobs K run (the same results) */
    if (mpi) c.executor = mpi, c.jobs = mpi->slots < 64 ? mpi->slots : 64;
    c.log = stderr;
    int rc = wk_expt_prepare(&c);
    if (rc) {
        fprintf(stderr, "wgankit experiment: %s\n", wk_last_error());
        return 2;
    }
    double est = 0;
    if (e->estimate && (rc = e->estimate(&c, &est))) {
        if (rc != WK_ENUMERIC) { /* bad data and the like: nothing has run yet */
            fprintf(stderr, "wgankit experiment: estimating the run time: %s\n", wk_last_error());
            return cli_exit_code(rc);
        }
        /* a probe that diverged says nothing about the time; the runs themselves will record it */
        printf("%s, scale %s: expected run time unknown (the timing probe diverged: %s)\n", e->name, wk_expt_scale_name(scale),
               wk_last_error());
    } else {
        int mins = (int)(est / 60);
        printf("%s, scale %s: expected run time about %d h %02d min (%.0f s; per-step times measured now, --jobs %d)\n", e->name,
               wk_expt_scale_name(scale), mins / 60, mins % 60, est, c.jobs);
    }
    fflush(stdout);
    if (estimate_only) return 0;
    rc = wk_expt_run(&c);
    if (rc) {
        fprintf(stderr, "wgankit experiment %s: %s\n", e->name, wk_last_error());
        return cli_exit_code(rc);
    }
    printf("%s/report.html\n", c.out);
    return 0;
}

/* Under mpirun -np K / srun: the trainings go to the ranks (cli_on_ranks). */
int wk_cmd_experiment(int argc, char **argv) { return cli_on_ranks("experiment", argc, argv, experiment_main); }
