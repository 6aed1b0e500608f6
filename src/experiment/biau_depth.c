/* biau_depth.c — `wgankit experiment biau-depth`: the generator/critic depth trade-off (Biau,
 * Sangnier & Tanielian 2021, §4-5; the authors' code's depth study). A grid of generator depth ×
 * critic depth × seeds, each point one training run of the authors' recipe (sweep.h); the final
 * generator judged the authors' way: exact W1 of 1,024 generated vs 1,024 target points, 5
 * repeats, mean with a 95 % interval; also the final co-trained critic's gap d_D and the
 * ε_optim-style gap W1 − (the best W1 of the grid). Depths are wgankit's --gen-depth and
 * --critic-depth (hidden layers: the paper's p and q are one more). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/source.h"
#include "wgankit/stats.h"

static const wk_expt_knob knobs[] = {
    {"data", WK_KNOB_TEXT, 0, 0, "gmm:k=4,sigma=0.1,spread=1", "gmm:k=4,sigma=0.1,spread=1", "target (2-D Gaussian mixture)"},
    {"gen_depths", WK_KNOB_INTS, 1, 64, "1,2,3", "1,2,3,4,5", "generator depths (--gen-depth; p = gen_depth + 1)"},
    {"critic_depths", WK_KNOB_INTS, 1, 64, "1,2,3", "1,2,3,4,5", "critic depths (--critic-depth; q = critic_depth + 1)"},
    {"seeds", WK_KNOB_INTS, 0, 9e15, "0,1", "0,1,2", "seeds per grid cell"},
    {"steps", WK_KNOB_INT, 1, 1e7, "800", "20000", "generator steps of each run"},
    {"gen_width", WK_KNOB_INT, 1, 4096, "32", "128", "generator width"},
    {"critic_width", WK_KNOB_INT, 2, 4096, "32", "256", "critic width"},
    {"n", WK_KNOB_INT, 16, 1e6, "1024", "1024", "points per side of each exact W1"},
    {"w1_repeats", WK_KNOB_INT, 2, 64, "5", "5", "exact W1 repeats (95 % interval)"},
};
#define NK (int)(sizeof knobs / sizeof knobs[0])

static int spec_of(const wk_expt_ctx *c, wk_sweep_spec *s) {
    char steps[32], gw[32], cw[32], ax_g[WK_EXPT_VALUE + 16], ax_c[WK_EXPT_VALUE + 16];
    snprintf(steps, sizeof steps, "%lld", (long long)wk_expt_int(c, "steps"));
    snprintf(gw, sizeof gw, "%lld", (long long)wk_expt_int(c, "gen_width"));
    snprintf(cw, sizeof cw, "%lld", (long long)wk_expt_int(c, "critic_width"));
    snprintf(ax_g, sizeof ax_g, "gen_depth=%s", wk_expt_text(c, "gen_depths"));
    snprintf(ax_c, sizeof ax_c, "critic_depth=%s", wk_expt_text(c, "critic_depths"));
    const char *recipe[] = {"data", wk_expt_text(c, "data"), "bjorck_reparam", "1", "bjorck_iters", "3", "beta2", "0.5",
                            "critic_clamp", "100", "latent", "uniform", "latent_dim", "1", "n_critic", "4", "lr_g", "5e-4",
                            "lr_d", "1e-3", "batch", "256", "ema", "0", "steps", steps, "gen_width", gw, "critic_width", cw,
                            "eval_every", "0", "eval_n", "1024", NULL};
    const char *axes[] = {ax_g, ax_c, NULL};
    return wk__expt_sweep_spec(c, "runs", recipe, axes, wk_expt_text(c, "seeds"), s);
}

static int check(wk_expt_ctx *c) {
    wk_sweep_spec s;
    int rc = spec_of(c, &s);
    wk_sweep_spec_free(&s);
    return rc;
}

static int estimate(wk_expt_ctx *c, double *seconds) {
    wk_sweep_spec s;
    int rc = spec_of(c, &s);
    if (!rc) rc = wk__expt_estimate_training(c, &s, wk_sweep_n_points(&s) - 1, seconds); /* the deepest pair */
    int64_t n = wk_sweep_n_points(&s);
    wk_sweep_spec_free(&s);
    if (rc) return rc;
    wk_source a;
    if ((rc = wk_source_open(&a, wk_expt_text(c, "data")))) return rc;
    wk_interval iv;
    double t0 = wk_monotonic_s();
    rc = wk_expt_w1_repeated(&a, &a, wk_expt_int(c, "n"), 2, 1, c->jobs, &iv);
    *seconds += (wk_monotonic_s() - t0) / 2 * (double)wk_expt_int(c, "w1_repeats") * (double)n;
    wk_source_close(&a);
    return rc;
}

static double metric(const wk_json *m, const char *key) {
    const wk_json *v = m ? wk_json_get(m, key) : NULL;
    return v && v->type == WK_JSON_NUMBER ? v->number : NAN;
}

#define MAXD WK_EXPT_MAX_LIST

static int run(wk_expt_ctx *c) {
    wk_sweep_spec s;
    wk_sweep_summary sum;
    int rc = spec_of(c, &s);
    if (!rc) rc = wk__expt_sweep_run(c, &s, &sum);
    if (rc) {
        wk_sweep_spec_free(&s);
        return rc;
    }
    int64_t eval_n = 0;
    {
        wk_sweep_point p0;
        wk_gan_config cfg0;
        if (!(rc = wk_sweep_point_at(&s, 0, &p0)) && !(rc = wk_sweep_point_config(&s, &p0, 1, &cfg0))) eval_n = cfg0.eval_n;
        if (rc) {
            wk_sweep_spec_free(&s);
            return rc;
        }
    }
    double gd[MAXD], cd[MAXD], seeds[MAXD];
    int np = wk_expt_list(c, "gen_depths", gd), nq = wk_expt_list(c, "critic_depths", cd), ns = wk_expt_list(c, "seeds", seeds);
    int R = (int)wk_expt_int(c, "w1_repeats");
    /* per (p, q): the done seeds' W1 means */
    static double w1[MAXD][MAXD][MAXD], dd[MAXD][MAXD][MAXD];
    int done[MAXD][MAXD];
    memset(done, 0, sizeof done);
    int failed = 0;
    char failed_names[1024] = "";
    const char *head[] = {"gen_depth", "critic_depth", "seed", "status", "failed_step", "w1", "w1_lo", "w1_hi", "d_d", "train_w1",
                          "wall_s"};
    expt_csv csv;
    wk__csv_begin(&csv, 11, head);
    wk_source target;
    if ((rc = wk_source_open(&target, wk_expt_text(c, "data")))) {
        wk_sweep_spec_free(&s);
        wk_sb_free(&csv.sb);
        return rc;
    }
    for (int64_t i = 0; i < wk_sweep_n_points(&s) && !rc; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        char dir[WK_GAN_STR + 64], spec[WK_GAN_STR + 80];
        if ((rc = wk_sweep_point_at(&s, i, &p)) || (rc = wk_sweep_point_dir(&s, &p, dir, sizeof dir))) break;
        if ((rc = wk_sweep_point_result(&s, &p, &r))) break;
        int a = p.value[0], b = p.value[1];
        wk_interval iv = {NAN, NAN, NAN, NAN, 0};
        double d_d = NAN, tw1 = NAN;
        if (r.state == WK_POINT_DONE) {
            snprintf(spec, sizeof spec, "gen:%s", dir);
            wk_source gen;
            if (!(rc = wk_source_open(&gen, spec))) {
                rc = wk_expt_w1_repeated(&gen, &target, wk_expt_int(c, "n"), R, p.seed + 7, c->jobs, &iv);
                wk_source_close(&gen);
            }
            d_d = metric(r.metrics, "d_D");
            if (!isfinite(d_d)) d_d = metric(r.metrics, "d_d");
            tw1 = metric(r.metrics, "w1");
            w1[a][b][done[a][b]] = iv.mean, dd[a][b][done[a][b]] = d_d;
            done[a][b]++;
        } else {
            failed++;
            size_t l = strlen(failed_names);
            snprintf(failed_names + l, sizeof failed_names - l, "%s%s%s", l ? ", " : "", p.name,
                     r.state == WK_POINT_FAILED ? "" : " (not finished)");
        }
        wk__csv_num(&csv, gd[a]), wk__csv_num(&csv, cd[b]), wk__csv_num(&csv, (double)p.seed);
        wk__csv_str(&csv, r.state == WK_POINT_DONE ? "done" : r.state == WK_POINT_FAILED ? "failed" : "pending");
        wk__csv_num(&csv, r.state == WK_POINT_FAILED && r.failed_step >= 0 ? (double)r.failed_step : NAN);
        wk__csv_num(&csv, iv.mean), wk__csv_num(&csv, iv.lo), wk__csv_num(&csv, iv.hi), wk__csv_num(&csv, d_d);
        wk__csv_num(&csv, tw1), wk__csv_num(&csv, r.wall_s);
        wk_sweep_result_free(&r);
    }
    wk_source_close(&target);
    wk_sweep_spec_free(&s);
    if (rc || (rc = wk__csv_write(&csv, c->out, "results.csv"))) {
        if (rc) wk_sb_free(&csv.sb);
        return rc;
    }

    /* cell means over the done seeds, with a 95 % interval over seeds */
    double mean[MAXD][MAXD], lo[MAXD][MAXD], hi[MAXD][MAXD], ddm[MAXD][MAXD], best = INFINITY;
    for (int a = 0; a < np; a++)
        for (int b = 0; b < nq; b++) {
            wk_interval iv;
            wk_mean_interval(w1[a][b], done[a][b], 0.95, &iv);
            mean[a][b] = iv.mean, lo[a][b] = iv.lo, hi[a][b] = iv.hi;
            wk_interval dv;
            wk_mean_interval(dd[a][b], done[a][b], 0.95, &dv);
            ddm[a][b] = dv.mean;
            if (isfinite(iv.mean)) best = fmin(best, iv.mean);
        }
    /* line figures: W1 against q (one line per p), W1 against p (one line per q) */
    char names[MAXD][48];
    wk_series ser[MAXD];
    double yq[MAXD][MAXD], lq[MAXD][MAXD], hq[MAXD][MAXD];
    for (int a = 0; a < np; a++) {
        for (int b = 0; b < nq; b++) yq[a][b] = mean[a][b], lq[a][b] = lo[a][b], hq[a][b] = hi[a][b];
        snprintf(names[a], sizeof names[a], "gen_depth %d", (int)gd[a]);
        ser[a] = (wk_series){.name = names[a], .x = cd, .y = yq[a], .n = (size_t)nq, .band_lo = lq[a], .band_hi = hq[a]};
    }
    /* the axis says the W1 the figure holds: --n points a side (not the recipe's default) */
    char ylab[96];
    snprintf(ylab, sizeof ylab, "exact W1, %lld vs %lld points", (long long)wk_expt_int(c, "n"), (long long)wk_expt_int(c, "n"));
    wk_chart_spec sp1 = {.title = "Final W1 against critic depth (mean over seeds, 95 % bands)", .x_label = "critic depth (--critic-depth)",
                         .y_label = ylab, .integer_x = 1};
    if ((rc = wk__expt_chart(c->out, "w1-vs-critic-depth", &sp1, ser, (size_t)np))) return rc;
    double yp[MAXD][MAXD], lp[MAXD][MAXD], hp[MAXD][MAXD];
    for (int b = 0; b < nq; b++) {
        for (int a = 0; a < np; a++) yp[b][a] = mean[a][b], lp[b][a] = lo[a][b], hp[b][a] = hi[a][b];
        snprintf(names[b], sizeof names[b], "critic_depth %d", (int)cd[b]);
        ser[b] = (wk_series){.name = names[b], .x = gd, .y = yp[b], .n = (size_t)np, .band_lo = lp[b], .band_hi = hp[b]};
    }
    wk_chart_spec sp2 = {.title = "Final W1 against generator depth (mean over seeds, 95 % bands)", .x_label = "generator depth (--gen-depth)",
                         .y_label = ylab, .integer_x = 1};
    if ((rc = wk__expt_chart(c->out, "w1-vs-gen-depth", &sp2, ser, (size_t)nq))) return rc;

    /* verdicts from the cells' 95 % intervals over seeds (verdict.c), not from the sign of Spearman's
     * ρ (reported): along each row, the deepest critic's interval wholly below the shallowest's
     * (helps) or wholly above it (hurts); along each column, the deepest generator's wholly above
     * the shallowest's (hurts) or below it */
    int qlo = 0, qhi = 0, plo = 0, phi = 0;
    for (int b = 1; b < nq; b++) qlo = cd[b] < cd[qlo] ? b : qlo, qhi = cd[b] > cd[qhi] ? b : qhi;
    for (int a = 1; a < np; a++) plo = gd[a] < gd[plo] ? a : plo, phi = gd[a] > gd[phi] ? a : phi;
    int crit_clear = 0, crit_against = 0, gen_clear = 0, gen_against = 0;
    for (int a = 0; a < np && qlo != qhi; a++) {
        int cmp = wk__iv_compare(lo[a][qhi], hi[a][qhi], lo[a][qlo], hi[a][qlo]);
        crit_clear += cmp < 0, crit_against += cmp > 0;
    }
    for (int b = 0; b < nq && plo != phi; b++) {
        int cmp = wk__iv_compare(lo[phi][b], hi[phi][b], lo[plo][b], hi[plo][b]);
        gen_clear += cmp > 0, gen_against += cmp < 0;
    }
    char rows_q[512] = "", rows_p[512] = "", rv[48];
    for (int a = 0; a < np; a++) {
        double r = wk_spearman(cd, yq[a], nq);
        size_t l = strlen(rows_q);
        snprintf(rows_q + l, sizeof rows_q - l, "%sgen_depth %d: ρ = %s", l ? "; " : "", (int)gd[a], wk__doc_num(rv, sizeof rv, "%.2f", r));
    }
    for (int b = 0; b < nq; b++) {
        double r = wk_spearman(gd, yp[b], np);
        size_t l = strlen(rows_p);
        snprintf(rows_p + l, sizeof rows_p - l, "%scritic_depth %d: ρ = %s", l ? "; " : "", (int)cd[b], wk__doc_num(rv, sizeof rv, "%.2f", r));
    }
    /* agrees: the claimed direction clear (disjoint intervals) for a majority and the opposite for none;
     * DIFFERS: the opposite clear for a majority; otherwise the seeds do not tell */
    int crit_v = qlo == qhi ? -1 : 2 * crit_clear > np && !crit_against ? 1 : 2 * crit_against > np ? 0 : -1;
    int gen_v = plo == phi ? -1 : 2 * gen_clear > nq && !gen_against ? 1 : 2 * gen_against > nq ? 0 : -1;
    expt_doc d;
    wk__doc_begin(&d, c);
    wk__doc_h2(&d, "Claim against measurement");
    char meas[1024];
    snprintf(meas, sizeof meas,
             "the deepest critic's 95 %% interval (over seeds) lies wholly below the shallowest's for %d of %d generator depths, "
             "wholly above for %d (Spearman ρ of critic depth against W1: %s)",
             crit_clear, np, crit_against, rows_q);
    wk__doc_verdict(&d, "for a fixed generator depth, a deeper critic helps (lower final W1)", meas, crit_v);
    snprintf(meas, sizeof meas,
             "the deepest generator's 95 %% interval (over seeds) lies wholly above the shallowest's for %d of %d critic depths, "
             "wholly below for %d (Spearman ρ of generator depth against W1: %s)",
             gen_clear, nq, gen_against, rows_p);
    wk__doc_verdict(&d, "for a fixed critic depth, a deeper generator tends to hurt (higher final W1)", meas, gen_v);
    if (failed)
        wk__doc_p(&d, "FAILED or unfinished runs: %d of %lld (%s). Cells show how many seeds they average (n/N); no cell is "
                      "silently averaged over fewer seeds.",
                  failed, (long long)sum.points, failed_names);
    else wk__doc_p(&d, "Runs: %lld, none failed; every cell averages %d seeds.", (long long)sum.points, ns);
    wk__doc_h2(&d, "Table: final W1 (mean over seeds [95 % interval], n/N seeds), d_D, ε_optim-style gap");
    const char *th[] = {"gen_depth", "critic_depth", "W1", "seeds", "d_D (co-trained critic)", "W1 − best W1 of the grid"};
    wk__doc_table(&d, 6, th);
    for (int a = 0; a < np; a++)
        for (int b = 0; b < nq; b++) {
            char c1[16], c2[16], c3[64], c4[16], c5[32], c6[32];
            snprintf(c1, sizeof c1, "%d", (int)gd[a]);
            snprintf(c2, sizeof c2, "%d", (int)cd[b]);
            wk__doc_iv(c3, sizeof c3, "%.4f", mean[a][b], lo[a][b], hi[a][b]);
            snprintf(c4, sizeof c4, "%d/%d", done[a][b], ns);
            wk__doc_num(c5, sizeof c5, "%.4f", ddm[a][b]);
            wk__doc_num(c6, sizeof c6, "%.4f", mean[a][b] - best);
            const char *row[] = {c1, c2, c3, c4, c5, c6};
            wk__doc_row(&d, 6, row);
        }
    wk__doc_table_end(&d);
    wk__doc_h2(&d, "Figures");
    wk__doc_figure(&d, "w1-vs-critic-depth", "final W1 against critic depth, one line per generator depth");
    wk__doc_figure(&d, "w1-vs-gen-depth", "final W1 against generator depth, one line per critic depth");
    char hm[WK_GAN_STR + 64];
    snprintf(hm, sizeof hm, "%s/runs/plot-w1-heatmap.png", c->out);
    FILE *hf = fopen(hm, "rb");
    if (hf) {
        fclose(hf);
        /* the trainer's own evaluation size: the recipe's eval_n unless the user's --eval-n overrides it */
        char cap[160];
        snprintf(cap, sizeof cap, "the sweep's heatmap of the trainer's own final W1 (one %lld-point evaluation per run; mean, spread "
                                  "and seeds per cell)", (long long)eval_n);
        wk__doc_figure(&d, "runs/plot-w1-heatmap", cap);
    }
    wk__doc_p(&d, "Each run's report: runs/report.html (the sweep's page).");
    wk__doc_p(&d, "W1: exact, %lld generated vs %lld fresh target points, %d repeats per run (the authors' evaluation), then "
                  "the mean over seeds with a 95 %% t-interval. d_D: the co-trained critic's final gap E_real D − E_fake D "
                  "(metrics.jsonl), not a supremum over the class. Depths are wgankit's hidden-layer counts.",
              (long long)wk_expt_int(c, "n"), (long long)wk_expt_int(c, "n"), R);
    rc = wk__doc_finish(&d, c, c->out);
    wk__doc_free(&d);
    return rc;
}

const wk_experiment wk__expt_biau_depth = {
    .name = "biau-depth",
    .title = "Generator depth against critic depth",
    .claim = "For a fixed generator depth a deeper critic helps, and for a fixed critic depth a deeper generator tends to hurt "
             "(the final W1 to the target).",
    .source = "Biau, Sangnier & Tanielian 2021, §4-5, as read from the authors' depth study",
    .knobs = knobs,
    .n_knobs = NK,
    .trains = 1,
    .check = check,
    .estimate = estimate,
    .run = run,
};
