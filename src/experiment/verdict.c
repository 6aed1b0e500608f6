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
    /* Fisher's z with the variance 1.06 / (n − 3) of Spearman's ρ (Fieller, Hartley & Pearson 1957) */
    *lo = *hi = NAN;
    if (!isfinite(rho) || n < 4) return;
    double r = fmax(-0.999999, fmin(0.999999, rho)), z = atanh(r), h = 1.959963984540054 * sqrt(1.06 / (n - 3));
    *lo = tanh(z - h), *hi = tanh(z + h);
}

int wk__verdict_all(const int *v, int n) {
    int agree = 0, any = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] == 0) return 0; /* one clear contradiction decides */
        agree += v[i] > 0, any = 1;
    }
    return any && agree == n ? 1 : -1;
}
