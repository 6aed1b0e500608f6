/* dist.c — the MPI layer of wgankit (dist.h): launcher detection, start/stop, and the three
 * collectives the library needs (a fused mean all-reduce, an all-gather of one int, a hash
 * agreement), each a non-blocking MPI call polled against a deadline so that no rank waits
 * forever for one that died or hangs. The only file that includes mpi.h (WK_HAVE_MPI, set by
 * CMake when Open MPI is found); without it every collective is the identity of one rank.
 * Invariant: MPI is started only when a launcher started the process, so a plain run stays
 * a plain process (no singleton MPI_Init: it would spawn a runtime daemon for nothing). */
#include "wgankit/dist.h"
#include "dist/dist_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wgankit/error.h"
#include "wgankit/tensor.h"

#ifdef WK_HAVE_MPI
#include <mpi.h>
#endif

static int g_active, g_rank, g_size = 1, g_failed_rank = -1;
static wk_dist_stats g_stats;

int wk_dist_available(void) {
#ifdef WK_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

/* Open MPI's mpirun/prterun (OMPI_COMM_WORLD_SIZE), PMIx launchers such as srun --mpi=pmix
 * (PMIX_RANK), PMI-1/2 launchers such as srun --mpi=pmi2 or MPICH's hydra (PMI_SIZE). */
int wk_dist_launched(void) { return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE"); }

int wk_dist_active(void) { return g_active; }
int wk_dist_rank(void) { return g_rank; }
int wk_dist_size(void) { return g_size; }
wk_dist_stats wk_dist_get_stats(void) { return g_stats; }
int wk_dist_failed_rank(void) { return g_failed_rank; }

uint64_t wk_dist_hash(const void *bytes, size_t n, uint64_t h) {
    const unsigned char *p = bytes;
    if (!h) h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

#ifdef WK_HAVE_MPI
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int wk__mpi_fail(int code, const char *who, const char *what) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "MPI error %d", code);
    return wk_errorf(WK_ESYSTEM, "%s, rank %d of %d: %s: %s (another rank probably died)", who, g_rank, g_size, what, msg);
}

static int mpi_fail(int code, const char *what) { return wk__mpi_fail(code, "wgankit", what); }

/* Poll a request until it completes or `timeout` seconds pass. Spin first (an all-reduce of a
 * training step usually completes within microseconds of the last rank's arrival), then sleep
 * between polls so a rank waiting for a slower one leaves the core to it. */
static int wait_for(MPI_Request *req, double timeout, const char *what) {
    double t0 = now();
    for (long polls = 0;; polls++) {
        int done = 0, rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, what);
        if (done) return WK_OK;
        double el = now() - t0;
        if (el > timeout)
            return wk_errorf(WK_ESYSTEM, "rank %d of %d: %s: no answer from the other ranks for %.0f s (a rank died or hangs; "
                                         "--dist-timeout sets the wait)", g_rank, g_size, what, el);
        if (el > 2e-3) nanosleep(&(struct timespec){0, el > 1 ? 1000000 : 50000}, NULL);
    }
}
#endif

int wk_dist_init(int *argc, char ***argv) {
    if (g_active || !wk_dist_launched()) return WK_OK;
#ifdef WK_HAVE_MPI
    int inited = 0, provided;
    MPI_Initialized(&inited);
    /* FUNNELED: only the main thread calls MPI; OpenMP threads compute between the calls. */
    if (!inited && MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return wk_errorf(WK_ESYSTEM, "MPI_Init failed (started by a launcher: %s)", getenv("OMPI_COMM_WORLD_SIZE") ? "mpirun" : "PMI");
    /* errors come back as codes, so a failed peer becomes a message rather than a silent abort */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    g_active = 1;
    return WK_OK;
#else
    (void)argc, (void)argv;
    return WK_OK;
#endif
}

void wk_dist_finalize(void) {
#ifdef WK_HAVE_MPI
    if (g_active) MPI_Finalize();
#endif
    g_active = 0, g_rank = 0, g_size = 1;
}

void wk_dist_abort(int code) {
#ifdef WK_HAVE_MPI
    if (g_active) {
        fflush(stdout), fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, code);
    }
#else
    (void)code;
#endif
}

int wk_dist_allreduce_mean(float *buf, int64_t n, double timeout, const char *what) {
    if (g_size == 1) return WK_OK;
#ifdef WK_HAVE_MPI
    if (n > 2147483647) return wk_errorf(WK_EUNSUPPORTED, "%s: %lld floats in one all-reduce (at most 2^31 - 1)", what, (long long)n);
    double t0 = now();
    MPI_Request req;
    int rc = MPI_Iallreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &req);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, what);
    if ((rc = wait_for(&req, timeout, what))) return rc;
    const float inv = 1.0f / (float)g_size;
    for (int64_t i = 0; i < n; i++) buf[i] *= inv;
    g_stats.seconds += now() - t0;
    g_stats.calls++;
    g_stats.floats += n;
    return WK_OK;
#else
    (void)buf, (void)n, (void)timeout, (void)what;
    return WK_OK;
#endif
}

int wk_dist_allgather_int(int value, int *all, double timeout, const char *what) {
    all[0] = value;
    if (g_size == 1) return WK_OK;
#ifdef WK_HAVE_MPI
    MPI_Request req;
    int rc = MPI_Iallgather(&value, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD, &req);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, what);
    return wait_for(&req, timeout, what);
#else
    (void)timeout, (void)what;
    return WK_OK;
#endif
}

int wk_dist_same_hash(uint64_t hash, int *first_other, double timeout, const char *what) {
    *first_other = -1;
    if (g_size == 1) return WK_OK;
#ifdef WK_HAVE_MPI
    uint64_t *all = wk_malloc((size_t)g_size * sizeof *all);
    if (!all) return WK_ENOMEM;
    MPI_Request req;
    int rc = MPI_Iallgather(&hash, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, MPI_COMM_WORLD, &req);
    if (rc != MPI_SUCCESS) rc = mpi_fail(rc, what);
    else rc = wait_for(&req, timeout, what);
    for (int r = 1; !rc && r < g_size && *first_other < 0; r++)
        if (all[r] != all[0]) *first_other = r;
    wk_free(all);
    return rc;
#else
    (void)hash, (void)timeout, (void)what;
    return WK_OK;
#endif
}

int wk_dist_agree(int status, double timeout, const char *what) {
    if (g_size == 1) return status;
    int *all = wk_malloc((size_t)g_size * sizeof *all);
    if (!all) return WK_ENOMEM;
    int rc = wk_dist_allgather_int(status, all, timeout, what);
    for (int r = 0; !rc && r < g_size; r++)
        if (all[r]) {
            g_failed_rank = r;
            rc = r == g_rank ? status : wk_errorf(all[r], "rank %d of %d could not %s (its message is above)", r, g_size, what);
            break;
        }
    wk_free(all);
    return rc;
}
