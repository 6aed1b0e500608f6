/* atomic_file.h — write a file so that readers see either the old file or the complete new one.
 *
 * The bytes go to a temporary file in the target's directory (same filesystem, so rename is
 * atomic), which is fsync'ed, renamed over the target, and the directory fsync'ed. Use the
 * one-shot wk_write_file_atomic (io.h) for an in-memory buffer, or this streaming form when a
 * library wants a FILE* (libpng):
 *
 *     wk_atomic_file af;
 *     if ((rc = wk_atomic_open(&af, path)) != WK_OK) return rc;
 *     ... fwrite(..., af.fp) ...
 *     return wk_atomic_commit(&af);      // or wk_atomic_abort(&af) on error
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
/* Flush, fsync, rename over the target. Releases `af` in every case; on failure the temporary
 * file is removed and the target is untouched. */
int wk_atomic_commit(wk_atomic_file *af);
/* Drop the temporary file; the target is untouched. */
void wk_atomic_abort(wk_atomic_file *af);

#ifdef __cplusplus
}
#endif
#endif
