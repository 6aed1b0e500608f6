/* cmd_train.c — `wgankit train [--config FILE] [--resume RUN_DIR | --force] [--SETTING VALUE ...]`:
 * a thin layer over wk_gan_run. Settings come from the defaults (the ring-of-8 demo), then
 * the settings stored in RUN_DIR/checkpoint.safetensors when resuming (the checkpoint, not
 * config.json, is what the state belongs to), then --config, then flags, later ones winning. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit train [--config FILE.json] [--resume RUN_DIR | --force] [--SETTING VALUE ...]\n\n"
               "Train a GAN into the run directory (--out): config.json, metrics.jsonl/.csv, checkpoint.safetensors,\n"
               "samples.png, curves.svg and report.html. Without flags: the demo (ring of 8, GroupSort critic).\n"
               "--resume RUN_DIR continues RUN_DIR from its checkpoint (flags such as --steps override; the problem,\n"
               "--data/--data-n/--seed/--scale/--holdout, must stay the checkpoint's unless --resume-data-changed 1;\n"
               "the networks' flags, --critic-depth, --mix, --gen-width, ..., must stay the checkpoint's).\n"
               "An --out that already holds a run is refused (exit 2) unless --resume continues it or --force\n"
               "replaces it; a forced run leaves the old one untouched until its own first checkpoint. One run at a\n"
               "time per directory (a lock); temporary files of an interrupted write are removed on start.\n\n"
               "metrics (every --eval-every steps, from step 0 on, into metrics.jsonl and the report):\n"
               "  w1          exact W1 between eval_n generated and w1_real_n held-out real points (eval_n, or fewer\n"
               "              when the held-out split has fewer rows: --holdout, or half of a small file)\n"
               "  w1_floor    exact W1 between those real points and w1_floor_n other real points, once per run:\n"
               "              what a perfect generator scores at this sample size; read W1 against it\n"
               "  d_D         the co-trained critic's gap E_real D - E_fake D on the same points. It is the\n"
               "              current critic, not a supremum over the critic class: it can be below W1 and it can be negative\n"
               "  modes, hq_pct   known mixtures: modes covered, %% high-quality samples (VEEGAN protocol)\n\n"
               "settings (also the keys of --config files and config.json):\n");
    cli_gan_help(f);
}

/* The settings of this run from the defaults, --resume's checkpoint, --config and the flags:
 * 0 (go on), an exit status, or -1 (--help printed). */
static int train_settings(int argc, char **argv, wk_gan_config *cfg_out, const char **resume_out, int *force_out) {
    wk_gan_config cfg;
    wk_gan_config_default(&cfg);
    const char *config = NULL, *resume = NULL;
    int force = 0;
    /* pass 1: where settings come from */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(argv[i], "--config") && !(config = cli_value("train", argc, argv, &i))) return 2;
        if (!strcmp(argv[i], "--resume") && !(resume = cli_value("train", argc, argv, &i))) return 2;
        if (!strcmp(argv[i], "--force")) force = 1;
    }
    if (resume && force) {
        fprintf(stderr, "wgankit train: --resume continues a run and --force replaces one: give one of them\n");
        return 2;
    }
    char path[4096];
    if (resume) {
        struct stat st;
        snprintf(path, sizeof path, "%s/checkpoint.safetensors", resume);
        if (stat(path, &st) && errno == ENOENT) {
            fprintf(stderr, "wgankit train: --resume %s: no checkpoint.safetensors there (nothing to resume)\n", resume);
            return 2;
        }
        int rc = wk_gan_config_from_checkpoint(path, &cfg);
        if (rc) {
            fprintf(stderr, "wgankit train: --resume %s: %s\n", resume, wk_last_error());
            return cli_exit_code(rc);
        }
    }
    if (config && wk_gan_config_load_file(&cfg, config)) {
        fprintf(stderr, "wgankit train: --config: %s\n", wk_last_error());
        return 2;
    }
    if (!resume) cfg.sample_shape[0] = 0; /* resolved from this run's data (a config.json may hold another's) */
    /* pass 2: flags */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "--resume")) {
            i++;
            continue;
        }
        if (!strcmp(argv[i], "--force")) continue;
        int r = cli_gan_flag("train", argc, argv, &i, &cfg);
        if (r < 0) return 2;
        if (r == 0) {
            fprintf(stderr, "wgankit train: unknown %s '%s' (see wgankit train --help)\n", argv[i][0] == '-' ? "flag" : "argument", argv[i]);
            return 2;
        }
    }
    if (resume) snprintf(cfg.out, sizeof cfg.out, "%s", resume);
    *cfg_out = cfg, *resume_out = resume, *force_out = force;
    return 0;
}

/* Data-parallel checks before any rank trains: the feature is built in, a launcher started
 * this process, every rank has valid settings and the same ones (a hash of the config). One
 * agreement, so that a failure on any rank stops every rank cleanly. */
static int dp_start(int st, wk_gan_config *cfg, int launched) {
    int size = wk_dist_size();
    if (!st && cfg->data_parallel && !wk_dist_available()) {
        fprintf(stderr, "wgankit train: --data-parallel 1: this wgankit was built without MPI (install libopenmpi-dev, "
                        "see scripts/install-deps, and rebuild)\n");
        st = 2;
    }
    if (!st && cfg->data_parallel && !launched) {
        fprintf(stderr, "wgankit train: --data-parallel 1 needs K processes started by a launcher: mpirun -np K wgankit train "
                        "--data-parallel 1 ... (or srun); this one was started alone\n");
        st = 2;
    }
    if (!st && size > 1 && !cfg->data_parallel) {
        if (wk_dist_rank() == 0)
            fprintf(stderr, "wgankit train: started as %d ranks by a launcher: several ranks train one model only with "
                            "--data-parallel 1 (or start one process without mpirun)\n", size);
        st = 2;
    }
    if (!st && cfg->data_parallel) {
        if (cfg->batch % size) {
            if (wk_dist_rank() == 0)
                fprintf(stderr, "wgankit train: --data-parallel 1: --batch %lld does not divide by the %d ranks (each computes "
                                "batch/K rows)\n", (long long)cfg->batch, size);
            st = 2;
        }
        cfg->data_shards = size;
    }
    if (size == 1) return st;
    /* every rank joins, whatever its own outcome */
    int rc = wk_dist_agree(st ? WK_EINVAL : WK_OK, cfg->dist_timeout, "read its settings");
    if (rc) {
        if (!st && wk_dist_rank() == 0) fprintf(stderr, "wgankit train: %s\n", wk_last_error());
        return 2;
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_config_to_json(cfg, &sb);
    int other;
    rc = wk_sb_status(&sb);
    if (!rc) rc = wk_dist_same_hash(wk_dist_hash(sb.data, sb.len, 0), &other, cfg->dist_timeout, "the settings check");
    wk_sb_free(&sb);
    if (rc) {
        fprintf(stderr, "wgankit train: %s\n", wk_last_error());
        return 1;
    }
    if (other >= 0) {
        if (wk_dist_rank() == 0)
            fprintf(stderr, "wgankit train: --data-parallel: rank %d's settings differ from rank 0's (config hash): every rank "
                            "must get the same flags, config file and checkpoint\n", other);
        return 2;
    }
    return 0;
}

int wk_cmd_train(int argc, char **argv) {
    /* MPI starts only under a launcher (dist.h), so a plain run stays a plain process */
    int launched = wk_dist_launched();
    if (launched && wk_dist_init(NULL, NULL)) {
        fprintf(stderr, "wgankit train: %s\n", wk_last_error());
        return 1;
    }
    wk_gan_config cfg;
    wk_gan_config_default(&cfg); /* what dp_start reads when the settings failed */
    const char *resume = NULL;
    int force = 0, st = train_settings(argc, argv, &cfg, &resume, &force);
    if (st >= 0) st = dp_start(st, &cfg, launched);
    if (st) { /* -1: --help printed */
        wk_dist_finalize();
        return st < 0 ? 0 : st;
    }
    int rank = wk_dist_rank(), size = wk_dist_size();
    FILE *log = rank == 0 ? stdout : fopen("/dev/null", "w"); /* rank 0 tells the story */
    if (!log) log = stdout;
    int rc = wk_gan_run(&cfg, resume ? WK_RUN_RESUME : force ? WK_RUN_FORCE : WK_RUN_NEW, log);
    if (log != stdout) fclose(log);
    if (rc) {
        int failed = wk_dist_failed_rank(); /* an agreement failed: every rank stops on its own */
        if (rank == 0 || failed < 0 || failed == rank) {
            if (size > 1) fprintf(stderr, "wgankit train: rank %d of %d: %s\n", rank, size, wk_last_error());
            else fprintf(stderr, "wgankit train: %s\n", wk_last_error());
            cli_say_flags("train", wk_last_error()); /* the settings it names, as this command's flags */
            if (!resume && !force && rc == WK_EINVAL && strstr(wk_last_error(), " already holds a run ")) /* the modes' flags */
                fprintf(stderr, "wgankit train: --resume %s continues it, --force replaces it, or choose another --out\n", cfg.out);
            /* the library gave the sizes and the limit; the flags that change them are the CLI's */
            /* (not after a reader's "too large for this machine": that file is what to change) */
            if (rc == WK_ENOFIT && !strstr(wk_last_error(), "too large for this machine"))
                fprintf(stderr, "wgankit train: --data %s: the run does not fit this memory limit: raise the limit (ulimit -v / -d) "
                                "or make the run smaller (--batch, --eval-n, --data-n, --holdout, the network widths)\n", cfg.data);
        }
        /* A run that does not fit a memory limit from the start (WK_ENOFIT) is bad input, exit 2
         * (cli_exit_code). Memory the library left as WK_ENOMEM failed at run time, by work that
         * had fitted: exit 1, not cli_exit_code's "too large for the limit" (2), which is about
         * one-shot commands */
        const int code = rc == WK_ENOMEM ? 1 : cli_exit_code(rc);
        /* a failure during training leaves the other ranks inside a collective: end the job */
        if (size > 1 && failed < 0) wk_dist_abort(code);
        wk_dist_finalize();
        return code;
    }
    wk_dist_finalize();
    if (rank == 0) printf("%s/report.html\n", cfg.out);
    return 0;
}
