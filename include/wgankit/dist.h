/* dist.h — running one computation on several processes with Open MPI (issue 16): the only
 * door to MPI in wgankit. Everything else calls these functions; src/dist/dist.c is the one
 * file that includes mpi.h, and a build without MPI keeps the same functions, which then
 * say the feature is unavailable (WK_EUNSUPPORTED).
 *
 * The same binary runs with and without a launcher: wk_dist_init starts MPI only when the
 * environment says a launcher (mpirun, srun, prterun) started this process
 * (OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE), so a plain run never touches MPI and costs
 * nothing. Without a launcher the process is rank 0 of 1.
 *
 * Every collective here waits at most `timeout` seconds for the other ranks (a non-blocking
 * call polled against a deadline): a rank that died or hangs makes the others fail with a
 * message naming the wait (WK_ESYSTEM), never hang. The caller then ends the job with
 * wk_dist_abort, since an unfinished collective cannot be left cleanly. */
#ifndef WGANKIT_DIST_H
#define WGANKIT_DIST_H

#include <stddef.h>
#include <stdint.h>

/* Seconds a rank waits for the others (--dist-timeout's default): longer than rank 0's slowest
 * evaluation, which the others wait out. */
#define WK_DIST_TIMEOUT_DEFAULT 600.0

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when this build has MPI. */
int wk_dist_available(void);
/* 1 when a launcher started this process (by its environment), whether or not MPI is built in. */
int wk_dist_launched(void);
/* MPI_Init when launched (and built with MPI); a no-op otherwise. Idempotent. Errors: MPI
 * failed to start. */
int wk_dist_init(int *argc, char ***argv);
/* MPI_Finalize when wk_dist_init started MPI. */
void wk_dist_finalize(void);
/* 1 when MPI runs (wk_dist_init started it). */
int wk_dist_active(void);
int wk_dist_rank(void); /* 0 without MPI */
int wk_dist_size(void); /* 1 without MPI */
/* End every rank of the job with exit status `code` (MPI_Abort); without MPI, nothing. */
void wk_dist_abort(int code);

/* buf[0..n) <- the element-wise mean over the ranks (sum, then times 1/size: the same bits on
 * every rank). Ranks on one node: through shared memory, summed in rank order (((x0 + x1) + x2)
 * ...), the order of a single process's shards; ranks on several nodes, or WK_DIST_ALLREDUCE=mpi
 * in the environment: MPI_Iallreduce (MPI_SUM's order). `what` names the call in the timeout
 * message. */
int wk_dist_allreduce_mean(float *buf, int64_t n, double timeout, const char *what);
/* The same mean without a copy of the caller's buffer on one node: pack(dst, ctx) writes the n
 * floats to send into dst, unpack(src, ctx) reads the n floats of the mean from src; dst and
 * src are the shared window's (or `scratch`, n floats, on several nodes or one rank). A fused
 * all-reduce packs its tensors straight in and out (data_parallel.c). */
typedef void (*wk_dist_pack_fn)(float *dst, void *ctx);
typedef void (*wk_dist_unpack_fn)(const float *src, void *ctx);
int wk_dist_allreduce_mean_packed(float *scratch, int64_t n, wk_dist_pack_fn pack, wk_dist_unpack_fn unpack, void *ctx,
                                  double timeout, const char *what);
/* Every rank learns every rank's value: all[0..size) (all must hold wk_dist_size() ints). */
int wk_dist_allgather_int(int value, int *all, double timeout, const char *what);
/* A 64-bit FNV-1a-style hash of n bytes (four lanes of 8-byte words, then the tail; h = 0
 * starts it, a previous hash chains it), and whether every rank holds the same hash: *first_other = the
 * lowest rank whose hash differs from rank 0's, -1 when all agree. */
uint64_t wk_dist_hash(const void *bytes, size_t n, uint64_t h);
int wk_dist_same_hash(uint64_t hash, int *first_other, double timeout, const char *what);

/* Agreement before a collective phase: every rank passes its status (WK_OK or a WK_E* code).
 * WK_OK when all are OK; otherwise the lowest failing rank's status, on every rank, and from
 * then on wk_dist_failed_rank() names that rank: the ranks stop together and none needs to be
 * aborted. A rank other than the failing one gets a message naming it. */
int wk_dist_agree(int status, double timeout, const char *what);
int wk_dist_failed_rank(void); /* -1 until an agreement failed */

/* ---- sweeps on ranks (src/dist/exec_sweep.c) ----------------------------------------------
 * Under mpirun -np K wgankit sweep ...: rank 0 runs the sweep engine with this executor, whose
 * K slots are rank 0 itself and ranks 1..K-1 (each runs one point at a time, as a child process
 * `exe train ...` of its own, the launcher's variables removed from its environment so it is a
 * plain process); the other ranks run wk_dist_sweep_worker until rank 0's executor is destroyed.
 * threads_per_point = max(1, the node's cores / the ranks on the node), as --jobs K on one
 * machine gives. A rank that dies takes its point's child with it (PR_SET_PDEATHSIG); by default
 * the launcher then ends the job, the other points keep their checkpoints and finished points
 * their point.json, and a rerun with any K resumes (under mpirun --enable-recovery the other
 * ranks go on: below). Without MPI: WK_EUNSUPPORTED. */
struct wk_sweep_executor;
int wk_dist_sweep_executor(struct wk_sweep_executor *ex, const char *exe);
int wk_dist_sweep_worker(const char *exe);
/* Heartbeats: a worker rank with a point that rank 0 has not heard from for `seconds` (default
 * WK_DIST_TIMEOUT_DEFAULT; the sweep's --dist-timeout) is declared lost: its point is handed to
 * the engine as lost (wk_sweep_outcome.lost: not recorded, it resumes on a rerun), the other ranks
 * go on, and the job ends with MPI_Abort and status 1 after the sweep. It takes
 * `mpirun --enable-recovery`: by default Open MPI ends the whole job when a rank dies. A worker
 * that hears nothing from rank 0 for as long stops its point and ends the job. Not an MPI
 * executor: nothing. */
void wk_dist_sweep_set_timeout(const struct wk_sweep_executor *ex, double seconds);
/* How many worker ranks were declared lost, and the first of them (-1 none). */
int wk_dist_sweep_lost(const struct wk_sweep_executor *ex, int *first_rank);

/* Time spent inside the all-reduces since the start, their count and the floats reduced. */
typedef struct {
    double seconds;
    int64_t calls, floats;
} wk_dist_stats;
wk_dist_stats wk_dist_get_stats(void);

#ifdef __cplusplus
}
#endif
#endif
