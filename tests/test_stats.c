/* test_stats.c — the experiments' statistics (stats.h) against scipy (tests/fixtures/stats/cases.txt,
 * made by tests/reference/make_stats_fixtures.py): t quantiles, t-intervals, isotonic fits (scipy's
 * bounded least squares, not PAVA), average ranks and Spearman's ρ with ties, log-log slopes with
 * their intervals; and the NaN answers where a quantity is undefined. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/stats.h"

const char *wk__fmt_slope(char *buf, size_t n, const wk_loglog_fit_ci *f); /* src/experiment/doc.c */
/* src/experiment/verdict.c (expt_internal.h) */
int wk__slope_side(const wk_loglog_fit_ci *f, double b);
int wk__slope_within(const wk_loglog_fit_ci *f, double a, double b);
int wk__iv_compare(double alo, double ahi, double blo, double bhi);
void wk__spearman_ci(double rho, int n, double *lo, double *hi);
int wk__verdict_all(const int *v, int n);

#define MAXV 64

/* the numbers of group g (0-based, groups separated by '|') of line into v; returns the count */
static int group(const char *line, int g, double *v) {
    const char *p = line;
    for (int k = 0; k < g; k++) {
        p = strchr(p, '|');
        if (!p) return 0;
        p++;
    }
    int n = 0;
    char *end;
    while (n < MAXV) {
        double x = strtod(p, &end);
        if (end == p) break;
        v[n++] = x, p = end;
    }
    return n;
}

int main(void) {
    FILE *f = fopen("tests/fixtures/stats/cases.txt", "r");
    REQUIRE(f, "tests/fixtures/stats/cases.txt missing (run tests/reference/make_stats_fixtures.py)");
    char line[8192];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char kind[16], name[32];
        if (line[0] == '#' || sscanf(line, "%15s %31s", kind, name) != 2) continue;
        double a[MAXV], b[MAXV], c[MAXV], d[MAXV + 8];
        cases++;
        if (!strcmp(kind, "tq")) {
            double p, df;
            REQUIRE(sscanf(line, "tq %lf %lf", &p, &df) == 2 && group(line, 1, a) == 1, "tq line");
            /* scipy's t.ppf (cephes stdtrit) is itself good to ~1e-8: at its 0.995 quantile for 3 degrees of
             * freedom, scipy's own betainc gives a tail of 0.010000000048, not 0.01 */
            CHECK_CLOSE(wk_t_quantile(p, df), a[0], 2e-8, 1e-12, line);
        } else if (!strcmp(kind, "mean")) {
            int n = group(line, 1, a);
            REQUIRE(group(line, 2, b) == 4, "mean line");
            wk_interval iv;
            wk_mean_interval(a, n, 0.95, &iv);
            CHECK_CLOSE(iv.mean, b[0], 1e-12, 1e-14, name);
            CHECK_CLOSE(iv.lo, b[1], 2e-8, 1e-12, name);
            CHECK_CLOSE(iv.hi, b[2], 2e-8, 1e-12, name);
            CHECK_CLOSE(iv.sd, b[3], 1e-12, 1e-14, name);
        } else if (!strcmp(kind, "iso")) {
            int n = group(line, 1, a);
            REQUIRE(group(line, 2, b) == n && group(line, 3, d) == n + 1, "iso line %s", name);
            double fit[MAXV], dev;
            REQUIRE(wk_isotonic_xy(a, b, n, fit, &dev) == WK_OK, "iso %s: %s", name, wk_last_error());
            for (int i = 0; i < n; i++) CHECK_CLOSE(fit[i], d[i], 1e-8, 1e-9, name);
            CHECK_CLOSE(dev, d[n], 1e-8, 1e-9, name);
        } else if (!strcmp(kind, "spear")) {
            int n = group(line, 1, a);
            REQUIRE(group(line, 2, b) == n && group(line, 3, c) == n + 1, "spear line %s", name);
            double r[MAXV];
            REQUIRE(wk_ranks(a, n, r) == WK_OK, "ranks");
            for (int i = 0; i < n; i++) CHECK_CLOSE(r[i], c[i], 0, 0, name);
            CHECK_CLOSE(wk_spearman(a, b, n), c[n], 1e-12, 1e-14, name);
        } else if (!strcmp(kind, "loglog")) {
            int n = group(line, 1, a);
            REQUIRE(group(line, 2, b) == n && group(line, 3, c) == 5, "loglog line %s", name);
            wk_loglog_fit_ci L;
            wk_loglog_slope(a, b, n, 0.95, &L);
            CHECK(L.used == n, "%s: all points used", name);
            CHECK_CLOSE(L.slope, c[0], 1e-10, 1e-12, name);
            CHECK_CLOSE(L.intercept, c[1], 1e-10, 1e-12, name);
            CHECK_CLOSE(L.se, c[2], 1e-9, 1e-12, name);
            CHECK_CLOSE(L.lo, c[3], 2e-8, 1e-12, name);
            CHECK_CLOSE(L.hi, c[4], 2e-8, 1e-12, name);
        } else CHECK(0, "unknown fixture kind %s", kind);
    }
    fclose(f);
    CHECK(cases >= 25, "%d fixture cases read", cases);

    /* undefined quantities are NaN, never a number */
    double one = 1.5, two[2] = {1, 2}, same[3] = {1, 1, 1}, inc[3] = {1, 2, 3};
    wk_interval iv;
    wk_mean_interval(&one, 1, 0.95, &iv);
    CHECK(iv.mean == 1.5 && isnan(iv.lo) && isnan(iv.hi) && isnan(iv.sd), "one value: no interval");
    wk_mean_interval(NULL, 0, 0.95, &iv);
    CHECK(isnan(iv.mean), "no value: NaN mean");
    CHECK(isnan(wk_spearman(same, inc, 3)), "constant x: rho NaN");
    CHECK(isnan(wk_spearman(two, two, 1)), "one point: rho NaN");
    CHECK(isnan(wk_t_quantile(1.0, 3)) && isnan(wk_t_quantile(0.5, 0)), "t quantile outside its domain: NaN");
    wk_loglog_fit_ci L;
    double xs[3] = {10, 100, 1000}, ys[3] = {1, 0.1, -1};
    wk_loglog_slope(xs, ys, 3, 0.95, &L);
    CHECK(L.used == 2 && fabs(L.slope + 1) < 1e-12 && isnan(L.lo), "two usable points: slope, no interval");
    /* the write-ups say so in words rather than "[nan, nan]" (biau-sample-size printed that) */
    char buf[96];
    wk__fmt_slope(buf, sizeof buf, &L);
    CHECK(!strstr(buf, "nan") && strstr(buf, "-1.000 (2 points above 0: no interval)"), "two points: %s", buf);
    double ys1[3] = {1, -1, -2};
    wk_loglog_slope(xs, ys1, 3, 0.95, &L);
    wk__fmt_slope(buf, sizeof buf, &L);
    CHECK(!strstr(buf, "nan") && strstr(buf, "not measurable (1 point above 0)"), "one point: %s", buf);
    double ys3[3] = {1, 0.1, 0.01};
    wk_loglog_slope(xs, ys3, 3, 0.95, &L);
    wk__fmt_slope(buf, sizeof buf, &L);
    CHECK(!strcmp(buf, "-1.000 [-1.000, -1.000]"), "exact line: %s", buf);
    double nan_y[2] = {1, NAN}, fit[2];
    CHECK(wk_isotonic_fit(nan_y, NULL, 2, fit) == WK_EINVAL && strstr(wk_last_error(), "finite"), "NaN refused");
    double w[2] = {1, 0};
    CHECK(wk_isotonic_fit(two, w, 2, fit) == WK_EINVAL, "zero weight refused");
    double wy[3] = {3, 1, 2}, ww[3] = {1, 3, 1};
    double fit3[3];
    REQUIRE(wk_isotonic_fit(wy, ww, 3, fit3) == WK_OK, "weighted");
    CHECK_CLOSE(fit3[0], 1.5, 1e-15, 0, "weighted pool (3·1 + 1·3) / 4");

    /* verdicts from intervals (FINDINGS 6): biau-sample-size's flat line, W1 at n = 64, 256, 1024, 4096 of
     * 1.2783595, 1.27836519, 1.27834541, 1.27836158: slope -7.6e-7 with se 2.6e-6 (scipy linregress p = 0.80),
     * its interval holds 0: "falls" is not measurable (it said "agrees" from the sign of the slope) */
    double nsz[4] = {64, 256, 1024, 4096}, flat[4] = {1.2783595, 1.27836519, 1.27834541, 1.27836158};
    wk_loglog_fit_ci fl;
    wk_loglog_slope(nsz, flat, 4, 0.95, &fl);
    CHECK(fl.slope < 0 && fl.lo < 0 && fl.hi > 0, "the flat line's slope %g [%g, %g] holds 0", fl.slope, fl.lo, fl.hi);
    CHECK(wk__slope_side(&fl, 0) == 0, "a slope whose interval holds 0 does not fall");
    double falling[4] = {1.0, 0.52, 0.24, 0.126}; /* about n^{-1/2}, a little noise */
    wk_loglog_fit_ci fa;
    wk_loglog_slope(nsz, falling, 4, 0.95, &fa);
    CHECK(wk__slope_side(&fa, 0) == -1 && wk__slope_within(&fa, -0.7, -0.3) == 1, "n^{-1/2}: falls, within [-0.7, -0.3]: %g [%g, %g]",
          fa.slope, fa.lo, fa.hi);
    CHECK(wk__slope_within(&fl, -0.7, -0.3) == 0, "the flat line is wholly outside [-0.7, -0.3]");
    wk_loglog_fit_ci two_pts = {.slope = -0.5, .lo = NAN, .hi = NAN, .used = 2};
    CHECK(wk__slope_side(&two_pts, 0) == 0 && wk__slope_within(&two_pts, -0.7, -0.3) == -1, "two points: no interval, nothing decided");
    CHECK(wk__iv_compare(2, 3, 0, 1) == 1 && wk__iv_compare(0, 1, 2, 3) == -1 && wk__iv_compare(0, 2, 1, 3) == 0 &&
              wk__iv_compare(NAN, NAN, 0, 1) == 0,
          "interval comparisons: above, below, overlapping, unknown");
    double rlo, rhi;
    /* the reference's own example: Bonett & Wright (2000) as Bonett's statpsych::ci.spear(.05, y, x)
     * documents it, Estimate 0.8699639, LL 0.5840951, UL 0.9638297 (was [0.6355, 0.9597] with
     * Fieller's 1.06/(n-3)); x has ties (midranks, as R's cor(method = "spearman")) */
    const double ry[] = {21, 4, 9, 12, 35, 18, 10, 22, 24, 1, 6, 8, 13, 16, 19},
                 rx[] = {67, 28, 30, 28, 52, 40, 25, 37, 44, 10, 14, 20, 28, 40, 51};
    const double rs = wk_spearman(ry, rx, 15);
    CHECK_CLOSE(rs, 0.8699639, 1e-7, 0, "statpsych example: rho");
    wk__spearman_ci(rs, 15, &rlo, &rhi);
    CHECK_CLOSE(rlo, 0.5840951, 1e-7, 0, "statpsych example: lower limit");
    CHECK_CLOSE(rhi, 0.9638297, 1e-7, 0, "statpsych example: upper limit");
    wk__spearman_ci(0.98, 20, &rlo, &rhi); /* z = atanh(0.98) ± 1.96 sqrt((1 + 0.98²/2)/17) */
    CHECK_CLOSE(rlo, tanh(atanh(0.98) - 1.959963984540054 * sqrt((1 + 0.98 * 0.98 / 2) / 17)), 1e-12, 0, "Spearman interval, low end");
    CHECK(rlo > 0.9 && rhi < 1, "ρ 0.98 over 20: [%g, %g]", rlo, rhi);
    wk__spearman_ci(0.8, 4, &rlo, &rhi);
    CHECK(rlo < 0 && rhi > 0.9, "ρ 0.8 over 4 cells decides nothing: [%g, %g]", rlo, rhi);
    wk__spearman_ci(1, 3, &rlo, &rhi);
    CHECK(isnan(rlo) && isnan(rhi), "three pairs: no interval");
    /* ρ = 1 exactly: the reference's formula degenerates to [1, 1] (its standard error is 0), which
     * this rule must hold and go beyond: the project's clamped-z rule, ρ at the largest value below 1
     * that n ranks give, 1 - 12 / (n (n^2 - 1)), the reference's interval there, reaching 1 */
    const double next8 = 1 - 12.0 / (8 * 63), h8 = 1.959963984540054 * sqrt((1 + next8 * next8 / 2) / 5);
    wk__spearman_ci(1, 8, &rlo, &rhi);
    CHECK_CLOSE(rlo, tanh(atanh(next8) - h8), 1e-12, 0, "ρ = 1 over 8: low end by the clamped-z rule");
    CHECK(rhi == 1 && rlo < 0.9, "ρ = 1 over 8 generators cannot show ρ >= 0.9: [%g, %g]", rlo, rhi);
    wk__spearman_ci(-1, 8, &rlo, &rhi);
    CHECK(rlo == -1 && fabs(rhi + tanh(atanh(next8) - h8)) < 1e-12, "ρ = -1 over 8: the mirror image [%g, %g]", rlo, rhi);
    wk__spearman_ci(1, 200, &rlo, &rhi); /* one swap among 200 ranks moves ρ by 3e-7: a narrow interval, below 1 */
    const double next200 = 1 - 12.0 / (200.0 * 39999);
    CHECK_CLOSE(rlo, tanh(atanh(next200) - 1.959963984540054 * sqrt((1 + next200 * next200 / 2) / 197)), 1e-12, 0, "ρ = 1 over 200, low end");
    CHECK(rlo < 1 && rhi == 1, "ρ = 1 over 200: [%.9g, %g]", rlo, rhi);
    /* ties put ρ between 1 - 12 / (n (n^2 - 1)) and 1: the reference's interval, no clamp (scipy:
     * spearmanr(1..8, [1..7, 7]) = 0.9940297973880048; tanh(atanh(ρ) ± 1.96 sqrt((1 + ρ²/2)/5)) =
     * [0.9502335463859896, 0.9992976683485286]) */
    const double tx[] = {1, 2, 3, 4, 5, 6, 7, 8}, ty[] = {1, 2, 3, 4, 5, 6, 7, 7};
    const double rt = wk_spearman(tx, ty, 8);
    CHECK_CLOSE(rt, 0.9940297973880048, 1e-13, 0, "tied ranks: rho");
    wk__spearman_ci(rt, 8, &rlo, &rhi);
    CHECK_CLOSE(rlo, 0.9502335463859896, 1e-12, 0, "tied ρ above the largest untied value: low end unclamped");
    CHECK_CLOSE(rhi, 0.9992976683485286, 1e-12, 0, "tied ρ above the largest untied value: high end unclamped");
    int v1[] = {1, -1}, v2[] = {1, 0}, v3[] = {1, 1};
    CHECK(wk__verdict_all(v1, 2) == -1 && wk__verdict_all(v2, 2) == 0 && wk__verdict_all(v3, 2) == 1 && wk__verdict_all(v3, 0) == -1,
          "verdicts combined: one unknown, one contradiction, all agree, none");
    return check_summary("test_stats");
}
