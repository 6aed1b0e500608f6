/* cmd_draw.c — `wgankit draw SOURCE -n N -o OUT.npy`: N draws from any source (source.h): rows
 * of a file without replacement (or with --replace), fresh draws from a synthetic target or a
 * trained generator. The quickest way to see what a source spec means. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/source.h"

int wk_cmd_draw(int argc, char **argv) {
    const char *spec = NULL, *out = NULL, *v;
    long long n = 1000, seed = 1;
    int replace = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: wgankit draw SOURCE [-n N] -o OUT.npy [--seed S] [--replace]\n\n"
                   "SOURCE: a data file (NPY, CSV, IDX/.gz, CIFAR-10 .bin; a finite sample, drawn without replacement\n"
                   "unless --replace), a synthetic target (ring, gaussian:dim=64,sigma=0.125, ...) or gen:RUN_DIR /\n"
                   "gen:PATH.safetensors (fresh draws from a trained generator, in its [-1, 1] units) or data:RUN_DIR\n"
                   "(the run's training data scaled as training scaled it: the generator's units, to compare with\n"
                   "draws of gen:RUN_DIR). Default N 1000, seed 1.\n");
            return 0;
        }
        if (!strcmp(a, "-o")) { if (!(out = cli_value("draw", argc, argv, &i))) return 2; }
        else if (!strcmp(a, "--replace")) replace = 1;
        else if (!strcmp(a, "-n")) { if (!(v = cli_value("draw", argc, argv, &i)) || !cli_parse_int("draw", a, v, 1, 100000000, &n)) return 2; }
        else if (!strcmp(a, "--seed")) { if (!(v = cli_value("draw", argc, argv, &i)) || !cli_parse_int("draw", a, v, 0, 9007199254740991LL, &seed)) return 2; }
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wgankit draw: unknown flag '%s' (see wgankit draw --help)\n", a);
            return 2;
        } else if (!spec) spec = a;
        else {
            fprintf(stderr, "wgankit draw: unexpected argument '%s' (one SOURCE expected)\n", a);
            return 2;
        }
    }
    if (!spec || !out) {
        fprintf(stderr, "wgankit draw: SOURCE and -o are required\n");
        return 2;
    }
    /* a file source (or gen:PATH's checkpoint) must survive its own draw */
    const char *in = strncmp(spec, "gen:", 4) ? spec : spec + 4;
    if (cli_check_aliases("draw", 2, (const char *const[]){"-o", "SOURCE"}, (const char *const[]){out, in}, 1)) return 2;
    if (cli_check_extension("draw", "-o", out, (const char *const[]){".npy", NULL})) return 2;
    wk_source s;
    wk_tensor x = {0};
    wk_rng rng;
    wk_rng_seed(&rng, (uint64_t)seed);
    int rc = wk_source_open_compared(&s, spec, NULL); /* compared with nothing: no float64 copy */
    if (rc) {
        fprintf(stderr, "wgankit draw: SOURCE: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    rc = replace ? wk_source_draw_replace(&s, n, &rng, &x) : wk_source_draw(&s, n, &rng, &x);
    if (rc == WK_OK) rc = wk_write_npy(out, &x);
    if (rc) fprintf(stderr, "wgankit draw: %s\n", wk_last_error());
    else printf("%s\n", out);
    wk_tensor_free(&x);
    wk_source_close(&s);
    return rc ? cli_exit_code(rc) : 0;
}
