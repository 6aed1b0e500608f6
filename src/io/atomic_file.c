/* atomic_file.c — temp file + fsync + rename, so a crash never leaves a half-written file
 * (see atomic_file.h). */
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = wk_malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static void release(wk_atomic_file *af) {
    wk_free(af->path);
    wk_free(af->tmp_path);
    af->path = af->tmp_path = NULL;
    af->fp = NULL;
}

/* A failed write is the machine's failure (exit 1) when the disk is full, over quota or
 * failing; anything else (a missing or read-only directory, no permission) is the caller's
 * choice of path (WK_EIO: exit 2). */
static int write_failure(int e) {
    return e == ENOSPC || e == EDQUOT || e == EIO || e == EFBIG ? WK_ESYSTEM : WK_EIO;
}

int wk_atomic_open(wk_atomic_file *af, const char *path) {
    memset(af, 0, sizeof *af);
    if (!path || !*path) return wk_errorf(WK_EINVAL, "write: empty file name");
    size_t n = strlen(path);
    if (path[n - 1] == '/') return wk_errorf(WK_EINVAL, "write %s: is a directory name", path);
    af->path = dup_str(path);
    af->tmp_path = wk_malloc(n + 16);
    if (!af->path || !af->tmp_path) {
        release(af);
        return wk_errorf(WK_ENOMEM, "write %s: out of memory", path);
    }
    /* "<path>.tmp.XXXXXX": same directory as the target, so rename() cannot cross devices. */
    snprintf(af->tmp_path, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        release(af);
        return wk_errorf(write_failure(e), "write %s: cannot create temporary file: %s", path, strerror(e));
    }
    fchmod(fd, 0644); /* mkstemp creates 0600; outputs are meant to be shared */
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        int e = errno;
        close(fd);
        unlink(af->tmp_path);
        release(af);
        return wk_errorf(write_failure(e), "write %s: %s", path, strerror(e));
    }
    return WK_OK;
}

int wk_atomic_probe(const char *path) {
    struct stat st;
    if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return wk_errorf(WK_EIO, "write %s: is a directory", path);
    wk_atomic_file af;
    int rc = wk_atomic_open(&af, path);
    if (rc == WK_OK) wk_atomic_abort(&af);
    return rc;
}

void wk_atomic_abort(wk_atomic_file *af) {
    if (af->fp) fclose(af->fp);
    if (af->tmp_path) unlink(af->tmp_path);
    release(af);
}

/* "<name>.tmp.XXXXXX" as wk_atomic_open makes it (mkstemp's six letters or digits). */
static int is_temp_name(const char *name) {
    size_t n = strlen(name);
    if (n < 12 || memcmp(name + n - 11, ".tmp.", 5)) return 0;
    for (size_t i = n - 6; i < n; i++)
        if (!isalnum((unsigned char)name[i])) return 0;
    return 1;
}

int wk_atomic_remove_stale(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    char path[4096];
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_temp_name(e->d_name)) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (!lstat(path, &st) && S_ISREG(st.st_mode) && !unlink(path)) removed++;
    }
    closedir(d);
    return removed;
}

size_t wk_parent_dir(const char *path, size_t n, char *dir, size_t cap) {
    const char *slash = memrchr(path, '/', n);
    if (!slash) snprintf(dir, cap, ".");
    else if (slash == path) snprintf(dir, cap, "/");
    else snprintf(dir, cap, "%.*s", (int)(slash - path), path);
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* fsync the directory holding `path` so the rename itself survives a crash. Best effort:
 * some filesystems refuse to open directories for sync, which is not a write failure. */
static void sync_parent_dir(const char *path) {
    char dir[4096];
    wk_parent_dir(path, strlen(path), dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int wk_atomic_write(wk_atomic_file *af, const void *data, size_t n) {
    errno = 0;
    if (!n || fwrite(data, 1, n, af->fp) == n) return WK_OK;
    /* the system's reason (ENOSPC: "No space left on device", EFBIG, EIO), not "short write" */
    int e = errno ? errno : EIO;
    int rc = wk_errorf(write_failure(e), "write %s: %s", af->path, strerror(e));
    wk_atomic_abort(af);
    return rc;
}

int wk_atomic_commit(wk_atomic_file *af) {
    if (!af->fp) return wk_errorf(WK_EINVAL, "write: atomic file not open");
    errno = 0;
    int bad = ferror(af->fp) || fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0;
    int e = errno;
    if (fclose(af->fp) != 0 && !bad) bad = 1, e = errno; /* delayed write errors (NFS, quota) surface here */
    af->fp = NULL;
    if (bad) {
        int rc = wk_errorf(write_failure(e ? e : EIO), "write %s: %s", af->path, strerror(e ? e : EIO));
        wk_atomic_abort(af);
        return rc;
    }
    if (rename(af->tmp_path, af->path) != 0) {
        int rc = wk_errorf(write_failure(errno), "write %s: rename failed: %s", af->path, strerror(errno));
        wk_atomic_abort(af);
        return rc;
    }
    sync_parent_dir(af->path);
    release(af);
    return WK_OK;
}
