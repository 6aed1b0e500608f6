/* test_data_scale.c — a run's data scaling as resolved once on its training data (scale.c):
 * auto is bytes only for byte data (an integer table of lattice points keeps its units, was
 * x / 127.5 - 1); minmax is per column on the float64 values, sklearn's MinMaxScaler to [-1, 1]
 * (was one range over all columns after float32 rounding: a column flattened, an offset of 1e8
 * with a spread of 0.1 made one point); images take one range; the kept map round-trips through
 * its JSON exactly and a malformed one is refused; a per-column map refuses rows of another width.
 * Which files are bytes (auto's question) is read from each file's header by its reader's own
 * parser: a uint8 NPY whose header numpy could write with double quotes counts (a text search
 * for 'descr' missed it), float and text files do not. */
#define TMP_DIR_TEMPLATE "/tmp/wk_test_data_scale_XXXXXX"
#include "check.h"
#include "tmp_files.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static wk_tensor points(float *data, int64_t n, int64_t d) {
    wk_tensor t = {.data = data, .ndim = 2, .shape = {n, d}, .numel = n * d};
    return t;
}

int main(void) {
    wk_data_scale s;
    /* finding 7: integer points 0..10 in a table are not bytes; the same as uint8 (bytes = 1) are */
    float lat[6] = {0, 10, 3, 7, 10, 1};
    wk_tensor t = points(lat, 3, 2);
    /* min-max of a float64 column spanning -1e308 .. 1e308: the range overflows, and its map
     * (mul 2 / inf = 0) would train the column as a constant -1 and write a checkpoint the
     * reader then refuses: refused when resolved */
    const double wide[6] = {0, -1e308, 10, 1e308, 3, 0};
    CHECK(wk_data_scale_resolve(WK_SCALE_MINMAX, &t, wide, 0, "wide", &s) == WK_EINVAL &&
              strstr(wk_last_error(), "column 1 spans"),
          "a column whose range overflows float64 is refused: %s", wk_last_error());
    wk_clear_error();
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_AUTO, &t, NULL, 0, "lat", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_NONE && wk_data_scale_is_identity(&s), "auto on an integer table: none (kind %d)", s.kind);
    wk_data_scale_free(&s);
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_AUTO, &t, NULL, 1, "lat", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_U8 && s.n == 1 && s.mul[0] == 1 / 127.5 && s.add[0] == -1, "auto on byte data: x / 127.5 - 1");
    wk_data_scale_free(&s);
    /* an older checkpoint's one rule (wk_data_scale_redecide): as wgankit trained then, integers
     * 0..255 above 1 are bytes whatever the file type, min-max takes one range over all values,
     * and constant data under min-max keeps its values */
    REQUIRE(!wk_data_scale_redecide(WK_SCALE_AUTO, &t, "lat", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_U8 && s.mul[0] == 1 / 127.5 && s.add[0] == -1, "redecided auto on an integer table: bytes (kind %d)", s.kind);
    wk_data_scale_free(&s);
    REQUIRE(!wk_data_scale_redecide(WK_SCALE_MINMAX, &t, "lat", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_MINMAX && s.n == 1 && s.mul[0] == 2.0 / 10 && s.add[0] == -1, "redecided min-max: one range 0..10");
    wk_data_scale_free(&s);
    float same[4] = {7, 7, 7, 7};
    wk_tensor ts = points(same, 2, 2);
    REQUIRE(!wk_data_scale_redecide(WK_SCALE_MINMAX, &ts, "same", &s), "%s", wk_last_error());
    CHECK(wk_data_scale_is_identity(&s), "redecided min-max of constant data: values kept, as then");
    wk_data_scale_free(&s);
    float img[8] = {0, 255, 3, 4, 5, 6, 7, 8}; /* [2, 1, 2, 2] images of integers 0..255 */
    wk_tensor ti = {.data = img, .ndim = 4, .shape = {2, 1, 2, 2}, .numel = 8};
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_AUTO, &ti, NULL, 0, "img", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_U8, "auto on image-shaped integers 0..255: bytes");
    wk_data_scale_free(&s);
    /* images under minmax: one range over all values */
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_MINMAX, &ti, NULL, 0, "img", &s), "%s", wk_last_error());
    CHECK(s.n == 1 && s.mul[0] == 2 / 255.0 && s.add[0] == -1, "minmax of images: one range (n %lld)", (long long)s.n);
    wk_data_scale_free(&s);

    /* finding 8: per column, on float64 (an offset of 1e8 that float32 cannot resolve) */
    double f64[6] = {1e8 + 0.1, -1e8, 1e8 - 0.1, -1e8 + 0.2, 1e8, -1e8 + 0.1};
    float f32[6];
    for (int i = 0; i < 6; i++) f32[i] = (float)f64[i];
    wk_tensor to = points(f32, 3, 2);
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_MINMAX, &to, f64, 0, "off", &s), "%s", wk_last_error());
    CHECK(s.kind == WK_SCALE_MINMAX && s.n == 2, "minmax of points: one map per column");
    REQUIRE(!wk_data_scale_apply(&s, &to, f64, "off", NULL), "%s", wk_last_error());
    const float want[6] = {1, -1, -1, 1, 0, 0}; /* sklearn: 2 (x - min) / (max - min) - 1, per column */
    for (int i = 0; i < 6; i++) CHECK_CLOSE(f32[i], want[i], 0, 1e-6, "minmax of an offset cloud, value");
    /* the kept map as JSON and back: every double exactly */
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_data_scale_to_json(&s, &sb);
    wk_data_scale back;
    REQUIRE(!wk_data_scale_from_json(sb.data, "ck", &back), "%s", wk_last_error());
    CHECK(back.kind == s.kind && back.n == s.n && !memcmp(back.mul, s.mul, 16) && !memcmp(back.add, s.add, 16), "JSON round trip: %s",
          sb.data);
    /* rows of another width than the run's columns */
    float three[3] = {1, 2, 3};
    wk_tensor t3 = points(three, 1, 3);
    CHECK(wk_data_scale_apply(&back, &t3, NULL, "x.npy", NULL) == WK_EINVAL && strstr(wk_last_error(), "x.npy"), "width mismatch refused");
    wk_data_scale_free(&back), wk_data_scale_free(&s), wk_sb_free(&sb);
    /* a constant column goes to -1 (sklearn), the other column still spans [-1, 1] */
    float cc[4] = {5, 0, 5, 4};
    wk_tensor tc = points(cc, 2, 2);
    REQUIRE(!wk_data_scale_resolve(WK_SCALE_MINMAX, &tc, NULL, 0, "cc", &s), "%s", wk_last_error());
    REQUIRE(!wk_data_scale_apply(&s, &tc, NULL, "cc", NULL), "%s", wk_last_error());
    CHECK(cc[0] == -1 && cc[2] == -1 && cc[1] == -1 && cc[3] == 1, "constant column -> -1: %g %g %g %g", cc[0], cc[1], cc[2], cc[3]);
    wk_data_scale_free(&s);

    /* a malformed kept map is refused, naming the file */
    const char *bad[] = {"{\"scale\":\"auto\",\"mul\":[1],\"add\":[0]}", "{\"scale\":\"u8\",\"mul\":[1,2],\"add\":[0]}",
                         "{\"scale\":\"minmax\",\"mul\":[0],\"add\":[0]}", "{\"scale\":\"none\",\"mul\":[],\"add\":[]}", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(wk_data_scale_from_json(bad[i], "bad.safetensors", &s) == WK_EFORMAT && strstr(wk_last_error(), "bad.safetensors"),
              "malformed map %zu refused", i);
    /* a kind whose numbers are another map (FINDINGS round 6, 2): every command would apply the
     * numbers while naming the kind, so the field is refused, naming it */
    const char *lying[] = {"{\"scale\":\"none\",\"mul\":[5],\"add\":[3]}", "{\"scale\":\"none\",\"mul\":[1,1],\"add\":[0,0]}",
                           "{\"scale\":\"u8\",\"mul\":[0.5],\"add\":[0]}", "{\"scale\":\"u8\",\"mul\":[0.0078431372549019607],\"add\":[-0.5]}",
                           "{\"scale\":\"minmax\",\"mul\":[1e-320],\"add\":[0]}", "{\"scale\":\"minmax\",\"mul\":[1,1e-300],\"add\":[0,1e300]}"};
    for (size_t i = 0; i < sizeof lying / sizeof *lying; i++)
        CHECK(wk_data_scale_from_json(lying[i], "bad.safetensors", &s) == WK_EFORMAT &&
                  strstr(wk_last_error(), "bad.safetensors: metadata wgankit.data_scale: scale "),
              "kind and numbers that disagree refused: %s -> %s", lying[i], wk_last_error());
    CHECK(strstr(wk_last_error(), "column 1"), "the minmax column is named: %s", wk_last_error());
    REQUIRE(wk_data_scale_from_json("{\"scale\":\"none\",\"mul\":[5],\"add\":[3]}", "b", &s) == WK_EFORMAT, "none with numbers");
    CHECK(strstr(wk_last_error(), "scale none needs mul [1], add [0]"), "names what none needs: %s", wk_last_error());
    const char *good[] = {"{\"scale\":\"none\",\"mul\":[1],\"add\":[0]}", "{\"scale\":\"u8\",\"mul\":[0.0078431372549019607],\"add\":[-1]}",
                          "{\"scale\":\"minmax\",\"mul\":[1],\"add\":[0]}"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK(!wk_data_scale_from_json(good[i], "ok.safetensors", &s), "consistent map %s accepted: %s", good[i], wk_last_error());
        wk_data_scale_free(&s);
    }
    /* byte files: the stored dtype as the readers parse it */
    REQUIRE(mkdtemp(dir), "mkdtemp");
    static const char hdr_dq[] = "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (4, 2), }";
    static const char hdr_f4[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    for (int k = 0; k < 2; k++) {
        unsigned char npy[128] = "\x93NUMPY\x01\x00";
        const char *h = k ? hdr_f4 : hdr_dq;
        size_t hl = strlen(h) + 1; /* the header ends in '\n' */
        npy[8] = (unsigned char)hl, npy[9] = 0;
        memcpy(npy + 10, h, hl - 1), npy[10 + hl - 1] = '\n';
        memset(npy + 10 + hl, 7, 16); /* 8 bytes or 4 floats */
        write_bytes(tmp_path(k ? "f4.npy" : "u1.npy"), npy, 10 + hl + (k ? 16 : 8));
    }
    static const unsigned char idx_u8[] = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 1, 5, 6};
    static const unsigned char idx_f4[] = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0};
    write_bytes(tmp_path("a.idx"), idx_u8, sizeof idx_u8);
    write_bytes(tmp_path("b.idx"), idx_f4, sizeof idx_f4);
    write_bytes(tmp_path("t.csv"), "1,2\n3,4\n", 8);
    wk_tensor rd;
    CHECK(wk_read_array(tmp_path("u1.npy"), &rd) == WK_OK && rd.numel == 8, "the double-quoted uint8 NPY reads: %s", wk_last_error());
    wk_tensor_free(&rd);
    char list[1200];
    CHECK(wk_data_files_are_bytes(tmp_path("u1.npy")), "uint8 NPY (double-quoted header keys): bytes");
    CHECK(wk_data_files_are_bytes(tmp_path("a.idx")), "IDX type 0x08: bytes");
    snprintf(list, sizeof list, "%s,%s", tmp_path("u1.npy"), tmp_path("a.idx"));
    CHECK(wk_data_files_are_bytes(list), "a list of byte files: bytes");
    CHECK(!wk_data_files_are_bytes(tmp_path("f4.npy")), "float32 NPY: not bytes");
    CHECK(!wk_data_files_are_bytes(tmp_path("b.idx")), "IDX float32: not bytes");
    CHECK(!wk_data_files_are_bytes(tmp_path("t.csv")), "CSV: not bytes");
    snprintf(list, sizeof list, "%s,%s", tmp_path("u1.npy"), tmp_path("f4.npy"));
    CHECK(!wk_data_files_are_bytes(list), "one float file in the list: not bytes");
    CHECK(!wk_data_files_are_bytes(tmp_path("missing.npy")) && wk_last_error_code() == WK_OK, "a missing file: not bytes, no error left");
    const char *names[] = {"u1.npy", "f4.npy", "a.idx", "b.idx", "t.csv"};
    for (size_t i = 0; i < 5; i++) unlink(tmp_path(names[i]));
    rmdir(dir);
    return check_summary("test_data_scale");
}
