/* canvas.c — one drawing surface, two outputs: every primitive of the sweep's plots (filled
 * rectangles, lines, discs, text) is drawn into an RGB wk_image (PNG, text in the 5x7 font of
 * src/io/font5x7.h) and appended to an SVG document with the same geometry, so the PNG and the SVG
 * of a plot show the same picture. Coordinates are pixels, y down. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/font5x7.h"
#include "sweep/canvas.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

int sw_canvas_init(sw_canvas *c, int w, int h) {
    memset(c, 0, sizeof *c);
    c->w = w, c->h = h;
    int rc = wk_image_alloc(&c->img, w, h, 3);
    if (rc) return rc;
    memset(c->img.pixels, 255, (size_t)w * (size_t)h * 3);
    wk_sb_init(&c->svg);
    wk_sb_printf(&c->svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                          "font-family=\"DejaVu Sans Mono, monospace\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", w, h, w, h, w, h);
    return WK_OK;
}

void sw_canvas_free(sw_canvas *c) {
    wk_image_free(&c->img);
    wk_sb_free(&c->svg);
}

static void put(sw_canvas *c, int x, int y, const uint8_t rgb[3]) {
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return;
    memcpy(c->img.pixels + ((size_t)y * (size_t)c->w + (size_t)x) * 3, rgb, 3);
}

static void hex(wk_strbuf *sb, const uint8_t rgb[3]) {
    wk_sb_printf(sb, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

void sw_rect(sw_canvas *c, double x, double y, double w, double h, const uint8_t rgb[3]) {
    for (int j = (int)lround(y); j < (int)lround(y + h); j++)
        for (int i = (int)lround(x); i < (int)lround(x + w); i++) put(c, i, j, rgb);
    wk_sb_printf(&c->svg, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"", x, y, w, h);
    hex(&c->svg, rgb);
    wk_sb_puts(&c->svg, "\"/>\n");
}

void sw_line(sw_canvas *c, double x0, double y0, double x1, double y1, const uint8_t rgb[3], int width, int dashed) {
    double len = hypot(x1 - x0, y1 - y0);
    int n = (int)ceil(len) + 1;
    for (int k = 0; k < n; k++) {
        double t = n > 1 ? (double)k / (n - 1) : 0;
        if (dashed && ((int)(t * len) / 4) % 2) continue;
        double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
        for (int d = 0; d < width; d++) {
            double off = d - (width - 1) / 2.0;
            if (fabs(x1 - x0) >= fabs(y1 - y0)) put(c, (int)lround(x), (int)lround(y + off), rgb);
            else put(c, (int)lround(x + off), (int)lround(y), rgb);
        }
    }
    wk_sb_printf(&c->svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"%d\"%s stroke=\"", x0, y0, x1, y1, width,
                 dashed ? " stroke-dasharray=\"4 4\"" : "");
    hex(&c->svg, rgb);
    wk_sb_puts(&c->svg, "\"/>\n");
}

void sw_disc(sw_canvas *c, double cx, double cy, double r, const uint8_t rgb[3]) {
    for (int j = (int)floor(cy - r); j <= (int)ceil(cy + r); j++)
        for (int i = (int)floor(cx - r); i <= (int)ceil(cx + r); i++)
            if ((i - cx) * (i - cx) + (j - cy) * (j - cy) <= r * r) put(c, i, j, rgb);
    wk_sb_printf(&c->svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"", cx, cy, r);
    hex(&c->svg, rgb);
    wk_sb_puts(&c->svg, "\"/>\n");
}

double sw_text_width(const char *s, int scale) {
    size_t n = strlen(s);
    return n ? (double)(6 * n - 1) * scale : 0;
}

void sw_text(sw_canvas *c, double x, double y, const char *s, const uint8_t rgb[3], int scale, int align, int vertical) {
    double w = sw_text_width(s, scale), h = 7.0 * scale;
    /* (x, y): the anchor; align -1 left, 0 centre, 1 right of the text's run; y is its middle */
    double start = align < 0 ? 0 : align == 0 ? -w / 2 : -w;
    for (size_t k = 0; s[k]; k++)
        for (int r = 0; r < 7; r++)
            for (int col = 0; col < 5; col++) {
                if (!wk__glyph_pixel(s[k], r, col)) continue;
                for (int a = 0; a < scale; a++)
                    for (int b = 0; b < scale; b++) {
                        double u = start + (double)(6 * k + col) * scale + b, v = -h / 2 + r * scale + a; /* along, across */
                        if (!vertical) put(c, (int)lround(x + u), (int)lround(y + v), rgb);
                        else put(c, (int)lround(x + v), (int)lround(y - u), rgb); /* reads bottom to top */
                    }
            }
    /* SVG: a monospace font whose advance is 0.6 em, so 10 px per scale matches the 6-px cells */
    const char *anchor = align < 0 ? "start" : align == 0 ? "middle" : "end";
    if (!vertical) wk_sb_printf(&c->svg, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"", x, y + h / 2, 10 * scale, anchor);
    else
        wk_sb_printf(&c->svg, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" font-size=\"%d\" text-anchor=\"%s\" fill=\"", x + h / 2, y,
                     10 * scale, anchor);
    hex(&c->svg, rgb);
    wk_sb_puts(&c->svg, "\">");
    wk_sb_append_xml(&c->svg, s);
    wk_sb_puts(&c->svg, "</text>\n");
}

int sw_canvas_write(sw_canvas *c, const char *png_path, const char *svg_path) {
    int rc = wk_png_write(png_path, &c->img);
    if (rc) return rc;
    wk_sb_puts(&c->svg, "</svg>\n");
    if ((rc = wk_sb_status(&c->svg))) return rc;
    return wk_write_file_atomic(svg_path, c->svg.data, c->svg.len);
}
