/* test_dist_hash.c — wk_dist_hash (dist.h), which the ranks' settings check and the data
 * fingerprint of a run (files.c) rely on: any one changed byte, anywhere (in the four-lane word
 * blocks or the tail), changes the hash; chaining continues a hash; the start value and the
 * order of the inputs matter. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgankit/dist.h"

int main(void) {
    enum { N = 1000 };
    unsigned char *buf = malloc(N);
    REQUIRE(buf != NULL, "buffer");
    for (int i = 0; i < N; i++) buf[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= 70; len++) { /* below, at and past one and two 32-byte blocks */
        uint64_t h = wk_dist_hash(buf, len, 0);
        CHECK(h == wk_dist_hash(buf, len, 0), "len %zu: deterministic", len);
        for (size_t i = 0; i < len; i++) {
            unsigned char keep = buf[i];
            for (int bit = 0; bit < 8; bit += 7) {
                buf[i] = (unsigned char)(keep ^ (1u << bit));
                CHECK(wk_dist_hash(buf, len, 0) != h, "len %zu: byte %zu bit %d changes the hash", len, i, bit);
            }
            buf[i] = keep;
        }
        if (len) CHECK(wk_dist_hash(buf, len - 1, 0) != h, "len %zu: one byte shorter differs", len);
    }
    uint64_t whole = wk_dist_hash(buf, N, 0);
    for (int i = 0; i < N; i += 97) { /* a change deep in a long input */
        buf[i] ^= 0x40;
        CHECK(wk_dist_hash(buf, N, 0) != whole, "byte %d of %d", i, N);
        buf[i] ^= 0x40;
    }
    uint64_t a = wk_dist_hash(buf, 100, 0), ab = wk_dist_hash(buf + 100, 200, a), ba = wk_dist_hash(buf, 100, wk_dist_hash(buf + 100, 200, 0));
    CHECK(ab != ba, "the order of chained inputs matters");
    CHECK(wk_dist_hash(buf, 100, 1) != a, "the start value matters");
    free(buf);
    return check_summary("test_dist_hash");
}
