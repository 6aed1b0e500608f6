/* scatter_axes.c — the scatter plot's ticks and tick labels (scatter_axes.h). Invariants: every
 * shown label's box lies inside the image, no two shown labels' boxes meet (8 px apart across,
 * 2 px apart up and down), and adjacent labels read differently: the precision is the number of
 * significant digits that separates ticks one step apart (so -122000 is never cut to "22000" and
 * 0.50003 never to "50003"). Ticks are 1-2-5 multiples (wk_plot_nice_step); the step widens
 * until the labels fit, and a label that still cannot fit (tiny plot areas) is left out, its tick
 * mark kept. */
#include "plot/scatter_axes.h"

#include "plot/chart_axes.h"

#include "plot/font5x7.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { GAP_X = 8, GAP_Y = 2, EDGE = 2 };

/* Ticks of [lo, hi] at `step`; 0 when the range cannot be ticked (not finite, or too many). */
static int ticks(double lo, double hi, double step, double *v) {
    if (!(step > 0) || !isfinite(step) || !isfinite(lo) || !isfinite(hi) || !(hi > lo)) return 0;
    double first = ceil(lo / step - 1e-9) * step;
    int n = 0;
    for (; first + n * step <= hi + step * 1e-9; n++) {
        if (n == WK_SCATTER_MAX_TICKS) return 0;
        v[n] = first + n * step;
    }
    return n;
}

/* Labels of the n ticks, with wk__tick_digits' precision (chart_axes.c: the digits that tell
 * ticks one step apart; plain numbers below 10^7, %g's exponent form beyond). */
static void label_ticks(const double *v, int n, double step, wk__tick_label *t) {
    const int prec = wk__tick_digits(v, n, step);
    for (int k = 0; k < n; k++) snprintf(t[k].text, sizeof t[k].text, "%.*g", prec, fabs(v[k]) < step * 1e-9 ? 0.0 : v[k]);
    for (int k = 0; k < n; k++) {
        t[k].value = v[k];
        t[k].w = wk__text_width(t[k].text, WK_SCATTER_FONT);
        t[k].h = 7 * WK_SCATTER_FONT;
        t[k].shown = 1;
    }
}

/* Ticks for an axis of npx pixels over [lo, hi]: the densest 1-2-5 step (about 5 ticks down to
 * 1) whose labels keep their distance: across (x), centred labels GAP_X apart; up and down (y),
 * label heights GAP_Y apart. */
static int axis_ticks(double lo, double hi, int npx, int across, wk__tick_label *t) {
    double v[WK_SCATTER_MAX_TICKS];
    int n = 0;
    for (int target = 5; target >= 1; target--) {
        double step = wk_plot_nice_step(lo, hi, target, 0);
        n = ticks(lo, hi, step, v);
        if (!n) continue;
        label_ticks(v, n, step, t);
        double step_px = step / (hi - lo) * (npx - 1);
        int fits = 1;
        for (int k = 1; k < n && fits; k++)
            fits = across ? step_px >= (t[k].w + t[k - 1].w) / 2.0 + GAP_X + 1 : step_px >= t[k].h + GAP_Y + 1;
        if (fits) break;
    }
    return n;
}

void wk__scatter_axes_layout(double xmin, double xmax, double ymin, double ymax, int pw, int ph, int pad, int ml, int mt,
                             int mb, int mr, wk__scatter_layout *L) {
    memset(L, 0, sizeof *L);
    L->xmin = xmin, L->xmax = xmax, L->ymin = ymin, L->ymax = ymax, L->pw = pw, L->ph = ph;
    L->nx = axis_ticks(xmin, xmax, pw, 1, L->x);
    L->ny = axis_ticks(ymin, ymax, ph, 0, L->y);
    /* pixel offsets inside the plot area */
    for (int k = 0; k < L->nx; k++) L->x[k].pos = (L->x[k].value - xmin) / (xmax - xmin) * (pw - 1);
    for (int k = 0; k < L->ny; k++) L->y[k].pos = (ymax - L->y[k].value) / (ymax - ymin) * (ph - 1);
    /* left margin: the widest y label right of the image's edge, and the first x labels' left halves */
    int ox = ml + pad;
    for (int k = 0; k < L->ny; k++)
        if (ox < L->y[k].w + pad + 10 + EDGE) ox = L->y[k].w + pad + 10 + EDGE;
    for (int k = 0; k < L->nx; k++) {
        int need = EDGE + L->x[k].w / 2 - (int)floor(L->x[k].pos);
        if (ox < need) ox = need;
    }
    L->ox = ox, L->oy = mt + pad;
    /* right margin: the last x labels' right halves */
    for (int k = 0; k < L->nx; k++) {
        int right = (int)lrint(ox + L->x[k].pos) - L->x[k].w / 2 + L->x[k].w + EDGE;
        if (right > ox + pw + pad + mr) mr = right - (ox + pw + pad);
    }
    L->width = ox + pw + pad + mr;
    L->height = L->oy + ph + pad + mb;
    /* label boxes (as scatter.c draws them: x labels centred 9 px under the tick marks' base,
     * y labels right-aligned 9 px left of the frame, centred on the tick) */
    int bottom = L->oy + ph - 1 + pad + 1, left = ox - pad - 1;
    int last = -1;
    for (int k = 0; k < L->nx; k++) {
        wk__tick_label *t = &L->x[k];
        t->pos += ox;
        t->x = (int)lrint(t->pos) - t->w / 2, t->y = bottom + 9;
        if (last >= 0 && t->x < L->x[last].x + L->x[last].w + GAP_X) t->shown = 0;
        else last = k;
    }
    last = -1;
    for (int k = 0; k < L->ny; k++) { /* k = 0 is the lowest value, the bottom-most label */
        wk__tick_label *t = &L->y[k];
        t->pos += L->oy;
        t->x = left - 9 - t->w, t->y = (int)lrint(t->pos) - t->h / 2;
        if (last >= 0 && t->y + t->h + GAP_Y > L->y[last].y) t->shown = 0;
        else last = k;
    }
}
