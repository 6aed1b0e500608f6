/* arora_birthday.c — `wgankit experiment arora-birthday`: the birthday-paradox support test
 * (Arora & Zhang 2018, following Arora et al. 2017's point that a finite critic cannot see a
 * small support) on generators of growing size trained on Fashion-MNIST: a sweep over generator
 * width × critic width × seeds (sweep.h), then wk_birthday_run on every finished generator, the
 * threshold from the training images' own closest pairs (birthday.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/birthday.h"
#include "wgankit/error.h"
#include "wgankit/source.h"
#include "wgankit/stats.h"

static const wk_expt_knob knobs[] = {
    {"data", WK_KNOB_TEXT, 0, 0, "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
     "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "training images"},
    {"gen_widths", WK_KNOB_INTS, 1, 65536, "64,256", "128,256,512,1024", "generator widths (MLP)"},
    {"critic_widths", WK_KNOB_INTS, 2, 65536, "64,256", "128,256,512,1024", "critic widths (MLP)"},
    {"seeds", WK_KNOB_INTS, 0, 9e15, "1", "1,2,3", "seeds per cell"},
    {"steps", WK_KNOB_INT, 1, 1e7, "300", "10000", "generator steps of each run"},
    {"batch_s", WK_KNOB_INT, 2, 100000, "200", "400", "birthday batch size S"},
    {"trials", WK_KNOB_INT, 1, 100000, "20", "100", "birthday batches K"},
};
#define NK (int)(sizeof knobs / sizeof knobs[0])

static int spec_of(const wk_expt_ctx *c, wk_sweep_spec *s) {
    char steps[32], ag[WK_EXPT_VALUE + 16], ac[WK_EXPT_VALUE + 16];
    snprintf(steps, sizeof steps, "%lld", (long long)wk_expt_int(c, "steps"));
    snprintf(ag, sizeof ag, "gen_width=%s", wk_expt_text(c, "gen_widths"));
    snprintf(ac, sizeof ac, "critic_width=%s", wk_expt_text(c, "critic_widths"));
    const char *recipe[] = {"data", wk_expt_text(c, "data"), "steps", steps, "eval_every", "0", "eval_n", "1000", "eval_metrics", "none",
                            NULL};
    const char *axes[] = {ag, ac, NULL};
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
    if (!rc) rc = wk__expt_estimate_training(c, &s, wk_sweep_n_points(&s) - 1, seconds);
    wk_sweep_spec_free(&s);
    /* + the birthday tests: K batches of S closest pairs each, a fraction of a second per batch */
    *seconds += 0.05 * (double)wk_expt_int(c, "trials") * 2;
    return rc;
}

#define MAXW WK_EXPT_MAX_LIST

static int run(wk_expt_ctx *c) {
    wk_sweep_spec s;
    wk_sweep_summary sum;
    int rc = spec_of(c, &s);
    if (!rc) rc = wk__expt_sweep_run(c, &s, &sum);
    if (rc) {
        wk_sweep_spec_free(&s);
        return rc;
    }
    double gw[MAXW], cw[MAXW], seeds[MAXW];
    int ng = wk_expt_list(c, "gen_widths", gw), nc = wk_expt_list(c, "critic_widths", cw), ns = wk_expt_list(c, "seeds", seeds);
    static double est[MAXW][MAXW][MAXW], upper[MAXW][MAXW][MAXW]; /* upper: ci_high, the bound when every batch held a duplicate */
    int done[MAXW][MAXW], failed = 0;
    memset(done, 0, sizeof done);
    char failed_names[1024] = "";
    const char *head[] = {"gen_width", "critic_width", "seed", "status", "support_estimate", "ci_low", "ci_high", "duplicate_fraction",
                          "threshold", "batch", "trials"};
    expt_csv csv;
    wk__csv_begin(&csv, 11, head);
    wk_birthday_config bc;
    wk_birthday_config_default(&bc);
    bc.batch = wk_expt_int(c, "batch_s"), bc.trials = (int)wk_expt_int(c, "trials");
    for (int64_t i = 0; i < wk_sweep_n_points(&s) && !rc; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        char dir[WK_GAN_STR + 64], spec[WK_GAN_STR + 80];
        if ((rc = wk_sweep_point_at(&s, i, &p)) || (rc = wk_sweep_point_dir(&s, &p, dir, sizeof dir))) break;
        if ((rc = wk_sweep_point_result(&s, &p, &r))) break;
        int a = p.value[0], b = p.value[1], ok = r.state == WK_POINT_DONE;
        wk_sweep_result_free(&r);
        wk_birthday_result br;
        memset(&br, 0, sizeof br);
        br.support_estimate = br.ci_low = br.ci_high = br.duplicate_fraction = br.threshold = NAN;
        if (ok) {
            if (c->log) fprintf(c->log, "arora-birthday: %s\n", p.name);
            wk_source gen, ref;
            snprintf(spec, sizeof spec, "gen:%s", dir);
            if (!(rc = wk_source_open(&gen, spec))) {
                if (!(rc = wk_source_open_run_data(&ref, wk_trainer_config(gen.gen), wk_trainer_data_scale(gen.gen)))) {
                    bc.seed = p.seed + 1;
                    rc = wk_birthday_run(&bc, &gen, &ref, NULL, NULL, &br);
                    wk_source_close(&ref);
                }
                wk_source_close(&gen);
            }
            if (!rc) upper[a][b][done[a][b]] = br.ci_high, est[a][b][done[a][b]++] = br.support_estimate;
        } else {
            failed++;
            size_t l = strlen(failed_names);
            snprintf(failed_names + l, sizeof failed_names - l, "%s%s", l ? ", " : "", p.name);
        }
        wk__csv_num(&csv, gw[a]), wk__csv_num(&csv, cw[b]), wk__csv_num(&csv, (double)p.seed);
        wk__csv_str(&csv, ok ? "done" : "failed");
        wk__csv_num(&csv, br.support_estimate), wk__csv_num(&csv, br.ci_low), wk__csv_num(&csv, br.ci_high);
        wk__csv_num(&csv, br.duplicate_fraction), wk__csv_num(&csv, br.threshold), wk__csv_num(&csv, (double)bc.batch);
        wk__csv_num(&csv, bc.trials);
        if (ok) wk_birthday_result_free(&br);
    }
    wk_sweep_spec_free(&s);
    if (rc || (rc = wk__csv_write(&csv, c->out, "results.csv"))) {
        if (rc) wk_sb_free(&csv.sb);
        return rc;
    }
    /* geometric means over seeds (supports span decades; an infinite estimate — no duplicate in any
     * batch — is a lower bound and kept out of the mean, counted) */
    double gm[MAXW][MAXW], gu[MAXW][MAXW]; /* gu: geometric mean of the upper bounds of a cell with no finite estimate */
    int inf_count = 0, zero_count = 0; /* no duplicate in any batch (only a lower bound) / one in every batch (only an upper bound) */
    for (int a = 0; a < ng; a++)
        for (int b = 0; b < nc; b++) {
            double sl = 0, su = 0;
            int k = 0, ku = 0;
            for (int j = 0; j < done[a][b]; j++)
                if (isfinite(est[a][b][j]) && est[a][b][j] > 0) sl += log(est[a][b][j]), k++;
                else if (est[a][b][j] > 0) inf_count++;
                else {
                    zero_count++;
                    if (isfinite(upper[a][b][j]) && upper[a][b][j] > 0) su += log(upper[a][b][j]), ku++;
                }
            gm[a][b] = k ? exp(sl / k) : NAN;
            gu[a][b] = !k && ku ? exp(su / ku) : NAN;
        }
    /* the chart: one line of estimates per critic width, and the cells known only from above as
     * markers at their upper bound, so that a grid of upper bounds is not an empty chart; series
     * with nothing to draw are left out (no legend entry for an absent line) */
    char names[2 * MAXW][64];
    wk_series ser[2 * MAXW];
    double ys[MAXW][MAXW], yu[MAXW][MAXW];
    size_t nser = 0;
    for (int b = 0; b < nc; b++) {
        int any = 0, anyu = 0;
        for (int a = 0; a < ng; a++) ys[b][a] = gm[a][b], yu[b][a] = gu[a][b], any |= isfinite(gm[a][b]), anyu |= isfinite(gu[a][b]);
        if (any) {
            snprintf(names[nser], sizeof names[nser], "critic width %d", (int)cw[b]);
            ser[nser] = (wk_series){.name = names[nser], .x = gw, .y = ys[b], .n = (size_t)ng};
            nser++;
        }
        if (anyu) {
            snprintf(names[nser], sizeof names[nser], "critic width %d: upper bound only", (int)cw[b]);
            ser[nser] = (wk_series){.name = names[nser], .x = gw, .y = yu[b], .n = (size_t)ng, .markers = 1};
            nser++;
        }
    }
    wk_chart_spec sp = {.title = nser ? "Birthday-test support estimate against generator width"
                                      : "Birthday-test support: no finite estimate and no bound (see SUMMARY.md)",
                        .x_label = "generator width", .y_label = "support estimate", .log_y = 1, .log_x = 1};
    if ((rc = wk__expt_chart(c->out, "support", &sp, ser, nser))) return rc;
    /* the claim as Arora & Zhang read it: the support grows with the discriminator's size (their
     * Theorem: a critic of p parameters cannot tell a support of about p log p from the target) */
    double rho_c = NAN, rho_g = NAN;
    int ncell = 0;
    {
        static double xa[MAXW * MAXW], xb[MAXW * MAXW], y[MAXW * MAXW];
        int n = 0;
        for (int a = 0; a < ng; a++)
            for (int b = 0; b < nc; b++)
                if (isfinite(gm[a][b])) xa[n] = gw[a], xb[n] = cw[b], y[n] = gm[a][b], n++;
        rho_c = wk_spearman(xb, y, n), rho_g = wk_spearman(xa, y, n);
        ncell = n;
    }
    expt_doc d;
    wk__doc_begin(&d, c);
    wk__doc_h2(&d, "Claim against measurement");
    char meas[512];
    /* by ρ's 95 % interval (verdict.c), not its sign: a few cells' ρ > 0 is often noise */
    double rlo, rhi;
    wk__spearman_ci(rho_c, ncell, &rlo, &rhi);
    char v[4][48];
    snprintf(meas, sizeof meas, "Spearman ρ of the support estimate with the critic width %s (95 %% interval [%s, %s] over %d cells), "
                                "with the generator width %s", wk__doc_num(v[0], 48, "%.2f", rho_c), wk__doc_num(v[1], 48, "%.2f", rlo),
             wk__doc_num(v[2], 48, "%.2f", rhi), ncell, wk__doc_num(v[3], 48, "%.2f", rho_g));
    int grows = wk__side(rlo, rhi, 0);
    wk__doc_verdict(&d, "the learned distribution's support is finite and grows with the size of the discriminator (and generator): "
                        "ρ's 95 % interval above 0", meas, grows > 0 ? 1 : grows < 0 ? 0 : -1);
    if (inf_count) wk__doc_p(&d, "%d run(s) had no duplicate in any batch: their support is only bounded below and is left out of the means.",
                             inf_count);
    if (zero_count)
        wk__doc_p(&d, "%d run(s) had a near-duplicate in every batch: their support is only bounded above (the upper end of the 95 %% "
                      "interval in results.csv) and is left out of the means; a larger --batch-s is no help, fewer samples per batch "
                      "or a longer training are.",
                  zero_count);
    if (failed) wk__doc_p(&d, "FAILED or unfinished runs: %d of %lld (%s).", failed, (long long)sum.points, failed_names);
    else wk__doc_p(&d, "Runs: %lld, none failed.", (long long)sum.points);
    wk__doc_h2(&d, "Table (geometric mean of the support estimates over the done seeds)");
    const char *th[] = {"generator width", "critic width", "seeds done", "support estimate"};
    wk__doc_table(&d, 4, th);
    for (int a = 0; a < ng; a++)
        for (int b = 0; b < nc; b++) {
            char c1[16], c2[16], c3[16], c4[32];
            snprintf(c1, sizeof c1, "%d", (int)gw[a]);
            snprintf(c2, sizeof c2, "%d", (int)cw[b]);
            snprintf(c3, sizeof c3, "%d/%d", done[a][b], ns);
            wk__doc_num(c4, sizeof c4, "%.4g", gm[a][b]);
            const char *row[] = {c1, c2, c3, c4};
            wk__doc_row(&d, 4, row);
        }
    wk__doc_table_end(&d);
    wk__doc_h2(&d, "Figure");
    wk__doc_figure(&d, "support", zero_count ? "support estimate against generator width, one line per critic width; markers: cells "
                                               "known only from above (every batch held a duplicate), at their upper bound"
                                             : "support estimate against generator width, one line per critic width");
    wk__doc_p(&d, "Birthday test: %lld batches of %lld samples, a duplicate when the closest pair is within the 5 %% quantile of the "
                  "training images' own closest-pair distances at the same batch size; support ≈ S²/(2 ln(1/(1−q))) (birthday.h), "
                  "95 %% Wilson intervals in results.csv.",
              (long long)bc.trials, (long long)bc.batch);
    rc = wk__doc_finish(&d, c, c->out);
    wk__doc_free(&d);
    return rc;
}

const wk_experiment wk__expt_arora_birthday = {
    .name = "arora-birthday",
    .title = "Birthday-paradox support of generators of growing size",
    .claim = "GANs learn distributions of finite support, which grows with the discriminator's size (Arora & Zhang 2018, after "
             "Arora et al. 2017: a critic of p parameters cannot see a support of about p log p).",
    .source = "Arora & Zhang 2018; Arora et al. 2017, §3",
    .knobs = knobs,
    .n_knobs = NK,
    .trains = 1,
    .check = check,
    .estimate = estimate,
    .run = run,
};
