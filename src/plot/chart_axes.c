/* chart_axes.c — fitting a line chart's frame (chart_axes.h): data ranges, padding and ticks,
 * shared by the SVG and PNG renderers, so one spec gives one picture in both formats. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/chart_axes.h"

int wk__chart_usable(const wk_chart_spec *spec, double x, double y) {
    return isfinite(x) && isfinite(y) && (!spec->log_y || y > 0) && (!spec->log_x || x > 0);
}

double wk__chart_tx(const wk_chart_spec *spec, double x) { return spec->log_x ? log10(x) : x; }
double wk__chart_ty(const wk_chart_spec *spec, double y) { return spec->log_y ? log10(y) : y; }

/* Widen the ranges by (x, y) when the chart can place it. */
static void extend(const wk_chart_spec *spec, wk_chart_frame *f, double x, double y) {
    if (!wk__chart_usable(spec, x, y)) return;
    x = wk__chart_tx(spec, x), y = wk__chart_ty(spec, y);
    f->xlo = fmin(f->xlo, x), f->xhi = fmax(f->xhi, x), f->ylo = fmin(f->ylo, y), f->yhi = fmax(f->yhi, y);
}

void wk__chart_fit(const wk_chart_spec *spec, const wk_series *series, size_t n_series, wk_chart_frame *f) {
    f->xlo = f->ylo = INFINITY, f->xhi = f->yhi = -INFINITY, f->marks = 0;
    int bars = 0;
    for (size_t s = 0; s < n_series; s++)
        for (size_t i = 0; i < series[s].n; i++) {
            const wk_series *se = &series[s];
            double x = se->x[i];
            if (se->y) extend(spec, f, x, se->y[i]), f->marks += wk__chart_usable(spec, x, se->y[i]);
            if (se->band_lo) extend(spec, f, x, se->band_lo[i]);
            if (se->band_hi) extend(spec, f, x, se->band_hi[i]);
            if (se->y && se->err && se->err[i] > 0) { /* a bar's end (its low end may leave a log axis) */
                extend(spec, f, x, se->y[i] - se->err[i]), extend(spec, f, x, se->y[i] + se->err[i]);
                bars = 1;
            }
        }
    int cat = spec->x_names && spec->n_x_names > 0;
    if (spec->diagonal && f->xlo <= f->xhi && !spec->log_x && !spec->log_y && !cat) { /* square, so that y = x is the 45° line */
        double lo = fmin(f->xlo, f->ylo), hi = fmax(f->xhi, f->yhi);
        f->xlo = f->ylo = lo, f->xhi = f->yhi = hi;
    }
    if (!(f->xlo <= f->xhi)) f->xlo = 0, f->xhi = 1, f->ylo = 0, f->yhi = 1; /* no data: empty axes */
    int int_x = spec->integer_x && !spec->log_x;
    if (f->xhi == f->xlo) f->xlo -= int_x ? 1 : 0.5, f->xhi += int_x ? 1 : 0.5;
    if (spec->log_x || bars) { /* end points (and error bars' caps) off the frame */
        double pad = (spec->log_x ? 0.03 : 0.05) * (f->xhi - f->xlo);
        f->xlo -= pad, f->xhi += pad;
    }
    if (cat) f->xlo = -0.5, f->xhi = spec->n_x_names - 0.5; /* one slot per category */
    if (f->yhi == f->ylo) {
        f->ylo -= spec->log_y ? 1 : 0.5 + fabs(f->ylo) * 0.1;
        f->yhi += spec->log_y ? 1 : 0.5 + fabs(f->yhi) * 0.1;
    }
    f->xs = wk_plot_nice_step(f->xlo, f->xhi, 6, spec->integer_x);
    f->ys = spec->log_y ? fmax(1, ceil((f->yhi - f->ylo) / 6)) : wk_plot_nice_step(f->ylo, f->yhi, 5, spec->integer_y);
    if (spec->log_y) f->ylo = floor(f->ylo), f->yhi = ceil(f->yhi);
    else f->ylo = floor(f->ylo / f->ys) * f->ys, f->yhi = ceil(f->yhi / f->ys) * f->ys;
    if (spec->diagonal && !spec->log_x && !spec->log_y && !cat)
        f->xlo = fmin(f->xlo, f->ylo), f->xhi = fmax(f->xhi, f->yhi), f->ylo = f->xlo, f->yhi = f->xhi, f->xs = f->ys = fmax(f->xs, f->ys);
    f->nxt = f->nyt = 0;
    if (cat)
        for (int k = 0; k < spec->n_x_names && k < WK_CHART_MAX_TICKS; k++) f->xt[f->nxt++] = k;
    else if (spec->log_x) f->nxt = wk_plot_log_ticks(f->xlo, f->xhi, f->xt, WK_CHART_MAX_TICKS);
    else
        for (double x0 = ceil(f->xlo / f->xs - 1e-9) * f->xs; f->nxt < 50 && x0 + f->nxt * f->xs <= f->xhi + f->xs * 1e-9; f->nxt++)
            f->xt[f->nxt] = x0 + f->nxt * f->xs;
    for (; f->nyt < 50 && f->ylo + f->nyt * f->ys <= f->yhi + f->ys * 1e-9; f->nyt++) f->yt[f->nyt] = f->ylo + f->nyt * f->ys;
    f->xdigits = wk__tick_digits(f->xt, f->nxt, f->xs);
    f->ydigits = wk__tick_digits(f->yt, f->nyt, f->ys);
}

static int band_usable(const wk_chart_spec *spec, const wk_series *se, size_t k) {
    return wk__chart_usable(spec, se->x[k], se->band_lo[k]) && wk__chart_usable(spec, se->x[k], se->band_hi[k]);
}

int wk__chart_band_run(const wk_chart_spec *spec, const wk_series *se, size_t *i, size_t *j) {
    if (!se->band_lo || !se->band_hi) return 0;
    for (*i = *j; *i < se->n && !band_usable(spec, se, *i);) ++*i;
    for (*j = *i; *j < se->n && band_usable(spec, se, *j);) ++*j;
    return *j > *i;
}

int wk__tick_digits(const double *v, int n, double step) {
    if (!(step > 0) || !isfinite(step)) return 6; /* no step to tell apart (an axis without ticks) */
    double maxabs = 0;
    for (int k = 0; k < n; k++) maxabs = fmax(maxabs, fabs(v[k]));
    int e = maxabs > 0 ? (int)floor(log10(maxabs)) : 0, es = (int)floor(log10(step));
    int prec = e - es + 1;
    if (e >= 0 && e < 7 && prec < e + 1) prec = e + 1;
    if (prec < 1) prec = 1;
    char a[40], b[40];
    for (; prec < 17; prec++) {
        int alike = 0;
        for (int k = 1; k < n && !alike; k++) {
            snprintf(a, sizeof a, "%.*g", prec, fabs(v[k - 1]) < step * 1e-9 ? 0.0 : v[k - 1]);
            snprintf(b, sizeof b, "%.*g", prec, fabs(v[k]) < step * 1e-9 ? 0.0 : v[k]);
            alike = !strcmp(a, b);
        }
        if (!alike) break;
    }
    return prec;
}

const char *wk__chart_xtick_label(const wk_chart_spec *spec, const wk_chart_frame *f, int k, char *buf, size_t n) {
    if (spec->x_names && spec->n_x_names > 0) return spec->x_names[(int)f->xt[k]];
    double x = f->xt[k];
    if (spec->log_x) snprintf(buf, n, "%.6g", pow(10, x));
    else snprintf(buf, n, "%.*g", f->xdigits, fabs(x) < f->xs * 1e-9 ? 0 : x);
    return buf;
}

const char *wk__chart_ytick_label(const wk_chart_spec *spec, const wk_chart_frame *f, int k, char *buf, size_t n) {
    double y = f->yt[k];
    if (spec->log_y) snprintf(buf, n, "%.6g", pow(10, y));
    else snprintf(buf, n, "%.*g", f->ydigits, fabs(y) < f->ys * 1e-9 ? 0 : y);
    return buf;
}

int wk__chart_label_stride(const double *c, const double *w, int n, double gap, double width) {
    for (int st = 1; st <= n; st++) {
        int ok = 1;
        for (int k = 0; k < n && ok; k += st)
            ok = c[k] - w[k] / 2 >= 0 && c[k] + w[k] / 2 <= width && (k == 0 || c[k] - w[k] / 2 >= c[k - st] + w[k - st] / 2 + gap);
        if (ok) return st;
    }
    return 0;
}

double wk__chart_png_left(const wk_chart_spec *spec, const wk_chart_frame *f) {
    double left = spec->y_label ? 80 : 64;
    char lab[48];
    for (int k = 0; k < f->nyt; k++) {
        /* the label ends 6 px left of the frame; the turned y title takes x = 6 .. 14 */
        double need = (spec->y_label ? 18 : 4) + 8.0 * (double)strlen(wk__chart_ytick_label(spec, f, k, lab, sizeof lab)) + 6;
        left = fmax(left, need);
    }
    return left;
}
