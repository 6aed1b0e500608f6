/* test_gradient_penalty.c — the WGAN-GP penalty against PyTorch (acceptance 4):
 * gp_relu_critic (2-64-64-1 ReLU critic, default and 2.2×-scaled weights so that ‖∇D‖
 * straddles 1) and groupsort_mlp (GroupSort k = 2 and 4): the two-sided and one-sided
 * penalties and the critic loss mean D(fake) − mean D(real) + λ·gp, with their parameter
 * gradients by double backprop, all within 1e-5 of the largest reference magnitude; and the
 * wk_lipschitz interface: "gp" draws α and returns λ·gp, the other methods a zero term. */
#include "fixture.h"
#include "wgankit/lipschitz.h"

#include <string.h>

static const char *pnames[] = {"l1_weight", "l1_bias", "l2_weight", "l2_bias", "l3_weight", "l3_bias"};
#define TOL 1e-5

static void build(wk_model *m, wk_activation act, float k) {
    wk_model_init(m);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 2, .width = 64, .act = act, .act_param = k, .bias = 1};
    REQUIRE(wk_build_mlp(m, &s) == WK_OK && m->n_params == 6, "build: %s", wk_last_error());
}

/* Load the case's parameters; `scaled` swaps in the *_weight_scaled files. */
static void load_params(wk_model *m, const char *kase, int scaled) {
    for (int i = 0; i < 6; i++) {
        char n[64];
        snprintf(n, sizeof n, "%s%s", pnames[i], scaled && strstr(pnames[i], "weight") ? "_scaled" : "");
        fx_load_into(kase, n, &m->params[i]->value);
    }
}

/* quantity: "gp", "gp_one_sided" or "loss"; suffix "" / "_scaled" / "_k4"; grads: compare them */
static void check_case(wk_model *m, const char *kase, const char *quantity, const char *suffix, int grads) {
    wk_graph *g = wk_graph_new();
    wk_tensor real = fx_load(kase, "real"), fake = fx_load(kase, "fake"), alpha = fx_load(kase, "alpha");
    wk_var *rv = wk_input(g, &real, 0), *fv = wk_input(g, &fake, 0);
    int one_sided = !strcmp(quantity, "gp_one_sided"), loss = !strcmp(quantity, "loss");
    wk_var *y = wk_gradient_penalty(g, m, rv, fv, alpha.data, loss ? 0.1f : 1.0f, one_sided);
    REQUIRE(y, "%s %s%s: %s", kase, quantity, suffix, wk_last_error());
    if (loss)
        y = wk_add(g, y, wk_sub(g, wk_mean(g, wk_model_forward(m, g, fv, 1), WK_ALL_AXES, 0),
                                wk_mean(g, wk_model_forward(m, g, rv, 1), WK_ALL_AXES, 0)));
    char n[96];
    snprintf(n, sizeof n, "%s%s", quantity, suffix);
    fx_compare(kase, n, wk_value(y)->data, 1, TOL);
    if (grads) {
        wk_model_zero_grad(m);
        REQUIRE(wk_backward(g, y) == WK_OK, "backward: %s", wk_last_error());
        for (int i = 0; i < 6; i++) {
            snprintf(n, sizeof n, "grad%s_%s%s", quantity, pnames[i], suffix);
            fx_compare(kase, n, m->params[i]->grad.data, m->params[i]->grad.numel, TOL);
        }
    }
    wk_tensor_free(&real);
    wk_tensor_free(&fake);
    wk_tensor_free(&alpha);
    wk_graph_free(g);
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    /* ReLU critic, default and scaled weights */
    for (int scaled = 0; scaled < 2; scaled++) {
        wk_model m;
        build(&m, WK_ACT_RELU, 0);
        load_params(&m, "gp_relu_critic", scaled);
        const char *sfx = scaled ? "_scaled" : "";
        check_case(&m, "gp_relu_critic", "gp", sfx, 1);
        check_case(&m, "gp_relu_critic", "gp_one_sided", sfx, 1);
        check_case(&m, "gp_relu_critic", "loss", sfx, 1);
        wk_model_free(&m);
    }
    /* GroupSort critic, k = 2 and 4 (same weights) */
    for (int k = 2; k <= 4; k += 2) {
        wk_model m;
        build(&m, WK_ACT_GROUPSORT, (float)k);
        load_params(&m, "groupsort_mlp", 0);
        const char *sfx = k == 4 ? "_k4" : "";
        check_case(&m, "groupsort_mlp", "gp", sfx, 1);
        check_case(&m, "groupsort_mlp", "gp_one_sided", sfx, 0);
        check_case(&m, "groupsort_mlp", "loss", sfx, 1);
        wk_model_free(&m);
    }
    /* through the wk_lipschitz interface */
    {
        wk_model m;
        build(&m, WK_ACT_RELU, 0);
        load_params(&m, "gp_relu_critic", 1);
        wk_rng r;
        wk_rng_seed(&r, 5);
        wk_lipschitz L;
        wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_GP);
        c.gp_lambda = 0.1f;
        REQUIRE(wk_lipschitz_attach(&L, &c, &m, &r) == WK_OK, "attach gp: %s", wk_last_error());
        wk_graph *g = wk_graph_new();
        wk_tensor real = fx_load("gp_relu_critic", "real"), fake = fx_load("gp_relu_critic", "fake");
        wk_var *p = wk_lipschitz_penalty(&L, g, wk_input(g, &real, 0), wk_input(g, &fake, 0), &r);
        CHECK(p && wk_value(p)->data[0] > 0 && isfinite(wk_value(p)->data[0]), "gp penalty through the interface");
        wk_lipschitz_free(&L);
        c = wk_lipschitz_defaults(WK_LIP_NONE);
        REQUIRE(wk_lipschitz_attach(&L, &c, &m, &r) == WK_OK, "attach none");
        p = wk_lipschitz_penalty(&L, g, wk_input(g, &real, 0), wk_input(g, &fake, 0), &r);
        CHECK(p && wk_value(p)->numel == 1 && wk_value(p)->data[0] == 0, "no penalty for 'none'");
        wk_lipschitz_free(&L);
        /* bad shapes are refused */
        wk_tensor small = {0};
        wk_tensor_alloc(&small, 2, (int64_t[]){3, 2});
        CHECK(!wk_gradient_penalty(g, &m, wk_input(g, &real, 0), wk_input(g, &small, 0), (float[8]){0}, 1, 0) &&
                  strstr(wk_last_error(), "same shape"),
              "mismatched real/fake refused: %s", wk_last_error());
        wk_tensor_free(&small);
        wk_tensor_free(&real);
        wk_tensor_free(&fake);
        wk_graph_free(g);
        wk_model_free(&m);
    }
    return check_summary("test_gradient_penalty");
}
