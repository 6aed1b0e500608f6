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

/* The soft limits RLIMIT_AS and RLIMIT_DATA, each UINT64_MAX when not set. */
static void read_limits(uint64_t *as, uint64_t *ds) {
    struct rlimit rl;
    *as = !getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY ? (uint64_t)rl.rlim_cur : UINT64_MAX;
    *ds = !getrlimit(RLIMIT_DATA, &rl) && rl.rlim_cur != RLIM_INFINITY ? (uint64_t)rl.rlim_cur : UINT64_MAX;
}

int wk_rlimit_set(const char **which, uint64_t *bytes) {
    uint64_t as, ds;
    read_limits(&as, &ds);
    const int as_set = as != UINT64_MAX;
    if (which) *which = as_set ? WK_RLIMIT_AS_NAME : ds != UINT64_MAX ? WK_RLIMIT_DATA_NAME : "no limit";
    if (bytes) *bytes = as_set ? as : ds;
    return as_set || ds != UINT64_MAX;
}

uint64_t wk_rlimit_room(const wk_self_use *u, const char **which) {
    uint64_t as, ds;
    read_limits(&as, &ds);
    if (which) *which = "no limit";
    if (as == UINT64_MAX && ds == UINT64_MAX) return UINT64_MAX;
    wk_self_use own;
    if (!u) {
        wk_self_use_read(&own);
        u = &own;
    }
    uint64_t room = UINT64_MAX;
    if (as != UINT64_MAX) {
        room = as > u->vm ? as - u->vm : 0;
        if (which) *which = WK_RLIMIT_AS_NAME;
    }
    if (ds != UINT64_MAX) {
        const uint64_t r = ds > u->data ? ds - u->data : 0;
        if (r < room) {
            room = r;
            if (which) *which = WK_RLIMIT_DATA_NAME;
        }
    }
    return room;
}
