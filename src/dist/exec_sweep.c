/* exec_sweep.c — a sweep's points on the ranks of an MPI job (dist.h, sweep.h's executor).
 *
 * Rank 0 runs the sweep engine; its executor has one slot per rank: slot 0 is a child process
 * of rank 0, slot r >= 1 is rank r, told by a message (TAG_RUN: the point's index, log path and
 * train arguments) to start the same child process on its node and answering with how it ended
 * (TAG_DONE). Every point is therefore exactly `wgankit train ARGS` (wk_sweep_point_argv), as
 * under the local executor, so the results do not depend on the executor. The children get the
 * environment without the launcher's variables: they are plain processes, not MPI ranks.
 * No call blocks without polling: rank 0 polls its child and the workers' answers; a worker
 * polls its child and rank 0's messages (TAG_STOP: stop the point; TAG_QUIT: end).
 *
 * Heartbeats (a lost rank, issue 16): every second a worker sends rank 0 a TAG_BEAT, and rank 0,
 * while it waits for points, sends each worker one carrying the timeout (--dist-timeout). A
 * worker with a point that rank 0 has not heard from for longer than the timeout is declared
 * lost: its point is handed back to the engine as lost (not recorded: it keeps its checkpoint
 * and reruns on resume), its rank gets no more points, and the sweep goes on with the others.
 * That needs `mpirun --enable-recovery` (Open MPI 4.1), without which the launcher itself ends
 * the whole job when a rank dies (the points then resume from their checkpoints on a rerun).
 * A worker that hears nothing from rank 0 for longer than the timeout stops its point and
 * ends the job. Rank 0 tells the workers when it leaves the executor with nothing running
 * (TAG_PAUSE: an experiment then computes on rank 0 alone, maybe for long), and a paused worker
 * does not count rank 0's silence. Each rank keeps at most one heartbeat in flight to each
 * other (MPI_Isend, tested before the next), so a stopped rank cannot fill a queue. After a
 * lost rank the job ends with MPI_Abort (MPI_Finalize would wait for a hung rank). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dist/dist_internal.h"
#include "sweep/sweep_internal.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#ifdef WK_HAVE_MPI
#include <mpi.h>

enum { TAG_RUN = 71, TAG_STOP, TAG_QUIT, TAG_DONE, TAG_BEAT, TAG_PAUSE };

static const double BEAT_S = 1; /* seconds between heartbeats */

extern char **environ;

/* 10 ms between polls: a point runs for seconds at least. EINTR (a signal) returns 1. */
static int nap(void) { return nanosleep(&(struct timespec){0, 10000000}, NULL) != 0 && errno == EINTR; }

/* This process's environment without the launcher's variables (OMPI_*, PMIX_*, PMI_*), built
 * once: a child that saw them would take itself for a rank. */
static char **plain_env(void) {
    size_t n = 0;
    while (environ[n]) n++;
    char **env = wk_malloc((n + 1) * sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "OMPI_", 5) && strncmp(environ[i], "PMIX_", 5) && strncmp(environ[i], "PMI_", 4)) env[k++] = environ[i];
    env[k] = NULL;
    return env;
}

typedef struct {
    pid_t pid;
    double t0;
} local_child;

/* Wait (polling) for a child without blocking; 1 when it ended, filling exit/signal. */
static int child_ended(pid_t pid, int *exit_code, int *sig) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r != pid) return 0;
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    *sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return 1;
}

/* SIGTERM to the child's group, SIGKILL after 10 s, reaped. */
static void child_stop(pid_t pid, int *exit_code, int *sig) {
    kill(-pid, SIGTERM);
    double t0 = wk_monotonic_s();
    while (!child_ended(pid, exit_code, sig)) {
        if (wk_monotonic_s() - t0 > 10) kill(-pid, SIGKILL);
        nap();
    }
}

/* ---- rank 0 ---------------------------------------------------------------------------- */
typedef struct {
    char exe[4096];
    char **env;
    int size, running, lost;
    int64_t *index;     /* [size]: the point of each slot, -1 when free */
    double *t0;         /* [size] */
    double *heard;      /* [size]: when rank 0 last heard from the rank (or gave it a point) */
    int *dead;          /* [size]: declared lost */
    MPI_Request *beat;  /* [size]: the heartbeat in flight to each worker */
    double timeout;     /* the heartbeat timeout, also the payload of rank 0's heartbeats */
    double last_beat;   /* when rank 0 last sent heartbeats */
    double left;        /* when mpi_wait_any last returned (0: not yet) */
    int first_lost;     /* the first rank declared lost, -1 */
    pid_t own;          /* slot 0's child */
} pool;

/* One heartbeat to `dest` unless the previous one is still in flight. */
static void beat(MPI_Request *req, const void *payload, int bytes, int dest) {
    int done = 1;
    if (*req != MPI_REQUEST_NULL && MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return;
    if (done) MPI_Isend(payload, bytes, MPI_CHAR, dest, TAG_BEAT, MPI_COMM_WORLD, req);
}

/* A heartbeat never answered (its receiver died or hangs): let it go. */
static void beat_drop(MPI_Request *req) {
    int done = 0;
    if (*req != MPI_REQUEST_NULL && (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || !done)) MPI_Request_free(req);
    *req = MPI_REQUEST_NULL;
}

static int mpi_fail(int code, const char *what) { return wk__mpi_fail(code, "sweep", what); }

static int mpi_start(void *ctx, int64_t index, char *const argv[], const char *log_path) {
    pool *p = ctx;
    int slot = -1;
    for (int s = 0; s < p->size && slot < 0; s++)
        if (p->index[s] < 0 && !p->dead[s]) slot = s;
    if (slot < 0) return wk_errorf(WK_EINTERNAL, "sweep: more points started than %d ranks", p->size);
    if (slot == 0) {
        int rc = wk__sweep_spawn(p->exe, argv, log_path, p->env, &p->own);
        if (rc) return rc;
    } else { /* index (8 bytes), then log path and arguments, each NUL-terminated */
        size_t len = 8 + strlen(log_path) + 1;
        for (int i = 0; argv[i]; i++) len += strlen(argv[i]) + 1;
        if (len > (1u << 30)) return wk_errorf(WK_EINVAL, "sweep: a point's arguments are too long");
        char *m = wk_malloc(len);
        if (!m) return WK_ENOMEM;
        memcpy(m, &index, 8);
        size_t o = 8;
        const char *parts[1] = {log_path};
        for (int i = -1; i == -1 || argv[i]; i++) {
            const char *a = i < 0 ? parts[0] : argv[i];
            size_t l = strlen(a) + 1;
            memcpy(m + o, a, l), o += l;
        }
        /* synchronous enough: the worker is idle (its slot is free) and receives at once */
        int rc = MPI_Send(m, (int)len, MPI_CHAR, slot, TAG_RUN, MPI_COMM_WORLD);
        wk_free(m);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "sending a point");
    }
    p->index[slot] = index;
    p->t0[slot] = p->heard[slot] = wk_monotonic_s();
    p->running++;
    return WK_OK;
}

/* Nothing runs any more: the workers stop counting rank 0's silence until their next point. */
static void pause_workers(pool *p) {
    for (int r = 1; r < p->size; r++)
        if (!p->dead[r]) MPI_Send(NULL, 0, MPI_CHAR, r, TAG_PAUSE, MPI_COMM_WORLD);
}

static int wait_any(pool *p, wk_sweep_outcome *out) {
    for (;;) {
        if (p->index[0] >= 0 && child_ended(p->own, &out->exit_code, &out->signal)) {
            out->index = p->index[0];
            out->wall_s = wk_monotonic_s() - p->t0[0];
            p->index[0] = -1;
            if (--p->running == 0) pause_workers(p);
            return WK_OK;
        }
        int flag = 0;
        MPI_Status st;
        int rc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "waiting for the ranks");
        int r = flag ? st.MPI_SOURCE : -1;
        if (flag && st.MPI_TAG == TAG_DONE) {
            double d[4];
            if ((rc = MPI_Recv(d, 4, MPI_DOUBLE, r, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE)) != MPI_SUCCESS)
                return mpi_fail(rc, "receiving a point's end");
            if (r <= 0 || r >= p->size || p->dead[r] || p->index[r] != (int64_t)d[0]) continue; /* a lost rank's late answer */
            p->heard[r] = wk_monotonic_s();
            out->index = (int64_t)d[0], out->exit_code = (int)d[1], out->signal = (int)d[2], out->wall_s = d[3];
            p->index[r] = -1;
            if (--p->running == 0) pause_workers(p);
            return WK_OK;
        }
        if (flag) { /* a heartbeat (or anything else a worker sends: it is alive) */
            int len;
            MPI_Get_count(&st, MPI_CHAR, &len);
            char buf[64], *m = len <= (int)sizeof buf ? buf : wk_malloc((size_t)len);
            if (!m) return WK_ENOMEM;
            MPI_Recv(m, len, MPI_CHAR, r, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (m != buf) wk_free(m);
            if (r > 0 && r < p->size) p->heard[r] = wk_monotonic_s();
            continue; /* read every queued message before judging silence */
        }
        double t = wk_monotonic_s();
        if (t - p->last_beat >= BEAT_S) {
            for (int w = 1; w < p->size; w++)
                if (!p->dead[w]) beat(&p->beat[w], &p->timeout, (int)sizeof p->timeout, w);
            p->last_beat = t;
        }
        for (int w = 1; w < p->size; w++) {
            if (p->dead[w] || p->index[w] < 0 || t - p->heard[w] <= p->timeout) continue;
            /* silent for longer than the timeout: died or hangs. Its point is not finished. */
            p->dead[w] = 1, p->lost++;
            if (p->first_lost < 0) p->first_lost = w;
            beat_drop(&p->beat[w]);
            wk__dist_peer_lost();
            out->index = p->index[w], out->exit_code = -1, out->lost = 1, out->wall_s = t - p->t0[w];
            p->index[w] = -1;
            if (--p->running == 0) pause_workers(p);
            return WK_OK;
        }
        if (nap()) return wk_errorf(WK_EINTR, "sweep interrupted");
    }
}

/* Silence is counted only while rank 0 listens: the time it spent away since the last return
 * (recording a point, starting the next) moves every worker's last word forward by as much,
 * and the heartbeats queued meanwhile are read before any worker is judged. (Not a restart of
 * the count at each entry: on a terminal the engine re-enters every second, after its progress
 * tick, and under mpirun the ranks' output is a pty, so a dead rank was never silent for more
 * than a second and a sweep under --enable-recovery waited for it for ever.) */
static int mpi_wait_any(void *ctx, wk_sweep_outcome *out) {
    pool *p = ctx;
    if (p->running == 0) return wk_errorf(WK_EINTERNAL, "sweep: waiting with no point running");
    memset(out, 0, sizeof *out);
    double entered = wk_monotonic_s();
    if (p->left > 0)
        for (int w = 1; w < p->size; w++) p->heard[w] += entered - p->left;
    int rc = wait_any(p, out);
    p->left = wk_monotonic_s();
    return rc;
}

static void mpi_stop(void *ctx) {
    pool *p = ctx;
    int e, s;
    if (p->index[0] >= 0) child_stop(p->own, &e, &s), p->index[0] = -1, p->running--;
    for (int r = 1; r < p->size; r++)
        if (p->index[r] >= 0 && !p->dead[r]) MPI_Send(NULL, 0, MPI_CHAR, r, TAG_STOP, MPI_COMM_WORLD);
    double t0 = wk_monotonic_s(), d[4];
    while (p->running > 0 && wk_monotonic_s() - t0 < 20) { /* each worker answers with its stopped point */
        int flag = 0;
        MPI_Status st;
        if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS) break;
        if (!flag) {
            nap();
            continue;
        }
        MPI_Recv(d, 4, MPI_DOUBLE, st.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (p->index[st.MPI_SOURCE] >= 0) p->index[st.MPI_SOURCE] = -1, p->running--;
    }
    if (p->running > 0) wk__dist_peer_lost(); /* a rank that did not answer: MPI_Finalize would wait for it */
}

static void mpi_destroy(void *ctx) {
    pool *p = ctx;
    if (!p) return;
    for (int r = 1; r < p->size; r++) {
        beat_drop(&p->beat[r]);
        if (!p->dead[r]) MPI_Send(NULL, 0, MPI_CHAR, r, TAG_QUIT, MPI_COMM_WORLD);
    }
    wk_free(p->env), wk_free(p->index), wk_free(p->t0), wk_free(p->heard), wk_free(p->dead), wk_free(p->beat), wk_free(p);
}

void wk_dist_sweep_set_timeout(const struct wk_sweep_executor *ex, double seconds) {
    if (ex && ex->start == mpi_start && seconds >= 1) ((pool *)ex->ctx)->timeout = seconds;
}

int wk_dist_sweep_lost(const struct wk_sweep_executor *ex, int *first_rank) {
    if (!ex || ex->start != mpi_start) return 0;
    const pool *p = ex->ctx;
    if (first_rank) *first_rank = p->first_lost;
    return p->lost;
}

int wk_dist_sweep_executor(struct wk_sweep_executor *ex, const char *exe) {
    if (!wk_dist_active()) return wk_errorf(WK_EINVAL, "sweep: the MPI executor needs a job started by mpirun or srun");
    pool *p = wk_calloc(1, sizeof *p);
    int size = wk_dist_size();
    if (!p || !(p->env = plain_env()) || !(p->index = wk_malloc((size_t)size * sizeof *p->index)) ||
        !(p->t0 = wk_calloc((size_t)size, sizeof *p->t0)) || !(p->heard = wk_calloc((size_t)size, sizeof *p->heard)) ||
        !(p->dead = wk_calloc((size_t)size, sizeof *p->dead)) || !(p->beat = wk_malloc((size_t)size * sizeof *p->beat))) {
        if (p) wk_free(p->env), wk_free(p->index), wk_free(p->t0), wk_free(p->heard), wk_free(p->dead), wk_free(p);
        return WK_ENOMEM;
    }
    wk__sweep_resolve_exe(exe, p->exe, sizeof p->exe);
    p->size = size;
    p->timeout = WK_DIST_TIMEOUT_DEFAULT;
    p->first_lost = -1;
    for (int r = 0; r < size; r++) p->index[r] = -1, p->beat[r] = MPI_REQUEST_NULL;
    /* as --jobs K on one machine: the node's cores shared by the ranks on it */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long on_node = local ? atol(local) : size;
    if (cores < 1) cores = 1;
    if (on_node < 1) on_node = 1;
    ex->ctx = p;
    ex->slots = size;
    ex->threads_per_point = cores / on_node > 1 ? (int)(cores / on_node) : 1;
    ex->start = mpi_start;
    ex->wait_any = mpi_wait_any;
    ex->stop = mpi_stop;
    ex->destroy = mpi_destroy;
    return WK_OK;
}

/* ---- ranks 1..K-1 ---------------------------------------------------------------------- */
static int reply(int64_t index, int exit_code, int sig, double wall) {
    double d[4] = {(double)index, exit_code, sig, wall};
    int rc = MPI_Send(d, 4, MPI_DOUBLE, 0, TAG_DONE, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? WK_OK : mpi_fail(rc, "answering rank 0");
}

int wk_dist_sweep_worker(const char *exe) {
    char path[4096];
    wk__sweep_resolve_exe(exe, path, sizeof path);
    char **env = plain_env();
    if (!env) return WK_ENOMEM;
    pid_t pid = 0;
    int64_t index = -1;
    /* paused: rank 0 is not waiting for points (before the first, or it said so): its silence is
     * not counted and this rank sends no heartbeats */
    int paused = 1;
    double t0 = 0, heard = wk_monotonic_s(), last_beat = 0, timeout = WK_DIST_TIMEOUT_DEFAULT;
    MPI_Request beat_req = MPI_REQUEST_NULL;
    int rc = WK_OK;
    for (;;) {
        int e, s;
        if (pid > 0 && child_ended(pid, &e, &s)) {
            pid = 0;
            if ((rc = reply(index, e, s, wk_monotonic_s() - t0))) break;
        }
        int flag = 0;
        MPI_Status st;
        if ((rc = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st)) != MPI_SUCCESS) {
            rc = mpi_fail(rc, "waiting for rank 0");
            break;
        }
        if (!flag) {
            double t = wk_monotonic_s();
            if (!paused && t - heard > timeout) {
                if (pid > 0) child_stop(pid, &e, &s);
                wk__dist_peer_lost();
                rc = wk_errorf(WK_ESYSTEM, "no word from rank 0 for %.0f s (it died or hangs; dist_timeout=%g sets the wait): "
                                           "this rank's point stopped, it resumes from its checkpoint on a rerun", t - heard, timeout);
                break;
            }
            if (!paused && t - last_beat >= BEAT_S) beat(&beat_req, NULL, 0, 0), last_beat = t;
            nap();
            continue;
        }
        heard = wk_monotonic_s();
        int len;
        MPI_Get_count(&st, MPI_CHAR, &len);
        char *m = wk_malloc((size_t)len + 1);
        if (!m) {
            rc = WK_ENOMEM;
            break;
        }
        MPI_Recv(m, len, MPI_CHAR, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        m[len] = 0;
        if (st.MPI_TAG == TAG_BEAT && len == (int)sizeof(double)) {
            memcpy(&timeout, m, sizeof timeout);
            paused = 0;
        } else if (st.MPI_TAG == TAG_PAUSE) paused = pid == 0;
        else if (st.MPI_TAG == TAG_RUN && pid == 0 && len > 8) {
            paused = 0;
            memcpy(&index, m, 8);
            /* log path, then the arguments: NUL-separated strings up to len */
            int n = 0;
            for (int i = 8; i < len; i++) n += m[i] == 0;
            char **argv = wk_malloc((size_t)(n + 1) * sizeof *argv);
            if (!argv) {
                wk_free(m);
                rc = WK_ENOMEM;
                break;
            }
            int k = 0;
            for (int i = 8; i < len; i += (int)strlen(m + i) + 1) argv[k++] = m + i;
            argv[k] = NULL;
            t0 = wk_monotonic_s();
            rc = wk__sweep_spawn(path, argv + 1, argv[0], env, &pid);
            wk_free(argv);
            if (rc) { /* the point could not start here: it failed, the sweep goes on */
                pid = 0;
                rc = reply(index, 127, 0, 0);
            }
        } else if (st.MPI_TAG == TAG_STOP && pid > 0) {
            child_stop(pid, &e, &s);
            pid = 0;
            rc = reply(index, e, s, wk_monotonic_s() - t0);
        } else if (st.MPI_TAG == TAG_QUIT) {
            wk_free(m);
            if (pid > 0) child_stop(pid, &e, &s);
            break;
        }
        wk_free(m);
        if (rc) break;
    }
    beat_drop(&beat_req);
    wk_free(env);
    return rc;
}

#else /* no MPI in this build */
struct wk_sweep_executor;
int wk_dist_sweep_executor(struct wk_sweep_executor *ex, const char *exe) {
    (void)ex, (void)exe;
    return wk_errorf(WK_EUNSUPPORTED, "sweep: this wgankit was built without MPI");
}
int wk_dist_sweep_worker(const char *exe) {
    (void)exe;
    return wk_errorf(WK_EUNSUPPORTED, "sweep: this wgankit was built without MPI");
}
void wk_dist_sweep_set_timeout(const struct wk_sweep_executor *ex, double seconds) { (void)ex, (void)seconds; }
int wk_dist_sweep_lost(const struct wk_sweep_executor *ex, int *first_rank) {
    (void)ex;
    if (first_rank) *first_rank = -1;
    return 0;
}
#endif
