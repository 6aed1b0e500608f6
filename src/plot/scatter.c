/* scatter.c — 2-D scatter PNGs of real vs generated points over an optional scalar field
 * (the critic's values) with iso-lines, as the figures of the WGAN-GP toy experiments
 * (Gulrajani et al. 2017, gan_toy.py: orange real points, green generated, critic contours),
 * with what a reader needs to read them: axes with ticks, a legend, a colour bar, margins. */
#include "plot/font5x7.h"
#include "plot/scatter_axes.h"
#include "wgankit/error.h"
#include "wgankit/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint8_t r, g, b; } rgb;

static const rgb REAL_COLOUR = {255, 127, 14}, FAKE_COLOUR = {44, 160, 44}, CONTOUR_COLOUR = {60, 60, 60},
                 AXIS_COLOUR = {200, 200, 200}, MARK_COLOUR = {0, 0, 0}, RING_COLOUR = {214, 39, 40};
#define RING_RADIUS 8 /* px: a ring marks a closest pair that is too short to see at the plot's scale */

void wk_scatter_default(wk_scatter_spec *s) {
    memset(s, 0, sizeof *s);
    s->n_contours = 10;
    s->width = s->height = 512;
    s->decorate = 1;
    s->field_label = "critic D(x)";
}

/* The data extent maps onto the plot area [ox, ox + pw - 1] x [oy, oy + ph - 1] of the image. */
typedef struct {
    wk_image *img;
    double xmin, xmax, ymin, ymax;
    int ox, oy, pw, ph;
} canvas;

static double px_x(const canvas *c, double x) { return c->ox + (x - c->xmin) / (c->xmax - c->xmin) * (c->pw - 1); }
static double px_y(const canvas *c, double y) { return c->oy + (c->ymax - y) / (c->ymax - c->ymin) * (c->ph - 1); }

/* Blend `col` into pixel (x, y) with opacity a in [0, 1]; off-canvas pixels are ignored. */
static void blend(wk_image *img, int x, int y, rgb col, double a) {
    if (x < 0 || y < 0 || x >= img->width || y >= img->height) return;
    uint8_t *p = img->pixels + ((size_t)y * img->width + x) * 3;
    p[0] = (uint8_t)lrint(p[0] + a * (col.r - p[0]));
    p[1] = (uint8_t)lrint(p[1] + a * (col.g - p[1]));
    p[2] = (uint8_t)lrint(p[2] + a * (col.b - p[2]));
}

static void line(wk_image *img, double x0, double y0, double x1, double y1, rgb col, double a) {
    int steps = (int)ceil(fmax(fabs(x1 - x0), fabs(y1 - y0)));
    if (steps > 100000) return; /* absurd segment: outside any sane extent */
    for (int i = 0; i <= steps; i++) {
        double t = steps ? (double)i / steps : 0;
        /* round halves up, not to even: a line from x = 188.5 would skip every other pixel */
        blend(img, (int)floor(x0 + t * (x1 - x0) + 0.5), (int)floor(y0 + t * (y1 - y0) + 0.5), col, a);
    }
}

/* A ring of 24 chords of radius RING_RADIUS around (cx, cy), in pixels. */
static void ring(wk_image *img, double cx, double cy, rgb col) {
    for (int q = 0; q < 24; q++) {
        double t0 = 2 * M_PI * q / 24, t1 = 2 * M_PI * (q + 1) / 24;
        line(img, cx + RING_RADIUS * cos(t0), cy + RING_RADIUS * sin(t0), cx + RING_RADIUS * cos(t1), cy + RING_RADIUS * sin(t1), col, 1);
    }
}

static void disc(wk_image *img, double cx, double cy, double r, rgb col, double a) {
    for (int y = (int)floor(cy - r); y <= (int)ceil(cy + r); y++)
        for (int x = (int)floor(cx - r); x <= (int)ceil(cx + r); x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) blend(img, x, y, col, a);
}

void wk_image_line(wk_image *img, double x0, double y0, double x1, double y1, const uint8_t colour[3], double alpha) {
    if (img->channels == 3) line(img, x0, y0, x1, y1, (rgb){colour[0], colour[1], colour[2]}, alpha);
}

void wk_image_disc(wk_image *img, double cx, double cy, double r, const uint8_t colour[3], double alpha) {
    if (img->channels == 3) disc(img, cx, cy, r, (rgb){colour[0], colour[1], colour[2]}, alpha);
}

/* Extent covering every point and centre, 10% margin, equal scale on both axes. */
static void auto_extent(const wk_scatter_spec *s, double e[4]) {
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    const float *sets[2] = {s->real, s->fake};
    int64_t counts[2] = {s->n_real, s->n_fake};
    for (int k = 0; k < 2; k++)
        for (int64_t i = 0; sets[k] && i < counts[k]; i++)
            for (int d = 0; d < 2; d++)
                if (isfinite(sets[k][2 * i + d])) {
                    lo[d] = fmin(lo[d], sets[k][2 * i + d]);
                    hi[d] = fmax(hi[d], sets[k][2 * i + d]);
                }
    for (int i = 0; s->centres && i < s->n_centres; i++)
        for (int d = 0; d < 2; d++) {
            lo[d] = fmin(lo[d], s->centres[2 * i + d]);
            hi[d] = fmax(hi[d], s->centres[2 * i + d]);
        }
    double half = 0;
    for (int d = 0; d < 2; d++) {
        if (!(lo[d] <= hi[d])) lo[d] = hi[d] = 0;
        half = fmax(half, (hi[d] - lo[d]) / 2);
    }
    half = half > 0 ? half * 1.1 : 1;
    for (int d = 0; d < 2; d++) {
        double mid = (lo[d] + hi[d]) / 2;
        e[2 * d] = mid - half;
        e[2 * d + 1] = mid + half;
    }
}

/* Blue-white-red ("coolwarm" end colours, Moreland 2009), lightened so points stay visible. */
static rgb diverging(double t) {
    static const rgb cold = {59, 76, 192}, warm = {180, 4, 38};
    rgb end = t < 0 ? cold : warm;
    double a = fmin(fabs(t), 1) * 0.6;
    return (rgb){(uint8_t)lrint(255 + a * (end.r - 255)), (uint8_t)lrint(255 + a * (end.g - 255)),
                 (uint8_t)lrint(255 + a * (end.b - 255))};
}

static void field_range(const wk_scatter_spec *s, double *lo, double *hi) {
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < s->field_nx * s->field_ny; i++)
        if (isfinite(s->field[i])) {
            *lo = fmin(*lo, s->field[i]);
            *hi = fmax(*hi, s->field[i]);
        }
}

/* The field over the plot area and `pad` pixels around it (edge values held), bilinear. */
static void draw_field(canvas *c, const wk_scatter_spec *s, double lo, double hi, int pad) {
    int nx = s->field_nx, ny = s->field_ny;
    double mid = (lo + hi) / 2, half = hi > lo ? (hi - lo) / 2 : 1;
    for (int py = c->oy - pad; py < c->oy + c->ph + pad; py++)
        for (int px = c->ox - pad; px < c->ox + c->pw + pad; px++) { /* bilinear interpolation of the grid */
            double fx = fmin(fmax((double)(px - c->ox) / (c->pw - 1), 0), 1) * (nx - 1),
                   fy = (1 - fmin(fmax((double)(py - c->oy) / (c->ph - 1), 0), 1)) * (ny - 1);
            int i = (int)fmin(floor(fx), nx - 2), j = (int)fmin(floor(fy), ny - 2);
            double u = fx - i, v = fy - j;
            const float *f = s->field;
            double val = (1 - u) * (1 - v) * f[j * nx + i] + u * (1 - v) * f[j * nx + i + 1] + (1 - u) * v * f[(j + 1) * nx + i] +
                         u * v * f[(j + 1) * nx + i + 1];
            rgb col = isfinite(val) ? diverging((val - mid) / half) : (rgb){255, 255, 255};
            blend(c->img, px, py, col, 1);
        }
}

/* ---- labels: the 5x7 font at an integer scale ---- */
static int text_width(const char *t, int scale) { return wk__text_width(t, scale); }

static void draw_text(wk_image *img, int x, int y, const char *t, int scale, rgb col) {
    wk__text_draw(img, x, y, t, scale, (const uint8_t[3]){col.r, col.g, col.b}, 0);
}

/* Marching squares (Lorensen & Cline's 2-D case): per grid cell, the level crosses the edges
 * whose end values lie on opposite sides; a saddle (4 crossings) is split by the cell centre. */
static void draw_contours(canvas *c, const wk_scatter_spec *s, double lo, double hi) {
    int nx = s->field_nx, ny = s->field_ny;
    double gx = (c->xmax - c->xmin) / (nx - 1), gy = (c->ymax - c->ymin) / (ny - 1);
    for (int k = 1; k <= s->n_contours; k++) {
        double level = lo + (hi - lo) * k / (s->n_contours + 1);
        for (int j = 0; j + 1 < ny; j++)
            for (int i = 0; i + 1 < nx; i++) {
                /* corners: 0 (i,j), 1 (i+1,j), 2 (i+1,j+1), 3 (i,j+1); edge e joins corners e, e+1 */
                double v[4] = {s->field[j * nx + i], s->field[j * nx + i + 1], s->field[(j + 1) * nx + i + 1], s->field[(j + 1) * nx + i]};
                static const int cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
                double ex[4], ey[4];
                int crosses[4], nc = 0;
                if (!isfinite(v[0] + v[1] + v[2] + v[3])) continue;
                for (int e = 0; e < 4; e++) {
                    int a = e, b = (e + 1) % 4;
                    crosses[e] = (v[a] < level) != (v[b] < level);
                    if (!crosses[e]) continue;
                    double t = (level - v[a]) / (v[b] - v[a]);
                    ex[e] = c->xmin + (i + cx[a] + t * (cx[b] - cx[a])) * gx;
                    ey[e] = c->ymin + (j + cy[a] + t * (cy[b] - cy[a])) * gy;
                    nc++;
                }
                int pairs[2][2], np = 0;
                if (nc == 2) {
                    int first = -1;
                    for (int e = 0; e < 4; e++)
                        if (crosses[e]) {
                            if (first < 0) first = e;
                            else { pairs[0][0] = first; pairs[0][1] = e; np = 1; }
                        }
                } else if (nc == 4) {
                    double centre = (v[0] + v[1] + v[2] + v[3]) / 4;
                    int corner0_cut = (centre < level) != (v[0] < level); /* corners 0 and 2 isolated */
                    np = 2;
                    if (corner0_cut) { pairs[0][0] = 3; pairs[0][1] = 0; pairs[1][0] = 1; pairs[1][1] = 2; }
                    else { pairs[0][0] = 0; pairs[0][1] = 1; pairs[1][0] = 2; pairs[1][1] = 3; }
                }
                for (int p = 0; p < np; p++)
                    line(c->img, px_x(c, ex[pairs[p][0]]), px_y(c, ey[pairs[p][0]]), px_x(c, ex[pairs[p][1]]),
                         px_y(c, ey[pairs[p][1]]), CONTOUR_COLOUR, 0.6);
            }
    }
}

enum { PAD = 8, ML = 64, MT = 30, MB = 34, FONT = WK_SCATTER_FONT };

/* Tick marks and the labels scatter_axes.c placed (inside the image, never overlapping). */
static void draw_axes(canvas *c, const wk__scatter_layout *L) {
    static const rgb ink = {40, 40, 40};
    int bottom = c->oy + c->ph - 1 + PAD + 1, left = c->ox - PAD - 1;
    for (int k = 0; k < L->nx; k++) {
        line(c->img, L->x[k].pos, bottom, L->x[k].pos, bottom + 5, ink, 1);
        if (L->x[k].shown) draw_text(c->img, L->x[k].x, L->x[k].y, L->x[k].text, FONT, ink);
    }
    for (int k = 0; k < L->ny; k++) {
        line(c->img, left - 5, L->y[k].pos, left, L->y[k].pos, ink, 1);
        if (L->y[k].shown) draw_text(c->img, L->y[k].x, L->y[k].y, L->y[k].text, FONT, ink);
    }
}

/* Legend above the frame: what each mark is. */
static void draw_legend(canvas *c, const wk_scatter_spec *s) {
    static const rgb ink = {40, 40, 40};
    int x = c->ox - PAD, y = 8;
    const int segs = s->segments && s->n_segments > 0;
    const struct { int on; rgb col; int cross; const char *text; } items[] = { /* cross: 1 'x', 2 a line, 3 a ring */
        {s->real && s->n_real > 0, REAL_COLOUR, 0, "real"},
        {s->fake && s->n_fake > 0, FAKE_COLOUR, 0, "generated"},
        {s->centres && s->n_centres > 0, MARK_COLOUR, 1, "mode centre"},
        {segs, MARK_COLOUR, 2, "closest pair"},
        {segs && s->ring_segments, RING_COLOUR, 3, "around a pair"},
    };
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        if (!items[i].on) continue;
        if (items[i].cross == 2) line(c->img, x + 1, y + 12, x + 11, y + 2, items[i].col, 0.9);
        else if (items[i].cross == 3) ring(c->img, x + 6, y + 7, items[i].col);
        else if (items[i].cross)
            for (int o = 0; o < 2; o++) {
                line(c->img, x + 1 + o, y + 2, x + 11 + o, y + 12, MARK_COLOUR, 0.9);
                line(c->img, x + 1 + o, y + 12, x + 11 + o, y + 2, MARK_COLOUR, 0.9);
            }
        else disc(c->img, x + 6, y + 7, 5, items[i].col, 1);
        draw_text(c->img, x + 18, y, items[i].text, FONT, ink);
        x += 18 + text_width(items[i].text, FONT) + 22;
    }
}

/* Colour bar right of the frame: the field's colours from lo (bottom) to hi (top), the
 * iso-levels as ticks, the values at both ends and the middle. */
static void draw_colour_bar(canvas *c, const wk_scatter_spec *s, double lo, double hi) {
    static const rgb ink = {40, 40, 40};
    int x0 = c->ox + c->pw + PAD + 16, top = c->oy - PAD, bottom = c->oy + c->ph - 1 + PAD;
    double mid = (lo + hi) / 2, half = hi > lo ? (hi - lo) / 2 : 1;
    for (int y = top; y <= bottom; y++) {
        double v = hi - (hi - lo) * (y - top) / (double)(bottom - top);
        line(c->img, x0, y, x0 + 13, y, diverging((v - mid) / half), 1);
    }
    line(c->img, x0 - 1, top - 1, x0 + 14, top - 1, ink, 1), line(c->img, x0 - 1, bottom + 1, x0 + 14, bottom + 1, ink, 1);
    line(c->img, x0 - 1, top - 1, x0 - 1, bottom + 1, ink, 1), line(c->img, x0 + 14, top - 1, x0 + 14, bottom + 1, ink, 1);
    for (int k = 1; hi > lo && k <= s->n_contours; k++) {
        double y = top + (bottom - top) * (1 - (double)k / (s->n_contours + 1));
        line(c->img, x0, y, x0 + 4, y, CONTOUR_COLOUR, 1);
    }
    char buf[32];
    double vals[3] = {hi, mid, lo};
    int ys[3] = {top, (top + bottom) / 2 - 7, bottom - 14};
    for (int k = 0; k < 3; k++) {
        snprintf(buf, sizeof buf, "%.3g", vals[k]);
        draw_text(c->img, x0 + 20, ys[k], buf, FONT, ink);
    }
    const char *label = s->field_label ? s->field_label : "";
    draw_text(c->img, c->img->width - 4 - text_width(label, FONT), 8, label, FONT, ink);
}

int wk_scatter_render(const wk_scatter_spec *s, wk_image *out) {
    memset(out, 0, sizeof *out);
    if (s->field && (s->field_nx < 2 || s->field_ny < 2))
        return wk_errorf(WK_EINVAL, "scatter: field grid %d x %d (needs at least 2 x 2)", s->field_nx, s->field_ny);
    if (s->n_contours < 0 || s->n_contours > 100) return wk_errorf(WK_EINVAL, "scatter: %d contours (0..100)", s->n_contours);
    int fixed = s->xmin < s->xmax && s->ymin < s->ymax;
    if (s->field && !fixed) return wk_errorf(WK_EINVAL, "scatter: a field needs the fixed extent it was sampled on");
    int pw = s->width ? s->width : 512, ph = s->height ? s->height : 512;
    if (pw < 2 || ph < 2 || pw > 16384 || ph > 16384) return wk_errorf(WK_EINVAL, "scatter: plot area %d x %d", pw, ph);
    const char *label = s->field_label ? s->field_label : "";
    int mr = !s->decorate ? 0 : s->field ? 16 + 14 + 8 + text_width("-0.000e-00", FONT) : 16;
    if (s->decorate && s->field && mr < text_width(label, FONT) - PAD) mr = text_width(label, FONT) - PAD;
    canvas c = {out, s->xmin, s->xmax, s->ymin, s->ymax, 0, 0, pw, ph};
    if (!fixed) {
        double e[4];
        auto_extent(s, e);
        c.xmin = e[0]; c.xmax = e[1]; c.ymin = e[2]; c.ymax = e[3];
    }
    wk__scatter_layout L; /* margins sized to the tick labels */
    if (s->decorate) wk__scatter_axes_layout(c.xmin, c.xmax, c.ymin, c.ymax, pw, ph, PAD, ML, MT, MB, mr, &L), c.ox = L.ox, c.oy = L.oy;
    int rc = s->decorate ? wk_image_alloc(out, L.width, L.height, 3) : wk_image_alloc(out, pw, ph, 3);
    if (rc != WK_OK) return rc;
    c.img = out;
    memset(out->pixels, 255, (size_t)out->width * out->height * 3);
    double lo = 0, hi = 0;
    int have_field = 0;
    if (s->field) {
        field_range(s, &lo, &hi);
        if (lo <= hi) {
            have_field = 1;
            draw_field(&c, s, lo, hi, s->decorate ? PAD : 0);
            if (hi > lo) draw_contours(&c, s, lo, hi);
        }
    }
    /* axes through the origin (inside the plot area), then a frame */
    int x0 = c.ox - (s->decorate ? PAD + 1 : 0), y0 = c.oy - (s->decorate ? PAD + 1 : 0);
    int x1 = c.ox + pw - 1 + (s->decorate ? PAD + 1 : 0), y1 = c.oy + ph - 1 + (s->decorate ? PAD + 1 : 0);
    if (c.xmin < 0 && c.xmax > 0) line(out, px_x(&c, 0), y0, px_x(&c, 0), y1, AXIS_COLOUR, 1);
    if (c.ymin < 0 && c.ymax > 0) line(out, x0, px_y(&c, 0), x1, px_y(&c, 0), AXIS_COLOUR, 1);
    line(out, x0, y0, x1, y0, CONTOUR_COLOUR, 1); line(out, x0, y1, x1, y1, CONTOUR_COLOUR, 1);
    line(out, x0, y0, x0, y1, CONTOUR_COLOUR, 1); line(out, x1, y0, x1, y1, CONTOUR_COLOUR, 1);
    /* mode markers first: the points go above them, so no real point is hidden */
    for (int i = 0; s->centres && i < s->n_centres; i++) { /* a 2-px thick 'x' */
        double x = px_x(&c, s->centres[2 * i]), y = px_y(&c, s->centres[2 * i + 1]);
        for (int o = 0; o < 2; o++) {
            line(out, x - 5 + o, y - 5, x + 5 + o, y + 5, MARK_COLOUR, 0.9);
            line(out, x - 5 + o, y + 5, x + 5 + o, y - 5, MARK_COLOUR, 0.9);
        }
    }
    for (int64_t i = 0; s->fake && i < s->n_fake; i++)
        if (isfinite(s->fake[2 * i]) && isfinite(s->fake[2 * i + 1]))
            disc(out, px_x(&c, s->fake[2 * i]), px_y(&c, s->fake[2 * i + 1]), 2.2, FAKE_COLOUR, 0.5);
    for (int64_t i = 0; s->real && i < s->n_real; i++)
        if (isfinite(s->real[2 * i]) && isfinite(s->real[2 * i + 1]))
            disc(out, px_x(&c, s->real[2 * i]), px_y(&c, s->real[2 * i + 1]), 2.2, REAL_COLOUR, 0.6);
    for (int64_t i = 0; s->segments && i < s->n_segments; i++) { /* closest pairs (birthday test) */
        const float *q = s->segments + 4 * i;
        if (!(isfinite(q[0]) && isfinite(q[1]) && isfinite(q[2]) && isfinite(q[3]))) continue;
        line(out, px_x(&c, q[0]), px_y(&c, q[1]), px_x(&c, q[2]), px_y(&c, q[3]), MARK_COLOUR, 0.9);
        /* through the plot area's own transform (margins, axes, legend): on the pair, not beside it */
        if (s->ring_segments)
            ring(out, px_x(&c, ((double)q[0] + q[2]) / 2), px_y(&c, ((double)q[1] + q[3]) / 2), RING_COLOUR);
    }
    if (s->decorate) {
        /* points past the extent do not spill into the margins: repaint them */
        for (int y = 0; y < out->height; y++)
            for (int x = 0; x < out->width; x++)
                if (x < x0 || x > x1 || y < y0 || y > y1) memset(out->pixels + ((size_t)y * out->width + x) * 3, 255, 3);
        line(out, x0, y0, x1, y0, CONTOUR_COLOUR, 1); line(out, x0, y1, x1, y1, CONTOUR_COLOUR, 1);
        line(out, x0, y0, x0, y1, CONTOUR_COLOUR, 1); line(out, x1, y0, x1, y1, CONTOUR_COLOUR, 1);
        draw_axes(&c, &L);
        draw_legend(&c, s);
        if (have_field) draw_colour_bar(&c, s, lo, hi);
    }
    return WK_OK;
}

int wk_scatter_png(const char *path, const wk_scatter_spec *s) {
    wk_image img;
    int rc = wk_scatter_render(s, &img);
    if (rc != WK_OK) return wk_error_context(rc, "%s", path);
    rc = wk_png_write(path, &img);
    wk_image_free(&img);
    return rc;
}
