/* scatter_axes.h — where the scatter plot's tick labels go (scatter_axes.c): ticks chosen so
 * that no two labels overlap, labels with just the digits that tell neighbouring ticks apart,
 * and margins wide enough for the widest label, so every label lies inside the image for any
 * finite data range (huge, tiny, negative). Internal to src/plot. */
#ifndef WK_PLOT_SCATTER_AXES_H
#define WK_PLOT_SCATTER_AXES_H

#define WK_SCATTER_MAX_TICKS 24
#define WK_SCATTER_FONT 2 /* label font scale: glyphs 7 x FONT pixels tall */

typedef struct wk__tick_label {
    double value, pos; /* tick value and its pixel coordinate (x for the x axis, y for the y axis) */
    char text[40];
    int x, y, w, h;    /* the label's box in image pixels: [x, x + w) x [y, y + h) */
    int shown;         /* 0: tick mark only (its label would have touched a neighbour's) */
} wk__tick_label;

/* A decorated scatter's frame: the plot area [ox, ox + pw - 1] x [oy, oy + ph - 1] of an image
 * width x height showing [xmin, xmax] x [ymin, ymax], and its tick labels. */
typedef struct wk__scatter_layout {
    double xmin, xmax, ymin, ymax;
    int ox, oy, pw, ph, width, height;
    int nx, ny;
    wk__tick_label x[WK_SCATTER_MAX_TICKS], y[WK_SCATTER_MAX_TICKS];
} wk__scatter_layout;

/* Margins: PAD between plot area and frame; at least ML / MT / MB around the frame; mr on the
 * right (colour bar) as the caller computed it. Fills everything in L from the extent and the
 * plot area's size. */
void wk__scatter_axes_layout(double xmin, double xmax, double ymin, double ymax, int pw, int ph, int pad, int ml, int mt,
                             int mb, int mr, wk__scatter_layout *L);

#endif
