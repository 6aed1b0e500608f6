/* cmd_birthday.c — `wgankit birthday SOURCE --batch S [--trials K] [--space input|critic:RUN_DIR]
 * [--threshold T | --reference REF [--quantile Q]] [--confidence C]`: the birthday-paradox support test (Arora &
 * Zhang 2018; birthday.h). Without --threshold the duplicate threshold is a quantile of real
 * closest-pair distances: of --reference, or of the run's own training data for gen: sources.
 * Exit 0 ok, 1 runtime failure, 2 bad usage or bad input (the message names the argument). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/result_dir.h"
#include "wgankit/birthday.h"
#include "wgankit/error.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit birthday SOURCE --batch S [flags]\n\n"
               "Birthday-paradox support test (Arora & Zhang 2018): K batches of S samples of SOURCE, the closest pair of\n"
               "each; if a fraction q of batches holds a pair closer than the threshold, the support is about\n"
               "S(S-1)/(2 ln(1/(1-q))), with a Wilson interval of q (95%% by default) carried through. Writes DIR/pairs.png (the closest\n"
               "pairs of one batch: images side by side, or a 2-D scatter with segments), pairs.csv, closest.csv,\n"
               "closest.png/.svg (distribution of the closest-pair distance) and birthday.json.\n\n"
               "  --batch S              samples per batch (>= 2; required)\n"
               "  --trials K             batches (default 100)\n"
               "  --space input|critic:RUN_DIR   distances between samples (exact, from a file's float64 values as stored),\n"
               "                         or between the run critic's hidden features\n"
               "  --threshold T          duplicate when the closest distance <= T\n"
               "  --reference REF        real data whose closest-pair distances give the threshold (default for gen:RUN_DIR:\n"
               "                         the run's training data, scaled as in training)\n"
               "  --quantile Q           quantile of the reference's closest-pair distances used as threshold (default 0.05)\n"
               "  --confidence C         level of the Wilson interval of q, in (0, 1) (default 0.95)\n"
               "  --pairs N              closest pairs in the picture (default 20, at most 64)\n"
               "  --seed S               default 1\n"
               "  --out DIR              default birthday\n"
               "  --json                 print {support_estimate, ci_low, ci_high, confidence, duplicate_fraction, batch, trials, threshold}\n");
}

int wk_cmd_birthday(int argc, char **argv) {
    wk_birthday_config c;
    wk_birthday_config_default(&c);
    const char *spec = NULL, *space = "input", *ref_spec = NULL, *out = "birthday", *v;
    int json = 0;
    long long n;
    double x;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--space") || !strcmp(a, "--reference") || !strcmp(a, "--out")) {
            if (!(v = cli_value("birthday", argc, argv, &i))) return 2;
            if (!strcmp(a, "--space")) space = v;
            else if (!strcmp(a, "--reference")) ref_spec = v;
            else out = v;
        } else if (!strcmp(a, "--batch") || !strcmp(a, "--trials") || !strcmp(a, "--pairs") || !strcmp(a, "--seed")) {
            if (!(v = cli_value("birthday", argc, argv, &i)) ||
                !cli_parse_int("birthday", a, v, !strcmp(a, "--batch") ? 2 : !strcmp(a, "--seed") ? 0 : 1,
                               !strcmp(a, "--pairs") ? 64 : !strcmp(a, "--seed") ? 9007199254740991LL : 10000000, &n))
                return 2;
            if (!strcmp(a, "--batch")) c.batch = n;
            else if (!strcmp(a, "--trials")) c.trials = (int)n;
            else if (!strcmp(a, "--pairs")) c.n_pairs = (int)n;
            else c.seed = (uint64_t)n;
        } else if (!strcmp(a, "--threshold") || !strcmp(a, "--quantile") || !strcmp(a, "--confidence")) {
            int level = strcmp(a, "--threshold") != 0; /* --quantile, --confidence: in (0, 1), one message for
                                                        * every refusal (a NaN as much as 0 or 1) */
            if (!(v = cli_value("birthday", argc, argv, &i)) ||
                !(level ? cli_parse_double_open("birthday", a, v, 0, 1, &x) : cli_parse_double("birthday", a, v, 0, 1e300, &x)))
                return 2;
            if (!level) c.threshold = x;
            else if (!strcmp(a, "--quantile")) c.quantile = x;
            else c.confidence = x; /* Python's birthday(confidence=): the same wk_birthday_run */
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wgankit birthday: unknown flag '%s' (see wgankit birthday --help)\n", a);
            return 2;
        } else if (!spec) spec = a;
        else {
            fprintf(stderr, "wgankit birthday: unexpected argument '%s' (one SOURCE expected)\n", a);
            return 2;
        }
    }
    if (!spec || !c.batch) {
        fprintf(stderr, "wgankit birthday: SOURCE and --batch S are required (see wgankit birthday --help)\n");
        return 2;
    }
    if (strcmp(space, "input") && strncmp(space, "critic:", 7)) {
        fprintf(stderr, "wgankit birthday: --space: '%s' is not input or critic:RUN_DIR\n", space);
        return 2;
    }
    /* before any work: --out must not hold a run, a sweep or an experiment (result_dir.h) */
    if (wk_result_dir_check(out, WK_DIR_BIRTHDAY, NULL, NULL, "--out")) {
        fprintf(stderr, "wgankit birthday: %s\n", wk_last_error());
        return 2;
    }
    if (cli_check_out_dir("birthday", "--out", out)) return 2;
    wk_source s, ref;
    wk_trainer *critic = NULL;
    wk_birthday_result r;
    memset(&r, 0, sizeof r);
    memset(&ref, 0, sizeof ref);
    /* In the input space a file keeps its float64 rows: the closest pairs are recomputed from them
     * (exact for the file as stored, not for its float32 rounding: two rows 5e-10 apart near 1e3
     * are one float32 point); in a critic's space only for the map onto a gen: reference. */
    const int exact64 = strncmp(space, "critic:", 7) != 0;
    int rc = exact64 ? wk_source_open_keep(&s, spec, 1) : wk_source_open_compared(&s, spec, c.threshold < 0 ? ref_spec : NULL),
        have_ref = 0;
    s.draw64 = exact64;
    if (rc) {
        fprintf(stderr, "wgankit birthday: SOURCE: %s\n", wk_last_error());
        return cli_exit_code(rc);
    }
    const char *what = "";
    if (c.threshold < 0) {
        if (ref_spec) {
            what = "--reference";
            rc = exact64 ? wk_source_open_keep(&ref, ref_spec, 1) : wk_source_open_compared(&ref, ref_spec, spec);
            ref.draw64 = exact64;
        }
        else if (s.kind == WK_SOURCE_GENERATOR) what = "SOURCE's run data", rc = wk_source_open_run_data(&ref, wk_trainer_config(s.gen), wk_trainer_data_scale(s.gen));
        else rc = wk_errorf(WK_EINVAL, "--threshold: none given, and SOURCE is not gen:RUN_DIR (give --threshold or --reference)");
        have_ref = !rc;
    }
    if (!rc && !strncmp(space, "critic:", 7)) {
        char path[1100];
        const char *dir = space + 7;
        size_t len = strlen(dir);
        if (len > 12 && !strcmp(dir + len - 12, ".safetensors")) snprintf(path, sizeof path, "%s", dir);
        else snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
        what = "--space";
        if ((rc = wk_trainer_load(path, &critic))) wk_error_context(rc, "--space %s", space);
        else { /* the critic must take SOURCE's samples: a checkpoint of another shape is bad input */
            char have[64] = "";
            for (int k = 0, o = 0; k < s.ndim && o < 60; k++)
                o += snprintf(have + o, sizeof have - o, k ? "x%lld" : "%lld", (long long)s.shape[k]);
            if (strcmp(have, wk_trainer_config(critic)->sample_shape))
                rc = wk_errorf(WK_EINVAL, "the critic of %s takes samples shaped %s but SOURCE '%s' draws %s", space + 7,
                               wk_trainer_config(critic)->sample_shape, spec, have);
        }
    }
    if (!rc) what = "", rc = wk_birthday_run(&c, &s, have_ref ? &ref : NULL, critic ? wk_critic_features : NULL, critic, &r);
    if (!rc && have_ref) cli_say_units("birthday", &ref); /* --reference FILE against gen:RUN: how it was mapped */
    if (!rc) rc = wk_birthday_write(&c, &r, out);
    if (rc) fprintf(stderr, "wgankit birthday: %s%s%s\n", what, *what ? ": " : "", wk_last_error());
    else {
        if (json) {
            wk_strbuf sb;
            wk_sb_init(&sb);
            wk_birthday_result_to_json(&r, &sb);
            printf("%s\n", sb.data ? sb.data : "{}");
            wk_sb_free(&sb);
        } else {
            printf("duplicates in %d of %d batches of %lld (threshold %.6g%s)\n", r.duplicates, r.trials, (long long)r.batch,
                   r.threshold, r.ref_closest ? ", from the reference" : "");
            if (isnan(r.support_estimate)) /* a duplicate in every batch: only an upper bound */
                printf("support estimate undefined (a duplicate in every batch): at most %.4g (%.4g%% upper bound)\n", r.ci_high,
                       100 * r.confidence);
            else printf("support estimate %.4g (%.4g%% interval %.4g .. %.4g)\n", r.support_estimate, 100 * r.confidence, r.ci_low, r.ci_high);
        }
        /* with --json stdout is the one JSON document; the path of the pairs goes to stderr */
        fprintf(json ? stderr : stdout, "%s/pairs.csv\n", out);
    }
    wk_birthday_result_free(&r);
    if (have_ref) wk_source_close(&ref);
    if (critic) wk_trainer_free(critic);
    wk_source_close(&s);
    return rc ? cli_exit_code(rc) : 0;
}
