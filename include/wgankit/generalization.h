/* generalization.h — how fast does a distance between two samples of ONE distribution go to 0?
 * (Arora et al. 2017, §3 and their Example): for each size m, R pairs of independent samples of
 * size m from a source (fresh draws from a population; disjoint subsamples of a file), and the
 * distance between the two samples of each pair, whose population value is 0. W1 between
 * samples of N(0, I/d) stays near 1 for m polynomial in d; the neural net distance falls like
 * m^{-1/2}. Distances: exact W1, sliced W1 and d_NN (nnd.h; reported as its training-half and
 * held-out values). The log-log slope of each mean against m is fitted by least squares. */
#ifndef WGANKIT_GENERALIZATION_H
#define WGANKIT_GENERALIZATION_H

#include <stdio.h>

#include "wgankit/nnd.h"
#include "wgankit/source.h"
#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_DIST_W1 = 0, WK_DIST_SLICED, WK_DIST_NND_TRAIN, WK_DIST_NND_HELDOUT, WK_DIST_COUNT } wk_gen_distance;
const char *wk_gen_distance_name(wk_gen_distance d); /* "w1", "sliced", "nnd_train", "nnd_heldout" */

#define WK_GEN_MAX_SIZES 32

typedef struct wk_generalization_config {
    int64_t sizes[WK_GEN_MAX_SIZES]; /* strictly increasing, each >= 2 (d_NN: >= 4) */
    int n_sizes;
    int repeats;                     /* pairs per size (>= 1; >= 2 gives standard errors) */
    int use_w1, use_sliced, use_nnd; /* which distances */
    int projections;                 /* sliced directions (default 200) */
    wk_nnd_config nnd;               /* the d_NN critic class and fitting; its critic.seed seeds all */
    const char *arg_prefix;          /* messages name sizes, distances, ... as "<prefix>sizes": "--" (default)
                                      * for the CLI's flags, "" for the Python arguments of the same name */
} wk_generalization_config;

/* sizes 100, 300, 1000; 3 repeats; w1 and nnd; nnd defaults with patience 0 (a fixed budget). */
void wk_generalization_config_default(wk_generalization_config *c);
/* "100,300,1000" -> sizes; WK_EINVAL naming (arg_prefix)sizes when not strictly increasing integers >= 2. */
int wk_generalization_parse_sizes(wk_generalization_config *c, const char *list);
/* "w1,nnd,sliced" -> use_*; WK_EINVAL naming (arg_prefix)distances for an unknown name. */
int wk_generalization_parse_distances(wk_generalization_config *c, const char *list);

typedef struct wk_generalization_result {
    int n_sizes;
    int64_t sizes[WK_GEN_MAX_SIZES];
    double mean[WK_GEN_MAX_SIZES][WK_DIST_COUNT], se[WK_GEN_MAX_SIZES][WK_DIST_COUNT]; /* NaN when not measured */
    /* log10 mean = intercept + slope log10 m, fitted over the means clear of 0 (mean > 2 se);
     * NaN when fewer than 2 are (a held-out d_NN at 0 within noise has no rate to fit) */
    double slope[WK_DIST_COUNT], intercept[WK_DIST_COUNT];
    int repeats;
} wk_generalization_result;

/* Run every size and repeat (progress lines to log when not NULL). */
int wk_generalization_run(const wk_generalization_config *c, wk_source *src, wk_generalization_result *out, FILE *log);
/* Least-squares slope of log10 y on log10 x over the points with x, y > 0 (NaN below 2). */
void wk_loglog_fit(const double *x, const double *y, int n, double *slope, double *intercept);
/* {"source", "repeats", "rows": [{"m", "distance", "mean", "se"}, ...], "slopes": {distance: slope}}
 * (table.json; the Python binding's table). */
void wk_generalization_result_to_json(const wk_generalization_result *r, const char *source_spec, wk_strbuf *sb);
/* dir/table.csv, dir/table.json, dir/loglog.png, dir/loglog.svg, dir/index.html (atomic). */
int wk_generalization_write(const wk_generalization_config *c, const wk_generalization_result *r, const char *source_spec,
                            const char *dir);

#ifdef __cplusplus
}
#endif
#endif
