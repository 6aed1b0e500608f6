/* test_nnd.c — the neural net distance estimator (nnd.h) on cases with known answers:
 *  - N(0, I) vs N(3 (1, 1)/sqrt 2, I) in 2-D: W1 = 3 and the optimal 1-Lipschitz critic is linear, so a
 *    GroupSort critic's held-out value must come close to 3 and not exceed the held-out W1 by
 *    more than sampling noise (d_F <= W1 for a 1-Lipschitz class);
 *  - two samples of one distribution: held-out value near 0, training value above it;
 *  - φ = log on far-apart clusters: the value approaches its maximum 2 log 2 from below;
 *  - patience stops early and says so; bad input is refused with WK_EINVAL. */
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/nnd.h"

/* N(mean0 * u, sigma^2 I) with u = (1, 1)/sqrt 2 in 2-D (first axis otherwise) */
static void gauss(wk_tensor *t, int64_t n, int dim, double mean0, double sigma, wk_rng *r) {
    REQUIRE(wk_tensor_alloc(t, 2, (int64_t[]){n, dim}) == WK_OK, "alloc");
    for (int64_t i = 0; i < n; i++)
        for (int d = 0; d < dim; d++)
            t->data[i * dim + d] = (float)((dim == 2 ? mean0 / sqrt(2.0) : d == 0 ? mean0 : 0) + sigma * wk_rng_normal_d(r));
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 7);
    wk_nnd_config c;
    wk_nnd_config_default(&c);
    c.steps = 600;
    c.patience = 0;
    c.w1 = 1;
    c.critic.critic_depth = 2;
    c.critic.lr_d = 1e-3;
    wk_tensor a, b;
    gauss(&a, 2000, 2, 0, 1, &r);
    gauss(&b, 2000, 2, 3, 1, &r);
    /* A single fit can stall on a plateau below W1 (seen with the shift along an axis: 2.7 for
     * some seeds; tests/long_nnd.sh measures that case), so the check is on the mean of three
     * fits, as `--repeats` reports it. */
    wk_nnd_fit f;
    double mean = 0;
    for (int k = 0; k < 3; k++) {
        REQUIRE(wk_nnd_fit_samples(&c, k == 1 ? &b : &a, k == 1 ? &a : &b, 11 + k, &f) == WK_OK, "fit: %s", wk_last_error());
        CHECK(f.heldout <= f.w1 + 0.05, "held-out d_NN %g must not exceed the held-out W1 %g (1-Lipschitz class)", f.heldout,
              f.w1);
        CHECK(f.steps == 600 && f.stopped == WK_NND_STOP_STEPS, "no patience: ran all 600 steps (%lld)", (long long)f.steps);
        mean += f.heldout / 3;
        printf("fit %d: held-out %.4f train %.4f w1 %.4f\n", k, f.heldout, f.train, f.w1);
    }
    CHECK(fabs(mean - 3) < 0.2, "N(0,I) vs N(3(1,1)/sqrt2,I): mean held-out d_NN %g should be near W1 = 3 (sides swapped in one fit)", mean);
    wk_tensor_free(&b);

    /* same law: the honest estimate is near 0, the training one is biased upwards */
    gauss(&b, 2000, 2, 0, 1, &r);
    c.w1 = 0;
    REQUIRE(wk_nnd_fit_samples(&c, &a, &b, 12, &f) == WK_OK, "fit: %s", wk_last_error());
    CHECK(fabs(f.heldout) < 0.08, "same law: held-out %g near 0", f.heldout);
    CHECK(f.train > f.heldout, "same law: training value %g above held-out %g", f.train, f.heldout);
    CHECK(isnan(f.w1), "no W1 unless asked");

    /* patience: nothing to learn, so the held-out value stops improving */
    c.patience = 2;
    c.check_every = 10;
    c.steps = 5000;
    REQUIRE(wk_nnd_fit_samples(&c, &a, &b, 13, &f) == WK_OK, "fit: %s", wk_last_error());
    CHECK(f.stopped == WK_NND_STOP_PATIENCE && f.steps < 5000, "patience stopped at %lld (%s)", (long long)f.steps,
          wk_nnd_stop_name(f.stopped));
    wk_tensor_free(&a);
    wk_tensor_free(&b);

    /* φ = log: clusters 20 apart, D = sigmoid(f) saturates: value -> 2 log 2 from below */
    c.phi = WK_PHI_LOG;
    c.patience = 0;
    c.steps = 400;
    gauss(&a, 1000, 2, 0, 0.1, &r);
    gauss(&b, 1000, 2, 20, 0.1, &r);
    REQUIRE(wk_nnd_fit_samples(&c, &a, &b, 14, &f) == WK_OK, "fit: %s", wk_last_error());
    CHECK(f.heldout <= 2 * log(2.0) && f.heldout > 2 * log(2.0) - 0.05, "phi=log: %g within 0.05 below 2 log 2", f.heldout);
    wk_tensor_free(&b);

    /* bad input */
    gauss(&b, 1000, 3, 0, 1, &r);
    CHECK(wk_nnd_fit_samples(&c, &a, &b, 1, &f) == WK_EINVAL, "2-D vs 3-D samples refused");
    wk_tensor_free(&b);
    c.repeats = 0;
    CHECK(wk_nnd_fit_samples(&c, &a, &a, 1, &f) == WK_EINVAL && strstr(wk_last_error(), "repeats"), "repeats 0 refused");
    wk_tensor_free(&a);
    wk_nnd_config_default(&c);
    c.m = 50;
    wk_source s, t;
    FILE *fp = fopen("/tmp/wk_test_nnd.csv", "w");
    REQUIRE(fp, "write csv");
    for (int i = 0; i < 20; i++) fprintf(fp, "%d,%d\n", i, i % 3);
    fclose(fp);
    REQUIRE(wk_source_open(&s, "/tmp/wk_test_nnd.csv") == WK_OK && wk_source_open(&t, "ring") == WK_OK, "open: %s",
            wk_last_error());
    wk_nnd_result res;
    CHECK(wk_nnd_estimate(&c, &s, &t, &res) == WK_EINVAL && strstr(wk_last_error(), "/tmp/wk_test_nnd.csv") &&
              strstr(wk_last_error(), "-m 50"),
          "-m larger than the file refused naming both: %s", wk_last_error());
    c.m = 0; /* every row of the file, 10,000 from the target */
    c.steps = 20;
    c.repeats = 3;
    REQUIRE(wk_nnd_estimate(&c, &s, &t, &res) == WK_OK, "estimate: %s", wk_last_error());
    CHECK(res.m == 20 && res.m_b == 10000 && res.repeats == 3 && isfinite(res.se), "m %lld / %lld, 3 repeats with an SE",
          (long long)res.m, (long long)res.m_b);
    wk_source_close(&s);
    wk_source_close(&t);
    remove("/tmp/wk_test_nnd.csv");
    return check_summary("test_nnd");
}
