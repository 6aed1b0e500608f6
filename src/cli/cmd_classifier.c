/* cmd_classifier.c — `wgankit classifier train|eval`: train the feature network of the image
 * metrics (classifier.h) on labelled images, or measure a trained one's accuracy. The training
 * command line, thread count and test accuracy go into the file's metadata (not the time, so that
 * the same build and thread count rewrite the same bytes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "wgankit/atomic_file.h"
#include "wgankit/classifier.h"
#include "wgankit/error.h"

/* Images scaled to [-1, 1] with their labels; lengths must agree. */
static int load_labelled(const char *images, const char *labels, wk_pixel_range range, wk_tensor *x, int64_t **l,
                         int *classes) {
    int64_t nl = 0;
    int rc;
    *l = NULL;
    if (!labels && wk_str_ends_with(images, ".bin")) { /* CIFAR-10 batches carry their labels */
        uint8_t *u8 = NULL;
        if ((rc = wk_read_cifar10(images, x, &u8))) return rc;
        nl = x->shape[0];
        *l = wk_malloc((size_t)nl * sizeof **l);
        for (int64_t i = 0; *l && i < nl; i++) (*l)[i] = u8[i];
        wk_free(u8);
        *classes = 10;
        if (!*l) return wk_errorf(WK_ENOMEM, "out of memory");
    } else {
        if (!labels) return wk_errorf(WK_EINVAL, "%s: --labels is required (only CIFAR-10 .bin files carry labels)", images);
        if ((rc = cli_read_user_array(images, CLI_ARRAY_SAMPLES, x))) return rc;
        if ((rc = wk_read_labels(labels, l, &nl, classes))) {
            wk_tensor_free(x);
            return rc;
        }
        if (nl != x->shape[0]) {
            rc = wk_errorf(WK_EINVAL, "%s has %lld labels but %s has %lld images", labels, (long long)nl, images,
                           (long long)x->shape[0]);
            goto fail;
        }
    }
    if (x->ndim != 4) {
        rc = wk_errorf(WK_EINVAL, "%s: the classifier needs images ([N, H, W] or [N, C, H, W]), got points", images);
        goto fail;
    }
    if ((rc = cli_pixels_hint(wk_images_to_unit_range(x, range, images), range == WK_PIXELS_AUTO))) goto fail;
    return WK_OK;
fail:
    wk_tensor_free(x);
    wk_free(*l);
    *l = NULL;
    return rc;
}

static int usage(FILE *f) {
    fprintf(f, "usage: wgankit classifier train --data IMAGES --labels LABELS --out NET.safetensors\n"
               "                                [--test-data IMAGES [--test-labels LABELS]] [--epochs 8] [--batch 128]\n"
               "                                [--lr 0.001] [--seed 1] [--threads N] [--pixels auto|u8|01|pm1] [--name NAME]\n"
               "       wgankit classifier eval --net NET.safetensors --data IMAGES --labels LABELS [--pixels R]\n\n"
               "Train the feature network of the image metrics (a LeNet-like classifier: its 128 penultimate\n"
               "features serve FD, KID, precision/recall, density/coverage; its softmax serves IS), or print a\n"
               "trained one's accuracy. Images: IDX/.gz, CIFAR-10 .bin (labels inside: no --labels / --test-labels), NPY;\n"
               "labels: IDX, NPY, CSV. --out must end in .safetensors, be writable and name none of the inputs (checked\n"
               "before the data is read). Each epoch runs whole batches of --batch images (the last partial one is\n"
               "dropped), so --batch may not exceed the number of training images.\n"
               "--pixels: how stored values map to [-1, 1] (auto: 0..255 integers, or values in [-1, 1] reaching below 0;\n"
               "  values all in [0, 1] are ambiguous: say 01 or pm1).\n");
    return f == stdout ? 0 : 2;
}

int wk_cmd_classifier(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return usage(argc < 2 ? stderr : stdout);
    int train = !strcmp(argv[1], "train");
    if (!train && strcmp(argv[1], "eval")) {
        fprintf(stderr, "wgankit classifier: unknown action '%s' (train or eval)\n", argv[1]);
        return 2;
    }
    const char *data = NULL, *labels = NULL, *out = NULL, *tdata = NULL, *tlabels = NULL, *net = NULL, *name = NULL;
    long long epochs = 8, batch = 128, seed = 1, threads = 0;
    double lr = 1e-3;
    wk_pixel_range range = WK_PIXELS_AUTO;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout);
        if (!(v = cli_value("classifier", argc, argv, &i))) return 2;
        if (!strcmp(a, "--data")) data = v;
        else if (!strcmp(a, "--labels")) labels = v;
        else if (!strcmp(a, "--out") && train) out = v;
        else if (!strcmp(a, "--test-data") && train) tdata = v;
        else if (!strcmp(a, "--test-labels") && train) tlabels = v;
        else if (!strcmp(a, "--name") && train) name = v;
        else if (!strcmp(a, "--net") && !train) net = v;
        else if (!strcmp(a, "--epochs") && train) {
            if (!cli_parse_int("classifier", a, v, 1, 1000, &epochs)) return 2;
        } else if (!strcmp(a, "--batch") && train) {
            if (!cli_parse_int("classifier", a, v, 1, 65536, &batch)) return 2;
        } else if (!strcmp(a, "--seed") && train) {
            if (!cli_parse_int("classifier", a, v, 0, (long long)1 << 62, &seed)) return 2;
        } else if (!strcmp(a, "--threads")) {
            if (!cli_parse_int("classifier", a, v, 0, 64, &threads)) return 2;
        } else if (!strcmp(a, "--lr") && train) {
            if (!cli_parse_double("classifier", a, v, 1e-8, 10, &lr)) return 2;
        } else if (!strcmp(a, "--pixels")) {
            if (wk_pixel_range_parse(v, &range)) return fprintf(stderr, "wgankit classifier: --pixels: %s\n", wk_last_error()), 2;
        } else {
            fprintf(stderr, "wgankit classifier: unknown flag '%s' for %s (see wgankit classifier --help)\n", a, argv[1]);
            return 2;
        }
    }
    if (!data || (train && !out) || (!train && !net)) {
        fprintf(stderr, "wgankit classifier %s: %s\n", argv[1], train ? "--data and --out are required" : "--net and --data are required");
        return 2;
    }
    /* a CIFAR-10 .bin test batch carries its labels, as --data X.bin does (load_labelled) */
    if (tlabels && !tdata) {
        fprintf(stderr, "wgankit classifier train: --test-labels needs --test-data\n");
        return 2;
    }
    if (tdata && !tlabels && !wk_str_ends_with(tdata, ".bin")) {
        fprintf(stderr, "wgankit classifier train: --test-data %s needs --test-labels (only CIFAR-10 .bin files carry labels)\n", tdata);
        return 2;
    }
    /* the network is written over nothing the command reads, and the --out path is known to be
     * writable before the data is loaded and the (long) training runs */
    if (train && (cli_check_aliases("classifier train", 5, (const char *const[]){"--out", "--data", "--labels", "--test-data", "--test-labels"},
                                    (const char *const[]){out, data, labels, tdata, tlabels}, 1) ||
                  cli_check_extension("classifier train", "--out", out, (const char *const[]){".safetensors", NULL})))
        return 2;
    if (train && wk_atomic_probe(out)) {
        fprintf(stderr, "wgankit classifier train: %s\n", wk_last_error());
        return 2;
    }
    /* this command's threads: a context for the rest of the process (the CLI runs one command) */
    wk_exec exec = wk_exec_make((int)threads);
    wk_exec_saved exec_saved;
    wk_exec_enter(&exec, &exec_saved);
    wk_tensor x = {0}, tx = {0};
    int64_t *l = NULL, *tl = NULL;
    int classes = 0, tclasses = 0;
    wk_classifier c = {0};
    int rc = load_labelled(data, labels, range, &x, &l, &classes);
    if (!rc && tdata) rc = load_labelled(tdata, tlabels, range, &tx, &tl, &tclasses);
    if (!rc && train) {
        if (tdata && (tx.shape[1] != x.shape[1] || tx.shape[2] != x.shape[2] || tx.shape[3] != x.shape[3]))
            rc = wk_errorf(WK_EINVAL, "%s: test images [%lld, %lld, %lld] differ from the training images [%lld, %lld, %lld]", tdata,
                           (long long)tx.shape[1], (long long)tx.shape[2], (long long)tx.shape[3], (long long)x.shape[1],
                           (long long)x.shape[2], (long long)x.shape[3]);
        else if (tdata && tclasses > classes)
            rc = wk_errorf(WK_EINVAL, "%s: label %d does not occur in the training labels (%d classes)", tlabels, tclasses - 1, classes);
        if (!rc) rc = wk_classifier_build(&c, (int)x.shape[1], (int)x.shape[2], (int)x.shape[3], classes, (uint64_t)seed);
        if (!rc && name) snprintf(c.name, sizeof c.name, "%s", name);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        wk_classifier_train_options o = {.epochs = (int)epochs, .batch = (int)batch, .lr = (float)lr, .seed = (uint64_t)seed, .verbose = 1};
        if (!rc) rc = wk_classifier_train(&c, &x, l, &o, tdata ? &tx : NULL, tl);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double acc = -1;
        if (!rc && tdata) rc = wk_classifier_accuracy(&c, &tx, tl, &acc);
        if (!rc) {
            char cmd[2048] = "wgankit", accs[64], secs[64], thr[32], ntrain[32];
            for (int i = 0; i < argc; i++) {
                size_t n = strlen(cmd);
                snprintf(cmd + n, sizeof cmd - n, " %s", argv[i]);
            }
            snprintf(accs, sizeof accs, "%.4f", acc);
            snprintf(secs, sizeof secs, "%.1f", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
            snprintf(thr, sizeof thr, "%d", wk_exec_current()->threads);
            snprintf(ntrain, sizeof ntrain, "%lld", (long long)x.shape[0]);
            wk_st_meta meta[] = {{"training_command", cmd}, {"test_accuracy", tdata ? accs : "not measured"},
                                 {"threads", thr}, {"train_images", ntrain},
                                 {"input_range", "[-1, 1] (0..255 pixels as x / 127.5 - 1)"},
                                 {"features", "the 128 pre-activations of the penultimate layer (before its ReLU)"}};
            rc = wk_classifier_save(&c, out, meta, sizeof meta / sizeof meta[0]);
            if (!rc)
                printf("%s: %s hash %s, test accuracy %s, %s s on %s threads\n", out, c.name, c.hash, tdata ? accs : "not measured",
                       secs, thr);
        }
    } else if (!rc) {
        double acc;
        if (!(rc = wk_classifier_load(net, &c)) && classes > c.classes)
            rc = wk_errorf(WK_EINVAL, "%s: a label %d is beyond the network's %d classes (0..%d)", labels ? labels : data, classes - 1, c.classes, c.classes - 1);
        if (!rc) rc = wk_classifier_accuracy(&c, &x, l, &acc);
        if (!rc) printf("{\"features\": \"%s\", \"hash\": \"%s\", \"n\": %lld, \"accuracy\": %.6f}\n", c.name, c.hash,
                        (long long)x.shape[0], acc);
    }
    if (rc) fprintf(stderr, "wgankit classifier %s: %s\n", argv[1], wk_last_error());
    wk_classifier_free(&c);
    wk_tensor_free(&x), wk_tensor_free(&tx);
    wk_free(l), wk_free(tl);
    return rc ? cli_exit_code(rc) : 0;
}
