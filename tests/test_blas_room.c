/* test_blas_room.c — the backend's products under a memory limit (ulimit -v, set here with
 * setrlimit) that leaves OpenBLAS no room for the buffer a product needs (backend_cpu.c).
 * OpenBLAS retries a refused buffer forever, so on the old code each case below hung; each runs
 * in a child process under alarm(), so a hang fails the test instead of stalling ctest.
 *  1. No room for even one buffer: wk_blas_reserve refuses with WK_ENOMEM naming the limit, and
 *     the products through the backend (sgemm, dgemm, ssyrk, ssymm, every transpose and side) still
 *     give the right numbers (plain loops), no hang.
 *  2. Room for one buffer, two threads running their first products at the same moment (a
 *     library caller's two threads): the check of the room and the taking of the buffer are one
 *     step, so the second does not count the first's room; both products are right, no hang.
 * Skipped (exit 0 with a line) where the process cannot live under RLIMIT_AS (a sanitizer build
 * reserves terabytes of shadow memory). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "core/self_memory.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#define N 512
static float a[N * N], b[N * N], c[2][N * N];
static double ref[N * N];
static pthread_barrier_t start;

static void fill(float *x, size_t n, unsigned s) {
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)((s >> 8) / 16777216.0 - 0.5);
    }
}

/* max |c - A B| over the product's entries */
static double err_of(const float *cc) {
    double e = 0;
    for (int i = 0; i < N * N; i++) e = fmax(e, fabs(cc[i] - ref[i]));
    return e;
}

static void product(float *out) {
    wk_exec one = wk_exec_make(1);
    wk_backend_for(WK_DEVICE_CPU)->sgemm(&one, 0, 0, N, N, N, 1.0f, a, N, b, N, 0.0f, out, N);
}

static void *worker(void *arg) {
    void *volatile p = malloc(64); /* this thread's malloc arena (64 MiB of address space), before the limit */
    free(p);
    pthread_barrier_wait(&start); /* the limit is set */
    pthread_barrier_wait(&start);
    product(arg);
    return NULL;
}

/* this process's limit: its address space now plus `room` bytes */
static void limit_room(uint64_t room) {
    wk_self_use u;
    wk_self_use_read(&u);
    struct rlimit rl = {u.vm + room, u.vm + room};
    if (setrlimit(RLIMIT_AS, &rl)) perror("setrlimit");
}

/* The backend's other products without OpenBLAS (the plain loops): every transpose of sgemm and
 * dgemm, ssyrk both ways (its strict lower triangle untouched), ssymm on both sides, against a
 * double-precision reference, with alpha and beta not 0 or 1. Element (i, p) of op(X), row-major. */
static double op(const float *x, int ld, int t, int i, int p) { return t ? x[(size_t)p * ld + i] : x[(size_t)i * ld + p]; }

static void plain_products(void) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    wk_exec two = wk_exec_make(2);
    two.blas_par_min = 0;
    enum { M = 37, K = 19, L = 23 }; /* C M x L, A M x K (or K x M), B K x L (or L x K) */
    static float x[M * M], y[M * L], z[M * M], z0[M * M];
    static double xd[M * M], yd[M * L], zd[M * M];
    fill(x, M * M, 3), fill(y, M * L, 4), fill(z0, M * M, 5);
    for (int i = 0; i < M * M; i++) xd[i] = x[i];
    for (int i = 0; i < M * L; i++) yd[i] = y[i];
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            const int lda = ta ? M : K, ldb = tb ? K : L;
            memcpy(z, z0, sizeof z);
            for (int i = 0; i < M * L; i++) zd[i] = z0[i];
            be->sgemm(&two, ta, tb, M, L, K, 0.5f, x, lda, y, ldb, 2.0f, z, L);
            be->dgemm(&two, ta, tb, M, L, K, 0.5, xd, lda, yd, ldb, 2.0, zd, L);
            double e = 0, ed = 0;
            for (int i = 0; i < M; i++)
                for (int j = 0; j < L; j++) {
                    double r = 2.0 * z0[i * L + j];
                    for (int p = 0; p < K; p++) r += 0.5 * op(x, lda, ta, i, p) * op(y, ldb, !tb, j, p);
                    e = fmax(e, fabs(z[i * L + j] - r)), ed = fmax(ed, fabs(zd[i * L + j] - r));
                }
            CHECK(e < 1e-5 && ed < 1e-12, "plain gemm ta=%d tb=%d: float err %g, double err %g", ta, tb, e, ed);
        }
    for (int t = 0; t < 2; t++) { /* C M x M = 1.5 op(A) op(A)^T + 0.5 C, A M x K (t = 0) or K x M (t = 1) */
        const int lda = t ? M : K;
        memcpy(z, z0, sizeof z);
        be->ssyrk(&two, t, M, K, 1.5f, x, lda, 0.5f, z, M);
        double e = 0;
        int kept = 1;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) {
                if (j < i) {
                    kept &= z[i * M + j] == z0[i * M + j];
                    continue;
                }
                double r = 0.5 * z0[i * M + j];
                for (int p = 0; p < K; p++) r += 1.5 * op(x, lda, t, i, p) * op(x, lda, t, j, p);
                e = fmax(e, fabs(z[i * M + j] - r));
            }
        CHECK(e < 1e-5 && kept, "plain ssyrk trans=%d: err %g, lower kept %d", t, e, kept);
    }
    for (int left = 0; left < 2; left++) { /* S from the upper triangle of x: M x M on the left, L x L on the right */
        const int S = left ? M : L, ldc = L;
        memcpy(z, z0, sizeof z);
        be->ssymm(&two, left, M, L, 1.0f, x, S, y, L, -1.0f, z, ldc);
        double e = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < L; j++) {
                double r = -1.0 * z0[i * ldc + j];
                for (int p = 0; p < S; p++) {
                    const int u = left ? i : p, v = left ? p : j;
                    const double sv = u <= v ? x[u * S + v] : x[v * S + u];
                    r += left ? sv * y[p * L + j] : y[i * L + p] * sv;
                }
                e = fmax(e, fabs(z[i * ldc + j] - r));
            }
        CHECK(e < 1e-5, "plain ssymm left=%d: err %g", left, e);
    }
}

static int case_no_room(void) {
    limit_room((uint64_t)64 << 20); /* less than one 128 MiB buffer */
    int rc = wk_blas_reserve();
    CHECK(rc == WK_ENOMEM && strstr(wk_last_error(), "ulimit -v") && strstr(wk_last_error(), "OpenBLAS"),
          "wk_blas_reserve without room: rc %d, message '%s'", rc, wk_last_error());
    product(c[0]);
    CHECK(err_of(c[0]) < 1e-5 * N, "product without an OpenBLAS buffer: err %g", err_of(c[0]));
    plain_products();
    return check_failed != 0;
}

static int case_two_threads(void) {
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, 3);
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, c[i]); /* stacks taken before the limit */
    pthread_barrier_wait(&start);
    limit_room(((uint64_t)128 << 20) + ((uint64_t)40 << 20)); /* one buffer fits, two do not */
    pthread_barrier_wait(&start);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++) CHECK(err_of(c[i]) < 1e-5 * N, "thread %d's product: err %g", i, err_of(c[i]));
    CHECK(wk_blas_reserve() == WK_OK, "after the race, the one buffer is held: %s", wk_last_error());
    return check_failed != 0;
}

static void run_child(const char *what, int (*fn)(void)) {
    fflush(stdout), fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(120); /* the old code hung here */
        check_failed = 0; /* this case's own failures */
        _exit(fn());
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s %d", what, WIFSIGNALED(st) ? "killed by signal" : "exit",
          WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

int main(int argc, char **argv) {
    (void)argc;
    wk_prefer_passive_wait(argv); /* OpenBLAS without its own workers, as the CLI starts it */
    wk_self_use u;
    wk_self_use_read(&u);
    if (u.vm > ((uint64_t)1 << 40)) {
        printf("test_blas_room: skipped (this build reserves %llu bytes of address space: a sanitizer)\n", (unsigned long long)u.vm);
        return 0;
    }
    fill(a, N * N, 1), fill(b, N * N, 2);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int p = 0; p < N; p++) s += (double)a[i * N + p] * b[p * N + j];
            ref[i * N + j] = s;
        }
    run_child("no room for one OpenBLAS buffer", case_no_room);
    run_child("two threads' first products with room for one buffer", case_two_threads);
    return check_summary("test_blas_room");
}
