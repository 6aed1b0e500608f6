/* report.h — one self-contained HTML page summarising a run directory.
 *
 * RUN_DIR/report.html gets: a table of RUN_DIR/config.json (nested keys flattened as a.b.c),
 * one inline SVG chart per metric group from RUN_DIR/metrics.jsonl, and every .png file of RUN_DIR
 * embedded as a base64 data URI, oldest first (by modification time, then name).
 *
 * metrics.jsonl holds one JSON object per line, each with a numeric "step"; every other
 * numeric member is a metric. Metrics are grouped by the part of their name before the first
 * '/' or '_' ("loss_d" and "loss_g" share the chart "loss"); a group whose values are all
 * positive and span more than three decades gets a log y axis. Lines that are not such
 * objects (e.g. a half-written last line) are skipped and counted on the page.
 * Any subset of these files may be present. */
#ifndef WGANKIT_REPORT_H
#define WGANKIT_REPORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Build RUN_DIR/report.html (atomically); its path goes to out_path when out_path != NULL.
 * WK_EIO naming the directory when it does not exist. */
int wk_report_build(const char *run_dir, char *out_path, size_t out_path_size);

#ifdef __cplusplus
}
#endif
#endif
