/* backend_cpu.c — the CPU backend table (OpenBLAS) and the per-call thread contexts (tensor.h).
 *
 * Invariants:
 *  - No process-wide thread state changes after the first product. OpenBLAS 0.3.21 keeps its
 *    thread count in a process global (switching it around small products made two trainers in
 *    one process disturb each other), so it is set once to 1 and left there; a product runs on
 *    the threads of the context passed with it, by splitting its largest free dimension over an
 *    OpenMP team of that size (each part a single-threaded OpenBLAS call on disjoint rows or
 *    columns of C, so the parts never race and each C entry sums its k terms as one call would).
 *  - The calling thread's context (wk_exec_enter/leave) is thread-local, and so is the OpenMP
 *    team size it sets; leave restores both.
 *  - Under a memory limit no OpenBLAS call can need a buffer that does not exist: the products
 *    running at once never use more buffers than the pool holds (blas_take/blas_give), and the
 *    pool grows only under slots_lock, while the limit leaves room. A team is never larger than
 *    the thread stacks that fit (omp_team_fits). */
#include "wgankit/tensor.h"

#include "core/self_memory.h"
#include "wgankit/error.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

extern void openblas_set_num_threads(int);

#define BLAS_PAR_MIN_DEFAULT 16e6

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static void blas_single(void) {
    int t = omp_get_max_threads(); /* OpenBLAS's OpenMP build also resizes this thread's team */
    openblas_set_num_threads(1);
    omp_set_num_threads(t);
}

static _Thread_local wk_exec tl_exec, tl_default;
static _Thread_local int tl_has;

wk_exec wk_exec_make(int threads) {
    wk_exec x = {threads > 0 ? threads : omp_get_num_procs(), BLAS_PAR_MIN_DEFAULT, NULL};
    return x;
}

/* Bytes of address space one more OpenMP thread takes: its stack (OMP_STACKSIZE, a number with
 * an optional B/K/M/G suffix, K by default; else pthread's default, from ulimit -s), its guard
 * page and slack. */
static uint64_t omp_thread_bytes(void) {
    uint64_t stack = 0;
    const char *e = getenv("OMP_STACKSIZE");
    if (e && *e) {
        char *end;
        unsigned long long v = strtoull(e, &end, 10);
        while (*end == ' ') end++;
        const int sh = *end == 'B' || *end == 'b' ? 0 : *end == 'M' || *end == 'm' ? 20 : *end == 'G' || *end == 'g' ? 30 : 10;
        stack = end != e && v < ((uint64_t)1 << 40) ? (uint64_t)v << sh : 0;
    }
    pthread_attr_t at;
    size_t sz = 0;
    if (!stack && !pthread_getattr_default_np(&at)) {
        if (!pthread_attr_getstacksize(&at, &sz)) stack = sz;
        pthread_attr_destroy(&at);
    }
    return (stack ? stack : (uint64_t)8 << 20) + ((uint64_t)1 << 20);
}

/* Under a memory limit (ulimit -v / -d), libgomp exits the process ("Thread creation failed",
 * exit 1) when a thread's stack does not fit. So a call's team is cut to the threads whose stacks
 * fit in half the room the limit leaves (the other half is for the work), and is started here,
 * when the call enters, while that room is there: libgomp keeps the threads in this thread's pool
 * for the call's parallel regions. tl_omp_ready: the team this thread's pool holds. */
static _Thread_local int tl_omp_ready = 1, tl_omp_cut; /* tl_omp_cut: a team asked for and cut to tl_omp_ready */
static int omp_team_fits(int want) {
    if (want <= tl_omp_ready || omp_in_parallel()) return want;
    if (want == tl_omp_cut) return tl_omp_ready; /* no /proc read on every call of a cut team */
    const uint64_t room = wk_rlimit_room(NULL, NULL);
    if (room == UINT64_MAX) return want; /* no limit: libgomp starts its threads when they are needed */
    const uint64_t fit = 1 + room / 2 / omp_thread_bytes();
    const int n = fit < (uint64_t)want ? (int)fit : want;
    if (n > tl_omp_ready) {
        int got = 1;
#pragma omp parallel num_threads(n)
        {
#pragma omp single
            got = omp_get_num_threads();
        }
        tl_omp_ready = got;
    }
    if (n < want) tl_omp_cut = want;
    return n > tl_omp_ready ? tl_omp_ready : n;
}

void wk_exec_enter(const wk_exec *x, wk_exec_saved *saved) {
    pthread_once(&blas_once, blas_single);
    saved->exec = tl_exec;
    saved->had = tl_has;
    saved->omp_threads = omp_get_max_threads();
    const volatile int *cancel = x->cancel ? x->cancel : tl_has ? tl_exec.cancel : NULL;
    tl_exec = *x;
    tl_exec.cancel = cancel;
    if (tl_exec.threads < 1) tl_exec.threads = 1;
    tl_exec.threads = omp_team_fits(tl_exec.threads);
    tl_has = 1;
    omp_set_num_threads(tl_exec.threads);
}

void wk_exec_leave(const wk_exec_saved *saved) {
    tl_exec = saved->exec;
    tl_has = saved->had;
    omp_set_num_threads(saved->omp_threads);
}

const wk_exec *wk_exec_current(void) {
    if (tl_has) return &tl_exec;
    tl_default.threads = omp_get_max_threads();
    tl_default.blas_par_min = BLAS_PAR_MIN_DEFAULT;
    tl_default.cancel = NULL;
    return &tl_default;
}

int wk_exec_cancelled(void) { return tl_has && tl_exec.cancel && *tl_exec.cancel; }

/* What OpenBLAS takes of the address space: its buffer (0.3.21's BUFFER_SIZE, 128 MiB, plus a
 * page), and for one more thread running it also glibc's arena for a new thread (64 MiB
 * reserved) and its stack with slack. OpenBLAS keeps a buffer per concurrent call for the life of
 * the process and retries a refused one forever (a hang, not an error), so under a memory limit
 * (ulimit -v / -d) the buffers a team needs are taken here, before any product runs on them, and
 * only while the limit leaves room for them: a team is as large as the buffers held. */
#define BLAS_BUFFER_BYTES (((uint64_t)128 << 20) + 4096)
#define BLAS_THREAD_BYTES ((uint64_t)208 << 20)
#define BLAS_MAX_SLOTS 256

/* OpenBLAS's own buffer pool (exported by libopenblas; weak, so another BLAS still links and
 * falls back to counting room only). A buffer taken and given back stays allocated in the pool,
 * and the pool hands out its allocated buffers first. */
extern void *blas_memory_alloc(int procpos) __attribute__((weak));
extern void blas_memory_free(void *buffer) __attribute__((weak));

/* Every product takes its buffers before it calls OpenBLAS (blas_take: one per thread of its
 * team, one for a call from inside a team) and gives them back after (blas_give), so the calls
 * running at once never need more buffers than OpenBLAS holds. Growing the pool is one step
 * under slots_lock: the room is measured and the buffers taken together, so two first products
 * growing it at the same moment (a library caller's two threads under a ulimit) cannot both
 * count the same room; the second measures it after the first's buffers exist. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int blas_held; /* buffers OpenBLAS holds (taken here; without a limit, the most ever in use) */
static _Atomic int blas_busy; /* buffers the products running now use */
static _Atomic int blas_cap;  /* 0: no limit has stopped the pool growing; else the buffers it left room for (-1: none) */

/* Under slots_lock: the pool grown towards `want` buffers, each new one taken only while the
 * limit leaves room for it and, past the first, for its thread. OpenBLAS hands out the first free
 * buffer of its pool, allocating one only when none is free, so its allocated buffers are a
 * prefix of the pool: to make it allocate new ones, every idle one is held first. They are
 * claimed in blas_busy while held, so no product takes them meanwhile (products already running
 * hold at most the rest). */
static void grow_locked(int want) {
    const int have = atomic_load(&blas_held);
    const int cap = atomic_load(&blas_cap);
    if (cap && want > cap) want = cap > 0 ? cap : 0; /* a limit stopped the pool: no /proc read on every product */
    if (want > BLAS_MAX_SLOTS) want = BLAS_MAX_SLOTS;
    if (want <= have) return;
    const uint64_t room = wk_rlimit_room(NULL, NULL);
    if (room == UINT64_MAX) { /* no limit: OpenBLAS takes its buffers on first use */
        atomic_store(&blas_held, want);
        return;
    }
    int k = have;
    if (!blas_memory_alloc || !blas_memory_free) { /* not OpenBLAS's pool: count the room only */
        const uint64_t first = have ? 0 : BLAS_BUFFER_BYTES;
        k = room < first ? 0 : have + (int)((room - first) / BLAS_THREAD_BYTES) + (have ? 0 : 1);
        k = k < want ? k : want;
    } else {
        void *held[BLAS_MAX_SLOTS];
        int busy = atomic_load(&blas_busy), idle;
        do idle = have > busy ? have - busy : 0;
        while (!atomic_compare_exchange_weak(&blas_busy, &busy, busy + idle));
        int n = 0;
        while (n < idle) held[n++] = blas_memory_alloc(0); /* allocated already: no new memory */
        while (k < want && wk_rlimit_room(NULL, NULL) >= (k ? BLAS_THREAD_BYTES : BLAS_BUFFER_BYTES))
            held[n++] = blas_memory_alloc(0), k++;
        while (n-- > 0) blas_memory_free(held[n]);
        atomic_fetch_sub(&blas_busy, idle);
    }
    if (k > have) atomic_store(&blas_held, k);
    if (k < want) atomic_store(&blas_cap, k > 0 ? k : -1);
}

/* Up to nt buffers for a product (its team size): fewer when a memory limit leaves no room for
 * more, 0 when none is free (then the caller computes without OpenBLAS). */
static int blas_take(int nt) {
    int busy = atomic_load(&blas_busy);
    while (busy + nt <= atomic_load(&blas_held))
        if (atomic_compare_exchange_weak(&blas_busy, &busy, busy + nt)) return nt;
    pthread_mutex_lock(&slots_lock);
    grow_locked(atomic_load(&blas_busy) + nt);
    int got = 0;
    for (busy = atomic_load(&blas_busy);;) {
        const int idle = atomic_load(&blas_held) - busy;
        got = nt < idle ? nt : idle > 0 ? idle : 0;
        if (!got || atomic_compare_exchange_weak(&blas_busy, &busy, busy + got)) break;
    }
    pthread_mutex_unlock(&slots_lock);
    return got;
}

static void blas_give(int nt) { atomic_fetch_sub(&blas_busy, nt); }

/* The buffer stays claimed until wk_blas_release: a backend product in another thread must not
 * take it while the caller's direct cblas calls run (it would make OpenBLAS ask for a second one,
 * which the limit may refuse: a hang). */
int wk_blas_reserve(void) {
    pthread_once(&blas_once, blas_single);
    if (blas_take(1)) return WK_OK;
    const char *which;
    const uint64_t room = wk_rlimit_room(NULL, &which);
    return wk_errorf(WK_ENOMEM, "the matrix products need OpenBLAS's buffer of %llu bytes, and the limit of %s leaves %llu "
                                "bytes: raise the limit", (unsigned long long)BLAS_BUFFER_BYTES, which, (unsigned long long)room);
}

void wk_blas_release(void) { blas_give(1); }

/* Buffers, and so threads, for a product of `work` multiply-adds under x: 1 below its parallel
 * minimum and inside a team (each team thread calls OpenBLAS on its own); 0 when a memory limit
 * leaves OpenBLAS no buffer. Given back with blas_give. */
static int team_size(const wk_exec *x, double work) {
    pthread_once(&blas_once, blas_single);
    if (omp_in_parallel()) return blas_take(1); /* already one of a team's threads */
    if (!x) x = wk_exec_current();
    return blas_take(x->threads > 1 && work >= x->blas_par_min ? x->threads : 1);
}

/* The products without OpenBLAS, for a memory limit that leaves no room for its buffer: plain
 * loops (slow, but an answer where OpenBLAS would retry its buffer forever). Element (i, p) of
 * op(A), row-major. */
#define OPA(a, lda, t, i, p) ((t) ? (a)[(size_t)(p) * (lda) + (i)] : (a)[(size_t)(i) * (lda) + (p)])
#define PUT(cij, v) ((cij) = beta == 0 ? alpha * (v) : alpha * (v) + beta * (cij))
#define PLAIN_GEMM(T)                                                                  \
    for (int i = 0; i < m; i++)                                                        \
        for (int j = 0; j < n; j++) {                                                  \
            T sum = 0;                                                                 \
            for (int p = 0; p < k; p++) sum += OPA(a, lda, ta, i, p) * OPA(b, ldb, !tb, j, p); \
            PUT(c[(size_t)i * ldc + j], sum);                                          \
        }

/* Part t of `len` split into nt parts, in multiples of 16 (the kernels' register blocks). */
static void part(int len, int t, int nt, int *lo, int *hi) {
    int chunk = ((len + nt - 1) / nt + 15) & ~15;
    *lo = t * chunk < len ? t * chunk : len;
    *hi = *lo + chunk < len ? *lo + chunk : len;
}

/* C = alpha op(A) op(B) + beta C, split over rows of C (m >= n) or columns. One body for the
 * float and double products. */
#define GEMM_SPLIT(GEMM)                                                                                   \
    const int nt = team_size(x, (double)m * n * k);                                                           \
    do {                                                                                                      \
        const CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;      \
        if (nt == 0) {                                                                                        \
            PLAIN_GEMM(__typeof__(alpha));                                                                    \
            break;                                                                                            \
        }                                                                                                     \
        if (nt == 1 || (m < 32 && n < 32)) {                                                                  \
            GEMM(CblasRowMajor, TA, TB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                        \
            break;                                                                                            \
        }                                                                                                     \
        _Pragma("omp parallel num_threads(nt)") {                                                             \
            int lo, hi;                                                                                       \
            if (m >= n) {                                                                                     \
                part(m, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);                               \
                if (hi > lo)                                                                                  \
                    GEMM(CblasRowMajor, TA, TB, hi - lo, n, k, alpha, ta ? a + lo : a + (size_t)lo * lda, lda, \
                         b, ldb, beta, c + (size_t)lo * ldc, ldc);                                            \
            } else {                                                                                          \
                part(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);                               \
                if (hi > lo)                                                                                  \
                    GEMM(CblasRowMajor, TA, TB, m, hi - lo, k, alpha, a, lda,                                 \
                         tb ? b + (size_t)lo * ldb : b + lo, ldb, beta, c + lo, ldc);                         \
            }                                                                                                 \
        }                                                                                                     \
    } while (0);                                                                                              \
    blas_give(nt)

static void cpu_sgemm(const wk_exec *x, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc) {
    GEMM_SPLIT(cblas_sgemm);
}

static void cpu_dgemm(const wk_exec *x, int ta, int tb, int m, int n, int k, double alpha, const double *a,
                      int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    GEMM_SPLIT(cblas_dgemm);
}

/* Upper triangle in row blocks of equal area (boundaries n(1 - sqrt(1 - t/T))): each block is a
 * small ssyrk on its diagonal square and an sgemm for the rectangle right of it. */
static void ssyrk_on(int nt, int trans, int n, int k, float alpha, const float *a, int lda, float beta, float *c,
                     int ldc) {
    const CBLAS_TRANSPOSE T = trans ? CblasTrans : CblasNoTrans;
    if (nt == 0) { /* upper triangle: row i of op(A) against row j */
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += OPA(a, lda, trans, i, p) * OPA(a, lda, trans, j, p);
                PUT(c[(size_t)i * ldc + j], sum);
            }
        return;
    }
    if (nt == 1 || n < 64) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, T, n, k, alpha, a, lda, beta, c, ldc);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), tt = omp_get_num_threads();
        int r0 = (int)lround(n * (1.0 - sqrt(1.0 - (double)t / tt)));
        int r1 = t + 1 == tt ? n : (int)lround(n * (1.0 - sqrt(1.0 - (double)(t + 1) / tt)));
        if (r1 > r0) {
            /* rows r of op(A): A + r*lda untransposed, column r of A (A + r) transposed */
            const float *ar0 = trans ? a + r0 : a + (size_t)r0 * lda, *ar1 = trans ? a + r1 : a + (size_t)r1 * lda;
            cblas_ssyrk(CblasRowMajor, CblasUpper, T, r1 - r0, k, alpha, ar0, lda, beta, c + (size_t)r0 * ldc + r0,
                        ldc);
            if (n > r1)
                cblas_sgemm(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, trans ? CblasNoTrans : CblasTrans,
                            r1 - r0, n - r1, k, alpha, ar0, lda, ar1, lda, beta, c + (size_t)r0 * ldc + r1, ldc);
        }
    }
}

static void cpu_ssyrk(const wk_exec *x, int trans, int n, int k, float alpha, const float *a, int lda, float beta,
                      float *c, int ldc) {
    const int nt = team_size(x, (double)n * n * k / 2);
    ssyrk_on(nt, trans, n, k, alpha, a, lda, beta, c, ldc);
    blas_give(nt);
}

/* Split over the columns of C (S on the left) or its rows (S on the right). */
static void ssymm_on(int nt, int left, int m, int n, float alpha, const float *s, int lds, const float *b, int ldb,
                     float beta, float *c, int ldc) {
    const CBLAS_SIDE side = left ? CblasLeft : CblasRight;
    if (nt == 0) { /* S(i, p) from the upper triangle */
        const int kk = left ? m : n;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < kk; p++)
                    sum += left ? OPA(s, lds, i > p, i, p) * b[(size_t)p * ldb + j] : b[(size_t)i * ldb + p] * OPA(s, lds, p > j, p, j);
                PUT(c[(size_t)i * ldc + j], sum);
            }
        return;
    }
    if (nt == 1 || (left ? n : m) < 32) {
        cblas_ssymm(CblasRowMajor, side, CblasUpper, m, n, alpha, s, lds, b, ldb, beta, c, ldc);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        int lo, hi;
        part(left ? n : m, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo) {
            if (left)
                cblas_ssymm(CblasRowMajor, side, CblasUpper, m, hi - lo, alpha, s, lds, b + lo, ldb, beta, c + lo, ldc);
            else
                cblas_ssymm(CblasRowMajor, side, CblasUpper, hi - lo, n, alpha, s, lds, b + (size_t)lo * ldb, ldb,
                            beta, c + (size_t)lo * ldc, ldc);
        }
    }
}

static void cpu_ssymm(const wk_exec *x, int left, int m, int n, float alpha, const float *s, int lds, const float *b,
                      int ldb, float beta, float *c, int ldc) {
    const int nt = team_size(x, (double)m * n * (left ? m : n));
    ssymm_on(nt, left, m, n, alpha, s, lds, b, ldb, beta, c, ldc);
    blas_give(nt);
}

static const wk_backend cpu_backend = {"cpu", cpu_sgemm, cpu_dgemm, cpu_ssyrk, cpu_ssymm};

const wk_backend *wk_backend_for(wk_device d) {
    return d == WK_DEVICE_CPU ? &cpu_backend : NULL;
}

void wk_prefer_passive_wait(char **argv) {
    /* OpenBLAS's pthread build starts its worker threads when it is loaded, before main, from
     * OPENBLAS_NUM_THREADS (else the core count). This library never uses them (blas_single sets
     * 1 thread on first use; products are split over each call's own team), yet each worker
     * allocates OpenBLAS's 128 MB buffer and, when a memory limit (ulimit -v/-d) refuses it,
     * retries forever; exit then joins it and never returns. So a program starts OpenBLAS with
     * one thread: no worker exists, and the only buffers are those of the products it runs. */
    const char *bt = getenv("OPENBLAS_NUM_THREADS");
    int again = !bt || strcmp(bt, "1");
    if (again) setenv("OPENBLAS_NUM_THREADS", "1", 1);
    if (!getenv("OMP_WAIT_POLICY")) setenv("OMP_WAIT_POLICY", "passive", 1), again = 1;
    if (again) execv("/proc/self/exe", argv); /* returns only on failure: then run with the default */
}
