/* bench_util.h — what the benchmark programs share.
 *
 * bench_prefer_passive_wait: libgomp reads OMP_WAIT_POLICY once, when it loads, and by default
 * idle OpenMP workers spin on the cores OpenBLAS's sgemm needs. On the 2-core machine that cut
 * the toy critic's forward+backward from 119 to 40 GFLOP/s with 2 threads. Like the CLI, the
 * benchmarks re-execute themselves with passive waiting unless the variable is set. */
#ifndef WK_BENCH_UTIL_H
#define WK_BENCH_UTIL_H

#include <stdlib.h>
#include <unistd.h>

static inline void bench_prefer_passive_wait(char **argv) {
    if (getenv("OMP_WAIT_POLICY")) return;
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv); /* returns only on failure: then run with the default */
}

#endif
