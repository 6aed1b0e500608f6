/* plot.c — wk_sweep_plot (sweep.h): a metric's final values over the grid, as a heatmap over the
 * first two grid keys and as lines with error bars over the first key (one line per value of the
 * second), PNG and SVG, drawn by the plot module (plot.h: wk_heatmap_write, the line charts).
 *
 * Statistics per cell: mean and sample standard deviation over the done points of the cell (its
 * seeds, and the values of any further grid keys). A cell never hides that it is averaged over
 * fewer points than planned: it prints n/N when points failed or lack the metric, and a cell with
 * none is drawn grey ("failed"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_internal.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/json.h"
#include "wgankit/metrics.h"
#include "wgankit/strbuf.h"
#include "wgankit/plot.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

#define MAX_CELLS 4096
#define HEAT_NOTE "each cell: mean, sd (sample) and n of its done points, n done/planned when some failed"

typedef struct {
    int64_t planned, n; /* points, of them with a finite value */
    double mean, m2;    /* Welford */
} cell;

/* the metric in a metrics object: a top-level key, or "a.b" / "a[0]" as results.csv names it */
int wk__sweep_metric_value(const wk_json *m, const char *name, double *v) {
    const wk_json *x = wk_json_get(m, name);
    if (!x) {
        char key[WK_SWEEP_KEY];
        snprintf(key, sizeof key, "%s", name);
        char *dot = strchr(key, '.'), *br = strchr(key, '[');
        if (dot) {
            *dot = 0;
            const wk_json *o = wk_json_get(m, key);
            if (o && o->type == WK_JSON_OBJECT) x = wk_json_get(o, dot + 1);
        } else if (br && br > key) { /* "mix_w_g[0]": an entry of an array (results.csv's column name) */
            char *end;
            unsigned long i = strtoul(br + 1, &end, 10);
            *br = 0;
            const wk_json *o = wk_json_get(m, key);
            if (end != br + 1 && !strcmp(end, "]") && o && o->type == WK_JSON_ARRAY && i < o->count) x = o->items[i];
        }
    }
    if (!x || x->type != WK_JSON_NUMBER || !isfinite(x->number)) return 0;
    *v = x->number;
    return 1;
}

int wk__sweep_plot_metric_check(const char *metric, int mix) {
    /* the names a run's metrics.jsonl can hold: one metrics line with every value present (0),
     * the image metrics computed and the mixture weights of T = mix components; the table that
     * writes metrics.jsonl (wk_gan_metrics_to_json) is the only list, so none is kept here */
    wk_gan_metrics m;
    memset(&m, 0, sizeof m);
    m.image.mask = WK_METRIC_ALL;
    m.mix = mix < 1 ? 1 : mix > WK_MIX_MAX ? WK_MIX_MAX : mix;
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_metrics_to_json(&m, &sb);
    wk_json *o = NULL;
    int rc = sb.data ? wk_json_parse(sb.data, sb.len, "metrics", &o) : WK_ENOMEM;
    double v;
    if (!rc && !wk__sweep_metric_value(o, metric, &v)) {
        char names[1024] = "";
        for (size_t i = 0; i < o->count; i++) {
            size_t len = strlen(names);
            if (o->items[i]->type == WK_JSON_NUMBER && strcmp(o->keys[i], "step"))
                snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", o->keys[i]);
            else if (o->items[i]->type == WK_JSON_ARRAY)
                snprintf(names + len, sizeof names - len, "%s%s[0..%zu]", len ? ", " : "", o->keys[i], o->items[i]->count - 1);
        }
        const wk_json *a = wk_json_get(o, metric);
        rc = a && a->type == WK_JSON_ARRAY
                 ? wk_errorf(WK_EINVAL, "--plot-metric %s: an array; name one entry as results.csv does (%s[0])", metric, metric)
                 : wk_errorf(WK_EINVAL, "--plot-metric %s: not a metric these runs write (metrics.jsonl keys: %s)", metric, names);
    }
    wk_json_free(o);
    wk_sb_free(&sb);
    return rc;
}

static double cell_sd(const cell *c) {
    return c->n > 1 ? sqrt(c->m2 / (double)(c->n - 1)) : NAN;
}

static void fmt(char *buf, size_t n, double v) {
    if (!isfinite(v)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.4g", v);
}

/* DIR/plot-<metric>-<kind>.png and .svg */
static void plot_paths(const wk_sweep_spec *s, const char *metric, const char *kind, char *png, char *svg, size_t n) {
    snprintf(png, n, "%s/plot-%s-%s.png", s->out, metric, kind);
    snprintf(svg, n, "%s/plot-%s-%s.svg", s->out, metric, kind);
}

static int heatmap(const wk_sweep_spec *s, const char *metric, const cell *cells, int R, int C, int seeds_note) {
    const wk_sweep_axis *ay = &s->axes[0], *ax = &s->axes[1];
    double *value = wk_malloc((size_t)R * C * sizeof *value);
    char (*lines)[3][48] = wk_malloc((size_t)R * C * sizeof *lines);
    const char **text = wk_malloc((size_t)R * C * 3 * sizeof *text);
    int rc = value && lines && text ? WK_OK : WK_ENOMEM;
    for (int i = 0; !rc && i < R * C; i++) {
        const cell *e = &cells[i];
        char t[24];
        value[i] = e->n ? e->mean : NAN;
        text[3 * i + 1] = text[3 * i + 2] = NULL, text[3 * i] = lines[i][0];
        if (!e->n) { /* a cell with no done point says how many failed */
            snprintf(lines[i][0], sizeof lines[i][0], e->planned ? "all %lld failed" : "-", (long long)e->planned);
            continue;
        }
        fmt(lines[i][0], sizeof lines[i][0], e->mean);
        fmt(t, sizeof t, cell_sd(e));
        snprintf(lines[i][1], sizeof lines[i][1], "sd %s", t);
        if (e->n < e->planned) snprintf(lines[i][2], sizeof lines[i][2], "n %lld/%lld", (long long)e->n, (long long)e->planned);
        else snprintf(lines[i][2], sizeof lines[i][2], "n %lld", (long long)e->n);
        text[3 * i + 1] = lines[i][1], text[3 * i + 2] = lines[i][2];
    }
    char title[256], png[WK_GAN_STR + 96], svg[WK_GAN_STR + 96];
    snprintf(title, sizeof title, "%s: mean over %s", metric, seeds_note ? "seeds and further grid keys" : "seeds");
    wk_heatmap_spec h = {.title = title, .note = HEAT_NOTE, .row_title = ay->key, .col_title = ax->key,
                         .row_names = (const char *const *)ay->values, .col_names = (const char *const *)ax->values,
                         .rows = R, .cols = C, .value = value, .text = text, .bar_title = metric};
    plot_paths(s, metric, "heatmap", png, svg, sizeof png);
    if (!rc) rc = wk_heatmap_write(png, svg, &h);
    wk_free(value), wk_free(lines), wk_free(text);
    return rc;
}

/* Grid values as chart positions: numbers when every value is one (a log axis when all > 0 and
 * they span >= 50x; whole-number ticks when all are integers), else categories 0 .. n-1. */
static int numeric_axis(const wk_sweep_axis *ax, double *x, int *logx, int *integer) {
    double lo = INFINITY, hi = -INFINITY;
    *integer = 1;
    for (int i = 0; i < ax->n; i++) {
        char *end;
        x[i] = strtod(ax->values[i], &end);
        if (end == ax->values[i] || *end || !isfinite(x[i])) return 0;
        lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
        *integer &= x[i] == floor(x[i]);
    }
    *logx = lo > 0 && hi / lo >= 50;
    return ax->n > 1 && hi > lo;
}

/* Mean +- sd over the first key, a series per value of the second, on the plot module's chart: its
 * points nudged sideways (1 % of the axis per series) so that the bars do not cover each other; a
 * cell averaged over fewer points than planned is ringed by a marker series of its own. */
static int lines(const wk_sweep_spec *s, const char *metric, const cell *cells, int R, int C, int seeds_note) {
    const wk_sweep_axis *ax = &s->axes[0], *as = s->n_axes > 1 ? &s->axes[1] : NULL;
    double *xv = wk_malloc((size_t)R * sizeof *xv), *xs = wk_malloc((size_t)R * C * sizeof *xs),
           *ys = wk_malloc((size_t)R * C * sizeof *ys), *es = wk_malloc((size_t)R * C * sizeof *es),
           *fy = wk_malloc((size_t)R * C * sizeof *fy);
    char (*names)[160] = wk_malloc((size_t)C * sizeof *names);
    wk_series *ser = wk_calloc((size_t)C + 1, sizeof *ser);
    int rc = xv && xs && ys && es && fy && names && ser ? WK_OK : WK_ENOMEM;
    if (!rc) {
        int logx = 0, integer = 0, numeric = numeric_axis(ax, xv, &logx, &integer), partial = 0;
        if (!numeric)
            for (int r = 0; r < R; r++) xv[r] = r;
        double lo = INFINITY, hi = -INFINITY; /* the axis, in its own units, for the nudge */
        for (int r = 0; r < R; r++) lo = fmin(lo, logx ? log10(xv[r]) : xv[r]), hi = fmax(hi, logx ? log10(xv[r]) : xv[r]);
        double span = numeric ? hi - lo : R;
        for (int c = 0; c < C; c++) {
            double nudge = (c - (C - 1) / 2.0) * 0.01 * (span > 0 ? span : 1);
            for (int r = 0; r < R; r++) {
                const cell *e = &cells[r * C + c];
                int k = c * R + r;
                xs[k] = logx ? xv[r] * pow(10, nudge) : xv[r] + nudge;
                ys[k] = e->n ? e->mean : NAN;
                es[k] = e->n ? cell_sd(e) : NAN;
                fy[k] = e->n && e->n < e->planned ? e->mean : NAN;
                partial |= isfinite(fy[k]);
            }
            if (as) snprintf(names[c], sizeof names[c], "%s=%s", as->key, as->values[c]);
            else snprintf(names[c], sizeof names[c], "mean of %s", metric);
            ser[c] = (wk_series){.name = names[c], .x = xs + c * R, .y = ys + c * R, .n = (size_t)R, .err = es + c * R};
        }
        size_t ns = (size_t)C;
        if (partial) /* one marker series over all cells: x of every series in turn */
            ser[ns++] = (wk_series){.name = "fewer done points than planned", .x = xs, .y = fy, .n = (size_t)R * C, .markers = 1};
        char title[256], xlabel[WK_SWEEP_KEY + 16], png[WK_GAN_STR + 96], svg[WK_GAN_STR + 96];
        snprintf(title, sizeof title, "%s over %s: mean, bars +-1 sd over %s", metric, ax->key, seeds_note ? "seeds and further keys" : "seeds");
        snprintf(xlabel, sizeof xlabel, "%s%s", ax->key, numeric ? "" : " (categories)");
        wk_chart_spec spec = {.title = title, .x_label = xlabel, .y_label = metric, .log_x = logx, .integer_x = numeric && integer && !logx,
                              .width = 800, .height = 460};
        if (!numeric) spec.x_names = (const char *const *)ax->values, spec.n_x_names = R;
        plot_paths(s, metric, "lines", png, svg, sizeof png);
        rc = wk_png_line_chart(png, &spec, ser, ns);
        if (!rc) rc = wk_svg_write_line_chart(svg, &spec, ser, ns);
    }
    wk_free(xv), wk_free(xs), wk_free(ys), wk_free(es), wk_free(fy), wk_free(names), wk_free(ser);
    return rc;
}

int wk_sweep_plot(const wk_sweep_spec *s, const char *metric) {
    if (!metric) metric = s->plot_metric;
    for (const char *c = metric; *c; c++)
        if (*c == '/' || *c == '\\') return wk_errorf(WK_EINVAL, "--plot-metric %s: not a metric name", metric);
    if (s->n_axes == 0) return wk_errorf(WK_EINVAL, "no grid keys: nothing to plot %s over", metric);
    int R = s->axes[0].n, C = s->n_axes > 1 ? s->axes[1].n : 1;
    if ((int64_t)R * C > MAX_CELLS) return wk_errorf(WK_EINVAL, "plot: %d x %d cells are more than %d", R, C, MAX_CELLS);
    cell *cells = wk_calloc((size_t)R * (size_t)C, sizeof *cells);
    if (!cells) return WK_ENOMEM;
    int64_t n = wk_sweep_n_points(s), with = 0;
    int rc = WK_OK;
    for (int64_t i = 0; i < n; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        if ((rc = wk_sweep_point_at(s, i, &p)) || (rc = wk_sweep_point_result(s, &p, &r))) break;
        cell *e = &cells[p.value[0] * C + (s->n_axes > 1 ? p.value[1] : 0)];
        e->planned++;
        double v;
        if (r.state == WK_POINT_DONE && r.metrics && wk__sweep_metric_value(r.metrics, metric, &v)) {
            e->n++, with++;
            double d = v - e->mean;
            e->mean += d / (double)e->n;
            e->m2 += d * (v - e->mean);
        }
        wk_sweep_result_free(&r);
    }
    if (!rc && !with) rc = wk_errorf(WK_EINVAL, "--plot-metric %s: no finished point has this metric (see results.csv for the names)", metric);
    int more = s->n_axes > 2;
    if (!rc && s->n_axes >= 2) rc = heatmap(s, metric, cells, R, C, more);
    if (!rc) rc = lines(s, metric, cells, R, C, more);
    wk_free(cells);
    return rc;
}
