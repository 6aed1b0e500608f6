/* test_spectral_norm.c — spectral norms (acceptance 3): power iteration against the SVD
 * reference of the bjorck fixture (torch.linalg.svdvals, stored in its manifest as
 * sigma_max_input_tall/wide) to 1e-3, and against a matrix built with a known spectrum;
 * the persistent-vector form (one iteration per call, as spectral normalisation runs it)
 * converges to the same value; spectral normalisation of Linear and Conv2d critics gives
 * effective weights of norm 1 (read back through the Lipschitz report). */
#include "fixture.h"
#include "wgankit/lipschitz.h"

/* From tests/fixtures/core/bjorck/manifest.json ("hyper"): σ_max of w_tall / w_wide by SVD. */
#define SIGMA_TALL 71.25012015093814
#define SIGMA_WIDE 65.41987189392248

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 21);

    /* 1. against the SVD reference */
    const char *names[] = {"w_tall", "w_wide"};
    const double ref[] = {SIGMA_TALL, SIGMA_WIDE};
    for (int t = 0; t < 2; t++) {
        wk_tensor w = fx_load("bjorck", names[t]);
        CHECK_CLOSE(wk_spectral_norm(&w, NULL, 300), ref[t], 1e-3, 0, names[t]);
        CHECK_CLOSE(wk_spectral_norm_converged(&w, 5000, 1e-10), ref[t], 1e-5, 0, names[t]);
        /* persistent u: 1 iteration per call, as spectral normalisation does per step */
        wk_tensor u;
        wk_tensor_alloc(&u, 1, &w.shape[0]);
        wk_rng_fill_normal(&r, u.data, u.numel, 0, 1);
        double s = 0;
        for (int k = 0; k < 300; k++) s = wk_spectral_norm(&w, &u, 1);
        CHECK_CLOSE(s, ref[t], 1e-3, 0, "persistent-vector estimate");
        wk_tensor_free(&u);
        wk_tensor_free(&w);
    }

    /* 2. a known spectrum: W = U diag(s) Vᵀ, U [200, 50] and V [50, 50] orthonormal (Björck) */
    {
        wk_tensor U, V, W;
        wk_tensor_alloc(&U, 2, (int64_t[]){200, 50});
        wk_tensor_alloc(&V, 2, (int64_t[]){50, 50});
        wk_tensor_alloc(&W, 2, (int64_t[]){200, 50});
        wk_rng_fill_normal(&r, U.data, U.numel, 0, 1);
        wk_rng_fill_normal(&r, V.data, V.numel, 0, 1);
        REQUIRE(wk_bjorck_project_tol(&U, 100, 0.5f, 1e-7f, NULL, NULL, NULL) == WK_OK, "U");
        REQUIRE(wk_bjorck_project_tol(&V, 200, 0.5f, 1e-7f, NULL, NULL, NULL) == WK_OK, "V");
        CHECK(wk_orthonormality_error(&V) < 1e-5, "V orthonormal: %g", wk_orthonormality_error(&V));
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 50; j++) {
                double s = 0;
                for (int k = 0; k < 50; k++) s += U.data[i * 50 + k] * (k == 0 ? 7.5 : 7.0 - 0.1 * k) * V.data[j * 50 + k];
                W.data[i * 50 + j] = (float)s;
            }
        CHECK_CLOSE(wk_spectral_norm(&W, NULL, 200), 7.5, 1e-3, 0, "known spectrum (gap 7.5/7.0)");
        wk_tensor_free(&U);
        wk_tensor_free(&V);
        wk_tensor_free(&W);
    }

    /* 3. spectral normalisation on a Linear critic and on a small conv critic: each effective
     * weight W/σ has norm 1 after the persistent vectors have had some steps */
    for (int conv = 0; conv < 2; conv++) {
        wk_model m;
        wk_model_init(&m);
        wk_tensor pts;
        if (!conv) {
            wk_mlp_spec s = {.in = 3, .out = 1, .depth = 2, .width = 32, .act = WK_ACT_RELU, .bias = 1};
            REQUIRE(wk_build_mlp(&m, &s) == WK_OK, "mlp");
            wk_tensor_alloc(&pts, 2, (int64_t[]){64, 3});
        } else {
            REQUIRE(wk_model_add_conv2d(&m, 1, 4, 3, 2, 1, 1) == WK_OK && wk_model_add_activation(&m, WK_ACT_LEAKY_RELU, 0.2f) == WK_OK &&
                        wk_model_add_reshape(&m, 1, (int64_t[]){4 * 4 * 4}) == WK_OK && wk_model_add_linear(&m, 64, 1, 1) == WK_OK,
                    "conv critic: %s", wk_last_error());
            wk_tensor_alloc(&pts, 4, (int64_t[]){16, 1, 8, 8});
        }
        wk_model_init_default(&m, &r);
        for (int i = 0; i < m.n_params; i++)
            for (int64_t j = 0; j < m.params[i]->value.numel; j++) m.params[i]->value.data[j] *= 5; /* σ ≫ 1 */
        wk_rng_fill_normal(&r, pts.data, pts.numel, 0, 1);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_SPECTRAL);
        REQUIRE(wk_lipschitz_attach(&L, &c, &m, &r) == WK_OK, "attach sn: %s", wk_last_error());
        wk_graph *g = wk_graph_new();
        for (int step = 0; step < 60; step++) { /* forward passes and (weight-free) steps */
            wk_graph_reset(g);
            REQUIRE(wk_model_forward(&m, g, wk_input(g, &pts, 0), 1), "forward: %s", wk_last_error());
            wk_lipschitz_after_step(&L);
        }
        wk_lipschitz_report rep;
        REQUIRE(wk_lipschitz_report_compute(&m, &pts, 1000, &r, &rep) == WK_OK, "report: %s", wk_last_error());
        if (!conv) {
            CHECK_CLOSE(rep.certified, 1.0, 1e-3, 0, "SN Linear critic: product of effective norms");
        } else {
            /* the operator norm of a strided conv is at most √(k²/s²)·‖W_mat‖ and differs from the
             * reshaped-kernel norm SN normalises; only check that it is finite and of order 1 */
            CHECK(isfinite(rep.certified) && rep.certified > 0.05 && rep.certified < 3, "SN conv critic bound %g", rep.certified);
        }
        CHECK(rep.grad_max <= rep.certified * (1 + 1e-4) && rep.pair_max <= rep.certified * (1 + 1e-4),
              "measured %g / %g below certified %g", rep.grad_max, rep.pair_max, rep.certified);
        wk_lipschitz_free(&L);
        CHECK(m.weight_fn == NULL, "free removes the weight hook");
        wk_graph_free(g);
        wk_tensor_free(&pts);
        wk_model_free(&m);
    }
    return check_summary("test_spectral_norm");
}
