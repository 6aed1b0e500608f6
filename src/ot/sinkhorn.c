/* sinkhorn.c — entropic optimal transport (Cuturi 2013) in the log domain with ε-scaling
 * (Schmitzer 2019, "Stabilized sparse scaling algorithms"; Peyré & Cuturi 2019, §4.4):
 * dual potentials f, g are updated by soft-min (log-sum-exp) steps
 *     f_i = -ε log Σ_j b_j exp((g_j - C_ij)/ε),   g_j = -ε log Σ_i a_i exp((f_i - C_ij)/ε),
 * which never under/overflows, and ε decreases geometrically from the largest cost to the
 * target, each stage warm-started from the previous one. Needs the dense n×m cost matrix.
 * res->marginal_err is the row marginal's L1 error of the returned plan (its columns are exact):
 * >= tol when the last stage ran out of max_iter, which callers must report. eps below
 * WK_SINKHORN_REL_MIN x the largest cost is refused. */
#include <math.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

/* f_i = -eps * log sum_j exp(logw_j + (g_j - C_ij)/eps) for every row of C (n x m, row-major). */
static void softmin_rows(const double *C, int64_t n, int64_t m, const double *g, const double *logw, double eps,
                         double *f) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const double *c = C + i * m;
        double mx = -INFINITY;
        for (int64_t j = 0; j < m; j++) {
            double t = logw[j] + (g[j] - c[j]) / eps;
            if (t > mx) mx = t;
        }
        double s = 0;
        for (int64_t j = 0; j < m; j++) s += exp(logw[j] + (g[j] - c[j]) / eps - mx);
        f[i] = -eps * (mx + log(s));
    }
}

static int sinkhorn(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                    const wk_sinkhorn_options *sopt, const wk_ot_options *opt_in, wk_ot_result *res) {
    if (!res || !sopt) return wk_errorf(WK_EINVAL, "wk_sinkhorn: NULL argument");
    memset(res, 0, sizeof *res);
    if (!(sopt->eps != 0) || !isfinite(sopt->eps))
        return wk_errorf(WK_EINVAL, "wk_sinkhorn: eps = %g must be non-zero and finite", sopt->eps);
    wk_ot_options opt;
    if (opt_in) opt = *opt_in;
    else wk_ot_options_default(&opt);
    ot_cloud A, B;
    ot_costs E;
    memset(&E, 0, sizeof E);
    int rc = ot_prepare(&A, &B, a, wa, b, wb, &opt);
    if (rc) return rc;
    const int64_t n = A.n, m = B.n;
    if ((uint64_t)n * (uint64_t)m > ((uint64_t)1 << 28)) {
        ot_cloud_free(&A);
        ot_cloud_free(&B);
        return wk_errorf(WK_EUNSUPPORTED, "wk_sinkhorn: %lld x %lld cost matrix is too large (use the exact solver)",
                         (long long)n, (long long)m);
    }
    double *C = wk_malloc((size_t)(n * m) * sizeof(double));
    double *CT = wk_malloc((size_t)(n * m) * sizeof(double));
    double *f = wk_calloc((size_t)n, sizeof(double)), *g = wk_calloc((size_t)m, sizeof(double));
    double *la = wk_malloc((size_t)n * sizeof(double)), *lb = wk_malloc((size_t)m * sizeof(double));
    if (!C || !CT || !f || !g || !la || !lb || (rc = ot_costs_init(&E, &A, &B, &opt, 0)) != 0) {
        if (!rc) rc = WK_ENOMEM;
        goto done;
    }
    for (int64_t i0 = 0; i0 < n; i0 += E.block_rows) {
        int64_t i1 = i0 + E.block_rows < n ? i0 + E.block_rows : n;
        ot_cost_rows(&E, i0, i1, C + i0 * m);
    }
    double cmax = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            CT[j * n + i] = C[i * m + j];
            if (C[i * m + j] > cmax) cmax = C[i * m + j];
        }
    for (int64_t i = 0; i < n; i++) la[i] = log(A.w[i]);
    for (int64_t j = 0; j < m; j++) lb[j] = log(B.w[j]);
    const double target = sopt->eps > 0 ? sopt->eps : -sopt->eps * (cmax > 0 ? cmax : 1);
    /* the potentials carry the costs' rounding (~1e-16 cmax): below this floor exp((f + g - C)/eps)
     * is noise and the "plan" no coupling (ot.h) */
    if (target < WK_SINKHORN_REL_MIN * cmax) {
        rc = wk_errorf(WK_EINVAL, "wk_sinkhorn: eps = %g is below %g x the largest cost (%g): float64 cannot resolve "
                                  "the entropic plan", target, WK_SINKHORN_REL_MIN, cmax);
        goto done;
    }
    const double tol = sopt->tol > 0 ? sopt->tol : 1e-9;
    const int max_iter = sopt->max_iter > 0 ? sopt->max_iter : 10000;
    double eps = sopt->eps_scaling ? (cmax > target ? cmax : target) : target;
    for (;;) {
        for (int it = 0; it < max_iter; it++) {
            softmin_rows(C, n, m, g, lb, eps, f);
            softmin_rows(CT, m, n, f, la, eps, g);
            res->iterations++;
            /* columns now match b exactly; stop when the rows match a */
            if (it % 10 == 9 || eps > target) {
                double err = 0;
#pragma omp parallel for reduction(+ : err) schedule(static)
                for (int64_t i = 0; i < n; i++) {
                    double s = 0;
                    for (int64_t j = 0; j < m; j++) s += exp(la[i] + lb[j] + (f[i] + g[j] - C[i * m + j]) / eps);
                    err += fabs(s - A.w[i]);
                }
                if (err < (eps > target ? 1e-3 : tol)) break;
            }
        }
        if (eps <= target) break;
        eps = eps / 2 > target ? eps / 2 : target;
    }
    double cost = 0, kl = 0, mass = 0, err = 0;
    for (int64_t i = 0; i < n; i++) {
        double row = 0;
        for (int64_t j = 0; j < m; j++) {
            double lp = (f[i] + g[j] - C[i * m + j]) / eps, P = exp(la[i] + lb[j] + lp);
            cost += P * C[i * m + j];
            kl += P * lp;
            mass += P;
            row += P;
        }
        err += fabs(row - A.w[i]); /* the columns are exact after the last g update */
    }
    res->value = cost;
    res->marginal_err = err;
    res->reg_value = cost + eps * (kl - mass + 1);
done:
    wk_free(C);
    wk_free(CT);
    wk_free(f);
    wk_free(g);
    wk_free(la);
    wk_free(lb);
    ot_costs_free(&E);
    ot_cloud_free(&A);
    ot_cloud_free(&B);
    return rc;
}

int wk_sinkhorn(const wk_tensor *a, const double *wa, const wk_tensor *b, const double *wb,
                const wk_sinkhorn_options *sopt, const wk_ot_options *opt, wk_ot_result *res) {
    const ot_input ia = ot_input_tensor(a), ib = ot_input_tensor(b);
    return sinkhorn(&ia, wa, &ib, wb, sopt, opt, res);
}

int wk_sinkhorn_f64(const double *a, int64_t n, const double *wa, const double *b, int64_t m, const double *wb,
                    int64_t d, const wk_sinkhorn_options *sopt, const wk_ot_options *opt, wk_ot_result *res) {
    const ot_input ia = ot_input_f64(a, n, d), ib = ot_input_f64(b, m, d);
    return sinkhorn(&ia, wa, &ib, wb, sopt, opt, res);
}
