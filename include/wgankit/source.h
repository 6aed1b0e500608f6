/* source.h — one syntax for "where samples come from", shared by nnd, generalization, birthday
 * (and later train/eval/w1 and the Python binding):
 *
 *   FILE[,FILE...]          a data file as --data reads it (NPY, CSV, IDX/.gz, CIFAR-10 .bin),
 *                           values as stored (no scaling): a FINITE sample of N rows;
 *   NAME[:key=value,...]    a synthetic target of data.h (ring, grid, gaussian:dim=64,sigma=0.125,
 *                           ...): a POPULATION, drawn from without limit;
 *   gen:RUN_DIR             fresh draws from a trained generator (RUN_DIR/checkpoint.safetensors,
 *   gen:PATH.safetensors    EMA weights when the run kept them): a population. Draws are in the
 *                           generator's own units (the [-1, 1] scaling of the run's data).
 *   data:RUN_DIR            the run's training data (every row, no held-out split) scaled as
 *   data:PATH.safetensors   training scaled it: the generator's units, a FINITE sample.
 *
 * Units: a file compared with a gen: source is mapped into the generator's units by the run's
 * own scaling, kept in its checkpoint (wk_source_match_units, as `critic --input`), so that a distance
 * between a run's data file and its generator measures the generator, not a unit change (a
 * byte-image file against gen: once gave W1 2,864 for a run whose own W1 was 23).
 *
 * Arora et al. (2017, §3) separate the empirical distribution of a finite training sample from
 * the distribution it came from; a wk_source says which one it is (wk_source_is_population). */
#ifndef WGANKIT_SOURCE_H
#define WGANKIT_SOURCE_H

#include <stdint.h>

#include "wgankit/data.h"
#include "wgankit/rng.h"
#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_SOURCE_FILE = 0, WK_SOURCE_TARGET, WK_SOURCE_GENERATOR } wk_source_kind;

struct wk_trainer;

typedef struct wk_source {
    wk_source_kind kind;
    char spec[512];
    int ndim;                    /* one sample's shape (without the batch axis) */
    int64_t shape[WK_MAX_DIMS];
    int64_t dim;                 /* product of shape */
    wk_tensor rows;              /* FILE: every row [N, ...shape] */
    wk_target target;            /* TARGET */
    struct wk_trainer *gen;      /* GENERATOR */
    int run_units;               /* FILE: rows are in a run's units (data:RUN, or mapped by wk_source_match_units) */
    wk_data_scale scale;         /* FILE mapped by wk_source_match_units: the map applied (n 0: none was) */
    int scale_guessed;           /* ... re-resolved on this file: the run's checkpoint predates stored scalings */
    int from_rows;               /* FILE made by wk_source_from_rows (no file to read again) */
    double *rows64;              /* ... its rows in float64 (an array's when given, a point file's as read), until mapped from them */
    int draw64;                  /* FILE: keep rows64 for wk_source_draw64 (birthday's exact pairs), set by the caller after open */
    int stored_checked;          /* FILE: its float32 rows as stored passed the float32 spread check (wk_source_check_stored) */
} wk_source;

/* Parse and open a source. WK_EINVAL (unknown target, bad key), WK_EIO/WK_EFORMAT (file), each
 * message naming the spec. Close with wk_source_close. */
int wk_source_open(wk_source *s, const char *spec);
/* The same, keeping a point file's float64 rows (rows64, 8 bytes a value until
 * wk_source_match_units maps from them) only when keep64, else freeing them right after the
 * read; wk_source_open keeps them. Without them a later map starts from the float32 rows. */
int wk_source_open_keep(wk_source *s, const char *spec, int keep64);
/* wk_source_open_keep with keep64 set only where the source will be compared with a run: `other`
 * (the source it is compared with, or NULL for none) is gen:RUN. */
int wk_source_open_compared(wk_source *s, const char *spec, const char *other);
void wk_source_close(wk_source *s);
/* A finite sample (kind FILE) over a copy of rows [n >= 2, ...sample shape], named `name` in
 * messages: in-memory data (the Python binding's arrays) as a source. NaN/Inf refused; fewer than
 * 2 rows refused (WK_EINVAL "need at least 2 samples"), as a data file of them is. */
int wk_source_from_rows(wk_source *s, const char *name, const wk_tensor *rows);
/* The same, with f64 (non-NULL) the same values in float64 in rows' order: kept, so that
 * wk_source_match_units maps them before rounding to float32. */
int wk_source_from_rows_f64(wk_source *s, const char *name, const wk_tensor *rows, const double *f64);
/* The training data of a run (cfg->data) scaled exactly as training scaled it (file data to the
 * generator's [-1, 1] units), every row: the real-data counterpart of a gen: source. map: the
 * scaling the run kept (wk_trainer_data_scale), or NULL (an older checkpoint: resolved again). */
struct wk_gan_config;
int wk_source_open_run_data(wk_source *s, const struct wk_gan_config *run, const wk_data_scale *map);
const char *wk_source_kind_name(wk_source_kind k);
/* 1 for targets and generators (unlimited fresh draws), 0 for files. */
int wk_source_is_population(const wk_source *s);
/* Rows of a file; -1 for a population. */
int64_t wk_source_size(const wk_source *s);
/* out [n, ...shape] (allocated): n fresh draws from a population, or n distinct rows of a file
 * chosen uniformly without replacement (WK_EINVAL naming the file when n > N). Every random
 * choice comes from rng. */
int wk_source_draw(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out);
/* wk_source_draw (the same rng use, the same rows) and, when the file source still holds its
 * float64 rows (rows64: kept with draw64 or not yet mapped), *x64 the drawn rows in float64
 * (wk_malloc'ed, [n * dim]); else *x64 NULL. */
int wk_source_draw64(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out, double **x64);
/* A file compared as stored (not in a run's units) is used in float32: refused (WK_EFORMAT naming
 * the file and the column, as `train --data` refuses it) when float32 merges a column's values
 * (wk_data_scale_apply's spread check on the identity map). Done once, from rows64; a no-op for
 * other sources and for a file without float64 rows (byte files, images: exact or ranged in float32).
 * wk_source_draw and wk_source_match_units call it; the opener calls it before dropping rows64. */
int wk_source_check_stored(wk_source *s);
/* The same with replacement from a file (bootstrap draws; a population as wk_source_draw). */
int wk_source_draw_replace(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out);
/* Both sources draw samples of the same shape; WK_EINVAL naming both otherwise. */
int wk_source_check_compatible(const wk_source *a, const wk_source *b);
/* Before two sources are compared: when one is a generator and the other a file (as stored),
 * map the file's rows into the generator's units by its run's scaling as the checkpoint keeps it
 * (resolved once from the run's training data: never re-decided on this file's values, so one
 * extra row or "1" for "1.0" changes nothing). The map is left in the file source's `scale` for
 * the caller to report; a file already in a run's units (data:RUN) is left alone. Any other pair
 * is left as it is. Then wk_source_check_compatible. */
int wk_source_match_units(wk_source *a, wk_source *b);
/* The scaling by which data compared with the run of `gen` is mapped into its units: the map its
 * checkpoint keeps, or, for a checkpoint written before runs kept it, the run's --scale resolved
 * on `x` itself as wgankit then did (auto: any integers 0..255 above 1 are bytes; minmax: x's
 * own range over all values), *guessed then set. Free with wk_data_scale_free. */
int wk_source_run_scale(const struct wk_trainer *gen, const wk_tensor *x, const char *what, wk_data_scale *out, int *guessed);

#ifdef __cplusplus
}
#endif
#endif
