/* synthetic.c — the seeded synthetic targets of data.h: parameters, modes and sampling.
 *
 * One table (fields[]) describes every parameter: its key, type, range, which targets use it
 * and its documentation; parsing, validation and --help text are all driven by it. */
#include "wgankit/data.h"
#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static const char *const kind_names[WK_TARGET_COUNT] = {"ring", "grid", "swissroll", "gmm",
                                                         "gaussian", "uniform-sphere", "mixture1d"};

#define BIT(k) (1u << (k))
typedef struct {
    const char *key;
    char type; /* 'i' int, 'd' double, 'u' uint64, 's' string */
    size_t offset;
    unsigned targets;
    double lo, hi;
} field;

static const field fields[] = {
    {"k", 'i', offsetof(wk_target_spec, k), BIT(WK_TARGET_RING) | BIT(WK_TARGET_GMM) | BIT(WK_TARGET_MIXTURE1D), 1, 100000},
    {"dim", 'i', offsetof(wk_target_spec, dim), BIT(WK_TARGET_GMM) | BIT(WK_TARGET_GAUSSIAN) | BIT(WK_TARGET_UNIFORM_SPHERE), 1, 1000000},
    {"radius", 'd', offsetof(wk_target_spec, radius), BIT(WK_TARGET_RING), 0, 1e6},
    {"sigma", 'd', offsetof(wk_target_spec, sigma),
     BIT(WK_TARGET_RING) | BIT(WK_TARGET_GRID) | BIT(WK_TARGET_GMM) | BIT(WK_TARGET_GAUSSIAN) | BIT(WK_TARGET_MIXTURE1D), 0, 1e6},
    {"scale", 'd', offsetof(wk_target_spec, scale),
     BIT(WK_TARGET_RING) | BIT(WK_TARGET_GRID) | BIT(WK_TARGET_SWISSROLL) | BIT(WK_TARGET_UNIFORM_SPHERE), 1e-12, 1e6},
    {"noise", 'd', offsetof(wk_target_spec, noise), BIT(WK_TARGET_SWISSROLL), 0, 1e6},
    {"mean", 'd', offsetof(wk_target_spec, mean), BIT(WK_TARGET_GAUSSIAN), -1e6, 1e6},
    {"spread", 'd', offsetof(wk_target_spec, spread), BIT(WK_TARGET_GMM), 0, 1e6},
    {"spacing", 'd', offsetof(wk_target_spec, spacing), BIT(WK_TARGET_MIXTURE1D), 0, 1e6},
    {"mode_seed", 'u', offsetof(wk_target_spec, mode_seed), BIT(WK_TARGET_GMM), 0, 0},
    {"means", 's', offsetof(wk_target_spec, means_file), BIT(WK_TARGET_GMM) | BIT(WK_TARGET_MIXTURE1D), 0, 0},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* The bit of key `key` in a spec's `given` mask (bit i: fields[i]). */
static uint32_t key_bit(const char *key) {
    for (size_t j = 0; j < N_FIELDS; j++)
        if (!strcmp(fields[j].key, key)) return (uint32_t)1 << j;
    return 0;
}

const char *wk_target_kind_name(wk_target_kind kind) {
    return (unsigned)kind < WK_TARGET_COUNT ? kind_names[kind] : "?";
}

int wk_target_kind_from_name(const char *name, wk_target_kind *out) {
    for (int k = 0; k < WK_TARGET_COUNT; k++)
        if (!strcmp(name, kind_names[k])) {
            *out = (wk_target_kind)k;
            return WK_OK;
        }
    return wk_errorf(WK_EINVAL, "unknown target '%s' (ring, grid, swissroll, gmm, gaussian, uniform-sphere, mixture1d)", name);
}

void wk_target_spec_default(wk_target_spec *s, wk_target_kind kind) {
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->dim = 2;
    s->scale = 1;
    switch (kind) {
    case WK_TARGET_RING: s->k = 8; s->radius = 2; s->sigma = 0.02; s->scale = 1 / 1.414; break;
    case WK_TARGET_GRID: s->k = 25; s->sigma = 0.05; s->scale = 1 / 2.828; break;
    case WK_TARGET_SWISSROLL: s->noise = 0.25; s->scale = 1 / 7.5; break;
    case WK_TARGET_GMM: s->k = 8; s->sigma = 0.05; s->spread = 4; s->mode_seed = 1; break;
    case WK_TARGET_GAUSSIAN: s->sigma = 1; break;
    case WK_TARGET_UNIFORM_SPHERE: s->dim = 3; break;
    case WK_TARGET_MIXTURE1D: s->dim = 1; s->k = 3; s->spacing = 2; s->sigma = 0.1; break;
    default: break;
    }
}

/* Print field f's value in spec s into buf. */
static void format_field(const field *f, const wk_target_spec *s, char *buf, size_t n) {
    const char *p = (const char *)s + f->offset;
    switch (f->type) {
    case 'i': snprintf(buf, n, "%d", *(const int *)p); break;
    case 'd': snprintf(buf, n, "%.6g", *(const double *)p); break;
    case 'u': snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)p); break;
    default: snprintf(buf, n, "%s", *p ? p : "FILE"); break;
    }
}

const char *wk_target_help(void) {
    static char text[2048];
    size_t off = 0;
    for (int k = 0; k < WK_TARGET_COUNT; k++) {
        wk_target_spec s;
        wk_target_spec_default(&s, (wk_target_kind)k);
        off += (size_t)snprintf(text + off, sizeof text - off, "  %-15s", kind_names[k]);
        for (size_t i = 0; i < N_FIELDS && off < sizeof text; i++) {
            if (!(fields[i].targets & BIT(k))) continue;
            char v[64];
            format_field(&fields[i], &s, v, sizeof v);
            off += (size_t)snprintf(text + off, sizeof text - off, " %s=%s", fields[i].key, v);
        }
        if (off < sizeof text) off += (size_t)snprintf(text + off, sizeof text - off, "\n");
    }
    return text;
}

static int set_field(wk_target_spec *s, const field *f, const char *key, const char *val) {
    char *p = (char *)s + f->offset, *end;
    const char *kind = kind_names[s->kind];
    errno = 0;
    if (f->type == 's') {
        if (strlen(val) >= sizeof s->means_file) return wk_errorf(WK_EINVAL, "%s: %s: path too long", kind, key);
        strcpy(p, val);
        return WK_OK;
    }
    if (f->type == 'u') {
        unsigned long long v = strtoull(val, &end, 10);
        if (errno || end == val || *end || val[0] == '-') return wk_errorf(WK_EINVAL, "%s: %s='%s' is not a non-negative integer", kind, key, val);
        *(uint64_t *)p = v;
        return WK_OK;
    }
    double v = strtod(val, &end);
    if (errno || end == val || *end || !isfinite(v) || v < f->lo || v > f->hi || (f->type == 'i' && v != floor(v)) || wk_io_hex_text(val))
        return wk_errorf(WK_EINVAL, "%s: %s='%s' is not %s in [%g, %g]", kind, key, val, f->type == 'i' ? "an integer" : "a number",
                         f->lo, f->hi);
    if (f->type == 'i') *(int *)p = (int)v;
    else *(double *)p = v;
    return WK_OK;
}

/* One "key=value" option of target `name` (kind) applied to s; errors name it. *set marks the
 * fields set so far (bit i: fields[i]), *inline_set those of the spec's own "NAME:..." part: a
 * key given twice in one part is refused (last-wins would silently drop one), and an option after
 * the spec may repeat the spec's key only with the same value (it must not silently override). */
static int apply_option(wk_target_spec *s, wk_target_kind kind, const char *name, const char *spec, const char *opt,
                        uint32_t *set, const uint32_t *inline_set) {
    const char *eq = strchr(opt, '=');
    if (!eq || eq == opt) return wk_errorf(WK_EINVAL, "%s: option '%s' is not key=value", name, opt);
    size_t klen = (size_t)(eq - opt);
    const field *f = NULL;
    for (size_t j = 0; j < N_FIELDS; j++)
        if (strlen(fields[j].key) == klen && !strncmp(fields[j].key, opt, klen) && (fields[j].targets & BIT(kind))) f = &fields[j];
    if (!f) {
        char valid[256] = "";
        for (size_t j = 0; j < N_FIELDS; j++)
            if (fields[j].targets & BIT(kind)) {
                strncat(valid, " ", sizeof valid - strlen(valid) - 1);
                strncat(valid, fields[j].key, sizeof valid - strlen(valid) - 1);
            }
        return wk_errorf(WK_EINVAL, "%s: unknown option '%.*s' (valid:%s)", name, (int)klen, opt, valid[0] ? valid : " none");
    }
    char key[32];
    snprintf(key, sizeof key, "%.*s", (int)klen, opt);
    const uint32_t bit = (uint32_t)1 << (f - fields);
    if (!(*set & bit)) {
        *set |= bit;
        return set_field(s, f, key, eq + 1);
    }
    if (!inline_set || !(*inline_set & bit)) return wk_errorf(WK_EINVAL, "%s: option '%s' given twice%s", spec, key, inline_set ? " (as key=value options)" : "");
    wk_target_spec was = *s; /* the spec's own value, kept unless the option says the same */
    int rc = set_field(s, f, key, eq + 1);
    if (rc == WK_OK && memcmp((char *)s + f->offset, (char *)&was + f->offset,
                              f->type == 's' ? sizeof s->means_file : f->type == 'i' ? sizeof(int) : 8)) {
        *s = was;
        rc = wk_errorf(WK_EINVAL, "%s: option %s contradicts the spec's own %s (give it once)", spec, opt, key);
    }
    return rc;
}

int wk_target_spec_kind(const char *spec, wk_target_kind *kind, size_t *name_len) {
    char name[WK_TARGET_NAME_MAX];
    size_t n = strcspn(spec, ":");
    *name_len = n;
    if (n >= sizeof name) return wk_target_kind_from_name(spec, kind); /* no target's name: the error names the spec */
    snprintf(name, sizeof name, "%.*s", (int)n, spec);
    return wk_target_kind_from_name(name, kind);
}

int wk_target_spec_parse(wk_target_spec *s, const char *spec, const char *const *opts, int n_opts) {
    /* "NAME:k=v,..." (the form --data, draw and the other sources take) is NAME with those
     * options, applied before opts: one parser, so `data gmm:k=3` means what `draw gmm:k=3` does */
    char name[WK_TARGET_NAME_MAX], inline_opts[1024];
    size_t n;
    wk_target_kind kind = WK_TARGET_RING;
    int rc = wk_target_spec_kind(spec, &kind, &n);
    if (rc != WK_OK) return rc;
    snprintf(name, sizeof name, "%.*s", (int)n, spec);
    wk_target_spec_default(s, kind);
    uint32_t set = 0, inline_set = 0;
    _Static_assert(N_FIELDS <= 32, "apply_option marks the fields set in a uint32_t");
    if (spec[n] == ':') {
        if (strlen(spec + n + 1) >= sizeof inline_opts) return wk_errorf(WK_EINVAL, "%s: options too long", spec);
        snprintf(inline_opts, sizeof inline_opts, "%s", spec + n + 1);
        for (char *save = NULL, *p = strtok_r(inline_opts, ",", &save); p; p = strtok_r(NULL, ",", &save))
            if ((rc = apply_option(s, kind, name, spec, p, &inline_set, NULL)) != WK_OK) return rc;
    }
    set = inline_set;
    for (int i = 0; i < n_opts; i++)
        if ((rc = apply_option(s, kind, name, spec, opts[i], &set, &inline_set)) != WK_OK) return rc;
    s->given = set;
    /* keys that only place the generated means do nothing once the means come from a file: a
     * user who gave one expects an effect, so it is refused rather than silently dropped (k=,
     * dim= and sigma= still mean something there: wk_target_init checks them against the file) */
    static const char *const placing[] = {"spread", "mode_seed", "spacing"};
    for (size_t j = 0; (set & key_bit("means")) && s->means_file[0] && j < N_FIELDS; j++)
        for (size_t i = 0; i < sizeof placing / sizeof placing[0]; i++)
            if ((set & ((uint32_t)1 << j)) && !strcmp(fields[j].key, placing[i])) {
                char v[64];
                format_field(&fields[j], s, v, sizeof v);
                return wk_errorf(WK_EINVAL,
                                 "%s: %s=%s has no effect with means=%s (it only places the %s means; a mode's std is "
                                 "sigma=): give one of them",
                                 spec, placing[i], v, s->means_file, kind == WK_TARGET_MIXTURE1D ? "evenly spaced" : "random");
            }
    return WK_OK;
}

/* ---- modes ---- */

void wk_target_free(wk_target *t) {
    wk_free(t->centres);
    wk_free(t->sigmas);
    wk_free(t->weights);
    memset(t, 0, sizeof *t);
}

static int alloc_modes(wk_target *t, int n_modes, int dim) {
    t->n_modes = n_modes;
    t->dim = dim;
    t->centres = wk_calloc((size_t)n_modes * (size_t)dim, sizeof(double));
    t->sigmas = wk_calloc((size_t)n_modes, sizeof(double));
    t->weights = wk_calloc((size_t)n_modes, sizeof(double));
    if (!t->centres || !t->sigmas || !t->weights) return wk_errorf(WK_ENOMEM, "target: out of memory for %d modes", n_modes);
    for (int m = 0; m < n_modes; m++) t->weights[m] = 1.0 / n_modes;
    return WK_OK;
}

/* Means from CSV (one row per mean), by the array readers' CSV rules (io/read_util.h: line
 * endings, header, comments, blank lines), in double precision; *rows and *cols report the
 * table's shape. */
/* Means as rows of any array file the one loader reads (io.h: NPY, CSV/text, IDX, .gz): an NPY
 * means file was parsed as CSV and refused with a quote error. */
static int read_means_rows(const char *path, double **out, int *rows, int *cols) {
    int64_t r, c;
    int rc = wk_read_points_f64(path, out, &r, &c);
    if (rc == WK_ENUMERIC) rc = WK_EFORMAT; /* a NaN/Inf mean is a malformed file (bad input), not a computation gone wrong */
    if (rc == WK_OK && (r > INT_MAX || c > INT_MAX)) {
        wk_free(*out);
        rc = wk_errorf(WK_EFORMAT, "%s: %lld means of %lld columns is too many", path, (long long)r, (long long)c);
    }
    if (rc != WK_OK) return rc;
    *rows = (int)r;
    *cols = (int)c;
    return WK_OK;
}

/* A JSON number array `a` of exactly n entries into dst; error names file and field. */
static int json_numbers(const char *path, const char *what, const wk_json *a, int n, double *dst) {
    if (!a || a->type != WK_JSON_ARRAY || (int)a->count != n)
        return wk_errorf(WK_EFORMAT, "%s: \"%s\" must be an array of %d numbers", path, what, n);
    for (int i = 0; i < n; i++) {
        if (a->items[i]->type != WK_JSON_NUMBER) return wk_errorf(WK_EFORMAT, "%s: \"%s\"[%d] is not a number", path, what, i);
        dst[i] = a->items[i]->number;
    }
    return WK_OK;
}

/* The keys a JSON means file may hold: any other is refused, as an NPY header's unknown key is
 * (a misspelt "weight" or "sigmas" silently ignored would sample another mixture). */
static int json_known_keys(const char *path, const wk_json *root) {
    static const char *const known[] = {"means", "sigma", "weights"};
    for (size_t i = 0; root->type == WK_JSON_OBJECT && i < root->count; i++) {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(root->keys[i], known[k])) k++;
        if (k == sizeof known / sizeof known[0])
            return wk_errorf(WK_EFORMAT, "%s: unknown key \"%s\" (a means file holds \"means\", \"sigma\" and \"weights\")", path,
                             root->keys[i]);
    }
    return WK_OK;
}

/* JSON: [[..], ..] or {"means": [[..], ..], "sigma": s | [..], "weights": [..]}. */
static int read_means_json(wk_target *t, const char *path, int want_dim) {
    wk_json *root;
    int rc = wk_json_parse_file(path, &root);
    if (rc != WK_OK) return rc;
    if ((rc = json_known_keys(path, root))) {
        wk_json_free(root);
        return rc;
    }
    const wk_json *means = root->type == WK_JSON_OBJECT ? wk_json_get(root, "means") : root;
    if (!means || means->type != WK_JSON_ARRAY || means->count == 0) {
        wk_json_free(root);
        return wk_errorf(WK_EFORMAT, "%s: expected a non-empty array of means (or an object with \"means\")", path);
    }
    const wk_json *m0 = means->items[0];
    int dim = m0->type == WK_JSON_ARRAY ? (int)m0->count : 1;
    if (dim == 0) rc = wk_errorf(WK_EFORMAT, "%s: means[0] has no coordinates: the file holds no means", path);
    else if (want_dim > 0 && dim != want_dim) rc = wk_errorf(WK_EFORMAT, "%s: means have %d coordinates, this target needs %d", path, dim, want_dim);
    if (rc == WK_OK) rc = alloc_modes(t, (int)means->count, dim);
    for (int m = 0; m < t->n_modes && rc == WK_OK; m++) {
        const wk_json *row = means->items[m];
        char what[32];
        snprintf(what, sizeof what, "means[%d]", m);
        if (row->type == WK_JSON_NUMBER && dim == 1) t->centres[m] = row->number;
        else rc = json_numbers(path, what, row, dim, t->centres + (size_t)m * dim);
    }
    const wk_json *sig = wk_json_get(root, "sigma"), *w = wk_json_get(root, "weights");
    for (int m = 0; m < t->n_modes; m++) t->sigmas[m] = t->spec.sigma;
    if (rc == WK_OK && sig && (t->spec.given & key_bit("sigma")))
        rc = wk_errorf(WK_EINVAL, "%s: sigma=%g and means=%s's own \"sigma\" both give the modes' std: give one of them",
                       kind_names[t->spec.kind], t->spec.sigma, path);
    if (rc == WK_OK && sig) {
        if (sig->type == WK_JSON_NUMBER) for (int m = 0; m < t->n_modes; m++) t->sigmas[m] = sig->number;
        else rc = json_numbers(path, "sigma", sig, t->n_modes, t->sigmas);
        /* held to the spec's own sigma= range (fields[]): 1e39 made every sample +-Inf, exit 0 */
        const field *f = &fields[0];
        while (strcmp(f->key, "sigma")) f++;
        for (int m = 0; m < t->n_modes && rc == WK_OK; m++)
            if (!(t->sigmas[m] >= f->lo && t->sigmas[m] <= f->hi)) {
                char at[24] = "";
                if (sig->type != WK_JSON_NUMBER) snprintf(at, sizeof at, "[%d]", m);
                rc = wk_errorf(WK_EFORMAT, "%s: \"sigma\"%s is %.17g, not in [%g, %g] (the range of the spec's sigma=)", path, at,
                               t->sigmas[m], f->lo, f->hi);
            }
    }
    if (rc == WK_OK && w) {
        /* scaled by the largest weight before summing: [1e308, 1e308] summed to Inf and every
         * weight became 0 (all samples from the last mode, exit 0) */
        double mx = 0, sum = 0;
        rc = json_numbers(path, "weights", w, t->n_modes, t->weights);
        for (int m = 0; m < t->n_modes && rc == WK_OK; m++) {
            const double v = t->weights[m];
            if (!isfinite(v) || v < 0)
                rc = wk_errorf(WK_EFORMAT, "%s: \"weights\"[%d] is %.17g (must be finite and >= 0)", path, m, v);
            else if (v > mx) mx = v;
        }
        if (rc == WK_OK && !(mx > 0)) rc = wk_errorf(WK_EFORMAT, "%s: weights sum to zero", path);
        for (int m = 0; m < t->n_modes && rc == WK_OK; m++) sum += t->weights[m] /= mx;
        for (int m = 0; m < t->n_modes && rc == WK_OK; m++) t->weights[m] /= sum;
    }
    wk_json_free(root);
    return rc;
}

/* The means file against the spec's explicit k= and dim= (spec.given): a disagreeing one is
 * refused naming both, since sampling the file's modes would silently drop what the user wrote. */
static int check_given_shape(const wk_target *t) {
    const wk_target_spec *s = &t->spec;
    const char *kind = kind_names[s->kind];
    if ((s->given & key_bit("k")) && s->k != t->n_modes)
        return wk_errorf(WK_EINVAL, "%s: k=%d but means=%s holds %d means (rows): make them agree or leave k= out", kind,
                         s->k, s->means_file, t->n_modes);
    if ((s->given & key_bit("dim")) && s->dim != t->dim)
        return wk_errorf(WK_EINVAL, "%s: dim=%d but means=%s holds means of %d coordinates (columns): make them agree or leave dim= out",
                         kind, s->dim, s->means_file, t->dim);
    return WK_OK;
}

/* Every mean within float32's range (the samples' type: a mean of 1e300 sampled +-Inf, exit 0),
 * naming the file and the entry; sigma <= 1e6 then keeps every sample finite too. */
static int check_means_f32(const wk_target *t, const char *path, int json) {
    for (int m = 0; m < t->n_modes; m++)
        for (int d = 0; d < t->dim; d++) {
            const double c = t->centres[(size_t)m * t->dim + d];
            if (fabs(c) <= FLT_MAX) continue;
            char at[64];
            if (json) snprintf(at, sizeof at, "\"means\"[%d][%d]", m, d);
            else snprintf(at, sizeof at, "mean %d (row %d, column %d)", m, m, d);
            return wk_errorf(WK_EFORMAT, "%s: %s is %.17g, beyond float32's range (the samples are float32)", path, at, c);
        }
    return WK_OK;
}

static int load_means(wk_target *t, int want_dim) {
    const char *path = t->spec.means_file;
    size_t n = strlen(path);
    if (n > 5 && !strcmp(path + n - 5, ".json")) {
        int rc = read_means_json(t, path, want_dim);
        if (!rc) rc = check_means_f32(t, path, 1);
        return rc ? rc : check_given_shape(t);
    }
    double *v;
    int rows, cols;
    int rc = read_means_rows(path, &v, &rows, &cols);
    if (rc != WK_OK) return rc;
    /* an empty array (shape (0,), (0, 0)) is no mixture: its "samples" were all 0, or the
     * allocation of no modes failed with no message */
    if (rows == 0 || cols == 0) rc = wk_errorf(WK_EFORMAT, "%s: holds no means (an empty array: want one row per mean)", path);
    else if (want_dim > 0 && cols != want_dim) rc = wk_errorf(WK_EFORMAT, "%s: means have %d columns, this target needs %d", path, cols, want_dim);
    if (rc == WK_OK) rc = alloc_modes(t, rows, cols);
    if (rc == WK_OK) {
        memcpy(t->centres, v, (size_t)rows * (size_t)cols * sizeof *v);
        for (int m = 0; m < rows; m++) t->sigmas[m] = t->spec.sigma;
        if (!(rc = check_means_f32(t, path, 0))) rc = check_given_shape(t);
    }
    wk_free(v);
    return rc;
}

int wk_target_init(wk_target *t, const wk_target_spec *spec) {
    memset(t, 0, sizeof *t);
    t->spec = *spec;
    const wk_target_spec *s = spec;
    int rc = WK_OK;
    switch (s->kind) {
    case WK_TARGET_RING:
        if ((rc = alloc_modes(t, s->k, 2)) != WK_OK) break;
        for (int m = 0; m < s->k; m++) {
            t->centres[2 * m] = s->scale * s->radius * cos(2 * PI * m / s->k);
            t->centres[2 * m + 1] = s->scale * s->radius * sin(2 * PI * m / s->k);
            t->sigmas[m] = s->scale * s->sigma;
        }
        break;
    case WK_TARGET_GRID:
        if ((rc = alloc_modes(t, 25, 2)) != WK_OK) break;
        for (int m = 0; m < 25; m++) {
            t->centres[2 * m] = s->scale * 2 * (m / 5 - 2);
            t->centres[2 * m + 1] = s->scale * 2 * (m % 5 - 2);
            t->sigmas[m] = s->scale * s->sigma;
        }
        break;
    case WK_TARGET_GMM:
    case WK_TARGET_MIXTURE1D: {
        int one_d = s->kind == WK_TARGET_MIXTURE1D;
        if (s->means_file[0]) {
            /* the file decides the modes: the target's spec says so too (k, dim as sampled) */
            if ((rc = load_means(t, one_d ? 1 : 0)) == WK_OK) t->spec.k = t->n_modes, t->spec.dim = t->dim;
            break;
        }
        if ((rc = alloc_modes(t, s->k, one_d ? 1 : s->dim)) != WK_OK) break;
        wk_rng mode_rng; /* means come from their own seed so that -seed only changes samples */
        wk_rng_seed(&mode_rng, s->mode_seed);
        for (int m = 0; m < s->k; m++) {
            t->sigmas[m] = s->sigma;
            if (one_d) t->centres[m] = s->spacing * (m - (s->k - 1) / 2.0);
            else
                for (int d = 0; d < s->dim; d++)
                    t->centres[(size_t)m * s->dim + d] = s->spread * (2 * wk_rng_uniform_d(&mode_rng) - 1);
        }
        break;
    }
    case WK_TARGET_SWISSROLL: t->dim = 2; break;
    case WK_TARGET_GAUSSIAN:
    case WK_TARGET_UNIFORM_SPHERE: t->dim = s->dim; break;
    default: rc = wk_errorf(WK_EINVAL, "target: unknown kind %d", (int)s->kind);
    }
    if (rc != WK_OK) wk_target_free(t);
    return rc;
}

/* Index of the mixture component for a uniform draw u in [0, 1). */
static int pick_mode(const wk_target *t, double u) {
    double c = 0;
    for (int m = 0; m < t->n_modes - 1; m++) {
        c += t->weights[m];
        if (u < c) return m;
    }
    return t->n_modes - 1;
}

/* "FLAG N samples of D values", the request as the messages name it ("data_n=N samples": a
 * `flag` such as "data_n=", a setting, has its value written next to it; "n =", "-n" a blank) */
static void samples_what(const wk_target *t, const char *flag, int64_t n, char *what, size_t cap) {
    const size_t l = strlen(flag);
    const int joined = l >= 2 && flag[l - 1] == '=' && flag[l - 2] != ' ';
    snprintf(what, cap, "%s%s%lld samples of %d values", flag, joined ? "" : " ", (long long)n, t->dim);
}

int wk_target_check_samples(const wk_target *t, const char *spec, const char *flag, int64_t n, uint64_t extra) {
    /* n <= 2^40 (Python; the CLI's 1e8) times an int dim: saturated, so no product wraps */
    const uint64_t values = (uint64_t)(n > 0 ? n : 0) * (uint64_t)t->dim, per = sizeof(float) + extra;
    char what[128];
    samples_what(t, flag, n, what, sizeof what);
    return wk_io_check_fits(spec, what, values > UINT64_MAX / per ? UINT64_MAX : values * per);
}

int wk_target_alloc_samples(const wk_target *t, const char *spec, const char *flag, int64_t n, uint64_t extra,
                            wk_tensor *out) {
    memset(out, 0, sizeof *out);
    int rc = wk_target_check_samples(t, spec, flag, n, extra);
    if (rc) return rc;
    rc = wk_tensor_alloc(out, 2, (int64_t[]){n, t->dim});
    if (rc != WK_ENOMEM) return rc;
    char what[128];
    samples_what(t, flag, n, what, sizeof what);
    return wk_io_too_large(spec, what, (uint64_t)n * (uint64_t)t->dim * sizeof(float));
}

int wk_target_sample(const wk_target *t, wk_rng *rng, wk_tensor *out) {
    const wk_target_spec *s = &t->spec;
    if (out->ndim != 2 || out->shape[1] != t->dim || out->device != WK_DEVICE_CPU) {
        char b[64];
        return wk_errorf(WK_EINVAL, "%s sample: output tensor %s is not [n, %d]", kind_names[s->kind], wk_shape_str(out, b, sizeof b), t->dim);
    }
    int64_t n = out->shape[0];
    int dim = t->dim;
    for (int64_t i = 0; i < n; i++) {
        float *x = out->data + i * dim;
        switch (s->kind) {
        case WK_TARGET_SWISSROLL: { /* sklearn.datasets.make_swiss_roll, columns (x, z) */
            double tt = 1.5 * PI * (1 + 2 * wk_rng_uniform_d(rng));
            x[0] = (float)(s->scale * (tt * cos(tt) + s->noise * wk_rng_normal_d(rng)));
            x[1] = (float)(s->scale * (tt * sin(tt) + s->noise * wk_rng_normal_d(rng)));
            break;
        }
        case WK_TARGET_GAUSSIAN:
            for (int d = 0; d < dim; d++) x[d] = (float)(s->mean + s->sigma * wk_rng_normal_d(rng));
            break;
        case WK_TARGET_UNIFORM_SPHERE: { /* a normalised Gaussian is uniform on the sphere */
            /* z / |z| in double, rounded to float once (dim = 1 gives exactly ±scale): the
             * norm first, then the same draws again from the saved generator state, so no
             * buffer of dim doubles is needed */
            double r2;
            wk_rng at;
            do {
                at = *rng, r2 = 0;
                for (int d = 0; d < dim; d++) {
                    double z = wk_rng_normal_d(rng);
                    r2 += z * z;
                }
            } while (r2 < 1e-20);
            double f = s->scale / sqrt(r2);
            for (int d = 0; d < dim; d++) x[d] = (float)(wk_rng_normal_d(&at) * f);
            break;
        }
        default: { /* mixtures: ring, grid, gmm, mixture1d */
            int m = pick_mode(t, wk_rng_uniform_d(rng));
            for (int d = 0; d < dim; d++)
                x[d] = (float)(t->centres[(size_t)m * dim + d] + t->sigmas[m] * wk_rng_normal_d(rng));
        }
        }
    }
    return WK_OK;
}
