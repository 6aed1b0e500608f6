/* test_lipschitz_critic.c — critics that are 1-Lipschitz by construction, checked from above
 * and below (acceptance 2), and the constraint sets of the other methods:
 *  - a GroupSort critic with Björck-orthonormal weights, at random init and after training
 *    steps (projection and reparametrisation modes): |D(x) − D(y)| ≤ (1+1e-3)‖x − y‖ on 10⁵
 *    random pairs, ‖∇D‖ ≤ 1+1e-3, certified bound ≤ 1+1e-3;
 *  - the same check on an unconstrained ReLU critic trained the same way fails (the check can
 *    fail);
 *  - Biau et al.'s set: after training, rows of V₁ have ‖·‖₂ ≤ 1, later rows ‖·‖₁ ≤ 1, biases
 *    bounded, and the critic is 1-Lipschitz on the pairs; the ℓ1 projection is the exact
 *    Euclidean one (Duchi et al.) on a hand-checked vector;
 *  - clipping keeps every parameter in [−c, c];
 *  - method names, bad configurations and unsupported layers are refused with messages. */
#include "critic_train.h"

#include <string.h>

static void p2(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){0, 0}); }
static void q2(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){3, 0}); }

#define NPTS 20000
#define NPAIRS 100000

static wk_tensor pts;

static void build(wk_model *D, wk_activation act, wk_rng *r) {
    wk_model_init(D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 3, .width = 64, .act = act, .act_param = 2, .bias = 1};
    REQUIRE(wk_build_mlp(D, &s) == WK_OK, "mlp: %s", wk_last_error());
    wk_model_init_default(D, r);
}

/* 1 if the critic passes the 1-Lipschitz check (pairs, gradients, certified). */
static int lipschitz_ok(wk_model *D, const char *what, wk_rng *r, int expect_certified, wk_lipschitz_report *rep) {
    REQUIRE(wk_lipschitz_report_compute(D, &pts, NPAIRS, r, rep) == WK_OK, "report: %s", wk_last_error());
    printf("%-38s certified %.6f (gershgorin %.6f)  grad max %.6f mean %.4f  pair max %.6f\n", what, rep->certified,
           rep->certified_gershgorin, rep->grad_max, rep->grad_mean, rep->pair_max);
    int ok = rep->pair_max <= 1 + 1e-3 && rep->grad_max <= 1 + 1e-3;
    if (expect_certified) ok &= rep->certified <= 1 + 1e-3;
    /* the lower bounds never exceed the upper one */
    CHECK(rep->pair_max <= rep->certified * (1 + 1e-4) && rep->grad_max <= rep->certified * (1 + 1e-4),
          "%s: measured above certified", what);
    return ok;
}

static int max_abs_ok(const wk_model *D, float c) {
    for (int i = 0; i < D->n_params; i++)
        for (int64_t j = 0; j < D->params[i]->value.numel; j++)
            if (fabsf(D->params[i]->value.data[j]) > c) return 0;
    return 1;
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 7);
    wk_tensor_alloc(&pts, 2, (int64_t[]){NPTS, 2});
    wk_rng_fill_normal(&r, pts.data, pts.numel, 1.5f, 2.0f);
    wk_lipschitz_report rep;

    /* 1. Björck GroupSort critics: random, then trained; projection and reparametrisation */
    for (int reparam = 0; reparam < 2; reparam++) {
        wk_model D;
        build(&D, WK_ACT_GROUPSORT, &r);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_BJORCK);
        c.bjorck_reparam = reparam;
        REQUIRE(wk_lipschitz_attach(&L, &c, &D, &r) == WK_OK, "attach: %s", wk_last_error());
        CHECK(lipschitz_ok(&D, reparam ? "groupsort+bjorck(reparam), random" : "groupsort+bjorck, random", &r, 1, &rep),
              "random Björck critic (reparam %d) not 1-Lipschitz", reparam);
        ct_train(&D, &L, p2, q2, 2, 150, 256, 2e-3f, &r);
        CHECK(lipschitz_ok(&D, reparam ? "groupsort+bjorck(reparam), trained" : "groupsort+bjorck, trained", &r, 1, &rep),
              "trained Björck critic (reparam %d) not 1-Lipschitz", reparam);
        CHECK(rep.grad_mean > 0.9, "a trained orthonormal GroupSort critic is gradient-norm preserving: mean %g", rep.grad_mean);
        wk_lipschitz_free(&L);
        wk_model_free(&D);
    }

    /* 2. the check can fail: an unconstrained ReLU critic after the same training */
    {
        wk_model D;
        build(&D, WK_ACT_RELU, &r);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_NONE);
        REQUIRE(wk_lipschitz_attach(&L, &c, &D, &r) == WK_OK, "attach none");
        ct_train(&D, &L, p2, q2, 2, 150, 256, 2e-3f, &r);
        int ok = lipschitz_ok(&D, "relu, unconstrained, trained", &r, 1, &rep);
        CHECK(!ok && rep.pair_max > 1.01 && rep.certified > 1.01, "unconstrained critic should fail the check (pair max %g)",
              rep.pair_max);
        wk_lipschitz_free(&L);
        wk_model_free(&D);
    }

    /* 3. Biau et al.'s parameter set */
    {
        wk_model D;
        build(&D, WK_ACT_GROUPSORT, &r);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_BIAU);
        c.bias_bound = 2.0f;
        REQUIRE(wk_lipschitz_attach(&L, &c, &D, &r) == WK_OK, "attach biau: %s", wk_last_error());
        ct_train(&D, &L, p2, q2, 2, 150, 256, 2e-3f, &r);
        int first = 1, rows_ok = 1, bias_ok = 1;
        for (int i = 0; i < D.n_layers; i++) {
            wk_layer *l = &D.layers[i];
            if (l->kind != WK_LAYER_LINEAR) continue;
            for (int64_t o = 0; o < l->out; o++) {
                double s = 0;
                for (int64_t j = 0; j < l->in; j++) {
                    float v = l->weight->value.data[o * l->in + j];
                    s += first ? (double)v * v : fabs(v);
                }
                rows_ok &= (first ? sqrt(s) : s) <= 1 + 1e-5;
                bias_ok &= fabsf(l->bias->value.data[o]) <= 2.0f;
            }
            first = 0;
        }
        CHECK(rows_ok, "Biau: ‖V₁‖₂,∞ ≤ 1 and ‖Vᵢ‖∞ ≤ 1 after training");
        CHECK(bias_ok, "Biau: biases within the bound");
        lipschitz_ok(&D, "groupsort, Biau constraint set, trained", &r, 0, &rep);
        CHECK(rep.pair_max <= 1 + 1e-3 && rep.grad_max <= 1 + 1e-3, "Biau critic 1-Lipschitz on pairs (%g) and gradients (%g)",
              rep.pair_max, rep.grad_max);
        wk_lipschitz_free(&L);
        wk_model_free(&D);
        /* exact ℓ1-ball projection, by hand: sorted |v| = 3, 1, 0.5; ρ = 1 (3 − (3−1)/1 > 0,
         * 1 − (4−1)/2 < 0) → θ = 2 → (1, 0, 0) */
        wk_tensor v;
        wk_tensor_alloc(&v, 2, (int64_t[]){2, 3});
        memcpy(v.data, (float[]){3, 1, -0.5f, 0.5f, -0.6f, 0.2f}, sizeof(float) * 6);
        wk_project_rows_l1(&v, 1.0f);
        CHECK(v.data[0] == 1 && v.data[1] == 0 && v.data[2] == 0, "l1 projection of (3,1,-0.5): (%g,%g,%g)", v.data[0],
              v.data[1], v.data[2]);
        /* (0.5, −0.6, 0.2): ‖·‖₁ = 1.3, all three stay active (0.2 − 0.3/3 > 0), θ = 0.1 → (0.4, −0.5, 0.1) */
        CHECK(fabsf(v.data[3] - 0.4f) < 1e-6f && fabsf(v.data[4] + 0.5f) < 1e-6f && fabsf(v.data[5] - 0.1f) < 1e-6f,
              "l1 projection of (0.5,-0.6,0.2): (%g,%g,%g)", v.data[3], v.data[4], v.data[5]);
        wk_tensor_free(&v);
    }

    /* 4. clipping */
    {
        wk_model D;
        build(&D, WK_ACT_RELU, &r);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_CLIP);
        REQUIRE(wk_lipschitz_attach(&L, &c, &D, &r) == WK_OK, "attach clip");
        CHECK(max_abs_ok(&D, 0.01f), "clipped at attach");
        ct_train(&D, &L, p2, q2, 2, 20, 256, 1e-3f, &r);
        CHECK(max_abs_ok(&D, 0.01f), "clipped after training");
        wk_lipschitz_free(&L);
        wk_model_free(&D);
    }

    /* 5. names, configurations, unsupported layers */
    {
        for (int m = WK_LIP_NONE; m <= WK_LIP_GP; m++) {
            wk_lip_method back;
            CHECK(wk_lip_method_parse(wk_lip_method_name((wk_lip_method)m), &back) == WK_OK && back == (wk_lip_method)m,
                  "method name round trip %d", m);
        }
        wk_lip_method x;
        CHECK(wk_lip_method_parse("orthogonal", &x) == WK_EINVAL && strstr(wk_last_error(), "bjorck"), "unknown method");
        wk_model D;
        build(&D, WK_ACT_GROUPSORT, &r);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_BJORCK);
        c.bjorck_beta = 2;
        CHECK(wk_lipschitz_attach(&L, &c, &D, &r) == WK_EINVAL, "beta 2 refused");
        c = wk_lipschitz_defaults(WK_LIP_SPECTRAL);
        c.sn_iters = 0;
        CHECK(wk_lipschitz_attach(&L, &c, &D, &r) == WK_EINVAL, "sn_iters 0 refused");
        wk_model_free(&D);
        wk_model_init(&D);
        wk_model_add_conv2d(&D, 1, 2, 3, 1, 1, 1);
        c = wk_lipschitz_defaults(WK_LIP_BJORCK);
        CHECK(wk_lipschitz_attach(&L, &c, &D, &r) == WK_EINVAL && strstr(wk_last_error(), "convolution"),
              "Björck on a conv critic refused: %s", wk_last_error());
        wk_model_free(&D);
    }
    wk_tensor_free(&pts);
    return check_summary("test_lipschitz_critic");
}
