/* plot.h — pictures of a run: PNG images (sample grids, 2-D scatter plots with a critic
 * field) and hand-written SVG line charts. All files are written atomically.
 *
 * Images are 8-bit, row-major, 1 (gray) or 3 (RGB) channels. Drawing works on RGB images. */
#ifndef WGANKIT_PLOT_H
#define WGANKIT_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "wgankit/strbuf.h"
#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_image {
    int width, height, channels;
    uint8_t *pixels; /* [height][width][channels] */
} wk_image;

/* Zeroed image; free with wk_image_free. */
int wk_image_alloc(wk_image *img, int width, int height, int channels);
void wk_image_free(wk_image *img);
/* Write an 8-bit gray or RGB PNG through libpng. */
int wk_png_write(const char *path, const wk_image *img);

/* Drawing on an RGB image in pixel coordinates (off-canvas parts clipped), blended with
 * opacity alpha in [0, 1]: a one-pixel line and a filled disc. */
void wk_image_line(wk_image *img, double x0, double y0, double x1, double y1, const uint8_t colour[3], double alpha);
void wk_image_disc(wk_image *img, double cx, double cy, double r, const uint8_t colour[3], double alpha);

/* ---- sample grids ----------------------------------------------------------------------- */
/* Tile samples [N, C, H, W] (C = 1 or 3, values in [-1, 1]; NaN shows black) into one image:
 * `cols` per row (<= 0: ceil(sqrt(N))), 2-px black padding around and between tiles (as
 * torchvision's make_grid), each tile enlarged `scale` times (nearest neighbour, >= 1). */
int wk_image_grid(const wk_tensor *samples, int cols, int scale, wk_image *out);
int wk_png_write_grid(const char *path, const wk_tensor *samples, int cols, int scale);

/* ---- 2-D scatter --------------------------------------------------------------------------- */
/* Real points (orange) against generated points (green), as in the WGAN-GP toy figures. All
 * point arrays are [n, 2] row-major. Optional: a scalar field sampled on an nx x ny grid over
 * the extent (field[j * nx + i] at x = xmin + i (xmax-xmin)/(nx-1), y = ymin + j (...)),
 * drawn as a blue-white-red diverging colour map with iso-lines (marching squares); markers
 * (black crosses) at mode centres, drawn under the points so that no real point is hidden.
 * Decorated (the default): the plot area of width x height pixels sits inside a frame with an
 * 8-px margin (points never touch it), axes with ticks and labels in data units, a legend of
 * what is drawn above the frame and, with a field, a colour bar with its values and iso-levels
 * at the right; the picture is larger than width x height by those margins. */
typedef struct wk_scatter_spec {
    const float *real;
    int64_t n_real;
    const float *fake;
    int64_t n_fake;
    const double *centres; /* [n_centres, 2] */
    int n_centres;
    double xmin, xmax, ymin, ymax; /* extent; xmin >= xmax: automatic (all points, 10% margin, square) */
    const float *field; /* requires a fixed extent */
    int field_nx, field_ny;
    int n_contours; /* iso-lines over the field's range; 0: none; default in wk_scatter_default: 10 */
    int width, height; /* pixels of the plot area; default 512 x 512 */
    int decorate;      /* axes, ticks, legend, colour bar and margins (default 1); 0: the plot area alone */
    const char *field_label; /* the colour bar's title; default "critic D(x)" */
    const float *segments; /* [n_segments, 4]: (x0, y0, x1, y1) drawn as black lines (closest pairs) */
    int64_t n_segments;
    int ring_segments;     /* 1: also a red ring (8 px radius) around each segment's midpoint; in the legend */
} wk_scatter_spec;

void wk_scatter_default(wk_scatter_spec *s);
int wk_scatter_render(const wk_scatter_spec *s, wk_image *out);
int wk_scatter_png(const char *path, const wk_scatter_spec *s);

/* A 1, 2 or 5 times 10^k tick step giving about `target` intervals over [lo, hi] (at least 1
 * when `integer`); shared by the SVG charts and the scatter's axes. */
double wk_plot_nice_step(double lo, double hi, int target, int integer);
/* Ticks of a log axis over [lo, hi] given in log10 units, written to t (log10 units, at most
 * max): 1, 2 and 5 times each power of ten when the range spans at most 3 decades, every decade
 * up to 12 decades, else every k-th decade. Returns the count. */
int wk_plot_log_ticks(double lo, double hi, double *t, int max);

/* ---- SVG line charts ----------------------------------------------------------------------- */
typedef struct wk_series {
    const char *name;
    const double *x, *y; /* n points; non-finite points (and values <= 0 on a log axis) break the line; y NULL: band only */
    size_t n;
    const double *band_lo, *band_hi; /* optional: a shaded band [lo, hi] at each x, drawn under every line */
    int markers;                     /* 1: this series as markers without a line (a scatter beside fitted lines) */
    const double *err;               /* optional: an error bar y ± err[i] at each point (whisker with caps); err <= 0 or NaN: none */
} wk_series;

typedef struct wk_chart_spec {
    const char *title, *x_label, *y_label; /* NULL: none */
    int log_y;
    int log_x;         /* a log10 x axis (sample sizes): points with x <= 0 break the line */
    int width, height; /* default 640 x 360 when 0 */
    int integer_x, integer_y; /* integer-valued axis (steps, counts): ticks on whole numbers only */
    int points_only;   /* a scatter: markers, no lines */
    int diagonal;      /* draw the line y = x (dashed) */
    const char *const *x_names; /* a categorical x axis: x = 0 .. n_x_names - 1 are these names (a sweep's values) */
    int n_x_names;
} wk_chart_spec;

/* Append one self-contained <svg class="wk-chart" data-marks="N"> element (axes, ticks,
 * labels, legend at the right sized to the names) to `out`; N counts the drawn data points.
 * Points are marked with dots where a line cannot show them: a series of at most 40 points,
 * or an isolated point (both neighbours unusable), so a single evaluation is still visible. */
int wk_svg_line_chart(wk_strbuf *out, const wk_chart_spec *spec, const wk_series *series, size_t n_series);
int wk_svg_write_line_chart(const char *path, const wk_chart_spec *spec, const wk_series *series, size_t n_series);

/* The same chart as a PNG (the palette of the SVG, markers at the data points, grid lines and
 * tick labels in a built-in digit font; the title, axis titles and a legend of the named series
 * in the 5x7 label font of the scatter plots). */
int wk_png_line_chart(const char *path, const wk_chart_spec *spec, const wk_series *series, size_t n_series);

/* ---- heatmaps ------------------------------------------------------------------------------ */
/* A grid of coloured cells (a sweep's metric over two grid keys): row and column names with the
 * axes' titles, a viridis colour per cell over the finite values' range (NaN: a light grey cell),
 * up to three lines of text per cell (a large one, two small; ink chosen against the colour), a
 * colour bar with five values at the right. The title and a grey note line above. */
typedef struct wk_heatmap_spec {
    const char *title, *note;             /* NULL: none */
    const char *row_title, *col_title;    /* what the rows and the columns are */
    const char *const *row_names, *const *col_names;
    int rows, cols;
    const double *value;                  /* [rows * cols] */
    const char *const *text;              /* [rows * cols * 3] or NULL; a NULL line is not drawn */
    const char *bar_title;                /* under the colour bar */
} wk_heatmap_spec;

/* Draw it once into a PNG and an SVG of the same geometry (either path may be NULL). */
int wk_heatmap_write(const char *png_path, const char *svg_path, const wk_heatmap_spec *spec);

#ifdef __cplusplus
}
#endif
#endif
