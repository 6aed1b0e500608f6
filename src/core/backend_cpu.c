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
 *    team size it sets; leave restores both. */
#include "wgankit/tensor.h"

#include "core/self_memory.h"

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

void wk_exec_enter(const wk_exec *x, wk_exec_saved *saved) {
    pthread_once(&blas_once, blas_single);
    saved->exec = tl_exec;
    saved->had = tl_has;
    saved->omp_threads = omp_get_max_threads();
    const volatile int *cancel = x->cancel ? x->cancel : tl_has ? tl_exec.cancel : NULL;
    tl_exec = *x;
    tl_exec.cancel = cancel;
    if (tl_exec.threads < 1) tl_exec.threads = 1;
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

/* What one more thread running OpenBLAS takes of the address space: OpenBLAS 0.3.21's buffer
 * (BUFFER_SIZE, 128 MiB, plus a page), glibc's arena for a new thread (64 MiB reserved) and its
 * stack with slack. OpenBLAS keeps a buffer per concurrent call for the life of the process and
 * retries a refused one forever (a hang, not an error), so a team is only as large as the
 * buffers a memory limit leaves room for. */
#define BLAS_THREAD_BYTES ((uint64_t)208 << 20)
static _Atomic int blas_slots; /* the largest team granted so far: the buffers OpenBLAS holds */

/* nt cut to the OpenBLAS buffers that exist or fit under a memory limit (at least 1). Once a
 * limit has cut a team, that cut is remembered (blas_cap), so later products do not read
 * /proc/self/statm again on every call. Two first products growing the team at the same moment
 * may each see the same room (the check and the grant are two steps); the CLI runs one trainer
 * at a time, and a library caller sharing the process under a ulimit takes that risk. */
static _Atomic int blas_cap; /* 0: no limit has cut a team; else the most threads one leaves room for */
static int team_fits(int nt) {
    const int cap = atomic_load(&blas_cap);
    if (cap && nt > cap) return cap;
    int have = atomic_load(&blas_slots);
    if (nt > have) {
        uint64_t room = wk_rlimit_room(NULL, NULL), more = room / BLAS_THREAD_BYTES;
        if (room != UINT64_MAX && (uint64_t)(nt - have) > more) {
            nt = have + (int)more > 1 ? have + (int)more : 1;
            atomic_store(&blas_cap, nt);
        }
        while (nt > have && !atomic_compare_exchange_weak(&blas_slots, &have, nt)) {
        }
    }
    return nt;
}

/* Threads for a product of `work` multiply-adds under x (1 below its parallel minimum). */
static int team_size(const wk_exec *x, double work) {
    pthread_once(&blas_once, blas_single);
    if (omp_in_parallel()) return 1; /* already one of a team's threads */
    if (!x) x = wk_exec_current();
    return team_fits(x->threads > 1 && work >= x->blas_par_min ? x->threads : 1);
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
    do {                                                                                                      \
        const CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;      \
        int nt = team_size(x, (double)m * n * k);                                                             \
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
    } while (0)

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
static void cpu_ssyrk(const wk_exec *x, int trans, int n, int k, float alpha, const float *a, int lda, float beta,
                      float *c, int ldc) {
    const CBLAS_TRANSPOSE T = trans ? CblasTrans : CblasNoTrans;
    int nt = team_size(x, (double)n * n * k / 2);
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

/* Split over the columns of C (S on the left) or its rows (S on the right). */
static void cpu_ssymm(const wk_exec *x, int left, int m, int n, float alpha, const float *s, int lds, const float *b,
                      int ldb, float beta, float *c, int ldc) {
    const CBLAS_SIDE side = left ? CblasLeft : CblasRight;
    int nt = team_size(x, (double)m * n * (left ? m : n));
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
