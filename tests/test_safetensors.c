/* test_safetensors.c — safetensors round trip (F32, I64, U8, metadata), the byte layout the
 * spec requires, rejection of corrupted / truncated files with messages naming file and
 * tensor, and (when Debian's python3 has numpy) a round trip through an independent Python
 * reader and writer of the spec. */
#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/safetensors.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

/* A file made of the given header JSON (padded to 8) and `ndata` data bytes. */
static void write_raw(const char *path, const char *header, size_t ndata, int64_t claimed_header_size) {
    char buf[4096];
    size_t n = strlen(header), padded = (n + 7) / 8 * 8;
    uint64_t hs = claimed_header_size >= 0 ? (uint64_t)claimed_header_size : padded;
    memcpy(buf, &hs, 8);
    memcpy(buf + 8, header, n);
    memset(buf + 8 + n, ' ', padded - n);
    for (size_t i = 0; i < ndata; i++) buf[8 + padded + i] = (char)i;
    REQUIRE(wk_write_file_atomic(path, buf, 8 + padded + ndata) == WK_OK, "%s", wk_last_error());
}

static void expect_reject(const char *header, size_t ndata, int64_t claimed, const char *want) {
    char path[128];
    snprintf(path, sizeof path, "%s/bad.safetensors", dir);
    write_raw(path, header, ndata, claimed);
    wk_safetensors f;
    int rc = wk_safetensors_load(path, &f);
    CHECK(rc == WK_EFORMAT, "header %s should be rejected (rc %d)", header, rc);
    CHECK(strstr(wk_last_error(), want) && strstr(wk_last_error(), "bad.safetensors"),
          "header %s: message '%s' lacks '%s' or the file name", header, wk_last_error(), want);
    CHECK(f.buffer == NULL && f.tensors == NULL, "failed load leaves nothing allocated");
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/wk_st_XXXXXX");
    REQUIRE(mkdtemp(dir), "mkdtemp");
    char path[128];
    snprintf(path, sizeof path, "%s/ckpt.safetensors", dir);

    float w[6] = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
    int64_t step[1] = {123456789012LL};
    uint8_t flags[3] = {0, 255, 7};
    wk_tensor tw;
    int64_t shp[2] = {2, 3};
    wk_tensor_set_shape(&tw, 2, shp);
    tw.data = w;
    tw.device = WK_DEVICE_CPU;
    wk_st_tensor ts[3] = {wk_st_from_tensor("gen.w0", &tw),
                          {.name = "step", .dtype = WK_ST_I64, .ndim = 1, .shape = {1}, .data = step},
                          {.name = "flags", .dtype = WK_ST_U8, .ndim = 1, .shape = {3}, .data = flags}};
    wk_st_meta meta[2] = {{"format", "wgankit-1"}, {"note", "quote \" and \\ and é"}};
    REQUIRE(wk_safetensors_write(path, ts, 3, meta, 2) == WK_OK, "write: %s", wk_last_error());

    /* layout: header size LE, JSON starting with '{', data 8-byte aligned, total size right */
    FILE *fp = fopen(path, "rb");
    REQUIRE(fp, "open written file");
    unsigned char raw[1024];
    size_t got = fread(raw, 1, sizeof raw, fp);
    fclose(fp);
    uint64_t hs;
    memcpy(&hs, raw, 8);
    CHECK((8 + hs) % 8 == 0, "data starts 8-byte aligned (header %llu)", (unsigned long long)hs);
    CHECK(got == 8 + hs + 24 + 8 + 3, "file size %zu = 8 + header + 35 data bytes", got);
    CHECK(raw[8] == '{', "header is a JSON object");
    CHECK(!memcmp(raw + 8 + hs, step, 8) && !memcmp(raw + 8 + hs + 8, w, 24),
          "the I64 tensor (largest alignment) follows the header, then the F32 one");

    wk_safetensors f;
    REQUIRE(wk_safetensors_load(path, &f) == WK_OK, "load: %s", wk_last_error());
    CHECK(f.n_tensors == 3 && f.n_meta == 2, "3 tensors, 2 metadata entries");
    CHECK(!strcmp(wk_safetensors_meta(&f, "note"), "quote \" and \\ and é"), "metadata escaped and restored");
    CHECK(wk_safetensors_meta(&f, "absent") == NULL, "absent metadata is NULL");
    wk_tensor back;
    REQUIRE(wk_safetensors_get_f32(&f, "gen.w0", &back) == WK_OK, "get: %s", wk_last_error());
    CHECK(back.ndim == 2 && back.shape[0] == 2 && back.shape[1] == 3 && !memcmp(back.data, w, sizeof w), "F32 tensor restored");
    wk_tensor_free(&back);
    const wk_st_tensor *st = wk_safetensors_find(&f, "step");
    int64_t s0;
    REQUIRE(st, "step present");
    memcpy(&s0, st->data, 8);
    CHECK(st->dtype == WK_ST_I64 && s0 == step[0], "I64 restored");
    st = wk_safetensors_find(&f, "flags");
    CHECK(st && st->dtype == WK_ST_U8 && st->nbytes == 3 && !memcmp(st->data, flags, 3), "U8 restored");
    CHECK(wk_safetensors_get_f32(&f, "step", &back) == WK_EFORMAT && strstr(wk_last_error(), "'step' is I64"),
          "get_f32 on I64 names the tensor: %s", wk_last_error());
    CHECK(wk_safetensors_get_f32(&f, "nope", &back) == WK_EFORMAT && strstr(wk_last_error(), "no tensor named 'nope'"),
          "missing tensor: %s", wk_last_error());
    wk_safetensors_free(&f);

    /* writer rejects bad names */
    wk_st_tensor dup[2] = {ts[0], ts[0]};
    CHECK(wk_safetensors_write(path, dup, 2, NULL, 0) == WK_EINVAL && strstr(wk_last_error(), "used twice"), "duplicate name");
    wk_st_tensor reserved = ts[0];
    reserved.name = "__metadata__";
    CHECK(wk_safetensors_write(path, &reserved, 1, NULL, 0) == WK_EINVAL, "reserved name rejected");
    CHECK(wk_safetensors_load(path, &f) == WK_OK, "failed writes left the old file intact");
    wk_safetensors_free(&f);

    /* every tensor aligned to its dtype: an odd count of F32 values before I64 data put the I64
     * tensors at offsets = 4 (mod 8), which torch.frombuffer(...).view(torch.int64) refuses */
    {
        float odd[3] = {1, 2, 3}, one[1] = {4};
        int64_t c[2] = {-5, 1LL << 40}, r[3] = {7, 8, 9};
        uint8_t u[5] = {1, 2, 3, 4, 5};
        wk_st_tensor mix[5] = {{.name = "w", .dtype = WK_ST_F32, .ndim = 1, .shape = {3}, .data = odd},
                               {.name = "u", .dtype = WK_ST_U8, .ndim = 1, .shape = {5}, .data = u},
                               {.name = "state.counters", .dtype = WK_ST_I64, .ndim = 1, .shape = {2}, .data = c},
                               {.name = "b", .dtype = WK_ST_F32, .ndim = 1, .shape = {1}, .data = one},
                               {.name = "state.rng", .dtype = WK_ST_I64, .ndim = 1, .shape = {3}, .data = r}};
        REQUIRE(wk_safetensors_write(path, mix, 5, NULL, 0) == WK_OK, "write mixed: %s", wk_last_error());
        REQUIRE(wk_safetensors_load(path, &f) == WK_OK, "load mixed: %s", wk_last_error());
        uint64_t hsz;
        memcpy(&hsz, f.buffer, 8);
        const char *data0 = (const char *)f.buffer + 8 + hsz;
        for (int i = 0; i < 5; i++) {
            const wk_st_tensor *e = wk_safetensors_find(&f, mix[i].name);
            REQUIRE(e, "tensor %s present", mix[i].name);
            size_t off = (size_t)((const char *)e->data - data0), item = e->dtype == WK_ST_I64 ? 8 : e->dtype == WK_ST_F32 ? 4 : 1;
            CHECK(off % item == 0, "tensor %s (%s) at data offset %zu, a multiple of %zu", mix[i].name,
                  wk_st_dtype_name(e->dtype), off, item);
            CHECK(e->nbytes == item * (size_t)mix[i].shape[0] && !memcmp(e->data, mix[i].data, e->nbytes), "tensor %s restored",
                  mix[i].name);
        }
        const wk_st_tensor *e = wk_safetensors_find(&f, "state.counters");
        CHECK(e && e->data == data0, "the first I64 tensor comes first (offset %td)", e ? (const char *)e->data - data0 : -1);
        wk_safetensors_free(&f);
    }

    /* corrupted and truncated files */
    const char *ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    write_raw(path, ok, 8, -1);
    CHECK(wk_safetensors_load(path, &f) == WK_OK, "hand-made valid file loads: %s", wk_last_error());
    wk_safetensors_free(&f);
    expect_reject(ok, 4, -1, "beyond the 4 data bytes");                      /* truncated data */
    expect_reject(ok, 8, 4000, "exceeds the file");                            /* header size too large */
    expect_reject(ok, 12, -1, "cover 8 of the 12");                            /* trailing bytes */
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 8, -1, "header:1:"); /* bad JSON */
    expect_reject("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, -1, "dtype \"F16\" not supported");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, -1, "'a': shape x F32 needs 12 bytes");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, -1, "shape[0]");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, -1, "data_offsets");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, -1, "'a': \"data_offsets\"");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                  "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, -1, "'b' overlaps");
    expect_reject("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, -1, "4 unused bytes before tensor 'a'");
    expect_reject("{\"__metadata__\":{\"k\":1}}", 0, -1, "__metadata__ value of 'k' is a number");
    expect_reject("[1]", 0, -1, "does not start with '{'");
    expect_reject("", 0, 0, "does not start with '{'");
    write_raw(path, "", 0, -1);
    snprintf(path, sizeof path, "%s/tiny.safetensors", dir);
    CHECK(wk_write_file_atomic(path, "abc", 3) == WK_OK, "write tiny");
    CHECK(wk_safetensors_load(path, &f) == WK_EFORMAT && strstr(wk_last_error(), "too short"), "3-byte file: %s", wk_last_error());
    CHECK(wk_safetensors_load("/nonexistent/x.safetensors", &f) == WK_EIO && strstr(wk_last_error(), "/nonexistent/x.safetensors"),
          "missing file named: %s", wk_last_error());

    /* independent reader/writer: Debian's python3 + numpy, following the spec by hand */
    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0) {
        char cmd[2048];
        snprintf(path, sizeof path, "%s/ckpt.safetensors", dir);
        REQUIRE(wk_safetensors_write(path, ts, 3, meta, 2) == WK_OK, "rewrite: %s", wk_last_error());
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 - '%s' '%s/py.safetensors' <<'PY'\n"
                 "import json, struct, sys, numpy as np\n"
                 "b = open(sys.argv[1], 'rb').read()\n"
                 "(n,) = struct.unpack('<Q', b[:8]); h = json.loads(b[8:8 + n]); d = b[8 + n:]\n"
                 "assert (8 + n) %% 8 == 0 and h['__metadata__']['format'] == 'wgankit-1', h\n"
                 "dt = {'F32': '<f4', 'I64': '<i8', 'U8': 'u1'}\n"
                 "t = {k: np.frombuffer(d[v['data_offsets'][0]:v['data_offsets'][1]], dt[v['dtype']]).reshape(v['shape'])\n"
                 "     for k, v in h.items() if k != '__metadata__'}\n"
                 "assert t['gen.w0'].tolist() == [[1.5, -2.0, 3.25], [0.0, np.float32(1e-30), -7.0]], t\n"
                 "assert t['step'].tolist() == [123456789012] and t['flags'].tolist() == [0, 255, 7], t\n"
                 "x = np.arange(12, dtype='<f4').reshape(3, 4) / 8\n"
                 "hdr = json.dumps({'__metadata__': {'by': 'python'}, 'x': {'dtype': 'F32', 'shape': [3, 4], 'data_offsets': [0, 48]}}).encode()\n"
                 "hdr += b' ' * (-len(hdr) %% 8)\n"
                 "open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hdr)) + hdr + x.tobytes())\n"
                 "PY",
                 path, dir);
        CHECK(system(cmd) == 0, "python reads wgankit's file and writes its own");
        snprintf(path, sizeof path, "%s/py.safetensors", dir);
        REQUIRE(wk_safetensors_load(path, &f) == WK_OK, "load python file: %s", wk_last_error());
        CHECK(!strcmp(wk_safetensors_meta(&f, "by"), "python"), "python metadata");
        REQUIRE(wk_safetensors_get_f32(&f, "x", &back) == WK_OK, "%s", wk_last_error());
        int same = back.ndim == 2 && back.shape[0] == 3 && back.shape[1] == 4;
        for (int i = 0; i < 12 && same; i++) same = back.data[i] == i / 8.0f;
        CHECK(same, "python tensor read back");
        wk_tensor_free(&back);
        wk_safetensors_free(&f);
    } else {
        printf("test_safetensors: /usr/bin/python3 with numpy not found, python round trip skipped\n");
    }
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0, "cleanup");
    return check_summary("test_safetensors");
}
