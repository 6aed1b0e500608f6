/* tensor.h — float32 n-d tensors, the memory they live in, and the compute backend.
 *
 * A wk_tensor is a plain descriptor: a data pointer, a shape (row-major, contiguous) and a
 * device tag. It does not own its memory; the memory comes either from the heap (through the
 * counting allocator below: wk_tensor_alloc / wk_tensor_free) or from an arena (wk_arena),
 * which a training step rewinds instead of freeing, so that after the first step a step
 * allocates nothing from the system heap.
 *
 * Every kernel that touches tensor data goes through the backend table of the tensor's
 * device (wk_backend_for). Only WK_DEVICE_CPU exists today; a CUDA backend plugs in by
 * providing the same table. */
#ifndef WGANKIT_TENSOR_H
#define WGANKIT_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WK_MAX_DIMS 6

typedef enum { WK_DEVICE_CPU = 0, WK_DEVICE_CUDA = 1 } wk_device;

typedef struct wk_tensor {
    float *data;
    int ndim;
    int64_t shape[WK_MAX_DIMS];
    int64_t numel;
    wk_device device;
} wk_tensor;

/* ---- shapes ---------------------------------------------------------------------------- */
/* Fill t's shape from `ndim` dims (data untouched). Returns WK_EINVAL for ndim > WK_MAX_DIMS
 * or a negative dim. */
int wk_tensor_set_shape(wk_tensor *t, int ndim, const int64_t *shape);
int wk_shape_equal(const wk_tensor *a, const wk_tensor *b);
/* "[256, 2]" into buf; returns buf (for error messages). */
const char *wk_shape_str(const wk_tensor *t, char *buf, size_t n);
/* The same for a shape given as ndim sizes (a file's header, an expected shape). */
const char *wk_dims_str(int ndim, const int64_t *shape, char *buf, size_t n);
/* Seconds on the monotonic clock (durations, deadlines, rates; not the time of day). */
double wk_monotonic_s(void);

/* ---- heap memory (counting allocator) ----------------------------------------------------- */
/* All library heap memory goes through these, so tests can count allocations (the
 * "no allocation per step" check) and a future device can swap them. */
void *wk_malloc(size_t n);
void *wk_calloc(size_t count, size_t n);
void *wk_realloc(void *p, size_t n);
void wk_free(void *p);
/* Number of wk_malloc/wk_calloc/wk_realloc calls so far (process-wide). */
uint64_t wk_alloc_count(void);

/* Allocate a zeroed CPU tensor of the given shape on the heap. */
int wk_tensor_alloc(wk_tensor *t, int ndim, const int64_t *shape);
void wk_tensor_free(wk_tensor *t);
int wk_tensor_copy(wk_tensor *dst, const wk_tensor *src); /* same numel required */
/* WK_ENUMERIC naming `what` and the first bad index if any element is NaN/Inf. */
int wk_tensor_check_finite(const wk_tensor *t, const char *what);
/* Index of the first NaN/Inf among x[0..n), or -1 (a vectorised scan: cheap enough for every step). */
int64_t wk_first_nonfinite(const float *x, int64_t n);
int64_t wk_first_nonfinite_f64(const double *x, int64_t n); /* the same for double */

/* ---- arena ---------------------------------------------------------------------------------- */
/* A list of large blocks handed out by bumping a pointer. wk_arena_reset keeps the blocks, so
 * a loop that allocates the same amount each iteration touches the heap only the first time. */
typedef struct wk_arena_block wk_arena_block;
typedef struct wk_arena {
    wk_arena_block *head, *cur;
    size_t block_size;
    size_t used_total, peak;
} wk_arena;

void wk_arena_init(wk_arena *a, size_t block_size);
void wk_arena_destroy(wk_arena *a);
void wk_arena_reset(wk_arena *a);
/* 64-byte aligned, NOT zeroed. NULL (with error set) on failure. */
void *wk_arena_alloc(wk_arena *a, size_t n);
void *wk_arena_zalloc(wk_arena *a, size_t n);
int wk_arena_tensor(wk_arena *a, wk_tensor *t, int ndim, const int64_t *shape, int zero);

/* ---- execution contexts (threads) ---------------------------------------------------------
 * How many threads a computation may use is state of the call, never of the process (as in
 * ggml, where the thread count travels with each compute call): the caller owns a wk_exec
 * (a trainer holds one made from its config, an OT call makes one from wk_ot_options.threads)
 * and the backend functions take it with every product. So two trainers, or a trainer and an
 * OT solve, in two threads of one process do not disturb each other.
 *
 * wk_exec_enter installs a context for the calling thread until the matching wk_exec_leave: it
 * sets that thread's OpenMP team size (an OpenMP per-thread setting, restored on leave) for the
 * element-wise loops, and wk_exec_current() hands it to code below that has no context of its
 * own (an op computing a product, the Björck projection). Nothing process-wide changes: OpenBLAS
 * itself runs single-threaded (its 0.3.21 thread count is a process global), and products large
 * enough to be worth it are split over the context's threads here (backend_cpu.c). */
typedef struct wk_exec {
    int threads;         /* >= 1 */
    double blas_par_min; /* products with m·n·k below this run on one thread (see wk_exec_make) */
    /* non-NULL: long calls (a trainer step, hence a whole run) stop with WK_EINTR once it is
     * non-zero; a context entered without one inherits the caller's (Ctrl-C from Python) */
    const volatile int *cancel;
} wk_exec;

/* threads <= 0: all cores. blas_par_min defaults to 16e6: on small networks waking the workers
 * costs more than it saves (the 2→128³→2 demo trained 35% faster single-threaded, the 512-wide
 * toy loops 1.6× slower). */
wk_exec wk_exec_make(int threads);
/* Install x for the calling thread; *saved receives what wk_exec_leave restores. */
typedef struct wk_exec_saved {
    wk_exec exec;
    int had;         /* a context was installed before */
    int omp_threads; /* the thread's OpenMP team size before */
} wk_exec_saved;
void wk_exec_enter(const wk_exec *x, wk_exec_saved *saved);
void wk_exec_leave(const wk_exec_saved *saved);
/* The calling thread's context: the innermost entered one, else all cores' OpenMP setting. */
const wk_exec *wk_exec_current(void);
/* Whether the calling thread's context asks to stop (see wk_exec.cancel). */
int wk_exec_cancelled(void);

/* ---- backend ------------------------------------------------------------------------------ */
/* Dense products, row-major, as CBLAS, each run with the threads of the context `x` passed with
 * the call. The symmetric pair serves Gram matrices (Björck): ssyrk does half the work of the
 * equivalent sgemm. dgemm serves the OT cost engine's double-precision rows and the Lipschitz
 * report's double recomputation of MLP critic outputs. */
typedef struct wk_backend {
    const char *name;
    /* C = alpha * op(A) * op(B) + beta * C */
    void (*sgemm)(const wk_exec *x, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                  int lda, const float *b, int ldb, float beta, float *c, int ldc);
    void (*dgemm)(const wk_exec *x, int trans_a, int trans_b, int m, int n, int k, double alpha, const double *a,
                  int lda, const double *b, int ldb, double beta, double *c, int ldc);
    /* upper triangle of the n×n C = alpha * op(A) op(A)ᵀ + beta * C, op(A) n×k
     * (trans = 1: C = alpha AᵀA + beta C, A k×n); the strict lower triangle is not touched */
    void (*ssyrk)(const wk_exec *x, int trans, int n, int k, float alpha, const float *a, int lda, float beta,
                  float *c, int ldc);
    /* C [m×n] = alpha * S B + beta * C (left = 1, S m×m) or alpha * B S + beta * C (left = 0, S n×n),
     * S symmetric, read from its upper triangle only */
    void (*ssymm)(const wk_exec *x, int left, int m, int n, float alpha, const float *s, int lds, const float *b,
                  int ldb, float beta, float *c, int ldc);
} wk_backend;

const wk_backend *wk_backend_for(wk_device d);

/* Under a memory limit (ulimit -v / -d), make sure OpenBLAS holds the buffer its products need
 * (128 MiB) before any product runs, and claim it: WK_OK when it does or fits (it is then taken
 * and claimed until wk_blas_release, which the caller must call exactly once after its last
 * direct cblas call), WK_ENOMEM naming the limit when it does not fit (nothing to release).
 * OpenBLAS retries a refused buffer forever, so code that calls cblas_* directly (not through
 * wk_backend_for) brackets those calls with this pair; the backend's own products take their
 * buffers themselves and fall back to plain loops when none fits. */
int wk_blas_reserve(void);
void wk_blas_release(void);

/* For programs, first thing in main(): unless OMP_WAIT_POLICY is set, set it to "passive", and
 * set OPENBLAS_NUM_THREADS to 1, re-executing the program when either changed (libgomp and
 * OpenBLAS read them once, at load). Idle OpenMP workers that spin take the cores the products
 * need: on 2 cores the toy critic's forward+backward ran at 40 GFLOP/s spinning and 119 waiting
 * passively. OpenBLAS's own workers, started at load, are never used here, and under a memory
 * limit (ulimit -v) they retry a refused buffer forever, so the process never exits.
 * Returns only if it did not re-execute. */
void wk_prefer_passive_wait(char **argv);

#ifdef __cplusplus
}
#endif
#endif
