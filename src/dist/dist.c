/* dist.c — the MPI layer of wgankit (dist.h): launcher detection, start/stop, and the three
 * collectives the library needs (a fused mean all-reduce, an all-gather of one int, a hash
 * agreement), each a non-blocking MPI call polled against a deadline so that no rank waits
 * forever for one that died or hangs. The only file that includes mpi.h (WK_HAVE_MPI, set by
 * CMake when Open MPI is found); without it every collective is the identity of one rank.
 * Invariant: MPI is started only when a launcher started the process, so a plain run stays
 * a plain process (no singleton MPI_Init: it would spawn a runtime daemon for nothing).
 *
 * The mean all-reduce of a job whose ranks share one node goes through an MPI-3 shared-memory
 * window (MPI_Win_allocate_shared) instead of MPI_Iallreduce: each rank packs its gradients
 * straight into its slot, raises its flag, sums one K-th of the elements over the K slots in rank
 * order and publishes it, then every rank unpacks the whole mean. A 2 MB gradient buffer costs a few
 * memory passes (Open MPI's non-blocking all-reduce, progressed only while polled, took several
 * ms for it: issue 16's profile), and the sum in rank order is exactly the sum in shard order
 * of a single process with --data-shards K, for every K (MPI_SUM's order is unspecified).
 * Ranks on several nodes keep MPI_Iallreduce. The flags are C11 atomics in the window, polled
 * against the same deadline as every other wait. */
#include "wgankit/dist.h"
#include "dist/dist_internal.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wgankit/error.h"
#include "wgankit/tensor.h"

#ifdef WK_HAVE_MPI
#include <mpi.h>
#endif

static int g_active, g_rank, g_size = 1, g_failed_rank = -1, g_peer_lost;
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

/* FNV-1a steps over 8-byte words in four independent lanes, then the lanes and the tail bytes
 * folded in: each step is a bijection of a lane's state for a given word, so inputs that differ
 * in one place always hash differently; four lanes keep the multiplies' latency off the
 * critical path (a byte at a time took 0.27 s for Fashion-MNIST's 188 MB, hashed at every load
 * for the data fingerprint). Not cryptographic: it detects differences, not tampering. */
uint64_t wk_dist_hash(const void *bytes, size_t n, uint64_t h) {
    const uint64_t prime = 1099511628211ULL;
    const unsigned char *p = bytes;
    if (!h) h = 1469598103934665603ULL;
    uint64_t lane[4] = {h, h ^ 0x9e3779b97f4a7c15ULL, h ^ 0xbf58476d1ce4e5b9ULL, h ^ 0x94d049bb133111ebULL};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, sizeof w);
            lane[k] = (lane[k] ^ w) * prime;
        }
    if (i) /* at least one block: the lanes become the state */
        for (int k = 0; k < 4; k++) h = (h ^ lane[k]) * prime;
    for (; i < n; i++) h = (h ^ p[i]) * prime;
    return h;
}

#ifdef WK_HAVE_MPI
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
    double t0 = wk_monotonic_s();
    for (long polls = 0;; polls++) {
        int done = 0, rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, what);
        if (done) return WK_OK;
        double el = wk_monotonic_s() - t0;
        if (el > timeout)
            return wk_errorf(WK_ESYSTEM, "rank %d of %d: %s: no answer from the other ranks for %.0f s (a rank died or hangs; "
                                         "dist_timeout=%g sets the wait)", g_rank, g_size, what, el, timeout);
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

#ifdef WK_HAVE_MPI
/* ---- the node-local mean all-reduce ---------------------------------------------------------
 * Window layout: K "arrived" flags, K "summed" flags (one cache line each), K slots of g_cap
 * floats, the mean (g_cap floats). Call c (1, 2, ...): a rank writes its slot, sets arrived = c
 * and waits until every arrived >= c (every slot is written); it sums its share of the elements
 * into the mean, sets summed = c and waits until every summed >= c (the mean is whole); then it
 * reads the mean. A rank writes its slot of call c + 1 only after every rank has summed call c,
 * and the mean of call c + 1 only after every rank has passed its arrival, so after it read the
 * mean of call c: no slot or mean is written while another rank reads it. */
typedef struct {
    _Atomic uint64_t v;
    char pad[64 - sizeof(uint64_t)];
} shm_flag;

static int g_shm = 0; /* 0 not tried yet, 1 in use, -1 ranks on several nodes (MPI_Iallreduce) */
static MPI_Comm g_node = MPI_COMM_NULL;
static MPI_Win g_win = MPI_WIN_NULL;
static shm_flag *g_arrived, *g_summed;
static float *g_slots, *g_mean;
static int64_t g_cap;
static uint64_t g_call;

/* A non-blocking barrier with the deadline: every rank is alive and here before a blocking
 * collective (the window's creation) that could not be left if one were not. */
static int barrier(double timeout, const char *what) {
    MPI_Request req;
    int rc = MPI_Ibarrier(MPI_COMM_WORLD, &req);
    return rc != MPI_SUCCESS ? mpi_fail(rc, what) : wait_for(&req, timeout, what);
}

static void shm_free(void) {
    if (g_win != MPI_WIN_NULL) MPI_Win_free(&g_win);
    g_arrived = g_summed = NULL, g_slots = g_mean = NULL, g_cap = 0;
}

/* The window for n floats per rank (made at the first all-reduce, grown by a longer one: every
 * rank reduces the same lengths in the same order, so they all come here together). 1 when the
 * window is in use, 0 for MPI_Iallreduce, < 0 an error. */
static int shm_ready(int64_t n, double timeout, const char *what) {
    if (g_shm < 0 || (g_shm > 0 && n <= g_cap)) return g_shm > 0;
    const char *env = getenv("WK_DIST_ALLREDUCE"); /* "mpi": Open MPI's all-reduce (bench_mpi.sh compares) */
    int rc = barrier(timeout, what);
    if (rc) return rc;
    if (!g_shm) {
        int node_size = 0;
        if (env && !strcmp(env, "mpi")) g_shm = -1;
        else if ((rc = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &g_node)) != MPI_SUCCESS)
            return mpi_fail(rc, what);
        else {
            MPI_Comm_size(g_node, &node_size);
            g_shm = node_size == g_size ? 1 : -1;
        }
        if (g_shm < 0) return 0;
    }
    shm_free();
    int64_t cap = (n + 15) / 16 * 16; /* slots start on 64-byte lines */
    MPI_Aint bytes = (MPI_Aint)(2 * g_size * (int64_t)sizeof(shm_flag) + (g_size + 1) * cap * (int64_t)sizeof(float));
    void *base = NULL;
    MPI_Aint size;
    int unit;
    if ((rc = MPI_Win_allocate_shared(g_rank == 0 ? bytes : 0, 1, MPI_INFO_NULL, g_node, &base, &g_win)) != MPI_SUCCESS ||
        (rc = MPI_Win_shared_query(g_win, 0, &size, &unit, &base)) != MPI_SUCCESS)
        return mpi_fail(rc, "allocating the all-reduce's shared memory");
    g_arrived = base;
    g_summed = g_arrived + g_size;
    g_slots = (float *)(g_summed + g_size);
    g_mean = g_slots + g_size * cap;
    g_cap = cap, g_call = 0;
    if (g_rank == 0)
        for (int r = 0; r < g_size; r++) atomic_init(&g_arrived[r].v, 0), atomic_init(&g_summed[r].v, 0);
    if ((rc = barrier(timeout, what))) return rc; /* the flags are zero before anyone raises one */
    return 1;
}

/* Until every flag is >= c: spin briefly (the ranks of a step arrive within microseconds), then
 * yield the core (more ranks than cores), then nap; the deadline as wait_for's. */
static int shm_wait(shm_flag *f, uint64_t c, double timeout, const char *what) {
    double t0 = 0;
    for (long polls = 0;; polls++) {
        int all = 1;
        for (int r = 0; r < g_size && all; r++) all = atomic_load_explicit(&f[r].v, memory_order_acquire) >= c;
        if (all) return WK_OK;
        if (polls < 2000) continue;
        double t = wk_monotonic_s();
        if (!t0) t0 = t;
        if (t - t0 > timeout)
            return wk_errorf(WK_ESYSTEM, "rank %d of %d: %s: no answer from the other ranks for %.0f s (a rank died or hangs; "
                                         "dist_timeout=%g sets the wait)", g_rank, g_size, what, t - t0, timeout);
        if (t - t0 < 2e-3) sched_yield();
        else nanosleep(&(struct timespec){0, t - t0 > 1 ? 1000000 : 50000}, NULL);
    }
}

static int shm_allreduce_mean(int64_t n, wk_dist_pack_fn pack, wk_dist_unpack_fn unpack, void *ctx, double timeout, const char *what) {
    uint64_t c = ++g_call;
    pack(g_slots + g_rank * g_cap, ctx); /* straight into this rank's slot: no copy */
    atomic_store_explicit(&g_arrived[g_rank].v, c, memory_order_release);
    int rc = shm_wait(g_arrived, c, timeout, what);
    if (rc) return rc;
    /* this rank's share, summed in rank order: ((x0 + x1) + x2) + ..., then times 1/K */
    int64_t lo = n * g_rank / g_size, hi = n * (g_rank + 1) / g_size;
    float *restrict m = g_mean;
    memcpy(m + lo, g_slots + lo, (size_t)(hi - lo) * sizeof(float));
    for (int r = 1; r < g_size; r++) {
        const float *restrict x = g_slots + r * g_cap;
        for (int64_t i = lo; i < hi; i++) m[i] += x[i];
    }
    const float inv = 1.0f / (float)g_size;
    for (int64_t i = lo; i < hi; i++) m[i] *= inv;
    atomic_store_explicit(&g_summed[g_rank].v, c, memory_order_release);
    if ((rc = shm_wait(g_summed, c, timeout, what))) return rc;
    unpack(g_mean, ctx);
    return WK_OK;
}
#endif

void wk__dist_peer_lost(void) { g_peer_lost = 1; }

void wk_dist_finalize(void) {
#ifdef WK_HAVE_MPI
    if (g_active && g_peer_lost) {
        fflush(stdout), fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (g_active) {
        shm_free();
        if (g_node != MPI_COMM_NULL) MPI_Comm_free(&g_node);
        g_shm = 0;
        MPI_Finalize();
    }
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

int wk_dist_allreduce_mean_packed(float *scratch, int64_t n, wk_dist_pack_fn pack, wk_dist_unpack_fn unpack, void *ctx, double timeout,
                                  const char *what) {
    if (g_size == 1) {
        pack(scratch, ctx);
        unpack(scratch, ctx);
        return WK_OK;
    }
#ifdef WK_HAVE_MPI
    if (n > 2147483647) return wk_errorf(WK_EUNSUPPORTED, "%s: %lld floats in one all-reduce (at most 2^31 - 1)", what, (long long)n);
    double t0 = wk_monotonic_s();
    int rc = shm_ready(n, timeout, what);
    if (rc < 0) return rc;
    if (rc) {
        if ((rc = shm_allreduce_mean(n, pack, unpack, ctx, timeout, what))) return rc;
    } else {
        pack(scratch, ctx);
        MPI_Request req;
        if ((rc = MPI_Iallreduce(MPI_IN_PLACE, scratch, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &req)) != MPI_SUCCESS)
            return mpi_fail(rc, what);
        if ((rc = wait_for(&req, timeout, what))) return rc;
        const float inv = 1.0f / (float)g_size;
        for (int64_t i = 0; i < n; i++) scratch[i] *= inv;
        unpack(scratch, ctx);
    }
    g_stats.seconds += wk_monotonic_s() - t0;
    g_stats.calls++;
    g_stats.floats += n;
    return WK_OK;
#else
    (void)n, (void)timeout, (void)what;
    return WK_OK;
#endif
}

typedef struct {
    float *buf;
    int64_t n;
} plain_buf;

static void pack_copy(float *dst, void *ctx) {
    const plain_buf *b = ctx;
    if (dst != b->buf) memcpy(dst, b->buf, (size_t)b->n * sizeof(float));
}

static void unpack_copy(const float *src, void *ctx) {
    const plain_buf *b = ctx;
    if (src != b->buf) memcpy(b->buf, src, (size_t)b->n * sizeof(float));
}

int wk_dist_allreduce_mean(float *buf, int64_t n, double timeout, const char *what) {
    if (g_size == 1) return WK_OK;
    plain_buf b = {buf, n};
    return wk_dist_allreduce_mean_packed(buf, n, pack_copy, unpack_copy, &b, timeout, what);
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
