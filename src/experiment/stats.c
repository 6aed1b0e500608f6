/* stats.c — the experiments' statistics (stats.h): Student-t quantiles through the regularised
 * incomplete beta function, t-intervals, isotonic regression (pool adjacent violators), average
 * ranks and Spearman's ρ, and the log-log slope with its interval.
 *
 * Invariants: NaN (never a guess) where a quantity is undefined; O(n) scratch at most; the
 * isotonic fit is the exact least-squares solution (PAVA merges adjacent blocks until their
 * means increase, which is optimal for the simple order; Barlow et al. 1972). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/generalization.h"
#include "wgankit/stats.h"
#include "wgankit/tensor.h"

/* Continued fraction of the incomplete beta function (modified Lentz), valid and fast for
 * x < (a + 1) / (a + b + 2); the caller uses the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise. */
static double beta_cf(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = fabs(d) < tiny ? tiny : d;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2)); /* even step */
        d = 1 + num * d, c = 1 + num / c;
        d = fabs(d) < tiny ? tiny : d, c = fabs(c) < tiny ? tiny : c;
        d = 1 / d, h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)); /* odd step */
        d = 1 + num * d, c = 1 + num / c;
        d = fabs(d) < tiny ? tiny : d, c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
    }
    return h;
}

/* The regularised incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double inc_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return exp(lbt) * beta_cf(a, b, x) / a;
    return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

/* P(T > t) for t >= 0, Student's t with df degrees of freedom (the upper tail is computed
 * directly: 1 − CDF would lose the digits the quantile needs near p = 1). */
static double t_upper(double t, double df) { return 0.5 * inc_beta(df / 2, 0.5, df / (df + t * t)); }

double wk_t_quantile(double p, double df) {
    if (!(p > 0 && p < 1 && df > 0)) return NAN;
    if (p == 0.5) return 0;
    double tail = p > 0.5 ? 1 - p : p; /* symmetric: solve P(T > t) = tail for t > 0 */
    double lo = 0, hi = 1;
    while (t_upper(hi, df) > tail && hi < 1e300) lo = hi, hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (t_upper(mid, df) > tail) lo = mid;
        else hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return p > 0.5 ? t : -t;
}

void wk_mean_interval(const double *x, int n, double level, wk_interval *out) {
    double se;
    out->n = n;
    wk_mean_se(x, n, &out->mean, &se); /* nnd.h: mean and sd/√n (NaN for n < 2) */
    out->sd = n >= 2 ? se * sqrt((double)n) : NAN;
    double h = n >= 2 ? wk_t_quantile(0.5 + level / 2, n - 1) * se : NAN;
    out->lo = out->mean - h, out->hi = out->mean + h;
}

int wk_isotonic_fit(const double *y, const double *w, int n, double *fit) {
    if (n <= 0) return WK_OK;
    for (int i = 0; i < n; i++)
        if (!isfinite(y[i]) || (w && !(w[i] > 0 && isfinite(w[i]))))
            return wk_errorf(WK_EINVAL, "isotonic fit: value %d is %g (weight %g); finite values and positive weights required",
                             i, y[i], w ? w[i] : 1.0);
    /* blocks on a stack: weighted mean, total weight, first index */
    double *mean = wk_malloc(sizeof(double) * (size_t)n * 2);
    int *start = wk_malloc(sizeof(int) * (size_t)n);
    if (!mean || !start) {
        wk_free(mean), wk_free(start);
        return wk_errorf(WK_ENOMEM, "isotonic fit: %d points", n);
    }
    double *wt = mean + n;
    int top = 0;
    for (int i = 0; i < n; i++) {
        mean[top] = y[i], wt[top] = w ? w[i] : 1, start[top] = i, top++;
        while (top > 1 && mean[top - 2] > mean[top - 1]) { /* a violation: pool the last two blocks */
            double W = wt[top - 2] + wt[top - 1];
            mean[top - 2] = (wt[top - 2] * mean[top - 2] + wt[top - 1] * mean[top - 1]) / W;
            wt[top - 2] = W;
            top--;
        }
    }
    for (int b = 0; b < top; b++) {
        int end = b + 1 < top ? start[b + 1] : n;
        for (int i = start[b]; i < end; i++) fit[i] = mean[b];
    }
    wk_free(mean), wk_free(start);
    return WK_OK;
}

/* qsort over indices into a context array (C11 has no qsort_r): the arrays go through a
 * file-scope pointer pair, set only for the duration of one sort by one caller. */
static _Thread_local const double *sort_key, *sort_key2;
static int by_key(const void *pa, const void *pb) {
    int a = *(const int *)pa, b = *(const int *)pb;
    if (sort_key[a] != sort_key[b]) return sort_key[a] < sort_key[b] ? -1 : 1;
    if (sort_key2 && sort_key2[a] != sort_key2[b]) return sort_key2[a] < sort_key2[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static int *sorted_index(const double *key, const double *key2, int n) {
    int *idx = wk_malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!idx) return NULL;
    for (int i = 0; i < n; i++) idx[i] = i;
    sort_key = key, sort_key2 = key2;
    qsort(idx, (size_t)n, sizeof(int), by_key);
    sort_key = sort_key2 = NULL;
    return idx;
}

int wk_isotonic_xy(const double *x, const double *y, int n, double *fit, double *max_dev) {
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return wk_errorf(WK_EINVAL, "isotonic fit: point %d is (%g, %g); finite values required", i, x[i], y[i]);
    int *idx = sorted_index(x, y, n);
    double *ys = wk_malloc(sizeof(double) * (size_t)(2 * n + 1));
    if (!idx || !ys) {
        wk_free(idx), wk_free(ys);
        return wk_errorf(WK_ENOMEM, "isotonic fit: %d points", n);
    }
    double *fs = ys + n;
    for (int i = 0; i < n; i++) ys[i] = y[idx[i]];
    int rc = wk_isotonic_fit(ys, NULL, n, fs);
    double dev = n ? 0 : NAN;
    for (int i = 0; !rc && i < n; i++) {
        fit[idx[i]] = fs[i];
        dev = fmax(dev, fabs(ys[i] - fs[i]));
    }
    if (max_dev) *max_dev = rc ? NAN : dev;
    wk_free(idx), wk_free(ys);
    return rc;
}

int wk_ranks(const double *x, int n, double *rank) {
    int *idx = sorted_index(x, NULL, n);
    if (!idx) return wk_errorf(WK_ENOMEM, "ranks: %d values", n);
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && x[idx[j + 1]] == x[idx[i]]) j++;
        double r = 0.5 * (i + j) + 1; /* the mean of ranks i+1 .. j+1 */
        for (int k = i; k <= j; k++) rank[idx[k]] = r;
        i = j + 1;
    }
    wk_free(idx);
    return WK_OK;
}

static double pearson(const double *a, const double *b, int n) {
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) ma += a[i], mb += b[i];
    ma /= n, mb /= n;
    for (int i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

double wk_spearman(const double *x, const double *y, int n) {
    if (n < 2) return NAN;
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i])) return NAN;
    double *r = wk_malloc(sizeof(double) * (size_t)n * 2);
    if (!r) return NAN;
    double rho = NAN;
    if (!wk_ranks(x, n, r) && !wk_ranks(y, n, r + n)) rho = pearson(r, r + n, n);
    wk_free(r);
    return rho;
}

void wk_loglog_slope(const double *x, const double *y, int n, double level, wk_loglog_fit_ci *out) {
    double slope, icpt10;
    wk_loglog_fit(x, y, n, &slope, &icpt10); /* generalization.h: the same points (x, y > 0) */
    out->slope = slope;
    out->intercept = icpt10 * log(10.0);
    out->se = out->lo = out->hi = NAN;
    double sxx = 0, mx = 0, rss = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (x[i] > 0 && y[i] > 0 && isfinite(y[i])) mx += log(x[i]), k++;
    out->used = k;
    if (k < 3 || !isfinite(slope)) return;
    mx /= k;
    for (int i = 0; i < n; i++) {
        if (!(x[i] > 0 && y[i] > 0 && isfinite(y[i]))) continue;
        double lx = log(x[i]), r = log(y[i]) - (out->intercept + slope * lx);
        sxx += (lx - mx) * (lx - mx), rss += r * r;
    }
    out->se = sqrt(rss / (k - 2) / sxx);
    double h = wk_t_quantile(0.5 + level / 2, k - 2) * out->se;
    out->lo = slope - h, out->hi = slope + h;
}
