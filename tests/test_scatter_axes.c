/* test_scatter_axes.c — the scatter plot's tick labels (src/plot/scatter_axes.c) for any finite
 * range: every shown label's box inside the image, no two shown boxes meeting, adjacent labels
 * different and each reading back as its tick's value (FINDINGS 8: -122000 was drawn as "22000"
 * past the left edge, 0.50003 as "50003", and x labels ran into one string). Geometry from the
 * layout function, which the renderer draws from; the rendered image has the layout's size. */
#include "check.h"
#include "plot/scatter_axes.h"
#include "wgankit/error.h"
#include "wgankit/plot.h"

#include <string.h>

static int meet(const wk__tick_label *a, const wk__tick_label *b) {
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static void check_layout(const char *what, double xmin, double xmax, double ymin, double ymax, int pw, int ph, int min_shown) {
    wk__scatter_layout L;
    wk__scatter_axes_layout(xmin, xmax, ymin, ymax, pw, ph, 8, 64, 30, 34, 16, &L);
    const wk__tick_label *all[2 * WK_SCATTER_MAX_TICKS];
    int n = 0, shown_x = 0, shown_y = 0;
    for (int a = 0; a < 2; a++) {
        const wk__tick_label *t = a ? L.y : L.x;
        int nt = a ? L.ny : L.nx, prev = -1;
        double lo = a ? ymin : xmin, hi = a ? ymax : xmax;
        for (int k = 0; k < nt; k++) {
            CHECK(t[k].value >= lo - 1e-9 * (hi - lo) && t[k].value <= hi + 1e-9 * (hi - lo), "%s: tick %g outside the range", what, t[k].value);
            if (!t[k].shown) continue;
            all[n++] = &t[k];
            a ? shown_y++ : shown_x++;
            CHECK(t[k].x >= 0 && t[k].y >= 0 && t[k].x + t[k].w <= L.width && t[k].y + t[k].h <= L.height,
                  "%s: %s label '%s' box [%d, %d) x [%d, %d) leaves the %d x %d image", what, a ? "y" : "x", t[k].text,
                  t[k].x, t[k].x + t[k].w, t[k].y, t[k].y + t[k].h, L.width, L.height);
            double back = strtod(t[k].text, NULL), step = nt > 1 ? fabs(t[1].value - t[0].value) : hi - lo;
            CHECK(fabs(back - t[k].value) <= 0.01 * step, "%s: label '%s' reads %.17g for tick %.17g", what, t[k].text, back, t[k].value);
            if (prev >= 0) CHECK(strcmp(t[prev].text, t[k].text), "%s: two labels '%s'", what, t[k].text);
            prev = k;
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            CHECK(!meet(all[i], all[j]), "%s: labels '%s' and '%s' overlap", what, all[i]->text, all[j]->text);
    CHECK(shown_x >= min_shown && shown_y >= min_shown, "%s: %d x and %d y labels shown (want >= %d)", what, shown_x, shown_y, min_shown);
}

int main(void) {
    /* the findings' ranges (auto extents of the three `wgankit data` commands and the run's samples.png) */
    check_layout("mean -123456, sigma 1000", -126500, -120400, -126300, -120200, 512, 512, 3);
    check_layout("mean 0.5, sigma 1e-5", 0.499965, 0.500035, 0.49997, 0.50004, 512, 512, 3);
    check_layout("gmm spread 1e6", -150000, 700000, -750000, 100000, 512, 512, 3);
    check_layout("samples.png of the -123456 run", -140000, 13000, -140000, 13000, 512, 512, 3);
    /* huge, tiny, negative, far from zero, narrow areas */
    check_layout("1e12 .. 1e12 + 7", 1e12, 1e12 + 7, -1e12 - 7, -1e12, 512, 512, 2);
    check_layout("+-1e300", -1e300, 1e300, -3e299, 5e299, 512, 512, 2);
    check_layout("1e-300 scale", -3e-300, 7e-300, 1e-300, 2e-300, 512, 512, 2);
    check_layout("-1e-7 .. -9e-8", -1e-7, -9e-8, -1e-7, -9e-8, 512, 512, 2);
    check_layout("123456789 +- 0.001", 123456789 - 0.001, 123456789 + 0.001, -5, 5, 512, 512, 1);
    check_layout("narrow area", -123456.7, -120000.1, -0.0031, 0.0047, 64, 40, 1);
    check_layout("unit square", -1.1, 1.1, -1.1, 1.1, 512, 512, 5);

    /* the renderer uses the layout: the image has its size */
    float pts[4] = {-123456.f, -122000.f, -121000.f, -120500.f};
    wk_scatter_spec s;
    wk_scatter_default(&s);
    s.real = pts, s.n_real = 2;
    s.xmin = -126500, s.xmax = -120400, s.ymin = -126300, s.ymax = -120200;
    wk_image img;
    REQUIRE(wk_scatter_render(&s, &img) == WK_OK, "render: %s", wk_last_error());
    wk__scatter_layout L;
    wk__scatter_axes_layout(s.xmin, s.xmax, s.ymin, s.ymax, 512, 512, 8, 64, 30, 34, 16, &L);
    CHECK(img.width == L.width && img.height == L.height, "image %d x %d, layout %d x %d", img.width, img.height, L.width, L.height);
    CHECK(L.ox > 72, "the left margin grew for '-126000' (plot area at x = %d)", L.ox);
    wk_image_free(&img);
    return check_summary("test_scatter_axes");
}
