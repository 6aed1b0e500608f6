/* cmd_metrics.c — `wgankit metrics --real REAL --fake FAKE [--metrics LIST] [--features NET|none]
 * [--save-features F.npy] [--json]`: score any two sample files (a PyTorch model's .npy, IDX
 * test images, wgankit samples) with FD, KID, IS, precision/recall and density/coverage on one
 * scale. Images go through the feature network (default: the shipped Fashion-MNIST one when the
 * samples have its input size, else raw coordinates, which are read in float64 and computed
 * unrounded); every value is printed with the network's name and hash and both n. Each file is
 * read once (the float32 samples view is derived from its float64 values). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/classifier.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/metrics.h"
#include "wgankit/strbuf.h"

static int usage(FILE *f) {
    fprintf(f, "usage: wgankit metrics --real REAL --fake FAKE [--metrics fd,kid,is,pr,dc] [--features NET|none]\n"
               "                       [--save-features F.npy] [--json] [--pixels auto|u8|01|pm1] [--kid-subsets 100]\n"
               "                       [--kid-subset-size 1000] [--seed S] [--threads N]\n\n"
               "Compare two sample files (NPY, IDX/.gz, CIFAR-10 .bin, CSV): FD (with its mean and trace terms), KID\n"
               "(mean and std over subsets), IS (of FAKE, 10 splits), improved precision/recall (k = 3) and\n"
               "density/coverage (k = 5). Default metrics: all that apply (IS only with a feature network).\n"
               "--features NET: a network from `wgankit classifier train` (default: %s\n"
               "  when the samples have its input size); none: the raw coordinates as features, read in float64 and\n"
               "  never rounded to float32 (a network's features are float32; their statistics are computed in double).\n"
               "--pixels: how image values map to the network's [-1, 1] (auto: 0..255 integers, or values in [-1, 1]\n"
               "  reaching below 0; values all in [0, 1] are ambiguous and refused: say 01 or pm1).\n"
               "--save-features F.npy: write the features used to F.real.npy and F.fake.npy.\n",
            wk_classifier_default_path());
    return f == stdout ? 0 : 2;
}

/* "F.npy" -> "F.<side>.npy" */
static void side_path(char *buf, size_t n, const char *f, const char *side) {
    size_t len = strlen(f);
    if (len > 4 && !strcmp(f + len - 4, ".npy")) len -= 4;
    snprintf(buf, n, "%.*s.%s.npy", (int)len, f, side);
}

static int flatten(wk_tensor *t) {
    int64_t n = t->shape[0];
    return wk_tensor_set_shape(t, 2, (int64_t[]){n, n ? t->numel / n : 0});
}

int wk_cmd_metrics(int argc, char **argv) {
    const char *real_p = NULL, *fake_p = NULL, *feat = NULL, *save = NULL, *list = NULL;
    int json = 0;
    long long threads = 0, subsets = WK_KID_SUBSETS, subset_size = WK_KID_SUBSET_SIZE, seed = 0;
    wk_pixel_range range = WK_PIXELS_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout);
        if (!strcmp(a, "--json")) {
            json = 1;
            continue;
        }
        if (!(v = cli_value("metrics", argc, argv, &i))) return 2;
        if (!strcmp(a, "--real")) real_p = v;
        else if (!strcmp(a, "--fake")) fake_p = v;
        else if (!strcmp(a, "--features")) feat = v;
        else if (!strcmp(a, "--save-features")) save = v;
        else if (!strcmp(a, "--metrics")) list = v;
        else if (!strcmp(a, "--pixels")) {
            if (wk_pixel_range_parse(v, &range)) return fprintf(stderr, "wgankit metrics: --pixels: %s\n", wk_last_error()), 2;
        } else if (!strcmp(a, "--threads")) {
            if (!cli_parse_int("metrics", a, v, 0, 64, &threads)) return 2;
        } else if (!strcmp(a, "--kid-subsets")) {
            if (!cli_parse_int("metrics", a, v, 1, 100000, &subsets)) return 2;
        } else if (!strcmp(a, "--kid-subset-size")) {
            if (!cli_parse_int("metrics", a, v, 2, 1000000, &subset_size)) return 2;
        } else if (!strcmp(a, "--seed")) {
            if (!cli_parse_int("metrics", a, v, 0, (long long)1 << 62, &seed)) return 2;
        } else {
            fprintf(stderr, "wgankit metrics: unknown flag '%s' (see wgankit metrics --help)\n", a);
            return 2;
        }
    }
    if (!real_p || !fake_p) {
        fprintf(stderr, "wgankit metrics: --real and --fake are required\n");
        return 2;
    }
    unsigned mask = WK_METRIC_ALL;
    int explicit_mask = list != NULL;
    if (list && wk_metric_set_parse(list, &mask)) {
        fprintf(stderr, "wgankit metrics: --metrics: %s\n", wk_last_error());
        return 2;
    }
    char side[2][1024]; /* --save-features F writes F.real.npy and F.fake.npy: never over an input */
    if (save) side_path(side[0], sizeof side[0], save, "real"), side_path(side[1], sizeof side[1], save, "fake");
    if (save && cli_check_aliases("metrics", 5, (const char *const[]){"--save-features (real)", "--save-features (fake)", "--real", "--fake", "--features"},
                                  (const char *const[]){side[0], side[1], real_p, fake_p, feat}, 2))
        return 2;
    /* this command's threads: a context for the rest of the process (the CLI runs one command) */
    wk_exec exec = wk_exec_make((int)threads);
    wk_exec_saved exec_saved;
    wk_exec_enter(&exec, &exec_saved);
    wk_tensor real = {0}, fake = {0}, fr = {0}, ff = {0}, probs = {0};
    wk_classifier net = {0};
    double *raw64[2] = {NULL, NULL}; /* without a network: both files in float64 */
    const char *net_path = feat && strcmp(feat, "none") ? feat : NULL;
    /* each file is read once: for a named network as float32 samples; else in float64, with the
     * float32 samples view derived from those values (the raw coordinates may be the features) */
    int have_net = 0, rc = 0;
    for (int s = 0; !rc && s < 2; s++)
        rc = net_path ? cli_read_user_array(s ? fake_p : real_p, CLI_ARRAY_SAMPLES, s ? &fake : &real)
                      : cli_read_user_samples_f64(s ? fake_p : real_p, s ? &fake : &real, &raw64[s]);
    /* both --save paths checked before either is written */
    if (!rc && save && !(rc = wk_atomic_probe(side[0]))) rc = wk_atomic_probe(side[1]);
    if (!rc && !feat) { /* the shipped network when the samples are its images */
        int64_t row = fake.shape[0] ? fake.numel / fake.shape[0] : 0;
        if (row == 28 * 28 && (real.shape[0] ? real.numel / real.shape[0] : 0) == row) net_path = wk_classifier_default_path();
    }
    if (net_path) wk_free(raw64[0]), wk_free(raw64[1]), raw64[0] = raw64[1] = NULL;
    if (!rc && net_path) {
        if ((rc = wk_classifier_load(net_path, &net)) == WK_OK) have_net = 1;
        else if (!feat)
            wk_error_context(rc, "the default feature network (build it with `make models`, or give --features NET|none)");
    }
    char id[200] = "none";
    if (!rc && have_net) {
        wk_classifier_id(&net, id, sizeof id);
        rc = wk_classifier_embed(&net, &real, range, real_p, &fr, NULL);
        if (!rc) rc = wk_classifier_embed(&net, &fake, range, fake_p, &ff, mask & WK_METRIC_IS ? &probs : NULL);
        rc = cli_pixels_hint(rc, range == WK_PIXELS_AUTO);
    } else if (!rc) {
        if (!explicit_mask) mask &= ~(unsigned)WK_METRIC_IS; /* IS needs class probabilities */
        if (!rc && !(rc = flatten(&real)) && !(rc = flatten(&fake))) {
            fr = real, ff = fake;
            memset(&real, 0, sizeof real), memset(&fake, 0, sizeof fake);
        }
        /* the raw coordinates are the features: the metrics read them as stored, float64 files
         * unrounded (a float32 copy would lose the spread of data with a large offset), NHWC
         * images too (wk_read_samples_f64 moves their float64 values into NCHW order) */
        /* IS of raw rows that are probabilities (a classifier's softmax): the fake rows in float64
         * when the file has them (wk_metrics_compute_f64), else a float32 copy of them */
        if (!rc && (mask & WK_METRIC_IS) && !raw64[1] && !(rc = wk_tensor_alloc(&probs, ff.ndim, ff.shape)))
            memcpy(probs.data, ff.data, (size_t)ff.numel * sizeof(float));
    }
    if (!rc && fr.shape[1] != ff.shape[1]) /* was: the float64 path read both with --real's width (a number, rc 0) */
        rc = wk_errorf(WK_EINVAL, "--fake %s: samples of %lld values, but --real %s has samples of %lld", fake_p,
                       (long long)ff.shape[1], real_p, (long long)fr.shape[1]);
    if (!rc && save) {
        rc = wk_write_npy(side[0], &fr);
        if (!rc) rc = wk_write_npy(side[1], &ff);
    }
    wk_kid_options ko = {.n_subsets = (int)subsets, .subset_size = subset_size, .seed = (uint64_t)seed};
    wk_metric_values v;
    if (!rc && raw64[0])
        rc = wk_metrics_compute_f64(raw64[0], fr.shape[0], fr.shape[1], raw64[1], ff.shape[0], ff.shape[1],
                                    mask & WK_METRIC_IS ? raw64[1] : NULL, ff.shape[1], mask, &ko, id, &v);
    else if (!rc) rc = wk_metrics_compute(&fr, &ff, probs.data ? &probs : NULL, mask, &ko, id, &v);
    if (!rc) {
        if (v.fd.regularised) fprintf(stderr, "wgankit metrics: warning: %s\n", v.fd.warning);
        if (json) {
            wk_strbuf sb;
            wk_sb_init(&sb);
            wk_sb_putc(&sb, '{');
            wk_metric_values_json(&v, &sb);
            wk_sb_putc(&sb, '}');
            printf("%s\n", sb.data);
            wk_sb_free(&sb);
        } else {
            char tail[300];
            snprintf(tail, sizeof tail, "[features %s, n_real %lld, n_fake %lld]", id, (long long)v.n_real, (long long)v.n_fake);
            if (mask & WK_METRIC_FD)
                printf("fd         %.6g  (mean term %.6g, trace term %.6g)  %s\n", v.fd.fd, v.fd.mean_term, v.fd.trace_term, tail);
            if (mask & WK_METRIC_KID) {
                if (isfinite(v.kid.std))
                    printf("kid        %.6g +- %.3g  (%d subsets of %lld)  %s\n", v.kid.kid, v.kid.std, v.kid.n_subsets,
                           (long long)v.kid.subset_size, tail);
                else /* one subset: no spread to report (the JSON's kid_std is null) */
                    printf("kid        %.6g  (%d subset of %lld: no spread)  %s\n", v.kid.kid, v.kid.n_subsets,
                           (long long)v.kid.subset_size, tail);
            }
            if (mask & WK_METRIC_IS) printf("is         %.6g +- %.3g  (10 splits)  %s\n", v.is, v.is_std, tail);
            if (mask & WK_METRIC_PR) {
                printf("precision  %.6g  (k = %d)  %s\n", v.prdc.precision, WK_PR_K, tail);
                printf("recall     %.6g  (k = %d)  %s\n", v.prdc.recall, WK_PR_K, tail);
            }
            if (mask & WK_METRIC_DC) {
                printf("density    %.6g  (k = %d)  %s\n", v.prdc.density, WK_DC_K, tail);
                printf("coverage   %.6g  (k = %d)  %s\n", v.prdc.coverage, WK_DC_K, tail);
            }
        }
    } else
        fprintf(stderr, "wgankit metrics: %s\n", wk_last_error());
    wk_tensor_free(&real), wk_tensor_free(&fake), wk_tensor_free(&fr), wk_tensor_free(&ff), wk_tensor_free(&probs);
    wk_free(raw64[0]), wk_free(raw64[1]);
    if (have_net) wk_classifier_free(&net);
    return rc ? cli_exit_code(rc) : 0;
}
