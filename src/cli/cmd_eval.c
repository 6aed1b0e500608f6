/* cmd_eval.c — `wgankit eval --checkpoint C [--generator ema|raw] [--data ...]`: the training
 * metrics (exact W1 and its real-vs-real floor, the critic's gap d_D, Lipschitz report, mode
 * coverage) on demand, as one JSON line. The data and evaluation settings default to the run's
 * own (from the checkpoint) and may be overridden with train's flags for them; every other
 * training setting describes the networks and is refused, so that no flag means one thing in
 * train and another here (train's --ema is a decay; which generator to evaluate is --generator). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"

/* a usage fault after the checkpoint was read */
static int ck_fail(wk_checkpoint *ck) {
    wk_checkpoint_free(ck);
    return 2;
}

int wk_cmd_eval(int argc, char **argv) {
    const char *ckpt = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: wgankit eval --checkpoint C [--generator ema|raw] [--data D] [--eval-n N] [--holdout N]\n"
                   "                    [--scale S] [--data-n N] [--seed S] [--threads N] [--lip-pairs N]\n"
                   "                    [--metrics fd,kid,is,pr,dc] [--features NET] [--real FILE] [-n N]\n\n"
                   "Evaluate checkpoint C against held-out real data (default: the run's own data and settings; --data\n"
                   "may be any data of the run's sample shape, of any size) and print the metrics as one JSON line:\n"
                   "  w1          exact W1 between eval_n generated and the w1_real_n held-out real points\n"
                   "  w1_floor    exact W1 between those real points and w1_floor_n other real points: what a\n"
                   "              perfect generator scores at this sample size (read W1 against it)\n"
                   "  d_D         the checkpoint's critic's gap E_real D - E_fake D on the same points: the\n"
                   "              co-trained critic, not a supremum over critics, so it can be negative\n"
                   "  lip_*, modes, n_modes, hq_pct   Lipschitz report; mode coverage of known mixtures\n\n"
                   "--generator ema (default when the run kept an EMA) or raw: which generator to evaluate.\n"
                   "For images, --metrics (= --eval-metrics) adds FD, KID, IS, precision/recall, density/coverage on the\n"
                   "features of NET (= --eval-features, default the shipped Fashion-MNIST network) against FILE\n"
                   "(= --eval-real, default the held-out images); -n is --eval-n.\n"
                   "The other flags are train's flags of the same name; network settings come from the checkpoint.\n");
            return 0;
        }
        if (!strcmp(argv[i], "--checkpoint") && !(ckpt = cli_value("eval", argc, argv, &i))) return 2;
    }
    const char *which = NULL;
    if (!ckpt) {
        fprintf(stderr, "wgankit eval: --checkpoint is required\n");
        return 2;
    }
    /* one read: the config, the kept data scaling and the state (checked, then loaded) */
    wk_checkpoint ck;
    if (wk_checkpoint_read(ckpt, WK_CHECKPOINT_ALL, &ck)) {
        fprintf(stderr, "wgankit eval: %s\n", wk_last_error());
        return 2;
    }
    wk_gan_config cfg = ck.cfg;
    wk_gan_config_for_use(&cfg); /* evaluated in this process: a data-parallel run's K ranks are not needed */
    const wk_gan_config trained = cfg; /* the checkpoint's own settings, before the flags */
    static const char *const eval_settings[] = {"data", "data-n", "holdout", "scale", "seed", "threads", "eval-n", "lip-pairs",
                                                 "eval-metrics", "eval-features", "eval-real"};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--checkpoint")) {
            i++;
            continue;
        }
        if (!strcmp(argv[i], "--generator")) {
            if (!(which = cli_value("eval", argc, argv, &i))) return ck_fail(&ck);
            if (strcmp(which, "ema") && strcmp(which, "raw")) {
                fprintf(stderr, "wgankit eval: --generator: '%s' is not ema or raw\n", which);
                return ck_fail(&ck);
            }
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
            if (!v) return ck_fail(&ck);
            if (wk_gan_config_set(&cfg, alias, v)) {
                fprintf(stderr, "wgankit eval: %s: %s\n", argv[i - 1], wk_last_error());
                return ck_fail(&ck);
            }
            continue;
        }
        if (!strncmp(argv[i], "--", 2) && wk_gan_setting_find(argv[i] + 2)) {
            int allowed = 0;
            for (size_t k = 0; k < sizeof eval_settings / sizeof *eval_settings; k++) {
                const char *a = eval_settings[k], *b = argv[i] + 2; /* data-n == data_n */
                while (*a && (*a == *b || (*a == '-' && *b == '_'))) a++, b++;
                allowed |= !*a && !*b;
            }
            if (!allowed) {
                fprintf(stderr, "wgankit eval: %s is a training setting (the network comes from the checkpoint)%s\n", argv[i],
                        !strcmp(argv[i] + 2, "ema") ? "; to choose the generator use --generator ema|raw" : "");
                return ck_fail(&ck);
            }
        }
        int r = cli_gan_flag("eval", argc, argv, &i, &cfg);
        if (r < 0) return ck_fail(&ck);
        if (r == 0) {
            fprintf(stderr, "wgankit eval: unknown flag '%s' (see wgankit eval --help)\n", argv[i]);
            return ck_fail(&ck);
        }
    }
    if (which && !strcmp(which, "ema") && !(cfg.ema > 0)) {
        fprintf(stderr, "wgankit eval: --generator ema: %s was trained without an EMA generator (--ema 0); "
                        "use --generator raw (or leave the flag out)\n", ckpt);
        return ck_fail(&ck);
    }
    if (which && !strcmp(which, "raw")) cfg.ema = 0; /* no EMA copy: evaluation and sampling use the raw weights */
    wk_dataset ds;
    wk_trainer *t = NULL;
    wk_gan_metrics m;
    /* The run's own data settings: its checkpoint's claims are checked against its state before
     * the data is built (a config edited to claim 10^8 rows fails at once). Other data (--data,
     * --data-n, --holdout, ...) is independent of the training rows' epoch order, which
     * evaluation never reads: the weights load whatever the new data's size. With the run's own
     * data the whole state is loaded and checked, the epoch order included (untrusted input). */
    int own = !wk_gan_config_problem_diff(&cfg, &trained, WK_PROBLEM_ALL);
    int rc = own ? wk_checkpoint_check_data(&ck, &cfg) : WK_OK;
    /* Data is mapped into the run's units by the scaling the run resolved on its own data and kept
     * (never re-decided on --data's values: one extra row must not move every point); an explicit
     * other --scale is the user's, and a checkpoint older than kept scalings re-decides by the rule
     * it was trained with (wk_dataset_load_redecided, the same rule as critic and nnd). */
    const wk_data_scale *map = &ck.scale;
    int kept = map->n && cfg.scale == trained.scale;
    int redecided = !map->n && cfg.scale == trained.scale; /* the one older rule, as critic and nnd apply it */
    if (!rc) rc = kept ? wk_dataset_load_scaled(&cfg, map, &ds) : redecided ? wk_dataset_load_redecided(&cfg, &ds) : wk_dataset_load(&cfg, &ds);
    if (!rc && !own && !ds.synthetic) {
        char what[sizeof cfg.data + 8];
        snprintf(what, sizeof what, "--data %s", cfg.data);
        cli_say_scaled("eval", what, &ds.scale, kept ? CLI_SCALE_KEPT : cfg.scale != trained.scale ? CLI_SCALE_GIVEN : CLI_SCALE_REDECIDED);
    }
    if (!rc && !own) { /* other data of another sample shape: named with its flag (the networks' own words don't) */
        wk_tensor all = ds.train; /* its shape with every row, held out ones included */
        all.shape[0] += ds.holdout.ndim ? ds.holdout.shape[0] : 0;
        all.numel = all.shape[0] * ds.dim;
        int64_t shape[WK_MAX_DIMS];
        int ndim = 0; /* no trainer yet: its parser on the checkpoint's shape (checked when read) */
        if (trained.sample_shape[0]) rc = wk_gan_sample_shape(trained.sample_shape, &ndim, shape);
        if (rc || (rc = cli_check_run_samples("--data", cfg.data, &all, ndim, shape))) wk_dataset_free(&ds);
    }
    if (!rc && (rc = wk_trainer_new(&cfg, &ds, &t))) wk_dataset_free(&ds);
    if (!rc) rc = own ? wk_trainer_load_checkpoint(t, &ck) : wk_trainer_load_for_eval(t, &ck); /* own: all of it checked */
    if (!rc) rc = wk_trainer_evaluate(t, &m);
    if (!rc) {
        /* losses, gradient norms and speed describe a training step, not a checkpoint: omitted */
        m.loss_d = m.loss_g = m.grad_norm_d = m.grad_norm_g = m.seconds = m.it_per_s = NAN;
        wk_strbuf sb;
        wk_sb_init(&sb);
        wk_gan_metrics_to_json(&m, &sb);
        printf("%s\n", sb.data ? sb.data : "{}");
        wk_sb_free(&sb);
    } else {
        if (rc == WK_ENUMERIC) wk_error_context(rc, "--checkpoint %s", ckpt); /* e.g. its critic overflows float32 */
        fprintf(stderr, "wgankit eval: %s\n", wk_last_error());
        cli_say_flags("eval", wk_last_error());
    }
    wk_trainer_free(t);
    wk_checkpoint_free(&ck);
    return rc ? cli_exit_code(rc) : 0;
}
