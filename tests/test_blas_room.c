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
 *  3. Room for one buffer, claimed by wk_blas_reserve for a direct cblas product in one thread
 *     while a backend product runs in another: the claim holds until wk_blas_release, so the
 *     backend product computes without OpenBLAS instead of making it ask for a second buffer
 *     (the reserve used to give the buffer straight back: a hang, found by a review).
 * Skipped (exit 0 with a line) where the process cannot live under RLIMIT_AS (a sanitizer build
 * reserves terabytes of shadow memory). */
#include <cblas.h>
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
#include "backend_products.h"
#include "core/self_memory.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#define NB 512
static float a[NB * NB], b[NB * NB], c[2][NB * NB];
static double ref[NB * NB];
static pthread_barrier_t start;

/* max |c - A B| over the product's entries */
static double err_of(const float *cc) {
    double e = 0;
    for (int i = 0; i < NB * NB; i++) e = fmax(e, fabs(cc[i] - ref[i]));
    return e;
}

static void product(float *out) {
    wk_exec one = wk_exec_make(1);
    wk_backend_for(WK_DEVICE_CPU)->sgemm(&one, 0, 0, NB, NB, NB, 1.0f, a, NB, b, NB, 0.0f, out, NB);
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

static int case_no_room(void) {
    limit_room((uint64_t)64 << 20); /* less than one 128 MiB buffer */
    int rc = wk_blas_reserve();
    CHECK(rc == WK_ENOMEM && strstr(wk_last_error(), "ulimit -v") && strstr(wk_last_error(), "OpenBLAS"),
          "wk_blas_reserve without room: rc %d, message '%s'", rc, wk_last_error());
    product(c[0]);
    CHECK(err_of(c[0]) < 1e-5 * NB, "product without an OpenBLAS buffer: err %g", err_of(c[0]));
    wk_exec three = wk_exec_make(3); /* a team, as the split would use: the plain loops ignore it */
    three.blas_par_min = 0;
    backend_products_check(&three);
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
    for (int i = 0; i < 2; i++) CHECK(err_of(c[i]) < 1e-5 * NB, "thread %d's product: err %g", i, err_of(c[i]));
    CHECK(wk_blas_reserve() == WK_OK, "after the race, the one buffer is held: %s", wk_last_error());
    wk_blas_release();
    return check_failed != 0;
}

static void *direct_worker(void *arg) {
    void *volatile p = malloc(64); /* this thread's malloc arena, before the limit */
    free(p);
    pthread_barrier_wait(&start); /* the limit is set */
    pthread_barrier_wait(&start); /* the buffer is claimed */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, NB, NB, NB, 1.0f, a, NB, b, NB, 0.0f, arg, NB);
    return NULL;
}

static int case_reserve_held(void) {
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, 3);
    pthread_create(&t[0], NULL, direct_worker, c[0]);
    pthread_create(&t[1], NULL, worker, c[1]);
    pthread_barrier_wait(&start);
    limit_room(((uint64_t)128 << 20) + ((uint64_t)40 << 20)); /* one buffer fits, two do not */
    const int rc = wk_blas_reserve();
    CHECK(rc == WK_OK, "the one buffer reserved: %s", rc ? wk_last_error() : "");
    pthread_barrier_wait(&start);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    if (rc == WK_OK) wk_blas_release();
    CHECK(err_of(c[0]) < 1e-5 * NB, "the direct cblas product: err %g", err_of(c[0]));
    CHECK(err_of(c[1]) < 1e-5 * NB, "the backend product beside it: err %g", err_of(c[1]));
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
    unsigned seed = 1;
    fill(a, NB * NB, &seed), fill(b, NB * NB, &seed);
    for (int i = 0; i < NB; i++)
        for (int j = 0; j < NB; j++) {
            double s = 0;
            for (int p = 0; p < NB; p++) s += (double)a[i * NB + p] * b[p * NB + j];
            ref[i * NB + j] = s;
        }
    run_child("no room for one OpenBLAS buffer", case_no_room);
    run_child("two threads' first products with room for one buffer", case_two_threads);
    run_child("a reserved buffer held while a backend product runs beside it", case_reserve_held);
    return check_summary("test_blas_room");
}
