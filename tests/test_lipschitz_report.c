/* test_lipschitz_report.c — the measured lower bounds of the Lipschitz report cannot be
 * inflated by float32 rounding (issue 18): a ReLU critic whose outputs sit near -433 (float32
 * ulp 3e-5) on points 1e-5 apart. Rounded outputs "measure" slopes of several units; the true
 * slope (the critic is affine there: ‖W2 W1‖, in double) is about 0.5, under the certified
 * product of norms. The report's pair_max must stay at or below the true slope (and near it),
 * and below the certified bound. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"
#include "wgankit/nn.h"
#include "wgankit/rng.h"

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(1); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    wk_rng r;
    wk_rng_seed(&r, 5);
    wk_model D;
    wk_model_init(&D);
    REQUIRE(wk_model_add_linear(&D, 2, 16, 1) == WK_OK && wk_model_add_activation(&D, WK_ACT_RELU, 0) == WK_OK &&
                wk_model_add_linear(&D, 16, 1, 1) == WK_OK,
            "build: %s", wk_last_error());
    wk_model_init_default(&D, &r);
    float *w1 = D.layers[0].weight->value.data, *b1 = D.layers[0].bias->value.data;
    float *w2 = D.layers[2].weight->value.data;
    for (int k = 0; k < 16; k++) b1[k] = 1; /* every unit active near the origin: D is affine there */
    D.layers[2].bias->value.data[0] = -433;
    /* the true slope there: ‖W2 W1‖ in double */
    double gx = 0, gy = 0;
    for (int k = 0; k < 16; k++) {
        gx += (double)w2[k] * w1[2 * k];
        gy += (double)w2[k] * w1[2 * k + 1];
    }
    /* scale W2 so the true slope is the 0.58 (the certified bound scales with it) */
    const float f = (float)(0.58 / sqrt(gx * gx + gy * gy));
    for (int k = 0; k < 16; k++) w2[k] *= f;
    gx = gy = 0;
    for (int k = 0; k < 16; k++) {
        gx += (double)w2[k] * w1[2 * k];
        gy += (double)w2[k] * w1[2 * k + 1];
    }
    const double slope = sqrt(gx * gx + gy * gy);
    /* 400 points in a 2e-4 box around (0.01, -0.02): outputs span several float32 ulps */
    wk_tensor pts;
    REQUIRE(wk_tensor_alloc(&pts, 2, (int64_t[]){400, 2}) == WK_OK, "alloc");
    for (int64_t i = 0; i < 400; i++) {
        pts.data[2 * i] = 0.01f + (float)(2e-4 * (wk_rng_uniform_d(&r) - 0.5));
        pts.data[2 * i + 1] = -0.02f + (float)(2e-4 * (wk_rng_uniform_d(&r) - 0.5));
    }
    wk_lipschitz_report rep;
    REQUIRE(wk_lipschitz_report_compute(&D, &pts, 20000, &r, &rep) == WK_OK, "report: %s", wk_last_error());
    printf("true slope %.6f  certified %.6f  grad max %.6f  pair max %.6f\n", slope, rep.certified, rep.grad_max,
           rep.pair_max);
    CHECK(slope > 0.1 && slope < rep.certified, "setup: true slope %g, certified %g", slope, rep.certified);
    CHECK(rep.pair_max <= slope * (1 + 1e-6), "pair_max %.9g above the true slope %.9g (rounding)", rep.pair_max, slope);
    CHECK(rep.pair_max <= rep.certified, "pair_max %.9g above certified %.9g", rep.pair_max, rep.certified);
    CHECK(rep.pair_max >= 0.9 * slope, "pair_max %.9g far below the true slope %.9g", rep.pair_max, slope);
    CHECK(rep.grad_max <= slope * (1 + 1e-5) && rep.grad_max >= slope * (1 - 1e-5), "grad_max %.9g vs %.9g",
          rep.grad_max, slope);
    wk_tensor_free(&pts);
    wk_model_free(&D);
    return check_summary("test_lipschitz_report");
}
