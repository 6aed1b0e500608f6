/* biau_equivalence.c — `wgankit experiment biau-equivalence`: is d_D monotonously equivalent to
 * d_Lip = W1 on a family of generators (Biau, Sangnier & Tanielian 2021, §4)?
 *
 * The family: the checkpoints kept along several training runs of the authors' recipe (GroupSort
 * critic with Björck in the forward pass, ReLU generator, 1-D uniform latent; sweep.h trains them),
 * picked at log-spaced steps so that the earliest (a few steps: nearly untrained) and the last
 * span a wide range of W1. For every generator: d_Lip by exact W1 between n fresh generated and n
 * fresh target points, repeated for a 95 % interval; d_D for each critic depth q by a fresh
 * GroupSort critic fitted to the same two distributions (held-out estimate, nnd.h). Per q: Spearman's
 * ρ between d_D and d_Lip, the largest deviation of d_D from its isotonic fit on d_Lip, the range
 * of d_D / d_Lip, and whether d_D <= d_Lip held within the errors. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/source.h"
#include "wgankit/stats.h"

static const wk_expt_knob knobs[] = {
    {"data", WK_KNOB_TEXT, 0, 0, "gmm:k=4,sigma=0.1,spread=1", "gmm:k=4,sigma=0.1,spread=1",
     "target (2-D Gaussian mixture, variance 0.01 as the authors')"},
    {"seeds", WK_KNOB_INTS, 0, 9e15, "0,1", "0,1,2,3,4", "training runs (one per seed)"},
    {"steps", WK_KNOB_INT, 2, 1e7, "600", "20000", "generator steps of each run"},
    {"width", WK_KNOB_INT, 2, 4096, "64", "128", "generator and critic width of the training runs"},
    {"generators", WK_KNOB_INT, 2, 64, "6", "10", "checkpoints per run in the family (log-spaced steps)"},
    {"depths", WK_KNOB_INTS, 1, 32, "1,2,3,5", "1,2,3,5", "critic depths q of d_D"},
    {"n", WK_KNOB_INT, 16, 1e6, "2048", "4096", "points per side of each exact W1"},
    {"w1_repeats", WK_KNOB_INT, 2, 64, "3", "5", "exact W1 repeats (95 % interval)"},
    {"nnd_m", WK_KNOB_INT, 16, 1e6, "2048", "4096", "points per side of each d_D fit (half to train the critic)"},
    {"nnd_steps", WK_KNOB_INT, 1, 1e7, "400", "2000", "critic steps of each d_D fit"},
    {"nnd_width", WK_KNOB_INT, 2, 4096, "64", "256", "width of the d_D critics"},
    {"nnd_repeats", WK_KNOB_INT, 1, 64, "1", "3", "d_D fits per generator and q"},
};
#define NK (int)(sizeof knobs / sizeof knobs[0])

/* the authors' GroupSort recipe (README "Training"; Biau et al.'s code), with kept checkpoints */
static int spec_of(const wk_expt_ctx *c, wk_sweep_spec *s) {
    char steps[32], every[32], width[32];
    int64_t st = wk_expt_int(c, "steps"), g = wk_expt_int(c, "generators");
    /* checkpoints often enough that the log-spaced picks are distinct: the first at about steps / 200 */
    int64_t ev = st / 200 > 0 ? st / 200 : 1;
    if (ev * g > st) ev = st / g > 0 ? st / g : 1;
    snprintf(steps, sizeof steps, "%lld", (long long)st);
    snprintf(every, sizeof every, "%lld", (long long)ev);
    snprintf(width, sizeof width, "%lld", (long long)wk_expt_int(c, "width"));
    const char *recipe[] = {"data", wk_expt_text(c, "data"), "bjorck_reparam", "1", "bjorck_iters", "3", "beta2", "0.5",
                            "critic_clamp", "100", "latent", "uniform", "latent_dim", "1", "n_critic", "4", "critic_depth", "4",
                            "gen_depth", "1", "lr_g", "5e-4", "lr_d", "1e-3", "batch", "256", "ema", "0", "steps", steps,
                            "gen_width", width, "critic_width", width, "checkpoint_every", every, "keep_checkpoints", "all",
                            "eval_every", "0", "eval_n", "1024", NULL};
    return wk__expt_sweep_spec(c, "runs", recipe, NULL, wk_expt_text(c, "seeds"), s);
}

static int check(wk_expt_ctx *c) {
    wk_sweep_spec s;
    int rc = spec_of(c, &s);
    /* the family is the runs' kept checkpoints at log-spaced multiples of checkpoint_every: a
     * train override that keeps too few of them is refused now, not after the training (the
     * measurement divided by checkpoint_every 0) */
    wk_sweep_point p;
    wk_gan_config cfg;
    if (!rc && !(rc = wk_sweep_point_at(&s, 0, &p)) && !(rc = wk_sweep_point_config(&s, &p, 1, &cfg))) {
        int64_t g = wk_expt_int(c, "generators");
        if (cfg.checkpoint_every < 1 || cfg.steps / cfg.checkpoint_every < g)
            rc = wk_errorf(WK_EINVAL, "biau-equivalence --checkpoint-every %lld: the family of --generators %lld needs %lld kept "
                                      "checkpoints within --steps %lld (checkpoint_every between 1 and %lld; or leave it to the "
                                      "experiment)",
                           (long long)cfg.checkpoint_every, (long long)g, (long long)g, (long long)cfg.steps,
                           (long long)(cfg.steps / g));
        else if (cfg.keep_checkpoints >= 0 && cfg.keep_checkpoints < cfg.steps / cfg.checkpoint_every)
            rc = wk_errorf(WK_EINVAL, "biau-equivalence --keep-checkpoints %lld: the family is taken from every kept checkpoint "
                                      "(log-spaced steps from the first): give all (or leave it to the experiment)",
                           (long long)cfg.keep_checkpoints);
    }
    wk_sweep_spec_free(&s);
    if (!rc) {
        wk_source t;
        if ((rc = wk_source_open(&t, wk_expt_text(c, "data")))) return wk_error_context(rc, "biau-equivalence --data");
        if (!wk_source_is_population(&t)) rc = wk_errorf(WK_EINVAL, "biau-equivalence --data: '%s' must be a synthetic target "
                                                                    "(fresh draws for d_Lip)", t.spec);
        wk_source_close(&t);
    }
    return rc;
}

/* Exact W1 and a d_D fit timed now on the target against a shifted copy, scaled to the plan. */
static int estimate(wk_expt_ctx *c, double *seconds) {
    wk_sweep_spec s;
    int rc = spec_of(c, &s);
    double train = 0, depths[WK_EXPT_MAX_LIST];
    if (!rc) rc = wk__expt_estimate_training(c, &s, 0, &train);
    int64_t gens = wk_sweep_n_points(&s) * wk_expt_int(c, "generators");
    wk_sweep_spec_free(&s);
    if (rc) return rc;
    int nq = wk_expt_list(c, "depths", depths);
    wk_source a, b;
    if ((rc = wk_source_open(&a, wk_expt_text(c, "data")))) return rc;
    if ((rc = wk_source_open(&b, wk_expt_text(c, "data")))) {
        wk_source_close(&a);
        return rc;
    }
    wk_interval iv;
    double t0 = wk_monotonic_s(), mean, se;
    rc = wk_expt_w1_repeated(&a, &b, wk_expt_int(c, "n"), 1, 1, c->jobs, &iv);
    double t_w1 = wk_monotonic_s() - t0;
    double qmax = 1;
    for (int i = 0; i < nq; i++) qmax = fmax(qmax, depths[i]);
    t0 = wk_monotonic_s();
    if (!rc) rc = wk_expt_d_d(&a, &b, (int)qmax, wk_expt_int(c, "nnd_width"), wk_expt_int(c, "nnd_m"), 20, 1, 1, c->jobs, &mean, &se);
    double t_fit = (wk_monotonic_s() - t0) / 20 * (double)wk_expt_int(c, "nnd_steps");
    wk_source_close(&a), wk_source_close(&b);
    *seconds = train + (double)gens * (t_w1 * (double)wk_expt_int(c, "w1_repeats") + t_fit * nq * (double)wk_expt_int(c, "nnd_repeats"));
    return rc;
}

#define MAXG 4096

static int run(wk_expt_ctx *c) {
    wk_sweep_spec s;
    wk_sweep_summary sum;
    int rc = spec_of(c, &s);
    if (!rc) rc = wk__expt_sweep_run(c, &s, &sum);
    if (rc) {
        wk_sweep_spec_free(&s);
        return rc;
    }
    double depths[WK_EXPT_MAX_LIST];
    int nq = wk_expt_list(c, "depths", depths), G = (int)wk_expt_int(c, "generators"), R = (int)wk_expt_int(c, "w1_repeats");
    int64_t steps = wk_expt_int(c, "steps"), n = wk_expt_int(c, "n");
    static double w1[MAXG], w1lo[MAXG], w1hi[MAXG], dd[WK_EXPT_MAX_LIST][MAXG], dse[WK_EXPT_MAX_LIST][MAXG];
    static int64_t gstep[MAXG];
    static uint64_t gseed[MAXG];
    int ng = 0, failed = 0;
    char failed_names[512] = "";
    wk_source target;
    if ((rc = wk_source_open(&target, wk_expt_text(c, "data")))) {
        wk_sweep_spec_free(&s);
        return rc;
    }
    for (int64_t i = 0; i < wk_sweep_n_points(&s) && !rc; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        char dir[WK_GAN_STR + 64];
        if ((rc = wk_sweep_point_at(&s, i, &p)) || (rc = wk_sweep_point_dir(&s, &p, dir, sizeof dir))) break;
        if ((rc = wk_sweep_point_result(&s, &p, &r))) break;
        int done = r.state == WK_POINT_DONE;
        wk_sweep_result_free(&r);
        if (!done) {
            failed++;
            size_t l = strlen(failed_names);
            snprintf(failed_names + l, sizeof failed_names - l, "%s%s", l ? ", " : "", p.name);
            continue;
        }
        /* the kept checkpoints at log-spaced steps: the first kept one, ..., the last */
        int64_t ev = 0;
        wk_gan_config cfg;
        if ((rc = wk_sweep_point_config(&s, &p, 1, &cfg))) break;
        ev = cfg.checkpoint_every;
        int64_t kmax = steps / ev, prev = 0;
        for (int j = 0; j < G && ng < MAXG && !rc; j++) {
            int64_t k = (int64_t)llround(pow((double)kmax, G > 1 ? (double)j / (G - 1) : 1.0));
            if (k <= prev) k = prev + 1;
            if (k > kmax) break;
            prev = k;
            char spec[WK_GAN_STR + 128];
            snprintf(spec, sizeof spec, "gen:%s/checkpoints/step-%06lld.safetensors", dir, (long long)(k * ev));
            wk_source gen;
            if ((rc = wk_source_open(&gen, spec))) break;
            wk_interval iv;
            if (c->log) fprintf(c->log, "biau-equivalence: generator %d (%s, step %lld)\n", ng + 1, p.name, (long long)(k * ev));
            rc = wk_expt_w1_repeated(&gen, &target, n, R, (uint64_t)ng + 1, c->jobs, &iv);
            w1[ng] = iv.mean, w1lo[ng] = iv.lo, w1hi[ng] = iv.hi;
            for (int q = 0; q < nq && !rc; q++)
                rc = wk_expt_d_d(&gen, &target, (int)depths[q], wk_expt_int(c, "nnd_width"), wk_expt_int(c, "nnd_m"),
                                 wk_expt_int(c, "nnd_steps"), (int)wk_expt_int(c, "nnd_repeats"), (uint64_t)(1000 * ng + q), c->jobs,
                                 &dd[q][ng], &dse[q][ng]);
            wk_source_close(&gen);
            gstep[ng] = k * ev, gseed[ng] = p.seed;
            ng++;
        }
    }
    wk_source_close(&target);
    wk_sweep_spec_free(&s);
    if (rc) return rc;

    /* results.csv: one row per (generator, q) */
    const char *head[] = {"generator", "seed", "step", "d_lip", "d_lip_lo", "d_lip_hi", "q", "d_d", "d_d_se"};
    expt_csv csv;
    wk__csv_begin(&csv, 9, head);
    for (int gi = 0; gi < ng; gi++)
        for (int q = 0; q < nq; q++) {
            wk__csv_num(&csv, gi), wk__csv_num(&csv, (double)gseed[gi]), wk__csv_num(&csv, (double)gstep[gi]);
            wk__csv_num(&csv, w1[gi]), wk__csv_num(&csv, w1lo[gi]), wk__csv_num(&csv, w1hi[gi]);
            wk__csv_num(&csv, depths[q]), wk__csv_num(&csv, dd[q][gi]), wk__csv_num(&csv, dse[q][gi]);
        }
    if ((rc = wk__csv_write(&csv, c->out, "results.csv"))) return rc;

    /* per q: ρ, isotonic deviation, ratio range, d_D <= d_Lip within errors */
    double rho[WK_EXPT_MAX_LIST] = {0}, dev[WK_EXPT_MAX_LIST], rmin[WK_EXPT_MAX_LIST], rmax[WK_EXPT_MAX_LIST], rmean[WK_EXPT_MAX_LIST];
    int viol[WK_EXPT_MAX_LIST];
    static double fit[MAXG], xs[MAXG], fs[MAXG];
    double tq = wk_t_quantile(0.975, wk_expt_int(c, "nnd_repeats") - 1); /* NaN for one fit: no error bar on d_D */
    double xmax = 0;
    for (int gi = 0; gi < ng; gi++) xmax = fmax(xmax, w1hi[gi]);
    expt_doc d;
    wk__doc_begin(&d, c);
    for (int q = 0; q < nq && !rc; q++) {
        rho[q] = wk_spearman(w1, dd[q], ng);
        rc = wk_isotonic_xy(w1, dd[q], ng, fit, &dev[q]);
        rmin[q] = INFINITY, rmax[q] = -INFINITY, rmean[q] = ng ? 0 : NAN, viol[q] = 0; /* a mean over nothing is NaN, not 0 */
        for (int gi = 0; gi < ng; gi++) {
            double ratio = dd[q][gi] / w1[gi];
            rmin[q] = fmin(rmin[q], ratio), rmax[q] = fmax(rmax[q], ratio), rmean[q] += ratio / ng;
            double err = isfinite(tq * dse[q][gi]) ? tq * dse[q][gi] : 0;
            if (dd[q][gi] - err > w1hi[gi]) viol[q]++;
        }
        /* figure: points, the isotonic fit (sorted by d_Lip), the line d_D = d_Lip */
        int order[MAXG];
        for (int gi = 0; gi < ng; gi++) order[gi] = gi;
        for (int a = 1; a < ng; a++) /* insertion sort by d_Lip (a few hundred generators at most) */
            for (int b = a; b > 0 && w1[order[b]] < w1[order[b - 1]]; b--) {
                int t = order[b];
                order[b] = order[b - 1], order[b - 1] = t;
            }
        for (int gi = 0; gi < ng; gi++) xs[gi] = w1[order[gi]], fs[gi] = fit[order[gi]];
        double dx[2] = {0, xmax}, dy[2] = {0, xmax};
        char nm[3][64], stem[32], title[96];
        snprintf(nm[0], sizeof nm[0], "generators (q = %d)", (int)depths[q]);
        snprintf(nm[1], sizeof nm[1], "isotonic fit (rho %.3f)", rho[q]);
        snprintf(nm[2], sizeof nm[2], "d_D = d_Lip");
        /* the points last, so that the fitted line does not hide them */
        wk_series ser[3] = {{.name = nm[1], .x = xs, .y = fs, .n = (size_t)ng},
                            {.name = nm[2], .x = dx, .y = dy, .n = 2},
                            {.name = nm[0], .x = w1, .y = dd[q], .n = (size_t)ng, .markers = 1}};
        snprintf(stem, sizeof stem, "scatter-q%d", (int)depths[q]);
        snprintf(title, sizeof title, "d_D (critic depth q = %d) against d_Lip = W1", (int)depths[q]);
        wk_chart_spec spec = {.title = title, .x_label = "d_Lip = exact W1 to the target", .y_label = "d_D (held-out, fresh critic)"};
        if (!rc) rc = wk__expt_chart(c->out, stem, &spec, ser, 3);
    }
    if (rc) {
        wk__doc_free(&d);
        return rc;
    }
    wk__doc_h2(&d, "Claim against measurement");
    char meas[1024], v[7][112]; /* numbers for the sentences: wk__doc_num, wk__doc_iv */
    size_t off = 0;
    int none = ng < 3, deepest = 0, n_mono = 0;
    for (int q = 0; q < nq; q++) {
        off += (size_t)snprintf(meas + off, sizeof meas - off, "%sq = %d: ρ = %s, largest deviation %s", q ? "; " : "", (int)depths[q],
                                wk__doc_num(v[0], 48, "%.3f", rho[q]), wk__doc_num(v[1], 48, "%.3g", dev[q]));
        if (off >= sizeof meas) off = sizeof meas - 1;
        if (depths[q] > depths[deepest]) deepest = q;
        n_mono += rho[q] >= 0.9;
    }
    if (off + 64 < sizeof meas) snprintf(meas + off, sizeof meas - off, " (ρ >= 0.9 for %d of %d depths)", n_mono, nq);
    /* the equivalence is a property of a rich enough class (§4): judged at the deepest critic, by
     * ρ's 95 % interval (verdict.c): wholly at or above 0.9 agrees, wholly below DIFFERS */
    double rlo, rhi;
    wk__spearman_ci(rho[deepest], ng, &rlo, &rhi);
    if (off + 80 < sizeof meas)
        snprintf(meas + strlen(meas), sizeof meas - strlen(meas), "; at q = %d, ρ's 95 %% interval [%s, %s]", (int)depths[deepest],
                 wk__doc_num(v[0], 48, "%.3f", rlo), wk__doc_num(v[1], 48, "%.3f", rhi));
    int mono = wk__side(rlo, rhi, 0.9);
    wk__doc_verdict(&d, "d_D is an increasing function of d_Lip on the generator family (monotone equivalence) for a rich critic "
                        "class: Spearman's ρ >= 0.9 at the deepest q (its 95 % interval)",
                    meas, none ? -1 : mono > 0 ? 1 : mono < 0 ? 0 : -1);
    /* tighter for richer critics: ρ and the mean ratio d_D / d_Lip do not fall from the
     * shallowest to the deepest critic, and the deviation does not grow */
    int lo = 0, hi = 0;
    for (int q = 1; q < nq; q++) {
        if (depths[q] < depths[lo]) lo = q;
        if (depths[q] > depths[hi]) hi = q;
    }
    /* with the uncertainty (verdict.c): the ratio d_D/d_Lip paired per generator (deepest − shallowest
     * q, a 95 % t-interval over generators) and ρ's intervals; the isotonic deviation is reported */
    static double rdiff[MAXG];
    for (int gi = 0; gi < ng; gi++) rdiff[gi] = dd[hi][gi] / w1[gi] - dd[lo][gi] / w1[gi];
    wk_interval ri;
    wk_mean_interval(rdiff, ng, 0.95, &ri);
    double llo, lhi, hlo, hhi;
    wk__spearman_ci(rho[lo], ng, &llo, &lhi);
    wk__spearman_ci(rho[hi], ng, &hlo, &hhi);
    snprintf(meas, sizeof meas,
             "q = %d → %d: ρ %s → %s, mean d_D/d_Lip %s → %s (paired change %s), largest isotonic deviation %s → %s",
             (int)depths[lo], (int)depths[hi], wk__doc_iv(v[0], 112, "%.3f", rho[lo], llo, lhi),
             wk__doc_iv(v[1], 112, "%.3f", rho[hi], hlo, hhi), wk__doc_num(v[2], 48, "%.3f", rmean[lo]),
             wk__doc_num(v[3], 48, "%.3f", rmean[hi]), wk__doc_iv(v[4], 112, "%.3f", ri.mean, ri.lo, ri.hi),
             wk__doc_num(v[5], 48, "%.3g", dev[lo]), wk__doc_num(v[6], 48, "%.3g", dev[hi]));
    int closer = wk__side(ri.lo, ri.hi, 0), rho_cmp = wk__iv_compare(hlo, hhi, llo, lhi);
    int tighter = closer > 0 && rho_cmp >= 0 ? 1 : closer < 0 || rho_cmp < 0 ? 0 : -1;
    wk__doc_verdict(&d, "the relation is tighter for richer critics (deeper q: d_D closer to d_Lip — the paired change of d_D/d_Lip "
                        "above 0 with 95 % confidence — and ρ not clearly lower)",
                    meas, none || nq < 2 || lo == hi ? -1 : tighter);
    int vsum = 0;
    for (int q = 0; q < nq; q++) vsum += viol[q];
    snprintf(meas, sizeof meas, "%d of %d (generator, q) pairs have d_D above the upper end of d_Lip's 95 %% interval%s", vsum,
             ng * nq, isfinite(tq) ? " by more than d_D's own 95 % error" : " (one d_D fit each: no error bar on d_D)");
    wk__doc_verdict(&d, "d_D <= d_Lip (the critics are 1-Lipschitz)", meas, ng ? vsum == 0 : -1);
    if (failed)
        wk__doc_p(&d, "FAILED training runs: %d of %lld (%s); their checkpoints are not in the family.", failed,
                  (long long)sum.points, failed_names);
    else wk__doc_p(&d, "Training runs: %lld, none failed. Generators in the family: %d.", (long long)sum.points, ng);
    wk__doc_h2(&d, "Table (per critic depth q)");
    const char *th[] = {"q", "generators", "Spearman ρ", "largest deviation from isotonic fit", "d_D / d_Lip range",
                        "mean d_D / d_Lip", "d_D > d_Lip beyond error"};
    wk__doc_table(&d, 7, th);
    for (int q = 0; q < nq; q++) {
        char a[16], b[16], r1[32], r2[32], r3[112], r4[32], r5[32], lo[48], hi[48];
        snprintf(a, sizeof a, "%d", (int)depths[q]);
        snprintf(b, sizeof b, "%d", ng);
        wk__doc_num(r1, sizeof r1, "%.3f", rho[q]);
        wk__doc_num(r2, sizeof r2, "%.3g", dev[q]);
        snprintf(r3, sizeof r3, "%s – %s", wk__doc_num(lo, sizeof lo, "%.3f", rmin[q]), wk__doc_num(hi, sizeof hi, "%.3f", rmax[q]));
        wk__doc_num(r4, sizeof r4, "%.3f", rmean[q]);
        snprintf(r5, sizeof r5, "%d", viol[q]);
        const char *row[] = {a, b, r1, r2, r3, r4, r5};
        wk__doc_row(&d, 7, row);
    }
    wk__doc_table_end(&d);
    wk__doc_h2(&d, "Figures");
    for (int q = 0; q < nq; q++) {
        char stem[32], cap[160];
        snprintf(stem, sizeof stem, "scatter-q%d", (int)depths[q]);
        snprintf(cap, sizeof cap, "d_D with a critic of depth %d against d_Lip, one point per generator, isotonic fit and the "
                                  "line d_D = d_Lip", (int)depths[q]);
        wk__doc_figure(&d, stem, cap);
    }
    wk__doc_p(&d, "d_Lip: exact W1 between %lld generated and %lld target points, %d repeats, mean (95 %% t-interval in results.csv). "
                  "d_D: held-out neural net distance of a fresh GroupSort critic (Björck) of depth q, width %lld, %lld steps on "
                  "%lld + %lld points, %lld fit(s) per value. Generators: the checkpoints of each training run at log-spaced steps "
                  "(the earliest after a few steps: nearly untrained).",
              (long long)n, (long long)n, R, (long long)wk_expt_int(c, "nnd_width"), (long long)wk_expt_int(c, "nnd_steps"),
              (long long)wk_expt_int(c, "nnd_m"), (long long)wk_expt_int(c, "nnd_m"), (long long)wk_expt_int(c, "nnd_repeats"));
    rc = wk__doc_finish(&d, c, c->out);
    wk__doc_free(&d);
    return rc;
}

const wk_experiment wk__expt_biau_equivalence = {
    .name = "biau-equivalence",
    .title = "Is d_D monotonously equivalent to d_Lip = W1?",
    .claim = "On the family of generators, d_D (GroupSort critics) tracks d_Lip = W1 monotonically, more tightly for richer "
             "(deeper) critics, and never exceeds it.",
    .source = "Biau, Sangnier & Tanielian 2021, §4 (monotone equivalence)",
    .knobs = knobs,
    .n_knobs = NK,
    .trains = 1,
    .check = check,
    .estimate = estimate,
    .run = run,
};
