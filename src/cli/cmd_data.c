/* cmd_data.c — `wgankit data NAME`: draw samples from a synthetic target (data.h) and write
 * them as float32 NPY, as a scatter PNG with the target's mode centres, or as CSV on stdout. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/data.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/plot.h"
#include "wgankit/strbuf.h"

#define MAX_OPTS 32

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit data NAME[:key=value,...] [-n N] [-o FILE.npy|FILE.csv|FILE.png] [--seed S] [--opt key=value ...]\n\n"
               "Draw N samples (default 1000) from synthetic target NAME. Without -o they are printed as CSV;\n"
               "-o FILE.npy writes float32 NPY [N, dim]; -o FILE.csv that CSV; -o FILE.png draws a scatter plot (2-D targets) with\n"
               "the mode centres marked. Options as NAME:key=value,... (the spec --data and draw take) or --opt key=value (may\n"
               "repeat, each key once; a key given inline too must have the same value). means=FILE: one mean per row of an array file (NPY, CSV/text, IDX) or\n"
               "JSON; its rows and columns are k and dim (a k= or dim= given with it must agree), sigma= stays each mode's std\n"
               "(not with a JSON \"sigma\" too), and spread=, mode_seed=, spacing= (which place generated means) are refused with it.\n"
               "Targets and their options (defaults):\n%s",
            wk_target_help());
}

/* Bad input (2) or runtime failure (1) by cli_exit_code, after printing the library's message. */
static int fail(int rc) {
    fprintf(stderr, "wgankit data: %s\n", wk_last_error());
    return cli_exit_code(rc);
}

int wk_cmd_data(int argc, char **argv) {
    const char *name = NULL, *out = NULL, *opts[MAX_OPTS];
    long long n = 1000, seed = 0;
    int n_opts = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-n")) {
            if (!(v = cli_value("data", argc, argv, &i)) || !cli_parse_int("data", a, v, 1, 100000000, &n)) return 2;
        } else if (!strcmp(a, "--seed")) {
            if (!(v = cli_value("data", argc, argv, &i)) || !cli_parse_int("data", a, v, 0, 9007199254740991LL, &seed)) return 2;
        } else if (!strcmp(a, "-o")) {
            if (!(out = cli_value("data", argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--opt")) {
            if (!(v = cli_value("data", argc, argv, &i))) return 2;
            if (n_opts == MAX_OPTS) {
                fprintf(stderr, "wgankit data: at most %d --opt\n", MAX_OPTS);
                return 2;
            }
            opts[n_opts++] = v;
        } else if (a[0] == '-') {
            fprintf(stderr, "wgankit data: unknown flag '%s' (see wgankit data --help)\n", a);
            return 2;
        } else if (!name) {
            name = a;
        } else {
            fprintf(stderr, "wgankit data: unexpected argument '%s'\n", a);
            return 2;
        }
    }
    if (!name) {
        usage(stderr);
        return 2;
    }
    if (cli_check_extension("data", "-o", out, (const char *const[]){".npy", ".csv", ".png", NULL})) return 2;
    wk_target_spec spec;
    wk_target target;
    int rc = wk_target_spec_parse(&spec, name, opts, n_opts);
    /* -o must not replace the means file it is drawn from */
    if (rc == WK_OK && cli_check_aliases("data", 2, (const char *const[]){"-o", "means="},
                                         (const char *const[]){out, spec.means_file[0] ? spec.means_file : NULL}, 1))
        return 2;
    if (rc == WK_OK) rc = wk_target_init(&target, &spec);
    if (rc != WK_OK) return fail(rc); /* a bad name, option or means file (NaN there is malformed: synthetic.c) */
    if (out && wk_str_ends_with(out, ".png") && target.dim != 2) {
        fprintf(stderr, "wgankit data: %s is %d-dimensional; a scatter PNG needs 2-D points (use .npy)\n", name, target.dim);
        wk_target_free(&target);
        return 2;
    }
    wk_tensor x;
    wk_rng rng;
    wk_rng_seed(&rng, (uint64_t)seed);
    /* CSV text is at most 16 bytes a value ("%.9g" and a separator) */
    int csv = !out || wk_str_ends_with(out, ".csv");
    rc = wk_target_alloc_samples(&target, name, "-n", n, csv ? 16 : 0, &x);
    if (rc != WK_OK) { /* a request beyond memory is bad input (exit 2), checked before allocating */
        wk_target_free(&target);
        return fail(rc);
    }
    rc = wk_target_sample(&target, &rng, &x);
    if (rc == WK_OK && out && wk_str_ends_with(out, ".npy")) {
        rc = wk_write_npy(out, &x);
    } else if (rc == WK_OK && csv) {
        /* the CSV that stdout gets, or the same text written atomically to -o FILE.csv */
        wk_strbuf sb;
        wk_sb_init(&sb);
        for (int64_t i = 0; i < n; i++)
            for (int d = 0; d < target.dim; d++) wk_sb_printf(&sb, "%.9g%c", x.data[i * target.dim + d], d + 1 < target.dim ? ',' : '\n');
        if (!sb.data) rc = WK_ENOMEM;
        else if (out) rc = wk_write_file_atomic(out, sb.data, sb.len);
        else /* through stdio's buffer in pieces: one large fwrite bypasses it, and the reason of a failed
              * direct write (a full disk) would be lost by the time main.c checks stdout */
            for (size_t o = 0; o < sb.len; o += 1024) fwrite(sb.data + o, 1, sb.len - o < 1024 ? sb.len - o : 1024, stdout);
        wk_sb_free(&sb);
    } else if (rc == WK_OK) {
        wk_scatter_spec s;
        wk_scatter_default(&s);
        s.real = x.data;
        s.n_real = n;
        s.centres = target.centres;
        s.n_centres = target.n_modes;
        rc = wk_scatter_png(out, &s);
    }
    wk_tensor_free(&x);
    wk_target_free(&target);
    /* the inputs were checked; what fails now is writing the file the user named (exit 2, as
     * sample -o and train --out do) or the sampling itself (runtime, 1) */
    if (rc != WK_OK) return fail(rc);
    if (out) printf("%s\n", out);
    return 0;
}
