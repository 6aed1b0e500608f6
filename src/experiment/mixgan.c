/* mixgan.c — `wgankit experiment mixgan`: a single GAN against MIX+GAN (Arora et al. 2017, §5:
 * T generators and T critics with softmax mixture weights), at the same parameter budget
 * (--mix-budget same), on the 25-mode `grid` and on Fashion-MNIST, seeds each; sweep.h trains
 * them (axis mix = 1, T). The final evaluation of every run (metrics.jsonl) gives modes covered and
 * % high-quality samples on `grid`, and the image metrics (FD and the others, with W1 and d_D) on
 * Fashion-MNIST. Runs that fail are counted per cell; nothing is averaged over fewer seeds silently. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/stats.h"

static const wk_expt_knob knobs[] = {
    {"t", WK_KNOB_INT, 2, 16, "5", "5", "mixture components T (Arora et al.: 5)"},
    {"seeds", WK_KNOB_INTS, 0, 9e15, "1,2", "1,2,3", "seeds per model"},
    {"grid_steps", WK_KNOB_INT, 1, 1e7, "1000", "12000", "generator steps on grid"},
    {"fm", WK_KNOB_INT, 0, 1, "1", "1", "1: also Fashion-MNIST"},
    {"fm_data", WK_KNOB_TEXT, 0, 0, "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
     "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "Fashion-MNIST training images"},
    {"fm_steps", WK_KNOB_INT, 1, 1e7, "100", "10000", "generator steps on Fashion-MNIST"},
};
#define NK (int)(sizeof knobs / sizeof knobs[0])

static int spec_of(const wk_expt_ctx *c, int fm, wk_sweep_spec *s) {
    char steps[32], axis[48];
    snprintf(steps, sizeof steps, "%lld", (long long)wk_expt_int(c, fm ? "fm_steps" : "grid_steps"));
    snprintf(axis, sizeof axis, "mix=1,%lld", (long long)wk_expt_int(c, "t"));
    const char *grid[] = {"data", "grid", "mix_budget", "same", "steps", steps, "eval_every", "0", NULL};
    const char *fmr[] = {"data", wk_expt_text(c, "fm_data"), "mix_budget", "same", "steps", steps, "eval_every", "0", "eval_n", "2000",
                         NULL};
    const char *axes[] = {axis, NULL};
    return wk__expt_sweep_spec(c, fm ? "fashion-mnist" : "grid", fm ? fmr : grid, axes, wk_expt_text(c, "seeds"), s);
}

static int check(wk_expt_ctx *c) {
    int rc = WK_OK;
    for (int fm = 0; fm <= (int)wk_expt_int(c, "fm") && !rc; fm++) {
        wk_sweep_spec s;
        rc = spec_of(c, fm, &s);
        wk_sweep_spec_free(&s);
    }
    return rc;
}

static int estimate(wk_expt_ctx *c, double *seconds) {
    *seconds = 0;
    int rc = WK_OK;
    for (int fm = 0; fm <= (int)wk_expt_int(c, "fm") && !rc; fm++) {
        wk_sweep_spec s;
        double t = 0;
        if (!(rc = spec_of(c, fm, &s))) rc = wk__expt_estimate_training(c, &s, wk_sweep_n_points(&s) - 1, &t); /* a mixture point */
        wk_sweep_spec_free(&s);
        *seconds += t * 1.1; /* + the final evaluations */
    }
    return rc;
}

static double metric(const wk_json *m, const char *key) {
    const wk_json *v = m ? wk_json_get(m, key) : NULL;
    return v && v->type == WK_JSON_NUMBER ? v->number : NAN;
}

#define NKEYS 9
static const char *const keys[NKEYS] = {"modes", "hq_pct", "w1", "d_D", "fd", "kid", "precision", "recall", "coverage"};
#define MAXS WK_EXPT_MAX_LIST

static int run(wk_expt_ctx *c) {
    int nfm = (int)wk_expt_int(c, "fm") + 1, rc = WK_OK, failed = 0;
    double seeds[MAXS];
    int ns = wk_expt_list(c, "seeds", seeds);
    static double val[2][2][NKEYS][MAXS]; /* [dataset][single, mix][key][done seed] */
    int done[2][2] = {{0, 0}, {0, 0}};
    char failed_names[1024] = "";
    const char *head[] = {"dataset", "mix", "seed", "status", "failed_step", "modes", "hq_pct", "w1", "d_D", "fd", "kid", "precision",
                          "recall", "coverage", "wall_s"};
    expt_csv csv;
    wk__csv_begin(&csv, 15, head);
    int64_t points = 0;
    for (int fm = 0; fm < nfm && !rc; fm++) {
        wk_sweep_spec s;
        wk_sweep_summary sum;
        if ((rc = spec_of(c, fm, &s))) break;
        if (!(rc = wk__expt_sweep_run(c, &s, &sum))) points += sum.points;
        for (int64_t i = 0; i < wk_sweep_n_points(&s) && !rc; i++) {
            wk_sweep_point p;
            wk_sweep_result r;
            if ((rc = wk_sweep_point_at(&s, i, &p)) || (rc = wk_sweep_point_result(&s, &p, &r))) break;
            int m = p.value[0], ok = r.state == WK_POINT_DONE;
            wk__csv_str(&csv, fm ? "fashion-mnist" : "grid");
            wk__csv_num(&csv, m ? (double)wk_expt_int(c, "t") : 1), wk__csv_num(&csv, (double)p.seed);
            wk__csv_str(&csv, ok ? "done" : r.state == WK_POINT_FAILED ? "failed" : "pending");
            wk__csv_num(&csv, r.state == WK_POINT_FAILED && r.failed_step >= 0 ? (double)r.failed_step : NAN);
            for (int k = 0; k < NKEYS; k++) {
                double v = ok ? metric(r.metrics, keys[k]) : NAN;
                wk__csv_num(&csv, v);
                if (ok) val[fm][m][k][done[fm][m]] = v;
            }
            wk__csv_num(&csv, r.wall_s);
            if (ok) done[fm][m]++;
            else {
                failed++;
                size_t l = strlen(failed_names);
                snprintf(failed_names + l, sizeof failed_names - l, "%s%s/%s", l ? ", " : "", fm ? "fashion-mnist" : "grid", p.name);
            }
            wk_sweep_result_free(&r);
        }
        wk_sweep_spec_free(&s);
    }
    if (rc || (rc = wk__csv_write(&csv, c->out, "results.csv"))) {
        if (rc) wk_sb_free(&csv.sb);
        return rc;
    }
    double mean[2][2][NKEYS], lo[2][2][NKEYS], hi[2][2][NKEYS];
    for (int fm = 0; fm < nfm; fm++)
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < NKEYS; k++) {
                wk_interval iv;
                wk_mean_interval(val[fm][m][k], done[fm][m], 0.95, &iv);
                mean[fm][m][k] = iv.mean, lo[fm][m][k] = iv.lo, hi[fm][m][k] = iv.hi;
            }
    /* figure: per dataset, the mean of each quality metric, single vs mixture (x = 1 single, 2 mixture) */
    double xs[2] = {1, 2};
    for (int fm = 0; fm < nfm && !rc; fm++) {
        int sel[3] = {0, 1, 2};
        if (fm) sel[0] = 4, sel[1] = 2, sel[2] = 8; /* fd, w1, coverage */
        double ys[3][2], bl[3][2], bh[3][2];
        char nm[3][48];
        wk_series ser[3];
        for (int j = 0; j < 3; j++) {
            for (int m = 0; m < 2; m++) ys[j][m] = mean[fm][m][sel[j]], bl[j][m] = lo[fm][m][sel[j]], bh[j][m] = hi[fm][m][sel[j]];
            snprintf(nm[j], sizeof nm[j], "%s", keys[sel[j]]);
            ser[j] = (wk_series){.name = nm[j], .x = xs, .y = ys[j], .n = 2, .band_lo = bl[j], .band_hi = bh[j]};
        }
        wk_chart_spec sp = {.title = fm ? "Fashion-MNIST: single GAN (x = 1) against MIX+GAN (x = 2)"
                                        : "grid: single GAN (x = 1) against MIX+GAN (x = 2)",
                            .x_label = "model: 1 = single GAN, 2 = MIX+GAN", .y_label = "mean over seeds (95 % band)",
                            .log_y = fm, .integer_x = 1};
        rc = wk__expt_chart(c->out, fm ? "fashion-mnist" : "grid", &sp, ser, 3);
    }
    if (rc) return rc;
    expt_doc d;
    wk__doc_begin(&d, c);
    wk__doc_h2(&d, "Claim against measurement");
    char meas[512], v[6][48];
    snprintf(meas, sizeof meas, "grid: modes %s (single) vs %s (MIX+GAN), high-quality %% %s vs %s, W1 %s vs %s",
             wk__doc_num(v[0], 48, "%.1f", mean[0][0][0]), wk__doc_num(v[1], 48, "%.1f", mean[0][1][0]),
             wk__doc_num(v[2], 48, "%.1f", mean[0][0][1]), wk__doc_num(v[3], 48, "%.1f", mean[0][1][1]),
             wk__doc_num(v[4], 48, "%.3f", mean[0][0][2]), wk__doc_num(v[5], 48, "%.3f", mean[0][1][2]));
    /* from the 95 % intervals over seeds (verdict.c): more modes clearly (disjoint intervals) and
     * high-quality samples not clearly fewer agrees; clearly fewer of either DIFFERS */
    int modes = wk__iv_compare(lo[0][1][0], hi[0][1][0], lo[0][0][0], hi[0][0][0]);
    int hq = wk__iv_compare(lo[0][1][1], hi[0][1][1], lo[0][0][1], hi[0][0][1]);
    int better = modes > 0 && hq >= 0 ? 1 : modes < 0 || hq < 0 ? 0 : -1;
    wk__doc_verdict(&d, "MIX+GAN does better than the single GAN at the same parameter budget (grid: more modes and more high-quality "
                        "samples; 95 % intervals over seeds)",
                    meas, done[0][0] && done[0][1] ? better : -1);
    if (nfm > 1) {
        snprintf(meas, sizeof meas, "Fashion-MNIST: FD %s (single) vs %s (MIX+GAN), W1 %s vs %s, coverage %s vs %s",
                 wk__doc_num(v[0], 48, "%.2f", mean[1][0][4]), wk__doc_num(v[1], 48, "%.2f", mean[1][1][4]),
                 wk__doc_num(v[2], 48, "%.1f", mean[1][0][2]), wk__doc_num(v[3], 48, "%.1f", mean[1][1][2]),
                 wk__doc_num(v[4], 48, "%.3f", mean[1][0][8]), wk__doc_num(v[5], 48, "%.3f", mean[1][1][8]));
        int key = isfinite(mean[1][0][4]) ? 4 : 2, cmp = wk__iv_compare(lo[1][1][key], hi[1][1][key], lo[1][0][key], hi[1][0][key]);
        int fb = cmp < 0 ? 1 : cmp > 0 ? 0 : -1; /* lower clearly (disjoint 95 % intervals over seeds) */
        wk__doc_verdict(&d, "MIX+GAN does better on images (Arora et al.: CIFAR-10 Inception score 4.04 vs 3.82; here FD, lower is better)",
                        meas, done[1][0] && done[1][1] ? fb : -1);
    }
    if (failed) wk__doc_p(&d, "FAILED or unfinished runs: %d of %lld (%s). The table counts the seeds each mean is over.", failed,
                          (long long)points, failed_names);
    else wk__doc_p(&d, "Runs: %lld, none failed.", (long long)points);
    wk__doc_h2(&d, "Table (means over the done seeds; every run in results.csv)");
    const char *th[] = {"dataset", "model", "seeds done", "modes", "high-quality %", "W1", "d_D", "FD", "KID", "precision", "recall", "coverage"};
    d.dash_why = "modes and high-quality % are counted on grid's 25 modes only; FD, KID, precision, recall and coverage are "
                 "image metrics, measured on Fashion-MNIST only, not on grid's 2-D samples; or no run of the cell finished";
    wk__doc_table(&d, 12, th);
    for (int fm = 0; fm < nfm; fm++)
        for (int m = 0; m < 2; m++) {
            char cells[12][48];
            const char *row[12];
            snprintf(cells[0], 48, "%s", fm ? "fashion-mnist" : "grid");
            snprintf(cells[1], 48, m ? "MIX+GAN T = %lld" : "single GAN", (long long)wk_expt_int(c, "t"));
            snprintf(cells[2], 48, "%d/%d", done[fm][m], ns);
            for (int k = 0; k < NKEYS; k++) wk__doc_num(cells[3 + k], 48, "%.4g", mean[fm][m][k]);
            for (int k = 0; k < 12; k++) row[k] = cells[k];
            wk__doc_row(&d, 12, row);
        }
    wk__doc_table_end(&d);
    wk__doc_h2(&d, "Figures");
    wk__doc_figure(&d, "grid", "grid: modes covered, high-quality %, W1, single GAN against MIX+GAN");
    if (nfm > 1) wk__doc_figure(&d, "fashion-mnist", "Fashion-MNIST: FD, W1 and coverage, single GAN against MIX+GAN (log scale)");
    wk__doc_p(&d, "MIX+GAN: a mixture of T = %lld generators and critics (--t). Both models use --mix-budget same (the mixture's "
                  "components are shrunk to the single model's parameter count) and the same steps; values are each run's final "
                  "evaluation (metrics.jsonl). Each run's report: %s.",
              (long long)wk_expt_int(c, "t"),
              nfm > 1 ? "grid/report.html, fashion-mnist/report.html" : "grid/report.html"); /* only the parts that ran */
    rc = wk__doc_finish(&d, c, c->out);
    wk__doc_free(&d);
    return rc;
}

const wk_experiment wk__expt_mixgan = {
    .name = "mixgan",
    .title = "A single GAN against MIX+GAN at the same budget",
    .claim = "A mixture of T = 5 generators and critics trained as MIX+GAN gives better samples than a single GAN of about the same "
             "size (CIFAR-10 Inception score 4.04 against 3.82 for the Wasserstein GAN).",
    .source = "Arora et al. 2017, §5-6",
    .knobs = knobs,
    .n_knobs = NK,
    .trains = 1,
    .check = check,
    .estimate = estimate,
    .run = run,
};
