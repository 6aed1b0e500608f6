/* check.h — the tiny test harness every tests/test_*.c uses.
 *
 * CHECK(cond, fmt, ...) records a failure with file:line and keeps going; CHECK_CLOSE compares
 * floats with a relative+absolute tolerance. main() ends with `return check_summary("name");`
 * which prints "name: N passed, M failed" and returns non-zero on any failure. */
#ifndef WK_TEST_CHECK_H
#define WK_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (cond) {                                                       \
            check_passed++;                                               \
        } else {                                                          \
            check_failed++;                                               \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, "\n");                                        \
        }                                                                 \
    } while (0)

/* |a - b| <= atol + rtol * |b| */
#define CHECK_CLOSE(a, b, rtol, atol, what)                                                   \
    do {                                                                                      \
        double ca_ = (double)(a), cb_ = (double)(b);                                          \
        CHECK(fabs(ca_ - cb_) <= (atol) + (rtol) * fabs(cb_) && !isnan(ca_),                   \
              "%s: got %.9g, want %.9g (diff %.3g)", what, ca_, cb_, fabs(ca_ - cb_));         \
    } while (0)

/* Fatal check: stop the test (for setup steps whose failure makes the rest meaningless). */
#define REQUIRE(cond, ...)                                                \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "FATAL %s:%d: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, "\n");                                        \
            exit(1);                                                      \
        }                                                                 \
    } while (0)

static inline int check_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
