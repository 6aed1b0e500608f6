/* chart_axes.h — the frame of a line chart (chart_axes.c), fitted once for both renderers
 * (svg.c, chart_png.c) so that the SVG and the PNG of a chart show the same ranges and ticks.
 * Internal to src/plot. */
#ifndef WK_PLOT_CHART_AXES_H
#define WK_PLOT_CHART_AXES_H

#include "wgankit/plot.h"

#define WK_CHART_MAX_TICKS 64
/* marker shapes of the line charts, series s drawing shape s % WK_CHART_SHAPES (PNG and SVG
 * alike): a disc, a square, a diamond, a triangle, a plus, a cross */
#define WK_CHART_SHAPES 6

typedef struct wk_chart_frame {
    double xlo, xhi, ylo, yhi; /* the plotted ranges in axis units (log10 on a log axis) */
    double xs, ys;             /* tick steps on linear axes */
    double xt[WK_CHART_MAX_TICKS], yt[WK_CHART_MAX_TICKS]; /* ticks, axis units */
    int nxt, nyt;
    int xdigits, ydigits; /* the linear axes' label precision (wk__tick_digits), fitted with the ticks */
    size_t marks; /* usable data points (points with y) */
} wk_chart_frame;

/* A point the chart can place: finite, and positive on a log axis. */
int wk__chart_usable(const wk_chart_spec *spec, double x, double y);
/* Data units to axis units. */
double wk__chart_tx(const wk_chart_spec *spec, double x);
double wk__chart_ty(const wk_chart_spec *spec, double y);
/* The ranges over every usable point, band edge and error-bar end; 1-2-5 ticks (whole numbers on
 * integer axes, wk_plot_log_ticks on a log x axis, decades on a log y axis); a categorical x axis
 * (spec->x_names) spans -0.5 .. n - 0.5 with a tick at each category. */
void wk__chart_fit(const wk_chart_spec *spec, const wk_series *series, size_t n_series, wk_chart_frame *f);
/* The next run of a series' points whose band edges the chart can place: [*i, *j). Start with
 * *j = 0; returns 0 when there is none left. */
int wk__chart_band_run(const wk_chart_spec *spec, const wk_series *se, size_t *i, size_t *j);
/* The %g precision for the labels of ticks v[0..n) one `step` apart: as many significant digits
 * as tell neighbouring ticks apart (whole numbers below 10^7 in full), more while rounding still
 * makes two alike (so 1000000.1 .. 1000000.5 never all read "1e+06", -122000 never "-1.2e+05"
 * beside "-1.2e+05"). Shared by the scatter's and the line charts' labels. */
int wk__tick_digits(const double *v, int n, double step);
/* The label of x tick k: a category's name, or the value with wk__tick_digits' precision. */
const char *wk__chart_xtick_label(const wk_chart_spec *spec, const wk_chart_frame *f, int k, char *buf, size_t n);
/* The label of y tick k: the value with wk__tick_digits' precision (a log axis: the power of ten
 * in %g). */
const char *wk__chart_ytick_label(const wk_chart_spec *spec, const wk_chart_frame *f, int k, char *buf, size_t n);
/* The smallest stride s such that the x labels k = 0, s, 2s, ... (centres c[k], widths w[k], in
 * pixels) keep `gap` px apart and stay inside [0, width]: every s-th label is drawn, evenly, so
 * long labels never run into each other. 0 when not even one label fits. */
int wk__chart_label_stride(const double *c, const double *w, int n, double gap, double width);
/* The PNG chart's left margin: room for the turned y title and the widest y tick label (the
 * 3x5 digit font at scale 2: 8 px a character), at least the default 64 / 80 px. */
double wk__chart_png_left(const wk_chart_spec *spec, const wk_chart_frame *f);

#endif
