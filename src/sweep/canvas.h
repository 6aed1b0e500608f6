/* canvas.h — the sweep plots' drawing surface: the same primitives drawn into a PNG image and an
 * SVG document (canvas.c). Pixel coordinates, y down; colours are RGB bytes. */
#ifndef WK_SWEEP_CANVAS_H
#define WK_SWEEP_CANVAS_H

#include <stdint.h>

#include "wgankit/plot.h"
#include "wgankit/strbuf.h"

typedef struct sw_canvas {
    int w, h;
    wk_image img;   /* RGB, white */
    wk_strbuf svg;  /* the open <svg> document */
} sw_canvas;

int sw_canvas_init(sw_canvas *c, int w, int h);
void sw_canvas_free(sw_canvas *c);
void sw_rect(sw_canvas *c, double x, double y, double w, double h, const uint8_t rgb[3]);
/* A line `width` pixels wide, dashed (4 on, 4 off) when asked. */
void sw_line(sw_canvas *c, double x0, double y0, double x1, double y1, const uint8_t rgb[3], int width, int dashed);
void sw_disc(sw_canvas *c, double cx, double cy, double r, const uint8_t rgb[3]);
/* Text in the 5x7 font enlarged `scale` times (6 * scale px per character): anchored at (x, y),
 * y its vertical middle; align -1 left, 0 centre, 1 right; vertical: reads bottom to top. */
void sw_text(sw_canvas *c, double x, double y, const char *s, const uint8_t rgb[3], int scale, int align, int vertical);
double sw_text_width(const char *s, int scale);
/* Write both files atomically (the SVG is closed here). */
int sw_canvas_write(sw_canvas *c, const char *png_path, const char *svg_path);

#endif
