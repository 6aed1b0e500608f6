/* test_bjorck.c — Björck orthonormalisation (acceptance 1): random tall/wide matrices with
 * spectral norm up to 10 end with ‖WᵀW − I‖_max < 1e-4 (tall) / ‖WWᵀ − I‖_max < 1e-4 (wide);
 * the projection is the polar factor the PyTorch fixture converges to; the differentiable op
 * chain matches the fixture's value and gradient (tall and wide) and passes first- and
 * second-order gradchecks; without the scaling the raw iteration diverges (the NaN the issue
 * reports), with it it does not; early stopping on a nearly orthonormal weight takes a few
 * iterations. */
#include "fixture.h"
#include "gradcheck.h"
#include "wgankit/lipschitz.h"

#include <string.h>

static wk_tensor random_with_norm(wk_rng *r, int64_t rows, int64_t cols, double sigma) {
    wk_tensor w;
    wk_tensor_alloc(&w, 2, (int64_t[]){rows, cols});
    wk_rng_fill_normal(r, w.data, w.numel, 0, 1);
    double s = wk_spectral_norm_converged(&w, 5000, 1e-12);
    for (int64_t i = 0; i < w.numel; i++) w.data[i] = (float)(w.data[i] * sigma / s);
    return w;
}

static int bj_iters;
static wk_var *f_bjorck(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_bjorck(g, x[0], bj_iters, 0.5f);
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 11);

    /* 1. acceptance: random matrices with σ_max ∈ {0.01, 1, 3, 10}, tall and wide, 15 iterations */
    const int64_t shapes[][2] = {{64, 32}, {32, 64}, {512, 2}, {1, 512}, {300, 100}, {100, 300}};
    const double sigmas[] = {0.01, 1, 3, 10};
    for (unsigned s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (unsigned k = 0; k < sizeof sigmas / sizeof *sigmas; k++) {
            wk_tensor w = random_with_norm(&r, shapes[s][0], shapes[s][1], sigmas[k]);
            REQUIRE(wk_bjorck_project(&w, 15, 0.5f) == WK_OK, "project: %s", wk_last_error());
            double e = wk_orthonormality_error(&w);
            CHECK(e < 1e-4, "%lldx%lld, sigma %g: ‖WᵀW − I‖_max = %.3g after 15 iterations", (long long)shapes[s][0],
                  (long long)shapes[s][1], sigmas[k], e);
            /* tolerance mode reaches the same accuracy */
            wk_tensor w2 = random_with_norm(&r, shapes[s][0], shapes[s][1], sigmas[k]);
            int it = 0;
            double res = 0;
            REQUIRE(wk_bjorck_project_tol(&w2, 30, 0.5f, 1e-6f, NULL, &it, &res) == WK_OK, "tol: %s", wk_last_error());
            e = wk_orthonormality_error(&w2);
            CHECK(e < 1e-5 && fabs(res - e) < 1e-5, "tol mode %lldx%lld: error %.3g (reported %.3g) in %d iterations",
                  (long long)shapes[s][0], (long long)shapes[s][1], e, res, it);
            wk_tensor_free(&w);
            wk_tensor_free(&w2);
        }

    /* 2. projection = the polar factor the 15-iteration PyTorch reference converged to
     * (singular values 1 ± 1e-15), from the raw 5·N(0,1) fixture matrices (σ_max ≈ 70) */
    const char *names[] = {"tall", "wide"};
    for (int t = 0; t < 2; t++) {
        char n[32];
        snprintf(n, sizeof n, "w_%s", names[t]);
        wk_tensor w = fx_load("bjorck", n);
        REQUIRE(wk_bjorck_project_tol(&w, 50, 0.5f, 1e-7f, NULL, NULL, NULL) == WK_OK, "project: %s", wk_last_error());
        snprintf(n, sizeof n, "out_%s", names[t]);
        fx_compare("bjorck", n, w.data, w.numel, 1e-4);
        wk_tensor_free(&w);
    }

    /* 3. the differentiable chain against the fixture: value and d sum(out ⊙ R)/dW */
    wk_graph *g = wk_graph_new();
    for (int t = 0; t < 2; t++) {
        char n[32];
        snprintf(n, sizeof n, "w_%s", names[t]);
        wk_tensor w = fx_load("bjorck", n);
        snprintf(n, sizeof n, "r_%s", names[t]);
        wk_tensor R = fx_load("bjorck", n);
        wk_graph_reset(g);
        wk_var *wv = wk_input(g, &w, 1), *dw;
        wk_var *out = wk_bjorck(g, wv, 15, 0.5f);
        REQUIRE(out, "bjorck op: %s", wk_last_error());
        snprintf(n, sizeof n, "out_%s", names[t]);
        fx_compare("bjorck", n, wk_value(out)->data, w.numel, 1e-5);
        wk_var *L = wk_sum(g, wk_mul(g, out, wk_input(g, &R, 0)), WK_ALL_AXES, 0);
        REQUIRE(wk_grad(g, L, &wv, 1, &dw, 0) == WK_OK, "grad: %s", wk_last_error());
        snprintf(n, sizeof n, "grad_%s", names[t]);
        fx_compare("bjorck", n, wk_value(dw)->data, w.numel, 1e-4);
        wk_tensor_free(&w);
        wk_tensor_free(&R);
    }

    /* 4. gradcheck (first + second order) of a short chain on small tall and wide weights */
    {
        gc_opts o = {.h = 1e-3, .rtol = 3e-2, .atol = 5e-3, .second = 1};
        bj_iters = 3;
        wk_tensor a = gc_rand(&r, 2, (int64_t[]){5, 3}, -1, 1), b = gc_rand(&r, 2, (int64_t[]){3, 5}, -1, 1);
        gradcheck("bjorck tall", f_bjorck, NULL, 1, &a, &o);
        gradcheck("bjorck wide", f_bjorck, NULL, 1, &b, &o);
        wk_tensor_free(&a);
        wk_tensor_free(&b);
    }

    /* 5. why the scaling: the raw iteration on σ_max = 10 blows up, the scaled one converges */
    {
        wk_tensor w = random_with_norm(&r, 64, 32, 10);
        float *x = malloc(sizeof(float) * w.numel), *a = malloc(sizeof(float) * 32 * 32);
        memcpy(x, w.data, sizeof(float) * w.numel);
        const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
        int finite = 1;
        for (int k = 0; k < 15; k++) {
            be->sgemm(wk_exec_current(), 1, 0, 32, 32, 64, 1.0f, x, 32, x, 32, 0.0f, a, 32);
            float *y = malloc(sizeof(float) * w.numel);
            for (int64_t i = 0; i < w.numel; i++) y[i] = 1.5f * x[i];
            be->sgemm(wk_exec_current(), 0, 0, 64, 32, 32, -0.5f, x, 32, a, 32, 1.0f, y, 32);
            free(x);
            x = y;
        }
        for (int64_t i = 0; i < w.numel; i++) finite &= isfinite(x[i]) && fabsf(x[i]) < 1e6f;
        CHECK(!finite, "unscaled Björck on sigma 10 should diverge");
        CHECK(wk_bjorck_project(&w, 15, 0.5f) == WK_OK && wk_orthonormality_error(&w) < 1e-4, "scaled converges");
        free(x);
        free(a);
        wk_tensor_free(&w);
    }

    /* 6. early stopping: an orthonormal weight nudged by an Adam-sized step (1e-4 per entry)
     * is re-projected in a few iterations */
    {
        wk_tensor w = random_with_norm(&r, 512, 512, 1);
        int it = 0;
        REQUIRE(wk_bjorck_project_tol(&w, 50, 0.5f, 1e-6f, NULL, &it, NULL) == WK_OK, "project");
        for (int64_t i = 0; i < w.numel; i++) w.data[i] += (wk_rng_uniform(&r) < 0.5f ? -1e-4f : 1e-4f);
        double res = 0;
        REQUIRE(wk_bjorck_project_tol(&w, 15, 0.5f, 1e-6f, NULL, &it, &res) == WK_OK, "re-project");
        CHECK(it <= 4 && res < 1e-5, "re-projection took %d iterations (residual %.3g)", it, res);
        CHECK(wk_orthonormality_error(&w) < 1e-5, "re-projected residual %.3g", wk_orthonormality_error(&w));
        wk_tensor_free(&w);
    }

    /* 7. bad input is refused with a message, not a crash */
    {
        wk_tensor z;
        wk_tensor_alloc(&z, 2, (int64_t[]){4, 3});
        CHECK(wk_bjorck_project(&z, 15, 0.5f) != WK_OK && strstr(wk_last_error(), "bjorck"), "zero matrix refused");
        z.data[0] = NAN;
        CHECK(wk_bjorck_project(&z, 15, 0.5f) == WK_ENUMERIC, "NaN refused");
        CHECK(wk_bjorck_project(&z, -1, 0.5f) == WK_EINVAL, "negative iterations refused");
        wk_tensor_free(&z);
    }
    wk_graph_free(g);
    return check_summary("test_bjorck");
}
