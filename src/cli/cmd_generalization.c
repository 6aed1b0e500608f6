/* cmd_generalization.c — `wgankit generalization SOURCE --sizes ... [--repeats R]
 * [--distances w1,nnd,sliced] [--out DIR]`: distances between two independent samples of one
 * source as m grows (Arora et al. 2017, §3 Example), written as table.csv/.json, loglog.png/.svg
 * and index.html (generalization.h). Exit 0 ok, 1 runtime failure, 2 bad usage or bad input. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/result_dir.h"
#include "wgankit/error.h"
#include "wgankit/generalization.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit generalization SOURCE [flags]\n\n"
               "For each size m, R pairs of independent samples of size m from SOURCE (fresh draws from a population,\n"
               "disjoint subsamples of a file) and the distance between the two samples of each pair (population value 0).\n"
               "Writes DIR/table.csv, table.json (mean and standard error per m and distance), loglog.png, loglog.svg\n"
               "(fitted log-log slopes) and index.html. SOURCE holds float32 samples (the critic's precision; W1 and\n"
               "sliced too): centre float64 data with a large offset first.\n\n"
               "  --sizes LIST           increasing sample sizes (default 100,300,1000)\n"
               "  --repeats R            pairs per size (default 3)\n"
               "  --distances LIST       any of w1,sliced,nnd (default w1,nnd; nnd reports nnd_train and nnd_heldout)\n"
               "  --projections K        sliced directions (default 200)\n"
               "  --out DIR              output directory (default generalization)\n"
               "  --json                 print table.json to stdout as well\n");
    cli_nnd_help(f);
}

int wk_cmd_generalization(int argc, char **argv) {
    wk_generalization_config c;
    wk_generalization_config_default(&c);
    const char *spec = NULL, *out = "generalization", *v;
    int json = 0;
    long long n;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--sizes") || !strcmp(a, "--distances") || !strcmp(a, "--out")) {
            if (!(v = cli_value("generalization", argc, argv, &i))) return 2;
            int rc = !strcmp(a, "--sizes") ? wk_generalization_parse_sizes(&c, v)
                     : !strcmp(a, "--distances") ? wk_generalization_parse_distances(&c, v) : (out = v, WK_OK);
            if (rc) {
                fprintf(stderr, "wgankit generalization: %s\n", wk_last_error());
                return 2;
            }
        } else if (!strcmp(a, "--repeats") || !strcmp(a, "--projections")) {
            if (!(v = cli_value("generalization", argc, argv, &i)) || !cli_parse_int("generalization", a, v, 1, 1000000, &n))
                return 2;
            if (!strcmp(a, "--repeats")) c.repeats = (int)n;
            else c.projections = (int)n;
        } else if ((r = cli_nnd_flag("generalization", argc, argv, &i, &c.nnd))) {
            if (r < 0) return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wgankit generalization: unknown flag '%s' (see wgankit generalization --help)\n", a);
            return 2;
        } else if (!spec) spec = a;
        else {
            fprintf(stderr, "wgankit generalization: unexpected argument '%s' (one SOURCE expected)\n", a);
            return 2;
        }
    }
    if (!spec) {
        fprintf(stderr, "wgankit generalization: SOURCE expected (see wgankit generalization --help)\n");
        return 2;
    }
    /* before any work: --out must not hold a run, a sweep or an experiment (result_dir.h) */
    if (wk_result_dir_check(out, WK_DIR_GENERALIZATION, NULL, NULL, "--out")) {
        fprintf(stderr, "wgankit generalization: %s\n", wk_last_error());
        return 2;
    }
    if (cli_check_out_dir("generalization", "--out", out)) return 2;
    wk_source s;
    int rc = wk_source_open_compared(&s, spec, NULL); /* never mapped into a run's units: no float64 copy */
    if (rc) {
        fprintf(stderr, "wgankit generalization: SOURCE: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    wk_generalization_result res;
    rc = wk_generalization_run(&c, &s, &res, stderr);
    if (!rc) rc = wk_generalization_write(&c, &res, spec, out);
    wk_source_close(&s);
    if (rc) {
        fprintf(stderr, "wgankit generalization: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    /* with --json stdout is the one JSON document (table.json); the human lines go to stderr */
    FILE *human = json ? stderr : stdout;
    for (int d = 0; d < WK_DIST_COUNT; d++)
        if (isfinite(res.slope[d])) fprintf(human, "slope %-12s %.3f\n", wk_gen_distance_name((wk_gen_distance)d), res.slope[d]);
    if (json) {
        char path[1200];
        snprintf(path, sizeof path, "%s/table.json", out);
        FILE *f = fopen(path, "r");
        int ch;
        while (f && (ch = fgetc(f)) != EOF) putchar(ch);
        if (f) fclose(f);
    }
    fprintf(human, "%s/index.html\n", out);
    return 0;
}
