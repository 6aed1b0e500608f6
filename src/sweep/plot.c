/* plot.c — wk_sweep_plot (sweep.h): a metric's final values over the grid, as a heatmap over the
 * first two grid keys and as lines with error bars over the first key (one line per value of the
 * second), PNG and SVG from one drawing (canvas.h).
 *
 * Statistics per cell: mean and sample standard deviation over the done points of the cell (its
 * seeds, and the values of any further grid keys). A cell never hides that it is averaged over
 * fewer points than planned: it prints n/N when points failed or lack the metric, and a cell with
 * none is drawn grey ("failed"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/canvas.h"
#include "sweep/sweep_internal.h"
#include "wgankit/error.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

#define MAX_CELLS 4096
#define HEAT_NOTE "each cell: mean, sd (sample) and n of its done points, n done/planned when some failed"

typedef struct {
    int64_t planned, n; /* points, of them with a finite value */
    double mean, m2;    /* Welford */
} cell;

static const uint8_t BLACK[3] = {0, 0, 0}, GREY[3] = {110, 110, 110}, LIGHT[3] = {225, 225, 225}, WHITE[3] = {255, 255, 255};
static const uint8_t PALETTE[8][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
                                      {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {23, 190, 207}};

/* the metric in a metrics object: a top-level key, or "a.b" / "a[0]" as results.csv names it */
static int metric_value(const wk_json *m, const char *name, double *v) {
    const wk_json *x = wk_json_get(m, name);
    if (!x) {
        char key[WK_SWEEP_KEY];
        snprintf(key, sizeof key, "%s", name);
        char *dot = strchr(key, '.');
        if (dot) {
            *dot = 0;
            const wk_json *o = wk_json_get(m, key);
            if (o && o->type == WK_JSON_OBJECT) x = wk_json_get(o, dot + 1);
        }
    }
    if (!x || x->type != WK_JSON_NUMBER || !isfinite(x->number)) return 0;
    *v = x->number;
    return 1;
}

static double cell_sd(const cell *c) {
    return c->n > 1 ? sqrt(c->m2 / (double)(c->n - 1)) : NAN;
}

/* viridis, 5 anchors, linear between */
static void colour(double t, uint8_t out[3]) {
    static const double a[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double u = t * 4;
    int i = u >= 4 ? 3 : (int)u;
    double f = u - i;
    for (int k = 0; k < 3; k++) out[k] = (uint8_t)lround(a[i][k] + f * (a[i + 1][k] - a[i][k]));
}

static void fmt(char *buf, size_t n, double v) {
    if (!isfinite(v)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.4g", v);
}

/* Is every value of an axis a number? Then positions are numeric (log when all > 0 spanning >= 50x). */
static int numeric_axis(const wk_sweep_axis *ax, double *x, int *logx) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < ax->n; i++) {
        char *end;
        x[i] = strtod(ax->values[i], &end);
        if (end == ax->values[i] || *end || !isfinite(x[i])) return 0;
        lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    }
    *logx = lo > 0 && hi / lo >= 50;
    if (*logx)
        for (int i = 0; i < ax->n; i++) x[i] = log10(x[i]);
    return ax->n > 1 && hi > lo;
}

static int heatmap(const wk_sweep_spec *s, const char *metric, const cell *cells, int R, int C, int seeds_note) {
    const wk_sweep_axis *ay = &s->axes[0], *ax = &s->axes[1];
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < R * C; i++)
        if (cells[i].n) lo = fmin(lo, cells[i].mean), hi = fmax(hi, cells[i].mean);
    char buf[256], t1[64], t2[64];
    int label_w = 0;
    for (int r = 0; r < R; r++) label_w = (int)fmax(label_w, sw_text_width(ay->values[r], 1));
    int cw = 104, ch = 56, left = 40 + label_w + 10, top = 56, gw = C * cw, gh = R * ch;
    for (int c = 0; c < C; c++) cw = (int)fmax(cw, sw_text_width(ax->values[c], 1) + 8);
    gw = C * cw;
    int bar_x = left + gw + 24, width = bar_x + 110, height = top + gh + 64;
    snprintf(buf, sizeof buf, "%s: mean over %s", metric, seeds_note ? "seeds and further grid keys" : "seeds");
    width = (int)fmax(width, sw_text_width(buf, 2) + 20);
    width = (int)fmax(width, sw_text_width(HEAT_NOTE, 1) + 20);
    sw_canvas cv;
    int rc = sw_canvas_init(&cv, width, height);
    if (rc) return rc;
    sw_text(&cv, 10, 16, buf, BLACK, 2, -1, 0);
    sw_text(&cv, 10, 36, HEAT_NOTE, GREY, 1, -1, 0);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            const cell *e = &cells[r * C + c];
            double x = left + c * cw, y = top + r * ch;
            uint8_t col[3];
            if (e->n) colour(hi > lo ? (e->mean - lo) / (hi - lo) : 0.5, col);
            else memcpy(col, LIGHT, 3);
            sw_rect(&cv, x, y, cw - 1, ch - 1, col);
            const uint8_t *ink = e->n && (0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]) < 140 ? WHITE : BLACK;
            if (!e->n) {
                snprintf(buf, sizeof buf, "all %lld failed", (long long)e->planned);
                sw_text(&cv, x + cw / 2.0, y + ch / 2.0, e->planned ? buf : "-", ink, 1, 0, 0);
                continue;
            }
            fmt(t1, sizeof t1, e->mean);
            sw_text(&cv, x + cw / 2.0, y + 15, t1, ink, 2, 0, 0);
            fmt(t2, sizeof t2, cell_sd(e));
            snprintf(buf, sizeof buf, "sd %s", t2);
            sw_text(&cv, x + cw / 2.0, y + 33, buf, ink, 1, 0, 0);
            if (e->n < e->planned) {
                snprintf(buf, sizeof buf, "n %lld/%lld", (long long)e->n, (long long)e->planned);
                sw_text(&cv, x + cw / 2.0, y + 45, buf, ink, 1, 0, 0);
            } else {
                snprintf(buf, sizeof buf, "n %lld", (long long)e->n);
                sw_text(&cv, x + cw / 2.0, y + 45, buf, ink, 1, 0, 0);
            }
        }
    /* axes: values and titles */
    for (int r = 0; r < R; r++) sw_text(&cv, left - 6, top + r * ch + ch / 2.0, ay->values[r], BLACK, 1, 1, 0);
    for (int c = 0; c < C; c++) sw_text(&cv, left + c * cw + cw / 2.0, top + gh + 10, ax->values[c], BLACK, 1, 0, 0);
    sw_text(&cv, left + gw / 2.0, top + gh + 34, ax->key, BLACK, 2, 0, 0);
    sw_text(&cv, 16, top + gh / 2.0, ay->key, BLACK, 2, 0, 1);
    /* legend: the colour bar of the means */
    int bh = gh > 120 ? gh : 120;
    for (int j = 0; j < bh; j++) {
        uint8_t col[3];
        colour(1.0 - (double)j / (bh - 1), col);
        sw_rect(&cv, bar_x, top + j, 16, 1, col);
    }
    if (isfinite(lo)) {
        for (int k = 0; k <= 4; k++) {
            double v = hi - (hi - lo) * k / 4.0;
            fmt(t1, sizeof t1, v);
            sw_line(&cv, bar_x + 16, top + (bh - 1) * k / 4.0, bar_x + 20, top + (bh - 1) * k / 4.0, BLACK, 1, 0);
            sw_text(&cv, bar_x + 24, top + (bh - 1) * k / 4.0, t1, BLACK, 1, -1, 0);
        }
    }
    sw_text(&cv, bar_x, top + bh + 14, metric, BLACK, 1, -1, 0);
    char png[WK_GAN_STR + 96], svg[WK_GAN_STR + 96];
    snprintf(png, sizeof png, "%s/plot-%s-heatmap.png", s->out, metric);
    snprintf(svg, sizeof svg, "%s/plot-%s-heatmap.svg", s->out, metric);
    rc = sw_canvas_write(&cv, png, svg);
    sw_canvas_free(&cv);
    return rc;
}

static int lines(const wk_sweep_spec *s, const char *metric, const cell *cells, int R, int C, int seeds_note) {
    const wk_sweep_axis *ax = &s->axes[0], *as = s->n_axes > 1 ? &s->axes[1] : NULL;
    double *xv = wk_malloc((size_t)R * sizeof *xv);
    if (!xv) return WK_ENOMEM;
    int logx = 0, numeric = numeric_axis(ax, xv, &logx);
    if (!numeric)
        for (int r = 0; r < R; r++) xv[r] = r;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int r = 0; r < R; r++) xlo = fmin(xlo, xv[r]), xhi = fmax(xhi, xv[r]);
    for (int i = 0; i < R * C; i++) {
        if (!cells[i].n) continue;
        double sd = cell_sd(&cells[i]), m = cells[i].mean;
        if (!isfinite(sd)) sd = 0;
        ylo = fmin(ylo, m - sd), yhi = fmax(yhi, m + sd);
    }
    if (!(yhi > ylo)) ylo -= 0.5, yhi += 0.5;
    double pad = 0.06 * (yhi - ylo);
    ylo -= pad, yhi += pad;
    if (!(xhi > xlo)) xlo -= 0.5, xhi += 0.5;
    double xpad = 0.06 * (xhi - xlo);
    xlo -= xpad, xhi += xpad;
    char buf[256], t1[64];
    int left = 90, top = 56, pw = 560, ph = 340, legend_w = 0;
    for (int c = 0; c < C; c++) {
        if (as) snprintf(buf, sizeof buf, "%s=%s", as->key, as->values[c]);
        else snprintf(buf, sizeof buf, "mean of %s", metric);
        legend_w = (int)fmax(legend_w, sw_text_width(buf, 1));
    }
    legend_w = (int)fmax(legend_w, sw_text_width("bars: +-1 sd", 1)) + 40;
    int width = left + pw + 20 + legend_w + 10, height = top + ph + 70;
    snprintf(buf, sizeof buf, "%s over %s: mean +- sd over %s", metric, ax->key, seeds_note ? "seeds and further keys" : "seeds");
    width = (int)fmax(width, sw_text_width(buf, 2) + 20);
    sw_canvas cv;
    int rc = sw_canvas_init(&cv, width, height);
    if (rc) {
        wk_free(xv);
        return rc;
    }
    sw_text(&cv, 10, 16, buf, BLACK, 2, -1, 0);
#define PX(x) (left + ((x) - xlo) / (xhi - xlo) * pw)
#define PY(y) (top + ph - ((y) - ylo) / (yhi - ylo) * ph)
    /* grid and ticks */
    double step = wk_plot_nice_step(ylo, yhi, 6, 0);
    for (double y = ceil(ylo / step) * step; y <= yhi + 1e-12 * fabs(yhi); y += step) {
        sw_line(&cv, left, PY(y), left + pw, PY(y), LIGHT, 1, 0);
        fmt(t1, sizeof t1, fabs(y) < 1e-12 * step ? 0 : y);
        sw_text(&cv, left - 6, PY(y), t1, BLACK, 1, 1, 0);
    }
    for (int r = 0; r < R; r++) {
        sw_line(&cv, PX(xv[r]), top + ph, PX(xv[r]), top + ph + 4, BLACK, 1, 0);
        sw_text(&cv, PX(xv[r]), top + ph + 12, ax->values[r], BLACK, 1, 0, 0);
    }
    sw_line(&cv, left, top, left, top + ph, BLACK, 1, 0);
    sw_line(&cv, left, top + ph, left + pw, top + ph, BLACK, 1, 0);
    snprintf(buf, sizeof buf, "%s%s", ax->key, logx ? " (log scale)" : numeric ? "" : " (categories)");
    sw_text(&cv, left + pw / 2.0, top + ph + 36, buf, BLACK, 2, 0, 0);
    sw_text(&cv, 18, top + ph / 2.0, metric, BLACK, 2, 0, 1);
    /* series: one per value of the second key, dodged sideways so that bars do not overlap */
    for (int c = 0; c < C; c++) {
        const uint8_t *col = PALETTE[c % 8];
        double dodge = (c - (C - 1) / 2.0) * 4;
        double px = NAN, py = NAN;
        for (int r = 0; r < R; r++) {
            const cell *e = &cells[r * C + c];
            if (!e->n) {
                px = NAN;
                continue;
            }
            double x = PX(xv[r]) + dodge, y = PY(e->mean), sd = cell_sd(e);
            if (isfinite(px)) sw_line(&cv, px, py, x, y, col, 2, 0);
            if (isfinite(sd) && sd > 0) {
                sw_line(&cv, x, PY(e->mean - sd), x, PY(e->mean + sd), col, 1, 0);
                sw_line(&cv, x - 4, PY(e->mean - sd), x + 4, PY(e->mean - sd), col, 1, 0);
                sw_line(&cv, x - 4, PY(e->mean + sd), x + 4, PY(e->mean + sd), col, 1, 0);
            }
            sw_disc(&cv, x, y, e->n < e->planned ? 2.5 : 3.5, col);
            px = x, py = y;
        }
    }
    /* legend */
    int lx = left + pw + 20, ly = top + 6;
    for (int c = 0; c < C; c++, ly += 16) {
        if (as) snprintf(buf, sizeof buf, "%s=%s", as->key, as->values[c]);
        else snprintf(buf, sizeof buf, "mean of %s", metric);
        sw_line(&cv, lx, ly, lx + 22, ly, PALETTE[c % 8], 2, 0);
        sw_disc(&cv, lx + 11, ly, 3.5, PALETTE[c % 8]);
        sw_text(&cv, lx + 28, ly, buf, BLACK, 1, -1, 0);
    }
    sw_text(&cv, lx, ly + 6, "bars: +-1 sd", GREY, 1, -1, 0);
    sw_text(&cv, lx, ly + 20, "small dot: some", GREY, 1, -1, 0);
    sw_text(&cv, lx, ly + 32, "points failed", GREY, 1, -1, 0);
#undef PX
#undef PY
    char png[WK_GAN_STR + 96], svg[WK_GAN_STR + 96];
    snprintf(png, sizeof png, "%s/plot-%s-lines.png", s->out, metric);
    snprintf(svg, sizeof svg, "%s/plot-%s-lines.svg", s->out, metric);
    rc = sw_canvas_write(&cv, png, svg);
    sw_canvas_free(&cv);
    wk_free(xv);
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
        if (r.state == WK_POINT_DONE && r.metrics && metric_value(r.metrics, metric, &v)) {
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
