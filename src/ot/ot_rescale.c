/* ot_rescale.c — tiny float64 point clouds brought into double's normal range by a power of
 * two (see ot_internal.h, OT_TINY_COORD). Invariant: the scaled copies are the caller's values
 * times 2^k exactly (k > 0 only scales up, and the largest |coordinate| lands in [1, 2), so no
 * value overflows and a subnormal input becomes normal without rounding); the solvers' answers
 * for the copies are the true answers times 2^e (W_p costs are positively homogeneous: c(sx,
 * sy) = s c(x, y) for the Euclidean and Minkowski costs, s^2 c for the squared one), so
 * multiplying back by 2^-e is exact but for the one final rounding of a subnormal result. */
#include <math.h>
#include <string.h>

#include "ot/ot_internal.h"
#include "wgankit/error.h"

static double max_abs(const ot_input *in, int *ok) {
    double mx = 0;
    if (!in->d) return INFINITY; /* float32 (or missing: validation names it) */
    for (int64_t k = 0; k < in->n * in->dim; k++) {
        const double v = fabs(in->d[k]);
        mx = v > mx ? v : mx;
        if (!(v <= mx)) *ok = 0; /* NaN: leave it to validation */
    }
    return mx;
}

static double *scaled_copy(const ot_input *in, int k) {
    const int64_t len = in->n * in->dim;
    double *x = wk_malloc((size_t)(len > 0 ? len : 1) * sizeof(double));
    if (x)
        for (int64_t t = 0; t < len; t++) x[t] = ldexp(in->d[t], k);
    return x;
}

int ot_rescale_init(ot_rescale *r, const ot_input *ia, const ot_input *ib) {
    memset(r, 0, sizeof *r);
    r->a = *ia;
    r->b = *ib;
    if (!ia->d || !ib->d || ia->ndim != 2 || ib->ndim != 2 || ia->n < 1 || ib->n < 1) return WK_OK;
    int ok = 1;
    const double mx = fmax(max_abs(ia, &ok), max_abs(ib, &ok));
    if (!ok || !(mx > 0 && mx < OT_TINY_COORD)) return WK_OK;
    const int k = -ilogb(mx); /* mx 2^k in [1, 2) */
    r->own_a = scaled_copy(ia, k);
    r->own_b = scaled_copy(ib, k);
    if (!r->own_a || !r->own_b) {
        ot_rescale_free(r);
        return WK_ENOMEM;
    }
    r->a.d = r->own_a;
    r->b.d = r->own_b;
    r->k = k;
    return WK_OK;
}

void ot_rescale_free(ot_rescale *r) {
    wk_free(r->own_a);
    wk_free(r->own_b);
    r->own_a = r->own_b = NULL;
}

int ot_rescale_cost_exp(const ot_rescale *r, wk_ot_cost cost) {
    return cost == WK_COST_SQEUCLIDEAN ? 2 * r->k : r->k;
}

void ot_rescale_result(const ot_rescale *r, wk_ot_cost cost, wk_ot_result *res, int64_t n, int64_t m) {
    const int e = ot_rescale_cost_exp(r, cost);
    if (e == 0) return;
    res->value = ldexp(res->value, -e);
    res->reg_value = ldexp(res->reg_value, -e);
    res->gap = ldexp(res->gap, -e);
    res->std_error = ldexp(res->std_error, -e);
    for (int64_t i = 0; res->u && i < n; i++) res->u[i] = ldexp(res->u[i], -e);
    for (int64_t j = 0; res->v && j < m; j++) res->v[j] = ldexp(res->v[j], -e);
}
