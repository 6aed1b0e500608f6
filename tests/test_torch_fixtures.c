/* test_torch_fixtures.c — the core agrees with PyTorch (fixtures from
 * tests/reference/make_fixtures.py, see tests/fixtures/core/README.md):
 *  (a) a 2→64→64→1 ReLU critic with the WGAN-GP penalty: values, ∇ₓD and the parameter
 *      gradients through double backprop, two- and one-sided, at two weight scales;
 *  (b) a GroupSort MLP (k = 2 and 4): forward, VJP, and the penalty through GroupSort;
 *  (c) a DCGAN pair at 28×28 with batch norm: G(z), D, both losses, parameter gradients,
 *      running statistics;
 *  (d) Adam, RMSProp (plain and centred) and SGD trajectories over 5 steps;
 *  and single ops: conv2d, conv_transpose2d, batch/layer norm, log-softmax, cross-entropy,
 *  tanh/sigmoid/softplus/leaky_relu. Tolerance 1e-5 relative (1e-4 for convolutions). */
#include "fixture.h"
#include "wgankit/autodiff.h"
#include "wgankit/nn.h"
#include "wgankit/optim.h"

#include <string.h>

#define TOL 1e-5
#define TOL_CONV 1e-4

static wk_var *load_var(wk_graph *g, const char *dir, const char *name, int requires_grad) {
    wk_tensor t = fx_load(dir, name);
    wk_var *v = wk_input(g, &t, requires_grad);
    wk_tensor_free(&t);
    return v;
}

static const wk_tensor *val(wk_var *v) { return wk_value(v); }

/* Load fixture weights named prefix_<torch name> into the model's parameters, in order. */
static void load_params(wk_model *m, const char *dir, const char *const *names, const char *suffix) {
    for (int i = 0; i < m->n_params; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s%s", names[i], suffix);
        /* a sub-case without its own copy of a parameter uses the plain one */
        fx_load_into(dir, fx_exists(dir, name) ? name : names[i], &m->params[i]->value);
    }
}

static void check_param_grads(wk_model *m, const char *dir, const char *prefix, const char *const *names,
                              const char *suffix, double tol) {
    for (int i = 0; i < m->n_params; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s%s%s", prefix, names[i], suffix);
        fx_compare(dir, name, m->params[i]->grad.data, m->params[i]->grad.numel, tol);
    }
}

static const char *mlp_names[] = {"l1_weight", "l1_bias", "l2_weight", "l2_bias", "l3_weight", "l3_bias"};

/* The WGAN-GP critic loss written out from ops (the library's wk_gradient_penalty is checked
 * against the same fixture in the Lipschitz tests). Returns {gp, loss}. */
static void gp_loss(wk_graph *g, wk_model *D, const char *dir, int one_sided, wk_var **gp_out, wk_var **loss_out,
                    wk_var **gx_out, wk_var **dx_out) {
    wk_var *real = load_var(g, dir, "real", 0), *fake = load_var(g, dir, "fake", 0), *alpha = load_var(g, dir, "alpha", 0);
    wk_var *xhat = wk_add(g, wk_mul(g, alpha, real), wk_mul(g, wk_affine_scalar(g, alpha, -1, 1), fake));
    wk_var *x = wk_input(g, val(xhat), 1);
    wk_var *dx = wk_model_forward(D, g, x, 1);
    wk_var *gx;
    REQUIRE(wk_grad(g, wk_sum(g, dx, WK_ALL_AXES, 0), &x, 1, &gx, 1) == WK_OK, "grad: %s", wk_last_error());
    wk_var *norm = wk_sqrt(g, wk_sum(g, wk_square(g, gx), 1, 0));
    wk_var *dev = wk_add_scalar(g, norm, -1);
    if (one_sided) dev = wk_relu(g, dev);
    wk_var *gp = wk_mean(g, wk_square(g, dev), WK_ALL_AXES, 0);
    wk_var *w = wk_sub(g, wk_mean(g, wk_model_forward(D, g, fake, 1), WK_ALL_AXES, 0),
                       wk_mean(g, wk_model_forward(D, g, real, 1), WK_ALL_AXES, 0));
    *loss_out = wk_add(g, w, wk_mul_scalar(g, gp, 0.1f));
    *gp_out = gp;
    *gx_out = gx;
    *dx_out = dx;
    REQUIRE(*loss_out, "gp loss: %s", wk_last_error());
}

static void case_gp(wk_graph *g, const char *dir, wk_activation act, int k, const char *suffix) {
    wk_model D;
    wk_model_init(&D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 2, .width = 64, .act = act, .act_param = (float)k, .bias = 1};
    REQUIRE(wk_build_mlp(&D, &s) == WK_OK, "mlp");
    /* the _scaled sub-case only replaces the weights; _k4 only the group size */
    load_params(&D, dir, mlp_names, !strcmp(suffix, "_scaled") ? "_scaled" : "");
    char name[64];
    for (int one_sided = 0; one_sided < 2; one_sided++) {
        wk_graph_reset(g);
        wk_model_zero_grad(&D);
        wk_var *gp, *loss, *gx, *dx;
        gp_loss(g, &D, dir, one_sided, &gp, &loss, &gx, &dx);
        snprintf(name, sizeof name, "d_xhat%s", suffix);
        fx_compare(dir, name, val(dx)->data, val(dx)->numel, TOL);
        snprintf(name, sizeof name, "g%s", suffix);
        fx_compare(dir, name, val(gx)->data, val(gx)->numel, TOL);
        snprintf(name, sizeof name, one_sided ? "gp_one_sided%s" : "gp%s", suffix);
        fx_compare(dir, name, val(gp)->data, 1, TOL);
        REQUIRE(wk_backward(g, gp) == WK_OK, "backward gp: %s", wk_last_error());
        snprintf(name, sizeof name, "%sl1_weight%s", one_sided ? "gradgp_one_sided_" : "gradgp_", suffix);
        if (fx_exists(dir, name)) /* groupsort_mlp has the two-sided gradients only */
            check_param_grads(&D, dir, one_sided ? "gradgp_one_sided_" : "gradgp_", mlp_names, suffix, TOL);
        if (!one_sided) {
            wk_model_zero_grad(&D);
            snprintf(name, sizeof name, "loss%s", suffix);
            fx_compare(dir, name, val(loss)->data, 1, TOL);
            REQUIRE(wk_backward(g, loss) == WK_OK, "backward loss: %s", wk_last_error());
            check_param_grads(&D, dir, "gradloss_", mlp_names, suffix, TOL);
        }
    }
    wk_model_free(&D);
}

static void case_groupsort_vjp(wk_graph *g, int k, const char *suffix) {
    const char *dir = "groupsort_mlp";
    wk_model D;
    wk_model_init(&D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 2, .width = 64, .act = WK_ACT_GROUPSORT, .act_param = (float)k, .bias = 1};
    REQUIRE(wk_build_mlp(&D, &s) == WK_OK, "mlp");
    load_params(&D, dir, mlp_names, "");
    wk_graph_reset(g);
    wk_model_zero_grad(&D);
    wk_var *x = load_var(g, dir, "x", 1), *r = load_var(g, dir, "r", 0);
    wk_var *out = wk_model_forward(&D, g, x, 1);
    char name[64];
    snprintf(name, sizeof name, "out%s", suffix);
    fx_compare(dir, name, val(out)->data, val(out)->numel, TOL);
    REQUIRE(wk_backward(g, wk_sum(g, wk_mul(g, out, r), WK_ALL_AXES, 0)) == WK_OK, "backward: %s", wk_last_error());
    snprintf(name, sizeof name, "gradvjp_x%s", suffix);
    fx_compare(dir, name, wk_grad_of(x)->data, wk_grad_of(x)->numel, TOL);
    check_param_grads(&D, dir, "gradvjp_", mlp_names, suffix, TOL);
    wk_model_free(&D);
}

static double max_abs(const wk_tensor *t) {
    double mx = 0;
    for (int64_t j = 0; j < t->numel; j++) mx = fmax(mx, fabs(t->data[j]));
    return mx;
}

static double max_grad(const wk_model *m) {
    double mx = 0;
    for (int i = 0; i < m->n_params; i++) mx = fmax(mx, max_abs(&m->params[i]->grad));
    return mx;
}

/* Parameter gradients of a DCGAN network against the fixture. The two named biases have a
 * true gradient of 0 (they feed a training-mode batch norm, or the loss cancels them; the
 * reference is rounding noise): check they are tiny next to the network's largest gradient. */
static void check_dcgan_grads(const wk_model *m, const char *dir, const char *prefix, const char *const *names,
                              const char *zero1, const char *zero2) {
    for (int i = 0; i < m->n_params; i++) {
        char name[96];
        snprintf(name, sizeof name, "%s%s", prefix, names[i]);
        if (!strcmp(names[i], zero1) || !strcmp(names[i], zero2)) {
            double mx = max_abs(&m->params[i]->grad), ref = max_grad(m);
            CHECK(mx <= TOL_CONV * ref, "%s should be ~0: max %g vs largest gradient %g", name, mx, ref);
        } else {
            fx_compare(dir, name, m->params[i]->grad.data, m->params[i]->grad.numel, TOL_CONV);
        }
    }
}

static void case_dcgan(wk_graph *g) {
    const char *dir = "dcgan28";
    static const char *gn[] = {"g_fc_weight", "g_fc_bias", "g_bn0_weight", "g_bn0_bias", "g_dc1_weight",
                               "g_dc1_bias", "g_bn1_weight", "g_bn1_bias", "g_dc2_weight", "g_dc2_bias"};
    static const char *dn[] = {"d_c1_weight", "d_c1_bias", "d_c2_weight", "d_c2_bias",
                               "d_bn2_weight", "d_bn2_bias", "d_fc_weight", "d_fc_bias"};
    wk_dcgan_spec s = {.image_size = 28, .channels = 1, .latent_dim = 16, .width = 16, .batch_norm = 1, .critic_norm = 1};
    wk_model G, D;
    wk_model_init(&G);
    wk_model_init(&D);
    REQUIRE(wk_build_dcgan_generator(&G, &s) == WK_OK && wk_build_dcgan_critic(&D, &s) == WK_OK, "dcgan: %s", wk_last_error());
    REQUIRE(G.n_params == 10 && D.n_params == 8, "dcgan parameter counts %d %d", G.n_params, D.n_params);
    load_params(&G, dir, gn, "");
    load_params(&D, dir, dn, "");
    wk_graph_reset(g);
    wk_var *z = load_var(g, dir, "z", 0), *xr = load_var(g, dir, "x_real", 0);
    wk_var *fake = wk_model_forward(&G, g, z, 1);
    wk_var *d_real = wk_model_forward(&D, g, xr, 1);
    wk_var *d_fake = wk_model_forward(&D, g, fake, 1);
    REQUIRE(d_fake, "dcgan forward: %s", wk_last_error());
    fx_compare(dir, "g_z", val(fake)->data, val(fake)->numel, TOL_CONV);
    fx_compare(dir, "d_real", val(d_real)->data, 4, TOL_CONV);
    fx_compare(dir, "d_fake", val(d_fake)->data, 4, TOL_CONV);
    wk_var *loss_d = wk_sub(g, wk_mean(g, d_fake, WK_ALL_AXES, 0), wk_mean(g, d_real, WK_ALL_AXES, 0));
    wk_var *loss_g = wk_neg(g, wk_mean(g, d_fake, WK_ALL_AXES, 0));
    fx_compare(dir, "loss_d", val(loss_d)->data, 1, TOL_CONV);
    fx_compare(dir, "loss_g", val(loss_g)->data, 1, TOL_CONV);
    wk_model_zero_grad(&D);
    REQUIRE(wk_backward(g, loss_d) == WK_OK, "backward loss_d: %s", wk_last_error());
    check_dcgan_grads(&D, dir, "gradloss_d_", dn, "d_c2_bias", "d_fc_bias");
    wk_model_zero_grad(&G);
    REQUIRE(wk_backward(g, loss_g) == WK_OK, "backward loss_g: %s", wk_last_error());
    check_dcgan_grads(&G, dir, "gradloss_g_", gn, "g_fc_bias", "g_dc1_bias");
    /* running statistics: G layers 1 and 5, D layer 4 are the batch norms */
    fx_compare(dir, "g_bn0_running_mean", G.layers[1].running_mean.data, G.layers[1].running_mean.numel, TOL);
    fx_compare(dir, "g_bn0_running_var", G.layers[1].running_var.data, G.layers[1].running_var.numel, TOL);
    fx_compare(dir, "g_bn1_running_mean", G.layers[5].running_mean.data, 16, TOL);
    fx_compare(dir, "g_bn1_running_var", G.layers[5].running_var.data, 16, TOL);
    fx_compare(dir, "d_bn2_running_mean", D.layers[3].running_mean.data, 32, TOL_CONV);
    fx_compare(dir, "d_bn2_running_var", D.layers[3].running_var.data, 32, TOL_CONV);
    wk_model_free(&G);
    wk_model_free(&D);
}

/* ---- single ops: forward and the VJP of sum(out * R) ---- */
static void vjp_check(wk_graph *g, const char *pfx, const char *cfg, wk_var *out, wk_var **ins, const char **gnames,
                      int n, double tol) {
    char name[96];
    snprintf(name, sizeof name, "%s_out%s", pfx, cfg);
    fx_compare("ops", name, val(out)->data, val(out)->numel, tol);
    snprintf(name, sizeof name, "%s_r%s", pfx, cfg);
    wk_var *r = load_var(g, "ops", name, 0);
    REQUIRE(wk_backward(g, wk_sum(g, wk_mul(g, out, r), WK_ALL_AXES, 0)) == WK_OK, "%s backward: %s", pfx, wk_last_error());
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s_%s%s", pfx, gnames[i], cfg);
        fx_compare("ops", name, wk_grad_of(ins[i])->data, wk_grad_of(ins[i])->numel, tol);
    }
}

static void case_ops(wk_graph *g) {
    const char *dir = "ops";
    const char *gxwb[] = {"gx", "gw", "gb"};
    int conv_cfg[4][2] = {{1, 0}, {1, 1}, {2, 1}, {2, 0}};
    for (int i = 0; i < 4; i++) {
        wk_graph_reset(g);
        wk_var *in[3] = {load_var(g, dir, "conv_x", 1), load_var(g, dir, "conv_w", 1), load_var(g, dir, "conv_b", 1)};
        char cfg[32];
        snprintf(cfg, sizeof cfg, "_s%dp%d", conv_cfg[i][0], conv_cfg[i][1]);
        vjp_check(g, "conv", cfg, wk_conv2d(g, in[0], in[1], in[2], conv_cfg[i][0], conv_cfg[i][1]), in, gxwb, 3, TOL_CONV);
    }
    int ct[3][3] = {{1, 0, 0}, {2, 1, 0}, {2, 1, 1}};
    for (int i = 0; i < 3; i++) {
        wk_graph_reset(g);
        wk_var *in[3] = {load_var(g, dir, "convt_x", 1), load_var(g, dir, "convt_w", 1), load_var(g, dir, "convt_b", 1)};
        char cfg[32];
        snprintf(cfg, sizeof cfg, "_s%dp%dop%d", ct[i][0], ct[i][1], ct[i][2]);
        vjp_check(g, "convt", cfg, wk_conv_transpose2d(g, in[0], in[1], in[2], ct[i][0], ct[i][1], ct[i][2]), in, gxwb, 3, TOL_CONV);
    }
    const char *bns[] = {"bn2d", "bn4d"};
    for (int b = 0; b < 2; b++)
        for (int train = 0; train < 2; train++) {
            wk_graph_reset(g);
            char nx[32], nw[32], nb[32], nrm[32], nrv[32], pfx[32];
            snprintf(nx, sizeof nx, "%s_x", bns[b]);
            snprintf(nw, sizeof nw, "%s_w", bns[b]);
            snprintf(nb, sizeof nb, "%s_b", bns[b]);
            snprintf(nrm, sizeof nrm, "%s_rm", bns[b]);
            snprintf(nrv, sizeof nrv, "%s_rv", bns[b]);
            snprintf(pfx, sizeof pfx, "%s_%s", bns[b], train ? "train" : "eval");
            wk_var *in[3] = {load_var(g, dir, nx, 1), load_var(g, dir, nw, 1), load_var(g, dir, nb, 1)};
            wk_tensor rm = fx_load(dir, nrm), rv = fx_load(dir, nrv);
            wk_var *out = wk_batch_norm(g, in[0], in[1], in[2], &rm, &rv, train, 0.1f, 1e-5f);
            vjp_check(g, pfx, "", out, in, gxwb, 3, TOL);
            if (train) {
                char n1[48], n2[48];
                snprintf(n1, sizeof n1, "%s_rm_new", pfx);
                snprintf(n2, sizeof n2, "%s_rv_new", pfx);
                fx_compare(dir, n1, rm.data, rm.numel, TOL);
                fx_compare(dir, n2, rv.data, rv.numel, TOL);
            }
            wk_tensor_free(&rm);
            wk_tensor_free(&rv);
        }
    for (int b = 0; b < 2; b++) {
        wk_graph_reset(g);
        const char *p = b ? "ln4d" : "ln2d";
        char nx[32], nw[32], nb[32];
        snprintf(nx, sizeof nx, "%s_x", p);
        snprintf(nw, sizeof nw, "%s_w", p);
        snprintf(nb, sizeof nb, "%s_b", p);
        wk_var *in[3] = {load_var(g, dir, nx, 1), load_var(g, dir, nw, 1), load_var(g, dir, nb, 1)};
        vjp_check(g, p, "", wk_layer_norm(g, in[0], b ? 3 : 1, in[1], in[2], 1e-5f), in, gxwb, 3, TOL);
    }
    {
        wk_graph_reset(g);
        wk_var *x = load_var(g, dir, "lsm_x", 1);
        vjp_check(g, "lsm", "", wk_log_softmax(g, x), &x, gxwb, 1, TOL);
        wk_graph_reset(g);
        x = load_var(g, dir, "lsm_x", 1);
        wk_tensor lab = fx_load(dir, "ce_labels");
        int64_t labels[16];
        for (int64_t i = 0; i < lab.numel; i++) labels[i] = (int64_t)lab.data[i];
        wk_var *ce = wk_cross_entropy(g, x, labels);
        fx_compare(dir, "ce_loss", val(ce)->data, 1, TOL);
        REQUIRE(wk_backward(g, ce) == WK_OK, "ce backward");
        fx_compare(dir, "ce_gx", wk_grad_of(x)->data, wk_grad_of(x)->numel, TOL);
        wk_tensor_free(&lab);
    }
    const char *pw[] = {"tanh", "sigmoid", "softplus", "leaky_relu"};
    for (int i = 0; i < 4; i++) {
        wk_graph_reset(g);
        wk_var *x = load_var(g, dir, "pw_x", 1);
        wk_var *y = i == 0 ? wk_tanh(g, x) : i == 1 ? wk_sigmoid(g, x) : i == 2 ? wk_softplus(g, x) : wk_leaky_relu(g, x, 0.2f);
        vjp_check(g, pw[i], "", y, &x, gxwb, 1, TOL);
    }
}

/* ---- optimizers ---- */
static void case_optim(const char *cfgname, wk_optim_config cfg, const char *s0, const char *s1, const char *s2) {
    const char *dir = "optim";
    wk_param a, b;
    wk_param_init(&a, "a", 2, (int64_t[]){3, 4});
    wk_param_init(&b, "b", 1, (int64_t[]){5});
    fx_load_into(dir, "a0", &a.value);
    fx_load_into(dir, "b0", &b.value);
    wk_tensor ga = fx_load(dir, "grad_a"), gb = fx_load(dir, "grad_b");
    char name[96];
    snprintf(name, sizeof name, "%s_a", cfgname);
    wk_tensor ta = fx_load(dir, name);
    snprintf(name, sizeof name, "%s_b", cfgname);
    wk_tensor tb = fx_load(dir, name);
    wk_param *ps[2] = {&a, &b};
    wk_optimizer o;
    REQUIRE(wk_optim_init(&o, &cfg, ps, 2) == WK_OK, "optim init: %s", wk_last_error());
    for (int s = 0; s < 5; s++) {
        memcpy(a.grad.data, ga.data + s * 12, 12 * sizeof(float));
        memcpy(b.grad.data, gb.data + s * 5, 5 * sizeof(float));
        REQUIRE(wk_optim_step(&o) == WK_OK, "step: %s", wk_last_error());
        wk_tensor want_a = {.data = ta.data + s * 12, .ndim = 1, .shape = {12}, .numel = 12};
        wk_tensor want_b = {.data = tb.data + s * 5, .ndim = 1, .shape = {5}, .numel = 5};
        double ea = fx_rel_err(a.value.data, &want_a), eb = fx_rel_err(b.value.data, &want_b);
        CHECK(ea <= TOL && eb <= TOL, "%s step %d: relative error a %.3g b %.3g", cfgname, s + 1, ea, eb);
    }
    const char *st[3] = {s0, s1, s2};
    for (int k = 0; k < 3; k++) {
        if (!st[k]) continue;
        int slot = -1;
        for (int j = 0; j < 3; j++)
            if (wk_optim_state_name(&o, j) && !strcmp(wk_optim_state_name(&o, j), st[k])) slot = j;
        REQUIRE(slot >= 0, "state %s", st[k]);
        snprintf(name, sizeof name, "%s_%s_a", cfgname, st[k]);
        fx_compare(dir, name, wk_optim_state_tensor(&o, slot, 0)->data, 12, TOL);
        snprintf(name, sizeof name, "%s_%s_b", cfgname, st[k]);
        fx_compare(dir, name, wk_optim_state_tensor(&o, slot, 1)->data, 5, TOL);
    }
    wk_optim_free(&o);
    wk_param_free(&a);
    wk_param_free(&b);
    wk_tensor_free(&ga); wk_tensor_free(&gb); wk_tensor_free(&ta); wk_tensor_free(&tb);
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(2); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_graph *g = wk_graph_new();
    case_gp(g, "gp_relu_critic", WK_ACT_RELU, 0, "");
    case_gp(g, "gp_relu_critic", WK_ACT_RELU, 0, "_scaled");
    case_gp(g, "groupsort_mlp", WK_ACT_GROUPSORT, 2, "");
    case_gp(g, "groupsort_mlp", WK_ACT_GROUPSORT, 4, "_k4");
    case_groupsort_vjp(g, 2, "");
    case_groupsort_vjp(g, 4, "_k4");
    case_dcgan(g);
    case_ops(g);

    wk_optim_config c = wk_optim_defaults(WK_OPT_ADAM, 1e-3f);
    c.beta1 = 0.5f; c.beta2 = 0.9f; c.weight_decay = 0.01f;
    case_optim("adam_wd", c, "exp_avg", "exp_avg_sq", NULL);
    c.lr = 1e-4f; c.weight_decay = 0;
    case_optim("adam", c, "exp_avg", "exp_avg_sq", NULL);
    c = wk_optim_defaults(WK_OPT_RMSPROP, 1e-2f);
    c.momentum = 0.9f;
    case_optim("rmsprop", c, "square_avg", "momentum_buffer", NULL);
    c.centered = 1;
    case_optim("rmsprop_centered", c, "square_avg", "momentum_buffer", "grad_avg");
    c = wk_optim_defaults(WK_OPT_SGD, 0.1f);
    c.momentum = 0.9f; c.weight_decay = 1e-4f;
    case_optim("sgd", c, "momentum_buffer", NULL, NULL);
    wk_graph_free(g);
    return check_summary("test_torch_fixtures");
}
