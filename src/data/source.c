/* source.c — the source parser and sampler of source.h. Files and synthetic targets are loaded
 * through wk_dataset_load (so a source file reads exactly as --data does, NaN/Inf and empty
 * files refused alike) with no scaling and no held-out split; generators through
 * wk_trainer_load. Invariant: s->ndim/shape/dim describe every draw of the source; a file's
 * rows are as stored (scale empty) unless wk_source_match_units mapped them into a
 * generator's units (from the float64 rows64 the file was read with or an array came with: the
 * file is read once), or the source is data:RUN (the run's scaling). A file used as stored is
 * float32 rows the float32 spread check has passed (wk_source_check_stored: at open when no map
 * can follow, else at the first draw or wk_source_match_units); with draw64 its float64 rows stay
 * for wk_source_draw64 (birthday's exact closest pairs). */
#include <stdio.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/source.h"

const char *wk_source_kind_name(wk_source_kind k) {
    return k == WK_SOURCE_FILE ? "file" : k == WK_SOURCE_TARGET ? "target" : "generator";
}

/* The failure of opening source `spec`, said once: a message that already starts with the
 * spec (a file's reader names its path) is kept as it is, any other gets "source 'SPEC': " in
 * front (was: "source 'x.bin': x.bin: ...", and the CLI's "SOURCE: " before that). */
static int source_context(int rc, const char *spec) {
    const char *m = wk_last_error();
    const size_t n = strlen(spec);
    if (!strncmp(m, spec, n) && m[n] == ':') return rc;
    return wk_error_context(rc, "source '%s'", spec);
}

/* The checkpoint of gen:WHERE and data:WHERE: WHERE itself when a .safetensors file, else its
 * run directory's checkpoint.safetensors. */
static int checkpoint_path(const wk_source *s, const char *where, char *path, size_t cap) {
    if (!*where) return wk_errorf(WK_EINVAL, "source '%s': gen: needs a run directory or a .safetensors checkpoint", s->spec);
    if (wk_str_ends_with(where, ".safetensors")) snprintf(path, cap, "%s", where);
    else snprintf(path, cap, "%s/checkpoint.safetensors", where);
    return WK_OK;
}

static int open_generator(wk_source *s, const char *where) {
    char path[1100];
    int rc = checkpoint_path(s, where, path, sizeof path);
    if (rc) return rc;
    rc = wk_trainer_load(path, &s->gen);
    if (rc) return source_context(rc, s->spec);
    wk_tensor one;
    /* the sample shape is whatever the generator emits: ask it for one draw */
    if ((rc = wk_trainer_sample(s->gen, NULL, 1, 0, 1, &one))) return source_context(rc, s->spec);
    s->ndim = one.ndim - 1;
    memcpy(s->shape, one.shape + 1, (size_t)s->ndim * sizeof(int64_t));
    wk_tensor_free(&one);
    s->kind = WK_SOURCE_GENERATOR;
    return WK_OK;
}

/* cfg->data through wk_dataset_load with cfg's scaling (the run's kept map when given), every
 * row kept (no held-out split). Without a run: s->spec as stored, with its float64 values kept
 * in s->rows64 (point data) for wk_source_match_units when keep64 (else freed right after the read). */
static int open_dataset(wk_source *s, const wk_gan_config *run, const wk_data_scale *map, int keep64) {
    wk_gan_config cfg;
    if (run) cfg = *run;
    else {
        wk_gan_config_default(&cfg);
        snprintf(cfg.data, sizeof cfg.data, "%s", s->spec);
        cfg.scale = WK_SCALE_NONE;
        map = wk_data_scale_as_stored();
    }
    cfg.holdout = 0;
    cfg.data_n = 0;
    wk_dataset ds;
    /* a run whose checkpoint kept no map (older): its data re-decided by the one older rule */
    int rc = run && !map ? wk_dataset_load_redecided(&cfg, &ds) : wk_dataset_load_stored(&cfg, map, &ds, run ? NULL : &s->rows64);
    if (rc) return source_context(rc, s->spec);
    s->ndim = ds.ndim;
    memcpy(s->shape, ds.shape, sizeof s->shape);
    if (ds.synthetic) {
        s->kind = WK_SOURCE_TARGET;
        s->target = ds.target; /* taken over: the dataset's copy is not freed below */
        ds.synthetic = 0;
    } else {
        s->kind = WK_SOURCE_FILE;
        s->rows = ds.train; /* holdout 0: every row */
        if (run) s->run_units = 1;
        memset(&ds.train, 0, sizeof ds.train);
    }
    wk_dataset_free(&ds);
    if (!keep64) { /* no map follows: used as stored, so checked now, then its float64 copy dropped */
        rc = wk_source_check_stored(s);
        wk_free(s->rows64);
        s->rows64 = NULL;
        if (rc) return rc;
    }
    return WK_OK;
}

int wk_source_check_stored(wk_source *s) {
    if (s->kind != WK_SOURCE_FILE || s->run_units || s->stored_checked || !s->rows64) return WK_OK;
    /* the float32 rows are rewritten from rows64 (the same values) and each column's rounding
     * compared with its spread: a file that float32 collapses is not measured as if it were one
     * point (nnd, generalization and birthday once printed 0 for 600 distinct points near 1e-50) */
    int rc = wk_data_scale_apply(wk_data_scale_as_stored(), &s->rows, s->rows64, s->spec, WK_SPREAD_ADVICE_STORED);
    if (rc) return rc;
    s->stored_checked = 1;
    return WK_OK;
}

/* after an open: close on failure, else the flat dimension */
static int finish_open(wk_source *s, int rc) {
    if (rc) {
        wk_source_close(s);
        return rc;
    }
    s->dim = 1;
    for (int i = 0; i < s->ndim; i++) s->dim *= s->shape[i];
    return WK_OK;
}

/* data:RUN: the run's data as training scaled it (its settings from the checkpoint; its
 * networks are not needed) */
static int open_run_data(wk_source *s, const char *where) {
    char path[1100], spec[sizeof s->spec];
    int rc = checkpoint_path(s, where, path, sizeof path);
    if (rc) return rc;
    wk_checkpoint ck; /* one read: its config and kept scaling, not its tensors */
    if ((rc = wk_checkpoint_read(path, WK_CHECKPOINT_SETTINGS, &ck))) return source_context(rc, s->spec);
    memcpy(spec, s->spec, sizeof spec);
    rc = wk_source_open_run_data(s, &ck.cfg, ck.scale.n ? &ck.scale : NULL);
    wk_checkpoint_free(&ck);
    memcpy(s->spec, spec, sizeof spec);
    return rc ? source_context(rc, spec) : WK_OK;
}

int wk_source_open(wk_source *s, const char *spec) { return wk_source_open_keep(s, spec, 1); }

int wk_source_open_compared(wk_source *s, const char *spec, const char *other) {
    return wk_source_open_keep(s, spec, other && !strncmp(other, "gen:", 4));
}

int wk_source_open_keep(wk_source *s, const char *spec, int keep64) {
    memset(s, 0, sizeof *s);
    if (!spec || !*spec) return wk_errorf(WK_EINVAL, "source: empty (a file, a target such as ring, gen:RUN_DIR or data:RUN_DIR)");
    if (strlen(spec) >= sizeof s->spec) return wk_errorf(WK_EINVAL, "source: longer than %zu characters", sizeof s->spec - 1);
    strcpy(s->spec, spec);
    if (!strncmp(spec, "data:", 5)) {
        int rc = open_run_data(s, spec + 5);
        if (rc) wk_source_close(s);
        return rc;
    }
    return finish_open(s, !strncmp(spec, "gen:", 4) ? open_generator(s, spec + 4) : open_dataset(s, NULL, NULL, keep64));
}

int wk_source_open_run_data(wk_source *s, const wk_gan_config *run, const wk_data_scale *map) {
    memset(s, 0, sizeof *s);
    snprintf(s->spec, sizeof s->spec, "%s", run->data);
    return finish_open(s, open_dataset(s, run, map, 0));
}

int wk_source_from_rows(wk_source *s, const char *name, const wk_tensor *rows) { return wk_source_from_rows_f64(s, name, rows, NULL); }

int wk_source_from_rows_f64(wk_source *s, const char *name, const wk_tensor *rows, const double *f64) {
    memset(s, 0, sizeof *s);
    s->from_rows = 1;
    snprintf(s->spec, sizeof s->spec, "%s", name);
    if (rows->ndim < 2)
        return wk_errorf(WK_EINVAL, "source '%s': rows must be shaped [n >= 2, ...], got %d dimensions", name, rows->ndim);
    /* a finite sample needs 2 rows, as the same rows saved as a file (files.c's open_dataset):
     * an array and its .npy are one source (was: one row accepted here, refused as a file) */
    if (rows->shape[0] < 2)
        return wk_errorf(WK_EINVAL, "source '%s': need at least 2 samples, got %lld", name, (long long)rows->shape[0]);
    s->kind = WK_SOURCE_FILE;
    s->ndim = rows->ndim - 1;
    for (int i = 1; i < rows->ndim; i++) s->shape[i - 1] = rows->shape[i];
    /* the row order a file of the same rows gets (open_dataset, default seed), so that an array
     * and the array saved as a file are the same source and give the same draws */
    int64_t n = rows->shape[0], dim = rows->numel / n;
    int64_t *perm = wk_malloc((size_t)n * sizeof *perm);
    int rc = perm ? wk_tensor_alloc(&s->rows, rows->ndim, rows->shape) : WK_ENOMEM;
    if (!rc && f64 && !(s->rows64 = wk_malloc((size_t)rows->numel * sizeof(double)))) rc = WK_ENOMEM;
    if (!rc) {
        wk_gan_config def;
        wk_gan_config_default(&def);
        wk_dataset_file_order(def.seed, n, perm);
        for (int64_t i = 0; i < n; i++) {
            memcpy(s->rows.data + i * dim, rows->data + perm[i] * dim, (size_t)dim * sizeof(float));
            if (f64) memcpy(s->rows64 + i * dim, f64 + perm[i] * dim, (size_t)dim * sizeof(double));
        }
    }
    wk_free(perm);
    if (!rc) rc = wk_tensor_check_finite(&s->rows, name);
    return finish_open(s, rc);
}

void wk_source_close(wk_source *s) {
    if (!s) return;
    wk_tensor_free(&s->rows);
    wk_free(s->rows64);
    if (s->kind == WK_SOURCE_TARGET) wk_target_free(&s->target);
    if (s->gen) wk_trainer_free(s->gen);
    wk_data_scale_free(&s->scale);
    memset(s, 0, sizeof *s);
}

int wk_source_is_population(const wk_source *s) { return s->kind != WK_SOURCE_FILE; }

int64_t wk_source_size(const wk_source *s) { return s->kind == WK_SOURCE_FILE ? s->rows.shape[0] : -1; }

static int alloc_draw(const wk_source *s, int64_t n, wk_tensor *out) {
    int64_t shape[WK_MAX_DIMS];
    shape[0] = n;
    memcpy(shape + 1, s->shape, (size_t)s->ndim * sizeof(int64_t));
    return wk_tensor_alloc(out, s->ndim + 1, shape);
}

static int draw_population(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out) {
    if (s->kind == WK_SOURCE_GENERATOR) return wk_trainer_sample(s->gen, NULL, n, wk_rng_u64(rng), 1, out);
    int rc = wk_target_alloc_samples(&s->target, s->spec, "a draw of", n, 0, out);
    if (rc == WK_OK && (rc = wk_target_sample(&s->target, rng, out))) wk_tensor_free(out);
    return rc;
}

int wk_source_draw(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out) { return wk_source_draw64(s, n, rng, out, NULL); }

int wk_source_draw64(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out, double **x64) {
    memset(out, 0, sizeof *out);
    if (x64) *x64 = NULL;
    if (n < 1) return wk_errorf(WK_EINVAL, "source '%s': %lld draws requested (need >= 1)", s->spec, (long long)n);
    if (s->kind != WK_SOURCE_FILE) return draw_population(s, n, rng, out);
    int64_t N = s->rows.shape[0];
    if (n > N)
        return wk_errorf(WK_EINVAL, "source '%s': %lld distinct rows requested but the file has %lld", s->spec, (long long)n,
                         (long long)N);
    /* the float32 spread check guards distances measured on the float32 rows; a caller given the
     * float64 rows (birthday in the input space) measures on those, so a file float32 would merge
     * (GPS-like 45.000..45.001) is measured, not refused */
    int rc = x64 && s->rows64 ? WK_OK : wk_source_check_stored(s);
    if (rc) return rc;
    rc = alloc_draw(s, n, out);
    int64_t *idx = rc ? NULL : wk_malloc((size_t)N * sizeof *idx);
    double *d = idx && x64 && s->rows64 ? wk_malloc((size_t)(n * s->dim) * sizeof *d) : NULL;
    if (!idx || (x64 && s->rows64 && !d)) {
        wk_free(idx);
        wk_tensor_free(out);
        return rc ? rc : WK_ENOMEM;
    }
    /* partial Fisher–Yates: the first n entries are a uniform n-subset in uniform order */
    for (int64_t i = 0; i < N; i++) idx[i] = i;
    for (int64_t i = 0; i < n; i++) {
        int64_t j = i + (int64_t)wk_rng_below(rng, (uint64_t)(N - i)), t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        memcpy(out->data + i * s->dim, s->rows.data + idx[i] * s->dim, (size_t)s->dim * sizeof(float));
        if (d) memcpy(d + i * s->dim, s->rows64 + idx[i] * s->dim, (size_t)s->dim * sizeof(double));
    }
    wk_free(idx);
    if (x64) *x64 = d;
    return WK_OK;
}

int wk_source_draw_replace(wk_source *s, int64_t n, wk_rng *rng, wk_tensor *out) {
    memset(out, 0, sizeof *out);
    if (n < 1) return wk_errorf(WK_EINVAL, "source '%s': %lld draws requested (need >= 1)", s->spec, (long long)n);
    if (s->kind != WK_SOURCE_FILE) return draw_population(s, n, rng, out);
    int rc = wk_source_check_stored(s);
    if (rc || (rc = alloc_draw(s, n, out))) return rc;
    for (int64_t i = 0; i < n; i++)
        memcpy(out->data + i * s->dim, s->rows.data + (int64_t)wk_rng_below(rng, (uint64_t)s->rows.shape[0]) * s->dim,
               (size_t)s->dim * sizeof(float));
    return WK_OK;
}

int wk_source_check_compatible(const wk_source *a, const wk_source *b) {
    if (a->ndim == b->ndim && !memcmp(a->shape, b->shape, (size_t)a->ndim * sizeof(int64_t))) return WK_OK;
    char sa[64], sb[64];
    return wk_errorf(WK_EINVAL, "sources of different dimension: '%s' draws samples shaped %s but '%s' draws %s", a->spec,
                     wk_gan_sample_shape_str(a->ndim, a->shape, sa, sizeof sa), b->spec,
                     wk_gan_sample_shape_str(b->ndim, b->shape, sb, sizeof sb));
}

int wk_source_run_scale(const struct wk_trainer *gen, const wk_tensor *x, const char *what, wk_data_scale *out, int *guessed) {
    const wk_data_scale *map = wk_trainer_data_scale(gen);
    *guessed = !map;
    if (map) return wk_data_scale_copy(out, map);
    /* an older checkpoint: its run's map is unknown, so the rule wgankit applied then */
    return wk_data_scale_redecide(wk_trainer_config(gen)->scale, x, what, out);
}

int wk_source_match_units(wk_source *a, wk_source *b) {
    int rc = wk_source_check_compatible(a, b);
    if (rc) return rc;
    wk_source *file = a->kind == WK_SOURCE_FILE ? a : b, *gen = a->kind == WK_SOURCE_GENERATOR ? a : b;
    if (file->kind != WK_SOURCE_FILE || gen->kind != WK_SOURCE_GENERATOR || file->run_units) {
        for (int k = 0; k < 2; k++) { /* nothing maps them: used as stored (checked), float64 copies not needed */
            wk_source *s = k ? b : a;
            if ((rc = wk_source_check_stored(s))) return rc;
            if (s->draw64) continue;
            wk_free(s->rows64);
            s->rows64 = NULL;
        }
        return WK_OK;
    }
    /* the one mapping of a data file into a run's units: the run's own resolved scaling */
    if ((rc = wk_source_run_scale(gen->gen, &file->rows, file->spec, &file->scale, &file->scale_guessed))) return rc;
    /* mapped from the float64 values the file was read with or the array came with (a float32
     * value of 1e8 + 1 is 1e8), and checked to fit float32 after the map, an identity map too */
    if ((rc = wk_data_scale_apply(&file->scale, &file->rows, file->rows64, file->spec, WK_SPREAD_ADVICE_COMPARE))) return rc;
    wk_free(file->rows64);
    file->rows64 = NULL;
    file->run_units = 1;
    return WK_OK;
}
