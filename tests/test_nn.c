/* test_nn.c — layers and builders: output shapes of the MLP and DCGAN builders, PyTorch's
 * initialisation law (moments of U(±1/√fan_in) and N(0, 0.02)), first- and second-order
 * gradients through whole models (ReLU MLP, GroupSort MLP, a small DCGAN critic with layer
 * norm), and that bad specs are refused with a message. */
#include "gradcheck.h"
#include "wgankit/nn.h"

static wk_model *cur;
static wk_var *f_model(wk_graph *g, wk_var **x, void *c) {
    (void)c;
    return wk_model_forward(cur, g, x[0], 1);
}

/* Gradcheck a model w.r.t. its input, then w.r.t. its first weight by swapping it in as input. */
static void check_model(const char *name, wk_model *m, wk_tensor *x) {
    cur = m;
    gc_opts o = {.h = 2e-3, .rtol = 3e-2, .atol = 5e-3, .second = 1};
    gradcheck(name, f_model, NULL, 1, x, &o);
}

/* 2→8→8→1 MLP with the given activation (GroupSort: MaxMin), PyTorch's initialisation. */
static void small_mlp(wk_model *m, wk_activation act, wk_rng *r) {
    wk_model_init(m);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 2, .width = 8, .act = act, .act_param = 2, .bias = 1};
    REQUIRE(wk_build_mlp(m, &s) == WK_OK, "mlp: %s", wk_last_error());
    wk_model_init_default(m, r);
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 3);
    char buf[512];
    /* the one weighted-layer test: Linear and both convolutions, not the norms' per-channel scales */
    for (int k = WK_LAYER_LINEAR; k <= WK_LAYER_RESHAPE; k++) {
        wk_layer l = {.kind = (wk_layer_kind)k};
        int want = k == WK_LAYER_LINEAR || k == WK_LAYER_CONV2D || k == WK_LAYER_CONVT2D;
        CHECK(wk_layer_is_weighted(&l) == want, "layer kind %d weighted %d", k, wk_layer_is_weighted(&l));
    }

    /* init law: Linear(fan_in=400) weights uniform on ±1/20 */
    {
        wk_model m;
        wk_model_init(&m);
        REQUIRE(wk_model_add_linear(&m, 400, 300, 1) == WK_OK, "add linear");
        wk_model_init_default(&m, &r);
        const wk_tensor *w = &m.params[0]->value;
        double s = 0, s2 = 0, mx = 0;
        for (int64_t i = 0; i < w->numel; i++) { s += w->data[i]; s2 += w->data[i] * w->data[i]; mx = fmax(mx, fabs(w->data[i])); }
        CHECK_CLOSE(s / w->numel, 0, 0, 5e-4, "kaiming-uniform mean");
        CHECK_CLOSE(s2 / w->numel, (0.05 * 0.05) / 3, 0.02, 0, "kaiming-uniform variance = bound^2/3");
        CHECK(mx <= 0.05 && mx > 0.0499, "kaiming-uniform bound 1/sqrt(fan_in): max %g", mx);
        wk_model_init_normal(&m, &r, 0.02f);
        s2 = 0;
        for (int64_t i = 0; i < w->numel; i++) s2 += w->data[i] * w->data[i];
        CHECK_CLOSE(sqrt(s2 / w->numel), 0.02, 0.02, 0, "DCGAN init std");
        CHECK(m.params[1]->value.data[0] == 0, "DCGAN init zero bias");
        CHECK(!strcmp(m.params[0]->name, "0.weight") && !strcmp(m.params[1]->name, "0.bias"), "torch names: %s", m.params[0]->name);
        wk_model_free(&m);
    }
    /* ConvTranspose2d fan_in is weight.size(1)*k*k (PyTorch) */
    {
        wk_model m;
        wk_model_init(&m);
        wk_model_add_conv_transpose2d(&m, 8, 4, 3, 2, 1, 0, 1);
        wk_model_init_default(&m, &r);
        float bound = 1.0f / sqrtf(4 * 9), mx = 0;
        for (int64_t i = 0; i < m.params[0]->value.numel; i++) mx = fmaxf(mx, fabsf(m.params[0]->value.data[i]));
        CHECK(mx <= bound && mx > 0.9f * bound, "convT init bound %g vs %g", mx, bound);
        wk_model_free(&m);
    }
    /* builders: shapes */
    wk_graph *g = wk_graph_new();
    for (int size = 28; size <= 32; size += 4) {
        wk_dcgan_spec s = {.image_size = size, .channels = size == 28 ? 1 : 3, .latent_dim = 16, .width = 8,
                           .batch_norm = 1, .critic_norm = 1};
        wk_model G, D;
        wk_model_init(&G);
        wk_model_init(&D);
        REQUIRE(wk_build_dcgan_generator(&G, &s) == WK_OK, "dcgan G: %s", wk_last_error());
        REQUIRE(wk_build_dcgan_critic(&D, &s) == WK_OK, "dcgan D: %s", wk_last_error());
        wk_model_init_normal(&G, &r, 0.02f);
        wk_model_init_normal(&D, &r, 0.02f);
        wk_graph_reset(g);
        wk_var *z = wk_input_empty(g, 2, (int64_t[]){5, 16}, 0);
        wk_tensor *zt = &(wk_tensor){.data = wk_input_data(z), .numel = 80};
        wk_rng_fill_normal(&r, zt->data, zt->numel, 0, 1);
        wk_var *x = wk_model_forward(&G, g, z, 1);
        REQUIRE(x, "G forward: %s", wk_last_error());
        const wk_tensor *xv = wk_value(x);
        CHECK(xv->ndim == 4 && xv->shape[0] == 5 && xv->shape[1] == s.channels && xv->shape[2] == size && xv->shape[3] == size,
              "G(z) shape %s", wk_shape_str(xv, buf, sizeof buf));
        float mx = 0;
        for (int64_t i = 0; i < xv->numel; i++) mx = fmaxf(mx, fabsf(xv->data[i]));
        CHECK(mx <= 1, "tanh output in [-1, 1]");
        wk_var *d = wk_model_forward(&D, g, x, 1);
        REQUIRE(d, "D forward: %s", wk_last_error());
        CHECK(wk_value(d)->ndim == 2 && wk_value(d)->shape[0] == 5 && wk_value(d)->shape[1] == 1, "D shape %s",
              wk_shape_str(wk_value(d), buf, sizeof buf));
        CHECK(wk_backward(g, wk_mean(g, d, WK_ALL_AXES, 0)) == WK_OK, "backward through G and D: %s", wk_last_error());
        double gn = 0;
        for (int i = 0; i < G.n_params; i++)
            for (int64_t j = 0; j < G.params[i]->grad.numel; j++) gn += fabs(G.params[i]->grad.data[j]);
        CHECK(gn > 0, "generator gets gradients");
        wk_model_free(&G);
        wk_model_free(&D);
    }
    /* gradients through whole models, first and second order */
    {
        wk_model m;
        small_mlp(&m, WK_ACT_RELU, &r);
        wk_tensor x = gc_rand(&r, 2, (int64_t[]){4, 2}, -2, 2);
        check_model("relu mlp", &m, &x);
        wk_model_free(&m);
        small_mlp(&m, WK_ACT_GROUPSORT, &r);
        check_model("groupsort mlp", &m, &x);
        CHECK(!strcmp(wk_model_describe(&m, buf, sizeof buf), "linear(2,8) groupsort linear(8,8) groupsort linear(8,1) (105 parameters)"),
              "describe: %s", buf);
        wk_model_free(&m);
        wk_tensor_free(&x);

        wk_dcgan_spec ds = {.image_size = 28, .channels = 1, .latent_dim = 4, .width = 2, .critic_norm = 2};
        wk_model_init(&m);
        REQUIRE(wk_build_dcgan_critic(&m, &ds) == WK_OK, "critic");
        wk_model_init_default(&m, &r);
        wk_tensor img = gc_rand(&r, 4, (int64_t[]){2, 1, 28, 28}, -1, 1);
        cur = &m;
        gc_opts o = {.h = 2e-3, .rtol = 3e-2, .atol = 5e-3, .second = 0};
        gradcheck("dcgan critic (layer norm)", f_model, NULL, 1, &img, &o);
        wk_model_free(&m);
        wk_tensor_free(&img);
    }
    /* a frozen model passes gradients to its input, none to its parameters */
    {
        wk_model m;
        small_mlp(&m, WK_ACT_RELU, &r);
        wk_tensor x = gc_rand(&r, 2, (int64_t[]){4, 2}, -2, 2);
        float gx[2][8];
        for (int frozen = 0; frozen < 2; frozen++) {
            wk_model_zero_grad(&m);
            m.frozen = frozen;
            wk_graph_reset(g);
            wk_var *in = wk_input(g, &x, 1);
            REQUIRE(wk_backward(g, wk_sum(g, wk_model_forward(&m, g, in, 1), WK_ALL_AXES, 0)) == WK_OK, "backward");
            memcpy(gx[frozen], wk_grad_of(in)->data, sizeof gx[0]);
            double pg = 0;
            for (int i = 0; i < m.n_params; i++)
                for (int64_t j = 0; j < m.params[i]->grad.numel; j++) pg += fabs(m.params[i]->grad.data[j]);
            CHECK(frozen ? pg == 0 : pg > 0, "frozen=%d: parameter gradient mass %g", frozen, pg);
        }
        CHECK(!memcmp(gx[0], gx[1], sizeof gx[0]), "same input gradient frozen or not");
        wk_model_free(&m);
        wk_tensor_free(&x);
    }
    /* bad specs */
    {
        wk_model m;
        wk_model_init(&m);
        wk_mlp_spec s = {.in = 2, .out = 1, .depth = 2, .width = 7, .act = WK_ACT_GROUPSORT, .act_param = 2};
        CHECK(wk_build_mlp(&m, &s) == WK_EINVAL && strstr(wk_last_error(), "multiple"), "odd width with MaxMin refused: %s", wk_last_error());
        wk_dcgan_spec ds = {.image_size = 30, .channels = 1, .latent_dim = 4, .width = 2};
        CHECK(wk_build_dcgan_generator(&m, &ds) == WK_EINVAL, "30x30 refused");
        CHECK(wk_model_add_conv2d(&m, 3, 4, 3, 0, 0, 1) == WK_EINVAL, "stride 0 refused");
        wk_model_free(&m);
        /* a shape mismatch inside a forward pass names the layer and the shapes */
        wk_model_init(&m);
        wk_model_add_linear(&m, 3, 4, 1);
        wk_graph_reset(g);
        wk_var *x = wk_constant(g, 2, (int64_t[]){5, 2}, 1.0f);
        CHECK(!wk_model_forward(&m, g, x, 1), "forward with wrong width fails");
        CHECK(strstr(wk_last_error(), "layer 0") && strstr(wk_last_error(), "[5, 2]"), "message: %s", wk_last_error());
        wk_model_free(&m);
    }
    wk_graph_free(g);
    return check_summary("test_nn");
}
