/* train.c — training the feature network: cross-entropy, Adam (PyTorch's update), seeded
 * initialisation and batch order, so the same build, data and thread count give the same bytes
 * (`make models`). Labels are read and validated here too. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wgankit/classifier.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/optim.h"

int wk_read_labels(const char *path, int64_t **labels, int64_t *n, int *classes) {
    wk_tensor t;
    int rc = wk_read_array(path, &t);
    if (rc) return rc == WK_ENUMERIC ? WK_EFORMAT : rc; /* a NaN label is malformed like a fractional one */
    if (t.ndim > 2 || (t.ndim == 2 && t.shape[1] != 1)) {
        char b[64];
        rc = wk_errorf(WK_EFORMAT, "%s: labels must be one column, got %s", path, wk_shape_str(&t, b, sizeof b));
        wk_tensor_free(&t);
        return rc;
    }
    int64_t m = t.ndim ? t.shape[0] : 0;
    int64_t *l = wk_malloc((size_t)(m ? m : 1) * sizeof *l);
    int mx = -1;
    rc = l ? WK_OK : wk_errorf(WK_ENOMEM, "%s: out of memory", path);
    for (int64_t i = 0; !rc && i < m; i++) {
        float v = t.data[i];
        if (!(v >= 0 && v < 1000 && v == floorf(v)))
            rc = wk_errorf(WK_EFORMAT, "%s: label #%lld (counting from 0) is %g (want an integer class in 0..999)", path, (long long)i, v);
        else {
            l[i] = (int64_t)v;
            mx = (int)l[i] > mx ? (int)l[i] : mx;
        }
    }
    if (!rc && m == 0) rc = wk_errorf(WK_EFORMAT, "%s: no labels", path);
    wk_tensor_free(&t);
    if (rc) {
        wk_free(l);
        return rc;
    }
    *labels = l, *n = m, *classes = mx + 1;
    return WK_OK;
}

int wk_classifier_train(wk_classifier *c, const wk_tensor *x, const int64_t *labels, const wk_classifier_train_options *opt,
                        const wk_tensor *tx, const int64_t *tl) {
    wk_classifier_train_options o = {.epochs = 8, .batch = 128, .lr = 1e-3f, .seed = 1};
    if (opt) {
        o.seed = opt->seed, o.verbose = opt->verbose;
        if (opt->epochs > 0) o.epochs = opt->epochs;
        if (opt->batch > 0) o.batch = opt->batch;
        if (opt->lr > 0) o.lr = opt->lr;
    }
    int64_t n = x->shape[0], row = (int64_t)c->channels * c->height * c->width;
    if (x->ndim != 4 || x->shape[1] != c->channels || x->shape[2] != c->height || x->shape[3] != c->width || n < 1) {
        char b[64];
        return wk_errorf(WK_EINVAL, "classifier train: images %s do not match the network's [N, %d, %d, %d]",
                         wk_shape_str(x, b, sizeof b), c->channels, c->height, c->width);
    }
    if (o.batch > n) /* whole batches only (the last partial one is dropped): no step would run */
        return wk_errorf(WK_EINVAL, "classifier train: batch %d is larger than the %lld training images (no step would run)",
                         o.batch, (long long)n);
    for (int64_t i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= c->classes)
            return wk_errorf(WK_EINVAL, "classifier train: label %lld is %lld, outside 0..%d", (long long)i,
                             (long long)labels[i], c->classes - 1);
    wk_param *params[64];
    int np = 0;
    for (int i = 0; i < c->body.n_params; i++) params[np++] = c->body.params[i];
    for (int i = 0; i < c->head.n_params; i++) params[np++] = c->head.params[i];
    wk_optim_config oc = wk_optim_defaults(WK_OPT_ADAM, o.lr);
    wk_optimizer adam;
    int rc = wk_optim_init(&adam, &oc, params, np);
    if (rc) return rc;
    wk_graph *g = wk_graph_new();
    int64_t *perm = wk_malloc((size_t)n * sizeof *perm), *bl = wk_malloc((size_t)o.batch * sizeof *bl);
    if (!g || !perm || !bl) rc = wk_errorf(WK_ENOMEM, "classifier train: out of memory");
    wk_rng rng;
    wk_rng_seed_stream(&rng, o.seed, WK_STREAM_CLASSIFIER);
    for (int e = 0; !rc && e < o.epochs; e++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        wk_rng_permutation(&rng, perm, n);
        double loss_sum = 0;
        int64_t steps = 0;
        for (int64_t i0 = 0; !rc && i0 + o.batch <= n; i0 += o.batch) { /* the last partial batch is dropped */
            wk_graph_reset(g);
            wk_var *xv = wk_input_empty(g, 4, (int64_t[]){o.batch, c->channels, c->height, c->width}, 0);
            if (xv) {
                float *d = wk_input_data(xv);
                for (int b = 0; b < o.batch; b++) {
                    memcpy(d + b * row, x->data + perm[i0 + b] * row, (size_t)row * sizeof(float));
                    bl[b] = labels[perm[i0 + b]];
                }
            }
            wk_var *f = xv ? wk_model_forward(&c->body, g, xv, 1) : NULL;
            wk_var *logits = f ? wk_model_forward(&c->head, g, f, 1) : NULL;
            wk_var *loss = logits ? wk_cross_entropy(g, logits, bl) : NULL;
            if (!loss) {
                rc = wk_graph_status(g) ? wk_graph_status(g) : WK_ENOMEM;
                break;
            }
            wk_optim_zero_grad(&adam);
            if ((rc = wk_backward(g, loss)) || (rc = wk_optim_step(&adam))) break;
            loss_sum += wk_value(loss)->data[0];
            steps++;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!rc && o.verbose) {
            double acc = NAN;
            char accs[48] = "not measured (no test set)"; /* never "nan": no test set is not a failed measurement */
            if (tx && tl) {
                if ((rc = wk_classifier_accuracy(c, tx, tl, &acc))) break;
                snprintf(accs, sizeof accs, "%.4f", acc);
            }
            fprintf(stderr, "epoch %d/%d: loss %.4f, test accuracy %s, %.1f s\n", e + 1, o.epochs,
                    steps ? loss_sum / steps : NAN, accs, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        }
    }
    wk_free(perm), wk_free(bl);
    wk_graph_free(g);
    wk_optim_free(&adam);
    if (!rc) wk_classifier_rehash(c);
    return rc;
}
