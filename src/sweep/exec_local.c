/* exec_local.c — the local executor of a sweep (sweep.h): a pool of child processes, each
 * `exe train ...` of one point, so that a point runs exactly what `wgankit train` alone runs
 * (same binary, same memory, its crash or NaN isolated from the controller and the others).
 *
 * Invariants: each child is in its own process group (a terminal's Ctrl-C reaches only the
 * controller, which stops the children itself) and has PR_SET_PDEATHSIG = SIGKILL, so a kill -9
 * of the controller leaves no orphan holding a run directory's lock; the death signal is checked
 * against a race with the parent's death between fork and prctl. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_internal.h"
#include "wgankit/error.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

typedef struct {
    pid_t pid;
    int64_t index;
    double t0;
} child;

typedef struct {
    char exe[4096];
    int jobs, running;
    child *kids; /* [jobs] */
} local_pool;

/* Start `exe train ...` (argv from wk_sweep_point_argv) as a child in its own process group,
 * killed when this process dies, stdin /dev/null, stdout and stderr appended to log_path, with
 * the environment envp (NULL: this process's). Shared with the MPI executor (src/dist). */
int wk__sweep_spawn(const char *exe, char *const argv[], const char *log_path, char *const envp[], pid_t *out) {
    int n = 0;
    while (argv[n]) n++;
    /* built before fork: the child only calls async-signal-safe functions */
    char **av = wk_malloc((size_t)(n + 2) * sizeof *av);
    if (!av) return WK_ENOMEM;
    av[0] = "wgankit";
    for (int i = 0; i < n; i++) av[i + 1] = argv[i];
    av[n + 1] = NULL;
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) {
        wk_free(av);
        return wk_errorf(WK_EIO, "cannot open %s: %s", log_path, strerror(errno));
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fd);
        wk_free(av);
        return wk_errorf(WK_ESYSTEM, "sweep: cannot start a point (fork: %s)", strerror(e));
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127); /* the controller died before prctl */
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (envp) execve(exe, av, envp);
        else execv(exe, av);
        static const char msg[] = "wgankit sweep: cannot run the point (exec failed)\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(127);
    }
    setpgid(pid, pid); /* also from the parent: no window where a kill of the group misses it */
    close(fd);
    wk_free(av);
    *out = pid;
    return WK_OK;
}

static int local_start(void *ctx, int64_t index, char *const argv[], const char *log_path) {
    local_pool *lp = ctx;
    if (lp->running >= lp->jobs) return wk_errorf(WK_EINTERNAL, "sweep: more points started than %d workers", lp->jobs);
    pid_t pid;
    int rc = wk__sweep_spawn(lp->exe, argv, log_path, NULL, &pid);
    if (rc) return rc;
    for (int i = 0; i < lp->jobs; i++)
        if (lp->kids[i].pid == 0) {
            lp->kids[i] = (child){pid, index, wk_monotonic_s()};
            break;
        }
    lp->running++;
    return WK_OK;
}

static int local_wait_any(void *ctx, wk_sweep_outcome *out) {
    local_pool *lp = ctx;
    if (lp->running == 0) return wk_errorf(WK_EINTERNAL, "sweep: waiting with no point running");
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) return wk_errorf(WK_EINTR, "sweep interrupted");
            return wk_errorf(WK_ESYSTEM, "sweep: waitpid: %s", strerror(errno));
        }
        for (int i = 0; i < lp->jobs; i++) {
            if (lp->kids[i].pid != pid) continue;
            out->index = lp->kids[i].index;
            out->wall_s = wk_monotonic_s() - lp->kids[i].t0;
            out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            lp->kids[i].pid = 0;
            lp->running--;
            return WK_OK;
        }
        /* not ours (cannot happen: the controller starts no other children); keep waiting */
    }
}

static void local_stop(void *ctx) {
    local_pool *lp = ctx;
    for (int i = 0; i < lp->jobs; i++)
        if (lp->kids[i].pid > 0) kill(-lp->kids[i].pid, SIGTERM);
    /* train stops at the next step on SIGTERM; a point stuck in a long evaluation gets 10 s */
    double t0 = wk_monotonic_s();
    while (lp->running > 0) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (int i = 0; i < lp->jobs; i++)
                if (lp->kids[i].pid == pid) lp->kids[i].pid = 0, lp->running--;
            continue;
        }
        if (pid < 0 && errno != EINTR) break;
        if (wk_monotonic_s() - t0 > 10)
            for (int i = 0; i < lp->jobs; i++)
                if (lp->kids[i].pid > 0) kill(-lp->kids[i].pid, SIGKILL);
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
}

static void local_destroy(void *ctx) {
    local_pool *lp = ctx;
    if (!lp) return;
    wk_free(lp->kids);
    wk_free(lp);
}

void wk__sweep_resolve_exe(const char *exe, char *buf, size_t n) {
    ssize_t len = readlink(exe, buf, n - 1);
    if (len > 0) buf[len] = 0;
    else snprintf(buf, n, "%s", exe);
}

/* the cores this process may use (taskset, cgroup cpusets), as train's "all cores" counts them */
long wk__sweep_cores(void) {
    cpu_set_t set;
    long cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores;
}

int wk_sweep_local_executor(wk_sweep_executor *ex, const char *exe, int jobs) {
    if (jobs < 1 || jobs > 1024) return wk_errorf(WK_EINVAL, "--jobs %d: expected 1..1024", jobs);
    local_pool *lp = wk_calloc(1, sizeof *lp);
    if (!lp || !(lp->kids = wk_calloc((size_t)jobs, sizeof *lp->kids))) {
        wk_free(lp);
        return WK_ENOMEM;
    }
    /* the binary itself, resolved now: /proc/self/exe names the controller's binary even if the
     * file is replaced during the sweep (a rebuild) only until then */
    wk__sweep_resolve_exe(exe, lp->exe, sizeof lp->exe);
    lp->jobs = jobs;
    long cores = wk__sweep_cores();
    ex->ctx = lp;
    ex->slots = jobs;
    ex->threads_per_point = cores / jobs > 1 ? (int)(cores / jobs) : 1;
    ex->start = local_start;
    ex->wait_any = local_wait_any;
    ex->stop = local_stop;
    ex->destroy = local_destroy;
    return WK_OK;
}
