/* arora_w1.c — `wgankit experiment arora-w1`: Arora et al. (ICML 2017, §3 and their Example) on
 * N(0, I/d) for several d: W1 between two independent samples of size m stays bounded away from 0
 * (about 1.1 at d = 64) for m polynomial in d, while the neural net distance between them falls
 * like m^{-1/2} whatever d. One generalization table per d (generalization.h), all on one
 * log-log figure, slopes with 95 % intervals (stats.h). No training: nothing here uses the sweep. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/generalization.h"
#include "wgankit/stats.h"

static const wk_expt_knob knobs[] = {
    {"dims", WK_KNOB_INTS, 1, 4096, "2,16,64", "2,16,64", "dimensions d of N(0, I/d)"},
    {"sizes", WK_KNOB_INTS, 4, 1e6, "100,300,1000,3000,10000", "100,300,1000,3000,10000", "sample sizes m (increasing)"},
    {"repeats", WK_KNOB_INT, 2, 1000, "3", "5", "pairs of samples per (d, m)"},
    {"nnd_steps", WK_KNOB_INT, 1, 1e7, "500", "2000", "critic steps of each d_NN fit"},
    {"critic_depth", WK_KNOB_INT, 1, 64, "2", "2", "depth of the d_NN critic (GroupSort, Björck)"},
    {"critic_width", WK_KNOB_INT, 2, 65536, "64", "64", "width of the d_NN critic"},
    {"seed", WK_KNOB_INT, 0, 9e15, "0", "0", "seed of every draw and fit"},
};
#define NK (int)(sizeof knobs / sizeof knobs[0])

static int config(const wk_expt_ctx *c, wk_generalization_config *g) {
    wk_generalization_config_default(g);
    int rc = wk_generalization_parse_sizes(g, wk_expt_text(c, "sizes"));
    if (!rc) rc = wk_generalization_parse_distances(g, "w1,nnd");
    if (!rc) rc = wk_nnd_config_set(&g->nnd, "critic_depth", wk_expt_text(c, "critic_depth"));
    if (!rc) rc = wk_nnd_config_set(&g->nnd, "critic_width", wk_expt_text(c, "critic_width"));
    if (rc) return wk_error_context(rc, "arora-w1");
    g->repeats = (int)wk_expt_int(c, "repeats");
    g->nnd.steps = wk_expt_int(c, "nnd_steps");
    g->nnd.critic.seed = (uint64_t)wk_expt_int(c, "seed");
    g->nnd.critic.threads = c->jobs;
    return wk_nnd_config_validate(&g->nnd);
}

static int check(wk_expt_ctx *c) {
    wk_generalization_config g;
    return config(c, &g);
}

/* W1 of two m-point clouds costs about m^2 d (pricing) and a d_NN fit nnd_steps critic steps;
 * measure one of each at the smallest m and scale. */
static int estimate(wk_expt_ctx *c, double *seconds) {
    wk_generalization_config g;
    int rc = config(c, &g);
    double dims[WK_EXPT_MAX_LIST];
    int nd = wk_expt_list(c, "dims", dims);
    if (rc) return rc;
    wk_generalization_config one = g;
    one.n_sizes = 1, one.sizes[0] = 200, one.repeats = 1, one.nnd.steps = 50;
    *seconds = 0;
    for (int i = 0; i < nd && !rc; i++) {
        char spec[128];
        snprintf(spec, sizeof spec, "gaussian:dim=%d,sigma=%.17g", (int)dims[i], 1 / sqrt(dims[i]));
        wk_source s;
        if ((rc = wk_source_open(&s, spec))) break;
        wk_generalization_result r;
        double t0 = wk_monotonic_s();
        rc = wk_generalization_run(&one, &s, &r, NULL);
        double t = wk_monotonic_s() - t0;
        wk_source_close(&s);
        for (int k = 0; k < g.n_sizes; k++) {
            double m = (double)g.sizes[k];
            /* W1 ~ m^2, d_NN fit ~ steps (batch-bound), both from the 200-point, 50-step probe */
            *seconds += g.repeats * t * (0.5 * pow(m / 200, 2) + 0.5 * (double)g.nnd.steps / 50);
        }
    }
    return rc;
}

static int run(wk_expt_ctx *c) {
    wk_generalization_config g;
    int rc = config(c, &g);
    if (rc) return rc;
    double dims[WK_EXPT_MAX_LIST];
    int nd = wk_expt_list(c, "dims", dims);
    static wk_generalization_result res[WK_EXPT_MAX_LIST];
    for (int i = 0; i < nd && !rc; i++) {
        char spec[128];
        snprintf(spec, sizeof spec, "gaussian:dim=%d,sigma=%.17g", (int)dims[i], 1 / sqrt(dims[i]));
        if (c->log) fprintf(c->log, "arora-w1: d = %d (%s)\n", (int)dims[i], spec);
        wk_source s;
        if ((rc = wk_source_open(&s, spec))) break;
        rc = wk_generalization_run(&g, &s, &res[i], c->log);
        wk_source_close(&s);
    }
    if (rc) return rc;

    /* results.csv: one row per (d, m, distance) */
    const char *head[] = {"d", "m", "distance", "mean", "se", "repeats"};
    expt_csv csv;
    wk__csv_begin(&csv, 6, head);
    const wk_gen_distance dist[3] = {WK_DIST_W1, WK_DIST_NND_TRAIN, WK_DIST_NND_HELDOUT};
    for (int i = 0; i < nd; i++)
        for (int k = 0; k < g.n_sizes; k++)
            for (int j = 0; j < 3; j++) {
                wk__csv_num(&csv, dims[i]);
                wk__csv_num(&csv, (double)g.sizes[k]);
                wk__csv_str(&csv, wk_gen_distance_name(dist[j]));
                wk__csv_num(&csv, res[i].mean[k][dist[j]]);
                wk__csv_num(&csv, res[i].se[k][dist[j]]);
                wk__csv_num(&csv, g.repeats);
            }
    if ((rc = wk__csv_write(&csv, c->out, "results.csv"))) return rc;

    /* slopes with intervals */
    double m[WK_GEN_MAX_SIZES];
    for (int k = 0; k < g.n_sizes; k++) m[k] = (double)g.sizes[k];
    wk_loglog_fit_ci sw[WK_EXPT_MAX_LIST], sn[WK_EXPT_MAX_LIST];
    double yw[WK_EXPT_MAX_LIST][WK_GEN_MAX_SIZES], yn[WK_EXPT_MAX_LIST][WK_GEN_MAX_SIZES], yh[WK_EXPT_MAX_LIST][WK_GEN_MAX_SIZES],
        hlo[WK_EXPT_MAX_LIST][WK_GEN_MAX_SIZES], hhi[WK_EXPT_MAX_LIST][WK_GEN_MAX_SIZES];
    int held_zero = 0, held_total = 0;
    for (int i = 0; i < nd; i++) {
        for (int k = 0; k < g.n_sizes; k++) {
            yw[i][k] = res[i].mean[k][WK_DIST_W1];
            yn[i][k] = res[i].mean[k][WK_DIST_NND_TRAIN];
            yh[i][k] = res[i].mean[k][WK_DIST_NND_HELDOUT];
            /* 95 % t-interval of the mean over the repeats */
            double h = wk_t_quantile(0.975, g.repeats - 1) * res[i].se[k][WK_DIST_NND_HELDOUT];
            hlo[i][k] = yh[i][k] - h, hhi[i][k] = yh[i][k] + h;
            held_total++;
            if (fabs(yh[i][k]) <= h) held_zero++;
        }
        wk_loglog_slope(m, yw[i], g.n_sizes, 0.95, &sw[i]);
        wk_loglog_slope(m, yn[i], g.n_sizes, 0.95, &sn[i]);
    }

    /* figures */
    char names[2 * WK_EXPT_MAX_LIST][64], hnames[WK_EXPT_MAX_LIST][64];
    wk_series ser[2 * WK_EXPT_MAX_LIST], hser[WK_EXPT_MAX_LIST];
    for (int i = 0; i < nd; i++) {
        snprintf(names[i], sizeof names[i], "W1, d = %d (slope %.2f)", (int)dims[i], sw[i].slope);
        snprintf(names[nd + i], sizeof names[nd + i], "d_NN train, d = %d (slope %.2f)", (int)dims[i], sn[i].slope);
        snprintf(hnames[i], sizeof hnames[i], "d_NN held-out, d = %d", (int)dims[i]);
        ser[i] = (wk_series){.name = names[i], .x = m, .y = yw[i], .n = (size_t)g.n_sizes};
        ser[nd + i] = (wk_series){.name = names[nd + i], .x = m, .y = yn[i], .n = (size_t)g.n_sizes};
        hser[i] = (wk_series){.name = hnames[i], .x = m, .y = yh[i], .n = (size_t)g.n_sizes, .band_lo = hlo[i], .band_hi = hhi[i]};
    }
    wk_chart_spec spec = {.title = "Distance between two samples of N(0, I/d)", .x_label = "m, points per sample",
                          .y_label = "mean distance", .log_y = 1, .log_x = 1};
    if ((rc = wk__expt_chart(c->out, "loglog", &spec, ser, (size_t)(2 * nd)))) return rc;
    wk_chart_spec hspec = {.title = "Held-out d_NN (shaded: the 95 % intervals)", .x_label = "m, points per sample",
                           .y_label = "held-out d_NN", .log_x = 1};
    if ((rc = wk__expt_chart(c->out, "heldout", &hspec, hser, (size_t)nd))) return rc;

    /* the write-up */
    expt_doc d;
    wk__doc_begin(&d, c);
    wk__doc_h2(&d, "Claim against measurement");
    int dmax = 0;
    for (int i = 1; i < nd; i++)
        if (dims[i] > dims[dmax]) dmax = i;
    int last = g.n_sizes - 1;
    char claim[512], meas[1024], sl[96], v[2][48];
    snprintf(meas, sizeof meas, "at d = %d, W1 between two samples of m = %lld points is %s (m = %lld: %s); log-log slope %s",
             (int)dims[dmax], (long long)g.sizes[last], wk__doc_num(v[0], 48, "%.3f", yw[dmax][last]), (long long)g.sizes[0],
             wk__doc_num(v[1], 48, "%.3f", yw[dmax][0]),
             wk__fmt_slope(sl, sizeof sl, &sw[dmax]));
    /* bounded away from 0: the largest-m value keeps at least half the smallest-m value and the
     * fitted rate is far from the m^{-1/2} of a distance that generalizes: the slope's whole 95 %
     * interval above -1/4 (wholly below: DIFFERS; containing it: not measurable, verdict.c) */
    int w1_side = wk__slope_side(&sw[dmax], -0.25);
    int w1_stays = w1_side > 0 ? yw[dmax][last] >= 0.5 * yw[dmax][0] : w1_side < 0 ? 0 : -1;
    /* the claim names only dims this run measured: "about 1.1 at d = 64" (the paper's size) only when
     * d = 64 was run, else the largest d run, whose values are in the measurement beside it */
    int has64 = 0;
    for (int i = 0; i < nd; i++) has64 |= dims[i] == 64;
    snprintf(claim, sizeof claim, "W1 between two samples of one high-dimensional distribution stays bounded away from 0 (%s%d) for "
             "m polynomial in d: W1 does not generalize", has64 ? "about 1.1 at d = " : "here at d = ", has64 ? 64 : (int)dims[dmax]);
    wk__doc_verdict(&d, claim, meas, w1_stays);
    int per[WK_EXPT_MAX_LIST];
    size_t off = 0;
    meas[0] = 0;
    for (int i = 0; i < nd; i++) {
        off += (size_t)snprintf(meas + off, sizeof meas - off, "%sd = %d: %s", i ? "; " : "", (int)dims[i],
                                wk__fmt_slope(sl, sizeof sl, &sn[i]));
        if (off >= sizeof meas) off = sizeof meas - 1;
        /* m^{-1/2}: the slope's whole 95 % interval within 0.2 of -1/2 (a wide one decides nothing) */
        per[i] = wk__slope_within(&sn[i], -0.7, -0.3);
    }
    wk__doc_verdict(&d, "the neural net distance between the two samples falls like m^{-1/2}, whatever d (training-half d_NN: the "
                        "95 % interval of the log-log slope within [-0.7, -0.3] for every d)",
                    meas, wk__verdict_all(per, nd));
    snprintf(claim, sizeof claim, "held-out d_NN between two samples of one distribution is 0 within its noise");
    snprintf(meas, sizeof meas, "%d of %d (d, m) points have 0 inside their 95 %% interval", held_zero, held_total);
    wk__doc_verdict(&d, claim, meas, held_zero * 10 >= held_total * 8);
    wk__doc_h2(&d, "Figures");
    wk__doc_figure(&d, "loglog", "W1 and the training-half d_NN against m, log-log, one line per d (slopes in the legend)");
    wk__doc_figure(&d, "heldout", "held-out d_NN against m (95 % intervals shaded in the SVG)");
    wk__doc_h2(&d, "Table");
    const char *th[] = {"d", "m", "W1", "d_NN train", "d_NN held-out"};
    wk__doc_table(&d, 5, th);
    for (int i = 0; i < nd; i++)
        for (int k = 0; k < g.n_sizes; k++) {
            char a[32], b[32], cc[112], e[112], f[112], m[2][48];
            snprintf(a, sizeof a, "%d", (int)dims[i]);
            snprintf(b, sizeof b, "%lld", (long long)g.sizes[k]);
            snprintf(cc, sizeof cc, "%s ± %s", wk__doc_num(m[0], 48, "%.4g", yw[i][k]), wk__doc_num(m[1], 48, "%.2g", res[i].se[k][WK_DIST_W1]));
            snprintf(e, sizeof e, "%s ± %s", wk__doc_num(m[0], 48, "%.4g", yn[i][k]),
                     wk__doc_num(m[1], 48, "%.2g", res[i].se[k][WK_DIST_NND_TRAIN]));
            snprintf(f, sizeof f, "%s ± %s", wk__doc_num(m[0], 48, "%.3g", yh[i][k]),
                     wk__doc_num(m[1], 48, "%.2g", res[i].se[k][WK_DIST_NND_HELDOUT]));
            const char *row[] = {a, b, cc, e, f};
            wk__doc_row(&d, 5, row);
        }
    for (int i = 0; i < nd; i++) {
        char a[48], cc[96], e[96];
        snprintf(a, sizeof a, "%d", (int)dims[i]);
        wk__fmt_slope(cc, sizeof cc, &sw[i]);
        wk__fmt_slope(e, sizeof e, &sn[i]);
        const char *row[] = {a, "slope", cc, e, ""};
        wk__doc_row(&d, 5, row);
    }
    wk__doc_table_end(&d);
    wk__doc_p(&d, "Values: mean ± standard error over %d pairs of samples. Slopes: least squares of log mean on log m with "
                  "95 %% t-intervals (stats.h). d_NN: a fresh GroupSort critic of depth %lld and width %lld, %lld steps, "
                  "trained on one half of each sample and read on both halves (nnd.h). Failed points: none can fail silently "
                  "here; any error stops the experiment with exit 1.",
              g.repeats, (long long)wk_expt_int(c, "critic_depth"), (long long)wk_expt_int(c, "critic_width"),
              (long long)g.nnd.steps);
    rc = wk__doc_finish(&d, c, c->out);
    wk__doc_free(&d);
    return rc;
}

const wk_experiment wk__expt_arora_w1 = {
    .name = "arora-w1",
    .title = "W1 does not generalize, the neural net distance does",
    .claim = "For N(0, I/d), W1 between two independent samples of size m stays bounded away from 0 for m polynomial in d, "
             "while the neural net distance between them decays like m^{-1/2} independently of d.",
    .source = "Arora et al. 2017, §3 and its Example",
    .knobs = knobs,
    .n_knobs = NK,
    .trains = 0,
    .check = check,
    .estimate = estimate,
    .run = run,
};
