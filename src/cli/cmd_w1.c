/* cmd_w1.c — `wgankit w1 A B`: Wasserstein distance between two point clouds read from
 * NPY / CSV / IDX(.gz) files, by the exact solver (default), 1-D quantiles, sliced projections
 * or Sinkhorn. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/ot.h"

static void w1_usage(FILE *f) {
    fprintf(f,
            "usage: wgankit w1 A B [flags]\n"
            "  A, B                point clouds: .npy (float32/float64/uint8/int), .csv/.txt, IDX (.gz);\n"
            "                      rows are points, other dimensions are flattened; read and\n"
            "                      computed in float64 (float64/integer data is not rounded; NPY\n"
            "                      integers beyond 2^53 in magnitude, which would be, are refused)\n"
            "  --method M          exact (default) | 1d | sliced | sinkhorn\n"
            "                      exact on very unequal sides (any weights): a side of at most 64 points\n"
            "                      against 64 times as many or more is solved over the few points (10 vs 200,000 in 2-D or\n"
            "                      64-D: about 1 s, where POT's emd2 takes minutes); between that and equal\n"
            "                      sides the time grows about as the square of the larger side (100 vs 20,000\n"
            "                      points in 2-D: a few s; 100 vs 200,000: minutes, as POT's emd2); sliced, or\n"
            "                      a subsample of the larger side, is the quick estimate there\n"
            "  --cost C            euclidean (default, W1) | sqeuclidean (W2^2; every method)\n"
            "  --eps E             Sinkhorn regularisation, relative to the largest cost (default 0.01)\n"
            "  --projections K     sliced directions (default 200; --json std_error: the Monte-Carlo standard\n"
            "                      error over them, null for K = 1)\n"
            "  --seed S            sliced directions' seed (default 1)\n"
            "  --weights-a F       weights of A (one per point, >= 0, summing to 1 within 1e-5, then\n"
            "                      renormalised; a vector stored [n], [n, 1] or [1, n]); default uniform\n"
            "  --weights-b F       weights of B\n"
            "  --threads N         threads (default: all)\n"
            "  --json              print {method, n, m, d, value, ..., seconds} as JSON\n");
}

/* Read a weights file (any array format, in float64) into a double array of exactly `n` entries. */
static int read_weights(const char *path, int64_t n, double **out) {
    double *w;
    int64_t count;
    int rc = cli_read_user_vector_f64(path, &w, &count); /* a vector: [n], [n, 1] or [1, n] */
    if (rc) return rc;
    if (count != n) {
        wk_free(w);
        return wk_errorf(WK_EINVAL, "%s: %lld weights for %lld points", path, (long long)count, (long long)n);
    }
    double sum = 0;
    for (int64_t i = 0; i < n; i++) {
        if (w[i] < 0) {
            double bad = w[i];
            wk_free(w);
            return wk_errorf(WK_EINVAL, "%s: weight %lld is negative (%g)", path, (long long)i, bad);
        }
        sum += w[i];
    }
    /* the library's tolerance (WK_OT_WEIGHT_TOL, as Python's): float32 or 6-digit text weights
     * pass; then renormalised exactly */
    if (!(fabs(sum - 1) <= WK_OT_WEIGHT_TOL)) {
        wk_free(w);
        return wk_errorf(WK_EINVAL, "%s: weights sum to %.17g, not 1 (within %g)", path, sum, WK_OT_WEIGHT_TOL);
    }
    for (int64_t i = 0; i < n; i++) w[i] /= sum;
    *out = w;
    return WK_OK;
}

int wk_cmd_w1(int argc, char **argv) {
    const char *files[2] = {NULL, NULL}, *wfile[2] = {NULL, NULL}, *method = "exact", *cost = "euclidean";
    double eps = 0.01;
    const double sink_tol = 1e-9; /* Sinkhorn's marginal L1 error to converge at */
    long long projections = 200, seed = 1, threads = 0;
    int json = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            w1_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--method") || !strcmp(a, "--cost") || !strcmp(a, "--weights-a") ||
                   !strcmp(a, "--weights-b") || !strcmp(a, "--eps") || !strcmp(a, "--projections") ||
                   !strcmp(a, "--seed") || !strcmp(a, "--threads")) {
            if (!(v = cli_value("w1", argc, argv, &i))) return 2;
            if (!strcmp(a, "--method")) method = v;
            else if (!strcmp(a, "--cost")) cost = v;
            else if (!strcmp(a, "--weights-a")) wfile[0] = v;
            else if (!strcmp(a, "--weights-b")) wfile[1] = v;
            else if (!strcmp(a, "--eps") && !cli_parse_double("w1", a, v, WK_SINKHORN_REL_MIN, 1e3, &eps)) return 2;
            else if (!strcmp(a, "--projections") && !cli_parse_int("w1", a, v, 1, 1000000, &projections)) return 2;
            else if (!strcmp(a, "--seed") && !cli_parse_int("w1", a, v, 0, INT64_MAX, &seed)) return 2;
            else if (!strcmp(a, "--threads") && !cli_parse_int("w1", a, v, 0, 64, &threads)) return 2;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "wgankit w1: unknown flag '%s'\n", a);
            w1_usage(stderr);
            return 2;
        } else if (nfiles < 2) {
            files[nfiles++] = a;
        } else {
            fprintf(stderr, "wgankit w1: unexpected argument '%s' (two point-cloud files expected)\n", a);
            return 2;
        }
    }
    if (nfiles != 2) {
        fprintf(stderr, "wgankit w1: two point-cloud files expected\n");
        w1_usage(stderr);
        return 2;
    }
    int is_exact = !strcmp(method, "exact"), is_1d = !strcmp(method, "1d"), is_sliced = !strcmp(method, "sliced"),
        is_sink = !strcmp(method, "sinkhorn");
    if (!is_exact && !is_1d && !is_sliced && !is_sink) {
        fprintf(stderr, "wgankit w1: --method: '%s' is not exact, 1d, sliced or sinkhorn\n", method);
        return 2;
    }
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    if (!strcmp(cost, "sqeuclidean")) opt.cost = WK_COST_SQEUCLIDEAN;
    else if (strcmp(cost, "euclidean")) {
        fprintf(stderr, "wgankit w1: --cost: '%s' is not euclidean or sqeuclidean\n", cost);
        return 2;
    }
    opt.seed = (uint64_t)seed;
    /* every method runs under this call's thread context (0 = all cores) */
    opt.threads = (int)threads;
    wk_exec exec = wk_exec_make((int)threads);
    wk_exec_saved exec_saved;
    wk_exec_enter(&exec, &exec_saved);

    /* float64 all the way: data files in float64 or integers are not rounded to float32 */
    double *pts[2] = {NULL, NULL}, *w[2] = {NULL, NULL};
    int64_t rows[2] = {0, 0}, cols[2] = {0, 0};
    int rc = WK_OK, code = 0;
    for (int s = 0; s < 2 && !rc; s++) {
        rc = cli_read_user_points_f64(files[s], &pts[s], &rows[s], &cols[s]);
        if (!rc && rows[s] == 0) rc = wk_errorf(WK_EFORMAT, "%s: no points", files[s]);
        if (!rc && wfile[s]) rc = read_weights(wfile[s], rows[s], &w[s]);
    }
    if (!rc && cols[0] != cols[1])
        rc = wk_errorf(WK_EINVAL, "%s has dimension %lld but %s has dimension %lld", files[0], (long long)cols[0],
                       files[1], (long long)cols[1]);
    if (!rc && is_1d && cols[0] != 1)
        rc = wk_errorf(WK_EINVAL, "--method 1d needs 1-D points; %s has dimension %lld", files[0], (long long)cols[0]);
    if (rc) {
        fprintf(stderr, "wgankit w1: %s\n", wk_last_error());
        code = cli_exit_code(rc);
        goto done;
    }
    wk_ot_result res;
    memset(&res, 0, sizeof res);
    double t0 = wk_monotonic_s();
    if (is_exact) {
        rc = wk_w1_exact_f64(pts[0], rows[0], w[0], pts[1], rows[1], w[1], cols[0], &opt, &res);
    } else if (is_1d) {
        rc = wk_wp_1d_f64(pts[0], w[0], rows[0], pts[1], w[1], rows[1], opt.cost == WK_COST_SQEUCLIDEAN ? 2 : 1,
                          &res.value);
    } else if (is_sliced) {
        rc = wk_w1_sliced_f64(pts[0], rows[0], w[0], pts[1], rows[1], w[1], cols[0], (int)projections, &opt, &res);
    } else {
        wk_sinkhorn_options so = {eps, sink_tol, 10000, 1};
        so.eps = -eps; /* negative: relative to the largest cost */
        rc = wk_sinkhorn_f64(pts[0], rows[0], w[0], pts[1], rows[1], w[1], cols[0], &so, &opt, &res);
    }
    double dt = wk_monotonic_s() - t0;
    if (rc) {
        /* every number is the user's: finite coordinates whose distances overflow are bad input too */
        code = rc == WK_ENUMERIC ? 2 : cli_exit_code(rc);
        /* bad input: the library calls the clouds a and b; say which files those are */
        if (code == 2) fprintf(stderr, "wgankit w1: %s (a = %s, b = %s)\n", wk_last_error(), files[0], files[1]);
        else fprintf(stderr, "wgankit w1: %s\n", wk_last_error());
        goto done;
    }
    if (is_sink && !(res.marginal_err < sink_tol)) /* as POT: the value, with a warning */
        fprintf(stderr, "wgankit w1: warning: Sinkhorn did not converge (marginal L1 error %.3g >= %g after %lld "
                        "iterations; raise --eps)\n", res.marginal_err, sink_tol, (long long)res.iterations);
    if (json) {
        printf("{\"method\": \"%s\", \"cost\": \"%s\", \"n\": %lld, \"m\": %lld, \"d\": %lld, \"value\": %.17g", method,
               cost, (long long)rows[0], (long long)rows[1], (long long)cols[0], res.value);
        /* iterations: the solver's own unit of work (wk_ot_result.iterations: simplex pivots,
         * auction bids + augmenting searches, the 1-D coupling's steps, or the few-sources
         * solver's augmenting paths) */
        if (is_exact) printf(", \"gap\": %.3g, \"iterations\": %lld, \"rounds\": %d, \"arcs\": %lld", res.gap,
                             (long long)res.iterations, res.rounds, (long long)res.arcs);
        if (is_sliced) { /* one projection: the standard error is undefined (NaN), JSON null */
            printf(", \"projections\": %lld, \"std_error\": ", projections);
            if (isfinite(res.std_error)) printf("%.6g", res.std_error);
            else printf("null");
        }
        if (is_sink) printf(", \"eps\": %g, \"regularised\": %.17g, \"iterations\": %lld, \"marginal_error\": %.3g, "
                            "\"converged\": %s", eps, res.reg_value, (long long)res.iterations, res.marginal_err,
                            res.marginal_err < sink_tol ? "true" : "false");
        printf(", \"seconds\": %.6f}\n", dt);
    } else {
        printf("%.12g\n", res.value);
    }
    wk_ot_result_free(&res);
done:
    for (int s = 0; s < 2; s++) {
        wk_free(pts[s]);
        wk_free(w[s]);
    }
    wk_exec_leave(&exec_saved);
    return code;
}
