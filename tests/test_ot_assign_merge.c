/* test_ot_assign_merge.c — merging arcs into the assignment solver (assignment.c) changes
 * nothing when they are arcs it already holds. The column-generation loop of wk_w1_exact may
 * propose a held pair again (rounding), and a merge that released rows for a held arc — the
 * rounding of u_i against that arc's c - v — re-solved them on every round: a round with no new
 * arc but a changed solve prices again, so the same proposals looped for ever (found by adding
 * each row's neighbours of its matched column after every solve). Checked: after a solve,
 * re-adding every held arc any number of times merges 0 new arcs and leaves the work, the
 * matching and the duals as they were; a genuinely new arc that beats the matching still
 * releases its row and is used.
 * And the merge itself (in place, rows merged from the back): arcs added over several merges,
 * with repeats inside one batch and of held arcs, leave exactly the distinct pairs (the arc
 * count), and the solver reaches the same optimum as one given all of them at once (a lost,
 * doubled or mis-costed arc would change one or the other). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ot/ot_internal.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"

enum { N = 3000, K = 12 };

/* The cost of the solver's matching, summed in row order. */
static double matching_cost(const ot_assign *s, double (*x)[2], double (*y)[2], int n) {
    const int32_t *m = ot_assign_matching(s);
    double c = 0;
    for (int i = 0; i < n; i++) c += hypot(x[i][0] - y[m[i]][0], x[i][1] - y[m[i]][1]);
    return c;
}

enum { NB = 400, BATCHES = 6, PER = 10 };

static void merge_batches(wk_rng *r) {
    static double x[NB][2], y[NB][2];
    static uint8_t has[NB][NB];
    static int32_t bj[BATCHES][NB][PER];
    for (int i = 0; i < NB; i++) {
        x[i][0] = wk_rng_normal_d(r), x[i][1] = wk_rng_normal_d(r);
        y[i][0] = wk_rng_normal_d(r) + 0.5, y[i][1] = wk_rng_normal_d(r);
    }
    /* batch 0 holds the identity pairing (a perfect matching); columns drawn from a small range
     * around the row so repeats within a batch and against held arcs are common */
    for (int b = 0; b < BATCHES; b++)
        for (int i = 0; i < NB; i++)
            for (int t = 0; t < PER; t++)
                bj[b][i][t] = b == 0 && t == 0 ? i : (int32_t)((i + (int)wk_rng_below(r, 40)) % NB);
    ot_assign *inc = ot_assign_new(NB), *all = ot_assign_new(NB);
    REQUIRE(inc && all, "allocation");
    double cmax = 0;
    int64_t distinct = 0;
    for (int b = 0; b < BATCHES; b++) {
        for (int i = NB - 1; i >= 0; i--) /* rows out of order: the merge buckets them */
            for (int t = 0; t < PER; t++) {
                const int j = bj[b][i][t];
                const double c = hypot(x[i][0] - y[j][0], x[i][1] - y[j][1]);
                cmax = fmax(cmax, c);
                ot_assign_add_arc(inc, i, j, c);
                ot_assign_add_arc(all, i, j, c);
                distinct += !has[i][j];
                has[i][j] = 1;
            }
        REQUIRE(ot_assign_solve(inc, cmax) == WK_OK, "batch %d: solve: %s", b, wk_last_error());
        CHECK(ot_assign_arc_count(inc) == distinct, "batch %d: %lld arcs held, %lld distinct pairs added", b,
              (long long)ot_assign_arc_count(inc), (long long)distinct);
    }
    REQUIRE(ot_assign_solve(all, cmax) == WK_OK, "solve: %s", wk_last_error());
    CHECK(ot_assign_arc_count(all) == distinct, "one batch: %lld arcs held, %lld distinct", (long long)ot_assign_arc_count(all),
          (long long)distinct);
    const double ci = matching_cost(inc, x, y, NB), ca = matching_cost(all, x, y, NB);
    CHECK(fabs(ci - ca) <= 1e-12 * ca, "merged in %d batches: cost %.17g, all at once: %.17g", BATCHES, ci, ca);
    /* and the duals of the batched solve are feasible and tight for every arc given */
    const double *u = ot_assign_u(inc), *v = ot_assign_v(inc);
    const int32_t *m = ot_assign_matching(inc);
    int64_t bad = 0;
    for (int i = 0; i < NB; i++)
        for (int j = 0; j < NB; j++) {
            if (!has[i][j]) continue;
            const double c = hypot(x[i][0] - y[j][0], x[i][1] - y[j][1]);
            bad += u[i] + v[j] > c + 1e-12 * cmax || (m[i] == j && u[i] + v[j] < c - 1e-12 * cmax);
        }
    CHECK(bad == 0, "%lld arcs with infeasible or loose duals", (long long)bad);
    ot_assign_free(inc);
    ot_assign_free(all);
}

int main(void) {
    wk_rng r;
    wk_rng_seed(&r, 11);
    static double x[N][2], y[N][2];
    static int32_t arc_j[N][K + 1];
    for (int i = 0; i < N; i++) {
        x[i][0] = wk_rng_normal_d(&r), x[i][1] = wk_rng_normal_d(&r);
        y[i][0] = wk_rng_normal_d(&r) + 0.5, y[i][1] = wk_rng_normal_d(&r);
    }
    ot_assign *s = ot_assign_new(N);
    REQUIRE(s, "allocation");
    /* the identity pairing (a perfect matching) and K random columns per row, Euclidean costs:
     * many near-equal reduced costs, so rounding decides ties */
    for (int i = 0; i < N; i++) {
        arc_j[i][0] = i;
        for (int t = 1; t <= K; t++) arc_j[i][t] = (int32_t)wk_rng_below(&r, N);
    }
    double cmax = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N; i++)
            for (int t = 0; t <= K; t++) {
                const int j = arc_j[i][t];
                const double c = hypot(x[i][0] - y[j][0], x[i][1] - y[j][1]);
                cmax = fmax(cmax, c);
                if (pass) REQUIRE(ot_assign_add_arc(s, i, j, c) == 1, "add");
            }
    REQUIRE(ot_assign_solve(s, cmax) == WK_OK, "solve: %s", wk_last_error());
    const int64_t work0 = ot_assign_work(s);
    int32_t *match0 = malloc(N * sizeof(int32_t));
    double *u0 = malloc(N * sizeof(double)), *v0 = malloc(N * sizeof(double));
    REQUIRE(match0 && u0 && v0, "allocation");
    memcpy(match0, ot_assign_matching(s), N * sizeof(int32_t));
    memcpy(u0, ot_assign_u(s), N * sizeof(double));
    memcpy(v0, ot_assign_v(s), N * sizeof(double));
    /* the held arcs again, five times over (as rounds of re-proposals) */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++)
            for (int t = 0; t <= K; t++) {
                const int j = arc_j[i][t];
                ot_assign_add_arc(s, i, j, hypot(x[i][0] - y[j][0], x[i][1] - y[j][1]));
            }
        CHECK(ot_assign_commit(s) == 0, "round %d: held arcs merged as new", round);
        REQUIRE(ot_assign_solve(s, cmax) == WK_OK, "round %d: solve: %s", round, wk_last_error());
        CHECK(ot_assign_work(s) == work0, "round %d: re-adding held arcs re-solved (work %lld -> %lld)", round,
              (long long)work0, (long long)ot_assign_work(s));
    }
    CHECK(memcmp(match0, ot_assign_matching(s), N * sizeof(int32_t)) == 0, "the matching changed");
    CHECK(memcmp(u0, ot_assign_u(s), N * sizeof(double)) == 0 && memcmp(v0, ot_assign_v(s), N * sizeof(double)) == 0,
          "the duals changed");
    /* a new arc that beats row 0's match: its row is released and the arc used */
    const int32_t j0 = match0[0];
    int32_t jn = -1;
    for (int32_t j = 0; j < N && jn < 0; j++) {
        int held = 0;
        for (int t = 0; t <= K; t++) held |= arc_j[0][t] == j;
        if (!held && j != j0) jn = j;
    }
    const double cnew = 0; /* the cheapest arc there is */
    REQUIRE(ot_assign_add_arc(s, 0, jn, cnew) == 1, "add");
    CHECK(ot_assign_commit(s) == 1, "a new arc not counted");
    REQUIRE(ot_assign_solve(s, cmax) == WK_OK, "solve: %s", wk_last_error());
    const double *u = ot_assign_u(s), *v = ot_assign_v(s);
    CHECK(u[0] + v[jn] <= cnew + 1e-12, "the duals violate the new arc: %g + %g > %g", u[0], v[jn], cnew);
    CHECK(ot_assign_work(s) > work0, "the new arc was not used");
    free(match0);
    free(u0);
    free(v0);
    ot_assign_free(s);
    merge_batches(&r);
    return check_summary("test_ot_assign_merge");
}
