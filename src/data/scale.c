/* scale.c — the scaling of a run's file data into the generator's units ([-1, 1], the range of
 * a tanh output): resolved ONCE from the run's training data when it trains, kept in the
 * checkpoint, and applied as stored to every later file compared with the run. Invariant: a
 * wk_data_scale is never "auto" (that choice is made here, on the training data, and only
 * there), so the same points give the same values whichever file they come from ("1" or "1.0").
 *
 * auto: bytes (x / 127.5 - 1) only for byte data — files stored as uint8 (NPY |u1, IDX 0x08,
 * CIFAR-10) or image-shaped samples — holding integers 0..255 above 1; an integer table of counts
 * or lattice points keeps its units. minmax: per column of point data, on the float64 values
 * before any float32 rounding, as sklearn's MinMaxScaler (feature_range (-1, 1); a constant
 * column goes to -1); images take one range for all their values (pixels share one scale). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/json.h"

void wk_data_scale_free(wk_data_scale *s) {
    if (!s) return;
    wk_free(s->mul);
    wk_free(s->add);
    memset(s, 0, sizeof *s);
}

static int scale_alloc(wk_data_scale *s, int kind, int64_t n) {
    memset(s, 0, sizeof *s);
    s->mul = wk_malloc((size_t)n * sizeof *s->mul);
    s->add = wk_malloc((size_t)n * sizeof *s->add);
    if (!s->mul || !s->add) {
        wk_data_scale_free(s);
        return wk_errorf(WK_ENOMEM, "data scaling: out of memory for %lld columns", (long long)n);
    }
    s->kind = kind;
    s->n = n;
    for (int64_t i = 0; i < n; i++) s->mul[i] = 1, s->add[i] = 0;
    return WK_OK;
}

int wk_data_scale_identity(wk_data_scale *s) { return scale_alloc(s, WK_SCALE_NONE, 1); }

const wk_data_scale *wk_data_scale_as_stored(void) {
    static double one = 1, zero = 0;
    static const wk_data_scale id = {.kind = WK_SCALE_NONE, .n = 1, .mul = &one, .add = &zero};
    return &id;
}

int wk_data_scale_copy(wk_data_scale *dst, const wk_data_scale *src) {
    int rc = scale_alloc(dst, src->kind, src->n);
    if (rc) return rc;
    memcpy(dst->mul, src->mul, (size_t)src->n * sizeof *dst->mul);
    memcpy(dst->add, src->add, (size_t)src->n * sizeof *dst->add);
    return WK_OK;
}

int wk_data_scale_is_identity(const wk_data_scale *s) {
    for (int64_t i = 0; i < s->n; i++)
        if (s->mul[i] != 1 || s->add[i] != 0) return 0;
    return 1;
}

/* After the map the model computes in float32. A column whose float64 values spread over less
 * than float32 resolves at their magnitude (points around 1e8 with spread 1: float32's step
 * there is 8) would merge into a few points: the rounding error of the column is kept under
 * 2^-10 of its spread (every column keeps >= 10 bits of its spread), else refused. A constant
 * column has no spread to lose, and neither has one whose spread is at most 2^-40 of its magnitude:
 * that is 2^12 float64 ulps at most (float64 holds 52 bits), the size of rounding noise from
 * decimal text ("0.3" next to 0.1 + 0.2 = 0.30000000000000004) or float64 arithmetic, and 2^16
 * times below the float32 step there (2^-24), so the column is one value to the model and to
 * float32 alike; a real spread around 1e8 (N(0, 1): 2^-24 of it) is 2^16 times above the bound. */
#define WK_F32_SPREAD_BITS 10
#define WK_F64_NOISE_BITS 40
static int check_spread(const wk_data_scale *s, const double *f64, const wk_tensor *x, int64_t row, const char *what,
                        const char *advice) {
    double *lo = wk_malloc((size_t)row * 3 * sizeof *lo);
    if (!lo) return wk_errorf(WK_ENOMEM, "%s: out of memory for %lld columns", what, (long long)row);
    double *hi = lo + row, *err = hi + row;
    for (int64_t c = 0; c < row; c++) lo[c] = INFINITY, hi[c] = -INFINITY, err[c] = 0;
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t c = i % row, m = s->n > 1 ? i % s->n : 0;
        double y = f64[i] * s->mul[m] + s->add[m], e = fabs((double)x->data[i] - y);
        lo[c] = y < lo[c] ? y : lo[c];
        hi[c] = y > hi[c] ? y : hi[c];
        err[c] = e > err[c] ? e : err[c];
    }
    int rc = WK_OK;
    for (int64_t c = 0; c < row && !rc; c++) {
        double spread = hi[c] - lo[c], mag = fmax(fabs(lo[c]), fabs(hi[c]));
        if (spread > ldexp(mag, -WK_F64_NOISE_BITS) && err[c] > ldexp(spread, -WK_F32_SPREAD_BITS)) {
            int64_t m = s->n > 1 ? c : 0;
            rc = wk_errorf(WK_EFORMAT, "%s: column %lld spans %.17g .. %.17g%s, a spread of %.3g that float32 (the precision it is used in) "
                           "cannot hold at that magnitude (its values would merge: rounding moves them by up to %.3g); %s",
                           what, (long long)c, (lo[c] - s->add[m]) / s->mul[m], (hi[c] - s->add[m]) / s->mul[m],
                           wk_data_scale_is_identity(s) ? "" : " (after the run's scaling)", spread, err[c],
                           wk_data_scale_is_identity(s) ? advice ? advice : WK_SPREAD_ADVICE_COMPARE
                                                        : "its values lie far outside the range of the run's training data");
        }
    }
    wk_free(lo);
    return rc;
}

int wk_data_scale_apply(const wk_data_scale *s, wk_tensor *x, const double *f64, const char *what, const char *advice) {
    int64_t N = x->ndim ? x->shape[0] : 0, row = N ? x->numel / N : 0;
    if (s->n > 1 && row != s->n)
        return wk_errorf(WK_EINVAL, "%s: rows of %lld values, but the run's scaling maps %lld columns", what, (long long)row,
                         (long long)s->n);
    if (!f64 && wk_data_scale_is_identity(s)) return WK_OK;
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t c = s->n > 1 ? i % s->n : 0;
        double v = f64 ? f64[i] : x->data[i], y = v * s->mul[c] + s->add[c];
        float f = (float)y;
        if (!isfinite(f))
            return wk_errorf(WK_EFORMAT, "%s: value %.17g (row %lld, column %lld) becomes %g under the run's scaling, beyond float32",
                             what, v, (long long)(i / row), (long long)(i % row), y);
        x->data[i] = f;
    }
    return f64 && row ? check_spread(s, f64, x, row, what, advice) : WK_OK;
}

void wk_data_scale_describe(const wk_data_scale *s, char *buf, size_t cap) {
    size_t o = 0;
    if (s->kind == WK_SCALE_NONE || wk_data_scale_is_identity(s)) {
        snprintf(buf, cap, "none (values as stored)");
        return;
    }
    if (s->n == 1) {
        snprintf(buf, cap, "%s: x * %.9g %+.9g", s->kind == WK_SCALE_U8 ? "bytes" : "min-max", s->mul[0], s->add[0]);
        return;
    }
    o += (size_t)snprintf(buf, cap, "min-max per column:");
    for (int64_t c = 0; c < s->n && c < 4 && o < cap; c++)
        o += (size_t)snprintf(buf + o, cap - o, "%s x%lld * %.9g %+.9g", c ? "," : "", (long long)c, s->mul[c], s->add[c]);
    if (s->n > 4 && o < cap) snprintf(buf + o, cap - o, ", ... (%lld columns)", (long long)s->n);
}

static const char *kind_name(int k) { return k == WK_SCALE_U8 ? "u8" : k == WK_SCALE_MINMAX ? "minmax" : "none"; }

void wk_data_scale_to_json(const wk_data_scale *s, wk_strbuf *sb) {
    wk_sb_printf(sb, "{");
    wk_json_key(sb, "scale");
    wk_json_string(sb, kind_name(s->kind));
    for (int k = 0; k < 2; k++) {
        const double *v = k ? s->add : s->mul;
        wk_json_key(sb, k ? "add" : "mul");
        wk_sb_printf(sb, "[");
        for (int64_t i = 0; i < s->n; i++) {
            wk_json_sep(sb);
            wk_json_double(sb, v[i]);
        }
        wk_sb_printf(sb, "]");
    }
    wk_sb_printf(sb, "}");
}

/* The kind a kept map names must be the map its numbers apply: every command describes the map
 * by its kind ("none (values as stored)", "bytes: ...") and applies the numbers, so a damaged or
 * hand-edited checkpoint whose kind and numbers disagree would apply one map while naming
 * another. none is the identity, u8 exactly x / 127.5 - 1 (the numbers resolve() writes, which
 * the %.17g JSON round-trips exactly), one entry each; minmax maps a finite, nonzero span
 * [lo, lo + 2 / mul] of each column onto [-1, 1]. */
static int check_kind_numbers(const wk_data_scale *s, const char *path) {
    if (s->kind != WK_SCALE_MINMAX) {
        double mul = s->kind == WK_SCALE_U8 ? 1.0 / 127.5 : 1, add = s->kind == WK_SCALE_U8 ? -1 : 0;
        if (s->n != 1 || s->mul[0] != mul || s->add[0] != add)
            return wk_errorf(WK_EFORMAT, "%s: metadata wgankit.data_scale: scale %s needs mul [%.17g], add [%.17g] (%s), not %lld entries "
                             "mul [%.17g%s], add [%.17g%s]",
                             path, kind_name(s->kind), mul, add, s->kind == WK_SCALE_U8 ? "bytes: x / 127.5 - 1" : "values as stored",
                             (long long)s->n, s->mul[0], s->n > 1 ? ", ..." : "", s->add[0], s->n > 1 ? ", ..." : "");
        return WK_OK;
    }
    for (int64_t c = 0; c < s->n; c++) {
        double span = 2 / fabs(s->mul[c]), lo = (-1 - s->add[c]) / s->mul[c];
        if (!isfinite(span) || !isfinite(lo) || !isfinite(lo + span))
            return wk_errorf(WK_EFORMAT, "%s: metadata wgankit.data_scale: scale minmax column %lld (mul %.17g, add %.17g) maps no "
                             "finite range of values onto [-1, 1]",
                             path, (long long)c, s->mul[c], s->add[c]);
    }
    return WK_OK;
}

int wk_data_scale_from_json(const char *text, const char *path, wk_data_scale *out) {
    wk_json *root = NULL;
    memset(out, 0, sizeof *out);
    int rc = wk_json_parse(text, strlen(text), path, &root);
    if (rc) return wk_error_context(WK_EFORMAT, "%s: metadata wgankit.data_scale", path);
    const wk_json *k = wk_json_get(root, "scale"), *m = wk_json_get(root, "mul"), *a = wk_json_get(root, "add");
    int kind = !k || k->type != WK_JSON_STRING ? -1
               : !strcmp(k->string, "none") ? WK_SCALE_NONE
               : !strcmp(k->string, "u8")   ? WK_SCALE_U8
               : !strcmp(k->string, "minmax") ? WK_SCALE_MINMAX : -1;
    if (kind < 0 || !m || !a || m->type != WK_JSON_ARRAY || a->type != WK_JSON_ARRAY || m->count != a->count || !m->count)
        rc = wk_errorf(WK_EFORMAT, "%s: metadata wgankit.data_scale is not {\"scale\": none|u8|minmax, \"mul\": [...], \"add\": [...]} "
                                   "with arrays of one length >= 1", path);
    if (!rc) rc = scale_alloc(out, kind, (int64_t)m->count);
    for (size_t i = 0; !rc && i < m->count; i++) {
        const wk_json *x = wk_json_at(m, i), *y = wk_json_at(a, i);
        if (!x || !y || x->type != WK_JSON_NUMBER || y->type != WK_JSON_NUMBER || !isfinite(x->number) || !isfinite(y->number) ||
            x->number == 0)
            rc = wk_errorf(WK_EFORMAT, "%s: metadata wgankit.data_scale: entry %zu of mul/add is not a finite number (mul nonzero)", path,
                           i);
        else out->mul[i] = x->number, out->add[i] = y->number;
    }
    if (!rc) rc = check_kind_numbers(out, path);
    if (rc) wk_data_scale_free(out);
    wk_json_free(root);
    return rc;
}

int wk_data_scale_resolve(wk_scale_kind kind, const wk_tensor *x, const double *f64, int bytes, const char *what,
                          wk_data_scale *out) {
    int64_t N = x->ndim ? x->shape[0] : 0, row = N ? x->numel / N : 1;
    int image = x->ndim > 2; /* [N, C, H, W]: pixels share one scale */
    memset(out, 0, sizeof *out);
    if (kind == WK_SCALE_AUTO) {
        double lo = INFINITY, hi = -INFINITY;
        int integral = 1;
        for (int64_t i = 0; i < x->numel; i++) {
            double v = f64 ? f64[i] : x->data[i];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            if (v != floor(v)) integral = 0;
        }
        kind = (bytes || image) && integral && lo >= 0 && hi <= 255 && hi > 1 ? WK_SCALE_U8 : WK_SCALE_NONE;
    }
    if (kind == WK_SCALE_NONE) return wk_data_scale_identity(out);
    int rc = scale_alloc(out, kind, kind == WK_SCALE_MINMAX && !image ? row : 1);
    if (rc) return wk_error_context(rc, "%s", what);
    if (kind == WK_SCALE_U8) {
        out->mul[0] = 1.0 / 127.5, out->add[0] = -1;
        return WK_OK;
    }
    /* min-max: the range of each column over every row, in float64 */
    for (int64_t c = 0; c < out->n; c++) out->mul[c] = INFINITY, out->add[c] = -INFINITY; /* lo, hi while scanning */
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t c = out->n > 1 ? i % out->n : 0;
        double v = f64 ? f64[i] : x->data[i];
        if (v < out->mul[c]) out->mul[c] = v;
        if (v > out->add[c]) out->add[c] = v;
    }
    for (int64_t c = 0; c < out->n; c++) {
        double lo = out->mul[c], range = out->add[c] - lo;
        if (isinf(range)) { /* -1e308 .. 1e308: a map of finite numbers cannot hold that span */
            const double hi = out->add[c];
            wk_data_scale_free(out);
            return wk_errorf(WK_EINVAL, "%s: scale=minmax: column %lld spans %.17g .. %.17g, a range beyond float64's; "
                             "scale the data down first", what, (long long)c, lo, hi);
        }
        if (!(range > 0)) range = 1; /* sklearn's handling of a constant feature: it maps to -1 */
        out->mul[c] = 2 / range;
        out->add[c] = -1 - lo * out->mul[c];
    }
    return WK_OK;
}

/* The one rule for a checkpoint written before runs kept their scaling (critic --input, nnd and
 * birthday FILE vs gen:RUN, data:RUN, eval --data, Python sources): the run's --scale resolved on
 * the file itself as wgankit then resolved it at train time (before 960384d, wk_dataset_scale):
 * on the float32 values, one range over all values, and auto bytes for any integers 0..255
 * reaching above 1 whatever the file's type (a 0..3 integer CSV included). The run trained on its
 * data mapped that way, so this is the map its networks saw; every command re-deciding through
 * here maps one file one way. */
int wk_data_scale_redecide(wk_scale_kind kind, const wk_tensor *x, const char *what, wk_data_scale *out) {
    int constant = 1; /* that rule's min-max left constant data as it was (hi > lo or no map) */
    for (int64_t i = 1; i < x->numel && constant; i++) constant = x->data[i] == x->data[0];
    if (kind == WK_SCALE_MINMAX && constant) return wk_data_scale_identity(out);
    wk_tensor flat = *x;
    flat.ndim = 2, flat.shape[0] = x->numel, flat.shape[1] = 1; /* one range over all values */
    return wk_data_scale_resolve(kind, &flat, NULL, 1, what, out);
}

int wk_data_files_are_bytes(const char *list) {
    char paths[WK_GAN_STR];
    snprintf(paths, sizeof paths, "%s", list);
    for (char *save = NULL, *p = strtok_r(paths, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        wk_io_dtype dt; /* as the reader that will read the file parses its header */
        if (wk_io_stored_dtype(p, &dt, NULL)) { /* the data load that follows reports it */
            wk_clear_error();
            return 0;
        }
        if (dt != WK_IO_DT_U8) return 0;
    }
    return 1;
}
