/* expt_internal.h — what the experiments (the files of src/experiment) share and nothing else sees: the
 * table of experiments, the write-up builder that makes SUMMARY.md and report.html side by side,
 * a CSV writer, line charts in PNG + SVG, and directory creation. */
#ifndef WK_EXPT_INTERNAL_H
#define WK_EXPT_INTERNAL_H

#include "wgankit/experiment.h"
#include "wgankit/plot.h"
#include "wgankit/stats.h"
#include "wgankit/strbuf.h"
#include "wgankit/sweep.h"

extern const wk_experiment wk__expt_arora_w1, wk__expt_biau_equivalence, wk__expt_biau_depth, wk__expt_biau_sample_size,
    wk__expt_mixgan, wk__expt_arora_birthday;

/* "--nnd-steps" for the knob or train setting nnd_steps: the spelling --help documents (either is
 * read, registry.c canonical) */
const char *wk__expt_flag(const char *name, char *buf, size_t n);
/* mkdir -p; WK_EIO naming the directory */
int wk__expt_mkdirs(const char *dir);
/* "dir/name" into buf (WK_EINVAL when it does not fit) */
int wk__expt_path(char *buf, size_t n, const char *dir, const char *name);
/* "1 h 05 min", "3 min 20 s", "12 s" */
void wk__expt_duration(double seconds, char *buf, size_t n);

/* The write-up: markdown and HTML built in parallel. */
typedef struct expt_doc {
    wk_strbuf md, html;
    int in_table;
    int dashes;           /* cells of the current table that show WK_DOC_DASH */
    const char *dash_why; /* why a value can be unmeasured here (said under a table that shows one); NULL: the usual reasons */
} expt_doc;
/* What a table or a sentence shows for a value that was not measured (NaN: a metric not computed
 * for this data, an interval from a single seed, a cell without a done run): "nan" would read as a
 * failed computation. results.csv leaves such a value empty. */
#define WK_DOC_DASH "\u2014"
/* v printed with fmt (which takes one double), or WK_DOC_DASH when v is NaN; returns buf. */
const char *wk__doc_num(char *buf, size_t n, const char *fmt, double v);
/* "mean [lo, hi]" (each with fmt), "mean [—]" without an interval, "—" without a mean; returns buf. */
const char *wk__doc_iv(char *buf, size_t n, const char *fmt, double mean, double lo, double hi);
/* Title, the claim, the command and its knob values, the scale. */
void wk__doc_begin(expt_doc *d, const wk_expt_ctx *c);
void wk__doc_h2(expt_doc *d, const char *text);
void wk__doc_p(expt_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A "claim | measured | agrees?" line: the verdict is computed by the caller from the data. */
void wk__doc_verdict(expt_doc *d, const char *claim, const char *measured, int agrees);
void wk__doc_table(expt_doc *d, int ncol, const char *const *head);
void wk__doc_row(expt_doc *d, int ncol, const char *const *cells);
/* Ends the table; when a cell showed WK_DOC_DASH, a note under it says what the dash means and why. */
void wk__doc_table_end(expt_doc *d);
/* A figure written as stem.png + stem.svg in the output directory */
void wk__doc_figure(expt_doc *d, const char *stem, const char *caption);
/* The run time, failures and the end; writes dir/SUMMARY.md and dir/report.html atomically. */
int wk__doc_finish(expt_doc *d, const wk_expt_ctx *c, const char *dir);
void wk__doc_free(expt_doc *d);

/* A log-log slope for the write-up: "-0.512 [-0.61, -0.41]" with its t-interval, "-0.218 (2
 * points above 0: no interval)" when only two points were usable, "not measurable (N points
 * above 0)" when fewer. Never prints "nan". */
const char *wk__fmt_slope(char *buf, size_t n, const wk_loglog_fit_ci *f);

/* ---- verdicts from intervals (verdict.c): never from a point estimate alone ---- */
/* Where the interval [lo, hi] lies against b: -1 wholly below, +1 wholly above, 0 containing b
 * or no interval (NaN ends). */
int wk__side(double lo, double hi, double b);
/* The same for a log-log slope's 95 % interval. */
int wk__slope_side(const wk_loglog_fit_ci *f, double b);
/* A slope's interval against the band [a, b]: 1 wholly inside, 0 wholly outside, -1 neither or no
 * interval. */
int wk__slope_within(const wk_loglog_fit_ci *f, double a, double b);
/* Interval a against interval b: +1 a wholly above b, -1 wholly below, 0 overlapping or unknown. */
int wk__iv_compare(double alo, double ahi, double blo, double bhi);
/* 95 % interval of Spearman's ρ over n pairs (Fisher z, variance (1 + ρ²/2)/(n−3): Bonett & Wright 2000;
 * at |ρ| = 1, where that degenerates to [1, 1], the project's own clamp rule, verdict.c); NaN when n < 4. */
void wk__spearman_ci(double rho, int n, double *lo, double *hi);
/* Per-item verdicts (1 agrees, 0 DIFFERS, -1 not measurable) into one: 0 if any item DIFFERS,
 * 1 if every item agrees, else -1 (also for n = 0). */
int wk__verdict_all(const int *v, int n);

/* A line chart as dir/stem.svg and dir/stem.png. */
int wk__expt_chart(const char *dir, const char *stem, const wk_chart_spec *spec, const wk_series *s, size_t n);

/* CSV: a header line, then rows; fields are written as given (numbers %.9g, NaN as empty). */
typedef struct expt_csv {
    wk_strbuf sb;
    int ncol, col;
} expt_csv;
void wk__csv_begin(expt_csv *t, int ncol, const char *const *head);
void wk__csv_str(expt_csv *t, const char *s);
void wk__csv_num(expt_csv *t, double v);
int wk__csv_write(expt_csv *t, const char *dir, const char *name);

/* ---- training through the sweep engine (sweep_use.c) ---- */
/* A validated spec in <out>/<sub>: the recipe's settings (key, value pairs, NULL-terminated; a
 * key the user overrides or an axis sets is left out), the user's train overrides, the axes
 * ("key=v1,v2", NULL-terminated) and the seeds ("0,1,2"). WK_EINVAL naming what is wrong. */
int wk__expt_sweep_spec(const wk_expt_ctx *c, const char *sub, const char *const *recipe, const char *const *axes,
                        const char *seeds, wk_sweep_spec *s);
/* Run (or resume) it on the local pool with --jobs workers. */
int wk__expt_sweep_run(const wk_expt_ctx *c, const wk_sweep_spec *s, wk_sweep_summary *sum);
/* Expected training time: a step of point `heaviest` timed now, times steps and points, / jobs. */
int wk__expt_estimate_training(const wk_expt_ctx *c, const wk_sweep_spec *s, int64_t heaviest, double *seconds);

#endif
