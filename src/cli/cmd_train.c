/* cmd_train.c — `wgankit train [--config FILE] [--resume RUN_DIR | --force] [--SETTING VALUE ...]`:
 * a thin layer over wk_gan_run. Settings come from the defaults (the ring-of-8 demo), then
 * the settings stored in RUN_DIR/checkpoint.safetensors when resuming (the checkpoint, not
 * config.json, is what the state belongs to), then --config, then flags, later ones winning. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "wgankit/error.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit train [--config FILE.json] [--resume RUN_DIR | --force] [--SETTING VALUE ...]\n\n"
               "Train a GAN into the run directory (--out): config.json, metrics.jsonl/.csv, checkpoint.safetensors,\n"
               "samples.png, curves.svg and report.html. Without flags: the demo (ring of 8, GroupSort critic).\n"
               "--resume RUN_DIR continues RUN_DIR from its checkpoint (flags such as --steps override).\n"
               "An --out that already holds a run is refused (exit 2) unless --resume continues it or --force\n"
               "replaces it; a forced run leaves the old one untouched until its own first checkpoint. One run at a\n"
               "time per directory (a lock); temporary files of an interrupted write are removed on start.\n\n"
               "metrics (every --eval-every steps, from step 0 on, into metrics.jsonl and the report):\n"
               "  w1          exact W1 between eval_n generated and held-out real points\n"
               "  w1_floor    exact W1 between those real points and w1_floor_n other real points, once per run:\n"
               "              what a perfect generator scores at this sample size; read W1 against it\n"
               "  d_D         the co-trained critic's gap E_real D - E_fake D on the same points. It is the\n"
               "              current critic, not a supremum over the critic class: it can be below W1 and it can be negative\n"
               "  modes, hq_pct   known mixtures: modes covered, %% high-quality samples (VEEGAN protocol)\n\n"
               "settings (also the keys of --config files and config.json):\n");
    cli_gan_help(f);
}

int wk_cmd_train(int argc, char **argv) {
    wk_gan_config cfg;
    wk_gan_config_default(&cfg);
    const char *config = NULL, *resume = NULL;
    int force = 0;
    /* pass 1: where settings come from */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
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
    int rc = wk_gan_run(&cfg, resume ? WK_RUN_RESUME : force ? WK_RUN_FORCE : WK_RUN_NEW, stdout);
    if (rc) {
        fprintf(stderr, "wgankit train: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    printf("%s/report.html\n", cfg.out);
    return 0;
}
