/* chart_png.c — line charts as PNG (plot.h: wk_png_line_chart), the raster twin of svg.c's
 * charts for places that show images only: same series and palette, 1-2-5 grid (decades on a
 * log axis), markers at the data points, tick labels drawn with a 3x5 digit font (digits, '.',
 * '-', 'e' are all a %g tick label needs); the title, the axis titles (the y axis's above the axis)
 * and a legend at the right (colour swatch and name per named series) in the 5x7 label font.
 * points_only (or a series' markers) draws markers without lines. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/plot.h"
#include "io/font5x7.h"

static const uint8_t palette[][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
static const uint8_t GRID[3] = {225, 225, 225}, INK[3] = {51, 51, 51};

/* 3x5 glyphs, one row per 3 bits (MSB left): 0-9 . - e */
static const uint8_t glyphs[13][5] = {{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
                                      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
                                      {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}, {0, 7, 7, 4, 7}};

/* Text with its top-left corner at (x, y), each font pixel a s x s block. */
static void text(wk_image *img, int x, int y, const char *t, int s) {
    for (; *t; t++, x += 4 * s) {
        const char *set = "0123456789.-e", *p = strchr(set, *t);
        if (!p || !*t) continue;
        const uint8_t *g = glyphs[p - set];
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                if (g[r] >> (2 - c) & 1)
                    for (int dy = 0; dy < s; dy++) wk_image_line(img, x + c * s, y + r * s + dy, x + c * s + s - 1, y + r * s + dy, INK, 1);
    }
}

/* Label text in the 5x7 font, top-left corner at (x, y), each font pixel s x s. */
static void label(wk_image *img, int x, int y, const char *t, int s) {
    for (; *t; t++, x += 6 * s)
        for (int r = 0; r < 7; r++)
            for (int q = 0; q < 5; q++)
                if (wk__glyph_pixel(*t, r, q))
                    for (int a = 0; a < s; a++) wk_image_line(img, x + q * s, y + r * s + a, x + q * s + s - 1, y + r * s + a, INK, 1);
}

static double nice_step(double lo, double hi, int target) {
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

int wk_png_line_chart(const char *path, const wk_chart_spec *spec, const wk_series *series, size_t n_series) {
    size_t legend_chars = 0;
    for (size_t s = 0; s < n_series; s++)
        if (series[s].name && strlen(series[s].name) > legend_chars) legend_chars = strlen(series[s].name);
    if (legend_chars > 40) legend_chars = 40;
    const int legend_w = legend_chars ? (int)legend_chars * 6 + 36 : 0;
    const int W0 = spec->width ? spec->width : 640, W = W0 + legend_w, H = spec->height ? spec->height : 400;
    const double left = 64, right = 16 + legend_w, top = 16 + (spec->title ? 16 : 0) + (spec->y_label ? 14 : 0),
                 bottom = 36 + (spec->x_label ? 16 : 0), pw = W - left - right, ph = H - top - bottom;
    if (pw < 50 || ph < 50) return wk_errorf(WK_EINVAL, "png chart: %d x %d is too small", W, H);
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t s = 0; s < n_series; s++)
        for (size_t i = 0; i < series[s].n; i++) {
            double x = series[s].x[i], y = series[s].y[i];
            if (!isfinite(x) || !isfinite(y) || (spec->log_y && y <= 0)) continue;
            if (spec->log_y) y = log10(y);
            xlo = fmin(xlo, x), xhi = fmax(xhi, x), ylo = fmin(ylo, y), yhi = fmax(yhi, y);
        }
    if (!(xlo <= xhi)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    if (xhi == xlo) xlo -= 0.5, xhi += 0.5;
    if (yhi == ylo) ylo -= 0.5, yhi += 0.5;
    double xs = spec->integer_x ? fmax(1, round(nice_step(xlo, xhi, 6))) : nice_step(xlo, xhi, 6), ys = spec->log_y ? fmax(1, ceil((yhi - ylo) / 6)) : nice_step(ylo, yhi, 5);
    if (spec->log_y) ylo = floor(ylo), yhi = ceil(yhi);
    else ylo = floor(ylo / ys) * ys, yhi = ceil(yhi / ys) * ys;
#define SX(x) (left + ((x) - xlo) / (xhi - xlo) * pw)
#define SY(y) (top + ph - ((y) - ylo) / (yhi - ylo) * ph)
    wk_image img;
    int rc = wk_image_alloc(&img, W, H, 3);
    if (rc) return rc;
    memset(img.pixels, 255, (size_t)W * H * 3);
    char lab[32];
    for (int k = 0; k < 50 && ceil(xlo / xs) * xs + k * xs <= xhi + xs * 1e-9; k++) {
        double x = ceil(xlo / xs) * xs + k * xs;
        wk_image_line(&img, SX(x), top, SX(x), top + ph, GRID, 1);
        snprintf(lab, sizeof lab, "%.6g", fabs(x) < xs * 1e-9 ? 0 : x);
        text(&img, (int)(SX(x) - 4.0 * strlen(lab)), (int)(top + ph + 8), lab, 2);
    }
    for (int k = 0; k < 50 && ylo + k * ys <= yhi + ys * 1e-9; k++) {
        double y = ylo + k * ys;
        wk_image_line(&img, left, SY(y), left + pw, SY(y), GRID, 1);
        snprintf(lab, sizeof lab, "%.6g", spec->log_y ? pow(10, y) : fabs(y) < ys * 1e-9 ? 0 : y);
        text(&img, (int)(left - 6 - 8.0 * strlen(lab)), (int)(SY(y) - 5), lab, 2);
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
            if (!isfinite(x) || !isfinite(y) || (spec->log_y && y <= 0)) {
                px = NAN;
                continue;
            }
            double cx = SX(x), cy = SY(spec->log_y ? log10(y) : y);
            if (isfinite(px) && !spec->points_only && !series[s].markers)
                for (int o = 0; o < 2; o++) wk_image_line(&img, px, py + o, cx, cy + o, col, 1); /* 2 px thick */
            wk_image_disc(&img, cx, cy, 3, col, 1);
            px = cx, py = cy;
        }
    }
#undef SX
#undef SY
    if (spec->title) label(&img, (int)left, 6, spec->title, 1);
    if (spec->y_label) label(&img, 8, (int)top - 14, spec->y_label, 1);
    if (spec->x_label) label(&img, (int)(left + pw / 2 - 3.0 * strlen(spec->x_label)), (int)(top + ph + 28), spec->x_label, 1);
    for (size_t s = 0, row = 0; s < n_series && legend_w; s++) {
        if (!series[s].name) continue;
        const uint8_t *col = palette[s % (sizeof palette / sizeof palette[0])];
        int ly = (int)top + 6 + 14 * (int)row++, lx = (int)(left + pw + 12);
        if (spec->points_only || series[s].markers) wk_image_disc(&img, lx + 8, ly + 3, 3, col, 1);
        else
            for (int o = 0; o < 2; o++) wk_image_line(&img, lx, ly + 3 + o, lx + 16, ly + 3 + o, col, 1);
        char name[41];
        snprintf(name, sizeof name, "%s", series[s].name);
        label(&img, lx + 22, ly, name, 1);
    }
    rc = wk_png_write(path, &img);
    wk_image_free(&img);
    return rc;
}
