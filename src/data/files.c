/* files.c — the training data of a run: a synthetic target (data.h) or real data from files
 * (IDX/.gz, CIFAR-10 binary batches, NPY, CSV), shuffled with the run's seed, split into a
 * training part and a held-out part (for W1 against unseen real points, as Biau et al.
 * evaluate), and scaled to [-1, 1] (the range of a tanh generator). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/io.h"

/* The array of one file as [N, sample...]: images become [N, C, H, W]. f64 (may be NULL; *f64
 * may be NULL): the same values in float64, moved with the float32 ones when NHWC is made NCHW,
 * so a float64 file keeps its float64 values in the samples' order whatever its layout. */
static int shape_sample(const char *path, wk_tensor *t, double **f64) {
    int rc;
    /* a 0-d array (np.save of one number) is one point of one coordinate, as every reader of
     * points takes it (wk_read_points, w1, metrics, gmm:means=): [1, 1]. (Was: left 0-d, so the
     * dataset loader took "one dimension less than the array" as -1 and copied shape[1..-1],
     * corrupting the dataset its error path then freed: free(0x1).) */
    if (t->ndim == 0) return wk_tensor_set_shape(t, 2, (int64_t[]){1, 1});
    if (t->ndim == 1) return wk_tensor_set_shape(t, 2, (int64_t[]){t->shape[0], 1});
    if (t->ndim == 3) return wk_tensor_set_shape(t, 4, (int64_t[]){t->shape[0], 1, t->shape[1], t->shape[2]});
    if (t->ndim == 4 && t->shape[1] != 1 && t->shape[1] != 3 && (t->shape[3] == 1 || t->shape[3] == 3)) {
        /* NHWC (as numpy image arrays usually are) -> NCHW */
        wk_tensor c;
        int64_t n = t->shape[0], h = t->shape[1], w = t->shape[2], ch = t->shape[3];
        const double *s64 = f64 ? *f64 : NULL;
        double *c64 = NULL;
        if ((rc = wk_io_alloc_tensor(path, &c, 4, (int64_t[]){n, ch, h, w}))) return rc;
        if (s64 && !(c64 = wk_malloc((size_t)t->numel * sizeof *c64))) {
            wk_tensor_free(&c);
            return wk_io_too_large(path, "its float64 values", (uint64_t)t->numel * sizeof *c64);
        }
        for (int64_t i = 0; i < n; i++)
            for (int64_t y = 0; y < h; y++)
                for (int64_t x = 0; x < w; x++)
                    for (int64_t k = 0; k < ch; k++) {
                        const int64_t to = ((i * ch + k) * h + y) * w + x, from = ((i * h + y) * w + x) * ch + k;
                        c.data[to] = t->data[from];
                        if (c64) c64[to] = s64[from];
                    }
        wk_tensor_free(t);
        *t = c;
        if (c64) wk_free(*f64), *f64 = c64;
        return WK_OK;
    }
    if (t->ndim > 4)
        return wk_errorf(WK_EFORMAT, "%s: cannot use an array of %d dimensions (want [N, D] points or [N, C, H, W] images)", path,
                         t->ndim);
    if (t->ndim == 4 && t->shape[1] != 1 && t->shape[1] != 3) { /* 4 dimensions are images: the channel count is the fault */
        char sh[64];
        return wk_errorf(WK_EFORMAT, "%s: images shaped %s have %lld channels: only 1 (grey) or 3 (colour) channels are supported, "
                                     "as [N, C, H, W] or [N, H, W, C]", path, wk_shape_str(t, sh, sizeof sh), (long long)t->shape[1]);
    }
    return WK_OK;
}

/* One file as [N, sample...] (gan.h). On failure nothing stays allocated. */
int wk_read_samples(const char *path, wk_tensor *t) {
    int rc = wk_read_array(path, t); /* CIFAR-10 .bin included: one loader for every command */
    if (rc) return rc;
    if ((rc = shape_sample(path, t, NULL)) != WK_OK) wk_tensor_free(t);
    return rc;
}

int wk_read_array_both(const char *path, wk_tensor *t, double **f64) {
    wk_tensor stored = {0};
    double *x;
    memset(t, 0, sizeof *t);
    int rc = wk_read_array_f64(path, &stored, &x);
    *f64 = NULL;
    if (rc) return rc;
    /* the float32 view as the float32 readers make it: (float)v, refused where v overflows it */
    if ((rc = wk_io_alloc_tensor(path, t, stored.ndim, stored.shape)) == WK_OK)
        for (int64_t i = 0; i < t->numel && !rc; i++)
            if (wk_io_put(t, NULL, i, x[i])) rc = wk_io_beyond_f32(path, t, i, x[i]);
    if (rc) {
        wk_tensor_free(t);
        wk_free(x);
        return rc;
    }
    *f64 = x;
    return WK_OK;
}

int wk_read_samples_f64(const char *path, wk_tensor *t, double **f64) {
    int rc = wk_read_array_both(path, t, f64);
    if (rc) return rc;
    if ((rc = shape_sample(path, t, f64)) != WK_OK) {
        wk_tensor_free(t);
        wk_free(*f64);
        *f64 = NULL;
    }
    return rc;
}

/* Whether a file's header says its samples are images (>= 3 stored dimensions: [N, H, W] or
 * [N, C, H, W], shape_sample); 0 when it cannot tell (the read that follows reports why). */
static int stored_images(const char *path) {
    wk_io_dtype dt;
    int nd = 0;
    if (wk_io_stored_dtype(path, &dt, &nd)) wk_clear_error(), nd = 0;
    return nd >= 3;
}

/* Concatenate comma-separated files with equal sample shapes; with f64 non-NULL also their
 * float64 values in the same order (*f64 NULL for images, which take one range for all values
 * and so need no float64 copy: the float32 values then serve). Images are known from the header before
 * any value is read, so an image file is read to float32 only (was: its first file converted to
 * float64 as well, 8 more bytes a value at the peak, then dropped). */
static int read_files(const char *list, wk_tensor *out, double **f64) {
    char paths[WK_GAN_STR];
    snprintf(paths, sizeof paths, "%s", list);
    wk_tensor all = {0};
    double *all64 = NULL;
    int rc = WK_OK, keep64 = f64 != NULL;
    for (char *save = NULL, *p = strtok_r(paths, ",", &save); p && rc == WK_OK; p = strtok_r(NULL, ",", &save)) {
        wk_tensor t;
        double *x64 = NULL;
        if (keep64 && stored_images(p)) { /* images: float32 only, from the first value on */
            keep64 = 0;
            wk_free(all64);
            all64 = NULL;
        }
        if ((rc = keep64 ? wk_read_samples_f64(p, &t, &x64) : wk_read_samples(p, &t))) break;
        if (keep64 && t.ndim > 2) { /* a guard: stored_images already caught every file whose samples
                                     * are images (one range for all values, the float32 ones do) */
            keep64 = 0;
            wk_free(x64), wk_free(all64);
            x64 = all64 = NULL;
        }
        if (t.shape[0] == 0) rc = wk_errorf(WK_EFORMAT, "%s: no samples", p);
        else if (!all.data) {
            all = t, all64 = x64;
            continue;
        } else if (t.ndim != all.ndim || memcmp(t.shape + 1, all.shape + 1, (size_t)(t.ndim - 1) * sizeof(int64_t))) {
            char a[64], b[64];
            rc = wk_errorf(WK_EFORMAT, "%s: samples shaped %s do not match the previous files' %s", p, wk_shape_str(&t, a, 64),
                           wk_shape_str(&all, b, 64));
        } else {
            wk_tensor c;
            int64_t shape[WK_MAX_DIMS];
            memcpy(shape, all.shape, sizeof shape);
            shape[0] += t.shape[0];
            if ((rc = wk_io_alloc_tensor(p, &c, all.ndim, shape)) == WK_OK) {
                memcpy(c.data, all.data, (size_t)all.numel * sizeof(float));
                memcpy(c.data + all.numel, t.data, (size_t)t.numel * sizeof(float));
                wk_tensor_free(&all);
                all = c;
            }
            if (!rc && keep64) {
                double *grown = wk_realloc(all64, (size_t)all.numel * sizeof(double));
                if (!grown) rc = wk_io_too_large(p, "its float64 values", (uint64_t)all.numel * sizeof(double));
                else memcpy((all64 = grown) + (all.numel - t.numel), x64, (size_t)t.numel * sizeof(double));
            }
        }
        wk_tensor_free(&t);
        wk_free(x64);
    }
    if (rc) {
        wk_tensor_free(&all);
        wk_free(all64);
    } else {
        *out = all;
        if (f64) *f64 = all64;
    }
    return rc;
}

/* A synthetic spec "NAME[:k=v,...]"; returns 0 when NAME is not a target (then it is a file). */
int wk_dataset_is_synthetic(const char *data) {
    wk_target_kind k;
    size_t n;
    int rc = wk_target_spec_kind(data, &k, &n) == WK_OK;
    wk_clear_error();
    return rc;
}

/* The target of a synthetic spec, parsed and initialised (errors start with the spec, as a
 * file's start with its path: a source adds nothing before it, source.c; was "--data SPEC", which
 * a source's message then repeated: "source 'ring:k=0': --data ring:k=0: ..."). */
static int synthetic_target(const char *data, wk_target *target) {
    wk_target_spec spec;
    int rc = wk_target_spec_parse(&spec, data, NULL, 0);
    if (rc == WK_OK) rc = wk_target_init(target, &spec);
    /* a means file too large for memory keeps its status (WK_ENOFIT: Python's MemoryError) */
    return rc ? wk_error_context(rc == WK_ENOFIT || rc == WK_ENOMEM ? rc : WK_EINVAL, "%s", data) : WK_OK;
}

int wk_dataset_check(const wk_gan_config *cfg) {
    if (wk_dataset_is_synthetic(cfg->data)) {
        wk_target t;
        int rc = synthetic_target(cfg->data, &t);
        if (!rc) wk_target_free(&t);
        return rc;
    }
    if (!cfg->data[0]) return wk_errorf(WK_EINVAL, "data: empty (a synthetic spec or data files)");
    char paths[WK_GAN_STR];
    snprintf(paths, sizeof paths, "%s", cfg->data);
    for (char *save = NULL, *p = strtok_r(paths, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        unsigned char *head;
        size_t got;
        int rc = wk_io_read_file(p, 16, &head, &got); /* opens it and reads the first (decompressed) bytes */
        if (rc) return wk_error_context(rc, "data");
        wk_free(head);
        if (got == 0) return wk_errorf(WK_EFORMAT, "data: %s: file is empty", p);
    }
    return WK_OK;
}

static int load_synthetic(const wk_gan_config *cfg, wk_dataset *ds) {
    int rc = synthetic_target(cfg->data, &ds->target);
    if (rc) return rc;
    ds->synthetic = 1;
    if ((rc = wk_data_scale_identity(&ds->scale))) return rc; /* a target is drawn in the generator's units */
    ds->ndim = 1;
    ds->shape[0] = ds->dim = ds->target.dim;
    /* Independent streams so that changing holdout or data_n does not change the other. */
    wk_rng rng;
    wk_rng_seed_stream(&rng, cfg->seed, WK_STREAM_SYNTHETIC_DATA);
    wk_rng r_hold = wk_rng_split(&rng), r_train = wk_rng_split(&rng);
    if ((rc = wk_target_alloc_samples(&ds->target, cfg->data, "holdout=", cfg->holdout, 0, &ds->holdout))) return rc;
    if ((rc = wk_target_sample(&ds->target, &r_hold, &ds->holdout))) return rc;
    if (cfg->data_n > 0) {
        if ((rc = wk_target_alloc_samples(&ds->target, cfg->data, "data_n=", cfg->data_n, 0, &ds->train))) return rc;
        if ((rc = wk_target_sample(&ds->target, &r_train, &ds->train))) return rc;
    }
    return WK_OK;
}

/* Min-max data that is one point trains on nothing (a W1 floor of 0, every row mapped to -1):
 * refused. (Per-column ranges on float64 keep any two distinct values of a column apart; other
 * scalings keep constant data, a deliberate test of the tool.) */
static int check_rows_differ(const char *data, const wk_tensor *x, double stored0) {
    int64_t n = x->shape[0], row = x->numel / n;
    for (int64_t i = 1; i < n; i++)
        if (memcmp(x->data, x->data + i * row, (size_t)row * sizeof(float))) return WK_OK;
    return wk_errorf(WK_EFORMAT, "%s: all %lld rows are the same point (every column constant; column 0 holds only %.17g): "
                                 "scale=minmax has no range to map", data, (long long)n, stored0);
}

void wk_dataset_file_order(uint64_t seed, int64_t n, int64_t *perm) {
    wk_rng rng;
    wk_rng_seed_stream(&rng, seed, WK_STREAM_FILE_ORDER);
    wk_rng_permutation(&rng, perm, n);
}

/* Row j of data becomes row perm[(j + n_hold) mod n] of it, cycle by cycle, in place: one row of
 * scratch (tmp) and one flag a row (done, any contents on entry) besides the data. */
static void permute_rows(void *data, int64_t n, size_t row_bytes, const int64_t *perm, int64_t n_hold, uint8_t *done, void *tmp) {
    char *d = data;
    memset(done, 0, (size_t)n);
    for (int64_t s0 = 0; s0 < n; s0++) {
        if (done[s0]) continue;
        memcpy(tmp, d + s0 * row_bytes, row_bytes);
        for (int64_t j = s0;;) {
            int64_t k = perm[(j + n_hold) % n];
            done[j] = 1;
            if (k == s0) {
                memcpy(d + j * row_bytes, tmp, row_bytes);
                break;
            }
            memcpy(d + j * row_bytes, d + k * row_bytes, row_bytes);
            j = k;
        }
    }
}

/* map: the run's stored scaling (other data compared with the run), or NULL to resolve
 * cfg->scale on this data (the run's own training data, at train time; with `redecide`, data
 * compared with a run whose checkpoint kept no map: the older rule, wk_data_scale_redecide). rows64 non-NULL: the
 * values as stored, unmapped and unchecked, with their float64 copy handed back in the rows'
 * final order (NULL for byte files and images) so that a later map needs no second read. */
static int load_files(const wk_gan_config *cfg, const wk_data_scale *map, int redecide, wk_dataset *ds, double **rows64) {
    wk_tensor all;
    /* point data is read in float64 and rounded to float32 only after the map (min-max is computed
     * on the unrounded values too), where the map's result is checked to fit float32
     * (wk_data_scale_apply; an identity map too: every file compared with a run is checked alike);
     * byte data is exact in float32 */
    double *f64 = NULL;
    /* byte files are read as float32 only (every byte is exact there) whatever map follows */
    int byte_file = (rows64 || !map || map->kind != WK_SCALE_U8) && wk_data_files_are_bytes(cfg->data);
    int bytes = (rows64 || (!map && cfg->scale == WK_SCALE_AUTO)) && byte_file;
    int want64 = !byte_file && (rows64 || (map ? map->kind != WK_SCALE_U8 : cfg->scale != WK_SCALE_U8));
    if (rows64) *rows64 = NULL;
    int rc = read_files(cfg->data, &all, want64 ? &f64 : NULL);
    if (rc) return rc;
    /* read_files hands back [N >= 1, sample...] (shape_sample: never 0-d); ds is described only
     * from such an array, so that its error path frees nothing but what was built */
    int64_t n = all.ndim >= 2 ? all.shape[0] : 0, row = n ? all.numel / n : 0;
    if (n < 2) rc = wk_errorf(WK_EFORMAT, "%s: need at least 2 samples, got %lld", cfg->data, (long long)n);
    else {
        ds->ndim = all.ndim - 1;
        memcpy(ds->shape, all.shape + 1, (size_t)ds->ndim * sizeof(int64_t));
        ds->dim = row;
        ds->is_image = ds->ndim == 3;
    }
    if (!rc) rc = map        ? wk_data_scale_copy(&ds->scale, map)
                  : redecide ? wk_data_scale_redecide(cfg->scale, &all, cfg->data, &ds->scale)
                             : wk_data_scale_resolve(cfg->scale, &all, f64, bytes, cfg->data, &ds->scale);
    const int compared = map || redecide; /* data compared with a run, not the run's own training data */
    const double stored0 = rc ? 0 : f64 ? f64[0] : all.data[0]; /* the file's value, for the message below */
    if (!rc) rc = wk_data_scale_apply(&ds->scale, &all, rows64 ? NULL : f64, cfg->data,
                                     compared ? WK_SPREAD_ADVICE_COMPARE : WK_SPREAD_ADVICE_TRAIN);
    if (!rc && !compared && ds->scale.kind == WK_SCALE_MINMAX) rc = check_rows_differ(cfg->data, &all, stored0);
    if (!(rows64 && f64)) { /* no float64 rows handed back: freed before the float32 rows are shuffled */
        wk_free(f64);
        f64 = NULL;
    }
    /* Shuffle once with the seed, then the first `holdout` samples are held out. Rows are
     * permuted in place (all[i] <- all[perm[(i + n_hold) mod n]], cycle by cycle) so that the
     * training rows come first and the held-out ones last: peak memory is one copy of the data,
     * not two (60,000 Fashion-MNIST images are 188 MB as floats); float64 rows handed back are
     * permuted the same way, in place (8 + 4 bytes a value at the peak, no third copy). */
    int64_t n_hold = cfg->holdout < n / 2 ? cfg->holdout : n / 2;
    size_t row_bytes = (size_t)row * (f64 ? sizeof(double) : sizeof(float));
    int64_t *perm = rc ? NULL : wk_malloc((size_t)n * sizeof *perm);
    uint8_t *done = rc ? NULL : wk_malloc((size_t)n);
    void *tmp = rc ? NULL : wk_malloc(row_bytes);
    if (!rc && (!perm || !done || !tmp))
        rc = wk_io_too_large(cfg->data, "shuffling the samples", (uint64_t)n * (sizeof *perm + 1) + row_bytes);
    if (!rc) wk_dataset_file_order(cfg->seed, n, perm);
    if (!rc && f64) {
        permute_rows(f64, n, (size_t)row * sizeof(double), perm, n_hold, done, tmp);
        *rows64 = f64; /* handed over: freed by the caller */
        f64 = NULL;
    }
    int64_t sh[WK_MAX_DIMS];
    memcpy(sh, all.shape, sizeof sh);
    sh[0] = n_hold;
    if (!rc) rc = wk_io_alloc_tensor(cfg->data, &ds->holdout, all.ndim, sh);
    if (!rc) permute_rows(all.data, n, (size_t)row * sizeof(float), perm, n_hold, done, tmp);
    wk_free(f64);
    wk_free(done);
    wk_free(tmp);
    wk_free(perm);
    if (rc == WK_OK) {
        memcpy(ds->holdout.data, all.data + (n - n_hold) * row, (size_t)(n_hold * row) * sizeof(float));
        ds->train = all;
        float *shrunk = wk_realloc(all.data, (size_t)((n - n_hold) * row) * sizeof(float));
        if (shrunk) ds->train.data = shrunk; /* else keep the larger block */
        sh[0] = n - n_hold;
        rc = wk_tensor_set_shape(&ds->train, all.ndim, sh);
    } else {
        wk_tensor_free(&all);
    }
    return rc;
}

static int load_dataset(const wk_gan_config *cfg, const wk_data_scale *map, int redecide, wk_dataset *ds, double **rows64);

int wk_dataset_load(const wk_gan_config *cfg, wk_dataset *ds) { return wk_dataset_load_scaled(cfg, NULL, ds); }

int wk_dataset_load_scaled(const wk_gan_config *cfg, const wk_data_scale *map, wk_dataset *ds) {
    return wk_dataset_load_stored(cfg, map, ds, NULL);
}

int wk_dataset_load_stored(const wk_gan_config *cfg, const wk_data_scale *map, wk_dataset *ds, double **rows64) {
    return load_dataset(cfg, map, 0, ds, rows64);
}

int wk_dataset_load_redecided(const wk_gan_config *cfg, wk_dataset *ds) { return load_dataset(cfg, NULL, 1, ds, NULL); }

static int load_dataset(const wk_gan_config *cfg, const wk_data_scale *map, int redecide, wk_dataset *ds, double **rows64) {
    memset(ds, 0, sizeof *ds);
    if (rows64) *rows64 = NULL; /* a target has none; the error path below frees it */
    int rc = wk_dataset_is_synthetic(cfg->data) ? load_synthetic(cfg, ds) : load_files(cfg, map, redecide, ds, rows64);
    if (rc && rows64) {
        wk_free(*rows64);
        *rows64 = NULL;
    }
    if (rc) wk_dataset_free(ds);
    else if (ds->train.data) { /* the data's fingerprint: shapes and values, train then held out */
        uint64_t h = 0;
        const wk_tensor *parts[2] = {&ds->train, &ds->holdout};
        for (int i = 0; i < 2; i++) {
            int64_t nd = parts[i]->ndim;
            h = wk_dist_hash(&nd, sizeof nd, h);
            h = wk_dist_hash(parts[i]->shape, (size_t)nd * sizeof(int64_t), h);
            if (parts[i]->data) h = wk_dist_hash(parts[i]->data, (size_t)parts[i]->numel * sizeof(float), h);
        }
        ds->fingerprint = h ? h : 1;
    }
    /* NaN/Inf in a data file is bad input like any other malformed content */
    return rc == WK_ENUMERIC ? WK_EFORMAT : rc;
}

void wk_dataset_free(wk_dataset *ds) {
    wk_tensor_free(&ds->train);
    wk_tensor_free(&ds->holdout);
    wk_data_scale_free(&ds->scale);
    if (ds->synthetic) wk_target_free(&ds->target);
    memset(ds, 0, sizeof *ds);
}
