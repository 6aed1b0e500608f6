/* tensor.c — tensor descriptors, the counting heap allocator and arenas (see tensor.h); the
 * CPU backend and the per-call thread contexts are in backend_cpu.c. */
#include "wgankit/tensor.h"
#include "wgankit/error.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shapes ---- */
int wk_tensor_set_shape(wk_tensor *t, int ndim, const int64_t *shape) {
    if (ndim < 0 || ndim > WK_MAX_DIMS)
        return wk_errorf(WK_EINVAL, "tensor: %d dimensions (at most %d)", ndim, WK_MAX_DIMS);
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return wk_errorf(WK_EINVAL, "tensor: negative dimension %lld", (long long)shape[i]);
        if (shape[i] > 0 && n > INT64_MAX / shape[i])
            return wk_errorf(WK_EINVAL, "tensor: dimension %d (%lld) makes more elements than int64 holds", i,
                             (long long)shape[i]);
        t->shape[i] = shape[i];
        n *= shape[i];
    }
    for (int i = ndim; i < WK_MAX_DIMS; i++) t->shape[i] = 1;
    t->ndim = ndim;
    t->numel = n;
    return WK_OK;
}

int wk_shape_equal(const wk_tensor *a, const wk_tensor *b) {
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

double wk_monotonic_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *wk_dims_str(int ndim, const int64_t *shape, char *buf, size_t n) {
    size_t off = 0;
    off += (size_t)snprintf(buf + off, n - off, "[");
    for (int i = 0; i < ndim && off < n; i++) off += (size_t)snprintf(buf + off, n - off, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (off < n) snprintf(buf + off, n - off, "]");
    return buf;
}

const char *wk_shape_str(const wk_tensor *t, char *buf, size_t n) { return wk_dims_str(t->ndim, t->shape, buf, n); }

/* ---- counting allocator ---- */
static atomic_uint_fast64_t alloc_calls;

void *wk_malloc(size_t n) {
    atomic_fetch_add(&alloc_calls, 1);
    void *p = malloc(n ? n : 1);
    if (!p) wk_errorf(WK_ENOMEM, "out of memory allocating %zu bytes", n);
    return p;
}
void *wk_calloc(size_t count, size_t n) {
    atomic_fetch_add(&alloc_calls, 1);
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p) wk_errorf(WK_ENOMEM, "out of memory allocating %zu x %zu bytes", count, n);
    return p;
}
void *wk_realloc(void *q, size_t n) {
    atomic_fetch_add(&alloc_calls, 1);
    void *p = realloc(q, n ? n : 1);
    if (!p) wk_errorf(WK_ENOMEM, "out of memory reallocating %zu bytes", n);
    return p;
}
void wk_free(void *p) { free(p); }
uint64_t wk_alloc_count(void) { return atomic_load(&alloc_calls); }

int wk_tensor_alloc(wk_tensor *t, int ndim, const int64_t *shape) {
    memset(t, 0, sizeof *t);
    int rc = wk_tensor_set_shape(t, ndim, shape);
    if (rc) return rc;
    t->data = wk_calloc((size_t)(t->numel ? t->numel : 1), sizeof(float));
    return t->data ? WK_OK : WK_ENOMEM;
}

void wk_tensor_free(wk_tensor *t) {
    if (!t) return;
    wk_free(t->data);
    t->data = NULL;
    t->numel = 0;
}

int wk_tensor_copy(wk_tensor *dst, const wk_tensor *src) {
    if (dst->numel != src->numel)
        return wk_errorf(WK_EINVAL, "tensor copy: %lld vs %lld elements", (long long)dst->numel,
                         (long long)src->numel);
    memcpy(dst->data, src->data, (size_t)src->numel * sizeof(float));
    return WK_OK;
}

/* Blocks scanned branch-free (|x| <= MAX is false exactly for NaN and ±Inf), so the loop
 * vectorises; only a block that has a bad element is searched again for its index. */
#define FIRST_NONFINITE(T, ABS, MAX)                                                                \
    enum { BLOCK = 4096 };                                                                         \
    for (int64_t at = 0; at < n; at += BLOCK) {                                                    \
        int64_t len = n - at < BLOCK ? n - at : BLOCK;                                             \
        const T *xb = x + at;                                                                      \
        int bad = 0;                                                                               \
        _Pragma("omp simd reduction(| : bad)") for (int64_t i = 0; i < len; i++) bad |= !(ABS(xb[i]) <= MAX); \
        if (bad)                                                                                   \
            for (int64_t i = 0; i < len; i++)                                                      \
                if (!isfinite(x[at + i])) return at + i;                                           \
    }                                                                                              \
    return -1;

int64_t wk_first_nonfinite(const float *x, int64_t n) { FIRST_NONFINITE(float, fabsf, FLT_MAX) }
int64_t wk_first_nonfinite_f64(const double *x, int64_t n) { FIRST_NONFINITE(double, fabs, DBL_MAX) }
#undef FIRST_NONFINITE

int wk_tensor_check_finite(const wk_tensor *t, const char *what) {
    int64_t i = wk_first_nonfinite(t->data, t->numel);
    if (i >= 0)
        return wk_errorf(WK_ENUMERIC, "%s: element %lld is %s", what, (long long)i,
                         isnan(t->data[i]) ? "NaN" : "Inf");
    return WK_OK;
}

/* ---- arena ---- */
struct wk_arena_block {
    wk_arena_block *next;
    size_t size, used;
    unsigned char *mem;
};

void wk_arena_init(wk_arena *a, size_t block_size) {
    memset(a, 0, sizeof *a);
    a->block_size = block_size ? block_size : (size_t)16 << 20;
}

void wk_arena_destroy(wk_arena *a) {
    wk_arena_block *b = a->head;
    while (b) {
        wk_arena_block *n = b->next;
        wk_free(b->mem);
        wk_free(b);
        b = n;
    }
    memset(a, 0, sizeof *a);
}

void wk_arena_reset(wk_arena *a) {
    for (wk_arena_block *b = a->head; b; b = b->next) b->used = 0;
    a->cur = a->head;
    a->used_total = 0;
}

void *wk_arena_alloc(wk_arena *a, size_t n) {
    n = (n + 63) & ~(size_t)63;
    if (!n) n = 64;
    for (;;) {
        wk_arena_block *b = a->cur;
        if (b && b->size - b->used >= n) {
            void *p = b->mem + b->used;
            b->used += n;
            a->used_total += n;
            if (a->used_total > a->peak) a->peak = a->used_total;
            return p;
        }
        if (b && b->next) { /* move on to a kept block (after a reset) */
            a->cur = b->next;
            continue;
        }
        size_t sz = n > a->block_size ? n : a->block_size;
        wk_arena_block *nb = wk_malloc(sizeof *nb);
        if (!nb) return NULL;
        nb->mem = NULL;
        if (posix_memalign((void **)&nb->mem, 64, sz) != 0) {
            wk_free(nb);
            wk_errorf(WK_ENOMEM, "arena: out of memory for a %zu-byte block", sz);
            return NULL;
        }
        nb->size = sz;
        nb->used = 0;
        nb->next = NULL;
        if (b) b->next = nb; else a->head = nb;
        a->cur = nb;
    }
}

void *wk_arena_zalloc(wk_arena *a, size_t n) {
    void *p = wk_arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

int wk_arena_tensor(wk_arena *a, wk_tensor *t, int ndim, const int64_t *shape, int zero) {
    memset(t, 0, sizeof *t);
    int rc = wk_tensor_set_shape(t, ndim, shape);
    if (rc) return rc;
    size_t bytes = (size_t)t->numel * sizeof(float);
    t->data = zero ? wk_arena_zalloc(a, bytes) : wk_arena_alloc(a, bytes);
    return t->data ? WK_OK : WK_ENOMEM;
}
