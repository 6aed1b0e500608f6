/* test_write.c — the atomic writer (content, no temporary left behind, bad directory reported)
 * and the float32 NPY writer, checked byte by byte and, when available, with numpy.load. */
#include "check.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static size_t read_all(const char *path, unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

int main(void) {
    char dir[64] = "/tmp/wk_write_XXXXXX", path[128];
    REQUIRE(mkdtemp(dir), "mkdtemp");
    snprintf(path, sizeof path, "%s/a.txt", dir);
    CHECK(wk_write_file_atomic(path, "hello", 5) == WK_OK, "write: %s", wk_last_error());
    CHECK(wk_write_file_atomic(path, "bye", 3) == WK_OK, "overwrite: %s", wk_last_error());
    unsigned char buf[512];
    CHECK(read_all(path, buf, sizeof buf) == 3 && !memcmp(buf, "bye", 3), "content replaced");
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));) entries += e->d_name[0] != '.';
    closedir(d);
    CHECK(entries == 1, "no temporary file left behind (%d entries)", entries);
    CHECK(wk_write_file_atomic("/nonexistent_dir/x.bin", "x", 1) == WK_EIO && strstr(wk_last_error(), "/nonexistent_dir/x.bin"),
          "missing directory named: %s", wk_last_error());

    float v[6] = {0, 1, -2, 3.5f, 1e-8f, -0.25f};
    wk_tensor t;
    int64_t shape[2] = {3, 2};
    wk_tensor_set_shape(&t, 2, shape);
    t.data = v;
    t.device = WK_DEVICE_CPU;
    snprintf(path, sizeof path, "%s/x.npy", dir);
    REQUIRE(wk_write_npy(path, &t) == WK_OK, "npy: %s", wk_last_error());
    size_t n = read_all(path, buf, sizeof buf);
    CHECK(n == 128 + 24, "header padded to 64 bytes, then 24 data bytes (got %zu)", n);
    CHECK(!memcmp(buf, "\x93NUMPY\x01\x00", 8), "magic and version 1.0");
    CHECK(buf[8] + 256 * buf[9] == 118, "header length %d", buf[8] + 256 * buf[9]);
    CHECK(!memcmp(buf + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 59), "header dict: %.60s", buf + 10);
    CHECK(buf[127] == '\n' && buf[126] == ' ', "header ends in spaces and newline");
    CHECK(!memcmp(buf + 128, v, 24), "raw little-endian data");
    int64_t one = 6;
    wk_tensor_set_shape(&t, 1, &one);
    char path1[128];
    snprintf(path1, sizeof path1, "%s/v.npy", dir);
    REQUIRE(wk_write_npy(path1, &t) == WK_OK, "npy 1-d: %s", wk_last_error());
    n = read_all(path1, buf, sizeof buf);
    CHECK(n == 128 + 24 && strstr((char *)buf + 10, "'shape': (6,), }"), "1-D shape is written as a tuple '(6,)'");

    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c \"import numpy as np; a = np.load('%s'); b = np.load('%s'); "
                 "assert a.dtype == np.float32 and a.shape == (3, 2) and a[1, 1] == 3.5 and b.shape == (6,), (a, b)\"",
                 path, path1);
        CHECK(system(cmd) == 0, "numpy.load reads the files");
    }
    /* A full disk reports the system's reason, not "short write": the file-size limit gives
     * the same failing write (EFBIG) without a small filesystem (cli_train.sh fills a tmpfs). */
    {
        static char big[1 << 20];
        struct rlimit old, lim;
        getrlimit(RLIMIT_FSIZE, &old);
        lim = old;
        lim.rlim_cur = 4096;
        signal(SIGXFSZ, SIG_IGN);
        REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0, "setrlimit");
        snprintf(path, sizeof path, "%s/big.bin", dir);
        int rc = wk_write_file_atomic(path, big, sizeof big);
        CHECK(rc == WK_ESYSTEM && strstr(wk_last_error(), strerror(EFBIG)) && strstr(wk_last_error(), "big.bin"),
              "write past the limit names the file and the reason: %s", wk_last_error());
        wk_tensor bt;
        int64_t bn = sizeof big / sizeof(float);
        wk_tensor_set_shape(&bt, 1, &bn);
        bt.data = (float *)big;
        bt.device = WK_DEVICE_CPU;
        snprintf(path, sizeof path, "%s/big.npy", dir);
        rc = wk_write_npy(path, &bt);
        CHECK(rc == WK_ESYSTEM && strstr(wk_last_error(), strerror(EFBIG)), "npy past the limit: %s", wk_last_error());
        setrlimit(RLIMIT_FSIZE, &old);
        CHECK(access(path, F_OK) != 0, "no partial file under the final name");
    }

    /* stale temporaries of killed writers are removed; other names are left alone */
    const char *names[] = {"c.safetensors.tmp.Ab9xYz", "m.jsonl.tmp.000000", "keep.tmp.abc", "keep.tmp.abcdef.x", "keep.tmp.ab-def"};
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        CHECK(wk_write_file_atomic(path, "x", 1) == WK_OK, "write %s", names[i]);
    }
    CHECK(wk_atomic_remove_stale(dir) == 2, "two stale temporaries removed");
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        CHECK((access(path, F_OK) == 0) == (i >= 2), "%s %s", names[i], i >= 2 ? "kept" : "removed");
    }

    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0, "cleanup");
    return check_summary("test_write");
}
