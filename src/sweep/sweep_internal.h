/* sweep_internal.h — what the files of src/sweep/ share beyond sweep.h. */
#ifndef WK_SWEEP_INTERNAL_H
#define WK_SWEEP_INTERNAL_H

#include <sys/types.h>

#include "wgankit/sweep.h"

#define WK_SWEEP_LINE 65536 /* longest metrics.jsonl / train.log line read */

/* The last non-empty line of a text file (at most cap - 1 bytes; "" when longer or empty). */
int wk__sweep_last_line(const char *path, char *buf, size_t cap);
/* A point's name as versions before the '~XX' escapes wrote it (every character outside
 * [A-Za-z0-9._=-] as '-'): a resumed old sweep's point directories are renamed to the new names. */
void wk__sweep_legacy_name(const wk_sweep_spec *s, const wk_sweep_point *p, char *name, size_t n);
/* A fixed setting's value as train resolves it (wk_gan_config_get): what sweep.json records. */
void wk__sweep_resolved(const wk_sweep_setting *st, char *buf, size_t n);
/* Write the point's point.json from how its process ended; *failed = it did not exit 0. */
int wk__sweep_record(const wk_sweep_spec *s, const wk_sweep_point *p, const wk_sweep_outcome *o, int *failed);

/* exec_local.c: `exe train ...` as a child in its own process group, killed when this process
 * dies, stdout and stderr appended to log_path, environment envp (NULL: this process's). */
int wk__sweep_spawn(const char *exe, char *const argv[], const char *log_path, char *const envp[], pid_t *out);
/* The binary `exe` names (/proc/self/exe resolved now) into buf, and the cores this process may
 * run on (its affinity mask). */
void wk__sweep_resolve_exe(const char *exe, char *buf, size_t n);
long wk__sweep_cores(void);

/* plot.c: the value of metric `name` in a metrics object (a key, "a.b", or "a[i]" as results.csv
 * names an array entry): 1 and *v when it is a finite number, else 0. */
struct wk_json;
int wk__sweep_metric_value(const struct wk_json *m, const char *name, double *v);
/* Whether `name` is a metric that runs of mix components write (a metrics.jsonl number, or an
 * entry of one of its arrays): WK_OK, else WK_EINVAL listing the names. */
int wk__sweep_plot_metric_check(const char *name, int mix);

#endif
