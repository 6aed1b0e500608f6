/* chart_png.c — line charts as PNG (plot.h: wk_png_line_chart), the raster twin of svg.c's
 * charts for places that show images only: the same frame (chart_axes.c: ranges, 1-2-5 grid,
 * decades on a log axis, category slots), shaded bands, error bars, the y = x diagonal, markers
 * at the data points (one shape per series: marker()), numeric tick labels drawn with a 3x5 digit font (digits, '.', '-', 'e' are
 * all a %g tick label needs); category names, the title, the axis titles (the y title turned a
 * quarter left) and a legend at the right (a colour swatch and each series' name, the margin
 * sized to the longest name) in the 5x7 font of the scatter plots (font5x7.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/chart_axes.h"
#include "plot/font5x7.h"
#include "wgankit/error.h"
#include "wgankit/plot.h"

/* svg.c's colours in svg.c's order, so a series has one colour in both pictures of a chart */
static const uint8_t palette[][3] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {255, 127, 14}, {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
static const uint8_t GRID[3] = {225, 225, 225}, GRID_DARK[3] = {136, 136, 136}, INK[3] = {51, 51, 51};

/* 3x5 glyphs, one row per 3 bits (MSB left): 0-9 . - e + (a %g label's exponent: 1e+06) */
static const uint8_t glyphs[14][5] = {{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
                                      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
                                      {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}, {0, 7, 7, 4, 7}, {0, 2, 7, 2, 0}};

/* Text with its top-left corner at (x, y), each font pixel a s x s block. */
static void text(wk_image *img, int x, int y, const char *t, int s) {
    for (; *t; t++, x += 4 * s) {
        const char *set = "0123456789.-e+", *p = strchr(set, *t);
        if (!p || !*t) continue;
        const uint8_t *g = glyphs[p - set];
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                if (g[r] >> (2 - c) & 1)
                    for (int dy = 0; dy < s; dy++) wk_image_line(img, x + c * s, y + r * s + dy, x + c * s + s - 1, y + r * s + dy, INK, 1);
    }
}

static int usable(const wk_chart_spec *spec, double x, double y) { return wk__chart_usable(spec, x, y); }

/* Series s's marker at (cx, cy), its shape by s (svg.c's order): a filled disc, then outlines
 * around it (a square, a diamond, a triangle, a plus, a cross), so that two series with the same
 * value at the same x both stay visible (a disc drawn over a disc hid the first series). */
static void marker(wk_image *img, double cx, double cy, size_t s, const uint8_t col[3]) {
    const double r = 5;
    switch (s % WK_CHART_SHAPES) {
    case 0: wk_image_disc(img, cx, cy, 3, col, 1); break;
    case 1:
        for (int o = 0; o < 2; o++) { /* 2 px outlines */
            const double q = r - o;
            wk_image_line(img, cx - q, cy - q, cx + q, cy - q, col, 1), wk_image_line(img, cx + q, cy - q, cx + q, cy + q, col, 1);
            wk_image_line(img, cx + q, cy + q, cx - q, cy + q, col, 1), wk_image_line(img, cx - q, cy + q, cx - q, cy - q, col, 1);
        }
        break;
    case 2:
        for (int o = 0; o < 2; o++) {
            const double q = r + 2 - o;
            wk_image_line(img, cx, cy - q, cx + q, cy, col, 1), wk_image_line(img, cx + q, cy, cx, cy + q, col, 1);
            wk_image_line(img, cx, cy + q, cx - q, cy, col, 1), wk_image_line(img, cx - q, cy, cx, cy - q, col, 1);
        }
        break;
    case 3:
        for (int o = 0; o < 2; o++) {
            const double q = r + 2 - o;
            wk_image_line(img, cx, cy - q, cx + q, cy + q * 0.8, col, 1), wk_image_line(img, cx + q, cy + q * 0.8, cx - q, cy + q * 0.8, col, 1);
            wk_image_line(img, cx - q, cy + q * 0.8, cx, cy - q, col, 1);
        }
        break;
    case 4:
        for (int o = 0; o < 2; o++) wk_image_line(img, cx - r - 1, cy + o, cx + r + 1, cy + o, col, 1), wk_image_line(img, cx + o, cy - r - 1, cx + o, cy + r + 1, col, 1);
        break;
    default:
        for (int o = 0; o < 2; o++) wk_image_line(img, cx - r + o, cy - r, cx + r + o, cy + r, col, 1), wk_image_line(img, cx - r + o, cy + r, cx + r + o, cy - r, col, 1);
        break;
    }
}

/* A band between (x0, lo0..hi0) and (x1, lo1..hi1), pixel coordinates, filled column by column
 * (each column once: x0 included, x1 not) with the SVG's opacity. */
static void band_quad(wk_image *img, double x0, double lo0, double hi0, double x1, double lo1, double hi1, const uint8_t col[3]) {
    for (long x = lround(x0); x < lround(x1); x++) {
        double t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
        wk_image_line(img, x, lo0 + t * (lo1 - lo0), x, hi0 + t * (hi1 - hi0), col, 0.18);
    }
}

int wk_png_line_chart(const char *path, const wk_chart_spec *spec, const wk_series *series, size_t n_series) {
    const int W = spec->width ? spec->width : 640, H = spec->height ? spec->height : 400;
    /* margins: the legend's column at the right (swatch, gap, the longest name, 16 px to the
     * image's edge: a long name ended 8 px from it and read as cut off), the title above,
     * the x title under the tick labels, the turned y title left of them */
    int legend_w = 0;
    for (size_t s = 0; s < n_series; s++)
        if (series[s].name && series[s].y && wk__text_width(series[s].name, 1) > legend_w) legend_w = wk__text_width(series[s].name, 1);
    wk_chart_frame f;
    wk__chart_fit(spec, series, n_series, &f);
    /* the left margin fits the widest y label (a long one was cut at the image's edge) */
    const double left = wk__chart_png_left(spec, &f), right = legend_w ? 16 + 22 + legend_w + 16 : 16,
                 top = spec->title ? 30 : 16, bottom = spec->x_label ? 52 : 36, pw = W - left - right, ph = H - top - bottom;
    if (pw < 50 || ph < 50) return wk_errorf(WK_EINVAL, "png chart: %d x %d is too small for its legend and labels", W, H);
    const double xlo = f.xlo, xhi = f.xhi, ylo = f.ylo, yhi = f.yhi;
    const int cat = spec->x_names && spec->n_x_names > 0;
#define SX(x) (left + ((x) - xlo) / (xhi - xlo) * pw)
#define SY(y) (top + ph - ((y) - ylo) / (yhi - ylo) * ph)
    wk_image img;
    int rc = wk_image_alloc(&img, W, H, 3);
    if (rc) return rc;
    memset(img.pixels, 255, (size_t)W * H * 3);
    char lab[48];
    double xc[WK_CHART_MAX_TICKS], xw[WK_CHART_MAX_TICKS];
    for (int k = 0; k < f.nxt; k++) {
        const char *l = wk__chart_xtick_label(spec, &f, k, lab, sizeof lab);
        xc[k] = SX(f.xt[k]), xw[k] = cat ? wk__text_width(l, 1) : 8.0 * (double)strlen(l);
    }
    /* every stride-th x label, so that none runs into the next (their grid lines all stay) */
    const int stride = wk__chart_label_stride(xc, xw, f.nxt, 8, W);
    for (int k = 0; k < f.nxt; k++) {
        double x = f.xt[k];
        wk_image_line(&img, SX(x), top, SX(x), top + ph, GRID, 1);
        if (!stride || k % stride) continue;
        const char *l = wk__chart_xtick_label(spec, &f, k, lab, sizeof lab);
        const double x0 = xc[k] - xw[k] / 2;
        if (cat) wk__text_draw(&img, (int)x0, (int)(top + ph + 8), l, 1, INK, 0); /* names: the label font */
        else text(&img, (int)x0, (int)(top + ph + 8), l, 2);
    }
    for (int k = 0; k < f.nyt; k++) {
        double y = f.yt[k];
        wk_image_line(&img, left, SY(y), left + pw, SY(y), GRID, 1);
        const char *l = wk__chart_ytick_label(spec, &f, k, lab, sizeof lab);
        text(&img, (int)(left - 6 - 8.0 * strlen(l)), (int)(SY(y) - 5), l, 2);
    }
    if (spec->diagonal && !spec->log_x && !spec->log_y && !cat) /* y = x, dashed */
        for (double t = 0; t < 1; t += 0.02) wk_image_line(&img, SX(xlo + t * (xhi - xlo)), SY(xlo + t * (xhi - xlo)),
                                                            SX(xlo + (t + 0.01) * (xhi - xlo)), SY(xlo + (t + 0.01) * (xhi - xlo)), GRID_DARK, 1);
    for (size_t s = 0; s < n_series; s++) { /* bands under every line, one run of usable points at a time */
        const wk_series *se = &series[s];
        const uint8_t *col = palette[s % (sizeof palette / sizeof palette[0])];
#define BX(k) SX(wk__chart_tx(spec, se->x[k]))
#define BY(b, k) SY(wk__chart_ty(spec, (b)[k]))
        for (size_t i, j = 0; wk__chart_band_run(spec, se, &i, &j);) {
            if (j - i == 1) /* a single evaluation still shows its band: the plot's width */
                band_quad(&img, left, BY(se->band_lo, i), BY(se->band_hi, i), left + pw, BY(se->band_lo, i), BY(se->band_hi, i), col);
            for (size_t k = i; k + 1 < j; k++)
                band_quad(&img, BX(k), BY(se->band_lo, k), BY(se->band_hi, k), BX(k + 1) + (k + 2 == j), BY(se->band_lo, k + 1),
                          BY(se->band_hi, k + 1), col);
        }
#undef BX
#undef BY
    }
    wk_image_line(&img, left, top, left + pw, top, INK, 1);
    wk_image_line(&img, left, top + ph, left + pw, top + ph, INK, 1);
    wk_image_line(&img, left, top, left, top + ph, INK, 1);
    wk_image_line(&img, left + pw, top, left + pw, top + ph, INK, 1);
    for (size_t s = 0; s < n_series; s++) {
        const uint8_t *col = palette[s % (sizeof palette / sizeof palette[0])];
        double px = NAN, py = NAN;
        for (size_t i = 0; i < series[s].n; i++) {
            double x = series[s].x[i], y = series[s].y[i];
            if (!usable(spec, x, y)) {
                px = NAN;
                continue;
            }
            double cx = SX(wk__chart_tx(spec, x)), cy = SY(wk__chart_ty(spec, y));
            if (isfinite(px) && !spec->points_only && !series[s].markers)
                for (int o = 0; o < 2; o++) wk_image_line(&img, px, py + o, cx, cy + o, col, 1); /* 2 px thick */
            double e = series[s].err ? series[s].err[i] : NAN;
            if (e > 0) { /* an error bar: a whisker with 4-px caps, its ends kept inside the frame */
                double lo = usable(spec, x, y - e) ? fmin(SY(wk__chart_ty(spec, y - e)), top + ph) : top + ph;
                double hi = fmax(SY(wk__chart_ty(spec, y + e)), top);
                wk_image_line(&img, cx, lo, cx, hi, col, 1);
                wk_image_line(&img, cx - 4, lo, cx + 4, lo, col, 1), wk_image_line(&img, cx - 4, hi, cx + 4, hi, col, 1);
            }
            marker(&img, cx, cy, s, col);
            px = cx, py = cy;
        }
    }
#undef SX
#undef SY
    if (spec->title) { /* over the plot, kept inside the picture (as svg.c's) */
        const double tw = wk__text_width(spec->title, 1);
        wk__text_draw(&img, (int)fmax(fmin(left + (pw - tw) / 2, W - tw - 4), 4), 10, spec->title, 1, INK, 0);
    }
    char axis[256]; /* a log axis says so after its title, as in the SVG chart */
    if (spec->x_label) {
        snprintf(axis, sizeof axis, "%s%s", spec->x_label, spec->log_x ? " (log scale)" : "");
        wk__text_draw(&img, (int)(left + (pw - wk__text_width(axis, 1)) / 2), (int)(top + ph + 30), axis, 1, INK, 0);
    }
    if (spec->y_label) {
        snprintf(axis, sizeof axis, "%s%s", spec->y_label, spec->log_y ? " (log scale)" : "");
        wk__text_draw(&img, 6, (int)(top + (ph + wk__text_width(axis, 1)) / 2), axis, 1, INK, 1);
    }
    for (size_t s = 0, row = 0; s < n_series; s++) { /* the legend: one row per named series, in the series' colour */
        if (!series[s].name || !series[s].y) continue;
        const uint8_t *col = palette[s % (sizeof palette / sizeof palette[0])];
        double x = left + pw + 16, y = top + 6 + 16.0 * (double)row++; /* rows apart by more than a marker's 14 px */
        if (y + 7 > H) break;
        if (!spec->points_only && !series[s].markers) /* a line series: a stroke; marker-only series: a dot alone */
            for (int o = 0; o < 2; o++) wk_image_line(&img, x, y + 3 + o, x + 16, y + 3 + o, col, 1);
        marker(&img, x + 8, y + 3.5, s, col);
        wk__text_draw(&img, (int)(x + 22), (int)y, series[s].name, 1, INK, 0);
    }
    rc = wk_png_write(path, &img);
    wk_image_free(&img);
    return rc;
}
