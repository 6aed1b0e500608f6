/* nnd_internal.h — output helpers the files of src/nnd share (nnd.c, generalization.c,
 * birthday.c). Not part of the public API. */
#ifndef WK_NND_INTERNAL_H
#define WK_NND_INTERNAL_H

#include "wgankit/strbuf.h"

/* "key": value, or "key": null for NaN/Inf (JSON has no infinities) */
void wk__json_num(wk_strbuf *sb, const char *key, double v);
/* Create dir (one level) if missing; WK_EIO naming it (as --out) otherwise. */
int wk__make_dir(const char *dir);
/* Write sb to dir/name atomically, then empty sb for the next file. */
int wk__write_sb(const char *dir, const char *name, wk_strbuf *sb);

#endif
