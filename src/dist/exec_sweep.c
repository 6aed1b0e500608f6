/* exec_sweep.c — a sweep's points on the ranks of an MPI job (dist.h, sweep.h's executor).
 *
 * Rank 0 runs the sweep engine; its executor has one slot per rank: slot 0 is a child process
 * of rank 0, slot r >= 1 is rank r, told by a message (TAG_RUN: the point's index, log path and
 * train arguments) to start the same child process on its node and answering with how it ended
 * (TAG_DONE). Every point is therefore exactly `wgankit train ARGS` (wk_sweep_point_argv), as
 * under the local executor, so the results do not depend on the executor. The children get the
 * environment without the launcher's variables: they are plain processes, not MPI ranks.
 * No call blocks without polling: rank 0 polls its child and the workers' answers; a worker
 * polls its child and rank 0's messages (TAG_STOP: stop the point; TAG_QUIT: end). */
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

enum { TAG_RUN = 71, TAG_STOP, TAG_QUIT, TAG_DONE };

extern char **environ;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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
    double t0 = now();
    while (!child_ended(pid, exit_code, sig)) {
        if (now() - t0 > 10) kill(-pid, SIGKILL);
        nap();
    }
}

/* ---- rank 0 ---------------------------------------------------------------------------- */
typedef struct {
    char exe[4096];
    char **env;
    int size, running;
    int64_t *index; /* [size]: the point of each slot, -1 when free */
    double *t0;     /* [size] */
    pid_t own;      /* slot 0's child */
} pool;

static int mpi_fail(int code, const char *what) { return wk__mpi_fail(code, "sweep", what); }

static int mpi_start(void *ctx, int64_t index, char *const argv[], const char *log_path) {
    pool *p = ctx;
    int slot = -1;
    for (int s = 0; s < p->size && slot < 0; s++)
        if (p->index[s] < 0) slot = s;
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
    p->t0[slot] = now();
    p->running++;
    return WK_OK;
}

static int mpi_wait_any(void *ctx, wk_sweep_outcome *out) {
    pool *p = ctx;
    if (p->running == 0) return wk_errorf(WK_EINTERNAL, "sweep: waiting with no point running");
    for (;;) {
        if (p->index[0] >= 0 && child_ended(p->own, &out->exit_code, &out->signal)) {
            out->index = p->index[0];
            out->wall_s = now() - p->t0[0];
            p->index[0] = -1, p->running--;
            return WK_OK;
        }
        int flag = 0;
        MPI_Status st;
        int rc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &flag, &st);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "waiting for the ranks");
        if (flag) {
            double d[4];
            if ((rc = MPI_Recv(d, 4, MPI_DOUBLE, st.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE)) != MPI_SUCCESS)
                return mpi_fail(rc, "receiving a point's end");
            int r = st.MPI_SOURCE;
            out->index = (int64_t)d[0], out->exit_code = (int)d[1], out->signal = (int)d[2], out->wall_s = d[3];
            if (r > 0 && r < p->size && p->index[r] == out->index) p->index[r] = -1, p->running--;
            return WK_OK;
        }
        if (nap()) return wk_errorf(WK_EINTR, "sweep interrupted");
    }
}

static void mpi_stop(void *ctx) {
    pool *p = ctx;
    int e, s;
    if (p->index[0] >= 0) child_stop(p->own, &e, &s), p->index[0] = -1, p->running--;
    for (int r = 1; r < p->size; r++)
        if (p->index[r] >= 0) MPI_Send(NULL, 0, MPI_CHAR, r, TAG_STOP, MPI_COMM_WORLD);
    double t0 = now(), d[4];
    while (p->running > 0 && now() - t0 < 20) { /* each worker answers with its stopped point */
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
}

static void mpi_destroy(void *ctx) {
    pool *p = ctx;
    if (!p) return;
    for (int r = 1; r < p->size; r++) MPI_Send(NULL, 0, MPI_CHAR, r, TAG_QUIT, MPI_COMM_WORLD);
    wk_free(p->env), wk_free(p->index), wk_free(p->t0), wk_free(p);
}

int wk_dist_sweep_executor(struct wk_sweep_executor *ex, const char *exe) {
    if (!wk_dist_active()) return wk_errorf(WK_EINVAL, "sweep: the MPI executor needs a job started by mpirun or srun");
    pool *p = wk_calloc(1, sizeof *p);
    int size = wk_dist_size();
    if (!p || !(p->env = plain_env()) || !(p->index = wk_malloc((size_t)size * sizeof *p->index)) ||
        !(p->t0 = wk_calloc((size_t)size, sizeof *p->t0))) {
        if (p) wk_free(p->env), wk_free(p->index), wk_free(p);
        return WK_ENOMEM;
    }
    wk__sweep_resolve_exe(exe, p->exe, sizeof p->exe);
    p->size = size;
    for (int r = 0; r < size; r++) p->index[r] = -1;
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
    double t0 = 0;
    int rc = WK_OK;
    for (;;) {
        int e, s;
        if (pid > 0 && child_ended(pid, &e, &s)) {
            pid = 0;
            if ((rc = reply(index, e, s, now() - t0))) break;
        }
        int flag = 0;
        MPI_Status st;
        if ((rc = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st)) != MPI_SUCCESS) {
            rc = mpi_fail(rc, "waiting for rank 0");
            break;
        }
        if (!flag) {
            nap();
            continue;
        }
        int len;
        MPI_Get_count(&st, MPI_CHAR, &len);
        char *m = wk_malloc((size_t)len + 1);
        if (!m) {
            rc = WK_ENOMEM;
            break;
        }
        MPI_Recv(m, len, MPI_CHAR, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        m[len] = 0;
        if (st.MPI_TAG == TAG_RUN && pid == 0 && len > 8) {
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
            t0 = now();
            rc = wk__sweep_spawn(path, argv + 1, argv[0], env, &pid);
            wk_free(argv);
            if (rc) { /* the point could not start here: it failed, the sweep goes on */
                pid = 0;
                rc = reply(index, 127, 0, 0);
            }
        } else if (st.MPI_TAG == TAG_STOP && pid > 0) {
            child_stop(pid, &e, &s);
            pid = 0;
            rc = reply(index, e, s, now() - t0);
        } else if (st.MPI_TAG == TAG_QUIT) {
            wk_free(m);
            if (pid > 0) child_stop(pid, &e, &s);
            break;
        }
        wk_free(m);
        if (rc) break;
    }
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
#endif
