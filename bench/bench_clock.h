/* bench_clock.h — what the C benches share: wall and CPU clocks in seconds and a comparator for
 * sorting timings (medians). Header-only; each bench is one executable (CMakeLists.txt). */
#ifndef WK_BENCH_CLOCK_H
#define WK_BENCH_CLOCK_H

#include <time.h>

/* clock `id` (CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID for all threads' CPU) in s */
static inline double bench_clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_now(void) { return bench_clock_s(CLOCK_MONOTONIC); }

/* qsort comparator of doubles, ascending */
static inline int bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
