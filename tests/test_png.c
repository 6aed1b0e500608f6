/* test_png.c — PNG sample grids read back with libpng (size, padding, pixel values, upscaling),
 * the scatter renderer (point colours where points are, field colours, bad input), and the
 * SVG line chart's structure. */
#include "check.h"
#include "wgankit/error.h"
#include "wgankit/plot.h"

#include <png.h>
#include <string.h>
#include <unistd.h>

/* Read a PNG into an 8-bit buffer via libpng's simplified API. */
static uint8_t *read_png(const char *path, int *w, int *h, int *channels) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) return NULL;
    *channels = (img.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
    img.format = *channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return buf;
}

int main(void) {
    char dir[64] = "/tmp/wk_png_XXXXXX", path[128];
    REQUIRE(mkdtemp(dir), "mkdtemp");

    /* 5 gray 3x2 samples, 3 columns, scale 2: 2 rows; width 2 + 3*(4+2) = 20, height 2 + 2*(6+2) = 18 */
    wk_tensor x;
    int64_t shape[4] = {5, 1, 3, 2};
    REQUIRE(wk_tensor_alloc(&x, 4, shape) == WK_OK, "alloc");
    for (int64_t i = 0; i < x.numel; i++) x.data[i] = -1 + 2.0f * (float)(i % 6) / 5;
    x.data[6] = 5;    /* clipped to white */
    x.data[7] = NAN;  /* black */
    snprintf(path, sizeof path, "%s/grid.png", dir);
    REQUIRE(wk_png_write_grid(path, &x, 3, 2) == WK_OK, "grid: %s", wk_last_error());
    int w, h, c;
    uint8_t *p = read_png(path, &w, &h, &c);
    REQUIRE(p, "libpng reads the grid back");
    CHECK(w == 20 && h == 18 && c == 1, "grid size %dx%dx%d", w, h, c);
    CHECK(p[0] == 0 && p[1 * w + 1] == 0, "padding is black");
    CHECK(p[2 * w + 2] == 0 && p[2 * w + 3] == 0 && p[3 * w + 2] == 0, "sample 0 pixel (0,0) = -1 -> 0, upscaled 2x");
    CHECK(p[2 * w + 4] == 51 && p[3 * w + 5] == 51, "sample 0 pixel (0,1) = -0.6 -> 51");
    CHECK(p[6 * w + 4] == 255, "sample 0 pixel (2,1) = 1 -> 255 (got %d)", p[6 * w + 4]);
    CHECK(p[2 * w + 8] == 255 && p[2 * w + 10] == 0, "sample 1: clipped 5 -> 255, NaN -> 0");
    CHECK(p[10 * w + 14] == 0 && p[17 * w + 19] == 0, "empty 6th slot stays black");
    CHECK(p[10 * w + 8] == 0 && p[10 * w + 10] == 51, "sample 4 in row 2, column 1");
    free(p);
    wk_tensor_free(&x);

    /* colour: 2 samples, red channel +1, others -1 */
    int64_t cs[4] = {2, 3, 4, 4};
    REQUIRE(wk_tensor_alloc(&x, 4, cs) == WK_OK, "alloc");
    for (int64_t i = 0; i < x.numel; i++) x.data[i] = (i % 48) < 16 ? 1 : -1;
    REQUIRE(wk_png_write_grid(path, &x, 0, 1) == WK_OK, "rgb grid: %s", wk_last_error());
    p = read_png(path, &w, &h, &c);
    REQUIRE(p, "read rgb grid");
    CHECK(c == 3 && w == 2 + 2 * 6 && h == 2 + 6, "rgb grid %dx%dx%d (2 columns by default)", w, h, c);
    CHECK(p[(3 * w + 3) * 3] == 255 && p[(3 * w + 3) * 3 + 1] == 0 && p[(3 * w + 3) * 3 + 2] == 0, "red pixel");
    free(p);
    int64_t bad[4] = {2, 2, 4, 4};
    wk_tensor_set_shape(&x, 4, bad);
    CHECK(wk_png_write_grid(path, &x, 0, 1) == WK_EINVAL && strstr(wk_last_error(), "[2, 2, 4, 4]"), "C=2 rejected: %s", wk_last_error());
    wk_tensor_free(&x);
    CHECK(wk_png_write_grid("/nonexistent/g.png", &x, 0, 1) != WK_OK, "no data / bad path fails");

    /* scatter: points land where they should, in their colours, over the field's colours */
    float real[2] = {-0.5f, 0.5f}, fake[2] = {0.5f, -0.5f};
    float field[4] = {-1, 1, -1, 1}; /* increases with x */
    wk_scatter_spec s;
    wk_scatter_default(&s);
    s.real = real; s.n_real = 1; s.fake = fake; s.n_fake = 1;
    s.xmin = -1; s.xmax = 1; s.ymin = -1; s.ymax = 1;
    s.field = field; s.field_nx = 2; s.field_ny = 2;
    s.width = s.height = 101;
    s.decorate = 0; /* the plot area alone: pixel positions are data positions */
    wk_image img;
    REQUIRE(wk_scatter_render(&s, &img) == WK_OK, "scatter: %s", wk_last_error());
    const uint8_t *r = img.pixels + (25 * 101 + 25) * 3, *g = img.pixels + (75 * 101 + 75) * 3;
    CHECK(r[0] > 200 && r[1] > 100 && r[1] < 200 && r[2] < 150, "real point orange-ish: %d %d %d", r[0], r[1], r[2]);
    CHECK(g[1] > g[0] && g[1] > g[2], "fake point green-ish: %d %d %d", g[0], g[1], g[2]);
    const uint8_t *left = img.pixels + (60 * 101 + 3) * 3, *right = img.pixels + (60 * 101 + 97) * 3;
    CHECK(left[2] > left[0] && right[0] > right[2], "field: blue at low values, red at high (%d,%d / %d,%d)", left[0], left[2], right[0], right[2]);
    const uint8_t *contour = img.pixels + (40 * 101 + 27) * 3; /* level 3 of 10 runs at x = -1 + 6/11 */
    CHECK(contour[0] < 200 && contour[1] < 200, "iso-line through the field's middle: %d %d %d", contour[0], contour[1], contour[2]);
    wk_image_free(&img);
    s.xmin = s.xmax = 0;
    CHECK(wk_scatter_render(&s, &img) == WK_EINVAL && strstr(wk_last_error(), "fixed extent"), "field needs an extent");
    s.field = NULL;
    REQUIRE(wk_scatter_render(&s, &img) == WK_OK, "auto extent: %s", wk_last_error());
    wk_image_free(&img);
    /* issue 11, finding 5: the default picture has margins, axes with tick labels, a legend and a
     * colour bar; a real point sitting on a mode centre is drawn above its marker */
    {
        double centre[2] = {-0.5, 0.5};
        wk_scatter_spec d;
        wk_scatter_default(&d);
        d.real = real, d.n_real = 1, d.fake = fake, d.n_fake = 1, d.centres = centre, d.n_centres = 1;
        d.xmin = d.ymin = -1, d.xmax = d.ymax = 1;
        d.field = field, d.field_nx = d.field_ny = 2;
        d.width = d.height = 201;
        wk_image im;
        REQUIRE(wk_scatter_render(&d, &im) == WK_OK, "decorated scatter: %s", wk_last_error());
        CHECK(im.width > 201 + 100 && im.height > 201 + 40, "margins for axes, legend and colour bar: %d x %d", im.width, im.height);
        /* the plot area starts at (64 + 8, 30 + 8); the real point at (-0.5, 0.5) is at 1/4 of it */
        const uint8_t *pt = im.pixels + ((size_t)(38 + 50) * im.width + 72 + 50) * 3;
        CHECK(pt[0] > 120 && pt[0] > 1.5 * pt[1] && pt[2] < 60, "real point (orange) above the mode marker (black): %d %d %d", pt[0], pt[1], pt[2]);
        int dark_left = 0, dark_top = 0, bar_blue = 0, bar_red = 0;
        for (int y = 38; y < 38 + 201; y++)
            for (int x = 0; x < 50; x++) dark_left += im.pixels[((size_t)y * im.width + x) * 3] < 100;
        for (int y = 0; y < 26; y++)
            for (int x = 72; x < 300; x++) dark_top += im.pixels[((size_t)y * im.width + x) * 3] < 100;
        for (int x = 72 + 201 + 8 + 16; x < 72 + 201 + 8 + 30; x++) {
            const uint8_t *b = im.pixels + ((size_t)(38 + 190) * im.width + x) * 3, *t = im.pixels + ((size_t)(38 + 10) * im.width + x) * 3;
            bar_blue += b[2] > b[0] + 30, bar_red += t[0] > t[2] + 30;
        }
        CHECK(dark_left > 30, "y tick labels drawn (%d dark pixels)", dark_left);
        CHECK(dark_top > 60, "legend drawn (%d dark pixels)", dark_top);
        CHECK(bar_blue > 5 && bar_red > 5, "colour bar: blue at the low end, red at the high end (%d, %d)", bar_blue, bar_red);
        /* margin: a point on the extent's corner keeps 8 px from the frame */
        float corner[2] = {1, 1};
        d.real = corner, d.n_real = 1, d.fake = NULL, d.n_fake = 0, d.field = NULL, d.centres = NULL;
        wk_image_free(&im);
        REQUIRE(wk_scatter_render(&d, &im) == WK_OK, "scatter: %s", wk_last_error());
        const uint8_t *frame_px = im.pixels + ((size_t)(38 - 9) * im.width + 72 + 200 + 9) * 3, *in = im.pixels + ((size_t)(38 - 4) * im.width + 72 + 200 + 4) * 3;
        CHECK(frame_px[0] == 60 && in[0] == 255 && in[1] == 255, "points do not touch the frame (%d, %d)", frame_px[0], in[0]);
        wk_image_free(&im);
    }
    snprintf(path, sizeof path, "%s/scatter.png", dir);
    CHECK(wk_scatter_png(path, &s) == WK_OK && (p = read_png(path, &w, &h, &c)) && w == 101 && c == 3, "scatter PNG written");
    free(p);

    /* SVG chart */
    double xs[4] = {0, 100, 200, 300}, y1[4] = {1, 0.1, 0.01, 0.001}, y2[4] = {2, NAN, 0.5, 0.2};
    wk_series ser[2] = {{.name = "loss <d>", .x = xs, .y = y1, .n = 4}, {.name = "loss_g", .x = xs, .y = y2, .n = 4}};
    wk_chart_spec spec = {.title = "Losses & more", .x_label = "step", .y_label = "loss", .log_y = 1};
    wk_strbuf sb;
    wk_sb_init(&sb);
    REQUIRE(wk_svg_line_chart(&sb, &spec, ser, 2) == WK_OK, "svg: %s", wk_last_error());
    CHECK(strstr(sb.data, "<svg xmlns=\"http://www.w3.org/2000/svg\"") == sb.data, "starts with an svg element");
    CHECK(strstr(sb.data, "Losses &amp; more") && strstr(sb.data, "loss &lt;d&gt;"), "text escaped");
    CHECK(strstr(sb.data, ">1e-3</text>") && strstr(sb.data, ">1e0</text>"), "log ticks are powers of ten");
    CHECK(strstr(sb.data, "<path") && strstr(sb.data, " L"), "paths present");
    int moves = 0;
    const char *second = strstr(sb.data, "stroke=\"#d62728\" stroke-width=\"1.8\"");
    REQUIRE(second, "second series path");
    for (const char *q = strstr(second, "d=\""); *q != '/'; q++) moves += *q == 'M';
    CHECK(moves == 2, "NaN lifts the pen: %d moves", moves);
    snprintf(path, sizeof path, "%s/chart.svg", dir);
    CHECK(wk_svg_write_line_chart(path, &spec, ser, 2) == WK_OK, "svg file");
    wk_sb_free(&sb);

    /* the PNG chart tells its series apart: a legend at the right with each series' colour and
     * name, the axis titles in the 5x7 font (the mix weights chart could not tell w_G from w_D) */
    {
        static const uint8_t c0[3] = {31, 119, 180}, c1[3] = {214, 39, 40}; /* svg.c's #1f77b4, #d62728 */
        wk_chart_spec ps = spec;
        ps.title = "Losses";
        snprintf(path, sizeof path, "%s/chart.png", dir);
        REQUIRE(wk_png_line_chart(path, &ps, ser, 2) == WK_OK, "png chart: %s", wk_last_error());
        REQUIRE((p = read_png(path, &w, &h, &c)) && c == 3 && w == 640, "png chart read back");
        /* the legend's two rows (y 36..57) right of the plot frame, which the name "loss_g" (35 px)
         * moves 89 px in from the right edge: without a legend this corner is the plot's empty top
         * right, and the frame is at w - 16 */
        int x0 = w - 89 + 16, in_legend[3] = {0, 0, 0}, titles = 0;
        for (int y = 30; y < 64; y++)
            for (int x = x0; x < w - 16; x++) {
                const uint8_t *q = p + ((size_t)y * w + x) * 3;
                in_legend[0] += !memcmp(q, c0, 3), in_legend[1] += !memcmp(q, c1, 3), in_legend[2] += q[0] == 51 && q[1] == 51 && q[2] == 51;
            }
        for (int y = h - 18; y < h; y++) /* the x title "step" under the tick labels (these end 19 px up) */
            for (int x = 0; x < w; x++) titles += p[((size_t)y * w + x) * 3] == 51;
        for (int y = 0; y < h; y++) /* the turned y title "loss" at the left edge */
            for (int x = 0; x < 14; x++) titles += p[((size_t)y * w + x) * 3] == 51;
        CHECK(in_legend[0] >= 8 && in_legend[1] >= 8, "legend swatches in both series' colours (%d, %d px)", in_legend[0], in_legend[1]);
        CHECK(in_legend[2] > 40, "legend names drawn (%d px)", in_legend[2]);
        CHECK(titles > 40, "axis titles drawn (%d px)", titles);
        free(p);
    }

    /* arora-birthday's support.png: two marker series with equal values (a disc drawn over a disc
     * hid the first series' markers), long legend names (the longest ended 8 px from the image's
     * edge and read as cut off) and a title longer than the plot the legend narrows (the SVG's
     * began left of the picture) */
    {
        static const uint8_t c0[3] = {31, 119, 180}, c1[3] = {214, 39, 40};
        double gx[2] = {32, 256}, up[2] = {10901, 10901};
        wk_series eq[2] = {{.name = "critic width 64: upper bound only", .x = gx, .y = up, .n = 2, .markers = 1},
                           {.name = "critic width 256: upper bound only", .x = gx, .y = up, .n = 2, .markers = 1}};
        wk_chart_spec es = {.title = "Birthday-test support estimate against generator width", .x_label = "generator width",
                            .y_label = "support estimate", .log_x = 1, .log_y = 1};
        snprintf(path, sizeof path, "%s/support.png", dir);
        REQUIRE(wk_png_line_chart(path, &es, eq, 2) == WK_OK, "png chart: %s", wk_last_error());
        REQUIRE((p = read_png(path, &w, &h, &c)) && c == 3 && w == 640, "png chart read back");
        const int legend_x = w - (16 + 22 + 6 * (int)strlen(eq[1].name) - 1 + 16) + 16; /* the legend's column */
        int first = 0, second = 0, ink_right = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const uint8_t *q = p + ((size_t)y * w + x) * 3;
                if (x < legend_x) first += !memcmp(q, c0, 3), second += !memcmp(q, c1, 3);
                if (q[0] != 255 || q[1] != 255 || q[2] != 255) ink_right = x > ink_right ? x : ink_right;
            }
        CHECK(first >= 8 && second >= 8, "equal values: both series' markers show in the plot (%d, %d px)", first, second);
        CHECK(ink_right <= w - 16, "the legend ends inside the picture, 16 px from its edge (last ink column %d of %d)", ink_right, w);
        free(p);
        wk_strbuf sv;
        wk_sb_init(&sv);
        REQUIRE(wk_svg_line_chart(&sv, &es, eq, 2) == WK_OK, "svg: %s", wk_last_error());
        const char *t = strstr(sv.data, "<text x=\"");
        double tx = -1;
        REQUIRE(t && sscanf(t, "<text x=\"%lf", &tx) == 1, "svg title read back");
        CHECK(tx - 4.2 * (double)strlen(es.title) >= 0 && tx + 4.2 * (double)strlen(es.title) <= 640,
              "the SVG title (centred at %g, about %g px wide) stays inside the 640 px picture", tx, 8.4 * (double)strlen(es.title));
        CHECK(strstr(sv.data, "<circle class=\"mark\"") && strstr(sv.data, "<rect class=\"mark\""),
              "the SVG's two series: discs and squares");
        wk_sb_free(&sv);
    }

    /* issue 11, finding 2: an integer metric (modes 5 -> 6) gets whole-number ticks, not 5.5;
     * a run with a single evaluation still draws its point; a floor band is drawn */
    {
        double st[2] = {0, 1000}, modes[2] = {5, 6}, one_x = 0, one_y = 0.3, lo = 0, hi = 0.06;
        wk_series ms = {.name = "modes covered", .x = st, .y = modes, .n = 2};
        wk_chart_spec is = {.title = "Modes covered", .x_label = "step", .integer_x = 1, .integer_y = 1};
        wk_strbuf c;
        wk_sb_init(&c);
        REQUIRE(wk_svg_line_chart(&c, &is, &ms, 1) == WK_OK, "svg: %s", wk_last_error());
        CHECK(!strstr(c.data, ">5.5<") && !strstr(c.data, ">6.5<") && strstr(c.data, ">5</text>") && strstr(c.data, ">6</text>"),
              "integer axis: whole-number ticks only");
        wk_sb_clear(&c);
        wk_series one[2] = {{.name = "W1", .x = &one_x, .y = &one_y, .n = 1},
                            {.name = "floor", .x = &one_x, .n = 1, .band_lo = &lo, .band_hi = &hi}};
        REQUIRE(wk_svg_line_chart(&c, &is, one, 2) == WK_OK, "svg: %s", wk_last_error());
        CHECK(strstr(c.data, "<circle class=\"mark\"") != NULL, "a single evaluation is drawn as a marker");
        CHECK(strstr(c.data, "class=\"band\"") != NULL && strstr(c.data, "data-marks=\"1\""), "floor band drawn, one mark counted");
        CHECK(!strstr(c.data, ">-0.5<") && !strstr(c.data, ">0.5<"), "integer step axis around a single point");
        /* two charts inlined into one page (a report): each band clips to its own chart's plot
         * area, so the clip paths' ids differ and each chart's references name its own */
        const size_t first = c.len;
        REQUIRE(wk_svg_line_chart(&c, &is, one, 2) == WK_OK, "svg: %s", wk_last_error());
        char id1[64] = "", id2[64] = "", ref2[64] = "";
        const char *p1 = strstr(c.data, "<clipPath id=\""), *p2 = strstr(c.data + first, "<clipPath id=\"");
        const char *r2 = strstr(c.data + first, "class=\"band\" clip-path=\"url(#");
        REQUIRE(p1 && p2 && r2 && sscanf(p1, "<clipPath id=\"%63[^\"]", id1) == 1 && sscanf(p2, "<clipPath id=\"%63[^\"]", id2) == 1 &&
                    sscanf(r2, "class=\"band\" clip-path=\"url(#%63[^)]", ref2) == 1,
                "clip paths read back");
        CHECK(strcmp(id1, id2) != 0 && strcmp(ref2, id2) == 0, "clip ids %s, %s; the second band refers to %s", id1, id2, ref2);
        wk_sb_free(&c);
    }

    /* a log x axis (sample sizes 64 .. 4,096 of the papers' experiments): ticks at 1, 2, 5 x 10^k
     * labelled with the values, points placed by log10 x (64 -> 4,096 spans the plot), x <= 0
     * breaks the line; many decades tick every decade */
    {
        double t[64];
        int n = wk_plot_log_ticks(log10(64), log10(4096), t, 64);
        CHECK(n == 5 && fabs(t[0] - 2) < 1e-12 && fabs(t[1] - log10(200.0)) < 1e-12 && fabs(t[4] - log10(2000.0)) < 1e-12,
              "ticks 100, 200, 500, 1000, 2000 (%d)", n);
        CHECK(wk_plot_log_ticks(-3, 6, t, 64) == 10 && t[0] == -3 && t[9] == 6, "9 decades: every decade");
        CHECK(wk_plot_log_ticks(0, 40, t, 64) == 11 && t[1] == 4, "40 decades: every 4th, at most 12 intervals");
        double n_x[5] = {64, 256, 1024, 4096, 0}, n_y[5] = {1, 0.5, 0.25, 0.125, 0.1};
        wk_series ls = {.name = "W1", .x = n_x, .y = n_y, .n = 5};
        wk_chart_spec lx = {.title = "log x", .x_label = "n", .log_x = 1, .log_y = 1};
        wk_strbuf c;
        wk_sb_init(&c);
        REQUIRE(wk_svg_line_chart(&c, &lx, &ls, 1) == WK_OK, "svg: %s", wk_last_error());
        CHECK(strstr(c.data, ">100</text>") && strstr(c.data, ">2000</text>") && !strstr(c.data, ">4000<"), "log x tick labels");
        /* the chart says which axes are logarithmic, once (the callers' titles no longer carry it) */
        CHECK(strstr(c.data, ">n (log scale)</text>") && !strstr(c.data, "(log scale) (log"), "log axes named once");
        CHECK(strstr(c.data, "data-marks=\"4\""), "x = 0 is not drawn on a log axis");
        /* equal ratios, equal steps: the path's x coordinates 64, 256, 1024, 4096 are evenly spaced */
        const char *d = strstr(c.data, "d=\"M");
        double px[4];
        REQUIRE(d && sscanf(d, "d=\"M%lf %*f L%lf %*f L%lf %*f L%lf", &px[0], &px[1], &px[2], &px[3]) == 4, "path read back");
        CHECK(fabs((px[1] - px[0]) - (px[3] - px[2])) < 0.02 && px[1] > px[0], "log spacing (%g %g %g %g)", px[0], px[1], px[2], px[3]);
        wk_sb_free(&c);
        snprintf(path, sizeof path, "%s/logx.png", dir);
        CHECK(wk_png_line_chart(path, &lx, &ls, 1) == WK_OK, "png log x: %s", wk_last_error());
    }

    /* a line starting at a half pixel (a category's centre) is solid: lrint's round-half-to-even
     * drew every other pixel of the sweep's error-bar caps */
    {
        wk_image im;
        REQUIRE(wk_image_alloc(&im, 32, 4, 3) == WK_OK, "image");
        static const uint8_t k[3] = {255, 255, 255};
        wk_image_line(&im, 10.5, 1, 18.5, 1, k, 1);
        int on = 0;
        for (int x = 11; x <= 18; x++) on += im.pixels[(32 + x) * 3] == 255;
        CHECK(on == 8, "half-pixel line solid: %d of 8 pixels", on);
        wk_image_free(&im);
    }

    /* the sweep's charts on the plot module (issue 15's one renderer): error bars, a categorical x
     * axis, and in the PNG the bands the SVG has always drawn */
    {
        double cx[3] = {0, 1, 2}, cy[3] = {1, 2, 1.5}, ce[3] = {0.5, NAN, 0.25}, lo[3] = {0.2, 1.2, 0.9}, hi[3] = {1.5, 2.5, 2};
        const char *cats[3] = {"bjorck", "gp", "none"};
        wk_series es = {.name = "w1", .x = cx, .y = cy, .n = 3, .err = ce};
        wk_chart_spec cs = {.title = "bars", .x_label = "critic", .y_label = "w1", .x_names = cats, .n_x_names = 3};
        wk_strbuf sv;
        wk_sb_init(&sv);
        REQUIRE(wk_svg_line_chart(&sv, &cs, &es, 1) == WK_OK, "svg: %s", wk_last_error());
        int bars = 0;
        for (const char *q = sv.data; (q = strstr(q, "class=\"errbar\"")); q++) bars++;
        CHECK(bars == 2, "an error bar per finite err (%d)", bars);
        CHECK(strstr(sv.data, ">bjorck</text>") && strstr(sv.data, ">gp</text>") && strstr(sv.data, ">none</text>") && !strstr(sv.data, ">0</text>"),
              "category names as the x ticks (not the positions 0, 1, 2)");
        wk_sb_free(&sv);
        /* PNG: the bars add vertical runs in the series' colour, the band a tinted area */
        static const uint8_t blue[3] = {31, 119, 180};
        int counts[3];
        wk_series with_band = es;
        with_band.band_lo = lo, with_band.band_hi = hi;
        const wk_series *variants[3] = {&(wk_series){.name = "w1", .x = cx, .y = cy, .n = 3}, &es, &with_band};
        for (int v = 0; v < 3; v++) {
            snprintf(path, sizeof path, "%s/bars%d.png", dir, v);
            REQUIRE(wk_png_line_chart(path, &cs, variants[v], 1) == WK_OK, "png: %s", wk_last_error());
            REQUIRE((p = read_png(path, &w, &h, &c)), "read back");
            counts[v] = 0;
            for (size_t i = 0; i < (size_t)w * h; i++) counts[v] += v < 2 ? !memcmp(p + 3 * i, blue, 3) : p[3 * i] < 250 && p[3 * i + 2] > p[3 * i];
            free(p);
        }
        CHECK(counts[1] > counts[0] + 100, "error bars drawn in the PNG (%d vs %d blue pixels)", counts[1], counts[0]);
        CHECK(counts[2] > 20000, "band drawn in the PNG (%d tinted pixels)", counts[2]);
    }

    /* the sweep's heatmap: one drawing, PNG and SVG of the same size; a NaN cell grey; the
     * largest value yellow, the smallest dark (viridis) */
    {
        const char *rows[2] = {"1", "2"}, *cols[2] = {"1e-4", "1e-2"};
        double v[4] = {1, 2, NAN, 3};
        const char *txt[12] = {"1", "sd 0.1", "n 2", "2", "sd 0.2", "n 1/2", "all 2 failed", NULL, NULL, "3", NULL, "n 2"};
        wk_heatmap_spec hs = {.title = "w1: mean over seeds", .note = "note", .row_title = "critic_depth", .col_title = "lr_d",
                              .row_names = rows, .col_names = cols, .rows = 2, .cols = 2, .value = v, .text = txt, .bar_title = "w1"};
        char svgp[600];
        snprintf(path, sizeof path, "%s/heat.png", dir);
        snprintf(svgp, sizeof svgp, "%s/heat.svg", dir);
        REQUIRE(wk_heatmap_write(path, svgp, &hs) == WK_OK, "heatmap: %s", wk_last_error());
        REQUIRE((p = read_png(path, &w, &h, &c)), "heatmap PNG");
        char want[80];
        snprintf(want, sizeof want, "width=\"%d\" height=\"%d\"", w, h);
        FILE *fp = fopen(svgp, "r");
        char buf[20000] = {0};
        REQUIRE(fp && fread(buf, 1, sizeof buf - 1, fp) > 0, "heatmap SVG");
        fclose(fp);
        CHECK(strstr(buf, want) != NULL, "SVG and PNG of one size (%s)", want);
        CHECK(strstr(buf, ">all 2 failed<") && strstr(buf, ">n 1/2<") && strstr(buf, ">critic_depth<") && strstr(buf, ">1e-2<"), "cell texts and names");
        /* cell centres: left = 40 + width("1") + 10 = 55, top 56, cells 104 x 56 */
        const uint8_t *nan_cell = p + ((size_t)(56 + 56 + 5) * w + 55 + 5) * 3, *max_cell = p + ((size_t)(56 + 56 + 5) * w + 55 + 104 + 5) * 3,
                      *min_cell = p + ((size_t)(56 + 5) * w + 55 + 5) * 3;
        CHECK(nan_cell[0] == 225 && nan_cell[1] == 225 && nan_cell[2] == 225, "NaN cell grey (%d %d %d)", nan_cell[0], nan_cell[1], nan_cell[2]);
        CHECK(max_cell[0] == 253 && max_cell[1] == 231 && max_cell[2] == 37, "largest value yellow (%d %d %d)", max_cell[0], max_cell[1], max_cell[2]);
        CHECK(min_cell[0] == 68 && min_cell[1] == 1 && min_cell[2] == 84, "smallest value dark (%d %d %d)", min_cell[0], min_cell[1], min_cell[2]);
        free(p);
    }

    /* the line charts' tick labels (a sibling of the scatter's clipped labels, FINDINGS 8): y ticks
     * of -1234567.3 .. -1234567.1 all read "-1.23457e+06" in %.6g and, 96 px wide, started left of
     * the image; x labels of 1000000 + k/10 ran into each other */
    {
        double xs[4] = {1000000.0, 1000000.2, 1000000.4, 1000000.6}, ys[4] = {-1234567.3, -1234567.2, -1234567.15, -1234567.1};
        wk_series se = {.name = "v", .x = xs, .y = ys, .n = 4};
        wk_chart_spec cs = {.title = "labels"};
        wk_strbuf sv;
        wk_sb_init(&sv);
        REQUIRE(wk_svg_line_chart(&sv, &cs, &se, 1) == WK_OK, "svg: %s", wk_last_error());
        /* y labels: right-aligned texts; every one distinct from the one before it */
        char prev[64] = "", cur[64];
        int ny = 0, same = 0;
        for (const char *q = sv.data; (q = strstr(q, "text-anchor=\"end\">")); q++) {
            const char *b = q + strlen("text-anchor=\"end\">"), *e = strchr(b, '<');
            snprintf(cur, sizeof cur, "%.*s", (int)(e - b), b);
            same += ny && !strcmp(cur, prev);
            ny++;
            memcpy(prev, cur, sizeof prev);
        }
        CHECK(ny >= 3 && !same, "SVG y labels tell neighbouring ticks apart (%d labels, %d repeats; last '%s')", ny, same, prev);
        /* x labels: centred texts under the frame, about 7 px a character: no two within 8 px */
        double lastx = -1e9, lastw = 0;
        int nx = 0, touch = 0;
        for (const char *q = sv.data; (q = strstr(q, "<text x=\"")); q++) {
            double x = atof(q + 9);
            const char *b = strstr(q, "middle\">");
            if (!b || b > strchr(q, '\n')) continue;
            b += 8;
            const char *e = strchr(b, '<');
            if (!strchr("-0123456789", *b)) continue; /* the title */
            double w7 = 7.0 * (double)(e - b);
            touch += nx && x - w7 / 2 < lastx + lastw / 2 + 8;
            lastx = x, lastw = w7, nx++;
        }
        CHECK(nx >= 2 && !touch, "SVG x labels apart (%d drawn, %d touching)", nx, touch);
        wk_sb_free(&sv);
        snprintf(path, sizeof path, "%s/labels.png", dir);
        REQUIRE(wk_png_line_chart(path, &cs, &se, 1) == WK_OK, "png chart: %s", wk_last_error());
        REQUIRE((p = read_png(path, &w, &h, &c)) && c == 3, "png chart read back");
        int ink = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < 3; x++) ink += p[((size_t)y * w + x) * 3] < 200;
        CHECK(ink == 0, "PNG y labels inside the image (%d dark pixels in the first 3 columns)", ink);
        free(p);
    }

    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0, "cleanup");
    return check_summary("test_png");
}
