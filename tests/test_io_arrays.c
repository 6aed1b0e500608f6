/* test_io_arrays.c — the array readers: NPY v1/v2/v3 in every supported dtype, CSV with and
 * without header, IDX plain and gzip; and that every malformed input (bad magic, truncated
 * header/data, Fortran order, big-endian, ragged CSV, NaN, wrong IDX sizes, empty files)
 * gives the documented status and a message naming the file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "wgankit/data.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

#define TMP_DIR_TEMPLATE "/tmp/wk_io_test_XXXXXX"
#include "tmp_files.h"

/* Minimal NPY writer for the tests: version `ver`, header text `dict`, then `data`. */
static void write_npy_raw(const char *path, int ver, const char *dict, const void *data, size_t n) {
    unsigned char hdr[512];
    size_t pre = ver == 1 ? 10 : 12, dl = strlen(dict);
    size_t total = pre + dl + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hl = dl + pad + 1;
    memcpy(hdr, "\x93NUMPY", 6);
    hdr[6] = (unsigned char)ver;
    hdr[7] = 0;
    if (ver == 1) {
        hdr[8] = hl & 255;
        hdr[9] = (unsigned char)(hl >> 8);
    } else {
        for (int i = 0; i < 4; i++) hdr[8 + i] = (unsigned char)(hl >> (8 * i));
    }
    memcpy(hdr + pre, dict, dl);
    memset(hdr + pre + dl, ' ', pad);
    hdr[pre + dl + pad] = '\n';
    FILE *f = fopen(path, "wb");
    REQUIRE(f, "open %s", path);
    fwrite(hdr, 1, pre + hl, f);
    fwrite(data, 1, n, f);
    fclose(f);
}

static int read_fails(const char *path, int want, const char *needle) {
    wk_tensor t;
    int rc = wk_read_array(path, &t);
    if (rc == WK_OK) wk_tensor_free(&t);
    int ok = rc == want && strstr(wk_last_error(), path) && (!needle || strstr(wk_last_error(), needle));
    if (!ok) fprintf(stderr, "  %s: rc %d (want %d), message '%s'\n", path, rc, want, wk_last_error());
    return ok;
}

static void test_npy(void) {
    float f4[6] = {1, 2, 3, 4, 5, 6.5f};
    double f8[6] = {1, 2, 3, 4, 5, 6.5};
    unsigned char u1[6] = {1, 2, 3, 4, 5, 255};
    int32_t i4[6] = {1, 2, 3, 4, 5, -7};
    int64_t i8[6] = {1, 2, 3, 4, 5, -7};
    struct {
        const char *descr;
        const void *data;
        size_t size;
        float last;
    } cases[] = {{"<f4", f4, sizeof f4, 6.5f}, {"<f8", f8, sizeof f8, 6.5f}, {"|u1", u1, sizeof u1, 255},
                 {"<i4", i4, sizeof i4, -7}, {"<i8", i8, sizeof i8, -7}};
    for (int ver = 1; ver <= 3; ver++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            char dict[128];
            snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (3, 2), }", cases[c].descr);
            const char *p = tmp_path("a.npy");
            write_npy_raw(p, ver, dict, cases[c].data, cases[c].size);
            wk_tensor t;
            int rc = wk_read_array(p, &t);
            CHECK(rc == WK_OK, "npy v%d %s: %s", ver, cases[c].descr, wk_last_error());
            if (rc) continue;
            CHECK(t.ndim == 2 && t.shape[0] == 3 && t.shape[1] == 2, "npy shape");
            CHECK(t.data[0] == 1 && t.data[5] == cases[c].last, "npy v%d %s values", ver, cases[c].descr);
            wk_tensor_free(&t);
        }
    /* 1-D and 0-d arrays, and wk_read_points flattening 3-D to 2-D */
    const char *p = tmp_path("v.npy");
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4, sizeof f4);
    wk_tensor t;
    REQUIRE(wk_read_points(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.ndim == 2 && t.shape[0] == 6 && t.shape[1] == 1, "1-D becomes [n, 1]");
    wk_tensor_free(&t);
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2), }", f4, sizeof f4);
    REQUIRE(wk_read_points(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.ndim == 2 && t.shape[0] == 1 && t.shape[1] == 6, "3-D flattened");
    wk_tensor_free(&t);
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f4, 4);
    REQUIRE(wk_read_array(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.ndim == 0 && t.numel == 1 && t.data[0] == 1, "0-d");
    wk_tensor_free(&t);

    /* malformed */
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", f4, sizeof f4);
    CHECK(read_fails(p, WK_EFORMAT, "Fortran"), "fortran order rejected");
    write_npy_raw(p, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3, 2), }", f4, sizeof f4);
    CHECK(read_fails(p, WK_EFORMAT, "big-endian"), "big-endian rejected");
    write_npy_raw(p, 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", f4, sizeof f4);
    CHECK(read_fails(p, WK_EFORMAT, "c8"), "complex rejected");
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", f4, sizeof f4 - 4);
    CHECK(read_fails(p, WK_EFORMAT, "truncated"), "truncated data");
    /* a shape tuple with an empty entry is no Python tuple (numpy writes (3, 2) or (6,)) */
    const char *holes[] = {"(3,,2)", "(,6)", "(6,,)", "(,)", "(3, , 2)"};
    for (int k = 0; k < 5; k++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", holes[k]);
        write_npy_raw(p, 1, dict, f4, sizeof f4);
        CHECK(read_fails(p, WK_EFORMAT, "'shape' is malformed"), "shape %s rejected", holes[k]);
    }
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3 ,2 ,), }", f4, sizeof f4);
    CHECK(wk_read_npy(p, &t) == WK_OK && t.ndim == 2 && t.shape[0] == 3 && t.shape[1] == 2, "spaces and a trailing comma: %s",
          wk_last_error());
    wk_tensor_free(&t);
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", f4, sizeof f4);
    {
        FILE *f = fopen(p, "rb");
        unsigned char b[40];
        size_t n = fread(b, 1, sizeof b, f);
        fclose(f);
        write_bytes(p, b, n); /* cut inside the header */
    }
    CHECK(read_fails(p, WK_EFORMAT, "header"), "truncated header");
    write_bytes(p, "\x93NUMPX\x01\x00\x10\x00", 10);
    CHECK(read_fails(p, WK_EFORMAT, "magic"), "bad magic");
    write_bytes(p, "", 0);
    CHECK(read_fails(p, WK_EFORMAT, "empty"), "empty npy");
    float bad[6] = {1, 2, 3, NAN, 5, 6};
    write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", bad, sizeof bad);
    CHECK(read_fails(p, WK_ENUMERIC, "row 1"), "NaN names row 1");
    CHECK(read_fails(tmp_path("missing.npy"), WK_EIO, "cannot open"), "missing file");
    /* FINDINGS 4: a finite float64 beyond float32's range was "row 0 (column 0) is Inf" */
    double big[4] = {0.5, 1, 2, 1e300};
    write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", big, sizeof big);
    CHECK(read_fails(p, WK_ENUMERIC, "row 1 (column 1) is 1.0000000000000001e+300, beyond float32's range"),
          "1e300 float64: beyond float32's range, not Inf");
    double *v64 = NULL;
    int64_t rows = 0, cols = 0;
    CHECK(wk_read_points_f64(p, &v64, &rows, &cols) == WK_OK && rows == 2 && v64[3] == 1e300,
          "1e300 float64 read as float64: kept (%s)", wk_last_error());
    wk_free(v64);
    big[3] = INFINITY;
    write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", big, sizeof big);
    CHECK(read_fails(p, WK_ENUMERIC, "row 1 (column 1) is Inf"), "Inf float64: Inf");
}

static void test_csv(void) {
    const char *p = tmp_path("a.csv");
    const char *good = "x,y\n1,2\n3, 4\n\n# comment\n5,6.5\n";
    write_bytes(p, good, strlen(good));
    wk_tensor t;
    REQUIRE(wk_read_array(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.shape[0] == 3 && t.shape[1] == 2 && t.data[5] == 6.5f && t.data[2] == 3, "csv with header");
    wk_tensor_free(&t);
    const char *p2 = tmp_path("b.txt");
    const char *ws = "1 2 3\n4\t5 6\r\n";
    write_bytes(p2, ws, strlen(ws));
    REQUIRE(wk_read_array(p2, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.shape[0] == 2 && t.shape[1] == 3 && t.data[4] == 5, "whitespace csv");
    wk_tensor_free(&t);
    const char *ragged = "1,2\n3,4\n5\n";
    write_bytes(p, ragged, strlen(ragged));
    CHECK(read_fails(p, WK_EFORMAT, "line 3"), "ragged row names line 3");
    const char *nan = "1,2\n3,nan\n";
    write_bytes(p, nan, strlen(nan));
    CHECK(read_fails(p, WK_ENUMERIC, "line 2"), "NaN names line 2");
    const char *inf = "1,2\n3,1e999\n";
    write_bytes(p, inf, strlen(inf));
    /* FINDINGS round 6, 4a: the file holds a number, not Inf: say it overflows float64 */
    CHECK(read_fails(p, WK_ENUMERIC, "line 2, column 2: 1e999 overflows float64"), "overflow named as such");
    const char *inf_f64 = "0,0\n1e400,1\n";
    write_bytes(p, inf_f64, strlen(inf_f64));
    double *o64 = NULL;
    int64_t orows, ocols;
    CHECK(wk_read_points_f64(p, &o64, &orows, &ocols) == WK_ENUMERIC && strstr(wk_last_error(), "line 2, column 1: 1e400 overflows float64"),
          "float64 read: 1e400 overflows float64: %s", wk_last_error());
    wk_free(o64);
    /* 4b: C hex floats (strtod reads 0x10 as 16, 0x1p3 as 8) are not decimal numbers (numpy.loadtxt refuses them) */
    const char *hex[] = {"0,0\n0x10,1\n", "0,0\n1,0x1p3\n", "0,0\n-0X1.8p1,1\n"};
    for (int i = 0; i < 3; i++) {
        write_bytes(p, hex[i], strlen(hex[i]));
        CHECK(read_fails(p, WK_EFORMAT, "is a hexadecimal number; fields must be decimal numbers"), "hex float %d refused", i);
    }
    const char *big = "1,2\n3,1e300\n"; /* finite, beyond float32: said so (FINDINGS 4) */
    write_bytes(p, big, strlen(big));
    CHECK(read_fails(p, WK_ENUMERIC, "is 1.0000000000000001e+300, beyond float32's range"), "1e300 in csv");
    const char *word = "1,2\n3,abc\n";
    write_bytes(p, word, strlen(word));
    CHECK(read_fails(p, WK_EFORMAT, "abc"), "non-number in data");
    write_bytes(p, "", 0);
    CHECK(read_fails(p, WK_EFORMAT, "empty"), "empty csv");
}

static void test_idx(void) {
    unsigned char plain[4 + 8 + 6] = {0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3, 4, 5, 200};
    const char *p = tmp_path("a-idx2-ubyte");
    write_bytes(p, plain, sizeof plain);
    wk_tensor t;
    REQUIRE(wk_read_array(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.shape[0] == 3 && t.shape[1] == 2 && t.data[5] == 200, "idx u8");
    wk_tensor_free(&t);
    const char *pg = tmp_path("a-idx2-ubyte.gz");
    gzFile g = gzopen(pg, "wb");
    gzwrite(g, plain, sizeof plain);
    gzclose(g);
    REQUIRE(wk_read_array(pg, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.shape[0] == 3 && t.data[4] == 5, "idx gz");
    wk_tensor_free(&t);
    /* float32 and int16, big-endian */
    unsigned char f32[4 + 4 + 8] = {0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0};
    write_bytes(p, f32, sizeof f32);
    REQUIRE(wk_read_array(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.data[0] == 1.0f && t.data[1] == -2.5f, "idx f32 big-endian");
    wk_tensor_free(&t);
    unsigned char i16[4 + 4 + 4] = {0, 0, 0x0B, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00};
    write_bytes(p, i16, sizeof i16);
    REQUIRE(wk_read_array(p, &t) == WK_OK, "%s", wk_last_error());
    CHECK(t.data[0] == -2 && t.data[1] == 256, "idx i16");
    wk_tensor_free(&t);
    write_bytes(p, plain, sizeof plain - 1);
    CHECK(read_fails(p, WK_EFORMAT, "truncated"), "idx short data");
    plain[2] = 0x07;
    write_bytes(p, plain, sizeof plain);
    CHECK(read_fails(p, WK_EFORMAT, "type byte"), "idx bad type");
    plain[2] = 0x08;
    write_bytes(p, plain, 6);
    CHECK(read_fails(p, WK_EFORMAT, "header"), "idx truncated header");
    g = gzopen(pg, "wb");
    gzclose(g);
    CHECK(read_fails(pg, WK_EFORMAT, "empty"), "empty gz");
}

/* wk_read_samples_f64: the float64 values come with the samples in their order, also when the
 * samples view reordered the file (NHWC images made NCHW: was NULL, so a channels-last float64
 * file was measured in float32) */
static void test_samples_f64(void) {
    const char *p = tmp_path("nhwc.npy");
    double v[2 * 2 * 2 * 3];
    for (int i = 0; i < 24; i++) v[i] = 1e8 + i * 0.25; /* float32 rounds these: the f64 values differ */
    write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2, 3), }", v, sizeof v);
    wk_tensor t;
    double *x = (double *)1;
    CHECK(wk_read_samples_f64(p, &t, &x) == WK_OK && t.ndim == 4 && t.shape[1] == 3 && x,
          "NHWC made NCHW: float32 samples and float64 values: %s", wk_last_error());
    int same = x != NULL;
    for (int i = 0; i < 2 && same; i++) /* [i, k, y, x] of the samples is [i, y, x, k] of the file */
        for (int k = 0; k < 3; k++)
            for (int y = 0; y < 2; y++)
                for (int c = 0; c < 2; c++) {
                    const int to = ((i * 3 + k) * 2 + y) * 2 + c, from = ((i * 2 + y) * 2 + c) * 3 + k;
                    same &= x[to] == v[from] && t.data[to] == (float)v[from];
                }
    CHECK(same, "NHWC made NCHW: the float64 values moved with the float32 ones");
    wk_tensor_free(&t);
    wk_free(x);
    p = tmp_path("nchw.npy");
    write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 2, 2), }", v, sizeof v);
    CHECK(wk_read_samples_f64(p, &t, &x) == WK_OK && t.ndim == 4 && x && x[5] == v[5] && t.data[5] == (float)v[5],
          "NCHW as stored: float64 values in the samples' order: %s", wk_last_error());
    wk_tensor_free(&t);
    wk_free(x);
}

int main(void) {
    REQUIRE(mkdtemp(dir), "mkdtemp");
    test_samples_f64();
    test_npy();
    test_csv();
    test_idx();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_summary("test_io_arrays");
}
