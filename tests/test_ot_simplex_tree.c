/* test_ot_simplex_tree.c — the network simplex's spanning-tree bookkeeping (network_simplex.c:
 * thread, rev_thread, succ_num, last_succ, preds, potentials), pivot by pivot:
 *  - random transportation problems from 1 x 1 to 9 x 9, with real masses, small integer masses
 *    (ties: degenerate pivots), zero masses, real costs and small integer costs (ties between
 *    entering arcs and between blocking arcs);
 *  - arcs added in two batches with a solve in between (the warm start of column generation);
 *  - after every single pivot (a budget of one more pivot each call) ot_simplex_check_tree
 *    must hold; at the end no mass is left on artificial arcs, the flows meet the masses, every
 *    pair's reduced cost is >= -tol and the plan's cost equals the dual objective: optimal by
 *    LP duality, whatever the tree code did;
 *  - each problem again from a start hint (the coarse-to-fine start's entry): the optimal
 *    plan's arcs, the same mixed with random pairs, random pairs only — the same checks, and
 *    the same optimal cost as from the greedy start;
 *  - the greedy start's arc order (ot_arc_order: a radix sort up to 2^18 arcs, qsort_r beyond)
 *    is cost then index, as a plain comparison sort gives it: ties, +0 and -0, subnormals,
 *    costs from 1e-300 to 1e300, negative costs, sizes 0 to past the radix limit. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"

enum { NMAX = 9 };

/* masses: kind 0 real, 1 small integers (zeros and ties), 2 reals with some zeros; both sides
 * sum to the same total (the integer case exactly) */
static void masses(wk_rng *r, int kind, double *w, int n, double total) {
    double s = 0;
    for (int i = 0; i < n; i++) {
        w[i] = kind == 1 ? (double)wk_rng_below(r, 4) : wk_rng_uniform_d(r);
        if (kind == 2 && wk_rng_below(r, 3) == 0) w[i] = 0;
        s += w[i];
    }
    if (s == 0) w[0] = s = 1;
    if (kind == 1 && total == 0) return; /* the first side: integers as drawn */
    if (kind == 1) { /* move whole units until both sides match */
        double diff = total - s;
        for (int i = 0; diff != 0; i = (i + 1) % n) {
            if (diff > 0) w[i] += 1, diff -= 1;
            else if (w[i] >= 1) w[i] -= 1, diff += 1;
        }
        return;
    }
    double t = total > 0 ? total : 1;
    for (int i = 0; i < n; i++) w[i] *= t / s;
}

static double sum(const double *w, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += w[i];
    return s;
}

typedef struct {
    int n, m, mkind, int_costs;
    double sup[NMAX], dem[NMAX], c[NMAX * NMAX], cmax;
    int first[NMAX * NMAX]; /* in the first batch of arcs */
} problem;

static void draw(wk_rng *r, problem *p) {
    const int n = p->n = 1 + (int)wk_rng_below(r, NMAX), m = p->m = 1 + (int)wk_rng_below(r, NMAX);
    p->mkind = (int)wk_rng_below(r, 3);
    p->int_costs = (int)wk_rng_below(r, 2);
    p->cmax = 0;
    masses(r, p->mkind, p->sup, n, 0);
    masses(r, p->mkind, p->dem, m, sum(p->sup, n));
    for (int k = 0; k < n * m; k++) {
        p->c[k] = p->int_costs ? (double)wk_rng_below(r, 4) : wk_rng_uniform_d(r);
        if (p->c[k] > p->cmax) p->cmax = p->c[k];
        p->first[k] = 0;
    }
    /* first batch: a random half of the pairs plus the north-west corner (feasible) */
    for (int i = 0, j = 0;;) {
        p->first[i * m + j] = 1;
        if (i == n - 1 && j == m - 1) break;
        if (j == m - 1 || (i < n - 1 && wk_rng_below(r, 2))) i++;
        else j++;
    }
    for (int k = 0; k < n * m; k++)
        if (wk_rng_below(r, 2)) p->first[k] = 1;
}

/* Solve p pivot by pivot (the tree checked after each), starting from the hint (hi, hj) when
 * nh > 0; the optimal plan's positive arcs into ii/jj (*cnt), the plan's cost returned. */
static double solve(const problem *p, const int32_t *hi, const int32_t *hj, int nh, int trial, int32_t *ii,
                    int32_t *jj, int64_t *cnt, int *hint_used) {
    const int n = p->n, m = p->m;
    ot_simplex *s = ot_simplex_new(n, m, 4);
    REQUIRE(s != NULL, "allocation");
    for (int k = 0; k < n * m; k++)
        if (p->first[k]) CHECK(ot_simplex_add_arc(s, k / m, k % m, p->c[k]) == 1, "trial %d: add arc", trial);
    const double art = (p->cmax + 1) * (double)(n + m + 1), tol = 1e-12 * art;
    if (nh > 0) CHECK(ot_simplex_set_hint(s, hi, hj, nh) == WK_OK, "trial %d: hint", trial);
    CHECK(ot_simplex_start(s, p->sup, p->dem, p->cmax) == WK_OK, "trial %d: start", trial);
    *hint_used = ot_simplex_hint_used(s);
    for (int batch = 0; batch < 2; batch++) {
        if (batch == 1)
            for (int k = 0; k < n * m; k++)
                if (!p->first[k]) CHECK(ot_simplex_add_arc(s, k / m, k % m, p->c[k]) == 1, "trial %d: add arc", trial);
        int rc;
        int tr = ot_simplex_check_tree(s, 1e-9 * art);
        CHECK(tr == WK_OK, "trial %d (%d x %d, masses %d, hint %d) at the start: %s", trial, n, m, p->mkind, nh,
              wk_last_error());
        do {
            rc = ot_simplex_solve(s, tol, ot_simplex_pivots(s) + 1);
            tr = ot_simplex_check_tree(s, 1e-9 * art);
            CHECK(tr == WK_OK, "trial %d (%d x %d, masses %d, int costs %d, hint %d) after pivot %lld: %s", trial, n,
                  m, p->mkind, p->int_costs, nh, (long long)ot_simplex_pivots(s), wk_last_error());
            if (tr) break;
        } while (rc == WK_ELIMIT && ot_simplex_pivots(s) < 100000);
        CHECK(rc == WK_OK, "trial %d: solve ends with %d after %lld pivots", trial, rc, (long long)ot_simplex_pivots(s));
    }
    CHECK(ot_simplex_check_feasible(s, 1e-9) == WK_OK, "trial %d: %s", trial, wk_last_error());
    /* the plan meets the masses, and its cost equals the dual objective of feasible duals */
    double fl[2 * NMAX], co[2 * NMAX], rs[NMAX] = {0}, cs[NMAX] = {0}, primal = 0, dual = 0, worst = 0;
    *cnt = ot_simplex_flows(s, ii, jj, fl, co);
    CHECK(*cnt <= n + m - 1, "trial %d: %lld basic arcs with flow", trial, (long long)*cnt);
    for (int64_t t = 0; t < *cnt; t++) {
        rs[ii[t]] += fl[t];
        cs[jj[t]] += fl[t];
        primal += fl[t] * co[t];
    }
    const double *pi = ot_simplex_potentials(s), total = sum(p->sup, n);
    for (int i = 0; i < n; i++) CHECK_CLOSE(rs[i], p->sup[i], 1e-9, 1e-12 * total, "row mass");
    for (int j = 0; j < m; j++) CHECK_CLOSE(cs[j], p->dem[j], 1e-9, 1e-12 * total, "column mass");
    for (int i = 0; i < n; i++) dual -= p->sup[i] * pi[i];
    for (int j = 0; j < m; j++) dual += p->dem[j] * pi[n + j];
    for (int k = 0; k < n * m; k++) worst = fmin(worst, p->c[k] + pi[k / m] - pi[n + k % m]);
    CHECK(worst >= -tol, "trial %d: a pair has reduced cost %g", trial, worst);
    CHECK_CLOSE(primal, dual, 1e-9, 1e-9 * art * total, "plan cost = dual objective");
    ot_simplex_free(s);
    return primal;
}

/* Each problem solved from the greedy start, then again from a start hint (ot_simplex_set_hint,
 * the coarse-to-fine start of exact_coarse.c): kind 0 the optimal plan's arcs (a feasible
 * forest: the hint must be taken when all its arcs are in the first batch), kind 1 the same
 * in reverse order with random pairs mixed in (cycles skipped), kind 2 random pairs only
 * (often infeasible tree flows: the start must fall back to the greedy forest). The tree checks
 * hold pivot by pivot and both solves reach the same optimal cost. */
static void one_problem(wk_rng *r, int trial, int *taken, int *feasible_hints) {
    problem p;
    draw(r, &p);
    int32_t ii[2 * NMAX], jj[2 * NMAX], hi[4 * NMAX * NMAX], hj[4 * NMAX * NMAX], i2[2 * NMAX], j2[2 * NMAX];
    int64_t cnt = 0, cnt2 = 0;
    int used = 0, nh = 0;
    const double v0 = solve(&p, NULL, NULL, 0, trial, ii, jj, &cnt, &used);
    const int kind = trial % 3;
    int all_first = 1;
    if (kind < 2)
        for (int64_t t = 0; t < cnt; t++) {
            const int64_t u = kind == 0 ? t : cnt - 1 - t;
            hi[nh] = ii[u], hj[nh++] = jj[u];
            all_first &= p.first[ii[u] * p.m + jj[u]];
            if (kind == 1) hi[nh] = (int32_t)wk_rng_below(r, (uint64_t)p.n), hj[nh++] = (int32_t)wk_rng_below(r, (uint64_t)p.m);
        }
    else
        for (int t = (int)wk_rng_below(r, (uint64_t)(p.n + p.m)); t >= 0; t--)
            hi[nh] = (int32_t)wk_rng_below(r, (uint64_t)p.n), hj[nh++] = (int32_t)wk_rng_below(r, (uint64_t)p.m);
    const double v1 = solve(&p, hi, hj, nh, trial, i2, j2, &cnt2, &used);
    if (kind == 0 && all_first && cnt > 0) {
        ++*feasible_hints;
        *taken += used;
    }
    const double scale = (p.cmax + 1) * sum(p.sup, p.n);
    CHECK(fabs(v1 - v0) <= 1e-12 * fabs(v0) + 1e-12 * scale, "trial %d (hint kind %d): %.17g from the hint, %.17g without", trial, kind, v1, v0);
}

static const double *order_costs;
static int cmp_cost_index(const void *x, const void *y) {
    const int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    const double a = order_costs[p], b = order_costs[q];
    if (a != b) return a < b ? -1 : 1;
    return (p > q) - (p < q);
}

/* ot_arc_order against qsort with the (cost, index) comparison, on costs built to trip a
 * bitwise sort: equal values, signed zeros, subnormals, every magnitude, negatives. */
static void arc_order(wk_rng *r) {
    const int64_t sizes[] = {0, 1, 2, 3, 17, 1300, 20000, ((int64_t)1 << 18) + 5};
    for (int s = 0; s < 8; s++)
        for (int kind = 0; kind < 4; kind++) {
            const int64_t ng = sizes[s];
            double *c = malloc((size_t)(ng + 1) * sizeof(double));
            int32_t *got = malloc((size_t)(ng + 1) * sizeof(int32_t)), *want = malloc((size_t)(ng + 1) * sizeof(int32_t));
            for (int64_t e = 0; e < ng; e++) {
                const uint64_t pick = wk_rng_below(r, 8);
                if (kind == 0) c[e] = 30 + 20 * wk_rng_uniform_d(r);               /* a 784-D problem's costs */
                else if (kind == 1) c[e] = (double)wk_rng_below(r, 5) * 0.25;      /* many ties, zeros */
                else if (kind == 2) c[e] = pick == 0 ? 0.0 : pick == 1 ? -0.0 : pick == 2 ? 4.9e-324 * (double)wk_rng_below(r, 9)
                                                     : pow(10, -300 + 600 * wk_rng_uniform_d(r));
                else c[e] = (pick < 3 ? -1 : 1) * pow(10, -20 + 40 * wk_rng_uniform_d(r)) * (pick == 7 ? 0 : 1);
                if (e > 0 && pick == 4) c[e] = c[wk_rng_below(r, (uint64_t)e)]; /* a repeat */
            }
            for (int64_t e = 0; e < ng; e++) want[e] = (int32_t)e;
            order_costs = c;
            qsort(want, (size_t)ng, sizeof *want, cmp_cost_index);
            ot_arc_order(c, ng, got);
            int64_t bad = -1;
            for (int64_t e = 0; e < ng && bad < 0; e++)
                if (got[e] != want[e]) bad = e;
            CHECK(bad < 0, "arc order, %lld arcs, kind %d: position %lld holds arc %d (cost %.17g), not %d (cost %.17g)",
                  (long long)ng, kind, (long long)bad, bad < 0 ? 0 : got[bad], bad < 0 ? 0 : c[got[bad]],
                  bad < 0 ? 0 : want[bad], bad < 0 ? 0 : c[want[bad]]);
            free(c);
            free(got);
            free(want);
        }
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 15);
    arc_order(&r);
    int taken = 0, feasible = 0;
    for (int trial = 0; trial < 3000; trial++) one_problem(&r, trial, &taken, &feasible);
    /* an optimal plan's arcs give non-negative tree flows, except where rounding makes a
     * forced flow a hair negative: nearly every such hint must be taken */
    CHECK(feasible > 200 && taken >= feasible * 9 / 10, "the optimal-plan hint was taken %d times of %d", taken, feasible);
    return check_summary("test_ot_simplex_tree");
}
