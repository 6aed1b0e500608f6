/* cmd_critic.c — `wgankit critic --checkpoint C [--input x.npy] [-o d.npy] [--grad g.npy]
 * [--lipschitz]`: the trained critic's values D(x), its input gradients ∇ₓD (for gradient-field
 * plots) and the Lipschitz report (certified upper bound, gradient and pair lower bounds).
 * The report alone needs no input: it is then measured on samples of the checkpoint's own
 * generator, where the critic is used during training. --input is scaled as training scaled the
 * run's data (train --scale), so a data file and the run's own samples are read alike. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"

#define LIP_SAMPLES 2000

int wk_cmd_critic(int argc, char **argv) {
    const char *ckpt = NULL, *in = NULL, *out = NULL, *gout = NULL;
    int lip = 0, scaled = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: wgankit critic --checkpoint C [--input X.npy [--scaled]] [-o D.npy] [--grad G.npy] [--lipschitz]\n\n"
                   "Critic values D(x) [N] at the points of X.npy, their gradients with respect to x, and with\n"
                   "--lipschitz a JSON report of how Lipschitz the critic is on those points (without --input:\n"
                   "on %d samples of the checkpoint's generator). X is data in the units of the run's --data and is\n"
                   "mapped by the scaling the run resolved on its data and kept (--scale: bytes x / 127.5 - 1, min-max\n"
                   "by the run's own ranges; none for synthetic targets), whatever X's own values; --scaled: X is\n"
                   "already in the run's units (as `wgankit sample` writes), no map. A checkpoint older than kept\n"
                   "scalings re-decides the run's --scale on X by the rule it was trained with (stderr says so).\n"
                   "The report: certified (an upper bound of the Lipschitz constant: product of the layers' norms),\n"
                   "grad_max/grad_mean (of |grad D| on the points) and pair_max (largest |D(x)-D(y)|/|x-y| on pairs of\n"
                   "distinct points; null when there is none: one point, or all equal), lower bounds. MIX+GAN: D is the\n"
                   "mixture critic sum_j w_D[j] D_j that -o and --grad print; certified is then sum_j w_D[j] (D_j's\n"
                   "bound), and the JSON adds \"components\": T.\n", LIP_SAMPLES);
            return 0;
        }
        if (!strcmp(a, "--checkpoint")) { if (!(ckpt = cli_value("critic", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "--input")) { if (!(in = cli_value("critic", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "-o")) { if (!(out = cli_value("critic", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "--grad")) { if (!(gout = cli_value("critic", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "--lipschitz")) lip = 1;
        else if (!strcmp(a, "--scaled")) scaled = 1;
        else {
            fprintf(stderr, "wgankit critic: unknown flag '%s' (see wgankit critic --help)\n", a);
            return 2;
        }
    }
    if (scaled && !in) {
        fprintf(stderr, "wgankit critic: --scaled says how --input is scaled: give --input\n");
        return 2;
    }
    if (!ckpt || (!out && !gout && !lip) || (!in && (out || gout))) {
        fprintf(stderr, "wgankit critic: need --checkpoint and at least one of -o, --grad (both with --input), --lipschitz\n");
        return 2;
    }
    if (cli_check_aliases("critic", 4, (const char *const[]){"-o", "--grad", "--input", "--checkpoint"},
                          (const char *const[]){out, gout, in, ckpt}, 2))
        return 2;
    /* after the alias check: writing over an input is the graver fault to name */
    if (cli_check_extension("critic", "-o", out, (const char *const[]){".npy", NULL}) ||
        cli_check_extension("critic", "--grad", gout, (const char *const[]){".npy", NULL}))
        return 2;
    wk_trainer *t = NULL;
    wk_tensor x = {0}, d = {0}, g = {0};
    /* every output path is checked before anything is computed or written: a bad --grad path
     * must not leave a fresh -o file behind */
    int rc = out ? wk_atomic_probe(out) : WK_OK;
    if (!rc && gout) rc = wk_atomic_probe(gout);
    if (!rc) rc = wk_trainer_load(ckpt, &t);
    double *x64 = NULL; /* --input in float64: mapped before the float32 rounding (1e8 + 1 is 1e8 in float32) */
    /* ... read only where a map follows: --scaled takes the values as they are: no float64 copy
     * (8 bytes a value) for them, nor for byte data (a kept u8 map, a byte file): every byte is
     * exact in float32 */
    const wk_data_scale *kept = t ? wk_trainer_data_scale(t) : NULL;
    int map64 = t && !scaled && !(kept && kept->kind == WK_SCALE_U8) && !(in && wk_data_files_are_bytes(in));
    if (!rc && in && !(rc = map64 ? cli_read_user_array_f64(in, &x, &x64) : cli_read_user_array_checked(in, CLI_ARRAY_AS_STORED, &x))) {
        /* --input is a data file like the run's --data: the critic saw its data in the run's units
         * (train --scale, resolved once on the run's data and kept in the checkpoint), so the input
         * is mapped the same way, whatever its own values ("1" and "1.0" are one point); samples
         * of the run (already in those units) take --scaled. */
        wk_data_scale map = {0};
        int guessed = 0;
        char what[1100];
        int64_t shape[WK_MAX_DIMS];
        const int ndim = wk_trainer_sample_shape(t, shape); /* the shape its networks were built for */
        if ((rc = cli_check_run_samples("--input", in, &x, ndim, shape))) {
            /* named before any map: a file of another dimension is the user's, not the map's, fault */
        } else if (x.ndim == 0 && (rc = wk_tensor_set_shape(&x, 2, (int64_t[]){1, 1}))) {
            /* a 0-d array that passed is one point of a one-value run: [1, 1] */
        } else if (scaled) /* the caller's word: already in the run's units */
            fprintf(stderr, "wgankit critic: --input %s taken as already in the run's units (--scaled)\n", in);
        /* an older checkpoint (no map kept): the one rule nnd, birthday and eval --data apply too
         * (wk_source_run_scale -> wk_data_scale_redecide), min-max included */
        else if (!(rc = wk_source_run_scale(t, &x, in, &map, &guessed)) && !(rc = wk_data_scale_apply(&map, &x, x64, in, WK_SPREAD_ADVICE_COMPARE))) {
            snprintf(what, sizeof what, "--input %s", in);
            cli_say_scaled("critic", what, &map, guessed ? CLI_SCALE_REDECIDED : CLI_SCALE_KEPT);
        }
        wk_data_scale_free(&map);
        wk_free(x64);
    }
    else if (!rc) rc = wk_trainer_sample(t, NULL, LIP_SAMPLES, 1, 1, &x);
    if (!rc && (out || gout)) rc = wk_trainer_critic(t, &x, &d, gout ? &g : NULL);
    if (!rc && out) rc = wk_write_npy(out, &d);
    if (!rc && gout) rc = wk_write_npy(gout, &g);
    if (!rc && lip) {
        wk_lipschitz_report r;
        if (!(rc = wk_trainer_lipschitz_report(t, &x, &r))) {
            /* one JSON document: written by the JSON writer (non-finite numbers are null), each
             * null with its reason; the measured values are finite or the report failed */
            wk_strbuf sb;
            wk_sb_init(&sb);
            wk_sb_putc(&sb, '{');
            wk_json_key(&sb, "certified"), wk_json_double(&sb, r.certified);
            if (!isfinite(r.certified)) /* a layer norm in the critic (report.c): no finite bound */
                wk_json_key(&sb, "certified_null"), wk_json_string(&sb, WK_LIP_NO_BOUND_REASON);
            wk_json_key(&sb, "grad_max"), wk_json_double(&sb, r.grad_max);
            wk_json_key(&sb, "grad_mean"), wk_json_double(&sb, r.grad_mean);
            /* no pair of distinct points: the ratio is undefined, JSON null (as w1's one-projection SE) */
            wk_json_key(&sb, "pair_max"), wk_json_double(&sb, r.pair_max);
            if (isnan(r.pair_max)) wk_json_key(&sb, "pair_max_null"), wk_json_string(&sb, "no pair of distinct points");
            wk_json_key(&sb, "n_points"), wk_json_int(&sb, r.n_points);
            wk_json_key(&sb, "n_pairs"), wk_json_int(&sb, r.n_pairs);
            int T = wk_trainer_config(t)->mix; /* the report is the mixture critic's (trainer.c) */
            if (T > 1) wk_json_key(&sb, "components"), wk_json_int(&sb, T);
            wk_sb_puts(&sb, "}\n");
            if (!(rc = wk_sb_status(&sb))) fputs(sb.data, stdout);
            wk_sb_free(&sb);
        }
    }
    if (rc == WK_ENUMERIC) wk_error_context(rc, "--checkpoint %s", ckpt); /* the checkpoint's critic failed on these points */
    if (rc) fprintf(stderr, "wgankit critic: %s\n", wk_last_error());
    wk_tensor_free(&x), wk_tensor_free(&d), wk_tensor_free(&g);
    wk_trainer_free(t);
    return rc ? cli_exit_code(rc) : 0;
}
