/* result_dir.h — what a result directory holds, so that no command writes over another's work.
 *
 * `train --out`, `sweep --out` and `experiment NAME --out` each record, before writing anything
 * else, DIR/wgankit-dir.json (written atomically); so do `birthday --out` and `generalization
 * --out` (and their Python functions), whose directories a rerun simply rewrites:
 *
 *     {"kind": "run" | "sweep" | "experiment" | "birthday" | "generalization", "name": "arora-w1",
 *      "identity": {"dims": "2,8", ...}}
 *
 * name and identity are the experiment's (its name and resolved knobs and train settings); a run
 * and a sweep keep their identity in their own files (checkpoint.safetensors, sweep.json), which
 * their commands already check. A directory written by an older wgankit has no marker: it is
 * recognised by its files — a run by checkpoint.safetensors, config.json or metrics.jsonl, a sweep
 * by sweep.json, an experiment by results.csv with SUMMARY.md (its name from the summary's first
 * line, "# NAME: title"), a birthday test by birthday.json, a generalization table by table.json —
 * so nothing old is overwritten either. A directory holding none of these
 * is free.
 *
 * The rule (wk_result_dir_claim): a command refuses (WK_EINVAL, naming the directory and what it
 * holds) a directory holding another kind, another experiment, or the same experiment with other
 * knobs; the same command with the same identity goes on (resumes) as before. The marker itself is
 * untrusted input: a malformed one is WK_EFORMAT naming the file. */
#ifndef WGANKIT_RESULT_DIR_H
#define WGANKIT_RESULT_DIR_H

#include "wgankit/json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_DIR_FREE = 0, WK_DIR_RUN, WK_DIR_SWEEP, WK_DIR_EXPERIMENT, WK_DIR_BIRTHDAY, WK_DIR_GENERALIZATION } wk_dir_kind;

#define WK_DIR_MARKER "wgankit-dir.json"

typedef struct wk_dir_holds {
    wk_dir_kind kind;
    int marked;        /* 1: read from the marker; 0: recognised by an older version's files (or free) */
    char name[64];     /* an experiment's name ("" when unknown) */
    char file[64];     /* the file it was recognised by (the marker or an older version's file) */
    wk_json *identity; /* the marker's identity object (owned; NULL when none) */
} wk_dir_holds;

/* What `dir` holds (a missing directory is free). Free with wk_result_dir_free. */
int wk_result_dir_read(const char *dir, wk_dir_holds *h);
void wk_result_dir_free(wk_dir_holds *h);

/* Refuse (WK_EINVAL) unless `dir` is free or holds `kind` (for an experiment: the one named
 * `name` with the same identity; identity is key, value pairs, NULL-terminated). `flag` names the
 * directory's argument in the message (the library's own callers: the setting "out"). Writes nothing. */
int wk_result_dir_check(const char *dir, wk_dir_kind kind, const char *name, const char *const *identity, const char *flag);
/* wk_result_dir_check, then the marker when the directory (which must exist) has none. */
int wk_result_dir_claim(const char *dir, wk_dir_kind kind, const char *name, const char *const *identity, const char *flag);
/* Undo a claim after the command failed without writing anything: remove the marker when
 * `marker` (the claim wrote it), then `dir` and its parents up to `top` (the outermost directory
 * the command created: a prefix of dir; NULL or "" when dir existed), each only while empty. */
void wk_result_dir_release(const char *dir, int marker, const char *top);

#ifdef __cplusplus
}
#endif
#endif
