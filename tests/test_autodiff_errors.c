/* test_autodiff_errors.c — bad input to the core gives an error code and a message naming the
 * op and the shapes, never a crash: shape mismatches, NULL inputs from an earlier failure
 * (sticky graph status), non-scalar backward, NaN/Inf appearing in a backward pass, bad
 * optimizer settings and non-finite gradients (weights left untouched). */
#include "check.h"
#include "wgankit/wgankit.h" /* the umbrella header: this test also checks it compiles */

#include <math.h>
#include <string.h>

int main(void) {
    wk_graph *g = wk_graph_new();
    wk_var *a = wk_constant(g, 2, (int64_t[]){3, 4}, 1.0f), *b = wk_constant(g, 2, (int64_t[]){5, 4}, 1.0f);

    CHECK(wk_matmul(g, a, b, 0, 0) == NULL, "matmul [3,4]x[5,4] fails");
    CHECK(wk_graph_status(g) == WK_EINVAL, "status EINVAL");
    CHECK(strstr(wk_last_error(), "matmul") && strstr(wk_last_error(), "[3, 4]") && strstr(wk_last_error(), "[5, 4]"),
          "message names op and shapes: %s", wk_last_error());
    /* the first error stays: later ops on NULL keep it */
    wk_var *chain = wk_relu(g, wk_add(g, wk_matmul(g, a, b, 0, 0), a));
    CHECK(chain == NULL && strstr(wk_last_error(), "matmul"), "NULL propagates, first message kept: %s", wk_last_error());
    CHECK(wk_backward(g, chain) != WK_OK, "backward of a failed graph fails");

    wk_graph_reset(g);
    CHECK(wk_graph_status(g) == WK_OK, "reset clears status");
    a = wk_constant(g, 2, (int64_t[]){3, 4}, 1.0f);
    CHECK(!wk_add(g, a, wk_constant(g, 1, (int64_t[]){3}, 1.0f)) && strstr(wk_last_error(), "broadcast"),
          "add [3,4]+[3] does not broadcast: %s", wk_last_error());
    wk_graph_reset(g);
    a = wk_input(g, &(wk_tensor){.data = (float[]){1, 2, 3, 4}, .ndim = 1, .shape = {4}, .numel = 4}, 1);
    CHECK(wk_backward(g, wk_square(g, a)) == WK_EINVAL && strstr(wk_last_error(), "scalar"), "non-scalar backward: %s",
          wk_last_error());
    CHECK(!wk_reshape(g, a, 2, (int64_t[]){3, 2}) && strstr(wk_last_error(), "reshape"), "bad reshape: %s", wk_last_error());
    wk_graph_reset(g);
    a = wk_constant(g, 2, (int64_t[]){2, 3}, 1.0f);
    CHECK(!wk_groupsort(g, a, 2) && strstr(wk_last_error(), "group size"), "groupsort 3 features k=2: %s", wk_last_error());
    wk_graph_reset(g);
    wk_var *x4 = wk_constant(g, 4, (int64_t[]){1, 3, 5, 5}, 1.0f), *w4 = wk_constant(g, 4, (int64_t[]){2, 4, 3, 3}, 1.0f);
    CHECK(!wk_conv2d(g, x4, w4, NULL, 1, 0) && strstr(wk_last_error(), "conv2d"), "conv channel mismatch: %s", wk_last_error());
    wk_graph_reset(g);
    x4 = wk_constant(g, 4, (int64_t[]){1, 3, 5, 5}, 1.0f);
    CHECK(!wk_conv_transpose2d(g, x4, wk_constant(g, 4, (int64_t[]){3, 2, 3, 3}, 1.0f), NULL, 2, 1, 2) &&
              strstr(wk_last_error(), "output_padding"),
          "output_padding >= stride refused: %s", wk_last_error());

    /* Inf in a backward pass: sqrt(sqrt(x)) is fine forward at x = 0, its gradient is not;
     * the check names the op whose output gradient went bad. */
    float xs[3] = {1, 0, 2};
    wk_graph_reset(g);
    a = wk_input(g, &(wk_tensor){.data = xs, .ndim = 1, .shape = {3}, .numel = 3}, 1);
    wk_var *y = wk_sum(g, wk_sqrt(g, wk_sqrt(g, a)), WK_ALL_AXES, 0); /* d/dx at 0 is inf */
    int rc = wk_backward(g, y);
    CHECK(rc == WK_ENUMERIC, "Inf gradient detected, rc %d", rc);
    CHECK(strstr(wk_last_error(), "sqrt") && strstr(wk_last_error(), "Inf"), "names the op: %s", wk_last_error());

    /* optimizer: bad settings refused; a NaN gradient leaves weights untouched */
    wk_param p;
    wk_param_init(&p, "layer.weight", 1, (int64_t[]){2});
    p.value.data[0] = 1;
    p.value.data[1] = 2;
    wk_param *ps[1] = {&p};
    wk_optimizer o;
    wk_optim_config c = wk_optim_defaults(WK_OPT_ADAM, -1.0f);
    CHECK(wk_optim_init(&o, &c, ps, 1) == WK_EINVAL, "negative lr refused");
    c = wk_optim_defaults(WK_OPT_ADAM, 1e-3f);
    c.beta1 = 1.0f;
    CHECK(wk_optim_init(&o, &c, ps, 1) == WK_EINVAL && strstr(wk_last_error(), "beta"), "beta1 = 1 refused: %s", wk_last_error());
    c.beta1 = 0.5f;
    REQUIRE(wk_optim_init(&o, &c, ps, 1) == WK_OK, "init");
    p.grad.data[1] = NAN;
    CHECK(wk_optim_step(&o) == WK_ENUMERIC && strstr(wk_last_error(), "layer.weight"), "NaN gradient: %s", wk_last_error());
    CHECK(p.value.data[0] == 1 && p.value.data[1] == 2 && o.step == 0, "weights untouched");
    wk_optim_free(&o);
    wk_param_free(&p);

    /* The step's one pass gives the gradient norm and finds a bad element past the first scan
     * block; huge finite gradients (whose squares overflow float) are still accepted. */
    wk_param big;
    wk_param_init(&big, "big.weight", 1, (int64_t[]){10000});
    double want = 0;
    for (int i = 0; i < 10000; i++) {
        big.grad.data[i] = (float)((i % 7) - 3) * 0.5f;
        want += (double)big.grad.data[i] * big.grad.data[i];
    }
    wk_param *pb[1] = {&big};
    REQUIRE(wk_optim_init(&o, &c, pb, 1) == WK_OK, "init");
    CHECK(wk_optim_step(&o) == WK_OK && fabs(o.grad_norm - sqrt(want)) < 1e-9 * sqrt(want), "grad norm %.9g vs %.9g",
          o.grad_norm, sqrt(want));
    big.grad.data[9000] = INFINITY;
    CHECK(wk_first_nonfinite(big.grad.data, 10000) == 9000, "first non-finite at 9000");
    CHECK(wk_optim_step(&o) == WK_ENUMERIC && strstr(wk_last_error(), "big.weight") && strstr(wk_last_error(), "9000"),
          "Inf named with its index: %s", wk_last_error());
    big.grad.data[9000] = 3e38f;
    CHECK(wk_optim_step(&o) == WK_OK && o.grad_norm > 3e38, "huge finite gradient accepted, norm %g", o.grad_norm);
    wk_optim_free(&o);
    wk_param_free(&big);
    wk_graph_free(g);
    return check_summary("test_autodiff_errors");
}
