/* emd_dense.c — exact OT for a given dense cost matrix (POT's ot.emd2 semantics), on the
 * project's network simplex with every pair as an arc. It serves drop-in use from Python
 * (wgankit.emd2); point clouds should go through wk_w1_exact, which never needs the matrix.
 *
 * Invariants: the masses are validated (finite, >= 0, equal totals within 1e-6 relative, like
 * POT's check) and normalised to 1 for the solve; zero-mass rows and columns get no arcs; costs
 * are shifted by their minimum so the simplex sees non-negative costs (every plan moves the same
 * mass, so the shift changes the objective by a constant that is added back). */
#include <math.h>
#include <string.h>

#include "ot_internal.h"
#include "wgankit/error.h"

static int check_masses(const double *w, int64_t n, const char *what, double *sum) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(w[i]) || w[i] < 0)
            return wk_errorf(WK_EINVAL, "%s: entry %lld is %g (must be finite and >= 0)", what, (long long)i, w[i]);
        s += w[i];
    }
    if (!(s > 0)) return wk_errorf(WK_EINVAL, "%s: total mass is 0", what);
    *sum = s;
    return WK_OK;
}

int ot_check_balance(double sa, int a_given, double sb, int b_given) {
    if (!(fabs(sa - sb) > 1e-6 * (sa > sb ? sa : sb))) return WK_OK;
    if (a_given && !b_given) /* b empty means uniform with mass 1: a's total is what is off */
        return wk_errorf(WK_EINVAL, "a: total mass %.17g is not 1 (b is empty: uniform with total mass 1)", sa);
    if (b_given && !a_given)
        return wk_errorf(WK_EINVAL, "b: total mass %.17g is not 1 (a is empty: uniform with total mass 1)", sb);
    return wk_errorf(WK_EINVAL, "b: total mass %.17g differs from a's %.17g (the masses must balance)", sb, sa);
}

int wk_emd_dense(const double *wa, int64_t n, const double *wb, int64_t m, const double *M, double *value) {
    if (n < 1 || m < 1) return wk_errorf(WK_EINVAL, "emd: empty problem (%lld x %lld)", (long long)n, (long long)m);
    if (n > INT32_MAX / 2 || m > INT32_MAX / 2 || (double)n * (double)m > 4e9)
        return wk_errorf(WK_EINVAL, "emd: %lld x %lld cost matrix is too large", (long long)n, (long long)m);
    double sa = 1, sb = 1, cmin = INFINITY, cmax = -INFINITY;
    int rc;
    if (wa && (rc = check_masses(wa, n, "a", &sa))) return rc;
    if (wb && (rc = check_masses(wb, m, "b", &sb))) return rc;
    if ((rc = ot_check_balance(sa, wa != NULL, sb, wb != NULL))) return rc;
    for (int64_t k = 0; k < n * m; k++) {
        if (!isfinite(M[k]))
            return wk_errorf(WK_ENUMERIC, "M: entry [%lld, %lld] is %g", (long long)(k / m), (long long)(k % m), M[k]);
        if (M[k] < cmin) cmin = M[k];
        if (M[k] > cmax) cmax = M[k];
    }
    double *supply = wk_malloc((size_t)(n + m) * sizeof(double)), *demand = supply ? supply + n : NULL;
    int32_t *ri = wk_malloc((size_t)(n + m) * sizeof(int32_t)), *cj = ri ? ri + n : NULL;
    ot_simplex *s = NULL;
    if (!supply || !ri) {
        rc = WK_ENOMEM;
        goto done;
    }
    int64_t nk = 0, mk = 0; /* kept rows / columns (positive mass) */
    for (int64_t i = 0; i < n; i++)
        if (!wa || wa[i] > 0) supply[nk] = wa ? wa[i] / sa : 1.0 / (double)n, ri[nk++] = (int32_t)i;
    for (int64_t j = 0; j < m; j++)
        if (!wb || wb[j] > 0) demand[mk] = wb ? wb[j] / sb : 1.0 / (double)m, cj[mk++] = (int32_t)j;
    /* the kept columns packed after the kept rows (demand may move down) */
    memmove(supply + nk, demand, (size_t)mk * sizeof(double));
    demand = supply + nk;
    if (!(s = ot_simplex_new(nk, mk, nk * mk))) {
        rc = WK_ENOMEM;
        goto done;
    }
    for (int64_t i = 0; i < nk; i++)
        for (int64_t j = 0; j < mk; j++)
            if (ot_simplex_add_arc(s, (int32_t)i, (int32_t)j, M[(int64_t)ri[i] * m + cj[j]] - cmin) < 0) {
                rc = WK_ENOMEM;
                goto done;
            }
    const double range = cmax - cmin;
    if ((rc = ot_simplex_start(s, supply, demand, range * 1.01 + 1e-300))) goto done;
    if ((rc = ot_simplex_solve(s, 1e-11 * (range > 0 ? range : 1), 0))) goto done;
    if (ot_simplex_artificial_flow(s) > 1e-9)
        rc = wk_errorf(WK_EUNSUPPORTED, "emd: the simplex ended with mass on artificial arcs");
    else {
        int64_t cap = nk + mk, cnt;
        int32_t *ii = wk_malloc((size_t)cap * 2 * sizeof(int32_t));
        double *fl = wk_malloc((size_t)cap * 2 * sizeof(double));
        if (!ii || !fl) rc = WK_ENOMEM;
        else {
            cnt = ot_simplex_flows(s, ii, ii + cap, fl, fl + cap);
            double v = 0, mass = 0;
            for (int64_t t = 0; t < cnt; t++) {
                v += fl[t] * fl[cap + t];
                mass += fl[t];
            }
            *value = (v + cmin * mass) * sa;
        }
        wk_free(ii);
        wk_free(fl);
    }
done:
    ot_simplex_free(s);
    wk_free(supply);
    wk_free(ri);
    return rc;
}
