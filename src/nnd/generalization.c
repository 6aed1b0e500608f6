/* generalization.c — the generalization table of generalization.h: distances between two
 * independent samples of one source as the sample size grows (Arora et al. 2017, §3, Example),
 * with log-log slopes, written as CSV, JSON, PNG + SVG plots and an HTML page. Every random
 * choice comes from streams split off the critic seed, in a fixed order (size, repeat), so a
 * table is reproducible. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnd/nnd_internal.h"
#include "wgankit/result_dir.h"
#include "wgankit/error.h"
#include "wgankit/generalization.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/ot.h"
#include "wgankit/plot.h"

static const char *const dist_names[WK_DIST_COUNT] = {"w1", "sliced", "nnd_train", "nnd_heldout"};

const char *wk_gen_distance_name(wk_gen_distance d) { return (unsigned)d < WK_DIST_COUNT ? dist_names[d] : "?"; }

void wk_generalization_config_default(wk_generalization_config *c) {
    memset(c, 0, sizeof *c);
    c->sizes[0] = 100, c->sizes[1] = 300, c->sizes[2] = 1000;
    c->n_sizes = 3;
    c->repeats = 3;
    c->use_w1 = c->use_nnd = 1;
    c->projections = 200;
    wk_nnd_config_default(&c->nnd);
    c->nnd.patience = 0;
    c->arg_prefix = "--";
}
static const char *arg_prefix(const wk_generalization_config *c) { return c->arg_prefix ? c->arg_prefix : "--"; }

int wk_generalization_parse_sizes(wk_generalization_config *c, const char *list) {
    int n = 0;
    const char *a = arg_prefix(c);
    const char *p = list;
    while (p && *p) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v < 2 || v > 100000000 || (*end && *end != ','))
            return wk_errorf(WK_EINVAL, "%ssizes '%s': each size must be an integer in [2, 1e8]", a, list);
        if (n == WK_GEN_MAX_SIZES) return wk_errorf(WK_EINVAL, "%ssizes '%s': at most %d sizes", a, list, WK_GEN_MAX_SIZES);
        if (n && v <= c->sizes[n - 1])
            return wk_errorf(WK_EINVAL, "%ssizes '%s': sizes must be increasing (%lld after %lld)", a, list, v, (long long)c->sizes[n - 1]);
        c->sizes[n++] = v;
        p = *end ? end + 1 : end;
    }
    if (!n) return wk_errorf(WK_EINVAL, "%ssizes: empty list", a);
    c->n_sizes = n;
    return WK_OK;
}

int wk_generalization_parse_distances(wk_generalization_config *c, const char *list) {
    const char *a = arg_prefix(c);
    c->use_w1 = c->use_sliced = c->use_nnd = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int *use = !strcmp(t, "w1") ? &c->use_w1 : !strcmp(t, "sliced") ? &c->use_sliced : !strcmp(t, "nnd") ? &c->use_nnd : NULL;
        if (!use) return wk_errorf(WK_EINVAL, "%sdistances: '%s' is not w1, sliced or nnd", a, t);
        if (*use) return wk_errorf(WK_EINVAL, "%sdistances %s: '%s' given twice", a, list, t); /* as every list flag */
        *use = 1;
    }
    if (!c->use_w1 && !c->use_sliced && !c->use_nnd) return wk_errorf(WK_EINVAL, "%sdistances: empty list", a);
    return WK_OK;
}

void wk_loglog_fit(const double *x, const double *y, int n, double *slope, double *intercept) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!(x[i] > 0 && y[i] > 0 && isfinite(y[i]))) continue;
        double lx = log10(x[i]), ly = log10(y[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, k++;
    }
    double den = k * sxx - sx * sx;
    *slope = k >= 2 && den > 0 ? (k * sxy - sx * sy) / den : NAN;
    *intercept = isfinite(*slope) ? (sy - *slope * sx) / k : NAN;
}

/* [n, ...] as a [n, dim] view for the OT solvers */
static wk_tensor flat(const wk_tensor *x) {
    wk_tensor v = *x;
    wk_tensor_set_shape(&v, 2, (int64_t[]){x->shape[0], x->numel / x->shape[0]});
    return v;
}

/* rows [lo, lo + n) of x into a new tensor */
static int rows(const wk_tensor *x, int64_t lo, int64_t n, wk_tensor *out) {
    int64_t shape[WK_MAX_DIMS], row = x->numel / x->shape[0];
    memcpy(shape, x->shape, sizeof shape);
    shape[0] = n;
    int rc = wk_tensor_alloc(out, x->ndim, shape);
    if (!rc) memcpy(out->data, x->data + lo * row, (size_t)(n * row) * sizeof(float));
    return rc;
}

/* One pair of independent samples of size m: two population draws, or 2m distinct file rows. */
static int draw_pair(wk_source *src, int64_t m, wk_rng *r, wk_tensor *a, wk_tensor *b, const char *pre) {
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    if (wk_source_is_population(src)) {
        int rc = wk_source_draw(src, m, r, a);
        if (!rc) rc = wk_source_draw(src, m, r, b);
        return rc;
    }
    if (2 * m > wk_source_size(src))
        return wk_errorf(WK_EINVAL, "%ssizes: m = %lld needs 2m = %lld distinct rows but '%s' has %lld", pre, (long long)m,
                         (long long)(2 * m), src->spec, (long long)wk_source_size(src));
    wk_tensor both;
    int rc = wk_source_draw(src, 2 * m, r, &both);
    if (!rc) rc = rows(&both, 0, m, a);
    if (!rc) rc = rows(&both, m, m, b);
    wk_tensor_free(&both);
    return rc;
}

static int pair_distances(const wk_generalization_config *c, const wk_tensor *a, const wk_tensor *b, uint64_t seed, double *v) {
    wk_tensor fa = flat(a), fb = flat(b);
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    opt.seed = seed;
    wk_ot_result res;
    int rc = WK_OK;
    if (c->use_w1) {
        memset(&res, 0, sizeof res);
        if ((rc = wk_w1_exact(&fa, NULL, &fb, NULL, &opt, &res))) return rc;
        v[WK_DIST_W1] = res.value;
        wk_ot_result_free(&res);
    }
    if (c->use_sliced) {
        memset(&res, 0, sizeof res);
        if ((rc = wk_w1_sliced(&fa, NULL, &fb, NULL, c->projections, &opt, &res))) return rc;
        v[WK_DIST_SLICED] = res.value;
        wk_ot_result_free(&res);
    }
    if (c->use_nnd) {
        wk_nnd_fit f;
        if ((rc = wk_nnd_fit_samples(&c->nnd, a, b, seed, &f))) return rc;
        v[WK_DIST_NND_TRAIN] = f.train;
        v[WK_DIST_NND_HELDOUT] = f.heldout;
    }
    return WK_OK;
}

int wk_generalization_run(const wk_generalization_config *c, wk_source *src, wk_generalization_result *out, FILE *log) {
    memset(out, 0, sizeof *out);
    if (c->n_sizes < 1 || c->n_sizes > WK_GEN_MAX_SIZES) return wk_errorf(WK_EINVAL, "%ssizes: %d sizes", arg_prefix(c), c->n_sizes);
    for (int i = 0; i < c->n_sizes; i++)
        if (c->sizes[i] < (c->use_nnd ? 4 : 2) || (i && c->sizes[i] <= c->sizes[i - 1]))
            return wk_errorf(WK_EINVAL, "%ssizes: sizes must be increasing and >= %d (d_NN splits each sample in halves)",
                             arg_prefix(c), c->use_nnd ? 4 : 2);
    if (c->repeats < 1) return wk_errorf(WK_EINVAL, "%srepeats must be >= 1 (got %d)", arg_prefix(c), c->repeats);
    if (c->use_sliced && c->projections < 1) return wk_errorf(WK_EINVAL, "%sprojections must be >= 1", arg_prefix(c));
    int rc;
    if (c->use_nnd && (rc = wk_nnd_config_validate(&c->nnd))) return rc;
    if (!wk_source_is_population(src) && 2 * c->sizes[c->n_sizes - 1] > wk_source_size(src))
        return wk_errorf(WK_EINVAL, "%ssizes: the largest m = %lld needs 2m distinct rows but '%s' has %lld",
                         arg_prefix(c), (long long)c->sizes[c->n_sizes - 1], src->spec, (long long)wk_source_size(src));
    out->n_sizes = c->n_sizes;
    out->repeats = c->repeats;
    memcpy(out->sizes, c->sizes, sizeof out->sizes);
    double *v = wk_malloc((size_t)c->repeats * WK_DIST_COUNT * sizeof *v);
    if (!v) return WK_ENOMEM;
    wk_rng master;
    wk_rng_seed(&master, c->nnd.critic.seed);
    rc = WK_OK;
    for (int i = 0; i < c->n_sizes && !rc; i++) {
        for (int r = 0; r < c->repeats && !rc; r++) {
            wk_rng rd = wk_rng_split(&master);
            uint64_t seed = wk_rng_u64(&master);
            wk_tensor a, b;
            for (int d = 0; d < WK_DIST_COUNT; d++) v[d * c->repeats + r] = NAN;
            double one[WK_DIST_COUNT] = {NAN, NAN, NAN, NAN};
            rc = draw_pair(src, c->sizes[i], &rd, &a, &b, arg_prefix(c));
            if (!rc) rc = pair_distances(c, &a, &b, seed, one);
            wk_tensor_free(&a);
            wk_tensor_free(&b);
            for (int d = 0; d < WK_DIST_COUNT; d++) v[d * c->repeats + r] = one[d];
        }
        if (rc) break;
        for (int d = 0; d < WK_DIST_COUNT; d++) wk_mean_se(v + d * c->repeats, c->repeats, &out->mean[i][d], &out->se[i][d]);
        if (log) {
            fprintf(log, "m %lld:", (long long)c->sizes[i]);
            for (int d = 0; d < WK_DIST_COUNT; d++)
                if (isfinite(out->mean[i][d])) fprintf(log, "  %s %.4g +- %.2g", dist_names[d], out->mean[i][d], out->se[i][d]);
            fprintf(log, "\n");
            fflush(log);
        }
    }
    wk_free(v);
    if (rc) return rc;
    for (int d = 0; d < WK_DIST_COUNT; d++) {
        double x[WK_GEN_MAX_SIZES], y[WK_GEN_MAX_SIZES];
        /* A mean within 2 standard errors of 0 (a held-out d_NN, whose population value is 0)
         * is noise around 0: its logarithm says nothing about a rate, so it stays out of the fit,
         * and with fewer than 2 means clear of 0 there is no slope to report (NaN, JSON null). */
        for (int i = 0; i < c->n_sizes; i++) {
            double m = out->mean[i][d], se = out->se[i][d];
            x[i] = (double)c->sizes[i];
            y[i] = m > 2 * (isfinite(se) ? se : 0) ? m : NAN;
        }
        wk_loglog_fit(x, y, c->n_sizes, &out->slope[d], &out->intercept[d]);
    }
    return WK_OK;
}

/* ---- output ---------------------------------------------------------------------------------- */

static int measured(const wk_generalization_result *r, int d) {
    for (int i = 0; i < r->n_sizes; i++)
        if (isfinite(r->mean[i][d])) return 1;
    return 0;
}

void wk_generalization_result_to_json(const wk_generalization_result *r, const char *source_spec, wk_strbuf *sb) {
    wk_sb_putc(sb, '{');
    wk_json_key(sb, "source");
    wk_json_string(sb, source_spec);
    wk_json_key(sb, "repeats");
    wk_json_int(sb, r->repeats);
    wk_json_key(sb, "rows");
    wk_sb_putc(sb, '[');
    for (int i = 0; i < r->n_sizes; i++)
        for (int d = 0; d < WK_DIST_COUNT; d++)
            if (isfinite(r->mean[i][d])) {
                wk_json_sep(sb);
                wk_sb_putc(sb, '{');
                wk_json_key(sb, "m");
                wk_json_int(sb, r->sizes[i]);
                wk_json_key(sb, "distance");
                wk_json_string(sb, dist_names[d]);
                wk__json_num(sb, "mean", r->mean[i][d]);
                wk__json_num(sb, "se", r->se[i][d]);
                wk_sb_putc(sb, '}');
            }
    wk_sb_puts(sb, "]");
    wk_json_key(sb, "slopes");
    wk_sb_putc(sb, '{');
    for (int d = 0; d < WK_DIST_COUNT; d++)
        if (measured(r, d)) wk__json_num(sb, dist_names[d], r->slope[d]);
    wk_sb_puts(sb, "}}");
}

int wk_generalization_write(const wk_generalization_config *c, const wk_generalization_result *r, const char *source_spec,
                            const char *dir) {
    (void)c;
    /* never over a run's, a sweep's or an experiment's directory (result_dir.h) */
    int rc = wk__make_dir(dir);
    if (!rc) rc = wk_result_dir_claim(dir, WK_DIR_GENERALIZATION, NULL, NULL, "out");
    if (rc) return rc;
    wk_strbuf sb;
    wk_sb_init(&sb);
    /* table.csv */
    wk_sb_puts(&sb, "m,distance,mean,se,repeats\n");
    for (int i = 0; i < r->n_sizes; i++)
        for (int d = 0; d < WK_DIST_COUNT; d++)
            if (isfinite(r->mean[i][d]))
                wk_sb_printf(&sb, "%lld,%s,%.17g,%.17g,%d\n", (long long)r->sizes[i], dist_names[d], r->mean[i][d], r->se[i][d],
                             r->repeats);
    rc = wk__write_sb(dir, "table.csv", &sb);
    /* table.json */
    wk_generalization_result_to_json(r, source_spec, &sb);
    wk_sb_putc(&sb, '\n');
    if (!rc) rc = wk__write_sb(dir, "table.json", &sb);
    /* the log-log plot: each measured distance, its fitted slope in the legend (non-positive
     * means, e.g. a held-out d_NN at 0 within noise, cannot be drawn on a log axis) */
    double x[WK_DIST_COUNT][WK_GEN_MAX_SIZES], y[WK_DIST_COUNT][WK_GEN_MAX_SIZES];
    char names[WK_DIST_COUNT][64];
    wk_series series[WK_DIST_COUNT];
    size_t ns = 0;
    for (int d = 0; d < WK_DIST_COUNT; d++) {
        if (!measured(r, d)) continue;
        for (int i = 0; i < r->n_sizes; i++) {
            x[d][i] = log10((double)r->sizes[i]);
            y[d][i] = r->mean[i][d];
        }
        if (isfinite(r->slope[d])) snprintf(names[ns], 64, "%s (slope %.2f)", dist_names[d], r->slope[d]);
        else snprintf(names[ns], 64, "%s (0 within 2 se)", dist_names[d]);
        series[ns] = (wk_series){.name = names[ns], .x = x[d], .y = y[d], .n = (size_t)r->n_sizes};
        ns++;
    }
    wk_chart_spec chart = {.title = "distance between two samples of one source", .x_label = "log10 m (points per sample)",
                           .y_label = "mean distance", .log_y = 1, .width = 720, .height = 400};
    char path[1200];
    snprintf(path, sizeof path, "%s/loglog.svg", dir);
    if (!rc) rc = wk_svg_write_line_chart(path, &chart, series, ns);
    snprintf(path, sizeof path, "%s/loglog.png", dir);
    if (!rc) rc = wk_png_line_chart(path, &chart, series, ns);
    /* index.html */
    wk_sb_puts(&sb, "<!doctype html><html><head><meta charset=\"utf-8\"><title>generalization</title>"
                    "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}</style></head><body>\n"
                    "<h1>Does the distance generalize?</h1>\n<p>Source <code>");
    wk_sb_append_xml(&sb, source_spec);
    wk_sb_printf(&sb, "</code>: for each m, %d pairs of independent samples of size m; the population distance is 0. "
                      "W1 between samples stays large, the neural net distance falls like m<sup>-1/2</sup> "
                      "(Arora et al. 2017, §3).</p>\n<img src=\"loglog.svg\" alt=\"log-log plot\">\n"
                      "<table><tr><th>m</th>", r->repeats);
    for (int d = 0; d < WK_DIST_COUNT; d++)
        if (measured(r, d)) wk_sb_printf(&sb, "<th>%s (mean ± se)</th>", dist_names[d]);
    wk_sb_puts(&sb, "</tr>\n");
    for (int i = 0; i < r->n_sizes; i++) {
        wk_sb_printf(&sb, "<tr><td>%lld</td>", (long long)r->sizes[i]);
        for (int d = 0; d < WK_DIST_COUNT; d++)
            if (measured(r, d)) wk_sb_printf(&sb, "<td>%.4g ± %.2g</td>", r->mean[i][d], r->se[i][d]);
        wk_sb_puts(&sb, "</tr>\n");
    }
    wk_sb_puts(&sb, "<tr><th>log-log slope</th>");
    for (int d = 0; d < WK_DIST_COUNT; d++)
        if (measured(r, d) && isfinite(r->slope[d])) wk_sb_printf(&sb, "<td>%.3f</td>", r->slope[d]);
        else if (measured(r, d)) wk_sb_puts(&sb, "<td>— (0 within 2 se)</td>");
    wk_sb_puts(&sb, "</tr></table>\n<p>Files: <a href=\"table.csv\">table.csv</a>, <a href=\"table.json\">table.json</a>, "
                    "<a href=\"loglog.png\">loglog.png</a>, <a href=\"loglog.svg\">loglog.svg</a>.</p></body></html>\n");
    if (!rc) rc = wk__write_sb(dir, "index.html", &sb);
    wk_sb_free(&sb);
    return rc;
}
