/* test_generalization.c — the generalization table (generalization.h): the log-log fit on an
 * exact power law, --sizes/--distances parsing (not increasing, unknown names refused), the
 * Example of Arora et al. at small m (W1 between two samples of N(0, I/64) stays near 1 and
 * barely moves, while the sliced distance falls), a file too small for 2m rows refused, and the
 * written files. */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/generalization.h"

int main(void) {
    double x[4] = {100, 300, 1000, 3000}, y[4], slope, icpt;
    for (int i = 0; i < 4; i++) y[i] = 3 * pow(x[i], -0.5);
    wk_loglog_fit(x, y, 4, &slope, &icpt);
    CHECK_CLOSE(slope, -0.5, 1e-12, 1e-12, "slope of 3 m^-1/2");
    CHECK_CLOSE(icpt, log10(3.0), 1e-12, 1e-12, "intercept log10 3");
    y[1] = -1; /* non-positive points are left out */
    wk_loglog_fit(x, y, 4, &slope, &icpt);
    CHECK_CLOSE(slope, -0.5, 1e-12, 1e-12, "slope without the negative point");
    wk_loglog_fit(x, y, 1, &slope, &icpt);
    CHECK(isnan(slope), "one point: no slope");

    wk_generalization_config c;
    wk_generalization_config_default(&c);
    CHECK(wk_generalization_parse_sizes(&c, "100,300,1000,3000,10000") == WK_OK && c.n_sizes == 5 && c.sizes[4] == 10000,
          "sizes parse");
    CHECK(wk_generalization_parse_sizes(&c, "300,100") == WK_EINVAL && strstr(wk_last_error(), "--sizes") &&
              strstr(wk_last_error(), "increasing"),
          "decreasing sizes refused naming --sizes: %s", wk_last_error());
    CHECK(wk_generalization_parse_sizes(&c, "100,100") == WK_EINVAL, "repeated size refused");
    CHECK(wk_generalization_parse_sizes(&c, "100,x") == WK_EINVAL, "non-integer size refused");
    CHECK(wk_generalization_parse_sizes(&c, "1") == WK_EINVAL, "size 1 refused");
    CHECK(wk_generalization_parse_distances(&c, "w1,js") == WK_EINVAL && strstr(wk_last_error(), "--distances"),
          "unknown distance refused naming --distances");

    wk_source s;
    REQUIRE(wk_source_open(&s, "gaussian:dim=64,sigma=0.125") == WK_OK, "open: %s", wk_last_error());
    REQUIRE(wk_generalization_parse_sizes(&c, "50,400") == WK_OK && wk_generalization_parse_distances(&c, "w1,sliced") == WK_OK,
            "parse");
    c.repeats = 2;
    wk_generalization_result r;
    REQUIRE(wk_generalization_run(&c, &s, &r, NULL) == WK_OK, "run: %s", wk_last_error());
    for (int i = 0; i < 2; i++)
        CHECK(r.mean[i][WK_DIST_W1] > 0.9, "W1 between two samples of N(0, I/64) stays above 0.9 (m %lld: %g)",
              (long long)r.sizes[i], r.mean[i][WK_DIST_W1]);
    CHECK(r.slope[WK_DIST_W1] > -0.1, "W1 barely falls: slope %g", r.slope[WK_DIST_W1]);
    CHECK(r.slope[WK_DIST_SLICED] < -0.3, "sliced W1 falls: slope %g", r.slope[WK_DIST_SLICED]);
    CHECK(isnan(r.mean[0][WK_DIST_NND_TRAIN]) && isfinite(r.se[0][WK_DIST_W1]), "unmeasured distances are NaN, SEs finite");
    const char *dir = "/tmp/wk_test_generalization";
    REQUIRE(wk_generalization_write(&c, &r, "gaussian:dim=64,sigma=0.125", dir) == WK_OK, "write: %s", wk_last_error());
    const char *files[] = {"table.csv", "table.json", "loglog.png", "loglog.svg", "index.html"};
    for (int k = 0; k < 5; k++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, files[k]);
        CHECK(access(p, R_OK) == 0, "%s written", p);
        remove(p);
    }
    rmdir(dir);
    wk_source_close(&s);

    FILE *f = fopen("/tmp/wk_test_gen.csv", "w");
    REQUIRE(f, "csv");
    for (int i = 0; i < 30; i++) fprintf(f, "%d\n", i);
    fclose(f);
    REQUIRE(wk_source_open(&s, "/tmp/wk_test_gen.csv") == WK_OK, "open: %s", wk_last_error());
    REQUIRE(wk_generalization_parse_sizes(&c, "5,15") == WK_OK, "parse");
    CHECK(wk_generalization_run(&c, &s, &r, NULL) == WK_OK && isfinite(r.mean[1][WK_DIST_W1]), "15 + 15 disjoint rows of 30");
    REQUIRE(wk_generalization_parse_sizes(&c, "5,16") == WK_OK, "parse");
    CHECK(wk_generalization_run(&c, &s, &r, NULL) == WK_EINVAL && strstr(wk_last_error(), "wk_test_gen.csv"),
          "16 + 16 disjoint rows of 30 refused naming the file: %s", wk_last_error());
    wk_source_close(&s);
    remove("/tmp/wk_test_gen.csv");
    return check_summary("test_generalization");
}
