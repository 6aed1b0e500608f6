/* verdict.c — the experiments' verdict rules on measured quantities WITH their uncertainty: a
 * claim "agrees" or "DIFFERS" only when the 95 % interval says so, and is "not measurable" when the
 * interval contains the boundary the claim is about (or there is no interval: too few points or
 * seeds). A point estimate alone never decides: its sign within the noise would flip the verdict
 * from one seed to the next. Return values follow wk__doc_verdict: 1 agrees, 0 DIFFERS, -1 not
 * measurable (or, for the comparisons, +1 / -1 / 0 as documented in expt_internal.h). */
#include <math.h>

#include "experiment/expt_internal.h"

int wk__side(double lo, double hi, double b) {
    if (!isfinite(lo) || !isfinite(hi)) return 0;
    return hi < b ? -1 : lo > b ? 1 : 0;
}

int wk__slope_side(const wk_loglog_fit_ci *f, double b) { return wk__side(f->lo, f->hi, b); }

int wk__slope_within(const wk_loglog_fit_ci *f, double a, double b) {
    int sa = wk__slope_side(f, a), sb = wk__slope_side(f, b);
    if (sa > 0 && sb < 0) return 1;  /* the whole interval inside [a, b] */
    if (sa < 0 || sb > 0) return 0;  /* the whole interval outside it */
    return -1;
}

int wk__iv_compare(double alo, double ahi, double blo, double bhi) {
    if (!isfinite(alo) || !isfinite(ahi) || !isfinite(blo) || !isfinite(bhi)) return 0;
    return alo > bhi ? 1 : ahi < blo ? -1 : 0;
}

void wk__spearman_ci(double rho, int n, double *lo, double *hi) {
    /* The reference: Bonett & Wright (2000), "Sample size requirements for estimating Pearson,
     * Kendall and Spearman correlations", Psychometrika 65(1), 23–28: Fisher's z = atanh(ρ) with the
     * variance (1 + ρ²/2) / (n − 3), ρ ± as tanh(z ± 1.96 σ) — Bonett's own statpsych::ci.spear,
     * whose example (n = 15, ρ 0.8699639: [0.5840951, 0.9638297]) test_stats checks. It replaces
     * Fieller, Hartley & Pearson's (1957) constant 1.06 / (n − 3), which Bonett & Wright found too
     * small as |ρ| grows: the experiments' claims are about ρ >= 0.9, where it is 1.40–1.5.
     * At |ρ| = 1 the reference gives no interval: z is infinite and the variance of ρ itself,
     * (1 + ρ²/2)(1 − ρ²)² / (n − 3), is 0, so its formula returns [1, 1] (ci.spear does), and its
     * authors (and Bishara & Hittner 2017, Behav. Res. Methods 49, 294–309) report poor coverage
     * above |ρ| ≈ 0.9 at small n. n ranks reach |ρ| = 1 with positive probability (1/n! under
     * independence), and [1, 1] would let 4 generators "show" ρ >= 0.9. So at the boundary this
     * code applies a rule of its own, NOT from the reference: |ρ| is clamped to the largest value
     * below 1 that n untied ranks can give, 1 − 12 / (n (n² − 1)) (one adjacent swap: Σd² = 2) —
     * the data cannot tell ρ = 1 from it — the reference's interval is taken there, and then
     * widened to reach ρ itself (at ρ = 1 it ends at 1). Only |ρ| = 1 is clamped: with ties
     * (midranks) ρ can lie between that value and 1 (x = 1..8 against y = 1..7, 7: ρ 0.99403),
     * and there the reference's own interval is taken. */
    *lo = *hi = NAN;
    if (!isfinite(rho) || n < 4) return;
    const double dn = n, next = 1 - 12 / (dn * (dn * dn - 1));
    double r = fabs(rho) >= 1 ? copysign(next, rho) : rho, z = atanh(r), h = 1.959963984540054 * sqrt((1 + r * r / 2) / (n - 3));
    *lo = fmin(tanh(z - h), rho), *hi = fmax(tanh(z + h), rho);
}

int wk__verdict_all(const int *v, int n) {
    int agree = 0, any = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] == 0) return 0; /* one clear contradiction decides */
        agree += v[i] > 0, any = 1;
    }
    return any && agree == n ? 1 : -1;
}
