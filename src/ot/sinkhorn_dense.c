/* sinkhorn_dense.c — entropic optimal transport on a dense cost matrix, the one Sinkhorn loop
 * of the project: wk_sinkhorn_dense (POT's ot.sinkhorn2 meaning: the plan P of
 * min <P, M> + reg·KL-type entropy, value <P, M>) and, through ot_sinkhorn_log, wk_sinkhorn
 * (sinkhorn.c), which forms the point clouds' cost matrix and reports the regularised objective
 * as well.
 *
 * Invariants: the iteration is in the log domain, so small regularisations neither underflow
 * nor overflow (Peyré & Cuturi 2019, §4.4): it alternates exact log-sum-exp updates of the two
 * potentials, with ε-scaling from the cost range down to reg (Schmitzer 2019), and stops when
 * the column marginal's L1 error is below tol (the row marginal is exact after each row
 * update); that error of the returned plan is reported, so a caller can tell a converged value
 * from a stopped one. wk_sinkhorn_dense validates masses with wk_emd_dense's checks
 * (ot_dense_masses: finite, >= 0; ot_check_balance: equal totals; NULL = uniform). reg below WK_SINKHORN_REL_MIN x max|M| is refused: float64 cannot
 * resolve such a plan. */
#include <math.h>
#include <string.h>

#include "ot_internal.h"
#include "wgankit/error.h"

enum { COL_BLOCK = 64 };

/* f_i = reg (log a_i - log sum_j exp((g_j - M_ij) / reg)), over the columns with mass */
static void update_rows(const double *M, int64_t n, int64_t m, const double *la, const double *g, double reg,
                        double *f) {
#pragma omp parallel for schedule(static) if (n * m > 65536)
    for (int64_t i = 0; i < n; i++) {
        const double *row = M + i * m;
        double mx = -INFINITY, s = 0;
        for (int64_t j = 0; j < m; j++)
            if (g[j] - row[j] > mx) mx = g[j] - row[j];
        for (int64_t j = 0; j < m; j++) s += exp((g[j] - row[j] - mx) / reg);
        f[i] = isfinite(la[i]) ? reg * la[i] - mx - reg * log(s) : -INFINITY;
    }
}

/* One Sinkhorn pass at regularisation eps: f from g (rows exact), then the column marginal's
 * L1 error of the plan (f, g), returned; *met = error below stop, else g is updated from f
 * (columns exact; the returned error then describes the plan before that update). cmx, cs: m
 * scratch each. */
static double pass(const double *M, int64_t n, int64_t m, const double *la, const double *lb, const double *b,
                   double eps, double stop, double *f, double *g, double *cmx, double *cs, int *met) {
    update_rows(M, n, m, la, g, eps, f);
    /* g_j = eps (log b_j - log sum_i exp((f_i - M_ij) / eps)), the column error before it;
     * two passes (maximum, then sum), each thread a block of columns run along M's rows */
#pragma omp parallel for schedule(static) if (n * m > 65536)
    for (int64_t j0 = 0; j0 < m; j0 += COL_BLOCK) {
        const int64_t j1 = j0 + COL_BLOCK < m ? j0 + COL_BLOCK : m;
        for (int64_t j = j0; j < j1; j++) cmx[j] = -INFINITY, cs[j] = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = j0; j < j1; j++) {
                const double t = f[i] - M[i * m + j]; /* finite or -inf: a compare, not fmax's call */
                cmx[j] = t > cmx[j] ? t : cmx[j];
            }
        for (int64_t i = 0; i < n; i++)
            if (isfinite(f[i]))
                for (int64_t j = j0; j < j1; j++) cs[j] += exp((f[i] - M[i * m + j] - cmx[j]) / eps);
    }
    double err = 0;
    for (int64_t j = 0; j < m; j++) {
        cmx[j] += eps * log(cs[j]); /* eps log sum_i exp((f_i - M_ij)/eps) */
        if (isfinite(lb[j])) err += fabs(exp((g[j] + cmx[j]) / eps) - b[j]);
    }
    *met = err < stop;
    if (!*met)
        for (int64_t j = 0; j < m; j++) g[j] = isfinite(lb[j]) ? eps * lb[j] - cmx[j] : -INFINITY;
    return err;
}

int ot_sinkhorn_log(const double *M, int64_t n, int64_t m, const double *a, const double *b, double reg,
                    double eps_start, int max_iter, double tol, double *f, double *g, int64_t *iterations,
                    double *marginal_err) {
    double *buf = wk_malloc((size_t)(2 * (n + m) + 2 * m) * sizeof(double));
    if (!buf) return WK_ENOMEM;
    double *la = buf, *lb = la + n, *cmx = lb + m, *cs = cmx + m;
    for (int64_t i = 0; i < n; i++) la[i] = log(a[i]), f[i] = 0;
    for (int64_t j = 0; j < m; j++) lb[j] = log(b[j]), g[j] = 0;
    /* ε-scaling (Schmitzer 2019): from eps_start (the cost range) down to reg, halving, each
     * stage warm-started and stopped loosely; max_iter bounds the passes of all stages together
     * (POT's numItermax). Small reg then takes tens of passes where plain Sinkhorn takes
     * thousands (its rate degrades like exp(-range/reg)). */
    double eps = fmax(reg, eps_start), err = INFINITY;
    int met = 0, converged = 0;
    int64_t it = 0;
    /* max_iter counts every pass, the closing one at reg included (the count reported is never
     * above the cap: "after 10001 iterations" with POT's numItermax 10000 read as a wrong cap) */
    while (it < max_iter - 1 && !converged) {
        const int last = eps <= reg;
        err = pass(M, n, m, la, lb, b, eps, last ? tol : fmax(tol, 1e-3), f, g, cmx, cs, &met);
        it++;
        if (met && last) converged = 1;
        else if (met) eps = fmax(eps / 2, reg);
    }
    if (!converged) { /* the budget's last pass, at reg: the error of the plan returned */
        err = pass(M, n, m, la, lb, b, reg, INFINITY, f, g, cmx, cs, &met);
        it++;
    }
    *iterations = it;
    *marginal_err = err;
    wk_free(buf);
    return WK_OK;
}

int wk_sinkhorn_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double reg,
                      int max_iter, double tol, double *value, double *marginal_err) {
    if (n < 1 || m < 1) return wk_errorf(WK_EINVAL, "sinkhorn: empty problem (%lld x %lld)", (long long)n, (long long)m);
    if (!(reg > 0) || !isfinite(reg)) return wk_errorf(WK_EINVAL, "reg: %g must be finite and > 0", reg);
    if (max_iter < 1) return wk_errorf(WK_EINVAL, "sinkhorn: max_iter %d must be >= 1", max_iter);
    if (!(tol > 0) || !isfinite(tol)) return wk_errorf(WK_EINVAL, "sinkhorn: tol %g must be finite and > 0", tol);
    double cmin = INFINITY, cmax = -INFINITY, cabs = 0;
    for (int64_t k = 0; k < n * m; k++) {
        if (!isfinite(M[k]))
            return wk_errorf(WK_ENUMERIC, "M: entry [%lld, %lld] is %g", (long long)(k / m), (long long)(k % m), M[k]);
        cmin = fmin(cmin, M[k]), cmax = fmax(cmax, M[k]), cabs = fmax(cabs, fabs(M[k]));
    }
    /* The potentials carry M's rounding (~1e-16 max|M|); divided by reg it must stay far below 1,
     * else exp((f + g - M) / reg) is noise and the "plan" no coupling (the CLI's --eps floor). */
    if (reg < WK_SINKHORN_REL_MIN * cabs)
        return wk_errorf(WK_EINVAL, "reg: %g is below %g x the largest |M| (%g): float64 cannot resolve the entropic plan",
                         reg, WK_SINKHORN_REL_MIN, cabs);
    double *buf = wk_malloc((size_t)(2 * (n + m)) * sizeof(double)), err = INFINITY, *S = NULL;
    if (!buf) return WK_ENOMEM;
    double *a = buf, *b = a + n, *f = b + m, *g = f + n;
    int rc;
    double sa, sb; /* the totals given */
    if ((rc = ot_dense_masses(wa, n, "a", &sa, a)) || (rc = ot_dense_masses(wb, m, "b", &sb, b))) goto done;
    if (!wa) sa = 1; /* an empty side is uniform with total mass 1, as in emd2 */
    if (!wb) sb = 1;
    if ((wa || wb) && (rc = ot_check_balance(sa, wa != NULL, sb, wb != NULL))) goto done;
    /* Costs far from 1 are solved on M and reg scaled by 2^-e (exact; the plan is unchanged, the
     * value scales by 2^e): at max|M| = 1e308 the potentials' sums f + g overflowed, the marginal
     * error was NaN and the value 0.0; the range cmax - cmin overflows for mixed signs. */
    const int e = cabs > 0x1p500 || (cabs > 0 && cabs < 0x1p-500) ? ilogb(cabs) : 0;
    const double *Ms = M;
    if (e != 0) {
        if (!(S = wk_malloc((size_t)(n * m) * sizeof(double)))) {
            rc = WK_ENOMEM;
            goto done;
        }
        for (int64_t k = 0; k < n * m; k++) S[k] = ldexp(M[k], -e);
        Ms = S;
        reg = ldexp(reg, -e);
        cmin = ldexp(cmin, -e);
        cmax = ldexp(cmax, -e);
    }
    int64_t iters = 0;
    if ((rc = ot_sinkhorn_log(Ms, n, m, a, b, reg, fmax(reg, cmax - cmin), max_iter, tol, f, g, &iters, &err)) != 0)
        goto done;
    double v = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++)
            if (isfinite(f[i]) && isfinite(g[j])) v += exp((f[i] + g[j] - Ms[i * m + j]) / reg) * Ms[i * m + j];
    *value = ldexp(v, e) * sa;
    /* never a number from a NaN: a non-finite error or value is a failure, not "not converged" */
    if (isnan(err) || !isfinite(*value)) {
        rc = wk_errorf(WK_ENUMERIC, "sinkhorn: the iteration broke down in float64 (marginal error %g, value %g) for "
                       "M from %.17g to %.17g and reg %g", err, *value, ldexp(cmin, e), ldexp(cmax, e), ldexp(reg, e));
        goto done;
    }
    if (marginal_err) *marginal_err = err;
done:
    wk_free(buf);
    wk_free(S);
    return rc;
}
