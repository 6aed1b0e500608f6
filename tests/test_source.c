/* test_source.c — the source parser/sampler (source.h): a file is a finite sample (draws without
 * replacement are distinct rows, too many rows is refused naming the file), a target is a
 * population with the right law, bad specs are refused with WK_EINVAL naming the spec; a point
 * file's float64 rows (kept only when asked) are in the float32 rows' order, held-out rows too. */
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
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

    /* float64 rows: permuted in place into the float32 rows' order (column 0 is 1e8 + column 1,
     * which float32 cannot hold: the pairing is checked on the float64 values) */
    const char *big = "/tmp/wk_test_source_f64.csv";
    REQUIRE((f = fopen(big, "w")), "cannot write %s", big);
    for (int i = 0; i < 11; i++) fprintf(f, "%d,%d\n", 100000000 + i, i);
    fclose(f);
    wk_source k;
    REQUIRE(wk_source_open(&s, big) == WK_OK, "open %s: %s", big, wk_last_error());
    ok = s.rows64 != NULL;
    for (int i = 0; ok && i < 11; i++)
        ok = s.rows64[2 * i] == 1e8 + s.rows64[2 * i + 1] && (float)s.rows64[2 * i + 1] == s.rows.data[2 * i + 1];
    CHECK(ok, "wk_source_open keeps float64 rows in the rows' order");
    /* used as stored, column 0 (1e8 .. 1e8 + 10) merges in float32: refused naming the file and the
     * column, at once without a later map (open_keep 0), at the first draw otherwise (was: drawn
     * as a few float32 points, tester7's finding 2) */
    CHECK(wk_source_open_keep(&k, big, 0) == WK_EFORMAT && strstr(wk_last_error(), "wk_test_source_f64.csv: column 0 spans"),
          "open_keep(0) of a file float32 merges is refused: %s", wk_last_error());
    wk_tensor drawn;
    wk_rng dr;
    wk_rng_seed(&dr, 1);
    CHECK(wk_source_draw(&s, 3, &dr, &drawn) == WK_EFORMAT && strstr(wk_last_error(), "column 0 spans"),
          "the first draw of it as stored is refused alike: %s", wk_last_error());
    wk_source_close(&s);
    wk_gan_config cfg;
    wk_gan_config_default(&cfg);
    snprintf(cfg.data, sizeof cfg.data, "%s", big);
    cfg.holdout = 3;
    cfg.scale = WK_SCALE_NONE;
    double one = 1, zero = 0;
    const wk_data_scale stored = {.kind = WK_SCALE_NONE, .n = 1, .mul = &one, .add = &zero};
    wk_dataset ds;
    double *r64 = NULL;
    REQUIRE(wk_dataset_load_stored(&cfg, &stored, &ds, &r64) == WK_OK && r64, "load %s: %s", big, wk_last_error());
    ok = ds.train.shape[0] == 8 && ds.holdout.shape[0] == 3;
    for (int i = 0; ok && i < 11; i++) {
        const wk_tensor *part = i < 8 ? &ds.train : &ds.holdout;
        int r = i < 8 ? i : i - 8;
        ok = r64[2 * i] == 1e8 + r64[2 * i + 1] && (float)r64[2 * i + 1] == part->data[2 * r + 1];
    }
    CHECK(ok, "float64 rows: the training rows then the held-out ones, each beside its float32 row");
    wk_free(r64);
    wk_dataset_free(&ds);
    /* a target has no float64 rows: the pointer is set to NULL, not left as the caller had it */
    double sentinel = 0;
    r64 = &sentinel;
    snprintf(cfg.data, sizeof cfg.data, "ring");
    cfg.data_n = 16;
    REQUIRE(wk_dataset_load_stored(&cfg, NULL, &ds, &r64) == WK_OK, "load ring: %s", wk_last_error());
    CHECK(r64 == NULL, "a synthetic dataset hands back no float64 rows (*rows64 NULL)");
    wk_dataset_free(&ds);
    remove(big);
    remove(path);
    return check_summary("test_source");
}
