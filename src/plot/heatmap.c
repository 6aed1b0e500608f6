/* heatmap.c — wk_heatmap_write (plot.h): a grid of coloured, labelled cells with a colour bar,
 * drawn once through the primitives below into both an RGB image (PNG; lines, text in the 5x7
 * label font of the other PNG plots) and an SVG document of the same pixel geometry, so the two
 * files show one picture. The SVG's monospace text at 10 px per font scale matches the 6-px cells
 * of the 5x7 font, so the widths computed for the PNG hold for both. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/font5x7.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/plot.h"

static const uint8_t BLACK[3] = {0, 0, 0}, GREY[3] = {110, 110, 110}, LIGHT[3] = {225, 225, 225}, WHITE[3] = {255, 255, 255};

typedef struct {
    wk_image *img; /* NULL: no PNG */
    wk_strbuf *svg; /* NULL: no SVG */
} surface;

static void colour_hex(wk_strbuf *sb, const uint8_t c[3]) { wk_sb_printf(sb, "#%02x%02x%02x", c[0], c[1], c[2]); }

static void rect(surface *d, double x, double y, double w, double h, const uint8_t c[3]) {
    if (d->img)
        for (long j = lround(y); j < lround(y + h); j++) wk_image_line(d->img, lround(x), j, lround(x + w) - 1, j, c, 1);
    if (d->svg) {
        wk_sb_printf(d->svg, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"", x, y, w, h);
        colour_hex(d->svg, c);
        wk_sb_puts(d->svg, "\"/>\n");
    }
}

static void line(surface *d, double x0, double y0, double x1, double y1, const uint8_t c[3]) {
    if (d->img) wk_image_line(d->img, x0, y0, x1, y1, c, 1);
    if (d->svg) {
        wk_sb_printf(d->svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"", x0, y0, x1, y1);
        colour_hex(d->svg, c);
        wk_sb_puts(d->svg, "\"/>\n");
    }
}

/* Text anchored at (x, y), y its vertical middle; align -1 left, 0 centre, 1 right of its run;
 * up: turned a quarter left (reads bottom to top, centred on y). */
static void text(surface *d, double x, double y, const char *s, const uint8_t c[3], int scale, int align, int up) {
    double w = wk__text_width(s, scale), h = 7.0 * scale, start = align < 0 ? 0 : align == 0 ? -w / 2 : -w;
    if (d->img) {
        if (!up) wk__text_draw(d->img, (int)lround(x + start), (int)lround(y - h / 2), s, scale, c, 0);
        else wk__text_draw(d->img, (int)lround(x - h / 2), (int)lround(y - start), s, scale, c, 1);
    }
    if (d->svg) {
        const char *anchor = align < 0 ? "start" : align == 0 ? "middle" : "end";
        if (!up) wk_sb_printf(d->svg, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"", x, y + h / 2, 10 * scale, anchor);
        else wk_sb_printf(d->svg, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" font-size=\"%d\" text-anchor=\"%s\" fill=\"", x + h / 2, y,
                          10 * scale, anchor);
        colour_hex(d->svg, c);
        wk_sb_puts(d->svg, "\">");
        wk_sb_append_xml(d->svg, s);
        wk_sb_puts(d->svg, "</text>\n");
    }
}

/* viridis, 5 anchors, linear between */
static void viridis(double t, uint8_t out[3]) {
    static const double a[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double u = t * 4;
    int i = u >= 4 ? 3 : (int)u;
    double f = u - i;
    for (int k = 0; k < 3; k++) out[k] = (uint8_t)lround(a[i][k] + f * (a[i + 1][k] - a[i][k]));
}

typedef struct {
    int cw, ch, left, top, bar_x, width, height;
    double lo, hi; /* the finite values' range */
} layout;

static layout fit(const wk_heatmap_spec *s) {
    layout L = {.cw = 104, .ch = 56, .top = s->title || s->note ? 56 : 16};
    L.lo = INFINITY, L.hi = -INFINITY;
    for (int i = 0; i < s->rows * s->cols; i++)
        if (isfinite(s->value[i])) L.lo = fmin(L.lo, s->value[i]), L.hi = fmax(L.hi, s->value[i]);
    int label_w = 0;
    for (int r = 0; r < s->rows; r++) label_w = (int)fmax(label_w, wk__text_width(s->row_names[r], 1));
    L.left = 40 + label_w + 10;
    for (int c = 0; c < s->cols; c++) L.cw = (int)fmax(L.cw, wk__text_width(s->col_names[c], 1) + 8);
    L.bar_x = L.left + s->cols * L.cw + 24;
    L.width = L.bar_x + 110, L.height = L.top + (int)fmax(s->rows * L.ch, 120) + 64;
    if (s->title) L.width = (int)fmax(L.width, wk__text_width(s->title, 2) + 20);
    if (s->note) L.width = (int)fmax(L.width, wk__text_width(s->note, 1) + 20);
    return L;
}

static void draw(surface *d, const wk_heatmap_spec *s, const layout *L) {
    char buf[64];
    const int gw = s->cols * L->cw, gh = s->rows * L->ch;
    if (s->title) text(d, 10, 16, s->title, BLACK, 2, -1, 0);
    if (s->note) text(d, 10, 36, s->note, GREY, 1, -1, 0);
    for (int r = 0; r < s->rows; r++)
        for (int c = 0; c < s->cols; c++) {
            int i = r * s->cols + c;
            double x = L->left + c * L->cw, y = L->top + r * L->ch, v = s->value[i];
            uint8_t col[3];
            if (isfinite(v)) viridis(L->hi > L->lo ? (v - L->lo) / (L->hi - L->lo) : 0.5, col);
            else memcpy(col, LIGHT, 3);
            rect(d, x, y, L->cw - 1, L->ch - 1, col);
            const uint8_t *ink = isfinite(v) && (0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]) < 140 ? WHITE : BLACK;
            const char *const *t = s->text ? s->text + 3 * i : NULL;
            if (t && t[0] && !t[1] && !t[2]) text(d, x + L->cw / 2.0, y + L->ch / 2.0, t[0], ink, 1, 0, 0); /* a note alone ("all 3 failed") */
            else if (t) {
                if (t[0]) text(d, x + L->cw / 2.0, y + 15, t[0], ink, 2, 0, 0);
                if (t[1]) text(d, x + L->cw / 2.0, y + 33, t[1], ink, 1, 0, 0);
                if (t[2]) text(d, x + L->cw / 2.0, y + 45, t[2], ink, 1, 0, 0);
            }
        }
    for (int r = 0; r < s->rows; r++) text(d, L->left - 6, L->top + r * L->ch + L->ch / 2.0, s->row_names[r], BLACK, 1, 1, 0);
    for (int c = 0; c < s->cols; c++) text(d, L->left + c * L->cw + L->cw / 2.0, L->top + gh + 10, s->col_names[c], BLACK, 1, 0, 0);
    if (s->col_title) text(d, L->left + gw / 2.0, L->top + gh + 34, s->col_title, BLACK, 2, 0, 0);
    if (s->row_title) text(d, 16, L->top + gh / 2.0, s->row_title, BLACK, 2, 0, 1);
    /* the colour bar: high at the top, five values */
    int bh = gh > 120 ? gh : 120;
    for (int j = 0; j < bh; j++) {
        uint8_t col[3];
        viridis(1.0 - (double)j / (bh - 1), col);
        rect(d, L->bar_x, L->top + j, 16, 1, col);
    }
    if (isfinite(L->lo))
        for (int k = 0; k <= 4; k++) {
            double v = L->hi - (L->hi - L->lo) * k / 4.0, y = L->top + (bh - 1) * k / 4.0;
            snprintf(buf, sizeof buf, "%.4g", v);
            line(d, L->bar_x + 16, y, L->bar_x + 20, y, BLACK);
            text(d, L->bar_x + 24, y, buf, BLACK, 1, -1, 0);
        }
    if (s->bar_title) text(d, L->bar_x, L->top + bh + 14, s->bar_title, BLACK, 1, -1, 0);
}

int wk_heatmap_write(const char *png_path, const char *svg_path, const wk_heatmap_spec *spec) {
    if (spec->rows < 1 || spec->cols < 1 || !spec->value || !spec->row_names || !spec->col_names)
        return wk_errorf(WK_EINVAL, "heatmap: no cells");
    layout L = fit(spec);
    wk_image img = {0};
    wk_strbuf svg;
    wk_sb_init(&svg);
    int rc = png_path ? wk_image_alloc(&img, L.width, L.height, 3) : WK_OK;
    if (rc) return rc;
    if (png_path) memset(img.pixels, 255, (size_t)L.width * (size_t)L.height * 3);
    wk_sb_printf(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                       "font-family=\"DejaVu Sans Mono, monospace\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
                 L.width, L.height, L.width, L.height, L.width, L.height);
    surface d = {png_path ? &img : NULL, svg_path ? &svg : NULL};
    draw(&d, spec, &L);
    wk_sb_puts(&svg, "</svg>\n");
    if (png_path) rc = wk_png_write(png_path, &img);
    if (!rc && svg_path && !(rc = wk_sb_status(&svg))) rc = wk_write_file_atomic(svg_path, svg.data, svg.len);
    wk_image_free(&img);
    wk_sb_free(&svg);
    return rc;
}
