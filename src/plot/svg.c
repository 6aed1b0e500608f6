/* svg.c — hand-written SVG line charts and scatters: axes with "nice" ticks (1-2-5 steps, whole
 * numbers on integer axes, or powers of ten on a log axis), tick labels, axis titles, a legend
 * sized to the series names, optional shaded bands (e.g. a floor), error bars, a categorical x
 * axis and a y = x diagonal; one path per series, dots where a line cannot show the points (see
 * plot.h). The frame (ranges, ticks) is chart_axes.c's, shared with the PNG chart. */
#include "plot/chart_axes.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* A 1, 2 or 5 times 10^k step giving about `target` intervals over [lo, hi]; at least 1 on an
 * integer axis (no 1.5 modes, no step 0.5). */
double wk_plot_nice_step(double lo, double hi, int target, int integer) {
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double s = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
    return integer && s < 1 ? 1 : s;
}

int wk_plot_log_ticks(double lo, double hi, double *t, int max) {
    int n = 0, d0 = (int)floor(lo + 1e-9), d1 = (int)ceil(hi - 1e-9);
    if (!(isfinite(lo) && isfinite(hi)) || hi < lo || max < 1) return 0;
    if (d1 - d0 <= 3) { /* few decades: 1, 2, 5 x 10^k */
        static const double m[3] = {1, 2, 5};
        for (int d = d0; d <= d1; d++)
            for (int k = 0; k < 3 && n < max; k++) {
                double v = d + log10(m[k]);
                if (v >= lo - 1e-9 && v <= hi + 1e-9) t[n++] = v;
            }
        return n;
    }
    int every = d1 - d0 <= 12 ? 1 : (d1 - d0 + 11) / 12;
    for (int d = (int)ceil(lo - 1e-9); d <= hi + 1e-9 && n < max; d += every) t[n++] = d;
    return n;
}

static int usable(const wk_chart_spec *spec, double x, double y) { return wk__chart_usable(spec, x, y); }
static double ty(const wk_chart_spec *spec, double y) { return wk__chart_ty(spec, y); }
static double tx(const wk_chart_spec *spec, double x) { return wk__chart_tx(spec, x); }

/* Series s's marker of radius r at (x, y), its shape by s as chart_png.c's marker(): a filled
 * disc, then outlines (square, diamond, triangle, plus, cross), so that equal values of two
 * series at one x both show. cls: the element's class, or NULL. */
static void marker(wk_strbuf *out, double x, double y, double r, size_t s, const char *col, const char *cls) {
    char c[32] = "";
    if (cls) snprintf(c, sizeof c, " class=\"%s\"", cls);
    const double q = r + 2;
    switch (s % WK_CHART_SHAPES) {
    case 0: wk_sb_printf(out, "<circle%s cx=\"%.2f\" cy=\"%.2f\" r=\"%g\" fill=\"%s\"/>\n", c, x, y, r, col); return;
    case 1: wk_sb_printf(out, "<rect%s x=\"%.2f\" y=\"%.2f\" width=\"%g\" height=\"%g\"", c, x - r - 1, y - r - 1, 2 * r + 2, 2 * r + 2); break;
    case 2: wk_sb_printf(out, "<path%s d=\"M%.2f %.2f L%.2f %.2f L%.2f %.2f L%.2f %.2f Z\"", c, x, y - q, x + q, y, x, y + q, x - q, y); break;
    case 3: wk_sb_printf(out, "<path%s d=\"M%.2f %.2f L%.2f %.2f L%.2f %.2f Z\"", c, x, y - q, x + q, y + 0.8 * q, x - q, y + 0.8 * q); break;
    case 4: wk_sb_printf(out, "<path%s d=\"M%.2f %.2f H%.2f M%.2f %.2f V%.2f\"", c, x - q, y, x + q, x, y - q, y + q); break;
    default: wk_sb_printf(out, "<path%s d=\"M%.2f %.2f L%.2f %.2f M%.2f %.2f L%.2f %.2f\"", c, x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r); break;
    }
    wk_sb_printf(out, " fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>\n", col);
}

int wk_svg_line_chart(wk_strbuf *out, const wk_chart_spec *spec, const wk_series *series, size_t n_series) {
    /* the plot area's clip path needs an id unique in the page: a report inlines several charts
     * into one buffer, and url(#id) resolves to the document's first element of that id (each
     * chart would clip to the first one's rectangle); the buffer's length at the chart's start
     * differs for every chart written into it */
    const size_t clip_id = out->len;
    size_t longest = 0;
    for (size_t s = 0; s < n_series; s++)
        if (series[s].name && strlen(series[s].name) > longest) longest = strlen(series[s].name);
    const double W = spec->width ? spec->width : 640, H = spec->height ? spec->height : 360;
    wk_chart_frame f;
    wk__chart_fit(spec, series, n_series, &f);
    char lab[48];
    /* the left margin fits the widest y label (12 px sans-serif: about 7 px a digit) right of the
     * turned y title (x = 10 .. 22), as the PNG's does */
    double left = 70;
    for (int k = 0; k < f.nyt && !spec->log_y; k++)
        left = fmax(left, 24 + 7.0 * (double)strlen(wk__chart_ytick_label(spec, &f, k, lab, sizeof lab)) + 6);
    /* 7 px a character: 12 px sans-serif runs to about 6.7 px on lower case ("upper bound only" was
     * cut at the right edge with 6.4) */
    const double right = n_series ? 50 + 7.0 * (double)longest : 20, top = spec->title ? 34 : 14, bottom = 46;
    const double pw = W - left - right, ph = H - top - bottom;
    if (pw < 50 || ph < 50) return wk_errorf(WK_EINVAL, "svg chart: %g x %g is too small for its legend and labels", W, H);
    const double xlo = f.xlo, xhi = f.xhi, ylo = f.ylo, yhi = f.yhi;
#define SXT(t) (left + ((t) - xlo) / (xhi - xlo) * pw) /* axis units */
#define SX(x) SXT(tx(spec, x))                          /* data units */
#define SY(y) (top + ph - ((y) - ylo) / (yhi - ylo) * ph)
    const size_t marks = f.marks;
    wk_sb_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wk-chart\" data-marks=\"%zu\" width=\"%g\" height=\"%g\" "
                      "viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                 marks, W, H, W, H);
    if (spec->title) {
        /* over the plot, but kept inside the picture (14 px bold: about 8.4 px a character): a title
         * longer than a plot narrowed by a wide legend began left of the image */
        const double half = 4.2 * (double)strlen(spec->title) + 4, cx = fmax(fmin(left + pw / 2, W - half), half);
        wk_sb_printf(out, "<text x=\"%g\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">", cx);
        wk_sb_append_xml(out, spec->title);
        wk_sb_puts(out, "</text>\n");
    }
    /* grid lines and tick labels */
    wk_sb_puts(out, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    for (int k = 0; k < f.nxt; k++) wk_sb_printf(out, "<line x1=\"%.2f\" y1=\"%g\" x2=\"%.2f\" y2=\"%g\"/>\n", SXT(f.xt[k]), top, SXT(f.xt[k]), top + ph);
    for (int k = 0; k < f.nyt; k++)
        wk_sb_printf(out, "<line x1=\"%g\" y1=\"%.2f\" x2=\"%g\" y2=\"%.2f\"/>\n", left, SY(f.yt[k]), left + pw, SY(f.yt[k]));
    wk_sb_puts(out, "</g>\n<g fill=\"#333\">\n");
    /* every stride-th x label (about 7 px a character), so that none runs into the next */
    double xc[WK_CHART_MAX_TICKS], xw[WK_CHART_MAX_TICKS];
    for (int k = 0; k < f.nxt; k++)
        xc[k] = SXT(f.xt[k]), xw[k] = 7.0 * (double)strlen(wk__chart_xtick_label(spec, &f, k, lab, sizeof lab));
    const int stride = wk__chart_label_stride(xc, xw, f.nxt, 8, W);
    for (int k = 0; k < f.nxt; k++) {
        if (!stride || k % stride) continue;
        const char *l = wk__chart_xtick_label(spec, &f, k, lab, sizeof lab);
        wk_sb_printf(out, "<text x=\"%.2f\" y=\"%g\" text-anchor=\"middle\">", SXT(f.xt[k]), top + ph + 16);
        wk_sb_append_xml(out, l);
        wk_sb_puts(out, "</text>\n");
    }
    for (int k = 0; k < f.nyt; k++) {
        double y = f.yt[k];
        if (spec->log_y) wk_sb_printf(out, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">1e%d</text>\n", left - 6, SY(y) + 4, (int)lrint(y));
        else wk_sb_printf(out, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n", left - 6, SY(y) + 4,
                          wk__chart_ytick_label(spec, &f, k, lab, sizeof lab));
    }
    wk_sb_puts(out, "</g>\n");
    if (spec->x_label) {
        wk_sb_printf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", left + pw / 2, H - 8);
        wk_sb_append_xml(out, spec->x_label);
        wk_sb_puts(out, spec->log_x ? " (log scale)</text>\n" : "</text>\n");
    }
    if (spec->y_label) {
        wk_sb_printf(out, "<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">", top + ph / 2);
        wk_sb_append_xml(out, spec->y_label);
        wk_sb_puts(out, spec->log_y ? " (log scale)</text>\n" : "</text>\n");
    }
    wk_sb_printf(out, "<clipPath id=\"wkclip%zu\"><rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\"/></clipPath>\n", clip_id, left, top,
                 pw, ph);
    if (spec->diagonal)
        wk_sb_printf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>\n", SXT(xlo),
                     SY(xlo), SXT(xhi), SY(xhi));
    /* bands first (under every line): one polygon per run of usable points */
    for (size_t s = 0; s < n_series; s++) {
        const wk_series *se = &series[s];
        const char *colour = palette[s % (sizeof palette / sizeof palette[0])];
        for (size_t i, j = 0; wk__chart_band_run(spec, se, &i, &j);) {
            /* a single evaluation still shows its band: widen it to the plot's width */
            double xa = j - i == 1 ? xlo : tx(spec, se->x[i]), xb = j - i == 1 ? xhi : tx(spec, se->x[j - 1]);
            wk_sb_printf(out, "<polygon class=\"band\" clip-path=\"url(#wkclip%zu)\" fill=\"%s\" fill-opacity=\"0.18\" points=\"", clip_id,
                         colour);
            for (size_t k = i; k < j; k++)
                wk_sb_printf(out, "%.2f,%.2f ", j - i == 1 ? (k == i ? SXT(xa) : SXT(xb)) : SX(se->x[k]), SY(ty(spec, se->band_hi[k])));
            if (j - i == 1) wk_sb_printf(out, "%.2f,%.2f ", SXT(xb), SY(ty(spec, se->band_hi[i])));
            if (j - i == 1) wk_sb_printf(out, "%.2f,%.2f ", SXT(xb), SY(ty(spec, se->band_lo[i])));
            for (size_t k = j; k-- > i;)
                wk_sb_printf(out, "%.2f,%.2f ", j - i == 1 ? SXT(xa) : SX(se->x[k]), SY(ty(spec, se->band_lo[k])));
            wk_sb_puts(out, "\"/>\n");
        }
    }
    /* one path per series; an unusable point lifts the pen */
    for (size_t s = 0; s < n_series; s++) {
        const wk_series *se = &series[s];
        const char *colour = palette[s % (sizeof palette / sizeof palette[0])];
        const int dots = spec->points_only || se->markers;
        if (se->y && !dots) {
            wk_sb_printf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" stroke-linejoin=\"round\" d=\"", colour);
            int pen_down = 0;
            for (size_t i = 0; i < se->n; i++) {
                if (!usable(spec, se->x[i], se->y[i])) { pen_down = 0; continue; }
                wk_sb_printf(out, "%c%.2f %.2f ", pen_down ? 'L' : 'M', SX(se->x[i]), SY(ty(spec, se->y[i])));
                pen_down = 1;
            }
            wk_sb_puts(out, "\"/>\n");
        }
        for (size_t i = 0; se->y && se->err && i < se->n; i++) { /* error bars: a whisker with 4-px caps, clipped to the frame */
            if (!usable(spec, se->x[i], se->y[i]) || !(se->err[i] > 0)) continue;
            double x = SX(se->x[i]), lo = se->y[i] - se->err[i], hi = se->y[i] + se->err[i];
            double ylo_px = usable(spec, se->x[i], lo) ? SY(ty(spec, lo)) : top + ph, yhi_px = SY(ty(spec, hi));
            wk_sb_printf(out, "<path class=\"errbar\" clip-path=\"url(#wkclip%zu)\" fill=\"none\" stroke=\"%s\" d=\"M%.2f %.2f V%.2f M%.2f %.2f H%.2f M%.2f %.2f H%.2f\"/>\n",
                         clip_id, colour, x, ylo_px, yhi_px, x - 4, ylo_px, x + 4, x - 4, yhi_px, x + 4);
        }
        size_t n_use = 0;
        for (size_t i = 0; se->y && i < se->n; i++) n_use += usable(spec, se->x[i], se->y[i]);
        for (size_t i = 0; se->y && i < se->n; i++) {
            if (!usable(spec, se->x[i], se->y[i])) continue;
            int isolated = (i == 0 || !usable(spec, se->x[i - 1], se->y[i - 1])) && (i + 1 == se->n || !usable(spec, se->x[i + 1], se->y[i + 1]));
            if (dots || n_use <= 40 || isolated) marker(out, SX(se->x[i]), SY(ty(spec, se->y[i])), dots ? 4.0 : 3.0, s, colour, "mark");
        }
        double ly = top + 8 + 18 * (double)s;
        if (se->y && dots) marker(out, left + pw + 22, ly, 4, s, colour, NULL);
        else if (se->y) {
            wk_sb_printf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"3\"/>", left + pw + 12, ly,
                         left + pw + 32, ly, colour);
            marker(out, left + pw + 22, ly, 3, s, colour, NULL);
        }
        else wk_sb_printf(out, "<rect x=\"%g\" y=\"%g\" width=\"20\" height=\"10\" fill=\"%s\" fill-opacity=\"0.3\"/>", left + pw + 12, ly - 5, colour);
        wk_sb_printf(out, "<text x=\"%g\" y=\"%g\">", left + pw + 38, ly + 4);
        wk_sb_append_xml(out, se->name ? se->name : "");
        wk_sb_puts(out, "</text>\n");
    }
    wk_sb_printf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph);
#undef SX
#undef SXT
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
