/* png.c — images in memory, the libpng writer, and sample grids (see plot.h). */
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/plot.h"

#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

int wk_image_alloc(wk_image *img, int width, int height, int channels) {
    memset(img, 0, sizeof *img);
    if (width <= 0 || height <= 0 || width > 32768 || height > 32768 || (channels != 1 && channels != 3))
        return wk_errorf(WK_EINVAL, "image: bad size %d x %d x %d", width, height, channels);
    img->pixels = wk_calloc((size_t)width * (size_t)height, (size_t)channels);
    if (!img->pixels) return wk_errorf(WK_ENOMEM, "image: out of memory for %d x %d", width, height);
    img->width = width;
    img->height = height;
    img->channels = channels;
    return WK_OK;
}

void wk_image_free(wk_image *img) {
    wk_free(img->pixels);
    memset(img, 0, sizeof *img);
}

/* libpng reports errors by longjmp; keep the message for wk_errorf. */
static void png_error_fn(png_structp png, png_const_charp msg) {
    wk_errorf(WK_EIO, "libpng: %s", msg);
    png_longjmp(png, 1);
}
static void png_warning_fn(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

/* Separate function so that no local of wk_png_write is live across setjmp. */
static int encode(FILE *fp, const wk_image *img) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_fn, png_warning_fn);
    if (!png) return wk_errorf(WK_ENOMEM, "libpng: cannot create write struct");
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        return WK_EIO;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
                 img->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < img->height; y++)
        png_write_row(png, img->pixels + (size_t)y * (size_t)img->width * (size_t)img->channels);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return WK_OK;
}

int wk_png_write(const char *path, const wk_image *img) {
    if (!img->pixels || (img->channels != 1 && img->channels != 3))
        return wk_errorf(WK_EINVAL, "%s: image has no pixels or %d channels (1 or 3)", path, img->channels);
    wk_atomic_file af;
    int rc = wk_atomic_open(&af, path);
    if (rc != WK_OK) return rc;
    if ((rc = encode(af.fp, img)) != WK_OK) {
        wk_error_context(rc, "%s", path);
        wk_atomic_abort(&af);
        return rc;
    }
    return wk_atomic_commit(&af);
}

int wk_image_grid(const wk_tensor *x, int cols, int scale, wk_image *out) {
    const int pad = 2;
    char b[64];
    memset(out, 0, sizeof *out);
    if (x->ndim != 4 || (x->shape[1] != 1 && x->shape[1] != 3) || x->shape[0] < 1 || x->shape[2] < 1 || x->shape[3] < 1)
        return wk_errorf(WK_EINVAL, "sample grid: samples %s are not [N, C=1|3, H, W]", wk_shape_str(x, b, sizeof b));
    if (scale < 1 || scale > 64) return wk_errorf(WK_EINVAL, "sample grid: scale %d not in [1, 64]", scale);
    int64_t n = x->shape[0], c = x->shape[1], h = x->shape[2], w = x->shape[3];
    if (cols <= 0) cols = (int)ceil(sqrt((double)n));
    if (cols > n) cols = (int)n;
    int64_t rows = (n + cols - 1) / cols, th = h * scale, tw = w * scale;
    int64_t W = pad + cols * (tw + pad), H = pad + rows * (th + pad);
    if (W > 32768 || H > 32768) return wk_errorf(WK_EINVAL, "sample grid: %lld x %lld pixels is too large", (long long)W, (long long)H);
    int rc = wk_image_alloc(out, (int)W, (int)H, (int)c);
    if (rc != WK_OK) return rc;
    for (int64_t i = 0; i < n; i++) {
        int64_t ox = pad + (i % cols) * (tw + pad), oy = pad + (i / cols) * (th + pad);
        const float *src = x->data + i * c * h * w;
        for (int64_t y = 0; y < th; y++)
            for (int64_t xx = 0; xx < tw; xx++)
                for (int64_t ch = 0; ch < c; ch++) {
                    float v = src[ch * h * w + (y / scale) * w + xx / scale];
                    float p = isnan(v) ? 0 : (v + 1) * 127.5f;
                    p = p < 0 ? 0 : p > 255 ? 255 : p;
                    out->pixels[((oy + y) * W + ox + xx) * c + ch] = (uint8_t)lrintf(p);
                }
    }
    return WK_OK;
}

int wk_png_write_grid(const char *path, const wk_tensor *samples, int cols, int scale) {
    wk_image img;
    int rc = wk_image_grid(samples, cols, scale, &img);
    if (rc != WK_OK) return wk_error_context(rc, "%s", path);
    rc = wk_png_write(path, &img);
    wk_image_free(&img);
    return rc;
}
