/* safetensors.c — write and validate-then-read the safetensors checkpoint layout
 * (see safetensors.h; format spec: github.com/huggingface/safetensors, README "Format"). */
#include "wgankit/safetensors.h"
#include "io/read_util.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; a big-endian port needs byte swapping here"
#endif

/* The reference implementation refuses headers above 100 MB; so do we, before allocating. */
#define ST_MAX_HEADER (100u * 1000 * 1000)
#define ST_METADATA_KEY "__metadata__"

static const struct {
    const char *name;
    size_t size;
} dtypes[] = {[WK_ST_F32] = {"F32", 4}, [WK_ST_I64] = {"I64", 8}, [WK_ST_U8] = {"U8", 1}};
#define N_DTYPES (sizeof dtypes / sizeof dtypes[0])

const char *wk_st_dtype_name(wk_st_dtype d) { return (unsigned)d < N_DTYPES ? dtypes[d].name : "?"; }

wk_st_tensor wk_st_from_tensor(const char *name, const wk_tensor *t) {
    wk_st_tensor e;
    memset(&e, 0, sizeof e);
    e.name = name;
    e.dtype = WK_ST_F32;
    e.ndim = t->ndim;
    for (int i = 0; i < t->ndim; i++) e.shape[i] = t->shape[i];
    e.data = t->data;
    return e;
}

/* numel(shape) * itemsize, or -1 on a negative dim or overflow. */
static int64_t byte_size(int ndim, const int64_t *shape, size_t itemsize) {
    int64_t n = (int64_t)itemsize;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return -1;
        if (shape[i] && n > INT64_MAX / shape[i]) return -1;
        n *= shape[i];
    }
    return n;
}

/* The order tensors are stored in: by item size, largest first, and in the caller's order
 * within one size. Since the data starts 8-byte aligned, every tensor then starts at a
 * multiple of its own item size (I64 at 8, F32 at 4), as readers that map the file in place
 * require (torch.frombuffer(...).view(torch.int64); the reference writer sorts by alignment
 * too). Returns a malloc'ed permutation of [0, n). */
static size_t *storage_order(const wk_st_tensor *tensors, size_t n) {
    size_t *order = wk_malloc((n ? n : 1) * sizeof *order), k = 0;
    if (!order) return NULL;
    for (size_t size = 8; size >= 1; size /= 2)
        for (size_t i = 0; i < n; i++)
            if ((unsigned)tensors[i].dtype < N_DTYPES && dtypes[tensors[i].dtype].size == size) order[k++] = i;
    for (size_t i = 0; i < n; i++) /* bad dtypes last: the checks below reject them */
        if ((unsigned)tensors[i].dtype >= N_DTYPES) order[k++] = i;
    return order;
}

int wk_safetensors_write(const char *path, const wk_st_tensor *tensors, size_t n_tensors,
                         const wk_st_meta *meta, size_t n_meta) {
    int64_t offset = 0;
    size_t *order = storage_order(tensors, n_tensors);
    if (!order) return wk_errorf(WK_ENOMEM, "%s: out of memory", path);
    wk_strbuf h;
    wk_sb_init(&h);
    wk_sb_append(&h, "\0\0\0\0\0\0\0\0", 8); /* size patched below */
    wk_sb_putc(&h, '{');
    if (n_meta) {
        wk_json_key(&h, ST_METADATA_KEY);
        wk_sb_putc(&h, '{');
        for (size_t i = 0; i < n_meta; i++) {
            wk_json_key(&h, meta[i].key);
            wk_json_string(&h, meta[i].value);
        }
        wk_sb_putc(&h, '}');
    }
    int rc = WK_OK;
    for (size_t k = 0; k < n_tensors && rc == WK_OK; k++) {
        size_t i = order[k];
        const wk_st_tensor *t = &tensors[i];
        if (!t->name || !*t->name || !strcmp(t->name, ST_METADATA_KEY)) {
            rc = wk_errorf(WK_EINVAL, "%s: tensor %zu has an invalid name '%s'", path, i, t->name ? t->name : "(null)");
            break;
        }
        for (size_t j = 0; j < n_tensors; j++)
            if (j != i && tensors[j].name && !strcmp(tensors[j].name, t->name))
                rc = wk_errorf(WK_EINVAL, "%s: tensor name '%s' used twice", path, t->name);
        if ((unsigned)t->dtype >= N_DTYPES || t->ndim < 0 || t->ndim > WK_MAX_DIMS)
            rc = wk_errorf(WK_EINVAL, "%s: tensor '%s': bad dtype or rank", path, t->name);
        int64_t nb = rc == WK_OK ? byte_size(t->ndim, t->shape, dtypes[t->dtype].size) : -1;
        if (rc == WK_OK && nb < 0) rc = wk_errorf(WK_EINVAL, "%s: tensor '%s': bad shape", path, t->name);
        if (rc == WK_OK && nb > 0 && !t->data) rc = wk_errorf(WK_EINVAL, "%s: tensor '%s': no data", path, t->name);
        if (rc != WK_OK) break;
        wk_json_key(&h, t->name);
        wk_sb_puts(&h, "{\"dtype\":");
        wk_json_string(&h, dtypes[t->dtype].name);
        wk_sb_puts(&h, ",\"shape\":[");
        for (int d = 0; d < t->ndim; d++) {
            wk_json_sep(&h);
            wk_json_int(&h, t->shape[d]);
        }
        wk_sb_printf(&h, "],\"data_offsets\":[%lld,%lld]}", (long long)offset, (long long)(offset + nb));
        offset += nb;
    }
    wk_sb_putc(&h, '}');
    while (h.len % 8) wk_sb_putc(&h, ' '); /* the data starts 8-byte aligned */
    if (rc == WK_OK) rc = wk_sb_status(&h);
    if (rc != WK_OK) {
        wk_sb_free(&h);
        wk_free(order);
        return rc;
    }
    uint64_t n = h.len - 8;
    memcpy(h.data, &n, 8);

    wk_atomic_file af;
    if ((rc = wk_atomic_open(&af, path)) == WK_OK) {
        rc = wk_atomic_write(&af, h.data, h.len);
        for (size_t k = 0; rc == WK_OK && k < n_tensors; k++) {
            const wk_st_tensor *t = &tensors[order[k]];
            rc = wk_atomic_write(&af, t->data, (size_t)byte_size(t->ndim, t->shape, dtypes[t->dtype].size));
        }
        if (rc == WK_OK) rc = wk_atomic_commit(&af);
    }
    wk_sb_free(&h);
    wk_free(order);
    return rc;
}

/* ---- reading ---- */

void wk_safetensors_free(wk_safetensors *f) {
    wk_free(f->path);
    wk_free(f->buffer);
    wk_free(f->tensors);
    wk_free(f->meta);
    wk_json_free(f->header);
    memset(f, 0, sizeof *f);
}

/* Parse one tensor entry of the header into `t` (shape, dtype, offsets). */
static int parse_entry(const char *path, const char *name, const wk_json *e, wk_st_tensor *t, int64_t off[2]) {
    if (e->type != WK_JSON_OBJECT) return wk_errorf(WK_EFORMAT, "%s: tensor '%s': entry is not an object", path, name);
    const wk_json *dt = wk_json_get(e, "dtype"), *shape = wk_json_get(e, "shape"), *offs = wk_json_get(e, "data_offsets");
    if (!dt || dt->type != WK_JSON_STRING) return wk_errorf(WK_EFORMAT, "%s: tensor '%s': \"dtype\" missing or not a string", path, name);
    size_t d = 0;
    while (d < N_DTYPES && strcmp(dtypes[d].name, dt->string)) d++;
    if (d == N_DTYPES)
        return wk_errorf(WK_EFORMAT, "%s: tensor '%s': dtype \"%.20s\" not supported (F32, I64, U8)", path, name, dt->string);
    t->dtype = (wk_st_dtype)d;
    if (!shape || shape->type != WK_JSON_ARRAY) return wk_errorf(WK_EFORMAT, "%s: tensor '%s': \"shape\" missing or not an array", path, name);
    if (shape->count > WK_MAX_DIMS) return wk_errorf(WK_EFORMAT, "%s: tensor '%s': %zu dimensions (at most %d)", path, name, shape->count, WK_MAX_DIMS);
    t->ndim = (int)shape->count;
    for (size_t i = 0; i < shape->count; i++)
        if (wk_json_as_int64(shape->items[i], &t->shape[i]) != WK_OK || t->shape[i] < 0)
            return wk_errorf(WK_EFORMAT, "%s: tensor '%s': shape[%zu] is not a non-negative integer", path, name, i);
    if (!offs || offs->type != WK_JSON_ARRAY || offs->count != 2 || wk_json_as_int64(offs->items[0], &off[0]) != WK_OK ||
        wk_json_as_int64(offs->items[1], &off[1]) != WK_OK || off[0] < 0 || off[1] < off[0])
        return wk_errorf(WK_EFORMAT, "%s: tensor '%s': \"data_offsets\" must be [begin, end] with 0 <= begin <= end", path, name);
    int64_t nb = byte_size(t->ndim, t->shape, dtypes[d].size);
    if (nb < 0 || nb != off[1] - off[0])
        return wk_errorf(WK_EFORMAT, "%s: tensor '%s': shape x %s needs %lld bytes but data_offsets span %lld", path, name,
                         dtypes[d].name, (long long)nb, (long long)(off[1] - off[0]));
    return WK_OK;
}

static int by_offset(const void *a, const void *b) {
    const int64_t *x = a, *y = b; /* {begin, end, index} */
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int validate_and_index(wk_safetensors *f) {
    const char *path = f->path;
    if (f->size < 8) return wk_errorf(WK_EFORMAT, "%s: %zu bytes, too short for the 8-byte header size", path, f->size);
    uint64_t n;
    memcpy(&n, f->buffer, 8);
    if (n > f->size - 8)
        return wk_errorf(WK_EFORMAT, "%s: header size %llu exceeds the file (%zu bytes)", path, (unsigned long long)n, f->size);
    if (n > ST_MAX_HEADER) return wk_errorf(WK_EFORMAT, "%s: header size %llu too large", path, (unsigned long long)n);
    const char *text = (const char *)f->buffer + 8;
    if (n == 0 || text[0] != '{') return wk_errorf(WK_EFORMAT, "%s: header does not start with '{'", path);
    char source[300];
    snprintf(source, sizeof source, "%s: header", path);
    int rc = wk_json_parse(text, (size_t)n, source, &f->header);
    if (rc != WK_OK) return rc;
    const wk_json *h = f->header;
    size_t data_size = f->size - 8 - (size_t)n;
    f->tensors = wk_calloc(h->count ? h->count : 1, sizeof *f->tensors);
    f->meta = wk_calloc(1, sizeof *f->meta);
    int64_t *spans = wk_calloc(h->count ? h->count : 1, 3 * sizeof *spans);
    if (!f->tensors || !f->meta || !spans) {
        wk_free(spans);
        return wk_errorf(WK_ENOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < h->count && rc == WK_OK; i++) {
        const char *key = h->keys[i];
        const wk_json *v = h->items[i];
        if (!strcmp(key, ST_METADATA_KEY)) {
            if (v->type != WK_JSON_OBJECT) { rc = wk_errorf(WK_EFORMAT, "%s: __metadata__ is not an object", path); break; }
            wk_st_meta *m = wk_realloc(f->meta, (v->count ? v->count : 1) * sizeof *m);
            if (!m) { rc = wk_errorf(WK_ENOMEM, "%s: out of memory", path); break; }
            f->meta = m;
            for (size_t j = 0; j < v->count; j++) {
                if (v->items[j]->type != WK_JSON_STRING) {
                    rc = wk_errorf(WK_EFORMAT, "%s: __metadata__ value of '%s' is a %s, not a string", path, v->keys[j],
                                   wk_json_type_name(v->items[j]->type));
                    break;
                }
                m[j].key = v->keys[j];
                m[j].value = v->items[j]->string;
            }
            f->n_meta = v->count;
            continue;
        }
        wk_st_tensor *t = &f->tensors[f->n_tensors];
        int64_t *span = spans + 3 * f->n_tensors;
        t->name = key;
        if ((rc = parse_entry(path, key, v, t, span)) != WK_OK) break;
        if (span[1] > (int64_t)data_size) {
            rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s': data_offsets [%lld, %lld] beyond the %zu data bytes (truncated file?)",
                           path, key, (long long)span[0], (long long)span[1], data_size);
            break;
        }
        span[2] = (int64_t)f->n_tensors;
        t->data = text + n + span[0];
        t->nbytes = (size_t)(span[1] - span[0]);
        f->n_tensors++;
    }
    if (rc == WK_OK) { /* sorted by offset, the tensors must tile [0, data_size) exactly */
        qsort(spans, f->n_tensors, 3 * sizeof *spans, by_offset);
        int64_t end = 0;
        for (size_t i = 0; i < f->n_tensors && rc == WK_OK; i++) {
            const char *name = f->tensors[spans[3 * i + 2]].name;
            if (spans[3 * i] < end)
                rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s' overlaps the previous tensor's data", path, name);
            else if (spans[3 * i] > end)
                rc = wk_errorf(WK_EFORMAT, "%s: %lld unused bytes before tensor '%s'", path, (long long)(spans[3 * i] - end), name);
            end = spans[3 * i + 1];
        }
        if (rc == WK_OK && end != (int64_t)data_size)
            rc = wk_errorf(WK_EFORMAT, "%s: tensors cover %lld of the %zu data bytes", path, (long long)end, data_size);
    }
    wk_free(spans);
    return rc;
}

int wk_safetensors_load(const char *path, wk_safetensors *out) {
    memset(out, 0, sizeof *out);
    size_t n = strlen(path) + 1;
    if (!(out->path = wk_malloc(n))) return wk_errorf(WK_ENOMEM, "%s: out of memory", path);
    memcpy(out->path, path, n);
    unsigned char *buf = NULL;
    int rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &buf, &out->size);
    out->buffer = buf;
    if (rc == WK_OK) rc = validate_and_index(out);
    if (rc != WK_OK) wk_safetensors_free(out);
    return rc;
}

const wk_st_tensor *wk_safetensors_find(const wk_safetensors *f, const char *name) {
    for (size_t i = 0; i < f->n_tensors; i++)
        if (!strcmp(f->tensors[i].name, name)) return &f->tensors[i];
    return NULL;
}

const char *wk_safetensors_meta(const wk_safetensors *f, const char *key) {
    for (size_t i = 0; i < f->n_meta; i++)
        if (!strcmp(f->meta[i].key, key)) return f->meta[i].value;
    return NULL;
}

int wk_safetensors_get_f32(const wk_safetensors *f, const char *name, wk_tensor *out) {
    const wk_st_tensor *t = wk_safetensors_find(f, name);
    if (!t) return wk_errorf(WK_EFORMAT, "%s: no tensor named '%s'", f->path, name);
    if (t->dtype != WK_ST_F32)
        return wk_errorf(WK_EFORMAT, "%s: tensor '%s' is %s, expected F32", f->path, name, wk_st_dtype_name(t->dtype));
    int rc = wk_tensor_alloc(out, t->ndim, t->shape);
    if (rc != WK_OK) return wk_error_context(rc, "%s: tensor '%s'", f->path, name);
    if (t->nbytes) memcpy(out->data, t->data, t->nbytes);
    return WK_OK;
}
