/* critic_train.h — the critic-only WGAN trainer the Lipschitz tests share: maximise
 * E_P D − E_Q D over fresh samples (loss = mean D(q) − mean D(p) + penalty) with Adam and the
 * attached Lipschitz method's projection after every step. For a 1-Lipschitz critic class the
 * maximum is W1(P, Q) (Kantorovich–Rubinstein). */
#ifndef WK_TEST_CRITIC_TRAIN_H
#define WK_TEST_CRITIC_TRAIN_H

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"
#include "wgankit/optim.h"

/* Fill x [n, dim] with samples. */
typedef void (*ct_sampler)(wk_rng *r, float *x, int64_t n, int dim);

static void ct_gauss(wk_rng *r, float *x, int64_t n, int dim, const float *mean) {
    for (int64_t i = 0; i < n; i++)
        for (int d = 0; d < dim; d++) x[i * dim + d] = mean[d] + wk_rng_normal(r);
}

static inline void ct_train(wk_model *D, wk_lipschitz *L, ct_sampler P, ct_sampler Q, int dim, int steps, int batch,
                            float lr, wk_rng *r) {
    wk_optimizer opt;
    wk_optim_config oc = wk_optim_defaults(WK_OPT_ADAM, lr);
    oc.beta1 = 0.5f;
    oc.beta2 = 0.9f;
    REQUIRE(wk_optim_init(&opt, &oc, D->params, D->n_params) == WK_OK, "optim: %s", wk_last_error());
    wk_graph *g = wk_graph_new();
    int64_t shape[2] = {batch, dim};
    for (int s = 0; s < steps; s++) {
        wk_graph_reset(g);
        wk_var *p = wk_input_empty(g, 2, shape, 0), *q = wk_input_empty(g, 2, shape, 0);
        P(r, wk_input_data(p), batch, dim);
        Q(r, wk_input_data(q), batch, dim);
        wk_var *loss = wk_sub(g, wk_mean(g, wk_model_forward(D, g, q, 1), WK_ALL_AXES, 0),
                              wk_mean(g, wk_model_forward(D, g, p, 1), WK_ALL_AXES, 0));
        loss = wk_add(g, loss, wk_lipschitz_penalty(L, g, p, q, r));
        REQUIRE(loss, "loss: %s", wk_last_error());
        wk_optim_zero_grad(&opt);
        REQUIRE(wk_backward(g, loss) == WK_OK, "backward: %s", wk_last_error());
        REQUIRE(wk_optim_step(&opt) == WK_OK, "step: %s", wk_last_error());
        REQUIRE(wk_lipschitz_after_step(L) == WK_OK, "after step: %s", wk_last_error());
    }
    wk_graph_free(g);
    wk_optim_free(&opt);
}

/* E_P D − E_Q D on n fresh samples of each (in chunks). */
static inline double ct_estimate(wk_model *D, ct_sampler P, ct_sampler Q, int dim, int64_t n, wk_rng *r) {
    wk_graph *g = wk_graph_new();
    double sp = 0, sq = 0;
    const int64_t chunk = 8192;
    for (int64_t s = 0; s < n; s += chunk) {
        int64_t k = n - s < chunk ? n - s : chunk, shape[2] = {k, dim};
        for (int which = 0; which < 2; which++) {
            wk_graph_reset(g);
            wk_var *x = wk_input_empty(g, 2, shape, 0);
            (which ? Q : P)(r, wk_input_data(x), k, dim);
            wk_var *y = wk_model_forward(D, g, x, 0);
            REQUIRE(y, "forward: %s", wk_last_error());
            double t = 0;
            for (int64_t i = 0; i < k; i++) t += wk_value(y)->data[i];
            if (which) sq += t;
            else sp += t;
        }
    }
    wk_graph_free(g);
    return (sp - sq) / (double)n;
}

#endif
