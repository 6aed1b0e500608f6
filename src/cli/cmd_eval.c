/* cmd_eval.c — `wgankit eval --checkpoint C [--data ...] [--SETTING VALUE ...]`: the training
 * metrics (exact W1, d_D, Lipschitz report, mode coverage) on demand, as one JSON line. The
 * data and evaluation settings default to the run's own (from the checkpoint) and may be
 * overridden with the same flags as `wgankit train`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"

int wk_cmd_eval(int argc, char **argv) {
    const char *ckpt = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: wgankit eval --checkpoint C [--data D] [--eval-n N] [--holdout N] [--seed S]\n"
                   "                    [--metrics fd,kid,is,pr,dc] [--features NET] [--real FILE] [-n N]\n\n"
                   "Evaluate checkpoint C against held-out real data (default: the run's own data) and print the\n"
                   "metrics as JSON. Any training setting flag is accepted (see wgankit train --help). For images,\n"
                   "--metrics (= --eval-metrics) adds FD, KID, IS, precision/recall, density/coverage on the features\n"
                   "of NET (= --eval-features, default the shipped Fashion-MNIST network) against FILE (= --eval-real,\n"
                   "default the held-out images); -n is --eval-n.\n");
            return 0;
        }
        if (!strcmp(argv[i], "--checkpoint") && !(ckpt = cli_value("eval", argc, argv, &i))) return 2;
    }
    if (!ckpt) {
        fprintf(stderr, "wgankit eval: --checkpoint is required\n");
        return 2;
    }
    wk_gan_config cfg;
    if (wk_gan_config_from_checkpoint(ckpt, &cfg)) {
        fprintf(stderr, "wgankit eval: %s\n", wk_last_error());
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--checkpoint")) {
            i++;
            continue;
        }
        /* short spellings of the image-metric settings */
        const char *alias = !strcmp(argv[i], "--metrics")    ? "eval_metrics"
                            : !strcmp(argv[i], "--features") ? "eval_features"
                            : !strcmp(argv[i], "--real")     ? "eval_real"
                            : !strcmp(argv[i], "-n")         ? "eval_n"
                                                             : NULL;
        if (alias) {
            const char *v = cli_value("eval", argc, argv, &i);
            if (!v) return 2;
            if (wk_gan_config_set(&cfg, alias, v)) {
                fprintf(stderr, "wgankit eval: %s: %s\n", argv[i - 1], wk_last_error());
                return 2;
            }
            continue;
        }
        int r = cli_gan_flag("eval", argc, argv, &i, &cfg);
        if (r < 0) return 2;
        if (r == 0) {
            fprintf(stderr, "wgankit eval: unknown flag '%s' (see wgankit eval --help)\n", argv[i]);
            return 2;
        }
    }
    wk_set_threads(cfg.threads);
    wk_dataset ds;
    wk_trainer *t = NULL;
    wk_gan_metrics m;
    int rc = wk_dataset_load(&cfg, &ds);
    if (!rc && (rc = wk_trainer_new(&cfg, &ds, &t))) wk_dataset_free(&ds);
    if (!rc) rc = wk_trainer_load_state(t, ckpt);
    if (!rc) rc = wk_trainer_evaluate(t, &m);
    if (!rc) {
        /* losses, gradient norms and speed describe a training step, not a checkpoint: omitted */
        m.loss_d = m.loss_g = m.grad_norm_d = m.grad_norm_g = m.seconds = m.it_per_s = NAN;
        wk_strbuf sb;
        wk_sb_init(&sb);
        wk_gan_metrics_to_json(&m, &sb);
        printf("%s\n", sb.data ? sb.data : "{}");
        wk_sb_free(&sb);
    } else fprintf(stderr, "wgankit eval: %s\n", wk_last_error());
    wk_trainer_free(t);
    return rc ? cli_exit_code(rc) : 0;
}
