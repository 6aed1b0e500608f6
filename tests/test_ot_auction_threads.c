/* test_ot_auction_threads.c — the ε-scaling auction of assignment.c on several threads
 * (asynchronous: per-thread queues of free rows, bids committed under a per-column lock only
 * if the price they saw still stands), on the solver itself with every phase forced onto the
 * calling thread's OpenMP team (normally only phases of 2-D clouds of ~40,000 points and up go
 * there): sparse random assignment problems, with uniform and with tied integer costs, solved
 * on 2 and 3 threads give the same optimal cost as on one (to 1e-12), a permutation, and duals
 * feasible on every arc and tight on the matching; one thread gives the same bits twice; and
 * called from inside a parallel region (a nested team of one) it still ends. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"

/* xorshift64*: the solver-level problems below need no more than this */
static uint64_t xs_next(uint64_t *x) {
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

/* One sparse assignment problem solved by assignment.c on `threads` threads (force: every
 * auction phase on the team). Arcs: i -> i (a perfect matching exists) and k random columns per
 * row; costs uniform in [0, 1) or, with ties, integers 0..4. Checks a permutation and duals
 * feasible on every arc and tight on the matching; returns the matching's cost (NAN: failed). */
static double assign_direct(int64_t n, int k, int ties, uint64_t seed, int threads, int force, double *u_out) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    int32_t *ai = malloc((size_t)(n * (k + 1)) * sizeof(int32_t)), *aj = malloc((size_t)(n * (k + 1)) * sizeof(int32_t));
    double *ac = malloc((size_t)(n * (k + 1)) * sizeof(double));
    int64_t na = 0;
    ot_assign *s = ot_assign_new(n);
    REQUIRE(s && ai && aj && ac, "out of memory");
    if (force) ot_assign_force_parallel(s);
    for (int64_t i = 0; i < n; i++)
        for (int t = 0; t <= k; t++) {
            int32_t j = (int32_t)i;
            for (int dup = t > 0; dup;) { /* distinct columns within a row */
                j = (int32_t)(xs_next(&x) % (uint64_t)n);
                dup = 0;
                for (int64_t q = na - t; q < na; q++) dup |= aj[q] == j;
            }
            const double c = ties ? (double)(xs_next(&x) % 5) : (double)(xs_next(&x) >> 11) * 0x1p-53;
            ot_assign_add_arc(s, (int32_t)i, j, c);
            ai[na] = (int32_t)i, aj[na] = j, ac[na++] = c;
        }
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    const int rc = ot_assign_solve(s, 1.0 + 4.0 * ties);
    omp_set_num_threads(saved);
    double total = NAN;
    CHECK(rc == WK_OK, "n %lld threads %d: solve: %s", (long long)n, threads, wk_last_error());
    if (rc == WK_OK) {
        const int32_t *m = ot_assign_matching(s);
        const double *u = ot_assign_u(s), *v = ot_assign_v(s);
        char *used = calloc((size_t)n, 1);
        int perm = 1;
        for (int64_t i = 0; i < n; i++) {
            perm &= m[i] >= 0 && m[i] < n && !used[m[i]];
            if (m[i] >= 0 && m[i] < n) used[m[i]] = 1;
        }
        CHECK(perm, "n %lld threads %d: the matching is a permutation", (long long)n, threads);
        double worst = 0, slack = 0;
        total = 0;
        for (int64_t t = 0; t < na; t++) {
            const double r = ac[t] - u[ai[t]] - v[aj[t]];
            worst = -r > worst ? -r : worst;
        }
        for (int64_t i = 0; perm && i < n; i++) {
            double c = INFINITY; /* the arc i -> m[i] */
            for (int64_t t = i * (k + 1); t < (i + 1) * (k + 1); t++)
                if (aj[t] == m[i]) c = ac[t];
            total += c;
            const double r = c - u[i] - v[m[i]];
            slack = fabs(r) > slack ? fabs(r) : slack;
        }
        CHECK(worst <= 1e-9 && slack <= 1e-9, "n %lld threads %d: duals feasible (%g) and tight (%g)", (long long)n,
              threads, worst, slack);
        if (u_out) memcpy(u_out, u, (size_t)n * sizeof(double));
        free(used);
    }
    ot_assign_free(s);
    free(ai);
    free(aj);
    free(ac);
    return total;
}

int main(void) {
    for (int c = 0; c < 12; c++) {
        const int64_t n = 200 + 150 * c;
        const int k = 3 + c % 5, ties = c % 3 == 1;
        double *u1 = malloc((size_t)n * sizeof(double)), *u2 = malloc((size_t)n * sizeof(double));
        const double v1 = assign_direct(n, k, ties, 40 + c, 1, 1, u1);
        const double v1b = assign_direct(n, k, ties, 40 + c, 1, 1, u2);
        CHECK(v1 == v1b && !memcmp(u1, u2, (size_t)n * sizeof(double)), "n %lld: one thread, the same bits twice",
              (long long)n);
        const int t = 2 + c % 2;
        const double vt = assign_direct(n, k, ties, 40 + c, t, 1, NULL);
        char what[64];
        snprintf(what, sizeof what, "n %lld k %d ties %d: %d threads vs one", (long long)n, k, ties, t);
        CHECK_CLOSE(vt, v1, 1e-12, 1e-12, what);
        free(u1);
        free(u2);
    }
    /* Called from inside a parallel region, OpenMP gives the nested team one thread, not the
     * threads asked: the phase's rows must be dealt to the team it got (dealt to two queues,
     * the second would wait forever for its owner). */
    const double ref = assign_direct(900, 4, 0, 7, 1, 1, NULL);
    double nested = NAN;
#pragma omp parallel num_threads(2)
#pragma omp single
    nested = assign_direct(900, 4, 0, 7, 2, 1, NULL);
    CHECK_CLOSE(nested, ref, 1e-12, 1e-12, "inside a parallel region");
    return check_summary("test_ot_auction_threads");
}
