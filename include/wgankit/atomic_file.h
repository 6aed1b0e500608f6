/* atomic_file.h — write a file so that readers see either the old file or the complete new one.
 *
 * The bytes go to a temporary file in the target's directory (same filesystem, so rename is
 * atomic), which is fsync'ed, renamed over the target, and the directory fsync'ed. Use the
 * one-shot wk_write_file_atomic (io.h) for an in-memory buffer, or this streaming form when a
 * library wants a FILE* (libpng):
 *
 *     wk_atomic_file af;
 *     if ((rc = wk_atomic_open(&af, path)) != WK_OK) return rc;
 *     ... fwrite(..., af.fp) ...  or  if ((rc = wk_atomic_write(&af, p, n))) return rc;
 *     return wk_atomic_commit(&af);      // or wk_atomic_abort(&af) on error
 *
 * A process killed between open and commit leaves "<path>.tmp.XXXXXX" behind; whoever owns
 * the directory (a run directory under its lock) removes them with wk_atomic_remove_stale.
 */
#ifndef WGANKIT_ATOMIC_FILE_H
#define WGANKIT_ATOMIC_FILE_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_atomic_file {
    FILE *fp;           /* write here */
    char *path;         /* final name */
    char *tmp_path;     /* temporary name in the same directory */
} wk_atomic_file;

int wk_atomic_open(wk_atomic_file *af, const char *path);
/* fwrite n bytes; on failure the message names the file and the system's reason (e.g. "No
 * space left on device"), the temporary file is removed (af released) and WK_EIO returned. */
int wk_atomic_write(wk_atomic_file *af, const void *data, size_t n);
/* Flush, fsync, rename over the target. Releases `af` in every case; on failure the temporary
 * file is removed and the target is untouched. */
int wk_atomic_commit(wk_atomic_file *af);
/* Whether `path` can be written (as wk_atomic_open would: a temporary file in its directory,
 * removed at once; an existing directory of that name refused). A command with several
 * outputs probes them all before writing any, so a bad second path leaves no first file. */
int wk_atomic_probe(const char *path);
/* Drop the temporary file; the target is untouched. */
void wk_atomic_abort(wk_atomic_file *af);
/* Remove the temporary files ("*.tmp.XXXXXX") that killed writers left in `dir`; only for a
 * directory no other process writes to (e.g. a locked run directory). Returns how many. */
int wk_atomic_remove_stale(const char *dir);
/* The directory that holds (or will hold) the name made of the first n bytes of `path` (n =
 * strlen(path) for the whole name): the part before its last '/', "." when there is none, "/"
 * for a name at the root. Written into dir (cap bytes, cut short as snprintf does); returns the
 * offset of the name's last component in `path`. The one rule for the atomic writer's
 * directory sync and the CLI's output checks. */
size_t wk_parent_dir(const char *path, size_t n, char *dir, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
