/* test_w1_estimate.c — a trained GroupSort critic estimates W1 (acceptance 5): maximising
 * E_P D − E_Q D over 1-Lipschitz GroupSort critics (Björck-orthonormal weights) gives
 * W1(P, Q) by Kantorovich–Rubinstein (Biau et al. 2021, §2: d_D ≤ d_Lip = W1, with equality
 * when the class is rich enough — here the optimal critic x ↦ ⟨e, x⟩ is in the class).
 *   N(0, 1) vs N(2, 1) in 1-D: W1 = 2, within 3 % (projection and reparametrisation modes);
 *   N(0, I) vs N((3, 0), I) in 2-D: W1 = 3, within 5 %. */
#include "critic_train.h"

static void p1(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){0}); }
static void q1(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){2}); }
static void p2(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){0, 0}); }
static void q2(wk_rng *r, float *x, int64_t n, int d) { ct_gauss(r, x, n, d, (const float[]){3, 0}); }

static double estimate(int dim, ct_sampler P, ct_sampler Q, int reparam, uint64_t seed) {
    wk_rng r;
    wk_rng_seed(&r, seed);
    wk_model D;
    wk_model_init(&D);
    wk_mlp_spec s = {.in = dim, .out = 1, .depth = 2, .width = 32, .act = WK_ACT_GROUPSORT, .act_param = 2, .bias = 1};
    REQUIRE(wk_build_mlp(&D, &s) == WK_OK, "mlp: %s", wk_last_error());
    wk_model_init_default(&D, &r);
    wk_lipschitz L;
    wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_BJORCK);
    c.bjorck_reparam = reparam;
    REQUIRE(wk_lipschitz_attach(&L, &c, &D, &r) == WK_OK, "attach: %s", wk_last_error());
    ct_train(&D, &L, P, Q, dim, 400, 256, 2e-3f, &r);
    REQUIRE(wk_lipschitz_finalize(&L) == WK_OK, "finalize: %s", wk_last_error());
    double w1 = ct_estimate(&D, P, Q, dim, 200000, &r); /* E_P D − E_Q D on fresh samples */
    wk_lipschitz_free(&L);
    wk_model_free(&D);
    return w1;
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    double a = estimate(1, p1, q1, 0, 1), b = estimate(1, p1, q1, 1, 2), c = estimate(2, p2, q2, 0, 3);
    printf("W1 estimates: 1-D projection %.4f, 1-D reparametrisation %.4f (true 2); 2-D %.4f (true 3)\n", a, b, c);
    CHECK(fabs(a - 2) <= 0.03 * 2, "1-D W1 (projection) %.4f, want 2 within 3%%", a);
    CHECK(fabs(b - 2) <= 0.03 * 2, "1-D W1 (reparametrisation) %.4f, want 2 within 3%%", b);
    CHECK(fabs(c - 3) <= 0.05 * 3, "2-D W1 %.4f, want 3 within 5%%", c);
    return check_summary("test_w1_estimate");
}
