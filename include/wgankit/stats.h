/* stats.h — the statistics the experiments (experiment.h) report next to the papers' claims:
 *
 *   - mean with a two-sided Student-t interval (the authors' "mean with a 95 % interval" over
 *     repeated exact-W1 evaluations, Biau et al.'s code);
 *   - isotonic (non-decreasing) least-squares regression by the pool-adjacent-violators
 *     algorithm, and the largest deviation of the data from it: how far d_D is from being an
 *     increasing function of d_Lip (Biau et al. 2021, "monotone equivalence", §4);
 *   - Spearman's rank correlation with average ranks for ties (scipy.stats.spearmanr);
 *   - the least-squares slope of log y against log x with its t-interval (rates such as
 *     E d_D(μ*, μ_n) = O(n^{-1/2}) against W1's n^{-1/D}, Biau et al. §5; Arora et al. §3).
 *
 * Every function takes plain double arrays and never allocates more than O(n) scratch. Values
 * that cannot be computed (too few points, a constant sample) come back as NaN, never as a
 * made-up number. Checked against scipy on tests/fixtures/stats (tests/reference/make_stats_fixtures.py). */
#ifndef WGANKIT_STATS_H
#define WGANKIT_STATS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The p-quantile (0 < p < 1) of Student's t with df > 0 degrees of freedom (scipy.stats.t.ppf);
 * NaN outside that domain. Accurate to ~1e-10 relative. */
double wk_t_quantile(double p, double df);

/* Mean of x[n] and its two-sided `level` t-interval (level 0.95: mean ± t_{0.975, n-1} sd/√n).
 * n = 1: lo = hi = NaN (no spread from one value); n = 0: everything NaN. sd is the sample
 * standard deviation (ddof 1). */
typedef struct wk_interval {
    double mean, lo, hi, sd;
    int n;
} wk_interval;
void wk_mean_interval(const double *x, int n, double level, wk_interval *out);

/* Non-decreasing least-squares fit of y[n] in the given order (weights w, NULL = all 1):
 * minimises Σ w_i (y_i − fit_i)² subject to fit_0 ≤ fit_1 ≤ ... (PAVA). WK_EINVAL for a
 * non-finite value or a weight ≤ 0; WK_ENOMEM. */
int wk_isotonic_fit(const double *y, const double *w, int n, double *fit);

/* Isotonic regression of y on x (points (x_i, y_i), any order): fit[i] is the fitted value at
 * point i. Points are ordered by x; points with equal x are ordered by y, so ties in x may take
 * different fitted values (the "primary" treatment of ties, de Leeuw 1977). *max_dev (may be
 * NULL) = max_i |y_i − fit_i|. */
int wk_isotonic_xy(const double *x, const double *y, int n, double *fit, double *max_dev);

/* Average ranks (1-based; tied values share the mean of their ranks), scipy.stats.rankdata. */
int wk_ranks(const double *x, int n, double *rank);
/* Spearman's ρ: the Pearson correlation of the average ranks (scipy.stats.spearmanr). NaN when
 * n < 2 or either variable is constant. */
double wk_spearman(const double *x, const double *y, int n);

/* log y = intercept + slope log x (natural logs of the points with x, y > 0) by least squares,
 * with the slope's standard error and two-sided `level` t-interval on used − 2 degrees of
 * freedom (scipy.stats.linregress + t.ppf). Fewer than 2 usable points: slope NaN; exactly 2:
 * slope finite, interval NaN. */
typedef struct wk_loglog_fit_ci {
    double slope, intercept, se, lo, hi;
    int used; /* points with x, y > 0 */
} wk_loglog_fit_ci;
void wk_loglog_slope(const double *x, const double *y, int n, double level, wk_loglog_fit_ci *out);

#ifdef __cplusplus
}
#endif
#endif
