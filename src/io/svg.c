/* svg.c — hand-written SVG line charts: axes with "nice" ticks (1-2-5 steps, or powers of ten
 * on a log axis), tick labels, axis titles, legend; one path per series (see plot.h). */
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/plot.h"

#include <math.h>
#include <string.h>

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* A 1, 2 or 5 times 10^k step giving about `target` intervals over [lo, hi]. */
static double nice_step(double lo, double hi, int target) {
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static int usable(const wk_chart_spec *spec, double x, double y) {
    return isfinite(x) && isfinite(y) && (!spec->log_y || y > 0);
}

int wk_svg_line_chart(wk_strbuf *out, const wk_chart_spec *spec, const wk_series *series, size_t n_series) {
    const double W = spec->width ? spec->width : 640, H = spec->height ? spec->height : 360;
    const double left = 70, right = 150, top = spec->title ? 34 : 14, bottom = 46;
    const double pw = W - left - right, ph = H - top - bottom;
    if (pw < 50 || ph < 50) return wk_errorf(WK_EINVAL, "svg chart: %g x %g is too small", W, H);
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t s = 0; s < n_series; s++)
        for (size_t i = 0; i < series[s].n; i++) {
            double x = series[s].x[i], y = series[s].y[i];
            if (!usable(spec, x, y)) continue;
            if (spec->log_y) y = log10(y);
            xlo = fmin(xlo, x); xhi = fmax(xhi, x); ylo = fmin(ylo, y); yhi = fmax(yhi, y);
        }
    if (!(xlo <= xhi)) { xlo = 0; xhi = 1; ylo = 0; yhi = 1; } /* no data: empty axes */
    if (xhi == xlo) { xlo -= 0.5; xhi += 0.5; }
    if (yhi == ylo) { ylo -= spec->log_y ? 1 : 0.5 + fabs(ylo) * 0.1; yhi += spec->log_y ? 1 : 0.5 + fabs(yhi) * 0.1; }
    double xs = nice_step(xlo, xhi, 6), ys = spec->log_y ? fmax(1, ceil((yhi - ylo) / 6)) : nice_step(ylo, yhi, 5);
    if (spec->log_y) { ylo = floor(ylo); yhi = ceil(yhi); }
    else { ylo = floor(ylo / ys) * ys; yhi = ceil(yhi / ys) * ys; }
#define SX(x) (left + ((x) - xlo) / (xhi - xlo) * pw)
#define SY(y) (top + ph - ((y) - ylo) / (yhi - ylo) * ph)
    wk_sb_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
                      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
    if (spec->title) {
        wk_sb_printf(out, "<text x=\"%g\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">", left + pw / 2);
        wk_sb_append_xml(out, spec->title);
        wk_sb_puts(out, "</text>\n");
    }
    /* grid lines and tick labels */
    wk_sb_puts(out, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    for (int k = 0; k < 50 && ceil(xlo / xs) * xs + k * xs <= xhi + xs * 1e-9; k++) {
        double x = ceil(xlo / xs) * xs + k * xs;
        wk_sb_printf(out, "<line x1=\"%.2f\" y1=\"%g\" x2=\"%.2f\" y2=\"%g\"/>\n", SX(x), top, SX(x), top + ph);
    }
    for (int k = 0; k < 50 && ylo + k * ys <= yhi + ys * 1e-9; k++) {
        double y = ylo + k * ys;
        wk_sb_printf(out, "<line x1=\"%g\" y1=\"%.2f\" x2=\"%g\" y2=\"%.2f\"/>\n", left, SY(y), left + pw, SY(y));
    }
    wk_sb_puts(out, "</g>\n<g fill=\"#333\">\n");
    for (int k = 0; k < 50 && ceil(xlo / xs) * xs + k * xs <= xhi + xs * 1e-9; k++) {
        double x = ceil(xlo / xs) * xs + k * xs;
        wk_sb_printf(out, "<text x=\"%.2f\" y=\"%g\" text-anchor=\"middle\">%.6g</text>\n", SX(x), top + ph + 16, fabs(x) < xs * 1e-9 ? 0 : x);
    }
    for (int k = 0; k < 50 && ylo + k * ys <= yhi + ys * 1e-9; k++) {
        double y = ylo + k * ys;
        if (spec->log_y) wk_sb_printf(out, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">1e%d</text>\n", left - 6, SY(y) + 4, (int)lrint(y));
        else wk_sb_printf(out, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">%.6g</text>\n", left - 6, SY(y) + 4, fabs(y) < ys * 1e-9 ? 0 : y);
    }
    wk_sb_puts(out, "</g>\n");
    wk_sb_printf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph);
    if (spec->x_label) {
        wk_sb_printf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", left + pw / 2, H - 8);
        wk_sb_append_xml(out, spec->x_label);
        wk_sb_puts(out, "</text>\n");
    }
    if (spec->y_label) {
        wk_sb_printf(out, "<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">", top + ph / 2);
        wk_sb_append_xml(out, spec->y_label);
        wk_sb_puts(out, spec->log_y ? " (log)</text>\n" : "</text>\n");
    }
    /* one path per series; an unusable point lifts the pen */
    for (size_t s = 0; s < n_series; s++) {
        const char *colour = palette[s % (sizeof palette / sizeof palette[0])];
        wk_sb_printf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" stroke-linejoin=\"round\" d=\"", colour);
        int pen_down = 0;
        for (size_t i = 0; i < series[s].n; i++) {
            double x = series[s].x[i], y = series[s].y[i];
            if (!usable(spec, x, y)) { pen_down = 0; continue; }
            if (spec->log_y) y = log10(y);
            wk_sb_printf(out, "%c%.2f %.2f ", pen_down ? 'L' : 'M', SX(x), SY(y));
            pen_down = 1;
        }
        wk_sb_puts(out, "\"/>\n");
        double ly = top + 8 + 18 * (double)s;
        wk_sb_printf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"3\"/>", left + pw + 12, ly,
                     left + pw + 32, ly, colour);
        wk_sb_printf(out, "<text x=\"%g\" y=\"%g\">", left + pw + 38, ly + 4);
        wk_sb_append_xml(out, series[s].name ? series[s].name : "");
        wk_sb_puts(out, "</text>\n");
    }
#undef SX
#undef SY
    wk_sb_puts(out, "</svg>\n");
    return wk_sb_status(out);
}

int wk_svg_write_line_chart(const char *path, const wk_chart_spec *spec, const wk_series *series, size_t n_series) {
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int rc = wk_svg_line_chart(&sb, spec, series, n_series);
    if (rc == WK_OK) rc = wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    return rc;
}
