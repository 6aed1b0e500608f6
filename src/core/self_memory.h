/* self_memory.h — this process's memory use and the room its address-space limits leave
 * (Linux: /proc/self/statm and getrlimit). One reading serves the readers' memory check
 * (io/read_util.c, wk_io_memory_room), the product teams' OpenBLAS buffers (backend_cpu.c) and
 * the messages that name the limit a refused allocation met (the CLI's exit codes, the trainer). */
#ifndef WK_CORE_SELF_MEMORY_H
#define WK_CORE_SELF_MEMORY_H

#include <stdint.h>

/* bytes; all 0 where /proc/self/statm cannot be read */
typedef struct wk_self_use {
    uint64_t vm;   /* address space (what RLIMIT_AS counts) */
    uint64_t rss;  /* resident */
    uint64_t data; /* data segment and private mappings (what RLIMIT_DATA counts) */
} wk_self_use;

void wk_self_use_read(wk_self_use *u);

/* Bytes left under RLIMIT_AS (ulimit -v) and RLIMIT_DATA (ulimit -d), the smaller of the two;
 * UINT64_MAX when neither is set. u: the use to count (NULL: read it here, only when a limit is
 * set). *which (when non-NULL) names the limit that binds, "no limit" when none is set. */
uint64_t wk_rlimit_room(const wk_self_use *u, const char **which);

/* The names the messages give the two limits. */
#define WK_RLIMIT_AS_NAME "RLIMIT_AS (ulimit -v)"
#define WK_RLIMIT_DATA_NAME "RLIMIT_DATA (ulimit -d)"

/* Which address-space limit is set, for a message that names it: 1 and RLIMIT_AS (ulimit -v)
 * when it is set, else RLIMIT_DATA (ulimit -d) when that is; 0 ("no limit") when neither is.
 * *which (when non-NULL) gets its name, *bytes (when non-NULL) its value. */
int wk_rlimit_set(const char **which, uint64_t *bytes);

#endif
