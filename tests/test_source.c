/* test_source.c — the source parser/sampler (source.h): a file is a finite sample (draws without
 * replacement are distinct rows, too many rows is refused naming the file), a target is a
 * population with the right law, bad specs are refused with WK_EINVAL naming the spec. */
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/source.h"

int main(void) {
    const char *path = "/tmp/wk_test_source.csv";
    FILE *f = fopen(path, "w");
    REQUIRE(f, "cannot write %s", path);
    for (int i = 0; i < 7; i++) fprintf(f, "%d,%d\n", i, 10 * i);
    fclose(f);
    wk_source s;
    wk_rng rng;
    wk_rng_seed(&rng, 3);
    REQUIRE(wk_source_open(&s, path) == WK_OK, "open file: %s", wk_last_error());
    CHECK(s.kind == WK_SOURCE_FILE && !wk_source_is_population(&s), "a file is a finite sample");
    CHECK(wk_source_size(&s) == 7 && s.dim == 2, "7 rows of dimension 2, got %lld x %lld", (long long)wk_source_size(&s),
          (long long)s.dim);
    wk_tensor x;
    REQUIRE(wk_source_draw(&s, 7, &rng, &x) == WK_OK, "draw 7: %s", wk_last_error());
    int seen[7] = {0}, ok = 1;
    for (int i = 0; i < 7; i++) {
        int r = (int)x.data[2 * i];
        ok &= r >= 0 && r < 7 && x.data[2 * i + 1] == 10.0f * r;
        if (r >= 0 && r < 7) seen[r]++;
    }
    for (int r = 0; r < 7; r++) ok &= seen[r] == 1;
    CHECK(ok, "7 draws without replacement from 7 rows are each row once, unscaled");
    wk_tensor_free(&x);
    CHECK(wk_source_draw(&s, 8, &rng, &x) == WK_EINVAL && strstr(wk_last_error(), path),
          "8 distinct rows of 7 refused naming the file: %s", wk_last_error());
    REQUIRE(wk_source_draw_replace(&s, 50, &rng, &x) == WK_OK, "draw with replacement: %s", wk_last_error());
    CHECK(x.shape[0] == 50, "50 bootstrap draws");
    wk_tensor_free(&x);
    wk_source_close(&s);

    /* Arora et al.'s Example target: N(0, I/64) in R^64 */
    REQUIRE(wk_source_open(&s, "gaussian:dim=64,sigma=0.125") == WK_OK, "open gaussian: %s", wk_last_error());
    CHECK(s.kind == WK_SOURCE_TARGET && wk_source_is_population(&s) && s.dim == 64 && wk_source_size(&s) == -1,
          "gaussian:dim=64 is a 64-D population");
    REQUIRE(wk_source_draw(&s, 20000, &rng, &x) == WK_OK, "draw: %s", wk_last_error());
    double ss = 0;
    for (int64_t i = 0; i < x.numel; i++) ss += (double)x.data[i] * x.data[i];
    CHECK_CLOSE(ss / x.numel, 1.0 / 64, 0.02, 0, "per-coordinate variance 1/64");
    wk_tensor_free(&x);
    wk_source_close(&s);

    wk_source t;
    REQUIRE(wk_source_open(&s, "ring") == WK_OK && wk_source_open(&t, "gaussian:dim=3") == WK_OK, "open: %s", wk_last_error());
    CHECK(wk_source_check_compatible(&s, &t) == WK_EINVAL && strstr(wk_last_error(), "gaussian:dim=3"),
          "2-D and 3-D sources are refused naming them: %s", wk_last_error());
    wk_source_close(&s);
    wk_source_close(&t);

    CHECK(wk_source_open(&s, "ring:bogus=1") == WK_EINVAL && strstr(wk_last_error(), "ring:bogus=1"),
          "unknown key refused naming the spec: %s", wk_last_error());
    CHECK(wk_source_open(&s, "/nonexistent/x.npy") != WK_OK && strstr(wk_last_error(), "/nonexistent/x.npy"),
          "missing file refused naming it: %s", wk_last_error());
    CHECK(wk_source_open(&s, "gen:/nonexistent-run") != WK_OK && strstr(wk_last_error(), "gen:/nonexistent-run"),
          "missing generator refused naming it: %s", wk_last_error());
    CHECK(wk_source_open(&s, "") == WK_EINVAL, "empty source refused");
    remove(path);
    return check_summary("test_source");
}
