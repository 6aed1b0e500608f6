/* self_memory.c — this process's memory use (/proc/self/statm) and the room under its
 * address-space limits (RLIMIT_AS, RLIMIT_DATA). See self_memory.h. */
#include "core/self_memory.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

void wk_self_use_read(wk_self_use *u) {
    long psz = sysconf(_SC_PAGESIZE);
    const uint64_t P = psz > 0 ? (uint64_t)psz : 4096;
    unsigned long long vm = 0, rss = 0, shared, text, lib, data = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%llu %llu %llu %llu %llu %llu", &vm, &rss, &shared, &text, &lib, &data) != 6) vm = rss = data = 0;
        fclose(f);
    }
    u->vm = vm * P, u->rss = rss * P, u->data = data * P;
}

uint64_t wk_rlimit_room(const wk_self_use *u, const char **which) {
    struct rlimit as, ds;
    const int has_as = !getrlimit(RLIMIT_AS, &as) && as.rlim_cur != RLIM_INFINITY;
    const int has_ds = !getrlimit(RLIMIT_DATA, &ds) && ds.rlim_cur != RLIM_INFINITY;
    if (which) *which = "no limit";
    if (!has_as && !has_ds) return UINT64_MAX;
    wk_self_use own;
    if (!u) {
        wk_self_use_read(&own);
        u = &own;
    }
    uint64_t room = UINT64_MAX;
    if (has_as) {
        room = (uint64_t)as.rlim_cur > u->vm ? (uint64_t)as.rlim_cur - u->vm : 0;
        if (which) *which = "RLIMIT_AS (ulimit -v)";
    }
    if (has_ds) {
        const uint64_t r = (uint64_t)ds.rlim_cur > u->data ? (uint64_t)ds.rlim_cur - u->data : 0;
        if (r < room) {
            room = r;
            if (which) *which = "RLIMIT_DATA (ulimit -d)";
        }
    }
    return room;
}
