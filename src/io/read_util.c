/* read_util.c — the whole-file reader and the helpers shared by the readers (see read_util.h).
 * Plain and gzip files go through one reader (zsrc below: plain bytes as they are, gzip members
 * through zlib's inflate), so every whole-file reader takes a .gz as well. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include "io/read_util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/self_memory.h"
#include "wgankit/error.h"

int wk_io_too_large(const char *path, const char *what, uint64_t bytes) {
    return wk_errorf(WK_ENOFIT, "%s: out of memory for %s (%llu bytes): the input is too large for this machine", path,
                     what, (unsigned long long)bytes);
}

/* The bytes of one file, plain or gzip, read in order (zlib's inflate on the raw bytes, not
 * gzread: gzread ends quietly at anything after a gzip member that is not another member, so a
 * damaged or wrongly concatenated .gz lost its tail without a word). Gzip members follow each
 * other (as `cat a.gz b.gz` makes); after the last one only zero bytes (tape padding, as gzip -t
 * allows) may follow. */
typedef struct zsrc {
    const char *path;
    int fd, gz, live; /* gz: a gzip file; live: inside a member (its end not reached yet) */
    z_stream z;
    unsigned char *in;  /* raw input buffer, ZSRC_IN bytes */
    uint64_t raw;       /* raw bytes read from the file so far */
} zsrc;
enum { ZSRC_IN = 1 << 17 };

/* More raw bytes behind the unread ones (moved to the buffer's start); 0 at the file's end. */
static int zs_fill(zsrc *s, size_t *added) {
    if (s->z.avail_in && s->z.next_in != s->in) memmove(s->in, s->z.next_in, s->z.avail_in);
    s->z.next_in = s->in;
    ssize_t got;
    do got = read(s->fd, s->in + s->z.avail_in, ZSRC_IN - s->z.avail_in);
    while (got < 0 && errno == EINTR);
    if (got < 0) return wk_errorf(WK_EIO, "%s: read error: %s", s->path, strerror(errno));
    s->z.avail_in += (uInt)got;
    s->raw += (uint64_t)got;
    *added = (size_t)got;
    return WK_OK;
}

/* After a member's end: another member (reset), or the end (only zeros left), or an error. */
static int zs_next_member(zsrc *s, int *end) {
    size_t added = 1;
    while (s->z.avail_in < 2 && added) {
        int rc = zs_fill(s, &added);
        if (rc) return rc;
    }
    if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b) {
        inflateReset(&s->z);
        s->live = 1;
        *end = 0;
        return WK_OK;
    }
    const uint64_t at = s->raw - s->z.avail_in; /* where the bytes after the stream start */
    for (;;) {
        for (uInt k = 0; k < s->z.avail_in; k++)
            if (s->z.next_in[k])
                return wk_errorf(WK_EFORMAT, "%s: data after the end of the gzip stream (from byte %llu): a damaged or "
                                             "wrongly concatenated file",
                                 s->path, (unsigned long long)at);
        s->z.avail_in = 0;
        int rc = zs_fill(s, &added);
        if (rc) return rc;
        if (!added) break;
    }
    *end = 1;
    return WK_OK;
}

/* Up to `want` bytes of content into out; *got = 0 only at the end. */
static int zs_read(zsrc *s, unsigned char *out, size_t want, size_t *got) {
    *got = 0;
    if (!s->gz) { /* plain: what is buffered (the probe), then the file */
        size_t n = s->z.avail_in < want ? s->z.avail_in : want;
        memcpy(out, s->z.next_in, n);
        s->z.next_in += n;
        s->z.avail_in -= (uInt)n;
        while (n < want) {
            ssize_t r = read(s->fd, out + n, want - n > (1u << 30) ? (1u << 30) : want - n);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return wk_errorf(WK_EIO, "%s: read error: %s", s->path, strerror(errno));
            if (r == 0) break;
            n += (size_t)r;
        }
        *got = n;
        return WK_OK;
    }
    s->z.next_out = out;
    s->z.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
    while (s->z.avail_out && s->live) {
        if (!s->z.avail_in) {
            size_t added;
            int rc = zs_fill(s, &added);
            if (rc) return rc;
            if (!added) return wk_errorf(WK_EFORMAT, "%s: gzip stream is truncated (unexpected end of file)", s->path);
        }
        const int zr = inflate(&s->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            int end;
            int rc = zs_next_member(s, &end);
            if (rc) return rc;
            s->live = !end;
        } else if (zr == Z_MEM_ERROR) {
            return wk_errorf(WK_EIO, "%s: cannot read: out of memory for the gzip reader", s->path);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return wk_errorf(WK_EFORMAT, "%s: gzip stream is corrupt (%s)", s->path, s->z.msg ? s->z.msg : "bad data");
        }
    }
    *got = (size_t)(s->z.next_out - out);
    return WK_OK;
}

/* The smallest memory limit a cgroup file sets for the group `dir` or any group above it
 * (`base` the hierarchy's mount, `file` the limit's name); UINT64_MAX when none. */
static uint64_t cgroup_limit(const char *base, const char *file, char *dir) {
    uint64_t lim = UINT64_MAX;
    for (;;) { /* this group, then each parent up to the (namespace's) root */
        char path[1200];
        snprintf(path, sizeof path, "%s%s/%s", base, dir, file);
        FILE *g = fopen(path, "r");
        unsigned long long v;
        if (g) {
            if (fscanf(g, "%llu", &v) == 1 && v < lim) lim = v; /* "max" reads as no number: no limit */
            fclose(g);
        }
        char *slash = strrchr(dir, '/');
        if (!slash || !dir[0]) break;
        *slash = 0;
    }
    return lim;
}

/* This process's cgroup memory limits, from one read of /proc/self/cgroup: v2 memory.max (the
 * line whose controller field is empty) and v1 memory.limit_in_bytes (the "memory" line);
 * UINT64_MAX for a hierarchy without one. */
static void cgroup_limits(uint64_t *v2, uint64_t *v1) {
    *v2 = *v1 = UINT64_MAX;
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return;
    char line[1024], dir[2][1024];
    int found[2] = {0, 0};
    while ((!found[0] || !found[1]) && fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        const char *ctls = c1 + 1;
        int k = *ctls == 0 ? 0 : strstr(ctls, "memory") ? 1 : -1;
        if (k < 0 || found[k]) continue;
        snprintf(dir[k], sizeof dir[k], "%s", c2 + 1);
        dir[k][strcspn(dir[k], "\n")] = 0;
        found[k] = 1;
    }
    fclose(f);
    if (found[0]) *v2 = cgroup_limit("/sys/fs/cgroup", "memory.max", dir[0]);
    if (found[1]) *v1 = cgroup_limit("/sys/fs/cgroup/memory", "memory.limit_in_bytes", dir[1]);
}

uint64_t wk_io_memory_room(const char **which) {
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (psz <= 0) psz = 4096;
    /* this process's use: address space, resident, data segment (Linux); none elsewhere */
    wk_self_use use;
    wk_self_use_read(&use);
    FILE *f;
    /* Memory the kernel can still give (Linux): MemAvailable (free and reclaimable) plus free
     * swap. Physical memory alone is not enough: the kernel and the other processes hold part of
     * it, and a 25 GB allocation on a 25 GB machine is OOM-killed all the same. */
    uint64_t avail = UINT64_MAX, mem = UINT64_MAX, swap = 0;
    if ((f = fopen("/proc/meminfo", "r")) != NULL) {
        char line[128];
        unsigned long long kb;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) mem = (uint64_t)kb * 1024;
            else if (sscanf(line, "SwapFree: %llu kB", &kb) == 1) swap = (uint64_t)kb * 1024;
        }
        fclose(f);
        if (mem != UINT64_MAX) avail = mem + swap;
    }
    const uint64_t P = (uint64_t)psz;
    uint64_t cg2, cg1;
    cgroup_limits(&cg2, &cg1);
    const char *rlimit_name;
    const uint64_t rlimit_room = wk_rlimit_room(&use, &rlimit_name); /* ulimit -v / -d, the smaller */
    struct { uint64_t limit, used; const char *name; } lims[5] = {
        {pages > 0 ? (uint64_t)pages * P : UINT64_MAX, use.rss, "physical memory"},
        {avail, 0, "available memory (MemAvailable + SwapFree)"},
        {rlimit_room, 0, rlimit_name},
        {cg2, use.rss, "cgroup memory.max"},
        {cg1, use.rss, "cgroup memory.limit_in_bytes"},
    };
    uint64_t room = UINT64_MAX;
    const char *name = "no limit";
    for (int i = 0; i < 5; i++) {
        if (lims[i].limit == UINT64_MAX) continue;
        uint64_t r = lims[i].limit > lims[i].used ? lims[i].limit - lims[i].used : 0;
        if (r < room) room = r, name = lims[i].name;
    }
    if (which) *which = name;
    return room;
}

/* wk_io_check_fits against a room already measured (`which` its binding limit) */
static int fits_in(const char *path, const char *what, uint64_t bytes, uint64_t room, const char *which) {
    if (bytes <= room) return WK_OK;
    return wk_errorf(WK_ENOFIT, "%s: %s needs %llu bytes in memory, more than this process may use (%llu bytes, the limit "
                     "of %s): the input is too large for this machine", path, what, (unsigned long long)bytes,
                     (unsigned long long)room, which);
}

int wk_io_check_fits(const char *path, const char *what, uint64_t bytes) {
    const char *which;
    uint64_t room = wk_io_memory_room(&which);
    return fits_in(path, what, bytes, room, which);
}

int wk_io_check_header_fits(const char *path, const char *kind, int ndim, const int64_t *shape, uint64_t raw,
                            uint64_t item) {
    uint64_t numel = 1;
    char dims[WK_MAX_DIMS * 24 + 4] = "";
    size_t o = 0;
    for (int i = 0; i < ndim; i++) {
        uint64_t d = shape[i] > 0 ? (uint64_t)shape[i] : 0;
        numel = d && numel > UINT64_MAX / d ? UINT64_MAX : numel * d;
        o += (size_t)snprintf(dims + o, sizeof dims - o, "%s%lld", i ? ", " : "", (long long)shape[i]);
    }
    uint64_t vals = numel > UINT64_MAX / item ? UINT64_MAX : numel * item;
    char what[sizeof dims + 200];
    snprintf(what, sizeof what, "the %s header's shape (%s) of %lld rows (%llu bytes of data, read as %llu bytes of %s values)", kind,
             dims, ndim ? (long long)shape[0] : 1LL, (unsigned long long)raw, (unsigned long long)vals,
             item == 8 ? "float64" : "float32");
    return wk_io_check_fits(path, what, raw > vals ? raw : vals);
}

int wk_io_read_claimed(const char *path, const char *kind, int ndim, const int64_t *shape, uint64_t total,
                       uint64_t item, uint64_t plain, uint64_t lim, unsigned char **buf, size_t *len, uint64_t *size, int *more) {
    *size = *len;
    *more = 0;
    /* A plain file's length is known unread: a claim it does not hold is a truncated file. Else
     * what reading it will hold at once is checked before a byte of the data is read or
     * inflated (a 3 MB .idx.gz can claim 3 GB of pixels, 25 GB as float64). */
    if (plain != WK_IO_NOT_PLAIN && (*size = plain) != total) return WK_OK;
    int rc = wk_io_check_header_fits(path, kind, ndim, shape, total, item);
    if (rc) return rc;
    if (*len > lim && *len <= total) { /* cut by the limit: read up to one byte past the promise */
        wk_free(*buf);
        if ((rc = wk_io_read_file(path, lim = total, buf, len)) != 0) return rc;
    }
    *size = *len;
    *more = *len > lim;
    return WK_OK;
}

/* Pipes (process substitution <(cat A.csv), /dev/stdin; not a named FIFO: see wk_io_read_file_sized)
 * can be read only once, but
 * a path may be opened more than once (the format sniff of a name without .npy/.csv, the header
 * check of --data, then the read): the first open of a pipe or socket copies its whole contents
 * into an anonymous in-memory file (memfd), kept for the process by the pipe's (device, inode), and
 * every open of that pipe reads the copy from its start. (Was: the sniff consumed the pipe and the
 * read that followed said "file is empty" / "no numeric rows".) Reads of one pipe are sequential:
 * the copies share one file offset, reset at each open. The last PIPE_CACHE pipes are kept. */
enum { PIPE_CACHE = 16 };
static struct { dev_t dev; ino_t ino; int fd; } pipe_cache[PIPE_CACHE];
static int pipe_cached;
static pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER;

/* *fd (a pipe just opened, stat st) replaced by its in-memory copy, read now if not yet, and *st
 * by the copy's (a regular file: its length known). */
static int pipe_copy(const char *path, int *fd, struct stat *st) {
    pthread_mutex_lock(&pipe_lock);
    int rc = WK_OK, mem = -1;
    for (int i = 0; i < pipe_cached; i++)
        if (pipe_cache[i].dev == st->st_dev && pipe_cache[i].ino == st->st_ino) mem = pipe_cache[i].fd;
    if (mem < 0 && pipe_cached == PIPE_CACHE) { /* a long-lived process (Python): the oldest copy goes */
        close(pipe_cache[0].fd);
        memmove(pipe_cache, pipe_cache + 1, (PIPE_CACHE - 1) * sizeof pipe_cache[0]);
        pipe_cached--;
    }
    if (mem < 0) {
        if ((mem = memfd_create("wgankit-pipe", MFD_CLOEXEC)) < 0) rc = wk_errorf(WK_EIO, "%s: cannot copy the pipe: %s", path, strerror(errno));
        const char *which = "no limit";
        uint64_t total = 0, room = rc ? 0 : wk_io_memory_room(&which), checked = 1u << 20;
        unsigned char *chunk = rc ? NULL : wk_malloc(1u << 16);
        if (!rc && !chunk) rc = WK_ENOMEM;
        while (!rc) {
            ssize_t got = read(*fd, chunk, 1u << 16);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) rc = wk_errorf(WK_EIO, "%s: read error: %s", path, strerror(errno));
            if (got <= 0) break;
            for (ssize_t w = 0; !rc && w < got;) {
                ssize_t put = write(mem, chunk + w, (size_t)(got - w));
                if (put < 0 && errno == EINTR) continue;
                if (put < 0) rc = wk_errorf(WK_EIO, "%s: cannot copy the pipe: %s", path, strerror(errno));
                else w += put;
            }
            total += (uint64_t)got;
            if (!rc && total >= checked) { /* the copy is memory: never past what this process may use */
                rc = fits_in(path, "its contents (a pipe, kept in memory to be read again)", 2 * total, room, which);
                checked = 2 * total;
            }
        }
        wk_free(chunk);
        if (rc && mem >= 0) close(mem);
        if (!rc) pipe_cache[pipe_cached].dev = st->st_dev, pipe_cache[pipe_cached].ino = st->st_ino, pipe_cache[pipe_cached++].fd = mem;
    }
    int copy = rc ? -1 : dup(mem);
    pthread_mutex_unlock(&pipe_lock);
    if (!rc && copy < 0) rc = wk_errorf(WK_EIO, "%s: cannot reopen the pipe's copy: %s", path, strerror(errno));
    if (!rc && (lseek(copy, 0, SEEK_SET) != 0 || fstat(copy, st) != 0)) rc = wk_errorf(WK_EIO, "%s: cannot read the pipe's copy: %s", path, strerror(errno));
    if (rc && copy >= 0) close(copy);
    close(*fd);
    *fd = copy;
    return rc;
}

int wk_io_read_file(const char *path, uint64_t limit, unsigned char **buf, size_t *len) {
    return wk_io_read_file_sized(path, limit, buf, len, NULL);
}

int wk_io_read_file_sized(const char *path, uint64_t limit, unsigned char **buf, size_t *len, uint64_t *plain) {
    *buf = NULL;
    *len = 0;
    if (plain) *plain = WK_IO_NOT_PLAIN;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return wk_errorf(WK_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int st_rc = fstat(fd, &st);
    if (st_rc != 0 || S_ISDIR(st.st_mode)) {
        int e = st_rc != 0 ? errno : EISDIR;
        close(fd);
        return wk_errorf(WK_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    /* a named FIFO (the path itself a FIFO on a file system, not /dev/fd/N or /dev/stdin) keeps its
     * inode for every writer that opens it, so a copy kept by inode would hand one writer's bytes
     * to the next open (`w1 ff ff` fed by two writers read the first twice: W1 0): it is read as
     * it comes, once an open */
    struct stat lst;
    const int named_fifo = lstat(path, &lst) == 0 && S_ISFIFO(lst.st_mode);
    if ((S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) && !named_fifo && (st_rc = pipe_copy(path, &fd, &st)) != WK_OK)
        return st_rc;
    zsrc s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.fd = fd;
    s.in = wk_malloc(ZSRC_IN);
    int rc = s.in ? WK_OK : WK_ENOMEM;
    /* gzip or plain: the first two bytes decide (as gzread did) */
    size_t added = 1;
    while (!rc && s.z.avail_in < 2 && added) rc = zs_fill(&s, &added);
    if (!rc && s.z.avail_in >= 2 && s.in[0] == 0x1f && s.in[1] == 0x8b) {
        s.gz = s.live = 1;
        if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK) rc = wk_errorf(WK_EIO, "%s: cannot read: out of memory for the gzip reader", path);
    }
    /* The most bytes to hold: one past the limit tells the caller "longer than promised". */
    uint64_t most = limit >= (uint64_t)SIZE_MAX - 1 ? (uint64_t)SIZE_MAX - 1 : limit + 1;
    /* A plain regular file's length is its content's length: one exact allocation. Otherwise
     * (gzip, pipes) the buffer grows with what has really been decompressed. */
    uint64_t cap = !s.gz && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 1u << 16;
    if (!rc && plain && !s.gz && S_ISREG(st.st_mode)) *plain = (uint64_t)st.st_size; /* known unread (wk_io_read_claimed) */
    if (cap > most) cap = most;
    size_t n = 0;
    unsigned char *b = NULL;
    /* The room this process has for the read, measured once: each doubling below gives the old
     * block back, so every buffer size up to it fits (memory_room opens /proc and cgroup files:
     * not once per doubling). */
    const char *which = "no limit";
    const uint64_t room = rc ? 0 : wk_io_memory_room(&which);
    if (!rc) rc = fits_in(path, "its contents", cap + 1, room, which);
    if (rc == WK_OK && !(b = wk_malloc((size_t)cap + 1))) rc = wk_io_too_large(path, "its contents", cap);
    while (rc == WK_OK) {
        if (n == cap) {
            if (cap == most) break;
            unsigned char probe; /* at the expected end: is there more before growing? */
            size_t got;
            if ((rc = zs_read(&s, &probe, 1, &got)) != 0 || got == 0) break;
            uint64_t ncap = cap < (1u << 15) ? 1u << 16 : cap * 2;
            if (ncap > most) ncap = most;
            /* growing by what gzip really delivered, but never past what this process may use:
             * a small .gz that inflates beyond memory is refused, not OOM-killed */
            if (ncap + 1 > room) {
                if (room > cap + 2) {
                    ncap = room - 1;
                } else {
                    char what[96];
                    snprintf(what, sizeof what, "its decompressed contents (more than %llu bytes)", (unsigned long long)n);
                    rc = fits_in(path, what, ncap + 1, room, which);
                    break;
                }
            }
            unsigned char *nb = wk_realloc(b, (size_t)ncap + 1);
            if (!nb) {
                rc = wk_io_too_large(path, "its contents", ncap);
                break;
            }
            b = nb;
            cap = ncap;
            b[n++] = probe;
            continue;
        }
        size_t got;
        if ((rc = zs_read(&s, b + n, (size_t)(cap - n), &got)) != 0 || got == 0) break;
        n += got;
    }
    if (s.gz) inflateEnd(&s.z);
    wk_free(s.in);
    close(fd);
    if (rc) {
        wk_free(b);
        return rc;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return WK_OK;
}

int wk_io_shape_numel(const char *path, int ndim, const int64_t *shape, uint64_t max, uint64_t *numel) {
    int zero = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return wk_errorf(WK_EFORMAT, "%s: shape dimension %d (%lld) is negative", path, i, (long long)shape[i]);
        zero |= shape[i] == 0;
    }
    /* The nonzero dimensions are bounded even when a zero makes the array empty, so that no
     * prefix product (wk_tensor_set_shape multiplies in order) can overflow either. */
    uint64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        uint64_t d = (uint64_t)shape[i];
        if (d == 0) continue;
        if (n > max / d)
            return wk_errorf(WK_EFORMAT, "%s: shape dimension %d (%lld) makes more than %llu elements", path, i,
                             (long long)shape[i], (unsigned long long)max);
        n *= d;
    }
    *numel = zero ? 0 : n;
    return WK_OK;
}

/* The checks before allocating an array of `shape`: its dimension count and element count
 * (*n), whichever precision the values are kept in. */
static int check_shape(const char *path, int ndim, const int64_t *shape, uint64_t *n) {
    if (ndim > WK_MAX_DIMS)
        return wk_errorf(WK_EFORMAT, "%s: %d dimensions (wgankit supports at most %d)", path, ndim, WK_MAX_DIMS);
    int rc = wk_io_shape_numel(path, ndim, shape, (uint64_t)1 << 40, n);
    /* Rows of no values (a zero after the first dimension) are no data, and a count of them
     * costs nothing to claim: 4e9 empty rows in a 19-byte IDX would become gigabytes of row
     * indices in the loader's shuffle (found by fuzz_dataset). */
    if (!rc && ndim >= 2 && shape[0] > 0 && *n == 0)
        return wk_errorf(WK_EFORMAT, "%s: %lld rows of no values (shape has a zero dimension after the first)", path,
                         (long long)shape[0]);
    return rc;
}

int wk_io_alloc_tensor(const char *path, wk_tensor *out, int ndim, const int64_t *shape) {
    memset(out, 0, sizeof *out);
    uint64_t n;
    int rc = check_shape(path, ndim, shape, &n);
    if (!rc) rc = wk_io_check_fits(path, "the array", n * sizeof(float));
    if (rc) return rc;
    rc = wk_tensor_alloc(out, ndim, shape);
    if (rc == WK_ENOMEM) return wk_io_too_large(path, "the array", n * sizeof(float));
    if (rc) return wk_error_context(rc, "%s", path);
    return WK_OK;
}

/* The first NaN/Inf of the values of `shape` (float32 `f` or float64 `d`), as an error naming its row. */
static int check_finite(const char *path, const wk_tensor *shape, const float *f, const double *d) {
    int64_t per_row = shape->ndim > 0 && shape->shape[0] > 0 ? shape->numel / shape->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    for (int64_t i = 0; i < shape->numel; i++) {
        double v = d ? d[i] : f[i];
        if (!isfinite(v))
            return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %s", path, (long long)(i / per_row),
                             (long long)(i % per_row), isnan(v) ? "NaN" : "Inf");
    }
    return WK_OK;
}

int wk_io_check_finite_rows(const char *path, const wk_tensor *t) { return check_finite(path, t, t->data, NULL); }

int wk_io_beyond_f32(const char *path, const wk_tensor *out, int64_t i, double v) {
    int64_t per_row = out->ndim > 0 && out->shape[0] > 0 ? out->numel / out->shape[0] : 1;
    if (per_row == 0) per_row = 1;
    return wk_errorf(WK_ENUMERIC, "%s: row %lld (column %lld) is %.17g, beyond float32's range (the library's values "
                     "are float32)", path, (long long)(i / per_row), (long long)(i % per_row), v);
}

int wk_io_alloc_out(const char *path, wk_tensor *out, double **f64, int ndim, const int64_t *shape) {
    if (!f64) return wk_io_alloc_tensor(path, out, ndim, shape);
    memset(out, 0, sizeof *out);
    *f64 = NULL;
    uint64_t n;
    int rc = check_shape(path, ndim, shape, &n);
    if (!rc) rc = wk_io_check_fits(path, "the float64 array", n * sizeof(double));
    if (rc) return rc;
    if ((rc = wk_tensor_set_shape(out, ndim, shape)) != 0) return wk_error_context(rc, "%s", path);
    *f64 = wk_malloc((size_t)(n ? n : 1) * sizeof(double));
    if (!*f64) return wk_io_too_large(path, "the array", n * sizeof(double));
    return WK_OK;
}

int wk_io_convert_in_place(const char *path, unsigned char **buf, size_t off, size_t item, wk_io_decode_fn get,
                           int type, wk_tensor *out, double **f64, int ndim, const int64_t *shape) {
    memset(out, 0, sizeof *out);
    if (f64) *f64 = NULL;
    uint64_t n;
    int rc = check_shape(path, ndim, shape, &n);
    if (rc) return rc;
    if ((rc = wk_tensor_set_shape(out, ndim, shape)) != 0) return wk_error_context(rc, "%s", path);
    size_t os = f64 ? sizeof(double) : sizeof(float), raw = (size_t)n * item, want = (size_t)n * os;
    unsigned char *b = *buf;
    memmove(b, b + off, raw);
    if (want > raw) {
        unsigned char *nb = wk_realloc(b, want);
        if (!nb) return wk_io_too_large(path, f64 ? "the float64 array" : "the array", want);
        *buf = b = nb;
    }
    /* Value i moves from [item*i, item*(i+1)) to [os*i, os*(i+1)): growing (os >= item) from the
     * end, shrinking from the start, each value read before its place is written. */
    int back = os >= item;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = back ? n - 1 - k : k;
        double v = get(b + i * item, type);
        if (f64) {
            memcpy(b + i * os, &v, sizeof v);
        } else {
            float x = (float)v;
            if (isinf(x) && isfinite(v)) return wk_io_beyond_f32(path, out, (int64_t)i, v);
            memcpy(b + i * os, &x, sizeof x);
        }
    }
    if (want < raw + off) { /* give back what the output does not need (a failed shrink keeps the block) */
        unsigned char *nb = wk_realloc(b, want ? want : 1);
        if (nb) b = nb;
        else wk_clear_error();
    }
    if (f64) *f64 = (double *)b;
    else out->data = (float *)b;
    *buf = NULL;
    return WK_OK;
}

int wk_io_check_finite_out(const char *path, const wk_tensor *out, const double *f64) {
    return check_finite(path, out, out->data, f64);
}

void wk_io_free_out(wk_tensor *out, double **f64) {
    if (f64) {
        wk_free(*f64);
        *f64 = NULL;
        memset(out, 0, sizeof *out);
    } else {
        wk_tensor_free(out);
    }
}
