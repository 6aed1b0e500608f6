/* data.h — seeded synthetic target distributions for GAN experiments, each knowing its true
 * modes (centres + sigma) so that mode-coverage metrics (metrics.h) can score samples.
 *
 * Targets and their parameters (every field of wk_target_spec; defaults in brackets):
 *   ring            k Gaussians on a circle, centres radius*(cos 2 pi i/k, sin 2 pi i/k), std
 *                   sigma, every coordinate multiplied by scale — the WGAN-GP toy
 *                   (Gulrajani et al. 2017, gan_toy.py: "8gaussians", dataset /= 1.414).
 *                   [k=8 radius=2 sigma=0.02 scale=1/1.414]
 *   grid            25 Gaussians at (i, j), i, j in {-4,-2,0,2,4}, std sigma, times scale
 *                   (the 25-Gaussian grid of VEEGAN/PacGAN; gan_toy.py uses /2.828).
 *                   [sigma=0.05 scale=1/2.828]
 *   swissroll       scikit-learn make_swiss_roll projected on (x, z): t = 1.5 pi (1 + 2u),
 *                   (t cos t, t sin t) + noise * N(0, I), times scale (gan_toy.py: noise 0.25,
 *                   /7.5). No modes. [noise=0.25 scale=1/7.5]
 *   gmm             k Gaussians in R^dim, means uniform in [-spread, spread]^dim drawn from
 *                   mode_seed (independent of the sampling seed), or read from means=FILE
 *                   (an array file, NPY/CSV/text/IDX: one mean per row; JSON: [[...], ...] or {"means": [[...]],
 *                   "sigma": s or [..], "weights": [..]}). With means=, k and dim are the file's
 *                   rows and columns (an explicit k=/dim= must agree), sigma= stays every mode's
 *                   std (unless a JSON file gives "sigma": not both), and spread=/mode_seed=,
 *                   which only place the random means, are refused. [k=8 dim=2 sigma=0.05
 *                   spread=4 mode_seed=1]
 *   gaussian        N(mean * 1, sigma^2 I) in R^dim. No modes (a 3-sigma ball holds almost
 *                   none of a high-dimensional Gaussian). [dim=2 mean=0 sigma=1]
 *   uniform-sphere  uniform on the unit sphere S^(dim-1) in R^dim (normalised Gaussian),
 *                   times scale. No modes. [dim=3 scale=1]
 *   mixture1d       k Gaussians on the line at spacing*(i - (k-1)/2), std sigma, or means
 *                   from means=FILE as for gmm (one column; spacing= refused with it). [k=3
 *                   spacing=2 sigma=0.1]
 *
 * Mixtures pick each sample's component uniformly unless a spec file gives weights.
 *
 * wk_dataset (end of this file): the points or images a GAN trains on, with a held-out split,
 * and the readers of data files (src/data/files.c). */
#ifndef WGANKIT_DATA_H
#define WGANKIT_DATA_H

#include <stdint.h>

#include "wgankit/rng.h"
#include "wgankit/strbuf.h"
#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WK_TARGET_RING,
    WK_TARGET_GRID,
    WK_TARGET_SWISSROLL,
    WK_TARGET_GMM,
    WK_TARGET_GAUSSIAN,
    WK_TARGET_UNIFORM_SPHERE,
    WK_TARGET_MIXTURE1D,
    WK_TARGET_COUNT
} wk_target_kind;

typedef struct wk_target_spec {
    wk_target_kind kind;
    int dim;            /* gmm, gaussian, uniform-sphere */
    int k;              /* ring, gmm, mixture1d: number of modes */
    double radius;      /* ring */
    double sigma;       /* std of every mode (ring, grid, gmm, mixture1d) or of gaussian */
    double scale;       /* ring, grid, swissroll, uniform-sphere: applied to the whole sample */
    double noise;       /* swissroll */
    double mean;        /* gaussian: every coordinate of the mean */
    double spread;      /* gmm: random means in [-spread, spread]^dim */
    double spacing;     /* mixture1d */
    uint64_t mode_seed; /* gmm: seed of the random means */
    char means_file[512]; /* gmm, mixture1d: optional file of means (NPY/CSV/text/IDX rows, or JSON) */
    uint32_t given;       /* keys the spec gave explicitly (set by wk_target_spec_parse; bits private to
                           * synthetic.c): wk_target_init checks a means file against them */
} wk_target_spec;

/* A target ready to sample: dimension and its modes (n_modes == 0 for swissroll, gaussian,
 * uniform-sphere). Centres and sigmas are in the final (scaled) coordinates. */
typedef struct wk_target {
    wk_target_spec spec;
    int dim;
    int n_modes;
    double *centres; /* [n_modes * dim] */
    double *sigmas;  /* [n_modes] */
    double *weights; /* [n_modes], summing to 1 */
} wk_target;

/* Defaults for `kind` (see the table above). */
void wk_target_spec_default(wk_target_spec *spec, wk_target_kind kind);
/* "ring" -> WK_TARGET_RING; WK_EINVAL listing the valid names otherwise. */
int wk_target_kind_from_name(const char *name, wk_target_kind *out);
const char *wk_target_kind_name(wk_target_kind kind);
/* The kind named by the NAME of a spec "NAME[:key=value,...]" (the one split of a target spec,
 * for the parser below and for telling a synthetic --data from a file name); *name_len is
 * NAME's length (the offset of the ':' or the end). WK_EINVAL as wk_target_kind_from_name,
 * naming the whole spec when NAME is WK_TARGET_NAME_MAX bytes or longer. */
#define WK_TARGET_NAME_MAX 64
int wk_target_spec_kind(const char *spec, wk_target_kind *kind, size_t *name_len);
/* Defaults for the target `name` ("NAME" or "NAME:key=value,..."), then each inline option,
 * then each "key=value" of opts, applied in order. An unknown key, a key the target does not use,
 * a bad value, a key given twice inline or twice in opts, or an opts key that contradicts the
 * inline one gives WK_EINVAL naming it (an opts key equal to the inline one is accepted). With
 * means=FILE, a key that only places the generated means (gmm's spread= and mode_seed=,
 * mixture1d's spacing=) is WK_EINVAL too: it would be silently ignored. */
int wk_target_spec_parse(wk_target_spec *spec, const char *name, const char *const *opts, int n_opts);
/* One line per target listing its keys and defaults (for --help); returns a static string. */
const char *wk_target_help(void);

/* Build the target (computes the modes, reads means_file). Free with wk_target_free. With a
 * means file, k= and dim= given explicitly (spec->given) must equal its rows and columns, and a
 * sigma= given explicitly must not meet a JSON file's own "sigma": WK_EINVAL naming the key and
 * the file (without them the file decides k and dim, and sigma= is every mode's std). */
int wk_target_init(wk_target *t, const wk_target_spec *spec);
void wk_target_free(wk_target *t);
/* Fill out->data with out->shape[0] samples; `out` must be a CPU tensor [n, t->dim]. */
int wk_target_sample(const wk_target *t, wk_rng *rng, wk_tensor *out);
/* Allocate `out` [n, t->dim] for n samples, after checking that it and `extra` bytes per value
 * (what the caller makes of them, e.g. CSV text) fit in what this process may use: a request
 * beyond memory does not fit, WK_ENOFIT "SPEC: WHAT N samples of D values needs ... bytes",
 * naming the spec and what asked for n (`flag`: the caller's name for it, a setting such as
 * "data_n=" or a front end's flag such as the CLI's "-n"). */
int wk_target_alloc_samples(const wk_target *t, const char *spec, const char *flag, int64_t n, uint64_t extra,
                            wk_tensor *out);
/* That check alone (WK_OK or the same WK_ENOFIT), for callers that allocate the samples
 * themselves (the Python binding's numpy arrays). */
int wk_target_check_samples(const wk_target *t, const char *spec, const char *flag, int64_t n, uint64_t extra);

/* ---- the scaling of a run's data: resolved once, at train time, from the run's training data
 * (wk_data_scale_resolve in gan.h), kept in its checkpoint ("wgankit.data_scale") and applied as
 * stored to every file later compared with the run (critic --input, eval --data, gen:RUN). */
typedef struct wk_data_scale {
    int kind;          /* the resolved wk_scale_kind (gan.h): none, u8 or minmax, never auto */
    int64_t n;         /* (mul, add) pairs: 1 = one map for every value (images, u8, none), else
                        * one per column of [N, n] points (minmax of point data, as sklearn) */
    double *mul, *add; /* value j of a sample: x * mul[j % n] + add[j % n] (wk_data_scale_free) */
} wk_data_scale;
void wk_data_scale_free(wk_data_scale *s);
/* The identity map (kind none, n 1): synthetic targets and --scale none. */
int wk_data_scale_identity(wk_data_scale *s);
/* The identity map as a constant, for callers that apply it without owning it (a file used as
 * stored, checked by wk_data_scale_apply's float32 spread check); never wk_data_scale_free'd. */
const wk_data_scale *wk_data_scale_as_stored(void);
int wk_data_scale_copy(wk_data_scale *dst, const wk_data_scale *src);
int wk_data_scale_is_identity(const wk_data_scale *s);
/* Map x [N, ...] in place (from f64, the same values in float64 in x's order, when non-NULL: no
 * float32 rounding before the map). A per-column map needs rows of n values: WK_EINVAL naming
 * `what` otherwise. With f64, a column whose mapped spread float32 cannot hold (rounding moves
 * its values by over 2^-10 of their spread: 1e8 + [0, 1] under the identity) is WK_EFORMAT naming
 * `what` and the column, and for an identity map `advice` (what the caller's command can do:
 * WK_SPREAD_ADVICE_TRAIN when it trains, WK_SPREAD_ADVICE_COMPARE when it compares data with a
 * run, WK_SPREAD_ADVICE_STORED when it uses data as stored with no run; NULL: COMPARE). */
#define WK_SPREAD_ADVICE_TRAIN "train with scale=minmax, which maps each column's range to [-1, 1] in float64 (scale=auto keeps non-byte data as stored)"
#define WK_SPREAD_ADVICE_COMPARE "the run keeps values as stored (it trained with scale=none, or auto on non-byte data): compare with a run trained with scale=minmax, or centre the data first"
#define WK_SPREAD_ADVICE_STORED "the values are used as stored, in float32: centre or rescale them first (every distance would be that of the merged points)"
int wk_data_scale_apply(const wk_data_scale *s, wk_tensor *x, const double *f64, const char *what, const char *advice);
/* "none", "bytes: x * 0.00784313725 - 1", "min-max: x * 0.2 - 1" or "min-max per column: x0 * a + b,
 * x1 * ..." (the first columns, then "..."), for stderr lines that say what was applied. */
void wk_data_scale_describe(const wk_data_scale *s, char *buf, size_t cap);
/* {"scale":"minmax","mul":[...],"add":[...]} (every double round-trips) and back; a stored map
 * is untrusted: WK_EFORMAT naming `path` for anything but that shape with finite numbers. */
void wk_data_scale_to_json(const wk_data_scale *s, wk_strbuf *sb);
int wk_data_scale_from_json(const char *text, const char *path, wk_data_scale *out);

/* ---- datasets: what a GAN trains on (wk_dataset_load in gan.h fills one from a config) -- */
typedef struct wk_dataset {
    wk_tensor train;     /* [N, ...sample shape]; empty when synthetic with fresh draws */
    wk_tensor holdout;   /* [M, ...sample shape] */
    int ndim;            /* sample shape without the batch axis */
    int64_t shape[WK_MAX_DIMS];
    int64_t dim;         /* product of shape */
    int is_image;        /* [C, H, W] with C = 1 or 3 */
    int synthetic;
    wk_target target;    /* synthetic only */
    wk_data_scale scale; /* the map that brought the data to the generator's units (identity: synthetic) */
    /* FNV-1a 64 of the loaded training and held-out arrays and their shapes (0: no fixed data,
     * synthetic fresh draws): recorded in checkpoints so a resume notices changed data */
    uint64_t fingerprint;
} wk_dataset;

/* CIFAR-10 binary batches (3,073-byte records) -> [N, 3, 32, 32] uint8 values as float;
 * labels to *labels when non-NULL (free with wk_free). */
int wk_read_cifar10(const char *path, wk_tensor *out, uint8_t **labels);
/* One data file (IDX/.gz, CIFAR-10 .bin, NPY, CSV) as [N, D] points or [N, C, H, W] images
 * ([N, H, W] gains C = 1, NHWC becomes NCHW); values as stored (no scaling). */
int wk_read_samples(const char *path, wk_tensor *out);
/* wk_read_samples and the file's values in float64 from one read of it: *out as wk_read_samples
 * gives it (each value the float32 rounding of its float64 one; beyond float32's range fails as
 * there), *f64 [out->numel] the same values in float64, in the same order (free with wk_free),
 * so a caller can compute unrounded (NHWC images made NCHW: both moved alike, float64 stays
 * float64 whatever the layout). */
int wk_read_samples_f64(const char *path, wk_tensor *out, double **f64);
/* The same as stored (wk_read_array's shape, no sample reshaping): *out float32, *f64 float64. */
int wk_read_array_both(const char *path, wk_tensor *out, double **f64);
void wk_dataset_free(wk_dataset *ds);
/* The order wk_dataset_load gives a file's n rows (before the held-out split, which takes the
 * last ones): row i is file row perm[i]. In-memory samples use it to match their saved files. */
void wk_dataset_file_order(uint64_t seed, int64_t n, int64_t *perm);

#ifdef __cplusplus
}
#endif
#endif
