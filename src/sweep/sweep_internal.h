/* sweep_internal.h — what the files of src/sweep/ share beyond sweep.h. */
#ifndef WK_SWEEP_INTERNAL_H
#define WK_SWEEP_INTERNAL_H

#include "wgankit/sweep.h"

#define WK_SWEEP_LINE 65536 /* longest metrics.jsonl / train.log line read */

/* The last non-empty line of a text file (at most cap - 1 bytes; "" when longer or empty). */
int wk__sweep_last_line(const char *path, char *buf, size_t cap);
/* Write the point's point.json from how its process ended; *failed = it did not exit 0. */
int wk__sweep_record(const wk_sweep_spec *s, const wk_sweep_point *p, const wk_sweep_outcome *o, int *failed);

#endif
