/* chart_axes.h — the frame of a line chart (chart_axes.c), fitted once for both renderers
 * (svg.c, chart_png.c) so that the SVG and the PNG of a chart show the same ranges and ticks.
 * Internal to src/plot. */
#ifndef WK_PLOT_CHART_AXES_H
#define WK_PLOT_CHART_AXES_H

#include "wgankit/plot.h"

#define WK_CHART_MAX_TICKS 64

typedef struct wk_chart_frame {
    double xlo, xhi, ylo, yhi; /* the plotted ranges in axis units (log10 on a log axis) */
    double xs, ys;             /* tick steps on linear axes */
    double xt[WK_CHART_MAX_TICKS], yt[WK_CHART_MAX_TICKS]; /* ticks, axis units */
    int nxt, nyt;
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
/* The label of x tick k: a category's name, or the value in %.6g. */
const char *wk__chart_xtick_label(const wk_chart_spec *spec, const wk_chart_frame *f, int k, char *buf, size_t n);

#endif
