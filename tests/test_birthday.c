/* test_birthday.c — the birthday test's pieces (birthday.h): exact closest pairs against brute
 * force in low dimension (direct costs) and high dimension (the sgemm path with its certified
 * margin), duplicates found at distance 0, the support formula and its Wilson interval against
 * values worked by hand (statsmodels' proportion_confint(100, 200, method="wilson") gives
 * 0.4314, 0.5686), and bad input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgankit/birthday.h"
#include "wgankit/error.h"

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void brute(const wk_tensor *x, int k, double *best) {
    int64_t n = x->shape[0], d = x->shape[1], np = n * (n - 1) / 2, t = 0;
    double *all = malloc((size_t)np * sizeof *all);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++) {
            double s = 0;
            for (int64_t q = 0; q < d; q++) {
                double u = (double)x->data[i * d + q] - x->data[j * d + q];
                s += u * u;
            }
            all[t++] = sqrt(s);
        }
    qsort(all, (size_t)np, sizeof *all, cmp);
    memcpy(best, all, (size_t)k * sizeof *best);
    free(all);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 5);
    const int dims[2] = {3, 64};
    for (int t = 0; t < 2; t++) {
        int64_t n = 400, d = dims[t];
        wk_tensor x;
        REQUIRE(wk_tensor_alloc(&x, 2, (int64_t[]){n, d}) == WK_OK, "alloc");
        wk_rng_fill_normal(&r, x.data, x.numel, 0, 1);
        /* a shifted copy of row 7 at 1e-3: far below the typical spacing */
        for (int64_t q = 0; q < d; q++) x.data[100 * d + q] = x.data[7 * d + q] + (q == 0 ? 1e-3f : 0);
        memcpy(x.data + 200 * d, x.data + 300 * d, (size_t)d * sizeof(float)); /* an exact duplicate */
        wk_pair p[20];
        int got;
        double want[20];
        REQUIRE(wk_closest_pairs(&x, 20, p, &got) == WK_OK, "closest: %s", wk_last_error());
        brute(&x, 20, want);
        CHECK(got == 20, "20 pairs");
        int ok = 1;
        for (int k = 0; k < 20; k++) ok &= fabs(p[k].dist - want[k]) <= 1e-12 * (1 + want[k]) && p[k].i < p[k].j;
        CHECK(ok, "d = %lld: the 20 closest distances equal brute force", (long long)d);
        CHECK(p[0].dist == 0 && p[0].i == 200 && p[0].j == 300, "d = %lld: the duplicate first at distance 0 (%lld, %lld)",
              (long long)d, (long long)p[0].i, (long long)p[0].j);
        CHECK(p[1].i == 7 && p[1].j == 100 && fabs(p[1].dist - 1e-3) < 1e-6, "d = %lld: the near copy second (%g)", (long long)d,
              p[1].dist);
        wk_tensor_free(&x);
    }
    wk_tensor two;
    REQUIRE(wk_tensor_alloc(&two, 2, (int64_t[]){2, 2}) == WK_OK, "alloc");
    two.data[2] = 3, two.data[3] = 4;
    wk_pair p[5];
    int got;
    CHECK(wk_closest_pairs(&two, 5, p, &got) == WK_OK && got == 1 && p[0].dist == 5, "two points: one pair at 5");
    two.shape[0] = 1;
    CHECK(wk_closest_pairs(&two, 5, p, &got) == WK_EINVAL, "one point refused");
    wk_tensor_free(&two);

    double est, lo, hi;
    wk_support_estimate(24, 100, 200, 0.95, &est, &lo, &hi);
    CHECK_CLOSE(est, 24.0 * 23 / (2 * log(2.0)), 1e-12, 0, "q = 1/2: S(S-1)/(2 ln 2)");
    CHECK_CLOSE(lo, 552 / (2 * -log1p(-0.568639)), 1e-4, 0, "lower bound from Wilson q_hi = 0.568639");
    CHECK_CLOSE(hi, 552 / (2 * -log1p(-0.431361)), 1e-4, 0, "upper bound from Wilson q_lo = 0.431361");
    wk_support_estimate(24, 0, 50, 0.95, &est, &lo, &hi);
    CHECK(isinf(est) && isinf(hi) && isfinite(lo) && lo > 0, "no duplicate: unbounded above, finite lower bound %g", lo);
    wk_support_estimate(24, 50, 50, 0.95, &est, &lo, &hi);
    CHECK(isnan(est) && isnan(lo) && isfinite(hi) && hi > 0, "duplicates everywhere: no estimate (was 0), upper bound %g", hi);
    CHECK_CLOSE(hi, 552 / (2 * -log1p(-0.928652)), 1e-3, 0, "duplicates everywhere: upper bound from Wilson q_lo = 0.928652");

    wk_birthday_config c;
    wk_birthday_config_default(&c);
    wk_source s;
    wk_birthday_result res;
    REQUIRE(wk_source_open(&s, "ring") == WK_OK, "open");
    c.batch = 1;
    c.threshold = 0.1;
    CHECK(wk_birthday_run(&c, &s, NULL, NULL, NULL, &res) == WK_EINVAL && strstr(wk_last_error(), "--batch"), "S = 1 refused");
    c.batch = 10;
    c.threshold = -1;
    CHECK(wk_birthday_run(&c, &s, NULL, NULL, NULL, &res) == WK_EINVAL && strstr(wk_last_error(), "--threshold"),
          "no threshold and no reference refused");
    /* ring's 8 modes have std 0.02/1.414: batches of 30 hold many pairs within 0.05 */
    c.threshold = 0.05;
    c.trials = 20;
    REQUIRE(wk_birthday_run(&c, &s, NULL, NULL, NULL, &res) == WK_OK, "run: %s", wk_last_error());
    CHECK(res.duplicates == 20 && res.n_pairs == 20 && res.first.shape[0] == 10, "every batch of ring has a pair within 0.05");
    wk_birthday_result_free(&res);
    wk_source_close(&s);
    return check_summary("test_birthday");
}
