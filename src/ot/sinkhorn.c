/* sinkhorn.c — entropic optimal transport (Cuturi 2013) between point clouds: the cost matrix
 * C_ij = c(a_i, b_j) is formed once (so n·m is bounded) and solved by the project's one
 * log-domain Sinkhorn loop with ε-scaling (ot_sinkhorn_log, sinkhorn_dense.c; Schmitzer 2019,
 * "Stabilized sparse scaling algorithms"; Peyré & Cuturi 2019, §4.4): dual potentials f, g are
 * updated by soft-min (log-sum-exp) steps, which never under/overflow, and ε decreases
 * geometrically from the cost range to the target, each stage warm-started from the previous.
 * res->value is <P, C>, res->reg_value adds eps·KL(P | a⊗b); res->marginal_err is the column
 * marginal's L1 error of the returned plan (its rows are exact): >= tol when the passes ran out
 * (max_iter over all stages), which callers must report. eps below WK_SINKHORN_REL_MIN x the
 * largest cost is refused. */
#include <math.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

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
    double *f = wk_malloc((size_t)n * sizeof(double)), *g = wk_malloc((size_t)m * sizeof(double));
    double *lb = wk_malloc((size_t)m * sizeof(double)); /* log b_j, for the KL term */
    if (!C || !f || !g || !lb || (rc = ot_costs_init(&E, &A, &B, &opt, 0)) != 0) {
        if (!rc) rc = WK_ENOMEM;
        goto done;
    }
    for (int64_t i0 = 0; i0 < n; i0 += E.block_rows) {
        int64_t i1 = i0 + E.block_rows < n ? i0 + E.block_rows : n;
        ot_cost_rows(&E, i0, i1, C + i0 * m);
    }
    double cmin = INFINITY, cmax = 0;
    for (int64_t k = 0; k < n * m; k++) cmin = fmin(cmin, C[k]), cmax = fmax(cmax, C[k]);
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
    if ((rc = ot_sinkhorn_log(C, n, m, A.w, B.w, target, sopt->eps_scaling ? cmax - cmin : target, max_iter, tol, f,
                              g, &res->iterations, &res->marginal_err)) != 0)
        goto done;
    /* the plan P_ij = exp((f_i + g_j - C_ij) / eps), the masses inside the potentials; KL(P | a⊗b)
     * = sum P log(P / (a_i b_j)) - sum P + 1 */
    for (int64_t j = 0; j < m; j++) lb[j] = log(B.w[j]);
    double cost = 0, kl = 0, mass = 0;
#pragma omp parallel for reduction(+ : cost, kl, mass) schedule(static) if (n * m > 65536)
    for (int64_t i = 0; i < n; i++) {
        const double la = log(A.w[i]);
        for (int64_t j = 0; j < m; j++) {
            const double lp = (f[i] + g[j] - C[i * m + j]) / target, P = exp(lp);
            cost += P * C[i * m + j];
            kl += P * (lp - la - lb[j]);
            mass += P;
        }
    }
    res->value = cost;
    res->reg_value = cost + target * (kl - mass + 1);
    /* never a number from a NaN (a broken iteration is a failure, not "not converged") */
    if (isnan(res->marginal_err) || !isfinite(cost))
        rc = wk_errorf(WK_ENUMERIC, "wk_sinkhorn: the iteration broke down in float64 (marginal error %g, value %g; "
                       "costs up to %g, eps %g)", res->marginal_err, cost, cmax, target);
done:
    wk_free(C);
    wk_free(f);
    wk_free(g);
    wk_free(lb);
    ot_costs_free(&E);
    ot_cloud_free(&A);
    ot_cloud_free(&B);
    return rc;
}

/* Tiny float64 clouds at 2^k times their size (ot_rescale.c): the costs scale by 2^e, so an
 * absolute eps does too (a relative one is unchanged), and value and reg_value come back by
 * 2^-e. An eps that would overflow when scaled leaves the clouds as given. */
static int sinkhorn_entry(const ot_input *a, const double *wa, const ot_input *b, const double *wb,
                          const wk_sinkhorn_options *sopt, const wk_ot_options *opt, wk_ot_result *res) {
    ot_rescale sc;
    int rc = ot_rescale_init(&sc, a, b);
    if (rc) return wk_error_context(rc, "wk_sinkhorn");
    const int e = ot_rescale_cost_exp(&sc, opt ? opt->cost : WK_COST_EUCLIDEAN);
    wk_sinkhorn_options so;
    if (sopt) {
        so = *sopt;
        if (e != 0 && so.eps > 0) so.eps = ldexp(so.eps, e);
    }
    if (e != 0 && sopt && !isfinite(so.eps)) {
        rc = sinkhorn(a, wa, b, wb, sopt, opt, res);
        ot_rescale_free(&sc);
        return rc;
    }
    rc = sinkhorn(&sc.a, wa, &sc.b, wb, sopt ? &so : NULL, opt, res);
    ot_rescale_free(&sc);
    if (rc == WK_OK) ot_rescale_result(&sc, opt ? opt->cost : WK_COST_EUCLIDEAN, res, a->n, b->n);
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
    return sinkhorn_entry(&ia, wa, &ib, wb, sopt, opt, res);
}
