/* report.h — one self-contained HTML page summarising a run directory, built so that its first
 * screen answers "is it learning, and does d_D track W1?".
 *
 * RUN_DIR/report.html, top to bottom:
 *   - a headline table: the last W1 with its real-vs-real floor (w1_floor, w1_floor_n) and the
 *     excess over it, W1 at the first evaluation (step 0), the critic's gap d_D (named as the
 *     co-trained critic's, which can be negative), the correlation of d_D with W1, modes, time;
 *   - one chart of W1 with the floor as a shaded band and d_D overlaid, and a scatter of d_D
 *     against W1 over the evaluations with the diagonal d_D = W1;
 *   - the pictures: samples.png (generated, with real points for 2-D data) next to real.png
 *     (real images), then any other PNG of RUN_DIR, oldest first;
 *   - one chart per remaining metric group, with full names; integer metrics on integer axes;
 *     groups without a finite value are not drawn; a lone point gets a marker;
 *   - the settings of RUN_DIR/config.json (nested keys flattened as a.b.c), last and folded.
 *
 * metrics.jsonl holds one JSON object per line, each with a numeric "step"; every other
 * numeric member is a metric. Unknown metrics are grouped by the part of their name before the
 * first '/' or '_'; a group whose values are all positive and span more than three decades
 * gets a log y axis. Lines that are not such objects (wk_metrics_line_parse: not JSON, a NUL
 * byte, over WK_METRICS_LINE_MAX bytes, no integer step in [0, 2^53]) are skipped, counted on the
 * page with the first one's reason, and each named (file and line) on `warn` when given. Any
 * subset of these files may be present. */
#ifndef WGANKIT_REPORT_H
#define WGANKIT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wgankit/json.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Build RUN_DIR/report.html (atomically); its path goes to out_path when out_path != NULL.
 * WK_EIO naming the directory when it does not exist. */
int wk_report_build(const char *run_dir, char *out_path, size_t out_path_size);
/* The same, with a warning line on `warn` (when not NULL) for each metrics.jsonl line skipped,
 * naming the file and the line (the first WK_REPORT_MAX_WARNINGS, then their count). */
#define WK_REPORT_MAX_WARNINGS 10
int wk_report_build_warn(const char *run_dir, char *out_path, size_t out_path_size, FILE *warn);

/* One line of metrics.jsonl (n bytes, without its newline; lineno counts from 1): *out the JSON
 * object and *step its "step" when the line is good, else WK_EFORMAT naming path and lineno (a
 * line over WK_METRICS_LINE_MAX bytes, a NUL byte, not a JSON object, no numeric "step", or a step
 * that is not an integer in [0, 2^53]). WK_ENOMEM when out of memory. */
#define WK_METRICS_LINE_MAX (1 << 20)
int wk_metrics_line_parse(const char *line, size_t n, const char *path, long long lineno, wk_json **out, int64_t *step);

/* The overlay chart of the first screen (also written alone as curves.svg): W1 and d_D against
 * the step, the floor as a band from 0 to w1_floor. Any of w1, floor, d_d may be NULL; NaN
 * entries are gaps. width 0: 640. */
int wk_report_distance_chart(wk_strbuf *out, const double *steps, const double *w1, const double *floor, const double *d_d,
                             size_t n, int width);

#ifdef __cplusplus
}
#endif
#endif
