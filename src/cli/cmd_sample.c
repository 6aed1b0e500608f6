/* cmd_sample.c — `wgankit sample --checkpoint C -n N -o out.npy|out.png [--latent z.npy]`:
 * generate from a checkpoint. With --latent the given codes are mapped (so results can be
 * compared with another implementation: tests/reference/torch_sample_check.py). Which generator
 * is --generator ema|raw (train's --ema is a decay, so sample does not take --ema); image grids
 * take --grid-rows. A MIX+GAN checkpoint draws each row's generator with w_G from --seed, also
 * with --latent; --component J takes every row from generator J instead. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/plot.h"

int wk_cmd_sample(int argc, char **argv) {
    const char *ckpt = NULL, *out = NULL, *latent = NULL, *v;
    int n_given = 0;
    long long n = 64, seed = 0, ema = 1, rows = 0, component = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: wgankit sample --checkpoint C [-n N] -o OUT.npy|OUT.png [--latent Z.npy] [--seed S]\n"
                   "                      [--generator ema|raw] [--grid-rows R] [--component J]\n\n"
                   "Generate N samples (1 to 100000000, default 64) from checkpoint C (any checkpoint of a run, e.g.\n"
                   "RUN/checkpoints/step-000100.safetensors). .npy: float32 [N, ...]; .png: a sample grid (images,\n"
                   "--grid-rows R rows; default about square) or a scatter with axes (2-D points; --grid-rows is then\n"
                   "refused, as with .npy). --latent maps the given codes [N, latent_dim] instead of drawing them:\n"
                   "one sample per row, so not with -n. --generator raw uses the raw generator when the run kept an\n"
                   "EMA copy (default: ema when the run kept one, else raw; an explicit --generator ema on a run\n"
                   "trained with --ema 0 exits 2).\n"
                   "MIX+GAN checkpoints (train --mix T): each row's generator is drawn with probability w_G from\n"
                   "--seed (default 0), also with --latent, so the same codes give other samples under another seed\n"
                   "(said on stderr); --component J (0..T-1) takes every row from generator J: with --latent the\n"
                   "output is then a function of the codes alone.\n");
            return 0;
        }
        if (!strcmp(a, "--checkpoint")) { if (!(ckpt = cli_value("sample", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "-o")) { if (!(out = cli_value("sample", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "--latent")) { if (!(latent = cli_value("sample", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "-n")) { n_given = 1; if (!(v = cli_value("sample", argc, argv, &i)) || !cli_parse_int("sample", a, v, 1, 100000000, &n)) return 2; }
        else if (!strcmp(a, "--seed")) { if (!(v = cli_value("sample", argc, argv, &i)) || !cli_parse_int("sample", a, v, 0, 9007199254740991LL, &seed)) return 2; }
        else if (!strcmp(a, "--generator")) {
            if (!(v = cli_value("sample", argc, argv, &i))) return 2;
            if (strcmp(v, "ema") && strcmp(v, "raw")) {
                fprintf(stderr, "wgankit sample: --generator: '%s' is not ema or raw\n", v);
                return 2;
            }
            ema = !strcmp(v, "ema") ? 2 : 0; /* 2: asked for explicitly */
        } else if (!strcmp(a, "--ema")) {
            fprintf(stderr, "wgankit sample: --ema is train's EMA decay; to choose the generator use --generator ema|raw\n");
            return 2;
        } else if (!strcmp(a, "--component")) {
            if (!(v = cli_value("sample", argc, argv, &i)) || !cli_parse_int("sample", a, v, 0, 1000000, &component)) return 2;
        } else if (!strcmp(a, "--grid-rows")) {
            if (!(v = cli_value("sample", argc, argv, &i)) || !cli_parse_int("sample", a, v, 1, 100000, &rows)) return 2;
        }
        else {
            fprintf(stderr, "wgankit sample: unknown flag '%s' (see wgankit sample --help)\n", a);
            return 2;
        }
    }
    if (!ckpt || !out) {
        fprintf(stderr, "wgankit sample: --checkpoint and -o are required\n");
        return 2;
    }
    if (latent && n_given) { /* the codes' rows are the count: a second count would be ignored or contradict it */
        fprintf(stderr, "wgankit sample: -n and --latent exclude each other (--latent gives one sample per row of %s)\n", latent);
        return 2;
    }
    if (cli_check_extension("sample", "-o", out, (const char *const[]){".npy", ".png", NULL})) return 2;
    if (rows && !wk_str_ends_with(out, ".png")) { /* a flag that would be silently ignored is refused (FINDINGS 11k) */
        fprintf(stderr, "wgankit sample: --grid-rows lays out a PNG sample grid; -o %s writes the samples themselves\n", out);
        return 2;
    }
    if (cli_check_aliases("sample", 3, (const char *const[]){"-o", "--latent", "--checkpoint"}, (const char *const[]){out, latent, ckpt}, 1))
        return 2;
    wk_trainer *t;
    wk_tensor z = {0}, x = {0};
    int rc = wk_trainer_load(ckpt, &t);
    if (rc) {
        fprintf(stderr, "wgankit sample: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    if (ema == 2 && !(wk_trainer_config(t)->ema > 0)) { /* as eval: an explicit request that cannot be honoured */
        fprintf(stderr, "wgankit sample: --generator ema: %s was trained without an EMA generator (--ema 0); "
                        "use --generator raw (or leave the flag out)\n", ckpt);
        wk_trainer_free(t);
        return 2;
    }
    const char *shape = wk_trainer_config(t)->sample_shape;
    if (rows && shape[0] && !strchr(shape, 'x')) { /* samples of points: the PNG is a scatter, which has no rows */
        fprintf(stderr, "wgankit sample: --grid-rows: %s draws points of dimension %s, not images: its PNG is a scatter plot "
                        "(leave --grid-rows out)\n", ckpt, shape);
        wk_trainer_free(t);
        return 2;
    }
    int T = wk_trainer_config(t)->mix;
    if (component >= T) {
        fprintf(stderr, "wgankit sample: --component %lld: %s has %d generator%s (components 0..%d)\n", component, ckpt, T,
                T > 1 ? "s" : "", T - 1);
        wk_trainer_free(t);
        return 2;
    }
    if (latent && (rc = cli_read_user_array_checked(latent, CLI_ARRAY_POINTS, &z))) goto fail; /* 1e-50 codes are not 0 */
    if ((rc = wk_trainer_sample_component(t, latent ? &z : NULL, n, (uint64_t)seed, (int)ema, (int)component, &x))) {
        if (latent) wk_error_context(rc, "--latent %s", latent); /* "latent codes must be [n, 8]": of which file */
        goto fail;
    }
    if (latent && T > 1 && component < 0) /* the codes alone do not decide the output: say what else does */
        fprintf(stderr, "wgankit sample: MIX+GAN: each row's generator (of %d) was drawn with w_G from --seed %lld; "
                        "--component J takes every row from generator J\n", T, seed);
    if (wk_str_ends_with(out, ".npy")) rc = wk_write_npy(out, &x);
    else if (x.ndim == 4) rc = wk_png_write_grid(out, &x, rows > 0 ? (int)((x.shape[0] + rows - 1) / rows) : 0, 2);
    else if (rows) /* an older checkpoint without sample_shape: known only now */
        rc = wk_errorf(WK_EINVAL, "--grid-rows: %s draws points, not images: its PNG is a scatter plot (leave --grid-rows out)", ckpt);
    else if (x.ndim == 2 && x.shape[1] == 2) {
        wk_scatter_spec s;
        wk_scatter_default(&s);
        s.fake = x.data, s.n_fake = x.shape[0];
        rc = wk_scatter_png(out, &s);
    } else rc = wk_errorf(WK_EINVAL, "cannot draw samples shaped %s as PNG (use .npy)", wk_shape_str(&x, (char[64]){0}, 64));
    if (rc) goto fail;
    printf("%s\n", out);
    wk_tensor_free(&z), wk_tensor_free(&x), wk_trainer_free(t);
    return 0;
fail:
    fprintf(stderr, "wgankit sample: %s\n", wk_last_error());
    wk_tensor_free(&z), wk_tensor_free(&x), wk_trainer_free(t);
    return cli_exit_code(rc);
}
