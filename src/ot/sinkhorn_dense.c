/* sinkhorn_dense.c — entropic OT for a given dense cost matrix (POT's ot.sinkhorn2 meaning:
 * the plan P of min <P, M> + reg·KL-type entropy, value <P, M>), in the log domain so that small
 * regularisations neither underflow nor overflow (Peyré & Cuturi 2019, §4.4). Point clouds go
 * through wk_sinkhorn (sinkhorn.c), which never forms the matrix.
 *
 * Invariants: masses validated like wk_emd_dense (finite, >= 0, equal totals; NULL = uniform);
 * the iteration alternates exact log-sum-exp updates of the two potentials and stops when the
 * column marginal's L1 error is below tol (the row marginal is exact after each row update). */
#include <math.h>
#include <string.h>

#include "ot_internal.h"
#include "wgankit/error.h"

static int masses(const double *w, int64_t n, const char *what, double *out) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = w ? w[i] : 1.0 / (double)n;
        if (!isfinite(v) || v < 0)
            return wk_errorf(WK_EINVAL, "%s: entry %lld is %g (must be finite and >= 0)", what, (long long)i, v);
        out[i] = v;
        s += v;
    }
    if (!(s > 0)) return wk_errorf(WK_EINVAL, "%s: total mass is 0", what);
    for (int64_t i = 0; i < n; i++) out[i] /= s;
    return WK_OK;
}

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

int wk_sinkhorn_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double reg,
                      int max_iter, double tol, double *value) {
    if (n < 1 || m < 1) return wk_errorf(WK_EINVAL, "sinkhorn: empty problem (%lld x %lld)", (long long)n, (long long)m);
    if (!(reg > 0) || !isfinite(reg)) return wk_errorf(WK_EINVAL, "reg: %g must be finite and > 0", reg);
    if (max_iter < 1) return wk_errorf(WK_EINVAL, "sinkhorn: max_iter %d must be >= 1", max_iter);
    for (int64_t k = 0; k < n * m; k++)
        if (!isfinite(M[k]))
            return wk_errorf(WK_ENUMERIC, "M: entry [%lld, %lld] is %g", (long long)(k / m), (long long)(k % m), M[k]);
    double *buf = wk_malloc((size_t)(3 * (n + m) + 2 * m) * sizeof(double));
    if (!buf) return WK_ENOMEM;
    double *a = buf, *b = a + n, *la = b + m, *lb = la + n, *f = lb + m, *g = f + n, *cmx = g + m, *cs = cmx + m;
    int rc;
    double sa = 1;
    if (wa) {
        sa = 0;
        for (int64_t i = 0; i < n; i++) sa += isfinite(wa[i]) ? wa[i] : 0;
    }
    if ((rc = masses(wa, n, "a", a)) || (rc = masses(wb, m, "b", b))) goto done;
    if (wa || wb) { /* an empty side is uniform with total mass 1, as in emd2 */
        double sb = 1;
        if (wb) {
            sb = 0;
            for (int64_t j = 0; j < m; j++) sb += wb[j];
        }
        if ((rc = ot_check_balance(sa, wa != NULL, sb, wb != NULL))) goto done;
    }
    for (int64_t i = 0; i < n; i++) la[i] = log(a[i]), f[i] = 0;
    for (int64_t j = 0; j < m; j++) lb[j] = log(b[j]), g[j] = 0;
    for (int it = 0; it < max_iter; it++) {
        update_rows(M, n, m, la, g, reg, f);
        /* g_j = reg (log b_j - log sum_i exp((f_i - M_ij) / reg)), the column error before it;
         * two row-major passes (maximum, then sum) so the loops run along M's rows */
        for (int64_t j = 0; j < m; j++) cmx[j] = -INFINITY, cs[j] = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < m; j++) cmx[j] = fmax(cmx[j], f[i] - M[i * m + j]);
        for (int64_t i = 0; i < n; i++)
            if (isfinite(f[i]))
                for (int64_t j = 0; j < m; j++) cs[j] += exp((f[i] - M[i * m + j] - cmx[j]) / reg);
        double err = 0;
        for (int64_t j = 0; j < m; j++) {
            double lse = cmx[j] + reg * log(cs[j]); /* reg log sum_i exp((f_i - M_ij)/reg) */
            err += fabs(exp((g[j] + lse) / reg) - b[j]);
            g[j] = isfinite(lb[j]) ? reg * lb[j] - lse : -INFINITY;
        }
        if (err < tol) break;
    }
    update_rows(M, n, m, la, g, reg, f);
    double v = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++)
            if (isfinite(f[i]) && isfinite(g[j])) v += exp((f[i] + g[j] - M[i * m + j]) / reg) * M[i * m + j];
    *value = v * sa;
done:
    wk_free(buf);
    return rc;
}
